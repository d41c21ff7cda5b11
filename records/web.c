/*
 * web.c: passwords and lockout for the web UI (see records/web.h).  The
 * hash is libsodium's crypto_pwhash_str (argon2id, interactive limits);
 * locked_until is an ISO 8601 UTC time "YYYY-MM-DDTHH:MM:SSZ", so it
 * compares as text.
 * Sessions: the cookie's hash, its form token and last activity, one row
 * each in web_sessions.
 * Not for: cookies and HTTP (review/server.c).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/web.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void iso_utc(time_t t, char out[32])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int web_password_set(struct store *st, const struct actor *a, const char *login,
                     const char *password, struct berr *e)
{
    char hash[crypto_pwhash_STRBYTES];
    sqlite3_stmt *s = NULL;
    size_t n = strlen(password);
    int rc = 0;

    if (!(a != NULL && strcmp(a->login, login) == 0))
        rc = actor_require(a, PERM_USERS_ADMIN, e);
    if (rc < 0)
        return rc;
    if (n < WEB_PASSWORD_MIN || n > WEB_PASSWORD_MAX)
        return berr_set(e, BERR_INVALID, "パスワードは %d 文字以上 %d 文字以下にしてください",
                        WEB_PASSWORD_MIN, WEB_PASSWORD_MAX);
    if (crypto_pwhash_str(hash, password, n, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return berr_set(e, BERR_FAIL, "パスワードのハッシュ化に失敗しました (メモリ不足)");
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    rc = db_prepare(st, &s, "UPDATE users SET pw_hash = ?, failed_logins = 0, locked_until = NULL "
                            "WHERE login = ?", e);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "パスワードの設定", e);
        else if (sqlite3_changes(st->db) == 0)
            rc = berr_set(e, BERR_NOTFOUND, "利用者「%s」はいません (no such user)", login);
    }
    if (rc == 0) {
        char detail[128];
        snprintf(detail, sizeof(detail), "パスワード設定 %s", login);
        rc = audit_append(st, a, "users.passwd", NULL, detail, e);
    }
    if (rc < 0)
        store_rollback(st);
    else
        rc = store_commit(st, e);
cleanup:
    sqlite3_finalize(s);
    sodium_memzero(hash, sizeof(hash));
    return rc;
}

/* Records the outcome of an attempt: failures (0 resets) and the lock. */
static int set_failures(struct store *st, int64_t uid, int failures, const char *locked_until,
                        struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?",
                        e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int(s, 1, failures);
    db_bind_text(s, 2, locked_until);
    sqlite3_bind_int64(s, 3, uid);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "ログイン記録の更新", e);
    sqlite3_finalize(s);
    return rc;
}

/* A hash of a random password, verified against for unknown names (made once). */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_make(void)
{
    char pw[33];
    unsigned char b[16];

    randombytes_buf(b, sizeof(b));
    sodium_bin2hex(pw, sizeof(pw), b, sizeof(b));
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0';
}

int web_login(struct store *st, const char *login, const char *password, time_t now,
              struct actor *out, struct berr *e)
{
    /* one message for an unknown name, a wrong password and a locked account:
     * it never tells whether an account exists (the access log does, for admins) */
    static const char *const wrong = "利用者名またはパスワードが違います。5回続けて間違えると15分間"
                                     "ロックされ、その間は正しいパスワードでもログインできません";
    sqlite3_stmt *s = NULL;
    struct actor who;
    char now_iso[32], until[32], hash[crypto_pwhash_STRBYTES] = "", locked[32] = "";
    int64_t uid = 0;
    int failures = 0, found = 0, rc;

