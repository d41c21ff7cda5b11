/*
 * test_review_queue: the review queue by the day its pages were taken in,
 * and what was resolved since a time, on a real SQLite store: pages stored
 * through the records API with their read_at moved to either side of
 * Japan's midnight, then review_list / review_count with single days and
 * ranges, review_resolved_count by me and by someone else, the query plans
 * of those statements (indexes only), and `boshi review list --from/--to`.
 * Not for: the web screen (test_review_web) or OCR (test_intake).
 */
#include "records/records-internal.h"
#include "intake/intake.h"
#include "records/review.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir, *db;
static struct store *st;
static struct actor me, other;

/*
 * The pages and their items (item ids 1..6 are A..F, in this order).  The
 * times are UTC as the store writes them; the Japan day is in the comment.
 */
static const struct {
    const char *batch, *read_at;
    const char *field, *kind, *reason;
    int risk;
} pages[] = {
    { "b1", "2026-04-01T14:59:59.999Z", "weight", "field", "未記入", 5 },           /* A 4/1 23:59:59.999 */
    { NULL, NULL, "height", "field", "読取不確実 (信頼度 0.41)", 8 },             /* B same page */
    { "b1", "2026-04-01T15:00:00.000Z", "weight", "field", "未記入", 5 },           /* C 4/2 00:00 */
    { "b1", "2026-03-31T15:00:00.000Z", "(本人)", "identity", "候補が複数", 10 },   /* D 4/1 00:00 */
    { "b1", "2026-03-31T14:59:59.999Z", "weight", "field", "未記入", 5 },           /* E 3/31 23:59:59.999 */
    { "b2", "2026-04-03T03:00:00.000Z", "weight", "field", "未記入", 5 },           /* F 4/3 12:00 */
};
#define N_ITEMS (sizeof(pages) / sizeof(pages[0]))

static void raw_sql(const char *fmt, ...)
{
    char sql[4096];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    tl_sql_exec(db, sql);
}

static const char *os_user(void)
{
    struct passwd *pw = getpwuid(geteuid());

    ck_assert_ptr_nonnull(pw);
    return pw->pw_name;
}

