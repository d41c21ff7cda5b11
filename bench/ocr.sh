#!/bin/sh
# bench/ocr.sh - reading scanned forms.
#
# Simulates 320 filled and scanned pages across all six forms (boshi demo
# scan): 100 clean at 300 dpi, 100 office-scanner at 300 dpi, 60 office at
# 200 dpi (JPEG), 60 harsh at 300 dpi.  Reads each with boshi's reader and
# compares every field with its ground truth: per field kind the accuracy of
# the readings, the share settled without a person, and the silent errors
# (accepted but wrong, which must be zero); ms per page and peak memory per
# worker.  In the same run, the baseline: full-page `tesseract -l jpn` on the
# same pages (its time, and the share of the true values found anywhere in
# its text).
#
#   make bench     (runs every benchmark)
#   bench/ocr.sh   (after make)
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
BENCH_DIR=${BENCH_DIR:-build/rel/bench}
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
export OMP_THREAD_LIMIT=1

echo "== ocr: simulating 320 pages"
"$BOSHI" demo scan --pages 100 --profile clean --seed 11 -o "$W/clean" >/dev/null
"$BOSHI" demo scan --pages 100 --profile office --seed 12 -o "$W/office" >/dev/null
"$BOSHI" demo scan --pages 60 --profile office --dpi 200 --format jpeg --seed 13 -o "$W/office200" >/dev/null
"$BOSHI" demo scan --pages 60 --profile harsh --seed 14 -o "$W/harsh" >/dev/null
for d in clean office office200 harsh; do
    echo "-- $d"
    "$BENCH_DIR/ocr_eval" "$W/$d" | sed -n '1,14p' | grep -v '^boshi reader\|^baseline'
done
echo "-- all 320 pages, with the full-page tesseract baseline"
"$BENCH_DIR/ocr_eval" --baseline "$W/clean" "$W/office" "$W/office200" "$W/harsh"
