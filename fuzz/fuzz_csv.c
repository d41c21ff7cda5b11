/*
 * fuzz_csv.c: any bytes as a resident master and as a hospital list, each
 * imported into one real store (records/residents.c, records/hospitals.c
 * through records/csvtable.c).  The first byte picks full load or daily
 * diff and the encoding.
 */
#include "fuzz/fuzz.h"
#include "records/referrals.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct store *st;
static struct actor actor;
static char csv[96], tmpdir[64];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The store is the harness's own: gone when the run ends. */
static void cleanup(void)
{
    store_close(&st);
    if (tmpdir[0])
        nftw(tmpdir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

static int open_store(void)
{
    char dir[] = "/tmp/boshi-fuzz-csv-XXXXXX", db[96];
    struct berr e;

    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(tmpdir, sizeof(tmpdir), "%s", dir);
    atexit(cleanup);
    snprintf(db, sizeof(db), "%s/f.db", dir);
    snprintf(csv, sizeof(csv), "%s/in.csv", dir);
    if (store_create(db, "fuzz", &e) < 0 || store_open(db, 0, &st, &e) < 0 ||
        actor_for_os_user(st, "fuzz", &actor, &e) < 0) {
        fprintf(stderr, "fuzz_csv: %s\n", e.msg);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned modes[] = { IMPORT_FULL, 0, IMPORT_FULL | IMPORT_UTF8, IMPORT_CP932 };
    struct import_report rep;
    struct hospitals_import_report hrep;
    struct berr e;
    unsigned flags;
    FILE *f;

    if (st == NULL && open_store() < 0)
        return 0;
    if (size < 1)
        return 0;
    flags = modes[data[0] & 3];
    f = fopen(csv, "wb");
    if (f == NULL)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    berr_clear(&e);
    residents_import(st, &actor, csv, flags, &rep, &e);
    berr_clear(&e);
    hospitals_import(st, &actor, csv, &hrep, &e);
    return 0;
}
