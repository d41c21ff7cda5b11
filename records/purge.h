/*
 * records/purge.h: retention deletion: everything about people moved out
 * or dead longer ago than the retention, counted by kind and audited with
 * counts only: purge.c.
 *
 *   purge_run, purge_kind_label
 *
 * Ownership: the report is the caller's plain value; labels are static.
 */
#ifndef BOSHI_RECORDS_PURGE_H
#define BOSHI_RECORDS_PURGE_H

#include "records/accounts.h"

/* ---- retention deletion (purge.c) ------------------------------------------ */

/* What a purge removes, by kind (purge_kind_label gives the Japanese name). */
enum purge_kind {
    PURGE_PEOPLE, PURGE_HISTORY, PURGE_RECORDS, PURGE_READINGS, PURGE_REVIEW_ITEMS,
    PURGE_CORRECTIONS, PURGE_PAGES, PURGE_ISSUES, PURGE_SCANS, PURGE_SCANS_KEPT,
    PURGE_REVIEW_DIRS, PURGE_NKINDS
};
struct purge_report {
    int retention_years;     /* setting purge.retention_years (never < 5) */
    struct ymd cutoff;       /* 転出・死亡 strictly before this date are purged */
    long n[PURGE_NKINDS];    /* counts per kind; no names anywhere */
    int stats_frozen;        /* fiscal years whose statistics this run froze */
};
const char *purge_kind_label(int kind);
/*
 * Deletes everything about people whose 転出 or 死亡 is more than the
 * retention before as_of (see purge.c for what goes and what a mixed scan
 * file does), then VACUUMs and truncates the WAL.  Needs PERM_PURGE.  One
 * audit entry with counts only.  dry_run: counts only, nothing changes
 * (audited as purge.dry_run).  Must be called outside a transaction.
 */
int purge_run(struct store *st, const struct actor *a, struct ymd as_of, int dry_run,
              struct purge_report *out, struct berr *e);

#endif
