#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/e2e/web), driven headless by Playwright through its
# executable_path: no browser is downloaded. Installs it with apt-get as root on Debian; otherwise stops with a
# one-line instruction. CHROMIUM_PATH names another Chromium.
set -euo pipefail
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$chromium" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromium with apt-get (the browser tests)…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$chromium" ] && exit 0
fi
echo "Chromium is missing: install it (apt-get install chromium) or set CHROMIUM_PATH, and retry." >&2
exit 1
