/*
 * test_keys: `boshi keys rotate` (records/keys.c) on a demo store.  After a
 * rotation every 個人番号 still reveals and is found by its index, though no
 * ciphertext or index is what it was; forms printed (simulated and signed)
 * before it are taken in until keys.old_qr_until and refused after, forms
 * printed after it are taken in; the access log verifies across the key
 * change, in the store and in a restored backup; a rotation killed between
 * its commit and its key rename is finished by the next command; a process
 * still holding the old key cannot write; two rotations still verify; the
 * marks people purged before a rotation leave still keep them out after it.
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
static char atena[11], mynumber[13];

static void run(struct tl_result *r, const char *input, const char *const *args)
{
    const char *argv[40];
    const char *env[] = { "BOSHI_BACKUP_PASSPHRASE=kita-no-hoken-2026", NULL };
    int n = 0;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    for (int i = 0; args[i] != NULL; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    tl_run(r, input, env, argv);
}

#define RUN(r, ...) do { const char *a_[] = { __VA_ARGS__, NULL }; run(r, NULL, a_); } while (0)
#define RUN_OK(...) do { struct tl_result r_; const char *a_[] = { __VA_ARGS__, NULL }; \
        run(&r_, NULL, a_); ck_assert_msg(r_.status == 0, "%s: %s", a_[0], r_.err); \
        tl_result_free(&r_); } while (0)

/* The 個人番号 of atena as `residents show --reveal-mynumber` prints it. */
static void reveal(char out[13])
{
    struct tl_result r;
    const char *p;

    RUN(&r, "residents", "show", "--reveal-mynumber", "--reason", "試験", atena);
    ck_assert_msg(r.status == 0, "%s", r.err);
    p = strstr(r.out, "個人番号 ");
    ck_assert_msg(p != NULL, "%s", r.out);
    p += strlen("個人番号 ");
    snprintf(out, 13, "%.12s", p);
    tl_result_free(&r);
}

static void setup(void)
{
    char *town;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    dir = tl_tmpdir();
    db = tl_path(dir, "s.db");
    town = tl_path(dir, "town.csv");
    RUN_OK("init", "--demo");
    RUN_OK("demo", "town", "--residents", "2000", "--as-of", "2026-11-01", "-o", town);
    RUN_OK("residents", "import", "--full", town);
    free(town);
    long a = tl_sql_long(db, "SELECT atena FROM residents WHERE mynumber_enc IS NOT NULL "
                             "ORDER BY atena LIMIT 1");
    ck_assert_int_gt(a, 0);
    snprintf(atena, sizeof(atena), "%010ld", a % 10000000000L);
    reveal(mynumber);
    ck_assert_int_eq(strlen(mynumber), 12);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
}

static void scan(const char *out, const char *seed)
{
    RUN_OK("demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "2", "--profile",
           "clean", "--seed", seed, "-o", out);
}

static void audit_ok(const char *store)
{
    struct tl_result r;
    char *save = db;

    db = (char *)store;
    RUN(&r, "audit", "verify");
    db = save;
    ck_assert_msg(r.status == 0 && strstr(r.out, "正常") != NULL, "%s %s", r.out, r.err);
    tl_result_free(&r);
}

