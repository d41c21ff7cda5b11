/*
 * audit.c: the access log (ARCHITECTURE.md §4, §5): who saw or changed which person's
 * data, when, through which function.  Append-only (triggers refuse UPDATE
 * and DELETE) and chained: each entry's mac is an HMAC-SHA256, under a key
 * derived from the site key, of the previous entry's mac and this entry's
 * fields, and audit_head holds the last (seq, mac).  Editing, deleting or
 * inserting an entry through SQLite directly breaks the chain at that entry
 * and `audit_verify` reports the first broken link; cutting entries off the
 * end is caught by the head.  After a site key rotation (keys.c) each entry
 * is checked under the key of its epoch (key_epochs.from_seq), the earlier
 * keys coming from <db>.key.old; the first entry under a new key chains the
 * last one under the old, so no entry before it can change unnoticed.
 * Entries are kept at least audit.retention_years (3 or more); only `audit
 * archive` (audit-archive.c) removes older ones, into a signed file, leaving
 * a checkpoint (audit_archives) the chain goes on from.
 * Not for: application logging.  Never put a 個人番号 in `detail`.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/shien.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int audit_append_masked(struct store *st, const struct actor *a, const char *at_given,
                               const char *function, const char *person, const char *detail,
                               struct berr *e);

void audit_entry_mac(const unsigned char master[32], const char *prev, int64_t seq, const char *at,
                     const char *user, const char *function, const char *person,
                     const char *detail, char out[65])
{
    unsigned char key[32], mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state h;
    char num[32];
    const char sep = '\x1f';
    const char *parts[6];

    snprintf(num, sizeof(num), "%lld", (long long)seq);
    parts[0] = num; parts[1] = at; parts[2] = user; parts[3] = function;
    parts[4] = person ? person : ""; parts[5] = detail;
    key_derive(master, KEY_AUDIT, key);
    crypto_auth_hmacsha256_init(&h, key, sizeof(key));
    crypto_auth_hmacsha256_update(&h, (const unsigned char *)prev, strlen(prev));
    for (int i = 0; i < 6; i++) {
        crypto_auth_hmacsha256_update(&h, (const unsigned char *)&sep, 1);
        crypto_auth_hmacsha256_update(&h, (const unsigned char *)parts[i], strlen(parts[i]));
    }
    crypto_auth_hmacsha256_final(&h, mac);
    sodium_bin2hex(out, 65, mac, sizeof(mac));
    sodium_memzero(key, sizeof(key));
}

/*
 * A run of 12 or more digits in free text (a reason someone typed) could be
 * a 個人番号; the log is kept for years and cannot be cleaned, so it never
 * gets one: such runs are masked before anything is written.  Caller frees.
 */
static char *mask_numbers(const char *s)
{
    char *out = xstrdup(s ? s : "");
    size_t run = 0, n = strlen(out);

    for (size_t i = 0; i <= n; i++) {
        if (i < n && out[i] >= '0' && out[i] <= '9') {
            run++;
            continue;
        }
        if (run >= 12)
            memset(out + i - run, '*', run);
        run = 0;
    }
    return out;
}

/*
 * A person under 支援措置 at the time of the entry: SHIEN_AUDIT_MARK at the
 * end of its detail (covered by the mac), so the monthly review lists every
 * view of them (audit_flagged_views) even if the flag is lifted later.
 */
static char *mark_flagged(struct store *st, const char *person, char *detail)
{
    int flagged = 0;
    struct berr ignored;

    if (person == NULL || shien_flagged(st, person, &flagged, &ignored) < 0 || !flagged)
        return detail;
    char *marked = xasprintf("%s %s", detail, SHIEN_AUDIT_MARK);
    free(detail);
    return marked;
}

int audit_append(struct store *st, const struct actor *a, const char *function,
                 const char *person, const char *detail, struct berr *e)
{
    char *masked = mark_flagged(st, person, mask_numbers(detail));
    int rc = audit_append_masked(st, a, NULL, function, person, masked, e);

    free(masked);
    return rc;
}

