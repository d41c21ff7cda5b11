/*
 * pdf.c: millimetre, top-left drawing over libharu (see pdf.h for the
 * geometry and error rules).
 * Not for: what goes on a page; that is decided by the callers.
 *
 * libharu keeps one error state per document: after any error it refuses
 * every further call (HPDF_HasDoc fails).  We mirror that: on_hpdf_error()
 * and settle() copy the first error into p->err, and every public function
 * starts by returning p->err.code if it is set.  Some libharu paths set the
 * error without calling the handler, so settle() also polls HPDF_GetError
 * after each group of calls.
 *
 * Points are computed in double and handed to libharu as float (HPDF_REAL);
 * libharu writes them with up to 4 decimals, i.e. 0.035 um of error.
 */
#include "reports/pdf.h"

#include <hpdf.h>
#include <hpdf_font.h>
#include <hpdf_streams.h>
#include <qrencode.h>

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PT_PER_MM (72.0 / 25.4)
#define MAX_FONT_PT 300.0
#define MAX_LINE_MM 10.0

struct pdf {
    HPDF_Doc doc;
    HPDF_Page page;                /* current page; NULL before the first */
    double page_w, page_h;         /* current page, mm */
    int pages;
    HPDF_Font font[PDF_FONT_COUNT];        /* NULL until first used */
    int ascent[PDF_FONT_COUNT];            /* 1/1000 em, descent negative */
    int descent[PDF_FONT_COUNT];
    HPDF_Font xfont[PDF_FONT_EXTRA_MAX];   /* pdf_font_add(): ids PDF_FONT_COUNT + i */
    int xascent[PDF_FONT_EXTRA_MAX], xdescent[PDF_FONT_EXTRA_MAX];
    int n_xfonts;
    const char *doing;             /* what we were doing, for messages */
    int reading_back;              /* pdf_save copying the stream out */
    struct berr err;               /* first error; err.code != 0 is sticky */
};

static const char *const font_path[PDF_FONT_COUNT] = {
    [PDF_GOTHIC] = PDF_FONT_GOTHIC_PATH,
    [PDF_MINCHO] = PDF_FONT_MINCHO_PATH,
};

/* The libharu errors a member of staff might meet, in words. */
static const struct {
    HPDF_STATUS code;
    const char *text;
} hpdf_errors[] = {
    { HPDF_FAILD_TO_ALLOC_MEM, "メモリが不足しています" },
    { HPDF_FILE_IO_ERROR, "ファイルの入出力に失敗しました" },
    { HPDF_FILE_OPEN_ERROR, "ファイルを開けません" },
    { HPDF_TTF_CANNOT_EMBEDDING_FONT, "このフォントは埋め込みが許可されていません" },
    { HPDF_TTF_INVALID_FOMAT, "TrueType フォントの形式が不正です" },
    { HPDF_INVALID_FONT_NAME, "フォント名が不正です" },
    { HPDF_PAGE_OUT_OF_RANGE, "値が範囲外です" },
    { HPDF_PAGE_INVALID_GMODE, "描画の順序が不正です (内部エラー)" },
    { HPDF_INVALID_ENCODER, "文字コードの変換器が不正です" },
    { HPDF_STRING_OUT_OF_RANGE, "文字列が長すぎます" },
};

static void record_hpdf(struct pdf *p, HPDF_STATUS code, HPDF_STATUS detail)
{
    const char *text = "libharu のエラー";

    if (p->err.code != 0)
        return;
    for (size_t i = 0; i < sizeof(hpdf_errors) / sizeof(hpdf_errors[0]); i++)
        if (hpdf_errors[i].code == code)
            text = hpdf_errors[i].text;
    berr_set(&p->err, BERR_FAIL, "PDF 作成エラー (%s): %s (libharu 0x%04X/%u)",
             p->doing ? p->doing : "処理中", text, (unsigned)code, (unsigned)detail);
}

static void HPDF_STDCALL on_hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *user)
{
    struct pdf *p = user;

    /* The end of the in-memory stream is how pdf_save knows it is done. */
    if (p->reading_back && code == HPDF_STREAM_EOF)
        return;
    record_hpdf(p, code, detail);
}

/* Picks up an error libharu set without calling the handler. */
static int settle(struct pdf *p)
{
    HPDF_STATUS st;

    if (p->err.code != 0)
        return p->err.code;
    st = HPDF_GetError(p->doc);
    if (st != HPDF_OK)
        record_hpdf(p, st, HPDF_GetErrorDetail(p->doc));
    return p->err.code;
}

