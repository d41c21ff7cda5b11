/*
 * users.c: accounts, roles, per-function permissions and grants with expiry
 * (README.md "Roles").  A person's permissions today are the union of the
 * permissions of their unrevoked grants whose valid_until is today or later.
 * A disabled account, or one with no valid grant, can do nothing.
 * Not for: passwords and web sessions (review/ adds those).
 */
#include "records/records-internal.h"
#include "records/accounts.h"
#include "records/audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define P(x) (1u << (x))

static const struct { const char *name, *label; } perms[PERM_COUNT] = {
    [PERM_RESIDENTS_IMPORT] = { "residents.import", "住民記録の取込" },
    [PERM_RESIDENTS_READ] = { "residents.read", "住民記録の閲覧・検索" },
    [PERM_MYNUMBER_REVEAL] = { "mynumber.reveal", "個人番号の表示" },
    [PERM_FORMS_PRINT] = { "forms.print", "帳票・通知の印刷" },
    [PERM_TARGETS] = { "targets", "健診対象者の抽出" },
    [PERM_INTAKE] = { "intake", "スキャン取込" },
    [PERM_REVIEW] = { "review", "読取確認 (レビュー)" },
    [PERM_RECORDS_READ] = { "records.read", "母子保健記録の閲覧" },
    [PERM_RECORDS_WRITE] = { "records.write", "母子保健記録の更新" },
    [PERM_REPORTS] = { "reports", "統計・帳票の作成" },
    [PERM_USERS_ADMIN] = { "users.admin", "利用者・権限の管理" },
    [PERM_AUDIT_READ] = { "audit.read", "アクセス記録の閲覧・検証" },
    [PERM_PURGE] = { "purge", "保存期間経過データの削除" },
    [PERM_BACKUP] = { "backup", "記録ストアのバックアップ" },
    [PERM_KEYS_ROTATE] = { "keys.rotate", "サイト鍵の更新" },
    [PERM_EXPORT_PERSONAL] = { "export.personal", "個人情報を含む一覧の書き出し" },
    [PERM_SHIEN_RELEASE] = { "shien.release", "支援措置対象者への通知の送付許可" },
};

static const struct role role_jimu = {
    "事務", "jimu",
    P(PERM_RESIDENTS_READ) | P(PERM_FORMS_PRINT) | P(PERM_TARGETS) | P(PERM_INTAKE) |
        P(PERM_EXPORT_PERSONAL),
};
static const struct role role_hokenshi = {
    "保健師", "hokenshi",
    P(PERM_RESIDENTS_READ) | P(PERM_FORMS_PRINT) | P(PERM_REVIEW) | P(PERM_RECORDS_READ) |
        P(PERM_RECORDS_WRITE) | P(PERM_EXPORT_PERSONAL),
};
static const struct role role_kanri = {
    "管理者", "kanri",
    P(PERM_RESIDENTS_READ) | P(PERM_RECORDS_READ) | P(PERM_REPORTS) | P(PERM_FORMS_PRINT) |
        P(PERM_TARGETS) | P(PERM_EXPORT_PERSONAL) | P(PERM_SHIEN_RELEASE),
};
static const struct role role_admin = {
    "システム管理者", "admin",
    P(PERM_USERS_ADMIN) | P(PERM_AUDIT_READ) | P(PERM_PURGE) | P(PERM_RESIDENTS_IMPORT) |
        P(PERM_MYNUMBER_REVEAL) | P(PERM_BACKUP) | P(PERM_KEYS_ROTATE),
};
static const struct role *const roles[] = { &role_jimu, &role_hokenshi, &role_kanri, &role_admin, NULL };

const char *perm_name(enum perm p)
{
    return p < PERM_COUNT ? perms[p].name : "?";
}

const char *perm_label(enum perm p)
{
    return p < PERM_COUNT ? perms[p].label : "?";
}

int perm_from_name(const char *name)
{
    for (int i = 0; i < PERM_COUNT; i++)
        if (strcmp(perms[i].name, name) == 0)
            return i;
    return -1;
}

const struct role *role_lookup(const char *name)
{
    for (size_t i = 0; roles[i] != NULL; i++)
        if (strcmp(roles[i]->name, name) == 0 || strcmp(roles[i]->alias, name) == 0)
            return roles[i];
    return NULL;
}

const struct role *const *role_all(void)
{
    return roles;
}

/* Permission bits a grant's `what` confers (a role or one permission). */
static uint32_t grant_perms(const char *what)
{
    const struct role *r = role_lookup(what);
    int p;

    if (r != NULL)
        return r->perms;
    p = perm_from_name(what);
    return p >= 0 ? P(p) : 0;
}

