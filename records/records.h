/*
 * records: the store.  One SQLite file (WAL, foreign keys on, schema by
 * migrations) plus a site key file beside it (<db>.key, mode 0600) from which
 * the keys for 個人番号 encryption, keyed look-up hashes, QR signatures and
 * the audit chain are derived.
 *
 * Public functions, by concern:
 *   store:     store_create(_with), store_is_demo, store_require_demo, store_shared,
 *              store_open, store_close, store_begin/commit/rollback,
 *              store_set_today, store_today, store_key
 *   accounts:  actor_for_os_user, actor_for_login, actor_can, actor_require,
 *              perm_name, perm_label, role_lookup, users_add, users_grant,
 *              users_revoke, users_disable, users_enable, users_list
 *   audit:     audit_append, audit_list, audit_verify, audit_archive,
 *              audit_verify_archive, audit_review_run/mark (the monthly 点検)
 *   residents: residents_import, residents_get, residents_reveal_mynumber,
 *              residents_find, resident_release, candidates_free
 *   settings:  settings_get, settings_set, settings_each
 *   targets:   targets_age_months, targets_find, targets_free, address_town
 *   issues:    print_run_add, print_run_finish, issues_record, issues_current,
 *              issues_next_jushin, issue_lookup, issue_mark_returned
 *   intake:    batch_open, batch_finish, scan_file_add, page_find, page_store,
 *              page_readings, page_set_landed
 *   review:    review_list, review_count, review_resolved_count, review_get,
 *              review_resolve, review_close_page, review_open_identity, review_open_count,
 *              review_follow_identity, review_reopen, review_log_reason
 *   landing:   record_kind_name, record_for_issue, record_loose_find, record_set,
 *              record_dental_begin, record_dental_finish, voucher_hearing_follow,
 *              voucher_hearing_child_check
 *   住登外:     unregistered_add, unregistered_exists
 *   purge:     purge_run, purge_kind_label
 *   backup:    backup_write, backup_restore (backup.c)
 *   keys:      keys_rotate, store_qr_keys (keys.c)
 *   支援措置:   shien_flagged, shien_release, shien_released, shien_letter_held,
 *              audit_flagged_views
 *   export:    export_personal_allowed, export_personal_logged
 *
 * Every function that reads or changes a person's data takes the acting
 * account, checks its permission itself (callers may check earlier for a
 * clearer message, but the module never trusts them to) and writes the
 * audit entry.  Nothing here prints, exits, or stores a 個人番号 in plain text.
 */
#ifndef BOSHI_RECORDS_H
#define BOSHI_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

struct store;

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

/* ---- audit log ------------------------------------------------------ */

/*
 * Appends one entry (who = a, when = now) inside the current transaction if
 * one is open, else in its own.  person is a 宛名番号 or NULL; detail never
 * holds a 個人番号.
 */
int audit_append(struct store *st, const struct actor *a, const char *function,
                 const char *person, const char *detail, struct berr *e);

struct audit_row {
    int64_t seq;
    const char *at, *user, *function, *person, *detail;
};
struct audit_filter {
    const char *person;      /* NULL = any */
    const char *user;        /* login, NULL = any */
    const char *since;       /* ISO date, NULL = any */
    int limit;               /* 0 = no limit */
};
typedef int (*audit_row_fn)(const struct audit_row *r, void *ctx);
int audit_list(struct store *st, const struct actor *a, const struct audit_filter *f,
               audit_row_fn fn, void *ctx, struct berr *e);

struct audit_verify_result {
    int64_t checked;         /* entries whose link verified */
    int64_t archived;        /* entries before them moved to archives (the last checkpoint) */
    int64_t first_bad;       /* seq of the first broken link, 0 if none */
    char reason[256];        /* Japanese, empty if intact */
};
int audit_verify(struct store *st, const struct actor *a, struct audit_verify_result *out,
                 struct berr *e);

