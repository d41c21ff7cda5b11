/*
 * ocrsim.c: see ocrsim.h.  The degraded page is sampled from the clean
 * render through one affine map (bilinear), so the ground-truth map is
 * exact by construction rather than inferred from Leptonica's conventions.
 */
#include "tests/lib/ocrsim.h"
#include "reports/pdf.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PI 3.14159265358979323846

const double ocrsim_marks[4][4] = {
    { 15, 15, 8, 8 }, { 187, 15, 8, 8 }, { 15, 274, 8, 8 }, { 187, 274, 8, 8 },
};
const double ocrsim_qr[4] = { 163, 26, 22, 22 };

#define ROW1 60.0
#define ROW2 72.0
#define CB 5.0
const struct ocrsim_check ocrsim_checks[OCRSIM_NCHECKS] = {
    { 30, ROW1, CB, "empty", OCRSIM_EMPTY },
    { 45, ROW1, CB, "tick", OCRSIM_MARKED },
    { 60, ROW1, CB, "cross", OCRSIM_MARKED },
    { 75, ROW1, CB, "filled", OCRSIM_MARKED },
    { 90, ROW1, CB, "faint tick", OCRSIM_MARKED },    /* light but one whole stroke: a mark */
    { 105, ROW1, CB, "short stroke", OCRSIM_MARGINAL },
    { 120, ROW1, CB, "empty", OCRSIM_EMPTY },
    { 30, ROW2, CB, "tick", OCRSIM_MARKED },
    { 45, ROW2, CB, "empty", OCRSIM_EMPTY },
    { 60, ROW2, CB, "cross", OCRSIM_MARKED },
    { 75, ROW2, CB, "faint cross", OCRSIM_MARGINAL },
    { 90, ROW2, CB, "filled", OCRSIM_MARKED },
    { 105, ROW2, CB, "empty", OCRSIM_EMPTY },
    { 120, ROW2, CB, "tick", OCRSIM_MARKED },
};

const struct ocrsim_comb ocrsim_combs[OCRSIM_NCOMBS] = {
    { 30, 88, 60, 10, 6, "042195" },
    { 110, 88, 50, 10, 5, "  318" },
};

const struct ocrsim_name ocrsim_names[OCRSIM_NNAMES] = {
    { 30, 108, 100, 12, 1, "ヤマダ ハナコ", "ヤマダハナコ" },
    { 30, 124, 100, 12, 0, "山田 花子", "山田花子" },
    { 30, 140, 100, 12, 1, "サトウ ケンタ", "サトウケンタ" },
    { 30, 156, 100, 12, 0, "佐藤 健太", "佐藤健太" },
};

const struct ocrsim_presence ocrsim_presence[OCRSIM_NPRESENCE] = {
    { 30, 176, 150, 22, 1 },
    { 30, 202, 150, 22, 0 },
};

/* A pen stroke of width w and grey g from (x1,y1) to (x2,y2), stamped with squares. */
static void stroke(struct pdf *p, double x1, double y1, double x2, double y2, double w,
                   double g)
{
    double len = hypot(x2 - x1, y2 - y1);
    int n = (int)ceil(len / (w / 4)) + 1;

    for (int i = 0; i < n; i++) {
        double t = n > 1 ? (double)i / (n - 1) : 0;

        pdf_fill_rect(p, x1 + t * (x2 - x1) - w / 2, y1 + t * (y2 - y1) - w / 2, w, w, g);
    }
}

