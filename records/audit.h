/*
 * records/audit.h: the access log (audit.c, audit-archive.c) and its
 * monthly review (点検, auditreview.c).  The log is append-only and
 * chained by an HMAC under the site key, so that audit_verify finds any
 * entry changed or removed; old entries move to signed archive files.
 *
 *   log:      audit_append, audit_list, audit_verify, audit_archive,
 *             audit_verify_archive
 *   review:   audit_review_run, audit_review_release, audit_review_mark,
 *             audit_rule_name, audit_rule_label, audit_office_hours_parse
 *
 * The views of people under 支援措置 are listed by audit_flagged_views
 * (records/shien.h).
 * Ownership: an audit_row is borrowed for the call; a struct audit_review
 * filled by audit_review_run owns its strings and findings until
 * audit_review_release.
 */
#ifndef BOSHI_RECORDS_AUDIT_H
#define BOSHI_RECORDS_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "records/accounts.h"

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

#endif
