/*
 * buf.c: growable NUL-terminated strings with an optional size cap
 * (see struct buf in base.h for the invariants).
 */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf_empty[1];

void buf_init(struct buf *b)
{
    b->s = buf_empty;
    b->len = 0;
    b->alloc = 0;
    b->cap_limit = 0;
    b->toobig = 0;
}

void buf_release(struct buf *b)
{
    if (b->alloc)
        free(b->s);
    buf_init(b);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->alloc)
        b->s[0] = '\0';
    b->toobig = 0;
}

static int buf_grow(struct buf *b, size_t extra)
{
    size_t want = b->len + extra + 1;

    if (b->cap_limit && want > b->cap_limit + 1) {
        b->toobig = 1;
        return -1;
    }
    if (want <= b->alloc)
        return 0;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < want)
        n *= 2;
    if (b->alloc) {
        b->s = xrealloc(b->s, n);
    } else {
        b->s = xmalloc(n);
        b->s[0] = '\0';
    }
    b->alloc = n;
    return 0;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
    if (buf_grow(b, n) < 0)
        return;
    memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    int n;

    va_copy(cp, ap);
    n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0 || buf_grow(b, (size_t)n) < 0)
        return;
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

char *buf_detach(struct buf *b)
{
    char *s = b->alloc ? b->s : xstrdup("");

    buf_init(b);
    return s;
}
