/*
 * test_review_web: the nurses' web UI, for real: a store with a review queue
 * built from real scans (as in test_intake: boshi prints a month's checkup
 * forms, poppler renders them, intake reads them with Tesseract), then the
 * server started in-process on an ephemeral loopback port and spoken to over
 * sockets by a tiny HTTP client written here.  Checks login, CSRF, lockout,
 * idle timeout (the server's clock is moved), every route against every
 * role, audit entries, two nurses on one item, a page resolved through
 * the web landing its record, the queue by the day pages were taken in
 * (Japan time) and the status line's "done today" by me and by everyone,
 * and eight nurses working the whole queue at once (requests in parallel:
 * every item resolved exactly once), also on a server with a single store
 * connection.
 * The store is built once per run (slow: OCR) and copied for each test.
 */
#include "records/accounts.h"
#include "review/review-internal.h"
#include "tests/lib/testlib.h"

#include <arpa/inet.h>
#include <check.h>
#include <leptonica/allheaders.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <poll.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

static char *tmpl_dir, *tmpl_db;     /* built once */
static char *dir, *db;               /* this test's copy */
static struct forms_registry *forms;
static struct review_server *srv;
static uint16_t port;
static time_t fake_now;

static time_t fake_clock(void)
{
    return fake_now;
}

/* ---- the store ---------------------------------------------------------------- */

static void boshi_ok(const char *dbp, const char *input, ...)
{
    const char *argv[40];
    struct tl_result r;
    int n = 0;
    va_list ap;
    const char *a;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = dbp;
    va_start(ap, input);
    while ((a = va_arg(ap, const char *)) != NULL)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    tl_run(&r, input, NULL, argv);
    if (r.status != 0) {
        fprintf(stderr, "%s %s: exit %d: %s\n", argv[3], argv[4] ? argv[4] : "", r.status, r.err);
        exit(1);
    }
    tl_result_free(&r);
}

#define RUN(dbp, ...) boshi_ok(dbp, NULL, __VA_ARGS__, NULL)
#define PW "correct-horse-1"

static const char *const logins[] = { "jimu1", "nurse1", "nurse2", "kanri1", "admin1", "old1" };
static const char *const roles_of[] = { "事務", "保健師", "保健師", "管理者", "システム管理者", "保健師" };

static void build_template(void)
{
    char *town, *pdf, *scans, *prefix;
    struct tl_result r;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    tmpl_dir = tl_tmpdir();
    tmpl_db = tl_path(tmpl_dir, "w.db");
    scans = tl_path(tmpl_dir, "scans");
    town = tl_path(tmpl_dir, "town.csv");
    pdf = tl_path(tmpl_dir, "k.pdf");
    RUN(tmpl_db, "init", "--demo");
    RUN(tmpl_db, "settings", "set", "site.name", "みどり市 保健センター");
    RUN(tmpl_db, "settings", "set", "site.contact", "電話 0120-000-000");
    RUN(tmpl_db, "settings", "set", "site.address", "みどり市本町1-1-1");
    RUN(tmpl_db, "settings", "set", "checkup.venue", "保健センター");
    RUN(tmpl_db, "demo", "town", "--residents", "8000", "--as-of", "2026-11-01", "-o", town);
    RUN(tmpl_db, "residents", "import", "--full", town);
    RUN(tmpl_db, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "--date", "2026-12-09", "--as-of", "2026-11-01", "-o", pdf);
    mkdir(scans, 0700);
    prefix = tl_path(scans, "p");
    /* the families' PDF (letter, 問診票) and the staff's 健診票 of the first two children */
    const char *argv[] = { "pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "4", pdf,
                           prefix, NULL };
    tl_run(&r, NULL, NULL, argv);
    tl_result_free(&r);
    {
        size_t pl = strlen(pdf);
        char *staff = xasprintf("%.*s-kenshinhyo.pdf", (int)(pl - 4), pdf);
        char *sprefix = tl_path(scans, "s");
        const char *sargv[] = { "pdftoppm", "-r", "200", "-gray", "-png", "-f", "1", "-l", "2",
                                staff, sprefix, NULL };
        tl_run(&r, NULL, NULL, sargv);
        tl_result_free(&r);
        free(staff);
        free(sprefix);
    }
    RUN(tmpl_db, "intake", "--workers", "2", "--name", "w1", scans);
    for (size_t i = 0; i < sizeof(logins) / sizeof(logins[0]); i++) {
        RUN(tmpl_db, "users", "add", "--name", logins[i], "--role", roles_of[i], logins[i]);
        boshi_ok(tmpl_db, PW "\n", "users", "passwd", logins[i], NULL);
    }
    /* old1's grant ran out (grants cannot be given in the past: edit the store) */
    sqlite3 *h;
    sqlite3_open(tmpl_db, &h);
    sqlite3_exec(h, "UPDATE grants SET valid_until = '2020-03-31' WHERE user_id = "
                    "(SELECT id FROM users WHERE login = 'old1')", NULL, NULL, NULL);
    sqlite3_close(h);
    free(prefix);
    free(scans);
    free(town);
    free(pdf);
}

static long sql_long(const char *fmt, ...)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    long v = -1;
    char sql[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    ck_assert_msg(sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
    if (sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

static void sql_exec(const char *sql)
{
    sqlite3 *h;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static void setup(void)
{
    struct review_server_opts o;
    struct berr e;
    char *fdir;

    dir = tl_tmpdir();
    db = tl_store_copy(tmpl_dir, "w.db", dir);
    fdir = tl_path(tl_src(), "forms/defs");
    ck_assert_int_ge(forms_registry_load_dir(fdir, &forms, &e), 0);
    free(fdir);
    fake_now = 1795000000;
    review_set_clock(fake_clock);
    memset(&o, 0, sizeof(o));
    o.store_path = db;
    o.forms = forms;
    o.listen = "127.0.0.1:0";
    ck_assert_msg(review_server_start(&o, &srv, &e) == 0, "%s", e.msg);
    port = review_server_port(srv);
    ck_assert_int_gt(port, 0);
}

static void teardown(void)
{
    review_server_stop(&srv);
    forms_registry_free(&forms);
    tl_rmtree(dir);
    free(dir);
    free(db);
}

/* ---- a tiny HTTP client ----------------------------------------------------------- */

struct resp {
    int status;
    char *head, *body;
    size_t len;                      /* of body (a PNG holds NULs) */
};

static void resp_free(struct resp *r)
{
    free(r->head);
    free(r->body);
    memset(r, 0, sizeof(*r));
}

static int io_timeout;              /* seconds; 0 = wait for the answer however long */

/* extra: more header lines ("Origin: x\r\n"), may be NULL. */
static struct resp http(const char *method, const char *path, const char *cookie, const char *body,
                        const char *extra)
{
    struct sockaddr_in sa;
    struct resp out = { 0, NULL, NULL, 0 };
    struct buf req, in;
    char chunk[8192];
    ssize_t n;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    if (io_timeout > 0) {           /* a test that must not hang when the server does not answer */
        struct timeval tv = { io_timeout, 0 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    }
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    buf_init(&req);
    buf_addf(&req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n", method, path,
             (unsigned)port);
    if (cookie && *cookie)
        buf_addf(&req, "Cookie: %s\r\n", cookie);
    if (extra)
        buf_adds(&req, extra);
    if (body)
        buf_addf(&req, "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n",
                 strlen(body));
    buf_adds(&req, "\r\n");
    if (body)
        buf_adds(&req, body);
    ck_assert_int_eq(write(fd, req.s, req.len), (ssize_t)req.len);
    buf_release(&req);
    buf_init(&in);
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        buf_add(&in, chunk, (size_t)n);
    close(fd);
    char *sep = strstr(in.s, "\r\n\r\n");
    ck_assert_msg(sep != NULL, "no HTTP answer for %s %s", method, path);
    out.head = xstrndup(in.s, (size_t)(sep - in.s));
    out.len = in.len - (size_t)(sep + 4 - in.s);
    out.body = xmalloc(out.len + 1);
    memcpy(out.body, sep + 4, out.len);
    out.body[out.len] = '\0';
    sscanf(in.s, "HTTP/1.1 %d", &out.status);
    buf_release(&in);
    return out;
}

/* The value of header name (first), or "" - copied into out. */
static const char *header(const struct resp *r, const char *name, char *out, size_t n)
{
    char key[64];
    const char *p;

    snprintf(key, sizeof(key), "\r\n%s: ", name);
    out[0] = '\0';
    p = strcasestr(r->head, key);
    if (p) {
        p += strlen(key);
        size_t len = strcspn(p, "\r\n");
        snprintf(out, n, "%.*s", (int)len, p);
    }
    return out;
}

/* The value of cookie name set by the answer, or "". */
static void set_cookie(const struct resp *r, const char *name, char *out, size_t n)
{
    char key[64];
    const char *p = r->head;

    out[0] = '\0';
    snprintf(key, sizeof(key), "Set-Cookie: %s=", name);
    while ((p = strstr(p, key)) != NULL) {
        p += strlen(key);
        snprintf(out, n, "%.*s", (int)strcspn(p, ";\r\n"), p);
    }
}

static void form_csrf(const char *html, char out[65])
{
    const char *p = strstr(html, "name=\"csrf\" value=\"");

    out[0] = '\0';
    if (p)
        snprintf(out, 65, "%.64s", p + strlen("name=\"csrf\" value=\""));
}

struct client {
    char cookie[128];
    char csrf[65];
};

/* Logs in; returns the status of the POST /login (303 on success). */
static int login(struct client *c, const char *user, const char *pw, struct resp *keep)
{
    struct resp r = http("GET", "/login", NULL, NULL, NULL);
    char pre[80], sid[80], body[512], cookie[128];

    memset(c, 0, sizeof(*c));
    set_cookie(&r, "boshi_pre", pre, sizeof(pre));
    form_csrf(r.body, c->csrf);
    ck_assert_int_eq(strlen(pre), 64);
    ck_assert_str_eq(pre, c->csrf);
    resp_free(&r);
    snprintf(cookie, sizeof(cookie), "boshi_pre=%s", pre);
    snprintf(body, sizeof(body), "csrf=%s&login=%s&password=%s", pre, user, pw);
    r = http("POST", "/login", cookie, body, NULL);
    int st = r.status;
    set_cookie(&r, "boshi_sid", sid, sizeof(sid));
    if (st == 303) {
        ck_assert_int_eq(strlen(sid), 64);
        snprintf(c->cookie, sizeof(c->cookie), "boshi_sid=%s", sid);
        /* the session's form token, from the logout form on any page */
        struct resp h = http("GET", "/field", c->cookie, NULL, NULL);
        if (h.status != 200) {
            resp_free(&h);
            h = http("GET", "/", c->cookie, NULL, NULL);
        }
        form_csrf(h.body, c->csrf);
        ck_assert_int_eq(strlen(c->csrf), 64);
        resp_free(&h);
    }
    if (keep)
        *keep = r;
    else
        resp_free(&r);
    return st;
}

static struct resp get(struct client *c, const char *path)
{
    return http("GET", path, c ? c->cookie : NULL, NULL, NULL);
}

static struct resp post(struct client *c, const char *path, const char *fields)
{
    char *body = xasprintf("csrf=%s%s%s", c->csrf, *fields ? "&" : "", fields);
    struct resp r = http("POST", path, c->cookie, body, NULL);
    free(body);
    return r;
}

static int status_of(struct resp r)
{
    int s = r.status;
    resp_free(&r);
    return s;
}

/* ---- tests ------------------------------------------------------------------------ */

START_TEST(login_sessions_and_headers)
{
    struct client c;
    struct resp r;
    char h[512];

    /* nothing without a session: pages send to the login, images and posts are refused */
    r = get(NULL, "/queue");
    ck_assert_int_eq(r.status, 303);
    ck_assert_str_eq(header(&r, "Location", h, sizeof(h)), "/login");
    resp_free(&r);
    ck_assert_int_eq(status_of(get(NULL, "/img/crop/1")), 401);
    ck_assert_int_eq(status_of(http("POST", "/item/1", NULL, "act=auto", NULL)), 401);
    /* a wrong password says nothing about whether the account exists */
    ck_assert_int_eq(login(&c, "nurse1", "wrong-password", &r), 401);
    ck_assert(strstr(r.body, "利用者名またはパスワードが違います") != NULL);
    resp_free(&r);
    ck_assert_int_eq(login(&c, "nobody", "wrong-password", &r), 401);
    ck_assert(strstr(r.body, "利用者名またはパスワードが違います") != NULL);
    resp_free(&r);
    /* the right one: a session cookie that scripts cannot read and other sites cannot send */
    ck_assert_int_eq(login(&c, "nurse1", PW, &r), 303);
    ck_assert(strstr(r.head, "boshi_sid=") != NULL);
    ck_assert(strstr(r.head, "HttpOnly") != NULL);
    ck_assert(strstr(r.head, "SameSite=Strict") != NULL);
    ck_assert(strstr(r.head, "Secure") == NULL);       /* plain HTTP on loopback */
    resp_free(&r);
    r = get(&c, "/queue");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "確認待ち") != NULL);
    ck_assert(strstr(header(&r, "Content-Security-Policy", h, sizeof(h)), "default-src 'self'") != NULL);
    ck_assert(strstr(h, "'unsafe-inline'") == NULL);
    ck_assert_str_eq(header(&r, "X-Frame-Options", h, sizeof(h)), "DENY");
    ck_assert_str_eq(header(&r, "Cache-Control", h, sizeof(h)), "no-store");
    ck_assert(strstr(r.body, "<script>") == NULL);      /* no inline script */
    resp_free(&r);
    /* the built-in assets */
    r = get(NULL, "/static/app.js");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "keydown") != NULL);
    resp_free(&r);
    ck_assert_int_eq(status_of(get(NULL, "/static/../../etc/passwd")), 404);
    ck_assert_int_eq(status_of(get(&c, "/nowhere")), 404);
    ck_assert_int_eq(status_of(http("DELETE", "/queue", c.cookie, NULL, NULL)), 405);
    /* an open redirect after login is refused */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'web.login' AND "
                              "user = 'nurse1'"), 1);
    /* logout ends the session on the server, not only in the browser */
    r = post(&c, "/logout", "");
    ck_assert_int_eq(r.status, 303);
    ck_assert(strstr(r.head, "boshi_sid=; Path=/; Max-Age=0") != NULL);
    resp_free(&r);
    ck_assert_int_eq(status_of(get(&c, "/queue")), 303);
    ck_assert_int_eq(status_of(post(&c, "/field", "form=x&field=y")), 401);
    /* a made-up session id is nobody */
    ck_assert_int_eq(status_of(http("GET", "/queue", "boshi_sid=0123456789abcdef0123456789abcdef"
                                                     "0123456789abcdef0123456789abcdef", NULL, NULL)), 303);
}
END_TEST

