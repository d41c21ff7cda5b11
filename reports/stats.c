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
 *   4  訪問指導 and 乳幼児健康診査 by age band
 *   5  歯科健康診査, 産婦健康診査, 新生児聴覚検査, 低体重児, and what is 未集計 (データなし)
 *   6  受診率 by month, one bar chart per checkup
 *   7-9 乳幼児健康診査問診回答状況 (別紙2), one page per checkup: every option, 無回答, 本数
 * A cell boshi has no data for (STATS_NA) reads 「未集計 (データなし)」, never 0.
 */
#include "reports/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const table_csv[STATS_TABLE_COUNT] = {
    "todoke", "ninpu", "kenshin", "monshin", "houmon", "nenrei", "shika", "sanpu", "choukaku",
    "teitaiju", "getsubetsu", "mishukei", "besshi2",
};

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

/*
 * 別紙2: the questions as printed (records/stats.h order) and their options' labels.
 * Where the 別紙2 text was found (reports/README.md 表9, "Source"), its wording is used.
 */
static const char *const q_labels[STATS_Q_COUNT] = {
    "産後、退院してからの1か月程度、助産師や保健師等からの指導・ケアは十分に受けることができましたか",
    "妊娠中、お子さんのお母さんは喫煙をしていましたか",
    "現在、お子さんのお父さんは喫煙をしていますか",
    "現在、お子さんのお母さんは喫煙をしていますか",
    "妊娠中、お母さんは飲酒をしていましたか",
    "お子さんのかかりつけの医師はいますか",
    "お子さんのかかりつけの歯科医師はいますか",
    "お子さんのお父さんは、育児をしていますか",
    "お母さんは、ゆったりとした気分でお子さんと過ごせる時間がありますか",
    "あなたは、お子さんに対して、育てにくさを感じていますか",
    "（いつも・時々感じる人に）育てにくさを感じた時に、相談先を知っているなど、何らかの解決する方法を知っていますか",
    "乳幼児揺さぶられ症候群（SBS）を知っていますか",
    "この数か月の間に、ご家庭で次のことがありましたか（あてはまるもの全て）",
    "この地域で、今後も子育てをしていきたいですか",
};
static const char *const q_options[STATS_Q_COUNT][STATS_Q_OPTIONS] = {
    { "はい", "いいえ", "どちらとも言えない" },
    { "なし", "あり" },
    { "なし", "あり" },
    { "なし", "あり" },
    { "なし", "あり" },
    { "いる", "いない" },
    { "いる", "いない" },
    { "よくやっている", "時々やっている", "ほとんどしない", "何ともいえない" },
    { "はい", "いいえ", "何ともいえない" },
    { "いつも感じる", "時々感じる", "感じない" },
    { "はい", "いいえ" },
    { "はい", "いいえ" },
    { "しつけのし過ぎがあった", "感情的に叩いた", "乳幼児だけを家に残して外出した",
      "長時間食事を与えなかった", "感情的な言葉で怒鳴った", "子どもの口をふさいだ",
      "子どもを激しく揺さぶった", "いずれにも該当しない" },
    { "そう思う", "どちらかといえばそう思う", "どちらかといえばそう思わない", "そう思わない" },
};
/* 別紙2 cells after the options, in CSV and PDF order */
static const char *const q_tail[] = { "無回答", "全回答者数", "喫煙本数の合計", "喫煙本数の回答者数" };

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
#define KENSHIN_ROWS (STATS_CHECKUP_COUNT + 1)

static void csv_cell(long v, char *out, size_t n);
static void fmt_cell(long v, char *out, size_t n);
static void fmt_rate(long num, long den, char *out, size_t n);

