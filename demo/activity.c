/*
 * activity.c: a synthetic fiscal year of records (demo/activity.h).
 *
 * The order of work is fixed so the same store and seed always give the
 * same records: checkups form by form, month by month, birth day by birth
 * day (residents_find returns candidates in a stable order); then the
 * pregnancies, each with its 14 vouchers.  Every random choice comes from
 * one PRNG seeded by params; nothing reads the clock or rand().
 *
 * The truth is counted here from the choices made, never by reading the
 * records back: a checkup counts where its exam date falls, a pregnancy
 * where its 届出日 falls, a voucher where its 受診日 falls.
 */
#include "demo/activity.h"
#include "records/issues.h"
#include "records/landing.h"
#include "records/targets.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, good enough, and the same everywhere. */
struct rng {
    uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) / 9007199254740992.0;
}

/* Uniform in lo..hi inclusive. */
static long rng_range(struct rng *r, long lo, long hi)
{
    return lo + (long)(rng_next(r) % (uint64_t)(hi - lo + 1));
}

static int chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

static int days_in(int y, int m)
{
    struct ymd a = { y, m, 1 }, b = ymd_add_months(a, 1);

    return (int)(ymd_to_days(b) - ymd_to_days(a));
}

/* ---- truth ------------------------------------------------------------ */

struct gen {
    struct store *st;
    const struct actor *a;
    struct rng r;
    int fy;
    struct activity_truth *t;
    struct berr *e;
    long serial;             /* of the 発行番号 of visits and after-birth vouchers */
    struct rng r2;           /* the kinds added later (visits, dental, 10か月, 産婦, 聴覚), so the
                              * older kinds stay what the same seed always gave */
    struct rng r3;           /* the 問診 questions added for 別紙2 (父親の育児, SBS, 飲酒 ...) */
};

/*
 * The tables a date counts in: the year's and its month's, when the date
 * lies in the fiscal year.  Returns how many (0 or 2).
 */
static int tables_of(struct gen *g, struct ymd d, struct stats_tables *out[2])
{
    struct ymd from = { g->fy, 4, 1 }, to = { g->fy + 1, 3, 31 };

    if (ymd_cmp(d, from) < 0 || ymd_cmp(d, to) > 0)
        return 0;
    out[0] = &g->t->year;
    out[1] = &g->t->month[(d.m + 8) % 12];
    return 2;
}

/* Bit of a date's period in a 13-bit mask: 0..11 months, 12 the year; 0 outside. */
static unsigned period_bits(struct gen *g, struct ymd d)
{
    struct stats_tables *tb[2];

    if (tables_of(g, d, tb) == 0)
        return 0;
    return (1u << 12) | (1u << ((d.m + 8) % 12));
}

static struct stats_tables *table_of_bit(struct gen *g, int bit)
{
    return bit == 12 ? &g->t->year : &g->t->month[bit];
}

/* ---- writing helpers ---------------------------------------------------- */

static int set(struct gen *g, enum record_kind k, int64_t id, const char *col, const char *v)
{
    return record_set(g->st, k, id, col, v, g->e);
}

static int set_date(struct gen *g, enum record_kind k, int64_t id, const char *col, struct ymd d)
{
    char iso[11];

    ymd_iso(d, iso);
    return set(g, k, id, col, iso);
}

static int set_int(struct gen *g, enum record_kind k, int64_t id, const char *col, long v)
{
    char s[24];

    snprintf(s, sizeof(s), "%02ld", v);
    return set(g, k, id, col, s);
}

/*
 * An answer: left blank with probability p_blank (half the blanks as a
 * stored NULL, as intake stores an empty box, half with no row at all).
 * Returns 1 if answered, 0 if blank, negative on error.
 */
static int answer_with(struct gen *g, struct rng *r, int64_t id, const char *field,
                       const char *value, double p_blank)
{
    char col[64];
    int rc;

    snprintf(col, sizeof(col), "checkup_answers.%s", field);
    if (chance(r, p_blank)) {
        if (chance(r, 0.5))
            return 0;
        rc = set(g, REC_CHECKUP, id, col, NULL);
        return rc < 0 ? rc : 0;
    }
    rc = set(g, REC_CHECKUP, id, col, value);
    return rc < 0 ? rc : 1;
}

static int answer(struct gen *g, int64_t id, const char *field, const char *value, double p_blank)
{
    return answer_with(g, &g->r, id, field, value, p_blank);
}

/* answer() unless an earlier write failed; *answered (may be NULL) gets 1 or 0. */
static void ask(struct gen *g, int64_t id, const char *field, const char *value, double p_blank,
                int *answered, int *rc)
{
    int r;

    if (*rc < 0)
        return;
    r = answer(g, id, field, value, p_blank);
    if (r < 0)
        *rc = r;
    else if (answered != NULL)
        *answered = r;
}

/* Picks among values with cumulative weights (the last weight is 1.0). */
static int pick(struct rng *r, const double *cum, int n)
{
    double u = rng_unit(r);

    for (int i = 0; i < n - 1; i++) {
        if (u < cum[i])
            return i;
    }
    return n - 1;
}

/* ---- checkups ------------------------------------------------------------ */

struct child {
    char atena[11];
    struct ymd month;        /* the checkup month (day 1) */
    struct ymd birth;
};

/*
 * Lived in the town on d, judged from the master row as residents_find
 * shows it (the synthetic town is loaded whole, with no 異動 history):
 * the row's state if its 異動 is on or before d; otherwise the person was
 * here on d unless that 異動 is what brought them (出生, 転入, 職権記載).
 */
static int lived_here_on(const struct resident *r, struct ymd d)
{
    if (ymd_cmp(r->idou_date, d) <= 0)
        return r->status == RS_RESIDENT;
    return strcmp(r->idou_code, "01") != 0 && strcmp(r->idou_code, "02") != 0 &&
           strcmp(r->idou_code, "06") != 0;
}

