/*
 * test_referrals: issue 6's referrals, reminders and voucher payments, run
 * as staff run them (./boshi on a real SQLite store of a synthetic town)
 * and checked with real tools: pdfinfo, pdftotext, the return slip's QR
 * decoded by zbarimg and its HMAC verified, the slip landing through the
 * intake landing path and closing its referral, overdue judged on a moved
 * clock, reminders only for the right children, every voucher exception
 * caught and not paid, no 個人番号 in any PDF or CSV, usage errors exit 2,
 * and the roles (事務 / 保健師 / 管理者) each allowed only their part.
 */
#include "base/qrpayload.h"
#include "demo/town.h"
#include "intake/intake.h"
#include "records/pages.h"
#include "records/referrals.h"
#include "records/vouchers.h"
#include "tests/lib/testlib.h"

#define pdftotext tl_pdftotext

#include <check.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir, *db, *town;

static void run_ok(const char *input, ...)
{
    const char *argv[40];
    int n = 0;
    va_list ap;
    const char *a;
    struct tl_result r;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    va_start(ap, input);
    while ((a = va_arg(ap, const char *)) != NULL)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    tl_run(&r, input, NULL, argv);
    ck_assert_msg(r.status == 0, "%s %s: exit %d: %s", argv[3], argv[4] ? argv[4] : "", r.status,
                  r.err);
    tl_result_free(&r);
}

static void sql(const char *s)
{
    sqlite3 *h;
    char *msg = NULL;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(h, s, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", s, msg);
    sqlite3_close(h);
}

static long sql_long(const char *q)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    long v = -1;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &s, NULL) == SQLITE_OK, "%s", q);
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

/* First column of the first row as a string (caller frees), or NULL. */
static char *sql_str(const char *q)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    char *v = NULL;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &s, NULL) == SQLITE_OK, "%s", q);
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        v = xstrdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static void setup(void)
{
    struct town_params tp;
    struct town_stats s;
    struct berr e;
    FILE *f;

    dir = tl_tmpdir();
    db = tl_path(dir, "r.db");
    town = tl_path(dir, "town.csv");
    town_params_init(&tp);
    tp.residents = 8000;
    tp.seed = 11;
    tp.as_of = (struct ymd){ 2026, 11, 1 };
    f = fopen(town, "w");
    ck_assert_int_eq(town_write_csv(f, &tp, &s, &e), 0);
    fclose(f);
    run_ok(NULL, "init", NULL);
    run_ok(NULL, "residents", "import", "--full", town, NULL);
    run_ok(NULL, "settings", "set", "site.name", "みどり市 保健センター", NULL);
    run_ok(NULL, "settings", "set", "site.contact", "母子保健係 電話 0120-000-000", NULL);
    run_ok(NULL, "settings", "set", "site.address", "〒123-0000 みどり市本町1-1-1", NULL);
    run_ok(NULL, "settings", "set", "checkup.venue", "みどり市保健センター", NULL);
    char *good = xasprintf("%s/tests/data/hospitals/good.csv", tl_src());
    run_ok(NULL, "hospitals", "import", good, NULL);
    free(good);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
    free(town);
}

static int pdf_pages(const char *pdf)
{
    struct tl_result r;
    const char *argv[] = { "pdfinfo", pdf, NULL };
    int pages = -1;

    tl_run(&r, NULL, NULL, argv);
    const char *p = strstr(r.out, "Pages:");
    if (p)
        pages = atoi(p + 6);
    tl_result_free(&r);
    return pages;
}

static long count_lines(const char *path)
{
    size_t len;
    char *c = tl_read_file(path, &len);
    long n = 0;

    ck_assert_ptr_nonnull(c);
    for (size_t i = 0; i < len; i++)
        n += c[i] == '\n';
    free(c);
    return n;
}

/* The plain 個人番号 of every resident who has one, through the audited reveal. */
static void assert_no_mynumber(const char *const *atenas, size_t n, const char *const *files,
                               size_t nf)
{
    for (size_t i = 0; i < n; i++) {
        struct tl_result r;
        tl_boshi_run(&r, db, NULL, "residents", "show", "--reveal-mynumber", "--reason", "テスト",
                     atenas[i], NULL);
        char *p = strstr(r.out, "個人番号");
        char mn[13] = "";
        if (r.status == 0 && p) {
            p += strlen("個人番号");
            while (*p == ' ')
                p++;
            if (strlen(p) >= 12) {
                memcpy(mn, p, 12);
                mn[12] = '\0';
            }
        }
        tl_result_free(&r);
        if (!mynumber_valid(mn))
            continue;
        for (size_t k = 0; k < nf; k++) {
            ck_assert_msg(!tl_file_contains(files[k], mn, 12), "個人番号 in %s", files[k]);
            if (strstr(files[k], ".pdf")) {
                char *t = pdftotext(files[k]);
                ck_assert_msg(strstr(t, mn) == NULL, "個人番号 in the text of %s", files[k]);
                free(t);
            }
        }
    }
}