/* 表3's rows in table order: 3〜5か月, 9〜10か月, 1歳6か月, 3歳. */
static void kenshin_rows(const struct stats_tables *t, const struct stats_checkup_row *rows[],
                         const char *labels[])
{
    rows[0] = &t->checkup[STATS_4M];
    labels[0] = checkup_labels[STATS_4M];
    rows[1] = &t->checkup_10m;
    labels[1] = "乳児（9〜10か月）";
    rows[2] = &t->checkup[STATS_1Y6M];
    labels[2] = checkup_labels[STATS_1Y6M];
    rows[3] = &t->checkup[STATS_3Y];
    labels[3] = checkup_labels[STATS_3Y];
}

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
    const struct stats_checkup_row *rows[KENSHIN_ROWS];
    const char *labels[KENSHIN_ROWS];
    kenshin_rows(t, rows, labels);
    for (int r = 0; r < KENSHIN_ROWS; r++) {
        const struct stats_checkup_row *x = rows[r];
        char v[KENSHIN_COLS][40];
        const char *row[KENSHIN_COLS];
        k = 0;
        row[k++] = period;
        row[k++] = labels[r];
        csv_cell(x->taisho, v[k], 40); row[k] = v[k]; k++;
        csv_cell(x->jushin, v[k], 40); row[k] = v[k]; k++;
        fmt_rate(x->jushin, x->taisho, v[k], 40); row[k] = v[k]; k++;
        for (int i = 0; i < STATS_RESULT_COUNT; i++) {
            csv_cell(x->result[i], v[k], 40); row[k] = v[k]; k++;
        }
        csv_cell(x->seimitsu_jushin, v[k], 40); row[k] = v[k]; k++;
        for (int i = 0; i < STATS_SEIMITSU_COUNT; i++) {
            csv_cell(x->seimitsu[i], v[k], 40); row[k] = v[k]; k++;
        }
        csv_cell(x->seimitsu_pending, v[k], 40); row[k] = v[k]; k++;
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


/* ---- issue 14: 訪問指導, 年齢区分, 歯科, 産婦, 聴覚, 低体重児, 月別受診率 ---------- */

#define NA_TEXT "未集計 (データなし)"

static const char *const houmon_labels[STATS_HOUMON_COUNT] = {
    "妊婦", "産婦", "新生児", "未熟児", "乳児", "幼児",
};
static const char *const band_labels[STATS_BAND_COUNT] = {
    "乳児 1〜2か月", "乳児 3〜5か月", "乳児 6〜8か月", "乳児 9〜12か月",
    "幼児 1歳6か月", "幼児 3歳", "幼児 4〜6歳", "幼児 その他",
};
static const char *const dental_labels[STATS_DENTAL_COUNT] = { "1歳6か月児", "3歳児" };
static const char *const caries_labels[STATS_DENTAL_COUNT][STATS_CARIES_TYPES] = {
    { "O1型", "O2型", "A型", "B型", "C型" },
    { "O型", "A型", "B型", "C1型", "C2型" },
};
static const char *const chart_labels[STATS_CHART_COUNT] = {
    "乳児（3〜5か月）", "乳児（9〜10か月）", "幼児（1歳6か月）", "幼児（3歳）",
};

/* A count as printed, or 未集計 (データなし) for STATS_NA. */
static void fmt_cell(long v, char *out, size_t n)
{
    if (v == STATS_NA)
        snprintf(out, n, "%s", NA_TEXT);
    else
        fmt_long(v, out, n);
}

/* The same for CSV (no thousands separator). */
static void csv_cell(long v, char *out, size_t n)
{
    if (v == STATS_NA)
        snprintf(out, n, "%s", NA_TEXT);
    else
        snprintf(out, n, "%ld", v);
}

/* A rate: 未集計 when either side has no data. */
static void fmt_rate(long num, long den, char *out, size_t n)
{
    if (num == STATS_NA || den == STATS_NA)
        snprintf(out, n, "%s", NA_TEXT);
    else
        fmt_pct(num, den, out, n);
}

/* 一人平均むし歯数 with two decimals (half up), "-" with no one examined. */
static void fmt_avg(long teeth, long persons, char *out, size_t n)
{
    if (teeth == STATS_NA || persons == STATS_NA) {
        snprintf(out, n, "%s", NA_TEXT);
        return;
    }
    if (persons <= 0) {
        snprintf(out, n, "-");
        return;
    }
    long h = (teeth * 100 + persons / 2) / persons;
    snprintf(out, n, "%ld.%02ld", h / 100, h % 100);
}

static int csv_houmon(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "区分", "実人員", "延人員" };

    csvout_row(c, h, 4);
    for (int i = 0; i < STATS_HOUMON_COUNT; i++) {
        char a[40], b[40];
        csv_cell(t->houmon_jitsu[i], a, sizeof(a));
        csv_cell(t->houmon_nobe[i], b, sizeof(b));
        const char *row[] = { period, houmon_labels[i], a, b };
        csvout_row(c, row, 4);
    }
    if (t->houmon_no_birth > 0) {
        char a[96];
        snprintf(a, sizeof(a), "生年月日が不明で区分できない訪問 %ld 件（未計上）", t->houmon_no_birth);
        const char *row[] = { period, a };
        csvout_row(c, row, 2);
    }
    return 0;
}

static int csv_nenrei(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "区分", "対象人員", "受診実人員", "受診延人員",
                                     "受診率(%)" };

    csvout_row(c, h, 6);
    for (int i = 0; i < STATS_BAND_COUNT; i++) {
        const struct stats_band_row *b = &t->band[i];
        char a[40], j[40], n[40], r[40];
        csv_cell(b->taisho, a, sizeof(a));
        csv_cell(b->jitsu, j, sizeof(j));
        csv_cell(b->nobe, n, sizeof(n));
        fmt_rate(b->jitsu, b->taisho, r, sizeof(r));
        const char *row[] = { period, band_labels[i], a, j, n, r };
        csvout_row(c, row, 6);
    }
    if (t->band_outside > 0) {
        char a[96];
        snprintf(a, sizeof(a), "月齢が区分の外の乳児健診 %ld 件（未計上）", t->band_outside);
        const char *row[] = { period, a };
        csvout_row(c, row, 2);
    }
    return 0;
}

#define SHIKA_COLS (3 + 1 + STATS_CARIES_TYPES + 2 + 4)

static int csv_shika(struct csvout *c, const struct stats_tables *t, const char *period)
{
    const char *h[SHIKA_COLS] = { "集計期間", "区分", "受診実人員", "むし歯のある者" };
    char names[STATS_CARIES_TYPES][80];
    int k = 4;

    for (int i = 0; i < STATS_CARIES_TYPES; i++) {
        snprintf(names[i], sizeof(names[i]), "罹患型 %s（1歳6か月）・%s（3歳）",
                 caries_labels[0][i], caries_labels[1][i]);
        h[k++] = names[i];
    }
    h[k++] = "むし歯の総本数";
    h[k++] = "一人平均むし歯数";
    h[k++] = "フッ化物塗布";
    h[k++] = "要指導";
    h[k++] = "軟組織異常";
    h[k++] = "咬合異常";
    csvout_row(c, h, SHIKA_COLS);
    for (int d = 0; d < STATS_DENTAL_COUNT; d++) {
        const struct stats_dental_row *r = &t->dental[d];
        char v[SHIKA_COLS][40];
        const char *row[SHIKA_COLS];
        const long *cells[] = { &r->jushin, &r->caries_persons };
        k = 0;
        row[k++] = period;
        row[k++] = dental_labels[d];
        for (int i = 0; i < 2; i++) {
            csv_cell(*cells[i], v[k], 40); row[k] = v[k]; k++;
        }
        for (int i = 0; i < STATS_CARIES_TYPES; i++) {
            csv_cell(r->type[i], v[k], 40); row[k] = v[k]; k++;
        }
        csv_cell(r->caries_teeth, v[k], 40); row[k] = v[k]; k++;
        fmt_avg(r->caries_teeth, r->jushin, v[k], 40); row[k] = v[k]; k++;
        csv_cell(r->fluoride, v[k], 40); row[k] = v[k]; k++;
        csv_cell(r->guidance, v[k], 40); row[k] = v[k]; k++;
        csv_cell(r->soft_tissue, v[k], 40); row[k] = v[k]; k++;
        csv_cell(r->occlusion, v[k], 40); row[k] = v[k]; k++;
        csvout_row(c, row, SHIKA_COLS);
    }
    return 0;
}

