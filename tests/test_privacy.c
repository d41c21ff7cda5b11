/*
 * test_privacy: the two privacy promises of issue 15 (README "支援措置" and
 * "Personal CSVs"), through the real boshi binary on a store loaded from a
 * generated town whose households are partly under 支援措置 (demo town
 * --shien, deterministic by seed):
 *  - no flagged person's address in the text of any PDF (pdftotext) or in
 *    any CSV of the checkup job, the reminders and the referrals (issue and
 *    overdue);
 *  - their letters are left out and listed apart until a 管理者's release,
 *    printed after it; the release is audited;
 *  - residents find / show show the flag;
 *  - a personal CSV is refused without the permission export.personal or a
 *    reason (the PDF is still written), and its access-log entry holds the
 *    sha256 of the file as written;
 *  - audit_flagged_views lists the month's views of flagged people;
 *  - a master without the column keeps the flags, the history keeps them.
 */
#include "demo/town.h"
#include "records/shien.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <pwd.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *dir, *db, *town;

/* Runs boshi on db; the result in *r (caller frees). */
static void run(struct tl_result *r, ...)
{
    const char *argv[48];
    int n = 0;
    va_list ap;
    const char *a;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    va_start(ap, r);
    while ((a = va_arg(ap, const char *)) != NULL && n < 46)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    tl_run(r, NULL, NULL, argv);
}

#define RUN_OK(r, ...)                                                                     \
    do {                                                                                   \
        run(r, __VA_ARGS__, NULL);                                                         \
        ck_assert_msg((r)->status == 0, "exit %d: %s", (r)->status, (r)->err);             \
    } while (0)

/* First column of the first row as text (caller frees), or NULL. */
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

