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
#include "records/audit.h"
#include "records/residents.h"
#include "records/stats.h"
#include "records/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const checkup_forms[STATS_CHECKUP_COUNT] = {
    "nyuyoji_4m", "nyuyoji_1y6m", "nyuyoji_3y",
};

static const char *const chart_forms[STATS_CHART_COUNT] = {
    "nyuyoji_4m", "nyuyoji_10m", "nyuyoji_1y6m", "nyuyoji_3y",
};

const char *stats_chart_form(enum stats_chart c)
{
    return c < STATS_CHART_COUNT ? chart_forms[c] : "?";
}

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
static enum stats_weeks_band weeks_band(const char *todoke, const char *weeks, const char *delivered)
{
    int w = weeks_value(weeks);

    if (delivered != NULL && *delivered && strcmp(todoke, delivered) > 0)
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

    /* the delivery date, where it is known: the child of her 世帯 (続柄 子) born
     * nearest the due date, at most 22 weeks before it or 4 weeks after it
     * (reports/README.md 表1); else the due date */
    rc = db_prepare(st, &s, "SELECT g.todoke_date, CAST(g.weeks_at_todoke AS TEXT), "
                            "coalesce(b.birth, g.due_date) FROM pregnancies g LEFT JOIN ("
                            /* SQLite: the bare column comes from the row of the min() */
                            "  SELECT x.id AS pid, c.birth AS birth, "
                            "    min(abs(julianday(c.birth) - julianday(x.due_date))) "
                            "  FROM pregnancies x JOIN residents m ON m.atena = x.mother "
                            "  JOIN residents c ON c.setai = m.setai AND c.atena <> m.atena "
                            "    AND c.zokugara = '子' "
                            "  WHERE x.todoke_date BETWEEN ?1 AND ?2 AND x.due_date IS NOT NULL "
                            "    AND c.birth BETWEEN date(x.due_date, '-154 days') "
                            "    AND date(x.due_date, '+28 days') "
                            "  GROUP BY x.id) b ON b.pid = g.id "
                            "WHERE g.todoke_date BETWEEN ?1 AND ?2", e);
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
                                "WHERE form = 'ninpu_jushinken' AND used_date BETWEEN ?1 AND ?2", e);

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
    ANS_SMOKE_MOTHER, ANS_NINSHIN_KITSUEN, ANS_SANGO_CARE, ANS_KOSODATE_KODO,
    /* 別紙2 only */
    ANS_SMOKE_FATHER_COUNT, ANS_SMOKE_MOTHER_COUNT, ANS_KITSUEN_COUNT, ANS_INSHU, ANS_KAKARI_I,
    ANS_KAKARI_SHIKA, ANS_IKUJI, ANS_SBS, ANS_COUNT
};
static const char *const ans_names[ANS_COUNT] = {
    "sodatenikusa", "sodatenikusa_taisho", "yuttari", "chiiki", "smoke_father",
    "smoke_mother", "ninshin_kitsuen", "sango_care", "kosodate_kodo",
    "smoke_father_count", "smoke_mother_count", "ninshin_kitsuen_count", "ninshin_inshu",
    "kakaritsuke_i", "kakaritsuke_shika", "chichi_ikuji", "sbs",
};

/*
 * The 別紙2 questions (reports/README.md 表9): the answer field, its
 * option values in table order, the 本数 field (or -1), and the checkups
 * whose 問診票 asks it (bits of enum stats_checkup).
 */
