/*
 * intake-internal.h: what the files of intake/ share and nobody else sees:
 * the batch's run, its tasks and results (batch.c), the review items a page
 * collects (rules.c) and the steps the writer thread takes on each page
 * (settle.c, rules.c, writer.c).  The public API is intake.h.
 */
#ifndef BOSHI_INTAKE_INTERNAL_H
#define BOSHI_INTAKE_INTERNAL_H

#include "intake/intake.h"

#include <pthread.h>

#define MAX_WORKERS 16

struct task {
    char *path;
    char *kept;                /* the checked copy in <store>.scans/ the workers read */
    char sha[65];
    int is_pdf;
    int in_folder;             /* found inside a folder given: never through a symlink */
    int skip;                  /* ignored at the check (unreadable, not a regular file) */
    char refused[512];         /* refused as a whole before keeping: one rejected page */
    int same_as_earlier;       /* the same bytes as an earlier file of this run: skipped */
    int *done_pages;           /* page indexes stored before */
    int n_done;
    int64_t *done_batch;
    /* several intake processes on one batch (records/claims.h), under run.mu: */
    int deferred;              /* 1: another live process reads it; 2: being retried */
    int by_other;              /* finished by another process */
};

struct result {
    size_t task;
    int file_page;
    char sha[65];
    char reject[512];          /* load-level rejection */
    struct page_result res;
    int failed;                /* machinery failure: e holds why */
    int file_end;              /* no page: every page of the task was pushed (claim finished) */
    struct berr e;
    struct result *next;
};

struct ignored {
    char *path, *reason;
};

struct run {
    struct store *st;
    struct ocr_limits lim;
    struct ignored *ign;
    size_t n_ign, a_ign;
    const struct actor *a;
    const struct forms_registry *forms;
    unsigned char key[32];
    unsigned char old_key[32];  /* QR key before the last rotation, when has_old */
    int has_old;
    char old_until[11];         /* "" while the old key is accepted, else its last day */
    int allow_bilevel;          /* intake.allow_bilevel: read black-and-white scans */
    struct task *tasks;
    size_t n_tasks, next_task;
    int workers_left;
    struct result *head, *tail;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct ocr_reader *readers[MAX_WORKERS];
    struct store *claims[MAX_WORKERS];  /* each worker's own connection, for its claims only */
    char me[160];               /* this process as a claim holder: "host pid tag" */
    char host[64];
    int claim_ttl;              /* seconds (intake.claim_seconds) */
    int stop;                   /* the batch failed: workers stop retrying (under mu) */
    int64_t batch;
    struct intake_summary *sum;
    double *ms;
    size_t n_ms, a_ms;
};

/* The review items a page collects while it is settled (rules.c). */
struct items {
    struct review_in v[128];
    char reasons[128][256];
    char suggested[128][OCR_TEXT_MAX];
    size_t n;
};

/* Adds one review item (reason formatted); beyond 128 items, nothing. */
void intake_item(struct items *it, const char *field, const char *kind, int risk,
                 const char *suggested, int reading, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
/* The page's reading of the form field called name, or NULL. */
struct field_result *intake_field_named(struct page_result *res, const char *name);
/* Cross-field rules whose fields are all on this page, on the accepted values (rules.c). */
void intake_check_rules(struct page_result *res, struct items *it);

/* Identity (settle.c): who a page is about; subject gets the 宛名番号 when settled. */
int intake_settle_prefilled(struct run *r, struct page_result *res, struct items *it,
                            char subject[40], struct berr *e);
int intake_settle_notification(struct run *r, struct page_result *res, struct items *it,
                               char subject[40], struct berr *e);

/* The writer thread's one transaction per page (writer.c). */
int intake_store_result(struct run *r, struct result *x, struct berr *e);

/* A scanner PDF's pages as image files in a fresh folder *dir (caller removes it). */
int intake_pdf_pages(const char *path, const char *name, char **dir, struct berr *e);
/* Removes a folder intake_pdf_pages made. */
void intake_rm_dir(const char *dir);

#endif
