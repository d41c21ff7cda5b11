/*
 * value.c: typed values of form fields (raw OCR or keyed text -> checked,
 * canonical value) and the cross-field rules evaluated over a whole form.
 *
 * Every message names the field by its printed label so staff can find it
 * on the sheet.  A 個人番号 is never copied into a message; other raw text
 * is quoted only truncated (40 bytes).
 *
 * Not for: loading definitions (def.c), deciding review vs. landing
 * (intake/): this file only says valid or not, and why.
 */
#include "forms/forms.h"

#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

void forms_value_init(struct forms_value *v)
{
    memset(v, 0, sizeof(*v));
}

void forms_value_release(struct forms_value *v)
{
    if (v == NULL)
        return;
    free(v->text);
    forms_value_init(v);
}

/* ---- text helpers ---------------------------------------------------- */

static int is_blank(const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return 0;
    }
    return 1;
}

/* Copy of s without leading and trailing ASCII whitespace; caller frees. */
static char *trimmed(const char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return xstrndup(s, n);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xC0) != 0x80)
            n++;
    }
    return n;
}

static int all_digits(const char *s)
{
    if (*s == '\0')
        return 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return 0;
    }
    return 1;
}

static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7F)
            return 1;
    }
    return 0;
}

/*
 * NFKC, hiragana -> katakana, runs of spaces -> one U+3000 (NFKC turns the
 * full-width space into an ASCII one; names keep the full-width one).
 * NULL on invalid UTF-8.  Caller frees.
 */
static char *kana_canonical(const char *s)
{
    char *n = text_nfkc(s);
    struct buf b;
    const utf8proc_uint8_t *p;
    int pending_space = 0;

    if (n == NULL)
        return NULL;
    buf_init(&b);
    p = (const utf8proc_uint8_t *)n;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_uint8_t enc[4];
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            break;
        p += k;
        if (cp == ' ' || cp == 0x3000) {
            pending_space = b.len > 0;
            continue;
        }
        if (pending_space) {
            buf_adds(&b, "\u3000");
            pending_space = 0;
        }
        if (cp >= 0x3041 && cp <= 0x3096)
            cp += 0x60;
        k = utf8proc_encode_char(cp, enc);
        buf_add(&b, enc, (size_t)k);
    }
    free(n);
    return buf_detach(&b);
}

static long long pow10ll(int n)
{
    long long p = 1;

    while (n-- > 0)
        p *= 10;
    return p;
}

/* Scaled integer -> "12.34" with `decimals` places. */
static void format_scaled(long long v, int decimals, struct buf *out)
{
    long long p = pow10ll(decimals);
    long long a = v < 0 ? -v : v;

    if (decimals == 0) {
        buf_addf(out, "%lld", v);
        return;
    }
    buf_addf(out, "%s%lld.%0*lld", v < 0 ? "-" : "", a / p, decimals, a % p);
}

/* ---- one kind each ---------------------------------------------------- */

static int parse_flag(const struct forms_field *f, const char *s, struct forms_value *v,
                      struct berr *e)
{
    if (strcmp(s, "1") != 0 && strcmp(s, "0") != 0)
        return berr_set(e, BERR_INVALID, "%s: 1 か 0 でなければなりません", f->label);
    v->present = s[0] == '1';
    v->scaled = v->present;
    v->text = xstrdup(s);
    return 0;
}

static int parse_choice(const struct forms_field *f, const char *s, struct forms_value *v,
                        struct berr *e)
{
    int i;

    if (strchr(s, ',') != NULL)
        return berr_set(e, BERR_INVALID, "%s: 選べるのは 1 つだけです", f->label);
    i = forms_option_find(f, s);
    if (i < 0)
        return berr_set(e, BERR_INVALID, "%s: 選択肢「%.40s」はありません", f->label, s);
    v->present = 1;
    v->options = 1ULL << i;
    v->text = xstrdup(f->options[i].value);
    return 0;
}