/*
 * Moves the entries made before 00:00 JST of `before` into a signed,
 * gzip-compressed archive file at path (JSON lines; Ed25519 signature by a
 * key derived from the site key), then removes them from the store and
 * records a checkpoint, so that audit_verify goes on from it.  `before` may
 * be at most today minus audit.retention_years (>= 3).  The file is written
 * whole (tmp, fsync, rename) before anything is removed; an existing path
 * is refused.  Needs audit.read and purge; audited (audit.archive).
 */
struct audit_archive_result {
    int64_t first_seq, last_seq, entries;
    char sha256[65];         /* of the file */
};
int audit_archive(struct store *st, const struct actor *a, struct ymd before, const char *path,
                  struct audit_archive_result *out, struct berr *e);

/*
 * Verifies an archive file: its signature, and the chain of its entries
 * from the checkpoint before them.  out->first_bad names the first entry
 * that fails; out->reason says why (a signature that fails with every
 * entry linking is named too).  linked: 1 if the store holds this archive's
 * checkpoint (the file is the one `audit archive` wrote).  Needs audit.read;
 * audited.
 */
int audit_verify_archive(struct store *st, const struct actor *a, const char *path,
                         struct audit_verify_result *out, int *linked, struct berr *e);

/* ---- the monthly access-log review (点検, auditreview.c) -------------------- */

/*
 * The rules a month of the access log is checked by (README.md "Access-log
 * review"), in the order findings are listed.  AR_FLAGGED (every view of a
 * person under 支援措置) is a hook: it finds nothing until the flag on
 * residents exists (audit_review_flagged_hook in auditreview.c).
 */
enum audit_rule {
    AR_SURNAME,     /* the operator viewed a resident with the operator's own surname */
    AR_ADDRESS,     /* ... a resident at the operator's own address (users.address) */
    AR_REVEAL,      /* a 個人番号 revealed (function mynumber.reveal, or any *reveal*) */
    AR_HOURS,       /* a view outside audit.office_hours, or on a day the office is closed */
    AR_VOLUME,      /* views this month > 3x the operator's monthly median of the 6 months before, >= 50 */
    AR_UNLINKED,    /* a view of someone none of whose papers passed through the operator's hands */
    AR_FLAGGED,     /* a view of a person under 支援措置 (DV): hook, not connected yet */
    AR_RULE_COUNT
};
const char *audit_rule_name(int rule);    /* "surname" ... (CSV, store) */
const char *audit_rule_label(int rule);   /* "同姓の住民の閲覧" ... */
/* Parses "HH:MM-HH:MM" into minutes from 00:00 (from < to); -1 if not one. */
int audit_office_hours_parse(const char *s, int *from_min, int *to_min);
/* The volume rule's figures (README.md). */
#define AUDIT_VOLUME_FACTOR 3
#define AUDIT_VOLUME_MIN 50
#define AUDIT_VOLUME_MONTHS 6

struct audit_finding {
    int64_t id;
    int rule;                      /* enum audit_rule */
    char *user, *user_name;        /* login and display name of the operator */
    char *person;                  /* 宛名番号, "" for a per-operator finding */
    char *key;                     /* the reveal's seq, the after-hours JST day, or "" */
    long views;                    /* entries behind the finding */
    char *first_at, *last_at;      /* UTC ISO of the first and last of them */
    int64_t first_seq;
    char *detail;                  /* Japanese: why it was found */
    char *checked_by, *checked_at, *comment;   /* NULL until marked 確認済 */
};
struct audit_review {
    int year, month;
    char month_iso[8];             /* "2026-11" */
    char office_hours[16];         /* the setting used */
    long entries, views;           /* access-log entries of the month, those naming a person */
    long n[AR_RULE_COUNT];         /* findings per rule */
    long checked;                  /* findings marked 確認済 */
    int accounts;                  /* accounts with a view this month */
    int no_address;                /* of them, accounts with no address: rule AR_ADDRESS skipped */
    int no_surname;                /* of them, display names with no surname (no space): AR_SURNAME skipped */
    char *no_address_list;         /* owned: their logins, "a, b" ("" if none) */
    char *no_surname_list;
    int flag_connected;            /* 1: the 支援措置 rule ran (always, since the flag exists) */
    struct audit_finding *f;       /* owned, rule order then operator, time */
    size_t nf;
};
/*
 * Checks the month (Japan time) of the access log by every rule and stores
 * what it finds: a finding found again keeps its id and its 確認済 mark
 * (its counts are brought up to date); nothing is deleted.  Then loads the
 * month's findings into out (free with audit_review_release).  Needs
 * audit.read; audited (audit.review, counts only).
 */
