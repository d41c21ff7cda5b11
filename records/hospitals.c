/*
 * hospitals.c: the hospital master (医療機関マスタ) - the receiving hospitals a
 * 精密検査依頼書 names and the clinics whose vouchers are paid.  Loaded from
 * a CSV file the way the resident master is: the whole file is read and
 * every row validated first (libcsv, line and column in every message);
 * any error and the store is not touched; else all rows upsert in one
 * transaction with one access-log entry.
 * Not for: choosing a hospital for a referral (cli/cmd-referrals.c).
 */
#include "records/records-internal.h"
#include "records/csvtable.h"
#include "records/audit.h"
#include "records/referrals.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


enum hcol { H_CODE, H_NAME, H_DEPT, H_POSTAL, H_ADDR, H_TEL, H_FAX, NHCOL };
static const char *const hcol_names[NHCOL] = { "医療機関コード", "名称", "診療科", "郵便番号",
                                               "住所", "電話", "FAX" };

void hospital_release(struct hospital *h)
{
    if (h == NULL)
        return;
    free(h->name);
    free(h->department);
    free(h->postal);
    free(h->address);
    free(h->phone);
    free(h->fax);
    memset(h, 0, sizeof(*h));
}

static const char *hfld(const struct csvtable *t, const struct csvtable_row *w, enum hcol c)
{
    return csvtable_field(t, w, c);
}

static int digits_only(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);

    if (n < min || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

/* Telephone / FAX: digits and hyphens, 10 or 11 digits in all (empty allowed). */
static int phone_ok(const char *s)
{
    int digits = 0;

    if (*s == '\0')
        return 1;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s != '-')
            return 0;
    }
    return digits >= 10 && digits <= 11;
}

static void validate_row(struct csvtable *r, const struct csvtable_row *w, void *ctx)
{
    (void)ctx;
    const char *v;

    v = hfld(r, w, H_CODE);
    if (!digits_only(v, 10, 10))
        csvtable_error(r, w->line, hcol_names[H_CODE], "10桁の数字ではありません「%s」", v);
    if (*hfld(r, w, H_NAME) == '\0')
        csvtable_error(r, w->line, hcol_names[H_NAME], "必須項目が空です");
    v = hfld(r, w, H_POSTAL);
    if (*v != '\0' && !digits_only(v, 7, 7))
        csvtable_error(r, w->line, hcol_names[H_POSTAL], "7桁の数字ではありません「%s」", v);
    if (*hfld(r, w, H_ADDR) == '\0')
        csvtable_error(r, w->line, hcol_names[H_ADDR], "必須項目が空です");
    v = hfld(r, w, H_TEL);
    if (!phone_ok(v))
        csvtable_error(r, w->line, hcol_names[H_TEL], "電話番号ではありません (数字とハイフン、10〜11桁)「%s」", v);
    v = hfld(r, w, H_FAX);
    if (!phone_ok(v))
        csvtable_error(r, w->line, hcol_names[H_FAX], "FAX番号ではありません (数字とハイフン、10〜11桁)「%s」", v);
    for (int c = 0; c < NHCOL; c++) {
        v = hfld(r, w, (enum hcol)c);
        if (strlen(v) > 200)
            csvtable_error(r, w->line, hcol_names[c], "長すぎます (200バイトまで)");
    }
}

static int apply(struct store *st, const struct actor *a, const struct csvtable *r,
                 const char *path, const unsigned char sha[32], struct hospitals_import_report *rep,
                 struct berr *e)
{
    sqlite3_stmt *imp = NULL, *up = NULL, *ex = NULL;
    char now[32], hex[65], detail[256];
    int64_t import_id = 0;
    int rc;

