/*
 * auditreview.c: the monthly access-log review (点検, README.md "Access-log
 * review").  Reads one month (Japan time) of audit_log, applies the rules of
 * enum audit_rule and keeps what they find in audit_findings, one row per
 * (month, rule, operator, person, key), so that a finding found again on a
 * re-run keeps its id and its 確認済 mark.  Marking a finding is audited.
 *
 * A "view" is an access-log entry that names a person (person IS NOT NULL),
 * except the log's own functions (audit.*).  "Passed through the operator's
 * hands" (rule AR_UNLINKED) means, before the end of the month: an issue
 * printed by them for the person (issues_printed.printed_by), a review item
 * of the person's page resolved by them (review_items.resolved_by), a page
 * of the person taken in in their batch (batches.by_user), a referral made
 * by them (referrals.created_by), an EPDS alert of the person closed by
 * them (alerts.closed_by), or the person registered by them as 住登外.
 *
 * A finding names the person by 宛名番号 only, never by name: like the access
 * log it is derived from, it is kept through a purge (purge.c leaves it).
 *
 * Not for: drawing the report (reports/auditreview.c), nor printing.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/shien.h"
#include "base/workday.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const struct { const char *name, *label; } rules[AR_RULE_COUNT] = {
    [AR_SURNAME] = { "surname", "同姓の住民の閲覧" },
    [AR_ADDRESS] = { "address", "同じ住所の住民の閲覧" },
    [AR_REVEAL] = { "reveal", "個人番号の表示" },
    [AR_HOURS] = { "hours", "執務時間外の閲覧" },
    [AR_VOLUME] = { "volume", "閲覧件数の急増" },
    [AR_UNLINKED] = { "unlinked", "担当のない住民の閲覧" },
    [AR_FLAGGED] = { "flagged", "支援措置対象者の閲覧" },
};

const char *audit_rule_name(int rule)
{
    return rule >= 0 && rule < AR_RULE_COUNT ? rules[rule].name : "?";
}

const char *audit_rule_label(int rule)
{
    return rule >= 0 && rule < AR_RULE_COUNT ? rules[rule].label : "?";
}

static int rule_from_name(const char *name)
{
    for (int i = 0; i < AR_RULE_COUNT; i++)
        if (strcmp(rules[i].name, name) == 0)
            return i;
    return -1;
}

int audit_office_hours_parse(const char *s, int *from_min, int *to_min)
{
    int h1, m1, h2, m2, used = 0;

    if (s == NULL || sscanf(s, "%2d:%2d-%2d:%2d%n", &h1, &m1, &h2, &m2, &used) != 4 ||
        used != (int)strlen(s) || strlen(s) != 11)
        return -1;
    if (h1 < 0 || h1 > 24 || h2 < 0 || h2 > 24 || m1 < 0 || m1 > 59 || m2 < 0 || m2 > 59)
        return -1;
    *from_min = h1 * 60 + m1;
    *to_min = h2 * 60 + m2;
    if (*from_min >= *to_min || *to_min > 24 * 60)
        return -1;
    return 0;
}

/* The function names that are not views of a person (the log's own). */
#define VIEW_WHERE "person IS NOT NULL AND function NOT LIKE 'audit.%'"

struct account {
    char *login, *name, *address, *created_at;
};

struct run {
    struct store *st;
    const char *month, *from, *to;   /* "2026-11", UTC ISO bounds [from, to) */
    char found_at[32];
    sqlite3_stmt *up;                /* the upsert */
    sqlite3_stmt *who, *link;        /* person_of, linked: prepared once per run */
    struct account *acc;
    size_t nacc;
};

static const struct account *account_of(const struct run *r, const char *login)
{
    for (size_t i = 0; i < r->nacc; i++)
        if (strcmp(r->acc[i].login, login) == 0)
            return &r->acc[i];
    return NULL;
}

