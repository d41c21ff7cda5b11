/*
 * keys.c: site key rotation (issue 15 "Key rotation", ARCHITECTURE.md §5)
 * and the QR keys intake accepts.
 *
 * A rotation makes a new site key and, in one transaction, re-encrypts
 * every 個人番号 ciphertext (residents and residents_history) under it,
 * recomputes every keyed 個人番号 index, records the epoch (key_epochs: the
 * new key's fingerprint, the one it replaced, the first access-log entry
 * chained under it, until when forms signed with the old key are taken in)
 * and names the new key in meta.key_id; the rotation's own audit entry is
 * the first one under the new key.  Files, in this order:
 *   1. <db>.key.new  the new key (fsync);
 *   2. <db>.key.old  every earlier key with the current one appended
 *                    (written as .tmp, fsync, rename; a key too many is
 *                    harmless, keys are found by fingerprint);
 *   3. the transaction commits;
 *   4. <db>.key.new is renamed to <db>.key.
 * Killed between 3 and 4, store_open finishes the rename (meta.key_id
 * names the key in .key.new); killed before 3, it removes .key.new.
 *
 * Earlier keys stay in <db>.key.old: the access log entries chained under
 * them are verified with them, and a purge mark (a keyed hash of a 宛名番号
 * that cannot be recomputed) is looked up under each.  They no longer
 * decrypt anything in the store.  Only the key replaced by the last
 * rotation signs forms intake still accepts, and only until old_qr_until
 * (setting keys.old_qr_until).  Other processes still holding the old key
 * (intake, serve) are refused their next write (store_key_current).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/store.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int write_key_file(const char *path, const void *data, size_t n, const struct stat *like,
                          struct berr *e)
{
    char *tmp = xasprintf("%s.tmp", path);
    int fd, rc = 0;

    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 鍵ファイルを作れません (%s)", tmp, strerror(errno));
        goto cleanup;
    }
    /* the same group and mode as the site key (a shared installation reads it by group) */
    if (like && (fchown(fd, (uid_t)-1, like->st_gid) < 0 || fchmod(fd, like->st_mode & 0640) < 0))
        rc = berr_set(e, BERR_FAIL, "%s: 権限を設定できません (%s)", tmp, strerror(errno));
    if (rc == 0 && (write(fd, data, n) != (ssize_t)n || fsync(fd) != 0))
        rc = berr_set(e, BERR_FAIL, "%s: 書き込みに失敗しました (%s)", tmp, strerror(errno));
    close(fd);
    if (rc == 0 && rename(tmp, path) != 0)
        rc = berr_set(e, BERR_FAIL, "%s: 名前を付けられません (%s)", path, strerror(errno));
cleanup:
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

static int fsync_dir(const char *path)
{
    char *d = xstrdup(path), *slash = strrchr(d, '/');
    int fd, rc;

    if (slash == d)
        d[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(d, ".");
    fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(d);
    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Re-encrypts the 個人番号 of every row of table under the new subkeys; *n counts them. */
static int rekey_table(struct store *st, const char *table, const unsigned char enc0[32],
                       const unsigned char enc1[32], const unsigned char idx1[32], long *n,
                       struct berr *e)
{
    sqlite3_stmt *s = NULL, *u = NULL;
    char *sel = xasprintf("SELECT rowid, mynumber_enc FROM %s WHERE mynumber_enc IS NOT NULL", table);
    char *upd = xasprintf("UPDATE %s SET mynumber_enc = ?, mynumber_idx = ? WHERE rowid = ?", table);
    int rc = db_prepare(st, &s, sel, e);

    if (rc == 0)
        rc = db_prepare(st, &u, upd, e);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        const unsigned char *in = sqlite3_column_blob(s, 1);
        int len = sqlite3_column_bytes(s, 1);
        unsigned char out[MYNUMBER_ENC_LEN], idx[16];
        char mn[13];
        if (len != MYNUMBER_ENC_LEN ||
            crypto_secretbox_open_easy((unsigned char *)mn, in + crypto_secretbox_NONCEBYTES,
                                       (unsigned long long)len - crypto_secretbox_NONCEBYTES, in,
                                       enc0) != 0) {
            rc = berr_set(e, BERR_FAIL, "%s の行 %lld: 個人番号を復号できません。鍵の更新を中止しました",
                          table, (long long)sqlite3_column_int64(s, 0));
            break;
        }
        mn[12] = '\0';
        randombytes_buf(out, crypto_secretbox_NONCEBYTES);
        crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, (const unsigned char *)mn, 12, out,
                              enc1);
        crypto_generichash(idx, 16, (const unsigned char *)mn, 12, idx1, 32);
        sodium_memzero(mn, sizeof(mn));
        sqlite3_reset(u);
        sqlite3_bind_blob(u, 1, out, sizeof(out), SQLITE_TRANSIENT);
        sqlite3_bind_blob(u, 2, idx, sizeof(idx), SQLITE_TRANSIENT);
        sqlite3_bind_int64(u, 3, sqlite3_column_int64(s, 0));
        if (sqlite3_step(u) != SQLITE_DONE)
            rc = db_fail(st, "個人番号の再暗号化", e);
        (*n)++;
    }
    sqlite3_finalize(s);
    sqlite3_finalize(u);
    free(sel);
    free(upd);
    return rc;
}

