/*
 * field.c: one field box on a registered page -> an ink image a reader can
 * use, and the two readings that need no Tesseract: OMR (checkbox score)
 * and ink presence.  Also the PNG of a crop for review.
 *
 * A field is cropped through the map with a margin, thresholded with the
 * page's own levels (paper grey and the grey of the solid marks), and
 * despeckled (components under 6 px at 300 dpi: a 4x2 px speck once read
 * as "ーー" at confidence > 90).  The printed outline and comb dividers are
 * found near their expected places (a few px either way) and excluded:
 * every reading works on the interior between the lines.
 *
 * Not for: Tesseract (reader.c) or deciding what a field means (forms/).
 */
#include "ocr/ocr-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN_MM 1.5
#define LINE_SEARCH_MM 0.8       /* how far a printed line may be from its place */
#define LINE_MAX_MM 0.7          /* a band wider than this is ink, not a line */
#define GUARD_MM 0.12            /* kept clear inside a found line */
#define SPECK_PX_300 6
#define SLIVER_MM 0.3            /* remnants of lines thinner than this are removed */
/* Ink thresholds as a fraction of the way from paper to solid print. */
#define LEVEL_MARK 0.30          /* OMR and presence: light marks count */
#define LEVEL_TEXT 0.45          /* text: mid grey */
#define LEVEL_LIGHT 0.12         /* the faintest pencil a person still sees */
#define STRAY_BAND_MM 1.4        /* above and below a box: where a stray tick lands */
#define STRAY_GUARD_MM 0.35      /* kept clear of the printed line */
#define STRAY_RIGHT_MM 1.35      /* to the right: up to where a label may start (1.5 mm) */
/*
 * Stroke evidence: one connected stroke of ink (at the light threshold)
 * that crosses the interior both ways - a tick, a slash or a cross spans
 * 60-100 % of it across and down, whatever its darkness.  A dot, a speck
 * or the arc of a neighbour's loop along one side spans one way at most;
 * a smudge is a blob, not a line (it fills most of its own extent).
 */
#define STROKE_SPAN 0.45         /* of the interior, both across and down */
#define STROKE_FILL_MAX 0.45     /* ink share of the stroke's own bounding box */
#define STROKE_OUTSIDE 0.05      /* at most this ink in the bands beside the box (over intake's
                                    STRAY_OUTSIDE): a stamp's arc crosses the box and goes on */

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Ink count of column x (vertical) or row y over [from, to). */
static int line_count(PIX *bin, int vertical, int at, int from, int to)
{
    l_uint32 *data = pixGetData(bin);
    int wpl = pixGetWpl(bin), n = 0;

    for (int i = from; i < to; i++) {
        const l_uint32 *row = data + (size_t)(vertical ? i : at) * (size_t)wpl;

        n += GET_DATA_BIT(row, vertical ? at : i);
    }
    return n;
}

/*
 * Finds the printed line expected at `pos` (px along x when vertical, y when
 * not), sampling the span [from, to) across it.  *lo..*hi (inclusive) get the
 * band; returns 1 if a line was seen, 0 if the expected band is used.
 */
static int line_find(PIX *bin, int vertical, double pos, double k, int from, int to, int *lo,
                     int *hi)
{
    int limit = vertical ? pixGetWidth(bin) : pixGetHeight(bin);
    int s0 = clampi((int)floor(pos - LINE_SEARCH_MM * k), 0, limit - 1);
    int s1 = clampi((int)ceil(pos + LINE_SEARCH_MM * k), 0, limit - 1);
    int best = -1, bestn = 0, span = to - from, a, b;
    int half = (int)ceil(0.2 * k);

    for (int i = s0; i <= s1; i++) {
        int n = line_count(bin, vertical, i, from, to);

        if (n > bestn || (n == bestn && fabs(i - pos) < fabs(best - pos))) {
            bestn = n;
            best = i;
        }
    }
    if (best >= 0 && span > 0 && bestn >= span / 2) {
        a = b = best;
        while (a - 1 >= s0 && line_count(bin, vertical, a - 1, from, to) * 10 >= bestn * 3)
            a--;
        while (b + 1 <= s1 && line_count(bin, vertical, b + 1, from, to) * 10 >= bestn * 3)
            b++;
        if (b - a + 1 <= LINE_MAX_MM * k) {
            *lo = a;
            *hi = b;
            return 1;
        }
    }
    *lo = clampi((int)floor(pos) - half, 0, limit - 1);
    *hi = clampi((int)floor(pos) + half, 0, limit - 1);
    return 0;
}

