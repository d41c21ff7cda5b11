/*
 * backup.c: encrypted backups of the store and their restore (issue 15,
 * README "Backup and restore").  The copy is taken online with SQLite's
 * backup API, step by step inside one read snapshot of the WAL store, so
 * intake and the web UI keep writing while it runs.  The copy goes to
 * <db>.backup-copy beside the store (mode 0600, the same protection as the
 * store itself; removed at the end and at the start of the next backup),
 * then into the backup file encrypted with libsodium's secretstream
 * (XChaCha20-Poly1305) under a key derived from a passphrase with argon2id.
 * The site key is NOT the backup key: the backup carries the site key
 * inside its ciphertext (needed to read 個人番号, verify QR codes and the
 * access log), so whoever has the file and the passphrase has the store,
 * and nobody has it with the file alone.
 *
 * The plaintext inside the stream is a sequence of entries:
 *     'F' | u16 name length | name | u64 size | size bytes
 * ending with 'E'.  Names: "db", "key", "key.old", "scans/<aa>/<sha256>.<ext>".
 * Not for: choosing the passphrase or talking to people (cli/cmd-backup.c).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/backup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "BOSHIBK1"
#define HEADER_BYTES 64
#define CHUNK 65536
#define STEP_PAGES 256

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;

    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static int write_all(int fd, const void *p, size_t n)
{
    const unsigned char *c = p;

    while (n > 0) {
        ssize_t k = write(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Reads exactly n bytes; 0, or 1 at a clean end of file before any byte, or -1. */
static int read_all(int fd, void *p, size_t n)
{
    unsigned char *c = p;
    size_t got = 0;

    while (got < n) {
        ssize_t k = read(fd, c + got, n - got);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return -1;
        if (k == 0)
            return got == 0 ? 1 : -1;
        got += (size_t)k;
    }
    return 0;
}

static int fsync_dir_of(const char *path)
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

/* ---- the encrypted stream: writing -------------------------------------- */

struct sink {
    int fd;
    crypto_secretstream_xchacha20poly1305_state ss;
    unsigned char header[HEADER_BYTES];
    unsigned char plain[CHUNK];
    size_t n;
    int64_t written;
    int failed;
};

