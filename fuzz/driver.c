/*
 * driver.c: a main for the harnesses without libFuzzer.  Runs
 * LLVMFuzzerTestOneInput once over every file named or found in the folders
 * named (not recursive), by default its own corpus fuzz/corpus/NAME/ (the
 * build gives it as FUZZ_CORPUS), and says how many; a crash or sanitizer
 * report fails it.  Prints "N passed, 0 failed".  Used by `make check`.
 */
#include "fuzz/fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t n = 0, cap = 0, k;

    if (f == NULL) {
        fprintf(stderr, "fuzz driver: cannot open %s\n", path);
        return -1;
    }
    do {
        if (n == cap) {
            cap = cap ? cap * 2 : 4096;
            data = realloc(data, cap);
            if (data == NULL)
                abort();
        }
        k = fread(data + n, 1, cap - n, f);
        n += k;
    } while (k > 0);
    fclose(f);
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    long done = 0, failed = 0;
#ifdef FUZZ_CORPUS
    /* no argument: the harness's own seed corpus, as `make check` runs it */
    char *def[] = { argv[0], (char *)FUZZ_CORPUS, NULL };
    if (argc < 2) {
        argc = 2;
        argv = def;
    }
#endif

    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
            DIR *d = opendir(argv[i]);
            struct dirent *de;
            char **names = NULL;
            size_t n = 0;
            while (d && (de = readdir(d)) != NULL) {
                if (de->d_name[0] == '.')
                    continue;
                names = realloc(names, (n + 1) * sizeof(*names));
                names[n] = malloc(strlen(argv[i]) + strlen(de->d_name) + 2);
                sprintf(names[n], "%s/%s", argv[i], de->d_name);
                n++;
            }
            if (d)
                closedir(d);
            if (n)
                qsort(names, n, sizeof(*names), cmp);
            for (size_t j = 0; j < n; j++) {
                if (run_file(names[j]) == 0)
                    done++;
                else
                    failed++;
                free(names[j]);
            }
            free(names);
        } else if (run_file(argv[i]) == 0) {
            done++;
        } else {
            failed++;
        }
    }
    const char *me = strrchr(argv[0], '/');
    printf("%s: %ld passed, %ld failed\n", me ? me + 1 : argv[0], done, failed);
    return failed || done == 0;
}
