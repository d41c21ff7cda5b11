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
#include "records/pages.h"
#include "reports/reports.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
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


/* ---- item 9: several OS users share one installation ---------------------------- */

static int sh(const char *cmd)
{
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs boshi as OS user `user` (with its groups) on db. */
static void run_as(struct tl_result *r, const char *user, const char *db, const char *const *args)
{
    const char *argv[24];
    char *reuid = xasprintf("--reuid=%s", user);
    int n = 0;

    argv[n++] = "setpriv";
    argv[n++] = reuid;
    argv[n++] = "--regid=" BOSHI_GROUP;
    argv[n++] = "--init-groups";
    argv[n++] = "--reset-env";
    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    for (int k = 0; args[k] && n < 23; k++)
        argv[n++] = args[k];
    argv[n] = NULL;
    tl_run(r, NULL, NULL, argv);
    free(reuid);
}

#define GROUP_MARK "/tmp/boshi-test-made-group"

/* Unchecked teardown (in the parent, after a failure too): the OS users and group the test made. */
static void os_users_cleanup(void)
{
    if (geteuid() != 0)
        return;
    sh("userdel boshi-t-jimu 2>/dev/null; userdel boshi-t-hoken 2>/dev/null");
    if (access(GROUP_MARK, F_OK) == 0) {
        sh("groupdel " BOSHI_GROUP);
        unlink(GROUP_MARK);
    }
}

/* A group-readable key file is refused unless its group is the boshi group. */
START_TEST(key_mode_rules)
{
    struct tl_result r;
    char *db = tl_path(dir, "k.db"), *key = tl_path(dir, "k.db.key");

    RUN(&r, db, "init");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    static const mode_t refused[] = { 0644, 0660, 0604, 0666, 0620 };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        chmod(key, refused[i]);
        RUN(&r, db, "users", "list");
        ck_assert_msg(r.status == 1, "mode %o accepted", (unsigned)refused[i]);
        ck_assert_msg(strstr(r.err, "権限が広すぎます") != NULL, "%s", r.err);
        tl_result_free(&r);
    }
    /* 0640 in a group that is not the boshi group (root's own, here) */
    ck_assert_int_eq(chown(key, (uid_t)-1, getegid()), 0);
    struct group *g = getgrgid(getegid());
    if (g == NULL || strcmp(g->gr_name, BOSHI_GROUP) != 0) {
        chmod(key, 0640);
        RUN(&r, db, "users", "list");
        ck_assert_int_eq(r.status, 1);
        ck_assert_msg(strstr(r.err, "グループ「" BOSHI_GROUP "」") != NULL, "%s", r.err);
        tl_result_free(&r);
    }
    chmod(key, 0400);
    RUN(&r, db, "users", "list");
    ck_assert_msg(r.status == 0, "0400: %s", r.err);
    tl_result_free(&r);
    chmod(key, 0600);
    RUN(&r, db, "users", "list");
    ck_assert_msg(r.status == 0, "0600: %s", r.err);
    tl_result_free(&r);
    free(db);
    free(key);
}
END_TEST

/*
 * Two OS users of different roles on one shared store (init --shared): the
 * key is 0640 in the boshi group, each user works as their own account and
 * only within their role.  Needs root (useradd); skipped with the reason
 * otherwise.
 */
