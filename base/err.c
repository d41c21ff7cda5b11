/*
 * err.c: the error convention (struct berr) and checked allocation.
 * Not for: logging; modules never print.
 */
#include "base/base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int berr_set(struct berr *e, int code, const char *fmt, ...)
{
    va_list ap;

    if (e == NULL)
        return code;
    e->code = code;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return code;
}

int berr_prefix(struct berr *e, const char *fmt, ...)
{
    struct buf b;
    va_list ap;
    size_t n;

    if (e == NULL)
        return BERR_FAIL;
    buf_init(&b);
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    buf_adds(&b, e->msg);
    n = b.len < sizeof(e->msg) - 1 ? b.len : sizeof(e->msg) - 1;
    memcpy(e->msg, b.s, n);
    e->msg[n] = '\0';
    buf_release(&b);
    return e->code ? e->code : BERR_FAIL;
}

void berr_clear(struct berr *e)
{
    if (e == NULL)
        return;
    e->code = 0;
    e->msg[0] = '\0';
}

static void out_of_memory(size_t n)
{
    fprintf(stderr, "boshi: out of memory (%zu bytes)\n", n);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        out_of_memory(n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        out_of_memory(n * size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        out_of_memory(n);
    return q;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xasprintf(const char *fmt, ...)
{
    struct buf b;
    va_list ap;

    buf_init(&b);
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    return buf_detach(&b);
}

int file_read_all(const char *path, char **out, size_t *len, struct berr *e)
{
    FILE *f = NULL;
    struct buf b;
    char chunk[65536];
    size_t n;
    int rc = 0;

    buf_init(&b);
    f = fopen(path, "rb");
    if (f == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s: ファイルを開けません (%s)", path, strerror(errno));
        goto cleanup;
    }
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(&b, chunk, n);
    if (ferror(f)) {
        rc = berr_set(e, BERR_FAIL, "%s: 読み込みに失敗しました (%s)", path, strerror(errno));
        goto cleanup;
    }
    *len = b.len;
    *out = buf_detach(&b);
cleanup:
    if (f != NULL)
        fclose(f);
    buf_release(&b);
    return rc;
}
