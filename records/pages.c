/*
 * pages.c: what intake stores - batches, the scanned files (kept
 * content-addressed beside the store by intake/), and each page with its
 * readings and review items.  A page is stored in one piece, inside the
 * transaction that also lands its record, so a crash leaves either the whole
 * page or nothing: running the batch again re-reads exactly the pages that
 * are missing (the image hash is unique), and none twice.
 * Not for: deciding anything about a reading (intake/ and ocr/ do that).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int batch_open(struct store *st, const struct actor *a, const char *name, const char *paths,
               int64_t *id, int *resumed, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32], detail[600];
    int rc = actor_require(a, PERM_INTAKE, e);

    *resumed = 0;
    if (rc < 0)
        return rc;
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "SELECT id FROM batches WHERE name = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        *resumed = 1;
        goto cleanup;
    }
    sqlite3_finalize(s);
    s = NULL;
    rc = db_prepare(st, &s, "INSERT INTO batches(name, paths, by_user, started_at) VALUES (?,?,?,?)", e);
    if (rc < 0)
        goto cleanup;
    store_now_iso(now);
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, paths, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = db_fail(st, "バッチの記録", e);
        goto cleanup;
    }
    *id = sqlite3_last_insert_rowid(st->db);
    snprintf(detail, sizeof(detail), "スキャン取込開始 %s", name);
    rc = audit_append(st, a, "intake.batch", NULL, detail, e);
cleanup:
    sqlite3_finalize(s);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, e);
}

int batch_finish(struct store *st, int64_t id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc = db_prepare(st, &s, "UPDATE batches SET finished_at = ? WHERE id = ?", e);

    if (rc < 0)
        return rc;
    store_now_iso(now);
    sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "バッチの記録", e);
    sqlite3_finalize(s);
    return rc;
}

int scan_file_add(struct store *st, const char *sha, const char *name, long bytes, int64_t batch,
                  struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "INSERT OR IGNORE INTO scan_files(sha256, name, bytes, batch_id) "
                                "VALUES (?, ?, ?, ?)", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, bytes);
    sqlite3_bind_int64(s, 4, batch);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "スキャンファイルの記録", e);
    sqlite3_finalize(s);
    return rc;
}

int batch_ignore(struct store *st, int64_t batch_id, const char *path, const char *reason,
                 struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "INSERT OR IGNORE INTO ignored_files(batch_id, path, reason) "
                                "VALUES (?, ?, ?)", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, batch_id);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, reason, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "取り込まなかったファイルの記録", e);
    sqlite3_finalize(s);
    return rc;
}

int batch_refused(struct store *st, const struct actor *a, int64_t batch_id, batch_entry_fn fn,
                  void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc;

    if (!actor_can(a, PERM_INTAKE) && !actor_can(a, PERM_REVIEW))
        return actor_require(a, PERM_INTAKE, e);
    rc = db_prepare(st, &s,
        "SELECT path, -1, reason, 0 AS k, id FROM ignored_files WHERE batch_id = ?1 "
        "UNION ALL SELECT source, file_page, coalesce(reason, ''), 1 AS k, id FROM pages "
        "WHERE batch_id = ?1 AND status = 'rejected' ORDER BY k, 1, 2", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, batch_id);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
        rc = fn(db_col(s, 0), sqlite3_column_int(s, 1), db_col(s, 2), ctx);
    sqlite3_finalize(s);
    return rc;
}

static const char *const page_cols =
    "id, batch_id, status, coalesce(form, ''), coalesce(subject, ''), coalesce(issue_id, ''), "
    "coalesce(version, 0), coalesce(page_no, 0), coalesce(pages, 0), source, file_page, file_sha, "
    "coalesce(reason, '')";

static void fill_page(sqlite3_stmt *s, struct page_row *p)
{
    memset(p, 0, sizeof(*p));
    p->id = sqlite3_column_int64(s, 0);
    p->batch_id = sqlite3_column_int64(s, 1);
    snprintf(p->status, sizeof(p->status), "%s", db_col(s, 2));
    snprintf(p->form, sizeof(p->form), "%s", db_col(s, 3));
    snprintf(p->subject, sizeof(p->subject), "%s", db_col(s, 4));
    snprintf(p->issue_id, sizeof(p->issue_id), "%s", db_col(s, 5));
    p->version = sqlite3_column_int(s, 6);
    p->page_no = sqlite3_column_int(s, 7);
    p->pages = sqlite3_column_int(s, 8);
    snprintf(p->source, sizeof(p->source), "%s", db_col(s, 9));
    p->file_page = sqlite3_column_int(s, 10);
    snprintf(p->file_sha, sizeof(p->file_sha), "%s", db_col(s, 11));
    snprintf(p->reason, sizeof(p->reason), "%s", db_col(s, 12));
}

static int page_by(struct store *st, const char *where, const char *text, int64_t num,
                   struct page_row *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct buf sql;
    int rc;

    buf_init(&sql);
    buf_addf(&sql, "SELECT %s FROM pages WHERE %s", page_cols, where);
    rc = db_prepare(st, &s, sql.s, e);
    buf_release(&sql);
    if (rc < 0)
        return rc;
    if (text)
        sqlite3_bind_text(s, 1, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(s, 1, num);
    if (sqlite3_step(s) == SQLITE_ROW) {
        fill_page(s, out);
        rc = 1;
    }
    sqlite3_finalize(s);
    return rc;
}

int page_find(struct store *st, const char *sha, struct page_row *out, struct berr *e)
{
    return page_by(st, "sha256 = ?", sha, 0, out, e);
}

int page_get(struct store *st, int64_t id, struct page_row *out, struct berr *e)
{
    int rc = page_by(st, "id = ?", NULL, id, out, e);

    if (rc == 0)
        return berr_set(e, BERR_NOTFOUND, "ページ %lld はありません", (long long)id);
    return rc < 0 ? rc : 0;
}

int page_find_issue(struct store *st, const char *issue_id, int page_no, struct page_row *out,
                    struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct buf sql;
    int rc;

    buf_init(&sql);
    buf_addf(&sql, "SELECT %s FROM pages WHERE issue_id = ? AND page_no = ? AND status <> 'rejected' "
                   "ORDER BY id LIMIT 1", page_cols);
    rc = db_prepare(st, &s, sql.s, e);
    buf_release(&sql);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, issue_id, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, page_no);
    if (sqlite3_step(s) == SQLITE_ROW) {
        fill_page(s, out);
        rc = 1;
    }
    sqlite3_finalize(s);
    return rc;
}

int pages_of_file(struct store *st, const char *file_sha, void (*fn)(int file_page, int64_t batch,
                  void *ctx), void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT file_page, batch_id FROM pages WHERE file_sha = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, file_sha, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW)
        fn(sqlite3_column_int(s, 0), sqlite3_column_int64(s, 1), ctx);
    sqlite3_finalize(s);
    return 0;
}

int page_store(struct store *st, const struct actor *a, const struct page_in *p,
               int64_t *page_id, struct berr *e)
{
    sqlite3_stmt *s = NULL, *r = NULL, *it = NULL;
    char now[32], box[96];
    int64_t *reading_ids = NULL;
    const char *status = p->reject_reason ? "rejected" : p->n_items > 0 ? "queued" : "landed";
    int rc = actor_require(a, PERM_INTAKE, e);

    if (rc < 0)
        return rc;
    store_now_iso(now);
    rc = db_prepare(st, &s,
        "INSERT INTO pages(sha256, batch_id, file_sha, file_page, source, status, reason, form, "
        "version, page_no, pages, subject, issue_id, dpi, skew, scale, residual, rotation, read_at, "
        "map, width_px, height_px) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, p->sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, p->batch_id);
    sqlite3_bind_text(s, 3, p->file_sha, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 4, p->file_page);
    sqlite3_bind_text(s, 5, p->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, status, -1, SQLITE_STATIC);
    db_bind_text(s, 7, p->reject_reason);
    db_bind_text(s, 8, p->form);
    if (p->form) {
        sqlite3_bind_int(s, 9, p->version);
        sqlite3_bind_int(s, 10, p->page_no);
        sqlite3_bind_int(s, 11, p->pages);
    }
    db_bind_text(s, 12, p->subject && *p->subject ? p->subject : NULL);
    db_bind_text(s, 13, p->issue_id && *p->issue_id ? p->issue_id : NULL);
    if (p->has_geometry) {
        if (p->dpi > 0)
            sqlite3_bind_int(s, 14, p->dpi);
        sqlite3_bind_double(s, 15, p->skew);
        sqlite3_bind_double(s, 16, p->scale);
        sqlite3_bind_double(s, 17, p->residual);
        sqlite3_bind_int(s, 18, p->rotation);
        char map[256];
        snprintf(map, sizeof(map), "%.6f %.6f %.4f %.6f %.6f %.4f", p->map[0], p->map[1], p->map[2],
                 p->map[3], p->map[4], p->map[5]);
        if (p->width_px > 0) {
            sqlite3_bind_text(s, 20, map, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int(s, 21, p->width_px);
            sqlite3_bind_int(s, 22, p->height_px);
        }
    }
    sqlite3_bind_text(s, 19, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE)
            rc = berr_set(e, BERR_CONFLICT, "%s: このページは取込済みです", p->source);
        else
            rc = db_fail(st, "ページの記録", e);
        goto cleanup;
    }
    *page_id = sqlite3_last_insert_rowid(st->db);
    reading_ids = xcalloc(p->n_readings + 1, sizeof(*reading_ids));
    rc = db_prepare(st, &r, "INSERT INTO readings(page_id, field, value, read_value, confidence, "
                            "decision, reason, box, crop) VALUES (?,?,?,?,?,?,?,?,?)", e);
    for (size_t i = 0; rc == 0 && i < p->n_readings; i++) {
        const struct reading_in *x = &p->readings[i];
        sqlite3_reset(r);
        sqlite3_bind_int64(r, 1, *page_id);
        sqlite3_bind_text(r, 2, x->field, -1, SQLITE_STATIC);
        db_bind_text(r, 3, x->value);
        db_bind_text(r, 4, x->read_value);
        sqlite3_bind_double(r, 5, x->confidence);
        sqlite3_bind_text(r, 6, x->decision, -1, SQLITE_STATIC);
        db_bind_text(r, 7, x->reason);
        snprintf(box, sizeof(box), "%.1f,%.1f,%.1f,%.1f", x->box[0], x->box[1], x->box[2], x->box[3]);
        sqlite3_bind_text(r, 8, box, -1, SQLITE_TRANSIENT);
        if (x->crop)
            sqlite3_bind_blob(r, 9, x->crop, (int)x->crop_len, SQLITE_STATIC);
        else
            sqlite3_bind_null(r, 9);
        if (sqlite3_step(r) != SQLITE_DONE)
            rc = db_fail(st, "読取結果の記録", e);
        reading_ids[i] = sqlite3_last_insert_rowid(st->db);
    }
    if (rc == 0)
        rc = db_prepare(st, &it, "INSERT INTO review_items(page_id, reading_id, field, kind, reason, "
                                 "risk, suggested, created_at) VALUES (?,?,?,?,?,?,?,?)", e);
    for (size_t i = 0; rc == 0 && i < p->n_items; i++) {
        const struct review_in *x = &p->items[i];
        sqlite3_reset(it);
        sqlite3_bind_int64(it, 1, *page_id);
        if (x->reading >= 0 && (size_t)x->reading < p->n_readings)
            sqlite3_bind_int64(it, 2, reading_ids[x->reading]);
        else
            sqlite3_bind_null(it, 2);
        sqlite3_bind_text(it, 3, x->field, -1, SQLITE_STATIC);
        sqlite3_bind_text(it, 4, x->kind, -1, SQLITE_STATIC);
        sqlite3_bind_text(it, 5, x->reason, -1, SQLITE_STATIC);
        sqlite3_bind_int(it, 6, x->risk);
        db_bind_text(it, 7, x->suggested);
        sqlite3_bind_text(it, 8, now, -1, SQLITE_STATIC);
        if (sqlite3_step(it) != SQLITE_DONE)
            rc = db_fail(st, "確認待ちの記録", e);
    }
cleanup:
    sqlite3_finalize(s);
    sqlite3_finalize(r);
    sqlite3_finalize(it);
    free(reading_ids);
    return rc;
}

int page_readings(struct store *st, int64_t page_id, reading_fn fn, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT id, field, value, read_value, decision, reason, confidence, "
                                "box FROM readings WHERE page_id = ? ORDER BY id", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, page_id);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct reading_row r;
        memset(&r, 0, sizeof(r));
        r.id = sqlite3_column_int64(s, 0);
        r.field = db_col(s, 1);
        r.value = sqlite3_column_type(s, 2) == SQLITE_NULL ? NULL : db_col(s, 2);
        r.read_value = sqlite3_column_type(s, 3) == SQLITE_NULL ? NULL : db_col(s, 3);
        r.decision = db_col(s, 4);
        r.reason = db_col(s, 5);
        r.confidence = sqlite3_column_double(s, 6);
        sscanf(db_col(s, 7), "%lf,%lf,%lf,%lf", &r.box[0], &r.box[1], &r.box[2], &r.box[3]);
        rc = fn(&r, ctx);
    }
    sqlite3_finalize(s);
    return rc;
}

int reading_page(struct store *st, int64_t reading_id, int64_t *page_id, char *field, size_t n,
                 struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT page_id, field FROM readings WHERE id = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, reading_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *page_id = sqlite3_column_int64(s, 0);
        snprintf(field, n, "%s", db_col(s, 1));
    } else {
        rc = berr_set(e, BERR_NOTFOUND, "読取 %lld はありません", (long long)reading_id);
    }
    sqlite3_finalize(s);
    return rc;
}

int reading_crop(struct store *st, int64_t reading_id, void **png, size_t *len, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT crop FROM readings WHERE id = ?", e);

    *png = NULL;
    *len = 0;
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, reading_id);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_BLOB) {
        *len = (size_t)sqlite3_column_bytes(s, 0);
        *png = xmalloc(*len);
        memcpy(*png, sqlite3_column_blob(s, 0), *len);
    } else {
        rc = berr_set(e, BERR_NOTFOUND, "読取 %lld の切り出し画像はありません", (long long)reading_id);
    }
    sqlite3_finalize(s);
    return rc;
}

int page_set_landed(struct store *st, int64_t page_id, const char *record_kind, int64_t record_id,
                    const char *subject, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc = db_prepare(st, &s, "UPDATE pages SET status = 'landed', record_kind = ?, record_id = ?, "
                                "subject = coalesce(?, subject), landed_at = ? WHERE id = ?", e);

    if (rc < 0)
        return rc;
    store_now_iso(now);
    db_bind_text(s, 1, record_kind);
    sqlite3_bind_int64(s, 2, record_id);
    db_bind_text(s, 3, subject);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, page_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "ページの更新", e);
    sqlite3_finalize(s);
    return rc;
}

int page_set_rejected(struct store *st, int64_t page_id, const char *reason, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "UPDATE pages SET status = 'rejected', reason = ? WHERE id = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, reason, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, page_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "ページの更新", e);
    sqlite3_finalize(s);
    return rc;
}

int batches_list(struct store *st, const struct actor *a, const char *name, batch_fn fn, void *ctx,
                 struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc, found = 0;

    if (!actor_can(a, PERM_INTAKE) && !actor_can(a, PERM_REVIEW))
        return actor_require(a, PERM_INTAKE, e);
    rc = db_prepare(st, &s,
        "SELECT b.id, b.name, b.by_user, b.started_at, coalesce(b.finished_at, ''), "
        "(SELECT count(*) FROM pages p WHERE p.batch_id = b.id), "
        "(SELECT count(*) FROM pages p WHERE p.batch_id = b.id AND p.status = 'landed'), "
        "(SELECT count(*) FROM pages p WHERE p.batch_id = b.id AND p.status = 'queued'), "
        "(SELECT count(*) FROM pages p WHERE p.batch_id = b.id AND p.status = 'rejected'), "
        "(SELECT count(*) FROM review_items r JOIN pages p ON p.id = r.page_id WHERE "
        "p.batch_id = b.id AND r.status = 'open') "
        "FROM batches b WHERE ?1 IS NULL OR b.name = ?1 ORDER BY b.id DESC", e);
    if (rc < 0)
        return rc;
    db_bind_text(s, 1, name);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct batch_row b = {
            sqlite3_column_int64(s, 0), db_col(s, 1), db_col(s, 2), db_col(s, 3), db_col(s, 4),
            sqlite3_column_int(s, 5), sqlite3_column_int(s, 6), sqlite3_column_int(s, 7),
            sqlite3_column_int(s, 8), sqlite3_column_int(s, 9),
        };
        found++;
        rc = fn(&b, ctx);
    }
    sqlite3_finalize(s);
    if (rc == 0 && name && !found)
        rc = berr_set(e, BERR_NOTFOUND, "バッチ「%s」はありません", name);
    return rc;
}

int batch_reconcile(struct store *st, const struct actor *a, int64_t batch_id, reconcile_fn fn,
                    void *ctx, struct berr *e)
{
    /* columns: kind, person, form, issue, detail, file, file page */
    static const char *const sql[] = {
        /* issued for a checkup month this batch covers, no page of it back (in any batch) */
        "SELECT '未提出', i.person, i.form, i.issue_id, i.month || '分' || "
        "coalesce(' 健診日 ' || i.checkup_date, ''), '', 0 FROM issues_printed i WHERE i.kind = 'form' AND "
        "i.returned_at IS NULL AND i.month IS NOT NULL AND EXISTS (SELECT 1 FROM pages p JOIN "
        "issues_printed j ON j.issue_id = p.issue_id WHERE p.batch_id = ?1 AND j.form = i.form AND "
        "j.month = i.month) AND NOT EXISTS (SELECT 1 FROM issues_printed k WHERE k.reissue_of = "
        "i.issue_id) AND NOT EXISTS (SELECT 1 FROM pages q WHERE q.issue_id = i.issue_id AND "
        "q.status <> 'rejected') ORDER BY i.form, i.person",
        /* came back, not landed yet: the child attended; never 未提出 */
        "SELECT '返送済・確認待ち', i.person, i.form, i.issue_id, i.month || '分 確認待ち ' || "
        "(SELECT count(*) FROM pages q WHERE q.issue_id = i.issue_id AND q.status = 'queued') || "
        "' ページ', '', 0 FROM issues_printed i WHERE i.kind = 'form' AND i.returned_at IS NULL AND "
        "i.issue_id IN (SELECT p.issue_id FROM pages p WHERE p.batch_id = ?1 AND p.status = "
        "'queued') ORDER BY i.form, i.person",
        /* a form that came back with a page missing */
        "SELECT 'ページ不足', coalesce(i.person, ''), i.form, i.issue_id, "
        "(SELECT count(DISTINCT p.page_no) FROM pages p WHERE p.issue_id = i.issue_id AND "
        "p.status <> 'rejected') || '/' || i.pages || ' ページ', '', 0 FROM issues_printed i WHERE "
        "i.issue_id IN (SELECT p.issue_id FROM pages p WHERE p.batch_id = ?1 AND p.status <> "
        "'rejected') AND (SELECT count(DISTINCT p.page_no) FROM pages p WHERE p.issue_id = "
        "i.issue_id AND p.status <> 'rejected') < i.pages ORDER BY i.issue_id",
        "SELECT '二重提出', coalesce(p.subject, ''), coalesce(p.form, ''), coalesce(p.issue_id, ''), "
        "r.reason, '', 0 FROM review_items r JOIN pages p ON p.id = r.page_id WHERE p.batch_id = ?1 "
        "AND r.kind = 'issue' AND r.reason LIKE '二重提出%' ORDER BY p.id",
        "SELECT '想定外', coalesce(p.subject, ''), coalesce(p.form, ''), coalesce(p.issue_id, ''), "
        "r.reason, '', 0 FROM review_items r JOIN pages p ON p.id = r.page_id WHERE p.batch_id = ?1 "
        "AND r.kind = 'issue' AND r.reason NOT LIKE '二重提出%' ORDER BY p.id",
        /* what a clerk must find to rescan or set aside */
        "SELECT '却下', coalesce(p.subject, ''), coalesce(p.form, ''), coalesce(p.issue_id, ''), "
        "coalesce(p.reason, ''), p.source, p.file_page + 1 FROM pages p WHERE p.batch_id = ?1 AND "
        "p.status = 'rejected' ORDER BY p.source, p.file_page",
    };
    int rc = 0, names = actor_can(a, PERM_RESIDENTS_READ);
    sqlite3_stmt *nm = NULL;

    if (!actor_can(a, PERM_INTAKE) && !actor_can(a, PERM_REVIEW))
        return actor_require(a, PERM_INTAKE, e);
    if (names)
        rc = db_prepare(st, &nm, "SELECT name FROM residents WHERE atena = ?", e);
    for (size_t k = 0; k < sizeof(sql) / sizeof(sql[0]) && rc == 0; k++) {
        sqlite3_stmt *s = NULL;
        rc = db_prepare(st, &s, sql[k], e);
        if (rc < 0)
            break;
        sqlite3_bind_int64(s, 1, batch_id);
        while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
            const char *file = db_col(s, 5), *slash = strrchr(file, '/');
            char *name = NULL;
            struct reconcile_row r = {
                .kind = db_col(s, 0), .person = db_col(s, 1), .form = db_col(s, 2),
                .issue_id = db_col(s, 3), .detail = db_col(s, 4), .file = slash ? slash + 1 : file,
                .file_page = sqlite3_column_int(s, 6), .name = "",
            };
            /* a rejection reason starts with the file's path: named apart already */
            size_t fl = strlen(file);
            if (fl && strncmp(r.detail, file, fl) == 0 && strncmp(r.detail + fl, ": ", 2) == 0)
                r.detail += fl + 2;
            if (names && r.person[0]) {
                sqlite3_reset(nm);
                sqlite3_bind_text(nm, 1, r.person, -1, SQLITE_TRANSIENT);
                if (sqlite3_step(nm) == SQLITE_ROW) {
                    name = xstrdup(db_col(nm, 0));
                    r.name = name;
                    rc = audit_append(st, a, "batches.show", r.person, "バッチの照合で氏名を表示", e);
                }
            }
            if (rc == 0)
                rc = fn(&r, ctx);
            free(name);
        }
        sqlite3_finalize(s);
    }
    sqlite3_finalize(nm);
    return rc;
}

