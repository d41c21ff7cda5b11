#!/bin/sh
# bench/intake.sh - a weekly batch at scale.
#
# Simulates a 1,000-page batch of returned 3〜4か月 forms (the pre-filled
# 問診票・健診票 of a synthetic town's checkup run, filled in and scanned with
# office-scanner damage) and takes it in with 1 worker and with 2, each into
# a fresh copy of the same store: pages per minute, peak memory, and the
# scaling from 1 to 2 workers.  Goal: >= 200 pages a minute on 2 cores, no
# worker above 300 MB.  The baseline in the same run is the single-worker
# rate; the full-page tesseract baseline is in bench/ocr.sh.
#
#   make bench            (runs every benchmark)
#   PAGES=200 bench/intake.sh
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
PAGES=${PAGES:-1000}
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
export OMP_THREAD_LIMIT=1
now() { date +%s.%N; }

echo "== intake: $PAGES pages"
export BOSHI_DB="$W/base.db"
"$BOSHI" init >/dev/null
"$BOSHI" settings set site.name "みどり市 保健センター" >/dev/null
"$BOSHI" settings set site.address "〒389-0100 みどり市本町1丁目1番1号" >/dev/null
"$BOSHI" settings set site.contact "母子保健係 電話 0120-000-000" >/dev/null
"$BOSHI" settings set checkup.venue "みどり市保健センター" >/dev/null
"$BOSHI" demo town --residents 200000 --as-of 2026-11-01 -o "$W/town.csv" >/dev/null
"$BOSHI" residents import --full "$W/town.csv" >/dev/null
"$BOSHI" targets nyuyoji_4m --month 2026-12 --date 2026-12-09 -o "$W/k.pdf" >/dev/null
t0=$(now)
"$BOSHI" demo scan --store --from-issues "$W/k.csv" --forms nyuyoji_4m --pages "$PAGES" \
    --profile office --seed 9 -o "$W/scans" >/dev/null
rm -f "$W"/scans/*.truth.json
echo "simulated:      $(echo "$t0 $(now)" | awk '{ printf "%.0f", $2 - $1 }') s"

for workers in 1 2; do
    cp "$W/base.db" "$W/w$workers.db"
    cp "$W/base.db.key" "$W/w$workers.db.key"
    t0=$(now)
    /usr/bin/time -f "%M" -o "$W/rss$workers" "$BOSHI" --db "$W/w$workers.db" intake \
        --workers "$workers" --name bench "$W/scans" > "$W/out$workers"
    t1=$(now)
    secs=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
    ppm=$(echo "$PAGES $t0 $t1" | awk '{ printf "%.0f", $1 * 60 / ($3 - $2) }')
    rss=$(( $(cat "$W/rss$workers") / 1024 ))
    echo "$workers worker(s):    $secs s, $ppm pages/min, peak memory $rss MiB (process)"
    eval "ppm$workers=$ppm; rss$workers=$rss"
    sed -n '2,3p' "$W/out$workers"
done
echo "$ppm1 $ppm2" | awk '{ printf "scaling 1 -> 2:  %.2fx\n", $2 / $1 }'
echo "$rss1 $rss2" | awk '{ printf "per worker:      about %.0f MiB (the second worker adds %.0f MiB)\n", $1, $2 - $1 }'
