/*
 * residents-find.c: ranked matching of a person against the resident
 * master, used by staff (`boshi residents find`) and by intake to identify
 * the mother on a 妊娠届出書.  Candidates come only from indexed look-ups
 * (個人番号 hash, folded カナ, folded 氏名, 生年月日, folded 住所 prefix); each is
 * then scored on every criterion given, with the reasons spelled out so a
 * nurse can see why a person was proposed.  A query never scans the table.
 *
 * Scores: 個人番号一致 100, カナ一致 40 (姓だけ/名だけ 15, 前方一致 10),
 * 氏名一致 30 (姓/名だけ 10), 生年月日一致 30, 住所一致 15.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/residents.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GATHER_LIMIT 500

struct cand_set {
    char (*atena)[11];
    size_t n, alloc;
};

static void set_add(struct cand_set *cs, const char *atena)
{
    for (size_t i = 0; i < cs->n; i++)
        if (strcmp(cs->atena[i], atena) == 0)
            return;
    if (cs->n == cs->alloc) {
        cs->alloc = cs->alloc ? cs->alloc * 2 : 64;
        cs->atena = xrealloc(cs->atena, cs->alloc * sizeof(*cs->atena));
    }
    snprintf(cs->atena[cs->n++], 11, "%s", atena);
}

/* Runs a look-up returning atena in column 0; binds up to two texts or a blob. */
static int gather(struct store *st, struct cand_set *cs, const char *sql, const char *t1,
                  const char *t2, const void *blob, int blob_n, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, sql, e);

    if (rc < 0)
        return rc;
    if (blob)
        sqlite3_bind_blob(s, 1, blob, blob_n, SQLITE_STATIC);
    else
        sqlite3_bind_text(s, 1, t1, -1, SQLITE_STATIC);
    if (t2)
        sqlite3_bind_text(s, 2, t2, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, sqlite3_bind_parameter_count(s), GATHER_LIMIT);
    while (sqlite3_step(s) == SQLITE_ROW)
        set_add(cs, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return 0;
}

/* Upper bound for a prefix range scan: prefix followed by U+10FFFF. */
static char *prefix_end(const char *p)
{
    return xasprintf("%s\xF4\x8F\xBF\xBF", p);
}

/* Splits a folded-with-space key at the space; either part may be "". */
static void split_name(const char *folded_sp, char **sei, char **mei)
{
    const char *sp = strchr(folded_sp, ' ');

    if (sp == NULL) {
        *sei = xstrdup(folded_sp);
        *mei = xstrdup("");
        return;
    }
    *sei = xstrndup(folded_sp, (size_t)(sp - folded_sp));
    *mei = xstrdup(sp + 1);
}

static void add_reason(struct candidate *c, int points, const char *why)
{
    size_t n = strlen(c->reasons);

    c->score += points;
    snprintf(c->reasons + n, sizeof(c->reasons) - n, "%s%s", n ? ", " : "", why);
}

/* 1 if a and b are equal once ASCII spaces are dropped (NFKC'd input). */
static int same_ignoring_spaces(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        if (*a != *b)
            return 0;
        if (*a == '\0')
            return 1;
        a++;
        b++;
    }
}

