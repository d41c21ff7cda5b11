/*
 * sim.c: the fill half of the scan simulator (see sim.h) - the PRNG, value
 * generation per field kind and range with the form's cross-field rules
 * honoured, the handwriting layer, and rendering with pdftoppm.
 * Not for: scanner damage (sim-scan.c) or batches and truth files
 * (sim-batch.c).
 *
 * A sheet is built in three steps, each in its own function:
 *   values   gen_values() -> raw text per field (or the caller's), parsed
 *            with forms_value_parse(), rules fixed by fix_rule() until
 *            forms_rules_check() passes
 *   styles   choose_style() per field: how it is written (tick, faint...)
 *   drawing  formprint_form() for the paper, then draw_field() per field on
 *            the handwriting pages
 */
#include "demo/sim.h"
#include "demo/handkana.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PI 3.14159265358979323846
#define PT_PER_MM (72.0 / 25.4)
#define RULE_PASSES 40

/* ---- PRNG ------------------------------------------------------------ */

void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream)
{
    r->s = seed * 0x9E3779B97F4A7C15ull ^ (stream + 1) * 0xD1B54A32D192ED03ull;
    (void)sim_rng_next(r);
}

uint64_t sim_rng_next(struct sim_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double sim_rng_uniform(struct sim_rng *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(sim_rng_next(r) >> 11) / 9007199254740992.0);
}

int sim_rng_int(struct sim_rng *r, int lo, int hi)
{
    if (hi <= lo)
        return lo;
    return lo + (int)(sim_rng_next(r) % (uint64_t)(hi - lo + 1));
}

int sim_rng_pct(struct sim_rng *r, int pct)
{
    return sim_rng_int(r, 0, 99) < pct;
}

double sim_rng_gauss(struct sim_rng *r)
{
    double u = sim_rng_uniform(r, 1e-12, 1.0), v = sim_rng_uniform(r, 0.0, 1.0);

    return sqrt(-2.0 * log(u)) * cos(2 * PI * v);
}

/* ---- names ----------------------------------------------------------- */

static const char *const how_names[SIM_HOW_COUNT] = {
    [SIM_HOW_BLANK] = "blank", [SIM_HOW_TICK] = "tick", [SIM_HOW_CROSS] = "cross",
    [SIM_HOW_FILL] = "fill", [SIM_HOW_FAINT] = "faint", [SIM_HOW_STRAY] = "stray",
    [SIM_HOW_CORRECTED] = "corrected", [SIM_HOW_SLASH] = "slash", [SIM_HOW_CIRCLE] = "circle",
    [SIM_HOW_PENCIL] = "pencil", [SIM_HOW_DIGITS] = "digits", [SIM_HOW_KANA] = "kana",
    [SIM_HOW_TEXT] = "text", [SIM_HOW_SCRIBBLE] = "scribble", [SIM_HOW_PRINTED] = "printed",
};

const char *sim_how_name(enum sim_how h)
{
    return h >= 0 && h < SIM_HOW_COUNT ? how_names[h] : NULL;
}

