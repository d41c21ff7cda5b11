/* fuzz_formdef.c: any bytes as a form definition file (forms/def.c). */
#include "forms/forms.h"
#include "fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    struct forms_form *f = NULL;
    struct berr e;
    FILE *out;

    if (path[0] == '\0')
        snprintf(path, sizeof(path), "/tmp/boshi-fuzz-def-%ld.json", (long)getpid());
    out = fopen(path, "wb");
    if (out == NULL)
        return 0;
    fwrite(data, 1, size, out);
    fclose(out);
    berr_clear(&e);
    if (forms_load_file(path, &f, &e) == 0)
        forms_free(&f);
    unlink(path);
    return 0;
}
