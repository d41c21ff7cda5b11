/*
 * reports/stats.c: the 母子保健 statistics on paper and in CSV
 * (reports/stats.h).  Layout only: every figure comes from struct
 * stats_tables, and the same labels head the PDF tables and the CSVs so a
 * manager can check one against the other.
 *
 * Pages (A4 landscape, ruled tables, header with the period in 和暦 and
 * 西暦 and the site name, footer with 作成日 and page numbers):
 *   1  妊娠届出者数 (妊娠週数別) and 妊婦一般健康診査
 *   2  乳幼児健康診査: 対象人員, 受診実人員, 受診率, 総合判定, 精密健康診査
 *   3  問診回答状況 (健やか親子21)
 */
#include "reports/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const table_csv[STATS_TABLE_COUNT] = { "todoke", "ninpu", "kenshin", "monshin" };

const char *stats_table_csv_name(enum stats_table t)
{
    return t < STATS_TABLE_COUNT ? table_csv[t] : "?";
}

static const char *const weeks_labels[STATS_WEEKS_COUNT] = {
    "満11週以内", "満12〜19週", "満20〜27週", "満28週以上", "分娩後", "不詳",
};
static const char *const checkup_labels[STATS_CHECKUP_COUNT] = {
    "乳児（3〜5か月）", "幼児（1歳6か月）", "幼児（3歳）",
};
static const char *const result_labels[STATS_RESULT_COUNT] = {
    "異常なし", "既医療", "要観察", "要精密", "要治療", "未記入",
};
static const char *const seimitsu_labels[STATS_SEIMITSU_COUNT] = {
    "異常なし", "要経過観察", "要治療", "治療中", "その他",
};
static const char *const ind_labels[STATS_IND_COUNT] = {
    "育てにくさを感じる（いつも＋時々）",
    "　その内、解決方法を知っている",
    "ゆったりとした気分で子どもと過ごせる時間がある",
    "この地域で子育てをしたい（そう思う＋どちらかといえばそう思う）",
    "父親が喫煙している",
    "母親が喫煙している",
    "妊娠中に喫煙していた",
    "産後、助産師や保健師等から指導・ケアを十分に受けられた",
    "子どもを虐待しているのではないかと思う行為がある（いずれか）",
};

/* ---- numbers and dates as printed ----------------------------------------- */

static void fmt_long(long v, char *out, size_t n)
{
    char raw[32];
    size_t len, o = 0;

    snprintf(raw, sizeof(raw), "%ld", v < 0 ? -v : v);
    len = strlen(raw);
    if (v < 0 && o + 1 < n)
        out[o++] = '-';
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        out[o++] = raw[i];
        if ((len - i - 1) % 3 == 0 && i + 1 < len && o + 1 < n)
            out[o++] = ',';
    }
    out[o] = '\0';
}

/* Percentage with one decimal (half up), or "-" when den is 0. */
static void fmt_pct(long num, long den, char *out, size_t n)
{
    if (den <= 0) {
        snprintf(out, n, "-");
        return;
    }
    long tenths = (num * 1000 + den / 2) / den;
    snprintf(out, n, "%ld.%ld", tenths / 10, tenths % 10);
}

static void wareki_year(int y, int m, int d, char *out, size_t n)
{
    struct wareki w;

    if (jpdate_to_wareki((struct ymd){ y, m, d }, &w) < 0) {
        snprintf(out, n, "%d年", y);
        return;
    }
    if (w.year == 1)
        snprintf(out, n, "%s元年", jp_era_name(w.era));
    else
        snprintf(out, n, "%s%d年", jp_era_name(w.era), w.year);
}

