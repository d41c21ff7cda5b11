/*
 * def.c: loading form definitions (JSON) into struct forms_form, checking
 * them (kinds, names, geometry, rules), and the registry of forms.
 *
 * A definition is read in two passes: parse() turns JSON into the model,
 * noting every problem it can; then check_geometry() looks at all boxes
 * together.  Problems are collected (one line each, "path: ...") so an
 * author sees them all at once; any problem means the form is not loaded.
 *
 * Not for: values (value.c) or drawing (reports/).
 */
#include "forms/forms.h"

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROBLEMS 40

struct loader {
    const char *path;
    struct buf problems;
    int n;
};

static void problem(struct loader *L, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void problem(struct loader *L, const char *fmt, ...)
{
    va_list ap;

    L->n++;
    if (L->n > MAX_PROBLEMS)
        return;
    buf_addf(&L->problems, "%s: ", L->path);
    va_start(ap, fmt);
    buf_vaddf(&L->problems, fmt, ap);
    va_end(ap);
    buf_addc(&L->problems, '\n');
}

/* ---- tables ---------------------------------------------------------- */

enum kind_flags {
    K_BOX = 1 << 0,        /* needs "box" */
    K_CELLS = 1 << 1,      /* needs "cells" (a comb) */
    K_CELLS_OK = 1 << 2,   /* may have "cells" */
    K_OPTIONS = 1 << 3,    /* needs "options" */
    K_DATE = 1 << 4,       /* "parts" and "options" or "era" */
    K_RANGE = 1 << 5,      /* may have "min"/"max" */
    K_LEN = 1 << 6,        /* may have "min_len"/"max_len" */
    K_SOURCE = 1 << 7,     /* needs "source" */
};

static const struct kind_info {
    const char *name;
    unsigned flags;
} kinds[FORMS_KIND_COUNT] = {
    [FORMS_CHECK] = { "check", K_BOX },
    [FORMS_CHOICE] = { "choice", K_OPTIONS },
    [FORMS_MULTI] = { "multi", K_OPTIONS },
    [FORMS_DIGITS] = { "digits", K_BOX | K_CELLS | K_RANGE | K_LEN },
    [FORMS_NUMBER] = { "number", K_BOX | K_CELLS | K_RANGE },
    [FORMS_DATE] = { "date", K_DATE },
    [FORMS_KANA] = { "kana", K_BOX | K_CELLS_OK | K_LEN },
    [FORMS_TEXT] = { "text", K_BOX | K_LEN },
    [FORMS_MYNUMBER] = { "mynumber", K_BOX | K_CELLS },
    [FORMS_PRINTED] = { "printed", K_BOX | K_SOURCE },
    [FORMS_PRESENCE] = { "presence", K_BOX },
};

/* What boshi can print into a `printed` field (reports/ fills them). */
static const char *const printed_sources[] = {
    "subject.name", "subject.kana", "subject.birth", "subject.address",
    "issue.jushin_no", "issue.checkup_date", "issue.venue",
    "voucher.number", "voucher.kai",
};

static const struct rule_info {
    const char *name;
    enum forms_rule_type type;
    int n_fields;          /* exact count in "fields"; -1: 2 or more; 0: none */
} rule_infos[FORMS_RULE_COUNT] = {
    { "due_date_consistent", FORMS_RULE_DUE_DATE, 3 },
    { "requires_if", FORMS_RULE_REQUIRES_IF, 0 },
    { "only_if", FORMS_RULE_ONLY_IF, 0 },
    { "exclusive_option", FORMS_RULE_EXCLUSIVE, 0 },
    { "date_order", FORMS_RULE_DATE_ORDER, -1 },
    { "age_range", FORMS_RULE_AGE_RANGE, 2 },
};

static const struct paper {
    const char *name;
    double w, h;
} papers[] = {
    { "A4", 210, 297 },
    { "A5", 148, 210 },
    { "B5", 182, 257 },
};

static const char *const form_keys[] = {
    "form", "version", "title", "paper", "pages", "page_titles", "title_box",
    "marks", "qr", "fields", "rules", "description", NULL,
};
static const char *const field_keys[] = {
    "name", "label", "kind", "page", "box", "cells", "required", "min", "max",
    "decimals", "min_len", "max_len", "pattern", "options", "column", "source",
    "unit", "label_box", "era", "parts", "question", "note", "from_master", NULL,
};
static const char *const option_keys[] = { "value", "label", "box", "label_box", NULL };
static const char *const part_keys[] = { "box", "cells", NULL };
static const char *const parts_keys[] = { "year", "month", "day", NULL };
static const char *const rule_keys[] = {
    "rule", "fields", "if", "then", "field", "option", "min", "max",
    "tolerance_days", "note", NULL,
};

const char *forms_kind_name(enum forms_kind k)
{
    if ((int)k < 0 || k >= FORMS_KIND_COUNT)
        return NULL;
    return kinds[k].name;
}

/* ---- small JSON helpers ---------------------------------------------- */

static void check_keys(struct loader *L, json_t *obj, const char *const *allowed,
                       const char *where)
{
    const char *key;
    json_t *v;

    json_object_foreach(obj, key, v) {
        int ok = 0;
        for (size_t i = 0; allowed[i] != NULL; i++) {
            if (strcmp(key, allowed[i]) == 0) {
                ok = 1;
                break;
            }
        }
        if (!ok)
            problem(L, "%s: 不明なキー \"%s\"", where, key);
    }
}

/* A non-empty string member, or NULL (with a problem if required). */
static const char *get_str(struct loader *L, json_t *obj, const char *key, int required,
                           const char *where)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL) {
        if (required)
            problem(L, "%s: \"%s\" がありません", where, key);
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        problem(L, "%s: \"%s\" は空でない文字列でなければなりません", where, key);
        return NULL;
    }
    return json_string_value(v);
}

