/*
 * test_forms: form definitions (every shipped def loads and passes the
 * checks; every bad def in tests/data/forms/bad is rejected with the error
 * in its .expect file), typed values of each kind incl. 和暦 edges and the
 * 個人番号 check digit, and the cross-field rules, passing and failing.
 */
#include "base/base.h"
#include "forms/forms.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct forms_registry *reg;

static void load_registry(void)
{
    struct berr e = { 0 };
    char *dir = xasprintf("%s/forms/defs", tl_src());
    int n = forms_registry_load_dir(dir, &reg, &e);

    ck_assert_msg(n == 15, "loading %s: %d: %s", dir, n, e.msg);
    free(dir);
}

static void free_registry(void)
{
    forms_registry_free(&reg);
}

static const struct forms_form *form(const char *id)
{
    const struct forms_form *f = forms_registry_get(reg, id, 1);

    ck_assert_msg(f != NULL, "no form %s", id);
    return f;
}

static const struct forms_field *field(const char *id, const char *name)
{
    const struct forms_field *f = forms_field_find(form(id), name);

    ck_assert_msg(f != NULL, "no field %s in %s", name, id);
    return f;
}

/* Parses raw for the field; asserts success and the canonical text. */
static void ok(const char *id, const char *name, const char *raw, const char *want)
{
    struct forms_value v;
    struct berr e = { 0 };
    int rc;

    forms_value_init(&v);
    rc = forms_value_parse(field(id, name), raw, &v, &e);
    ck_assert_msg(rc == 0, "%s.%s <%s>: %s", id, name, raw, e.msg);
    if (want == NULL)
        ck_assert_msg(!v.present && v.text == NULL, "%s.%s <%s>: want blank, got %s", id,
                      name, raw, v.text);
    else
        ck_assert_msg(v.present && strcmp(v.text, want) == 0, "%s.%s <%s>: got %s, want %s",
                      id, name, raw, v.text ? v.text : "(null)", want);
    forms_value_release(&v);
}

/* Parses raw; asserts BERR_INVALID with msg containing want. */
static void bad(const char *id, const char *name, const char *raw, const char *want)
{
    struct forms_value v;
    struct berr e = { 0 };
    int rc;

    forms_value_init(&v);
    rc = forms_value_parse(field(id, name), raw, &v, &e);
    ck_assert_msg(rc == BERR_INVALID, "%s.%s <%s>: accepted as %s", id, name, raw,
                  v.text ? v.text : "(blank)");
    ck_assert_msg(strstr(e.msg, want) != NULL, "%s.%s <%s>: message '%s' lacks '%s'", id, name,
                  raw, e.msg, want);
    ck_assert(!v.present && v.text == NULL);
    forms_value_release(&v);
}

/* ---- definitions ----------------------------------------------------- */

START_TEST(shipped_defs_load)
{
    static const char *const ids[] = {
        "ninshin_todoke", "nyuyoji_4m", "nyuyoji_1y6m", "nyuyoji_3y", "ninpu_jushinken",
        "seimitsu_houkoku", "sanpu_jushinken", "nyuyoji_10m", "choukaku_jushinken",
        "shinseiji_houmon",
    };
    static const int pages[] = { 2, 2, 2, 2, 1, 1, 1, 2, 1, 1 };

    ck_assert_uint_eq(forms_registry_count(reg), 15);   /* 10 forms; 3〜4か月 v1-2, 1歳6か月・3歳 v1-3 */
    for (size_t i = 0; i < 10; i++) {
        const struct forms_form *f = form(ids[i]);
        int on_page[9] = { 0 };

        ck_assert_str_eq(f->id, ids[i]);
        ck_assert_int_eq(f->pages, pages[i]);
        ck_assert(f->page_w == 210 && f->page_h == 297);
        ck_assert(f->area.x == 15 && f->area.y == 15 && f->area.w == 180 && f->area.h == 267);
        for (size_t k = 0; k < f->n_fields; k++) {
            const struct forms_field *fld = &f->fields[k];
            on_page[fld->page]++;
            ck_assert_ptr_nonnull(fld->label);
            if (fld->kind == FORMS_PRINTED)
                ck_assert_ptr_nonnull(fld->source);
            if (fld->kind != FORMS_PRINTED && fld->kind != FORMS_PRESENCE)
                ck_assert_msg(fld->column != NULL, "%s.%s has no column", f->id, fld->name);
        }
        for (int p = 1; p <= f->pages; p++)
            ck_assert_msg(on_page[p] > 0, "%s page %d is empty", f->id, p);
    }
    /* the latest version and lookups */
    ck_assert_ptr_eq(forms_registry_get(reg, "nyuyoji_4m", 0), forms_registry_get(reg, "nyuyoji_4m", 2));
    ck_assert_ptr_null(forms_registry_get(reg, "nyuyoji_4m", 3));
    /* the 歯科 items were version 2, the 健やか親子21 問診 is version 3 (2 for 3〜4か月), the
     * latest; the older versions stay for old paper */
    ck_assert_int_eq(forms_registry_get(reg, "nyuyoji_4m", 0)->version, 2);
    ck_assert_ptr_nonnull(forms_registry_get(reg, "nyuyoji_4m", 1));
    ck_assert_int_eq(forms_registry_get(reg, "nyuyoji_1y6m", 0)->version, 3);
    ck_assert_int_eq(forms_registry_get(reg, "nyuyoji_3y", 0)->version, 3);
    ck_assert_ptr_nonnull(forms_registry_get(reg, "nyuyoji_3y", 2));
    ck_assert_ptr_null(forms_field_find(form("nyuyoji_3y"), "mushiba_type"));
    ck_assert_ptr_null(forms_registry_get(reg, "nothing", 0));
    ck_assert_int_lt(forms_field_index(form("nyuyoji_3y"), "nope"), 0);
    ck_assert_str_eq(forms_kind_name(FORMS_MYNUMBER), "mynumber");
}
END_TEST

