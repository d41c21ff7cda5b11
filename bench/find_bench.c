/*
 * find_bench: times residents_find() on an imported store.  Takes N
 * residents at random (fixed seed) and looks each up the way intake will:
 * by カナ + 生年月日, and every 4th by 氏名 alone; prints the median, p95
 * and max in milliseconds and checks that the person sought was ranked
 * first.  Usage: find_bench STORE.db LOGIN [N]
 */
#include "records/residents.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    struct store *st = NULL;
    struct actor a;
    struct berr e;
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    int n = argc > 3 ? atoi(argv[3]) : 10000, got = 0, first = 0;
    double *t;
    char (*kana)[128], (*name)[128], (*atena)[11];
    struct ymd *birth;

    if (argc < 3) {
        fprintf(stderr, "usage: find_bench STORE.db LOGIN [N]\n");
        return 2;
    }
    t = calloc((size_t)n, sizeof(*t));
    kana = calloc((size_t)n, sizeof(*kana));
    name = calloc((size_t)n, sizeof(*name));
    atena = calloc((size_t)n, sizeof(*atena));
    birth = calloc((size_t)n, sizeof(*birth));
    /* sample people first, with a plain connection (not audited: test harness) */
    if (sqlite3_open_v2(argv[1], &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return 1;
    sqlite3_prepare_v2(h, "SELECT atena, kana, name, birth FROM residents WHERE atena >= ? "
                          "ORDER BY atena LIMIT 1", -1, &s, NULL);
    srand(42);
    sqlite3_stmt *mx;
    sqlite3_prepare_v2(h, "SELECT max(atena) FROM residents", -1, &mx, NULL);
    sqlite3_step(mx);
    long long maxa = atoll((const char *)sqlite3_column_text(mx, 0));
    sqlite3_finalize(mx);
    while (got < n) {
        char key[24];
        long long r = ((long long)rand() * RAND_MAX + rand()) % (maxa + 1);
        snprintf(key, sizeof(key), "%010lld", r);
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, key, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_ROW)
            continue;
        snprintf(atena[got], 11, "%s", sqlite3_column_text(s, 0));
        snprintf(kana[got], 128, "%s", sqlite3_column_text(s, 1));
        snprintf(name[got], 128, "%s", sqlite3_column_text(s, 2));
        ymd_parse_iso((const char *)sqlite3_column_text(s, 3), &birth[got]);
        got++;
    }
    sqlite3_finalize(s);
    sqlite3_close(h);

    if (store_open(argv[1], 0, &st, &e) < 0 || actor_for_login(st, argv[2], &a, &e) < 0) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        struct find_query q;
        struct candidate *c = NULL;
        size_t k = 0;
        memset(&q, 0, sizeof(q));
        if (i % 4 == 3) {
            q.name = name[i];
        } else {
            q.kana = kana[i];
            q.birth = birth[i];
        }
        double t0 = now_ms();
        if (residents_find(st, &a, &q, &c, &k, &e) < 0) {
            fprintf(stderr, "find: %s\n", e.msg);
            return 1;
        }
        t[i] = now_ms() - t0;
        for (size_t j = 0; j < k; j++)
            if (strcmp(c[j].r.atena, atena[i]) == 0 && c[j].score == c[0].score)
                first++;
        candidates_free(c, k);
    }
    qsort(t, (size_t)n, sizeof(*t), cmp_double);
    printf("find: %d calls  median %.3f ms  p95 %.3f ms  max %.3f ms  (sought person ranked "
           "top: %d of %d)\n", n, t[n / 2], t[n * 95 / 100], t[n - 1], first, n);
    store_close(&st);
    free(t); free(kana); free(name); free(atena); free(birth);
    return 0;
}