/* The target children of one checkup over the fiscal year, in a stable order. */
static int find_children(struct gen *g, long taisho[12], int age, struct child **out,
                         size_t *n)
{
    struct child *list = NULL;
    size_t cap = 0, len = 0;
    int rc = 0;

    for (int k = 0; k < 12 && rc == 0; k++) {
        struct ymd m = ymd_add_months((struct ymd){ g->fy, 4, 1 }, k);
        struct ymd b = ymd_add_months(m, -age);
        struct ymd d_end = { m.y, m.m, days_in(m.y, m.m) };
        for (int day = 1; day <= days_in(b.y, b.m) && rc == 0; day++) {
            struct find_query q = { .birth = { b.y, b.m, day }, .limit = 500 };
            struct candidate *cs = NULL;
            size_t nc = 0;
            rc = residents_find(g->st, g->a, &q, &cs, &nc, g->e);
            for (size_t i = 0; rc == 0 && i < nc; i++) {
                if (ymd_cmp(cs[i].r.birth, q.birth) != 0 || !lived_here_on(&cs[i].r, d_end))
                    continue;
                if (len == cap) {
                    cap = cap ? cap * 2 : 256;
                    list = xrealloc(list, cap * sizeof(*list));
                }
                snprintf(list[len].atena, sizeof(list[len].atena), "%s", cs[i].r.atena);
                list[len].month = m;
                list[len].birth = q.birth;
                len++;
                taisho[k]++;
            }
            candidates_free(cs, nc);
        }
    }
    *out = list;
    *n = len;
    return rc;
}

/* Complete months from birth b to day d (as the 月齢 on a checkup day). */
static int months_old(struct ymd b, struct ymd d)
{
    int m = (d.y - b.y) * 12 + (d.m - b.m);

    if (d.d < b.d && d.d < days_in(d.y, d.m))
        m--;
    return m;
}

/* A checkup of chart row cc for a child born b, examined on d: the age band and the chart. */
static void band_add(struct gen *g, enum stats_chart cc, struct ymd b, struct ymd d)
{
    struct stats_tables *tb[2];
    int ntb = tables_of(g, d, tb), band = -1;

    if (cc == STATS_CHART_1Y6M) {
        band = STATS_BAND_1Y6M;
    } else if (cc == STATS_CHART_3Y) {
        band = STATS_BAND_3Y;
    } else {
        int m = months_old(b, d);
        band = m < 1 || m > 12 ? -1 : m <= 2 ? STATS_BAND_1_2M : m <= 5 ? STATS_BAND_3_5M
             : m <= 8 ? STATS_BAND_6_8M : STATS_BAND_9_12M;
    }
    for (int t = 0; t < ntb; t++) {
        if (band < 0) {
            tb[t]->band_outside++;
            continue;
        }
        tb[t]->band[band].jitsu++;   /* one checkup of a form per child: jitsu = nobe */
        tb[t]->band[band].nobe++;
    }
    if (ntb)
        g->t->year.chart_jushin[cc][(d.m + 8) % 12]++;
}

/* The dental row of a 1歳6か月 or 3歳 checkup examined on d. */
static int write_dental(struct gen *g, enum stats_checkup c, int64_t id, struct ymd d)
{
    static const char *const types[2][STATS_CARIES_TYPES] = {
        { "o1", "o2", "a", "b", "c" },      /* 1歳6か月 */
        { "o", "a", "b", "c1", "c2" },      /* 3歳 */
    };
    int f = c == STATS_3Y, k, rc;
    long teeth = chance(&g->r2, f ? 0.12 : 0.03) ? rng_range(&g->r2, 1, 6) : 0;
    int soft = chance(&g->r2, 0.03), occl = chance(&g->r2, f ? 0.10 : 0.04);
    int fluor = chance(&g->r2, 0.6), guid = chance(&g->r2, 0.2);
    const char *type;
    char n[8];

    /* a type with caries when there are any (1歳6か月 A B C, 3歳 A B C1 C2), else O1/O2 or O */
    if (teeth > 0)
        k = (int)rng_range(&g->r2, f ? 1 : 2, 4);
    else
        k = f ? 0 : (int)rng_range(&g->r2, 0, 1);
    type = types[f][k];
    snprintf(n, sizeof(n), "%ld", teeth);
    rc = record_dental_begin(g->st, id, 0, g->e);
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "checkups.dental_caries", n);
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "checkups.dental_fluoride", fluor ? "shita" : "shinai");
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "dental.caries_type", type);
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "dental.soft_tissue", soft ? "ari" : "nashi");
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "dental.occlusion", occl ? "ari" : "nashi");
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "dental.guidance", guid ? "ari" : "nashi");
    if (rc == 0)
        rc = record_dental_finish(g->st, id, g->e);
    if (rc < 0)
        return rc;
    struct stats_tables *tb[2];
    int ntb = tables_of(g, d, tb);
    for (int t = 0; t < ntb; t++) {
        struct stats_dental_row *r = &tb[t]->dental[f];
        r->jushin++;
        r->caries_persons += teeth > 0;
        r->caries_teeth += teeth;
        r->type[k]++;
        r->soft_tissue += soft;
        r->occlusion += occl;
        r->fluoride += fluor;
        r->guidance += guid;
    }
    return 0;
}

static const char *const result_values[] = {
    "ijonashi", "kiiryo", "yokansatsu", "yoseimitsu", "yochiryo",
};

