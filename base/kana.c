/*
 * kana.c: folding Japanese names and kana so that the same person written
 * two ways compares equal (for matching, records/residents-find.c): NFKC (full/half width), hiragana to
 * katakana, small kana to large, the long-vowel mark to its vowel, spaces
 * removed, and a table of common 異体字.  What is not folded is as important:
 * ヴ and ブ are different sounds in a name, so they stay apart.
 * Not for: display (fold keys are never shown), nor spelling correction.
 */
#include "base/base.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>


/* A second, readable table: pairs of UTF-8 strings, variant then standard. */
static const char *const itaiji_pairs[][2] = {
    { "髙", "高" }, { "﨑", "崎" }, { "嵜", "崎" }, { "碕", "崎" },
    { "齋", "斎" }, { "齊", "斎" }, { "斉", "斎" },
    { "邊", "辺" }, { "邉", "辺" }, { "濵", "浜" }, { "濱", "浜" },
    { "澤", "沢" }, { "嶋", "島" }, { "嶌", "島" }, { "櫻", "桜" },
    { "廣", "広" }, { "國", "国" }, { "冨", "富" }, { "惠", "恵" },
    { "眞", "真" }, { "德", "徳" }, { "條", "条" }, { "藏", "蔵" },
    { "榮", "栄" }, { "壽", "寿" }, { "萬", "万" }, { "實", "実" },
    { "學", "学" }, { "團", "団" }, { "澁", "渋" }, { "瀨", "瀬" },
    { "曾", "曽" }, { "淺", "浅" }, { "黑", "黒" }, { "槗", "橋" },
    { "𠮷", "吉" }, { "逹", "達" }, { "桒", "桑" }, { "籐", "藤" },
    { "檜", "桧" }, { "圓", "円" }, { "舘", "館" }, { "峯", "峰" },
    { "槇", "槙" }, { "埜", "野" }, { "增", "増" },
};

static int32_t first_cp(const char *s)
{
    utf8proc_int32_t cp = -1;

    utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &cp);
    return cp;
}

/* The pairs decoded once into a codepoint table sorted by variant. */
#define ITAIJI_N (sizeof(itaiji_pairs) / sizeof(itaiji_pairs[0]))
static struct { int32_t from, to; } itaiji_cp[ITAIJI_N];
static pthread_once_t itaiji_once = PTHREAD_ONCE_INIT;

static int itaiji_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return x < y ? -1 : x > y;
}

static void itaiji_init(void)
{
    for (size_t i = 0; i < ITAIJI_N; i++) {
        itaiji_cp[i].from = first_cp(itaiji_pairs[i][0]);
        itaiji_cp[i].to = first_cp(itaiji_pairs[i][1]);
    }
    qsort(itaiji_cp, ITAIJI_N, sizeof(itaiji_cp[0]), itaiji_cmp);
}

static int32_t itaiji_fold(int32_t cp)
{
    if (cp < 0x4E00)
        return cp;
    pthread_once(&itaiji_once, itaiji_init);
    size_t lo = 0, hi = ITAIJI_N;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (itaiji_cp[mid].from == cp)
            return itaiji_cp[mid].to;
        if (itaiji_cp[mid].from < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return cp;
}

static int32_t small_to_large(int32_t cp)
{
    switch (cp) {
    case 0x30A1: case 0x30A3: case 0x30A5: case 0x30A7: case 0x30A9: /* ァィゥェォ */
    case 0x30C3:                                                     /* ッ */
    case 0x30E3: case 0x30E5: case 0x30E7:                           /* ャュョ */
    case 0x30EE:                                                     /* ヮ */
        return cp + 1;
    case 0x30F5: return 0x30AB;                                      /* ヵ -> カ */
    case 0x30F6: return 0x30B1;                                      /* ヶ -> ケ */
    default: return cp;
    }
}

/* The vowel (as katakana) a long-vowel mark after cp stands for, or 0. */
static int32_t vowel_of(int32_t cp)
{
    static const char *const rows[5] = {
        "アカガサザタダナハバパマヤラワ",
        "イキギシジチヂニヒビピミリ",
        "ウクグスズツヅヌフブプムユルヴ",
        "エケゲセゼテデネヘベペメレ",
        "オコゴソゾトドノホボポモヨロヲ",
    };
    static const char *const vowels[5] = { "ア", "イ", "ウ", "エ", "オ" };

    for (int v = 0; v < 5; v++) {
        const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)rows[v];
        utf8proc_int32_t c;
        utf8proc_ssize_t n;
        while (*p && (n = utf8proc_iterate(p, -1, &c)) > 0) {
            if (c == cp)
                return first_cp(vowels[v]);
            p += n;
        }
    }
    return 0;
}

