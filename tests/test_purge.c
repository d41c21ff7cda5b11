/*
 * test_purge: retention deletion (records/purge.c, `boshi purge`) on a real
 * store loaded from a generated town (demo/town.c, as of 2022-04-01, whose
 * 転出・死亡 fall in the three years before it).  Purged as of 2026-04-01
 * with 5 years' retention: people gone about 6 years go, people gone about
 * 4 years stay.  Pages, readings with crops, review items, corrections,
 * checkups, issue history, original scans (<db>.scans) and saved review
 * images (<db>.review) are written for both the way intake and `review show`
 * lay them out; then the store file, its WAL, the scans folder and the review
 * folder are searched byte by byte for the purged person's 氏名, カナ,
 * 宛名番号 and 個人番号.
 */
#include "demo/town.h"
#include "records/audit.h"
#include "records/purge.h"
#include "records/records-internal.h"
#include "records/residents.h"
#include "records/stats.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <dirent.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir, *db;
static struct store *st;
static struct actor admin;

struct who {
    char atena[11], name[128], kana[128], mynumber[13];
};

static void setup(void)
{
    struct berr e;
    struct town_params p;
    struct import_report rep;
    char *csv;
    FILE *f;

    dir = tl_tmpdir();
    ck_assert_ptr_nonnull(dir);
    db = tl_path(dir, "t.db");
    ck_assert_msg(store_create(db, "tester", &e) == 0, "%s", e.msg);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_login(st, "tester", &admin, &e) == 0, "%s", e.msg);
    town_params_init(&p);
    p.residents = 3000;
    p.seed = 15;
    p.as_of = (struct ymd){ 2022, 4, 1 };
    csv = tl_path(dir, "town.csv");
    f = fopen(csv, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(town_write_csv(f, &p, NULL, &e), 0);
    fclose(f);
    ck_assert_msg(residents_import(st, &admin, csv, IMPORT_FULL, &rep, &e) == 0, "%s", e.msg);
    free(csv);
}

static void teardown(void)
{
    store_close(&st);
    tl_rmtree(dir);
    free(dir);
    free(db);
}

/* A person gone (住民状態 2/3) in the date range, with a 個人番号 and a unique 氏名 and カナ. */
static void pick(const char *from, const char *to, struct who *w)
{
    char *sql = xasprintf(
        "SELECT atena FROM residents r WHERE status IN (2, 3) AND idou_date >= '%s' AND "
        "idou_date < '%s' AND mynumber_enc IS NOT NULL AND (SELECT count(*) FROM residents x "
        "WHERE x.name = r.name OR x.kana = r.kana) = 1 ORDER BY atena LIMIT 1", from, to);
    struct resident r;
    struct berr e;
    long atena = tl_sql_long(db, sql);

    free(sql);
    ck_assert_msg(atena > 0, "the town has nobody gone between %s and %s", from, to);
    snprintf(w->atena, sizeof(w->atena), "%010ld", atena % 10000000000L);
    ck_assert_msg(residents_get(st, &admin, w->atena, "test", &r, &e) == 0, "%s", e.msg);
    snprintf(w->name, sizeof(w->name), "%s", r.name);
    snprintf(w->kana, sizeof(w->kana), "%s", r.kana);
    resident_release(&r);
    ck_assert_msg(residents_reveal_mynumber(st, &admin, w->atena, "テスト", w->mynumber, &e) == 0,
                  "%s", e.msg);
}

static void put_file(const char *path, const char *text)
{
    ck_assert_int_eq(tl_write_file(path, text, strlen(text)), 0);
}

/*
 * One original scan file (sha) whose pages are the people in ps, each page
 * with a reading (the 氏名 read, its crop), a review item, a correction, a
 * checkup, an issue, and a saved review image - what intake and review leave.
 */
