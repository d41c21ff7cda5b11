/*
 * register.c: a loaded page -> a registered page.  Measures skew, tries the
 * orientations the image's shape allows, finds the registration squares in
 * windows around their expected places, fits a least-squares affine map
 * mm -> px and checks it is a plausible print; decodes the QR (which also
 * decides 0 vs 180 degrees) and verifies its signature in ocr_qr().
 *
 * The image itself is never rotated or warped: orientation, skew, shift
 * and printer scale all live in the map, and fields are sampled through it
 * (ocr_crop_grey), which is cheaper than warping a whole page.
 *
 * Not for: reading fields (field.c, reader.c).
 */
#include "ocr/ocr-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
/* Search radius around a mark's expected place: covers +-3 degrees of skew
 * left after deskew errors, 6 % printer shrink and a few mm of shift. */
#define SEARCH_MM 20.0
#define MAX_RESIDUAL_MM 0.5
#define MIN_SCALE 0.85
#define MAX_SCALE 1.08
#define MAX_ANISO 0.015         /* |sx - sy| / scale: printers and scanners stay under 1 % */
#define MAX_SHEAR 0.015         /* cosine of the angle between the mapped axes */
#define QR_MARGIN_MM 3.0

static const char *const mark_names[4] = { "左上", "右上", "左下", "右下" };

struct fit {
    int ok;                     /* passes every check */
    double map[6];
    int n;
    unsigned mask;
    double residual, max_err, scale, aniso, shear;
    char why[1024];              /* reason when !ok */
};

/* Solves the 3x3 system a x = b by Cramer's rule; 0 on success. */
static int solve3(const double a[3][3], const double b[3], double x[3])
{
    double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
               - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
               + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);

    if (fabs(det) < 1e-12)
        return -1;
    for (int k = 0; k < 3; k++) {
        double m[3][3];

        memcpy(m, a, sizeof(m));
        for (int r = 0; r < 3; r++)
            m[r][k] = b[r];
        x[k] = (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
              - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
              + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])) / det;
    }
    return 0;
}

/* Least-squares affine from the marks in mask: mm[i] -> px[i]. */
static int fit_affine(const double mm[4][2], const double px[4][2], unsigned mask,
                      double map[6])
{
    double ata[3][3] = {{0}}, bx[3] = {0}, by[3] = {0};

    for (int i = 0; i < 4; i++) {
        double row[3] = { mm[i][0], mm[i][1], 1 };

        if (!(mask & (1u << i)))
            continue;
        for (int r = 0; r < 3; r++) {
            for (int c = 0; c < 3; c++)
                ata[r][c] += row[r] * row[c];
            bx[r] += row[r] * px[i][0];
            by[r] += row[r] * px[i][1];
        }
    }
    if (solve3(ata, bx, map) != 0 || solve3(ata, by, map + 3) != 0)
        return -1;
    return 0;
}

static void fit_check(struct fit *f, const double mm[4][2], const double px[4][2],
                      double px_per_mm, const char *name)
{
    double a = f->map[0], b = f->map[1], d = f->map[3], ee = f->map[4], sum2 = 0;
    double c1 = sqrt(a * a + d * d), c2 = sqrt(b * b + ee * ee);
    double sx = c1 / px_per_mm, sy = c2 / px_per_mm;

    f->max_err = 0;
    for (int i = 0; i < 4; i++) {
        double qx, qy, dist;

        if (!(f->mask & (1u << i)))
            continue;
        ocr_map_pt(f->map, mm[i][0], mm[i][1], &qx, &qy);
        dist = hypot(qx - px[i][0], qy - px[i][1]);
        sum2 += dist * dist;
        if (dist > f->max_err)
            f->max_err = dist;
    }
    f->residual = sqrt(sum2 / f->n);
    f->scale = (sx + sy) / 2;
    f->aniso = fabs(sx - sy) / f->scale;
    f->shear = fabs(a * b + d * ee) / (c1 * c2);
    f->ok = 0;
    if (a * ee - b * d <= 0)
        snprintf(f->why, sizeof(f->why), "%s: 位置合わせマークの並びが鏡像になっています"
                 "（裏返しの画像か、別の様式です）", name);
    else if (f->residual > MAX_RESIDUAL_MM * px_per_mm)
        snprintf(f->why, sizeof(f->why), "%s: 位置合わせマークの配置が様式と合いません"
                 "（誤差%.1fピクセル、許容%.1fピクセル）。用紙のゆがみか別の様式です", name,
                 f->residual, MAX_RESIDUAL_MM * px_per_mm);
    else if (f->scale < MIN_SCALE || f->scale > MAX_SCALE || f->aniso > MAX_ANISO
             || f->shear > MAX_SHEAR)
        snprintf(f->why, sizeof(f->why), "%s: 位置合わせの結果が印刷として不自然です"
                 "（倍率%.3f、縦横の倍率差%.3f、ゆがみ%.3f）", name, f->scale, f->aniso,
                 f->shear);
    else
        f->ok = 1;
}