START_TEST(shipped_defs_shape)
{
    const struct forms_field *f;

    /* the items forms/README.md lists */
    f = field("nyuyoji_4m", "sogo_hantei");
    ck_assert_int_eq(f->kind, FORMS_CHOICE);
    ck_assert_int_eq(f->page, 2);
    ck_assert_uint_eq(f->n_options, 5);
    ck_assert_str_eq(forms_option_label(f, "yoseimitsu"), "要精密");
    ck_assert_str_eq(forms_option_label(f, "kiiryo"), "既医療");
    ck_assert_ptr_null(forms_option_label(f, "nope"));
    f = field("nyuyoji_1y6m", "seimitsu_target");
    ck_assert_int_eq(f->kind, FORMS_MULTI);
    ck_assert_str_eq(forms_option_label(f, "hattatsu"), "発達");
    ck_assert_ptr_nonnull(forms_field_find(form("nyuyoji_3y"), "mushiba"));
    ck_assert_ptr_null(forms_field_find(form("nyuyoji_4m"), "mushiba"));
    f = field("ninshin_todoke", "birth_date");
    ck_assert_int_eq(f->kind, FORMS_DATE);
    ck_assert_uint_eq(f->n_options, 3);
    ck_assert_int_eq(f->era_fixed, ERA_NONE);
    ck_assert_int_eq(f->year.cells, 2);
    f = field("ninshin_todoke", "todoke_date");
    ck_assert_int_eq(f->era_fixed, ERA_REIWA);
    f = field("ninshin_todoke", "mynumber");
    ck_assert_int_eq(f->cells, 12);
    f = field("ninpu_jushinken", "clinic_code");
    ck_assert_int_eq(f->cells, 10);
    ck_assert_int_eq(f->min_len, 10);
    f = field("ninpu_jushinken", "kai");
    ck_assert_str_eq(f->source, "voucher.kai");
    f = field("nyuyoji_3y", "weight");
    ck_assert_int_eq(f->decimals, 2);
    ck_assert_str_eq(f->column, "checkups.weight_kg");
    f = field("seimitsu_houkoku", "shindan");
    ck_assert_str_eq(forms_option_label(f, "keika"), "要経過観察");
}
END_TEST

