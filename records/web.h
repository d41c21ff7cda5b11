/*
 * records/web.h: what the nurses' web UI needs the store to keep: password
 * hashes (libsodium argon2id) and the lockout bookkeeping of failed logins
 * (5 failures lock an account for 15 minutes), in the users table's pw_hash,
 * failed_logins and locked_until columns.
 * The sessions of the web UI, kept in the store so that any `boshi serve`
 * process sharing it answers the same nurse.
 * Not for: cookies and HTTP (review/server.c) or permissions (an account's
 * permissions are resolved by actor_for_login on every request).
 * Also the read of a person's records for the Person screen.
 * Time is passed in (seconds since the epoch) so tests can move the clock.
 */
#ifndef BOSHI_RECORDS_WEB_H
#define BOSHI_RECORDS_WEB_H

#include <time.h>

#include "records/accounts.h"

#define WEB_LOCK_FAILURES 5          /* failures in a row that lock an account */
#define WEB_LOCK_SECONDS (15 * 60)   /* how long it stays locked */
#define WEB_PASSWORD_MIN 8           /* characters (bytes) at least */
#define WEB_PASSWORD_MAX 256

/*
 * Sets login's password (argon2id) and clears its lockout.  Needs
 * users.admin, or a to be login itself.  Audited (never the password).
 */
int web_password_set(struct store *st, const struct actor *a, const char *login,
                     const char *password, struct berr *e);

/*
 * Checks a login and password at time now.  On success resets the failure
 * count and resolves the account (refused, BERR_DENIED, if disabled or its
 * grants expired) into out.  On a wrong password counts the failure and,
 * at the 5th in a row, locks the account for 15 minutes; a locked account
 * is refused without looking at the password.  Every attempt is audited
 * (function web.login / web.login_failed / web.login_locked).  Messages do
 * not say whether the login exists.
 */
int web_login(struct store *st, const char *login, const char *password, time_t now,
              struct actor *out, struct berr *e);

/*
 * One web session.  The cookie (token) is 32 random bytes in hex; the store
 * keeps only its BLAKE2b hash, so a copy of the store opens no session.  The
 * form token (csrf) is checked on every POST.
 */
struct web_session {
    char token[65];
    char csrf[65];
    char login[64];
    time_t last_seen;
};

/*
 * Starts a session for login at time now: new random token and form token
 * into *out.  Sessions idle longer than idle_seconds are deleted on the way
 * (they could never be used again).
 */
int web_session_start(struct store *st, const char *login, time_t now, int idle_seconds,
                      struct web_session *out, struct berr *e);

/*
 * Finds the session of token at time now: 1 and *out filled, or 0 (none,
 * or idle longer than idle_seconds: then it is deleted and *timed_out set).
 * A found session's last activity becomes now; the store is written at most
 * once every WEB_SESSION_TOUCH seconds per session.
 */
#define WEB_SESSION_TOUCH 30
int web_session_find(struct store *st, const char *token, time_t now, int idle_seconds,
                     struct web_session *out, int *timed_out, struct berr *e);

/* Ends the session of token (nothing if there is none). */
int web_session_end(struct store *st, const char *token, struct berr *e);

/*
 * A person's records, for the Person screen: each row of pregnancies and
 * vouchers (as mother), checkups and referrals (as the child), oldest
 * first, as column names and text values.  Needs records.read; audited
 * (function "web.person", the reason in the detail).
 */
typedef int (*web_record_fn)(const char *table, int ncols, const char *const *names,
                             const char *const *values, void *ctx);
int web_person_records(struct store *st, const struct actor *a, const char *atena,
                       const char *reason, web_record_fn fn, void *ctx, struct berr *e);

#endif
