/*
 * test_intake: the weekly job end to end on real files - forms printed by
 * boshi, rendered to scans by poppler, taken in with real Tesseract: pages
 * that are not forms rejected with a reason, printed fields confirmed
 * against the issue history, blanks queued, review resolution landing the
 * record, a second nurse told the item was resolved, duplicates, a batch
 * killed mid-way and finished by running it again with no page lost or
 * stored twice, and reconciliation.
 */
#include "base/base.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <qrencode.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *dir, *db, *scans;

static void boshi_ok(struct tl_result *r, const char *input, ...)
{
    const char *argv[40];
    int n = 0;
    va_list ap;
    const char *a;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    va_start(ap, input);
    while ((a = va_arg(ap, const char *)) != NULL)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    tl_run(r, input, NULL, argv);
    ck_assert_msg(r->status == 0, "%s %s: exit %d: %s", argv[3], argv[4] ? argv[4] : "", r->status,
                  r->err);
}

#define RUN_OK(...) do { struct tl_result r_; boshi_ok(&r_, NULL, __VA_ARGS__, NULL); tl_result_free(&r_); } while (0)

static long sql_long(const char *sql)
{
    return tl_sql_long(db, sql);
}

/* A store with a town, a month's checkup forms printed and rendered as scans. */
static void setup(void)
{
    char *town, *pdf;
    struct tl_result r;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    dir = tl_tmpdir();
    db = tl_path(dir, "i.db");
    scans = tl_path(dir, "scans");
    town = tl_path(dir, "town.csv");
    pdf = tl_path(dir, "k.pdf");
    RUN_OK("init", "--demo");
    RUN_OK("settings", "set", "site.name", "みどり市 保健センター");
    RUN_OK("settings", "set", "site.contact", "電話 0120-000-000");
    RUN_OK("settings", "set", "site.address", "みどり市本町1-1-1");
    RUN_OK("settings", "set", "checkup.venue", "保健センター");
    RUN_OK("demo", "town", "--residents", "8000", "--as-of", "2026-11-01", "-o", town);
    RUN_OK("residents", "import", "--full", town);
    RUN_OK("targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "--date", "2026-12-09", "--as-of", "2026-11-01", "-o", pdf);
    mkdir(scans, 0700);
    /* letter and 問診票 (the families' PDF), 健診票 (the staff's) of the first two children:
     * 6 pages */
    char *prefix = tl_path(scans, "p"), *sprefix = tl_path(scans, "s");
    char *staff = tl_path(dir, "k-kenshinhyo.pdf");
    const char *argv[] = { "pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "4", pdf,
                           prefix, NULL };
    tl_run(&r, NULL, NULL, argv);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    const char *sargv[] = { "pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "2", staff,
                            sprefix, NULL };
    tl_run(&r, NULL, NULL, sargv);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    free(prefix);
    free(sprefix);
    free(staff);
    free(town);
    free(pdf);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
    free(scans);
}

START_TEST(batch_reads_rejects_and_queues)
{
    struct tl_result r;

    boshi_ok(&r, NULL, "intake", "--workers", "2", "--name", "w1", scans, NULL);
    ck_assert(strstr(r.out, "ページ 6") != NULL);
    ck_assert_msg(strstr(r.out, "却下 2") != NULL, "%s", r.out);      /* the two letters */
    ck_assert(strstr(r.out, "位置合わせマーク") != NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'rejected' AND "
                              "reason LIKE '%scans/p-%.png: %'"), 2);    /* names the file */
    /* the printed name, birth and 受診番号 were confirmed against the issue history */
    ck_assert_int_ge(sql_long("SELECT count(*) FROM readings WHERE field IN ('child_name', "
                              "'child_birth', 'staff_child_name', 'staff_jushin_no') AND "
                              "decision = 'accepted'"), 5);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings WHERE field IN ('child_name', "
                              "'child_birth', 'staff_child_name', 'staff_jushin_no') AND "
                              "decision IN ('accepted', 'review')"), 8);
    /* and every name accepted is the child's own, from the master */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings g JOIN pages p ON p.id = g.page_id "
                              "JOIN residents r ON r.atena = p.subject WHERE g.field IN "
                              "('child_name', 'staff_child_name') AND g.decision = 'accepted' AND "
                              "g.value <> replace(r.name, '　', ' ')"), 0);
    /* nothing written: required answers are queued, never stored as certain */
    ck_assert_int_gt(sql_long("SELECT count(*) FROM review_items WHERE reason = '未記入'"), 4);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups"), 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings WHERE crop IS NULL"), 0);
    /* the originals are kept beside the store, private */
    char *kept = xasprintf("%s.scans", db);
    struct stat sb;
    ck_assert_int_eq(stat(kept, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0700);
    free(kept);
    /* the same files again: duplicates, not read twice */
    boshi_ok(&r, NULL, "intake", "--name", "w2", scans, NULL);
    ck_assert_msg(strstr(r.out, "重複 (取込済みのページ) 6") != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages"), 6);
}
END_TEST

struct id_list {
    long ids[64];
    int n;
};

START_TEST(review_lands_the_record_once)
{
    struct tl_result r;
    sqlite3 *h;
    sqlite3_stmt *s;
    struct id_list items = { .n = 0 };
    long page;

    RUN_OK("intake", "--name", "w1", scans);
    page = sql_long("SELECT page_id FROM review_items WHERE field = 'weight' LIMIT 1");
    ck_assert_int_gt(page, 0);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT id FROM review_items WHERE page_id = %ld ORDER BY id", page);
    sqlite3_prepare_v2(h, sql, -1, &s, NULL);
    while (sqlite3_step(s) == SQLITE_ROW && items.n < 64)
        items.ids[items.n++] = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    ck_assert_int_gt(items.n, 3);
    /* a wrong value is refused with the field named, and changes nothing */
    char id[24];
    long wid = sql_long("SELECT id FROM review_items WHERE field = 'weight' AND page_id = "
                        "(SELECT page_id FROM review_items WHERE field = 'weight' LIMIT 1)");
    snprintf(id, sizeof(id), "%ld", wid);
    tl_boshi_run(&r, db, NULL, "review", "correct", id, "99.99", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "体重") != NULL);
    tl_result_free(&r);
    /* a checkup before the child was born is refused when typed */
    long did = sql_long("SELECT id FROM review_items WHERE field = 'jisshi_date' AND page_id = "
                        "(SELECT page_id FROM review_items WHERE field = 'weight' LIMIT 1)");
    char did_s[24];
    snprintf(did_s, sizeof(did_s), "%ld", did);
    tl_boshi_run(&r, db, NULL, "review", "correct", did_s, "R7.1.1", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "生年月日より前") != NULL, "%s", r.err);
    tl_result_free(&r);
    /* resolve every item of the page: values for the required fields, blanks for the rest */
    for (int i = 0; i < items.n; i++) {
        snprintf(id, sizeof(id), "%ld", items.ids[i]);
        snprintf(sql, sizeof(sql), "SELECT field = 'weight' FROM review_items WHERE id = %ld", items.ids[i]);
        const char *field_sql = "SELECT field FROM review_items WHERE id = ";
        (void)field_sql;
        static const struct { const char *field, *value; } v[] = {
            { "jisshi_date", "R8.11.20" }, { "height", "64.5" }, { "weight", "6.54" },
            { "head", "41.0" }, { "chest", "42.5" }, { "shoken", "nashi" },
            { "sogo_hantei", "ijonashi" }, { "ishi", "1" },
        };
        char q[160];
        const char *value = NULL;
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
            snprintf(q, sizeof(q), "SELECT count(*) FROM review_items WHERE id = %ld AND field = '%s'",
                     items.ids[i], v[k].field);
            if (sql_long(q) == 1)
                value = v[k].value;
        }
        if (value)
            tl_boshi_run(&r, db, NULL, "review", "correct", id, value, NULL);
        else
            tl_boshi_run(&r, db, NULL, "review", "reject", id, NULL);
        ck_assert_msg(r.status == 0, "item %s: %s", id, r.err);
        if (i == items.n - 1)
            ck_assert_msg(strstr(r.out, "記録に登録しました") != NULL, "%s", r.out);
        tl_result_free(&r);
    }
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE weight_kg = 6.54 AND "
                              "height_cm = 64.5 AND result = 'ijonashi' AND exam_date = '2026-11-20' "
                              "AND findings = 'nashi'"), 1);
    snprintf(sql, sizeof(sql), "SELECT status = 'landed' FROM pages WHERE id = %ld", page);
    ck_assert_int_eq(sql_long(sql), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE returned_at IS NOT NULL"), 1);
    /* the second nurse on the same item is told; nothing changes */
    snprintf(id, sizeof(id), "%ld", items.ids[0]);
    tl_boshi_run(&r, db, NULL, "review", "correct", id, "R8.11.21", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "既に処理されています") != NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE exam_date = '2026-11-20'"), 1);
    /* who, when, before and after are logged; the audit chain holds */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_log"), items.n);
    RUN_OK("audit", "verify");
    /* a child examined is not a target any more */
    boshi_ok(&r, NULL, "targets", "nyuyoji_4m", "--month", "2026-12", "--dry-run", NULL);
    tl_result_free(&r);
}
END_TEST

