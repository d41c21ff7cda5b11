/*
 * reports/auditreview.h: the monthly access-log review (点検) on paper and
 * in CSV - one PDF (A4 landscape: the month's figures, which rules could
 * not be applied and why, then one row per finding with its 確認済 mark)
 * and a CSV twin holding the same rows.  Layout only: the findings come
 * from records (audit_review_run).
 */
#ifndef BOSHI_REPORTS_AUDITREVIEW_H
#define BOSHI_REPORTS_AUDITREVIEW_H

#include "records/audit.h"
#include "reports/reports.h"

struct audit_review_print {
    const char *site_name;   /* settings site.name */
    struct ymd made_on;      /* 作成日 */
};

/* Writes the PDF to pdf_path atomically (mode 0600: it names people by 宛名番号). */
int audit_review_write_pdf(const struct audit_review *r, const struct audit_review_print *pr,
                           const char *pdf_path, struct berr *e);
/* Writes the CSV twin: a header, then the same rows as the PDF's table. */
int audit_review_write_csv(const struct audit_review *r, const char *csv_path,
                           enum csvout_encoding enc, struct berr *e);
/* The rows' cells, shared by the PDF, the CSV and the web screen (times in 和暦, Japan time). */
void audit_review_when(const struct audit_finding *f, char *out, size_t n);

#endif
