/*
 * print-job.c: what every command that prints for people shares (targets,
 * reminders, referrals): the end of the job, where the issue records, the
 * PDF and the CSV list land together or not at all; the sender every letter
 * carries; the CSV list's name beside the PDF; whether the personal CSV may
 * be written (export.personal and --reason) and its access-log entry with
 * the file's digest; the address cells of a list (支援措置: never shown).
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

int cli_personal_csv(struct cli_ctx *c, const char *reason, const char *csv_path)
{
    struct berr e;

    berr_clear(&e);
    if (export_personal_allowed(&c->actor, reason, &e) == 0)
        return 1;
    fprintf(c->err, "boshi: 注意: 一覧 CSV (%s) は書き出しません: %s。印刷用 PDF は作成します\n",
            csv_path, e.msg);
    return 0;
}

int cli_csv_export_log(struct cli_ctx *c, const struct cli_csv_export *x, const char *csv_path,
                       long rows, struct berr *e)
{
    char sha[65];

    return export_personal_logged(c->st, &c->actor, x->function, csv_path, x->what, rows,
                                  x->reason, sha, e);
}

int cli_shien(const struct resident *r, const struct resident *guardian)
{
    return r->shien || (guardian != NULL && guardian->shien);
}

void cli_list_address(const struct resident *r, const struct resident *guardian,
                      const char **postal, const char **address, const char **katagaki)
{
    if (cli_shien(r, guardian)) {
        *postal = "";
        *address = SHIEN_ADDRESS_TEXT;
        *katagaki = "";
        return;
    }
    *postal = r->postal;
    *address = r->address;
    *katagaki = r->katagaki;
}

int cli_print_land(struct cli_ctx *c, int64_t run, int issued, struct pdf *pdf,
                   const char *pdf_path, struct csvout **csv, const char *csv_path,
                   const struct cli_csv_export *x, struct berr *e)
{
    return cli_print_land_pdfs(c, run, issued, &pdf, &pdf_path, 1, csv, csv_path, x, e);
}

int cli_print_land_pdfs(struct cli_ctx *c, int64_t run, int issued, struct pdf *const *pdfs,
                        const char *const *pdf_paths, int n_pdfs, struct csvout **csv,
                        const char *csv_path, const struct cli_csv_export *x, struct berr *e)
{
    int rc = print_run_finish(c->st, run, issued, e), saved = 0, csv_written = 0;
    long rows = (long)csvout_rows(*csv) - 1;

    for (; rc == 0 && issued > 0 && saved < n_pdfs; saved++)
        rc = pdf_save(pdfs[saved], pdf_paths[saved], e);
    if (rc < 0)
        saved--;          /* the one that failed left nothing behind */
    if (rc == 0 && *csv != NULL) {
        rc = csvout_close(csv, e);
        csv_written = rc == 0;
        /* the entry names the bytes as written, in the job's transaction */
        if (rc == 0)
            rc = cli_csv_export_log(c, x, csv_path, rows, e);
    }
    if (rc < 0) {
        for (int i = 0; i < saved; i++)
            unlink(pdf_paths[i]);
        if (csv_written)
            unlink(csv_path);
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
