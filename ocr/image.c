/*
 * image.c: pixel helpers the rest of ocr/ shares - an upright crop sampled
 * through the mm -> px map, thresholding, despeckling, and zbar restricted
 * to QR.  Not for: deciding anything about a page.
 */
#include "ocr/ocr-internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

void ocr_map_pt(const double map[6], double x, double y, double *px, double *py)
{
    *px = map[0] * x + map[1] * y + map[2];
    *py = map[3] * x + map[4] * y + map[5];
}

PIX *ocr_crop_grey(PIX *grey, const double map[6], double x, double y, double w, double h,
                   double px_per_mm)
{
    int ow = (int)lround(w * px_per_mm), oh = (int)lround(h * px_per_mm);
    int sw = pixGetWidth(grey), sh = pixGetHeight(grey), swpl = pixGetWpl(grey), dwpl;
    l_uint32 *sdata = pixGetData(grey), *ddata;
    PIX *out;

    if (ow < 1)
        ow = 1;
    if (oh < 1)
        oh = 1;
    out = pixCreate(ow, oh, 8);
    if (out == NULL)
        return NULL;
    ddata = pixGetData(out);
    dwpl = pixGetWpl(out);
    for (int v = 0; v < oh; v++) {
        l_uint32 *drow = ddata + (size_t)v * (size_t)dwpl;
        double ymm = y + (v + 0.5) / px_per_mm;

        for (int u = 0; u < ow; u++) {
            double xmm = x + (u + 0.5) / px_per_mm, fx, fy, val = 255;
            int ix, iy;

            ocr_map_pt(map, xmm, ymm, &fx, &fy);
            fx -= 0.5;                       /* continuous -> index space */
            fy -= 0.5;
            ix = (int)floor(fx);
            iy = (int)floor(fy);
            if (ix >= 0 && iy >= 0 && ix + 1 < sw && iy + 1 < sh) {
                const l_uint32 *r0 = sdata + (size_t)iy * (size_t)swpl, *r1 = r0 + swpl;
                double ax = fx - ix, ay = fy - iy;
                double a = GET_DATA_BYTE(r0, ix), b = GET_DATA_BYTE(r0, ix + 1);
                double c = GET_DATA_BYTE(r1, ix), d = GET_DATA_BYTE(r1, ix + 1);

                val = (a * (1 - ax) + b * ax) * (1 - ay) + (c * (1 - ax) + d * ax) * ay;
            }
            SET_DATA_BYTE(drow, u, (int)(val + 0.5));
        }
    }
    return out;
}

PIX *ocr_threshold(PIX *grey, int thresh)
{
    return pixThresholdToBinary(grey, thresh);
}

PIX *ocr_despeckle(PIX *bin, int min_px)
{
    if (min_px <= 1)
        return pixCopy(NULL, bin);
    return pixSelectBySize(bin, min_px, min_px, 8, L_SELECT_IF_EITHER, L_SELECT_IF_GTE, NULL);
}

/* zbar over one grey page: the scanner, the image and the packed rows it reads. */
struct qrscan {
    zbar_image_scanner_t *scanner;
    zbar_image_t *img;
    unsigned char *packed;
    int w, h;
};

/* Scans grey8 for QR codes only; the number of symbols found (0 none, -1 failure). */
static int qrscan_run(struct qrscan *q, PIX *grey8)
{
    int wpl = pixGetWpl(grey8);
    l_uint32 *data = pixGetData(grey8);

    q->w = pixGetWidth(grey8);
    q->h = pixGetHeight(grey8);
    /* zbar wants packed Y800 rows; Leptonica rows are padded words. */
    q->packed = xmalloc((size_t)q->w * (size_t)q->h);
    for (int y = 0; y < q->h; y++) {
        const l_uint32 *row = data + (size_t)y * (size_t)wpl;

        for (int x = 0; x < q->w; x++)
            q->packed[(size_t)y * (size_t)q->w + (size_t)x] = (unsigned char)GET_DATA_BYTE(row, x);
    }
    q->scanner = zbar_image_scanner_create();
    q->img = zbar_image_create();
    if (q->scanner == NULL || q->img == NULL)
        return -1;
    /* Only QR: with every symbology on, zbar saw a false EAN-2 on a noisy page. */
    zbar_image_scanner_set_config(q->scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(q->scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_set_format(q->img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(q->img, (unsigned)q->w, (unsigned)q->h);
    zbar_image_set_data(q->img, q->packed, (unsigned long)q->w * (unsigned long)q->h, NULL);
    return zbar_scan_image(q->scanner, q->img);
}

static void qrscan_release(struct qrscan *q)
{
    if (q->img != NULL)
        zbar_image_destroy(q->img);
    if (q->scanner != NULL)
        zbar_image_scanner_destroy(q->scanner);
    free(q->packed);
}

/* A symbol's text into out (cut to OCR_TEXT_MAX - 1 bytes); its length. */
static int symbol_text(const zbar_symbol_t *sym, char out[OCR_TEXT_MAX])
{
    unsigned n = zbar_symbol_get_data_length(sym);

    if (n > OCR_TEXT_MAX - 1)
        n = OCR_TEXT_MAX - 1;
    memcpy(out, zbar_symbol_get_data(sym), n);
    out[n] = '\0';
    return (int)n;
}

int ocr_zbar_qr(PIX *grey8, char out[OCR_TEXT_MAX], double *cx, double *cy)
{
    struct qrscan q = { NULL, NULL, NULL, 0, 0 };
    int len = -1;

    if (qrscan_run(&q, grey8) <= 0)
        goto cleanup;
    for (const zbar_symbol_t *sym = zbar_image_first_symbol(q.img); sym != NULL;
         sym = zbar_symbol_next(sym)) {
        unsigned locs = zbar_symbol_get_loc_size(sym);
        double sx = 0, sy = 0;

        if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
            continue;
        len = symbol_text(sym, out);
        for (unsigned i = 0; i < locs; i++) {
            sx += zbar_symbol_get_loc_x(sym, i);
            sy += zbar_symbol_get_loc_y(sym, i);
        }
        if (cx != NULL)
            *cx = locs > 0 ? sx / locs : q.w / 2.0;
        if (cy != NULL)
            *cy = locs > 0 ? sy / locs : q.h / 2.0;
        break;
    }
cleanup:
    qrscan_release(&q);
    return len;
}

int ocr_zbar_qr_others(PIX *grey8, const char *own, char first[OCR_TEXT_MAX])
{
    struct qrscan q = { NULL, NULL, NULL, 0, 0 };
    int n_other = 0;

    first[0] = '\0';
    if (qrscan_run(&q, grey8) <= 0)
        goto cleanup;
    for (const zbar_symbol_t *sym = zbar_image_first_symbol(q.img); sym != NULL;
         sym = zbar_symbol_next(sym)) {
        unsigned n = zbar_symbol_get_data_length(sym);

        if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
            continue;
        if (own != NULL && strlen(own) == n && memcmp(own, zbar_symbol_get_data(sym), n) == 0)
            continue;
        if (n_other++ == 0)
            symbol_text(sym, first);
    }
cleanup:
    qrscan_release(&q);
    return n_other;
}