static void give_pages(const char *sha, const struct who *const *ps, int n)
{
    char *scans = xasprintf("%s.scans", db), *sub = xasprintf("%s/%.2s", scans, sha);
    char *review = xasprintf("%s.review", db), *file = xasprintf("%s/%s.png", sub, sha);
    struct buf content;

    mkdir(scans, 0700);
    mkdir(sub, 0700);
    mkdir(review, 0700);
    buf_init(&content);
    tl_sql_exec(db, "INSERT OR IGNORE INTO batches(name, paths, by_user, started_at) "
                    "VALUES ('b1', '.', 'tester', '2020-01-01')");
    char *sql = xasprintf("INSERT INTO scan_files VALUES ('%s', 'scan-%s.png', 1, 1)", sha, sha);
    tl_sql_exec(db, sql);
    free(sql);
    for (int i = 0; i < n; i++) {
        const struct who *w = ps[i];
        char *issue = xasprintf("I%s%.4s", w->atena, sha);
        buf_addf(&content, "[page %d: %s %s %s]", i, w->name, w->kana, w->atena);
        sql = xasprintf(
            "INSERT INTO pages(sha256, batch_id, file_sha, file_page, source, status, form, "
            "subject, issue_id, read_at) VALUES ('%s-%d', 1, '%s', %d, 'scan.png', 'landed', "
            "'nyuyoji_4m', '%s', '%s', '2020-06-01');"
            "INSERT INTO readings(page_id, field, value, read_value, decision, crop) VALUES "
            "(last_insert_rowid(), 'name', '%s', '%s', 'review', CAST('%s' AS BLOB));"
            "INSERT INTO review_items(page_id, reading_id, field, kind, reason, risk, suggested, "
            "status, value, created_at) SELECT page_id, id, 'name', 'field', 'x', 1, value, "
            "'corrected', read_value, '2020-06-01' FROM readings WHERE id = last_insert_rowid();"
            "INSERT INTO review_log(item_id, action, before, after, by_user, at) VALUES "
            "(last_insert_rowid(), 'correct', '%s', '%s', 'tester', '2020-06-02');"
            "INSERT INTO checkups(person, form, exam_date, issue_id, created_by, created_at, "
            "findings, page_id) SELECT '%s', 'nyuyoji_4m', '2020-06-01', '%s', 'tester', "
            "'2020-06-02', '%s', id FROM pages WHERE sha256 = '%s-%d';"
            "INSERT INTO dental(checkup_id, page_id, person, form, exam_date, caries, created_at) "
            "SELECT id, page_id, person, form, exam_date, 0, '2020-06-02' FROM checkups WHERE id = "
            "last_insert_rowid();"
            "INSERT INTO issues_printed(issue_id, form, version, person, kind, pages, printed_by, "
            "printed_at) VALUES ('%s', 'nyuyoji_4m', 1, '%s', 'form', 1, 'tester', '2020-05-01')",
            sha, i, sha, i, w->atena, issue, w->name, w->kana, w->kana, w->kana, w->name, w->atena,
            issue, w->name, sha, i, issue, w->atena);
        tl_sql_exec(db, sql);
        free(sql);
        long item = tl_sql_long(db, "SELECT max(id) FROM review_items");
        char *idir = xasprintf("%s/%ld", review, item), *png = xasprintf("%s/field.png", idir);
        mkdir(idir, 0700);
        put_file(png, w->name);
        free(idir);
        free(png);
        free(issue);
    }
    put_file(file, content.s);
    buf_release(&content);
    free(scans);
    free(sub);
    free(review);
    free(file);
}

static int found_in(const char *path, const char *needle)
{
    return tl_file_contains(path, needle, strlen(needle)) == 1;
}

