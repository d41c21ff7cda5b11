/*
 * hand.c: the handwriting recognisers behind ocr_read_hand_digits() and
 * ocr_read_hand_kana() (digits; katakana, one per カナ box cell).
 * Two models that look at a cell differently, so that they do not share
 * their errors:
 *   mlp  a FANN multilayer perceptron on the ink's coverage, normalised
 *        into a 16 x 16 grid (aspect kept, centred on the ink's box)
 *   svm  a libsvm RBF support vector machine on gradient directions:
 *        8 directions x 4 x 4 zones of a 32 x 32 normalisation (128)
 * The katakana pair (optional files) sees the same features plus the
 * ink's box in the cell, 58 classes (ocr.h), and keeps every class's
 * probability for closed-set matching (intake/settle.c).
 * Both models are trained by tools/train_digits.c (make model) on
 * synthetic cells and loaded from a directory (ocr/models in the source
 * tree, $(PREFIX)/share/boshi/models installed).  A cell counts as read
 * only when both name the same digit, each with its margin
 * (OCR_HAND_MLP_* and OCR_HAND_SVM_* in ocr.h, calibrated in ocr/MODEL.md).
 *
 * Not for: segmentation of the comb and following the writing across the
 * cell lines (reader.c), acceptance (intake/).
 */
#include "ocr/ocr-internal.h"
#include "boshi-config.h"

#include <fann.h>
#include <libsvm/svm.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ocr_hand {
    struct fann *mlp;
    struct svm_model *svm;
    struct fann *kmlp;          /* katakana; NULL when its files are not there */
    struct svm_model *ksvm;
};

static const char *const kana_labels[OCR_KANA_NCLASS] = {
    "ア", "イ", "ウ", "エ", "オ", "カ", "キ", "ク", "ケ", "コ", "サ", "シ", "ス", "セ", "ソ",
    "タ", "チ", "ツ", "テ", "ト", "ナ", "ニ", "ヌ", "ネ", "ノ", "ハ", "ヒ", "フ", "ヘ", "ホ",
    "マ", "ミ", "ム", "メ", "モ", "ヤ", "ユ", "ヨ", "ラ", "リ", "ル", "レ", "ロ", "ワ", "ヲ",
    "ン", "ァ", "ィ", "ゥ", "ェ", "ォ", "ッ", "ャ", "ュ", "ョ", "ー", "゛", "゜",
};

const char *ocr_kana_label(int cls)
{
    return cls >= 0 && cls < OCR_KANA_NCLASS ? kana_labels[cls] : NULL;
}

/* Voiced and semi-voiced katakana: the character, its base, the mark. */
static const struct {
    const char *k, *base;
    int mark;
} voiced[] = {
    { "ガ", "カ", OCR_KANA_DAKUTEN }, { "ギ", "キ", OCR_KANA_DAKUTEN },
    { "グ", "ク", OCR_KANA_DAKUTEN }, { "ゲ", "ケ", OCR_KANA_DAKUTEN },
    { "ゴ", "コ", OCR_KANA_DAKUTEN }, { "ザ", "サ", OCR_KANA_DAKUTEN },
    { "ジ", "シ", OCR_KANA_DAKUTEN }, { "ズ", "ス", OCR_KANA_DAKUTEN },
    { "ゼ", "セ", OCR_KANA_DAKUTEN }, { "ゾ", "ソ", OCR_KANA_DAKUTEN },
    { "ダ", "タ", OCR_KANA_DAKUTEN }, { "ヂ", "チ", OCR_KANA_DAKUTEN },
    { "ヅ", "ツ", OCR_KANA_DAKUTEN }, { "デ", "テ", OCR_KANA_DAKUTEN },
    { "ド", "ト", OCR_KANA_DAKUTEN }, { "バ", "ハ", OCR_KANA_DAKUTEN },
    { "ビ", "ヒ", OCR_KANA_DAKUTEN }, { "ブ", "フ", OCR_KANA_DAKUTEN },
    { "ベ", "ヘ", OCR_KANA_DAKUTEN }, { "ボ", "ホ", OCR_KANA_DAKUTEN },
    { "ヴ", "ウ", OCR_KANA_DAKUTEN }, { "パ", "ハ", OCR_KANA_HANDAKUTEN },
    { "ピ", "ヒ", OCR_KANA_HANDAKUTEN }, { "プ", "フ", OCR_KANA_HANDAKUTEN },
    { "ペ", "ヘ", OCR_KANA_HANDAKUTEN }, { "ポ", "ホ", OCR_KANA_HANDAKUTEN },
};