START_TEST(two_os_users_share_a_store)
{
    struct tl_result r;
    int made_group = 0;

    if (geteuid() != 0) {
        fprintf(stderr, "two_os_users_share_a_store: skipped: needs root to create OS users\n");
        return;
    }
    if (getgrnam(BOSHI_GROUP) == NULL) {
        ck_assert_int_eq(sh("groupadd " BOSHI_GROUP), 0);
        made_group = 1;
        /* so that os_users_cleanup removes it even when an assertion ends the test */
        ck_assert_int_eq(tl_write_file(GROUP_MARK, "1", 1), 0);
    }
    sh("userdel boshi-t-jimu 2>/dev/null; userdel boshi-t-hoken 2>/dev/null");
    ck_assert_int_eq(sh("useradd -M -N -s /usr/sbin/nologin -G " BOSHI_GROUP " boshi-t-jimu"), 0);
    ck_assert_int_eq(sh("useradd -M -N -s /usr/sbin/nologin -G " BOSHI_GROUP " boshi-t-hoken"), 0);
    /* the installation: a folder of the boshi group, setgid, 2770 */
    char *shared = tl_path(dir, "shared"), *db = tl_path(shared, "boshi.db");
    char *key = tl_path(shared, "boshi.db.key"), *pdf = tl_path(shared, "blank.pdf");
    chmod(dir, 0711);
    ck_assert_int_eq(mkdir(shared, 0770), 0);
    ck_assert_int_eq(chown(shared, (uid_t)-1, getgrnam(BOSHI_GROUP)->gr_gid), 0);
    /* a folder that is not prepared is named */
    RUN(&r, db, "init", "--shared");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "2770") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(chmod(shared, 02770), 0);
    RUN(&r, db, "init", "--shared");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    struct stat sb;
    ck_assert_int_eq(stat(key, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 07777, 0640);
    ck_assert_int_eq(sb.st_gid, getgrnam(BOSHI_GROUP)->gr_gid);
    ck_assert_int_eq(stat(db, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 07777, 0660);
    RUN(&r, db, "users", "add", "--role", "事務", "--os-user", "boshi-t-jimu", "jimu");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    RUN(&r, db, "users", "add", "--role", "保健師", "--os-user", "boshi-t-hoken", "hoken");
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    /* 事務 prints (signs with the key it may read through the group) */
    const char *print[] = { "forms", "print", "nyuyoji_4m", "--blank", "-o", pdf, NULL };
    run_as(&r, "boshi-t-jimu", db, print);
    ck_assert_msg(r.status == 0, "jimu forms print: %s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(access(pdf, F_OK), 0);
    const char *rlist[] = { "review", "list", NULL };
    run_as(&r, "boshi-t-jimu", db, rlist);
    ck_assert_int_eq(r.status, 1);       /* not a 事務 function */
    tl_result_free(&r);
    /* 保健師 reviews, but does not manage accounts */
    run_as(&r, "boshi-t-hoken", db, rlist);
    ck_assert_msg(r.status == 0, "hoken review list: %s", r.err);
    tl_result_free(&r);
    const char *ulist[] = { "users", "list", NULL };
    run_as(&r, "boshi-t-hoken", db, ulist);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    /* 事務 takes in a scan (a blank 妊娠届出書 filled by nobody), 保健師 looks at its page:
     * the original kept by one OS user is readable by the other through the group */
    char *todoke = tl_path(shared, "todoke.pdf"), *scans = tl_path(shared, "scans");
    const char *print2[] = { "forms", "print", "ninshin_todoke", "--blank", "-o", todoke, NULL };
    run_as(&r, "boshi-t-jimu", db, print2);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(mkdir(scans, 02770), 0);
    char *prefix = tl_path(scans, "p");
    const char *ppm[] = { "pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "1", todoke,
                          prefix, NULL };
    tl_run(&r, NULL, NULL, ppm);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    char *perm = xasprintf("chgrp -R " BOSHI_GROUP " %s; chmod 0640 %s/*", scans, scans);
    sh(perm);
    free(perm);
    const char *intake[] = { "intake", "--workers", "1", scans, NULL };
    run_as(&r, "boshi-t-jimu", db, intake);
    ck_assert_msg(r.status == 0 || r.status == 1, "jimu intake: %s", r.err);
    tl_result_free(&r);
    long item = tl_sql_long(db, "SELECT id FROM review_items WHERE status = 'open' ORDER BY id LIMIT 1");
    ck_assert_msg(item > 0, "the blank page has something to review");
    char item_s[24];
    snprintf(item_s, sizeof(item_s), "%ld", item);
    const char *show[] = { "review", "show", item_s, NULL };
    run_as(&r, "boshi-t-hoken", db, show);
    ck_assert_msg(r.status == 0, "hoken review show: %s", r.err);
    ck_assert_msg(strstr(r.out, "page.png") != NULL, "the page of another user's scan: %s%s",
                  r.out, r.err);
    tl_result_free(&r);
    free(prefix);
    free(todoke);
    free(scans);
    /* each was logged as their own account */
    ck_assert_int_gt(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE user = 'jimu' AND "
                                     "function = 'forms.print'"), 0);
    /* the key in another group, or readable by others, stops everyone */
    ck_assert_int_eq(chmod(key, 0644), 0);
    run_as(&r, "boshi-t-hoken", db, rlist);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "権限が広すぎます") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(chmod(key, 0640), 0);
    ck_assert_int_eq(chown(key, (uid_t)-1, 0), 0);
    RUN(&r, db, "users", "list");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "グループ「" BOSHI_GROUP "」") != NULL, "%s", r.err);
    tl_result_free(&r);
    (void)made_group;       /* removed by os_users_cleanup */
    free(shared);
    free(db);
    free(key);
    free(pdf);
}
END_TEST

