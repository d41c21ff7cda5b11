/*
 * residents.c: the resident master (住民記録): import of the interchange
 * file (layout: doc/operations.md §7), one resident's record, and ranked matching.
 *
 * Import is two phases, so that a bad file changes nothing:
 *   1. read   - decode (UTF-8 with or without BOM, or CP932), parse with
 *               libcsv, validate every row, find duplicates; collect every
 *               error (line, column, why).  Any error: stop, store untouched.
 *   2. apply  - one transaction: bulk insert into an empty table (indexes
 *               rebuilt after), or upsert by 宛名番号 keeping the previous
 *               state in residents_history; then the imports row and the
 *               audit entry.
 * The 個人番号 is held in plain text only in memory during phase 1 and is
 * wiped afterwards; the store gets the secretbox ciphertext and a keyed hash.
 * Not for: households and guardians (targets), or anything printed.
 */
#include "records/records-internal.h"
#include "records/csvtable.h"
#include "records/audit.h"
#include "records/residents.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum col {
    C_ATENA, C_SETAI, C_NAME, C_KANA, C_SEX, C_BIRTH, C_ZOKU, C_STATUS, C_POSTAL,
    C_ADDR, C_KATA, C_IDOU, C_IDOU_DATE, C_TODOKE, C_MYNUM,
    C_SHIEN,    /* optional (files before it still import): 支援措置 0/1, blank = 0 */
    NCOL
};

static const char *const col_names[NCOL] = {
    "宛名番号", "世帯番号", "氏名", "氏名カナ", "性別", "生年月日", "続柄", "住民状態",
    "郵便番号", "住所", "方書", "異動事由", "異動日", "届出日", "個人番号",
    "支援措置",
};

static const char *const idou_labels[] = {
    NULL, "出生", "転入", "転居", "転出", "死亡", "職権記載", "職権修正", "職権消除", "世帯変更", "その他",
};

const char *resident_status_label(int status)
{
    static const char *const l[] = { "", "住民", "転出", "死亡", "その他消除" };

    return status >= 1 && status <= 4 ? l[status] : "不明";
}

const char *resident_idou_label(const char *code)
{
    int n = atoi(code);

    return strlen(code) == 2 && n >= 1 && n <= 10 ? idou_labels[n] : "";
}

void resident_release(struct resident *r)
{
    if (r == NULL)
        return;
    free(r->name);
    free(r->kana);
    free(r->zokugara);
    free(r->address);
    free(r->katagaki);
    memset(r, 0, sizeof(*r));
}

/* ---- phase 1: read and validate ------------------------------------- */

/* What validating a row needs besides the row. */
struct reader {
    struct ymd today;
};

