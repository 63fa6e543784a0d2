#!/usr/bin/env bash
# The real-browser test of `spinlab lab` (web/test/lab_browser.mjs). Skipped (exit 77) only when
# node, chromium or playwright-core are missing; `make test` installs all three.
# Usage: web_browser.sh SPINLAB_BINARY SOURCE_DIR OUT_DIR
set -u
bin=$1 src=$2 out=$3
chromium=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null; then echo "SKIP: node not installed (make test installs it)"; exit 77; fi
if [ ! -x "$chromium" ]; then echo "SKIP: $chromium not installed (make test installs Debian chromium)"; exit 77; fi
if [ ! -f "$src/web/test/node_modules/playwright-core/package.json" ]; then
  echo "SKIP: playwright-core not installed (make test runs npm ci in web/test)"; exit 77
fi
mkdir -p "$out"
CHROMIUM=$chromium exec node "$src/web/test/lab_browser.mjs" "$bin" "$out"