int audit_review_run(struct store *st, const struct actor *a, int year, int month,
                     struct audit_review *out, struct berr *e);
void audit_review_release(struct audit_review *r);
/*
 * Marks finding id 確認済 with a comment (required).  BERR_NOTFOUND if none,
 * BERR_CONFLICT if it was marked already.  Needs audit.read; audited
 * (audit.review.mark, naming the finding's person).  *month_out (may be
 * NULL) gets the finding's month.
 */
int audit_review_mark(struct store *st, const struct actor *a, int64_t id, const char *comment,
                      char month_out[8], struct berr *e);
/* Sets (or with NULL / "" clears) an account's own address.  Needs users.admin; audited. */
int users_set_address(struct store *st, const struct actor *a, const char *login,
                      const char *address, struct berr *e);

/* ---- residents (住民記録) --------------------------------------------- */

enum resident_status { RS_RESIDENT = 1, RS_MOVED_OUT = 2, RS_DEAD = 3, RS_OTHER = 4 };

struct resident {
    char atena[11];          /* 宛名番号 */
    char setai[11];          /* 世帯番号 */
    char *name, *kana;       /* owned */
    int sex;                 /* 1 男, 2 女 */
    struct ymd birth;
    char *zokugara;          /* owned, may be "" */
    int status;              /* enum resident_status */
    char postal[8];
    char *address, *katagaki;/* owned */
    char idou_code[3];
    struct ymd idou_date;
    struct ymd todoke_date;  /* y == 0 when empty */
    int has_mynumber;
    char mynumber_masked[13];/* "********1234" or "" */
    int shien;               /* 1: 支援措置 (住民票の閲覧制限): address never on a list,
                                letters only after a 管理者's release (shien_released) */
};
void resident_release(struct resident *r);
/*
 * Whether a form is for this person: a 妊娠届出書 or voucher for a woman of
 * childbearing age, a checkup form for a child near that checkup's age, a
 * return slip for a young child.  Anything else is a mistyped 宛名番号.  0
 * when not: why gets "3歳2か月 男", *who the form's people ("…の女性").
 */
int resident_fits_form(const char *form, const struct resident *r, struct ymd today, char *why,
                       size_t n, const char **who);
const char *resident_status_label(int status);  /* "住民" ... */
const char *resident_idou_label(const char *code); /* "出生" ... or "" */

enum import_flags {
    IMPORT_FULL = 1 << 0,    /* initial / full load (else a daily 異動 diff) */
    IMPORT_UTF8 = 1 << 1,    /* force UTF-8 */
    IMPORT_CP932 = 1 << 2,   /* force CP932; neither: detect */
};
struct import_report {
    long rows;               /* data rows in the file */
    long inserted, updated, unchanged;
    long absent;             /* full load: residents in the store not in the file */
    long purged;             /* rows skipped: people purged (boshi purge), still 転出・死亡 */
    const char *encoding;    /* "UTF-8", "UTF-8 (BOM)", "CP932" */
    double seconds;          /* total */
    double t_read, t_write, t_index, t_commit;   /* phases, seconds */
};
/*
 * Validates the whole file, then applies it in one transaction.  A file
 * with any bad row changes nothing; e->msg lists the bad lines (line,
 * column, reason; up to 50, then a count).  Writes one audit entry.
 */
int residents_import(struct store *st, const struct actor *a, const char *path,
                     unsigned flags, struct import_report *rep, struct berr *e);

/* One resident by 宛名番号, 個人番号 masked.  Audited as `function`. */
int residents_get(struct store *st, const struct actor *a, const char *atena,
                  const char *function, struct resident *out, struct berr *e);
