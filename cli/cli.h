/*
 * cli.h: the boshi command's shared pieces.  Each subcommand lives in its
 * own file cli/cmd-<name>.c and exports one `const struct cmd_entry`; the
 * table in cli/boshi.c lists them.  The dispatcher does the shared work
 * once: parse the global options, open the store, resolve the account of
 * the invoking OS user and check the command's permission, then map the
 * command's result to the exit code (0 ok, 1 failure, 2 usage).
 * Only cli/ (and review/) talk to people; modules below return errors.
 */
#ifndef BOSHI_CLI_H
#define BOSHI_CLI_H

#include <stdio.h>

#include "base/base.h"
#include "forms/forms.h"
#include "records/records.h"
#include "reports/reports.h"

enum cmd_needs {
    NEED_STORE = 1 << 0,     /* open the store (it must exist) */
    NEED_ACCOUNT = 1 << 1,   /* resolve the OS user's account; refuse if none */
};

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

struct cli_ctx {
    const char *db_path;        /* --db, $BOSHI_DB, or ./boshi.db */
    struct store *st;           /* open when the entry needs NEED_STORE */
    struct actor actor;         /* valid when the entry needs NEED_ACCOUNT */
    const struct cmd_entry *cmd;
    FILE *out, *err;
};

struct cmd_entry {
    const char *name;           /* "residents import" */
    const char *usage;          /* arguments after the name */
    const char *summary;        /* one line, Japanese / English */
    const char *help;           /* longer help text (options), may be NULL */
    unsigned needs;             /* enum cmd_needs */
    int perm;                   /* enum perm required, or -1 */
    int (*run)(struct cli_ctx *c, int argc, char **argv);  /* argv[0] = name */
};

