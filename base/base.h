/*
 * base: small primitives every module shares.
 *
 *  - error reporting:  struct berr, berr_set() - the one error convention
 *  - checked allocation: xmalloc(), xcalloc(), xrealloc(), xstrdup()
 *  - growable strings: struct buf, buf_*()
 *  - dates: ISO 8601 <-> days, 和暦 formatting and parsing, the Japan day (jpdate_*)
 *  - 個人番号 check digit (mynumber_*)
 *  - Japanese text folding for matching (kana_*)
 *
 * Not for: anything that prints, exits, or knows about the store or forms.
 *
 * Error convention: a function that can fail returns 0 (or a non-negative
 * count) on success and a negative enum berr_code on failure, after filling
 * the caller's struct berr with a message meant for staff (Japanese).  A NULL
 * struct berr pointer is allowed and discards the message.
 */
#ifndef BOSHI_BASE_H
#define BOSHI_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum berr_code {
    BERR_FAIL = -1,      /* generic failure (I/O, database, library) */
    BERR_INVALID = -2,   /* bad input from a person or a file */
    BERR_NOTFOUND = -3,  /* no such person, user, item */
    BERR_DENIED = -4,    /* permission or account state refuses it */
    BERR_CONFLICT = -5,  /* already exists, already done, changed meanwhile */
};

struct berr {
    int code;            /* last code set, 0 if none */
    char msg[16384];     /* NUL-terminated, possibly multi-line (import lists 50 lines) */
};