static int upsert(struct run *r, int rule, const char *user, const char *person, const char *key,
                  long views, const char *first_at, const char *last_at, int64_t first_seq,
                  const char *detail, struct berr *e)
{
    sqlite3_stmt *s = r->up;

    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, r->month, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, audit_rule_name(rule), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, person ? person : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, key ? key : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 6, views);
    sqlite3_bind_text(s, 7, first_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 8, last_at, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 9, first_seq);
    sqlite3_bind_text(s, 10, detail, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 11, r->found_at, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        return db_fail(r->st, "点検結果の保存", e);
    return 0;
}

/* The surname of a name written "姓　名" (full-width or ASCII space), folded; NULL if none. */
static char *surname_of(const char *name)
{
    char *f, *sp;

    if (name == NULL || (strstr(name, "　") == NULL && strchr(name, ' ') == NULL))
        return NULL;
    f = kana_fold_keep_space(name);
    if (f == NULL)
        return NULL;
    sp = strchr(f, ' ');
    if (sp == NULL || sp == f) {
        free(f);
        return NULL;
    }
    *sp = '\0';
    return f;
}

/* The raw surname (as written) for the finding's text. */
static void surname_raw(const char *name, char *out, size_t n)
{
    const char *a = strstr(name, "　"), *b = strchr(name, ' ');
    const char *end = a && (!b || a < b) ? a : b;

    snprintf(out, n, "%.*s", end ? (int)(end - name) : (int)strlen(name), name);
}

/* An address folded for comparison without 方書, trailing separators dropped; caller frees. */
static char *address_key(const char *address)
{
    char *f = address_fold(address ? address : "", NULL);
    size_t n = strlen(f);

    while (n > 0 && f[n - 1] == '-')
        f[--n] = '\0';
    return f;
}

/* The person's name and address (resident, else 住登外); 0 found, 1 not. Caller frees both. */
static int person_of(struct run *r, const char *person, char **name, char **address, struct berr *e)
{
    sqlite3_stmt *s = r->who;
    int rc = 0;

    *name = *address = NULL;
    if (s == NULL) {
        rc = db_prepare(r->st, &r->who, "SELECT name, address FROM residents WHERE atena = ?1 UNION ALL "
                                        "SELECT name, address FROM persons_unregistered WHERE id = ?1 "
                                        "LIMIT 1", e);
        if (rc < 0)
            return rc;
        s = r->who;
    }
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, person, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *name = xstrdup(db_col(s, 0));
        *address = xstrdup(db_col(s, 1));
    } else {
        rc = 1;
    }
    sqlite3_reset(s);
    return rc;
}

/* 1 if a paper of person passed through user's hands before the month's end. */
static int linked(struct run *r, const char *user, const char *person, int *out, struct berr *e)
{
    sqlite3_stmt *s = r->link;
    int rc = s ? 0 : db_prepare(
        r->st, &r->link,
        "SELECT EXISTS (SELECT 1 FROM issues_printed WHERE person = ?1 AND printed_by = ?2 AND "
        "  printed_at < ?3) "
        "OR EXISTS (SELECT 1 FROM review_items ri JOIN pages pg ON pg.id = ri.page_id WHERE "
        "  pg.subject = ?1 AND ri.resolved_by = ?2 AND ri.resolved_at < ?3) "
        "OR EXISTS (SELECT 1 FROM pages pg JOIN batches b ON b.id = pg.batch_id WHERE "
        "  pg.subject = ?1 AND b.by_user = ?2 AND pg.read_at < ?3) "
        "OR EXISTS (SELECT 1 FROM referrals WHERE person = ?1 AND created_by = ?2 AND created_at < ?3) "
        "OR EXISTS (SELECT 1 FROM alerts WHERE person = ?1 AND closed_by = ?2 AND closed_at < ?3) "
        "OR EXISTS (SELECT 1 FROM persons_unregistered WHERE id = ?1 AND created_by = ?2 AND "
        "  created_at < ?3)", e);

    *out = 0;
    if (rc < 0)
        return rc;
    s = r->link;
    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, person, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, r->to, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int(s, 0);
    else
        rc = db_fail(r->st, "点検 (担当の確認)", e);
    sqlite3_reset(s);
    return rc;
}