static int label_class(const char *s, size_t n)
{
    for (int c = 0; c < OCR_KANA_NCLASS; c++)
        if (strlen(kana_labels[c]) == n && memcmp(kana_labels[c], s, n) == 0)
            return c;
    return -1;
}

int ocr_kana_cells(const char *kana, int split_marks, int *cls, int max)
{
    int n = 0;

    for (const char *s = kana; *s;) {
        size_t k = 1;
        int c = -1, mark = -1;
        while ((s[k] & 0xC0) == 0x80)
            k++;
        if (*s == ' ' || (k == 3 && memcmp(s, "\xE3\x80\x80", 3) == 0)) {
            c = OCR_KANA_EMPTY;
        } else if ((c = label_class(s, k)) < 0) {
            for (size_t i = 0; i < sizeof(voiced) / sizeof(voiced[0]); i++)
                if (strlen(voiced[i].k) == k && memcmp(voiced[i].k, s, k) == 0) {
                    c = label_class(voiced[i].base, strlen(voiced[i].base));
                    mark = voiced[i].mark;
                }
            if (c < 0)
                return -1;
        }
        if (n < max)
            cls[n] = c;
        n++;
        if (mark >= 0 && split_marks) {
            if (n < max)
                cls[n] = mark;
            n++;
        }
        s += k;
    }
    return n;
}

void ocr_hand_free(struct ocr_hand **h)
{
    if (h == NULL || *h == NULL)
        return;
    if ((*h)->mlp != NULL)
        fann_destroy((*h)->mlp);
    if ((*h)->svm != NULL)
        svm_free_and_destroy_model(&(*h)->svm);
    if ((*h)->kmlp != NULL)
        fann_destroy((*h)->kmlp);
    if ((*h)->ksvm != NULL)
        svm_free_and_destroy_model(&(*h)->ksvm);
    free(*h);
    *h = NULL;
}

int ocr_hand_open(const char *dir, struct ocr_hand **out, struct berr *e)
{
    struct ocr_hand *h = xcalloc(1, sizeof(*h));
    char *mlp = xasprintf("%s/%s", dir, OCR_HAND_MLP_FILE);
    char *svm = xasprintf("%s/%s", dir, OCR_HAND_SVM_FILE);
    int rc = 0;

    *out = NULL;
    if (access(mlp, R_OK) != 0 || access(svm, R_OK) != 0) {
        rc = berr_set(e, BERR_NOTFOUND, "手書き数字のモデルがありません (%s)", dir);
        goto cleanup;
    }
    /* FANN reads its file with fscanf("%f"): the C locale is the caller's
     * (ocr_reader_open sets it) */
    h->mlp = fann_create_from_file(mlp);
    h->svm = svm_load_model(svm);
    if (h->mlp == NULL || h->svm == NULL || fann_get_num_input(h->mlp) != OCR_HAND_NPIX
        || fann_get_num_output(h->mlp) != 10 || svm_get_nr_class(h->svm) != 10
        || !svm_check_probability_model(h->svm)) {
        rc = berr_set(e, BERR_FAIL, "手書き数字のモデルを読み込めません (%s)", dir);
        goto cleanup;
    }
    /* the katakana models are optional: without them カナ goes to Tesseract */
    free(mlp);
    free(svm);
    mlp = xasprintf("%s/%s", dir, OCR_KANA_MLP_FILE);
    svm = xasprintf("%s/%s", dir, OCR_KANA_SVM_FILE);
    if (access(mlp, R_OK) == 0 || access(svm, R_OK) == 0) {
        h->kmlp = fann_create_from_file(mlp);
        h->ksvm = svm_load_model(svm);
        if (h->kmlp == NULL || h->ksvm == NULL
            || fann_get_num_input(h->kmlp) != OCR_HAND_NPIX + OCR_KANA_NGEO
            || fann_get_num_output(h->kmlp) != OCR_KANA_NCLASS
            || svm_get_nr_class(h->ksvm) != OCR_KANA_NCLASS
            || !svm_check_probability_model(h->ksvm)) {
            rc = berr_set(e, BERR_FAIL, "手書きカナのモデルを読み込めません (%s)", dir);
            goto cleanup;
        }
    }
    *out = h;
    h = NULL;
cleanup:
    ocr_hand_free(&h);
    free(mlp);
    free(svm);
    return rc;
}