/* 1 if the comma list has the value. */
static int list_holds(const char *list, const char *v)
{
    size_t n = strlen(v);

    for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
        if (strncmp(p, v, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return 1;
    }
    return 0;
}

/*
 * The 問診 questions added for 別紙2 (README: 表9), with a PRNG of their
 * own: 父親の育児 everywhere; 飲酒, SBS, かかりつけ医 and the mother's 本数 at
 * 3〜4か月; かかりつけ医 and 歯科医 at 3歳; the mother's and the 妊娠中 本数
 * where she smokes.  val/cnt get what was written (NULL: blank).
 */
static int write_answers_besshi2(struct gen *g, enum stats_checkup c, int64_t id,
                                 const char *val[STATS_Q_COUNT], const char *cnt[STATS_Q_COUNT])
{
    static const char *const ikuji[] = { "yoku", "tokidoki", "hotondo", "nantomo" };
    static const double ikuji_w[] = { 0.60, 0.90, 0.96, 1.0 };
    static const char *const counts[] = { "5", "10", "15", "20" };
    struct { int q; const char *field, *yes, *no; double p_yes; unsigned at; } yn[] = {
        { STATS_Q_NINSHIN_INSHU, "ninshin_inshu", "ari", "nashi", 0.01, 1u << STATS_4M },
        { STATS_Q_SBS, "sbs", "hai", "iie", 0.95, 1u << STATS_4M },
        { STATS_Q_KAKARI_I, "kakaritsuke_i", "iru", "inai", 0.85, 1u << STATS_4M | 1u << STATS_3Y },
        { STATS_Q_KAKARI_SHIKA, "kakaritsuke_shika", "iru", "inai", 0.50, 1u << STATS_3Y },
    };
    int r, i = pick(&g->r3, ikuji_w, 4);

    r = answer_with(g, &g->r3, id, "chichi_ikuji", ikuji[i], 0.05);
    if (r < 0)
        return r;
    val[STATS_Q_CHICHI_IKUJI] = r ? ikuji[i] : NULL;
    for (size_t k = 0; k < sizeof(yn) / sizeof(yn[0]); k++) {
        if (!(yn[k].at & 1u << c))
            continue;
        const char *v = chance(&g->r3, yn[k].p_yes) ? yn[k].yes : yn[k].no;
        r = answer_with(g, &g->r3, id, yn[k].field, v, 0.04);
        if (r < 0)
            return r;
        val[yn[k].q] = r ? v : NULL;
    }
    /* 本数 where she smokes (the father's is written with the older answers) */
    const struct { int q; const char *field; } nb[] = {
        { STATS_Q_SMOKE_MOTHER, "smoke_mother_count" },
        { STATS_Q_NINSHIN_KITSUEN, "ninshin_kitsuen_count" },
    };
    for (size_t k = 0; k < sizeof(nb) / sizeof(nb[0]); k++) {
        if (val[nb[k].q] == NULL || strcmp(val[nb[k].q], "ari") != 0)
            continue;
        const char *v = counts[rng_range(&g->r3, 0, 3)];
        r = answer_with(g, &g->r3, id, nb[k].field, v, 0.1);
        if (r < 0)
            return r;
        cnt[nb[k].q] = r ? v : NULL;
    }
    return 0;
}

/* Folds one checkup's written answers into 表9 (as records/stats.c counts them). */
static void besshi2_add(struct stats_q_row *q, enum stats_checkup c, const char *const *val,
                        const char *const *cnt, int taisho_asked)
{
    for (int k = 0; k < STATS_Q_COUNT; k++) {
        int any = 0;
        if (!stats_question_asked(c, (enum stats_question)k))
            continue;
        if (k == STATS_Q_TAISHO && !taisho_asked)
            continue;
        q[k].base++;
        for (int i = 0; val[k] && i < stats_question_options((enum stats_question)k); i++) {
            if (list_holds(val[k], stats_question_value((enum stats_question)k, i))) {
                q[k].opt[i]++;
                any = 1;
            }
        }
        q[k].answered += any;
        q[k].none += !any;
        if (any && cnt[k] && strcmp(val[k], "ari") == 0) {
            q[k].count_sum += atol(cnt[k]);
            q[k].count_n++;
        }
    }
}

/* Writes the 問診 answers of one checkup and counts the indicators. */
static int write_answers(struct gen *g, enum stats_checkup c, int64_t id,
                         struct stats_tables **tb, int ntb)
{
    static const char *const sodate[] = { "itsumo", "tokidoki", "kanjinai" };
    static const double sodate_w[] = { 0.05, 0.30, 1.0 };
    static const char *const yuttari[] = { "hai", "iie", "nantomo" };
    static const double yuttari_w[] = { 0.80, 0.85, 1.0 };
    static const char *const chiiki[] = { "sou", "dochira_sou", "dochira_sounai", "sounai" };
    static const double chiiki_w[] = { 0.60, 0.90, 0.97, 1.0 };
    static const char *const care[] = { "hai", "iie", "dochiratomo" };
    static const double care_w[] = { 0.85, 0.90, 1.0 };
    static const char *const kodo[] = { "shitsuke", "tataita", "rusuban", "shokuji" };
    static const char *const kodo2[] = { "donatta", "kuchi", "yusaburi" };
    int yes[STATS_IND_COUNT], ans[STATS_IND_COUNT];
    const char *val[STATS_Q_COUNT] = { NULL }, *cnt[STATS_Q_COUNT] = { NULL };
    int taisho_asked = 0, rc = 0;

    for (int i = 0; i < STATS_IND_COUNT; i++)
        yes[i] = ans[i] = 0;
    ask(g, id, "kinyusha", chance(&g->r, 0.9) ? "haha" : "chichi", 0.02, NULL, &rc);

    int s = pick(&g->r, sodate_w, 3);
    ask(g, id, "sodatenikusa", sodate[s], 0.04, &ans[STATS_IND_SODATENIKUSA], &rc);
    yes[STATS_IND_SODATENIKUSA] = s < 2;
    /* 対処 is asked of those who feel it; some who do not answer it anyway */
    val[STATS_Q_SODATENIKUSA] = ans[STATS_IND_SODATENIKUSA] ? sodate[s] : NULL;
    if (s < 2 || chance(&g->r, 0.1)) {
        int hai = chance(&g->r, 0.8), taisho = 0;
        ask(g, id, "sodatenikusa_taisho", hai ? "hai" : "iie", 0.05, &taisho, &rc);
        ans[STATS_IND_TAISHO] = ans[STATS_IND_SODATENIKUSA] && s < 2 && taisho;
        yes[STATS_IND_TAISHO] = hai;
        val[STATS_Q_TAISHO] = taisho ? (hai ? "hai" : "iie") : NULL;
    }
    taisho_asked = ans[STATS_IND_SODATENIKUSA] && s < 2;
    int y = pick(&g->r, yuttari_w, 3);
    ask(g, id, "yuttari", yuttari[y], 0.03, &ans[STATS_IND_YUTTARI], &rc);
    yes[STATS_IND_YUTTARI] = y == 0;
    val[STATS_Q_YUTTARI] = ans[STATS_IND_YUTTARI] ? yuttari[y] : NULL;
    int ch = pick(&g->r, chiiki_w, 4);
    ask(g, id, "chiiki", chiiki[ch], 0.03, &ans[STATS_IND_CHIIKI], &rc);
    yes[STATS_IND_CHIIKI] = ch < 2;
    val[STATS_Q_CHIIKI] = ans[STATS_IND_CHIIKI] ? chiiki[ch] : NULL;
    int f = chance(&g->r, 0.30), fc = 0;
    ask(g, id, "smoke_father", f ? "ari" : "nashi", 0.05, &ans[STATS_IND_SMOKE_FATHER], &rc);
    yes[STATS_IND_SMOKE_FATHER] = f;
    if (f && ans[STATS_IND_SMOKE_FATHER])
        ask(g, id, "smoke_father_count", "10", 0.1, &fc, &rc);
    val[STATS_Q_SMOKE_FATHER] = ans[STATS_IND_SMOKE_FATHER] ? (f ? "ari" : "nashi") : NULL;
    cnt[STATS_Q_SMOKE_FATHER] = fc ? "10" : NULL;
    int m = chance(&g->r, 0.06);
    ask(g, id, "smoke_mother", m ? "ari" : "nashi", 0.05, &ans[STATS_IND_SMOKE_MOTHER], &rc);
    yes[STATS_IND_SMOKE_MOTHER] = m;
    val[STATS_Q_SMOKE_MOTHER] = ans[STATS_IND_SMOKE_MOTHER] ? (m ? "ari" : "nashi") : NULL;
    if (c == STATS_4M) {
        int k = chance(&g->r, 0.02);
        ask(g, id, "ninshin_kitsuen", k ? "ari" : "nashi", 0.04, &ans[STATS_IND_NINSHIN_KITSUEN],
            &rc);
        yes[STATS_IND_NINSHIN_KITSUEN] = k;
        val[STATS_Q_NINSHIN_KITSUEN] = ans[STATS_IND_NINSHIN_KITSUEN] ? (k ? "ari" : "nashi") : NULL;
        int cr = pick(&g->r, care_w, 3);
        ask(g, id, "sango_care", care[cr], 0.04, &ans[STATS_IND_SANGO_CARE], &rc);
        yes[STATS_IND_SANGO_CARE] = cr == 0;
        val[STATS_Q_SANGO_CARE] = ans[STATS_IND_SANGO_CARE] ? care[cr] : NULL;
    }
    /* 子育て中の行動: いずれも該当しない, or one or two of the four (option order) */
    char list[64] = "gaitou_nashi";
    int any = chance(&g->r, 0.18);
    if (any) {
        int i = (int)rng_range(&g->r, 0, 3), j = (int)rng_range(&g->r, 0, 3);
        if (i == j || chance(&g->r, 0.6))
            snprintf(list, sizeof(list), "%s", kodo[i]);
        else
            snprintf(list, sizeof(list), "%s,%s", kodo[i < j ? i : j], kodo[i < j ? j : i]);
    }
    /*
     * The three behaviours the 表9 版 added (怒鳴った・口をふさいだ・揺さぶった), drawn
     * with the 別紙2 PRNG so the older kinds stay what a seed gave; they come
     * after the four in option order, so the list stays in order.
     */
    if (chance(&g->r3, 0.06)) {
        const char *b = kodo2[rng_range(&g->r3, 0, 2)];
        if (any) {
            size_t l = strlen(list);
            snprintf(list + l, sizeof(list) - l, ",%s", b);
        } else {
            snprintf(list, sizeof(list), "%s", b);
        }
        any = 1;
    }
    ask(g, id, "kosodate_kodo", list, 0.05, &ans[STATS_IND_GYAKUTAI], &rc);
    yes[STATS_IND_GYAKUTAI] = any;
    val[STATS_Q_KODO] = ans[STATS_IND_GYAKUTAI] ? list : NULL;
    if (rc == 0)
        rc = write_answers_besshi2(g, c, id, val, cnt);
    if (rc < 0)
        return rc;
    for (int t = 0; t < ntb; t++)
        besshi2_add(tb[t]->q[c], c, val, cnt, taisho_asked);
    for (int t = 0; t < ntb; t++) {
        for (int i = 0; i < STATS_IND_COUNT; i++) {
            if (ans[i] == 1) {
                tb[t]->ind[c][i].den++;
                tb[t]->ind[c][i].num += yes[i];
            }
        }
    }
    return 0;
}

static int write_checkup(struct gen *g, enum stats_checkup c, const struct child *ch,
                         int64_t run)
{
    static const double result_w[] = { 0.70, 0.75, 0.89, 0.96, 0.99, 1.0 };
    static const char *const targets[] = { "shintai", "me", "mimi", "hattatsu", "sonota" };
    const char *form = stats_checkup_form(c);
    char month[16], issue[24], date_iso[11];
    int64_t id;
    int created, rc;

    snprintf(month, sizeof(month), "%04d-%02d", ch->month.y % 10000, ch->month.m % 100);
    struct issue_req q = {
        .form = form, .version = 1, .person = ch->atena, .kind = "form", .month = month,
        .pages = 2,
    };
    rc = issues_record(g->st, g->a, run, &q, issue, g->e);
    if (rc < 0)
        return rc;
    g->t->issued++;
    /* who comes: most, at their checkup month; a few a month late; the rest never */
    static const double share[STATS_CHECKUP_COUNT] = { 0.94, 0.91, 0.88 };
    if (!chance(&g->r, share[c]))
        return 0;
    struct ymd d = ch->month;
    if (chance(&g->r, 0.03))
        d = ymd_add_months(d, 1);
    d.d = (int)rng_range(&g->r, 1, days_in(d.y, d.m));
    ymd_iso(d, date_iso);

    rc = record_for_issue(g->st, g->a, REC_CHECKUP, issue, ch->atena, form, 0, &id, &created, g->e);
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "checkups.date", date_iso);
    int res = pick(&g->r, result_w, 6);
    if (rc == 0)
        rc = set(g, REC_CHECKUP, id, "checkups.result", res < 5 ? result_values[res] : NULL);
    if (rc == 0 && res == STATS_RESULT_YOSEIMITSU)
        rc = set(g, REC_CHECKUP, id, "checkups.referral_targets", targets[rng_range(&g->r, 0, 4)]);
    if (rc == 0)
        rc = set_int(g, REC_CHECKUP, id, "checkups.height_cm",
                     c == STATS_4M ? rng_range(&g->r, 58, 68) : c == STATS_1Y6M ?
                     rng_range(&g->r, 76, 86) : rng_range(&g->r, 89, 101));
    if (rc < 0)
        return rc;
    g->t->checkups++;

    band_add(g, c == STATS_4M ? STATS_CHART_4M : c == STATS_1Y6M ? STATS_CHART_1Y6M : STATS_CHART_3Y,
             ch->birth, d);
    if (c != STATS_4M) {
        rc = write_dental(g, c, id, d);
    } else {
        /* 出生体重 on the 3〜4か月 健診票; counted by the child's birth date */
        long w = chance(&g->r2, 0.09) ? rng_range(&g->r2, 1500, 2499) : rng_range(&g->r2, 2500, 4200);
        char ws[16];
        struct stats_tables *bt[2];
        snprintf(ws, sizeof(ws), "%ld", w);
        rc = set(g, REC_CHECKUP, id, "checkup_answers.birth_weight_g", ws);
        int nbt = tables_of(g, ch->birth, bt);
        for (int t = 0; t < nbt; t++) {
            bt[t]->birth_weight_known++;
            bt[t]->low_weight += w < 2500;
        }
    }
    if (rc < 0)
        return rc;

    struct stats_tables *tb[2];
    int ntb = tables_of(g, d, tb);
    for (int t = 0; t < ntb; t++) {
        tb[t]->checkup[c].jushin++;
        tb[t]->checkup[c].result[res]++;
        if (res == STATS_RESULT_YOSEIMITSU)
            tb[t]->checkup[c].seimitsu_pending++;
    }
    return write_answers(g, c, id, tb, ntb);
}

