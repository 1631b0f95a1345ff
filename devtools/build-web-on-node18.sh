#!/usr/bin/env bash
# Build web/ with Debian 12's own Node.js 18 (not the machine's Node.js) and print the asset names, to check that
# the locked toolchain still builds there and gives the same bundle (docs/web.md "Node.js 18"). Needs root and
# Debian's apt sources: it downloads the Node.js 18 packages into a temporary folder without installing them, and
# shows them their /usr/share/nodejs in a mount namespace of their own, so nothing on the machine changes.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"; rmdir /usr/share/nodejs 2>/dev/null || true' EXIT
echo "==> downloading Debian's nodejs 18 packages into $work"
(cd "$work" && apt-get download -qq "nodejs=18.*" libnode108 libc-ares2 node-acorn node-cjs-module-lexer node-undici \
  2>/dev/null) || { echo "apt-get download failed: this needs Debian 12's apt sources (apt-get update first)" >&2; exit 1; }
for deb in "$work"/*.deb; do dpkg -x "$deb" "$work/root"; done
echo "==> copying web/ and installing its locked dependencies (npm ci)"
mkdir "$work/web"
cp -a web/index.html web/package.json web/package-lock.json web/src web/tsconfig.json web/vite.config.ts "$work/web/"
(cd "$work/web" && npm ci --no-audit --no-fund --loglevel=error)
mkdir -p /usr/share/nodejs  # an empty mount point; Debian's node loads its bundled modules from there
unshare -m bash -c "
  mount --bind '$work/root/usr/share/nodejs' /usr/share/nodejs
  export LD_LIBRARY_PATH='$work/root/usr/lib/x86_64-linux-gnu'
  node18='$work/root/usr/bin/node'
  cd '$work/web'
  echo \"==> building with Node.js \$(\$node18 --version)\"
  \$node18 node_modules/typescript/bin/tsc --noEmit
  \$node18 node_modules/vite/bin/vite.js build
"
