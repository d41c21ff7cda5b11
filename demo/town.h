/*
 * town: a synthetic town for tests, the demo and benchmarks.
 *
 * Writes a resident master (住民記録 連携ファイル, layout in doc/operations.md §7) of made-up
 * people living in a fictional city, and daily 異動 diffs for the same town.
 * Everything is derived from (params, seed) by an own PRNG, so the same
 * inputs always give the same bytes; nothing reads the clock or rand().
 *
 * Not for: real data of any kind, importing, or validating files written by
 * others (records/ does that).  The 個人番号 written here are synthetic
 * numbers with valid check digits; they belong to nobody.
 *
 * The generator streams household by household (memory does not grow with
 * the town).  A household's members, names, address and 住民状態 depend only
 * on (seed, household number), which is what lets town_write_diff() and
 * town_count_born_resident() revisit the same people without keeping them.
 *
 * Words used below:
 *   resident   a row with 住民状態 1 (住民)
 *   child      a person under 18 on as_of
 *   adult      a resident aged 18+ whose 続柄 is 世帯主, 妻 or 夫
 */
#ifndef BOSHI_DEMO_TOWN_H
#define BOSHI_DEMO_TOWN_H

#include "base/base.h"

#include <stdint.h>
#include <stdio.h>

/* Months counted in town_stats.born_by_month: the last four years. */
#define TOWN_BIRTH_MONTHS 48
/* Most events town_write_diff() writes for one day. */
#define TOWN_DIFF_MAX_CHANGES 1000

struct town_params {
    long residents;          /* people wanted: rows written are residents .. residents+7 */
    uint64_t seed;           /* same seed + params -> same bytes */
    struct ymd as_of;        /* the date the master is taken (ages relative to it) */
    const char *city;        /* e.g. "みどり市", fictional; prefixes every 住所 */
    int tricky_names;        /* 1: include 髙橋/高橋, 齋藤/斎藤/齊藤, 山﨑/山崎,
                                渡邊/渡邉/渡辺 and ヴ given names */
    int no_adult_per_10k;    /* of households with a resident child, how many
                                per 10,000 have no resident adult (exception
                                material); 0 = none, town_params_init: 10 (0.1%) */
    int crlf;                /* 1: CRLF line endings, 0: LF */
    int shien_per_10k;       /* households per 10,000 whose members are all under
                                支援措置 (DV and similar), by (seed, 世帯番号); > 0 adds
                                the optional last column 支援措置 (0/1) to every row;
                                0 (town_params_init) writes the file without it */
};

struct town_stats {
    long people;             /* rows written (header not counted) */
    long households;         /* distinct 世帯番号 */
    long by_status[5];       /* [1..4] rows per 住民状態; [0] unused */
    long with_mynumber;      /* rows with a 個人番号 */
    long children;           /* resident people under 18 on as_of */
    long no_adult_households;/* households with a resident child and no adult */
    long no_adult_children;  /* resident children living in those households */
    long tricky_rows;        /* rows whose 氏名 has an 異体字 listed above or ヴ */
    long quoted_rows;        /* rows with at least one quoted field */
    /*
     * Resident people born in each of the last TOWN_BIRTH_MONTHS months:
     * index TOWN_BIRTH_MONTHS-1 is as_of's own month, index 0 the month 47
     * months before it (see town_birth_month_index()).
     */
    long born_by_month[TOWN_BIRTH_MONTHS];
};

/* Defaults: 20,000 people, seed 1, as_of 2025-04-01, みどり市, tricky names
 * on, 0.1% of child households without an adult, LF. */
void town_params_init(struct town_params *p);

/*
 * Writes the full master (header + one row per person) to f.
 * st (may be NULL) is filled with what was written.
 * Returns 0, BERR_INVALID for bad params, BERR_FAIL on a write error.
 */
int town_write_csv(FILE *f, const struct town_params *p, struct town_stats *st,
                   struct berr *e);

/* Like town_write_csv() without writing: fills st only. */
int town_scan(const struct town_params *p, struct town_stats *st, struct berr *e);

/*
 * Counts resident people (住民状態 1) of the master born in year-month,
 * regenerating the town rather than reading any file: an independent count
 * for tests of 健診 targets.  Returns the count (>= 0) or a negative code.
 */
long town_count_born_resident(const struct town_params *p, int year, int month,
                              struct berr *e);

/* Index of year-month in town_stats.born_by_month, or -1 if outside. */
int town_birth_month_index(struct ymd as_of, int year, int month);

/*
 * Writes a daily 異動 diff for `day` (normally after as_of): header + rows,
 * each row the person's full state after the change.  `changes` events
 * (0 .. TOWN_DIFF_MAX_CHANGES) are drawn from 出生 (new 宛名番号 in an
 * existing household), 転入 (a new household, new 宛名番号 and 世帯番号),
 * 転居 (a household moves within the city), 転出 (住民状態 2) and 死亡
 * (住民状態 3).  Changed people are residents of the master of the same
 * params; no person appears twice.  New 宛名番号 and 個人番号 never collide
 * with the master's or another day's.  届出日 is `day`; 異動日 <= day.
 * st (may be NULL) gets people, households (events written), by_status,
 * with_mynumber, tricky_rows and quoted_rows of the diff; the rest stays 0.
 * Deterministic in (params, day, changes).
 */
int town_write_diff(FILE *f, const struct town_params *p, struct ymd day, int changes,
                    struct town_stats *st, struct berr *e);

#endif
