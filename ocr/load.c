/*
 * load.c: file bytes -> pages.  Checks a file before anything is decoded
 * (its size, its format by content, every TIFF page's header through
 * libtiff), then decodes one page at a time with Leptonica, normalises it
 * to 8-bit grey, settles the dpi and rejects what is not a page (too small,
 * blank, too dark).  Not for: registration or any knowledge of the form.
 */
#include "ocr/ocr-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <tiffio.h>
#include <unistd.h>

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
    /* libtiff prints its warnings and errors itself unless told not to */
    TIFFSetErrorHandler(NULL);
    TIFFSetWarningHandler(NULL);
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

int ocr_page_bilevel(const struct ocr_page *p)
{
    return p->bilevel;
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

/*
 * Median grey, the fraction of pixels darker than half of it (ink on that
 * paper), and the fraction darker than mid-grey 128 (what a person calls
 * dark: an all-black page is 100 % dark, though nothing on it is darker
 * than its own median).
 */
static void page_levels(PIX *grey, int *paper, double *dark_fraction, double *black_fraction)
{
    NUMA *hist = pixGetGrayHistogram(grey, 2);
    l_float32 *h;
    double total = 0, acc = 0, dark = 0;
    int med = 255;

    double black = 0;

    *paper = 255;
    *dark_fraction = 0;
    *black_fraction = 0;
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
    for (int i = 0; i < 128; i++)
        black += h[i];
    *paper = med;
    *dark_fraction = total > 0 ? dark / total : 0;
    *black_fraction = total > 0 ? black / total : 0;
    numaDestroy(&hist);
}

/*
 * Makes one page from a decoded image (not consumed).  Returns the page, or
 * NULL with *reason set (caller frees).
 */
static struct ocr_page *page_make(PIX *pix, const char *name, int index, int npages,
                                  int one_bit, char **reason)
{
    struct ocr_page *p = NULL;
    PIX *grey = NULL;
    int w = pixGetWidth(pix), h = pixGetHeight(pix), paper = 0;
    double dark = 0, black = 0;
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
    page_levels(grey, &paper, &dark, &black);
    if (paper < MIN_PAPER_GREY && black > 0.95) {
        *reason = xasprintf("%s: 紙のスキャン画像ではありません（ほぼ全面が黒い画像です。"
                            "暗い部分%.0f%%）", where, black * 100);
        goto cleanup;
    }
    if (paper < MIN_PAPER_GREY || dark > MAX_DARK_FRACTION) {
        /* the dark share shown is what a person sees as dark (below mid-grey) */
        *reason = xasprintf("%s: 紙のスキャン画像ではありません（地の明るさ%d/255、"
                            "暗い部分%.0f%%：写真やノイズの画像と思われます）", where, paper,
                            (dark > black ? dark : black) * 100);
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
    /*
     * From the file, never from the grey levels seen: a greyscale page with
     * crisp print may hold little but black and white, yet keeps what a
     * pencil left; a 1-bit file has thrown it away whatever it looks like.
     */
    p->bilevel = one_bit || pixGetDepth(pix) == 1;
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

/* ---- a file checked, then read one page at a time ------------------------ */

enum src_format { SRC_TIFF, SRC_PNG, SRC_JPEG };

struct src_page {
    size_t offset;              /* TIFF: the page's directory offset */
    char *reason;               /* its header refused it: why (owned), else NULL */
    int one_bit;                /* its header says 1 bit a sample, one sample a pixel */
};

struct ocr_source {
    char name[512];
    const unsigned char *data;  /* the file's bytes: borrowed, or mapped */
    size_t len;
    int mapped;
    int fd;                     /* -1 for a memory source; PNG/JPEG decode streams from it */
    enum src_format format;
    int npages;
    struct src_page *pages;
};

void ocr_limits_default(struct ocr_limits *lim)
{
    lim->max_file_bytes = OCR_DEFAULT_MAX_FILE_BYTES;
    lim->max_pages = OCR_DEFAULT_MAX_PAGES;
}

/* What a file is, by its first bytes; NULL and *ok = 1 for what we read. */
static const char *sniff(const unsigned char *b, size_t n, enum src_format *f, int *ok)
{
    *ok = 0;
    if (n >= 4 && (memcmp(b, "II*\0", 4) == 0 || memcmp(b, "MM\0*", 4) == 0)) {
        *ok = 1;
        *f = SRC_TIFF;
        return NULL;
    }
    if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0) {
        *ok = 1;
        *f = SRC_PNG;
        return NULL;
    }
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) {
        *ok = 1;
        *f = SRC_JPEG;
        return NULL;
    }
    if (n >= 4 && (memcmp(b, "II+\0", 4) == 0 || memcmp(b, "MM\0+", 4) == 0))
        return "BigTIFF";
    if (n >= 6 && (memcmp(b, "GIF87a", 6) == 0 || memcmp(b, "GIF89a", 6) == 0))
        return "GIF";
    if (n >= 12 && memcmp(b, "RIFF", 4) == 0 && memcmp(b + 8, "WEBP", 4) == 0)
        return "WebP";
    if (n >= 2 && memcmp(b, "BM", 2) == 0)
        return "BMP";
    if (n >= 12 && memcmp(b, "\0\0\0\x0cjP  \r\n\x87\n", 12) == 0)
        return "JPEG 2000";
    if (n >= 12 && memcmp(b + 4, "ftyp", 4) == 0 &&
        (memcmp(b + 8, "heic", 4) == 0 || memcmp(b + 8, "heix", 4) == 0 ||
         memcmp(b + 8, "mif1", 4) == 0 || memcmp(b + 8, "avif", 4) == 0))
        return "HEIF/AVIF";
    if (n >= 4 && (memcmp(b, "\x49\x49\xbc", 3) == 0))
        return "JPEG XR";
    return "";
}

/* libtiff reads the directories straight from the bytes, never a whole page. */
struct tiffmem {
    const unsigned char *data;
    size_t len, pos;
};

static tmsize_t tm_read(thandle_t h, void *buf, tmsize_t n)
{
    struct tiffmem *m = (struct tiffmem *)h;
    size_t left = m->pos < m->len ? m->len - m->pos : 0;
    size_t k = n < 0 ? 0 : (size_t)n;

    if (k > left)
        k = left;
    memcpy(buf, m->data + m->pos, k);
    m->pos += k;
    return (tmsize_t)k;
}

static tmsize_t tm_write(thandle_t h, void *buf, tmsize_t n)
{
    (void)h;
    (void)buf;
    (void)n;
    return -1;
}

static toff_t tm_seek(thandle_t h, toff_t off, int whence)
{
    struct tiffmem *m = (struct tiffmem *)h;
    uint64_t base = whence == SEEK_CUR ? m->pos : whence == SEEK_END ? m->len : 0;

    if (off > UINT64_MAX - base)
        return (toff_t)-1;
    m->pos = (size_t)(base + off);
    return m->pos;
}

static int tm_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t tm_size(thandle_t h)
{
    return ((struct tiffmem *)h)->len;
}

static int tm_map(thandle_t h, void **base, toff_t *size)
{
    (void)h;
    (void)base;
    (void)size;
    return 0;
}

static void tm_unmap(thandle_t h, void *base, toff_t size)
{
    (void)h;
    (void)base;
    (void)size;
}

/* The page's name in messages: "file" alone when it has one page. */
static void page_where(const struct ocr_source *s, int i, char *out, size_t n)
{
    if (s->npages > 1)
        snprintf(out, n, "%.480s %dページ目", s->name, i + 1);
    else
        snprintf(out, n, "%.480s", s->name);
}

/*
 * The header's promise against what a scanned A4 page can be, before a
 * byte is decoded: at most OCR_MAX_SIDE_PX a side, OCR_MAX_PAGE_PIXELS in
 * all, and OCR_MAX_DECODED_BYTES to decode it and make it grey.  Leptonica
 * holds colour as 32 bits a pixel, and decodes a colour TIFF through an
 * RGBA raster of the same size first (measured: an A4 600 dpi colour TIFF
 * took 265 MB above the reader's 110), so colour counts twice there.
 * NULL if fine, else the reason (caller frees).
 */
static char *header_verdict(const char *where, long long w, long long h, int bps, int spp,
                            int is_tiff)
{
    long long depth = spp == 1 ? bps : 32;
    long long cost = w * h * depth / 8 * (spp > 1 && is_tiff ? 2 : 1) + w * h;

    if (w <= 0 || h <= 0)
        return xasprintf("%s: 画像の大きさが読めません（壊れています）", where);
    if (w > OCR_MAX_SIDE_PX || h > OCR_MAX_SIDE_PX || w * h > OCR_MAX_PAGE_PIXELS)
        return xasprintf("%s: 画像が大きすぎます（%lld×%lldピクセル。A4を600dpiまで、"
                         "%dピクセル四方以内）", where, w, h, OCR_MAX_SIDE_PX);
    if ((bps != 1 && bps != 2 && bps != 4 && bps != 8 && bps != 16) ||
        (spp != 1 && spp != 3 && spp != 4))
        return xasprintf("%s: 対応していない画素の形式です（%dビット×%dチャンネル）", where, bps,
                         spp);
    if (cost > OCR_MAX_DECODED_BYTES)
        return xasprintf("%s: カラー画像が大きすぎます（%lld×%lldピクセル）。グレーか白黒で"
                         "スキャンするか、カラーなら400dpi以下にしてください", where, w, h);
    return NULL;
}

static void source_add(struct ocr_source *s, size_t offset)
{
    s->pages = xrealloc(s->pages, (size_t)(s->npages + 1) * sizeof(*s->pages));
    s->pages[s->npages].offset = offset;
    s->pages[s->npages].reason = NULL;
    s->pages[s->npages].one_bit = 0;
    s->npages++;
}

/* Walks every directory of a TIFF: page count and each page's header. */
static int probe_tiff(struct ocr_source *s, const struct ocr_limits *lim, struct berr *e)
{
    struct tiffmem m = { s->data, s->len, 0 };
    TIFF *tif = TIFFClientOpen(s->name, "rm", (thandle_t)&m, tm_read, tm_write, tm_seek,
                               tm_close, tm_size, tm_map, tm_unmap);
    struct { uint32_t w, h; uint16_t bps, spp; int ok; } *hdr = NULL;
    int rc = 0, damaged_next = 0;

    if (tif == NULL)
        return berr_set(e, BERR_INVALID, "%s: TIFF画像を読めません（1ページ目が壊れています）", s->name);
    for (;;) {
        if (s->npages >= lim->max_pages) {
            rc = berr_set(e, BERR_INVALID, "%s: ページが多すぎます（1ファイル%dページまで。"
                          "ファイルを分けてスキャンしてください）", s->name, lim->max_pages);
            goto cleanup;
        }
        hdr = xrealloc(hdr, (size_t)(s->npages + 1) * sizeof(*hdr));
        memset(&hdr[s->npages], 0, sizeof(hdr[0]));
        hdr[s->npages].bps = 1;
        hdr[s->npages].spp = 1;
        hdr[s->npages].ok = TIFFGetField(tif, TIFFTAG_IMAGEWIDTH, &hdr[s->npages].w) == 1 &&
                            TIFFGetField(tif, TIFFTAG_IMAGELENGTH, &hdr[s->npages].h) == 1;
        TIFFGetFieldDefaulted(tif, TIFFTAG_BITSPERSAMPLE, &hdr[s->npages].bps);
        TIFFGetFieldDefaulted(tif, TIFFTAG_SAMPLESPERPIXEL, &hdr[s->npages].spp);
        source_add(s, (size_t)TIFFCurrentDirOffset(tif));
        if (TIFFLastDirectory(tif))
            break;
        if (!TIFFReadDirectory(tif)) {
            /* a next page is promised but its directory cannot be read */
            damaged_next = 1;
            break;
        }
    }
    if (damaged_next)
        source_add(s, 0);
    for (int i = 0; i < s->npages; i++) {
        char where[512];

        page_where(s, i, where, sizeof(where));
        if (damaged_next && i == s->npages - 1)
            s->pages[i].reason = xasprintf("%s: ページを読めません（壊れています。"
                                           "これより後のページも読めません）", where);
        else if (!hdr[i].ok)
            s->pages[i].reason = xasprintf("%s: 画像の大きさが読めません（壊れています）", where);
        else
            s->pages[i].reason = header_verdict(where, hdr[i].w, hdr[i].h, hdr[i].bps, hdr[i].spp,
                                                1);
        if (!(damaged_next && i == s->npages - 1))
            s->pages[i].one_bit = hdr[i].bps == 1 && hdr[i].spp == 1;
    }
cleanup:
    free(hdr);
    TIFFClose(tif);
    return rc;
}

static int source_probe(struct ocr_source *s, const struct ocr_limits *lim, struct berr *e)
{
    struct ocr_limits def;
    const char *other;
    int ok = 0;

    if (lim == NULL) {
        ocr_limits_default(&def);
        lim = &def;
    }
    if ((long long)s->len > lim->max_file_bytes)
        return berr_set(e, BERR_INVALID, "%s: ファイルが大きすぎます（%lld MB。1ファイル%lld MBまで）",
                        s->name, (long long)(s->len >> 20), lim->max_file_bytes >> 20);
    if (s->len >= 5 && memcmp(s->data, "%PDF-", 5) == 0)
        return berr_set(e, BERR_INVALID, "%s: PDFは画像として直接読み込めません。TIFF・PNG・JPEGの"
                        "画像か、スキャナのPDFとして取り込んでください", s->name);
    other = sniff(s->data, s->len, &s->format, &ok);
    if (!ok && other[0])
        return berr_set(e, BERR_INVALID, "%s: %s画像には対応していません。TIFF・PNG・JPEGで"
                        "スキャンしてください", s->name, other);
    if (!ok)
        return berr_set(e, BERR_INVALID, "%s: 画像として読めません（TIFF・PNG・JPEGではないか、"
                        "壊れています）", s->name);
    if (s->format == SRC_TIFF)
        return probe_tiff(s, lim, e);
    {
        l_int32 w = 0, h = 0, bps = 0, spp = 0;

        if (pixReadHeaderMem(s->data, s->len, NULL, &w, &h, &bps, &spp, NULL) != 0)
            return berr_set(e, BERR_INVALID, "%s: %s画像を読めません（壊れています）", s->name,
                            s->format == SRC_PNG ? "PNG" : "JPEG");
        source_add(s, 0);
        s->pages[0].reason = header_verdict(s->name, w, h, bps, spp, 0);
        /* a PNG's bit depth (pdfimages writes a PDF's 1-bit, CCITT or JBIG2 image so) */
        s->pages[0].one_bit = bps == 1 && spp == 1;
    }
    return 0;
}

int ocr_open_mem(const void *data, size_t len, const char *name, const struct ocr_limits *lim,
                 struct ocr_source **out, struct berr *e)
{
    struct ocr_source *s = xcalloc(1, sizeof(*s));
    int rc;

    ocr_lib_init();
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->data = data;
    s->len = len;
    s->fd = -1;
    rc = source_probe(s, lim, e);
    if (rc < 0)
        ocr_source_close(&s);
    *out = s;
    return rc;
}

int ocr_open_fd(int fd, const char *name, const struct ocr_limits *lim, struct ocr_source **out,
                struct berr *e)
{
    struct ocr_source *s = xcalloc(1, sizeof(*s));
    struct ocr_limits def;
    struct stat sb;
    int rc = 0;

    ocr_lib_init();
    *out = NULL;
    if (lim == NULL) {
        ocr_limits_default(&def);
        lim = &def;
    }
    snprintf(s->name, sizeof(s->name), "%s", name);
    s->fd = dup(fd);
    if (s->fd < 0 || fstat(s->fd, &sb) < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 読めません (%s)", name, strerror(errno));
        goto cleanup;
    }
    if (!S_ISREG(sb.st_mode)) {
        rc = berr_set(e, BERR_INVALID, "%s: 通常のファイルではありません", name);
        goto cleanup;
    }
    /* the size first: a huge file is refused without reading a byte of it */
    if ((long long)sb.st_size > lim->max_file_bytes) {
        rc = berr_set(e, BERR_INVALID, "%s: ファイルが大きすぎます（%lld MB。1ファイル%lld MBまで）",
                      name, (long long)(sb.st_size >> 20), lim->max_file_bytes >> 20);
        goto cleanup;
    }
    s->len = (size_t)sb.st_size;
    if (s->len > 0) {
        /* mapped, not read: only the bytes of the page being decoded come in */
        void *m = mmap(NULL, s->len, PROT_READ, MAP_PRIVATE, s->fd, 0);
        if (m == MAP_FAILED) {
            rc = berr_set(e, BERR_FAIL, "%s: 読めません (%s)", name, strerror(errno));
            goto cleanup;
        }
        s->data = m;
        s->mapped = 1;
    } else {
        s->data = (const unsigned char *)"";
    }
    rc = source_probe(s, lim, e);
cleanup:
    if (rc < 0)
        ocr_source_close(&s);
    *out = s;
    return rc;
}

int ocr_open(const char *path, const char *name, const struct ocr_limits *lim,
             struct ocr_source **out, struct berr *e)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    int rc;

    *out = NULL;
    if (fd < 0)
        return berr_set(e, BERR_FAIL, "%s: 開けません (%s)", name ? name : path, strerror(errno));
    rc = ocr_open_fd(fd, name ? name : path, lim, out, e);
    close(fd);
    return rc;
}

