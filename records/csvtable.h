/*
 * csvtable: one reader for the master files staff bring in as CSV (the
 * resident master, the hospital list): UTF-8 (BOM optional) or CP932,
 * detected or forced; a header row naming the columns in any order; every
 * row kept with the line it starts on; every problem collected as
 * "file:line: 列「…」: reason" (the first 50, then a count), so a bad file
 * is refused whole with all its mistakes listed.  A field holding a control
 * character (C0 including NUL and TAB but not a line break inside quotes, DEL, C1)
 * is refused with its line and column, so nothing stored can truncate a
 * value or drive a terminal.  No message echoes a run of 12 digits (a
 * 個人番号 in the wrong column).  Internal to records/.
 *
 * Public functions (to records/):
 *   csvtable_read()        read, decode, parse, check the header and widths,
 *                          call the table's validate for every row
 *   csvtable_field()       one field of a row (a NUL-terminated string)
 *   csvtable_error()       add a problem (file, line, column)
 *   csvtable_duplicates()  report rows sharing a value of one column
 *   csvtable_verdict()     BERR_INVALID with the list when anything was wrong
 *   csvtable_release()     free what the table holds (zeroed: it may hold 個人番号)
 */
#ifndef BOSHI_RECORDS_CSVTABLE_H
#define BOSHI_RECORDS_CSVTABLE_H

#include "base/base.h"

#include <stddef.h>

#define CSVTABLE_MAX_COLS 32       /* columns a file may have */
#define CSVTABLE_ROW_COLS 16       /* columns a table may expect (kept per row) */
#define CSVTABLE_MAX_ERRORS 50

/* A data row: the line it starts on and, per expected column, an offset into the arena. */
struct csvtable_row {
    long line;
    size_t f[CSVTABLE_ROW_COLS];
};

struct csvtable {
    /* set by the caller */
    const char *file;                  /* for messages */
    const char *kind;                  /* "住民記録連携ファイル": in header messages */
    const char *const *names;          /* the expected columns, in the order the caller uses */
    int ncols;                         /* at most CSVTABLE_ROW_COLS */
    int nrequired;                     /* columns [nrequired, ncols) may be absent from the
                                          header (read as ""); 0: all are required */
    void (*validate)(struct csvtable *t, const struct csvtable_row *w, void *ctx);
    void *ctx;
    /* filled by csvtable_read */
    const char *encoding;              /* "UTF-8", "UTF-8 (BOM)", "CP932" */
    unsigned char sha256[32];          /* of the file as read */
    struct csvtable_row *rows;
    size_t nrows, arows;
    struct buf arena;                  /* field strings, NUL-separated */
    long nerrs;
    struct buf errs;
    /* the parse in progress */
    int map[CSVTABLE_MAX_COLS], ncols_file, header_done, too_many, ncur;
    size_t cur[CSVTABLE_MAX_COLS];
    size_t hdr[CSVTABLE_MAX_COLS];     /* the file's header cells (arena offsets) */
    long line, row_line;
};

enum csvtable_encoding { CSVTABLE_DETECT, CSVTABLE_UTF8, CSVTABLE_CP932 };

/*
 * Reads path into t (file, kind, names, ncols, validate set by the caller).
 * Returns 0 when the file could be read (problems in it are in t->nerrs:
 * see csvtable_verdict), < 0 when it could not (empty, undecodable).
 */
int csvtable_read(struct csvtable *t, const char *path, enum csvtable_encoding enc, struct berr *e);
const char *csvtable_field(const struct csvtable *t, const struct csvtable_row *w, int col);
void csvtable_error(struct csvtable *t, long line, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Rows sharing a non-empty value of col, naming both lines; secret: do not echo the value. */
void csvtable_duplicates(struct csvtable *t, int col, int secret);
/* 0, or BERR_INVALID naming the file, the count and the listed problems. */
int csvtable_verdict(struct csvtable *t, struct berr *e);
void csvtable_release(struct csvtable *t);

#endif