static int csv_sanpu(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "区分", "受診実人員", "受診延人員" };
    char a[40], b[40];

    csv_cell(t->sanpu_jitsu, a, sizeof(a));
    csv_cell(t->sanpu_nobe, b, sizeof(b));
    const char *row[] = { period, "産婦一般健康診査", a, b };
    csvout_row(c, h, 4);
    csvout_row(c, row, 4);
    return 0;
}

static int csv_choukaku(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "区分", "受検者数", "リファー数", "確認検査" };
    char a[40], b[40], k[40];

    csv_cell(t->choukaku_jukensha, a, sizeof(a));
    csv_cell(t->choukaku_refer, b, sizeof(b));
    csv_cell(t->choukaku_kakunin, k, sizeof(k));
    const char *row[] = { period, "新生児聴覚検査", a, b, k };
    csvout_row(c, h, 5);
    csvout_row(c, row, 5);
    return 0;
}

static int csv_teitaiju(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "区分", "人数" };
    char a[40], b[40];

    csv_cell(t->low_weight, a, sizeof(a));
    csv_cell(t->birth_weight_known, b, sizeof(b));
    const char *r1[] = { period, "低体重児届出数", NA_TEXT };
    const char *r2[] = { period, "出生体重2,500g未満（健診票の出生体重から）", a };
    const char *r3[] = { period, "出生体重の記録がある子（期間内に出生）", b };
    csvout_row(c, h, 3);
    csvout_row(c, r1, 3);
    csvout_row(c, r2, 3);
    csvout_row(c, r3, 3);
    return 0;
}

static int csv_getsubetsu(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "健診", "月", "対象人員", "受診実人員",
                                     "受診率(%)" };

    csvout_row(c, h, 6);
    if (!t->period.fiscal_year) {
        const char *row[] = { period, "月別受診率は年度の集計のみ" };
        csvout_row(c, row, 2);
        return 0;
    }
    for (int g = 0; g < STATS_CHART_COUNT; g++) {
        for (int k = 0; k < 12; k++) {
            char m[16], a[40], b[40], r[40];
            snprintf(m, sizeof(m), "%d月", (k + 3) % 12 + 1);
            csv_cell(t->chart_taisho[g][k], a, sizeof(a));
            csv_cell(t->chart_jushin[g][k], b, sizeof(b));
            fmt_rate(t->chart_jushin[g][k], t->chart_taisho[g][k], r, sizeof(r));
            const char *row[] = { period, chart_labels[g], m, a, b, r };
            csvout_row(c, row, 6);
        }
    }
    return 0;
}

/* Every cell boshi cannot fill, as "表 / 区分 / 項目" lines; returns how many (at most max). */
static int mishukei_lines(const struct stats_tables *t, char lines[][160], int max)
{
    int n = 0;

#define ADD(...) do { if (n < max) snprintf(lines[n++], 160, __VA_ARGS__); } while (0)
    int houmon_na = 0, band_na = 0;
    for (int i = 0; i < STATS_HOUMON_COUNT; i++)
        houmon_na += t->houmon_jitsu[i] == STATS_NA;
    for (int i = 0; i < STATS_BAND_COUNT; i++)
        band_na += t->band[i].jitsu == STATS_NA;
    /* a whole table 未集計 (a year frozen before it existed) is one line, so page 5 holds the list */
    if (houmon_na == STATS_HOUMON_COUNT)
        ADD("訪問指導　全区分（妊婦・産婦・新生児・未熟児・乳児・幼児）　実人員・延人員");
    for (int i = 0; houmon_na < STATS_HOUMON_COUNT && i < STATS_HOUMON_COUNT; i++) {
        if (t->houmon_jitsu[i] == STATS_NA)
            ADD("訪問指導　%s　実人員・延人員", houmon_labels[i]);
    }
    if (band_na == STATS_BAND_COUNT)
        ADD("乳幼児健康診査（年齢区分別）　全区分　対象人員・受診実人員・受診延人員・受診率");
    for (int i = 0; band_na < STATS_BAND_COUNT && i < STATS_BAND_COUNT; i++) {
        if (t->band[i].jitsu == STATS_NA)
            ADD("乳幼児健康診査　%s　対象人員・受診実人員・受診延人員・受診率", band_labels[i]);
        else if (t->band[i].taisho == STATS_NA)
            ADD("乳幼児健康診査　%s　対象人員・受診率", band_labels[i]);
    }
    if (t->dental[0].jushin == STATS_NA)
        ADD("歯科健康診査（確定時に未集計）");
    if (t->sanpu_jitsu == STATS_NA)
        ADD("産婦一般健康診査（確定時に未集計）");
    if (t->choukaku_jukensha == STATS_NA)
        ADD("新生児聴覚検査（確定時に未集計）");
    if (t->q[STATS_4M][STATS_Q_SBS].base == STATS_NA)
        ADD("乳幼児健康診査問診回答状況（別紙2）（確定時に未集計）");
    if (t->checkup_10m.taisho == STATS_NA)
        ADD("乳幼児健康診査　乳児（9〜10か月）の行（確定時に未集計）");
    else if (t->checkup_10m.result[STATS_RESULT_KIIRYO] == STATS_NA)
        ADD("乳幼児健康診査　乳児（9〜10か月）の総合判定「既医療」（健診票に選択肢がありません）");
    /* reports/README.md 表9 "Not filled": the national questions boshi's 問診票 do not ask */
    ADD("別紙2　妊娠中・産後の設問：妊娠中の職場の配慮・産後1か月時の母乳育児・マタニティマーク");
    ADD("別紙2　ほかに問診票にない設問（仕上げ磨きなど）、乳児（9〜10か月）の問診");
    ADD("低体重児届出数（届出そのものは記録していません。出生体重2,500g未満の子の数を別に示します）");
    ADD("都道府県独自の追加項目");
#undef ADD
    return n;
}