/* ---- 新生児訪問 and the 9〜10か月 checkup -------------------------------- */

/* One visit to ch on d; seen[] holds, per target, the periods it was already counted in. */
static int write_visit(struct gen *g, const struct child *ch, struct ymd d, int mijukuji, int sanpu,
                       unsigned seen[STATS_HOUMON_COUNT])
{
    char subjects[40], w[16], date[11];
    int64_t id;
    int created, rc, k;
    long days = ymd_to_days(d) - ymd_to_days(ch->birth);

    snprintf(subjects, sizeof(subjects), "%s%s", mijukuji ? "mijukuji" : "shinseiji",
             sanpu ? ",sanpu" : "");
    snprintf(w, sizeof(w), "%ld", mijukuji ? rng_range(&g->r2, 1800, 2600)
                                           : rng_range(&g->r2, 3000, 5200));
    ymd_iso(d, date);
    char issue[40];
    snprintf(issue, sizeof(issue), "DEMO-H%07ld", ++g->serial);
    rc = record_for_issue(g->st, g->a, REC_VISIT, issue, ch->atena, "shinseiji_houmon", 0, &id,
                          &created, g->e);
    if (rc == 0)
        rc = set(g, REC_VISIT, id, "visits.visit_date", date);
    if (rc == 0)
        rc = set(g, REC_VISIT, id, "visits.subjects", subjects);
    if (rc == 0)
        rc = set(g, REC_VISIT, id, "visits.weight_g", w);
    if (rc == 0)
        rc = set(g, REC_VISIT, id, "visits.visitor", chance(&g->r2, 0.5) ? "hokenshi" : "josanshi");
    if (rc < 0)
        return rc;
    g->t->visits++;
    k = mijukuji ? STATS_HOUMON_MIJUKUJI : days < 28 ? STATS_HOUMON_SHINSEIJI
      : ymd_age_years(ch->birth, d) < 1 ? STATS_HOUMON_NYUJI : STATS_HOUMON_YOJI;
    unsigned bits = period_bits(g, d);
    for (int b = 0; b <= 12; b++) {
        if (!(bits & 1u << b))
            continue;
        struct stats_tables *t = table_of_bit(g, b);
        t->houmon_nobe[k]++;
        if (!(seen[k] & 1u << b))
            t->houmon_jitsu[k]++;
        if (sanpu) {
            t->houmon_nobe[STATS_HOUMON_SANPU]++;
            if (!(seen[STATS_HOUMON_SANPU] & 1u << b))
                t->houmon_jitsu[STATS_HOUMON_SANPU]++;
        }
    }
    seen[k] |= bits;
    if (sanpu)
        seen[STATS_HOUMON_SANPU] |= bits;
    return 0;
}

