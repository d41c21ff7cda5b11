/*
 * records/accounts.h: who may do what.  The permissions (enum perm) and the
 * roles that bundle them, the accounts (users) and their grants, and the
 * acting account (struct actor) that every function of records/ reading or
 * changing a person's data takes and checks itself.  Implemented in
 * records/users.c (users_set_address too: an account's own address, which
 * the access-log review's AR_ADDRESS rule compares with).
 *
 *   actor_for_os_user, actor_for_login, actor_can, actor_require,
 *   perm_name, perm_label, perm_from_name, role_lookup, role_all,
 *   users_add, users_grant, users_revoke, users_disable, users_enable,
 *   users_list, users_set_address
 *
 * Not here: password hashes and the login lockout of the web UI
 * (records/web.h); sessions, which review/ keeps in memory.
 * Ownership: a struct actor is a plain value of the caller's (its
 * permissions are those of the grants valid when it was resolved); roles
 * and permission names are static; a user_row is borrowed for the call.
 */
#ifndef BOSHI_RECORDS_ACCOUNTS_H
#define BOSHI_RECORDS_ACCOUNTS_H

#include <stdint.h>

#include "records/store.h"

/* ---- accounts and permissions --------------------------------------- */

/* Functions a grant can allow (roles: README.md "Roles").  Bit n of struct actor.perms. */
enum perm {
    PERM_RESIDENTS_IMPORT,  /* residents.import: load the resident master */
    PERM_RESIDENTS_READ,    /* residents.read:   show and find residents */
    PERM_MYNUMBER_REVEAL,   /* mynumber.reveal:  see a 個人番号 unmasked */
    PERM_FORMS_PRINT,       /* forms.print:      print forms and letters */
    PERM_TARGETS,           /* targets:          extract checkup targets */
    PERM_INTAKE,            /* intake:           take in scanned batches */
    PERM_REVIEW,            /* review:           resolve OCR exceptions */
    PERM_RECORDS_READ,      /* records.read:     read checkups, pregnancies ... */
    PERM_RECORDS_WRITE,     /* records.write:    change them */
    PERM_REPORTS,           /* reports:          statistics and lists */
    PERM_USERS_ADMIN,       /* users.admin:      accounts and grants */
    PERM_AUDIT_READ,        /* audit.read:       read and verify the audit log */
    PERM_PURGE,             /* purge:            retention deletion */
    PERM_BACKUP,            /* backup:           encrypted backups of the store */
    PERM_KEYS_ROTATE,       /* keys.rotate:      replace the site key */
    PERM_EXPORT_PERSONAL,   /* export.personal:  write a CSV holding personal data */
    PERM_SHIEN_RELEASE,     /* shien.release:    let a letter go to a 支援措置 person */
    PERM_COUNT
};

const char *perm_name(enum perm p);      /* "residents.read" */
const char *perm_label(enum perm p);     /* "住民記録の閲覧" */
int perm_from_name(const char *name);    /* enum perm or -1 */

struct role {
    const char *name;       /* "保健師" */
    const char *alias;      /* "hokenshi" */
    uint32_t perms;         /* bit set of enum perm */
};
/* Role by Japanese name or romanised alias; NULL if none. */
const struct role *role_lookup(const char *name);
/* All roles, NULL-terminated. */
const struct role *const *role_all(void);

struct actor {
    int64_t user_id;
    char login[64];
    char display_name[128];
    uint32_t perms;          /* from grants valid today */
};

/*
 * Resolves the account mapped to an OS user.  Refuses (BERR_DENIED) an OS
 * user with no account, a disabled account, and an account whose grants
 * have all expired.
 */
int actor_for_os_user(struct store *st, const char *os_user, struct actor *out, struct berr *e);
int actor_for_login(struct store *st, const char *login, struct actor *out, struct berr *e);
int actor_can(const struct actor *a, enum perm p);
int actor_require(const struct actor *a, enum perm p, struct berr *e);

/* Creates an account (os_user may be NULL: then it equals login). */
int users_add(struct store *st, const struct actor *a, const char *login,
              const char *display_name, const char *os_user, struct berr *e);
/*
 * Grants a role (by name or alias) or a single permission (by perm name)
 * until `until` inclusive; until == NULL means the next 31 March.
 */
int users_grant(struct store *st, const struct actor *a, const char *login,
                const char *what, const struct ymd *until, struct berr *e);
int users_revoke(struct store *st, const struct actor *a, const char *login,
                 const char *what, struct berr *e);
int users_disable(struct store *st, const struct actor *a, const char *login, struct berr *e);
int users_enable(struct store *st, const struct actor *a, const char *login, struct berr *e);

struct user_row {
    const char *login, *display_name, *os_user;
    int disabled;
    const char *grants;      /* "保健師(2027-03-31まで), ..." including expired ones marked */
    uint32_t perms_today;
};
typedef int (*user_row_fn)(const struct user_row *r, void *ctx);
int users_list(struct store *st, const struct actor *a, user_row_fn fn, void *ctx, struct berr *e);
/* Sets (or with NULL / "" clears) an account's own address.  Needs users.admin; audited. */
int users_set_address(struct store *st, const struct actor *a, const char *login,
                      const char *address, struct berr *e);

#endif
