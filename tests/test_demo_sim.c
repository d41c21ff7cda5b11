/*
 * test_demo_sim: the scan simulator (demo/sim.h) checked from outside -
 * every form filled and scanned (image size for the dpi, truth for every
 * field that forms_value_parse() and the form's rules accept), the clean
 * page's QR decoded with zbarimg and verified under the key, determinism
 * to the byte, each kind of damage measured on the pixels (skew, shift and
 * scale through the registration marks and the truth map, 180° through the
 * QR's place, 1-bit, noise, blur, JPEG, fold, stamp), the tricky marks
 * flagged for review, batches and `boshi demo scan`.
 */
#include "base/qrpayload.h"
#include "demo/sim.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DPI 200

static struct forms_registry *reg;
static unsigned char key[32];
static const struct forms_form *form4m;
static PIX *paper;                 /* nyuyoji_4m page 1, clean, DPI */
static char *dir;

static void setup(void)
{
    struct berr e;
    char *defs = xasprintf("%s/forms/defs", tl_src());
    struct sim_sheet *s = NULL;
    struct sim_fill_opts o;
    PIX **pages = NULL;

    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)i;
    ck_assert_msg(forms_registry_load_dir(defs, &reg, &e) > 0, "%s", e.msg);
    free(defs);
    form4m = forms_registry_get(reg, "nyuyoji_4m", 0);
    ck_assert_ptr_nonnull(form4m);
    sim_fill_opts_init(&o);
    o.seed = 42;
    ck_assert_msg(sim_fill(form4m, NULL, key, &o, &s, &e) == 0, "%s", e.msg);
    ck_assert_msg(sim_sheet_render(s, DPI, &pages, &e) == 0, "%s", e.msg);
    paper = pages[0];
    for (int k = 1; k < form4m->pages; k++)
        pixDestroy(&pages[k]);
    free(pages);
    sim_sheet_free(&s);
    dir = tl_tmpdir();
}

static void teardown(void)
{
    pixDestroy(&paper);
    forms_registry_free(&reg);
    tl_rmtree(dir);
    free(dir);
}

/* ---- pixels ---------------------------------------------------------- */

static void map_pt(const double m[6], double x, double y, double *px, double *py)
{
    *px = m[0] * x + m[1] * y + m[2];
    *py = m[3] * x + m[4] * y + m[5];
}

static int grey_at(PIX *pix, int x, int y)
{
    l_uint32 v = 0;

    if (x < 0 || y < 0 || x >= pixGetWidth(pix) || y >= pixGetHeight(pix))
        return 255;
    pixGetPixel(pix, x, y, &v);
    if (pixGetDepth(pix) == 1)
        return v ? 0 : 255;
    return (int)v;
}

/* Centroid of dark pixels within half px of (cx, cy); returns the count. */
static long centroid(PIX *pix, double cx, double cy, int half, double *ox, double *oy)
{
    double sx = 0, sy = 0;
    long n = 0;

    for (int y = (int)cy - half; y <= (int)cy + half; y++)
        for (int x = (int)cx - half; x <= (int)cx + half; x++)
            if (grey_at(pix, x, y) < 128) {
                sx += x + 0.5;
                sy += y + 0.5;
                n++;
            }
    *ox = n ? sx / n : -1;
    *oy = n ? sy / n : -1;
    return n;
}

/* The centre of registration mark i found in pix near where map says it is. */
static void mark_at(PIX *pix, const double map[6], int i, double *x, double *y)
{
    const struct forms_box *b = &form4m->marks[i];
    double ex, ey;

    map_pt(map, b->x + b->w / 2, b->y + b->h / 2, &ex, &ey);
    ck_assert_int_gt(centroid(pix, ex, ey, (int)(6.5 * DPI / 25.4), x, y), 100);
}

/* Fraction of dark pixels in the mm box seen through map. */
static double dark_fraction(PIX *pix, const double map[6], double x, double y, double w, double h)
{
    double x0, y0, x1, y1;
    long n = 0, dark = 0;

    map_pt(map, x, y, &x0, &y0);
    map_pt(map, x + w, y + h, &x1, &y1);
    for (int py = (int)fmin(y0, y1); py < (int)fmax(y0, y1); py++)
        for (int px = (int)fmin(x0, x1); px < (int)fmax(x0, x1); px++) {
            n++;
            dark += grey_at(pix, px, py) < 128;
        }
    return n ? (double)dark / n : 0;
}