static char *dup_or_null(const char *s)
{
    return s == NULL ? NULL : xstrdup(s);
}

/* An integer member; returns 1 if present and valid. */
static int get_int(struct loader *L, json_t *obj, const char *key, int *out,
                   const char *where)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < -1000000 ||
        json_integer_value(v) > 1000000) {
        problem(L, "%s: \"%s\" は整数でなければなりません", where, key);
        return 0;
    }
    *out = (int)json_integer_value(v);
    return 1;
}

static int get_num(struct loader *L, json_t *obj, const char *key, double *out,
                   const char *where)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL)
        return 0;
    if (!json_is_number(v)) {
        problem(L, "%s: \"%s\" は数値でなければなりません", where, key);
        return 0;
    }
    *out = json_number_value(v);
    return 1;
}

static int parse_box_value(struct loader *L, json_t *v, struct forms_box *out,
                           const char *where, const char *key)
{
    double a[4];

    if (!json_is_array(v) || json_array_size(v) != 4) {
        problem(L, "%s: \"%s\" は [x, y, w, h] (mm) でなければなりません", where, key);
        return 0;
    }
    for (size_t i = 0; i < 4; i++) {
        json_t *n = json_array_get(v, i);
        if (!json_is_number(n)) {
            problem(L, "%s: \"%s\" は [x, y, w, h] (mm) でなければなりません", where, key);
            return 0;
        }
        a[i] = json_number_value(n);
    }
    if (a[2] <= 0 || a[3] <= 0) {
        problem(L, "%s: \"%s\" の幅と高さは正でなければなりません", where, key);
        return 0;
    }
    out->x = a[0];
    out->y = a[1];
    out->w = a[2];
    out->h = a[3];
    return 1;
}

static int get_box(struct loader *L, json_t *obj, const char *key, int required,
                   struct forms_box *out, const char *where)
{
    json_t *v = json_object_get(obj, key);

    if (v == NULL) {
        if (required)
            problem(L, "%s: \"%s\" がありません", where, key);
        return 0;
    }
    return parse_box_value(L, v, out, where, key);
}

static int is_snake_name(const char *s)
{
    if (s[0] < 'a' || s[0] > 'z')
        return 0;
    for (const char *p = s; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
            return 0;
    }
    return 1;
}

/* "table.column", both snake_case. */
static int is_column_name(const char *s)
{
    const char *dot = strchr(s, '.');
    char *table;
    int ok;

    if (dot == NULL || dot == s)
        return 0;
    table = xstrndup(s, (size_t)(dot - s));
    ok = is_snake_name(table) && dot[1] != '\0' && is_snake_name(dot + 1);
    free(table);
    return ok;
}

/* ---- fields ---------------------------------------------------------- */

static void field_release(struct forms_field *f)
{
    free(f->name);
    free(f->label);
    free(f->question);
    for (size_t i = 0; i < f->n_options; i++) {
        free(f->options[i].value);
        free(f->options[i].label);
    }
    free(f->options);
    free(f->pattern);
    if (f->pattern_re != NULL) {
        regfree(f->pattern_re);
        free(f->pattern_re);
    }
    free(f->unit);
    free(f->column);
    free(f->source);
}

static enum jp_era era_of_letter(const char *s)
{
    for (int i = 0; i < ERA_COUNT; i++) {
        if (strcmp(s, jp_era_letter((enum jp_era)i)) == 0)
            return (enum jp_era)i;
    }
    return ERA_NONE;
}

static void parse_options(struct loader *L, json_t *jf, struct forms_field *f,
                          const char *where)
{
    json_t *arr = json_object_get(jf, "options");
    char ctx[512];

    if (arr == NULL)
        return;
    if (!json_is_array(arr)) {
        problem(L, "%s: \"options\" は配列でなければなりません", where);
        return;
    }
    if (json_array_size(arr) > FORMS_MAX_OPTIONS) {
        problem(L, "%s: 選択肢が多すぎます (最大 %d)", where, FORMS_MAX_OPTIONS);
        return;
    }
    f->options = xcalloc(json_array_size(arr) ? json_array_size(arr) : 1,
                         sizeof(*f->options));
    for (size_t i = 0; i < json_array_size(arr); i++) {
        json_t *jo = json_array_get(arr, i);
        struct forms_option *o = &f->options[f->n_options];
        const char *value, *label;

        snprintf(ctx, sizeof(ctx), "%.200s: 選択肢 %zu", where, i + 1);
        if (!json_is_object(jo)) {
            problem(L, "%s: オブジェクトでなければなりません", ctx);
            continue;
        }
        check_keys(L, jo, option_keys, ctx);
        value = get_str(L, jo, "value", 1, ctx);
        label = get_str(L, jo, "label", 1, ctx);
        if (value == NULL || label == NULL)
            continue;
        snprintf(ctx, sizeof(ctx), "%.200s: 選択肢 %.100s", where, value);
        if (strchr(value, ',') != NULL || strchr(value, '|') != NULL ||
            strchr(value, '=') != NULL) {
            problem(L, "%s: 値に , | = は使えません", ctx);
            continue;
        }
        for (size_t j = 0; j < f->n_options; j++) {
            if (strcmp(f->options[j].value, value) == 0)
                problem(L, "%s: 値が重複しています", ctx);
        }
        if (!get_box(L, jo, "box", 1, &o->box, ctx))
            continue;
        o->has_label_box = get_box(L, jo, "label_box", 0, &o->label_box, ctx);
        o->value = xstrdup(value);
        o->label = xstrdup(label);
        f->n_options++;
    }
}

static int parse_comb(struct loader *L, json_t *obj, struct forms_comb *c, const char *where)
{
    if (!json_is_object(obj)) {
        problem(L, "%s: オブジェクトでなければなりません", where);
        return 0;
    }
    check_keys(L, obj, part_keys, where);
    if (!get_box(L, obj, "box", 1, &c->box, where))
        return 0;
    if (!get_int(L, obj, "cells", &c->cells, where) || c->cells < 1) {
        problem(L, "%s: コマ枠に \"cells\" (1 以上) がありません", where);
        return 0;
    }
    return 1;
}

