/*
 * test_alerts: the EPDS safety alert end to end on real components - a
 * woman's 妊婦 vouchers printed by boshi (the 産婦健康診査受診券 after them),
 * filled and scanned by the demo simulator with chosen EPDS answers, taken
 * in with real Tesseract into a real SQLite store: which pages alert the
 * same day (total >= 9, item 10 >= 1, item 10 unreadable) and which do not
 * (total 8, item 10 clean 0); the follow-up required to close one; the
 * manager's list after one working day (weekends, 祝日, 年末年始); the 4か月
 * form's EPDS total; every item landed; the 産婦 vouchers paid per clinic;
 * and the web queue with the alerts on top, closed through its form.
 * The store with the printed vouchers is built once and copied per test.
 */
#include "base/workday.h"
#include "review/review-internal.h"
#include "tests/lib/testlib.h"

#include <arpa/inet.h>
#include <check.h>
#include <jansson.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmpl_dir, *tmpl_db;     /* built once */
static char *dir, *db;               /* this test's copy */
static char mother[16], child[16];
#define PW "correct-horse-1"

#define RUN(dbp, ...) tl_boshi_must(dbp, NULL, __VA_ARGS__, NULL)
#define boshi_ok tl_boshi_must
#define sql_text tl_sql_text
#define issues_csv(path, form, seq) tl_issues_csv(db, path, form, seq)
#define pdftotext tl_pdftotext

static long sql_long(const char *fmt, ...)
{
    char sql[2048];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    return tl_sql_long(db, sql);
}

static void build_template(void)
{
    char *town, *pdf;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    tmpl_dir = tl_tmpdir();
    tmpl_db = tl_path(tmpl_dir, "a.db");
    town = tl_path(tmpl_dir, "town.csv");
    pdf = tl_path(tmpl_dir, "v.pdf");
    RUN(tmpl_db, "init", "--demo");
    RUN(tmpl_db, "demo", "town", "--residents", "3000", "--as-of", "2026-11-01", "-o", town);
    RUN(tmpl_db, "residents", "import", "--full", town);
    /* a mother of a young child in the town: her vouchers, and the child's 4か月 form */
    sql_text(tmpl_db, "SELECT m.atena FROM residents m JOIN residents c ON c.setai = m.setai AND "
                      "c.zokugara = '子' AND c.birth BETWEEN '2026-03-01' AND '2026-09-30' WHERE m.sex = 2 AND m.zokugara "
                      "IN ('妻', '世帯主') AND m.status = 1 ORDER BY m.atena LIMIT 1", mother,
             sizeof(mother));
    char q[512];
    snprintf(q, sizeof(q), "SELECT c.atena FROM residents c JOIN residents m ON m.setai = c.setai "
                           "WHERE m.atena = '%s' AND c.zokugara = '子' AND c.birth BETWEEN '2026-03-01' AND '2026-09-30' "
                           "ORDER BY c.birth DESC LIMIT 1", mother);
    sql_text(tmpl_db, q, child, sizeof(child));
    if (strlen(mother) != 10 || strlen(child) != 10) {
        fprintf(stderr, "no mother with a young child in the town\n");
        exit(1);
    }
    RUN(tmpl_db, "forms", "print", "ninpu_jushinken", "--person", mother, "-o", pdf);
    RUN(tmpl_db, "forms", "print", "nyuyoji_4m", "--person", child, "-o", pdf);
    RUN(tmpl_db, "users", "add", "--name", "佐藤 保健師", "--role", "保健師", "nurse1");
    boshi_ok(tmpl_db, PW "\n", "users", "passwd", "nurse1", NULL);
    RUN(tmpl_db, "users", "add", "--name", "管理者", "--role", "管理者", "kanri1");
    boshi_ok(tmpl_db, PW "\n", "users", "passwd", "kanri1", NULL);
    free(town);
    free(pdf);
}

static void setup(void)
{
    dir = tl_tmpdir();
    db = tl_store_copy(tmpl_dir, "a.db", dir);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
}

/*
 * The sanpu voucher of 回数 kai filled with the EPDS items (10 scores, -1:
 * blank) and the total, every mark a plain tick unless how10 says how item
 * 10 is drawn, scanned and taken in.  Returns the page id.
 */
