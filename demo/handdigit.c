/*
 * handdigit.c: handwritten digits from stroke skeletons (see handdigit.h).
 * A skeleton is a few strokes of control points in a unit box (x right,
 * y down); a stroke is drawn as a Catmull-Rom curve through its points
 * with a round pen whose width follows the pressure, into a darkness
 * image of the cell interior.  Ellipses (0, the loops of 8 and 9) are
 * generated as point rings with a random start, overshoot or gap.
 */
#include "demo/handdigit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAXP HAND_MAXP
#define MAXS HAND_MAXS


/* Point lists; {-1, -1} ends a stroke, {-2, -2} ends the glyph. */
typedef const double skel[][2];

#define END { -1, -1 }
#define DONE { -2, -2 }

static skel one_plain = { { 0.5, 0.0 }, { 0.5, 1.0 }, END, DONE };
static skel one_flag = { { 0.15, 0.28 }, { 0.5, 0.0 }, { 0.5, 1.0 }, END, DONE };
static skel one_base = { { 0.15, 0.28 }, { 0.5, 0.0 }, { 0.5, 1.0 }, END,
                         { 0.15, 1.0 }, { 0.85, 1.0 }, END, DONE };
static skel two_plain = { { 0.1, 0.25 }, { 0.3, 0.03 }, { 0.65, 0.02 }, { 0.88, 0.22 },
                          { 0.8, 0.45 }, { 0.4, 0.75 }, { 0.05, 1.0 }, { 0.5, 0.97 },
                          { 0.95, 1.0 }, END, DONE };
static skel two_loop = { { 0.1, 0.25 }, { 0.3, 0.03 }, { 0.65, 0.02 }, { 0.88, 0.22 },
                         { 0.8, 0.45 }, { 0.4, 0.75 }, { 0.12, 0.97 }, { 0.05, 0.84 },
                         { 0.2, 0.78 }, { 0.35, 0.95 }, { 0.65, 0.99 }, { 0.95, 0.96 }, END,
                         DONE };
static skel three_round = { { 0.1, 0.15 }, { 0.4, 0.0 }, { 0.8, 0.1 }, { 0.82, 0.3 },
                            { 0.45, 0.47 }, { 0.85, 0.6 }, { 0.9, 0.82 }, { 0.55, 1.0 },
                            { 0.1, 0.88 }, END, DONE };
static skel three_flat = { { 0.1, 0.02 }, { 0.9, 0.02 }, { 0.45, 0.42 }, { 0.85, 0.58 },
                           { 0.9, 0.82 }, { 0.55, 1.0 }, { 0.1, 0.88 }, END, DONE };
static skel four_open = { { 0.2, 0.0 }, { 0.1, 0.65 }, { 0.95, 0.65 }, END,
                          { 0.7, 0.05 }, { 0.7, 1.0 }, END, DONE };
static skel four_closed = { { 0.68, 0.0 }, { 0.05, 0.68 }, { 0.95, 0.68 }, END,
                            { 0.68, 0.0 }, { 0.68, 1.0 }, END, DONE };
static skel five_two = { { 0.25, 0.02 }, { 0.18, 0.45 }, { 0.5, 0.37 }, { 0.85, 0.55 },
                         { 0.85, 0.82 }, { 0.5, 1.0 }, { 0.1, 0.9 }, END,
                         { 0.25, 0.02 }, { 0.88, 0.0 }, END, DONE };
static skel five_one = { { 0.88, 0.0 }, { 0.25, 0.02 }, { 0.18, 0.45 }, { 0.5, 0.37 },
                         { 0.85, 0.55 }, { 0.85, 0.82 }, { 0.5, 1.0 }, { 0.1, 0.9 }, END, DONE };
static skel six_plain = { { 0.8, 0.05 }, { 0.45, 0.1 }, { 0.15, 0.5 }, { 0.15, 0.85 },
                          { 0.45, 1.0 }, { 0.8, 0.85 }, { 0.8, 0.62 }, { 0.5, 0.5 },
                          { 0.2, 0.65 }, END, DONE };
static skel six_straight = { { 0.7, 0.0 }, { 0.2, 0.55 }, { 0.15, 0.85 }, { 0.45, 1.0 },
                             { 0.82, 0.85 }, { 0.8, 0.6 }, { 0.45, 0.52 }, { 0.18, 0.7 }, END,
                             DONE };
static skel seven_plain = { { 0.05, 0.05 }, { 0.95, 0.05 }, { 0.4, 1.0 }, END, DONE };
static skel seven_cross = { { 0.05, 0.05 }, { 0.95, 0.05 }, { 0.62, 0.5 }, { 0.42, 1.0 }, END,
                            { 0.3, 0.52 }, { 0.85, 0.5 }, END, DONE };
