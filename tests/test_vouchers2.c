/*
 * test_vouchers2: the 新生児聴覚検査費用助成券 (choukaku_jushinken) end to end
 * on real components - printed by boshi after a mother's 妊婦 and 産婦
 * vouchers, filled and scanned by the demo simulator with chosen results,
 * taken in with real Tesseract into a real SQLite store: the landed test
 * (検査日, clinic, 初回/確認, method, both ears), a リファー opening a
 * 精密検査依頼 for the baby (the mother's newest child) through `referrals
 * issue`, twins sent to a nurse who names the baby, and the payment line at
 * the voucher.choukaku_fee; and the 新生児訪問指導票 (shinseiji_houmon):
 * `targets houmon` lists the children not yet visited before 4 months old
 * with their sheets pre-filled, a sheet with EPDS item 10 marked alerts the
 * same day, and it lands as a visit.  The store with the printed vouchers
 * is built once and copied per test.
 */
#include "base/base.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *tmpl_dir, *tmpl_db;     /* built once */
static char *dir, *db;               /* this test's copy */
static char mother[16], child[16];

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
    /* a mother with exactly one child born in the 180 days before the test (2026-11-20) */
    sql_text(tmpl_db, "SELECT m.atena FROM residents m JOIN residents c ON c.setai = m.setai AND "
                      "c.zokugara = '子' AND c.status = 1 AND c.birth BETWEEN '2026-05-24' AND "
                      "'2026-11-20' WHERE m.sex = 2 AND m.zokugara IN ('妻', '世帯主') AND m.status = 1 "
                      "GROUP BY m.atena HAVING count(*) = 1 ORDER BY m.atena LIMIT 1", mother,
             sizeof(mother));
    char q[512];
    snprintf(q, sizeof(q), "SELECT c.atena FROM residents c JOIN residents m ON m.setai = c.setai "
                           "WHERE m.atena = '%s' AND c.zokugara = '子' AND c.birth BETWEEN '2026-05-24' "
                           "AND '2026-11-20'", mother);
    sql_text(tmpl_db, q, child, sizeof(child));
    if (strlen(mother) != 10 || strlen(child) != 10) {
        fprintf(stderr, "no mother with a newborn in the town\n");
        exit(1);
    }
    RUN(tmpl_db, "forms", "print", "ninpu_jushinken", "--person", mother, "-o", pdf);
    RUN(tmpl_db, "settings", "set", "site.name", "みどり市 保健センター");
    RUN(tmpl_db, "settings", "set", "site.contact", "母子保健係 電話 0120-000-000");
    RUN(tmpl_db, "settings", "set", "site.address", "〒123-0000 みどり市本町1-1-1");
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
 * The 聴覚検査 voucher of 回数 kai filled with the given results (right and
 * left ear "pass"/"refer", kind "shokai"/"kakunin"), scanned and taken in.
 * Returns the page id.
 */
static long scan_choukaku(int kai, const char *right, const char *left, const char *kind)
{
    char *csv = tl_path(dir, "choukaku.csv"), name[32], *out;
    char sets[4][48];
    const char *argv[64];
    int n = 0;
    struct tl_result r;

    snprintf(name, sizeof(name), "choukaku%d", kai);
    out = tl_path(dir, name);
    issues_csv(csv, "choukaku_jushinken", kai);
    snprintf(sets[0], sizeof(sets[0]), "kekka_migi=%s:tick", right);
    snprintf(sets[1], sizeof(sets[1]), "kekka_hidari=%s:tick", left);
    snprintf(sets[2], sizeof(sets[2]), "kensa_kubun=%s:tick", kind);
    snprintf(sets[3], sizeof(sets[3]), "houhou=aabr:tick");
    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    const char *head[] = { "demo", "scan", "--store", "--from-issues", csv, "--pages", "1",
                           "--profile", "clean", "--seed", "7", "--as-of", "2026-11-20", "-o", out };
    for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        argv[n++] = head[k];
    for (int i = 0; i < 4; i++) {
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
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND form = 'choukaku_jushinken' "
                              "AND status <> 'rejected'", page), 1);
    free(csv);
    free(out);
    return page;
}

/*
 * Every open field item of the page settled as the simulator wrote it (its
 * truth file); items of the page itself ("(…)") are left for the test.
 */