/* Every row's first column (NULL-terminated, caller frees with strv_free). */
static char **sql_strv(const char *q)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    char **v = xcalloc(1, sizeof(*v));
    size_t n = 0;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_msg(sqlite3_prepare_v2(h, q, -1, &s, NULL) == SQLITE_OK, "%s", q);
    while (sqlite3_step(s) == SQLITE_ROW) {
        v = xrealloc(v, (n + 2) * sizeof(*v));
        v[n++] = xstrdup((const char *)sqlite3_column_text(s, 0));
        v[n] = NULL;
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static void strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static char *pdftext(const char *pdf)
{
    struct tl_result r;
    const char *argv[] = { "pdftotext", pdf, "-", NULL };

    tl_run(&r, NULL, NULL, argv);
    ck_assert_msg(r.status == 0, "pdftotext %s: %s", pdf, r.err);
    free(r.err);
    return r.out;
}

/*
 * The addresses of flagged residents that no unflagged resident shares: none
 * may appear in a list or, before a release, in a letter.
 */
static char **flagged_addresses(void)
{
    return sql_strv("SELECT DISTINCT address FROM residents r WHERE shien = 1 AND NOT EXISTS "
                    "(SELECT 1 FROM residents x WHERE x.shien = 0 AND x.address = r.address)");
}

/* No flagged address (except those of the households in `except`, may be NULL) in file. */
static void assert_no_flagged_address(const char *file, const char *except_setai)
{
    char **addr = flagged_addresses();
    char *text = NULL;
    char q[256];

    ck_assert_ptr_nonnull(addr[0]);
    if (access(file, F_OK) != 0) {
        strv_free(addr);
        return;          /* a job that printed nothing wrote no PDF */
    }
    if (strstr(file, ".pdf") != NULL)
        text = pdftext(file);
    for (size_t i = 0; addr[i]; i++) {
        if (except_setai != NULL) {
            char *esc = sqlite3_mprintf("%q", addr[i]);
            snprintf(q, sizeof(q), "SELECT count(*) FROM residents WHERE setai = '%s' AND "
                     "address = '%s'", except_setai, esc);
            sqlite3_free(esc);
            if (tl_sql_long(db, q) > 0)
                continue;
        }
        if (text != NULL)
            ck_assert_msg(strstr(text, addr[i]) == NULL, "flagged address in the text of %s: %s",
                          file, addr[i]);
        else
            ck_assert_msg(!tl_file_contains(file, addr[i], strlen(addr[i])),
                          "flagged address in %s: %s", file, addr[i]);
    }
    free(text);
    strv_free(addr);
}

/* The first 宛名番号 listed under the 支援措置 heading of a print job's output, or "". */
static void held_atena(const char *out, char atena[11])
{
    const char *p = strstr(out, "支援措置: 管理者の確認が必要 (");

    atena[0] = '\0';
    if (p == NULL || (p = strchr(p, '\n')) == NULL)
        return;
    while (*p == '\n' || *p == ' ')
        p++;
    if (strlen(p) >= 10) {
        memcpy(atena, p, 10);
        atena[10] = '\0';
    }
}

/* Releases every flagged member of atena's household (a letter is held for child or guardian). */
static void release_household(const char *atena, const char *reason)
{
    char q[256];
    struct tl_result r;

    snprintf(q, sizeof(q), "SELECT atena FROM residents WHERE shien = 1 AND setai = (SELECT setai "
             "FROM residents WHERE atena = '%s')", atena);
    char **v = sql_strv(q);
    for (size_t i = 0; v[i]; i++) {
        RUN_OK(&r, "residents", "release", v[i], "--reason", reason);
        tl_result_free(&r);
    }
    strv_free(v);
}

static long count_q(const char *fmt, const char *a, const char *b)
{
    char q[512];

    snprintf(q, sizeof(q), fmt, a, b ? b : "");
    return tl_sql_long(db, q);
}

static void setup(void)
{
    struct tl_result r;

    dir = tl_tmpdir();
    db = tl_path(dir, "p.db");
    town = tl_path(dir, "town.csv");
    /* 40% of households under 支援措置: every month's cohort has some */
    RUN_OK(&r, "demo", "town", "--residents", "8000", "--seed", "11", "--as-of", "2026-10-01",
           "--shien", "4000", "-o", town);
    tl_result_free(&r);
    RUN_OK(&r, "init", "--demo");
    tl_result_free(&r);
    RUN_OK(&r, "residents", "import", "--full", town);
    tl_result_free(&r);
    RUN_OK(&r, "settings", "set", "site.name", "みどり市 保健センター");
    tl_result_free(&r);
    RUN_OK(&r, "settings", "set", "site.contact", "母子保健係 電話 0120-000-000");
    tl_result_free(&r);
    RUN_OK(&r, "settings", "set", "site.address", "〒123-0000 みどり市本町1-1-1");
    tl_result_free(&r);
    RUN_OK(&r, "settings", "set", "checkup.venue", "みどり市保健センター");
    tl_result_free(&r);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
    free(town);
}

/* ---- the generated town ------------------------------------------------------ */

START_TEST(town_flags_households_by_seed)
{
    size_t len;
    char *csv = tl_read_file(town, &len);
    char *again = tl_path(dir, "again.csv"), *plain = tl_path(dir, "plain.csv");
    struct tl_result r;

    ck_assert_ptr_nonnull(csv);
    ck_assert_msg(strstr(csv, ",個人番号,支援措置\n") != NULL, "header: %.200s", csv);
    long flagged = tl_sql_long(db, "SELECT count(*) FROM residents WHERE shien = 1");
    long total = tl_sql_long(db, "SELECT count(*) FROM residents");
    ck_assert_int_gt(flagged, total / 5);
    ck_assert_int_lt(flagged, total * 3 / 5);
    /* whole households */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents a JOIN residents b ON "
                                     "a.setai = b.setai WHERE a.shien <> b.shien"), 0);
    /* the same seed gives the same bytes; without --shien the file has no such column */
    RUN_OK(&r, "demo", "town", "--residents", "8000", "--seed", "11", "--as-of", "2026-10-01",
           "--shien", "4000", "-o", again);
    tl_result_free(&r);
    size_t len2;
    char *csv2 = tl_read_file(again, &len2);
    ck_assert(len == len2 && memcmp(csv, csv2, len) == 0);
    RUN_OK(&r, "demo", "town", "--residents", "8000", "--seed", "11", "--as-of", "2026-10-01",
           "-o", plain);
    tl_result_free(&r);
    ck_assert(!tl_file_contains(plain, "支援措置", strlen("支援措置")));
    free(csv);
    free(csv2);
    free(again);
    free(plain);
}
END_TEST