static void sink_flush(struct sink *k, int final)
{
    unsigned char out[CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES], len[4];
    unsigned long long clen = 0;

    if (k->failed)
        return;
    crypto_secretstream_xchacha20poly1305_push(
        &k->ss, out, &clen, k->plain, k->n, k->header, HEADER_BYTES,
        final ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
    for (int i = 0; i < 4; i++)
        len[i] = (unsigned char)(clen >> (8 * i));
    if (write_all(k->fd, len, 4) < 0 || write_all(k->fd, out, (size_t)clen) < 0)
        k->failed = errno ? errno : EIO;
    k->written += 4 + (int64_t)clen;
    k->n = 0;
}

static void sink_put(struct sink *k, const void *p, size_t n)
{
    const unsigned char *c = p;

    while (n > 0) {
        size_t room = CHUNK - k->n, take = n < room ? n : room;
        memcpy(k->plain + k->n, c, take);
        k->n += take;
        c += take;
        n -= take;
        if (k->n == CHUNK)
            sink_flush(k, 0);
    }
}

static void entry_head(struct sink *k, const char *name, uint64_t size)
{
    unsigned char h[3 + 8];
    size_t nl = strlen(name);

    h[0] = 'F';
    h[1] = (unsigned char)(nl & 0xff);
    h[2] = (unsigned char)(nl >> 8);
    sink_put(k, h, 3);
    sink_put(k, name, nl);
    put_u64(h, size);
    sink_put(k, h, 8);
}

static int entry_file(struct sink *k, const char *name, const char *path, int64_t *size,
                      struct berr *e)
{
    unsigned char buf[CHUNK];
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int64_t left;

    if (fd < 0 || fstat(fd, &sb) < 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return berr_set(e, BERR_FAIL, "%s: 読めません (%s)", path, strerror(err));
    }
    entry_head(k, name, (uint64_t)sb.st_size);
    for (left = sb.st_size; left > 0;) {
        ssize_t r = read(fd, buf, left < CHUNK ? (size_t)left : CHUNK);
        if (r <= 0) {
            close(fd);
            return berr_set(e, BERR_FAIL, "%s: 読み取りに失敗しました", path);
        }
        sink_put(k, buf, (size_t)r);
        left -= r;
    }
    close(fd);
    if (size)
        *size = sb.st_size;
    return 0;
}

static int derive(const char *passphrase, const unsigned char salt[crypto_pwhash_SALTBYTES],
                  uint64_t ops, uint64_t mem, unsigned char key[32])
{
    return crypto_pwhash(key, 32, passphrase, strlen(passphrase), salt, ops, (size_t)mem,
                         crypto_pwhash_ALG_ARGON2ID13);
}

/* ---- backup ---------------------------------------------------------------- */

/* The online copy into copy_path, under one read snapshot; *seq = last audit entry in it. */
static int copy_db(struct store *st, const char *copy_path, int64_t *seq, struct berr *e)
{
    sqlite3 *dst = NULL;
    sqlite3_backup *b = NULL;
    sqlite3_stmt *s = NULL;
    int fd, rc = 0, src;

    unlink(copy_path);
    fd = open(copy_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return berr_set(e, BERR_FAIL, "%s: 作業用の複製を作れません (%s)", copy_path, strerror(errno));
    close(fd);
    if (sqlite3_open_v2(copy_path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        rc = berr_set(e, BERR_FAIL, "%s: 作業用の複製を開けません", copy_path);
        goto cleanup;
    }
    /* one snapshot for the whole copy: writers go on in the WAL, the copy never restarts */
    if (sqlite3_exec(st->db, "BEGIN DEFERRED", NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_fail(st, "バックアップ開始", e);
        goto cleanup;
    }
    /* the key the backup carries must be the one this snapshot was written under */
    rc = store_key_current(st, e);
    if (rc < 0)
        goto end;
    rc = db_prepare(st, &s, "SELECT coalesce((SELECT seq FROM audit_head WHERE id = 1), 0)", e);
    if (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
        *seq = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (rc < 0)
        goto end;
    b = sqlite3_backup_init(dst, "main", st->db, "main");
    if (b == NULL) {
        rc = berr_set(e, BERR_FAIL, "バックアップを開始できません (%s)", sqlite3_errmsg(dst));
        goto end;
    }
    do {
        src = sqlite3_backup_step(b, STEP_PAGES);
        if (src == SQLITE_BUSY || src == SQLITE_LOCKED)
            sqlite3_sleep(20);
    } while (src == SQLITE_OK || src == SQLITE_BUSY || src == SQLITE_LOCKED);
    if (sqlite3_backup_finish(b) != SQLITE_OK || src != SQLITE_DONE)
        rc = berr_set(e, BERR_FAIL, "データベースの複製に失敗しました (%s)", sqlite3_errmsg(dst));
end:
    sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
    if (rc == 0 && sqlite3_exec(dst, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL) != SQLITE_OK)
        rc = berr_set(e, BERR_FAIL, "%s: 複製を閉じられません", copy_path);
cleanup:
    sqlite3_close_v2(dst);
    return rc;
}

/* The kept originals <db>.scans/<aa>/<name>, each as an entry. */
static int put_scans(struct sink *k, const char *db_path, long *n, struct berr *e)
{
    char *top = xasprintf("%s.scans", db_path);
    DIR *d = opendir(top), *sd;
    struct dirent *de, *fe;
    int rc = 0;

    while (rc == 0 && d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || strlen(de->d_name) != 2)
            continue;
        char *sub = xasprintf("%s/%s", top, de->d_name);
        sd = opendir(sub);
        while (rc == 0 && sd && (fe = readdir(sd)) != NULL) {
            if (fe->d_name[0] == '.' || strchr(fe->d_name, '/'))
                continue;
            char *path = xasprintf("%s/%s", sub, fe->d_name);
            char *name = xasprintf("scans/%s/%s", de->d_name, fe->d_name);
            struct stat sb;
            if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
                rc = entry_file(k, name, path, NULL, e);
                (*n)++;
            }
            free(path);
            free(name);
        }
        if (sd)
            closedir(sd);
        free(sub);
    }
    if (d)
        closedir(d);
    free(top);
    return rc;
}

int backup_write(struct store *st, const struct actor *a, const char *path, const char *passphrase,
                 struct backup_report *rep, struct berr *e)
{
    struct sink *k = NULL;
    char *tmp = xasprintf("%s.tmp", path), *copy = xasprintf("%s.backup-copy", st->path);
    char *old = xasprintf("%s.key.old", st->path);
    unsigned char key[32], salt[crypto_pwhash_SALTBYTES];
    uint64_t ops = crypto_pwhash_OPSLIMIT_MODERATE, mem = crypto_pwhash_MEMLIMIT_MODERATE;
    double t0 = now_s();
    int rc = actor_require(a, PERM_BACKUP, e), fd = -1;
    const char *base;

    memset(rep, 0, sizeof(*rep));
    if (rc < 0)
        goto cleanup;
    if (st->depth != 0) {
        rc = berr_set(e, BERR_FAIL, "バックアップはトランザクションの外で実行してください");
        goto cleanup;
    }
    if (passphrase == NULL || strlen(passphrase) < BACKUP_PASSPHRASE_MIN) {
        rc = berr_set(e, BERR_INVALID, "バックアップの合言葉は %d 文字 (バイト) 以上にしてください",
                      BACKUP_PASSPHRASE_MIN);
        goto cleanup;
    }
    if (access(path, F_OK) == 0) {
        rc = berr_set(e, BERR_CONFLICT, "%s: ファイルが既にあります。別の名前を指定してください "
                      "(a backup is never overwritten)", path);
        goto cleanup;
    }
    /* the file first: a backup killed at any point leaves path.tmp, never path */
    unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 書き込めません (%s)", tmp, strerror(errno));
        goto cleanup;
    }
    rc = copy_db(st, copy, &rep->audit_seq, e);
    if (rc < 0)
        goto cleanup;
    k = sodium_malloc(sizeof(*k));
    if (k == NULL) {
        rc = berr_set(e, BERR_FAIL, "メモリが足りません");
        goto cleanup;
    }
    memset(k, 0, sizeof(*k));
    k->fd = fd;
    randombytes_buf(salt, sizeof(salt));
    if (derive(passphrase, salt, ops, mem, key) != 0) {
        rc = berr_set(e, BERR_FAIL, "鍵の導出に失敗しました (メモリ不足)");
        goto cleanup;
    }
    memcpy(k->header, MAGIC, 8);
    put_u64(k->header + 8, ops);
    put_u64(k->header + 16, mem);
    memcpy(k->header + 24, salt, sizeof(salt));
    crypto_secretstream_xchacha20poly1305_init_push(&k->ss, k->header + 40, key);
    sodium_memzero(key, sizeof(key));
    if (write_all(fd, k->header, HEADER_BYTES) < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 書き込みに失敗しました (%s)", tmp, strerror(errno));
        goto cleanup;
    }
    k->written = HEADER_BYTES;
    rc = entry_file(k, "db", copy, &rep->db_bytes, e);
    if (rc == 0) {
        entry_head(k, "key", 32);
        sink_put(k, st->master, 32);
        if (access(old, F_OK) == 0)
            rc = entry_file(k, "key.old", old, NULL, e);
    }
    if (rc == 0)
        rc = put_scans(k, st->path, &rep->scans, e);
    if (rc < 0)
        goto cleanup;
    sink_put(k, "E", 1);
    sink_flush(k, 1);
    if (k->failed || fsync(fd) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 書き込みに失敗しました (%s)", tmp,
                      strerror(k->failed ? k->failed : errno));
        goto cleanup;
    }
    close(fd);
    fd = -1;
    if (rename(tmp, path) != 0 || fsync_dir_of(path) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 名前を付けられません (%s)", path, strerror(errno));
        goto cleanup;
    }
    rep->file_bytes = k->written;
    rep->seconds = now_s() - t0;
    base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    {
        char d[512];
        snprintf(d, sizeof(d), "バックアップ %.200s: データベース %lld バイト、原本 %ld 件、"
                 "アクセス記録 第%lld件まで", base, (long long)rep->db_bytes, rep->scans,
                 (long long)rep->audit_seq);
        rc = audit_append(st, a, "backup", NULL, d, e);
    }
cleanup:
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    if (k)
        sodium_free(k);
    unlink(copy);
    free(tmp);
    free(copy);
    free(old);
    return rc;
}

/* ---- the encrypted stream: reading ---------------------------------------- */

struct source {
    int fd;
    const char *path;
    crypto_secretstream_xchacha20poly1305_state ss;
    unsigned char header[HEADER_BYTES];
    unsigned char plain[CHUNK];
    size_t n, pos;
    int final;
};

static int tampered(const struct source *s, struct berr *e)
{
    return berr_set(e, BERR_DENIED,
                    "%s: バックアップが改ざんされているか壊れています、または合言葉が違います "
                    "(暗号の認証に失敗しました。このファイルからは復元しません)", s->path);
}

static int source_next(struct source *s, struct berr *e)
{
    unsigned char len[4], *c = NULL;
    unsigned long long mlen = 0;
    unsigned char tag = 0;
    size_t clen;
    int r;

    if (s->final)
        return berr_set(e, BERR_INVALID, "%s: バックアップの終わりより先を読もうとしました", s->path);
    r = read_all(s->fd, len, 4);
    if (r != 0)
        return berr_set(e, BERR_INVALID, "%s: バックアップが途中で切れています (最後まで書かれて"
                        "いないか、切り詰められました)", s->path);
    clen = (size_t)len[0] | (size_t)len[1] << 8 | (size_t)len[2] << 16 | (size_t)len[3] << 24;
    if (clen < crypto_secretstream_xchacha20poly1305_ABYTES ||
        clen > CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)
        return tampered(s, e);
    c = xmalloc(clen);
    if (read_all(s->fd, c, clen) != 0) {
        free(c);
        return berr_set(e, BERR_INVALID, "%s: バックアップが途中で切れています", s->path);
    }
    r = crypto_secretstream_xchacha20poly1305_pull(&s->ss, s->plain, &mlen, &tag, c, clen,
                                                   s->header, HEADER_BYTES);
    free(c);
    if (r != 0)
        return tampered(s, e);
    s->n = (size_t)mlen;
    s->pos = 0;
    if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        unsigned char extra;
        s->final = 1;
        if (read_all(s->fd, &extra, 1) != 1)
            return tampered(s, e);     /* bytes after the final message */
    }
    return 0;
}