#define AT_4M (1u << STATS_4M)
#define AT_1Y6M (1u << STATS_1Y6M)
#define AT_3Y (1u << STATS_3Y)
#define AT_ALL (AT_4M | AT_1Y6M | AT_3Y)
static const struct {
    enum ans_field field;
    const char *values[STATS_Q_OPTIONS + 1];
    int count;                 /* enum ans_field of the 本数, or -1 */
    unsigned at;
} questions[STATS_Q_COUNT] = {
    [STATS_Q_SANGO_CARE] = { ANS_SANGO_CARE, { "hai", "iie", "dochiratomo" }, -1, AT_4M },
    [STATS_Q_NINSHIN_KITSUEN] = { ANS_NINSHIN_KITSUEN, { "nashi", "ari" }, ANS_KITSUEN_COUNT, AT_4M },
    [STATS_Q_SMOKE_FATHER] = { ANS_SMOKE_FATHER, { "nashi", "ari" }, ANS_SMOKE_FATHER_COUNT, AT_ALL },
    [STATS_Q_SMOKE_MOTHER] = { ANS_SMOKE_MOTHER, { "nashi", "ari" }, ANS_SMOKE_MOTHER_COUNT, AT_ALL },
    [STATS_Q_NINSHIN_INSHU] = { ANS_INSHU, { "nashi", "ari" }, -1, AT_4M },
    [STATS_Q_KAKARI_I] = { ANS_KAKARI_I, { "iru", "inai" }, -1, AT_4M | AT_3Y },
    [STATS_Q_KAKARI_SHIKA] = { ANS_KAKARI_SHIKA, { "iru", "inai" }, -1, AT_3Y },
    [STATS_Q_CHICHI_IKUJI] = { ANS_IKUJI, { "yoku", "tokidoki", "hotondo", "nantomo" }, -1, AT_ALL },
    [STATS_Q_YUTTARI] = { ANS_YUTTARI, { "hai", "iie", "nantomo" }, -1, AT_ALL },
    [STATS_Q_SODATENIKUSA] = { ANS_SODATENIKUSA, { "itsumo", "tokidoki", "kanjinai" }, -1, AT_ALL },
    [STATS_Q_TAISHO] = { ANS_TAISHO, { "hai", "iie" }, -1, AT_ALL },
    [STATS_Q_SBS] = { ANS_SBS, { "hai", "iie" }, -1, AT_4M },
    [STATS_Q_KODO] = { ANS_KOSODATE_KODO, { "shitsuke", "tataita", "rusuban", "shokuji", "donatta",
                                            "kuchi", "yusaburi", "gaitou_nashi" }, -1, AT_ALL },
    [STATS_Q_CHIIKI] = { ANS_CHIIKI, { "sou", "dochira_sou", "dochira_sounai", "sounai" }, -1, AT_ALL },
};

int stats_question_asked(enum stats_checkup c, enum stats_question q)
{
    return c < STATS_CHECKUP_COUNT && q < STATS_Q_COUNT && (questions[q].at & 1u << c) != 0;
}

int stats_question_options(enum stats_question q)
{
    int n = 0;

    while (q < STATS_Q_COUNT && n < STATS_Q_OPTIONS && questions[q].values[n] != NULL)
        n++;
    return n;
}

const char *stats_question_value(enum stats_question q, int i)
{
    return i >= 0 && i < stats_question_options(q) ? questions[q].values[i] : NULL;
}

int stats_question_has_count(enum stats_question q)
{
    return q < STATS_Q_COUNT && questions[q].count >= 0;
}

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
    ratio_add(&ind[STATS_IND_GYAKUTAI], a[ANS_KOSODATE_KODO],
              ",shitsuke,tataita,rusuban,shokuji,donatta,kuchi,yusaburi,");
}

/* A 本数 written in digits only (1..999), or -1. */
static long count_value(const char *v)
{
    long n = 0;

    if (v == NULL || *v == '\0' || strlen(v) > 3)
        return -1;
    for (const char *p = v; *p; p++) {
        if (*p < '0' || *p > '9')
            return -1;
        n = n * 10 + (*p - '0');
    }
    return n > 0 ? n : -1;
}

/*
 * Folds one checkup's answers into the 別紙2 rows (reports/README.md 表9).
 * An answer that is none of the options is not an answer.  The 「解決する
 * 方法」 question counts only among those who feel 育てにくさ.
 */
