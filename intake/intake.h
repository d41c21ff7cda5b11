/*
 * intake: weekly scan batches into records (ARCHITECTURE.md §1, §3).
 *
 * Public functions:
 *   page reading (read.c)
 *     intake_template()        the registration template shared by all forms
 *     intake_read_page()       a loaded page -> form, QR, one result per field,
 *                              each with a decision and, for review, a reason
 *     intake_check_printed()   confirms printed fields against what was printed
 *     intake_page_result_release()
 *   landing (land.c)
 *     intake_land_page()       a page whose readings are all settled -> records
 *   batches (batch.c, settle.c, rules.c, writer.c)
 *     intake_run()             files and folders -> pages stored, landed or queued
 *
 * A page goes received -> read -> validated -> landed | queued | rejected:
 *   received   a page image from a file (ocr_load), hashed
 *   read       registered, QR verified, every field of its form read (read.c)
 *   validated  values typed and checked (forms), identity settled (settle.c)
 *   landed     stored with its record, in one transaction   (land.c)
 *   queued     stored with review items; lands when the last is resolved
 *   rejected   stored with the reason (no marks, bad QR, not a page ...)
 * Nothing here prints; progress goes through a callback.
 */
#ifndef BOSHI_INTAKE_H
#define BOSHI_INTAKE_H

#include "base/base.h"
#include "base/qrpayload.h"
#include "forms/forms.h"
#include "ocr/ocr.h"
#include "records/pages.h"

enum intake_decision { DEC_ACCEPTED, DEC_REVIEW, DEC_EMPTY };
const char *intake_decision_name(enum intake_decision d);   /* "accepted" ... */

/* Risk of a review item: identity first, then what changes a child's care. */
enum intake_risk {
    RISK_QUESTION = 20,      /* questionnaire answers */
    RISK_PRESENCE = 25,
    RISK_MEASURE = 50,       /* measurements, counts */
    RISK_DATE = 60,
    RISK_RULE = 65,          /* a cross-field rule broken */
    RISK_RESULT = 80,        /* 総合判定, 精密検査, 診断 */
    RISK_ISSUE = 90,         /* returned twice, moved out, unknown issue */
    RISK_IDENTITY = 100,
    RISK_IDENTITY_LATER = 95,   /* a later page waiting for its first page's person */
};

struct field_result {
    const struct forms_field *fld;
    enum intake_decision decision;
    char value[OCR_TEXT_MAX];     /* canonical value when accepted, else "" */
    char read[OCR_TEXT_MAX];      /* what was read (the suggestion for review) */
    char read2[OCR_TEXT_MAX];     /* printed fields: the second model's reading */
    double confidence;            /* 0..1 */
    char reason[160];             /* Japanese, when review */
    int risk;
    double box[4];                /* mm, the field's extent (outlining in review) */
    unsigned char *crop;          /* PNG, owned */
    size_t crop_len;
    struct ocr_hand_kana *kana;   /* a カナ box read cell by cell by the katakana models
                                     (owned; NULL without them): settle.c matches it
                                     against the resident master's candidates */
};

/*
 * The review reason of a handwritten date whose readings agree (every cell
 * sure with the handwriting models) but that nothing has confirmed yet;
 * settle.c accepts it when it equals what boshi knows (the printed checkup
 * date, the resident's birth date).
 */
#define INTAKE_DATE_AGREED "手書き日付の確認"

/* What a pre-filled page should say in its printed fields. */
struct intake_expect {
    int have;                     /* 0: nothing known (blank form) */
    char name[128], kana[128], jushin_no[24];
    struct ymd birth, checkup_date;
};

struct page_result {
    const struct forms_form *form;    /* NULL if not identified */
    struct qrpayload qr;
    struct ocr_registration reg;
    int dpi;                          /* of the scan as loaded (its header, else estimated) */
    int width_px, height_px;          /* of the scan as loaded */
    char reject[512];                 /* non-empty: the page is rejected, why */
    int old_key;                      /* its QR verified under the key before a rotation */
    int other_qr;                     /* QR codes on the page besides its own */
    char other_qr_text[OCR_TEXT_MAX]; /* the first of them */
    struct field_result *fields;      /* the fields of this page, owned */
    size_t n_fields;
    double ms;                        /* time to read */
};

