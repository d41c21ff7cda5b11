/*
 * ring.c: a loop drawn round a checkbox and its printed label - how many
 * people choose an option instead of ticking it.  ocr_omr_ring() looks in
 * a window round box+label for one connected line of ink (at the light
 * threshold) that goes round the box: its bounding box reaches past the
 * box on the left, above and below, and past the box towards the label on
 * the right, while lying wholly inside the window and no taller than a
 * loop round one line of print.  Not closed is fine: a loop drawn over
 * 320 degrees still spans all four sides.
 *
 * What it must not take for a loop: the printed box (it spans the box
 * only), the label's characters (right of the box, never round it), a
 * neighbour's loop (it ends at the neighbour's label, short of this box),
 * a 受付印 stamp (16-22 mm across: taller than the window allows, and it
 * touches the window's edges), a crease (it runs off both sides).
 *
 * Not for: the ink inside a box (field.c) or what a mark means (intake).
 */
#include "ocr/ocr-internal.h"

#include <math.h>
#include <string.h>

#define RING_LIGHT 0.12          /* as field.c's LEVEL_LIGHT: pencil counts */
#define RING_PAD_MM 3.2          /* the window round box+label */
/*
 * Past the label the window stops short of the next option's box (printed
 * 1.0 mm on): a loop that touches that box is cut at the window's right
 * edge rather than joined to the box's outline.
 */
#define RING_RIGHT_MM 0.95
/*
 * Before the box likewise: the previous option's label ends 1.0 mm before
 * it and its own loop may come closer still.  A loop may be cut by the
 * window on the left or on the right (joined to a neighbour's loop), or on
 * both when no row of it is a straight line across the window: a printed
 * frame round the whole row would be.
 */
#define RING_LEFT_MM 2.4
#define RING_STRAIGHT 0.85       /* a row of ink this share of the window wide: a printed line */
#define RING_BEYOND_MM 0.35      /* how far past the box's edges the loop must reach */
#define RING_MAX_EXTRA_MM 5.5    /* a loop is at most this much taller than the box */
#define RING_FILL_MAX 0.25       /* ink share of the loop's bounding box: a line, not a blob */
#define SPECK_PX_300 6

/* The most ink pixels in one row of bin. */
static int widest_row(PIX *bin)
{
    l_uint32 *data = pixGetData(bin);
    int wpl = pixGetWpl(bin), best = 0;

    for (int y = 0; y < pixGetHeight(bin); y++) {
        int n = 0;
        for (int x = 0; x < pixGetWidth(bin); x++)
            n += GET_DATA_BIT(data + (size_t)y * (size_t)wpl, x) != 0;
        if (n > best)
            best = n;
    }
    return best;
}

int ocr_omr_ring(const struct ocr_page *p, const struct ocr_box *box, const struct ocr_box *label,
                 int *circled, struct berr *e)
{
    double k = p->dpi / OCR_MM_PER_INCH;
    double right = label ? fmax(box->x + box->w, label->x + label->w) : box->x + box->w + 2.0;
    double wx = box->x - (label ? RING_LEFT_MM : RING_PAD_MM), wy = box->y - RING_PAD_MM;
    double ww = right + (label ? RING_RIGHT_MM : RING_PAD_MM) - wx, wh = box->h + 2 * RING_PAD_MM;
    int thresh = (int)lround(p->paper - RING_LIGHT * (p->paper - p->ink));
    int speck = (int)lround(SPECK_PX_300 * p->dpi / 300.0), rc = 0;
    PIX *grey = NULL, *bin = NULL, *clean = NULL;
    BOXA *boxa = NULL;
    PIXA *pixa = NULL;

    *circled = 0;
    if (!p->registered || box->w <= 0 || box->h <= 0)
        return berr_set(e, BERR_INVALID, "%s: 欄の指定が不正です", p->name);
    grey = ocr_crop_grey(p->grey, p->reg.map, wx, wy, ww, wh, k);
    bin = grey ? ocr_threshold(grey, thresh) : NULL;
    clean = bin ? ocr_despeckle(bin, speck) : NULL;
    boxa = clean ? pixConnComp(clean, &pixa, 8) : NULL;
    if (boxa == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s: 丸囲みを調べられません (メモリ不足)", p->name);
        goto cleanup;
    }
    /* the box in window pixels */
    double bx0 = (box->x - wx) * k, bx1 = (box->x + box->w - wx) * k;
    double by0 = (box->y - wy) * k, by1 = (box->y + box->h - wy) * k;
    double beyond = RING_BEYOND_MM * k, edge = 1;
    int W = pixGetWidth(clean), H = pixGetHeight(clean);
    for (int i = 0; i < boxaGetCount(boxa) && !*circled; i++) {
        l_int32 x, y, w, h, n = 0;
        boxaGetBoxGeometry(boxa, i, &x, &y, &w, &h);
        int off_left = x <= edge, off_right = x + w >= W - edge;
        if (y <= edge || y + h >= H - edge || (!label && (off_left || off_right)))
            continue;           /* runs off the window: a line of the form, a stamp, a crease */
        if ((x > bx0 - beyond && !off_left) || y > by0 - beyond || y + h < by1 + beyond || x + w < bx1 + beyond)
            continue;           /* does not go round the box */
        if (h > (box->h + RING_MAX_EXTRA_MM) * k)
            continue;
        PIX *c = pixaGetPix(pixa, i, L_CLONE);
        int straight = 0;
        if (c != NULL) {
            pixCountPixels(c, &n, NULL);
            if (off_left && off_right)
                straight = widest_row(c) >= RING_STRAIGHT * W;
        }
        pixDestroy(&c);
        if (!straight && (double)n / ((double)w * h) <= RING_FILL_MAX)
            *circled = 1;
    }
cleanup:
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    pixDestroy(&clean);
    pixDestroy(&bin);
    pixDestroy(&grey);
    return rc;
}