static void parse_date(struct loader *L, json_t *jf, struct forms_field *f, const char *where)
{
    json_t *parts = json_object_get(jf, "parts");
    const char *era = get_str(L, jf, "era", 0, where);
    char ctx[512];

    if (era != NULL && f->n_options > 0)
        problem(L, "%s: \"era\" と \"options\" は同時に指定できません", where);
    if (era == NULL && f->n_options == 0)
        problem(L, "%s: 日付には元号の \"options\" か印字の \"era\" が必要です", where);
    if (era != NULL) {
        f->era_fixed = era_of_letter(era);
        if (f->era_fixed == ERA_NONE)
            problem(L, "%s: 元号 \"%s\" は不明です (M T S H R)", where, era);
    }
    for (size_t i = 0; i < f->n_options; i++) {
        if (era_of_letter(f->options[i].value) == ERA_NONE)
            problem(L, "%s: 元号の選択肢 \"%s\" は不明です (M T S H R)", where,
                    f->options[i].value);
    }
    if (parts == NULL || !json_is_object(parts)) {
        problem(L, "%s: 日付に \"parts\" (year, month, day) がありません", where);
        return;
    }
    check_keys(L, parts, parts_keys, where);
    struct { const char *key; struct forms_comb *c; } p[] = {
        { "year", &f->year }, { "month", &f->month }, { "day", &f->day },
    };
    for (size_t i = 0; i < 3; i++) {
        json_t *jp = json_object_get(parts, p[i].key);
        snprintf(ctx, sizeof(ctx), "%.200s: %s", where, p[i].key);
        if (jp == NULL) {
            problem(L, "%s: 日付の \"parts\" に \"%s\" がありません", where, p[i].key);
            continue;
        }
        if (parse_comb(L, jp, p[i].c, ctx) && p[i].c->cells != 2)
            problem(L, "%s: 年月日のコマ枠は 2 桁です", ctx);
    }
}

static int known_source(const char *s)
{
    for (size_t i = 0; i < sizeof(printed_sources) / sizeof(printed_sources[0]); i++) {
        if (strcmp(s, printed_sources[i]) == 0)
            return 1;
    }
    return 0;
}

static void parse_field(struct loader *L, json_t *jf, size_t idx, int pages,
                        struct forms_field *f)
{
    char where[256];
    const char *name, *label, *kind, *s;
    const struct kind_info *ki = NULL;
    json_t *req;

    f->era_fixed = ERA_NONE;
    snprintf(where, sizeof(where), "項目 %zu", idx + 1);
    if (!json_is_object(jf)) {
        problem(L, "%s: オブジェクトでなければなりません", where);
        return;
    }
    name = get_str(L, jf, "name", 1, where);
    if (name != NULL) {
        snprintf(where, sizeof(where), "項目 %.200s", name);
        if (!is_snake_name(name))
            problem(L, "%s: 名前は英小文字・数字・_ (snake_case) で書きます", where);
        f->name = xstrdup(name);
    }
    check_keys(L, jf, field_keys, where);
    label = get_str(L, jf, "label", 1, where);
    f->label = dup_or_null(label);
    f->question = dup_or_null(get_str(L, jf, "question", 0, where));
    kind = get_str(L, jf, "kind", 1, where);
    if (kind != NULL) {
        for (int k = 0; k < FORMS_KIND_COUNT; k++) {
            if (strcmp(kind, kinds[k].name) == 0) {
                f->kind = (enum forms_kind)k;
                ki = &kinds[k];
            }
        }
        if (ki == NULL)
            problem(L, "%s: 不明な種類 (kind) \"%s\"", where, kind);
    }
    if (!get_int(L, jf, "page", &f->page, where)) {
        problem(L, "%s: \"page\" がありません", where);
    } else if (f->page < 1 || f->page > pages) {
        problem(L, "%s: page %d は 1..%d の範囲外です", where, f->page, pages);
    }
    req = json_object_get(jf, "required");
    if (req != NULL && !json_is_boolean(req))
        problem(L, "%s: \"required\" は true か false です", where);
    f->required = req != NULL && json_is_true(req);
    req = json_object_get(jf, "from_master");
    if (req != NULL && !json_is_boolean(req))
        problem(L, "%s: \"from_master\" は true か false です", where);
    f->from_master = req != NULL && json_is_true(req);
    f->column = dup_or_null(get_str(L, jf, "column", 0, where));
    if (f->column != NULL && !is_column_name(f->column))
        problem(L, "%s: column \"%s\" は table.column の形で書きます", where, f->column);
    f->unit = dup_or_null(get_str(L, jf, "unit", 0, where));
    f->has_label_box = get_box(L, jf, "label_box", 0, &f->label_box, where);
    parse_options(L, jf, f, where);
    if (ki == NULL)
        return;

