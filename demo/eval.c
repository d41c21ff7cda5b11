/*
 * eval.c: see eval.h.  A reading is compared in canonical form (what
 * forms_value_parse gives), so "6.50" and "6.5" or 和暦 and ISO dates
 * compare as the same value; check and presence "0" count as blank.
 */
#include "demo/eval.h"
#include "intake/intake.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int blank(const char *v)
{
    return v == NULL || *v == '\0' || strcmp(v, "0") == 0;
}

static int same(const struct forms_field *f, const char *got, const char *want)
{
    struct forms_value a, b;
    struct berr e;
    int eq;

    if (blank(got) || blank(want))
        return blank(got) && blank(want);
    if (f->kind == FORMS_KANA || f->kind == FORMS_PRINTED) {
        /* a name's space is an empty comb cell: compare folded */
        char *x = kana_fold(got), *y = kana_fold(want);
        eq = x && y && strcmp(x, y) == 0;
        free(x);
        free(y);
        return eq;
    }
    forms_value_init(&a);
    forms_value_init(&b);
    eq = forms_value_parse(f, got, &a, &e) == 0 && forms_value_parse(f, want, &b, &e) == 0 &&
         a.text && b.text && strcmp(a.text, b.text) == 0;
    if (!eq)
        eq = strcmp(got, want) == 0;
    forms_value_release(&a);
    forms_value_release(&b);
    return eq;
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* Full-page tesseract text of an image (the baseline); caller frees. */
static char *tesseract_text(const char *image)
{
    int fd[2];
    struct buf b;
    char chunk[4096];
    ssize_t n;
    pid_t pid;

    if (pipe(fd) < 0)
        return NULL;
    pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        freopen("/dev/null", "w", stderr);
        execlp("tesseract", "tesseract", image, "stdout", "-l", "jpn", (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    buf_init(&b);
    while ((n = read(fd[0], chunk, sizeof(chunk))) > 0)
        buf_add(&b, chunk, (size_t)n);
    close(fd[0]);
    waitpid(pid, NULL, 0);
    /* drop all white space: values are searched for as they would be written */
    struct buf o;
    buf_init(&o);
    char *t = text_nfkc(b.s);
    for (const char *p = t ? t : ""; *p; p++)
        if (*p != ' ' && *p != '\n' && *p != '\t' && *p != '\r')
            buf_addc(&o, *p);
    free(t);
    buf_release(&b);
    return buf_detach(&o);
}

static void note_silent(struct eval_stats *s, const char *page, const char *field,
                        const char *got, const char *want, const char *what)
{
    if (s->n_silent < EVAL_MAX_SILENT)
        snprintf(s->silent[s->n_silent++], sizeof(s->silent[0]), "%s %s: %s「%.60s」正解「%.60s」",
                 page, field, what, got ? got : "", want ? want : "");
}

static int eval_page(struct ocr_reader *rd, const char *dir, const char *name,
                     const struct forms_registry *forms, const unsigned char key[32], int baseline,
                     struct eval_stats *s, struct berr *e)
{
    char *img = xasprintf("%s/%s", dir, name), *truth_path = NULL, *text = NULL;
    const char *dot = strrchr(name, '.');
    json_t *truth = NULL;
    json_error_t je;
    struct ocr_loaded l;
    struct page_result res;
    int rc = 0;

    memset(&l, 0, sizeof(l));
    memset(&res, 0, sizeof(res));
    truth_path = xasprintf("%s/%.*s.truth.json", dir, (int)(dot - name), name);
    truth = json_load_file(truth_path, 0, &je);
    if (truth == NULL) {
        rc = berr_set(e, BERR_INVALID, "%s: 正解ファイルを読めません (%s)", truth_path, je.text);
        goto cleanup;
    }
    s->pages++;
    if (ocr_load(img, &l, e) < 0 || l.npages < 1 || l.pages[0] == NULL) {
        s->rejected++;
        goto cleanup;
    }
    double t0 = now_ms();
    rc = intake_read_page(rd, l.pages[0], forms, key, &res, e);
    double ms = now_ms() - t0;
    if (rc < 0)
        goto cleanup;
    s->ms = xrealloc(s->ms, (s->n_ms + 1) * sizeof(double));
    s->ms[s->n_ms++] = ms;
    if (res.reject[0]) {
        s->rejected++;
        goto cleanup;
    }
    if (strcmp(res.form->id, json_string_value(json_object_get(truth, "form"))) != 0 ||
        res.qr.page != json_integer_value(json_object_get(truth, "page"))) {
        s->forms_misidentified++;
        goto cleanup;
    }
    if (baseline) {
        double b0 = now_ms();
        text = tesseract_text(img);
        s->base_seconds += (now_ms() - b0) / 1e3;
    }
    size_t i;
    json_t *jf;
    json_array_foreach(json_object_get(truth, "fields"), i, jf) {
        const char *fname = json_string_value(json_object_get(jf, "name"));
        const char *want = json_string_value(json_object_get(jf, "value"));
        if (json_integer_value(json_object_get(jf, "page")) != res.qr.page)
            continue;
        struct field_result *got = NULL;
        for (size_t k = 0; k < res.n_fields; k++)
            if (strcmp(res.fields[k].fld->name, fname) == 0)
                got = &res.fields[k];
        if (got == NULL)
            continue;
        struct eval_kind *ek = &s->kind[got->fld->kind];
        ek->fields++;
        if (!json_is_true(json_object_get(jf, "review"))) {
            ek->clear++;
            ek->clear_accepted += got->decision != DEC_REVIEW;
            if (s->verbose && got->decision == DEC_REVIEW &&
                (got->fld->kind == FORMS_CHOICE || got->fld->kind == FORMS_MULTI ||
                 got->fld->kind == FORMS_CHECK))
                fprintf(stderr, "%s %s: clear mark (%s) sent to review: %s\n", name, fname,
                        json_string_value(json_object_get(jf, "how")), got->reason);
        }
        if (got->decision == DEC_ACCEPTED) {
            ek->accepted++;
            if (same(got->fld, got->value, want)) {
                ek->correct++;
            } else {
                ek->silent++;
                note_silent(s, name, fname, got->value, want, "誤って確定");
            }
        } else if (got->decision == DEC_EMPTY) {
            ek->accepted++;
            const char *how = json_string_value(json_object_get(jf, "how"));
            json_t *dmg = json_object_get(truth, "damage");
            int thresholded = json_integer_value(json_object_get(dmg, "threshold")) > 0;
            if (blank(want)) {
                ek->correct++;
            } else if (thresholded && how && strcmp(how, "faint") == 0) {
                /* the scan itself lost it (1-bit threshold); counted apart */
                ek->erased++;
            } else {
                char what[64];
                ek->silent++;
                snprintf(what, sizeof(what), "記入の見落とし (%s)", how ? how : "?");
                note_silent(s, name, fname, "", want, what);
            }
        } else if (same(got->fld, got->read, want)) {
            ek->correct++;
        } else if (s->verbose) {
            /* a tool for the people tuning the reader, run by hand: it may print */
            fprintf(stderr, "%s %s (%s): read「%s」want「%s」%s\n", name, fname,
                    forms_kind_name(got->fld->kind), got->read, want ? want : "", got->reason);
        }
        /* the baseline: is the true value anywhere in the full-page text? */
        if (text && !blank(want) && (got->fld->kind == FORMS_DIGITS ||
                                     got->fld->kind == FORMS_KANA ||
                                     got->fld->kind == FORMS_PRINTED ||
                                     got->fld->kind == FORMS_MYNUMBER)) {
            char *w = text_nfkc(want);
            struct buf ww;
            buf_init(&ww);
            for (const char *p = w ? w : ""; *p; p++)
                if (*p != ' ')
                    buf_addc(&ww, *p);
            s->base_values++;
            s->base_found += strstr(text, ww.s) != NULL;
            buf_release(&ww);
            free(w);
        }
    }
cleanup:
    intake_page_result_release(&res);
    ocr_loaded_release(&l);
    json_decref(truth);
    free(truth_path);
    free(text);
    free(img);
    return rc;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int eval_dir(const char *dir, const struct forms_registry *forms, const unsigned char key[32],
             int baseline, int limit, int verbose, struct eval_stats *out, struct berr *e)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t n = 0;
    struct ocr_reader *rd = NULL;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    out->verbose = verbose;
    if (d == NULL)
        return berr_set(e, BERR_INVALID, "%s: フォルダを開けません", dir);
    while ((de = readdir(d)) != NULL) {
        const char *dot = strrchr(de->d_name, '.');
        if (strncmp(de->d_name, "page-", 5) != 0 || dot == NULL || strcmp(dot, ".json") == 0)
            continue;
        names = xrealloc(names, (n + 1) * sizeof(*names));
        names[n++] = xstrdup(de->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), cmp_name);
    rc = ocr_reader_open(&rd, e);
    for (size_t i = 0; rc == 0 && i < n && (limit <= 0 || (int)i < limit); i++)
        rc = eval_page(rd, dir, names[i], forms, key, baseline, out, e);
    ocr_reader_free(&rd);
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

void eval_stats_release(struct eval_stats *s)
{
    free(s->ms);
    s->ms = NULL;
    s->n_ms = 0;
}
