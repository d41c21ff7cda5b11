/*
 * server.c: the web UI's HTTP side with libmicrohttpd: listening (plain
 * HTTP on loopback only unless --insecure; HTTPS with GnuTLS when a
 * certificate is given), reading forms, sessions, and the checks every
 * request passes before its handler runs.
 *
 * A request goes:  matched to a route (404 / 405)
 *               -> session from the cookie, looked up in the store (so any
 *                  serve process on the same store answers it); idle
 *                  > 15 min: dropped
 *               -> account re-resolved (actor_for_login): a disabled account
 *                  or expired grants end the session at once
 *               -> no session on a non-public route: to /login (GET) or 401
 *               -> POST: same-origin check and CSRF token (403)
 *               -> the route's permission (403)
 *               -> handler; security headers on every answer.
 *
 * Requests run in parallel: libmicrohttpd gives each HTTP connection a
 * thread, so a quick request never queues behind a page image being
 * rendered for another connection.  A request answers on a store
 * connection it checks out of a pool (--threads of them, 8 by default,
 * opened at start; more requests than that wait for one).  SQLite is in
 * WAL mode, so readers never wait, with a 10 s busy timeout for writers;
 * every path that writes takes the write lock before it reads (BEGIN
 * IMMEDIATE), so a nurse waits for an intake commit instead of seeing
 * "database is locked".  Sessions are rows of the store (records/web.h), a
 * handler works on a copy of its own.  Two short mutexes, never nested and
 * never held across store I/O or rendering: pool_lock (the idle store
 * connections) and cache_lock (page images).  A page image is rendered outside any lock,
 * one per core at a time, 4 at most (each takes about 100 MB); a second
 * request for the same image waits for the first one's instead of
 * rendering it again, and no request holds a store connection while it
 * waits.
 * Connections cannot starve it (issue 11): each open connection is watched
 * (struct peer) as waiting (for its request to arrive whole) or busy (being
 * answered).  A waiting one is closed after --request-timeout seconds (a
 * slowloris socket dripping a byte at a time, an idle socket, a kept-alive
 * connection left idle), and a new connection over --max-per-address (of
 * its address) or --max-connections (in all) closes the one of them that
 * has waited longest instead of being refused: a nurse's connection sends
 * its request at once, so it is never that one, whatever the number of
 * addresses the idle sockets come from.  libmicrohttpd's own limits sit
 * above as a hard ceiling for busy connections.
 * Sessions live in memory: a restart logs everyone out.
 * Not for: the screens (screen-*.c, routes.c).  Logs nothing.
 */
#include "review/review-internal.h"
#include "records/web.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static time_t (*clock_fn)(void);

void review_set_clock(time_t (*now)(void))
{
    clock_fn = now;
}

time_t review_now(void)
{
    return clock_fn ? clock_fn() : time(NULL);
}

void review_random_token(char out[65])
{
    unsigned char b[32];

    randombytes_buf(b, sizeof(b));
    sodium_bin2hex(out, 65, b, sizeof(b));
}

/* ---- per-connection state: the POST body being read ------------------ */

struct conn {
    struct MHD_PostProcessor *pp;
    struct kv *form;
    size_t nform, aform;
    size_t bytes;
    int bad;                 /* too big, or not a form encoding */
};

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *filename, const char *content_type,
                                  const char *transfer_encoding, const char *data, uint64_t off,
                                  size_t size)
{
    struct conn *c = cls;
    struct kv *last = c->nform ? &c->form[c->nform - 1] : NULL;

    if (off > 0 && last != NULL && strcmp(last->k, key) == 0) {
        size_t old = strlen(last->v);
        last->v = xrealloc(last->v, old + size + 1);
        memcpy(last->v + old, data, size);
        last->v[old + size] = '\0';
        return MHD_YES;
    }
    if (c->nform == c->aform) {
        c->aform = c->aform ? 2 * c->aform : 16;
        c->form = xrealloc(c->form, c->aform * sizeof(*c->form));
    }
    c->form[c->nform].k = xstrdup(key);
    c->form[c->nform].v = xstrndup(data ? data : "", size);
    c->nform++;
    return MHD_YES;
}