/* Paths of every regular file under d, into b (one per line). */
static void walk(const char *d, struct buf *b)
{
    DIR *dd = opendir(d);
    struct dirent *de;

    if (dd == NULL)
        return;
    while ((de = readdir(dd)) != NULL) {
        struct stat sb;
        if (de->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", d, de->d_name);
        if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            walk(p, b);
        else
            buf_addf(b, "%s\n", p);
        free(p);
    }
    closedir(dd);
}

/* Whether any file of the store, its WAL, scans or review folder holds needle. */
static int anywhere(const char *needle, char *where, size_t n)
{
    struct buf files;
    char *scans = xasprintf("%s.scans", db), *review = xasprintf("%s.review", db);
    char *wal = xasprintf("%s-wal", db);
    int hit = 0;

    buf_init(&files);
    buf_addf(&files, "%s\n%s\n", db, wal);
    walk(scans, &files);
    walk(review, &files);
    for (char *p = files.s; *p && !hit;) {
        char *nl = strchr(p, '\n');
        *nl = '\0';
        if (found_in(p, needle)) {
            snprintf(where, n, "%s", p);
            hit = 1;
        }
        p = nl + 1;
    }
    buf_release(&files);
    free(scans);
    free(review);
    free(wal);
    return hit;
}

static long count_where(const char *fmt, const char *atena)
{
    char *sql = xasprintf(fmt, atena, atena);
    long n = tl_sql_long(db, sql);

    free(sql);
    return n;
}

/* Rows naming atena anywhere but the access log (which keeps its chained entries). */
static long rows_of(const char *atena)
{
    return count_where("SELECT (SELECT count(*) FROM residents WHERE atena = '%s') + "
                       "(SELECT count(*) FROM residents_history WHERE atena = '%s')", atena) +
           count_where("SELECT (SELECT count(*) FROM pages WHERE subject = '%s') + "
                       "(SELECT count(*) FROM checkups WHERE person = '%s')", atena) +
           count_where("SELECT (SELECT count(*) FROM dental WHERE person = '%s') + 0", atena) +
           count_where("SELECT (SELECT count(*) FROM issues_printed WHERE person = '%s') + "
                       "(SELECT count(*) FROM referrals WHERE person = '%s')", atena);
}

START_TEST(purge_removes_six_year_people_and_keeps_four_year_people)
{
    struct who gone, kept;
    const struct who *solo_gone[] = { &gone }, *solo_kept[] = { &kept }, *mixed[] = { &gone, &kept };
    struct purge_report rep;
    struct berr e;
    char where[512];
    long residents_before, kept_pages;

    pick("2019-04-01", "2020-06-01", &gone);     /* about 6 years before 2026-04-01 */
    pick("2021-06-01", "2022-04-02", &kept);     /* about 4 years before */
    /* the 異動 history too: an earlier state of the purged person, 個人番号 included */
    char *sql = xasprintf("INSERT INTO residents_history(atena, replaced_at, replaced_by_import, "
                          "setai, name, kana, status, address, mynumber_enc, mynumber_idx) SELECT "
                          "atena, '2019-01-01', 1, setai, name, kana, 1, address, mynumber_enc, "
                          "mynumber_idx FROM residents WHERE atena IN ('%s', '%s')",
                          gone.atena, kept.atena);
    tl_sql_exec(db, sql);
    free(sql);
    give_pages("aa11", solo_gone, 1);
    give_pages("bb22", solo_kept, 1);
    give_pages("cc33", mixed, 2);
    char *gone_scan = xasprintf("%s.scans/aa/aa11.png", db);
    char *mixed_scan = xasprintf("%s.scans/cc/cc33.png", db);
    residents_before = tl_sql_long(db, "SELECT count(*) FROM residents");
    struct stats_period fy2020;
    struct stats_tables before, after;
    ck_assert_int_eq(stats_period_fiscal(2020, &fy2020, &e), 0);
    ck_assert_msg(stats_count(st, &admin, &fy2020, &before, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(before.checkup[STATS_4M].jushin, 2);   /* the gone and the kept, June 2020 */
    ck_assert(anywhere(gone.name, where, sizeof(where)));
    ck_assert(anywhere(gone.kana, where, sizeof(where)));
    /* the access-log review found views of the gone person (an operator of the same surname,
     * in the evening): its findings name the 宛名番号 only, never the name */
    {
        struct actor op;
        struct audit_review ar;
        char *surname = xstrdup(gone.name), *sp = strstr(surname, "　"), *opname, at[32];
        if (sp)
            *sp = '\0';
        opname = xasprintf("%s　試験", surname);
        ck_assert_msg(users_add(st, &admin, "kin", opname, NULL, &e) == 0, "%s", e.msg);
        ck_assert_msg(users_grant(st, &admin, "kin", "保健師", NULL, &e) == 0, "%s", e.msg);
        ck_assert_msg(actor_for_login(st, "kin", &op, &e) == 0, "%s", e.msg);
        store_iso_at(jpdate_day_start((struct ymd){ 2026, 3, 2 }) + 20 * 3600, at);
        ck_assert_msg(audit_append_at(st, &op, at, "residents.show", gone.atena, "試験", &e) == 0, "%s",
                      e.msg);
        ck_assert_msg(audit_review_run(st, &admin, 2026, 3, &ar, &e) == 0, "%s", e.msg);
        ck_assert_int_ge(ar.n[AR_HOURS], 1);
        ck_assert_int_ge(ar.n[AR_UNLINKED], 1);
        ck_assert_int_eq(ar.n[AR_SURNAME], sp ? 1 : 0);
        audit_review_release(&ar);
        free(opname);
        free(surname);
    }

    /* the dry run counts and changes nothing */
    ck_assert_msg(purge_run(st, &admin, (struct ymd){ 2026, 4, 1 }, 1, &rep, &e) == 0, "%s", e.msg);
    ck_assert_int_ge(rep.n[PURGE_PEOPLE], 1);
    ck_assert_int_eq(rep.n[PURGE_PAGES], 2);
    ck_assert_int_eq(rep.n[PURGE_SCANS], 1);
    ck_assert_int_eq(rep.n[PURGE_SCANS_KEPT], 1);
    ck_assert_int_eq(rep.n[PURGE_REVIEW_DIRS], 2);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents"), residents_before);
    /* row, history, 2 pages, 2 checkups, their 2 dental rows, 2 issues */
    ck_assert_int_eq(rows_of(gone.atena), 10);
    ck_assert(found_in(gone_scan, gone.name));

    ck_assert_msg(purge_run(st, &admin, (struct ymd){ 2026, 4, 1 }, 0, &rep, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents"),
                     residents_before - rep.n[PURGE_PEOPLE]);
    ck_assert_int_eq(rep.n[PURGE_HISTORY], 1);
    ck_assert_int_eq(rep.n[PURGE_PAGES], 2);
    ck_assert_int_eq(rep.n[PURGE_READINGS], 2);
    ck_assert_int_eq(rep.n[PURGE_REVIEW_ITEMS], 2);
    ck_assert_int_eq(rep.n[PURGE_CORRECTIONS], 2);
    ck_assert_int_eq(rep.n[PURGE_ISSUES], 2);
    ck_assert_int_eq(rep.n[PURGE_RECORDS], 4);   /* 2 checkups, their 2 dental rows */
    ck_assert_int_eq(rep.n[PURGE_REVIEW_DIRS], 2);
    ck_assert_int_eq(rep.stats_frozen, 6);                 /* fiscal 2020 .. 2025 */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM stats_frozen"), 6);
    /* earlier years' statistics are what they were: frozen, not recounted */
    ck_assert_msg(stats_count(st, &admin, &fy2020, &after, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(after.checkup[STATS_4M].jushin, 2);
    ck_assert_int_eq(memcmp(&before, &after, sizeof(before)), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM checkups"), 2);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM dental d JOIN checkups c ON c.id = "
                                     "d.checkup_id AND c.person = d.person"), 2);
    /* nobody gone 5 years or less is touched, nor anyone still living here */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents WHERE status IN (2, 3) AND "
                                     "idou_date < '2021-04-01'"), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents WHERE status IN (2, 3) AND "
                                     "idou_date >= '2021-04-01'") > 0, 1);
    ck_assert_int_eq(rows_of(gone.atena), 0);
    ck_assert_int_eq(rows_of(kept.atena), 10);
    kept_pages = count_where("SELECT count(*) FROM pages WHERE subject = '%s' OR subject = '%s'",
                             kept.atena);
    ck_assert_int_eq(kept_pages, 2);
    ck_assert(access(gone_scan, F_OK) != 0);
    ck_assert(access(mixed_scan, F_OK) == 0);   /* holds the kept person's page: kept */

    /* bytes: store, WAL, scans, review images (the mixed scan file aside, see purge.c) */
    unlink(mixed_scan);
    ck_assert_msg(!anywhere(gone.name, where, sizeof(where)), "氏名 found in %s", where);
    ck_assert_msg(!anywhere(gone.kana, where, sizeof(where)), "カナ found in %s", where);
    ck_assert_msg(!anywhere(gone.mynumber, where, sizeof(where)), "個人番号 found in %s", where);
    ck_assert_int_eq(rows_of(gone.atena), 0);
    /* the review's findings stay, as the access log does (README "Access-log review") */
    ck_assert_int_ge(count_where("SELECT (SELECT count(*) FROM audit_findings WHERE person = '%s') + 0",
                                 gone.atena), 2);
    /* the kept person is still all there */
    ck_assert(anywhere(kept.name, where, sizeof(where)));
    {
        struct resident r;
        char mn[13];
        ck_assert_msg(residents_get(st, &admin, kept.atena, "test", &r, &e) == 0, "%s", e.msg);
        ck_assert_str_eq(r.name, kept.name);
        resident_release(&r);
        ck_assert_int_eq(residents_reveal_mynumber(st, &admin, kept.atena, "テスト", mn, &e), 0);
        ck_assert_str_eq(mn, kept.mynumber);
    }
    /* the next master still lists them as 転出・死亡: they stay gone */
    {
        struct import_report ir;
        char *csv = tl_path(dir, "town.csv");
        ck_assert_msg(residents_import(st, &admin, csv, 0, &ir, &e) == 0, "%s", e.msg);
        ck_assert_int_eq(ir.purged, rep.n[PURGE_PEOPLE]);
        ck_assert_int_eq(ir.inserted, 0);
        ck_assert_int_eq(rows_of(gone.atena), 0);
        ck_assert_msg(!anywhere(gone.name, where, sizeof(where)), "氏名 back in %s", where);
        free(csv);
    }
    /* one audit entry with counts, no name; the chain still verifies */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'purge' "
                                     "AND person IS NULL"), 1);
    {
        struct audit_verify_result v;
        ck_assert_msg(audit_verify(st, &admin, &v, &e) == 0, "%s", e.msg);
        ck_assert_msg(v.first_bad == 0, "%s", v.reason);
    }
    free(gone_scan);
    free(mixed_scan);
}
END_TEST

