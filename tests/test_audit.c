/*
 * test_audit: retiring the access log - `boshi audit archive` moves entries
 * older than audit.retention_years (never below 3) into a signed, compressed
 * file and leaves a checkpoint; `audit verify` still proves what stays in
 * the store and `audit verify --archive` proves the file; tampering with
 * either part, or cutting either, is detected and named.  Real SQLite
 * files, the real binary, gzip from the system to tamper with a file.
 */
#include "records/audit.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *dir, *db;

static void run_ok(const char *what, struct tl_result *r)
{
    ck_assert_msg(r->status == 0, "%s: exit %d\n%s%s", what, r->status, r->out, r->err);
}

static void setup(void)
{
    struct tl_result r;

    dir = tl_tmpdir();
    db = tl_path(dir, "a.db");
    tl_boshi_run(&r, db, NULL, "init", NULL);
    run_ok("init", &r);
    tl_result_free(&r);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
}

/* The store opened as the invoking OS user's account, "today" moved to 2030-01-10. */
static struct store *open_later(struct actor *a)
{
    struct store *st = NULL;
    struct berr e;

    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, getpwuid(getuid())->pw_name, a, &e) == 0, "%s", e.msg);
    store_set_today(st, (struct ymd){ 2030, 1, 10 });
    return st;
}

/* n entries naming people, as the screens write them. */
static void entries(struct store *st, const struct actor *a, int n)
{
    struct berr e;

    for (int i = 0; i < n; i++) {
        char person[24], detail[64];
        snprintf(person, sizeof(person), "11100%05d", i);
        snprintf(detail, sizeof(detail), "試験の閲覧 %d", i);
        ck_assert_msg(audit_append(st, a, "residents.show", person, detail, &e) == 0, "%s", e.msg);
    }
}

static struct tl_result verify(const char *archive)
{
    struct tl_result r;

    if (archive)
        tl_boshi_run(&r, db, NULL, "audit", "verify", "--archive", archive, NULL);
    else
        tl_boshi_run(&r, db, NULL, "audit", "verify", NULL);
    return r;
}