/*
 * The plain 個人番号 into out (13 bytes).  Needs PERM_MYNUMBER_REVEAL and a
 * reason, which goes to the audit entry.  BERR_NOTFOUND if none stored.
 */
int residents_reveal_mynumber(struct store *st, const struct actor *a, const char *atena,
                              const char *reason, char out[13], struct berr *e);

struct find_query {
    const char *kana, *name, *address;  /* NULL = not given */
    const char *mynumber;               /* 12 digits, NULL = not given */
    struct ymd birth;                   /* y == 0 = not given */
    int limit;                          /* 0 = 20 */
};
struct candidate {
    struct resident r;
    int score;                          /* higher is better; 100+ = 個人番号一致 */
    char reasons[256];                  /* "カナ一致, 生年月日一致, ..." */
};
/*
 * Ranked candidates (best first) for a query; uses indexes only.  Each
 * candidate returned is an audited view.  Caller frees with candidates_free.
 */
int residents_find(struct store *st, const struct actor *a, const struct find_query *q,
                   struct candidate **out, size_t *n, struct berr *e);
void candidates_free(struct candidate *c, size_t n);

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

/* ---- checkup targets ------------------------------------------------------ */

/* Age in months at which form's checkup is due (setting checkup.<form>.age_months). */
int targets_age_months(struct store *st, const char *form, int *months, struct berr *e);

struct target {
    struct resident child;
    int has_guardian;           /* 0: no adult in the household -> exceptions list */
    struct resident guardian;   /* valid when has_guardian */
    char town[96];              /* 町名, the first sort key */
    char issued[24];            /* issue id already issued for this month, "" if none */
};
/*
 * Children due for form's checkup in year-month: born in the month
 * age_months earlier, resident (住民状態 1), with no checkup of that form
 * recorded; ordered by 町名 then birth date.  Guardian: an adult (18+,
 * resident) of the same household whose 続柄 is 世帯主, then 妻, then 夫.
 * Each child listed is an audited view.  Caller frees with targets_free.
 * Form shinseiji_houmon (新生児訪問): the children under HOUMON_BEFORE_MONTHS
 * months old on the 1st of the month or born in it, with no visit of that
 * form recorded (table visits).
 */
#define HOUMON_BEFORE_MONTHS 4
int targets_find(struct store *st, const struct actor *a, const char *form, int year, int month,
                 struct target **out, size_t *n, struct berr *e);
void targets_free(struct target *t, size_t n);
/* The 町名 of an address: after the city/ward, up to the first digit. Caller frees. */
char *address_town(const char *address);

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

/* ---- intake: batches, pages, readings -------------------------------------- */

/*
 * A page goes received -> read -> validated -> landed | queued | rejected
 * (intake/batch.c and writer.c drive it).  The store sees only the end states, each
 * written in one transaction with the page's readings and review items,
 * so a page is either wholly in the store or not at all.
 */

/* Opens the batch called name, or resumes it if it exists (*resumed = 1). */
int batch_open(struct store *st, const struct actor *a, const char *name, const char *paths,
               int64_t *id, int *resumed, struct berr *e);
int batch_finish(struct store *st, int64_t id, struct berr *e);
/* Records a scanned file kept content-addressed (once per sha256). */
int scan_file_add(struct store *st, const char *sha, const char *name, long bytes,
                  int64_t batch, struct berr *e);

struct page_row {
    int64_t id, batch_id;
    char status[12];
    char form[40], subject[16], issue_id[24];
    int version, page_no, pages;
    char source[512];
    int file_page;
    char file_sha[65];
    char reason[512];
};
/* 1 and the row if a page with this image hash was taken in, else 0. */
int page_find(struct store *st, const char *sha, struct page_row *out, struct berr *e);
int page_get(struct store *st, int64_t id, struct page_row *out, struct berr *e);
/* 1 and the row if page page_no of issue_id was taken in (not rejected), else 0. */
int page_find_issue(struct store *st, const char *issue_id, int page_no, struct page_row *out,
                    struct berr *e);
