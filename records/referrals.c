/*
 * referrals.c: referrals for a detailed examination (精密検査) and the
 * children to remind (受診勧奨) - who they are, and the referral's life:
 *
 *   checkup result 'yoseimitsu'  --referral_create-->  issued (valid_until)
 *   issued  --slip lands: record_set(referrals.result)-->  closed
 *           (trigger referrals_close, migration 4, sets closed_at)
 *   issued and valid_until < today, no result  ==  overdue (referrals_list)
 *
 * Not for: printing (reports/referral.c, reports/reminder.c) or the landing
 * of the scanned slip (records/landing.c, intake/land.c).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/referrals.h"
#include "records/residents.h"
#include "records/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESIDENT_COLS(p) p "atena, " p "setai, " p "name, " p "kana, " p "sex, " p "birth, " \
    p "zokugara, " p "status, " p "postal, " p "address, " p "katagaki, " p "idou_code, " \
    p "idou_date, " p "todoke_date, " p "mynumber_enc"

int household_guardian(struct store *st, const struct resident *child, struct ymd on,
                       struct resident *guardian, struct berr *e)
{
    static const char *const order[] = { "世帯主", "妻", "夫" };
    sqlite3_stmt *g = NULL;
    int best = 3, rc;

    memset(guardian, 0, sizeof(*guardian));
    rc = db_prepare(st, &g, "SELECT " RESIDENT_COLS("") ", shien FROM residents WHERE setai = ? AND "
                            "atena <> ? AND status = 1 AND zokugara IN ('世帯主', '妻', '夫') "
                            "ORDER BY atena", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(g, 1, child->setai, -1, SQLITE_STATIC);
    sqlite3_bind_text(g, 2, child->atena, -1, SQLITE_STATIC);
    while (sqlite3_step(g) == SQLITE_ROW) {
        const char *z = db_col(g, 6);
        struct ymd b;
        int rank = 3;
        for (int i = 0; i < 3; i++)
            if (strcmp(z, order[i]) == 0)
                rank = i;
        if (rank >= best || ymd_parse_iso(db_col(g, 5), &b) < 0 || ymd_age_years(b, on) < 18)
            continue;
        resident_release(guardian);
        residents_fill_row(st, g, guardian);
        best = rank;
    }
    sqlite3_finalize(g);
    return best < 3 ? 1 : 0;
}

/* ---- referrals ------------------------------------------------------------ */

void referrals_due_free(struct referral_due *d, size_t n)
{
    for (size_t i = 0; d != NULL && i < n; i++) {
        resident_release(&d[i].t.child);
        resident_release(&d[i].t.guardian);
        free(d[i].targets);
        free(d[i].findings);
    }
    free(d);
}

int referral_valid_months(struct store *st, int *months, struct berr *e)
{
    char *v = NULL, *end;
    long m;
    int rc = settings_get(st, "referral.valid_months", &v, e);

    if (rc < 0)
        return rc;
    m = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || m < 1 || m > 24)
        rc = berr_set(e, BERR_INVALID, "設定 referral.valid_months は 1〜24 の月数です「%s」", v);
    else
        *months = (int)m;
    free(v);
    return rc;
}

int referrals_due(struct store *st, const struct actor *a, int year, int month,
                  struct referral_due **out, size_t *nout, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct referral_due *d = NULL;
    size_t n = 0, alloc = 0;
    char lo[11] = "", hi[11] = "", detail[128];
    struct ymd today = store_today(st);
    int rc, txn = 0;

    *out = NULL;
    *nout = 0;
    rc = actor_require(a, PERM_RECORDS_READ, e);
    if (rc < 0)
        return rc;
    if (year != 0) {
        struct ymd first = { year, month, 1 };
        ymd_iso(first, lo);
        ymd_iso(ymd_add_months(first, 1), hi);
    }
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = db_prepare(st, &s, "SELECT " RESIDENT_COLS("r.") ", c.id, c.form, "
                            "coalesce(c.exam_date, ''), coalesce(c.referral_targets, ''), "
                            "coalesce(c.findings, ''), r.shien FROM checkups c JOIN residents r ON "
                            "r.atena = c.person WHERE c.result = 'yoseimitsu' AND NOT EXISTS "
                            "(SELECT 1 FROM referrals f WHERE f.checkup_id = c.id) AND "
                            "(?1 = '' OR (c.exam_date >= ?1 AND c.exam_date < ?2)) "
                            "ORDER BY c.exam_date, c.id", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 32;
            d = xrealloc(d, alloc * sizeof(*d));
        }
        struct referral_due *x = &d[n++];
        struct resident *c = &x->t.child;
        memset(x, 0, sizeof(*x));
        residents_fill_row(st, s, c);
        x->checkup_id = sqlite3_column_int64(s, 15);
        snprintf(x->form, sizeof(x->form), "%s", db_col(s, 16));
        if (ymd_parse_iso(db_col(s, 17), &x->exam_date) < 0)
            x->exam_date.y = 0;
        x->targets = xstrdup(db_col(s, 18));
        x->findings = xstrdup(db_col(s, 19));
        char *town = address_town(c->address);
        snprintf(x->t.town, sizeof(x->t.town), "%s", town);
        free(town);
        rc = household_guardian(st, c, today, &x->t.guardian, e);
        if (rc < 0)
            goto cleanup;
        x->t.has_guardian = rc;
        rc = 0;
        snprintf(detail, sizeof(detail), "精密検査依頼の対象 (健診 %lld %s)",
                 (long long)x->checkup_id, x->form);
        rc = audit_append(st, a, "referrals.due", c->atena, detail, e);
        if (rc < 0)
            goto cleanup;
    }
    txn = 0;
    rc = store_commit(st, e);
