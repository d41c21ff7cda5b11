/*
 * records/pages.h: what intake keeps of a scanned batch: the batch, the
 * scan files (content-addressed), the pages with their geometry, their
 * readings and the review items they raise, the reconciliation against
 * the issue history, and the entries refused: pages.c.
 *
 *   batches:  batch_open, batch_finish, batches_list, batch_reconcile,
 *             batch_ignore, batch_refused, scan_file_add
 *   pages:    page_find, page_get, page_find_issue, page_geometry_get,
 *             page_set_rejected, page_store, page_queue_item, pages_of_file,
 *             page_set_landed
 *   readings: page_readings, reading_page, reading_crop
 *
 * The review queue those items go to: records/review.h.
 * Ownership: a page_in (and its readings and items) is borrowed by
 * page_store; rows passed to callbacks are borrowed for the call; the PNG
 * reading_crop gives is the caller's to free.
 */
#ifndef BOSHI_RECORDS_PAGES_H
#define BOSHI_RECORDS_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "records/accounts.h"

/* ---- intake: batches, pages, readings -------------------------------------- */

/*
 * A page goes received -> read -> validated -> landed | queued | rejected
 * (intake/batch.c and writer.c drive it).  The store sees only the end states, each
 * written in one transaction with the page's readings and review items,
 * so a page is either wholly in the store or not at all.
 */

/* Opens the batch called name, or resumes it if it exists (*resumed = 1). */
int batch_open(struct store *st, const struct actor *a, const char *name, const char *paths,
               int64_t *id, int *resumed, struct berr *e);
int batch_finish(struct store *st, int64_t id, struct berr *e);
/* Records a scanned file kept content-addressed (once per sha256). */
int scan_file_add(struct store *st, const char *sha, const char *name, long bytes,
                  int64_t batch, struct berr *e);

struct page_row {
    int64_t id, batch_id;
    char status[12];
    char form[40], subject[16], issue_id[24];
    int version, page_no, pages;
    char source[512];
    int file_page;
    char file_sha[65];
    char reason[512];
};
/* 1 and the row if a page with this image hash was taken in, else 0. */
int page_find(struct store *st, const char *sha, struct page_row *out, struct berr *e);
int page_get(struct store *st, int64_t id, struct page_row *out, struct berr *e);
/* 1 and the row if page page_no of issue_id was taken in (not rejected), else 0. */
int page_find_issue(struct store *st, const char *issue_id, int page_no, struct page_row *out,
                    struct berr *e);
/* How the scanner saw a page (NULL columns: has = 0). */
struct page_geometry {
    int has, dpi, rotation, has_map, width_px, height_px;
    double skew, scale, residual, map[6];
};
int page_geometry_get(struct store *st, int64_t page_id, struct page_geometry *out, struct berr *e);
/* Marks a page rejected with a reason (a nurse refused its identity). */
int page_set_rejected(struct store *st, int64_t page_id, const char *reason, struct berr *e);

struct batch_row {
    int64_t id;
    const char *name, *by_user, *started_at, *finished_at;
    int pages, landed, queued, rejected, open_items;
};
typedef int (*batch_fn)(const struct batch_row *b, void *ctx);
/* All batches newest first, or one by name (BERR_NOTFOUND). Needs intake or review. */
int batches_list(struct store *st, const struct actor *a, const char *name, batch_fn fn, void *ctx,
                 struct berr *e);

/*
 * Reconciliation of a batch against the issue history, one line per
 * finding: kind "未提出" (issued for a checkup month the batch covers, no
 * page of it returned), "返送済・確認待ち" (a page of it is in this or
 * another batch, still in review: never 未提出), "ページ不足" (returned
 * with a page missing), "二重提出", "想定外" (a page boshi cannot match to
 * what it issued), "却下" (a page of this batch rejected: file, page and
 * reason).  name is the person's 氏名 when the actor may read residents
 * (each person named is audited, function "batches.show"), else "".
 * file is the scan's file name (no folder) and file_page its page from 1,
 * for 却下 only (else "" and 0).  Strings valid during the call.
 */
