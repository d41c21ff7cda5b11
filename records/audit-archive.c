/*
 * audit-archive.c: retiring old access-log entries into a signed archive
 * file (`boshi audit archive`) and proving such a file later (`boshi audit
 * verify --archive`).
 *
 * The file is gzip (libarchive, raw format) of JSON lines: a header (format,
 * seq range, the mac before the first entry and of the last, count, cutoff,
 * the signing public key), one line per entry exactly as stored (seq, at,
 * user, function, person, detail, mac), and a last line holding an Ed25519
 * signature (crypto_sign multi-part, Ed25519ph) over every byte before it.
 * The signing key is derived from the audit subkey of the site key, so only
 * a holder of the site key can make or check an archive's chain, and the
 * public key in the header lets anyone check that the file is unchanged.
 *
 * In the store, audit_archives keeps each archive's range, its last mac and
 * the file's digest: audit_verify starts the remaining chain from the last
 * checkpoint, and a file is tied to its checkpoint by both.
 */
#include "records/records-internal.h"
#include "records/audit.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARCHIVE_FORMAT "boshi-audit-archive/1"

/* The Ed25519 key pair of archives, from a site key's audit subkey. */
static void signing_keys(const unsigned char master[32], unsigned char pk[crypto_sign_PUBLICKEYBYTES],
                         unsigned char sk[crypto_sign_SECRETKEYBYTES])
{
    unsigned char k[32], seed[crypto_sign_SEEDBYTES];
    static const char ctx[] = "boshi audit archive signing key";

    key_derive(master, KEY_AUDIT, k);
    crypto_generichash(seed, sizeof(seed), (const unsigned char *)ctx, sizeof(ctx) - 1, k, sizeof(k));
    crypto_sign_seed_keypair(pk, sk, seed);
    sodium_memzero(k, sizeof(k));
    sodium_memzero(seed, sizeof(seed));
}

/* One JSON line (with its newline) into the archive and the signature; 0 or BERR_FAIL. */
static int put_line(struct archive *ar, crypto_sign_state *sig, json_t *obj, const char *path,
                    struct berr *e)
{
    char *text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
    int rc = 0;

    if (text == NULL)
        return berr_set(e, BERR_FAIL, "%s: 保管庫ファイルを作れません (JSON)", path);
    size_t n = strlen(text);
    text[n] = '\n';
    if (archive_write_data(ar, text, n + 1) != (la_ssize_t)(n + 1))
        rc = berr_set(e, BERR_FAIL, "%s: 保管庫ファイルを書けません (%s)", path,
                      archive_error_string(ar));
    if (sig)
        crypto_sign_update(sig, (const unsigned char *)text, n + 1);
    free(text);
    return rc;
}

