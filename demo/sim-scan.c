/*
 * sim-scan.c: the scanner half of the simulator (see sim.h) - damage
 * profiles, paper damage (stamp, fold), the scanner's geometry as ONE
 * affine map sampled bilinearly (so the mm -> pixel truth is exact by
 * construction, as in the ocr tests' degrader), optics (blur), sensor
 * noise, JPEG artefacts, 1-bit threshold, and writing PNG/JPEG/TIFF.
 * Not for: what is on the paper (sim.c) or batches (sim-batch.c).
 */
#include "demo/sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

static const char *const profile_names[SIM_PROFILE_COUNT] = { "clean", "office", "harsh" };
static const char *const format_names[SIM_FORMAT_COUNT] = { "png", "jpeg", "tiff" };
static const char *const format_exts[SIM_FORMAT_COUNT] = { "png", "jpg", "tif" };

const char *sim_profile_name(enum sim_profile p)
{
    return p >= 0 && p < SIM_PROFILE_COUNT ? profile_names[p] : NULL;
}

int sim_profile_parse(const char *name, enum sim_profile *out, struct berr *e)
{
    for (int i = 0; i < SIM_PROFILE_COUNT; i++)
        if (name != NULL && strcmp(name, profile_names[i]) == 0) {
            *out = (enum sim_profile)i;
            return 0;
        }
    return berr_set(e, BERR_INVALID, "損傷の種類 \"%s\" はありません (clean, office, harsh)",
                    name ? name : "");
}

const char *sim_format_name(enum sim_format f)
{
    return f >= 0 && f < SIM_FORMAT_COUNT ? format_names[f] : NULL;
}

const char *sim_format_ext(enum sim_format f)
{
    return f >= 0 && f < SIM_FORMAT_COUNT ? format_exts[f] : NULL;
}

int sim_format_parse(const char *name, enum sim_format *out, struct berr *e)
{
    for (int i = 0; i < SIM_FORMAT_COUNT; i++)
        if (name != NULL && strcmp(name, format_names[i]) == 0) {
            *out = (enum sim_format)i;
            return 0;
        }
    if (name != NULL && (strcmp(name, "jpg") == 0 || strcmp(name, "tif") == 0)) {
        *out = name[1] == 'p' ? SIM_JPEG : SIM_TIFF;
        return 0;
    }
    return berr_set(e, BERR_INVALID, "画像形式 \"%s\" は扱えません (png, jpeg, tiff)",
                    name ? name : "");
}

/* ---- damage ---------------------------------------------------------- */

void sim_damage_clean(struct sim_damage *d)
{
    memset(d, 0, sizeof(*d));
    d->scale = 1.0;
}

void sim_damage_random(struct sim_damage *d, enum sim_profile p, uint64_t seed)
{
    struct sim_rng r;
    int harsh = p == SIM_HARSH;

    sim_damage_clean(d);
    if (p == SIM_CLEAN)
        return;
    sim_rng_seed(&r, seed, 7);
    d->skew_deg = harsh ? sim_rng_uniform(&r, -3, 3) : sim_rng_uniform(&r, -1, 1);
    if (harsh || sim_rng_pct(&r, 30))
        d->scale = sim_rng_uniform(&r, 0.94, 1.0);
    d->shift_x_mm = sim_rng_uniform(&r, harsh ? -5 : -2, harsh ? 5 : 2);
    d->shift_y_mm = sim_rng_uniform(&r, harsh ? -5 : -2, harsh ? 5 : 2);
    d->upside_down = sim_rng_pct(&r, harsh ? 30 : 10);
    d->noise = harsh ? sim_rng_uniform(&r, 8, 16) : sim_rng_uniform(&r, 2, 6);
    if (sim_rng_pct(&r, harsh ? 50 : 30))
        d->blur = harsh ? sim_rng_int(&r, 1, 2) : 1;
    /*
     * Black and white: the harsh scanner writes a 1-bit file (intake refuses
     * it by default); the office one is set to greyscale, as intake asks
     * (the draws are kept, so the rest of each page's damage is as before).
     */
    if (sim_rng_pct(&r, harsh ? 35 : 15)) {
        int t = sim_rng_int(&r, harsh ? 110 : 128, harsh ? 170 : 150);
        if (harsh)
            d->threshold = t;
    }
    else if (sim_rng_pct(&r, harsh ? 60 : 40))
        d->jpeg_quality = harsh ? sim_rng_int(&r, 40, 60) : sim_rng_int(&r, 60, 80);
    if (sim_rng_pct(&r, harsh ? 40 : 10)) {
        d->fold = sim_rng_pct(&r, 50) ? SIM_FOLD_DARK : SIM_FOLD_LIGHT;
        d->fold_y_mm = sim_rng_uniform(&r, 90, 210);
        d->fold_angle_deg = sim_rng_uniform(&r, -1.5, 1.5);
    }
    if (sim_rng_pct(&r, harsh ? 40 : 15)) {
        d->stamp = 1;
        d->stamp_x_mm = -1;      /* over a field box: sim_scan() picks it */
        d->stamp_r_mm = sim_rng_uniform(&r, 8, 11);
    }
}