static int parse_multi(const struct forms_field *f, const char *s, struct forms_value *v,
                       struct berr *e)
{
    const char *p = s;
    unsigned long long mask = 0;
    struct buf b;
    int rc = 0;

    buf_init(&b);
    while (*p) {
        size_t n = strcspn(p, ",");
        char *one = xstrndup(p, n);
        char *t = trimmed(one);
        int i = t[0] == '\0' ? -2 : forms_option_find(f, t);
        if (i == -1)
            rc = berr_set(e, BERR_INVALID, "%s: 選択肢「%.40s」はありません", f->label, t);
        else if (i >= 0)
            mask |= 1ULL << i;
        free(t);
        free(one);
        if (rc < 0)
            goto cleanup;
        p += n;
        if (*p == ',')
            p++;
    }
    for (size_t i = 0; i < f->n_options; i++) {
        if (mask & (1ULL << i)) {
            if (b.len > 0)
                buf_addc(&b, ',');
            buf_adds(&b, f->options[i].value);
        }
    }
    v->options = mask;
    v->present = mask != 0;
    v->text = mask != 0 ? buf_detach(&b) : NULL;
cleanup:
    buf_release(&b);
    return rc;
}

static int check_range(const struct forms_field *f, long long scaled, int decimals,
                       struct berr *e)
{
    long long p = pow10ll(decimals);
    long long lo = f->has_min ? llround(f->min * (double)p) : 0;
    long long hi = f->has_max ? llround(f->max * (double)p) : 0;
    struct buf a, b;
    int rc = 0;

    if ((!f->has_min || scaled >= lo) && (!f->has_max || scaled <= hi))
        return 0;
    buf_init(&a);
    buf_init(&b);
    if (f->has_min)
        format_scaled(lo, decimals, &a);
    if (f->has_max)
        format_scaled(hi, decimals, &b);
    if (f->has_min && f->has_max)
        rc = berr_set(e, BERR_INVALID, "%s: %s〜%s%s の範囲で記入してください", f->label, a.s,
                      b.s, f->unit ? f->unit : "");
    else if (f->has_min)
        rc = berr_set(e, BERR_INVALID, "%s: %s%s 以上で記入してください", f->label, a.s,
                      f->unit ? f->unit : "");
    else
        rc = berr_set(e, BERR_INVALID, "%s: %s%s 以下で記入してください", f->label, b.s,
                      f->unit ? f->unit : "");
    buf_release(&a);
    buf_release(&b);
    return rc;
}

static int parse_digits(const struct forms_field *f, const char *s, struct forms_value *v,
                        struct berr *e)
{
    size_t n = strlen(s);
    int rc;

    if (!all_digits(s))
        return berr_set(e, BERR_INVALID, "%s: 数字以外の文字があります", f->label);
    if (f->min_len > 0 && f->min_len == f->max_len && n != (size_t)f->min_len)
        return berr_set(e, BERR_INVALID, "%s: %d 桁でなければなりません", f->label, f->min_len);
    if (f->min_len > 0 && n < (size_t)f->min_len)
        return berr_set(e, BERR_INVALID, "%s: %d 桁以上でなければなりません", f->label,
                        f->min_len);
    if (f->max_len > 0 && n > (size_t)f->max_len)
        return berr_set(e, BERR_INVALID, "%s: %d 桁以下でなければなりません", f->label,
                        f->max_len);
    if (n <= 18)
        v->scaled = strtoll(s, NULL, 10);
    else if (f->has_min || f->has_max)
        return berr_set(e, BERR_INVALID, "%s: 桁が多すぎます", f->label);
    rc = check_range(f, v->scaled, 0, e);
    if (rc < 0)
        return rc;
    v->present = 1;
    v->text = xstrdup(s);
    return 0;
}

