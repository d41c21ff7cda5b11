/*
 * review: the nurses' web UI for the review queue (issue 7), served by boshi
 * itself with libmicrohttpd, and the resolution of one review item that the
 * CLI (`boshi review accept|correct|reject`) and the web UI share.
 *
 * Public functions:
 *   resolution (resolve.c)
 *     review_item_get()     one item with its strings copied (audited view)
 *     review_item_check()   a value checked against the item's field, canonical
 *     review_item_apply()   check + resolve + land the page, one transaction
 *     review_item_edit()    reopen a settled reading, change it, land again, one transaction
 *   server (server.c)
 *     review_server_start() listen and serve; review_server_port(); review_server_stop()
 *     review_set_clock()    the clock sessions and lockout use (tests move it)
 *
 * Nothing here prints.  The server logs nothing (no person's data, no 個人番号).
 */
#ifndef BOSHI_REVIEW_H
#define BOSHI_REVIEW_H

#include <stdint.h>
#include <time.h>

#include "intake/intake.h"
#include "records/pages.h"
#include "records/review.h"

/* ---- resolution ------------------------------------------------------- */

/* A review item with its strings copied out of the store's row. */
struct review_item {
    struct review_row r;          /* string pointers point into the fields below */
    char field[64], kind[16], reason[512], suggested[OCR_TEXT_MAX], status[16], value[OCR_TEXT_MAX],
        form[40], subject[40], source[512], batch[96];
};

/* The item by id (review_get: needs review, audited as review.show). */
int review_item_get(struct store *st, const struct actor *a, int64_t id, struct review_item *out,
                    struct berr *e);

/*
 * Checks value for the item's field and writes its canonical form into out:
 * an identity is a 宛名番号 that must exist (an audited view) or a registered
 * 住登外 id ("U" + 9 digits); a field value
 * is parsed against the form definition (forms_value_parse); rules and
 * issues take the value as given.
 */
int review_item_check(struct store *st, const struct actor *a, const struct forms_registry *forms,
                      const struct review_item *x, const struct page_row *pg, const char *value,
                      char *out, size_t n, struct berr *e);

struct review_outcome {
    int page_done;                /* the page's last item: its record landed */
    int64_t page_id;
    char value[OCR_TEXT_MAX];     /* the canonical value stored ("" for none) */
};

/*
 * Resolves item x: accept (its suggestion, checked), correct (value,
 * checked) or reject (blank; for an identity item the page is rejected).
 * In one transaction: review_resolve, and when no item of the page is left
 * open, intake_land_page.  BERR_CONFLICT when someone resolved it first;
 * BERR_INVALID when an accepted item has no suggestion or a value does not
 * fit its field (nothing changes).
 */
int review_item_apply(struct store *st, const struct actor *a, const struct forms_registry *forms,
                      const struct review_item *x, enum review_action act, const char *value,
                      struct review_outcome *out, struct berr *e);

/*
 * Changes a settled (or landed) reading: review_reopen, then the new value
 * (NULL or "" = blank) checked and resolved as review_item_apply does, and
 * when nothing else of the page is open the record is landed again, with
 * the cross-field rules checked again; all in one transaction, so a value
 * or a rule refused changes nothing.  reason is required and logged.
 */
int review_item_edit(struct store *st, const struct actor *a, const struct forms_registry *forms,
                     int64_t page_id, const char *field, const char *value, const char *reason,
                     struct review_outcome *out, struct berr *e);

/* ---- server ----------------------------------------------------------- */

struct review_server_opts {
    const char *store_path;       /* the store (its scans are beside it) */
    const struct forms_registry *forms;
    const char *listen;           /* "ADDR:PORT"; NULL = 127.0.0.1:8080; port 0 = any */
    const char *tls_cert_pem;     /* PEM text; NULL = plain HTTP */
    const char *tls_key_pem;
    int insecure;                 /* allow plain HTTP on an address other than loopback */
    int behind_proxy;             /* a TLS reverse proxy (nginx) forwards here: cookies are
                                     Secure even on plain HTTP to loopback, and every
                                     connection comes from the proxy's address, so
                                     max_per_address defaults to max_connections */
    int threads;                  /* requests answered at once, each on a store connection of
                                     its own; 0 = 8 */
    /* connections (each one a thread): 0 = the default */
    int max_connections;          /* open at once; above it the longest waiting is closed (256) */
    int max_per_address;          /* from one client address, likewise (16) */
    int request_timeout;          /* seconds a request may take to arrive whole, and a kept-alive
                                     connection may stay idle (10) */
};

struct review_server;

/*
 * Opens its store connections and starts serving in background threads.
 * Refuses plain HTTP on a non-loopback address unless insecure.
 */
int review_server_start(const struct review_server_opts *o, struct review_server **out,
                        struct berr *e);
/* The port actually bound (useful with port 0). */
uint16_t review_server_port(const struct review_server *s);
/* Stops serving, closes the store; accepts NULL; sets *s to NULL. */
void review_server_stop(struct review_server **s);

/* The clock for idle timeouts and lockouts; NULL restores time(). */
void review_set_clock(time_t (*now)(void));

#define REVIEW_IDLE_SECONDS (15 * 60)

#endif
