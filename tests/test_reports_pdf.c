/*
 * test_reports_pdf: the drawing layer checked from outside - pdfinfo for
 * pages and size, pdftotext for the Japanese text, pdftoppm at 300 dpi for
 * geometry measured in pixels, zbarimg for the QR - and its error paths
 * (sticky errors, libharu's handler, unwritable paths).
 */
#include "reports/pdf.h"
#include "base/qrpayload.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DPI 300.0
#define PX_PER_MM (DPI / 25.4)
#define JP_TEXT "妊娠届出書 山田 花子 ヤマダ ハナコ 令和8年"
#define JP_DIGITS "令和８年４月１日 ０１２３４５６７８９"

/* Page layout of the reference page, mm from the top-left. */
#define BOX10_X 30.0
#define BOX10_Y 40.0
#define BOX50_X 30.0
#define BOX50_Y 60.0
#define COMB_X 30.0
#define COMB_Y 130.0
#define COMB_W 40.0
#define COMB_H 8.0
#define COMB_CELLS 5
#define CHECK_X 30.0
#define CHECKED_X 40.0
#define CHECK_Y 150.0
#define CHECK_SIZE 5.0
#define GREY_X 90.0
#define GREY_Y 130.0
#define QR_X 140.0
#define QR_Y 40.0
#define QR_SIZE 30.0
#define MARK 8.0

static const unsigned char key[QRPAYLOAD_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8 };

struct pgm {
    int w, h;
    unsigned char *px;     /* w * h bytes, 0 = black, 255 = white */
    char *file;            /* backing buffer */
};

static const char *skip_ws(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '#')) {
        if (*s == '#')
            while (s < end && *s != '\n')
                s++;
        else
            s++;
    }
    return s;
}

static int read_int(const char **s, const char *end)
{
    int v = 0;

    *s = skip_ws(*s, end);
    while (*s < end && **s >= '0' && **s <= '9')
        v = v * 10 + (*(*s)++ - '0');
    return v;
}

/* Reads a binary 8-bit PGM (P5) as written by pdftoppm -gray. */
static void pgm_read(const char *path, struct pgm *g)
{
    size_t len = 0;
    const char *s, *end;
    int maxval;

    g->file = tl_read_file(path, &len);
    ck_assert_msg(g->file != NULL, "%s not written", path);
    s = g->file;
    end = s + len;
    ck_assert_msg(len > 2 && s[0] == 'P' && s[1] == '5', "%s: not a P5 PGM", path);
    s += 2;
    g->w = read_int(&s, end);
    g->h = read_int(&s, end);
    maxval = read_int(&s, end);
    ck_assert_int_eq(maxval, 255);
    s++;                               /* the single whitespace before the data */
    ck_assert((size_t)(end - s) >= (size_t)g->w * (size_t)g->h);
    g->px = (unsigned char *)s;
}

static void pgm_free(struct pgm *g)
{
    free(g->file);
    g->file = NULL;
}

static int at(const struct pgm *g, int x, int y)
{
    return g->px[(size_t)y * (size_t)g->w + (size_t)x];
}

static int mm2px(double mm)
{
    return (int)floor(mm * PX_PER_MM);
}

/*
 * Centres (in pixels, continuous coordinates: pixel i spans [i, i+1)) of
 * the dark runs along a line of the image between from and to (mm), weighted
 * by darkness.  Horizontal when vertical == 0 (at mm `at_mm` down the page).
 */
static int runs(const struct pgm *g, int vertical, double at_mm, double from, double to,
                double *centre, int max)
{
    int n = 0, fixed = mm2px(at_mm), a = mm2px(from), b = mm2px(to);
    double sw = 0, swx = 0;

    for (int i = a; i <= b + 1; i++) {
        int v = i <= b ? (vertical ? at(g, fixed, i) : at(g, i, fixed)) : 255;
        double dark = (255 - v) / 255.0;
        if (v < 200) {
            sw += dark;
            swx += dark * (i + 0.5);
        } else if (sw > 0) {
            if (n < max)
                centre[n] = swx / sw;
            n++;
            sw = swx = 0;
        }
    }
    return n;
}