/*
 * 新生児訪問: most newborns are visited once, 1 to 7 weeks after birth (so on
 * either side of 28 days), a few again a month later; some are 未熟児; the
 * mother is visited too (産婦) at most first visits.
 */
static int gen_visits(struct gen *g, const struct child *list, size_t n)
{
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++) {
        unsigned seen[STATS_HOUMON_COUNT] = { 0 };
        int mijukuji = chance(&g->r2, 0.06);
        if (!chance(&g->r2, 0.85))
            continue;
        struct ymd d = ymd_from_days(ymd_to_days(list[i].birth) + rng_range(&g->r2, 7, 50));
        rc = write_visit(g, &list[i], d, mijukuji, chance(&g->r2, 0.8), seen);
        if (rc == 0 && chance(&g->r2, 0.12)) {
            d = ymd_from_days(ymd_to_days(d) + rng_range(&g->r2, 20, 40));
            rc = write_visit(g, &list[i], d, mijukuji, 0, seen);
        }
    }
    return rc;
}

/* The 9〜10か月児健康診査 (nyuyoji_10m): its targets, who comes and when. */
static int gen_10m(struct gen *g)
{
    static const char *const targets_10m[] = { "shintai", "me", "mimi", "hattatsu", "sonota" };
    struct child *list = NULL;
    size_t n = 0;
    long tai[12] = { 0 };
    int age = 10, rc = targets_age_months(g->st, "nyuyoji_10m", &age, g->e);

    if (rc == 0)
        rc = find_children(g, tai, age, &list, &n);
    for (int k = 0; k < 12; k++) {
        g->t->year.chart_taisho[STATS_CHART_10M][k] += tai[k];
        g->t->year.band[STATS_BAND_9_12M].taisho += tai[k];
        g->t->month[k].band[STATS_BAND_9_12M].taisho += tai[k];
        g->t->year.checkup_10m.taisho += tai[k];
        g->t->month[k].checkup_10m.taisho += tai[k];
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        char date[11];
        int64_t id;
        int created;
        if (!chance(&g->r2, 0.86))
            continue;
        struct ymd d = list[i].month;
        if (chance(&g->r2, 0.04))
            d = ymd_add_months(d, 1);
        d.d = (int)rng_range(&g->r2, 1, days_in(d.y, d.m));
        ymd_iso(d, date);
        rc = record_for_issue(g->st, g->a, REC_CHECKUP, "", list[i].atena, "nyuyoji_10m", 0, &id,
                              &created, g->e);
        if (rc == 0)
            rc = set(g, REC_CHECKUP, id, "checkups.date", date);
        int res = chance(&g->r2, 0.9) ? STATS_RESULT_IJONASHI : STATS_RESULT_YOKANSATSU;
        /*
         * A few 要精密 and 要治療, drawn with the 別紙2 PRNG: nothing draws from it
         * after the checkups' 問診, so every other kind stays what a seed gave.
         */
        if (chance(&g->r3, 0.05))
            res = chance(&g->r3, 0.7) ? STATS_RESULT_YOSEIMITSU : STATS_RESULT_YOCHIRYO;
        if (rc == 0)
            rc = set(g, REC_CHECKUP, id, "checkups.result", result_values[res]);
        if (rc == 0 && res == STATS_RESULT_YOSEIMITSU)
            rc = set(g, REC_CHECKUP, id, "checkups.referral_targets",
                     targets_10m[rng_range(&g->r3, 0, 4)]);
        if (rc < 0)
            break;
        g->t->checkups++;
        band_add(g, STATS_CHART_10M, list[i].birth, d);
        struct stats_tables *tb[2];
        int ntb = tables_of(g, d, tb);
        for (int t = 0; t < ntb; t++) {
            tb[t]->checkup_10m.jushin++;     /* one nyuyoji_10m checkup per child */
            tb[t]->checkup_10m.result[res]++;
            if (res == STATS_RESULT_YOSEIMITSU)
                tb[t]->checkup_10m.seimitsu_pending++;
        }
    }
    free(list);
    return rc;
}