/* Made-up people of the demo town (no real person is meant). */
static const char *const surnames[][2] = {
    { "山田", "ヤマダ" }, { "佐藤", "サトウ" }, { "鈴木", "スズキ" }, { "高橋", "タカハシ" },
    { "田中", "タナカ" }, { "伊藤", "イトウ" }, { "渡辺", "ワタナベ" }, { "中村", "ナカムラ" },
    { "小林", "コバヤシ" }, { "加藤", "カトウ" }, { "森", "モリ" }, { "青木", "アオキ" },
};
static const char *const given[][2] = {
    { "花子", "ハナコ" }, { "美咲", "ミサキ" }, { "陽菜", "ヒナ" }, { "結衣", "ユイ" },
    { "さくら", "サクラ" }, { "愛", "アイ" }, { "七海", "ナナミ" }, { "彩", "アヤ" },
    { "真由美", "マユミ" }, { "恵", "メグミ" },
};
static const char *const towns[] = { "本町", "緑町", "桜台", "川端町", "東山", "若葉" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Handwriting-style Latin fonts for digits, whichever are installed, with
 * their digits' measured ink height and how far the ink's centre lies
 * above the em box's centre (both in em), to size and centre them in cells.
 */
static const struct hand_font {
    const char *path;
    double height_em, above_em;
} hand_fonts[] = {
    { "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf", 1.10, 0.13 },
    { "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf", 1.15, 0.13 },
    { "/usr/share/fonts/truetype/fifthhorseman/dkgIt.ttf", 1.10, 0.13 },
    { "/usr/share/fonts/truetype/breip/Breip.ttf", 0.86, 0.14 },
    { "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf", 0.79, 0.0 },
};
/* IPAex digits, when no handwriting font is installed. */
static const struct hand_font print_digits = { PDF_FONT_GOTHIC_PATH, 0.74, 0.0 };

/* One made-up person per sheet: the kanji and kana of a name agree. */
struct person {
    int surname, given;
};

/* ---- the sheet ------------------------------------------------------- */

struct sim_sheet {
    const struct forms_form *form;
    struct pdf *pdf;
    struct sim_truth truth;
};

void sim_fill_opts_init(struct sim_fill_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->seed = 1;
    o->as_of = (struct ymd){ 2025, 4, 1 };
    o->blank_pct = 25;
    o->tricky_pct = 10;
}

const struct sim_truth *sim_sheet_truth(const struct sim_sheet *s)
{
    return &s->truth;
}

static void truth_release(struct sim_truth *t)
{
    for (size_t i = 0; i < t->n_fields; i++) {
        struct sim_field_truth *ft = &t->fields[i];
        free(ft->value);
        free(ft->crossed_out);
        free(ft->cells);
        for (int k = 0; k < 4; k++)
            free(ft->date_parts[k]);
    }
    free(t->fields);
    free(t->subject);
    free(t->issue);
    memset(t, 0, sizeof(*t));
}

void sim_sheet_free(struct sim_sheet **s)
{
    if (s == NULL || *s == NULL)
        return;
    pdf_free(&(*s)->pdf);
    truth_release(&(*s)->truth);
    free(*s);
    *s = NULL;
}

/* ---- values ---------------------------------------------------------- */

/* Triangular between lo and hi: values near the middle are likelier. */
static long long tri(struct sim_rng *r, long long lo, long long hi)
{
    double u = (sim_rng_uniform(r, 0, 1) + sim_rng_uniform(r, 0, 1)) / 2;
    long long v = lo + (long long)floor(u * (double)(hi - lo + 1));

    return v > hi ? hi : v;
}

static long long pow10ll(int n)
{
    long long v = 1;

    while (n-- > 0)
        v *= 10;
    return v;
}

static char *iso(struct ymd d)
{
    char s[11];

    ymd_iso(d, s);
    return xstrdup(s);
}

static char *gen_value(const struct forms_field *fld, const struct form_fill *fill,
                       struct ymd as_of, const struct person *who, struct sim_rng *r)
{
    struct buf b;

    buf_init(&b);
    switch (fld->kind) {
    case FORMS_CHECK:
    case FORMS_PRESENCE:
        buf_adds(&b, fld->kind == FORMS_PRESENCE || sim_rng_pct(r, 50) ? "1" : "0");
        break;
    case FORMS_CHOICE:
        buf_adds(&b, fld->options[sim_rng_int(r, 0, (int)fld->n_options - 1)].value);
        break;
    case FORMS_MULTI: {
        unsigned long long bits = 0;
        int k = sim_rng_int(r, 1, fld->n_options < 3 ? (int)fld->n_options : 3);
        for (int i = 0; i < k; i++)
            bits |= 1ull << sim_rng_int(r, 0, (int)fld->n_options - 1);
        for (size_t i = 0; i < fld->n_options; i++)
            if (bits & (1ull << i)) {
                if (b.len > 0)
                    buf_addc(&b, ',');
                buf_adds(&b, fld->options[i].value);
            }
        break;
    }
    case FORMS_DIGITS:
        if (fld->has_min && fld->has_max) {
            long long v = tri(r, (long long)ceil(fld->min), (long long)floor(fld->max));
            buf_addf(&b, "%0*lld", fld->min_len > 0 ? fld->min_len : 1, v);
        } else {
            int lo = fld->min_len > 0 ? fld->min_len : fld->cells;
            int n = sim_rng_int(r, lo, fld->cells);
            /* a phone number starts with 0; other codes with any digit but 0 */
            buf_addc(&b, strstr(fld->name, "phone") || strstr(fld->name, "tel")
                             ? '0' : (char)('1' + sim_rng_int(r, 0, 8)));
            for (int i = 1; i < n; i++)
                buf_addc(&b, (char)('0' + sim_rng_int(r, 0, 9)));
        }
        break;
    case FORMS_NUMBER: {
        long long sc = pow10ll(fld->decimals);
        long long v = tri(r, (long long)ceil(fld->min * (double)sc),
                          (long long)floor(fld->max * (double)sc));
        if (fld->decimals > 0)
            buf_addf(&b, "%lld.%0*lld", v / sc, fld->decimals, v % sc);
        else
            buf_addf(&b, "%lld", v);
        break;
    }
    case FORMS_DATE: {
        /* a pre-filled checkup form is dated the day it was filled in (the
         * checkup day, as_of); other dates some weeks before it */
        int back = sim_rng_int(r, 0, 60);
        buf_release(&b);
        return iso(ymd_from_days(ymd_to_days(as_of) - (fill != NULL && fill->subject ? 0 : back)));
    }
    case FORMS_KANA:
        buf_adds(&b, surnames[who->surname][1]);
        buf_adds(&b, " ");
        buf_adds(&b, given[who->given][1]);
        break;
    case FORMS_TEXT:
        if (strstr(fld->name, "address") || strstr(fld->name, "jusho")) {
            buf_addf(&b, "みどり市%s%d丁目%d番%d号", towns[sim_rng_int(r, 0, COUNT(towns) - 1)],
                     sim_rng_int(r, 1, 5), sim_rng_int(r, 1, 30), sim_rng_int(r, 1, 20));
        } else {
            buf_adds(&b, surnames[who->surname][0]);
            buf_adds(&b, " ");
            buf_adds(&b, given[who->given][0]);
        }
        break;
    case FORMS_MYNUMBER: {
        char d[13];
        d[0] = (char)('1' + sim_rng_int(r, 0, 8));
        for (int i = 1; i < 11; i++)
            d[i] = (char)('0' + sim_rng_int(r, 0, 9));
        d[11] = '\0';
        d[11] = (char)('0' + mynumber_check_digit(d));
        d[12] = '\0';
        buf_adds(&b, d);
        break;
    }
    case FORMS_PRINTED:
        formprint_source(fld->source, fill, &b);
        if (b.len == 0) {
            buf_release(&b);
            return NULL;
        }
        break;
    case FORMS_KIND_COUNT:
        break;
    }
    return buf_detach(&b);
}

/* What an optional field left blank reads as. */
static char *blank_raw(const struct forms_field *fld)
{
    return fld->kind == FORMS_CHECK || fld->kind == FORMS_PRESENCE ? xstrdup("0") : NULL;
}

static void set_raw(char **raw, size_t i, char *v)
{
    free(raw[i]);
    raw[i] = v;
}

/* The value of a choice or check that satisfies a rule's condition. */
static char *condition_value(const struct forms_field *fld, unsigned long long mask,
                             struct sim_rng *r)
{
    int opts[FORMS_MAX_OPTIONS], n = 0;

    if (fld->kind == FORMS_CHECK)
        return xstrdup("1");
    for (size_t i = 0; i < fld->n_options; i++)
        if (mask & (1ull << i))
            opts[n++] = (int)i;
    return n > 0 ? xstrdup(fld->options[opts[sim_rng_int(r, 0, n - 1)]].value) : NULL;
}

/* Changes raw so that rule ri (which fails on vals) is likelier to pass. */
static void fix_rule(const struct forms_form *f, size_t ri, char **raw,
                     const struct forms_value *vals, const struct form_fill *fill,
                     struct ymd as_of, const struct person *who, struct sim_rng *r)
{
    const struct forms_rule *ru = &f->rules[ri];
    size_t a = ru->fields[0];

    switch (ru->type) {
    case FORMS_RULE_ONLY_IF:
        if (!f->fields[a].required)
            set_raw(raw, a, blank_raw(&f->fields[a]));
        else
            set_raw(raw, ru->if_field, condition_value(&f->fields[ru->if_field], ru->if_mask, r));
        break;
    case FORMS_RULE_REQUIRES_IF:
        set_raw(raw, a, gen_value(&f->fields[a], fill, as_of, who, r));
        break;
    case FORMS_RULE_EXCLUSIVE:
        set_raw(raw, a, xstrdup(sim_rng_pct(r, 30) ? f->fields[a].options[ru->option].value : ""));
        if (raw[a][0] == '\0') {
            /* keep the others: rebuild without the exclusive option */
            struct buf b;
            buf_init(&b);
            for (size_t i = 0; i < f->fields[a].n_options; i++)
                if (i != ru->option && (vals[a].options & (1ull << i))) {
                    if (b.len > 0)
                        buf_addc(&b, ',');
                    buf_adds(&b, f->fields[a].options[i].value);
                }
            set_raw(raw, a, buf_detach(&b));
        }
        break;
    case FORMS_RULE_DATE_ORDER: {
        /* sort the dates that are there */
        struct ymd d[4];
        size_t idx[4], n = 0;
        for (size_t i = 0; i < ru->n_fields; i++)
            if (vals[ru->fields[i]].present) {
                idx[n] = ru->fields[i];
                d[n++] = vals[ru->fields[i]].date;
            }
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && ymd_cmp(d[j - 1], d[j]) > 0; j--) {
                struct ymd t = d[j];
                d[j] = d[j - 1];
                d[j - 1] = t;
            }
        for (size_t i = 0; i < n; i++)
            set_raw(raw, idx[i], iso(d[i]));
        break;
    }
    case FORMS_RULE_AGE_RANGE: {
        double lo = ru->min > 18 ? ru->min : 18, hi = ru->max < 42 ? ru->max : 42;
        struct ymd on = vals[ru->fields[1]].date;
        struct ymd b = ymd_add_months(on, -12 * sim_rng_int(r, (int)ceil(lo), (int)floor(hi) - 1));
        set_raw(raw, a, iso(ymd_from_days(ymd_to_days(b) - sim_rng_int(r, 1, 300))));
        break;
    }
    case FORMS_RULE_DUE_DATE: {
        /* 届出 usually at 6-24 weeks; 予定日 from it, give or take a week */
        int weeks = sim_rng_int(r, 6, 24);
        struct ymd td = vals[ru->fields[0]].present ? vals[ru->fields[0]].date : as_of;
        set_raw(raw, ru->fields[1], xasprintf("%d", weeks));
        set_raw(raw, ru->fields[2],
                iso(ymd_from_days(ymd_to_days(td) + 280 - 7 * weeks + sim_rng_int(r, -7, 7))));
        break;
    }
    case FORMS_RULE_COUNT:
        break;
    }
}

