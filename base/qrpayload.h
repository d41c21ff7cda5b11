/*
 * qrpayload: the signed text carried by the QR code on every printed page
 * (ARCHITECTURE.md §1 and §5):
 *
 *     BOSHI1|<form>|<version>|<page>/<pages>|<subject or ->|<issue or ->|<mac>
 *
 * mac = the first 8 bytes of HMAC-SHA256, under the site's 32-byte key, of
 * everything before the last '|', as RFC 4648 base32 without padding
 * (13 characters, A-Z 2-7).  Example, under the key 00 01 02 .. 1f:
 *
 *     BOSHI1|nyuyoji_4m|3|1/2|000123456789|I2026-000042|3QFHRGCV3ULQI
 *
 * Not for: drawing the code (reports/pdf.h) or finding it in a scan (ocr/);
 * nor for keeping the key (the caller loads it and passes it in).
 *
 * Field rules (build refuses, parse reports malformed):
 *   form     [a-z0-9_]{1,32}
 *   version  1..999999, decimal without leading zeros
 *   page     1..999, page <= pages <= 999
 *   subject  "" (printed "-") or [A-Za-z0-9_.-]{1,32} and not "-"
 *   issue    same as subject
 * ASCII only, so the text is the same byte string whatever QR mode carries it.
 */
#ifndef BOSHI_QRPAYLOAD_H
#define BOSHI_QRPAYLOAD_H

#include "base/base.h"

#include <stddef.h>

#define QRPAYLOAD_KEY_BYTES 32
#define QRPAYLOAD_FORM_MAX 32
#define QRPAYLOAD_ID_MAX 32          /* subject and issue id */
#define QRPAYLOAD_VERSION_MAX 999999
#define QRPAYLOAD_PAGES_MAX 999
#define QRPAYLOAD_MAC_CHARS 13
/* Longest valid payload, without the NUL. */
#define QRPAYLOAD_MAX 160

/*
 * Distinct failures of qrpayload_parse(), as berr codes:
 *   NOT_BOSHI  the code is someone else's (no "BOSHI" prefix)
 *   MALFORMED  a boshi code whose fields do not parse (or an unknown BOSHIn)
 *   BAD_MAC    well-formed, but the signature does not match: forged,
 *              altered, or made under another site's key
 */
enum qrpayload_error {
    QRPAYLOAD_NOT_BOSHI = BERR_NOTFOUND,
    QRPAYLOAD_MALFORMED = BERR_INVALID,
    QRPAYLOAD_BAD_MAC = BERR_DENIED,
};

struct qrpayload {
    char form[QRPAYLOAD_FORM_MAX + 1];      /* form id, e.g. "ninshin_todoke" */
    int version;                            /* form definition version */
    int page, pages;                        /* this page, of how many (1-based) */
    char subject[QRPAYLOAD_ID_MAX + 1];     /* 宛名番号; "" when not pre-filled */
    char issue[QRPAYLOAD_ID_MAX + 1];       /* issue record id; "" when none */
};

/*
 * Builds the signed payload for p under key.  On success *out is a new
 * NUL-terminated string (caller frees).  BERR_INVALID if a field breaks the
 * rules above; *out is then NULL.
 */
int qrpayload_build(const struct qrpayload *p,
                    const unsigned char key[QRPAYLOAD_KEY_BYTES],
                    char **out, struct berr *e);

/*
 * Parses len bytes of s (as decoded from a QR code; need not be
 * NUL-terminated) and verifies the mac under key in constant time.
 * Fills *out only on success (it is zeroed on failure).  Returns 0 or one
 * of enum qrpayload_error with a message in Japanese.  Fields are checked
 * before the signature, so a well-formed code with any field altered is
 * QRPAYLOAD_BAD_MAC.
 */
int qrpayload_parse(const char *s, size_t len,
                    const unsigned char key[QRPAYLOAD_KEY_BYTES],
                    struct qrpayload *out, struct berr *e);

#endif
