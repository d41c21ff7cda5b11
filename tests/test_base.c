/*
 * test_base: dates and 和暦, the Japan day's boundary, the 個人番号 check
 * digit, kana folding, buffers.
 */
#include "base/base.h"

#include "tests/lib/testlib.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void fold_eq(const char *in, const char *want)
{
    char *f = kana_fold(in);

    ck_assert_ptr_nonnull(f);
    ck_assert_msg(strcmp(f, want) == 0, "fold(%s) = %s, want %s", in, f, want);
    free(f);
}

static void fold_ne(const char *a, const char *b)
{
    char *fa = kana_fold(a), *fb = kana_fold(b);

    ck_assert_msg(strcmp(fa, fb) != 0, "%s and %s must not fold together", a, b);
    free(fa);
    free(fb);
}

/*
 * Issue 12: the national holidays, computed.  Each year below is the
 * Cabinet Office's published list (内閣府「国民の祝日について」), with its
 * 振替休日 and 国民の休日; every other day of those years is not a holiday.
 */
START_TEST(holidays_across_years)
{
    static const struct { int y; const char *days; } years[] = {
        { 2019, "0101 0114 0211 0321 0429 0430 0501 0502 0503 0504 0505 0506 0715 0811 0812 0916 "
                "0923 1014 1022 1103 1104 1123" },
        { 2020, "0101 0113 0211 0223 0224 0320 0429 0503 0504 0505 0506 0723 0724 0810 0921 0922 "
                "1103 1123" },
        { 2021, "0101 0111 0211 0223 0320 0429 0503 0504 0505 0722 0723 0808 0809 0920 0923 1103 "
                "1123" },
        { 2024, "0101 0108 0211 0212 0223 0320 0429 0503 0504 0505 0506 0715 0811 0812 0916 0922 "
                "0923 1014 1103 1104 1123" },
        { 2025, "0101 0113 0211 0223 0224 0320 0429 0503 0504 0505 0506 0721 0811 0915 0923 1013 "
                "1103 1123 1124" },
        { 2026, "0101 0112 0211 0223 0320 0429 0503 0504 0505 0506 0720 0811 0921 0922 0923 1012 "
                "1103 1123" },
        { 2009, "0101 0112 0211 0320 0429 0503 0504 0505 0506 0720 0921 0922 0923 1012 1103 1123 "
                "1223" },
    };
    const char *name;

    for (size_t k = 0; k < sizeof(years) / sizeof(years[0]); k++) {
        int y = years[k].y, found = 0;
        for (struct ymd d = { y, 1, 1 }; d.y == y; d = ymd_from_days(ymd_to_days(d) + 1)) {
            char mmdd[8];
            snprintf(mmdd, sizeof(mmdd), "%02d%02d", d.m, d.d);
            int want = strstr(years[k].days, mmdd) != NULL;
            int got = jpdate_holiday(d, &name);
            ck_assert_msg(got == want, "%d-%s: got %d (%s), want %d", y, mmdd, got,
                          name ? name : "-", want);
            if (got)
                ck_assert_ptr_nonnull(name);
            found += got;
        }
        ck_assert_int_eq(found, (int)(strlen(years[k].days) + 1) / 5);
    }
    /* names: Happy Monday, 振替, 国民の休日, the equinoxes */
    jpdate_holiday((struct ymd){ 2026, 9, 22 }, &name);
    ck_assert_str_eq(name, "国民の休日");
    jpdate_holiday((struct ymd){ 2026, 5, 6 }, &name);
    ck_assert_str_eq(name, "振替休日");
    jpdate_holiday((struct ymd){ 2027, 1, 11 }, &name);
    ck_assert_str_eq(name, "成人の日");
    jpdate_holiday((struct ymd){ 2027, 3, 22 }, &name);   /* 春分 3/21 is a Sunday */
    ck_assert_str_eq(name, "振替休日");
    jpdate_holiday((struct ymd){ 2030, 9, 23 }, &name);
    ck_assert_str_eq(name, "秋分の日");
    /* no list that runs out: every year to 2099 has its 15-22 days, 春分 on 19-21 March */
    for (int y = 2000; y <= 2099; y++) {
        int n = 0, spring = 0;
        for (struct ymd d = { y, 1, 1 }; d.y == y; d = ymd_from_days(ymd_to_days(d) + 1)) {
            n += jpdate_holiday(d, &name) == 1;
            if (d.m == 3 && name && strcmp(name, "春分の日") == 0)
                spring = d.d;
        }
        ck_assert_msg(n >= 15 && n <= 22, "%d: %d holidays", y, n);
        ck_assert_msg(spring >= 19 && spring <= 21, "%d: 春分 %d", y, spring);
    }
    ck_assert_int_eq(jpdate_holiday((struct ymd){ 2100, 1, 1 }, &name), -1);
    /* weekdays */
    ck_assert_int_eq(ymd_weekday((struct ymd){ 2027, 1, 10 }), 0);     /* the demo's Sunday */
    ck_assert_int_eq(ymd_weekday((struct ymd){ 1970, 1, 1 }), 4);
    ck_assert_str_eq(jp_weekday_name(ymd_weekday((struct ymd){ 2026, 12, 9 })), "水");
}
END_TEST