START_TEST(archive_then_both_parts_verify)
{
    struct actor a;
    struct store *st = open_later(&a);
    struct audit_archive_result ar;
    struct berr e;
    char *f1 = tl_path(dir, "audit-1.jsonl.gz"), *f2 = tl_path(dir, "audit-2.jsonl.gz");

    entries(st, &a, 40);
    long total = tl_sql_long(db, "SELECT count(*) FROM audit_log");
    ck_assert_int_ge(total, 41);
    ck_assert_msg(audit_archive(st, &a, (struct ymd){ 2027, 1, 1 }, f1, &ar, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(ar.first_seq, 1);
    ck_assert_int_eq(ar.entries, total);
    ck_assert_int_eq(ar.last_seq, total);
    /* gone from the store: only the archive's own entry is left */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log"), 1);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'audit.archive'"), 1);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE person = '1110000007'"), 0);
    /* no partial file beside it */
    char *tmp = tl_path(dir, "audit-1.jsonl.gz.tmp");
    ck_assert_int_ne(access(tmp, F_OK), 0);
    free(tmp);
    /* a second archive goes on from the first one's checkpoint */
    entries(st, &a, 5);
    ck_assert_msg(audit_archive(st, &a, (struct ymd){ 2027, 1, 1 }, f2, &ar, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(ar.first_seq, total + 1);
    ck_assert_int_eq(ar.entries, 6);
    /* an existing file is never overwritten */
    ck_assert_int_eq(audit_archive(st, &a, (struct ymd){ 2027, 1, 1 }, f2, &ar, &e), BERR_CONFLICT);
    store_close(&st);

    struct tl_result r = verify(NULL);
    run_ok("audit verify", &r);
    ck_assert_msg(strstr(r.out, "正常") && strstr(r.out, "保管庫ファイルへ移してあります"), "%s", r.out);
    tl_result_free(&r);
    r = verify(f1);
    run_ok("verify --archive 1", &r);
    ck_assert_msg(strstr(r.out, "正常") && strstr(r.out, "チェックポイントと一致"), "%s", r.out);
    tl_result_free(&r);
    r = verify(f2);
    run_ok("verify --archive 2", &r);
    ck_assert_msg(strstr(r.out, "正常 (6 件"), "%s", r.out);
    tl_result_free(&r);
    /* the file is gzip of JSON lines: readable with standard tools */
    char *cmd = xasprintf("gzip -dc '%s' | grep -c '\"function\":\"residents.show\"' > '%s/n'", f1, dir);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    char *n = tl_path(dir, "n"), *text = tl_read_file(n, NULL);
    ck_assert_int_eq(atoi(text), 40);
    free(text);
    free(n);
    free(f1);
    free(f2);
}
END_TEST

/* Rewrites the archive through sed on its decompressed lines. */
static void tamper(const char *file, const char *sed_expr)
{
    char *cmd = xasprintf("gzip -dc '%s' | sed '%s' | gzip -c > '%s.t' && mv '%s.t' '%s'", file, sed_expr,
                          file, file, file);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
}

static char *archived(void)
{
    struct actor a;
    struct store *st = open_later(&a);
    struct audit_archive_result ar;
    struct berr e;
    char *f = tl_path(dir, "audit.jsonl.gz");

    entries(st, &a, 12);
    ck_assert_msg(audit_archive(st, &a, (struct ymd){ 2027, 1, 1 }, f, &ar, &e) == 0, "%s", e.msg);
    store_close(&st);
    return f;
}

START_TEST(tampered_archive_is_named)
{
    char *f = archived(), *keep = xasprintf("%s.orig", f);
    struct tl_result r;
    char *cmd = xasprintf("cp '%s' '%s'", f, keep);

    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    /* one entry's detail changed: that entry is named */
    tamper(f, "s/試験の閲覧 5\"/試験の閲覧 55\"/");
    r = verify(f);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "異常あり") && strstr(r.out, "改ざん"), "%s", r.out);
    tl_result_free(&r);
    /* one entry deleted: the gap is named */
    cmd = xasprintf("cp '%s' '%s'", keep, f);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    tamper(f, "/試験の閲覧 3\"/d");
    r = verify(f);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "欠けています"), "%s", r.out);
    tl_result_free(&r);
    /* cut off at the end (the signature and the last entries gone) */
    cmd = xasprintf("cp '%s' '%s'", keep, f);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    tamper(f, "$d");
    r = verify(f);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "署名がありません"), "%s", r.out);
    tl_result_free(&r);
    /* a whole line replaced by one that still links (copied from the same file) does not sign */
    cmd = xasprintf("cp '%s' '%s'", keep, f);
    ck_assert_int_eq(system(cmd), 0);
    free(cmd);
    tamper(f, "1s/\"archived_at\":\"[^\"]*\"/\"archived_at\":\"2020-01-01T00:00:00.000Z\"/");
    r = verify(f);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "署名が一致しません"), "%s", r.out);
    tl_result_free(&r);
    /* not an archive at all */
    char *junk = tl_path(dir, "junk.gz");
    tl_write_file(junk, "hello\n", 6);
    r = verify(junk);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "junk.gz") && strstr(r.err, "保管庫ファイルではありません"), "%s", r.err);
    tl_result_free(&r);
    /* the original still verifies */
    r = verify(keep);
    ck_assert_msg(strstr(r.out, "正常"), "%s", r.out);
    tl_result_free(&r);
    free(junk);
    free(keep);
    free(f);
}
END_TEST

