/*
 * render.h: a scanned page as a picture for people (review): upright, with
 * one field outlined in red, scaled to a width.  Kept apart from ocr.h
 * until the reading API settles; ocr.h's ownership rules apply.
 */
#ifndef BOSHI_OCR_RENDER_H
#define BOSHI_OCR_RENDER_H

#include "ocr/ocr.h"

/*
 * PNG bytes of the registered page p, turned upright, with box_mm (may be
 * NULL; [x, y, w, h] in mm) outlined, at most max_w pixels wide; the nmask
 * boxes of mask_mm (mm, may be NULL when nmask is 0) are filled black.
 * Caller frees *png.
 */
int ocr_page_png(const struct ocr_page *p, const double *box_mm, const double (*mask_mm)[4],
                 size_t nmask, int max_w, unsigned char **png, size_t *len, struct berr *e);

/* The PNG image png blacked out whole (same size), as PNG bytes; caller frees *out. */
int ocr_png_blackout(const void *png, size_t len, void **out, size_t *out_len, struct berr *e);

#endif
