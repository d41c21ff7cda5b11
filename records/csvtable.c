/*
 * csvtable.c: see csvtable.h.  libcsv parses (fed a line at a time, so that
 * every row knows the line it starts on); iconv turns CP932 into UTF-8.
 * Fields are trimmed of ASCII blanks (exports pad codes).  Nothing here
 * touches the store.
 */
#include "records/csvtable.h"

#include <csv.h>
#include <errno.h>
#include <iconv.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csvtable_error(struct csvtable *t, long line, const char *col, const char *fmt, ...)
{
    va_list ap;
    size_t start;

    t->nerrs++;
    if (t->nerrs > CSVTABLE_MAX_ERRORS)
        return;
    buf_addf(&t->errs, "\n  %s:%ld: ", t->file, line);
    if (col)
        buf_addf(&t->errs, "列「%s」: ", col);
    start = t->errs.len;
    va_start(ap, fmt);
    buf_vaddf(&t->errs, fmt, ap);
    va_end(ap);
    /* a value echoed from any column may be a 個人番号 in the wrong place */
    mask_digit_runs(t->errs.s + start);
    t->errs.len = start + strlen(t->errs.s + start);
}

const char *csvtable_field(const struct csvtable *t, const struct csvtable_row *w, int col)
{
    /* an optional column the file does not have */
    if (w->f[col] == (size_t)-1)
        return "";
    return t->arena.s + w->f[col];
}

/*
 * Refuses a field with a control character: C0 (U+0000-U+001F: NUL, ESC,
 * TAB inside the field ...), DEL and C1 (U+0080-U+009F, which some
 * terminals take as ESC sequences).  A line break inside a quoted field
 * (a 方書 on two lines, good/multiline.csv) is data the format allows and
 * is kept; the CLI never sends it raw to a terminal as anything but a line
 * break (cli/term.c).  The value itself is not echoed.
 */
static void check_controls(struct csvtable *t, int i, const char *p, size_t len)
{
    unsigned cp = 0;
    size_t at = 0;
    int found = 0;
    char col[64];

    for (size_t k = 0; k < len && !found; k++) {
        unsigned char b = (unsigned char)p[k];
        if ((b < 0x20 && b != '\n' && b != '\r') || b == 0x7F) {
            cp = b;
            found = 1;
        } else if (b == 0xC2 && k + 1 < len && (unsigned char)p[k + 1] >= 0x80 &&
                   (unsigned char)p[k + 1] <= 0x9F) {
            cp = (unsigned char)p[k + 1];
            found = 1;
        } else if ((b & 0xC0) != 0x80) {
            at++;
        }
    }
    if (!found)
        return;
    if (t->header_done && t->ncols_file > 0 && i < t->ncols_file)
        snprintf(col, sizeof(col), "%s", t->arena.s + t->hdr[i]);
    else if (!t->header_done)
        snprintf(col, sizeof(col), "見出し行の%d列目", i + 1);
    else
        snprintf(col, sizeof(col), "%d列目", i + 1);
    csvtable_error(t, t->line, col, "制御文字 %s(U+%04X) が %zu 文字目にあります。"
                   "制御文字は取り込みません (元のシステムで直してください)",
                   cp == 0 ? "NUL " : cp == 0x1B ? "ESC " : cp == '\t' ? "TAB " : "", cp, at + 1);
}

static void cb_field(void *s, size_t len, void *data)
{
    struct csvtable *t = data;
    const char *p = s ? s : "";

    if (t->ncur == 0)
        t->row_line = t->line;
    if (t->ncur >= CSVTABLE_MAX_COLS) {
        t->too_many = 1;
        return;
    }
    while (len > 0 && (*p == ' ' || *p == '\t')) {
        p++;
        len--;
    }
    while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
        len--;
    check_controls(t, t->ncur, p, len);
    t->cur[t->ncur++] = t->arena.len;
    buf_add(&t->arena, p, len);
    buf_addc(&t->arena, '\0');
}

