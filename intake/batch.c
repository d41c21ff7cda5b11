/*
 * batch.c: a batch of scans into the store.  The state machine of a page
 * is in intake.h; this file drives it:
 *   collect     files and folders -> a sorted list of files.  Inside a
 *               folder no symlink is followed and only regular files are
 *               taken; any other entry (symlink, FIFO, device, socket,
 *               unreadable) is ignored with its reason, the rest go on
 *   check       each file opened once (O_NOFOLLOW inside folders) and checked
 *               before it is kept: size, format, every page's header
 *               (ocr_open_fd); a file refused here is never copied and gets
 *               one rejected page with the reason
 *   keep        the checked file's bytes hashed and kept content-addressed
 *               in <store>.scans/, streamed (never wholly in memory)
 *   skip        pages of those files already stored (a resumed batch, or a
 *               file taken in before: a duplicate) are not read again
 *   read        worker threads: load, register, QR, every field (read.c);
 *               they never touch the store
 *   settle      this thread: the issue history and the resident master
 *               decide who the page is about, printed fields are checked
 *               against what was printed, cross-field rules run
 *   store       one transaction per page: page, readings, review items,
 *               and the record when nothing is left to review (writer.c,
 *               land.c)
 * This file is the runner: files, checks, the worker pool, resume and the
 * summary; it decides nothing about a page (settle.c, rules.c, writer.c).
 */
#include "intake/intake-internal.h"
#include "records/claims.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 32            /* folders below a folder given */

/* ---- collect --------------------------------------------------------------- */

static int wanted(const char *name, int *is_pdf)
{
    static const char *const ext[] = { ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".pdf" };
    size_t n = strlen(name);

    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        size_t k = strlen(ext[i]);
        if (n > k && strcasecmp(name + n - k, ext[i]) == 0) {
            *is_pdf = i == 5;
            return 1;
        }
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_task(struct run *r, size_t *alloc, const char *path, int is_pdf, int in_folder)
{
    if (r->n_tasks == *alloc) {
        *alloc = *alloc ? *alloc * 2 : 64;
        r->tasks = xrealloc(r->tasks, *alloc * sizeof(*r->tasks));
    }
    memset(&r->tasks[r->n_tasks], 0, sizeof(r->tasks[0]));
    r->tasks[r->n_tasks].path = xstrdup(path);
    r->tasks[r->n_tasks].is_pdf = is_pdf;
    r->tasks[r->n_tasks].in_folder = in_folder;
    r->n_tasks++;
}

/* An entry not taken in, and why (summary and `batches show`). */
static void ignore(struct run *r, const char *path, const char *reason)
{
    if (r->n_ign == r->a_ign) {
        r->a_ign = r->a_ign ? r->a_ign * 2 : 16;
        r->ign = xrealloc(r->ign, r->a_ign * sizeof(*r->ign));
    }
    r->ign[r->n_ign].path = xstrdup(path);
    r->ign[r->n_ign].reason = xstrdup(reason);
    r->n_ign++;
}

static const char *kind_of(mode_t m)
{
    return S_ISLNK(m) ? "シンボリックリンク" : S_ISFIFO(m) ? "FIFO (名前付きパイプ)" :
           S_ISSOCK(m) ? "ソケット" : S_ISCHR(m) ? "キャラクタデバイス" :
           S_ISBLK(m) ? "ブロックデバイス" : "特殊なファイル";
}

/*
 * A path given by the operator is followed wherever it points (stat); an
 * entry found inside a folder is looked at itself (lstat): a symlink is
 * never followed, whether it points inside the folder, outside it, nowhere
 * or round in a loop, and anything but a regular file or a folder is
 * ignored with its reason.  Only a path given that cannot be found or
 * opened stops the batch.
 */
static int collect(struct run *r, const char *path, int depth, size_t *alloc, struct berr *e)
{
    struct stat sb;
    int is_pdf = 0;

    if (depth == 0 ? stat(path, &sb) < 0 : lstat(path, &sb) < 0) {
        if (depth == 0)
            return berr_set(e, BERR_INVALID, "%s: 見つかりません (%s)", path, strerror(errno));
        ignore(r, path, strerror(errno));
        return 0;
    }
    if (S_ISREG(sb.st_mode)) {
        if (wanted(path, &is_pdf))
            add_task(r, alloc, path, is_pdf, depth > 0);
        else
            r->sum->skipped_files++;
        return 0;
    }
    if (!S_ISDIR(sb.st_mode)) {
        char why[160];
        snprintf(why, sizeof(why), "%sは取り込みません", kind_of(sb.st_mode));
        ignore(r, path, why);
        return 0;
    }
    if (depth > MAX_DEPTH) {
        ignore(r, path, "フォルダの階層が深すぎます");
        return 0;
    }
    DIR *d = opendir(path);
    if (d == NULL) {
        if (depth == 0)
            return berr_set(e, BERR_INVALID, "%s: フォルダを開けません (%s)", path, strerror(errno));
        char why[200];
        snprintf(why, sizeof(why), "フォルダを開けません (%s)", strerror(errno));
        ignore(r, path, why);
        return 0;
    }
    char **names = NULL;
    size_t n = 0, an = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == an) {
            an = an ? an * 2 : 32;
            names = xrealloc(names, an * sizeof(*names));
        }
        names[n++] = xasprintf("%s/%s", path, de->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_str);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (rc == 0)
            rc = collect(r, names[i], depth + 1, alloc, e);
        free(names[i]);
    }
    free(names);
    return rc;
}

