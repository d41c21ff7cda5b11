/*
 * records/targets.h: the children due for a checkup in a month (and the
 * newborns due for a 新生児訪問), each with the household adult letters
 * go to: targets.c.
 *
 *   targets_age_months, targets_find, targets_free, address_town
 *
 * Ownership: targets from targets_find are the caller's, freed with
 * targets_free (child and guardian released with them); the string
 * address_town returns is the caller's to free.
 */
#ifndef BOSHI_RECORDS_TARGETS_H
#define BOSHI_RECORDS_TARGETS_H

#include <stddef.h>

#include "records/residents.h"

/* ---- checkup targets ------------------------------------------------------ */

/* Age in months at which form's checkup is due (setting checkup.<form>.age_months). */
int targets_age_months(struct store *st, const char *form, int *months, struct berr *e);

struct target {
    struct resident child;
    int has_guardian;           /* 0: no adult in the household -> exceptions list */
    struct resident guardian;   /* valid when has_guardian */
    char town[96];              /* 町名, the first sort key */
    char issued[24];            /* issue id already issued for this month, "" if none */
};
/*
 * Children due for form's checkup in year-month: born in the month
 * age_months earlier, resident (住民状態 1), with no checkup of that form
 * recorded; ordered by 町名 then birth date.  Guardian: an adult (18+,
 * resident) of the same household whose 続柄 is 世帯主, then 妻, then 夫.
 * Each child listed is an audited view.  Caller frees with targets_free.
 * Form shinseiji_houmon (新生児訪問): the children under HOUMON_BEFORE_MONTHS
 * months old on the 1st of the month or born in it, with no visit of that
 * form recorded (table visits).
 */
#define HOUMON_BEFORE_MONTHS 4
int targets_find(struct store *st, const struct actor *a, const char *form, int year, int month,
                 struct target **out, size_t *n, struct berr *e);
void targets_free(struct target *t, size_t n);
/* The 町名 of an address: after the city/ward, up to the first digit. Caller frees. */
char *address_town(const char *address);

#endif