static int parse_all(const struct forms_form *f, char **raw, struct forms_value *vals,
                     struct berr *e)
{
    for (size_t i = 0; i < f->n_fields; i++) {
        int rc = forms_value_parse(&f->fields[i], raw[i], &vals[i], e);
        if (rc < 0)
            return berr_prefix(e, "%s (%s): ", f->id, f->fields[i].name);
    }
    return 0;
}

/* A date's era must be one the form offers (printed era or an era box). */
static int date_era_ok(const struct forms_field *fld, struct ymd d)
{
    struct wareki w;

    if (jpdate_to_wareki(d, &w) < 0)
        return 0;
    if (fld->era_fixed != ERA_NONE)
        return w.era == fld->era_fixed;
    return forms_option_find(fld, jp_era_letter(w.era)) >= 0;
}

/*
 * The 歯科 items as a dentist writes them (a field named mushiba, the
 * count, and mushiba_type, the 罹患型): most children of 1歳6か月 and 3歳
 * have no caries, a few have one to six; the type follows the count - a
 * caries-free type (value starting with "o": O1/O2, O) with none, a type
 * with caries (A, B, C...) with some.  A blank count stays blank.
 */
static void dental_values(const struct forms_form *f, char **raw, struct sim_rng *r)
{
    int count = forms_field_index(f, "mushiba"), type = forms_field_index(f, "mushiba_type");
    int n, opts[FORMS_MAX_OPTIONS], k = 0;

    if (count < 0 || raw[count] == NULL)
        return;
    n = sim_rng_pct(r, 75) ? 0 : sim_rng_int(r, 1, 6);
    set_raw(raw, count, xasprintf("%d", n));
    if (type < 0 || raw[type] == NULL || f->fields[type].kind != FORMS_CHOICE)
        return;
    for (size_t i = 0; i < f->fields[type].n_options; i++)
        if ((f->fields[type].options[i].value[0] == 'o') == (n == 0))
            opts[k++] = (int)i;
    if (k > 0)
        set_raw(raw, type, xstrdup(f->fields[type].options[opts[sim_rng_int(r, 0, k - 1)]].value));
}

/*
 * The 新生児聴覚検査 as a clinic writes it (fields kekka_migi, kekka_hidari,
 * kensa_kubun, houhou): most babies pass both ears at the first test; about
 * one in twenty is リファー in one ear (rarely both), and a 確認検査 is the
 * second look at such a baby; 自動ABR is the commoner method.
 */
static void hearing_values(const struct forms_form *f, char **raw, struct sim_rng *r)
{
    int right = forms_field_index(f, "kekka_migi"), left = forms_field_index(f, "kekka_hidari");
    int kubun = forms_field_index(f, "kensa_kubun"), houhou = forms_field_index(f, "houhou");
    int refer_r = 0, refer_l = 0;

    if (right < 0 || left < 0 || raw[right] == NULL || raw[left] == NULL)
        return;
    if (sim_rng_pct(r, 5)) {
        int both = sim_rng_pct(r, 20), side = sim_rng_int(r, 0, 1);
        refer_r = both || side == 0;
        refer_l = both || side == 1;
    }
    set_raw(raw, right, xstrdup(refer_r ? "refer" : "pass"));
    set_raw(raw, left, xstrdup(refer_l ? "refer" : "pass"));
    if (kubun >= 0 && raw[kubun] != NULL)
        set_raw(raw, kubun, xstrdup(sim_rng_pct(r, 90) ? "shokai" : "kakunin"));
    if (houhou >= 0 && raw[houhou] != NULL)
        set_raw(raw, houhou, xstrdup(sim_rng_pct(r, 75) ? "aabr" : "oae"));
}

/* One of n values by weights in percent (summing to 100). */
static const char *pick(struct sim_rng *r, const char *const *v, const int *pct, int n)
{
    int x = sim_rng_int(r, 0, 99), acc = 0;

    for (int i = 0; i < n; i++) {
        acc += pct[i];
        if (x < acc)
            return v[i];
    }
    return v[n - 1];
}

/*
 * The 新生児訪問指導票 (form shinseiji_houmon) as a visitor writes it: the
 * weight (g) of a baby of that age on the visit day (about 3000 g at birth,
 * +30 g a day, give or take 12 %), the usual 対象 (the baby and the mother),
 * mostly 母乳 or 混合, mostly 異常なし and no check item; the mother's EPDS
 * mostly 0 and 1 (item 10 a clean 0 on all but a few), the total their sum.
 */
static void visit_values(const struct forms_form *f, const struct form_fill *fill, struct ymd as_of,
                         char **raw, struct sim_rng *r)
{
    static const char *const subj[] = { "shinseiji,sanpu", "mijukuji,sanpu", "shinseiji" };
    static const int subj_pct[] = { 85, 10, 5 };
    static const char *const feed[] = { "bonyu", "kongo", "jinko" };
    static const int feed_pct[] = { 50, 40, 10 };
    static const char *const res[] = { "ijonashi", "yokansatsu", "yoseimitsu" };
    static const int res_pct[] = { 80, 17, 3 };
    static const char *const score[] = { "0", "1", "2", "3" };
    static const int score_pct[] = { 70, 20, 8, 2 }, item10_pct[] = { 97, 2, 1, 0 };
    int i, total = 0;

    if (strcmp(f->id, "shinseiji_houmon") != 0)
        return;
    if ((i = forms_field_index(f, "taiju")) >= 0 && raw[i] != NULL) {
        long age = fill != NULL && fill->birth.y ? ymd_to_days(as_of) - ymd_to_days(fill->birth) : 30;
        double g = (3000.0 + 30.0 * (double)(age < 0 ? 0 : age > 150 ? 150 : age)) *
                   sim_rng_uniform(r, 0.88, 1.12);
        set_raw(raw, i, xasprintf("%d", (int)(g < 1000 ? 1000 : g > 9999 ? 9999 : g)));
    }
    if ((i = forms_field_index(f, "taisho")) >= 0 && raw[i] != NULL)
        set_raw(raw, i, xstrdup(pick(r, subj, subj_pct, 3)));
    if ((i = forms_field_index(f, "eiyou")) >= 0 && raw[i] != NULL)
        set_raw(raw, i, xstrdup(pick(r, feed, feed_pct, 3)));
    if ((i = forms_field_index(f, "shoken")) >= 0 && raw[i] != NULL)
        set_raw(raw, i, xstrdup(pick(r, res, res_pct, 3)));
    if ((i = forms_field_index(f, "kakunin")) >= 0 && raw[i] != NULL &&
        f->fields[i].kind == FORMS_MULTI)
        set_raw(raw, i, xstrdup(sim_rng_pct(r, 85) ? ""
                                : f->fields[i].options[sim_rng_int(r, 0, (int)f->fields[i].n_options - 1)].value));
    for (int k = 1; k <= 10; k++) {
        char name[24];
        snprintf(name, sizeof(name), "epds_%d", k);
        if ((i = forms_field_index(f, name)) < 0 || raw[i] == NULL)
            continue;
        const char *v = pick(r, score, k == 10 ? item10_pct : score_pct, 4);
        set_raw(raw, i, xstrdup(v));
        total += v[0] - '0';
    }
    if ((i = forms_field_index(f, "epds_total")) >= 0 && raw[i] != NULL)
        set_raw(raw, i, xasprintf("%d", total));
}

/*
 * Generated values: raw[] (parallel to fields) that parse and pass the
 * form's rules.  vals[] holds the parsed values.
 */
static int gen_values(const struct forms_form *f, const struct form_fill *fill,
                      const struct sim_fill_opts *o, struct sim_rng *r, char **raw,
                      struct forms_value *vals, struct berr *e)
{
    struct person who;
    int rc = 0;