/*
 * The darkness-weighted centre of the mark whose component box is
 * (bx, by, bw, bh) in the grey image, and the median grey of its middle.
 */
static void mark_refine(PIX *grey, int paper, int bx, int by, int bw, int bh, double *cx,
                        double *cy, int *inside)
{
    int w = pixGetWidth(grey), h = pixGetHeight(grey), wpl = pixGetWpl(grey), pad = 3;
    int x0 = bx - pad, y0 = by - pad, x1 = bx + bw + pad, y1 = by + bh + pad;
    l_uint32 *data = pixGetData(grey);
    double hi = paper * 0.85, lo = paper * 0.35, sw = 0, sx = 0, sy = 0;
    int hist[256] = {0}, cnt = 0, acc = 0;

    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > w ? w : x1;
    y1 = y1 > h ? h : y1;
    for (int y = y0; y < y1; y++) {
        const l_uint32 *row = data + (size_t)y * (size_t)wpl;

        for (int x = x0; x < x1; x++) {
            int v = GET_DATA_BYTE(row, x);
            double wt = (hi - v) / (hi - lo);

            wt = wt < 0 ? 0 : wt > 1 ? 1 : wt;
            sw += wt;
            sx += wt * (x + 0.5);
            sy += wt * (y + 0.5);
            if (x >= bx + bw / 4 && x < bx + bw * 3 / 4 && y >= by + bh / 4
                && y < by + bh * 3 / 4) {
                hist[v]++;
                cnt++;
            }
        }
    }
    *cx = sw > 0 ? sx / sw : bx + bw / 2.0;
    *cy = sw > 0 ? sy / sw : by + bh / 2.0;
    *inside = 0;
    for (int v = 0; v < 256; v++) {
        acc += hist[v];
        if (acc * 2 >= cnt) {
            *inside = v;
            break;
        }
    }
}

/*
 * Looks for a solid square of side `side` px (any printer scale within
 * MIN_SCALE..MAX_SCALE, a few degrees of rotation) in the window of radius
 * `radius` around (ex, ey); picks the one nearest (ex, ey).
 */
