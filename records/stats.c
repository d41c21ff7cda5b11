/*
 * stats.c: counting the cells of the 母子保健 statistics (records/stats.h).
 * Each function below implements one section of reports/README.md; when a
 * rule changes there, it changes here, and the other way round.
 *
 * Only counts leave this file.  Rows are read one by one and folded into
 * counters; no identifier is kept beyond the statement that reads it.
 *
 * Not for: layout (reports/stats.c), lists of persons.
 */
#include "records/records-internal.h"
#include "records/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const checkup_forms[STATS_CHECKUP_COUNT] = {
    "nyuyoji_4m", "nyuyoji_1y6m", "nyuyoji_3y",
};

const char *stats_checkup_form(enum stats_checkup c)
{
    return c < STATS_CHECKUP_COUNT ? checkup_forms[c] : "?";
}

int stats_indicator_asked(enum stats_checkup c, enum stats_indicator i)
{
    if (i == STATS_IND_NINSHIN_KITSUEN || i == STATS_IND_SANGO_CARE)
        return c == STATS_4M;
    return 1;
}

static int days_in(int y, int m)
{
    static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : d[m - 1];
}

int stats_period_month(int year, int month, struct stats_period *out, struct berr *e)
{
    memset(out, 0, sizeof(*out));
    if (year < 2000 || year > 2100 || month < 1 || month > 12)
        return berr_set(e, BERR_INVALID, "集計月が正しくありません (%d-%02d)", year, month);
    out->year = year;
    out->month = month;
    out->from = (struct ymd){ year, month, 1 };
    out->to = (struct ymd){ year, month, days_in(year, month) };
    return 0;
}

int stats_period_fiscal(int fy, struct stats_period *out, struct berr *e)
{
    memset(out, 0, sizeof(*out));
    if (fy < 2000 || fy > 2100)
        return berr_set(e, BERR_INVALID, "年度が正しくありません (%d)", fy);
    out->fiscal_year = fy;
    out->from = (struct ymd){ fy, 4, 1 };
    out->to = (struct ymd){ fy + 1, 3, 31 };
    return 0;
}

/* ---- 妊娠届出者数 ------------------------------------------------------- */

/* A whole number 0..99 written only with ASCII digits, or -1. */
static int weeks_value(const char *s)
{
    int v = 0;

    if (s == NULL || *s == '\0' || strlen(s) > 2)
        return -1;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}

/* The band of one notification (README: 妊娠届出者数). */
static enum stats_weeks_band weeks_band(const char *todoke, const char *weeks, const char *due)
{
    int w = weeks_value(weeks);

    if (due != NULL && *due && strcmp(todoke, due) > 0)
        return STATS_WEEKS_POSTPARTUM;
    if (w < 0 || w > 45)
        return STATS_WEEKS_UNKNOWN;
    if (w <= 11)
        return STATS_WEEKS_LE11;
    if (w <= 19)
        return STATS_WEEKS_12_19;
    if (w <= 27)
        return STATS_WEEKS_20_27;
    return STATS_WEEKS_GE28;
}

static int count_todoke(struct store *st, const char *from, const char *to,
                        struct stats_tables *t, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc, step;

    rc = db_prepare(st, &s, "SELECT todoke_date, CAST(weeks_at_todoke AS TEXT), due_date "
                            "FROM pregnancies WHERE todoke_date BETWEEN ?1 AND ?2", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *w = sqlite3_column_type(s, 1) == SQLITE_NULL ? NULL : db_col(s, 1);
        const char *due = sqlite3_column_type(s, 2) == SQLITE_NULL ? NULL : db_col(s, 2);
        t->todoke[weeks_band(db_col(s, 0), w, due)]++;
        t->todoke_total++;
    }
    if (step != SQLITE_DONE)
        rc = db_fail(st, "妊娠届出の集計", e);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "SELECT count(*) FROM pregnancies "
                            "WHERE todoke_date IS NULL OR todoke_date = ''", e);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        t->todoke_undated = sqlite3_column_int64(s, 0);
    else
        rc = db_fail(st, "妊娠届出の集計", e);
    sqlite3_finalize(s);
    return rc;
}