/* 9〜10か月児健診 and the 歯科 items of 1歳6か月・3歳 (version 2) */
START_TEST(checkup_10m_and_dental_defs)
{
    const struct forms_form *m10 = form("nyuyoji_10m");
    const struct forms_form *y16 = forms_registry_get(reg, "nyuyoji_1y6m", 2);
    const struct forms_form *y3 = forms_registry_get(reg, "nyuyoji_3y", 2);
    static const char *const dev[] = { "haihai", "tsukamaridachi", "tsumamu", "hitomishiri" };
    const struct forms_field *f;

    ck_assert_str_eq(m10->title, "乳児健康診査（9〜10か月児）");
    for (size_t i = 0; i < 4; i++) {
        f = field("nyuyoji_10m", dev[i]);
        ck_assert_int_eq(f->kind, FORMS_CHOICE);
        ck_assert_int_eq(f->page, 1);
        ck_assert_ptr_nonnull(strstr(f->column, "checkup_answers."));
    }
    f = field("nyuyoji_10m", "rinyushoku");
    ck_assert_str_eq(f->column, "checkup_answers.rinyushoku");
    ck_assert_str_eq(forms_option_label(f, "sankai"), "3回");
    static const char *const measured[][2] = { { "height", "checkups.height_cm" },
        { "weight", "checkups.weight_kg" }, { "head", "checkups.head_cm" },
        { "chest", "checkups.chest_cm" } };
    for (size_t i = 0; i < 4; i++) {
        f = field("nyuyoji_10m", measured[i][0]);
        ck_assert_int_eq(f->page, 2);
        ck_assert_str_eq(f->column, measured[i][1]);
    }
    ok("nyuyoji_10m", "weight", "0875", "8.75");
    bad("nyuyoji_10m", "weight", "1450", "5.50〜12.50kg");
    f = field("nyuyoji_10m", "sogo_hantei");
    ck_assert_uint_eq(f->n_options, 4);
    ck_assert_str_eq(forms_option_label(f, "ijonashi"), "異常なし");
    ck_assert_str_eq(forms_option_label(f, "yokansatsu"), "要観察");
    ck_assert_str_eq(forms_option_label(f, "yoseimitsu"), "要精密");
    ck_assert_str_eq(forms_option_label(f, "yochiryo"), "要治療");
    ck_assert_str_eq(field("nyuyoji_10m", "seimitsu_target")->column, "checkups.referral_targets");
    ck_assert_ptr_null(forms_field_find(m10, "epds"));
    ck_assert_ptr_null(forms_field_find(m10, "mushiba"));

    /* 歯科: 罹患型 of each checkup, the other items, where they land */
    static const char *const t16[] = { "o1", "o2", "a", "b", "c" }, *const t3[] = { "o", "a", "b", "c1", "c2" };
    const struct forms_field *a = forms_field_find(y16, "mushiba_type"), *b = forms_field_find(y3, "mushiba_type");
    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(a->n_options, 5);
    ck_assert_uint_eq(b->n_options, 5);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_str_eq(a->options[i].value, t16[i]);
        ck_assert_str_eq(b->options[i].value, t3[i]);
    }
    ck_assert_str_eq(forms_option_label(a, "o1"), "O1");
    ck_assert_str_eq(forms_option_label(b, "c2"), "C2");
    ck_assert_str_eq(a->column, "dental.caries_type");
    static const char *const cols[][2] = { { "nanso", "dental.soft_tissue" },
        { "kogo", "dental.occlusion" }, { "yoshido", "dental.guidance" },
        { "fusso", "checkups.dental_fluoride" }, { "mushiba", "checkups.dental_caries" } };
    for (size_t i = 0; i < 5; i++) {
        const struct forms_form *both[] = { y16, y3 };
        for (size_t k = 0; k < 2; k++) {
            f = forms_field_find(both[k], cols[i][0]);
            ck_assert_msg(f != NULL && f->page == 2, "%s v2: %s", both[k]->id, cols[i][0]);
            ck_assert_str_eq(f->column, cols[i][1]);
        }
    }
    ck_assert_str_eq(forms_option_label(forms_field_find(y3, "kogo"), "ari"), "あり");
}
END_TEST

static char *read_expect(const char *path)
{
    char *s = tl_read_file(path, NULL);
    size_t n;

    if (s == NULL)
        return NULL;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

START_TEST(bad_defs_rejected)
{
    char *dir = xasprintf("%s/tests/data/forms/bad", tl_src());
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    ck_assert_msg(d != NULL, "cannot open %s", dir);
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        char *path, *expect_path, *expect;
        struct forms_form *f = NULL;
        struct berr e = { 0 };
        int rc;

        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        path = xasprintf("%s/%s", dir, de->d_name);
        expect_path = xasprintf("%s/%.*s.expect", dir, (int)(len - 5), de->d_name);
        expect = read_expect(expect_path);
        ck_assert_msg(expect != NULL && expect[0] != '\0', "%s: no .expect", de->d_name);
        rc = forms_load_file(path, &f, &e);
        ck_assert_msg(rc == BERR_INVALID, "%s: loaded (rc %d)", de->d_name, rc);
        ck_assert_ptr_null(f);
        ck_assert_msg(strstr(e.msg, path) != NULL, "%s: message does not name the file: %s",
                      de->d_name, e.msg);
        ck_assert_msg(strstr(e.msg, expect) != NULL, "%s: message\n%s\nlacks\n%s", de->d_name,
                      e.msg, expect);
        n++;
        free(expect);
        free(expect_path);
        free(path);
    }
    closedir(d);
    ck_assert_int_ge(n, 30);
    free(dir);
}
END_TEST

/* Every .expect has its .json (a renamed case would silently stop running). */
START_TEST(bad_defs_paired)
{
    char *dir = xasprintf("%s/tests/data/forms/bad", tl_src());
    DIR *d = opendir(dir);
    struct dirent *de;

    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        char *json, *data;
        if (len < 8 || strcmp(de->d_name + len - 7, ".expect") != 0)
            continue;
        json = xasprintf("%s/%.*s.json", dir, (int)(len - 7), de->d_name);
        data = tl_read_file(json, NULL);
        ck_assert_msg(data != NULL, "%s has no .json", de->d_name);
        free(data);
        free(json);
    }
    closedir(d);
    free(dir);
}
END_TEST