/*
 * 別紙2 in long form: one row per checkup, question and cell (each option,
 * 無回答, 全回答者数, and for 喫煙 the 本数 sum and how many wrote one).
 * Questions a checkup's 問診票 does not ask are left out (listed in mishukei).
 */
static int csv_besshi2(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "健診", "設問", "回答項目", "人数", "対象（受診実人員）" };

    csvout_row(c, h, 6);
    for (int r = 0; r < STATS_CHECKUP_COUNT; r++) {
        for (int k = 0; k < STATS_Q_COUNT; k++) {
            const struct stats_q_row *x = &t->q[r][k];
            char v[40], base[40];
            if (!stats_question_asked((enum stats_checkup)r, (enum stats_question)k))
                continue;
            csv_cell(x->base, base, sizeof(base));
            for (int i = 0; i < stats_question_options((enum stats_question)k); i++) {
                csv_cell(x->opt[i], v, sizeof(v));
                const char *row[] = { period, checkup_labels[r], q_labels[k], q_options[k][i], v, base };
                csvout_row(c, row, 6);
            }
            const long tail[] = { x->none, x->answered, x->count_sum, x->count_n };
            int nt = stats_question_has_count((enum stats_question)k) ? 4 : 2;
            for (int i = 0; i < nt; i++) {
                csv_cell(tail[i], v, sizeof(v));
                const char *row[] = { period, checkup_labels[r], q_labels[k], q_tail[i], v, base };
                csvout_row(c, row, 6);
            }
        }
    }
    return 0;
}

static int csv_mishukei(struct csvout *c, const struct stats_tables *t, const char *period)
{
    static const char *const h[] = { "集計期間", "項目", "状態" };
    char lines[32][160];
    int n = mishukei_lines(t, lines, 32);

    csvout_row(c, h, 3);
    for (int i = 0; i < n; i++) {
        const char *row[] = { period, lines[i], NA_TEXT };
        csvout_row(c, row, 3);
    }
    return 0;
}


