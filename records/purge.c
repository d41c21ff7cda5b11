/*
 * purge.c: retention deletion (README.md "Privacy promises").  Everyone whose
 * 転出 or 死亡 (住民状態 2 or 3 in the resident master, dated by its 異動日)
 * is more than purge.retention_years (never under 5) before the as-of date
 * loses everything boshi holds about them, in one transaction:
 *   resident row and residents_history (個人番号 ciphertext and index hash
 *   overwritten before the delete), checkups (and their dental rows), pregnancies, vouchers,
 *   referrals, their answers, issue history (issues_printed), the pages
 *   whose subject they are with their readings (crops), review items and
 *   review_log (corrections).
 * Then, after the commit: an original scan (<db>.scans/) is overwritten and
 * deleted when every page of it was purged; a file that also holds a page of
 * someone else (or an unidentified page) is kept, and its purged pages are
 * gone from the store, so nothing links it to the purged person; the next
 * purge deletes it once its last page goes.  Saved review images
 * (<db>.review/<item>/) of purged items are overwritten and deleted.  With
 * secure_delete on, a VACUUM and a WAL checkpoint(TRUNCATE), the bytes leave
 * the file and its WAL.
 * Each purged person leaves a keyed hash of the 宛名番号 (residents_purged),
 * so that a later master, which still lists them as 転出・死亡, does not bring
 * them back (residents.c skips such rows; a person who returns is imported).
 * The access log keeps its entries (it is chained and kept for its own
 * retention, see audit.c): they hold a 宛名番号 but no name or 個人番号.
 * So do the findings of the access-log review (audit_findings, auditreview.c),
 * which are about those entries and keep their 確認済 marks.
 * Before anything goes, every complete fiscal year before the as-of date is
 * frozen (stats.c, table stats_frozen), so the statistics of earlier years
 * do not change.
 * One audit entry "purge" with counts only.  A dry run does the same deletes
 * and rolls back, so its counts are exactly what the real run removes.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/purge.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deletes run in this order (children before parents, for the foreign keys). */
static const struct {
    int slot;
    const char *sql;
} steps[] = {
    { PURGE_CORRECTIONS, "DELETE FROM review_log WHERE item_id IN (SELECT id FROM review_items "
                         "WHERE page_id IN (SELECT id FROM temp.purge_pg))" },
    { PURGE_REVIEW_ITEMS, "DELETE FROM review_items WHERE page_id IN (SELECT id FROM temp.purge_pg)" },
    { PURGE_READINGS, "DELETE FROM readings WHERE page_id IN (SELECT id FROM temp.purge_pg)" },
    { PURGE_RECORDS, "DELETE FROM answers WHERE (owner = 'checkup' AND owner_id IN (SELECT id FROM "
                     "checkups WHERE person IN (SELECT atena FROM temp.purge_p))) OR (owner = "
                     "'pregnancy' AND owner_id IN (SELECT id FROM pregnancies WHERE mother IN "
                     "(SELECT atena FROM temp.purge_p)))" },
    { PURGE_RECORDS, "DELETE FROM referrals WHERE person IN (SELECT atena FROM temp.purge_p) OR "
                     "checkup_id IN (SELECT id FROM checkups WHERE person IN "
                     "(SELECT atena FROM temp.purge_p))" },
    { PURGE_RECORDS, "DELETE FROM dental WHERE person IN (SELECT atena FROM temp.purge_p) OR "
                     "checkup_id IN (SELECT id FROM checkups WHERE person IN "
                     "(SELECT atena FROM temp.purge_p))" },
    /* a 聴覚検査 voucher of a mother who stays keeps no link to her purged child */
    { PURGE_RECORDS, "UPDATE vouchers SET child = NULL, followup_checkup_id = NULL WHERE child IN "
                     "(SELECT atena FROM temp.purge_p) OR followup_checkup_id IN (SELECT id FROM "
                     "checkups WHERE person IN (SELECT atena FROM temp.purge_p))" },
    { PURGE_RECORDS, "DELETE FROM checkups WHERE person IN (SELECT atena FROM temp.purge_p)" },
    { PURGE_RECORDS, "DELETE FROM visits WHERE person IN (SELECT atena FROM temp.purge_p)" },
    { PURGE_RECORDS, "DELETE FROM pregnancies WHERE mother IN (SELECT atena FROM temp.purge_p)" },
    { PURGE_RECORDS, "DELETE FROM vouchers WHERE mother IN (SELECT atena FROM temp.purge_p)" },
    { PURGE_PAGES, "DELETE FROM pages WHERE id IN (SELECT id FROM temp.purge_pg)" },
    { PURGE_ISSUES, "DELETE FROM issues_printed WHERE person IN (SELECT atena FROM temp.purge_p)" },
    { -1, "UPDATE residents_history SET mynumber_enc = zeroblob(52), mynumber_idx = zeroblob(16) "
          "WHERE atena IN (SELECT atena FROM temp.purge_p) AND mynumber_enc IS NOT NULL" },
    /* 支援措置 releases: their reasons may name the person */
    { -1, "DELETE FROM shien_releases WHERE atena IN (SELECT atena FROM temp.purge_p)" },
    { PURGE_HISTORY, "DELETE FROM residents_history WHERE atena IN (SELECT atena FROM temp.purge_p)" },
    { -1, "UPDATE residents SET mynumber_enc = zeroblob(52), mynumber_idx = NULL "
          "WHERE atena IN (SELECT atena FROM temp.purge_p) AND mynumber_enc IS NOT NULL" },
    { PURGE_PEOPLE, "DELETE FROM residents WHERE atena IN (SELECT atena FROM temp.purge_p)" },
};

