/*
 * records/issues.h: the issue history (発行履歴): every print run and every
 * document printed for a person under its issue id (the id the QR code
 * carries), so that a page coming back is matched to what was issued:
 * issues.c.
 *
 *   print_run_add, print_run_finish, issues_record, issues_next_jushin,
 *   issue_lookup, issue_mark_returned, issues_current
 *
 * Ownership: nothing is allocated; ids and rows are written into the
 * caller's fixed-size buffers.
 */
#ifndef BOSHI_RECORDS_ISSUES_H
#define BOSHI_RECORDS_ISSUES_H

#include <stdint.h>

#include "records/accounts.h"

/* ---- issue history (発行履歴) ---------------------------------------------- */

/* Starts a print run (inside the caller's transaction); *run_id out. */
int print_run_add(struct store *st, const struct actor *a, const char *kind, const char *form,
                  const char *month, const char *checkup_date, const char *venue,
                  const char *file, int64_t *run_id, struct berr *e);
int print_run_finish(struct store *st, int64_t run_id, int count, struct berr *e);

struct issue_req {
    const char *form;
    int version;
    const char *person;          /* 宛名番号; NULL for a blank copy */
    const char *kind;            /* "form", "letter", "voucher", "blank" */
    int seq;                     /* voucher 回数, 0 otherwise */
    const char *month;           /* "YYYY-MM" or NULL */
    const char *checkup_date;    /* ISO or NULL */
    const char *venue, *jushin_no;
    int pages;
    const char *reissue_of;      /* issue id replaced, or NULL */
};
/*
 * Records one issued document and writes its audit entry (forms.print);
 * fills issue_id (e.g. "I00000042", the id printed in the QR).  Needs
 * forms.print.  Run it inside the transaction that also saves the PDF.
 */
int issues_record(struct store *st, const struct actor *a, int64_t run_id,
                  const struct issue_req *r, char issue_id[24], struct berr *e);
/* The next 受診番号 of a checkup month: "YYMM-NNN" (NNN counts forms issued). */
int issues_next_jushin(struct store *st, const char *form, const char *month, char out[24],
                       struct berr *e);
struct issue_info {
    char issue_id[24], form[40], person[16], kind[16], month[8], returned_at[32];
    char jushin_no[24], checkup_date[11];
    int version, seq, pages;
};
/* The issue record of an issue id; BERR_NOTFOUND if boshi never printed it. */
int issue_lookup(struct store *st, const char *issue_id, struct issue_info *out, struct berr *e);
/* Marks an issue as returned (first time only); *already = 1 if it was. */
int issue_mark_returned(struct store *st, const char *issue_id, int *already, struct berr *e);
/* 1 and the id if a form was issued for (form, person, month) already, else 0. */
int issues_current(struct store *st, const char *form, const char *person, const char *month,
                   char issue_id[24], struct berr *e);

#endif
