#!/bin/sh
# The demo: the main job on built-in synthetic data, in ./demo-out (made
# afresh).  Everything here is made-up: a generated town of 20,000 people.
#   1. a new store and site key; the site's settings
#   2. the resident master of the synthetic town, then a daily 異動 file
#   3. matching a person the way intake will (kana + birth date, 異体字)
#   4. the monthly checkup job: targets, 健診案内 letters, pre-filled forms
#      (next month's; and last month's, held on the 10th)
#   5. last month's forms come back filled in and scanned (simulated: handwriting-style
#      digits, ticks and crosses, faint marks, scanner skew and noise), with
#      two 妊娠届出書 nobody printed a name on
#   6. intake: the batch read, sure answers landed, the rest queued
#   7. the review queue: look at an item, settle some, a page lands
#   8. vouchers a clinic returns: a 産婦健診 EPDS item 10 marked (the
#      same-day alert, and its follow-up recorded) and a 新生児聴覚検査
#      リファー (a 精密検査依頼 for the baby)
#   9. referrals for 要精密, reminders for children not seen, and a fiscal
#      year's statistics (on a synthetic year of records)
#  10. the access log and its verification
set -eu
BOSHI=${1:-./boshi}
OUT=demo-out
rm -rf "$OUT"
mkdir -p "$OUT"
export BOSHI_DB="$OUT/boshi.db"
step() { printf '\n== %s\n' "$1"; }

step "1. 記録ストアの作成"
"$BOSHI" init --demo
"$BOSHI" settings set site.name "みどり市 保健センター" >/dev/null
"$BOSHI" settings set site.address "〒389-0100 みどり市本町1丁目1番1号" >/dev/null
"$BOSHI" settings set site.contact "母子保健係 電話 0120-000-000 (平日 8:45〜17:30)" >/dev/null
"$BOSHI" settings set checkup.venue "みどり市保健センター 2階 集団健診室" >/dev/null
"$BOSHI" settings list

step "2. 住民記録の取込 (架空の町 20,000 人) と日次異動"
yesterday=$(date -d yesterday +%Y-%m-%d)
"$BOSHI" demo town --residents 20000 --as-of "$yesterday" -o "$OUT/town.csv"
"$BOSHI" residents import --full "$OUT/town.csv"
"$BOSHI" demo diff --residents 20000 --as-of "$yesterday" --changes 40 -o "$OUT/diff.csv"
"$BOSHI" residents import "$OUT/diff.csv"

step "3. 住民の照合 (カナ・生年月日、表記ゆれ・異体字)"
# a mother of the town, looked up by hiragana kana and birth date
row=$(awk -F, 'NR > 1 && $5 == 2 && $7 == "妻" && $8 == 1 { print; exit }' "$OUT/town.csv")
kana=$(echo "$row" | cut -d, -f4)
birth=$(echo "$row" | cut -d, -f6)
echo "検索: カナ「$kana」(ひらがなで入力) 生年月日 $birth"
hira=$(echo "$kana" | sed 'y/アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲンガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポャュョッァィゥェォ/あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをんがぎぐげござじずぜぞだぢづでどばびぶべぼぱぴぷぺぽゃゅょっぁぃぅぇぉ/')
"$BOSHI" residents find --kana "$hira" --birth "${birth%????}-$(echo "$birth" | cut -c5-6)-$(echo "$birth" | cut -c7-8)"
# someone registered with a variant kanji (髙, 﨑, 齋, 邊 ...), searched with the common one
vrow=$(awk -F, 'NR > 1 && $8 == 1 && $3 ~ /髙|﨑|齋|齊|邊|邉/ { print; exit }' "$OUT/town.csv")
vname=$(echo "$vrow" | cut -d, -f3)
plain=$(echo "$vname" | sed 's/髙/高/g; s/﨑/崎/g; s/齋/斎/g; s/齊/斎/g; s/邊/辺/g; s/邉/辺/g')
echo "検索: 氏名「$plain」(住民記録では「$vname」)"
"$BOSHI" residents find --name "$plain" --limit 5