    /* what each kind needs and allows */
    f->has_box = get_box(L, jf, "box", (ki->flags & K_BOX) != 0, &f->box, where);
    if (f->has_box && !(ki->flags & K_BOX))
        problem(L, "%s: %s には \"box\" ではなく選択肢や部分の枠を使います", where, kind);
    if (get_int(L, jf, "cells", &f->cells, where)) {
        if (!(ki->flags & (K_CELLS | K_CELLS_OK)))
            problem(L, "%s: %s に \"cells\" は使えません", where, kind);
        else if (f->cells < 1)
            problem(L, "%s: \"cells\" は 1 以上です", where);
    }
    if ((ki->flags & K_CELLS) && f->cells < 1)
        problem(L, "%s: コマ枠 (%s) に \"cells\" がありません", where, kind);
    if (f->cells > 0 && f->has_box && f->box.w / f->cells < 4.0)
        problem(L, "%s: コマの幅 %.1f mm は狭すぎます (4 mm 以上)", where,
                f->box.w / f->cells);
    if (f->kind == FORMS_MYNUMBER && f->cells > 0 && f->cells != 12)
        problem(L, "%s: 個人番号は 12 コマです", where);
    if (ki->flags & K_OPTIONS) {
        if (f->n_options == 0 && json_object_get(jf, "options") == NULL)
            problem(L, "%s: %s に \"options\" がありません", where, kind);
        else if (f->kind == FORMS_CHOICE && json_array_size(json_object_get(jf, "options")) < 2)
            problem(L, "%s: choice の選択肢は 2 つ以上です", where);
    } else if (!(ki->flags & K_DATE) && json_object_get(jf, "options") != NULL) {
        problem(L, "%s: %s に \"options\" は使えません", where, kind);
    }
    if (ki->flags & K_DATE)
        parse_date(L, jf, f, where);
    else if (json_object_get(jf, "parts") != NULL || json_object_get(jf, "era") != NULL)
        problem(L, "%s: \"parts\" と \"era\" は date だけのものです", where);

    f->has_min = get_num(L, jf, "min", &f->min, where);
    f->has_max = get_num(L, jf, "max", &f->max, where);
    if ((f->has_min || f->has_max) && !(ki->flags & K_RANGE))
        problem(L, "%s: %s に \"min\"/\"max\" は使えません", where, kind);
    if (f->has_min && f->has_max && f->min > f->max)
        problem(L, "%s: min が max より大きいです", where);
    if (get_int(L, jf, "decimals", &f->decimals, where)) {
        if (f->kind != FORMS_NUMBER)
            problem(L, "%s: \"decimals\" は number だけのものです", where);
        else if (f->decimals < 0 || (f->cells > 0 && f->decimals >= f->cells))
            problem(L, "%s: decimals %d はコマ数 %d に合いません", where, f->decimals, f->cells);
    } else if (f->kind == FORMS_NUMBER) {
        problem(L, "%s: number に \"decimals\" がありません", where);
    }
    get_int(L, jf, "min_len", &f->min_len, where);
    get_int(L, jf, "max_len", &f->max_len, where);
    if ((f->min_len || f->max_len) && !(ki->flags & K_LEN))
        problem(L, "%s: %s に \"min_len\"/\"max_len\" は使えません", where, kind);
    if (f->min_len < 0 || f->max_len < 0 || (f->max_len && f->min_len > f->max_len))
        problem(L, "%s: min_len/max_len が不正です", where);
    if (f->cells > 0 && (f->kind == FORMS_DIGITS || f->kind == FORMS_KANA)) {
        if (f->max_len == 0 || f->max_len > f->cells)
            f->max_len = f->cells;
        if (f->min_len > f->cells)
            problem(L, "%s: min_len %d がコマ数 %d を超えています", where, f->min_len, f->cells);
    }

    s = get_str(L, jf, "pattern", 0, where);
    if (s != NULL) {
        regex_t *re = xmalloc(sizeof(*re));
        if (regcomp(re, s, REG_EXTENDED | REG_NOSUB) != 0) {
            problem(L, "%s: pattern \"%s\" は正規表現 (POSIX ERE) として不正です", where, s);
            free(re);
        } else {
            f->pattern = xstrdup(s);
            f->pattern_re = re;
        }
    }
    s = get_str(L, jf, "source", (ki->flags & K_SOURCE) != 0, where);
    if (s != NULL) {
        if (!(ki->flags & K_SOURCE))
            problem(L, "%s: \"source\" は printed だけのものです", where);
        else if (!known_source(s))
            problem(L, "%s: source \"%s\" は不明です", where, s);
        f->source = xstrdup(s);
    }
}

/* ---- rules ----------------------------------------------------------- */

static int find_field(const struct forms_form *form, const char *name)
{
    for (size_t i = 0; i < form->n_fields; i++) {
        if (form->fields[i].name != NULL && strcmp(form->fields[i].name, name) == 0)
            return (int)i;
    }
    return -1;
}

static int rule_field(struct loader *L, const struct forms_form *form, json_t *v,
                      size_t *out, const char *where)
{
    int i;

    if (!json_is_string(v)) {
        problem(L, "%s: 項目名は文字列です", where);
        return 0;
    }
    i = find_field(form, json_string_value(v));
    if (i < 0) {
        problem(L, "%s: 不明な項目 \"%s\"", where, json_string_value(v));
        return 0;
    }
    *out = (size_t)i;
    return 1;
}

/* "field=value|value": options of a choice/multi, or "1" for a check. */
static void rule_condition(struct loader *L, const struct forms_form *form, json_t *jr,
                           struct forms_rule *r, const char *where)
{
    const char *cond = get_str(L, jr, "if", 1, where);
    const char *eq, *p;
    char *name = NULL;
    int fi;
    const struct forms_field *f;

    if (cond == NULL)
        return;
    eq = strchr(cond, '=');
    if (eq == NULL || eq == cond || eq[1] == '\0') {
        problem(L, "%s: \"if\" は \"項目=値|値\" の形です", where);
        return;
    }
    name = xstrndup(cond, (size_t)(eq - cond));
    fi = find_field(form, name);
    if (fi < 0) {
        problem(L, "%s: 不明な項目 \"%s\"", where, name);
        goto cleanup;
    }
    f = &form->fields[fi];
    if (f->kind != FORMS_CHOICE && f->kind != FORMS_MULTI && f->kind != FORMS_CHECK) {
        problem(L, "%s: 条件の項目 %s は check/choice/multi でなければなりません", where, name);
        goto cleanup;
    }
    r->has_if = 1;
    r->if_field = (size_t)fi;
    r->if_text = xstrdup(cond);
    p = eq + 1;
    while (*p) {
        size_t n = strcspn(p, "|");
        char *val = xstrndup(p, n);
        if (f->kind == FORMS_CHECK) {
            if (strcmp(val, "1") == 0)
                r->if_mask |= 1;
            else
                problem(L, "%s: check の条件は \"%s=1\" です", where, name);
        } else {
            int oi = forms_option_find(f, val);
            if (oi < 0)
                problem(L, "%s: 項目 %s に選択肢 \"%s\" はありません", where, name, val);
            else
                r->if_mask |= 1ULL << oi;
        }
        free(val);
        p += n;
        if (*p == '|')
            p++;
    }
cleanup:
    free(name);
}