/* How the scanner saw a page (NULL columns: has = 0). */
struct page_geometry {
    int has, dpi, rotation, has_map, width_px, height_px;
    double skew, scale, residual, map[6];
};
int page_geometry_get(struct store *st, int64_t page_id, struct page_geometry *out, struct berr *e);
/* Marks a page rejected with a reason (a nurse refused its identity). */
int page_set_rejected(struct store *st, int64_t page_id, const char *reason, struct berr *e);

struct batch_row {
    int64_t id;
    const char *name, *by_user, *started_at, *finished_at;
    int pages, landed, queued, rejected, open_items;
};
typedef int (*batch_fn)(const struct batch_row *b, void *ctx);
/* All batches newest first, or one by name (BERR_NOTFOUND). Needs intake or review. */
int batches_list(struct store *st, const struct actor *a, const char *name, batch_fn fn, void *ctx,
                 struct berr *e);

/*
 * Reconciliation of a batch against the issue history, one line per
 * finding: kind "未提出" (issued for a checkup month the batch covers, no
 * page of it returned), "返送済・確認待ち" (a page of it is in this or
 * another batch, still in review: never 未提出), "ページ不足" (returned
 * with a page missing), "二重提出", "想定外" (a page boshi cannot match to
 * what it issued), "却下" (a page of this batch rejected: file, page and
 * reason).  name is the person's 氏名 when the actor may read residents
 * (each person named is audited, function "batches.show"), else "".
 * file is the scan's file name (no folder) and file_page its page from 1,
 * for 却下 only (else "" and 0).  Strings valid during the call.
 */
struct reconcile_row {
    const char *kind, *person, *name, *form, *issue_id, *detail, *file;
    int file_page;
};
typedef int (*reconcile_fn)(const struct reconcile_row *r, void *ctx);
int batch_reconcile(struct store *st, const struct actor *a, int64_t batch_id, reconcile_fn fn,
                    void *ctx, struct berr *e);

/*
 * An entry of a scan folder that was not taken in (a symlink, a FIFO, an
 * unreadable file) and why; once per batch and path.  Needs intake.
 */
int batch_ignore(struct store *st, int64_t batch_id, const char *path, const char *reason,
                 struct berr *e);
typedef int (*batch_entry_fn)(const char *path, int file_page, const char *reason, void *ctx);
/* The ignored entries of a batch (file_page -1), then its rejected pages. Needs intake or review. */
int batch_refused(struct store *st, const struct actor *a, int64_t batch_id, batch_entry_fn fn,
                  void *ctx, struct berr *e);

/* Calls fn for each page index of file_sha already stored (resuming a batch). */
int pages_of_file(struct store *st, const char *file_sha, void (*fn)(int file_page, int64_t batch,
                  void *ctx), void *ctx, struct berr *e);

struct reading_in {
    const char *field;
    const char *value;          /* canonical value, NULL if blank */
    const char *read_value;     /* as read (may differ: a suggestion) */
    double confidence;
    const char *decision;       /* "accepted" / "review" / "empty" */
    const char *reason;         /* Japanese, for review */
    double box[4];              /* mm, for outlining */
    const void *crop;           /* PNG, may be NULL */
    size_t crop_len;
};
struct review_in {
    const char *field;
    const char *kind;           /* "field" / "identity" / "rule" / "issue" */
    const char *reason;
    int risk;                   /* higher first */
    const char *suggested;
    int reading;                /* index into readings, -1 if none */
};
struct page_in {
    const char *sha, *file_sha, *source;
    int file_page;
    int64_t batch_id;
    const char *reject_reason;  /* non-NULL: the page is rejected with this reason */
    const char *form;
    int version, page_no, pages;
    const char *subject, *issue_id;
    int has_geometry;           /* the page was registered: dpi (0 = unknown), rotation... */
    int dpi, rotation;
    double skew, scale, residual;
    double map[6];              /* mm -> px of the scan (ocr_registration.map) */
    int width_px, height_px;    /* of the scan as loaded */
    const struct reading_in *readings;
    size_t n_readings;
    const struct review_in *items;
    size_t n_items;
};
/*
 * Stores a read page: the page row (status rejected, or queued if it has
 * review items, else "landed" pending the caller's landing in the same
 * transaction), its readings and review items.  Needs intake.  Run inside
 * the caller's transaction together with the landing.
 */
