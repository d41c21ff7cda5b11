/*
 * csvout.c: CSV twins of printed lists, for Excel: UTF-8 with a BOM by
 * default, CP932 on request.  Quoting is libcsv's (csv_write); the file
 * appears whole or not at all (temp file + rename).  Names and addresses
 * come from the resident master, which nobody here controls: a cell that
 * a spreadsheet would evaluate (=cmd|'...'!A0) gets a leading apostrophe
 * (the OWASP rule), in either encoding, since the rule is applied to the
 * text before it is encoded.
 */
#include "reports/reports.h"

#include <csv.h>
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct csvout {
    char *path;
    enum csvout_encoding enc;
    struct buf text;
    size_t rows;
};

size_t csvout_rows(const struct csvout *c)
{
    return c ? c->rows : 0;
}

int csvout_open(struct csvout **out, const char *path, enum csvout_encoding enc, struct berr *e)
{
    struct csvout *c = xcalloc(1, sizeof(*c));

    (void)e;
    c->path = xstrdup(path);
    c->enc = enc;
    buf_init(&c->text);
    *out = c;
    return 0;
}

/* -3, +1.5, -0.25: a number is never a formula (and stays a number for Excel). */
static int plain_number(const char *s)
{
    int digits = 0, dot = 0;

    s++;    /* the sign */
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s == '.' && !dot && digits > 0)
            dot = 1;
        else
            return 0;
    }
    return digits > 0 && s[-1] != '.';
}

int csvout_formula_like(const char *s)
{
    static const char *const wide[] = { "\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D",
                                        "\xEF\xBC\xA0" };   /* ＝ ＋ － ＠ */

    if (s == NULL || *s == '\0')
        return 0;
    if (*s == '=' || *s == '@' || *s == '\t' || *s == '\r' || *s == '\n')
        return 1;
    if (*s == '+' || *s == '-')
        return !plain_number(s);
    for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
        if (strncmp(s, wide[i], 3) == 0)
            return 1;
    return 0;
}

void csvout_row(struct csvout *c, const char *const *fields, size_t n)
{
    if (c == NULL)
        return;      /* a job not writing its CSV (no permission or reason) */
    c->rows++;
    for (size_t i = 0; i < n; i++) {
        const char *f = fields[i] ? fields[i] : "";
        char *guarded = csvout_formula_like(f) ? xasprintf("'%s", f) : NULL;
        if (guarded)
            f = guarded;
        size_t len = strlen(f);
        size_t need = csv_write(NULL, 0, f, len);
        char *q = xmalloc(need + 1);
        csv_write(q, need, f, len);
        free(guarded);
        if (i > 0)
            buf_addc(&c->text, ',');
        buf_add(&c->text, q, need);
        free(q);
    }
    buf_adds(&c->text, "\r\n");
}

void csvout_abandon(struct csvout **c)
{
    if (c == NULL || *c == NULL)
        return;
    buf_release(&(*c)->text);
    free((*c)->path);
    free(*c);
    *c = NULL;
}

static int to_cp932(const struct buf *in, struct buf *out, struct berr *e)
{
    iconv_t cd = iconv_open("CP932", "UTF-8");
    char *ip = in->s, chunk[4096];
    size_t left = in->len;

    if (cd == (iconv_t)-1)
        return berr_set(e, BERR_FAIL, "CP932 の変換器を開けません");
    while (left > 0) {
        char *op = chunk;
        size_t ol = sizeof(chunk);
        size_t r = iconv(cd, &ip, &left, &op, &ol);
        buf_add(out, chunk, sizeof(chunk) - ol);
        if (r == (size_t)-1 && errno != E2BIG) {
            iconv_close(cd);
            return berr_set(e, BERR_INVALID,
                            "CP932 で表せない文字があります (UTF-8 で出力してください)");
        }
    }
    iconv_close(cd);
    return 0;
}

int csvout_close(struct csvout **cp, struct berr *e)
{
    struct csvout *c = *cp;
    struct buf bytes;
    char *tmp = xasprintf("%s.tmp", c->path);
    FILE *f = NULL;
    int rc = 0;

    buf_init(&bytes);
    if (c->enc == CSVOUT_CP932) {
        rc = to_cp932(&c->text, &bytes, e);
    } else {
        buf_add(&bytes, "\xEF\xBB\xBF", 3);
        buf_add(&bytes, c->text.s, c->text.len);
    }
    if (rc < 0)
        goto cleanup;
    /* names, addresses, birth dates: readable by the service account only */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (f == NULL && fd >= 0)
        close(fd);
    if (f == NULL || fwrite(bytes.s, 1, bytes.len, f) != bytes.len) {
        rc = berr_set(e, BERR_FAIL, "%s: 書き込めません (%s)", c->path, strerror(errno));
        goto cleanup;
    }
    if (fclose(f) != 0) {
        f = NULL;
        rc = berr_set(e, BERR_FAIL, "%s: 書き込めません (%s)", c->path, strerror(errno));
        goto cleanup;
    }
    f = NULL;
    if (rename(tmp, c->path) != 0)
        rc = berr_set(e, BERR_FAIL, "%s: 保存できません (%s)", c->path, strerror(errno));
cleanup:
    if (f != NULL)
        fclose(f);
    if (rc < 0)
        unlink(tmp);
    free(tmp);
    buf_release(&bytes);
    csvout_abandon(cp);
    return rc;
}
