/*
 * ocr: a scanned page image in, a registered page and field readings out
 * (ARCHITECTURE.md §3).  Geometry comes in millimetres from the caller; this module
 * knows nothing about form definitions, records or review.
 *
 * Public functions, in the order a worker calls them:
 *   ocr_open() / ocr_open_fd() / ocr_open_mem()
 *                                 a file checked before any decoding (size,
 *                                 format by content, every page's header);
 *   ocr_source_page()             then one page at a time: page or reason;
 *                                 ocr_source_close()
 *   ocr_load() / ocr_load_mem()   every page at once (small files: tests,
 *                                 the evaluator); ocr_loaded_release()
 *   ocr_register()                skew, orientation, marks, affine mm -> px map
 *   ocr_qr()                      the signed QR payload (base/qrpayload.h)
 *   ocr_omr(), ocr_ink()          checkbox score/class, ink presence
 *   ocr_reader_open()             one Tesseract reader per worker; ocr_reader_free()
 *   ocr_read_text()               digits (comb), kana or text: two models' readings
 *   ocr_read_cell_digit()         one comb cell (to be replaced by a handwriting model)
 *   ocr_crop_png()                the field's crop as PNG bytes, for review
 *   ocr_page_free()
 *
 * Ownership: a struct ocr_page belongs to the struct ocr_loaded it came in
 * until the caller takes it (sets the slot to NULL) and then frees it with
 * ocr_page_free().  Readings are plain structs with fixed-size strings (no
 * release needed); PNG bytes from ocr_crop_png() are the caller's (free()).
 *
 * States of a page:  loaded --ocr_register()--> registered
 *                    (ocr_qr, ocr_omr, ocr_ink, ocr_read_*, ocr_crop_png need
 *                    registered; calling them earlier is a programming error).
 * A page whose marks cannot be found, or whose map does not fit, is never
 * registered: ocr_register() returns BERR_INVALID with the reason.
 *
 * Errors follow base/base.h: 0 or a negative enum berr_code with a Japanese
 * message for staff naming the file and page.  Rejections of the page
 * (blank, not a page, marks, QR missing) are BERR_INVALID; a bad QR
 * signature is BERR_DENIED (see ocr_qr); library failures are BERR_FAIL.
 *
 * Threads: pages are independent and page functions are reentrant; a
 * reader is used by one thread at a time.  The process must run with
 * OMP_THREAD_LIMIT=1 in its environment (Tesseract's OpenMP reads it at
 * start-up; more threads doubled the time per field).  The first call into
 * this module silences Leptonica's messages on stderr for the whole process
 * (modules never print).
 */
#ifndef BOSHI_OCR_H
#define BOSHI_OCR_H

#include "base/base.h"
#include "base/qrpayload.h"

#include <stddef.h>

#define OCR_MIN_LONG_SIDE_PX 1000  /* smaller images are not pages */
#define OCR_MAX_SIDE_PX 12000      /* larger is not a scanned A4 page (600 dpi: 4961 x 7016) */
/* A4 at 600 dpi is 34.8 Mpx; a page promising more is refused before decoding. */
#define OCR_MAX_PAGE_PIXELS 40000000LL
/*
 * Memory to decode one page and make it grey (colour is 32 bits a pixel,
 * twice for a colour TIFF): grey A4 at 600 dpi needs 70 MB, colour A4 at
 * 400 dpi 139 MB; colour at 600 dpi (313 MB) is refused.
 */
#define OCR_MAX_DECODED_BYTES (150LL * 1024 * 1024)
/* Defaults of the settings intake.max_file_mb and intake.max_pages. */
#define OCR_DEFAULT_MAX_FILE_BYTES (200LL * 1024 * 1024)
#define OCR_DEFAULT_MAX_PAGES 500
#define OCR_MAX_CELLS 32           /* cells in one comb */
#define OCR_TEXT_MAX 256           /* bytes of one reading, NUL included */
/* OMR classes: score <= EMPTY is empty, >= MARKED is marked, between is review. */
#define OCR_OMR_EMPTY_MAX 0.02
#define OCR_OMR_MARKED_MIN 0.15