/* ---- residents files built for the tests ----------------------------------------- */

static const char header[] = "宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,"
                             "住所,方書,異動事由,異動日,届出日,個人番号\n";

static char *write_csv(const char *name, const char *body)
{
    char *path = tl_path(dir, name);
    char *text = xasprintf("%s%s", header, body);

    ck_assert_int_eq(tl_write_file(path, text, strlen(text)), 0);
    free(text);
    return path;
}

/* ---- item 3: CSV formula injection ----------------------------------------------- */

/* The writer itself, every trigger, both encodings. */
START_TEST(csv_cells_never_formulas)
{
    static const char *const cells[] = {
        "=cmd|' /C calc'!A0石原　新", "+81-3-0000", "-1+cmd|x", "@SUM(A1:A9)", "\tTAB", "\rCR",
        "＝ＨＹＰＥＲＬＩＮＫ(1)", "＋1", "－1", "＠a", "-3", "+1.5", "山田　花子", "2026-12-01",
    };
    /* what each cell reads as (libcsv quotes every cell) */
    static const char *const want[] = {
        "'=cmd|' /C calc'!A0石原　新", "'+81-3-0000", "'-1+cmd|x", "'@SUM(A1:A9)", "'\tTAB",
        "'\rCR", "'＝ＨＹＰＥＲＬＩＮＫ(1)", "'＋1", "'－1", "'＠a", "-3", "+1.5", "山田　花子",
        "2026-12-01",
    };
    for (int enc = 0; enc < 2; enc++) {
        char *path = tl_path(dir, enc ? "x-cp932.csv" : "x-utf8.csv");
        struct csvout *c = NULL;
        struct berr e;
        size_t len;
        ck_assert_int_eq(csvout_open(&c, path, enc ? CSVOUT_CP932 : CSVOUT_UTF8_BOM, &e), 0);
        csvout_row(c, cells, sizeof(cells) / sizeof(cells[0]));
        ck_assert_msg(csvout_close(&c, &e) == 0, "%s", e.msg);
        char *raw = tl_read_file(path, &len), *text = raw;
        if (enc) {
            /* back to UTF-8 to compare: the same cells */
            char *u = tl_path(dir, "back.csv");
            char *cmd = xasprintf("iconv -f CP932 -t UTF-8 %s > %s", path, u);
            ck_assert_int_eq(sh(cmd), 0);
            text = tl_read_file(u, &len);
            free(raw);
            raw = text;
            free(cmd);
            free(u);
        }
        for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
            char *quoted = xasprintf("\"%s\"", want[i]);
            ck_assert_msg(strstr(text, quoted) != NULL, "%s: cell %zu not as %s in: %s",
                          path, i, want[i], text);
            free(quoted);
        }
        /* no cell starts with a bare trigger */
        for (const char *p = text; *p; p++)
            if (*p == ',' || p == text + (enc ? 0 : 3))
                ck_assert_msg(!(p[1] == '=' || p[1] == '@' ||
                                (p[1] == '"' && (p[2] == '=' || p[2] == '@'))),
                              "bare formula at %s", p);
        free(raw);
        free(path);
    }
}
END_TEST

