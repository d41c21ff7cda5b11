/*
 * workday.c: the office calendar (see workday.h), on base's holiday
 * calendar (jpdate_holiday: 国民の祝日, 振替休日, 国民の休日, computed).
 */
#include "base/workday.h"

#include <stdio.h>

int workday_is(struct ymd d)
{
    int w = ymd_weekday(d);

    if (w == 0 || w == 6)
        return 0;
    if ((d.m == 12 && d.d >= 29) || (d.m == 1 && d.d <= 3))
        return 0;
    return jpdate_holiday(d, NULL) != 1;
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
