/*
 * test_backup: `boshi backup` and `boshi restore` (records/backup.c) on a
 * demo store.  A backup taken while `boshi intake` is storing simulated
 * scans restores to a store whose access log verifies, and intake run again
 * on it finishes the batch with no page lost or stored twice; a tampered,
 * cut or wrongly keyed backup, or one whose access log was edited, is
 * refused with nothing left behind; a backup killed with SIGKILL leaves no
 * file under its name; the backup is one audit entry and needs `backup`.
 */
#include "records/backup.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PASS "BOSHI_BACKUP_PASSPHRASE=kita-no-hoken-2026"

static char *dir, *db;

static void run(struct tl_result *r, const char *pass_env, const char *const *args)
{
    const char *argv[40];
    const char *env[] = { pass_env, NULL };
    int n = 0;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    for (int i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    tl_run(r, NULL, pass_env ? env : NULL, argv);
}

#define RUN(r, ...) do { const char *a_[] = { __VA_ARGS__, NULL }; run(r, PASS, a_); } while (0)
#define RUN_OK(...) do { struct tl_result r_; const char *a_[] = { __VA_ARGS__, NULL }; \
        run(&r_, PASS, a_); ck_assert_msg(r_.status == 0, "%s: %s", a_[0], r_.err); \
        tl_result_free(&r_); } while (0)

static void setup(void)
{
    char *town;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    dir = tl_tmpdir();
    db = tl_path(dir, "s.db");
    town = tl_path(dir, "town.csv");
    RUN_OK("init", "--demo");
    RUN_OK("demo", "town", "--residents", "3000", "--as-of", "2026-11-01", "-o", town);
    RUN_OK("residents", "import", "--full", town);
    free(town);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
}

static int exists(const char *path)
{
    return access(path, F_OK) == 0;
}

/* Nothing of a refused restore to target is left. */
static void nothing_left(const char *target)
{
    const char *suffix[] = { "", ".key", ".tmp", ".tmp.key", ".tmp.key.old", ".tmp.scans", ".scans" };

    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        char *p = xasprintf("%s%s", target, suffix[i]);
        ck_assert_msg(!exists(p), "%s left behind", p);
        free(p);
    }
}

START_TEST(backup_during_intake_restores_with_no_page_lost)
{
    char *scans = tl_path(dir, "scans"), *bk = tl_path(dir, "b.bk"), *rdb = tl_path(dir, "r.db");
    struct tl_result r;
    pid_t pid;
    int status;

    RUN_OK("demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "40", "--profile",
           "clean", "--seed", "3", "-o", scans);
    pid = fork();
    if (pid == 0) {
        if (freopen("/dev/null", "w", stdout) == NULL)
            _exit(126);
        execl(tl_boshi(), tl_boshi(), "--db", db, "intake", "--workers", "1", "--name", "w",
              scans, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 800; i++) {
        usleep(25000);
        if (tl_sql_long(db, "SELECT count(*) FROM pages") >= 4)
            break;
    }
    RUN(&r, "backup", bk);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "バックアップしました") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* the backup ran while intake was writing: it is still going */
    ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    long total = tl_sql_long(db, "SELECT count(*) FROM pages");
    ck_assert_int_eq(total, 40);
    struct stat sb;
    ck_assert_int_eq(stat(bk, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    /* the site key is in the file only encrypted */
    char *key = xasprintf("%s.key", db);
    size_t kl = 0;
    char *kb = tl_read_file(key, &kl);
    ck_assert_int_eq(kl, 32);
    ck_assert(!tl_file_contains(bk, kb, 32));
    free(kb);
    free(key);

    const char *ra[] = { "restore", bk, "--db", rdb, NULL };
    run(&r, PASS, ra);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "検証: 正常") != NULL, "%s", r.out);
    tl_result_free(&r);
    long got = tl_sql_long(rdb, "SELECT count(*) FROM pages");
    ck_assert_int_ge(got, 4);
    ck_assert_int_lt(got, total);
    /* a consistent snapshot: every page has its audit entry and its readings or reason */
    ck_assert_int_eq(tl_sql_long(rdb, "SELECT count(*) FROM pages p WHERE status <> 'rejected' AND "
                                      "NOT EXISTS (SELECT 1 FROM readings g WHERE g.page_id = p.id)"),
                     0);
    {
        char *save = db;
        db = rdb;
        RUN(&r, "audit", "verify");
        ck_assert_msg(r.status == 0, "%s", r.err);
        ck_assert_msg(strstr(r.out, "正常") != NULL, "%s", r.out);
        tl_result_free(&r);
        /* the kept originals came too; the same batch again finishes it: nothing lost, nothing twice */
        RUN(&r, "intake", "--workers", "1", "--name", "w", scans);
        ck_assert_msg(r.status == 0, "%s", r.err);
        tl_result_free(&r);
        db = save;
    }
    ck_assert_int_eq(tl_sql_long(rdb, "SELECT count(*) FROM pages"), total);
    ck_assert_int_eq(tl_sql_long(rdb, "SELECT count(DISTINCT file_sha || ':' || file_page) FROM pages"),
                     total);
    ck_assert_int_eq(tl_sql_long(rdb, "SELECT count(*) FROM pages WHERE status = 'landed'"),
                     tl_sql_long(db, "SELECT count(*) FROM pages WHERE status = 'landed'"));
    /* one audit entry for the backup, with counts only */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'backup'"), 1);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'backup' AND "
                                     "person IS NULL AND detail LIKE 'バックアップ b.bk: %'"), 1);
    ck_assert_int_eq(tl_sql_long(rdb, "SELECT count(*) FROM audit_log WHERE function = "
                                      "'backup.restore'"), 1);
    free(scans);
    free(bk);
    free(rdb);
}
END_TEST