static void settle_fields(long page, int kai)
{
    char *truth = xasprintf("%s/choukaku%d/page-0001.truth.json", dir, kai);
    json_t *t = json_load_file(truth, 0, NULL);
    struct tl_result r;

    ck_assert_ptr_nonnull(t);
    for (int guard = 0; guard < 40; guard++) {
        long item = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' "
                             "AND field NOT LIKE '(%%' ORDER BY id LIMIT 1", page);
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
        if (value && strcmp(field, "voucher_number") != 0 && strcmp(field, "kai") != 0)
            tl_boshi_run(&r, db, NULL, "review", "correct", id, value, NULL);
        else
            tl_boshi_run(&r, db, NULL, "review", value ? "accept" : "reject", id, NULL);
        ck_assert_msg(r.status == 0, "%s %s: %s", field, value ? value : "-", r.err);
        tl_result_free(&r);
    }
    json_decref(t);
    free(truth);
}

/* ---- printing ----------------------------------------------------------------- */

START_TEST(printed_after_the_sanpu_vouchers)
{
    char *pdf = tl_path(dir, "v.pdf");

    RUN(db, "forms", "print", "ninpu_jushinken", "--person", mother, "-o", pdf);
    char *text = pdftotext(pdf);
    const char *sanpu = strstr(text, "産婦健康診査受診券"), *hearing = strstr(text, "新生児聴覚検査費用助成券");
    ck_assert_ptr_nonnull(sanpu);
    ck_assert_ptr_nonnull(hearing);
    ck_assert(hearing > sanpu);       /* after the 産婦 ones */
    for (const char *w = hearing, *const *want = (const char *const[]){ "検査日", "医療機関コード",
         "初回検査", "確認検査", "自動ABR", "OAE", "結果 右耳", "結果 左耳", "パス", "リファー", "請求額",
         NULL }; *want; want++)
        ck_assert_msg(strstr(w, *want) != NULL, "no %s", *want);
    free(text);
    /* two, numbered 1 and 2, each its own issue */
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT issue_id) FROM issues_printed WHERE form = "
                              "'choukaku_jushinken' AND person = '%s' AND seq IN (1, 2)", mother), 4);
    /* alone too, and a man gets none */
    RUN(db, "forms", "print", "choukaku_jushinken", "--person", mother, "-o", pdf);
    struct tl_result r;
    const char *info[] = { "pdfinfo", pdf, NULL };
    tl_run(&r, NULL, NULL, info);
    ck_assert_msg(strstr(r.out, "Pages:           2") != NULL, "%s", r.out);
    tl_result_free(&r);
    free(pdf);
}
END_TEST

/* ---- landing and the referral --------------------------------------------------- */

START_TEST(refer_opens_a_referral_for_the_baby)
{
    long page = scan_choukaku(1, "refer", "pass", "shokai");
    struct tl_result r;

    settle_fields(page, 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND status = 'landed'", page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM vouchers WHERE form = 'choukaku_jushinken' AND kai = 1 "
                              "AND mother = '%s' AND used_date = '2026-11-20' AND hearing_kind = 'shokai' "
                              "AND hearing_method = 'aabr' AND hearing_right = 'refer' AND "
                              "hearing_left = 'pass' AND length(clinic_code) = 10 AND child = '%s'",
                              mother, child), 1);
    /* the baby's follow-up: a 要精密 for the 耳, not a checkup the statistics count */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups c JOIN vouchers v ON "
                              "v.followup_checkup_id = c.id WHERE c.person = '%s' AND c.form = "
                              "'choukaku_jushinken' AND c.result = 'yoseimitsu' AND c.referral_targets = "
                              "'mimi' AND c.exam_date = '2026-11-20' AND c.findings LIKE '%%右 リファー%%'",
                              child), 1);
    /* the referral loop: issued for the child, 耳鼻咽喉科 */
    char *pdf = tl_path(dir, "ref.pdf"), *csv = tl_path(dir, "ref.csv");
    tl_boshi_run(&r, db, NULL, "referrals", "issue", "--month", "2026-11", "--reason", "精密検査の依頼", "-o", pdf, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM referrals f JOIN checkups c ON c.id = f.checkup_id "
                              "WHERE f.person = '%s' AND c.form = 'choukaku_jushinken' AND f.targets = "
                              "'mimi'", child), 1);
    char *text = pdftotext(pdf);
    ck_assert_msg(strstr(text, "耳鼻咽喉科") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "新生児聴覚検査") != NULL, "%s", text);
    free(text);
    size_t len;
    text = tl_read_file(csv, &len);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, child) != NULL && strstr(text, "リファー") != NULL, "%s", text);
    free(text);
    /* a second run issues nothing new */
    tl_boshi_run(&r, db, NULL, "referrals", "issue", "--month", "2026-11", "--reason", "精密検査の依頼", "-o", pdf, NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "発行 0") != NULL, "%s%s", r.out, r.err);
    tl_result_free(&r);
    free(pdf);
    free(csv);
}
END_TEST