/* ---- paper damage ---------------------------------------------------- */

/* A box of the field on page, to put a stamp over; 0 if the field has none. */
static int field_box(const struct forms_field *fld, struct forms_box *b)
{
    if (fld->has_box) {
        *b = fld->box;
        return 1;
    }
    if (fld->kind == FORMS_DATE) {
        *b = fld->year.box;
        return 1;
    }
    if (fld->n_options > 0) {
        *b = fld->options[0].box;
        return 1;
    }
    return 0;
}

static void pick_stamp_place(const struct forms_form *f, int page, struct sim_damage *d,
                             struct sim_rng *r)
{
    size_t cand[512], n = 0;
    struct forms_box b = { 0, 0, 0, 0 };

    for (size_t i = 0; i < f->n_fields && n < 512; i++)
        if (f->fields[i].page == page && field_box(&f->fields[i], &b))
            cand[n++] = i;
    if (n == 0) {
        d->stamp_x_mm = f->page_w * 0.6;
        d->stamp_y_mm = f->page_h * 0.5;
        d->stamp_field[0] = '\0';
        return;
    }
    n = cand[sim_rng_int(r, 0, (int)n - 1)];
    field_box(&f->fields[n], &b);
    d->stamp_x_mm = b.x + sim_rng_uniform(r, 0, b.w < 30 ? b.w : 30);
    d->stamp_y_mm = b.y + b.h / 2 + sim_rng_uniform(r, -3, 3);
    snprintf(d->stamp_field, sizeof(d->stamp_field), "%s", f->fields[n].name);
}

/*
 * A round receipt stamp: ring, a bar, "RECEIVED" and a date, in the grey a
 * red ink scans as, laid over the paper like translucent ink (multiplied).
 */