void stats_period_label(const struct stats_period *p, char *out, size_t n)
{
    char era[32];

    if (p->fiscal_year && p->counted_to.y) {
        /* a year in progress is never labelled as the whole year */
        wareki_year(p->fiscal_year, 5, 1, era, sizeof(era));
        era[strlen(era) - 3] = '\0';
        snprintf(out, n, "%s年度　年度途中（%d年4月1日〜%d年%d月%d日）", era, p->fiscal_year,
                 p->counted_to.y, p->counted_to.m, p->counted_to.d);
    } else if (p->fiscal_year) {
        /* a fiscal year is named in the era of its May (2019-04 was 平成 yet it is 令和元年度) */
        wareki_year(p->fiscal_year, 5, 1, era, sizeof(era));
        era[strlen(era) - 3] = '\0';   /* drop the trailing 年 */
        snprintf(out, n, "%s年度（%d年度　%d年4月1日〜%d年3月31日）", era, p->fiscal_year,
                 p->fiscal_year, p->fiscal_year + 1);
    } else if (p->counted_to.y) {
        wareki_year(p->year, p->month, 1, era, sizeof(era));
        snprintf(out, n, "%s%d月　月途中（%d年%d月1日〜%d月%d日）", era, p->month, p->year, p->month,
                 p->month, p->counted_to.d);
    } else {
        wareki_year(p->year, p->month, 1, era, sizeof(era));
        snprintf(out, n, "%s%d月（%d年%d月1日〜%d月%d日）", era, p->month, p->year, p->month,
                 p->month, p->to.d);
    }
}

/* ---- CSV ------------------------------------------------------------------ */

static int csv_todoke(struct csvout *c, const struct stats_tables *t, const char *period)
{
    const char *h[3 + STATS_WEEKS_COUNT] = { "集計期間", "区分", "総数" };
    char v[STATS_WEEKS_COUNT + 1][24];
    const char *row[3 + STATS_WEEKS_COUNT] = { period, "妊娠届出者数", v[0] };

    for (int i = 0; i < STATS_WEEKS_COUNT; i++)
        h[3 + i] = weeks_labels[i];
    csvout_row(c, h, 3 + STATS_WEEKS_COUNT);
    snprintf(v[0], sizeof(v[0]), "%ld", t->todoke_total);
    for (int i = 0; i < STATS_WEEKS_COUNT; i++) {
        snprintf(v[i + 1], sizeof(v[i + 1]), "%ld", t->todoke[i]);
        row[3 + i] = v[i + 1];
    }
    csvout_row(c, row, 3 + STATS_WEEKS_COUNT);
    return 0;
}

static int csv_ninpu(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "区分", "受診実人員", "受診延人員" };
    char a[24], b[24];
    const char *row[] = { period, "妊婦一般健康診査", a, b };

    snprintf(a, sizeof(a), "%ld", t->ninpu_jitsu);
    snprintf(b, sizeof(b), "%ld", t->ninpu_nobe);
    csvout_row(c, h, 4);
    csvout_row(c, row, 4);
    return 0;
}

#define KENSHIN_COLS (5 + STATS_RESULT_COUNT + 2 + STATS_SEIMITSU_COUNT)

static int csv_kenshin(struct csvout *c, const struct stats_tables *t, const char *period)
{
    const char *h[KENSHIN_COLS];
    char names[STATS_RESULT_COUNT + STATS_SEIMITSU_COUNT][64];
    int k = 0;

    h[k++] = "集計期間";
    h[k++] = "区分";
    h[k++] = "対象人員";
    h[k++] = "受診実人員";
    h[k++] = "受診率(%)";
    for (int i = 0; i < STATS_RESULT_COUNT; i++) {
        snprintf(names[i], sizeof(names[i]), "総合判定 %s", result_labels[i]);
        h[k++] = names[i];
    }
    h[k++] = "精密健康診査 受診実人員";
    for (int i = 0; i < STATS_SEIMITSU_COUNT; i++) {
        snprintf(names[STATS_RESULT_COUNT + i], sizeof(names[0]), "精密健康診査 %s",
                 seimitsu_labels[i]);
        h[k++] = names[STATS_RESULT_COUNT + i];
    }
    h[k++] = "精密健康診査 未受診・未把握";
    csvout_row(c, h, KENSHIN_COLS);
    for (int r = 0; r < STATS_CHECKUP_COUNT; r++) {
        const struct stats_checkup_row *x = &t->checkup[r];
        char v[KENSHIN_COLS][24];
        const char *row[KENSHIN_COLS];
        k = 0;
        row[k++] = period;
        row[k++] = checkup_labels[r];
        snprintf(v[k], 24, "%ld", x->taisho); row[k] = v[k]; k++;
        snprintf(v[k], 24, "%ld", x->jushin); row[k] = v[k]; k++;
        fmt_pct(x->jushin, x->taisho, v[k], 24); row[k] = v[k]; k++;
        for (int i = 0; i < STATS_RESULT_COUNT; i++) {
            snprintf(v[k], 24, "%ld", x->result[i]); row[k] = v[k]; k++;
        }
        snprintf(v[k], 24, "%ld", x->seimitsu_jushin); row[k] = v[k]; k++;
        for (int i = 0; i < STATS_SEIMITSU_COUNT; i++) {
            snprintf(v[k], 24, "%ld", x->seimitsu[i]); row[k] = v[k]; k++;
        }
        snprintf(v[k], 24, "%ld", x->seimitsu_pending); row[k] = v[k]; k++;
        csvout_row(c, row, KENSHIN_COLS);
    }
    return 0;
}