static int mark_find(PIX *grey, int paper, double ex, double ey, double side, double radius,
                     double *cx, double *cy, int *inside)
{
    int w = pixGetWidth(grey), h = pixGetHeight(grey), found = 0;
    int x0 = (int)(ex - radius), y0 = (int)(ey - radius);
    int x1 = (int)(ex + radius), y1 = (int)(ey + radius);
    double best = 1e30;
    BOX *win = NULL;
    PIX *crop = NULL, *bin = NULL;
    BOXA *boxa = NULL;
    PIXA *pixa = NULL;
    l_int32 *tab = makePixelSumTab8();
    int bbx = 0, bby = 0, bbw = 0, bbh = 0;

    x0 = x0 < 0 ? 0 : x0;
    y0 = y0 < 0 ? 0 : y0;
    x1 = x1 > w ? w : x1;
    y1 = y1 > h ? h : y1;
    if (x1 - x0 < side / 2 || y1 - y0 < side / 2)
        goto cleanup;
    win = boxCreate(x0, y0, x1 - x0, y1 - y0);
    crop = pixClipRectangle(grey, win, NULL);
    if (crop == NULL)
        goto cleanup;
    bin = ocr_threshold(crop, paper / 2);
    if (bin == NULL)
        goto cleanup;
    boxa = pixConnComp(bin, &pixa, 8);
    if (boxa == NULL)
        goto cleanup;
    for (int i = 0; i < boxaGetCount(boxa); i++) {
        l_int32 bx, by, bw, bh, count = 0;
        PIX *comp;
        double fill, dist;

        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        if (bw < 0.8 * MIN_SCALE * side || bh < 0.8 * MIN_SCALE * side
            || bw > 1.15 * MAX_SCALE * side || bh > 1.15 * MAX_SCALE * side
            || abs(bw - bh) > 0.15 * side)
            continue;
        comp = pixaGetPix(pixa, i, L_CLONE);
        pixCountPixels(comp, &count, tab);
        pixDestroy(&comp);
        fill = (double)count / ((double)bw * bh);
        if (fill < 0.75)
            continue;
        dist = hypot(x0 + bx + bw / 2.0 - ex, y0 + by + bh / 2.0 - ey);
        if (dist < best) {
            best = dist;
            bbx = x0 + bx;
            bby = y0 + by;
            bbw = bw;
            bbh = bh;
            found = 1;
        }
    }
    if (found)
        mark_refine(grey, paper, bbx, bby, bbw, bbh, cx, cy, inside);
cleanup:
    lept_free(tab);
    boxDestroy(&win);
    pixDestroy(&crop);
    pixDestroy(&bin);
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    return found;
}

/* Expected pixel position of (x, y) mm under orientation + skew, centred. */
static void nominal_pt(const struct ocr_template *t, int w, int h, double k, double theta_deg,
                       double x, double y, double *px, double *py)
{
    double th = theta_deg * PI / 180, dx = (x - t->page_w / 2) * k, dy = (y - t->page_h / 2) * k;

    *px = w / 2.0 + dx * cos(th) - dy * sin(th);
    *py = h / 2.0 + dx * sin(th) + dy * cos(th);
}

/* Tries one orientation: marks, fit, checks.  Fills f. */
static void try_orientation(struct ocr_page *p, const struct ocr_template *t, int orient,
                            double skew, struct fit *f, double found[4][2], int *ink)
{
    int w = pixGetWidth(p->grey), h = pixGetHeight(p->grey), inks = 0, nink = 0;
    double k = p->dpi / OCR_MM_PER_INCH, mm[4][2];
    char missing[128] = "";

    memset(f, 0, sizeof(*f));
    for (int i = 0; i < 4; i++) {
        double ex, ey, side = (t->marks[i][2] + t->marks[i][3]) / 2 * k;
        int inside = 0;

        mm[i][0] = t->marks[i][0] + t->marks[i][2] / 2;
        mm[i][1] = t->marks[i][1] + t->marks[i][3] / 2;
        nominal_pt(t, w, h, k, orient + skew, mm[i][0], mm[i][1], &ex, &ey);
        if (mark_find(p->grey, p->paper, ex, ey, side, SEARCH_MM * k + side / 2, &found[i][0],
                      &found[i][1], &inside)) {
            f->mask |= 1u << i;
            f->n++;
            inks += inside;
            nink++;
        } else {
            size_t l = strlen(missing);

            snprintf(missing + l, sizeof(missing) - l, "%s%s", l > 0 ? "・" : "",
                     mark_names[i]);
        }
    }
    *ink = nink > 0 ? inks / nink : 0;
    if (f->n < 3) {
        snprintf(f->why, sizeof(f->why), "%s: 位置合わせマークが見つかりません（4個中%d個、"
                 "3個以上必要。見つからないマーク: %s）", p->name, f->n, missing);
        return;
    }
    if (fit_affine(mm, found, f->mask, f->map) != 0) {
        snprintf(f->why, sizeof(f->why), "%s: 位置合わせマークから変換を求められません",
                 p->name);
        return;
    }
    fit_check(f, mm, found, k, p->name);
    if (f->ok || f->n < 4)
        return;
    /* Four found but they do not fit: one may be something else.  Keep the
     * three that make the most regular map. */
    {
        struct fit best = *f, sub;
        double best_irreg = 1e30;

        for (int drop = 0; drop < 4; drop++) {
            sub = *f;
            sub.mask = f->mask & ~(1u << drop);
            sub.n = 3;
            if (fit_affine(mm, found, sub.mask, sub.map) != 0)
                continue;
            fit_check(&sub, mm, found, k, p->name);
            if (sub.ok && sub.aniso + sub.shear < best_irreg) {
                best_irreg = sub.aniso + sub.shear;
                best = sub;
            }
        }
        *f = best;
    }
}