static void draw_check(struct pdf *p, const struct ocrsim_check *c)
{
    double x = c->x, y = c->y, s = c->size;

    pdf_checkbox(p, x, y, s, strcmp(c->what, "cross") == 0);
    if (strcmp(c->what, "tick") == 0) {
        pdf_line(p, x + 0.8, y + 2.5, x + 2.0, y + 4.1, 0.7);
        pdf_line(p, x + 2.0, y + 4.1, x + 4.4, y + 0.6, 0.7);
    } else if (strcmp(c->what, "filled") == 0) {
        pdf_fill_rect(p, x + 0.3, y + 0.3, s - 0.6, s - 0.6, 0.05);
    } else if (strcmp(c->what, "faint tick") == 0) {
        stroke(p, x + 0.8, y + 2.5, x + 2.0, y + 4.1, 0.7, 0.6);
        stroke(p, x + 2.0, y + 4.1, x + 4.4, y + 0.6, 0.7, 0.6);
    } else if (strcmp(c->what, "faint cross") == 0) {
        stroke(p, x + 0.7, y + 0.7, x + 4.3, y + 4.3, 0.6, 0.65);
        stroke(p, x + 4.3, y + 0.7, x + 0.7, y + 4.3, 0.6, 0.65);
    } else if (strcmp(c->what, "short stroke") == 0) {
        pdf_line(p, x + 1.8, y + 2.6, x + 3.2, y + 2.2, 0.6);
    }
}

int ocrsim_pdf(const char *path, const struct ocrsim_spec *spec)
{
    struct pdf *p = NULL;
    struct berr e = {0};
    int rc = -1;

    if (pdf_open(&p, &e) != 0)
        return -1;
    pdf_page_add(p, PDF_PORTRAIT);
    for (int i = 0; i < 4; i++)
        if (spec->marks & (1u << i))
            pdf_square(p, ocrsim_marks[i][0], ocrsim_marks[i][1], OCRSIM_MARK);
    if (spec->payload != NULL)
        pdf_qr(p, ocrsim_qr[0], ocrsim_qr[1], ocrsim_qr[2], spec->payload, NULL);
    pdf_text(p, PDF_GOTHIC, 14, 30, 35, "乳幼児健康診査 問診票（試験用）");
    pdf_text(p, PDF_MINCHO, 10, 30, 48, "該当する□に印をつけてください。");
    pdf_text(p, PDF_MINCHO, 9, 30, 86, "受付番号");
    pdf_text(p, PDF_MINCHO, 9, 110, 86, "体重（g）");
    pdf_comb(p, ocrsim_combs[0].x, ocrsim_combs[0].y, ocrsim_combs[0].w, ocrsim_combs[0].h,
             ocrsim_combs[0].cells, 0.3, 0.15);
    pdf_comb(p, ocrsim_combs[1].x, ocrsim_combs[1].y, ocrsim_combs[1].w, ocrsim_combs[1].h,
             ocrsim_combs[1].cells, 0.3, 0.15);
    for (int c = 0; c < OCRSIM_NCOMBS; c++) {
        const struct ocrsim_comb *cb = &ocrsim_combs[c];
        double cw = cb->w / cb->cells;

        for (int i = 0; i < cb->cells; i++) {
            char d[2] = { cb->digits[i], '\0' };

            if (d[0] != ' ')
                pdf_text_box(p, PDF_GOTHIC, 18, cb->x + i * cw + 1, cb->y + 1, cw - 2,
                             cb->h - 2, PDF_ALIGN_CENTRE, d, NULL);
        }
    }
    for (int i = 0; i < OCRSIM_NNAMES; i++) {
        const struct ocrsim_name *n = &ocrsim_names[i];

        pdf_rect(p, n->x, n->y, n->w, n->h, 0.3);
        pdf_text_box(p, n->kana ? PDF_GOTHIC : PDF_MINCHO, 16, n->x + 3, n->y + 2, n->w - 6,
                     n->h - 4, PDF_ALIGN_LEFT, n->printed, NULL);
        pdf_text(p, PDF_MINCHO, 9, n->x + n->w + 5, n->y + 7, n->kana ? "フリガナ" : "氏名");
    }
    for (int i = 0; i < OCRSIM_NPRESENCE; i++) {
        const struct ocrsim_presence *pr = &ocrsim_presence[i];

        pdf_rect(p, pr->x, pr->y, pr->w, pr->h, 0.3);
        if (pr->present)
            pdf_text_box(p, PDF_MINCHO, 14, pr->x + 4, pr->y + 5, 90, 10, PDF_ALIGN_LEFT,
                         "ミルクの飲みが悪い", NULL);
    }
    pdf_text(p, PDF_MINCHO, 9, 30, 240, "この用紙は boshi の読み取り試験のために作られたものです。");
    pdf_text(p, PDF_MINCHO, 9, 30, 246, "個人情報は含まれていません。");
    /* Grey marks last: text drawing may not reset the fill colour. */
    for (int i = 0; i < OCRSIM_NCHECKS; i++)
        draw_check(p, &ocrsim_checks[i]);
    if (pdf_save(p, path, &e) == 0)
        rc = 0;
    pdf_free(&p);
    return rc;
}