int keys_rotate(struct store *st, const struct actor *a, struct ymd old_until,
                struct keys_rotate_report *rep, struct berr *e)
{
    char *kp = xasprintf("%s.key", st->path), *np = xasprintf("%s.key.new", st->path);
    char *op = xasprintf("%s.key.old", st->path);
    unsigned char k0[32], k1[32], enc0[32], enc1[32], idx1[32];
    unsigned char (*ring)[32] = NULL;
    struct audit_verify_result v;
    struct stat like;
    sqlite3_stmt *s = NULL;
    char id0[17], id1[17], until[11], now[32], d[400];
    int rc = actor_require(a, PERM_KEYS_ROTATE, e), began = 0, switched = 0;
    int64_t head = 0;

    memset(rep, 0, sizeof(*rep));
    if (rc < 0)
        goto cleanup;
    if (st->depth != 0) {
        rc = berr_set(e, BERR_FAIL, "鍵の更新はトランザクションの外で実行してください");
        goto cleanup;
    }
    if (!ymd_valid(old_until) || ymd_cmp(old_until, store_today(st)) < 0) {
        rc = berr_set(e, BERR_INVALID, "旧鍵の受付期限は今日以降の日付にしてください");
        goto cleanup;
    }
    if (stat(kp, &like) < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: サイト鍵ファイルを調べられません (%s)", kp, strerror(errno));
        goto cleanup;
    }
    memcpy(k0, st->master, 32);
    key_fingerprint(k0, id0);
    randombytes_buf(k1, sizeof(k1));
    key_fingerprint(k1, id1);
    /* 1, 2: the files, before anything in the store names the new key */
    rc = write_key_file(np, k1, 32, &like, e);
    if (rc < 0)
        goto cleanup;
    ring = sodium_malloc((st->n_old + 1) * 32);
    if (ring == NULL) {
        rc = berr_set(e, BERR_FAIL, "メモリが足りません");
        goto cleanup;
    }
    if (st->n_old)
        memcpy(ring, st->old, st->n_old * 32);
    memcpy(ring[st->n_old], k0, 32);
    rc = write_key_file(op, ring, (st->n_old + 1) * 32, &like, e);
    if (rc < 0)
        goto cleanup;
    /* 3: one transaction */
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    began = 1;
    rc = store_key_current(st, e);
    if (rc < 0)
        goto cleanup;
    /* a chain that does not verify now would be blamed on the rotation later */
    rc = audit_chain_check(st, &v, e);
    if (rc == 0 && v.first_bad)
        rc = berr_set(e, BERR_FAIL, "アクセス記録の検証に失敗したため鍵を更新しません: %s", v.reason);
    if (rc < 0)
        goto cleanup;
    key_derive(k0, KEY_MYNUMBER_ENC, enc0);
    key_derive(k1, KEY_MYNUMBER_ENC, enc1);
    key_derive(k1, KEY_MYNUMBER_IDX, idx1);
    rc = rekey_table(st, "residents", enc0, enc1, idx1, &rep->residents, e);
    if (rc == 0)
        rc = rekey_table(st, "residents_history", enc0, enc1, idx1, &rep->history, e);
    if (rc < 0)
        goto cleanup;
    rc = db_prepare(st, &s, "SELECT coalesce((SELECT seq FROM audit_head WHERE id = 1), 0)", e);
    if (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
        head = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    s = NULL;
    ymd_iso(old_until, until);
    store_now_iso(now);
    if (rc == 0)
        rc = db_prepare(st, &s, "INSERT INTO key_epochs(key_id, prev_key_id, from_seq, rotated_at, "
                                "rotated_by, old_qr_until) VALUES (?, ?, ?, ?, ?, ?)", e);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, id1, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, id0, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, head + 1);
        sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 5, a->login, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, until, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "鍵の更新の記録", e);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = db_prepare(st, &s, "INSERT OR REPLACE INTO settings(key, value, set_by, set_at) "
                                "VALUES ('keys.old_qr_until', ?, ?, ?)", e);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, until, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, a->login, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "旧鍵の受付期限の保存", e);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = db_prepare(st, &s, "INSERT OR REPLACE INTO meta(key, value) VALUES ('key_id', ?)", e);
    if (rc == 0) {
        sqlite3_bind_text(s, 1, id1, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "鍵IDの保存", e);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc < 0)
        goto cleanup;
    /* from here on the store's key is the new one: the rotation's entry is its first */
    memcpy(st->master, k1, 32);
    memcpy(st->key_id, id1, sizeof(id1));
    switched = 1;
    snprintf(d, sizeof(d), "サイト鍵を更新: 鍵ID %s → %s、個人番号 %ld 件 (履歴 %ld 件) を再暗号化、"
             "旧鍵で署名した用紙は %s まで受付", id0, id1, rep->residents, rep->history, until);
    rc = audit_append(st, a, "keys.rotate", NULL, d, e);
    if (rc < 0)
        goto cleanup;
    rc = store_commit(st, e);
    began = 0;
    if (rc < 0) {
        memcpy(st->master, k0, 32);
        memcpy(st->key_id, id0, sizeof(id0));
        switched = 0;
        goto cleanup;
    }
    /* 4: the key file; if this fails, the next store_open finishes it */
    if (rename(np, kp) != 0 || fsync_dir(kp) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 新しい鍵に名前を付けられません (%s)。次に boshi を実行したとき"
                      "完了します", kp, strerror(errno));
        goto cleanup;
    }
    if (st->old)
        sodium_free(st->old);
    st->old = ring;
    st->n_old++;
    ring = NULL;
    memcpy(rep->old_id, id0, sizeof(id0));
    memcpy(rep->new_id, id1, sizeof(id1));
    rep->old_until = old_until;
