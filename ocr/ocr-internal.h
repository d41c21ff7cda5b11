/*
 * ocr-internal: the page layout and the helpers the files of ocr/ share
 * (crop through the map, binarise, despeckle, zbar).  Not for callers.
 */
#ifndef BOSHI_OCR_INTERNAL_H
#define BOSHI_OCR_INTERNAL_H

#include "ocr/ocr.h"

#include <assert.h>
#include <leptonica/allheaders.h>

#define OCR_MM_PER_INCH 25.4

struct ocr_page {
    PIX *grey;                  /* 8 bpp, no colormap; 0 black .. 255 white */
    int dpi;
    char name[512];             /* "file 2ページ目" */
    int paper, ink;             /* grey levels of paper and of solid print */
    int bilevel;                /* the file is black and white (1 bit a pixel) */
    int registered;
    struct ocr_template tmpl;
    struct ocr_registration reg;
    int qr_len;                 /* -1: no QR decoded */
    char qr[OCR_TEXT_MAX];
};

/* Installs the quiet Leptonica handler once per process. */
void ocr_lib_init(void);

/* mm -> continuous pixel coordinates through the page's map. */
void ocr_map_pt(const double map[6], double x, double y, double *px, double *py);

/*
 * Upright grey crop of (x, y, w, h) mm sampled through map at px_per_mm
 * (bilinear; outside the image is white).  Caller destroys.
 */
PIX *ocr_crop_grey(PIX *grey, const double map[6], double x, double y, double w, double h,
                   double px_per_mm);

/* 1 bpp: pixels darker than thresh are ink (1). */
PIX *ocr_threshold(PIX *grey, int thresh);
/* Removes ink components whose width and height are both under min_px. */
PIX *ocr_despeckle(PIX *bin, int min_px);

/*
 * Decodes QR codes (only QR enabled) in an 8 bpp image.  On success copies
 * the first one's bytes into out (len up to OCR_TEXT_MAX - 1, NUL added)
 * and its centre into *cx, *cy (may be NULL); returns its length, or -1.
 */
int ocr_zbar_qr(PIX *grey8, char out[OCR_TEXT_MAX], double *cx, double *cy);
/* QR codes on grey8 other than one with the text own (NULL: none); the first into first. */
int ocr_zbar_qr_others(PIX *grey8, const char *own, char first[OCR_TEXT_MAX]);

double ocr_now_ms(void);

/*
 * A field prepared for reading (field.c): the grey crop (box plus margin,
 * upright), its ink mask (thresholded, despeckled) and the interior
 * between the printed lines, per cell for a comb.  Coordinates are in the
 * crop's pixels; x ranges are [x0, x1).
 */
struct ocr_field {
    PIX *grey, *bin;
    double k;                   /* px per mm */
    int dpi, margin, thresh, paper, ink;
    int ix0, ix1, iy0, iy1;     /* the box interior */
    int ncells;
    int cx0[OCR_MAX_CELLS], cx1[OCR_MAX_CELLS];
};

/* for_text: threshold for text (mid grey) rather than marks (light). */
int ocr_field_prep(const struct ocr_page *p, const struct ocr_box *box, int for_text,
                   struct ocr_field *f, struct berr *e);
void ocr_field_release(struct ocr_field *f);
/* The ink mask of columns [x0, x1) of the interior, line remnants removed; caller destroys. */
PIX *ocr_field_interior(struct ocr_field *f, int x0, int x1);

#endif
