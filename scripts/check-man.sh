#!/bin/sh
# Renders every man page in doc/ (Japanese, and doc/en/ English) with
# man-db's `man --warnings=w -l` (all groff warnings on) at 80 columns, and
# fails if groff warns about any of them: a Japanese sentence too long to
# break, a bad request, a missing font.  First it renders a page that must
# warn (tests/data/man/cant-break.1), so a check that cannot fail fails.
# With $BOSHI_BIN set (make check sets it), every command `boshi --help`
# lists must appear as "boshi COMMAND" in some page.  Run by
# scripts/run-tests.sh.
# Usage: scripts/check-man.sh [PAGE.1 ...]   (default: doc/*.1 doc/*/*.1)
src=$(cd "$(dirname "$0")/.." && pwd)
[ $# -gt 0 ] || set -- "$src"/doc/*.1 "$src"/doc/*/*.1
if ! command -v man >/dev/null 2>&1; then
    echo "check-man: man (man-db) is not installed: scripts/deps.sh --tests" >&2
    exit 1
fi
fail=0; n=0
err=$(mktemp)
render() {   # page -> groff's warnings in $err; 1 if man itself failed
    LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING= man --warnings=w -l "$1" >/dev/null 2>"$err"
}
# The check must be able to fail: a page known to be bad has to warn.
render "$src/tests/data/man/cant-break.1"
if ! grep -q "can't break line" "$err"; then
    echo "check-man: groff warnings do not reach this check (tests/data/man/cant-break.1 passed)" >&2
    rm -f "$err"
    exit 1
fi
for page in "$@"; do
    n=$((n + 1))
    if ! render "$page"; then
        echo "check-man: $page: man failed" >&2
        fail=1
    fi
    if [ -s "$err" ]; then
        sed "s|^|check-man: $page: |" "$err" >&2
        fail=1
    fi
done
rm -f "$err"
# Every command of the binary is in a page's synopsis as "boshi COMMAND"
# (man drops the bold and italics when its output is not a terminal).
if [ -n "${BOSHI_BIN:-}" ] && [ -x "$BOSHI_BIN" ]; then
    text=$(mktemp)
    for page in "$@"; do
        LC_ALL=C.UTF-8 MANWIDTH=300 man -l "$page" 2>/dev/null
    done | tr -s ' ' > "$text"
    cmds=$("$BOSHI_BIN" --help | sed -n '/^コマンド/,$p' |
           sed -n 's/^  \([a-z][a-z ]*[a-z]\)  .*/\1/p' | sed 's/ *$//')
    missing=$(echo "$cmds" | while IFS= read -r c; do
        [ -n "$c" ] && ! grep -q "boshi $c\( \|$\)" "$text" && echo "$c"
    done)
    rm -f "$text"
    if [ -n "$missing" ]; then
        echo "$missing" | sed 's/^/check-man: in no man page'"'"'s synopsis (doc\/boshi-*.1): boshi /' >&2
        fail=1
    fi
fi
[ $fail = 0 ] && echo "check-man: $n pages, no groff warnings${BOSHI_BIN:+, every command of $BOSHI_BIN in a synopsis}"
exit $fail
