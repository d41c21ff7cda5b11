#!/bin/sh
# Installs the Debian packages boshi needs to build, test and run, when any is
# missing. Called by `make deps`, and first thing by `make check` and `make demo`.
#   scripts/deps.sh          what building and running boshi needs
#   scripts/deps.sh --tests  and what the tests need besides (valgrind,
#                            Chromium and Node.js for the browser tests,
#                            man-db and groff for the man page check,
#                            nginx, openssl and curl for scripts/proxy-test.sh)
set -e
PKGS="build-essential pkg-config sqlite3 libsqlite3-dev libsodium-dev libcsv-dev
libutf8proc-dev libjansson-dev check libsubunit-dev libhpdf-dev libqrencode-dev
libzbar-dev zbar-tools libtesseract-dev libleptonica-dev libtiff-dev libarchive-dev tesseract-ocr-jpn
tesseract-ocr-script-jpan tesseract-ocr-eng poppler-utils fonts-ipaexfont
libmicrohttpd-dev fonts-dkg-handwriting fonts-breip fonts-humor-sans time
libfann-dev libsvm-dev libfreetype-dev fonts-droid-fallback"
if [ "${1:-}" = "--fuzz" ]; then
    # `make fuzz` only: libFuzzer comes with clang
    PKGS="$PKGS clang"
fi
if [ "${1:-}" = "--tests" ]; then
    PKGS="$PKGS valgrind chromium man-db groff-base qpdf nginx openssl curl"
    # Node.js and npm drive the browser tests (playwright-core needs node 20
    # or later); a machine that already has a node of its own keeps it.
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        PKGS="$PKGS nodejs npm"
    fi
fi
missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: run as root (or: sudo apt-get install -y$missing)" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
