/*
 * handkana: synthetic handwritten katakana from stroke skeletons, one カナ
 * box cell at a time, as the reader sees them - the katakana counterpart
 * of handdigit.h, drawn by its stroke renderer (hand_glyph_render).
 * Training data for `make model` (tools/train_kana.c), the held-out hands
 * of the tests, and the simulator's handwritten カナ (sim_fill_opts.hand_kana).
 *
 * Cell classes are ocr.h's (ocr_kana_label): the 46 base katakana ア..ン,
 * the small ァィゥェォッャュョ (the base shapes, smaller and lower in the
 * cell), ー, and ゛ ゜ written in their own cell as カナ boxes ask.  A hand
 * (handkana_style) is one writer: slant, pen, size, proportions, shakiness,
 * ink, and an allograph per kana where hands differ (キ サ セ ヤ in two or
 * three strokes, ...).  ソ/ン and シ/ツ keep the angles Japanese hands give
 * them: ソ's dot is upright and its long stroke falls from the top right,
 * ン's dot lies flat and its long stroke rises from the bottom left; ツ's
 * dots stand along the top, シ's lie down the left side.
 *
 * Determinism: everything from the seeds.  Hands with seeds >=
 * HANDDIGIT_HELDOUT_BASE are never used in training.
 */
#ifndef BOSHI_DEMO_HANDKANA_H
#define BOSHI_DEMO_HANDKANA_H

#include "demo/handdigit.h"
#include "ocr/ocr.h"

struct handkana_style {
    struct handdigit_style pen;     /* slant, pen width, size, shake, ink (aspect unused) */
    double aspect;                  /* kana are squarer than digits */
    unsigned char allo[OCR_KANA_NCLASS];
    int mix_pct;
};

/* The hand of seed `hand` (deterministic). */
void handkana_style(struct handkana_style *s, uint64_t hand);

/*
 * Where and how class cls is written in a cell of cw x ch (units of k per
 * mm: pixels, or 1 for mm), and its skeleton.  Consumes r.
 */
void handkana_pose(const struct handkana_style *s, struct sim_rng *r, int cls, double cw,
                   double ch, double k, struct hand_pose *pose, struct hand_glyph *g);

/*
 * Darkness (0..1) of one cell interior (*w x *h px at dpi) with class cls
 * written in hand s.  Caller frees.
 */
float *handkana_draw(const struct handkana_style *s, struct sim_rng *r, int cls, int dpi, int *w,
                     int *h);

/* handkana_draw() then handdigit_scan(): a 1 bpp ink mask (caller destroys), or NULL. */
PIX *handkana_cell(const struct handkana_style *s, struct sim_rng *r, int cls, int dpi);

#endif