static int csv_monshin(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "健診", "指標", "該当数", "回答数", "割合(%)" };

    csvout_row(c, h, 6);
    for (int r = 0; r < STATS_CHECKUP_COUNT; r++) {
        for (int i = 0; i < STATS_IND_COUNT; i++) {
            const struct stats_ratio *x = &t->ind[r][i];
            char a[24], b[24], pct[24];
            const char *label = ind_labels[i];
            if (x->den < 0)
                continue;   /* not asked on this form */
            if (strncmp(label, "　", 3) == 0)
                label += 3;
            snprintf(a, sizeof(a), "%ld", x->num);
            snprintf(b, sizeof(b), "%ld", x->den);
            fmt_pct(x->num, x->den, pct, sizeof(pct));
            const char *row[] = { period, checkup_labels[r], label, a, b, pct };
            csvout_row(c, row, 6);
        }
    }
    return 0;
}

int stats_write_csv(const struct stats_tables *t, const char *base, enum csvout_encoding enc,
                    char *paths[STATS_TABLE_COUNT], struct berr *e)
{
    static int (*const writers[STATS_TABLE_COUNT])(struct csvout *, const struct stats_tables *,
                                                   const char *) = {
        csv_todoke, csv_ninpu, csv_kenshin, csv_monshin,
    };
    char period[160];
    int rc = 0;

    stats_period_label(&t->period, period, sizeof(period));
    for (int i = 0; i < STATS_TABLE_COUNT && rc == 0; i++) {
        struct csvout *c = NULL;
        char *path = xasprintf("%s-%s.csv", base, table_csv[i]);
        rc = csvout_open(&c, path, enc, e);
        if (rc == 0) {
            writers[i](c, t, period);
            /* what the counts leave out, in every table (a reader of one file sees it) */
            char pend[64];
            snprintf(pend, sizeof(pend), "確認待ち %ld ページ未集計", t->pending_pages);
            const char *row[] = { period, pend };
            csvout_row(c, row, 2);
            rc = csvout_close(&c, e);
        }
        if (paths)
            paths[i] = path;
        else
            free(path);
    }
    return rc;
}

/* ---- PDF ------------------------------------------------------------------ */

#define MARGIN 14.0
#define ROW_H 8.0
#define HEAD_GREY 0.90

/* One ruled cell: optional shading, outline, text (shrunk to fit). */
static void cell(struct pdf *p, double x, double y, double w, double h, const char *text,
                 enum pdf_align al, double pt, int head)
{
    if (head)
        pdf_fill_rect(p, x, y, w, h, HEAD_GREY);
    pdf_rect(p, x, y, w, h, 0.25);
    if (text && *text)
        pdf_text_box(p, PDF_GOTHIC, pt, x + 1.2, y + 0.6, w - 2.4, h - 1.2, al, text, NULL);
}

/* A header cell whose text is split into lines at '\n', each line its own band. */
static void cell_lines(struct pdf *p, double x, double y, double w, double h, const char *text,
                       double pt)
{
    const char *nl = strchr(text, '\n');
    char first[96];

    if (nl == NULL) {
        cell(p, x, y, w, h, text, PDF_ALIGN_CENTRE, pt, 1);
        return;
    }
    cell(p, x, y, w, h, NULL, PDF_ALIGN_CENTRE, pt, 1);
    snprintf(first, sizeof(first), "%.*s", (int)(nl - text), text);
    pdf_text_box(p, PDF_GOTHIC, pt, x + 0.8, y + h / 2 - 4.4, w - 1.6, 4.2, PDF_ALIGN_CENTRE, first,
                 NULL);
    pdf_text_box(p, PDF_GOTHIC, pt, x + 0.8, y + h / 2 + 0.2, w - 1.6, 4.2, PDF_ALIGN_CENTRE,
                 nl + 1, NULL);
}