/*
 * "6.54" (the point as written), or the comb's digits without a point,
 * whose last `decimals` digits are the fraction ("654" = "0654" = 6.54 for
 * 2 decimals): the point is printed between the cells, so OCR of the cells
 * gives digits only.
 */
static int parse_number(const struct forms_field *f, const char *s, struct forms_value *v,
                        struct berr *e)
{
    const char *dot = strchr(s, '.');
    char *ip = NULL, *fp = NULL;
    size_t int_cells = (size_t)(f->cells - f->decimals);
    long long scaled;
    struct buf b;
    int rc = 0;

    buf_init(&b);
    if (dot != NULL) {
        ip = xstrndup(s, (size_t)(dot - s));
        fp = xstrdup(dot + 1);
        if (ip[0] == '\0') {
            free(ip);
            ip = xstrdup("0");
        }
        if (!all_digits(ip) || (fp[0] != '\0' && !all_digits(fp))) {
            rc = berr_set(e, BERR_INVALID, "%s: 数値が不正です", f->label);
            goto cleanup;
        }
        if (strlen(fp) > (size_t)f->decimals) {
            rc = berr_set(e, BERR_INVALID, "%s: 小数点以下は %d 桁までです", f->label,
                          f->decimals);
            goto cleanup;
        }
    } else {
        size_t n = strlen(s);
        if (!all_digits(s)) {
            rc = berr_set(e, BERR_INVALID, "%s: 数値が不正です", f->label);
            goto cleanup;
        }
        if (n > (size_t)f->cells) {
            rc = berr_set(e, BERR_INVALID, "%s: 桁が多すぎます", f->label);
            goto cleanup;
        }
        if (n <= (size_t)f->decimals) {
            ip = xstrdup("0");
            fp = xstrdup(s);
            /* right-aligned: "5" with 2 decimals is 0.05 */
            buf_reset(&b);
            for (size_t i = n; i < (size_t)f->decimals; i++)
                buf_addc(&b, '0');
            buf_adds(&b, s);
            free(fp);
            fp = buf_detach(&b);
        } else {
            ip = xstrndup(s, n - (size_t)f->decimals);
            fp = xstrdup(s + n - f->decimals);
        }
    }
    /* leading zeros do not count against the integer cells */
    {
        const char *p = ip;
        while (*p == '0' && p[1] != '\0')
            p++;
        if (strlen(p) > int_cells || (strcmp(p, "0") != 0 && int_cells == 0)) {
            rc = berr_set(e, BERR_INVALID, "%s: 整数部は %zu 桁までです", f->label, int_cells);
            goto cleanup;
        }
        scaled = strtoll(p, NULL, 10) * pow10ll(f->decimals);
    }
    {
        long long frac = 0;
        size_t k = strlen(fp);
        if (k > 0)
            frac = strtoll(fp, NULL, 10) * pow10ll(f->decimals - (int)k);
        scaled += frac;
    }
    rc = check_range(f, scaled, f->decimals, e);
    if (rc < 0)
        goto cleanup;
    buf_reset(&b);
    format_scaled(scaled, f->decimals, &b);
    v->scaled = scaled;
    v->present = 1;
    v->text = buf_detach(&b);
cleanup:
    free(ip);
    free(fp);
    buf_release(&b);
    return rc;
}

static int era_allowed(const struct forms_field *f, enum jp_era era)
{
    if (f->era_fixed != ERA_NONE)
        return era == f->era_fixed;
    for (size_t i = 0; i < f->n_options; i++) {
        if (strcmp(f->options[i].value, jp_era_letter(era)) == 0)
            return 1;
    }
    return 0;
}

static int parse_date(const struct forms_field *f, const char *s, struct forms_value *v,
                      struct berr *e)
{
    struct ymd d;
    struct wareki w;
    char iso[11];