START_TEST(rotation_keeps_mynumber_and_takes_old_forms_until_the_date)
{
    char *old1 = tl_path(dir, "old1"), *old2 = tl_path(dir, "old2"), *new1 = tl_path(dir, "new1");
    char *key = xasprintf("%s.key", db), *oldkey = xasprintf("%s.key.old", db);
    char *k0, *k1, *ko, got[13], until[11];
    struct tl_result r;
    size_t n = 0;
    struct stat sb;

    /* printed (and signed) before the rotation */
    scan(old1, "1");
    scan(old2, "2");
    tl_sql_exec(db, "CREATE TABLE t_before AS SELECT atena, mynumber_enc AS e, mynumber_idx AS i "
                    "FROM residents WHERE mynumber_enc IS NOT NULL");
    long with_mn = tl_sql_long(db, "SELECT count(*) FROM t_before");
    k0 = tl_read_file(key, &n);
    ck_assert_int_eq(n, 32);

    RUN(&r, "keys", "rotate", "--accept-old-until", "2026-01-01");
    ck_assert_int_eq(r.status, 1);            /* a past date */
    ck_assert_msg(strstr(r.err, "今日以降") != NULL, "%s", r.err);
    tl_result_free(&r);
    RUN(&r, "keys", "rotate");
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "サイト鍵を更新しました") != NULL, "%s", r.out);
    tl_result_free(&r);

    /* the key files: a new key, the old one kept beside it, both private */
    k1 = tl_read_file(key, &n);
    ck_assert_int_eq(n, 32);
    ck_assert(memcmp(k0, k1, 32) != 0);
    ko = tl_read_file(oldkey, &n);
    ck_assert_int_eq(n, 32);
    ck_assert(memcmp(k0, ko, 32) == 0);
    ck_assert_int_eq(stat(oldkey, &sb), 0);
    ck_assert_int_eq(sb.st_mode & 0777, 0600);
    /* every ciphertext and index is new; the number is the same */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents r JOIN t_before b USING (atena) "
                                     "WHERE r.mynumber_enc = b.e OR r.mynumber_idx = b.i"), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM residents WHERE mynumber_enc IS NOT NULL"),
                     with_mn);
    reveal(got);
    ck_assert_str_eq(got, mynumber);
    {
        char *line = xasprintf("%s\n", mynumber);
        const char *fa[] = { "residents", "find", "--mynumber", NULL };
        run(&r, line, fa);
        free(line);
        ck_assert_msg(r.status == 0, "%s", r.err);
        ck_assert_msg(strstr(r.out, atena) != NULL, "%s", r.out);
        tl_result_free(&r);
    }
    /* one year by default, and audited once, as the first entry under the new key */
    {
        struct ymd u = ymd_add_months(ymd_today(), 12);
        char *sql;
        ymd_iso(u, until);
        sql = xasprintf("SELECT count(*) FROM settings WHERE key = 'keys.old_qr_until' AND "
                        "value = '%s'", until);
        ck_assert_int_eq(tl_sql_long(db, sql), 1);
        free(sql);
    }
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'keys.rotate'"), 1);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log a JOIN key_epochs k ON "
                                     "k.from_seq = a.seq WHERE a.function = 'keys.rotate'"), 1);
    audit_ok(db);

    /* forms printed before: taken in while the date holds */
    RUN(&r, "intake", "--workers", "1", "--name", "o1", old1);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages WHERE status <> 'rejected'"), 2);
    /* and refused after it */
    RUN_OK("settings", "set", "keys.old_qr_until", "2026-01-01");
    RUN(&r, "intake", "--workers", "1", "--name", "o2", old2);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "却下 2") != NULL, "%s", r.out);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages WHERE status = 'rejected' AND "
                                     "reason LIKE '%サイト鍵の更新前に印刷された用紙です%受付期限 "
                                     "(2026-01-01) を過ぎた%'"), 2);
    /* forms printed after the rotation are signed with the new key */
    scan(new1, "3");
    RUN(&r, "intake", "--workers", "1", "--name", "n1", new1);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages WHERE status <> 'rejected'"), 4);
    audit_ok(db);

    /* a backup after the rotation restores with a log that verifies across both keys */
    {
        char *bk = tl_path(dir, "b.bk"), *rdb = tl_path(dir, "r.db"), *save = db;
        RUN_OK("backup", bk);
        const char *ra[] = { "restore", bk, "--db", rdb, NULL };
        run(&r, NULL, ra);
        ck_assert_msg(r.status == 0, "%s", r.err);
        tl_result_free(&r);
        audit_ok(rdb);
        db = rdb;
        reveal(got);
        db = save;
        ck_assert_str_eq(got, mynumber);
        free(bk);
        free(rdb);
    }
    free(k0);
    free(k1);
    free(ko);
    free(key);
    free(oldkey);
    free(old1);
    free(old2);
    free(new1);
}
END_TEST

/* Killed after the commit, before <db>.key.new became <db>.key: the next command finishes it. */
START_TEST(interrupted_rotation_is_finished_at_next_open)
{
    char *key = xasprintf("%s.key", db), *knew = xasprintf("%s.key.new", db);
    char *oldkey = xasprintf("%s.key.old", db), *k1, *k0;
    char got[13];
    size_t n;

    RUN_OK("keys", "rotate");
    k1 = tl_read_file(key, &n);
    k0 = tl_read_file(oldkey, &n);
    /* as the crash leaves it: the old key still in place, the new one beside it */
    ck_assert_int_eq(rename(key, knew), 0);
    ck_assert_int_eq(tl_write_file(key, k0, 32), 0);
    chmod(key, 0600);
    chmod(knew, 0600);
    audit_ok(db);
    ck_assert(access(knew, F_OK) != 0);
    free(k0);
    k0 = tl_read_file(key, &n);
    ck_assert(memcmp(k0, k1, 32) == 0);
    reveal(got);
    ck_assert_str_eq(got, mynumber);
    /* killed before the commit: a new key nobody uses is removed, nothing changes */
    ck_assert_int_eq(tl_write_file(knew, "0123456789abcdef0123456789abcdef", 32), 0);
    chmod(knew, 0600);
    audit_ok(db);
    ck_assert(access(knew, F_OK) != 0);
    /* a key file that is not the store's is refused */
    ck_assert_int_eq(tl_write_file(key, "0123456789abcdef0123456789abcdef", 32), 0);
    {
        struct tl_result r;
        RUN(&r, "audit", "verify");
        ck_assert_int_eq(r.status, 1);
        ck_assert_msg(strstr(r.err, "この記録ストアの鍵ではありません") != NULL, "%s", r.err);
        tl_result_free(&r);
    }
    free(k0);
    free(k1);
    free(key);
    free(knew);
    free(oldkey);
}
END_TEST