/* Extent [first, last+1) of pixels darker than 128 along a line. */
static double dark_extent(const struct pgm *g, int vertical, double at_mm, double from,
                          double to, double *first)
{
    int fixed = mm2px(at_mm), lo = -1, hi = -1;

    for (int i = mm2px(from); i <= mm2px(to); i++) {
        int v = vertical ? at(g, fixed, i) : at(g, i, fixed);
        if (v < 128) {
            if (lo < 0)
                lo = i;
            hi = i;
        }
    }
    *first = lo;
    return lo < 0 ? 0 : hi + 1 - lo;
}

static void assert_px(double got, double want_mm, const char *what)
{
    double want = want_mm * PX_PER_MM;

    if (getenv("BOSHI_TEST_VERBOSE") != NULL)
        fprintf(stderr, "%-28s %8.2f px (want %8.2f)\n", what, got, want);
    ck_assert_msg(fabs(got - want) <= 1.0, "%s: %.2f px, want %.2f +-1 (%.3f mm)", what, got,
                  want, want_mm);
}

static char *run_out(const char *const *argv)
{
    struct tl_result r;

    ck_assert_int_eq(tl_run(&r, NULL, NULL, argv), 0);
    ck_assert_msg(r.status == 0, "%s exited %d: %s", argv[0], r.status, r.err);
    free(r.err);
    return r.out;
}

static char *make_payload(void)
{
    struct qrpayload q;
    struct berr e = {0};
    char *s = NULL;

    memset(&q, 0, sizeof(q));
    snprintf(q.form, sizeof(q.form), "%s", "ninshin_todoke");
    q.version = 2;
    q.page = 1;
    q.pages = 1;
    snprintf(q.issue, sizeof(q.issue), "%s", "I2026-000123");
    ck_assert_int_eq(qrpayload_build(&q, key, &s, &e), 0);
    return s;
}

/* Draws the reference page; returns the QR module size in mm. */
static double draw_reference_page(struct pdf *p, const char *payload)
{
    double m = 0, used = 0, w = 0;

    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    ck_assert_int_eq(pdf_square(p, 10, 10, MARK), 0);
    ck_assert_int_eq(pdf_square(p, 192, 10, MARK), 0);
    ck_assert_int_eq(pdf_square(p, 10, 279, MARK), 0);
    ck_assert_int_eq(pdf_square(p, 192, 279, MARK), 0);
    ck_assert_int_eq(pdf_rect(p, BOX10_X, BOX10_Y, 10, 10, 0.3), 0);
    ck_assert_int_eq(pdf_rect(p, BOX50_X, BOX50_Y, 50, 50, 0.3), 0);
    ck_assert_int_eq(pdf_comb(p, COMB_X, COMB_Y, COMB_W, COMB_H, COMB_CELLS, 0.3, 0.15), 0);
    ck_assert_int_eq(pdf_checkbox(p, CHECK_X, CHECK_Y, CHECK_SIZE, 0), 0);
    ck_assert_int_eq(pdf_checkbox(p, CHECKED_X, CHECK_Y, CHECK_SIZE, 1), 0);
    ck_assert_int_eq(pdf_fill_rect(p, GREY_X, GREY_Y, 20, 10, 0.5), 0);
    ck_assert_int_eq(pdf_line(p, 20, 170, 190, 170, 0.2), 0);
    ck_assert_int_eq(pdf_text(p, PDF_GOTHIC, 14, 20, 185, JP_TEXT), 0);
    ck_assert_int_eq(pdf_text(p, PDF_MINCHO, 12, 20, 200, JP_DIGITS), 0);
    ck_assert_int_eq(pdf_text_box(p, PDF_MINCHO, 11, 20, 210, 120, 8, PDF_ALIGN_RIGHT,
                                  "〒650-0001 兵庫県神戸市中央区加納町６丁目５番１号", &used), 0);
    ck_assert(used > 0 && used <= 11);
    ck_assert_int_eq(pdf_text_width(p, PDF_MINCHO, used,
                                    "〒650-0001 兵庫県神戸市中央区加納町６丁目５番１号", &w), 0);
    ck_assert(w <= 120.0 + 1e-6);
    ck_assert_int_eq(pdf_qr(p, QR_X, QR_Y, QR_SIZE, payload, &m), 0);
    ck_assert(m >= PDF_QR_MIN_MODULE_MM);
    return m;
}