/*
 * 支援措置 (DV support measures): every view of a person under the measure -
 * marked so when the entry was written (SHIEN_AUDIT_MARK, records/shien.c)
 * or flagged now - is listed, one finding per (operator, person) pair, so
 * the 管理者 confirms each was part of the work.
 */
static int rule_flagged(struct run *r, int *connected, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(r->st, &s, "SELECT user, person, count(*), min(at), max(at), min(seq) "
                                   "FROM audit_log l WHERE at >= ?1 AND at < ?2 AND " VIEW_WHERE
                                   " AND (instr(detail, ?3) > 0 OR EXISTS (SELECT 1 FROM residents "
                                   "x WHERE x.atena = l.person AND x.shien = 1)) "
                                   "GROUP BY user, person ORDER BY user, person", e);

    *connected = 1;
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, r->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->to, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, SHIEN_AUDIT_MARK, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        char detail[160];
        long n = sqlite3_column_int64(s, 2);

        snprintf(detail, sizeof(detail), "支援措置の対象者を %ld 回閲覧", n);
        rc = upsert(r, AR_FLAGGED, db_col(s, 0), db_col(s, 1), "", n, db_col(s, 3), db_col(s, 4),
                    sqlite3_column_int64(s, 5), detail, e);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Rules on each (operator, person) pair of the month: surname, address, unlinked. */
static int rules_per_pair(struct run *r, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(r->st, &s, "SELECT user, person, count(*), min(at), max(at), min(seq) "
                                   "FROM audit_log WHERE at >= ? AND at < ? AND " VIEW_WHERE
                                   " GROUP BY user, person ORDER BY user, person", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, r->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->to, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        const char *user = db_col(s, 0), *person = db_col(s, 1);
        long n = sqlite3_column_int64(s, 2);
        const char *first = db_col(s, 3), *last = db_col(s, 4);
        int64_t seq = sqlite3_column_int64(s, 5);
        const struct account *ac = account_of(r, user);
        char *name = NULL, *addr = NULL, detail[512];
        int found, link = 0;

        found = person_of(r, person, &name, &addr, e);
        if (found < 0) {
            rc = found;
            break;
        }
        if (found == 0 && ac != NULL) {
            char *mine = surname_of(ac->name), *theirs = surname_of(name);
            if (mine && theirs && strcmp(mine, theirs) == 0) {
                /* the operator's surname as the account writes it: nothing of the resident's
                 * name goes into the finding (it outlives a purge, as the log does) */
                char raw[128];
                surname_raw(ac->name, raw, sizeof(raw));
                snprintf(detail, sizeof(detail), "利用者と同じ姓「%s」の住民を閲覧 (%ld 件)", raw, n);
                rc = upsert(r, AR_SURNAME, user, person, "", n, first, last, seq, detail, e);
            }
            free(mine);
            free(theirs);
            if (rc == 0 && ac->address && ac->address[0]) {
                char *ka = address_key(ac->address), *kb = address_key(addr);
                if (ka[0] && strcmp(ka, kb) == 0) {
                    snprintf(detail, sizeof(detail), "利用者の住所と同じ住所の住民を閲覧 (%ld 件)", n);
                    rc = upsert(r, AR_ADDRESS, user, person, "", n, first, last, seq, detail, e);
                }
                free(ka);
                free(kb);
            }
        }
        if (rc == 0)
            rc = linked(r, user, person, &link, e);
        if (rc == 0 && !link) {
            snprintf(detail, sizeof(detail), "担当した書類 (発行・取込・確認・精密検査依頼) のない%sを閲覧 (%ld 件)",
                     found == 0 ? "住民" : "人 (記録ストアに氏名なし)", n);
            rc = upsert(r, AR_UNLINKED, user, person, "", n, first, last, seq, detail, e);
        }
        free(name);
        free(addr);
    }
    sqlite3_finalize(s);
    return rc;
}

/* The run of after-hours views of one (operator, person, JST day) being gathered. */
struct hours_run {
    char user[64], person[16], day[11], why[96], first[32], last[32];
    long n;
    int64_t seq;
};

static int hours_flush(struct run *r, struct hours_run *h, struct berr *e)
{
    char detail[512];
    int rc;

    if (h->n == 0)
        return 0;
    snprintf(detail, sizeof(detail), "%sの閲覧 (%ld 件)", h->why, h->n);
    rc = upsert(r, AR_HOURS, h->user, h->person, h->day, h->n, h->first, h->last, h->seq, detail, e);
    h->n = 0;
    return rc;
}

/* Whether the instant at (UTC ISO) is outside office hours; day gets its JST date, why the reason. */
static int outside_hours(const char *at, int from_min, int to_min, const char *hours, char day[11],
                         char *why, size_t whyn)
{
    struct tm tm, j;
    time_t t;
    struct ymd d;
    const char *hol = NULL;
    int min, w;

    memset(&tm, 0, sizeof(tm));
    day[0] = '\0';
    if (strptime(at, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
        return 0;
    t = timegm(&tm) + 9 * 3600;   /* JST is UTC+9 all year */
    gmtime_r(&t, &j);
    d = (struct ymd){ j.tm_year + 1900, j.tm_mon + 1, j.tm_mday };
    min = j.tm_hour * 60 + j.tm_min;
    ymd_iso(d, day);
    if (!workday_is(d)) {
        w = ymd_weekday(d);
        if (w == 0 || w == 6)
            snprintf(why, whyn, "閉庁日 (%s曜日)", w == 0 ? "日" : "土");
        else if (jpdate_holiday(d, &hol) == 1)
            snprintf(why, whyn, "閉庁日 (%s)", hol ? hol : "祝日");
        else
            snprintf(why, whyn, "閉庁日 (年末年始)");
        return 1;
    }
    if (min < from_min || min >= to_min) {
        snprintf(why, whyn, "執務時間 (%s) 外", hours);
        return 1;
    }
    return 0;
}

/* Rules on each entry: 個人番号 reveals, and views outside office hours (one finding per operator, person, day). */
static int rules_per_entry(struct run *r, int from_min, int to_min, const char *hours,
                           struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct hours_run h;
    int rc = db_prepare(r->st, &s, "SELECT seq, at, user, function, person, detail FROM audit_log "
                                   "WHERE at >= ? AND at < ? AND " VIEW_WHERE
                                   " ORDER BY user, person, at, seq", e);

    memset(&h, 0, sizeof(h));
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, r->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->to, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        const char *at = db_col(s, 1), *user = db_col(s, 2), *fn = db_col(s, 3);
        const char *person = db_col(s, 4);
        char day[11], why[96], detail[512];

        if (strstr(fn, "reveal") != NULL) {
            char key[24];
            snprintf(key, sizeof(key), "%lld", (long long)seq);
            snprintf(detail, sizeof(detail), "個人番号を表示 (機能 %s、記録 %s): %.300s", fn, key,
                     db_col(s, 5));
            rc = upsert(r, AR_REVEAL, user, person, key, 1, at, at, seq, detail, e);
            if (rc < 0)
                break;
        }
        if (!outside_hours(at, from_min, to_min, hours, day, why, sizeof(why)))
            continue;
        if (h.n > 0 && strcmp(h.user, user) == 0 && strcmp(h.person, person) == 0 &&
            strcmp(h.day, day) == 0) {
            h.n++;
            snprintf(h.last, sizeof(h.last), "%s", at);
            continue;
        }
        rc = hours_flush(r, &h, e);
        snprintf(h.user, sizeof(h.user), "%s", user);
        snprintf(h.person, sizeof(h.person), "%s", person);
        snprintf(h.day, sizeof(h.day), "%s", day);
        snprintf(h.why, sizeof(h.why), "%s", why);
        snprintf(h.first, sizeof(h.first), "%s", at);
        snprintf(h.last, sizeof(h.last), "%s", at);
        h.seq = seq;
        h.n = 1;
    }
    if (rc == 0)
        rc = hours_flush(r, &h, e);
    sqlite3_finalize(s);
    return rc;
}

/* UTC ISO of 00:00 JST on the first of (y, m). */
static void month_start_iso(int y, int m, char out[32])
{
    while (m > 12) {
        m -= 12;
        y++;
    }
    while (m < 1) {
        m += 12;
        y--;
    }
    store_iso_at(jpdate_day_start((struct ymd){ y, m, 1 }), out);
}

static long count_views(struct run *r, sqlite3_stmt *s, const char *user, const char *from,
                        const char *to)
{
    long n = 0;

    sqlite3_reset(s);
    sqlite3_bind_text(s, 1, user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 2, from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 3, to, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    return n;
}

static int cmp_long(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;

    return x < y ? -1 : x > y;
}

/*
 * The volume rule: an operator's views this month against the median of
 * their views in each of the AUDIT_VOLUME_MONTHS months before (months
 * before the account was created are not counted; with none left the rule
 * does not apply).  Found when views >= AUDIT_VOLUME_MIN and views >
 * AUDIT_VOLUME_FACTOR x median.
 */
static int rule_volume(struct run *r, int y, int m, struct berr *e)
{
    sqlite3_stmt *u = NULL, *c = NULL;
    int rc = db_prepare(r->st, &u, "SELECT user, count(*), min(at), max(at), min(seq) FROM audit_log "
                                   "WHERE at >= ? AND at < ? AND " VIEW_WHERE " GROUP BY user", e);

    if (rc == 0)
        rc = db_prepare(r->st, &c, "SELECT count(*) FROM audit_log WHERE user = ? AND at >= ? AND "
                                   "at < ? AND " VIEW_WHERE, e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(u, 1, r->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 2, r->to, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(u) == SQLITE_ROW) {
        const char *user = db_col(u, 0);
        long n = sqlite3_column_int64(u, 1), prev[AUDIT_VOLUME_MONTHS];
        const struct account *ac = account_of(r, user);
        int k = 0;
        char list[256] = "", detail[512];
        size_t used = 0;

        if (n < AUDIT_VOLUME_MIN)
            continue;
        for (int i = AUDIT_VOLUME_MONTHS; i >= 1; i--) {
            char from[32], to[32];
            month_start_iso(y, m - i, from);
            month_start_iso(y, m - i + 1, to);
            if (ac && ac->created_at[0] && strcmp(ac->created_at, to) >= 0)
                continue;   /* the account did not exist yet */
            prev[k] = count_views(r, c, user, from, to);
            used += (size_t)snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0,
                                     "%s%ld", k ? "・" : "", prev[k]);
            if (used >= sizeof(list))
                used = sizeof(list) - 1;
            k++;
        }
        if (k == 0)
            continue;
        qsort(prev, (size_t)k, sizeof(prev[0]), cmp_long);
        /* median x 2, to stay in integers: the middle value twice, or the two middle ones */
        long med2 = k % 2 ? 2 * prev[k / 2] : prev[k / 2 - 1] + prev[k / 2];
        if (2 * n <= AUDIT_VOLUME_FACTOR * med2)
            continue;
        snprintf(detail, sizeof(detail),
                 "今月の閲覧 %ld 件。前%dか月の月ごとの件数 (%s) の中央値 %ld%s 件の%d倍を超えています",
                 n, k, list, med2 / 2, med2 % 2 ? ".5" : "", AUDIT_VOLUME_FACTOR);
        rc = upsert(r, AR_VOLUME, user, "", "", n, db_col(u, 2), db_col(u, 3),
                    sqlite3_column_int64(u, 4), detail, e);
    }
cleanup:
    sqlite3_finalize(u);
    sqlite3_finalize(c);
    return rc;
}

static void accounts_free(struct run *r)
{
    for (size_t i = 0; i < r->nacc; i++) {
        free(r->acc[i].login);
        free(r->acc[i].name);
        free(r->acc[i].address);
        free(r->acc[i].created_at);
    }
    free(r->acc);
    r->acc = NULL;
    r->nacc = 0;
}

static int accounts_load(struct run *r, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    size_t cap = 0;
    int rc = db_prepare(r->st, &s, "SELECT login, display_name, coalesce(address, ''), created_at "
                                   "FROM users ORDER BY login", e);

    if (rc < 0)
        return rc;
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (r->nacc == cap) {
            cap = cap ? cap * 2 : 16;
            r->acc = xrealloc(r->acc, cap * sizeof(*r->acc));
        }
        r->acc[r->nacc].login = xstrdup(db_col(s, 0));
        r->acc[r->nacc].name = xstrdup(db_col(s, 1));
        r->acc[r->nacc].address = xstrdup(db_col(s, 2));
        r->acc[r->nacc].created_at = xstrdup(db_col(s, 3));
        r->nacc++;
    }
    sqlite3_finalize(s);
    return 0;
}

/* Who viewed anyone this month, and of them who has no address / no surname. */
static int accounts_summary(struct run *r, struct audit_review *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct buf na, ns;
    int rc = db_prepare(r->st, &s, "SELECT DISTINCT user FROM audit_log WHERE at >= ? AND at < ? AND "
                                   VIEW_WHERE " ORDER BY user", e);

    buf_init(&na);
    buf_init(&ns);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, r->from, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->to, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *user = db_col(s, 0);
        const struct account *ac = account_of(r, user);
        char *sn = ac ? surname_of(ac->name) : NULL;
        out->accounts++;
        if (ac == NULL || ac->address[0] == '\0') {
            out->no_address++;
            buf_addf(&na, "%s%s", na.len ? ", " : "", user);
        }
        if (sn == NULL) {
            out->no_surname++;
            buf_addf(&ns, "%s%s", ns.len ? ", " : "", user);
        }
        free(sn);
    }
cleanup:
    sqlite3_finalize(s);
    out->no_address_list = buf_detach(&na);
    out->no_surname_list = buf_detach(&ns);
    if (out->no_address_list == NULL)
        out->no_address_list = xstrdup("");
    if (out->no_surname_list == NULL)
        out->no_surname_list = xstrdup("");
    return rc;
}

static char *dup_or_null(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? NULL : xstrdup(db_col(s, i));
}

/* The stored findings of the month, in rule order, then operator and time. */
static int findings_load(struct run *r, struct audit_review *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    struct buf sql;
    size_t cap = 0;
    int rc;

    buf_init(&sql);
    buf_adds(&sql, "SELECT f.id, f.rule, f.user, coalesce(u.display_name, ''), f.person, f.key, f.views, "
                   "f.first_at, f.last_at, f.first_seq, f.detail, f.checked_by, f.checked_at, f.comment "
                   "FROM audit_findings f LEFT JOIN users u ON u.login = f.user WHERE f.month = ? "
                   "ORDER BY CASE f.rule");
    for (int i = 0; i < AR_RULE_COUNT; i++)
        buf_addf(&sql, " WHEN '%s' THEN %d", rules[i].name, i);
    buf_adds(&sql, " ELSE 99 END, f.user, f.first_at, f.id");
    rc = db_prepare(r->st, &s, sql.s, e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, r->month, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW) {
        struct audit_finding *f;
        if (out->nf == cap) {
            cap = cap ? cap * 2 : 32;
            out->f = xrealloc(out->f, cap * sizeof(*out->f));
        }
        f = &out->f[out->nf++];
        memset(f, 0, sizeof(*f));
        f->id = sqlite3_column_int64(s, 0);
        f->rule = rule_from_name(db_col(s, 1));
        f->user = xstrdup(db_col(s, 2));
        f->user_name = xstrdup(db_col(s, 3));
        f->person = xstrdup(db_col(s, 4));
        f->key = xstrdup(db_col(s, 5));
        f->views = sqlite3_column_int64(s, 6);
        f->first_at = xstrdup(db_col(s, 7));
        f->last_at = xstrdup(db_col(s, 8));
        f->first_seq = sqlite3_column_int64(s, 9);
        f->detail = xstrdup(db_col(s, 10));
        f->checked_by = dup_or_null(s, 11);
        f->checked_at = dup_or_null(s, 12);
        f->comment = dup_or_null(s, 13);
        if (f->rule >= 0)
            out->n[f->rule]++;
        if (f->checked_at)
            out->checked++;
    }
cleanup:
    sqlite3_finalize(s);
    buf_release(&sql);
    return rc;
}

void audit_review_release(struct audit_review *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->nf; i++) {
        struct audit_finding *f = &r->f[i];
        free(f->user);
        free(f->user_name);
        free(f->person);
        free(f->key);
        free(f->first_at);
        free(f->last_at);
        free(f->detail);
        free(f->checked_by);
        free(f->checked_at);
        free(f->comment);
    }
    free(r->f);
    free(r->no_address_list);
    free(r->no_surname_list);
    memset(r, 0, sizeof(*r));
}

