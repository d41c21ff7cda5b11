/*
 * export.c: the one gate for a file of personal data leaving boshi as a
 * CSV (target, reminder and referral lists, voucher payments: README
 * "Personal CSVs").  Such a file needs the permission export.personal and
 * a reason; once it is written, export_personal_logged reads it back and
 * writes the access-log entry with the file's sha256, so the entry names
 * exactly the bytes that left.  Not for: writing the CSV (reports/csvout.c)
 * or statistics CSVs, which hold counts only.
 */
#include "records/records-internal.h"
#include "records/export.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int export_personal_allowed(const struct actor *a, const char *reason, struct berr *e)
{
    if (!actor_can(a, PERM_EXPORT_PERSONAL))
        return berr_set(e, BERR_DENIED, "個人情報を含む一覧 CSV の書き出しには権限「%s」(%s) が必要です",
                        perm_label(PERM_EXPORT_PERSONAL), perm_name(PERM_EXPORT_PERSONAL));
    if (reason == NULL || *reason == '\0')
        return berr_set(e, BERR_INVALID, "個人情報を含む一覧 CSV を書き出す理由を --reason で入力して"
                        "ください");
    return 0;
}

int export_personal_logged(struct store *st, const struct actor *a, const char *function,
                           const char *path, const char *what, long rows, const char *reason,
                           char sha_hex[65], struct berr *e)
{
    unsigned char sha[32];
    char *bytes = NULL, detail[1536];
    size_t n = 0;
    int rc = export_personal_allowed(a, reason, e);

    if (rc < 0)
        return rc;
    rc = file_read_all(path, &bytes, &n, e);
    if (rc < 0)
        return rc;
    crypto_hash_sha256(sha, (const unsigned char *)bytes, n);
    sodium_memzero(bytes, n);
    free(bytes);
    sodium_bin2hex(sha_hex, 65, sha, sizeof(sha));
    snprintf(detail, sizeof(detail), "個人情報を含む一覧 CSV の書き出し (%s) %s: %ld 行 %zu バイト "
             "事由: %s", what, path, rows, n, reason);
    return audit_append_digest(st, a, function, detail, sha_hex, e);
}
