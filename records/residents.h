/*
 * records/residents.h: the people the office serves.  The resident master
 * (住民記録: import of the municipality's CSV, one resident, the 個人番号
 * revealed, matching by kana, name, birth, address or 個人番号) in
 * residents.c and residents-find.c, and the people who live here but are
 * not in it (住登外) in unregistered.c.
 *
 *   residents: residents_import, residents_get, residents_reveal_mynumber,
 *              residents_find, resident_release, candidates_free,
 *              resident_fits_form, resident_status_label, resident_idou_label
 *   住登外:     unregistered_add, unregistered_exists
 *
 * A 個人番号 is stored encrypted and shown masked; residents_reveal_mynumber
 * is the one way to the plain number.
 * Ownership: the strings of a struct resident filled here are its own,
 * freed by resident_release; candidates from residents_find by
 * candidates_free; labels are static.
 */
#ifndef BOSHI_RECORDS_RESIDENTS_H
#define BOSHI_RECORDS_RESIDENTS_H

#include <stddef.h>

#include "records/accounts.h"

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

#endif
