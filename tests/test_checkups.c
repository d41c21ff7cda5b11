/*
 * test_checkups: the 9〜10か月児健康診査 and the 歯科 items of the 1歳6か月
 * and 3歳 forms end to end on real components - the forms printed by boshi
 * (targets for the children in the age window, forms print --person),
 * checked with pdftotext, filled and scanned by the demo simulator, taken
 * in with real Tesseract into a real SQLite store, every review item
 * settled with the simulator's truth, and the landed rows asserted: the
 * checkup row and its answers for the 9〜10か月 form, the dental row (one
 * per 健診票 page, apart from the checkup row) for the 歯科 items.
 * The store with the town is built once and copied per test.
 * Not for: the definitions' shape (test_forms), reading accuracy (bench/).
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
static char child18[16], child36[16];

#define RUN(dbp, ...) tl_boshi_must(dbp, NULL, __VA_ARGS__, NULL)
#define sql_text tl_sql_text
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

/*
 * The issued forms of a form as the CSV `demo scan --from-issues` takes
 * (person NULL: all), with the version each was printed in.
 */
static void issues_csv(const char *path, const char *form, const char *person)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs("form,subject,issue,name,kana,birth,version\n", f);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT i.form, i.person, i.issue_id, r.name, r.kana, "
                                           "r.birth, i.version FROM issues_printed i JOIN residents r ON "
                                           "r.atena = i.person WHERE i.form = ?1 AND i.kind = 'form' "
                                           "AND (?2 IS NULL OR i.person = ?2) ORDER BY i.issue_id",
                                        -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_text(s, 1, form, -1, SQLITE_STATIC);
    if (person)
        sqlite3_bind_text(s, 2, person, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW)
        fprintf(f, "%s,%s,%s,\"%s\",\"%s\",%s,%d\n", sqlite3_column_text(s, 0),
                sqlite3_column_text(s, 1), sqlite3_column_text(s, 2), sqlite3_column_text(s, 3),
                sqlite3_column_text(s, 4), sqlite3_column_text(s, 5), sqlite3_column_int(s, 6));
    sqlite3_finalize(s);
    sqlite3_close(h);
    fclose(f);
}

/* A resident child born in the month born (YYYY-MM), the first by 宛名番号. */
static void child_born(const char *dbp, const char *born, char *out, size_t n)
{
    char q[512];

    snprintf(q, sizeof(q), "SELECT atena FROM residents WHERE zokugara = '子' AND status = 1 AND "
                           "substr(birth, 1, 7) = '%s' ORDER BY atena LIMIT 1", born);
    sql_text(dbp, q, out, n);
    if (strlen(out) != 10) {
        fprintf(stderr, "no child born in %s in the town\n", born);
        exit(1);
    }
}