static int load_actor(struct store *st, const char *col, const char *value, struct actor *out,
                      struct berr *e)
{
    sqlite3_stmt *s = NULL, *g = NULL;
    char sql[160], today[11];
    int rc = 0, disabled, any_grant = 0;

    memset(out, 0, sizeof(*out));
    snprintf(sql, sizeof(sql), "SELECT id, login, display_name, disabled FROM users WHERE %s = ?",
             col);
    rc = db_prepare(st, &s, sql, e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, value, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = berr_set(e, BERR_DENIED,
                      "「%s」に対応する boshi の利用者がいません。システム管理者に登録を依頼してください "
                      "(no boshi account for OS user '%s')", value, value);
        goto cleanup;
    }
    out->user_id = sqlite3_column_int64(s, 0);
    snprintf(out->login, sizeof(out->login), "%s", db_col(s, 1));
    snprintf(out->display_name, sizeof(out->display_name), "%s", db_col(s, 2));
    disabled = sqlite3_column_int(s, 3);
    if (disabled) {
        rc = berr_set(e, BERR_DENIED, "利用者「%s」は無効化されています (account disabled)", out->login);
        goto cleanup;
    }
    rc = db_prepare(st, &g, "SELECT what, valid_until FROM grants WHERE user_id = ? AND "
                            "revoked_at IS NULL", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(g, 1, out->user_id);
    ymd_iso(store_today(st), today);
    while (sqlite3_step(g) == SQLITE_ROW) {
        any_grant = 1;
        if (strcmp(db_col(g, 1), today) >= 0)
            out->perms |= grant_perms(db_col(g, 0));
    }
    if (out->perms == 0) {
        rc = berr_set(e, BERR_DENIED,
                      "利用者「%s」には有効な権限がありません%s (no valid grant)", out->login,
                      any_grant ? " (期限切れ)" : "");
        goto cleanup;
    }
cleanup:
    sqlite3_finalize(s);
    sqlite3_finalize(g);
    return rc;
}

int actor_for_os_user(struct store *st, const char *os_user, struct actor *out, struct berr *e)
{
    return load_actor(st, "os_user", os_user, out, e);
}

int actor_for_login(struct store *st, const char *login, struct actor *out, struct berr *e)
{
    return load_actor(st, "login", login, out, e);
}

int actor_can(const struct actor *a, enum perm p)
{
    return a != NULL && p < PERM_COUNT && (a->perms & P(p)) != 0;
}

int actor_require(const struct actor *a, enum perm p, struct berr *e)
{
    if (actor_can(a, p))
        return 0;
    return berr_set(e, BERR_DENIED, "権限がありません: %s (%s) / permission denied: %s",
                    perm_label(p), a ? a->login : "?", perm_name(p));
}

static int valid_login(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n >= 64)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.'))
            return 0;
    }
    return 1;
}

static int user_id(struct store *st, const char *login, int64_t *id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT id FROM users WHERE login = ?", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *id = sqlite3_column_int64(s, 0);
    else
        rc = berr_set(e, BERR_NOTFOUND, "利用者「%s」はいません (no such user)", login);
    sqlite3_finalize(s);
    return rc;
}

static int insert_user(struct store *st, const char *login, const char *display_name,
                       const char *os_user, int64_t *id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc;

    for (const char *p = display_name ? display_name : "", *q = p; *p; p++) {
        if (*p < '0' || *p > '9')
            q = p + 1;
        else if (p - q + 1 >= 12)
            return berr_set(e, BERR_INVALID, "氏名に12桁以上の数字は使えません (個人番号の可能性)");
    }
    if (!valid_login(login))
        return berr_set(e, BERR_INVALID,
                        "利用者名「%s」は使えません (英数字と _ - . で63文字まで)", login);
    store_now_iso(now);
    rc = db_prepare(st, &s, "INSERT INTO users(login, os_user, display_name, created_at) "
                            "VALUES (?, ?, ?, ?)", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, os_user ? os_user : login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, display_name ? display_name : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE)
            rc = berr_set(e, BERR_CONFLICT, "利用者「%s」または OS ユーザー「%s」は既に登録されています",
                          login, os_user ? os_user : login);
        else
            rc = db_fail(st, "利用者の登録", e);
    }
    sqlite3_finalize(s);
    *id = sqlite3_last_insert_rowid(st->db);
    return rc;
}

