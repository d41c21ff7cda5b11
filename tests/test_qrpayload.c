/*
 * test_qrpayload: the signed QR payload - known answers computed outside C,
 * round trip, wrong key, every field altered, malformed codes and the
 * error each one gives, and what build refuses.
 */
#include "base/qrpayload.h"

#include "tests/lib/testlib.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned char key[QRPAYLOAD_KEY_BYTES];
static unsigned char other_key[QRPAYLOAD_KEY_BYTES];

static void setup(void)
{
    for (int i = 0; i < QRPAYLOAD_KEY_BYTES; i++) {
        key[i] = (unsigned char)i;
        other_key[i] = (unsigned char)(i + 1);
    }
}

static struct qrpayload sample(void)
{
    struct qrpayload p;

    memset(&p, 0, sizeof(p));
    snprintf(p.form, sizeof(p.form), "%s", "nyuyoji_4m");
    p.version = 3;
    p.page = 1;
    p.pages = 2;
    snprintf(p.subject, sizeof(p.subject), "%s", "000123456789");
    snprintf(p.issue, sizeof(p.issue), "%s", "I2026-000042");
    return p;
}

static int parse_str(const char *s, const unsigned char *k, struct qrpayload *out, struct berr *e)
{
    return qrpayload_parse(s, strlen(s), k, out, e);
}

/*
 * Expected strings from Python's hmac/base64, not from this code:
 *   base64.b32encode(hmac.new(bytes(range(32)), msg, sha256).digest()[:8])
 */
START_TEST(known_answers)
{
    struct qrpayload p = sample(), none;
    struct berr e = {0};
    char *s = NULL;

    ck_assert_int_eq(qrpayload_build(&p, key, &s, &e), 0);
    ck_assert_str_eq(s, "BOSHI1|nyuyoji_4m|3|1/2|000123456789|I2026-000042|3QFHRGCV3ULQI");
    free(s);

    memset(&none, 0, sizeof(none));
    snprintf(none.form, sizeof(none.form), "%s", "ninshin_todoke");
    none.version = 1;
    none.page = 1;
    none.pages = 1;
    ck_assert_int_eq(qrpayload_build(&none, key, &s, &e), 0);
    ck_assert_str_eq(s, "BOSHI1|ninshin_todoke|1|1/1|-|-|AKVH7X42LSNJW");
    free(s);
}
END_TEST

START_TEST(round_trip)
{
    struct qrpayload p = sample(), q;
    struct berr e = {0};
    char *s = NULL;

    ck_assert_int_eq(qrpayload_build(&p, key, &s, &e), 0);
    ck_assert_int_le(strlen(s), QRPAYLOAD_MAX);
    ck_assert_int_eq(parse_str(s, key, &q, &e), 0);
    ck_assert_str_eq(q.form, "nyuyoji_4m");
    ck_assert_int_eq(q.version, 3);
    ck_assert_int_eq(q.page, 1);
    ck_assert_int_eq(q.pages, 2);
    ck_assert_str_eq(q.subject, "000123456789");
    ck_assert_str_eq(q.issue, "I2026-000042");
    ck_assert_int_eq(memcmp(&p, &q, sizeof(p)), 0);
    free(s);

    /* Longest fields everywhere still fit QRPAYLOAD_MAX and round-trip. */
    memset(p.form, 'z', QRPAYLOAD_FORM_MAX);
    memset(p.subject, '9', QRPAYLOAD_ID_MAX);
    memset(p.issue, 'X', QRPAYLOAD_ID_MAX);
    p.version = QRPAYLOAD_VERSION_MAX;
    p.page = p.pages = QRPAYLOAD_PAGES_MAX;
    ck_assert_int_eq(qrpayload_build(&p, key, &s, &e), 0);
    ck_assert_int_le(strlen(s), QRPAYLOAD_MAX);
    ck_assert_int_eq(parse_str(s, key, &q, &e), 0);
    ck_assert_int_eq(memcmp(&p, &q, sizeof(p)), 0);
    free(s);
}
END_TEST