int page_store(struct store *st, const struct actor *a, const struct page_in *p,
               int64_t *page_id, struct berr *e);

/* Adds a review item to a stored page and marks it queued (landing found a problem). */
int page_queue_item(struct store *st, int64_t page_id, const struct review_in *item,
                    struct berr *e);

struct reading_row {
    int64_t id;
    const char *field, *value, *read_value, *decision, *reason;
    double confidence;
    double box[4];
};
typedef int (*reading_fn)(const struct reading_row *r, void *ctx);
int page_readings(struct store *st, int64_t page_id, reading_fn fn, void *ctx, struct berr *e);
/* The page and field of a reading (field: up to n bytes). */
int reading_page(struct store *st, int64_t reading_id, int64_t *page_id, char *field, size_t n,
                 struct berr *e);
/* PNG crop of a reading; caller frees *png. */
int reading_crop(struct store *st, int64_t reading_id, void **png, size_t *len, struct berr *e);
/* Marks the page landed as record_kind/record_id (and its subject, once known). */
int page_set_landed(struct store *st, int64_t page_id, const char *record_kind, int64_t record_id,
                    const char *subject, struct berr *e);

/* ---- review queue ---------------------------------------------------------- */

struct review_row {
    int64_t id, page_id, reading_id;
    const char *field, *kind, *reason, *suggested, *status, *value;
    int risk;
    const char *form, *subject, *source, *batch;
    double confidence;
};
struct review_filter {
    const char *reason, *form, *batch;  /* NULL = any */
    /*
     * The day the item's page was taken in (pages.read_at), counted in Japan
     * (jpdate_day_start), inclusive; y == 0 leaves that end open.  One day:
     * from == to.  from after to is BERR_INVALID.
     */
    struct ymd from, to;
    int include_resolved;
    int limit;
};
typedef int (*review_fn)(const struct review_row *r, void *ctx);
/* Open items, highest risk first (identity, then high-consequence fields). */
int review_list(struct store *st, const struct actor *a, const struct review_filter *f,
                review_fn fn, void *ctx, struct berr *e);
/* How many items review_list would list with f (its limit ignored).  Needs review. */
int review_count(struct store *st, const struct actor *a, const struct review_filter *f, int *n,
                 struct berr *e);
/*
 * Items resolved at or after since, by the account login by (NULL = by
 * anyone): "done today" is since = jpdate_day_start(today in Japan).
 * Needs review.
 */
int review_resolved_count(struct store *st, const struct actor *a, time_t since, const char *by,
                          int *n, struct berr *e);
int review_get(struct store *st, const struct actor *a, int64_t id, review_fn fn, void *ctx,
               struct berr *e);
enum review_action { REVIEW_ACCEPT, REVIEW_CORRECT, REVIEW_REJECT };
/*
 * Resolves an open item (accept the suggestion, correct with value, or
 * reject the page's field/identity).  BERR_CONFLICT if someone resolved it
 * meanwhile.  The reading's value is updated and the change logged (who,
 * when, before, after).  *page_done = 1 when no item of its page is left
 * open: the caller then lands the page in the same transaction.
 */
int review_resolve(struct store *st, const struct actor *a, int64_t id, enum review_action act,
                   const char *value, int *page_done, int64_t *page_id, struct berr *e);
/*
 * Closes (rejected, by a) every item of a page still open: the page itself
 * was rejected, so nothing on it is left for a nurse.  In the caller's
 * transaction; logged in review_log like a resolution.
 */
int review_close_page(struct store *st, const struct actor *a, int64_t page_id, struct berr *e);
/*
 * Settles an open identity item with subject, as its page's first page
 * was settled (intake or a nurse): review_resolve's correct, for an
 * account with intake or review.  BERR_INVALID for an item of another kind.
 */
