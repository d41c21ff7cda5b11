/*
 * jpdate.c: Gregorian dates as day counts, and 和暦 (Japanese era) dates.
 * Dates are stored as ISO 8601; 和暦 is for what people read and type.
 * Era boundaries (sources: ARCHITECTURE.md §8): 明治 to 1912-07-29, 大正 to 1926-12-24,
 * 昭和 to 1989-01-07, 平成 to 2019-04-30, 令和 from 2019-05-01; 元年 = 1.
 */
#include "base/base.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct era_info {
    const char *name, *letter;
    struct ymd first, last;    /* inclusive; last.y == 0 means open-ended */
} eras[ERA_COUNT] = {
    [ERA_MEIJI]  = { "明治", "M", {1868, 10, 23}, {1912, 7, 29} },
    [ERA_TAISHO] = { "大正", "T", {1912, 7, 30},  {1926, 12, 24} },
    [ERA_SHOWA]  = { "昭和", "S", {1926, 12, 25}, {1989, 1, 7} },
    [ERA_HEISEI] = { "平成", "H", {1989, 1, 8},   {2019, 4, 30} },
    [ERA_REIWA]  = { "令和", "R", {2019, 5, 1},   {0, 0, 0} },
};

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

int ymd_valid(struct ymd d)
{
    return d.y >= 1800 && d.y <= 2200 && d.m >= 1 && d.m <= 12 &&
           d.d >= 1 && d.d <= days_in_month(d.y, d.m);
}

static int parse_digits(const char *s, int n, int *out)
{
    int v = 0;

    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int ymd_parse_iso(const char *s, struct ymd *out)
{
    struct ymd d;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
        parse_digits(s, 4, &d.y) || parse_digits(s + 5, 2, &d.m) ||
        parse_digits(s + 8, 2, &d.d) || !ymd_valid(d))
        return -1;
    *out = d;
    return 0;
}

int ymd_parse_compact(const char *s, struct ymd *out)
{
    struct ymd d;

    if (strlen(s) != 8 || parse_digits(s, 4, &d.y) || parse_digits(s + 4, 2, &d.m) ||
        parse_digits(s + 6, 2, &d.d) || !ymd_valid(d))
        return -1;
    *out = d;
    return 0;
}

void ymd_iso(struct ymd d, char out[11])
{
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)d.y % 10000u, (unsigned)d.m % 100u,
             (unsigned)d.d % 100u);
}