/* A purged child's visits go; a kept mother's 聴覚検査 voucher stays, unlinked from the child. */
START_TEST(purge_removes_visits_and_unlinks_the_hearing_voucher)
{
    struct who gone, kept;
    struct purge_report rep;
    struct berr e;

    pick("2019-04-01", "2020-06-01", &gone);
    pick("2021-06-01", "2022-04-02", &kept);
    char *sql = xasprintf(
        "INSERT INTO visits(person, form, visit_date, weight_g, created_by, created_at) VALUES "
        "('%s', 'shinseiji_houmon', '2019-05-01', 4200, 'tester', '2019-05-02');"
        "INSERT INTO checkups(person, form, exam_date, created_by, created_at, result, "
        "referral_targets) VALUES ('%s', 'choukaku_jushinken', '2019-04-20', 'tester', "
        "'2019-04-21', 'yoseimitsu', 'mimi');"
        "INSERT INTO vouchers(issue_id, mother, kai, used_date, created_at, form, hearing_right, "
        "child, followup_checkup_id) VALUES ('I77', '%s', 1, '2019-04-20', '2019-04-21', "
        "'choukaku_jushinken', 'refer', '%s', last_insert_rowid())",
        gone.atena, gone.atena, kept.atena, gone.atena);
    tl_sql_exec(db, sql);
    free(sql);
    ck_assert_msg(purge_run(st, &admin, (struct ymd){ 2026, 4, 1 }, 0, &rep, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(count_where("SELECT count(*) FROM visits WHERE person = '%s' OR '%s' = ''",
                                 gone.atena), 0);
    ck_assert_int_eq(count_where("SELECT count(*) FROM checkups WHERE person = '%s' OR '%s' = ''",
                                 gone.atena), 0);
    ck_assert_int_eq(count_where("SELECT count(*) FROM vouchers WHERE mother = '%s' AND child IS NULL "
                                 "AND followup_checkup_id IS NULL AND '%s' <> ''", kept.atena), 1);
}
END_TEST

START_TEST(retention_below_five_years_refused_and_permission_needed)
{
    struct berr e;
    struct purge_report rep;
    struct actor weak = admin;

    ck_assert_int_eq(settings_set(st, &admin, "purge.retention_years", "4", &e), BERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.msg, "5 年未満"));
    ck_assert_int_eq(settings_set(st, &admin, "purge.retention_years", "8", &e), 0);
    ck_assert_int_eq(purge_run(st, &admin, (struct ymd){ 2026, 4, 1 }, 1, &rep, &e), 0);
    ck_assert_int_eq(rep.retention_years, 8);
    ck_assert_int_eq(rep.n[PURGE_PEOPLE], 0);     /* the town's removals are all within 8 years */
    /* a store edited by hand below the floor is refused, not obeyed */
    tl_sql_exec(db, "UPDATE settings SET value = '1' WHERE key = 'purge.retention_years'");
    ck_assert_int_eq(purge_run(st, &admin, (struct ymd){ 2026, 4, 1 }, 0, &rep, &e), BERR_INVALID);
    /* an as-of after today would purge people early */
    tl_sql_exec(db, "UPDATE settings SET value = '5' WHERE key = 'purge.retention_years'");
    store_set_today(st, (struct ymd){ 2026, 3, 31 });
    ck_assert_int_eq(purge_run(st, &admin, (struct ymd){ 2026, 4, 1 }, 1, &rep, &e), BERR_INVALID);
    ck_assert_ptr_nonnull(strstr(e.msg, "今日より後"));
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function LIKE 'purge%'"),
                     1);
    weak.perms &= ~(1u << PERM_PURGE);
    ck_assert_int_eq(purge_run(st, &weak, (struct ymd){ 2026, 4, 1 }, 1, &rep, &e), BERR_DENIED);
}
END_TEST

