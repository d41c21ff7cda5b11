/*
 * render.c: the page as a nurse sees it in review - upright, the field in
 * question outlined in red.  Not for reading (field.c reads).
 */
#include "ocr/ocr-internal.h"
#include "ocr/render.h"

#include <math.h>
#include <string.h>
#include <stdlib.h>

int ocr_page_png(const struct ocr_page *p, const double *box_mm, int max_w, unsigned char **png,
                 size_t *len, struct berr *e)
{
    PIX *rgb = NULL, *up = NULL, *small = NULL;
    l_uint8 *data = NULL;
    size_t n = 0;
    int rc = 0;

    assert(p->registered);
    *png = NULL;
    *len = 0;
    rgb = pixConvertTo32(p->grey);
    if (rgb == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s: 画像を変換できません", p->name);
        goto cleanup;
    }
    if (box_mm != NULL) {
        double xs[4], ys[4];
        double cx[4] = { box_mm[0], box_mm[0] + box_mm[2], box_mm[0], box_mm[0] + box_mm[2] };
        double cy[4] = { box_mm[1], box_mm[1], box_mm[1] + box_mm[3], box_mm[1] + box_mm[3] };
        for (int i = 0; i < 4; i++)
            ocr_map_pt(p->reg.map, cx[i], cy[i], &xs[i], &ys[i]);
        double x0 = fmin(fmin(xs[0], xs[1]), fmin(xs[2], xs[3])) - 6;
        double y0 = fmin(fmin(ys[0], ys[1]), fmin(ys[2], ys[3])) - 6;
        double x1 = fmax(fmax(xs[0], xs[1]), fmax(xs[2], xs[3])) + 6;
        double y1 = fmax(fmax(ys[0], ys[1]), fmax(ys[2], ys[3])) + 6;
        BOX *b = boxCreate((l_int32)x0, (l_int32)y0, (l_int32)(x1 - x0), (l_int32)(y1 - y0));
        int width = p->dpi > 0 ? p->dpi / 50 + 2 : 6;
        if (b != NULL) {
            pixRenderBoxArb(rgb, b, width, 220, 0, 0);
            boxDestroy(&b);
        }
    }
    /* turned so that the form reads the right way up */
    up = pixRotateOrth(rgb, ((360 - p->reg.orientation) % 360) / 90);
    if (up == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s: 画像を回転できません", p->name);
        goto cleanup;
    }
    if (max_w > 0 && pixGetWidth(up) > max_w)
        small = pixScaleToSize(up, max_w, 0);
    else
        small = pixClone(up);
    if (small == NULL || pixWriteMem(&data, &n, small, IFF_PNG) != 0) {
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
    pixDestroy(&rgb);
    pixDestroy(&up);
    pixDestroy(&small);
    return rc;
}
