/*
 * records/shien.h: 支援措置 (住民票の閲覧制限, DV and the like): a flagged
 * person's address is never on a list, a letter to it waits for a
 * 管理者's release, and every view of such a person is marked in the
 * access log and listed for the monthly review: shien.c (the flag itself
 * comes with the resident master, records/residents.h).
 *
 *   shien_flagged, shien_release, shien_released, shien_letter_held,
 *   audit_flagged_views; the texts SHIEN_ADDRESS_TEXT, SHIEN_AUDIT_MARK,
 *   SHIEN_HELD_TEXT
 *
 * Ownership: nothing is allocated; an audit_row is borrowed for the call.
 */
#ifndef BOSHI_RECORDS_SHIEN_H
#define BOSHI_RECORDS_SHIEN_H

#include "records/audit.h"
#include "records/residents.h"

/* ---- 支援措置 (shien.c) ------------------------------------------------------ */

/* What a list shows instead of a flagged person's address (README "支援措置"). */
#define SHIEN_ADDRESS_TEXT "支援措置のため表示しません"
/* The mark audit_append puts at the end of the detail of an entry about a flagged person. */
#define SHIEN_AUDIT_MARK "[支援措置]"
/* What a print job says of a flagged person it left out. */
#define SHIEN_HELD_TEXT "支援措置: 管理者の確認が必要"

/* *flagged = 1 if the resident atena is under 支援措置 (0 if not, or unknown). */
int shien_flagged(struct store *st, const char *atena, int *flagged, struct berr *e);
/*
 * A 管理者's release (shien.release) letting letters go to a flagged
 * person's address until `until` inclusive (NULL or y == 0: today + 30
 * days); reason required; BERR_INVALID when the person is not flagged.
 * Audited (shien.release).  *until_out (may be NULL) gets the end.
 */
int shien_release(struct store *st, const struct actor *a, const char *atena, const char *reason,
                  const struct ymd *until, struct ymd *until_out, struct berr *e);
/* *released = 1 if a release for atena is valid today. */
int shien_released(struct store *st, const char *atena, int *released, struct berr *e);
/*
 * *held = 1 if a letter for child (addressed to guardian, may be NULL)
 * must not be printed: either is flagged with no valid release.
 */
int shien_letter_held(struct store *st, const struct resident *child, const struct resident *guardian,
                      int *held, struct berr *e);
/*
 * The access-log entries of month ("YYYY-MM", Japan time) about people
 * under 支援措置 (marked when written, or flagged now), oldest first.
 * Needs audit.read; audited (audit.flagged_views).
 */
int audit_flagged_views(struct store *st, const struct actor *a, const char *month,
                        audit_row_fn fn, void *ctx, struct berr *e);

#endif
