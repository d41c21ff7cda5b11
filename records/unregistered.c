/*
 * unregistered.c: people not in the resident master (住登外).  A mother who
 * lives here but whose 住民票 is elsewhere still notifies her pregnancy; she
 * becomes a person of boshi only when a nurse decides so, with a reason,
 * never by matching.  Her key is "U" + 9 digits.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/residents.h"

#include <stdio.h>
#include <string.h>

int unregistered_add(struct store *st, const struct actor *a, const char *name, const char *kana,
                     struct ymd birth, const char *address, const char *reason, char id_out[16],
                     struct berr *e)
{
    sqlite3_stmt *m = NULL, *s = NULL;
    char now[32], iso[11], detail[256];
    long long next = 1;
    int rc = actor_require(a, PERM_RECORDS_WRITE, e);

    id_out[0] = '\0';
    if (rc < 0)
        return rc;
    if (name == NULL || *name == '\0' || kana == NULL || !kana_is_katakana(kana))
        return berr_set(e, BERR_INVALID, "住登外の登録には氏名と全角カタカナのカナが必要です");
    if (!ymd_valid(birth) || ymd_cmp(birth, store_today(st)) > 0)
        return berr_set(e, BERR_INVALID, "住登外の登録: 生年月日が正しくありません");
    if (reason == NULL || *reason == '\0')
        return berr_set(e, BERR_INVALID, "住登外として登録する理由を入力してください");
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &m, "SELECT coalesce(max(CAST(substr(id, 2) AS INTEGER)), 0) + 1 FROM "
                            "persons_unregistered", e);
    if (rc == 0 && sqlite3_step(m) == SQLITE_ROW)
        next = sqlite3_column_int64(m, 0);
    snprintf(id_out, 16, "U%09lld", next % 1000000000LL);
    ymd_iso(birth, iso);
    store_now_iso(now);
    if (rc == 0)
        rc = db_prepare(st, &s, "INSERT INTO persons_unregistered(id, name, kana, birth, address, "
                                "reason, created_by, created_at) VALUES (?,?,?,?,?,?,?,?)", e);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, id_out, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, kana, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, iso, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, address ? address : "", -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, reason, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 7, a->login, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 8, now, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "住登外の登録", e);
    }
    snprintf(detail, sizeof(detail), "住登外として登録 事由: %.200s", reason);
    if (rc == 0)
        rc = audit_append(st, a, "records.unregistered", id_out, detail, e);
    sqlite3_finalize(m);
    sqlite3_finalize(s);
    if (rc < 0) {
        store_rollback(st);
        id_out[0] = '\0';
        return rc;
    }
    return store_commit(st, e);
}

int unregistered_exists(struct store *st, const char *id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT 1 FROM persons_unregistered WHERE id = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return rc;
}