/* ---- letters and lists ---------------------------------------------------------- */

START_TEST(letters_wait_for_release_and_no_address_on_any_list)
{
    static const char *const months[][2] = { { "2026-10", "2026-10-14" }, { "2026-11", "2026-11-11" } };
    static const char *const forms[] = { "nyuyoji_4m", "nyuyoji_10m", "nyuyoji_1y6m" };
    char *pdf = tl_path(dir, "t.pdf"), *staff = tl_path(dir, "t-kenshinhyo.pdf");
    char *csv = tl_path(dir, "t.csv");
    char held[11] = "", setai[16] = "";
    const char *form = NULL, *month = NULL, *day = NULL;
    struct tl_result r;

    /* a job whose cohort has a flagged child with a guardian, and someone printed */
    for (size_t f = 0; f < 3 && !held[0]; f++) {
        for (size_t m = 0; m < 2 && !held[0]; m++) {
            RUN_OK(&r, "targets", forms[f], "--month", months[m][0], "--date", months[m][1],
                   "--as-of", "2026-10-01", "--reason", "健診の準備", "-o", pdf);
            held_atena(r.out, held);
            if (held[0] && strstr(r.out, "発行 0 /") != NULL)
                held[0] = '\0';
            if (held[0]) {
                form = forms[f];
                month = months[m][0];
                day = months[m][1];
            }
            tl_result_free(&r);
        }
    }
    ck_assert_msg(held[0], "no cohort with a flagged child");
    char *s = sql_str("SELECT 1");
    free(s);
    {
        char q[128];
        snprintf(q, sizeof(q), "SELECT setai FROM residents WHERE atena = '%s'", held);
        char *v = sql_str(q);
        snprintf(setai, sizeof(setai), "%s", v);
        free(v);
    }
    /* left out of the print run, listed apart, no address anywhere */
    ck_assert_int_eq(count_q("SELECT count(*) FROM issues_printed WHERE person = '%s' AND month = '%s'",
                             held, month), 0);
    ck_assert(tl_file_contains(csv, SHIEN_HELD_TEXT, strlen(SHIEN_HELD_TEXT)));
    ck_assert(tl_file_contains(csv, SHIEN_ADDRESS_TEXT, strlen(SHIEN_ADDRESS_TEXT)));
    assert_no_flagged_address(pdf, NULL);
    assert_no_flagged_address(staff, NULL);
    assert_no_flagged_address(csv, NULL);

    /* the child alone released: the guardian (same household, flagged too) still holds it */
    RUN_OK(&r, "residents", "release", held, "--reason", "子の送付先を確認");
    tl_result_free(&r);
    RUN_OK(&r, "targets", form, "--month", month, "--date", day, "--as-of", "2026-10-01",
           "--reason", "健診の準備", "-o", pdf);
    ck_assert_msg(strstr(r.out, held) != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT count(*) FROM issues_printed WHERE person = '%s' AND month = '%s'",
                             held, month), 0);
    /* the household released: the letter prints, the list still hides the address */
    release_household(held, "管理者が住所を確認済み");
    ck_assert_int_ge(count_q("SELECT count(*) FROM audit_log WHERE function = 'shien.release' AND "
                             "person = '%s' AND detail LIKE '%%管理者が住所を確認済み%%'", held, NULL), 1);
    RUN_OK(&r, "targets", form, "--month", month, "--date", day, "--as-of", "2026-10-01",
           "--reason", "健診の準備", "-o", pdf);
    ck_assert_msg(strstr(r.out, held) == NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT count(*) FROM issues_printed WHERE person = '%s' AND month = '%s' "
                             "AND kind = 'letter'", held, month), 1);
    assert_no_flagged_address(csv, NULL);
    assert_no_flagged_address(pdf, setai);      /* only the released household's own letter */

    /* reminders: the release has lapsed, so the 受診勧奨 waits for a new one */
    tl_sql_exec(db, "UPDATE shien_releases SET valid_until = '2026-10-31'");
    char *rem = tl_path(dir, "rem.pdf"), *remcsv = tl_path(dir, "rem.csv");
    RUN_OK(&r, "reminders", form, "--month", month, "--reason", "受診勧奨", "-o", rem);
    ck_assert_msg(strstr(r.out, held) != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT count(*) FROM issues_printed WHERE person = '%s' AND month = '%s' "
                             "AND kind = 'reminder'", held, month), 0);
    ck_assert(tl_file_contains(remcsv, SHIEN_HELD_TEXT, strlen(SHIEN_HELD_TEXT)));
    assert_no_flagged_address(rem, NULL);
    assert_no_flagged_address(remcsv, NULL);
    release_household(held, "勧奨の送付先を確認");
    RUN_OK(&r, "reminders", form, "--month", month, "--reason", "受診勧奨", "-o", rem);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT count(*) FROM issues_printed WHERE person = '%s' AND month = '%s' "
                             "AND kind = 'reminder'", held, month), 1);
    assert_no_flagged_address(remcsv, NULL);
    assert_no_flagged_address(rem, setai);

    /* referrals: a flagged and an unflagged child found 要精密 */
    tl_sql_exec(db, "UPDATE shien_releases SET valid_until = '2026-10-31'");
    tl_sql_exec(db, "INSERT INTO checkups(person, form, exam_date, result, referral_targets, "
                    "created_by, created_at) SELECT atena, 'nyuyoji_4m', '2026-11-05', 'yoseimitsu', "
                    "'me', 'test', 'now' FROM residents r WHERE birth >= '2026-04-01' AND status = 1 AND "
                    "shien = 1 AND EXISTS (SELECT 1 FROM residents g WHERE g.setai = r.setai AND "
                    "g.zokugara = '世帯主' AND g.status = 1 AND g.birth < '2000-01-01') "
                    "ORDER BY atena LIMIT 1");
    tl_sql_exec(db, "INSERT INTO checkups(person, form, exam_date, result, referral_targets, "
                    "created_by, created_at) SELECT atena, 'nyuyoji_4m', '2026-11-05', 'yoseimitsu', "
                    "'mimi', 'test', 'now' FROM residents r WHERE birth >= '2026-04-01' AND status = 1 AND "
                    "shien = 0 AND EXISTS (SELECT 1 FROM residents g WHERE g.setai = r.setai AND "
                    "g.zokugara = '世帯主' AND g.status = 1 AND g.birth < '2000-01-01') "
                    "ORDER BY atena LIMIT 1");
    char *flagged_child = sql_str("SELECT c.person FROM checkups c JOIN residents r ON r.atena = "
                                  "c.person WHERE c.result = 'yoseimitsu' AND r.shien = 1");
    ck_assert_ptr_nonnull(flagged_child);
    char *ref = tl_path(dir, "ref.pdf"), *refcsv = tl_path(dir, "ref.csv");
    RUN_OK(&r, "referrals", "issue", "--month", "2026-11", "--reason", "精密検査", "-o", ref);
    ck_assert_msg(strstr(r.out, flagged_child) != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT count(*) FROM referrals WHERE person = '%s'%s", flagged_child,
                             NULL), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM referrals"), 1);
    ck_assert(tl_file_contains(refcsv, SHIEN_HELD_TEXT, strlen(SHIEN_HELD_TEXT)));
    assert_no_flagged_address(ref, NULL);
    assert_no_flagged_address(refcsv, NULL);
    release_household(flagged_child, "依頼書の送付先を確認");
    RUN_OK(&r, "referrals", "issue", "--month", "2026-11", "--reason", "精密検査", "-o", ref);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT count(*) FROM referrals WHERE person = '%s'%s", flagged_child,
                             NULL), 1);
    /* overdue: the follow-up list shows neither address */
    tl_sql_exec(db, "UPDATE referrals SET valid_until = '2026-11-30'");
    char *od = tl_path(dir, "od.pdf"), *odcsv = tl_path(dir, "od.csv");
    RUN_OK(&r, "referrals", "overdue", "--date", "2026-12-15", "--reason", "追跡", "-o", od);
    tl_result_free(&r);
    ck_assert(tl_file_contains(odcsv, SHIEN_ADDRESS_TEXT, strlen(SHIEN_ADDRESS_TEXT)));
    assert_no_flagged_address(od, NULL);
    assert_no_flagged_address(odcsv, NULL);
    char *odtext = pdftext(od);
    ck_assert_msg(strstr(odtext, "支援措置のため") != NULL, "%s", odtext);
    free(odtext);
    tl_pdf_clean(od);
    tl_pdf_clean(pdf);

    free(flagged_child);
    free(pdf);
    free(staff);
    free(csv);
    free(rem);
    free(remcsv);
    free(ref);
    free(refcsv);
    free(od);
    free(odcsv);
}
END_TEST