/* Logs in as nurse1 with next (raw bytes, form-encoded here); the Location answered. */
static void login_next(const char *next, char *loc, size_t n)
{
    struct resp r = http("GET", "/login", NULL, NULL, NULL);
    char pre[80], cookie[128];
    struct buf body;

    set_cookie(&r, "boshi_pre", pre, sizeof(pre));
    resp_free(&r);
    snprintf(cookie, sizeof(cookie), "boshi_pre=%s", pre);
    buf_init(&body);
    buf_addf(&body, "csrf=%s&login=nurse1&password=" PW "&next=", pre);
    for (const unsigned char *p = (const unsigned char *)next; *p; p++)
        buf_addf(&body, "%%%02X", *p);
    r = http("POST", "/login", cookie, body.s, NULL);
    buf_release(&body);
    ck_assert_int_eq(r.status, 303);
    header(&r, "Location", loc, n);
    resp_free(&r);
}

START_TEST(login_next_stays_on_this_site)
{
    /* the known ways out of an origin: each one goes to "/" (the queue) instead */
    static const char *const bad[] = {
        "/\t/evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
        "\\/evil.example", "/%2f%2fevil.example", "/%2F/evil.example", "/%5cevil.example",
        "/%5C%5Cevil.example", "/%09/evil.example", "/\r\nLocation: http://evil.example/",
        "/\n/evil.example", "/ /evil.example", " /evil.example", "https://evil.example/",
        "http:evil.example", "javascript:alert(1)", "evil.example", "/./evil.example",
        "/../evil.example", "/queue/..//evil.example", "/queue#//evil.example",
        "/queue?x=%0d%0aSet-Cookie:a", "/queue?x=%5c", "/queue?x=%zz", "/\x7f/evil.example",
        "/\xef\xbc\x8f\xef\xbc\x8f" "evil.example", "/nowhere", "/login", "/img/crop/1",
        "/static/app.js", "",
    };
    static const char *const good[] = {
        "/queue", "/queue?reason=%E6%9C%AA%E8%AA%AD&form=nyuyoji_4m", "/item/12",
        "/field?form=nyuyoji_4m&field=weight", "/page/3", "/",
    };
    char loc[600];

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        login_next(bad[i], loc, sizeof(loc));
        ck_assert_msg(strcmp(loc, "/") == 0, "next %zu went to \"%s\"", i, loc);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        login_next(good[i], loc, sizeof(loc));
        ck_assert_str_eq(loc, good[i]);
    }
}
END_TEST