/* Killed mid-batch, run again: every page stored exactly once. */
START_TEST(killed_batch_resumes)
{
    struct tl_result r;
    pid_t pid;
    int st;

    pid = fork();
    if (pid == 0) {
        execl(tl_boshi(), tl_boshi(), "--db", db, "intake", "--workers", "1", "--name", "k1",
              scans, (char *)NULL);
        _exit(127);
    }
    /* let it store a page or two, then kill it hard */
    for (int i = 0; i < 400; i++) {
        usleep(25000);
        if (access(db, F_OK) == 0 && sql_long("SELECT count(*) FROM pages") >= 2)
            break;
    }
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    long before = sql_long("SELECT count(*) FROM pages");
    ck_assert_int_lt(before, 6);
    boshi_ok(&r, NULL, "intake", "--name", "k1", scans, NULL);
    ck_assert_msg(strstr(r.out, "中断したバッチの続き") != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages"), 6);
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT file_sha || file_page) FROM pages"), 6);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM (SELECT page_id, field FROM readings GROUP BY "
                              "page_id, field HAVING count(*) > 1)"), 0);
}
END_TEST

START_TEST(reconciliation_and_bad_input)
{
    struct tl_result r;
    char *junk = tl_path(dir, "junk");

    RUN_OK("intake", "--name", "w1", scans);
    boshi_ok(&r, NULL, "batches", "show", "w1", NULL);
    /* the other children's forms went out and did not come back */
    ck_assert_msg(strstr(r.out, "未提出") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* a corrupt image and a file that is not an image: clear messages, no crash */
    mkdir(junk, 0700);
    char *bad = tl_path(junk, "broken.png");
    tl_write_file(bad, "\x89PNG\r\n\x1a\nnot really", 18);
    char *txt = tl_path(junk, "notes.txt");
    tl_write_file(txt, "memo", 4);
    boshi_ok(&r, NULL, "intake", "--name", "j1", junk, NULL);
    ck_assert(strstr(r.out, "却下 1") != NULL);
    ck_assert(strstr(r.out, "対象外のファイル 1") != NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'rejected' AND "
                              "reason LIKE '%broken.png%'"), 1);
    tl_boshi_run(&r, db, NULL, "intake", "/nonexistent/folder", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert(strstr(r.err, "/nonexistent/folder") != NULL);
    tl_result_free(&r);
    free(bad);
    free(txt);
    free(junk);
}
END_TEST


/*
 * Issue 12: pages that came back but are still in review.  Those children
 * attended: never 未提出 in the batch, never reminded; reminders refuses to
 * print until --include-pending, and --dry-run changes nothing.
 */
START_TEST(returned_pages_in_review_are_not_missing)
{
    struct tl_result r;
    char q[512];

    RUN_OK("intake", "--name", "w1", scans);
    long children = sql_long("SELECT count(DISTINCT j.person) FROM pages p JOIN issues_printed j ON "
                             "j.issue_id = p.issue_id WHERE p.status = 'queued'");
    ck_assert_int_eq(children, 2);
    boshi_ok(&r, NULL, "batches", "show", "w1", NULL);
    /* each of the two children: 返送済・確認待ち with the name, not 未提出 */
    sqlite3 *h;
    sqlite3_stmt *s;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_prepare_v2(h, "SELECT DISTINCT j.person, r.name FROM pages p JOIN issues_printed j ON "
                          "j.issue_id = p.issue_id JOIN residents r ON r.atena = j.person WHERE "
                          "p.status = 'queued'", -1, &s, NULL);
    int seen = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *atena = (const char *)sqlite3_column_text(s, 0);
        const char *name = (const char *)sqlite3_column_text(s, 1);
        const char *line = strstr(r.out, atena);
        ck_assert_msg(line != NULL, "%s missing: %s", atena, r.out);
        const char *bol = line;
        while (bol > r.out && bol[-1] != '\n')
            bol--;
        const char *eol = strchr(line, '\n');
        char buf[512];
        snprintf(buf, sizeof(buf), "%.*s", (int)(eol - bol), bol);
        ck_assert_msg(strstr(buf, "返送済・確認待ち") != NULL, "%s", buf);
        ck_assert_msg(strstr(buf, name) != NULL, "name %s not shown: %s", name, buf);
        ck_assert_msg(strstr(strchr(line, '\n'), atena) == NULL, "%s listed twice: %s", atena, r.out);
        seen++;
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    ck_assert_int_eq(seen, 2);
    ck_assert_msg(strstr(r.out, "nyuyoji_4m") == NULL,
                  "internal form code shown: %s", r.out);
    /* the two letters rejected: file name, page, reason */
    ck_assert_msg(strstr(r.out, "却下  p-1.png 1ページ目  ") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "却下  p-3.png 1ページ目  ") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "/scans/p-1.png") == NULL, "%s", r.out);
    /* dates people read: 和暦 in Japan time, never ISO */
    ck_assert_msg(strstr(r.out, "令和8年12月9日") != NULL && strstr(r.out, "2026-12") == NULL &&
                  strstr(r.out, "Z ") == NULL, "%s", r.out);
    tl_result_free(&r);
    /* the same batch again, nothing interrupted: not called 中断 (issue 12) */
    boshi_ok(&r, NULL, "intake", "--name", "w1", scans, NULL);
    ck_assert_msg(strstr(r.out, "中断") == NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "取込済みのバッチ") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* naming a person is in the access log */
    ck_assert_int_ge(sql_long("SELECT count(*) FROM audit_log WHERE function = 'batches.show'"), 2);

    /* the checkup day has passed (moved back: the store's clock is the machine's) */
    tl_sql_exec(db, "UPDATE issues_printed SET checkup_date = '2026-11-30' WHERE month = '2026-12'");
    long letters0 = sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'reminder'");
    char *pdf = tl_path(dir, "rem.pdf"), *csv = tl_path(dir, "rem.csv");
    tl_boshi_run(&r, db, NULL, "reminders", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "-o", pdf, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "確認待ち") != NULL && strstr(r.err, "--include-pending") != NULL,
                  "%s", r.err);
    ck_assert_msg(strstr(r.err, "4 ページ") != NULL && strstr(r.err, "2 人") != NULL, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(access(pdf, F_OK), -1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'reminder'"), letters0);
    /* a dry run: who would get a letter, nothing printed or recorded */
    boshi_ok(&r, NULL, "reminders", "nyuyoji_4m", "--month", "2026-12", "--dry-run",
             "--include-pending", NULL);
    ck_assert_msg(strstr(r.out, "返送済・確認待ち (送りません)") != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(access(pdf, F_OK), -1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'reminder'"), letters0);
    /* --include-pending: letters for the others only, the two listed apart */
    boshi_ok(&r, NULL, "reminders", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "--include-pending", "-o",
             pdf, NULL);
    ck_assert_msg(strstr(r.out, "返送済・確認待ち (勧奨しません) 2 人") != NULL, "%s", r.out);
    tl_result_free(&r);
    snprintf(q, sizeof(q), "SELECT count(*) FROM issues_printed m WHERE m.kind = 'reminder' AND "
             "m.person IN (SELECT j.person FROM pages p JOIN issues_printed j ON j.issue_id = "
             "p.issue_id WHERE p.status = 'queued')");
    ck_assert_int_eq(sql_long(q), 0);
    ck_assert_int_gt(sql_long("SELECT count(*) FROM issues_printed WHERE kind = 'reminder'"), 0);
    ck_assert_int_eq(tl_file_contains(csv, "返送済・確認待ち (勧奨せず)", strlen("返送済・確認待ち (勧奨せず)")), 1);
    free(pdf);
    free(csv);
}
END_TEST

/* CRC-32 (PNG) for the hostile header below. */
static unsigned long crc32_png(const unsigned char *p, size_t n)
{
    unsigned long c = 0xffffffffUL;

    for (size_t i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xedb88320UL ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xffffffffUL;
}

static void put32(unsigned char *p, unsigned long v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
}

/* Corrupt and hostile files, in a folder named with spaces and Japanese. */
START_TEST(hostile_files_are_rejected_by_name)
{
    struct tl_result r;
    char *folder = tl_path(dir, "受付 スキャン 第1週");
    mkdir(folder, 0700);
    /* zero bytes */
    char *zero = tl_path(folder, "空 のファイル.png");
    tl_write_file(zero, "", 0);
    /* a truncated TIFF */
    PIX *pix = pixCreate(1700, 2400, 1);
    char *tif = tl_path(folder, "切れた.tif");
    pixWrite(tif, pix, IFF_TIFF_G4);
    pixDestroy(&pix);
    size_t len;
    char *bytes = tl_read_file(tif, &len);
    tl_write_file(tif, bytes, len / 3);
    free(bytes);
    /* a PNG header promising 60000 x 60000 */
    unsigned char png[8 + 25 + 12];
    memcpy(png, "\x89PNG\r\n\x1a\n", 8);
    put32(png + 8, 13);
    memcpy(png + 12, "IHDR", 4);
    put32(png + 16, 60000);
    put32(png + 20, 60000);
    png[24] = 8; png[25] = 0; png[26] = 0; png[27] = 0; png[28] = 0;
    put32(png + 29, crc32_png(png + 12, 17));
    put32(png + 33, 0);
    memcpy(png + 37, "IEND", 4);
    put32(png + 41, crc32_png(png + 37, 4));
    char *huge = tl_path(folder, "huge.png");
    tl_write_file(huge, png, sizeof(png));
    /* not an image, named as one */
    char *fake = tl_path(folder, "メモ.jpg");
    tl_write_file(fake, "これは画像ではありません", strlen("これは画像ではありません"));
    /* a PDF with no images (text only, as a letter would be) */
    char *pdf = tl_path(dir, "k.pdf");
    char *nopix = tl_path(folder, "文字だけ.pdf");
    struct tl_result cp;
    const char *argv_pdf[] = { "pdfseparate", "-f", "1", "-l", "1", pdf, nopix, NULL };
    tl_run(&cp, NULL, NULL, argv_pdf);
    tl_result_free(&cp);
    /* a real page with a valid QR from another site (the simulator's test key) */
    char *other = tl_path(dir, "other");
    char *otherp = tl_path(folder, "他市の用紙.png");
    RUN_OK("demo", "scan", "--forms", "nyuyoji_4m", "--pages", "1", "--dpi", "200", "-o", other);
    char *src = tl_path(other, "page-0001.png");
    bytes = tl_read_file(src, &len);
    tl_write_file(otherp, bytes, len);
    free(bytes);
    boshi_ok(&r, NULL, "intake", "--name", "hostile", folder, NULL);
    ck_assert_msg(strstr(r.out, "却下 6") != NULL, "%s", r.out);
    tl_result_free(&r);
    static const char *const named[] = { "空 のファイル.png", "切れた.tif", "huge.png", "メモ.jpg",
                                         "文字だけ.pdf", "他市の用紙.png" };
    for (size_t i = 0; i < 6; i++) {
        char q[256];
        snprintf(q, sizeof(q), "SELECT count(*) FROM pages WHERE status = 'rejected' AND reason "
                 "LIKE '%%%s%%'", named[i]);
        ck_assert_msg(sql_long(q) == 1, "%s: not rejected by name", named[i]);
    }
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE reason LIKE '%大きすぎ%'"), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE reason LIKE '%署名%'"), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE reason LIKE '%PDF に画像がありません%'"), 1);
    free(folder); free(zero); free(tif); free(huge); free(fake); free(pdf); free(nopix);
    free(other); free(otherp); free(src);
}
END_TEST

/* Pastes a QR code of text, 1 mm a module at 200 dpi, at (x, y) px of the page in path. */
static void paste_qr(const char *path, const char *text, int x, int y)
{
    PIX *page = pixRead(path), *grey = page ? pixConvertTo8(page, 0) : NULL;
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    int m = 8;

    ck_assert(grey != NULL && q != NULL);
    pixRasterop(grey, x - 4 * m, y - 4 * m, (q->width + 8) * m, (q->width + 8) * m, PIX_SET, NULL, 0, 0);
    for (int r = 0; r < q->width; r++)
        for (int c = 0; c < q->width; c++)
            if (q->data[r * q->width + c] & 1)
                pixRasterop(grey, x + c * m, y + r * m, m, m, PIX_CLR, NULL, 0, 0);
    ck_assert_int_eq(pixWrite(path, grey, IFF_PNG), 0);
    QRcode_free(q);
    pixDestroy(&grey);
    pixDestroy(&page);
}

/* A page with its own QR and someone else's is queued with the reason, never landed in silence. */
START_TEST(foreign_qr_is_queued)
{
    struct tl_result r;
    char *folder = tl_path(dir, "qr2");

    mkdir(folder, 0700);
    DIR *d = opendir(scans);
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *src = tl_path(scans, de->d_name), *dst = tl_path(folder, de->d_name);
        size_t len = 0;
        char *bytes = tl_read_file(src, &len);
        ck_assert(bytes != NULL);
        tl_write_file(dst, bytes, len);
        free(bytes);
        paste_qr(dst, "https://coupon.example.invalid/a?id=42", 700, 1150);
        free(src);
        free(dst);
        n++;
    }
    if (d)
        closedir(d);
    ck_assert_int_eq(n, 6);
    boshi_ok(&r, NULL, "intake", "--workers", "2", "--name", "qr2", folder, NULL);
    tl_result_free(&r);
    /* the four form pages (the two letters have no QR and are rejected) */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE reason LIKE "
                              "'ページに別のQRコードがあります (1個「https://coupon.example%'"), 4);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'landed'"), 0);
    /* the same pages without the sticker: no such item */
    boshi_ok(&r, NULL, "intake", "--workers", "2", "--name", "plain", scans, NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items i JOIN pages p ON p.id = i.page_id "
                              "JOIN batches b ON b.id = p.batch_id WHERE b.name = 'plain' AND "
                              "i.reason LIKE '%別のQRコード%'"), 0);
    free(folder);
}
END_TEST

