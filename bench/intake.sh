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
. "$(dirname "$0")/lib-intake.sh"

echo "== intake: $PAGES pages"
bench_store "$W/base.db" 200000
t0=$(now)
"$BOSHI" demo scan --store --from-issues "$W/k.csv" --forms nyuyoji_4m --pages "$PAGES" \
    --profile office --seed 9 -o "$W/scans" >/dev/null
rm -f "$W"/scans/*.truth.json
echo "simulated:      $(echo "$t0 $(now)" | awk '{ printf "%.0f", $2 - $1 }') s"

for workers in 1 2; do
    cp "$W/base.db" "$W/w$workers.db"
    cp "$W/base.db.key" "$W/w$workers.db.key"
    bench_intake "$W/w$workers.db" "$workers" "w$workers" "$W/scans" "$PAGES"
    bench_intake_result "w$workers"
    echo "$workers worker(s):    $secs s, $ppm pages/min, peak memory $rss MiB (process)"
    eval "ppm$workers=$ppm; rss$workers=$rss"
    sed -n '2,3p' "$W/intake-w$workers.out"
done
echo "$ppm1 $ppm2" | awk '{ printf "scaling 1 -> 2:  %.2fx\n", $2 / $1 }'
echo "$rss1 $rss2" | awk '{ printf "per worker:      about %.0f MiB (the second worker adds %.0f MiB)\n", $1, $2 - $1 }'
