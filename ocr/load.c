/*
 * load.c: file bytes -> pages.  Reads TIFF (every page), PNG and JPEG with
 * Leptonica, normalises to 8-bit grey, settles the dpi and rejects what is
 * not a page (too small, blank, too dark).  Not for: registration or any
 * knowledge of the form.
 */
#include "ocr/ocr-internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define A4_LONG_MM 297.0
#define A4_SHORT_MM 210.0
/* Fewer dark pixels than this on a page is blank: the four marks and the
 * QR of any boshi page alone cover about 0.8 %. */
#define BLANK_DARK_FRACTION 0.0015
/* Paper darker than this (median grey) is no scanned sheet of paper. */
#define MIN_PAPER_GREY 150
#define MAX_DARK_FRACTION 0.40

static void quiet_handler(const char *msg)
{
    (void)msg;
}

static void lib_init_once(void)
{
    leptSetStderrHandler(quiet_handler);
    setMsgSeverity(L_SEVERITY_NONE);
}

void ocr_lib_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, lib_init_once);
}

double ocr_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int ocr_page_dpi(const struct ocr_page *p)
{
    return p->dpi;
}

void ocr_page_size_px(const struct ocr_page *p, int *w, int *h)
{
    *w = pixGetWidth(p->grey);
    *h = pixGetHeight(p->grey);
}

const char *ocr_page_name(const struct ocr_page *p)
{
    return p->name;
}

void ocr_page_free(struct ocr_page **p)
{
    if (p == NULL || *p == NULL)
        return;
    pixDestroy(&(*p)->grey);
    free(*p);
    *p = NULL;
}

void ocr_loaded_release(struct ocr_loaded *out)
{
    for (int i = 0; i < out->npages; i++) {
        if (out->pages != NULL)
            ocr_page_free(&out->pages[i]);
        if (out->reasons != NULL)
            free(out->reasons[i]);
    }
    free(out->pages);
    free(out->reasons);
    memset(out, 0, sizeof(*out));
}

/*
 * The dpi: the file's, if it agrees with the pixel size of an A4 sheet
 * within 15 % (scanners write 72 or 0 when they don't know); otherwise the
 * estimate, snapped to a common scanner resolution within 3 %.
 */
static int settle_dpi(int file_dpi, int w, int h)
{
    static const int common[] = { 150, 200, 240, 300, 400, 600 };
    int longside = w > h ? w : h, shortside = w > h ? h : w;
    double est_long = longside / (A4_LONG_MM / OCR_MM_PER_INCH);
    double est_short = shortside / (A4_SHORT_MM / OCR_MM_PER_INCH);
    double est = (est_long + est_short) / 2;

    if (file_dpi >= 100 && file_dpi <= 1200 && est / file_dpi > 0.85 && est / file_dpi < 1.15)
        return file_dpi;
    for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++)
        if (est / common[i] > 0.97 && est / common[i] < 1.03)
            return common[i];
    return (int)(est + 0.5);
}

/* Median grey and the fraction of pixels darker than half of it. */
static void page_levels(PIX *grey, int *paper, double *dark_fraction)
{
    NUMA *hist = pixGetGrayHistogram(grey, 2);
    l_float32 *h;
    double total = 0, acc = 0, dark = 0;
    int med = 255;

    *paper = 255;
    *dark_fraction = 0;
    if (hist == NULL)
        return;
    h = numaGetFArray(hist, L_NOCOPY);
    for (int i = 0; i < 256; i++)
        total += h[i];
    for (int i = 0; i < 256; i++) {
        acc += h[i];
        if (acc >= total / 2) {
            med = i;
            break;
        }
    }
    for (int i = 0; i < med / 2; i++)
        dark += h[i];
    *paper = med;
    *dark_fraction = total > 0 ? dark / total : 0;
    numaDestroy(&hist);
}

/*
 * Makes one page from a decoded image (not consumed).  Returns the page, or
 * NULL with *reason set (caller frees).
 */
static struct ocr_page *page_make(PIX *pix, const char *name, int index, int npages,
                                  char **reason)
{
    struct ocr_page *p = NULL;
    PIX *grey = NULL;
    int w = pixGetWidth(pix), h = pixGetHeight(pix), paper = 0;
    double dark = 0;
    char where[512];

    if (npages > 1)
        snprintf(where, sizeof(where), "%s %dページ目", name, index + 1);
    else
        snprintf(where, sizeof(where), "%s", name);
    *reason = NULL;
    if ((w > h ? w : h) < OCR_MIN_LONG_SIDE_PX) {
        *reason = xasprintf("%s: 画像が小さすぎます（%d×%dピクセル、長辺%dピクセル未満）。"
                            "ページのスキャン画像ではありません", where, w, h,
                            OCR_MIN_LONG_SIDE_PX);
        goto cleanup;
    }
    grey = pixConvertTo8(pix, 0);
    if (grey == NULL) {
        *reason = xasprintf("%s: 画像をグレースケールに変換できません", where);
        goto cleanup;
    }
    page_levels(grey, &paper, &dark);
    if (paper < MIN_PAPER_GREY || dark > MAX_DARK_FRACTION) {
        *reason = xasprintf("%s: 紙のスキャン画像ではありません（地の明るさ%d/255、"
                            "暗い部分%.0f%%：写真やノイズの画像と思われます）", where, paper,
                            dark * 100);
        goto cleanup;
    }
    if (dark < BLANK_DARK_FRACTION) {
        *reason = xasprintf("%s: 白紙のページです（印刷も記入もほとんどありません）", where);
        goto cleanup;
    }
    p = xcalloc(1, sizeof(*p));
    p->grey = grey;
    grey = NULL;
    p->dpi = settle_dpi(pixGetXRes(pix), w, h);
    pixSetResolution(p->grey, p->dpi, p->dpi);
    p->paper = paper;
    p->ink = 0;
    p->qr_len = -1;
    snprintf(p->name, sizeof(p->name), "%s", where);
cleanup:
    pixDestroy(&grey);
    return p;
}

