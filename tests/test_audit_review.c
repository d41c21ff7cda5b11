/*
 * test_audit_review: the monthly access-log review (`boshi audit review`).
 * A store is built with residents, operators and access-log entries at
 * chosen times (audit_append_at, which links the chain as audit_append
 * does, so `boshi audit verify` still passes); each rule must fire for its
 * case and stay quiet for its control; marking a finding 確認済 is audited
 * and survives a re-run; the PDF is clean and lists the findings in
 * Japanese with 和暦 times in Japan time; the CSV twin holds the same rows.
 */
#include "records/audit.h"
#include "records/records-internal.h"
#include "records/residents.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *dir, *db;
static struct store *st;
static struct actor admin, sato, tanaka, yamada, kato, suzuki;

static const char residents_csv[] =
    "宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,方書,異動事由,異動日,届出日,個人番号\n"
    "0000000001,1000000001,髙橋　太郎,タカハシ　タロウ,1,19880412,世帯主,1,1230001,みどり市本町2丁目3番4号,,02,20150401,20150403,\n"
    "0000000002,1000000002,佐藤　花子,サトウ　ハナコ,2,19900705,世帯主,1,1230001,みどり市緑町1丁目1番1号,,02,20150401,20150403,\n"
    "0000000003,1000000003,鈴木　一郎,スズキ　イチロウ,1,19750101,世帯主,1,1230001,みどり市本町5丁目1番1号,,02,20150401,20150403,\n"
    "0000000004,1000000004,田中　ゆい,タナカ　ユイ,2,19950301,世帯主,1,1230001,みどり市桜町3丁目2番1号,,02,20150401,20150403,\n";

/* UTC ISO of hh:mm Japan time on (y, m, d). */
static void jst(int y, int m, int d, int hh, int mm, char out[32])
{
    store_iso_at(jpdate_day_start((struct ymd){ y, m, d }) + hh * 3600 + mm * 60, out);
}

static void view(const struct actor *a, const char *function, const char *person, int y, int m,
                 int d, int hh, int mm)
{
    char at[32];
    struct berr e;

    jst(y, m, d, hh, mm, at);
    ck_assert_msg(audit_append_at(st, a, at, function, person, "試験の閲覧", &e) == 0, "%s", e.msg);
}

