/*
 * records/referrals.h: the store side of issue 6's follow-up work - the
 * hospital master (医療機関), referrals for a detailed examination (精密検査)
 * and their tracking, and the children to remind (受診勧奨): hospitals.c
 * and referrals.c.  Same conventions as the rest of records/
 * (records/README.md: every function takes the acting account, checks its
 * permission itself, and audits each person read).  The monthly payment of
 * prenatal vouchers (妊婦健康診査受診券) is in records/vouchers.h.
 *
 * Public functions, by concern:
 *   hospitals: hospitals_import, hospitals_list, hospitals_get, hospital_release
 *   referrals: referrals_due, referrals_due_free, referral_create,
 *              referral_set_issues, referrals_list, referral_valid_months
 *   reminders: reminders_find (children issued a form, not examined)
 *   shared:    household_guardian
 *
 * A referral goes   issued -> (slip lands: result set) -> closed
 *                           \-> past valid_until with no result: overdue
 * The closing is done by the store itself (trigger referrals_close of
 * migration 4) whenever referrals.result is set, so the intake landing
 * (records/landing.c, record_set) closes it without knowing about it.
 *
 * Nothing here prints or holds a 個人番号.
 */
#ifndef BOSHI_RECORDS_REFERRALS_H
#define BOSHI_RECORDS_REFERRALS_H

#include <stddef.h>
#include <stdint.h>

#include "records/targets.h"

/* ---- hospitals (医療機関マスタ) ------------------------------------------ */

struct hospital {
    char code[11];              /* 医療機関コード, 10 digits */
    char *name, *department, *postal, *address, *phone, *fax;   /* owned, never NULL */
};
void hospital_release(struct hospital *h);

struct hospitals_import_report {
    long rows, inserted, updated;
    const char *encoding;
};
/*
 * Loads a hospital CSV (header 医療機関コード,名称,診療科,郵便番号,住所,電話,FAX;
 * UTF-8 with or without BOM, or CP932 detected).  Every row is validated
 * first; a file with any bad row changes nothing and e->msg lists the bad
 * lines (line, column, reason; up to 50).  Rows upsert by code.  Needs
 * reports or records.write; audited.
 */
int hospitals_import(struct store *st, const struct actor *a, const char *path,
                     struct hospitals_import_report *rep, struct berr *e);
typedef int (*hospital_fn)(const struct hospital *h, void *ctx);
/* Every hospital by code.  No personal data: any account may list. */
int hospitals_list(struct store *st, hospital_fn fn, void *ctx, struct berr *e);
/* One hospital; BERR_NOTFOUND if the code is not in the master. Release *out. */
int hospitals_get(struct store *st, const char *code, struct hospital *out, struct berr *e);

/* ---- the household adult a letter goes to --------------------------------- */

/*
 * Fills *guardian with the adult (18+ on `on`, resident) of child's household
 * whose 続柄 is 世帯主, then 妻, then 夫 (the rule of targets_find).  Returns
 * 1 if found (release *guardian), 0 if none, or a negative error.
 */
int household_guardian(struct store *st, const struct resident *child, struct ymd on,
                       struct resident *guardian, struct berr *e);

/* ---- referrals (精密検査) -------------------------------------------------- */

/* A checkup whose 総合判定 is 要精密 and that has no referral yet. */
struct referral_due {
    int64_t checkup_id;
    struct target t;            /* child, guardian (has_guardian), town */
    char form[40];              /* nyuyoji_4m ... */
    struct ymd exam_date;       /* y == 0 if not recorded */
    char *targets;              /* referral_targets, canonical "me,mimi" ("" if none) */
    char *findings;             /* findings, canonical ("" if none) */
    int held;                   /* the caller's: left out for 支援措置 (no release) */
};
/*
 * Checkups with result 'yoseimitsu' and no referral, examined in year-month
 * (year == 0: any date), of children still in the master, ordered by exam
 * date.  Needs records.read; each child listed is audited.  Caller frees
 * with referrals_due_free.
 */
int referrals_due(struct store *st, const struct actor *a, int year, int month,
                  struct referral_due **out, size_t *n, struct berr *e);
void referrals_due_free(struct referral_due *d, size_t n);

/* Months a 依頼書 stays valid (setting referral.valid_months, 1..24). */
int referral_valid_months(struct store *st, int *months, struct berr *e);

/*
 * Creates the referral of a checkup (inside the caller's transaction):
 * *id and the 依頼番号 "R" + 6 digits (referral_no, 16 bytes) out.
 * hospital_code may be NULL (the family chooses).  BERR_CONFLICT if the
 * checkup has a referral already.  Needs records.read and forms.print.
 */
int referral_create(struct store *st, const struct actor *a, int64_t checkup_id,
                    const char *person, const char *targets, const char *hospital_code,
                    struct ymd valid_until, int64_t *id, char referral_no[16], struct berr *e);
/* Links the printed slip (its issue id is what the scanned slip carries) and letter. */
int referral_set_issues(struct store *st, int64_t id, const char *slip_issue_id,
                        const char *letter_issue_id, struct berr *e);

enum referral_filter {
    REFERRALS_ALL,              /* every referral */
    REFERRALS_OPEN,             /* no result yet */
    REFERRALS_OVERDUE,          /* no result and valid_until before `on` */
};
struct referral_row {
    int64_t id, checkup_id;
    const char *referral_no, *person, *name, *kana, *birth, *form, *exam_date, *targets;
    const char *hospital_code, *hospital_name, *issue_id, *valid_until;
    const char *result, *result_date, *created_at, *closed_at;   /* "" when none */
    const char *guardian, *postal, *address, *katagaki;          /* "" when none */
    int status;                 /* the child's 住民状態 (enum resident_status), 0 if absent */
    int days_over;              /* days past valid_until on `on` (overdue), else 0 */
    int shien;                  /* the child or guardian is under 支援措置: postal, address
                                   and katagaki are "" (never on a list) */
};
typedef int (*referral_fn)(const struct referral_row *r, void *ctx);
/*
 * Referrals by filter, oldest first; `on` is the date "overdue" is judged on
 * (y == 0: store_today).  Needs records.read; one audit entry per person.
 */
int referrals_list(struct store *st, const struct actor *a, enum referral_filter f, struct ymd on,
                   referral_fn fn, void *ctx, struct berr *e);

/* ---- reminders (受診勧奨) ------------------------------------------------- */

/*
 * Children issued `form` (kind 'form') for year-month, with no checkup of
 * that form recorded, still resident (住民状態 1): each with its guardian
 * (has_guardian 0: exception), its 町名, and in t->issued the form's issue
 * id.  *reminded[i] (array, may be NULL) holds REMINDER_SENT when a
 * reminder for that form and month was issued already, and REMINDER_PENDING
 * when a page of the child's form came back and is still in review
 * (返送済・確認待ち: such a child is never reminded, never 未提出).  Ordered
 * by 町名, birth date.  Needs targets; each child listed is audited.
 * Caller frees with targets_free and free(*reminded).
 */
enum { REMINDER_SENT = 1, REMINDER_PENDING = 2 };
int reminders_find(struct store *st, const struct actor *a, const char *form, int year, int month,
                   struct target **out, size_t *n, int **reminded, struct berr *e);
/*
 * The pages of `form` still in review (status queued) that may belong to
 * the month's checkup: *pages those issued for year-month, *unknown those
 * whose issue and person are not known yet (an unread QR: anyone's).
 * Needs targets.
 */
int reminders_pending_pages(struct store *st, const struct actor *a, const char *form, int year,
                            int month, int *pages, int *unknown, struct berr *e);

#endif
