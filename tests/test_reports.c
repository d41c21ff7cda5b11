/*
 * test_reports: printing as staff do it, checked with real tools - forms
 * blank and pre-filled (pdfinfo, pdftotext, pixels at 300 dpi, the QR
 * decoded with zbarimg and its HMAC verified), vouchers, the monthly
 * targets job against an independent count of the synthetic town, no
 * double issue, reissue, exceptions, the CSV twin, and that no 個人番号 is
 * ever printed.
 */
#include "base/qrpayload.h"
#include "demo/town.h"
#include "records/store.h"
#include "tests/lib/testlib.h"

#define pdftotext tl_pdftotext

#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *dir, *db, *town;
static struct town_params tp;

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

static void setup(void)
{
    struct town_stats s;
    struct berr e;
    FILE *f;

    dir = tl_tmpdir();
    db = tl_path(dir, "r.db");
    town = tl_path(dir, "town.csv");
    town_params_init(&tp);
    tp.residents = 20000;
    tp.seed = 7;
    tp.as_of = (struct ymd){ 2026, 11, 1 };
    tp.no_adult_per_10k = 300;   /* plenty of exceptions to see */
    f = fopen(town, "w");
    ck_assert_int_eq(town_write_csv(f, &tp, &s, &e), 0);
    fclose(f);
    run_ok(NULL, "init", NULL);
    run_ok(NULL, "residents", "import", "--full", town, NULL);
    run_ok(NULL, "settings", "set", "site.name", "みどり市 保健センター", NULL);
    run_ok(NULL, "settings", "set", "site.contact", "母子保健係 電話 0120-000-000", NULL);
    run_ok(NULL, "settings", "set", "site.address", "〒123-0000 みどり市本町1-1-1", NULL);
    run_ok(NULL, "settings", "set", "checkup.venue", "みどり市保健センター", NULL);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
    free(town);
}

static long sql_long(const char *sql)
{
    return tl_sql_long(db, sql);
}

/* Renders page `page` of pdf at 300 dpi grey; returns the PGM pixels. */
static unsigned char *render(const char *pdf, int page, int *w, int *h)
{
    char pg[16], *prefix = tl_path(dir, "render"), *pgm;
    struct tl_result r;
    size_t len;

    snprintf(pg, sizeof(pg), "%d", page);
    const char *argv[] = { "pdftoppm", "-r", "300", "-gray", "-f", pg, "-l", pg, "-singlefile",
                           pdf, prefix, NULL };
    tl_run(&r, NULL, NULL, argv);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    pgm = xasprintf("%s.pgm", prefix);
    char *data = tl_read_file(pgm, &len);
    ck_assert_ptr_nonnull(data);
    int maxv, off = 0;
    ck_assert_int_eq(sscanf(data, "P5 %d %d %d%n", w, h, &maxv, &off), 3);
    unsigned char *px = xmalloc((size_t)*w * (size_t)*h);
    memcpy(px, data + off + 1, (size_t)*w * (size_t)*h);
    free(data);
    free(pgm);
    free(prefix);
    return px;
}

/* First and last dark pixel of the run crossing (x0 .. x0+span) on row y. */
static void dark_run(const unsigned char *px, int w, int y, int x0, int span, int *a, int *b)
{
    *a = *b = -1;
    for (int x = x0; x < x0 + span && x < w; x++) {
        if (px[(size_t)y * (size_t)w + (size_t)x] < 128) {
            if (*a < 0)
                *a = x;
            *b = x;
        } else if (*a >= 0) {
            break;
        }
    }
}

static double mm_px(double mm)
{
    return mm * 300.0 / 25.4;
}