static void check_header(struct csvtable *t)
{
    int known_any = 0;

    t->header_done = 1;
    for (int c = 0; c < t->ncols; c++)
        t->map[c] = -1;
    for (int i = 0; i < t->ncur; i++)
        for (int c = 0; c < t->ncols; c++)
            known_any |= strcmp(t->arena.s + t->cur[i], t->names[c]) == 0;
    if (!known_any) {
        /* most likely a file without its header: its data is not echoed */
        csvtable_error(t, t->row_line, NULL, "見出し行がありません (1行目は %s,%s,%s,... で始まる"
                       "必要があります)", t->names[0], t->names[1], t->names[2]);
        t->ncols_file = -1;
        return;
    }
    for (int i = 0; i < t->ncur; i++) {
        const char *h = t->arena.s + t->cur[i];
        int known = 0;
        for (int c = 0; c < t->ncols; c++) {
            if (strcmp(h, t->names[c]) == 0) {
                if (t->map[c] >= 0)
                    csvtable_error(t, t->row_line, NULL, "見出し「%s」が重複しています", h);
                t->map[c] = i;
                known = 1;
            }
        }
        if (!known)
            csvtable_error(t, t->row_line, NULL, "見出し「%s」は%sの列ではありません", h, t->kind);
    }
    t->ncols_file = t->ncur;
    memcpy(t->hdr, t->cur, sizeof(t->hdr));
    for (int c = 0; c < t->ncols; c++) {
        if (t->map[c] < 0 && !(t->nrequired > 0 && c >= t->nrequired)) {
            csvtable_error(t, t->row_line, NULL, "見出し行に列「%s」がありません", t->names[c]);
            t->ncols_file = -1;    /* rows cannot be read without it */
        }
    }
}

static void cb_row(int term, void *data)
{
    struct csvtable *t = data;
    struct csvtable_row w;

    (void)term;
    if (t->ncur == 0)
        return;
    if (!t->header_done) {
        check_header(t);
        t->ncur = 0;
        return;
    }
    if (t->ncols_file < 0) {
        t->ncur = 0;         /* no usable header: reported once already */
        return;
    }
    if (t->too_many || t->ncur != t->ncols_file) {
        csvtable_error(t, t->row_line, NULL, "列の数が %d です (見出しは %d 列)",
                       t->too_many ? CSVTABLE_MAX_COLS : t->ncur, t->ncols_file);
        t->ncur = 0;
        t->too_many = 0;
        return;
    }
    w.line = t->row_line;
    for (int c = 0; c < t->ncols; c++)
        w.f[c] = t->map[c] >= 0 ? t->cur[t->map[c]] : (size_t)-1;
    if (t->nrows == t->arows) {
        t->arows = t->arows ? t->arows * 2 : 1024;
        t->rows = xrealloc(t->rows, t->arows * sizeof(*t->rows));
    }
    t->rows[t->nrows++] = w;
    if (t->validate)
        t->validate(t, &t->rows[t->nrows - 1], t->ctx);
    t->ncur = 0;
}

/* Converts CP932 to UTF-8; on failure names the line of the bad byte. */
static int cp932_to_utf8(const char *file, const char *in, size_t n, char **out, size_t *outn,
                         struct berr *e)
{
    iconv_t cd = iconv_open("UTF-8", "CP932");
    size_t cap = n * 3 / 2 + 16, left_in = n, left_out;
    char *buf, *ip = (char *)in, *op;