    store_now_iso(now);
    sodium_bin2hex(hex, sizeof(hex), sha, 32);
    rc = db_prepare(st, &imp, "INSERT INTO imports(kind, file, sha256, rows, by_user, at) "
                              "VALUES ('hospitals', ?, ?, ?, ?, ?)", e);
    if (rc == 0)
        rc = db_prepare(st, &ex, "SELECT 1 FROM hospitals WHERE code = ?", e);
    if (rc == 0)
        rc = db_prepare(st, &up, "INSERT INTO hospitals(code, name, department, postal, address, "
                                 "phone, fax, import_id, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9) "
                                 "ON CONFLICT(code) DO UPDATE SET name = ?2, department = ?3, "
                                 "postal = ?4, address = ?5, phone = ?6, fax = ?7, import_id = ?8, "
                                 "updated_at = ?9", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(imp, 1, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(imp, 2, hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(imp, 3, (sqlite3_int64)r->nrows);
    sqlite3_bind_text(imp, 4, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(imp, 5, now, -1, SQLITE_STATIC);
    if (sqlite3_step(imp) != SQLITE_DONE) {
        rc = db_fail(st, "取込記録", e);
        goto cleanup;
    }
    import_id = sqlite3_last_insert_rowid(st->db);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct csvtable_row *w = &r->rows[i];
        sqlite3_reset(ex);
        sqlite3_bind_text(ex, 1, hfld(r, w, H_CODE), -1, SQLITE_STATIC);
        if (sqlite3_step(ex) == SQLITE_ROW)
            rep->updated++;
        else
            rep->inserted++;
        sqlite3_reset(up);
        for (int c = 0; c < NHCOL; c++)
            sqlite3_bind_text(up, c + 1, hfld(r, w, (enum hcol)c), -1, SQLITE_STATIC);
        sqlite3_bind_int64(up, 8, import_id);
        sqlite3_bind_text(up, 9, now, -1, SQLITE_STATIC);
        if (sqlite3_step(up) != SQLITE_DONE) {
            rc = db_fail(st, "医療機関の保存", e);
            goto cleanup;
        }
    }
    snprintf(detail, sizeof(detail), "医療機関マスタ取込 %ld 件 (新規 %ld, 更新 %ld)", rep->rows,
             rep->inserted, rep->updated);
    rc = audit_append(st, a, "hospitals.import", NULL, detail, e);
cleanup:
    sqlite3_finalize(imp);
    sqlite3_finalize(ex);
    sqlite3_finalize(up);
    return rc;
}

int hospitals_import(struct store *st, const struct actor *a, const char *path,
                     struct hospitals_import_report *rep, struct berr *e)
{
    struct csvtable r;
    int rc;

    memset(rep, 0, sizeof(*rep));
    if (!actor_can(a, PERM_REPORTS) && !actor_can(a, PERM_RECORDS_WRITE))
        return actor_require(a, PERM_REPORTS, e);
    memset(&r, 0, sizeof(r));
    r.file = path;
    r.kind = "医療機関ファイル";
    r.names = hcol_names;
    r.ncols = NHCOL;
    r.validate = validate_row;
    rc = csvtable_read(&r, path, CSVTABLE_DETECT, e);
    if (rc < 0)
        goto cleanup;
    rep->encoding = r.encoding;
    csvtable_duplicates(&r, H_CODE, 0);
    rc = csvtable_verdict(&r, e);
    if (rc < 0)
        goto cleanup;
    rep->rows = (long)r.nrows;
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    rc = apply(st, a, &r, path, r.sha256, rep, e);
    if (rc < 0)
        store_rollback(st);
    else
        rc = store_commit(st, e);
cleanup:
    csvtable_release(&r);
    return rc;
}

static void fill_hospital(sqlite3_stmt *s, struct hospital *h)
{
    snprintf(h->code, sizeof(h->code), "%s", db_col(s, 0));
    h->name = xstrdup(db_col(s, 1));
    h->department = xstrdup(db_col(s, 2));
    h->postal = xstrdup(db_col(s, 3));
    h->address = xstrdup(db_col(s, 4));
    h->phone = xstrdup(db_col(s, 5));
    h->fax = xstrdup(db_col(s, 6));
}

#define HOSPITAL_COLS "code, name, department, postal, address, phone, fax"

int hospitals_list(struct store *st, hospital_fn fn, void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT " HOSPITAL_COLS " FROM hospitals ORDER BY code", e);

    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct hospital h;
        memset(&h, 0, sizeof(h));
        fill_hospital(s, &h);
        rc = fn(&h, ctx);
        hospital_release(&h);
    }
    sqlite3_finalize(s);
    return rc;
}

int hospitals_get(struct store *st, const char *code, struct hospital *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT " HOSPITAL_COLS " FROM hospitals WHERE code = ?", e);

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        fill_hospital(s, out);
    else
        rc = berr_set(e, BERR_NOTFOUND, "医療機関コード「%s」は医療機関マスタにありません "
                      "(boshi hospitals list)", code);
    sqlite3_finalize(s);
    return rc;
}
