#!/bin/sh
# bench/reports_letters.sh - issue 6's letter jobs at city scale: 10,000
# 受診勧奨 reminder letters in one `boshi reminders` run, and a batch of
# 精密検査依頼書 (letter + pre-filled return slip with its signed QR) in one
# `boshi referrals issue` run, on a large synthetic town.
#
# Setup (not timed): a town of N residents is imported; LETTERS children
# are given a recorded 3〜4か月 form for 2026-10 (as if `boshi targets` had
# sent them, written straight into the issue history) and REFERRALS
# children a checkup found 要精密.  Timed: the two commands, each with its
# peak memory; as the baseline in the same run, bench/print_floor writing
# the same number of pages straight through the PDF layer, and the ratio.
#
#   make && bench/reports_letters.sh
#   N=400000 LETTERS=10000 REFERRALS=2000 bench/reports_letters.sh
set -eu
BOSHI=${BOSHI_BIN:-./boshi}
BENCH_DIR=${BENCH_DIR:-build/rel/bench}
N=${N:-400000}
LETTERS=${LETTERS:-10000}
REFERRALS=${REFERRALS:-2000}
W=$(mktemp -d "${TMPDIR:-/tmp}/boshi-bench-XXXXXX")
trap 'rm -rf "$W"' EXIT
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{ printf "%.2f", $2 - $1 }'; }
export BOSHI_DB="$W/b.db"

echo "== reports_letters: town of $N residents, $LETTERS reminders, $REFERRALS referrals"
"$BOSHI" init >/dev/null
"$BOSHI" settings set site.name "みどり市 保健センター" >/dev/null
"$BOSHI" settings set site.address "〒389-0100 みどり市本町1丁目1番1号" >/dev/null
"$BOSHI" settings set site.contact "母子保健係 電話 0120-000-000" >/dev/null
"$BOSHI" demo town --residents "$N" --as-of 2026-11-01 -o "$W/town.csv" >/dev/null
"$BOSHI" residents import --full "$W/town.csv" >/dev/null
rm -f "$W/town.csv"
sqlite3 "$BOSHI_DB" <<EOF
INSERT INTO issues_printed(issue_id, form, version, person, kind, month, pages, printed_by, printed_at)
  SELECT printf('B%08d', row_number() OVER (ORDER BY atena)), 'nyuyoji_4m', 1, atena, 'form',
         '2026-10', 2, 'bench', '2026-09-20T00:00:00.000Z'
  FROM residents WHERE status = 1 AND birth >= '2008-01-01' ORDER BY atena LIMIT $LETTERS;
INSERT INTO checkups(person, form, exam_date, result, referral_targets, created_by, created_at)
  SELECT atena, 'nyuyoji_3y', '2026-11-05', 'yoseimitsu', 'me,mimi', 'bench', 'now'
  FROM residents WHERE status = 1 AND birth >= '2008-01-01' ORDER BY atena DESC LIMIT $REFERRALS;
EOF
given=$(sqlite3 "$BOSHI_DB" "SELECT count(*) FROM issues_printed WHERE kind = 'form'")
echo "  setup: $given children issued a form for 2026-10"

run() {   # label, then the command; sets t, rss, pages
    label=$1; shift
    t0=$(now)
    /usr/bin/time -f "%M" -o "$W/rss" "$@" > "$W/out"
    t1=$(now)
    t=$(secs "$t0" "$t1")
    rss=$(( $(cat "$W/rss") / 1024 ))
    pages=$(pdfinfo "$W/$label.pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    echo "  $label: $(head -1 "$W/out")"
}

run reminders "$BOSHI" reminders --reason bench nyuyoji_4m --month 2026-10 -o "$W/reminders.pdf"
rem_t=$t; rem_rss=$rss; rem_pages=$pages
echo "boshi reminders:        $rem_t s for $rem_pages letters, peak $rem_rss MiB" \
     "($(echo "$rem_pages $rem_t" | awk '{ printf "%.0f", $1 / $2 }') letters/s)"
run referrals "$BOSHI" referrals issue --reason bench -o "$W/referrals.pdf"
ref_t=$t; ref_rss=$rss; ref_pages=$pages
echo "boshi referrals issue:  $ref_t s for $ref_pages pages ($((ref_pages / 2)) referrals), peak" \
     "$ref_rss MiB ($(echo "$ref_pages $ref_t" | awk '{ printf "%.0f", $1 / $2 }') pages/s)"

for job in reminders:$rem_pages:$rem_t referrals:$ref_pages:$ref_t; do
    name=${job%%:*}; rest=${job#*:}; p=${rest%%:*}; ours=${rest#*:}
    t0=$(now)
    /usr/bin/time -f "%M" -o "$W/rss2" "$BENCH_DIR/print_floor" "$p" "$W/floor.pdf"
    t1=$(now)
    base=$(secs "$t0" "$t1")
    echo "baseline ($name):  $base s for $p pages straight through libharu" \
         "(peak $(( $(cat "$W/rss2") / 1024 )) MiB); ratio $(echo "$ours $base" |
         awk '{ printf "%.2fx", $1 / $2 }') the PDF library floor"
done
