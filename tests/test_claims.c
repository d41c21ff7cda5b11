/*
 * test_claims: several `boshi intake` processes take in one batch together
 * (records/claims.h, intake/batch.c).  A store with a checkup run printed;
 * 16 simulated scans, one page a file, and a 6-page TIFF (from the
 * project's simulator).  Three intake processes start on the same folder;
 * the one reading the TIFF is killed with SIGKILL in the middle of it; the
 * other two finish the batch.  Then every page is stored exactly once
 * (pages, readings and access-log entries), every file's claim is
 * finished, a further run finds nothing new, and `audit verify` passes.
 * Also: a claim left by a worker on another machine holds the file until
 * it expires (intake.claim_seconds), then it is taken.
 * The store and the scans are built once per run and copied for each test.
 */
#include "base/base.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PNG_PAGES 16
#define TIF_PAGES 6
#define ALL_PAGES (PNG_PAGES + TIF_PAGES)

static char *tmpl_dir, *tmpl_db, *scans, *tif;

static void build_template(void)
{
    char *town, *pdf, *csv, *multi, *cmd;
    struct tl_result r;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    tmpl_dir = tl_tmpdir();
    tmpl_db = tl_path(tmpl_dir, "c.db");
    scans = tl_path(tmpl_dir, "scans");
    multi = tl_path(tmpl_dir, "multi");
    town = tl_path(tmpl_dir, "town.csv");
    pdf = tl_path(tmpl_dir, "k.pdf");
    csv = tl_path(tmpl_dir, "k.csv");
    tl_boshi_must(tmpl_db, NULL, "init", "--demo", NULL);
    tl_boshi_must(tmpl_db, NULL, "settings", "set", "site.name", "みどり市 保健センター", NULL);
    tl_boshi_must(tmpl_db, NULL, "settings", "set", "site.address", "みどり市本町1-1-1", NULL);
    tl_boshi_must(tmpl_db, NULL, "settings", "set", "site.contact", "電話 0120-000-000", NULL);
    tl_boshi_must(tmpl_db, NULL, "settings", "set", "checkup.venue", "保健センター", NULL);
    tl_boshi_must(tmpl_db, NULL, "demo", "town", "--residents", "3000", "--as-of", "2026-11-01", "-o",
                  town, NULL);
    tl_boshi_must(tmpl_db, NULL, "residents", "import", "--full", town, NULL);
    tl_boshi_must(tmpl_db, NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12",
                  "--date", "2026-12-09", "--as-of", "2026-11-01", "-o", pdf, NULL);
    /* the issued forms as `demo scan --from-issues` takes them (tl_issues_csv is for inside a test) */
    cmd = xasprintf("sqlite3 -csv -header %s \"SELECT i.form, i.person AS subject, i.issue_id AS issue, "
                    "r.name, r.kana, r.birth FROM issues_printed i JOIN residents r ON r.atena = i.person "
                    "WHERE i.form = 'nyuyoji_4m' ORDER BY i.seq\" > %s", tmpl_db, csv);
    {
        const char *argv[] = { "sh", "-c", cmd, NULL };
        tl_run(&r, NULL, NULL, argv);
        if (r.status != 0) {
            fprintf(stderr, "%s: %s\n", cmd, r.err);
            exit(1);
        }
        tl_result_free(&r);
        free(cmd);
    }
    tl_boshi_must(tmpl_db, NULL, "demo", "scan", "--store", "--from-issues", csv, "--forms", "nyuyoji_4m",
                  "--pages", "16", "--profile", "office", "--seed", "5", "-o", scans, NULL);
    tl_boshi_must(tmpl_db, NULL, "demo", "scan", "--store", "--from-issues", csv, "--forms", "nyuyoji_4m",
                  "--pages", "6", "--profile", "office", "--seed", "6", "--format", "tiff",
                  "--multipage", "-o", multi, NULL);
    tif = tl_path(scans, "batch.tif");
    cmd = xasprintf("rm -f %s/*.truth.json && mv %s/batch.tif %s && rm -rf %s", scans, multi, tif, multi);
    const char *argv[] = { "sh", "-c", cmd, NULL };
    tl_run(&r, NULL, NULL, argv);
    if (r.status != 0) {
        fprintf(stderr, "%s: %s\n", cmd, r.err);
        exit(1);
    }
    tl_result_free(&r);
    free(cmd);
    free(multi);
    free(town);
    free(pdf);
    free(csv);
}

static char *dir, *db;

static void setup(void)
{
    dir = tl_tmpdir();
    db = tl_store_copy(tmpl_dir, "c.db", dir);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
}

/* An intake process on the scans, batch "weekly", its output to out. */
static pid_t start_intake(const char *out)
{
    pid_t p = fork();

    ck_assert_int_ge(p, 0);
    if (p == 0) {
        FILE *f = freopen(out, "w", stdout);
        (void)f;
        f = freopen(out, "a", stderr);
        (void)f;
        execl(tl_boshi(), "boshi", "--db", db, "intake", "--workers", "1", "--name", "weekly", scans,
              (char *)NULL);
        _exit(127);
    }
    return p;
}

static void sha256_of(const char *path, char out[65])
{
    struct tl_result r;
    const char *argv[] = { "sha256sum", path, NULL };

    tl_run(&r, NULL, NULL, argv);
    ck_assert_int_eq(r.status, 0);
    snprintf(out, 65, "%.64s", r.out);
    tl_result_free(&r);
}