START_TEST(reference_page_measured)
{
    char *dir = tl_tmpdir(), *pdfpath = tl_path(dir, "ref.pdf"), *prefix = tl_path(dir, "ref");
    char *pgmpath = tl_path(dir, "ref.pgm"), *payload = make_payload();
    struct pdf *p = NULL;
    struct berr e = {0};
    struct pgm g = {0};
    double c[16], first, m, pw = 0, ph = 0;
    char *out;
    int n;

    ck_assert_int_eq(pdf_open(&p, &e), 0);
    m = draw_reference_page(p, payload);
    ck_assert_int_eq(pdf_page_count(p), 1);
    ck_assert_int_eq(pdf_save(p, pdfpath, &e), 0);
    pdf_free(&p);
    ck_assert_ptr_null(p);

    /* pdfinfo: one A4 page. */
    out = run_out((const char *const[]){ "pdfinfo", pdfpath, NULL });
    ck_assert_msg(strstr(out, "Pages:           1\n") != NULL, "%s", out);
    const char *size = strstr(out, "Page size:");
    ck_assert_ptr_nonnull(size);
    ck_assert_int_eq(sscanf(size, "Page size: %lf x %lf", &pw, &ph), 2);
    ck_assert_msg(fabs(pw - 595.276) < 0.01 && fabs(ph - 841.89) < 0.01, "%s", size);
    free(out);

    /* pdftotext: the Japanese comes back as text (fonts carry ToUnicode). */
    out = run_out((const char *const[]){ "pdftotext", pdfpath, "-", NULL });
    ck_assert_msg(strstr(out, JP_TEXT) != NULL, "pdftotext gave: %s", out);
    ck_assert_msg(strstr(out, JP_DIGITS) != NULL, "pdftotext gave: %s", out);
    ck_assert_msg(strstr(out, "加納町６丁目５番１号") != NULL, "pdftotext gave: %s", out);
    free(out);

    /* Render at 300 dpi, 8-bit grey. */
    out = run_out((const char *const[]){ "pdftoppm", "-r", "300", "-gray", "-singlefile",
                                         pdfpath, prefix, NULL });
    free(out);
    pgm_read(pgmpath, &g);
    ck_assert_msg(abs(g.w - 2480) <= 1 && abs(g.h - 3508) <= 1, "%d x %d px", g.w, g.h);

    /* The 10 mm box: line centres 10 mm apart both ways, at 30 / 40 mm. */
    n = runs(&g, 0, BOX10_Y + 5, BOX10_X - 3, BOX10_X + 13, c, 16);
    ck_assert_int_eq(n, 2);
    assert_px(c[0], BOX10_X, "box10 left line");
    assert_px(c[1] - c[0], 10, "box10 width");
    n = runs(&g, 1, BOX10_X + 5, BOX10_Y - 3, BOX10_Y + 13, c, 16);
    ck_assert_int_eq(n, 2);
    assert_px(c[0], BOX10_Y, "box10 top line");
    assert_px(c[1] - c[0], 10, "box10 height");
    /* Outside to outside is 10 mm + one line width. */
    assert_px(dark_extent(&g, 0, BOX10_Y + 5, BOX10_X - 3, BOX10_X + 13, &first), 10.3,
              "box10 outer width");

    /* The 50 mm box. */
    n = runs(&g, 0, BOX50_Y + 25, BOX50_X - 3, BOX50_X + 53, c, 16);
    ck_assert_int_eq(n, 2);
    assert_px(c[1] - c[0], 50, "box50 width");
    n = runs(&g, 1, BOX50_X + 25, BOX50_Y - 3, BOX50_Y + 53, c, 16);
    ck_assert_int_eq(n, 2);
    assert_px(c[1] - c[0], 50, "box50 height");

    /* The comb: 6 lines, 8 mm apart. */
    n = runs(&g, 0, COMB_Y + COMB_H / 2, COMB_X - 2, COMB_X + COMB_W + 2, c, 16);
    ck_assert_int_eq(n, COMB_CELLS + 1);
    for (int i = 1; i <= COMB_CELLS; i++)
        assert_px(c[i] - c[i - 1], COMB_W / COMB_CELLS, "comb cell");
    assert_px(c[COMB_CELLS] - c[0], COMB_W, "comb width");

    /* Checkboxes: 5 mm squares; empty inside, the checked one crossed. */
    n = runs(&g, 0, CHECK_Y + 1, CHECK_X - 1, CHECK_X + CHECK_SIZE + 1, c, 16);
    ck_assert_int_eq(n, 2);
    assert_px(c[1] - c[0], CHECK_SIZE, "checkbox");
    ck_assert_int_ge(at(&g, mm2px(CHECK_X + 2.5), mm2px(CHECK_Y + 2.5)), 250);
    ck_assert_int_lt(at(&g, mm2px(CHECKED_X + 2.5), mm2px(CHECK_Y + 2.5)), 128);

    /* Grey fill: half grey in the middle. */
    n = at(&g, mm2px(GREY_X + 10), mm2px(GREY_Y + 5));
    ck_assert_msg(n >= 120 && n <= 135, "grey 0.5 rendered as %d", n);

    /* Registration marks: solid 8 mm squares at the stated corner. */
    assert_px(dark_extent(&g, 0, 14, 5, 25, &first), MARK, "mark width");
    assert_px(first, 10, "mark left edge");
    assert_px(dark_extent(&g, 1, 196, 5, 25, &first), MARK, "mark height");
    assert_px(first, 10, "mark top edge");
    assert_px(dark_extent(&g, 0, 283, 185, 205, &first), MARK, "bottom-right mark width");
    assert_px(first, 192, "bottom-right mark left edge");

    /* QR: the quiet zone is inside the stated square. */
    dark_extent(&g, 0, QR_Y + 4 * m + 1, QR_X - 2, QR_X + QR_SIZE + 2, &first);
    assert_px(first, QR_X + PDF_QR_QUIET_MODULES * m, "QR first dark module");
    double w = dark_extent(&g, 0, QR_Y + 4 * m + 1, QR_X - 2, QR_X + QR_SIZE + 2, &first);
    assert_px(w, QR_SIZE - 2 * PDF_QR_QUIET_MODULES * m, "QR symbol width");
    dark_extent(&g, 1, QR_X + 4 * m + 1, QR_Y - 2, QR_Y + QR_SIZE + 2, &first);
    assert_px(first, QR_Y + PDF_QR_QUIET_MODULES * m, "QR top dark module");
    pgm_free(&g);

    /* zbar reads the exact payload off the whole rendered page. */
    out = run_out((const char *const[]){ "zbarimg", "--raw", "-q", pgmpath, NULL });
    size_t len = strlen(out);
    while (len > 0 && out[len - 1] == '\n')
        out[--len] = '\0';
    ck_assert_str_eq(out, payload);
    struct qrpayload q;
    ck_assert_int_eq(qrpayload_parse(out, len, key, &q, &e), 0);
    ck_assert_str_eq(q.form, "ninshin_todoke");
    free(out);

    free(payload);
    tl_rmtree(dir);
    free(dir);
    free(pdfpath);
    free(prefix);
    free(pgmpath);
}
END_TEST