step "4. 健診対象者の抽出と 健診案内・問診票の印刷 (来月の 3〜4か月児健診)"
next=$(date -d "$(date +%Y-%m-15) +1 month" +%Y-%m)
last=$(date -d "$(date +%Y-%m-15) -1 month" +%Y-%m)
# the checkup day: the first day from the 10th that boshi accepts (no Sunday, holiday
# or 年末年始: boshi computes the holidays and refuses them without --force)
checkup_day() {   # MONTH [--as-of DAY]
    for d in 10 11 12 13 14 15 16 17; do
        if "$BOSHI" targets nyuyoji_4m --month "$1" --date "$1-$d" ${2:+--as-of "$2"} \
               --dry-run >/dev/null 2>&1; then
            echo "$1-$d"; return
        fi
    done
    echo "$1-10"
}
next_day=$(checkup_day "$next")
last_day=$(checkup_day "$last" "$last-01")
"$BOSHI" targets nyuyoji_4m --month "$next" --dry-run | head -6
sunday=$(for d in 1 2 3 4 5 6 7; do
    if [ "$(date -d "$next-0$d" +%u)" = 7 ]; then echo "$next-0$d"; fi
done)
echo "日曜・祝日の健診日は確認を求めます (--force が必要):"
"$BOSHI" targets nyuyoji_4m --month "$next" --date "$sunday" -o "$OUT/x.pdf" || true
"$BOSHI" targets nyuyoji_4m --month "$next" --date "$next_day" --reason 'デモ: 健診の準備' \
    -o "$OUT/kenshin-$next.pdf"
echo "同じ月をもう一度実行 (二重発行しない):"
"$BOSHI" targets nyuyoji_4m --month "$next" --date "$next_day" --reason 'デモ: 健診の準備' \
    -o "$OUT/kenshin-$next.pdf"
echo "先月分 (先月 $last_day に実施済み、月初に印刷したもの: その問診票・健診票が記入されて戻ってきます):"
"$BOSHI" targets nyuyoji_4m --month "$last" --date "$last_day" --as-of "$last-01" \
    --reason 'デモ: 健診の準備' -o "$OUT/kenshin-$last.pdf"
"$BOSHI" forms print ninshin_todoke --blank -o "$OUT/ninshin_todoke-blank.pdf"

step "5. 記入・返送された用紙のスキャン (模擬: 先月の健診の用紙)"
"$BOSHI" demo scan --store --from-issues "$OUT/kenshin-$last.csv" --forms nyuyoji_4m \
    --pages 12 --profile office --seed 5 --as-of "$last_day" -o "$OUT/scans"
"$BOSHI" demo scan --store --forms ninshin_todoke --pages 2 --profile office --seed 6 \
    -o "$OUT/scans/todoke"