int stats_write_csv(const struct stats_tables *t, const char *base, enum csvout_encoding enc,
                    char *paths[STATS_TABLE_COUNT], struct berr *e)
{
    static int (*const writers[STATS_TABLE_COUNT])(struct csvout *, const struct stats_tables *,
                                                   const char *) = {
        csv_todoke, csv_ninpu, csv_kenshin, csv_monshin, csv_houmon, csv_nenrei, csv_shika,
        csv_sanpu, csv_choukaku, csv_teitaiju, csv_getsubetsu, csv_mishukei, csv_besshi2,
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
    char v[40];
    static const char *const n[] = {
        "※ 対象人員：集計期間の各月に健診の月齢（設定 checkup.<様式>.age_months、既定 4・10・18・36か月）"
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
    const struct stats_checkup_row *rows[KENSHIN_ROWS];
    const char *labels[KENSHIN_ROWS];
    kenshin_rows(t, rows, labels);
    for (int r = 0; r < KENSHIN_ROWS; r++) {
        const struct stats_checkup_row *c = rows[r];
        double rh = ROW_H * 1.25;
        double pt = c->taisho == STATS_NA ? 6.5 : 10;   /* 未集計 (a year frozen before the row) */
        cell(p, x, y, wl, rh, labels[r], PDF_ALIGN_LEFT, 10, 0);
        fmt_cell(c->taisho, v, sizeof(v));
        cell(p, x + wl, y, wn, rh, v, PDF_ALIGN_RIGHT, pt, 0);
        fmt_cell(c->jushin, v, sizeof(v));
        cell(p, x + wl + wn, y, wn, rh, v, PDF_ALIGN_RIGHT, pt, 0);
        fmt_rate(c->jushin, c->taisho, v, sizeof(v));
        cell(p, x + wl + 2 * wn, y, wn, rh, v, PDF_ALIGN_RIGHT, pt, 0);
        for (int i = 0; i < STATS_RESULT_COUNT; i++) {
            /* a narrow cell: 未集計 alone (the 未集計 list on page 5 says why) */
            if (c->result[i] == STATS_NA && c->taisho != STATS_NA)
                snprintf(v, sizeof(v), "未集計");
            else
                fmt_cell(c->result[i], v, sizeof(v));
            cell(p, xr + i * wr, y, wr, rh, v, PDF_ALIGN_RIGHT, c->result[i] == STATS_NA ? 8 : pt, 0);
        }
        fmt_cell(c->seimitsu_jushin, v, sizeof(v));
        cell(p, xs, y, ws, rh, v, PDF_ALIGN_RIGHT, pt, 0);
        for (int i = 0; i < STATS_SEIMITSU_COUNT; i++) {
            fmt_cell(c->seimitsu[i], v, sizeof(v));
            cell(p, xs + (i + 1) * ws, y, ws, rh, v, PDF_ALIGN_RIGHT, pt, 0);
        }
        fmt_cell(c->seimitsu_pending, v, sizeof(v));
        cell(p, xs + (STATS_SEIMITSU_COUNT + 1) * ws, y, ws, rh, v, PDF_ALIGN_RIGHT, pt, 0);
        y += rh;
    }
    y = notes(p, x, y + 2, 269, n);
    {
        char over[160] = "", line[512];
        for (int r = 0; r < KENSHIN_ROWS; r++) {
            if (rows[r]->taisho > 0 && rows[r]->jushin > rows[r]->taisho)
                snprintf(over + strlen(over), sizeof(over) - strlen(over), "%s%s",
                         over[0] ? "・" : "", labels[r]);
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
        "※ 虐待しているのではないかと思う行為：しつけのし過ぎ・感情的に叩いた・乳幼児だけで留守番・"
        "食事を与えなかった・",
        "　怒鳴った・口をふさいだ・激しく揺さぶった のいずれか（表9 と同じ）。「―」はその健診の問診票にない質問。",
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

/* ---- PDF pages of issue 14 ------------------------------------------------- */

static void page_houmon(struct pdf *p, const struct stats_tables *t)
{
    const double wl = 40, wc = 34;
    double x = MARGIN, y = MARGIN + 30;
    char v[40];
    static const char *const n1[] = {
        "※ 新生児訪問指導票の訪問日が集計期間内のもの。延人員＝訪問の件数、実人員＝訪問した子の数"
        "（同じ区分で期間内に複数回訪問しても1人）。産婦は訪問票の対象に「産婦」があるもの（子ごとに数える）。",
        "※ 子の区分は訪問日の日齢・年齢：未熟児（対象に「未熟児」）、新生児（生後28日未満）、"
        "乳児（28日以上1歳未満）、幼児（1歳以上）。妊婦への訪問は記録がないため未集計。",
        NULL,
    };
    static const char *const n2[] = {
        "※ 乳児は健診日の月齢（満）で区分（3〜4か月児・9〜10か月児健診）。幼児は1歳6か月児・3歳児健診。"
        "受診延人員＝健診の件数、受診実人員＝その子の数、受診率＝受診実人員÷対象人員×100。",
        "※ 対象人員は健診の月齢設定（checkup.<様式>.age_months）の属する区分に、表3と同じ方法で数えたもの。"
        "健診のない区分は未集計（データなし）。",
        NULL,
    };

    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 200, 6, PDF_ALIGN_LEFT, "表5　訪問指導（実人員・延人員）",
                 NULL);
    y += 8;
    cell(p, x, y, wl, ROW_H, "区分", PDF_ALIGN_CENTRE, 10, 1);
    for (int i = 0; i < STATS_HOUMON_COUNT; i++)
        cell(p, x + wl + i * wc, y, wc, ROW_H, houmon_labels[i], PDF_ALIGN_CENTRE, 10, 1);
    y += ROW_H;
    for (int r = 0; r < 2; r++) {
        cell(p, x, y, wl, ROW_H, r == 0 ? "実人員（人）" : "延人員（人）", PDF_ALIGN_LEFT, 10, 0);
        for (int i = 0; i < STATS_HOUMON_COUNT; i++) {
            fmt_cell(r == 0 ? t->houmon_jitsu[i] : t->houmon_nobe[i], v, sizeof(v));
            cell(p, x + wl + i * wc, y, wc, ROW_H, v, PDF_ALIGN_RIGHT, 10, 0);
        }
        y += ROW_H;
    }
    y = notes(p, x, y + 2, 269, n1);
    if (t->houmon_no_birth > 0) {
        char line[200];
        snprintf(line, sizeof(line), "※ 子の生年月日が分からず区分できない訪問 %ld 件は計上していません。",
                 t->houmon_no_birth);
        const char *const l2[] = { line, NULL };
        y = notes(p, x, y, 269, l2);
    }

    y += 8;
    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 240, 6, PDF_ALIGN_LEFT,
                 "表6　乳幼児健康診査（年齢区分別　対象人員・受診実人員・受診延人員・受診率）", NULL);
    y += 8;
    const double wb = 28;
    cell(p, x, y, wl, ROW_H, "区分", PDF_ALIGN_CENTRE, 10, 1);
    for (int i = 0; i < STATS_BAND_COUNT; i++)
        cell(p, x + wl + i * wb, y, wb, ROW_H, band_labels[i], PDF_ALIGN_CENTRE, 8.5, 1);
    y += ROW_H;
    static const char *const rows[] = { "対象人員（人）", "受診実人員（人）", "受診延人員（人）",
                                        "受診率（％）" };
    for (int r = 0; r < 4; r++) {
        cell(p, x, y, wl, ROW_H, rows[r], PDF_ALIGN_LEFT, 10, 0);
        for (int i = 0; i < STATS_BAND_COUNT; i++) {
            const struct stats_band_row *b = &t->band[i];
            if (r == 3)
                fmt_rate(b->jitsu, b->taisho, v, sizeof(v));
            else
                fmt_cell(r == 0 ? b->taisho : r == 1 ? b->jitsu : b->nobe, v, sizeof(v));
            cell(p, x + wl + i * wb, y, wb, ROW_H, v, PDF_ALIGN_RIGHT, 9.5, 0);
        }
        y += ROW_H;
    }
    y = notes(p, x, y + 2, 269, n2);
    if (t->band_outside > 0) {
        char line[200];
        snprintf(line, sizeof(line), "※ 健診日の月齢が1〜12か月の外の乳児健診（または生年月日不明）%ld 件は"
                 "計上していません。", t->band_outside);
        const char *const l2[] = { line, NULL };
        notes(p, x, y, 269, l2);
    }
}

static void page_shika(struct pdf *p, const struct stats_tables *t)
{
    const double wl = 30, wc = 19.5;
    double x = MARGIN, y = MARGIN + 30;
    char v[40], lines[32][160];
    static const char *const n1[] = {
        "※ 1歳6か月児・3歳児健診の歯科の記録で、健診日が集計期間内のもの（同じ健診を期間内に複数回受けた子は"
        "最後の1回）。むし歯のある者＝むし歯の本数が1本以上。罹患型は記録された型ごと。",
        "※ 一人平均むし歯数＝むし歯の総本数÷受診実人員（小数第2位）。フッ化物塗布は「した」、"
        "要指導・軟組織異常・咬合異常は「あり」の数。",
        NULL,
    };
    static const char *const n2[] = {
        "※ 産婦一般健康診査：産婦健康診査受診券の受診日が期間内のもの（延人員＝枚数、実人員＝産婦の数）。",
        "※ 新生児聴覚検査：助成券の検査日が期間内のもの。受検者数＝初回検査を受けた子（母ごとに数える）、"
        "リファー数＝初回検査で左右いずれかがリファー、確認検査＝確認検査を受けた子。",
        "※ 出生体重：期間内に生まれた子のうち、健診票（3〜4か月児）に出生体重が記録された子の数と、"
        "そのうち2,500g未満の数。",
        NULL,
    };

    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 200, 6, PDF_ALIGN_LEFT, "表7　歯科健康診査", NULL);
    y += 8;
    const double h1 = ROW_H, h2 = ROW_H;
    cell_lines(p, x, y, wl, h1 + h2, "区分", 10);
    cell_lines(p, x + wl, y, wc, h1 + h2, "受診\n実人員", 9);
    cell_lines(p, x + wl + wc, y, wc, h1 + h2, "むし歯の\nある者", 9);
    cell(p, x + wl + 2 * wc, y, wc * STATS_CARIES_TYPES, h1, "罹患型（1歳6か月：O1/O2/A/B/C　3歳：O/A/B/C1/C2）",
         PDF_ALIGN_CENTRE, 8.5, 1);
    for (int i = 0; i < STATS_CARIES_TYPES; i++) {
        char lab[64];
        snprintf(lab, sizeof(lab), "%s／%s", caries_labels[0][i], caries_labels[1][i]);
        cell(p, x + wl + (2 + i) * wc, y + h1, wc, h2, lab, PDF_ALIGN_CENTRE, 8, 1);
    }
    static const char *const tail[] = { "一人平均\nむし歯数", "フッ化物\n塗布", "要指導",
                                        "軟組織\n異常", "咬合\n異常" };
    for (int i = 0; i < 5; i++)
        cell_lines(p, x + wl + (2 + STATS_CARIES_TYPES + i) * wc, y, wc, h1 + h2, tail[i], 9);
    y += h1 + h2;
    for (int d = 0; d < STATS_DENTAL_COUNT; d++) {
        const struct stats_dental_row *r = &t->dental[d];
        const long vals[] = { r->jushin, r->caries_persons, r->type[0], r->type[1], r->type[2],
                              r->type[3], r->type[4] };
        const long more[] = { r->fluoride, r->guidance, r->soft_tissue, r->occlusion };
        int k = 0;
        cell(p, x, y, wl, ROW_H, dental_labels[d], PDF_ALIGN_LEFT, 10, 0);
        for (int i = 0; i < 7; i++, k++) {
            fmt_cell(vals[i], v, sizeof(v));
            cell(p, x + wl + k * wc, y, wc, ROW_H, v, PDF_ALIGN_RIGHT, 9.5, 0);
        }
        fmt_avg(r->caries_teeth, r->jushin, v, sizeof(v));
        cell(p, x + wl + k++ * wc, y, wc, ROW_H, v, PDF_ALIGN_RIGHT, 9.5, 0);
        for (int i = 0; i < 4; i++, k++) {
            fmt_cell(more[i], v, sizeof(v));
            cell(p, x + wl + k * wc, y, wc, ROW_H, v, PDF_ALIGN_RIGHT, 9.5, 0);
        }
        y += ROW_H;
    }
    y = notes(p, x, y + 2, 269, n1);

    y += 6;
    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 260, 6, PDF_ALIGN_LEFT,
                 "表8　産婦一般健康診査・新生児聴覚検査・低体重児", NULL);
    y += 8;
    {
        const double wk = 44, wv = 22;
        struct { const char *label; long v; } r8[] = {
            { "産婦一般健康診査　受診実人員", t->sanpu_jitsu },
            { "産婦一般健康診査　受診延人員", t->sanpu_nobe },
            { "新生児聴覚検査　受検者数", t->choukaku_jukensha },
            { "新生児聴覚検査　リファー数", t->choukaku_refer },
            { "新生児聴覚検査　確認検査", t->choukaku_kakunin },
            { "低体重児届出数", STATS_NA },
            { "出生体重2,500g未満（健診票から）", t->low_weight },
            { "出生体重の記録がある子", t->birth_weight_known },
        };
        for (int i = 0; i < 8; i++) {
            double cx = x + (i % 4) * (wk + wv + 2), cy = y + (i / 4) * ROW_H;
            cell(p, cx, cy, wk, ROW_H, r8[i].label, PDF_ALIGN_LEFT, 8, 1);
            fmt_cell(r8[i].v, v, sizeof(v));
            cell(p, cx + wk, cy, wv, ROW_H, v, PDF_ALIGN_RIGHT, 9, 0);
        }
        y += 2 * ROW_H;
    }
    y = notes(p, x, y + 2, 269, n2);

    y += 4;
    {
        int n = mishukei_lines(t, lines, 32);
        pdf_text_box(p, PDF_GOTHIC, 10, x, y, 260, 5.5, PDF_ALIGN_LEFT,
                     "未集計 (データなし)：boshi に記録がないため数えていない項目（0 ではありません）", NULL);
        y += 6;
        /* one small-print line per item, in two columns, closer and smaller if it must (never past the foot) */
        int rows = (n + 1) / 2;
        double pw, ph;
        pdf_page_size(p, &pw, &ph);
        double avail = ph - MARGIN - 7 - y, lh = 4.4;
        if (rows > 0 && avail / rows < lh)
            lh = avail / rows;
        for (int i = 0; rows > 0 && i < n; i++) {
            char l[180];
            snprintf(l, sizeof(l), "・%.160s", lines[i]);
            pdf_text_box(p, PDF_GOTHIC, 8 * lh / 4.4, x + (i / rows) * 136, y + (i % rows) * lh, 133,
                         lh - 0.2, PDF_ALIGN_LEFT, l, NULL);
        }
    }
}

/* One bar chart of 受診率 by month at (x, y), w by h mm. */
static void chart_one(struct pdf *p, const struct stats_tables *t, int g, double x, double y,
                      double w, double h)
{
    const double ax = x + 12, ay = y + 9, aw = w - 16, ah = h - 21;
    long top = 100;
    char lab[48];

    for (int k = 0; k < 12; k++) {
        long ta = t->chart_taisho[g][k], ju = t->chart_jushin[g][k];
        if (ta > 0 && ju >= 0 && ju * 100 > top * ta)
            top = (ju * 100 / ta / 25 + 1) * 25;
    }
    pdf_text_box(p, PDF_GOTHIC, 10, x, y, w, 6, PDF_ALIGN_LEFT, chart_labels[g], NULL);
    pdf_text_box(p, PDF_GOTHIC, 7.5, x + 40, y, w - 40, 5, PDF_ALIGN_RIGHT, "縦軸：受診率（％）", NULL);
    for (long v = 0; v <= top; v += 25) {
        double yy = ay + ah - ah * (double)v / (double)top;
        snprintf(lab, sizeof(lab), "%ld%%", v);
        pdf_line(p, ax, yy, ax + aw, yy, v == 0 ? 0.35 : 0.1);
        pdf_text_box(p, PDF_GOTHIC, 7, x, yy - 2, 11, 4, PDF_ALIGN_RIGHT, lab, NULL);
    }
    pdf_line(p, ax, ay, ax, ay + ah, 0.35);
    for (int k = 0; k < 12; k++) {
        long ta = t->chart_taisho[g][k], ju = t->chart_jushin[g][k];
        double bw = aw / 12.0, bx = ax + k * bw;
        snprintf(lab, sizeof(lab), "%d月", (k + 3) % 12 + 1);
        pdf_text_box(p, PDF_GOTHIC, 7, bx, ay + ah + 1, bw, 4, PDF_ALIGN_CENTRE, lab, NULL);
        if (ta == STATS_NA || ju == STATS_NA) {
            pdf_text_box(p, PDF_GOTHIC, 6, bx, ay + ah - 5, bw, 4, PDF_ALIGN_CENTRE, "未集計", NULL);
            continue;
        }
        if (ta <= 0)
            continue;
        double r = (double)ju * 100.0 / (double)ta, bh = ah * (r > top ? top : r) / (double)top;
        if (bh < 0.2)
            continue;   /* no bar for 0 % */
        pdf_fill_rect(p, bx + bw * 0.2, ay + ah - bh, bw * 0.6, bh, 0.55);
        pdf_rect(p, bx + bw * 0.2, ay + ah - bh, bw * 0.6, bh, 0.15);
    }
    pdf_text_box(p, PDF_GOTHIC, 7.5, ax, ay + ah + 5.5, aw, 4, PDF_ALIGN_CENTRE, "健診の月（年度）",
                 NULL);
}

static void page_chart(struct pdf *p, const struct stats_tables *t)
{
    double x = MARGIN, y = MARGIN + 30;
    static const char *const n[] = {
        "※ 各月の受診率＝その月に健診を受けた子の数÷その月の対象人員（表3と同じ方法）×100。"
        "対象月より前後に受診した子も受診した月に数えます（受診率が100％より高い月もあります）。",
        NULL,
    };

    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 240, 6, PDF_ALIGN_LEFT, "図1　乳幼児健康診査　月別受診率",
                 NULL);
    y += 8;
    if (!t->period.fiscal_year) {
        pdf_text_box(p, PDF_GOTHIC, 10, x, y, 240, 6, PDF_ALIGN_LEFT,
                     "月別受診率は年度の集計（--fiscal-year）のときに描きます。", NULL);
        return;
    }
    for (int g = 0; g < STATS_CHART_COUNT; g++)
        chart_one(p, t, g, x + (g % 2) * 136, y + (g / 2) * 65, 130, 62);
    notes(p, x, y + 129, 269, n);
}