static int source_get(struct source *s, void *out, size_t n, struct berr *e)
{
    unsigned char *o = out;

    while (n > 0) {
        if (s->pos == s->n) {
            int rc = source_next(s, e);
            if (rc < 0)
                return rc;
            continue;
        }
        size_t take = s->n - s->pos < n ? s->n - s->pos : n;
        memcpy(o, s->plain + s->pos, take);
        s->pos += take;
        o += take;
        n -= take;
    }
    return 0;
}

/* Copies size bytes of the stream into a new file at path (mode 0600). */
static int source_to_file(struct source *s, uint64_t size, const char *path, struct berr *e)
{
    unsigned char buf[CHUNK];
    int fd, rc = 0;

    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return berr_set(e, BERR_FAIL, "%s: 書き込めません (%s)", path, strerror(errno));
    while (rc == 0 && size > 0) {
        size_t take = size < CHUNK ? (size_t)size : CHUNK;
        rc = source_get(s, buf, take, e);
        if (rc == 0 && write_all(fd, buf, take) < 0)
            rc = berr_set(e, BERR_FAIL, "%s: 書き込みに失敗しました (%s)", path, strerror(errno));
        size -= take;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = berr_set(e, BERR_FAIL, "%s: 書き込みに失敗しました (%s)", path, strerror(errno));
    close(fd);
    if (rc < 0)
        unlink(path);
    return rc;
}

/* "scans/<2 hex>/<64 hex>[.ext]" and nothing else: no name can leave the folder. */
static int scan_name_ok(const char *n)
{
    size_t len = strlen(n);

    if (len < 6 + 3 + 64 || strncmp(n, "scans/", 6) != 0 || n[8] != '/')
        return 0;
    for (size_t i = 6; i < len; i++) {
        char c = n[i];
        if (i == 8)
            continue;
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c == '.' && i >= 9 + 64)))
            return 0;
    }
    return strncmp(n + 6, n + 9, 2) == 0;
}