static void conn_free(struct conn *c)
{
    if (c == NULL)
        return;
    if (c->pp)
        MHD_destroy_post_processor(c->pp);
    for (size_t i = 0; i < c->nform; i++) {
        free(c->form[i].k);
        free(c->form[i].v);
    }
    free(c->form);
    free(c);
}

/* ---- connections: who waits, for how long; the longest waiting goes first ---- */

static double mono_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Closes the connection that has waited longest (of addr, or of any when
 * any_addr), if one waits: shut down here, its thread ends it and
 * on_connection() sees it close.  1 if one was.  Under peer_lock (held
 * also while libmicrohttpd reports the close, before it closes the socket,
 * so fd is still this connection's).
 */
static int shed_oldest(struct review_server *s, int any_addr, uint32_t addr)
{
    for (struct peer *p = s->peer_head; p != NULL; p = p->next)
        if (!p->busy && !p->shed && (any_addr || p->addr == addr)) {
            p->shed = 1;
            if (p->fd >= 0)
                shutdown(p->fd, SHUT_RDWR);
            return 1;
        }
    return 0;
}

/*
 * A connection opened or closed (MHD_OPTION_NOTIFY_CONNECTION, called by
 * libmicrohttpd's listening thread).  A new one counts against its
 * address and the total; above either limit the longest waiting of that
 * address (or in all) is closed, so that idle or slow sockets cannot keep
 * a nurse's login out: hers sends its request at once and is never the
 * one waiting longest.
 */
static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    struct review_server *s = cls;
    struct peer *p;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *fd =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        const union MHD_ConnectionInfo *ca =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
        int same = 0, live = 0;

        p = xcalloc(1, sizeof(*p));
        p->fd = fd ? fd->connect_fd : -1;
        if (ca && ca->client_addr && ca->client_addr->sa_family == AF_INET)
            p->addr = ((const struct sockaddr_in *)(const void *)ca->client_addr)->sin_addr.s_addr;
        p->since = mono_now();
        pthread_mutex_lock(&s->peer_lock);
        p->prev = s->peer_tail;
        if (s->peer_tail)
            s->peer_tail->next = p;
        else
            s->peer_head = p;
        s->peer_tail = p;
        s->npeers++;
        for (struct peer *q = s->peer_head; q != NULL; q = q->next)
            if (!q->shed) {
                live++;
                same += q->addr == p->addr;
            }
        if (same > s->max_per_address && shed_oldest(s, 0, p->addr))
            live--;
        if (live > s->max_connections)
            shed_oldest(s, 1, 0);
        pthread_mutex_unlock(&s->peer_lock);
        *socket_context = p;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && (p = *socket_context) != NULL) {
        pthread_mutex_lock(&s->peer_lock);
        if (p->prev)
            p->prev->next = p->next;
        else
            s->peer_head = p->next;
        if (p->next)
            p->next->prev = p->prev;
        else
            s->peer_tail = p->prev;
        s->npeers--;
        pthread_mutex_unlock(&s->peer_lock);
        free(p);
        *socket_context = NULL;
    }
}

/* The peer of a connection (NULL if not known). */
static struct peer *peer_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return i ? i->socket_context : NULL;
}

/* Marks the connection busy (its request arrived whole) or waiting again (answered). */
static void peer_busy(struct review_server *s, struct MHD_Connection *connection, int busy)
{
    struct peer *p = peer_of(connection);

    if (p == NULL)
        return;
    pthread_mutex_lock(&s->peer_lock);
    p->busy = busy;
    p->since = mono_now();
    pthread_mutex_unlock(&s->peer_lock);
}

/* The watcher: every 200 ms, closes connections that have waited longer than the timeout. */
static void *watcher_main(void *arg)
{
    struct review_server *s = arg;
    struct timespec t;

    pthread_mutex_lock(&s->peer_lock);
    while (!s->watcher_stop) {
        double now = mono_now();
        for (struct peer *p = s->peer_head; p != NULL; p = p->next)
            if (!p->busy && !p->shed && now - p->since > s->request_timeout) {
                p->shed = 1;
                if (p->fd >= 0)
                    shutdown(p->fd, SHUT_RDWR);
            }
        clock_gettime(CLOCK_REALTIME, &t);
        t.tv_nsec += 200 * 1000 * 1000;
        if (t.tv_nsec >= 1000000000L) {
            t.tv_sec++;
            t.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->peer_wake, &s->peer_lock, &t);
    }
    pthread_mutex_unlock(&s->peer_lock);
    return NULL;
}

