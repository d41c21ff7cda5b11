/*
 * train_kana: `make model` - trains the two handwritten-katakana
 * recognisers of ocr/hand.c (one カナ box cell: 58 classes, ocr.h) from
 * nothing, with fixed seeds.  The digits' trainer (train_digits.c) is the
 * model; this one differs in its classes, its inputs (the digit features
 * plus the ink's box in the cell, OCR_KANA_NGEO) and its fonts.
 *
 * Data (all made here, reproducibly):
 *   strokes  demo/handkana.c: hands 1..TRAIN_HANDS, cells at 200 and 300 dpi
 *   fonts    IPAex Gothic, IPAex Mincho and Droid Sans Fallback (the
 *            Debian fonts with katakana here, fc-list :lang=ja), rendered
 *            with FreeType with random size, slant, turn, offset, weight,
 *            small kana smaller and lower, ゛ ゜ small and high, scanned
 *            as the strokes.  fonts-klee, fonts-kiloji, fonts-bwht are
 *            never used.
 *   held out hands from HANDDIGIT_HELDOUT_BASE: never trained on.
 * Models: FANN MLP 260-H-58 (RPROP), libsvm C-SVC RBF with probability
 * estimates on the 128 direction features and the geometry.
 *
 * Usage: train_kana OUTDIR [REPORT.md] [--quick] [--eval]
 *   writes OUTDIR/kana-mlp.net, OUTDIR/kana-svm.model and the report.
 */
#include "demo/handkana.h"
#include "ocr/ocr.h"

#include <fann.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <libsvm/svm.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TRAIN_HANDS 400
#define SEED 20261203u
#define NC OCR_KANA_NCLASS
#define NPIX (OCR_HAND_NPIX + OCR_KANA_NGEO)
#define NDIR (OCR_HAND_NDIR + OCR_KANA_NGEO)

static const char *const fonts[] = {
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
};
#define NFONTS (sizeof(fonts) / sizeof(fonts[0]))

struct set {
    int n, cap;
    float (*pix)[NPIX];
    float (*dir)[NDIR];
    int *label;
};

