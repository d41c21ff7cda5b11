/*
 * eval: how well boshi reads, measured against the simulator's ground
 * truth (demo/sim.h's page-NNNN.truth.json).  For every field of every
 * page: was the reading right (accepted value, or the suggestion a nurse
 * is shown), was it accepted without a person, and - the number that must
 * stay zero - was something wrong accepted (a silent error: a wrong value,
 * or writing stored as blank).  Used by bench/ocr.sh and the tests.
 */
#ifndef BOSHI_DEMO_EVAL_H
#define BOSHI_DEMO_EVAL_H

#include "base/base.h"
#include "forms/forms.h"

struct eval_kind {
    long fields;           /* fields of this kind seen */
    long correct;          /* reading right (accepted value or suggestion) */
    long accepted;         /* settled without a person (accepted or empty) */
    long silent;           /* accepted or empty, but wrong */
    long erased;           /* faint marks a 1-bit scan erased: no reader can see them */
    long clear;            /* fields the truth says a person reads at a glance (not faint, stray ...) */
    long clear_accepted;   /* of those, settled without a person */
};

#define EVAL_MAX_SILENT 50
struct eval_stats {
    long pages, rejected, rejected_without_reason, forms_misidentified;
    struct eval_kind kind[FORMS_KIND_COUNT];
    double *ms;            /* per page read time, owned */
    size_t n_ms;
    char silent[EVAL_MAX_SILENT][256];   /* the first silent errors, described */
    int n_silent;
    int verbose;           /* set by the caller: list readings that were wrong (to stderr) */
    /* full-page tesseract baseline, when run */
    double base_seconds;
    long base_values, base_found;
};

/*
 * Reads every page-NNNN.* with its truth JSON in dir (pages signed with
 * key), with one reader; with baseline, also runs `tesseract -l jpn` on
 * each whole page and counts the true values found anywhere in its text.
 * limit > 0 reads at most that many pages.
 */
int eval_dir(const char *dir, const struct forms_registry *forms, const unsigned char key[32],
             int baseline, int limit, int verbose, struct eval_stats *out, struct berr *e);
void eval_stats_release(struct eval_stats *s);

#endif