static void page_frame(struct pdf *p, const struct stats_tables *t, const struct stats_print *pr,
                       int page, int pages, const char *section)
{
    double w, h;
    char period[160], line[256], made[48];

    pdf_page_add(p, PDF_LANDSCAPE);
    pdf_page_size(p, &w, &h);
    stats_period_label(&t->period, period, sizeof(period));
    pdf_text_box(p, PDF_GOTHIC, 15, MARGIN, MARGIN - 2, w - 2 * MARGIN - 90, 9, PDF_ALIGN_LEFT,
                 "母子保健統計（地域保健・健康増進事業報告　地域保健編）", NULL);
    pdf_text_box(p, PDF_GOTHIC, 11, w - MARGIN - 90, MARGIN - 2, 90, 9, PDF_ALIGN_RIGHT,
                 pr->site_name ? pr->site_name : "", NULL);
    snprintf(line, sizeof(line), "集計期間：%s", period);
    pdf_text_box(p, PDF_GOTHIC, 10.5, MARGIN, MARGIN + 8, w - 2 * MARGIN, 6, PDF_ALIGN_LEFT, line,
                 NULL);
    pdf_line(p, MARGIN, MARGIN + 15, w - MARGIN, MARGIN + 15, 0.5);
    pdf_text_box(p, PDF_GOTHIC, 12.5, MARGIN, MARGIN + 18, w - 2 * MARGIN, 7, PDF_ALIGN_LEFT,
                 section, NULL);
    if (t->pending_pages > 0) {
        /* the counts are short: said on every page, beside the section title */
        snprintf(line, sizeof(line), "確認待ち %ld ページ未集計（確認が終わると計上されます）",
                 t->pending_pages);
        pdf_text_box(p, PDF_GOTHIC, 11, w - MARGIN - 130, MARGIN + 18, 130, 7, PDF_ALIGN_RIGHT,
                     line, NULL);
    }
    jpdate_format(pr->made_on, made, sizeof(made));
    snprintf(line, sizeof(line), "作成日：%s　　件数のみ（個人を特定する情報は含みません）", made);
    pdf_line(p, MARGIN, h - MARGIN - 6, w - MARGIN, h - MARGIN - 6, 0.3);
    pdf_text_box(p, PDF_GOTHIC, 8.5, MARGIN, h - MARGIN - 5, w - 2 * MARGIN - 40, 5,
                 PDF_ALIGN_LEFT, line, NULL);
    snprintf(line, sizeof(line), "%d / %d", page, pages);
    pdf_text_box(p, PDF_GOTHIC, 9, w - MARGIN - 40, h - MARGIN - 5, 40, 5, PDF_ALIGN_RIGHT, line,
                 NULL);
}

/* Lines of small print under a table, from y; returns the y below them. */
static double notes(struct pdf *p, double x, double y, double w, const char *const *lines)
{
    for (const char *const *l = lines; *l; l++) {
        pdf_text_box(p, PDF_GOTHIC, 8.5, x, y, w, 4.6, PDF_ALIGN_LEFT, *l, NULL);
        y += 4.8;
    }
    return y;
}

