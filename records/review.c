/*
 * review.c: the review queue - every reading boshi is not sure of, every
 * identity it could not settle, every rule a page breaks.  Items are worked
 * highest risk first; resolving one is a compare-and-set on its status, so
 * two nurses on the same item cannot both win (the second is told it was
 * already resolved) and no update is lost.  Each resolution is logged with
 * who, when, before and after, and audited.
 * Not for: validating the value (the caller checks it against the form
 * definition first) or landing the page (intake/ does, when the last item
 * of a page is resolved).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const review_select =
    "SELECT r.id, r.page_id, coalesce(r.reading_id, 0), r.field, r.kind, r.reason, "
    "coalesce(r.suggested, ''), r.status, coalesce(r.value, ''), r.risk, coalesce(p.form, ''), "
    "coalesce(p.subject, ''), p.source, b.name, coalesce(g.confidence, 0) "
    "FROM review_items r JOIN pages p ON p.id = r.page_id JOIN batches b ON b.id = p.batch_id "
    "LEFT JOIN readings g ON g.id = r.reading_id ";

static int emit(sqlite3_stmt *s, review_fn fn, void *ctx)
{
    struct review_row r;

    r.id = sqlite3_column_int64(s, 0);
    r.page_id = sqlite3_column_int64(s, 1);
    r.reading_id = sqlite3_column_int64(s, 2);
    r.field = db_col(s, 3);
    r.kind = db_col(s, 4);
    r.reason = db_col(s, 5);
    r.suggested = db_col(s, 6);
    r.status = db_col(s, 7);
    r.value = db_col(s, 8);
    r.risk = sqlite3_column_int(s, 9);
    r.form = db_col(s, 10);
    r.subject = db_col(s, 11);
    r.source = db_col(s, 12);
    r.batch = db_col(s, 13);
    r.confidence = sqlite3_column_double(s, 14);
    return fn(&r, ctx);
}

/*
 * The WHERE clause of a filter, appended to sql; filter_bind() binds its
 * parameters in the same order.  The day bounds are instants: a page taken
 * in on day D (Japan time) has D's 00:00 JST <= read_at < D+1's 00:00 JST,
 * both as UTC text in the store's form, so the comparison is on text.
 */
struct filter_bounds {
    char from[32], to[32];
};

static int filter_where(const struct review_filter *f, struct buf *sql, struct filter_bounds *fb,
                        struct berr *e)
{
    if ((f->from.y && !ymd_valid(f->from)) || (f->to.y && !ymd_valid(f->to)))
        return berr_set(e, BERR_INVALID, "取込日が正しい日付ではありません");
    if (f->from.y && f->to.y && ymd_cmp(f->from, f->to) > 0)
        return berr_set(e, BERR_INVALID, "取込日の範囲が逆です (開始日が終了日より後です)");
    buf_adds(sql, f->include_resolved ? "WHERE 1" : "WHERE r.status = 'open'");
    if (f->reason)
        buf_adds(sql, " AND r.reason = ?");
    if (f->form)
        buf_adds(sql, " AND p.form = ?");
    if (f->batch)
        buf_adds(sql, " AND b.name = ?");
    if (f->from.y) {
        buf_adds(sql, " AND p.read_at >= ?");
        store_iso_at(jpdate_day_start(f->from), fb->from);
    }
    if (f->to.y) {
        buf_adds(sql, " AND p.read_at < ?");
        store_iso_at(jpdate_day_start(ymd_from_days(ymd_to_days(f->to) + 1)), fb->to);
    }
    return 0;
}

static void filter_bind(sqlite3_stmt *s, const struct review_filter *f,
                        const struct filter_bounds *fb)
{
    int i = 1;

    if (f->reason)
        sqlite3_bind_text(s, i++, f->reason, -1, SQLITE_STATIC);
    if (f->form)
        sqlite3_bind_text(s, i++, f->form, -1, SQLITE_STATIC);
    if (f->batch)
        sqlite3_bind_text(s, i++, f->batch, -1, SQLITE_STATIC);
    if (f->from.y)
        sqlite3_bind_text(s, i++, fb->from, -1, SQLITE_STATIC);
    if (f->to.y)
        sqlite3_bind_text(s, i++, fb->to, -1, SQLITE_STATIC);
}