START_TEST(pass_lands_without_a_referral_and_is_paid)
{
    long page = scan_choukaku(2, "pass", "pass", "kakunin");
    struct tl_result r;

    settle_fields(page, 2);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND status = 'landed'", page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM vouchers WHERE page_id = %ld AND hearing_kind = "
                              "'kakunin' AND hearing_right = 'pass' AND hearing_left = 'pass' AND "
                              "followup_checkup_id IS NULL", page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE form = 'choukaku_jushinken'"), 0);
    /* paid per clinic at its own fee, after the delivery (what it is for) */
    RUN(db, "settings", "set", "voucher.choukaku_fee", "2500");
    char *pay = tl_path(dir, "pay.pdf"), *csv = tl_path(dir, "pay.csv");
    tl_boshi_run(&r, db, NULL, "report", "vouchers", "--month", "2026-11", "--reason", "支払の確認", "-o", pay, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    size_t len;
    char *text = tl_read_file(csv, &len);
    ck_assert_ptr_nonnull(text);
    const char *line = strstr(text, "新生児聴覚検査 (確認検査)");
    ck_assert_msg(line != NULL, "%s", text);
    const char *eol = strchr(line, '\n');
    char row[1024];
    snprintf(row, sizeof(row), "%.*s", eol ? (int)(eol - line) : (int)strlen(line), line);
    ck_assert_msg(strstr(row, "2500") != NULL, "%s", row);
    ck_assert_msg(strstr(row, "出産後") == NULL, "%s", row);
    free(text);
    text = pdftotext(pay);
    ck_assert_msg(strstr(text, "新生児聴覚検査") != NULL, "%s", text);
    free(text);
    free(pay);
    free(csv);
}
END_TEST

/* Twins (two newest children born the same day): a nurse names the baby. */
START_TEST(twins_wait_for_a_nurse)
{
    char twin[16] = "9999999901", q[512];
    struct tl_result r;

    snprintf(q, sizeof(q), "CREATE TEMP TABLE t AS SELECT * FROM residents WHERE atena = '%s'; "
                           "UPDATE t SET atena = '%s', mynumber_enc = NULL, mynumber_idx = NULL; "
                           "INSERT INTO residents SELECT * FROM t;", child, twin);
    tl_sql_exec(db, q);
    long page = scan_choukaku(1, "pass", "refer", "shokai");
    settle_fields(page, 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND status = 'queued'", page), 1);
    long item = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' AND "
                         "field = '(子)' AND reason LIKE '%%特定できません%%'", page);
    ck_assert_int_gt(item, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE form = 'choukaku_jushinken'"), 0);
    char id[24];
    snprintf(id, sizeof(id), "%ld", item);
    /* not someone of another 世帯 */
    char other[16];
    snprintf(q, sizeof(q), "SELECT atena FROM residents WHERE setai <> (SELECT setai FROM residents "
                           "WHERE atena = '%s') AND zokugara = '子' LIMIT 1", mother);
    sql_text(db, q, other, sizeof(other));
    tl_boshi_run(&r, db, NULL, "review", "correct", id, other, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "世帯") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "review", "correct", id, twin, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND status = 'landed'", page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM vouchers v JOIN checkups c ON c.id = "
                              "v.followup_checkup_id WHERE v.page_id = %ld AND v.child = '%s' AND "
                              "c.person = '%s' AND c.findings LIKE '%%左 リファー%%'", page, twin, twin), 1);
}
END_TEST

