#!/bin/sh
# bench/review.sh - 20 nurses on the web UI while an intake batch runs (issue 7).
#
# A store for a synthetic town (as bench/intake.sh builds it) with a first
# simulated batch of the 3〜4か月 forms taken in (harsh scanner damage, so
# the review queue holds several hundred items) and 20 nurse accounts;
# `boshi serve` on loopback, and bench/review-load.mjs as 20 nurses: each
# opens the queue, an item, its crop and page image, thinks 2-4 s, accepts
# the reading (or blanks an item with nothing read), and goes on to the next.
#   phase 1 (the baseline, same run): the nurses alone, for PHASE1 seconds;
#   phase 2: the same while `boshi intake --workers 1` takes a second batch.
# Prints per phase the requests, items resolved, conflicts (409: two nurses
# on one item, expected) and latency per request kind (median, p95, p99),
# the phase 2 / phase 1 latency ratio, and the intake's pages per minute
# under that load against the same batch taken in alone (timed as
# bench/intake.sh times it).  Last, phase 1 again against a server that
# answers one request at a time (--threads 1: one store connection, as the
# server was before it ran requests in parallel).  Exits non-zero if any
# error reached a nurse (a 5xx, "database is locked", an unexpected status,
# a network error).  About 4-5 minutes on 2 cores.
#
#   make bench            (runs every benchmark)
#   bench/review.sh       (after make; needs Node.js 20 or later)
#   NURSES=20 PAGES1=120 PAGES2=120 PHASE1=40 SERIAL=0 bench/review.sh
#   (SERIAL=0 leaves out the one-at-a-time phase)
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
NURSES=${NURSES:-20}
PAGES1=${PAGES1:-120}
PAGES2=${PAGES2:-120}
PHASE1=${PHASE1:-40}
SERIAL=${SERIAL:-1}
PW=bench-review-pw-1
HERE=$(dirname "$0")
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
srv=
cleanup() {
    rc=$?
    if [ -n "$srv" ]; then kill "$srv" 2>/dev/null || true; wait "$srv" 2>/dev/null || true; fi
    # an intake that failed: its last words (its progress goes there too)
    if [ "$rc" != 0 ] && [ -s "$W/intake.err" ]; then tail -n 3 "$W/intake.err" >&2; fi
    rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export OMP_THREAD_LIMIT=1
. "$HERE/lib-intake.sh"
if ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
    echo "bench/review.sh needs Node.js 20 or later (node)" >&2
    exit 1
fi

# serve [ARGS]: starts boshi serve on a free loopback port; sets srv and port.
serve() {
    : > "$W/serve.out"
    "$BOSHI" --db "$W/r.db" serve --listen 127.0.0.1:0 "$@" > "$W/serve.out" 2>&1 &
    srv=$!
    port=
    for _ in $(seq 100); do
        port=$(sed -n 's/^listening on port //p' "$W/serve.out")
        [ -n "$port" ] && return 0
        sleep 0.1
    done
    echo "boshi serve did not start:" >&2
    cat "$W/serve.out" >&2
    exit 1
}

unserve() {
    kill "$srv"
    wait "$srv" || true
    srv=
}

load() {
    node "$HERE/review-load.mjs" --port "$port" --password "$PW" --nurses "$NURSES" "$@"
}

echo "== review: $NURSES nurses on the web UI, alone and while an intake batch runs"
t0=$(now)
bench_store "$W/r.db" 200000
# two batches from the two halves of the run's list: no sheet comes twice
children=$(($(wc -l < "$W/k.csv") - 1))
half=$((children / 2 + 1))
sed -n "1,${half}p" "$W/k.csv" > "$W/first.csv"
{ sed -n 1p "$W/k.csv"; sed -n "$((half + 1)),\$p" "$W/k.csv"; } > "$W/second.csv"
"$BOSHI" demo scan --store --from-issues "$W/first.csv" --forms nyuyoji_4m --pages "$PAGES1" \
    --profile harsh --seed 21 -o "$W/scans1" >/dev/null &
sim1=$!
"$BOSHI" demo scan --store --from-issues "$W/second.csv" --forms nyuyoji_4m --pages "$PAGES2" \
    --profile harsh --seed 22 -o "$W/scans2" >/dev/null
wait "$sim1"
rm -f "$W"/scans1/*.truth.json "$W"/scans2/*.truth.json
bench_intake "$W/r.db" 2 first "$W/scans1" "$PAGES1" 2>>"$W/intake.err"
echo "store:          a town of 200,000, $children children due; first batch of $PAGES1 pages taken in:"
sed -n '2p' "$W/intake-first.out"
i=1
while [ "$i" -le "$NURSES" ]; do
    n=$(printf 'nurse%02d' "$i")
    "$BOSHI" users add --name "保健師 $i" --role 保健師 "$n" >/dev/null
    echo "$PW" | "$BOSHI" users passwd "$n" >/dev/null
    i=$((i + 1))
done
echo "prepared in:    $(echo "$t0 $(now)" | awk '{ printf "%.0f", $2 - $1 }') s"

# the second batch alone, on a copy of the store, as the baseline for phase 2
cp "$W/r.db" "$W/alone.db"
cp "$W/r.db.key" "$W/alone.db.key"
if [ -e "$W/r.db-wal" ]; then cp "$W/r.db-wal" "$W/alone.db-wal"; fi
bench_intake "$W/alone.db" 1 alone "$W/scans2" "$PAGES2" 2>>"$W/intake.err"
bench_intake_result alone
ppm_alone=$ppm secs_alone=$secs
rm -rf "$W"/alone.db*

status=0
serve
load --seconds "$PHASE1" --label "phase 1 (no intake)" --json "$W/p1.json" --seed 1 || status=1
bench_intake "$W/r.db" 1 second "$W/scans2" "$PAGES2" 2>>"$W/intake.err" &
intake=$!
load --while-pid "$intake" --label "phase 2 (intake running)" --json "$W/p2.json" --seed 2 || status=1
wait "$intake"
bench_intake_result second
unserve
node "$HERE/review-load.mjs" --compare "$W/p1.json" "$W/p2.json" || status=1
echo "-- intake of the second batch ($PAGES2 pages, 1 worker)"
echo "   alone:                    $secs_alone s, $ppm_alone pages/min"
echo "   with $NURSES nurses working:   $secs s, $ppm pages/min" \
    "($(echo "$ppm $ppm_alone" | awk '{ printf "%.2f", $1 / $2 }')x)"
sed -n '2p' "$W/intake-second.out"

if [ "$SERIAL" = 1 ]; then
    serve --threads 1
    load --seconds "$PHASE1" --label "phase 1, one request at a time (--threads 1)" \
        --json "$W/p0.json" --seed 1 || status=1
    unserve
    node "$HERE/review-load.mjs" --compare "$W/p0.json" "$W/p1.json" || status=1
fi
if [ "$status" != 0 ]; then
    echo "FAILED: an error reached a nurse (see above)" >&2
    exit 1
fi