static skel seven_hook = { { 0.05, 0.22 }, { 0.05, 0.05 }, { 0.95, 0.05 }, { 0.6, 0.5 },
                           { 0.45, 1.0 }, END, DONE };
static skel eight_one = { { 0.8, 0.15 }, { 0.5, 0.0 }, { 0.2, 0.15 }, { 0.3, 0.38 },
                          { 0.7, 0.6 }, { 0.85, 0.82 }, { 0.5, 1.0 }, { 0.15, 0.82 },
                          { 0.3, 0.6 }, { 0.7, 0.38 }, { 0.8, 0.15 }, END, DONE };
static skel nine_straight = { { 0.85, 0.2 }, { 0.55, 0.02 }, { 0.2, 0.12 }, { 0.15, 0.35 },
                              { 0.45, 0.5 }, { 0.85, 0.35 }, { 0.88, 0.12 }, { 0.85, 0.6 },
                              { 0.8, 1.0 }, END, DONE };
static skel nine_curved = { { 0.85, 0.2 }, { 0.55, 0.02 }, { 0.2, 0.12 }, { 0.15, 0.35 },
                            { 0.45, 0.5 }, { 0.85, 0.35 }, { 0.88, 0.12 }, { 0.85, 0.65 },
                            { 0.6, 0.97 }, { 0.25, 0.9 }, END, DONE };
static skel none = { DONE };

/* Allographs per digit; `none` marks a ring-built one (see build()). */
static const double (*const allos[10][3])[2] = {
    { none, none, NULL },                        /* 0: ring, tilted ring */
    { one_plain, one_flag, one_base },
    { two_plain, two_loop, NULL },
    { three_round, three_flat, NULL },
    { four_open, four_closed, NULL },
    { five_two, five_one, NULL },
    { six_plain, six_straight, NULL },
    { seven_plain, seven_cross, seven_hook },
    { eight_one, none, NULL },                   /* 8: one stroke, two rings */
    { nine_straight, nine_curved, NULL },
};

static int n_allos(int d)
{
    int n = 0;

    while (n < 3 && allos[d][n] != NULL)
        n++;
    return n;
}

/* A ring of points: centre, radii, start angle, turns (overshoot > 1, gap < 1). */
static void ring(struct hand_stroke *s, double cx, double cy, double rx, double ry, double a0,
                 double turns, int dir)
{
    int n = 12;                  /* few points: the jitter stays smooth */

    s->n = 0;
    for (int i = 0; i <= n && s->n < MAXP; i++) {
        double a = a0 + dir * 2 * M_PI * turns * i / n;
        s->x[s->n] = cx + rx * cos(a);
        s->y[s->n] = cy + ry * sin(a);
        s->n++;
    }
}

static void build(struct hand_glyph *g, int d, int a, struct sim_rng *r)
{
    const double (*sk)[2] = allos[d][a];

    memset(g, 0, sizeof(*g));
    if (sk == none) {
        double turns = sim_rng_uniform(r, 0.93, 1.12);
        if (d == 0) {
            g->n = 1;
            ring(&g->s[0], 0.5, 0.5, 0.45, 0.49, -M_PI / 2 + sim_rng_uniform(r, -0.6, 0.6), turns,
                 sim_rng_pct(r, 80) ? -1 : 1);
        } else {                                 /* 8 as two rings */
            g->n = 2;
            ring(&g->s[0], 0.5, 0.24, 0.3, 0.23, M_PI / 2, turns, -1);
            ring(&g->s[1], 0.5, 0.73, 0.42, 0.27, -M_PI / 2, sim_rng_uniform(r, 0.95, 1.1), 1);
        }
        return;
    }
    hand_glyph_points(g, sk);
}

void handdigit_style(struct handdigit_style *s, uint64_t hand)
{
    struct sim_rng r;

    sim_rng_seed(&r, hand, 0x68616e64);
    s->slant = sim_rng_uniform(&r, -0.12, 0.32);
    s->width_mm = sim_rng_uniform(&r, 0.3, 0.8);
    s->aspect = sim_rng_uniform(&r, 0.5, 0.8);
    s->size = sim_rng_uniform(&r, 0.55, 0.88);
    s->shake = sim_rng_uniform(&r, 0.015, 0.05);
    s->ink = sim_rng_uniform(&r, 0.65, 1.0);
    for (int d = 0; d < 10; d++)
        s->allo[d] = sim_rng_int(&r, 0, n_allos(d) - 1);
    s->mix_pct = sim_rng_int(&r, 5, 35);
}

