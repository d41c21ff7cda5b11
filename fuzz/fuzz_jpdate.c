/* fuzz_jpdate.c: any bytes as a date a person typed (base/jpdate: 和暦, ISO, compact). */
#include "base/base.h"
#include "fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    struct ymd d;
    struct wareki w;

    memcpy(s, data, size);
    s[size] = '\0';
    if (jpdate_parse(s, &d) == 0 && jpdate_to_wareki(d, &w) == 0) {
        struct ymd back;
        /* a date parsed goes to 和暦 and back unchanged */
        if (jpdate_from_wareki(w, &back) != 0 || ymd_cmp(back, d) != 0)
            __builtin_trap();
    }
    ymd_parse_iso(s, &d);
    ymd_parse_compact(s, &d);
    free(s);
    return 0;
}
