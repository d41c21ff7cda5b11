/*
 * fuzz_imageload.c: any bytes as a scanned file (ocr/load.c): the checks
 * before decoding, then every page decoded one at a time.
 */
#include "fuzz/fuzz.h"
#include "ocr/ocr.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ocr_source *s = NULL;
    struct berr e;

    berr_clear(&e);
    if (ocr_open_mem(data, size, "fuzz.tif", NULL, &s, &e) == 0) {
        for (int i = 0; i < ocr_source_npages(s) && i < 8; i++) {
            struct ocr_page *p = NULL;
            char *reason = NULL;
            ocr_source_page(s, i, &p, &reason, &e);
            ocr_page_free(&p);
            free(reason);
        }
        ocr_source_close(&s);
    }
    return 0;
}