/* kill -9 at several moments; every run picks up; every page stored once. */
START_TEST(killed_again_and_again)
{
    static const int delays_ms[] = { 150, 700, 1600 };
    struct tl_result r;

    for (size_t k = 0; k < sizeof(delays_ms) / sizeof(delays_ms[0]); k++) {
        pid_t pid = fork();
        if (pid == 0) {
            execl(tl_boshi(), tl_boshi(), "--db", db, "intake", "--name", "kk", scans, (char *)NULL);
            _exit(127);
        }
        usleep((useconds_t)delays_ms[k] * 1000);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        long n = sql_long("SELECT count(*) FROM pages");
        ck_assert_int_le(n, 6);
        ck_assert_int_eq(sql_long("SELECT count(*) FROM (SELECT file_sha, file_page FROM pages "
                                  "GROUP BY 1, 2 HAVING count(*) > 1)"), 0);
    }
    boshi_ok(&r, NULL, "intake", "--name", "kk", scans, NULL);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages"), 6);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM (SELECT page_id, field FROM readings GROUP BY "
                              "1, 2 HAVING count(*) > 1)"), 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items r LEFT JOIN pages p ON "
                              "p.id = r.page_id WHERE p.id IS NULL"), 0);
    RUN_OK("audit", "verify");
}
END_TEST

