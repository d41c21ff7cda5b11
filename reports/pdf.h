/*
 * pdf: the drawing layer under every printed thing boshi makes - machine-
 * readable forms, 健診案内 letters for 長3 window envelopes, statistics
 * tables.  A thin wrapper over libharu 2.3.0 with IPAex fonts embedded.
 *
 * Not for: layout of any particular form or letter (that is reports/ and
 * forms/ above this), nor reading PDFs back.
 *
 * Geometry: every length is in millimetres, every position is measured
 * from the TOP-LEFT corner of the page as it is oriented (x to the right,
 * y downwards).  Font sizes are in points (1 pt = 25.4/72 mm).  Nothing is
 * rounded: a 10 mm box is 10 mm in the file.
 *   - Stroked shapes (lines, rectangles, combs, checkboxes): the given
 *     coordinates are the CENTRE of the stroke, as in PDF itself; the ink
 *     extends line_width/2 either side.  A 10 mm rectangle with 0.3 mm
 *     lines is 10 mm between line centres, 10.3 mm outside to outside.
 *   - Filled shapes (fill_rect, square, QR modules): exactly the area given.
 *
 * Errors: libharu reports through an error handler into the document; the
 * FIRST error (from libharu or from a bad argument such as invalid UTF-8)
 * is kept, every later drawing call becomes a no-op returning that code,
 * and pdf_save() reports it.  Drawing calls therefore need not be checked
 * one by one.  Calling a drawing function before pdf_page_add() is a
 * programming error (assert).
 *
 * A struct pdf is one document; not thread-safe, but documents are
 * independent of each other.
 */
#ifndef BOSHI_REPORTS_PDF_H
#define BOSHI_REPORTS_PDF_H

#include "base/base.h"

#define PDF_FONT_GOTHIC_PATH "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
#define PDF_FONT_MINCHO_PATH "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"

#define PDF_A4_WIDTH_MM 210.0
#define PDF_A4_HEIGHT_MM 297.0
/* Checkbox outline width; OMR excludes the border when scoring a box. */
#define PDF_CHECKBOX_LINE_MM 0.3
/* Smallest QR module pdf_qr() accepts: 0.33 mm is about 4 px at 300 dpi. */
#define PDF_QR_MIN_MODULE_MM 0.33
/* Quiet zone of a QR code, in modules, on each side (ISO/IEC 18004). */
#define PDF_QR_QUIET_MODULES 4

struct pdf;

enum pdf_font { PDF_GOTHIC, PDF_MINCHO, PDF_FONT_COUNT };
enum pdf_orientation { PDF_PORTRAIT, PDF_LANDSCAPE };
enum pdf_align { PDF_ALIGN_LEFT, PDF_ALIGN_CENTRE, PDF_ALIGN_RIGHT };

/*
 * Starts an empty document.  The IPAex fonts must be readable (checked
 * here); each is loaded at its first use and embedded as a subset.
 * On success *out is a new document (caller frees with pdf_free).
 */
int pdf_open(struct pdf **out, struct berr *e);
/*
 * Writes the document to path: first to a temporary file beside it, then
 * renamed, so a failed save never leaves a partial PDF under path.  The
 * file is created with mode 0600 (it holds personal data).  Returns the
 * first error recorded while drawing, if any, or the I/O error.  The
 * document stays usable (more pages may be added and saved again).
 */
int pdf_save(struct pdf *p, const char *path, struct berr *e);
/* Frees the document and sets *p to NULL; NULL and *p == NULL are fine. */
void pdf_free(struct pdf **p);

/* Adds an A4 page and makes it current.  Landscape is 297 wide x 210 high. */
int pdf_page_add(struct pdf *p, enum pdf_orientation o);
/* Number of pages added so far. */
int pdf_page_count(const struct pdf *p);
/* Size of the current page in mm (as oriented). */
void pdf_page_size(const struct pdf *p, double *w_mm, double *h_mm);
/* The first error so far, copied into e: 0 if none. */
int pdf_error(const struct pdf *p, struct berr *e);

/* ---- text (UTF-8; Japanese is the normal case) ---------------------- */