static void build_template(void)
{
    char *town;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    tmpl_dir = tl_tmpdir();
    tmpl_db = tl_path(tmpl_dir, "a.db");
    town = tl_path(tmpl_dir, "town.csv");
    RUN(tmpl_db, "init", "--demo");
    RUN(tmpl_db, "demo", "town", "--residents", "3000", "--as-of", "2026-10-01", "-o", town);
    RUN(tmpl_db, "residents", "import", "--full", town);
    RUN(tmpl_db, "settings", "set", "site.name", "みどり市 保健センター");
    RUN(tmpl_db, "settings", "set", "site.contact", "母子保健係 電話 0120-000-000");
    RUN(tmpl_db, "settings", "set", "site.address", "〒389-0100 みどり市本町1丁目1番1号");
    RUN(tmpl_db, "settings", "set", "checkup.venue", "みどり市保健センター");
    /* 1歳6か月 and 3歳 in November 2026 */
    child_born(tmpl_db, "2025-05", child18, sizeof(child18));
    child_born(tmpl_db, "2023-11", child36, sizeof(child36));
    free(town);
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
 * Scans the issued forms listed in csv (pages pages, sets: NULL-terminated
 * --set values), takes them in as batch name and settles every open review
 * item of its pages with the simulator's truth (a blank truth: rejected).
 */
static void scan_and_settle(const char *csv, const char *form, const char *name, int pages,
                            const char *as_of, const char *const *sets)
{
    char *out = tl_path(dir, name), np[8];
    const char *argv[96];
    int n = 0;
    struct tl_result r;

    snprintf(np, sizeof(np), "%d", pages);
    const char *head[] = { tl_boshi(), "--db", db, "demo", "scan", "--store", "--from-issues", csv,
                           "--forms", form, "--pages", np, "--profile", "clean", "--seed", "7",
                           "--as-of", as_of, "-o", out };
    for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
        argv[n++] = head[k];
    for (size_t k = 0; sets && sets[k] && n < 92; k++) {
        argv[n++] = "--set";
        argv[n++] = sets[k];
    }
    argv[n] = NULL;
    tl_run(&r, NULL, NULL, argv);
    ck_assert_msg(r.status == 0, "demo scan: %s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "intake", "--name", name, out, NULL);
    ck_assert_msg(r.status == 0, "intake: %s", r.err);
    tl_result_free(&r);
    for (int p = 1; p <= pages; p++) {
        char tp[32], like[64];
        snprintf(tp, sizeof(tp), "page-%04d.truth.json", p);
        char *truth = tl_path(out, tp);
        json_t *t = json_load_file(truth, 0, NULL);
        ck_assert_msg(t != NULL, "%s", truth);
        snprintf(like, sizeof(like), "%%/%s/page-%04d.png", name, p);
        long page = sql_long("SELECT id FROM pages WHERE source LIKE '%s'", like);
        ck_assert_int_gt(page, 0);
        for (int guard = 0; guard < 60; guard++) {
            long item = sql_long("SELECT coalesce((SELECT id FROM review_items WHERE page_id = %ld AND "
                                 "status = 'open' ORDER BY id LIMIT 1), 0)", page);
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
            if (value && field[0])
                tl_boshi_run(&r, db, NULL, "review", "correct", id, value, NULL);
            else if (field[0])
                tl_boshi_run(&r, db, NULL, "review", "reject", id, NULL);
            else
                tl_boshi_run(&r, db, NULL, "review", "accept", id, NULL);
            ck_assert_msg(r.status == 0, "page %d %s %s: %s", p, field, value ? value : "-", r.err);
            tl_result_free(&r);
        }
        ck_assert_msg(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND status = 'landed'", page) == 1,
                      "%s page %d did not land", name, p);
        json_decref(t);
        free(truth);
    }
    free(out);
}

/* The truth of field on page p of batch name (NULL: blank); caller frees. */
static char *truth_of(const char *name, int p, const char *field)
{
    char tp[32], *sub = tl_path(dir, name), *path;
    json_t *t, *jf;
    size_t k;
    char *v = NULL;

    snprintf(tp, sizeof(tp), "page-%04d.truth.json", p);
    path = tl_path(sub, tp);
    t = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(t);
    json_array_foreach(json_object_get(t, "fields"), k, jf)
        if (strcmp(json_string_value(json_object_get(jf, "name")), field) == 0 &&
            json_string_value(json_object_get(jf, "value")) != NULL)
            v = xstrdup(json_string_value(json_object_get(jf, "value")));
    json_decref(t);
    free(path);
    free(sub);
    return v;
}

/* ---- 9〜10か月児健康診査 -------------------------------------------------- */

START_TEST(m10_targets_print_read_land)
{
    char *pdf = tl_path(dir, "k.pdf"), *staff = tl_path(dir, "k-kenshinhyo.pdf");
    char *csv = tl_path(dir, "k.csv"), *scsv = tl_path(dir, "scan.csv"), child[16], name[64], q[256];
    struct tl_result r;

    /* the setting, and who is due: born in January 2026 for November, 9か月 to under 11か月 */
    tl_boshi_run(&r, db, NULL, "settings", "list", NULL);
    ck_assert_msg(strstr(r.out, "checkup.nyuyoji_10m.age_months") != NULL && strstr(r.out, "10") != NULL,
                  "%s", r.out);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "targets", "--reason", "試験", "nyuyoji_10m", "--month", "2026-11", "--date", "2026-11-10",
                 "--as-of", "2026-10-01", "-o", pdf, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "乳児健康診査（9〜10か月児）") != NULL, "%s", r.out);
    tl_result_free(&r);
    long due = sql_long("SELECT count(*) FROM residents WHERE status = 1 AND birth >= '2026-01-01' AND "
                        "birth < '2026-02-01'");
    ck_assert_int_gt(due, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE form = 'nyuyoji_10m' AND "
                              "kind = 'form' AND month = '2026-11'"), due);
    /* every child issued is 9か月 to under 11か月 on the checkup day (2026-11-10) */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed i JOIN residents r ON r.atena = "
                              "i.person WHERE i.form = 'nyuyoji_10m' AND i.kind = 'form' AND NOT "
                              "(r.birth <= '2026-02-10' AND r.birth > '2025-12-10')"), 0);
    /* nobody born the month before or after */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed i JOIN residents r ON r.atena = "
                              "i.person WHERE i.form = 'nyuyoji_10m' AND (r.birth < '2026-01-01' OR "
                              "r.birth >= '2026-02-01')"), 0);
    sql_text(db, "SELECT person FROM issues_printed WHERE form = 'nyuyoji_10m' AND kind = 'form' "
                 "ORDER BY issue_id LIMIT 1", child, sizeof(child));
    snprintf(q, sizeof(q), "SELECT replace(name, '　', ' ') FROM residents WHERE atena = '%s'", child);
    sql_text(db, q, name, sizeof(name));
    ck_assert_int_eq((int)strlen(child), 10);

    /* the letter and the pre-filled 問診票: the child's name, the 9〜10か月 questions */
    char *text = pdftotext(pdf);
    ck_assert_msg(strstr(text, "乳児健康診査（9〜10か月児）") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "問診票（保護者記入）") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "はいはいをしますか") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "つかまり立ちをしますか") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "指先で小さな物をつまみますか") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "人見知りをしますか") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "離乳食は1日何回ですか") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "離乳食の進み具合") != NULL, "%s", text);   /* the letter's note */
    char *surname = xstrdup(name);
    *strchr(surname, ' ') = '\0';
    ck_assert_msg(strstr(text, surname) != NULL, "%s not in %s", surname, text);
    free(text);
    /* the staff's 健診票: measurements, 所見, 総合判定 with four choices, 精密検査 */
    text = pdftotext(staff);
    ck_assert_msg(strstr(text, "健診票（健診従事者記入）") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "総合判定") != NULL && strstr(text, "要精密") != NULL &&
                  strstr(text, "要治療") != NULL && strstr(text, "要観察") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "既医療") == NULL, "%s", text);
    ck_assert_msg(strstr(text, "精密検査の対象") != NULL && strstr(text, "頭囲") != NULL &&
                  strstr(text, "胸囲") != NULL, "%s", text);
    ck_assert_msg(strstr(text, "EPDS") == NULL, "%s", text);
    free(text);
    free(surname);

    /* both pages of the first child, filled, scanned, taken in and settled */
    issues_csv(scsv, "nyuyoji_10m", child);
    scan_and_settle(scsv, "nyuyoji_10m", "m10", 2, "2026-11-10", NULL);
    long ck = sql_long("SELECT id FROM checkups WHERE person = '%s' AND form = 'nyuyoji_10m'", child);
    ck_assert_int_gt(ck, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE person = '%s'", child), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE id = %ld AND exam_date = '2026-11-10' "
                              "AND issue_id IS NOT NULL", ck), 1);
    static const char *const cols[][2] = { { "height", "height_cm" }, { "weight", "weight_kg" },
                                           { "head", "head_cm" }, { "chest", "chest_cm" } };
    for (size_t i = 0; i < 4; i++) {
        char *v = truth_of("m10", 2, cols[i][0]);
        if (v)
            ck_assert_msg(sql_long("SELECT count(*) FROM checkups WHERE id = %ld AND abs(%s - %s) < 0.001",
                                   ck, cols[i][1], v) == 1, "%s %s", cols[i][0], v);
        else
            ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE id = %ld AND %s IS NULL", ck,
                                      cols[i][1]), 1);
        free(v);
    }
    static const char *const text_cols[][2] = { { "shoken", "findings" }, { "sogo_hantei", "result" },
                                                { "seimitsu_target", "referral_targets" } };
    for (size_t i = 0; i < 3; i++) {
        char *v = truth_of("m10", 2, text_cols[i][0]);
        if (v)
            ck_assert_msg(sql_long("SELECT count(*) FROM checkups WHERE id = %ld AND %s = '%s'", ck,
                                   text_cols[i][1], v) == 1, "%s %s", text_cols[i][0], v);
        else
            ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE id = %ld AND %s IS NULL", ck,
                                      text_cols[i][1]), 1);
        free(v);
    }
    /* the 問診: 発達 and 離乳食 with the checkup's answers */
    static const char *const ans[] = { "haihai", "tsukamaridachi", "tsumamu", "hitomishiri", "rinyushoku" };
    int answered = 0;
    for (size_t i = 0; i < 5; i++) {
        char *v = truth_of("m10", 1, ans[i]);
        if (v) {
            ck_assert_msg(sql_long("SELECT count(*) FROM answers WHERE owner = 'checkup' AND owner_id = %ld "
                                   "AND field = '%s' AND value = '%s'", ck, ans[i], v) == 1, "%s %s", ans[i], v);
            answered++;
        } else {
            ck_assert_int_eq(sql_long("SELECT count(*) FROM answers WHERE owner = 'checkup' AND owner_id = "
                                      "%ld AND field = '%s' AND value IS NOT NULL", ck, ans[i]), 0);
        }
        free(v);
    }
    ck_assert_int_gt(answered, 0);
    /* no dental row: the 9〜10か月 form has no 歯科 */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM dental"), 0);
    /* the issued form was returned; the child is no longer due */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE person = '%s' AND form = "
                              "'nyuyoji_10m' AND kind = 'form' AND returned_at IS NOT NULL", child), 1);
    tl_boshi_run(&r, db, NULL, "targets", "nyuyoji_10m", "--month", "2026-11", "--dry-run", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, child) == NULL, "%s", r.out);
    tl_result_free(&r);
    free(pdf);
    free(staff);
    free(csv);
    free(scsv);
}
END_TEST