/*
 * The ink of bin inside (bx, by, bw, bh), scaled by s into a g x g grid
 * at offset (ox, oy): each source pixel adds its area to the grid cells
 * it overlaps; the grid is then clamped to 0..1 coverage.
 */
static void splat(PIX *bin, int bx, int by, int bw, int bh, double s, double ox, double oy,
                  int g, float *grid)
{
    l_uint32 *data = pixGetData(bin);
    int wpl = pixGetWpl(bin);

    memset(grid, 0, sizeof(float) * (size_t)g * (size_t)g);
    for (int y = by; y < by + bh; y++) {
        l_uint32 *line = data + y * wpl;
        double v0 = oy + (y - by) * s, v1 = v0 + s;
        for (int x = bx; x < bx + bw; x++) {
            if (!GET_DATA_BIT(line, x))
                continue;
            double u0 = ox + (x - bx) * s, u1 = u0 + s;
            for (int gy = (int)floor(v0); gy < (int)ceil(v1); gy++) {
                if (gy < 0 || gy >= g)
                    continue;
                double dy = fmin(v1, gy + 1.0) - fmax(v0, (double)gy);
                for (int gx = (int)floor(u0); gx < (int)ceil(u1); gx++) {
                    if (gx < 0 || gx >= g)
                        continue;
                    double dx = fmin(u1, gx + 1.0) - fmax(u0, (double)gx);
                    if (dx > 0 && dy > 0)
                        grid[gy * g + gx] += (float)(dx * dy);
                }
            }
        }
    }
    for (int i = 0; i < g * g; i++)
        if (grid[i] > 1.0f)
            grid[i] = 1.0f;
}

char *ocr_kana_compose(const int *cls, int n)
{
    struct buf b;
    int pending_space = 0;

    buf_init(&b);
    for (int i = 0; i < n; i++) {
        int c = cls[i];
        if (c == OCR_KANA_EMPTY || c < 0 || c >= OCR_KANA_NCLASS) {
            pending_space = b.len > 0;
            continue;
        }
        if (pending_space)
            buf_adds(&b, "\xE3\x80\x80");
        pending_space = 0;
        const char *base = kana_labels[c], *joined = NULL;
        if (i + 1 < n && (cls[i + 1] == OCR_KANA_DAKUTEN || cls[i + 1] == OCR_KANA_HANDAKUTEN))
            for (size_t v = 0; v < sizeof(voiced) / sizeof(voiced[0]); v++)
                if (voiced[v].mark == cls[i + 1] && strcmp(voiced[v].base, base) == 0)
                    joined = voiced[v].k;
        buf_adds(&b, joined ? joined : base);
        if (joined)
            i++;
    }
    return buf_detach(&b);
}

/* The ink's box fitted into `fit` of a g x g grid, aspect kept, centred. */
static void normalise(PIX *bin, const BOX *fg, int g, int fit, float *grid)
{
    l_int32 bx, by, bw, bh;
    double s;

    boxGetGeometry((BOX *)fg, &bx, &by, &bw, &bh);
    s = (double)fit / (bw > bh ? bw : bh);
    splat(bin, bx, by, bw, bh, s, (g - bw * s) / 2, (g - bh * s) / 2, g, grid);
}