static long scan_sanpu(int kai, const int items[10], int total, const char *how10)
{
    char *csv = tl_path(dir, "sanpu.csv"), name[32], *out;
    char sets[12][48];
    const char *argv[64];
    int n = 0;
    struct tl_result r;

    snprintf(name, sizeof(name), "sanpu%d", kai);
    out = tl_path(dir, name);
    issues_csv(csv, "sanpu_jushinken", kai);
    for (int i = 0; i < 10; i++) {
        if (items[i] < 0)
            snprintf(sets[i], sizeof(sets[i]), "epds_%d=", i + 1);
        else
            snprintf(sets[i], sizeof(sets[i]), "epds_%d=%d:%s", i + 1, items[i],
                     i == 9 && how10 ? how10 : "tick");
    }
    snprintf(sets[10], sizeof(sets[10]), "epds_total=%d", total);
    snprintf(sets[11], sizeof(sets[11]), "shoken=ijonashi:tick");
    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    const char *head[] = { "demo", "scan", "--store", "--from-issues", csv, "--pages", "1",
                           "--profile", "clean", "--seed", "7", "--as-of", "2026-11-20", "-o", out };
    for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        argv[n++] = head[k];
    for (int i = 0; i < 12; i++) {
        argv[n++] = "--set";
        argv[n++] = sets[i];
    }
    argv[n] = NULL;
    tl_run(&r, NULL, NULL, argv);
    ck_assert_msg(r.status == 0, "demo scan: %s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "intake", "--name", name, out, NULL);
    ck_assert_msg(r.status == 0, "intake: %s", r.err);
    tl_result_free(&r);
    long page = sql_long("SELECT id FROM pages WHERE source LIKE '%%/%s/page-0001.png'", name);
    ck_assert_int_gt(page, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND form = 'sanpu_jushinken' "
                              "AND status <> 'rejected'", page), 1);
    free(csv);
    free(out);
    return page;
}

static long alerts_of(long page)
{
    return sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld", page);
}

/* ---- the rule ------------------------------------------------------------------ */

START_TEST(total_nine_alerts)
{
    const int items[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 0 };
    long page = scan_sanpu(1, items, 9, NULL);

    ck_assert_int_eq(alerts_of(page), 1);
    /* the alert is not a review item, and it names the mother */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE page_id = %ld AND "
                              "reason LIKE '%%EPDS%%'", page), 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld AND person = '%s' AND "
                              "closed_at IS NULL AND (reason LIKE '%%9点%%')", page, mother), 1);
    struct tl_result r;
    tl_boshi_run(&r, db, NULL, "alerts", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "未対応の EPDS アラート 1 件") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, mother) != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "医療機関") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* shown: in the access log */
    ck_assert_int_ge(sql_long("SELECT count(*) FROM audit_log WHERE function = 'alerts.list' AND "
                              "person = '%s'", mother), 1);
}
END_TEST

START_TEST(item_ten_one_alerts_at_total_three)
{
    const int items[10] = { 0, 0, 1, 1, 0, 0, 0, 0, 0, 1 };
    long page = scan_sanpu(1, items, 3, NULL);

    ck_assert_int_eq(alerts_of(page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld AND reason LIKE "
                              "'%%項目10%%' AND item10 IN ('1', '?')", page), 1);
    /* the crop shown is item 10's */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts a JOIN readings g ON g.id = a.reading_id "
                              "WHERE a.page_id = %ld AND g.field = 'epds_10' AND g.crop IS NOT NULL",
                              page), 1);
    struct tl_result r;
    char id[24];
    snprintf(id, sizeof(id), "%ld", sql_long("SELECT id FROM alerts WHERE page_id = %ld", page));
    tl_boshi_run(&r, db, NULL, "alerts", "show", id, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "切り出し") != NULL && strstr(r.out, "item.png") != NULL, "%s", r.out);
    tl_result_free(&r);
    char *png = xasprintf("%s.alerts/%s/item.png", db, id);
    struct stat sb;
    ck_assert_int_eq(stat(png, &sb), 0);
    ck_assert_int_gt(sb.st_size, 100);
    free(png);
}
END_TEST

