#!/usr/bin/env bash
# Create .venv with Python 3.11 and install the pinned dependencies (only when they changed):
#   scripts/ensure-venv.sh          requirements.txt, what the platform runs (make run, make demo)
#   scripts/ensure-venv.sh --dev    requirements-dev.txt too, what the tests and benchmarks need
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  "") dev=0 ;;
  --dev) dev=1 ;;
  *) echo "usage: scripts/ensure-venv.sh [--dev]" >&2; exit 2 ;;
esac
py="${PYTHON:-}"
if [ -z "$py" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      py="$candidate"; break
    fi
  done
fi
[ -n "$py" ] || { echo "Python 3.11 is required: install python3.11 (apt-get install python3.11 python3.11-venv) or set PYTHON." >&2; exit 1; }
if [ ! -x .venv/bin/python ]; then
  "$py" -m venv .venv || { echo "Could not create .venv: install the venv module (apt-get install python3.11-venv)." >&2; exit 1; }
fi
# one stamp per file, so that alternating `make run` and `make test` installs nothing twice
runtime_stamp=.venv/.requirements.sha
runtime_want="$(sha256sum requirements.txt | cut -d' ' -f1)"
dev_stamp=.venv/.requirements-dev.sha
dev_want="$(cat requirements.txt requirements-dev.txt | sha256sum | cut -d' ' -f1)"
install() {
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  .venv/bin/python -m pip install -q -r "$1"
}
if [ "$dev" = 1 ]; then
  if [ "$(cat "$dev_stamp" 2>/dev/null)" != "$dev_want" ]; then
    install requirements-dev.txt  # it includes requirements.txt (-r)
    echo "$dev_want" > "$dev_stamp"
    echo "$runtime_want" > "$runtime_stamp"
  fi
elif [ "$(cat "$runtime_stamp" 2>/dev/null)" != "$runtime_want" ]; then
  install requirements.txt
  echo "$runtime_want" > "$runtime_stamp"
fi
