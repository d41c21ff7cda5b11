/*
 * mynumber.c: the 個人番号 check digit and masking.
 * Not for: storage or display policy (records/ encrypts, cli/ shows masked).
 * Functions here never copy the number anywhere but their out parameters.
 */
#include "base/base.h"

#include <string.h>

int mynumber_check_digit(const char *first11)
{
    int sum = 0;

    if (strlen(first11) < 11)
        return -1;
    /* n counts from the right of the 11 digits: n = 1 is first11[10]. */
    for (int n = 1; n <= 11; n++) {
        char c = first11[11 - n];
        if (c < '0' || c > '9')
            return -1;
        int q = n <= 6 ? n + 1 : n - 5;
        sum += (c - '0') * q;
    }
    int r = sum % 11;
    return r <= 1 ? 0 : 11 - r;
}

int mynumber_valid(const char *s)
{
    int cd;

    if (strlen(s) != 12)
        return 0;
    for (int i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    cd = mynumber_check_digit(s);
    return cd >= 0 && cd == s[11] - '0';
}

void mynumber_mask(const char *s, char out[13])
{
    size_t n = strlen(s);

    memcpy(out, "********", 8);
    if (n >= 4)
        memcpy(out + 8, s + n - 4, 4);
    else
        memcpy(out + 8, "****", 4);
    out[12] = '\0';
}

/* Length of the digit at s (1 ASCII, 3 full-width), 0 if none. */
static size_t digit_at(const char *s)
{
    if (*s >= '0' && *s <= '9')
        return 1;
    /* ０..９ = EF BC 90..99 */
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBC &&
        (unsigned char)s[2] >= 0x90 && (unsigned char)s[2] <= 0x99)
        return 3;
    return 0;
}

/* Length of a separator inside a run at s: '-', ' ', or U+3000 (3 bytes); 0 if none. */
static size_t sep_at(const char *s)
{
    if (*s == '-' || *s == ' ')
        return 1;
    if ((unsigned char)s[0] == 0xE3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80)
        return 3;
    return 0;
}

void mask_digit_runs(char *s)
{
    char *r = s, *w = s;

    while (*r) {
        size_t d = digit_at(r);
        if (d == 0) {
            *w++ = *r++;
            continue;
        }
        /* measure the run: digits, single separators between digits */
        const char *p = r, *end = r;
        int digits = 0;
        for (;;) {
            size_t k = digit_at(p);
            if (k == 0)
                break;
            digits++;
            p += k;
            end = p;
            size_t sp = sep_at(p);
            if (sp && digit_at(p + sp))
                p += sp;
        }
        if (digits < 12) {
            while (r < end)
                *w++ = *r++;
            continue;
        }
        while (r < end) {
            size_t k = digit_at(r);
            if (k) {
                *w++ = '*';
                r += k;
            } else {
                size_t sp = sep_at(r);
                memmove(w, r, sp);
                w += sp;
                r += sp;
            }
        }
    }
    *w = '\0';
}
