/*
 * reports/stats.h: the 母子保健 statistics as printed - one PDF laid out as
 * the tables of the 地域保健・健康増進事業報告 (地域保健編), and a CSV twin
 * per table - from the counts of records/stats.h.
 *
 * Takes counts only (struct stats_tables), so nothing that identifies a
 * person can reach the paper or the CSV from here.
 *
 * Not for: counting (records/stats.c), nor any list of persons.
 */
#ifndef BOSHI_REPORTS_STATS_H
#define BOSHI_REPORTS_STATS_H

#include "records/stats.h"
#include "reports/reports.h"

/* The tables, in page order; each has a CSV twin named <base>-<csv>.csv. */
enum stats_table {
    STATS_TABLE_TODOKE,      /* 妊娠届出者数 (妊娠週数別) */
    STATS_TABLE_NINPU,       /* 妊婦一般健康診査 */
    STATS_TABLE_KENSHIN,     /* 乳幼児健康診査 (対象・受診・判定・精密) */
    STATS_TABLE_MONSHIN,     /* 問診回答状況 (健やか親子21) */
    STATS_TABLE_HOUMON,      /* 訪問指導 (実人員・延人員) */
    STATS_TABLE_NENREI,      /* 乳幼児健康診査 年齢区分別 (対象・実・延・受診率) */
    STATS_TABLE_SHIKA,       /* 歯科健康診査 (1歳6か月・3歳) */
    STATS_TABLE_SANPU,       /* 産婦健康診査 */
    STATS_TABLE_CHOUKAKU,    /* 新生児聴覚検査 */
    STATS_TABLE_TEITAIJU,    /* 低体重児 */
    STATS_TABLE_GETSUBETSU,  /* 月別受診率 (the chart's figures) */
    STATS_TABLE_MISHUKEI,    /* cells boshi has no data for: 未集計 (データなし) */
    STATS_TABLE_BESSHI2,     /* 乳幼児健康診査問診回答状況 (別紙2): every option, 無回答, 本数 */
    STATS_TABLE_COUNT
};
/* "todoke", "ninpu", "kenshin", "monshin", "houmon", "nenrei", "shika", "sanpu",
 * "choukaku", "teitaiju", "getsubetsu", "mishukei", "besshi2". */
const char *stats_table_csv_name(enum stats_table t);

/* The period as people read it: "令和6年度（2024年度　2024年4月1日〜2025年3月31日）". */
void stats_period_label(const struct stats_period *p, char *out, size_t n);

struct stats_print {
    const char *site_name;   /* settings site.name */
    struct ymd made_on;      /* 作成日 */
};

/*
 * Writes the PDF (A4 landscape, one page per table group, page numbers)
 * to pdf_path, atomically.
 */
int stats_write_pdf(const struct stats_tables *t, const struct stats_print *pr,
                    const char *pdf_path, struct berr *e);

/*
 * Writes one CSV per table: <base>-<name>.csv (UTF-8 with BOM, or CP932).
 * paths (may be NULL) gets the file names written; caller frees each.
 */
int stats_write_csv(const struct stats_tables *t, const char *base, enum csvout_encoding enc,
                    char *paths[STATS_TABLE_COUNT], struct berr *e);

#endif