int ocr_source_npages(const struct ocr_source *s)
{
    return s->npages;
}

int ocr_source_page(struct ocr_source *s, int i, struct ocr_page **page, char **reason,
                    struct berr *e)
{
    char where[512];
    PIX *pix = NULL;

    *page = NULL;
    *reason = NULL;
    if (i < 0 || i >= s->npages)
        return berr_set(e, BERR_NOTFOUND, "%s: %dページ目はありません", s->name, i + 1);
    page_where(s, i, where, sizeof(where));
    if (s->pages[i].reason != NULL) {
        *reason = xstrdup(s->pages[i].reason);
        return 0;
    }
    if (s->format == SRC_TIFF) {
        size_t off = s->pages[i].offset;
        pix = pixReadMemFromMultipageTiff(s->data, s->len, &off);
    } else if (s->fd >= 0) {
        /* a PNG or JPEG streams from the file, not from the mapped bytes */
        int fd = dup(s->fd);
        FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
        if (f != NULL && fseek(f, 0, SEEK_SET) == 0)
            pix = pixReadStream(f, 0);
        if (f != NULL)
            fclose(f);
        else if (fd >= 0)
            close(fd);
    } else {
        pix = pixReadMem(s->data, s->len);
    }
    if (pix == NULL) {
        *reason = xasprintf("%s: 画像を読めません（壊れているか、対応していない圧縮形式です）", where);
        return 0;
    }
    /* the decoded image must be what its header promised */
    if ((long long)pixGetWidth(pix) * pixGetHeight(pix) > OCR_MAX_PAGE_PIXELS) {
        *reason = xasprintf("%s: 画像が大きすぎます", where);
        pixDestroy(&pix);
        return 0;
    }
    *page = page_make(pix, where, 0, 1, s->pages[i].one_bit, reason);
    pixDestroy(&pix);
    return 0;
}

