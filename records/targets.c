/*
 * targets.c: who is due for a checkup in a month (対象者抽出), with the
 * guardian each letter is addressed to.  The rule (README.md, "The monthly
 * checkup job"): a checkup at age N months takes the children born in the
 * month N months before the checkup month (N is a setting per checkup),
 * resident, and not yet examined for that checkup.  The 新生児訪問
 * (form shinseiji_houmon, `boshi targets houmon`) takes the resident
 * children still under 4 months old on the 1st of the month or born in
 * it, with no visit recorded (table visits).
 * Not for: printing (reports/) or deciding reissues (the caller does).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/issues.h"
#include "records/residents.h"
#include "records/targets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int targets_audit(struct store *st, const struct actor *a, const char *function,
                  const struct target *t, size_t n, const char *detail, struct berr *e)
{
    char zero[300];
    int rc = 0;

    for (size_t i = 0; i < n && rc == 0; i++)
        rc = audit_append(st, a, function, t[i].child.atena, detail, e);
    if (rc == 0 && n == 0) {
        snprintf(zero, sizeof(zero), "%s: 0人", detail);
        rc = audit_append(st, a, function, NULL, zero, e);
    }
    return rc;
}

int targets_age_months(struct store *st, const char *form, int *months, struct berr *e)
{
    char key[96], *v = NULL;
    int rc;

    snprintf(key, sizeof(key), "checkup.%s.age_months", form);
    rc = settings_get(st, key, &v, e);
    if (rc < 0) {
        if (rc == BERR_INVALID)
            return berr_set(e, BERR_INVALID, "「%s」は乳幼児健診の様式ではありません "
                            "(nyuyoji_4m, nyuyoji_10m, nyuyoji_1y6m, nyuyoji_3y)", form);
        return rc;
    }
    *months = atoi(v);
    free(v);
    return 0;
}

char *address_town(const char *address)
{
    char *n = text_nfkc(address);
    const char *p, *cut, *start;
    static const char *const numerals[] = { "一", "二", "三", "四", "五", "六", "七", "八", "九", "十" };

    if (n == NULL)
        return xstrdup("");
    /* the cut: the first ASCII digit, or a kanji numeral starting a 丁目 */
    cut = n + strlen(n);
    for (p = n; *p; p++) {
        if (*p >= '0' && *p <= '9') {
            cut = p;
            break;
        }
    }
    const char *chome = strstr(n, "丁目");
    if (chome != NULL && chome < cut) {
        const char *q = chome;
        for (;;) {
            int hit = 0;
            for (size_t i = 0; i < 10; i++) {
                if (q - n >= 3 && strncmp(q - 3, numerals[i], 3) == 0) {
                    q -= 3;
                    hit = 1;
                    break;
                }
            }
            if (!hit)
                break;
        }
        cut = q;
    }
    /* the start: after the last 市 or 区 before the cut */
    start = n;
    for (p = n; p < cut; p++) {
        if (strncmp(p, "市", 3) == 0 || strncmp(p, "区", 3) == 0)
            start = p + 3;
    }
    while (*start == ' ' && start < cut)
        start++;
    char *town = xstrndup(start, (size_t)(cut - start));
    free(n);
    return town;
}

void targets_free(struct target *t, size_t n)
{
    for (size_t i = 0; t != NULL && i < n; i++) {
        resident_release(&t[i].child);
        resident_release(&t[i].guardian);
    }
    free(t);
}

static int cmp_target(const void *a, const void *b)
{
    const struct target *x = a, *y = b;
    int c = strcmp(x->town, y->town);

    if (c != 0)
        return c;
    c = ymd_cmp(x->child.birth, y->child.birth);
    return c != 0 ? c : strcmp(x->child.atena, y->child.atena);
}

#define RESIDENT_COLS "atena, setai, name, kana, sex, birth, zokugara, status, postal, address, " \
                      "katagaki, idou_code, idou_date, todoke_date, mynumber_enc, shien"