static struct store *open_store(struct actor *a)
{
    struct store *st = NULL;
    struct berr e;
    struct passwd *pw = getpwuid(geteuid());

    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, pw->pw_name, a, &e) == 0, "%s", e.msg);
    return st;
}

/* Three infants found 要精密 at their 4-month checkup in 2026-11. */
static void make_yoseimitsu(int n)
{
    char q[1024];

    snprintf(q, sizeof(q), "INSERT INTO checkups(person, form, exam_date, result, referral_targets, "
             "findings, created_by, created_at) SELECT atena, 'nyuyoji_4m', '2026-11-05', "
             "'yoseimitsu', CASE WHEN rowid %% 2 THEN 'me,mimi' ELSE 'shintai' END, "
             "CASE WHEN rowid %% 3 = 0 THEN 'shinzo' ELSE NULL END, 'test', 'now' FROM residents r "
             "WHERE birth >= '2026-05-01' AND status = 1 AND EXISTS (SELECT 1 FROM residents g "
             "WHERE g.setai = r.setai AND g.zokugara = '世帯主' AND g.status = 1 AND "
             "g.birth < '2000-01-01') ORDER BY atena LIMIT %d", n);
    sql(q);
}

/* ---- hospitals -------------------------------------------------------------- */

START_TEST(hospitals_import_rejects_whole_file_by_line_and_column)
{
    struct tl_result r;
    char *bad = xasprintf("%s/tests/data/hospitals/bad.csv", tl_src());
    char *hdr = tl_path(dir, "hdr.csv");

    ck_assert_int_eq(sql_long("SELECT count(*) FROM hospitals"), 4);
    tl_boshi_run(&r, db, NULL, "hospitals", "import", bad, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "bad.csv:3: 列「医療機関コード」: 10桁の数字ではありません") != NULL,
                  "%s", r.err);
    ck_assert(strstr(r.err, "bad.csv:4: 列「名称」: 必須項目が空です") != NULL);
    ck_assert(strstr(r.err, "bad.csv:4: 列「郵便番号」") != NULL);
    ck_assert(strstr(r.err, "bad.csv:4: 列「電話」") != NULL);
    ck_assert(strstr(r.err, "bad.csv:5: 列「医療機関コード」: 2 行目と同じ値") != NULL);
    ck_assert(strstr(r.err, "誤りが 5 件") != NULL);
    tl_result_free(&r);
    /* nothing changed: row 2 of the bad file is valid but was not applied either */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM hospitals"), 4);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM hospitals WHERE phone = '0120-111-222' AND "
                              "fax = '0120-111-223'"), 1);
    /* a missing column is named */
    const char *nopostal = "医療機関コード,名称,診療科,住所,電話,FAX\n1310000009,x,y,z,,\n";
    tl_write_file(hdr, nopostal, strlen(nopostal));
    tl_boshi_run(&r, db, NULL, "hospitals", "import", hdr, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "列「郵便番号」がありません") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "hospitals", "list", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "さくら眼科クリニック") != NULL);
    tl_result_free(&r);
    free(bad);
    free(hdr);
}
END_TEST

/* ---- referrals ----------------------------------------------------------------- */

static int count_row(const struct referral_row *r, void *ctx)
{
    long *n = ctx;

    (void)r;
    (*n)++;
    return 0;
}