static void setup(void)
{
    struct berr e;
    int64_t batch[2] = { 0, 0 }, page = 0;
    int resumed;

    dir = tl_tmpdir();
    db = tl_path(dir, "q.db");
    /* the OS user's account, so that the command line works on this store too */
    ck_assert_msg(store_create(db, os_user(), &e) == 0, "%s", e.msg);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_login(st, os_user(), &me, &e) == 0, "%s", e.msg);
    ck_assert_msg(users_add(st, &me, "nurse2", "看護 二郎", NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(users_grant(st, &me, "nurse2", "保健師", NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_login(st, "nurse2", &other, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(batch_open(st, &me, "b1", "/scans/b1", &batch[0], &resumed, &e), 0);
    ck_assert_int_eq(batch_open(st, &me, "b2", "/scans/b2", &batch[1], &resumed, &e), 0);
    ck_assert_int_eq(scan_file_add(st, "f1", "b1.pdf", 100, batch[0], &e), 0);
    ck_assert_int_eq(scan_file_add(st, "f2", "b2.pdf", 100, batch[1], &e), 0);
    for (size_t i = 0; i < N_ITEMS; i++) {
        struct review_in items[2];
        struct page_in p;
        size_t n = 0;
        char sha[16];

        if (pages[i].batch == NULL)
            continue;       /* the second item of the page before */
        for (size_t k = i; k < N_ITEMS && (k == i || pages[k].batch == NULL); k++) {
            items[n] = (struct review_in){ pages[k].field, pages[k].kind, pages[k].reason,
                                           pages[k].risk, NULL, -1 };
            n++;
        }
        snprintf(sha, sizeof(sha), "page-%zu", i);
        memset(&p, 0, sizeof(p));
        p.sha = sha;
        p.file_sha = strcmp(pages[i].batch, "b1") == 0 ? "f1" : "f2";
        p.source = "scan.pdf";
        p.file_page = (int)i;
        p.batch_id = strcmp(pages[i].batch, "b1") == 0 ? batch[0] : batch[1];
        p.form = "nyuyoji_4m";
        p.version = 1;
        p.page_no = 2;
        p.pages = 2;
        p.items = items;
        p.n_items = n;
        ck_assert_msg(page_store(st, &me, &p, &page, &e) == 0, "%s", e.msg);
        raw_sql("UPDATE pages SET read_at = '%s' WHERE id = %lld", pages[i].read_at, (long long)page);
    }
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM review_items"), (long)N_ITEMS);
}

static void teardown(void)
{
    store_close(&st);
    tl_rmtree(dir);
    free(dir);
    free(db);
}

static int letter(const struct review_row *r, void *ctx)
{
    struct buf *b = ctx;

    buf_addc(b, (char)('A' + r->id - 1));
    return 0;
}

/* The items listed as letters, riskiest first ("DBA"), and review_count agreeing. */
static char *listed(const struct review_filter *f)
{
    struct buf b;
    struct berr e;
    int n = -1;

    buf_init(&b);
    ck_assert_msg(review_list(st, &me, f, letter, &b, &e) == 0, "%s", e.msg);
    ck_assert_msg(review_count(st, &me, f, &n, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(n, (int)b.len);
    return buf_detach(&b);
}

#define DAY(m, d) ((struct ymd){ 2026, (m), (d) })
#define OPEN ((struct ymd){ 0, 0, 0 })

START_TEST(days_single_and_ranges)
{
    static const struct {
        struct ymd from, to;
        const char *batch, *reason, *want;
    } cases[] = {
        { DAY(4, 1), DAY(4, 1), NULL, NULL, "DBA" },     /* 00:00 and 23:59:59.999 JST are in */
        { DAY(4, 2), DAY(4, 2), NULL, NULL, "C" },       /* 00:00 JST of the 2nd is not the 1st */
        { DAY(3, 31), DAY(3, 31), NULL, NULL, "E" },
        { DAY(4, 1), DAY(4, 2), NULL, NULL, "DBAC" },
        { DAY(4, 2), OPEN, NULL, NULL, "CF" },
        { OPEN, DAY(3, 31), NULL, NULL, "E" },
        { OPEN, DAY(4, 1), NULL, NULL, "DBAE" },
        { OPEN, OPEN, NULL, NULL, "DBACEF" },
        { DAY(4, 4), DAY(4, 30), NULL, NULL, "" },
        { DAY(4, 1), OPEN, "b2", NULL, "F" },
        { DAY(4, 1), DAY(4, 2), NULL, "未記入", "AC" },
        { DAY(3, 1), DAY(4, 30), "b1", "未記入", "ACE" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct review_filter f;
        memset(&f, 0, sizeof(f));
        f.from = cases[i].from;
        f.to = cases[i].to;
        f.batch = cases[i].batch;
        f.reason = cases[i].reason;
        char *got = listed(&f);
        ck_assert_msg(strcmp(got, cases[i].want) == 0, "case %zu: got %s, want %s", i, got,
                      cases[i].want);
        free(got);
    }
}
END_TEST

START_TEST(bad_days_refused)
{
    struct review_filter f;
    struct berr e;
    struct buf b;
    int n;

    buf_init(&b);
    memset(&f, 0, sizeof(f));
    f.from = DAY(4, 2);
    f.to = DAY(4, 1);
    ck_assert_int_eq(review_list(st, &me, &f, letter, &b, &e), BERR_INVALID);
    ck_assert(strstr(e.msg, "取込日") != NULL);
    ck_assert_int_eq(review_count(st, &me, &f, &n, &e), BERR_INVALID);
    f.from = DAY(2, 30);
    f.to = OPEN;
    ck_assert_int_eq(review_list(st, &me, &f, letter, &b, &e), BERR_INVALID);
    ck_assert_int_eq((int)b.len, 0);
    buf_release(&b);
}
END_TEST

static void resolve(const struct actor *a, int64_t id)
{
    struct berr e;
    int64_t page;
    int done;

    ck_assert_msg(review_resolve(st, a, id, REVIEW_CORRECT, "6.5", &done, &page, &e) == 0, "%s",
                  e.msg);
}

static int resolved(time_t since, const char *by)
{
    struct berr e;
    int n = -1;

    ck_assert_msg(review_resolved_count(st, &me, since, by, &n, &e) == 0, "%s", e.msg);
    return n;
}

START_TEST(resolved_since_by_me_and_others)
{
    time_t today = jpdate_day_start(jpdate_day_of(time(NULL)));
    struct review_filter f;
    char *got;

    ck_assert_int_eq(resolved(today, NULL), 0);
    resolve(&me, 1);
    resolve(&me, 2);
    resolve(&other, 3);
    ck_assert_int_eq(resolved(today, NULL), 3);
    ck_assert_int_eq(resolved(today, me.login), 2);
    ck_assert_int_eq(resolved(today, "nurse2"), 1);
    ck_assert_int_eq(resolved(today, "nobody"), 0);
    ck_assert_int_eq(resolved(today + 2 * 86400, NULL), 0);
    /* what is left of the 1st, and with the resolved ones */
    memset(&f, 0, sizeof(f));
    f.from = f.to = DAY(4, 1);
    got = listed(&f);
    ck_assert_str_eq(got, "D");
    free(got);
    f.include_resolved = 1;
    got = listed(&f);
    ck_assert_str_eq(got, "DBA");
    free(got);
    /* the day starts at 00:00 JST: a millisecond before belongs to the day before */
    raw_sql("UPDATE review_items SET resolved_at = '2026-04-01T14:59:59.999Z' WHERE id = 1");
    raw_sql("UPDATE review_items SET resolved_at = '2026-04-01T15:00:00.000Z' WHERE id = 2");
    raw_sql("UPDATE review_items SET resolved_at = '2026-04-02T14:59:59.999Z' WHERE id = 3");
    ck_assert_int_eq(resolved(jpdate_day_start(DAY(4, 2)), NULL), 2);
    ck_assert_int_eq(resolved(jpdate_day_start(DAY(4, 2)), me.login), 1);
    ck_assert_int_eq(resolved(jpdate_day_start(DAY(4, 2)), "nurse2"), 1);
    ck_assert_int_eq(resolved(jpdate_day_start(DAY(4, 1)), NULL), 3);
    ck_assert_int_eq(resolved(jpdate_day_start(DAY(4, 3)), NULL), 0);
}
END_TEST

START_TEST(counts_need_review)
{
    struct review_filter f;
    struct actor clerk;
    struct berr e;
    int n;

    ck_assert_int_eq(users_add(st, &me, "jimu1", "事務 一郎", NULL, &e), 0);
    ck_assert_int_eq(users_grant(st, &me, "jimu1", "事務", NULL, &e), 0);
    ck_assert_int_eq(actor_for_login(st, "jimu1", &clerk, &e), 0);
    memset(&f, 0, sizeof(f));
    ck_assert_int_eq(review_count(st, &clerk, &f, &n, &e), BERR_DENIED);
    ck_assert_int_eq(review_resolved_count(st, &clerk, 0, NULL, &n, &e), BERR_DENIED);
}
END_TEST

/* ---- the statements the queue runs use indexes only ---------------------------- */

struct traced {
    char *sql[32];
    int n;
};

static int trace(unsigned type, void *ctx, void *p, void *x)
{
    struct traced *t = ctx;
    char *sql;

    (void)x;
    if (type != SQLITE_TRACE_STMT)
        return 0;
    sql = sqlite3_expanded_sql(p);
    if (sql && strncmp(sql, "SELECT", 6) == 0 && strstr(sql, "review_items") && t->n < 32)
        t->sql[t->n++] = xstrdup(sql);
    sqlite3_free(sql);
    return 0;
}

START_TEST(queue_queries_use_indexes)
{
    struct traced t = { { NULL }, 0 };
    struct review_filter f;
    char *got;

    sqlite3_trace_v2(st->db, SQLITE_TRACE_STMT, trace, &t);
    memset(&f, 0, sizeof(f));
    got = listed(&f);                   /* the whole open queue */
    free(got);
    f.from = DAY(4, 1);
    f.to = DAY(4, 2);
    got = listed(&f);                   /* open, by days */
    free(got);
    f.include_resolved = 1;
    got = listed(&f);                   /* resolved too, by days */
    free(got);
    resolved(0, NULL);
    resolved(0, "nurse2");
    sqlite3_trace_v2(st->db, 0, NULL, NULL);
    ck_assert_int_ge(t.n, 8);
    for (int i = 0; i < t.n; i++) {
        sqlite3_stmt *s;
        char *q = xasprintf("EXPLAIN QUERY PLAN %s", t.sql[i]);
        ck_assert_int_eq(sqlite3_prepare_v2(st->db, q, -1, &s, NULL), SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(s, 3);
            ck_assert_msg(strstr(d, "SCAN") == NULL, "%s: %s", t.sql[i], d);
        }
        sqlite3_finalize(s);
        free(q);
        free(t.sql[i]);
    }
}
END_TEST

/* A store made before migration 6 gets its indexes when opened. */
START_TEST(old_store_gets_the_indexes)
{
    struct berr e;

    long current = tl_sql_long(db, "PRAGMA user_version");

    store_close(&st);
    /* as before migration 6: also without what later migrations add (columns, tables);
     * a new migration adds its undoing here */
    raw_sql("DROP INDEX pages_read; DROP INDEX review_resolved; ALTER TABLE review_log DROP COLUMN "
            "reason; ALTER TABLE pages DROP COLUMN map; ALTER TABLE pages DROP COLUMN width_px; "
            "ALTER TABLE pages DROP COLUMN height_px; DROP TABLE stats_frozen; DROP TABLE residents_purged; "
            "ALTER TABLE vouchers DROP COLUMN form; ALTER TABLE vouchers DROP COLUMN findings; "
            "ALTER TABLE vouchers DROP COLUMN epds_1; ALTER TABLE vouchers DROP COLUMN epds_2; "
            "ALTER TABLE vouchers DROP COLUMN epds_3; ALTER TABLE vouchers DROP COLUMN epds_4; "
            "ALTER TABLE vouchers DROP COLUMN epds_5; ALTER TABLE vouchers DROP COLUMN epds_6; "
            "ALTER TABLE vouchers DROP COLUMN epds_7; ALTER TABLE vouchers DROP COLUMN epds_8; "
            "ALTER TABLE vouchers DROP COLUMN epds_9; ALTER TABLE vouchers DROP COLUMN epds_10; "
            "ALTER TABLE vouchers DROP COLUMN epds_total; DROP TABLE alerts; DROP TABLE ignored_files; "
            "DROP TABLE audit_archives; DROP TABLE dental; DROP TABLE audit_findings; "
            "ALTER TABLE users DROP COLUMN address; ALTER TABLE vouchers DROP COLUMN hearing_kind; "
            "ALTER TABLE vouchers DROP COLUMN hearing_method; ALTER TABLE vouchers DROP COLUMN hearing_right; "
            "ALTER TABLE vouchers DROP COLUMN hearing_left; ALTER TABLE vouchers DROP COLUMN child; "
            "ALTER TABLE vouchers DROP COLUMN followup_checkup_id; DROP TABLE visits; "
            "ALTER TABLE residents DROP COLUMN shien; ALTER TABLE residents_history DROP COLUMN shien; "
            "DROP TABLE shien_releases; DROP TABLE web_sessions; DROP TABLE intake_claims; PRAGMA user_version = 5");
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                     "('pages_read', 'review_resolved')"), 0);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM sqlite_master WHERE name IN "
                                     "('pages_read', 'review_resolved')"), 2);
    ck_assert_int_eq(tl_sql_long(db, "PRAGMA user_version"), current);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pragma_table_info('review_log') WHERE "
                                     "name = 'reason'"), 1);
}
END_TEST

/* ---- the command line ------------------------------------------------------------ */

/* The ids listed by `boshi review list ARGS...` as letters, or the exit code's failure. */
static char *cli_list(struct tl_result *r, const char *a1, const char *a2, const char *a3,
                      const char *a4)
{
    struct buf b;

    tl_boshi_run(r, db, NULL, "review", "list", a1, a2, a3, a4, NULL);
    buf_init(&b);
    if (r->status != 0)
        return buf_detach(&b);
    /* the first column of each line is the item's number (the header's is 番号) */
    for (const char *line = r->out; line != NULL && *line; line++) {
        long id = strtol(line, NULL, 10);
        if (id >= 1 && id <= (long)N_ITEMS)
            buf_addc(&b, (char)('A' + id - 1));
        line = strchr(line, '\n');
        if (line == NULL)
            break;
    }
    return buf_detach(&b);
}

START_TEST(cli_from_to)
{
    struct tl_result r;
    char *got;

    got = cli_list(&r, "--from", "2026-04-01", "--to", "R8.4.1");
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_str_eq(got, "DBA");
    free(got);
    tl_result_free(&r);
    got = cli_list(&r, "--from", "令和8年4月2日", NULL, NULL);
    ck_assert_str_eq(got, "CF");
    free(got);
    tl_result_free(&r);
    got = cli_list(&r, "--to", "R8.3.31", NULL, NULL);
    ck_assert_str_eq(got, "E");
    free(got);
    tl_result_free(&r);
    got = cli_list(&r, "--from", "2026-05-01", NULL, NULL);
    ck_assert_str_eq(got, "");
    ck_assert(strstr(r.out, "確認待ちはありません") != NULL);
    free(got);
    tl_result_free(&r);
    /* a day that cannot be read, or a range the wrong way round: a usage error naming the option */
    got = cli_list(&r, "--to", "2026-02-30", NULL, NULL);
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "--to") != NULL);
    ck_assert(strstr(r.err, "日付が読めません") != NULL);
    free(got);
    tl_result_free(&r);
    got = cli_list(&r, "--from", "R8.4.2", "--to", "R8.4.1");
    ck_assert_int_eq(r.status, 2);
    ck_assert(strstr(r.err, "--from (令和8年4月2日) が --to (令和8年4月1日) より後") != NULL);
    free(got);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "review", "list", "--help", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "--from") != NULL);
    tl_result_free(&r);
}
END_TEST