/* Clears thin line remnants touching the edge of bin (an interior crop). */
static void slivers_clear(PIX *bin, double k)
{
    BOXA *boxa = pixConnComp(bin, NULL, 8);
    int w = pixGetWidth(bin), h = pixGetHeight(bin);
    double thin = SLIVER_MM * k;

    if (boxa == NULL)
        return;
    for (int i = 0; i < boxaGetCount(boxa); i++) {
        l_int32 bx, by, bw, bh;
        int touches, sliver;

        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        touches = bx == 0 || by == 0 || bx + bw == w || by + bh == h;
        sliver = (bw <= thin && bh >= 0.5 * h) || (bh <= thin && bw >= 0.5 * w);
        if (touches && sliver) {
            /* Clear only this component's pixels: take it from a clip. */
            BOX *box = boxCreate(bx, by, bw, bh);
            PIX *part = pixClipRectangle(bin, box, NULL);
            PIX *one = NULL;
            BOXA *sub = NULL;
            PIXA *pixa = NULL;

            if (part != NULL)
                sub = pixConnComp(part, &pixa, 8);
            for (int j = 0; sub != NULL && j < boxaGetCount(sub); j++) {
                l_int32 sx, sy, sw, sh;

                boxaGetBoxGeometry(sub, j, &sx, &sy, &sw, &sh);
                if (sw == bw && sh == bh) {
                    one = pixaGetPix(pixa, j, L_CLONE);
                    pixRasterop(bin, bx, by, bw, bh, PIX_SRC ^ PIX_DST, one, 0, 0);
                    pixDestroy(&one);
                    break;
                }
            }
            boxaDestroy(&sub);
            pixaDestroy(&pixa);
            pixDestroy(&part);
            boxDestroy(&box);
        }
    }
    boxaDestroy(&boxa);
}

int ocr_field_prep(const struct ocr_page *p, const struct ocr_box *box, int for_text,
                   struct ocr_field *f, struct berr *e)
{
    double k = p->dpi / OCR_MM_PER_INCH, level = for_text ? LEVEL_TEXT : LEVEL_MARK;
    int n = box->cells > 1 ? box->cells : 1, rc = 0, guard = (int)ceil(GUARD_MM * k);
    int lo, hi, left_hi, right_lo, top_hi, bottom_lo, w, h, span0, span1;
    int speck = (int)lround(SPECK_PX_300 * p->dpi / 300.0);
    double mx, my, mw, mh;
    PIX *bin = NULL;

    assert(p->registered);
    memset(f, 0, sizeof(*f));
    if (n > OCR_MAX_CELLS || box->w <= 0 || box->h <= 0)
        return berr_set(e, BERR_INVALID, "%s: 欄の指定が不正です（%d升、%.1f×%.1fmm）", p->name,
                        n, box->w, box->h);
    f->k = k;
    f->margin = (int)lround(MARGIN_MM * k);
    f->thresh = (int)lround(p->paper - level * (p->paper - p->ink));
    f->paper = p->paper;
    f->ink = p->ink;
    f->dpi = p->dpi;
    f->grey = ocr_crop_grey(p->grey, p->reg.map, box->x - MARGIN_MM, box->y - MARGIN_MM,
                            box->w + 2 * MARGIN_MM, box->h + 2 * MARGIN_MM, k);
    if (f->grey == NULL)
        goto fail;
    bin = ocr_threshold(f->grey, f->thresh);
    if (bin == NULL)
        goto fail;
    f->bin = ocr_despeckle(bin, speck);
    if (f->bin == NULL)
        goto fail;
    w = pixGetWidth(f->bin);
    h = pixGetHeight(f->bin);
    mx = f->margin;
    my = f->margin;
    mw = box->w * k;
    mh = box->h * k;