/* A socket connected to the server from 127.0.0.<host>; -1 if it could not be. */
static int open_from(int host)
{
    struct sockaddr_in me, to;
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        return -1;
    memset(&me, 0, sizeof(me));
    me.sin_family = AF_INET;
    me.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)host);
    memset(&to, 0, sizeof(to));
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&me, sizeof(me)) < 0 ||
        connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static double secs_now(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Sends one more byte of an unfinished request on each slow socket (errors: it was closed). */
static void drip(const int *fd, int n)
{
    for (int i = 0; i < n; i++)
        if (fd[i] >= 0)
            send(fd[i], "X", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* 1 when the server has closed fd (end of stream or reset). */
static int closed_by_server(int fd)
{
    char b[256];
    struct pollfd p = { fd, POLLIN, 0 };

    if (poll(&p, 1, 0) <= 0)
        return 0;
    for (;;) {
        ssize_t n = recv(fd, b, sizeof(b), MSG_DONTWAIT);
        if (n == 0)
            return 1;
        if (n < 0)
            return errno != EAGAIN && errno != EWOULDBLOCK;
    }
}

#define IDLE 200        /* sockets that send nothing, from 127.0.0.1 */
#define SLOW 200        /* slowloris: an unfinished request, a byte at a time, from 127.0.0.1 */
#define HOSTS 30        /* more idle sockets from 127.0.0.2 ... 127.0.0.31 ... */
#define PER_HOST 10     /* ... each under the per-address limit: together over the total */

START_TEST(a_login_gets_through_idle_and_slow_sockets)
{
    static int fds[IDLE + SLOW + HOSTS * PER_HOST];
    int *slow = fds + IDLE, n = 0, opened = 0, closed = 0;
    struct review_server_opts o;
    struct client c;
    struct berr e;
    double t0, t, login_s;
    int timeout = 3;

    /* the defaults (256 connections, 16 per address), a short request timeout for a quick test */
    review_server_stop(&srv);
    memset(&o, 0, sizeof(o));
    o.store_path = db;
    o.forms = forms;
    o.listen = "127.0.0.1:0";
    o.request_timeout = timeout;
    ck_assert_msg(review_server_start(&o, &srv, &e) == 0, "%s", e.msg);
    port = review_server_port(srv);
    io_timeout = 10;
    t0 = secs_now();
    for (int i = 0; i < IDLE; i++)
        fds[n++] = open_from(1);
    for (int i = 0; i < SLOW; i++) {
        int fd = open_from(1);
        if (fd >= 0)
            send(fd, "GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ", 46, MSG_NOSIGNAL);
        fds[n++] = fd;
    }
    for (int h = 0; h < HOSTS; h++)
        for (int i = 0; i < PER_HOST; i++)
            fds[n++] = open_from(2 + h);
    for (int i = 0; i < n; i++)
        opened += fds[i] >= 0;
    ck_assert_int_eq(opened, n);
    /* a second of dripping, then a nurse logs in from elsewhere while it goes on */
    for (int i = 0; i < 4; i++) {
        drip(slow, SLOW);
        usleep(250 * 1000);
    }
    t = secs_now();
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    login_s = secs_now() - t;
    ck_assert_msg(login_s < 5.0, "the login took %.1f s", login_s);
    ck_assert_int_eq(status_of(get(&c, "/queue")), 200);
    /* the slow and idle sockets are all closed once the request timeout has passed */
    while (secs_now() - t0 < timeout + 2.5) {
        drip(slow, SLOW);
        usleep(250 * 1000);
    }
    for (int i = 0; i < n; i++)
        closed += closed_by_server(fds[i]);
    ck_assert_msg(closed == n, "%d of %d idle or slow sockets still open after %d s", n - closed, n,
                  timeout);
    ck_assert_int_eq(login(&c, "nurse2", PW, NULL), 303);
    for (int i = 0; i < n; i++)
        close(fds[i]);
    io_timeout = 0;
    fprintf(stderr, "[flood] %d sockets; a login took %.2f s\n", n, login_s);
}
END_TEST

/* The brightest grey level of a PNG (0: all black). */
static int png_max(const char *data, size_t len)
{
    PIX *p = pixReadMem((const l_uint8 *)data, len), *g = p ? pixConvertTo8(p, 0) : NULL;
    l_int32 max = -1;

    ck_assert_ptr_nonnull(g);
    pixGetExtremeValue(g, 1, L_SELECT_MAX, NULL, NULL, NULL, &max);
    pixDestroy(&p);
    pixDestroy(&g);
    return max;
}

/* Rows of a PNG holding a run of at least w black pixels. */
static int black_rows(const char *data, size_t len, int w)
{
    PIX *p = pixReadMem((const l_uint8 *)data, len), *g = p ? pixConvertTo8(p, 0) : NULL;
    int rows = 0;

    ck_assert_ptr_nonnull(g);
    for (l_int32 y = 0; y < (l_int32)pixGetHeight(g); y++) {
        int run = 0, best = 0;
        for (l_int32 x = 0; x < (l_int32)pixGetWidth(g); x++) {
            l_uint32 v;
            pixGetPixel(g, x, y, &v);
            run = v == 0 ? run + 1 : 0;
            best = run > best ? run : best;
        }
        rows += best >= w;
    }
    pixDestroy(&p);
    pixDestroy(&g);
    return rows;
}

/* The body of an answer and its length. */
static size_t body_len(const struct resp *r)
{
    return r->len;
}

START_TEST(mynumber_images_masked_and_logged)
{
    /* a 妊娠届出書 with a handwritten 個人番号 taken in; the mother (made up) registered as 住登外 */
    {
        char *todoke = tl_path(dir, "todoke"), id[24];
        sqlite3 *t;
        sqlite3_stmt *q;
        RUN(db, "demo", "scan", "--store", "--forms", "ninshin_todoke", "--pages", "1", "--seed",
            "8", "-o", todoke);
        RUN(db, "intake", "--name", "todoke", todoke);
        sqlite3_open(db, &t);
        sqlite3_prepare_v2(t, "SELECT i.id FROM review_items i JOIN pages p ON p.id = i.page_id "
                              "WHERE p.form = 'ninshin_todoke' AND i.kind = 'identity'", -1, &q, NULL);
        snprintf(id, sizeof(id), "%lld", sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0LL);
        sqlite3_finalize(q);
        sqlite3_close(t);
        RUN(db, "review", "register", "--name", "架空　花子", "--kana", "カクウ　ハナコ", "--birth",
            "1995-04-01", "--reason", "住民票は他市", id);
        free(todoke);
    }
    long rd = sql_long("SELECT r.id FROM readings r JOIN pages p ON p.id = r.page_id WHERE "
                       "p.form = 'ninshin_todoke' AND r.field = 'mynumber'");
    long pg = sql_long("SELECT page_id FROM readings WHERE id = %ld", rd);
    long other = sql_long("SELECT r.id FROM readings r JOIN pages p ON p.id = r.page_id WHERE "
                          "p.form = 'nyuyoji_4m' AND p.subject != '' AND r.field = 'weight' LIMIT 1");
    char path[64], subject[16] = "U000000001";
    struct client c, d;
    struct resp r;

    ck_assert_int_gt(rd, 0);
    ck_assert_int_gt(other, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND subject = '%s'", pg,
                              subject), 1);
    /* a 保健師 without mynumber.reveal: the crop comes, blacked out whole */
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    snprintf(path, sizeof(path), "/img/crop/%ld", rd);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(png_max(r.body, body_len(&r)), 0);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.image' AND "
                              "user = 'nurse1' AND person = '%s' AND detail LIKE '%%読取 %ld%%'",
                              subject, rd), 1);
    /* another field's crop is as written (paper is white), and logged with its person */
    snprintf(path, sizeof(path), "/img/crop/%ld", other);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_gt(png_max(r.body, body_len(&r)), 128);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.image' AND "
                              "user = 'nurse1' AND person = (SELECT p.subject FROM pages p JOIN "
                              "readings r ON r.page_id = p.id WHERE r.id = %ld)", other), 1);
    /* the page image: the 個人番号 field is a black band (84 mm wide: > 400 px of 1200) */
    snprintf(path, sizeof(path), "/img/page/%ld?r=%ld", pg, rd);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_ge(black_rows(r.body, body_len(&r), 400), 40);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.image' AND "
                              "user = 'nurse1' AND person = '%s' AND detail LIKE 'ページ %ld の画像%%'",
                              subject, pg), 1);
    /* the digits as written: only with the permission, a reason, and logged as a reveal */
    snprintf(path, sizeof(path), "/img/crop/%ld", rd);
    ck_assert_int_eq(status_of(post(&c, path, "reason=%E8%AA%AD%E5%8F%96%E7%A2%BA%E8%AA%8D")), 403);
    RUN(db, "users", "grant", "nurse2", "mynumber.reveal");
    ck_assert_int_eq(login(&d, "nurse2", PW, NULL), 303);
    ck_assert_int_eq(status_of(post(&d, path, "")), 422);
    r = post(&d, path, "reason=%E8%AA%AD%E5%8F%96%E7%A2%BA%E8%AA%8D");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_gt(png_max(r.body, body_len(&r)), 128);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'mynumber.reveal' AND "
                              "user = 'nurse2' AND person = '%s' AND detail LIKE '%%読取確認%%'",
                              subject), 1);
    /* the item screen of the 個人番号 says it is masked; the reveal is offered to her only */
    long mi = sql_long("SELECT id FROM review_items WHERE reading_id = %ld", rd);
    if (mi > 0) {
        char ipath[64], action[64];
        snprintf(ipath, sizeof(ipath), "/item/%ld", mi);
        snprintf(action, sizeof(action), "action=\"/img/crop/%ld\"", rd);
        r = get(&c, ipath);
        ck_assert(strstr(r.body, "黒塗り") != NULL && strstr(r.body, action) == NULL);
        resp_free(&r);
        r = get(&d, ipath);
        ck_assert(strstr(r.body, action) != NULL);
        resp_free(&r);
    }
    /* the GET stays masked for her too: the reveal is the one way to the digits */
    r = get(&d, path);
    ck_assert_int_eq(png_max(r.body, body_len(&r)), 0);
    resp_free(&r);
    /* `boshi review show` of the page's item: its images are masked and logged too */
    long item = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND reading_id > 0 "
                         "ORDER BY reading_id = %ld DESC LIMIT 1", pg, rd);
    if (item > 0) {
        struct tl_result t;
        char id[24];
        long before = sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.image'");
        snprintf(id, sizeof(id), "%ld", item);
        tl_boshi_run(&t, db, NULL, "review", "show", id, NULL);
        ck_assert_msg(t.status == 0, "%s", t.err);
        tl_result_free(&t);
        ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.image' "
                                  "AND person = '%s'", subject) - 3, /* nurse1's crop + page, above */
                         sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.image'") -
                             before);
        char *png = xasprintf("%s.review/%ld/page.png", db, item), *bytes = NULL;
        size_t n = 0;
        struct berr e;
        ck_assert_int_eq(file_read_all(png, &bytes, &n, &e), 0);
        ck_assert_int_ge(black_rows(bytes, n, 400), 40);
        free(bytes);
        free(png);
    }
}
END_TEST

START_TEST(csrf_and_origin)
{
    struct client c;
    long item = sql_long("SELECT id FROM review_items WHERE status = 'open' AND kind = 'field' "
                         "AND field = 'weight' LIMIT 1");
    char path[64], body[256];

    ck_assert_int_gt(item, 0);
    snprintf(path, sizeof(path), "/item/%ld", item);
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    /* no token, a wrong token, another site's page: refused, nothing changes */
    ck_assert_int_eq(status_of(http("POST", path, c.cookie, "value=6.54", NULL)), 403);
    ck_assert_int_eq(status_of(http("POST", path, c.cookie,
                                    "csrf=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa&value=6.54",
                                    NULL)), 403);
    snprintf(body, sizeof(body), "csrf=%s&value=6.54", c.csrf);
    ck_assert_int_eq(status_of(http("POST", path, c.cookie, body, "Origin: http://evil.example\r\n")), 403);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE id = %ld AND status = 'open'",
                              item), 1);
    /* another session's token does not work either */
    struct client d;
    ck_assert_int_eq(login(&d, "nurse2", PW, NULL), 303);
    snprintf(body, sizeof(body), "csrf=%s&value=6.54", d.csrf);
    ck_assert_int_eq(status_of(http("POST", path, c.cookie, body, NULL)), 403);
    /* a login form posted from elsewhere (no pre-login token) is refused */
    ck_assert_int_eq(status_of(http("POST", "/login", NULL, "login=nurse1&password=" PW, NULL)), 403);
    /* with the token, from this site: accepted */
    snprintf(body, sizeof(body), "csrf=%s&value=6.54", c.csrf);
    char origin[64];
    snprintf(origin, sizeof(origin), "Origin: http://127.0.0.1:%u\r\n", (unsigned)port);
    ck_assert_int_eq(status_of(http("POST", path, c.cookie, body, origin)), 303);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE id = %ld AND status = "
                              "'corrected' AND value = '6.54' AND resolved_by = 'nurse1'", item), 1);
}
END_TEST

START_TEST(lockout_after_five_failures)
{
    struct client c;
    struct resp r;

    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(login(&c, "nurse2", "bad-guess-123", NULL), 401);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM users WHERE login = 'nurse2' AND locked_until "
                              "IS NOT NULL"), 1);
    /* locked: even the right password is refused, and says so */
    ck_assert_int_eq(login(&c, "nurse2", PW, &r), 401);
    ck_assert(strstr(r.body, "ロック") != NULL);
    resp_free(&r);
    fake_now += 14 * 60;
    ck_assert_int_eq(login(&c, "nurse2", PW, NULL), 401);
    fake_now += 2 * 60;                        /* 16 minutes after the lock */
    ck_assert_int_eq(login(&c, "nurse2", PW, NULL), 303);
    ck_assert_int_eq(sql_long("SELECT failed_logins FROM users WHERE login = 'nurse2'"), 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse2' AND function = "
                              "'web.login_failed'"), 5);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse2' AND function = "
                              "'web.login_locked'"), 2);
    /* failures of one account do not lock another */
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    /* the chain still verifies with all these entries */
    struct tl_result t;
    tl_boshi_run(&t, db, NULL, "audit", "verify", NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    tl_result_free(&t);
}
END_TEST

START_TEST(idle_timeout_and_revocation)
{
    struct client c;
    struct resp r;
    char h[256];

    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    fake_now += 14 * 60;
    ck_assert_int_eq(status_of(get(&c, "/queue")), 200);   /* activity keeps it alive */
    fake_now += 14 * 60;
    ck_assert_int_eq(status_of(get(&c, "/queue")), 200);
    fake_now += 15 * 60 + 1;
    r = get(&c, "/queue");
    ck_assert_int_eq(r.status, 303);
    ck_assert_str_eq(header(&r, "Location", h, sizeof(h)), "/login?m=timeout");
    resp_free(&r);
    ck_assert_int_eq(status_of(get(&c, "/queue")), 303);   /* gone for good */
    /* a session open while the account is disabled is refused at once */
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    RUN(db, "users", "disable", "nurse1");
    r = get(&c, "/queue");
    ck_assert_int_eq(r.status, 403);
    ck_assert(strstr(r.body, "無効化") != NULL);
    resp_free(&r);
    RUN(db, "users", "enable", "nurse1");
    ck_assert_int_eq(status_of(get(&c, "/queue")), 303);   /* the session was ended */
    /* and when its grant expires */
    ck_assert_int_eq(login(&c, "nurse2", PW, NULL), 303);
    ck_assert_int_eq(status_of(get(&c, "/queue")), 200);
    sql_exec("UPDATE grants SET valid_until = '2020-03-31' WHERE user_id = (SELECT id FROM users "
             "WHERE login = 'nurse2')");
    ck_assert_int_eq(status_of(get(&c, "/queue")), 403);
    /* an expired account cannot log in */
    ck_assert_int_eq(login(&c, "old1", PW, &r), 401);
    ck_assert(strstr(r.body, "期限切れ") != NULL);
    resp_free(&r);
}
END_TEST

/*
 * Two serve processes on one store (as behind one reverse proxy): a nurse
 * logged in on one is served by the other, her form token is valid there,
 * a logout on either ends it on both, a lockout counted on one holds on
 * the other, and a session outlives a restart.  The store keeps a hash of
 * the cookie, never the cookie.
 */