/* Catmull-Rom point at t in [0, 1] between p1 and p2. */
static double cr(double p0, double p1, double p2, double p3, double t)
{
    return 0.5 * (2 * p1 + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                  + (-p0 + 3 * p1 - 3 * p2 + p3) * t * t * t);
}

/* A round pen stamp of radius rad and darkness ink at (x, y), anti-aliased. */
static void stamp(float *dark, int w, int h, double x, double y, double rad, double ink)
{
    int x0 = (int)floor(x - rad - 1), x1 = (int)ceil(x + rad + 1);
    int y0 = (int)floor(y - rad - 1), y1 = (int)ceil(y + rad + 1);

    for (int py = y0 < 0 ? 0 : y0; py <= y1 && py < h; py++)
        for (int px = x0 < 0 ? 0 : x0; px <= x1 && px < w; px++) {
            double dd = hypot(px + 0.5 - x, py + 0.5 - y), a = rad + 0.5 - dd;
            if (a <= 0)
                continue;
            a = (a > 1 ? 1 : a) * ink;
            if (dark[py * w + px] < a)
                dark[py * w + px] = (float)a;
        }
}

void hand_raster_dot(void *ctx, double x, double y, double rad, double ink)
{
    struct hand_raster *ras = ctx;

    stamp(ras->dark, ras->w, ras->h, x, y, rad, ink);
}

void hand_glyph_render(const struct hand_pose *ps, struct hand_glyph *g, struct sim_rng *r,
                       hand_dot_fn dot, void *ctx)
{
    double gw = ps->gw, gh = ps->gh, slant = ps->slant, cr_ = ps->cr, sr = ps->sr;
    double cx = ps->cx, cy = ps->cy, pen = ps->pen, ink = ps->ink;
    double ex = ps->ex, ey = ps->ey, fx = ps->fx, fy = ps->fy, phx = ps->phx, phy = ps->phy;

    for (int i = 0; i < g->n; i++) {
        struct hand_stroke *st = &g->s[i];
        for (int j = 0; j < st->n; j++) {
            st->x[j] += ps->shake * sim_rng_gauss(r) + ex * sin(fx * st->y[j] * 6.28 + phx);
            st->y[j] += ps->shake * sim_rng_gauss(r) + ey * sin(fy * st->x[j] * 6.28 + phy);
        }
    }
    for (int i = 0; i < g->n; i++) {
        const struct hand_stroke *st = &g->s[i];
        /* a broken stroke: a gap somewhere along it */
        double gap0 = 2, gap1 = 2, pr0 = sim_rng_uniform(r, 0.7, 1.2);
        double pr1 = sim_rng_uniform(r, 0.7, 1.2);
        if (sim_rng_pct(r, 6)) {
            gap0 = sim_rng_uniform(r, 0.15, 0.8);
            gap1 = gap0 + sim_rng_uniform(r, 0.03, 0.1);
        }
        for (int j = 0; j + 1 < st->n; j++) {
            int j0 = j > 0 ? j - 1 : j, j3 = j + 2 < st->n ? j + 2 : j + 1;
            double seg = hypot((st->x[j + 1] - st->x[j]) * gw, (st->y[j + 1] - st->y[j]) * gh);
            int steps = (int)ceil(seg / ps->step) + 1;
            for (int t = 0; t <= steps; t++) {
                double u = (double)t / steps, along = (j + u) / (st->n - 1);
                if (along >= gap0 && along <= gap1)
                    continue;
                double x = cr(st->x[j0], st->x[j], st->x[j + 1], st->x[j3], u) - 0.5;
                double y = cr(st->y[j0], st->y[j], st->y[j + 1], st->y[j3], u) - 0.5;
                double gx = x * gw - slant * y * gh, gy = y * gh;
                double px = cx + gx * cr_ - gy * sr, py = cy + gx * sr + gy * cr_;
                double pressure = pr0 + (pr1 - pr0) * along;
                dot(ctx, px, py, pen * pressure, ink);
            }
        }
    }
}

void hand_glyph_points(struct hand_glyph *g, const double (*pts)[2])
{
    memset(g, 0, sizeof(*g));
    for (int i = 0; pts[i][0] != -2 && g->n < MAXS; i++) {
        struct hand_stroke *s = &g->s[g->n];
        if (pts[i][0] == -1) {
            g->n++;
            continue;
        }
        if (s->n < MAXP) {
            s->x[s->n] = pts[i][0];
            s->y[s->n] = pts[i][1];
            s->n++;
        }
    }
}