static int insert_grant(struct store *st, int64_t uid, const char *what, struct ymd until,
                        const char *by, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32], u[11];
    int rc = db_prepare(st, &s, "INSERT INTO grants(user_id, what, valid_until, granted_by, "
                                "granted_at) VALUES (?, ?, ?, ?, ?)", e);

    if (rc < 0)
        return rc;
    store_now_iso(now);
    ymd_iso(until, u);
    sqlite3_bind_int64(s, 1, uid);
    sqlite3_bind_text(s, 2, what, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, u, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, by, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "権限の付与", e);
    sqlite3_finalize(s);
    return rc;
}

int users_bootstrap(struct store *st, const char *os_user, struct berr *e)
{
    struct actor sys;
    int64_t uid = 0;
    int rc;
    struct ymd until = ymd_fiscal_year_end(store_today(st));

    memset(&sys, 0, sizeof(sys));
    snprintf(sys.login, sizeof(sys.login), "%s", os_user);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = insert_user(st, os_user, os_user, os_user, &uid, e);
    for (size_t i = 0; rc == 0 && roles[i] != NULL; i++)
        rc = insert_grant(st, uid, roles[i]->name, until, "boshi init", e);
    sys.user_id = uid;
    if (rc == 0)
        rc = audit_append(st, &sys, "store.init", NULL, "記録ストア作成、初期利用者に全ロールを付与", e);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, e);
}

/* Runs one change as a transaction with its audit entry. */
static int admin_begin(struct store *st, const struct actor *a, struct berr *e)
{
    int rc = actor_require(a, PERM_USERS_ADMIN, e);

    if (rc == 0)
        rc = store_begin(st, e);
    return rc;
}

static int admin_end(struct store *st, const struct actor *a, int rc, const char *function,
                     const char *detail, struct berr *e)
{
    if (rc == 0)
        rc = audit_append(st, a, function, NULL, detail, e);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, e);
}

int users_add(struct store *st, const struct actor *a, const char *login,
              const char *display_name, const char *os_user, struct berr *e)
{
    int64_t uid;
    char detail[256];
    int rc = admin_begin(st, a, e);

    if (rc < 0)
        return rc;
    rc = insert_user(st, login, display_name, os_user, &uid, e);
    snprintf(detail, sizeof(detail), "利用者追加 %s (OS: %s)", login, os_user ? os_user : login);
    return admin_end(st, a, rc, "users.add", detail, e);
}

int users_grant(struct store *st, const struct actor *a, const char *login, const char *what,
                const struct ymd *until, struct berr *e)
{
    int64_t uid;
    char detail[256], u[11];
    struct ymd end = until ? *until : ymd_fiscal_year_end(store_today(st));
    const struct role *r = role_lookup(what);
    const char *canon = r ? r->name : what;
    int rc;

    if (r == NULL && perm_from_name(what) < 0)
        return berr_set(e, BERR_INVALID,
                        "「%s」はロールでも権限でもありません (ロール: 事務 保健師 管理者 システム管理者)",
                        what);
    if (ymd_cmp(end, store_today(st)) < 0)
        return berr_set(e, BERR_INVALID, "有効期限が過去の日付です");
    rc = admin_begin(st, a, e);
    if (rc < 0)
        return rc;
    rc = user_id(st, login, &uid, e);
    if (rc == 0)
        rc = insert_grant(st, uid, canon, end, a->login, e);
    ymd_iso(end, u);
    snprintf(detail, sizeof(detail), "権限付与 %s: %s (%sまで)", login, canon, u);
    return admin_end(st, a, rc, "users.grant", detail, e);
}

int users_revoke(struct store *st, const struct actor *a, const char *login, const char *what,
                 struct berr *e)
{
    int64_t uid;
    char detail[256], now[32];
    const struct role *r = role_lookup(what);
    const char *canon = r ? r->name : what;
    sqlite3_stmt *s = NULL;
    int rc = admin_begin(st, a, e);

    if (rc < 0)
        return rc;
    rc = user_id(st, login, &uid, e);
    if (rc == 0)
        rc = db_prepare(st, &s, "UPDATE grants SET revoked_at = ?, revoked_by = ? WHERE "
                                "user_id = ? AND what = ? AND revoked_at IS NULL", e);
    if (rc == 0) {
        store_now_iso(now);
        sqlite3_bind_text(s, 1, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, a->login, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, uid);
        sqlite3_bind_text(s, 4, canon, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "権限の取消", e);
        else if (sqlite3_changes(st->db) == 0)
            rc = berr_set(e, BERR_NOTFOUND, "利用者「%s」に「%s」の付与はありません", login, canon);
    }
    sqlite3_finalize(s);
    snprintf(detail, sizeof(detail), "権限取消 %s: %s", login, canon);
    return admin_end(st, a, rc, "users.revoke", detail, e);
}