/*
 * The forms that went out, filled in and scanned by the simulator: every
 * value boshi settled by itself equals the truth; everything else is in
 * review.  A page left out is reported as missing.
 */
START_TEST(simulated_batch_matches_truth)
{
    struct tl_result r;
    char *sim = tl_path(dir, "sim"), *csv = tl_path(dir, "k.csv");
    long checked = 0;

    RUN_OK("demo", "scan", "--store", "--from-issues", csv, "--forms", "nyuyoji_4m", "--pages", "4",
           "--profile", "office", "--seed", "3", "-o", sim);
    /* the first child's 健診票 goes missing in the post */
    char *gone = tl_path(sim, "page-0002.png");
    unlink(gone);
    boshi_ok(&r, NULL, "intake", "--name", "sim", sim, NULL);
    tl_result_free(&r);
    for (int i = 1; i <= 4; i++) {
        char tp[64], img[64];
        if (i == 2)
            continue;
        snprintf(tp, sizeof(tp), "page-%04d.truth.json", i);
        snprintf(img, sizeof(img), "page-%04d.png", i);
        char *tpath = tl_path(sim, tp);
        json_t *truth = json_load_file(tpath, 0, NULL);
        ck_assert_ptr_nonnull(truth);
        size_t k;
        json_t *jf;
        json_array_foreach(json_object_get(truth, "fields"), k, jf) {
            if (json_integer_value(json_object_get(jf, "page")) !=
                json_integer_value(json_object_get(truth, "page")))
                continue;
            const char *name = json_string_value(json_object_get(jf, "name"));
            const char *want = json_string_value(json_object_get(jf, "value"));
            const char *kind = json_string_value(json_object_get(jf, "kind"));
            char q[512];
            snprintf(q, sizeof(q), "SELECT count(*) FROM readings g JOIN pages p ON p.id = g.page_id "
                     "WHERE p.source LIKE '%%/%s' AND g.field = '%s' AND g.decision = 'accepted' "
                     "AND NOT (g.value = '%s' OR (%d AND replace(g.value, ' ', '') = "
                     "replace(replace('%s', '　', ''), ' ', '')))", img, name, want ? want : "",
                     strcmp(kind, "printed") == 0 || strcmp(kind, "kana") == 0, want ? want : "");
            long wrong = sql_long(q);
            ck_assert_msg(wrong == 0, "%s %s: accepted value differs from the truth「%s」", img,
                          name, want ? want : "");
            /* something written must never be stored as blank */
            if (want && strcmp(want, "0") != 0) {
                snprintf(q, sizeof(q), "SELECT count(*) FROM readings g JOIN pages p ON "
                         "p.id = g.page_id WHERE p.source LIKE '%%/%s' AND g.field = '%s' AND "
                         "g.decision = 'empty'", img, name);
                ck_assert_msg(sql_long(q) == 0, "%s %s: written but read as empty", img, name);
            }
            checked++;
        }
        json_decref(truth);
        free(tpath);
    }
    ck_assert_int_gt(checked, 40);
    boshi_ok(&r, NULL, "batches", "show", "sim", NULL);
    ck_assert_msg(strstr(r.out, "ページ不足") != NULL, "%s", r.out);
    tl_result_free(&r);
    free(sim);
    free(csv);
    free(gone);
}
END_TEST