int audit_review_run(struct store *st, const struct actor *a, int year, int month,
                     struct audit_review *out, struct berr *e)
{
    struct run r;
    char from[32], to[32], detail[256], *hours = NULL;
    int from_min = 0, to_min = 0, rc, connected = 0;
    sqlite3_stmt *c = NULL;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    rc = actor_require(a, PERM_AUDIT_READ, e);
    if (rc < 0)
        return rc;
    if (year < 2000 || year > 2099 || month < 1 || month > 12)
        return berr_set(e, BERR_INVALID, "点検する月が正しくありません (%d-%02d)", year, month);
    out->year = year;
    out->month = month;
    snprintf(out->month_iso, sizeof(out->month_iso), "%04d-%02d", year, month);
    rc = settings_get(st, "audit.office_hours", &hours, e);
    if (rc < 0)
        return rc;
    if (audit_office_hours_parse(hours, &from_min, &to_min) < 0) {
        rc = berr_set(e, BERR_INVALID, "設定 audit.office_hours「%s」が HH:MM-HH:MM ではありません", hours);
        free(hours);
        return rc;
    }
    snprintf(out->office_hours, sizeof(out->office_hours), "%s", hours);
    month_start_iso(year, month, from);
    month_start_iso(year, month + 1, to);
    r.st = st;
    r.month = out->month_iso;
    r.from = from;
    r.to = to;
    store_now_iso(r.found_at);
    rc = store_begin(st, e);
    if (rc < 0)
        goto done;
    rc = db_prepare(st, &r.up,
                    "INSERT INTO audit_findings(month, rule, user, person, key, views, first_at, "
                    "last_at, first_seq, detail, found_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT(month, rule, user, person, key) DO UPDATE SET views = excluded.views, "
                    "first_at = excluded.first_at, last_at = excluded.last_at, "
                    "first_seq = excluded.first_seq, detail = excluded.detail", e);
    if (rc == 0)
        rc = accounts_load(&r, e);
    if (rc == 0)
        rc = rules_per_pair(&r, e);
    if (rc == 0)
        rc = rules_per_entry(&r, from_min, to_min, hours, e);
    if (rc == 0)
        rc = rule_volume(&r, year, month, e);
    if (rc == 0)
        rc = rule_flagged(&r, &connected, e);
    out->flag_connected = connected;
    if (rc == 0)
        rc = accounts_summary(&r, out, e);
    if (rc == 0)
        rc = db_prepare(st, &c, "SELECT count(*), coalesce(sum(" VIEW_WHERE "), 0) FROM audit_log "
                                "WHERE at >= ? AND at < ?", e);
    if (rc == 0) {
        sqlite3_bind_text(c, 1, from, -1, SQLITE_STATIC);
        sqlite3_bind_text(c, 2, to, -1, SQLITE_STATIC);
        if (sqlite3_step(c) == SQLITE_ROW) {
            out->entries = sqlite3_column_int64(c, 0);
            out->views = sqlite3_column_int64(c, 1);
        }
    }
    if (rc == 0)
        rc = findings_load(&r, out, e);
    if (rc == 0) {
        snprintf(detail, sizeof(detail), "点検 %s: 記録 %ld 件 (閲覧 %ld 件)、所見 %zu 件 (確認済 %ld 件)",
                 out->month_iso, out->entries, out->views, out->nf, out->checked);
        rc = audit_append(st, a, "audit.review", NULL, detail, e);
    }
    sqlite3_finalize(r.up);
    sqlite3_finalize(r.who);
    sqlite3_finalize(r.link);
    sqlite3_finalize(c);
    if (rc < 0)
        store_rollback(st);
    else
        rc = store_commit(st, e);
done:
    accounts_free(&r);
    free(hours);
    if (rc < 0)
        audit_review_release(out);
    return rc;
}