/*
 * A 妊娠届出書 whose page 2 was stored before page 1 (two workers): when
 * page 1 gets its person at intake, page 2's 「1ページ目で確定すると自動で
 * 確定します」 is settled with the same person by intake_identity_follow
 * (below review/, so intake runs it too), and page 2 lands.
 */
START_TEST(later_page_follows_the_first)
{
    struct forms_registry *forms = NULL;
    struct berr e;
    int64_t batch = 0, p1 = 0, p2 = 0;
    int resumed;
    char *fdir = tl_path(tl_src(), "forms/defs");
    struct review_in later = { "(本人)", "identity", "同じ届出の1ページ目 (発行番号 I00000099) の本人が未確定 "
                               "(1ページ目で確定すると自動で確定します)", 95, NULL, -1 };
    struct page_in p;

    ck_assert_int_ge(forms_registry_load_dir(fdir, &forms, &e), 0);
    ck_assert_int_eq(batch_open(st, &me, "b3", "/scans/b3", &batch, &resumed, &e), 0);
    ck_assert_int_eq(scan_file_add(st, "f3", "b3.pdf", 100, batch, &e), 0);
    memset(&p, 0, sizeof(p));
    p.sha = "todoke-2";
    p.file_sha = "f3";
    p.source = "b3.pdf";
    p.file_page = 1;
    p.batch_id = batch;
    p.form = "ninshin_todoke";
    p.version = 1;
    p.page_no = 2;
    p.pages = 2;
    p.issue_id = "I00000099";
    p.items = &later;
    p.n_items = 1;
    ck_assert_msg(page_store(st, &me, &p, &p2, &e) == 0, "%s", e.msg);
    /* page 1: its mother was found at once (a 住登外 id needs no master row here) */
    p.sha = "todoke-1";
    p.file_page = 0;
    p.page_no = 1;
    p.subject = "U000000007";
    p.items = NULL;
    p.n_items = 0;
    ck_assert_int_eq(store_begin(st, &e), 0);
    ck_assert_msg(page_store(st, &me, &p, &p1, &e) == 0, "%s", e.msg);
    ck_assert_msg(intake_identity_follow(st, &me, forms, p1, "U000000007", &e) == 0, "%s", e.msg);
    ck_assert_int_eq(store_commit(st, &e), 0);
    char q[200];
    snprintf(q, sizeof(q), "SELECT count(*) FROM pages WHERE id = %lld AND subject = 'U000000007' AND "
             "status = 'landed'", (long long)p2);
    ck_assert_int_eq(tl_sql_long(db, q), 1);
    snprintf(q, sizeof(q), "SELECT count(*) FROM review_items WHERE page_id = %lld AND status = "
             "'corrected' AND value = 'U000000007'", (long long)p2);
    ck_assert_int_eq(tl_sql_long(db, q), 1);
    forms_registry_free(&forms);
    free(fdir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("review_queue");
    TCase *tc = tcase_create("queue");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, days_single_and_ranges);
    tcase_add_test(tc, bad_days_refused);
    tcase_add_test(tc, resolved_since_by_me_and_others);
    tcase_add_test(tc, counts_need_review);
    tcase_add_test(tc, queue_queries_use_indexes);
    tcase_add_test(tc, old_store_gets_the_indexes);
    tcase_add_test(tc, cli_from_to);
    tcase_add_test(tc, later_page_follows_the_first);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