/* Issue 12: today is the day in Japan, whatever TZ the server runs in. */
START_TEST(today_is_japan_day_in_any_tz)
{
    static const char *const zones[] = { "UTC", "Pacific/Kiritimati", "Etc/GMT+12", "Asia/Tokyo" };
    struct ymd want = jpdate_day_of(time(NULL));

    for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
        setenv("TZ", zones[i], 1);
        tzset();
        struct ymd got = ymd_today();
        /* (the 26 h between +14 and -12 make at least one differ from JST under localtime) */
        if (ymd_cmp(got, want) != 0)
            want = jpdate_day_of(time(NULL));     /* midnight JST passed during the test */
        ck_assert_msg(ymd_cmp(got, want) == 0, "TZ=%s: %d-%d-%d, JST %d-%d-%d", zones[i], got.y,
                      got.m, got.d, want.y, want.m, want.d);
    }
    unsetenv("TZ");
    tzset();
}
END_TEST

START_TEST(mynumber_check_digits)
{
    ck_assert_int_eq(mynumber_check_digit("12345678901"), 8);
    ck_assert(mynumber_valid("123456789018"));
    ck_assert(!mynumber_valid("123456789017"));
    ck_assert(!mynumber_valid("12345678901"));
    ck_assert(!mynumber_valid("1234567890188"));
    ck_assert(!mynumber_valid("12345678901a"));
    ck_assert(!mynumber_valid(""));
    /* r <= 1 gives check digit 0: all zeros sum to 0 */
    ck_assert_int_eq(mynumber_check_digit("00000000000"), 0);
    ck_assert(mynumber_valid("000000000000"));
    char m[13];
    mynumber_mask("123456789018", m);
    ck_assert_str_eq(m, "********9018");
}
END_TEST

