/*
 * claims.c: claims of scanned files by intake workers (see records/claims.h).
 * Table intake_claims: file_sha, holder, until (Unix seconds), finished.
 */
#include "records/claims.h"
#include "records/records-internal.h"

#include <stdio.h>
#include <string.h>

int claim_take(struct store *st, const char *file_sha, const char *me, time_t now, int ttl,
               claim_dead_fn holder_dead, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char holder[160] = "";
    long long until = 0;
    int rc, found = 0, finished = 0, state;

    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "SELECT holder, until, finished FROM intake_claims WHERE file_sha = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, file_sha, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        found = 1;
        snprintf(holder, sizeof(holder), "%s", db_col(s, 0));
        until = sqlite3_column_int64(s, 1);
        finished = sqlite3_column_int(s, 2);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (found && finished) {
        state = CLAIM_FINISHED;
    } else if (found && strcmp(holder, me) != 0 && until >= (long long)now &&
               !(holder_dead && holder_dead(holder, ctx))) {
        state = CLAIM_HELD;
    } else {
        state = CLAIM_TAKEN;
        rc = db_prepare(st, &s, "INSERT INTO intake_claims(file_sha, holder, until, finished) "
                                "VALUES (?1, ?2, ?3, 0) ON CONFLICT(file_sha) DO UPDATE SET "
                                "holder = ?2, until = ?3, finished = 0", e);
        if (rc < 0)
            goto cleanup;
        sqlite3_bind_text(s, 1, file_sha, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, (sqlite3_int64)now + ttl);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "ファイルの取込担当の記録", e);
        sqlite3_finalize(s);
        s = NULL;
    }
cleanup:
    sqlite3_finalize(s);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    rc = store_commit(st, e);
    return rc < 0 ? rc : state;
}

int claim_renew(struct store *st, const char *file_sha, const char *me, time_t now, int ttl,
                struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "UPDATE intake_claims SET until = ? WHERE file_sha = ? AND holder = ? "
                                "AND finished = 0", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)now + ttl);
    sqlite3_bind_text(s, 2, file_sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, me, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "ファイルの取込担当の更新", e);
    sqlite3_finalize(s);
    return rc;
}

int claim_finish(struct store *st, const char *file_sha, const char *me, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "UPDATE intake_claims SET finished = 1 WHERE file_sha = ? AND holder = ?",
                        e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, file_sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, me, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "ファイルの取込完了の記録", e);
    sqlite3_finalize(s);
    return rc;
}
