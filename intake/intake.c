/*
 * intake.c: a batch of scans into the store.  The state machine of a page
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
 *               and the record when nothing is left to review (land.c)
 */
#include "intake/intake.h"
#include "ocr/render.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORKERS 16
#define MAX_DEPTH 32            /* folders below a folder given */

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
};

struct result {
    size_t task;
    int file_page;
    char sha[65];
    char reject[512];          /* load-level rejection */
    struct page_result res;
    int failed;                /* machinery failure: e holds why */
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
    struct task *tasks;
    size_t n_tasks, next_task;
    int workers_left;
    struct result *head, *tail;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct ocr_reader *readers[MAX_WORKERS];
    int64_t batch;
    struct intake_summary *sum;
    double *ms;
    size_t n_ms, a_ms;
};

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
    char *tmp = xasprintf("%s.tmp", dst);
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
    if (rename(tmp, dst) < 0)
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
static int pdf_pages(const char *path, const char *name, char **dir, struct berr *e)
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

static void rm_dir(const char *dir)
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
static void read_source(struct run *r, struct ocr_reader *rd, size_t ti, struct ocr_source *src,
                        int base_page)
{
    struct task *t = &r->tasks[ti];
    int n = ocr_source_npages(src);

    for (int i = 0; i < n; i++) {
        int fp = base_page + i;
        int64_t b;
        if (page_done_before(t, fp, &b))
            continue;
        struct result *x = new_result(r, ti, fp);
        struct ocr_page *pg = NULL;
        char *reason = NULL;
        if (ocr_source_page(src, i, &pg, &reason, &x->e) < 0)
            x->failed = 1;
        else if (pg == NULL)
            snprintf(x->reject, sizeof(x->reject), "%.500s", reason ? reason : "読めないページ");
        else if (intake_read_page(rd, pg, r->forms, r->key, &x->res, &x->e) < 0)
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

static void read_task(struct run *r, struct ocr_reader *rd, size_t ti)
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
        read_source(r, rd, ti, src, 0);
        ocr_source_close(&src);
        return;
    }
    char *dir = NULL;
    if (pdf_pages(t->kept, t->path, &dir, &e) == 0) {
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
                read_source(r, rd, ti, src, (int)i);
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
        rm_dir(dir);
        free(dir);
    }
}

struct worker_arg {
    struct run *r;
    int id;
};

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
        if (!r->tasks[ti].same_as_earlier && !r->tasks[ti].skip)
            read_task(r, r->readers[w->id], ti);
    }
    pthread_mutex_lock(&r->mu);
    r->workers_left--;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

/* ---- settle and store (this thread) ------------------------------------------ */

struct items {
    struct review_in v[128];
    char reasons[128][256];
    char suggested[128][OCR_TEXT_MAX];
    size_t n;
};

static void item(struct items *it, const char *field, const char *kind, int risk,
                 const char *suggested, int reading, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static void item(struct items *it, const char *field, const char *kind, int risk,
                 const char *suggested, int reading, const char *fmt, ...)
{
    va_list ap;

    if (it->n >= 128)
        return;
    va_start(ap, fmt);
    vsnprintf(it->reasons[it->n], sizeof(it->reasons[0]), fmt, ap);
    va_end(ap);
    snprintf(it->suggested[it->n], sizeof(it->suggested[0]), "%s", suggested ? suggested : "");
    it->v[it->n] = (struct review_in){ field, kind, it->reasons[it->n], risk,
                                       suggested ? it->suggested[it->n] : NULL, reading };
    it->n++;
}

static void tally(struct intake_tally *t, int *n, const char *reason)
{
    for (int i = 0; i < *n; i++) {
        if (strcmp(t[i].reason, reason) == 0) {
            t[i].n++;
            return;
        }
    }
    if (*n < INTAKE_TALLY) {
        snprintf(t[*n].reason, sizeof(t[0].reason), "%s", reason);
        t[*n].n = 1;
        (*n)++;
    }
}

static struct field_result *field_named(struct page_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_fields; i++)
        if (strcmp(res->fields[i].fld->name, name) == 0)
            return &res->fields[i];
    return NULL;
}

