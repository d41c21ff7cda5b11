/*
 * qrpayload.c: builds and verifies the signed QR payload (see qrpayload.h
 * for the format and field rules).
 * Not for: QR symbol encoding or decoding; key storage.
 *
 * The same field checks serve build and parse, so anything build accepts
 * parse accepts, and nothing else carries a valid signature.
 */
#include "base/qrpayload.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC "BOSHI1"
#define MAC_BYTES 8
#define FIELD_COUNT 7

/* RFC 4648 base32, no padding: 8 bytes -> 13 characters. */
static void base32_mac(const unsigned char in[MAC_BYTES], char out[QRPAYLOAD_MAC_CHARS + 1])
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned int acc = 0;
    int bits = 0;
    size_t n = 0;

    for (size_t i = 0; i < MAC_BYTES; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 5) {
            out[n++] = alphabet[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
        acc &= (1u << bits) - 1;
    }
    if (bits > 0)
        out[n++] = alphabet[(acc << (5 - bits)) & 31];
    out[n] = '\0';
}

/* mac over the first len bytes of s; out gets 13 characters and a NUL. */
static int compute_mac(const char *s, size_t len, const unsigned char *key,
                       char out[QRPAYLOAD_MAC_CHARS + 1], struct berr *e)
{
    unsigned char full[crypto_auth_hmacsha256_BYTES];

    if (sodium_init() < 0)
        return berr_set(e, BERR_FAIL, "暗号ライブラリ (libsodium) を初期化できません");
    crypto_auth_hmacsha256(full, (const unsigned char *)s, len, key);
    base32_mac(full, out);
    sodium_memzero(full, sizeof(full));
    return 0;
}

static int is_form_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int is_id_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static int span_all(const char *s, size_t n, int (*ok)(char))
{
    for (size_t i = 0; i < n; i++)
        if (!ok(s[i]))
            return 0;
    return 1;
}

/* A form id: 1..QRPAYLOAD_FORM_MAX of [a-z0-9_]. */
static int form_ok(const char *s, size_t n)
{
    return n >= 1 && n <= QRPAYLOAD_FORM_MAX && span_all(s, n, is_form_char);
}

/* A non-empty subject or issue id; "-" alone is reserved for "none". */
static int id_ok(const char *s, size_t n)
{
    if (n == 1 && s[0] == '-')
        return 0;
    return n >= 1 && n <= QRPAYLOAD_ID_MAX && span_all(s, n, is_id_char);
}

/* Decimal 1..max, no sign, no leading zero; -1 if not. */
static long parse_count(const char *s, size_t n, long max)
{
    long v = 0;

    if (n == 0 || n > 9 || s[0] == '0')
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v <= max ? v : -1;
}

int qrpayload_build(const struct qrpayload *p, const unsigned char key[QRPAYLOAD_KEY_BYTES],
                    char **out, struct berr *e)
{
    struct buf b;
    char mac[QRPAYLOAD_MAC_CHARS + 1];
    size_t fn = strnlen(p->form, sizeof(p->form));
    size_t sn = strnlen(p->subject, sizeof(p->subject));
    size_t in = strnlen(p->issue, sizeof(p->issue));
    int rc = 0;

    *out = NULL;
    buf_init(&b);
    if (!form_ok(p->form, fn)) {
        rc = berr_set(e, BERR_INVALID, "QR: 様式IDが不正です (英小文字・数字・_ で %d 文字以内)",
                      QRPAYLOAD_FORM_MAX);
        goto cleanup;
    }
    if (p->version < 1 || p->version > QRPAYLOAD_VERSION_MAX) {
        rc = berr_set(e, BERR_INVALID, "QR: 様式の版 %d が範囲外です (1〜%d)", p->version,
                      QRPAYLOAD_VERSION_MAX);
        goto cleanup;
    }
    if (p->pages < 1 || p->pages > QRPAYLOAD_PAGES_MAX || p->page < 1 || p->page > p->pages) {
        rc = berr_set(e, BERR_INVALID, "QR: ページ番号 %d/%d が不正です", p->page, p->pages);
        goto cleanup;
    }
    if (sn > 0 && !id_ok(p->subject, sn)) {
        rc = berr_set(e, BERR_INVALID, "QR: 宛名番号が不正です (英数字・_.- で %d 文字以内)",
                      QRPAYLOAD_ID_MAX);
        goto cleanup;
    }
    if (in > 0 && !id_ok(p->issue, in)) {
        rc = berr_set(e, BERR_INVALID, "QR: 発行IDが不正です (英数字・_.- で %d 文字以内)",
                      QRPAYLOAD_ID_MAX);
        goto cleanup;
    }
    buf_addf(&b, MAGIC "|%.*s|%d|%d/%d|%.*s|%.*s", (int)fn, p->form, p->version, p->page,
             p->pages, (int)(sn ? sn : 1), sn ? p->subject : "-", (int)(in ? in : 1),
             in ? p->issue : "-");
    rc = compute_mac(b.s, b.len, key, mac, e);
    if (rc < 0)
        goto cleanup;
    buf_addc(&b, '|');
    buf_adds(&b, mac);
    *out = buf_detach(&b);
cleanup:
    buf_release(&b);
    return rc;
}

