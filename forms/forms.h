/*
 * forms: form definitions, the in-memory template model, and typed value
 * parsing and validation (format in forms/README.md).
 *
 * Public functions:
 *   definitions
 *     forms_load_file()          one JSON definition -> struct forms_form
 *     forms_free()
 *     forms_registry_load_dir()  every <id>.v<version>.json of a folder
 *     forms_registry_get(), forms_registry_count(), forms_registry_at()
 *     forms_registry_free()
 *     forms_field_find(), forms_field_index()
 *     forms_option_find(), forms_option_label()
 *     forms_kind_name()
 *   values
 *     forms_value_init(), forms_value_release()
 *     forms_value_parse()        raw string (OCR or keyed) -> typed value
 *     forms_value_suggestible()  may a reading be offered to a person as the value
 *     forms_date_raw()           era box + year/month/day combs -> raw date
 *     forms_rule_check(), forms_rules_check()   cross-field rules
 *     forms_validate()           a whole form: every field, then the rules
 *
 * Ownership:
 *   - A struct forms_form is owned by whoever loaded it: forms_load_file()
 *     hands it to the caller, who frees it with forms_free(); a form got
 *     from a registry belongs to the registry and lives until
 *     forms_registry_free().  Everything reachable from a form (fields,
 *     options, strings) is owned by the form and is read-only to callers.
 *   - A struct forms_value is embedded by the caller: forms_value_init()
 *     before use, forms_value_release() after (frees .text).
 *     forms_value_parse() releases what the value held before filling it.
 *   - Destructors accept NULL (and a pointer to NULL) and clear the pointer.
 *
 * Errors follow base.h: 0 on success, a negative enum berr_code with a
 * Japanese message in struct berr on failure.  Definition errors name the
 * file and the field; value errors name the field's printed label
 * ("分娩予定日: 日付が不正です").  A 個人番号 never appears in a message.
 *
 * Not for: reading images (ocr/), printing (reports/), storing (records/).
 */
#ifndef BOSHI_FORMS_H
#define BOSHI_FORMS_H

#include "base/base.h"

#include <stddef.h>

/* The minimum distance in mm between any two boxes of a form. */
#define FORMS_MIN_GAP_MM 5.0
/* Options of one choice/multi field: at most this many (a bit each). */
#define FORMS_MAX_OPTIONS 64

enum forms_kind {
    FORMS_CHECK,      /* one box: "1" / "0" */
    FORMS_CHOICE,     /* one of several option boxes */
    FORMS_MULTI,      /* any of several option boxes */
    FORMS_DIGITS,     /* comb, one digit per cell */
    FORMS_NUMBER,     /* comb with a fixed decimal point */
    FORMS_DATE,       /* 和暦: era (option boxes or printed) + year/month/day combs */
    FORMS_KANA,       /* katakana (hiragana folded) */
    FORMS_TEXT,       /* free Japanese text, handwritten: goes to review */
    FORMS_MYNUMBER,   /* 個人番号, 12-cell comb with check digit */
    FORMS_PRINTED,    /* printed by boshi from `source`, read back to verify */
    FORMS_PRESENCE,   /* only "is something written here" */
    FORMS_KIND_COUNT
};

/* Millimetres from the page's top-left corner. */
struct forms_box {
    double x, y, w, h;
};

struct forms_option {
    char *value;              /* stored value: "yoseimitsu"; date eras: "S", "H", "R" */
    char *label;              /* as printed: "要精密" */
    struct forms_box box;     /* the 5×5 mm box to mark */
    int has_label_box;
    struct forms_box label_box;   /* where the label is printed (optional) */
};

/* A comb: box split into `cells` equal cells across its width. */
struct forms_comb {
    struct forms_box box;
    int cells;
};

struct forms_field {
    char *name;               /* snake_case, unique in the form */
    char *label;              /* Japanese, short; used in messages */
    char *question;           /* printed question when longer than label; NULL = label */
    enum forms_kind kind;
    int page;                 /* 1-based */
    int required;
    int has_box;              /* every kind but choice, multi, date */
    struct forms_box box;
    int cells;                /* comb cells; 0 = not a comb */
    int has_label_box;
    struct forms_box label_box;
    struct forms_option *options;   /* choice, multi; date: era boxes */
    size_t n_options;
    struct forms_comb year, month, day;   /* date only */
    enum jp_era era_fixed;    /* date with a printed era; else ERA_NONE */
    int has_min, has_max;     /* digits, number: numeric range, inclusive */
    double min, max;
    int decimals;             /* number: digits after the point */
    int min_len, max_len;     /* digits/kana/text length in characters; 0 = no limit */
    char *pattern;            /* POSIX ERE on the canonical text; NULL = none */
    void *pattern_re;         /* compiled pattern (regex_t *); internal */
    char *unit;               /* printed after the box: "kg"; NULL = none */
    char *column;             /* "table.column" the value lands in; NULL = none */
    char *source;             /* printed: "subject.name" ...; else NULL */
    int from_master;          /* handwriting kept as an image only: the person's text comes
                                 from the resident master, so it never goes to review */
};

enum forms_rule_type {
    FORMS_RULE_DUE_DATE,      /* 分娩予定日 ≈ 届出日 + 280 − 7·週数 days (± tolerance) */
    FORMS_RULE_REQUIRES_IF,   /* if F has one of values, THEN must be present */
    FORMS_RULE_ONLY_IF,       /* FIELD may be present only if F has one of values */
    FORMS_RULE_EXCLUSIVE,     /* multi: OPTION ("none of these") excludes the others */
    FORMS_RULE_DATE_ORDER,    /* the dates in FIELDS are non-decreasing */
    FORMS_RULE_AGE_RANGE,     /* years between FIELDS[0] and FIELDS[1] in [min, max] */
    FORMS_RULE_COUNT
};

