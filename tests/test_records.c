/*
 * test_records: the store on real SQLite files - creation and the key file,
 * resident import (every rejection case in tests/data/residents/bad, the
 * good variants, CP932), rejection leaving the file byte-for-byte unchanged,
 * daily diffs and history, matching, the 個人番号 never in the file,
 * permissions and expiry, the audit chain against tampering, and audited
 * reads waiting for another connection's write instead of failing "locked".
 */
#include "records/audit.h"
#include "records/landing.h"
#include "records/pages.h"
#include "records/residents.h"
#include "records/review.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <dirent.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir, *db;
static struct store *st;
static struct actor admin;

static void setup(void)
{
    struct berr e;

    dir = tl_tmpdir();
    ck_assert_ptr_nonnull(dir);
    db = tl_path(dir, "t.db");
    ck_assert_msg(store_create(db, "tester", &e) == 0, "%s", e.msg);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_login(st, "tester", &admin, &e) == 0, "%s", e.msg);
}

static void teardown(void)
{
    store_close(&st);
    tl_rmtree(dir);
    free(dir);
    free(db);
}

static char *data(const char *rel)
{
    return xasprintf("%s/tests/data/residents/%s", tl_src(), rel);
}

static int import(const char *rel, unsigned flags, struct import_report *rep, struct berr *e)
{
    char *p = data(rel);
    int rc = residents_import(st, &admin, p, flags, rep, e);

    free(p);
    return rc;
}

static long count(const char *sql)
{
    return tl_sql_long(db, sql);
}

static void raw_sql(const char *sql)
{
    tl_sql_exec(db, sql);
}

START_TEST(create_makes_private_key_and_refuses_twice)
{
    struct stat sb;
    char *kp = xasprintf("%s.key", db);
    struct berr e;

    ck_assert_int_eq(stat(kp, &sb), 0);
    ck_assert_int_eq(sb.st_size, 32);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    ck_assert_int_eq(store_create(db, "tester", &e), BERR_CONFLICT);
    /* a key readable by others is refused */
    chmod(kp, 0644);
    struct store *s2 = NULL;
    ck_assert_int_eq(store_open(db, 0, &s2, &e), BERR_DENIED);
    ck_assert_ptr_null(s2);
    ck_assert(strstr(e.msg, "0600") != NULL);
    chmod(kp, 0600);
    free(kp);
}
END_TEST

/* Every file in bad/ is rejected with its expected message; nothing changes. */
START_TEST(bad_files_rejected_with_line_and_column)
{
    char *bad = data("bad");
    DIR *d = opendir(bad);
    struct dirent *de;
    int n = 0;
    struct import_report rep;
    struct berr e;

    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    long before = count("SELECT count(*) FROM residents");
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len < 5 || strcmp(de->d_name + len - 4, ".csv") != 0)
            continue;
        char *csv = xasprintf("%s/%s", bad, de->d_name);
        char *exp_path = xasprintf("%s/%.*s.expect", bad, (int)(len - 4), de->d_name);
        char *exp = tl_read_file(exp_path, NULL);
        ck_assert_ptr_nonnull(exp);
        char *nl = strchr(exp, '\n');
        unsigned flags = nl && strstr(nl, "--encoding utf-8") ? IMPORT_UTF8 : 0;
        *nl = '\0';
        int rc = residents_import(st, &admin, csv, flags, &rep, &e);
        ck_assert_msg(rc == BERR_INVALID, "%s: rc %d: %s", de->d_name, rc, e.msg);
        ck_assert_msg(strstr(e.msg, exp) != NULL, "%s: want '%s' in:\n%s", de->d_name, exp, e.msg);
        ck_assert_msg(strstr(e.msg, de->d_name) != NULL, "%s: message must name the file", de->d_name);
        /* the check digit must never be echoed */
        ck_assert_msg(strstr(e.msg, "2000000000") == NULL, "%s: number echoed at: %.80s", de->d_name, strstr(e.msg, "2000000000") - 40);
        free(csv);
        free(exp_path);
        free(exp);
        n++;
    }
    closedir(d);
    free(bad);
    ck_assert_int_ge(n, 20);
    ck_assert_int_eq(count("SELECT count(*) FROM residents"), before);
}
END_TEST

