/*
 * test_hostile: the files and folder entries an attacker puts in a scan
 * folder, taken in by a real `boshi intake` child process.
 *  - the corpus (tests/hostile/MANIFEST): each file's page records, their
 *    reasons, whether its original was kept, and the peak memory of the
 *    boshi process (ru_maxrss from wait4) under the ceiling of its line
 *  - folder entries: symlinks (to /etc/shadow, inside the folder, dangling,
 *    a loop, to a folder above), a FIFO and a device beside a good page: each
 *    ignored with its reason in the summary and `batches show`, the page
 *    taken in, nothing of /etc/shadow in <db>.scans/
 * Big files are made here (recipes below), never committed; small ones are
 * in tests/hostile/files/ (HOSTILE_WRITE=DIR writes them anew).
 */
#include "tests/lib/testlib.h"

#include <check.h>

/*
 * Under AddressSanitizer (make check SAN=1) the boshi process carries
 * shadow memory and a quarantine of freed blocks: its peak is measured
 * against twice the ceiling; the release build holds to the ceiling itself.
 */
#if defined(__SANITIZE_ADDRESS__)
#define SAN_FACTOR 2
#else
#define SAN_FACTOR 1
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <leptonica/allheaders.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <tiffio.h>
#include <unistd.h>

static char *dir, *db;

static void setup(void)
{
    struct tl_result r;

    setenv("OMP_THREAD_LIMIT", "1", 1);
    dir = tl_tmpdir();
    db = tl_path(dir, "h.db");
    tl_boshi_run(&r, db, NULL, "init", NULL);
    ck_assert_msg(r.status == 0, "init: %s", r.err);
    tl_result_free(&r);
}

static void teardown(void)
{
    tl_rmtree(dir);
    free(dir);
    free(db);
}

/* ---- recipes ----------------------------------------------------------------- */

/* n pages of w x h, 1 bit, G4, white but for rows [ink0, ink1) black. */
static void tiff_pages(const char *path, int n, uint32_t w, uint32_t h, uint32_t ink0, uint32_t ink1)
{
    TIFF *t = TIFFOpen(path, "w");
    size_t row = (w + 7) / 8;
    unsigned char *white = calloc(1, row), *black = malloc(row);

    ck_assert(t != NULL);
    memset(black, 0xFF, row);
    for (int p = 0; p < n; p++) {
        TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
        TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
        TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
        TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
        TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
        TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
        TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, h);
        TIFFSetField(t, TIFFTAG_XRESOLUTION, 200.0);
        TIFFSetField(t, TIFFTAG_YRESOLUTION, 200.0);
        TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
        for (uint32_t y = 0; y < h; y++)
            ck_assert(TIFFWriteScanline(t, y >= ink0 && y < ink1 ? black : white, y, 0) == 1);
        ck_assert(TIFFWriteDirectory(t));
    }
    TIFFClose(t);
    free(white);
    free(black);
}

static uint32_t dir_offset(const char *path, int page)
{
    TIFF *t = TIFFOpen(path, "r");
    uint32_t off;

    ck_assert(t != NULL && TIFFSetDirectory(t, (tdir_t)page));
    off = (uint32_t)TIFFCurrentDirOffset(t);
    TIFFClose(t);
    return off;
}

/* Points page's "next directory" field at next (little-endian classic TIFF). */
static void poke_next(const char *path, int page, uint32_t next)
{
    uint32_t off = dir_offset(path, page);
    int fd = open(path, O_RDWR);
    unsigned char c[2], v[4] = { next & 0xFF, (next >> 8) & 0xFF, (next >> 16) & 0xFF, next >> 24 };

    ck_assert(fd >= 0 && pread(fd, c, 2, off) == 2);
    ck_assert(pwrite(fd, v, 4, off + 2 + 12 * (c[0] | c[1] << 8)) == 4);
    close(fd);
}

/*
 * Page 1 a plain page, page 2 a header promising 50000 x 50000 8-bit grey
 * with a 64-byte strip, page 3 a page whose directory is then moved past
 * the end of the file.
 */