/* End to end: a resident named like a formula, in the targets list in both encodings. */
START_TEST(targets_csv_neutralises_names)
{
    struct tl_result r;
    char *db = tl_path(dir, "t.db");
    char *csv = write_csv("evil.csv",
        "0000000101,2000000001,@SUM(1+1)*cmd|' /C calc'!A0,イシハラ　ハナ,2,19900101,世帯主,1,"
        "1230001,みどり市本町1丁目2番3号,,02,20200101,20200101,\n"
        "0000000102,2000000001,=cmd|' /C calc'!A0石原　新,イシハラ　シン,1,20260815,子,1,"
        "1230001,みどり市本町1丁目2番3号,\"=HYPERLINK(\"\"http://evil.example\"\")\",01,20260815,"
        "20260817,\n");

    RUN(&r, db, "init");
    tl_result_free(&r);
    static const char *const set[][2] = { { "site.name", "みどり市 保健センター" },
        { "site.contact", "電話 0120-000-000" }, { "site.address", "みどり市本町1-1-1" },
        { "checkup.venue", "保健センター" } };
    for (int i = 0; i < 4; i++) {
        RUN(&r, db, "settings", "set", set[i][0], set[i][1]);
        tl_result_free(&r);
    }
    RUN(&r, db, "residents", "import", "--full", csv);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    for (int enc = 0; enc < 2; enc++) {
        char *pdf = tl_path(dir, enc ? "t2.pdf" : "t1.pdf");
        char *list = tl_path(dir, enc ? "t2.csv" : "t1.csv");
        size_t len;
        if (enc)
            RUN(&r, db, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "--date", "2026-12-09",
                "--as-of", "2026-11-01", "--reissue", "--encoding", "cp932", "-o", pdf);
        else
            RUN(&r, db, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "--date", "2026-12-09",
                "--as-of", "2026-11-01", "-o", pdf);
        ck_assert_msg(r.status == 0, "%s", r.err);
        tl_result_free(&r);
        char *text = tl_read_file(list, &len);
        if (enc) {
            char *u = tl_path(dir, "t2u.csv"), *cmd = xasprintf("iconv -f CP932 -t UTF-8 %s > %s", list, u);
            ck_assert_int_eq(sh(cmd), 0);
            free(text);
            text = tl_read_file(u, &len);
            free(cmd);
            free(u);
        }
        ck_assert_ptr_nonnull(text);
        ck_assert_msg(strstr(text, "\"'=cmd|' /C calc'!A0石原　新\"") != NULL, "%s", text);
        ck_assert_msg(strstr(text, "'@SUM(1+1)*cmd|' /C calc'!A0") != NULL, "%s", text);
        ck_assert_msg(strstr(text, "\"'=HYPERLINK(") != NULL, "%s", text);
        ck_assert_msg(strstr(text, ",=") == NULL && strstr(text, ",\"=") == NULL &&
                      strstr(text, ",@") == NULL, "%s", text);
        free(text);
        free(pdf);
        free(list);
    }
    free(csv);
    free(db);
}
END_TEST

/* ---- item 6: no 12-digit run in an error message ---------------------------------- */

