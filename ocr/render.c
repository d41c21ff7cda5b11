/*
 * render.c: the page as a nurse sees it in review - upright, the field in
 * question outlined in red.  Not for reading (field.c reads).
 */
#include "ocr/ocr-internal.h"
#include "ocr/render.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>

/* The pixel rectangle (scaled by f) around box_mm [x, y, w, h] on the unturned page, pad px more. */
static BOX *box_on_page(const struct ocr_page *p, const double *box_mm, double f, double pad)
{
    double xs[4], ys[4];
    double cx[4] = { box_mm[0], box_mm[0] + box_mm[2], box_mm[0], box_mm[0] + box_mm[2] };
    double cy[4] = { box_mm[1], box_mm[1], box_mm[1] + box_mm[3], box_mm[1] + box_mm[3] };

    for (int i = 0; i < 4; i++)
        ocr_map_pt(p->reg.map, cx[i], cy[i], &xs[i], &ys[i]);
    double x0 = (fmin(fmin(xs[0], xs[1]), fmin(xs[2], xs[3])) - pad) * f;
    double y0 = (fmin(fmin(ys[0], ys[1]), fmin(ys[2], ys[3])) - pad) * f;
    double x1 = (fmax(fmax(xs[0], xs[1]), fmax(xs[2], xs[3])) + pad) * f;
    double y1 = (fmax(fmax(ys[0], ys[1]), fmax(ys[2], ys[3])) + pad) * f;
    return boxCreate((l_int32)x0, (l_int32)y0, (l_int32)(x1 - x0), (l_int32)(y1 - y0));
}

int ocr_png_blackout(const void *png, size_t len, void **out, size_t *out_len, struct berr *e)
{
    PIX *pix = pixReadMem(png, len), *grey = NULL;
    l_uint8 *data = NULL;
    size_t n = 0;
    int rc = 0;

    *out = NULL;
    *out_len = 0;
    grey = pix ? pixConvertTo8(pix, 0) : NULL;
    if (grey == NULL || pixClearAll(grey) != 0 || pixWriteMem(&data, &n, grey, IFF_PNG) != 0) {
        rc = berr_set(e, BERR_FAIL, "切り出し画像を変換できません");
        goto cleanup;
    }
    *out = malloc(n);
    if (*out == NULL) {
        rc = berr_set(e, BERR_FAIL, "メモリ不足");
        goto cleanup;
    }
    memcpy(*out, data, n);
    *out_len = n;
cleanup:
    if (data)
        free(data);
    pixDestroy(&pix);
    pixDestroy(&grey);
    return rc;
}

int ocr_page_png(const struct ocr_page *p, const double *box_mm, const double (*mask_mm)[4],
                 size_t nmask, int max_w, unsigned char **png, size_t *len, struct berr *e)
{
    PIX *small = NULL, *cm = NULL, *up = NULL;
    l_uint8 *data = NULL;
    size_t n = 0;
    int rc = 0, quarter = ((360 - p->reg.orientation) % 360) / 90;
    int w = pixGetWidth(p->grey), h = pixGetHeight(p->grey);
    /* the width the nurse sees is the height when the page lies on its side */
    int shown_w = quarter % 2 ? h : w;
    double f = max_w > 0 && shown_w > max_w ? (double)max_w / shown_w : 1.0;

    assert(p->registered);
    *png = NULL;
    *len = 0;
    /*
     * Scale the grey page first, then give it a colour map for the red
     * outline: a 300 dpi page is never turned into 32-bit colour whole
     * (that was most of the time and memory), and the PNG stays small.
     */
    small = f < 1.0 ? pixScale(p->grey, (l_float32)f, (l_float32)f)
                    : nmask ? pixCopy(NULL, p->grey) : pixClone(p->grey);
    /* masked fields (a 個人番号): black, with a margin for digits written over the box */
    for (size_t i = 0; small != NULL && i < nmask; i++) {
        double pad = p->dpi > 0 ? 3.0 * p->dpi / 25.4 : 24;     /* 3 mm */
        BOX *mb = box_on_page(p, mask_mm[i], f, pad);
        if (mb != NULL) {
            pixClearInRect(small, mb);
            boxDestroy(&mb);
        }
    }
    /* 64 grey levels in a colour map: room left for the red */
    cm = small ? pixThresholdOn8bpp(small, 64, 1) : NULL;
    if (cm == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s: 画像を変換できません", p->name);
        goto cleanup;
    }
    if (box_mm != NULL) {
        BOX *b = box_on_page(p, box_mm, f, 6);
        int width = (int)lround((p->dpi > 0 ? p->dpi / 50 + 2 : 6) * f);
        if (b != NULL) {
            pixRenderBoxArb(cm, b, width < 2 ? 2 : width, 220, 0, 0);
            boxDestroy(&b);
        }
    }
    /* turned so that the form reads the right way up */
    up = pixRotateOrth(cm, quarter);
    if (up == NULL || pixWriteMem(&data, &n, up, IFF_PNG) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: PNG を作れません", p->name);
        goto cleanup;
    }
    *png = malloc(n);
    if (*png == NULL) {
        rc = berr_set(e, BERR_FAIL, "メモリ不足");
        goto cleanup;
    }
    memcpy(*png, data, n);
    *len = n;
cleanup:
    if (data)
        free(data);
    pixDestroy(&small);
    pixDestroy(&cm);
    pixDestroy(&up);
    return rc;
}