    if (jpdate_parse(s, &d) < 0 || jpdate_to_wareki(d, &w) < 0)
        return berr_set(e, BERR_INVALID, "%s: 日付が不正です", f->label);
    if (!era_allowed(f, w.era))
        return berr_set(e, BERR_INVALID, "%s: この欄に%sの日付は書けません", f->label,
                        jp_era_name(w.era));
    ymd_iso(d, iso);
    v->date = d;
    v->present = 1;
    v->text = xstrdup(iso);
    return 0;
}

static int parse_kana(const struct forms_field *f, const char *s, struct forms_value *v,
                      struct berr *e)
{
    char *k = kana_canonical(s);
    int rc = 0;

    if (k == NULL || !kana_is_katakana(k)) {
        rc = berr_set(e, BERR_INVALID, "%s: カタカナで記入してください", f->label);
        goto cleanup;
    }
    if (f->max_len > 0 && utf8_chars(k) > (size_t)f->max_len) {
        rc = berr_set(e, BERR_INVALID, "%s: %d 文字以内で記入してください", f->label,
                      f->max_len);
        goto cleanup;
    }
    if (f->min_len > 0 && utf8_chars(k) < (size_t)f->min_len) {
        rc = berr_set(e, BERR_INVALID, "%s: %d 文字以上で記入してください", f->label,
                      f->min_len);
        goto cleanup;
    }
    v->present = 1;
    v->text = k;
    k = NULL;
cleanup:
    free(k);
    return rc;
}

static int parse_text(const struct forms_field *f, const char *s, struct forms_value *v,
                      struct berr *e)
{
    char *n = text_nfkc(s);
    char *t = NULL;
    int rc = 0;

    if (n == NULL || has_control(n)) {
        rc = berr_set(e, BERR_INVALID, "%s: 文字が不正です", f->label);
        goto cleanup;
    }
    t = trimmed(n);
    if (f->max_len > 0 && utf8_chars(t) > (size_t)f->max_len) {
        rc = berr_set(e, BERR_INVALID, "%s: %d 文字以内で記入してください", f->label,
                      f->max_len);
        goto cleanup;
    }
    if (f->min_len > 0 && utf8_chars(t) < (size_t)f->min_len) {
        rc = berr_set(e, BERR_INVALID, "%s: %d 文字以上で記入してください", f->label,
                      f->min_len);
        goto cleanup;
    }
    v->present = t[0] != '\0';
    v->text = t;
    t = NULL;
cleanup:
    free(n);
    free(t);
    return rc;
}

/* Spaces and hyphens between the digit groups are dropped; nothing else. */
static int parse_mynumber(const struct forms_field *f, const char *s, struct forms_value *v,
                          struct berr *e)
{
    struct buf b;
    int rc = 0;

    buf_init(&b);
    for (const char *p = s; *p; p++) {
        if (*p != ' ' && *p != '-')
            buf_addc(&b, *p);
    }
    if (b.len != 12 || !all_digits(b.s)) {
        rc = berr_set(e, BERR_INVALID, "%s: 12 桁の数字で記入してください", f->label);
        goto cleanup;
    }
    if (!mynumber_valid(b.s)) {
        rc = berr_set(e, BERR_INVALID, "%s: 番号が正しくありません (チェックデジット不一致)",
                      f->label);
        goto cleanup;
    }
    v->present = 1;
    v->text = buf_detach(&b);
cleanup:
    /* the buffer may hold the number: wipe before freeing */
    if (b.s != NULL && b.alloc > 0)
        memset(b.s, 0, b.alloc);
    buf_release(&b);
    return rc;
}

typedef int (*parse_fn)(const struct forms_field *, const char *, struct forms_value *,
                        struct berr *);

static const parse_fn parsers[FORMS_KIND_COUNT] = {
    [FORMS_CHECK] = parse_flag,
    [FORMS_CHOICE] = parse_choice,
    [FORMS_MULTI] = parse_multi,
    [FORMS_DIGITS] = parse_digits,
    [FORMS_NUMBER] = parse_number,
    [FORMS_DATE] = parse_date,
    [FORMS_KANA] = parse_kana,
    [FORMS_TEXT] = parse_text,
    [FORMS_MYNUMBER] = parse_mynumber,
    [FORMS_PRINTED] = parse_text,
    [FORMS_PRESENCE] = parse_flag,
};

