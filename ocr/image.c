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

int ocr_zbar_qr(PIX *grey8, char out[OCR_TEXT_MAX], double *cx, double *cy)
{
    int w = pixGetWidth(grey8), h = pixGetHeight(grey8), wpl = pixGetWpl(grey8), len = -1;
    l_uint32 *data = pixGetData(grey8);
    unsigned char *packed = NULL;
    zbar_image_scanner_t *scanner = NULL;
    zbar_image_t *img = NULL;
    const zbar_symbol_t *sym;

    /* zbar wants packed Y800 rows; Leptonica rows are padded words. */
    packed = xmalloc((size_t)w * (size_t)h);
    for (int y = 0; y < h; y++) {
        const l_uint32 *row = data + (size_t)y * (size_t)wpl;

        for (int x = 0; x < w; x++)
            packed[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)GET_DATA_BYTE(row, x);
    }
    scanner = zbar_image_scanner_create();
    img = zbar_image_create();
    if (scanner == NULL || img == NULL)
        goto cleanup;
    /* Only QR: with every symbology on, zbar saw a false EAN-2 on a noisy page. */
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, packed, (unsigned long)w * (unsigned long)h, NULL);
    if (zbar_scan_image(scanner, img) <= 0)
        goto cleanup;
    for (sym = zbar_image_first_symbol(img); sym != NULL; sym = zbar_symbol_next(sym)) {
        unsigned n = zbar_symbol_get_data_length(sym), locs = zbar_symbol_get_loc_size(sym);
        double sx = 0, sy = 0;

        if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
            continue;
        if (n > OCR_TEXT_MAX - 1)
            n = OCR_TEXT_MAX - 1;
        memcpy(out, zbar_symbol_get_data(sym), n);
        out[n] = '\0';
        len = (int)n;
        for (unsigned i = 0; i < locs; i++) {
            sx += zbar_symbol_get_loc_x(sym, i);
            sy += zbar_symbol_get_loc_y(sym, i);
        }
        if (cx != NULL)
            *cx = locs > 0 ? sx / locs : w / 2.0;
        if (cy != NULL)
            *cy = locs > 0 ? sy / locs : h / 2.0;
        break;
    }
cleanup:
    if (img != NULL)
        zbar_image_destroy(img);
    if (scanner != NULL)
        zbar_image_scanner_destroy(scanner);
    free(packed);
    return len;
}

int ocr_zbar_qr_others(PIX *grey8, const char *own, char first[OCR_TEXT_MAX])
{
    int w = pixGetWidth(grey8), h = pixGetHeight(grey8), wpl = pixGetWpl(grey8), n_other = 0;
    l_uint32 *data = pixGetData(grey8);
    unsigned char *packed = xmalloc((size_t)w * (size_t)h);
    zbar_image_scanner_t *scanner = zbar_image_scanner_create();
    zbar_image_t *img = zbar_image_create();

    first[0] = '\0';
    for (int y = 0; y < h; y++) {
        const l_uint32 *row = data + (size_t)y * (size_t)wpl;

        for (int x = 0; x < w; x++)
            packed[(size_t)y * (size_t)w + (size_t)x] = (unsigned char)GET_DATA_BYTE(row, x);
    }
    if (scanner == NULL || img == NULL)
        goto cleanup;
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, (unsigned)w, (unsigned)h);
    zbar_image_set_data(img, packed, (unsigned long)w * (unsigned long)h, NULL);
    if (zbar_scan_image(scanner, img) <= 0)
        goto cleanup;
    for (const zbar_symbol_t *sym = zbar_image_first_symbol(img); sym != NULL;
         sym = zbar_symbol_next(sym)) {
        unsigned n = zbar_symbol_get_data_length(sym);
        const char *d = zbar_symbol_get_data(sym);

        if (zbar_symbol_get_type(sym) != ZBAR_QRCODE)
            continue;
        if (own != NULL && strlen(own) == n && memcmp(own, d, n) == 0)
            continue;
        if (n_other++ == 0) {
            if (n > OCR_TEXT_MAX - 1)
                n = OCR_TEXT_MAX - 1;
            memcpy(first, d, n);
            first[n] = '\0';
        }
    }
cleanup:
    if (img != NULL)
        zbar_image_destroy(img);
    if (scanner != NULL)
        zbar_image_scanner_destroy(scanner);
    free(packed);
    return n_other;
}