    if (cd == (iconv_t)-1)
        return berr_set(e, BERR_FAIL, "CP932 の変換器を開けません (iconv)");
    buf = xmalloc(cap);
    op = buf;
    left_out = cap - 1;
    while (left_in > 0) {
        if (iconv(cd, &ip, &left_in, &op, &left_out) == (size_t)-1) {
            if (errno == E2BIG) {
                size_t used = (size_t)(op - buf);
                cap *= 2;
                buf = xrealloc(buf, cap);
                op = buf + used;
                left_out = cap - used - 1;
                continue;
            }
            long line = 1;
            for (const char *p = in; p < ip; p++)
                line += *p == '\n';
            iconv_close(cd);
            free(buf);
            return berr_set(e, BERR_INVALID,
                            "%s:%ld: CP932 (Shift_JIS) として読めない文字があります", file, line);
        }
    }
    iconv_close(cd);
    *op = '\0';
    *outn = (size_t)(op - buf);
    *out = buf;
    return 0;
}

static long first_bad_utf8_line(const char *s, size_t n)
{
    long line = 1;
    size_t start = 0;

    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '\n') {
            if (!utf8_valid(s + start, i - start))
                return line;
            line++;
            start = i + 1;
        }
    }
    return 0;
}

/*
 * Whether a file that is not valid UTF-8 is still UTF-8 with a few bad
 * bytes rather than CP932: most of its non-ASCII bytes form well-formed
 * UTF-8 sequences.  (Japanese text in CP932 almost never does: its lead
 * bytes 0x81-0x9F are UTF-8 continuation bytes.)  A damaged UTF-8 file is
 * then reported as UTF-8 on the line of its bad byte, not as a CP932
 * error on line 1.
 */
static int mostly_utf8(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t good = 0, bad = 0, i = 0;

    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = p[i] >= 0xC2 && p[i] <= 0xDF ? 2 : p[i] >= 0xE0 && p[i] <= 0xEF ? 3
                 : p[i] >= 0xF0 && p[i] <= 0xF4 ? 4 : 0;
        size_t j = 1;
        while (k && j < k && i + j < n && (p[i + j] & 0xC0) == 0x80)
            j++;
        if (k && j == k && utf8_valid(s + i, k)) {
            good += k;
            i += k;
        } else {
            bad++;
            i++;
        }
    }
    return good >= 16 && good >= 8 * bad;
}

/* Decodes the file into UTF-8 text (caller frees *text). */
static int decode(struct csvtable *t, const char *raw, size_t n, enum csvtable_encoding enc,
                  char **text, size_t *tn, struct berr *e)
{
    int bom = n >= 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0;

    if (enc == CSVTABLE_CP932) {
        t->encoding = "CP932";
        return cp932_to_utf8(t->file, raw, n, text, tn, e);
    }
    if (bom || enc == CSVTABLE_UTF8 || utf8_valid(raw, n) || mostly_utf8(raw, n)) {
        if (!utf8_valid(raw, n))
            return berr_set(e, BERR_INVALID,
                            "%s:%ld: UTF-8 として読めない文字があります (CP932 なら --encoding cp932)",
                            t->file, first_bad_utf8_line(raw, n));
        t->encoding = bom ? "UTF-8 (BOM)" : "UTF-8";
        *text = xstrndup(raw + (bom ? 3 : 0), n - (bom ? 3 : 0));
        *tn = n - (bom ? 3 : 0);
        return 0;
    }
    t->encoding = "CP932";
    return cp932_to_utf8(t->file, raw, n, text, tn, e);
}