static void request_completed(void *cls, struct MHD_Connection *connection, void **con_cls,
                              enum MHD_RequestTerminationCode toe)
{
    peer_busy(cls, connection, 0);
    conn_free(*con_cls);
    *con_cls = NULL;
}

/* ---- helpers for handlers ----------------------------------------------- */

const char *req_param(struct req *r, const char *name)
{
    for (size_t i = 0; i < r->nform; i++)
        if (strcmp(r->form[i].k, name) == 0)
            return r->form[i].v;
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

void req_redirect(struct req *r, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->location, sizeof(r->location), fmt, ap);
    va_end(ap);
    r->status = 303;
}

void req_set_cookie(struct req *r, const char *fmt, ...)
{
    va_list ap;

    if (r->ncookies == 3)
        return;
    va_start(ap, fmt);
    vsnprintf(r->cookies[r->ncookies++], sizeof(r->cookies[0]), fmt, ap);
    va_end(ap);
}

/* ---- sessions: rows of the store (records/web.h), a copy in the request ------ */

/*
 * Copies the session of token into *out (1), or says there is none (0).  A
 * session idle too long is dropped here and *timed_out set.  A store error
 * counts as no session (the nurse logs in again), never as a session.
 */
static int session_lookup(struct req *r, const char *token, struct session *out, int *timed_out)
{
    struct web_session w;
    struct berr e;
    int rc;

    berr_clear(&e);
    rc = web_session_find(r->st, token, review_now(), REVIEW_IDLE_SECONDS, &w, timed_out, &e);
    if (rc != 1)
        return 0;
    memset(out, 0, sizeof(*out));
    snprintf(out->token, sizeof(out->token), "%s", w.token);
    snprintf(out->csrf, sizeof(out->csrf), "%s", w.csrf);
    snprintf(out->login, sizeof(out->login), "%s", w.login);
    out->last_seen = w.last_seen;
    sodium_memzero(&w, sizeof(w));
    return 1;
}

/* Ends the session of token (if it is still there). */
static void session_end(struct req *r, const char *token)
{
    struct berr e;

    berr_clear(&e);
    (void)web_session_end(r->st, token, &e);
}

int req_session_start(struct req *r, const struct actor *a)
{
    struct review_server *s = r->srv;
    struct web_session w;
    struct berr e;

    berr_clear(&e);
    if (web_session_start(r->st, a->login, review_now(), REVIEW_IDLE_SECONDS, &w, &e) < 0)
        return -1;
    memset(&r->sess_copy, 0, sizeof(r->sess_copy));
    snprintf(r->sess_copy.token, sizeof(r->sess_copy.token), "%s", w.token);
    snprintf(r->sess_copy.csrf, sizeof(r->sess_copy.csrf), "%s", w.csrf);
    snprintf(r->sess_copy.login, sizeof(r->sess_copy.login), "%s", w.login);
    r->sess_copy.last_seen = w.last_seen;
    sodium_memzero(&w, sizeof(w));
    r->sess = &r->sess_copy;
    r->actor = *a;
    req_set_cookie(r, "boshi_sid=%s; Path=/; HttpOnly; SameSite=Strict%s", r->sess->token,
                   s->secure_cookies ? "; Secure" : "");
    return 0;
}

void req_session_end(struct req *r)
{
    if (r->sess)
        session_end(r, r->sess->token);
    r->sess = NULL;
    sodium_memzero(&r->sess_copy, sizeof(r->sess_copy));
    req_set_cookie(r, "boshi_sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s",
                   r->srv->secure_cookies ? "; Secure" : "");
}

/* ---- store connections: a pool, one checked out per request -------------- */

static struct store *conn_checkout(struct review_server *s)
{
    struct store *st;

