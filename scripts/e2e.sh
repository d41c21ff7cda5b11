#!/bin/sh
# The browser tests of the review web UI: installs playwright-core (the npm
# package only: the browser is Debian's /usr/bin/chromium) from the lock file
# when it is missing, then runs tests/e2e/*.test.mjs with node's own runner.
# BOSHI_BIN names the boshi binary to test (default ./boshi).
set -e
dir="$(cd "$(dirname "$0")/../tests/e2e" && pwd)"
if [ ! -f "$dir/node_modules/playwright-core/package.json" ]; then
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
fi
cd "$dir"
exec node --test --test-reporter=spec --test-concurrency=1 ./*.test.mjs