/* What the page should look like, in mm from the top-left of the page. */
struct ocr_template {
    double page_w, page_h;     /* 210 x 297 for A4 portrait */
    double marks[4][4];        /* registration squares [x,y,w,h]: TL, TR, BL, BR, filled black */
    double qr[4];              /* QR square [x,y,w,h], quiet zone inside */
};

/* A field box: the printed outline (line centres, mm) and its comb cells. */
struct ocr_box {
    double x, y, w, h;
    int cells;                 /* 0 or 1: one box; n > 1: comb of n equal cells */
};

struct ocr_page;                /* opaque: image, dpi, and once registered the map */

/* ---- load ---------------------------------------------------------- */

/* What one file may be; ocr_limits_default() gives the defaults above. */
struct ocr_limits {
    long long max_file_bytes;
    int max_pages;
};
void ocr_limits_default(struct ocr_limits *lim);

struct ocr_source;              /* opaque: a checked file, its pages not yet decoded */

/*
 * Opens and checks a file before anything is decoded: its size against
 * lim (NULL: the defaults), its format by its first bytes (TIFF, PNG and
 * JPEG are read; GIF, WebP, BMP, PDF ... are refused by name, whatever the
 * file is called), and the header of every page (a TIFF's directories are
 * walked with libtiff, at most lim->max_pages of them).  A page whose
 * header promises more than a scanned A4 page (OCR_MAX_SIDE_PX,
 * OCR_MAX_PAGE_PIXELS, OCR_MAX_DECODED_BYTES), or whose directory is
 * damaged, keeps its reason and is never decoded.  BERR_INVALID with the
 * reason when the file as a whole is refused (too big, too many pages, not
 * an image we read); *out is then NULL.  name is used in every message.
 * ocr_open_fd() maps fd (dup'ed; the caller keeps and closes its own);
 * only the bytes of a page being decoded are read in.  ocr_open_mem()
 * borrows data until ocr_source_close().
 */
int ocr_open(const char *path, const char *name, const struct ocr_limits *lim,
             struct ocr_source **out, struct berr *e);
int ocr_open_fd(int fd, const char *name, const struct ocr_limits *lim, struct ocr_source **out,
                struct berr *e);
int ocr_open_mem(const void *data, size_t len, const char *name, const struct ocr_limits *lim,
                 struct ocr_source **out, struct berr *e);
/* Pages of the file (a damaged directory counts as one page, the last). */
int ocr_source_npages(const struct ocr_source *s);
/*
 * Decodes page i (0-based) alone: *page (caller frees with ocr_page_free)
 * or, when the page is refused, *reason (Japanese, naming file and page;
 * caller frees).  Returns 0 either way; BERR_NOTFOUND for i out of range.
 */
int ocr_source_page(struct ocr_source *s, int i, struct ocr_page **page, char **reason,
                    struct berr *e);
void ocr_source_close(struct ocr_source **s);

struct ocr_loaded {
    int npages;
    struct ocr_page **pages;    /* npages slots; NULL where the page was rejected */
    char **reasons;             /* npages slots; the reason (Japanese) where rejected */
};

/*
 * Loads every page of a TIFF (multi-page, any compression incl. G4), PNG or
 * JPEG, grey, colour or 1-bit, and normalises it to 8-bit grey.  The dpi is
 * taken from the file when it is plausible for an A4 page, else estimated
 * from the pixel size assuming A4.  A page that is too small, blank or not
 * a page is rejected in its slot (out->reasons), not as an error: the
 * return value is an error only when the file itself cannot be read (then
 * out is empty).  Release out with ocr_loaded_release().
 * name (for messages) is usually the file name.
 */
int ocr_load(const char *path, struct ocr_loaded *out, struct berr *e);
int ocr_load_mem(const void *data, size_t len, const char *name, struct ocr_loaded *out,
                 struct berr *e);
/* Frees the pages still in out and the reasons; out is left empty. */
void ocr_loaded_release(struct ocr_loaded *out);

int ocr_page_dpi(const struct ocr_page *p);
/*
 * 1 when the scan is black and white only: its file says 1 bit a pixel (a
 * 1-bit TIFF or PNG; a scanner PDF's 1-bit, CCITT or JBIG2 image, which
 * pdfimages writes as a 1-bit PNG).  Such a scan has lost every light
 * pencil mark (intake refuses it).  Decided from the file's header, never
 * from the grey levels: a greyscale scan of crisp print may hold only
 * black and white and is not bilevel.
 */