    who.surname = sim_rng_int(r, 0, COUNT(surnames) - 1);
    who.given = sim_rng_int(r, 0, COUNT(given) - 1);
    for (int attempt = 0; attempt < 20; attempt++) {
        for (size_t i = 0; i < f->n_fields; i++) {
            const struct forms_field *fld = &f->fields[i];
            if (fld->kind != FORMS_PRINTED && !fld->required && sim_rng_pct(r, o->blank_pct))
                set_raw(raw, i, blank_raw(fld));
            else
                set_raw(raw, i, gen_value(fld, fill, o->as_of, &who, r));
        }
        /* a stream of its own: the other fields come out as they always did for a seed */
        struct sim_rng rdent;
        sim_rng_seed(&rdent, o->seed + (uint64_t)attempt, 3);
        dental_values(f, raw, &rdent);
        sim_rng_seed(&rdent, o->seed + (uint64_t)attempt, 4);
        hearing_values(f, raw, &rdent);
        sim_rng_seed(&rdent, o->seed + (uint64_t)attempt, 5);
        visit_values(f, fill, o->as_of, raw, &rdent);
        for (int pass = 0; pass < RULE_PASSES; pass++) {
            int bad = 0;
            rc = parse_all(f, raw, vals, e);
            if (rc < 0)
                return rc;   /* a generator bug: say which field */
            for (size_t ri = 0; ri < f->n_rules; ri++)
                if (forms_rule_check(f, ri, vals, NULL) < 0) {
                    fix_rule(f, ri, raw, vals, fill, o->as_of, &who, r);
                    bad = 1;
                    break;
                }
            for (size_t i = 0; i < f->n_fields && !bad; i++)
                if (f->fields[i].kind == FORMS_DATE && vals[i].present &&
                    !date_era_ok(&f->fields[i], vals[i].date)) {
                    set_raw(raw, i, gen_value(&f->fields[i], fill, o->as_of, &who, r));
                    bad = 1;
                }
            if (!bad)
                return 0;
        }
    }
    return berr_set(e, BERR_FAIL, "%s: 規則を満たす値を作れませんでした", f->id);
}

/* ---- pen strokes on the handwriting layer ---------------------------- */

struct pen {
    struct pdf *pdf;
    double width;      /* mm */
    double grey;       /* 0 black .. 1 white */
    struct sim_rng *r;
    int digit_font;    /* handwriting font id */
    const struct hand_font *digit_metrics;
    int kana_font;     /* PDF_GOTHIC or PDF_MINCHO */
    const struct handkana_style *kana_hand;   /* カナ from strokes in this hand; NULL: font */
};

/* A stroke stamped with squares: ink of any grey (pdf_line is black only). */
static void stroke(const struct pen *p, double x1, double y1, double x2, double y2)
{
    double len = hypot(x2 - x1, y2 - y1), w = p->width;
    int n = (int)ceil(len / (w / 3)) + 1;

    for (int i = 0; i < n; i++) {
        double t = n > 1 ? (double)i / (n - 1) : 0;
        pdf_fill_rect(p->pdf, x1 + t * (x2 - x1) - w / 2, y1 + t * (y2 - y1) - w / 2, w, w,
                      p->grey);
    }
}

static double jit(const struct pen *p, double a)
{
    return sim_rng_uniform(p->r, -a, a);
}

static void tick(const struct pen *p, const struct forms_box *b, double dx, double dy)
{
    double s = b->w, x = b->x + dx, y = b->y + dy;
    double ax = x + 0.12 * s + jit(p, 0.06 * s), ay = y + 0.50 * s + jit(p, 0.08 * s);
    double mx = x + 0.40 * s + jit(p, 0.06 * s), my = y + 0.85 * s + jit(p, 0.05 * s);
    double ex = x + 0.92 * s + jit(p, 0.06 * s), ey = y + 0.02 * s + jit(p, 0.10 * s);

    stroke(p, ax, ay, mx, my);
    stroke(p, mx, my, ex, ey);
}

static void cross(const struct pen *p, const struct forms_box *b)
{
    double s = b->w, x = b->x, y = b->y;

    stroke(p, x + 0.15 * s + jit(p, 0.06 * s), y + 0.15 * s + jit(p, 0.06 * s),
           x + 0.85 * s + jit(p, 0.06 * s), y + 0.85 * s + jit(p, 0.06 * s));
    stroke(p, x + 0.85 * s + jit(p, 0.06 * s), y + 0.15 * s + jit(p, 0.06 * s),
           x + 0.15 * s + jit(p, 0.06 * s), y + 0.85 * s + jit(p, 0.06 * s));
}

/* A zigzag filling the box; over > 0 overshoots its edges (scribbling out). */
static void fill_box(const struct pen *p, const struct forms_box *b, double over)
{
    double x0 = b->x + 0.35 - over, x1 = b->x + b->w - 0.35 + over;
    double y = b->y + 0.35 - over, y1 = b->y + b->h - 0.35 + over, step = p->width * 0.6;
    int right = 1;

    while (y < y1) {
        double ny = y + step < y1 ? y + step : y1;
        stroke(p, right ? x0 + jit(p, 0.2) : x1 + jit(p, 0.2), y,
               right ? x1 + jit(p, 0.2) : x0 + jit(p, 0.2), ny);
        right = !right;
        y = ny + (ny >= y1 ? 1 : 0);
    }
}

/* A signature-like scribble across part of box b. */
static void scribble(const struct pen *p, const struct forms_box *b)
{
    double len = b->w * sim_rng_uniform(p->r, 0.35, 0.7), x0 = b->x + sim_rng_uniform(p->r, 2, 6);
    double cy = b->y + b->h / 2 + jit(p, b->h * 0.1), amp = b->h * sim_rng_uniform(p->r, 0.15, 0.3);
    double w1 = sim_rng_uniform(p->r, 4, 9) * 2 * PI, w2 = sim_rng_uniform(p->r, 1, 3) * 2 * PI;
    double lx = 0, ly = 0, ph = sim_rng_uniform(p->r, 0, 2 * PI);
    int n = (int)(len / 0.3);

    for (int i = 0; i <= n; i++) {
        double t = (double)i / n;
        double x = x0 + len * t + amp * 0.6 * cos(w1 * t + ph);
        double y = cy + amp * sin(w1 * t) + amp * 0.4 * sin(w2 * t);
        if (i > 0)
            stroke(p, lx, ly, x, y);
        lx = x;
        ly = y;
    }
}

/*
 * One character in cell (x, y, w, h) with handwriting jitter: ink 60-90 %
 * of the cell's height, centre offset up to 15 % (digits) or 10 % (kana)
 * of the cell, turned up to 8° (kana 5°), digits slanted a little.
 */
static void cell_char(const struct pen *p, int font, const struct hand_font *m, double x,
                      double y, double w, double h, const char *ch, int digit)
{
    double frac = sim_rng_uniform(p->r, 0.6, 0.9), em_mm = frac * h / m->height_em;
    double off = digit ? 0.15 : 0.10;
    double cx = x + w / 2 + jit(p, off * w), cy = y + h / 2 + jit(p, off * h) + m->above_em * em_mm;
    double ang = digit ? jit(p, 8) : jit(p, 5), shear = digit ? jit(p, 0.12) : 0;

    pdf_text_styled(p->pdf, font, em_mm * PT_PER_MM, cx, cy, ang, shear, p->grey, ch);
}