cleanup:
    if (began)
        store_rollback(st);
    if (rc < 0 && began) {
        /* nothing committed: the new key is nobody's */
        unlink(np);
        if (switched) {
            memcpy(st->master, k0, 32);
            memcpy(st->key_id, id0, sizeof(id0));
        }
    } else if (rc < 0 && !switched) {
        unlink(np);
    }
    if (ring)
        sodium_free(ring);
    sodium_memzero(k0, sizeof(k0));
    sodium_memzero(k1, sizeof(k1));
    sodium_memzero(enc0, sizeof(enc0));
    sodium_memzero(enc1, sizeof(enc1));
    sodium_memzero(idx1, sizeof(idx1));
    free(kp);
    free(np);
    free(op);
    return rc;
}

int store_qr_keys(struct store *st, unsigned char cur[32], unsigned char old[32], int *has_old,
                  int *old_ok, struct ymd *until, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    const unsigned char *k = NULL;
    char *v = NULL;
    int rc;

    *has_old = 0;
    *old_ok = 0;
    memset(until, 0, sizeof(*until));
    store_key(st, KEY_QR_MAC, cur);
    rc = db_prepare(st, &s, "SELECT prev_key_id FROM key_epochs ORDER BY from_seq DESC LIMIT 1", e);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        k = store_key_by_id(st, db_col(s, 0));
    sqlite3_finalize(s);
    if (k == NULL)
        return 0;
    key_derive(k, KEY_QR_MAC, old);
    *has_old = 1;
    if (settings_get(st, "keys.old_qr_until", &v, e) == 0 && ymd_parse_iso(v, until) == 0)
        *old_ok = ymd_cmp(store_today(st), *until) <= 0;
    free(v);
    berr_clear(e);
    return 0;
}