START_TEST(import_errors_never_echo_12_digits)
{
    struct tl_result r;
    char *db = tl_path(dir, "m.db");
    /* 宛名番号 and 個人番号 swapped in the header: every number lands in the wrong column */
    char *path = tl_path(dir, "swapped.csv");
    const char *text =
        "個人番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,方書,異動事由,異動日,"
        "届出日,宛名番号\n"
        "0000000001,1000000001,髙橋　太郎,タカハシ　タロウ,1,19880412,世帯主,1,1230001,みどり市本町2丁目,"
        ",02,20150401,20150403,580391509111\n"
        "0000000002,1000000001,髙橋　花子,タカハシ　ハナコ,2,19900705,妻,1,1230001,みどり市本町2丁目,"
        ",02,20150401,20150403,100000000021\n"
        "0000000003,1000000001,髙橋　ゆい,タカハシ　ユイ,2,20250801,子,1,５８０３９１５０９１１１,"
        "みどり市本町2丁目,,01,20250801,20250805,1000-0000-0030\n";

    ck_assert_int_eq(tl_write_file(path, text, strlen(text)), 0);
    RUN(&r, db, "init");
    tl_result_free(&r);
    RUN(&r, db, "residents", "import", "--full", path);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "列「宛名番号」") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "580391509111") == NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "100000000021") == NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "５８０３９１５０９１１１") == NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "1000-0000-0030") == NULL, "%s", r.err);
    /* no run of 12 digits at all */
    int run = 0;
    for (const char *p = r.err; *p; p++) {
        run = (*p >= '0' && *p <= '9') ? run + 1 : 0;
        ck_assert_msg(run < 12, "12 digits in: %s", r.err);
    }
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents"), 0);
    /* the mask itself */
    char m[] = "a 123456789012 b 1234-5678-9012 c ５８０３９１５０９１１１ d 12345678901 e 2026-12-01";
    mask_digit_runs(m);
    ck_assert_str_eq(m, "a ************ b ****-****-**** c ************ d 12345678901 e 2026-12-01");
    free(path);
    free(db);
}
END_TEST

/* ---- items 10, 11: control characters ------------------------------------------- */

START_TEST(import_refuses_control_characters)
{
    struct tl_result r;
    char *db = tl_path(dir, "c.db");
    char *path = tl_path(dir, "ctl.csv");
    struct buf b;

    buf_init(&b);
    buf_adds(&b, header);
    /* NUL inside a name (would truncate it), a 個人番号 followed by NUL and junk,
     * ESC sequences in an address, C1 in a 方書, DEL in a 続柄 */
    static const char l2[] = "0000000001,1000000001,髙橋\0=cmd,タカハシ　タロウ,1,19880412,世帯主,1,"
                             "1230001,みどり市本町2丁目3番4号,,02,20150401,20150403,100000000013\0XYZ\n";
    buf_add(&b, l2, sizeof(l2) - 1);
    buf_adds(&b, "0000000002,1000000001,髙橋　花子,タカハシ　ハナコ,2,19900705,妻\x7f,1,1230001,"
                 "\x1b[2J\x1b]0;pwned\x07みどり市本町2丁目3番4号,\xc2\x9b" "31m,02,20150401,20150403,"
                 "100000000021\n");
    buf_adds(&b, "0000000003,1000000001,髙橋　ゆい,タカハシ　ユイ,2,20250801,子,1,1230001,"
                 "\"みどり市本町\t2丁目\",,01,20250801,20250805,100000000030\n");
    ck_assert_int_eq(tl_write_file(path, b.s, b.len), 0);
    buf_release(&b);
    RUN(&r, db, "init");
    tl_result_free(&r);
    RUN(&r, db, "residents", "import", "--full", path);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "ctl.csv:2: 列「氏名」: 制御文字 NUL") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "ctl.csv:2: 列「個人番号」: 制御文字 NUL") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "ctl.csv:3: 列「続柄」: 制御文字 (U+007F)") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "ctl.csv:3: 列「住所」: 制御文字 ESC") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "ctl.csv:3: 列「方書」: 制御文字 (U+009B)") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "ctl.csv:4: 列「住所」: 制御文字 TAB") != NULL, "%s", r.err);
    ck_assert_msg(strchr(r.err, 0x1b) == NULL, "ESC echoed");
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents"), 0);
    /* the hospital list is read by the same reader */
    char *h = tl_path(dir, "h.csv");
    static const char hosp[] = "医療機関コード,名称,郵便番号,住所,電話番号,FAX番号,診療科\n"
                               "1310000001,みどり\x1b[2J病院,1230001,みどり市本町1-1,03-0000-0000,,小児科\n";
    ck_assert_int_eq(tl_write_file(h, hosp, sizeof(hosp) - 1), 0);
    RUN(&r, db, "hospitals", "import", h);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "制御文字 ESC") != NULL, "%s", r.err);
    tl_result_free(&r);
    free(h);
    free(path);
    free(db);
}
END_TEST