/* Writes the UTF-8 characters of cells (one per cell, ' ' skipped) into a comb. */
static void comb_write(const struct pen *p, const struct forms_box *b, int ncells,
                       const char *cells, int digit)
{
    double cw = b->w / ncells;
    const char *s = cells;

    for (int i = 0; i < ncells && *s != '\0'; i++) {
        int n = 1;
        char ch[8];
        while ((s[n] & 0xC0) == 0x80)
            n++;
        if (*s != ' ' && n < (int)sizeof(ch)) {
            memcpy(ch, s, (size_t)n);
            ch[n] = '\0';
            static const struct hand_font kana = { NULL, 0.95, 0.0 };
            cell_char(p, digit ? p->digit_font : p->kana_font, digit ? p->digit_metrics : &kana,
                      b->x + i * cw, b->y, cw, b->h, ch, digit);
        }
        s += n;
    }
}

/* One pen stamp of a stroke-drawn kana: a square of the round pen's area, in mm. */
static void pdf_dot(void *ctx, double x, double y, double rad, double ink)
{
    const struct pen *p = ctx;
    double side = 1.772 * rad;

    (void)ink;
    pdf_fill_rect(p->pdf, x - side / 2, y - side / 2, side, side, p->grey);
}

/*
 * A kana value written stroke by stroke into a カナ box in p's hand
 * (demo/handkana.c), folded into cells as the box asks (ガ as カ and ゛,
 * the space between names an empty cell).  Returns the cells as written,
 * one UTF-8 character per cell, ' ' empty (caller frees), or NULL when a
 * character has no cell form.
 */
static char *hand_kana_write(const struct pen *p, const struct forms_box *b, int ncells,
                             const char *kana)
{
    int cls[OCR_MAX_CELLS], n = ocr_kana_cells(kana, 1, cls, OCR_MAX_CELLS);
    double cw = b->w / ncells;
    struct buf out;

    if (n < 0)
        return NULL;
    buf_init(&out);
    for (int i = 0; i < ncells; i++) {
        if (i >= n || cls[i] == OCR_KANA_EMPTY) {
            buf_addc(&out, ' ');
            continue;
        }
        struct hand_pose pose;
        struct hand_glyph g;
        /* the printed comb's interior: the cell less its lines */
        handkana_pose(p->kana_hand, p->r, cls[i], cw - 0.6, b->h - 0.6, 1.0, &pose, &g);
        pose.cx += b->x + i * cw + 0.3;
        pose.cy += b->y + 0.3;
        hand_glyph_render(&pose, &g, p->r, pdf_dot, (void *)p);
        buf_adds(&out, ocr_kana_label(cls[i]));
    }
    return buf_detach(&out);
}

/* Kanji text written along box b, shrunk to fit (print-like font). */
static void text_write(const struct pen *p, const struct forms_box *b, const char *t)
{
    size_t nch = 0;
    double size_mm, x;
    const char *s;

    for (s = t; *s; s++)
        if ((*s & 0xC0) != 0x80)
            nch++;
    size_mm = b->h * sim_rng_uniform(p->r, 0.5, 0.7);
    if (nch > 0 && size_mm * 1.05 * nch > b->w - 4)
        size_mm = (b->w - 4) / (1.05 * nch);
    x = b->x + 2 + sim_rng_uniform(p->r, 0, 3);
    for (s = t; *s;) {
        int n = 1;
        char ch[8];
        while ((s[n] & 0xC0) == 0x80)
            n++;
        if (*s != ' ' && n < (int)sizeof(ch)) {
            memcpy(ch, s, (size_t)n);
            ch[n] = '\0';
            pdf_text_styled(p->pdf, p->kana_font == PDF_GOTHIC ? PDF_MINCHO : PDF_GOTHIC,
                            size_mm * sim_rng_uniform(p->r, 0.9, 1.1) * PT_PER_MM,
                            x + size_mm / 2, b->y + b->h / 2 + jit(p, b->h * 0.08), jit(p, 4), 0,
                            p->grey, ch);
        }
        x += size_mm * (*s == ' ' ? 0.6 : sim_rng_uniform(p->r, 0.95, 1.1));
        s += n;
    }
}

/* ---- styles and drawing ---------------------------------------------- */

/* A mark's style: plain (tick, cross, fill) or, tricky_pct of the time, faint/stray/corrected. */
static enum sim_how choose_mark(struct sim_rng *r, int tricky_pct, int can_correct)
{
    int k;

    if (sim_rng_pct(r, tricky_pct)) {
        k = sim_rng_int(r, 0, can_correct ? 2 : 1);
        return k == 0 ? SIM_HOW_FAINT : k == 1 ? SIM_HOW_STRAY : SIM_HOW_CORRECTED;
    }
    k = sim_rng_int(r, 0, 9);
    return k < 5 ? SIM_HOW_TICK : k < 8 ? SIM_HOW_CROSS : SIM_HOW_FILL;
}

/*
 * A tick as people make them: its size 70-110 % of the box, moved up to
 * 12 % of the box (so partly outside it), the pen 0.3-0.8 mm, pressed
 * anything from hard to light.
 */
static void tick_varied(const struct pen *p, const struct forms_box *b)
{
    struct pen q = *p;
    struct forms_box t = *b;
    double f = sim_rng_uniform(p->r, 0.7, 1.1);

    q.width = sim_rng_uniform(p->r, 0.3, 0.8);
    q.grey = sim_rng_uniform(p->r, 0.0, 0.3);
    t.w = b->w * f;
    t.h = b->h * f;
    t.x = b->x + (b->w - t.w) / 2 + jit(p, 0.12 * b->w);
    t.y = b->y + (b->h - t.h) / 2 + jit(p, 0.12 * b->h);
    tick(&q, &t, 0, 0);
}

/* One slash across the box, either way, its ends near or past the corners. */
static void slash(const struct pen *p, const struct forms_box *b)
{
    struct pen q = *p;
    double s = b->w, x = b->x, y = b->y;
    int rising = sim_rng_pct(p->r, 75);

    q.width = sim_rng_uniform(p->r, 0.3, 0.8);
    q.grey = sim_rng_uniform(p->r, 0.0, 0.3);
    stroke(&q, x + 0.12 * s + jit(p, 0.12 * s), y + (rising ? 0.88 : 0.12) * s + jit(p, 0.12 * s),
           x + 0.88 * s + jit(p, 0.12 * s), y + (rising ? 0.12 : 0.88) * s + jit(p, 0.12 * s));
}

/*
 * A loop round box b and its label (the box alone, wider, without one):
 * a rounded oval 0.6-1.6 mm clear of the box on the left, up to 0.8 mm
 * past the label on the right (the next option's box may be 1 mm away),
 * drawn from a random start over 320-380 degrees, so not always closed.
 */
static void circle(const struct pen *p, const struct forms_box *b, const struct forms_box *label)
{
    struct pen q = *p;
    double left = b->x - sim_rng_uniform(p->r, 0.6, 1.6);
    double right = (label ? label->x + label->w : b->x + b->w + 1.5) + sim_rng_uniform(p->r, 0.1, 0.8);
    double top = b->y - sim_rng_uniform(p->r, 0.9, 2.0), bottom = b->y + b->h + sim_rng_uniform(p->r, 0.9, 2.0);
    double cx = (left + right) / 2, cy = (top + bottom) / 2, a = (right - left) / 2, c = (bottom - top) / 2;
    double start = sim_rng_uniform(p->r, 0, 2 * PI), sweep = sim_rng_uniform(p->r, 320, 380) * PI / 180;
    double wob = sim_rng_uniform(p->r, 0, 2 * PI), lx = 0, ly = 0;
    int n = 90;

    q.width = sim_rng_uniform(p->r, 0.3, 0.7);
    q.grey = sim_rng_uniform(p->r, 0.0, 0.3);
    for (int i = 0; i <= n; i++) {
        double t = start + sweep * i / n, ct = cos(t), st = sin(t);
        /* a superellipse (exponent 3): round, but clear of the box's corners */
        double ex = copysign(pow(fabs(ct), 2.0 / 3), ct), ey = copysign(pow(fabs(st), 2.0 / 3), st);
        double r = 1 + 0.04 * sin(3 * t + wob) + 0.05 * (double)i / n;
        double x = cx + a * r * ex, y = cy + c * r * ey;
        if (i > 0)
            stroke(&q, lx, ly, x, y);
        lx = x;
        ly = y;
    }
}