    pthread_mutex_lock(&s->pool_lock);
    while (s->nidle == 0)       /* more requests than connections: wait for one */
        pthread_cond_wait(&s->pool_idle, &s->pool_lock);
    st = s->idle[--s->nidle];
    pthread_mutex_unlock(&s->pool_lock);
    return st;
}

static void conn_checkin(struct review_server *s, struct store *st)
{
    pthread_mutex_lock(&s->pool_lock);
    s->idle[s->nidle++] = st;
    pthread_cond_signal(&s->pool_idle);
    pthread_mutex_unlock(&s->pool_lock);
}

/* ---- page images: a small cache under cache_lock, rendering outside it ---- */

/* The slot holding (or rendering) this image, or NULL.  Under cache_lock. */
static struct png_cache_entry *cache_find(struct review_server *s, int64_t page_id,
                                          int64_t reading_id)
{
    for (int i = 0; i < REVIEW_PNG_CACHE; i++) {
        struct png_cache_entry *c = &s->cache[i];
        if (c->page_id == page_id && c->reading_id == reading_id && (c->png || c->rendering))
            return c;
    }
    return NULL;
}

/* The slot to reuse: empty, else the least recently used; never one being rendered. */
static struct png_cache_entry *cache_victim(struct review_server *s)
{
    struct png_cache_entry *v = NULL;

    for (int i = 0; i < REVIEW_PNG_CACHE; i++) {
        struct png_cache_entry *c = &s->cache[i];
        if (c->rendering)
            continue;
        if (c->png == NULL)
            return c;
        if (v == NULL || c->used < v->used)
            v = c;
    }
    return v;
}

int req_page_png(struct req *r, const struct page_row *pg, int64_t reading_id, void **png,
                 size_t *len, struct berr *e)
{
    struct review_server *s = r->srv;
    struct png_cache_entry *c, *slot = NULL;
    struct store *st;
    void *p = NULL, *keep = NULL;
    size_t n = 0;
    int rc = 0, hit = 0;

    *png = NULL;
    *len = 0;
    /* waiting (for another request's rendering, or for a turn) holds no store connection */
    conn_checkin(s, r->st);
    r->st = NULL;
    pthread_mutex_lock(&s->cache_lock);
    while ((c = cache_find(s, pg->id, reading_id)) != NULL && c->rendering)
        pthread_cond_wait(&s->cache_done, &s->cache_lock);
    if (c != NULL) {
        c->used = ++s->cache_tick;
        *png = xmalloc(c->len);
        memcpy(*png, c->png, c->len);
        *len = c->len;
        hit = 1;
    } else {
        slot = cache_victim(s); /* NULL when every slot is being rendered: not cached */
        if (slot != NULL) {
            free(slot->png);
            memset(slot, 0, sizeof(*slot));
            slot->page_id = pg->id;
            slot->reading_id = reading_id;
            slot->rendering = 1;
        }
        while (s->renders >= s->max_renders)
            pthread_cond_wait(&s->render_turn, &s->cache_lock);
        s->renders++;
    }
    pthread_mutex_unlock(&s->cache_lock);
    if (!hit) {
        /* loads and registers the original scan again: 100 ms and more, with no lock held */
        st = conn_checkout(s);
        rc = intake_page_png(s->store_path, s->forms, pg, reading_id, st, &p, &n, e);
        conn_checkin(s, st);
        if (rc == 0 && slot != NULL) {
            keep = xmalloc(n);
            memcpy(keep, p, n);
        }
        pthread_mutex_lock(&s->cache_lock);
        s->renders--;
        pthread_cond_signal(&s->render_turn);
        if (slot != NULL) {
            if (rc == 0) {
                slot->png = keep;
                slot->len = n;
                slot->used = ++s->cache_tick;
            } else {
                slot->page_id = 0;          /* failed: the slot is free again */
                slot->reading_id = 0;
            }
            slot->rendering = 0;
            pthread_cond_broadcast(&s->cache_done);
        }
        pthread_mutex_unlock(&s->cache_lock);
        if (rc == 0) {
            *png = p;
            *len = n;
        }
    }
    r->st = conn_checkout(s);
    return rc;
}