/* ---- 新生児訪問指導票 ------------------------------------------------------------ */

/* The children `targets houmon --month 2026-11` must list: under 4 months on 11-01 or born in November. */
#define HOUMON_DUE "status = 1 AND birth >= '2026-07-02' AND birth < '2026-12-01'"

/* The sheet of child who, scanned on 2026-11-20 with the given --set values and taken in. */
static long scan_houmon(const char *who, const char *const *sets, int nsets)
{
    char *csv = tl_path(dir, "houmon.csv"), *out = tl_path(dir, "houmon");
    const char *argv[64];
    int n = 0;
    struct tl_result r;
    sqlite3 *h;
    sqlite3_stmt *s;
    FILE *f = fopen(csv, "w");

    ck_assert_ptr_nonnull(f);
    fputs("form,subject,issue,name,kana,birth\n", f);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT i.form, i.person, i.issue_id, r.name, r.kana, r.birth "
                                           "FROM issues_printed i JOIN residents r ON r.atena = i.person "
                                           "WHERE i.form = 'shinseiji_houmon' AND i.person = ?", -1, &s,
                                        NULL), SQLITE_OK);
    sqlite3_bind_text(s, 1, who, -1, SQLITE_STATIC);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    fprintf(f, "%s,%s,%s,\"%s\",\"%s\",%s\n", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
            sqlite3_column_text(s, 2), sqlite3_column_text(s, 3), sqlite3_column_text(s, 4),
            sqlite3_column_text(s, 5));
    sqlite3_finalize(s);
    sqlite3_close(h);
    fclose(f);
    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    const char *head[] = { "demo", "scan", "--store", "--from-issues", csv, "--pages", "1",
                           "--profile", "clean", "--seed", "11", "--as-of", "2026-11-20", "-o", out };
    for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        argv[n++] = head[k];
    for (int i = 0; i < nsets && n < 60; i++) {
        argv[n++] = "--set";
        argv[n++] = sets[i];
    }
    argv[n] = NULL;
    tl_run(&r, NULL, NULL, argv);
    ck_assert_msg(r.status == 0, "demo scan: %s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "intake", "--name", "houmon", out, NULL);
    ck_assert_msg(r.status == 0, "intake: %s", r.err);
    tl_result_free(&r);
    long page = sql_long("SELECT id FROM pages WHERE source LIKE '%%/houmon/page-0001.png'");
    ck_assert_int_gt(page, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND form = 'shinseiji_houmon' "
                              "AND subject = '%s' AND status <> 'rejected'", page, who), 1);
    free(csv);
    free(out);
    return page;
}

/* A value of the simulator's truth file of dir/houmon. */
static void truth_value(const char *field, char *out, size_t n)
{
    char *truth = tl_path(dir, "houmon/page-0001.truth.json");
    json_t *t = json_load_file(truth, 0, NULL);
    size_t k;
    json_t *jf;

    ck_assert_ptr_nonnull(t);
    out[0] = '\0';
    json_array_foreach(json_object_get(t, "fields"), k, jf)
        if (strcmp(json_string_value(json_object_get(jf, "name")), field) == 0 &&
            json_string_value(json_object_get(jf, "value")))
            snprintf(out, n, "%s", json_string_value(json_object_get(jf, "value")));
    json_decref(t);
    free(truth);
}