static int draw_stamp(PIX *pix, int dpi, const struct sim_damage *d, struct berr *e)
{
    double k = dpi / 25.4, r = d->stamp_r_mm * k, ring = 0.7 * k;
    int side = (int)ceil(2 * r) + 4, x0 = (int)lround(d->stamp_x_mm * k - side / 2.0);
    int y0 = (int)lround(d->stamp_y_mm * k - side / 2.0), w = pixGetWidth(pix);
    int h = pixGetHeight(pix), wpl = pixGetWpl(pix), swpl, rc = 0, tw = 0;
    const char *lines[2] = { "RECEIVED", "2025.04.01" };
    l_uint32 *data = pixGetData(pix), *sdata;
    L_BMF *bmf = NULL;
    PIX *st = pixCreate(side, side, 8);

    if (st == NULL)
        return berr_set(e, BERR_FAIL, "印影を作れません");
    pixSetAllArbitrary(st, 255);
    sdata = pixGetData(st);
    swpl = pixGetWpl(st);
    for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++) {
            double dx = x - side / 2.0, dy = y - side / 2.0, dist = hypot(dx, dy);
            if ((dist <= r && dist >= r - ring) ||
                (fabs(dy) < ring / 2 && fabs(dx) < r * 0.85))
                SET_DATA_BYTE(sdata + (size_t)y * (size_t)swpl, x, 0);
        }
    bmf = bmfCreate(NULL, dpi >= 300 ? 8 : 6);
    if (bmf == NULL) {
        rc = berr_set(e, BERR_FAIL, "印影の文字を作れません (Leptonica bmf)");
        goto cleanup;
    }
    for (int i = 0; i < 2; i++) {
        bmfGetStringWidth(bmf, lines[i], &tw);
        pixSetTextline(st, bmf, lines[i], 0x00000000, side / 2 - tw / 2,
                       side / 2 + (i == 0 ? -(int)(ring * 2) : bmf->lineheight * 3 / 4 + (int)(ring * 2)),
                       NULL, NULL);
    }
    for (int y = 0; y < side; y++) {
        int py = y0 + y;
        if (py < 0 || py >= h)
            continue;
        for (int x = 0; x < side; x++) {
            int px = x0 + x;
            if (px < 0 || px >= w || GET_DATA_BYTE(sdata + (size_t)y * (size_t)swpl, x) >= 128)
                continue;
            l_uint32 *row = data + (size_t)py * (size_t)wpl;
            SET_DATA_BYTE(row, px, GET_DATA_BYTE(row, px) * 120 / 255);
        }
    }
cleanup:
    bmfDestroy(&bmf);
    pixDestroy(&st);
    return rc;
}