static void mkdir_p2(const char *top, const char *sub)
{
    mkdir(top, 0700);
    mkdir(sub, 0700);
}

/*
 * Moves the originals of from/<aa>/ into to/<aa>/ (skipping names already
 * there: they are content-addressed, the same name is the same bytes), or
 * with to == NULL deletes them; then removes from.  *n counts those moved.
 */
static int scans_move(const char *from, const char *to, long *n)
{
    DIR *d = opendir(from), *sd;
    struct dirent *de, *fe;
    int rc = 0;

    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", from, de->d_name);
        char *tsub = to ? xasprintf("%s/%s", to, de->d_name) : NULL;
        if (to)
            mkdir_p2(to, tsub);
        sd = opendir(sub);
        while (sd && (fe = readdir(sd)) != NULL) {
            if (fe->d_name[0] == '.')
                continue;
            char *src = xasprintf("%s/%s", sub, fe->d_name);
            char *dst = to ? xasprintf("%s/%s", tsub, fe->d_name) : NULL;
            if (dst && access(dst, F_OK) != 0) {
                if (rename(src, dst) == 0)
                    (*n)++;
                else
                    rc = -1;
            }
            unlink(src);
            free(src);
            free(dst);
        }
        if (sd)
            closedir(sd);
        rmdir(sub);
        free(sub);
        free(tsub);
    }
    if (d)
        closedir(d);
    rmdir(from);
    return rc;
}

