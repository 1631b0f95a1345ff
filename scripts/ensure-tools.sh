#!/usr/bin/env bash
# System tools the platform needs: Chromaprint's fpcalc (audio fingerprints; libsndfile comes bundled in the
# soundfile wheel) and Node.js with npm (the web app's build, scripts/ensure-web.sh). Installs what is missing with
# apt-get as root on Debian (Debian 12's nodejs is 18, which the app builds on); otherwise stops with a one-line
# instruction. Used by `make run`, `make test` and `.ci/run`.
set -euo pipefail
have() { command -v "$1" >/dev/null 2>&1; }
packages() {
  have fpcalc || echo libchromaprint-tools
  { have node && have npm; } || echo "nodejs npm"
}
missing="$(packages | xargs)"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && have apt-get; then
  echo "Installing $missing with apt-get…" >&2
  # shellcheck disable=SC2086
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  missing="$(packages | xargs)"
  [ -z "$missing" ] && exit 0
fi
echo "Missing system packages: $missing — install them (apt-get install $missing) and retry." >&2
exit 1
