/*
 * records: the store.  One SQLite file (WAL, foreign keys on, schema by
 * migrations) plus a site key file beside it (<db>.key, mode 0600) from which
 * the keys for 個人番号 encryption, keyed look-up hashes, QR signatures and
 * the audit chain are derived.
 *
 * This header only gathers the headers of records/, one per concern, for
 * code that really uses most of them; include the ones you use instead
 * (records/README.md lists them and what each holds):
 *   store.h      the store, transactions, site key, settings, key rotation
 *   accounts.h   permissions, roles, accounts and grants, the acting account
 *   audit.h      the access log, its archives and its monthly review (点検)
 *   residents.h  the resident master, matching, 住登外
 *   targets.h    the children due for a checkup
 *   issues.h     the issue history (発行履歴)
 *   pages.h      intake: batches, scan files, pages, readings
 *   review.h     the review queue
 *   landing.h    the records pages land in
 *   vouchers.h   voucher payment, the 新生児聴覚検査 follow-up
 *   shien.h      支援措置
 *   export.h     the personal-CSV gate
 *   purge.h      retention deletion
 *   backup.h     backup and restore
 *   referrals.h  hospitals, referrals, reminders
 *   stats.h      the counting behind the statistics
 *   alerts.h     the EPDS safety alerts
 *   web.h        what the web UI needs the store to keep
 *
 * Every function that reads or changes a person's data takes the acting
 * account, checks its permission itself (callers may check earlier for a
 * clearer message, but the module never trusts them to) and writes the
 * audit entry.  Nothing here prints, exits, or stores a 個人番号 in plain text.
 */
#ifndef BOSHI_RECORDS_H
#define BOSHI_RECORDS_H

#include "records/store.h"
#include "records/accounts.h"
#include "records/audit.h"
#include "records/residents.h"
#include "records/targets.h"
#include "records/issues.h"
#include "records/pages.h"
#include "records/review.h"
#include "records/landing.h"
#include "records/vouchers.h"
#include "records/shien.h"
#include "records/export.h"
#include "records/purge.h"
#include "records/backup.h"
#include "records/referrals.h"
#include "records/stats.h"
#include "records/alerts.h"
#include "records/web.h"
#include "records/claims.h"

#endif