START_TEST(blank_form_text_geometry_and_qr)
{
    char *pdf = tl_path(dir, "blank.pdf");
    struct tl_result r;
    int w, h, a, b;

    /* issue 12: every form, blank, is a PDF poppler and qpdf accept without a warning */
    static const char *const every[] = { "ninpu_jushinken", "ninshin_todoke", "nyuyoji_4m",
                                         "nyuyoji_1y6m", "nyuyoji_3y", "seimitsu_houkoku",
                                         "nyuyoji_10m", "choukaku_jushinken",
                                         "shinseiji_houmon" };
    for (size_t i = 0; i < sizeof(every) / sizeof(every[0]); i++) {
        run_ok(NULL, "forms", "print", every[i], "--blank", "-o", pdf, NULL);
        tl_pdf_clean(pdf);
    }
    run_ok(NULL, "forms", "print", "nyuyoji_1y6m", "--blank", "-o", pdf, NULL);
    const char *info[] = { "pdfinfo", pdf, NULL };
    tl_run(&r, NULL, NULL, info);
    ck_assert(strstr(r.out, "Pages:           2") != NULL);
    ck_assert(strstr(r.out, "595.276 x 841.89 pts (A4)") != NULL);
    tl_result_free(&r);
    char *text = pdftotext(pdf);
    ck_assert(strstr(text, "1歳6か月児健康診査") != NULL);
    ck_assert(strstr(text, "問診票") != NULL);
    ck_assert(strstr(text, "総合判定") != NULL);
    ck_assert(strstr(text, "要精密") != NULL);
    free(text);
    /* the top-left registration mark: 8 mm square whose corner is at 15 mm */
    unsigned char *px = render(pdf, 1, &w, &h);
    ck_assert_int_le(abs(w - 2480), 1);      /* A4 at 300 dpi */
    dark_run(px, w, (int)mm_px(19), 0, w, &a, &b);
    ck_assert_msg(abs(a - (int)(mm_px(15) + 0.5)) <= 1, "mark left %d", a);
    ck_assert_msg(abs((b - a + 1) - (int)(mm_px(8) + 0.5)) <= 2, "mark width %d", b - a + 1);
    /* the top-right mark at 187 mm */
    dark_run(px, w, (int)mm_px(19), (int)mm_px(180), w, &a, &b);
    ck_assert_msg(abs(a - (int)(mm_px(187) + 0.5)) <= 1, "mark right at %d", a);
    free(px);
    /* the QR decodes, with a valid HMAC under this store's key */
    char *png = tl_path(dir, "page");
    const char *argv[] = { "pdftoppm", "-r", "200", "-png", "-f", "2", "-l", "2", "-singlefile", pdf,
                           png, NULL };
    tl_run(&r, NULL, NULL, argv);
    tl_result_free(&r);
    char *pngf = xasprintf("%s.png", png);
    const char *zb[] = { "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", pngf, NULL };
    tl_run(&r, NULL, NULL, zb);
    ck_assert_msg(r.status == 0, "zbarimg: %s", r.err);
    char *nl = strchr(r.out, '\n');
    if (nl)
        *nl = '\0';
    struct store *st;
    struct berr e;
    unsigned char key[32];
    struct qrpayload qp;
    ck_assert_int_eq(store_open(db, 0, &st, &e), 0);
    store_key(st, KEY_QR_MAC, key);
    store_close(&st);
    ck_assert_msg(qrpayload_parse(r.out, strlen(r.out), key, &qp, &e) == 0, "%s: %s", r.out, e.msg);
    ck_assert_str_eq(qp.form, "nyuyoji_1y6m");
    ck_assert_int_eq(qp.version, 3);         /* the latest: 歯科 (v2) and the 健やか親子21 問診 (v3) */
    ck_assert_int_eq(qp.page, 2);
    ck_assert_int_eq(qp.pages, 2);
    ck_assert_str_eq(qp.subject, "");
    key[0] ^= 1;
    ck_assert_int_ne(qrpayload_parse(r.out, strlen(r.out), key, &qp, &e), 0);
    tl_result_free(&r);
    free(pngf);
    free(png);
    free(pdf);
}
END_TEST