/*
 * Issue 14: any mark in options 1-3 of item 10 alerts, and so does an item
 * 10 that cannot be read.  A light but clear pencil tick is a mark (issue
 * 13): on 1 it is read as 1 and alerts as a 1.  A tick fainter still may
 * be read as 1 or sent to review: it alerts either way.
 */
START_TEST(faint_item_ten_mark_alerts)
{
    const int one[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    long page = scan_sanpu(1, one, 1, "pencil");
    char got[200], *q = xasprintf("SELECT decision || ' ' || coalesce(value, '') || ' ' || "
                                  "coalesce(reason, '') FROM readings WHERE page_id = %ld AND "
                                  "field = 'epds_10'", page);

    tl_sql_text(db, q, got, sizeof(got));
    free(q);
    ck_assert_msg(sql_long("SELECT count(*) FROM readings WHERE page_id = %ld AND field = "
                           "'epds_10' AND decision = 'accepted' AND value = '1'", page) == 1,
                  "epds_10: %s", got);
    ck_assert_int_eq(alerts_of(page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld AND item10 = '1'",
                              page), 1);
    page = scan_sanpu(2, one, 1, "faint");
    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings WHERE page_id = %ld AND field = "
                              "'epds_10' AND (decision = 'review' OR value = '1')", page), 1);
    ck_assert_int_eq(alerts_of(page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld AND item10 IN "
                              "('1', '?')", page), 1);
}
END_TEST

START_TEST(unreadable_item_ten_alerts)
{
    /* a tick that landed mostly beside the box of 0: what was meant cannot be told */
    const int stray[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    long page = scan_sanpu(1, stray, 0, "stray");

    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings WHERE page_id = %ld AND field = "
                              "'epds_10' AND decision = 'review'", page), 1);
    ck_assert_int_eq(alerts_of(page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld AND item10 = '?'",
                              page), 1);
    /* left blank: the same */
    const int blank[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, -1 };
    page = scan_sanpu(2, blank, 0, NULL);
    ck_assert_int_eq(alerts_of(page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld AND item10 = '?'",
                              page), 1);
}
END_TEST

START_TEST(total_eight_item_ten_zero_does_not)
{
    const int items[10] = { 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 };
    long page = scan_sanpu(1, items, 8, NULL);

    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings WHERE page_id = %ld AND field = "
                              "'epds_10' AND decision = 'accepted' AND value = '0'", page), 1);
    ck_assert_int_eq(alerts_of(page), 0);
    struct tl_result r;
    tl_boshi_run(&r, db, NULL, "alerts", NULL);
    ck_assert_msg(strstr(r.out, "未対応の EPDS アラート 0 件") != NULL, "%s", r.out);
    tl_result_free(&r);
}
END_TEST