static void page_todoke(struct pdf *p, const struct stats_tables *t)
{
    double x = MARGIN, y = MARGIN + 30, wl = 46, wc = 28;
    char v[24], pct[24];
    static const char *const notes1[] = {
        "※ 集計期間内に届出日がある妊娠届を、届出日現在の妊娠週数（満）で区分。"
        "「分娩後」は届出日が分娩予定日より後の届出、「不詳」は週数の記入がないもの。",
        NULL,
    };

    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 200, 6, PDF_ALIGN_LEFT,
                 "表1　妊娠届出者数（妊娠週数別）", NULL);
    y += 8;
    cell(p, x, y, wl, ROW_H * 2, "区分", PDF_ALIGN_CENTRE, 10, 1);
    cell(p, x + wl, y, wc, ROW_H * 2, "総数", PDF_ALIGN_CENTRE, 10, 1);
    cell(p, x + wl + wc, y, wc * STATS_WEEKS_COUNT, ROW_H, "妊娠週数（届出時）",
         PDF_ALIGN_CENTRE, 10, 1);
    for (int i = 0; i < STATS_WEEKS_COUNT; i++)
        cell(p, x + wl + wc * (1 + i), y + ROW_H, wc, ROW_H, weeks_labels[i], PDF_ALIGN_CENTRE,
             9.5, 1);
    y += ROW_H * 2;
    cell(p, x, y, wl, ROW_H, "妊娠届出者数（人）", PDF_ALIGN_LEFT, 10, 0);
    fmt_long(t->todoke_total, v, sizeof(v));
    cell(p, x + wl, y, wc, ROW_H, v, PDF_ALIGN_RIGHT, 10.5, 0);
    for (int i = 0; i < STATS_WEEKS_COUNT; i++) {
        fmt_long(t->todoke[i], v, sizeof(v));
        cell(p, x + wl + wc * (1 + i), y, wc, ROW_H, v, PDF_ALIGN_RIGHT, 10.5, 0);
    }
    y += ROW_H;
    cell(p, x, y, wl, ROW_H, "構成割合（％）", PDF_ALIGN_LEFT, 10, 0);
    fmt_pct(t->todoke_total, t->todoke_total, pct, sizeof(pct));
    cell(p, x + wl, y, wc, ROW_H, pct, PDF_ALIGN_RIGHT, 10.5, 0);
    for (int i = 0; i < STATS_WEEKS_COUNT; i++) {
        fmt_pct(t->todoke[i], t->todoke_total, pct, sizeof(pct));
        cell(p, x + wl + wc * (1 + i), y, wc, ROW_H, pct, PDF_ALIGN_RIGHT, 10.5, 0);
    }
    y = notes(p, x, y + ROW_H + 2, 265, notes1);
    if (t->todoke_undated > 0) {
        char line[256];
        snprintf(line, sizeof(line), "※ 届出日が記録されていない妊娠届 %ld 件は、どの期間にも"
                 "計上していません（記録の確認が必要です）。", t->todoke_undated);
        const char *const l2[] = { line, NULL };
        y = notes(p, x, y, 265, l2);
    }

    y += 10;
    static const char *const notes2[] = {
        "※ 受診延人員：集計期間内の受診日が記録された受診券の枚数。"
        "受診実人員：その受診券の妊婦の数（期間内に複数回受診しても1人）。",
        NULL,
    };
    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 200, 6, PDF_ALIGN_LEFT, "表2　妊婦一般健康診査", NULL);
    y += 8;
    cell(p, x, y, wl, ROW_H, "区分", PDF_ALIGN_CENTRE, 10, 1);
    cell(p, x + wl, y, 36, ROW_H, "受診実人員", PDF_ALIGN_CENTRE, 10, 1);
    cell(p, x + wl + 36, y, 36, ROW_H, "受診延人員", PDF_ALIGN_CENTRE, 10, 1);
    y += ROW_H;
    cell(p, x, y, wl, ROW_H, "妊婦一般健康診査（人）", PDF_ALIGN_LEFT, 10, 0);
    fmt_long(t->ninpu_jitsu, v, sizeof(v));
    cell(p, x + wl, y, 36, ROW_H, v, PDF_ALIGN_RIGHT, 10.5, 0);
    fmt_long(t->ninpu_nobe, v, sizeof(v));
    cell(p, x + wl + 36, y, 36, ROW_H, v, PDF_ALIGN_RIGHT, 10.5, 0);
    notes(p, x, y + ROW_H + 2, 265, notes2);
}