START_TEST(landscape_and_many_pages)
{
    char *dir = tl_tmpdir(), *path = tl_path(dir, "many.pdf"), *payload = make_payload();
    struct pdf *p = NULL;
    struct berr e = {0};
    double w, h;
    char *out;
    struct stat st;

    ck_assert_int_eq(pdf_open(&p, &e), 0);
    for (int i = 0; i < 20; i++)
        draw_reference_page(p, payload);
    ck_assert_int_eq(pdf_page_add(p, PDF_LANDSCAPE), 0);
    pdf_page_size(p, &w, &h);
    ck_assert(w == 297.0 && h == 210.0);
    ck_assert_int_eq(pdf_text_box(p, PDF_GOTHIC, 10, 10, 10, 277, 10, PDF_ALIGN_CENTRE,
                                  "妊娠届出数 (妊娠週数別)", NULL), 0);
    ck_assert_int_eq(pdf_page_count(p), 21);
    ck_assert_int_eq(pdf_save(p, path, &e), 0);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_msg(st.st_size < 2 * 1024 * 1024, "21 pages took %ld bytes", (long)st.st_size);

    /* The document stays usable after a save. */
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    ck_assert_int_eq(pdf_save(p, path, &e), 0);
    pdf_free(&p);

    out = run_out((const char *const[]){ "pdfinfo", "-f", "21", "-l", "22", path, NULL });
    ck_assert_msg(strstr(out, "Pages:           22\n") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "Page   21 size:  841.89 x 595.276 pts") != NULL, "%s", out);
    ck_assert_msg(strstr(out, "Page   22 size:  595.276 x 841.89 pts") != NULL, "%s", out);
    free(out);
    free(payload);
    tl_rmtree(dir);
    free(dir);
    free(path);
}
END_TEST