static int gen_checkups(struct gen *g)
{
    int rc = 0;

    for (int c = 0; c < STATS_CHECKUP_COUNT && rc == 0; c++) {
        struct child *list = NULL;
        size_t n = 0;
        int64_t run = 0;
        int age;
        long tai[12] = { 0 };
        rc = targets_age_months(g->st, stats_checkup_form((enum stats_checkup)c), &age, g->e);
        if (rc == 0)
            rc = find_children(g, tai, age, &list, &n);
        for (int k = 0; k < 12; k++) {
            g->t->year.checkup[c].taisho += tai[k];
            g->t->month[k].checkup[c].taisho += tai[k];
        }
        if (rc == 0)
            rc = print_run_add(g->st, g->a, "activity", stats_checkup_form((enum stats_checkup)c),
                               NULL, NULL, NULL, "demo activity", &run, g->e);
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = write_checkup(g, (enum stats_checkup)c, &list[i], run);
        /* the 3〜4か月 target children are the newborns of the 新生児訪問 */
        if (c == STATS_4M && rc == 0)
            rc = gen_visits(g, list, n);
        free(list);
    }
    if (rc == 0)
        rc = gen_10m(g);
    return rc;
}

/* ---- pregnancies and vouchers -------------------------------------------- */

/* Distinct resident women aged 18..44 on April 1, up to want of them. */
static int find_mothers(struct gen *g, long want, char (**out)[11], long *n)
{
    char (*list)[11] = xcalloc((size_t)(want > 0 ? want : 1), sizeof(*list));
    long len = 0;
    struct ymd apr = { g->fy, 4, 1 };
    long first = ymd_to_days((struct ymd){ g->fy - 40, 1, 1 }) + rng_range(&g->r, 0, 364);
    long last = ymd_to_days((struct ymd){ g->fy - 19, 12, 31 });
    int rc = 0;

    for (long day = first; day <= last && len < want && rc == 0; day++) {
        struct find_query q = { .birth = ymd_from_days(day), .limit = 500 };
        struct candidate *cs = NULL;
        size_t nc = 0;
        rc = residents_find(g->st, g->a, &q, &cs, &nc, g->e);
        for (size_t i = 0; rc == 0 && i < nc && len < want; i++) {
            const struct resident *r = &cs[i].r;
            int age = ymd_age_years(r->birth, apr);
            if (ymd_cmp(r->birth, q.birth) != 0 || r->sex != 2 || r->status != RS_RESIDENT ||
                age < 18 || age > 44)
                continue;
            snprintf(list[len++], 11, "%s", r->atena);
        }
        candidates_free(cs, nc);
    }
    *out = list;
    *n = len;
    return rc;
}

static int write_vouchers(struct gen *g, const char *mother, struct ymd todoke, struct ymd due,
                          int weeks, int used_any, int64_t run)
{
    char issues[14][24];
    unsigned mask = 0;
    int rc = 0;

    for (int k = 1; k <= 14 && rc == 0; k++) {
        struct issue_req q = {
            .form = "ninpu_jushinken", .version = 1, .person = mother, .kind = "voucher", .seq = k,
            .pages = 1,
        };
        rc = issues_record(g->st, g->a, run, &q, issues[k - 1], g->e);
        g->t->issued++;
    }
    if (rc < 0 || !used_any)
        return rc;
    /* 受診: every 4 weeks to 23 weeks, every 2 to 35, then weekly, until the due date */
    long day = ymd_to_days(todoke) + rng_range(&g->r, 3, 20);
    long due_day = ymd_to_days(due);
    int w = weeks + (int)((day - ymd_to_days(todoke)) / 7);
    for (int k = 1; k <= 14 && day < due_day && rc == 0; k++) {
        struct ymd d = ymd_from_days(day);
        int64_t id;
        int created;
        rc = record_for_issue(g->st, g->a, REC_VOUCHER, issues[k - 1], mother, "ninpu_jushinken",
                              0, &id, &created, g->e);
        if (rc == 0)
            rc = set_date(g, REC_VOUCHER, id, "vouchers.used_date", d);
        if (rc == 0)
            rc = set_int(g, REC_VOUCHER, id, "vouchers.weeks", w);
        if (rc == 0)
            rc = set(g, REC_VOUCHER, id, "vouchers.clinic_code",
                     k % 3 ? "1310000011" : "1310000029");
        if (rc == 0)
            rc = set(g, REC_VOUCHER, id, "vouchers.tests", k == 1 ? "kihon,ketsueki,choonpa"
                                                                 : "kihon");
        if (rc == 0)
            rc = set(g, REC_VOUCHER, id, "vouchers.amount_yen", k == 1 ? "12000" : "5000");
        g->t->vouchers_used++;
        unsigned bits = period_bits(g, d);
        mask |= bits;
        for (int b = 0; b <= 12; b++) {
            if (bits & (1u << b))
                table_of_bit(g, b)->ninpu_nobe++;
        }
        int step = w < 24 ? 28 : w < 36 ? 14 : 7;
        day += step + rng_range(&g->r, -2, 2);
        w = weeks + (int)((day - ymd_to_days(todoke)) / 7);
    }
    for (int b = 0; b <= 12; b++) {
        if (mask & (1u << b))
            table_of_bit(g, b)->ninpu_jitsu++;
    }
    return rc;
}

