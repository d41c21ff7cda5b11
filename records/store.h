/*
 * records/store.h: the store itself.  One SQLite file (WAL, foreign keys
 * on, schema by the migrations of store.c) plus a site key file beside it
 * (<db>.key, mode 0600) from which the keys for 個人番号 encryption, keyed
 * look-up hashes, QR signatures and the audit chain are derived; the site
 * settings kept in it; the rotation of the site key.
 *
 *   store:     store_create(_with), store_is_demo, store_require_demo, store_shared,
 *              store_open, store_close, store_begin/commit/rollback,
 *              store_set_today, store_today, store_key              (store.c)
 *   settings:  settings_get, settings_set, settings_each            (settings.c)
 *   keys:      keys_rotate, store_qr_keys                           (keys.c)
 *
 * struct store is opaque outside records/: its layout and the SQLite
 * helpers (db_exec, db_prepare, db_col ...) are in records/records-internal.h,
 * so that another backend can sit behind the same functions.
 * Ownership: the store store_open gives is the caller's, closed with
 * store_close; a value settings_get puts in *out is the caller's to free;
 * the setting_info passed to a setting_fn is borrowed for the call.
 */
#ifndef BOSHI_RECORDS_STORE_H
#define BOSHI_RECORDS_STORE_H

#include "base/base.h"

struct store;
struct actor;               /* records/accounts.h */

/* ---- store ---------------------------------------------------------- */

/*
 * Creates a new store at path with its key file, and an account for
 * os_user holding every role (valid until the end of the fiscal year).
 * Fails if the store or key file exists.
 */
int store_create(const char *path, const char *os_user, struct berr *e);
/* The group of a multi-user installation (README "Several OS users"). */
#ifndef BOSHI_GROUP
#define BOSHI_GROUP "boshi"
#endif
enum store_create_flags {
    STORE_CREATE_DEMO = 1 << 0,    /* a demo store: the only kind demo commands write into */
    STORE_CREATE_SHARED = 1 << 1,  /* group BOSHI_GROUP: key 0640, store 0660; dir 2770 */
};
/* store_create with flags (enum store_create_flags).  The demo mark is set only here. */
int store_create_with(const char *path, const char *os_user, unsigned flags, struct berr *e);
/* 1 if the store was created with STORE_CREATE_DEMO. */
int store_is_demo(struct store *st);
/*
 * 0 on a demo store; else BERR_DENIED saying that what (e.g. "boshi demo
 * activity") writes synthetic data and is refused in a real store.
 */
int store_require_demo(struct store *st, const char *what, struct berr *e);
/* 1 if the store is shared by BOSHI_GROUP (its key file is 0640 in that group). */
int store_shared(const struct store *st);
/* Opens an existing store and its key file; migrates the schema. */
int store_open(const char *path, unsigned flags, struct store **out, struct berr *e);
/* Closes and sets *st to NULL; accepts NULL and *st == NULL. */
void store_close(struct store **st);
/* BEGIN IMMEDIATE; store_commit; store_rollback (never fails). */
int store_begin(struct store *st, struct berr *e);
int store_commit(struct store *st, struct berr *e);
void store_rollback(struct store *st);
/* Today's date as the store sees it (tests move it to check expiry). */
void store_set_today(struct store *st, struct ymd d);
struct ymd store_today(const struct store *st);

enum store_key_purpose {
    KEY_MYNUMBER_ENC = 1,   /* secretbox key for 個人番号 */
    KEY_MYNUMBER_IDX = 2,   /* keyed hash for exact look-up */
    KEY_QR_MAC = 3,         /* HMAC of QR payloads on printed forms */
    KEY_AUDIT = 4,          /* HMAC chaining the audit log */
};
/* Copies the 32-byte subkey for purpose into out. */
void store_key(const struct store *st, enum store_key_purpose purpose, unsigned char out[32]);

/* ---- settings ----------------------------------------------------------- */

/*
 * Site settings with defaults (a key not in the built-in table is refused):
 * the health centre's name and contact line on letters, the default venue
 * and reception time, and the age in months at which each checkup is due.
 */
struct setting_info {
    const char *key, *label;
    const char *def;          /* default, or NULL: must be set before use */
};
/* Value of key (default if unset); *out caller frees; BERR_NOTFOUND if unset with no default. */
int settings_get(struct store *st, const char *key, char **out, struct berr *e);
/* Needs users.admin; audited. */
int settings_set(struct store *st, const struct actor *a, const char *key, const char *value,
                 struct berr *e);
typedef int (*setting_fn)(const struct setting_info *info, const char *value, int is_default,
                          void *ctx);
int settings_each(struct store *st, setting_fn fn, void *ctx, struct berr *e);

/* ---- site key rotation (keys.c) ---------------------------------------- */

struct keys_rotate_report {
    char old_id[17], new_id[17];   /* key fingerprints (public) */
    long residents, history;       /* 個人番号 ciphertexts re-encrypted */
    struct ymd old_until;          /* forms signed with the old key taken in until then */
};
/*
 * Replaces the site key: a new key, every 個人番号 re-encrypted and every
 * keyed index recomputed in one transaction, the old key kept in
 * <db>.key.old (for the access log chained under it and for purge marks),
 * forms signed with it accepted by intake until old_until (>= today; the
 * setting keys.old_qr_until).  Needs PERM_KEYS_ROTATE; one audit entry, the
 * first under the new key.  Refused if the access log does not verify.
 * Outside a transaction; other processes holding the old key are refused
 * their next write and must be restarted.
 */
int keys_rotate(struct store *st, const struct actor *a, struct ymd old_until,
                struct keys_rotate_report *rep, struct berr *e);
/*
 * The QR signing keys intake checks: cur (the site key's), and when a
 * rotation kept one, old (the replaced key's; *has_old) and whether it is
 * still accepted today (*old_ok: today <= *until, setting keys.old_qr_until).
 */
int store_qr_keys(struct store *st, unsigned char cur[32], unsigned char old[32], int *has_old,
                  int *old_ok, struct ymd *until, struct berr *e);

#endif