/* ---- 妊婦一般健康診査 --------------------------------------------------- */

static int count_ninpu(struct store *st, const char *from, const char *to, struct stats_tables *t,
                       struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT count(*), count(DISTINCT mother) FROM vouchers "
                                "WHERE used_date BETWEEN ?1 AND ?2", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        t->ninpu_nobe = sqlite3_column_int64(s, 0);
        t->ninpu_jitsu = sqlite3_column_int64(s, 1);
    } else {
        rc = db_fail(st, "妊婦健康診査の集計", e);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- 対象人員 ------------------------------------------------------------ */

/* 異動事由 that begin a person's residence: 出生, 転入, 職権記載. */
static int begins_residence(const char *code)
{
    return strcmp(code, "01") == 0 || strcmp(code, "02") == 0 || strcmp(code, "06") == 0;
}

struct version {
    int status;
    char code[3];
    char date[11];
};

/*
 * Was the person living in the town on day d?  versions: oldest first.
 * The state on d is the last version whose 異動日 is on or before d; if
 * every version is later than d, the person lived here on d unless the
 * first of them is the 異動 that brought them (出生, 転入, 職権記載).
 */
static int resident_on(const struct version *v, size_t n, const char *d)
{
    const struct version *at = NULL;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].date, d) <= 0)
            at = &v[i];
    }
    if (at != NULL)
        return at->status == RS_RESIDENT;
    return n > 0 && !begins_residence(v[0].code);
}

static void version_from(struct version *v, sqlite3_stmt *s, int col)
{
    v->status = sqlite3_column_int(s, col);
    snprintf(v->code, sizeof(v->code), "%s", db_col(s, col + 1));
    snprintf(v->date, sizeof(v->date), "%s", db_col(s, col + 2));
}

/*
 * 対象人員 of one checkup: for each checkup month M in the period, the
 * children born in month M - age_months who lived in the town on the last
 * day of M.
 */
static int count_taisho(struct store *st, const struct stats_period *p, int age_months,
                        long *out, struct berr *e)
{
    sqlite3_stmt *s = NULL, *h = NULL;
    struct version *v = NULL;
    size_t cap = 0;
    int rc, step;
    struct ymd m = p->from;

    *out = 0;
    rc = db_prepare(st, &s, "SELECT atena, status, idou_code, idou_date FROM residents "
                            "WHERE birth BETWEEN ?1 AND ?2", e);
    if (rc == 0)
        rc = db_prepare(st, &h, "SELECT status, idou_code, idou_date FROM residents_history "
                                "WHERE atena = ?1 ORDER BY id", e);
    for (m.d = 1; rc == 0 && ymd_cmp(m, p->to) <= 0; m = ymd_add_months(m, 1)) {
        struct ymd b = ymd_add_months(m, -age_months);
        struct ymd b_end = { b.y, b.m, days_in(b.y, b.m) };
        struct ymd m_end = { m.y, m.m, days_in(m.y, m.m) };
        char bf[11], bt[11], d[11];

        ymd_iso(b, bf);
        ymd_iso(b_end, bt);
        ymd_iso(m_end, d);
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, bf, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, bt, -1, SQLITE_TRANSIENT);
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            size_t n = 0;
            sqlite3_reset(h);
            sqlite3_bind_text(h, 1, db_col(s, 0), -1, SQLITE_TRANSIENT);
            for (;;) {
                if (n + 1 >= cap) {
                    cap = cap ? cap * 2 : 8;
                    v = xrealloc(v, cap * sizeof(*v));
                }
                if (sqlite3_step(h) != SQLITE_ROW)
                    break;
                version_from(&v[n++], h, 0);
            }
            version_from(&v[n++], s, 1);
            if (resident_on(v, n, d))
                (*out)++;
        }
        if (step != SQLITE_DONE)
            rc = db_fail(st, "対象人員の集計", e);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(h);
    free(v);
    return rc;
}

/* ---- 受診実人員, 総合判定, 精密, 問診 ------------------------------------ */

/*
 * The checkups counted for one form in the period: one per child, the
 * latest by exam_date (then by id) among that child's checkups of the form
 * examined in the period.  A temp table keeps the later queries simple.
 */