const char *purge_kind_label(int k)
{
    static const char *const l[PURGE_NKINDS] = {
        "対象者", "住民記録の履歴", "健診・妊娠・受診券・精密検査の記録", "読取結果 (切り出し画像)",
        "確認待ち", "訂正の記録", "取込ページ", "発行履歴", "原本スキャン (削除)",
        "原本スキャン (他の人のページを含むため保持)", "確認用の保存画像",
    };
    return k >= 0 && k < PURGE_NKINDS ? l[k] : "?";
}

/* Overwrites a regular file with zeros, then unlinks it (best effort). */
static void shred(const char *path)
{
    struct stat sb;
    int fd = open(path, O_WRONLY | O_CLOEXEC);

    if (fd >= 0) {
        if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
            char zero[4096] = { 0 };
            for (off_t left = sb.st_size; left > 0;) {
                ssize_t w = write(fd, zero, left > (off_t)sizeof(zero) ? sizeof(zero) : (size_t)left);
                if (w <= 0)
                    break;
                left -= w;
            }
            fsync(fd);
        }
        close(fd);
    }
    unlink(path);
}

static int shred_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (d == NULL)
        return 0;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char *p = xasprintf("%s/%s", dir, de->d_name);
        shred(p);
        free(p);
    }
    closedir(d);
    return rmdir(dir) == 0;
}

static int count_sql(struct store *st, const char *sql, long *out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, sql, e);

    if (rc < 0)
        return rc;
    *out = sqlite3_step(s) == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    return 0;
}

/* Collects the text column 0 of sql into b, one per line. */
static int collect(struct store *st, const char *sql, struct buf *b, long *n, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, sql, e);

    if (rc < 0)
        return rc;
    while (sqlite3_step(s) == SQLITE_ROW) {
        buf_adds(b, db_col(s, 0));
        buf_addc(b, '\n');
        (*n)++;
    }
    sqlite3_finalize(s);
    return 0;
}

/*
 * Copies the WAL into the file and truncates it to 0 bytes.  A reader that
 * keeps an old snapshot (another process) blocks that past the busy
 * timeout: then it fails rather than leaving the bytes silently.
 */
static int wal_truncate(struct store *st, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "PRAGMA wal_checkpoint(TRUNCATE)", e);

    if (rc < 0)
        return rc;
    if (sqlite3_step(s) != SQLITE_ROW)
        rc = db_fail(st, "WAL の整理", e);
    else if (sqlite3_column_int(s, 0) != 0)
        rc = berr_set(e, BERR_CONFLICT, "%s-wal: 他の処理が記録ストアを読んでいるため WAL を空にできません",
                      st->path);
    sqlite3_finalize(s);
    return rc;
}