static int restore_actor(struct store *st, const char *os_user, struct actor *a)
{
    struct berr e;

    if (actor_for_os_user(st, os_user, a, &e) == 0)
        return 0;
    memset(a, 0, sizeof(*a));
    snprintf(a->login, sizeof(a->login), "os:%.40s", os_user);
    return 0;
}

int backup_restore(const char *path, const char *target, const char *passphrase, int force,
                   const char *os_user, struct restore_report *rep, struct berr *e)
{
    struct source *s = NULL;
    struct store *st = NULL;
    char *tmp = xasprintf("%s.tmp", target), *tmp_key = xasprintf("%s.tmp.key", target);
    char *tmp_old = xasprintf("%s.tmp.key.old", target), *key = xasprintf("%s.key", target);
    char *old = xasprintf("%s.key.old", target), *scans = xasprintf("%s.tmp.scans", target);
    char *scans_final = xasprintf("%s.scans", target);
    long moved = 0;
    unsigned char k[32];
    double t0 = now_s();
    int rc = 0, have_db = 0, have_key = 0, have_old = 0, done = 0;
    uint64_t ops, mem;

    memset(rep, 0, sizeof(*rep));
    if (sodium_init() < 0) {
        rc = berr_set(e, BERR_FAIL, "libsodium を初期化できません");
        goto cleanup;
    }
    if (!force && (access(target, F_OK) == 0 || access(key, F_OK) == 0)) {
        rc = berr_set(e, BERR_CONFLICT, "%s: 記録ストアまたはサイト鍵が既にあります。上書きしません "
                      "(置き換えるときは --force)", target);
        goto cleanup;
    }
    s = sodium_malloc(sizeof(*s));
    if (s == NULL) {
        rc = berr_set(e, BERR_FAIL, "メモリが足りません");
        goto cleanup;
    }
    memset(s, 0, sizeof(*s));
    s->path = path;
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
        rc = berr_set(e, BERR_NOTFOUND, "%s: バックアップを開けません (%s)", path, strerror(errno));
        goto cleanup;
    }
    if (read_all(s->fd, s->header, HEADER_BYTES) != 0 || memcmp(s->header, MAGIC, 8) != 0) {
        rc = berr_set(e, BERR_INVALID, "%s: boshi のバックアップではありません", path);
        goto cleanup;
    }
    ops = get_u64(s->header + 8);
    mem = get_u64(s->header + 16);
    if (ops < crypto_pwhash_OPSLIMIT_MIN || ops > crypto_pwhash_OPSLIMIT_SENSITIVE ||
        mem < crypto_pwhash_MEMLIMIT_MIN || mem > crypto_pwhash_MEMLIMIT_SENSITIVE) {
        rc = tampered(s, e);
        goto cleanup;
    }
    if (passphrase == NULL || derive(passphrase, s->header + 24, ops, mem, k) != 0) {
        rc = berr_set(e, BERR_FAIL, "鍵の導出に失敗しました (合言葉がないかメモリ不足)");
        goto cleanup;
    }
    if (crypto_secretstream_xchacha20poly1305_init_pull(&s->ss, s->header + 40, k) != 0) {
        sodium_memzero(k, sizeof(k));
        rc = tampered(s, e);
        goto cleanup;
    }
    sodium_memzero(k, sizeof(k));
    unlink(tmp_key);
    unlink(tmp_old);
    scans_move(scans, NULL, &moved);     /* what a killed restore left */
    while (rc == 0 && !done) {
        unsigned char type, h[8];
        char name[512];
        uint64_t size;
        rc = source_get(s, &type, 1, e);
        if (rc < 0)
            break;
        if (type == 'E') {
            done = 1;
            break;
        }
        if (type != 'F' || source_get(s, h, 2, e) < 0) {
            rc = rc < 0 ? rc : tampered(s, e);
            break;
        }
        size_t nl = (size_t)h[0] | (size_t)h[1] << 8;
        if (nl == 0 || nl >= sizeof(name)) {
            rc = tampered(s, e);
            break;
        }
        rc = source_get(s, name, nl, e);
        if (rc == 0)
            rc = source_get(s, h, 8, e);
        if (rc < 0)
            break;
        name[nl] = '\0';
        size = get_u64(h);
        if (strcmp(name, "db") == 0 && !have_db) {
            rc = source_to_file(s, size, tmp, e);
            have_db = rc == 0;
            rep->db_bytes = (int64_t)size;
        } else if (strcmp(name, "key") == 0 && size == 32 && !have_key) {
            rc = source_to_file(s, size, tmp_key, e);
            have_key = rc == 0;
        } else if (strcmp(name, "key.old") == 0 && size % 32 == 0 && !have_old) {
            rc = source_to_file(s, size, tmp_old, e);
            have_old = rc == 0;
        } else if (scan_name_ok(name)) {
            char *sub = xasprintf("%s/%.2s", scans, name + 6);
            char *dst = xasprintf("%s/%s", scans, name + 6);
            char *part = xasprintf("%s.part", dst);
            mkdir_p2(scans, sub);
            rc = source_to_file(s, size, part, e);
            if (rc == 0 && access(dst, F_OK) != 0) {
                if (rename(part, dst) != 0)
                    rc = berr_set(e, BERR_FAIL, "%s: 名前を付けられません", dst);
            }
            unlink(part);
            free(sub);
            free(dst);
            free(part);
        } else {
            rc = berr_set(e, BERR_INVALID, "%s: バックアップに知らない項目「%.100s」があります", path,
                          name);
        }
    }
    if (rc < 0)
        goto cleanup;
    if (!s->final || s->pos != s->n || !have_db || !have_key) {
        rc = tampered(s, e);
        goto cleanup;
    }
    /* the copy must be a database whose access log verifies, or nothing is renamed */
    rc = store_open(tmp, 0, &st, e);
    if (rc < 0) {
        berr_prefix(e, "%s: 復元したデータベースを開けません: ", path);
        goto cleanup;
    }
    {
        struct audit_verify_result v;
        sqlite3_stmt *q = NULL;
        struct actor a;
        char d[600];
        rc = db_prepare(st, &q, "PRAGMA quick_check", e);
        if (rc == 0 && (sqlite3_step(q) != SQLITE_ROW || strcmp(db_col(q, 0), "ok") != 0))
            rc = berr_set(e, BERR_INVALID, "%s: 復元したデータベースが壊れています (%s)", path,
                          db_col(q, 0));
        sqlite3_finalize(q);
        if (rc == 0)
            rc = store_begin(st, e);
        if (rc < 0)
            goto cleanup;
        rc = audit_chain_check(st, &v, e);
        if (rc == 0 && v.first_bad) {
            rc = berr_set(e, BERR_DENIED, "%s: バックアップのアクセス記録の検証に失敗しました: %s。"
                          "このファイルからは復元しません", path, v.reason);
        }
        rep->audit_checked = v.checked;
        /* the store names its key: a restored file beside another key is refused at open */
        if (rc == 0) {
            char *sql = xasprintf("INSERT OR REPLACE INTO meta(key, value) VALUES ('key_id', '%s')",
                                  st->key_id);
            rc = db_exec(st, sql, e);
            free(sql);
        }
        if (rc == 0) {
            const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
            restore_actor(st, os_user, &a);
            snprintf(d, sizeof(d), "復元: %.200s から (アクセス記録 %lld 件を検証: 正常)", base,
                     (long long)v.checked);
            rc = audit_append(st, &a, "backup.restore", NULL, d, e);
        }
        if (rc < 0) {
            store_rollback(st);
            goto cleanup;
        }
        rc = store_commit(st, e);
        if (rc < 0)
            goto cleanup;
    }
    store_close(&st);
    /* a WAL of the store replaced must never be applied to the restored file */
    {
        char *w = xasprintf("%s-wal", target), *m = xasprintf("%s-shm", target);
        unlink(w);
        unlink(m);
        free(w);
        free(m);
    }
    if (rename(tmp_key, key) != 0 || (have_old ? rename(tmp_old, old) : (unlink(old), 0)) != 0 ||
        rename(tmp, target) != 0 || fsync_dir_of(target) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 復元したストアに名前を付けられません (%s)", target,
                      strerror(errno));
        goto cleanup;
    }
    if (scans_move(scans, scans_final, &rep->scans) < 0)
        rc = berr_set(e, BERR_FAIL, "%s: 原本を移せません", scans_final);
    rep->seconds = now_s() - t0;
cleanup:
    store_close(&st);
    if (s) {
        if (s->fd >= 0)
            close(s->fd);
        sodium_free(s);
    }
    if (rc < 0) {
        char *w = xasprintf("%s-wal", tmp), *m = xasprintf("%s-shm", tmp);
        unlink(tmp);
        unlink(w);
        unlink(m);
        unlink(tmp_key);
        unlink(tmp_old);
        scans_move(scans, NULL, &moved);
        free(w);
        free(m);
    }
    free(scans_final);
    free(tmp);
    free(tmp_key);
    free(tmp_old);
    free(key);
    free(old);
    free(scans);
    return rc;
}