START_TEST(old_key_process_refused_and_two_rotations_verify)
{
    struct store *st = NULL;
    struct actor a;
    struct berr e;
    char got[13];
    struct tl_result r;

    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, getpwuid(geteuid())->pw_name, &a, &e) == 0, "%s", e.msg);
    RUN_OK("keys", "rotate");
    /* like a serve started before the rotation: its next write is refused */
    ck_assert_int_eq(audit_append(st, &a, "test", NULL, "x", &e), BERR_CONFLICT);
    ck_assert_msg(strstr(e.msg, "サイト鍵が更新されました") != NULL, "%s", e.msg);
    store_close(&st);
    RUN_OK("keys", "rotate", "--accept-old-until", "2099-12-31");
    audit_ok(db);
    reveal(got);
    ck_assert_str_eq(got, mynumber);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM key_epochs"), 2);
    {
        char *oldkey = xasprintf("%s.key.old", db);
        size_t n = 0;
        free(tl_read_file(oldkey, &n));
        ck_assert_int_eq(n, 64);
        free(oldkey);
    }
    /* without the earlier keys the old part of the log cannot be verified, and says so */
    {
        char *oldkey = xasprintf("%s.key.old", db), *keep = xasprintf("%s.keep", oldkey);
        ck_assert_int_eq(rename(oldkey, keep), 0);
        RUN(&r, "audit", "verify");
        ck_assert_msg(strstr(r.out, "鍵ID") != NULL || strstr(r.err, "鍵ID") != NULL, "%s %s",
                      r.out, r.err);
        tl_result_free(&r);
        ck_assert_int_eq(rename(keep, oldkey), 0);
        free(oldkey);
        free(keep);
    }
    /* a grant without keys.rotate is refused */
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, getpwuid(geteuid())->pw_name, &a, &e) == 0, "%s", e.msg);
    a.perms &= ~(1u << PERM_KEYS_ROTATE);
    struct keys_rotate_report rep;
    ck_assert_int_eq(keys_rotate(st, &a, (struct ymd){ 2099, 1, 1 }, &rep, &e), BERR_DENIED);
    store_close(&st);
}
END_TEST

/* People purged before a rotation are still kept out by the next master after it. */
START_TEST(purge_marks_survive_rotation)
{
    char *town = tl_path(dir, "old-town.csv");
    struct tl_result r;
    const char *p;
    long before;

    RUN_OK("demo", "town", "--residents", "2000", "--seed", "9", "--as-of", "2020-01-01", "-o", town);
    RUN_OK("residents", "import", "--full", town);
    RUN_OK("purge");
    RUN(&r, "residents", "import", "--full", town);
    ck_assert_msg(r.status == 0, "%s", r.err);
    p = strstr(r.out, "取り込まない転出・死亡者 ");
    ck_assert_msg(p != NULL, "%s", r.out);
    before = atol(p + strlen("取り込まない転出・死亡者 "));
    ck_assert_int_gt(before, 0);
    tl_result_free(&r);
    RUN_OK("keys", "rotate");
    RUN(&r, "residents", "import", "--full", town);
    ck_assert_msg(r.status == 0, "%s", r.err);
    p = strstr(r.out, "取り込まない転出・死亡者 ");
    ck_assert_msg(p != NULL, "%s", r.out);
    ck_assert_int_eq(atol(p + strlen("取り込まない転出・死亡者 ")), before);
    tl_result_free(&r);
    audit_ok(db);
    free(town);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("keys");
    TCase *tc = tcase_create("keys");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, rotation_keeps_mynumber_and_takes_old_forms_until_the_date);
    tcase_add_test(tc, interrupted_rotation_is_finished_at_next_open);
    tcase_add_test(tc, old_key_process_refused_and_two_rotations_verify);
    tcase_add_test(tc, purge_marks_survive_rotation);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tl_main(suite());
}