    memset(out, 0, sizeof(*out));
    memset(&who, 0, sizeof(who));
    iso_utc(now, now_iso);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "SELECT id, coalesce(pw_hash, ''), failed_logins, "
                            "coalesce(locked_until, '') FROM users WHERE login = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        found = 1;
        uid = sqlite3_column_int64(s, 0);
        snprintf(hash, sizeof(hash), "%s", db_col(s, 1));
        failures = sqlite3_column_int(s, 2);
        snprintf(locked, sizeof(locked), "%s", db_col(s, 3));
    }
    sqlite3_finalize(s);
    s = NULL;
    if (!found) {
        /* as long as a wrong password takes, so the time does not tell either */
        pthread_once(&dummy_once, dummy_make);
        if (crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
            found = 0;          /* cannot happen: a random password nobody knows */
        rc = berr_set(e, BERR_DENIED, "%s", wrong);
        goto cleanup;
    }
    who.user_id = uid;
    snprintf(who.login, sizeof(who.login), "%s", login);
    if (locked[0] && strcmp(locked, now_iso) > 0) {
        rc = audit_append(st, &who, "web.login_locked", NULL, "ロック中のログイン試行", e);
        if (rc == 0)
            rc = berr_set(e, BERR_DENIED, "%s", wrong);
        goto cleanup;
    }
    if (hash[0] == '\0' ||
        crypto_pwhash_str_verify(hash, password, strlen(password)) != 0) {
        failures = locked[0] ? 1 : failures + 1;
        if (failures >= WEB_LOCK_FAILURES) {
            iso_utc(now + WEB_LOCK_SECONDS, until);
            rc = set_failures(st, uid, 0, until, e);
            if (rc == 0)
                rc = audit_append(st, &who, "web.login_failed", NULL,
                                  "パスワード誤り (5回連続: 15分間ロック)", e);
        } else {
            rc = set_failures(st, uid, failures, NULL, e);
            if (rc == 0)
                rc = audit_append(st, &who, "web.login_failed", NULL, "パスワード誤り", e);
        }
        if (rc == 0)
            rc = berr_set(e, BERR_DENIED, "%s", wrong);
        goto cleanup;
    }
    rc = set_failures(st, uid, 0, NULL, e);
    if (rc == 0)
        rc = actor_for_login(st, login, out, e);
    if (rc == 0)
        rc = audit_append(st, out, "web.login", NULL, "ログイン", e);
cleanup:
    sqlite3_finalize(s);
    sodium_memzero(hash, sizeof(hash));
    /* a refused attempt is still recorded: commit unless the store failed */
    if (rc == BERR_FAIL) {
        store_rollback(st);
        return rc;
    }
    {
        struct berr ce;
        if (store_commit(st, &ce) < 0)
            return berr_set(e, BERR_FAIL, "%s", ce.msg);
    }
    return rc;
}

int web_person_records(struct store *st, const struct actor *a, const char *atena,
                       const char *reason, web_record_fn fn, void *ctx, struct berr *e)
{
    static const struct { const char *table, *sql; } q[] = {
        /* pages: the scanned pages that landed in the record (where a value is changed) */
        { "pregnancies", "SELECT todoke_date, weeks_at_todoke, due_date, parity, diagnosed_by, "
                         "issue_id, (SELECT group_concat(p.id) FROM pages p WHERE p.record_kind = "
                         "'pregnancy' AND p.record_id = x.id) AS pages FROM pregnancies x WHERE "
                         "mother = ? ORDER BY id" },
        { "vouchers", "SELECT form, kai, used_date, weeks, clinic_code, tests, amount_yen, "
                      "hearing_right, hearing_left, issue_id, "
                      "(SELECT group_concat(p.id) FROM pages p WHERE p.record_kind = 'voucher' AND "
                      "p.record_id = x.id) AS pages FROM vouchers x WHERE mother = ? ORDER BY form, kai, id" },
        { "checkups", "SELECT form, exam_date, height_cm, weight_kg, head_cm, chest_cm, findings, "
                      "result, referral_targets, issue_id, (SELECT group_concat(p.id) FROM pages p "
                      "WHERE p.record_kind = 'checkup' AND p.record_id = x.id) AS pages FROM "
                      "checkups x WHERE person = ? ORDER BY id" },
        { "referrals", "SELECT targets, result, result_date, issue_id, created_at, closed_at "
                       "FROM referrals WHERE person = ? ORDER BY id" },
        /* 新生児訪問指導票: one row per visit sheet */
        { "visits", "SELECT visit_date, visitor, subjects, weight_g, feeding, result, findings, "
                    "epds_total, epds_10, issue_id, (SELECT group_concat(p.id) FROM pages p WHERE "
                    "p.record_kind = 'visit' AND p.record_id = x.id) AS pages FROM visits x WHERE "
                    "person = ? ORDER BY visit_date, id" },
    };
    sqlite3_stmt *s = NULL;
    char detail[512];
    int rc = actor_require(a, PERM_RECORDS_READ, e);

    if (rc < 0)
        return rc;
    snprintf(detail, sizeof(detail), "記録の表示 (処理事由: %s)", reason ? reason : "");
    rc = audit_append(st, a, "web.person", atena, detail, e);
    for (size_t t = 0; rc == 0 && t < sizeof(q) / sizeof(q[0]); t++) {
        rc = db_prepare(st, &s, q[t].sql, e);
        if (rc < 0)
            break;
        sqlite3_bind_text(s, 1, atena, -1, SQLITE_STATIC);
        while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
            const char *names[32], *values[32];
            int n = sqlite3_column_count(s);
            if (n > 32)
                n = 32;
            for (int i = 0; i < n; i++) {
                names[i] = sqlite3_column_name(s, i);
                values[i] = db_col(s, i);
            }
            rc = fn(q[t].table, n, names, values, ctx);
        }
        sqlite3_finalize(s);
        s = NULL;
    }
    return rc;
}