static const char *fld(const struct csvtable *t, const struct csvtable_row *w, enum col c)
{
    return csvtable_field(t, w, c);
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void check_date(struct csvtable *r, const struct csvtable_row *w, enum col c, int optional,
                       struct ymd today, struct ymd *out)
{
    const char *v = fld(r, w, c);

    out->y = 0;
    if (*v == '\0') {
        if (!optional)
            csvtable_error(r, w->line, col_names[c], "必須項目が空です");
        return;
    }
    if (ymd_parse_compact(v, out) < 0) {
        csvtable_error(r, w->line, col_names[c], "日付が不正です「%s」(YYYYMMDD の西暦8桁)", v);
        out->y = 0;
        return;
    }
    if (ymd_cmp(*out, today) > 0)
        csvtable_error(r, w->line, col_names[c], "未来の日付です「%s」", v);
}

static void validate_row(struct csvtable *r, const struct csvtable_row *w, void *ctx)
{
    struct ymd today = ((const struct reader *)ctx)->today;
    const char *v;
    struct ymd birth, idou, todoke;

    v = fld(r, w, C_ATENA);
    if (!all_digits(v, 10))
        csvtable_error(r, w->line, col_names[C_ATENA], "10桁の数字ではありません「%s」", v);
    v = fld(r, w, C_SETAI);
    if (!all_digits(v, 10))
        csvtable_error(r, w->line, col_names[C_SETAI], "10桁の数字ではありません「%s」", v);
    v = fld(r, w, C_NAME);
    if (*v == '\0')
        csvtable_error(r, w->line, col_names[C_NAME], "必須項目が空です");
    v = fld(r, w, C_KANA);
    if (*v == '\0')
        csvtable_error(r, w->line, col_names[C_KANA], "必須項目が空です");
    else if (!kana_is_katakana(v))
        csvtable_error(r, w->line, col_names[C_KANA], "全角カタカナ以外の文字があります「%s」", v);
    v = fld(r, w, C_SEX);
    if (strcmp(v, "1") != 0 && strcmp(v, "2") != 0)
        csvtable_error(r, w->line, col_names[C_SEX], "1 (男) か 2 (女) ではありません「%s」", v);
    check_date(r, w, C_BIRTH, 0, today, &birth);
    v = fld(r, w, C_STATUS);
    if (strlen(v) != 1 || v[0] < '1' || v[0] > '4')
        csvtable_error(r, w->line, col_names[C_STATUS], "1〜4 (住民・転出・死亡・その他消除) ではありません「%s」", v);
    v = fld(r, w, C_POSTAL);
    if (*v != '\0' && !all_digits(v, 7))
        csvtable_error(r, w->line, col_names[C_POSTAL], "7桁の数字ではありません「%s」", v);
    if (*fld(r, w, C_ADDR) == '\0')
        csvtable_error(r, w->line, col_names[C_ADDR], "必須項目が空です");
    v = fld(r, w, C_IDOU);
    if (resident_idou_label(v)[0] == '\0')
        csvtable_error(r, w->line, col_names[C_IDOU], "異動事由コード 01〜10 ではありません「%s」", v);
    check_date(r, w, C_IDOU_DATE, 0, today, &idou);
    check_date(r, w, C_TODOKE, 1, today, &todoke);
    if (birth.y && idou.y && ymd_cmp(idou, birth) < 0)
        csvtable_error(r, w->line, col_names[C_IDOU_DATE], "生年月日より前の日付です");
    v = fld(r, w, C_MYNUM);
    /* Never echo a 個人番号, even a wrong one. */
    if (*v != '\0' && !all_digits(v, 12))
        csvtable_error(r, w->line, col_names[C_MYNUM], "12桁の数字ではありません");
    else if (*v != '\0' && !mynumber_valid(v))
        csvtable_error(r, w->line, col_names[C_MYNUM], "チェックデジットが正しくありません");
    v = fld(r, w, C_SHIEN);
    if (*v != '\0' && strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
        csvtable_error(r, w->line, col_names[C_SHIEN], "0 (なし)、1 (支援措置あり) か空欄ではありません「%s」", v);
}

/* ---- crypto and keys -------------------------------------------------- */

void mynumber_index(const struct store *st, const char *mynumber, unsigned char out[16])
{
    unsigned char key[32];

    store_key(st, KEY_MYNUMBER_IDX, key);
    crypto_generichash(out, 16, (const unsigned char *)mynumber, 12, key, sizeof(key));
    sodium_memzero(key, sizeof(key));
}

void mynumber_encrypt(const struct store *st, const char *mynumber,
                      unsigned char out[MYNUMBER_ENC_LEN])
{
    unsigned char key[32];

    store_key(st, KEY_MYNUMBER_ENC, key);
    randombytes_buf(out, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, (const unsigned char *)mynumber, 12,
                          out, key);
    sodium_memzero(key, sizeof(key));
}

int mynumber_decrypt(const struct store *st, const unsigned char *in, size_t n, char out[13])
{
    unsigned char key[32];
    int rc;

    if (n != MYNUMBER_ENC_LEN)
        return -1;
    store_key(st, KEY_MYNUMBER_ENC, key);
    rc = crypto_secretbox_open_easy((unsigned char *)out, in + crypto_secretbox_NONCEBYTES,
                                    n - crypto_secretbox_NONCEBYTES, in, key);
    sodium_memzero(key, sizeof(key));
    out[12] = '\0';
    return rc == 0 ? 0 : -1;
}

char *address_fold(const char *address, const char *katagaki)
{
    char *joined = xasprintf("%s%s", address, katagaki ? katagaki : "");
    char *f = kana_fold(joined);
    struct buf b;
    static const char *const marks[] = { "丁目", "番地", "番", "号", "の" };

    free(joined);
    if (f == NULL)
        return xstrdup("");
    buf_init(&b);
    for (const char *p = f; *p;) {
        int hit = 0;
        for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
            size_t ml = strlen(marks[i]);
            /* only after a digit: 本町 keeps its 町, 1番 becomes 1- */
            if (strncmp(p, marks[i], ml) == 0 && b.len > 0 && b.s[b.len - 1] >= '0' &&
                b.s[b.len - 1] <= '9') {
                buf_addc(&b, '-');
                p += ml;
                hit = 1;
                break;
            }
        }
        if (hit)
            continue;
        if (strncmp(p, "ー", 3) == 0 || strncmp(p, "−", 3) == 0 || strncmp(p, "‐", 3) == 0) {
            buf_addc(&b, '-');
            p += 3;
            continue;
        }
        buf_addc(&b, *p++);
    }
    free(f);
    /* drop a '-' that ends the string or precedes a non-digit */
    struct buf o;
    buf_init(&o);
    for (size_t i = 0; i < b.len; i++) {
        if (b.s[i] == '-' && (i + 1 == b.len || b.s[i + 1] < '0' || b.s[i + 1] > '9'))
            continue;
        buf_addc(&o, b.s[i]);
    }
    buf_release(&b);
    return buf_detach(&o);
}

/* ---- phase 2: apply ------------------------------------------------------ */

static const char *const resident_cols =
    "atena, setai, name, kana, sex, birth, zokugara, status, postal, address, katagaki, "
    "idou_code, idou_date, todoke_date, mynumber_enc, mynumber_idx, name_key, kana_key, addr_key, "
    "import_id, shien";

static void iso_of(const char *compact, char out[11])
{
    if (*compact == '\0') {
        out[0] = '\0';
        return;
    }
    snprintf(out, 11, "%.4s-%.2s-%.2s", compact, compact + 4, compact + 6);
}

/*
 * The 支援措置 flag a row gives: its column (1; 0 or blank: 0), or, in a file
 * without the column (a layout from before it), the flag stored (stored: -1
 * for a new person, who then gets 0).  A file that does not know the column
 * never lifts a flag.
 */
static int row_shien(const struct csvtable *r, const struct csvtable_row *w, int stored)
{
    if (r->map[C_SHIEN] < 0)
        return stored > 0;
    return atoi(fld(r, w, C_SHIEN)) == 1;
}

/* Binds a file row to ?1..?21 in resident_cols order (stored: see row_shien). */
static void bind_row(struct store *st, sqlite3_stmt *s, const struct csvtable *r,
                     const struct csvtable_row *w, int64_t import_id, int stored)
{
    char birth[11], idou[11], todoke[11];
    unsigned char enc[MYNUMBER_ENC_LEN], idx[16];
    const char *mn = fld(r, w, C_MYNUM);
    char *nk = kana_fold(fld(r, w, C_NAME));
    char *kk = kana_fold(fld(r, w, C_KANA));
    char *ak = address_fold(fld(r, w, C_ADDR), fld(r, w, C_KATA));

    iso_of(fld(r, w, C_BIRTH), birth);
    iso_of(fld(r, w, C_IDOU_DATE), idou);
    iso_of(fld(r, w, C_TODOKE), todoke);
    sqlite3_bind_text(s, 1, fld(r, w, C_ATENA), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, fld(r, w, C_SETAI), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, fld(r, w, C_NAME), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, fld(r, w, C_KANA), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 5, atoi(fld(r, w, C_SEX)));
    sqlite3_bind_text(s, 6, birth, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, fld(r, w, C_ZOKU), -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 8, atoi(fld(r, w, C_STATUS)));
    sqlite3_bind_text(s, 9, fld(r, w, C_POSTAL), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 10, fld(r, w, C_ADDR), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 11, fld(r, w, C_KATA), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 12, fld(r, w, C_IDOU), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 13, idou, -1, SQLITE_TRANSIENT);
    if (todoke[0])
        sqlite3_bind_text(s, 14, todoke, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 14);
    if (*mn) {
        mynumber_encrypt(st, mn, enc);
        mynumber_index(st, mn, idx);
        sqlite3_bind_blob(s, 15, enc, sizeof(enc), SQLITE_TRANSIENT);
        sqlite3_bind_blob(s, 16, idx, sizeof(idx), SQLITE_TRANSIENT);
    } else {
        sqlite3_bind_null(s, 15);
        sqlite3_bind_null(s, 16);
    }
    sqlite3_bind_text(s, 17, nk ? nk : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 18, kk ? kk : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 19, ak, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 20, import_id);
    sqlite3_bind_int(s, 21, row_shien(r, w, stored));
    free(nk);
    free(kk);
    free(ak);
}

/* 1 if the stored resident (columns 1..16 and shien of resident_cols) equals the row. */
static int same_as_stored(struct store *st, sqlite3_stmt *cur, const struct csvtable *r,
                          const struct csvtable_row *w)
{
    static const enum col text_cols[] = { C_SETAI, C_NAME, C_KANA, C_ZOKU, C_POSTAL, C_ADDR,
                                          C_KATA, C_IDOU };
    static const int text_idx[] = { 1, 2, 3, 6, 8, 9, 10, 11 };
    char d[11];
    const char *mn = fld(r, w, C_MYNUM);

    for (size_t i = 0; i < sizeof(text_cols) / sizeof(text_cols[0]); i++)
        if (strcmp(db_col(cur, text_idx[i]), fld(r, w, text_cols[i])) != 0)
            return 0;
    if (sqlite3_column_int(cur, 4) != atoi(fld(r, w, C_SEX)) ||
        sqlite3_column_int(cur, 7) != atoi(fld(r, w, C_STATUS)) ||
        sqlite3_column_int(cur, 20) != row_shien(r, w, sqlite3_column_int(cur, 20)))
        return 0;
    iso_of(fld(r, w, C_BIRTH), d);
    if (strcmp(db_col(cur, 5), d) != 0)
        return 0;
    iso_of(fld(r, w, C_IDOU_DATE), d);
    if (strcmp(db_col(cur, 12), d) != 0)
        return 0;
    iso_of(fld(r, w, C_TODOKE), d);
    if (strcmp(db_col(cur, 13), d) != 0)
        return 0;
    if (*mn == '\0')
        return sqlite3_column_type(cur, 15) == SQLITE_NULL;
    unsigned char idx[16];
    mynumber_index(st, mn, idx);
    return sqlite3_column_bytes(cur, 15) == 16 &&
           memcmp(sqlite3_column_blob(cur, 15), idx, 16) == 0;
}

static int table_empty(struct store *st, int *empty, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT EXISTS(SELECT 1 FROM residents)", e);

    if (rc < 0)
        return rc;
    *empty = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) == 0;
    sqlite3_finalize(s);
    return 0;
}