static void questions_add(struct stats_q_row *q, char *const *a)
{
    int feels = answered(a[ANS_SODATENIKUSA]) &&
                list_has_any(a[ANS_SODATENIKUSA], ",itsumo,tokidoki,");

    for (int k = 0; k < STATS_Q_COUNT; k++) {
        const char *v = a[questions[k].field];
        int any = 0, ari = -1;
        if (k == STATS_Q_TAISHO && !feels)
            continue;
        if (k == STATS_Q_TAISHO)
            q[k].base++;
        if (!answered(v))
            continue;
        for (int i = 0; i < STATS_Q_OPTIONS && questions[k].values[i]; i++) {
            char one[40];
            snprintf(one, sizeof(one), ",%s,", questions[k].values[i]);
            if (list_has_any(v, one)) {
                q[k].opt[i]++;
                any = 1;
                if (strcmp(questions[k].values[i], "ari") == 0)
                    ari = i;
            }
        }
        q[k].answered += any;
        if (ari >= 0 && questions[k].count >= 0) {
            long n = count_value(a[questions[k].count]);
            if (n > 0) {
                q[k].count_sum += n;
                q[k].count_n++;
            }
        }
    }
}

static void answers_clear(char **a)
{
    for (int i = 0; i < ANS_COUNT; i++) {
        free(a[i]);
        a[i] = NULL;
    }
}

static int count_answers(struct store *st, struct stats_ratio *ind, struct stats_q_row *q,
                         struct berr *e)
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
            if (cur >= 0) {
                indicators_add(ind, a);
                questions_add(q, a);
            }
            answers_clear(a);
            cur = id;
        }
        int f = value_index(db_col(s, 1), ans_names, ANS_COUNT);
        if (f >= 0 && sqlite3_column_type(s, 2) != SQLITE_NULL) {
            free(a[f]);
            a[f] = xstrdup(db_col(s, 2));
        }
    }
    if (cur >= 0) {
        indicators_add(ind, a);
        questions_add(q, a);
    }
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

/*
 * 表3's row of one form: 対象人員, then the counted checkups (left in
 * temp.stats_counted for the caller) and their 総合判定 and 精密.
 */
static int count_checkup_row(struct store *st, const struct stats_period *p, const char *form,
                             struct stats_checkup_row *row, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char from[11], to[11];
    int age, rc;

    ymd_iso(p->from, from);
    ymd_iso(p->to, to);
    rc = targets_age_months(st, form, &age, e);
    if (rc == 0)
        rc = count_taisho(st, p, age, &row->taisho, e);
    if (rc == 0)
        rc = db_exec(st, "DROP TABLE IF EXISTS temp.stats_counted", e);
    if (rc == 0)
        rc = db_prepare(st, &s, counted_sql, e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, form, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "受診者の集計", e);
    sqlite3_finalize(s);
    if (rc == 0)
        rc = count_results(st, row, e);
    return rc;
}

/* 表3 (9〜10か月): the row alone; its 問診 is not counted (not in 表4 or 別紙2). */
static int count_checkup_10m(struct store *st, const struct stats_period *p, struct stats_tables *t,
                             struct berr *e)
{
    int rc;

    memset(&t->checkup_10m, 0, sizeof(t->checkup_10m));
    rc = count_checkup_row(st, p, "nyuyoji_10m", &t->checkup_10m, e);
    /* its 健診票 has no 既医療 choice: that cell is no data, not 0 (a value
     * typed in review would still be counted) */
    if (rc == 0 && t->checkup_10m.result[STATS_RESULT_KIIRYO] == 0)
        t->checkup_10m.result[STATS_RESULT_KIIRYO] = STATS_NA;
    if (rc == 0)
        rc = db_exec(st, "DROP TABLE IF EXISTS temp.stats_counted", e);
    return rc;
}

static int count_checkup(struct store *st, const struct stats_period *p, enum stats_checkup c,
                         struct stats_tables *t, struct berr *e)
{
    int rc = count_checkup_row(st, p, checkup_forms[c], &t->checkup[c], e);

