/*
 * sim: the scan simulator - filled-in, scanned forms nobody has to write
 * by hand, with their ground truth, for tests, benchmarks and the demo.
 *
 *   fill    sim_fill(): a form printed by formprint_form() (blank or
 *           pre-filled, marks, signed QR) plus a handwriting layer: ticks,
 *           crosses, filled boxes, faint and stray marks, corrections,
 *           digits in combs in handwriting-style fonts, kana, kanji text,
 *           scribbles; values generated per field kind and range (valid,
 *           cross-field rules respected) or given by the caller.  The truth
 *           of every field: the canonical value as forms_value_parse()
 *           gives it and how it was written.
 *   render  sim_sheet_render(): one page as the paper looks (8 bpp grey)
 *   scan    sim_scan(): that paper through an office scanner - stamp and
 *           fold on the paper, skew, shift, "fit to page" scale, 180° feed,
 *           blur, noise, JPEG artefacts, 1-bit threshold (harsh only: the
 *           office scanner is set to greyscale, as intake asks) - with the
 *           exact mm -> pixel map of the result; sim_write_image() as PNG,
 *           JPEG, TIFF (G4 when 1-bit)
 *   batch   sim_batch(): N pages into a directory, page-0001.png +
 *           page-0001.truth.json (format below).
 *
 * Determinism: everything comes from the seeds given (own PRNG, never
 * rand() or the clock); the same inputs give the same bytes.
 *
 * Honest limits:
 *   - Digits use Latin handwriting-style fonts (dkg, Breip, Humor Sans)
 *     with random size, slant, turn and offset.  Kana and kanji are IPAex
 *     (print) with the same jitter: print-like, NOT handwriting.
 *   - The handwriting is drawn on pages of its own, after the form's pages
 *     in the same PDF (pdf.h draws only on the newest page), and laid over
 *     the form when rendered (the darker pixel wins, as ink on paper).
 *   - Scans are grey; a red stamp is simulated by the grey a scanner's
 *     luminance gives red.
 *
 * Not for: reading pages (ocr/) or judging readings (tests do that).
 * Modules rule: never prints, never exits; pdftoppm's stderr is discarded.
 *
 * Truth JSON (one file per page image), keys:
 *   form, version, page, pages, sheet (which filled form of the batch),
 *   subject, issue (null when blank), image, format, dpi, width, height,
 *   seed, profile, damage {skew_deg, scale, shift_mm [x, y], upside_down,
 *   noise, blur, jpeg_quality, threshold, fold null|{kind: dark|light,
 *   y_mm, angle_deg}, stamp null|{x_mm, y_mm, r_mm, text, field}},
 *   map [a, b, c, d, e, f] (pixel x = a*x_mm + b*y_mm + c,
 *   y = d*x_mm + e*y_mm + f, mm from the form's top-left corner),
 *   fields: every field of the form (all pages), each
 *   {name, kind, page, required, value (canonical text or null), how,
 *   review, and when they apply: crossed_out (option value), cells (what
 *   each comb cell holds, ' ' = empty), era, year, month, day (the date's
 *   combs as written)}.
 */
#ifndef BOSHI_DEMO_SIM_H
#define BOSHI_DEMO_SIM_H

#include "base/base.h"
#include "forms/forms.h"
#include "reports/reports.h"

#include <leptonica/allheaders.h>
#include <stdint.h>

/* ---- PRNG (splitmix64): deterministic, tiny, shared by the sim files -- */

struct sim_rng {
    uint64_t s;
};
/* Seeds a stream: the same (seed, stream) gives the same sequence. */
void sim_rng_seed(struct sim_rng *r, uint64_t seed, uint64_t stream);
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [lo, hi). */
double sim_rng_uniform(struct sim_rng *r, double lo, double hi);
/* Uniform integer in [lo, hi] (inclusive). */
int sim_rng_int(struct sim_rng *r, int lo, int hi);
/* 1 with probability pct/100. */
int sim_rng_pct(struct sim_rng *r, int pct);
/* Standard normal. */
double sim_rng_gauss(struct sim_rng *r);

/* ---- fill ------------------------------------------------------------ */

