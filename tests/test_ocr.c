/*
 * test_ocr: the ocr module on simulated scans (tests/lib/ocrsim.c).  A few
 * pages are drawn with reports/pdf.h and rendered with pdftoppm once, in
 * main(), then degraded per test (rotation, printer scale, shift, 90/180,
 * noise, blur, 1-bit, JPEG) with the exact mm -> px map kept as truth.
 * Checks: every input format; registration error against the truth; any
 * 3 of 4 marks; printer scale; each rejection and its reason; OMR classes;
 * printed digits, kana and kanji with two models agreeing; presence; crop
 * PNG; time per page (printed, not asserted).
 * BOSHI_TEST_VERBOSE=1 prints the measurements.
 */
#include "ocr/ocr.h"
#include "base/qrpayload.h"
#include "tests/lib/ocrsim.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const unsigned char key[QRPAYLOAD_KEY_BYTES] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const unsigned char other_key[QRPAYLOAD_KEY_BYTES] = { 9, 9, 9 };

/* The fixture: clean renders, made once in main() before the tests fork. */
static char *g_dir;
static PIX *g_clean300, *g_clean200, *g_noqr300, *g_twomarks300, *g_wrongkey300;

static int verbose(void)
{
    return getenv("BOSHI_TEST_VERBOSE") != NULL;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static struct ocr_template tmpl(void)
{
    struct ocr_template t;

    t.page_w = 210;
    t.page_h = 297;
    memcpy(t.marks, ocrsim_marks, sizeof(t.marks));
    memcpy(t.qr, ocrsim_qr, sizeof(t.qr));
    return t;
}

/* Called from main(), outside any test: no ck_assert. */
static char *payload_make(const unsigned char *k)
{
    struct qrpayload q;
    struct berr e = {0};
    char *s = NULL;

    memset(&q, 0, sizeof(q));
    snprintf(q.form, sizeof(q.form), "%s", "nyuyoji_4m");
    q.version = 3;
    q.page = 1;
    q.pages = 2;
    snprintf(q.subject, sizeof(q.subject), "%s", "000123456789");
    snprintf(q.issue, sizeof(q.issue), "%s", "I2026-000042");
    if (qrpayload_build(&q, k, &s, &e) != 0)
        return NULL;
    return s;
}

static PIX *render(const char *name, const char *payload, unsigned marks, int dpi)
{
    char *pdf = tl_path(g_dir, name);
    struct ocrsim_spec spec = { payload, marks };
    PIX *pix = NULL;

    if (ocrsim_pdf(pdf, &spec) == 0)
        pix = ocrsim_render(pdf, dpi, g_dir);
    free(pdf);
    return pix;
}

/* Encodes pix in format and loads it back through ocr_load_mem(). */
static int load_as(PIX *pix, int format, struct ocr_loaded *out, struct berr *e)
{
    l_uint8 *data = NULL;
    size_t size = 0;
    int rc;

    if (format == IFF_JFIF_JPEG)
        ck_assert_int_eq(pixWriteMemJpeg(&data, &size, pix, 60, 0), 0);
    else
        ck_assert_int_eq(pixWriteMem(&data, &size, pix, format), 0);
    rc = ocr_load_mem(data, size, "scan", out, e);
    lept_free(data);
    return rc;
}

/* Loads and takes the one page; asserts it was not rejected. */
static struct ocr_page *page_of(PIX *pix, int format)
{
    struct ocr_loaded l;
    struct berr e = {0};
    struct ocr_page *p;

    ck_assert_msg(load_as(pix, format, &l, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(l.npages, 1);
    ck_assert_msg(l.pages[0] != NULL, "rejected: %s", l.reasons[0]);
    p = l.pages[0];
    l.pages[0] = NULL;
    ocr_loaded_release(&l);
    return p;
}

static void map_pt(const double m[6], double x, double y, double *px, double *py)
{
    *px = m[0] * x + m[1] * y + m[2];
    *py = m[3] * x + m[4] * y + m[5];
}

/* Largest distance between two maps over the marks and every field box centre. */
static double map_error(const double got[6], const double want[6])
{
    double worst = 0;

    for (int i = 0; i < 4 + OCRSIM_NCHECKS; i++) {
        double x, y, gx, gy, wx, wy;

        if (i < 4) {
            x = ocrsim_marks[i][0] + ocrsim_marks[i][2] / 2;
            y = ocrsim_marks[i][1] + ocrsim_marks[i][3] / 2;
        } else {
            x = ocrsim_checks[i - 4].x + ocrsim_checks[i - 4].size / 2;
            y = ocrsim_checks[i - 4].y + ocrsim_checks[i - 4].size / 2;
        }
        map_pt(got, x, y, &gx, &gy);
        map_pt(want, x, y, &wx, &wy);
        worst = fmax(worst, hypot(gx - wx, gy - wy));
    }
    return worst;
}

/* Largest distance of found mark centres from the true ones. */
static double marks_error(const struct ocr_registration *r, const double want[6])
{
    double worst = 0;

    for (int i = 0; i < 4; i++) {
        double wx, wy;

        if (!(r->marks_mask & (1u << i)))
            continue;
        map_pt(want, ocrsim_marks[i][0] + 4, ocrsim_marks[i][1] + 4, &wx, &wy);
        worst = fmax(worst, hypot(r->mark_px[i][0] - wx, r->mark_px[i][1] - wy));
    }
    return worst;
}

struct scan_case {
    const char *what;
    struct ocrsim_degrade d;
    int format;
};

static const struct scan_case cases[] = {
    { "clean PNG", { .rotate_deg = 0 }, IFF_PNG },
    { "+3deg 0.97 shift noise", { 3.0, 0.97, 20, -15, 0, 8, 0, 0, 0 }, IFF_PNG },
    { "-3deg 0.94 shift blur", { -3.0, 0.94, -25, 30, 0, 0, 1, 0, 0 }, IFF_TIFF_ZIP },
    { "180deg +1.2 noise", { 1.2, 1.0, 5, 5, 180, 6, 0, 0, 0 }, IFF_PNG },
    { "90deg -0.8", { -0.8, 1.0, 0, 0, 90, 4, 0, 0, 0 }, IFF_PNG },
    { "270deg +2 0.96", { 2.0, 0.96, 0, 0, 270, 4, 0, 0, 0 }, IFF_TIFF_LZW },
    { "-2.5deg 1-bit G4", { -2.5, 1.0, 10, 10, 0, 6, 1, 1, 0 }, IFF_TIFF_G4 },
    { "+0.5deg noise blur JPEG", { 0.5, 0.98, -8, 12, 0, 10, 1, 0, 0 }, IFF_JFIF_JPEG },
    { "faded 180 -1.5", { -1.5, 1.0, 0, 0, 180, 5, 1, 0, 0.4 }, IFF_PNG },
};
#define NCASES (int)(sizeof(cases) / sizeof(cases[0]))

/* Degrades the clean 300 dpi page per case, loads and registers it. */
static struct ocr_page *case_page(int i, double truth[6], struct ocr_registration *reg)
{
    PIX *pix = ocrsim_degrade(g_clean300, 300, &cases[i].d, truth);
    struct ocr_template t = tmpl();
    struct ocr_page *p = page_of(pix, cases[i].format);
    struct berr e = {0};

    pixDestroy(&pix);
    ck_assert_msg(ocr_register(p, &t, reg, &e) == 0, "%s: %s", cases[i].what, e.msg);
    return p;
}

/* ---- load ----------------------------------------------------------- */

START_TEST(load_every_format)
{
    static const struct { const char *what; int format; int colour; } fmts[] = {
        { "PNG grey", IFF_PNG, 0 }, { "PNG colour", IFF_PNG, 1 }, { "JPEG", IFF_JFIF_JPEG, 0 },
        { "TIFF G4", IFF_TIFF_G4, 0 }, { "TIFF LZW", IFF_TIFF_LZW, 0 },
        { "BMP-free TIFF zip colour", IFF_TIFF_ZIP, 1 },
    };
    struct ocr_template t = tmpl();

    for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
        PIX *src = fmts[i].format == IFF_TIFF_G4 ? pixThresholdToBinary(g_clean300, 128)
                 : fmts[i].colour ? pixConvertTo32(g_clean300) : pixClone(g_clean300);
        struct ocr_page *p;
        struct ocr_registration r;
        struct qrpayload q;
        struct berr e = {0};
        int w, h;

        pixSetResolution(src, 300, 300);
        p = page_of(src, fmts[i].format);
        ocr_page_size_px(p, &w, &h);
        ck_assert_int_eq(w, pixGetWidth(g_clean300));
        ck_assert_int_eq(ocr_page_dpi(p), 300);
        ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s: %s", fmts[i].what, e.msg);
        ck_assert_msg(ocr_qr(p, key, &q, NULL, &e) == 0, "%s: %s", fmts[i].what, e.msg);
        ck_assert_str_eq(q.form, "nyuyoji_4m");
        ck_assert_str_eq(q.subject, "000123456789");
        ck_assert_int_eq(q.page, 1);
        ck_assert_int_eq(q.pages, 2);
        if (verbose())
            fprintf(stderr, "format %-26s residual %.2f px, scale %.4f\n", fmts[i].what,
                    r.residual_px, r.scale);
        ocr_page_free(&p);
        ck_assert_ptr_null(p);
        pixDestroy(&src);
    }
}
END_TEST

START_TEST(load_multipage_tiff_with_blank)
{
    char *path = tl_path(g_dir, "batch.tif");
    PIX *bin = pixThresholdToBinary(g_clean300, 128), *blank = pixCreate(2480, 3508, 1);
    struct ocr_loaded l;
    struct berr e = {0};

    pixSetResolution(bin, 300, 300);
    pixSetResolution(blank, 300, 300);
    ck_assert_int_eq(pixWriteTiff(path, bin, IFF_TIFF_G4, "w"), 0);
    ck_assert_int_eq(pixWriteTiff(path, blank, IFF_TIFF_G4, "a"), 0);
    ck_assert_int_eq(pixWriteTiff(path, bin, IFF_TIFF_G4, "a"), 0);
    ck_assert_msg(ocr_load(path, &l, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(l.npages, 3);
    ck_assert_ptr_nonnull(l.pages[0]);
    ck_assert_ptr_null(l.pages[1]);
    ck_assert_ptr_nonnull(l.pages[2]);
    ck_assert_msg(strstr(l.reasons[1], "白紙") != NULL, "%s", l.reasons[1]);
    ck_assert_msg(strstr(l.reasons[1], "2ページ目") != NULL, "%s", l.reasons[1]);
    ck_assert_msg(strstr(l.reasons[1], "batch.tif") != NULL, "%s", l.reasons[1]);
    ck_assert_msg(strstr(ocr_page_name(l.pages[2]), "3ページ目") != NULL, "%s",
                  ocr_page_name(l.pages[2]));
    ocr_loaded_release(&l);
    ck_assert_int_eq(l.npages, 0);
    pixDestroy(&bin);
    pixDestroy(&blank);
    free(path);
}
END_TEST

START_TEST(load_dpi_estimated_and_200dpi)
{
    PIX *nodpi = pixCopy(NULL, g_clean200);
    struct ocr_page *p;
    struct ocr_template t = tmpl();
    struct ocr_registration r;
    struct berr e = {0};

    pixSetResolution(nodpi, 0, 0);
    p = page_of(nodpi, IFF_PNG);
    ck_assert_int_eq(ocr_page_dpi(p), 200);
    ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s", e.msg);
    ck_assert_msg(fabs(r.scale - 1.0) < 0.005, "scale %.4f", r.scale);
    ocr_page_free(&p);
    pixDestroy(&nodpi);
}
END_TEST

static void assert_rejected(PIX *pix, const char *needle)
{
    struct ocr_loaded l;
    struct berr e = {0};

    ck_assert_msg(load_as(pix, IFF_PNG, &l, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(l.npages, 1);
    ck_assert_ptr_null(l.pages[0]);
    ck_assert_msg(strstr(l.reasons[0], needle) != NULL, "want \"%s\" in: %s", needle,
                  l.reasons[0]);
    ck_assert_msg(strstr(l.reasons[0], "scan") != NULL, "no file name: %s", l.reasons[0]);
    if (verbose())
        fprintf(stderr, "rejected: %s\n", l.reasons[0]);
    ocr_loaded_release(&l);
}

START_TEST(load_rejects_non_pages)
{
    PIX *blank = pixCreate(2480, 3508, 8), *noise, *photo, *small;
    struct ocrsim_degrade d = { .rotate_deg = 0 };
    double m[6];
    struct ocr_loaded l;
    struct berr e = {0};

    pixSetAllArbitrary(blank, 250);
    d.noise = 6;
    noise = ocrsim_degrade(blank, 300, &d, m);        /* a blank sheet, scanner noise */
    assert_rejected(noise, "白紙");
    pixDestroy(&noise);
    noise = ocrsim_noise_image(2480, 3508, 7);
    assert_rejected(noise, "紙のスキャン画像ではありません");
    photo = ocrsim_photo_image(2000, 1500);
    assert_rejected(photo, "紙のスキャン画像ではありません");
    small = pixScale(g_clean300, 0.25f, 0.25f);
    assert_rejected(small, "小さすぎ");
    ck_assert_int_eq(ocr_load_mem("not an image at all", 19, "junk.png", &l, &e),
                     BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "junk.png") != NULL && strstr(e.msg, "読めません") != NULL,
                  "%s", e.msg);
    ck_assert_int_eq(l.npages, 0);
    ck_assert_int_eq(ocr_load_mem("%PDF-1.4 ...", 12, "x.pdf", &l, &e), BERR_INVALID);
    ck_assert_int_eq(ocr_load("/nonexistent/scan.tif", &l, &e), BERR_FAIL);
    pixDestroy(&blank);
    pixDestroy(&noise);
    pixDestroy(&photo);
    pixDestroy(&small);
}
END_TEST

/* ---- registration --------------------------------------------------- */

START_TEST(register_degraded_pages)
{
    double worst_map = 0, worst_marks = 0;

    for (int i = 0; i < NCASES; i++) {
        double truth[6], em, ek, t0 = now_ms();
        struct ocr_registration r;
        struct ocr_page *p = case_page(i, truth, &r);
        struct qrpayload q;
        struct berr e = {0};

        em = map_error(r.map, truth);
        ek = marks_error(&r, truth);
        if (verbose())
            fprintf(stderr, "%-26s orient %3d skew %+.2f scale %.4f marks %d residual %.2f "
                    "map err %.2f px, mark err %.2f px (%.0f ms)\n", cases[i].what,
                    r.orientation, r.skew_deg, r.scale, r.marks_found, r.residual_px, em, ek,
                    now_ms() - t0);
        ck_assert_int_eq(r.orientation, cases[i].d.orient);
        ck_assert_int_eq(r.marks_found, 4);
        ck_assert_msg(em <= 1.5, "%s: map error %.2f px", cases[i].what, em);
        ck_assert_msg(ek <= 1.5, "%s: mark error %.2f px", cases[i].what, ek);
        ck_assert_msg(r.qr_found, "%s: QR", cases[i].what);
        ck_assert_msg(ocr_qr(p, key, &q, NULL, &e) == 0, "%s: %s", cases[i].what, e.msg);
        worst_map = fmax(worst_map, em);
        worst_marks = fmax(worst_marks, ek);
        ocr_page_free(&p);
    }
    fprintf(stderr, "registration: %d scans, worst map error %.2f px, worst mark error "
            "%.2f px (300 dpi)\n", NCASES, worst_map, worst_marks);
}
END_TEST

START_TEST(register_three_of_four_marks)
{
    static const double rot[4] = { 2.0, -1.0, 0.7, -2.6 };
    double worst = 0;

    for (int missing = 0; missing < 4; missing++) {
        struct ocrsim_degrade d = { rot[missing], 0.97, 12, -9, missing == 2 ? 180 : 0, 6,
                                    0, 0, 0 };
        double truth[6], err;
        PIX *pix = ocrsim_degrade(g_clean300, 300, &d, truth);
        struct ocr_template t = tmpl();
        struct ocr_registration r;
        struct ocr_page *p;
        struct berr e = {0};

        ocrsim_fill_mm(pix, truth, ocrsim_marks[missing][0], ocrsim_marks[missing][1], 8, 8, 4,
                       255);
        p = page_of(pix, IFF_PNG);
        ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "mark %d missing: %s", missing, e.msg);
        ck_assert_int_eq(r.marks_found, 3);
        ck_assert_int_eq(r.marks_mask, 0xFu & ~(1u << missing));
        err = map_error(r.map, truth);
        worst = fmax(worst, err);
        ck_assert_msg(err <= 1.5, "mark %d missing: map error %.2f px", missing, err);
        ck_assert_int_eq(r.orientation, d.orient);
        ocr_page_free(&p);
        pixDestroy(&pix);
    }
    fprintf(stderr, "registration with 3 of 4 marks: worst map error %.2f px\n", worst);
}
END_TEST

START_TEST(register_detects_printer_scale)
{
    static const double scales[] = { 0.94, 0.96, 0.98, 1.0 };

    for (size_t i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
        struct ocrsim_degrade d = { 1.0, scales[i], 6, 4, 0, 5, 0, 0, 0 };
        double truth[6];
        PIX *pix = ocrsim_degrade(g_clean300, 300, &d, truth);
        struct ocr_template t = tmpl();
        struct ocr_registration r;
        struct ocr_page *p = page_of(pix, IFF_PNG);
        struct berr e = {0};

        ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s", e.msg);
        if (verbose())
            fprintf(stderr, "printed at %.2f: measured %.4f\n", scales[i], r.scale);
        ck_assert_msg(fabs(r.scale - scales[i]) <= 0.005, "printed at %.2f, measured %.4f",
                      scales[i], r.scale);
        ocr_page_free(&p);
        pixDestroy(&pix);
    }
}
END_TEST

START_TEST(register_rejects_missing_marks)
{
    struct ocr_template t = tmpl();
    struct ocr_page *p = page_of(g_twomarks300, IFF_PNG);
    struct ocr_registration r;
    struct berr e = {0};

    ck_assert_int_eq(ocr_register(p, &t, &r, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "位置合わせマーク") != NULL, "%s", e.msg);
    ck_assert_msg(strstr(e.msg, "右上") != NULL && strstr(e.msg, "左下") != NULL, "%s", e.msg);
    if (verbose())
        fprintf(stderr, "rejected: %s\n", e.msg);
    ocr_page_free(&p);
}
END_TEST

START_TEST(register_rejects_wrong_layout)
{
    /* The marks of another layout: everything 12 mm further in. */
    struct ocr_template t = tmpl();
    struct ocr_page *p = page_of(g_clean300, IFF_PNG);
    struct ocr_registration r;
    struct berr e = {0};

    t.marks[1][0] -= 30;                   /* TR expected 30 mm left of where it is */
    t.marks[3][0] -= 30;
    ck_assert_int_eq(ocr_register(p, &t, &r, &e), BERR_INVALID);
    if (verbose())
        fprintf(stderr, "rejected: %s\n", e.msg);
    ck_assert_msg(strstr(e.msg, "位置合わせ") != NULL, "%s", e.msg);
    ocr_page_free(&p);
}
END_TEST

START_TEST(register_rejects_marks_that_do_not_fit)
{
    /* Two marks 5 mm off their places (a different layout, a torn and taped
     * sheet): all four are found, but no three make a plausible print. */
    struct ocrsim_degrade d = { 0.8, 1.0, 0, 0, 0, 4, 0, 0, 0 };
    struct ocr_template t = tmpl();
    double truth[6];
    PIX *pix = ocrsim_degrade(g_clean300, 300, &d, truth);
    struct ocr_registration r;
    struct ocr_page *p;
    struct berr e = {0};

    ocrsim_fill_mm(pix, truth, ocrsim_marks[1][0], ocrsim_marks[1][1], 8, 8, 4, 255);
    ocrsim_fill_mm(pix, truth, ocrsim_marks[2][0], ocrsim_marks[2][1], 8, 8, 4, 255);
    ocrsim_fill_mm(pix, truth, ocrsim_marks[1][0] + 5, ocrsim_marks[1][1], 8, 8, 0, 0);
    ocrsim_fill_mm(pix, truth, ocrsim_marks[2][0] + 5, ocrsim_marks[2][1], 8, 8, 0, 0);
    p = page_of(pix, IFF_PNG);
    ck_assert_int_eq(ocr_register(p, &t, &r, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "誤差") != NULL, "%s", e.msg);
    if (verbose())
        fprintf(stderr, "rejected: %s\n", e.msg);
    ocr_page_free(&p);
    pixDestroy(&pix);
}
END_TEST

START_TEST(register_rejects_light_photo)
{
    /* Light enough to pass for paper: refused at registration, not read. */
    PIX *photo = ocrsim_photo_image(2480, 3508);
    struct ocr_template t = tmpl();
    struct ocr_page *p;
    struct ocr_registration r;
    struct berr e = {0};

    pixMultConstantGray(photo, 0.3f);
    pixAddConstantGray(photo, 170);
    for (int i = 0; i < 40; i++) {           /* some dark things, none of them a mark */
        BOX *b = boxCreate(200 + (i % 5) * 400, 300 + (i / 5) * 380, 220, 40 + (i % 3) * 30);

        pixSetInRectArbitrary(photo, b, 30);
        boxDestroy(&b);
    }
    p = page_of(photo, IFF_JFIF_JPEG);
    ck_assert_int_eq(ocr_register(p, &t, &r, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "位置合わせマークが見つかりません") != NULL, "%s", e.msg);
    ocr_page_free(&p);
    pixDestroy(&photo);
}
END_TEST

START_TEST(qr_missing_and_wrong_key)
{
    struct ocr_template t = tmpl();
    struct ocr_page *p = page_of(g_noqr300, IFF_PNG);
    struct ocr_registration r;
    struct qrpayload q;
    struct berr e = {0};
    char raw[OCR_TEXT_MAX];

    ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(r.qr_found, 0);
    ck_assert_int_eq(ocr_qr(p, key, &q, raw, &e), BERR_INVALID);
    ck_assert_msg(strstr(e.msg, "QRコード") != NULL, "%s", e.msg);
    if (verbose())
        fprintf(stderr, "rejected: %s\n", e.msg);
    ocr_page_free(&p);

    p = page_of(g_wrongkey300, IFF_PNG);
    ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s", e.msg);
    ck_assert_int_eq(r.qr_found, 1);
    ck_assert_int_eq(ocr_qr(p, key, &q, raw, &e), QRPAYLOAD_BAD_MAC);
    ck_assert_msg(strstr(e.msg, "scan") != NULL, "%s", e.msg);
    ck_assert_msg(strncmp(raw, "BOSHI1|nyuyoji_4m|", 18) == 0, "%s", raw);
    if (verbose())
        fprintf(stderr, "rejected: %s\n", e.msg);
    ck_assert_int_eq(ocr_qr(p, other_key, &q, raw, &e), 0);
    ocr_page_free(&p);
}
END_TEST

START_TEST(qr_found_on_page_when_not_at_place)
{
    /* The template puts the QR 8 mm left of where it is printed: the crop at
     * its place cuts it, the whole page finds it near enough (< 15 mm).  At
     * 60 mm off it is not this template's QR and the page has none. */
    static const double offsets[2] = { 8, 60 };
    struct ocrsim_degrade d = { 0.3, 1.0, 0, 0, 180, 4, 0, 0, 0 };
    double truth[6];
    PIX *pix = ocrsim_degrade(g_clean300, 300, &d, truth);

    for (int i = 0; i < 2; i++) {
        struct ocr_template t = tmpl();
        struct ocr_page *p = page_of(pix, IFF_PNG);
        struct ocr_registration r;
        struct qrpayload q;
        struct berr e = {0};
        double t0;

        t.qr[0] -= offsets[i];
        t0 = now_ms();
        ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s", e.msg);
        if (verbose())
            fprintf(stderr, "QR %.0f mm off its place: found %d, register %.0f ms\n",
                    offsets[i], r.qr_found, now_ms() - t0);
        if (i == 0) {
            ck_assert_int_eq(r.qr_found, 1);
            ck_assert_int_eq(r.orientation, 180);
            ck_assert_int_eq(ocr_qr(p, key, &q, NULL, &e), 0);
        } else {
            ck_assert_int_eq(r.qr_found, 0);
            ck_assert_int_eq(ocr_qr(p, key, &q, NULL, &e), BERR_INVALID);
        }
        ocr_page_free(&p);
    }
    pixDestroy(&pix);
}
END_TEST

/* ---- fields ------------------------------------------------------- */

static struct ocr_box box_of(double x, double y, double w, double h, int cells)
{
    struct ocr_box b = { x, y, w, h, cells };

    return b;
}

START_TEST(omr_classes)
{
    int right = 0, total = 0;
    double lo[3] = { 1, 1, 1 }, hi[3] = { 0, 0, 0 };

    for (int i = 0; i < NCASES; i++) {
        double truth[6];
        struct ocr_registration r;
        struct ocr_page *p = case_page(i, truth, &r);

        for (int c = 0; c < OCRSIM_NCHECKS; c++) {
            const struct ocrsim_check *ck = &ocrsim_checks[c];
            struct ocr_box b = box_of(ck->x, ck->y, ck->size, ck->size, 0);
            struct ocr_mark m;
            struct berr e = {0};
            int want = ck->truth == OCRSIM_EMPTY ? OCR_OMR_EMPTY
                     : ck->truth == OCRSIM_MARKED ? OCR_OMR_MARKED : OCR_OMR_MARGINAL;

            /* A 1-bit scanner (threshold 128) drops a faint pencil mark
             * (grey 150-165) altogether: nothing is left to score. */
            if (cases[i].d.binary && strncmp(ck->what, "faint", 5) == 0)
                want = OCR_OMR_EMPTY;

            ck_assert_int_eq(ocr_omr(p, &b, &m, &e), 0);
            lo[want] = fmin(lo[want], m.score);
            hi[want] = fmax(hi[want], m.score);
            total++;
            if ((int)m.cls == want)
                right++;
            else
                fprintf(stderr, "OMR %s: %s scored %.3f (coverage %.3f)\n", cases[i].what,
                        ck->what, m.score, m.coverage);
        }
        ocr_page_free(&p);
    }
    fprintf(stderr, "OMR: %d/%d right; scores empty %.3f..%.3f, marginal %.3f..%.3f, "
            "marked %.3f..%.3f\n", right, total, lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]);
    ck_assert_int_eq(right, total);
}
END_TEST

START_TEST(ink_presence_and_crop_png)
{
    double truth[6];
    struct ocr_registration r;
    struct ocr_page *p = case_page(1, truth, &r);

    for (int i = 0; i < OCRSIM_NPRESENCE; i++) {
        const struct ocrsim_presence *pr = &ocrsim_presence[i];
        struct ocr_box b = box_of(pr->x, pr->y, pr->w, pr->h, 0);
        struct ocr_ink ink;
        struct berr e = {0};
        unsigned char *png = NULL;
        size_t len = 0;
        PIX *back;

        ck_assert_int_eq(ocr_ink(p, &b, &ink, &e), 0);
        ck_assert_msg(ink.present == pr->present, "presence %d: got %d (coverage %.4f, %d "
                      "components)", i, ink.present, ink.coverage, ink.components);
        ck_assert_int_eq(ocr_crop_png(p, &b, 2.0, &png, &len, &e), 0);
        ck_assert(len > 8 && memcmp(png, "\x89PNG", 4) == 0);
        back = pixReadMem(png, len);
        ck_assert_ptr_nonnull(back);
        ck_assert_int_eq(pixGetWidth(back), (int)lround((pr->w + 4) * 300 / 25.4));
        pixDestroy(&back);
        free(png);
    }
    ocr_page_free(&p);
}
END_TEST

struct text_tally {
    int fields, right0, right1, agree, agree_wrong;
};

static void read_fields(struct ocr_reader *rd, struct ocr_page *p, const char *what,
                        struct text_tally *t, double *ms_text)
{
    for (int c = 0; c < OCRSIM_NCOMBS; c++) {
        const struct ocrsim_comb *cb = &ocrsim_combs[c];
        struct ocr_box b = box_of(cb->x, cb->y, cb->w, cb->h, cb->cells);
        struct ocr_text tx;
        struct berr e = {0};
        char want[OCR_MAX_CELLS + 1], cells[OCR_MAX_CELLS + 1];
        int n = 0;
        double t0 = now_ms();

        for (int i = 0; i < cb->cells; i++) {
            cells[i] = cb->digits[i] == ' ' ? '.' : '#';
            if (cb->digits[i] != ' ')
                want[n++] = cb->digits[i];
        }
        want[n] = cells[cb->cells] = '\0';
        ck_assert_msg(ocr_read_text(rd, p, &b, OCR_DIGITS, &tx, &e) == 0, "%s", e.msg);
        *ms_text += now_ms() - t0;
        ck_assert_str_eq(tx.cells, cells);
        t->fields++;
        t->right0 += strcmp(tx.r[0].value, want) == 0;
        t->right1 += strcmp(tx.r[1].value, want) == 0;
        t->agree += tx.agree;
        t->agree_wrong += tx.agree && strcmp(tx.r[0].value, want) != 0;
        if (verbose() || strcmp(tx.r[0].value, want) != 0)
            fprintf(stderr, "%-26s digits want %-6s %s %-6s (%d/%d) %s %-6s (%d/%d)\n", what,
                    want, tx.r[0].model, tx.r[0].value, tx.r[0].conf, tx.r[0].min_conf,
                    tx.r[1].model, tx.r[1].value, tx.r[1].conf, tx.r[1].min_conf);
    }
    for (int i = 0; i < OCRSIM_NNAMES; i++) {
        const struct ocrsim_name *nm = &ocrsim_names[i];
        struct ocr_box b = box_of(nm->x, nm->y, nm->w, nm->h, 0);
        struct ocr_text tx;
        struct berr e = {0};
        double t0 = now_ms();

        ck_assert_msg(ocr_read_text(rd, p, &b, nm->kana ? OCR_KANA : OCR_TEXT, &tx, &e) == 0,
                      "%s", e.msg);
        *ms_text += now_ms() - t0;
        t->fields++;
        t->right0 += strcmp(tx.r[0].value, nm->expect) == 0;
        t->right1 += strcmp(tx.r[1].value, nm->expect) == 0;
        t->agree += tx.agree;
        t->agree_wrong += tx.agree && strcmp(tx.r[0].value, nm->expect) != 0;
        if (verbose() || !tx.agree)
            fprintf(stderr, "%-26s %s want %s: %s %s (%d/%d) %s %s (%d/%d)\n", what,
                    nm->kana ? "kana" : "text", nm->expect, tx.r[0].model, tx.r[0].value,
                    tx.r[0].conf, tx.r[0].min_conf, tx.r[1].model, tx.r[1].value, tx.r[1].conf,
                    tx.r[1].min_conf);
    }
}

START_TEST(text_clean_print_both_models_agree)
{
    struct ocr_reader *rd = NULL;
    struct berr e = {0};
    struct ocr_template t = tmpl();
    PIX *pages[2] = { g_clean300, g_clean200 };
    struct text_tally tally = { .fields = 0 };
    double t0 = now_ms(), ms_text = 0;

    ck_assert_msg(ocr_reader_open(&rd, &e) == 0, "%s", e.msg);
    fprintf(stderr, "reader open: %.0f ms\n", now_ms() - t0);
    for (int i = 0; i < 2; i++) {
        struct ocr_page *p = page_of(pages[i], IFF_PNG);
        struct ocr_registration r;

        ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s", e.msg);
        read_fields(rd, p, i == 0 ? "clean 300 dpi" : "clean 200 dpi", &tally, &ms_text);
        ocr_page_free(&p);
    }
    fprintf(stderr, "text, clean print: %d fields, %s %d right, %s %d right, agree %d, "
            "agreed but wrong %d\n", tally.fields, "model1", tally.right0, "model2",
            tally.right1, tally.agree, tally.agree_wrong);
    ck_assert_int_eq(tally.right0, tally.fields);
    ck_assert_int_eq(tally.agree, tally.fields);
    ocr_reader_free(&rd);
    ck_assert_ptr_null(rd);
}
END_TEST

START_TEST(text_degraded_and_time_per_page)
{
    struct ocr_reader *rd = NULL;
    struct berr e = {0};
    struct ocr_template t = tmpl();
    struct text_tally tally = { .fields = 0 };
    double load = 0, reg = 0, qr = 0, omr = 0, text = 0;
    int pages = 0, cell_right = 0, cell_total = 0;

    ck_assert_msg(ocr_reader_open(&rd, &e) == 0, "%s", e.msg);
    for (int i = 0; i < NCASES; i++) {
        double truth[6], t0;
        PIX *pix = ocrsim_degrade(g_clean300, 300, &cases[i].d, truth);
        l_uint8 *data = NULL;
        size_t size = 0;
        struct ocr_loaded l;
        struct ocr_page *p;
        struct ocr_registration r;
        struct qrpayload q;

        if (cases[i].format == IFF_JFIF_JPEG)
            pixWriteMemJpeg(&data, &size, pix, 60, 0);
        else
            pixWriteMem(&data, &size, pix, cases[i].format);
        t0 = now_ms();
        ck_assert_int_eq(ocr_load_mem(data, size, cases[i].what, &l, &e), 0);
        load += now_ms() - t0;
        p = l.pages[0];
        l.pages[0] = NULL;
        ocr_loaded_release(&l);
        lept_free(data);
        pixDestroy(&pix);
        ck_assert_ptr_nonnull(p);
        t0 = now_ms();
        ck_assert_msg(ocr_register(p, &t, &r, &e) == 0, "%s", e.msg);
        reg += now_ms() - t0;
        t0 = now_ms();
        ck_assert_int_eq(ocr_qr(p, key, &q, NULL, &e), 0);
        qr += now_ms() - t0;
        t0 = now_ms();
        for (int c = 0; c < OCRSIM_NCHECKS; c++) {
            struct ocr_box b = box_of(ocrsim_checks[c].x, ocrsim_checks[c].y, 5, 5, 0);
            struct ocr_mark m;

            ck_assert_int_eq(ocr_omr(p, &b, &m, &e), 0);
        }
        omr += now_ms() - t0;
        read_fields(rd, p, cases[i].what, &tally, &text);
        /* The per-cell reader on the first comb. */
        for (int c = 0; c < ocrsim_combs[0].cells; c++) {
            const struct ocrsim_comb *cb = &ocrsim_combs[0];
            struct ocr_box b = box_of(cb->x, cb->y, cb->w, cb->h, cb->cells);
            struct ocr_digit dg;

            ck_assert_int_eq(ocr_read_cell_digit(rd, p, &b, c, &dg, &e), 0);
            ck_assert_int_eq(dg.inked, 1);
            cell_total++;
            cell_right += dg.digit == cb->digits[c] - '0';
        }
        pages++;
        ocr_page_free(&p);
    }
    fprintf(stderr, "text, %d degraded pages: %d fields, model1 %d right, model2 %d right, "
            "agree %d, agreed but wrong %d\n", pages, tally.fields, tally.right0, tally.right1,
            tally.agree, tally.agree_wrong);
    fprintf(stderr, "per-cell digit reader (printed): %d/%d\n", cell_right, cell_total);
    fprintf(stderr, "ms per page (mean of %d, 300 dpi): load %.0f, register (incl. QR decode) "
            "%.0f, QR verify %.2f, "
            "OMR x%d %.1f, text x%d (2 models, 2 modes) %.0f\n", pages, load / pages, reg / pages,
            qr / pages, OCRSIM_NCHECKS, omr / pages, OCRSIM_NCOMBS + OCRSIM_NNAMES,
            text / pages);
    ck_assert_int_eq(tally.agree_wrong, 0);
    ck_assert_msg(tally.agree * 10 >= tally.fields * 9, "agreement %d of %d", tally.agree,
                  tally.fields);
    ocr_reader_free(&rd);
}
END_TEST

int main(void)
{
    char *good = NULL, *bad = NULL;
    SRunner *sr;
    Suite *s = suite_create("ocr");
    TCase *tc = tcase_create("pages"), *tr = tcase_create("reading");
    int failed;

    g_dir = tl_tmpdir();
    if (g_dir == NULL)
        return 1;
    good = payload_make(key);
    bad = payload_make(other_key);
    g_clean300 = render("clean.pdf", good, 0xF, 300);
    g_clean200 = render("clean.pdf", good, 0xF, 200);
    g_noqr300 = render("noqr.pdf", NULL, 0xF, 300);
    g_twomarks300 = render("twomarks.pdf", good, 0x9, 300);
    g_wrongkey300 = render("wrongkey.pdf", bad, 0xF, 300);
    if (good == NULL || bad == NULL || g_clean300 == NULL || g_clean200 == NULL
        || g_noqr300 == NULL || g_twomarks300 == NULL || g_wrongkey300 == NULL) {
        fprintf(stderr, "test_ocr: cannot make the test pages in %s (payload %d/%d, pages "
                "%d %d %d %d %d; pdftoppm?)\n", g_dir, good != NULL, bad != NULL,
                g_clean300 != NULL, g_clean200 != NULL, g_noqr300 != NULL,
                g_twomarks300 != NULL, g_wrongkey300 != NULL);
        return 1;
    }

    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, load_every_format);
    tcase_add_test(tc, load_multipage_tiff_with_blank);
    tcase_add_test(tc, load_dpi_estimated_and_200dpi);
    tcase_add_test(tc, load_rejects_non_pages);
    tcase_add_test(tc, register_degraded_pages);
    tcase_add_test(tc, register_three_of_four_marks);
    tcase_add_test(tc, register_detects_printer_scale);
    tcase_add_test(tc, register_rejects_missing_marks);
    tcase_add_test(tc, register_rejects_wrong_layout);
    tcase_add_test(tc, register_rejects_marks_that_do_not_fit);
    tcase_add_test(tc, register_rejects_light_photo);
    tcase_add_test(tc, qr_missing_and_wrong_key);
    tcase_add_test(tc, qr_found_on_page_when_not_at_place);
    tcase_add_test(tc, omr_classes);
    tcase_add_test(tc, ink_presence_and_crop_png);
    suite_add_tcase(s, tc);
    tcase_set_timeout(tr, 300);
    tcase_add_test(tr, text_clean_print_both_models_agree);
    tcase_add_test(tr, text_degraded_and_time_per_page);
    suite_add_tcase(s, tr);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    pixDestroy(&g_clean300);
    pixDestroy(&g_clean200);
    pixDestroy(&g_noqr300);
    pixDestroy(&g_twomarks300);
    pixDestroy(&g_wrongkey300);
    free(good);
    free(bad);
    tl_rmtree(g_dir);
    free(g_dir);
    return failed == 0 ? 0 : 1;
}
