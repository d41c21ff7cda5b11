/*
 * testlib.c: see testlib.h.
 */
#include "tests/lib/testlib.h"
#include "base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *tl_tmpdir(void)
{
    const char *base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *t = xasprintf("%s/boshi-test-XXXXXX", base);

    if (mkdtemp(t) == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *f)
{
    (void)sb; (void)flag; (void)f;
    return remove(p);
}

void tl_rmtree(const char *dir)
{
    if (dir != NULL && getenv("BOSHI_KEEP_TMP") == NULL)
        nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *tl_boshi(void)
{
    const char *b = getenv("BOSHI_BIN");

    return b ? b : "./boshi";
}

const char *tl_src(void)
{
    const char *s = getenv("BOSHI_SRC");

    return s ? s : ".";
}

char *tl_path(const char *dir, const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

int tl_run(struct tl_result *r, const char *input, const char *const *extra_env,
           const char *const *argv)
{
    int in[2], out[2], err[2];
    pid_t pid;
    struct buf bo, be;
    size_t in_len = input ? strlen(input) : 0, in_off = 0;

    memset(r, 0, sizeof(*r));
    if (pipe(in) || pipe(out) || pipe(err))
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        dup2(in[0], 0); dup2(out[1], 1); dup2(err[1], 2);
        close(in[0]); close(in[1]); close(out[0]); close(out[1]); close(err[0]); close(err[1]);
        for (int i = 0; extra_env && extra_env[i]; i++)
            putenv((char *)extra_env[i]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(in[0]); close(out[1]); close(err[1]);
    signal(SIGPIPE, SIG_IGN);
    if (in_len == 0) {
        close(in[1]);
        in[1] = -1;
    }
    buf_init(&bo);
    buf_init(&be);
    for (;;) {
        struct pollfd p[3] = { { out[0], POLLIN, 0 }, { err[0], POLLIN, 0 }, { in[1], POLLOUT, 0 } };
        int nfds = in[1] >= 0 ? 3 : 2;
        if (p[0].fd < 0 && p[1].fd < 0)
            break;
        if (poll(p, (nfds_t)nfds, -1) < 0 && errno != EINTR)
            break;
        for (int i = 0; i < 2; i++) {
            if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP))) {
                char chunk[65536];
                ssize_t n = read(p[i].fd, chunk, sizeof(chunk));
                if (n <= 0) {
                    close(p[i].fd);
                    if (i == 0) out[0] = -1; else err[0] = -1;
                } else {
                    buf_add(i == 0 ? &bo : &be, chunk, (size_t)n);
                }
            }
        }
        if (nfds == 3 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t n = write(in[1], input + in_off, in_len - in_off);
            if (n > 0)
                in_off += (size_t)n;
            if (n <= 0 || in_off == in_len) {
                close(in[1]);
                in[1] = -1;
            }
        }
        if (out[0] < 0 && err[0] < 0)
            break;
        /* keep struct in sync for the next poll */
        p[0].fd = out[0];
    }
    if (in[1] >= 0)
        close(in[1]);
    int st = 0;
    waitpid(pid, &st, 0);
    r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    r->out = buf_detach(&bo);
    r->err = buf_detach(&be);
    return 0;
}

int tl_boshi_run(struct tl_result *r, const char *db, const char *input, ...)
{
    const char *argv[64];
    int n = 0;
    va_list ap;
    const char *a;

    argv[n++] = tl_boshi();
    if (db != NULL) {
        argv[n++] = "--db";
        argv[n++] = db;
    }
    va_start(ap, input);
    while ((a = va_arg(ap, const char *)) != NULL && n < 63)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    return tl_run(r, input, NULL, argv);
}

void tl_result_free(struct tl_result *r)
{
    free(r->out);
    free(r->err);
    r->out = r->err = NULL;
}

char *tl_read_file(const char *path, size_t *len)
{
    char *s = NULL;
    size_t n = 0;

    if (file_read_all(path, &s, &n, NULL) < 0)
        return NULL;
    if (len)
        *len = n;
    return s;
}

int tl_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        return -1;
    if (fwrite(data, 1, len, f) != len) {
        fclose(f);
        return -1;
    }
    return fclose(f);
}

int tl_file_contains(const char *path, const void *needle, size_t n)
{
    size_t len = 0;
    char *s = tl_read_file(path, &len);
    int found;

    if (s == NULL)
        return 0;
    found = memmem(s, len, needle, n) != NULL;
    free(s);
    return found;
}