START_TEST(registry_checks_file_names)
{
    char *tmp = tl_tmpdir();
    char *src = xasprintf("%s/forms/defs/seimitsu_houkoku.v1.json", tl_src());
    size_t len;
    char *data = tl_read_file(src, &len);
    char *good = tl_path(tmp, "seimitsu_houkoku.v1.json");
    char *wrong = tl_path(tmp, "seimitsu.json");
    struct forms_registry *r = NULL;
    struct berr e = { 0 };

    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(tl_write_file(good, data, len), 0);
    ck_assert_int_eq(forms_registry_load_dir(tmp, &r, &e), 1);
    ck_assert_str_eq(forms_registry_at(r, 0)->id, "seimitsu_houkoku");
    ck_assert_ptr_null(forms_registry_at(r, 1));
    forms_registry_free(&r);
    ck_assert_ptr_null(r);
    forms_registry_free(&r);       /* NULL is fine */

    ck_assert_int_eq(tl_write_file(wrong, data, len), 0);
    ck_assert_int_eq(forms_registry_load_dir(tmp, &r, &e), BERR_INVALID);
    ck_assert_ptr_null(r);
    ck_assert_msg(strstr(e.msg, "seimitsu.json: ファイル名は seimitsu_houkoku.v1.json にします"),
                  "%s", e.msg);
    ck_assert_int_eq(forms_registry_load_dir("/nonexistent/defs", &r, &e), BERR_NOTFOUND);

    tl_rmtree(tmp);
    free(tmp);
    free(src);
    free(data);
    free(good);
    free(wrong);
}
END_TEST

/* ---- values ---------------------------------------------------------- */

START_TEST(dates_wareki_edges)
{
    const char *T = "ninshin_todoke";

    /* birth_date offers 昭和/平成/令和 */
    ok(T, "birth_date", "H31.4.30", "2019-04-30");
    ok(T, "birth_date", "R1.5.1", "2019-05-01");
    ok(T, "birth_date", "令和元年5月1日", "2019-05-01");
    ok(T, "birth_date", "平成元年1月8日", "1989-01-08");
    ok(T, "birth_date", "S64.1.7", "1989-01-07");
    ok(T, "birth_date", "Ｈ２．３．４", "1990-03-04");
    ok(T, "birth_date", "R6.2.29", "2024-02-29");
    ok(T, "birth_date", "1990-03-04", "1990-03-04");
    bad(T, "birth_date", "H31.5.1", "生年月日: 日付が不正です");
    bad(T, "birth_date", "R1.4.30", "生年月日: 日付が不正です");
    bad(T, "birth_date", "S64.1.8", "日付が不正です");
    bad(T, "birth_date", "R5.2.29", "日付が不正です");
    bad(T, "birth_date", "H3.13.1", "日付が不正です");
    bad(T, "birth_date", "R0.5.1", "日付が不正です");
    bad(T, "birth_date", "yesterday", "日付が不正です");
    bad(T, "birth_date", "T15.1.1", "生年月日: この欄に大正の日付は書けません");
    bad(T, "birth_date", "", "生年月日: 必須項目です");
    bad(T, "birth_date", NULL, "生年月日: 必須項目です");
    /* 届出年月日 has a printed 令和 */
    ok(T, "todoke_date", "R6.4.1", "2024-04-01");
    bad(T, "todoke_date", "H31.4.30", "届出年月日: この欄に平成の日付は書けません");
}
END_TEST