START_TEST(sessions_shared_by_two_servers)
{
    struct review_server_opts o;
    struct review_server *srv2 = NULL;
    struct client c, d;
    struct berr e;
    uint16_t port1 = port, port2;
    const char *sid;

    memset(&o, 0, sizeof(o));
    o.store_path = db;
    o.forms = forms;
    o.listen = "127.0.0.1:0";
    ck_assert_msg(review_server_start(&o, &srv2, &e) == 0, "%s", e.msg);
    port2 = review_server_port(srv2);
    ck_assert_int_ne(port1, port2);

    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    sid = c.cookie + strlen("boshi_sid=");
    ck_assert_int_eq(sql_long("SELECT count(*) FROM web_sessions WHERE login = 'nurse1'"), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM web_sessions WHERE hex(token_hash) = upper('%s') "
                              "OR csrf = '%s'", sid, sid), 0);
    port = port2;
    ck_assert_int_eq(status_of(get(&c, "/queue")), 200);
    /* the form token of the first server's pages is good on the second */
    ck_assert_int_eq(status_of(post(&c, "/logout", "")), 303);
    port = port1;
    ck_assert_int_eq(status_of(get(&c, "/queue")), 303);   /* ended on both */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM web_sessions WHERE login = 'nurse1'"), 0);

    /* five wrong passwords on the second lock the account on the first */
    port = port2;
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(login(&d, "nurse2", "wrong-password", NULL), 401);
    port = port1;
    ck_assert_int_eq(login(&d, "nurse2", PW, NULL), 401);

    /* a session outlives a restart of the server that made it */
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    review_server_stop(&srv);
    ck_assert_msg(review_server_start(&o, &srv, &e) == 0, "%s", e.msg);
    port = review_server_port(srv);
    ck_assert_int_eq(status_of(get(&c, "/queue")), 200);
    /* and idles out on the other as on this one */
    fake_now += 15 * 60 + 1;
    port = port2;
    ck_assert_int_eq(status_of(get(&c, "/queue")), 303);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM web_sessions WHERE login = 'nurse1'"), 0);
    review_server_stop(&srv2);
}
END_TEST

/* A request on each route that passes or fails only on permission. */
struct sample {
    const char *method, *route, *path, *fields;
};

START_TEST(role_matrix)
{
    long item = sql_long("SELECT id FROM review_items WHERE status = 'open' AND reading_id IS NOT "
                         "NULL LIMIT 1");
    long reading = sql_long("SELECT reading_id FROM review_items WHERE id = %ld", item);
    long page = sql_long("SELECT page_id FROM review_items WHERE id = %ld", item);
    char item_p[48], crop_p[48], page_p[48], img_p[48], person_p[48];
    sqlite3 *h;
    sqlite3_stmt *s;
    char atena[16] = "";

    sqlite3_open(db, &h);
    sqlite3_prepare_v2(h, "SELECT subject FROM pages WHERE subject IS NOT NULL AND subject <> '' "
                          "LIMIT 1", -1, &s, NULL);
    if (sqlite3_step(s) == SQLITE_ROW)
        snprintf(atena, sizeof(atena), "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    ck_assert_int_eq(strlen(atena), 10);
    snprintf(item_p, sizeof(item_p), "/item/%ld", item);
    snprintf(crop_p, sizeof(crop_p), "/img/crop/%ld", reading);
    snprintf(page_p, sizeof(page_p), "/page/%ld", page);
    snprintf(img_p, sizeof(img_p), "/img/page/%ld", page);
    snprintf(person_p, sizeof(person_p), "/person/%s", atena);
    const struct sample samples[] = {
        { "GET", "/login", "/login", NULL },
        { "POST", "/login", NULL, NULL },                 /* covered by the login itself */
        { "GET", "/static/", "/static/app.css", NULL },
        { "POST", "/logout", NULL, NULL },                /* covered at the end */
        { "GET", "/", "/", NULL },
        { "GET", "/queue", "/queue", NULL },
        { "GET", "/item/", item_p, NULL },
        { "POST", "/item/", "/item/99999999", "value=1" },     /* 404 when allowed */
        { "GET", "/field", "/field?form=nyuyoji_4m&field=weight", NULL },
        { "POST", "/field", "/field", "form=nyuyoji_4m&field=weight" },
        { "GET", "/page/", page_p, NULL },
        { "POST", "/page/", "/page/99999999", "" },
        { "GET", "/img/crop/", crop_p, NULL },
        { "POST", "/img/crop/", crop_p, "reason=%E8%AA%AD%E5%8F%96%E7%A2%BA%E8%AA%8D" },
        { "GET", "/img/page/", img_p, NULL },
        { "GET", "/alert/", "/alert/99999999", NULL },          /* 404 when allowed */
        { "POST", "/alert/", "/alert/99999999", "contacted_at=2026-12-01&contacted_by=x&plan=y" },
        { "GET", "/person/", person_p, NULL },
        { "POST", "/person/", person_p, "act=view&reason=%E5%81%A5%E8%A8%BA%E7%B5%90%E6%9E%9C%E3%81%AE%E7%A2%BA%E8%AA%8D" },
        { "GET", "/audit", "/audit?month=2026-11", NULL },
        { "POST", "/audit/mark", "/audit/mark", "id=99999999&comment=x&month=2026-11" },   /* 404 */
    };
    const size_t nsamples = sizeof(samples) / sizeof(samples[0]);
    /* every route has a sample: a new route must be added here */
    for (const struct route *rt = review_routes; rt->method; rt++) {
        int found = 0;
        for (size_t i = 0; i < nsamples; i++)
            found |= strcmp(samples[i].method, rt->method) == 0 && strcmp(samples[i].route, rt->path) == 0;
        ck_assert_msg(found, "route %s %s has no sample in the role matrix", rt->method, rt->path);
    }
    for (size_t u = 0; u < sizeof(logins) / sizeof(logins[0]); u++) {
        struct client c;
        const struct role *role = role_lookup(roles_of[u]);
        int expired = strcmp(logins[u], "old1") == 0;
        if (expired) {
            ck_assert_int_eq(login(&c, logins[u], PW, NULL), 401);
            /* and with no session, no route but the public ones answers */
            for (const struct route *rt = review_routes; rt->method; rt++)
                for (size_t i = 0; i < nsamples; i++)
                    if (samples[i].path && strcmp(samples[i].method, rt->method) == 0 &&
                        strcmp(samples[i].route, rt->path) == 0) {
                        int st = status_of(http(rt->method, samples[i].path, NULL,
                                                samples[i].fields, NULL));
                        if (rt->flags & ROUTE_PUBLIC)
                            ck_assert_int_eq(st, 200);
                        else
                            ck_assert_msg(st == 303 || st == 401 || st == 403, "%s %s: %d",
                                          rt->method, samples[i].path, st);
                    }
            continue;
        }
        ck_assert_int_eq(login(&c, logins[u], PW, NULL), 303);
        for (const struct route *rt = review_routes; rt->method; rt++) {
            for (size_t i = 0; i < nsamples; i++) {
                if (samples[i].path == NULL || strcmp(samples[i].method, rt->method) != 0 ||
                    strcmp(samples[i].route, rt->path) != 0)
                    continue;
                int allowed = rt->perm < 0 || (role->perms & (1u << rt->perm));
                int st = strcmp(rt->method, "POST") == 0 ? status_of(post(&c, samples[i].path,
                                                                          samples[i].fields))
                                                         : status_of(get(&c, samples[i].path));
                if (allowed)
                    ck_assert_msg(st != 403 && st != 401 && st < 500, "%s: %s %s -> %d", logins[u],
                                  rt->method, samples[i].path, st);
                else
                    ck_assert_msg(st == 403, "%s: %s %s -> %d (expected 403)", logins[u],
                                  rt->method, samples[i].path, st);
            }
        }
        ck_assert_int_eq(status_of(post(&c, "/logout", "")), 303);
    }
}
END_TEST

START_TEST(audit_of_person_views)
{
    struct client c;
    struct resp r;
    long item = sql_long("SELECT r.id FROM review_items r JOIN pages p ON p.id = r.page_id WHERE "
                         "r.status = 'open' AND p.subject <> '' LIMIT 1");
    long page = sql_long("SELECT page_id FROM review_items WHERE id = %ld", item);
    char path[64], atena[16];
    sqlite3 *h;
    sqlite3_stmt *s;

    sqlite3_open(db, &h);
    char *q = xasprintf("SELECT subject FROM pages WHERE id = %ld", page);
    sqlite3_prepare_v2(h, q, -1, &s, NULL);
    free(q);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    snprintf(atena, sizeof(atena), "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    /* the item screen: who, which person, which screen */
    snprintf(path, sizeof(path), "/item/%ld", item);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "/img/crop/") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse1' AND function = "
                              "'review.show' AND person = '%s'", atena), 1);
    /* the page screen */
    snprintf(path, sizeof(path), "/page/%ld", page);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "<svg") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse1' AND function = "
                              "'web.page' AND person = '%s'", atena), 1);
    /* the person: the reason is asked first, and nothing is shown or logged before it */
    snprintf(path, sizeof(path), "/person/%s", atena);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "処理事由") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function LIKE 'web.person%%' "
                              "AND person = '%s'", atena), 0);
    ck_assert_int_eq(status_of(post(&c, path, "act=view")), 422);
    r = post(&c, path, "act=view&reason=%E8%A8%AA%E5%95%8F&reason_text=%E9%9B%BB%E8%A9%B1%E7%9B%B8%E8%AB%87");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "個人番号") != NULL);
    ck_assert(strstr(r.body, "********") != NULL || strstr(r.body, "(登録なし)") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse1' AND function = "
                              "'web.person' AND person = '%s' AND detail LIKE '%%訪問: 電話相談%%'",
                              atena), 1);
    /* revealing the 個人番号 needs its permission */
    ck_assert_int_eq(status_of(post(&c, path, "act=reveal&reason=x")), 403);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'mynumber.reveal'"), 0);
    /* under 支援措置: the screen says so, and the view is marked in the access log */
    char *flag = xasprintf("UPDATE residents SET shien = 1 WHERE atena = '%s'", atena);
    sql_exec(flag);
    free(flag);
    r = post(&c, path, "act=view&reason=%E8%A8%AA%E5%95%8F&reason_text=%E9%9B%BB%E8%A9%B1%E7%9B%B8%E8%AB%87");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "支援措置") != NULL);
    resp_free(&r);
    ck_assert_int_ge(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse1' AND function = "
                              "'web.person' AND person = '%s' AND detail LIKE '%%[支援措置]'", atena), 1);
    /* the views before the flag are not marked */
    ck_assert_int_ge(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse1' AND function = "
                              "'web.person' AND person = '%s' AND detail NOT LIKE '%%[支援措置]'", atena), 1);
    flag = xasprintf("UPDATE residents SET shien = 0 WHERE atena = '%s'", atena);
    sql_exec(flag);
    free(flag);
}
END_TEST

/*
 * The access-log review screen: a nurse without audit.read is refused; a
 * 管理者 given audit.read sees the month's findings (a nurse's view of a
 * person whose papers never passed through her hands) and marks one 確認済
 * with a comment through the form (CSRF token), which is stored and audited.
 */