static void page_kenshin(struct pdf *p, const struct stats_tables *t)
{
    const double wl = 33, wn = 15.5, wr = 14, ws = 14.1;
    double x = MARGIN, y = MARGIN + 30;
    double xr = x + wl + 3 * wn, xs = xr + STATS_RESULT_COUNT * wr;
    char v[24];
    static const char *const n[] = {
        "※ 対象人員：集計期間の各月に健診の月齢（設定 checkup.<様式>.age_months、既定 4・18・36か月）"
        "に達する月に生まれた子のうち、その月の末日に住民であった子。",
        "※ 受診実人員：受診日が集計期間内の健診記録がある子（同じ健診を期間内に複数回受けた子は1人、"
        "最後の受診を計上）。受診率＝受診実人員÷対象人員×100。",
        "※ 精密健康診査：計上した健診から出した精密検査依頼のうち、結果が記録されたもの。"
        "未受診・未把握：総合判定が要精密で結果の記録がないもの。",
        NULL,
    };

    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 200, 6, PDF_ALIGN_LEFT,
                 "表3　乳幼児健康診査（対象人員・受診実人員・受診率・総合判定・精密健康診査）", NULL);
    y += 8;
    const double h1 = ROW_H, h2 = 11.0;
    cell(p, x, y, wl, h1 + h2, "区分", PDF_ALIGN_CENTRE, 10, 1);
    cell_lines(p, x + wl, y, wn, h1 + h2, "対象\n人員", 9.5);
    cell_lines(p, x + wl + wn, y, wn, h1 + h2, "受診\n実人員", 9.5);
    cell_lines(p, x + wl + 2 * wn, y, wn, h1 + h2, "受診率\n（％）", 9.5);
    cell(p, xr, y, wr * STATS_RESULT_COUNT, h1, "総合判定（受診実人員の内訳）",
         PDF_ALIGN_CENTRE, 9.5, 1);
    for (int i = 0; i < STATS_RESULT_COUNT; i++)
        cell_lines(p, xr + i * wr, y + h1, wr, h2, result_labels[i], 9);
    cell(p, xs, y, ws * (STATS_SEIMITSU_COUNT + 2), h1, "精密健康診査", PDF_ALIGN_CENTRE, 9.5,
         1);
    cell_lines(p, xs, y + h1, ws, h2, "受診\n実人員", 9);
    for (int i = 0; i < STATS_SEIMITSU_COUNT; i++)
        cell_lines(p, xs + (i + 1) * ws, y + h1, ws, h2,
                   i == STATS_SEIMITSU_KEIKA ? "要経過\n観察" : seimitsu_labels[i], 9);
    cell_lines(p, xs + (STATS_SEIMITSU_COUNT + 1) * ws, y + h1, ws, h2, "未受診・\n未把握", 9);
    y += h1 + h2;
    for (int r = 0; r < STATS_CHECKUP_COUNT; r++) {
        const struct stats_checkup_row *c = &t->checkup[r];
        double rh = ROW_H * 1.25;
        cell(p, x, y, wl, rh, checkup_labels[r], PDF_ALIGN_LEFT, 10, 0);
        fmt_long(c->taisho, v, sizeof(v));
        cell(p, x + wl, y, wn, rh, v, PDF_ALIGN_RIGHT, 10, 0);
        fmt_long(c->jushin, v, sizeof(v));
        cell(p, x + wl + wn, y, wn, rh, v, PDF_ALIGN_RIGHT, 10, 0);
        fmt_pct(c->jushin, c->taisho, v, sizeof(v));
        cell(p, x + wl + 2 * wn, y, wn, rh, v, PDF_ALIGN_RIGHT, 10, 0);
        for (int i = 0; i < STATS_RESULT_COUNT; i++) {
            fmt_long(c->result[i], v, sizeof(v));
            cell(p, xr + i * wr, y, wr, rh, v, PDF_ALIGN_RIGHT, 10, 0);
        }
        fmt_long(c->seimitsu_jushin, v, sizeof(v));
        cell(p, xs, y, ws, rh, v, PDF_ALIGN_RIGHT, 10, 0);
        for (int i = 0; i < STATS_SEIMITSU_COUNT; i++) {
            fmt_long(c->seimitsu[i], v, sizeof(v));
            cell(p, xs + (i + 1) * ws, y, ws, rh, v, PDF_ALIGN_RIGHT, 10, 0);
        }
        fmt_long(c->seimitsu_pending, v, sizeof(v));
        cell(p, xs + (STATS_SEIMITSU_COUNT + 1) * ws, y, ws, rh, v, PDF_ALIGN_RIGHT, 10, 0);
        y += rh;
    }
    y = notes(p, x, y + 2, 269, n);
    {
        char over[128] = "", line[512];
        for (int r = 0; r < STATS_CHECKUP_COUNT; r++) {
            if (t->checkup[r].taisho > 0 && t->checkup[r].jushin > t->checkup[r].taisho)
                snprintf(over + strlen(over), sizeof(over) - strlen(over), "%s%s",
                         over[0] ? "・" : "", checkup_labels[r]);
        }
        if (over[0]) {
            snprintf(line, sizeof(line), "※ 受診率が100％を超えるもの（%s）：期間内に受診した子の中に、"
                     "対象人員としては別の月（期間）に数えた子が含まれるためです。", over);
            const char *const l2[] = { line, "　（対象月より前や後に受診した子、対象月の後に転入した子など。"
                                       "受診実人員は受診日で、対象人員は対象月齢に達した月で数えます）", NULL };
            notes(p, x, y, 269, l2);
        }
    }
}