void ocr_source_close(struct ocr_source **sp)
{
    struct ocr_source *s = sp ? *sp : NULL;

    if (s == NULL)
        return;
    for (int i = 0; i < s->npages; i++)
        free(s->pages[i].reason);
    free(s->pages);
    if (s->mapped)
        munmap((void *)s->data, s->len);
    if (s->fd >= 0)
        close(s->fd);
    free(s);
    *sp = NULL;
}

/* Every page at once: for callers with small files (tests, the evaluator). */
static int load_all(struct ocr_source *s, struct ocr_loaded *out, struct berr *e)
{
    for (int i = 0; i < s->npages; i++) {
        struct ocr_page *p = NULL;
        char *reason = NULL;
        int rc = ocr_source_page(s, i, &p, &reason, e);

        if (rc < 0) {
            ocr_loaded_release(out);
            return rc;
        }
        loaded_add(out, p, reason);
    }
    return 0;
}

int ocr_load_mem(const void *data, size_t len, const char *name, struct ocr_loaded *out,
                 struct berr *e)
{
    struct ocr_source *s = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = ocr_open_mem(data, len, name, NULL, &s, e);
    if (rc == 0)
        rc = load_all(s, out, e);
    ocr_source_close(&s);
    return rc;
}

int ocr_load(const char *path, struct ocr_loaded *out, struct berr *e)
{
    struct ocr_source *s = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = ocr_open(path, path, NULL, &s, e);
    if (rc == 0)
        rc = load_all(s, out, e);
    ocr_source_close(&s);
    return rc;
}
