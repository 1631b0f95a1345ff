#!/usr/bin/env bash
# Build the browser app (web/) into web/dist, which the gateway serves at / (docs/web.md). Node.js and npm come
# from scripts/ensure-tools.sh (`make tools`, which `make run` and `make test` run first); installs the locked
# dependencies (npm ci) when package-lock.json changed; skips the build when no source changed since the last one.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-tools.sh
cd web

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js 18 or newer and npm are missing: install them (apt-get install nodejs npm) and retry." >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 18 ]; then
  echo "Node.js $(node --version) is too old for the web app: install Node.js 18 or newer and retry." >&2
  exit 1
fi

# what the build depends on; the same sources give the same stamp
stamp="$( (cat package.json package-lock.json index.html vite.config.ts tsconfig.json;
           find src -type f | LC_ALL=C sort | xargs cat) | sha256sum | cut -d' ' -f1)"
if [ -f dist/.source-stamp ] && [ "$(cat dist/.source-stamp)" = "$stamp" ] && [ -f dist/index.html ]; then
  exit 0
fi

if ! [ node_modules/.installed-from -nt package-lock.json ]; then
  echo "Installing the web app's locked dependencies (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.installed-from
fi
echo "Building the web app (web/dist)…" >&2
npm run --silent build
echo "$stamp" > dist/.source-stamp
