/*
 * shien.c: 支援措置 (住民票の閲覧制限: DV, stalking, child abuse and
 * similar), README "支援措置".  The resident master carries the flag
 * (residents.shien, residents.c); what follows from it lives here:
 *   - a 管理者's release (shien_release): until it, no letter boshi prints
 *     goes to a flagged person's address (the print jobs leave them out and
 *     list them apart); the release has a reason and an end, and is audited;
 *   - shien_released: whether a valid release exists today;
 *   - audit_flagged_views: the access-log entries of a month about flagged
 *     people, for the monthly access-log review.  audit_append marks every
 *     entry about a person flagged at the time (SHIEN_AUDIT_MARK in its
 *     detail); an entry about someone flagged later is listed too.
 * Not for: hiding the address on lists (the lists do it: reports/, cli/,
 * referrals.c), the flag's import (residents.c).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/residents.h"
#include "records/shien.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int shien_flagged(struct store *st, const char *atena, int *flagged, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT shien FROM residents WHERE atena = ?", e);

    *flagged = 0;
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, atena, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *flagged = sqlite3_column_int(s, 0) == 1;
    sqlite3_finalize(s);
    return 0;
}

int shien_release(struct store *st, const struct actor *a, const char *atena, const char *reason,
                  const struct ymd *until, struct ymd *until_out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct ymd today = store_today(st), end;
    char at[32], end_iso[11], end_s[48], detail[768];
    int rc = actor_require(a, PERM_SHIEN_RELEASE, e), flagged = 0, txn = 0;

    if (rc < 0)
        return rc;
    if (reason == NULL || *reason == '\0')
        return berr_set(e, BERR_INVALID, "送付を許可する理由を --reason で入力してください");
    /* default: 31 days, enough for this month's and next month's print runs */
    end = until != NULL && until->y ? *until : ymd_from_days(ymd_to_days(today) + 30);
    if (ymd_cmp(end, today) < 0)
        return berr_set(e, BERR_INVALID, "許可の期限 %04d-%02d-%02d は過ぎています", end.y, end.m,
                        end.d);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = db_prepare(st, &s, "SELECT shien FROM residents WHERE atena = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, atena, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = berr_set(e, BERR_NOTFOUND, "宛名番号「%s」の住民は記録ストアにいません", atena);
        goto cleanup;
    }
    flagged = sqlite3_column_int(s, 0) == 1;
    sqlite3_finalize(s);
    s = NULL;
    if (!flagged) {
        rc = berr_set(e, BERR_INVALID, "宛名番号「%s」の住民は支援措置の対象ではありません "
                      "(許可は不要です)", atena);
        goto cleanup;
    }
    ymd_iso(end, end_iso);
    store_now_iso(at);
    rc = db_prepare(st, &s, "INSERT INTO shien_releases(atena, reason, valid_until, by_user, at) "
                            "VALUES (?, ?, ?, ?, ?)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, atena, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, reason, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, end_iso, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, at, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = db_fail(st, "支援措置の送付許可", e);
        goto cleanup;
    }
    jpdate_format(end, end_s, sizeof(end_s));
    snprintf(detail, sizeof(detail), "支援措置: 住所あての通知の送付を許可 (%s まで) 事由: %s",
             end_s, reason);
    rc = audit_append(st, a, "shien.release", atena, detail, e);
    if (rc < 0)
        goto cleanup;
    txn = 0;
    rc = store_commit(st, e);
    if (rc == 0 && until_out != NULL)
        *until_out = end;
cleanup:
    sqlite3_finalize(s);
    if (txn)
        store_rollback(st);
    return rc;
}

int shien_released(struct store *st, const char *atena, int *released, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char today[11];
    int rc = db_prepare(st, &s, "SELECT EXISTS(SELECT 1 FROM shien_releases WHERE atena = ? AND "
                                "(valid_until IS NULL OR valid_until >= ?))", e);

    *released = 0;
    if (rc < 0)
        return rc;
    ymd_iso(store_today(st), today);
    sqlite3_bind_text(s, 1, atena, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, today, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW)
        *released = sqlite3_column_int(s, 0) == 1;
    sqlite3_finalize(s);
    return 0;
}

int shien_letter_held(struct store *st, const struct resident *child, const struct resident *guardian,
                      int *held, struct berr *e)
{
    const struct resident *who[2] = { child, guardian };
    int rc = 0;

    *held = 0;
    for (int i = 0; i < 2 && rc == 0 && !*held; i++) {
        int ok = 0;
        if (who[i] == NULL || !who[i]->shien)
            continue;
        rc = shien_released(st, who[i]->atena, &ok, e);
        if (rc == 0 && !ok)
            *held = 1;
    }
    return rc;
}

int audit_flagged_views(struct store *st, const struct actor *a, const char *month,
                        audit_row_fn fn, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct ymd first, next;
    char lo[32], hi[32], detail[96];
    int rc = actor_require(a, PERM_AUDIT_READ, e), txn = 0;

    if (rc < 0)
        return rc;
    if (month == NULL || strlen(month) != 7 || month[4] != '-' ||
        strspn(month, "0123456789") != 4 || strspn(month + 5, "0123456789") != 2 ||
        sscanf(month, "%4d-%2d", &first.y, &first.m) != 2 || first.m < 1 || first.m > 12)
        return berr_set(e, BERR_INVALID, "月が正しくありません「%s」(YYYY-MM)", month ? month : "");
    first.d = 1;
    next = ymd_add_months(first, 1);
    /* the month in Japan time: from 00:00 JST of the 1st */
    store_iso_at(jpdate_day_start(first), lo);
    store_iso_at(jpdate_day_start(next), hi);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    snprintf(detail, sizeof(detail), "支援措置対象者の閲覧記録の一覧 %s", month);
    rc = audit_append(st, a, "audit.flagged_views", NULL, detail, e);
    if (rc == 0)
        rc = db_prepare(st, &s, "SELECT seq, at, user, function, coalesce(person, ''), detail "
                                "FROM audit_log l WHERE at >= ?1 AND at < ?2 AND person IS NOT NULL "
                                "AND (instr(detail, ?3) > 0 OR EXISTS (SELECT 1 FROM residents r "
                                "WHERE r.atena = l.person AND r.shien = 1)) ORDER BY seq", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, SHIEN_AUDIT_MARK, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct audit_row r = {
            sqlite3_column_int64(s, 0), db_col(s, 1), db_col(s, 2), db_col(s, 3), db_col(s, 4),
            db_col(s, 5),
        };
        rc = fn(&r, ctx);
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