static const char counted_sql[] =
    "CREATE TEMP TABLE stats_counted AS "
    "SELECT c.id AS id, c.person AS person, c.result AS result FROM checkups c "
    "WHERE c.form = ?1 AND c.exam_date BETWEEN ?2 AND ?3 "
    "AND c.id = (SELECT c2.id FROM checkups c2 WHERE c2.person = c.person AND c2.form = c.form "
    "            AND c2.exam_date BETWEEN ?2 AND ?3 ORDER BY c2.exam_date DESC, c2.id DESC "
    "            LIMIT 1)";

static const char *const result_values[STATS_RESULT_BLANK] = {
    "ijonashi", "kiiryo", "yokansatsu", "yoseimitsu", "yochiryo",
};
static const char *const seimitsu_values[STATS_SEIMITSU_OTHER] = {
    "ijonashi", "keika", "yochiryo", "chiryochu",
};

static int value_index(const char *v, const char *const *values, int n)
{
    for (int i = 0; v != NULL && i < n; i++) {
        if (strcmp(v, values[i]) == 0)
            return i;
    }
    return -1;
}

/* The answers one checkup carries for the indicators (NULL: blank). */
enum ans_field {
    ANS_SODATENIKUSA, ANS_TAISHO, ANS_YUTTARI, ANS_CHIIKI, ANS_SMOKE_FATHER,
    ANS_SMOKE_MOTHER, ANS_NINSHIN_KITSUEN, ANS_SANGO_CARE, ANS_KOSODATE_KODO, ANS_COUNT
};
static const char *const ans_names[ANS_COUNT] = {
    "sodatenikusa", "sodatenikusa_taisho", "yuttari", "chiiki", "smoke_father",
    "smoke_mother", "ninshin_kitsuen", "sango_care", "kosodate_kodo",
};