START_TEST(dates_from_parts)
{
    const struct forms_field *birth = field("ninshin_todoke", "birth_date");
    const struct forms_field *todoke = field("ninshin_todoke", "todoke_date");
    struct buf b;
    struct berr e = { 0 };

    buf_init(&b);
    ck_assert_int_eq(forms_date_raw(birth, "H", "31", "04", "30", &b, &e), 0);
    ck_assert_str_eq(b.s, "H31.04.30");
    ok("ninshin_todoke", "birth_date", b.s, "2019-04-30");
    buf_reset(&b);
    ck_assert_int_eq(forms_date_raw(birth, "R", "元", "5", "1", &b, &e), 0);
    ok("ninshin_todoke", "birth_date", b.s, "2019-05-01");
    buf_reset(&b);
    ck_assert_int_eq(forms_date_raw(todoke, NULL, "06", "04", "01", &b, &e), 0);
    ck_assert_str_eq(b.s, "R06.04.01");
    ok("ninshin_todoke", "todoke_date", b.s, "2024-04-01");
    buf_reset(&b);
    ck_assert_int_eq(forms_date_raw(birth, NULL, NULL, "", " ", &b, &e), 0);
    ck_assert_str_eq(b.s, "");
    ck_assert_int_eq(forms_date_raw(birth, NULL, "2", "3", "4", &b, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "生年月日: 元号が選ばれていません");
    ck_assert_int_eq(forms_date_raw(birth, "H,R", "2", "3", "4", &b, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "生年月日: 元号が 2 つ以上選ばれています");
    ck_assert_int_eq(forms_date_raw(birth, "M", "2", "3", "4", &b, &e), BERR_INVALID);
    ck_assert_int_eq(forms_date_raw(birth, "H", "2", "", "4", &b, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "生年月日: 年月日の一部が空欄です");
    ck_assert_int_eq(forms_date_raw(field("nyuyoji_4m", "height"), "R", "1", "2", "3", &b, &e),
                     BERR_INVALID);
    ck_assert_str_eq(b.s, "");
    buf_release(&b);
}
END_TEST

START_TEST(mynumber_values)
{
    const char *T = "ninshin_todoke";
    struct forms_value v;
    struct berr e = { 0 };

    ok(T, "mynumber", "123456789018", "123456789018");
    ok(T, "mynumber", "1234 5678 9018", "123456789018");
    ok(T, "mynumber", "１２３４５６７８９０１８", "123456789018");
    ok(T, "mynumber", "", NULL);   /* not required on the form */
    bad(T, "mynumber", "123456789017", "個人番号: 番号が正しくありません");
    bad(T, "mynumber", "12345678901", "個人番号: 12 桁の数字で記入してください");
    bad(T, "mynumber", "12345678901a", "12 桁の数字");
    /* the number never appears in a message */
    forms_value_init(&v);
    ck_assert_int_lt(forms_value_parse(field(T, "mynumber"), "123456789017", &v, &e), 0);
    ck_assert_ptr_null(strstr(e.msg, "1234"));
    ck_assert_ptr_null(strstr(e.msg, "9017"));
    ck_assert_int_lt(forms_value_parse(field(T, "mynumber"), "98765432101x", &v, &e), 0);
    ck_assert_ptr_null(strstr(e.msg, "9876"));
    forms_value_release(&v);
}
END_TEST

START_TEST(kana_values)
{
    const char *T = "ninshin_todoke";

    ok(T, "mother_kana", "ヤマダ ハナコ", "ヤマダ\u3000ハナコ");
    ok(T, "mother_kana", "やまだ　はなこ", "ヤマダ\u3000ハナコ");
    ok(T, "mother_kana", "ﾔﾏﾀﾞ", "ヤマダ");
    ok(T, "mother_kana", "  スズキ  ", "スズキ");
    ok(T, "mother_kana", "ユウコー", "ユウコー");
    bad(T, "mother_kana", "山田", "フリガナ: カタカナで記入してください");
    bad(T, "mother_kana", "yamada", "カタカナで記入してください");
    bad(T, "mother_kana", "ヤマダ1", "カタカナで記入してください");
    /* 16 cells */
    ok(T, "mother_kana", "アイウエオカキクケコサシスセソタ", "アイウエオカキクケコサシスセソタ");
    bad(T, "mother_kana", "アイウエオカキクケコサシスセソタチ", "フリガナ: 16 文字以内");
    bad(T, "mother_kana", "   ", "フリガナ: 必須項目です");
}
END_TEST

START_TEST(text_values)
{
    const char *T = "ninshin_todoke";

    ok(T, "mother_name", "山田　花子", "山田 花子");
    ok(T, "mother_name", " 髙橋 ", "髙橋");
    bad(T, "mother_name", "山田\x01花子", "氏名: 文字が不正です");
    bad(T, "mother_name", "\xff\xfe", "氏名: 文字が不正です");
    bad(T, "mother_name", "", "氏名: 必須項目です");
    /* max_len 40 */
    bad(T, "mother_name", "あいうえおかきくけこあいうえおかきくけこあいうえおかきくけこあいうえおかきくけこあ",
        "40 文字以内");
    ok("nyuyoji_4m", "child_name", "山田 太郎", "山田 太郎");
    ok("nyuyoji_4m", "child_name", "", NULL);
}
END_TEST

START_TEST(digits_values)
{
    const char *T = "ninshin_todoke";

    ok(T, "weeks", "12", "12");
    ok(T, "weeks", "8", "8");
    ok(T, "weeks", "０８", "08");
    ok(T, "weeks", "0", "0");
    bad(T, "weeks", "46", "妊娠週数: 0〜45週 の範囲で記入してください");
    bad(T, "weeks", "1a", "妊娠週数: 数字以外の文字があります");
    bad(T, "weeks", "-1", "数字以外の文字があります");
    bad(T, "weeks", "123", "妊娠週数: 2 桁以下でなければなりません");
    bad(T, "weeks", "1 2", "数字以外の文字があります");
    ok(T, "phone", "0312345678", "0312345678");
    ok(T, "phone", "09012345678", "09012345678");
    bad(T, "phone", "031234567", "電話番号: 10 桁以上でなければなりません");
    bad(T, "phone", "090123456789", "電話番号: 11 桁以下でなければなりません");
    ok("ninpu_jushinken", "clinic_code", "1310012345", "1310012345");
    bad("ninpu_jushinken", "clinic_code", "131001234", "医療機関コード: 10 桁でなければなりません");
    ok("ninpu_jushinken", "seikyu", "5040", "5040");
    ok("ninpu_jushinken", "seikyu", "0", "0");
    bad("ninpu_jushinken", "seikyu", "250000", "請求額: 0〜200000円 の範囲で記入してください");
    bad("ninpu_jushinken", "weeks", "3", "妊娠週数: 4〜42週 の範囲");
}
END_TEST

START_TEST(number_values)
{
    const char *T = "nyuyoji_4m";
    struct forms_value v;
    struct berr e = { 0 };

    /* 体重 kg: 4 cells, 2 decimals, 3..12 */
    ok(T, "weight", "6.54", "6.54");
    ok(T, "weight", "654", "6.54");
    ok(T, "weight", "0654", "6.54");
    ok(T, "weight", "6.5", "6.50");
    ok(T, "weight", "6.", "6.00");
    ok(T, "weight", "３．２１", "3.21");
    ok(T, "weight", "12.00", "12.00");
    bad(T, "weight", "6.543", "体重: 小数点以下は 2 桁までです");
    bad(T, "weight", "12.01", "体重: 3.00〜12.00kg の範囲で記入してください");
    bad(T, "weight", "2.99", "3.00〜12.00kg");
    bad(T, "weight", "65432", "体重: 桁が多すぎます");
    bad(T, "weight", "123.4", "体重: 整数部は 2 桁までです");
    bad(T, "weight", "6,54", "体重: 数値が不正です");
    bad(T, "weight", "6.5.4", "数値が不正です");
    bad(T, "weight", "", "体重: 必須項目です");
    /* 身長 cm: 4 cells, 1 decimal, 50..80 */
    ok(T, "height", "62.3", "62.3");
    ok(T, "height", "623", "62.3");
    bad(T, "height", "1234", "身長: 50.0〜80.0cm の範囲");
    /* the scaled value */
    forms_value_init(&v);
    ck_assert_int_eq(forms_value_parse(field(T, "weight"), "7.05", &v, &e), 0);
    ck_assert_int_eq(v.scaled, 705);
    ck_assert_int_eq(forms_value_parse(field(T, "head"), "41.5", &v, &e), 0);
    ck_assert_int_eq(v.scaled, 415);
    ck_assert_str_eq(v.text, "41.5");
    forms_value_release(&v);
}
END_TEST

START_TEST(choice_multi_check_values)
{
    const char *T = "nyuyoji_1y6m";
    struct forms_value v;
    struct berr e = { 0 };

    ok(T, "sogo_hantei", "yoseimitsu", "yoseimitsu");
    ok(T, "sogo_hantei", " ijonashi ", "ijonashi");
    bad(T, "sogo_hantei", "要精密", "総合判定: 選択肢「要精密」はありません");
    bad(T, "sogo_hantei", "ijonashi,yoseimitsu", "総合判定: 選べるのは 1 つだけです");
    bad(T, "sogo_hantei", "", "総合判定: 必須項目です");
    ok(T, "kinyusha", "", NULL);
    ok(T, "seimitsu_target", "me,shintai", "shintai,me");
    ok(T, "seimitsu_target", "me, me ,", "me");
    ok(T, "seimitsu_target", "", NULL);
    bad(T, "seimitsu_target", "me,ashi", "精密検査: 選択肢「ashi」はありません");
    forms_value_init(&v);
    ck_assert_int_eq(forms_value_parse(field(T, "seimitsu_target"), "sonota,shintai", &v, &e), 0);
    ck_assert_uint_eq(v.options, (1u << 0) | (1u << 4));
    forms_value_release(&v);
    /* check and presence are "1"/"0" */
    ok(T, "shoken_memo", "1", "1");
    forms_value_init(&v);
    ck_assert_int_eq(forms_value_parse(field(T, "shoken_memo"), "0", &v, &e), 0);
    ck_assert(!v.present);
    ck_assert_str_eq(v.text, "0");
    ck_assert_int_eq(forms_value_parse(field(T, "shoken_memo"), "", &v, &e), 0);
    ck_assert(!v.present);
    ck_assert_ptr_null(v.text);
    forms_value_release(&v);
    bad(T, "shoken_memo", "2", "所見の記載: 1 か 0 でなければなりません");
    bad(T, "ishi", "0", "医師: 必須項目です");
    ok(T, "ishi", "1", "1");
}
END_TEST

/* ---- rules ----------------------------------------------------------- */

struct sheet {
    const struct forms_form *f;
    const char **raw;
    struct forms_value *v;
};

static void sheet_open(struct sheet *s, const char *id)
{
    s->f = form(id);
    s->raw = xcalloc(s->f->n_fields, sizeof(*s->raw));
    s->v = xcalloc(s->f->n_fields, sizeof(*s->v));
    for (size_t i = 0; i < s->f->n_fields; i++)
        forms_value_init(&s->v[i]);
}

static void sheet_set(struct sheet *s, const char *name, const char *raw)
{
    int i = forms_field_index(s->f, name);

    ck_assert_msg(i >= 0, "no field %s", name);
    s->raw[i] = raw;
}

static int sheet_validate(struct sheet *s, struct berr *e)
{
    berr_clear(e);
    return forms_validate(s->f, s->raw, s->v, e);
}

static void sheet_close(struct sheet *s)
{
    for (size_t i = 0; i < s->f->n_fields; i++)
        forms_value_release(&s->v[i]);
    free(s->v);
    free(s->raw);
}

static void todoke_sheet(struct sheet *s)
{
    sheet_open(s, "ninshin_todoke");
    sheet_set(s, "todoke_date", "R6.4.1");
    sheet_set(s, "mother_name", "山田 花子");
    sheet_set(s, "mother_kana", "ヤマダ ハナコ");
    sheet_set(s, "birth_date", "H4.7.15");
    sheet_set(s, "address", "神戸市中央区加納町6丁目5番1号");
    sheet_set(s, "weeks", "10");
    /* 2024-04-01 + 280 − 70 = 2024-10-28 */
    sheet_set(s, "due_date", "R6.10.28");
    sheet_set(s, "diagnosed_by", "ishi");
}

START_TEST(rule_due_date)
{
    struct sheet s;
    struct berr e = { 0 };

    todoke_sheet(&s);
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    sheet_set(&s, "due_date", "R6.11.11");     /* +14 days: still consistent */
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    sheet_set(&s, "due_date", "R6.10.14");     /* −14 */
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    sheet_set(&s, "due_date", "R6.11.12");     /* +15 */
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "分娩予定日: 届出年月日と妊娠週数から見込まれる日 (令和6年10月28日) "
                            "と 15 日ずれています (±14 日まで)");
    sheet_set(&s, "due_date", "R6.10.28");
    sheet_set(&s, "weeks", "20");              /* 10 weeks off */
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "70 日ずれています") != NULL, "%s", e.msg);
    /* a blank input: the rule stays quiet, the required field speaks */
    sheet_set(&s, "weeks", NULL);
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "妊娠週数: 必須項目です");
    sheet_close(&s);
}
END_TEST