/* A mother not in the master becomes 住登外 only by a nurse's decision. */
START_TEST(unregistered_only_by_a_nurse)
{
    struct tl_result r;
    char *sim = tl_path(dir, "todoke"), id[24], q[160];

    RUN_OK("demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "1", "--seed", "8",
           "-o", sim);
    RUN_OK("intake", "--name", "todoke", sim);
    /* the simulator's mother is made up: no strong candidate, so a person decides */
    long item = sql_long("SELECT id FROM review_items WHERE kind = 'identity' LIMIT 1");
    ck_assert_int_gt(item, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM persons_unregistered"), 0);
    snprintf(id, sizeof(id), "%ld", item);
    tl_boshi_run(&r, db, NULL, "review", "register", "--name", "架空　花子", "--kana", "かくう",
                 "--birth", "1995-04-01", "--reason", "住民票は他市", id, NULL);
    ck_assert_int_eq(r.status, 1);              /* kana must be katakana: nothing written */
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM persons_unregistered"), 0);
    boshi_ok(&r, NULL, "review", "register", "--name", "架空　花子", "--kana", "カクウ　ハナコ",
             "--birth", "1995-04-01", "--reason", "住民票は他市 (里帰り出産)", id, NULL);
    ck_assert(strstr(r.out, "U000000001") != NULL);
    tl_result_free(&r);
    snprintf(q, sizeof(q), "SELECT count(*) FROM pages WHERE subject = 'U000000001' AND id = "
             "(SELECT page_id FROM review_items WHERE id = %ld)", item);
    ck_assert_int_eq(sql_long(q), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = "
                              "'records.unregistered' AND person = 'U000000001' AND detail LIKE "
                              "'%里帰り%'"), 1);
    /* the same item again: refused, and no second person */
    tl_boshi_run(&r, db, NULL, "review", "register", "--name", "架空　花子", "--kana", "カクウ　ハナコ",
                 "--birth", "1995-04-01", "--reason", "二度目", id, NULL);
    ck_assert_int_eq(r.status, 1);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM persons_unregistered"), 1);
    free(sim);
}
END_TEST