/* A resident with a 個人番号, in the form and the voucher: never printed. */
START_TEST(prefilled_vouchers_and_no_mynumber)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    char atena[16] = "", *pdf = tl_path(dir, "v.pdf");
    struct tl_result r;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT atena FROM residents WHERE sex = 2 AND status = 1 "
                     "AND mynumber_enc IS NOT NULL AND birth < '1995-01-01' AND birth > '1985-01-01' "
                     "LIMIT 1", -1, &s, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    snprintf(atena, sizeof(atena), "%s", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    /* her plain number, as the master file had it */
    char mn[13];
    tl_boshi_run(&r, db, NULL, "residents", "show", "--reveal-mynumber", "--reason", "テスト", atena,
                 NULL);
    char *p = strstr(r.out, "個人番号");
    ck_assert_ptr_nonnull(p);
    p += strlen("個人番号");
    while (*p == ' ')
        p++;
    memcpy(mn, p, 12);
    mn[12] = '\0';
    ck_assert(mynumber_valid(mn));
    tl_result_free(&r);
    run_ok(NULL, "forms", "print", "ninpu_jushinken", "--person", atena, "-o", pdf, NULL);
    const char *info[] = { "pdfinfo", pdf, NULL };
    tl_run(&r, NULL, NULL, info);
    /* the 14 妊婦 vouchers, then the 2 産婦 ones (産後2週間・産後1か月), then the 2
     * 新生児聴覚検査 ones (初回検査・確認検査) */
    ck_assert_msg(strstr(r.out, "Pages:           18") != NULL, "%s", r.out);
    tl_result_free(&r);
    char *text = pdftotext(pdf);
    ck_assert(strstr(text, "第1回") != NULL);
    ck_assert(strstr(text, "第14回") != NULL);
    ck_assert(strstr(text, "産婦健康診査") != NULL);
    ck_assert(strstr(text, "新生児聴覚検査費用助成券") != NULL);
    ck_assert(strstr(text, mn) == NULL);
    ck_assert(strstr(text, mn + 4) == NULL);     /* not even its tail */
    free(text);
    ck_assert(!tl_file_contains(pdf, mn, 12));
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT issue_id) FROM issues_printed WHERE "
                              "kind = 'voucher'"), 18);
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT seq) FROM issues_printed WHERE kind = 'voucher' AND "
                              "form = 'ninpu_jushinken'"), 14);
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT seq) FROM issues_printed WHERE kind = 'voucher' AND "
                              "form = 'sanpu_jushinken'"), 2);
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT seq) FROM issues_printed WHERE kind = 'voucher' AND "
                              "form = 'choukaku_jushinken'"), 2);
    /* 妊娠届出書 has no subject: refused for a person */
    tl_boshi_run(&r, db, NULL, "forms", "print", "ninshin_todoke", "--person", atena, "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "forms", "print", "nosuchform", "--blank", "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "nyuyoji_4m") != NULL);   /* lists what exists */
    tl_result_free(&r);
    free(pdf);
}
END_TEST

static int pdf_page_count_of(const char *pdf)
{
    struct tl_result r;
    const char *argv[] = { "pdfinfo", pdf, NULL };
    int n = -1;

    tl_run(&r, NULL, NULL, argv);
    ck_assert_msg(r.status == 0, "pdfinfo %s: %s", pdf, r.err);
    const char *p = strstr(r.out, "Pages:");
    if (p)
        n = atoi(p + 6);
    tl_result_free(&r);
    return n;
}

