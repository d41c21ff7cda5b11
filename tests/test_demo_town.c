/*
 * test_demo_town: the synthetic town generator (demo/town.h).
 *
 * Writes a 20,000-person master and daily diffs to temporary files, parses
 * them back with libcsv (an independent RFC 4180 reader) and checks the 5a
 * layout, keys, dates, households, births per month, quoting, determinism
 * and the tricky names.  Also times a 1,000,000-person master (printed, not
 * asserted).
 */
#include "base/base.h"
#include "demo/town.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NCOL 15
#define AS_OF ((struct ymd){ 2025, 4, 1 })

static const char header_line[] =
    "宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,方書,"
    "異動事由,異動日,届出日,個人番号";

enum col { C_ATENA, C_SETAI, C_NAME, C_KANA, C_SEX, C_BIRTH, C_REL, C_STATUS, C_ZIP,
           C_ADDR, C_HOKATA, C_REASON, C_IDO, C_TODOKE, C_MYNUMBER };

/* ---- a small CSV table on top of libcsv ------------------------------------ */

struct row {
    int n;                   /* fields seen (may exceed NCOL) */
    char *f[NCOL];
};

struct table {
    struct row *rows;
    long n, alloc;
    struct row cur;
};

static void tbl_field(void *s, size_t len, void *data)
{
    struct table *t = data;

    if (t->cur.n < NCOL)
        t->cur.f[t->cur.n] = xstrndup(s ? s : "", s ? len : 0);
    t->cur.n++;
}

static void tbl_row(int c, void *data)
{
    struct table *t = data;

    (void)c;
    if (t->n == t->alloc) {
        t->alloc = t->alloc ? t->alloc * 2 : 1024;
        t->rows = xrealloc(t->rows, (size_t)t->alloc * sizeof(*t->rows));
    }
    for (int i = t->cur.n; i < NCOL; i++)
        t->cur.f[i] = NULL;
    t->rows[t->n++] = t->cur;
    memset(&t->cur, 0, sizeof(t->cur));
}

