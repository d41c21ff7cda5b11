#!/bin/sh
# bench/print.sh - the monthly checkup print job at city scale.
#
# A synthetic town of 1.4 million (about 1,100 children reach the 3〜4か月
# checkup each month); `boshi targets` runs month after month, as a health
# centre does, until 10,000 健診案内 letters with their pre-filled forms (3
# pages each) have been printed and recorded.
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

# One run per month, as a health centre does it, until 10,000 letters.
letters=0; pages=0; peak=0; total=0; month=2026-10; runs=0
while [ "$letters" -lt "${LETTERS:-10000}" ] && [ "$runs" -lt 24 ]; do
    t0=$(now)
    /usr/bin/time -f "%M" -o "$W/rss" "$BOSHI" targets --reason bench nyuyoji_4m --month "$month" \
        --date "$month-14" --as-of "$month-01" --force -o "$W/letters-$month.pdf" > "$W/out"
    t1=$(now)
    n=$(sed -n 's/.*発行 \([0-9]*\) .*/\1/p' "$W/out")
    # the families' PDF and the staff's 健診票 PDF
    p=$(for f in "$W/letters-$month.pdf" "$W/letters-$month-kenshinhyo.pdf"; do
        pdfinfo "$f" 2>/dev/null | awk '/^Pages:/ { print $2 }'; done | awk '{ s += $1 } END { print s + 0 }')
    rss=$(cat "$W/rss")
    echo "  $month: $n letters, $p pages, $(secs "$t0" "$t1") s, peak $((rss / 1024)) MiB"
    letters=$((letters + n)); pages=$((pages + p)); runs=$((runs + 1))
    total=$(echo "$total $t0 $t1" | awk '{ printf "%.3f", $1 + $3 - $2 }')
    [ "$rss" -gt "$peak" ] && peak=$rss
    rm -f "$W/letters-$month.pdf" "$W/letters-$month-kenshinhyo.pdf"
    month=$(date -d "$month-01 -1 month" +%Y-%m)
done
ours=$total
echo "boshi targets:  $ours s for $letters letters with their forms ($pages pages, $runs monthly runs)"
echo "$ours $pages $letters" | awk '{ printf "                %.0f pages/s, %.0f letters/s\n", $2 / $1, $3 / $1 }'
echo "                peak memory of the largest run: $((peak / 1024)) MiB"

t0=$(now)
/usr/bin/time -f "%M" -o "$W/rss2" "$BENCH_DIR/print_floor" "$pages" "$W/floor.pdf"
t1=$(now)
base=$(secs "$t0" "$t1")
echo "baseline:       $base s for $pages pages straight through libharu (peak $(( $(cat "$W/rss2") / 1024 )) MiB)"
echo "$ours $base" | awk '{ printf "ratio:          %.2fx the PDF library floor\n", $1 / $2 }'