float *handdigit_draw(const struct handdigit_style *s, struct sim_rng *r, int digit, int dpi,
                      int *w, int *h)
{
    double k = dpi / 25.4;
    double cw = sim_rng_uniform(r, 5.6, 6.8) * k, ch = sim_rng_uniform(r, 7.6, 8.6) * k;
    struct hand_glyph g;
    int a = s->allo[digit];
    float *dark;

    if (sim_rng_pct(r, s->mix_pct))
        a = sim_rng_int(r, 0, n_allos(digit) - 1);
    build(&g, digit, a, r);
    *w = (int)lround(cw);
    *h = (int)lround(ch);
    dark = xcalloc((size_t)*w * (size_t)*h, sizeof(float));

    double gh = ch * fmin(0.97, s->size * sim_rng_uniform(r, 0.88, 1.12));
    double gw = gh * s->aspect * sim_rng_uniform(r, 0.9, 1.1);
    double slant = s->slant + sim_rng_uniform(r, -0.08, 0.08);
    double rot = sim_rng_uniform(r, -0.08, 0.08), cr_ = cos(rot), sr = sin(rot);
    /* the glyph may run over the cell line (ink cut off there) */
    double over = sim_rng_pct(r, 10) ? 0.22 : 0.1;
    double cx = *w / 2.0 + sim_rng_uniform(r, -over, over) * *w;
    double cy = *h / 2.0 + sim_rng_uniform(r, -over, over) * *h;
    double pen = s->width_mm * k * sim_rng_uniform(r, 0.8, 1.2) / 2;
    double ink = fmin(1.0, s->ink * sim_rng_uniform(r, 0.9, 1.1));
    /* a smooth elastic field: two low-frequency waves */
    double ex = sim_rng_uniform(r, 0, 0.06), ey = sim_rng_uniform(r, 0, 0.06);
    double fx = sim_rng_uniform(r, 1, 3), fy = sim_rng_uniform(r, 1, 3);
    double phx = sim_rng_uniform(r, 0, 6.3), phy = sim_rng_uniform(r, 0, 6.3);

    if (digit == 1)
        gw *= 0.6;
    if (pen < 0.6)
        pen = 0.6;
    struct hand_pose pose = { gw, gh, slant, cr_, sr, cx, cy, pen, ink, s->shake,
                              ex, ey, fx, fy, phx, phy, 0.4 };
    struct hand_raster ras = { dark, *w, *h };
    hand_glyph_render(&pose, &g, r, hand_raster_dot, &ras);
    /* a remnant of the cell line along one edge, sometimes */
    if (sim_rng_pct(r, 8)) {
        int side = sim_rng_int(r, 0, 3), len = sim_rng_int(r, *h / 4, *h);
        for (int i = 0; i < len; i++) {
            if (side < 2 && i < *h)
                dark[i * *w + (side == 0 ? 0 : *w - 1)] = 0.8f;
            else if (side >= 2 && i < *w)
                dark[(side == 2 ? 0 : *h - 1) * *w + i] = 0.8f;
        }
    }
    return dark;
}

PIX *handdigit_scan(const float *dark, int w, int h, int dpi, struct sim_rng *r)
{
    double paper = sim_rng_uniform(r, 225, 250), solid = sim_rng_uniform(r, 15, 50);
    double noise = sim_rng_uniform(r, 0, 10);
    int blur = sim_rng_pct(r, 40), speck = (int)lround(6.0 * dpi / 300);
    double thresh = paper - 0.45 * (paper - solid);
    PIX *bin = pixCreate(w, h, 1), *clean = NULL;
    float *g = xcalloc((size_t)w * (size_t)h, sizeof(float));

    if (bin == NULL) {
        free(g);
        return NULL;
    }
    for (int i = 0; i < w * h; i++)
        g[i] = (float)(paper - dark[i] * (paper - solid));
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double v = g[y * w + x];
            if (blur) {
                double sum = 0;
                int n = 0;
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                        if (x + dx >= 0 && x + dx < w && y + dy >= 0 && y + dy < h) {
                            sum += g[(y + dy) * w + x + dx];
                            n++;
                        }
                v = sum / n;
            }
            v += noise * sim_rng_gauss(r);
            if (v < thresh)
                pixSetPixel(bin, x, y, 1);
        }
    free(g);
    /* specks the reader removes: both sides under 6 px at 300 dpi */
    clean = pixSelectBySize(bin, speck, speck, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, NULL);
    pixDestroy(&bin);
    return clean;
}

PIX *handdigit_cell(const struct handdigit_style *s, struct sim_rng *r, int digit, int dpi)
{
    int w, h;
    float *dark = handdigit_draw(s, r, digit, dpi, &w, &h);
    PIX *p = handdigit_scan(dark, w, h, dpi, r);

    free(dark);
    return p;
}