int review_list(struct store *st, const struct actor *a, const struct review_filter *f,
                review_fn fn, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct filter_bounds fb;
    struct buf sql;
    int rc = actor_require(a, PERM_REVIEW, e);

    if (rc < 0)
        return rc;
    buf_init(&sql);
    buf_adds(&sql, review_select);
    rc = filter_where(f, &sql, &fb, e);
    if (rc < 0)
        goto cleanup;
    buf_adds(&sql, " ORDER BY r.risk DESC, r.id");
    if (f->limit > 0)
        buf_addf(&sql, " LIMIT %d", f->limit);
    rc = audit_append(st, a, "review.list", NULL, "確認待ち一覧の表示", e);
    if (rc == 0)
        rc = db_prepare(st, &s, sql.s, e);
    if (rc < 0)
        goto cleanup;
    filter_bind(s, f, &fb);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
        rc = emit(s, fn, ctx);
cleanup:
    buf_release(&sql);
    sqlite3_finalize(s);
    return rc;
}

int review_count(struct store *st, const struct actor *a, const struct review_filter *f, int *n,
                 struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct filter_bounds fb;
    struct buf sql;
    int rc = actor_require(a, PERM_REVIEW, e);

    *n = 0;
    if (rc < 0)
        return rc;
    buf_init(&sql);
    buf_adds(&sql, "SELECT count(*) FROM review_items r JOIN pages p ON p.id = r.page_id "
                   "JOIN batches b ON b.id = p.batch_id ");
    rc = filter_where(f, &sql, &fb, e);
    if (rc == 0)
        rc = db_prepare(st, &s, sql.s, e);
    if (rc < 0)
        goto cleanup;
    filter_bind(s, f, &fb);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = db_fail(st, "確認待ちの件数", e);
        goto cleanup;
    }
    *n = sqlite3_column_int(s, 0);
cleanup:
    buf_release(&sql);
    sqlite3_finalize(s);
    return rc;
}

int review_resolved_count(struct store *st, const struct actor *a, time_t since, const char *by,
                          int *n, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char at[32];
    int rc = actor_require(a, PERM_REVIEW, e);

    *n = 0;
    if (rc < 0)
        return rc;
    /* a range on the review_resolved index; who resolved it is in the index too */
    rc = db_prepare(st, &s, "SELECT count(*) FROM review_items WHERE resolved_at >= ?1 AND "
                            "(?2 IS NULL OR resolved_by = ?2)", e);
    if (rc < 0)
        return rc;
    store_iso_at(since, at);
    sqlite3_bind_text(s, 1, at, -1, SQLITE_STATIC);
    db_bind_text(s, 2, by);
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = sqlite3_column_int(s, 0);
    else
        rc = db_fail(st, "処理済みの件数", e);
    sqlite3_finalize(s);
    return rc;
}

int review_get(struct store *st, const struct actor *a, int64_t id, review_fn fn, void *ctx,
               struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct buf sql;
    int rc = actor_require(a, PERM_REVIEW, e);

    if (rc < 0)
        return rc;
    /*
     * The view is audited while the row is read: take the write lock first
     * (BEGIN IMMEDIATE waits for another writer); a read upgraded to a
     * write would fail at once with "database is locked".
     */
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    buf_init(&sql);
    buf_adds(&sql, review_select);
    buf_adds(&sql, "WHERE r.id = ?");
    rc = db_prepare(st, &s, sql.s, e);
    buf_release(&sql);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        char d[64];
        const char *subject = db_col(s, 11);
        snprintf(d, sizeof(d), "確認待ち %lld を表示", (long long)id);
        rc = audit_append(st, a, "review.show", *subject ? subject : NULL, d, e);
        if (rc == 0)
            rc = emit(s, fn, ctx);
    } else {
        rc = berr_set(e, BERR_NOTFOUND, "確認待ち %lld はありません", (long long)id);
    }
    sqlite3_finalize(s);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, e);
}

int review_open_count(struct store *st, int64_t page_id, int *n, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT count(*) FROM review_items WHERE page_id = ? AND "
                                "status = 'open'", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, page_id);
    *n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int(s, 0) : 0;
    sqlite3_finalize(s);
    return 0;
}

/* review_resolve without the permission check (the callers check); only_identity: refuse others */
static int resolve_item(struct store *st, const struct actor *a, int64_t id, enum review_action act,
                        const char *value, int only_identity, int *page_done, int64_t *page_id,
                        struct berr *e)
{
    static const char *const status[] = { "accepted", "corrected", "rejected" };
    sqlite3_stmt *q = NULL, *u = NULL, *r = NULL, *l = NULL;
    char now[32], before[256] = "", subject[16] = "", detail[512];
    int64_t reading = 0;
    int rc, open = 0;