START_TEST(tampered_store_after_archive_is_named)
{
    char *f = archived();
    struct tl_result r;

    {
        struct actor a;
        struct store *st = open_later(&a);
        entries(st, &a, 3);
        store_close(&st);
    }
    r = verify(NULL);
    run_ok("verify", &r);
    tl_result_free(&r);
    long last = tl_sql_long(db, "SELECT max(seq) FROM audit_log WHERE function = 'residents.show'");
    tl_sql_exec(db, "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '書き換え' "
                    "WHERE seq = (SELECT max(seq) FROM audit_log WHERE function = 'residents.show')");
    r = verify(NULL);
    ck_assert_int_eq(r.status, 1);
    char want[64];
    snprintf(want, sizeof(want), "記録 %ld", last);
    ck_assert_msg(strstr(r.out, want) && strstr(r.out, "改ざん"), "%s: %s", want, r.out);
    tl_result_free(&r);
    /* the checkpoint removed: the archived entries are missing from the chain, and said so */
    tl_sql_exec(db, "UPDATE audit_log SET detail = '試験の閲覧 2' WHERE seq = "
                    "(SELECT max(seq) FROM audit_log WHERE function = 'residents.show');"
                    "DELETE FROM audit_archives");
    r = verify(NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.out, "記録 1〜") && strstr(r.out, "欠けています"), "%s", r.out);
    tl_result_free(&r);
    /* and the file is no longer tied to this store */
    r = verify(f);
    ck_assert_msg(strstr(r.out, "保管記録がありません"), "%s", r.out);
    tl_result_free(&r);
    free(f);
}
END_TEST

START_TEST(three_years_are_kept_and_purge_is_needed)
{
    struct tl_result r;
    char *f = tl_path(dir, "x.gz");

    /* the retention is a setting, never below 3 years */
    tl_boshi_run(&r, db, NULL, "settings", "set", "audit.retention_years", "2", NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "3 年未満にはできません"), "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "settings", "set", "audit.retention_years", "5", NULL);
    run_ok("settings set 5", &r);
    tl_result_free(&r);
    /* today: nothing of the last 5 years may leave the store */
    tl_boshi_run(&r, db, NULL, "audit", "archive", "--before", "2024-01-01", "-o", f, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "5 年間記録ストアに残します"), "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_ne(access(f, F_OK), 0);
    /* before anything was written: nothing to archive, no file */
    tl_boshi_run(&r, db, NULL, "audit", "archive", "--before", "2020-01-01", "-o", f, NULL);
    ck_assert_int_eq(r.status, 1);
    ck_assert_msg(strstr(r.err, "ありません"), "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_ne(access(f, F_OK), 0);
    /* an account that may read the log but not purge cannot remove any of it */
    struct store *st;
    struct actor a;
    struct audit_archive_result ar;
    struct berr e;
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, getpwuid(getuid())->pw_name, &a, &e) == 0, "%s", e.msg);
    a.perms &= ~(1u << PERM_PURGE);
    store_set_today(st, (struct ymd){ 2040, 1, 1 });
    ck_assert_int_eq(audit_archive(st, &a, (struct ymd){ 2030, 1, 1 }, f, &ar, &e), BERR_DENIED);
    store_close(&st);
    ck_assert_int_ne(access(f, F_OK), 0);
    free(f);
}
END_TEST


/* Entries chained under two site keys (a rotation between them): the archive and the rest verify. */
START_TEST(archive_across_a_key_rotation)
{
    struct actor a;
    struct store *st = open_later(&a);
    struct audit_archive_result ar;
    struct berr e;
    struct tl_result r;
    char *f = tl_path(dir, "rotated.jsonl.gz");

    entries(st, &a, 6);
    store_close(&st);
    tl_boshi_run(&r, db, NULL, "keys", "rotate", NULL);
    run_ok("keys rotate", &r);
    tl_result_free(&r);
    st = open_later(&a);
    entries(st, &a, 6);
    ck_assert_msg(audit_archive(st, &a, (struct ymd){ 2027, 1, 1 }, f, &ar, &e) == 0, "%s", e.msg);
    store_close(&st);
    r = verify(f);
    run_ok("verify --archive after a rotation", &r);
    ck_assert_msg(strstr(r.out, "正常") && strstr(r.out, "チェックポイントと一致"), "%s", r.out);
    tl_result_free(&r);
    r = verify(NULL);
    run_ok("audit verify after a rotation and an archive", &r);
    tl_result_free(&r);
    free(f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit");
    TCase *tc = tcase_create("archive");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, archive_then_both_parts_verify);
    tcase_add_test(tc, tampered_archive_is_named);
    tcase_add_test(tc, tampered_store_after_archive_is_named);
    tcase_add_test(tc, three_years_are_kept_and_purge_is_needed);
    tcase_add_test(tc, archive_across_a_key_rotation);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
