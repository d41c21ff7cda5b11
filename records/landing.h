/*
 * records/landing.h: where a settled page's values go, the records
 * (checkups, dental, pregnancies, vouchers, referral results, visits):
 * the record of an issued document, the one of a form without a 発行番号,
 * and the setting of a column through the whitelist of the landing
 * tables: landing.c.
 *
 *   record_kind_name, record_for_issue, record_loose_find, record_set,
 *   record_dental_begin, record_dental_finish
 *
 * The follow-up of a landed 新生児聴覚検査 voucher is in records/vouchers.h;
 * intake/land.c drives the landing.
 * Ownership: nothing is allocated; values are borrowed for the call.
 */
#ifndef BOSHI_RECORDS_LANDING_H
#define BOSHI_RECORDS_LANDING_H

#include <stdint.h>

#include "records/accounts.h"

/* ---- landing: the records pages become ------------------------------------- */

enum record_kind { REC_CHECKUP, REC_PREGNANCY, REC_VOUCHER, REC_REFERRAL, REC_VISIT };
const char *record_kind_name(enum record_kind k);    /* "checkup" ... */
/*
 * The record the pages of one issued document land in (both pages of a
 * 問診票・健診票 share an issue id): found by issue id, or created for person.
 * A referral result is never created: BERR_NOTFOUND if no referral has that
 * issue id.  Needs intake or review.  An empty issue_id (a form without a
 * 発行番号: a checkup or a 妊娠届) always creates a record with none.
 */
int record_for_issue(struct store *st, const struct actor *a, enum record_kind kind,
                     const char *issue_id, const char *person, const char *form, int64_t page_id,
                     int64_t *id, int *created, struct berr *e);
/*
 * Where a page of a form without a 発行番号 lands: the person's newest
 * checkup (of form) or 妊娠届 without one that has a page of the same batch
 * and not yet this page_no (its other page, whichever landed first): 1 and
 * *id, or 0 when there is none (the page makes a record of its own).
 */
int record_loose_find(struct store *st, enum record_kind kind, const char *person, const char *form,
                      int64_t batch_id, int page_no, int64_t *id, struct berr *e);
/*
 * Sets "table.column" of the record to a canonical value (NULL = blank).
 * Only the columns of the landing tables are accepted (definitions name
 * them; anything else is refused, never put into SQL); *_answers columns
 * go to the answers table by field name.  Columns that name the person
 * (pregnancies.mother_name/_kana/_address/mynumber) are skipped: the
 * resident master holds them.
 */
int record_set(struct store *st, enum record_kind kind, int64_t id, const char *column,
               const char *value, struct berr *e);
/*
 * The dental row (table dental) of checkup checkup_id, read from page_id:
 * created with the checkup's person and form, or, when the 健診票 is read
 * again, moved to this page.  Call before the page's values are set: the
 * "dental.*" columns of a definition land in it (record_set).
 */
int record_dental_begin(struct store *st, int64_t checkup_id, int64_t page_id, struct berr *e);
/*
 * After the page's values are set: the checkup's 実施日 and the dental
 * items kept in the checkup row too (むし歯の本数, 歯の汚れ, フッ化物塗布:
 * checkups.dental_*, which the statistics count) copied into the dental row.
 */
int record_dental_finish(struct store *st, int64_t checkup_id, struct berr *e);

#endif