upside=$(cat "$OUT"/scans/*.truth.json "$OUT"/scans/todoke/*.truth.json | grep -c '"upside_down": true' || true)
rm -f "$OUT"/scans/*.truth.json "$OUT"/scans/todoke/*.truth.json   # what a scanner would not write
# what happens in a real office: a sheet scanned twice, a page lost
cp "$OUT/scans/page-0003.png" "$OUT/scans/page-0003 (再スキャン).png"
rm -f "$OUT/scans/page-0012.png"
echo "模擬の不具合: 逆さまに読み込んだページ $upside、同じ用紙の再スキャン 1、紛失したページ 1"

step "6. スキャンの取込"
"$BOSHI" intake --name "demo-$last" "$OUT/scans"
echo "同じバッチをもう一度 (取込済みのページは読み直さない):"
"$BOSHI" intake --name "demo-$last" "$OUT/scans" | head -3

step "7. 確認待ち (保健師の作業)"
"$BOSHI" review list --limit 12
first=$("$BOSHI" review list | awk 'NR == 2 { print $1 }')
[ -n "$first" ] && "$BOSHI" review show "$first"
# settle one page completely: each item accepted, corrected or left blank
page_items=$("$BOSHI" review list --form nyuyoji_4m | awk 'NR > 1 { print $1 }' | head -40)
landed=0
for id in $page_items; do
    out=$("$BOSHI" review accept "$id" 2>/dev/null || "$BOSHI" review reject "$id" 2>/dev/null || true)
    case "$out" in *記録に登録しました*) landed=$((landed + 1)) ;; esac
done
echo "確認で記録に登録したページ: $landed"
"$BOSHI" batches show "demo-$last" | head -12

step "8. 医療機関から戻った受診券: 産婦健診の EPDS (即日アラート) と新生児聴覚検査 (リファー)"
# a mother of the town whose one baby was born in the last 150 days: her vouchers
since=$(date -d '150 days ago' +%Y-%m-%d)
mother=$(sqlite3 "$BOSHI_DB" "SELECT m.atena FROM residents m JOIN residents c ON c.setai = m.setai \
    AND c.zokugara = '子' AND c.status = 1 AND c.birth BETWEEN '$since' AND '$yesterday' \
    WHERE m.sex = 2 AND m.zokugara IN ('妻', '世帯主') AND m.status = 1 \
    GROUP BY m.atena HAVING count(*) = 1 ORDER BY m.atena LIMIT 1")
"$BOSHI" forms print ninpu_jushinken --person "$mother" -o "$OUT/jushinken.pdf"
mkdir -p "$OUT/jushinken"
for form in sanpu_jushinken choukaku_jushinken; do
    { echo "form,subject,issue,name,kana,birth"
      sqlite3 -csv "$BOSHI_DB" "SELECT i.form, i.person, i.issue_id, r.name, r.kana, r.birth \
          FROM issues_printed i JOIN residents r ON r.atena = i.person \
          WHERE i.form = '$form' AND i.person = '$mother' AND i.seq = 1"
    } > "$OUT/$form.csv"
done
# the clinic wrote EPDS item 10 (自分自身を傷つけるという考え) as 2; the baby's right ear リファー
"$BOSHI" demo scan --store --from-issues "$OUT/sanpu_jushinken.csv" --pages 1 --profile office \
    --seed 8 --as-of "$yesterday" --set epds_10=2:tick -o "$OUT/jushinken/sanpu"
"$BOSHI" demo scan --store --from-issues "$OUT/choukaku_jushinken.csv" --pages 1 --profile office \
    --seed 9 --as-of "$yesterday" --set kekka_migi=refer:tick --set kekka_hidari=pass:tick \
    --set kensa_kubun=shokai:tick -o "$OUT/jushinken/choukaku"
rm -f "$OUT"/jushinken/*/*.truth.json
"$BOSHI" intake --name "demo-jushinken" "$OUT/jushinken" | head -8
"$BOSHI" alerts
alert=$(sqlite3 "$BOSHI_DB" "SELECT id FROM alerts WHERE form = 'sanpu_jushinken' AND closed_at IS NULL LIMIT 1")
if [ -n "$alert" ]; then
    echo "産婦健診のアラート $alert に本人へ連絡した記録を付けて閉じます:"
    "$BOSHI" alerts close "$alert" --contacted-at "$(date +'%Y-%m-%d %H:%M')" --by '佐藤 保健師' \
        --plan '本人と電話で話し、明日訪問する。産後ケア事業を案内'
fi
# the 聴覚 voucher's items settled: the リファー lands as a 精密検査 for the baby (耳鼻咽喉科)
for id in $("$BOSHI" review list --form choukaku_jushinken | awk 'NR > 1 { print $1 }'); do
    "$BOSHI" review accept "$id" >/dev/null 2>&1 || "$BOSHI" review reject "$id" >/dev/null 2>&1 || true
done
echo "新生児聴覚検査でリファーだった子: 次の referrals issue で精密検査依頼書 (耳鼻咽喉科) を発行します"

step "9. 精密検査依頼・受診勧奨・統計"
"$BOSHI" referrals issue --reason 'デモ: 精密検査の追跡' -o "$OUT/seimitsu.pdf" || true
# a child whose form came back and is still in review attended: reminders waits for the
# queue, or leaves those children out when told to (--include-pending)
"$BOSHI" reminders nyuyoji_4m --month "$last" --reason 'デモ: 受診勧奨' -o "$OUT/kanshou-$last.pdf" || true
"$BOSHI" reminders nyuyoji_4m --month "$last" --include-pending --reason 'デモ: 受診勧奨' \
    -o "$OUT/kanshou-$last.pdf" | head -12
fy=$(date -d "$(date +%Y-%m-01) -3 month" +%Y)
"$BOSHI" demo activity --fiscal-year "$fy" --seed 1 | head -4
"$BOSHI" report stats --fiscal-year "$fy" -o "$OUT/toukei-$fy.pdf"

step "10. アクセス記録"
"$BOSHI" audit list --limit 8
"$BOSHI" audit verify

printf '\nデモの出力 (%s/):\n' "$OUT"
printf '  記録ストア      %s (鍵 %s.key、原本画像 %s.scans/)\n' "$BOSHI_DB" "$BOSHI_DB" "$BOSHI_DB"
printf '  印刷物 (PDF)    %s\n' "$(cd "$OUT" && ls *.pdf | tr '\n' ' ')"
printf '  一覧 (CSV)      %s\n' "$(cd "$OUT" && ls *.csv | tr '\n' ' ')"
printf '  スキャン画像    %s/scans/\n' "$OUT"
printf '  確認用の画像    %s.review/\n' "$BOSHI_DB"