/* The 9〜10か月 form is for children of that age: a 3-year-old is refused at print. */
START_TEST(m10_person_out_of_range)
{
    struct tl_result r;
    char *pdf = tl_path(dir, "x.pdf");

    tl_boshi_run(&r, db, NULL, "forms", "print", "nyuyoji_10m", "--person", child36, "-o", pdf, NULL);
    ck_assert_int_ne(r.status, 0);
    ck_assert_msg(strstr(r.err, "生後6か月〜1歳6か月の子") != NULL, "%s", r.err);
    tl_result_free(&r);
    free(pdf);
}
END_TEST

/* ---- 歯科 at 1歳6か月 and 3歳 ------------------------------------------------- */

/*
 * The child's form (version 3, the 歯科 items of version 2) printed, its 健診票 filled with the given 歯科
 * answers, read, settled: the dental row holds each item, apart from the
 * checkup row.
 */
static void dental_case(const char *form, const char *child, const char *types_text,
                        const char *const *sets, const char *want)
{
    char *pdf = tl_path(dir, "f.pdf"), *csv = tl_path(dir, "f.csv");
    struct tl_result r;

    tl_boshi_run(&r, db, NULL, "forms", "print", form, "--person", child, "-o", pdf, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    char *text = pdftotext(pdf);
    ck_assert_msg(strstr(text, "（第3版）") != NULL, "%s", text);
    static const char *const printed[] = { "むし歯の本数", "むし歯の型", "歯の汚れ", "軟組織異常",
                                           "咬合異常", "フッ化物塗布", "歯科の要指導" };
    for (size_t i = 0; i < sizeof(printed) / sizeof(printed[0]); i++)
        ck_assert_msg(strstr(text, printed[i]) != NULL, "%s: %s", printed[i], text);
    ck_assert_msg(strstr(text, types_text) != NULL, "%s: %s", types_text, text);
    free(text);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM issues_printed WHERE form = '%s' AND person = '%s' "
                              "AND kind = 'form'", form, child), 1);
    issues_csv(csv, form, child);
    scan_and_settle(csv, form, "dental", 2, "2026-11-20", sets);
    long ck = sql_long("SELECT id FROM checkups WHERE person = '%s' AND form = '%s'", child, form);
    ck_assert_int_gt(ck, 0);
    long page2 = sql_long("SELECT id FROM pages WHERE source LIKE '%%/dental/page-0002.png'");
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND page_no = 2 AND version = 3",
                              page2), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM dental"), 1);
    ck_assert_msg(sql_long("SELECT count(*) FROM dental WHERE checkup_id = %ld AND page_id = %ld AND "
                           "person = '%s' AND form = '%s' AND exam_date = '2026-11-20' AND %s", ck, page2,
                           child, form, want) == 1, "dental row: %s", want);
    /* the count, 汚れ and フッ化物 stay in the checkup row too (the statistics count them) */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups c JOIN dental d ON d.checkup_id = c.id "
                              "WHERE c.id = %ld AND c.dental_caries = d.caries AND c.dental_fluoride IS "
                              "d.fluoride AND c.dental_plaque IS d.plaque", ck), 1);
    free(pdf);
    free(csv);
}