/* ---- 別紙2 pages ------------------------------------------------------------ */

#define B2_ROW 4.5
#define B2_TOP (MARGIN + 46)
#define B2_BOTTOM 186.0
#define B2_NOTES 16.0        /* the notes under the last question */

/* Rows of one question: its options, 無回答, 全回答者数, and the two 本数 cells. */
static int b2_rows(int k)
{
    return stats_question_options((enum stats_question)k) +
           (stats_question_has_count((enum stats_question)k) ? 4 : 2);
}

/* The first question of each 別紙2 page (ends with STATS_Q_COUNT); returns the page count. */
static int b2_pages(int first[STATS_Q_COUNT + 1])
{
    int n = 0;
    double y = B2_TOP;

    first[n++] = 0;
    for (int k = 0; k < STATS_Q_COUNT; k++) {
        double h = b2_rows(k) * B2_ROW + (k == STATS_Q_COUNT - 1 ? B2_NOTES : 0);
        if (y + h > B2_BOTTOM && y > B2_TOP) {
            first[n++] = k;
            y = B2_TOP;
        }
        y += h;
    }
    first[n] = STATS_Q_COUNT;
    return n;
}

/* Up to 3 lines of about per characters of text (UTF-8), for a merged cell. */
static int split_lines(const char *text, int per, char out[3][160])
{
    int n = 0;
    const char *p = text;

    while (*p && n < 3) {
        const char *q = p;
        int chars = 0;
        while (*q && (chars < per || n == 2)) {
            q++;
            while ((*q & 0xC0) == 0x80)
                q++;
            chars++;
        }
        snprintf(out[n++], 160, "%.*s", (int)(q - p), p);
        p = q;
    }
    return n;
}

