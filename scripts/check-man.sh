#!/bin/sh
# Renders every man page in doc/ (Japanese, and doc/en/ English) with
# man-db's `man --warnings=w -l` (all groff warnings on) at 80 columns, and
# fails if groff warns about any of them: a Japanese sentence too long to
# break, a bad request, a missing font.  Run by scripts/run-tests.sh.
# Usage: scripts/check-man.sh [PAGE.1 ...]   (default: doc/*.1 doc/*/*.1)
src=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$src"/doc/*.1 "$src"/doc/*/*.1
if ! command -v man >/dev/null 2>&1; then
    echo "check-man: man (man-db) is not installed: scripts/deps.sh --tests" >&2
    exit 1
fi
fail=0; n=0
err=$(mktemp)
for page in "$@"; do
    n=$((n + 1))
    if ! LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings=w -l "$page" \
            >/dev/null 2>"$err"; then
        echo "check-man: $page: man failed" >&2
        fail=1
    fi
    if [ -s "$err" ]; then
        sed "s|^|check-man: $page: |" "$err" >&2
        fail=1
    fi
done
rm -f "$err"
[ $fail = 0 ] && echo "check-man: $n pages, no groff warnings"
exit $fail