int ocr_page_bilevel(const struct ocr_page *p);
void ocr_page_size_px(const struct ocr_page *p, int *w, int *h);
/* "scan.tif 2ページ目": used in every message about the page. */
const char *ocr_page_name(const struct ocr_page *p);
/* Frees the page and sets *p to NULL; NULL and *p == NULL are fine. */
void ocr_page_free(struct ocr_page **p);

/* ---- registration -------------------------------------------------- */

struct ocr_registration {
    int orientation;            /* 0, 90, 180, 270: clockwise turn of the page in the image */
    double skew_deg;            /* further clockwise skew of the page in the image */
    double map[6];              /* px = map[0]*x + map[1]*y + map[2], py = map[3]*x + map[4]*y + map[5];
                                   (x, y) in mm, (px, py) continuous pixel coordinates */
    int marks_found;            /* 3 or 4 */
    unsigned marks_mask;        /* bit i set: template mark i was used */
    double mark_px[4][2];       /* found mark centres (px) */
    double residual_px;         /* RMS distance found vs mapped centres (0 with 3 marks) */
    double max_err_px;          /* largest of those distances */
    double scale;               /* printed size / true size, e.g. 0.96 after "fit to page" */
    int qr_found;               /* the QR was decoded at its expected place or on the page */
};

/*
 * Registers the page against t: skew, orientation (0/180 for a portrait
 * image, 90/270 for a landscape one; the orientation in which the QR is
 * found at its place wins), the marks in windows around their expected
 * places (any 3 of 4), a least-squares affine map mm -> px.  reg (may be
 * NULL) gets the details.  BERR_INVALID with the reason when fewer than 3
 * marks are found, the residual is above 0.5 mm or the map is not a
 * plausible print (scale outside 0.85..1.08, x/y scales or axes differing
 * by more than 1.5 %); the page is then unusable for reading.  With 4
 * marks that do not fit, the 3 that make the most regular map are used.  A page registered without a QR has reg->qr_found == 0 and
 * ocr_qr() rejects it.
 */
int ocr_register(struct ocr_page *p, const struct ocr_template *t, struct ocr_registration *reg,
                 struct berr *e);

/*
 * The QR payload, verified under key: decoded (zbar, QR only) from the
 * expected region first and the whole page second (both in
 * ocr_register(), which needs the QR to tell 0 from 180 degrees), then
 * qrpayload_parse().  BERR_INVALID if no QR was found at its place;
 * otherwise qrpayload_parse()'s code: QRPAYLOAD_NOT_BOSHI (someone else's
 * code), QRPAYLOAD_MALFORMED, QRPAYLOAD_BAD_MAC (= BERR_DENIED: altered,
 * forged or another site's key).  raw (may be NULL, OCR_TEXT_MAX bytes)
 * gets the decoded text whatever the verdict.
 */
int ocr_qr(struct ocr_page *p, const unsigned char key[QRPAYLOAD_KEY_BYTES],
           struct qrpayload *out, char *raw, struct berr *e);

/*
 * How many QR codes on the whole registered page are not the page's own
 * (a sticker, a code cut from another form); the first one's text into
 * first.  Searched at half size (about 0.1 s a page at 200 dpi): a code with
 * modules under 0.25 mm may go unseen.
 */
int ocr_qr_others(struct ocr_page *p, char first[OCR_TEXT_MAX]);

/* ---- fields -------------------------------------------------------- */

enum ocr_omr_class { OCR_OMR_EMPTY, OCR_OMR_MARGINAL, OCR_OMR_MARKED };

struct ocr_mark {
    double score;               /* darkness-weighted ink coverage of the interior, 0..1 */
    double coverage;            /* plain ink coverage of the interior, 0..1 */
    double light;               /* coverage by light ink (pencil pressed softly), 0..1 */
    double stroke;              /* the widest thin stroke of light ink across the interior:
                                   the smaller of its share of the width and of the height */
    double outside;             /* ink just outside the box (a stray tick), 0..1: the max of */
    double above, below, right; /* the bands above, below and right of it (a stamp crosses
                                   above and below); the left is not looked at, where the
                                   previous option's label may end a millimetre away */
    double left;                /* the band left of the box, as `right`: looked at by intake
                                   only where no label can be there (a first option) */
    enum ocr_omr_class cls;
};

