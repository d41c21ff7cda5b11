/*
 * alerts.h: the EPDS safety alerts (産婦健診・4か月児健診 の EPDS).  An alert is
 * not a review item: it is raised the day a page is read (intake/alerts.c
 * decides when), listed apart and first, and stays open until a nurse
 * records the follow-up - contacted when, by whom, 支援方針.  Every view and
 * the follow-up are in the access log.
 *
 *   alert_raise       one alert per page (a second call for the same page keeps the first)
 *   alerts_list       open, all, or overdue (open and older than one working day)
 *   alert_get         one alert
 *   alert_close       records the follow-up; refuses a blank field
 *   alerts_open_count for the queue's header
 * Working days are base/workday.h's.
 *
 * Strings of rows are borrowed for the callback only.
 */
#ifndef BOSHI_RECORDS_ALERTS_H
#define BOSHI_RECORDS_ALERTS_H

#include "records/accounts.h"

struct alert_in {
    int64_t page_id;
    const char *form;           /* sanpu_jushinken, nyuyoji_4m ... */
    const char *person;         /* the page's subject, NULL if not known yet */
    const char *reason;         /* Japanese, why it alerts */
    int epds_total;             /* -1: unknown */
    const char *item10;         /* "0".."3", "?" unreadable, NULL: the form has none */
    const char *clinic_code;    /* NULL if none */
    int64_t reading_id;         /* the reading whose crop shows it; 0: none */
};
/*
 * Raises the alert of in->page_id: 1 and *id when new, 0 and *id of the one
 * there (its person is filled in if it had none).  Needs intake or review.
 */
int alert_raise(struct store *st, const struct actor *a, const struct alert_in *in, int64_t *id,
                struct berr *e);

struct alert_row {
    int64_t id, page_id, reading_id;
    const char *form, *person, *reason, *item10, *clinic_code, *created_at;
    const char *name;           /* the person's 氏名 ("" if unknown) */
    const char *mother, *mother_name;   /* for a child's checkup: the mother of the 世帯 */
    const char *clinic_name;    /* from the hospital master, "" if unknown */
    const char *source;         /* the scan file of the page */
    const char *contacted_at, *contacted_by, *plan, *closed_by, *closed_at;   /* "" while open */
    int epds_total;             /* -1 unknown */
};
typedef int (*alert_fn)(const struct alert_row *r, void *ctx);

enum alert_filter { ALERTS_OPEN, ALERTS_ALL, ALERTS_OVERDUE };
/*
 * Alerts, oldest first.  ALERTS_OVERDUE: open, and raised before the last
 * working day before today (Japan time; raised Monday -> listed from
 * Wednesday).  Needs review or records.read (overdue: also reports); one
 * audit entry per person shown.
 */
int alerts_list(struct store *st, const struct actor *a, enum alert_filter which, struct ymd today,
                alert_fn fn, void *ctx, struct berr *e);
int alert_get(struct store *st, const struct actor *a, int64_t id, alert_fn fn, void *ctx,
              struct berr *e);
/* Open alerts (no permission check: a count, no person). */
int alerts_open_count(struct store *st, long *n, struct berr *e);

struct alert_followup {
    const char *contacted_at;   /* ISO date or date-time (Japan time), not in the future */
    const char *contacted_by;   /* who contacted her */
    const char *plan;           /* 支援方針 */
};
/*
 * Closes an open alert with its follow-up.  BERR_INVALID naming the field
 * when one is blank or the date is wrong; BERR_CONFLICT when already
 * closed.  Needs review or records.write.  Audited.
 */
int alert_close(struct store *st, const struct actor *a, int64_t id, const struct alert_followup *f,
                struct berr *e);

#endif