    /* The outline: sample the middle 70 % of each side. */
    span0 = (int)(my + 0.15 * mh);
    span1 = (int)(my + 0.85 * mh);
    line_find(f->bin, 1, mx, k, span0, span1, &lo, &left_hi);
    line_find(f->bin, 1, mx + mw, k, span0, span1, &right_lo, &hi);
    span0 = (int)(mx + 0.15 * mw);
    span1 = (int)(mx + 0.85 * mw);
    line_find(f->bin, 0, my, k, span0, span1, &lo, &top_hi);
    line_find(f->bin, 0, my + mh, k, span0, span1, &bottom_lo, &hi);
    f->iy0 = clampi(top_hi + 1 + guard, 0, h);
    f->iy1 = clampi(bottom_lo - guard, f->iy0, h);
    f->ncells = n;
    f->cx0[0] = clampi(left_hi + 1 + guard, 0, w);
    for (int i = 1; i < n; i++) {
        line_find(f->bin, 1, mx + mw * i / n, k, f->iy0, f->iy1, &lo, &hi);
        f->cx1[i - 1] = clampi(lo - guard, f->cx0[i - 1], w);
        f->cx0[i] = clampi(hi + 1 + guard, 0, w);
    }
    f->cx1[n - 1] = clampi(right_lo - guard, f->cx0[n - 1], w);
    f->ix0 = f->cx0[0];
    f->ix1 = f->cx1[n - 1];
    goto cleanup;
fail:
    rc = berr_set(e, BERR_FAIL, "%s: 欄の画像を切り出せません", p->name);
    ocr_field_release(f);
cleanup:
    pixDestroy(&bin);
    return rc;
}

void ocr_field_release(struct ocr_field *f)
{
    pixDestroy(&f->grey);
    pixDestroy(&f->bin);
}

PIX *ocr_field_interior(struct ocr_field *f, int x0, int x1)
{
    BOX *b = NULL;
    PIX *out = NULL;

    if (x1 <= x0 || f->iy1 <= f->iy0)
        return NULL;
    b = boxCreate(x0, f->iy0, x1 - x0, f->iy1 - f->iy0);
    out = pixClipRectangle(f->bin, b, NULL);
    boxDestroy(&b);
    if (out != NULL)
        slivers_clear(out, f->k);
    return out;
}

/* Ink fraction of a rectangle of a 1 bpp image (clipped). */
static double ink_in(PIX *bin, int x0, int y0, int x1, int y1)
{
    l_uint32 *data = pixGetData(bin);
    int wpl = pixGetWpl(bin), n = 0, area;

    x0 = clampi(x0, 0, pixGetWidth(bin));
    x1 = clampi(x1, 0, pixGetWidth(bin));
    y0 = clampi(y0, 0, pixGetHeight(bin));
    y1 = clampi(y1, 0, pixGetHeight(bin));
    area = (x1 - x0) * (y1 - y0);
    if (area <= 0)
        return 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += GET_DATA_BIT(data + (size_t)y * (size_t)wpl, x) != 0;
    return (double)n / area;
}

/*
 * The widest thin stroke inside [x0, x1) x [y0, y1) of bin: the smaller of
 * the share of the width and of the height its bounding box spans (0 when
 * no component is thin enough to be a pen line).
 */
static double stroke_span(PIX *bin, int x0, int y0, int x1, int y1)
{
    BOX *clip = NULL;
    PIX *in = NULL;
    BOXA *boxa = NULL;
    PIXA *pixa = NULL;
    double best = 0;
    int w = x1 - x0, h = y1 - y0;

    if (w < 4 || h < 4)
        return 0;
    clip = boxCreate(x0, y0, w, h);
    in = clip ? pixClipRectangle(bin, clip, NULL) : NULL;
    boxa = in ? pixConnComp(in, &pixa, 8) : NULL;
    if (boxa == NULL)
        goto cleanup;
    for (int i = 0; i < boxaGetCount(boxa); i++) {
        l_int32 bx, by, bw, bh, n = 0;
        PIX *c = pixaGetPix(pixa, i, L_CLONE);
        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        if (c != NULL)
            pixCountPixels(c, &n, NULL);
        pixDestroy(&c);
        double span = fmin((double)bw / w, (double)bh / h);
        if (bw * bh > 0 && (double)n / (bw * bh) <= STROKE_FILL_MAX && span > best)
            best = span;
    }
cleanup:
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    pixDestroy(&in);
    boxDestroy(&clip);
    return best;
}