START_TEST(cli_dry_run_shows_counts_and_no_names)
{
    struct tl_result r;
    struct who gone;

    struct berr e;
    struct passwd *pw = getpwuid(geteuid());
    const char *os = pw ? pw->pw_name : "root";

    pick("2019-04-01", "2020-06-01", &gone);
    if (strcmp(os, "tester") != 0) {
        ck_assert_msg(users_add(st, &admin, "os-admin", "管理 一郎", os, &e) == 0, "%s", e.msg);
        ck_assert_msg(users_grant(st, &admin, "os-admin", "admin", NULL, &e) == 0, "%s", e.msg);
    }
    store_close(&st);
    ck_assert_int_eq(tl_boshi_run(&r, db, NULL, "purge", "--as-of", "2026-04-01", "--dry-run",
                                  NULL), 0);
    ck_assert_msg(strstr(r.out, "対象者") != NULL, "%s / %s", r.out, r.err);
    ck_assert(strstr(r.out, gone.name) == NULL && strstr(r.out, gone.kana) == NULL &&
              strstr(r.out, gone.atena) == NULL);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents WHERE status IN (2, 3) AND "
                                     "idou_date < '2021-04-01'") > 0, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("purge");
    TCase *tc = tcase_create("purge");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, purge_removes_six_year_people_and_keeps_four_year_people);
    tcase_add_test(tc, purge_removes_visits_and_unlinks_the_hearing_voucher);
    tcase_add_test(tc, retention_below_five_years_refused_and_permission_needed);
    tcase_add_test(tc, cli_dry_run_shows_counts_and_no_names);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