/*
 * Draws one mark of style how in box b (label: where its label is printed,
 * or NULL) with pen p (faint and pencil lighten a copy).
 */
static void mark(const struct pen *p, const struct forms_box *b, const struct forms_box *label,
                 enum sim_how how)
{
    struct pen q = *p;
    double s = b->w;

    switch (how) {
    case SIM_HOW_TICK:
        tick_varied(p, b);
        break;
    case SIM_HOW_CROSS:
        cross(p, b);
        break;
    case SIM_HOW_SLASH:
        slash(p, b);
        break;
    case SIM_HOW_CIRCLE:
        circle(p, b, label);
        break;
    case SIM_HOW_PENCIL:
        /* HB pressed lightly: grey, thin, but a whole stroke */
        q.grey = sim_rng_uniform(p->r, 0.45, 0.6);
        q.width = sim_rng_uniform(p->r, 0.3, 0.45);
        tick(&q, b, jit(p, 0.1 * s), jit(p, 0.1 * s));
        break;
    case SIM_HOW_FILL:
        q.width = 0.8;
        fill_box(&q, b, 0);
        break;
    case SIM_HOW_FAINT:
        q.grey = sim_rng_uniform(p->r, 0.62, 0.74);
        q.width = sim_rng_uniform(p->r, 0.4, 0.6);
        if (sim_rng_pct(p->r, 50))
            tick(&q, b, 0, 0);
        else
            cross(&q, b);
        break;
    case SIM_HOW_STRAY: {
        /* mostly outside the box, to one side */
        int side = sim_rng_int(p->r, 0, 3);
        double d = s * sim_rng_uniform(p->r, 0.6, 0.85);
        tick(p, b, side == 0 ? d : side == 1 ? -d : 0, side == 2 ? d : side == 3 ? -d : 0);
        break;
    }
    default:
        tick(p, b, 0, 0);
        break;
    }
}

/* Right-aligned digits of text (point removed) in ncells, ' ' before. */
static char *right_cells(const char *digits, int ncells)
{
    struct buf b;
    int n = 0;

    for (const char *s = digits; *s; s++)
        if (*s >= '0' && *s <= '9')
            n++;
    buf_init(&b);
    for (int i = n; i < ncells; i++)
        buf_addc(&b, ' ');
    for (const char *s = digits; *s; s++)
        if (*s >= '0' && *s <= '9')
            buf_addc(&b, *s);
    return buf_detach(&b);
}

/* A kana value laid in ncells: one per cell, the U+3000 between names as an empty cell. */
static char *kana_cells(const char *kana, int ncells)
{
    struct buf b;
    int n = 0;

    buf_init(&b);
    for (const char *s = kana; *s && n < ncells;) {
        int k = 1;
        while ((s[k] & 0xC0) == 0x80)
            k++;
        if (strncmp(s, "\xE3\x80\x80", 3) == 0 || *s == ' ')
            buf_addc(&b, ' ');
        else
            buf_add(&b, s, (size_t)k);
        s += k;
        n++;
    }
    return buf_detach(&b);
}

/* Two cells for a date part: " 4" or "04". */
static char *date_cells(int v, struct sim_rng *r)
{
    if (v >= 10 || sim_rng_pct(r, 50))
        return xasprintf("%02d", v);
    return xasprintf(" %d", v);
}

static void draw_date(const struct pen *p, struct sim_field_truth *ft, const struct forms_value *v,
                      struct sim_rng *r, int tricky_pct)
{
    const struct forms_field *fld = ft->field;
    struct wareki w;

    if (!v->present || jpdate_to_wareki(v->date, &w) < 0) {
        ft->how = SIM_HOW_BLANK;
        return;
    }
    ft->how = SIM_HOW_DIGITS;
    ft->date_parts[0] = xstrdup(fld->era_fixed != ERA_NONE ? "" : jp_era_letter(w.era));
    ft->date_parts[1] = date_cells(w.year, r);
    ft->date_parts[2] = date_cells(w.month, r);
    ft->date_parts[3] = date_cells(w.day, r);
    if (fld->era_fixed == ERA_NONE) {
        int oi = forms_option_find(fld, ft->date_parts[0]);
        if (oi >= 0)
            mark(p, &fld->options[oi].box, NULL, choose_mark(r, 0, 0));
    }
    (void)tricky_pct;
    comb_write(p, &fld->year.box, fld->year.cells, ft->date_parts[1], 1);
    comb_write(p, &fld->month.box, fld->month.cells, ft->date_parts[2], 1);
    comb_write(p, &fld->day.box, fld->day.cells, ft->date_parts[3], 1);
}

/* Draws field ft (value v) on the current handwriting page; fills how/review/cells. */
static void draw_field(const struct pen *p, struct sim_field_truth *ft, const struct forms_value *v,
                       struct sim_rng *r, int tricky_pct, enum sim_how force)
{
    const struct forms_field *fld = ft->field;

    switch (fld->kind) {
    case FORMS_CHECK:
        if (!v->present) {
            ft->how = SIM_HOW_BLANK;
            break;
        }
        ft->how = force != SIM_HOW_COUNT ? force : choose_mark(r, tricky_pct, 0);
        mark(p, &fld->box, fld->has_label_box ? &fld->label_box : NULL, ft->how);
        break;
    case FORMS_CHOICE:
    case FORMS_MULTI: {
        int meant = -1, wrong = -1;
        if (!v->present) {
            ft->how = SIM_HOW_BLANK;
            break;
        }
        ft->how = force != SIM_HOW_COUNT
                      ? force
                      : choose_mark(r, tricky_pct, fld->kind == FORMS_CHOICE && fld->n_options > 1);
        for (size_t i = 0; i < fld->n_options; i++)
            if (v->options & (1ull << i)) {
                meant = (int)i;
                mark(p, &fld->options[i].box,
                     fld->options[i].has_label_box ? &fld->options[i].label_box : NULL, ft->how);
            }
        if (ft->how == SIM_HOW_CORRECTED && meant >= 0) {
            struct pen q = *p;
            wrong = (meant + sim_rng_int(r, 1, (int)fld->n_options - 1)) % (int)fld->n_options;
            q.width = 0.7;
            fill_box(&q, &fld->options[wrong].box, 0);
            fill_box(&q, &fld->options[wrong].box, 0.8);   /* scribbled out */
            ft->crossed_out = xstrdup(fld->options[wrong].value);
        }
        break;
    }
    case FORMS_DIGITS:
    case FORMS_NUMBER:
    case FORMS_MYNUMBER:
        if (!v->present) {
            ft->how = SIM_HOW_BLANK;
            ft->cells = xcalloc(1, (size_t)fld->cells + 1);
            memset(ft->cells, ' ', (size_t)fld->cells);
            break;
        }
        ft->how = SIM_HOW_DIGITS;
        if (fld->kind == FORMS_DIGITS && !(fld->has_min && fld->has_max)) {
            /* codes and phone numbers are written from the left */
            size_t n = strlen(v->text);
            ft->cells = xcalloc(1, (size_t)fld->cells + 1);
            memset(ft->cells, ' ', (size_t)fld->cells);
            memcpy(ft->cells, v->text, n < (size_t)fld->cells ? n : (size_t)fld->cells);
        } else {
            ft->cells = right_cells(v->text, fld->cells);
        }
        comb_write(p, &fld->box, fld->cells, ft->cells, 1);
        break;
    case FORMS_DATE:
        draw_date(p, ft, v, r, tricky_pct);
        break;
    case FORMS_KANA:
        if (!v->present) {
            ft->how = SIM_HOW_BLANK;
            break;
        }
        ft->how = SIM_HOW_KANA;
        if (fld->cells > 0 && p->kana_hand != NULL
            && (ft->cells = hand_kana_write(p, &fld->box, fld->cells, v->text)) != NULL) {
            ft->review = 0;
        } else if (fld->cells > 0) {
            ft->cells = kana_cells(v->text, fld->cells);
            comb_write(p, &fld->box, fld->cells, ft->cells, 0);
        } else {
            text_write(p, &fld->box, v->text);
        }
        break;
    case FORMS_TEXT:
        if (!v->present) {
            ft->how = SIM_HOW_BLANK;
            break;
        }
        ft->how = SIM_HOW_TEXT;
        ft->review = 1;
        text_write(p, &fld->box, v->text);
        break;
    case FORMS_PRESENCE:
        if (!v->present) {
            ft->how = SIM_HOW_BLANK;
            break;
        }
        ft->how = SIM_HOW_SCRIBBLE;
        scribble(p, &fld->box);
        break;
    case FORMS_PRINTED:
        ft->how = v->present ? SIM_HOW_PRINTED : SIM_HOW_BLANK;
        break;
    case FORMS_KIND_COUNT:
        break;
    }
    if (ft->how == SIM_HOW_FAINT || ft->how == SIM_HOW_STRAY || ft->how == SIM_HOW_CORRECTED)
        ft->review = 1;
}

