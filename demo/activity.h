/*
 * activity: a synthetic year of 母子保健 activity over a store that holds a
 * synthetic town, for the statistics' tests, the demo and the benchmark.
 *
 * For a fiscal year it writes, through the records module's public
 * functions only (issues_record, record_for_issue, record_set), what the
 * health centre would have collected: 妊娠届出 with their 妊娠週数 in every
 * band (分娩後 and 不詳 included), 14 受診券 per pregnancy of which some come
 * back used, and 乳幼児健診 for a share of each checkup's target children
 * with the 健やか親子21 問診 answers (some left blank) and a 総合判定 (要精密
 * with its targets included).  Everything follows from (store, params):
 * the same town and seed give the same records.
 *
 * It returns the TRUE count of every statistics cell for the fiscal year
 * and for each of its months, counted from what it decided to write, so
 * tests can compare the report's cells with counts known by construction.
 * 精密健康診査 cells stay 0: referrals are not written here.
 *
 * Not for: real data, nor counting an existing store (records/stats.c).
 */
#ifndef BOSHI_DEMO_ACTIVITY_H
#define BOSHI_DEMO_ACTIVITY_H

#include "records/stats.h"

#include <stdint.h>

struct activity_params {
    int fiscal_year;         /* April fiscal_year .. March fiscal_year+1 */
    uint64_t seed;           /* same store + seed -> same records */
    long pregnancies;        /* 妊娠届 to write; 0 = as many as 3〜4か月 target children */
};

struct activity_truth {
    struct stats_tables year;        /* the fiscal year */
    struct stats_tables month[12];   /* April .. March */
    long issued;                     /* documents recorded in the issue history */
    long pregnancies, vouchers_used, checkups;   /* records written */
    long visits;                     /* 新生児訪問指導票 written */
    long mothers_short;              /* pregnancies not written: too few women found */
};

/*
 * Writes the year in one transaction (all or nothing).  Needs forms.print,
 * intake and residents.read (it reads the master through residents_find,
 * which audits what it shows).  truth is zeroed and filled.
 */
int activity_generate(struct store *st, const struct actor *a, const struct activity_params *p,
                      struct activity_truth *truth, struct berr *e);

#endif
