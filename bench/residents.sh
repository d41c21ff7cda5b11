#!/bin/sh
# bench/residents.sh - resident master import and matching.
#
# Generates a synthetic town of $N residents (default 1,000,000), imports it
# with `boshi residents import --full`, imports the same file with
# `sqlite3 .import` into a bare table in the same run as the baseline, and
# prints both times and the ratio; then times 10,000 `find` calls.
#
#   make bench                 (builds, then runs this)
#   N=200000 bench/residents.sh
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
BENCH_DIR=${BENCH_DIR:-build/rel/bench}
N=${N:-1000000}
FINDS=${FINDS:-10000}
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }

echo "== residents: $N synthetic residents"
t0=$(now)
"$BOSHI" demo town --residents "$N" -o "$W/town.csv" >/dev/null
t1=$(now)
echo "generate:        $(secs "$t0" "$t1") s  ($(wc -c < "$W/town.csv") bytes)"

"$BOSHI" --db "$W/b.db" init >/dev/null
t0=$(now)
"$BOSHI" --db "$W/b.db" residents import --full "$W/town.csv" >/dev/null
t1=$(now)
ours=$(secs "$t0" "$t1")

# Baseline: sqlite3's own CSV import into a bare table with the 15 columns.
sqlite3 "$W/base.db" "CREATE TABLE t(a,b,c,d,e,f,g,h,i,j,k,l,m,n,o);"
t0=$(now)
sqlite3 "$W/base.db" ".import --csv --skip 1 $W/town.csv t"
t1=$(now)
base=$(secs "$t0" "$t1")
echo "boshi import:    $ours s  (validate, fold names, encrypt 個人番号, 7 indexes, audit)"
echo "sqlite3 .import: $base s  (bare table, no checks, no index)"
echo "$ours $base" | awk '{ printf "ratio:           %.2fx  (goal: <= 2x)\n", $1 / $2 }'

"$BENCH_DIR/find_bench" "$W/b.db" "$(id -un)" "$FINDS"