    for (int i = 0; i < STATS_IND_COUNT; i++)
        t->ind[c][i].den = 0;
    memset(t->q[c], 0, sizeof(t->q[c]));
    if (rc == 0)
        rc = count_answers(st, t->ind[c], t->q[c], e);
    for (int i = 0; i < STATS_IND_COUNT; i++) {
        if (!stats_indicator_asked(c, (enum stats_indicator)i))
            t->ind[c][i] = (struct stats_ratio){ 0, -1 };
    }
    for (int k = 0; k < STATS_Q_COUNT; k++) {
        struct stats_q_row *r = &t->q[c][k];
        if (!stats_question_asked(c, (enum stats_question)k)) {
            r->base = r->none = r->answered = r->count_sum = r->count_n = STATS_NA;
            for (int i = 0; i < STATS_Q_OPTIONS; i++)
                r->opt[i] = STATS_NA;
            continue;
        }
        /* asked of every counted checkup (受診実人員), whether its 問診票 came back or not */
        if (k != STATS_Q_TAISHO)
            r->base = t->checkup[c].jushin;
        r->none = r->base - r->answered;
        if (!stats_question_has_count((enum stats_question)k))
            r->count_sum = r->count_n = STATS_NA;
        for (int i = stats_question_options((enum stats_question)k); i < STATS_Q_OPTIONS; i++)
            r->opt[i] = STATS_NA;
    }
    if (rc == 0)
        rc = db_exec(st, "DROP TABLE IF EXISTS temp.stats_counted", e);
    return rc;
}

/* ---- the child's birth and age ------------------------------------------- */

/* SQL of a person's birth date (ISO) from the master or the 住登外 list; ?X is the person. */
#define BIRTH_OF(col) "COALESCE((SELECT r.birth FROM residents r WHERE r.atena = " col "), " \
                      "(SELECT u.birth FROM persons_unregistered u WHERE u.id = " col "))"

/* Complete months from birth b to day d (the day before the monthly birthday counts short). */
static int age_months(struct ymd b, struct ymd d)
{
    int m = (d.y - b.y) * 12 + (d.m - b.m);

    if (d.d < b.d && d.d < days_in(d.y, d.m))
        m--;
    return m;
}

/* 1 if the comma list has item (exactly). */
static int list_has(const char *list, const char *item)
{
    char any[48];

    if (list == NULL)
        return 0;
    snprintf(any, sizeof(any), ",%s,", item);
    return list_has_any(list, any);
}

/* ---- 訪問指導 ------------------------------------------------------------ */

/* The child's target of one visit (README: 訪問指導), or -1 (no child target / birth unknown). */
static int houmon_child(const char *subjects, const char *birth, const char *visit, int *no_birth)
{
    struct ymd b, d;
    long days;

    *no_birth = 0;
    if (list_has(subjects, "mijukuji"))
        return STATS_HOUMON_MIJUKUJI;
    if (!list_has(subjects, "shinseiji"))
        return -1;
    if (birth == NULL || ymd_parse_iso(birth, &b) < 0 || ymd_parse_iso(visit, &d) < 0) {
        *no_birth = 1;
        return -1;
    }
    days = ymd_to_days(d) - ymd_to_days(b);
    if (days < 28)
        return STATS_HOUMON_SHINSEIJI;
    if (ymd_age_years(b, d) < 1)
        return STATS_HOUMON_NYUJI;
    return STATS_HOUMON_YOJI;
}

static int count_houmon(struct store *st, const char *from, const char *to, struct stats_tables *t,
                        struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char cur[64] = "";
    unsigned seen = 0;
    int rc, step;

    for (int i = 0; i < STATS_HOUMON_COUNT; i++)
        t->houmon_jitsu[i] = t->houmon_nobe[i] = 0;
    t->houmon_jitsu[STATS_HOUMON_NINPU] = t->houmon_nobe[STATS_HOUMON_NINPU] = STATS_NA;
    rc = db_prepare(st, &s, "SELECT v.person, v.visit_date, v.subjects, " BIRTH_OF("v.person")
                            " FROM visits v WHERE v.visit_date BETWEEN ?1 AND ?2 "
                            "ORDER BY v.person", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *subj = sqlite3_column_type(s, 2) == SQLITE_NULL ? "" : db_col(s, 2);
        const char *birth = sqlite3_column_type(s, 3) == SQLITE_NULL ? NULL : db_col(s, 3);
        int no_birth, k;
        if (strcmp(cur, db_col(s, 0)) != 0) {
            snprintf(cur, sizeof(cur), "%s", db_col(s, 0));
            seen = 0;
        }
        if (list_has(subj, "sanpu")) {
            t->houmon_nobe[STATS_HOUMON_SANPU]++;
            if (!(seen & 1u << STATS_HOUMON_SANPU))
                t->houmon_jitsu[STATS_HOUMON_SANPU]++;
            seen |= 1u << STATS_HOUMON_SANPU;
        }
        k = houmon_child(subj, birth, db_col(s, 1), &no_birth);
        t->houmon_no_birth += no_birth;
        if (k >= 0) {
            t->houmon_nobe[k]++;
            if (!(seen & 1u << k))
                t->houmon_jitsu[k]++;
            seen |= 1u << k;
        }
    }
    if (step != SQLITE_DONE)
        rc = db_fail(st, "訪問指導の集計", e);
    sqlite3_finalize(s);
    return rc;
}