START_TEST(tampered_cut_or_wrong_passphrase_refused)
{
    char *bk = tl_path(dir, "b.bk"), *bad = tl_path(dir, "bad.bk"), *rdb = tl_path(dir, "r.db");
    struct tl_result r;
    size_t n = 0;
    char *bytes;

    RUN_OK("backup", bk);
    /* never overwritten */
    RUN(&r, "backup", bk);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "既にあります") != NULL, "%s", r.err);
    tl_result_free(&r);
    bytes = tl_read_file(bk, &n);
    ck_assert_int_gt(n, 200000);
    const char *ra[] = { "restore", bad, "--db", rdb, NULL };

    /* one bit changed in the middle */
    bytes[n / 2] ^= 0x01;
    ck_assert_int_eq(tl_write_file(bad, bytes, n), 0);
    bytes[n / 2] ^= 0x01;
    run(&r, PASS, ra);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "bad.bk: バックアップが改ざんされているか壊れています") != NULL, "%s",
                  r.err);
    tl_result_free(&r);
    nothing_left(rdb);
    /* the header's cost changed */
    bytes[8] ^= 0x01;
    ck_assert_int_eq(tl_write_file(bad, bytes, n), 0);
    bytes[8] ^= 0x01;
    run(&r, PASS, ra);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "bad.bk") != NULL, "%s", r.err);
    tl_result_free(&r);
    nothing_left(rdb);
    /* cut short, and with bytes added after its end */
    ck_assert_int_eq(tl_write_file(bad, bytes, n - 1000), 0);
    run(&r, PASS, ra);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "bad.bk: ") != NULL, "%s", r.err);
    tl_result_free(&r);
    nothing_left(rdb);
    char *longer = xmalloc(n + 10);
    memcpy(longer, bytes, n);
    memset(longer + n, 'x', 10);
    ck_assert_int_eq(tl_write_file(bad, longer, n + 10), 0);
    free(longer);
    run(&r, PASS, ra);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    nothing_left(rdb);
    /* the wrong passphrase */
    ck_assert_int_eq(tl_write_file(bad, bytes, n), 0);
    run(&r, "BOSHI_BACKUP_PASSPHRASE=minami-no-hoken-2026", ra);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "合言葉が違います") != NULL, "%s", r.err);
    tl_result_free(&r);
    nothing_left(rdb);
    /* the intact copy restores; an existing store is kept unless --force */
    run(&r, PASS, ra);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    run(&r, PASS, ra);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "--force") != NULL, "%s", r.err);
    tl_result_free(&r);
    const char *rf[] = { "restore", bad, "--db", rdb, "--force", NULL };
    run(&r, PASS, rf);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(rdb, "SELECT count(*) FROM residents"),
                     tl_sql_long(db, "SELECT count(*) FROM residents"));
    /* the restored store names its key: beside another key file it refuses to open */
    {
        char *rkey = xasprintf("%s.key", rdb), *save = db;
        ck_assert_int_eq(tl_write_file(rkey, "0123456789abcdef0123456789abcdef", 32), 0);
        chmod(rkey, 0600);
        db = rdb;
        RUN(&r, "audit", "verify");
        db = save;
        ck_assert_int_eq(r.status, 1);
        ck_assert_msg(strstr(r.err, "この記録ストアの鍵ではありません") != NULL, "%s", r.err);
        tl_result_free(&r);
        free(rkey);
    }
    /* a short passphrase is refused for a backup */
    const char *sa[] = { "backup", bad, NULL };
    run(&r, "BOSHI_BACKUP_PASSPHRASE=short", sa);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "12") != NULL, "%s", r.err);
    tl_result_free(&r);
    free(bytes);
    free(bk);
    free(bad);
    free(rdb);
}
END_TEST

