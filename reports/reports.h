/*
 * reports: what boshi prints.  Built on reports/pdf.h (mm drawing over
 * libharu) and the form definitions of forms/.
 *
 * Public functions:
 *   formprint_form()   one form (all its pages) blank or pre-filled, with the
 *                      registration marks and a signed QR on every page
 *   formprint_source() the text a `printed` field shows for a fill
 *   letter_annai()     a 健診案内 letter laid out for a 長3 window envelope
 *   csvout_*()         CSV twins of printed lists (UTF-8 with BOM, or CP932)
 *
 * Never printed: a 個人番号.  struct form_fill has no place for one, so no
 * caller can pass it by mistake.
 */
#ifndef BOSHI_REPORTS_H
#define BOSHI_REPORTS_H

#include "base/base.h"
#include "forms/forms.h"
#include "reports/pdf.h"

/* What a pre-filled form shows; strings are borrowed for the call. */
struct form_fill {
    const char *subject;        /* 宛名番号 signed into the QR; NULL = blank form */
    const char *issue_id;       /* 発行番号 in the QR; NULL = none */
    const char *name, *kana;    /* subject.name, subject.kana */
    struct ymd birth;           /* subject.birth (y == 0: left blank) */
    const char *guardian;       /* subject.guardian */
    const char *jushin_no;      /* issue.jushin_no */
    struct ymd checkup_date;    /* issue.checkup_date */
    const char *checkup_time;   /* issue.checkup_time */
    const char *venue;          /* issue.venue */
    int voucher_kai;            /* voucher.kai (1..14), 0 = none */
};

/*
 * Adds f->pages pages to p: marks, QR (form, version, page/pages, subject,
 * issue, HMAC under key), title, every field's boxes and labels, and the
 * printed fields filled from fill (NULL: a blank form).
 */
int formprint_form(struct pdf *p, const struct forms_form *f, const struct form_fill *fill,
                   const unsigned char key[32], struct berr *e);
/* Pages first..last (from 1, clamped) of the form, as formprint_form draws them. */
int formprint_form_pages(struct pdf *p, const struct forms_form *f, const struct form_fill *fill,
                         const unsigned char key[32], int first, int last, struct berr *e);
/*
 * Adds a blank page (with a small note saying why) when the document has
 * an odd number of pages, so that each person's set ends on an even page
 * and duplex printing never puts two people on one sheet.
 */
int formprint_pad_even(struct pdf *p, struct berr *e);
/* Appends the text a printed field with `source` shows (empty if unknown). */
void formprint_source(const char *source, const struct form_fill *fill, struct buf *out);

/* The letter's facts; strings borrowed. */
struct letter_annai {
    const char *checkup_title;  /* "乳児健康診査（3〜4か月児）" */
    const char *form;           /* form id, to choose the list of things to bring */
    const char *postal, *address, *katagaki, *guardian;   /* the window */
    const char *child_name, *child_kana;
    struct ymd child_birth;
    struct ymd checkup_date;
    const char *checkup_time, *venue, *jushin_no, *issue_id;
    struct ymd issued_on;
    const char *site_name, *site_address, *site_contact;
};
/* One A4 page; the address block sits in the window of a 長3 envelope. */
int letter_annai(struct pdf *p, const struct letter_annai *l, struct berr *e);

/*
 * What every letter to a family shares (健診案内, 受診勧奨, 精密検査依頼書):
 * the address block in the 長3 window (〒, address, building, "<guardian> 様"
 * and the child it is about) and the sender beside it.  Strings borrowed.
 */
struct letter_head {
    const char *postal, *address, *katagaki, *guardian, *child_name;
    struct ymd issued_on;
    const char *site_name, *site_address;
};
void letter_head(struct pdf *p, const struct letter_head *h);
/* One labelled row of a letter's details table at y (mm); returns the next row's y. */
double letter_row(struct pdf *p, double y, const char *label, const char *value, double h);

/* A CSV file written atomically at close (temp file + rename). */
struct csvout;
enum csvout_encoding { CSVOUT_UTF8_BOM, CSVOUT_CP932 };
int csvout_open(struct csvout **out, const char *path, enum csvout_encoding enc, struct berr *e);
/*
 * Appends one row of n fields (NULL = empty), quoted as RFC 4180 needs.  A
 * field Excel would take for a formula (csvout_formula_like) is written
 * with a leading apostrophe, so that it is shown as the text it is.
 */
void csvout_row(struct csvout *c, const char *const *fields, size_t n);
/*
 * 1 if a cell starting like s would be run by a spreadsheet: its first
 * character is = + - @ TAB CR LF or a full-width ＝ ＋ － ＠, and it is not
 * a plain number (-3, +1.5).  reports/README.md "CSV files".
 */
int csvout_formula_like(const char *s);
/* Writes the file; frees c and sets *c to NULL either way. */
int csvout_close(struct csvout **c, struct berr *e);
/* Rows written so far, the header included (0 for NULL: csvout_row ignores a NULL c). */
size_t csvout_rows(const struct csvout *c);
void csvout_abandon(struct csvout **c);

#endif
