/*
 * records/vouchers.h: the vouchers (妊婦健康診査受診券, 産婦健康診査受診券,
 * 新生児聴覚検査費用助成券): the monthly payment to clinics - which uses of
 * a month are paid, how much, which are exceptions held back - and the
 * follow-up of a 新生児聴覚検査 with a リファー (a checkup row that
 * `referrals issue` turns into a 精密検査依頼): vouchers.c.
 *
 *   payment:   vouchers_month, voucher_fees, voucher_sanpu_fees,
 *              voucher_choukaku_fee, voucher_exception_label
 *   hearing:   voucher_hearing_follow, voucher_hearing_child_check
 *
 * Ownership: a voucher_row is borrowed for the call; labels are static.
 */
#ifndef BOSHI_RECORDS_VOUCHERS_H
#define BOSHI_RECORDS_VOUCHERS_H

#include <stdint.h>

#include "records/accounts.h"

/* ---- vouchers (妊婦健康診査受診券) ---------------------------------------- */

/* Why a voucher use is not paid; 0 = paid. */
enum voucher_exception {
    VOUCHER_OK = 0,
    VOUCHER_DUP_ISSUE,          /* a second record of the same 受診券 (issue id) */
    VOUCHER_DUP_KAI,            /* the same 回数 already used in this pregnancy */
    VOUCHER_AFTER_DELIVERY,     /* used after the mother's delivery */
    VOUCHER_NOT_RESIDENT,       /* used after she moved out / died, or not in the master */
    VOUCHER_NO_KAI,             /* no 回数 (not a voucher boshi issued) */
};
const char *voucher_exception_label(enum voucher_exception x);

struct voucher_row {
    int64_t id;
    const char *issue_id;       /* 受診券番号 */
    const char *mother, *name;  /* 宛名番号, 氏名 ("" if not in the master) */
    int kai;                    /* 回数, 0 if unknown */
    const char *used_date, *clinic_code, *clinic_name, *tests;   /* clinic_name "" if unknown */
    long claimed;               /* 請求額 from the voucher, -1 if blank */
    int sanpu;                  /* 1: a 産婦健康診査受診券 (回数 1-2, voucher.sanpu_fees) */
    int choukaku;               /* 1: a 新生児聴覚検査費用助成券 (回数 1-2, voucher.choukaku_fee) */
    const char *hearing_kind;   /* its 検査の別: shokai / kakunin ("" blank) */
    long fee;                   /* 公費負担額 of the 回数 (setting voucher.fees) */
    long pay;                   /* min(claimed, fee) (fee if claimed blank); 0 for an exception */
    enum voucher_exception exception;
    char detail[160];           /* what the exception is about (dates, the other record) */
};
typedef int (*voucher_fn)(const struct voucher_row *v, void *ctx);
/*
 * The vouchers used in year-month, by clinic code then date, each judged:
 *   DUP_ISSUE       another voucher record with the same issue id and a smaller id
 *   DUP_KAI         another voucher of the same mother and 回数 (different issue id)
 *                   used earlier (or the same day with a smaller id) less than 300
 *                   days apart - one pregnancy; the first use is paid
 *   AFTER_DELIVERY  used after the delivery: the birth date of a child (続柄 子) of
 *                   the mother's 世帯 born on or after the day the voucher was issued
 *   NOT_RESIDENT    the mother is not in the master, or her 住民状態 is not 住民 and
 *                   her 異動日 is on or before the day of use
 * Needs reports; one audit entry per mother.
 */
int vouchers_month(struct store *st, const struct actor *a, int year, int month, voucher_fn fn,
                   void *ctx, struct berr *e);
/* The 2 fees (yen) of setting voucher.sanpu_fees (産婦健診 第1回, 第2回). */
int voucher_sanpu_fees(struct store *st, long fees[2], struct berr *e);
/* The fee (yen) of one 新生児聴覚検査 (setting voucher.choukaku_fee). */
int voucher_choukaku_fee(struct store *st, long *fee, struct berr *e);
/* The 14 fees (yen) of setting voucher.fees; BERR_INVALID if malformed. */
int voucher_fees(struct store *st, long fees[14], struct berr *e);

/* ---- 新生児聴覚検査: the follow-up of a リファー ----------------------- */

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

#endif