PIX *ocrsim_render(const char *pdf, int dpi, const char *tmpdir)
{
    char res[16], prefix[1024], pgm[1100];
    pid_t pid;
    int status = 0;
    PIX *pix;

    snprintf(res, sizeof(res), "%d", dpi);
    snprintf(prefix, sizeof(prefix), "%s/render-%d", tmpdir, dpi);
    snprintf(pgm, sizeof(pgm), "%s.pgm", prefix);
    pid = fork();
    if (pid < 0)
        return NULL;
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);

        /* poppler warns about libharu's ToUnicode CMap; the render is right. */
        if (devnull >= 0)
            dup2(devnull, 2);
        execlp("pdftoppm", "pdftoppm", "-r", res, "-gray", "-singlefile", pdf, prefix,
               (char *)NULL);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return NULL;
    pix = pixRead(pgm);
    unlink(pgm);
    if (pix != NULL)
        pixSetResolution(pix, dpi, dpi);
    return pix;
}

/* out = a * b for 2x3 affine maps (apply b first). */
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

PIX *ocrsim_degrade(PIX *clean, int dpi, const struct ocrsim_degrade *d, double map[6])
{
    int w = pixGetWidth(clean), h = pixGetHeight(clean), ow = w, oh = h;
    double k = dpi / 25.4, s = d->scale > 0 ? d->scale : 1.0, th = d->rotate_deg * PI / 180;
    double mm2c[6] = { k, 0, 0, 0, k, 0 }, rot[6], orient[6] = { 1, 0, 0, 0, 1, 0 };
    double c2o[6], inv[6];
    l_uint32 *sdata = pixGetData(clean), *ddata;
    int swpl = pixGetWpl(clean), dwpl;
    PIX *out, *tmp;

    rot[0] = s * cos(th);
    rot[1] = -s * sin(th);
    rot[3] = s * sin(th);
    rot[4] = s * cos(th);
    rot[2] = w / 2.0 - (rot[0] * w / 2.0 + rot[1] * h / 2.0) + d->dx;
    rot[5] = h / 2.0 - (rot[3] * w / 2.0 + rot[4] * h / 2.0) + d->dy;
    if (d->orient == 180) {
        double o[6] = { -1, 0, w, 0, -1, h };
        memcpy(orient, o, sizeof(o));
    } else if (d->orient == 90) {
        double o[6] = { 0, -1, h, 1, 0, 0 };
        memcpy(orient, o, sizeof(o));
        ow = h;
        oh = w;
    } else if (d->orient == 270) {
        double o[6] = { 0, 1, 0, -1, 0, w };
        memcpy(orient, o, sizeof(o));
        ow = h;
        oh = w;
    }
    compose(orient, rot, c2o);
    compose(c2o, mm2c, map);
    invert(c2o, inv);
    out = pixCreate(ow, oh, 8);
    ddata = pixGetData(out);
    dwpl = pixGetWpl(out);
    for (int y = 0; y < oh; y++) {
        l_uint32 *drow = ddata + (size_t)y * (size_t)dwpl;

        for (int x = 0; x < ow; x++) {
            double cx = inv[0] * (x + 0.5) + inv[1] * (y + 0.5) + inv[2] - 0.5;
            double cy = inv[3] * (x + 0.5) + inv[4] * (y + 0.5) + inv[5] - 0.5;
            int ix = (int)floor(cx), iy = (int)floor(cy);
            double v = 255;

            if (ix >= 0 && iy >= 0 && ix + 1 < w && iy + 1 < h) {
                const l_uint32 *r0 = sdata + (size_t)iy * (size_t)swpl, *r1 = r0 + swpl;
                double ax = cx - ix, ay = cy - iy;

                v = (GET_DATA_BYTE(r0, ix) * (1 - ax) + GET_DATA_BYTE(r0, ix + 1) * ax) * (1 - ay)
                  + (GET_DATA_BYTE(r1, ix) * (1 - ax) + GET_DATA_BYTE(r1, ix + 1) * ax) * ay;
            }
            if (d->fade > 0)
                v = 255 - (255 - v) * (1 - d->fade);
            SET_DATA_BYTE(drow, x, (int)(v + 0.5));
        }
    }
    if (d->blur > 0) {
        tmp = pixBlockconv(out, d->blur, d->blur);
        pixDestroy(&out);
        out = tmp;
    }
    if (d->noise > 0) {
        tmp = pixAddGaussianNoise(out, (l_float32)d->noise);
        pixDestroy(&out);
        out = tmp;
    }
    if (d->binary) {
        tmp = pixThresholdToBinary(out, 128);
        pixDestroy(&out);
        out = tmp;
    }
    pixSetResolution(out, dpi, dpi);
    return out;
}