    *page_done = 0;
    *page_id = 0;
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &q, "SELECT r.page_id, coalesce(r.reading_id, 0), coalesce(g.value, "
                            "r.suggested, ''), r.status, coalesce(p.subject, ''), r.kind FROM review_items r "
                            "JOIN pages p ON p.id = r.page_id LEFT JOIN readings g ON "
                            "g.id = r.reading_id WHERE r.id = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) != SQLITE_ROW) {
        rc = berr_set(e, BERR_NOTFOUND, "確認待ち %lld はありません", (long long)id);
        goto cleanup;
    }
    *page_id = sqlite3_column_int64(q, 0);
    reading = sqlite3_column_int64(q, 1);
    snprintf(before, sizeof(before), "%s", db_col(q, 2));
    snprintf(subject, sizeof(subject), "%s", db_col(q, 4));
    int identity = strcmp(db_col(q, 5), "identity") == 0;
    if (only_identity && !identity) {
        rc = berr_set(e, BERR_INVALID, "確認待ち %lld は本人確認ではありません", (long long)id);
        goto cleanup;
    }
    if (strcmp(db_col(q, 3), "open") != 0) {
        const char *was = db_col(q, 3);
        rc = berr_set(e, BERR_CONFLICT, "確認待ち %lld は既に処理されています (%s)", (long long)id,
                      strcmp(was, "accepted") == 0 ? "承認済み" :
                      strcmp(was, "corrected") == 0 ? "訂正済み" : "却下済み");
        goto cleanup;
    }
    store_now_iso(now);
    /* compare-and-set: only an open item can be resolved, once */
    rc = db_prepare(st, &u, "UPDATE review_items SET status = ?, value = ?, resolved_by = ?, "
                            "resolved_at = ? WHERE id = ? AND status = 'open'", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(u, 1, status[act], -1, SQLITE_STATIC);
    db_bind_text(u, 2, value);
    sqlite3_bind_text(u, 3, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(u, 5, id);
    if (sqlite3_step(u) != SQLITE_DONE || sqlite3_changes(st->db) != 1) {
        rc = berr_set(e, BERR_CONFLICT, "確認待ち %lld は既に処理されています", (long long)id);
        goto cleanup;
    }
    if (reading > 0) {
        rc = db_prepare(st, &r, "UPDATE readings SET value = ?, decision = 'accepted' WHERE id = ?", e);
        if (rc < 0)
            goto cleanup;
        db_bind_text(r, 1, value);
        sqlite3_bind_int64(r, 2, reading);
        if (sqlite3_step(r) != SQLITE_DONE) {
            rc = db_fail(st, "読取結果の更新", e);
            goto cleanup;
        }
    }
    if (identity && act != REVIEW_REJECT && value != NULL && *value) {
        /* a settled identity is the page's subject from now on */
        sqlite3_stmt *ps = NULL;
        rc = db_prepare(st, &ps, "UPDATE pages SET subject = ? WHERE id = ?", e);
        if (rc == 0) {
            sqlite3_bind_text(ps, 1, value, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ps, 2, *page_id);
            if (sqlite3_step(ps) != SQLITE_DONE)
                rc = db_fail(st, "ページの更新", e);
        }
        sqlite3_finalize(ps);
        if (rc < 0)
            goto cleanup;
        snprintf(subject, sizeof(subject), "%s", value);
    }
    rc = db_prepare(st, &l, "INSERT INTO review_log(item_id, action, before, after, by_user, at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(l, 1, id);
    sqlite3_bind_text(l, 2, status[act], -1, SQLITE_STATIC);
    sqlite3_bind_text(l, 3, before, -1, SQLITE_STATIC);
    db_bind_text(l, 4, value);
    sqlite3_bind_text(l, 5, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(l, 6, now, -1, SQLITE_STATIC);
    if (sqlite3_step(l) != SQLITE_DONE) {
        rc = db_fail(st, "確認の記録", e);
        goto cleanup;
    }
    snprintf(detail, sizeof(detail), "確認待ち %lld: %s", (long long)id, status[act]);
    rc = audit_append(st, a, "review.resolve", *subject ? subject : NULL, detail, e);
    if (rc == 0)
        rc = review_open_count(st, *page_id, &open, e);
    if (rc == 0)
        *page_done = open == 0;
cleanup:
    sqlite3_finalize(q);
    sqlite3_finalize(u);
    sqlite3_finalize(r);
    sqlite3_finalize(l);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, e);
}

int review_resolve(struct store *st, const struct actor *a, int64_t id, enum review_action act,
                   const char *value, int *page_done, int64_t *page_id, struct berr *e)
{
    int rc = actor_require(a, PERM_REVIEW, e);

    *page_done = 0;
    *page_id = 0;
    if (rc < 0)
        return rc;
    return resolve_item(st, a, id, act, value, 0, page_done, page_id, e);
}

int review_follow_identity(struct store *st, const struct actor *a, int64_t id, const char *subject,
                           int *page_done, int64_t *page_id, struct berr *e)
{
    *page_done = 0;
    *page_id = 0;
    if (!actor_can(a, PERM_INTAKE) && !actor_can(a, PERM_REVIEW))
        return actor_require(a, PERM_REVIEW, e);
    return resolve_item(st, a, id, REVIEW_CORRECT, subject, 1, page_done, page_id, e);
}

int review_close_page(struct store *st, const struct actor *a, int64_t page_id, struct berr *e)
{
    sqlite3_stmt *l = NULL, *u = NULL;
    char now[32];
    int rc;

    store_now_iso(now);
    rc = db_prepare(st, &l, "INSERT INTO review_log(item_id, action, before, after, by_user, at) "
                            "SELECT id, 'rejected', coalesce(suggested, ''), NULL, ?, ? FROM review_items "
                            "WHERE page_id = ? AND status = 'open'", e);
    if (rc == 0)
        rc = db_prepare(st, &u, "UPDATE review_items SET status = 'rejected', value = NULL, "
                                "resolved_by = ?, resolved_at = ? WHERE page_id = ? AND status = 'open'", e);
    if (rc < 0)
        goto cleanup;
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *s = k == 0 ? l : u;
        sqlite3_bind_text(s, 1, a->login, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, page_id);
        if (sqlite3_step(s) != SQLITE_DONE) {
            rc = db_fail(st, "却下したページの確認待ちを閉じる", e);
            goto cleanup;
        }
    }
cleanup:
    sqlite3_finalize(l);
    sqlite3_finalize(u);
    return rc;
}

int review_open_identity(struct store *st, int64_t page_id, int64_t *item_id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT id FROM review_items WHERE page_id = ? AND kind = 'identity' "
                                "AND status = 'open' ORDER BY id LIMIT 1", e);

    *item_id = 0;
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, page_id);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *item_id = sqlite3_column_int64(s, 0);
        rc = 1;
    } else if (rc == SQLITE_DONE) {
        rc = 0;
    } else {
        rc = db_fail(st, "確認待ちの検索", e);
    }
    sqlite3_finalize(s);
    return rc;
}