START_TEST(audit_review_screen)
{
    struct client nurse, kanri;
    struct resp r;
    char path[96], fields[256], month[16], atena[16];
    struct ymd today = jpdate_day_of(time(NULL));   /* the log's own clock, not the server's */
    long id;
    sqlite3 *h;
    sqlite3_stmt *s;

    snprintf(month, sizeof(month), "%04d-%02d", today.y % 10000, today.m % 100);
    sqlite3_open(db, &h);
    sqlite3_prepare_v2(h, "SELECT subject FROM pages WHERE subject IS NOT NULL AND subject <> '' "
                          "LIMIT 1", -1, &s, NULL);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    snprintf(atena, sizeof(atena), "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
    ck_assert_int_eq(login(&nurse, "nurse1", PW, NULL), 303);
    snprintf(path, sizeof(path), "/audit?month=%s", month);
    ck_assert_int_eq(status_of(get(&nurse, path)), 403);
    ck_assert_int_eq(status_of(post(&nurse, "/audit/mark", "id=1&comment=x")), 403);
    snprintf(fields, sizeof(fields), "/person/%s", atena);
    ck_assert_int_eq(status_of(post(&nurse, fields, "act=view&reason=%E8%A8%AA%E5%95%8F&reason_text=%E9%9B%BB%E8%A9%B1")), 200);

    RUN(db, "users", "grant", "kanri1", "audit.read");
    ck_assert_int_eq(login(&kanri, "kanri1", PW, NULL), 303);
    r = get(&kanri, "/");
    ck_assert_msg(strstr(r.body, "href=\"/audit\"") != NULL, "%s", r.body);
    resp_free(&r);
    r = get(&kanri, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "担当のない住民の閲覧") && strstr(r.body, "nurse1"), "%s", r.body);
    ck_assert_ptr_nonnull(strstr(r.body, "確認済にする"));
    ck_assert_ptr_nonnull(strstr(r.body, "name=\"csrf\""));
    resp_free(&r);
    id = sql_long("SELECT id FROM audit_findings WHERE month = '%s' AND user = 'nurse1' AND rule = "
                  "'unlinked' AND person = '%s'", month, atena);
    ck_assert_int_gt(id, 0);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'kanri1' AND function = "
                              "'audit.review'"), 1);
    /* a comment is needed; then the mark is kept and audited; twice is a conflict */
    snprintf(fields, sizeof(fields), "id=%ld&month=%s&comment=", id, month);
    ck_assert_int_eq(status_of(post(&kanri, "/audit/mark", fields)), 422);
    snprintf(fields, sizeof(fields), "id=%ld&month=%s&comment=%%E6%%A5%%AD%%E5%%8B%%99", id, month);
    ck_assert_int_eq(status_of(post(&kanri, "/audit/mark", fields)), 303);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_findings WHERE id = %ld AND checked_by = "
                              "'kanri1' AND comment = '業務'", id), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'kanri1' AND function = "
                              "'audit.review.mark' AND person = '%s'", atena), 1);
    ck_assert_int_eq(status_of(post(&kanri, "/audit/mark", fields)), 409);
    r = get(&kanri, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(r.body, "class=\"checked\">確認済"));
    resp_free(&r);
    ck_assert_int_eq(status_of(get(&kanri, "/audit?month=2026-13")), 400);
}
END_TEST

struct racer {
    struct client *c;
    const char *path;
    const char *fields;
    int status;
};

static void *race(void *p)
{
    struct racer *x = p;
    char *body = xasprintf("csrf=%s&%s", x->c->csrf, x->fields);
    struct resp r = http("POST", x->path, x->c->cookie, body, NULL);

    x->status = r.status;
    resp_free(&r);
    free(body);
    return NULL;
}

START_TEST(two_nurses_one_item)
{
    struct client a, b;
    struct resp r;
    long item = sql_long("SELECT id FROM review_items WHERE status = 'open' AND kind = 'field' AND "
                         "field = 'weight' LIMIT 1");
    char path[64];
    pthread_t t1, t2;

    snprintf(path, sizeof(path), "/item/%ld", item);
    ck_assert_int_eq(login(&a, "nurse1", PW, NULL), 303);
    ck_assert_int_eq(login(&b, "nurse2", PW, NULL), 303);
    /* both have the item open */
    ck_assert_int_eq(status_of(get(&a, path)), 200);
    ck_assert_int_eq(status_of(get(&b, path)), 200);
    struct racer x = { &a, path, "value=6.54", 0 }, y = { &b, path, "value=6.60", 0 };
    pthread_create(&t1, NULL, race, &x);
    pthread_create(&t2, NULL, race, &y);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    ck_assert_msg((x.status == 303 && y.status == 409) || (x.status == 409 && y.status == 303),
                  "%d %d", x.status, y.status);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_log WHERE item_id = %ld", item), 1);
    /* the one who lost is told, and nothing of theirs was stored */
    r = post(x.status == 409 ? &a : &b, path, "value=7.00");
    ck_assert_int_eq(r.status, 409);
    ck_assert(strstr(r.body, "既に処理されています") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE id = %ld AND value IN "
                              "('6.54', '6.60')", item), 1);
}
END_TEST

START_TEST(page_resolved_on_the_web_lands)
{
    struct client c;
    struct resp r;
    char path[64], loc[256];
    long page = sql_long("SELECT page_id FROM review_items WHERE field = 'weight' LIMIT 1");
    static const struct { const char *field, *value; } v[] = {
        { "jisshi_date", "R8.11.20" }, { "height", "64.5" }, { "weight", "6.54" },
        { "head", "41.0" }, { "chest", "42.5" }, { "shoken", "nashi" },
        { "sogo_hantei", "ijonashi" }, { "ishi", "1" },
    };

    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    /* a value that does not fit the field is refused, named, and changes nothing */
    long w = sql_long("SELECT id FROM review_items WHERE field = 'weight' AND page_id = %ld", page);
    snprintf(path, sizeof(path), "/item/%ld", w);
    r = post(&c, path, "value=99.99");
    ck_assert_int_eq(r.status, 422);
    ck_assert(strstr(r.body, "体重") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE id = %ld AND status = 'open'", w), 1);
    /* every item of the page, through the item screen as the keyboard would send it */
    for (;;) {
        long id = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' "
                           "ORDER BY id LIMIT 1", page);
        if (id <= 0)
            break;
        const char *value = NULL;
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
            if (sql_long("SELECT count(*) FROM review_items WHERE id = %ld AND field = '%s'", id,
                         v[k].field) == 1)
                value = v[k].value;
        char fields[128];
        snprintf(fields, sizeof(fields), value ? "value=%s" : "act=reject", value);
        snprintf(path, sizeof(path), "/item/%ld", id);
        r = post(&c, path, fields);
        ck_assert_msg(r.status == 303, "item %ld: %d %s", id, r.status, r.body);
        header(&r, "Location", loc, sizeof(loc));
        ck_assert(strncmp(loc, "/item/next?", 11) == 0);
        resp_free(&r);
    }
    ck_assert(strstr(loc, "landed=1") != NULL);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE weight_kg = 6.54 AND height_cm = "
                              "64.5 AND result = 'ijonashi' AND exam_date = '2026-11-20'"), 1);
    ck_assert_int_eq(sql_long("SELECT status = 'landed' FROM pages WHERE id = %ld", page), 1);
    /* the next item follows without a full page: a fragment of <main> */
    r = get(&c, "/item/next?after=0&risk=1000&frag=1");
    ck_assert_int_eq(r.status, 303);
    header(&r, "Location", loc, sizeof(loc));
    ck_assert(strstr(loc, "frag=1") != NULL);
    resp_free(&r);
    r = get(&c, loc);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strncmp(r.body, "<main", 5) == 0);
    resp_free(&r);
    struct tl_result t;
    tl_boshi_run(&t, db, NULL, "audit", "verify", NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    tl_result_free(&t);
}
END_TEST

/*
 * A 新生児聴覚検査費用助成券 with a リファー whose baby cannot be decided (twins):
 * the item screen asks for the child's 宛名番号; one of another 世帯 is refused,
 * the twin lands the page with the follow-up for that child.
 */
START_TEST(hearing_child_named_on_the_web)
{
    char mother[16] = "", child[16] = "", q[640], *csv = tl_path(dir, "c.csv"), *out = tl_path(dir, "c");
    char *pdf = tl_path(dir, "c.pdf"), path[64], loc[256];
    struct tl_result t;
    struct client c;
    struct resp r;
    sqlite3 *h;
    sqlite3_stmt *s;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT m.atena, min(c.atena) FROM residents m JOIN residents c "
                                           "ON c.setai = m.setai AND c.zokugara = '子' AND c.status = 1 AND "
                                           "c.birth BETWEEN '2026-05-24' AND '2026-11-20' WHERE m.sex = 2 AND "
                                           "m.zokugara IN ('妻', '世帯主') AND m.status = 1 GROUP BY m.atena "
                                           "HAVING count(*) = 1 ORDER BY m.atena LIMIT 1", -1, &s, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    snprintf(mother, sizeof(mother), "%s", (const char *)sqlite3_column_text(s, 0));
    snprintf(child, sizeof(child), "%s", (const char *)sqlite3_column_text(s, 1));
    sqlite3_finalize(s);
    sqlite3_close(h);
    /* her twin, born the same day */
    snprintf(q, sizeof(q), "CREATE TEMP TABLE t AS SELECT * FROM residents WHERE atena = '%s'; "
                           "UPDATE t SET atena = '9999999902', mynumber_enc = NULL, mynumber_idx = NULL; "
                           "INSERT INTO residents SELECT * FROM t;", child);
    sql_exec(q);
    RUN(db, "forms", "print", "choukaku_jushinken", "--person", mother, "-o", pdf);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT i.form, i.person, i.issue_id, r.name, r.kana, r.birth "
                                           "FROM issues_printed i JOIN residents r ON r.atena = i.person "
                                           "WHERE i.form = 'choukaku_jushinken' AND i.seq = 1", -1, &s, NULL),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
    FILE *f = fopen(csv, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "form,subject,issue,name,kana,birth\n%s,%s,%s,\"%s\",\"%s\",%s\n", sqlite3_column_text(s, 0),
            sqlite3_column_text(s, 1), sqlite3_column_text(s, 2), sqlite3_column_text(s, 3),
            sqlite3_column_text(s, 4), sqlite3_column_text(s, 5));
    fclose(f);
    sqlite3_finalize(s);
    sqlite3_close(h);
    RUN(db, "demo", "scan", "--store", "--from-issues", csv, "--pages", "1", "--profile", "clean", "--seed",
        "7", "--as-of", "2026-11-20", "--set", "kekka_migi=refer:tick", "--set", "kekka_hidari=pass:tick",
        "-o", out);
    RUN(db, "intake", "--name", "hearing", out);
    long page = sql_long("SELECT id FROM pages WHERE form = 'choukaku_jushinken'");
    ck_assert_int_gt(page, 0);
    /* the field items as the clinic wrote them (the CLI), then the baby on the web */
    for (int guard = 0; guard < 40; guard++) {
        long id = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' AND "
                           "field NOT LIKE '(%%' ORDER BY id LIMIT 1", page);
        if (id <= 0)
            break;
        char sid[24];
        snprintf(sid, sizeof(sid), "%ld", id);
        tl_boshi_run(&t, db, NULL, "review", "accept", sid, NULL);
        if (t.status != 0) {
            tl_result_free(&t);
            tl_boshi_run(&t, db, NULL, "review", "reject", sid, NULL);
        }
        ck_assert_msg(t.status == 0, "%s", t.err);
        tl_result_free(&t);
    }
    long item = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' AND "
                         "field = '(子)'", page);
    ck_assert_int_gt(item, 0);
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    snprintf(path, sizeof(path), "/item/%ld", item);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "お子さんの宛名番号") != NULL && strstr(r.body, "特定できません") != NULL,
                  "%s", r.body);
    resp_free(&r);
    r = post(&c, path, "value=");
    ck_assert_int_eq(r.status, 422);
    resp_free(&r);
    char other[16] = "";
    {
        long o = sql_long("SELECT atena FROM residents WHERE zokugara = '子' AND setai <> (SELECT setai "
                          "FROM residents WHERE atena = '%s') ORDER BY atena LIMIT 1", mother);
        snprintf(other, sizeof(other), "%010ld", o);
    }
    char fields[64];
    snprintf(fields, sizeof(fields), "value=%s", other);
    r = post(&c, path, fields);
    ck_assert_int_eq(r.status, 422);
    ck_assert_msg(strstr(r.body, "世帯") != NULL, "%s", r.body);
    resp_free(&r);
    r = post(&c, path, "value=9999999902");
    ck_assert_msg(r.status == 303, "%d %s", r.status, r.body);
    header(&r, "Location", loc, sizeof(loc));
    ck_assert_msg(strstr(loc, "landed=1") != NULL, "%s", loc);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM vouchers v JOIN checkups k ON k.id = v.followup_checkup_id "
                              "WHERE v.page_id = %ld AND v.child = '9999999902' AND k.person = '9999999902' "
                              "AND k.result = 'yoseimitsu'", page), 1);
    free(csv);
    free(out);
    free(pdf);
}
END_TEST