int audit_append_at(struct store *st, const struct actor *a, const char *at,
                    const char *function, const char *person, const char *detail, struct berr *e)
{
    char *masked = mark_flagged(st, person, mask_numbers(detail));
    int rc = audit_append_masked(st, a, at, function, person, masked, e);

    free(masked);
    return rc;
}

int audit_append_digest(struct store *st, const struct actor *a, const char *function,
                        const char *detail, const char sha_hex[65], struct berr *e)
{
    char *masked = mask_numbers(detail);
    /* the digest is hex, never a 個人番号: kept whole, after the masked text */
    char *full = xasprintf("%s sha256=%s", masked, sha_hex);
    int rc = audit_append_masked(st, a, NULL, function, NULL, full, e);

    free(masked);
    free(full);
    return rc;
}

/* at_given: the entry's instant (UTC ISO, as store_now_iso writes it), NULL = now. */
static int audit_append_masked(struct store *st, const struct actor *a, const char *at_given,
                               const char *function, const char *person, const char *detail,
                               struct berr *e)
{
    sqlite3_stmt *h = NULL, *ins = NULL, *up = NULL;
    int own = st->depth == 0;
    int64_t seq = 0;
    char prev[65] = "", mac[65], at[32];
    int rc = 0;

    if (own) {
        rc = store_begin(st, e);
        if (rc < 0)
            return rc;
    }
    /* never an entry under a key the store no longer uses (a rotation since we opened) */
    rc = store_key_current(st, e);
    if (rc < 0)
        goto cleanup;
    rc = db_prepare(st, &h, "SELECT seq, mac FROM audit_head WHERE id = 1", e);
    if (rc < 0)
        goto cleanup;
    if (sqlite3_step(h) == SQLITE_ROW) {
        seq = sqlite3_column_int64(h, 0);
        snprintf(prev, sizeof(prev), "%s", db_col(h, 1));
    }
    seq++;
    if (at_given != NULL)
        snprintf(at, sizeof(at), "%s", at_given);
    else
        store_now_iso(at);
    audit_entry_mac(st->master, prev, seq, at, a->login, function, person, detail ? detail : "", mac);
    rc = db_prepare(st, &ins, "INSERT INTO audit_log(seq, at, user, function, person, detail, mac) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(ins, 1, seq);
    sqlite3_bind_text(ins, 2, at, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 3, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 4, function, -1, SQLITE_STATIC);
    db_bind_text(ins, 5, person);
    sqlite3_bind_text(ins, 6, detail ? detail : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(ins, 7, mac, -1, SQLITE_STATIC);
    if (sqlite3_step(ins) != SQLITE_DONE) {
        rc = db_fail(st, "アクセス記録の書き込み", e);
        goto cleanup;
    }
    rc = db_prepare(st, &up, "INSERT OR REPLACE INTO audit_head(id, seq, mac) VALUES (1, ?, ?)", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(up, 1, seq);
    sqlite3_bind_text(up, 2, mac, -1, SQLITE_STATIC);
    if (sqlite3_step(up) != SQLITE_DONE)
        rc = db_fail(st, "アクセス記録の書き込み", e);
cleanup:
    sqlite3_finalize(h);
    sqlite3_finalize(ins);
    sqlite3_finalize(up);
    if (own) {
        if (rc < 0)
            store_rollback(st);
        else
            rc = store_commit(st, e);
    }
    return rc;
}

int audit_list(struct store *st, const struct actor *a, const struct audit_filter *f,
               audit_row_fn fn, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct buf sql, detail;
    int rc = actor_require(a, PERM_AUDIT_READ, e), i = 1;

    buf_init(&sql);
    buf_init(&detail);
    if (rc < 0)
        goto cleanup;
    buf_adds(&sql, "SELECT seq, at, user, function, person, detail FROM audit_log WHERE 1");
    if (f->person)
        buf_adds(&sql, " AND person = ?");
    if (f->user)
        buf_adds(&sql, " AND user = ?");
    if (f->since)
        buf_adds(&sql, " AND at >= ?");
    buf_adds(&sql, " ORDER BY seq");
    if (f->limit > 0)
        buf_addf(&sql, " LIMIT %d", f->limit);
    /* Reading the log is itself a view of who saw whom: log it first. */
    buf_addf(&detail, "条件: person=%s user=%s since=%s", f->person ? f->person : "*",
             f->user ? f->user : "*", f->since ? f->since : "*");
    rc = audit_append(st, a, "audit.list", f->person, detail.s, e);
    if (rc < 0)
        goto cleanup;
    rc = db_prepare(st, &s, sql.s, e);
    if (rc < 0)
        goto cleanup;
    if (f->person)
        sqlite3_bind_text(s, i++, f->person, -1, SQLITE_STATIC);
    if (f->user)
        sqlite3_bind_text(s, i++, f->user, -1, SQLITE_STATIC);
    if (f->since)
        sqlite3_bind_text(s, i++, f->since, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct audit_row r = {
            sqlite3_column_int64(s, 0), db_col(s, 1), db_col(s, 2), db_col(s, 3),
            sqlite3_column_type(s, 4) == SQLITE_NULL ? NULL : db_col(s, 4), db_col(s, 5),
        };
        rc = fn(&r, ctx);
    }
cleanup:
    sqlite3_finalize(s);
    buf_release(&sql);
    buf_release(&detail);
    return rc;
}

/*
 * The site key each entry is chained under: before the first rotation the
 * first key (prev_key_id of the first epoch), then each epoch's key from its
 * from_seq on (records/keys.c).  Without rotations, the store's key.
 */
struct epoch {
    int64_t from;
    char id[17];
};

struct audit_epochs {
    struct epoch *ep;
    size_t n, cur;
    char first[17];
};

static int epochs_load(struct store *st, struct epoch **out, size_t *n, char first[17],
                       struct berr *e);

int audit_epochs_load(struct store *st, struct audit_epochs **out, struct berr *e)
{
    struct audit_epochs *x = xcalloc(1, sizeof(*x));
    int rc = epochs_load(st, &x->ep, &x->n, x->first, e);

    if (rc < 0) {
        audit_epochs_free(x);
        x = NULL;
    }
    *out = x;
    return rc;
}

const unsigned char *audit_epochs_key(struct store *st, struct audit_epochs *x, int64_t seq,
                                      const char **key_id)
{
    while (x->cur > 0 && x->ep[x->cur - 1].from > seq)
        x->cur--;
    while (x->cur < x->n && x->ep[x->cur].from <= seq)
        x->cur++;
    *key_id = x->cur == 0 ? x->first : x->ep[x->cur - 1].id;
    return store_key_by_id(st, *key_id);
}

void audit_epochs_free(struct audit_epochs *x)
{
    if (x) {
        free(x->ep);
        free(x);
    }
}

static int epochs_load(struct store *st, struct epoch **out, size_t *n, char first[17],
                       struct berr *e)
{
    sqlite3_stmt *s = NULL;
    size_t a = 0;
    int rc = db_prepare(st, &s, "SELECT from_seq, key_id, prev_key_id FROM key_epochs "
                                "ORDER BY from_seq", e);

    *out = NULL;
    *n = 0;
    snprintf(first, 17, "%s", st->key_id);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        if (*n == a) {
            a = a ? 2 * a : 8;
            *out = xrealloc(*out, a * sizeof(**out));
        }
        if (*n == 0)
            snprintf(first, 17, "%s", db_col(s, 2));
        (*out)[*n].from = sqlite3_column_int64(s, 0);
        snprintf((*out)[*n].id, sizeof((*out)[*n].id), "%s", db_col(s, 1));
        (*n)++;
    }
    sqlite3_finalize(s);
    return rc;
}

int audit_chain_check(struct store *st, struct audit_verify_result *out, struct berr *e)
{
    sqlite3_stmt *s = NULL, *h = NULL;
    char prev[65] = "", mac[65];
    int64_t expect = 1, head_seq = 0;
    char head_mac[65] = "", first[17];
    struct epoch *ep = NULL;
    size_t n_ep = 0, cur = 0;
    const char *id;
    const unsigned char *key;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = epochs_load(st, &ep, &n_ep, first, e);
    if (rc < 0)
        return rc;
    /* after an archive, the chain goes on from its checkpoint (the last archived entry) */
    rc = db_prepare(st, &h, "SELECT last_seq, last_mac FROM audit_archives ORDER BY last_seq DESC "
                            "LIMIT 1", e);
    if (rc < 0)
        goto cleanup;
    if (sqlite3_step(h) == SQLITE_ROW) {
        out->archived = sqlite3_column_int64(h, 0);
        expect = out->archived + 1;
        snprintf(prev, sizeof(prev), "%s", db_col(h, 1));
    }
    sqlite3_finalize(h);
    h = NULL;
    rc = db_prepare(st, &s, "SELECT seq, at, user, function, person, detail, mac FROM audit_log "
                            "ORDER BY seq", e);
    if (rc < 0)
        goto cleanup;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        const char *person = sqlite3_column_type(s, 4) == SQLITE_NULL ? NULL : db_col(s, 4);
        if (seq != expect) {
            out->first_bad = expect;
            if (seq == expect + 1)
                snprintf(out->reason, sizeof(out->reason),
                         "記録 %lld が欠けています (削除された可能性があります)", (long long)expect);
            else if (seq > expect)
                snprintf(out->reason, sizeof(out->reason),
                         "記録 %lld〜%lld が欠けています (削除された可能性があります)", (long long)expect,
                         (long long)(seq - 1));
            else
                snprintf(out->reason, sizeof(out->reason), "記録 %lld が重複しています", (long long)seq);
            goto cleanup;
        }
        while (cur < n_ep && ep[cur].from <= seq)
            cur++;
        id = cur == 0 ? first : ep[cur - 1].id;
        key = store_key_by_id(st, id);
        if (key == NULL) {
            out->first_bad = seq;
            snprintf(out->reason, sizeof(out->reason),
                     "記録 %lld を検証するサイト鍵 (鍵ID %s) がありません (%s.key.old)",
                     (long long)seq, id, st->path);
            goto cleanup;
        }
        audit_entry_mac(key, prev, seq, db_col(s, 1), db_col(s, 2), db_col(s, 3), person, db_col(s, 5),
                  mac);
        if (sodium_memcmp(mac, db_col(s, 6), 64) != 0 || strlen(db_col(s, 6)) != 64) {
            out->first_bad = seq;
            snprintf(out->reason, sizeof(out->reason),
                     "記録 %lld の内容が改ざんされているか、前の記録が変更されています", (long long)seq);
            goto cleanup;
        }
        memcpy(prev, mac, sizeof(prev));
        out->checked++;
        expect++;
    }
    rc = db_prepare(st, &h, "SELECT seq, mac FROM audit_head WHERE id = 1", e);
    if (rc < 0)
        goto cleanup;
    if (sqlite3_step(h) == SQLITE_ROW) {
        head_seq = sqlite3_column_int64(h, 0);
        snprintf(head_mac, sizeof(head_mac), "%s", db_col(h, 1));
    }
    if (head_seq != expect - 1 || strcmp(head_mac, prev) != 0) {
        out->first_bad = expect;
        snprintf(out->reason, sizeof(out->reason),
                 "最後の記録 (%lld) 以降が削除されています (記録上の最終番号 %lld)",
                 (long long)(expect - 1), (long long)head_seq);
    }
cleanup:
    sqlite3_finalize(s);
    sqlite3_finalize(h);
    free(ep);
    return rc;
}

int audit_verify(struct store *st, const struct actor *a, struct audit_verify_result *out,
                 struct berr *e)
{
    int rc = actor_require(a, PERM_AUDIT_READ, e);

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    /* Under the write lock, so a concurrent append cannot look like a break. */
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = audit_chain_check(st, out, e);
    if (rc == 0) {
        char d[320];
        if (out->first_bad)
            snprintf(d, sizeof(d), "検証: 記録 %lld で異常 (%s)", (long long)out->first_bad,
                     out->reason);
        else
            snprintf(d, sizeof(d), "検証 %lld 件: 正常", (long long)out->checked);
        rc = audit_append(st, a, "audit.verify", NULL, d, e);
    }
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, e);
}