START_TEST(wareki_boundaries)
{
    static const struct { const char *iso, *wareki; } cases[] = {
        { "2019-04-30", "平成31年4月30日" },
        { "2019-05-01", "令和元年5月1日" },
        { "1989-01-07", "昭和64年1月7日" },
        { "1989-01-08", "平成元年1月8日" },
        { "1926-12-24", "大正15年12月24日" },
        { "1926-12-25", "昭和元年12月25日" },
        { "1912-07-29", "明治45年7月29日" },
        { "1912-07-30", "大正元年7月30日" },
        { "2024-02-29", "令和6年2月29日" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct ymd d, back;
        char out[64];
        ck_assert_int_eq(ymd_parse_iso(cases[i].iso, &d), 0);
        jpdate_format(d, out, sizeof(out));
        ck_assert_str_eq(out, cases[i].wareki);
        ck_assert_int_eq(jpdate_parse(cases[i].wareki, &back), 0);
        ck_assert_int_eq(ymd_cmp(d, back), 0);
    }
}
END_TEST

START_TEST(wareki_parse_forms_and_rejects)
{
    struct ymd d;
    char iso[11];

    ck_assert_int_eq(jpdate_parse("H31.4.30", &d), 0);
    ymd_iso(d, iso);
    ck_assert_str_eq(iso, "2019-04-30");
    ck_assert_int_eq(jpdate_parse("R1.5.1", &d), 0);
    ck_assert_int_eq(jpdate_parse("r6/4/1", &d), 0);
    ymd_iso(d, iso);
    ck_assert_str_eq(iso, "2024-04-01");
    ck_assert_int_eq(jpdate_parse("令和６年４月１日", &d), 0);   /* full-width digits */
    ymd_iso(d, iso);
    ck_assert_str_eq(iso, "2024-04-01");
    ck_assert_int_lt(jpdate_parse("H31.5.1", &d), 0);    /* 平成 ended 4/30 */
    ck_assert_int_lt(jpdate_parse("R1.4.30", &d), 0);    /* 令和 began 5/1 */
    ck_assert_int_lt(jpdate_parse("令和5年2月29日", &d), 0);
    ck_assert_int_lt(jpdate_parse("令和6年13月1日", &d), 0);
    ck_assert_int_lt(jpdate_parse("令和0年1月1日", &d), 0);
    ck_assert_int_lt(jpdate_parse("X6.1.1", &d), 0);
    ck_assert_int_lt(jpdate_parse("", &d), 0);
    ck_assert_int_eq(jpdate_parse("2024-04-01", &d), 0);
    ck_assert_int_eq(jpdate_parse("2026/12/9", &d), 0);
    ymd_iso(d, iso);
    ck_assert_str_eq(iso, "2026-12-09");
    ck_assert_int_eq(jpdate_parse("1970.10.06", &d), 0);
    ck_assert_int_lt(jpdate_parse("2026/13/01", &d), 0);
    ck_assert_int_lt(jpdate_parse("2026/12/9x", &d), 0);
}
END_TEST

START_TEST(days_roundtrip_and_months)
{
    for (long z = -30000; z < 60000; z += 17) {
        struct ymd d = ymd_from_days(z);
        ck_assert(ymd_valid(d));
        ck_assert_int_eq(ymd_to_days(d), z);
    }
    struct ymd d = { 2024, 1, 31 }, r = ymd_add_months(d, 1);
    ck_assert_int_eq(r.m, 2);
    ck_assert_int_eq(r.d, 29);
    r = ymd_add_months((struct ymd){ 2024, 3, 15 }, -4);
    ck_assert_int_eq(r.y, 2023);
    ck_assert_int_eq(r.m, 11);
    ck_assert_int_eq(ymd_age_years((struct ymd){ 2020, 5, 10 }, (struct ymd){ 2023, 5, 9 }), 2);
    ck_assert_int_eq(ymd_age_years((struct ymd){ 2020, 5, 10 }, (struct ymd){ 2023, 5, 10 }), 3);
    r = ymd_fiscal_year_end((struct ymd){ 2026, 11, 21 });
    ck_assert_int_eq(r.y, 2027);
    r = ymd_fiscal_year_end((struct ymd){ 2027, 3, 31 });
    ck_assert_int_eq(r.y, 2027);
    ck_assert_int_lt(ymd_parse_compact("20230229", &d), 0);
    ck_assert_int_eq(ymd_parse_compact("20240229", &d), 0);
}
END_TEST

/* The Japan day: its boundary is 15:00 UTC, whatever the process's TZ. */
START_TEST(japan_day_boundary)
{
    static const char *const zones[] = { "UTC", "Asia/Tokyo", "America/New_York" };

    for (size_t z = 0; z < sizeof(zones) / sizeof(zones[0]); z++) {
        struct tm tm = { 0 };
        time_t start;
        struct ymd d;

        setenv("TZ", zones[z], 1);
        tzset();
        tm.tm_year = 2026 - 1900;
        tm.tm_mon = 2;
        tm.tm_mday = 31;
        tm.tm_hour = 15;
        start = timegm(&tm);                  /* 2026-03-31T15:00:00Z = 4月1日 0時 JST */
        ck_assert_int_eq((long long)jpdate_day_start((struct ymd){ 2026, 4, 1 }), (long long)start);
        d = jpdate_day_of(start);
        ck_assert_int_eq(ymd_cmp(d, (struct ymd){ 2026, 4, 1 }), 0);
        d = jpdate_day_of(start - 1);
        ck_assert_int_eq(ymd_cmp(d, (struct ymd){ 2026, 3, 31 }), 0);
        d = jpdate_day_of(start + 86399);
        ck_assert_int_eq(ymd_cmp(d, (struct ymd){ 2026, 4, 1 }), 0);
        /* a year's end, and before 1970 */
        d = jpdate_day_of(jpdate_day_start((struct ymd){ 2027, 1, 1 }) - 1);
        ck_assert_int_eq(ymd_cmp(d, (struct ymd){ 2026, 12, 31 }), 0);
        d = jpdate_day_of(jpdate_day_start((struct ymd){ 1960, 3, 1 }));
        ck_assert_int_eq(ymd_cmp(d, (struct ymd){ 1960, 3, 1 }), 0);
        d = jpdate_day_of(jpdate_day_start((struct ymd){ 1960, 3, 1 }) - 1);
        ck_assert_int_eq(ymd_cmp(d, (struct ymd){ 1960, 2, 29 }), 0);
    }
    unsetenv("TZ");
    tzset();
}
END_TEST

START_TEST(kana_folding)
{
    fold_eq("たかはし　たろう", "タカハシタロウ");
    fold_eq("ﾀｶﾊｼ ﾀﾛｳ", "タカハシタロウ");
    fold_eq("髙橋", "高橋");
    fold_eq("齋藤", "斎藤");
    fold_eq("齊藤", "斎藤");
    fold_eq("山﨑", "山崎");
    fold_eq("渡邊", "渡辺");
    fold_eq("渡邉", "渡辺");
    fold_eq("キョウコ", "キヨウコ");
    fold_eq("オーノ", "オオノ");
    fold_eq("ユーコ", "ユウコ");
    fold_ne("ヴィオラ", "ビオラ");
    fold_ne("高橋", "高梁");
    ck_assert(kana_is_katakana("ヤマダ　ハナコ"));
    ck_assert(kana_is_katakana("ユーコ"));
    ck_assert(!kana_is_katakana("やまだ"));
    ck_assert(!kana_is_katakana("山田"));
    ck_assert(!kana_is_katakana("ﾔﾏﾀﾞ"));
    ck_assert(!kana_is_katakana(""));
    char *k = kana_fold_keep_space("ヤマダ　ハナコ");
    ck_assert_str_eq(k, "ヤマダ ハナコ");
    free(k);
    ck_assert_ptr_null(kana_fold("\xff\xfe"));
}
END_TEST

START_TEST(buf_cap)
{
    struct buf b;

    buf_init(&b);
    ck_assert_str_eq(b.s, "");
    b.cap_limit = 8;
    buf_adds(&b, "12345");
    buf_addf(&b, "%d", 678);
    ck_assert_str_eq(b.s, "12345678");
    ck_assert_int_eq(b.toobig, 0);
    buf_adds(&b, "9");
    ck_assert_int_eq(b.toobig, 1);
    ck_assert_str_eq(b.s, "12345678");
    buf_release(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("base");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, mynumber_check_digits);
    tcase_add_test(tc, today_is_japan_day_in_any_tz);
    tcase_add_test(tc, holidays_across_years);
    tcase_add_test(tc, wareki_boundaries);
    tcase_add_test(tc, wareki_parse_forms_and_rejects);
    tcase_add_test(tc, days_roundtrip_and_months);
    tcase_add_test(tc, japan_day_boundary);
    tcase_add_test(tc, kana_folding);
    tcase_add_test(tc, buf_cap);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
