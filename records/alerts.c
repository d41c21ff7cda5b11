/*
 * alerts.c: the EPDS safety alerts in the store (see alerts.h): raised once
 * per page, listed apart from the review queue, closed only with the
 * follow-up a nurse records.  When a page alerts is intake's decision
 * (intake/alerts.c); this file keeps them and who saw or closed them.
 */
#include "records/alerts.h"
#include "records/records-internal.h"
#include "records/audit.h"
#include "base/workday.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int alert_raise(struct store *st, const struct actor *a, const struct alert_in *in, int64_t *id,
                struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32], detail[256];
    int rc;

    *id = 0;
    if (!actor_can(a, PERM_INTAKE) && !actor_can(a, PERM_REVIEW))
        return actor_require(a, PERM_INTAKE, e);
    rc = db_prepare(st, &s, "SELECT id, person FROM alerts WHERE page_id = ?", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, in->page_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        int no_person = sqlite3_column_type(s, 1) == SQLITE_NULL;
        *id = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        if (!no_person || in->person == NULL || *in->person == '\0')
            return 0;
        rc = db_prepare(st, &s, "UPDATE alerts SET person = ? WHERE id = ?", e);
        if (rc < 0)
            return rc;
        sqlite3_bind_text(s, 1, in->person, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, *id);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "アラートの更新", e);
        sqlite3_finalize(s);
        if (rc == 0) {
            snprintf(detail, sizeof(detail), "EPDS アラート %lld の本人を確定", (long long)*id);
            rc = audit_append(st, a, "alerts.raise", in->person, detail, e);
        }
        return rc;
    }
    sqlite3_finalize(s);
    rc = db_prepare(st, &s, "INSERT INTO alerts(page_id, form, person, reason, epds_total, item10, "
                            "clinic_code, reading_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", e);
    if (rc < 0)
        return rc;
    store_now_iso(now);
    sqlite3_bind_int64(s, 1, in->page_id);
    sqlite3_bind_text(s, 2, in->form, -1, SQLITE_STATIC);
    db_bind_text(s, 3, in->person && *in->person ? in->person : NULL);
    sqlite3_bind_text(s, 4, in->reason, -1, SQLITE_STATIC);
    if (in->epds_total >= 0)
        sqlite3_bind_int(s, 5, in->epds_total);
    db_bind_text(s, 6, in->item10);
    db_bind_text(s, 7, in->clinic_code && *in->clinic_code ? in->clinic_code : NULL);
    if (in->reading_id > 0)
        sqlite3_bind_int64(s, 8, in->reading_id);
    sqlite3_bind_text(s, 9, now, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "アラートの登録", e);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    *id = sqlite3_last_insert_rowid(st->db);
    snprintf(detail, sizeof(detail), "EPDS アラート %lld (ページ %lld): %.160s", (long long)*id,
             (long long)in->page_id, in->reason);
    rc = audit_append(st, a, "alerts.raise", in->person && *in->person ? in->person : NULL, detail, e);
    return rc < 0 ? rc : 1;
}

/*
 * The mother of a child's checkup or 新生児訪問: a woman of the child's 世帯 who is 妻 or
 * 世帯主 (妻 first).  Residents only; a 住登外 child has none here.
 */
static const char *const select_sql =
    "SELECT x.id, x.page_id, coalesce(x.reading_id, 0), x.form, coalesce(x.person, ''), x.reason, "
    "  coalesce(x.item10, ''), coalesce(x.clinic_code, ''), x.created_at, "
    "  coalesce(r.name, u.name, ''), coalesce(m.atena, ''), coalesce(m.name, ''), "
    "  coalesce(h.name, ''), coalesce(p.source, ''), coalesce(x.contacted_at, ''), "
    "  coalesce(x.contacted_by, ''), coalesce(x.plan, ''), coalesce(x.closed_by, ''), "
    "  coalesce(x.closed_at, ''), coalesce(x.epds_total, -1) "
    "FROM alerts x LEFT JOIN residents r ON r.atena = x.person "
    "LEFT JOIN persons_unregistered u ON u.id = x.person "
    "LEFT JOIN residents m ON (x.form LIKE 'nyuyoji_%' OR x.form = 'shinseiji_houmon') AND m.atena = (SELECT w.atena FROM residents w "
    "  WHERE w.setai = r.setai AND w.sex = 2 AND w.zokugara IN ('妻', '世帯主') "
    "  ORDER BY w.zokugara = '妻' DESC LIMIT 1) "
    "LEFT JOIN hospitals h ON h.code = x.clinic_code "
    "LEFT JOIN pages p ON p.id = x.page_id ";