static PIX *scan(struct sim_damage *d, double map[6])
{
    struct berr e;
    PIX *out = NULL;

    ck_assert_msg(sim_scan(paper, DPI, form4m, 1, d, 9, &out, map, &e) == 0, "%s", e.msg);
    return out;
}

static const double clean_map[6] = { DPI / 25.4, 0, 0, 0, DPI / 25.4, 0 };

/* ---- fill + scan of every form, through a batch ---------------------- */

static json_t *load_json(const char *path)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);

    ck_assert_msg(j != NULL, "%s: %s", path, je.text);
    return j;
}

static int count_files(const char *d, const char *suffix)
{
    DIR *dh = opendir(d);
    struct dirent *de;
    int n = 0;
    size_t sl = strlen(suffix);

    ck_assert_ptr_nonnull(dh);
    while ((de = readdir(dh)) != NULL) {
        size_t l = strlen(de->d_name);
        if (l > sl && strcmp(de->d_name + l - sl, suffix) == 0)
            n++;
    }
    closedir(dh);
    return n;
}

START_TEST(every_form_filled_and_scanned)
{
    const struct forms_form *forms[16];
    struct sim_batch_opts bo;
    struct sim_batch_stats st;
    struct berr e;
    char *out = tl_path(dir, "all");
    int total = 0, seen_forms = 0, sheet = 0;
    const char *vals_raw[256];
    struct forms_value vals[256];
    const struct forms_form *sheet_form = NULL;

    sim_batch_opts_init(&bo);
    for (size_t i = 0; i < forms_registry_count(reg); i++) {
        forms[i] = forms_registry_at(reg, i);
        total += forms[i]->pages;
    }
    bo.forms = forms;
    bo.n_forms = forms_registry_count(reg);
    bo.pages = total;
    bo.dir = out;
    bo.dpi = DPI;
    bo.key = key;
    bo.seed = 3;
    ck_assert_msg(sim_batch(&bo, &st, &e) == total, "%s", e.msg);
    ck_assert_int_eq(st.pages, total);
    ck_assert_int_eq(st.sheets, (int)forms_registry_count(reg));
    ck_assert_int_eq(count_files(out, ".png"), total);
    ck_assert_int_eq(count_files(out, ".truth.json"), total);
    for (int p = 1; p <= total; p++) {
        char name[64];
        snprintf(name, sizeof(name), "page-%04d.truth.json", p);
        char *tp = tl_path(out, name);
        json_t *j = load_json(tp), *fields = json_object_get(j, "fields");
        const struct forms_form *f =
            forms_registry_get(reg, json_string_value(json_object_get(j, "form")),
                               (int)json_integer_value(json_object_get(j, "version")));
        const char *img = json_string_value(json_object_get(j, "image"));
        char *ip = tl_path(out, img);
        PIX *pix = pixRead(ip);

        ck_assert_ptr_nonnull(f);
        /* A4 at DPI, as pdftoppm rounds it up */
        ck_assert_ptr_nonnull(pix);
        ck_assert_int_eq(pixGetWidth(pix), (int)ceil(210.0 * DPI / 25.4));
        ck_assert_int_eq(pixGetHeight(pix), (int)ceil(297.0 * DPI / 25.4));
        ck_assert_int_eq(json_integer_value(json_object_get(j, "width")), pixGetWidth(pix));
        ck_assert_int_eq(json_integer_value(json_object_get(j, "dpi")), DPI);
        ck_assert_int_eq(json_array_size(fields), f->n_fields);
        if (json_integer_value(json_object_get(j, "page")) == 1)
            seen_forms++;
        /* every field, with a value its kind accepts, canonical as given */
        for (size_t i = 0; i < f->n_fields; i++) {
            json_t *fj = json_array_get(fields, i);
            const char *v = json_string_value(json_object_get(fj, "value"));
            const char *how = json_string_value(json_object_get(fj, "how"));
            struct forms_value fv;
            ck_assert_str_eq(json_string_value(json_object_get(fj, "name")), f->fields[i].name);
            ck_assert_ptr_nonnull(how);
            forms_value_init(&fv);
            ck_assert_msg(forms_value_parse(&f->fields[i], v, &fv, &e) == 0, "%s %s: %s", f->id,
                          f->fields[i].name, e.msg);
            if (v != NULL)
                ck_assert_str_eq(fv.text, v);
            /* blank, unchecked and printed-empty fields say so */
            ck_assert_int_eq(strcmp(how, "blank") == 0, !fv.present);
            forms_value_release(&fv);
            vals_raw[i] = v;
        }
        /* the whole sheet passes the form's rules */
        if (json_integer_value(json_object_get(j, "sheet")) != sheet) {
            sheet = (int)json_integer_value(json_object_get(j, "sheet"));
            sheet_form = f;
            for (size_t i = 0; i < f->n_fields; i++)
                forms_value_init(&vals[i]);
            ck_assert_msg(forms_validate(f, vals_raw, vals, &e) == 0, "%s: %s", f->id, e.msg);
            for (size_t i = 0; i < f->n_fields; i++)
                forms_value_release(&vals[i]);
        }
        ck_assert_ptr_eq(sheet_form, f);
        pixDestroy(&pix);
        json_decref(j);
        free(ip);
        free(tp);
    }
    ck_assert_int_eq(seen_forms, (int)forms_registry_count(reg));
    free(out);
}
END_TEST

