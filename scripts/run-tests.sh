#!/usr/bin/env bash
# Run the suite as independent pytest processes side by side (pytest-xdist's execnet channels hang
# under eventlet's monkey patching, which nameko needs), then print one combined closing line.
# Each process gets its own RabbitMQ vhost and PostgreSQL databases (see conftest.py); with no URL given
# and a Docker engine answering, each also starts its own PostgreSQL and RabbitMQ containers
# (devtools/infra.py): a few seconds more, and nothing shared between the processes to go wrong.
# PYTEST_ARGS, when set, runs a single pytest process with those arguments instead.
set -uo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
if [ -n "${PYTEST_ARGS:-}" ]; then
  # shellcheck disable=SC2086
  exec $py -m pytest $PYTEST_ARGS
fi
out="$(mktemp -d)"
# three processes, about equally long on two cores; the fault tests of tests/integration (broker cut off,
# platforms killed) get a process of their own, so whatever such a test leaves behind cannot reach the rest
# the browser tests (tests/browser) need a process without eventlet's patching (conftest.py), so one of their own
partitions=(
  "tests/e2e tests/deploy tests/fakestripe services/audio"
  "services gateway tests/unit --ignore=services/audio"
  "tests/integration"
  "tests/browser"
)
pids=()
for i in "${!partitions[@]}"; do
  # shellcheck disable=SC2086
  $py -m pytest ${partitions[$i]} --junitxml="$out/part$i.xml" >"$out/part$i.log" 2>&1 &
  pids+=($!)
done
status=0
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || status=1
  echo "===== pytest ${partitions[$i]} ====="
  cat "$out/part$i.log"
done
$py - "$out" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
for path in glob.glob(f"{sys.argv[1]}/part*.xml"):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        for key in totals:
            totals[key] += int(suite.get(key, 0))
failed = totals["failures"] + totals["errors"]
passed = totals["tests"] - failed - totals["skipped"]
print()
print(f"{passed} passed, {failed} failed, {totals['skipped']} skipped")
PY
rm -rf "$out"
exit $status