/* ---- 乳幼児健康診査 by age band -------------------------------------------- */

/* The band of an infant checkup at m complete months, or -1. */
static int infant_band(int m)
{
    if (m >= 1 && m <= 2)
        return STATS_BAND_1_2M;
    if (m >= 3 && m <= 5)
        return STATS_BAND_3_5M;
    if (m >= 6 && m <= 8)
        return STATS_BAND_6_8M;
    if (m >= 9 && m <= 12)
        return STATS_BAND_9_12M;
    return -1;
}

static int count_bands(struct store *st, const struct stats_period *p, const char *from,
                       const char *to, struct stats_tables *t, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char cur[64] = "";
    unsigned seen = 0;
    int rc, step, age10 = 10;
    long taisho10 = 0;

    for (int b = 0; b < STATS_BAND_COUNT; b++)
        t->band[b] = (struct stats_band_row){ STATS_NA, 0, 0 };
    rc = targets_age_months(st, "nyuyoji_10m", &age10, e);
    if (rc == 0)
        rc = count_taisho(st, p, age10, &taisho10, e);
    if (rc < 0)
        return rc;
    /* 対象人員: the band of the checkup's age setting (README) */
    {
        const struct { int band; long n; } tz[] = {
            { -2, t->checkup[STATS_4M].taisho }, { infant_band(age10), taisho10 },
            { STATS_BAND_1Y6M, t->checkup[STATS_1Y6M].taisho },
            { STATS_BAND_3Y, t->checkup[STATS_3Y].taisho },
        };
        int age4 = 4;
        rc = targets_age_months(st, "nyuyoji_4m", &age4, e);
        if (rc < 0)
            return rc;
        for (size_t i = 0; i < sizeof(tz) / sizeof(tz[0]); i++) {
            int b = tz[i].band == -2 ? infant_band(age4) : tz[i].band;
            if (b < 0)
                continue;
            t->band[b].taisho = (t->band[b].taisho == STATS_NA ? 0 : t->band[b].taisho) + tz[i].n;
        }
    }
    rc = db_prepare(st, &s, "SELECT c.person, c.form, c.exam_date, " BIRTH_OF("c.person")
                            " FROM checkups c WHERE c.exam_date BETWEEN ?1 AND ?2 AND c.form IN "
                            "('nyuyoji_4m', 'nyuyoji_10m', 'nyuyoji_1y6m', 'nyuyoji_3y') "
                            "ORDER BY c.person", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *form = db_col(s, 1);
        int b = -1;
        if (strcmp(cur, db_col(s, 0)) != 0) {
            snprintf(cur, sizeof(cur), "%s", db_col(s, 0));
            seen = 0;
        }
        if (strcmp(form, "nyuyoji_1y6m") == 0) {
            b = STATS_BAND_1Y6M;
        } else if (strcmp(form, "nyuyoji_3y") == 0) {
            b = STATS_BAND_3Y;
        } else {
            struct ymd bd, d;
            if (sqlite3_column_type(s, 3) != SQLITE_NULL && ymd_parse_iso(db_col(s, 3), &bd) == 0 &&
                ymd_parse_iso(db_col(s, 2), &d) == 0)
                b = infant_band(age_months(bd, d));
        }
        if (b < 0) {
            t->band_outside++;
            continue;
        }
        t->band[b].nobe++;
        if (!(seen & 1u << b))
            t->band[b].jitsu++;
        seen |= 1u << b;
    }
    /* boshi has no checkup form for 4〜6歳 or any other age: no data, not 0 */
    t->band[STATS_BAND_4_6Y] = (struct stats_band_row){ STATS_NA, STATS_NA, STATS_NA };
    t->band[STATS_BAND_OTHER] = (struct stats_band_row){ STATS_NA, STATS_NA, STATS_NA };
    if (step != SQLITE_DONE)
        rc = db_fail(st, "年齢区分別の健診の集計", e);
    sqlite3_finalize(s);
    return rc;
}

