/*
 * handkana.c: handwritten katakana from stroke skeletons (see handkana.h).
 * Skeletons are point lists in a unit box (x right, y down), written in
 * the order and direction Japanese hands use; the renderer, the scan and
 * the cell geometry are handdigit.c's.
 */
#include "demo/handkana.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef const double skel[][2];

#define E { -1, -1 }
#define D { -2, -2 }

static skel a_ = { { 0.05, 0.1 }, { 0.92, 0.08 }, { 0.75, 0.32 }, { 0.55, 0.45 }, E,
                   { 0.5, 0.3 }, { 0.48, 0.65 }, { 0.2, 1.0 }, E, D };
static skel i_ = { { 0.75, 0.0 }, { 0.45, 0.38 }, { 0.05, 0.62 }, E,
                   { 0.5, 0.35 }, { 0.5, 1.0 }, E, D };
static skel u_ = { { 0.5, 0.0 }, { 0.52, 0.2 }, E, { 0.1, 0.25 }, { 0.1, 0.48 }, E,
                   { 0.1, 0.25 }, { 0.9, 0.25 }, { 0.82, 0.6 }, { 0.4, 1.0 }, E, D };
static skel e_ = { { 0.15, 0.1 }, { 0.85, 0.1 }, E, { 0.5, 0.1 }, { 0.5, 0.9 }, E,
                   { 0.0, 0.9 }, { 1.0, 0.9 }, E, D };
static skel o_ = { { 0.0, 0.3 }, { 1.0, 0.3 }, E, { 0.65, 0.0 }, { 0.65, 1.0 }, { 0.5, 0.92 }, E,
                   { 0.6, 0.35 }, { 0.3, 0.7 }, { 0.0, 0.9 }, E, D };
static skel ka = { { 0.1, 0.3 }, { 0.85, 0.3 }, { 0.8, 0.75 }, { 0.65, 1.0 }, { 0.5, 0.9 }, E,
                   { 0.5, 0.0 }, { 0.45, 0.5 }, { 0.1, 1.0 }, E, D };
static skel ki3 = { { 0.1, 0.3 }, { 0.9, 0.22 }, E, { 0.0, 0.62 }, { 1.0, 0.52 }, E,
                    { 0.4, 0.0 }, { 0.5, 0.5 }, { 0.6, 1.0 }, E, D };
static skel ki2 = { { 0.1, 0.3 }, { 0.9, 0.22 }, { 0.05, 0.62 }, { 1.0, 0.52 }, E,
                    { 0.4, 0.0 }, { 0.5, 0.5 }, { 0.6, 1.0 }, E, D };
static skel ku = { { 0.4, 0.0 }, { 0.25, 0.3 }, { 0.0, 0.5 }, E,
                   { 0.3, 0.2 }, { 0.9, 0.2 }, { 0.75, 0.6 }, { 0.3, 1.0 }, E, D };
static skel ke = { { 0.35, 0.0 }, { 0.2, 0.3 }, { 0.0, 0.5 }, E, { 0.25, 0.32 }, { 1.0, 0.32 }, E,
                   { 0.65, 0.32 }, { 0.6, 0.7 }, { 0.3, 1.0 }, E, D };
static skel ko = { { 0.1, 0.1 }, { 0.9, 0.1 }, { 0.9, 0.9 }, E, { 0.1, 0.9 }, { 0.9, 0.9 }, E, D };
static skel sa3 = { { 0.0, 0.35 }, { 1.0, 0.35 }, E, { 0.3, 0.05 }, { 0.3, 0.65 }, E,
                    { 0.7, 0.0 }, { 0.7, 0.6 }, { 0.5, 0.9 }, { 0.25, 1.0 }, E, D };
static skel sa2 = { { 0.0, 0.35 }, { 1.0, 0.35 }, E, { 0.3, 0.1 }, { 0.3, 0.6 }, { 0.35, 0.62 }, E,
                    { 0.72, 0.0 }, { 0.72, 0.65 }, { 0.3, 1.0 }, E, D };