static void parse_rule(struct loader *L, struct forms_form *form, json_t *jr, size_t idx,
                       struct forms_rule *r)
{
    char where[256];
    const char *name;
    const struct rule_info *ri = NULL;
    json_t *fields;

    snprintf(where, sizeof(where), "規則 %zu", idx + 1);
    if (!json_is_object(jr)) {
        problem(L, "%s: オブジェクトでなければなりません", where);
        return;
    }
    name = get_str(L, jr, "rule", 1, where);
    if (name == NULL)
        return;
    snprintf(where, sizeof(where), "規則 %zu (%.200s)", idx + 1, name);
    check_keys(L, jr, rule_keys, where);
    for (int i = 0; i < FORMS_RULE_COUNT; i++) {
        if (strcmp(name, rule_infos[i].name) == 0)
            ri = &rule_infos[i];
    }
    if (ri == NULL) {
        problem(L, "%s: 不明な規則です", where);
        return;
    }
    r->type = ri->type;
    r->name = ri->name;
    r->tolerance_days = 14;

    fields = json_object_get(jr, "fields");
    if (ri->n_fields != 0) {
        size_t n = json_is_array(fields) ? json_array_size(fields) : 0;
        if (!json_is_array(fields) || (ri->n_fields > 0 && n != (size_t)ri->n_fields) ||
            (ri->n_fields < 0 && (n < 2 || n > 4))) {
            problem(L, "%s: \"fields\" の数が違います", where);
            return;
        }
        for (size_t i = 0; i < n; i++) {
            if (rule_field(L, form, json_array_get(fields, i), &r->fields[i], where))
                r->n_fields++;
        }
        if (r->n_fields != n)
            return;
    } else if (fields != NULL) {
        problem(L, "%s: \"fields\" は使いません", where);
    }

    switch (r->type) {
    case FORMS_RULE_DUE_DATE:
        if (form->fields[r->fields[0]].kind != FORMS_DATE ||
            form->fields[r->fields[1]].kind != FORMS_DIGITS ||
            form->fields[r->fields[2]].kind != FORMS_DATE)
            problem(L, "%s: fields は [届出日 (date), 妊娠週数 (digits), 分娩予定日 (date)] です",
                    where);
        get_int(L, jr, "tolerance_days", &r->tolerance_days, where);
        break;
    case FORMS_RULE_REQUIRES_IF:
    case FORMS_RULE_ONLY_IF: {
        const char *key = r->type == FORMS_RULE_REQUIRES_IF ? "then" : "field";
        json_t *t = json_object_get(jr, key);
        rule_condition(L, form, jr, r, where);
        if (t == NULL)
            problem(L, "%s: \"%s\" がありません", where, key);
        else if (rule_field(L, form, t, &r->fields[0], where))
            r->n_fields = 1;
        break;
    }
    case FORMS_RULE_EXCLUSIVE: {
        json_t *t = json_object_get(jr, "field");
        const char *opt = get_str(L, jr, "option", 1, where);
        if (t == NULL) {
            problem(L, "%s: \"field\" がありません", where);
        } else if (rule_field(L, form, t, &r->fields[0], where)) {
            const struct forms_field *f = &form->fields[r->fields[0]];
            r->n_fields = 1;
            if (f->kind != FORMS_MULTI) {
                problem(L, "%s: 項目 %s は multi でなければなりません", where, f->name);
            } else if (opt != NULL) {
                int oi = forms_option_find(f, opt);
                if (oi < 0)
                    problem(L, "%s: 項目 %s に選択肢 \"%s\" はありません", where, f->name, opt);
                else
                    r->option = (size_t)oi;
            }
        }
        break;
    }
    case FORMS_RULE_DATE_ORDER:
    case FORMS_RULE_AGE_RANGE:
        for (size_t i = 0; i < r->n_fields; i++) {
            if (form->fields[r->fields[i]].kind != FORMS_DATE)
                problem(L, "%s: 項目 %s は date でなければなりません", where,
                        form->fields[r->fields[i]].name);
        }
        if (r->type == FORMS_RULE_AGE_RANGE &&
            (!get_num(L, jr, "min", &r->min, where) || !get_num(L, jr, "max", &r->max, where)))
            problem(L, "%s: \"min\" と \"max\" (年) が必要です", where);
        break;
    case FORMS_RULE_COUNT:
        break;
    }
}

/* ---- geometry -------------------------------------------------------- */

struct placed {
    size_t field;             /* index, or (size_t)-1 for marks/QR/title */
    const char *what;         /* "" for the field's own box, else the part */
    int page;                 /* 0 = every page */
    struct forms_box b;
};

static double gap_between(struct forms_box a, struct forms_box b)
{
    double dx = fmax(0.0, fmax(b.x - (a.x + a.w), a.x - (b.x + b.w)));
    double dy = fmax(0.0, fmax(b.y - (a.y + a.h), a.y - (b.y + b.h)));

    return sqrt(dx * dx + dy * dy);
}

