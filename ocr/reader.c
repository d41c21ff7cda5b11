/*
 * reader.c: Tesseract behind struct ocr_reader, one per worker thread.
 * Three LSTM models are initialised once: jpn, Japanese (script model, the
 * second opinion for kana and text) and eng (digits).  Each field is read
 * from our own ink image (field.c), never from the raw grey page:
 *   digits  every inked comb cell trimmed and packed into one line, digit
 *           whitelist, PSM 7 (PSM 10 reads a lone "0" as nothing with LSTM)
 *   kana    the interior trimmed to ink with a narrow white border, PSM 7
 *   text    and PSM 13, the more confident kept; kana with a kana whitelist
 * Readings are returned per model; agreement is the caller's test.
 *
 * Not for: handwriting (ocr_read_cell_digit is the seam where a
 * handwriting recogniser goes), validation (forms/).
 */
#include "ocr/ocr-internal.h"

#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

enum { M_JPN, M_JAPANESE, M_ENG, M_COUNT };

static const char *const model_lang[M_COUNT] = { "jpn", "Japanese", "eng" };

struct ocr_reader {
    TessBaseAPI *api[M_COUNT];
    char *kana_whitelist;
    struct ocr_hand *hand;      /* handwritten digits; NULL without models */
};

static const char DIGITS[] = "0123456789";

static void api_free(TessBaseAPI **api)
{
    if (*api == NULL)
        return;
    TessBaseAPIEnd(*api);
    TessBaseAPIDelete(*api);
    *api = NULL;
}

void ocr_reader_free(struct ocr_reader **r)
{
    if (r == NULL || *r == NULL)
        return;
    for (int i = 0; i < M_COUNT; i++)
        api_free(&(*r)->api[i]);
    free((*r)->kana_whitelist);
    ocr_hand_free(&(*r)->hand);
    free(*r);
    *r = NULL;
}