int audit_review_mark(struct store *st, const struct actor *a, int64_t id, const char *comment,
                      char month_out[8], struct berr *e)
{
    sqlite3_stmt *s = NULL, *u = NULL;
    char now[32], detail[1400], month[8] = "", rule[16] = "", person[16] = "";
    int rc = actor_require(a, PERM_AUDIT_READ, e), run = 0;

    if (rc < 0)
        return rc;
    if (comment == NULL || comment[strspn(comment, " \t\r\n")] == '\0')
        return berr_set(e, BERR_INVALID, "確認の内容 (コメント) を入力してください");
    if (strlen(comment) > 1000)
        return berr_set(e, BERR_INVALID, "コメントが長すぎます (1000 バイトまで)");
    for (const char *p = comment; *p; p++) {
        run = *p >= '0' && *p <= '9' ? run + 1 : 0;
        if (run >= 12)
            return berr_set(e, BERR_INVALID, "コメントに12桁以上の数字は書けません (個人番号の可能性)");
    }
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "SELECT month, rule, person, checked_at IS NOT NULL, coalesce(checked_by, '') "
                            "FROM audit_findings WHERE id = ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = berr_set(e, BERR_NOTFOUND, "点検の所見 %lld はありません", (long long)id);
        goto cleanup;
    }
    snprintf(month, sizeof(month), "%s", db_col(s, 0));
    snprintf(rule, sizeof(rule), "%s", db_col(s, 1));
    snprintf(person, sizeof(person), "%s", db_col(s, 2));
    if (sqlite3_column_int(s, 3)) {
        rc = berr_set(e, BERR_CONFLICT, "所見 %lld は確認済です (%s)", (long long)id, db_col(s, 4));
        goto cleanup;
    }
    store_now_iso(now);
    rc = db_prepare(st, &u, "UPDATE audit_findings SET checked_by = ?, checked_at = ?, comment = ? "
                            "WHERE id = ? AND checked_at IS NULL", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(u, 1, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 2, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(u, 3, comment, -1, SQLITE_STATIC);
    sqlite3_bind_int64(u, 4, id);
    if (sqlite3_step(u) != SQLITE_DONE) {
        rc = db_fail(st, "点検の確認", e);
        goto cleanup;
    }
    snprintf(detail, sizeof(detail), "点検 %s の所見 %lld (%s) を確認済: %s", month, (long long)id,
             rule, comment);
    rc = audit_append(st, a, "audit.review.mark", person[0] ? person : NULL, detail, e);
cleanup:
    sqlite3_finalize(s);
    sqlite3_finalize(u);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    if (month_out)
        snprintf(month_out, 8, "%s", month);
    return store_commit(st, e);
}
