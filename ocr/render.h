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
 * NULL; [x, y, w, h] in mm) outlined, at most max_w pixels wide.  Caller
 * frees *png.
 */
int ocr_page_png(const struct ocr_page *p, const double *box_mm, int max_w, unsigned char **png,
                 size_t *len, struct berr *e);

#endif