/* Scores one checkbox (its outline excluded).  See README.md for calibration. */
int ocr_omr(const struct ocr_page *p, const struct ocr_box *box, struct ocr_mark *out,
            struct berr *e);

/*
 * *circled = 1 when a loop of ink goes round box (and label, where its
 * label is printed; NULL if not known): a mark of that option (ring.c).
 */
int ocr_omr_ring(const struct ocr_page *p, const struct ocr_box *box, const struct ocr_box *label,
                 int *circled, struct berr *e);

struct ocr_ink {
    int present;                /* writing found inside the box */
    double coverage;            /* ink fraction of the interior after despeckling */
    int components;             /* connected ink components left */
    double above, below;        /* ink just above and below the box (a stamp crosses both) */
};

/*
 * The ink fraction (at the marks' level, despeckled) of a plain rectangle of
 * the registered page, in mm: no printed frame is looked for.  For the gaps
 * a form leaves blank beside a box, where only a person's stroke can be.
 */
double ocr_ink_rect(const struct ocr_page *p, double x, double y, double w, double h);

/* Is anything written inside the box (signatures, free comments)? */
int ocr_ink(const struct ocr_page *p, const struct ocr_box *box, struct ocr_ink *out,
            struct berr *e);

/* The field's upright grey crop (box plus margin_mm), PNG bytes; caller frees *png. */
int ocr_crop_png(const struct ocr_page *p, const struct ocr_box *box, double margin_mm,
                 unsigned char **png, size_t *len, struct berr *e);

/* ---- Tesseract ----------------------------------------------------- */

struct ocr_reader;

enum ocr_kind {
    OCR_DIGITS,                 /* a comb of digits: cells packed into one line, whitelist 0-9 */
    OCR_KANA,                   /* katakana/hiragana, single line */
    OCR_TEXT,                   /* any Japanese text, single line */
};

/* One model's reading of a field. */
struct ocr_model_reading {
    char model[16];             /* "jpn", "Japanese", "eng" */
    char value[OCR_TEXT_MAX];   /* UTF-8; spaces between non-ASCII characters removed */
    int conf;                   /* mean symbol confidence 0..100 (not calibrated) */
    int min_conf;               /* lowest symbol confidence; 0 when empty */
};

struct ocr_text {
    struct ocr_model_reading r[2];  /* digits: eng, jpn; kana/text: jpn, Japanese */
    int agree;                  /* both values non-empty and equal */
    int empty;                  /* no ink in the field: nothing was read */
    int cells_inked;            /* digits: cells with ink */
    char cells[OCR_MAX_CELLS + 1];  /* digits: one char per cell, '#' ink, '.' empty */
};

/*
 * Opens a reader: jpn, Japanese (script model) and eng, each initialised
 * once (under the C locale, restored afterwards; call it before starting
 * threads).  About 110 MB and 0.3 s.  Caller frees with ocr_reader_free().
 */
int ocr_reader_open(struct ocr_reader **out, struct berr *e);
void ocr_reader_free(struct ocr_reader **r);

/*
 * Reads a field with two models.  The crop is binarised, despeckled, its
 * printed lines removed and trimmed to ink; digits have each cell's ink
 * packed into one line.  An empty field is not an error (out->empty).
 */
int ocr_read_text(struct ocr_reader *r, const struct ocr_page *p, const struct ocr_box *box,
                  enum ocr_kind kind, struct ocr_text *out, struct berr *e);

struct ocr_digit {
    int inked;                  /* the cell has ink */
    int digit;                  /* 0..9, or -1 when nothing was read */
    int conf;                   /* 0..100 */
};

/* Reads cell `cell` (0-based) of a comb box alone: one digit. */
int ocr_read_cell_digit(struct ocr_reader *r, const struct ocr_page *p,
                        const struct ocr_box *box, int cell, struct ocr_digit *out,
                        struct berr *e);

/* ---- handwritten digits (hand.c) ------------------------------------ */