static void recipe_damaged(const char *path)
{
    TIFF *t;
    unsigned char junk[64];
    struct stat sb;

    tiff_pages(path, 1, 1200, 1700, 200, 260);
    t = TIFFOpen(path, "a");
    ck_assert(t != NULL);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 50000);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, 50000);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 50000);
    for (int i = 0; i < 64; i++)
        junk[i] = (unsigned char)(i * 37 + 11);
    ck_assert(TIFFWriteRawStrip(t, 0, junk, sizeof(junk)) == sizeof(junk));
    ck_assert(TIFFWriteDirectory(t));
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, 1200);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, 1700);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 1);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, 1);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_CCITTFAX4);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_MINISWHITE);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 1700);
    {
        unsigned char row[150] = { 0 };
        for (uint32_t y = 0; y < 1700; y++)
            ck_assert(TIFFWriteScanline(t, row, y, 0) == 1);
    }
    ck_assert(TIFFWriteDirectory(t));
    TIFFClose(t);
    ck_assert_int_eq(stat(path, &sb), 0);
    poke_next(path, 1, (uint32_t)sb.st_size + 1000000);
}

static void recipe_ifd_loop(const char *path)
{
    tiff_pages(path, 1, 1200, 1700, 200, 260);
    poke_next(path, 0, dir_offset(path, 0));
}

static void write_pix(const char *path, PIX *pix, int format)
{
    l_uint8 *data = NULL;
    size_t n = 0;

    ck_assert(pix != NULL);
    ck_assert(pixWriteMem(&data, &n, pix, format) == 0);
    ck_assert_int_eq(tl_write_file(path, data, n), 0);
    lept_free(data);
}

/* A grey page with a dark bar, in format. */
static void recipe_image(const char *path, int w, int h, int format)
{
    PIX *pix = pixCreate(w, h, 8);

    pixSetAll(pix);
    pixRasterop(pix, w / 8, h / 8, w / 2, h / 20, PIX_CLR, NULL, 0, 0);
    write_pix(path, pix, format);
    pixDestroy(&pix);
}

static void recipe_black(const char *path)
{
    PIX *pix = pixCreate(2480, 3508, 8);   /* A4 at 300 dpi, all black */

    pixSetResolution(pix, 300, 300);
    write_pix(path, pix, IFF_PNG);
    pixDestroy(&pix);
}

static void recipe_tiny_pdf(const char *path)
{
    PIX *pix = pixCreate(400, 300, 8);
    l_uint8 *data = NULL;
    size_t n = 0;

    pixSetAll(pix);
    ck_assert(pixWriteMemPdf(&data, &n, pix, 0, NULL) == 0);
    ck_assert_int_eq(tl_write_file(path, data, n), 0);
    lept_free(data);
    pixDestroy(&pix);
}

