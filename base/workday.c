/*
 * workday.c: the office calendar (see workday.h).  The holidays are the
 * rules of 国民の祝日に関する法律 as they stand since 2020 (スポーツの日;
 * 天皇誕生日 2/23); the equinoxes use the common approximation valid
 * 1980-2099.  One-off moves (the 2020/2021 Olympic years) are not modelled.
 */
#include "base/workday.h"

#include <stdio.h>

int ymd_weekday(struct ymd d)
{
    long n = ymd_to_days(d);           /* 1970-01-01 was a Thursday */
    long w = (n + 4) % 7;

    return (int)(w < 0 ? w + 7 : w);
}

/* The nth Monday of year-month. */
static int nth_monday(int y, int m, int n)
{
    int w = ymd_weekday((struct ymd){ y, m, 1 });
    int first = 1 + (8 - w) % 7;       /* w == 1 (Monday): day 1 */

    return first + 7 * (n - 1);
}

static int equinox(int y, double base)
{
    int k = y - 1980;

    return (int)(base + 0.242194 * k) - k / 4;
}

/* A 国民の祝日 proper (not 振替・国民の休日). */
static int national(struct ymd d)
{
    static const int fixed[][2] = {
        { 1, 1 }, { 2, 11 }, { 2, 23 }, { 4, 29 }, { 5, 3 }, { 5, 4 }, { 5, 5 },
        { 8, 11 }, { 11, 3 }, { 11, 23 },
    };

    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (d.m == fixed[i][0] && d.d == fixed[i][1])
            return 1;
    if ((d.m == 1 && d.d == nth_monday(d.y, 1, 2)) || (d.m == 7 && d.d == nth_monday(d.y, 7, 3)) ||
        (d.m == 9 && d.d == nth_monday(d.y, 9, 3)) || (d.m == 10 && d.d == nth_monday(d.y, 10, 2)))
        return 1;
    if (d.m == 3 && d.d == equinox(d.y, 20.8431))
        return 1;
    if (d.m == 9 && d.d == equinox(d.y, 23.2488))
        return 1;
    return 0;
}

int jp_holiday(struct ymd d)
{
    long n = ymd_to_days(d);

    if (national(d))
        return 1;
    /* 振替休日: the first non-holiday after a holiday that fell on a Sunday */
    for (long k = n - 1; national(ymd_from_days(k)); k--)
        if (ymd_weekday(ymd_from_days(k)) == 0)
            return 1;
    /* 国民の休日: a day between two holidays */
    if (ymd_weekday(d) != 0 && national(ymd_from_days(n - 1)) && national(ymd_from_days(n + 1)))
        return 1;
    return 0;
}

int workday_is(struct ymd d)
{
    int w = ymd_weekday(d);

    if (w == 0 || w == 6)
        return 0;
    if ((d.m == 12 && d.d >= 29) || (d.m == 1 && d.d <= 3))
        return 0;
    return !jp_holiday(d);
}

struct ymd workday_next(struct ymd d)
{
    long n = ymd_to_days(d);

    do
        n++;
    while (!workday_is(ymd_from_days(n)));
    return ymd_from_days(n);
}

int jptime_format(const char *iso_utc, char *out, size_t n)
{
    struct ymd d;
    int hh, mm, ss, used = 0;
    char w[40];

    if (sscanf(iso_utc, "%4d-%2d-%2dT%2d:%2d:%2d%n", &d.y, &d.m, &d.d, &hh, &mm, &ss, &used) != 6 ||
        used < 19 || !ymd_valid(d))
        return 0;
    hh += 9;
    if (hh >= 24) {
        hh -= 24;
        d = ymd_from_days(ymd_to_days(d) + 1);
    }
    jpdate_format(d, w, sizeof(w));
    snprintf(out, n, "%s %d:%02d", w, hh, mm);
    return 1;
}