/* How a field was written; the names are the truth JSON's "how". */
enum sim_how {
    SIM_HOW_BLANK,      /* nothing written (unchecked, empty comb, no mark) */
    SIM_HOW_TICK,       /* ✓ in the box(es) */
    SIM_HOW_CROSS,      /* × in the box(es) */
    SIM_HOW_FILL,       /* box(es) filled in */
    SIM_HOW_FAINT,      /* a light grey tick or cross: must go to review */
    SIM_HOW_STRAY,      /* the mark mostly outside its box: must go to review */
    SIM_HOW_CORRECTED,  /* choice: one box filled and scribbled out, the meant
                           one ticked (crossed_out names the first): review */
    SIM_HOW_SLASH,      /* one slash across the box: a mark */
    SIM_HOW_CIRCLE,     /* a loop drawn round the box and its label, maybe not closed: a mark */
    SIM_HOW_PENCIL,     /* a light but clear pencil tick: a mark */
    SIM_HOW_DIGITS,     /* digits in comb cells (digits, number, mynumber, date) */
    SIM_HOW_KANA,       /* katakana, one per cell (print-like font, or strokes: hand_kana) */
    SIM_HOW_TEXT,       /* kanji text (print-like font): always reviewed */
    SIM_HOW_SCRIBBLE,   /* presence: a signature-like scribble */
    SIM_HOW_PRINTED,    /* printed by boshi (pre-filled subject) */
    SIM_HOW_COUNT
};
/* "blank", "tick", ... */
const char *sim_how_name(enum sim_how h);

struct sim_field_truth {
    const struct forms_field *field;   /* borrowed from the form */
    char *value;            /* canonical (forms_value_parse text); NULL = blank */
    enum sim_how how;
    int review;             /* 1: a correct reader must send it to review */
    char *crossed_out;      /* SIM_HOW_CORRECTED: the option scribbled out; else NULL */
    char *cells;            /* combs: one UTF-8 character per cell, ' ' empty; else NULL */
    char *date_parts[4];    /* date: era option value ("" printed era), year, month,
                               day as written in the combs (' ' empty); else NULL */
};

struct sim_truth {
    const struct forms_form *form;      /* borrowed */
    char *subject, *issue;              /* NULL when blank */
    size_t n_fields;                    /* == form->n_fields */
    struct sim_field_truth *fields;     /* parallel to form->fields */
};

struct sim_fill_opts {
    uint64_t seed;
    struct ymd as_of;          /* "today" for generated dates (default 2025-04-01) */
    /*
     * Values the caller gives, parallel to form->fields: raw text as
     * forms_value_parse() takes it; NULL entry = left blank.  NULL array =
     * generate every value.  Given values must parse (BERR_INVALID if not);
     * the form's rules are not enforced on them.  `printed` fields always
     * show the fill (their entries are ignored).
     */
    const char *const *values;
    int blank_pct;             /* optional fields left blank, % (default 25) */
    int tricky_pct;            /* marks drawn faint/stray/corrected, % (default 10) */
    /*
     * Over the generated values (values == NULL): "field=value" or
     * "field=value:how" (how: tick, cross, fill, faint, stray, slash, circle,
     * pencil) - the value
     * as forms_value_parse() takes it ("" = blank), how the mark is drawn.
     * NULL-terminated; a field the form lacks is ignored (a batch mixes
     * forms); a value that does not parse is BERR_INVALID.
     */
    const char *const *set;
    /* every mark drawn this way (SIM_HOW_TICK...), 0 = chosen at random (the default) */
    enum sim_how mark_how;
    /*
     * 0: カナ boxes in a print-like font (as before).  Else the seed of the
     * hand that writes them stroke by stroke (demo/handkana.h; seeds from
     * HANDDIGIT_HELDOUT_BASE are never trained on), each cell as the box
     * asks: ガ as カ and ゛, small kana small, the space between names an
     * empty cell; the truth's cells say so.
     */
    uint64_t hand_kana;
};
/* Defaults above; seed 1. */
void sim_fill_opts_init(struct sim_fill_opts *o);

struct sim_sheet;              /* one filled form: its PDF and its truth */

/*
 * Fills form f.  fill (may be NULL: blank subject) is what formprint_form()
 * pre-prints and signs into the QR under key.  f and the strings of fill
 * must outlive the sheet only for this call (they are copied), except f
 * itself, which the truth borrows.  Caller frees *out with sim_sheet_free().
 */
int sim_fill(const struct forms_form *f, const struct form_fill *fill,
             const unsigned char key[32], const struct sim_fill_opts *o,
             struct sim_sheet **out, struct berr *e);
void sim_sheet_free(struct sim_sheet **s);
/* The truth; owned by the sheet. */
const struct sim_truth *sim_sheet_truth(const struct sim_sheet *s);
/*
 * Writes the sheet's PDF: the form's pages 1..n, then the handwriting layer
 * for page k as page n+k (print both on one sheet of paper to reproduce it).
 */
int sim_sheet_save_pdf(struct sim_sheet *s, const char *path, struct berr *e);
/*
 * Renders every page of the sheet at dpi (pdftoppm -gray, in a private
 * temporary directory) with the handwriting laid over the form: *out gets
 * form->pages new 8 bpp PIX (caller destroys each, frees the array).
 */
int sim_sheet_render(struct sim_sheet *s, int dpi, PIX ***out, struct berr *e);