static void page_monshin(struct pdf *p, const struct stats_tables *t)
{
    const double wl = 116, wc = 17;
    double x = MARGIN, y = MARGIN + 30;
    static const char *const sub[3] = { "該当数", "回答数", "割合（％）" };
    static const char *const n[] = {
        "※ 計上した健診（表3の受診実人員）の問診票の回答。回答数は無回答を除いた数、割合＝該当数÷回答数×100。",
        "※「その内、解決方法を知っている」の回答数は、育てにくさを「いつも」「時々」感じると回答した人のうち"
        "この問に回答した数。",
        "※ 虐待しているのではないかと思う行為：しつけのし過ぎ・感情的に叩いた・子どもだけで留守番・"
        "食事を与えなかった のいずれか。「―」はその健診の問診票にない質問。",
        NULL,
    };

    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 220, 6, PDF_ALIGN_LEFT,
                 "表4　乳幼児健康診査 問診回答状況（健やか親子21 指標）", NULL);
    y += 8;
    cell(p, x, y, wl, ROW_H * 2, "指標", PDF_ALIGN_CENTRE, 10, 1);
    for (int c = 0; c < STATS_CHECKUP_COUNT; c++) {
        double xc = x + wl + c * 3 * wc;
        cell(p, xc, y, 3 * wc, ROW_H, checkup_labels[c], PDF_ALIGN_CENTRE, 9.5, 1);
        for (int k = 0; k < 3; k++)
            cell(p, xc + k * wc, y + ROW_H, wc, ROW_H, sub[k], PDF_ALIGN_CENTRE, 8.5, 1);
    }
    y += ROW_H * 2;
    for (int i = 0; i < STATS_IND_COUNT; i++) {
        cell(p, x, y, wl, ROW_H, ind_labels[i], PDF_ALIGN_LEFT, 9, 0);
        for (int c = 0; c < STATS_CHECKUP_COUNT; c++) {
            const struct stats_ratio *r = &t->ind[c][i];
            double xc = x + wl + c * 3 * wc;
            char a[24], b[24], pct[24];
            if (r->den < 0) {
                for (int k = 0; k < 3; k++)
                    cell(p, xc + k * wc, y, wc, ROW_H, "―", PDF_ALIGN_CENTRE, 9.5, 0);
                continue;
            }
            fmt_long(r->num, a, sizeof(a));
            fmt_long(r->den, b, sizeof(b));
            fmt_pct(r->num, r->den, pct, sizeof(pct));
            cell(p, xc, y, wc, ROW_H, a, PDF_ALIGN_RIGHT, 9.5, 0);
            cell(p, xc + wc, y, wc, ROW_H, b, PDF_ALIGN_RIGHT, 9.5, 0);
            cell(p, xc + 2 * wc, y, wc, ROW_H, pct, PDF_ALIGN_RIGHT, 9.5, 0);
        }
        y += ROW_H;
    }
    notes(p, x, y + 2, 269, n);
}

int stats_write_pdf(const struct stats_tables *t, const struct stats_print *pr,
                    const char *pdf_path, struct berr *e)
{
    struct pdf *p = NULL;
    int rc = pdf_open(&p, e);

    if (rc < 0)
        return rc;
    page_frame(p, t, pr, 1, 3, "妊娠の届出と妊婦健康診査");
    page_todoke(p, t);
    page_frame(p, t, pr, 2, 3, "乳幼児健康診査");
    page_kenshin(p, t);
    page_frame(p, t, pr, 3, 3, "乳幼児健康診査　問診回答状況");
    page_monshin(p, t);
    rc = pdf_save(p, pdf_path, e);
    pdf_free(&p);
    return rc;
}