/* The marks and QR every boshi form shares (from the first definition). */
void intake_template(const struct forms_registry *forms, struct ocr_template *t);

/*
 * Reads one loaded page: registers it, verifies its QR under key, finds its
 * form, and reads every field of that page with the rules of ARCHITECTURE.md §7.1
 * (a reading is accepted only when independently confirmed; see read.c).
 * Touches no store, so workers run it in parallel.  Returns 0 with
 * out->reject set for a page that is not readable; a negative code only for
 * failures of the machinery.
 */
int intake_read_page(struct ocr_reader *r, struct ocr_page *p, const struct forms_registry *forms,
                     const unsigned char key[32], struct page_result *out, struct berr *e);
/*
 * intake_read_page, also taking a page whose QR verifies under old_key
 * (the QR key replaced by the last site key rotation; NULL: none): accepted
 * (out->old_key = 1) when old_until is NULL, else rejected saying that
 * forms signed with the old key were taken in until old_until.
 */
int intake_read_page_keys(struct ocr_reader *r, struct ocr_page *p,
                          const struct forms_registry *forms, const unsigned char key[32],
                          const unsigned char *old_key, const char *old_until,
                          struct page_result *out, struct berr *e);
/*
 * intake_read_page_keys with the site's choice for black-and-white scans
 * (ocr_page_bilevel): allow_bilevel 0 (intake.allow_bilevel off, the
 * default) rejects such a page saying why and how to rescan; 1 reads it,
 * but no field of it is settled blank - an empty field, and a multi whose
 * other boxes may have lost a pencil mark, go to review with the reason.
 */
int intake_read_page_opts(struct ocr_reader *r, struct ocr_page *p,
                          const struct forms_registry *forms, const unsigned char key[32],
                          const unsigned char *old_key, const char *old_until, int allow_bilevel,
                          struct page_result *out, struct berr *e);
/* The reason a black-and-white page is rejected (intake.allow_bilevel off). */
#define INTAKE_BILEVEL_REJECT "白黒2値でスキャンされたページです。薄い鉛筆の印が消えるため読み取りません。" \
    "グレースケールでスキャンし直してください (やむを得ず読む場合は設定 intake.allow_bilevel)"
/* Why a field of a black-and-white page read blank is not settled. */
#define INTAKE_BILEVEL_BLANK "白黒2値のスキャン: 薄い鉛筆の印が消えている可能性 (空欄と確定しません)"

/* Accepts the printed fields whose two readings both match what was printed. */
void intake_check_printed(struct page_result *res, const struct intake_expect *x);

/*
 * Is a measurement plausible for the checkup of form_id (plausible.c)?
 * column names the measure (checkups.weight_kg, .height_cm, .head_cm);
 * value is its canonical text; sex 1 boy, 2 girl, 0 not known.
 * PLAUS_UNKNOWN when nothing is known for it; PLAUS_NO with why (Japanese,
 * may be NULL) when it lies outside the table's band for that age.
 */
enum intake_plaus { PLAUS_UNKNOWN, PLAUS_OK, PLAUS_NO };
enum intake_plaus intake_plausible(const char *form_id, const char *column, const char *value,
                                   int sex, char *why, size_t n);

/*
 * Lands a page whose readings are all settled (accepted or empty) and whose
 * subject is known: its record, found or created by the issue id, gets each
 * value where the form definition says; the page is marked landed and the
 * issue returned.  Run it inside the caller's transaction.
 */
int intake_land_page(struct store *st, const struct actor *a, const struct forms_registry *forms,
                     int64_t page_id, struct berr *e);
/*
 * intake_land_page when a nurse settles a page's last item: a 新生児聴覚検査
 * with a リファー whose baby cannot be decided does not land but gets a
 * "(子)" item (the nurse types the baby's 宛名番号): 1 then, 0 when landed.
 * In the caller's transaction (a savepoint of its own).
 */
int intake_land_or_ask_child(struct store *st, const struct actor *a,
                             const struct forms_registry *forms, int64_t page_id, struct berr *e);
/*
 * The EPDS safety alert of a stored page (intake/alerts.c): raised when the
 * total is 9 or more or item 10 is anything but a clean 0 (unreadable
 * alerts).  1 when the page alerts, 0 when not.  In the caller's
 * transaction; run at intake and again when the page lands.
 */