int tl_main(Suite *s)
{
    SRunner *sr = srunner_create(s);
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

long tl_sql_long(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    long v = -1;

    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
        v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(h);
    return v;
}

void tl_sql_exec(const char *db, const char *sql)
{
    sqlite3 *h = NULL;
    char *msg = NULL;

    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    ck_assert_msg(sqlite3_exec(h, sql, NULL, NULL, &msg) == SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_close(h);
}

void tl_pdf_clean(const char *pdf)
{
    static const char *const tools[][3] = {
        { "pdftotext", "-layout", NULL }, { "pdffonts", NULL, NULL }, { "pdfinfo", NULL, NULL },
        { "qpdf", "--check", NULL },
    };

    for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
        const char *argv[6];
        int n = 0;
        struct tl_result r;
        for (int k = 0; k < 3 && tools[i][k]; k++)
            argv[n++] = tools[i][k];
        argv[n++] = pdf;
        if (i == 0)
            argv[n++] = "/dev/null";
        argv[n] = NULL;
        tl_run(&r, NULL, NULL, argv);
        ck_assert_msg(r.status == 0, "%s %s: exit %d: %s", tools[i][0], pdf, r.status, r.err);
        ck_assert_msg(r.err[0] == '\0', "%s %s warns: %s", tools[i][0], pdf, r.err);
        if (i == 3)
            ck_assert_msg(strstr(r.out, "No syntax or stream encoding errors") != NULL &&
                          strstr(r.out, "WARNING") == NULL, "qpdf --check %s: %s", pdf, r.out);
        tl_result_free(&r);
    }
}

void tl_boshi_must(const char *db, const char *input, ...)
{
    const char *argv[64];
    struct tl_result r;
    int n = 0;
    va_list ap;
    const char *a;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    va_start(ap, input);
    while ((a = va_arg(ap, const char *)) != NULL && n < 63)
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

void tl_sql_text(const char *db, const char *sql, char *out, size_t n)
{
    sqlite3 *h;
    sqlite3_stmt *s;

    out[0] = '\0';
    /* also used before the tests run (a template store): no ck_assert here */
    if (sqlite3_open(db, &h) != SQLITE_OK || sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
        exit(1);
    }
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_close(h);
}

void tl_issues_csv(const char *db, const char *path, const char *form, int seq)
{
    sqlite3 *h;
    sqlite3_stmt *s;
    FILE *f = fopen(path, "w");

    ck_assert_ptr_nonnull(f);
    fputs("form,subject,issue,name,kana,birth\n", f);
    ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT i.form, i.person, i.issue_id, r.name, r.kana, "
                                           "r.birth FROM issues_printed i JOIN residents r ON "
                                           "r.atena = i.person WHERE i.form = ? AND (?2 = 0 OR "
                                           "i.seq = ?2) ORDER BY i.seq", -1, &s, NULL), SQLITE_OK);
    sqlite3_bind_text(s, 1, form, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, seq);
    while (sqlite3_step(s) == SQLITE_ROW)
        fprintf(f, "%s,%s,%s,\"%s\",\"%s\",%s\n", sqlite3_column_text(s, 0), sqlite3_column_text(s, 1),
                sqlite3_column_text(s, 2), sqlite3_column_text(s, 3), sqlite3_column_text(s, 4),
                sqlite3_column_text(s, 5));
    sqlite3_finalize(s);
    sqlite3_close(h);
    fclose(f);
}

char *tl_pdftotext(const char *pdf)
{
    struct tl_result r;
    const char *argv[] = { "pdftotext", "-layout", pdf, "-", NULL };

    tl_run(&r, NULL, NULL, argv);
    ck_assert_int_eq(r.status, 0);
    free(r.err);
    tl_pdf_clean(pdf);       /* issue 12: no reader warns about any boshi PDF */
    return r.out;
}

char *tl_store_copy(const char *from_dir, const char *name, const char *to_dir)
{
    static const char *const suffix[] = { "", ".key", ".scans" };
    struct tl_result r;

    for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
        char *src = xasprintf("%s/%s%s", from_dir, name, suffix[i]);
        struct stat sb;

        if (i == 2 && stat(src, &sb) != 0) {    /* a store without kept originals */
            free(src);
            continue;
        }
        const char *argv[] = { "cp", "-a", src, to_dir, NULL };
        tl_run(&r, NULL, NULL, argv);
        if (r.status != 0) {
            fprintf(stderr, "cp -a %s %s: exit %d: %s\n", src, to_dir, r.status, r.err);
            exit(1);
        }
        tl_result_free(&r);
        free(src);
    }
    return tl_path(to_dir, name);
}