cleanup:
    if (txn)
        store_rollback(st);
    sqlite3_finalize(s);
    if (rc < 0) {
        referrals_due_free(d, n);
        return rc;
    }
    *out = d;
    *nout = n;
    return 0;
}

int referral_create(struct store *st, const struct actor *a, int64_t checkup_id,
                    const char *person, const char *targets, const char *hospital_code,
                    struct ymd valid_until, int64_t *id, char referral_no[16], struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32], until[11], detail[128];
    int rc = actor_require(a, PERM_RECORDS_READ, e);

    if (rc == 0)
        rc = actor_require(a, PERM_FORMS_PRINT, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "INSERT INTO referrals(checkup_id, person, targets, hospital_code, "
                            "valid_until, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", e);
    if (rc < 0)
        return rc;
    store_now_iso(now);
    ymd_iso(valid_until, until);
    sqlite3_bind_int64(s, 1, checkup_id);
    sqlite3_bind_text(s, 2, person, -1, SQLITE_STATIC);
    db_bind_text(s, 3, targets);
    db_bind_text(s, 4, hospital_code);
    sqlite3_bind_text(s, 5, until, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE)
            rc = berr_set(e, BERR_CONFLICT, "健診 %lld の精密検査依頼は作成済みです",
                          (long long)checkup_id);
        else
            rc = db_fail(st, "精密検査依頼の作成", e);
        sqlite3_finalize(s);
        return rc;
    }
    sqlite3_finalize(s);
    *id = sqlite3_last_insert_rowid(st->db);
    snprintf(referral_no, 16, "R%06lld", (long long)(*id % 1000000));
    rc = db_prepare(st, &s, "UPDATE referrals SET referral_no = ? WHERE id = ?", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, referral_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, *id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "精密検査依頼の作成", e);
    sqlite3_finalize(s);
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "精密検査依頼 %s を作成 (健診 %lld, 有効期限 %s)",
                 referral_no, (long long)checkup_id, until);
        rc = audit_append(st, a, "referrals.issue", person, detail, e);
    }
    return rc;
}

int referral_set_issues(struct store *st, int64_t id, const char *slip_issue_id,
                        const char *letter_issue_id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "UPDATE referrals SET issue_id = ?, letter_issue_id = ? WHERE id = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, slip_issue_id, -1, SQLITE_STATIC);
    db_bind_text(s, 2, letter_issue_id);
    sqlite3_bind_int64(s, 3, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "精密検査依頼の更新", e);
    else if (sqlite3_changes(st->db) != 1)
        rc = berr_set(e, BERR_NOTFOUND, "精密検査依頼 %lld はありません", (long long)id);
    sqlite3_finalize(s);
    return rc;
}