/* Decodes the QR inside its expected box under map; returns its length or -1. */
static int qr_at_place(struct ocr_page *p, const struct ocr_template *t, const double map[6],
                       int ink, char out[OCR_TEXT_MAX])
{
    double k = p->dpi / OCR_MM_PER_INCH;
    PIX *crop = ocr_crop_grey(p->grey, map, t->qr[0] - QR_MARGIN_MM, t->qr[1] - QR_MARGIN_MM,
                              t->qr[2] + 2 * QR_MARGIN_MM, t->qr[3] + 2 * QR_MARGIN_MM, k);
    PIX *bin = NULL, *bin8 = NULL;
    int len = -1;

    if (crop == NULL)
        goto cleanup;
    bin = ocr_threshold(crop, (p->paper + ink) / 2);
    if (bin == NULL)
        goto cleanup;
    bin8 = pixConvert1To8(NULL, bin, 255, 0);
    if (bin8 == NULL)
        goto cleanup;
    len = ocr_zbar_qr(bin8, out, NULL, NULL);
    if (len < 0)
        len = ocr_zbar_qr(crop, out, NULL, NULL);
cleanup:
    pixDestroy(&crop);
    pixDestroy(&bin);
    pixDestroy(&bin8);
    return len;
}

/* The whole page, thresholded: slow (0.4 s), only when the place failed. */
static int qr_on_page(struct ocr_page *p, char out[OCR_TEXT_MAX], double *cx, double *cy)
{
    PIX *bin = ocr_threshold(p->grey, p->paper / 2), *bin8 = NULL;
    int len = -1;

    if (bin == NULL)
        goto cleanup;
    bin8 = pixConvert1To8(NULL, bin, 255, 0);
    if (bin8 == NULL)
        goto cleanup;
    len = ocr_zbar_qr(bin8, out, cx, cy);
cleanup:
    pixDestroy(&bin);
    pixDestroy(&bin8);
    return len;
}

/* Page skew in degrees, clockwise positive; 0 when unsure. */
static double page_skew(struct ocr_page *p)
{
    PIX *bin = ocr_threshold(p->grey, p->paper / 2);
    l_float32 angle = 0, conf = 0;
    double skew = 0;

    if (bin == NULL)
        return 0;
    /* pixFindSkew returns the correction: the angle to rotate by to undo it. */
    if (pixFindSkew(bin, &angle, &conf) == 0 && conf >= 2.0)
        skew = -angle;
    pixDestroy(&bin);
    return skew;
}

int ocr_register(struct ocr_page *p, const struct ocr_template *t, struct ocr_registration *reg,
                 struct berr *e)
{
    int w = pixGetWidth(p->grey), h = pixGetHeight(p->grey);
    int landscape_img = w > h, landscape_tmpl = t->page_w > t->page_h;
    int orients[2], chosen = -1, inks[2] = {0, 0}, rc = 0;
    double skew = page_skew(p), found[2][4][2], k = p->dpi / OCR_MM_PER_INCH;
    struct fit fits[2];