static void set_add(struct set *s, PIX *bin, int label)
{
    float pix[NPIX], dir[NDIR], geo[OCR_KANA_NGEO];

    if (bin == NULL || ocr_hand_features(bin, pix, dir) < 0
        || ocr_hand_geometry(bin, 0, pixGetHeight(bin), geo) < 0)
        return;
    for (int i = 0; i < OCR_KANA_NGEO; i++) {
        pix[OCR_HAND_NPIX + i] = geo[i];
        dir[OCR_HAND_NDIR + i] = OCR_KANA_GEO_WEIGHT * geo[i];
    }
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 1024;
        s->pix = realloc(s->pix, (size_t)s->cap * sizeof(*s->pix));
        s->dir = realloc(s->dir, (size_t)s->cap * sizeof(*s->dir));
        s->label = realloc(s->label, (size_t)s->cap * sizeof(int));
        if (s->pix == NULL || s->dir == NULL || s->label == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    memcpy(s->pix[s->n], pix, sizeof(pix));
    memcpy(s->dir[s->n], dir, sizeof(dir));
    s->label[s->n++] = label;
}

static void set_free(struct set *s)
{
    free(s->pix);
    free(s->dir);
    free(s->label);
    memset(s, 0, sizeof(*s));
}

static void stroke_cells(struct set *s, uint64_t hand0, int hands, int n, uint64_t stream)
{
    struct sim_rng r;

    sim_rng_seed(&r, SEED, stream);
    for (int i = 0; i < n; i++) {
        struct handkana_style st;
        int d = i % NC, dpi = sim_rng_pct(&r, 50) ? 300 : 200;
        handkana_style(&st, hand0 + (uint64_t)sim_rng_int(&r, 0, hands - 1));
        PIX *bin = handkana_cell(&st, &r, d, dpi);
        set_add(s, bin, d);
        pixDestroy(&bin);
    }
}

/* UTF-8 -> one code point (the labels are 3-byte katakana or marks). */
static FT_ULong codepoint(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;

    return ((FT_ULong)(u[0] & 0x0F) << 12) | ((FT_ULong)(u[1] & 0x3F) << 6) | (u[2] & 0x3F);
}

/* One class of a font into a cell's darkness, jittered as the simulator writes. */
static float *font_draw(FT_Face face, struct sim_rng *r, int d, int dpi, int *w, int *h)
{
    double k = dpi / 25.4, cw = sim_rng_uniform(r, 6.0, 7.2) * k;
    double ch = sim_rng_uniform(r, 7.4, 8.6) * k;
    int small = d >= OCR_KANA_SMALL0 && d < OCR_KANA_SMALL0 + 9;
    int mark = d == OCR_KANA_DAKUTEN || d == OCR_KANA_HANDAKUTEN;
    FT_Bitmap *bm;
    float *dark;

    *w = (int)lround(cw);
    *h = (int)lround(ch);
    dark = xcalloc((size_t)*w * (size_t)*h, sizeof(float));
    if (FT_Load_Char(face, codepoint(ocr_kana_label(d)), FT_LOAD_RENDER) != 0)
        return dark;
    bm = &face->glyph->bitmap;
    if (bm->rows == 0 || bm->width == 0)
        return dark;
    double gh = ch * sim_rng_uniform(r, 0.55, 0.88) * (small ? 0.6 : mark ? 0.35 : 1.0);
    double s = gh / (bm->rows > bm->width ? bm->rows : bm->width);
    double shear = sim_rng_uniform(r, -0.1, 0.1), ang = sim_rng_uniform(r, -0.1, 0.1);
    double ca = cos(ang), sa = sin(ang), ink = sim_rng_uniform(r, 0.65, 1.0);
    double cx = *w / 2.0 + sim_rng_uniform(r, -0.1, 0.1) * *w;
    double cy = *h / 2.0 + sim_rng_uniform(r, -0.1, 0.1) * *h;
    if (small)
        cy += ch * sim_rng_uniform(r, 0.1, 0.2);
    if (mark) {
        cx = *w * sim_rng_uniform(r, 0.3, 0.6);
        cy = *h * sim_rng_uniform(r, 0.25, 0.5);
    }
    double bold = sim_rng_pct(r, 30) ? sim_rng_uniform(r, 0, 0.6) : 0;

    for (int y = 0; y < *h; y++)
        for (int x = 0; x < *w; x++) {
            /* inverse: cell -> glyph pixels */
            double dx = x + 0.5 - cx, dy = y + 0.5 - cy;
            double gx = dx * ca + dy * sa, gy = -dx * sa + dy * ca;
            gx += shear * gy;
            double u = gx / s + bm->width / 2.0, v = gy / s + bm->rows / 2.0;
            double best = 0;
            for (int t = 0; t <= (bold > 0 ? 1 : 0); t++) {
                double uu = u + t * bold / s;
                int iu = (int)floor(uu - 0.5), iv = (int)floor(v - 0.5);
                double fu = uu - 0.5 - iu, fv = v - 0.5 - iv, acc = 0;
                for (int b = 0; b < 2; b++)
                    for (int a = 0; a < 2; a++) {
                        int px = iu + a, py = iv + b;
                        if (px < 0 || py < 0 || px >= (int)bm->width || py >= (int)bm->rows)
                            continue;
                        acc += bm->buffer[py * bm->pitch + px] / 255.0 * (a ? fu : 1 - fu)
                               * (b ? fv : 1 - fv);
                    }
                if (acc > best)
                    best = acc;
            }
            dark[y * *w + x] = (float)(best * ink);
        }
    return dark;
}

static void font_cells(struct set *s, int n, uint64_t stream)
{
    FT_Library lib;
    FT_Face face[NFONTS] = { NULL };
    struct sim_rng r;
    int have = 0;

    if (FT_Init_FreeType(&lib) != 0)
        return;
    for (size_t i = 0; i < NFONTS; i++)
        if (FT_New_Face(lib, fonts[i], 0, &face[i]) == 0) {
            FT_Set_Pixel_Sizes(face[i], 0, 96);
            have++;
        } else {
            face[i] = NULL;
        }
    sim_rng_seed(&r, SEED, stream);
    for (int i = 0; have > 0 && i < n; i++) {
        int d = i % NC, f, w, h, dpi = sim_rng_pct(&r, 50) ? 300 : 200;
        do
            f = sim_rng_int(&r, 0, NFONTS - 1);
        while (face[f] == NULL);
        float *dark = font_draw(face[f], &r, d, dpi, &w, &h);
        PIX *bin = handdigit_scan(dark, w, h, dpi, &r);
        set_add(s, bin, d);
        pixDestroy(&bin);
        free(dark);
    }
    for (size_t i = 0; i < NFONTS; i++)
        if (face[i] != NULL)
            FT_Done_Face(face[i]);
    FT_Done_FreeType(lib);
}

static void quiet(const char *s)
{
    (void)s;
}

static struct fann *train_mlp(const struct set *s, int hidden, int epochs)
{
    struct fann_train_data *td = fann_create_train((unsigned)s->n, NPIX, NC);
    struct fann *ann = fann_create_standard(3, NPIX, hidden, NC);

    for (int i = 0; i < s->n; i++) {
        for (int j = 0; j < NPIX; j++)
            td->input[i][j] = s->pix[i][j];
        for (int j = 0; j < NC; j++)
            td->output[i][j] = j == s->label[i] ? 1.0f : 0.0f;
    }
    srand(SEED);
    fann_randomize_weights(ann, -0.1f, 0.1f);
    fann_shuffle_train_data(td);
    fann_set_activation_function_hidden(ann, FANN_SIGMOID_SYMMETRIC);
    fann_set_activation_function_output(ann, FANN_SIGMOID);
    fann_set_training_algorithm(ann, FANN_TRAIN_RPROP);
    for (int ep = 1; ep <= epochs; ep++) {
        float mse = fann_train_epoch(ann, td);
        if (ep % 25 == 0 || ep == epochs)
            fprintf(stderr, "  mlp epoch %d mse %.4f\n", ep, mse);
    }
    fann_destroy_train(td);
    return ann;
}

static struct svm_model *train_svm(const struct set *s, int n, struct svm_problem *prob,
                                   struct svm_node **pool)
{
    struct svm_parameter par;
    const char *err;

    memset(&par, 0, sizeof(par));
    par.svm_type = C_SVC;
    par.kernel_type = RBF;
    par.gamma = 2.0;
    par.C = 10;
    par.cache_size = 200;
    par.eps = 1e-3;
    par.shrinking = 1;
    par.probability = 1;
    if (n > s->n)
        n = s->n;
    prob->l = n;
    prob->y = malloc((size_t)n * sizeof(double));
    prob->x = malloc((size_t)n * sizeof(struct svm_node *));
    *pool = malloc((size_t)n * (NDIR + 1) * sizeof(struct svm_node));
    for (int i = 0; i < n; i++) {
        struct svm_node *x = *pool + (size_t)i * (NDIR + 1);
        for (int j = 0; j < NDIR; j++) {
            x[j].index = j + 1;
            /* three decimals: the support vectors are written as text, and
             * this keeps the model file small (the reader's inputs are not
             * rounded; the difference is far below the features' noise) */
            x[j].value = round(s->dir[i][j] * 1000.0) / 1000.0;
        }
        x[NDIR].index = -1;
        prob->x[i] = x;
        prob->y[i] = s->label[i];
    }
    err = svm_check_parameter(prob, &par);
    if (err != NULL) {
        fprintf(stderr, "svm: %s\n", err);
        exit(1);
    }
    srand(SEED);
    return svm_train(prob, &par);
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Both models on one stored sample (the features carry the geometry at their ends). */
static void classify(struct ocr_hand *h, const struct set *t, int i, struct ocr_kana_cell *c)
{
    float geo[OCR_KANA_NGEO];

    for (int j = 0; j < OCR_KANA_NGEO; j++)
        geo[j] = t->pix[i][OCR_HAND_NPIX + j];
    memset(c, 0, sizeof(*c));
    ocr_hand_classify_kana(h, t->pix[i], t->dir[i], geo, c);
}

/* The held-out figures, as Markdown, to out. */
static void evaluate(const char *dir, const struct set *t, FILE *out)
{
    struct ocr_hand *h = NULL;
    struct berr e;
    long ok[2] = { 0 }, sure = 0, sure_wrong = 0, agree = 0, agree_wrong = 0;
    long per_n[NC] = { 0 }, per_ok[NC] = { 0 };
    long conf[NC][NC];
    double t0, ms;

    memset(conf, 0, sizeof(conf));
    if (ocr_hand_open(dir, &h, &e) < 0 || !ocr_hand_has_kana(h)) {
        fprintf(stderr, "%s\n", h ? "no kana models" : e.msg);
        exit(1);
    }
    t0 = now_ms();
    for (int i = 0; i < t->n; i++) {
        struct ocr_kana_cell c;
        int y = t->label[i];
        classify(h, t, i, &c);
        ok[0] += c.best[0] == y;
        ok[1] += c.best[1] == y;
        agree += c.best[0] == c.best[1];
        agree_wrong += c.best[0] == c.best[1] && c.best[0] != y;
        per_n[y]++;
        per_ok[y] += c.best[0] == c.best[1] && c.best[0] == y;
        conf[y][c.best[1]]++;
        if (c.sure) {
            sure++;
            sure_wrong += c.agreed != y;
        }
    }
    ms = (now_ms() - t0) / (t->n ? t->n : 1);
    fprintf(out, "Held-out hands (seeds from %u, never trained on): %d cells, 200/300 dpi.\n\n",
            HANDDIGIT_HELDOUT_BASE, t->n);
    fprintf(out, "| | |\n|---|---|\n");
    fprintf(out, "| MLP (FANN, pixels + box) | %.2f %% |\n| SVM (libsvm, directions + box) | %.2f %% |\n",
            100.0 * ok[0] / t->n, 100.0 * ok[1] / t->n);
    fprintf(out, "| both name the same class | %.2f %% |\n", 100.0 * agree / t->n);
    fprintf(out, "| both name the same wrong class | %ld cells (%.2f %%) |\n", agree_wrong,
            100.0 * agree_wrong / t->n);
    fprintf(out, "| sure (agree with both margins): share of cells | %.2f %% |\n",
            100.0 * sure / t->n);
    fprintf(out, "| sure but wrong (cells) | %ld of %ld |\n\n", sure_wrong, sure);
    fprintf(out, "Both models on one cell: %.3f ms (features excluded).\n\n", ms);
    fprintf(out, "Per class, both models right (and the SVM's most frequent wrong answer):\n\n");
    for (int y = 0; y < NC; y++) {
        int worst = -1;
        for (int j = 0; j < NC; j++)
            if (j != y && conf[y][j] > 0 && (worst < 0 || conf[y][j] > conf[y][worst]))
                worst = j;
        fprintf(out, "%s %.0f%%%s%s%s", ocr_kana_label(y), per_n[y] ? 100.0 * per_ok[y] / per_n[y] : 0,
                worst >= 0 ? " (" : "", worst >= 0 ? ocr_kana_label(worst) : "",
                worst >= 0 ? ")" : "");
        fprintf(out, y + 1 < NC ? ", " : "\n");
    }
    ocr_hand_free(&h);
}

/* How the floors and margins trade automation for errors, on a second held-out family. */
static void calibrate(const char *dir, const struct set *t, FILE *out)
{
    static const double grid[][4] = {
        { 0.5, 0.3, 0.6, 0.4 }, { 0.7, 0.5, 0.8, 0.65 }, { 0.8, 0.6, 0.85, 0.75 },
        { 0.9, 0.8, 0.9, 0.8 }, { 0.95, 0.9, 0.95, 0.9 },
    };
    struct ocr_hand *h = NULL;
    struct berr e;

    if (ocr_hand_open(dir, &h, &e) < 0)
        return;
    fprintf(out, "\nCalibration on %d cells of other held-out hands (seeds from %u):\n\n"
                 "| MLP floor / margin | SVM floor / margin | cells sure | sure but wrong |\n"
                 "|---|---|---|---|\n", t->n, HANDDIGIT_HELDOUT_BASE + 500);
    for (size_t g = 0; g < sizeof(grid) / sizeof(grid[0]); g++) {
        long sure = 0, wrong = 0;
        for (int i = 0; i < t->n; i++) {
            struct ocr_kana_cell c;
            classify(h, t, i, &c);
            if (c.best[0] == c.best[1] && c.score[0] >= grid[g][0] && c.margin[0] >= grid[g][1]
                && c.score[1] >= grid[g][2] && c.margin[1] >= grid[g][3]) {
                sure++;
                wrong += c.best[0] != t->label[i];
            }
        }
        fprintf(out, "| %.2f / %.2f | %.2f / %.2f | %.2f %% | %ld |\n", grid[g][0], grid[g][1],
                grid[g][2], grid[g][3], 100.0 * sure / t->n, wrong);
    }
    ocr_hand_free(&h);
}

/*
 * The per-cell floor of the closed-set identity (intake/settle.c,
 * IDENT_CELL_MIN): how often a cell supports its own class with both
 * models at t or more (a clear sheet settles only when every cell of the
 * name does), and how often it supports some other class as well as that
 * (what a namesake one kana apart would need to be settled instead).
 */
static void identity_floor(const char *dir, const struct set *t, FILE *out)
{
    static const double floors[] = { 0.1, 0.2, 0.3, 0.4, 0.5 };
    struct ocr_hand *h = NULL;
    struct berr e;

    if (ocr_hand_open(dir, &h, &e) < 0)
        return;
    fprintf(out, "\nPer-cell floor for the closed-set identity (same cells as the calibration):\n\n"
                 "| floor (both models) | own class supported | another class supported |\n"
                 "|---|---|---|\n");
    for (size_t f = 0; f < sizeof(floors) / sizeof(floors[0]); f++) {
        long own = 0, other = 0;
        for (int i = 0; i < t->n; i++) {
            struct ocr_kana_cell c;
            classify(h, t, i, &c);
            own += fmin(c.prob[0][t->label[i]], c.prob[1][t->label[i]]) >= floors[f];
            for (int k = 0; k < NC; k++)
                if (k != t->label[i] && fmin(c.prob[0][k], c.prob[1][k]) >= floors[f]) {
                    other++;
                    break;
                }
        }
        fprintf(out, "| %.1f | %.2f %% | %ld of %d |\n", floors[f], 100.0 * own / t->n, other, t->n);
    }
    ocr_hand_free(&h);
}

static void set_push(struct set *d, const struct set *s, int i)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 1024;
        d->pix = realloc(d->pix, (size_t)d->cap * sizeof(*d->pix));
        d->dir = realloc(d->dir, (size_t)d->cap * sizeof(*d->dir));
        d->label = realloc(d->label, (size_t)d->cap * sizeof(int));
        if (d->pix == NULL || d->dir == NULL || d->label == NULL) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
    }
    memcpy(d->pix[d->n], s->pix[i], sizeof(s->pix[i]));
    memcpy(d->dir[d->n], s->dir[i], sizeof(s->dir[i]));
    d->label[d->n++] = s->label[i];
}

