/*
 * review-internal.h: what the files of review/ share: one request being
 * answered (struct req), the route table's shape, the HTML helpers
 * (html.c), the screens (screen-*.c, queue.c, alerts.c, audit.c; their
 * shared part in screens-internal.h) and the built-in assets (assets.c).
 * Not for: anything outside review/.
 */
#ifndef BOSHI_REVIEW_INTERNAL_H
#define BOSHI_REVIEW_INTERNAL_H

#include <pthread.h>
#include <time.h>

#include "review/review.h"

#define REVIEW_MAX_FORM (64 * 1024)   /* bytes of a POST body */

/* A request's copy of its session (the rows are in the store: records/web.h). */
struct session {
    char token[65];          /* the cookie value: 32 random bytes, hex */
    char csrf[65];           /* the form token of this session */
    char login[64];
    time_t last_seen;
};

struct png_cache_entry {
    int64_t page_id, reading_id;  /* page_id 0: an empty slot */
    void *png;
    size_t len;
    unsigned long used;
    int rendering;                /* being rendered by a request: others wait (cache_done) */
};
#define REVIEW_PNG_CACHE 8
#define REVIEW_DEFAULT_THREADS 8      /* store connections: requests answered at once */
#define REVIEW_MAX_RENDERS 4          /* page images rendered at once, at most (~100 MB each) */

/*
 * The server.  A thread per HTTP connection; a request answers on a store
 * connection it checks out of a small pool.  The mutexes below are
 * short, never nested, and never held across store I/O or rendering.
 */
struct review_server {
    struct MHD_Daemon *d;
    char *store_path;
    const struct forms_registry *forms;
    int tls;
    int secure_cookies;           /* tls, or behind a TLS proxy (--behind-proxy) */
    uint16_t port;
    /* store connections, opened at start; a request checks one out */
    pthread_mutex_t pool_lock;
    pthread_cond_t pool_idle;
    struct store **conns;         /* all nconns */
    struct store **idle;          /* the nidle not in use (a stack) */
    int nconns, nidle;
    /* page images, the last few; rendering is done outside cache_lock */
    pthread_mutex_t cache_lock;
    pthread_cond_t cache_done;    /* a slot's rendering ended */
    pthread_cond_t render_turn;   /* a render ended: another may start */
    struct png_cache_entry cache[REVIEW_PNG_CACHE];
    unsigned long cache_tick;
    int renders, max_renders;     /* being rendered now (under cache_lock), and at most */
    char *cert, *key;
    /* the open connections (struct peer), under peer_lock; the watcher thread
     * closes the ones waiting too long */
    pthread_mutex_t peer_lock;
    pthread_cond_t peer_wake;
    struct peer *peer_head, *peer_tail;
    int npeers, watcher_started, watcher_stop;
    pthread_t watcher;
    int max_connections, max_per_address, request_timeout;
};

/*
 * One open HTTP connection, as the server watches it (server.c): waiting
 * (for its request to arrive whole: the first one, or the next one on a
 * kept-alive connection) or busy (its request being answered).  A waiting
 * connection is closed when it has waited longer than the request timeout,
 * or when a newer connection needs its place (per address, or in all).
 */
struct peer {
    struct peer *prev, *next;     /* oldest first */
    int fd;
    uint32_t addr;                /* IPv4, network order */
    double since;                 /* monotonic seconds: waiting since */
    int busy, shed;               /* shed: shut down, its close not seen yet */
};
#define REVIEW_DEFAULT_MAX_CONNECTIONS 256
#define REVIEW_DEFAULT_MAX_PER_ADDRESS 16
#define REVIEW_DEFAULT_REQUEST_TIMEOUT 10

struct kv {
    char *k, *v;
};

/* One request and its answer. */
struct req {
    struct review_server *srv;
    struct store *st;             /* the store connection this request uses */
    struct MHD_Connection *conn;
    const char *method, *path;    /* path without the query */
    const char *rest;             /* path after the route's prefix */
    struct session *sess;         /* NULL when not logged in, else &sess_copy */
    struct session sess_copy;     /* this request's copy of its session (the table's slot
                                     may be dropped or reused by another request meanwhile) */
    struct actor actor;           /* valid when sess != NULL */
    struct kv *form;              /* POST fields (application/x-www-form-urlencoded) */
    size_t nform;
    int frag;                     /* answer with the <main> fragment only (JS navigation) */
    /* the answer */
    int status;
    struct buf body;
    const char *ctype;
    void *bin;                    /* binary body (PNG), owned, instead of body */
    size_t bin_len;
    char location[600];
    char cookies[3][256];
    int ncookies;
    int cacheable;                /* built-in assets only; everything else no-store */
};

enum route_flags {
    ROUTE_PUBLIC = 1 << 0,        /* no session needed */
    ROUTE_PREFIX = 1 << 1,        /* path is a prefix; the rest goes to req.rest */
};

struct route {
    const char *method, *path;
    unsigned flags;
    int perm;                     /* enum perm the account needs, or -1 */
    void (*run)(struct req *r);
};

/* The route table (routes.c), ended by a NULL method. */
extern const struct route review_routes[];

/* server.c */
time_t review_now(void);
/* A query (GET) or form (POST) parameter; NULL if absent. */
const char *req_param(struct req *r, const char *name);
/* Redirect (303) to a local path. */
void req_redirect(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void req_set_cookie(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Creates a session for actor (after a login) in the store; sets its cookie.  -1: the store failed. */
int req_session_start(struct req *r, const struct actor *a);
/* Ends the current session; clears its cookie. */
void req_session_end(struct req *r);
/*
 * The PNG of a page (reading outlined), through a small cache shared by all
 * requests; *png is a copy the caller frees.
 */
int req_page_png(struct req *r, const struct page_row *pg, int64_t reading_id, void **png,
                 size_t *len, struct berr *e);
/*
 * next itself when it is the path of a screen of this app (normalised: no
 * "//", backslash, control character, percent-encoded '/' or '\\', scheme
 * or unknown route), else "/".  For the redirect after a login.
 */
const char *req_safe_next(const char *next);
/* 32 random bytes as 64 hex characters. */
void review_random_token(char out[65]);

/* html.c */
void html_esc(struct buf *b, const char *s);
void html_escf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* URL-encodes s into b (for query values). */
void url_esc(struct buf *b, const char *s);
void page_begin(struct req *r, const char *title, const char *screen);
void page_end(struct req *r);
/* A full error page (or fragment) with status. */
void page_error(struct req *r, int status, const char *title, const char *msg);
/* <input type=hidden name=csrf ...> of the session. */
void html_csrf(struct req *r);

/* alerts.c: the EPDS alerts box on top of the queue, one alert and its follow-up form */
void review_alerts_box(struct req *r);
void review_h_alert(struct req *r);
void review_h_alert_post(struct req *r);

/* audit.c: the monthly access-log review (点検) and its 確認済 form */
void review_h_audit(struct req *r);
void review_h_audit_mark(struct req *r);

/* assets.c */
extern const char review_css[];
extern const char review_js[];
extern const char review_icon_svg[];

#endif