int ocr_hand_features(PIX *bin, float pix[OCR_HAND_NPIX], float dir[OCR_HAND_NDIR])
{
    enum { G = 32, Z = 4, D = 8 };
    float big[G * G];
    BOX *fg = NULL;
    double sum = 0;

    if (bin == NULL || pixGetDepth(bin) != 1 || pixClipBoxToForeground(bin, NULL, NULL, &fg) != 0
        || fg == NULL)
        return -1;
    normalise(bin, fg, 16, 14, pix);
    normalise(bin, fg, G, 28, big);
    boxDestroy(&fg);
    memset(dir, 0, sizeof(float) * OCR_HAND_NDIR);
    for (int y = 1; y < G - 1; y++)
        for (int x = 1; x < G - 1; x++) {
#define P(dx, dy) big[(y + (dy)) * G + x + (dx)]
            double gx = (P(1, -1) + 2 * P(1, 0) + P(1, 1)) - (P(-1, -1) + 2 * P(-1, 0) + P(-1, 1));
            double gy = (P(-1, 1) + 2 * P(0, 1) + P(1, 1)) - (P(-1, -1) + 2 * P(0, -1) + P(1, -1));
#undef P
            double m = hypot(gx, gy);
            if (m < 1e-3)
                continue;
            double a = atan2(gy, gx) / (2 * M_PI) * D;
            if (a < 0)
                a += D;
            int d0 = (int)floor(a) % D, d1 = (d0 + 1) % D;
            double w1 = a - floor(a);
            int zone = (y * Z / G) * Z + x * Z / G;
            dir[zone * D + d0] += (float)(m * (1 - w1));
            dir[zone * D + d1] += (float)(m * w1);
        }
    for (int i = 0; i < OCR_HAND_NDIR; i++)
        sum += dir[i];
    for (int i = 0; i < OCR_HAND_NDIR; i++)
        dir[i] = sum > 0 ? (float)sqrt(dir[i] / sum) : 0.0f;
    return 0;
}

/* Best and second-best index of v[0..9]. */
static void top2(const double *v, int *best, int *second)
{
    *best = 0;
    *second = 1;
    if (v[1] > v[0]) {
        *best = 1;
        *second = 0;
    }
    for (int i = 2; i < 10; i++) {
        if (v[i] > v[*best]) {
            *second = *best;
            *best = i;
        } else if (v[i] > v[*second]) {
            *second = i;
        }
    }
}

void ocr_hand_classify(struct ocr_hand *h, const float pix[OCR_HAND_NPIX],
                       const float dir[OCR_HAND_NDIR], struct ocr_hand_cell *out)
{
    fann_type in[OCR_HAND_NPIX], *o;
    struct svm_node nodes[OCR_HAND_NDIR + 1];
    double v[10], prob[10];
    int labels[10], b, s;

    for (int i = 0; i < OCR_HAND_NPIX; i++)
        in[i] = pix[i];
    o = fann_run(h->mlp, in);
    for (int i = 0; i < 10; i++)
        v[i] = o[i];
    top2(v, &b, &s);
    out->digit[0] = b;
    out->score[0] = v[b];
    out->margin[0] = v[b] - v[s];

    for (int i = 0; i < OCR_HAND_NDIR; i++) {
        nodes[i].index = i + 1;
        nodes[i].value = dir[i];
    }
    nodes[OCR_HAND_NDIR].index = -1;
    svm_predict_probability(h->svm, nodes, prob);
    svm_get_labels(h->svm, labels);
    for (int i = 0; i < 10; i++)
        v[i] = 0;
    for (int i = 0; i < 10; i++)
        if (labels[i] >= 0 && labels[i] < 10)
            v[labels[i]] = prob[i];
    top2(v, &b, &s);
    out->digit[1] = b;
    out->score[1] = v[b];
    out->margin[1] = v[b] - v[s];

    out->sure = out->digit[0] == out->digit[1]
             && out->score[0] >= OCR_HAND_MLP_MIN && out->margin[0] >= OCR_HAND_MLP_MARGIN
             && out->score[1] >= OCR_HAND_SVM_MIN && out->margin[1] >= OCR_HAND_SVM_MARGIN;
    out->digit_agreed = out->sure ? out->digit[0] : -1;
}

int ocr_hand_geometry(PIX *bin, int iy0, int ih, float geo[OCR_KANA_NGEO])
{
    BOX *fg = NULL;
    l_int32 bx, by, bw, bh;
    int w = bin != NULL ? pixGetWidth(bin) : 0;

    if (bin == NULL || ih <= 0 || w <= 0 || pixClipBoxToForeground(bin, NULL, NULL, &fg) != 0
        || fg == NULL)
        return -1;
    boxGetGeometry(fg, &bx, &by, &bw, &bh);
    boxDestroy(&fg);
    geo[0] = (float)bh / ih;
    geo[1] = (float)bw / w;
    geo[2] = (float)(by + bh / 2.0 - iy0) / ih;
    geo[3] = (float)(bx + bw / 2.0) / w;
    return 0;
}

int ocr_hand_has_kana(const struct ocr_hand *h)
{
    return h != NULL && h->kmlp != NULL && h->ksvm != NULL;
}