static int overlaps(struct forms_box a, struct forms_box b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

static int inside(struct forms_box outer, struct forms_box b)
{
    const double eps = 1e-9;

    return b.x >= outer.x - eps && b.y >= outer.y - eps &&
           b.x + b.w <= outer.x + outer.w + eps && b.y + b.h <= outer.y + outer.h + eps;
}

static void describe(const struct forms_form *form, const struct placed *p, struct buf *out)
{
    if (p->field == (size_t)-1)
        buf_adds(out, p->what);
    else if (p->what[0] == '\0')
        buf_addf(out, "項目 %s", form->fields[p->field].name);
    else
        buf_addf(out, "項目 %s (%s)", form->fields[p->field].name, p->what);
}

static void add_placed(struct placed **v, size_t *n, size_t *alloc, struct placed p)
{
    if (*n == *alloc) {
        *alloc = *alloc ? *alloc * 2 : 64;
        *v = xrealloc(*v, *alloc * sizeof(**v));
    }
    (*v)[(*n)++] = p;
}

/*
 * Collects the boxes (things scanned) and the label boxes (things printed)
 * of every field.  Option and date part descriptions point into the form.
 */
static void collect(const struct forms_form *form, struct placed **boxes, size_t *nb,
                    size_t *ab, struct placed **labels, size_t *nl, size_t *al)
{
    for (size_t i = 0; i < form->n_fields; i++) {
        const struct forms_field *f = &form->fields[i];
        if (f->has_box)
            add_placed(boxes, nb, ab, (struct placed){ i, "", f->page, f->box });
        if (f->has_label_box)
            add_placed(labels, nl, al, (struct placed){ i, "ラベル", f->page, f->label_box });
        for (size_t k = 0; k < f->n_options; k++) {
            const struct forms_option *o = &f->options[k];
            add_placed(boxes, nb, ab, (struct placed){ i, o->value, f->page, o->box });
            if (o->has_label_box)
                add_placed(labels, nl, al, (struct placed){ i, o->label, f->page, o->label_box });
        }
        if (f->kind == FORMS_DATE) {
            const struct forms_comb *parts[3] = { &f->year, &f->month, &f->day };
            static const char *const names[3] = { "year", "month", "day" };
            for (size_t k = 0; k < 3; k++) {
                if (parts[k]->cells > 0)
                    add_placed(boxes, nb, ab,
                               (struct placed){ i, names[k], f->page, parts[k]->box });
            }
        }
    }
}

static void check_geometry(struct loader *L, const struct forms_form *form)
{
    struct placed *boxes = NULL, *labels = NULL;
    size_t nb = 0, ab = 0, nl = 0, al = 0, n_fixed;
    struct forms_box page = { 0, 0, form->page_w, form->page_h };
    struct buf d1, d2;

    buf_init(&d1);
    buf_init(&d2);
    /* the fixed furniture of every page comes first */
    for (size_t k = 0; k < 4; k++)
        add_placed(&boxes, &nb, &ab, (struct placed){ (size_t)-1, "位置合わせマーク", 0,
                                                      form->marks[k] });
    add_placed(&boxes, &nb, &ab, (struct placed){ (size_t)-1, "QR", 0, form->qr });
    n_fixed = nb;
    add_placed(&labels, &nl, &al, (struct placed){ (size_t)-1, "表題", 0, form->title_box });
    collect(form, &boxes, &nb, &ab, &labels, &nl, &al);

    for (size_t i = 0; i < nb; i++) {
        const struct placed *p = &boxes[i];
        buf_reset(&d1);
        describe(form, p, &d1);
        if (!inside(page, p->b)) {
            problem(L, "%s: 枠 [%g,%g,%g,%g] が用紙 (%gx%g mm) の外にはみ出しています", d1.s,
                    p->b.x, p->b.y, p->b.w, p->b.h, form->page_w, form->page_h);
            continue;
        }
        if (i >= n_fixed && !inside(form->area, p->b)) {
            problem(L, "%s: 枠 [%g,%g,%g,%g] が位置合わせマークの内側 "
                    "(x %g..%g, y %g..%g) にありません", d1.s, p->b.x, p->b.y, p->b.w, p->b.h,
                    form->area.x, form->area.x + form->area.w, form->area.y,
                    form->area.y + form->area.h);
            continue;
        }
        for (size_t j = 0; j < i; j++) {
            const struct placed *q = &boxes[j];
            double g;
            if (p->page != 0 && q->page != 0 && p->page != q->page)
                continue;
            g = gap_between(p->b, q->b);
            if (g >= FORMS_MIN_GAP_MM - 1e-9)
                continue;
            buf_reset(&d2);
            describe(form, q, &d2);
            if (overlaps(p->b, q->b))
                problem(L, "%s と %s の枠が重なっています", d2.s, d1.s);
            else
                problem(L, "%s と %s の枠の間隔が %.1f mm です (%.0f mm 以上必要)", d2.s,
                        d1.s, g, FORMS_MIN_GAP_MM);
        }
    }
    /* printed text: inside the area, never over a box or another label */
    for (size_t i = 0; i < nl; i++) {
        const struct placed *p = &labels[i];
        buf_reset(&d1);
        describe(form, p, &d1);
        if (!inside(form->area, p->b)) {
            problem(L, "%s: 文字の枠が位置合わせマークの内側にありません", d1.s);
            continue;
        }
        for (size_t j = 0; j < nb; j++) {
            const struct placed *q = &boxes[j];
            if (p->page != 0 && q->page != 0 && p->page != q->page)
                continue;
            if (overlaps(p->b, q->b)) {
                buf_reset(&d2);
                describe(form, q, &d2);
                problem(L, "%s の文字が %s の枠に重なっています", d1.s, d2.s);
            }
        }
        for (size_t j = 0; j < i; j++) {
            const struct placed *q = &labels[j];
            if (p->page != 0 && q->page != 0 && p->page != q->page)
                continue;
            if (overlaps(p->b, q->b)) {
                buf_reset(&d2);
                describe(form, q, &d2);
                problem(L, "%s と %s の文字が重なっています", d2.s, d1.s);
            }
        }
    }
    buf_release(&d1);
    buf_release(&d2);
    free(boxes);
    free(labels);
}

/* ---- the form -------------------------------------------------------- */

void forms_free(struct forms_form **fp)
{
    struct forms_form *f;

    if (fp == NULL || *fp == NULL)
        return;
    f = *fp;
    free(f->id);
    free(f->title);
    free(f->path);
    if (f->page_titles != NULL) {
        for (int i = 0; i < f->pages; i++)
            free(f->page_titles[i]);
        free(f->page_titles);
    }
    for (size_t i = 0; i < f->n_fields; i++)
        field_release(&f->fields[i]);
    free(f->fields);
    for (size_t i = 0; i < f->n_rules; i++)
        free(f->rules[i].if_text);
    free(f->rules);
    free(f);
    *fp = NULL;
}

static void parse_marks(struct loader *L, json_t *root, struct forms_form *form)
{
    json_t *marks = json_object_get(root, "marks");
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;

    if (!json_is_array(marks) || json_array_size(marks) != 4) {
        problem(L, "\"marks\": 位置合わせマークは 4 つの [x, y, w, h] です");
        return;
    }
    for (size_t i = 0; i < 4; i++) {
        struct forms_box *m = &form->marks[i];
        if (!parse_box_value(L, json_array_get(marks, i), m, "位置合わせマーク", "marks"))
            return;
        if (m->x < 15 - 1e-9 || m->y < 15 - 1e-9 || m->x + m->w > form->page_w - 15 + 1e-9 ||
            m->y + m->h > form->page_h - 15 + 1e-9)
            problem(L, "位置合わせマーク %zu: 用紙の端から 15 mm 以上内側に置きます", i + 1);
        x0 = fmin(x0, m->x);
        y0 = fmin(y0, m->y);
        x1 = fmax(x1, m->x + m->w);
        y1 = fmax(y1, m->y + m->h);
    }
    form->area = (struct forms_box){ x0, y0, x1 - x0, y1 - y0 };
}

static void parse_form(struct loader *L, json_t *root, struct forms_form *form)
{
    const char *s;
    json_t *v;

    if (!json_is_object(root)) {
        problem(L, "定義は JSON オブジェクトでなければなりません");
        return;
    }
    check_keys(L, root, form_keys, "定義");
    s = get_str(L, root, "form", 1, "定義");
    if (s != NULL && !is_snake_name(s))
        problem(L, "定義: form \"%s\" は snake_case で書きます", s);
    form->id = dup_or_null(s);
    if (!get_int(L, root, "version", &form->version, "定義") || form->version < 1)
        problem(L, "定義: \"version\" (1 以上の整数) がありません");
    form->title = dup_or_null(get_str(L, root, "title", 1, "定義"));
    s = get_str(L, root, "paper", 1, "定義");
    if (s != NULL) {
        for (size_t i = 0; i < sizeof(papers) / sizeof(papers[0]); i++) {
            if (strcmp(s, papers[i].name) == 0) {
                form->page_w = papers[i].w;
                form->page_h = papers[i].h;
            }
        }
        if (form->page_w == 0)
            problem(L, "定義: 用紙 \"%s\" は不明です", s);
    }
    if (form->page_w == 0) {
        form->page_w = 210;
        form->page_h = 297;
    }
    if (!get_int(L, root, "pages", &form->pages, "定義") || form->pages < 1 || form->pages > 8) {
        problem(L, "定義: \"pages\" (1..8) がありません");
        form->pages = 1;
    }
    v = json_object_get(root, "page_titles");
    form->page_titles = xcalloc((size_t)form->pages, sizeof(char *));
    if (v != NULL) {
        if (!json_is_array(v) || json_array_size(v) != (size_t)form->pages) {
            problem(L, "定義: \"page_titles\" はページ数 %d の文字列の配列です", form->pages);
        } else {
            for (int i = 0; i < form->pages; i++) {
                json_t *t = json_array_get(v, (size_t)i);
                if (json_is_string(t))
                    form->page_titles[i] = xstrdup(json_string_value(t));
                else
                    problem(L, "定義: \"page_titles\" は文字列の配列です");
            }
        }
    }
    parse_marks(L, root, form);
    get_box(L, root, "qr", 1, &form->qr, "定義");
    get_box(L, root, "title_box", 1, &form->title_box, "定義");

    v = json_object_get(root, "fields");
    if (!json_is_array(v) || json_array_size(v) == 0) {
        problem(L, "定義: \"fields\" (空でない配列) がありません");
        return;
    }
    form->n_fields = json_array_size(v);
    form->fields = xcalloc(form->n_fields, sizeof(*form->fields));
    for (size_t i = 0; i < form->n_fields; i++)
        parse_field(L, json_array_get(v, i), i, form->pages, &form->fields[i]);
    for (size_t i = 0; i < form->n_fields; i++) {
        for (size_t j = 0; j < i; j++) {
            if (form->fields[i].name != NULL && form->fields[j].name != NULL &&
                strcmp(form->fields[i].name, form->fields[j].name) == 0)
                problem(L, "項目 %s: 名前が重複しています (%zu 番目と %zu 番目)",
                        form->fields[i].name, j + 1, i + 1);
        }
    }

    v = json_object_get(root, "rules");
    if (v != NULL && !json_is_array(v)) {
        problem(L, "定義: \"rules\" は配列です");
    } else if (v != NULL && json_array_size(v) > 0) {
        form->n_rules = json_array_size(v);
        form->rules = xcalloc(form->n_rules, sizeof(*form->rules));
        for (size_t i = 0; i < form->n_rules; i++)
            parse_rule(L, form, json_array_get(v, i), i, &form->rules[i]);
    }
}

int forms_load_file(const char *path, struct forms_form **out, struct berr *e)
{
    struct loader L = { path, { 0 }, 0 };
    struct forms_form *form = NULL;
    json_t *root = NULL;
    json_error_t jerr;
    int rc = 0;

    *out = NULL;
    buf_init(&L.problems);
    root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        rc = berr_set(e, BERR_INVALID, "%s:%d: JSON として読めません: %s", path, jerr.line,
                      jerr.text);
        goto cleanup;
    }
    form = xcalloc(1, sizeof(*form));
    form->path = xstrdup(path);
    parse_form(&L, root, form);
    if (L.n == 0)
        check_geometry(&L, form);
    if (L.n > 0) {
        if (L.n > MAX_PROBLEMS)
            buf_addf(&L.problems, "%s: ほか %d 件\n", path, L.n - MAX_PROBLEMS);
        if (L.problems.len > 0 && L.problems.s[L.problems.len - 1] == '\n')
            L.problems.s[--L.problems.len] = '\0';
        rc = berr_set(e, BERR_INVALID, "%s", L.problems.s);
        goto cleanup;
    }
    *out = form;
    form = NULL;
cleanup:
    forms_free(&form);
    json_decref(root);
    buf_release(&L.problems);
    return rc;
}