/* RGB (spp 3) or grey (spp 1), deflate, written a row at a time: the test never holds the page. */
static void recipe_colour(const char *path, uint32_t w, uint32_t h, int spp)
{
    TIFF *t = TIFFOpen(path, "w");
    unsigned char *row = malloc((size_t)w * 3);
    float dpi = w > 4000 ? 600 : 400;

    ck_assert(t != NULL);
    TIFFSetField(t, TIFFTAG_IMAGEWIDTH, w);
    TIFFSetField(t, TIFFTAG_IMAGELENGTH, h);
    TIFFSetField(t, TIFFTAG_BITSPERSAMPLE, 8);
    TIFFSetField(t, TIFFTAG_SAMPLESPERPIXEL, spp);
    TIFFSetField(t, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(t, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(t, TIFFTAG_PHOTOMETRIC, spp == 3 ? PHOTOMETRIC_RGB : PHOTOMETRIC_MINISBLACK);
    TIFFSetField(t, TIFFTAG_ROWSPERSTRIP, 64);
    TIFFSetField(t, TIFFTAG_XRESOLUTION, dpi);
    TIFFSetField(t, TIFFTAG_YRESOLUTION, dpi);
    TIFFSetField(t, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
    for (uint32_t y = 0; y < h; y++) {
        memset(row, 0xF0, (size_t)w * spp);
        if (y % 400 < 40)
            memset(row + w / 4 * spp, 0x20, (size_t)w / 2 * spp);
        ck_assert(TIFFWriteScanline(t, row, y, 0) == 1);
    }
    TIFFClose(t);
    free(row);
}

static void recipe_junk(const char *path, long long size, size_t random_bytes)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    unsigned char *b = malloc(random_bytes);
    unsigned x = 12345;

    ck_assert(fd >= 0);
    for (size_t i = 0; i < random_bytes; i++) {
        x = x * 1103515245u + 12345u;
        b[i] = (unsigned char)(x >> 16);
    }
    if (size >= 4)
        memcpy(b, size > (long long)random_bytes ? "II*\0" : "\x13\x37\x00\x00", 4);
    ck_assert((size_t)write(fd, b, random_bytes) == random_bytes);
    /* the rest of a huge one is a hole: 3 GB of file, no disk */
    ck_assert_int_eq(ftruncate(fd, size), 0);
    close(fd);
    free(b);
}

static void make(const char *recipe, const char *path)
{
    if (strcmp(recipe, "huge_pages") == 0)
        tiff_pages(path, 4, 30000, 30000, 1000, 1200);
    else if (strcmp(recipe, "many_pages") == 0)
        tiff_pages(path, 5000, 16, 16, 4, 8);
    else if (strcmp(recipe, "damaged_page2") == 0)
        recipe_damaged(path);
    else if (strcmp(recipe, "ifd_loop") == 0)
        recipe_ifd_loop(path);
    else if (strcmp(recipe, "junk_3g") == 0)
        recipe_junk(path, 3LL << 30, 4096);
    else if (strcmp(recipe, "junk_1m") == 0)
        recipe_junk(path, 1 << 20, 1 << 20);
    else if (strcmp(recipe, "gif") == 0)
        recipe_image(path, 64, 64, IFF_GIF);
    else if (strcmp(recipe, "webp") == 0)
        recipe_image(path, 64, 64, IFF_WEBP);
    else if (strcmp(recipe, "bmp") == 0)
        recipe_image(path, 16, 16, IFF_BMP);
    else if (strcmp(recipe, "black_page") == 0)
        recipe_black(path);
    else if (strcmp(recipe, "too_many_pixels") == 0)
        tiff_pages(path, 1, 11000, 11000, 100, 200);
    else if (strcmp(recipe, "colour_a4_600") == 0)
        recipe_colour(path, 4961, 7016, 3);
    else if (strcmp(recipe, "colour_a4_400") == 0)
        recipe_colour(path, 3307, 4677, 3);
    else if (strcmp(recipe, "grey_a4_600") == 0)
        recipe_colour(path, 4961, 7016, 1);
    else if (strcmp(recipe, "tiny_pdf") == 0)
        recipe_tiny_pdf(path);
    else
        ck_abort_msg("no recipe %s", recipe);
}

/* ---- a child with its peak memory ----------------------------------------------- */

struct child {
    int status;
    long maxrss_kb;
    char *out;
};

static void run_measured(struct child *c, const char *const *argv)
{
    char *outp = tl_path(dir, "child.out");
    struct rusage ru;
    int st = 0;
    pid_t pid = fork();

    ck_assert(pid >= 0);
    if (pid == 0) {
        int fd = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 1);
        dup2(fd, 2);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    ck_assert(wait4(pid, &st, 0, &ru) == pid);
    c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    c->maxrss_kb = ru.ru_maxrss;
    c->out = tl_read_file(outp, NULL);
    free(outp);
}

/* Regular files under path and their bytes. */
static long long tree_bytes(const char *path, int *files)
{
    DIR *d = opendir(path);
    struct dirent *de;
    long long n = 0;

    while (d && (de = readdir(d)) != NULL) {
        struct stat sb;
        char *p;
        if (de->d_name[0] == '.')
            continue;
        p = tl_path(path, de->d_name);
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            n += tree_bytes(p, files);
        else if (lstat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
            n += sb.st_size;
            (*files)++;
        }
        free(p);
    }
    if (d)
        closedir(d);
    return n;
}

static char *trim(char *s)
{
    char *end;

    while (*s == ' ' || *s == '\t')
        s++;
    end = s + strlen(s);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n'))
        *--end = '\0';
    return s;
}

/* Every "a&b&!c" term against a reason. */
static int reason_matches(const char *reason, const char *want)
{
    char *w = strdup(want), *save = NULL;
    int ok = 1;

    for (char *t = strtok_r(w, "&", &save); t && ok; t = strtok_r(NULL, "&", &save)) {
        t = trim(t);
        if (strcmp(t, "*") == 0)
            continue;
        if (t[0] == '!')
            ok = strstr(reason, t + 1) == NULL;
        else
            ok = strstr(reason, t) != NULL;
    }
    free(w);
    return ok;
}

/* The reason of page k (1-based) of the batch, and how many pages it has. */
static char *page_reason(const char *batch, int k, int *n, char *status, size_t slen)
{
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    char *out = NULL;

    ck_assert(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK);
    ck_assert(sqlite3_prepare_v2(h, "SELECT count(*) FROM pages p JOIN batches b ON b.id = "
                                    "p.batch_id WHERE b.name = ?", -1, &s, NULL) == SQLITE_OK);
    sqlite3_bind_text(s, 1, batch, -1, SQLITE_STATIC);
    ck_assert(sqlite3_step(s) == SQLITE_ROW);
    *n = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    ck_assert(sqlite3_prepare_v2(h, "SELECT p.status, coalesce(p.reason, '') FROM pages p JOIN "
                                    "batches b ON b.id = p.batch_id WHERE b.name = ? AND "
                                    "p.file_page = ?", -1, &s, NULL) == SQLITE_OK);
    sqlite3_bind_text(s, 1, batch, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, k - 1);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(status, slen, "%s", (const char *)sqlite3_column_text(s, 0));
        out = strdup((const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    return out;
}

START_TEST(corpus_refused_within_memory)
{
    char *manifest = tl_path(tl_src(), "tests/hostile/MANIFEST");
    char *files = tl_path(tl_src(), "tests/hostile/files");
    char *scans_top = tl_path(dir, "h.db.scans");
    FILE *f = fopen(manifest, "r");
    char line[2048];
    int cases = 0;

    ck_assert_msg(f != NULL, "%s", manifest);
    while (fgets(line, sizeof(line), f)) {
        char *col[6], *save = NULL, *p = line;
        int nc = 0;
        if (line[0] == '#' || trim(line)[0] == '\0')
            continue;
        for (char *t = strtok_r(p, "|", &save); t && nc < 6; t = strtok_r(NULL, "|", &save))
            col[nc++] = trim(t);
        ck_assert_msg(nc == 6, "MANIFEST: a line with %d fields: %s", nc, line);
        const char *name = col[0], *source = col[1], *pages = col[2], *kept = col[3];
        long rss_mb = atol(col[4]) * SAN_FACTOR;
        /* each case in a folder of its own, taken in as a batch of its own */
        char *cdir = tl_path(dir, name), *path, batch[128];
        mkdir(cdir, 0700);
        path = tl_path(cdir, name);
        if (strncmp(source, "gen:", 4) == 0) {
            make(source + 4, path);
        } else {
            char *src = tl_path(files, source + 5);
            size_t len = 0;
            char *data = tl_read_file(src, &len);
            ck_assert_msg(data != NULL, "%s", src);
            ck_assert_int_eq(tl_write_file(path, data, len), 0);
            free(data);
            free(src);
        }
        int before_files = 0, after_files = 0;
        long long before = tree_bytes(scans_top, &before_files);
        snprintf(batch, sizeof(batch), "h-%s", name);
        const char *argv[] = { tl_boshi(), "--db", db, "intake", "--workers", "1", "--name", batch,
                               cdir, NULL };
        struct child c;
        run_measured(&c, argv);
        ck_assert_msg(c.status == 0, "%s: exit %d: %s", name, c.status, c.out);
        ck_assert_msg(c.maxrss_kb <= rss_mb * 1024, "%s: peak memory %ld MB > %ld MB", name,
                      c.maxrss_kb / 1024, rss_mb);
        fprintf(stderr, "hostile %-20s peak %4ld MB (ceiling %ld)\n", name, c.maxrss_kb / 1024,
                rss_mb);
        long long after = tree_bytes(scans_top, &after_files);
        if (strcmp(kept, "no") == 0)
            ck_assert_msg(after == before && after_files == before_files,
                          "%s: %lld bytes kept in .scans", name, after - before);
        else
            ck_assert_msg(after_files == before_files + 1, "%s: original not kept", name);
        /* "N; k=TEXT; ..." */
        char *spec = strdup(pages), *s2 = NULL;
        char *first = strtok_r(spec, ";", &s2);
        int want_n = atoi(first), n = 0;
        char status[16];
        free(page_reason(batch, 1, &n, status, sizeof(status)));
        ck_assert_msg(n == want_n, "%s: %d page records, want %d\n%s", name, n, want_n, c.out);
        for (char *t = strtok_r(NULL, ";", &s2); t; t = strtok_r(NULL, ";", &s2)) {
            int k = atoi(trim(t));
            char *eq = strchr(t, '=');
            ck_assert_msg(k >= 1 && eq != NULL, "MANIFEST %s: bad clause %s", name, t);
            char *reason = page_reason(batch, k, &n, status, sizeof(status));
            ck_assert_msg(reason != NULL, "%s: no record for page %d", name, k);
            ck_assert_msg(strcmp(status, "rejected") == 0, "%s page %d: %s", name, k, status);
            ck_assert_msg(reason_matches(reason, eq + 1), "%s page %d: reason 「%s」, want 「%s」",
                          name, k, reason, eq + 1);
            free(reason);
        }
        /* every page record is a rejection, and `batches show` lists each */
        struct tl_result r;
        tl_boshi_run(&r, db, NULL, "batches", "show", batch, NULL);
        ck_assert_msg(r.status == 0, "%s", r.err);
        char want[300];
        snprintf(want, sizeof(want), "却下  %s ", name);
        ck_assert_msg(strstr(r.out, want) != NULL, "%s: %s", want, r.out);
        ck_assert_msg(strstr(r.out, "却下 0") == NULL, "%s: %s", name, r.out);
        tl_result_free(&r);
        free(spec);
        free(c.out);
        free(path);
        free(cdir);
        cases++;
    }
    fclose(f);
    ck_assert_int_ge(cases, 12);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages WHERE status <> 'rejected'"), 0);
    free(manifest);
    free(files);
    free(scans_top);
}
END_TEST

/* The limits are the site's settings: a smaller page cap refuses a file it took before. */
START_TEST(page_cap_is_a_setting)
{
    char *d = tl_path(dir, "cap"), *p;
    struct tl_result r;

    mkdir(d, 0700);
    p = tl_path(d, "three.tif");
    tiff_pages(p, 3, 1200, 1700, 200, 260);
    tl_boshi_run(&r, db, NULL, "settings", "set", "intake.max_pages", "2", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "intake", "--workers", "1", "--name", "cap", d, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "却下 1") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "ページが多すぎます（1ファイル2ページまで") != NULL, "%s", r.out);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "settings", "set", "intake.max_pages", "500", NULL);
    tl_result_free(&r);
    tl_boshi_run(&r, db, NULL, "intake", "--workers", "1", "--name", "cap2", d, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "ページ 3") != NULL, "%s", r.out);
    tl_result_free(&r);
    free(p);
    free(d);
}
END_TEST