/* Whatever is in the store, no control character reaches the terminal. */
START_TEST(terminal_gets_no_control_characters)
{
    struct tl_result r;
    char *db = tl_path(dir, "e.db");
    char *csv = xasprintf("%s/tests/data/residents/small.csv", tl_src());

    RUN(&r, db, "init");
    tl_result_free(&r);
    RUN(&r, db, "residents", "import", "--full", csv);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    /* written into the store behind boshi's back, as an old import or another tool might */
    tl_sql_exec(db, "UPDATE residents SET name = char(27) || '[2J髙橋' || char(27) || ']0;pwned' || "
                    "char(7) || char(133), address = 'みどり市' || char(0x9b) || '31m本町' || char(127) "
                    "WHERE atena = '0000000001';"
                    "UPDATE users SET display_name = char(27) || '[31m赤' || char(13) || '偽' "
                    "WHERE id = 1;");
    static const char *const cmds[][6] = {
        { "residents", "show", "0000000001", NULL },
        { "residents", "find", "--kana", "タカハシ", NULL },
        { "users", "list", NULL },
        { "residents", "show", "\x1b]0;x\x07", NULL },
    };
    for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        const char *argv[10];
        int n = 0;
        argv[n++] = tl_boshi();
        argv[n++] = "--db";
        argv[n++] = db;
        for (int k = 0; cmds[i][k]; k++)
            argv[n++] = cmds[i][k];
        argv[n] = NULL;
        tl_run(&r, NULL, NULL, argv);
        for (int which = 0; which < 2; which++) {
            const unsigned char *p = (const unsigned char *)(which ? r.err : r.out);
            for (; *p; p++) {
                ck_assert_msg(*p >= 0x20 || *p == '\n' || *p == '\t',
                              "%s %s: control 0x%02x on %s", cmds[i][0], cmds[i][1], *p,
                              which ? "stderr" : "stdout");
                ck_assert_msg(*p != 0x7f, "DEL");
                ck_assert_msg(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f), "C1");
            }
        }
        if (i == 0)
            ck_assert_msg(strstr(r.out, "髙橋") != NULL && strstr(r.out, "\xEF\xBF\xBD[2J") != NULL,
                          "%s", r.out);
        tl_result_free(&r);
    }
    free(csv);
    free(db);
}
END_TEST

/* ---- item 12: a 個人番号 is never taken on argv -------------------------------------- */

START_TEST(review_correct_mynumber_from_stdin_only)
{
    struct tl_result r;
    char *db = tl_path(dir, "v.db");
    struct store *st = NULL;
    struct actor a;
    struct berr e;
    int64_t batch, page;
    int resumed;
    char id[24], q[160];

    RUN(&r, db, "init");
    tl_result_free(&r);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, me(), &a, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(batch_open(st, &a, "b", "scans", &batch, &resumed, &e), 0);
    ck_assert_int_eq(scan_file_add(st, "f0", "scan.png", 1, batch, &e), 0);
    struct reading_in rd = { .field = "mynumber", .value = NULL, .read_value = "",
                             .confidence = 0.2, .decision = "review", .reason = "読めません" };
    struct review_in items[] = {
        { .field = "mynumber", .kind = "field", .reason = "読めません", .risk = 5, .suggested = "",
          .reading = 0 },
        { .field = "identity", .kind = "identity", .reason = "本人を特定できません", .risk = 9,
          .suggested = "", .reading = -1 },
    };
    struct page_in pg = { .sha = "p0", .file_sha = "f0", .source = "scan.png", .file_page = 0,
                          .batch_id = batch, .form = "ninshin_todoke", .version = 1, .page_no = 1,
                          .pages = 1, .readings = &rd, .n_readings = 1, .items = items, .n_items = 2 };
    ck_assert_int_eq(store_begin(st, &e), 0);
    ck_assert_msg(page_store(st, &a, &pg, &page, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(store_commit(st, &e), 0);
    store_close(&st);
    snprintf(id, sizeof(id), "%ld", tl_sql_long(db, "SELECT id FROM review_items WHERE field = 'mynumber'"));
    /* on argv: refused, not echoed, nothing changed */
    RUN(&r, db, "review", "correct", id, "100000000013");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "標準入力") != NULL, "%s", r.err);
    ck_assert(strstr(r.err, "100000000013") == NULL && strstr(r.out, "100000000013") == NULL);
    tl_result_free(&r);
    /* anything on argv for a 個人番号 field, even malformed */
    RUN(&r, db, "review", "correct", id, "1000-0000-001");
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "個人番号の項目") != NULL, "%s", r.err);
    tl_result_free(&r);
    snprintf(q, sizeof(q), "SELECT count(*) FROM review_items WHERE id = %s AND status = 'open'", id);
    ck_assert_int_eq(tl_sql_long(db, q), 1);
    /* from stdin: a wrong check digit refused without echo, the right one taken, kept masked */
    tl_boshi_run(&r, db, "100000000014\n", "review", "correct", id, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "100000000014") == NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, "100000000013\n", "review", "correct", id, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert(strstr(r.out, "100000000013") == NULL);
    tl_result_free(&r);
    snprintf(q, sizeof(q), "SELECT count(*) FROM review_items WHERE id = %s AND status <> 'open' "
             "AND value = '********0013'", id);
    ck_assert_int_eq(tl_sql_long(db, q), 1);
    /* a 12-digit value for any other item is refused on argv too */
    snprintf(id, sizeof(id), "%ld", tl_sql_long(db, "SELECT id FROM review_items WHERE field = 'identity'"));
    RUN(&r, db, "review", "correct", id, "100000000021");
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "100000000021") == NULL);
    tl_result_free(&r);
    free(db);
}
END_TEST