START_TEST(rule_dates_and_age)
{
    struct sheet s;
    struct berr e = { 0 };

    todoke_sheet(&s);
    sheet_set(&s, "birth_date", "R1.5.1");      /* 4 years old at 届出 */
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "生年月日: 届出年月日の時点で 4 歳です (10〜60 歳の範囲外)");
    sheet_set(&s, "birth_date", "R6.5.1");      /* after 届出: order and age */
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "届出年月日: 生年月日より前の日付になっています") != NULL, "%s",
                  e.msg);
    sheet_set(&s, "birth_date", "S55.1.1");
    sheet_set(&s, "weeks", "0");
    sheet_set(&s, "due_date", "R6.3.1");        /* before 届出 */
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "分娩予定日: 届出年月日より前の日付になっています") != NULL,
                  "%s", e.msg);
    sheet_close(&s);
}
END_TEST

START_TEST(rule_requires_and_only_if)
{
    struct sheet s;
    struct berr e = { 0 };

    sheet_open(&s, "nyuyoji_3y");
    sheet_set(&s, "sodatenikusa", "kanjinai");
    sheet_set(&s, "yuttari", "hai");
    sheet_set(&s, "chiiki", "sou");
    sheet_set(&s, "jisshi_date", "R6.6.12");
    sheet_set(&s, "height", "95.2");
    sheet_set(&s, "weight", "14.30");
    sheet_set(&s, "head", "49.0");
    sheet_set(&s, "shoken", "nashi");
    sheet_set(&s, "mushiba", "0");
    sheet_set(&s, "ishi", "1");
    sheet_set(&s, "sogo_hantei", "ijonashi");
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);

    sheet_set(&s, "sogo_hantei", "yoseimitsu");
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "精密検査: 総合判定が「要精密」のときは記入が必要です");
    sheet_set(&s, "seimitsu_target", "me");
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    sheet_set(&s, "sogo_hantei", "yokansatsu");
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "精密検査: 総合判定が「要精密」のときだけ記入します");
    sheet_set(&s, "seimitsu_target", NULL);

    /* smoking: あり needs 本数, 本数 only with あり */
    sheet_set(&s, "smoke_father", "ari");
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "父の喫煙本数: 父の喫煙が「あり」のときは記入が必要です");
    sheet_set(&s, "smoke_father_count", "10");
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    sheet_set(&s, "smoke_father", "nashi");
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "父の喫煙本数: 父の喫煙が「あり」のときだけ記入します");
    sheet_set(&s, "smoke_father", NULL);
    sheet_set(&s, "smoke_father_count", NULL);

    /* a rule with two values in its condition */
    sheet_set(&s, "sodatenikusa_taisho", "hai");
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "育てにくさへの対処: 育てにくさが「いつも感じる」か「時々感じる」"
                            "のときだけ記入します");
    sheet_set(&s, "sodatenikusa", "tokidoki");
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    sheet_close(&s);
}
END_TEST

