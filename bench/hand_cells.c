/*
 * hand_cells: the handwritten-digit recognisers on cells of a held-out
 * synthetic hand family (demo/handdigit.c; hands never trained on):
 * per-cell accuracy of each model, the share both read "sure" and how many
 * of those are wrong, and the time per cell (features + both models).
 * Usage: hand_cells [CELLS]   (models as the reader finds them:
 * $BOSHI_MODEL_DIR or ocr/models)
 */
#include "demo/handdigit.h"
#include "ocr/ocr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    int cells = argc > 1 ? atoi(argv[1]) : 4000, n = 0, ok[2] = { 0, 0 }, sure = 0, wrong = 0;
    char *dir = ocr_hand_find_dir();
    struct ocr_hand *h = NULL;
    struct berr e;
    struct sim_rng r;
    double ms = 0;

    if (dir == NULL || ocr_hand_open(dir, &h, &e) < 0) {
        fprintf(stderr, "hand_cells: no handwriting models (ocr/models, $BOSHI_MODEL_DIR)\n");
        return 1;
    }
    free(dir);
    sim_rng_seed(&r, 777, 1);
    for (int i = 0; i < cells; i++) {
        struct handdigit_style st;
        float pix[OCR_HAND_NPIX], d8[OCR_HAND_NDIR];
        struct ocr_hand_cell c;
        int digit = i % 10;
        handdigit_style(&st, HANDDIGIT_HELDOUT_BASE + 300 + (uint64_t)sim_rng_int(&r, 0, 39));
        PIX *b = handdigit_cell(&st, &r, digit, sim_rng_pct(&r, 50) ? 300 : 200);
        double t0 = now_ms();
        if (b == NULL || ocr_hand_features(b, pix, d8) < 0) {
            pixDestroy(&b);
            continue;
        }
        memset(&c, 0, sizeof(c));
        ocr_hand_classify(h, pix, d8, &c);
        ms += now_ms() - t0;
        n++;
        ok[0] += c.digit[0] == digit;
        ok[1] += c.digit[1] == digit;
        if (c.sure) {
            sure++;
            wrong += c.digit_agreed != digit;
        }
        pixDestroy(&b);
    }
    ocr_hand_free(&h);
    printf("held-out hand cells %d: MLP %.2f %%, SVM %.2f %%; both sure %.2f %%, sure but wrong "
           "%d; %.3f ms per cell (features + both models)\n",
           n, 100.0 * ok[0] / n, 100.0 * ok[1] / n, 100.0 * sure / n, wrong, ms / n);
    return 0;
}