/* ---- lookups --------------------------------------------------------- */

int forms_field_index(const struct forms_form *f, const char *name)
{
    return find_field(f, name);
}

const struct forms_field *forms_field_find(const struct forms_form *f, const char *name)
{
    int i = find_field(f, name);

    return i < 0 ? NULL : &f->fields[i];
}

int forms_option_find(const struct forms_field *fld, const char *value)
{
    for (size_t i = 0; i < fld->n_options; i++) {
        if (strcmp(fld->options[i].value, value) == 0)
            return (int)i;
    }
    return -1;
}

const char *forms_option_label(const struct forms_field *fld, const char *value)
{
    int i = forms_option_find(fld, value);

    return i < 0 ? NULL : fld->options[i].label;
}

/* ---- registry -------------------------------------------------------- */

struct forms_registry {
    struct forms_form **forms;    /* sorted by id, then version */
    size_t n;
};

static int cmp_form(const void *a, const void *b)
{
    const struct forms_form *x = *(struct forms_form *const *)a;
    const struct forms_form *y = *(struct forms_form *const *)b;
    int c = strcmp(x->id, y->id);

    return c != 0 ? c : (x->version > y->version) - (x->version < y->version);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void forms_registry_free(struct forms_registry **rp)
{
    struct forms_registry *r;

    if (rp == NULL || *rp == NULL)
        return;
    r = *rp;
    for (size_t i = 0; i < r->n; i++)
        forms_free(&r->forms[i]);
    free(r->forms);
    free(r);
    *rp = NULL;
}

static int str_has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n > m && strcmp(s + n - m, suffix) == 0;
}