static void page_besshi2(struct pdf *p, const struct stats_tables *t, int from, int to, int part,
                         int parts)
{
    const double wq = 82, wo = 58, wc = 43;
    double x = MARGIN, y = MARGIN + 30;
    char v[40], title[160];
    static const char *const n[] = {
        "※ 対象＝表3の受診実人員（計上した健診）。無回答＝対象－全回答者数（問診票が戻らなかった健診、"
        "その設問がない版の問診票を含む）。全回答者数＝いずれかの回答項目に回答した数。",
        "※「解決する方法」の対象は育てにくさを「いつも」「時々」感じると回答した数。喫煙本数は「あり」で"
        "本数を書いた人の1日の本数の合計と、その人数（平均＝合計÷人数）。複数回答の設問は項目ごとの数。",
        "※「―」はその健診の問診票にない設問。",
        NULL,
    };

    snprintf(title, sizeof(title), "表9　乳幼児健康診査問診回答状況（別紙2）（%d／%d）", part, parts);
    pdf_text_box(p, PDF_GOTHIC, 11, x, y, 220, 6, PDF_ALIGN_LEFT, title, NULL);
    y += 8;
    cell(p, x, y, wq, ROW_H, "設問", PDF_ALIGN_CENTRE, 9.5, 1);
    cell(p, x + wq, y, wo, ROW_H, "回答項目", PDF_ALIGN_CENTRE, 9.5, 1);
    for (int c = 0; c < STATS_CHECKUP_COUNT; c++)
        cell(p, x + wq + wo + c * wc, y, wc, ROW_H, checkup_labels[c], PDF_ALIGN_CENTRE, 9.5, 1);
    y = B2_TOP;
    for (int k = from; k < to; k++) {
        int no = stats_question_options((enum stats_question)k), rows = b2_rows(k);
        char lines[3][160];
        int nl = split_lines(q_labels[k], 27, lines);
        cell(p, x, y, wq, rows * B2_ROW, NULL, PDF_ALIGN_LEFT, 8.5, 0);
        for (int l = 0; l < nl; l++)
            pdf_text_box(p, PDF_GOTHIC, 8.5, x + 1.2, y + 0.5 + l * 4.2, wq - 2.4, 4.0, PDF_ALIGN_LEFT,
                         lines[l], NULL);
        for (int i = 0; i < rows; i++) {
            const char *label = i < no ? q_options[k][i] : q_tail[i - no];
            double yy = y + i * B2_ROW;
            cell(p, x + wq, yy, wo, B2_ROW, label, PDF_ALIGN_LEFT, 8, i >= no);
            for (int c = 0; c < STATS_CHECKUP_COUNT; c++) {
                const struct stats_q_row *r = &t->q[c][k];
                const long tail[] = { r->none, r->answered, r->count_sum, r->count_n };
                double xc = x + wq + wo + c * wc;
                if (!stats_question_asked((enum stats_checkup)c, (enum stats_question)k)) {
                    cell(p, xc, yy, wc, B2_ROW, "―", PDF_ALIGN_CENTRE, 8.5, 0);
                    continue;
                }
                fmt_cell(i < no ? r->opt[i] : tail[i - no], v, sizeof(v));
                cell(p, xc, yy, wc, B2_ROW, v, PDF_ALIGN_RIGHT, 8.5, 0);
            }
        }
        y += rows * B2_ROW;
    }
    if (to == STATS_Q_COUNT)
        notes(p, x, y + 2, 269, n);
}

