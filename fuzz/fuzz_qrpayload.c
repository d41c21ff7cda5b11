/* fuzz_qrpayload.c: any bytes as a decoded QR payload (base/qrpayload). */
#include "base/qrpayload.h"
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* the key of the example in qrpayload.h, so the seed's mac is valid */
    static const unsigned char key[QRPAYLOAD_KEY_BYTES] = {
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
    };
    struct qrpayload p;
    struct berr e;

    berr_clear(&e);
    if (qrpayload_parse((const char *)data, size, key, &p, &e) == 0) {
        /* what parses builds again to the same text */
        char *again = NULL;
        if (qrpayload_build(&p, key, &again, &e) == 0 && strlen(again) == size &&
            memcmp(again, data, size) != 0)
            __builtin_trap();
        free(again);
    }
    return 0;
}