static skel shi = { { 0.08, 0.1 }, { 0.32, 0.22 }, E, { 0.02, 0.42 }, { 0.26, 0.55 }, E,
                    { 0.1, 0.98 }, { 0.5, 0.82 }, { 0.8, 0.52 }, { 0.95, 0.22 }, E, D };
static skel su = { { 0.1, 0.1 }, { 0.85, 0.1 }, { 0.6, 0.5 }, { 0.05, 1.0 }, E,
                   { 0.5, 0.6 }, { 1.0, 1.0 }, E, D };
static skel se_hook = { { 0.0, 0.4 }, { 1.0, 0.3 }, { 0.75, 0.6 }, E,
                        { 0.3, 0.0 }, { 0.3, 0.85 }, { 0.4, 0.95 }, { 0.95, 0.95 }, E, D };
static skel se_flat = { { 0.0, 0.42 }, { 1.0, 0.32 }, E, { 0.75, 0.32 }, { 0.7, 0.62 }, E,
                        { 0.3, 0.0 }, { 0.3, 0.85 }, { 0.4, 0.95 }, { 0.95, 0.95 }, E, D };
static skel so = { { 0.12, 0.12 }, { 0.28, 0.45 }, E,
                   { 0.88, 0.05 }, { 0.82, 0.45 }, { 0.58, 0.78 }, { 0.22, 1.0 }, E, D };
static skel ta = { { 0.4, 0.0 }, { 0.25, 0.3 }, { 0.0, 0.5 }, E,
                   { 0.3, 0.2 }, { 0.9, 0.2 }, { 0.75, 0.6 }, { 0.3, 1.0 }, E,
                   { 0.28, 0.45 }, { 0.68, 0.65 }, E, D };
static skel chi = { { 0.8, 0.0 }, { 0.2, 0.15 }, E, { 0.0, 0.45 }, { 1.0, 0.45 }, E,
                    { 0.5, 0.12 }, { 0.5, 0.7 }, { 0.25, 1.0 }, E, D };
static skel tsu = { { 0.1, 0.1 }, { 0.2, 0.4 }, E, { 0.42, 0.05 }, { 0.52, 0.35 }, E,
                    { 0.92, 0.05 }, { 0.86, 0.45 }, { 0.6, 0.8 }, { 0.25, 1.0 }, E, D };
static skel te = { { 0.15, 0.05 }, { 0.85, 0.05 }, E, { 0.0, 0.4 }, { 1.0, 0.4 }, E,
                   { 0.5, 0.4 }, { 0.45, 0.7 }, { 0.2, 1.0 }, E, D };
static skel to = { { 0.3, 0.0 }, { 0.3, 1.0 }, E, { 0.3, 0.4 }, { 0.85, 0.62 }, E, D };
static skel na = { { 0.0, 0.35 }, { 1.0, 0.35 }, E, { 0.55, 0.0 }, { 0.55, 0.6 }, { 0.25, 1.0 }, E,
                   D };
static skel ni = { { 0.15, 0.2 }, { 0.85, 0.2 }, E, { 0.0, 0.85 }, { 1.0, 0.85 }, E, D };
static skel nu = { { 0.1, 0.1 }, { 0.85, 0.1 }, { 0.55, 0.55 }, { 0.05, 1.0 }, E,
                   { 0.25, 0.42 }, { 0.85, 0.9 }, E, D };
static skel ne = { { 0.45, 0.0 }, { 0.5, 0.15 }, E, { 0.1, 0.25 }, { 0.85, 0.25 }, { 0.0, 0.75 }, E,
                   { 0.5, 0.5 }, { 0.5, 1.0 }, E, { 0.65, 0.6 }, { 0.95, 0.85 }, E, D };
static skel no = { { 0.8, 0.0 }, { 0.7, 0.5 }, { 0.1, 1.0 }, E, D };
static skel ha = { { 0.35, 0.1 }, { 0.2, 0.6 }, { 0.0, 0.9 }, E,
                   { 0.6, 0.1 }, { 0.85, 0.6 }, { 1.0, 0.9 }, E, D };
static skel hi = { { 0.0, 0.38 }, { 0.8, 0.2 }, E,
                   { 0.1, 0.0 }, { 0.1, 0.85 }, { 0.25, 0.95 }, { 0.95, 0.95 }, E, D };