int page_queue_item(struct store *st, int64_t page_id, const struct review_in *x, struct berr *e)
{
    sqlite3_stmt *s = NULL, *u = NULL;
    char now[32];
    int rc = db_prepare(st, &s, "INSERT INTO review_items(page_id, field, kind, reason, risk, "
                                "suggested, created_at) VALUES (?,?,?,?,?,?,?)", e);

    if (rc < 0)
        return rc;
    store_now_iso(now);
    sqlite3_bind_int64(s, 1, page_id);
    sqlite3_bind_text(s, 2, x->field, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, x->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, x->reason, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, x->risk);
    db_bind_text(s, 6, x->suggested);
    sqlite3_bind_text(s, 7, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "確認待ちの記録", e);
    if (rc == 0)
        rc = db_prepare(st, &u, "UPDATE pages SET status = 'queued' WHERE id = ?", e);
    if (rc == 0) {
        sqlite3_bind_int64(u, 1, page_id);
        if (sqlite3_step(u) != SQLITE_DONE)
            rc = db_fail(st, "ページの更新", e);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(u);
    return rc;
}

int page_geometry_get(struct store *st, int64_t page_id, struct page_geometry *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT skew IS NOT NULL, coalesce(dpi, 0), coalesce(rotation, 0), "
                                "coalesce(skew, 0), coalesce(scale, 0), coalesce(residual, 0), "
                                "coalesce(map, ''), coalesce(width_px, 0), coalesce(height_px, 0) "
                                "FROM pages WHERE id = ?", e);

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, page_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        out->has = sqlite3_column_int(s, 0);
        out->dpi = sqlite3_column_int(s, 1);
        out->rotation = sqlite3_column_int(s, 2);
        out->skew = sqlite3_column_double(s, 3);
        out->scale = sqlite3_column_double(s, 4);
        out->residual = sqlite3_column_double(s, 5);
        out->has_map = sscanf(db_col(s, 6), "%lf %lf %lf %lf %lf %lf", &out->map[0], &out->map[1],
                              &out->map[2], &out->map[3], &out->map[4], &out->map[5]) == 6;
        out->width_px = sqlite3_column_int(s, 7);
        out->height_px = sqlite3_column_int(s, 8);
        out->has_map = out->has_map && out->width_px > 0 && out->height_px > 0;
    } else {
        rc = berr_set(e, BERR_NOTFOUND, "ページ %lld はありません", (long long)page_id);
    }
    sqlite3_finalize(s);
    return rc;
}