/* The household adult a letter goes to: 世帯主, then 妻, then 夫; 18 or over. */
static int find_guardian(struct store *st, sqlite3_stmt *g, struct target *t, struct ymd on)
{
    static const char *const order[] = { "世帯主", "妻", "夫" };
    struct resident cands[3];
    int have[3] = { 0, 0, 0 };

    sqlite3_reset(g);
    sqlite3_bind_text(g, 1, t->child.setai, -1, SQLITE_STATIC);
    sqlite3_bind_text(g, 2, t->child.atena, -1, SQLITE_STATIC);
    while (sqlite3_step(g) == SQLITE_ROW) {
        struct resident r;
        residents_fill_row(st, g, &r);
        int used = 0;
        for (int i = 0; i < 3; i++) {
            if (!have[i] && strcmp(r.zokugara, order[i]) == 0 && ymd_age_years(r.birth, on) >= 18) {
                cands[i] = r;
                have[i] = 1;
                used = 1;
                break;
            }
        }
        if (!used)
            resident_release(&r);
    }
    for (int i = 0; i < 3; i++) {
        if (have[i] && !t->has_guardian) {
            t->guardian = cands[i];
            t->has_guardian = 1;
        } else if (have[i]) {
            resident_release(&cands[i]);
        }
    }
    return t->has_guardian;
}

int targets_find(struct store *st, const struct actor *a, const char *form, int year, int month,
                 struct target **out, size_t *nout, struct berr *e)
{
    sqlite3_stmt *s = NULL, *g = NULL;
    struct target *t = NULL;
    size_t n = 0, alloc = 0;
    int months = 0, rc, txn = 0;
    char lo[11], hi[11], mstr[8], detail[128];
    struct ymd first = { year, month, 1 }, on = first;

    *out = NULL;
    *nout = 0;
    rc = actor_require(a, PERM_TARGETS, e);
    if (rc < 0)
        return rc;
    if (month < 1 || month > 12 || year < 2000 || year > 2100)
        return berr_set(e, BERR_INVALID, "対象月が正しくありません (YYYY-MM)");
    int houmon = strcmp(form, "shinseiji_houmon") == 0;
    if (houmon) {
        /* under 4 months on the 1st (born after the day 4 months before), or born in the month */
        ymd_iso(ymd_from_days(ymd_to_days(ymd_add_months(first, -HOUMON_BEFORE_MONTHS)) + 1), lo);
        ymd_iso(ymd_add_months(first, 1), hi);
    } else {
        rc = targets_age_months(st, form, &months, e);
        if (rc < 0)
            return rc;
        ymd_iso(ymd_add_months(first, -months), lo);
        ymd_iso(ymd_add_months(first, -months + 1), hi);
    }
    snprintf(mstr, sizeof(mstr), "%04d-%02d", year % 10000, month % 100);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = db_prepare(st, &s, houmon ? "SELECT " RESIDENT_COLS " FROM residents WHERE birth >= ? AND "
                                     "birth < ? AND status = 1 AND NOT EXISTS (SELECT 1 FROM visits v "
                                     "WHERE v.person = residents.atena AND v.form = ?)"
                                   : "SELECT " RESIDENT_COLS " FROM residents WHERE birth >= ? AND "
                                     "birth < ? AND status = 1 AND NOT EXISTS (SELECT 1 FROM checkups c "
                                     "WHERE c.person = residents.atena AND c.form = ?)", e);
    if (rc == 0)
        rc = db_prepare(st, &g, "SELECT " RESIDENT_COLS " FROM residents WHERE setai = ? AND "
                                "atena <> ? AND status = 1 ORDER BY atena", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, form, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (n == alloc) {
            alloc = alloc ? alloc * 2 : 64;
            t = xrealloc(t, alloc * sizeof(*t));
        }
        struct target *x = &t[n++];
        memset(x, 0, sizeof(*x));
        residents_fill_row(st, s, &x->child);
        char *town = address_town(x->child.address);
        snprintf(x->town, sizeof(x->town), "%s", town);
        free(town);
        find_guardian(st, g, x, on);
        rc = issues_current(st, form, x->child.atena, mstr, x->issued, e);
        if (rc < 0)
            goto cleanup;
        rc = 0;
    }
    if (n > 0)
        qsort(t, n, sizeof(*t), cmp_target);
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "%s %s %s", houmon ? "新生児訪問対象者抽出" : "健診対象者抽出",
                 form, mstr);
        rc = targets_audit(st, a, "targets.list", t, n, detail, e);
    }
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
cleanup:
    if (txn)
        store_rollback(st);
    sqlite3_finalize(s);
    sqlite3_finalize(g);
    if (rc < 0) {
        targets_free(t, n);
        return rc;
    }
    *out = t;
    *nout = n;
    return 0;
}