/* ---- answering ------------------------------------------------------------ */

static void add_security_headers(struct review_server *s, struct MHD_Response *resp, int cacheable)
{
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; script-src 'self'; style-src 'self'; "
                            "img-src 'self'; object-src 'none'; base-uri 'none'; "
                            "form-action 'self'; frame-ancestors 'none'");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    /* same-origin, not no-referrer: under no-referrer Chromium sends
     * "Origin: null" with a form POST, which the same-origin check refuses */
    MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(resp, "Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (cacheable) {
        MHD_add_response_header(resp, "Cache-Control", "private, max-age=300");
    } else {
        MHD_add_response_header(resp, "Cache-Control", "no-store");
        MHD_add_response_header(resp, "Pragma", "no-cache");
    }
    if (s->tls)
        MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
}

static enum MHD_Result send_req(struct req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (r->bin != NULL)
        resp = MHD_create_response_from_buffer(r->bin_len, r->bin, MHD_RESPMEM_MUST_COPY);
    else
        resp = MHD_create_response_from_buffer(r->body.len, r->body.s, MHD_RESPMEM_MUST_COPY);
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, "Content-Type",
                            r->ctype ? r->ctype : "text/html; charset=utf-8");
    if (r->location[0])
        MHD_add_response_header(resp, "Location", r->location);
    for (int i = 0; i < r->ncookies; i++)
        MHD_add_response_header(resp, "Set-Cookie", r->cookies[i]);
    add_security_headers(r->srv, resp, r->cacheable);
    ret = MHD_queue_response(r->conn, r->status ? (unsigned)r->status : 200, resp);
    MHD_destroy_response(resp);
    return ret;
}

static const struct route *route_find(const char *method, const char *path, int *wrong_method)
{
    *wrong_method = 0;
    for (const struct route *rt = review_routes; rt->method != NULL; rt++) {
        size_t n = strlen(rt->path);
        int match = (rt->flags & ROUTE_PREFIX) ? strncmp(path, rt->path, n) == 0
                                               : strcmp(path, rt->path) == 0;
        if (!match)
            continue;
        if (strcmp(rt->method, method) == 0)
            return rt;
        *wrong_method = 1;
    }
    return NULL;
}

/* A POST must come from a page of this server (Origin, when the browser sends it). */
static int same_origin(struct req *r)
{
    const char *origin = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Origin");
    const char *host = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Host");
    const char *p;

    if (origin == NULL)
        return 1;
    if (host == NULL)
        return 0;
    p = strstr(origin, "://");
    return p != NULL && strcmp(p + 3, host) == 0;
}

static int hexval(int c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/*
 * Where to go after the login: next when it is a screen of this app, else
 * "/".  Accepted: one '/' then a path of letters, digits and "-._~/" (no
 * "//", no "." or ".." segment, no '%' at all) naming a GET route that needs
 * a session and is not an image, then optionally '?' and a query of
 * letters, digits, "-._~=&+" and %XX (not a control character, '/' or '\'
 * once decoded).  So no scheme, no "//host", no backslash, tab, CR, LF or
 * any other control character, raw or percent-encoded, reaches Location.
 */
const char *req_safe_next(const char *next)
{
    char path[500];
    const char *q;
    size_t plen;
    int wrong;
    const struct route *rt;

    if (next == NULL || next[0] != '/' || strlen(next) >= sizeof(path))
        return "/";
    q = strchr(next, '?');
    plen = q ? (size_t)(q - next) : strlen(next);
    memcpy(path, next, plen);
    path[plen] = '\0';
    for (const char *p = path; *p; p++) {
        int ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 strchr("-._~/", *p) != NULL;
        if (!ok)
            return "/";
        if (*p == '/' && (p[1] == '/' ||
                          (p[1] == '.' && (p[2] == '/' || p[2] == '\0' ||
                                           (p[2] == '.' && (p[3] == '/' || p[3] == '\0'))))))
            return "/";
    }
    for (const char *p = q ? q + 1 : ""; *p; p++) {
        if (*p == '%') {
            int hi = hexval((unsigned char)p[1]), lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
            int ch = hi * 16 + lo;
            if (hi < 0 || lo < 0 || ch < 0x20 || ch == 0x7f || ch == '/' || ch == '\\')
                return "/";
            p += 2;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                     (*p >= '0' && *p <= '9') || strchr("-._~=&+", *p) != NULL)) {
            return "/";
        }
    }
    rt = route_find("GET", path, &wrong);
    if (rt == NULL || (rt->flags & ROUTE_PUBLIC) || strncmp(path, "/img/", 5) == 0)
        return "/";
    return next;
}