/* ---- item 13: a damaged UTF-8 file is reported as UTF-8 on its line ------------------- */

START_TEST(bad_utf8_byte_named_on_its_line)
{
    struct tl_result r;
    char *db = tl_path(dir, "u.db");
    char *src = xasprintf("%s/tests/data/residents/small.csv", tl_src());
    char *path = tl_path(dir, "bad8.csv");
    size_t len;
    char *text = tl_read_file(src, &len);

    /* one byte of line 2 broken: the second byte of 太 (E5 A4 AA) */
    char *taro = strstr(text, "太郎");
    ck_assert_ptr_nonnull(taro);
    taro[1] = (char)0xFF;
    ck_assert_int_eq(tl_write_file(path, text, len), 0);
    RUN(&r, db, "init");
    tl_result_free(&r);
    RUN(&r, db, "residents", "import", "--full", path);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "bad8.csv:2: UTF-8") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.err, "CP932 (Shift_JIS) として読めない") == NULL, "%s", r.err);
    tl_result_free(&r);
    /* a real CP932 file is still detected as CP932 */
    char *cp = tl_path(dir, "cp.csv"), *cmd = xasprintf("iconv -f UTF-8 -t CP932 %s > %s", src, cp);
    ck_assert_int_eq(sh(cmd), 0);
    RUN(&r, db, "residents", "import", "--full", cp);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "CP932") != NULL, "%s", r.out);
    tl_result_free(&r);
    free(cmd);
    free(cp);
    free(text);
    free(path);
    free(src);
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
    tcase_add_test(tc, key_mode_rules);
    tcase_add_test(tc, csv_cells_never_formulas);
    tcase_add_test(tc, targets_csv_neutralises_names);
    tcase_add_test(tc, import_errors_never_echo_12_digits);
    tcase_add_test(tc, import_refuses_control_characters);
    tcase_add_test(tc, terminal_gets_no_control_characters);
    tcase_add_test(tc, review_correct_mynumber_from_stdin_only);
    tcase_add_test(tc, bad_utf8_byte_named_on_its_line);
    suite_add_tcase(s, tc);
    TCase *os = tcase_create("os-users");
    tcase_add_checked_fixture(os, setup, teardown);
    tcase_add_unchecked_fixture(os, NULL, os_users_cleanup);
    tcase_set_timeout(os, 120);
    tcase_add_test(os, two_os_users_share_a_store);
    suite_add_tcase(s, os);
    return tl_main(s);
}
