#!/usr/bin/env bash
# Installs the JavaScript verifier's packages (exact versions in package.json) from the npm
# registry into tests/issuer/js/node_modules, without writing a lock file. The tests never
# install anything themselves: without node_modules they skip and name this script.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null; then
    echo "install.sh: npm not found; the JavaScript verifier test will be skipped" >&2
    exit 0
fi
if ! npm install --no-audit --no-fund --no-package-lock --ignore-scripts --loglevel=error \
    >/dev/null; then
    echo "install.sh: npm install failed; the JavaScript verifier test will be skipped" >&2
    exit 0
fi
echo "install.sh: JavaScript verifier packages installed in $(pwd)/node_modules"