/*
 * Two recognisers of one handwritten digit per comb cell, trained by
 * `make model` (tools/train_digits.c) and loaded at run time: a FANN MLP
 * on normalised pixels and a libsvm SVM on gradient directions.  A cell is
 * read (sure) only when both name the same digit, each above its floor
 * and ahead of its runner-up by its margin.
 */
#define OCR_HAND_NPIX 256          /* 16 x 16 coverage grid: the MLP's input */
#define OCR_HAND_NDIR 128          /* 4 x 4 zones x 8 directions: the SVM's input */
#define OCR_HAND_MLP_FILE "digits-mlp.net"
#define OCR_HAND_SVM_FILE "digits-svm.model"
#define OCR_HAND_MLP_MIN 0.80      /* MLP output of the winner */
#define OCR_HAND_MLP_MARGIN 0.60   /* ... minus the runner-up's */
#define OCR_HAND_SVM_MIN 0.85      /* SVM probability of the winner */
#define OCR_HAND_SVM_MARGIN 0.75   /* ... minus the runner-up's */

struct ocr_hand;

struct ocr_hand_cell {
    int inked;                  /* the cell has a stroke (else nothing below is set) */
    int digit[2];               /* each model's best digit: [0] MLP, [1] SVM */
    double score[2];            /* its output / probability */
    double margin[2];           /* best minus second best */
    int stray;                  /* ink from outside reaches in (a stamp, the next cell's
                                   stroke) or the writing runs on past the crop above or
                                   below (cut off there): never sure */
    int sure;                   /* both agree, each with its floor and margin, no stray */
    int digit_agreed;           /* the digit when sure, else -1 */
};

/*
 * Loads both models from dir (OCR_HAND_MLP_FILE, OCR_HAND_SVM_FILE).
 * BERR_NOTFOUND when they are not there.  Call under the C locale (FANN
 * parses numbers with fscanf).  One per thread (FANN keeps its activations
 * in the model).  Caller frees with ocr_hand_free().
 */
int ocr_hand_open(const char *dir, struct ocr_hand **out, struct berr *e);
void ocr_hand_free(struct ocr_hand **h);
/*
 * The models' inputs from one cell's ink mask (1 bpp, 1 = ink): -1 when
 * there is no ink.  Shared by the reader and the training program.
 */
struct Pix;                     /* Leptonica's PIX */
int ocr_hand_features(struct Pix *bin, float pix[OCR_HAND_NPIX], float dir[OCR_HAND_NDIR]);
/* Both models on one cell's features (out->inked is left alone). */
void ocr_hand_classify(struct ocr_hand *h, const float pix[OCR_HAND_NPIX],
                       const float dir[OCR_HAND_NDIR], struct ocr_hand_cell *out);
/*
 * Where the models are: $BOSHI_MODEL_DIR ("off": nowhere, the reader
 * then reads digits with Tesseract alone, as before the models), else ocr/models beside the
 * program or up to three folders above it (a source tree: ./boshi,
 * build/rel/tests/...), else BOSHI_DATADIR/models as installed.  Returns a
 * new string (caller frees), or NULL when none holds the models.
 */
char *ocr_hand_find_dir(void);

/*
 * Handwritten katakana, one per cell of a カナ box, read by two more
 * models of the same two kinds (OCR_KANA_*_FILE, trained by
 * tools/train_kana.c).  Their inputs are the digit features plus the
 * ink's box in the cell (OCR_KANA_NGEO: height, width, centre y, centre x,
 * as shares of the interior), which tells small kana, ゛ and ゜ from the
 * big ones.  Cell classes: the 46 base katakana ア..ン in gojūon order
 * (0..45), small ァィゥェォッャュョ (OCR_KANA_SMALL0..+8), ー, ゛, ゜.
 * A voiced kana is written as its base and ゛ in the next cell, the space
 * between family and given name as an empty cell (ocr_kana_cells).
 */
#define OCR_KANA_NCLASS 58
#define OCR_KANA_SMALL0 46
#define OCR_KANA_CHOON 55
#define OCR_KANA_DAKUTEN 56
#define OCR_KANA_HANDAKUTEN 57
#define OCR_KANA_EMPTY (-1)        /* an empty cell in ocr_kana_cells() */
#define OCR_KANA_NGEO 4
#define OCR_KANA_GEO_WEIGHT 0.5    /* the SVM sees geo[] scaled by this */
#define OCR_KANA_MLP_FILE "kana-mlp.net"
#define OCR_KANA_SVM_FILE "kana-svm.model"
#define OCR_KANA_MLP_MIN 0.80      /* MLP share of the winner (outputs normalised to sum 1) */
#define OCR_KANA_MLP_MARGIN 0.60   /* ... minus the runner-up's */
#define OCR_KANA_SVM_MIN 0.85      /* SVM probability of the winner */
#define OCR_KANA_SVM_MARGIN 0.75   /* ... minus the runner-up's */