static int csrf_ok(struct req *r, const char *expected)
{
    const char *got = req_param(r, "csrf");

    return expected != NULL && got != NULL && strlen(expected) == 64 && strlen(got) == 64 &&
           sodium_memcmp(expected, got, 64) == 0;
}

static void dispatch(struct req *r)
{
    const struct route *rt;
    const char *sid;
    int wrong = 0, timed_out = 0;
    struct berr e;

    rt = route_find(r->method, r->path, &wrong);
    if (rt == NULL) {
        if (wrong)
            page_error(r, 405, "使えない操作です", "この画面にはその方法では送れません。");
        else
            page_error(r, 404, "ページがありません", "URL を確かめてください。");
        return;
    }
    r->rest = r->path + strlen(rt->path);
    /* the session, checked against the store every time */
    sid = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "boshi_sid");
    r->sess = session_lookup(r, sid, &r->sess_copy, &timed_out) ? &r->sess_copy : NULL;
    if (r->sess != NULL) {
        berr_clear(&e);
        if (actor_for_login(r->st, r->sess->login, &r->actor, &e) < 0) {
            session_end(r, r->sess->token);
            r->sess = NULL;
            req_set_cookie(r, "boshi_sid=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
            if (!(rt->flags & ROUTE_PUBLIC)) {
                page_error(r, 403, "利用できません", e.msg);
                return;
            }
        }
    }
    if (r->sess == NULL && !(rt->flags & ROUTE_PUBLIC)) {
        if (strcmp(r->method, "GET") == 0 && !r->frag && strncmp(r->path, "/img/", 5) != 0)
            req_redirect(r, "/login%s", timed_out ? "?m=timeout" : "");
        else
            page_error(r, 401, "ログインしてください",
                       timed_out ? "15分間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
                                 : "ログインしていません。");
        return;
    }
    if (strcmp(r->method, "POST") == 0) {
        const char *expect = r->sess ? r->sess->csrf
                                     : MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND,
                                                                   "boshi_pre");
        if (!same_origin(r) || !csrf_ok(r, expect)) {
            page_error(r, 403, "送信を受け付けられません",
                       "画面の有効期限が切れたか、別のサイトからの送信です。画面を開き直してください。");
            return;
        }
    }
    if (rt->perm >= 0 && !actor_can(&r->actor, rt->perm)) {
        char msg[300];
        snprintf(msg, sizeof(msg), "この画面には「%s」の権限が必要です。", perm_label(rt->perm));
        page_error(r, 403, "権限がありません", msg);
        return;
    }
    rt->run(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct review_server *s = cls;
    struct conn *c = *con_cls;
    struct req r;
    enum MHD_Result ret;

    if (c == NULL) {
        c = xcalloc(1, sizeof(*c));
        *con_cls = c;
        if (strcmp(method, "POST") == 0) {
            c->pp = MHD_create_post_processor(connection, 8192, post_field, c);
            if (c->pp == NULL)
                c->bad = 1;
        }
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        c->bytes += *upload_data_size;
        if (c->bytes > REVIEW_MAX_FORM)
            c->bad = 1;
        if (!c->bad && MHD_post_process(c->pp, upload_data, *upload_data_size) != MHD_YES)
            c->bad = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    peer_busy(s, connection, 1);    /* arrived whole: no longer counts as waiting */
    memset(&r, 0, sizeof(r));
    r.srv = s;
    r.conn = connection;
    r.method = method;
    r.path = url;
    r.form = c->form;
    r.nform = c->nform;
    buf_init(&r.body);
    {
        const char *f = req_param(&r, "frag");
        r.frag = f != NULL && strcmp(f, "1") == 0;
    }
    r.st = conn_checkout(s);
    if (c->bad)
        page_error(&r, 400, "送信内容を読めません", "フォームの送信内容が正しくありません。");
    else
        dispatch(&r);
    conn_checkin(s, r.st);
    r.st = NULL;
    ret = send_req(&r);
    sodium_memzero(&r.sess_copy, sizeof(r.sess_copy));
    buf_release(&r.body);
    free(r.bin);
    return ret;
}

/* ---- start and stop ------------------------------------------------------- */

static int parse_listen(const char *listen, struct sockaddr_in *sa, struct berr *e)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    char *end;
    long port;

    memset(sa, 0, sizeof(*sa));
    sa->sin_family = AF_INET;
    if (colon == NULL || (size_t)(colon - listen) >= sizeof(host))
        return berr_set(e, BERR_INVALID, "--listen は アドレス:ポート で指定してください (例: 127.0.0.1:8080)");
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = '\0';
    port = strtol(colon + 1, &end, 10);
    if (*end != '\0' || port < 0 || port > 65535 || colon[1] == '\0')
        return berr_set(e, BERR_INVALID, "ポート番号が正しくありません「%s」", colon + 1);
    if (strcmp(host, "localhost") == 0 || host[0] == '\0')
        snprintf(host, sizeof(host), "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return berr_set(e, BERR_INVALID, "アドレスが正しくありません「%s」(IPv4 で指定)", host);
    sa->sin_port = htons((uint16_t)port);
    return 0;
}

int review_server_start(const struct review_server_opts *o, struct review_server **out,
                        struct berr *e)
{
    struct review_server *s = NULL;
    struct sockaddr_in sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    const union MHD_DaemonInfo *info;
    int rc, loopback, threads;

    *out = NULL;
    if (sodium_init() < 0)
        return berr_set(e, BERR_FAIL, "libsodium を初期化できません");
    rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &sa, e);
    if (rc < 0)
        return rc;
    loopback = (ntohl(sa.sin_addr.s_addr) >> 24) == 127;
    if (o->tls_cert_pem == NULL && !loopback && !o->insecure)
        return berr_set(e, BERR_INVALID,
                        "暗号化なし (HTTP) で待ち受けられるのはこのコンピューター内 (127.0.0.1) だけです。"
                        "--tls-cert と --tls-key を指定するか、閉じたネットワークで --insecure を付けてください");
    if ((o->tls_cert_pem == NULL) != (o->tls_key_pem == NULL))
        return berr_set(e, BERR_INVALID, "--tls-cert と --tls-key は両方指定してください");
    if (o->tls_cert_pem != NULL && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return berr_set(e, BERR_FAIL, "この libmicrohttpd は HTTPS (GnuTLS) に対応していません");
    s = xcalloc(1, sizeof(*s));
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_cond_init(&s->pool_idle, NULL);
    pthread_mutex_init(&s->cache_lock, NULL);
    pthread_cond_init(&s->cache_done, NULL);
    pthread_cond_init(&s->render_turn, NULL);
    /* renders at once: one per core, at most REVIEW_MAX_RENDERS */
    s->max_renders = cpus < 1 ? 1 : cpus > REVIEW_MAX_RENDERS ? REVIEW_MAX_RENDERS : (int)cpus;
    pthread_mutex_init(&s->peer_lock, NULL);
    pthread_cond_init(&s->peer_wake, NULL);
    s->max_connections = o->max_connections > 0 ? o->max_connections : REVIEW_DEFAULT_MAX_CONNECTIONS;
    /* behind a proxy every connection comes from the proxy: limit per address at the proxy */
    s->max_per_address = o->max_per_address > 0 ? o->max_per_address
                         : o->behind_proxy ? s->max_connections : REVIEW_DEFAULT_MAX_PER_ADDRESS;
    s->secure_cookies = o->tls_cert_pem != NULL || o->behind_proxy;
    s->request_timeout = o->request_timeout > 0 ? o->request_timeout : REVIEW_DEFAULT_REQUEST_TIMEOUT;
    s->forms = o->forms;
    s->store_path = xstrdup(o->store_path);
    threads = o->threads > 0 ? o->threads : REVIEW_DEFAULT_THREADS;
    s->conns = xcalloc((size_t)threads, sizeof(*s->conns));
    s->idle = xcalloc((size_t)threads, sizeof(*s->idle));
    for (; s->nconns < threads; s->nconns++) {
        rc = store_open(o->store_path, 0, &s->conns[s->nconns], e);
        if (rc < 0)
            goto fail;
        s->idle[s->nidle++] = s->conns[s->nconns];
    }
    if (o->tls_cert_pem != NULL) {
        s->tls = 1;
        s->cert = xstrdup(o->tls_cert_pem);
        s->key = xstrdup(o->tls_key_pem);
        flags |= MHD_USE_TLS;
    }
    /*
     * Connections: the limits above are kept by closing the longest waiting
     * (on_connection, the watcher); libmicrohttpd's own limits are a hard
     * ceiling above them (busy connections are never closed), and its
     * inactivity timeout ends a connection that stops reading an answer.
     */
    {
        unsigned hard_total = (unsigned)s->max_connections + 64;
        unsigned hard_addr = 4 * (unsigned)s->max_per_address;
        unsigned idle = s->request_timeout > 10 ? 3 * (unsigned)s->request_timeout : 30;

        /* one option list; TLS adds its certificate and key at the end */
        struct MHD_OptionItem opt[] = {
            { MHD_OPTION_SOCK_ADDR, 0, &sa },
            { MHD_OPTION_CONNECTION_TIMEOUT, idle, NULL },
            { MHD_OPTION_CONNECTION_LIMIT, hard_total, NULL },
            { MHD_OPTION_PER_IP_CONNECTION_LIMIT, hard_addr, NULL },
            { MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)on_connection, s },
            { MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, s },
            { s->tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)s->cert },
            { MHD_OPTION_HTTPS_MEM_KEY, 0, (void *)s->key },
            { MHD_OPTION_END, 0, NULL },
        };
        s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_ARRAY, opt,
                                MHD_OPTION_END);
    }
    if (s->d == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s で待ち受けられません (使用中のポート、または証明書・鍵が正しくありません)",
                      o->listen ? o->listen : "127.0.0.1:8080");
        goto fail;
    }
    if (pthread_create(&s->watcher, NULL, watcher_main, s) != 0) {
        rc = berr_set(e, BERR_FAIL, "接続を見張るスレッドを起動できません");
        goto fail;
    }
    s->watcher_started = 1;
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : ntohs(sa.sin_port);
    *out = s;
    return 0;