/* ---- search ------------------------------------------------------------------------ */

START_TEST(find_and_show_show_the_flag)
{
    char *flagged = sql_str("SELECT atena FROM residents WHERE shien = 1 AND status = 1 ORDER BY atena LIMIT 1");
    char *plain = sql_str("SELECT atena FROM residents WHERE shien = 0 AND status = 1 ORDER BY atena LIMIT 1");
    char q[160];
    struct tl_result r;

    snprintf(q, sizeof(q), "SELECT kana FROM residents WHERE atena = '%s'", flagged);
    char *kana = sql_str(q);
    RUN_OK(&r, "residents", "show", flagged);
    ck_assert_msg(strstr(r.out, "【支援措置】") != NULL, "%s", r.out);
    ck_assert(strstr(r.out, "管理者の許可が必要") != NULL);
    tl_result_free(&r);
    RUN_OK(&r, "residents", "show", plain);
    ck_assert(strstr(r.out, "支援措置") == NULL);
    tl_result_free(&r);
    RUN_OK(&r, "residents", "find", "--kana", kana);
    ck_assert_msg(strstr(r.out, "【支援措置】") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* a release is shown, and needs a reason */
    run(&r, "residents", "release", flagged, NULL);
    ck_assert_int_eq(r.status, 2);
    tl_result_free(&r);
    run(&r, "residents", "release", plain, "--reason", "x", NULL);
    ck_assert_int_ne(r.status, 0);
    ck_assert_msg(strstr(r.err, "支援措置の対象ではありません") != NULL, "%s", r.err);
    tl_result_free(&r);
    RUN_OK(&r, "residents", "release", flagged, "--reason", "確認済み", "--until", "2099-01-01");
    tl_result_free(&r);
    RUN_OK(&r, "residents", "show", flagged);
    ck_assert_msg(strstr(r.out, "管理者の許可があります") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* every view of the flagged person is marked in the access log */
    snprintf(q, sizeof(q), "SELECT count(*) FROM audit_log WHERE person = '%s' AND function IN "
             "('residents.show', 'residents.find') AND detail LIKE '%%[支援措置]'", flagged);
    ck_assert_int_eq(tl_sql_long(db, q), 3);       /* two shows and the search */
    snprintf(q, sizeof(q), "SELECT count(*) FROM audit_log WHERE person = '%s' AND detail LIKE "
             "'%%支援措置%%'", plain);
    ck_assert_int_eq(tl_sql_long(db, q), 0);
    free(flagged);
    free(plain);
    free(kana);
}
END_TEST

/* ---- personal CSVs ------------------------------------------------------------------- */

START_TEST(personal_csv_needs_permission_and_reason_and_logs_its_digest)
{
    char *pdf = tl_path(dir, "c.pdf"), *csv = tl_path(dir, "c.csv");
    struct tl_result r;

    /* no reason: the PDF is written, the CSV is not */
    RUN_OK(&r, "targets", "nyuyoji_4m", "--month", "2026-10", "--date", "2026-10-14", "--as-of",
           "2026-10-01", "-o", pdf);
    ck_assert_msg(strstr(r.err, "--reason") != NULL, "%s", r.err);
    ck_assert(strstr(r.out, "書き出していません") != NULL);
    tl_result_free(&r);
    ck_assert_int_eq(access(pdf, F_OK), 0);
    ck_assert_int_ne(access(csv, F_OK), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'targets.csv'"), 0);

    /* with the permission and a reason: written, logged with the digest of its bytes */
    RUN_OK(&r, "targets", "nyuyoji_4m", "--month", "2026-10", "--date", "2026-10-14", "--as-of",
           "2026-10-01", "--reissue", "--reason", "会場の受付名簿", "-o", pdf);
    tl_result_free(&r);
    size_t len;
    char *bytes = tl_read_file(csv, &len);
    ck_assert_ptr_nonnull(bytes);
    unsigned char sha[32];
    char hex[65];
    crypto_hash_sha256(sha, (const unsigned char *)bytes, len);
    sodium_bin2hex(hex, sizeof(hex), sha, sizeof(sha));
    char *detail = sql_str("SELECT detail FROM audit_log WHERE function = 'targets.csv'");
    ck_assert_ptr_nonnull(detail);
    char want[80];
    snprintf(want, sizeof(want), "sha256=%s", hex);
    ck_assert_msg(strstr(detail, want) != NULL, "%s vs %s", detail, hex);
    ck_assert(strstr(detail, "会場の受付名簿") != NULL);
    free(detail);
    free(bytes);
    unlink(csv);

    /* the other personal CSVs: none without a reason, each logged with its digest with one */
    static const char *const fn[] = { "referrals.overdue.csv", "report.vouchers.csv" };
    for (int k = 0; k < 2; k++) {
        char *o = tl_path(dir, k ? "pay.pdf" : "od.pdf"), *oc = tl_path(dir, k ? "pay.csv" : "od.csv");
        if (k)
            RUN_OK(&r, "report", "vouchers", "--month", "2026-11", "-o", o);
        else
            RUN_OK(&r, "referrals", "overdue", "-o", o);
        ck_assert_msg(strstr(r.err, "--reason") != NULL, "%s", r.err);
        tl_result_free(&r);
        ck_assert_int_eq(access(o, F_OK), 0);
        ck_assert_int_ne(access(oc, F_OK), 0);
        if (k)
            RUN_OK(&r, "report", "vouchers", "--month", "2026-11", "--reason", "支払の確認", "-o", o);
        else
            RUN_OK(&r, "referrals", "overdue", "--reason", "支払の確認", "-o", o);
        tl_result_free(&r);
        bytes = tl_read_file(oc, &len);
        ck_assert_ptr_nonnull(bytes);
        crypto_hash_sha256(sha, (const unsigned char *)bytes, len);
        sodium_bin2hex(hex, sizeof(hex), sha, sizeof(sha));
        char q[128];
        snprintf(q, sizeof(q), "SELECT detail FROM audit_log WHERE function = '%s'", fn[k]);
        detail = sql_str(q);
        ck_assert_ptr_nonnull(detail);
        snprintf(want, sizeof(want), "sha256=%s", hex);
        ck_assert_msg(strstr(detail, want) != NULL, "%s vs %s", detail, hex);
        free(detail);
        free(bytes);
        free(o);
        free(oc);
    }

    /* an account that may print the list but not export it: the PDF only */
    tl_sql_exec(db, "INSERT INTO grants(user_id, what, valid_until, granted_by, granted_at) "
                    "SELECT DISTINCT user_id, p.what, '2099-03-31', 'test', 'now' FROM grants, "
                    "(SELECT 'targets' AS what UNION SELECT 'forms.print' UNION SELECT 'residents.read') p");
    tl_sql_exec(db, "UPDATE grants SET revoked_at = 'now', revoked_by = 'test' WHERE what IN "
                    "('事務', '保健師', '管理者', 'システム管理者')");
    RUN_OK(&r, "targets", "nyuyoji_4m", "--month", "2026-10", "--date", "2026-10-14", "--as-of",
           "2026-10-01", "--reissue", "--reason", "会場の受付名簿", "-o", pdf);
    ck_assert_msg(strstr(r.err, "export.personal") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_ne(access(csv, F_OK), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'targets.csv'"), 1);
    /* nor may it release a letter */
    char *flagged = sql_str("SELECT atena FROM residents WHERE shien = 1 LIMIT 1");
    run(&r, "residents", "release", flagged, "--reason", "x", NULL);
    ck_assert_int_ne(r.status, 0);
    tl_result_free(&r);
    free(flagged);
    free(pdf);
    free(csv);
}
END_TEST

/* ---- the records API: the month's views, the master's history ------------------------- */

struct seen {
    int flagged, plain, later;
    const char *a, *b, *c;
};

static int on_view(const struct audit_row *row, void *p)
{
    struct seen *s = p;

    s->flagged += strcmp(row->person, s->a) == 0;
    s->plain += strcmp(row->person, s->b) == 0;
    s->later += strcmp(row->person, s->c) == 0;
    ck_assert(row->seq > 0 && row->at[0] && row->user[0] && row->function[0]);
    return 0;
}

START_TEST(flagged_views_of_the_month)
{
    struct store *st = NULL;
    struct actor me, clerk;
    struct resident res;
    struct berr e;
    struct passwd *pw = getpwuid(geteuid());
    char *a = sql_str("SELECT atena FROM residents WHERE shien = 1 ORDER BY atena LIMIT 1");
    char *b = sql_str("SELECT atena FROM residents WHERE shien = 0 ORDER BY atena LIMIT 1");
    char *c = sql_str("SELECT atena FROM residents WHERE shien = 0 ORDER BY atena DESC LIMIT 1");
    struct seen s = { 0, 0, 0, a, b, c };
    char month[16];

    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, pw->pw_name, &me, &e) == 0, "%s", e.msg);
    for (int i = 0; i < 2; i++) {
        ck_assert_msg(residents_get(st, &me, a, "residents.show", &res, &e) == 0, "%s", e.msg);
        ck_assert_int_eq(res.shien, 1);
        resident_release(&res);
    }
    ck_assert_msg(residents_get(st, &me, b, "residents.show", &res, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(res.shien, 0);
    resident_release(&res);
    ck_assert_msg(residents_get(st, &me, c, "residents.show", &res, &e) == 0, "%s", e.msg);
    resident_release(&res);
    /* flagged after being seen (a later master): that view is listed too */
    char q[128];
    snprintf(q, sizeof(q), "UPDATE residents SET shien = 1 WHERE atena = '%s'", c);
    tl_sql_exec(db, q);
    struct ymd today = store_today(st);
    snprintf(month, sizeof(month), "%04d-%02d", today.y % 10000, today.m % 100);
    ck_assert_msg(audit_flagged_views(st, &me, month, on_view, &s, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(s.flagged, 2);
    ck_assert_int_eq(s.plain, 0);
    ck_assert_int_eq(s.later, 1);
    /* another month has none of them; a bad month is refused; audit.read is needed */
    memset(&s, 0, sizeof(s));
    s.a = a, s.b = b, s.c = c;
    ck_assert_int_eq(audit_flagged_views(st, &me, "2001-01", on_view, &s, &e), 0);
    ck_assert_int_eq(s.flagged + s.later, 0);
    ck_assert_int_eq(audit_flagged_views(st, &me, "2026-13", on_view, &s, &e), BERR_INVALID);
    clerk = me;
    clerk.perms = 1u << PERM_RESIDENTS_READ;
    ck_assert_int_eq(audit_flagged_views(st, &clerk, month, on_view, &s, &e), BERR_DENIED);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = "
                                     "'audit.flagged_views'"), 2);
    store_close(&st);
    free(a);
    free(b);
    free(c);
}
END_TEST

START_TEST(master_without_the_column_keeps_flags_and_history_keeps_them)
{
    struct tl_result r;
    size_t len;
    char *csv = tl_read_file(town, &len), *line = NULL;
    char *atena = NULL;

    ck_assert_ptr_nonnull(csv);
    /* a flagged person's row with no quotes: 異動事由 changed to 10 */
    for (char *p = strchr(csv, '\n') + 1; p && *p; p = strchr(p, '\n') + 1) {
        char *end = strchr(p, '\n');
        if (end - p > 2 && memcmp(end - 2, ",1", 2) == 0 && memchr(p, '"', (size_t)(end - p)) == NULL) {
            line = xstrndup(p, (size_t)(end - p) - 2);   /* without the column */
            break;
        }
        if (end == NULL)
            break;
    }
    ck_assert_ptr_nonnull(line);
    atena = xstrndup(line, 10);
    /* field 12 (異動事由) */
    char *f = line;
    for (int i = 0; i < 11; i++)
        f = strchr(f, ',') + 1;
    ck_assert(f[2] == ',');
    f[0] = '1';
    f[1] = '0';
    char *old = tl_path(dir, "old-layout.csv");
    char *body = xasprintf("宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,"
                           "方書,異動事由,異動日,届出日,個人番号\n%s\n", line);
    ck_assert_int_eq(tl_write_file(old, body, strlen(body)), 0);
    RUN_OK(&r, "residents", "import", old);
    ck_assert_msg(strstr(r.out, "更新 1") != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT shien FROM residents WHERE atena = '%s'%s", atena, NULL), 1);
    ck_assert_int_eq(count_q("SELECT count(*) FROM residents_history WHERE atena = '%s' AND shien = 1%s",
                             atena, NULL), 1);
    /* the column present and blank: the flag is lifted; the history keeps it */
    char *lifted = tl_path(dir, "lifted.csv");
    free(body);
    body = xasprintf("宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,"
                     "方書,異動事由,異動日,届出日,個人番号,支援措置\n%s,\n", line);
    ck_assert_int_eq(tl_write_file(lifted, body, strlen(body)), 0);
    RUN_OK(&r, "residents", "import", lifted);
    tl_result_free(&r);
    ck_assert_int_eq(count_q("SELECT shien FROM residents WHERE atena = '%s'%s", atena, NULL), 0);
    ck_assert_int_eq(count_q("SELECT count(*) FROM residents_history WHERE atena = '%s' AND shien = 1%s",
                             atena, NULL), 2);
    /* anything but 0, 1 or blank is refused with its line and column */
    char *bad = tl_path(dir, "bad.csv");
    free(body);
    body = xasprintf("宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,"
                     "方書,異動事由,異動日,届出日,個人番号,支援措置\n%s,あり\n", line);
    ck_assert_int_eq(tl_write_file(bad, body, strlen(body)), 0);
    run(&r, "residents", "import", bad, NULL);
    ck_assert_int_ne(r.status, 0);
    ck_assert_msg(strstr(r.err, "bad.csv:2: 列「支援措置」") != NULL, "%s", r.err);
    tl_result_free(&r);
    free(body);
    free(bad);
    free(lifted);
    free(old);
    free(atena);
    free(line);
    free(csv);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("privacy");
    TCase *tc = tcase_create("privacy");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, town_flags_households_by_seed);
    tcase_add_test(tc, letters_wait_for_release_and_no_address_on_any_list);
    tcase_add_test(tc, find_and_show_show_the_flag);
    tcase_add_test(tc, personal_csv_needs_permission_and_reason_and_logs_its_digest);
    tcase_add_test(tc, flagged_views_of_the_month);
    tcase_add_test(tc, master_without_the_column_keeps_flags_and_history_keeps_them);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