START_TEST(rule_exclusive_and_report)
{
    struct sheet s;
    struct berr e = { 0 };
    const struct forms_form *f;
    size_t i;

    sheet_open(&s, "seimitsu_houkoku");
    sheet_set(&s, "jushin_date", "R6.7.1");
    sheet_set(&s, "shindan", "ijonashi");
    sheet_set(&s, "iryokikan", "1");
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    sheet_set(&s, "shindan", "chiryochu");
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "所見: 診断が「要経過観察」か「要治療」か「治療中」のときは記入が必要です");
    ck_assert_int_eq(forms_rule_check(s.f, 0, s.v, &e), BERR_INVALID);
    ck_assert_int_eq(forms_rule_check(s.f, 1, s.v, &e), BERR_NOTFOUND);
    sheet_set(&s, "shoken", "1");
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(forms_rule_check(s.f, 0, s.v, &e), 0);
    sheet_close(&s);

    sheet_open(&s, "ninshin_todoke");
    f = s.f;
    sheet_set(&s, "kiouki", "nashi,koketsuatsu");
    ck_assert_int_eq(forms_value_parse(forms_field_find(f, "kiouki"), "nashi,koketsuatsu",
                                       &s.v[forms_field_index(f, "kiouki")], &e), 0);
    for (i = 0; i < f->n_rules; i++) {
        if (f->rules[i].type == FORMS_RULE_EXCLUSIVE)
            break;
    }
    ck_assert_uint_lt(i, f->n_rules);
    ck_assert_int_eq(forms_rule_check(f, i, s.v, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "既往歴: 「なし」と他の選択肢が同時に選ばれています");
    ck_assert_int_eq(forms_value_parse(forms_field_find(f, "kiouki"), "nashi",
                                       &s.v[forms_field_index(f, "kiouki")], &e), 0);
    ck_assert_int_eq(forms_rule_check(f, i, s.v, &e), 0);
    /* forms_validate lists every problem, fields first, one per line */
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "届出年月日: 必須項目です\n氏名: 必須項目です\n") == e.msg, "%s",
                  e.msg);
    ck_assert_msg(strstr(e.msg, "既往歴: 「なし」と他の選択肢") != NULL, "%s", e.msg);
    sheet_close(&s);
}
END_TEST