/* One voucher of form used on d; the hearing columns when kind is not NULL. */
static int after_voucher(struct gen *g, const char *mother, const char *form, struct ymd d,
                         const char *kind, const char *right, const char *left)
{
    int64_t id;
    int created;
    char issue[40];
    snprintf(issue, sizeof(issue), "DEMO-J%07ld", ++g->serial);
    int rc = record_for_issue(g->st, g->a, REC_VOUCHER, issue, mother, form, 0, &id, &created, g->e);

    if (rc == 0)
        rc = set_date(g, REC_VOUCHER, id, "vouchers.used_date", d);
    if (rc == 0 && kind) {
        rc = set(g, REC_VOUCHER, id, "vouchers.hearing_kind", kind);
        if (rc == 0)
            rc = set(g, REC_VOUCHER, id, "vouchers.hearing_method", "aabr");
        if (rc == 0)
            rc = set(g, REC_VOUCHER, id, "vouchers.hearing_right", right);
        if (rc == 0)
            rc = set(g, REC_VOUCHER, id, "vouchers.hearing_left", left);
    }
    if (rc == 0)
        g->t->vouchers_used++;
    return rc;
}

/* Adds 1 to cell (in the tables of every bit of bits); jitsu only for bits not in *seen. */
static void tally(struct gen *g, unsigned bits, unsigned *seen, size_t off)
{
    for (int b = 0; b <= 12; b++) {
        if ((bits & 1u << b) && !(*seen & 1u << b))
            (*(long *)((char *)table_of_bit(g, b) + off))++;
    }
    *seen |= bits;
}

/*
 * After the birth (the due date, give or take): the 産婦健康診査 at about 2
 * weeks and 1 month, and the baby's 新生児聴覚検査 in the first days - a few
 * リファー (either ear), most of them followed by a 確認検査.
 */
static int write_after_birth(struct gen *g, const char *mother, struct ymd due)
{
    long birth = ymd_to_days(due) + rng_range(&g->r2, -14, 7);
    unsigned s_seen = 0, j_seen = 0, r_seen = 0, k_seen = 0;
    int rc = 0;

    for (int i = 0; i < 2 && rc == 0; i++) {
        struct ymd d = ymd_from_days(birth + (i ? rng_range(&g->r2, 28, 35) : rng_range(&g->r2, 10, 18)));
        if (!chance(&g->r2, 0.85))
            continue;
        rc = after_voucher(g, mother, "sanpu_jushinken", d, NULL, NULL, NULL);
        unsigned bits = period_bits(g, d);
        for (int b = 0; b <= 12; b++) {
            if (bits & 1u << b)
                table_of_bit(g, b)->sanpu_nobe++;
        }
        tally(g, bits, &s_seen, offsetof(struct stats_tables, sanpu_jitsu));
    }
    if (rc < 0 || !chance(&g->r2, 0.9))
        return rc;
    struct ymd d = ymd_from_days(birth + rng_range(&g->r2, 2, 5));
    int refer = chance(&g->r2, 0.06), ear = (int)rng_range(&g->r2, 0, 2);
    const char *right = refer && ear != 1 ? "refer" : "pass";
    const char *left = refer && ear != 0 ? "refer" : "pass";
    rc = after_voucher(g, mother, "choukaku_jushinken", d, "shokai", right, left);
    unsigned bits = period_bits(g, d);
    tally(g, bits, &j_seen, offsetof(struct stats_tables, choukaku_jukensha));
    if (refer)
        tally(g, bits, &r_seen, offsetof(struct stats_tables, choukaku_refer));
    if (rc == 0 && refer && chance(&g->r2, 0.8)) {
        d = ymd_from_days(ymd_to_days(d) + rng_range(&g->r2, 14, 30));
        rc = after_voucher(g, mother, "choukaku_jushinken", d, "kakunin", "pass", "pass");
        tally(g, period_bits(g, d), &k_seen, offsetof(struct stats_tables, choukaku_kakunin));
    }
    return rc;
}

/* The 届出日: spread over the year, with the four boundary days well represented. */
static struct ymd todoke_day(struct gen *g)
{
    double u = rng_unit(&g->r);

    if (u < 0.01)
        return (struct ymd){ g->fy, 3, 31 };          /* previous fiscal year */
    if (u < 0.02)
        return (struct ymd){ g->fy, 4, 1 };
    if (u < 0.03)
        return (struct ymd){ g->fy + 1, 3, 31 };
    if (u < 0.04)
        return (struct ymd){ g->fy + 1, 4, 1 };      /* next fiscal year */
    long a = ymd_to_days((struct ymd){ g->fy, 4, 1 });
    return ymd_from_days(rng_range(&g->r, a, a + 364));
}

static int write_pregnancy(struct gen *g, const char *mother, int64_t run_todoke,
                           int64_t run_voucher)
{
    static const double band_w[] = { 0.78, 0.92, 0.95, 0.965, 0.98, 1.0 };
    char issue[24];
    int64_t id;
    int created, rc, weeks = -1;
    struct ymd todoke = todoke_day(g), due = { 0, 0, 0 };
    int band = pick(&g->r, band_w, 6);

    struct issue_req q = {
        .form = "ninshin_todoke", .version = 1, .person = NULL, .kind = "blank", .pages = 2,
    };
    rc = issues_record(g->st, g->a, run_todoke, &q, issue, g->e);
    if (rc < 0)
        return rc;
    g->t->issued++;
    switch (band) {
    case STATS_WEEKS_LE11: weeks = (int)rng_range(&g->r, 4, 11); break;
    case STATS_WEEKS_12_19: weeks = (int)rng_range(&g->r, 12, 19); break;
    case STATS_WEEKS_20_27: weeks = (int)rng_range(&g->r, 20, 27); break;
    case STATS_WEEKS_GE28: weeks = (int)rng_range(&g->r, 28, 39); break;
    case STATS_WEEKS_POSTPARTUM: weeks = (int)rng_range(&g->r, 37, 41); break;
    default: break;
    }
    if (band == STATS_WEEKS_POSTPARTUM)
        due = ymd_from_days(ymd_to_days(todoke) - rng_range(&g->r, 1, 60));
    else if (weeks >= 0)
        due = ymd_from_days(ymd_to_days(todoke) + 280 - weeks * 7 + rng_range(&g->r, -3, 3));
    else if (chance(&g->r, 0.5))
        due = ymd_from_days(ymd_to_days(todoke) + rng_range(&g->r, 30, 250));

    rc = record_for_issue(g->st, g->a, REC_PREGNANCY, issue, mother, "ninshin_todoke", 0, &id,
                          &created, g->e);
    if (rc == 0)
        rc = set_date(g, REC_PREGNANCY, id, "pregnancies.todoke_date", todoke);
    if (rc == 0 && weeks >= 0)
        rc = set_int(g, REC_PREGNANCY, id, "pregnancies.weeks_at_todoke", weeks);
    if (rc == 0 && due.y)
        rc = set_date(g, REC_PREGNANCY, id, "pregnancies.due_date", due);
    if (rc == 0)
        rc = set(g, REC_PREGNANCY, id, "pregnancies.diagnosed_by",
                 chance(&g->r, 0.97) ? "ishi" : "josanshi");
    if (rc == 0)
        rc = set_int(g, REC_PREGNANCY, id, "pregnancies.parity", rng_range(&g->r, 0, 3));
    if (rc == 0)
        rc = set(g, REC_PREGNANCY, id, "pregnancy_answers.smoking",
                 chance(&g->r, 0.9) ? "nai" : chance(&g->r, 0.7) ? "yameta" : "ari");
    if (rc < 0)
        return rc;
    g->t->pregnancies++;

    struct stats_tables *tb[2];
    int ntb = tables_of(g, todoke, tb);
    for (int t = 0; t < ntb; t++) {
        tb[t]->todoke[band]++;
        tb[t]->todoke_total++;
    }
    /* vouchers are handed over with the 母子健康手帳; 分娩後 ones go unused */
    int used = band != STATS_WEEKS_POSTPARTUM && weeks >= 0 && !chance(&g->r, 0.04);
    rc = write_vouchers(g, mother, todoke, due, weeks, used, run_voucher);
    if (rc == 0 && used && due.y)
        rc = write_after_birth(g, mother, due);
    return rc;
}