/* Scores a name-like criterion: full fold equal, or one part, or a prefix. */
static void score_name(struct candidate *c, const char *query, const char *stored, int full,
                       int part, int prefix, const char *what)
{
    char *q = kana_fold_keep_space(query), *s = kana_fold_keep_space(stored);
    char *qs = NULL, *qm = NULL, *ss = NULL, *sm = NULL;
    char *qf = kana_fold(query), *sf = kana_fold(stored);
    char why[96];

    if (q == NULL || s == NULL || qf == NULL || sf == NULL)
        goto cleanup;
    split_name(q, &qs, &qm);
    split_name(s, &ss, &sm);
    if (strcmp(qf, sf) == 0) {
        /* Same after folding: say whether it was written differently. */
        char *qn = text_nfkc(query), *sn = text_nfkc(stored);
        int literal = qn != NULL && sn != NULL && same_ignoring_spaces(qn, sn);
        free(qn);
        free(sn);
        snprintf(why, sizeof(why), "%s一致%s", what, literal ? "" : "(表記ゆれ・異体字)");
        add_reason(c, full, why);
    } else if (*qm && strcmp(qs, ss) == 0) {
        snprintf(why, sizeof(why), "%s(姓)一致", what);
        add_reason(c, part, why);
    } else if (*qm && strcmp(qm, sm) == 0) {
        snprintf(why, sizeof(why), "%s(名)一致", what);
        add_reason(c, part, why);
    } else if (*qf && strncmp(sf, qf, strlen(qf)) == 0) {
        snprintf(why, sizeof(why), "%s前方一致", what);
        add_reason(c, prefix, why);
    }
cleanup:
    free(q); free(s); free(qs); free(qm); free(ss); free(sm); free(qf); free(sf);
}

static int cmp_cand(const void *a, const void *b)
{
    const struct candidate *x = a, *y = b;

    if (x->score != y->score)
        return y->score - x->score;
    return strcmp(x->r.atena, y->r.atena);
}

void candidates_free(struct candidate *c, size_t n)
{
    for (size_t i = 0; c != NULL && i < n; i++)
        resident_release(&c[i].r);
    free(c);
}

int residents_find(struct store *st, const struct actor *a, const struct find_query *q,
                   struct candidate **out, size_t *nout, struct berr *e)
{
    struct cand_set cs = { NULL, 0, 0 };
    struct candidate *cands = NULL;
    sqlite3_stmt *s = NULL;
    unsigned char mn_idx[16];
    char *kk = NULL, *nk = NULL, *ak = NULL, *end = NULL, birth[11] = "";
    size_t n = 0;
    int limit = q->limit > 0 ? q->limit : 20;
    int rc = actor_require(a, PERM_RESIDENTS_READ, e), own_txn = 0;

    *out = NULL;
    *nout = 0;
    if (rc < 0)
        return rc;
    if (q->mynumber && !mynumber_valid(q->mynumber))
        return berr_set(e, BERR_INVALID, "個人番号が正しくありません (12桁・チェックデジット)");
    if (!q->kana && !q->name && !q->address && !q->mynumber && q->birth.y == 0)
        return berr_set(e, BERR_INVALID, "検索条件を一つ以上指定してください");
    if (q->kana && *q->kana) {
        kk = kana_fold(q->kana);
        if (kk == NULL || *kk == '\0')
            return berr_set(e, BERR_INVALID, "カナが読めません");
    }
    if (q->name && *q->name)
        nk = kana_fold(q->name);
    if (q->address && *q->address)
        ak = address_fold(q->address, NULL);
    if (q->birth.y)
        ymd_iso(q->birth, birth);