int referrals_list(struct store *st, const struct actor *a, enum referral_filter f, struct ymd on,
                   referral_fn fn, void *ctx, struct berr *e)
{
    static const char *const where[] = {
        "1",
        "f.result IS NULL AND f.closed_at IS NULL",
        "f.result IS NULL AND f.closed_at IS NULL AND f.valid_until < ?1",
    };
    sqlite3_stmt *s = NULL;
    struct buf sql;
    char today[11], detail[96];
    int rc = actor_require(a, PERM_RECORDS_READ, e), txn = 0;

    if (rc < 0)
        return rc;
    if (on.y == 0)
        on = store_today(st);
    ymd_iso(on, today);
    buf_init(&sql);
    buf_addf(&sql, "SELECT f.id, f.checkup_id, coalesce(f.referral_no, ''), f.person, "
                   "coalesce(r.name, ''), coalesce(r.kana, ''), coalesce(r.birth, ''), "
                   "coalesce(c.form, ''), coalesce(c.exam_date, ''), coalesce(f.targets, ''), "
                   "coalesce(f.hospital_code, ''), coalesce(h.name, ''), coalesce(f.issue_id, ''), "
                   "coalesce(f.valid_until, ''), coalesce(f.result, ''), coalesce(f.result_date, ''), "
                   "f.created_at, coalesce(f.closed_at, ''), coalesce(r.status, 0), "
                   "coalesce(r.postal, ''), coalesce(r.address, ''), coalesce(r.katagaki, ''), "
                   "coalesce(r.setai, ''), "
                   "CAST(julianday(?1) - julianday(f.valid_until) AS INTEGER), "
                   "coalesce(r.shien, 0) "
                   "FROM referrals f LEFT JOIN residents r ON r.atena = f.person "
                   "LEFT JOIN checkups c ON c.id = f.checkup_id "
                   "LEFT JOIN hospitals h ON h.code = f.hospital_code "
                   "WHERE %s ORDER BY f.valid_until, f.id", where[f]);
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    txn = 1;
    rc = db_prepare(st, &s, sql.s, e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, today, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct referral_row r;
        struct resident child, g;
        int has_g = 0;
        memset(&r, 0, sizeof(r));
        memset(&child, 0, sizeof(child));
        r.id = sqlite3_column_int64(s, 0);
        r.checkup_id = sqlite3_column_int64(s, 1);
        r.referral_no = db_col(s, 2);
        r.person = db_col(s, 3);
        r.name = db_col(s, 4);
        r.kana = db_col(s, 5);
        r.birth = db_col(s, 6);
        r.form = db_col(s, 7);
        r.exam_date = db_col(s, 8);
        r.targets = db_col(s, 9);
        r.hospital_code = db_col(s, 10);
        r.hospital_name = db_col(s, 11);
        r.issue_id = db_col(s, 12);
        r.valid_until = db_col(s, 13);
        r.result = db_col(s, 14);
        r.result_date = db_col(s, 15);
        r.created_at = db_col(s, 16);
        r.closed_at = db_col(s, 17);
        r.status = sqlite3_column_int(s, 18);
        r.postal = db_col(s, 19);
        r.address = db_col(s, 20);
        r.katagaki = db_col(s, 21);
        r.guardian = "";
        int over = sqlite3_column_int(s, 23);
        r.days_over = (f != REFERRALS_ALL || r.result[0] == '\0') && over > 0 ? over : 0;
        snprintf(child.atena, sizeof(child.atena), "%s", r.person);
        snprintf(child.setai, sizeof(child.setai), "%s", db_col(s, 22));
        if (f == REFERRALS_OVERDUE && r.status != 0) {
            rc = household_guardian(st, &child, on, &g, e);
            if (rc < 0)
                break;
            has_g = rc;
            rc = 0;
            if (has_g)
                r.guardian = g.name;
        }
        /* 支援措置: the address never leaves this module for a list */
        r.shien = sqlite3_column_int(s, 24) == 1 || (has_g && g.shien);
        if (r.shien)
            r.postal = r.address = r.katagaki = "";
        snprintf(detail, sizeof(detail), "精密検査依頼 %s の一覧表示", r.referral_no);
        rc = audit_append(st, a, f == REFERRALS_OVERDUE ? "referrals.overdue" : "referrals.list",
                          r.person, detail, e);
        if (rc == 0)
            rc = fn(&r, ctx);
        if (has_g)
            resident_release(&g);
    }
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
cleanup:
    if (txn)
        store_rollback(st);
    sqlite3_finalize(s);
    buf_release(&sql);
    return rc;
}

/* ---- reminders (受診勧奨) ----------------------------------------------------- */

static int cmp_target(const void *a, const void *b)
{
    const struct target *x = a, *y = b;
    int c = strcmp(x->town, y->town);

    if (c != 0)
        return c;
    c = ymd_cmp(x->child.birth, y->child.birth);
    return c != 0 ? c : strcmp(x->child.atena, y->child.atena);
}

struct pair {
    struct target *t;
    int rem;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;

    return cmp_target(x->t, y->t);
}