/* Prints the entry's usage to stderr; returns EXIT_USAGE. */
int cli_usage(struct cli_ctx *c);
/* Prints e's message (prefixed "boshi: ") to stderr; returns EXIT_FAIL or EXIT_USAGE. */
int cli_fail(struct cli_ctx *c, const struct berr *e);
/* printf to stderr with the "boshi: " prefix; returns EXIT_FAIL. */
int cli_errorf(struct cli_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 if argv has --help or -h (then prints the help to stdout). */
int cli_wants_help(struct cli_ctx *c, int argc, char **argv);
/*
 * The form definitions: $BOSHI_FORMS_DIR, else forms/defs beside the
 * binary's source tree, else the installed share/boshi/defs.  Loaded once;
 * freed at exit.  NULL (message printed) if they cannot be loaded.
 */
const struct forms_registry *cli_forms(struct cli_ctx *c);
/* The form by id (latest version); prints the known ids if unknown. */
const struct forms_form *cli_form(struct cli_ctx *c, const char *id);
struct pdf;
struct csvout;
/*
 * The end of a print job, inside its open transaction: finishes the print
 * run, saves the PDF (when something was issued), writes the CSV list and
 * commits.  Either everything lands, or the transaction is rolled back and
 * neither file is left behind.  The transaction is closed on return.
 */
/* A personal CSV's access-log entry: function ("targets.csv"), what it is, the --reason. */
struct cli_csv_export {
    const char *function, *what, *reason;
};
/*
 * *csv NULL: the job writes no CSV (cli_personal_csv said why); otherwise
 * the CSV is written and its access-log entry (x, with the file's sha256)
 * goes into the same transaction.
 */
int cli_print_land(struct cli_ctx *c, int64_t run, int issued, struct pdf *pdf,
                   const char *pdf_path, struct csvout **csv, const char *csv_path,
                   const struct cli_csv_export *x, struct berr *e);
/* cli_print_land for a job that writes several PDFs (all saved, or none). */
int cli_print_land_pdfs(struct cli_ctx *c, int64_t run, int issued, struct pdf *const *pdfs,
                        const char *const *pdf_paths, int n_pdfs, struct csvout **csv,
                        const char *csv_path, const struct cli_csv_export *x, struct berr *e);
/*
 * 1 if the job may write its personal CSV (export.personal and a reason);
 * else 0, having said on stderr that the CSV is not written (the PDF is).
 */
int cli_personal_csv(struct cli_ctx *c, const char *reason, const char *csv_path);
/* The access-log entry of a personal CSV written at csv_path (rows: data rows). */
int cli_csv_export_log(struct cli_ctx *c, const struct cli_csv_export *x, const char *csv_path,
                       long rows, struct berr *e);
/*
 * The postal code, address and 方書 cells of a list row for r (and the
 * guardian a letter goes to, may be NULL): under 支援措置,
 * SHIEN_ADDRESS_TEXT and blanks.
 */
struct resident;
/* 1 if r or the guardian (may be NULL) is under 支援措置: no address, no 町名 on a list. */
int cli_shien(const struct resident *r, const struct resident *guardian);
void cli_list_address(const struct resident *r, const struct resident *guardian,
                      const char **postal, const char **address, const char **katagaki);
/*
 * The sender on every letter (site.name, site.contact, site.address): all
 * three, caller frees, or a message saying which setting is missing and
 * all three NULL.
 */
int cli_site_load(struct cli_ctx *c, char **name, char **contact, char **address, struct berr *e);
/* "dec.pdf" -> "dec.csv" (a CSV list is written beside its PDF). Caller frees. */
char *cli_csv_beside(const char *pdf_path);
/*
 * Resolves the account of the invoking OS user on c->st into c->actor and
 * checks perm (enum perm, or -1 for none).  Prints why and returns -1 if
 * refused (no account, disabled, grants expired, permission missing).
 */
int cli_account(struct cli_ctx *c, int perm);
/*
 * The site's QR signing key: only for an account that may print forms
 * (forms.print), as every signed page is a form boshi will accept back.
 * Prints why and returns -1 if refused.  Caller wipes key after use.
 */
int cli_qr_key(struct cli_ctx *c, unsigned char key[32]);
/*
 * A stream writing to under with every control character (C0 but LF and
 * TAB, DEL, C1) replaced by U+FFFD (cli/term.c).  The dispatcher wraps
 * stdout and stderr in it, once, before anything is written, so no command
 * writes a control character taken from the store or an argument to a
 * terminal.  It takes over under's buffering (under becomes unbuffered);
 * fflush it to deliver, fclose it at the end (under stays open).
 */
FILE *cli_safe_stream(FILE *under);
/* Prints s then spaces up to display width w (Japanese counts double), and a space. */
void cli_col(FILE *f, const char *s, int w);
/* Parses YYYY-MM-DD or 和暦; prints a message and returns -1 on failure. */
int cli_parse_date(struct cli_ctx *c, const char *opt, const char *s, struct ymd *out);
/* A stored UTC instant ("2026-12-02T21:30:27.305Z") in Japan time: "令和8年12月3日 06:30:27". */
void cli_instant_jst(const char *iso, char *out, size_t n);
/* Appends s with every ISO date (YYYY-MM-DD) and month (YYYY-MM) in it written in 和暦. */
void cli_dates_wareki(const char *s, struct buf *out);
/* An ISO date as people read it ("令和8年12月3日"); anything else copied as is. */
void cli_iso_wareki(const char *iso, char *out, size_t n);
/* "令和8年12月" (元年 as such) for a month people read. */
void cli_month_label(int y, int m, char *out, size_t n);
/* --month YYYY-MM (2000-2100); prints a message and the usage and returns -1 on failure. */
int cli_parse_month(struct cli_ctx *c, const char *s, int *y, int *m);
/* --encoding of a CSV written (utf-8 with BOM, or cp932); prints and returns -1 otherwise. */
int cli_parse_encoding(struct cli_ctx *c, const char *s, enum csvout_encoding *out);

#endif