int forms_value_parse(const struct forms_field *fld, const char *raw, struct forms_value *v,
                      struct berr *e)
{
    char *s = NULL;
    int rc = 0;

    forms_value_release(v);
    v->kind = fld->kind;
    if (raw != NULL && !utf8_valid(raw, strlen(raw))) {
        rc = berr_set(e, BERR_INVALID, "%s: 文字が不正です", fld->label);
        goto cleanup;
    }
    if (raw != NULL && !is_blank(raw)) {
        /* full-width digits and letters from keyed input become ASCII */
        if (fld->kind == FORMS_KANA || fld->kind == FORMS_TEXT || fld->kind == FORMS_PRINTED) {
            s = xstrdup(raw);
        } else {
            char *n = text_nfkc(raw);
            if (n == NULL) {
                rc = berr_set(e, BERR_INVALID, "%s: 文字が不正です", fld->label);
                goto cleanup;
            }
            s = trimmed(n);
            memset(n, 0, strlen(n));   /* may be a 個人番号 */
            free(n);
        }
        rc = parsers[fld->kind](fld, s, v, e);
        if (rc < 0)
            goto cleanup;
    }
    if (v->present && fld->pattern_re != NULL &&
        regexec(fld->pattern_re, v->text, 0, NULL, 0) != 0) {
        rc = berr_set(e, BERR_INVALID, "%s: 書式が違います", fld->label);
        goto cleanup;
    }
    if (!v->present && fld->required) {
        rc = berr_set(e, BERR_INVALID, "%s: 必須項目です", fld->label);
        goto cleanup;
    }
cleanup:
    if (rc < 0) {
        forms_value_release(v);
        v->kind = fld->kind;
    }
    if (s != NULL && fld->kind == FORMS_MYNUMBER)
        memset(s, 0, strlen(s));
    free(s);
    return rc;
}

int forms_date_raw(const struct forms_field *fld, const char *era, const char *yy,
                   const char *mm, const char *dd, struct buf *out, struct berr *e)
{
    const char *parts[3] = { yy, mm, dd };
    int blank = 0;
    const char *letter;

    if (fld->kind != FORMS_DATE)
        return berr_set(e, BERR_INVALID, "%s: 日付の欄ではありません", fld->label);
    for (size_t i = 0; i < 3; i++) {
        if (parts[i] == NULL || is_blank(parts[i]))
            blank++;
    }
    if (blank == 3 && (era == NULL || is_blank(era)))
        return 0;
    if (blank > 0)
        return berr_set(e, BERR_INVALID, "%s: 年月日の一部が空欄です", fld->label);
    if (fld->era_fixed != ERA_NONE) {
        letter = jp_era_letter(fld->era_fixed);
    } else {
        if (era == NULL || is_blank(era))
            return berr_set(e, BERR_INVALID, "%s: 元号が選ばれていません", fld->label);
        if (strchr(era, ',') != NULL)
            return berr_set(e, BERR_INVALID, "%s: 元号が 2 つ以上選ばれています", fld->label);
        if (forms_option_find(fld, era) < 0)
            return berr_set(e, BERR_INVALID, "%s: 元号「%.10s」はこの欄にありません", fld->label,
                            era);
        letter = era;
    }
    buf_addf(out, "%s%s.%s.%s", letter, yy, mm, dd);
    return 0;
}

/* ---- cross-field rules ------------------------------------------------ */

static int cond_holds(const struct forms_rule *r, const struct forms_value *values)
{
    const struct forms_value *c = &values[r->if_field];

    if (!c->present)
        return 0;
    if (c->kind == FORMS_CHECK)
        return 1;
    return (c->options & r->if_mask) != 0;
}