int csvtable_read(struct csvtable *t, const char *path, enum csvtable_encoding enc, struct berr *e)
{
    char *raw = NULL, *text = NULL;
    size_t n = 0, tn = 0, pos = 0;
    struct csv_parser p;
    int rc, csv_ok = 0;

    if (t->ncols < 3 || t->ncols > CSVTABLE_ROW_COLS)
        return berr_set(e, BERR_FAIL, "%s: 列の定義が不正です", path);
    buf_init(&t->arena);
    buf_init(&t->errs);
    rc = file_read_all(path, &raw, &n, e);
    if (rc < 0)
        return rc;
    crypto_hash_sha256(t->sha256, (const unsigned char *)raw, n);
    if (n == 0) {
        rc = berr_set(e, BERR_INVALID, "%s: ファイルが空です (見出し行もありません)", path);
        goto cleanup;
    }
    rc = decode(t, raw, n, enc, &text, &tn, e);
    if (rc < 0)
        goto cleanup;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL) != 0) {
        rc = berr_set(e, BERR_FAIL, "CSV パーサを初期化できません");
        goto cleanup;
    }
    csv_ok = 1;
    t->line = 1;
    /* a line at a time, so that every row knows the line it starts on */
    while (pos < tn) {
        const char *nl = memchr(text + pos, '\n', tn - pos);
        size_t len = nl ? (size_t)(nl - (text + pos)) + 1 : tn - pos;
        if (csv_parse(&p, text + pos, len, cb_field, cb_row, t) != len) {
            csvtable_error(t, t->line, NULL, "CSV の形式が不正です (%s)", csv_strerror(csv_error(&p)));
            goto parsed;
        }
        pos += len;
        t->line++;
    }
    if (csv_fini(&p, cb_field, cb_row, t) != 0)
        csvtable_error(t, t->row_line, NULL, "CSV の形式が不正です (閉じていない引用符)");
parsed:
    if (!t->header_done && t->nerrs == 0)
        csvtable_error(t, 1, NULL, "見出し行がありません");
    else if (t->nerrs == 0 && t->nrows == 0)
        csvtable_error(t, 2, NULL, "データ行がありません");
cleanup:
    if (csv_ok)
        csv_free(&p);
    /* the file may hold 個人番号: nothing of it stays in freed memory */
    if (raw) {
        sodium_memzero(raw, n);
        free(raw);
    }
    if (text) {
        sodium_memzero(text, tn);
        free(text);
    }
    return rc;
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

/*
 * An open-addressing table of row indexes: linear, where sorting a million
 * rows twice was a noticeable part of an import.
 */
void csvtable_duplicates(struct csvtable *t, int col, int secret)
{
    size_t cap = 1024;
    uint32_t *slot;

    while (cap < t->nrows * 2)
        cap *= 2;
    slot = xmalloc(cap * sizeof(*slot));
    memset(slot, 0xff, cap * sizeof(*slot));
    for (size_t i = 0; i < t->nrows; i++) {
        const char *v = csvtable_field(t, &t->rows[i], col);
        if (*v == '\0')
            continue;
        size_t h = (size_t)hash_str(v) & (cap - 1);
        while (slot[h] != UINT32_MAX) {
            const struct csvtable_row *prev = &t->rows[slot[h]];
            if (strcmp(csvtable_field(t, prev, col), v) == 0) {
                if (secret)
                    csvtable_error(t, t->rows[i].line, t->names[col], "%ld 行目と同じ%sです",
                                   prev->line, t->names[col]);
                else
                    csvtable_error(t, t->rows[i].line, t->names[col],
                                   "%ld 行目と同じ値「%s」です (ファイル内で重複)", prev->line, v);
                break;
            }
            h = (h + 1) & (cap - 1);
        }
        if (slot[h] == UINT32_MAX)
            slot[h] = (uint32_t)i;
    }
    free(slot);
}

int csvtable_verdict(struct csvtable *t, struct berr *e)
{
    if (t->nerrs == 0)
        return 0;
    if (t->nerrs > CSVTABLE_MAX_ERRORS)
        buf_addf(&t->errs, "\n  ... ほか %ld 件", t->nerrs - CSVTABLE_MAX_ERRORS);
    return berr_set(e, BERR_INVALID, "%s: 取り込みを中止しました。誤りが %ld 件あります "
                    "(記録ストアは変更していません):%s", t->file, t->nerrs, t->errs.s);
}

void csvtable_release(struct csvtable *t)
{
    if (t->arena.s)
        sodium_memzero(t->arena.s, t->arena.len);
    buf_release(&t->arena);
    buf_release(&t->errs);
    free(t->rows);
    t->rows = NULL;
    t->nrows = t->arows = 0;
}