/* Every item lands with the voucher, and a nurse's value that reaches 9 alerts on landing. */
START_TEST(items_land_and_vouchers_are_paid)
{
    const int items[10] = { 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 };
    long page = scan_sanpu(1, items, 7, NULL);
    char *truth = xasprintf("%s/sanpu1/page-0001.truth.json", dir);
    json_t *t = json_load_file(truth, 0, NULL);
    struct tl_result r;

    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(alerts_of(page), 0);
    /* every open item settled: the written value, or blank (the 合計 as written: 7, the items' sum) */
    for (int guard = 0; guard < 40; guard++) {
        long item = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' "
                             "ORDER BY id LIMIT 1", page);
        if (item <= 0)
            break;
        char id[24], field[64] = "", q[160];
        snprintf(id, sizeof(id), "%ld", item);
        snprintf(q, sizeof(q), "SELECT field FROM review_items WHERE id = %ld", item);
        sql_text(db, q, field, sizeof(field));
        const char *value = NULL;
        size_t k;
        json_t *jf;
        json_array_foreach(json_object_get(t, "fields"), k, jf)
            if (strcmp(json_string_value(json_object_get(jf, "name")), field) == 0)
                value = json_string_value(json_object_get(jf, "value"));
        if (value && strcmp(field, "voucher_number") != 0)
            tl_boshi_run(&r, db, NULL, "review", "correct", id, value, NULL);
        else
            tl_boshi_run(&r, db, NULL, "review", value ? "accept" : "reject", id, NULL);
        ck_assert_msg(r.status == 0, "%s %s: %s", field, value ? value : "-", r.err);
        tl_result_free(&r);
    }
    json_decref(t);
    free(truth);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND status = 'landed'", page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM vouchers WHERE form = 'sanpu_jushinken' AND kai = 1 "
                              "AND mother = '%s' AND findings = 'ijonashi' AND epds_1 = 1 AND epds_2 = 1 "
                              "AND epds_3 = 1 AND epds_4 = 1 AND epds_5 = 1 AND epds_6 = 1 AND epds_7 = 1 "
                              "AND epds_8 = 0 AND epds_9 = 0 AND epds_10 = 0 AND epds_total = 7 AND "
                              "used_date = '2026-11-20'", mother), 1);
    ck_assert_int_eq(alerts_of(page), 0);
    /* a nurse changes the landed 合計 to 9 (what the clinic meant): the alert comes with the landing */
    char pg[24];
    snprintf(pg, sizeof(pg), "%ld", page);
    tl_boshi_run(&r, db, NULL, "review", "reopen", "--reason", "受診券の合計を医療機関に確認", "--value",
                 "9", "--page", pg, "--field", "epds_total", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM vouchers WHERE page_id = %ld AND epds_total = 9", page), 1);
    ck_assert_int_eq(alerts_of(page), 1);
    /* paid per clinic like the 妊婦 vouchers, at the 産婦 fee */
    RUN(db, "settings", "set", "voucher.sanpu_fees", "5000,4000");
    char *pay = tl_path(dir, "pay.pdf"), *csv = tl_path(dir, "pay.csv");
    tl_boshi_run(&r, db, NULL, "report", "vouchers", "--reason", "試験", "--month", "2026-11", "-o", pay, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    size_t len;
    char *text = tl_read_file(csv, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, "産婦健康診査 (産後2週間)") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "出産後") == NULL, "%s", text);   /* after delivery is its point */
    free(text);
    free(pay);
    free(csv);
}
END_TEST

/* ---- the follow-up ----------------------------------------------------------------- */

START_TEST(not_closed_without_follow_up)
{
    const int items[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
    long page = scan_sanpu(1, items, 2, NULL);
    struct tl_result r;
    char id[24];

    ck_assert_int_eq(alerts_of(page), 1);
    snprintf(id, sizeof(id), "%ld", sql_long("SELECT id FROM alerts WHERE page_id = %ld", page));
    tl_boshi_run(&r, db, NULL, "alerts", "close", id, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "連絡日時") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "alerts", "close", id, "--contacted-at", "2026-11-30 10:15", "--plan",
                 "訪問予定", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "連絡した職員") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "alerts", "close", id, "--contacted-at", "2026-11-30 10:15", "--by",
                 "佐藤", "--plan", "　", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "支援方針") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "alerts", "close", id, "--contacted-at", "2099-01-01", "--by", "佐藤",
                 "--plan", "訪問", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "未来") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE closed_at IS NULL"), 1);
    tl_boshi_run(&r, db, NULL, "alerts", "close", id, "--contacted-at", "2026-11-30 10:15", "--by",
                 "佐藤 保健師", "--plan", "本人と電話で話し、明日訪問。産後ケア事業を案内", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE closed_at IS NOT NULL AND "
                              "contacted_at = '2026-11-30 10:15' AND contacted_by = '佐藤 保健師' AND "
                              "plan LIKE '%%明日訪問%%' AND closed_by <> ''"), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'alerts.close' AND "
                              "person = '%s'", mother), 1);
    tl_boshi_run(&r, db, NULL, "alerts", NULL);
    ck_assert_msg(strstr(r.out, "0 件") != NULL, "%s", r.out);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "alerts", "close", id, "--contacted-at", "2026-11-30", "--by", "x",
                 "--plan", "y", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "対応済み") != NULL, "%s", r.err);
    tl_result_free(&r);
    RUN(db, "audit", "verify");
}
END_TEST