START_TEST(many_errors_are_all_counted)
{
    struct import_report rep;
    struct berr e;

    ck_assert_int_eq(import("bad/many_errors.csv", 0, &rep, &e), BERR_INVALID);
    ck_assert(strstr(e.msg, "誤りが 80 件") != NULL);
    ck_assert(strstr(e.msg, ":2: 列「性別」") != NULL);
    ck_assert(strstr(e.msg, ":51: 列「性別」") != NULL);
    ck_assert(strstr(e.msg, ":52: ") == NULL);   /* listed up to 50 */
}
END_TEST

START_TEST(rejection_leaves_file_byte_for_byte)
{
    struct import_report rep;
    struct berr e;
    size_t n1, n2;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    store_close(&st);            /* checkpoint the WAL into the file */
    char *before = tl_read_file(db, &n1);
    ck_assert_int_eq(store_open(db, 0, &st, &e), 0);
    ck_assert_int_eq(import("bad/dup_atena.csv", 0, &rep, &e), BERR_INVALID);
    ck_assert_int_eq(import("bad/bad_date.csv", IMPORT_FULL, &rep, &e), BERR_INVALID);
    /* a conflict found only while applying (個人番号 of another stored person) */
    char *conf = tl_path(dir, "conflict.csv");
    FILE *f = fopen(conf, "w");
    fputs("宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,方書,異動事由,異動日,届出日,個人番号\n"
          "0000000999,1000000999,別人　次郎,ベツジン　ジロウ,1,19800101,世帯主,1,1230001,みどり市本町,,02,20200101,,100000000013\n",
          f);
    fclose(f);
    ck_assert_int_eq(residents_import(st, &admin, conf, 0, &rep, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "conflict.csv:2: 列「個人番号」") != NULL, "%s", e.msg);
    store_close(&st);
    char *after = tl_read_file(db, &n2);
    ck_assert_uint_eq(n1, n2);
    ck_assert(memcmp(before, after, n1) == 0);
    ck_assert_int_eq(store_open(db, 0, &st, &e), 0);
    free(before);
    free(after);
    free(conf);
}
END_TEST

START_TEST(good_variants_import)
{
    static const char *const files[] = { "good/quotes.csv", "good/crlf.csv", "good/bom.csv",
                                         "good/multiline.csv", "good/cp932.csv" };
    struct import_report rep;
    struct resident r;
    struct berr e;

    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        int rc = import(files[i], 0, &rep, &e);
        ck_assert_msg(rc == 0, "%s: %s", files[i], e.msg);
        ck_assert_int_eq(rep.rows, 2);
    }
    ck_assert_int_eq(import("good/quotes.csv", 0, &rep, &e), 0);
    ck_assert_int_eq(residents_get(st, &admin, "0000000101", NULL, &r, &e), 0);
    ck_assert_str_eq(r.katagaki, "コーポ緑,101号");
    resident_release(&r);
    ck_assert_int_eq(residents_get(st, &admin, "0000000102", NULL, &r, &e), 0);
    ck_assert_str_eq(r.address, "みどり市本町1丁目1番1号 \"離れ\"");
    resident_release(&r);
    ck_assert_int_eq(import("good/cp932.csv", 0, &rep, &e), 0);
    ck_assert_str_eq(rep.encoding, "CP932");
    ck_assert_int_eq(residents_get(st, &admin, "0000000101", NULL, &r, &e), 0);
    ck_assert_str_eq(r.name, "髙橋　花子");
    resident_release(&r);
    ck_assert_int_eq(residents_get(st, &admin, "0000000102", NULL, &r, &e), 0);
    ck_assert_str_eq(r.name, "山﨑　ゆい");
    resident_release(&r);
    ck_assert_int_eq(import("good/bom.csv", 0, &rep, &e), 0);
    ck_assert_str_eq(rep.encoding, "UTF-8 (BOM)");
    ck_assert_int_eq(import("good/cp932.csv", IMPORT_UTF8, &rep, &e), BERR_INVALID);
}
END_TEST