static int sha256_file(const char *path, char out[65], struct berr *e)
{
    FILE *f = fopen(path, "rb");
    crypto_hash_sha256_state h;
    unsigned char buf[65536], d[32];
    size_t n;

    if (f == NULL)
        return berr_set(e, BERR_FAIL, "%s: 開けません (%s)", path, strerror(errno));
    crypto_hash_sha256_init(&h);
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        crypto_hash_sha256_update(&h, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return berr_set(e, BERR_FAIL, "%s: 読めません", path);
    crypto_hash_sha256_final(&h, d);
    sodium_bin2hex(out, 65, d, sizeof(d));
    return 0;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

/* Writes entries first..last of the store's log to tmp; 0 or an error. */
static int write_archive(struct store *st, const char *tmp, const char *path, int64_t first,
                         int64_t last, const char *prev_mac, const char *last_mac, int64_t n,
                         const char *before_iso, struct berr *e)
{
    struct archive *ar = archive_write_new();
    struct archive_entry *ent = archive_entry_new();
    sqlite3_stmt *s = NULL;
    crypto_sign_state sig;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char signature[crypto_sign_BYTES];
    char pk_hex[2 * crypto_sign_PUBLICKEYBYTES + 1], sig_hex[2 * crypto_sign_BYTES + 1], now[32];
    json_t *o = NULL;
    int rc = 0;

    /* the key the archive's own entry (audit.archive, right after it) is chained under */
    signing_keys(st->master, pk, sk);
    sodium_bin2hex(pk_hex, sizeof(pk_hex), pk, sizeof(pk));
    crypto_sign_init(&sig);
    if (ar == NULL || ent == NULL || archive_write_add_filter_gzip(ar) != ARCHIVE_OK ||
        archive_write_set_format_raw(ar) != ARCHIVE_OK ||
        archive_write_open_filename(ar, tmp) != ARCHIVE_OK) {
        rc = berr_set(e, BERR_FAIL, "%s: 保管庫ファイルを作れません (%s)", path,
                      ar ? archive_error_string(ar) : "libarchive");
        goto cleanup;
    }
    archive_entry_set_pathname(ent, "audit.jsonl");
    archive_entry_set_filetype(ent, AE_IFREG);
    archive_entry_set_perm(ent, 0600);
    if (archive_write_header(ar, ent) != ARCHIVE_OK) {
        rc = berr_set(e, BERR_FAIL, "%s: 保管庫ファイルを作れません (%s)", path, archive_error_string(ar));
        goto cleanup;
    }
    store_now_iso(now);
    o = json_pack("{s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s}", "format", ARCHIVE_FORMAT,
                  "first_seq", (json_int_t)first, "last_seq", (json_int_t)last, "entries",
                  (json_int_t)n, "prev_mac", prev_mac, "last_mac", last_mac, "before", before_iso,
                  "archived_at", now, "public_key", pk_hex);
    rc = put_line(ar, &sig, o, path, e);
    json_decref(o);
    o = NULL;
    if (rc < 0)
        goto cleanup;
    rc = db_prepare(st, &s, "SELECT seq, at, user, function, person, detail, mac FROM audit_log "
                            "WHERE seq BETWEEN ? AND ? ORDER BY seq", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, first);
    sqlite3_bind_int64(s, 2, last);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        o = json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s}", "seq",
                      (json_int_t)sqlite3_column_int64(s, 0), "at", db_col(s, 1), "user", db_col(s, 2),
                      "function", db_col(s, 3), "person",
                      sqlite3_column_type(s, 4) == SQLITE_NULL ? json_null() : json_string(db_col(s, 4)),
                      "detail", db_col(s, 5), "mac", db_col(s, 6));
        rc = o ? put_line(ar, &sig, o, path, e)
               : berr_set(e, BERR_FAIL, "%s: 記録 %lld を書けません", path,
                          (long long)sqlite3_column_int64(s, 0));
        json_decref(o);
        o = NULL;
    }
    if (rc < 0)
        goto cleanup;
    crypto_sign_final_create(&sig, signature, NULL, sk);
    sodium_bin2hex(sig_hex, sizeof(sig_hex), signature, sizeof(signature));
    o = json_pack("{s:s}", "signature", sig_hex);
    rc = put_line(ar, NULL, o, path, e);
    if (rc < 0)
        goto cleanup;
    if (archive_write_close(ar) != ARCHIVE_OK)
        rc = berr_set(e, BERR_FAIL, "%s: 保管庫ファイルを書けません (%s)", path, archive_error_string(ar));
cleanup:
    json_decref(o);
    sqlite3_finalize(s);
    if (ent)
        archive_entry_free(ent);
    if (ar)
        archive_write_free(ar);
    sodium_memzero(sk, sizeof(sk));
    return rc;
}

int audit_archive(struct store *st, const struct actor *a, struct ymd before, const char *path,
                  struct audit_archive_result *out, struct berr *e)
{
    sqlite3_stmt *s = NULL, *ins = NULL, *trig = NULL;
    char *ret = NULL, *tmp = NULL, *trigger_sql = NULL;
    char before_iso[32], prev_mac[65] = "", last_mac[65] = "", day[11], detail[400];
    int64_t first = 1, last = 0, n = 0;
    int rc, years, written = 0, began = 0;
    struct stat sb;