/* UTF-8 of cell class cls ("ア", "ッ", "゛"), or NULL out of range. */
const char *ocr_kana_label(int cls);
/*
 * Folds a katakana value (hiragana, NFKC and spaces as forms_value_parse
 * leaves them: katakana, U+3000 between names) into cell classes as a
 * カナ box holds it: ガ -> カ ゛, パ -> ハ ゜, ヴ -> ウ ゛ (split_marks; else
 * ガ -> カ, for hands that write the mark in the kana's own cell), a space
 * -> OCR_KANA_EMPTY.  Writes at most max classes to cls; returns how many
 * the value needs, or -1 when a character has no cell class (ヰ, kanji ...).
 */
int ocr_kana_cells(const char *kana, int split_marks, int *cls, int max);
/*
 * The reverse: cell classes to katakana text, a base followed by ゛ or ゜
 * joined into its voiced kana, empty cells between kana as one U+3000.
 * Returns a new string (caller frees).
 */
char *ocr_kana_compose(const int *cls, int n);

/* The ink's box of bin as shares of an interior starting at row iy0, ih rows high. */
int ocr_hand_geometry(struct Pix *bin, int iy0, int ih, float geo[OCR_KANA_NGEO]);

struct ocr_kana_cell {
    int inked;
    double prob[2][OCR_KANA_NCLASS];   /* [0] MLP (normalised), [1] SVM probabilities */
    int best[2];                /* each model's class */
    double score[2], margin[2];
    int stray;                  /* as ocr_hand_cell */
    int sure;                   /* both agree with their floors and margins, no stray */
    int agreed;                 /* the class when sure, else -1 */
};

/* 1 when h has the katakana models too (they are optional). */
int ocr_hand_has_kana(const struct ocr_hand *h);
/* Both katakana models on one cell's features (out->inked is left alone). */
void ocr_hand_classify_kana(struct ocr_hand *h, const float pix[OCR_HAND_NPIX],
                            const float dir[OCR_HAND_NDIR], const float geo[OCR_KANA_NGEO],
                            struct ocr_kana_cell *out);

struct ocr_hand_text {
    int empty;                  /* no cell has ink */
    int ncells, cells_inked;
    int all_sure;               /* every inked cell is sure */
    struct ocr_hand_cell cell[OCR_MAX_CELLS];
    char value[OCR_MAX_CELLS + 1];  /* the inked cells' digits in order, '?' where not sure */
    char cells[OCR_MAX_CELLS + 1];  /* one char per cell: digit, '?' not sure, ' ' empty */
};

/* 1 when the reader has the handwriting models (ocr_reader_open found them). */
int ocr_reader_has_hand(const struct ocr_reader *r);
/*
 * Reads every cell of a comb with both handwriting models.  BERR_NOTFOUND
 * when the reader has no models.  An empty comb is not an error (empty).
 */
int ocr_read_hand_digits(struct ocr_reader *r, const struct ocr_page *p,
                         const struct ocr_box *box, struct ocr_hand_text *out, struct berr *e);

struct ocr_hand_kana {
    int empty;                  /* no cell has ink */
    int ncells, cells_inked;
    int all_sure;
    struct ocr_kana_cell cell[OCR_MAX_CELLS];
};
/* 1 when the reader has the katakana models. */
int ocr_reader_has_hand_kana(const struct ocr_reader *r);
/*
 * Reads every cell of a カナ box with both katakana models (each cell's
 * class probabilities, for closed-set matching).  BERR_NOTFOUND without
 * the models.  Caller owns *out (large: allocate it).
 */
int ocr_read_hand_kana(struct ocr_reader *r, const struct ocr_page *p, const struct ocr_box *box,
                       struct ocr_hand_kana *out, struct berr *e);

#endif
