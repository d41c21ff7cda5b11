#!/bin/sh
# Renders every form (blank, every page) and one 健診案内 letter with its
# pre-filled 問診票 to PNG for forms/README.md.  Run after make:
#   scripts/render-forms.sh [./boshi]
set -eu
BOSHI=${1:-./boshi}
OUT=forms/renders
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
export BOSHI_DB="$W/r.db"
mkdir -p "$OUT"
"$BOSHI" init >/dev/null
for f in $("$BOSHI" forms list | awk '{ print $1 }'); do
    "$BOSHI" forms print "$f" --blank -o "$W/$f.pdf" >/dev/null
    pdftoppm -r 60 -png "$W/$f.pdf" "$OUT/$f" 2>/dev/null
done
"$BOSHI" settings set site.name "みどり市 保健センター" >/dev/null
"$BOSHI" settings set site.address "〒389-0100 みどり市本町1丁目1番1号" >/dev/null
"$BOSHI" settings set site.contact "母子保健係 電話 0120-000-000" >/dev/null
"$BOSHI" settings set checkup.venue "みどり市保健センター 2階 集団健診室" >/dev/null
"$BOSHI" demo town --residents 20000 --as-of 2026-11-01 -o "$W/t.csv" >/dev/null
"$BOSHI" residents import --full "$W/t.csv" >/dev/null
"$BOSHI" targets --reason render nyuyoji_4m --month 2026-12 --date 2026-12-09 -o "$W/l.pdf" >/dev/null
pdftoppm -r 60 -png -f 1 -l 2 "$W/l.pdf" "$OUT/annai" 2>/dev/null
ls "$OUT"