static void row_of(sqlite3_stmt *s, struct alert_row *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(s, 0);
    r->page_id = sqlite3_column_int64(s, 1);
    r->reading_id = sqlite3_column_int64(s, 2);
    r->form = db_col(s, 3);
    r->person = db_col(s, 4);
    r->reason = db_col(s, 5);
    r->item10 = db_col(s, 6);
    r->clinic_code = db_col(s, 7);
    r->created_at = db_col(s, 8);
    r->name = db_col(s, 9);
    r->mother = db_col(s, 10);
    r->mother_name = db_col(s, 11);
    r->clinic_name = db_col(s, 12);
    r->source = db_col(s, 13);
    r->contacted_at = db_col(s, 14);
    r->contacted_by = db_col(s, 15);
    r->plan = db_col(s, 16);
    r->closed_by = db_col(s, 17);
    r->closed_at = db_col(s, 18);
    r->epds_total = sqlite3_column_int(s, 19);
}

/* The Japan date of a stored UTC instant "YYYY-MM-DDTHH:MM:SS...Z". */
static struct ymd japan_day(const char *iso)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    if (sscanf(iso, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec) != 6)
        return (struct ymd){ 0, 0, 0 };
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return jpdate_day_of(timegm(&tm));
}

/* Raised on day D, it is overdue from the day after D's next working day. */
static int overdue(const char *created_at, struct ymd today)
{
    struct ymd d = japan_day(created_at);

    return d.y != 0 && ymd_cmp(today, workday_next(d)) > 0;
}

static int run(struct store *st, const struct actor *a, sqlite3_stmt *s, enum alert_filter which,
               struct ymd today, const char *function, alert_fn fn, void *ctx, int *found,
               struct berr *e)
{
    int rc = 0, step;

    while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
        struct alert_row r;
        char detail[96];
        row_of(s, &r);
        if (which == ALERTS_OVERDUE && !overdue(r.created_at, today))
            continue;
        (*found)++;
        snprintf(detail, sizeof(detail), "EPDS アラート %lld を表示", (long long)r.id);
        rc = audit_append(st, a, function, *r.person ? r.person : NULL, detail, e);
        if (rc == 0)
            rc = fn(&r, ctx);
    }
    return rc;
}

int alerts_list(struct store *st, const struct actor *a, enum alert_filter which, struct ymd today,
                alert_fn fn, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char sql[2048];
    int rc, found = 0, txn = 0;

    if (which == ALERTS_OVERDUE && !actor_can(a, PERM_REPORTS) && !actor_can(a, PERM_REVIEW))
        return actor_require(a, PERM_REPORTS, e);
    if (which != ALERTS_OVERDUE && !actor_can(a, PERM_REVIEW) && !actor_can(a, PERM_RECORDS_READ))
        return actor_require(a, PERM_REVIEW, e);
    snprintf(sql, sizeof(sql), "%s%s ORDER BY x.created_at, x.id", select_sql,
             which == ALERTS_ALL ? "" : "WHERE x.closed_at IS NULL");
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = db_prepare(st, &s, sql, e);
    if (rc == 0)
        rc = run(st, a, s, which, today, which == ALERTS_OVERDUE ? "alerts.overdue" : "alerts.list",
                 fn, ctx, &found, e);
    sqlite3_finalize(s);
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
    if (txn)
        store_rollback(st);
    return rc;
}

int alert_get(struct store *st, const struct actor *a, int64_t id, alert_fn fn, void *ctx,
              struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char sql[2048];
    int rc, found = 0, txn = 0;

    if (!actor_can(a, PERM_REVIEW) && !actor_can(a, PERM_RECORDS_READ))
        return actor_require(a, PERM_REVIEW, e);
    snprintf(sql, sizeof(sql), "%sWHERE x.id = ?", select_sql);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = db_prepare(st, &s, sql, e);
    if (rc == 0) {
        sqlite3_bind_int64(s, 1, id);
        rc = run(st, a, s, ALERTS_ALL, (struct ymd){ 0, 0, 0 }, "alerts.show", fn, ctx, &found, e);
    }
    sqlite3_finalize(s);
    if (rc == 0 && found == 0)
        rc = berr_set(e, BERR_NOTFOUND, "アラート %lld はありません", (long long)id);
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
    if (txn)
        store_rollback(st);
    return rc;
}