static void loaded_add(struct ocr_loaded *out, struct ocr_page *p, char *reason)
{
    out->pages = xrealloc(out->pages, (size_t)(out->npages + 1) * sizeof(*out->pages));
    out->reasons = xrealloc(out->reasons, (size_t)(out->npages + 1) * sizeof(*out->reasons));
    out->pages[out->npages] = p;
    out->reasons[out->npages] = reason;
    out->npages++;
}

int ocr_load_mem(const void *data, size_t len, const char *name, struct ocr_loaded *out,
                 struct berr *e)
{
    const l_uint8 *bytes = data;
    l_int32 format = IFF_UNKNOWN;
    PIX *pix = NULL;
    PIXA *tiffpages = NULL;
    int rc = 0, n = 0;

    ocr_lib_init();
    memset(out, 0, sizeof(*out));
    if (len >= 5 && memcmp(bytes, "%PDF-", 5) == 0) {
        rc = berr_set(e, BERR_INVALID, "%s: PDFは読み込めません。TIFF・PNG・JPEGの画像で"
                      "スキャンしてください", name);
        goto cleanup;
    }
    if (len < 12 || findFileFormatBuffer(bytes, &format) != 0 || format == IFF_UNKNOWN) {
        rc = berr_set(e, BERR_INVALID, "%s: 画像として読めません（TIFF・PNG・JPEGではないか、"
                      "壊れています）", name);
        goto cleanup;
    }
    /*
     * An A4 page at 600 dpi is 4961 x 7016: a header promising far more is
     * damage or hostility, refused before anything is decoded (a 60000 x
     * 60000 grey image would ask for 3.6 GB).
     */
    {
        l_int32 hw = 0, hh = 0;
        if (pixReadHeaderMem(bytes, len, NULL, &hw, &hh, NULL, NULL, NULL) == 0 &&
            ((l_int64)hw > OCR_MAX_SIDE_PX || (l_int64)hh > OCR_MAX_SIDE_PX)) {
            rc = berr_set(e, BERR_INVALID, "%s: 画像が大きすぎます (%d×%d ピクセル。A4 を 600 dpi まで)",
                          name, hw, hh);
            goto cleanup;
        }
    }
    if (format >= IFF_TIFF && format <= IFF_TIFF_JPEG) {
        size_t offset = 0;

        tiffpages = pixaCreate(1);
        do {
            pix = pixReadMemFromMultipageTiff(bytes, len, &offset);
            if (pix == NULL)
                break;
            pixaAddPix(tiffpages, pix, L_INSERT);
            pix = NULL;
        } while (offset != 0);
        n = pixaGetCount(tiffpages);
        if (n == 0) {
            rc = berr_set(e, BERR_INVALID, "%s: TIFF画像を読めません（壊れています）", name);
            goto cleanup;
        }
        for (int i = 0; i < n; i++) {
            char *reason = NULL;
            PIX *pg = pixaGetPix(tiffpages, i, L_CLONE);
            struct ocr_page *p = page_make(pg, name, i, n, &reason);

            pixDestroy(&pg);
            loaded_add(out, p, reason);
        }
    } else {
        char *reason = NULL;
        struct ocr_page *p;

        pix = pixReadMem(bytes, len);
        if (pix == NULL) {
            rc = berr_set(e, BERR_INVALID, "%s: 画像として読めません（壊れているか、"
                          "対応していない形式です）", name);
            goto cleanup;
        }
        p = page_make(pix, name, 0, 1, &reason);
        loaded_add(out, p, reason);
    }
cleanup:
    pixDestroy(&pix);
    pixaDestroy(&tiffpages);
    if (rc < 0)
        ocr_loaded_release(out);
    return rc;
}

int ocr_load(const char *path, struct ocr_loaded *out, struct berr *e)
{
    char *data = NULL;
    size_t len = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = file_read_all(path, &data, &len, e);
    if (rc < 0)
        return rc;
    rc = ocr_load_mem(data, len, path, out, e);
    free(data);
    return rc;
}