int forms_registry_load_dir(const char *dir, struct forms_registry **out, struct berr *e)
{
    struct forms_registry *r = xcalloc(1, sizeof(*r));
    struct buf problems, path;
    struct berr fe;
    DIR *d = NULL;
    struct dirent *de;
    char **names = NULL;
    size_t n_names = 0, a_names = 0;
    int rc = 0;

    *out = NULL;
    buf_init(&problems);
    buf_init(&path);
    d = opendir(dir);
    if (d == NULL) {
        rc = berr_set(e, BERR_NOTFOUND, "%s: 様式定義のフォルダを開けません", dir);
        goto cleanup;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' || !str_has_suffix(de->d_name, ".json"))
            continue;
        if (n_names == a_names) {
            a_names = a_names ? a_names * 2 : 16;
            names = xrealloc(names, a_names * sizeof(*names));
        }
        names[n_names++] = xstrdup(de->d_name);
    }
    qsort(names, n_names, sizeof(*names), cmp_str);
    r->forms = xcalloc(n_names ? n_names : 1, sizeof(*r->forms));
    for (size_t i = 0; i < n_names; i++) {
        struct forms_form *f = NULL;
        char want[300];

        buf_reset(&path);
        buf_addf(&path, "%s/%s", dir, names[i]);
        berr_clear(&fe);
        if (forms_load_file(path.s, &f, &fe) < 0) {
            buf_addf(&problems, "%s\n", fe.msg);
            continue;
        }
        snprintf(want, sizeof(want), "%s.v%d.json", f->id, f->version);
        if (strcmp(want, names[i]) != 0) {
            buf_addf(&problems, "%s: ファイル名は %s にします\n", path.s, want);
            forms_free(&f);
            continue;
        }
        r->forms[r->n++] = f;
    }
    qsort(r->forms, r->n, sizeof(*r->forms), cmp_form);
    if (problems.len > 0) {
        problems.s[--problems.len] = '\0';
        rc = berr_set(e, BERR_INVALID, "%s", problems.s);
        goto cleanup;
    }
    rc = (int)r->n;
    *out = r;
    r = NULL;
cleanup:
    if (d != NULL)
        closedir(d);
    for (size_t i = 0; i < n_names; i++)
        free(names[i]);
    free(names);
    forms_registry_free(&r);
    buf_release(&problems);
    buf_release(&path);
    return rc;
}

const struct forms_form *forms_registry_get(const struct forms_registry *r, const char *id,
                                            int version)
{
    const struct forms_form *best = NULL;

    for (size_t i = 0; i < r->n; i++) {
        const struct forms_form *f = r->forms[i];
        if (strcmp(f->id, id) != 0)
            continue;
        if (version == f->version)
            return f;
        if (version == 0 && (best == NULL || f->version > best->version))
            best = f;
    }
    return best;
}

size_t forms_registry_count(const struct forms_registry *r)
{
    return r->n;
}

const struct forms_form *forms_registry_at(const struct forms_registry *r, size_t i)
{
    return i < r->n ? r->forms[i] : NULL;
}