/* 総合判定が「要精密」 */
static void describe_cond(const struct forms_form *f, const struct forms_rule *r, struct buf *b)
{
    const struct forms_field *c = &f->fields[r->if_field];
    int first = 1;

    if (c->kind == FORMS_CHECK) {
        buf_addf(b, "%sに印がある", c->label);
        return;
    }
    buf_addf(b, "%sが「", c->label);
    for (size_t i = 0; i < c->n_options; i++) {
        if (r->if_mask & (1ULL << i)) {
            buf_addf(b, "%s%s", first ? "" : "」か「", c->options[i].label);
            first = 0;
        }
    }
    buf_adds(b, "」の");
}

static void rule_due_date(const struct forms_form *f, const struct forms_rule *r,
                          const struct forms_value *values, struct buf *msg)
{
    const struct forms_value *t = &values[r->fields[0]];
    const struct forms_value *w = &values[r->fields[1]];
    const struct forms_value *d = &values[r->fields[2]];
    long expect, diff;
    char when[64];

    if (!t->present || !w->present || !d->present)
        return;
    expect = ymd_to_days(t->date) + 280 - 7 * (long)w->scaled;
    diff = ymd_to_days(d->date) - expect;
    if (labs(diff) <= r->tolerance_days)
        return;
    jpdate_format(ymd_from_days(expect), when, sizeof(when));
    buf_addf(msg, "%s: %sと%sから見込まれる日 (%s) と %ld 日ずれています (±%d 日まで)",
             f->fields[r->fields[2]].label, f->fields[r->fields[0]].label,
             f->fields[r->fields[1]].label, when, labs(diff), r->tolerance_days);
}

static void rule_requires_if(const struct forms_form *f, const struct forms_rule *r,
                             const struct forms_value *values, struct buf *msg)
{
    if (!cond_holds(r, values) || values[r->fields[0]].present)
        return;
    buf_addf(msg, "%s: ", f->fields[r->fields[0]].label);
    describe_cond(f, r, msg);
    buf_adds(msg, "ときは記入が必要です");
}

static void rule_only_if(const struct forms_form *f, const struct forms_rule *r,
                         const struct forms_value *values, struct buf *msg)
{
    if (!values[r->fields[0]].present || cond_holds(r, values))
        return;
    buf_addf(msg, "%s: ", f->fields[r->fields[0]].label);
    describe_cond(f, r, msg);
    buf_adds(msg, "ときだけ記入します");
}

static void rule_exclusive(const struct forms_form *f, const struct forms_rule *r,
                           const struct forms_value *values, struct buf *msg)
{
    const struct forms_field *fld = &f->fields[r->fields[0]];
    unsigned long long bit = 1ULL << r->option;
    unsigned long long got = values[r->fields[0]].options;

    if ((got & bit) && (got & ~bit))
        buf_addf(msg, "%s: 「%s」と他の選択肢が同時に選ばれています", fld->label,
                 fld->options[r->option].label);
}

static void rule_date_order(const struct forms_form *f, const struct forms_rule *r,
                            const struct forms_value *values, struct buf *msg)
{
    for (size_t i = 0; i < r->n_fields; i++) {
        const struct forms_value *a = &values[r->fields[i]];
        if (!a->present)
            continue;
        for (size_t j = i + 1; j < r->n_fields; j++) {
            const struct forms_value *b = &values[r->fields[j]];
            if (!b->present)
                continue;
            if (ymd_cmp(a->date, b->date) > 0) {
                buf_addf(msg, "%s: %sより前の日付になっています", f->fields[r->fields[j]].label,
                         f->fields[r->fields[i]].label);
                return;
            }
        }
    }
}

