/*
 * test_cli: the boshi command as staff use it - exit codes (0 ok, 1
 * failure, 2 usage) for every subcommand, --help at every level, the
 * default store path, refusal of an OS user with no account, and that the
 * 個人番号 read from stdin by `residents find --mynumber` works and never
 * appears on the command line or in output.
 */
#include "base/base.h"
#include "records/store.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir, *db;

static void setup(void)
{
    struct tl_result r;

    dir = tl_tmpdir();
    db = tl_path(dir, "cli.db");
    tl_boshi_run(&r, db, NULL, "init", NULL);
    ck_assert_msg(r.status == 0, "init: %s", r.err);
    tl_result_free(&r);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
}

static char *small_csv(void)
{
    return xasprintf("%s/tests/data/residents/small.csv", tl_src());
}

/* Each subcommand with bad arguments exits 2 and shows its usage. */
START_TEST(usage_errors_exit_2)
{
    static const char *const cases[][8] = {
        { "init", "extra", NULL },
        { "residents", "import", NULL },
        { "residents", "import", "--encoding", "latin1", "x.csv", NULL },
        { "residents", "import", "a.csv", "b.csv", NULL },
        { "residents", "show", NULL },
        { "residents", "show", "--reveal-mynumber", "0000000001", NULL },
        { "residents", "find", NULL },
        { "residents", "find", "--birth", "tomorrow", NULL },
        { "residents", "find", "--bogus", NULL },
        { "users", "add", NULL },
        { "users", "list", "x", NULL },
        { "users", "grant", "onlyone", NULL },
        { "users", "grant", "--until", "notadate", "a", "事務", NULL },
        { "users", "revoke", "a", NULL },
        { "users", "disable", NULL },
        { "users", "enable", NULL },
        { "audit", "list", "extra", NULL },
        { "audit", "list", "--since", "x", NULL },
        { "audit", "verify", "extra", NULL },
        { "review", "list", "--from", "someday", NULL },
        { "review", "list", "--to", "R8.13.1", NULL },
        { "review", "list", "--from", "2026-04-02", "--to", "2026-04-01", NULL },
        { "nosuchcommand", NULL },
        { "users", NULL },
        { "--bogus-global", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[10];
        int n = 0;
        struct tl_result r;
        argv[n++] = tl_boshi();
        argv[n++] = "--db";
        argv[n++] = db;
        for (int k = 0; cases[i][k]; k++)
            argv[n++] = cases[i][k];
        argv[n] = NULL;
        tl_run(&r, NULL, NULL, argv);
        ck_assert_msg(r.status == 2, "%s %s: exit %d, stderr %s", cases[i][0],
                      cases[i][1] ? cases[i][1] : "", r.status, r.err);
        ck_assert_msg(strstr(r.err, "使い方") != NULL || strstr(r.err, "不明") != NULL,
                      "%s: no usage in: %s", cases[i][0], r.err);
        tl_result_free(&r);
    }
}
END_TEST

START_TEST(help_at_every_level)
{
    static const char *const cases[][4] = {
        { "--help", NULL }, { "residents", "--help", NULL }, { "residents", "import", "--help", NULL },
        { "residents", "find", "-h", NULL }, { "users", "add", "--help", NULL },
        { "audit", "verify", "--help", NULL }, { "init", "--help", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[8];
        int n = 0;
        struct tl_result r;
        argv[n++] = tl_boshi();
        for (int k = 0; cases[i][k]; k++)
            argv[n++] = cases[i][k];
        argv[n] = NULL;
        tl_run(&r, NULL, NULL, argv);
        ck_assert_msg(r.status == 0, "%s: exit %d", cases[i][0], r.status);
        ck_assert_msg(strstr(r.out, "usage") != NULL, "%s: %s", cases[i][0], r.out);
        tl_result_free(&r);
    }
}
END_TEST

START_TEST(import_show_find_and_failures)
{
    struct tl_result r;
    char *csv = small_csv();

    tl_boshi_run(&r, db, NULL, "residents", "import", "--full", csv, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(strstr(r.out, "追加 8") != NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "residents", "show", "0000000004", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "齋藤　一郎") != NULL);
    ck_assert(strstr(r.out, "昭和54年2月3日") != NULL);      /* 和暦 shown, ISO beside it */
    ck_assert(strstr(r.out, "1979-02-03") != NULL);
    ck_assert(strstr(r.out, "********0048") != NULL);
    ck_assert(strstr(r.out, "100000000048") == NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "residents", "show", "--reveal-mynumber", "--reason", "番号確認",
                 "0000000004", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "100000000048") != NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "residents", "show", "9999999999", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "9999999999") != NULL);
    tl_result_free(&r);
    /* find by 個人番号 from stdin */
    tl_boshi_run(&r, db, "100000000048\n", "residents", "find", "--mynumber", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(strstr(r.out, "0000000004") != NULL);
    ck_assert(strstr(r.out, "個人番号一致") != NULL);
    ck_assert(strstr(r.out, "100000000048") == NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, "100000000047\n", "residents", "find", "--mynumber", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "100000000047") == NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "residents", "find", "--kana", "やまざき", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "山﨑　恵子") != NULL);
    tl_result_free(&r);
    /* a bad file: exit 1, names the line */
    char *bad = xasprintf("%s/tests/data/residents/bad/bad_sex.csv", tl_src());
    tl_boshi_run(&r, db, NULL, "residents", "import", bad, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "bad_sex.csv:2: 列「性別」") != NULL);
    tl_result_free(&r);
    /* the audit trail has it all and verifies */
    tl_boshi_run(&r, db, NULL, "audit", "list", "--person", "0000000004", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "residents.show") != NULL);
    ck_assert(strstr(r.out, "mynumber.reveal") != NULL);
    ck_assert(strstr(r.out, "residents.find") != NULL);
    ck_assert(strstr(r.out, "100000000048") == NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "audit", "verify", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "正常") != NULL);
    tl_result_free(&r);
    free(bad);
    free(csv);
}
END_TEST

