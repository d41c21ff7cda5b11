/*
 * records/claims.h: which intake process reads which scanned file, so that
 * several `boshi intake` processes (on one machine or, with a shared store,
 * on several) take in one batch together without reading a file twice.
 *
 * A claim is one row per file (its sha256): the worker holding it and until
 * when (Unix seconds).  A worker takes a file that nobody holds, whose claim
 * has expired, or whose holder is known dead (the caller's holder_dead says
 * so: intake checks a process on its own host); it renews the claim as it
 * reads, and marks the file finished in the transaction that stores the
 * file's last page.  A worker killed mid-file leaves a claim that expires
 * or whose process is gone; the next worker takes the file and reads only
 * its pages not yet stored (pages.sha256 is unique per file and page, so a
 * page is never stored twice whatever happens).
 * Implemented in records/claims.c.  Errors: struct berr (base/base.h).
 */
#ifndef BOSHI_RECORDS_CLAIMS_H
#define BOSHI_RECORDS_CLAIMS_H

#include <time.h>

#include "records/store.h"

enum claim_state {
    CLAIM_TAKEN = 1,        /* the caller holds it now (new, expired, dead holder, or its own) */
    CLAIM_HELD = 2,         /* another live worker holds it: try again later */
    CLAIM_FINISHED = 3,     /* every page of it was stored by a worker: nothing to read */
};

/* 1 if the worker named holder is known to be dead (its claim can be taken at once). */
typedef int (*claim_dead_fn)(const char *holder, void *ctx);

/*
 * Takes file_sha for worker me until now + ttl seconds, if it can: returns
 * one of enum claim_state (> 0) or a BERR_* code (< 0).  Its own
 * transaction (BEGIN IMMEDIATE): two workers never both get CLAIM_TAKEN.
 */
int claim_take(struct store *st, const char *file_sha, const char *me, time_t now, int ttl,
               claim_dead_fn holder_dead, void *ctx, struct berr *e);

/* Extends me's claim on file_sha to now + ttl (nothing if another took it). */
int claim_renew(struct store *st, const char *file_sha, const char *me, time_t now, int ttl,
                struct berr *e);

/*
 * Marks file_sha finished by me: in the caller's transaction (the one that
 * stores the file's last page), or on its own when none is open.
 */
int claim_finish(struct store *st, const char *file_sha, const char *me, struct berr *e);

#endif