/* A backup of a store whose access log was edited restores nothing. */
START_TEST(edited_access_log_refused_at_restore)
{
    char *bk = tl_path(dir, "b.bk"), *rdb = tl_path(dir, "r.db");
    struct tl_result r;

    tl_sql_exec(db, "DROP TRIGGER audit_log_no_update; "
                    "UPDATE audit_log SET detail = 'なし' WHERE seq = 1");
    RUN_OK("backup", bk);
    const char *ra[] = { "restore", bk, "--db", rdb, NULL };
    run(&r, PASS, ra);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "b.bk: バックアップのアクセス記録の検証に失敗しました") != NULL, "%s",
                  r.err);
    ck_assert_msg(strstr(r.err, "記録 1 ") != NULL, "%s", r.err);
    tl_result_free(&r);
    nothing_left(rdb);
    free(bk);
    free(rdb);
}
END_TEST

START_TEST(killed_backup_leaves_no_file)
{
    char *bk = tl_path(dir, "k.bk"), *tmp = tl_path(dir, "k.bk.tmp");
    struct tl_result r;
    int status, seen = 0;
    pid_t pid;

    for (int round = 0; round < 3; round++) {
        pid = fork();
        if (pid == 0) {
            setenv("BOSHI_BACKUP_PASSPHRASE", "kita-no-hoken-2026", 1);
            execl(tl_boshi(), tl_boshi(), "--db", db, "backup", bk, (char *)NULL);
            _exit(127);
        }
        /* at a different moment each round: as soon as the file is made, then later */
        for (int i = 0; i < 20000 && !exists(tmp); i++)
            usleep(100);
        seen += exists(tmp);
        usleep((useconds_t)round * 150000);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        if (WIFEXITED(status))
            continue;         /* it finished before the kill: nothing to see this round */
        ck_assert(WIFSIGNALED(status));
        ck_assert_msg(!exists(bk), "round %d: a killed backup left %s", round, bk);
    }
    ck_assert_int_gt(seen, 0);
    unlink(bk);
    /* the next backup under the same name goes through */
    RUN(&r, "backup", bk);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert(exists(bk));
    ck_assert(!exists(tmp));
    free(bk);
    free(tmp);
}
END_TEST

START_TEST(backup_needs_the_permission)
{
    struct store *st = NULL;
    struct actor a;
    struct backup_report rep;
    struct berr e;
    char *bk = tl_path(dir, "p.bk");

    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, getpwuid(geteuid())->pw_name, &a, &e) == 0, "%s", e.msg);
    a.perms &= ~(1u << PERM_BACKUP);
    ck_assert_int_eq(backup_write(st, &a, bk, "kita-no-hoken-2026", &rep, &e), BERR_DENIED);
    ck_assert(!exists(bk));
    a.perms |= 1u << PERM_BACKUP;
    ck_assert_msg(backup_write(st, &a, bk, "kita-no-hoken-2026", &rep, &e) == 0, "%s", e.msg);
    ck_assert_int_gt(rep.db_bytes, 0);
    ck_assert_int_gt(rep.file_bytes, rep.db_bytes);
    store_close(&st);
    free(bk);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("backup");
    TCase *tc = tcase_create("backup");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, backup_during_intake_restores_with_no_page_lost);
    tcase_add_test(tc, tampered_cut_or_wrong_passphrase_refused);
    tcase_add_test(tc, edited_access_log_refused_at_restore);
    tcase_add_test(tc, killed_backup_leaves_no_file);
    tcase_add_test(tc, backup_needs_the_permission);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tl_main(suite());
}