/* A 妊娠届出書: its 個人番号 finds the mother and is checked, never kept;
 * rejecting who she is rejects the page and closes what is left of it. */
START_TEST(todoke_mynumber_never_kept)
{
    struct tl_result r;
    char *sim = tl_path(dir, "todoke"), *truth = tl_path(sim, "page-0001.truth.json"), q[200], id[24];
    json_t *t, *f;
    const char *mn = NULL;
    size_t i;

    char *pdf = tl_path(dir, "blank.pdf"), *issues = tl_path(dir, "blank.csv"), row[160];
    RUN_OK("forms", "print", "ninshin_todoke", "--blank", "--copies", "1", "-o", pdf);
    snprintf(row, sizeof(row), "form,subject,issue,name,kana,birth\nninshin_todoke,,I%08ld,,,\n",
             sql_long("SELECT id FROM issues_printed WHERE kind = 'blank'"));
    tl_write_file(issues, row, strlen(row));
    RUN_OK("demo", "scan", "--store", "--from-issues", issues, "--forms", "ninshin_todoke", "--pages",
           "2", "--seed", "3", "--profile", "clean", "-o", sim);
    free(pdf);
    free(issues);
    t = json_load_file(truth, 0, NULL);
    ck_assert_ptr_nonnull(t);
    json_array_foreach(json_object_get(t, "fields"), i, f)
        if (strcmp(json_string_value(json_object_get(f, "name")), "mynumber") == 0)
            mn = json_string_value(json_object_get(f, "value"));
    ck_assert_msg(mn != NULL && strlen(mn) == 12, "the simulated form carries a 個人番号");
    RUN_OK("intake", "--name", "todoke", sim);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings WHERE field = 'mynumber' AND "
                              "(length(value) = 12 AND value NOT LIKE '*%' OR "
                              "length(read_value) >= 12 AND read_value NOT LIKE '*%')"), 0);
    /* a nurse types it from the crop: checked (a wrong check digit is refused), kept masked */
    long item = sql_long("SELECT id FROM review_items WHERE field = 'mynumber' AND status = 'open'");
    if (item > 0) {
        char wrong[13];
        snprintf(id, sizeof(id), "%ld", item);
        snprintf(wrong, sizeof(wrong), "%.11s%c", mn, mn[11] == '0' ? '1' : '0');
        char *line = xasprintf("%s\n", wrong);
        tl_boshi_run(&r, db, line, "review", "correct", id, NULL);
        ck_assert_int_ne(r.status, 0);
        ck_assert_ptr_null(strstr(r.out, wrong));
        ck_assert_ptr_null(strstr(r.err, wrong));
        tl_result_free(&r);
        free(line);
        /* never on argv (process list, shell history): only from stdin */
        tl_boshi_run(&r, db, NULL, "review", "correct", id, mn, NULL);
        ck_assert_int_ne(r.status, 0);
        ck_assert_ptr_null(strstr(r.err, mn));
        tl_result_free(&r);
        line = xasprintf("%s\n", mn);
        tl_boshi_run(&r, db, line, "review", "correct", id, NULL);
        ck_assert_msg(r.status == 0, "%s", r.err);
        tl_result_free(&r);
        free(line);
        snprintf(q, sizeof(q), "SELECT count(*) FROM review_items WHERE id = %ld AND value = '********%s'",
                 item, mn + 8);
        ck_assert_int_eq(sql_long(q), 1);
    }
    RUN_OK("audit", "verify");
    ck_assert(!tl_file_contains(db, mn, 12));
    char *wal = xasprintf("%s-wal", db);
    ck_assert(!tl_file_contains(wal, mn, 12));
    free(wal);
    /* who she is cannot be told: the page is rejected and nothing of it stays open */
    long ident = sql_long("SELECT r.id FROM review_items r JOIN pages p ON p.id = r.page_id "
                          "WHERE r.kind = 'identity' AND r.status = 'open' AND p.page_no = 1");
    if (ident > 0) {
        /* a mistyped 宛名番号 naming a small boy is refused: the form is not about him */
        char boy[16];
        snprintf(id, sizeof(id), "%ld", ident);
        snprintf(boy, sizeof(boy), "%ld", sql_long("SELECT atena FROM residents WHERE sex = 1 AND "
                                                  "birth > '2020-01-01' ORDER BY atena LIMIT 1"));
        tl_boshi_run(&r, db, NULL, "review", "correct", id, boy, NULL);
        ck_assert_int_ne(r.status, 0);
        ck_assert_msg(strstr(r.err, "対象") != NULL, "%s", r.err);
        tl_result_free(&r);
        snprintf(q, sizeof(q), "SELECT count(*) FROM review_items WHERE id = %ld AND status = 'open'", ident);
        ck_assert_int_eq(sql_long(q), 1);
        RUN_OK("review", "reject", id);
        snprintf(q, sizeof(q), "SELECT count(*) FROM review_items WHERE status = 'open' AND page_id = "
                 "(SELECT page_id FROM review_items WHERE id = %ld)", ident);
        ck_assert_int_eq(sql_long(q), 0);
        snprintf(q, sizeof(q), "SELECT count(*) FROM pages WHERE status = 'rejected' AND id = "
                 "(SELECT page_id FROM review_items WHERE id = %ld)", ident);
        ck_assert_int_eq(sql_long(q), 1);
    }
    json_decref(t);
    free(truth);
    free(sim);
}
END_TEST