void ocrsim_fill_mm(PIX *pix, const double map[6], double x, double y, double w, double h,
                    int pad, int grey)
{
    double xs[4] = { x, x + w, x, x + w }, ys[4] = { y, y, y + h, y + h };
    double x0 = 1e9, y0 = 1e9, x1 = -1e9, y1 = -1e9;
    BOX *b;

    for (int i = 0; i < 4; i++) {
        double px = map[0] * xs[i] + map[1] * ys[i] + map[2];
        double py = map[3] * xs[i] + map[4] * ys[i] + map[5];

        x0 = fmin(x0, px);
        y0 = fmin(y0, py);
        x1 = fmax(x1, px);
        y1 = fmax(y1, py);
    }
    b = boxCreate((int)lround(x0) - pad, (int)lround(y0) - pad,
                  (int)lround(x1 - x0) + 2 * pad, (int)lround(y1 - y0) + 2 * pad);
    if (pixGetDepth(pix) == 1 && grey >= 128)
        pixClearInRect(pix, b);
    else if (pixGetDepth(pix) == 1)
        pixSetInRect(pix, b);
    else
        pixSetInRectArbitrary(pix, b, (l_uint32)grey);
    boxDestroy(&b);
}

PIX *ocrsim_noise_image(int w, int h, unsigned seed)
{
    PIX *pix = pixCreate(w, h, 8);
    l_uint32 *data = pixGetData(pix);
    int wpl = pixGetWpl(pix);
    unsigned s = seed;

    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            s = s * 1103515245u + 12345u;
            SET_DATA_BYTE(data + (size_t)y * (size_t)wpl, x, (s >> 16) & 0xFF);
        }
    pixSetResolution(pix, 300, 300);
    return pix;
}

PIX *ocrsim_photo_image(int w, int h)
{
    PIX *pix = pixCreate(w, h, 8);
    l_uint32 *data = pixGetData(pix);
    int wpl = pixGetWpl(pix);

    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double v = 128 + 60 * sin(x / 180.0) * cos(y / 240.0) + 40 * sin((x + y) / 400.0);

            SET_DATA_BYTE(data + (size_t)y * (size_t)wpl, x, (int)v);
        }
    pixSetResolution(pix, 300, 300);
    return pix;
}