/* The installed handwriting fonts (indexes into hand_fonts); 0 if none. */
static int installed_hand_fonts(int *idx)
{
    int n = 0;

    for (size_t i = 0; i < COUNT(hand_fonts); i++)
        if (access(hand_fonts[i].path, R_OK) == 0)
            idx[n++] = (int)i;
    return n;
}

/*
 * The font id and metrics of handwriting font k (an index into
 * hand_fonts, or -1 for print-like digits), loaded into the document at
 * first use: parsing a TrueType file costs ~20 ms, so only chosen ones are.
 */
static int hand_font(struct pdf *pdf, int k, int *ids, int *id,
                     const struct hand_font **m, struct berr *e)
{
    if (k < 0) {
        *id = PDF_GOTHIC;
        *m = &print_digits;
        return 0;
    }
    if (ids[k] < 0 && pdf_font_add(pdf, hand_fonts[k].path, &ids[k], e) < 0)
        return e ? e->code : BERR_FAIL;
    *id = ids[k];
    *m = &hand_fonts[k];
    return 0;
}

/* The caller's "field=value[:how]" over the generated values (sim_fill_opts.set). */
static int apply_set(const struct forms_form *f, const char *const *set, char **raw,
                     struct forms_value *vals, enum sim_how *force, struct berr *e)
{
    static const struct { const char *name; enum sim_how how; } hows[] = {
        { "tick", SIM_HOW_TICK }, { "cross", SIM_HOW_CROSS }, { "fill", SIM_HOW_FILL },
        { "faint", SIM_HOW_FAINT }, { "stray", SIM_HOW_STRAY }, { "slash", SIM_HOW_SLASH },
        { "circle", SIM_HOW_CIRCLE }, { "pencil", SIM_HOW_PENCIL },
    };

    for (const char *const *p = set; *p; p++) {
        const char *eq = strchr(*p, '=');
        if (eq == NULL)
            return berr_set(e, BERR_INVALID, "「%s」: 項目=値 の形で指定します", *p);
        char *name = xstrndup(*p, (size_t)(eq - *p));
        char *value = xstrdup(eq + 1), *colon = strrchr(value, ':');
        int i = forms_field_index(f, name);
        enum sim_how how = SIM_HOW_COUNT;
        if (colon) {
            *colon = '\0';
            for (size_t k = 0; k < COUNT(hows); k++)
                if (strcmp(colon + 1, hows[k].name) == 0)
                    how = hows[k].how;
            if (how == SIM_HOW_COUNT) {
                berr_set(e, BERR_INVALID, "「%s」: 書き方は tick, cross, fill, faint, stray, slash, circle, pencil です", *p);
                free(name);
                free(value);
                return BERR_INVALID;
            }
        }
        if (i >= 0 && f->fields[i].kind != FORMS_PRINTED) {
            set_raw(raw, (size_t)i, *value ? xstrdup(value) : NULL);
            force[i] = how;
        }
        free(name);
        free(value);
    }
    /* a blank given for a required field is drawn blank (what intake must catch) */
    for (size_t i = 0; i < f->n_fields; i++) {
        if (raw[i] == NULL) {
            forms_value_release(&vals[i]);
            forms_value_init(&vals[i]);
        } else if (forms_value_parse(&f->fields[i], raw[i], &vals[i], e) < 0) {
            return berr_prefix(e, "%s (%s): ", f->id, f->fields[i].name);
        }
    }
    return 0;
}

int sim_fill(const struct forms_form *f, const struct form_fill *fill,
             const unsigned char key[32], const struct sim_fill_opts *o,
             struct sim_sheet **out, struct berr *e)
{
    struct sim_sheet *s = xcalloc(1, sizeof(*s));
    struct sim_fill_opts def;
    struct sim_rng rv, rd;
    char **raw = xcalloc(f->n_fields ? f->n_fields : 1, sizeof(*raw));
    struct forms_value *vals = xcalloc(f->n_fields ? f->n_fields : 1, sizeof(*vals));
    enum sim_how *force = xcalloc(f->n_fields ? f->n_fields : 1, sizeof(*force));
    int installed[COUNT(hand_fonts)], ids[COUNT(hand_fonts)], ninstalled, rc = 0;
    struct handkana_style kana_hand;

    *out = NULL;
    for (size_t i = 0; i < f->n_fields; i++)
        force[i] = SIM_HOW_COUNT;     /* none: the style is drawn at random */
    if (o == NULL) {
        sim_fill_opts_init(&def);
        o = &def;
    }
    for (size_t i = 0; i < f->n_fields; i++)
        forms_value_init(&vals[i]);
    s->form = f;
    s->truth.form = f;
    s->truth.n_fields = f->n_fields;
    s->truth.fields = xcalloc(f->n_fields ? f->n_fields : 1, sizeof(*s->truth.fields));
    if (fill && fill->subject)
        s->truth.subject = xstrdup(fill->subject);
    if (fill && fill->issue_id)
        s->truth.issue = xstrdup(fill->issue_id);
    sim_rng_seed(&rv, o->seed, 1);
    sim_rng_seed(&rd, o->seed, 2);

    if (o->values != NULL) {
        struct person nobody = { 0, 0 };
        for (size_t i = 0; i < f->n_fields; i++) {
            /* what boshi prints comes from the fill, whatever is given */
            if (f->fields[i].kind == FORMS_PRINTED)
                raw[i] = gen_value(&f->fields[i], fill, o->as_of, &nobody, &rv);
            else
                raw[i] = o->values[i] ? xstrdup(o->values[i]) : NULL;
        }
        rc = parse_all(f, raw, vals, e);
    } else {
        rc = gen_values(f, fill, o, &rv, raw, vals, e);
        if (rc == 0 && o->set != NULL)
            rc = apply_set(f, o->set, raw, vals, force, e);
    }
    if (rc < 0)
        goto cleanup;

