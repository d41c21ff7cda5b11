#!/bin/sh
# The demo: the main job on built-in synthetic data, in ./demo-out (made
# afresh).  Everything here is made-up: a generated town of 20,000 people.
#   1. a new store and site key; the site's settings
#   2. the resident master of the synthetic town, then a daily 異動 file
#   3. matching a person the way intake will (kana + birth date, 異体字)
#   4. the monthly checkup job: targets, 健診案内 letters, pre-filled forms
#   5. the access log and its verification
set -eu
BOSHI=${1:-./boshi}
OUT=demo-out
rm -rf "$OUT"
mkdir -p "$OUT"
export BOSHI_DB="$OUT/boshi.db"
step() { printf '\n== %s\n' "$1"; }

step "1. 記録ストアの作成"
"$BOSHI" init
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
"$BOSHI" targets nyuyoji_4m --month "$next" --dry-run | head -6
"$BOSHI" targets nyuyoji_4m --month "$next" --date "$next-10" -o "$OUT/kenshin-$next.pdf"
echo "同じ月をもう一度実行 (二重発行しない):"
"$BOSHI" targets nyuyoji_4m --month "$next" --date "$next-10" -o "$OUT/kenshin-$next.pdf"
"$BOSHI" forms print ninshin_todoke --blank -o "$OUT/ninshin_todoke-blank.pdf"

step "5. アクセス記録"
"$BOSHI" audit list --limit 8
"$BOSHI" audit verify

printf '\nデモの出力: %s/ (PDF・CSV はこのフォルダにあります)\n' "$OUT"
ls -l "$OUT"