    /* Reads and the audit entries in one transaction: consistent and fast. */
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    own_txn = 1;
    if (q->mynumber) {
        mynumber_index(st, q->mynumber, mn_idx);
        rc = gather(st, &cs, "SELECT atena FROM residents WHERE mynumber_idx = ? LIMIT ?", NULL,
                    NULL, mn_idx, 16, e);
    }
    if (rc == 0 && kk) {
        end = prefix_end(kk);
        rc = gather(st, &cs, "SELECT atena FROM residents WHERE kana_key = ? LIMIT ?", kk, NULL,
                    NULL, 0, e);
        if (rc == 0 && birth[0] == '\0')
            rc = gather(st, &cs, "SELECT atena FROM residents WHERE kana_key > ? AND kana_key < ? "
                                 "LIMIT ?", kk, end, NULL, 0, e);
        free(end);
        end = NULL;
    }
    if (rc == 0 && nk && *nk) {
        rc = gather(st, &cs, "SELECT atena FROM residents WHERE name_key = ? LIMIT ?", nk, NULL,
                    NULL, 0, e);
        if (rc == 0 && birth[0] == '\0' && !kk) {
            end = prefix_end(nk);
            rc = gather(st, &cs, "SELECT atena FROM residents WHERE name_key > ? AND name_key < ? "
                                 "LIMIT ?", nk, end, NULL, 0, e);
            free(end);
            end = NULL;
        }
    }
    if (rc == 0 && birth[0])
        rc = gather(st, &cs, "SELECT atena FROM residents WHERE birth = ? LIMIT ?", birth, NULL,
                    NULL, 0, e);
    if (rc == 0 && ak && *ak && !kk && !nk && !birth[0] && !q->mynumber) {
        end = prefix_end(ak);
        rc = gather(st, &cs, "SELECT atena FROM residents WHERE addr_key >= ? AND addr_key < ? "
                             "LIMIT ?", ak, end, NULL, 0, e);
    }
    if (rc < 0)
        goto cleanup;

    cands = xcalloc(cs.n ? cs.n : 1, sizeof(*cands));
    rc = db_prepare(st, &s,
                    "SELECT atena, setai, name, kana, sex, birth, zokugara, status, postal, address, "
                    "katagaki, idou_code, idou_date, todoke_date, mynumber_enc, mynumber_idx, addr_key, "
                    "shien FROM residents WHERE atena = ?", e);
    if (rc < 0)
        goto cleanup;
    for (size_t i = 0; i < cs.n; i++) {
        struct candidate *c = &cands[n];
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, cs.atena[i], -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_ROW)
            continue;
        memset(c, 0, sizeof(*c));
        residents_fill_row(st, s, &c->r);
        if (q->mynumber && sqlite3_column_bytes(s, 15) == 16 &&
            sodium_memcmp(sqlite3_column_blob(s, 15), mn_idx, 16) == 0)
            add_reason(c, 100, "個人番号一致");
        if (q->kana && *q->kana)
            score_name(c, q->kana, c->r.kana, 40, 15, 10, "カナ");
        if (q->name && *q->name)
            score_name(c, q->name, c->r.name, 30, 10, 5, "氏名");
        if (birth[0]) {
            if (ymd_cmp(q->birth, c->r.birth) == 0)
                add_reason(c, 30, "生年月日一致");
        }
        if (ak && *ak) {
            const char *sk = db_col(s, 16);
            if (strstr(sk, ak) != NULL || (*sk && strstr(ak, sk) != NULL))
                add_reason(c, 15, "住所一致");
        }
        if (c->score == 0) {
            resident_release(&c->r);
            continue;
        }
        if (c->r.status != RS_RESIDENT) {
            size_t len = strlen(c->reasons);
            snprintf(c->reasons + len, sizeof(c->reasons) - len, " [%s]",
                     resident_status_label(c->r.status));
        }
        n++;
    }
    qsort(cands, n, sizeof(*cands), cmp_cand);
    while (n > (size_t)limit)
        resident_release(&cands[--n].r);
    for (size_t i = 0; i < n && rc == 0; i++) {
        char d[64];
        snprintf(d, sizeof(d), "住民検索の候補 (順位%zu スコア%d)", i + 1, cands[i].score);
        rc = audit_append(st, a, "residents.find", cands[i].r.atena, d, e);
    }
    if (rc == 0 && n == 0)
        rc = audit_append(st, a, "residents.find", NULL, "住民検索: 該当なし", e);
    if (rc == 0) {
        own_txn = 0;
        rc = store_commit(st, e);
    }
cleanup:
    if (own_txn)
        store_rollback(st);
    sqlite3_finalize(s);
    free(cs.atena);
    free(kk);
    free(nk);
    free(ak);
    free(end);
    if (rc < 0) {
        candidates_free(cands, n);
        return rc;
    }
    *out = cands;
    *nout = n;
    return 0;
}