    memset(out, 0, sizeof(*out));
    rc = actor_require(a, PERM_AUDIT_READ, e);
    if (rc == 0)
        rc = actor_require(a, PERM_PURGE, e);
    if (rc < 0)
        return rc;
    rc = settings_get(st, "audit.retention_years", &ret, e);
    if (rc < 0)
        goto cleanup;
    years = (int)strtol(ret, NULL, 10);
    if (years < 3)
        years = 3;
    struct ymd today = store_today(st), limit = today;
    limit.y -= years;
    if (limit.m == 2 && limit.d == 29)
        limit.d = 28;
    if (ymd_cmp(before, limit) > 0) {
        char l[40];
        jpdate_format(limit, l, sizeof(l));
        rc = berr_set(e, BERR_INVALID, "--before: アクセス記録は %d 年間記録ストアに残します。"
                      "保管庫へ移せるのは %s より前の記録までです", years, l);
        goto cleanup;
    }
    if (lstat(path, &sb) == 0) {
        rc = berr_set(e, BERR_CONFLICT, "%s: すでにあります。別の名前を指定してください", path);
        goto cleanup;
    }
    store_iso_at(jpdate_day_start(before), before_iso);
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    began = 1;
    /* the checkpoint the store's chain starts from */
    rc = db_prepare(st, &s, "SELECT last_seq, last_mac FROM audit_archives ORDER BY last_seq DESC "
                            "LIMIT 1", e);
    if (rc < 0)
        goto cleanup;
    if (sqlite3_step(s) == SQLITE_ROW) {
        first = sqlite3_column_int64(s, 0) + 1;
        snprintf(prev_mac, sizeof(prev_mac), "%s", db_col(s, 1));
    }
    sqlite3_finalize(s);
    s = NULL;
    /* whole entries from the start of the store's chain up to the last one before the cutoff */
    rc = db_prepare(st, &s, "SELECT seq, mac, (SELECT count(*) FROM audit_log WHERE seq BETWEEN ?1 "
                            "AND l.seq) FROM audit_log l WHERE seq = (SELECT max(seq) FROM audit_log "
                            "WHERE at < ?2)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, first);
    sqlite3_bind_text(s, 2, before_iso, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        last = sqlite3_column_int64(s, 0);
        snprintf(last_mac, sizeof(last_mac), "%s", db_col(s, 1));
        n = sqlite3_column_int64(s, 2);
    }
    sqlite3_finalize(s);
    s = NULL;
    ymd_iso(before, day);
    if (last < first || n == 0) {
        rc = berr_set(e, BERR_NOTFOUND, "%s より前のアクセス記録は記録ストアにありません", day);
        goto cleanup;
    }
    if (n != last - first + 1) {
        rc = berr_set(e, BERR_CONFLICT, "アクセス記録 %lld〜%lld に欠けがあります。"
                      "先に boshi audit verify で確かめてください", (long long)first, (long long)last);
        goto cleanup;
    }
    tmp = xasprintf("%s.tmp", path);
    unlink(tmp);
    rc = write_archive(st, tmp, path, first, last, prev_mac, last_mac, n, before_iso, e);
    if (rc < 0)
        goto cleanup;
    written = 1;
    if (fsync_path(tmp) != 0 || rename(tmp, path) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 保管庫ファイルを保存できません (%s)", path, strerror(errno));
        goto cleanup;
    }
    {
        char *slash = strrchr(path, '/');
        char *dir = slash ? xasprintf("%.*s", (int)(slash - path), path) : xstrdup(".");
        fsync_path(dir[0] ? dir : "/");
        free(dir);
    }
    rc = sha256_file(path, out->sha256, e);
    if (rc < 0)
        goto cleanup;
    /* only now, with the file on disk, leave the store: the append-only trigger is lifted
     * for this one statement inside the transaction */
    rc = db_prepare(st, &trig, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND "
                               "name = 'audit_log_no_delete'", e);
    if (rc < 0)
        goto cleanup;
    if (sqlite3_step(trig) != SQLITE_ROW) {
        rc = berr_set(e, BERR_FAIL, "アクセス記録の削除防止の設定が見つかりません");
        goto cleanup;
    }
    trigger_sql = xstrdup(db_col(trig, 0));
    rc = db_exec(st, "DROP TRIGGER audit_log_no_delete", e);
    if (rc < 0)
        goto cleanup;
    {
        char *del = xasprintf("DELETE FROM audit_log WHERE seq BETWEEN %lld AND %lld", (long long)first,
                              (long long)last);
        rc = db_exec(st, del, e);
        free(del);
    }
    if (rc == 0)
        rc = db_exec(st, trigger_sql, e);
    if (rc < 0)
        goto cleanup;
    char now[32];
    store_now_iso(now);
    rc = db_prepare(st, &ins, "INSERT INTO audit_archives(first_seq, last_seq, prev_mac, last_mac, "
                              "entries, before_date, file_sha256, archived_at, archived_by) VALUES "
                              "(?, ?, ?, ?, ?, ?, ?, ?, ?)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(ins, 1, first);
    sqlite3_bind_int64(ins, 2, last);
    sqlite3_bind_text(ins, 3, prev_mac, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, last_mac, -1, SQLITE_STATIC);
    sqlite3_bind_int64(ins, 5, n);
    sqlite3_bind_text(ins, 6, day, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 7, out->sha256, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 8, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 9, a->login, -1, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) {
        rc = db_fail(st, "保管庫の記録", e);
        goto cleanup;
    }
    snprintf(detail, sizeof(detail), "記録 %lld〜%lld (%lld 件、%s より前) を保管庫ファイルへ (sha256 %s)",
             (long long)first, (long long)last, (long long)n, day, out->sha256);
    rc = audit_append(st, a, "audit.archive", NULL, detail, e);
    if (rc < 0)
        goto cleanup;
    rc = store_commit(st, e);
    began = 0;
    if (rc == 0) {
        out->first_seq = first;
        out->last_seq = last;
        out->entries = n;
    }
cleanup:
    sqlite3_finalize(s);
    sqlite3_finalize(ins);
    sqlite3_finalize(trig);
    if (began)
        store_rollback(st);
    if (rc < 0 && written) {
        /* nothing left the store: no file may claim it did */
        unlink(tmp);
        if (out->sha256[0])
            unlink(path);
        out->sha256[0] = '\0';
    }
    free(trigger_sql);
    free(tmp);
    free(ret);
    return rc;
}

/* ---- verifying a file ------------------------------------------------------- */

struct reader {
    struct archive *ar;
    char *buf;
    size_t len, cap, pos;
    int eof;
};

/*
 * The next line into *line, NUL-terminated in place of its newline; *full
 * is its length with the newline, and *nl 1 if it had one.  1, 0 at the
 * end, BERR_INVALID on a read error.
 */
static int next_line(struct reader *r, char **line, size_t *full, int *nl_out, const char *path,
                     struct berr *e)
{
    for (;;) {
        char *nl = r->len > r->pos ? memchr(r->buf + r->pos, '\n', r->len - r->pos) : NULL;
        if (nl != NULL) {
            *line = r->buf + r->pos;
            *nl = '\0';
            *full = (size_t)(nl - *line) + 1;
            *nl_out = 1;
            r->pos += *full;
            return 1;
        }
        if (r->eof) {
            if (r->pos < r->len) {      /* a last line without its newline */
                if (r->len == r->cap)
                    r->buf = xrealloc(r->buf, ++r->cap);
                r->buf[r->len] = '\0';
                *line = r->buf + r->pos;
                *full = r->len - r->pos;
                *nl_out = 0;
                r->pos = r->len;
                return 1;
            }
            return 0;
        }
        if (r->pos > 0) {
            memmove(r->buf, r->buf + r->pos, r->len - r->pos);
            r->len -= r->pos;
            r->pos = 0;
        }
        if (r->cap - r->len < 65536) {
            if (r->cap > (64u << 20))
                return berr_set(e, BERR_INVALID, "%s: 1行が長すぎます (保管庫ファイルではありません)", path);
            r->cap = r->cap * 2 + 65536;
            r->buf = xrealloc(r->buf, r->cap);
        }
        la_ssize_t k = archive_read_data(r->ar, r->buf + r->len, r->cap - r->len - 1);
        if (k < 0)
            return berr_set(e, BERR_INVALID, "%s: 展開できません (%s)", path, archive_error_string(r->ar));
        if (k == 0)
            r->eof = 1;
        r->len += (size_t)k;
    }
}

/* A line as it was signed: with its newline, which next_line replaced by a NUL. */
static void sign_line(crypto_sign_state *sig, char *line, size_t full, int nl)
{
    if (nl)
        line[full - 1] = '\n';
    crypto_sign_update(sig, (const unsigned char *)line, full);
    if (nl)
        line[full - 1] = '\0';
}

static const char *jstr(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : NULL;
}

int audit_verify_archive(struct store *st, const struct actor *a, const char *path,
                         struct audit_verify_result *out, int *linked, struct berr *e)
{
    struct reader r = { NULL, NULL, 0, 0, 0, 0 };
    struct archive_entry *ent;
    crypto_sign_state sig;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char signature[crypto_sign_BYTES];
    char prev[65] = "", mac[65], last_mac[65] = "", sha[65], detail[400];
    json_t *head = NULL, *o = NULL;
    int64_t expect = 0, last = 0, count = 0;
    int rc = actor_require(a, PERM_AUDIT_READ, e), signed_ok = 0, got_sig = 0;
    char *line;
    size_t full;
    int nl = 0;
    sqlite3_stmt *s = NULL;
    struct audit_epochs *epochs = NULL;

    memset(out, 0, sizeof(*out));
    *linked = 0;
    if (rc < 0)
        return rc;
    rc = sha256_file(path, sha, e);
    if (rc < 0)
        return rc;
    rc = audit_epochs_load(st, &epochs, e);
    if (rc < 0)
        return rc;
    crypto_sign_init(&sig);
    r.ar = archive_read_new();
    archive_read_support_filter_gzip(r.ar);
    archive_read_support_format_raw(r.ar);
    if (archive_read_open_filename(r.ar, path, 65536) != ARCHIVE_OK ||
        archive_read_next_header(r.ar, &ent) != ARCHIVE_OK) {
        rc = berr_set(e, BERR_INVALID, "%s: 保管庫ファイルとして読めません (%s)", path,
                      archive_error_string(r.ar) ? archive_error_string(r.ar) : "形式が違います");
        goto cleanup;
    }
    rc = next_line(&r, &line, &full, &nl, path, e);
    if (rc < 0)
        goto cleanup;
    head = rc == 1 ? json_loads(line, 0, NULL) : NULL;
    if (head == NULL || jstr(head, "format") == NULL || strcmp(jstr(head, "format"), ARCHIVE_FORMAT) != 0 ||
        jstr(head, "prev_mac") == NULL || jstr(head, "last_mac") == NULL) {
        rc = berr_set(e, BERR_INVALID, "%s: boshi のアクセス記録の保管庫ファイルではありません (1行目)", path);
        goto cleanup;
    }
    sign_line(&sig, line, full, nl);
    expect = (int64_t)json_integer_value(json_object_get(head, "first_seq"));
    last = (int64_t)json_integer_value(json_object_get(head, "last_seq"));
    {
        /* signed under the key current when it was written: that of the entry after it */
        const char *kid;
        const unsigned char *m = audit_epochs_key(st, epochs, last + 1, &kid);
        signing_keys(m ? m : st->master, pk, sk);
        sodium_memzero(sk, sizeof(sk));
    }
    snprintf(prev, sizeof(prev), "%s", jstr(head, "prev_mac"));
    snprintf(last_mac, sizeof(last_mac), "%s", jstr(head, "last_mac"));
    rc = 0;
    while ((rc = next_line(&r, &line, &full, &nl, path, e)) == 1) {
        json_decref(o);
        o = json_loads(line, 0, NULL);
        if (o != NULL && json_object_get(o, "signature") != NULL) {
            const char *hex = jstr(o, "signature");
            size_t bin_len = 0;
            got_sig = 1;
            if (hex && sodium_hex2bin(signature, sizeof(signature), hex, strlen(hex), NULL, &bin_len,
                                      NULL) == 0 && bin_len == sizeof(signature))
                signed_ok = crypto_sign_final_verify(&sig, signature, pk) == 0;
            break;
        }
        sign_line(&sig, line, full, nl);
        if (out->first_bad)
            continue;
        json_t *p = json_object_get(o, "person");
        int64_t seq = o ? (int64_t)json_integer_value(json_object_get(o, "seq")) : 0;
        if (o == NULL || jstr(o, "at") == NULL || jstr(o, "user") == NULL || jstr(o, "function") == NULL ||
            jstr(o, "detail") == NULL || jstr(o, "mac") == NULL) {
            out->first_bad = expect;
            snprintf(out->reason, sizeof(out->reason), "記録 %lld の行が壊れています", (long long)expect);
            continue;
        }
        if (seq != expect) {
            out->first_bad = expect;
            snprintf(out->reason, sizeof(out->reason), "記録 %lld が欠けています (ファイルの記録 %lld)",
                     (long long)expect, (long long)seq);
            continue;
        }
        const char *kid;
        const unsigned char *key = audit_epochs_key(st, epochs, seq, &kid);
        if (key == NULL) {
            out->first_bad = seq;
            snprintf(out->reason, sizeof(out->reason),
                     "記録 %lld を検証するサイト鍵 (鍵ID %s) がありません (%s.key.old)", (long long)seq,
                     kid, st->path);
            continue;
        }
        audit_entry_mac(key, prev, seq, jstr(o, "at"), jstr(o, "user"), jstr(o, "function"),
                        json_is_string(p) ? json_string_value(p) : NULL, jstr(o, "detail"), mac);
        if (strlen(jstr(o, "mac")) != 64 || sodium_memcmp(mac, jstr(o, "mac"), 64) != 0) {
            out->first_bad = seq;
            snprintf(out->reason, sizeof(out->reason),
                     "記録 %lld の内容が改ざんされているか、前の記録が変更されています", (long long)seq);
            continue;
        }
        memcpy(prev, mac, sizeof(prev));
        out->checked++;
        count++;
        expect++;
    }
    if (rc < 0)
        goto cleanup;
    rc = 0;
    if (!out->first_bad && (expect != last + 1 || strcmp(prev, last_mac) != 0)) {
        out->first_bad = expect;
        snprintf(out->reason, sizeof(out->reason), "記録 %lld 以降が欠けています (ファイルの見出しでは %lld まで)",
                 (long long)expect, (long long)last);
    }
    if (!out->first_bad && !signed_ok) {
        out->first_bad = last;
        snprintf(out->reason, sizeof(out->reason), "%s", got_sig ? "ファイルの署名が一致しません (書き換えられています)"
                                                                 : "ファイルに署名がありません (途中で切れています)");
    }
    /* tied to the store: the checkpoint of this range, with this file's digest */
    rc = db_prepare(st, &s, "SELECT file_sha256 = ?3 FROM audit_archives WHERE first_seq = ?1 AND "
                            "last_seq = ?2 AND last_mac = ?4", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, (int64_t)json_integer_value(json_object_get(head, "first_seq")));
    sqlite3_bind_int64(s, 2, last);
    sqlite3_bind_text(s, 3, sha, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, last_mac, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *linked = sqlite3_column_int(s, 0) ? 1 : 2;
    if (out->first_bad)
        snprintf(detail, sizeof(detail), "保管庫ファイル sha256 %.16s…: 記録 %lld で異常 (%s)", sha,
                 (long long)out->first_bad, out->reason);
    else
        snprintf(detail, sizeof(detail), "保管庫ファイル sha256 %.16s…: %lld 件 正常", sha,
                 (long long)out->checked);
    rc = audit_append(st, a, "audit.verify", NULL, detail, e);
cleanup:
    audit_epochs_free(epochs);
    sqlite3_finalize(s);
    json_decref(head);
    json_decref(o);
    if (r.ar)
        archive_read_free(r.ar);
    free(r.buf);
    return rc;
}