START_TEST(referral_lifecycle_issue_slip_return_close_overdue)
{
    char *pdf = tl_path(dir, "ref.pdf"), *csv = tl_path(dir, "ref.csv");
    struct tl_result r;
    struct berr e;

    make_yoseimitsu(3);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE result = 'yoseimitsu'"), 3);
    run_ok(NULL, "referrals", "issue", "--reason", "試験", "--month", "2026-11", "--hospital", "1310000002", "-o", pdf,
           NULL);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM referrals"), 3);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM referrals WHERE issue_id IS NOT NULL AND "
                              "letter_issue_id IS NOT NULL AND hospital_code = '1310000002' AND "
                              "valid_until > '2026-12-31'"), 3);
    /* each referral's slip is a recorded 'form' issue of seimitsu_houkoku for the child */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM referrals f JOIN issues_printed i ON "
                              "i.issue_id = f.issue_id WHERE i.form = 'seimitsu_houkoku' AND "
                              "i.kind = 'form' AND i.person = f.person"), 3);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'letter' AND "
                              "form = 'seimitsu_houkoku'"), 3);
    ck_assert_int_eq(pdf_pages(pdf), 6);
    char *text = pdftotext(pdf);
    ck_assert(strstr(text, "精密健康診査依頼書") != NULL);
    ck_assert(strstr(text, "精密健康診査結果報告書") != NULL);
    ck_assert(strstr(text, "さくら眼科クリニック") != NULL);
    ck_assert(strstr(text, "依頼番号 R000001") != NULL);
    ck_assert(strstr(text, "有効期間") != NULL);
    ck_assert(strstr(text, "乳児健康診査") != NULL);
    ck_assert(strstr(text, "眼・耳") != NULL || strstr(text, "身体") != NULL);
    free(text);
    ck_assert_int_eq(count_lines(csv), 4);
    /* the slip's QR (page 2) decodes and verifies under this store's key */
    char *png = tl_path(dir, "slip");
    const char *pp[] = { "pdftoppm", "-r", "200", "-png", "-f", "2", "-l", "2", "-singlefile", pdf,
                         png, NULL };
    tl_run(&r, NULL, NULL, pp);
    tl_result_free(&r);
    char *pngf = xasprintf("%s.png", png);
    const char *zb[] = { "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", pngf, NULL };
    tl_run(&r, NULL, NULL, zb);
    ck_assert_msg(r.status == 0, "zbarimg: %s", r.err);
    char *nl = strchr(r.out, '\n');
    if (nl)
        *nl = '\0';
    struct actor a;
    struct store *st = open_store(&a);
    unsigned char key[32];
    struct qrpayload qp;
    store_key(st, KEY_QR_MAC, key);
    ck_assert_msg(qrpayload_parse(r.out, strlen(r.out), key, &qp, &e) == 0, "%s: %s", r.out, e.msg);
    tl_result_free(&r);
    ck_assert_str_eq(qp.form, "seimitsu_houkoku");
    char *first_issue = sql_str("SELECT issue_id FROM referrals ORDER BY id LIMIT 1");
    char *first_person = sql_str("SELECT person FROM referrals ORDER BY id LIMIT 1");
    ck_assert_str_eq(qp.issue, first_issue);
    ck_assert_str_eq(qp.subject, first_person);
    /* the slip comes back: stored and landed through intake's own landing */
    struct forms_registry *reg = NULL;
    char *defs = xasprintf("%s/forms/defs", tl_src());
    ck_assert_msg(forms_registry_load_dir(defs, &reg, &e) > 0, "%s", e.msg);
    int64_t batch = 0, page_id = 0;
    int resumed = 0;
    ck_assert_int_eq(store_begin(st, &e), 0);
    ck_assert_msg(batch_open(st, &a, "test-return", dir, &batch, &resumed, &e) == 0, "%s", e.msg);
    ck_assert_msg(scan_file_add(st, "aa00", "slip.png", 1, batch, &e) == 0, "%s", e.msg);
    struct reading_in rd[] = {
        { .field = "jushin_date", .value = "2026-11-20", .read_value = "2026-11-20",
          .confidence = 0.99, .decision = "accepted" },
        { .field = "shindan", .value = "keika", .read_value = "keika", .confidence = 0.99,
          .decision = "accepted" },
        { .field = "iryokikan", .value = "1", .read_value = "1", .confidence = 0.99,
          .decision = "accepted" },
        /* 要経過観察 needs the 所見 written (the form's rule, checked at landing) */
        { .field = "shoken", .value = "1", .read_value = "1", .confidence = 0.99,
          .decision = "accepted" },
    };
    struct page_in pin = {
        .sha = "bb00", .file_sha = "aa00", .source = "slip.png", .file_page = 0, .batch_id = batch,
        .form = "seimitsu_houkoku", .version = 1, .page_no = 1, .pages = 1, .subject = qp.subject,
        .issue_id = qp.issue, .dpi = 200, .readings = rd, .n_readings = 4,
    };
    ck_assert_msg(page_store(st, &a, &pin, &page_id, &e) == 0, "%s", e.msg);
    ck_assert_msg(intake_land_page(st, &a, reg, page_id, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(store_commit(st, &e), 0);
    forms_registry_free(&reg);
    free(defs);
    char q[256];
    snprintf(q, sizeof(q), "SELECT count(*) FROM referrals WHERE issue_id = '%s' AND result = 'keika' "
             "AND result_date = '2026-11-20' AND closed_at IS NOT NULL", first_issue);
    ck_assert_int_eq(sql_long(q), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM referrals WHERE closed_at IS NULL"), 2);
    tl_boshi_run(&r, db, NULL, "referrals", "list", "--open", NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert_msg(strstr(r.out, "2 件") != NULL, "%s", r.out);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "referrals", "list", NULL);
    ck_assert(strstr(r.out, "要経過観察 (令和8年11月20日)") != NULL);
    ck_assert(strstr(r.out, "3 件") != NULL);
    tl_result_free(&r);
    /* overdue: judged on the store's clock, the day after validity ends */
    char *until = sql_str("SELECT valid_until FROM referrals ORDER BY id LIMIT 1");
    struct ymd u, day;
    ck_assert_int_eq(ymd_parse_iso(until, &u), 0);
    day = u;
    store_set_today(st, day);
    long n_on = 0, n_after = 0;
    ck_assert_int_eq(referrals_list(st, &a, REFERRALS_OVERDUE, (struct ymd){ 0, 0, 0 },
                                    count_row, &n_on, &e), 0);
    store_set_today(st, ymd_from_days(ymd_to_days(u) + 1));
    ck_assert_int_eq(referrals_list(st, &a, REFERRALS_OVERDUE, (struct ymd){ 0, 0, 0 },
                                    count_row, &n_after, &e), 0);
    ck_assert_int_eq(n_on, 0);          /* valid through its last day */
    ck_assert_int_eq(n_after, 2);       /* the closed one is never overdue */
    store_close(&st);
    /* the same as PDF + CSV for the nurses */
    char *od = tl_path(dir, "overdue.pdf"), *odc = tl_path(dir, "overdue.csv");
    char after[16];
    ymd_iso(ymd_from_days(ymd_to_days(u) + 10), after);
    run_ok(NULL, "referrals", "overdue", "--reason", "試験", "--date", after, "-o", od, NULL);
    ck_assert_int_eq(count_lines(odc), 3);
    text = pdftotext(od);
    ck_assert(strstr(text, "期限切れ") != NULL);
    ck_assert(strstr(text, "10 日") != NULL);
    /* issue 12: the 有効期限 in 和暦, never ISO, on the list people read (PDF and CSV) */
    char u_jp[48], u_iso[11];
    jpdate_format(u, u_jp, sizeof(u_jp));
    ymd_iso(u, u_iso);
    ck_assert_msg(strstr(text, u_jp) != NULL && strstr(text, u_iso) == NULL, "%s", text);
    char *odtext = tl_read_file(odc, NULL);
    ck_assert_msg(strstr(odtext, u_jp) != NULL && strstr(odtext, u_iso) == NULL, "%s", odtext);
    free(odtext);
    free(text);
    /* issued once: a second run issues nothing */
    run_ok(NULL, "referrals", "issue", "--reason", "試験", "-o", pdf, NULL);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM referrals"), 3);
    /* never a 個人番号 */
    char *p1 = sql_str("SELECT person FROM referrals ORDER BY id LIMIT 1 OFFSET 1");
    char *p2 = sql_str("SELECT person FROM referrals ORDER BY id LIMIT 1 OFFSET 2");
    const char *people[] = { first_person, p1, p2 };
    const char *files[] = { pdf, csv, od, odc };
    assert_no_mynumber(people, 3, files, 4);
    free(p1);
    free(p2);
    free(until);
    free(first_issue);
    free(first_person);
    free(od);
    free(odc);
    free(pngf);
    free(png);
    free(pdf);
    free(csv);
}
END_TEST

/* ---- reminders ------------------------------------------------------------------ */

START_TEST(reminders_only_issued_unexamined_residents)
{
    char *t = tl_path(dir, "t.pdf"), *pdf = tl_path(dir, "rem.pdf"), *csv = tl_path(dir, "rem.csv");
    struct tl_result r;
    const char *month = NULL;
    long issued = 0;
    /* a month whose 1歳6か月 cohort has enough children */
    static const char *const months[] = { "2026-10", "2026-09", "2026-08", "2026-07", "2026-06" };

    for (size_t i = 0; i < 5 && issued < 4; i++) {
        month = months[i];
        run_ok(NULL, "targets", "--reason", "試験", "nyuyoji_1y6m", "--month", month, "--date", "2026-10-14", "--as-of",
               "2026-10-01", "-o", t,
               NULL);
        char q[256];
        snprintf(q, sizeof(q), "SELECT count(*) FROM issues_printed WHERE form = 'nyuyoji_1y6m' AND "
                 "kind = 'form' AND month = '%s'", month);
        issued = sql_long(q);
    }
    ck_assert_int_ge(issued, 4);
    char q[512];
    /* one child examined, one moved out, one never issued (not in the cohort): no reminder */
    snprintf(q, sizeof(q), "INSERT INTO checkups(person, form, exam_date, created_by, created_at) "
             "SELECT person, form, '2026-10-14', 't', 'now' FROM issues_printed WHERE kind = 'form' "
             "AND form = 'nyuyoji_1y6m' AND month = '%s' ORDER BY id LIMIT 1", month);
    sql(q);
    snprintf(q, sizeof(q), "UPDATE residents SET status = 2, idou_code = '04', idou_date = "
             "'2026-10-20' WHERE atena = (SELECT person FROM issues_printed WHERE kind = 'form' AND "
             "form = 'nyuyoji_1y6m' AND month = '%s' ORDER BY id DESC LIMIT 1)", month);
    sql(q);
    char *examined = NULL, *moved = NULL;
    snprintf(q, sizeof(q), "SELECT name FROM residents WHERE atena = (SELECT person FROM "
             "issues_printed WHERE kind = 'form' AND form = 'nyuyoji_1y6m' AND month = '%s' ORDER BY "
             "id LIMIT 1)", month);
    examined = sql_str(q);
    snprintf(q, sizeof(q), "SELECT name FROM residents WHERE status = 2 AND atena IN (SELECT person "
             "FROM issues_printed WHERE kind = 'form' AND month = '%s')", month);
    moved = sql_str(q);
    run_ok(NULL, "reminders", "--reason", "試験", "nyuyoji_1y6m", "--month", month, "-o", pdf, NULL);
    long reminders = sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'reminder'");
    /* independently: issued, resident, not examined, with a guardian listed (CSV rows) */
    snprintf(q, sizeof(q), "SELECT count(DISTINCT i.person) FROM issues_printed i JOIN residents r ON "
             "r.atena = i.person WHERE i.kind = 'form' AND i.form = 'nyuyoji_1y6m' AND i.month = '%s' "
             "AND r.status = 1 AND NOT EXISTS (SELECT 1 FROM checkups c WHERE c.person = i.person "
             "AND c.form = 'nyuyoji_1y6m')", month);
    long expect = sql_long(q);
    ck_assert_int_eq(expect, issued - 2);
    ck_assert_int_eq(count_lines(csv) - 1, expect);          /* every one listed */
    ck_assert_int_le(reminders, expect);                     /* exceptions get none */
    ck_assert_int_gt(reminders, 0);
    ck_assert_int_eq(pdf_pages(pdf), (int)reminders);
    char *text = pdftotext(pdf);
    ck_assert(strstr(text, "受診のおすすめ") != NULL);
    ck_assert(strstr(text, "1歳6か月児健康診査") != NULL);
    ck_assert(strstr(text, "様") != NULL);
    ck_assert_msg(strstr(text, examined) == NULL, "examined child %s reminded", examined);
    ck_assert_msg(strstr(text, moved) == NULL, "moved-out child %s reminded", moved);
    free(text);
    /* recorded: kind reminder, the month, each a resident child of the cohort */
    snprintf(q, sizeof(q), "SELECT count(*) FROM issues_printed m WHERE m.kind = 'reminder' AND "
             "m.month = '%s' AND m.form = 'nyuyoji_1y6m' AND EXISTS (SELECT 1 FROM issues_printed i "
             "WHERE i.kind = 'form' AND i.person = m.person AND i.month = m.month)", month);
    ck_assert_int_eq(sql_long(q), reminders);
    /* the second run sends nothing twice */
    tl_boshi_run(&r, db, NULL, "reminders", "--reason", "試験", "nyuyoji_1y6m", "--month", month, "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 0);
    ck_assert(strstr(r.out, "発行 0") != NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'reminder'"), reminders);
    /* not a checkup form: refused with the list */
    tl_boshi_run(&r, db, NULL, "reminders", "--reason", "試験", "ninpu_jushinken", "--month", month, "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    free(examined);
    free(moved);
    free(t);
    free(pdf);
    free(csv);
}
END_TEST

/* ---- vouchers -------------------------------------------------------------------- */

static char *csv_line_with(const char *csv, const char *needle)
{
    size_t len;
    char *c = tl_read_file(csv, &len), *res = NULL;

    ck_assert_ptr_nonnull(c);
    for (char *line = c; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strstr(line, needle) && res == NULL)
            res = xstrdup(line);
        line = nl ? nl + 1 : NULL;
    }
    free(c);
    return res;
}

START_TEST(voucher_exceptions_caught_and_not_paid)
{
    char *vp = tl_path(dir, "v.pdf"), *pdf = tl_path(dir, "pay.pdf"), *csv = tl_path(dir, "pay.csv");
    struct tl_result r;
    char q[2048];
    /* three mothers: A (normal, then delivers), B (moves out mid-month), C (not in the master) */
    char *a = sql_str("SELECT atena FROM residents WHERE sex = 2 AND status = 1 AND zokugara = '妻' "
                      "AND birth BETWEEN '1988-01-01' AND '1996-01-01' ORDER BY atena LIMIT 1");
    char *b = sql_str("SELECT atena FROM residents WHERE sex = 2 AND status = 1 AND zokugara = '妻' "
                      "AND birth BETWEEN '1988-01-01' AND '1996-01-01' ORDER BY atena LIMIT 1 OFFSET 1");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    run_ok(NULL, "forms", "print", "ninpu_jushinken", "--person", a, "-o", vp, NULL);
    run_ok(NULL, "forms", "print", "ninpu_jushinken", "--person", a, "-o", vp, NULL);  /* a 2nd book */
    run_ok(NULL, "forms", "print", "ninpu_jushinken", "--person", b, "-o", vp, NULL);
    /* vouchers were issued in spring; A's baby is born on 2026-11-15 */
    sql("UPDATE issues_printed SET printed_at = '2026-04-01T00:00:00.000Z' WHERE kind = 'voucher'");
    snprintf(q, sizeof(q), "INSERT INTO residents(atena, setai, name, kana, sex, birth, zokugara, "
             "status, postal, address, idou_code, idou_date, name_key, kana_key, addr_key, import_id) "
             "SELECT '9000000001', setai, '新生　児', 'シンセイ　ジ', 1, '2026-11-15', '子', 1, postal, "
             "address, '01', '2026-11-15', 'x', 'x', 'x', 0 FROM residents WHERE atena = '%s'", a);
    sql(q);
    /* B moved out on 2026-11-10 */
    snprintf(q, sizeof(q), "UPDATE residents SET status = 2, idou_code = '04', idou_date = "
             "'2026-11-10' WHERE atena = '%s'", b);
    sql(q);
#define V(kai_, book, who, date, clinic, amount)                                                     \
    "INSERT INTO vouchers(issue_id, mother, kai, used_date, clinic_code, tests, amount_yen, "        \
    "created_at) SELECT issue_id, person, seq, '" date "', '" clinic "', 'kihon,ketsueki', " amount   \
    ", 'now' FROM issues_printed WHERE kind = 'voucher' AND person = '%s' AND seq = " #kai_           \
    " ORDER BY id LIMIT 1 OFFSET " #book ";"
    snprintf(q, sizeof(q),
             V(1, 0, a, "2026-11-02", "1310000004", "15000")   /* paid 13,000 (fee cap) */
             V(2, 0, a, "2026-11-09", "1310000004", "4000")    /* paid 4,000 (claim) */
             V(2, 0, a, "2026-11-10", "1310000004", "4000")    /* the same voucher again */
             V(3, 1, a, "2026-11-12", "1310000001", "5000")    /* 2nd book, 回数 3 ... */
             V(3, 0, a, "2026-11-13", "1310000001", "5000")    /* ... and 1st book 回数 3 later */
             V(4, 0, a, "2026-11-20", "1310000004", "NULL")    /* after the birth on 11-15 */
             , a, a, a, a, a, a);
    sql(q);
    snprintf(q, sizeof(q),
             V(1, 0, b, "2026-11-05", "1310000001", "NULL")    /* before moving out: paid 13,000 */
             V(2, 0, b, "2026-11-14", "1310000001", "5000")    /* after moving out */
             , b, b);
    sql(q);
#undef V
    sql("INSERT INTO vouchers(issue_id, mother, kai, used_date, clinic_code, tests, amount_yen, "
        "created_at) VALUES ('I09999999', '0999999999', NULL, '2026-11-06', '1310000001', 'kihon', "
        "5000, 'now')");
    /* October and December uses are not this month's */
    snprintf(q, sizeof(q), "INSERT INTO vouchers(issue_id, mother, kai, used_date, clinic_code, "
             "amount_yen, created_at) SELECT issue_id, person, seq, '2026-10-30', '1310000004', 5000, "
             "'now' FROM issues_printed WHERE kind = 'voucher' AND person = '%s' AND seq = 5 LIMIT 1",
             b);
    sql(q);
    tl_boshi_run(&r, db, NULL, "report", "vouchers", "--reason", "試験", "--month", "2026-11", "-o", pdf, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    /* paid: A1 13000 + A2 4000 + A3(book 2) 5000 + B1 13000 = 35000 in 4 uses */
    ck_assert_msg(strstr(r.out, "支払 4 件 35000 円 (2 医療機関) / 例外 5 件") != NULL, "%s", r.out);
    tl_result_free(&r);
    char *l;
    l = csv_line_with(csv, "二重使用 (同じ受診券番号)");
    ck_assert_ptr_nonnull(l);
    ck_assert(strstr(l, "2026-11-10") != NULL && strstr(l, "\"例外\"") != NULL);
    free(l);
    l = csv_line_with(csv, "二重使用 (同じ妊娠で同じ回数)");
    ck_assert_ptr_nonnull(l);
    ck_assert(strstr(l, "2026-11-13") != NULL);
    free(l);
    l = csv_line_with(csv, "出産後の使用");
    ck_assert_ptr_nonnull(l);
    ck_assert(strstr(l, "2026-11-20") != NULL && strstr(l, "2026-11-15") != NULL);
    free(l);
    /* issue 12: the payment CSV is for machines: ISO dates, and its header says so */
    char *hl = csv_line_with(csv, "\"受診日 (YYYY-MM-DD)\"");
    ck_assert_ptr_nonnull(hl);
    free(hl);
    l = csv_line_with(csv, "2026-11-14\",\"");
    ck_assert_ptr_nonnull(l);
    ck_assert_msg(strstr(l, "転出・死亡後") != NULL, "%s", l);
    free(l);
    l = csv_line_with(csv, "I09999999");
    ck_assert_ptr_nonnull(l);
    ck_assert(strstr(l, "回数不明") != NULL);
    free(l);
    l = csv_line_with(csv, "2026-11-05");
    ck_assert(strstr(l, "\"13000\",\"13000\",\"支払\"") != NULL);
    free(l);
    ck_assert_ptr_null(csv_line_with(csv, "2026-10-30"));
    char *text = pdftotext(pdf);
    ck_assert(strstr(text, "支払一覧") != NULL);
    ck_assert(strstr(text, "あおば産婦人科医院") != NULL);
    ck_assert(strstr(text, "みどり市立病院") != NULL);
    ck_assert(strstr(text, "35,000") != NULL);
    ck_assert(strstr(text, "例外一覧") != NULL);
    ck_assert(strstr(text, "出産後の使用") != NULL);
    free(text);
    const char *people[] = { a, b };
    const char *files[] = { pdf, csv };
    assert_no_mynumber(people, 2, files, 2);
    /* a fee setting can change what is paid */
    run_ok(NULL, "settings", "set", "voucher.fees",
           "10000,5000,5000,9000,5000,5000,5000,5000,9000,5000,5000,5000,5000,5000", NULL);
    tl_boshi_run(&r, db, NULL, "report", "vouchers", "--reason", "試験", "--month", "2026-11", "-o", pdf, NULL);
    ck_assert_msg(strstr(r.out, "支払 4 件 29000 円") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* a fee list that is not 14 amounts is refused when it is set, not at payment time */
    tl_boshi_run(&r, db, NULL, "settings", "set", "voucher.fees", "10000,5000", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "voucher.fees") != NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "report", "vouchers", "--reason", "試験", "--month", "2026-11", "-o", pdf, NULL);
    ck_assert_msg(strstr(r.out, "支払 4 件 29000 円") != NULL, "%s", r.out);
    tl_result_free(&r);
    free(a);
    free(b);
    free(vp);
    free(pdf);
    free(csv);
}
END_TEST

/* ---- usage and permissions --------------------------------------------------------- */

START_TEST(usage_errors_exit_2)
{
    static const char *const cases[][8] = {
        { "hospitals", "import", NULL },
        { "hospitals", "import", "a.csv", "b.csv", NULL },
        { "hospitals", "list", "extra", NULL },
        { "referrals", "issue", NULL },                              /* no -o */
        { "referrals", "issue", "--month", "2026-13", "-o", "x.pdf", NULL },
        { "referrals", "issue", "--bogus", "-o", "x.pdf", NULL },
        { "referrals", "list", "--closed", NULL },
        { "referrals", "overdue", NULL },
        { "referrals", "overdue", "--date", "きのう", "-o", "x.pdf", NULL },
        { "reminders", "nyuyoji_4m", NULL },                         /* no --month */
        { "reminders", "--month", "2026-10", NULL },                 /* no form */
        { "reminders", "nyuyoji_4m", "--month", "10/2026", NULL },
        { "report", "vouchers", NULL },
        { "report", "vouchers", "--month", "2026-11", "--encoding", "sjis", NULL },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *argv[12];
        int n = 0;
        struct tl_result r;
        argv[n++] = tl_boshi();
        argv[n++] = "--db";
        argv[n++] = db;
        for (int k = 0; cases[i][k]; k++)
            argv[n++] = cases[i][k];
        argv[n] = NULL;
        tl_run(&r, NULL, NULL, argv);
        ck_assert_msg(r.status == 2, "case %zu (%s %s): exit %d %s", i, cases[i][0], cases[i][1],
                      r.status, r.err);
        tl_result_free(&r);
    }
    /* --help works on each */
    static const char *const helps[][3] = {
        { "hospitals", "import" }, { "referrals", "issue" }, { "referrals", "overdue" },
        { "reminders", NULL }, { "report", "vouchers" },
    };
    for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++) {
        struct tl_result r;
        if (helps[i][1])
            tl_boshi_run(&r, db, NULL, helps[i][0], helps[i][1], "--help", NULL);
        else
            tl_boshi_run(&r, db, NULL, helps[i][0], "--help", NULL);
        ck_assert_int_eq(r.status, 0);
        ck_assert(strstr(r.out, "usage") != NULL);
        tl_result_free(&r);
    }
}
END_TEST

START_TEST(roles_clerk_nurse_manager)
{
    struct actor admin, clerk, nurse, manager;
    struct store *st = open_store(&admin);
    struct berr e;
    struct referral_due *d = NULL;
    struct target *t = NULL;
    struct hospitals_import_report rep;
    size_t n = 0;
    long cnt = 0;
    char *good = xasprintf("%s/tests/data/hospitals/good.csv", tl_src());
    static const struct { const char *login, *role; struct actor *a; } who[] = {
        { "suzuki", "事務", NULL }, { "sato", "保健師", NULL }, { "tanaka", "管理者", NULL },
    };
    struct actor *as[] = { &clerk, &nurse, &manager };

    for (size_t i = 0; i < 3; i++) {
        ck_assert_msg(users_add(st, &admin, who[i].login, who[i].login, NULL, &e) == 0, "%s", e.msg);
        ck_assert_msg(users_grant(st, &admin, who[i].login, who[i].role, NULL, &e) == 0, "%s", e.msg);
        ck_assert_msg(actor_for_os_user(st, who[i].login, as[i], &e) == 0, "%s", e.msg);
    }
    make_yoseimitsu(1);
    /* referrals: nurses and managers read records; a clerk does not */
    ck_assert_int_eq(referrals_due(st, &clerk, 0, 0, &d, &n, &e), BERR_DENIED);
    ck_assert_int_eq(referrals_due(st, &nurse, 0, 0, &d, &n, &e), 0);
    referrals_due_free(d, n);
    ck_assert_int_eq(referrals_due(st, &manager, 0, 0, &d, &n, &e), 0);
    referrals_due_free(d, n);
    ck_assert_int_eq(referrals_list(st, &clerk, REFERRALS_ALL, (struct ymd){ 0, 0, 0 }, count_row,
                                    &cnt, &e), BERR_DENIED);
    ck_assert_int_eq(referrals_list(st, &nurse, REFERRALS_ALL, (struct ymd){ 0, 0, 0 }, count_row,
                                    &cnt, &e), 0);
    /* reminders: whoever extracts targets (clerk, manager), not a nurse */
    ck_assert_int_eq(reminders_find(st, &nurse, "nyuyoji_4m", 2026, 10, &t, &n, NULL, &e), BERR_DENIED);
    ck_assert_int_eq(reminders_find(st, &clerk, "nyuyoji_4m", 2026, 10, &t, &n, NULL, &e), 0);
    targets_free(t, n);
    /* voucher payments: managers only */
    ck_assert_int_eq(vouchers_month(st, &clerk, 2026, 11, NULL, NULL, &e), BERR_DENIED);
    ck_assert_int_eq(vouchers_month(st, &nurse, 2026, 11, NULL, NULL, &e), BERR_DENIED);
    /* the hospital master: managers (reports) and nurses (records.write), not clerks */
    ck_assert_int_eq(hospitals_import(st, &clerk, good, &rep, &e), BERR_DENIED);
    ck_assert_int_eq(hospitals_import(st, &nurse, good, &rep, &e), 0);
    ck_assert_int_eq(rep.updated, 4);
    /* every person read is in the access log */
    store_close(&st);
    ck_assert_int_ge(sql_long("SELECT count(*) FROM audit_log WHERE function = 'referrals.due' AND "
                              "person IS NOT NULL"), 2);
    free(good);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("referrals");
    TCase *tc = tcase_create("referrals");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, hospitals_import_rejects_whole_file_by_line_and_column);
    tcase_add_test(tc, referral_lifecycle_issue_slip_return_close_overdue);
    tcase_add_test(tc, reminders_only_issued_unexamined_residents);
    tcase_add_test(tc, voucher_exceptions_caught_and_not_paid);
    tcase_add_test(tc, usage_errors_exit_2);
    tcase_add_test(tc, roles_clerk_nurse_manager);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