int intake_epds_check(struct store *st, const struct actor *a, const struct forms_registry *forms,
                      int64_t page_id, struct berr *e);
/*
 * A 届出's first page (first_id) now has its person, found by intake or by
 * a nurse: its later pages (same issue id), waiting with "the first page
 * is not settled", take the same person (review_follow_identity), and land
 * when nothing else of theirs is open.  Whichever page was stored first.
 * In the caller's transaction.
 */
int intake_identity_follow(struct store *st, const struct actor *a,
                           const struct forms_registry *forms, int64_t first_id, const char *subject,
                           struct berr *e);
void intake_page_result_release(struct page_result *res);

/*
 * The page a stored page came from, from its original kept beside the
 * store, upright, with the field of reading_id (0: none) outlined in red;
 * every 個人番号 field of the page is blacked out (its box and a margin),
 * for everyone: a page image never shows a 個人番号.  PNG bytes, caller frees.
 */
int intake_page_png(const char *store_path, const struct forms_registry *forms,
                    const struct page_row *pg, int64_t reading_id, struct store *st, void **png,
                    size_t *len, struct berr *e);

/*
 * The crop of reading_id as it may be shown: as stored, except a 個人番号
 * field's crop, which is blacked out whole unless unmasked (the caller has
 * checked mynumber.reveal and logged the reveal).  *pg gets the reading's
 * page (its subject names the person the image is of), *mynumber whether
 * the field is a 個人番号.  PNG bytes, caller frees.
 */
int intake_crop_png(struct store *st, const struct forms_registry *forms, int64_t reading_id,
                    int unmasked, struct page_row *pg, int *mynumber, void **png, size_t *len,
                    struct berr *e);

/* ---- batches ------------------------------------------------------------- */

struct intake_opts {
    const char *name;               /* batch name; NULL: derived from the paths */
    int workers;                    /* 0: one per core */
    const char *const *paths;       /* files and folders (searched recursively) */
    size_t n_paths;
    const char *store_path;         /* originals are kept in <store_path>.scans/ */
};

#define INTAKE_TALLY 24
struct intake_tally {
    char reason[160];
    int n;
};

struct intake_ignored {
    char path[256];
    char reason[160];
};

struct intake_summary {
    char batch[96];
    int resumed;
    int files, skipped_files, pages;
    int ignored;                    /* entries not taken in: symlinks, FIFOs, unreadable */
    struct intake_ignored ign[INTAKE_TALLY];   /* the first of them, with why */
    int n_ignored;
    int landed, queued, rejected;
    int duplicates;                 /* taken in before, by another batch */
    int already;                    /* done before in this batch (a resumed run) */
    int by_others;                  /* files read by another intake process on the same batch */
    struct intake_tally review[INTAKE_TALLY], reject[INTAKE_TALLY];
    int n_review, n_reject;
    int review_items;
    int alerts;                     /* pages whose EPDS raised a safety alert */
    double seconds;
    double ms_median, ms_p95;       /* reading time per page */
};

/* done/total pages; called from the thread that called intake_run(). */
typedef void (*intake_progress_fn)(int done, int total, void *ctx);

/*
 * Takes in a batch: every TIFF, PNG, JPEG and scanner PDF under paths.
 * Inside a folder no symlink is followed and only regular files are taken:
 * every other entry is ignored with its reason (sum->ign, batch_refused).
 * Each file is checked before it is kept (size and pages within the
 * settings intake.max_file_mb and intake.max_pages, its format by content,
 * every page's header: ocr_open_fd); a refused file is not kept and gets
 * one rejected page with the reason.  A file that passes is kept
 * content-addressed beside the store; its pages are decoded one at a time
 * from that copy; each page is read
 * by a pool of workers (one Tesseract reader each), then settled and stored
 * by this thread, one transaction per page (landed, queued for review, or
 * rejected with its reason).  Pages stored before (by image hash) are not
 * read again: a batch killed at any moment finishes when run again, with
 * no page lost or stored twice.  Needs intake.
 */
int intake_run(struct store *st, const struct actor *a, const struct forms_registry *forms,
               const struct intake_opts *o, intake_progress_fn progress, void *ctx,
               struct intake_summary *sum, struct berr *e);

#endif