static void hex_sha(const unsigned char *data, size_t n, char out[65])
{
    unsigned char h[32];

    crypto_hash_sha256(h, data, n);
    sodium_bin2hex(out, 65, h, 32);
}

/*
 * Modes of what intake keeps: owner-only, or readable by the boshi group in
 * a multi-user installation (the key file 0640 in that group, README
 * "Several OS users"), so that a nurse's own OS user can see the pages a
 * clerk took in.
 */
static int store_is_shared(const char *store_path)
{
    char *kp = xasprintf("%s.key", store_path);
    struct stat sb;
    int shared = stat(kp, &sb) == 0 && (sb.st_mode & 040) != 0;

    free(kp);
    return shared;
}

/* The sha256 of what fd holds, read in pieces. */
static int hash_fd(int fd, const char *path, char out[65], long long *size, struct berr *e)
{
    crypto_hash_sha256_state h;
    unsigned char *chunk = xmalloc(1 << 20), sum[32];
    long long off = 0;
    ssize_t k;
    int rc = 0;

    crypto_hash_sha256_init(&h);
    while ((k = pread(fd, chunk, 1 << 20, off)) > 0) {
        crypto_hash_sha256_update(&h, chunk, (unsigned long long)k);
        off += k;
    }
    if (k < 0)
        rc = berr_set(e, BERR_FAIL, "%s: 読めません (%s)", path, strerror(errno));
    crypto_hash_sha256_final(&h, sum);
    sodium_bin2hex(out, 65, sum, 32);
    *size = off;
    free(chunk);
    return rc;
}

/*
 * Keeps the original beside the store, readable only by the service
 * account (and the boshi group when shared), copied from fd in pieces;
 * *kept gets its path (caller frees).
 */
static int keep_original(const char *store_path, const char *sha, const char *path, int fd,
                         char **kept, struct berr *e)
{
    int shared = store_is_shared(store_path);
    const char *dot = strrchr(path, '.');
    char *dir = xasprintf("%s.scans/%.2s", store_path, sha);
    char *top = xasprintf("%s.scans", store_path);
    char *dst = xasprintf("%s/%s%s", dir, sha, dot && !strchr(dot, '/') ? dot : "");
    /* a name of this process's own: intake processes on one batch keep the same file at once */
    char *tmp = xasprintf("%s.%ld.%u.tmp", dst, (long)getpid(), (unsigned)randombytes_random());
    unsigned char *chunk = NULL;
    int out = -1, rc = 0;
    long long off = 0;
    ssize_t k;

    *kept = NULL;
    if (access(dst, F_OK) == 0)
        goto cleanup;
    if ((mkdir(top, 0700) < 0 && errno != EEXIST) || (mkdir(dir, 0700) < 0 && errno != EEXIST)) {
        rc = berr_set(e, BERR_FAIL, "%s: 原本の保管フォルダを作れません (%s)", dir, strerror(errno));
        goto cleanup;
    }
    if (shared) {
        /* whoever made them (not an error for the others) */
        chmod(top, 02770);
        chmod(dir, 02770);
    }
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (out < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 原本を保管できません (%s)", dst, strerror(errno));
        goto cleanup;
    }
    chunk = xmalloc(1 << 20);
    while ((k = pread(fd, chunk, 1 << 20, off)) > 0) {
        for (ssize_t w = 0; w < k;) {
            ssize_t n = write(out, chunk + w, (size_t)(k - w));
            if (n < 0) {
                rc = berr_set(e, BERR_FAIL, "%s: 原本を保管できません (%s)", dst, strerror(errno));
                goto cleanup;
            }
            w += n;
        }
        off += k;
    }
    if (k < 0 || fsync(out) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 原本を保管できません (%s)", dst, strerror(errno));
        goto cleanup;
    }
    fchmod(out, shared ? 0640 : 0600);
    close(out);
    out = -1;
    /* content-addressed: whoever renames first, the bytes are the same */
    if (rename(tmp, dst) < 0 && access(dst, F_OK) != 0)
        rc = berr_set(e, BERR_FAIL, "%s: 原本を保管できません (%s)", dst, strerror(errno));
cleanup:
    if (out >= 0)
        close(out);
    if (rc < 0)
        unlink(tmp);
    else
        *kept = xstrdup(dst);
    free(chunk);
    free(dir);
    free(top);
    free(dst);
    free(tmp);
    return rc;
}

