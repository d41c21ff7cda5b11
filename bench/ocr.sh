#!/bin/sh
# bench/ocr.sh - reading scanned forms, the old and the new digit reader side by side.
#
# Simulates 320 filled and scanned pages across all six forms (boshi demo
# scan): 100 clean at 300 dpi, 100 office-scanner at 300 dpi, 60 office at
# 200 dpi (JPEG), 60 harsh at 300 dpi.  Reads each twice with boshi's
# reader - "old": handwritten digits by Tesseract's two models
# (BOSHI_MODEL_DIR=off), "new": by the two handwriting models of ocr/hand.c
# (ocr/models) - and compares every field with its ground truth: per field
# kind the accuracy of the readings, the share settled without a person,
# and the silent errors (accepted but wrong, which must be zero); ms per
# page and peak memory per worker.  Then the handwriting models alone on
# cells of a held-out synthetic hand (bench/hand_cells.c): per-cell
# accuracy and ms per cell.  In the same run, the baseline: full-page
# `tesseract -l jpn` on the same pages (its time, and the share of the true
# values found anywhere in its text).
#
#   make bench     (runs every benchmark)
#   bench/ocr.sh   (after make)
#   OCR_BENCH_DIVIDE=4 OCR_BENCH_BASELINE=0 bench/ocr.sh   a quarter of the
#                  pages and no baseline (a busy machine)
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
BENCH_DIR=${BENCH_DIR:-build/rel/bench}
DIV=${OCR_BENCH_DIVIDE:-1}
BASELINE=${OCR_BENCH_BASELINE:-1}
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
export OMP_THREAD_LIMIT=1

n() { echo $(( $1 / DIV )); }
echo "== ocr: simulating $(( $(n 100) * 2 + $(n 60) * 2 )) pages"
"$BOSHI" demo scan --pages "$(n 100)" --profile clean --seed 11 -o "$W/clean" >/dev/null
"$BOSHI" demo scan --pages "$(n 100)" --profile office --seed 12 -o "$W/office" >/dev/null
"$BOSHI" demo scan --pages "$(n 60)" --profile office --dpi 200 --format jpeg --seed 13 -o "$W/office200" >/dev/null
"$BOSHI" demo scan --pages "$(n 60)" --profile harsh --seed 14 -o "$W/harsh" >/dev/null
hand_rows() { grep -E '^(kind|digits|number|date|mynumber|silent|  )' || true; }
for d in clean office office200 harsh; do
    echo "-- $d: old (Tesseract)"
    BOSHI_MODEL_DIR=off "$BENCH_DIR/ocr_eval" "$W/$d" | hand_rows
    echo "-- $d: new (handwriting models)"
    "$BENCH_DIR/ocr_eval" "$W/$d" | hand_rows
done
echo "-- all pages: old (Tesseract for handwritten digits)"
BOSHI_MODEL_DIR=off "$BENCH_DIR/ocr_eval" "$W/clean" "$W/office" "$W/office200" "$W/harsh" || true
echo "-- all pages: new (handwriting models)"
rc=0
if [ "$BASELINE" = 1 ]; then
    "$BENCH_DIR/ocr_eval" --baseline "$W/clean" "$W/office" "$W/office200" "$W/harsh" || rc=$?
else
    "$BENCH_DIR/ocr_eval" "$W/clean" "$W/office" "$W/office200" "$W/harsh" || rc=$?
fi
echo "-- held-out synthetic hand, cell by cell"
"$BENCH_DIR/hand_cells" 4000
exit $rc