static int is_space(int32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == 0x3000 || cp == 0x00A0;
}

static void add_cp(struct buf *b, int32_t cp)
{
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);

    buf_add(b, enc, (size_t)n);
}

/*
 * 1 if NFKC leaves s unchanged for sure: printable ASCII, hiragana, the
 * katakana block without its half-width or combining forms, and the CJK
 * unified ideographs.  Almost every name and address is like that, and
 * skipping utf8proc for them makes a million-row import much faster.
 */
static int nfkc_stable_but(const char *s, int allow_ideo_space);

static int nfkc_stable(const char *s)
{
    return nfkc_stable_but(s, 0);
}

/* As nfkc_stable, but U+3000 (which NFKC turns into a space) may occur. */
static int nfkc_stable_but(const char *s, int allow_ideo_space)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p) {
        if (*p < 0x80) {
            if (*p < 0x20 || *p == 0x7F)
                return 0;
            p++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, 4, &cp);
        if (k <= 0)
            return 0;
        p += k;
        if ((cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC ||
            (cp >= 0x4E00 && cp <= 0x9FFF) || (allow_ideo_space && cp == 0x3000))
            continue;
        return 0;
    }
    return 1;
}

char *text_nfkc(const char *s)
{
    if (nfkc_stable(s))
        return xstrdup(s);
    /* malloc'd by utf8proc; NULL on invalid UTF-8 */
    return (char *)utf8proc_NFKC((const utf8proc_uint8_t *)s);
}

static char *fold(const char *s, int keep_space)
{
    /* fold() treats U+3000 as a space itself, so it may skip NFKC for it */
    char *n = nfkc_stable_but(s, 1) ? xstrdup(s) : text_nfkc(s);
    const utf8proc_uint8_t *p;
    struct buf b;
    int32_t prev = 0;
    int spaced = 0;

    if (n == NULL)
        return NULL;
    buf_init(&b);
    p = (const utf8proc_uint8_t *)n;
    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            break;
        p += k;
        if (is_space(cp)) {
            if (keep_space && !spaced && b.len > 0) {
                buf_addc(&b, ' ');
                spaced = 1;
            }
            prev = 0;
            continue;
        }
        if (cp >= 0x3041 && cp <= 0x3096)          /* hiragana -> katakana */
            cp += 0x60;
        cp = small_to_large(cp);
        if (cp == 0x30FC || cp == 0x2010 || cp == 0x2015 || cp == 0x2212 || cp == 0xFF70) {
            int32_t v = prev ? vowel_of(prev) : 0;
            if (v)
                cp = v;
            else
                cp = 0x30FC;
        }
        cp = itaiji_fold(cp);
        add_cp(&b, cp);
        prev = cp;
    }
    free(n);
    if (keep_space && b.len > 0 && b.s[b.len - 1] == ' ')
        b.s[--b.len] = '\0';
    return buf_detach(&b);
}

char *kana_fold(const char *s)
{
    return fold(s, 0);
}

char *kana_fold_keep_space(const char *s)
{
    return fold(s, 1);
}

int kana_is_katakana(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    int any = 0;

    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            return 0;
        p += k;
        if (cp == 0x3000 || cp == ' ')
            continue;
        if ((cp >= 0x30A1 && cp <= 0x30FA) || cp == 0x30FC || cp == 0x30FB) {
            any = 1;
            continue;
        }
        return 0;
    }
    return any;
}

int utf8_valid(const char *s, size_t n)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    size_t i = 0;

    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p + i, (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0)
            return 0;
        i += (size_t)k;
    }
    return 1;
}

int utf8_width(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    int w = 0;

    while (*p) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
        if (k <= 0)
            return w + (int)strlen((const char *)p);
        p += k;
        w += utf8proc_charwidth(cp);
    }
    return w;
}