int review_follow_identity(struct store *st, const struct actor *a, int64_t id, const char *subject,
                           int *page_done, int64_t *page_id, struct berr *e);
/*
 * Reopens the settled reading field of a page for a nurse (review): its
 * item (or a new one, for a reading settled at intake) is open again with
 * the value as it stood as its suggestion, the reading waits for review,
 * and a landed page is queued again (its record keeps what it had until
 * the page lands again).  reason is required.  Logged in review_log
 * ('reopened', before, reason) and audited (review.reopen).  An item still
 * open is returned as it is.  Identity and issue items cannot be reopened
 * (BERR_INVALID).  Its own transaction (or the caller's).
 */
int review_reopen(struct store *st, const struct actor *a, int64_t page_id, const char *field,
                  const char *reason, int64_t *item_id, struct berr *e);
/* Writes reason on the item's latest review_log row (a correction after a reopen). */
int review_log_reason(struct store *st, int64_t item_id, const char *reason, struct berr *e);
/* The open identity item of a page: 1 and *item_id, or 0 when it has none. */
int review_open_identity(struct store *st, int64_t page_id, int64_t *item_id, struct berr *e);
/* Open items of a page (0 = page complete). */
int review_open_count(struct store *st, int64_t page_id, int *n, struct berr *e);

/* ---- people not in the resident master (住登外) ------------------------------ */

/*
 * Registers a person who is not in the resident master (a mother who lives
 * here but is registered elsewhere), only ever by a nurse's decision: needs
 * records.write and a reason; audited.  id_out gets "U" + 9 digits, a key
 * no 宛名番号 can be.
 */
int unregistered_add(struct store *st, const struct actor *a, const char *name, const char *kana,
                     struct ymd birth, const char *address, const char *reason, char id_out[16],
                     struct berr *e);
/* 1 if id is a registered 住登外 person, 0 if not. */
int unregistered_exists(struct store *st, const char *id, struct berr *e);

/* ---- landing: the records pages become ------------------------------------- */

enum record_kind { REC_CHECKUP, REC_PREGNANCY, REC_VOUCHER, REC_REFERRAL, REC_VISIT };
const char *record_kind_name(enum record_kind k);    /* "checkup" ... */
/*
 * The record the pages of one issued document land in (both pages of a
 * 問診票・健診票 share an issue id): found by issue id, or created for person.
 * A referral result is never created: BERR_NOTFOUND if no referral has that
 * issue id.  Needs intake or review.  An empty issue_id (a form without a
 * 発行番号: a checkup or a 妊娠届) always creates a record with none.
 */
int record_for_issue(struct store *st, const struct actor *a, enum record_kind kind,
                     const char *issue_id, const char *person, const char *form, int64_t page_id,
                     int64_t *id, int *created, struct berr *e);
/*
 * Where a page of a form without a 発行番号 lands: the person's newest
 * checkup (of form) or 妊娠届 without one that has a page of the same batch
 * and not yet this page_no (its other page, whichever landed first): 1 and
 * *id, or 0 when there is none (the page makes a record of its own).
 */
int record_loose_find(struct store *st, enum record_kind kind, const char *person, const char *form,
                      int64_t batch_id, int page_no, int64_t *id, struct berr *e);
/*
 * Sets "table.column" of the record to a canonical value (NULL = blank).
 * Only the columns of the landing tables are accepted (definitions name
 * them; anything else is refused, never put into SQL); *_answers columns
 * go to the answers table by field name.  Columns that name the person
 * (pregnancies.mother_name/_kana/_address/mynumber) are skipped: the
 * resident master holds them.
 */
int record_set(struct store *st, enum record_kind kind, int64_t id, const char *column,
               const char *value, struct berr *e);
/*
 * The dental row (table dental) of checkup checkup_id, read from page_id:
 * created with the checkup's person and form, or, when the 健診票 is read
 * again, moved to this page.  Call before the page's values are set: the
 * "dental.*" columns of a definition land in it (record_set).
 */
