#!/bin/sh
# bench/print.sh - the monthly checkup print job at city scale.
#
# A synthetic town large enough to have ~10,000 children due for the 3〜4か月
# checkup in one month; `boshi targets` prints their 健診案内 letters and
# pre-filled forms (3 pages each) into one PDF and records every issue.
# Prints the time, pages per second and peak memory, and, as the baseline in
# the same run, the time to write the same number of pages straight through
# the PDF layer (bench/print_floor: libharu with the same fonts, no store, no
# layout) and the ratio.
#
#   make bench                   (runs every benchmark)
#   N=1400000 bench/print.sh     (after make; N residents)
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
BENCH_DIR=${BENCH_DIR:-build/rel/bench}
N=${N:-1400000}
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
export BOSHI_DB="$W/b.db"

echo "== print: town of $N residents"
"$BOSHI" init >/dev/null
"$BOSHI" settings set site.name "みどり市 保健センター" >/dev/null
"$BOSHI" settings set site.address "〒389-0100 みどり市本町1丁目1番1号" >/dev/null
"$BOSHI" settings set site.contact "母子保健係 電話 0120-000-000" >/dev/null
"$BOSHI" settings set checkup.venue "みどり市保健センター" >/dev/null
"$BOSHI" demo town --residents "$N" --as-of 2026-11-01 -o "$W/town.csv" >/dev/null
"$BOSHI" residents import --full "$W/town.csv" >/dev/null
rm -f "$W/town.csv"

t0=$(now)
/usr/bin/time -f "%M" -o "$W/rss" \
    "$BOSHI" targets nyuyoji_4m --month 2026-10 --date 2026-10-14 -o "$W/letters.pdf" > "$W/out"
t1=$(now)
ours=$(secs "$t0" "$t1")
pages=$(pdfinfo "$W/letters.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
letters=$(awk -F'発行 ' '/対象/ { split($2, a, " "); print a[1] }' "$W/out")
rss=$(cat "$W/rss")
size=$(wc -c < "$W/letters.pdf")
echo "boshi targets:  $ours s for $letters letters + forms ($pages pages, $((size / 1048576)) MiB PDF)"
echo "$ours $pages $rss" | awk '{ printf "                %.0f pages/s, peak memory %.0f MiB\n", $2 / $1, $3 / 1024 }'

t0=$(now)
/usr/bin/time -f "%M" -o "$W/rss2" "$BENCH_DIR/print_floor" "$pages" "$W/floor.pdf"
t1=$(now)
base=$(secs "$t0" "$t1")
echo "baseline:       $base s for $pages pages straight through libharu (peak $(( $(cat "$W/rss2") / 1024 )) MiB)"
echo "$ours $base" | awk '{ printf "ratio:          %.2fx the PDF library floor\n", $1 / $2 }'