/*
 * 実施日 (checkups.date) written by hand, both readings agreeing, is
 * accepted when it is the checkup date boshi printed on the form: the
 * issue's date confirms it independently.  Any other date stays for a
 * nurse (a checkup moved to another day is possible, and a person says so).
 */
static void confirm_checkup_date(struct page_result *res, const struct intake_expect *x)
{
    for (size_t i = 0; x->checkup_date.y && i < res->n_fields; i++) {
        struct field_result *f = &res->fields[i];
        struct forms_value v;
        struct berr ve;
        if (f->fld->kind != FORMS_DATE || f->fld->column == NULL ||
            strcmp(f->fld->column, "checkups.date") != 0 || f->decision != DEC_REVIEW ||
            strcmp(f->reason, INTAKE_DATE_AGREED) != 0)
            continue;
        forms_value_init(&v);
        if (forms_value_parse(f->fld, f->read, &v, &ve) == 0 && v.present &&
            ymd_cmp(v.date, x->checkup_date) == 0) {
            f->decision = DEC_ACCEPTED;
            snprintf(f->value, sizeof(f->value), "%s", v.text);
            f->reason[0] = '\0';
            f->risk = 0;
        }
        forms_value_release(&v);
    }
}

/*
 * A 届出's first page was settled to subject during intake: a later page of
 * the same issue already stored in this batch (the workers finish in any
 * order) waits with "the first page is not settled"; it takes the same
 * person and lands when nothing else of it is open, as when a nurse settles
 * the first page (review/resolve.c).
 */
static int follow_first_page(struct run *r, const char *issue, int pages, const char *subject,
                             struct berr *e)
{
    struct page_row later;
    int64_t item, pid;
    int rc = 0, done;

    for (int no = 2; rc == 0 && no <= pages; no++) {
        rc = page_find_issue(r->st, issue, no, &later, e);
        if (rc <= 0)
            break;
        rc = review_open_identity(r->st, later.id, &item, e);
        if (rc <= 0)
            break;
        rc = store_begin(r->st, e);
        if (rc < 0)
            break;
        rc = review_resolve(r->st, r->a, item, REVIEW_CORRECT, subject, &done, &pid, e);
        if (rc == 0 && done)
            rc = intake_land_page(r->st, r->a, r->forms, pid, e);
        if (rc == 0)
            rc = store_commit(r->st, e);
        else
            store_rollback(r->st);
    }
    return rc < 0 ? rc : 0;
}