START_TEST(no_subject_no_issue)
{
    struct qrpayload p = sample(), q;
    struct berr e = {0};
    char *s = NULL;

    p.subject[0] = '\0';
    p.issue[0] = '\0';
    ck_assert_int_eq(qrpayload_build(&p, key, &s, &e), 0);
    ck_assert_ptr_nonnull(strstr(s, "|1/2|-|-|"));
    ck_assert_int_eq(parse_str(s, key, &q, &e), 0);
    ck_assert_str_eq(q.subject, "");
    ck_assert_str_eq(q.issue, "");
    free(s);
}
END_TEST

START_TEST(wrong_key)
{
    struct qrpayload p = sample(), q;
    struct berr e = {0};
    char *s = NULL;

    ck_assert_int_eq(qrpayload_build(&p, key, &s, &e), 0);
    ck_assert_int_eq(parse_str(s, other_key, &q, &e), QRPAYLOAD_BAD_MAC);
    ck_assert_ptr_nonnull(strstr(e.msg, "署名"));
    ck_assert_str_eq(q.form, "");       /* nothing leaks out on failure */
    ck_assert_str_eq(q.subject, "");
    free(s);
}
END_TEST

/* Each field swapped for another well-formed value: the signature catches it. */
START_TEST(tampered_fields)
{
    static const char *good = "BOSHI1|nyuyoji_4m|3|1/2|000123456789|I2026-000042|3QFHRGCV3ULQI";
    static const char *tampered[] = {
        "BOSHI1|nyuyoji_3m|3|1/2|000123456789|I2026-000042|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|4|1/2|000123456789|I2026-000042|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|2/2|000123456789|I2026-000042|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|1/3|000123456789|I2026-000042|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|1/2|000123456788|I2026-000042|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|1/2|-|I2026-000042|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|1/2|000123456789|I2026-000043|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|1/2|000123456789|-|3QFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|1/2|000123456789|I2026-000042|3QFHRGCV3ULQJ",
        "BOSHI1|nyuyoji_4m|3|1/2|000123456789|I2026-000042|AQFHRGCV3ULQI",
        "BOSHI1|nyuyoji_4m|3|1/2|000123456789|I2026-000042|3qfhrgcv3ulqi",
    };
    struct qrpayload q;
    struct berr e = {0};

    ck_assert_int_eq(parse_str(good, key, &q, &e), 0);
    for (size_t i = 0; i < sizeof(tampered) / sizeof(tampered[0]); i++) {
        berr_clear(&e);
        ck_assert_msg(parse_str(tampered[i], key, &q, &e) == QRPAYLOAD_BAD_MAC,
                      "%s: got code %d (%s)", tampered[i], e.code, e.msg);
    }
}
END_TEST

