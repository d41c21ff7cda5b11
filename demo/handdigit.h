/*
 * handdigit: synthetic handwritten digits drawn from strokes, one comb
 * cell at a time, as the reader sees them (the cell's interior, ink mask
 * after threshold and despeckle).  Training data for `make model`
 * (tools/train_digits.c) and the held-out hand of the tests.
 *
 * A "hand" is one writer: slant, pen width, size, proportions, how shaky,
 * and which allograph of each digit (1 with or without flag and base,
 * crossed 7, open or closed 4, looped 2, flat-topped 3, 9 with a straight
 * or curved tail, 8 in one stroke or two loops ...).  Each cell then
 * varies around the hand: elastic distortion, pressure along the stroke,
 * broken strokes, ink running over the cell line (cut off as the reader
 * cuts it), line remnants, scanner noise and blur at 200 or 300 dpi.
 *
 * Determinism: everything comes from the seeds (sim_rng); the same seed
 * gives the same pixels.  Hands with seeds >= HANDDIGIT_HELDOUT_BASE are
 * never used in training (the held-out family for evaluation).
 */
#ifndef BOSHI_DEMO_HANDDIGIT_H
#define BOSHI_DEMO_HANDDIGIT_H

#include "demo/sim.h"

#define HANDDIGIT_HELDOUT_BASE 900000u   /* hand seeds from here: evaluation only */

struct handdigit_style {
    double slant;          /* shear, x per unit of height (+: leaning right) */
    double width_mm;       /* pen width */
    double aspect;         /* glyph width / height */
    double size;           /* glyph height / cell interior height */
    double shake;          /* elastic jitter of the skeleton, in glyph units */
    double ink;            /* darkness of the ink, 0..1 */
    int allo[10];          /* preferred allograph of each digit */
    int mix_pct;           /* how often another allograph is written */
};

/* The hand of seed `hand` (deterministic). */
void handdigit_style(struct handdigit_style *s, uint64_t hand);

/*
 * Darkness (0 paper .. 1 ink) of one cell interior (*w x *h px at dpi) with
 * `digit` written in hand s; r drives the variation.  Caller frees.
 */
float *handdigit_draw(const struct handdigit_style *s, struct sim_rng *r, int digit, int dpi,
                      int *w, int *h);

/*
 * The darkness image scanned: grey with noise and blur, thresholded where
 * the reader would (45 % of the way from paper to print), specks removed.
 * Returns a new 1 bpp PIX (1 = ink; caller destroys), or NULL.
 */
PIX *handdigit_scan(const float *dark, int w, int h, int dpi, struct sim_rng *r);

/* handdigit_draw() then handdigit_scan(). */
PIX *handdigit_cell(const struct handdigit_style *s, struct sim_rng *r, int digit, int dpi);

#endif