/* ---- 歯科健康診査 ---------------------------------------------------------- */

static const char *const caries_types[STATS_DENTAL_COUNT][STATS_CARIES_TYPES] = {
    { "o1", "o2", "a", "b", "c" },
    { "o", "a", "b", "c1", "c2" },
};

static int count_dental(struct store *st, const char *from, const char *to, struct stats_tables *t,
                        struct berr *e)
{
    static const char *const forms[STATS_DENTAL_COUNT] = { "nyuyoji_1y6m", "nyuyoji_3y" };
    sqlite3_stmt *s = NULL;
    int rc = 0, step;

    for (int f = 0; rc == 0 && f < STATS_DENTAL_COUNT; f++) {
        struct stats_dental_row *r = &t->dental[f];
        memset(r, 0, sizeof(*r));
        rc = db_prepare(st, &s,
            "SELECT d.caries, d.caries_type, d.soft_tissue, d.occlusion, d.fluoride, d.guidance "
            "FROM dental d WHERE d.form = ?1 AND d.exam_date BETWEEN ?2 AND ?3 AND d.id = "
            "(SELECT d2.id FROM dental d2 WHERE d2.person = d.person AND d2.form = d.form "
            " AND d2.exam_date BETWEEN ?2 AND ?3 ORDER BY d2.exam_date DESC, d2.id DESC LIMIT 1)", e);
        if (rc < 0)
            return rc;
        sqlite3_bind_text(s, 1, forms[f], -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            long n = sqlite3_column_type(s, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 0);
            int k = value_index(db_col(s, 1), caries_types[f], STATS_CARIES_TYPES);
            r->jushin++;
            if (n > 0) {
                r->caries_persons++;
                r->caries_teeth += n;
            }
            if (k >= 0)
                r->type[k]++;
            r->soft_tissue += strcmp(db_col(s, 2), "ari") == 0;
            r->occlusion += strcmp(db_col(s, 3), "ari") == 0;
            r->fluoride += strcmp(db_col(s, 4), "shita") == 0;
            r->guidance += strcmp(db_col(s, 5), "ari") == 0;
        }
        if (step != SQLITE_DONE)
            rc = db_fail(st, "歯科健診の集計", e);
        sqlite3_finalize(s);
        s = NULL;
    }
    return rc;
}

/* ---- 産婦健康診査, 新生児聴覚検査, 低体重児 ----------------------------------- */