void atena_tombstone(const struct store *st, const char *atena, unsigned char out[16])
{
    atena_tombstone_under(st->master, atena, out);
}

void atena_tombstone_under(const unsigned char master[32], const char *atena, unsigned char out[16])
{
    unsigned char key[32];
    char in[16];

    /* a separate input space from the 個人番号 index under the same subkey */
    snprintf(in, sizeof(in), "P%.10s", atena);
    key_derive(master, KEY_MYNUMBER_IDX, key);
    crypto_generichash(out, 16, (const unsigned char *)in, strlen(in), key, sizeof(key));
    sodium_memzero(key, sizeof(key));
}

/*
 * A person purged (purge.c) is still 転出 or 死亡 in every later master the
 * 住基 system sends: such a row is skipped, not brought back.  Someone who
 * comes back (住民状態 1) is a resident again and the tombstone goes.
 * 1 = skip the row, 0 = apply it, < 0 error.
 */
static int purged_row(struct store *st, sqlite3_stmt *tomb, sqlite3_stmt *untomb,
                      const struct csvtable *r, const struct csvtable_row *w, struct berr *e)
{
    unsigned char t[16];
    int status = atoi(fld(r, w, C_STATUS)), found;

    /* a mark cannot be re-keyed (the 宛名番号 is gone): look under every key the site had */
    found = 0;
    for (size_t k = 0; k <= st->n_old && !found; k++) {
        atena_tombstone_under(k == 0 ? st->master : st->old[k - 1], fld(r, w, C_ATENA), t);
        sqlite3_reset(tomb);
        sqlite3_bind_blob(tomb, 1, t, sizeof(t), SQLITE_TRANSIENT);
        found = sqlite3_step(tomb) == SQLITE_ROW;
    }
    if (!found)
        return 0;
    if (status == 2 || status == 3)
        return 1;
    sqlite3_reset(untomb);
    sqlite3_bind_blob(untomb, 1, t, sizeof(t), SQLITE_TRANSIENT);
    if (sqlite3_step(untomb) != SQLITE_DONE)
        return db_fail(st, "消去済みの印の削除", e);
    return 0;
}