/* A pre-filled page: its QR names the person; the issue history must agree. */
static int settle_prefilled(struct run *r, struct page_result *res, struct items *it,
                            char subject[40], struct berr *e)
{
    struct issue_info iss;
    struct resident who;
    struct intake_expect x;
    struct page_row prev;
    int rc;

    snprintf(subject, 40, "%s", res->qr.subject);
    rc = issue_lookup(r->st, res->qr.issue, &iss, e);
    if (rc == BERR_NOTFOUND || (rc == 0 && (strcmp(iss.person, res->qr.subject) != 0 ||
                                            strcmp(iss.form, res->qr.form) != 0))) {
        item(it, "(発行)", "issue", RISK_ISSUE, NULL, -1, "発行履歴と一致しない用紙 (発行番号 %s)",
             res->qr.issue[0] ? res->qr.issue : "-");
        return 0;
    }
    if (rc < 0)
        return rc;
    rc = page_find_issue(r->st, res->qr.issue, res->qr.page, &prev, e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        item(it, "(発行)", "issue", RISK_ISSUE, NULL, -1, "二重提出 (同じ用紙の%dページ目はページ番号 %lld "
             "として取込済み)", res->qr.page, (long long)prev.id);
    rc = residents_get(r->st, r->a, res->qr.subject, "intake.read", &who, e);
    if (rc == BERR_NOTFOUND) {
        item(it, "(本人)", "identity", RISK_IDENTITY, NULL, -1, "宛名番号 %s の住民が記録にありません",
             res->qr.subject);
        subject[0] = '\0';
        return 0;
    }
    if (rc < 0)
        return rc;
    if (who.status != RS_RESIDENT)
        item(it, "(本人)", "issue", RISK_ISSUE, NULL, -1, "%s の住民の用紙です (%s)",
             resident_status_label(who.status), who.name);
    memset(&x, 0, sizeof(x));
    x.have = 1;
    snprintf(x.name, sizeof(x.name), "%s", who.name);
    snprintf(x.kana, sizeof(x.kana), "%s", who.kana);
    snprintf(x.jushin_no, sizeof(x.jushin_no), "%s", iss.jushin_no);
    x.birth = who.birth;
    ymd_parse_iso(iss.checkup_date, &x.checkup_date);
    intake_check_printed(res, &x);
    confirm_checkup_date(res, &x);
    resident_release(&who);
    return 0;
}

/*
 * A 妊娠届出書 has no subject in its QR: the mother is matched in the
 * resident master by the カナ and 生年月日 she wrote and, where read and
 * valid, her 個人番号.  Only one strong candidate settles it; anything else
 * is an identity item for a nurse, with the candidates and why.
 */
static int settle_notification(struct run *r, struct page_result *res, struct items *it,
                               char subject[40], struct berr *e)
{
    struct field_result *kana = field_named(res, "mother_kana");
    struct field_result *birth = field_named(res, "birth_date");
    struct field_result *mn = field_named(res, "mynumber");
    struct find_query q;
    struct candidate *c = NULL;
    size_t n = 0;
    struct forms_value bv;
    struct berr ve;
    int rc;

    subject[0] = '\0';
    if (res->qr.page != 1 && res->qr.issue[0] == '\0') {
        /* nothing ties it to its first page: who she is is settled on its own */
        item(it, "(本人)", "identity", RISK_IDENTITY, NULL, -1,
             "発行番号のない用紙の%dページ目 (1ページ目と結び付けられません: 本人を確定してください)",
             res->qr.page);
        return 0;
    }
    if (res->qr.page != 1) {
        struct page_row first;
        rc = page_find_issue(r->st, res->qr.issue, 1, &first, e);
        if (rc < 0)
            return rc;
        if (rc == 1 && first.subject[0])
            snprintf(subject, 40, "%s", first.subject);
        else
            item(it, "(本人)", "identity", RISK_IDENTITY_LATER, NULL, -1,
                 "同じ届出の1ページ目 (発行番号 %s) の本人が未確定 (1ページ目で確定すると自動で確定します)",
                 res->qr.issue[0] ? res->qr.issue : "なし");
        return 0;
    }
    memset(&q, 0, sizeof(q));
    forms_value_init(&bv);
    if (kana && kana->read[0])
        q.kana = kana->read;
    if (birth && birth->read[0] && forms_value_parse(birth->fld, birth->read, &bv, &ve) == 0 &&
        bv.present)
        q.birth = bv.date;
    if (mn && mn->decision == DEC_ACCEPTED)
        q.mynumber = mn->value;
    q.limit = 5;
    if (q.kana || q.birth.y || q.mynumber) {
        rc = residents_find(r->st, r->a, &q, &c, &n, e);
        if (rc < 0 && rc != BERR_INVALID)
            goto cleanup;
    }
    rc = 0;
    int strong = n > 0 && c[0].r.status == RS_RESIDENT &&
                 (c[0].score >= 100 || (c[0].score >= 70 && (n == 1 || c[1].score <= c[0].score - 30)));
    if (strong) {
        snprintf(subject, 40, "%s", c[0].r.atena);
        /* what she wrote is confirmed by the master: accept it */
        if (birth && q.birth.y && ymd_cmp(q.birth, c[0].r.birth) == 0) {
            char iso[11];
            ymd_iso(q.birth, iso);
            birth->decision = DEC_ACCEPTED;
            snprintf(birth->value, sizeof(birth->value), "%s", iso);
            birth->reason[0] = '\0';
        }
        if (kana && q.kana) {
            char *a = kana_fold(q.kana), *b = kana_fold(c[0].r.kana);
            if (a && b && strcmp(a, b) == 0) {
                kana->decision = DEC_ACCEPTED;
                snprintf(kana->value, sizeof(kana->value), "%s", c[0].r.kana);
                kana->reason[0] = '\0';
            }
            free(a);
            free(b);
        }
    } else {
        struct buf why;
        buf_init(&why);
        buf_adds(&why, n ? "本人候補: " : "住民記録に該当する候補がありません");
        for (size_t i = 0; i < n && i < 3; i++)
            buf_addf(&why, "%s%s %s (%d点: %s)", i ? " / " : "", c[i].r.atena, c[i].r.name,
                     c[i].score, c[i].reasons);
        /* the first candidate is offered only if her birth date does not contradict the sheet */
        item(it, "(本人)", "identity", RISK_IDENTITY,
             n && !(q.birth.y && ymd_cmp(q.birth, c[0].r.birth) != 0) ? c[0].r.atena : NULL, -1, "%s",
             why.s);
        buf_release(&why);
    }
    /* handwriting the master holds (the definition's from_master): the image is kept */
    for (size_t i = 0; i < res->n_fields; i++) {
        struct field_result *f = &res->fields[i];
        if (f->fld->from_master && f->decision == DEC_REVIEW) {
            f->decision = DEC_EMPTY;
            snprintf(f->reason, sizeof(f->reason), "手書き (画像を保存、本人は住民記録で確認)");
        }
    }
cleanup:
    forms_value_release(&bv);
    candidates_free(c, n);
    return rc;
}

/* Cross-field rules whose fields are all on this page, on the accepted values. */
static void check_rules(struct page_result *res, struct items *it)
{
    const struct forms_form *f = res->form;
    struct forms_value *v = xcalloc(f->n_fields, sizeof(*v));
    struct berr e;

    for (size_t i = 0; i < f->n_fields; i++) {
        forms_value_init(&v[i]);
        for (size_t k = 0; k < res->n_fields; k++)
            if (res->fields[k].fld == &f->fields[i] && res->fields[k].decision == DEC_ACCEPTED)
                forms_value_parse(&f->fields[i], res->fields[k].value, &v[i], &e);
    }
    for (size_t r = 0; r < f->n_rules; r++) {
        int here = 1, pending = 0;
        const struct forms_rule *rule = &f->rules[r];
        for (size_t k = 0; k < rule->n_fields; k++)
            here &= f->fields[rule->fields[k]].page == res->qr.page;
        /* a rule on a field still in review is checked when the page lands */
        for (size_t k = 0; k < res->n_fields; k++) {
            const struct forms_field *fld = res->fields[k].fld;
            if (res->fields[k].decision != DEC_REVIEW)
                continue;
            for (size_t j = 0; j < rule->n_fields; j++)
                pending |= fld == &f->fields[rule->fields[j]];
            pending |= rule->has_if && fld == &f->fields[rule->if_field];
        }
        if (!here || pending || forms_rule_check(f, r, v, &e) == 0)
            continue;
        item(it, f->fields[f->rules[r].fields[0]].name, "rule", RISK_RULE, NULL, -1, "%.240s", e.msg);
    }
    for (size_t i = 0; i < f->n_fields; i++)
        forms_value_release(&v[i]);
    free(v);
}

static int store_result(struct run *r, struct result *x, struct berr *e)
{
    struct task *t = &r->tasks[x->task];
    struct page_res_store {
        struct reading_in rd[256];
    } *buf = NULL;
    struct items *it = xcalloc(1, sizeof(*it));
    struct page_in p;
    char subject[40] = "", reject[600] = "", detail[256];
    int64_t page_id = 0;
    int rc = 0, txn = 0;

    memset(&p, 0, sizeof(p));
    p.sha = x->sha;
    p.file_sha = t->sha;
    p.source = t->path;
    p.file_page = x->file_page;
    p.batch_id = r->batch;
    if (x->reject[0])
        snprintf(reject, sizeof(reject), "%s", x->reject);
    else if (x->res.reject[0])
        snprintf(reject, sizeof(reject), "%s", x->res.reject);
    if (x->res.reg.marks_found >= 3) {
        /* how the scanner saw the page: what a clerk needs to fix a scanner */
        p.has_geometry = 1;
        p.dpi = x->res.dpi;
        p.skew = x->res.reg.skew_deg;
        p.scale = x->res.reg.scale;
        p.residual = x->res.reg.residual_px;
        p.rotation = x->res.reg.orientation;
        memcpy(p.map, x->res.reg.map, sizeof(p.map));
        p.width_px = x->res.width_px;
        p.height_px = x->res.height_px;
    }
    rc = store_begin(r->st, e);
    if (rc < 0)
        goto cleanup;
    txn = 1;
    if (!reject[0]) {
        struct page_result *res = &x->res;
        p.form = res->form->id;
        p.version = res->form->version;
        p.page_no = res->qr.page;
        p.pages = res->qr.pages;
        p.issue_id = res->qr.issue;
        if (res->qr.issue[0] == '\0')
            item(it, "(発行)", "issue", RISK_ISSUE, NULL, -1,
                 "発行番号のない用紙 (boshi の発行履歴と照合できません)");
        if (res->other_qr > 0) {
            /*
             * A second code may be a harmless sticker, or a code cut from
             * another person's form: a person decides, the page never lands
             * on its own.  The text is shown only in part (it may be long).
             */
            int ours = strncmp(res->other_qr_text, "BOSHI", 5) == 0;
            item(it, "(発行)", "issue", RISK_IDENTITY, NULL, -1,
                 "ページに別のQRコードがあります (%d個%s「%.40s」): 貼り付けや差し替えがないか用紙を"
                 "確認してください", res->other_qr, ours ? "、boshi の別の用紙のもの" : "",
                 res->other_qr_text);
        }
        if (res->qr.subject[0])
            rc = settle_prefilled(r, res, it, subject, e);
        else if (strcmp(res->form->id, "ninshin_todoke") == 0)
            rc = settle_notification(r, res, it, subject, e);
        else
            item(it, "(本人)", "identity", RISK_IDENTITY, NULL, -1,
                 "対象者の印字がない用紙 (白紙で印刷された %s)", res->form->title);
        if (rc < 0)
            goto cleanup;
        check_rules(res, it);
        buf = xcalloc(1, sizeof(*buf));
        for (size_t i = 0; i < res->n_fields && i < 256; i++) {
            struct field_result *f = &res->fields[i];
            if (f->fld->kind == FORMS_MYNUMBER) {
                /* a 個人番号 was only for finding the person (above): the store
                 * keeps its last four digits, never the number */
                char m[13];
                if (f->value[0]) {
                    mynumber_mask(f->value, m);
                    snprintf(f->value, sizeof(f->value), "%s", m);
                }
                if (f->read[0]) {
                    mynumber_mask(f->read, m);
                    snprintf(f->read, sizeof(f->read), "%s", m);
                }
            }
            buf->rd[i] = (struct reading_in){
                f->fld->name, f->decision == DEC_ACCEPTED ? f->value : NULL,
                f->read[0] ? f->read : NULL, f->confidence, intake_decision_name(f->decision),
                f->reason[0] ? f->reason : NULL, { f->box[0], f->box[1], f->box[2], f->box[3] },
                f->crop, f->crop_len,
            };
            /* only a reading the field accepts is offered (never 445 cm, never the "1"
             * that says a handwritten box has ink) */
            if (f->decision == DEC_REVIEW)
                item(it, f->fld->name, "field", f->risk,
                     forms_value_suggestible(f->fld, f->read) && strncmp(f->reason, "桁数不足",
                                                                         strlen("桁数不足")) != 0
                         ? f->read : NULL, (int)i, "%s",
                     f->reason);
        }
        p.readings = buf->rd;
        p.n_readings = res->n_fields < 256 ? res->n_fields : 256;
        p.subject = subject;
        p.items = it->v;
        p.n_items = it->n;
    } else {
        p.reject_reason = reject;
    }
    rc = page_store(r->st, r->a, &p, &page_id, e);
    if (rc == BERR_CONFLICT) {
        /* taken in meanwhile (the same image under another name): a duplicate */
        store_rollback(r->st);
        txn = 0;
        r->sum->duplicates++;
        rc = 0;
        goto cleanup;
    }
    /* the safety signal first: an EPDS alert the day the page is read, whatever waits for review */
    if (rc == 0 && !reject[0] && intake_epds_check(r->st, r->a, r->forms, page_id, e) > 0)
        r->sum->alerts++;
    if (rc == 0 && !reject[0] && it->n == 0) {
        /*
         * Landing may find what reading could not (a return slip for a
         * referral that does not exist): the page then waits for a person,
         * and the batch goes on.
         */
        struct berr le;
        rc = store_begin(r->st, e);
        if (rc == 0 && intake_land_page(r->st, r->a, r->forms, page_id, &le) < 0) {
            store_rollback(r->st);
            if (le.code == BERR_FAIL) {
                rc = berr_set(e, BERR_FAIL, "%s", le.msg);
            } else {
                /* a 聴覚検査 whose baby is not known waits for a nurse to name it */
                int child = le.code == BERR_NOTFOUND && p.form &&
                            strcmp(p.form, "choukaku_jushinken") == 0;
                item(it, child ? HEARING_CHILD_FIELD : "(登録)", "issue", RISK_ISSUE, NULL, -1,
                     "記録に登録できません: %.200s", le.msg);
                rc = page_queue_item(r->st, page_id, &it->v[it->n - 1], e);
            }
        } else if (rc == 0) {
            rc = store_commit(r->st, e);
        }
    }
    if (rc == 0 && !reject[0] && subject[0] && p.page_no == 1)
        /* its later pages may have been stored first (another worker) and wait for it */
        rc = intake_identity_follow(r->st, r->a, r->forms, page_id, subject, e);
    snprintf(detail, sizeof(detail), "スキャン取込 %s %s", p.form ? p.form : "-",
             reject[0] ? "却下" : it->n ? "確認待ち" : "登録");
    if (rc == 0)
        rc = audit_append(r->st, r->a, "intake.page", subject[0] ? subject : NULL, detail, e);
    if (rc == 0) {
        txn = 0;
        rc = store_commit(r->st, e);
    }
    if (rc == 0 && !reject[0] && p.page_no == 1 && subject[0] && p.issue_id && p.issue_id[0])
        rc = follow_first_page(r, p.issue_id, p.pages, subject, e);
    if (rc == 0) {
        if (reject[0]) {
            r->sum->rejected++;
            /* tally by the reason's kind, without the file name it starts with */
            const char *why = strstr(reject, ": ");
            tally(r->sum->reject, &r->sum->n_reject, why ? why + 2 : reject);
        } else if (it->n) {
            r->sum->queued++;
            r->sum->review_items += (int)it->n;
            for (size_t i = 0; i < it->n; i++) {
                /* by kind of reason: the detail in parentheses is per page */
                char kind[160];
                snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(it->v[i].reason, "("),
                         it->v[i].reason);
                size_t kl = strlen(kind);
                while (kl > 0 && kind[kl - 1] == ' ')
                    kind[--kl] = '\0';
                tally(r->sum->review, &r->sum->n_review, kind);
            }
        } else {
            r->sum->landed++;
        }
    }
cleanup:
    if (txn)
        store_rollback(r->st);
    if (rc < 0)
        berr_prefix(e, "%s %dページ目: ", t->path, x->file_page + 1);
    free(it);
    free(buf);
    return rc;
}