static int set_disabled(struct store *st, const struct actor *a, const char *login, int v,
                        struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char detail[256];
    int rc = admin_begin(st, a, e);

    if (rc < 0)
        return rc;
    if (v && strcmp(login, a->login) == 0)
        rc = berr_set(e, BERR_INVALID, "自分自身は無効化できません");
    if (rc == 0)
        rc = db_prepare(st, &s, "UPDATE users SET disabled = ? WHERE login = ?", e);
    if (rc == 0) {
        sqlite3_bind_int(s, 1, v);
        sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "利用者の更新", e);
        else if (sqlite3_changes(st->db) == 0)
            rc = berr_set(e, BERR_NOTFOUND, "利用者「%s」はいません (no such user)", login);
    }
    sqlite3_finalize(s);
    snprintf(detail, sizeof(detail), "%s %s", v ? "利用者無効化" : "利用者有効化", login);
    return admin_end(st, a, rc, v ? "users.disable" : "users.enable", detail, e);
}

int users_disable(struct store *st, const struct actor *a, const char *login, struct berr *e)
{
    return set_disabled(st, a, login, 1, e);
}

int users_enable(struct store *st, const struct actor *a, const char *login, struct berr *e)
{
    return set_disabled(st, a, login, 0, e);
}

int users_list(struct store *st, const struct actor *a, user_row_fn fn, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL, *g = NULL;
    struct buf gb;
    char today[11];
    int rc = actor_require(a, PERM_USERS_ADMIN, e);

    buf_init(&gb);
    if (rc < 0)
        goto cleanup;
    rc = db_prepare(st, &s, "SELECT id, login, display_name, os_user, disabled FROM users "
                            "ORDER BY login", e);
    if (rc == 0)
        rc = db_prepare(st, &g, "SELECT what, valid_until FROM grants WHERE user_id = ? AND "
                                "revoked_at IS NULL ORDER BY id", e);
    if (rc < 0)
        goto cleanup;
    ymd_iso(store_today(st), today);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct user_row r;
        buf_reset(&gb);
        memset(&r, 0, sizeof(r));
        sqlite3_reset(g);
        sqlite3_bind_int64(g, 1, sqlite3_column_int64(s, 0));
        while (sqlite3_step(g) == SQLITE_ROW) {
            int valid = strcmp(db_col(g, 1), today) >= 0;
            char until[48];
            struct ymd u;
            /* for people: 和暦 */
            if (ymd_parse_iso(db_col(g, 1), &u) == 0)
                jpdate_format(u, until, sizeof(until));
            else
                snprintf(until, sizeof(until), "%s", db_col(g, 1));
            buf_addf(&gb, "%s%s(%s%s)", gb.len ? ", " : "", db_col(g, 0), until,
                     valid ? "まで" : " 期限切れ");
            if (valid)
                r.perms_today |= grant_perms(db_col(g, 0));
        }
        r.login = db_col(s, 1);
        r.display_name = db_col(s, 2);
        r.os_user = db_col(s, 3);
        r.disabled = sqlite3_column_int(s, 4);
        r.grants = gb.s;
        rc = fn(&r, ctx);
    }
cleanup:
    sqlite3_finalize(s);
    sqlite3_finalize(g);
    buf_release(&gb);
    return rc;
}

int users_set_address(struct store *st, const struct actor *a, const char *login,
                      const char *address, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char detail[256];
    int clear = address == NULL || *address == '\0';
    int rc;

    if (!clear && strlen(address) > 300)
        return berr_set(e, BERR_INVALID, "住所が長すぎます (300 バイトまで)");
    rc = admin_begin(st, a, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "UPDATE users SET address = ? WHERE login = ?", e);
    if (rc == 0) {
        db_bind_text(s, 1, clear ? NULL : address);
        sqlite3_bind_text(s, 2, login, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "利用者の更新", e);
        else if (sqlite3_changes(st->db) == 0)
            rc = berr_set(e, BERR_NOTFOUND, "利用者「%s」はいません (no such user)", login);
    }
    sqlite3_finalize(s);
    /* the address itself stays out of the log: it is the operator's own personal data */
    snprintf(detail, sizeof(detail), "%s %s", clear ? "利用者の住所を削除" : "利用者の住所を設定", login);
    return admin_end(st, a, rc, "users.address", detail, e);
}