static int gen_pregnancies(struct gen *g, long want)
{
    char (*mothers)[11] = NULL;
    long n = 0;
    int64_t run_t = 0, run_v = 0;
    int rc = find_mothers(g, want, &mothers, &n);

    if (rc == 0)
        rc = print_run_add(g->st, g->a, "activity", "ninshin_todoke", NULL, NULL, NULL,
                           "demo activity", &run_t, g->e);
    if (rc == 0)
        rc = print_run_add(g->st, g->a, "activity", "ninpu_jushinken", NULL, NULL, NULL,
                           "demo activity", &run_v, g->e);
    for (long i = 0; i < n && rc == 0; i++)
        rc = write_pregnancy(g, mothers[i], run_t, run_v);
    g->t->mothers_short = want - n;
    free(mothers);
    return rc;
}

int activity_generate(struct store *st, const struct actor *a, const struct activity_params *p,
                      struct activity_truth *truth, struct berr *e)
{
    struct gen g;
    int rc;

    memset(truth, 0, sizeof(*truth));
    if (p->fiscal_year < 2000 || p->fiscal_year > 2100)
        return berr_set(e, BERR_INVALID, "年度が正しくありません (%d)", p->fiscal_year);
    rc = store_require_demo(st, "boshi demo activity", e);
    if (rc == 0)
        rc = actor_require(a, PERM_FORMS_PRINT, e);
    if (rc == 0)
        rc = actor_require(a, PERM_INTAKE, e);
    if (rc == 0)
        rc = actor_require(a, PERM_RESIDENTS_READ, e);
    if (rc < 0)
        return rc;
    memset(&g, 0, sizeof(g));
    g.st = st;
    g.a = a;
    g.r.s = p->seed * 0x2545F4914F6CDD1DULL + 0x6A09E667F3BCC909ULL;
    g.r2.s = p->seed * 0x9E3779B97F4A7C15ULL + 0x3C6EF372FE94F82BULL;
    g.r3.s = p->seed * 0xD1B54A32D192ED03ULL + 0xA54FF53A5F1D36F1ULL;
    g.fy = p->fiscal_year;
    g.t = truth;
    g.e = e;
    stats_period_fiscal(g.fy, &truth->year.period, e);
    for (int k = 0; k < 12; k++) {
        struct ymd m = ymd_add_months((struct ymd){ g.fy, 4, 1 }, k);
        stats_period_month(m.y, m.m, &truth->month[k].period, e);
    }
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = gen_checkups(&g);
    /* the chart's 対象人員 of the checkups with a row of their own, month by month */
    for (int k = 0; k < 12; k++) {
        truth->year.chart_taisho[STATS_CHART_4M][k] = truth->month[k].checkup[STATS_4M].taisho;
        truth->year.chart_taisho[STATS_CHART_1Y6M][k] = truth->month[k].checkup[STATS_1Y6M].taisho;
        truth->year.chart_taisho[STATS_CHART_3Y][k] = truth->month[k].checkup[STATS_3Y].taisho;
    }
    if (rc == 0)
        rc = gen_pregnancies(&g, p->pregnancies > 0 ? p->pregnancies
                                                    : truth->year.checkup[STATS_4M].taisho);
    if (rc == 0)
        rc = store_commit(st, e);
    else
        store_rollback(st);
    /* questions not on a form, cells boshi has no data for: marked as in records/stats.c */
    for (int t = 0; t < 13; t++) {
        struct stats_tables *x = t == 12 ? &truth->year : &truth->month[t];
        x->houmon_jitsu[STATS_HOUMON_NINPU] = x->houmon_nobe[STATS_HOUMON_NINPU] = STATS_NA;
        x->band[STATS_BAND_1_2M].taisho = x->band[STATS_BAND_6_8M].taisho = STATS_NA;
        x->band[STATS_BAND_3_5M].taisho = x->checkup[STATS_4M].taisho;
        x->band[STATS_BAND_1Y6M].taisho = x->checkup[STATS_1Y6M].taisho;
        x->band[STATS_BAND_3Y].taisho = x->checkup[STATS_3Y].taisho;
        x->band[STATS_BAND_4_6Y] = (struct stats_band_row){ STATS_NA, STATS_NA, STATS_NA };
        x->band[STATS_BAND_OTHER] = (struct stats_band_row){ STATS_NA, STATS_NA, STATS_NA };
        for (int c = 0; c < STATS_CHECKUP_COUNT; c++) {
            for (int i = 0; i < STATS_IND_COUNT; i++) {
                if (!stats_indicator_asked((enum stats_checkup)c, (enum stats_indicator)i))
                    x->ind[c][i] = (struct stats_ratio){ 0, -1 };
            }
            for (int k = 0; k < STATS_Q_COUNT; k++) {
                struct stats_q_row *r = &x->q[c][k];
                int asked = stats_question_asked((enum stats_checkup)c, (enum stats_question)k);
                for (int i = asked ? stats_question_options((enum stats_question)k) : 0;
                     i < STATS_Q_OPTIONS; i++)
                    r->opt[i] = STATS_NA;
                if (!asked)
                    r->base = r->none = r->answered = STATS_NA;
                if (!asked || !stats_question_has_count((enum stats_question)k))
                    r->count_sum = r->count_n = STATS_NA;
            }
        }
    }
    return rc;
}