/* ---- the batch --------------------------------------------------------------- */

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
    store_key(st, KEY_QR_MAC, r.key);
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    rc = intake_limits(st, &r.lim, e);
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
        if (rc == 0) {
            if (x->failed) {
                rc = berr_set(e, x->e.code ? x->e.code : BERR_FAIL, "%s", x->e.msg);
            } else {
                rc = store_result(&r, x, e);
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
        if (rc < 0) {
            /* stop the workers: take the remaining tasks away */
            pthread_mutex_lock(&r.mu);
            r.next_task = r.n_tasks;
            pthread_mutex_unlock(&r.mu);
        }
    }
    if (rc == 0)
        rc = batch_finish(st, r.batch, e);
cleanup:
    for (int i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < MAX_WORKERS; i++)
        ocr_reader_free(&r.readers[i]);
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
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);
    buf_release(&paths);
    sum->seconds = now_s() - t0;
    return rc;
}

/* ---- the page picture for review ---------------------------------------------- */

struct box_ctx {
    int64_t id;
    double box[4];
    int found;
};

static int find_box(const struct reading_row *r, void *p)
{
    struct box_ctx *b = p;

    if (r->id == b->id) {
        memcpy(b->box, r->box, sizeof(b->box));
        b->found = 1;
    }
    return 0;
}