static skel fu = { { 0.05, 0.1 }, { 0.9, 0.1 }, { 0.75, 0.55 }, { 0.2, 1.0 }, E, D };
static skel he = { { 0.0, 0.65 }, { 0.3, 0.28 }, { 1.0, 0.85 }, E, D };
static skel ho = { { 0.0, 0.3 }, { 1.0, 0.3 }, E, { 0.5, 0.0 }, { 0.5, 1.0 }, { 0.4, 0.93 }, E,
                   { 0.25, 0.5 }, { 0.05, 0.85 }, E, { 0.75, 0.5 }, { 0.95, 0.85 }, E, D };
static skel ma = { { 0.0, 0.15 }, { 0.95, 0.15 }, { 0.6, 0.6 }, { 0.4, 0.7 }, E,
                   { 0.35, 0.45 }, { 0.7, 0.95 }, E, D };
static skel mi = { { 0.2, 0.05 }, { 0.75, 0.2 }, E, { 0.25, 0.4 }, { 0.7, 0.55 }, E,
                   { 0.1, 0.75 }, { 0.85, 0.95 }, E, D };
static skel mu = { { 0.45, 0.0 }, { 0.1, 0.85 }, { 0.9, 0.78 }, E, { 0.7, 0.55 }, { 0.95, 1.0 }, E,
                   D };
static skel me = { { 0.85, 0.0 }, { 0.6, 0.5 }, { 0.05, 1.0 }, E, { 0.25, 0.35 }, { 0.95, 0.85 }, E,
                   D };
static skel mo = { { 0.1, 0.1 }, { 0.9, 0.1 }, E, { 0.0, 0.45 }, { 1.0, 0.45 }, E,
                   { 0.4, 0.1 }, { 0.4, 0.85 }, { 0.5, 0.95 }, { 0.95, 0.95 }, E, D };
static skel ya2 = { { 0.0, 0.4 }, { 1.0, 0.25 }, { 0.75, 0.55 }, E, { 0.25, 0.0 }, { 0.5, 1.0 }, E,
                    D };
static skel ya3 = { { 0.0, 0.42 }, { 1.0, 0.25 }, E, { 0.95, 0.3 }, { 0.72, 0.55 }, E,
                    { 0.25, 0.0 }, { 0.5, 1.0 }, E, D };
static skel yu = { { 0.1, 0.3 }, { 0.8, 0.3 }, { 0.8, 0.9 }, E, { 0.0, 0.9 }, { 1.0, 0.9 }, E, D };
static skel yo = { { 0.1, 0.05 }, { 0.9, 0.05 }, { 0.9, 0.95 }, E, { 0.15, 0.5 }, { 0.9, 0.5 }, E,
                   { 0.1, 0.95 }, { 0.9, 0.95 }, E, D };
static skel ra = { { 0.15, 0.05 }, { 0.85, 0.05 }, E,
                   { 0.05, 0.35 }, { 0.9, 0.35 }, { 0.75, 0.7 }, { 0.3, 1.0 }, E, D };
static skel ri = { { 0.2, 0.0 }, { 0.2, 0.6 }, E,
                   { 0.8, 0.0 }, { 0.8, 0.55 }, { 0.6, 0.85 }, { 0.3, 1.0 }, E, D };
static skel ru = { { 0.3, 0.0 }, { 0.3, 0.6 }, { 0.0, 1.0 }, E,
                   { 0.6, 0.0 }, { 0.6, 0.95 }, { 1.0, 0.6 }, E, D };
static skel re = { { 0.15, 0.0 }, { 0.15, 0.95 }, { 1.0, 0.45 }, E, D };
static skel ro = { { 0.1, 0.05 }, { 0.1, 0.95 }, E, { 0.1, 0.05 }, { 0.9, 0.05 }, { 0.9, 0.95 }, E,
                   { 0.1, 0.95 }, { 0.9, 0.95 }, E, D };
static skel wa = { { 0.1, 0.05 }, { 0.1, 0.4 }, E,
                   { 0.1, 0.05 }, { 0.9, 0.05 }, { 0.8, 0.55 }, { 0.35, 1.0 }, E, D };