/* Splits s[0..len) at '|' into at most max fields; returns the count, or
 * max + 1 if there are more. */
static int split_fields(const char *s, size_t len, const char **start, size_t *flen, int max)
{
    int n = 0;
    size_t from = 0;

    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != '|')
            continue;
        if (n == max)
            return max + 1;
        start[n] = s + from;
        flen[n] = i - from;
        n++;
        from = i + 1;
    }
    return n;
}

/* Copies an optional id field ("-" = none) into dst of QRPAYLOAD_ID_MAX + 1. */
static int take_id(const char *s, size_t n, char *dst)
{
    if (n == 1 && s[0] == '-') {
        dst[0] = '\0';
        return 0;
    }
    if (!id_ok(s, n))
        return -1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

int qrpayload_parse(const char *s, size_t len, const unsigned char key[QRPAYLOAD_KEY_BYTES],
                    struct qrpayload *out, struct berr *e)
{
    const char *f[FIELD_COUNT];
    size_t fl[FIELD_COUNT];
    struct qrpayload p;
    char mac[QRPAYLOAD_MAC_CHARS + 1];
    const char *slash;
    long page, pages, version;
    int rc = 0;

    memset(&p, 0, sizeof(p));
    memset(out, 0, sizeof(*out));
    if (len < 5 || memcmp(s, "BOSHI", 5) != 0) {
        rc = berr_set(e, QRPAYLOAD_NOT_BOSHI, "QR: boshi の発行したコードではありません");
        goto cleanup;
    }
    if (len < sizeof(MAGIC) || memcmp(s, MAGIC "|", sizeof(MAGIC)) != 0) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: 対応していない形式のコードです (%s 以外)",
                      MAGIC);
        goto cleanup;
    }
    if (len > QRPAYLOAD_MAX || memchr(s, '\0', len) != NULL) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: コードの長さまたは文字が不正です");
        goto cleanup;
    }
    if (split_fields(s, len, f, fl, FIELD_COUNT) != FIELD_COUNT) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: 項目の数が %d ではありません", FIELD_COUNT);
        goto cleanup;
    }
    if (!form_ok(f[1], fl[1])) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: 様式IDが不正です");
        goto cleanup;
    }
    memcpy(p.form, f[1], fl[1]);
    version = parse_count(f[2], fl[2], QRPAYLOAD_VERSION_MAX);
    if (version < 0) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: 様式の版が不正です");
        goto cleanup;
    }
    slash = memchr(f[3], '/', fl[3]);
    page = slash ? parse_count(f[3], (size_t)(slash - f[3]), QRPAYLOAD_PAGES_MAX) : -1;
    pages = slash ? parse_count(slash + 1, fl[3] - (size_t)(slash - f[3]) - 1,
                                QRPAYLOAD_PAGES_MAX) : -1;
    if (page < 0 || pages < 0 || page > pages) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: ページ番号が不正です");
        goto cleanup;
    }
    if (take_id(f[4], fl[4], p.subject) < 0) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: 宛名番号が不正です");
        goto cleanup;
    }
    if (take_id(f[5], fl[5], p.issue) < 0) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: 発行IDが不正です");
        goto cleanup;
    }
    if (fl[6] != QRPAYLOAD_MAC_CHARS) {
        rc = berr_set(e, QRPAYLOAD_MALFORMED, "QR: 署名の長さが不正です");
        goto cleanup;
    }
    /* The mac covers everything before its own '|'. */
    rc = compute_mac(s, (size_t)(f[6] - 1 - s), key, mac, e);
    if (rc < 0)
        goto cleanup;
    if (sodium_memcmp(mac, f[6], QRPAYLOAD_MAC_CHARS) != 0) {
        rc = berr_set(e, QRPAYLOAD_BAD_MAC,
                      "QR: 署名が一致しません (改ざん・偽造、または別の施設の鍵で作成されたコードです)");
        goto cleanup;
    }
    p.version = (int)version;
    p.page = (int)page;
    p.pages = (int)pages;
    *out = p;
cleanup:
    sodium_memzero(mac, sizeof(mac));
    return rc;
}