static int apply_rows(struct store *st, const struct csvtable *r, int64_t import_id, int bulk,
                      struct import_report *rep, struct berr *e)
{
    sqlite3_stmt *ins = NULL, *cur = NULL, *hist = NULL, *del = NULL, *tomb = NULL, *untomb = NULL;
    struct buf sql;
    int rc = 0;

    buf_init(&sql);
    buf_addf(&sql, "INSERT INTO residents(%s) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,"
                   "?13,?14,?15,?16,?17,?18,?19,?20,?21)", resident_cols);
    rc = db_prepare(st, &ins, sql.s, e);
    if (rc == 0)
        rc = db_prepare(st, &tomb, "SELECT 1 FROM residents_purged WHERE atena_mac = ?", e);
    if (rc == 0)
        rc = db_prepare(st, &untomb, "DELETE FROM residents_purged WHERE atena_mac = ?", e);
    if (rc < 0)
        goto cleanup;
    if (!bulk) {
        buf_reset(&sql);
        buf_addf(&sql, "SELECT %s FROM residents WHERE atena = ?", resident_cols);
        rc = db_prepare(st, &cur, sql.s, e);
        if (rc == 0)
            rc = db_prepare(st, &hist,
                "INSERT INTO residents_history(atena, replaced_at, replaced_by_import, setai, name, "
                "kana, sex, birth, zokugara, status, postal, address, katagaki, idou_code, idou_date, "
                "todoke_date, mynumber_enc, mynumber_idx, import_id, shien) SELECT atena, ?2, ?3, setai, "
                "name, kana, sex, birth, zokugara, status, postal, address, katagaki, idou_code, "
                "idou_date, todoke_date, mynumber_enc, mynumber_idx, import_id, shien FROM residents "
                "WHERE atena = ?1", e);
        if (rc == 0)
            rc = db_prepare(st, &del, "DELETE FROM residents WHERE atena = ?", e);
        if (rc < 0)
            goto cleanup;
    }
    char now[32];
    store_now_iso(now);
    for (size_t i = 0; i < r->nrows && rc == 0; i++) {
        const struct csvtable_row *w = &r->rows[i];
        int exists = 0, stored_shien = -1;
        rc = purged_row(st, tomb, untomb, r, w, e);
        if (rc != 0) {
            rc = rc > 0 ? 0 : rc;
            if (rc == 0)
                rep->purged++;
            continue;
        }
        if (!bulk) {
            sqlite3_reset(cur);
            sqlite3_bind_text(cur, 1, fld(r, w, C_ATENA), -1, SQLITE_STATIC);
            if (sqlite3_step(cur) == SQLITE_ROW) {
                exists = 1;
                stored_shien = sqlite3_column_int(cur, 20);
                if (same_as_stored(st, cur, r, w)) {
                    rep->unchanged++;
                    continue;
                }
            }
            if (exists) {
                sqlite3_reset(hist);
                sqlite3_bind_text(hist, 1, fld(r, w, C_ATENA), -1, SQLITE_STATIC);
                sqlite3_bind_text(hist, 2, now, -1, SQLITE_STATIC);
                sqlite3_bind_int64(hist, 3, import_id);
                sqlite3_reset(del);
                sqlite3_bind_text(del, 1, fld(r, w, C_ATENA), -1, SQLITE_STATIC);
                if (sqlite3_step(hist) != SQLITE_DONE || sqlite3_step(del) != SQLITE_DONE) {
                    rc = db_fail(st, "住民記録の履歴保存", e);
                    break;
                }
            }
        }
        sqlite3_reset(ins);
        bind_row(st, ins, r, w, import_id, stored_shien);
        if (sqlite3_step(ins) != SQLITE_DONE) {
            if (sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE)
                rc = berr_set(e, BERR_INVALID,
                              "%s:%ld: 列「個人番号」: 記録ストアの別の住民と同じ個人番号です "
                              "(取り込みを中止しました。記録ストアは変更していません)", r->file, w->line);
            else
                rc = db_fail(st, "住民記録の書き込み", e);
            break;
        }
        if (exists)
            rep->updated++;
        else
            rep->inserted++;
    }
cleanup:
    sqlite3_finalize(ins);
    sqlite3_finalize(cur);
    sqlite3_finalize(hist);
    sqlite3_finalize(del);
    sqlite3_finalize(tomb);
    sqlite3_finalize(untomb);
    buf_release(&sql);
    return rc;
}