/* 1 if the comma list `list` holds one of the values of `any` (",a,b,"). */
static int list_has_any(const char *list, const char *any)
{
    const char *p = list;

    while (*p) {
        const char *q = strchr(p, ',');
        size_t n = q ? (size_t)(q - p) : strlen(p);
        char item[40];
        if (n > 0 && n + 3 <= sizeof(item)) {
            snprintf(item, sizeof(item), ",%.*s,", (int)n, p);
            if (strstr(any, item) != NULL)
                return 1;
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

static int answered(const char *v)
{
    return v != NULL && *v != '\0';
}

static void ratio_add(struct stats_ratio *r, const char *v, const char *yes)
{
    if (!answered(v))
        return;
    r->den++;
    if (list_has_any(v, yes))
        r->num++;
}

/* Folds one checkup's answers into the indicators (README: 問診回答状況). */
static void indicators_add(struct stats_ratio *ind, char *const *a)
{
    ratio_add(&ind[STATS_IND_SODATENIKUSA], a[ANS_SODATENIKUSA], ",itsumo,tokidoki,");
    if (answered(a[ANS_SODATENIKUSA]) && list_has_any(a[ANS_SODATENIKUSA], ",itsumo,tokidoki,"))
        ratio_add(&ind[STATS_IND_TAISHO], a[ANS_TAISHO], ",hai,");
    ratio_add(&ind[STATS_IND_YUTTARI], a[ANS_YUTTARI], ",hai,");
    ratio_add(&ind[STATS_IND_CHIIKI], a[ANS_CHIIKI], ",sou,dochira_sou,");
    ratio_add(&ind[STATS_IND_SMOKE_FATHER], a[ANS_SMOKE_FATHER], ",ari,");
    ratio_add(&ind[STATS_IND_SMOKE_MOTHER], a[ANS_SMOKE_MOTHER], ",ari,");
    ratio_add(&ind[STATS_IND_NINSHIN_KITSUEN], a[ANS_NINSHIN_KITSUEN], ",ari,");
    ratio_add(&ind[STATS_IND_SANGO_CARE], a[ANS_SANGO_CARE], ",hai,");
    ratio_add(&ind[STATS_IND_GYAKUTAI], a[ANS_KOSODATE_KODO], ",shitsuke,tataita,rusuban,shokuji,");
}

static void answers_clear(char **a)
{
    for (int i = 0; i < ANS_COUNT; i++) {
        free(a[i]);
        a[i] = NULL;
    }
}

static int count_answers(struct store *st, struct stats_ratio *ind, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char *a[ANS_COUNT] = { NULL };
    int64_t cur = -1;
    int rc, step;

    rc = db_prepare(st, &s, "SELECT c.id, a.field, a.value FROM stats_counted c "
                            "JOIN answers a ON a.owner = 'checkup' AND a.owner_id = c.id "
                            "ORDER BY c.id", e);
    if (rc < 0)
        return rc;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        if (id != cur) {
            if (cur >= 0)
                indicators_add(ind, a);
            answers_clear(a);
            cur = id;
        }
        int f = value_index(db_col(s, 1), ans_names, ANS_COUNT);
        if (f >= 0 && sqlite3_column_type(s, 2) != SQLITE_NULL) {
            free(a[f]);
            a[f] = xstrdup(db_col(s, 2));
        }
    }
    if (cur >= 0)
        indicators_add(ind, a);
    answers_clear(a);
    if (step != SQLITE_DONE)
        rc = db_fail(st, "問診の集計", e);
    sqlite3_finalize(s);
    return rc;
}

/* Runs a one-row query over stats_counted; NULL counts as 0. */
static int query_long(struct store *st, const char *sql, long *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, sql, e);

    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = db_fail(st, "集計", e);
    sqlite3_finalize(s);
    return rc;
}

static int count_results(struct store *st, struct stats_checkup_row *row, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc, step;

    rc = db_prepare(st, &s, "SELECT result, count(*) FROM stats_counted GROUP BY result", e);
    if (rc < 0)
        return rc;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v = sqlite3_column_type(s, 0) == SQLITE_NULL ? NULL : db_col(s, 0);
        int i = value_index(v, result_values, STATS_RESULT_BLANK);
        long n = sqlite3_column_int64(s, 1);
        row->result[i < 0 ? STATS_RESULT_BLANK : i] += n;
        row->jushin += n;
    }
    if (step != SQLITE_DONE)
        rc = db_fail(st, "総合判定の集計", e);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;

    /* 精密: the latest referral with a result, of each counted checkup */
    rc = db_prepare(st, &s,
                    "SELECT r.result, count(*) FROM stats_counted c JOIN referrals r ON r.id = "
                    "(SELECT r2.id FROM referrals r2 WHERE r2.person = c.person "
                    " AND r2.checkup_id = c.id AND r2.result IS NOT NULL AND r2.result <> '' "
                    " ORDER BY r2.result_date DESC, r2.id DESC LIMIT 1) GROUP BY r.result", e);
    if (rc < 0)
        return rc;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int i = value_index(db_col(s, 0), seimitsu_values, STATS_SEIMITSU_OTHER);
        long n = sqlite3_column_int64(s, 1);
        row->seimitsu[i < 0 ? STATS_SEIMITSU_OTHER : i] += n;
        row->seimitsu_jushin += n;
    }
    if (step != SQLITE_DONE)
        rc = db_fail(st, "精密健康診査の集計", e);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    return query_long(st, "SELECT count(*) FROM stats_counted c WHERE c.result = 'yoseimitsu' "
                          "AND NOT EXISTS (SELECT 1 FROM referrals r WHERE r.person = c.person "
                          "AND r.checkup_id = c.id AND r.result IS NOT NULL AND r.result <> '')",
                      &row->seimitsu_pending, e);
}

static int count_checkup(struct store *st, const struct stats_period *p, enum stats_checkup c,
                         struct stats_tables *t, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char from[11], to[11];
    int age, rc;

    ymd_iso(p->from, from);
    ymd_iso(p->to, to);
    rc = targets_age_months(st, checkup_forms[c], &age, e);
    if (rc == 0)
        rc = count_taisho(st, p, age, &t->checkup[c].taisho, e);
    if (rc == 0)
        rc = db_exec(st, "DROP TABLE IF EXISTS temp.stats_counted", e);
    if (rc == 0)
        rc = db_prepare(st, &s, counted_sql, e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, checkup_forms[c], -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "受診者の集計", e);
    sqlite3_finalize(s);
    if (rc == 0)
        rc = count_results(st, &t->checkup[c], e);
    for (int i = 0; i < STATS_IND_COUNT; i++)
        t->ind[c][i].den = 0;
    if (rc == 0)
        rc = count_answers(st, t->ind[c], e);
    for (int i = 0; i < STATS_IND_COUNT; i++) {
        if (!stats_indicator_asked(c, (enum stats_indicator)i))
            t->ind[c][i] = (struct stats_ratio){ 0, -1 };
    }
    if (rc == 0)
        rc = db_exec(st, "DROP TABLE IF EXISTS temp.stats_counted", e);
    return rc;
}