/*
 * A 妊娠届出書 as the definition names it: the handwriting the master holds
 * (from_master: 氏名, 住所) is never sent to review; every page stores how
 * the scanner saw it; no suggestion is offered that its field refuses; a
 * form without a 発行番号 lands once every item is settled.
 */
START_TEST(todoke_follows_its_definition)
{
    struct tl_result r;
    char *sim = tl_path(dir, "todoke"), id[24];

    RUN_OK("demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "2", "--seed", "8",
           "--profile", "office", "-o", sim);
    RUN_OK("intake", "--name", "todoke", sim);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status <> 'rejected'"), 2);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE field IN "
                              "('address', 'mother_name')"), 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM readings WHERE field IN ('address', "
                              "'mother_name') AND decision = 'empty'"), 2);
    /* geometry: what a clerk needs to fix a scanner */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE dpi = 300 AND skew IS NOT NULL AND "
                              "scale BETWEEN 0.9 AND 1.1 AND residual IS NOT NULL AND "
                              "rotation IS NOT NULL"), 2);
    /* nothing offered that the field refuses: no text "1", no 445 cm */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items r JOIN readings g ON "
                              "g.id = r.reading_id WHERE r.suggested IS NOT NULL AND ("
                              "r.field IN ('address', 'mother_name', 'occupation_other') OR "
                              "(r.field = 'height' AND CAST(r.suggested AS REAL) NOT BETWEEN 120 AND 200) OR "
                              "(r.field = 'weight' AND CAST(r.suggested AS REAL) NOT BETWEEN 25 AND 150) OR "
                              "(r.field = 'weeks' AND CAST(r.suggested AS INTEGER) NOT BETWEEN 1 AND 45))"), 0);
    /* reasons are true: two readers that differ say what each read; no "mismatch" on its own */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE reason = '読み取り不一致'"), 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE reason = '手書き日付の確認' AND "
                              "suggested IS NULL"), 0);
    /* a reading missing digits (桁数不足) is never offered to accept */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE reason LIKE '桁数不足%' AND "
                              "suggested IS NOT NULL"), 0);
    /* the mother is made up: a nurse registers her, then settles every item */
    long item = sql_long("SELECT r.id FROM review_items r JOIN pages p ON p.id = r.page_id WHERE "
                         "r.kind = 'identity' AND p.page_no = 1");
    ck_assert_int_gt(item, 0);
    snprintf(id, sizeof(id), "%ld", item);
    RUN_OK("review", "register", "--name", "架空　花子", "--kana", "カクウ　ハナコ", "--birth",
           "1995-04-01", "--reason", "住民票は他市", id);
    /* nothing ties page 2 to page 1 without a 発行番号: it is settled on its own, never "(発行番号 )" */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE reason LIKE '%発行番号 )%'"), 0);
    item = sql_long("SELECT r.id FROM review_items r JOIN pages p ON p.id = r.page_id WHERE "
                    "r.kind = 'identity' AND r.status = 'open' AND p.page_no = 2");
    ck_assert_int_gt(item, 0);
    snprintf(id, sizeof(id), "%ld", item);
    RUN_OK("review", "correct", id, "U000000001");
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE status = 'open' AND field = "
                              "'(発行)'"), 2);          /* no 発行番号 on either page */
    for (int guard = 0; guard < 60; guard++) {
        long open = sql_long("SELECT id FROM review_items WHERE status = 'open' ORDER BY id LIMIT 1");
        if (open <= 0)
            break;
        snprintf(id, sizeof(id), "%ld", open);
        char q[160];
        snprintf(q, sizeof(q), "SELECT kind = 'issue' FROM review_items WHERE id = %ld", open);
        tl_boshi_run(&r, db, NULL, "review", sql_long(q) ? "accept" : "reject", id, NULL);
        ck_assert_msg(r.status == 0, "item %ld: %s", open, r.err);
        tl_result_free(&r);
    }
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'landed'"), 2);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pregnancies WHERE mother = 'U000000001' AND "
                              "issue_id IS NULL"), 1);

    /*
     * Undo: 喫煙 and 1日の本数 landed blank.  あり alone breaks a rule (本数
     * needed) and changes nothing; 本数 alone breaks the other (only with あり).
     * Reopening 喫煙 puts the page back in the queue; then 本数 is changed, and
     * answering 喫煙 lands the record again with both.
     */
    char page2[24], q[300];
    snprintf(page2, sizeof(page2), "%ld", sql_long("SELECT id FROM pages WHERE page_no = 2"));
    tl_boshi_run(&r, db, NULL, "review", "reopen", "--page", page2, "--field", "smoking", "--value",
                 "ari", "--reason", "本人に電話で確認", NULL);
    ck_assert_int_ne(r.status, 0);
    ck_assert_msg(strstr(r.err, "本数") != NULL, "%s", r.err);     /* names the other field */
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'landed'"), 2);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_log WHERE action = 'reopened'"), 0);
    tl_boshi_run(&r, db, NULL, "review", "reopen", "--page", page2, "--field", "smoking", NULL);
    ck_assert_int_ne(r.status, 0);                 /* a reason is required */
    tl_result_free(&r);
    RUN_OK("review", "reopen", "--page", page2, "--field", "smoking", "--reason", "本人に電話で確認");
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'queued' AND page_no = 2"), 1);
    RUN_OK("review", "reopen", "--page", page2, "--field", "smoking_count", "--value", "10",
           "--reason", "本人に電話で確認");
    long smoking = sql_long("SELECT r.id FROM review_items r JOIN pages p ON p.id = r.page_id WHERE "
                            "p.page_no = 2 AND r.field = 'smoking' AND r.status = 'open'");
    ck_assert_int_gt(smoking, 0);
    snprintf(id, sizeof(id), "%ld", smoking);
    RUN_OK("review", "correct", id, "吸う");
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'landed'"), 2);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM answers WHERE owner = 'pregnancy' AND field = 'smoking' AND "
                              "value = 'ari'"), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM answers WHERE owner = 'pregnancy' AND field = 'smoking_count' "
                              "AND value = '10'"), 1);
    /* logged: before, after, why, who; audited */
    snprintf(q, sizeof(q), "SELECT count(*) FROM review_log l JOIN review_items i ON i.id = l.item_id "
             "WHERE i.field = 'smoking_count' AND l.reason = '本人に電話で確認' AND "
             "(l.action = 'reopened' OR (l.action = 'corrected' AND l.after = '10'))");
    ck_assert_int_eq(sql_long(q), 2);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.reopen' AND "
                              "detail LIKE '%電話で確認%'"), 2);
    /* a value the field refuses changes nothing */
    tl_boshi_run(&r, db, NULL, "review", "reopen", "--page", page2, "--field", "smoking_count",
                 "--value", "900", "--reason", "誤入力", NULL);
    ck_assert_int_ne(r.status, 0);
    tl_result_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM answers WHERE owner = 'pregnancy' AND field = 'smoking_count' "
                              "AND value = '10'"), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'landed'"), 2);
    RUN_OK("audit", "verify");
    free(sim);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("intake");
    TCase *tc = tcase_create("batch");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, batch_reads_rejects_and_queues);
    tcase_add_test(tc, review_lands_the_record_once);
    tcase_add_test(tc, killed_batch_resumes);
    tcase_add_test(tc, reconciliation_and_bad_input);
    tcase_add_test(tc, returned_pages_in_review_are_not_missing);
    tcase_add_test(tc, hostile_files_are_rejected_by_name);
    tcase_add_test(tc, foreign_qr_is_queued);
    tcase_add_test(tc, killed_again_and_again);
    tcase_add_test(tc, simulated_batch_matches_truth);
    tcase_add_test(tc, unregistered_only_by_a_nurse);
    tcase_add_test(tc, todoke_mynumber_never_kept);
    suite_add_tcase(s, tc);
    /* what a 妊娠届出書 needs (CK_RUN_CASE=todoke runs these alone) */
    tc = tcase_create("todoke");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, todoke_follows_its_definition);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