/* ---- scan ------------------------------------------------------------ */

enum sim_profile { SIM_CLEAN, SIM_OFFICE, SIM_HARSH, SIM_PROFILE_COUNT };
/* "clean", "office", "harsh" */
const char *sim_profile_name(enum sim_profile p);
/* 0, or BERR_INVALID if name is none of them. */
int sim_profile_parse(const char *name, enum sim_profile *out, struct berr *e);

enum sim_fold { SIM_FOLD_NONE, SIM_FOLD_DARK, SIM_FOLD_LIGHT };

struct sim_damage {
    double skew_deg;           /* turn, clockwise on the image, about the centre */
    double scale;              /* "fit to page" shrink about the centre; 1 = none */
    double shift_x_mm, shift_y_mm;   /* paper offset on the glass */
    int upside_down;           /* fed turned 180° */
    double noise;              /* Gaussian sensor noise, stdev in grey levels */
    int blur;                  /* box blur half-width in px, 0 = none */
    int jpeg_quality;          /* 0 = none, else re-encoded at this quality (grey only) */
    int threshold;             /* 0 = grey, else 1 bpp: ink where grey < threshold */
    enum sim_fold fold;        /* a fold line across the paper */
    double fold_y_mm, fold_angle_deg;
    int stamp;                 /* a round receipt stamp on the paper */
    double stamp_x_mm, stamp_y_mm, stamp_r_mm;  /* centre, radius; x < 0: over a
                                                   random field box (sim_scan picks) */
    char stamp_field[64];      /* the field it was put over ("" if none) */
};
/* No damage at all. */
void sim_damage_clean(struct sim_damage *d);
/* Random damage of a profile (clean: none), deterministic in seed. */
void sim_damage_random(struct sim_damage *d, enum sim_profile p, uint64_t seed);

/*
 * Scans paper (8 bpp, as sim_sheet_render() made it at dpi) of page `page`
 * of form f with damage d: paper damage first (stamp, fold), then the
 * scanner's geometry, optics and encoding.  A stamp with x < 0 is put over
 * a random field box of the page (d is updated).  *out gets a new PIX
 * (8 bpp, or 1 bpp with threshold), map the mm -> pixel map of *out.
 * seed drives noise.
 */
int sim_scan(PIX *paper, int dpi, const struct forms_form *f, int page, struct sim_damage *d,
             uint64_t seed, PIX **out, double map[6], struct berr *e);

enum sim_format { SIM_PNG, SIM_JPEG, SIM_TIFF, SIM_FORMAT_COUNT };
/* "png", "jpeg", "tiff"; file extensions "png", "jpg", "tif". */
const char *sim_format_name(enum sim_format f);
const char *sim_format_ext(enum sim_format f);
int sim_format_parse(const char *name, enum sim_format *out, struct berr *e);
/* Writes pix at dpi (JPEG quality 85; TIFF: G4 if 1 bpp, else ZIP). */
int sim_write_image(PIX *pix, int dpi, enum sim_format fmt, const char *path, struct berr *e);

/* ---- batch ----------------------------------------------------------- */

/* A pre-filled form for the batch; strings borrowed for the call. */
struct sim_item {
    const struct forms_form *form;
    struct form_fill fill;
};

struct sim_batch_opts {
    const char *dir;           /* created if missing */
    int pages;                 /* page images wanted (>= 1) */
    /* Blank-subject mode: forms used in turn (each sheet gives all its pages). */
    const struct forms_form *const *forms;
    size_t n_forms;
    /* Pre-filled mode (when n_items > 0, forms is ignored): items in turn. */
    const struct sim_item *items;
    size_t n_items;
    enum sim_profile profile;
    uint64_t seed;
    int dpi;                   /* 200 or 300 */
    enum sim_format format;
    int multipage;             /* TIFF only: also write every page into batch.tif */
    const unsigned char *key;  /* 32-byte QR key */
    int blank_pct, tricky_pct; /* as sim_fill_opts (-1: default) */
    const char *const *set;    /* as sim_fill_opts */
    enum sim_how mark_how;     /* as sim_fill_opts */
    struct ymd as_of;          /* as sim_fill_opts (y == 0: default) */
    uint64_t hand_kana;        /* as sim_fill_opts */
};
void sim_batch_opts_init(struct sim_batch_opts *o);

struct sim_batch_stats {
    int pages, sheets;
    double ms_fill, ms_render, ms_scan, ms_write;   /* wall time per phase, total */
};

/*
 * Writes page-0001.<ext> + page-0001.truth.json ... into o->dir.  Returns
 * the number of pages written or a negative code.  st may be NULL.
 */
int sim_batch(const struct sim_batch_opts *o, struct sim_batch_stats *st, struct berr *e);

#endif
