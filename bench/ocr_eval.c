/*
 * ocr_eval: reads simulated scans (boshi demo scan) with boshi's reader and
 * compares every field with its ground truth; with --baseline, also runs
 * full-page `tesseract -l jpn` on the same pages.  Prints, per field kind,
 * the accuracy of the readings, the share settled without a person and the
 * silent errors (accepted but wrong); ms per page and peak memory.
 * Usage: ocr_eval [--baseline] DIR...   (pages signed with the simulator's
 * test key, 00 01 .. 1f)
 */
#include "demo/eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static const char *const kind_ja[FORMS_KIND_COUNT] = {
    "check", "choice", "multi", "digits (手書き)", "number (手書き)", "date (手書き)",
    "kana (手書き)", "text (手書き漢字)", "mynumber", "printed (印字)", "presence",
};

int main(int argc, char **argv)
{
    struct forms_registry *forms = NULL;
    struct eval_stats total, s;
    unsigned char key[32];
    struct berr e;
    int baseline = 0, first = 1, verbose = getenv("OCR_EVAL_VERBOSE") != NULL;
    const char *defs = getenv("BOSHI_FORMS_DIR") ? getenv("BOSHI_FORMS_DIR") : "forms/defs";

    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)i;
    if (argc > 1 && strcmp(argv[1], "--baseline") == 0) {
        baseline = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: ocr_eval [--baseline] DIR...\n");
        return 2;
    }
    if (forms_registry_load_dir(defs, &forms, &e) < 0) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    memset(&total, 0, sizeof(total));
    for (int a = first; a < argc; a++) {
        if (eval_dir(argv[a], forms, key, baseline, 0, verbose, &s, &e) < 0) {
            fprintf(stderr, "%s: %s\n", argv[a], e.msg);
            return 1;
        }
        total.pages += s.pages;
        total.rejected += s.rejected;
        total.forms_misidentified += s.forms_misidentified;
        for (int k = 0; k < FORMS_KIND_COUNT; k++) {
            total.kind[k].fields += s.kind[k].fields;
            total.kind[k].correct += s.kind[k].correct;
            total.kind[k].accepted += s.kind[k].accepted;
            total.kind[k].silent += s.kind[k].silent;
            total.kind[k].erased += s.kind[k].erased;
            total.kind[k].clear += s.kind[k].clear;
            total.kind[k].clear_accepted += s.kind[k].clear_accepted;
        }
        total.ms = realloc(total.ms, (total.n_ms + s.n_ms) * sizeof(double));
        memcpy(total.ms + total.n_ms, s.ms, s.n_ms * sizeof(double));
        total.n_ms += s.n_ms;
        for (int i = 0; i < s.n_silent && total.n_silent < EVAL_MAX_SILENT; i++)
            snprintf(total.silent[total.n_silent++], sizeof(total.silent[0]), "%s: %s", argv[a],
                     s.silent[i]);
        total.base_seconds += s.base_seconds;
        total.base_values += s.base_values;
        total.base_found += s.base_found;
        eval_stats_release(&s);
    }
    printf("pages %ld, rejected %ld, wrong form %ld\n", total.pages, total.rejected,
           total.forms_misidentified);
    printf("%-20s %8s %10s %10s %14s %8s\n", "kind", "fields", "accuracy", "automatic",
           "auto (clear)", "silent");
    long silent = 0, erased = 0;
    for (int k = 0; k < FORMS_KIND_COUNT; k++) {
        struct eval_kind *x = &total.kind[k];
        if (x->fields == 0)
            continue;
        printf("%-20s %8ld %9.1f%% %9.1f%% %13.1f%% %8ld\n", kind_ja[k], x->fields,
               100.0 * (double)x->correct / (double)x->fields,
               100.0 * (double)x->accepted / (double)x->fields,
               x->clear ? 100.0 * (double)x->clear_accepted / (double)x->clear : 0.0, x->silent);
        silent += x->silent;
        erased += x->erased;
    }
    printf("silent errors (accepted but wrong): %ld\n", silent);
    if (erased)
        printf("faint marks erased by a 1-bit scan (invisible to any reader): %ld\n", erased);
    for (int i = 0; i < total.n_silent; i++)
        printf("  %s\n", total.silent[i]);
    if (total.n_ms > 0) {
        qsort(total.ms, total.n_ms, sizeof(double), cmp_double);
        double sum = 0;
        for (size_t i = 0; i < total.n_ms; i++)
            sum += total.ms[i];
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        printf("boshi reader:  median %.0f ms/page, p95 %.0f ms, total %.1f s; peak memory %ld MiB (one worker)\n",
               total.ms[total.n_ms / 2], total.ms[total.n_ms * 95 / 100], sum / 1e3,
               ru.ru_maxrss / 1024);
        if (baseline && total.base_values > 0)
            printf("baseline:      full-page tesseract -l jpn %.1f s (%.0f ms/page, %.2fx boshi); "
                   "true values found anywhere in its text: %ld of %ld (%.1f%%)\n",
                   total.base_seconds, total.base_seconds * 1e3 / (double)total.n_ms,
                   total.base_seconds * 1e3 / sum, total.base_found, total.base_values,
                   100.0 * (double)total.base_found / (double)total.base_values);
    }
    free(total.ms);
    forms_registry_free(&forms);
    return silent > 0 ? 3 : 0;
}