START_TEST(working_days)
{
    /* weekends, 年末年始, Happy Monday, 国民の休日 between two holidays, 振替休日 */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 12, 28 }), 1);
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 12, 29 }), 0);
    ck_assert_int_eq(workday_is((struct ymd){ 2027, 1, 3 }), 0);
    ck_assert_int_eq(workday_is((struct ymd){ 2027, 1, 4 }), 1);
    ck_assert_int_eq(workday_is((struct ymd){ 2027, 1, 11 }), 0);       /* 成人の日 */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 11, 23 }), 0);      /* 勤労感謝の日 */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 9, 21 }), 0);       /* 敬老の日 */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 9, 22 }), 0);       /* 国民の休日 */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 9, 23 }), 0);       /* 秋分の日 */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 9, 24 }), 1);
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 5, 6 }), 0);        /* 振替 (5/3 was a Sunday) */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 3, 20 }), 0);       /* 春分の日 */
    ck_assert_int_eq(workday_is((struct ymd){ 2026, 12, 5 }), 0);       /* Saturday */
    struct ymd n = workday_next((struct ymd){ 2026, 12, 25 });
    ck_assert(n.y == 2026 && n.m == 12 && n.d == 28);
    n = workday_next((struct ymd){ 2026, 12, 28 });
    ck_assert(n.y == 2027 && n.m == 1 && n.d == 4);
}
END_TEST

