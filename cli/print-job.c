/*
 * print-job.c: what every command that prints for people shares (targets,
 * reminders, referrals): the end of the job, where the issue records, the
 * PDF and the CSV list land together or not at all.
 */
#include "cli/cli.h"
#include "reports/reports.h"

#include <unistd.h>

int cli_print_land(struct cli_ctx *c, int64_t run, int issued, struct pdf *pdf,
                   const char *pdf_path, struct csvout **csv, const char *csv_path, struct berr *e)
{
    int rc = print_run_finish(c->st, run, issued, e);

    if (rc == 0 && issued > 0)
        rc = pdf_save(pdf, pdf_path, e);
    if (rc == 0) {
        rc = csvout_close(csv, e);
        if (rc < 0 && issued > 0)
            unlink(pdf_path);
    }
    if (rc < 0) {
        store_rollback(c->st);
        return rc;
    }
    rc = store_commit(c->st, e);      /* rolls back by itself when it fails */
    if (rc < 0) {
        if (issued > 0)
            unlink(pdf_path);
        unlink(csv_path);
    }
    return rc;
}