START_TEST(malformed_codes)
{
    static const struct { const char *s; int code; } cases[] = {
        { "", QRPAYLOAD_NOT_BOSHI },
        { "https://www.city.example.lg.jp/", QRPAYLOAD_NOT_BOSHI },
        { "boshi1|nyuyoji_4m|3|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_NOT_BOSHI },
        { "BOSH", QRPAYLOAD_NOT_BOSHI },
        { "BOSHI", QRPAYLOAD_MALFORMED },
        { "BOSHI1", QRPAYLOAD_MALFORMED },
        { "BOSHI2|nyuyoji_4m|3|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|-|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1||3|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|Nyuyoji_4m|3|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji-4m|3|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|3|1/2|-|-|3QFHRGCV3ULQI",
          QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|0|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|03|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|-3|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|1000000|1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m||1/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|3/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|0/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1-2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|/2|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2/3|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/1000|-|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2||-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|12 34|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|山田|-|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|123456789012345678901234567890123|-|3QFHRGCV3ULQI",
          QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|-||3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|-|a/b|3QFHRGCV3ULQI", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|-|-|3QFHRGCV3ULQ", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|-|-|3QFHRGCV3ULQII", QRPAYLOAD_MALFORMED },
        { "BOSHI1|nyuyoji_4m|3|1/2|-|-|", QRPAYLOAD_MALFORMED },
    };
    struct qrpayload q;
    struct berr e = {0};

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        berr_clear(&e);
        ck_assert_msg(parse_str(cases[i].s, key, &q, &e) == cases[i].code,
                      "'%s': got %d (%s), want %d", cases[i].s, e.code, e.msg, cases[i].code);
        ck_assert_msg(e.msg[0] != '\0', "'%s': no message", cases[i].s);
    }

    /* An embedded NUL, and an overlong code, are malformed too. */
    static const char nul[] = "BOSHI1|nyuyoji_4m|3|1/2|-|-\0|3QFHRGCV3ULQI";
    ck_assert_int_eq(qrpayload_parse(nul, sizeof(nul) - 1, key, &q, &e), QRPAYLOAD_MALFORMED);
    char long_code[QRPAYLOAD_MAX + 40];
    memset(long_code, 'A', sizeof(long_code) - 1);
    long_code[sizeof(long_code) - 1] = '\0';
    memcpy(long_code, "BOSHI1|", 7);
    ck_assert_int_eq(parse_str(long_code, key, &q, &e), QRPAYLOAD_MALFORMED);
}
END_TEST

START_TEST(distinct_messages)
{
    struct qrpayload q;
    struct berr a = {0}, b = {0}, c = {0};

    parse_str("QRCODE", key, &q, &a);
    parse_str("BOSHI1|x|1|1/1|-|-|AAAA", key, &q, &b);
    parse_str("BOSHI1|nyuyoji_4m|3|1/2|-|-|3QFHRGCV3ULQI", key, &q, &c);
    ck_assert_int_eq(a.code, QRPAYLOAD_NOT_BOSHI);
    ck_assert_int_eq(b.code, QRPAYLOAD_MALFORMED);
    ck_assert_int_eq(c.code, QRPAYLOAD_BAD_MAC);
    ck_assert_str_ne(a.msg, b.msg);
    ck_assert_str_ne(b.msg, c.msg);
    ck_assert_str_ne(a.msg, c.msg);
}
END_TEST

START_TEST(build_refuses)
{
    struct qrpayload p;
    struct berr e = {0};
    char *s = (char *)"untouched";

#define REFUSE(stmt)                                                          \
    do {                                                                      \
        p = sample();                                                         \
        stmt;                                                                 \
        berr_clear(&e);                                                       \
        ck_assert_msg(qrpayload_build(&p, key, &s, &e) == BERR_INVALID, "%s", #stmt); \
        ck_assert_ptr_null(s);                                                \
        ck_assert(e.msg[0] != '\0');                                          \
    } while (0)

    REFUSE(p.form[0] = '\0');
    REFUSE(snprintf(p.form, sizeof(p.form), "%s", "Nyuyoji"));
    REFUSE(snprintf(p.form, sizeof(p.form), "%s", "a|b"));
    REFUSE(memset(p.form, 'a', sizeof(p.form)));           /* no NUL inside */
    REFUSE(p.version = 0);
    REFUSE(p.version = QRPAYLOAD_VERSION_MAX + 1);
    REFUSE(p.page = 0);
    REFUSE(p.page = 3);
    REFUSE(p.pages = QRPAYLOAD_PAGES_MAX + 1);
    REFUSE(snprintf(p.subject, sizeof(p.subject), "%s", "-"));
    REFUSE(snprintf(p.subject, sizeof(p.subject), "%s", "12|34"));
    REFUSE(snprintf(p.subject, sizeof(p.subject), "%s", "山田"));
    REFUSE(memset(p.subject, '1', sizeof(p.subject)));     /* no NUL inside */
    REFUSE(snprintf(p.issue, sizeof(p.issue), "%s", "a b"));
    REFUSE(snprintf(p.issue, sizeof(p.issue), "%s", "-"));
#undef REFUSE
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qrpayload");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, known_answers);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, no_subject_no_issue);
    tcase_add_test(tc, wrong_key);
    tcase_add_test(tc, tampered_fields);
    tcase_add_test(tc, malformed_codes);
    tcase_add_test(tc, distinct_messages);
    tcase_add_test(tc, build_refuses);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