int reminders_find(struct store *st, const struct actor *a, const char *form, int year, int month,
                   struct target **out, size_t *nout, int **reminded, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct target *t = NULL;
    size_t n = 0, alloc = 0;
    char mstr[8], detail[128];
    struct ymd today = store_today(st);
    int rc, txn = 0, months = 0, *rem = NULL;

    *out = NULL;
    *nout = 0;
    if (reminded)
        *reminded = NULL;
    rc = actor_require(a, PERM_TARGETS, e);
    if (rc < 0)
        return rc;
    /* refuses a form that is not a checkup, with the list of those that are */
    rc = targets_age_months(st, form, &months, e);
    if (rc < 0)
        return rc;
    if (month < 1 || month > 12 || year < 2000 || year > 2100)
        return berr_set(e, BERR_INVALID, "対象月が正しくありません (YYYY-MM)");
    snprintf(mstr, sizeof(mstr), "%04d-%02d", year % 10000, month % 100);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    /* the latest form issued to each child for the month (a reissue replaces the first) */
    rc = db_prepare(st, &s, "SELECT " RESIDENT_COLS("r.") ", max(i.issue_id), "
                            "EXISTS (SELECT 1 FROM issues_printed m WHERE m.kind = 'reminder' AND "
                            "m.form = ?1 AND m.month = ?2 AND m.person = r.atena) "
                            /* a page of the child's form came back and is still in review */
                            "| (EXISTS (SELECT 1 FROM pages p LEFT JOIN issues_printed j ON "
                            "j.issue_id = p.issue_id WHERE p.status = 'queued' AND p.form = ?1 AND "
                            "(j.person = r.atena OR p.subject = r.atena)) << 1), r.shien "
                            "FROM issues_printed i JOIN residents r ON r.atena = i.person "
                            "WHERE i.form = ?1 AND i.month = ?2 AND i.kind = 'form' AND r.status = 1 "
                            /* missed only once the day of their checkup has passed */
                            "AND i.checkup_date IS NOT NULL AND i.checkup_date < ?3 "
                            "AND NOT EXISTS (SELECT 1 FROM checkups c WHERE c.person = r.atena AND "
                            "c.form = ?1) GROUP BY r.atena", e);
    if (rc < 0)
        goto cleanup;
    char today_iso[11];
    ymd_iso(today, today_iso);
    sqlite3_bind_text(s, 1, form, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, mstr, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, today_iso, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            t = xrealloc(t, alloc * sizeof(*t));
            rem = xrealloc(rem, alloc * sizeof(*rem));
        }
        struct target *x = &t[n];
        memset(x, 0, sizeof(*x));
        residents_fill_row(st, s, &x->child);
        snprintf(x->issued, sizeof(x->issued), "%s", db_col(s, 15));
        char *town = address_town(x->child.address);
        snprintf(x->town, sizeof(x->town), "%s", town);
        free(town);
        rem[n] = sqlite3_column_int(s, 16);
        n++;
        rc = household_guardian(st, &x->child, today, &x->guardian, e);
        if (rc < 0)
            break;
        x->has_guardian = rc;
        rc = 0;
    }
    if (rc < 0)
        goto cleanup;
    /* sort (child, flag) pairs so `reminded` follows its child */
    if (n > 0) {
        struct pair *pr = xmalloc(n * sizeof(*pr));
        struct target *sorted = xmalloc(n * sizeof(*sorted));
        for (size_t i = 0; i < n; i++) {
            pr[i].t = &t[i];
            pr[i].rem = rem[i];
        }
        qsort(pr, n, sizeof(*pr), cmp_pair);
        for (size_t i = 0; i < n; i++) {
            sorted[i] = *pr[i].t;
            rem[i] = pr[i].rem;
        }
        free(pr);
        free(t);
        t = sorted;
    }
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "受診勧奨の対象 %s %s", form, mstr);
        rc = targets_audit(st, a, "reminders.list", t, n, detail, e);
    }
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
cleanup:
    if (txn)
        store_rollback(st);
    sqlite3_finalize(s);
    if (rc < 0 || reminded == NULL)
        free(rem);
    else
        *reminded = rem;
    if (rc < 0) {
        targets_free(t, n);
        return rc;
    }
    *out = t;
    *nout = n;
    return 0;
}

int reminders_pending_pages(struct store *st, const struct actor *a, const char *form, int year,
                            int month, int *pages, int *unknown, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char mstr[16];
    int rc;

    *pages = *unknown = 0;
    rc = actor_require(a, PERM_TARGETS, e);
    if (rc < 0)
        return rc;
    snprintf(mstr, sizeof(mstr), "%04d-%02d", year % 10000, month % 100);
    rc = db_prepare(st, &s, "SELECT coalesce(sum(j.month = ?2 AND p.form = ?1), 0), coalesce(sum(j.issue_id IS NULL "
                            "AND (p.subject IS NULL OR p.subject = '')), 0) FROM pages p LEFT JOIN "
                            "issues_printed j ON j.issue_id = p.issue_id WHERE p.status = 'queued' "
                            "AND (p.form = ?1 OR p.form IS NULL)", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, form, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, mstr, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *pages = sqlite3_column_int(s, 0);
        *unknown = sqlite3_column_int(s, 1);
    } else {
        rc = db_fail(st, "確認待ちのページの集計", e);
    }
    sqlite3_finalize(s);
    return rc;
}