struct reconcile_row {
    const char *kind, *person, *name, *form, *issue_id, *detail, *file;
    int file_page;
};
typedef int (*reconcile_fn)(const struct reconcile_row *r, void *ctx);
int batch_reconcile(struct store *st, const struct actor *a, int64_t batch_id, reconcile_fn fn,
                    void *ctx, struct berr *e);

/*
 * An entry of a scan folder that was not taken in (a symlink, a FIFO, an
 * unreadable file) and why; once per batch and path.  Needs intake.
 */
int batch_ignore(struct store *st, int64_t batch_id, const char *path, const char *reason,
                 struct berr *e);
typedef int (*batch_entry_fn)(const char *path, int file_page, const char *reason, void *ctx);
/* The ignored entries of a batch (file_page -1), then its rejected pages. Needs intake or review. */
int batch_refused(struct store *st, const struct actor *a, int64_t batch_id, batch_entry_fn fn,
                  void *ctx, struct berr *e);

/* Calls fn for each page index of file_sha already stored (resuming a batch). */
int pages_of_file(struct store *st, const char *file_sha, void (*fn)(int file_page, int64_t batch,
                  void *ctx), void *ctx, struct berr *e);

struct reading_in {
    const char *field;
    const char *value;          /* canonical value, NULL if blank */
    const char *read_value;     /* as read (may differ: a suggestion) */
    double confidence;
    const char *decision;       /* "accepted" / "review" / "empty" */
    const char *reason;         /* Japanese, for review */
    double box[4];              /* mm, for outlining */
    const void *crop;           /* PNG, may be NULL */
    size_t crop_len;
};
struct review_in {
    const char *field;
    const char *kind;           /* "field" / "identity" / "rule" / "issue" */
    const char *reason;
    int risk;                   /* higher first */
    const char *suggested;
    int reading;                /* index into readings, -1 if none */
};
struct page_in {
    const char *sha, *file_sha, *source;
    int file_page;
    int64_t batch_id;
    const char *reject_reason;  /* non-NULL: the page is rejected with this reason */
    const char *form;
    int version, page_no, pages;
    const char *subject, *issue_id;
    int has_geometry;           /* the page was registered: dpi (0 = unknown), rotation... */
    int dpi, rotation;
    double skew, scale, residual;
    double map[6];              /* mm -> px of the scan (ocr_registration.map) */
    int width_px, height_px;    /* of the scan as loaded */
    const struct reading_in *readings;
    size_t n_readings;
    const struct review_in *items;
    size_t n_items;
};
/*
 * Stores a read page: the page row (status rejected, or queued if it has
 * review items, else "landed" pending the caller's landing in the same
 * transaction), its readings and review items.  Needs intake.  Run inside
 * the caller's transaction together with the landing.
 */
int page_store(struct store *st, const struct actor *a, const struct page_in *p,
               int64_t *page_id, struct berr *e);

/* Adds a review item to a stored page and marks it queued (landing found a problem). */
int page_queue_item(struct store *st, int64_t page_id, const struct review_in *item,
                    struct berr *e);

struct reading_row {
    int64_t id;
    const char *field, *value, *read_value, *decision, *reason;
    double confidence;
    double box[4];
};
typedef int (*reading_fn)(const struct reading_row *r, void *ctx);
int page_readings(struct store *st, int64_t page_id, reading_fn fn, void *ctx, struct berr *e);
/* The page and field of a reading (field: up to n bytes). */
int reading_page(struct store *st, int64_t reading_id, int64_t *page_id, char *field, size_t n,
                 struct berr *e);
/* PNG crop of a reading; caller frees *png. */
int reading_crop(struct store *st, int64_t reading_id, void **png, size_t *len, struct berr *e);
/* Marks the page landed as record_kind/record_id (and its subject, once known). */
int page_set_landed(struct store *st, int64_t page_id, const char *record_kind, int64_t record_id,
                    const char *subject, struct berr *e);

#endif
