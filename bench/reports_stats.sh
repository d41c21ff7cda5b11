#!/bin/sh
# bench/reports_stats.sh - the 母子保健 statistics for a fiscal year at city scale.
#
# A synthetic town of 1,000,000 residents (as of 2025-04-01) with a synthetic
# fiscal year 2024 of activity written by `boshi demo activity`: 20,000 妊娠届
# with 14 受診券 each (most come back used) and the three 乳幼児健診 of every
# target child of the year with their 問診 answers.  Then
# `boshi report stats --fiscal-year 2024` (PDF + 12 CSV) is timed with its
# peak memory, and, as the baseline in the same run, `sqlite3` running the
# equivalent bare COUNT queries on the same store (no 異動 history walk, no
# audit, no PDF), and the ratio.
#
#   make bench                       (runs every benchmark)
#   N=200000 P=4000 bench/reports_stats.sh   (after make; N residents, P pregnancies)
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
N=${N:-1000000}
P=${P:-20000}
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
export BOSHI_DB="$W/b.db"

echo "== report stats: town of $N residents, $P pregnancies"
"$BOSHI" init --demo >/dev/null
"$BOSHI" settings set site.name "みどり市 保健センター" >/dev/null
"$BOSHI" demo town --residents "$N" --as-of 2025-04-01 -o "$W/town.csv" >/dev/null
"$BOSHI" residents import --full "$W/town.csv" >/dev/null
rm -f "$W/town.csv"
t0=$(now)
"$BOSHI" demo activity --fiscal-year 2024 --seed 1 --pregnancies "$P" > "$W/activity"
t1=$(now)
sed 's/^/  /' "$W/activity"
echo "  (activity written in $(secs "$t0" "$t1") s; store $(du -m "$BOSHI_DB" | cut -f1) MiB)"
sqlite3 "$BOSHI_DB" "PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null

# boshi: three runs, the median time and the largest peak
times=""; peak=0
for i in 1 2 3; do
    t0=$(now)
    /usr/bin/time -f "%M" -o "$W/rss" "$BOSHI" report stats --fiscal-year 2024 \
        -o "$W/fy.pdf" > "$W/out"
    t1=$(now)
    times="$times $(secs "$t0" "$t1")"
    rss=$(cat "$W/rss"); [ "$rss" -gt "$peak" ] && peak=$rss
done
ours=$(echo $times | tr ' ' '\n' | sort -n | sed -n 2p)
sed 's/^/  /' "$W/out"

# baseline: the same counts as bare SQL (one statement per table group)
cat > "$W/base.sql" <<'EOF'
SELECT count(*), sum(due_date IS NOT NULL AND todoke_date > due_date),
       sum(weeks_at_todoke BETWEEN 0 AND 11), sum(weeks_at_todoke BETWEEN 12 AND 19),
       sum(weeks_at_todoke BETWEEN 20 AND 27), sum(weeks_at_todoke BETWEEN 28 AND 45)
  FROM pregnancies WHERE todoke_date BETWEEN '2024-04-01' AND '2025-03-31';
SELECT count(*), count(DISTINCT mother) FROM vouchers
 WHERE used_date BETWEEN '2024-04-01' AND '2025-03-31';
SELECT count(*) FROM residents WHERE birth BETWEEN '2023-12-01' AND '2024-11-30' AND status = 1;
SELECT count(*) FROM residents WHERE birth BETWEEN '2022-10-01' AND '2023-09-30' AND status = 1;
SELECT count(*) FROM residents WHERE birth BETWEEN '2021-04-01' AND '2022-03-31' AND status = 1;
SELECT form, result, count(DISTINCT person) FROM checkups
 WHERE exam_date BETWEEN '2024-04-01' AND '2025-03-31' GROUP BY form, result;
SELECT c.form, a.field, a.value, count(*) FROM checkups c
  JOIN answers a ON a.owner = 'checkup' AND a.owner_id = c.id
 WHERE c.exam_date BETWEEN '2024-04-01' AND '2025-03-31'
 GROUP BY c.form, a.field, a.value;
EOF
t0=$(now)
/usr/bin/time -f "%M" -o "$W/rss2" sqlite3 "$BOSHI_DB" < "$W/base.sql" > "$W/base.out"
t1=$(now)
base=$(secs "$t0" "$t1")

echo "boshi report stats: $ours s (median of 3:$times), peak memory $((peak / 1024)) MiB"
echo "sqlite3 bare COUNTs: $base s, peak memory $(( $(cat "$W/rss2") / 1024 )) MiB"
echo "$ours $base" | awk '{ if ($2 > 0) printf "ratio: %.1f x the bare queries\n", $1 / $2 }'