static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* Parses a whole file strictly; row 0 is the header. */
static void tbl_load(struct table *t, const char *path)
{
    struct csv_parser p;
    size_t len;
    char *data = tl_read_file(path, &len);

    ck_assert_ptr_nonnull(data);
    memset(t, 0, sizeof(*t));
    ck_assert_int_eq(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
    csv_set_space_func(&p, no_space);
    ck_assert_msg(csv_parse(&p, data, len, tbl_field, tbl_row, t) == len,
                  "csv parse error: %s", csv_strerror(csv_error(&p)));
    ck_assert_int_eq(csv_fini(&p, tbl_field, tbl_row, t), 0);
    csv_free(&p);
    free(data);
}

static void tbl_free(struct table *t)
{
    for (long i = 0; i < t->n; i++)
        for (int j = 0; j < NCOL; j++)
            free(t->rows[i].f[j]);
    free(t->rows);
    memset(t, 0, sizeof(*t));
}

/* ---- shared 20,000-person master (made once, before the forks) ------------- */

static char *dir;
static char *master_path;
static struct town_params master_params;
static struct town_stats master_stats;
static struct table master;

static void master_setup(void)
{
    struct berr e = { 0 };
    FILE *f;

    dir = tl_tmpdir();
    master_path = tl_path(dir, "master.csv");
    town_params_init(&master_params);
    master_params.residents = 20000;
    master_params.seed = 42;
    master_params.as_of = AS_OF;
    f = fopen(master_path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(town_write_csv(f, &master_params, &master_stats, &e), 0);
    ck_assert_int_eq(fclose(f), 0);
    tbl_load(&master, master_path);
}

static void master_teardown(void)
{
    tbl_free(&master);
    tl_rmtree(dir);
    free(master_path);
    free(dir);
}

/* ---- field checks shared by the master and diff tests ---------------------- */

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static struct ymd date_of(const char *s, long line, const char *what)
{
    struct ymd d;

    ck_assert_msg(ymd_parse_compact(s, &d) == 0 && ymd_valid(d),
                  "line %ld: %s '%s' is not a date", line, what, s);
    return d;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 if the n strings are pairwise different (sorts a copy). */
static int all_unique(char **v, long n)
{
    char **c = xmalloc((size_t)(n ? n : 1) * sizeof(*c));
    int ok = 1;

    memcpy(c, v, (size_t)n * sizeof(*c));
    qsort(c, (size_t)n, sizeof(*c), str_cmp);
    for (long i = 1; i < n; i++)
        if (strcmp(c[i - 1], c[i]) == 0)
            ok = 0;
    free(c);
    return ok;
}

static const char *const known_rels[] = {
    "世帯主", "妻", "夫", "子", "父", "母", "子の妻", "孫",
};

/*
 * Every rule of 5a that a single row can break.  `last` is the latest
 * allowed 異動日 / 届出日 (as_of for a master, the day for a diff).
 */
static void check_row(const struct row *r, long line, const char *city, struct ymd last)
{
    const char *fw_space = "　";
    struct ymd birth, ido;
    int reason, status, rel_ok = 0;

    ck_assert_msg(r->n == NCOL, "line %ld has %d columns", line, r->n);
    for (int j = 0; j < NCOL; j++)
        ck_assert_msg(utf8_valid(r->f[j], strlen(r->f[j])), "line %ld col %d: bad UTF-8",
                      line, j + 1);
    ck_assert_msg(all_digits(r->f[C_ATENA], 10), "line %ld: 宛名番号 %s", line, r->f[C_ATENA]);
    ck_assert_msg(all_digits(r->f[C_SETAI], 10), "line %ld: 世帯番号 %s", line, r->f[C_SETAI]);

    /* 氏名 and カナ: surname, one full-width space, given name */
    const char *sp = strstr(r->f[C_NAME], fw_space);
    ck_assert_msg(sp && sp != r->f[C_NAME] && sp[3] && !strstr(sp + 3, fw_space),
                  "line %ld: 氏名 '%s'", line, r->f[C_NAME]);
    sp = strstr(r->f[C_KANA], fw_space);
    ck_assert_msg(sp && sp != r->f[C_KANA] && sp[3] && !strstr(sp + 3, fw_space),
                  "line %ld: カナ '%s'", line, r->f[C_KANA]);
    ck_assert_msg(kana_is_katakana(r->f[C_KANA]), "line %ld: カナ '%s' is not katakana",
                  line, r->f[C_KANA]);

    ck_assert_msg(strcmp(r->f[C_SEX], "1") == 0 || strcmp(r->f[C_SEX], "2") == 0,
                  "line %ld: 性別 %s", line, r->f[C_SEX]);
    birth = date_of(r->f[C_BIRTH], line, "生年月日");
    ck_assert_msg(ymd_cmp(birth, last) <= 0, "line %ld: born after %d", line, last.y);
    for (size_t i = 0; i < sizeof(known_rels) / sizeof(known_rels[0]); i++)
        rel_ok |= strcmp(r->f[C_REL], known_rels[i]) == 0;
    ck_assert_msg(rel_ok, "line %ld: 続柄 %s", line, r->f[C_REL]);
    ck_assert_msg(strlen(r->f[C_STATUS]) == 1 && r->f[C_STATUS][0] >= '1' &&
                  r->f[C_STATUS][0] <= '4', "line %ld: 住民状態 %s", line, r->f[C_STATUS]);
    status = r->f[C_STATUS][0] - '0';
    ck_assert_msg(all_digits(r->f[C_ZIP], 7), "line %ld: 郵便番号 %s", line, r->f[C_ZIP]);
    ck_assert_msg(strncmp(r->f[C_ADDR], city, strlen(city)) == 0 &&
                  strlen(r->f[C_ADDR]) > strlen(city), "line %ld: 住所 %s", line, r->f[C_ADDR]);

    /* 異動事由 agrees with 住民状態 */
    ck_assert_msg(all_digits(r->f[C_REASON], 2), "line %ld: 異動事由 %s", line, r->f[C_REASON]);
    reason = atoi(r->f[C_REASON]);
    ck_assert_msg(reason >= 1 && reason <= 10, "line %ld: 異動事由 %d", line, reason);
    if (status == 2)
        ck_assert_msg(reason == 4, "line %ld: 転出 with 事由 %d", line, reason);
    else if (status == 3)
        ck_assert_msg(reason == 5, "line %ld: 死亡 with 事由 %d", line, reason);
    else if (status == 4)
        ck_assert_msg(reason == 8, "line %ld: 消除 with 事由 %d", line, reason);
    else
        ck_assert_msg(reason != 4 && reason != 5 && reason != 8,
                      "line %ld: resident with 事由 %d", line, reason);

    ido = date_of(r->f[C_IDO], line, "異動日");
    ck_assert_msg(ymd_cmp(ido, birth) >= 0 && ymd_cmp(ido, last) <= 0,
                  "line %ld: 異動日 %s outside 生年月日..as_of", line, r->f[C_IDO]);
    if (reason == 1)
        ck_assert_msg(strcmp(r->f[C_IDO], r->f[C_BIRTH]) == 0,
                      "line %ld: 出生 on %s, born %s", line, r->f[C_IDO], r->f[C_BIRTH]);
    if (r->f[C_TODOKE][0] == '\0') {
        ck_assert_msg(reason >= 6 && reason <= 8, "line %ld: 届出日 empty for 事由 %d",
                      line, reason);
    } else {
        struct ymd t = date_of(r->f[C_TODOKE], line, "届出日");
        ck_assert_msg(ymd_cmp(t, ido) >= 0 && ymd_cmp(t, last) <= 0,
                      "line %ld: 届出日 %s before 異動日 %s or after as_of", line,
                      r->f[C_TODOKE], r->f[C_IDO]);
    }
    if (r->f[C_MYNUMBER][0])
        ck_assert_msg(mynumber_valid(r->f[C_MYNUMBER]), "line %ld: 個人番号 %s invalid",
                      line, r->f[C_MYNUMBER]);
}

static void check_header(const char *path, const char *eol)
{
    char *data = tl_read_file(path, NULL);
    size_t hl = strlen(header_line);

    ck_assert_ptr_nonnull(data);
    ck_assert_msg(strncmp(data, header_line, hl) == 0 && strncmp(data + hl, eol, strlen(eol)) == 0,
                  "header differs");
    free(data);
}

static long age_on(struct ymd birth, struct ymd on)
{
    return ymd_age_years(birth, on);
}

/* ---- tests: the master ----------------------------------------------------- */

START_TEST(master_layout)
{
    struct ymd last = AS_OF;

    check_header(master_path, "\n");
    ck_assert(!tl_file_contains(master_path, "\r", 1));
    ck_assert_int_eq(master.n - 1, master_stats.people);
    ck_assert_int_ge(master_stats.people, 20000);
    ck_assert_int_le(master_stats.people, 20007);
    ck_assert_int_eq(master.rows[0].n, NCOL);
    for (long i = 1; i < master.n; i++)
        check_row(&master.rows[i], i + 1, "みどり市", last);
}
END_TEST

START_TEST(master_keys_unique_and_valid)
{
    long n = master.n - 1, with_mn = 0, heads = 0;
    char **atena = xmalloc((size_t)n * sizeof(char *));
    char **mn = xmalloc((size_t)n * sizeof(char *));
    char **setai = xmalloc((size_t)n * sizeof(char *));

    for (long i = 0; i < n; i++) {
        const struct row *r = &master.rows[i + 1];
        atena[i] = r->f[C_ATENA];
        if (r->f[C_MYNUMBER][0]) {
            ck_assert(mynumber_valid(r->f[C_MYNUMBER]));
            mn[with_mn++] = r->f[C_MYNUMBER];
        }
        if (strcmp(r->f[C_REL], "世帯主") == 0) {
            /* 世帯番号 is the 世帯主's 宛名番号 */
            ck_assert_str_eq(r->f[C_SETAI], r->f[C_ATENA]);
            setai[heads++] = r->f[C_SETAI];
        }
    }
    ck_assert_msg(all_unique(atena, n), "宛名番号 repeated");
    ck_assert_msg(all_unique(mn, with_mn), "個人番号 repeated");
    ck_assert_msg(all_unique(setai, heads), "two 世帯主 in one 世帯");
    ck_assert_int_eq(heads, master_stats.households);
    ck_assert_int_eq(with_mn, master_stats.with_mynumber);
    /* about 97% carry a 個人番号 */
    ck_assert_msg(with_mn * 100 >= n * 95 && with_mn * 100 <= n * 99, "個人番号 %ld of %ld",
                  with_mn, n);
    free(atena);
    free(mn);
    free(setai);
}
END_TEST

START_TEST(master_status_mix)
{
    long n = master.n - 1, by[5] = { 0 }, reasons[11] = { 0 }, empty_todoke = 0, hokata = 0;

    for (long i = 1; i < master.n; i++) {
        const struct row *r = &master.rows[i];
        by[r->f[C_STATUS][0] - '0']++;
        reasons[atoi(r->f[C_REASON])]++;
        empty_todoke += r->f[C_TODOKE][0] == '\0';
        hokata += r->f[C_HOKATA][0] != '\0';
    }
    for (int s = 1; s <= 4; s++)
        ck_assert_int_eq(by[s], master_stats.by_status[s]);
    ck_assert_msg(by[1] * 100 > n * 94, "住民 %ld", by[1]);
    ck_assert_msg(by[2] * 1000 >= n * 10 && by[2] * 1000 <= n * 35, "転出 %ld", by[2]);
    ck_assert_msg(by[3] * 1000 >= n * 5 && by[3] * 1000 <= n * 20, "死亡 %ld", by[3]);
    ck_assert_msg(by[4] > 0 && by[4] * 1000 <= n * 5, "消除 %ld", by[4]);
    for (int k = 1; k <= 10; k++)
        ck_assert_msg(reasons[k] > 0, "no row with 異動事由 %02d", k);
    ck_assert_int_gt(empty_todoke, 0);
    ck_assert_msg(hokata * 100 > n * 12 && hokata * 100 < n * 30, "方書 %ld", hokata);
}
END_TEST

/* Zip codes are one per 町名: the 住所 up to the first digit names the 町. */
START_TEST(master_zip_per_cho)
{
    struct { char cho[128]; char zip[8]; } seen[64];
    int nseen = 0;

    for (long i = 1; i < master.n; i++) {
        const struct row *r = &master.rows[i];
        const char *a = r->f[C_ADDR];
        size_t k = 0;
        while (a[k] && (a[k] < '0' || a[k] > '9'))
            k++;
        ck_assert(k > 0 && k < sizeof(seen[0].cho));
        int j;
        for (j = 0; j < nseen; j++)
            if (strlen(seen[j].cho) == k && memcmp(seen[j].cho, a, k) == 0)
                break;
        if (j == nseen) {
            ck_assert_int_lt(nseen, 64);
            memcpy(seen[j].cho, a, k);
            seen[j].cho[k] = '\0';
            memcpy(seen[j].zip, r->f[C_ZIP], 8);
            nseen++;
        }
        ck_assert_msg(strcmp(seen[j].zip, r->f[C_ZIP]) == 0, "%s has zips %s and %s",
                      seen[j].cho, seen[j].zip, r->f[C_ZIP]);
    }
    ck_assert_int_ge(nseen, 15);
    ck_assert_int_le(nseen, 30);
}
END_TEST

/*
 * Households: rows of one 世帯 come together; members share surname and
 * address; a resident child has a resident adult (世帯主/妻/夫, 18+) except
 * in the few exception households the stats report.
 */
static void check_households(const struct table *t, const struct town_stats *st,
                             struct ymd as_of, long *three_gen, long *singles)
{
    long no_adult = 0, no_adult_children = 0, children = 0, households = 0;

    *three_gen = *singles = 0;
    for (long i = 1; i < t->n;) {
        long j = i;
        int kids = 0, adults = 0, parents = 0;
        const char *sp = strstr(t->rows[i].f[C_KANA], "　");
        size_t sur_len = (size_t)(sp - t->rows[i].f[C_KANA]);
        while (j < t->n && strcmp(t->rows[j].f[C_SETAI], t->rows[i].f[C_SETAI]) == 0) {
            const struct row *r = &t->rows[j];
            struct ymd b;
            ck_assert_int_eq(ymd_parse_compact(r->f[C_BIRTH], &b), 0);
            ck_assert_msg(strncmp(r->f[C_KANA], t->rows[i].f[C_KANA], sur_len + 3) == 0,
                          "line %ld: %s in the household of %s", j + 1, r->f[C_KANA],
                          t->rows[i].f[C_KANA]);
            ck_assert_str_eq(r->f[C_ADDR], t->rows[i].f[C_ADDR]);
            ck_assert_str_eq(r->f[C_HOKATA], t->rows[i].f[C_HOKATA]);
            int resident = strcmp(r->f[C_STATUS], "1") == 0;
            if (resident && age_on(b, as_of) < 18)
                kids++;
            if (resident && age_on(b, as_of) >= 18 &&
                (strcmp(r->f[C_REL], "世帯主") == 0 || strcmp(r->f[C_REL], "妻") == 0 ||
                 strcmp(r->f[C_REL], "夫") == 0))
                adults++;
            if (strcmp(r->f[C_REL], "父") == 0 || strcmp(r->f[C_REL], "母") == 0)
                parents = 1;
            j++;
        }
        households++;
        children += kids;
        if (kids && !adults) {
            no_adult++;
            no_adult_children += kids;
        }
        *three_gen += parents;
        *singles += j - i == 1;
        i = j;
    }
    ck_assert_int_eq(households, st->households);
    ck_assert_int_eq(children, st->children);
    ck_assert_int_eq(no_adult, st->no_adult_households);
    ck_assert_int_eq(no_adult_children, st->no_adult_children);
}

START_TEST(master_households)
{
    long three_gen, singles;

    check_households(&master, &master_stats, AS_OF, &three_gen, &singles);
    ck_assert_int_gt(three_gen, 0);
    ck_assert_int_gt(singles, master_stats.households / 5);
    /* the default 0.1%: a handful at most */
    ck_assert_int_le(master_stats.no_adult_households, 20);
    /* realistic size: 2.0 - 2.6 people per 世帯 */
    ck_assert(master_stats.people * 10 >= master_stats.households * 20);
    ck_assert(master_stats.people * 10 <= master_stats.households * 26);
}
END_TEST

START_TEST(no_adult_households_configurable)
{
    struct town_params p = master_params;
    struct town_stats st;
    struct table t;
    struct berr e = { 0 };
    char *path = tl_path(dir, "noadult.csv");
    long three_gen, singles;

    p.residents = 5000;
    p.no_adult_per_10k = 1000;       /* 10%, to have plenty */
    FILE *f = fopen(path, "wb");
    ck_assert_int_eq(town_write_csv(f, &p, &st, &e), 0);
    fclose(f);
    tbl_load(&t, path);
    check_households(&t, &st, AS_OF, &three_gen, &singles);
    ck_assert_int_gt(st.no_adult_households, 10);
    ck_assert_int_gt(st.no_adult_children, st.no_adult_households - 1);
    tbl_free(&t);

    p.no_adult_per_10k = 0;
    ck_assert_int_eq(town_scan(&p, &st, &e), 0);
    ck_assert_int_eq(st.no_adult_households, 0);
    free(path);
}
END_TEST

START_TEST(births_every_month)
{
    long csv_count[TOWN_BIRTH_MONTHS] = { 0 }, last_year = 0;
    struct berr e = { 0 };

    for (long i = 1; i < master.n; i++) {
        const struct row *r = &master.rows[i];
        struct ymd b;
        ck_assert_int_eq(ymd_parse_compact(r->f[C_BIRTH], &b), 0);
        int k = town_birth_month_index(AS_OF, b.y, b.m);
        if (k >= 0 && strcmp(r->f[C_STATUS], "1") == 0)
            csv_count[k]++;
    }
    for (int k = 0; k < TOWN_BIRTH_MONTHS; k++) {
        struct ymd m = ymd_add_months((struct ymd){ AS_OF.y, AS_OF.m, 1 },
                                      k - (TOWN_BIRTH_MONTHS - 1));
        long n = town_count_born_resident(&master_params, m.y, m.m, &e);
        ck_assert_int_eq(town_birth_month_index(AS_OF, m.y, m.m), k);
        ck_assert_msg(n == csv_count[k], "%d-%02d: counted %ld, file has %ld", m.y, m.m, n,
                      csv_count[k]);
        ck_assert_int_eq(master_stats.born_by_month[k], csv_count[k]);
        /* as_of's own month is partial (as_of is its 1st) */
        if (k < TOWN_BIRTH_MONTHS - 1)
            ck_assert_msg(csv_count[k] > 0, "no births in %d-%02d", m.y, m.m);
        if (k >= TOWN_BIRTH_MONTHS - 13 && k < TOWN_BIRTH_MONTHS - 1)
            last_year += csv_count[k];
    }
    /* a real Japanese town: ~7-9 births per 1000 people a year */
    ck_assert_msg(last_year * 1000 >= master_stats.people * 6 &&
                  last_year * 1000 <= master_stats.people * 10,
                  "%ld births in 12 months for %ld people", last_year, master_stats.people);
    ck_assert_int_eq(town_birth_month_index(AS_OF, AS_OF.y - 4, AS_OF.m), -1);
    ck_assert_int_eq(town_birth_month_index(AS_OF, AS_OF.y, AS_OF.m + 1), -1);
    ck_assert_int_eq(town_count_born_resident(&master_params, 1900, 1, &e), 0);
}
END_TEST

/* Fields with a comma or quote are quoted, nothing else is, and both round-trip. */
START_TEST(quoting_round_trips)
{
    long comma = 0, quote = 0, needs = 0, raw_quoted_lines = 0;
    size_t len;
    char *data = tl_read_file(master_path, &len);
    const char *p = data;

    for (long i = 1; i < master.n; i++) {
        const struct row *r = &master.rows[i];
        int need = 0;
        for (int j = 0; j < NCOL; j++) {
            int has_comma = strchr(r->f[j], ',') != NULL;
            int has_quote = strchr(r->f[j], '"') != NULL;
            if (has_comma || has_quote)
                need = 1;
            if (j == C_HOKATA) {
                comma += has_comma;
                quote += has_quote;
            }
        }
        needs += need;
    }
    while ((p = memchr(p, '\n', len - (size_t)(p - data))) != NULL) {
        const char *eol = memchr(p + 1, '\n', len - (size_t)(p + 1 - data));
        if (!eol)
            break;
        raw_quoted_lines += memchr(p + 1, '"', (size_t)(eol - p - 1)) != NULL;
        p = eol;
    }
    ck_assert_int_gt(comma, 0);
    ck_assert_int_gt(quote, 0);
    ck_assert_int_eq(needs, raw_quoted_lines);
    ck_assert_int_eq(needs, master_stats.quoted_rows);

    /* one concrete 方書 like 「コーポ緑,101号」 as written and as parsed */
    for (long i = 1; i < master.n; i++) {
        const char *h = master.rows[i].f[C_HOKATA];
        if (!strchr(h, ',') || strchr(h, '"'))
            continue;
        char *quoted = xasprintf(",\"%s\",", h);
        ck_assert(tl_file_contains(master_path, quoted, strlen(quoted)));
        free(quoted);
        break;
    }
    for (long i = 1; i < master.n; i++) {
        const char *h = master.rows[i].f[C_HOKATA];
        if (!strstr(h, "メゾン\"ソレイユ\""))
            continue;
        ck_assert(tl_file_contains(master_path, "\"メゾン\"\"ソレイユ\"\"",
                                   strlen("\"メゾン\"\"ソレイユ\"\"")));
        break;
    }
    free(data);
}
END_TEST

static char *write_to_string(const struct town_params *p, size_t *len)
{
    char *s = NULL;
    FILE *f = open_memstream(&s, len);
    struct berr e = { 0 };

    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(town_write_csv(f, p, NULL, &e), 0);
    fclose(f);
    return s;
}

START_TEST(deterministic_bytes)
{
    struct town_params p = master_params;
    size_t la, lb, lc, ld;
    char *a, *b, *c, *d;
    size_t lm;
    char *m = tl_read_file(master_path, &lm);

    p.residents = 20000;
    a = write_to_string(&p, &la);
    ck_assert(la == lm && memcmp(a, m, la) == 0);    /* same as the fixture's file */
    b = write_to_string(&p, &lb);
    ck_assert(la == lb && memcmp(a, b, la) == 0);
    p.seed = 43;
    c = write_to_string(&p, &lc);
    ck_assert(la != lc || memcmp(a, c, la) != 0);

    /* CRLF: the same bytes with \r before every \n */
    p.seed = master_params.seed;
    p.crlf = 1;
    d = write_to_string(&p, &ld);
    size_t k = 0, lines = 0;
    for (size_t i = 0; i < ld; i++) {
        if (d[i] == '\r') {
            ck_assert(i + 1 < ld && d[i + 1] == '\n');
            lines++;
            continue;
        }
        ck_assert(k < la && a[k] == d[i]);
        k++;
    }
    ck_assert_int_eq(k, la);
    ck_assert_int_eq(lines, master_stats.people + 1);
    free(a);
    free(b);
    free(c);
    free(d);
    free(m);
}
END_TEST

static long count_in_names(const struct table *t, const char *needle, int col)
{
    long n = 0;

    for (long i = 1; i < t->n; i++)
        n += strstr(t->rows[i].f[col], needle) != NULL;
    return n;
}

START_TEST(tricky_names_present_when_asked)
{
    static const char *const variants[] = { "髙橋", "齋藤", "齊藤", "山﨑", "渡邊", "渡邉",
                                            "高橋", "斎藤", "山崎", "渡辺" };
    struct town_params p = master_params;
    struct town_stats st;
    struct berr e = { 0 };
    char *path = tl_path(dir, "plain.csv");
    struct table t;

    for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
        ck_assert_msg(count_in_names(&master, variants[i], C_NAME) > 0, "no %s", variants[i]);
    ck_assert_int_gt(count_in_names(&master, "ヴ", C_NAME), 0);
    ck_assert_int_gt(count_in_names(&master, "ヴ", C_KANA), 0);
    ck_assert_int_gt(master_stats.tricky_rows, 0);
    /* readings: long vowels spelled out and small kana */
    ck_assert_int_gt(count_in_names(&master, "ユウコ", C_KANA), 0);
    ck_assert_int_gt(count_in_names(&master, "キョウ", C_KANA), 0);
    ck_assert_int_gt(count_in_names(&master, "リョウ", C_KANA), 0);
    /* a variant spelling folds to the plain one, with the same reading */
    for (long i = 1; i < master.n; i++) {
        const struct row *r = &master.rows[i];
        if (strncmp(r->f[C_NAME], "髙橋　", strlen("髙橋　")) != 0)
            continue;
        ck_assert(strncmp(r->f[C_KANA], "タカハシ　", strlen("タカハシ　")) == 0);
        char *a = kana_fold("髙橋"), *b = kana_fold("高橋");
        ck_assert_str_eq(a, b);
        free(a);
        free(b);
        break;
    }

    /* and none of it when not asked */
    p.residents = 20000;
    p.tricky_names = 0;
    FILE *f = fopen(path, "wb");
    ck_assert_int_eq(town_write_csv(f, &p, &st, &e), 0);
    fclose(f);
    tbl_load(&t, path);
    for (size_t i = 0; i < 6; i++)
        ck_assert_int_eq(count_in_names(&t, variants[i], C_NAME), 0);
    ck_assert_int_eq(count_in_names(&t, "ヴ", C_NAME), 0);
    ck_assert_int_eq(count_in_names(&t, "ヴ", C_KANA), 0);
    ck_assert_int_eq(st.tricky_rows, 0);
    tbl_free(&t);
    free(path);
}
END_TEST

/* ---- tests: the daily diff ------------------------------------------------- */

static long find_row(const struct table *t, const char *atena)
{
    for (long i = 1; i < t->n; i++)
        if (strcmp(t->rows[i].f[C_ATENA], atena) == 0)
            return i;
    return -1;
}

static void write_diff(const char *path, struct ymd day, int changes, struct town_stats *st)
{
    struct berr e = { 0 };
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_msg(town_write_diff(f, &master_params, day, changes, st, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(diff_rows_are_changes_of_the_town)
{
    struct ymd day = { 2025, 4, 2 }, day2 = { 2025, 4, 3 };
    char *path = tl_path(dir, "diff.csv"), *path2 = tl_path(dir, "diff2.csv");
    struct town_stats st, st2;
    struct table t, t2;
    long reasons[11] = { 0 }, fresh = 0, moved = 0;

    write_diff(path, day, 200, &st);
    check_header(path, "\n");
    tbl_load(&t, path);
    ck_assert_int_eq(t.n - 1, st.people);
    ck_assert_int_ge(st.people, 200);

    char **keys = xmalloc((size_t)(t.n + master.n) * sizeof(char *));
    long nkeys = 0;
    for (long i = 1; i < t.n; i++) {
        const struct row *r = &t.rows[i];
        check_row(r, i + 1, "みどり市", day);
        ck_assert_str_eq(r->f[C_TODOKE], "20250402");
        ck_assert_msg(strcmp(r->f[C_IDO], "20250401") > 0, "line %ld: 異動 before as_of", i + 1);
        int reason = atoi(r->f[C_REASON]);
        reasons[reason]++;
        keys[nkeys++] = r->f[C_ATENA];
        long m = find_row(&master, r->f[C_ATENA]);
        if (reason == 1 || reason == 2) {
            /* new people: a 宛名番号 the master never had */
            ck_assert_msg(m < 0, "line %ld: 新規 %s already in the master", i + 1,
                          r->f[C_ATENA]);
            fresh++;
            if (reason == 1)
                ck_assert_msg(find_row(&master, r->f[C_SETAI]) > 0,
                              "line %ld: born into an unknown 世帯", i + 1);
        } else {
            ck_assert_msg(m > 0, "line %ld: %s not in the master", i + 1, r->f[C_ATENA]);
            const struct row *mr = &master.rows[m];
            ck_assert_str_eq(mr->f[C_STATUS], "1");
            ck_assert_str_eq(mr->f[C_NAME], r->f[C_NAME]);
            ck_assert_str_eq(mr->f[C_BIRTH], r->f[C_BIRTH]);
            ck_assert_str_eq(mr->f[C_SETAI], r->f[C_SETAI]);
            ck_assert_str_eq(mr->f[C_MYNUMBER], r->f[C_MYNUMBER]);
            if (reason == 3) {
                ck_assert_str_eq(r->f[C_STATUS], "1");
                ck_assert_str_ne(mr->f[C_ADDR], r->f[C_ADDR]);
                moved++;
            }
        }
    }
    ck_assert_msg(all_unique(keys, nkeys), "a person appears twice in one diff");
    for (int k = 1; k <= 5; k++)
        ck_assert_msg(reasons[k] > 0, "no 異動事由 %02d in the diff", k);
    ck_assert_int_gt(fresh, 0);
    ck_assert_int_gt(moved, 0);
    ck_assert_int_eq(st.by_status[2], reasons[4]);
    ck_assert_int_eq(st.by_status[3], reasons[5]);

    /* 個人番号 unique across the master and the diff's new people */
    {
        char **mn = xmalloc((size_t)(t.n + master.n) * sizeof(char *));
        long n = 0;
        for (long i = 1; i < master.n; i++)
            if (master.rows[i].f[C_MYNUMBER][0])
                mn[n++] = master.rows[i].f[C_MYNUMBER];
        for (long i = 1; i < t.n; i++) {
            int reason = atoi(t.rows[i].f[C_REASON]);
            if ((reason == 1 || reason == 2) && t.rows[i].f[C_MYNUMBER][0])
                mn[n++] = t.rows[i].f[C_MYNUMBER];
        }
        ck_assert_msg(all_unique(mn, n), "個人番号 reused by a diff");
        free(mn);
    }

    /* the next day: new numbers again never collide */
    write_diff(path2, day2, 200, &st2);
    tbl_load(&t2, path2);
    for (long i = 1; i < t2.n; i++) {
        check_row(&t2.rows[i], i + 1, "みどり市", day2);
        int reason = atoi(t2.rows[i].f[C_REASON]);
        if (reason == 1 || reason == 2) {
            ck_assert(find_row(&master, t2.rows[i].f[C_ATENA]) < 0);
            ck_assert(find_row(&t, t2.rows[i].f[C_ATENA]) < 0);
        }
    }

    /* deterministic */
    {
        char *again = tl_path(dir, "diff-again.csv");
        size_t la, lb;
        write_diff(again, day, 200, NULL);
        char *a = tl_read_file(path, &la), *b = tl_read_file(again, &lb);
        ck_assert(la == lb && memcmp(a, b, la) == 0);
        free(a);
        free(b);
        free(again);
    }
    free(keys);
    tbl_free(&t);
    tbl_free(&t2);
    free(path);
    free(path2);
}
END_TEST

START_TEST(bad_params_rejected)
{
    struct town_params p = master_params;
    struct berr e = { 0 };
    struct town_stats st;
    FILE *f = fopen("/dev/null", "wb");

    p.residents = 0;
    ck_assert_int_eq(town_write_csv(f, &p, &st, &e), BERR_INVALID);
    ck_assert(e.msg[0] != '\0');
    p = master_params;
    p.city = NULL;
    ck_assert_int_eq(town_scan(&p, &st, &e), BERR_INVALID);
    p = master_params;
    p.as_of = (struct ymd){ 2025, 2, 30 };
    ck_assert_int_eq(town_count_born_resident(&p, 2024, 1, &e), BERR_INVALID);
    p = master_params;
    ck_assert_int_eq(town_write_diff(f, &p, AS_OF, 10, NULL, &e), BERR_INVALID);
    ck_assert_int_eq(town_write_diff(f, &p, (struct ymd){ 2025, 4, 2 },
                                     TOWN_DIFF_MAX_CHANGES + 1, NULL, &e), BERR_INVALID);
    ck_assert_int_eq(town_write_diff(f, &p, (struct ymd){ 2025, 4, 2 }, 0, NULL, &e), 0);
    fclose(f);
}
END_TEST

/* Not a pass/fail test: prints how long a 1,000,000-person master takes. */
START_TEST(million_residents_timing)
{
    struct town_params p = master_params;
    struct town_stats st;
    struct berr e = { 0 };
    struct timespec a, b;
    char *path = tl_path(dir, "million.csv");
    FILE *f = fopen(path, "wb");

    p.residents = 1000000;
    clock_gettime(CLOCK_MONOTONIC, &a);
    ck_assert_int_eq(town_write_csv(f, &p, &st, &e), 0);
    ck_assert_int_eq(fclose(f), 0);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ck_assert_int_ge(st.people, 1000000);
    fprintf(stderr, "\nnote: town of %ld people (%ld households) written in %.2f s "
            "(timing printed only; sanitizer builds are slower)\n", st.people, st.households,
            (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    remove(path);
    free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("demo_town");
    TCase *tc = tcase_create("town");

    tcase_add_unchecked_fixture(tc, master_setup, master_teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, master_layout);
    tcase_add_test(tc, master_keys_unique_and_valid);
    tcase_add_test(tc, master_status_mix);
    tcase_add_test(tc, master_zip_per_cho);
    tcase_add_test(tc, master_households);
    tcase_add_test(tc, no_adult_households_configurable);
    tcase_add_test(tc, births_every_month);
    tcase_add_test(tc, quoting_round_trips);
    tcase_add_test(tc, deterministic_bytes);
    tcase_add_test(tc, tricky_names_present_when_asked);
    tcase_add_test(tc, diff_rows_are_changes_of_the_town);
    tcase_add_test(tc, bad_params_rejected);
    tcase_add_test(tc, million_residents_timing);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