/*
 * A second look at a box the scores may call empty: the interior at a
 * light threshold (a soft pencil tick lighter than LEVEL_MARK), and the
 * bands just above and below the box, within its width, and the gap to its
 * right before the label (a tick that missed the box; the left is left out,
 * where the previous option's label may end a millimetre away).  Both despeckled, so scanner dust does not count.
 */
static void light_and_outside(const struct ocr_field *f, const struct ocr_box *box,
                              struct ocr_mark *out)
{
    int thresh = (int)lround(f->paper - LEVEL_LIGHT * (f->paper - f->ink));
    int speck = (int)lround(SPECK_PX_300 * f->dpi / 300.0);
    PIX *bin = ocr_threshold(f->grey, thresh), *clean = NULL;
    int guard = (int)lround(STRAY_GUARD_MM * f->k), band = (int)lround(STRAY_BAND_MM * f->k);
    int bx0 = f->margin, bx1 = f->margin + (int)lround(box->w * f->k);
    int top = f->margin, bottom = f->margin + (int)lround(box->h * f->k);

    if (bin == NULL)
        return;
    clean = ocr_despeckle(bin, speck);
    pixDestroy(&bin);
    if (clean == NULL)
        return;
    /* the interior as field.c found it, kept clear of its lines */
    out->light = ink_in(clean, f->ix0 + guard / 2, f->iy0 + guard / 2, f->ix1 - guard / 2,
                        f->iy1 - guard / 2);
    double above = ink_in(clean, bx0 + guard, top - band, bx1 - guard, top - guard);
    double below = ink_in(clean, bx0 + guard, bottom + guard, bx1 - guard, bottom + band);
    double right = ink_in(clean, bx1 + guard, top + guard, bx1 + (int)lround(STRAY_RIGHT_MM * f->k),
                          bottom - guard);
    out->stroke = stroke_span(clean, f->ix0 + guard / 2, f->iy0 + guard / 2, f->ix1 - guard / 2,
                              f->iy1 - guard / 2);
    out->left = ink_in(clean, bx0 - (int)lround(STRAY_RIGHT_MM * f->k), top + guard, bx0 - guard,
                       bottom - guard);
    out->above = above;
    out->below = below;
    out->right = right;
    out->outside = above > below ? above : below;
    if (right > out->outside)
        out->outside = right;
    pixDestroy(&clean);
}

double ocr_ink_rect(const struct ocr_page *p, double x, double y, double w, double h)
{
    double k = p->dpi / OCR_MM_PER_INCH, cov = 0;
    int thresh = (int)lround(p->paper - LEVEL_MARK * (p->paper - p->ink));
    int speck = (int)lround(SPECK_PX_300 * p->dpi / 300.0);
    PIX *grey = NULL, *bin = NULL, *clean = NULL;

    assert(p->registered);
    if (w <= 0 || h <= 0)
        return 0;
    grey = ocr_crop_grey(p->grey, p->reg.map, x, y, w, h, k);
    bin = grey ? ocr_threshold(grey, thresh) : NULL;
    clean = bin ? ocr_despeckle(bin, speck) : NULL;
    if (clean != NULL)
        cov = ink_in(clean, 0, 0, pixGetWidth(clean), pixGetHeight(clean));
    pixDestroy(&clean);
    pixDestroy(&bin);
    pixDestroy(&grey);
    return cov;
}

int ocr_omr(const struct ocr_page *p, const struct ocr_box *box, struct ocr_mark *out,
            struct berr *e)
{
    struct ocr_field f;
    PIX *in = NULL;
    l_uint32 *bdata, *gdata;
    int rc, bwpl, gwpl, area, count = 0;
    double dark = 0, range;

