/*
 * screens-internal.h: what the screen files of review/ share: the queue as
 * collected (queue.c), the labels every screen uses (labels.c), and each
 * screen's handlers for the route table (routes.c).  Nobody outside review/
 * includes it.
 */
#ifndef BOSHI_REVIEW_SCREENS_INTERNAL_H
#define BOSHI_REVIEW_SCREENS_INTERNAL_H

#include "review/review-internal.h"

struct qitem {
    int64_t id, page_id, reading_id;
    int risk;
    char kind[16], form[40], field[64], reason[160], suggested[64], batch[96];
};

struct tally {
    char key[160];
    int n;
};
#define TALLY_MAX 64

struct qlist {
    struct qitem *items;
    size_t n, alloc;
    int total;
    struct tally reasons[TALLY_MAX], forms[TALLY_MAX], batches[TALLY_MAX];
    int n_reasons, n_forms, n_batches;
    /* filters (NULL or "" = any; y == 0: no bound) */
    const char *reason, *form, *batch, *field;
    int64_t page_id;
    struct ymd from, to;          /* the day taken in: in the query, not here */
};

/* One sheet's refusal in a batch of decisions (grid, page): which and why. */
struct refusal {
    int64_t id;
    char msg[300];
};
#define REFUSALS_MAX 64

int review_parse_id(const char *s, int64_t *id);
/* The HTTP status for a module's error. */
int review_status_for(const struct berr *e);
const char *review_nz(const char *s);
const struct forms_field *review_field_def(struct req *r, const char *form, int version,
                                           const char *field);
const char *review_form_title(struct req *r, const char *form);
const char *review_field_label(struct req *r, const char *form, const char *field);
/* The value as a nurse reads it: a choice's printed label, 有/無 for a box. */
void review_value_label(struct buf *b, const struct forms_field *fld, const char *v);
/* A suggestion as a placeholder: a date in 和暦 (however it was read), anything else as it is. */
void review_placeholder_text(struct buf *b, const struct forms_field *fld, const char *v);
/*
 * The queue's grouping of reasons: identity reasons name candidates and a
 * mismatch quotes what was read, so only the kind of reason is kept.
 */
void review_reason_key(const struct review_row *x, char *out, size_t n);
/* Fields whose value is a name or free text: not shown in lists (audited screens only). */
int review_personal_kind(const struct forms_field *fld);
int review_queue_load(struct req *r, struct qlist *q, struct berr *e);
void review_queue_free(struct qlist *q);
void review_scope_query(struct req *r, struct buf *out);
/* lead ('?' or '&') + scope_query, HTML-escaped for an attribute; "" when no filter. */
void review_scope_attr(struct req *r, char lead, struct buf *out);
/* The queue's filters as hidden inputs of a GET form. */
void review_scope_hidden(struct req *r, struct buf *b);
/* The queue's filters from the request (as the queue screen reads them); days unreadable: ignored. */
void review_scope_filters(struct req *r, struct qlist *q);
void review_h_login_form(struct req *r);
void review_h_login(struct req *r);
void review_h_logout(struct req *r);
void review_h_home(struct req *r);
void review_h_static(struct req *r);
void review_h_queue(struct req *r);
/*
 * A value refused by a cross-field rule names the other field: a link to
 * change that one on the page screen (it may be settled already).
 */
void review_rule_links(struct req *r, const struct page_row *pg, const char *field, const char *msg);
void review_h_item(struct req *r);
void review_h_item_post(struct req *r);
/* Applies one decision of a grid or a page form; counts the outcome. */
void review_apply_one(struct req *r, int64_t id, enum review_action act, const char *value,
                      int *ok, int *conflict, int *bad, struct refusal *why);
void review_h_field(struct req *r);
void review_h_field_post(struct req *r);
void review_h_page(struct req *r);
void review_h_page_post(struct req *r);
void review_h_img_crop(struct req *r);
void review_h_img_crop_reveal(struct req *r);
void review_h_img_page(struct req *r);
void review_h_person_ask(struct req *r);
void review_h_person(struct req *r);

#endif
