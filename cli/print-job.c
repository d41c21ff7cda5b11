/*
 * print-job.c: what every command that prints for people shares (targets,
 * reminders, referrals): the end of the job, where the issue records, the
 * PDF and the CSV list land together or not at all; the sender every letter
 * carries; the CSV list's name beside the PDF.
 */
#include "cli/cli.h"
#include "reports/reports.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_site_load(struct cli_ctx *c, char **name, char **contact, char **address, struct berr *e)
{
    /* no letter goes out with a made-up sender: each of these must be set */
    *name = *contact = *address = NULL;
    if (settings_get(c->st, "site.name", name, e) < 0 ||
        settings_get(c->st, "site.contact", contact, e) < 0 ||
        settings_get(c->st, "site.address", address, e) < 0) {
        free(*name);
        free(*contact);
        free(*address);
        *name = *contact = *address = NULL;
        return e->code ? e->code : BERR_FAIL;
    }
    return 0;
}

char *cli_csv_beside(const char *pdf_path)
{
    size_t n = strlen(pdf_path);
    int strip = n > 4 && strcmp(pdf_path + n - 4, ".pdf") == 0;

    return xasprintf("%.*s.csv", (int)(n - (strip ? 4 : 0)), pdf_path);
}

int cli_print_land(struct cli_ctx *c, int64_t run, int issued, struct pdf *pdf,
                   const char *pdf_path, struct csvout **csv, const char *csv_path, struct berr *e)
{
    return cli_print_land_pdfs(c, run, issued, &pdf, &pdf_path, 1, csv, csv_path, e);
}

int cli_print_land_pdfs(struct cli_ctx *c, int64_t run, int issued, struct pdf *const *pdfs,
                        const char *const *pdf_paths, int n_pdfs, struct csvout **csv,
                        const char *csv_path, struct berr *e)
{
    int rc = print_run_finish(c->st, run, issued, e), saved = 0;

    for (; rc == 0 && issued > 0 && saved < n_pdfs; saved++)
        rc = pdf_save(pdfs[saved], pdf_paths[saved], e);
    if (rc < 0)
        saved--;          /* the one that failed left nothing behind */
    if (rc == 0)
        rc = csvout_close(csv, e);
    if (rc < 0) {
        for (int i = 0; i < saved; i++)
            unlink(pdf_paths[i]);
        store_rollback(c->st);
        return rc;
    }
    rc = store_commit(c->st, e);      /* rolls back by itself when it fails */
    if (rc < 0) {
        for (int i = 0; issued > 0 && i < n_pdfs; i++)
            unlink(pdf_paths[i]);
        unlink(csv_path);
    }
    return rc;
}
