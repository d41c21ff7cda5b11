/*
 * records/export.h: the gate for a CSV holding personal data: whether the
 * account may write one (export.personal and a reason), and the audit
 * entry naming the file written, its rows, the reason and its sha256:
 * export.c.
 *
 *   export_personal_allowed, export_personal_logged
 *
 * Ownership: nothing is allocated; the digest goes into the caller's buffer.
 */
#ifndef BOSHI_RECORDS_EXPORT_H
#define BOSHI_RECORDS_EXPORT_H

#include "records/accounts.h"

/*
 * 0 if a may write a CSV of personal data for reason (export.personal and a
 * non-empty reason), else BERR_DENIED / BERR_INVALID with the message.
 */
int export_personal_allowed(const struct actor *a, const char *reason, struct berr *e);
/*
 * After a personal CSV was written at path (inside the print job's
 * transaction): checks as export_personal_allowed, reads the file back and
 * writes the audit entry (function, e.g. "targets.csv") with what it is,
 * its rows, the reason and its sha256 (also into sha_hex).
 */
int export_personal_logged(struct store *st, const struct actor *a, const char *function,
                           const char *path, const char *what, long rows, const char *reason,
                           char sha_hex[65], struct berr *e);

#endif