/* Katakana, hiragana, the long-vowel mark and the middle dot, as UTF-8. */
static char *kana_whitelist_make(void)
{
    struct buf b;

    buf_init(&b);
    for (unsigned cp = 0x3041; cp <= 0x3096; cp++) {        /* ぁ .. ゖ */
        char u[3] = { (char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                      (char)(0x80 | (cp & 0x3F)) };
        buf_add(&b, u, 3);
    }
    for (unsigned cp = 0x30A1; cp <= 0x30FC; cp++) {        /* ァ .. ー (incl. ・) */
        char u[3] = { (char)(0xE0 | (cp >> 12)), (char)(0x80 | ((cp >> 6) & 0x3F)),
                      (char)(0x80 | (cp & 0x3F)) };
        buf_add(&b, u, 3);
    }
    return buf_detach(&b);
}

static TessBaseAPI *api_open(const char *lang)
{
    char *vars[] = { "debug_file" }, *vals[] = { "/dev/null" };
    TessBaseAPI *api = TessBaseAPICreate();

    if (api == NULL)
        return NULL;
    if (TessBaseAPIInit4(api, NULL, lang, OEM_LSTM_ONLY, NULL, 0, vars, vals, 1, 0) != 0) {
        api_free(&api);
        return NULL;
    }
    return api;
}

int ocr_reader_open(struct ocr_reader **out, struct berr *e)
{
    struct ocr_reader *r = xcalloc(1, sizeof(*r));
    const char *cur = setlocale(LC_ALL, NULL);
    char *saved = xstrdup(cur != NULL ? cur : "C"), *hand_dir = NULL;
    int rc = 0;

    ocr_lib_init();
    *out = NULL;
    /* Tesseract parses its parameters with the C locale. */
    setlocale(LC_ALL, "C");
    for (int i = 0; i < M_COUNT; i++) {
        r->api[i] = api_open(model_lang[i]);
        if (r->api[i] == NULL && i == M_JAPANESE)
            r->api[i] = api_open("script/Japanese");
        if (r->api[i] == NULL) {
            rc = berr_set(e, BERR_FAIL, "OCRの言語データ「%s」を読み込めません"
                          "（tesseract-ocr-%s を確認してください）", model_lang[i],
                          i == M_JAPANESE ? "script-jpan" : model_lang[i]);
            goto cleanup;
        }
    }
    r->kana_whitelist = kana_whitelist_make();
    hand_dir = ocr_hand_find_dir();
    if (hand_dir != NULL) {
        /* models found but unreadable is an error, not a silent fallback */
        rc = ocr_hand_open(hand_dir, &r->hand, e);
        if (rc < 0)
            goto cleanup;
    }
    *out = r;
    r = NULL;
cleanup:
    setlocale(LC_ALL, saved);
    free(saved);
    free(hand_dir);
    ocr_reader_free(&r);
    return rc;
}

/* Length of the UTF-8 sequence starting with byte c (1 for stray bytes). */
static int u8len(unsigned char c)
{
    return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static int is_ascii_alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * Copies Tesseract's text into out: line breaks dropped, spaces kept only
 * between two ASCII letters or digits (Japanese output is full of spaces
 * between characters), digits_only keeps 0-9 alone.
 */
static void text_clean(const char *s, int digits_only, char out[OCR_TEXT_MAX])
{
    size_t n = 0, len = strlen(s);

    for (size_t i = 0; i < len;) {
        int l = u8len((unsigned char)s[i]);

        if (i + (size_t)l > len)
            break;
        if (digits_only) {
            if (s[i] >= '0' && s[i] <= '9' && n + 1 < OCR_TEXT_MAX)
                out[n++] = s[i];
        } else if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
            size_t j = i;

            while (j < len && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t' || s[j] == '\r'))
                j++;
            if (n > 0 && j < len && is_ascii_alnum(out[n - 1]) && is_ascii_alnum(s[j])
                && n + 1 < OCR_TEXT_MAX)
                out[n++] = ' ';
            i = j;
            continue;
        } else if (n + (size_t)l < OCR_TEXT_MAX) {
            memcpy(out + n, s + i, (size_t)l);
            n += (size_t)l;
        }
        i += (size_t)l;
    }
    out[n] = '\0';
}

/* One model, one image, one page segmentation mode. */
static int tess_read(TessBaseAPI *api, PIX *img8, int dpi, TessPageSegMode psm,
                     const char *whitelist, int digits_only, struct ocr_model_reading *out)
{
    TessResultIterator *it = NULL;
    char *text = NULL;
    int rc = 0, nsym = 0;
    float minc = 100;

    out->value[0] = '\0';
    out->conf = 0;
    out->min_conf = 0;
    TessBaseAPISetPageSegMode(api, psm);
    TessBaseAPISetVariable(api, "tessedit_char_whitelist", whitelist != NULL ? whitelist : "");
    TessBaseAPISetImage2(api, img8);
    TessBaseAPISetSourceResolution(api, dpi);
    if (TessBaseAPIRecognize(api, NULL) != 0) {
        rc = -1;
        goto cleanup;
    }
    text = TessBaseAPIGetUTF8Text(api);
    if (text != NULL)
        text_clean(text, digits_only, out->value);
    it = TessBaseAPIGetIterator(api);
    if (it != NULL) {
        do {
            char *sym = TessResultIteratorGetUTF8Text(it, RIL_SYMBOL);

            if (sym != NULL && sym[0] != '\0') {
                float c = TessResultIteratorConfidence(it, RIL_SYMBOL);

                if (c < minc)
                    minc = c;
                nsym++;
            }
            TessDeleteText(sym);
        } while (TessResultIteratorNext(it, RIL_SYMBOL));
    }
    if (out->value[0] != '\0') {
        out->conf = TessBaseAPIMeanTextConf(api);
        out->min_conf = nsym > 0 ? (int)lround(minc) : 0;
    }
cleanup:
    TessResultIteratorDelete(it);
    TessDeleteText(text);
    TessBaseAPIClear(api);
    return rc;
}

/*
 * Reads img with each of psms and keeps the non-empty reading with the
 * highest mean confidence.  One mode alone hallucinates now and then on
 * clean print ("ヤマダハナコユ" at PSM 13, "ヤャマダハナコ" at PSM 7, each
 * at lower confidence than the right reading in the other mode).
 */
static int tess_read_best(struct ocr_reader *r, int m, PIX *img8, int dpi,
                          const TessPageSegMode *psms, int npsm, const char *whitelist,
                          int digits_only, struct ocr_model_reading *out)
{
    struct ocr_model_reading cur;

    memset(out, 0, sizeof(*out));
    snprintf(out->model, sizeof(out->model), "%s", model_lang[m]);
    for (int i = 0; i < npsm; i++) {
        if (tess_read(r->api[m], img8, dpi, psms[i], whitelist, digits_only, &cur) != 0)
            return -1;
        if (cur.value[0] != '\0' && (out->value[0] == '\0' || cur.conf > out->conf)) {
            memcpy(out->value, cur.value, sizeof(out->value));
            out->conf = cur.conf;
            out->min_conf = cur.min_conf;
        }
    }
    return 0;
}

/* 1 if the ink mask holds a stroke at least 0.8 mm long. */
static int has_stroke(PIX *bin, double k)
{
    BOXA *boxa = pixConnComp(bin, NULL, 8);
    int found = 0;

    for (int i = 0; boxa != NULL && i < boxaGetCount(boxa) && !found; i++) {
        l_int32 bx, by, bw, bh;

        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        found = bw >= 0.8 * k || bh >= 0.8 * k;
    }
    boxaDestroy(&boxa);
    return found;
}

/* Trims a 1 bpp image to ink, adds a white border, returns 8 bpp (caller destroys). */
static PIX *for_tesseract(PIX *bin, double k)
{
    PIX *tight = NULL, *bordered = NULL, *out = NULL;
    int border;

    if (pixClipToForeground(bin, &tight, NULL) != 0 || tight == NULL)
        goto cleanup;
    /* A narrow border: wide ones made the LSTM models invent trailing kana. */
    border = (int)lround(pixGetHeight(tight) * 0.15);
    if (border < 6)
        border = 6;
    bordered = pixAddBorder(tight, border, 0);     /* 0 is white at 1 bpp */
    if (bordered == NULL)
        goto cleanup;
    out = pixConvert1To8(NULL, bordered, 255, 0);
cleanup:
    pixDestroy(&tight);
    pixDestroy(&bordered);
    return out;
}

/*
 * The comb's inked cells, each trimmed left and right, side by side in one
 * line with a fixed gap.  Fills cells[] and *inked.  NULL when no cell has
 * ink.
 */
static PIX *digits_pack(struct ocr_field *f, char cells[OCR_MAX_CELLS + 1], int *inked)
{
    PIX *parts[OCR_MAX_CELLS] = { NULL }, *line = NULL;
    int h = f->iy1 - f->iy0, gap = (int)lround(0.3 * h), total = 0, x = 0;

    *inked = 0;
    for (int i = 0; i < f->ncells; i++) {
        PIX *in = ocr_field_interior(f, f->cx0[i], f->cx1[i]);
        BOX *fg = NULL;

        cells[i] = '.';
        if (in != NULL && has_stroke(in, f->k) && pixClipBoxToForeground(in, NULL, NULL, &fg) == 0
            && fg != NULL) {
            l_int32 bx, by, bw, bh;
            BOX *cols;

            boxGetGeometry(fg, &bx, &by, &bw, &bh);
            cols = boxCreate(bx, 0, bw, pixGetHeight(in));
            parts[i] = pixClipRectangle(in, cols, NULL);
            boxDestroy(&cols);
            if (parts[i] != NULL) {
                cells[i] = '#';
                (*inked)++;
                total += bw + (total > 0 ? gap : 0);
            }
        }
        boxDestroy(&fg);
        pixDestroy(&in);
    }
    cells[f->ncells] = '\0';
    if (*inked == 0 || h <= 0)
        goto cleanup;
    line = pixCreate(total, h, 1);
    for (int i = 0; line != NULL && i < f->ncells; i++) {
        if (parts[i] == NULL)
            continue;
        pixRasterop(line, x, 0, pixGetWidth(parts[i]), h, PIX_SRC, parts[i], 0, 0);
        x += pixGetWidth(parts[i]) + gap;
    }
cleanup:
    for (int i = 0; i < f->ncells; i++)
        pixDestroy(&parts[i]);
    return line;
}

int ocr_read_text(struct ocr_reader *r, const struct ocr_page *p, const struct ocr_box *box,
                  enum ocr_kind kind, struct ocr_text *out, struct berr *e)
{
    static const TessPageSegMode digit_psms[] = { PSM_SINGLE_LINE };
    static const TessPageSegMode text_psms[] = { PSM_SINGLE_LINE, PSM_RAW_LINE };
    struct ocr_field f;
    PIX *ink = NULL, *img = NULL;
    int rc, models[2];
    const char *wl = NULL;

    memset(out, 0, sizeof(*out));
    rc = ocr_field_prep(p, box, 1, &f, e);
    if (rc < 0)
        return rc;
    if (kind == OCR_DIGITS) {
        ink = digits_pack(&f, out->cells, &out->cells_inked);
        models[0] = M_ENG;
        models[1] = M_JPN;
        wl = DIGITS;
    } else {
        ink = ocr_field_interior(&f, f.ix0, f.ix1);
        if (ink != NULL && !has_stroke(ink, f.k))
            pixDestroy(&ink);
        models[0] = M_JPN;
        models[1] = M_JAPANESE;
        wl = kind == OCR_KANA ? r->kana_whitelist : NULL;
    }
    if (ink == NULL) {
        out->empty = 1;
        goto cleanup;
    }
    img = for_tesseract(ink, f.k);
    if (img == NULL) {
        out->empty = 1;
        goto cleanup;
    }
    for (int i = 0; i < 2; i++) {
        int fail = kind == OCR_DIGITS
                 ? tess_read_best(r, models[i], img, p->dpi, digit_psms, 1, wl, 1, &out->r[i])
                 : tess_read_best(r, models[i], img, p->dpi, text_psms, 2, wl, 0, &out->r[i]);

        if (fail) {
            rc = berr_set(e, BERR_FAIL, "%s: 文字認識に失敗しました（%s）", p->name,
                          model_lang[models[i]]);
            goto cleanup;
        }
    }
    out->agree = out->r[0].value[0] != '\0' && strcmp(out->r[0].value, out->r[1].value) == 0;
cleanup:
    pixDestroy(&ink);
    pixDestroy(&img);
    ocr_field_release(&f);
    return rc;
}

int ocr_read_cell_digit(struct ocr_reader *r, const struct ocr_page *p,
                        const struct ocr_box *box, int cell, struct ocr_digit *out,
                        struct berr *e)
{
    static const TessPageSegMode psms[] = { PSM_SINGLE_LINE, PSM_SINGLE_WORD, PSM_RAW_LINE };
    struct ocr_field f;
    struct ocr_model_reading m;
    PIX *ink = NULL, *img = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    out->digit = -1;
    rc = ocr_field_prep(p, box, 1, &f, e);
    if (rc < 0)
        return rc;
    if (cell < 0 || cell >= f.ncells) {
        rc = berr_set(e, BERR_INVALID, "%s: 升の番号%dが範囲外です（%d升）", p->name, cell,
                      f.ncells);
        goto cleanup;
    }
    ink = ocr_field_interior(&f, f.cx0[cell], f.cx1[cell]);
    if (ink == NULL || !has_stroke(ink, f.k))
        goto cleanup;
    out->inked = 1;
    img = for_tesseract(ink, f.k);
    if (img == NULL)
        goto cleanup;
    memset(&m, 0, sizeof(m));
    if (tess_read_best(r, M_ENG, img, p->dpi, psms, 3, DIGITS, 1, &m) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 文字認識に失敗しました（eng）", p->name);
        goto cleanup;
    }
    if (strlen(m.value) == 1) {
        out->digit = m.value[0] - '0';
        out->conf = m.conf;
    }
cleanup:
    pixDestroy(&ink);
    pixDestroy(&img);
    ocr_field_release(&f);
    return rc;
}

int ocr_reader_has_hand(const struct ocr_reader *r)
{
    return r != NULL && r->hand != NULL;
}

/*
 * The writing of cell columns [x0, x1) followed across the top and bottom
 * lines: the interior (in, slivers cleared), the crop's ink above and below
 * it, and the line bands in between bridged only where a stroke crosses
 * them (ink just above and just below the band in that column).  Ink that
 * does not meet the interior is dropped (labels, the field above).  *cut is
 * set when the kept writing reaches the crop's top or bottom (cut off
 * there), *stray when a kept piece reaches in from an edge without getting
 * to the interior's middle half (a stamp, the neighbour's stroke).
 * Caller destroys; NULL on failure.
 */
static PIX *cell_writing(const struct ocr_field *f, PIX *in, int x0, int x1, int *cut,
                         int *stray)
{
    int w = x1 - x0, h = pixGetHeight(f->bin), band = (int)lround(0.7 * f->k);
    int t0 = f->iy0 - band > 0 ? f->iy0 - band : 0;
    int b1 = f->iy1 + band < h ? f->iy1 + band : h;
    PIX *ext = pixCreate(w, h, 1), *keep = NULL;
    BOXA *boxa = NULL;
    PIXA *pixa = NULL;
    l_uint32 v, a, b;

    *cut = *stray = 0;
    if (ext == NULL)
        return NULL;
    for (int y = 0; y < h; y++) {
        if (y >= t0 && y < b1)
            continue;
        for (int x = 0; x < w; x++) {
            pixGetPixel(f->bin, x0 + x, y, &v);
            if (v)
                pixSetPixel(ext, x, y, 1);
        }
    }
    pixRasterop(ext, 0, f->iy0, w, f->iy1 - f->iy0, PIX_SRC, in, 0, 0);
    for (int x = 0; x < w; x++) {
        a = b = 0;
        if (t0 > 0)
            pixGetPixel(f->bin, x0 + x, t0 - 1, &a);
        pixGetPixel(in, x, 0, &b);
        for (int y = t0; a && b && y < f->iy0; y++)
            pixSetPixel(ext, x, y, 1);
        a = b = 0;
        pixGetPixel(in, x, f->iy1 - f->iy0 - 1, &a);
        if (b1 < h)
            pixGetPixel(f->bin, x0 + x, b1, &b);
        for (int y = f->iy1; a && b && y < b1; y++)
            pixSetPixel(ext, x, y, 1);
    }
    keep = pixCreate(w, h, 1);
    boxa = pixConnComp(ext, &pixa, 8);
    for (int i = 0; keep != NULL && boxa != NULL && i < boxaGetCount(boxa); i++) {
        l_int32 bx, by, bw, bh;
        PIX *comp;

        boxaGetBoxGeometry(boxa, i, &bx, &by, &bw, &bh);
        if (by + bh <= f->iy0 || by >= f->iy1)
            continue;
        comp = pixaGetPix(pixa, i, L_CLONE);
        pixRasterop(keep, bx, by, bw, bh, PIX_SRC | PIX_DST, comp, 0, 0);
        pixDestroy(&comp);
        if (by <= 0 || by + bh >= h)
            *cut = 1;
        int ih = f->iy1 - f->iy0;
        int edge = bx <= 0 || bx + bw >= w || by <= f->iy0 || by + bh >= f->iy1;
        int middle = bx < 3 * w / 4 && bx + bw > w / 4 && by < f->iy0 + 3 * ih / 4
                  && by + bh > f->iy0 + ih / 4;
        if (edge && !middle)
            *stray = 1;
    }
    boxaDestroy(&boxa);
    pixaDestroy(&pixa);
    pixDestroy(&ext);
    return keep;
}

int ocr_read_hand_digits(struct ocr_reader *r, const struct ocr_page *p,
                         const struct ocr_box *box, struct ocr_hand_text *out, struct berr *e)
{
    struct ocr_field f;
    int rc, n = 0;

    memset(out, 0, sizeof(*out));
    if (r->hand == NULL)
        return berr_set(e, BERR_NOTFOUND, "%s: 手書き数字のモデルがありません", p->name);
    rc = ocr_field_prep(p, box, 1, &f, e);
    if (rc < 0)
        return rc;
    out->ncells = f.ncells;
    out->all_sure = 1;
    for (int i = 0; i < f.ncells; i++) {
        PIX *in = ocr_field_interior(&f, f.cx0[i], f.cx1[i]);
        struct ocr_hand_cell *c = &out->cell[i];
        float pix[OCR_HAND_NPIX], dir[OCR_HAND_NDIR];

        c->digit_agreed = -1;
        out->cells[i] = ' ';
        int cut = 0, stray = 0;
        PIX *wr = in != NULL && has_stroke(in, f.k)
                ? cell_writing(&f, in, f.cx0[i], f.cx1[i], &cut, &stray) : NULL;
        if (wr != NULL && ocr_hand_features(wr, pix, dir) == 0) {
            c->inked = 1;
            ocr_hand_classify(r->hand, pix, dir, c);
            c->stray = cut || stray;
            if (c->stray) {
                c->sure = 0;
                c->digit_agreed = -1;
            }
            out->cells[i] = c->sure ? (char)('0' + c->digit_agreed) : '?';
            out->value[n++] = out->cells[i];
            out->cells_inked++;
            out->all_sure &= c->sure;
        }
        pixDestroy(&wr);
        pixDestroy(&in);
    }
    out->cells[f.ncells] = '\0';
    out->value[n] = '\0';
    out->empty = out->cells_inked == 0;
    if (out->empty)
        out->all_sure = 0;
    ocr_field_release(&f);
    return 0;
}

int ocr_reader_has_hand_kana(const struct ocr_reader *r)
{
    return r != NULL && ocr_hand_has_kana(r->hand);
}

int ocr_read_hand_kana(struct ocr_reader *r, const struct ocr_page *p, const struct ocr_box *box,
                       struct ocr_hand_kana *out, struct berr *e)
{
    struct ocr_field f;
    int rc;

    memset(out, 0, sizeof(*out));
    if (!ocr_reader_has_hand_kana(r))
        return berr_set(e, BERR_NOTFOUND, "%s: 手書きカナのモデルがありません", p->name);
    rc = ocr_field_prep(p, box, 1, &f, e);
    if (rc < 0)
        return rc;
    out->ncells = f.ncells;
    out->all_sure = 1;
    for (int i = 0; i < f.ncells; i++) {
        PIX *in = ocr_field_interior(&f, f.cx0[i], f.cx1[i]);
        struct ocr_kana_cell *c = &out->cell[i];
        float pix[OCR_HAND_NPIX], dir[OCR_HAND_NDIR], geo[OCR_KANA_NGEO];
        int cut = 0, stray = 0;

        c->agreed = -1;
        PIX *wr = in != NULL && has_stroke(in, f.k)
                ? cell_writing(&f, in, f.cx0[i], f.cx1[i], &cut, &stray) : NULL;
        if (wr != NULL && ocr_hand_features(wr, pix, dir) == 0
            && ocr_hand_geometry(wr, f.iy0, f.iy1 - f.iy0, geo) == 0) {
            c->inked = 1;
            ocr_hand_classify_kana(r->hand, pix, dir, geo, c);
            c->stray = cut || stray;
            if (c->stray) {
                c->sure = 0;
                c->agreed = -1;
            }
            out->cells_inked++;
            out->all_sure &= c->sure;
        }
        pixDestroy(&wr);
        pixDestroy(&in);
    }
    out->empty = out->cells_inked == 0;
    if (out->empty)
        out->all_sure = 0;
    ocr_field_release(&f);
    return 0;
}