int main(int argc, char **argv)
{
    struct set train = { 0 }, svmset = { 0 }, test = { 0 }, cal = { 0 };
    int quick = 0, eval_only = 0, n_stroke = 20300, n_font = 3480, n_svm = 6000, epochs = 100;
    int hidden = 96;
    const char *outdir, *report = NULL;
    char path[4096];
    struct svm_problem prob;
    struct svm_node *pool = NULL;
    double t0 = now_ms(), t_mlp = 0, t_svm = 0;

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--eval") == 0)
            eval_only = 1;
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: train_kana OUTDIR [REPORT.md] [--quick] [--eval]\n");
        return 2;
    }
    outdir = argv[1];
    if (argc > 2 && argv[2][0] != '-')
        report = argv[2];
    if (quick) {
        n_stroke /= 10;
        n_font /= 10;
        n_svm /= 4;
        epochs = 40;
    }
    fprintf(stderr, "train_kana: %d stroke cells, %d font cells\n", n_stroke, n_font);
    stroke_cells(&train, 1, TRAIN_HANDS, n_stroke, 1);
    font_cells(&train, n_font, 2);
    stroke_cells(&test, HANDDIGIT_HELDOUT_BASE, 40, quick ? 1160 : 4640, 3);
    stroke_cells(&cal, HANDDIGIT_HELDOUT_BASE + 500, 40, quick ? 1160 : 4640, 5);
    /* the SVM sees an interleaved subset of the same data (libsvm is O(n^2)) */
    struct sim_rng pick;
    sim_rng_seed(&pick, SEED, 4);
    for (int i = 0; i < train.n; i++)
        if (sim_rng_uniform(&pick, 0, 1) < (double)n_svm / train.n)
            set_push(&svmset, &train, i);
    fprintf(stderr, "  data %.0f s: train %d, svm %d, held out %d\n", (now_ms() - t0) / 1e3,
            train.n, svmset.n, test.n);

    if (eval_only)
        goto report;
    double t1 = now_ms();
    struct fann *ann = train_mlp(&train, hidden, epochs);
    snprintf(path, sizeof(path), "%s/%s", outdir, OCR_KANA_MLP_FILE);
    if (fann_save(ann, path) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    fann_destroy(ann);
    t_mlp = (now_ms() - t1) / 1e3;
    fprintf(stderr, "  mlp done %.0f s\n", t_mlp);

    t1 = now_ms();
    svm_set_print_string_function(quiet);
    struct svm_model *m = train_svm(&svmset, svmset.n, &prob, &pool);
    snprintf(path, sizeof(path), "%s/%s", outdir, OCR_KANA_SVM_FILE);
    if (svm_save_model(path, m) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    t_svm = (now_ms() - t1) / 1e3;
    fprintf(stderr, "  svm done %.0f s (%d support vectors)\n", t_svm, svm_get_nr_sv(m));
    svm_free_and_destroy_model(&m);
    free(prob.x);
    free(prob.y);
    free(pool);

report:;
    FILE *out = report ? fopen(report, "w") : stdout;
    if (out == NULL) {
        fprintf(stderr, "cannot write %s\n", report);
        return 1;
    }
    fprintf(out, "# Handwritten katakana: training report (tools/train_kana.c)\n\n");
    fprintf(out, "Training: %d cells (%d from strokes of %d hands, %d from %zu fonts), seed %u; "
                 "MLP %d-%d-%d, %d RPROP epochs (%.0f s); SVM on %d of them, RBF gamma 2, C 10 "
                 "(%.0f s).  Everything, data included, %.0f s on one core.\n\n",
            train.n, n_stroke, TRAIN_HANDS, n_font, NFONTS, SEED, NPIX, hidden, NC, epochs, t_mlp,
            svmset.n, t_svm, (now_ms() - t0) / 1e3);
    evaluate(outdir, &test, out);
    calibrate(outdir, &cal, out);
    identity_floor(outdir, &cal, out);
    if (out != stdout)
        fclose(out);
    set_free(&train);
    set_free(&svmset);
    set_free(&test);
    set_free(&cal);
    return 0;
}