/* Fills e (if not NULL) with the formatted message; returns code. */
int berr_set(struct berr *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefixes the existing message with the formatted text; returns e->code. */
int berr_prefix(struct berr *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void berr_clear(struct berr *e);

/* Allocation that cannot fail: out of memory aborts the process. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * struct buf: a growable NUL-terminated byte string.
 * Invariants: b->s is never NULL after buf_init() (it points at "" when
 * empty); b->s[b->len] == '\0'.  Appends past b->cap_limit (if non-zero)
 * are dropped and set b->toobig, so callers check once at the end.
 */
struct buf {
    char *s;
    size_t len, alloc;
    size_t cap_limit;
    int toobig;
};
void buf_init(struct buf *b);
void buf_release(struct buf *b);           /* frees; b can be reused after buf_init */
void buf_reset(struct buf *b);             /* empties, keeps the allocation */
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
char *buf_detach(struct buf *b);           /* caller frees; b is left empty */

/* Reads a whole file; caller frees *out. */
int file_read_all(const char *path, char **out, size_t *len, struct berr *e);

/* ---- dates ---------------------------------------------------------- */

struct ymd { int y, m, d; };

int ymd_valid(struct ymd d);                          /* 1 if a real Gregorian date */
int ymd_parse_iso(const char *s, struct ymd *out);    /* "YYYY-MM-DD" -> 0 / -1 */
int ymd_parse_compact(const char *s, struct ymd *out);/* "YYYYMMDD"   -> 0 / -1 */
void ymd_iso(struct ymd d, char out[11]);             /* "YYYY-MM-DD" */
long ymd_to_days(struct ymd d);                       /* days since 1970-01-01 */
struct ymd ymd_from_days(long days);
int ymd_cmp(struct ymd a, struct ymd b);
struct ymd ymd_today(void);                           /* today's date in Japan (JST) */
struct ymd ymd_add_months(struct ymd d, int months);  /* clamps the day */
/* Whole years of age on date `on` for someone born `birth`. */
int ymd_age_years(struct ymd birth, struct ymd on);
/* The next 31 March on or after d (the end of the fiscal year). */
struct ymd ymd_fiscal_year_end(struct ymd d);

/*
 * Days as nurses count them: in Japan.  The store's timestamps are UTC
 * instants, so a day is turned into the instant it starts at.  Japan
 * Standard Time is UTC+9 all year (no summer time since 1951), so the
 * boundary is a fixed offset and does not depend on the process's TZ
 * (servers are often set to UTC, where ymd_today() would be a UTC date).
 */
struct ymd jpdate_day_of(time_t t);       /* the date in Japan at instant t */
time_t jpdate_day_start(struct ymd d);    /* 00:00 JST of d (= 15:00 UTC the day before) */

/* 0 = Sunday ... 6 = Saturday. */
int ymd_weekday(struct ymd d);
/* "日" ... "土" for ymd_weekday's value. */
const char *jp_weekday_name(int wd);
/*
 * 1 if d is a national holiday of Japan (国民の祝日に関する法律): the named
 * days (fixed dates, Happy Monday rules, 春分・秋分 by the standard formula,
 * the special days of 2019-2021), 振替休日 and 国民の休日; *name (may be
 * NULL) gets its name.  Computed, no list: 2000-2099, else -1.
 */
int jpdate_holiday(struct ymd d, const char **name);

enum jp_era { ERA_NONE = -1, ERA_MEIJI, ERA_TAISHO, ERA_SHOWA, ERA_HEISEI, ERA_REIWA, ERA_COUNT };
struct wareki { enum jp_era era; int year, month, day; };

const char *jp_era_name(enum jp_era era);             /* "令和" ... */
const char *jp_era_letter(enum jp_era era);           /* "R" ... */
/* The era a Gregorian date falls in, and its era year (元年 = 1). */
int jpdate_to_wareki(struct ymd d, struct wareki *out);
/* Validates the era range (H31.4.30 valid, H31.5.1 not) and converts. */
int jpdate_from_wareki(struct wareki w, struct ymd *out);
/* "令和6年4月1日" / "令和元年5月1日"; out of at least 40 bytes. */
void jpdate_format(struct ymd d, char *out, size_t n);
/*
 * Parses 和暦 text as staff type it: "令和6年4月1日", "R6.4.1", "H31/4/30",
 * "令和元年5月1日", full-width digits too.  Also accepts ISO "2024-04-01".
 */
int jpdate_parse(const char *s, struct ymd *out);

/* ---- 個人番号 ------------------------------------------------------- */

/* Check digit for the first 11 digits (ARCHITECTURE.md §8: 平成26年総務省令第85号 第5条); -1 if not 11 digits. */
int mynumber_check_digit(const char *first11);
/* 1 if s is exactly 12 ASCII digits with a valid check digit. */
int mynumber_valid(const char *s);
/* "********1234"; out of at least 13 bytes. */
void mynumber_mask(const char *s, char out[13]);
/*
 * Blanks, in place, every digit of each run of 12 or more digits in s (a
 * message that might echo a 個人番号): ASCII and full-width digits, with
 * single '-' or spaces between them counting as one run; each digit
 * becomes '*'.  The string only ever gets shorter.
 */
void mask_digit_runs(char *s);

/* ---- Japanese text -------------------------------------------------- */

/*
 * Folds a name or kana for matching: NFKC (width), hiragana -> katakana,
 * small kana -> large, long-vowel mark -> the vowel it stands for, spaces
 * removed, and the common 異体字 (髙->高, 﨑->崎, 齋/齊->斎, 邊/邉->辺, ...).
 * ヴ and ブ stay distinct.  Caller frees.  NULL on invalid UTF-8.
 */
char *kana_fold(const char *s);
/* Like kana_fold but keeps one ASCII space where the input had the first
 * space (surname / given name boundary). Caller frees. */
char *kana_fold_keep_space(const char *s);
/* NFKC only, for display-neutral comparison of addresses. Caller frees. */
char *text_nfkc(const char *s);
/* 1 if s (UTF-8) is full-width katakana with optional 長音/中点/spaces. */
int kana_is_katakana(const char *s);
/* Terminal display width of s (full-width characters count 2). */
int utf8_width(const char *s);
/* 1 if s is valid UTF-8. */
int utf8_valid(const char *s, size_t n);

#endif