static skel wo = { { 0.05, 0.1 }, { 0.9, 0.1 }, { 0.7, 0.6 }, { 0.3, 1.0 }, E,
                   { 0.1, 0.45 }, { 0.75, 0.45 }, E, D };
static skel n_ = { { 0.08, 0.18 }, { 0.38, 0.34 }, E,
                   { 0.1, 0.98 }, { 0.5, 0.78 }, { 0.8, 0.45 }, { 0.95, 0.12 }, E, D };
static skel choon = { { 0.0, 0.5 }, { 1.0, 0.47 }, E, D };
static skel dakuten = { { 0.1, 0.05 }, { 0.35, 0.6 }, E, { 0.6, 0.0 }, { 0.85, 0.55 }, E, D };
static skel ring_ = { D };   /* ゜: built as a ring */

/* Allographs per base class (NULL-terminated, at most 2). */
static const double (*const allos[OCR_KANA_NCLASS][3])[2] = {
    { a_ }, { i_ }, { u_ }, { e_ }, { o_ },
    { ka }, { ki3, ki2 }, { ku }, { ke }, { ko },
    { sa3, sa2 }, { shi }, { su }, { se_hook, se_flat }, { so },
    { ta }, { chi }, { tsu }, { te }, { to },
    { na }, { ni }, { nu }, { ne }, { no },
    { ha }, { hi }, { fu }, { he }, { ho },
    { ma }, { mi }, { mu }, { me }, { mo },
    { ya2, ya3 }, { yu }, { yo },
    { ra }, { ri }, { ru }, { re }, { ro },
    { wa }, { wo }, { n_ },
    [OCR_KANA_CHOON] = { choon }, [OCR_KANA_DAKUTEN] = { dakuten },
    [OCR_KANA_HANDAKUTEN] = { ring_ },
};

/* The base shape of a class (small kana are their big ones). */
static int shape_of(int cls)
{
    static const int small[] = { 0, 1, 2, 3, 4, 17, 35, 36, 37 };   /* ァィゥェォッャュョ */

    if (cls >= OCR_KANA_SMALL0 && cls < OCR_KANA_SMALL0 + 9)
        return small[cls - OCR_KANA_SMALL0];
    return cls;
}

static int n_allos(int shape)
{
    int n = 0;

    while (n < 2 && allos[shape][n] != NULL)
        n++;
    return n;
}

void handkana_style(struct handkana_style *s, uint64_t hand)
{
    struct sim_rng r;

    handdigit_style(&s->pen, hand);
    sim_rng_seed(&r, hand, 0x6b616e61);
    s->aspect = sim_rng_uniform(&r, 0.78, 1.02);
    for (int c = 0; c < OCR_KANA_NCLASS; c++)
        s->allo[c] = (unsigned char)sim_rng_int(&r, 0, n_allos(shape_of(c)) - 1);
    s->mix_pct = sim_rng_int(&r, 5, 30);
}