START_TEST(text_fits_box)
{
    struct pdf *p = NULL;
    struct berr e = {0};
    double used = 0, w = 0, a = 0;
    const char *longname = "ヤマダ ハナコ ヤマダ ハナコ ヤマダ ハナコ";

    ck_assert_int_eq(pdf_open(&p, &e), 0);
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    /* A full-width character is 1 em: 10 pt = 3.5278 mm. */
    ck_assert_int_eq(pdf_text_width(p, PDF_GOTHIC, 10, "あ", &a), 0);
    ck_assert_msg(fabs(a - 10 * 25.4 / 72) < 1e-3, "あ at 10 pt is %.4f mm", a);
    ck_assert_int_eq(pdf_text_width(p, PDF_MINCHO, 10, "４", &a), 0);
    ck_assert_msg(fabs(a - 10 * 25.4 / 72) < 1e-3, "４ at 10 pt is %.4f mm", a);
    /* Too wide: shrinks to the box width. */
    ck_assert_int_eq(pdf_text_box(p, PDF_GOTHIC, 12, 20, 20, 30, 10, PDF_ALIGN_LEFT, longname,
                                  &used), 0);
    ck_assert(used < 12);
    ck_assert_int_eq(pdf_text_width(p, PDF_GOTHIC, used, longname, &w), 0);
    ck_assert_msg(w <= 30 + 1e-6 && w > 29.9, "fitted width %.4f mm", w);
    /* Too tall: shrinks to the box height (em box 0.999 em). */
    ck_assert_int_eq(pdf_text_box(p, PDF_GOTHIC, 40, 20, 40, 100, 5, PDF_ALIGN_LEFT, "山田",
                                  &used), 0);
    ck_assert_msg(fabs(used * 0.999 - 5 * 72 / 25.4) < 0.01, "used %.3f pt", used);
    /* Fits: unchanged. */
    ck_assert_int_eq(pdf_text_box(p, PDF_GOTHIC, 10, 20, 60, 100, 10, PDF_ALIGN_CENTRE, "山田",
                                  &used), 0);
    ck_assert(used == 10);
    ck_assert_int_eq(pdf_error(p, &e), 0);
    pdf_free(&p);
}
END_TEST