static int invalid(struct pdf *p, const char *fmt, const char *what)
{
    if (p->err.code == 0)
        berr_set(&p->err, BERR_INVALID, fmt, what);
    return p->err.code;
}

/* Common entry of drawing calls: sticky error, then there must be a page. */
static int begin(struct pdf *p, const char *doing)
{
    assert(p != NULL);
    if (p->err.code != 0)
        return p->err.code;
    assert(p->page != NULL && "pdf: draw before pdf_page_add");
    p->doing = doing;
    return 0;
}

static HPDF_REAL px(double x_mm)
{
    return (HPDF_REAL)(x_mm * PT_PER_MM);
}

/* y measured down from the top of the current page -> PDF y up from the bottom. */
static HPDF_REAL py(const struct pdf *p, double y_mm)
{
    return (HPDF_REAL)((p->page_h - y_mm) * PT_PER_MM);
}

static int line_ok(double line_mm)
{
    return line_mm > 0 && line_mm <= MAX_LINE_MM;
}

int pdf_open(struct pdf **out, struct berr *e)
{
    struct pdf *p = xcalloc(1, sizeof(*p));
    int rc = 0;

    *out = NULL;
    for (int f = 0; f < PDF_FONT_COUNT; f++) {
        if (access(font_path[f], R_OK) != 0) {
            rc = berr_set(e, BERR_FAIL, "%s: フォントを読めません (%s)。fonts-ipaexfont を"
                          "インストールしてください", font_path[f], strerror(errno));
            goto cleanup;
        }
    }
    p->doing = "文書の作成";
    p->doc = HPDF_New(on_hpdf_error, p);
    if (p->doc == NULL) {
        rc = berr_set(e, BERR_FAIL, "PDF 文書を作成できません (libharu)");
        goto cleanup;
    }
    HPDF_SetCompressionMode(p->doc, HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(p->doc);
    /*
     * A page node holds at most 32767 pages (HPDF_LIMIT_MAX_ARRAY): a city's
     * month of letters and forms can pass that.  Nodes of 1000 pages lift it.
     */
    HPDF_SetPagesConfiguration(p->doc, 1000);
    HPDF_SetCurrentEncoder(p->doc, "UTF-8");
    HPDF_SetInfoAttr(p->doc, HPDF_INFO_CREATOR, "boshi");
    /* Forms are read back at their printed size: ask viewers not to "fit". */
    HPDF_SetViewerPreference(p->doc, HPDF_PRINT_SCALING_NONE);
    rc = settle(p);
    if (rc < 0) {
        rc = berr_set(e, rc, "%s", p->err.msg);
        goto cleanup;
    }
    *out = p;
    p = NULL;
cleanup:
    pdf_free(&p);
    return rc;
}

void pdf_free(struct pdf **pp)
{
    if (pp == NULL || *pp == NULL)
        return;
    if ((*pp)->doc != NULL)
        HPDF_Free((*pp)->doc);
    free(*pp);
    *pp = NULL;
}

int pdf_error(const struct pdf *p, struct berr *e)
{
    if (p->err.code != 0)
        return berr_set(e, p->err.code, "%s", p->err.msg);
    return 0;
}

int pdf_page_add(struct pdf *p, enum pdf_orientation o)
{
    HPDF_Page page;

    if (p->err.code != 0)
        return p->err.code;
    p->doing = "ページの追加";
    page = HPDF_AddPage(p->doc);
    if (page == NULL)
        return settle(p) < 0 ? p->err.code : invalid(p, "%s", "ページを追加できません");
    p->page_w = o == PDF_LANDSCAPE ? PDF_A4_HEIGHT_MM : PDF_A4_WIDTH_MM;
    p->page_h = o == PDF_LANDSCAPE ? PDF_A4_WIDTH_MM : PDF_A4_HEIGHT_MM;
    HPDF_Page_SetWidth(page, px(p->page_w));
    HPDF_Page_SetHeight(page, px(p->page_h));
    p->page = page;
    p->pages++;
    return settle(p);
}

int pdf_page_count(const struct pdf *p)
{
    return p->pages;
}

void pdf_page_size(const struct pdf *p, double *w_mm, double *h_mm)
{
    *w_mm = p->page_w;
    *h_mm = p->page_h;
}

/* ---- text ------------------------------------------------------------ */

/*
 * libharu 2.3.0 writes, as the /ToUnicode of a TrueType font with its
 * UTF-8 encoder, the encoding CMap itself (a `begincidrange` that maps
 * codes to CIDs): poppler warns "Invalid 'begincidrange' operator in
 * ToUnicode CMap" for every page and text extraction works only by
 * fallback.  The codes that encoder writes are the characters' UTF-16 (BMP)
 * values (the CIDToGIDMap maps them to glyphs), so the right ToUnicode is
 * the identity on the BMP; it is written into the same stream object.
 * Uses libharu's installed internal headers (hpdf_font.h: the font's
 * attributes, cmap_stream); a no-op for a font without that stream.
 */
static int fix_tounicode(HPDF_Font font)
{
    HPDF_FontAttr attr = font ? (HPDF_FontAttr)font->attr : NULL;
    HPDF_Stream st;
    char line[64];
    int ranges = 0, rc = 0;

    if (attr == NULL || attr->cmap_stream == NULL || attr->cmap_stream->stream == NULL)
        return 0;
    st = attr->cmap_stream->stream;
    if (st->type != HPDF_STREAM_MEMORY)
        return -1;
    HPDF_MemStream_FreeData(st);
    rc |= HPDF_Stream_WriteStr(st, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                               "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 "
                               ">> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                               "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    for (int hi = 0; hi < 256; hi++) {
        if (hi >= 0xD8 && hi <= 0xDF)
            continue;               /* surrogates: never a character's code */
        if (ranges % 100 == 0) {
            int left = 248 - ranges;  /* 256 high bytes less the 8 of the surrogates */
            snprintf(line, sizeof(line), "%s%d beginbfrange\n", ranges ? "endbfrange\n" : "",
                     left < 100 ? left : 100);
            rc |= HPDF_Stream_WriteStr(st, line);
        }
        snprintf(line, sizeof(line), "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
        rc |= HPDF_Stream_WriteStr(st, line);
        ranges++;
    }
    rc |= HPDF_Stream_WriteStr(st, "endbfrange\nendcmap\nCMapName currentdict /CMap "
                               "defineresource pop\nend\nend\n");
    return rc == HPDF_OK ? 0 : -1;
}

/* The font, loading and embedding it at first use. */
static HPDF_Font font_get(struct pdf *p, enum pdf_font f)
{
    const char *name;
    const char *was = p->doing;

    assert(f >= 0 && f < PDF_FONT_COUNT);
    if (p->font[f] != NULL || p->err.code != 0)
        return p->font[f];
    p->doing = "フォントの読み込み";
    name = HPDF_LoadTTFontFromFile(p->doc, font_path[f], HPDF_TRUE);
    if (name != NULL)
        p->font[f] = HPDF_GetFont(p->doc, name, "UTF-8");
    if (settle(p) == 0 && p->font[f] == NULL)
        invalid(p, "%s: フォントを読み込めません", font_path[f]);
    if (p->font[f] != NULL && p->err.code == 0 && fix_tounicode(p->font[f]) < 0)
        invalid(p, "%s: 文字の対応表 (ToUnicode) を書けません", font_path[f]);
    if (p->font[f] != NULL) {
        p->ascent[f] = HPDF_Font_GetAscent(p->font[f]);
        p->descent[f] = HPDF_Font_GetDescent(p->font[f]);
    }
    p->doing = was;
    return p->err.code == 0 ? p->font[f] : NULL;
}

/*
 * The first character outside the BMP in valid UTF-8 s, or 0.  libharu
 * 2.3.0's UTF-8 encoder silently drops them (U+20BB7 𠮷 vanishes from
 * "𠮷田"), so we refuse rather than print a name with a character missing.
 */
static unsigned long first_non_bmp(const unsigned char *s)
{
    for (; *s != '\0'; s++)
        if (*s >= 0xF0)
            return ((unsigned long)(s[0] & 0x07) << 18) | ((unsigned long)(s[1] & 0x3F) << 12) |
                   ((unsigned long)(s[2] & 0x3F) << 6) | (unsigned long)(s[3] & 0x3F);
    return 0;
}

/* Checks size and text: 0, or the sticky error code with p->err set. */
static int text_check(struct pdf *p, double size_pt, const char *s)
{
    unsigned long cp;

    if (!(size_pt > 0 && size_pt <= MAX_FONT_PT))
        return invalid(p, "%s: 文字の大きさが範囲外です", p->doing);
    if (s == NULL || !utf8_valid(s, strlen(s)))
        return invalid(p, "%s: 文字列が UTF-8 として不正です", p->doing);
    cp = first_non_bmp((const unsigned char *)s);
    if (cp != 0) {
        if (p->err.code == 0)
            berr_set(&p->err, BERR_INVALID, "%s: U+%04lX は印字できません (BMP 外の文字)。"
                     "代わりの字 (例: 𠮷→吉) を使ってください", p->doing, cp);
        return p->err.code;
    }
    return 0;
}

/* Checks size and text; returns the font or NULL with p->err set. */
static HPDF_Font text_prepare(struct pdf *p, enum pdf_font f, double size_pt, const char *s)
{
    if (text_check(p, size_pt, s) < 0)
        return NULL;
    return font_get(p, f);
}

/* Advance width in points. */
static double width_pt(HPDF_Font font, double size_pt, const char *s)
{
    HPDF_TextWidth tw = HPDF_Font_TextWidth(font, (const HPDF_BYTE *)s, (HPDF_UINT)strlen(s));

    return tw.width * size_pt / 1000.0;
}

static int draw_text(struct pdf *p, HPDF_Font font, double size_pt, HPDF_REAL x, HPDF_REAL y,
                     const char *s)
{
    if (s[0] == '\0')
        return 0;
    HPDF_Page_SetGrayFill(p->page, 0);
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size_pt);
    HPDF_Page_TextOut(p->page, x, y, s);
    HPDF_Page_EndText(p->page);
    return settle(p);
}

int pdf_text(struct pdf *p, enum pdf_font f, double size_pt, double x, double baseline,
             const char *utf8)
{
    HPDF_Font font;
    int rc = begin(p, "文字の描画");

    if (rc < 0)
        return rc;
    font = text_prepare(p, f, size_pt, utf8);
    if (font == NULL)
        return p->err.code;
    return draw_text(p, font, size_pt, px(x), py(p, baseline), utf8);
}

int pdf_text_box(struct pdf *p, enum pdf_font f, double size_pt, double x, double y,
                 double w, double h, enum pdf_align align, const char *utf8, double *used_pt)
{
    HPDF_Font font;
    double size = size_pt, em, tw, left, base;
    int rc = begin(p, "枠内の文字の描画");

    if (rc < 0)
        return rc;
    font = text_prepare(p, f, size_pt, utf8);
    if (font == NULL)
        return p->err.code;
    if (!(w > 0 && h > 0))
        return invalid(p, "%s: 枠の大きさが不正です", p->doing);
    em = (p->ascent[f] - p->descent[f]) / 1000.0;         /* em box height per pt */
    if (em * size > h * PT_PER_MM)
        size = h * PT_PER_MM / em;
    tw = width_pt(font, size, utf8);
    if (tw > w * PT_PER_MM) {
        size *= w * PT_PER_MM / tw;
        tw = width_pt(font, size, utf8);
    }
    switch (align) {
    case PDF_ALIGN_CENTRE: left = x * PT_PER_MM + (w * PT_PER_MM - tw) / 2; break;
    case PDF_ALIGN_RIGHT: left = (x + w) * PT_PER_MM - tw; break;
    default: left = x * PT_PER_MM; break;
    }
    /* Centre the em box (ascent above, descent below the baseline) in h. */
    base = (p->page_h - y - h / 2) * PT_PER_MM - (p->ascent[f] + p->descent[f]) / 2000.0 * size;
    if (used_pt != NULL)
        *used_pt = size;
    return draw_text(p, font, size, (HPDF_REAL)left, (HPDF_REAL)base, utf8);
}

int pdf_text_width(struct pdf *p, enum pdf_font f, double size_pt, const char *utf8,
                   double *w_mm)
{
    HPDF_Font font;

    *w_mm = 0;
    if (p->err.code != 0)
        return p->err.code;
    p->doing = "文字幅の計算";
    font = text_prepare(p, f, size_pt, utf8);
    if (font == NULL)
        return p->err.code;
    *w_mm = width_pt(font, size_pt, utf8) / PT_PER_MM;
    return settle(p);
}

/* ---- extra fonts ----------------------------------------------------- */

int pdf_font_add(struct pdf *p, const char *ttf_path, int *font_id, struct berr *e)
{
    const char *name;
    HPDF_Font font = NULL;
    int i;

    *font_id = -1;
    if (p->err.code != 0)
        return pdf_error(p, e);
    if (p->n_xfonts == PDF_FONT_EXTRA_MAX)
        return berr_set(e, BERR_INVALID, "%s: 追加できるフォントは %d 個までです", ttf_path,
                        PDF_FONT_EXTRA_MAX);
    if (access(ttf_path, R_OK) != 0)
        return berr_set(e, BERR_FAIL, "%s: フォントを読めません (%s)", ttf_path, strerror(errno));
    p->doing = "フォントの読み込み";
    name = HPDF_LoadTTFontFromFile(p->doc, ttf_path, HPDF_TRUE);
    if (name != NULL)
        font = HPDF_GetFont(p->doc, name, "UTF-8");
    if (settle(p) == 0 && font == NULL)
        invalid(p, "%s: フォントを読み込めません", ttf_path);
    if (font != NULL && p->err.code == 0 && fix_tounicode(font) < 0)
        invalid(p, "%s: 文字の対応表 (ToUnicode) を書けません", ttf_path);
    if (p->err.code != 0)
        return pdf_error(p, e);
    i = p->n_xfonts++;
    p->xfont[i] = font;
    p->xascent[i] = HPDF_Font_GetAscent(font);
    p->xdescent[i] = HPDF_Font_GetDescent(font);
    *font_id = PDF_FONT_COUNT + i;
    return 0;
}

int pdf_text_styled(struct pdf *p, int font_id, double size_pt, double cx, double cy,
                    double angle_deg, double shear, double grey, const char *utf8)
{
    HPDF_Font font;
    int asc, desc, rc = begin(p, "文字の描画");
    double th = angle_deg * 3.14159265358979323846 / 180.0, a, b, c, d, tw, ymid, x0, y0;

    if (rc < 0)
        return rc;
    if (font_id < 0 || font_id >= PDF_FONT_COUNT + p->n_xfonts)
        return invalid(p, "%s: フォント番号が不正です", p->doing);
    if (!(grey >= 0 && grey <= 1) || !(shear >= -1 && shear <= 1))
        return invalid(p, "%s: 濃さまたは傾きが範囲外です", p->doing);
    if (text_check(p, size_pt, utf8) < 0)
        return p->err.code;
    if (font_id < PDF_FONT_COUNT) {
        font = font_get(p, (enum pdf_font)font_id);
        if (font == NULL)
            return p->err.code;
        asc = p->ascent[font_id];
        desc = p->descent[font_id];
    } else {
        font = p->xfont[font_id - PDF_FONT_COUNT];
        asc = p->xascent[font_id - PDF_FONT_COUNT];
        desc = p->xdescent[font_id - PDF_FONT_COUNT];
    }
    if (utf8[0] == '\0')
        return 0;
    /* text space -> page: rotation after a horizontal shear, about the centre */
    a = cos(th);
    b = sin(th);
    c = cos(th) * shear - sin(th);
    d = sin(th) * shear + cos(th);
    tw = width_pt(font, size_pt, utf8);
    ymid = (asc + desc) / 2000.0 * size_pt;
    x0 = cx * PT_PER_MM - (a * tw / 2 + c * ymid);
    y0 = (p->page_h - cy) * PT_PER_MM - (b * tw / 2 + d * ymid);
    HPDF_Page_SetGrayFill(p->page, (HPDF_REAL)grey);
    HPDF_Page_BeginText(p->page);
    HPDF_Page_SetFontAndSize(p->page, font, (HPDF_REAL)size_pt);
    HPDF_Page_SetTextMatrix(p->page, (HPDF_REAL)a, (HPDF_REAL)b, (HPDF_REAL)c, (HPDF_REAL)d,
                            (HPDF_REAL)x0, (HPDF_REAL)y0);
    HPDF_Page_ShowText(p->page, utf8);
    HPDF_Page_EndText(p->page);
    HPDF_Page_SetGrayFill(p->page, 0);
    return settle(p);
}

/* ---- lines and shapes ------------------------------------------------ */

static void path_rect(struct pdf *p, double x, double y, double w, double h)
{
    HPDF_Page_Rectangle(p->page, px(x), py(p, y + h), px(w), px(h));
}

int pdf_line(struct pdf *p, double x1, double y1, double x2, double y2, double line_mm)
{
    int rc = begin(p, "線の描画");

    if (rc < 0)
        return rc;
    if (!line_ok(line_mm))
        return invalid(p, "%s: 線の太さが範囲外です", p->doing);
    HPDF_Page_SetGrayStroke(p->page, 0);
    HPDF_Page_SetLineWidth(p->page, px(line_mm));
    HPDF_Page_MoveTo(p->page, px(x1), py(p, y1));
    HPDF_Page_LineTo(p->page, px(x2), py(p, y2));
    HPDF_Page_Stroke(p->page);
    return settle(p);
}

int pdf_rect(struct pdf *p, double x, double y, double w, double h, double line_mm)
{
    int rc = begin(p, "枠の描画");

    if (rc < 0)
        return rc;
    if (!line_ok(line_mm) || !(w > 0 && h > 0))
        return invalid(p, "%s: 枠の大きさまたは線の太さが不正です", p->doing);
    HPDF_Page_SetGrayStroke(p->page, 0);
    HPDF_Page_SetLineWidth(p->page, px(line_mm));
    path_rect(p, x, y, w, h);
    HPDF_Page_Stroke(p->page);
    return settle(p);
}

int pdf_fill_rect(struct pdf *p, double x, double y, double w, double h, double grey)
{
    int rc = begin(p, "塗りつぶし");

    if (rc < 0)
        return rc;
    if (!(w > 0 && h > 0) || !(grey >= 0 && grey <= 1))
        return invalid(p, "%s: 大きさまたは濃さが不正です", p->doing);
    HPDF_Page_SetGrayFill(p->page, (HPDF_REAL)grey);
    path_rect(p, x, y, w, h);
    HPDF_Page_Fill(p->page);
    return settle(p);
}

int pdf_square(struct pdf *p, double x, double y, double size)
{
    return pdf_fill_rect(p, x, y, size, size, 0.0);
}

int pdf_comb(struct pdf *p, double x, double y, double w, double h, int cells,
             double line_mm, double divider_mm)
{
    int rc = begin(p, "マス目の描画");

    if (rc < 0)
        return rc;
    if (cells < 1 || !line_ok(divider_mm))
        return invalid(p, "%s: マス数または線の太さが不正です", p->doing);
    rc = pdf_rect(p, x, y, w, h, line_mm);
    if (rc < 0 || cells == 1)
        return rc;
    p->doing = "マス目の描画";
    HPDF_Page_SetLineWidth(p->page, px(divider_mm));
    for (int i = 1; i < cells; i++) {
        double cx = x + w * i / cells;
        HPDF_Page_MoveTo(p->page, px(cx), py(p, y));
        HPDF_Page_LineTo(p->page, px(cx), py(p, y + h));
    }
    HPDF_Page_Stroke(p->page);
    return settle(p);
}

int pdf_checkbox(struct pdf *p, double x, double y, double size, int checked)
{
    double in = size * 0.2;
    int rc = pdf_rect(p, x, y, size, size, PDF_CHECKBOX_LINE_MM);

    if (rc < 0 || !checked)
        return rc;
    p->doing = "チェック欄の描画";
    HPDF_Page_SetLineWidth(p->page, px(PDF_CHECKBOX_LINE_MM * 1.5));
    HPDF_Page_MoveTo(p->page, px(x + in), py(p, y + in));
    HPDF_Page_LineTo(p->page, px(x + size - in), py(p, y + size - in));
    HPDF_Page_MoveTo(p->page, px(x + size - in), py(p, y + in));
    HPDF_Page_LineTo(p->page, px(x + in), py(p, y + size - in));
    HPDF_Page_Stroke(p->page);
    return settle(p);
}

/* ---- QR -------------------------------------------------------------- */

int pdf_qr(struct pdf *p, double x, double y, double size, const char *payload,
           double *module_mm)
{
    QRcode *qr = NULL;
    double m;
    int rc = begin(p, "QR コードの描画");

    if (module_mm != NULL)
        *module_mm = 0;
    if (rc < 0)
        return rc;
    if (payload == NULL || payload[0] == '\0' || !(size > 0)) {
        rc = invalid(p, "%s: 内容または大きさが不正です", p->doing);
        goto cleanup;
    }
    qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (qr == NULL) {
        rc = invalid(p, "%s: QR コードを作れません (内容が長すぎる可能性があります)", p->doing);
        goto cleanup;
    }
    m = size / (qr->width + 2 * PDF_QR_QUIET_MODULES);
    if (m < PDF_QR_MIN_MODULE_MM) {
        if (p->err.code == 0)
            berr_set(&p->err, BERR_INVALID, "%s: %.1f mm では小さすぎます (1 モジュール %.2f mm "
                     "< %.2f mm)", p->doing, size, m, PDF_QR_MIN_MODULE_MM);
        rc = p->err.code;
        goto cleanup;
    }
    /* One path of row runs, filled once: adjoining modules have no seams. */
    HPDF_Page_SetGrayFill(p->page, 0);
    for (int r = 0; r < qr->width; r++) {
        const unsigned char *row = qr->data + (size_t)r * (size_t)qr->width;
        for (int c = 0; c < qr->width;) {
            int run = 0;
            while (c + run < qr->width && (row[c + run] & 1))
                run++;
            if (run > 0) {
                path_rect(p, x + (PDF_QR_QUIET_MODULES + c) * m,
                          y + (PDF_QR_QUIET_MODULES + r) * m, run * m, m);
                c += run;
            } else {
                c++;
            }
        }
    }
    HPDF_Page_Fill(p->page);
    if (module_mm != NULL)
        *module_mm = m;
    rc = settle(p);
cleanup:
    if (qr != NULL)
        QRcode_free(qr);
    return rc;
}

/* ---- saving ---------------------------------------------------------- */

/* Copies libharu's in-memory PDF into f. */
static int copy_out(struct pdf *p, FILE *f, const char *tmp, struct berr *e)
{
    HPDF_BYTE chunk[65536];
    HPDF_UINT32 total = HPDF_GetStreamSize(p->doc), done = 0;
    int rc = 0;

    p->reading_back = 1;
    HPDF_ResetStream(p->doc);
    while (done < total) {
        HPDF_UINT32 n = total - done < sizeof(chunk) ? total - done : sizeof(chunk);
        HPDF_STATUS st = HPDF_ReadFromStream(p->doc, chunk, &n);
        if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || n == 0) {
            rc = berr_set(e, BERR_FAIL, "PDF を読み出せません (libharu 0x%04X)", (unsigned)st);
            goto cleanup;
        }
        if (fwrite(chunk, 1, n, f) != n) {
            rc = berr_set(e, BERR_FAIL, "%s: 書き込めません (%s)", tmp, strerror(errno));
            goto cleanup;
        }
        done += n;
    }
cleanup:
    p->reading_back = 0;
    /* The end-of-stream status is not an error of the document. */
    HPDF_ResetError(p->doc);
    return rc;
}

int pdf_save(struct pdf *p, const char *path, struct berr *e)
{
    char *tmp = NULL;
    FILE *f = NULL;
    int fd = -1, created = 0, rc = 0;

    if (p->err.code != 0)
        return pdf_error(p, e);
    if (p->pages == 0) {
        rc = berr_set(e, BERR_INVALID, "%s: ページのない PDF は保存できません", path);
        goto cleanup;
    }
    p->doing = "PDF の書き出し";
    HPDF_SaveToStream(p->doc);
    rc = settle(p);
    if (rc < 0) {
        rc = pdf_error(p, e);
        goto cleanup;
    }
    tmp = xasprintf("%s.tmp-XXXXXX", path);
    fd = mkstemp(tmp);
    if (fd < 0) {
        rc = berr_set(e, BERR_FAIL, "%s: PDF を保存できません (%s)", path, strerror(errno));
        goto cleanup;
    }
    created = 1;
    f = fdopen(fd, "wb");
    if (f == NULL) {
        rc = berr_set(e, BERR_FAIL, "%s: PDF を保存できません (%s)", path, strerror(errno));
        goto cleanup;
    }
    fd = -1;
    rc = copy_out(p, f, tmp, e);
    if (rc < 0)
        goto cleanup;
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: 書き込めません (%s)", path, strerror(errno));
        goto cleanup;
    }
    if (fclose(f) != 0) {
        f = NULL;
        rc = berr_set(e, BERR_FAIL, "%s: 書き込めません (%s)", path, strerror(errno));
        goto cleanup;
    }
    f = NULL;
    if (rename(tmp, path) != 0) {
        rc = berr_set(e, BERR_FAIL, "%s: PDF を保存できません (%s)", path, strerror(errno));
        goto cleanup;
    }
    created = 0;
cleanup:
    if (f != NULL)
        fclose(f);
    if (fd >= 0)
        close(fd);
    if (created)
        unlink(tmp);
    free(tmp);
    return rc;
}