START_TEST(overdue_after_one_working_day)
{
    const int items[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
    long page = scan_sanpu(1, items, 1, NULL);
    struct tl_result r;
    char d0[11], d1[11], d2[11], created[40] = "";

    ck_assert_int_eq(alerts_of(page), 1);
    /* raised on a Friday, as a manager would see it on the following days */
    tl_sql_exec(db, "UPDATE alerts SET created_at = '2026-12-04T01:00:00.000Z'");   /* 10:00 JST Fri */
    sql_text(db, "SELECT created_at FROM alerts", created, sizeof(created));
    ck_assert_str_eq(created, "2026-12-04T01:00:00.000Z");
    snprintf(d0, sizeof(d0), "2026-12-04");
    snprintf(d1, sizeof(d1), "2026-12-07");   /* Monday: the next working day */
    snprintf(d2, sizeof(d2), "2026-12-08");   /* Tuesday: more than one working day */
    const char *const not_yet[] = { d0, "2026-12-05", "2026-12-06", d1 };
    for (size_t i = 0; i < 4; i++) {
        tl_boshi_run(&r, db, NULL, "alerts", "overdue", "--date", not_yet[i], NULL);
        ck_assert_msg(r.status == 0, "%s", r.err);
        ck_assert_msg(strstr(r.out, "\n0 件") != NULL, "%s: %s", not_yet[i], r.out);
        tl_result_free(&r);
    }
    tl_boshi_run(&r, db, NULL, "alerts", "overdue", "--date", d2, NULL);
    ck_assert_msg(strstr(r.out, "\n1 件") != NULL && strstr(r.out, mother) != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_ge(sql_long("SELECT count(*) FROM audit_log WHERE function = 'alerts.overdue'"), 1);
    /* closed: off the list */
    char id[24];
    snprintf(id, sizeof(id), "%ld", sql_long("SELECT id FROM alerts"));
    RUN(db, "alerts", "close", id, "--contacted-at", "2026-12-03 09:00", "--by", "佐藤", "--plan",
        "電話で確認、継続支援");
    tl_boshi_run(&r, db, NULL, "alerts", "overdue", "--date", d2, NULL);
    ck_assert_msg(strstr(r.out, "\n0 件") != NULL, "%s", r.out);
    tl_result_free(&r);
}
END_TEST

/* The 4か月 form's EPDS total (checkups.epds_score) alerts too, and names the mother. */
START_TEST(four_month_epds_total_alerts)
{
    char *csv = tl_path(dir, "4m.csv"), *out = tl_path(dir, "4m");
    struct tl_result r;

    issues_csv(csv, "nyuyoji_4m", 0);
    RUN(db, "demo", "scan", "--store", "--from-issues", csv, "--pages", "2", "--profile", "clean",
        "--seed", "4", "--as-of", "2026-11-20", "--set", "epds=12", "-o", out);
    RUN(db, "intake", "--name", "4m", out);
    /* a total the readers disagree on waits for a nurse: her 12 alerts at once */
    long item = sql_long("SELECT id FROM review_items WHERE field = 'epds' AND status = 'open'");
    if (item > 0) {
        char id[24];
        ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts"), 0);
        snprintf(id, sizeof(id), "%ld", item);
        RUN(db, "review", "correct", id, "12");
        ck_assert_int_gt(sql_long("SELECT count(*) FROM review_items r JOIN pages p ON p.id = r.page_id "
                                  "WHERE r.status = 'open' AND p.form = 'nyuyoji_4m' AND p.page_no = 2"), 0);
    }
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts a JOIN pages p ON p.id = a.page_id WHERE "
                              "p.form = 'nyuyoji_4m' AND p.page_no = 2 AND a.person = '%s' AND "
                              "a.epds_total = 12", child), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts"), 1);
    tl_boshi_run(&r, db, NULL, "alerts", NULL);
    char want[64];
    snprintf(want, sizeof(want), "母        %s", mother);
    ck_assert_msg(strstr(r.out, want) != NULL, "%s", r.out);
    tl_result_free(&r);
    free(csv);
    free(out);
}
END_TEST

/* ---- the web queue ------------------------------------------------------------------ */

static uint16_t port;

struct resp {
    int status;
    char *head, *body;
};

static void resp_free(struct resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

static struct resp http(const char *method, const char *path, const char *cookie, const char *body)
{
    struct sockaddr_in sa;
    struct resp out = { 0, NULL, NULL };
    struct buf req, in;
    char chunk[8192];
    ssize_t n;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    buf_init(&req);
    buf_addf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n", method, path,
             (unsigned)port);
    if (cookie && *cookie)
        buf_addf(&req, "Cookie: %s\r\n", cookie);
    if (body)
        buf_addf(&req, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n",
                 strlen(body));
    buf_adds(&req, "\r\n");
    if (body)
        buf_adds(&req, body);
    ck_assert_int_eq(write(fd, req.s, req.len), (ssize_t)req.len);
    buf_release(&req);
    buf_init(&in);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_add(&in, chunk, (size_t)n);
    close(fd);
    char *sep = strstr(in.s, "\r\n\r\n");
    ck_assert_msg(sep != NULL, "no HTTP answer for %s %s", method, path);
    out.head = xstrndup(in.s, (size_t)(sep - in.s));
    out.body = xstrdup(sep + 4);
    sscanf(in.s, "HTTP/1.1 %d", &out.status);
    buf_release(&in);
    return out;
}

static void set_cookie(const struct resp *r, const char *name, char *out, size_t n)
{
    char key[64];
    const char *p = r->head;

    out[0] = '\0';
    snprintf(key, sizeof(key), "Set-Cookie: %s=", name);
    while ((p = strstr(p, key)) != NULL) {
        p += strlen(key);
        snprintf(out, n, "%.*s", (int)strcspn(p, ";\r\n"), p);
    }
}

static void form_csrf(const char *html, char out[65])
{
    const char *p = strstr(html, "name=\"csrf\" value=\"");

    out[0] = '\0';
    if (p)
        snprintf(out, 65, "%.64s", p + strlen("name=\"csrf\" value=\""));
}

struct client {
    char cookie[128], csrf[65];
};

static void login(struct client *c, const char *user)
{
    struct resp r = http("GET", "/login", NULL, NULL);
    char pre[80], sid[80], body[512], cookie[128];

    memset(c, 0, sizeof(*c));
    set_cookie(&r, "boshi_pre", pre, sizeof(pre));
    resp_free(&r);
    snprintf(cookie, sizeof(cookie), "boshi_pre=%s", pre);
    snprintf(body, sizeof(body), "csrf=%s&login=%s&password=%s", pre, user, PW);
    r = http("POST", "/login", cookie, body);
    ck_assert_int_eq(r.status, 303);
    set_cookie(&r, "boshi_sid", sid, sizeof(sid));
    resp_free(&r);
    snprintf(c->cookie, sizeof(c->cookie), "boshi_sid=%s", sid);
    r = http("GET", "/queue", c->cookie, NULL);
    form_csrf(r.body, c->csrf);
    ck_assert_int_eq(strlen(c->csrf), 64);
    resp_free(&r);
}

START_TEST(web_queue_shows_alerts_first)
{
    const int items[10] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 3 };
    long page = scan_sanpu(1, items, 3, NULL);
    long alert = sql_long("SELECT id FROM alerts WHERE page_id = %ld", page);
    struct forms_registry *forms = NULL;
    struct review_server *srv = NULL;
    struct review_server_opts o;
    struct berr e;
    struct client c, k;
    char path[64], body[512];

    ck_assert_int_gt(alert, 0);
    ck_assert_int_gt(sql_long("SELECT count(*) FROM review_items WHERE status = 'open'"), 0);
    char *fdir = tl_path(tl_src(), "forms/defs");
    ck_assert_int_ge(forms_registry_load_dir(fdir, &forms, &e), 0);
    free(fdir);
    memset(&o, 0, sizeof(o));
    o.store_path = db;
    o.forms = forms;
    o.listen = "127.0.0.1:0";
    ck_assert_msg(review_server_start(&o, &srv, &e) == 0, "%s", e.msg);
    port = review_server_port(srv);
    login(&c, "nurse1");
    struct resp r = http("GET", "/queue", c.cookie, NULL);
    ck_assert_int_eq(r.status, 200);
    const char *box = strstr(r.body, "id=\"alerts\""), *queue = strstr(r.body, "<table class=\"queue\"");
    ck_assert_msg(box != NULL, "%s", r.body);
    ck_assert_ptr_nonnull(queue);
    ck_assert(box < queue);                      /* on top of the review items */
    snprintf(path, sizeof(path), "href=\"/alert/%ld\"", alert);
    ck_assert(strstr(box, path) != NULL);
    ck_assert(strstr(box, "項目10") != NULL);
    snprintf(path, sizeof(path), "/img/crop/%ld", sql_long("SELECT reading_id FROM alerts WHERE id = %ld", alert));
    ck_assert(strstr(box, path) != NULL);      /* the scanned item */
    resp_free(&r);
    /* one alert: the mother, the form to record the follow-up */
    snprintf(path, sizeof(path), "/alert/%ld", alert);
    r = http("GET", path, c.cookie, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "支援方針") != NULL && strstr(r.body, "name=\"contacted_at\"") != NULL);
    resp_free(&r);
    /* without 支援方針 nothing is closed */
    snprintf(body, sizeof(body), "csrf=%s&contacted_at=2026-12-01T10%%3A30&contacted_by=sato&plan=",
             c.csrf);
    r = http("POST", path, c.cookie, body);
    ck_assert_int_eq(r.status, 422);
    ck_assert(strstr(r.body, "支援方針: 必須項目です") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE closed_at IS NULL"), 1);
    /* a manager reads reports, not the nurses' queue */
    login(&k, "kanri1");
    r = http("GET", path, k.cookie, NULL);
    ck_assert_int_eq(r.status, 403);
    resp_free(&r);
    /* recorded: gone from the queue's top, in the access log */
    snprintf(body, sizeof(body), "csrf=%s&contacted_at=2026-12-01T10%%3A30&contacted_by=%%E4%%BD%%90%%E8%%97%%A4"
             "&plan=%%E8%%A8%%AA%%E5%%95%%8F", c.csrf);
    r = http("POST", path, c.cookie, body);
    ck_assert_int_eq(r.status, 303);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE id = %ld AND contacted_at = "
                              "'2026-12-01 10:30' AND contacted_by = '佐藤' AND plan = '訪問' AND "
                              "closed_by = 'nurse1'", alert), 1);
    r = http("GET", "/queue", c.cookie, NULL);
    ck_assert(strstr(r.body, "id=\"alerts\"") == NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'alerts.close' AND "
                              "user = 'nurse1'"), 1);
    review_server_stop(&srv);
    forms_registry_free(&forms);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("alerts");
    TCase *tc = tcase_create("epds");

    build_template();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, working_days);
    tcase_add_test(tc, total_nine_alerts);
    tcase_add_test(tc, item_ten_one_alerts_at_total_three);
    tcase_add_test(tc, faint_item_ten_mark_alerts);
    tcase_add_test(tc, unreadable_item_ten_alerts);
    tcase_add_test(tc, total_eight_item_ten_zero_does_not);
    tcase_add_test(tc, items_land_and_vouchers_are_paid);
    tcase_add_test(tc, not_closed_without_follow_up);
    tcase_add_test(tc, overdue_after_one_working_day);
    tcase_add_test(tc, four_month_epds_total_alerts);
    tcase_add_test(tc, web_queue_shows_alerts_first);
    suite_add_tcase(s, tc);
    int rc = tl_main(s);
    tl_rmtree(tmpl_dir);
    return rc;
}
