/*
 * records-internal.h: what the files of records/ share and nobody else sees:
 * the store's layout and small SQLite helpers.
 */
#ifndef BOSHI_RECORDS_INTERNAL_H
#define BOSHI_RECORDS_INTERNAL_H

#include <sqlite3.h>

#include "records/accounts.h"
#include "records/store.h"

struct store {
    sqlite3 *db;
    char *path;
    unsigned char master[32];  /* site key; subkeys via store_key() */
    struct ymd today;
    int today_set;
    int depth;                 /* open store_begin() levels */
    int shared;                /* key file group-readable by BOSHI_GROUP */
    char key_id[17];           /* key_fingerprint(master) */
    unsigned char (*old)[32];  /* earlier site keys (<db>.key.old), oldest first; sodium_malloc */
    size_t n_old;
};

/* The subkey for purpose from any site key (store_key uses the store's own). */
void key_derive(const unsigned char master[32], enum store_key_purpose purpose, unsigned char out[32]);
/* 16 hex characters naming a site key (public; meta.key_id, key_epochs). */
void key_fingerprint(const unsigned char master[32], char out[17]);
/* The site key (current or earlier) with that fingerprint, or NULL. */
const unsigned char *store_key_by_id(const struct store *st, const char *id);
/*
 * BERR_CONFLICT when the store was rotated to another key after this
 * connection loaded its key (a long-running intake or serve): nothing may be
 * written under a replaced key.  In the caller's transaction.
 */
int store_key_current(struct store *st, struct berr *e);

/* Runs SQL with no results; fills e with the SQLite message on failure. */
int db_exec(struct store *st, const char *sql, struct berr *e);
/* Prepares; on failure fills e and returns BERR_FAIL. */
int db_prepare(struct store *st, sqlite3_stmt **out, const char *sql, struct berr *e);
/* Fills e from the connection's last error, prefixed by what. */
int db_fail(struct store *st, const char *what, struct berr *e);
/* Binds text or NULL when s is NULL. */
void db_bind_text(sqlite3_stmt *s, int i, const char *txt);
/* Column text or "" (never NULL). */
const char *db_col(sqlite3_stmt *s, int i);
/* Current time, UTC ISO 8601 with milliseconds: 2026-11-21T23:59:01.123Z */
void store_now_iso(char out[32]);
/* Instant t in the same form (milliseconds .000), so that the two compare as text. */
void store_iso_at(time_t t, char out[32]);
/* Keyed hash (16 bytes) of a 12-digit 個人番号 for exact look-up. */
void mynumber_index(const struct store *st, const char *mynumber, unsigned char out[16]);
/* Encrypts a 12-digit 個人番号: out gets nonce || box (52 bytes). */
#define MYNUMBER_ENC_LEN 52
void mynumber_encrypt(const struct store *st, const char *mynumber, unsigned char out[MYNUMBER_ENC_LEN]);
int mynumber_decrypt(const struct store *st, const unsigned char *in, size_t n, char out[13]);
/* Keyed hash (16 bytes) of a 宛名番号, the mark a purged person leaves (residents_purged). */
void atena_tombstone(const struct store *st, const char *atena, unsigned char out[16]);
/* The same mark under any site key (a mark made before a rotation keeps its key). */
void atena_tombstone_under(const unsigned char master[32], const char *atena, unsigned char out[16]);
/* Fold keys used for matching, stored beside the resident. Caller frees. */
char *address_fold(const char *address, const char *katagaki);

/* The HMAC linking one access-log entry to the previous one's mac, under a site key (audit.c). */
void audit_entry_mac(const unsigned char master[32], const char *prev, int64_t seq, const char *at,
                     const char *user, const char *function, const char *person,
                     const char *detail, char out[65]);
/*
 * The site keys the log's entries are chained under, by epoch (key
 * rotations, keys.c): audit_epochs_key gives the key of entry seq, NULL when
 * that key is not on this machine (*key_id names it).  Free with
 * audit_epochs_free.
 */
struct audit_epochs;
int audit_epochs_load(struct store *st, struct audit_epochs **out, struct berr *e);
const unsigned char *audit_epochs_key(struct store *st, struct audit_epochs *x, int64_t seq,
                                      const char **key_id);
void audit_epochs_free(struct audit_epochs *x);

/*
 * audit_append with a given instant at (UTC ISO "2026-11-02T01:00:00.000Z")
 * instead of now: the chain links as usual, so `audit verify` passes.  For
 * tests that need entries at chosen times (tests/test_audit_review.c); no
 * production path calls it.
 */
int audit_append_at(struct store *st, const struct actor *a, const char *at,
                    const char *function, const char *person, const char *detail, struct berr *e);

/*
 * The checks of audit_verify without its permission, transaction or entry
 * (audit.c; restore runs it on a store nobody has opened yet).
 */
struct audit_verify_result;
int audit_chain_check(struct store *st, struct audit_verify_result *out, struct berr *e);

/*
 * audit_append for an entry about no person whose detail ends with a file's
 * digest: detail is masked as usual, then " sha256=<hex>" is appended whole
 * (a digest may hold a run of 12 decimal digits, which masking would cut).
 */
int audit_append_digest(struct store *st, const struct actor *a, const char *function,
                        const char *detail, const char sha_hex[65], struct berr *e);

/* The first account, holding every role (users.c; called by store_create). */
int users_bootstrap(struct store *st, const char *os_user, struct berr *e);
/* Index DDL for residents, rebuilt after a bulk first load (store.c). */
extern const char *const residents_index_sql;

/* Fills r from a row whose columns 0..14 are atena .. mynumber_enc (residents.c). */
struct resident;
void residents_fill_row(const struct store *st, sqlite3_stmt *s, struct resident *r);

/*
 * The access-log entries of a list of people drawn for a job (targets,
 * reminders): one per person with detail, or one "detail: 0人" when nobody.
 * In the caller's transaction.
 */
struct target;
int targets_audit(struct store *st, const struct actor *a, const char *function,
                  const struct target *t, size_t n, const char *detail, struct berr *e);

/*
 * Freezes every complete fiscal year before as_of that holds records and is
 * not frozen yet (stats.c; called by purge in its transaction): from then on
 * stats_count gives the figures of that moment.  *frozen gets how many.
 */
int stats_freeze_before(struct store *st, const struct actor *a, struct ymd as_of, int *frozen,
                        struct berr *e);

#endif
