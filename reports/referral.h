/*
 * reports/referral.h: what issue 6's follow-up work prints, on top of
 * reports/pdf.h and reports/reports.h:
 *   referral_letter()      精密検査依頼書: one A4 page to the parent (長3 window),
 *                          followed by the caller's seimitsu_houkoku slip
 *   reminder_letter()      受診勧奨: a reminder for a checkup not attended
 *   reports_option_labels() canonical option values -> their printed labels
 *   referral_departments() the 診療科 a referral's targets point to
 *   rtable_*()             a plain landscape list with a repeated header
 *                          (overdue referrals, voucher payments)
 *   vouchers_report_*()    the monthly voucher payment list (PDF)
 * Never printed: a 個人番号 (no struct here has a place for one).
 */
#ifndef BOSHI_REPORTS_REFERRAL_H
#define BOSHI_REPORTS_REFERRAL_H

#include "base/base.h"
#include "forms/forms.h"
#include "reports/pdf.h"

/* The 依頼書's facts; strings borrowed, NULL or "" = not shown. */
struct referral_letter {
    const char *postal, *address, *katagaki, *guardian;  /* the window */
    const char *child_name, *child_kana;
    struct ymd child_birth;
    int child_sex;                  /* 1 男, 2 女 */
    const char *checkup_title;      /* "乳児健康診査（3〜4か月児）" */
    struct ymd exam_date;           /* y == 0: not recorded */
    const char *reason;             /* 精密検査依頼要旨 */
    const char *departments;        /* 受診科 */
    const char *hospital_name, *hospital_department, *hospital_address, *hospital_phone;
    struct ymd issued_on, valid_until;
    const char *referral_no, *issue_id;
    const char *site_name, *site_address, *site_contact;
};
/* One A4 page: address window, the request to the hospital, notes. */
int referral_letter(struct pdf *p, const struct referral_letter *l, struct berr *e);

struct reminder_letter {
    const char *checkup_title, *form;
    const char *postal, *address, *katagaki, *guardian;
    const char *child_name, *child_kana;
    struct ymd child_birth;
    const char *month_label;        /* "令和8年10月" - the month the checkup was */
    const char *issue_id;           /* of this reminder */
    struct ymd issued_on;
    const char *site_name, *site_address, *site_contact;
};
/* One A4 page laid out like the 健診案内 (長3 window envelope). */
int reminder_letter(struct pdf *p, const struct reminder_letter *l, struct berr *e);

/*
 * Appends the labels of the options of the field of f that lands in
 * `column` ("checkups.findings") for canonical values "a,b" joined by sep;
 * unknown values are appended as they are.
 */
void reports_option_labels(const struct forms_form *f, const char *column, const char *values,
                           const char *sep, struct buf *out);
/* The departments a referral's targets ("me,mimi") point to: "眼科・耳鼻咽喉科". */
void referral_departments(const char *targets, struct buf *out);

/* ---- a landscape list -------------------------------------------------------- */

#define RTABLE_MAX_COLS 12
struct rtable {
    struct pdf *p;
    const char *title, *subtitle;
    const char *heads[RTABLE_MAX_COLS];
    double widths[RTABLE_MAX_COLS];     /* mm; total at most 267 */
    int right[RTABLE_MAX_COLS];         /* 1: right-aligned (amounts) */
    int ncols;
    double y;                           /* next row's top; 0 = start a page */
    int pages;
};
/* Starts a table (a new page is added at the first row). */
void rtable_init(struct rtable *t, struct pdf *p, const char *title, const char *subtitle);
void rtable_col(struct rtable *t, const char *head, double width_mm, int right);
/*
 * A row of ncols cells (NULL = empty).  shade 0: plain; 1: a group header,
 * cells[0] across the table; 2: a total, cells[0] right-aligned across all
 * but the last column, cells[ncols-1] in it.
 */
void rtable_row(struct rtable *t, const char *const *cells, int shade);
/* A line of text across the table (a section title); starts a page if needed. */
void rtable_note(struct rtable *t, const char *text);

/* ---- voucher payments ---------------------------------------------------------- */

/* One voucher use as the payment list shows it; strings borrowed. */
struct vouchers_line {
    const char *issue_id, *used_date, *clinic_code, *clinic_name, *name, *tests;
    int kai;
    long claimed, fee, pay;     /* claimed -1: blank */
    const char *exception;      /* NULL or "": paid */
    const char *detail;
};
struct vouchers_totals {
    long paid, paid_yen, exceptions, clinics;
};
/*
 * The payment list: per clinic (lines come ordered by clinic code) the paid
 * uses and a subtotal, the grand total, then the exceptions (not paid).
 */
int vouchers_report_pdf(struct pdf *p, const char *month_label, const struct vouchers_line *l,
                        size_t n, struct vouchers_totals *tot, struct berr *e);

#endif
