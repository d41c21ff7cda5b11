# bench/lib-intake.sh - sourced by bench/intake.sh and bench/review.sh, not run.
#
# What both benchmarks need: a store for a synthetic town with its 3〜4か月
# checkup run printed, and one intake batch timed the same way (wall time,
# pages per minute, peak memory of the process).  The callers set BOSHI
# (the binary) and W (their scratch directory) first.
# Not for: simulating scans or printing results (each benchmark does its own).

now() { date +%s.%N; }

# bench_store DB RESIDENTS: a new store at DB (and BOSHI_DB set to it): the
# site's settings, a town of RESIDENTS, and the checkup run of 2026-12
# (letters and pre-filled forms in $W/k.pdf, the list in $W/k.csv).
bench_store() {
    export BOSHI_DB="$1"
    "$BOSHI" init --demo >/dev/null
    "$BOSHI" settings set site.name "みどり市 保健センター" >/dev/null
    "$BOSHI" settings set site.address "〒389-0100 みどり市本町1丁目1番1号" >/dev/null
    "$BOSHI" settings set site.contact "母子保健係 電話 0120-000-000" >/dev/null
    "$BOSHI" settings set checkup.venue "みどり市保健センター" >/dev/null
    "$BOSHI" demo town --residents "$2" --as-of 2026-11-01 -o "$W/town.csv" >/dev/null
    "$BOSHI" residents import --full "$W/town.csv" >/dev/null
    "$BOSHI" targets --reason bench nyuyoji_4m --month 2026-12 --date 2026-12-09 --as-of 2026-11-01 -o "$W/k.pdf" >/dev/null
}

# bench_intake DB WORKERS NAME DIR PAGES: takes DIR in as batch NAME.  Its
# output goes to $W/intake-NAME.out; "seconds pages/min peak-MiB" to
# $W/intake-NAME.res (read back with bench_intake_result, also when the
# batch ran in the background).
bench_intake() {
    _t0=$(now)
    /usr/bin/time -f "%M" -o "$W/intake-$3.rss" "$BOSHI" --db "$1" intake --workers "$2" \
        --name "$3" "$4" > "$W/intake-$3.out"
    _t1=$(now)
    echo "$5 $_t0 $_t1 $(cat "$W/intake-$3.rss")" |
        awk '{ printf "%.1f %.0f %d\n", $3 - $2, $1 * 60 / ($3 - $2), $4 / 1024 }' > "$W/intake-$3.res"
}

# bench_intake_result NAME: sets secs, ppm and rss from batch NAME's timing.
bench_intake_result() {
    read -r secs ppm rss < "$W/intake-$1.res"
}