static void operator(const char *login, const char *name, const char *role, struct actor *out)
{
    struct berr e;

    ck_assert_msg(users_add(st, &admin, login, name, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(users_grant(st, &admin, login, role, NULL, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_login(st, login, out, &e) == 0, "%s", e.msg);
}

static void setup(void)
{
    struct tl_result r;
    struct import_report rep;
    struct berr e;
    char *csv;

    dir = tl_tmpdir();
    db = tl_path(dir, "a.db");
    tl_boshi_run(&r, db, NULL, "init", NULL);
    ck_assert_msg(r.status == 0, "init: %s", r.err);
    tl_result_free(&r);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(actor_for_os_user(st, getpwuid(getuid())->pw_name, &admin, &e) == 0, "%s", e.msg);
    csv = tl_path(dir, "residents.csv");
    ck_assert_int_eq(tl_write_file(csv, residents_csv, strlen(residents_csv)), 0);
    ck_assert_msg(residents_import(st, &admin, csv, IMPORT_FULL, &rep, &e) == 0, "%s", e.msg);
    free(csv);
    /* 鈴木 一郎 is under 支援措置 (DV support measures): every view of him is a finding */
    tl_sql_exec(db, "UPDATE residents SET shien = 1 WHERE atena = '0000000003'");
    operator("sato", "佐藤　恵", "保健師", &sato);
    operator("tanaka", "田中　一", "保健師", &tanaka);
    operator("yamada", "山田　花", "事務", &yamada);
    operator("kato", "加藤　久", "事務", &kato);
    operator("suzuki", "suzuki", "事務", &suzuki);
    ck_assert_msg(users_set_address(st, &admin, "tanaka", "みどり市本町５－１－１", &e) == 0, "%s", e.msg);
    /* the accounts existed long before the months looked at */
    tl_sql_exec(db, "UPDATE users SET created_at = '2025-01-01T00:00:00.000Z'");

    /* surname: sato (佐藤) views 佐藤 花子; control: sato views 田中 ゆい */
    view(&sato, "residents.show", "0000000002", 2026, 11, 4, 10, 0);
    view(&sato, "residents.show", "0000000004", 2026, 11, 4, 10, 5);
    /* address: tanaka lives at 本町5-1-1 as 鈴木 一郎 does; control: tanaka views 髙橋 太郎 */
    view(&tanaka, "residents.show", "0000000003", 2026, 11, 5, 11, 0);
    view(&tanaka, "residents.show", "0000000001", 2026, 11, 5, 11, 30);
    /* reveal */
    view(&sato, "mynumber.reveal", "0000000004", 2026, 11, 6, 9, 0);
    /* hours: 18:00 on a Wednesday, 10:00 on 文化の日 (Tue 3 Nov); control 10:05 on the 4th above */
    view(&sato, "residents.show", "0000000004", 2026, 11, 4, 18, 0);
    view(&sato, "residents.show", "0000000004", 2026, 11, 3, 10, 0);
    view(&sato, "residents.show", "0000000004", 2026, 11, 4, 18, 30);
    /* the office-hours edge: 08:30 is inside, 17:15 outside (kato, linked person below) */
    view(&kato, "residents.show", "0000000004", 2026, 11, 9, 8, 30);
    view(&kato, "residents.show", "0000000004", 2026, 11, 9, 17, 15);
    /* outside the month: never counted (31 Oct 23:59 JST, 1 Dec 00:00 JST) */
    view(&sato, "mynumber.reveal", "0000000001", 2026, 10, 31, 23, 59);
    view(&sato, "mynumber.reveal", "0000000001", 2026, 12, 1, 0, 0);

    /* unlinked: papers of 田中 ゆい passed through sato's hands (a form she printed) and
     * through kato's (a referral he issued), before November's end */
    tl_sql_exec(db, "INSERT INTO issues_printed(issue_id, form, version, person, kind, pages, printed_by, "
                    "printed_at) VALUES ('I00000901', 'nyuyoji_4m', 1, '0000000004', 'form', 2, 'sato', "
                    "'2026-10-01T01:00:00.000Z');"
                    "INSERT INTO checkups(id, person, form, created_by, created_at) VALUES (901, "
                    "'0000000004', 'nyuyoji_4m', 'kato', '2026-10-01T01:00:00.000Z');"
                    "INSERT INTO referrals(checkup_id, person, created_by, created_at) VALUES (901, "
                    "'0000000004', 'kato', '2026-10-02T01:00:00.000Z');"
                    /* a paper printed by tanaka for 髙橋 太郎 only after November: no link */
                    "INSERT INTO issues_printed(issue_id, form, version, person, kind, pages, printed_by, "
                    "printed_at) VALUES ('I00000902', 'nyuyoji_4m', 1, '0000000001', 'form', 2, 'tanaka', "
                    "'2026-12-10T01:00:00.000Z');");

    /* volume: yamada 10 a month May-October, 60 in November (> 3 x 10); kato 40 a month, 60 */
    for (int m = 5; m <= 11; m++) {
        int n = m == 11 ? 60 : 10;
        for (int i = 0; i < n; i++)
            view(&yamada, "residents.find", "0000000004", 2026, m, 12, 10, i % 60);
        n = m == 11 ? 60 : 40;
        for (int i = 0; i < n; i++)
            view(&kato, "residents.find", "0000000004", 2026, m, 12, 11, i % 60);
    }
}

static void teardown(void)
{
    store_close(&st);
    tl_rmtree(dir);
    free(dir);
    free(db);
}

/* How many findings of rule for (user, person); person NULL = any. */
static int found(const struct audit_review *r, int rule, const char *user, const char *person)
{
    int n = 0;

    for (size_t i = 0; i < r->nf; i++)
        if (r->f[i].rule == rule && strcmp(r->f[i].user, user) == 0 &&
            (person == NULL || strcmp(r->f[i].person, person) == 0))
            n++;
    return n;
}

static const struct audit_finding *finding(const struct audit_review *r, int rule, const char *user,
                                           const char *person)
{
    for (size_t i = 0; i < r->nf; i++)
        if (r->f[i].rule == rule && strcmp(r->f[i].user, user) == 0 &&
            strcmp(r->f[i].person, person) == 0)
            return &r->f[i];
    return NULL;
}

static void review(struct audit_review *r)
{
    struct berr e;

    ck_assert_msg(audit_review_run(st, &admin, 2026, 11, r, &e) == 0, "%s", e.msg);
}

START_TEST(each_rule_fires_and_its_control_does_not)
{
    struct audit_review r;

    review(&r);
    /* surname */
    ck_assert_int_eq(found(&r, AR_SURNAME, "sato", "0000000002"), 1);
    ck_assert_int_eq(found(&r, AR_SURNAME, "sato", "0000000004"), 0);
    ck_assert_ptr_nonnull(strstr(finding(&r, AR_SURNAME, "sato", "0000000002")->detail, "「佐藤」"));
    ck_assert_int_eq(found(&r, AR_SURNAME, "tanaka", NULL), 0);
    /* address (full-width digits and 丁目・番・号 folded alike); operators without an address said */
    ck_assert_int_eq(found(&r, AR_ADDRESS, "tanaka", "0000000003"), 1);
    ck_assert_int_eq(found(&r, AR_ADDRESS, "tanaka", "0000000001"), 0);
    ck_assert_int_eq(found(&r, AR_ADDRESS, "sato", NULL), 0);
    ck_assert_ptr_nonnull(strstr(r.no_address_list, "sato"));
    ck_assert_ptr_null(strstr(r.no_address_list, "tanaka"));
    ck_assert_ptr_null(strstr(r.no_surname_list, "suzuki"));   /* suzuki viewed nobody */
    ck_assert_int_eq(r.no_surname, 0);
    /* reveal: one per entry, only in the month */
    ck_assert_int_eq(found(&r, AR_REVEAL, "sato", NULL), 1);
    ck_assert_int_eq(found(&r, AR_REVEAL, "sato", "0000000004"), 1);
    ck_assert_int_eq(found(&r, AR_REVEAL, "tanaka", NULL), 0);
    /* hours: the evening of the 4th (two views, one finding), the holiday; not 10:05 nor 08:30 */
    ck_assert_int_eq(found(&r, AR_HOURS, "sato", "0000000004"), 2);
    for (size_t i = 0; i < r.nf; i++) {
        const struct audit_finding *f = &r.f[i];
        if (f->rule != AR_HOURS || strcmp(f->user, "sato") != 0)
            continue;
        if (strcmp(f->key, "2026-11-04") == 0) {
            ck_assert_int_eq(f->views, 2);
            ck_assert_ptr_nonnull(strstr(f->detail, "執務時間 (08:30-17:15) 外"));
        } else {
            ck_assert_str_eq(f->key, "2026-11-03");
            ck_assert_msg(strstr(f->detail, "文化の日") != NULL, "%s", f->detail);
        }
    }
    ck_assert_int_eq(found(&r, AR_HOURS, "kato", "0000000004"), 1);   /* 17:15 only */
    ck_assert_int_eq(finding(&r, AR_HOURS, "kato", "0000000004")->views, 1);
    ck_assert_int_eq(found(&r, AR_HOURS, "tanaka", NULL), 0);
    /* unlinked: papers through hands; a paper printed after the month does not count */
    ck_assert_int_eq(found(&r, AR_UNLINKED, "sato", "0000000002"), 1);
    ck_assert_int_eq(found(&r, AR_UNLINKED, "sato", "0000000004"), 0);
    ck_assert_int_eq(found(&r, AR_UNLINKED, "kato", "0000000004"), 0);
    ck_assert_int_eq(found(&r, AR_UNLINKED, "yamada", "0000000004"), 1);
    ck_assert_int_eq(found(&r, AR_UNLINKED, "tanaka", "0000000001"), 1);
    /* volume: against each operator's own median */
    ck_assert_int_eq(found(&r, AR_VOLUME, "yamada", ""), 1);
    ck_assert_int_eq(found(&r, AR_VOLUME, "kato", NULL), 0);
    ck_assert_int_eq(found(&r, AR_VOLUME, "sato", NULL), 0);
    ck_assert_msg(strstr(finding(&r, AR_VOLUME, "yamada", "")->detail, "中央値 10 件") != NULL, "%s",
                  finding(&r, AR_VOLUME, "yamada", "")->detail);
    /* 支援措置: the one view of the flagged person, and nobody else */
    ck_assert_int_eq(r.flag_connected, 1);
    ck_assert_int_eq(found(&r, AR_FLAGGED, "tanaka", "0000000003"), 1);
    ck_assert_int_eq(found(&r, AR_FLAGGED, "sato", "0000000002"), 0);
    ck_assert_int_eq(r.n[AR_FLAGGED], 1);
    audit_review_release(&r);
}
END_TEST

START_TEST(volume_needs_fifty_and_a_norm)
{
    struct audit_review r;
    struct actor ito;

    operator("ito", "伊藤　進", "事務", &ito);
    /* 49 views with no history: under the floor */
    for (int i = 0; i < 49; i++)
        view(&ito, "residents.find", "0000000004", 2026, 11, 16, 10, i);
    review(&r);
    ck_assert_int_eq(found(&r, AR_VOLUME, "ito", NULL), 0);
    audit_review_release(&r);
    /* an account created in November has no month before to compare with */
    tl_sql_exec(db, "UPDATE users SET created_at = '2026-11-02T00:00:00.000Z' WHERE login = 'ito'");
    view(&ito, "residents.find", "0000000004", 2026, 11, 16, 11, 0);
    review(&r);
    ck_assert_int_eq(found(&r, AR_VOLUME, "ito", NULL), 0);
    audit_review_release(&r);
    /* created in September: two months of 0, 50 views > 3 x 0 */
    tl_sql_exec(db, "UPDATE users SET created_at = '2026-09-02T00:00:00.000Z' WHERE login = 'ito'");
    review(&r);
    ck_assert_int_eq(found(&r, AR_VOLUME, "ito", NULL), 1);
    ck_assert_ptr_nonnull(strstr(finding(&r, AR_VOLUME, "ito", "")->detail, "前2か月"));
    audit_review_release(&r);
}
END_TEST

START_TEST(marks_are_audited_and_survive_a_rerun)
{
    struct audit_review r;
    struct audit_verify_result v;
    struct berr e;
    char month[8];
    int64_t id;
    size_t nf;

    review(&r);
    nf = r.nf;
    id = finding(&r, AR_SURNAME, "sato", "0000000002")->id;
    ck_assert_ptr_null(finding(&r, AR_SURNAME, "sato", "0000000002")->checked_at);
    audit_review_release(&r);
    /* a comment is needed, and audit.read */
    ck_assert_int_eq(audit_review_mark(st, &admin, id, "  ", month, &e), BERR_INVALID);
    ck_assert_int_eq(audit_review_mark(st, &sato, id, "本人確認", month, &e), BERR_DENIED);
    ck_assert_int_eq(audit_review_run(st, &sato, 2026, 11, &r, &e), BERR_DENIED);
    ck_assert_int_eq(audit_review_mark(st, &admin, 99999, "x", month, &e), BERR_NOTFOUND);
    ck_assert_msg(audit_review_mark(st, &admin, id, "業務上の閲覧 (本人に確認)", month, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(month, "2026-11");
    ck_assert_int_eq(audit_review_mark(st, &admin, id, "もう一度", month, &e), BERR_CONFLICT);
    /* the marking is in the access log, naming the person of the finding */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'audit.review.mark' "
                                     "AND person = '0000000002' AND detail LIKE '%業務上の閲覧%'"), 1);
    ck_assert_int_ge(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'audit.review'"), 1);
    /* a re-run keeps the finding, its id and its mark, and adds nothing twice */
    review(&r);
    ck_assert_uint_eq(r.nf, nf);
    const struct audit_finding *f = finding(&r, AR_SURNAME, "sato", "0000000002");
    ck_assert_int_eq(f->id, id);
    ck_assert_ptr_nonnull(f->checked_at);
    ck_assert_str_eq(f->checked_by, admin.login);
    ck_assert_str_eq(f->comment, "業務上の閲覧 (本人に確認)");
    ck_assert_int_eq(r.checked, 1);
    audit_review_release(&r);
    /* a later view in the month updates the counts of the same finding */
    view(&sato, "residents.show", "0000000002", 2026, 11, 20, 14, 0);
    review(&r);
    f = finding(&r, AR_SURNAME, "sato", "0000000002");
    ck_assert_int_eq(f->id, id);
    ck_assert_int_eq(f->views, 2);
    ck_assert_ptr_nonnull(f->checked_at);
    audit_review_release(&r);
    /* the chain is intact: entries with chosen times link as any other */
    ck_assert_msg(audit_verify(st, &admin, &v, &e) == 0, "%s", e.msg);
    ck_assert_msg(v.first_bad == 0, "%s", v.reason);
    store_close(&st);
    struct tl_result t;
    tl_boshi_run(&t, db, NULL, "audit", "verify", NULL);
    ck_assert_msg(t.status == 0 && strstr(t.out, "正常"), "%s%s", t.out, t.err);
    tl_result_free(&t);
}
END_TEST

static char *pdf_text(const char *pdf)
{
    struct tl_result r;
    const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };

    tl_run(&r, NULL, NULL, argv);
    ck_assert_int_eq(r.status, 0);
    free(r.err);
    return r.out;
}

START_TEST(pdf_and_csv_list_the_findings)
{
    struct tl_result t;
    struct audit_review r;
    char *pdf = tl_path(dir, "tenken.pdf"), *csv = tl_path(dir, "tenken.csv"), *text, *raw;
    struct berr e;
    size_t len;

    store_close(&st);
    tl_boshi_run(&t, db, NULL, "audit", "review", "--month", "2026-11", "-o", pdf, NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    ck_assert_msg(strstr(t.out, "令和8年11月") && strstr(t.out, "CSV: "), "%s", t.out);
    tl_result_free(&t);
    tl_pdf_clean(pdf);
    text = pdf_text(pdf);
    ck_assert_msg(strstr(text, "アクセス記録点検（令和8年11月分）") != NULL, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "同姓の住民の閲覧"));
    ck_assert_ptr_nonnull(strstr(text, "同じ住所の住民の閲覧"));
    ck_assert_ptr_nonnull(strstr(text, "個人番号の表示"));
    ck_assert_ptr_nonnull(strstr(text, "執務時間外の閲覧"));
    ck_assert_ptr_nonnull(strstr(text, "閲覧件数の急増"));
    ck_assert_ptr_nonnull(strstr(text, "担当のない住民の閲覧"));
    /* 和暦 in Japan time: 18:00 JST on the 4th is 09:00 UTC */
    ck_assert_msg(strstr(text, "令和8年11月4日 18:00") != NULL, "%s", text);
    ck_assert_ptr_null(strstr(text, "2026-11-04T"));
    /* the rule that could not be applied is named, with who */
    ck_assert_msg(strstr(text, "住所が登録されていない利用者") != NULL, "%s", text);
    ck_assert_ptr_nonnull(strstr(text, "支援措置対象者の閲覧"));
    ck_assert_ptr_null(strstr(text, "未接続"));
    ck_assert_ptr_nonnull(strstr(text, "未確認"));

    /* the CSV twin: a header and one row per finding, the same as the store's */
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    ck_assert_msg(audit_review_mark(st, &admin, 1, "確認した", NULL, &e) == 0, "%s", e.msg);
    /* a comment a spreadsheet would run is written as text */
    ck_assert_msg(audit_review_mark(st, &admin, 3, "=1+2", NULL, &e) == 0, "%s", e.msg);
    review(&r);
    store_close(&st);
    raw = tl_read_file(csv, &len);
    ck_assert_ptr_nonnull(raw);
    ck_assert(len > 3 && memcmp(raw, "\xEF\xBB\xBF", 3) == 0);
    long lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += raw[i] == '\n';
    ck_assert_int_eq(lines, (long)r.nf + 1);
    ck_assert_ptr_nonnull(strstr(raw, "\"番号\",\"規則\",\"利用者\""));
    for (size_t i = 0; i < r.nf; i++) {
        char cell[600];
        snprintf(cell, sizeof(cell), "\"%s\"", r.f[i].detail);
        ck_assert_msg(strstr(raw, cell) != NULL, "CSV lacks %s", cell);
        snprintf(cell, sizeof(cell), "\n\"%lld\",\"%s\",\"%s\"", (long long)r.f[i].id,
                 audit_rule_label(r.f[i].rule), r.f[i].user);
        ck_assert_msg(strstr(raw, cell) != NULL, "CSV lacks %s", cell);
    }
    ck_assert_ptr_nonnull(strstr(raw, "令和8年11月4日 18:00〜令和8年11月4日 18:30"));
    free(raw);
    /* a re-run prints the mark */
    tl_boshi_run(&t, db, NULL, "audit", "review", "--month", "2026-11", "-o", pdf, NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    tl_result_free(&t);
    free(text);
    text = pdf_text(pdf);
    ck_assert_msg(strstr(text, "確認済") != NULL, "%s", text);
    raw = tl_read_file(csv, NULL);
    ck_assert_ptr_nonnull(strstr(raw, "\"確認した\""));
    ck_assert_ptr_nonnull(strstr(raw, "\"'=1+2\""));
    free(raw);
    /* the month in progress is labelled so */
    {
        struct ymd today = jpdate_day_of(time(NULL));
        char m[16], *now_pdf = tl_path(dir, "now.pdf"), *now_text;
        snprintf(m, sizeof(m), "%04d-%02d", today.y % 10000, today.m % 100);
        tl_boshi_run(&t, db, NULL, "audit", "review", "--month", m, "-o", now_pdf, NULL);
        ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
        tl_result_free(&t);
        now_text = pdf_text(now_pdf);
        ck_assert_msg(strstr(now_text, "月の途中") != NULL, "%s", now_text);
        ck_assert_ptr_null(strstr(text, "月の途中"));
        free(now_text);
        free(now_pdf);
    }
    /* marking from the command line */
    tl_boshi_run(&t, db, NULL, "audit", "review", "mark", "2", "--comment", "業務で確認", NULL);
    ck_assert_msg(t.status == 0 && strstr(t.out, "確認済"), "%s%s", t.out, t.err);
    tl_result_free(&t);
    tl_boshi_run(&t, db, NULL, "audit", "review", "mark", "2", "--comment", "again", NULL);
    ck_assert_int_ne(t.status, 0);
    tl_result_free(&t);
    audit_review_release(&r);
    free(text);
    free(pdf);
    free(csv);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
}
END_TEST

START_TEST(users_address_command)
{
    struct tl_result t;
    struct audit_review r;
    struct berr e;

    store_close(&st);
    tl_boshi_run(&t, db, NULL, "users", "address", "sato", "みどり市緑町1-1-1", NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    tl_result_free(&t);
    /* the address itself is not in the log */
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM audit_log WHERE function = 'users.address' "
                                     "AND detail LIKE '%sato%' AND detail NOT LIKE '%緑町%'"), 1);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
    review(&r);
    ck_assert_int_eq(found(&r, AR_ADDRESS, "sato", "0000000002"), 1);
    ck_assert_int_eq(found(&r, AR_ADDRESS, "sato", "0000000004"), 0);
    ck_assert_ptr_null(strstr(r.no_address_list, "sato"));
    audit_review_release(&r);
    store_close(&st);
    tl_boshi_run(&t, db, NULL, "users", "address", "sato", NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    tl_result_free(&t);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM users WHERE login = 'sato' AND address IS NULL"), 1);
    tl_boshi_run(&t, db, NULL, "users", "add", "--name", "林　守", "--address", "みどり市桜町3-2-1",
                 "--role", "事務", "hayashi", NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    tl_result_free(&t);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM users WHERE login = 'hayashi' AND address = "
                                     "'みどり市桜町3-2-1'"), 1);
    ck_assert_msg(store_open(db, 0, &st, &e) == 0, "%s", e.msg);
}
END_TEST

START_TEST(office_hours_setting)
{
    struct audit_review r;
    struct berr e;

    ck_assert_int_eq(settings_set(st, &admin, "audit.office_hours", "17:15-08:30", &e), BERR_INVALID);
    ck_assert_int_eq(settings_set(st, &admin, "audit.office_hours", "8:30-17:15", &e), BERR_INVALID);
    ck_assert_msg(settings_set(st, &admin, "audit.office_hours", "08:00-19:00", &e) == 0, "%s", e.msg);
    review(&r);
    /* 18:00 and 18:30 are inside now; the holiday is still outside */
    ck_assert_int_eq(found(&r, AR_HOURS, "sato", "0000000004"), 1);
    ck_assert_str_eq(r.office_hours, "08:00-19:00");
    audit_review_release(&r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("audit_review");
    TCase *tc = tcase_create("review");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, each_rule_fires_and_its_control_does_not);
    tcase_add_test(tc, volume_needs_fifty_and_a_norm);
    tcase_add_test(tc, marks_are_audited_and_survive_a_rerun);
    tcase_add_test(tc, pdf_and_csv_list_the_findings);
    tcase_add_test(tc, users_address_command);
    tcase_add_test(tc, office_hours_setting);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