/*
 * Text whose BASELINE starts at (x, baseline) - the left end of the
 * baseline.  IPAex's em box rises 0.879 em above the baseline and sinks
 * 0.120 em below it, so for text whose em box top is at y the baseline is
 * y + 0.879 * size_pt * 25.4 / 72.
 *
 * All text functions refuse (BERR_INVALID, sticky) invalid UTF-8 and
 * characters outside the BMP such as 𠮷 (U+20BB7), which libharu 2.3.0
 * would silently drop; substitute them (𠮷→吉) before drawing.  A BMP
 * character missing from IPAex (Hangul, for one) prints as the font's
 * crossed box (.notdef), though pdftotext still extracts it.
 */
int pdf_text(struct pdf *p, enum pdf_font f, double size_pt, double x, double baseline,
             const char *utf8);
/*
 * Text in the box (x, y, w, h), vertically centred on its em box and aligned
 * left, centre or right.  The size shrinks (never grows) so the text fits
 * both the width and the height of the box.  *used_pt (may be NULL) gets
 * the size drawn.
 */
int pdf_text_box(struct pdf *p, enum pdf_font f, double size_pt, double x, double y,
                 double w, double h, enum pdf_align align, const char *utf8, double *used_pt);
/* Advance width of utf8 at size_pt, in mm, into *w_mm. */
int pdf_text_width(struct pdf *p, enum pdf_font f, double size_pt, const char *utf8,
                   double *w_mm);

/* ---- extra fonts (the scan simulator's handwriting-style digits) ----- */

/* Most fonts pdf_font_add() takes per document. */
#define PDF_FONT_EXTRA_MAX 8

/*
 * Loads a TrueType font from ttf_path, embedded as a subset, for
 * pdf_text_styled().  *font_id gets its id (>= PDF_FONT_COUNT); the ids of
 * enum pdf_font are valid font ids too.  BERR_FAIL if unreadable.
 */
int pdf_font_add(struct pdf *p, const char *ttf_path, int *font_id, struct berr *e);
/*
 * Text centred at (cx, cy) mm - on its advance width and its em box - in
 * grey (0.0 black .. 1.0 white), slanted by shear (x += shear * height, in
 * [-1, 1]) and then turned angle_deg counter-clockwise about that centre.
 * font_id: an enum pdf_font or an id from pdf_font_add().
 */
int pdf_text_styled(struct pdf *p, int font_id, double size_pt, double cx, double cy,
                    double angle_deg, double shear, double grey, const char *utf8);

/* ---- lines and shapes (black ink) ----------------------------------- */

int pdf_line(struct pdf *p, double x1, double y1, double x2, double y2, double line_mm);
/* Outline of the rectangle (x, y, w, h) with stroke centred on it. */
int pdf_rect(struct pdf *p, double x, double y, double w, double h, double line_mm);
/* Filled rectangle, no outline; grey 0.0 = black .. 1.0 = white. */
int pdf_fill_rect(struct pdf *p, double x, double y, double w, double h, double grey);
/* Filled black square with its top-left corner at (x, y): registration marks. */
int pdf_square(struct pdf *p, double x, double y, double size);
/*
 * A comb box for one character per cell: outline (x, y, w, h) with line_mm,
 * split into `cells` equal cells by full-height dividers of divider_mm.
 * cells >= 1.
 */
int pdf_comb(struct pdf *p, double x, double y, double w, double h, int cells,
             double line_mm, double divider_mm);
/*
 * A square checkbox (x, y, size) outlined with PDF_CHECKBOX_LINE_MM; when
 * checked, a cross is drawn inside it (for pre-filled or sample forms).
 */
int pdf_checkbox(struct pdf *p, double x, double y, double size, int checked);

/*
 * A QR code of payload (error correction M, byte mode) in the square
 * (x, y, size, size).  The quiet zone of PDF_QR_QUIET_MODULES white modules
 * is INSIDE that square: the dark modules fill the central part and the
 * caller keeps nothing else in the square.  Dark modules are filled squares
 * (a row's adjacent modules merged into one rectangle, all filled as one
 * path, so no hairline seams appear between them when rendered).  module = size / (symbol width
 * + 8); BERR_INVALID if that is under PDF_QR_MIN_MODULE_MM.  *module_mm
 * (may be NULL) gets the module size.
 */
int pdf_qr(struct pdf *p, double x, double y, double size, const char *payload,
           double *module_mm);

#endif