/*
 * Pages in review that may hold something of the period: a page read
 * before the period began cannot (nothing on it happened later), so those
 * read from its first day (00:00 JST) on.
 */
static int count_pending(struct store *st, const struct stats_period *p, long *out,
                         struct berr *e)
{
    sqlite3_stmt *s = NULL;
    time_t t0 = jpdate_day_start(p->from);
    struct tm tm;
    char since[32];
    int rc;

    gmtime_r(&t0, &tm);
    strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%S", &tm);
    rc = db_prepare(st, &s, "SELECT count(*) FROM pages WHERE status = 'queued' AND read_at >= ?", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, since, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = db_fail(st, "確認待ちのページの集計", e);
    sqlite3_finalize(s);
    return rc;
}

/*
 * Frozen fiscal years (table stats_frozen): a purge (records/purge.c) first
 * freezes every complete fiscal year before its as-of date, so deleting the
 * records of people gone 5 years does not change the figures of years
 * already reported.  A frozen year is stored as its cells in the fixed order
 * of cells_each, and stats_count gives those figures from then on.
 */
typedef void (*cell_fn)(long *cell, void *ctx);

static void cells_each(struct stats_tables *t, cell_fn fn, void *ctx)
{
    for (int i = 0; i < STATS_WEEKS_COUNT; i++)
        fn(&t->todoke[i], ctx);
    fn(&t->todoke_total, ctx);
    fn(&t->todoke_undated, ctx);
    fn(&t->ninpu_jitsu, ctx);
    fn(&t->ninpu_nobe, ctx);
    for (int c = 0; c < STATS_CHECKUP_COUNT; c++) {
        struct stats_checkup_row *r = &t->checkup[c];
        fn(&r->taisho, ctx);
        fn(&r->jushin, ctx);
        for (int i = 0; i < STATS_RESULT_COUNT; i++)
            fn(&r->result[i], ctx);
        fn(&r->seimitsu_jushin, ctx);
        for (int i = 0; i < STATS_SEIMITSU_COUNT; i++)
            fn(&r->seimitsu[i], ctx);
        fn(&r->seimitsu_pending, ctx);
        for (int i = 0; i < STATS_IND_COUNT; i++) {
            fn(&t->ind[c][i].num, ctx);
            fn(&t->ind[c][i].den, ctx);
        }
    }
}

static void cell_put(long *cell, void *ctx)
{
    struct buf *b = ctx;

    buf_addf(b, "%s%ld", b->len ? "," : "", *cell);
}

struct cell_reader {
    const char *p;
    int bad;
};

static void cell_get(long *cell, void *ctx)
{
    struct cell_reader *r = ctx;
    char *end;

    if (r->bad)
        return;
    *cell = strtol(r->p, &end, 10);
    if (end == r->p || (*end != ',' && *end != '\0'))
        r->bad = 1;
    r->p = *end == ',' ? end + 1 : end;
}

static int count_all(struct store *st, const struct stats_period *p, struct stats_tables *out,
                     struct berr *e)
{
    char from[11], to[11];
    int rc;

