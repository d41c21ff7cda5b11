#!/bin/sh
# Runs each Check test program given, then the man page check
# (scripts/check-man.sh), then the web UI behind nginx (scripts/proxy-test.sh), then the browser tests of the review web UI (tests/e2e, headless Chromium driven by playwright-core under
# `node --test`); fails if any fails. Each program prints Check's summary
# line; the last line totals them.
# Tesseract's OpenMP reads this at start-up: one thread per worker (ARCHITECTURE.md §6).
export OMP_THREAD_LIMIT=1
fail=0; pass=0; bad=0
for t in "$@"; do
    echo "== $(basename "$t")"
    if "$t"; then pass=$((pass + 1)); else fail=1; bad=$((bad + 1)); fi
done
echo "== doc/*.1 (man --warnings)"
if "$(dirname "$0")/check-man.sh"; then pass=$((pass + 1)); else fail=1; bad=$((bad + 1)); fi
echo "== nginx in front of two serve processes (scripts/proxy-test.sh)"
if "$(dirname "$0")/proxy-test.sh"; then pass=$((pass + 1)); else fail=1; bad=$((bad + 1)); fi
echo "== tests/e2e (headless Chromium)"
if "$(dirname "$0")/e2e.sh"; then pass=$((pass + 1)); else fail=1; bad=$((bad + 1)); fi
echo "test programs: $pass passed, $bad failed"
exit $fail