START_TEST(jushinken_sheet)
{
    struct sheet s;
    struct berr e = { 0 };

    sheet_open(&s, "ninpu_jushinken");
    sheet_set(&s, "voucher_number", "R6-000123-03");
    sheet_set(&s, "kai", "3");
    sheet_set(&s, "jushin_date", "R6.5.20");
    sheet_set(&s, "weeks", "16");
    sheet_set(&s, "clinic_code", "2810012345");
    sheet_set(&s, "kensa", "kihon,choonpa");
    sheet_set(&s, "seikyu", "5040");
    sheet_set(&s, "stamp", "1");
    ck_assert_msg(sheet_validate(&s, &e) == 0, "%s", e.msg);
    ck_assert_str_eq(s.v[forms_field_index(s.f, "kensa")].text, "kihon,choonpa");
    ck_assert_str_eq(s.v[forms_field_index(s.f, "jushin_date")].text, "2024-05-20");
    sheet_set(&s, "kensa", NULL);
    sheet_set(&s, "stamp", "0");
    ck_assert_int_eq(sheet_validate(&s, &e), BERR_INVALID);
    ck_assert_str_eq(e.msg, "検査項目: 必須項目です\n医療機関 記名押印: 必須項目です");
    sheet_close(&s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("forms");
    TCase *defs = tcase_create("definitions");
    TCase *values = tcase_create("values");
    TCase *rules = tcase_create("rules");

    tcase_add_unchecked_fixture(defs, load_registry, free_registry);
    tcase_add_test(defs, shipped_defs_load);
    tcase_add_test(defs, shipped_defs_shape);
    tcase_add_test(defs, checkup_10m_and_dental_defs);
    tcase_add_test(defs, bad_defs_rejected);
    tcase_add_test(defs, bad_defs_paired);
    tcase_add_test(defs, registry_checks_file_names);
    suite_add_tcase(s, defs);

    tcase_add_unchecked_fixture(values, load_registry, free_registry);
    tcase_add_test(values, dates_wareki_edges);
    tcase_add_test(values, dates_from_parts);
    tcase_add_test(values, mynumber_values);
    tcase_add_test(values, kana_values);
    tcase_add_test(values, text_values);
    tcase_add_test(values, digits_values);
    tcase_add_test(values, number_values);
    tcase_add_test(values, choice_multi_check_values);
    suite_add_tcase(s, values);

    tcase_add_unchecked_fixture(rules, load_registry, free_registry);
    tcase_add_test(rules, rule_due_date);
    tcase_add_test(rules, rule_dates_and_age);
    tcase_add_test(rules, rule_requires_and_only_if);
    tcase_add_test(rules, rule_exclusive_and_report);
    tcase_add_test(rules, jushinken_sheet);
    suite_add_tcase(s, rules);

    return tl_main(s);
}