static int record_import(struct store *st, const struct actor *a, const char *path,
                         unsigned flags, long rows, const unsigned char sha[32], int64_t *id,
                         struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32], hex[65];
    int rc = db_prepare(st, &s, "INSERT INTO imports(kind, file, sha256, rows, by_user, at) "
                                "VALUES (?, ?, ?, ?, ?, ?)", e);

    if (rc < 0)
        return rc;
    store_now_iso(now);
    sodium_bin2hex(hex, sizeof(hex), sha, 32);
    sqlite3_bind_text(s, 1, (flags & IMPORT_FULL) ? "full" : "diff", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, hex, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, rows);
    sqlite3_bind_text(s, 5, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "取込記録", e);
    *id = sqlite3_last_insert_rowid(st->db);
    sqlite3_finalize(s);
    return rc;
}

static double now_seconds(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int residents_import(struct store *st, const struct actor *a, const char *path, unsigned flags,
                     struct import_report *rep, struct berr *e)
{
    struct csvtable r;
    struct reader rd;
    int64_t import_id = 0;
    int rc, empty = 0, bulk = 0, in_txn = 0, journal_switched = 0;
    double t0 = now_seconds();
    char detail[512];

    memset(rep, 0, sizeof(*rep));
    memset(&r, 0, sizeof(r));
    rd.today = store_today(st);
    r.file = path;
    r.kind = "住民記録連携ファイル";
    r.names = col_names;
    r.ncols = NCOL;
    r.nrequired = C_SHIEN;
    r.validate = validate_row;
    r.ctx = &rd;
    rc = actor_require(a, PERM_RESIDENTS_IMPORT, e);
    if (rc < 0)
        goto cleanup;
    rc = csvtable_read(&r, path, (flags & IMPORT_CP932) ? CSVTABLE_CP932
                                 : (flags & IMPORT_UTF8) ? CSVTABLE_UTF8 : CSVTABLE_DETECT, e);
    rep->encoding = r.encoding;
    if (rc == 0 && r.nerrs == 0) {
        csvtable_duplicates(&r, C_ATENA, 0);
        csvtable_duplicates(&r, C_MYNUM, 1);     /* never echo a 個人番号 */
    }
    if (rc == 0)
        rc = csvtable_verdict(&r, e);
    rep->t_read = now_seconds() - t0;
    if (rc < 0)
        goto cleanup;
    rep->rows = (long)r.nrows;
    /*
     * A big import must not spill pages into the WAL before it commits (each
     * spilled page is then looked up through the WAL index); give it the
     * cache it needs, and let index builds sort on two threads.
     */
    db_exec(st, "PRAGMA cache_size = -1048576; PRAGMA threads = 2;", NULL);
    /*
     * The first load into an empty table: a rollback journal holds only the
     * few pages that existed before, where WAL would write every new page
     * twice (log, then checkpoint).  It needs no other connection open; if
     * one is, the switch fails and the load simply stays in WAL.
     */
    rc = table_empty(st, &empty, e);
    if (rc < 0)
        goto cleanup;
    if (empty && r.nrows > 100000 &&
        db_exec(st, "PRAGMA journal_mode = DELETE", NULL) == 0)
        journal_switched = 1;
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    in_txn = 1;
    rc = table_empty(st, &empty, e);
    if (rc < 0)
        goto cleanup;
    /* First load into an empty table: insert unindexed, index once. */
    bulk = empty && r.nrows > 1000;
    if (bulk)
        rc = db_exec(st, "DROP INDEX residents_atena; DROP INDEX residents_kana; DROP INDEX residents_name; "
                         "DROP INDEX residents_birth; DROP INDEX residents_addr; "
                         "DROP INDEX residents_setai; DROP INDEX residents_mynumber;", e);
    if (rc == 0)
        rc = record_import(st, a, path, flags, rep->rows, r.sha256, &import_id, e);
    double t1 = now_seconds();
    if (rc == 0)
        rc = apply_rows(st, &r, import_id, empty, rep, e);
    double t2 = now_seconds();
    rep->t_write = t2 - t1;
    if (rc == 0 && bulk) {
        rc = db_exec(st, residents_index_sql, e);
        rep->t_index = now_seconds() - t2;
        /* duplicates within the file were refused in phase 1 */
        if (rc < 0 && strstr(e->msg, "UNIQUE") != NULL)
            rc = berr_set(e, BERR_INVALID, "%s: 宛名番号または個人番号が重複しています "
                          "(記録ストアは変更していません)", path);
    }
    if (rc == 0 && (flags & IMPORT_FULL)) {
        sqlite3_stmt *s = NULL;
        rc = db_prepare(st, &s, "SELECT count(*) FROM residents", e);
        if (rc == 0 && sqlite3_step(s) == SQLITE_ROW)
            rep->absent = sqlite3_column_int64(s, 0) - rep->rows;
        sqlite3_finalize(s);
    }
    if (rc == 0) {
        snprintf(detail, sizeof(detail),
                 "%s取込 %s (%s): %ld行 追加%ld 更新%ld 変更なし%ld", (flags & IMPORT_FULL) ? "全件" : "異動",
                 path, rep->encoding, rep->rows, rep->inserted, rep->updated, rep->unchanged);
        rc = audit_append(st, a, "residents.import", NULL, detail, e);
    }
    if (rc == 0) {
        double t3 = now_seconds();
        rc = store_commit(st, e);
        in_txn = 0;
        rep->t_commit = now_seconds() - t3;
    }
cleanup:
    if (in_txn)
        store_rollback(st);
    db_exec(st, "PRAGMA cache_size = -2000; PRAGMA threads = 0;", NULL);
    if (journal_switched)
        db_exec(st, "PRAGMA journal_mode = WAL", NULL);
    csvtable_release(&r);
    rep->seconds = now_seconds() - t0;
    return rc;
}

/* ---- reading ------------------------------------------------------------- */

static const char *const select_resident =
    "SELECT atena, setai, name, kana, sex, birth, zokugara, status, postal, address, katagaki, "
    "idou_code, idou_date, todoke_date, mynumber_enc, shien FROM residents WHERE atena = ?";

void residents_fill_row(const struct store *st, sqlite3_stmt *s, struct resident *r)
{
    char mn[13];

    memset(r, 0, sizeof(*r));
    snprintf(r->atena, sizeof(r->atena), "%s", db_col(s, 0));
    snprintf(r->setai, sizeof(r->setai), "%s", db_col(s, 1));
    r->name = xstrdup(db_col(s, 2));
    r->kana = xstrdup(db_col(s, 3));
    r->sex = sqlite3_column_int(s, 4);
    ymd_parse_iso(db_col(s, 5), &r->birth);
    r->zokugara = xstrdup(db_col(s, 6));
    r->status = sqlite3_column_int(s, 7);
    snprintf(r->postal, sizeof(r->postal), "%s", db_col(s, 8));
    r->address = xstrdup(db_col(s, 9));
    r->katagaki = xstrdup(db_col(s, 10));
    snprintf(r->idou_code, sizeof(r->idou_code), "%s", db_col(s, 11));
    ymd_parse_iso(db_col(s, 12), &r->idou_date);
    if (ymd_parse_iso(db_col(s, 13), &r->todoke_date) < 0)
        r->todoke_date.y = 0;
    if (sqlite3_column_type(s, 14) != SQLITE_NULL &&
        mynumber_decrypt(st, sqlite3_column_blob(s, 14), (size_t)sqlite3_column_bytes(s, 14), mn) == 0) {
        r->has_mynumber = 1;
        mynumber_mask(mn, r->mynumber_masked);
        sodium_memzero(mn, sizeof(mn));
    }
    /* 支援措置: whichever column of the query is called shien (selected after the 15 above) */
    for (int i = 15; i < sqlite3_column_count(s); i++) {
        const char *cn = sqlite3_column_name(s, i);
        if (cn != NULL && strcmp(cn, "shien") == 0) {
            r->shien = sqlite3_column_int(s, i) == 1;
            break;
        }
    }
}

int residents_get(struct store *st, const struct actor *a, const char *atena,
                  const char *function, struct resident *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = actor_require(a, PERM_RESIDENTS_READ, e);

    memset(out, 0, sizeof(*out));
    if (rc < 0)
        return rc;
    /*
     * The audit entry is written while the row is read: take the write lock
     * first (BEGIN IMMEDIATE waits for another writer), since a read
     * upgraded to a write fails at once with "database is locked".
     */
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, select_resident, e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, atena, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = berr_set(e, BERR_NOTFOUND, "宛名番号「%s」の住民は記録ストアにいません", atena);
        goto cleanup;
    }
    residents_fill_row(st, s, out);
    rc = audit_append(st, a, function ? function : "residents.show", atena, "住民記録の表示", e);
cleanup:
    sqlite3_finalize(s);
    if (rc == 0)
        rc = store_commit(st, e);
    else
        store_rollback(st);
    if (rc < 0)
        resident_release(out);
    return rc;
}