/* A crease across the paper: a dark shadow or a light (worn) line. */
static void draw_fold(PIX *pix, int dpi, const struct sim_damage *d)
{
    double k = dpi / 25.4, t = tan(d->fold_angle_deg * PI / 180);
    int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
    int half = dpi >= 300 ? 3 : 2;
    l_uint32 *data = pixGetData(pix);

    for (int x = 0; x < w; x++) {
        int yc = (int)lround(d->fold_y_mm * k + t * (x - w / 2.0));
        for (int y = yc - half; y <= yc + half; y++) {
            if (y < 0 || y >= h)
                continue;
            l_uint32 *row = data + (size_t)y * (size_t)wpl;
            int v = GET_DATA_BYTE(row, x);
            if (d->fold == SIM_FOLD_DARK)
                v = v * (150 + 20 * abs(y - yc)) / 255;
            else
                v = 255 - (255 - v) * (60 + 25 * abs(y - yc)) / 255;
            SET_DATA_BYTE(row, x, v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

/* ---- geometry -------------------------------------------------------- */

/* out = a after b, for 2x3 affine maps. */
static void compose(const double a[6], const double b[6], double out[6])
{
    double r[6];

    r[0] = a[0] * b[0] + a[1] * b[3];
    r[1] = a[0] * b[1] + a[1] * b[4];
    r[2] = a[0] * b[2] + a[1] * b[5] + a[2];
    r[3] = a[3] * b[0] + a[4] * b[3];
    r[4] = a[3] * b[1] + a[4] * b[4];
    r[5] = a[3] * b[2] + a[4] * b[5] + a[5];
    memcpy(out, r, sizeof(r));
}

static void invert(const double m[6], double out[6])
{
    double det = m[0] * m[4] - m[1] * m[3];

    out[0] = m[4] / det;
    out[1] = -m[1] / det;
    out[3] = -m[3] / det;
    out[4] = m[0] / det;
    out[2] = -(out[0] * m[2] + out[1] * m[5]);
    out[5] = -(out[3] * m[2] + out[4] * m[5]);
}

/* The paper-pixel -> image-pixel map of the scanner's geometry. */
static void scanner_map(int w, int h, int dpi, const struct sim_damage *d, double m[6])
{
    double k = dpi / 25.4, s = d->scale > 0 ? d->scale : 1.0, th = d->skew_deg * PI / 180;
    double rot[6];

    rot[0] = s * cos(th);
    rot[1] = -s * sin(th);
    rot[3] = s * sin(th);
    rot[4] = s * cos(th);
    rot[2] = w / 2.0 - (rot[0] * w / 2.0 + rot[1] * h / 2.0) + d->shift_x_mm * k;
    rot[5] = h / 2.0 - (rot[3] * w / 2.0 + rot[4] * h / 2.0) + d->shift_y_mm * k;
    if (d->upside_down) {
        double o[6] = { -1, 0, w, 0, -1, h };
        compose(o, rot, m);
    } else {
        memcpy(m, rot, sizeof(rot));
    }
}

/* Resamples src through m (src px -> out px), bilinear, white outside. */
static PIX *warp(PIX *src, const double m[6])
{
    int w = pixGetWidth(src), h = pixGetHeight(src), swpl = pixGetWpl(src), dwpl;
    l_uint32 *sdata = pixGetData(src), *ddata;
    double inv[6];
    PIX *out = pixCreate(w, h, 8);

    if (out == NULL)
        return NULL;
    invert(m, inv);
    ddata = pixGetData(out);
    dwpl = pixGetWpl(out);
    for (int y = 0; y < h; y++) {
        l_uint32 *drow = ddata + (size_t)y * (size_t)dwpl;
        double bx = inv[1] * (y + 0.5) + inv[2] - 0.5, by = inv[4] * (y + 0.5) + inv[5] - 0.5;
        for (int x = 0; x < w; x++) {
            double cx = inv[0] * (x + 0.5) + bx, cy = inv[3] * (x + 0.5) + by;
            int ix = (int)floor(cx), iy = (int)floor(cy), v = 255;
            if (ix >= 0 && iy >= 0 && ix + 1 < w && iy + 1 < h) {
                const l_uint32 *r0 = sdata + (size_t)iy * (size_t)swpl, *r1 = r0 + swpl;
                double ax = cx - ix, ay = cy - iy;
                double f = (GET_DATA_BYTE(r0, ix) * (1 - ax) + GET_DATA_BYTE(r0, ix + 1) * ax) *
                               (1 - ay) +
                           (GET_DATA_BYTE(r1, ix) * (1 - ax) + GET_DATA_BYTE(r1, ix + 1) * ax) * ay;
                v = (int)(f + 0.5);
            }
            SET_DATA_BYTE(drow, x, v);
        }
    }
    return out;
}

/* Gaussian-ish noise (sum of four uniforms) of stdev sd, in place. */
static void add_noise(PIX *pix, double sd, struct sim_rng *r)
{
    int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
    l_uint32 *data = pixGetData(pix);
    /* four 16-bit uniforms: mean 2*65535, variance 4/12 * 65536^2 */
    double scale = sd / (65536.0 * sqrt(4.0 / 12.0));

    for (int y = 0; y < h; y++) {
        l_uint32 *row = data + (size_t)y * (size_t)wpl;
        for (int x = 0; x < w; x++) {
            uint64_t u = sim_rng_next(r);
            long sum = (long)(u & 0xFFFF) + (long)((u >> 16) & 0xFFFF) +
                       (long)((u >> 32) & 0xFFFF) + (long)(u >> 48) - 2 * 65535;
            int v = GET_DATA_BYTE(row, x) + (int)lround(sum * scale);
            SET_DATA_BYTE(row, x, v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}

static int replace(PIX **pix, PIX *next, const char *what, struct berr *e)
{
    if (next == NULL)
        return berr_set(e, BERR_FAIL, "画像の処理 (%s) に失敗しました", what);
    pixDestroy(pix);
    *pix = next;
    return 0;
}

int sim_scan(PIX *paper, int dpi, const struct forms_form *f, int page, struct sim_damage *d,
             uint64_t seed, PIX **out, double map[6], struct berr *e)
{
    double k = dpi / 25.4, mm2px[6] = { k, 0, 0, 0, k, 0 }, m[6];
    int w, h, rc = 0;
    struct sim_rng r;
    PIX *pix = NULL;
    l_uint8 *jpg = NULL;
    size_t jpg_len = 0;

    *out = NULL;
    if (paper == NULL || pixGetDepth(paper) != 8)
        return berr_set(e, BERR_INVALID, "紙面の画像は 8 bpp のグレーでなければなりません");
    sim_rng_seed(&r, seed, 11);
    w = pixGetWidth(paper);
    h = pixGetHeight(paper);
    pix = pixCopy(NULL, paper);
    if (pix == NULL)
        return berr_set(e, BERR_FAIL, "画像を複製できません");
    /* on the paper */
    if (d->stamp) {
        if (d->stamp_x_mm < 0)
            pick_stamp_place(f, page, d, &r);
        rc = draw_stamp(pix, dpi, d, e);
        if (rc < 0)
            goto cleanup;
    }
    if (d->fold != SIM_FOLD_NONE)
        draw_fold(pix, dpi, d);
    /* on the glass */
    scanner_map(w, h, dpi, d, m);
    compose(m, mm2px, map);
    if (d->skew_deg != 0 || (d->scale > 0 && d->scale != 1.0) || d->shift_x_mm != 0 ||
        d->shift_y_mm != 0 || d->upside_down) {
        rc = replace(&pix, warp(pix, m), "幾何変換", e);
        if (rc < 0)
            goto cleanup;
    }
    if (d->blur > 0) {
        rc = replace(&pix, pixBlockconv(pix, d->blur, d->blur), "ぼかし", e);
        if (rc < 0)
            goto cleanup;
    }
    if (d->noise > 0)
        add_noise(pix, d->noise, &r);
    if (d->threshold > 0) {
        rc = replace(&pix, pixThresholdToBinary(pix, d->threshold), "二値化", e);
        if (rc < 0)
            goto cleanup;
    } else if (d->jpeg_quality > 0) {
        if (pixWriteMemJpeg(&jpg, &jpg_len, pix, d->jpeg_quality, 0) != 0) {
            rc = berr_set(e, BERR_FAIL, "JPEG に符号化できません");
            goto cleanup;
        }
        rc = replace(&pix, pixReadMemJpeg(jpg, jpg_len, 0, 1, NULL, 0), "JPEG", e);
        if (rc < 0)
            goto cleanup;
    }
    pixSetResolution(pix, dpi, dpi);
    *out = pix;
    pix = NULL;
cleanup:
    free(jpg);
    pixDestroy(&pix);
    return rc;
}

int sim_write_image(PIX *pix, int dpi, enum sim_format fmt, const char *path, struct berr *e)
{
    PIX *grey = NULL;
    int bad;

    pixSetResolution(pix, dpi, dpi);
    switch (fmt) {
    case SIM_PNG:
        /* zlib level 1: a scanner's speed, not an archive's size */
        pixSetZlibCompression(pix, 1);
        bad = pixWrite(path, pix, IFF_PNG);
        break;
    case SIM_JPEG:
        if (pixGetDepth(pix) == 1) {
            grey = pixConvertTo8(pix, 0);
            if (grey == NULL)
                return berr_set(e, BERR_FAIL, "%s: 画像を変換できません", path);
            pixSetResolution(grey, dpi, dpi);
        }
        bad = pixWriteJpeg(path, grey ? grey : pix, 85, 0);
        break;
    case SIM_TIFF:
        bad = pixWriteTiff(path, pix, pixGetDepth(pix) == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP, "w");
        break;
    default:
        return berr_set(e, BERR_INVALID, "画像形式が不正です");
    }
    pixDestroy(&grey);
    if (bad != 0)
        return berr_set(e, BERR_FAIL, "%s: 画像を書けません", path);
    return 0;
}