/* Howard Hinnant's days_from_civil. */
long ymd_to_days(struct ymd d)
{
    long y = d.y - (d.m <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

struct ymd ymd_from_days(long z)
{
    struct ymd r;
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;

    r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
    r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
    r.y = (int)(yoe + era * 400 + (r.m <= 2));
    return r;
}

int ymd_cmp(struct ymd a, struct ymd b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

struct ymd ymd_today(void)
{
    /* the day in Japan, whatever the server's TZ (often UTC) */
    return jpdate_day_of(time(NULL));
}

/* JST = UTC+9, no summer time (see base.h). */
#define JST_OFFSET (9 * 3600L)

struct ymd jpdate_day_of(time_t t)
{
    long long s = (long long)t + JST_OFFSET;
    long long days = s / 86400;

    if (s % 86400 < 0)
        days--;     /* floor, for instants before 1970 */
    return ymd_from_days((long)days);
}

time_t jpdate_day_start(struct ymd d)
{
    return (time_t)((long long)ymd_to_days(d) * 86400 - JST_OFFSET);
}

struct ymd ymd_add_months(struct ymd d, int months)
{
    int idx = d.y * 12 + (d.m - 1) + months;
    struct ymd r;

    r.y = idx / 12;
    r.m = idx % 12 + 1;
    r.d = d.d;
    if (r.d > days_in_month(r.y, r.m))
        r.d = days_in_month(r.y, r.m);
    return r;
}

int ymd_age_years(struct ymd birth, struct ymd on)
{
    int age = on.y - birth.y;

    if (on.m < birth.m || (on.m == birth.m && on.d < birth.d))
        age--;
    return age;
}

struct ymd ymd_fiscal_year_end(struct ymd d)
{
    struct ymd r = { d.y, 3, 31 };

    if (d.m > 3)
        r.y++;
    return r;
}

const char *jp_era_name(enum jp_era era)
{
    return era >= 0 && era < ERA_COUNT ? eras[era].name : "";
}

const char *jp_era_letter(enum jp_era era)
{
    return era >= 0 && era < ERA_COUNT ? eras[era].letter : "";
}

int jpdate_to_wareki(struct ymd d, struct wareki *out)
{
    if (!ymd_valid(d))
        return -1;
    for (int i = ERA_COUNT - 1; i >= 0; i--) {
        if (ymd_cmp(d, eras[i].first) >= 0) {
            out->era = (enum jp_era)i;
            out->year = d.y - eras[i].first.y + 1;
            out->month = d.m;
            out->day = d.d;
            return 0;
        }
    }
    return -1;
}

int jpdate_from_wareki(struct wareki w, struct ymd *out)
{
    struct ymd d;

    if (w.era < 0 || w.era >= ERA_COUNT || w.year < 1)
        return -1;
    d.y = eras[w.era].first.y + w.year - 1;
    d.m = w.month;
    d.d = w.day;
    if (!ymd_valid(d) || ymd_cmp(d, eras[w.era].first) < 0)
        return -1;
    if (eras[w.era].last.y != 0 && ymd_cmp(d, eras[w.era].last) > 0)
        return -1;
    *out = d;
    return 0;
}

void jpdate_format(struct ymd d, char *out, size_t n)
{
    struct wareki w;

    if (jpdate_to_wareki(d, &w) < 0) {
        snprintf(out, n, "(日付不正)");
        return;
    }
    if (w.year == 1)
        snprintf(out, n, "%s元年%d月%d日", eras[w.era].name, w.month, w.day);
    else
        snprintf(out, n, "%s%d年%d月%d日", eras[w.era].name, w.year, w.month, w.day);
}

/*
 * Reads the next number, skipping nothing; full-width digits are folded by
 * the caller through NFKC.  Returns chars consumed, 0 if no digit.
 */
static size_t take_int(const char *s, int *v)
{
    size_t i = 0;
    int x = 0;

    while (s[i] >= '0' && s[i] <= '9' && i < 6)
        x = x * 10 + (s[i++] - '0');
    *v = x;
    return i;
}

int jpdate_parse(const char *text, struct ymd *out)
{
    char *s = text_nfkc(text);
    const char *p;
    struct wareki w = { ERA_NONE, 0, 0, 0 };
    int rc = -1;
    size_t n;

    if (s == NULL)
        return -1;
    if (ymd_parse_iso(s, out) == 0 || ymd_parse_compact(s, out) == 0) {
        rc = 0;
        goto cleanup;
    }
    /* 西暦 as people write it: 2026/12/9, 2026.12.09, 2026-1-5 */
    {
        struct ymd d;
        size_t a = take_int(s, &d.y), b, c;
        if (a == 4 && (s[4] == '/' || s[4] == '.' || s[4] == '-') &&
            (b = take_int(s + 5, &d.m)) > 0 && (s[5 + b] == '/' || s[5 + b] == '.' || s[5 + b] == '-') &&
            (c = take_int(s + 6 + b, &d.d)) > 0 && s[6 + b + c] == '\0') {
            if (ymd_valid(d)) {
                *out = d;
                rc = 0;
            }
            goto cleanup;
        }
    }
    p = s;
    for (int i = 0; i < ERA_COUNT; i++) {
        size_t ln = strlen(eras[i].name);
        if (strncmp(p, eras[i].name, ln) == 0) {
            w.era = (enum jp_era)i;
            p += ln;
            break;
        }
        if (*p == eras[i].letter[0] || *p == eras[i].letter[0] + 32) {
            w.era = (enum jp_era)i;
            p += 1;
            break;
        }
    }
    if (w.era == ERA_NONE)
        goto cleanup;
    if (strncmp(p, "元", 3) == 0) {
        w.year = 1;
        p += 3;
    } else {
        n = take_int(p, &w.year);
        if (n == 0)
            goto cleanup;
        p += n;
    }
    /* separator: 年 or . or / or - */
    if (strncmp(p, "年", 3) == 0)
        p += 3;
    else if (*p == '.' || *p == '/' || *p == '-')
        p++;
    else
        goto cleanup;
    n = take_int(p, &w.month);
    if (n == 0)
        goto cleanup;
    p += n;
    if (strncmp(p, "月", 3) == 0)
        p += 3;
    else if (*p == '.' || *p == '/' || *p == '-')
        p++;
    else
        goto cleanup;
    n = take_int(p, &w.day);
    if (n == 0)
        goto cleanup;
    p += n;
    if (strncmp(p, "日", 3) == 0)
        p += 3;
    if (*p != '\0')
        goto cleanup;
    rc = jpdate_from_wareki(w, out);
cleanup:
    free(s);
    return rc;
}

/* ---- weekdays and national holidays (国民の祝日に関する法律) ---------------- */

int ymd_weekday(struct ymd d)
{
    long w = (ymd_to_days(d) + 4) % 7;     /* 1970-01-01 was a Thursday */

    return (int)(w < 0 ? w + 7 : w);
}

const char *jp_weekday_name(int wd)
{
    static const char *const names[7] = { "日", "月", "火", "水", "木", "金", "土" };

    return wd >= 0 && wd < 7 ? names[wd] : "";
}

/* The day of the n-th Monday of y-m (Happy Monday, 2000 on). */
static int nth_monday(int y, int m, int n)
{
    int first = ymd_weekday((struct ymd){ y, m, 1 });

    return 1 + (8 - first) % 7 + 7 * (n - 1);
}

/*
 * 春分日 / 秋分日 by the standard approximation of the 国立天文台 (valid
 * 1980-2099): floor(c + 0.242194 (y - 1980) - floor((y - 1980) / 4)).
 * The official dates are announced each February for the next year; the
 * formula has matched them for every year so far.
 */
static int equinox_day(int y, double c)
{
    return (int)(c + 0.242194 * (y - 1980) - (double)((y - 1980) / 4));
}

/* The holidays the law names for a day (not 振替休日 / 国民の休日); NULL if none. */
static const char *named_holiday(struct ymd d)
{
    int y = d.y, m = d.m, day = d.d;

    switch (m) {
    case 1:
        if (day == 1)
            return "元日";
        if (day == nth_monday(y, 1, 2))
            return "成人の日";
        break;
    case 2:
        if (day == 11)
            return "建国記念の日";
        if (day == 23 && y >= 2020)
            return "天皇誕生日";
        break;
    case 3:
        if (day == equinox_day(y, 20.8431))
            return "春分の日";
        break;
    case 4:
        if (day == 29)
            return y >= 2007 ? "昭和の日" : "みどりの日";
        if (day == 30 && y == 2019)
            return NULL;   /* 国民の休日 by the sandwich rule, below */
        break;
    case 5:
        if (day == 1 && y == 2019)
            return "即位の日";
        if (day == 3)
            return "憲法記念日";
        if (day == 4 && y >= 2007)
            return "みどりの日";
        if (day == 5)
            return "こどもの日";
        break;
    case 7:
        /* the Olympic years moved 海の日 and スポーツの日 by special law */
        if (y == 2020 ? day == 23 : y == 2021 ? day == 22 : day == nth_monday(y, 7, 3))
            return "海の日";
        if ((y == 2020 && day == 24) || (y == 2021 && day == 23))
            return "スポーツの日";
        break;
    case 8:
        if (y >= 2016 && day == (y == 2020 ? 10 : y == 2021 ? 8 : 11))
            return "山の日";
        break;
    case 9:
        if (day == nth_monday(y, 9, 3))
            return "敬老の日";
        if (day == equinox_day(y, 23.2488))
            return "秋分の日";
        break;
    case 10:
        if (y != 2020 && y != 2021 && day == nth_monday(y, 10, 2))
            return y >= 2020 ? "スポーツの日" : "体育の日";
        if (y == 2019 && day == 22)
            return "即位礼正殿の儀の行われる日";
        break;
    case 11:
        if (day == 3)
            return "文化の日";
        if (day == 23)
            return "勤労感謝の日";
        break;
    case 12:
        if (day == 23 && y >= 1989 && y <= 2018)
            return "天皇誕生日";
        break;
    default:
        break;
    }
    return NULL;
}

static struct ymd day_offset(struct ymd d, long k)
{
    return ymd_from_days(ymd_to_days(d) + k);
}

int jpdate_holiday(struct ymd d, const char **name)
{
    const char *n = NULL;

    if (name)
        *name = NULL;
    if (!ymd_valid(d) || d.y < 2000 || d.y > 2099)
        return -1;
    n = named_holiday(d);
    if (n == NULL) {
        /* 振替休日: the first day that is not a holiday after one on a Sunday */
        for (long k = 1; named_holiday(day_offset(d, -k)) != NULL; k++) {
            if (ymd_weekday(day_offset(d, -k)) == 0) {
                n = "振替休日";
                break;
            }
        }
    }
    if (n == NULL && named_holiday(day_offset(d, -1)) && named_holiday(day_offset(d, 1)))
        n = "国民の休日";      /* a day between two holidays */
    if (name)
        *name = n;
    return n != NULL;
}