int residents_reveal_mynumber(struct store *st, const struct actor *a, const char *atena,
                              const char *reason, char out[13], struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char detail[512];
    int rc = actor_require(a, PERM_MYNUMBER_REVEAL, e);

    out[0] = '\0';
    if (rc < 0)
        return rc;
    if (reason == NULL || *reason == '\0')
        return berr_set(e, BERR_INVALID, "個人番号を表示する理由 (処理事由) を入力してください");
    rc = store_begin(st, e);   /* the write lock before the read: see residents_get */
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "SELECT mynumber_enc FROM residents WHERE atena = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, atena, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = berr_set(e, BERR_NOTFOUND, "宛名番号「%s」の住民は記録ストアにいません", atena);
        goto cleanup;
    }
    if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
        rc = berr_set(e, BERR_NOTFOUND, "宛名番号「%s」の個人番号は登録されていません", atena);
        goto cleanup;
    }
    /* Log first: if the log cannot be written, the number is not shown. */
    snprintf(detail, sizeof(detail), "個人番号を表示 事由: %s", reason);
    rc = audit_append(st, a, "mynumber.reveal", atena, detail, e);
    if (rc < 0)
        goto cleanup;
    if (mynumber_decrypt(st, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0), out) < 0) {
        out[0] = '\0';
        rc = berr_set(e, BERR_FAIL, "個人番号を復号できません (サイト鍵が違う可能性があります)");
    }
