/*
 * train_digits: `make model` - trains the two handwritten-digit
 * recognisers of ocr/hand.c from nothing, with fixed seeds.
 *
 * Data (all made here, reproducibly):
 *   strokes  demo/handdigit.c: hands 1..TRAIN_HANDS (each a writer with
 *            its slant, pen, size and allographs), cells at 200 and 300 dpi
 *   fonts    the Debian handwriting fonts the simulator also uses (dkg,
 *            Breip, Humor Sans) and IPAex Gothic, rendered with FreeType,
 *            with random size, slant, turn, offset, and scanned as above.
 *            fonts-klee, fonts-kiloji, fonts-bwht are never used.
 *   held out hands from HANDDIGIT_HELDOUT_BASE: never trained on, used for
 *            the report (accuracy, acceptance, confusion).
 * Models: FANN MLP 256-H-10 on the 16x16 coverage grid (RPROP), libsvm
 * C-SVC RBF with probability estimates on the 128 direction features.
 *
 * Usage: train_digits OUTDIR [REPORT.md] [--quick] [--eval]
 *   writes OUTDIR/digits-mlp.net, OUTDIR/digits-svm.model and the report
 *   (figures in Markdown, for ocr/MODEL.md).  --quick: a tenth of the data;
 *   --eval: no training, the report on the models already in OUTDIR.
 */
#include "demo/handdigit.h"
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
#define SEED 20261202u

static const char *const fonts[] = {
    "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
    "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf",
    "/usr/share/fonts/truetype/fifthhorseman/dkgIt.ttf",
    "/usr/share/fonts/truetype/fifthhorseman/dkgBI.ttf",
    "/usr/share/fonts/truetype/breip/Breip.ttf",
    "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
};
#define NFONTS (sizeof(fonts) / sizeof(fonts[0]))

struct set {
    int n, cap;
    float (*pix)[OCR_HAND_NPIX];
    float (*dir)[OCR_HAND_NDIR];
    int *label;
};

static void set_add(struct set *s, PIX *bin, int label)
{
    float pix[OCR_HAND_NPIX], dir[OCR_HAND_NDIR];

    if (bin == NULL || ocr_hand_features(bin, pix, dir) < 0)
        return;
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
        struct handdigit_style st;
        int d = i % 10, dpi = sim_rng_pct(&r, 50) ? 300 : 200;
        handdigit_style(&st, hand0 + (uint64_t)sim_rng_int(&r, 0, hands - 1));
        PIX *bin = handdigit_cell(&st, &r, d, dpi);
        set_add(s, bin, d);
        pixDestroy(&bin);
    }
}