START_TEST(save_unwritable)
{
    char *dir = tl_tmpdir(), *bad = tl_path(dir, "no/such/dir/x.pdf");
    struct pdf *p = NULL;
    struct berr e = {0};
    DIR *d;
    struct dirent *de;
    int entries = 0;

    ck_assert_int_eq(pdf_open(&p, &e), 0);
    ck_assert_int_eq(pdf_save(p, bad, &e), BERR_INVALID);     /* no pages yet */
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    ck_assert_int_eq(pdf_text(p, PDF_GOTHIC, 10, 20, 20, "山田"), 0);

    berr_clear(&e);
    ck_assert_int_eq(pdf_save(p, bad, &e), BERR_FAIL);
    ck_assert_msg(strstr(e.msg, bad) != NULL && strstr(e.msg, "保存できません") != NULL, "%s",
                  e.msg);
    /* An existing directory as the target: fails at the rename, leaves nothing. */
    berr_clear(&e);
    ck_assert_int_eq(pdf_save(p, dir, &e), BERR_FAIL);
    ck_assert_msg(strstr(e.msg, "保存できません") != NULL, "%s", e.msg);
    d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    while ((de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            entries++;
    closedir(d);
    ck_assert_int_eq(entries, 0);
    /* An I/O failure is not a drawing error: the document can still be saved. */
    ck_assert_int_eq(pdf_error(p, &e), 0);
    pdf_free(&p);
    tl_rmtree(dir);
    free(dir);
    free(bad);
}
END_TEST

START_TEST(errors_are_sticky)
{
    char *dir = tl_tmpdir(), *path = tl_path(dir, "x.pdf");
    struct pdf *p = NULL;
    struct berr e = {0};
    struct stat st;
    char *huge;

    /* Invalid UTF-8: recorded, later calls are no-ops, save reports it. */
    ck_assert_int_eq(pdf_open(&p, &e), 0);
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    ck_assert_int_eq(pdf_text(p, PDF_GOTHIC, 10, 20, 20, "山\xff田"), BERR_INVALID);
    ck_assert_int_eq(pdf_rect(p, 10, 10, 10, 10, 0.3), BERR_INVALID);
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), BERR_INVALID);
    ck_assert_int_eq(pdf_save(p, path, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "UTF-8") != NULL, "%s", e.msg);
    ck_assert_int_ne(stat(path, &st), 0);
    pdf_free(&p);

    /* Outside the BMP: refused rather than silently dropped. */
    ck_assert_int_eq(pdf_open(&p, &e), 0);
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    ck_assert_int_eq(pdf_text(p, PDF_MINCHO, 10, 20, 20, "𠮷田 花子"), BERR_INVALID);
    ck_assert_int_eq(pdf_error(p, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "U+20BB7") != NULL, "%s", e.msg);
    pdf_free(&p);

    /* An error raised inside libharu reaches us through its handler. */
    ck_assert_int_eq(pdf_open(&p, &e), 0);
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    huge = malloc(70001);
    memset(huge, 'a', 70000);
    huge[70000] = '\0';
    ck_assert_int_eq(pdf_text(p, PDF_GOTHIC, 10, 20, 20, huge), BERR_FAIL);
    free(huge);
    ck_assert_int_eq(pdf_line(p, 0, 0, 10, 10, 0.2), BERR_FAIL);
    berr_clear(&e);
    ck_assert_int_eq(pdf_save(p, path, &e), BERR_FAIL);
    ck_assert_msg(strstr(e.msg, "libharu") != NULL, "%s", e.msg);
    ck_assert_int_ne(stat(path, &st), 0);
    pdf_free(&p);

    /* Bad arguments from data: a QR too small to scan, a zero-cell comb. */
    ck_assert_int_eq(pdf_open(&p, &e), 0);
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    ck_assert_int_eq(pdf_qr(p, 10, 10, 10, "BOSHI1|ninshin_todoke|1|1/1|-|-|AKVH7X42LSNJW", NULL),
                     BERR_INVALID);
    ck_assert_int_eq(pdf_error(p, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "小さすぎます") != NULL, "%s", e.msg);
    pdf_free(&p);
    ck_assert_int_eq(pdf_open(&p, &e), 0);
    ck_assert_int_eq(pdf_page_add(p, PDF_PORTRAIT), 0);
    ck_assert_int_eq(pdf_comb(p, 10, 10, 10, 10, 0, 0.3, 0.1), BERR_INVALID);
    pdf_free(&p);
    pdf_free(&p);              /* twice is harmless */

    tl_rmtree(dir);
    free(dir);
    free(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reports_pdf");
    TCase *tc = tcase_create("core");

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, reference_page_measured);
    tcase_add_test(tc, landscape_and_many_pages);
    tcase_add_test(tc, text_fits_box);
    tcase_add_test(tc, save_unwritable);
    tcase_add_test(tc, errors_are_sticky);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
