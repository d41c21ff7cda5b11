/*
 * testlib: helpers shared by the Check test programs.
 *  - tl_tmpdir():     a fresh private directory under $TMPDIR for one test
 *  - tl_run():        run ./boshi (or any program) with arguments and stdin,
 *                     capturing stdout, stderr and the exit code
 *  - tl_read_file(), tl_write_file(), tl_file_contains()
 *  - tl_main():       run a Check suite; tl_sql_long(), tl_sql_text(): a value from a store
 *  - tl_boshi_must(), tl_issues_csv(), tl_pdftotext(): template stores, scans, PDFs
 * Not for: production code; tests only.
 */
#ifndef BOSHI_TESTLIB_H
#define BOSHI_TESTLIB_H

#include <check.h>
#include <stddef.h>

struct tl_result {
    int status;       /* exit code, or 128+signal */
    char *out, *err;  /* NUL-terminated, caller frees via tl_result_free */
};

/* Creates a new directory; caller frees the string (the directory stays). */
char *tl_tmpdir(void);
/* Removes a directory tree created by tl_tmpdir. */
void tl_rmtree(const char *dir);
/* Path of the boshi binary under test ($BOSHI_BIN or ./boshi). */
const char *tl_boshi(void);
/* Path of the source tree ($BOSHI_SRC or "."). */
const char *tl_src(void);
/*
 * Runs argv[0] with argv (NULL-terminated); input (may be NULL) is fed on
 * stdin; extra_env (may be NULL) is a NULL-terminated list of "K=V" added.
 */
int tl_run(struct tl_result *r, const char *input, const char *const *extra_env,
           const char *const *argv);
/* Convenience: runs tl_boshi() --db DB args... (NULL-terminated varargs). */
int tl_boshi_run(struct tl_result *r, const char *db, const char *input, ...);
void tl_result_free(struct tl_result *r);

char *tl_read_file(const char *path, size_t *len);   /* caller frees; NULL if absent */
int tl_write_file(const char *path, const void *data, size_t len);
/* 1 if the file's bytes contain needle (binary search of raw bytes). */
int tl_file_contains(const char *path, const void *needle, size_t n);
/* Returns a path inside dir; caller frees. */
char *tl_path(const char *dir, const char *name);

/* Runs the suite (Check's own summary line printed); returns the exit code. */
int tl_main(Suite *s);
/* The first column of the first row of sql on a store file (-1 if none). */
long tl_sql_long(const char *db, const char *sql);
/* Runs sql (several statements allowed) on a store file; fails the test with SQLite's message. */
void tl_sql_exec(const char *db, const char *sql);
/*
 * A PDF the readers accept without a word: pdftotext, pdffonts and pdfinfo
 * (poppler) exit 0 with nothing on stderr, and `qpdf --check` finds no
 * error or warning.  Fails the test naming the tool and what it said.
 */
void tl_pdf_clean(const char *pdf);

/*
 * Runs boshi --db DB with the arguments (NULL-terminated) and input on
 * stdin; exits the program naming the command when it fails.  For
 * building a template store before the tests run, where ck_assert cannot.
 */
void tl_boshi_must(const char *db, const char *input, ...);
/* The first column of the first row of sql as text into out ("" if none); exits on an SQL error. */
void tl_sql_text(const char *db, const char *sql, char *out, size_t n);
/* The issued forms of form (seq 0: every 回数) as the CSV `demo scan --from-issues` takes. */
void tl_issues_csv(const char *db, const char *path, const char *form, int seq);
/* The text of a PDF (pdftotext -layout), after tl_pdf_clean; caller frees. */
char *tl_pdftotext(const char *pdf);
/*
 * Copies the template store NAME of from_dir (its file, its .key and its
 * .scans folder when there is one) into to_dir, for a test that starts
 * from a store built once; returns the copy's path (caller frees).  Exits
 * the program naming the store when the copy fails.
 */
char *tl_store_copy(const char *from_dir, const char *name, const char *to_dir);

#endif