int alerts_open_count(struct store *st, long *n, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT count(*) FROM alerts WHERE closed_at IS NULL", e);

    *n = 0;
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = db_fail(st, "アラートの件数", e);
    sqlite3_finalize(s);
    return rc;
}

static int blank(const char *s)
{
    if (s == NULL)
        return 1;
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    if (strncmp(s, "\xE3\x80\x80", 3) == 0)     /* a full-width space only */
        return blank(s + 3);
    return *s == '\0';
}

/*
 * "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or "YYYY-MM-DDTHH:MM" (Japan time) into
 * out as "YYYY-MM-DD[ HH:MM]"; -1 if not a real date and time.
 */
static int parse_when(const char *s, char out[17], struct ymd *day)
{
    int hh = -1, mm = -1, n = 0;
    char date[11];

    if (strlen(s) < 10)
        return -1;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (ymd_parse_iso(date, day) < 0)
        return -1;
    if (s[10] == '\0') {
        snprintf(out, 17, "%s", date);
        return 0;
    }
    if ((s[10] != ' ' && s[10] != 'T') || sscanf(s + 11, "%2d:%2d%n", &hh, &mm, &n) != 2 ||
        s[11 + n] != '\0' || hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return -1;
    snprintf(out, 17, "%s %02d:%02d", date, hh, mm);
    return 0;
}

int alert_close(struct store *st, const struct actor *a, int64_t id, const struct alert_followup *f,
                struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char when[17], now[32], detail[256], person[40] = "";
    struct ymd day;
    int rc, txn = 0, closed = 0, exists = 0;

    if (!actor_can(a, PERM_REVIEW) && !actor_can(a, PERM_RECORDS_WRITE))
        return actor_require(a, PERM_REVIEW, e);
    if (blank(f->contacted_at))
        return berr_set(e, BERR_INVALID, "連絡日時: 必須項目です (本人に連絡した日時)");
    if (parse_when(f->contacted_at, when, &day) < 0)
        return berr_set(e, BERR_INVALID, "連絡日時: 日付が不正です「%s」(例: 2026-12-03 14:30)",
                        f->contacted_at);
    if (ymd_cmp(day, store_today(st)) > 0)
        return berr_set(e, BERR_INVALID, "連絡日時: 未来の日付です (%s)", when);
    if (blank(f->contacted_by))
        return berr_set(e, BERR_INVALID, "連絡した職員: 必須項目です");
    if (blank(f->plan))
        return berr_set(e, BERR_INVALID, "支援方針: 必須項目です");
    if (strlen(f->plan) > 2000 || strlen(f->contacted_by) > 200)
        return berr_set(e, BERR_INVALID, "支援方針・連絡した職員が長すぎます");
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = db_prepare(st, &s, "SELECT closed_at IS NOT NULL, coalesce(person, '') FROM alerts "
                            "WHERE id = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        exists = 1;
        closed = sqlite3_column_int(s, 0);
        snprintf(person, sizeof(person), "%s", db_col(s, 1));
    }
    sqlite3_finalize(s);
    s = NULL;
    if (!exists) {
        rc = berr_set(e, BERR_NOTFOUND, "アラート %lld はありません", (long long)id);
        goto cleanup;
    }
    if (closed) {
        rc = berr_set(e, BERR_CONFLICT, "アラート %lld は対応済みです", (long long)id);
        goto cleanup;
    }
    rc = db_prepare(st, &s, "UPDATE alerts SET contacted_at = ?, contacted_by = ?, plan = ?, "
                            "closed_by = ?, closed_at = ? WHERE id = ? AND closed_at IS NULL", e);
    if (rc < 0)
        goto cleanup;
    store_now_iso(now);
    sqlite3_bind_text(s, 1, when, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, f->contacted_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, f->plan, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "アラートの対応記録", e);
    sqlite3_finalize(s);
    s = NULL;
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "EPDS アラート %lld の対応を記録 (連絡 %s、%.80s)",
                 (long long)id, when, f->contacted_by);
        rc = audit_append(st, a, "alerts.close", *person ? person : NULL, detail, e);
    }
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
cleanup:
    sqlite3_finalize(s);
    if (txn)
        store_rollback(st);
    return rc;
}