fail:
    review_server_stop(&s);
    return rc;
}

uint16_t review_server_port(const struct review_server *s)
{
    return s->port;
}

void review_server_stop(struct review_server **sp)
{
    struct review_server *s = sp ? *sp : NULL;

    if (s == NULL)
        return;
    if (s->watcher_started) {
        pthread_mutex_lock(&s->peer_lock);
        s->watcher_stop = 1;
        pthread_cond_signal(&s->peer_wake);
        pthread_mutex_unlock(&s->peer_lock);
        pthread_join(s->watcher, NULL);
    }
    if (s->d)
        MHD_stop_daemon(s->d);          /* waits for the requests being answered */
    for (int i = 0; i < s->nconns; i++)
        store_close(&s->conns[i]);
    free(s->conns);
    free(s->idle);
    for (int i = 0; i < REVIEW_PNG_CACHE; i++)
        free(s->cache[i].png);
    if (s->key) {
        sodium_memzero(s->key, strlen(s->key));
        free(s->key);
    }
    free(s->cert);
    free(s->store_path);
    pthread_mutex_destroy(&s->pool_lock);
    pthread_cond_destroy(&s->pool_idle);
    pthread_mutex_destroy(&s->cache_lock);
    pthread_cond_destroy(&s->cache_done);
    pthread_cond_destroy(&s->render_turn);
    pthread_mutex_destroy(&s->peer_lock);
    pthread_cond_destroy(&s->peer_wake);
    free(s);
    *sp = NULL;
}