int stats_write_pdf(const struct stats_tables *t, const struct stats_print *pr,
                    const char *pdf_path, struct berr *e)
{
    struct pdf *p = NULL;
    int first[STATS_Q_COUNT + 1], nb = b2_pages(first), pages = 6 + nb;
    int rc = pdf_open(&p, e);

    if (rc < 0)
        return rc;
    page_frame(p, t, pr, 1, pages, "妊娠の届出と妊婦健康診査");
    page_todoke(p, t);
    page_frame(p, t, pr, 2, pages, "乳幼児健康診査");
    page_kenshin(p, t);
    page_frame(p, t, pr, 3, pages, "乳幼児健康診査　問診回答状況");
    page_monshin(p, t);
    page_frame(p, t, pr, 4, pages, "訪問指導と乳幼児健康診査（年齢区分別）");
    page_houmon(p, t);
    page_frame(p, t, pr, 5, pages, "歯科健康診査・産婦健康診査・新生児聴覚検査");
    page_shika(p, t);
    page_frame(p, t, pr, 6, pages, "乳幼児健康診査　月別受診率");
    page_chart(p, t);
    for (int i = 0; i < nb; i++) {
        page_frame(p, t, pr, 7 + i, pages, "乳幼児健康診査問診回答状況（別紙2）");
        page_besshi2(p, t, first[i], first[i + 1], i + 1, nb);
    }
    rc = pdf_save(p, pdf_path, e);
    pdf_free(&p);
    return rc;
}