START_TEST(dental_1y6m)
{
    static const char *const sets[] = { "mushiba=2", "mushiba_type=b:tick", "ha_yogore=sukoshi:tick",
                                        "nanso=ari:tick", "kogo=nashi:tick", "fusso=shita:tick",
                                        "yoshido=ari:tick", NULL };
    dental_case("nyuyoji_1y6m", child18, "O1", sets,
                "caries = 2 AND caries_type = 'b' AND plaque = 'sukoshi' AND soft_tissue = 'ari' AND "
                "occlusion = 'nashi' AND fluoride = 'shita' AND guidance = 'ari'");
}
END_TEST

START_TEST(dental_3y)
{
    static const char *const sets[] = { "mushiba=0", "mushiba_type=o:tick", "ha_yogore=kirei:tick",
                                        "nanso=nashi:tick", "kogo=ari:tick", "fusso=shinai:tick",
                                        "yoshido=nashi:tick", NULL };
    dental_case("nyuyoji_3y", child36, "C2", sets,
                "caries = 0 AND caries_type = 'o' AND plaque = 'kirei' AND soft_tissue = 'nashi' AND "
                "occlusion = 'ari' AND fluoride = 'shinai' AND guidance = 'nashi'");
}
END_TEST

/*
 * Paper printed before version 2 (version 1: the count, 汚れ, フッ化物塗布
 * only) is still read with version 1, and its checkup gets a dental row too.
 */