/*
 * Undo and real choices (issue 12): a landed value changed on the page
 * screen with a reason (refused without one), the record landed again and
 * the change logged; the person screen in labels and Japan time with a
 * link to the pages; an 「(発行)」 item is a choice (text refused); an
 * impossible suggestion is never offered; the queue's days are text in 和暦.
 */
START_TEST(undo_and_choices)
{
    struct client c;
    struct resp r;
    char path[96], loc[256], atena[16] = "";
    long page = sql_long("SELECT page_id FROM review_items WHERE field = 'weight' LIMIT 1");
    static const struct { const char *field, *value; } v[] = {
        { "jisshi_date", "R8.11.20" }, { "height", "64.5" }, { "weight", "6.54" },
        { "head", "41.0" }, { "chest", "42.5" }, { "shoken", "nashi" },
        { "sogo_hantei", "ijonashi" }, { "ishi", "1" },
    };

    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    for (;;) {
        long id = sql_long("SELECT id FROM review_items WHERE page_id = %ld AND status = 'open' "
                           "ORDER BY id LIMIT 1", page);
        if (id <= 0)
            break;
        const char *value = NULL;
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
            if (sql_long("SELECT count(*) FROM review_items WHERE id = %ld AND field = '%s'", id,
                         v[k].field) == 1)
                value = v[k].value;
        char fields[128];
        snprintf(fields, sizeof(fields), value ? "value=%s" : "act=reject", value);
        snprintf(path, sizeof(path), "/item/%ld", id);
        ck_assert_int_eq(status_of(post(&c, path, fields)), 303);
    }
    ck_assert_int_eq(sql_long("SELECT status = 'landed' FROM pages WHERE id = %ld", page), 1);
    /* the page screen: how the scanner saw it, and outlines through the page's registration */
    snprintf(path, sizeof(path), "/page/%ld", page);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "読取条件: 200 dpi") != NULL, "%s", r.body);
    ck_assert(strstr(r.body, "<polygon class=\"d-") != NULL);
    ck_assert(strstr(r.body, "viewBox=\"0 0 210 297\"") == NULL);
    resp_free(&r);
    /* the page screen offers to change a settled value */
    snprintf(path, sizeof(path), "/page/%ld?edit=weight", page);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "id=\"edit\"") != NULL && strstr(r.body, "理由") != NULL);
    resp_free(&r);
    snprintf(path, sizeof(path), "/page/%ld", page);
    ck_assert_int_eq(status_of(post(&c, path, "edit=weight&how=set&value=7.01&reason=")), 422);
    ck_assert_int_eq(status_of(post(&c, path, "edit=weight&how=set&value=99.99&reason=x")), 422);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE weight_kg = 6.54"), 1);
    ck_assert_int_eq(sql_long("SELECT status = 'landed' FROM pages WHERE id = %ld", page), 1);
    r = post(&c, path, "edit=weight&how=set&value=7.01&reason="
                       "%E6%9C%AC%E4%BA%BA%E3%81%AB%E9%9B%BB%E8%A9%B1%E3%81%A7%E7%A2%BA%E8%AA%8D");
    ck_assert_int_eq(r.status, 303);
    header(&r, "Location", loc, sizeof(loc));
    ck_assert_msg(strstr(loc, "edited=weight") != NULL && strstr(loc, "landed=1") != NULL, "%s", loc);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM checkups WHERE weight_kg = 7.01"), 1);
    ck_assert_int_eq(sql_long("SELECT status = 'landed' FROM pages WHERE id = %ld", page), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_log WHERE reason = '本人に電話で確認' AND "
                              "((action = 'reopened' AND before = '6.54') OR (action = 'corrected' "
                              "AND after = '7.01'))"), 2);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE user = 'nurse1' AND function = "
                              "'review.reopen'"), 1);
    /* the person screen: labels, Japan time, and the page the record came from */
    {
        sqlite3 *h;
        sqlite3_stmt *st;
        sqlite3_open(db, &h);
        char *q = xasprintf("SELECT subject FROM pages WHERE id = %ld", page);
        sqlite3_prepare_v2(h, q, -1, &st, NULL);
        free(q);
        if (sqlite3_step(st) == SQLITE_ROW)
            snprintf(atena, sizeof(atena), "%s", (const char *)sqlite3_column_text(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(h);
    }
    char *ins = xasprintf("INSERT INTO referrals(checkup_id, person, targets, created_at) SELECT id, "
                          "person, 'mimi,sonota', '2026-12-02T19:31:46.968Z' FROM checkups WHERE "
                          "person = '%s'", atena);
    sql_exec(ins);
    free(ins);
    snprintf(path, sizeof(path), "/person/%s", atena);
    r = post(&c, path, "act=view&reason=%E8%AA%AD%E5%8F%96%E7%A2%BA%E8%AA%8D%E3%81%AE%E3%81%9F%E3%82%81");
    ck_assert_int_eq(r.status, 200);
    ck_assert_msg(strstr(r.body, "mimi") == NULL && strstr(r.body, "T19:31") == NULL, "%s", r.body);
    ck_assert(strstr(r.body, "令和8年12月3日 4:31") != NULL);
    snprintf(loc, sizeof(loc), "href=\"/page/%ld\"", page);
    ck_assert(strstr(r.body, loc) != NULL);
    resp_free(&r);

    /* an 「(発行)」 item: two choices, never free text */
    long other = sql_long("SELECT page_id FROM review_items WHERE status = 'open' AND page_id <> %ld "
                          "LIMIT 1", page);
    char *iss = xasprintf("INSERT INTO review_items(page_id, field, kind, reason, risk, created_at) "
                          "VALUES (%ld, '(発行)', 'issue', '発行番号のない用紙', 60, "
                          "'2026-12-01T00:00:00.000Z')", other);
    sql_exec(iss);
    free(iss);
    long issue = sql_long("SELECT max(id) FROM review_items");
    snprintf(path, sizeof(path), "/item/%ld", issue);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "id=\"use\"") != NULL && strstr(r.body, "id=\"drop\"") != NULL);
    ck_assert(strstr(r.body, "id=\"value\"") == NULL);
    resp_free(&r);
    ck_assert_int_eq(status_of(post(&c, path, "value=123")), 422);
    ck_assert_int_eq(status_of(post(&c, path, "")), 422);
    ck_assert_int_eq(sql_long("SELECT status = 'open' FROM review_items WHERE id = %ld", issue), 1);
    /* an impossible suggestion is not offered, and Enter cannot store it */
    long h445 = sql_long("SELECT id FROM review_items WHERE status = 'open' AND field = 'height' LIMIT 1");
    if (h445 > 0) {
        char *u = xasprintf("UPDATE review_items SET suggested = '445' WHERE id = %ld", h445);
        sql_exec(u);
        free(u);
        snprintf(path, sizeof(path), "/item/%ld", h445);
        r = get(&c, path);
        ck_assert_int_eq(r.status, 200);
        ck_assert(strstr(r.body, "placeholder=\"445\"") == NULL);
        ck_assert(strstr(r.body, "id=\"accept\">登録 ") == NULL);
        resp_free(&r);
        ck_assert_int_eq(status_of(post(&c, path, "value=")), 422);
        ck_assert_int_eq(sql_long("SELECT status = 'open' FROM review_items WHERE id = %ld", h445), 1);
    }
    snprintf(path, sizeof(path), "/item/%ld", issue);
    ck_assert_int_eq(status_of(post(&c, path, "value=drop")), 303);
    ck_assert_int_eq(sql_long("SELECT status = 'rejected' FROM pages WHERE id = %ld", other), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE page_id = %ld AND status = "
                              "'open'", other), 0);
    /* a 住登外 mother registered from the identity screen (a 妊娠届出書's first page) */
    long third = sql_long("SELECT page_id FROM review_items WHERE status = 'open' AND page_id NOT IN "
                          "(%ld, %ld) LIMIT 1", page, other);
    ck_assert_int_gt(third, 0);
    char *mk = xasprintf("UPDATE pages SET form = 'ninshin_todoke', version = 1, page_no = 1, subject = NULL WHERE id = %ld; "
                         "INSERT INTO review_items(page_id, field, kind, reason, risk, created_at) VALUES "
                         "(%ld, '(本人)', 'identity', '住民記録に該当する候補がありません', 100, "
                         "'2026-12-01T00:00:00.000Z')", third, third);
    sql_exec(mk);
    free(mk);
    long ident = sql_long("SELECT max(id) FROM review_items");
    /* the sheet says 平成7年4月1日; the first candidate was born on another day: never the default */
    char *cand = xasprintf("INSERT INTO readings(page_id, field, read_value, confidence, decision) VALUES "
                           "(%ld, 'birth_date', 'H7.4.1', 0.5, 'review'); UPDATE review_items SET suggested = "
                           "(SELECT atena FROM residents WHERE birth <> '1995-04-01' AND sex = 2 AND birth < "
                           "'2000-01-01' ORDER BY atena LIMIT 1) WHERE id = %ld", third, ident);
    sql_exec(cand);
    free(cand);
    snprintf(path, sizeof(path), "/item/%ld", ident);
    /* candidates under 支援措置 are marked, their address never listed */
    sql_exec("UPDATE residents SET shien = 1 WHERE birth = '1995-04-01'");
    long flagged = sql_long("SELECT count(*) FROM residents WHERE shien = 1");
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    if (flagged > 0) {
        ck_assert(strstr(r.body, "<span class=\"warn\">支援措置</span>") != NULL);
        ck_assert(strstr(r.body, "支援措置のため表示しません") != NULL);
    }
    resp_free(&r);
    sql_exec("UPDATE residents SET shien = 0");
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "平成7年4月1日") != NULL);             /* the sheet's reading shown */
    ck_assert(strstr(r.body, "id=\"accept\">登録 ") == NULL);        /* not offered by Enter */
    resp_free(&r);
    r = post(&c, path, "value=");
    ck_assert_int_eq(r.status, 422);
    ck_assert(strstr(r.body, "生年月日が用紙と違います") != NULL);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT status = 'open' FROM review_items WHERE id = %ld", ident), 1);
    r = get(&c, path);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "id=\"register\"") != NULL);
    ck_assert(strstr(r.body, "id=\"sheet-readings\"") != NULL);     /* the sheet's カナ and 生年月日 */
    resp_free(&r);
    /* 架空　花子 / カクウ　ハナコ / H7.4.1 / 住民票は他市 */
    ck_assert_int_eq(status_of(post(&c, path, "act=register&u_name=%E6%9E%B6%E7%A9%BA%E3%80%80%E8%8A%B1%E5%AD%90"
                                              "&u_kana=%E3%82%AB%E3%82%AF%E3%82%A6%E3%80%80%E3%83%8F%E3%83%8A%E3%82%B3"
                                              "&u_birth=H7.4.1&u_reason=")), 422);   /* a reason is needed */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM persons_unregistered"), 0);
    ck_assert_int_eq(status_of(post(&c, path, "act=register&u_name=%E6%9E%B6%E7%A9%BA%E3%80%80%E8%8A%B1%E5%AD%90"
                                              "&u_kana=%E3%82%AB%E3%82%AF%E3%82%A6%E3%80%80%E3%83%8F%E3%83%8A%E3%82%B3"
                                              "&u_birth=H7.4.1&u_reason=%E4%BD%8F%E6%B0%91%E7%A5%A8%E3%81%AF%E4%BB%96%E5%B8%82")), 303);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM persons_unregistered WHERE birth = '1995-04-01'"), 1);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE id = %ld AND subject LIKE 'U%%'", third), 1);
    ck_assert_int_eq(sql_long("SELECT status = 'corrected' FROM review_items WHERE id = %ld", ident), 1);
    /* the queue's days: text in 和暦, not a browser date picker */
    r = get(&c, "/queue?from=2026-12-01&to=2026-12-31");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "type=\"date\"") == NULL);
    ck_assert(strstr(r.body, "value=\"令和8年12月1日\"") != NULL);
    resp_free(&r);
    struct tl_result t;
    tl_boshi_run(&t, db, NULL, "audit", "verify", NULL);
    ck_assert_msg(t.status == 0, "%s%s", t.out, t.err);
    tl_result_free(&t);
}
END_TEST