/* Best and second-best of v[0..n-1]. */
static void top2n(const double *v, int n, int *best, int *second)
{
    *best = 0;
    *second = 1;
    if (v[1] > v[0]) {
        *best = 1;
        *second = 0;
    }
    for (int i = 2; i < n; i++) {
        if (v[i] > v[*best]) {
            *second = *best;
            *best = i;
        } else if (v[i] > v[*second]) {
            *second = i;
        }
    }
}

void ocr_hand_classify_kana(struct ocr_hand *h, const float pix[OCR_HAND_NPIX],
                            const float dir[OCR_HAND_NDIR], const float geo[OCR_KANA_NGEO],
                            struct ocr_kana_cell *out)
{
    enum { N = OCR_KANA_NCLASS };
    fann_type in[OCR_HAND_NPIX + OCR_KANA_NGEO], *o;
    struct svm_node nodes[OCR_HAND_NDIR + OCR_KANA_NGEO + 1];
    double prob[N], sum = 0;
    int labels[N], b, s;

    for (int i = 0; i < OCR_HAND_NPIX; i++)
        in[i] = pix[i];
    for (int i = 0; i < OCR_KANA_NGEO; i++)
        in[OCR_HAND_NPIX + i] = geo[i];
    o = fann_run(h->kmlp, in);
    for (int i = 0; i < N; i++)
        sum += (o[i] > 0 ? o[i] : 0) + 1e-4;
    for (int i = 0; i < N; i++)
        out->prob[0][i] = ((o[i] > 0 ? o[i] : 0) + 1e-4) / sum;

    for (int i = 0; i < OCR_HAND_NDIR; i++) {
        nodes[i].index = i + 1;
        nodes[i].value = dir[i];
    }
    for (int i = 0; i < OCR_KANA_NGEO; i++) {
        nodes[OCR_HAND_NDIR + i].index = OCR_HAND_NDIR + i + 1;
        nodes[OCR_HAND_NDIR + i].value = OCR_KANA_GEO_WEIGHT * geo[i];
    }
    nodes[OCR_HAND_NDIR + OCR_KANA_NGEO].index = -1;
    svm_predict_probability(h->ksvm, nodes, prob);
    svm_get_labels(h->ksvm, labels);
    for (int i = 0; i < N; i++)
        out->prob[1][i] = 0;
    for (int i = 0; i < N; i++)
        if (labels[i] >= 0 && labels[i] < N)
            out->prob[1][labels[i]] = prob[i];
    for (int m = 0; m < 2; m++) {
        top2n(out->prob[m], N, &b, &s);
        out->best[m] = b;
        out->score[m] = out->prob[m][b];
        out->margin[m] = out->prob[m][b] - out->prob[m][s];
    }
    out->sure = out->best[0] == out->best[1]
             && out->score[0] >= OCR_KANA_MLP_MIN && out->margin[0] >= OCR_KANA_MLP_MARGIN
             && out->score[1] >= OCR_KANA_SVM_MIN && out->margin[1] >= OCR_KANA_SVM_MARGIN;
    out->agreed = out->sure ? out->best[0] : -1;
}

char *ocr_hand_find_dir(void)
{
    const char *env = getenv("BOSHI_MODEL_DIR");
    char exe[4096], *d;
    ssize_t n;

    if (env != NULL)
        return strcmp(env, "off") == 0 ? NULL : xstrdup(env);
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        static const char *const rel[] = { "/ocr/models", "/../ocr/models", "/../../ocr/models",
                                           "/../../../ocr/models" };
        char *slash;

        exe[n] = '\0';
        slash = strrchr(exe, '/');
        if (slash != NULL)
            *slash = '\0';
        for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
            d = xasprintf("%s%s/%s", exe, rel[i], OCR_HAND_MLP_FILE);
            if (access(d, R_OK) == 0) {
                d[strlen(d) - strlen(OCR_HAND_MLP_FILE) - 1] = '\0';
                return d;
            }
            free(d);
        }
    }
    d = xstrdup(BOSHI_DATADIR "/models/" OCR_HAND_MLP_FILE);
    if (access(d, R_OK) == 0) {
        d[strlen(d) - strlen(OCR_HAND_MLP_FILE) - 1] = '\0';
        return d;
    }
    free(d);
    return NULL;
}