/* One digit of a font into a cell's darkness, jittered as the simulator writes. */
static float *font_draw(FT_Face face, struct sim_rng *r, int d, int dpi, int *w, int *h)
{
    double k = dpi / 25.4, cw = sim_rng_uniform(r, 5.6, 6.8) * k;
    double ch = sim_rng_uniform(r, 7.6, 8.6) * k;
    FT_Bitmap *bm;
    float *dark;

    *w = (int)lround(cw);
    *h = (int)lround(ch);
    dark = xcalloc((size_t)*w * (size_t)*h, sizeof(float));
    if (FT_Load_Char(face, (FT_ULong)('0' + d), FT_LOAD_RENDER) != 0)
        return dark;
    bm = &face->glyph->bitmap;
    if (bm->rows == 0 || bm->width == 0)
        return dark;
    double gh = ch * sim_rng_uniform(r, 0.5, 0.9), s = gh / bm->rows;
    double shear = sim_rng_uniform(r, -0.12, 0.12), ang = sim_rng_uniform(r, -0.14, 0.14);
    double ca = cos(ang), sa = sin(ang), ink = sim_rng_uniform(r, 0.65, 1.0);
    double cx = *w / 2.0 + sim_rng_uniform(r, -0.15, 0.15) * *w;
    double cy = *h / 2.0 + sim_rng_uniform(r, -0.15, 0.15) * *h;
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
        int d = i % 10, f, w, h, dpi = sim_rng_pct(&r, 50) ? 300 : 200;
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
    struct fann_train_data *td = fann_create_train((unsigned)s->n, OCR_HAND_NPIX, 10);
    struct fann *ann = fann_create_standard(3, OCR_HAND_NPIX, hidden, 10);

    for (int i = 0; i < s->n; i++) {
        for (int j = 0; j < OCR_HAND_NPIX; j++)
            td->input[i][j] = s->pix[i][j];
        for (int j = 0; j < 10; j++)
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
    *pool = malloc((size_t)n * (OCR_HAND_NDIR + 1) * sizeof(struct svm_node));
    for (int i = 0; i < n; i++) {
        struct svm_node *x = *pool + (size_t)i * (OCR_HAND_NDIR + 1);
        for (int j = 0; j < OCR_HAND_NDIR; j++) {
            x[j].index = j + 1;
            x[j].value = s->dir[i][j];
        }
        x[OCR_HAND_NDIR].index = -1;
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

/* The held-out figures, as Markdown, to out. */
static void evaluate(const char *dir, const struct set *t, FILE *out)
{
    struct ocr_hand *h = NULL;
    struct berr e;
    long conf[10][10] = { { 0 } }, ok[2] = { 0 }, sure = 0, sure_wrong = 0, agree = 0;
    double t0, ms;

    if (ocr_hand_open(dir, &h, &e) < 0) {
        fprintf(stderr, "%s\n", e.msg);
        exit(1);
    }
    t0 = now_ms();
    for (int i = 0; i < t->n; i++) {
        struct ocr_hand_cell c;
        memset(&c, 0, sizeof(c));
        ocr_hand_classify(h, t->pix[i], t->dir[i], &c);
        ok[0] += c.digit[0] == t->label[i];
        ok[1] += c.digit[1] == t->label[i];
        agree += c.digit[0] == c.digit[1];
        conf[t->label[i]][c.digit[0] == c.digit[1] ? c.digit[0] : c.digit[1]]++;
        if (c.sure) {
            sure++;
            sure_wrong += c.digit_agreed != t->label[i];
        }
    }
    ms = (now_ms() - t0) / (t->n ? t->n : 1);
    fprintf(out, "Held-out hands (seeds from %u, never trained on): %d cells, 200/300 dpi.\n\n",
            HANDDIGIT_HELDOUT_BASE, t->n);
    fprintf(out, "| | accuracy |\n|---|---|\n");
    fprintf(out, "| MLP (FANN, pixels) | %.2f %% |\n| SVM (libsvm, directions) | %.2f %% |\n",
            100.0 * ok[0] / t->n, 100.0 * ok[1] / t->n);
    fprintf(out, "| both name the same digit | %.2f %% |\n", 100.0 * agree / t->n);
    fprintf(out, "| sure (agree with both margins): share of cells | %.2f %% |\n",
            100.0 * sure / t->n);
    fprintf(out, "| sure but wrong (cells) | %ld of %ld |\n\n", sure_wrong, sure);
    fprintf(out, "Both models on one cell: %.3f ms (features excluded).\n\n", ms);
    fprintf(out, "Confusion (rows: truth; columns: the agreed digit, or the SVM's when they "
                 "disagree):\n\n|   |");
    for (int j = 0; j < 10; j++)
        fprintf(out, " %d |", j);
    fprintf(out, "\n|---|");
    for (int j = 0; j < 10; j++)
        fprintf(out, "---|");
    fprintf(out, "\n");
    for (int i = 0; i < 10; i++) {
        fprintf(out, "| %d |", i);
        for (int j = 0; j < 10; j++)
            fprintf(out, " %ld |", conf[i][j]);
        fprintf(out, "\n");
    }
    ocr_hand_free(&h);
}

/*
 * How the floors and margins trade automation for errors, on a second
 * held-out family (hands from HANDDIGIT_HELDOUT_BASE + 500): the figures
 * behind OCR_HAND_* in ocr.h.
 */
static void calibrate(const char *dir, const struct set *t, FILE *out)
{
    static const double grid[][4] = {
        { 0.5, 0.3, 0.6, 0.4 }, { 0.8, 0.6, 0.85, 0.75 }, { 0.9, 0.8, 0.9, 0.8 },
        { 0.95, 0.9, 0.95, 0.9 }, { 0.98, 0.95, 0.97, 0.95 },
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
            struct ocr_hand_cell c;
            ocr_hand_classify(h, t->pix[i], t->dir[i], &c);
            if (c.digit[0] == c.digit[1] && c.score[0] >= grid[g][0] && c.margin[0] >= grid[g][1]
                && c.score[1] >= grid[g][2] && c.margin[1] >= grid[g][3]) {
                sure++;
                wrong += c.digit[0] != t->label[i];
            }
        }
        fprintf(out, "| %.2f / %.2f | %.2f / %.2f | %.2f %% | %ld |\n", grid[g][0], grid[g][1],
                grid[g][2], grid[g][3], 100.0 * sure / t->n, wrong);
    }
    ocr_hand_free(&h);
}

int main(int argc, char **argv)
{
    struct set train = { 0 }, svmset = { 0 }, test = { 0 }, cal = { 0 };
    int quick = 0, eval_only = 0, n_stroke = 30000, n_font = 10000, n_svm = 10000, epochs = 150, hidden = 64;
    const char *outdir, *report = NULL;
    char path[4096];
    struct svm_problem prob;
    struct svm_node *pool = NULL;
    double t0 = now_ms();

    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--quick") == 0)
            quick = 1;
        else if (strcmp(argv[i], "--eval") == 0)
            eval_only = 1;
    if (argc < 2 || argv[1][0] == '-') {
        fprintf(stderr, "usage: train_digits OUTDIR [REPORT.md] [--quick]\n");
        return 2;
    }
    outdir = argv[1];
    if (argc > 2 && argv[2][0] != '-')
        report = argv[2];
    if (quick) {
        n_stroke /= 10;
        n_font /= 10;
        n_svm /= 4;
        epochs = 60;
    }
    fprintf(stderr, "train_digits: %d stroke cells, %d font cells\n", n_stroke, n_font);
    stroke_cells(&train, 1, TRAIN_HANDS, n_stroke, 1);
    font_cells(&train, n_font, 2);
    stroke_cells(&test, HANDDIGIT_HELDOUT_BASE, 40, quick ? 1000 : 4000, 3);
    stroke_cells(&cal, HANDDIGIT_HELDOUT_BASE + 500, 40, quick ? 1000 : 4000, 5);
    /* the SVM sees an interleaved subset of the same data (libsvm is O(n^2)) */
    struct sim_rng pick;
    sim_rng_seed(&pick, SEED, 4);
    for (int i = 0; i < train.n; i++)
        if (sim_rng_uniform(&pick, 0, 1) < (double)n_svm / train.n) {
            if (svmset.n == svmset.cap) {
                svmset.cap = svmset.cap ? 2 * svmset.cap : 1024;
                svmset.pix = realloc(svmset.pix, (size_t)svmset.cap * sizeof(*svmset.pix));
                svmset.dir = realloc(svmset.dir, (size_t)svmset.cap * sizeof(*svmset.dir));
                svmset.label = realloc(svmset.label, (size_t)svmset.cap * sizeof(int));
            }
            memcpy(svmset.pix[svmset.n], train.pix[i], sizeof(train.pix[i]));
            memcpy(svmset.dir[svmset.n], train.dir[i], sizeof(train.dir[i]));
            svmset.label[svmset.n++] = train.label[i];
        }
    fprintf(stderr, "  data %.0f s: train %d, svm %d, held out %d\n", (now_ms() - t0) / 1e3,
            train.n, svmset.n, test.n);

    if (eval_only)
        goto report;
    struct fann *ann = train_mlp(&train, hidden, epochs);
    snprintf(path, sizeof(path), "%s/%s", outdir, OCR_HAND_MLP_FILE);
    if (fann_save(ann, path) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    fann_destroy(ann);
    fprintf(stderr, "  mlp done %.0f s\n", (now_ms() - t0) / 1e3);

    svm_set_print_string_function(quiet);
    struct svm_model *m = train_svm(&svmset, svmset.n, &prob, &pool);
    snprintf(path, sizeof(path), "%s/%s", outdir, OCR_HAND_SVM_FILE);
    if (svm_save_model(path, m) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    fprintf(stderr, "  svm done %.0f s (%d support vectors)\n", (now_ms() - t0) / 1e3,
            svm_get_nr_sv(m));
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
    fprintf(out, "Training: %d cells (%d from strokes of %d hands, %d from %zu fonts), seed %u; "
                 "MLP 256-%d-10, %d RPROP epochs; SVM on %d of them, RBF gamma 2, C 10.  "
                 "Trained in %.0f s.\n\n",
            train.n, n_stroke, TRAIN_HANDS, n_font, NFONTS, SEED, hidden, epochs, svmset.n,
            (now_ms() - t0) / 1e3);
    evaluate(outdir, &test, out);
    calibrate(outdir, &cal, out);
    if (out != stdout)
        fclose(out);
    set_free(&train);
    set_free(&svmset);
    set_free(&test);
    set_free(&cal);
    return 0;
}