START_TEST(grid_resolves_many)
{
    struct client c;
    struct resp r;
    struct buf body;
    sqlite3 *h;
    sqlite3_stmt *s;
    int n = 0;

    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);
    r = get(&c, "/field");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "項目別") != NULL);
    resp_free(&r);
    /* the required blank answers of one question: every sheet at once */
    long any = sql_long("SELECT count(*) FROM review_items WHERE status = 'open' AND field = 'weight'");
    ck_assert_int_gt(any, 0);
    r = get(&c, "/field?form=nyuyoji_4m&field=weight");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(r.body, "class=\"cell\"") != NULL);
    resp_free(&r);
    buf_init(&body);
    buf_adds(&body, "form=nyuyoji_4m&field=weight");
    sqlite3_open(db, &h);
    sqlite3_prepare_v2(h, "SELECT id FROM review_items WHERE status = 'open' AND field = 'weight'",
                       -1, &s, NULL);
    while (sqlite3_step(s) == SQLITE_ROW) {
        long id = sqlite3_column_int64(s, 0);
        buf_addf(&body, "&d_%ld=&c_%ld=%s", id, id, n % 2 ? "7.10" : "6.80");
        n++;
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    r = post(&c, "/field", body.s);
    buf_release(&body);
    ck_assert_int_eq(r.status, 303);
    char loc[256];
    header(&r, "Location", loc, sizeof(loc));
    char want[32];
    snprintf(want, sizeof(want), "ok=%d&", n);
    ck_assert_msg(strstr(loc, want) != NULL, "%s", loc);
    resp_free(&r);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE status = 'open' AND field = "
                              "'weight'"), 0);
}
END_TEST

/* The number in <b id="ID">N</b> of the queue's status line, or -1. */
static int status_num(const char *body, const char *id)
{
    char key[64];
    const char *p;

    snprintf(key, sizeof(key), "id=\"%s\">", id);
    p = strstr(body, key);
    return p ? atoi(p + strlen(key)) : -1;
}

static int count_of(const char *body, const char *needle)
{
    int n = 0;

    for (const char *p = strstr(body, needle); p != NULL; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* The sum of the reason chips' counts (<a class="chip" ...>KEY <b>N</b></a>). */
static int chip_sum(const char *body)
{
    int sum = 0;

    for (const char *p = strstr(body, "class=\"chip\""); p != NULL; p = strstr(p + 1, "class=\"chip\"")) {
        const char *b = strstr(p, "<b>");
        ck_assert_ptr_nonnull(b);
        sum += atoi(b + 3);
    }
    return sum;
}

START_TEST(queue_by_day)
{
    struct client c;
    struct resp r;
    long all = sql_long("SELECT count(*) FROM review_items WHERE status = 'open'");
    long p1 = sql_long("SELECT min(page_id) FROM review_items WHERE status = 'open'");
    long p2 = sql_long("SELECT min(page_id) FROM review_items WHERE status = 'open' AND page_id > %ld", p1);
    long p3 = sql_long("SELECT min(page_id) FROM review_items WHERE status = 'open' AND page_id > %ld", p2);
    long n1, n2, other_item;
    char path[128];

    ck_assert_int_gt(p3, 0);
    /* two pages taken in on 4/1 (its first and its last millisecond, JST), one at 0:00 on 4/2 */
    char *q = xasprintf("UPDATE pages SET read_at = '2026-03-31T15:00:00.000Z' WHERE id = %ld; "
                        "UPDATE pages SET read_at = '2026-04-01T14:59:59.999Z' WHERE id = %ld; "
                        "UPDATE pages SET read_at = '2026-04-01T15:00:00.000Z' WHERE id = %ld",
                        p1, p2, p3);
    sql_exec(q);
    free(q);
    n1 = sql_long("SELECT count(*) FROM review_items WHERE status = 'open' AND page_id IN (%ld, %ld)", p1, p2);
    n2 = sql_long("SELECT count(*) FROM review_items WHERE status = 'open' AND page_id = %ld", p3);
    other_item = sql_long("SELECT min(id) FROM review_items WHERE status = 'open' AND page_id = %ld", p3);
    ck_assert_int_gt(n1, 0);
    ck_assert_int_gt(n2, 0);
    ck_assert_int_gt(all, n1 + n2);
    ck_assert_int_eq(login(&c, "nurse1", PW, NULL), 303);

    /* no filter: everything, and the reasons' counts add up to it */
    r = get(&c, "/queue");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(count_of(r.body, "<tr data-href="), all < 300 ? all : 300);
    ck_assert_int_eq(chip_sum(r.body), all);
    ck_assert_int_eq(status_num(r.body, "left-all"), all);
    ck_assert_int_eq(status_num(r.body, "left-filter"), -1);     /* no filter, no second number */
    ck_assert(strstr(r.body, "class=\"day\" name=\"from\"") != NULL);   /* 和暦 or ISO typed */
    resp_free(&r);

    /* one day: only that day's items, counted under the filter, the day in 和暦 */
    r = get(&c, "/queue?reason=&form=&batch=&from=2026-04-01&to=2026-04-01");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(count_of(r.body, "<tr data-href="), n1);
    ck_assert_int_eq(chip_sum(r.body), n1);
    ck_assert_int_eq(status_num(r.body, "left-filter"), n1);
    ck_assert_int_eq(status_num(r.body, "left-all"), all);
    ck_assert(strstr(r.body, "取込日 令和8年4月1日") != NULL);
    ck_assert(strstr(r.body, "value=\"令和8年4月1日\"") != NULL);
    ck_assert(strstr(r.body, "from=2026-04-01&amp;to=2026-04-01") != NULL);   /* chips keep the days */
    snprintf(path, sizeof(path), "href=\"/item/%ld?", other_item);   /* the link keeps the filters */
    ck_assert(strstr(r.body, path) == NULL);
    resp_free(&r);

    /* the next day, typed in 和暦; then both days */
    r = get(&c, "/queue?from=R8.4.2&to=%E4%BB%A4%E5%92%8C8%E5%B9%B44%E6%9C%882%E6%97%A5");
    ck_assert_int_eq(r.status, 200);
    ck_assert_int_eq(count_of(r.body, "<tr data-href="), n2);
    ck_assert_int_eq(chip_sum(r.body), n2);
    ck_assert(strstr(r.body, path) != NULL);
    resp_free(&r);
    r = get(&c, "/queue?from=2026-04-01&to=2026-04-02");
    ck_assert_int_eq(count_of(r.body, "<tr data-href="), n1 + n2);
    ck_assert(strstr(r.body, "取込日 令和8年4月1日〜令和8年4月2日") != NULL);
    resp_free(&r);
    /* open-ended: up to 4/1 */
    r = get(&c, "/queue?to=2026-04-01");
    ck_assert_int_eq(count_of(r.body, "<tr data-href="), n1);
    resp_free(&r);

    /* days that cannot be read: said in the page, naming the field, nothing listed, not a 500 */
    r = get(&c, "/queue?from=abc");
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "取込日 (から) の日付が読めません「abc」") != NULL);
    ck_assert_int_eq(count_of(r.body, "<tr data-href="), 0);
    ck_assert_int_eq(status_num(r.body, "left-all"), all);
    resp_free(&r);
    r = get(&c, "/queue?to=2026-02-30");
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "取込日 (まで) の日付が読めません") != NULL);
    resp_free(&r);
    r = get(&c, "/queue?from=2026-04-02&to=2026-04-01");
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "より後の日付です") != NULL);
    resp_free(&r);
    r = get(&c, "/queue?from=%3Cscript%3E");
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "<script>") == NULL);
    resp_free(&r);
    /* a long value is cut on a character boundary: 15 × 「あ」 (3 bytes each) → 13 */
    r = get(&c, "/queue?from=%E3%81%82%E3%81%82%E3%81%82%E3%81%82%E3%81%82%E3%81%82%E3%81%82"
                "%E3%81%82%E3%81%82%E3%81%82%E3%81%82%E3%81%82%E3%81%82%E3%81%82%E3%81%82");
    ck_assert_int_eq(r.status, 400);
    ck_assert(strstr(r.body, "「ああああああああああああああ」") == NULL);
    ck_assert(strstr(r.body, "「あああああああああああああ」") != NULL);
    resp_free(&r);
}
END_TEST

/* Rejects one open field item on the web (a blank is always a valid answer). */
static void web_reject(struct client *c, long id)
{
    char path[64];

    snprintf(path, sizeof(path), "/item/%ld", id);
    ck_assert_int_eq(status_of(post(c, path, "act=reject")), 303);
}