START_TEST(targets_match_independent_count_and_issue_once)
{
    struct berr e;
    char *pdf = tl_path(dir, "t.pdf"), *csv = tl_path(dir, "t.csv");
    struct tl_result r;
    /* 4か月 in 2026-10: born 2026-06, independently counted by the generator */
    long expect = town_count_born_resident(&tp, 2026, 6, &e);

    ck_assert_int_gt(expect, 3);
    run_ok(NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-10", "--date", "2026-10-14", "--as-of", "2026-10-01", "-o", pdf, NULL);
    long forms = sql_long("SELECT count(*) FROM issues_printed WHERE form = 'nyuyoji_4m' AND "
                          "month = '2026-10' AND kind = 'form'");
    long letters = sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'letter'");
    size_t len;
    char *c = tl_read_file(csv, &len);
    ck_assert_ptr_nonnull(c);
    ck_assert(memcmp(c, "\xEF\xBB\xBF", 3) == 0);
    long rows = -1, exc = 0;
    for (char *p = c; (p = strchr(p, '\n')) != NULL; p++)
        rows++;
    for (char *p = c; (p = strstr(p, "例外")) != NULL; p++)
        exc++;
    ck_assert_int_eq(rows, expect);                 /* every target listed */
    ck_assert_int_eq(forms + exc, expect);          /* issued or an exception */
    ck_assert_int_eq(letters, forms);
    free(c);
    /* the PDF: a letter and 2 form pages per child; the guardian, never a 個人番号 */
    char *text = pdftotext(pdf);
    ck_assert(strstr(text, "のご案内") != NULL);
    ck_assert(strstr(text, "様") != NULL);
    ck_assert(strstr(text, "母子保健係") != NULL);
    ck_assert(strstr(text, "令和8年10月14日 (水)") != NULL);
    /* issue 12: the family's envelope holds the letter and the 問診票 only, an even
     * number of pages per child; the form is named by its title, never its id */
    ck_assert_msg(strstr(text, "健診従事者記入") == NULL, "健診票 in the families' PDF");
    ck_assert_msg(strstr(text, "nyuyoji_4m") == NULL, "internal form id printed");
    ck_assert(strstr(text, "乳児健康診査（3〜4か月児）（第2版）") != NULL);
    free(text);
    ck_assert_int_eq(pdf_page_count_of(pdf), (int)(2 * forms));
    char *staff = tl_path(dir, "t-kenshinhyo.pdf");
    ck_assert_int_eq(pdf_page_count_of(staff), (int)forms);
    text = pdftotext(staff);
    ck_assert(strstr(text, "健診従事者記入") != NULL);
    ck_assert(strstr(text, "保護者記入") == NULL);
    ck_assert(strstr(text, "のご案内") == NULL);
    free(text);
    free(staff);
    /* the same month again: nothing issued twice */
    run_ok(NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-10", "--date", "2026-10-14", "--as-of", "2026-10-01", "-o", pdf, NULL);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE form = 'nyuyoji_4m' AND "
                              "kind = 'form'"), forms);
    /* --reissue: new ids that name the ones they replace */
    run_ok(NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-10", "--date", "2026-10-14", "--as-of", "2026-10-01", "--reissue",
           "-o", pdf, NULL);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE form = 'nyuyoji_4m' AND "
                              "kind = 'form' AND reissue_of IS NOT NULL"), forms);
    /* a child examined is no longer a target */
    sqlite3 *h;
    sqlite3_open(db, &h);
    sqlite3_exec(h, "INSERT INTO checkups(person, form, exam_date, created_by, created_at) "
                    "SELECT person, form, '2026-10-14', 'test', 'now' FROM issues_printed WHERE "
                    "kind = 'form' AND form = 'nyuyoji_4m' LIMIT 1", NULL, NULL, NULL);
    sqlite3_close(h);
    tl_boshi_run(&r, db, NULL, "targets", "nyuyoji_4m", "--month", "2026-10", "--dry-run", NULL);
    char want[64];
    snprintf(want, sizeof(want), "対象者 %ld 人", expect - 1);
    ck_assert_msg(strstr(r.out, want) != NULL, "%s", r.out);
    tl_result_free(&r);
    /* missing --date: refused before anything is written */
    long before = sql_long("SELECT count(*) FROM issues_printed");
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_1y6m", "--month", "2026-10", "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "--date") != NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed"), before);
    free(pdf);
    free(csv);
}
END_TEST

START_TEST(targets_exceptions_and_cp932)
{
    struct tl_result r;
    char *pdf = tl_path(dir, "x.pdf"), *csv = tl_path(dir, "x.csv");
    long total = 0, exc = 0;

    /* find a month with an exception child among the 3-year-olds or 1y6m */
    static const char *const forms[] = { "nyuyoji_4m", "nyuyoji_1y6m", "nyuyoji_3y" };
    for (int f = 0; f < 3 && exc == 0; f++) {
        for (int m = 1; m <= 12 && exc == 0; m++) {
            char month[24];
            snprintf(month, sizeof(month), "2026-%02d", m);
            tl_boshi_run(&r, db, NULL, "targets", forms[f], "--month", month, "--dry-run", NULL);
            if (strstr(r.out, "例外") != NULL) {
                tl_result_free(&r);
                char day[32];
                snprintf(day, sizeof(day), "%s-15", month);
                tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", forms[f], "--month", month, "--date", day,
                             "--as-of", "2026-01-01", "--force", "--encoding", "cp932", "-o", pdf, NULL);
                ck_assert_msg(r.status == 0, "%s", r.err);
                ck_assert(strstr(r.out, "例外 (保護者なし) 0") == NULL);
                exc = 1;
            }
            total++;
            tl_result_free(&r);
        }
    }
    ck_assert_msg(exc == 1, "no exception child in %ld runs", total);
    size_t len;
    char *c = tl_read_file(csv, &len);
    ck_assert(memcmp(c, "\xEF\xBB\xBF", 3) != 0);
    ck_assert(!utf8_valid(c, len));                  /* CP932 bytes */
    /* 例外 in CP932 is 97 E1 8A 4F */
    ck_assert(memmem(c, len, "\x97\xe1\x8a\x4f", 4) != NULL);
    free(c);
    free(pdf);
    free(csv);
}
END_TEST