START_TEST(dental_version1_paper)
{
    char *pdf = tl_path(dir, "f.pdf"), *csv = tl_path(dir, "f.csv"), q[256];
    static const char *const sets[] = { "mushiba=1", "ha_yogore=ooi:tick", "fusso=shita:tick", NULL };

    RUN(db, "forms", "print", "nyuyoji_1y6m", "--person", child18, "-o", pdf);
    snprintf(q, sizeof(q), "UPDATE issues_printed SET version = 1 WHERE person = '%s' AND form = "
                           "'nyuyoji_1y6m'", child18);
    tl_sql_exec(db, q);
    issues_csv(csv, "nyuyoji_1y6m", child18);
    scan_and_settle(csv, "nyuyoji_1y6m", "v1", 2, "2026-11-20", sets);
    long page2 = sql_long("SELECT id FROM pages WHERE source LIKE '%%/v1/page-0002.png'");
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND version = 1", page2), 1);
    long ck = sql_long("SELECT id FROM checkups WHERE person = '%s' AND form = 'nyuyoji_1y6m'", child18);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM dental WHERE checkup_id = %ld AND page_id = %ld AND "
                              "exam_date = '2026-11-20' AND caries = 1 AND plaque = 'ooi' AND fluoride = "
                              "'shita' AND caries_type IS NULL AND soft_tissue IS NULL AND occlusion IS "
                              "NULL AND guidance IS NULL", ck, page2), 1);
    free(pdf);
    free(csv);
}
END_TEST

