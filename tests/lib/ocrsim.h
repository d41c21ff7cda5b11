/*
 * ocrsim: simulated scans for the ocr tests.  Draws a test form with
 * reports/pdf.h (marks, signed QR, checkboxes with ticks/crosses/fills/
 * faint marks, digit combs, printed kana and kanji names, presence boxes),
 * renders it with pdftoppm, and degrades it the way scanners and printers
 * do (rotation, printer scale, shift, 90/180 degrees, noise, blur, 1-bit,
 * JPEG) while keeping the exact mm -> px map as ground truth.
 * Not for: production code.  Self-contained: needs only libboshi and
 * Leptonica, and pdftoppm on PATH.
 */
#ifndef BOSHI_TESTS_OCRSIM_H
#define BOSHI_TESTS_OCRSIM_H

#include <leptonica/allheaders.h>

/* The layout, mm from the top-left of an A4 portrait page. */
#define OCRSIM_MARK 8.0
extern const double ocrsim_marks[4][4];    /* TL, TR, BL, BR */
extern const double ocrsim_qr[4];

enum ocrsim_omr_truth { OCRSIM_EMPTY, OCRSIM_MARGINAL, OCRSIM_MARKED };

#define OCRSIM_NCHECKS 14
struct ocrsim_check {
    double x, y, size;
    const char *what;                       /* "empty", "tick", ... */
    enum ocrsim_omr_truth truth;
};
extern const struct ocrsim_check ocrsim_checks[OCRSIM_NCHECKS];

#define OCRSIM_NCOMBS 2
struct ocrsim_comb {
    double x, y, w, h;
    int cells;
    const char *digits;                     /* one char per cell, ' ' for blank */
};
extern const struct ocrsim_comb ocrsim_combs[OCRSIM_NCOMBS];

#define OCRSIM_NNAMES 4
struct ocrsim_name {
    double x, y, w, h;
    int kana;                               /* 1: kana field, 0: kanji text field */
    const char *printed;                    /* as drawn */
    const char *expect;                     /* as a reading should return it (no spaces) */
};
extern const struct ocrsim_name ocrsim_names[OCRSIM_NNAMES];

#define OCRSIM_NPRESENCE 2
struct ocrsim_presence {
    double x, y, w, h;
    int present;
};
extern const struct ocrsim_presence ocrsim_presence[OCRSIM_NPRESENCE];

struct ocrsim_spec {
    const char *payload;                    /* QR text; NULL: no QR */
    unsigned marks;                         /* bit i: draw mark i (0xF: all) */
};

/* Writes the test form as a one-page PDF.  0 or -1. */
int ocrsim_pdf(const char *path, const struct ocrsim_spec *spec);
/* Renders page 1 of pdf at dpi with pdftoppm -gray into an 8 bpp PIX (NULL on failure). */
PIX *ocrsim_render(const char *pdf, int dpi, const char *tmpdir);

struct ocrsim_degrade {
    double rotate_deg;                      /* clockwise, about the centre */
    double scale;                           /* printer scale, 0 means 1 */
    double dx, dy;                          /* shift, px */
    int orient;                             /* 0, 90, 180, 270 clockwise */
    double noise;                           /* Gaussian stdev, grey levels */
    int blur;                               /* box blur half-width, px (0: none) */
    int binary;                             /* threshold to 1 bpp at 128 */
    double fade;                            /* 0..1: lighten the ink (toner low) */
};

/*
 * The degraded page (caller destroys) and in map[6] the true mm -> px map in
 * the same form as struct ocr_registration.map.  dpi: of the clean render.
 */
PIX *ocrsim_degrade(PIX *clean, int dpi, const struct ocrsim_degrade *d, double map[6]);
/*
 * Paints grey (0 black .. 255 white) over the bounding box of the rectangle
 * (x, y, w, h) mm seen through map, widened by pad px.
 */
void ocrsim_fill_mm(PIX *pix, const double map[6], double x, double y, double w, double h,
                    int pad, int grey);

/* Random noise (not a page) and a smooth photo-like image, w x h, 8 bpp. */
PIX *ocrsim_noise_image(int w, int h, unsigned seed);
PIX *ocrsim_photo_image(int w, int h);

#endif