static void note_done(int file_page, int64_t batch, void *ctx)
{
    struct task *t = ctx;

    t->done_pages = xrealloc(t->done_pages, (size_t)(t->n_done + 1) * sizeof(int));
    t->done_batch = xrealloc(t->done_batch, (size_t)(t->n_done + 1) * sizeof(int64_t));
    t->done_pages[t->n_done] = file_page;
    t->done_batch[t->n_done] = batch;
    t->n_done++;
}

static int page_done_before(const struct task *t, int page, int64_t *batch)
{
    for (int i = 0; i < t->n_done; i++) {
        if (t->done_pages[i] == page) {
            *batch = t->done_batch[i];
            return 1;
        }
    }
    return 0;
}

/* ---- read (workers) ---------------------------------------------------------- */

static void push(struct run *r, struct result *x)
{
    pthread_mutex_lock(&r->mu);
    if (r->tail)
        r->tail->next = x;
    else
        r->head = x;
    r->tail = x;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

/* A scanner PDF holds one image per page: pdfimages takes them out as they are. */
int intake_pdf_pages(const char *path, const char *name, char **dir, struct berr *e)
{
    char tmpl[] = "/tmp/boshi-pdf-XXXXXX";
    pid_t pid;
    int st = 0;

    if (mkdtemp(tmpl) == NULL)
        return berr_set(e, BERR_FAIL, "一時フォルダを作れません");
    *dir = xstrdup(tmpl);
    char *prefix = xasprintf("%s/p", tmpl);
    pid = fork();
    if (pid == 0) {
        execlp("pdfimages", "pdfimages", "-png", path, prefix, (char *)NULL);
        _exit(127);
    }
    free(prefix);
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return berr_set(e, BERR_INVALID, "%s: PDF から画像を取り出せません (pdfimages)", name);
    return 0;
}

void intake_rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", dir, de->d_name);
        unlink(p);
        free(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static struct result *new_result(struct run *r, size_t ti, int fp)
{
    struct result *x = xcalloc(1, sizeof(*x));
    char key[96];

    x->task = ti;
    x->file_page = fp;
    snprintf(key, sizeof(key), "%s:%d", r->tasks[ti].sha, fp);
    hex_sha((const unsigned char *)key, strlen(key), x->sha);
    return x;
}

/*
 * The pages of a checked file, one at a time: each is decoded, read and
 * freed before the next is decoded, so a worker holds one page image.
 */
static void read_source(struct run *r, int wid, struct ocr_reader *rd, size_t ti,
                        struct ocr_source *src, int base_page)
{
    struct task *t = &r->tasks[ti];
    int n = ocr_source_npages(src);

    for (int i = 0; i < n; i++) {
        int fp = base_page + i;
        int64_t b;
        struct berr ce;
        if (page_done_before(t, fp, &b))
            continue;
        /* still reading it: the claim must not expire under a long file (an error only
         * risks another process reading the page too; it is never stored twice) */
        (void)claim_renew(r->claims[wid], t->sha, r->me, time(NULL), r->claim_ttl, &ce);
        struct result *x = new_result(r, ti, fp);
        struct ocr_page *pg = NULL;
        char *reason = NULL;
        if (ocr_source_page(src, i, &pg, &reason, &x->e) < 0)
            x->failed = 1;
        else if (pg == NULL)
            snprintf(x->reject, sizeof(x->reject), "%.500s", reason ? reason : "読めないページ");
        else if (intake_read_page_opts(rd, pg, r->forms, r->key, r->has_old ? r->old_key : NULL,
                                       r->old_until[0] ? r->old_until : NULL, r->allow_bilevel,
                                       &x->res, &x->e) < 0)
            x->failed = 1;
        ocr_page_free(&pg);
        free(reason);
        push(r, x);
    }
}

/* A rejection for page `page` of task ti (unless stored before). */
static void push_reject(struct run *r, size_t ti, int page, const char *file, const char *why)
{
    struct task *t = &r->tasks[ti];
    struct result *x;
    int64_t b;

    if (page_done_before(t, page, &b))
        return;
    x = new_result(r, ti, page);
    if (strstr(why, file) != NULL)
        snprintf(x->reject, sizeof(x->reject), "%.500s", why);
    else
        snprintf(x->reject, sizeof(x->reject), "%.200s: %.290s", file, why);
    push(r, x);
}

static void read_task(struct run *r, int wid, struct ocr_reader *rd, size_t ti)
{
    struct task *t = &r->tasks[ti];
    struct ocr_source *src = NULL;
    struct berr e;

    if (t->refused[0]) {
        push_reject(r, ti, 0, t->path, t->refused);
        return;
    }
    /* the kept copy is read, not the scan folder's file: it is what was checked and hashed */
    if (!t->is_pdf) {
        if (ocr_open(t->kept, t->path, &r->lim, &src, &e) < 0) {
            push_reject(r, ti, 0, t->path, e.msg);
            return;
        }
        read_source(r, wid, rd, ti, src, 0);
        ocr_source_close(&src);
        return;
    }
    char *dir = NULL;
    if (intake_pdf_pages(t->kept, t->path, &dir, &e) == 0) {
        DIR *d = opendir(dir);
        char **names = NULL;
        size_t n = 0;
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL) {
            if (de->d_name[0] == '.')
                continue;
            names = xrealloc(names, (n + 1) * sizeof(*names));
            names[n++] = xasprintf("%s/%s", dir, de->d_name);
        }
        if (d)
            closedir(d);
        if (n > 0)
            qsort(names, n, sizeof(*names), cmp_str);
        if (n == 0)
            push_reject(r, ti, 0, t->path, "PDF に画像がありません (スキャナの PDF ではありません)");
        else if (n > (size_t)r->lim.max_pages) {
            char why[160];
            snprintf(why, sizeof(why), "ページが多すぎます（1ファイル%dページまで。"
                     "ファイルを分けてスキャンしてください）", r->lim.max_pages);
            push_reject(r, ti, 0, t->path, why);
        }
        for (size_t i = 0; i < n; i++) {
            /* named by the PDF and its page, never by the temporary file */
            char *name = xasprintf("%s %zuページ目", t->path, i + 1);
            if (n > (size_t)r->lim.max_pages)
                ;
            else if (ocr_open(names[i], name, &r->lim, &src, &e) == 0) {
                read_source(r, wid, rd, ti, src, (int)i);
                ocr_source_close(&src);
            } else {
                push_reject(r, ti, (int)i, name, e.msg);
            }
            free(name);
            free(names[i]);
        }
        free(names);
    } else {
        push_reject(r, ti, 0, t->path, e.msg);
    }
    if (dir) {
        intake_rm_dir(dir);
        free(dir);
    }
}

/* After a store error: take the remaining tasks away so every worker ends after its page. */
static void stop_workers(struct run *r)
{
    pthread_mutex_lock(&r->mu);
    r->next_task = r->n_tasks;
    r->stop = 1;
    pthread_mutex_unlock(&r->mu);
}

struct worker_arg {
    struct run *r;
    int id;
};

/* "host pid tag": a holder on this host whose process is gone is dead. */
static int holder_dead(const char *holder, void *ctx)
{
    const struct run *r = ctx;
    char host[64];
    long pid = 0;

    if (sscanf(holder, "%63s %ld", host, &pid) != 2 || strcmp(host, r->host) != 0 || pid <= 0)
        return 0;
    if (pid == (long)getpid())
        return strcmp(holder, r->me) != 0;      /* this pid, an earlier process: gone */
    if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
        return 1;
    /* killed but not yet reaped by its parent (a zombie) is gone too */
    char path[64], line[256];
    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    int dead = 0;
    if (f != NULL) {
        if (fgets(line, sizeof(line), f) != NULL) {
            const char *p = strrchr(line, ')');
            dead = p != NULL && (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
        }
        fclose(f);
    }
    return dead;
}

static void note_done_fresh(int file_page, int64_t batch, void *ctx)
{
    note_done(file_page, batch, ctx);
}

/*
 * Claims task ti for this process (records/claims.h) and, when taken,
 * refreshes which of its pages are stored (another process may have stored
 * some).  Returns the claim_state, or < 0 with *e set.
 */
static int claim_task(struct run *r, int wid, size_t ti, struct berr *e)
{
    struct task *t = &r->tasks[ti];
    int st;

    if (t->refused[0])
        return CLAIM_TAKEN;     /* a refused file is one rejected page, keyed by its name */
    st = claim_take(r->claims[wid], t->sha, r->me, time(NULL), r->claim_ttl, holder_dead, r, e);
    if (st == CLAIM_TAKEN) {
        t->n_done = 0;
        int rc = pages_of_file(r->claims[wid], t->sha, note_done_fresh, t, e);
        if (rc < 0)
            return rc;
    }
    return st;
}

static void push_failure(struct run *r, size_t ti, const struct berr *e)
{
    struct result *x = new_result(r, ti, -1);

    x->failed = 1;
    x->e = *e;
    push(r, x);
}

/* Reads task ti when this process gets it; 1 = done with it, 0 = held by another (retry). */
static int take_and_read(struct run *r, int wid, size_t ti)
{
    struct berr e;
    int st = claim_task(r, wid, ti, &e);

    if (st < 0) {
        push_failure(r, ti, &e);
        return 1;
    }
    if (st == CLAIM_HELD)
        return 0;
    if (st == CLAIM_FINISHED) {
        pthread_mutex_lock(&r->mu);
        r->tasks[ti].by_other = 1;
        pthread_mutex_unlock(&r->mu);
        return 1;
    }
    read_task(r, wid, r->readers[wid], ti);
    struct result *x = new_result(r, ti, -1);
    x->file_end = 1;
    push(r, x);
    return 1;
}

static void *worker(void *p)
{
    struct worker_arg *w = p;
    struct run *r = w->r;

    for (;;) {
        pthread_mutex_lock(&r->mu);
        size_t ti = r->next_task++;
        pthread_mutex_unlock(&r->mu);
        if (ti >= r->n_tasks)
            break;
        if (r->tasks[ti].same_as_earlier || r->tasks[ti].skip)
            continue;
        if (!take_and_read(r, w->id, ti)) {
            pthread_mutex_lock(&r->mu);
            r->tasks[ti].deferred = 1;
            pthread_mutex_unlock(&r->mu);
        }
    }
    /*
     * Files another live process is reading: wait for it to finish them, or
     * for its claim to expire (or its process to be gone), then read what it
     * left.  The batch ends only when every file is done by someone.
     */
    for (;;) {
        size_t ti = r->n_tasks;
        int waiting = 0;
        pthread_mutex_lock(&r->mu);
        for (size_t i = 0; i < r->n_tasks; i++) {
            if (r->tasks[i].deferred == 1 && ti == r->n_tasks) {
                r->tasks[i].deferred = 2;
                ti = i;
            } else if (r->tasks[i].deferred) {
                waiting = 1;
            }
        }
        int stopped = r->stop;
        pthread_mutex_unlock(&r->mu);
        if (stopped || (ti == r->n_tasks && !waiting))
            break;
        if (ti == r->n_tasks) {
            usleep(200 * 1000);       /* another worker of ours is retrying the rest */
            continue;
        }
        int done = take_and_read(r, w->id, ti);
        pthread_mutex_lock(&r->mu);
        r->tasks[ti].deferred = done ? 0 : 1;
        pthread_mutex_unlock(&r->mu);
        if (!done)
            usleep(500 * 1000);
    }
    pthread_mutex_lock(&r->mu);
    r->workers_left--;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* ---- the batch --------------------------------------------------------------- */

/* This process as a claim holder, and how long its claims last (intake.claim_seconds). */
static int claim_setup(struct run *r, struct berr *e)
{
    unsigned char tag[4];
    char hex[9], *v = NULL, *end = NULL;
    int rc = settings_get(r->st, "intake.claim_seconds", &v, e);

    if (rc < 0)
        return rc;
    long n = strtol(v, &end, 10);
    if (end == v || *end != '\0' || n < 5 || n > 86400) {
        rc = berr_set(e, BERR_INVALID, "設定 intake.claim_seconds の値「%s」が正しくありません "
                      "(5〜86400 の整数)", v);
        free(v);
        return rc;
    }
    free(v);
    r->claim_ttl = (int)n;
    if (gethostname(r->host, sizeof(r->host)) != 0 || r->host[0] == '\0')
        snprintf(r->host, sizeof(r->host), "localhost");
    r->host[sizeof(r->host) - 1] = '\0';
    for (char *p = r->host; *p; p++)
        if (*p == ' ')
            *p = '_';
    randombytes_buf(tag, sizeof(tag));
    sodium_bin2hex(hex, sizeof(hex), tag, sizeof(tag));
    snprintf(r->me, sizeof(r->me), "%s %ld %s", r->host, (long)getpid(), hex);
    return 0;
}

/* intake.max_file_mb and intake.max_pages, the site's or the defaults. */
static int intake_limits(struct store *st, struct ocr_limits *lim, struct berr *e)
{
    static const char *const keys[] = { "intake.max_file_mb", "intake.max_pages" };

    ocr_limits_default(lim);
    for (int i = 0; i < 2; i++) {
        char *v = NULL, *end = NULL;
        int rc = settings_get(st, keys[i], &v, e);
        if (rc < 0)
            return rc;
        long n = strtol(v, &end, 10);
        if (end == v || *end != '\0' || n < 1 || n > 100000) {
            rc = berr_set(e, BERR_INVALID, "設定 %s の値「%s」が正しくありません (1〜100000 の整数)",
                          keys[i], v);
            free(v);
            return rc;
        }
        free(v);
        if (i == 0)
            lim->max_file_bytes = (long long)n << 20;
        else
            lim->max_pages = (int)n;
    }
    return 0;
}

/* intake.allow_bilevel: 1 to read black-and-white scans (default 0: refused). */
static int intake_bilevel_setting(struct store *st, int *allow, struct berr *e)
{
    char *v = NULL;
    int rc = settings_get(st, "intake.allow_bilevel", &v, e);

    *allow = 0;
    if (rc < 0)
        return rc;
    if (strcmp(v, "0") != 0 && strcmp(v, "1") != 0)
        rc = berr_set(e, BERR_INVALID, "設定 intake.allow_bilevel の値「%s」が正しくありません (0 か 1)", v);
    else
        *allow = v[0] == '1';
    free(v);
    return rc;
}

/*
 * Opens one file of the batch (never through a symlink when it was found
 * in a folder), checks it before anything is kept and, if it passes,
 * hashes and keeps it.  An entry that cannot be opened or is not a regular
 * file is ignored (t->skip); a file refused by its check is not kept and
 * gets a pseudo identity from its name, size and time (t->refused).  *size
 * gets its size.  A negative code only for failures of the machinery.
 */
static int check_and_keep(struct run *r, struct task *t, const char *store_path, long long *size,
                          struct berr *e)
{
    struct ocr_source *src = NULL;
    struct stat sb;
    struct berr ce;
    int fd = open(t->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (t->in_folder ? O_NOFOLLOW : 0));
    int rc = 0;

    berr_clear(&ce);
    if (fd < 0) {
        char why[200];
        if (errno == ELOOP)
            snprintf(why, sizeof(why), "シンボリックリンクは取り込みません");
        else
            snprintf(why, sizeof(why), "読めません (%s)", strerror(errno));
        ignore(r, t->path, why);
        t->skip = 1;
        return batch_ignore(r->st, r->batch, t->path, why, e);
    }
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        char why[160];
        snprintf(why, sizeof(why), "%sは取り込みません", kind_of(sb.st_mode));
        ignore(r, t->path, why);
        t->skip = 1;
        rc = batch_ignore(r->st, r->batch, t->path, why, e);
        goto cleanup;
    }
    *size = sb.st_size;
    if (t->is_pdf) {
        unsigned char head[5] = { 0 };
        if ((long long)sb.st_size > r->lim.max_file_bytes)
            berr_set(&ce, BERR_INVALID, "%s: ファイルが大きすぎます（%lld MB。1ファイル%lld MBまで）",
                     t->path, (long long)(sb.st_size >> 20), r->lim.max_file_bytes >> 20);
        else if (pread(fd, head, 5, 0) != 5 || memcmp(head, "%PDF-", 5) != 0)
            berr_set(&ce, BERR_INVALID, "%s: PDF ではありません (壊れているか、別の形式です)", t->path);
    } else if (ocr_open_fd(fd, t->path, &r->lim, &src, &ce) == 0) {
        ocr_source_close(&src);
    }
    if (ce.code == BERR_FAIL) {
        rc = berr_set(e, BERR_FAIL, "%s", ce.msg);
        goto cleanup;
    }
    if (ce.code != 0) {
        /* refused before keeping: nothing is copied into <store>.scans/ */
        char id[1100];
        snprintf(t->refused, sizeof(t->refused), "%.500s", ce.msg);
        snprintf(id, sizeof(id), "refused\n%s\n%lld\n%lld\n%ld", t->path, (long long)sb.st_size,
                 (long long)sb.st_mtim.tv_sec, (long)sb.st_mtim.tv_nsec);
        hex_sha((const unsigned char *)id, strlen(id), t->sha);
        goto cleanup;
    }
    rc = hash_fd(fd, t->path, t->sha, size, e);
    if (rc == 0)
        rc = keep_original(store_path, t->sha, t->path, fd, &t->kept, e);
cleanup:
    close(fd);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int intake_run(struct store *st, const struct actor *a, const struct forms_registry *forms,
               const struct intake_opts *o, intake_progress_fn progress, void *ctx,
               struct intake_summary *sum, struct berr *e)
{
    struct run r;
    struct buf paths;
    pthread_t th[MAX_WORKERS];
    struct worker_arg args[MAX_WORKERS];
    size_t alloc = 0;
    int nw = o->workers > 0 ? o->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
    int rc = actor_require(a, PERM_INTAKE, e), started = 0, total = 0, done = 0;
    double t0 = now_s();

    memset(sum, 0, sizeof(*sum));
    memset(&r, 0, sizeof(r));
    buf_init(&paths);
    if (rc < 0)
        return rc;
    if (nw < 1)
        nw = 1;
    if (nw > MAX_WORKERS)
        nw = MAX_WORKERS;
    r.st = st;
    r.a = a;
    r.forms = forms;
    r.sum = sum;
    {
        struct ymd until;
        int old_ok = 0;
        rc = store_qr_keys(st, r.key, r.old_key, &r.has_old, &old_ok, &until, e);
        if (rc < 0)
            return rc;
        if (r.has_old && !old_ok) {
            if (until.y)
                ymd_iso(until, r.old_until);
            else
                snprintf(r.old_until, sizeof(r.old_until), "-");
        }
    }
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    rc = intake_limits(st, &r.lim, e);
    if (rc == 0)
        rc = claim_setup(&r, e);
    if (rc == 0)
        rc = intake_bilevel_setting(st, &r.allow_bilevel, e);
    for (size_t i = 0; i < o->n_paths && rc == 0; i++) {
        rc = collect(&r, o->paths[i], 0, &alloc, e);
        buf_addf(&paths, "%s%s", i ? " " : "", o->paths[i]);
    }
    if (rc < 0)
        goto cleanup;
    if (r.n_tasks == 0 && r.n_ign == 0) {
        rc = berr_set(e, BERR_INVALID, "取り込む画像 (TIFF, PNG, JPEG, PDF) がありません: %s", paths.s);
        goto cleanup;
    }
    if (o->name) {
        snprintf(sum->batch, sizeof(sum->batch), "%s", o->name);
    } else {
        char h[65];
        hex_sha((const unsigned char *)paths.s, paths.len, h);
        snprintf(sum->batch, sizeof(sum->batch), "scan-%.10s", h);
    }
    rc = batch_open(st, a, sum->batch, paths.s, &r.batch, &sum->resumed, e);
    if (rc < 0)
        goto cleanup;
    for (size_t i = 0; i < r.n_ign && rc == 0; i++)
        rc = batch_ignore(st, r.batch, r.ign[i].path, r.ign[i].reason, e);
    /* check, hash, keep and look up every file before reading anything */
    for (size_t i = 0; i < r.n_tasks && rc == 0; i++) {
        struct task *t = &r.tasks[i];
        long long n = 0;
        rc = check_and_keep(&r, t, o->store_path, &n, e);
        if (rc < 0 || t->skip)
            continue;
        sum->files++;
        rc = scan_file_add(st, t->sha, t->path, (long)n, r.batch, e);
        for (size_t j = 0; j < i && rc == 0; j++) {
            if (!r.tasks[j].skip && strcmp(r.tasks[j].sha, t->sha) == 0) {
                /* a sheet scanned twice into two files: the first one counts */
                t->same_as_earlier = 1;
                sum->duplicates++;
                break;
            }
        }
        if (rc == 0 && !t->same_as_earlier)
            rc = pages_of_file(st, t->sha, note_done, t, e);
        for (int k = 0; k < t->n_done; k++) {
            if (t->done_batch[k] == r.batch)
                sum->already++;
            else
                sum->duplicates++;
        }
    }
    for (size_t i = 0; i < r.n_ign; i++) {
        sum->ignored++;
        if (sum->n_ignored < INTAKE_TALLY) {
            snprintf(sum->ign[sum->n_ignored].path, sizeof(sum->ign[0].path), "%s", r.ign[i].path);
            snprintf(sum->ign[sum->n_ignored].reason, sizeof(sum->ign[0].reason), "%s",
                     r.ign[i].reason);
            sum->n_ignored++;
        }
    }
    if (rc < 0)
        goto cleanup;
    /* readers are opened here, before the threads (Tesseract init is not thread-safe) */
    for (int i = 0; i < nw && rc == 0; i++)
        rc = ocr_reader_open(&r.readers[i], e);
    /* each worker claims its files on a connection of its own (records/claims.h) */
    for (int i = 0; i < nw && rc == 0; i++)
        rc = store_open(o->store_path, 0, &r.claims[i], e);

    if (rc < 0)
        goto cleanup;
    r.workers_left = nw;
    for (int i = 0; i < nw; i++) {
        args[i].r = &r;
        args[i].id = i;
        pthread_create(&th[i], NULL, worker, &args[i]);
    }
    started = nw;
    total = -1;   /* unknown until files are loaded: multi-page TIFFs, PDFs */
    for (;;) {
        struct result *x;
        pthread_mutex_lock(&r.mu);
        while (r.head == NULL && r.workers_left > 0)
            pthread_cond_wait(&r.cv, &r.mu);
        x = r.head;
        if (x) {
            r.head = x->next;
            if (r.head == NULL)
                r.tail = NULL;
        }
        size_t files_started = r.next_task < r.n_tasks ? r.next_task : r.n_tasks;
        pthread_mutex_unlock(&r.mu);
        if (x == NULL)
            break;
        if (x->file_end) {
            /* every page of the file is stored (or was before): nobody reads it again */
            if (rc == 0 && !r.tasks[x->task].refused[0])
                rc = claim_finish(st, r.tasks[x->task].sha, r.me, e);
            free(x);
            if (rc < 0)
                stop_workers(&r);
            continue;
        }
        if (rc == 0) {
            if (x->failed) {
                rc = berr_set(e, x->e.code ? x->e.code : BERR_FAIL, "%s", x->e.msg);
            } else {
                rc = intake_store_result(&r, x, e);
                if (!x->reject[0] && !x->res.reject[0]) {
                    if (r.n_ms == r.a_ms) {
                        r.a_ms = r.a_ms ? r.a_ms * 2 : 256;
                        r.ms = xrealloc(r.ms, r.a_ms * sizeof(double));
                    }
                    r.ms[r.n_ms++] = x->res.ms;
                }
            }
            done++;
            sum->pages++;
            /* estimate the total from the files started so far */
            total = files_started > 0 ? (int)((double)done * (double)r.n_tasks / (double)files_started + 0.5) : done;
            if (total < done)
                total = done;
            if (progress)
                progress(done, total, ctx);
        }
        intake_page_result_release(&x->res);
        free(x);
        if (rc < 0)
            stop_workers(&r);
    }
    if (rc == 0)
        rc = batch_finish(st, r.batch, e);
cleanup:
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < MAX_WORKERS; i++) {
        ocr_reader_free(&r.readers[i]);
        store_close(&r.claims[i]);
    }
    for (size_t i = 0; i < r.n_tasks; i++)
        if (r.tasks[i].by_other)
            sum->by_others++;
    if (r.n_ms > 0) {
        qsort(r.ms, r.n_ms, sizeof(double), cmp_double);
        sum->ms_median = r.ms[r.n_ms / 2];
        sum->ms_p95 = r.ms[(r.n_ms * 95) / 100];
    }
    free(r.ms);
    for (size_t i = 0; i < r.n_ign; i++) {
        free(r.ign[i].path);
        free(r.ign[i].reason);
    }
    free(r.ign);
    for (size_t i = 0; i < r.n_tasks; i++) {
        free(r.tasks[i].kept);
        free(r.tasks[i].path);
        free(r.tasks[i].done_pages);
        free(r.tasks[i].done_batch);
    }
    free(r.tasks);
    sodium_memzero(r.key, sizeof(r.key));
    sodium_memzero(r.old_key, sizeof(r.old_key));
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);
    buf_release(&paths);
    sum->seconds = now_s() - t0;
    return rc;
}

/* ---- the page picture for review ---------------------------------------------- */