static void rule_age_range(const struct forms_form *f, const struct forms_rule *r,
                           const struct forms_value *values, struct buf *msg)
{
    const struct forms_value *birth = &values[r->fields[0]];
    const struct forms_value *on = &values[r->fields[1]];
    int age;

    if (!birth->present || !on->present)
        return;
    age = ymd_age_years(birth->date, on->date);
    if (age < r->min || age > r->max)
        buf_addf(msg, "%s: %sの時点で %d 歳です (%g〜%g 歳の範囲外)",
                 f->fields[r->fields[0]].label, f->fields[r->fields[1]].label, age, r->min,
                 r->max);
}

typedef void (*rule_fn)(const struct forms_form *, const struct forms_rule *,
                        const struct forms_value *, struct buf *);

static const rule_fn rule_fns[FORMS_RULE_COUNT] = {
    [FORMS_RULE_DUE_DATE] = rule_due_date,
    [FORMS_RULE_REQUIRES_IF] = rule_requires_if,
    [FORMS_RULE_ONLY_IF] = rule_only_if,
    [FORMS_RULE_EXCLUSIVE] = rule_exclusive,
    [FORMS_RULE_DATE_ORDER] = rule_date_order,
    [FORMS_RULE_AGE_RANGE] = rule_age_range,
};

/* Appends the rule's complaint (if any) to msg; 1 if it failed. */
static int run_rule(const struct forms_form *f, size_t i, const struct forms_value *values,
                    struct buf *msg)
{
    size_t before = msg->len;

    rule_fns[f->rules[i].type](f, &f->rules[i], values, msg);
    return msg->len > before;
}

int forms_rule_check(const struct forms_form *f, size_t rule,
                     const struct forms_value *values, struct berr *e)
{
    struct buf msg;
    int rc = 0;

    if (rule >= f->n_rules)
        return berr_set(e, BERR_NOTFOUND, "規則 %zu はありません", rule + 1);
    buf_init(&msg);
    if (run_rule(f, rule, values, &msg))
        rc = berr_set(e, BERR_INVALID, "%s", msg.s);
    buf_release(&msg);
    return rc;
}

int forms_rules_check(const struct forms_form *f, const struct forms_value *values,
                      struct berr *e)
{
    struct buf msg;
    int rc = 0;

    buf_init(&msg);
    for (size_t i = 0; i < f->n_rules; i++) {
        if (msg.len > 0 && msg.s[msg.len - 1] != '\n')
            buf_addc(&msg, '\n');
        run_rule(f, i, values, &msg);
    }
    while (msg.len > 0 && msg.s[msg.len - 1] == '\n')
        msg.s[--msg.len] = '\0';
    if (msg.len > 0)
        rc = berr_set(e, BERR_INVALID, "%s", msg.s);
    buf_release(&msg);
    return rc;
}

int forms_validate(const struct forms_form *f, const char *const *raw,
                   struct forms_value *values, struct berr *e)
{
    struct buf msg;
    struct berr fe;
    int rc = 0;

    buf_init(&msg);
    for (size_t i = 0; i < f->n_fields; i++) {
        berr_clear(&fe);
        if (forms_value_parse(&f->fields[i], raw[i], &values[i], &fe) < 0)
            buf_addf(&msg, "%s\n", fe.msg);
    }
    berr_clear(&fe);
    if (forms_rules_check(f, values, &fe) < 0)
        buf_addf(&msg, "%s\n", fe.msg);
    while (msg.len > 0 && msg.s[msg.len - 1] == '\n')
        msg.s[--msg.len] = '\0';
    if (msg.len > 0)
        rc = berr_set(e, BERR_INVALID, "%s", msg.s);
    buf_release(&msg);
    return rc;
}

int forms_value_suggestible(const struct forms_field *fld, const char *raw)
{
    struct forms_value v;
    struct berr e;
    int ok;

    if (fld == NULL || raw == NULL || fld->kind == FORMS_TEXT)
        return 0;
    forms_value_init(&v);
    ok = forms_value_parse(fld, raw, &v, &e) == 0 && v.present;
    forms_value_release(&v);
    return ok;
}