/* The mark each purged person leaves, so that the next master import skips them. */
static int tombstones(struct store *st, struct berr *e)
{
    sqlite3_stmt *s = NULL, *ins = NULL;
    char now[32];
    int rc = db_prepare(st, &s, "SELECT atena FROM temp.purge_p", e);

    if (rc == 0)
        rc = db_prepare(st, &ins, "INSERT OR REPLACE INTO residents_purged(atena_mac, purged_at) "
                                  "VALUES (?, ?)", e);
    store_now_iso(now);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        unsigned char t[16];
        atena_tombstone(st, db_col(s, 0), t);
        sqlite3_reset(ins);
        sqlite3_bind_blob(ins, 1, t, sizeof(t), SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 2, now, -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = db_fail(st, "消去済みの印", e);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(ins);
    return rc;
}

int purge_run(struct store *st, const struct actor *a, struct ymd as_of, int dry_run,
              struct purge_report *out, struct berr *e)
{
    char *ret = NULL, cutoff[16], detail[512];
    struct buf files, items;
    sqlite3_stmt *s = NULL;
    long years, nfiles = 0, nitems = 0;
    int rc = actor_require(a, PERM_PURGE, e), began = 0;
    struct berr ign;

    memset(out, 0, sizeof(*out));
    buf_init(&files);
    buf_init(&items);
    if (rc < 0)
        goto cleanup;
    /* a later as-of would delete people before their time */
    if (ymd_cmp(as_of, store_today(st)) > 0) {
        rc = berr_set(e, BERR_INVALID, "基準日 %04d-%02d-%02d は今日より後です。消去は今日までの日付で"
                      "しか行えません", as_of.y, as_of.m, as_of.d);
        goto cleanup;
    }
    rc = settings_get(st, "purge.retention_years", &ret, e);
    if (rc < 0)
        goto cleanup;
    years = strtol(ret, NULL, 10);
    if (years < 5) {
        rc = berr_set(e, BERR_INVALID, "purge.retention_years: 5 年未満の設定 (%ld) では消去しません",
                      years);
        goto cleanup;
    }
    out->retention_years = (int)years;
    out->cutoff = as_of;
    out->cutoff.y -= (int)years;
    if (out->cutoff.m == 2 && out->cutoff.d == 29)
        out->cutoff.d = 28;
    snprintf(cutoff, sizeof(cutoff), "%04d-%02d-%02d", out->cutoff.y, out->cutoff.m, out->cutoff.d);
    rc = db_exec(st, "PRAGMA secure_delete = ON", e);
    if (rc < 0)
        goto cleanup;
    rc = store_begin(st, e);
    if (rc < 0)
        goto cleanup;
    began = 1;
    rc = db_exec(st, "DROP TABLE IF EXISTS temp.purge_p; DROP TABLE IF EXISTS temp.purge_pg; "
                     "DROP TABLE IF EXISTS temp.purge_files;"
                     "CREATE TEMP TABLE purge_p(atena TEXT PRIMARY KEY);"
                     "CREATE TEMP TABLE purge_pg(id INTEGER PRIMARY KEY);"
                     "CREATE TEMP TABLE purge_files(sha TEXT PRIMARY KEY, name TEXT)", e);
    if (rc < 0)
        goto cleanup;
    /* More than `years` before as-of: the 異動日 strictly before the cut-off. */
    rc = db_prepare(st, &s, "INSERT INTO temp.purge_p SELECT atena FROM residents "
                            "WHERE status IN (2, 3) AND idou_date < ?", e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, cutoff, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE) {
        rc = db_fail(st, "消去対象の抽出", e);
        goto cleanup;
    }
    sqlite3_finalize(s);
    s = NULL;
    rc = db_exec(st,
        "INSERT OR IGNORE INTO temp.purge_pg SELECT id FROM pages WHERE subject IN "
        "(SELECT atena FROM temp.purge_p);"
        "INSERT OR IGNORE INTO temp.purge_pg SELECT page_id FROM checkups WHERE page_id IS NOT NULL "
        "AND person IN (SELECT atena FROM temp.purge_p);"
        "INSERT OR IGNORE INTO temp.purge_pg SELECT page_id FROM pregnancies WHERE page_id IS NOT "
        "NULL AND mother IN (SELECT atena FROM temp.purge_p);"
        "INSERT OR IGNORE INTO temp.purge_pg SELECT page_id FROM vouchers WHERE page_id IS NOT NULL "
        "AND mother IN (SELECT atena FROM temp.purge_p);"
        "INSERT OR IGNORE INTO temp.purge_pg SELECT page_id FROM visits WHERE page_id IS NOT NULL "
        "AND person IN (SELECT atena FROM temp.purge_p);"
        "INSERT OR IGNORE INTO temp.purge_pg SELECT result_page_id FROM referrals WHERE "
        "result_page_id IS NOT NULL AND person IN (SELECT atena FROM temp.purge_p);"
        "INSERT INTO temp.purge_files SELECT DISTINCT f.sha256, f.name FROM scan_files f "
        "JOIN pages p ON p.file_sha = f.sha256 WHERE p.id IN (SELECT id FROM temp.purge_pg)", e);
    if (rc == 0)
        rc = collect(st, "SELECT id FROM review_items WHERE page_id IN (SELECT id FROM temp.purge_pg)",
                     &items, &nitems, e);
    /* the figures of complete fiscal years stay what they were (stats.c) */
    if (rc == 0)
        rc = stats_freeze_before(st, a, as_of, &out->stats_frozen, e);
    if (rc == 0)
        rc = tombstones(st, e);
    for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
        rc = db_exec(st, steps[i].sql, e);
        if (rc == 0 && steps[i].slot >= 0)
            out->n[steps[i].slot] += sqlite3_changes(st->db);
    }
    /* A scan file goes when none of its pages is left; otherwise it is kept (mixed). */
    if (rc == 0)
        rc = count_sql(st, "SELECT count(*) FROM temp.purge_files WHERE sha IN "
                           "(SELECT file_sha FROM pages)", &out->n[PURGE_SCANS_KEPT], e);
    if (rc == 0)
        rc = collect(st, "SELECT sha || '|' || name FROM temp.purge_files WHERE sha NOT IN "
                         "(SELECT file_sha FROM pages)", &files, &nfiles, e);
    if (rc == 0)
        rc = db_exec(st, "DELETE FROM scan_files WHERE sha256 IN (SELECT sha FROM temp.purge_files) "
                         "AND sha256 NOT IN (SELECT file_sha FROM pages)", e);
    out->n[PURGE_SCANS] = nfiles;
    if (rc < 0)
        goto cleanup;
    snprintf(detail, sizeof(detail),
             "%s: 基準日 %04d-%02d-%02d 保存年限 %ld年 (%s より前の転出・死亡): 対象者 %ld人 履歴 %ld "
             "記録 %ld 読取 %ld 確認待ち %ld 訂正 %ld ページ %ld 発行 %ld 原本削除 %ld 原本保持 %ld "
             "統計確定 %d年度分",
             dry_run ? "試行" : "消去", as_of.y, as_of.m, as_of.d, years, cutoff,
             out->n[PURGE_PEOPLE], out->n[PURGE_HISTORY], out->n[PURGE_RECORDS],
             out->n[PURGE_READINGS], out->n[PURGE_REVIEW_ITEMS], out->n[PURGE_CORRECTIONS],
             out->n[PURGE_PAGES], out->n[PURGE_ISSUES], out->n[PURGE_SCANS],
             out->n[PURGE_SCANS_KEPT], out->stats_frozen);
    if (dry_run) {
        store_rollback(st);
        began = 0;
        /* the dry run is itself audited, with the same counts and no names */
        rc = audit_append(st, a, "purge.dry_run", NULL, detail, e);
        if (rc == 0)
            for (const char *p = items.s; p && *p; p = strchr(p, '\n') + 1) {
                char *dir = xasprintf("%s.review/%ld", st->path, strtol(p, NULL, 10));
                struct stat sb;
                if (stat(dir, &sb) == 0)
                    out->n[PURGE_REVIEW_DIRS]++;
                free(dir);
            }
        goto cleanup;
    }
    rc = audit_append(st, a, "purge", NULL, detail, e);
    if (rc == 0)
        rc = store_commit(st, e);
    began = 0;
    if (rc < 0)
        goto cleanup;
    /* The store no longer names them: now the files beside it. */
    for (char *p = files.s; p && *p;) {
        char *nl = strchr(p, '\n'), *bar;
        *nl = '\0';
        bar = strchr(p, '|');
        *bar = '\0';
        const char *dot = strrchr(bar + 1, '.');
        char *path = xasprintf("%s.scans/%.2s/%s%s", st->path, p, p, dot ? dot : "");
        shred(path);
        free(path);
        p = nl + 1;
    }
    for (const char *p = items.s; p && *p; p = strchr(p, '\n') + 1) {
        char *dir = xasprintf("%s.review/%ld", st->path, strtol(p, NULL, 10));
        out->n[PURGE_REVIEW_DIRS] += shred_dir(dir);
        free(dir);
    }
    /* Freed pages are zeroed (secure_delete); VACUUM rewrites the file; the WAL is emptied. */
    rc = db_exec(st, "VACUUM", e);
    if (rc == 0)
        rc = wal_truncate(st, e);
    if (rc < 0)
        berr_prefix(e, "消去は完了しましたが、ファイルの整理に失敗しました (もう一度 boshi purge を"
                       "実行すると整理だけをやり直します): ");
cleanup:
    sqlite3_finalize(s);
    if (began)
        store_rollback(st);
    db_exec(st, "DROP TABLE IF EXISTS temp.purge_p; DROP TABLE IF EXISTS temp.purge_pg; "
                "DROP TABLE IF EXISTS temp.purge_files", &ign);
    free(ret);
    buf_release(&files);
    buf_release(&items);
    return rc;
}