struct forms_rule {
    enum forms_rule_type type;
    const char *name;         /* "due_date_consistent" ...; static string */
    size_t fields[4];         /* indexes into form->fields (see README per rule) */
    size_t n_fields;
    int has_if;               /* requires_if, only_if */
    size_t if_field;
    unsigned long long if_mask;   /* option bits (or bit 0 for a check) */
    char *if_text;            /* the "if" as written, for messages */
    size_t option;            /* exclusive_option: option index */
    double min, max;          /* age_range years */
    int tolerance_days;       /* due_date_consistent, default 14 */
};

struct forms_form {
    char *id;                 /* "nyuyoji_4m" */
    int version;
    char *title;
    char *path;               /* file it was loaded from */
    double page_w, page_h;    /* mm */
    int pages;
    char **page_titles;       /* pages entries, each may be NULL */
    struct forms_box title_box;
    struct forms_box marks[4];    /* registration marks, same on every page */
    struct forms_box qr;          /* QR box, same on every page */
    struct forms_box area;        /* bounding box of the marks: fields live inside */
    struct forms_field *fields;
    size_t n_fields;
    struct forms_rule *rules;
    size_t n_rules;
};

struct forms_registry;        /* opaque: forms by id and version */

/* ---- definitions ---------------------------------------------------- */

/*
 * Loads and validates one definition.  On success *out is a new form the
 * caller frees with forms_free().  On failure *out is NULL and e holds
 * every problem found, one per line, each starting with the path.
 */
int forms_load_file(const char *path, struct forms_form **out, struct berr *e);
void forms_free(struct forms_form **f);

/*
 * Loads every *.json in dir; names must be <id>.v<version>.json matching the
 * content.  Returns the number of forms, or a negative code when any file is
 * bad (then *out is NULL; e lists the problems of all files).
 * Caller frees *out with forms_registry_free().
 */
int forms_registry_load_dir(const char *dir, struct forms_registry **out, struct berr *e);
/* version 0 = the highest version of id.  NULL if none.  Owned by r. */
const struct forms_form *forms_registry_get(const struct forms_registry *r,
                                            const char *id, int version);
size_t forms_registry_count(const struct forms_registry *r);
const struct forms_form *forms_registry_at(const struct forms_registry *r, size_t i);
void forms_registry_free(struct forms_registry **r);

/* NULL / -1 if the form has no such field. */
const struct forms_field *forms_field_find(const struct forms_form *f, const char *name);
int forms_field_index(const struct forms_form *f, const char *name);
/* Index of the option with that value, -1 if none. */
int forms_option_find(const struct forms_field *fld, const char *value);
/* The printed label of an option value ("yoseimitsu" -> "要精密"); NULL if none. */
const char *forms_option_label(const struct forms_field *fld, const char *value);
/* "check", "choice", ...; NULL for an out-of-range kind. */
const char *forms_kind_name(enum forms_kind k);

/* ---- values --------------------------------------------------------- */

struct forms_value {
    enum forms_kind kind;
    int present;              /* 0: left blank / unchecked / nothing written */
    /*
     * Canonical text; NULL when nothing was read (raw NULL or blanks).
     * A check/presence read as "0" has text "0" and present 0.  digits "0123"; number "6.54" with
     * exactly `decimals` places; date ISO "2024-04-01"; kana katakana;
     * text/printed NFKC; choice the option value; multi the values in
     * option order joined by ","; check/presence "1" or "0"; mynumber the
     * 12 digits (secret: never log or print it).
     */
    char *text;
    long long scaled;         /* digits: the number (≤ 18 digits); number: value × 10^decimals */
    struct ymd date;          /* date */
    unsigned long long options;   /* choice/multi: bit i = option i marked */
};

void forms_value_init(struct forms_value *v);
void forms_value_release(struct forms_value *v);

/*
 * Parses raw as fld's kind and validates it (README "Values" gives the raw
 * syntax of each kind).  NULL or all blanks = left blank, an error only if
 * the field is required.  On error v is left blank.
 */
int forms_value_parse(const struct forms_field *fld, const char *raw,
                      struct forms_value *v, struct berr *e);

/*
 * 1 when raw (what was read) may be offered to a person as fld's value, to
 * accept as it is: it parses, is not blank, and is a value at all (the
 * reading of a handwritten text field only says whether ink is there: it
 * is typed from the image, never accepted).  0 otherwise: nothing to offer.
 */
int forms_value_suggestible(const struct forms_field *fld, const char *raw);

/*
 * Builds the raw text of a date field from its parts as read: era is an
 * option value ("R") or NULL when the era is printed; yy may be "元".
 * Appends "<era><yy>.<mm>.<dd>" to out (e.g. "R6.4.1").
 */
int forms_date_raw(const struct forms_field *fld, const char *era, const char *yy,
                   const char *mm, const char *dd, struct buf *out, struct berr *e);

/*
 * Cross-field rules.  values is parallel to f->fields (f->n_fields entries).
 * A rule whose inputs are blank passes (requiredness is per field), except
 * requires_if, which is about blanks.  forms_rules_check() reports every
 * failing rule, one per line.
 */
int forms_rule_check(const struct forms_form *f, size_t rule,
                     const struct forms_value *values, struct berr *e);
int forms_rules_check(const struct forms_form *f, const struct forms_value *values,
                      struct berr *e);

/*
 * Parses raw[i] into values[i] for every field (both parallel to f->fields;
 * values initialised by the caller), then checks the rules.  Every problem
 * is reported, one per line.
 */
int forms_validate(const struct forms_form *f, const char *const *raw,
                   struct forms_value *values, struct berr *e);

#endif