cleanup:
    sqlite3_finalize(s);
    if (rc == 0)
        rc = store_commit(st, e);
    else
        store_rollback(st);
    if (rc < 0)
        sodium_memzero(out, 13);
    return rc;
}

int resident_fits_form(const char *form, const struct resident *r, struct ymd today, char *why,
                       size_t n, const char **who)
{
    static const struct { const char *form; int sex, min_months, max_months; const char *who; } rules[] = {
        { "ninpu_jushinken", 2, 12 * 12, 60 * 12, "妊娠可能な年齢の女性" },
        { "sanpu_jushinken", 2, 12 * 12, 60 * 12, "妊娠可能な年齢の女性" },
        { "choukaku_jushinken", 2, 12 * 12, 60 * 12, "妊娠可能な年齢の女性" },
        { "ninshin_todoke", 2, 12 * 12, 60 * 12, "妊娠可能な年齢の女性" },
        { "nyuyoji_4m", 0, 2, 12, "生後2〜12か月の子" },
        { "nyuyoji_10m", 0, 6, 18, "生後6か月〜1歳6か月の子" },
        { "nyuyoji_1y6m", 0, 12, 30, "1歳〜2歳6か月の子" },
        { "nyuyoji_3y", 0, 30, 60, "2歳6か月〜5歳の子" },
        { "seimitsu_houkoku", 0, 0, 7 * 12, "7歳未満の子" },
        { "shinseiji_houmon", 0, 0, 11, "1歳未満の子" },
    };
    int months = (today.y - r->birth.y) * 12 + (today.m - r->birth.m) - (today.d < r->birth.d);

    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        if (strcmp(rules[i].form, form) != 0)
            continue;
        if ((rules[i].sex && r->sex != rules[i].sex) || months < rules[i].min_months ||
            months > rules[i].max_months) {
            snprintf(why, n, "%d歳%dか月 %s", months / 12, months % 12, r->sex == 1 ? "男" : "女");
            *who = rules[i].who;
            return 0;
        }
        return 1;
    }
    return 1;
}