int review_reopen(struct store *st, const struct actor *a, int64_t page_id, const char *field,
                  const char *reason, int64_t *item_id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32], before[512] = "", subject[16] = "", detail[600], why[400];
    int64_t reading = 0, item = 0;
    int rc = actor_require(a, PERM_REVIEW, e), txn = 0, landed = 0, present = 0;

    *item_id = 0;
    if (rc < 0)
        return rc;
    if (reason == NULL || reason[strspn(reason, " \t\u3000")] == '\0')
        return berr_set(e, BERR_INVALID, "やり直す理由を入力してください");
    if (field[0] == '(')
        return berr_set(e, BERR_INVALID, "本人確認・発行の確認はやり直せません (ページを却下して取り込み直してください)");
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    /* the reading as it stands, and its page */
    rc = db_prepare(st, &s, "SELECT g.id, coalesce(g.value, ''), g.value IS NOT NULL, p.status = 'landed', "
                            "coalesce(p.subject, ''), p.status FROM readings g JOIN pages p ON "
                            "p.id = g.page_id WHERE g.page_id = ? AND g.field = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, page_id);
    sqlite3_bind_text(s, 2, field, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = berr_set(e, BERR_NOTFOUND, "ページ %lld に項目 %s の読取結果はありません", (long long)page_id,
                      field);
        goto cleanup;
    }
    reading = sqlite3_column_int64(s, 0);
    snprintf(before, sizeof(before), "%s", db_col(s, 1));
    present = sqlite3_column_int(s, 2);
    landed = sqlite3_column_int(s, 3);
    snprintf(subject, sizeof(subject), "%s", db_col(s, 4));
    if (strcmp(db_col(s, 5), "rejected") == 0) {
        rc = berr_set(e, BERR_INVALID, "却下したページの項目はやり直せません");
        goto cleanup;
    }
    sqlite3_finalize(s);
    s = NULL;
    /* an item still open: nothing to reopen, it is the one */
    rc = db_prepare(st, &s, "SELECT id, status = 'open' FROM review_items WHERE page_id = ? AND "
                            "field = ? ORDER BY status = 'open' DESC, id DESC LIMIT 1", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, page_id);
    sqlite3_bind_text(s, 2, field, -1, SQLITE_STATIC);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        item = sqlite3_column_int64(s, 0);
        if (sqlite3_column_int(s, 1)) {
            *item_id = item;
            rc = 0;
            goto cleanup;
        }
    } else if (rc != SQLITE_DONE) {
        rc = db_fail(st, "確認待ちの検索", e);
        goto cleanup;
    }
    rc = 0;
    sqlite3_finalize(s);
    s = NULL;
    store_now_iso(now);
    snprintf(why, sizeof(why), "再確認: %.300s", reason);
    if (item > 0) {
        rc = db_prepare(st, &s, "UPDATE review_items SET status = 'open', value = NULL, resolved_by = NULL, "
                                "resolved_at = NULL, reason = ?, suggested = ? WHERE id = ?", e);
        if (rc < 0)
            goto cleanup;
        sqlite3_bind_text(s, 1, why, -1, SQLITE_STATIC);
        db_bind_text(s, 2, present && before[0] ? before : NULL);
        sqlite3_bind_int64(s, 3, item);
    } else {
        /* settled at intake with no item: it gets one now */
        rc = db_prepare(st, &s, "INSERT INTO review_items(page_id, reading_id, field, kind, reason, risk, "
                                "suggested, created_at) VALUES (?, ?, ?, 'field', ?, 50, ?, ?)", e);
        if (rc < 0)
            goto cleanup;
        sqlite3_bind_int64(s, 1, page_id);
        sqlite3_bind_int64(s, 2, reading);
        sqlite3_bind_text(s, 3, field, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, why, -1, SQLITE_STATIC);
        db_bind_text(s, 5, present && before[0] ? before : NULL);
        sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
    }
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = db_fail(st, "確認のやり直し", e);
        goto cleanup;
    }
    if (item == 0)
        item = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    s = NULL;
    /* the reading waits for a nurse again; a landed page is back in the queue (its record keeps
     * what it had until the page lands again) */
    rc = db_prepare(st, &s, "UPDATE readings SET decision = 'review' WHERE id = ?", e);
    if (rc == 0) {
        sqlite3_bind_int64(s, 1, reading);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "読取結果の更新", e);
        sqlite3_finalize(s);
        s = NULL;
    }
    if (rc == 0 && landed) {
        rc = db_prepare(st, &s, "UPDATE pages SET status = 'queued' WHERE id = ?", e);
        if (rc == 0) {
            sqlite3_bind_int64(s, 1, page_id);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = db_fail(st, "ページの更新", e);
            sqlite3_finalize(s);
            s = NULL;
        }
    }
    if (rc < 0)
        goto cleanup;
    rc = db_prepare(st, &s, "INSERT INTO review_log(item_id, action, before, after, by_user, at, reason) "
                            "VALUES (?, 'reopened', ?, NULL, ?, ?, ?)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, item);
    db_bind_text(s, 2, present ? before : NULL);
    sqlite3_bind_text(s, 3, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = db_fail(st, "確認の記録", e);
        goto cleanup;
    }
    snprintf(detail, sizeof(detail), "確認待ち %lld (ページ %lld %s) をやり直し%s: %.300s", (long long)item,
             (long long)page_id, field, landed ? " (登録済みの記録)" : "", reason);
    rc = audit_append(st, a, "review.reopen", subject[0] ? subject : NULL, detail, e);
    if (rc == 0)
        *item_id = item;
cleanup:
    sqlite3_finalize(s);
    if (txn) {
        if (rc < 0) {
            store_rollback(st);
            return rc;
        }
        return store_commit(st, e);
    }
    return rc;
}

int review_log_reason(struct store *st, int64_t item_id, const char *reason, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "UPDATE review_log SET reason = ? WHERE id = (SELECT max(id) FROM "
                                "review_log WHERE item_id = ?)", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, item_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "確認の記録", e);
    sqlite3_finalize(s);
    return rc;
}
