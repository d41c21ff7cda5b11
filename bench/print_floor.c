/*
 * print_floor: the baseline for bench/print.sh - N A4 pages, each with a
 * few lines of Japanese text and a QR, written straight through reports/pdf
 * (libharu, the same embedded fonts), with no store, no layout and no issue
 * records: the floor under what boshi's printing job can cost.
 * Usage: print_floor PAGES OUT.pdf
 */
#include "reports/pdf.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    struct pdf *p = NULL;
    struct berr e;
    int n = argc > 2 ? atoi(argv[1]) : 0;

    if (n <= 0) {
        fprintf(stderr, "usage: print_floor PAGES OUT.pdf\n");
        return 2;
    }
    if (pdf_open(&p, &e) < 0)
        goto fail;
    for (int i = 0; i < n; i++) {
        char qr[64];
        pdf_page_add(p, PDF_PORTRAIT);
        pdf_text(p, PDF_MINCHO, 12, 25, 30, "〒389-0100 みどり市本町1丁目1番1号");
        pdf_text(p, PDF_GOTHIC, 16, 25, 110, "乳児健康診査（3〜4か月児）のご案内");
        pdf_text(p, PDF_MINCHO, 11, 25, 130, "お子さんの健やかな成長を願い、下記のとおり健康診査を行います。");
        snprintf(qr, sizeof(qr), "BOSHI1|floor|1|%d/%d|-|-|AAAAAAAAAAAAA", i + 1, n);
        pdf_qr(p, 160, 28, 22, qr, NULL);
    }
    if (pdf_save(p, argv[2], &e) < 0)
        goto fail;
    pdf_free(&p);
    return 0;
fail:
    fprintf(stderr, "print_floor: %s\n", e.msg);
    pdf_free(&p);
    return 1;
}