static int count_vouchers_more(struct store *st, const char *from, const char *to,
                               struct stats_tables *t, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s,
        "SELECT (SELECT count(*) FROM vouchers WHERE form = 'sanpu_jushinken' "
        "        AND used_date BETWEEN ?1 AND ?2), "
        " (SELECT count(DISTINCT mother) FROM vouchers WHERE form = 'sanpu_jushinken' "
        "        AND used_date BETWEEN ?1 AND ?2), "
        " (SELECT count(DISTINCT mother) FROM vouchers WHERE form = 'choukaku_jushinken' "
        "        AND used_date BETWEEN ?1 AND ?2 AND COALESCE(hearing_kind, '') <> 'kakunin'), "
        " (SELECT count(DISTINCT mother) FROM vouchers WHERE form = 'choukaku_jushinken' "
        "        AND used_date BETWEEN ?1 AND ?2 AND COALESCE(hearing_kind, '') <> 'kakunin' "
        "        AND (hearing_right = 'refer' OR hearing_left = 'refer')), "
        " (SELECT count(DISTINCT mother) FROM vouchers WHERE form = 'choukaku_jushinken' "
        "        AND used_date BETWEEN ?1 AND ?2 AND hearing_kind = 'kakunin'), "
        " (SELECT count(*) FROM (SELECT c.person, min(CAST(a.value AS INTEGER)) AS g "
        "   FROM answers a JOIN checkups c ON a.owner = 'checkup' AND a.owner_id = c.id "
        "   WHERE a.field = 'birth_weight_g' AND a.value GLOB '[0-9]*' AND a.value NOT GLOB '*[^0-9]*' "
        "   AND " BIRTH_OF("c.person") " BETWEEN ?1 AND ?2 GROUP BY c.person)), "
        " (SELECT count(*) FROM (SELECT c.person, min(CAST(a.value AS INTEGER)) AS g "
        "   FROM answers a JOIN checkups c ON a.owner = 'checkup' AND a.owner_id = c.id "
        "   WHERE a.field = 'birth_weight_g' AND a.value GLOB '[0-9]*' AND a.value NOT GLOB '*[^0-9]*' "
        "   AND " BIRTH_OF("c.person") " BETWEEN ?1 AND ?2 GROUP BY c.person) WHERE g < 2500)", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, to, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        t->sanpu_nobe = sqlite3_column_int64(s, 0);
        t->sanpu_jitsu = sqlite3_column_int64(s, 1);
        t->choukaku_jukensha = sqlite3_column_int64(s, 2);
        t->choukaku_refer = sqlite3_column_int64(s, 3);
        t->choukaku_kakunin = sqlite3_column_int64(s, 4);
        t->birth_weight_known = sqlite3_column_int64(s, 5);
        t->low_weight = sqlite3_column_int64(s, 6);
    } else {
        rc = db_fail(st, "産婦健康診査・聴覚検査の集計", e);
    }
    sqlite3_finalize(s);
    return rc;
}

/* ---- 受診率 by month (the chart) ------------------------------------------ */