START_TEST(diff_upserts_and_keeps_history)
{
    struct import_report rep;
    struct resident r;
    struct berr e;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    ck_assert_int_eq(rep.inserted, 8);
    /* the same file again: nothing changes */
    ck_assert_int_eq(import("small.csv", 0, &rep, &e), 0);
    ck_assert_int_eq(rep.unchanged, 8);
    ck_assert_int_eq(rep.updated, 0);
    char *p = tl_path(dir, "diff.csv");
    FILE *f = fopen(p, "w");
    fputs("宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,方書,異動事由,異動日,届出日,個人番号\n"
          "0000000004,1000000002,齋藤　一郎,サイトウ　イチロウ,1,19790203,世帯主,1,1230009,みどり市北町9丁目9番9号,,03,20261101,20261102,100000000048\n"
          "0000000010,1000000001,髙橋　みお,タカハシ　ミオ,2,20261015,子,1,1230001,みどり市本町2丁目3番4号,,01,20261015,20261020,\n",
          f);
    fclose(f);
    ck_assert_msg(residents_import(st, &admin, p, 0, &rep, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(rep.updated, 1);
    ck_assert_int_eq(rep.inserted, 1);
    ck_assert_int_eq(residents_get(st, &admin, "0000000004", NULL, &r, &e), 0);
    ck_assert_str_eq(r.address, "みどり市北町9丁目9番9号");
    ck_assert_str_eq(r.mynumber_masked, "********0048");
    resident_release(&r);
    ck_assert_int_eq(count("SELECT count(*) FROM residents_history WHERE atena = '0000000004' "
                           "AND address = 'みどり市緑町1丁目5番6号' AND katagaki = 'コーポ緑,101号'"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM residents"), 9);
    ck_assert_int_eq(count("SELECT count(*) FROM imports"), 3);
    free(p);
}
END_TEST

static struct candidate *find(struct find_query q, size_t *n)
{
    struct candidate *c = NULL;
    struct berr e;

    ck_assert_msg(residents_find(st, &admin, &q, &c, n, &e) == 0, "%s", e.msg);
    return c;
}

START_TEST(matching_folds_what_it_should_and_not_more)
{
    struct import_report rep;
    struct berr e;
    size_t n;
    struct candidate *c;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    /* 高橋 finds 髙橋; the resident of 1988 first because of the birth date */
    c = find((struct find_query){ .name = "高橋　太郎", .birth = { 1988, 4, 12 } }, &n);
    ck_assert_uint_ge(n, 1);
    ck_assert_str_eq(c[0].r.atena, "0000000001");
    ck_assert(strstr(c[0].reasons, "氏名一致(表記ゆれ・異体字)") != NULL);
    ck_assert(strstr(c[0].reasons, "生年月日一致") != NULL);
    candidates_free(c, n);
    /* hiragana, half-width and spacing variants of the kana */
    static const char *const kana[] = { "たかはし　たろう", "ﾀｶﾊｼ ﾀﾛｳ", "タカハシタロウ" };
    for (size_t i = 0; i < 3; i++) {
        c = find((struct find_query){ .kana = kana[i] }, &n);
        ck_assert_uint_eq(n, 2);   /* both タカハシ タロウ, the one moved out marked */
        ck_assert(strstr(c[0].reasons, "カナ一致") != NULL);
        ck_assert(strstr(c[1].reasons, "[転出]") != NULL || strstr(c[0].reasons, "[転出]") != NULL);
        candidates_free(c, n);
    }
    c = find((struct find_query){ .name = "斎藤　一郎" }, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(c[0].r.atena, "0000000004");
    candidates_free(c, n);
    c = find((struct find_query){ .name = "山崎　恵子" }, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(c[0].r.name, "山﨑　恵子");
    candidates_free(c, n);
    /* ヴ and ブ are different people */
    c = find((struct find_query){ .kana = "ヴィクトリア　サトウ" }, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(c[0].r.atena, "0000000007");
    candidates_free(c, n);
    /* same birth date, both candidates; kana decides the order */
    c = find((struct find_query){ .kana = "ビクトリア　サトウ", .birth = { 1995, 3, 15 } }, &n);
    ck_assert_uint_eq(n, 2);
    ck_assert_str_eq(c[0].r.atena, "0000000008");
    ck_assert_int_gt(c[0].score, c[1].score);
    candidates_free(c, n);
    /* 個人番号 look-up by keyed hash */
    c = find((struct find_query){ .mynumber = "100000000048" }, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_str_eq(c[0].r.atena, "0000000004");
    ck_assert(strstr(c[0].reasons, "個人番号一致") != NULL);
    candidates_free(c, n);
    /* address, in another notation */
    c = find((struct find_query){ .kana = "タカハシ", .address = "みどり市本町２－３－４" }, &n);
    ck_assert_uint_ge(n, 2);
    ck_assert(strstr(c[0].reasons, "住所一致") != NULL);
    candidates_free(c, n);
    /* nothing matches */
    c = find((struct find_query){ .kana = "ムラカミ　ハルキ" }, &n);
    ck_assert_uint_eq(n, 0);
    candidates_free(c, n);
    struct candidate *x = NULL;
    ck_assert_int_eq(residents_find(st, &admin, &(struct find_query){ .mynumber = "100000000047" },
                                    &x, &n, &e), BERR_INVALID);
}
END_TEST

START_TEST(find_uses_indexes_only)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    static const char *const q[] = {
        "EXPLAIN QUERY PLAN SELECT atena FROM residents WHERE kana_key = 'x'",
        "EXPLAIN QUERY PLAN SELECT atena FROM residents WHERE kana_key > 'x' AND kana_key < 'y'",
        "EXPLAIN QUERY PLAN SELECT atena FROM residents WHERE name_key = 'x'",
        "EXPLAIN QUERY PLAN SELECT atena FROM residents WHERE birth = '2020-01-01'",
        "EXPLAIN QUERY PLAN SELECT atena FROM residents WHERE mynumber_idx = x'00'",
        "EXPLAIN QUERY PLAN SELECT atena FROM residents WHERE addr_key >= 'a' AND addr_key < 'b'",
    };

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
        ck_assert_int_eq(sqlite3_prepare_v2(h, q[i], -1, &s, NULL), SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW) {
            const char *d = (const char *)sqlite3_column_text(s, 3);
            ck_assert_msg(strstr(d, "SCAN") == NULL, "%s: %s", q[i], d);
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(h);
}
END_TEST

START_TEST(mynumber_never_in_the_file)
{
    struct import_report rep;
    struct resident r;
    struct berr e;
    char mn[13];

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    ck_assert_int_eq(residents_get(st, &admin, "0000000001", NULL, &r, &e), 0);
    ck_assert_str_eq(r.mynumber_masked, "********0013");
    resident_release(&r);
    ck_assert_int_eq(residents_reveal_mynumber(st, &admin, "0000000001", "本人確認", mn, &e), 0);
    ck_assert_str_eq(mn, "100000000013");
    ck_assert_int_eq(residents_reveal_mynumber(st, &admin, "0000000001", "", mn, &e), BERR_INVALID);
    ck_assert_int_eq(residents_reveal_mynumber(st, &admin, "0000000005", "確認", mn, &e),
                     BERR_NOTFOUND);
    static const char *const numbers[] = { "100000000013", "100000000021", "100000000048" };
    char *wal = xasprintf("%s-wal", db);
    for (size_t i = 0; i < 3; i++) {
        ck_assert(!tl_file_contains(db, numbers[i], 12));
        ck_assert(!tl_file_contains(wal, numbers[i], 12));
    }
    store_close(&st);
    for (size_t i = 0; i < 3; i++)
        ck_assert(!tl_file_contains(db, numbers[i], 12));
    ck_assert_int_eq(store_open(db, 0, &st, &e), 0);
    /* the reveal is in the audit log, the number is not */
    ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE function = 'mynumber.reveal' "
                           "AND person = '0000000001' AND detail LIKE '%本人確認%'"), 1);
    ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE detail LIKE '%100000000013%'"), 0);
    free(wal);
}
END_TEST

START_TEST(roles_expiry_and_disabled_accounts)
{
    struct actor clerk, a2;
    struct berr e;
    struct import_report rep;
    struct ymd until = { 2026, 12, 31 };
    char mn[13];

    store_set_today(st, (struct ymd){ 2026, 11, 21 });
    ck_assert_int_eq(users_add(st, &admin, "suzuki", "鈴木 一子", "suzuki", &e), 0);
    /* no grant yet: can do nothing */
    ck_assert_int_eq(actor_for_login(st, "suzuki", &clerk, &e), BERR_DENIED);
    ck_assert_int_eq(users_grant(st, &admin, "suzuki", "jimu", &until, &e), 0);
    ck_assert_int_eq(actor_for_os_user(st, "suzuki", &clerk, &e), 0);
    ck_assert(actor_can(&clerk, PERM_RESIDENTS_READ));
    ck_assert(actor_can(&clerk, PERM_INTAKE));
    ck_assert(!actor_can(&clerk, PERM_RESIDENTS_IMPORT));
    ck_assert(!actor_can(&clerk, PERM_MYNUMBER_REVEAL));
    ck_assert(!actor_can(&clerk, PERM_USERS_ADMIN));
    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    char *p = data("small.csv");
    ck_assert_int_eq(residents_import(st, &clerk, p, 0, &rep, &e), BERR_DENIED);
    free(p);
    ck_assert_int_eq(residents_reveal_mynumber(st, &clerk, "0000000001", "x", mn, &e), BERR_DENIED);
    ck_assert_int_eq(users_add(st, &clerk, "evil", NULL, NULL, &e), BERR_DENIED);
    /* the grant runs out at the end of its last day */
    store_set_today(st, (struct ymd){ 2026, 12, 31 });
    ck_assert_int_eq(actor_for_login(st, "suzuki", &a2, &e), 0);
    store_set_today(st, (struct ymd){ 2027, 1, 1 });
    ck_assert_int_eq(actor_for_login(st, "suzuki", &a2, &e), BERR_DENIED);
    ck_assert(strstr(e.msg, "期限切れ") != NULL);
    /* the default expiry is the next 31 March */
    store_set_today(st, (struct ymd){ 2026, 11, 21 });
    ck_assert_int_eq(users_grant(st, &admin, "suzuki", "保健師", NULL, &e), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM grants g JOIN users u ON u.id = g.user_id "
                           "WHERE u.login = 'suzuki' AND g.what = '保健師' AND "
                           "g.valid_until = '2027-03-31'"), 1);
    store_set_today(st, (struct ymd){ 2027, 3, 31 });
    ck_assert_int_eq(actor_for_login(st, "suzuki", &a2, &e), 0);
    ck_assert(actor_can(&a2, PERM_REVIEW));
    ck_assert(!actor_can(&a2, PERM_INTAKE));   /* the 事務 grant expired */
    /* revoke and disable */
    ck_assert_int_eq(users_revoke(st, &admin, "suzuki", "hokenshi", &e), 0);
    ck_assert_int_eq(actor_for_login(st, "suzuki", &a2, &e), BERR_DENIED);
    ck_assert_int_eq(users_grant(st, &admin, "suzuki", "mynumber.reveal", NULL, &e), 0);
    ck_assert_int_eq(actor_for_login(st, "suzuki", &a2, &e), 0);
    ck_assert(actor_can(&a2, PERM_MYNUMBER_REVEAL));
    ck_assert(!actor_can(&a2, PERM_RESIDENTS_READ));
    ck_assert_int_eq(users_disable(st, &admin, "suzuki", &e), 0);
    ck_assert_int_eq(actor_for_login(st, "suzuki", &a2, &e), BERR_DENIED);
    ck_assert(strstr(e.msg, "無効") != NULL);
    ck_assert_int_eq(users_disable(st, &admin, "tester", &e), BERR_INVALID);
    ck_assert_int_eq(users_grant(st, &admin, "suzuki", "社長", NULL, &e), BERR_INVALID);
    ck_assert_int_eq(users_add(st, &admin, "suzuki", NULL, NULL, &e), BERR_CONFLICT);
    ck_assert_int_eq(users_add(st, &admin, "bad name", NULL, NULL, &e), BERR_INVALID);
    ck_assert_int_eq(actor_for_os_user(st, "nobody-here", &a2, &e), BERR_DENIED);
}
END_TEST

static void expect_verify(int64_t first_bad, const char *reason_part)
{
    struct audit_verify_result r;
    struct berr e;

    ck_assert_msg(audit_verify(st, &admin, &r, &e) == 0, "%s", e.msg);
    ck_assert_msg(r.first_bad == first_bad, "first_bad %lld want %lld (%s)", (long long)r.first_bad,
                  (long long)first_bad, r.reason);
    if (reason_part)
        ck_assert_msg(strstr(r.reason, reason_part) != NULL, "%s", r.reason);
}

START_TEST(audit_chain_detects_tampering)
{
    struct import_report rep;
    struct resident r;
    struct berr e;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    for (int i = 0; i < 5; i++) {
        ck_assert_int_eq(residents_get(st, &admin, "0000000002", NULL, &r, &e), 0);
        resident_release(&r);
    }
    expect_verify(0, NULL);
    long total = count("SELECT count(*) FROM audit_log");
    ck_assert_int_ge(total, 8);
    /* the triggers refuse casual edits */
    sqlite3 *h;
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(h, "UPDATE audit_log SET user = 'x' WHERE seq = 3", NULL, NULL, NULL),
                     SQLITE_OK);
    ck_assert_int_ne(sqlite3_exec(h, "DELETE FROM audit_log WHERE seq = 3", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    /* an attacker who drops the triggers: edit one entry */
    raw_sql("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
            "UPDATE audit_log SET person = '0000000001' WHERE seq = 4");
    expect_verify(4, "改ざん");
    raw_sql("UPDATE audit_log SET person = '0000000002' WHERE seq = 4");
    expect_verify(0, NULL);
}
END_TEST

START_TEST(audit_chain_detects_deletion)
{
    struct resident r;
    struct berr e;
    struct import_report rep;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(residents_get(st, &admin, "0000000003", NULL, &r, &e), 0);
        resident_release(&r);
    }
    raw_sql("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 3");
    expect_verify(3, "欠けて");
}
END_TEST

START_TEST(audit_chain_detects_cut_tail_and_lists)
{
    struct resident r;
    struct berr e;
    struct import_report rep;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    ck_assert_int_eq(residents_get(st, &admin, "0000000003", NULL, &r, &e), 0);
    resident_release(&r);
    long last = count("SELECT max(seq) FROM audit_log");
    char *sql = xasprintf("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = %ld", last);
    raw_sql(sql);
    free(sql);
    expect_verify(last, "削除");
    /* the person filter finds the show of 0000000003 */
    ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE function = 'residents.import'"), 1);
}
END_TEST

static int count_rows(const struct audit_row *r, void *ctx)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

/* Issue 12: a record landed from a form with no 発行番号 never logs 「(発行番号 )」. */
START_TEST(landing_log_names_a_missing_issue)
{
    struct berr e;
    int64_t id = 0;
    int created = 0;

    ck_assert_int_eq(store_begin(st, &e), 0);
    ck_assert_msg(record_for_issue(st, &admin, REC_PREGNANCY, "", "U000000001", "ninshin_todoke",
                                   0, &id, &created, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(store_commit(st, &e), 0);
    ck_assert_int_eq(created, 1);
    ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE function = 'records.land' AND "
                           "detail LIKE '%(発行番号 )%'"), 0);
    ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE function = 'records.land' AND "
                           "detail = '妊娠届の記録 を登録 (発行番号なし)'"), 1);
}
END_TEST

START_TEST(audit_list_filters)
{
    struct resident r;
    struct berr e;
    struct import_report rep;
    int n = 0;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    ck_assert_int_eq(residents_get(st, &admin, "0000000003", NULL, &r, &e), 0);
    resident_release(&r);
    ck_assert_int_eq(residents_get(st, &admin, "0000000003", NULL, &r, &e), 0);
    resident_release(&r);
    struct audit_filter f = { .person = "0000000003" };
    ck_assert_int_eq(audit_list(st, &admin, &f, count_rows, &n, &e), 0);
    ck_assert_int_eq(n, 3);   /* two shows and this listing itself */
    n = 0;
    f = (struct audit_filter){ .user = "nobody" };
    ck_assert_int_eq(audit_list(st, &admin, &f, count_rows, &n, &e), 0);
    ck_assert_int_eq(n, 0);
    n = 0;
    f = (struct audit_filter){ .since = "2099-01-01" };
    ck_assert_int_eq(audit_list(st, &admin, &f, count_rows, &n, &e), 0);
    ck_assert_int_eq(n, 0);
}
END_TEST

/* Another connection holding the write lock for a while, as intake does. */
struct writer {
    const char *db;
    int ms;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int locked;
};

static void *hold_write_lock(void *p)
{
    struct writer *w = p;
    sqlite3 *h;

    sqlite3_open(w->db, &h);
    sqlite3_busy_timeout(h, 10000);
    sqlite3_exec(h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    pthread_mutex_lock(&w->mu);
    w->locked = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    usleep((useconds_t)w->ms * 1000);
    sqlite3_exec(h, "INSERT OR REPLACE INTO meta(key, value) VALUES ('t', 'x')", NULL, NULL, NULL);
    sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(h);
    return NULL;
}

static void writer_start(struct writer *w, pthread_t *t)
{
    w->db = db;
    w->ms = 300;
    w->locked = 0;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    pthread_create(t, NULL, hold_write_lock, w);
    pthread_mutex_lock(&w->mu);
    while (!w->locked)
        pthread_cond_wait(&w->cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
}

static void writer_join(struct writer *w, pthread_t t)
{
    pthread_join(t, NULL);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
}

static int keep_row_id(const struct review_row *r, void *p)
{
    *(int64_t *)p = r->id;
    return 0;
}

/*
 * A read that writes an audit entry must take the write lock before it
 * reads: a read transaction upgraded later fails at once with SQLITE_BUSY
 * (the busy handler is not called for an upgrade), which a nurse would see.
 */
START_TEST(audited_reads_wait_for_a_writer)
{
    struct import_report rep;
    struct resident r;
    struct berr e;
    struct writer w;
    pthread_t t;
    char mn[13];
    int64_t batch = 0, page = 0, item = 0;
    int resumed = 0;

    ck_assert_int_eq(import("small.csv", IMPORT_FULL, &rep, &e), 0);
    /* a page with one review item */
    ck_assert_int_eq(batch_open(st, &admin, "b1", "/x", &batch, &resumed, &e), 0);
    struct review_in it = { "weight", "field", "読取が不確か", 10, "6.5", -1 };
    struct page_in pi = { .sha = "aa", .file_sha = "bb", .source = "/x/p.png", .batch_id = batch,
                          .form = "nyuyoji_4m", .version = 1, .page_no = 1, .pages = 1,
                          .subject = "0000000001", .items = &it, .n_items = 1 };
    ck_assert_int_eq(store_begin(st, &e), 0);
    ck_assert_int_eq(scan_file_add(st, "bb", "p.png", 1, batch, &e), 0);
    ck_assert_msg(page_store(st, &admin, &pi, &page, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(store_commit(st, &e), 0);
    item = tl_sql_long(db, "SELECT id FROM review_items");
    ck_assert_int_gt(item, 0);

    writer_start(&w, &t);
    ck_assert_msg(residents_get(st, &admin, "0000000001", NULL, &r, &e) == 0, "%s", e.msg);
    resident_release(&r);
    writer_join(&w, t);

    writer_start(&w, &t);
    ck_assert_msg(residents_reveal_mynumber(st, &admin, "0000000001", "本人確認", mn, &e) == 0,
                  "%s", e.msg);
    ck_assert_str_eq(mn, "100000000013");
    writer_join(&w, t);

    writer_start(&w, &t);
    int64_t got = 0;
    ck_assert_msg(review_get(st, &admin, item, keep_row_id, &got, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(got, item);
    writer_join(&w, t);
    ck_assert_int_eq(count("SELECT count(*) FROM audit_log WHERE function IN ('residents.show', "
                           "'mynumber.reveal', 'review.show')"), 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("records");
    TCase *tc = tcase_create("store");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, create_makes_private_key_and_refuses_twice);
    tcase_add_test(tc, bad_files_rejected_with_line_and_column);
    tcase_add_test(tc, many_errors_are_all_counted);
    tcase_add_test(tc, rejection_leaves_file_byte_for_byte);
    tcase_add_test(tc, good_variants_import);
    tcase_add_test(tc, diff_upserts_and_keeps_history);
    tcase_add_test(tc, matching_folds_what_it_should_and_not_more);
    tcase_add_test(tc, find_uses_indexes_only);
    tcase_add_test(tc, mynumber_never_in_the_file);
    tcase_add_test(tc, roles_expiry_and_disabled_accounts);
    tcase_add_test(tc, audit_chain_detects_tampering);
    tcase_add_test(tc, audit_chain_detects_deletion);
    tcase_add_test(tc, audit_chain_detects_cut_tail_and_lists);
    tcase_add_test(tc, audit_list_filters);
    tcase_add_test(tc, landing_log_names_a_missing_issue);
    tcase_add_test(tc, audited_reads_wait_for_a_writer);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