START_TEST(done_today)
{
    struct client a, b;
    struct resp r;
    long all = sql_long("SELECT count(*) FROM review_items WHERE status = 'open'");
    long id[3];

    /* today is the Japan day of the server's clock; resolutions are stamped by the real one */
    fake_now = time(NULL);
    for (int i = 0; i < 3; i++)
        id[i] = sql_long("SELECT id FROM review_items WHERE status = 'open' AND kind = 'field' "
                         "ORDER BY id LIMIT 1 OFFSET %d", i);
    ck_assert_int_eq(login(&a, "nurse1", PW, NULL), 303);
    ck_assert_int_eq(login(&b, "nurse2", PW, NULL), 303);
    r = get(&a, "/queue");
    ck_assert_int_eq(status_num(r.body, "done-me"), 0);
    ck_assert_int_eq(status_num(r.body, "done-all"), 0);
    ck_assert_int_eq(status_num(r.body, "left-all"), all);
    resp_free(&r);
    web_reject(&a, id[0]);
    web_reject(&a, id[1]);
    web_reject(&b, id[2]);
    r = get(&a, "/queue");
    ck_assert_int_eq(status_num(r.body, "done-me"), 2);
    ck_assert_int_eq(status_num(r.body, "done-all"), 3);
    ck_assert_int_eq(status_num(r.body, "left-all"), all - 3);
    resp_free(&r);
    r = get(&b, "/queue");
    ck_assert_int_eq(status_num(r.body, "done-me"), 1);
    ck_assert_int_eq(status_num(r.body, "done-all"), 3);
    resp_free(&r);
    /* one resolved a millisecond before 00:00 JST belongs to yesterday */
    struct ymd today = jpdate_day_of(fake_now);
    time_t start = jpdate_day_start(today);
    struct tm tm;
    char at[40];
    start--;
    gmtime_r(&start, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%S.999Z", &tm);
    char *q = xasprintf("UPDATE review_items SET resolved_at = '%s' WHERE id = %ld", at, id[0]);
    sql_exec(q);
    free(q);
    r = get(&a, "/queue");
    ck_assert_int_eq(status_num(r.body, "done-me"), 1);
    ck_assert_int_eq(status_num(r.body, "done-all"), 2);
    char day[40];
    jpdate_format(today, day, sizeof(day));
    ck_assert(strstr(r.body, day) != NULL);
    resp_free(&r);
    /* the day rolls over at 00:00 JST on the server's clock (a new session: hours idle) */
    fake_now = jpdate_day_start(ymd_from_days(ymd_to_days(today) + 1));
    ck_assert_int_eq(login(&a, "nurse1", PW, NULL), 303);
    r = get(&a, "/queue");
    ck_assert_int_eq(status_num(r.body, "done-me"), 0);
    ck_assert_int_eq(status_num(r.body, "done-all"), 0);
    resp_free(&r);
}
END_TEST

/* ---- many nurses at once ------------------------------------------------------------ */

#define DESKS 8

/* What a nurse sends for each item: the right value where the sheet was left blank. */
struct plan {
    long id;
    char fields[64];
};
static struct plan *plans;
static size_t nplans;

static void plan_items(void)
{
    static const struct { const char *field, *value; } v[] = {
        { "jisshi_date", "R8.11.20" }, { "height", "64.5" }, { "weight", "6.54" },
        { "head", "41.0" }, { "chest", "42.5" }, { "shoken", "nashi" },
        { "sogo_hantei", "ijonashi" }, { "ishi", "1" },
    };
    sqlite3 *h;
    sqlite3_stmt *s;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT id, field, coalesce(suggested, '') FROM "
                                           "review_items WHERE status = 'open'", -1, &s, NULL),
                     SQLITE_OK);
    nplans = 0;
    plans = NULL;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *field = (const char *)sqlite3_column_text(s, 1);
        const char *sug = (const char *)sqlite3_column_text(s, 2);
        struct plan *p;
        plans = xrealloc(plans, (nplans + 1) * sizeof(*plans));
        p = &plans[nplans++];
        p->id = sqlite3_column_int64(s, 0);
        snprintf(p->fields, sizeof(p->fields), "%s", *sug ? "act=auto&value=" : "act=reject");
        for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++)
            if (strcmp(field, v[k].field) == 0)
                snprintf(p->fields, sizeof(p->fields), "value=%s", v[k].value);
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
}

static const char *plan_for(long id)
{
    for (size_t i = 0; i < nplans; i++)
        if (plans[i].id == id)
            return plans[i].fields;
    return "act=reject";
}

struct desk {
    const char *user;
    int resolved, conflicts, requests, images;
    int bad;                      /* answers other than 200 / 303 / 409 */
    char first_bad[160];
};

static void desk_note(struct desk *d, const char *method, const char *path, int status)
{
    d->requests++;
    if (status == 200 || status == 303 || status == 409)
        return;
    if (d->bad++ == 0)
        snprintf(d->first_bad, sizeof(d->first_bad), "%s %s -> %d", method, path, status);
}

/* GETs path; returns the answer (its status noted). */
static struct resp desk_get(struct desk *d, struct client *c, const char *path)
{
    struct resp r = get(c, path);

    desk_note(d, "GET", path, r.status);
    return r;
}

/* Every image the item screen shows: the crop and the page with the field outlined. */
static void desk_images(struct desk *d, struct client *c, const char *html)
{
    static const char *const kinds[] = { "src=\"/img/crop/", "src=\"/img/page/" };

    for (size_t k = 0; k < 2; k++) {
        const char *p = strstr(html, kinds[k]);
        if (p == NULL)
            continue;
        char path[128];
        p += strlen("src=\"");
        snprintf(path, sizeof(path), "%.*s", (int)strcspn(p, "\""), p);
        struct resp r = desk_get(d, c, path);
        if (r.status == 200) {
            d->images++;
            if (strncmp(r.body, "\x89PNG", 4) != 0)
                desk_note(d, "GET (not a PNG)", path, 0);
        }
        resp_free(&r);
    }
}

/* A nurse at a desk: the queue, then the next item again and again until none is left. */
static void *desk_work(void *p)
{
    struct desk *d = p;
    struct client c;
    char next[300] = "/item/next?after=0&risk=1000", loc[300];

    if (login(&c, d->user, PW, NULL) != 303) {
        desk_note(d, "POST", "/login", 0);
        return NULL;
    }
    struct resp q = desk_get(d, &c, "/queue");
    resp_free(&q);
    for (int round = 0; round < 400; round++) {
        struct resp r = desk_get(d, &c, next);
        long id = 0;
        if (r.status == 200 && strstr(r.body, "確認待ちはすべて終わりました") != NULL) {
            resp_free(&r);
            break;
        }
        header(&r, "Location", loc, sizeof(loc));
        resp_free(&r);
        if (sscanf(loc, "/item/%ld", &id) != 1) {
            desk_note(d, "GET (no next item)", next, 0);
            break;
        }
        char path[64];
        snprintf(path, sizeof(path), "/item/%ld", id);
        r = desk_get(d, &c, path);
        if (r.status == 200)
            desk_images(d, &c, r.body);
        resp_free(&r);
        r = post(&c, path, plan_for(id));
        desk_note(d, "POST", path, r.status);
        if (r.status == 303) {
            d->resolved++;
            header(&r, "Location", next, sizeof(next));
        } else {
            d->conflicts += r.status == 409;
            snprintf(next, sizeof(next), "/item/next?after=%ld&risk=0", id);
        }
        resp_free(&r);
    }
    struct resp out = post(&c, "/logout", "");
    desk_note(d, "POST", "/logout", out.status);
    resp_free(&out);
    return NULL;
}

/* DESKS nurses work the whole queue at once: every item is resolved exactly once. */
static void work_the_queue_at_once(void)
{
    struct desk desks[DESKS];
    pthread_t t[DESKS];
    long open = sql_long("SELECT count(*) FROM review_items WHERE status = 'open'");
    int resolved = 0, images = 0;

    ck_assert_int_gt(open, 8);
    plan_items();
    memset(desks, 0, sizeof(desks));
    for (int i = 0; i < DESKS; i++) {
        desks[i].user = i % 2 ? "nurse2" : "nurse1";
        pthread_create(&t[i], NULL, desk_work, &desks[i]);
    }
    for (int i = 0; i < DESKS; i++)
        pthread_join(t[i], NULL);
    free(plans);
    plans = NULL;
    for (int i = 0; i < DESKS; i++) {
        ck_assert_msg(desks[i].bad == 0, "desk %d: %d bad answers, first: %s", i, desks[i].bad,
                      desks[i].first_bad);
        resolved += desks[i].resolved;
        images += desks[i].images;
    }
    /* every item resolved, exactly once, by exactly one successful POST */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_items WHERE status = 'open'"), 0);
    ck_assert_int_eq(resolved, open);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM review_log"), open);
    ck_assert_int_eq(sql_long("SELECT count(DISTINCT item_id) FROM review_log"), open);
    ck_assert_int_eq(sql_long("SELECT count(*) FROM audit_log WHERE function = 'review.resolve'"),
                     open);
    ck_assert_int_gt(images, 0);
    /* pages whose items are all resolved landed (or were rejected), none is left waiting */
    ck_assert_int_eq(sql_long("SELECT count(*) FROM pages WHERE status = 'queued'"), 0);
    /* the audit chain holds with entries appended from many connections at once */
    struct tl_result v;
    tl_boshi_run(&v, db, NULL, "audit", "verify", NULL);
    ck_assert_msg(v.status == 0, "%s%s", v.out, v.err);
    tl_result_free(&v);
}

START_TEST(many_nurses_at_once)
{
    work_the_queue_at_once();
}
END_TEST

/* With one store connection: a request waiting for a page image holds none, so none is stuck. */
START_TEST(many_nurses_on_one_connection)
{
    struct review_server_opts o;
    struct berr e;

    review_server_stop(&srv);
    memset(&o, 0, sizeof(o));
    o.store_path = db;
    o.forms = forms;
    o.listen = "127.0.0.1:0";
    o.threads = 1;
    ck_assert_msg(review_server_start(&o, &srv, &e) == 0, "%s", e.msg);
    port = review_server_port(srv);
    work_the_queue_at_once();
}
END_TEST

START_TEST(plain_http_only_on_loopback)
{
    struct review_server_opts o;
    struct review_server *s2 = NULL;
    struct berr e;

    memset(&o, 0, sizeof(o));
    o.store_path = db;
    o.forms = forms;
    o.listen = "0.0.0.0:0";
    ck_assert_int_eq(review_server_start(&o, &s2, &e), BERR_INVALID);
    ck_assert(strstr(e.msg, "--insecure") != NULL);
    o.listen = "127.0.0.1:99999";
    ck_assert_int_eq(review_server_start(&o, &s2, &e), BERR_INVALID);
    o.listen = "0.0.0.0:0";
    o.tls_cert_pem = "x";
    ck_assert_int_eq(review_server_start(&o, &s2, &e), BERR_INVALID);   /* a cert needs a key */
    ck_assert(s2 == NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("review_web");
    TCase *tc = tcase_create("server");
    int failed;

    build_template();
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, login_sessions_and_headers);
    tcase_add_test(tc, csrf_and_origin);
    tcase_add_test(tc, lockout_after_five_failures);
    tcase_add_test(tc, idle_timeout_and_revocation);
    tcase_add_test(tc, sessions_shared_by_two_servers);
    tcase_add_test(tc, role_matrix);
    tcase_add_test(tc, audit_of_person_views);
    tcase_add_test(tc, audit_review_screen);
    tcase_add_test(tc, two_nurses_one_item);
    tcase_add_test(tc, page_resolved_on_the_web_lands);
    tcase_add_test(tc, undo_and_choices);
    tcase_add_test(tc, grid_resolves_many);
    tcase_add_test(tc, queue_by_day);
    tcase_add_test(tc, done_today);
    tcase_add_test(tc, many_nurses_at_once);
    tcase_add_test(tc, many_nurses_on_one_connection);
    tcase_add_test(tc, hearing_child_named_on_the_web);
    tcase_add_test(tc, plain_http_only_on_loopback);
    suite_add_tcase(s, tc);
    /* issue 11: redirects, starving connections, 個人番号 images */
    TCase *th = tcase_create("hardening");
    tcase_add_checked_fixture(th, setup, teardown);
    tcase_set_timeout(th, 300);
    tcase_add_test(th, login_next_stays_on_this_site);
    tcase_add_test(th, a_login_gets_through_idle_and_slow_sockets);
    tcase_add_test(th, mynumber_images_masked_and_logged);
    suite_add_tcase(s, th);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    tl_rmtree(tmpl_dir);
    free(tmpl_dir);
    free(tmpl_db);
    return failed ? 1 : 0;
}