static int count_chart(struct store *st, const struct stats_period *p, struct stats_tables *t,
                       struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = 0;

    if (!p->fiscal_year)
        return 0;
    for (int c = 0; rc == 0 && c < STATS_CHART_COUNT; c++) {
        int age = 0;
        rc = targets_age_months(st, chart_forms[c], &age, e);
        for (int k = 0; rc == 0 && k < 12; k++) {
            struct stats_period m;
            char from[11], to[11];
            rc = stats_period_month(k < 9 ? p->fiscal_year : p->fiscal_year + 1, (k + 3) % 12 + 1,
                                    &m, e);
            if (rc == 0)
                rc = count_taisho(st, &m, age, &t->chart_taisho[c][k], e);
            if (rc == 0)
                rc = db_prepare(st, &s, "SELECT count(DISTINCT person) FROM checkups WHERE form = ?1 "
                                        "AND exam_date BETWEEN ?2 AND ?3", e);
            if (rc < 0)
                break;
            ymd_iso(m.from, from);
            ymd_iso(m.to, to);
            sqlite3_bind_text(s, 1, chart_forms[c], -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, from, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(s, 3, to, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(s) == SQLITE_ROW)
                t->chart_jushin[c][k] = sqlite3_column_int64(s, 0);
            else
                rc = db_fail(st, "月別受診率の集計", e);
            sqlite3_finalize(s);
            s = NULL;
        }
    }
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

/* The cells frozen before issue 14 (a row of only these reads the later ones as STATS_NA). */
static void cells_v1(struct stats_tables *t, cell_fn fn, void *ctx)
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

/* The cells added by issue 14, after the first ones in the frozen row. */
static void cells_v2(struct stats_tables *t, cell_fn fn, void *ctx)
{
    for (int i = 0; i < STATS_HOUMON_COUNT; i++) {
        fn(&t->houmon_jitsu[i], ctx);
        fn(&t->houmon_nobe[i], ctx);
    }
    fn(&t->houmon_no_birth, ctx);
    for (int b = 0; b < STATS_BAND_COUNT; b++) {
        fn(&t->band[b].taisho, ctx);
        fn(&t->band[b].jitsu, ctx);
        fn(&t->band[b].nobe, ctx);
    }
    fn(&t->band_outside, ctx);
    for (int d = 0; d < STATS_DENTAL_COUNT; d++) {
        struct stats_dental_row *r = &t->dental[d];
        fn(&r->jushin, ctx);
        fn(&r->caries_persons, ctx);
        for (int i = 0; i < STATS_CARIES_TYPES; i++)
            fn(&r->type[i], ctx);
        fn(&r->caries_teeth, ctx);
        fn(&r->fluoride, ctx);
        fn(&r->guidance, ctx);
        fn(&r->soft_tissue, ctx);
        fn(&r->occlusion, ctx);
    }
    fn(&t->sanpu_jitsu, ctx);
    fn(&t->sanpu_nobe, ctx);
    fn(&t->low_weight, ctx);
    fn(&t->birth_weight_known, ctx);
    fn(&t->choukaku_jukensha, ctx);
    fn(&t->choukaku_refer, ctx);
    fn(&t->choukaku_kakunin, ctx);
    for (int c = 0; c < STATS_CHART_COUNT; c++) {
        for (int k = 0; k < 12; k++) {
            fn(&t->chart_taisho[c][k], ctx);
            fn(&t->chart_jushin[c][k], ctx);
        }
    }
}

/* The 別紙2 cells (問診回答状況 by option) and 表3's 9〜10か月 row, after those of issue 14. */
static void cells_v3(struct stats_tables *t, cell_fn fn, void *ctx)
{
    struct stats_checkup_row *r10 = &t->checkup_10m;

    fn(&r10->taisho, ctx);
    fn(&r10->jushin, ctx);
    for (int i = 0; i < STATS_RESULT_COUNT; i++)
        fn(&r10->result[i], ctx);
    fn(&r10->seimitsu_jushin, ctx);
    for (int i = 0; i < STATS_SEIMITSU_COUNT; i++)
        fn(&r10->seimitsu[i], ctx);
    fn(&r10->seimitsu_pending, ctx);
    for (int c = 0; c < STATS_CHECKUP_COUNT; c++) {
        for (int k = 0; k < STATS_Q_COUNT; k++) {
            struct stats_q_row *r = &t->q[c][k];
            fn(&r->base, ctx);
            for (int i = 0; i < STATS_Q_OPTIONS; i++)
                fn(&r->opt[i], ctx);
            fn(&r->none, ctx);
            fn(&r->answered, ctx);
            fn(&r->count_sum, ctx);
            fn(&r->count_n, ctx);
        }
    }
}

static void cells_each(struct stats_tables *t, cell_fn fn, void *ctx)
{
    cells_v1(t, fn, ctx);
    cells_v2(t, fn, ctx);
    cells_v3(t, fn, ctx);
}

static void cell_put(long *cell, void *ctx)
{
    struct buf *b = ctx;

    buf_addf(b, "%s%ld", b->len ? "," : "", *cell);
}

struct cell_reader {
    const char *p;
    int bad;
    long n, v1;     /* cells read; how many cells_v1 has */
};

static void cell_tally(long *cell, void *ctx)
{
    (void)cell;
    (*(long *)ctx)++;
}

static void cell_get(long *cell, void *ctx)
{
    struct cell_reader *r = ctx;
    char *end;

    if (r->bad)
        return;
    if (*r->p == '\0' && r->n >= r->v1) {
        *cell = STATS_NA;   /* frozen before this cell existed */
        return;
    }
    r->n++;
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
    if (rc == 0)
        rc = count_checkup_10m(st, p, out, e);
    if (rc == 0)
        rc = count_houmon(st, from, to, out, e);
    if (rc == 0)
        rc = count_bands(st, p, from, to, out, e);
    if (rc == 0)
        rc = count_dental(st, from, to, out, e);
    if (rc == 0)
        rc = count_vouchers_more(st, from, to, out, e);
    if (rc == 0)
        rc = count_chart(st, p, out, e);
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
        struct cell_reader r = { db_col(s, 0), 0, 0, 0 };
        cells_v1(out, cell_tally, &r.v1);
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
        "SELECT min(todoke_date) FROM pregnancies UNION ALL SELECT min(used_date) FROM vouchers "
        "UNION ALL SELECT min(visit_date) FROM visits UNION ALL SELECT min(exam_date) FROM dental) "
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