/* The simulator's 歯科: mostly no caries, and the type follows the count. */
START_TEST(dental_simulated_plausible)
{
    char *out = tl_path(dir, "sim");
    struct tl_result r;
    int zero = 0, some = 0;

    tl_boshi_run(&r, db, NULL, "demo", "scan", "--forms", "nyuyoji_1y6m,nyuyoji_3y", "--pages", "40",
                 "--dpi", "200", "--seed", "3", "-o", out, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    for (int p = 1; p <= 40; p++) {
        char tp[32];
        snprintf(tp, sizeof(tp), "page-%04d.truth.json", p);
        char *path = tl_path(out, tp);
        json_t *t = json_load_file(path, 0, NULL), *jf;
        const char *count = NULL, *type = NULL;
        size_t k;
        ck_assert_ptr_nonnull(t);
        if (json_integer_value(json_object_get(t, "version")) != 3)
            ck_abort_msg("%s: not the latest version", path);
        json_array_foreach(json_object_get(t, "fields"), k, jf) {
            const char *nm = json_string_value(json_object_get(jf, "name"));
            if (strcmp(nm, "mushiba") == 0)
                count = json_string_value(json_object_get(jf, "value"));
            if (strcmp(nm, "mushiba_type") == 0)
                type = json_string_value(json_object_get(jf, "value"));
        }
        if (json_integer_value(json_object_get(t, "page")) == 2) {
            ck_assert_ptr_nonnull(count);
            ck_assert_ptr_nonnull(type);
            ck_assert_msg(atoi(count) <= 6, "%s: %s caries", path, count);
            ck_assert_msg((atoi(count) == 0) == (type[0] == 'o'), "%s: %s caries, type %s", path, count,
                          type);
            if (atoi(count) == 0)
                zero++;
            else
                some++;
        }
        json_decref(t);
        free(path);
    }
    ck_assert_int_gt(some, 0);
    ck_assert_int_gt(zero, some);
    free(out);
}
END_TEST


/* ---- 健やか親子21 問診 (別紙2) -------------------------------------------- */

/* The 3〜4か月 別紙2 questions as the report prints them: field, question, values and labels. */
static const struct {
    const char *field, *question;
    const char *values[9], *labels[9];
    const char *count;      /* the 本数 field, or NULL */
} b2[] = {
    { "sango_care", "助産師や保健師等からの指導・ケア", { "hai", "iie", "dochiratomo" },
      { "はい", "いいえ", "どちらとも言えない" }, NULL },
    { "ninshin_kitsuen", "妊娠中、お子さんのお母さんは喫煙", { "nashi", "ari" }, { "なし", "あり" },
      "ninshin_kitsuen_count" },
    { "smoke_father", "現在、お子さんのお父さんは喫煙", { "nashi", "ari" }, { "なし", "あり" }, "smoke_father_count" },
    { "smoke_mother", "現在、お子さんのお母さんは喫煙", { "nashi", "ari" }, { "なし", "あり" }, "smoke_mother_count" },
    { "ninshin_inshu", "飲酒", { "nashi", "ari" }, { "なし", "あり" }, NULL },
    { "kakaritsuke_i", "かかりつけの医師", { "iru", "inai" }, { "いる", "いない" }, NULL },
    { "chichi_ikuji", "お父さんは、育児", { "yoku", "tokidoki", "hotondo", "nantomo" },
      { "よくやっている", "時々やっている", "ほとんどしない", "何ともいえない" }, NULL },
    { "yuttari", "ゆったりとした気分", { "hai", "iie", "nantomo" }, { "はい", "いいえ", "何ともいえない" },
      NULL },
    { "sodatenikusa", "育てにくさを感じていますか", { "itsumo", "tokidoki", "kanjinai" },
      { "いつも感じる", "時々感じる", "感じない" }, NULL },
    { "sodatenikusa_taisho", "解決する方法", { "hai", "iie" }, { "はい", "いいえ" }, NULL },
    { "sbs", "揺さぶられ症候群", { "hai", "iie" }, { "はい", "いいえ" }, NULL },
    { "kosodate_kodo", "ご家庭で次のこと",
      { "shitsuke", "tataita", "rusuban", "shokuji", "donatta", "kuchi", "yusaburi", "gaitou_nashi" },
      { "しつけのし過ぎがあった", "感情的に叩いた", "乳幼児だけを家に残して外出した",
        "長時間食事を与えなかった", "感情的な言葉で怒鳴った", "子どもの口をふさいだ",
        "子どもを激しく揺さぶった", "いずれにも該当しない" }, NULL },
    { "chiiki", "この地域で", { "sou", "dochira_sou", "dochira_sounai", "sounai" },
      { "そう思う", "どちらかといえばそう思う", "どちらかといえばそう思わない", "そう思わない" }, NULL },
};

/* The figure of the 乳児 row (question containing q, item) in a 別紙2 CSV, or -1 if absent. */
static long b2_cell(const char *csv, const char *q, const char *item)
{
    char want[160];
    long v = -1;

    snprintf(want, sizeof(want), "\",\"%s\",\"", item);
    for (const char *l = csv; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        size_t n = strcspn(l, "\n");
        char line[1024];
        snprintf(line, sizeof(line), "%.*s", (int)n, l);
        if (strstr(line, "\"乳児（3〜5か月）\"") == NULL || strstr(line, q) == NULL)
            continue;
        char *at = strstr(line, want);
        if (at == NULL)
            continue;
        ck_assert_msg(v < 0, "%s / %s twice", q, item);
        v = atol(at + strlen(want));
    }
    return v;
}

/* The page number (of its form) of page p of batch name, from its truth. */
static int truth_page(const char *name, int p)
{
    char tp[32], *sub = tl_path(dir, name), *path;
    json_t *t;
    int n;

    snprintf(tp, sizeof(tp), "page-%04d.truth.json", p);
    path = tl_path(sub, tp);
    t = json_load_file(path, 0, NULL);
    ck_assert_ptr_nonnull(t);
    n = (int)json_integer_value(json_object_get(t, "page"));
    json_decref(t);
    free(path);
    free(sub);
    return n;
}

/* 1 if the comma list has the value. */
static int has_value(const char *list, const char *v)
{
    char l[256], w[64];

    snprintf(l, sizeof(l), ",%s,", list);
    snprintf(w, sizeof(w), ",%s,", v);
    return strstr(l, w) != NULL;
}

/*
 * The 3〜4か月 問診票 (version 2) printed for children, filled by the
 * simulator (the father smoking 12 a day, the 妊娠中の喫煙 5 a day, SBS
 * left blank on every sheet; the rest as it draws them), read, settled and
 * landed: `report stats` counts every option, 無回答 and the 本数 sums of
 * 別紙2 exactly as the sheets were filled, in its CSV twin and its PDF.
 */
START_TEST(besshi2_counts_what_was_filled)
{
    char *csv = tl_path(dir, "b2.csv"), *pdf = tl_path(dir, "f.pdf"), *st = tl_path(dir, "st.pdf");
    char kids[4][16];
    int n = 0;
    static const char *const sets[] = { "smoke_father=ari:tick", "smoke_father_count=12",
                                        "ninshin_kitsuen=ari:tick", "ninshin_kitsuen_count=5",
                                        "sbs=", NULL };

    for (const char *const *born = (const char *const[]){ "2026-07", "2026-06", "2026-08", NULL };
         *born && n < 3; born++) {
        char q[320];
        snprintf(q, sizeof(q), "SELECT coalesce((SELECT atena FROM residents WHERE zokugara = '子' AND "
                               "status = 1 AND substr(birth, 1, 7) = '%s' ORDER BY atena LIMIT 1), '')",
                 *born);
        sql_text(db, q, kids[n], sizeof(kids[n]));
        if (strlen(kids[n]) == 10)
            n++;
    }
    ck_assert_int_ge(n, 2);
    for (int i = 0; i < n; i++) {
        RUN(db, "forms", "print", "nyuyoji_4m", "--person", kids[i], "-o", pdf);
        if (i == 0) {
            char *text = pdftotext(pdf);
            static const char *const printed[] = {
                "（第2版）", "乳幼児揺さぶられ症候群（SBS）を知っていますか",
                "お子さんのお父さんは、育児をしていますか", "妊娠中の飲酒", "かかりつけの医師",
                "感情的な言葉で怒鳴った", "子どもの口をふさいだ", "子どもを激しく揺さぶった",
                "乳幼児だけを家に残して外出した", "お母さんは、ゆったりとした気分",
            };
            for (size_t k = 0; k < sizeof(printed) / sizeof(printed[0]); k++)
                ck_assert_msg(strstr(text, printed[k]) != NULL, "%s: %s", printed[k], text);
            free(text);
        }
    }
    issues_csv(csv, "nyuyoji_4m", NULL);
    scan_and_settle(csv, "nyuyoji_4m", "b2", 2 * n, "2026-11-20", sets);
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT person) FROM checkups WHERE form = 'nyuyoji_4m' "
                              "AND exam_date = '2026-11-20'"), n);

    RUN(db, "report", "stats", "--month", "2026-11", "-o", st);
    char *b2csv = tl_path(dir, "st-besshi2.csv");
    char *c = tl_read_file(b2csv, NULL);
    ck_assert_ptr_nonnull(c);
    char *text = pdftotext(st);
    ck_assert_msg(strstr(text, "乳幼児健康診査問診回答状況（別紙2）") != NULL, "%s", text);
    /* the PDF says what the CSV says: the 本数 rows (乳児, 1歳6か月, 3歳), spaces folded */
    {
        char want[2][96], *flat = xstrdup(text), *o = flat;
        for (const char *p = text; *p; p++) {
            if (*p == ' ' && o > flat && o[-1] == ' ')
                continue;
            *o++ = *p;
        }
        *o = '\0';
        snprintf(want[0], sizeof(want[0]), "喫煙本数の合計 %ld ― ―", 5L * n);
        snprintf(want[1], sizeof(want[1]), "喫煙本数の合計 %ld 0 0", 12L * n);
        for (int i = 0; i < 2; i++)
            ck_assert_msg(strstr(flat, want[i]) != NULL, "%s: %s", want[i], flat);
        free(flat);
    }
    free(text);

    /* what the sheets say, from the simulator's truth of each 問診票 page */
    int feels = 0;
    for (size_t k = 0; k < sizeof(b2) / sizeof(b2[0]); k++) {
        long opt[9] = { 0 }, answered = 0, base = n, sum = 0, sum_n = 0;
        for (int p = 1; p <= 2 * n; p++) {
            if (truth_page("b2", p) != 1)
                continue;
            char *v = truth_of("b2", p, b2[k].field);
            char *fe = truth_of("b2", p, "sodatenikusa");
            int f = fe && (strcmp(fe, "itsumo") == 0 || strcmp(fe, "tokidoki") == 0);
            free(fe);
            if (strcmp(b2[k].field, "sodatenikusa_taisho") == 0) {
                feels += f;
                if (!f) {
                    free(v);
                    continue;
                }
            }
            int any = 0;
            for (int i = 0; v && b2[k].values[i]; i++) {
                if (has_value(v, b2[k].values[i])) {
                    opt[i]++;
                    any = 1;
                }
            }
            answered += any;
            if (b2[k].count && v && strcmp(v, "ari") == 0) {
                char *cnt = truth_of("b2", p, b2[k].count);
                if (cnt && atol(cnt) > 0) {
                    sum += atol(cnt);
                    sum_n++;
                }
                free(cnt);
            }
            free(v);
        }
        if (strcmp(b2[k].field, "sodatenikusa_taisho") == 0)
            base = feels;
        for (int i = 0; b2[k].values[i]; i++)
            ck_assert_msg(b2_cell(c, b2[k].question, b2[k].labels[i]) == opt[i], "%s %s: %ld != %ld",
                          b2[k].field, b2[k].values[i], b2_cell(c, b2[k].question, b2[k].labels[i]),
                          opt[i]);
        ck_assert_msg(b2_cell(c, b2[k].question, "無回答") == base - answered, "%s 無回答", b2[k].field);
        ck_assert_msg(b2_cell(c, b2[k].question, "全回答者数") == answered, "%s 全回答者数",
                      b2[k].field);
        if (b2[k].count) {
            ck_assert_msg(b2_cell(c, b2[k].question, "喫煙本数の合計") == sum, "%s 本数", b2[k].field);
            ck_assert_msg(b2_cell(c, b2[k].question, "喫煙本数の回答者数") == sum_n, "%s 本数",
                          b2[k].field);
        } else {
            ck_assert_int_eq(b2_cell(c, b2[k].question, "喫煙本数の合計"), -1);
        }
    }
    /* what was forced on every sheet */
    ck_assert_int_eq(b2_cell(c, "お子さんのお父さんは喫煙", "あり"), n);
    ck_assert_int_eq(b2_cell(c, "お子さんのお父さんは喫煙", "喫煙本数の合計"), 12L * n);
    ck_assert_int_eq(b2_cell(c, "妊娠中、お子さんのお母さんは喫煙", "喫煙本数の合計"), 5L * n);
    ck_assert_int_eq(b2_cell(c, "揺さぶられ症候群", "無回答"), n);
    ck_assert_int_eq(b2_cell(c, "揺さぶられ症候群", "全回答者数"), 0);
    /* the 歯科医師 is asked at 3歳 only: no 乳児 row */
    ck_assert_int_eq(b2_cell(c, "かかりつけの歯科医師", "いる"), -1);
    free(c);
    free(b2csv);
    free(csv);
    free(pdf);
    free(st);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("checkups");
    TCase *m10 = tcase_create("nyuyoji_10m");
    TCase *dental = tcase_create("dental");
    TCase *b2t = tcase_create("besshi2");

    tcase_set_timeout(m10, 600);
    tcase_add_checked_fixture(m10, setup, teardown);
    tcase_add_test(m10, m10_targets_print_read_land);
    tcase_add_test(m10, m10_person_out_of_range);
    suite_add_tcase(s, m10);
    tcase_set_timeout(dental, 600);
    tcase_add_checked_fixture(dental, setup, teardown);
    tcase_add_test(dental, dental_1y6m);
    tcase_add_test(dental, dental_3y);
    tcase_add_test(dental, dental_version1_paper);
    tcase_add_test(dental, dental_simulated_plausible);
    suite_add_tcase(s, dental);
    tcase_set_timeout(b2t, 900);
    tcase_add_checked_fixture(b2t, setup, teardown);
    tcase_add_test(b2t, besshi2_counts_what_was_filled);
    suite_add_tcase(s, b2t);
    return s;
}

int main(void)
{
    int rc;

    build_template();
    rc = tl_main(suite());
    tl_rmtree(tmpl_dir);
    free(tmpl_dir);
    free(tmpl_db);
    return rc;
}
