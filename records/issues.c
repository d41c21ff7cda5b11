/*
 * issues.c: the issue history (発行履歴) - every pre-filled page boshi
 * prints, so returned forms can be reconciled against what went out, and
 * print runs.  An issue id ("I" + 8 digits) is printed in the QR of each
 * page; it is allocated here, inside the transaction in which the caller
 * also writes the PDF, so an id exists only for a document that was saved.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/issues.h"

#include <stdio.h>
#include <string.h>

int print_run_add(struct store *st, const struct actor *a, const char *kind, const char *form,
                  const char *month, const char *checkup_date, const char *venue,
                  const char *file, int64_t *run_id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc = actor_require(a, PERM_FORMS_PRINT, e);

    if (rc == 0)
        rc = db_prepare(st, &s, "INSERT INTO print_runs(kind, form, month, checkup_date, venue, "
                                "file, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", e);
    if (rc < 0)
        return rc;
    store_now_iso(now);
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, form, -1, SQLITE_STATIC);
    db_bind_text(s, 3, month);
    db_bind_text(s, 4, checkup_date);
    db_bind_text(s, 5, venue);
    sqlite3_bind_text(s, 6, file, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "印刷記録", e);
    *run_id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return rc;
}

int print_run_finish(struct store *st, int64_t run_id, int count, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "UPDATE print_runs SET count = ? WHERE id = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int(s, 1, count);
    sqlite3_bind_int64(s, 2, run_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "印刷記録", e);
    sqlite3_finalize(s);
    return rc;
}

int issues_record(struct store *st, const struct actor *a, int64_t run_id,
                  const struct issue_req *r, char issue_id[24], struct berr *e)
{
    sqlite3_stmt *s = NULL, *m = NULL;
    char now[32], detail[256];
    long long next = 1;
    int rc = actor_require(a, PERM_FORMS_PRINT, e);

    issue_id[0] = '\0';
    if (rc < 0)
        return rc;
    /* The caller holds the write lock (BEGIN IMMEDIATE), so max+1 is safe. */
    rc = db_prepare(st, &m, "SELECT coalesce(max(id), 0) + 1 FROM issues_printed", e);
    if (rc < 0)
        return rc;
    if (sqlite3_step(m) == SQLITE_ROW)
        next = sqlite3_column_int64(m, 0);
    sqlite3_finalize(m);
    snprintf(issue_id, 24, "I%08lld", next);
    rc = db_prepare(st, &s, "INSERT INTO issues_printed(id, issue_id, run_id, form, version, person, "
                            "kind, seq, month, checkup_date, venue, jushin_no, pages, reissue_of, "
                            "printed_by, printed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", e);
    if (rc < 0)
        return rc;
    store_now_iso(now);
    sqlite3_bind_int64(s, 1, next);
    sqlite3_bind_text(s, 2, issue_id, -1, SQLITE_STATIC);
    if (run_id > 0)
        sqlite3_bind_int64(s, 3, run_id);
    else
        sqlite3_bind_null(s, 3);
    sqlite3_bind_text(s, 4, r->form, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, r->version);
    db_bind_text(s, 6, r->person);
    sqlite3_bind_text(s, 7, r->kind, -1, SQLITE_STATIC);
    if (r->seq > 0)
        sqlite3_bind_int(s, 8, r->seq);
    else
        sqlite3_bind_null(s, 8);
    db_bind_text(s, 9, r->month);
    db_bind_text(s, 10, r->checkup_date);
    db_bind_text(s, 11, r->venue);
    db_bind_text(s, 12, r->jushin_no);
    sqlite3_bind_int(s, 13, r->pages);
    db_bind_text(s, 14, r->reissue_of);
    sqlite3_bind_text(s, 15, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 16, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "発行履歴の記録", e);
    sqlite3_finalize(s);
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "発行 %s %s %s%s%s%s", r->form, r->kind, issue_id,
                 r->month ? " " : "", r->month ? r->month : "", r->reissue_of ? " 再発行" : "");
        rc = audit_append(st, a, "forms.print", r->person, detail, e);
    }
    return rc;
}

int issues_current(struct store *st, const char *form, const char *person, const char *month,
                   char issue_id[24], struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT issue_id FROM issues_printed WHERE form = ? AND person = ? "
                                "AND month IS ? AND kind = 'form' ORDER BY id DESC LIMIT 1", e);

    issue_id[0] = '\0';
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, form, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, person, -1, SQLITE_STATIC);
    db_bind_text(s, 3, month);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(issue_id, 24, "%s", db_col(s, 0));
        rc = 1;
    }
    sqlite3_finalize(s);
    return rc;
}

int issues_next_jushin(struct store *st, const char *form, const char *month, char out[24],
                       struct berr *e)
{
    sqlite3_stmt *s = NULL;
    long long n = 0;
    int rc = db_prepare(st, &s, "SELECT count(*) FROM issues_printed WHERE form = ? AND month = ? "
                                "AND kind = 'form'", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, form, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, month, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    snprintf(out, 24, "%.2s%.2s-%03u", month + 2, month + 5, (unsigned)((n + 1) % 100000));
    return 0;
}

int issue_lookup(struct store *st, const char *issue_id, struct issue_info *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT issue_id, form, coalesce(person, ''), kind, coalesce(month, ''), "
                                "coalesce(returned_at, ''), version, coalesce(seq, 0), pages, coalesce(jushin_no, ''), "
                                "coalesce(checkup_date, '') "
                                "FROM issues_printed WHERE issue_id = ?", e);

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, issue_id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(out->issue_id, sizeof(out->issue_id), "%s", db_col(s, 0));
        snprintf(out->form, sizeof(out->form), "%s", db_col(s, 1));
        snprintf(out->person, sizeof(out->person), "%s", db_col(s, 2));
        snprintf(out->kind, sizeof(out->kind), "%s", db_col(s, 3));
        snprintf(out->month, sizeof(out->month), "%s", db_col(s, 4));
        snprintf(out->returned_at, sizeof(out->returned_at), "%s", db_col(s, 5));
        out->version = sqlite3_column_int(s, 6);
        out->seq = sqlite3_column_int(s, 7);
        out->pages = sqlite3_column_int(s, 8);
        snprintf(out->jushin_no, sizeof(out->jushin_no), "%s", db_col(s, 9));
        snprintf(out->checkup_date, sizeof(out->checkup_date), "%s", db_col(s, 10));
    } else {
        rc = berr_set(e, BERR_NOTFOUND, "発行番号 %s は発行履歴にありません", issue_id);
    }
    sqlite3_finalize(s);
    return rc;
}

int issue_mark_returned(struct store *st, const char *issue_id, int *already, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc = db_prepare(st, &s, "UPDATE issues_printed SET returned_at = ? WHERE issue_id = ? AND "
                                "returned_at IS NULL", e);

    *already = 0;
    if (rc < 0)
        return rc;
    store_now_iso(now);
    sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, issue_id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "発行履歴の更新", e);
    else
        *already = sqlite3_changes(st->db) == 0;
    sqlite3_finalize(s);
    return rc;
}