    rc = pdf_open(&s->pdf, e);
    if (rc < 0)
        goto cleanup;
    rc = formprint_form(s->pdf, f, fill, key, e);
    if (rc < 0)
        goto cleanup;
    if (o->hand_kana)
        handkana_style(&kana_hand, o->hand_kana);
    ninstalled = installed_hand_fonts(installed);
    for (size_t i = 0; i < COUNT(hand_fonts); i++)
        ids[i] = -1;
    for (int page = 1; page <= f->pages; page++) {
        /* one writer per page: pen, ink and hand */
        int k = ninstalled > 0 ? installed[sim_rng_int(&rd, 0, ninstalled - 1)] : -1;
        struct pen pen = {
            .pdf = s->pdf, .r = &rd,
            .width = sim_rng_uniform(&rd, 0.45, 0.75),
            .grey = sim_rng_pct(&rd, 60) ? sim_rng_uniform(&rd, 0.0, 0.12)
                                         : sim_rng_uniform(&rd, 0.2, 0.35),
            .kana_font = sim_rng_pct(&rd, 50) ? PDF_GOTHIC : PDF_MINCHO,
            .kana_hand = o->hand_kana ? &kana_hand : NULL,
        };
        rc = hand_font(s->pdf, k, ids, &pen.digit_font, &pen.digit_metrics, e);
        if (rc < 0)
            break;
        rc = pdf_page_add(s->pdf, PDF_PORTRAIT);
        if (rc < 0)
            break;
        for (size_t i = 0; i < f->n_fields; i++) {
            if (f->fields[i].page != page)
                continue;
            s->truth.fields[i].field = &f->fields[i];
            if (vals[i].text)
                s->truth.fields[i].value = xstrdup(vals[i].text);
            draw_field(&pen, &s->truth.fields[i], &vals[i], &rd, o->tricky_pct,
                       force[i] != SIM_HOW_COUNT ? force[i]
                       : o->mark_how != SIM_HOW_BLANK ? o->mark_how : SIM_HOW_COUNT);
        }
    }
    if (rc == 0)
        rc = pdf_error(s->pdf, e);
    if (rc < 0)
        goto cleanup;
    *out = s;
    s = NULL;
cleanup:
    for (size_t i = 0; i < f->n_fields; i++) {
        free(raw[i]);
        forms_value_release(&vals[i]);
    }
    free(raw);
    free(vals);
    free(force);
    sim_sheet_free(&s);
    return rc;
}

int sim_sheet_save_pdf(struct sim_sheet *s, const char *path, struct berr *e)
{
    return pdf_save(s->pdf, path, e);
}

/* ---- rendering ------------------------------------------------------- */

/* Runs pdftoppm -r dpi -gray pdf prefix, output and messages discarded. */
static int run_pdftoppm(const char *pdf, const char *prefix, int dpi, struct berr *e)
{
    char res[16];
    pid_t pid;
    int status = 0;

    snprintf(res, sizeof(res), "%d", dpi);
    pid = fork();
    if (pid < 0)
        return berr_set(e, BERR_FAIL, "pdftoppm を起動できません (%s)", strerror(errno));
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execlp("pdftoppm", "pdftoppm", "-r", res, "-gray", pdf, prefix, (char *)NULL);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return berr_set(e, BERR_FAIL, "pdftoppm: %s", strerror(errno));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return berr_set(e, BERR_FAIL, "pdftoppm が失敗しました (状態 %d)%s", status,
                        WIFEXITED(status) && WEXITSTATUS(status) == 127
                            ? ": poppler-utils をインストールしてください" : "");
    return 0;
}

/*
 * Reads a binary 8-bit PGM (P5) as pdftoppm writes it; NULL if it is not
 * one.  Leptonica's own reader takes ~150 ms for an A4 page at 300 dpi.
 */
static PIX *read_pgm(const char *path)
{
    FILE *f = fopen(path, "rb");
    int w = 0, h = 0, maxv = 0, c;
    PIX *pix = NULL;
    unsigned char *row = NULL;

    if (f == NULL)
        return NULL;
    if (fscanf(f, "P5 %d %d %d", &w, &h, &maxv) != 3 || maxv != 255 || w <= 0 || h <= 0 ||
        w > 20000 || h > 20000)
        goto cleanup;
    c = fgetc(f);   /* the single whitespace after the header */
    if (c == EOF)
        goto cleanup;
    pix = pixCreate(w, h, 8);
    row = xmalloc((size_t)w);
    if (pix == NULL)
        goto cleanup;
    for (int y = 0; y < h; y++) {
        l_uint32 *line = pixGetData(pix) + (size_t)y * (size_t)pixGetWpl(pix);
        if (fread(row, 1, (size_t)w, f) != (size_t)w) {
            pixDestroy(&pix);
            goto cleanup;
        }
        for (int x = 0; x < w; x++)
            SET_DATA_BYTE(line, x, row[x]);
    }
cleanup:
    free(row);
    fclose(f);
    return pix;
}

int sim_sheet_render(struct sim_sheet *s, int dpi, PIX ***out, struct berr *e)
{
    const char *tmp = getenv("TMPDIR");
    char *dir = xasprintf("%s/boshi-sim-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    char *pdf = NULL, *prefix = NULL;
    int n = s->form->pages, total = 2 * n, width = total >= 10 ? 2 : 1, rc = 0, made = 0;
    PIX **pages = xcalloc((size_t)n, sizeof(*pages));
    PIX *layer[2 * 8 + 2] = { NULL };

    *out = NULL;
    if (dpi < 50 || dpi > 1200 || total > (int)COUNT(layer)) {
        rc = berr_set(e, BERR_INVALID, "解像度 %d dpi またはページ数 %d は扱えません", dpi, n);
        goto cleanup;
    }
    if (mkdtemp(dir) == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s: 一時ディレクトリを作れません (%s)", dir, strerror(errno));
        goto cleanup;
    }
    made = 1;
    pdf = xasprintf("%s/sheet.pdf", dir);
    prefix = xasprintf("%s/p", dir);
    rc = sim_sheet_save_pdf(s, pdf, e);
    if (rc < 0)
        goto cleanup;
    rc = run_pdftoppm(pdf, prefix, dpi, e);
    if (rc < 0)
        goto cleanup;
    for (int k = 0; k < total; k++) {
        char *pgm = xasprintf("%s-%0*d.pgm", prefix, width, k + 1);
        layer[k] = read_pgm(pgm);
        unlink(pgm);
        free(pgm);
        if (layer[k] == NULL || pixGetDepth(layer[k]) != 8) {
            rc = berr_set(e, BERR_FAIL, "pdftoppm の出力 (%d ページ目) を読めません", k + 1);
            goto cleanup;
        }
    }
    for (int k = 0; k < n; k++) {
        /* ink on paper: the darker of print and handwriting */
        pages[k] = pixMinOrMax(NULL, layer[k], layer[n + k], L_CHOOSE_MIN);
        if (pages[k] == NULL) {
            rc = berr_set(e, BERR_FAIL, "手書きの重ね合わせに失敗しました");
            goto cleanup;
        }
        pixSetResolution(pages[k], dpi, dpi);
    }
    *out = pages;
    pages = NULL;
cleanup:
    for (int k = 0; k < (int)COUNT(layer); k++)
        pixDestroy(&layer[k]);
    if (pages != NULL) {
        for (int k = 0; k < n; k++)
            pixDestroy(&pages[k]);
        free(pages);
    }
    if (pdf != NULL)
        unlink(pdf);
    if (made)
        rmdir(dir);
    free(pdf);
    free(prefix);
    free(dir);
    return rc;
}
