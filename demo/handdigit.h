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

/* ---- the stroke renderer (shared with demo/handkana.c) --------------- */

#define HAND_MAXP 40       /* control points per stroke */
#define HAND_MAXS 5        /* strokes per glyph */

/* A skeleton: strokes of control points in a unit box (x right, y down). */
struct hand_stroke {
    int n;
    double x[HAND_MAXP], y[HAND_MAXP];
};
struct hand_glyph {
    int n;
    struct hand_stroke s[HAND_MAXS];
};

/*
 * Fills g from a point list: {-1, -1} ends a stroke, {-2, -2} the glyph.
 */
void hand_glyph_points(struct hand_glyph *g, const double (*pts)[2]);

/* Where and how one glyph is written, in the units of the sink (px or mm). */
struct hand_pose {
    double gw, gh;             /* glyph box */
    double slant;              /* shear, x per unit of height */
    double cr, sr;             /* cos and sin of the turn */
    double cx, cy;             /* centre of the glyph box */
    double pen;                /* pen radius */
    double ink;                /* darkness 0..1 */
    double shake;              /* jitter of the control points, glyph units */
    double ex, ey, fx, fy, phx, phy;   /* elastic field: amplitudes, frequencies, phases */
    double step;               /* distance between pen stamps */
};

/* One pen stamp: centre, radius, darkness. */
typedef void (*hand_dot_fn)(void *ctx, double x, double y, double rad, double ink);

/*
 * Draws g (jittered in place) as Catmull-Rom curves through its points
 * with a round pen whose width follows the pressure along the stroke,
 * broken strokes sometimes; every stamp goes to dot(ctx, ...).
 */
void hand_glyph_render(const struct hand_pose *p, struct hand_glyph *g, struct sim_rng *r,
                       hand_dot_fn dot, void *ctx);

/* The darkness-image sink: ctx is a struct hand_raster. */
struct hand_raster {
    float *dark;
    int w, h;
};
void hand_raster_dot(void *ctx, double x, double y, double rad, double ink);

/* ---- digits --------------------------------------------------------- */

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
