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