static int same_bytes(const char *a, const char *b)
{
    size_t na = 0, nb = 0;
    char *x = tl_read_file(a, &na), *y = tl_read_file(b, &nb);
    int same = x && y && na == nb && memcmp(x, y, na) == 0;

    free(x);
    free(y);
    return same;
}

/* 1 if any file under path has the bytes of ref. */
static int tree_has_copy(const char *path, const char *ref)
{
    DIR *d = opendir(path);
    struct dirent *de;
    int found = 0;

    while (d && !found && (de = readdir(d)) != NULL) {
        struct stat sb;
        char *p;
        if (de->d_name[0] == '.')
            continue;
        p = tl_path(path, de->d_name);
        if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
            found = tree_has_copy(p, ref);
        else if (S_ISREG(sb.st_mode))
            found = same_bytes(p, ref);
        free(p);
    }
    if (d)
        closedir(d);
    return found;
}

START_TEST(folder_entries_skipped_rest_taken)
{
    char *scans = tl_path(dir, "scans"), *sub, *p, *secret = tl_path(dir, "secret.txt");
    char *scans_top = tl_path(dir, "h.db.scans");
    struct tl_result r;
    int have_dev = 0;

    mkdir(scans, 0700);
    /* a file outside the folder standing in for /etc/shadow where the test cannot read it */
    tl_write_file(secret, "root:$6$secret:19000:0:99999:7:::\n", 34);
    p = tl_path(scans, "good.png");
    recipe_image(p, 1654, 2339, IFF_PNG);   /* a page (no form on it: rejected, but taken in) */
    free(p);
#define LINK(target, name) do { p = tl_path(scans, name); ck_assert_int_eq(symlink(target, p), 0); free(p); } while (0)
    LINK("/etc/shadow", "shadow.png");
    LINK(secret, "secret.png");
    LINK("good.png", "inside.png");
    LINK("/nonexistent/page.png", "dangling.png");
    LINK("loop.png", "loop.png");
    LINK("..", "up");
    p = tl_path(scans, "fifo.png");
    ck_assert_int_eq(mkfifo(p, 0600), 0);
    free(p);
    p = tl_path(scans, "null.png");
    have_dev = mknod(p, S_IFCHR | 0600, makedev(1, 3)) == 0;
    free(p);
    sub = tl_path(scans, "sub");
    mkdir(sub, 0700);
    p = tl_path(sub, "page2.png");
    recipe_image(p, 1700, 2400, IFF_PNG);
    free(p);

    tl_boshi_run(&r, db, NULL, "intake", "--workers", "1", "--name", "links", scans, NULL);
    ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
    /* the two pages were taken in */
    ck_assert_msg(strstr(r.out, "ファイル 2  ページ 2") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "取り込まなかったファイル") != NULL, "%s", r.out);
    static const char *const names[] = { "shadow.png", "secret.png", "inside.png", "dangling.png",
                                         "loop.png", "/up ", "fifo.png" };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        ck_assert_msg(strstr(r.out, names[i]) != NULL, "%s missing in\n%s", names[i], r.out);
    ck_assert(strstr(r.out, "シンボリックリンクは取り込みません") != NULL);
    ck_assert(strstr(r.out, "FIFO (名前付きパイプ)は取り込みません") != NULL);
    if (have_dev)
        ck_assert(strstr(r.out, "キャラクタデバイスは取り込みません") != NULL);
    tl_result_free(&r);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages WHERE source LIKE '%good.png' OR "
                                     "source LIKE '%sub/page2.png'"), 2);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM pages WHERE source NOT LIKE '%good.png' "
                                     "AND source NOT LIKE '%sub/page2.png'"), 0);
    ck_assert_int_eq(tl_sql_long(db, "SELECT count(*) FROM ignored_files"), 7 + have_dev);
    /* nothing the links point at was copied */
    ck_assert(!tree_has_copy(scans_top, secret));
    if (access("/etc/shadow", R_OK) == 0)
        ck_assert(!tree_has_copy(scans_top, "/etc/shadow"));
    /* batches show lists each ignored entry with its reason */
    tl_boshi_run(&r, db, NULL, "batches", "show", "links", NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "取り込まなかったファイル:") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "shadow.png  シンボリックリンクは取り込みません") != NULL, "%s", r.out);
    ck_assert_msg(strstr(r.out, "fifo.png  FIFO") != NULL, "%s", r.out);
    tl_result_free(&r);
    /* a symlink given by the operator is followed: it is the folder they chose */
    p = tl_path(dir, "chosen");
    ck_assert_int_eq(symlink(sub, p), 0);
    tl_boshi_run(&r, db, NULL, "intake", "--workers", "1", "--name", "chosen", p, NULL);
    ck_assert_msg(r.status == 0, "%s", r.err);
    ck_assert_msg(strstr(r.out, "重複 (取込済みのページ) 1") != NULL, "%s", r.out);
    tl_result_free(&r);
    free(p);
    free(sub);
    free(scans);
    free(secret);
    free(scans_top);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("hostile");
    TCase *tc = tcase_create("hostile");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, corpus_refused_within_memory);
    tcase_add_test(tc, page_cap_is_a_setting);
    tcase_add_test(tc, folder_entries_skipped_rest_taken);
    suite_add_tcase(s, tc);
    return s;
}

/* HOSTILE_WRITE=DIR: writes the committed small files anew (a test, so ck_assert works). */
START_TEST(write_small_files)
{
    static const char *const small[][2] = {
        { "damaged_page2", "damaged-page2.tif" }, { "ifd_loop", "ifd-loop.tif" },
        { "gif", "gif-named.png" }, { "webp", "webp-named.png" }, { "bmp", "bmp-named.jpg" },
    };
    for (size_t i = 0; i < sizeof(small) / sizeof(small[0]); i++) {
        char *p = tl_path(getenv("HOSTILE_WRITE"), small[i][1]);
        make(small[i][0], p);
        free(p);
    }
}
END_TEST

int main(void)
{
    if (getenv("HOSTILE_WRITE") != NULL) {
        Suite *s = suite_create("hostile-write");
        TCase *tc = tcase_create("write");
        tcase_add_test(tc, write_small_files);
        suite_add_tcase(s, tc);
        return tl_main(s);
    }
    return tl_main(suite());
}