    memset(out, 0, sizeof(*out));
    rc = ocr_field_prep(p, box, 0, &f, e);
    if (rc < 0)
        return rc;
    in = ocr_field_interior(&f, f.ix0, f.ix1);
    if (in == NULL)
        goto cleanup;               /* no interior: nothing marked */
    bdata = pixGetData(in);
    bwpl = pixGetWpl(in);
    gdata = pixGetData(f.grey);
    gwpl = pixGetWpl(f.grey);
    range = f.paper - f.ink > 16 ? f.paper - f.ink : 16;
    area = pixGetWidth(in) * pixGetHeight(in);
    for (int y = 0; y < pixGetHeight(in); y++) {
        const l_uint32 *brow = bdata + (size_t)y * (size_t)bwpl;
        const l_uint32 *grow = gdata + (size_t)(y + f.iy0) * (size_t)gwpl;

        for (int x = 0; x < pixGetWidth(in); x++) {
            double d;

            if (!GET_DATA_BIT(brow, x))
                continue;
            d = (f.paper - (int)GET_DATA_BYTE(grow, x + f.ix0)) / range;
            dark += d < 0 ? 0 : d > 1 ? 1 : d;
            count++;
        }
    }
    out->coverage = area > 0 ? (double)count / area : 0;
    out->score = area > 0 ? dark / area : 0;
    light_and_outside(&f, box, out);
cleanup:
    out->cls = out->score <= OCR_OMR_EMPTY_MAX ? OCR_OMR_EMPTY
             : out->score >= OCR_OMR_MARKED_MIN ? OCR_OMR_MARKED : OCR_OMR_MARGINAL;
    /*
     * A light but whole stroke across the box is a mark, however pale -
     * when it stays in the box: a line that carries on beside it is the
     * ring of a 受付印 or another field's mark (review, as before).
     */
    if (out->cls != OCR_OMR_MARKED && out->stroke >= STROKE_SPAN && out->outside < STROKE_OUTSIDE)
        out->cls = OCR_OMR_MARKED;
    pixDestroy(&in);
    ocr_field_release(&f);
    return 0;
}

int ocr_ink(const struct ocr_page *p, const struct ocr_box *box, struct ocr_ink *out,
            struct berr *e)
{
    struct ocr_field f;
    PIX *in = NULL;
    BOXA *boxa = NULL;
    l_int32 count = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = ocr_field_prep(p, box, 0, &f, e);
    if (rc < 0)
        return rc;
    in = ocr_field_interior(&f, f.ix0, f.ix1);
    if (in == NULL)
        goto cleanup;
    pixCountPixels(in, &count, NULL);
    out->coverage = (double)count / ((double)pixGetWidth(in) * pixGetHeight(in));
    boxa = pixConnComp(in, NULL, 8);
    for (int i = 0; boxa != NULL && i < boxaGetCount(boxa); i++) {
        l_int32 bx, by, bw, bh;

        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        out->components++;
        /* A stroke of writing is at least 1 mm long. */
        if (bw >= f.k || bh >= f.k)
            out->present = 1;
    }
    {
        struct ocr_mark m;
        memset(&m, 0, sizeof(m));
        light_and_outside(&f, box, &m);
        out->above = m.above;
        out->below = m.below;
    }
cleanup:
    boxaDestroy(&boxa);
    pixDestroy(&in);
    ocr_field_release(&f);
    return 0;
}

int ocr_crop_png(const struct ocr_page *p, const struct ocr_box *box, double margin_mm,
                 unsigned char **png, size_t *len, struct berr *e)
{
    double k = p->dpi / OCR_MM_PER_INCH;
    PIX *crop = NULL;
    l_uint8 *data = NULL;
    size_t size = 0;
    int rc = 0;

    assert(p->registered);
    *png = NULL;
    *len = 0;
    crop = ocr_crop_grey(p->grey, p->reg.map, box->x - margin_mm, box->y - margin_mm,
                         box->w + 2 * margin_mm, box->h + 2 * margin_mm, k);
    if (crop == NULL || pixWriteMemPng(&data, &size, crop, 0) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 欄の画像をPNGにできません", p->name);
        goto cleanup;
    }
    *png = xmalloc(size);
    memcpy(*png, data, size);
    *len = size;
cleanup:
    lept_free(data);
    pixDestroy(&crop);
    return rc;
}