void handkana_pose(const struct handkana_style *s, struct sim_rng *r, int cls, double cw,
                   double ch, double k, struct hand_pose *p, struct hand_glyph *g)
{
    int shape = shape_of(cls), a = s->allo[cls];
    int small = cls >= OCR_KANA_SMALL0 && cls < OCR_KANA_SMALL0 + 9;
    double size = s->pen.size * sim_rng_uniform(r, 0.9, 1.12);

    if (sim_rng_pct(r, s->mix_pct))
        a = sim_rng_int(r, 0, n_allos(shape) - 1);
    memset(g, 0, sizeof(*g));
    if (shape == OCR_KANA_HANDAKUTEN) {
        double a0 = sim_rng_uniform(r, -3.1, 3.1), turns = sim_rng_uniform(r, 0.95, 1.1);
        g->n = 1;
        for (int i = 0; i <= 10; i++) {
            double t = a0 + 2 * M_PI * turns * i / 10;
            g->s[0].x[i] = 0.5 + 0.45 * cos(t);
            g->s[0].y[i] = 0.5 + 0.45 * sin(t);
            g->s[0].n++;
        }
    } else {
        hand_glyph_points(g, allos[shape][a]);
    }
    if (size > 0.85)
        size = 0.85;
    p->gh = ch * size;
    p->gw = p->gh * s->aspect * sim_rng_uniform(r, 0.9, 1.1);
    /* a box is written inside: the kana fits its width, and only now and
     * then runs over the line above or below (as digits do) or the divider */
    if (p->gw > cw * 0.72)
        p->gw = cw * 0.72;
    p->slant = s->pen.slant * 0.5 + sim_rng_uniform(r, -0.06, 0.06);
    double rot = sim_rng_uniform(r, -0.07, 0.07);
    p->cr = cos(rot);
    p->sr = sin(rot);
    double room_x = fmax(0.0, (0.82 * cw - p->gw) / 2 / cw);
    double overx = sim_rng_pct(r, 4) ? 0.15 : room_x;
    double overy = sim_rng_pct(r, 10) ? 0.2 : 0.06;
    p->cx = cw / 2 + sim_rng_uniform(r, -overx, overx) * cw;
    p->cy = ch / 2 + sim_rng_uniform(r, -overy, overy) * ch;
    if (small) {
        double f = sim_rng_uniform(r, 0.5, 0.68);
        p->gh *= f;
        p->gw *= f;
        p->cy += ch * sim_rng_uniform(r, 0.1, 0.2);
        p->cx -= cw * sim_rng_uniform(r, 0.0, 0.1);
    } else if (shape == OCR_KANA_DAKUTEN || shape == OCR_KANA_HANDAKUTEN) {
        double f = sim_rng_uniform(r, 0.28, 0.45);
        p->gh *= f;
        p->gw = p->gh * (shape == OCR_KANA_DAKUTEN ? sim_rng_uniform(r, 0.9, 1.3) : 1.0);
        p->cx = cw * sim_rng_uniform(r, 0.3, 0.6);
        p->cy = ch * sim_rng_uniform(r, 0.25, 0.5);
    } else if (shape == OCR_KANA_CHOON) {
        p->gw = cw * sim_rng_uniform(r, 0.55, 0.85);
        p->gh = ch * 0.2;
        p->slant = 0;
    }
    p->pen = s->pen.width_mm * k * sim_rng_uniform(r, 0.8, 1.2) / 2;
    if (p->pen < 0.6 * k / (300 / 25.4))
        p->pen = 0.6 * k / (300 / 25.4);
    p->ink = fmin(1.0, s->pen.ink * sim_rng_uniform(r, 0.9, 1.1));
    p->shake = s->pen.shake * (small || shape >= OCR_KANA_CHOON ? 0.7 : 1.0);
    p->ex = sim_rng_uniform(r, 0, 0.05);
    p->ey = sim_rng_uniform(r, 0, 0.05);
    p->fx = sim_rng_uniform(r, 1, 3);
    p->fy = sim_rng_uniform(r, 1, 3);
    p->phx = sim_rng_uniform(r, 0, 6.3);
    p->phy = sim_rng_uniform(r, 0, 6.3);
    p->step = k > 2 ? 0.4 : 0.08;    /* px, or mm on a PDF */
}

float *handkana_draw(const struct handkana_style *s, struct sim_rng *r, int cls, int dpi, int *w,
                     int *h)
{
    double k = dpi / 25.4;
    double cw = sim_rng_uniform(r, 6.0, 7.2) * k, ch = sim_rng_uniform(r, 7.4, 8.6) * k;
    struct hand_pose p;
    struct hand_glyph g;
    float *dark;

    *w = (int)lround(cw);
    *h = (int)lround(ch);
    dark = xcalloc((size_t)*w * (size_t)*h, sizeof(float));
    handkana_pose(s, r, cls, *w, *h, k, &p, &g);
    if (p.pen < 0.6)
        p.pen = 0.6;
    struct hand_raster ras = { dark, *w, *h };
    hand_glyph_render(&p, &g, r, hand_raster_dot, &ras);
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

PIX *handkana_cell(const struct handkana_style *s, struct sim_rng *r, int cls, int dpi)
{
    int w, h;
    float *dark = handkana_draw(s, r, cls, dpi, &w, &h);
    PIX *p = handdigit_scan(dark, w, h, dpi, r);

    free(dark);
    return p;
}