/* Every page once, every claim finished, the log whole. */
static void assert_batch_whole(void)
{
    struct tl_result r;

    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages"), ALL_PAGES);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(DISTINCT file_sha || ':' || file_page) FROM pages"),
                     ALL_PAGES);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages WHERE status = 'rejected'"), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'intake.page'"),
                     ALL_PAGES);
    /* readings of one page were written by one process, once */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM (SELECT page_id, field FROM readings "
                                     "GROUP BY 1, 2 HAVING count(*) > 1)"), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM intake_claims WHERE finished = 1"),
                     PNG_PAGES + 1);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM intake_claims WHERE finished = 0"), 0);
    ck_assert_int_eq(tl_boshi_run(&r, db, NULL, "audit", "verify", NULL), 0);
    ck_assert_msg(r.status == 0, "audit verify: %s", r.err);
    tl_result_free(&r);
    /* nothing new for a further run */
    ck_assert_int_eq(tl_boshi_run(&r, db, NULL, "intake", "--workers", "1", "--name", "weekly", scans,
                                  NULL), 0);
    ck_assert_msg(r.status == 0 && strstr(r.out, "ページ 0 ") != NULL, "%s%s", r.out, r.err);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages"), ALL_PAGES);
}

START_TEST(three_processes_one_killed_mid_file)
{
    char sha[65], holder[200], sql[256], *out[3];
    pid_t pid[3], victim = 0;
    int status, killed = 0;
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

    srand(seed);
    sha256_of(tif, sha);
    for (int i = 0; i < 3; i++) {
        char name[32];
        snprintf(name, sizeof(name), "intake%d.out", i);
        out[i] = tl_path(dir, name);
        pid[i] = start_intake(out[i]);
    }
    /* wait until someone is inside the TIFF (a page of it stored), then a random moment more */
    snprintf(sql, sizeof(sql), "SELECT holder FROM intake_claims WHERE file_sha = '%s' AND finished = 0 "
                               "AND (SELECT count(*) FROM pages WHERE file_sha = '%s') >= 1", sha, sha);
    for (int tries = 0; tries < 1200 && !victim; tries++) {
        long p = 0;
        holder[0] = '\0';
        tl_sql_text(db, sql, holder, sizeof(holder));
        if (holder[0] && sscanf(holder, "%*s %ld", &p) == 1) {
            for (int i = 0; i < 3; i++)
                if (pid[i] == (pid_t)p)
                    victim = pid[i];
        }
        if (!victim)
            usleep(100 * 1000);
    }
    ck_assert_msg(victim != 0, "no process was ever inside the TIFF");
    usleep((useconds_t)(rand() % 1500) * 1000);
    ck_assert_int_eq(kill(victim, SIGKILL), 0);
    long stored_then = tl_sql_long(db, "SELECT count(*) FROM pages");
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
        if (pid[i] == victim) {
            ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
            killed = 1;
        } else {
            char *text = tl_read_file(out[i], NULL);
            ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "seed %u: %s", seed,
                          text ? text : "");
            free(text);
        }
    }
    ck_assert(killed);
    fprintf(stderr, "[claims] seed %u: killed pid %ld inside the TIFF, %ld of %d pages stored then\n",
            seed, (long)victim, stored_then, ALL_PAGES);
    assert_batch_whole();
    for (int i = 0; i < 3; i++)
        free(out[i]);
}
END_TEST

START_TEST(claim_of_another_machine_expires)
{
    char sha[65];
    struct tl_result r;
    time_t t0 = time(NULL);

    sha256_of(tif, sha);
    /* a worker on another host took the TIFF and stopped answering: its claim runs out in 4 s */
    char *sql = xasprintf("INSERT INTO intake_claims(file_sha, holder, until, finished) VALUES "
                          "('%s', 'other-host 4242 0badcafe', %ld, 0)", sha, (long)t0 + 4);
    tl_sql_exec(db, sql);
    free(sql);
    ck_assert_int_eq(tl_boshi_run(&r, db, NULL, "intake", "--workers", "2", "--name", "weekly", scans,
                                  NULL), 0);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_ge((long)(time(NULL) - t0), 4);
    assert_batch_whole();
    char holder[200];
    tl_sql_text(db, "SELECT holder FROM intake_claims WHERE file_sha IN (SELECT file_sha FROM pages "
                    "WHERE file_page = 5)", holder, sizeof(holder));
    ck_assert_msg(strncmp(holder, "other-host", 10) != 0, "%s", holder);
}
END_TEST

START_TEST(claim_setting_is_checked)
{
    struct tl_result r;

    ck_assert_int_eq(tl_boshi_run(&r, db, NULL, "settings", "set", "intake.claim_seconds", "1", NULL), 0);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    ck_assert_int_eq(tl_boshi_run(&r, db, NULL, "intake", "--name", "weekly", scans, NULL), 0);
    ck_assert_int_ne(r.status, 0);
    ck_assert_msg(strstr(r.err, "intake.claim_seconds") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages"), 0);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("claims");
    TCase *tc = tcase_create("claims");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, three_processes_one_killed_mid_file);
    tcase_add_test(tc, claim_of_another_machine_expires);
    tcase_add_test(tc, claim_setting_is_checked);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    int rc;

    build_template();
    rc = tl_main(suite());
    tl_rmtree(tmpl_dir);
    return rc;
}