    ymd_iso(p->from, from);
    ymd_iso(p->to, to);
    rc = count_todoke(st, from, to, out, e);
    if (rc == 0)
        rc = count_ninpu(st, from, to, out, e);
    for (int c = 0; rc == 0 && c < STATS_CHECKUP_COUNT; c++)
        rc = count_checkup(st, p, (enum stats_checkup)c, out, e);
    return rc;
}

/* 1 and out filled when fiscal year fy is frozen, 0 when not, < 0 on error. */
static int frozen_get(struct store *st, int fy, struct stats_tables *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT cells FROM stats_frozen WHERE fiscal_year = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int(s, 1, fy);
    if (sqlite3_step(s) == SQLITE_ROW) {
        struct cell_reader r = { db_col(s, 0), 0 };
        cells_each(out, cell_get, &r);
        rc = r.bad || *r.p != '\0' ? berr_set(e, BERR_FAIL, "%d年度の確定統計が壊れています", fy) : 1;
    }
    sqlite3_finalize(s);
    return rc;
}

int stats_freeze_before(struct store *st, const struct actor *a, struct ymd as_of, int *frozen,
                        struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = 0, first = 0, last = as_of.m >= 4 ? as_of.y - 1 : as_of.y - 2;
    char now[32];

    *frozen = 0;
    rc = db_prepare(st, &s,
        "SELECT min(d) FROM (SELECT min(exam_date) AS d FROM checkups UNION ALL "
        "SELECT min(todoke_date) FROM pregnancies UNION ALL SELECT min(used_date) FROM vouchers) "
        "WHERE d IS NOT NULL AND d <> ''", e);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) != SQLITE_NULL) {
        struct ymd d;
        if (ymd_parse_iso(db_col(s, 0), &d) == 0)
            first = d.m >= 4 ? d.y : d.y - 1;
    }
    sqlite3_finalize(s);
    s = NULL;
    if (first == 0 || first < 2000)
        first = first == 0 ? last + 1 : 2000;
    store_now_iso(now);
    for (int fy = first; rc == 0 && fy <= last; fy++) {
        struct stats_tables t;
        struct stats_period p;
        struct buf b;
        memset(&t, 0, sizeof(t));
        rc = frozen_get(st, fy, &t, e);
        if (rc != 0) {
            rc = rc > 0 ? 0 : rc;
            continue;
        }
        rc = stats_period_fiscal(fy, &p, e);
        if (rc == 0)
            rc = count_all(st, &p, &t, e);
        if (rc < 0)
            break;
        buf_init(&b);
        cells_each(&t, cell_put, &b);
        rc = db_prepare(st, &s, "INSERT INTO stats_frozen(fiscal_year, cells, frozen_by, frozen_at) "
                                "VALUES (?, ?, ?, ?)", e);
        if (rc == 0) {
            sqlite3_bind_int(s, 1, fy);
            sqlite3_bind_text(s, 2, b.s, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 3, a->login, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = db_fail(st, "確定統計の保存", e);
            else
                (*frozen)++;
        }
        sqlite3_finalize(s);
        s = NULL;
        buf_release(&b);
    }
    return rc;
}

int stats_count(struct store *st, const struct actor *a, const struct stats_period *p,
                struct stats_tables *out, struct berr *e)
{
    char from[11], to[11], detail[160];
    int rc = actor_require(a, PERM_REPORTS, e), frozen = 0;

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    out->period = *p;
    out->period.counted_to = (struct ymd){ 0, 0, 0 };
    {
        struct ymd today = store_today(st);
        if (ymd_cmp(today, p->to) < 0 && ymd_cmp(today, p->from) >= 0)
            out->period.counted_to = today;
    }
    ymd_iso(p->from, from);
    ymd_iso(p->to, to);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = count_pending(st, p, &out->pending_pages, e);
    if (rc == 0 && p->fiscal_year) {
        rc = frozen = frozen_get(st, p->fiscal_year, out, e);
        if (rc > 0)
            rc = 0;
    }
    if (rc == 0 && !frozen)
        rc = count_all(st, p, out, e);
    if (rc == 0) {
        if (p->fiscal_year)
            snprintf(detail, sizeof(detail), "母子保健統計 %d年度 (%s〜%s)%s", p->fiscal_year, from, to,
                     frozen ? " 確定値" : "");
        else
            snprintf(detail, sizeof(detail), "母子保健統計 %04d-%02d (%s〜%s)", p->year, p->month,
                     from, to);
        rc = audit_append(st, a, "reports.stats", NULL, detail, e);
    }
    if (rc == 0)
        return store_commit(st, e);
    store_rollback(st);
    return rc;
}
