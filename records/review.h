/*
 * records/review.h: the review queue: the items a page raised (a field
 * read with doubt, an identity to settle, a rule broken), listed for the
 * nurses highest risk first, resolved once each (accept, correct, reject)
 * with every resolution logged: review.c.  The one way an item is
 * resolved with its page landed is review/resolve.c, above this.
 *
 *   review_list, review_count, review_resolved_count, review_get,
 *   review_resolve, review_close_page, review_follow_identity,
 *   review_reopen, review_log_reason, review_open_identity, review_open_count
 *
 * Items are raised by page_store and page_queue_item (records/pages.h).
 * Ownership: a review_row is borrowed for the call.
 */
#ifndef BOSHI_RECORDS_REVIEW_H
#define BOSHI_RECORDS_REVIEW_H

#include <stdint.h>
#include <time.h>

#include "records/accounts.h"

/* ---- review queue ---------------------------------------------------------- */

struct review_row {
    int64_t id, page_id, reading_id;
    const char *field, *kind, *reason, *suggested, *status, *value;
    int risk;
    const char *form, *subject, *source, *batch;
    double confidence;
};
struct review_filter {
    const char *reason, *form, *batch;  /* NULL = any */
    /*
     * The day the item's page was taken in (pages.read_at), counted in Japan
     * (jpdate_day_start), inclusive; y == 0 leaves that end open.  One day:
     * from == to.  from after to is BERR_INVALID.
     */
    struct ymd from, to;
    int include_resolved;
    int limit;
};
typedef int (*review_fn)(const struct review_row *r, void *ctx);
/* Open items, highest risk first (identity, then high-consequence fields). */
int review_list(struct store *st, const struct actor *a, const struct review_filter *f,
                review_fn fn, void *ctx, struct berr *e);
/* How many items review_list would list with f (its limit ignored).  Needs review. */
int review_count(struct store *st, const struct actor *a, const struct review_filter *f, int *n,
                 struct berr *e);
/*
 * Items resolved at or after since, by the account login by (NULL = by
 * anyone): "done today" is since = jpdate_day_start(today in Japan).
 * Needs review.
 */
int review_resolved_count(struct store *st, const struct actor *a, time_t since, const char *by,
                          int *n, struct berr *e);
int review_get(struct store *st, const struct actor *a, int64_t id, review_fn fn, void *ctx,
               struct berr *e);
enum review_action { REVIEW_ACCEPT, REVIEW_CORRECT, REVIEW_REJECT };
/*
 * Resolves an open item (accept the suggestion, correct with value, or
 * reject the page's field/identity).  BERR_CONFLICT if someone resolved it
 * meanwhile.  The reading's value is updated and the change logged (who,
 * when, before, after).  *page_done = 1 when no item of its page is left
 * open: the caller then lands the page in the same transaction.
 */
int review_resolve(struct store *st, const struct actor *a, int64_t id, enum review_action act,
                   const char *value, int *page_done, int64_t *page_id, struct berr *e);
/*
 * Closes (rejected, by a) every item of a page still open: the page itself
 * was rejected, so nothing on it is left for a nurse.  In the caller's
 * transaction; logged in review_log like a resolution.
 */
int review_close_page(struct store *st, const struct actor *a, int64_t page_id, struct berr *e);
/*
 * Settles an open identity item with subject, as its page's first page
 * was settled (intake or a nurse): review_resolve's correct, for an
 * account with intake or review.  BERR_INVALID for an item of another kind.
 */
int review_follow_identity(struct store *st, const struct actor *a, int64_t id, const char *subject,
                           int *page_done, int64_t *page_id, struct berr *e);
/*
 * Reopens the settled reading field of a page for a nurse (review): its
 * item (or a new one, for a reading settled at intake) is open again with
 * the value as it stood as its suggestion, the reading waits for review,
 * and a landed page is queued again (its record keeps what it had until
 * the page lands again).  reason is required.  Logged in review_log
 * ('reopened', before, reason) and audited (review.reopen).  An item still
 * open is returned as it is.  Identity and issue items cannot be reopened
 * (BERR_INVALID).  Its own transaction (or the caller's).
 */
int review_reopen(struct store *st, const struct actor *a, int64_t page_id, const char *field,
                  const char *reason, int64_t *item_id, struct berr *e);
/* Writes reason on the item's latest review_log row (a correction after a reopen). */
int review_log_reason(struct store *st, int64_t item_id, const char *reason, struct berr *e);
/* The open identity item of a page: 1 and *item_id, or 0 when it has none. */
int review_open_identity(struct store *st, int64_t page_id, int64_t *item_id, struct berr *e);
/* Open items of a page (0 = page complete). */
int review_open_count(struct store *st, int64_t page_id, int *n, struct berr *e);

#endif