/* ---- sessions ------------------------------------------------------------- */

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

static int valid_token(const char *token)
{
    if (token == NULL || strlen(token) != 64)
        return 0;
    for (const char *p = token; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return 0;
    return 1;
}

static void random_hex(char out[65])
{
    unsigned char b[32];

    randombytes_buf(b, sizeof(b));
    sodium_bin2hex(out, 65, b, sizeof(b));
    sodium_memzero(b, sizeof(b));
}

int web_session_start(struct store *st, const char *login, time_t now, int idle_seconds,
                      struct web_session *out, struct berr *e)
{
    sqlite3_stmt *s = NULL, *old = NULL;
    unsigned char h[32];
    int rc;

    memset(out, 0, sizeof(*out));
    random_hex(out->token);
    random_hex(out->csrf);
    snprintf(out->login, sizeof(out->login), "%s", login);
    out->last_seen = now;
    token_hash(out->token, h);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &old, "DELETE FROM web_sessions WHERE last_seen < ?", e);
    if (rc == 0) {
        sqlite3_bind_int64(old, 1, (sqlite3_int64)(now - idle_seconds));
        if (sqlite3_step(old) != SQLITE_DONE)
            rc = db_fail(st, "古いセッションの削除", e);
    }
    if (rc == 0)
        rc = db_prepare(st, &s, "INSERT INTO web_sessions(token_hash, login, csrf, created, last_seen) "
                                "VALUES (?, ?, ?, ?, ?)", e);
    if (rc == 0) {
        sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
        sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, out->csrf, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)now);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)now);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "セッションの記録", e);
    }
    sqlite3_finalize(old);
    sqlite3_finalize(s);
    if (rc < 0) {
        store_rollback(st);
        sodium_memzero(out, sizeof(*out));
        return rc;
    }
    rc = store_commit(st, e);
    if (rc < 0)
        sodium_memzero(out, sizeof(*out));
    return rc;
}

/* Deletes the session of hash h (the caller's transaction, or none). */
static int session_delete(struct store *st, const unsigned char h[32], struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "DELETE FROM web_sessions WHERE token_hash = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_blob(s, 1, h, 32, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "セッションの削除", e);
    sqlite3_finalize(s);
    return rc;
}

int web_session_find(struct store *st, const char *token, time_t now, int idle_seconds,
                     struct web_session *out, int *timed_out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    unsigned char h[32];
    time_t seen = 0;
    int rc, found = 0;

    memset(out, 0, sizeof(*out));
    *timed_out = 0;
    if (!valid_token(token))
        return 0;
    token_hash(token, h);
    rc = db_prepare(st, &s, "SELECT login, csrf, last_seen FROM web_sessions WHERE token_hash = ?", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_blob(s, 1, h, sizeof(h), SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        found = 1;
        snprintf(out->login, sizeof(out->login), "%s", db_col(s, 0));
        snprintf(out->csrf, sizeof(out->csrf), "%s", db_col(s, 1));
        seen = (time_t)sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (!found)
        return 0;
    if (now - seen > idle_seconds) {
        *timed_out = 1;
        sodium_memzero(out, sizeof(*out));
        rc = session_delete(st, h, e);
        return rc < 0 ? rc : 0;
    }
    snprintf(out->token, sizeof(out->token), "%s", token);
    out->last_seen = now;
    if (now - seen >= WEB_SESSION_TOUCH) {
        rc = db_prepare(st, &s, "UPDATE web_sessions SET last_seen = ? WHERE token_hash = ?", e);
        if (rc == 0) {
            sqlite3_bind_int64(s, 1, (sqlite3_int64)now);
            sqlite3_bind_blob(s, 2, h, sizeof(h), SQLITE_STATIC);
            if (sqlite3_step(s) != SQLITE_DONE)
                rc = db_fail(st, "セッションの更新", e);
        }
        sqlite3_finalize(s);
        if (rc < 0) {
            sodium_memzero(out, sizeof(*out));
            return rc;
        }
    }
    return 1;
}

int web_session_end(struct store *st, const char *token, struct berr *e)
{
    unsigned char h[32];

    if (!valid_token(token))
        return 0;
    token_hash(token, h);
    return session_delete(st, h, e);
}