START_TEST(houmon_targets_visit_and_alert)
{
    char *pdf = tl_path(dir, "houmon.pdf"), *csv = tl_path(dir, "houmon.csv"), who[16], q[512];
    struct tl_result r;
    size_t len;

    long due = sql_long("SELECT count(*) FROM residents WHERE " HOUMON_DUE);
    ck_assert_int_gt(due, 1);
    tl_boshi_run(&r, db, NULL, "targets", "houmon", "--month", "2026-11", "--reason", "訪問の準備", "-o", pdf, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE form = 'shinseiji_houmon' AND "
                              "person IN (SELECT atena FROM residents WHERE " HOUMON_DUE ")"), due);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE form = 'shinseiji_houmon'"), due);
    char *text = pdftotext(pdf);
    ck_assert(strstr(text, "新生児訪問指導票") != NULL);
    ck_assert(strstr(text, "EPDS") != NULL && strstr(text, "栄養方法") != NULL);
    free(text);
    /* the one the visitor sees first: born by the visit day */
    sql_text(db, "SELECT atena FROM residents WHERE " HOUMON_DUE " AND birth <= '2026-11-10' "
                 "ORDER BY atena LIMIT 1", who, sizeof(who));
    ck_assert_int_eq(strlen(who), 10);
    text = tl_read_file(csv, &len);
    ck_assert_msg(text != NULL && strstr(text, who) != NULL, "%s", text ? text : "");
    free(text);
    /* the sheet comes back with item 10 of the mother's EPDS at 1 */
    const char *sets[] = { "epds_10=1:tick", "epds_total=3", "eiyou=kongo:tick", "shoken=yokansatsu:tick",
                           "houmonsha=josanshi:tick" };
    long page = scan_houmon(who, sets, 5);
    /* the alert the same day, before any review, for the child's mother */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM alerts WHERE page_id = %ld AND person = '%s' AND "
                              "form = 'shinseiji_houmon' AND reason LIKE '%%項目10%%'", page, who), 1);
    tl_boshi_run(&r, db, NULL, "alerts", NULL);
    ck_assert_msg(r.status == 0 && strstr(r.out, "新生児訪問指導票") != NULL && strstr(r.out, "お子さん") != NULL,
                  "%s%s", r.out, r.err);
    tl_result_free(&r);
    /* settled as written, it lands a visit */
    for (int guard = 0; guard < 40; guard++) {
        long item = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' "
                             "ORDER BY id LIMIT 1", page);
        if (item <= 0)
            break;
        char id[24], field[64] = "", value[64];
        snprintf(id, sizeof(id), "%ld", item);
        snprintf(q, sizeof(q), "SELECT field FROM review_items WHERE id = %ld", item);
        sql_text(db, q, field, sizeof(field));
        truth_value(field, value, sizeof(value));
        if (value[0] && strcmp(field, "name") != 0 && strcmp(field, "birth") != 0)
            tl_boshi_run(&r, db, NULL, "review", "correct", id, value, NULL);
        else
            tl_boshi_run(&r, db, NULL, "review", value[0] ? "accept" : "reject", id, NULL);
        ck_assert_msg(r.status == 0, "%s %s: %s", field, value, r.err);
        tl_result_free(&r);
    }
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND status = 'landed' AND "
                              "record_kind = 'visit'", page), 1);
    char weight[16], subjects[64];
    truth_value("taiju", weight, sizeof(weight));
    truth_value("taisho", subjects, sizeof(subjects));
    ck_assert_int_eq(sql_long("SELECT count(*) FROM visits WHERE page_id = %ld AND person = '%s' AND "
                              "form = 'shinseiji_houmon' AND visit_date = '2026-11-20' AND visitor = "
                              "'josanshi' AND feeding = 'kongo' AND result = 'yokansatsu' AND epds_10 = 1 "
                              "AND epds_total = 3 AND weight_g = %s AND subjects = '%s'", page, who,
                              weight, subjects), 1);
    /* a plausible weight for the age */
    ck_assert_int_ge(atoi(weight), 2400);
    ck_assert_int_le(atoi(weight), 8500);
    /* the next month's list leaves the visited child out */
    tl_boshi_run(&r, db, NULL, "targets", "houmon", "--month", "2026-11", "--reissue", "--reason", "訪問の準備", "-o", pdf, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    text = tl_read_file(csv, &len);
    ck_assert_msg(text != NULL && strstr(text, who) == NULL, "%s", text ? text : "");
    free(text);
    free(pdf);
    free(csv);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("vouchers2");
    TCase *tc = tcase_create("choukaku");

    build_template();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, printed_after_the_sanpu_vouchers);
    tcase_add_test(tc, refer_opens_a_referral_for_the_baby);
    tcase_add_test(tc, pass_lands_without_a_referral_and_is_paid);
    tcase_add_test(tc, twins_wait_for_a_nurse);
    tcase_add_test(tc, houmon_targets_visit_and_alert);
    suite_add_tcase(s, tc);
    int rc = tl_main(s);
    tl_rmtree(tmpl_dir);
    return rc;
}
