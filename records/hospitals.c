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
#include "records/referrals.h"

#include <csv.h>
#include <iconv.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ERRORS 50
#define MAX_COLS 16

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

struct hrow {
    long line;
    size_t f[NHCOL];
};

struct hreader {
    const char *file;
    struct buf arena;
    struct hrow *rows;
    size_t nrows, arows;
    int map[NHCOL];
    int ncols_file, header_done;
    size_t cur[MAX_COLS];
    int ncur, too_many;
    long line, row_line;
    struct buf errs;
    long nerrs;
};

static void hr_error(struct hreader *r, long line, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void hr_error(struct hreader *r, long line, const char *col, const char *fmt, ...)
{
    va_list ap;

    r->nerrs++;
    if (r->nerrs > MAX_ERRORS)
        return;
    buf_addf(&r->errs, "\n  %s:%ld: ", r->file, line);
    if (col)
        buf_addf(&r->errs, "列「%s」: ", col);
    va_start(ap, fmt);
    buf_vaddf(&r->errs, fmt, ap);
    va_end(ap);
}

static const char *hfld(const struct hreader *r, const struct hrow *w, enum hcol c)
{
    return r->arena.s + w->f[c];
}

static void cb_field(void *s, size_t len, void *data)
{
    struct hreader *r = data;
    const char *p = s ? s : "";

    if (r->ncur == 0)
        r->row_line = r->line;
    if (r->ncur >= MAX_COLS) {
        r->too_many = 1;
        return;
    }
    while (len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
    r->cur[r->ncur++] = r->arena.len;
    buf_add(&r->arena, p, len);
    buf_addc(&r->arena, '\0');
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

static void check_header(struct hreader *r)
{
    r->header_done = 1;
    for (int c = 0; c < NHCOL; c++)
        r->map[c] = -1;
    for (int i = 0; i < r->ncur; i++) {
        const char *h = r->arena.s + r->cur[i];
        int found = 0;
        for (int c = 0; c < NHCOL; c++) {
            if (strcmp(h, hcol_names[c]) == 0) {
                if (r->map[c] >= 0)
                    hr_error(r, r->row_line, NULL, "見出し「%s」が重複しています", h);
                r->map[c] = i;
                found = 1;
            }
        }
        if (!found)
            hr_error(r, r->row_line, NULL, "見出し「%s」は医療機関ファイルの列ではありません "
                     "(医療機関コード,名称,診療科,郵便番号,住所,電話,FAX)", h);
    }
    r->ncols_file = r->ncur;
    for (int c = 0; c < NHCOL; c++) {
        if (r->map[c] < 0) {
            hr_error(r, r->row_line, NULL, "見出し行に列「%s」がありません", hcol_names[c]);
            r->ncols_file = -1;
        }
    }
}

static void validate_row(struct hreader *r, const struct hrow *w)
{
    const char *v;

    v = hfld(r, w, H_CODE);
    if (!digits_only(v, 10, 10))
        hr_error(r, w->line, hcol_names[H_CODE], "10桁の数字ではありません「%s」", v);
    if (*hfld(r, w, H_NAME) == '\0')
        hr_error(r, w->line, hcol_names[H_NAME], "必須項目が空です");
    v = hfld(r, w, H_POSTAL);
    if (*v != '\0' && !digits_only(v, 7, 7))
        hr_error(r, w->line, hcol_names[H_POSTAL], "7桁の数字ではありません「%s」", v);
    if (*hfld(r, w, H_ADDR) == '\0')
        hr_error(r, w->line, hcol_names[H_ADDR], "必須項目が空です");
    v = hfld(r, w, H_TEL);
    if (!phone_ok(v))
        hr_error(r, w->line, hcol_names[H_TEL], "電話番号ではありません (数字とハイフン、10〜11桁)「%s」", v);
    v = hfld(r, w, H_FAX);
    if (!phone_ok(v))
        hr_error(r, w->line, hcol_names[H_FAX], "FAX番号ではありません (数字とハイフン、10〜11桁)「%s」", v);
    for (int c = 0; c < NHCOL; c++) {
        v = hfld(r, w, (enum hcol)c);
        if (strlen(v) > 200)
            hr_error(r, w->line, hcol_names[c], "長すぎます (200バイトまで)");
    }
}

static void cb_row(int term, void *data)
{
    struct hreader *r = data;
    struct hrow w;

    (void)term;
    if (r->ncur == 0)
        return;
    if (!r->header_done) {
        check_header(r);
        r->ncur = 0;
        return;
    }
    if (r->ncols_file < 0) {
        r->ncur = 0;
        return;
    }
    if (r->too_many || r->ncur != r->ncols_file) {
        hr_error(r, r->row_line, NULL, "列の数が %d です (見出しは %d 列)",
                 r->too_many ? MAX_COLS : r->ncur, r->ncols_file);
        r->ncur = 0;
        r->too_many = 0;
        return;
    }
    w.line = r->row_line;
    for (int c = 0; c < NHCOL; c++)
        w.f[c] = r->cur[r->map[c]];
    if (r->nrows == r->arows) {
        r->arows = r->arows ? r->arows * 2 : 256;
        r->rows = xrealloc(r->rows, r->arows * sizeof(*r->rows));
    }
    r->rows[r->nrows++] = w;
    validate_row(r, &w);
    r->ncur = 0;
}

/* UTF-8 (BOM optional) as is; anything else is tried as CP932.  Caller frees *text. */
static int decode(const char *file, const char *raw, size_t n, char **text, size_t *tn,
                  const char **enc, struct berr *e)
{
    int bom = n >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0;
    iconv_t cd;
    size_t cap, left_in = n, left_out;
    char *out, *ip = (char *)raw, *op;

    if (bom || utf8_valid(raw, n)) {
        if (!utf8_valid(raw, n))
            return berr_set(e, BERR_INVALID, "%s: UTF-8 として読めない文字があります", file);
        *enc = bom ? "UTF-8 (BOM)" : "UTF-8";
        *text = xstrndup(raw + (bom ? 3 : 0), n - (bom ? 3 : 0));
        *tn = n - (bom ? 3 : 0);
        return 0;
    }
    cd = iconv_open("UTF-8", "CP932");
    if (cd == (iconv_t)-1)
        return berr_set(e, BERR_FAIL, "CP932 の変換器を開けません (iconv)");
    cap = n * 3 + 16;
    out = xmalloc(cap);
    op = out;
    left_out = cap - 1;
    if (iconv(cd, &ip, &left_in, &op, &left_out) == (size_t)-1) {
        long line = 1;
        for (const char *p = raw; p < ip; p++)
            line += *p == '\n';
        iconv_close(cd);
        free(out);
        return berr_set(e, BERR_INVALID, "%s:%ld: UTF-8 でも CP932 でも読めない文字があります",
                        file, line);
    }
    iconv_close(cd);
    *op = '\0';
    *enc = "CP932";
    *text = out;
    *tn = (size_t)(op - out);
    return 0;
}

static int read_file(struct hreader *r, const char *path, const char **enc, unsigned char sha[32],
                     struct berr *e)
{
    char *raw = NULL, *text = NULL;
    size_t n = 0, tn = 0, pos = 0;
    struct csv_parser p;
    int rc, csv_ok = 0;

    rc = file_read_all(path, &raw, &n, e);
    if (rc < 0)
        return rc;
    crypto_hash_sha256(sha, (const unsigned char *)raw, n);
    if (n == 0) {
        rc = berr_set(e, BERR_INVALID, "%s: ファイルが空です (見出し行もありません)", path);
        goto cleanup;
    }
    rc = decode(path, raw, n, &text, &tn, enc, e);
    if (rc < 0)
        goto cleanup;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
        rc = berr_set(e, BERR_FAIL, "CSV パーサを初期化できません");
        goto cleanup;
    }
    csv_ok = 1;
    r->line = 1;
    while (pos < tn) {
        const char *nl = memchr(text + pos, '\n', tn - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) + 1 : tn - pos;
        if (csv_parse(&p, text + pos, len, cb_field, cb_row, r) != len) {
            hr_error(r, r->line, NULL, "CSV の形式が不正です (%s)", csv_strerror(csv_error(&p)));
            goto checked;
        }
        pos += len;
        r->line++;
    }
    if (csv_fini(&p, cb_field, cb_row, r) != 0)
        hr_error(r, r->row_line, NULL, "CSV の形式が不正です (閉じていない引用符)");
checked:
    if (!r->header_done && r->nerrs == 0)
        hr_error(r, 1, NULL, "見出し行がありません");
    else if (r->nerrs == 0 && r->nrows == 0)
        hr_error(r, 2, NULL, "データ行がありません");
    /* duplicates of the code within the file: quadratic is fine for a few thousand rows */
    for (size_t i = 0; i < r->nrows; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(hfld(r, &r->rows[i], H_CODE), hfld(r, &r->rows[j], H_CODE)) == 0) {
                hr_error(r, r->rows[i].line, hcol_names[H_CODE], "%ld 行目と同じ値「%s」です "
                         "(ファイル内で重複)", r->rows[j].line, hfld(r, &r->rows[i], H_CODE));
                break;
            }
        }
    }
    if (r->nerrs > 0) {
        if (r->nerrs > MAX_ERRORS)
            buf_addf(&r->errs, "\n  ... ほか %ld 件", r->nerrs - MAX_ERRORS);
        rc = berr_set(e, BERR_INVALID, "%s: 取り込みを中止しました。誤りが %ld 件あります "
                      "(記録ストアは変更していません):%s", path, r->nerrs, r->errs.s);
    }
cleanup:
    if (csv_ok)
        csv_free(&p);
    free(raw);
    free(text);
    return rc;
}

static int apply(struct store *st, const struct actor *a, const struct hreader *r,
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
        const struct hrow *w = &r->rows[i];
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
    struct hreader r;
    unsigned char sha[32];
    int rc;

    memset(rep, 0, sizeof(*rep));
    if (!actor_can(a, PERM_REPORTS) && !actor_can(a, PERM_RECORDS_WRITE))
        return actor_require(a, PERM_REPORTS, e);
    memset(&r, 0, sizeof(r));
    r.file = path;
    buf_init(&r.arena);
    buf_init(&r.errs);
    rc = read_file(&r, path, &rep->encoding, sha, e);
    if (rc < 0)
        goto cleanup;
    rep->rows = (long)r.nrows;
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    rc = apply(st, a, &r, path, sha, rep, e);
    if (rc < 0)
        store_rollback(st);
    else
        rc = store_commit(st, e);
cleanup:
    buf_release(&r.arena);
    buf_release(&r.errs);
    free(r.rows);
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
