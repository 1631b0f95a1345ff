#!/usr/bin/env bash
# System tools the services need: Chromaprint's fpcalc (audio fingerprints) and libsndfile (through
# the soundfile wheel, which bundles it). Installs fpcalc with apt-get as root on Debian; otherwise
# stops with a one-line instruction. Used by `make` and `.ci/run`.
set -euo pipefail
command -v fpcalc >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Chromaprint's fpcalc (libchromaprint-tools) with apt-get…" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libchromaprint-tools >/dev/null
  command -v fpcalc >/dev/null 2>&1 && exit 0
fi
echo "fpcalc is missing: install Chromaprint's tools (apt-get install libchromaprint-tools) and retry." >&2
exit 1