int record_dental_begin(struct store *st, int64_t checkup_id, int64_t page_id, struct berr *e);
/*
 * After the page's values are set: the checkup's 実施日 and the dental
 * items kept in the checkup row too (むし歯の本数, 歯の汚れ, フッ化物塗布:
 * checkups.dental_*, which the statistics count) copied into the dental row.
 */
int record_dental_finish(struct store *st, int64_t checkup_id, struct berr *e);
/*
 * The follow-up of a landed 新生児聴覚検査費用助成券 (voucher voucher_id, read
 * from page_id): with a リファー in either ear, the baby - the child a nurse
 * named on the page's "(子)" review item, else the one child (続柄 子,
 * resident) of the mother's 世帯 born most recently, 0 to 180 days before
 * the 検査日 - gets a checkup row (form choukaku_jushinken, result
 * yoseimitsu, targets mimi, findings the ears) that `referrals issue` turns
 * into a 精密検査依頼 (耳鼻咽喉科); the voucher keeps the child and the row.
 * Landed again (a nurse's correction), the row follows the voucher; with no
 * リファー any more it is removed unless its referral was already issued.
 * BERR_NOTFOUND with a Japanese message naming the candidates when the baby
 * cannot be decided (no child, twins, a 住登外 mother): a nurse names it.
 */
#define HEARING_CHILD_FIELD "(子)"
int voucher_hearing_follow(struct store *st, const struct actor *a, int64_t voucher_id,
                           int64_t page_id, struct berr *e);
/*
 * Checks that child (a 宛名番号 a nurse typed) can be the baby of the
 * 新生児聴覚検査 on page_id: a resident of the mother's 世帯 (when she is a
 * resident) born on or before the 検査日 and at most a year before it.
 */
int voucher_hearing_child_check(struct store *st, int64_t page_id, const char *child,
                                struct berr *e);

/* ---- 支援措置 (shien.c) and personal CSVs (export.c) ------------------------ */

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

/* ---- backup and restore (backup.c) ----------------------------------- */

/*
 * A backup file: a 64-byte header in clear (magic "BOSHIBK1", the argon2id
 * cost, its salt, the secretstream header), then XChaCha20-Poly1305
 * secretstream messages of up to 64 KiB each (4-byte length + ciphertext),
 * the last tagged FINAL.  The key is derived from a passphrase
 * (crypto_pwhash, argon2id), never from the site key.  Inside: the
 * database copy, the site key (and the earlier keys of a rotation, for the
 * access log), and the original scans of <db>.scans/.
 */
#define BACKUP_PASSPHRASE_MIN 12     /* bytes */
struct backup_report {
    int64_t db_bytes;        /* the consistent copy of the database */
    int64_t file_bytes;      /* the encrypted file */
    long scans;              /* original scans carried */
    int64_t audit_seq;       /* last access-log entry in the copy */
    double seconds;
};
/*
 * Writes an encrypted backup of the open store to path: an online copy
 * (SQLite's backup API, in steps, inside one read snapshot: intake and the
 * web UI keep writing), written to path.tmp, fsynced and renamed, so a
 * killed backup never leaves a file under path.  Refuses an existing path.
 * Needs PERM_BACKUP; one audit entry (no personal data).  Must be called
 * outside a transaction.
 */
int backup_write(struct store *st, const struct actor *a, const char *path, const char *passphrase,
                 struct backup_report *rep, struct berr *e);
struct restore_report {
    int64_t db_bytes;
    long scans;              /* original scans written (the ones not there already) */
    int64_t audit_checked;   /* access-log entries whose link verified */
    double seconds;
};
/*
 * Restores backup file path as the store target (with target.key): decrypts
 * into target.tmp, checks the database and its access-log chain, and only
 * then renames.  A file that fails authentication (tampered, cut short,
 * wrong passphrase) or whose chain does not verify is refused and nothing
 * is left behind.  An existing store or key at target is refused unless
 * force.  os_user names the restore in the restored store's access log.
 */
int backup_restore(const char *path, const char *target, const char *passphrase, int force,
                   const char *os_user, struct restore_report *rep, struct berr *e);

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