/* zbarimg on the clean page: the payload verifies under the key. */
START_TEST(qr_decodes_and_verifies)
{
    char *png = tl_path(dir, "qr.png");
    struct berr e;
    struct tl_result r;
    struct qrpayload q;
    const char *argv[] = { "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL };

    ck_assert_int_eq(sim_write_image(paper, DPI, SIM_PNG, png, &e), 0);
    tl_run(&r, NULL, NULL, argv);
    ck_assert_msg(r.status == 0, "zbarimg: %d %s", r.status, r.err);
    r.out[strcspn(r.out, "\n")] = '\0';
    ck_assert_msg(qrpayload_parse(r.out, strlen(r.out), key, &q, &e) == 0, "%s: %s", r.out, e.msg);
    ck_assert_str_eq(q.form, "nyuyoji_4m");
    ck_assert_int_eq(q.page, 1);
    ck_assert_int_eq(q.pages, 2);
    ck_assert_str_eq(q.subject, "");
    tl_result_free(&r);
    free(png);
}
END_TEST

/* Same seed, same bytes (clean PNG and truth); another seed, other values. */
START_TEST(deterministic)
{
    const struct forms_form *forms[1] = { form4m };
    struct sim_batch_opts bo;
    struct berr e;
    char *a = tl_path(dir, "a"), *b = tl_path(dir, "b"), *c = tl_path(dir, "c");
    const char *names[] = { "page-0001.png", "page-0002.png", "page-0001.truth.json" };

    sim_batch_opts_init(&bo);
    bo.forms = forms;
    bo.n_forms = 1;
    bo.pages = 2;
    bo.dpi = DPI;
    bo.key = key;
    bo.seed = 77;
    bo.dir = a;
    ck_assert_msg(sim_batch(&bo, NULL, &e) == 2, "%s", e.msg);
    bo.dir = b;
    ck_assert_msg(sim_batch(&bo, NULL, &e) == 2, "%s", e.msg);
    bo.dir = c;
    bo.seed = 78;
    ck_assert_msg(sim_batch(&bo, NULL, &e) == 2, "%s", e.msg);
    for (int i = 0; i < 3; i++) {
        char *pa = tl_path(a, names[i]), *pb = tl_path(b, names[i]), *pc = tl_path(c, names[i]);
        size_t la, lb, lc;
        char *da = tl_read_file(pa, &la), *db = tl_read_file(pb, &lb), *dc = tl_read_file(pc, &lc);
        ck_assert(da && db && dc);
        ck_assert_msg(la == lb && memcmp(da, db, la) == 0, "%s differs", names[i]);
        ck_assert_msg(la != lc || memcmp(da, dc, la) != 0, "%s same for another seed", names[i]);
        free(da); free(db); free(dc); free(pa); free(pb); free(pc);
    }
    free(a); free(b); free(c);
}
END_TEST

/* ---- each degradation, measured -------------------------------------- */

START_TEST(clean_is_identity)
{
    struct sim_damage d;
    double map[6];
    PIX *out;
    l_int32 same = 0;

    sim_damage_clean(&d);
    out = scan(&d, map);
    pixEqual(out, paper, &same);
    ck_assert(same);
    for (int i = 0; i < 6; i++)
        ck_assert(fabs(map[i] - clean_map[i]) < 1e-9);
    pixDestroy(&out);
}
END_TEST

START_TEST(skew_moves_marks_as_mapped)
{
    struct sim_damage d;
    double map[6], x0, y0, x1, y1, ex, ey;
    PIX *out;

    sim_damage_clean(&d);
    d.skew_deg = 2.5;
    out = scan(&d, map);
    mark_at(paper, clean_map, 0, &x0, &y0);
    mark_at(out, map, 0, &x1, &y1);
    /* moved by millimetres, to where the truth map says */
    ck_assert_msg(hypot(x1 - x0, y1 - y0) > 3 * DPI / 25.4, "moved %.1f px", hypot(x1 - x0, y1 - y0));
    map_pt(map, 19, 19, &ex, &ey);
    ck_assert_msg(hypot(x1 - ex, y1 - ey) < 1.5, "%.2f px off the map", hypot(x1 - ex, y1 - ey));
    /* clockwise: the top-right mark is lower than the top-left now */
    mark_at(out, map, 1, &ex, &ey);
    ck_assert_double_gt(ey - y1, 150 * DPI / 25.4 * sin(2.0 * M_PI / 180));
    pixDestroy(&out);
}
END_TEST

START_TEST(shift_moves_marks)
{
    struct sim_damage d;
    double map[6], x0, y0, x1, y1;
    PIX *out;

    sim_damage_clean(&d);
    d.shift_x_mm = 4;
    d.shift_y_mm = -3;
    out = scan(&d, map);
    mark_at(paper, clean_map, 0, &x0, &y0);
    mark_at(out, map, 0, &x1, &y1);
    ck_assert(fabs((x1 - x0) - 4 * DPI / 25.4) < 1.5);
    ck_assert(fabs((y1 - y0) + 3 * DPI / 25.4) < 1.5);
    pixDestroy(&out);
}
END_TEST

START_TEST(scale_shrinks_mark_distance)
{
    struct sim_damage d;
    double map[6], ax, ay, bx, by, cx, cy, dx, dy, before, after;
    PIX *out;

    sim_damage_clean(&d);
    d.scale = 0.95;
    out = scan(&d, map);
    mark_at(paper, clean_map, 0, &ax, &ay);
    mark_at(paper, clean_map, 3, &bx, &by);
    mark_at(out, map, 0, &cx, &cy);
    mark_at(out, map, 3, &dx, &dy);
    before = hypot(bx - ax, by - ay);
    after = hypot(dx - cx, dy - cy);
    ck_assert_msg(fabs(after / before - 0.95) < 0.003, "ratio %.4f", after / before);
    pixDestroy(&out);
}
END_TEST

START_TEST(upside_down_puts_qr_bottom_left)
{
    struct sim_damage d;
    double map[6], x, y;
    const struct forms_box *q = &form4m->qr;
    PIX *out;

    sim_damage_clean(&d);
    d.upside_down = 1;
    out = scan(&d, map);
    /* the QR is where the map says, i.e. bottom-left of the image */
    map_pt(map, q->x + q->w / 2, q->y + q->h / 2, &x, &y);
    ck_assert_double_lt(x, pixGetWidth(out) / 3.0);
    ck_assert_double_gt(y, pixGetHeight(out) * 2 / 3.0);
    ck_assert_double_gt(dark_fraction(out, clean_map, 210 - q->x - q->w + 3, 297 - q->y - q->h + 3,
                                      q->w - 6, q->h - 6), 0.3);
    ck_assert_double_lt(dark_fraction(paper, clean_map, 210 - q->x - q->w + 3,
                                      297 - q->y - q->h + 3, q->w - 6, q->h - 6), 0.1);
    /* and nothing is left top-right */
    ck_assert_double_lt(dark_fraction(out, clean_map, q->x + 3, q->y + 3, q->w - 6, q->h - 6), 0.1);
    pixDestroy(&out);
}
END_TEST

START_TEST(threshold_gives_one_bit)
{
    struct sim_damage d;
    double map[6];
    struct berr e;
    char *png = tl_path(dir, "bin.png"), *tif = tl_path(dir, "bin.tif");
    PIX *out, *back, *g;
    NUMA *h;
    l_int32 fmt = 0, comp = 0;
    FILE *fp;

    sim_damage_clean(&d);
    d.threshold = 140;
    d.noise = 6;
    out = scan(&d, map);
    ck_assert_int_eq(pixGetDepth(out), 1);
    ck_assert_int_eq(sim_write_image(out, DPI, SIM_PNG, png, &e), 0);
    back = pixRead(png);
    g = pixConvertTo8(back, 0);
    h = pixGetGrayHistogram(g, 1);
    for (int v = 1; v < 255; v++) {
        l_float32 c;
        numaGetFValue(h, v, &c);
        ck_assert_msg(c == 0, "grey %d present", v);
    }
    /* TIFF of a 1-bit page is G4 */
    ck_assert_int_eq(sim_write_image(out, DPI, SIM_TIFF, tif, &e), 0);
    findFileFormat(tif, &fmt);
    ck_assert_int_eq(fmt, IFF_TIFF_G4);
    fp = fopen(tif, "rb");
    findTiffCompression(fp, &comp);
    fclose(fp);
    ck_assert_int_eq(comp, IFF_TIFF_G4);
    numaDestroy(&h);
    pixDestroy(&g);
    pixDestroy(&back);
    pixDestroy(&out);
    free(png);
    free(tif);
}
END_TEST

/* Mean and stdev of grey in a white margin strip (x 2..12 mm, y 100..200 mm). */
static void margin_stats(PIX *pix, double *mean, double *sd)
{
    double s = 0, s2 = 0;
    long n = 0;

    for (int y = (int)(100 * DPI / 25.4); y < (int)(200 * DPI / 25.4); y++)
        for (int x = (int)(2 * DPI / 25.4); x < (int)(12 * DPI / 25.4); x++) {
            int v = grey_at(pix, x, y);
            s += v;
            s2 += (double)v * v;
            n++;
        }
    *mean = s / n;
    *sd = sqrt(s2 / n - *mean * *mean);
}

START_TEST(noise_blur_jpeg_measurable)
{
    struct sim_damage d;
    double map[6], mean, sd, ax, ay;
    PIX *out;
    long mid_clean = 0, mid_blur = 0;
    l_int32 same = 1;

    sim_damage_clean(&d);
    d.noise = 12;
    out = scan(&d, map);
    margin_stats(paper, &mean, &sd);
    ck_assert_double_lt(sd, 0.5);
    margin_stats(out, &mean, &sd);
    ck_assert_msg(sd > 4 && sd < 12, "noise sd %.2f", sd);   /* half clipped at 255 */
    pixDestroy(&out);

    /* blur: more in-between greys around the top-left mark */
    sim_damage_clean(&d);
    d.blur = 2;
    out = scan(&d, map);
    map_pt(clean_map, 19, 19, &ax, &ay);
    for (int y = (int)ay - 40; y < (int)ay + 40; y++)
        for (int x = (int)ax - 40; x < (int)ax + 40; x++) {
            mid_clean += grey_at(paper, x, y) > 40 && grey_at(paper, x, y) < 215;
            mid_blur += grey_at(out, x, y) > 40 && grey_at(out, x, y) < 215;
        }
    ck_assert_msg(mid_blur > 3 * mid_clean, "blur %ld vs %ld", mid_blur, mid_clean);
    pixDestroy(&out);

    /* JPEG at quality 40: changed, but only by artefacts */
    sim_damage_clean(&d);
    d.jpeg_quality = 40;
    out = scan(&d, map);
    pixEqual(out, paper, &same);
    ck_assert(!same);
    {
        l_float32 fract = 0, diff = 0;
        pixGetDifferenceStats(out, paper, 1, 1, &fract, &diff, 0);
        diff *= fract;   /* mean over all pixels, not only the changed ones */
        ck_assert_msg(diff > 0.05 && diff < 6, "jpeg mean diff %.2f", diff);
    }
    pixDestroy(&out);
}
END_TEST

START_TEST(fold_and_stamp_on_paper)
{
    struct sim_damage d;
    double map[6], x, y, r;
    PIX *out;
    long darker = 0;
    const struct forms_field *fld;

    /* a dark fold at 120 mm: the margin row there is darker */
    sim_damage_clean(&d);
    d.fold = SIM_FOLD_DARK;
    d.fold_y_mm = 120;
    out = scan(&d, map);
    map_pt(clean_map, 5, 120, &x, &y);
    ck_assert_int_lt(grey_at(out, (int)x, (int)y), 200);
    ck_assert_int_eq(grey_at(paper, (int)x, (int)y), 255);
    ck_assert_int_eq(grey_at(out, (int)x, (int)y - 20), 255);
    pixDestroy(&out);

    /* a stamp over a field box of the page, recorded */
    sim_damage_clean(&d);
    d.stamp = 1;
    d.stamp_x_mm = -1;
    d.stamp_r_mm = 10;
    out = scan(&d, map);
    ck_assert_str_ne(d.stamp_field, "");
    fld = forms_field_find(form4m, d.stamp_field);
    ck_assert_ptr_nonnull(fld);
    ck_assert_int_eq(fld->page, 1);
    map_pt(clean_map, d.stamp_x_mm, d.stamp_y_mm, &x, &y);
    r = d.stamp_r_mm * DPI / 25.4;
    for (int py = (int)(y - r); py <= (int)(y + r); py++)
        for (int px = (int)(x - r); px <= (int)(x + r); px++)
            darker += grey_at(out, px, py) < grey_at(paper, px, py) - 40;
    /* the ring alone is 2*pi*r*0.7 mm */
    ck_assert_msg(darker > 2 * M_PI * r * 0.5 * DPI / 25.4, "stamp %ld px", darker);
    pixDestroy(&out);
}
END_TEST

START_TEST(profiles_in_bounds)
{
    struct sim_damage d;
    int upside = 0, bits = 0, stamps = 0;
    enum sim_profile p;
    struct berr e;

    sim_damage_random(&d, SIM_CLEAN, 5);
    ck_assert(d.skew_deg == 0 && d.scale == 1 && !d.upside_down && d.noise == 0 && !d.stamp);
    for (uint64_t s = 1; s <= 200; s++) {
        sim_damage_random(&d, SIM_OFFICE, s);
        ck_assert(fabs(d.skew_deg) <= 1 && d.scale >= 0.94 && d.scale <= 1);
        ck_assert(d.jpeg_quality == 0 || (d.jpeg_quality >= 40 && d.jpeg_quality <= 80));
        ck_assert(!(d.threshold && d.jpeg_quality));
        ck_assert_int_eq(d.threshold, 0);      /* set to greyscale, as intake asks */
        sim_damage_random(&d, SIM_HARSH, s);
        ck_assert(fabs(d.skew_deg) <= 3 && d.scale >= 0.94 && d.scale <= 1);
        ck_assert(d.jpeg_quality == 0 || (d.jpeg_quality >= 40 && d.jpeg_quality <= 80));
        upside += d.upside_down;
        bits += d.threshold > 0;
        stamps += d.stamp;
    }
    ck_assert(upside > 20 && bits > 20 && stamps > 20);
    ck_assert_int_eq(sim_profile_parse("harsh", &p, &e), 0);
    ck_assert_int_eq(p, SIM_HARSH);
    ck_assert_int_eq(sim_profile_parse("awful", &p, &e), BERR_INVALID);
}
END_TEST

/* ---- truth of tricky marks and given values -------------------------- */

START_TEST(tricky_marks_go_to_review)
{
    struct sim_fill_opts o;
    struct sim_sheet *s = NULL;
    struct berr e;
    PIX **pages = NULL;
    int faint = 0, corrected = 0, stray = 0;
    const struct sim_truth *t;

    sim_fill_opts_init(&o);
    o.seed = 5;
    o.tricky_pct = 100;
    o.blank_pct = 0;
    ck_assert_msg(sim_fill(form4m, NULL, key, &o, &s, &e) == 0, "%s", e.msg);
    ck_assert_msg(sim_sheet_render(s, DPI, &pages, &e) == 0, "%s", e.msg);
    t = sim_sheet_truth(s);
    for (size_t i = 0; i < t->n_fields; i++) {
        const struct sim_field_truth *ft = &t->fields[i];
        const struct forms_field *fld = ft->field;
        if (fld->kind != FORMS_CHOICE && fld->kind != FORMS_MULTI)
            continue;
        if (ft->value == NULL)
            continue;
        ck_assert_msg(ft->how == SIM_HOW_FAINT || ft->how == SIM_HOW_STRAY ||
                      ft->how == SIM_HOW_CORRECTED, "%s: %s", fld->name, sim_how_name(ft->how));
        ck_assert_int_eq(ft->review, 1);
        if (ft->how == SIM_HOW_CORRECTED) {
            const struct forms_box *b;
            corrected++;
            ck_assert_ptr_nonnull(ft->crossed_out);
            ck_assert_str_ne(ft->crossed_out, ft->value);
            /* the scribbled-out box is dark all over */
            b = &fld->options[forms_option_find(fld, ft->crossed_out)].box;
            ck_assert_double_gt(dark_fraction(pages[fld->page - 1], clean_map, b->x + 0.6,
                                              b->y + 0.6, b->w - 1.2, b->h - 1.2), 0.6);
        }
        if (ft->how == SIM_HOW_FAINT) {
            /* light grey ink in the box: no black pixel, some grey ones */
            const struct forms_box *b = &fld->options[forms_option_find(fld, ft->value)].box;
            int minv = 255;
            double x0, y0;
            faint++;
            map_pt(clean_map, b->x + 0.6, b->y + 0.6, &x0, &y0);
            for (int y = (int)y0; y < (int)(y0 + (b->h - 1.2) * DPI / 25.4); y++)
                for (int x = (int)x0; x < (int)(x0 + (b->w - 1.2) * DPI / 25.4); x++)
                    if (grey_at(pages[fld->page - 1], x, y) < minv)
                        minv = grey_at(pages[fld->page - 1], x, y);
            ck_assert_msg(minv > 110 && minv < 230, "%s: faint min grey %d", fld->name, minv);
        }
        stray += ft->how == SIM_HOW_STRAY;
    }
    ck_assert(faint > 0 && corrected > 0 && stray > 0);
    for (int k = 0; k < form4m->pages; k++)
        pixDestroy(&pages[k]);
    free(pages);
    sim_sheet_free(&s);
}
END_TEST

START_TEST(given_values_are_used)
{
    const struct forms_form *f = forms_registry_get(reg, "seimitsu_houkoku", 0);
    const char *vals[64] = { NULL };
    struct sim_fill_opts o;
    struct sim_sheet *s = NULL;
    struct berr e;
    const struct sim_truth *t;
    const struct sim_field_truth *ft;
    struct form_fill fill = { .subject = "000123456789", .issue_id = "I2026-000042",
                              .name = "山田 花子", .birth = { 2024, 5, 6 } };

    ck_assert_ptr_nonnull(f);
    ck_assert_int_lt(f->n_fields, 64);
    vals[forms_field_index(f, "jushin_date")] = "R7.3.5";
    vals[forms_field_index(f, "iryokikan")] = "1";
    vals[forms_field_index(f, "shindan")] = "ijonashi";
    sim_fill_opts_init(&o);
    o.values = vals;
    ck_assert_msg(sim_fill(f, &fill, key, &o, &s, &e) == 0, "%s", e.msg);
    t = sim_sheet_truth(s);
    ck_assert_str_eq(t->subject, "000123456789");
    ck_assert_str_eq(t->issue, "I2026-000042");
    ft = &t->fields[forms_field_index(f, "jushin_date")];
    ck_assert_str_eq(ft->value, "2025-03-05");
    ck_assert_int_eq(ft->how, SIM_HOW_DIGITS);
    ck_assert(strcmp(ft->date_parts[1], "07") == 0 || strcmp(ft->date_parts[1], " 7") == 0);
    ft = &t->fields[forms_field_index(f, "name")];
    ck_assert_str_eq(ft->value, "山田 花子");
    ck_assert_int_eq(ft->how, SIM_HOW_PRINTED);
    ft = &t->fields[forms_field_index(f, "shindan")];
    ck_assert_str_eq(ft->value, "ijonashi");
    ck_assert_int_ne(ft->how, SIM_HOW_BLANK);
    ft = &t->fields[forms_field_index(f, "shoken")];
    ck_assert_ptr_null(ft->value);
    ck_assert_int_eq(ft->how, SIM_HOW_BLANK);
    sim_sheet_free(&s);

    /* a value that does not parse is refused */
    vals[forms_field_index(f, "jushin_date")] = "R7.2.30";
    ck_assert_int_eq(sim_fill(f, &fill, key, &o, &s, &e), BERR_INVALID);
    ck_assert_ptr_null(s);
}
END_TEST

/* ---- batch formats and the command ----------------------------------- */

START_TEST(multipage_tiff_batch)
{
    const struct forms_form *forms[1] = { forms_registry_get(reg, "seimitsu_houkoku", 0) };
    struct sim_batch_opts bo;
    struct berr e;
    char *out = tl_path(dir, "tif"), *batch = tl_path(out, "batch.tif");
    FILE *fp;
    l_int32 n = 0;

    sim_batch_opts_init(&bo);
    bo.forms = forms;
    bo.n_forms = 1;
    bo.pages = 3;
    bo.dpi = DPI;
    bo.key = key;
    bo.format = SIM_TIFF;
    bo.multipage = 1;
    bo.profile = SIM_HARSH;
    bo.dir = out;
    ck_assert_msg(sim_batch(&bo, NULL, &e) == 3, "%s", e.msg);
    ck_assert_int_eq(count_files(out, ".tif"), 4);
    fp = fopen(batch, "rb");
    ck_assert_ptr_nonnull(fp);
    tiffGetCount(fp, &n);
    fclose(fp);
    ck_assert_int_eq(n, 3);
    free(batch);
    free(out);
}
END_TEST

START_TEST(cli_demo_scan)
{
    char *out = tl_path(dir, "cli"), *csv = tl_path(dir, "issues.csv"), *out2 = tl_path(dir, "cli2");
    char *p1 = tl_path(out2, "page-0001.truth.json");
    struct tl_result r;
    const char *ok[] = { tl_boshi(), "demo", "scan", "--forms", "nyuyoji_3y", "--pages", "3",
                         "--profile", "office", "--dpi", "200", "--format", "jpeg", "--seed", "4",
                         "-o", out, NULL };
    const char *no_out[] = { tl_boshi(), "demo", "scan", "--pages", "1", NULL };
    const char *bad_profile[] = { tl_boshi(), "demo", "scan", "--profile", "awful", "-o", out, NULL };
    const char *bad_form[] = { tl_boshi(), "demo", "scan", "--forms", "nosuch", "-o", out, NULL };
    const char *issues[] = { tl_boshi(), "demo", "scan", "--from-issues", csv, "--pages", "1",
                             "--dpi", "200", "-o", out2, NULL };
    static const char rows[] = "form,subject,issue,name,kana,birth\n"
                               "nyuyoji_4m,000000000042,I2025-000007,森 さくら,モリ サクラ,2024-12-01\n";
    json_t *j;

    tl_run(&r, NULL, NULL, ok);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    ck_assert_int_eq(count_files(out, ".jpg"), 3);
    ck_assert_int_eq(count_files(out, ".truth.json"), 3);
    tl_run(&r, NULL, NULL, no_out);
    ck_assert_int_eq(r.status, 2);
    tl_result_free(&r);
    tl_run(&r, NULL, NULL, bad_profile);
    ck_assert_int_ne(r.status, 0);
    tl_result_free(&r);
    tl_run(&r, NULL, NULL, bad_form);
    ck_assert_int_ne(r.status, 0);
    tl_result_free(&r);
    ck_assert_int_eq(tl_write_file(csv, rows, strlen(rows)), 0);
    tl_run(&r, NULL, NULL, issues);
    ck_assert_msg(r.status == 0, "%s", r.err);
    tl_result_free(&r);
    j = load_json(p1);
    ck_assert_str_eq(json_string_value(json_object_get(j, "subject")), "000000000042");
    ck_assert_str_eq(json_string_value(json_object_get(j, "issue")), "I2025-000007");
    json_decref(j);
    free(p1);
    free(out);
    free(out2);
    free(csv);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("demo_sim");
    TCase *tc = tcase_create("sim");

    tcase_add_unchecked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, every_form_filled_and_scanned);
    tcase_add_test(tc, qr_decodes_and_verifies);
    tcase_add_test(tc, deterministic);
    tcase_add_test(tc, clean_is_identity);
    tcase_add_test(tc, skew_moves_marks_as_mapped);
    tcase_add_test(tc, shift_moves_marks);
    tcase_add_test(tc, scale_shrinks_mark_distance);
    tcase_add_test(tc, upside_down_puts_qr_bottom_left);
    tcase_add_test(tc, threshold_gives_one_bit);
    tcase_add_test(tc, noise_blur_jpeg_measurable);
    tcase_add_test(tc, fold_and_stamp_on_paper);
    tcase_add_test(tc, profiles_in_bounds);
    tcase_add_test(tc, tricky_marks_go_to_review);
    tcase_add_test(tc, given_values_are_used);
    tcase_add_test(tc, multipage_tiff_batch);
    tcase_add_test(tc, cli_demo_scan);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