/* Mistakes a clerk can make, refused before anything is issued. */
START_TEST(printing_refuses_what_cannot_be_right)
{
    struct tl_result r;
    char *pdf = tl_path(dir, "x.pdf");
    char man[16] = "";
    sqlite3 *h;
    sqlite3_stmt *s;

    long before = sql_long("SELECT count(*) FROM issues_printed");
    /* a checkup day outside the month the letters are for */
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "--date", "2020-01-01",
                 "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "対象月") != NULL, "%s", r.err);
    tl_result_free(&r);
    /* issue 12: a checkup day in the past is refused, even with --force */
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-10", "--date", "2026-10-14",
                 "--as-of", "2026-10-20", "--force", "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "過ぎています") != NULL, "%s", r.err);
    tl_result_free(&r);
    /* a Sunday (令和9年1月10日) and a national holiday (成人の日, computed) need --force */
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2027-01", "--date", "2027-01-10",
                 "--as-of", "2026-12-01", "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "日曜日") != NULL && strstr(r.err, "--force") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2027-01", "--date", "2027-01-11",
                 "--as-of", "2026-12-01", "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "成人の日") != NULL, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2031-03", "--date", "2031-03-21",
                 "--as-of", "2026-12-01", "--dry-run", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "春分の日") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed"), before);
    /* with --force: printed, and the warning says why */
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2027-01", "--date", "2027-01-11",
                 "--as-of", "2026-12-01", "--force", "-o", pdf, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.err, "注意") != NULL && strstr(r.err, "成人の日") != NULL, "%s", r.err);
    ck_assert_msg(strstr(r.out, "片面") != NULL, "how to print: %s", r.out);
    tl_result_free(&r);
    before = sql_long("SELECT count(*) FROM issues_printed");
    /* 14 vouchers for a man of 60 */
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT atena FROM residents WHERE sex = 1 AND status = 1 "
                     "AND birth < '1970-01-01' LIMIT 1", -1, &s, NULL), SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    snprintf(man, sizeof(man), "%s", sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    tl_boshi_run(&r, db, NULL, "forms", "print", "ninpu_jushinken", "--person", man, "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "発行できません") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed"), before);
    /* settings that would break letters or payments later are refused now */
    static const char *const bad[][2] = {
        { "voucher.fees", "abc,x" }, { "voucher.fees", "1,2" }, { "referral.valid_months", "-3" },
        { "checkup.venue", "" }, { "checkup.nyuyoji_3y.age_months", "99" },
        { "voucher.choukaku_fee", "3千" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        tl_boshi_run(&r, db, NULL, "settings", "set", bad[i][0], bad[i][1], NULL);
        ck_assert_msg(r.status == 1, "%s=%s accepted", bad[i][0], bad[i][1]);
        tl_result_free(&r);
    }
    /* a 個人番号 typed into a reason never reaches the access log */
    tl_boshi_run(&r, db, NULL, "residents", "show", "--reveal-mynumber", "--reason",
                 "本人申出 123456789018 照合", man, NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE detail LIKE '%123456789018%'"), 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE detail LIKE '%本人申出 ************%'"), 1);
    free(pdf);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reports");
    TCase *tc = tcase_create("print");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, blank_form_text_geometry_and_qr);
    tcase_add_test(tc, prefilled_vouchers_and_no_mynumber);
    tcase_add_test(tc, targets_match_independent_count_and_issue_once);
    tcase_add_test(tc, targets_exceptions_and_cp932);
    tcase_add_test(tc, printing_refuses_what_cannot_be_right);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