START_TEST(users_commands)
{
    struct tl_result r;

    tl_boshi_run(&r, db, NULL, "users", "add", "--name", "佐藤 保健師", "--role", "保健師",
                 "--until", "2099-03-31", "sato", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "add", "--role", "社長", "kato", NULL);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "list", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "sato") != NULL);
    ck_assert_msg(strstr(r.out, "保健師(令和81年3月31日まで)") != NULL, "%s", r.out);
    ck_assert(strstr(r.out, "kato") == NULL);       /* the failed add left nothing */
    tl_result_free(&r);
    /* issue 12: columns line up by display width, even for a name wider than its column */
    tl_boshi_run(&r, db, NULL, "users", "add", "--name", "佐藤 花子（母子保健係 主任保健師）", "--role",
                 "保健師", "hanako_long_login", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "list", NULL);
    {
        /* the 状態 column starts at the same display column on every line */
        int col = -1, lines = 0;
        for (char *line = r.out; *line; lines++) {
            char *eol = strchr(line, '\n');
            size_t len = eol ? (size_t)(eol - line) : strlen(line);
            char buf[1024];
            snprintf(buf, sizeof(buf), "%.*s", (int)len, line);
            /* display width up to the first of 状態 / 有効 / 無効 / 権限なし */
            char *at = NULL;
            static const char *const marks[] = { "状態", "有効", "無効", "権限なし" };
            for (size_t k = 0; k < 4; k++) {
                char *p = strstr(buf, marks[k]);
                if (p && (at == NULL || p < at))
                    at = p;
            }
            ck_assert_msg(at != NULL, "%s", buf);
            *at = '\0';
            int w = utf8_width(buf);
            if (col < 0)
                col = w;
            ck_assert_msg(w == col, "column at %d, not %d: %s", w, col, line);
            line = eol ? eol + 1 : line + len;
        }
        ck_assert_int_ge(lines, 3);
    }
    ck_assert(strstr(r.out, "…") != NULL);           /* the wide name was cut, and says so */
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "grant", "sato", "jimu", NULL);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "revoke", "sato", "事務", NULL);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "revoke", "sato", "事務", NULL);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "disable", "sato", NULL);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "users", "list", NULL);
    ck_assert(strstr(r.out, "無効") != NULL);
    tl_result_free(&r);
}
END_TEST

/* An OS user with no account gets a clear refusal, and nothing happens. */
START_TEST(os_user_without_account_refused)
{
    struct tl_result r;
    struct berr e;
    char *other = tl_path(dir, "other.db");

    ck_assert_int_eq(store_create(other, "somebody-else", &e), 0);
    tl_boshi_run(&r, other, NULL, "residents", "find", "--kana", "ヤマダ", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "利用者がいません") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, other, NULL, "users", "list", NULL);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    free(other);
}
END_TEST

START_TEST(store_path_default_and_env)
{
    struct tl_result r;
    char *envdb = tl_path(dir, "env.db");
    char *env = xasprintf("BOSHI_DB=%s", envdb);
    const char *envv[] = { env, NULL };
    const char *argv[] = { tl_boshi(), "init", NULL };

    tl_run(&r, NULL, envv, argv);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(access(envdb, F_OK) == 0);
    tl_result_free(&r);
    /* init twice refuses and keeps the key */
    tl_run(&r, NULL, envv, argv);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "既にあります") != NULL);
    tl_result_free(&r);
    /* issue 12: a missing store is named with where boshi looked, and no second store is
     * suggested (boshi init would make one whose pages are all rejected) */
    tl_boshi_run(&r, "/nonexistent/x.db", NULL, "users", "list", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "見つかりません") && strstr(r.err, "/nonexistent/x.db") &&
                  strstr(r.err, "--db"), "%s", r.err);
    ck_assert_msg(strstr(r.err, "boshi init") == NULL, "%s", r.err);
    tl_result_free(&r);
    const char *rel[] = { tl_boshi(), "--db", "typo.db", "users", "list", NULL };
    tl_run(&r, NULL, NULL, rel);
    ck_assert_int_eq(r.status, 1);
    char cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
    ck_assert_msg(strstr(r.err, "typo.db") && strstr(r.err, cwd), "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(access("typo.db", F_OK), -1);
    free(env);
    free(envdb);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("commands");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, help_at_every_level);
    tcase_add_test(tc, import_show_find_and_failures);
    tcase_add_test(tc, users_commands);
    tcase_add_test(tc, os_user_without_account_refused);
    tcase_add_test(tc, store_path_default_and_env);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