int intake_crop_png(struct store *st, const struct forms_registry *forms, int64_t reading_id,
                    int unmasked, struct page_row *pg, int *mynumber, void **png, size_t *len,
                    struct berr *e)
{
    const struct forms_form *f;
    const struct forms_field *fld;
    char field[64];
    int64_t page_id;
    void *raw = NULL;
    size_t n = 0;
    int rc;

    *png = NULL;
    *len = 0;
    *mynumber = 0;
    rc = reading_page(st, reading_id, &page_id, field, sizeof(field), e);
    if (rc == 0)
        rc = page_get(st, page_id, pg, e);
    if (rc == 0)
        rc = reading_crop(st, reading_id, &raw, &n, e);
    if (rc < 0)
        return rc;
    f = forms_registry_get(forms, pg->form, pg->version);
    fld = f ? forms_field_find(f, field) : NULL;
    /* a field the definitions do not know is masked too: it cannot be told apart */
    *mynumber = fld == NULL || fld->kind == FORMS_MYNUMBER;
    if (!*mynumber || unmasked) {
        *png = raw;
        *len = n;
        return 0;
    }
    rc = ocr_png_blackout(raw, n, png, len, e);
    free(raw);
    return rc;
}

int intake_page_png(const char *store_path, const struct forms_registry *forms,
                    const struct page_row *pg, int64_t reading_id, struct store *st, void **png,
                    size_t *len, struct berr *e)
{
    const struct forms_form *form = forms_registry_get(forms, pg->form, pg->version);
    double masks[8][4];
    size_t nmask = 0;
    const char *dot = strrchr(pg->source, '.');
    char *orig = xasprintf("%s.scans/%.2s/%s%s", store_path, pg->file_sha, pg->file_sha,
                           dot ? dot : "");
    struct ocr_source *src = NULL;
    struct ocr_page *page = NULL;
    struct ocr_template t;
    struct box_ctx b = { reading_id, { 0, 0, 0, 0 }, 0 };
    char *dir = NULL, *one = NULL, *reason = NULL;
    int rc = 0, idx = pg->file_page;

    *png = NULL;
    *len = 0;
    if (dot && strcasecmp(dot, ".pdf") == 0) {
        rc = pdf_pages(orig, pg->source, &dir, e);
        if (rc == 0) {
            one = xasprintf("%s/p-%03d.png", dir, idx);
            idx = 0;
            rc = ocr_open(one, pg->source, NULL, &src, e);
        }
    } else {
        rc = ocr_open(orig, pg->source, NULL, &src, e);
    }
    /* only the page asked for is decoded */
    if (rc == 0 && idx < ocr_source_npages(src))
        rc = ocr_source_page(src, idx, &page, &reason, e);
    if (rc < 0)
        goto cleanup;
    if (page == NULL) {
        rc = berr_set(e, BERR_NOTFOUND, "%s: %dページ目を読めません", pg->source, pg->file_page + 1);
        goto cleanup;
    }
    if (reading_id > 0) {
        rc = page_readings(st, pg->id, find_box, &b, e);
        if (rc < 0)
            goto cleanup;
    }
    /* the 個人番号 fields of this page: blacked out */
    for (size_t i = 0; form != NULL && i < form->n_fields && nmask < 8; i++) {
        const struct forms_field *fl = &form->fields[i];
        if (fl->kind == FORMS_MYNUMBER && fl->page == pg->page_no && fl->has_box) {
            double m[4] = { fl->box.x, fl->box.y, fl->box.w, fl->box.h };
            memcpy(masks[nmask++], m, sizeof(m));
        }
    }
    intake_template(forms, &t);
    rc = ocr_register(page, &t, NULL, e);
    if (rc == 0)
        rc = ocr_page_png(page, b.found ? b.box : NULL, (const double (*)[4])masks, nmask,
                          1200, (unsigned char **)png, len, e);
cleanup:
    ocr_page_free(&page);
    ocr_source_close(&src);
    free(reason);
    if (dir) {
        rm_dir(dir);
        free(dir);
    }
    free(one);
    free(orig);
    return rc;
}