    ocr_lib_init();
    memset(fits, 0, sizeof(fits));
    memset(found, 0, sizeof(found));
    p->registered = 0;
    p->qr_len = -1;
    orients[0] = landscape_img == landscape_tmpl ? 0 : 90;
    orients[1] = orients[0] + 180;
    for (int i = 0; i < 2; i++) {
        try_orientation(p, t, orients[i], skew, &fits[i], found[i], &inks[i]);
        if (fits[i].ok) {
            int len = qr_at_place(p, t, fits[i].map, inks[i], p->qr);

            if (len >= 0) {
                p->qr_len = len;
                chosen = i;
                break;
            }
        }
    }
    if (chosen < 0 && (fits[0].ok || fits[1].ok)) {
        double cx = 0, cy = 0, best = 15.0 * k;
        int len = qr_on_page(p, p->qr, &cx, &cy);

        for (int i = 0; i < 2 && len >= 0; i++) {
            double qx, qy;

            if (!fits[i].ok)
                continue;
            ocr_map_pt(fits[i].map, t->qr[0] + t->qr[2] / 2, t->qr[1] + t->qr[3] / 2, &qx, &qy);
            if (hypot(qx - cx, qy - cy) < best) {
                best = hypot(qx - cx, qy - cy);
                chosen = i;
                p->qr_len = len;
            }
        }
        if (chosen < 0)                 /* no QR where one belongs: register, no QR */
            chosen = fits[0].ok ? 0 : 1;
    }
    if (chosen < 0) {
        const struct fit *f = fits[1].n > fits[0].n ? &fits[1] : &fits[0];

        rc = berr_set(e, BERR_INVALID, "%s", f->why);
        goto cleanup;
    }
    memset(&p->reg, 0, sizeof(p->reg));
    p->reg.orientation = orients[chosen];
    p->reg.skew_deg = skew;
    memcpy(p->reg.map, fits[chosen].map, sizeof(p->reg.map));
    p->reg.marks_found = fits[chosen].n;
    p->reg.marks_mask = fits[chosen].mask;
    memcpy(p->reg.mark_px, found[chosen], sizeof(p->reg.mark_px));
    for (int i = 0; i < 4; i++)
        if (!(fits[chosen].mask & (1u << i)))
            p->reg.mark_px[i][0] = p->reg.mark_px[i][1] = -1;
    p->reg.residual_px = fits[chosen].n > 3 ? fits[chosen].residual : 0;
    p->reg.max_err_px = fits[chosen].n > 3 ? fits[chosen].max_err : 0;
    p->reg.scale = fits[chosen].scale;
    p->reg.qr_found = p->qr_len >= 0;
    p->ink = inks[chosen];
    p->tmpl = *t;
    p->registered = 1;
    if (reg != NULL)
        *reg = p->reg;
cleanup:
    return rc;
}

int ocr_qr(struct ocr_page *p, const unsigned char key[QRPAYLOAD_KEY_BYTES],
           struct qrpayload *out, char *raw, struct berr *e)
{
    int rc;

    if (raw != NULL)
        raw[0] = '\0';
    memset(out, 0, sizeof(*out));
    if (!p->registered)
        return berr_set(e, BERR_INVALID, "%s: 位置合わせができていないページです", p->name);
    if (p->qr_len < 0)
        return berr_set(e, BERR_INVALID, "%s: QRコードが見つからないか読み取れません"
                        "（様式とページを特定できません）", p->name);
    if (raw != NULL)
        memcpy(raw, p->qr, (size_t)p->qr_len + 1);
    rc = qrpayload_parse(p->qr, (size_t)p->qr_len, key, out, e);
    if (rc < 0)
        berr_prefix(e, "%s: ", p->name);
    return rc;
}

int ocr_qr_others(struct ocr_page *p, char first[OCR_TEXT_MAX])
{
    /* the page at half size, thresholded: a code of 0.5 mm modules keeps 2 px a module at 200 dpi */
    PIX *half = pixScaleAreaMap2(p->grey), *bin = NULL, *bin8 = NULL;
    int n = 0;

    first[0] = '\0';
    if (half == NULL)
        goto cleanup;
    bin = ocr_threshold(half, p->paper / 2);
    if (bin == NULL)
        goto cleanup;
    bin8 = pixConvert1To8(NULL, bin, 255, 0);
    if (bin8 == NULL)
        goto cleanup;
    /* half size only: the full page would cost 0.4 s on every page */
    n = ocr_zbar_qr_others(bin8, p->qr_len >= 0 ? p->qr : NULL, first);
cleanup:
    pixDestroy(&half);
    pixDestroy(&bin);
    pixDestroy(&bin8);
    return n;
}
