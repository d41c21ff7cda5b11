/*
 * settings.c: site settings - the few things a health centre must tell
 * boshi about itself (its name and contact line on letters, venue and
 * reception time) and the checkup rules (age in months per checkup).
 * Only the keys in the table below exist; a letter is never printed with a
 * made-up contact line: keys without a default must be set first.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct setting_info known[] = {
    { "site.name", "健診案内の差出人 (例: みどり市 保健センター)", NULL },
    { "site.contact", "問い合わせ先 (例: 母子保健係 電話 000-000-0000)", NULL },
    { "site.address", "差出人の住所 (例: 〒123-0000 みどり市本町1-1-1)", NULL },
    { "checkup.venue", "健診会場の既定値", NULL },
    { "checkup.time", "受付時間の既定値", "13:00〜14:00 受付" },
    { "checkup.nyuyoji_4m.age_months", "3〜4か月児健診: 生後何か月の月に対象とするか", "4" },
    /* born in the month 10 months before the checkup month: 9か月 to under 11か月 on any day of it */
    { "checkup.nyuyoji_10m.age_months", "9〜10か月児健診: 生後何か月の月に対象とするか (10: 健診日に9か月〜11か月未満)", "10" },
    { "checkup.nyuyoji_1y6m.age_months", "1歳6か月児健診: 生後何か月の月に対象とするか", "18" },
    { "checkup.nyuyoji_3y.age_months", "3歳児健診: 生後何か月の月に対象とするか", "36" },
    { "audit.retention_years", "アクセス記録を記録ストアに残す年数 (3 以上。それより古い記録だけ保管庫ファイルへ移せます)", "3" },
    { "audit.office_hours", "アクセス記録点検: 執務時間 (平日のみ、日本時間。これ以外の閲覧を時間外として挙げます)", "08:30-17:15" },
    { "purge.retention_years", "転出・死亡から記録を消去するまでの年数 (5 以上)", "5" },
    { "referral.valid_months", "精密検査依頼書の有効期間 (月数、発行日から)", "3" },
    { "voucher.fees", "妊婦健康診査の公費負担額 (円、第1回〜第14回をカンマ区切り)",
      "13000,5000,5000,9000,5000,5000,5000,5000,9000,5000,5000,5000,5000,5000" },
    { "voucher.sanpu_fees", "産婦健康診査の公費負担額 (円、第1回 産後2週間・第2回 産後1か月をカンマ区切り)",
      "5000,5000" },
    { "voucher.choukaku_fee", "新生児聴覚検査の公費負担額 (円、1回あたり。初回検査・確認検査とも)", "3000" },
    { "intake.max_file_mb", "取込: 1ファイルの大きさの上限 (MB。超えるファイルは保管も読取もせず却下)", "200" },
    { "keys.old_qr_until", "サイト鍵の更新前に印刷した用紙 (旧鍵のQR) を取り込む最終日 (YYYY-MM-DD)", NULL },
    { "intake.max_pages", "取込: 1ファイルのページ数の上限 (超えるファイルは読取せず却下)", "500" },
    { "intake.claim_seconds", "取込: 複数の取込処理で分担するとき、止まった処理が担当していたファイルを"
                              "他の処理が引き継ぐまでの秒数", "300" },
    { "intake.allow_bilevel", "取込: 白黒2値のスキャンも読む (1。既定 0 は却下。読む場合も空欄は確定せず確認へ)", "0" },
};
#define N_KNOWN (sizeof(known) / sizeof(known[0]))

static const struct setting_info *lookup(const char *key)
{
    for (size_t i = 0; i < N_KNOWN; i++)
        if (strcmp(known[i].key, key) == 0)
            return &known[i];
    return NULL;
}

static int stored(struct store *st, const char *key, char **out, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT value FROM settings WHERE key = ?", e);

    *out = NULL;
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = xstrdup(db_col(s, 0));
    sqlite3_finalize(s);
    return 0;
}

int settings_get(struct store *st, const char *key, char **out, struct berr *e)
{
    const struct setting_info *k = lookup(key);
    int rc;

    *out = NULL;
    if (k == NULL)
        return berr_set(e, BERR_INVALID, "設定「%s」はありません", key);
    rc = stored(st, key, out, e);
    if (rc < 0)
        return rc;
    if (*out == NULL && k->def != NULL)
        *out = xstrdup(k->def);
    if (*out == NULL)
        return berr_set(e, BERR_NOTFOUND,
                        "設定「%s」(%s) がありません。boshi settings set %s 値 で設定してください",
                        key, k->label, key);
    return 0;
}

int settings_set(struct store *st, const struct actor *a, const char *key, const char *value,
                 struct berr *e)
{
    const struct setting_info *k = lookup(key);
    sqlite3_stmt *s = NULL;
    char now[32], detail[512];
    int rc;

    if (k == NULL)
        return berr_set(e, BERR_INVALID, "設定「%s」はありません (boshi settings list で一覧)", key);
    rc = actor_require(a, PERM_USERS_ADMIN, e);
    if (rc < 0)
        return rc;
    if (*value == '\0')
        return berr_set(e, BERR_INVALID, "%s: 値が空です", key);
    if (strcmp(key, "voucher.fees") == 0) {
        /* 14 amounts in yen, 第1回 to 第14回 */
        int n = 0;
        const char *p = value;
        for (;;) {
            char *end;
            long v = strtol(p, &end, 10);
            if (end == p || v < 0 || v > 1000000)
                return berr_set(e, BERR_INVALID, "%s: 第%d回の金額が正しくありません (0〜1000000 円、"
                                "14回分をカンマ区切り)", key, n + 1);
            n++;
            if (*end == '\0')
                break;
            if (*end != ',')
                return berr_set(e, BERR_INVALID, "%s: 金額はカンマで区切ってください", key);
            p = end + 1;
        }
        if (n != 14)
            return berr_set(e, BERR_INVALID, "%s: 14回分の金額が必要です (%d 回分あります)", key, n);
    }
    if (strcmp(key, "intake.allow_bilevel") == 0 && strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
        return berr_set(e, BERR_INVALID, "%s: 0 (白黒2値のページは却下) か 1 (読む) を指定してください「%s」",
                        key, value);
    if (strcmp(key, "voucher.choukaku_fee") == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*end != '\0' || v < 0 || v > 1000000)
            return berr_set(e, BERR_INVALID, "%s: 1回の金額 (0〜1000000 円) を指定してください「%s」", key,
                            value);
    }
    if (strcmp(key, "audit.retention_years") == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || v < 3 || v > 100)
            return berr_set(e, BERR_INVALID, "%s: 3 年未満にはできません (3〜100 の年数)「%s」", key,
                            value);
    }
    if (strcmp(key, "audit.office_hours") == 0) {
        int from, to;
        if (audit_office_hours_parse(value, &from, &to) < 0)
            return berr_set(e, BERR_INVALID, "%s: HH:MM-HH:MM で、始まりを終わりより前に (例: 08:30-17:15)「%s」",
                            key, value);
    }
    if (strcmp(key, "purge.retention_years") == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*end != '\0' || v < 5 || v > 100)
            return berr_set(e, BERR_INVALID, "%s: 5 年未満にはできません (5〜100 の年数)「%s」", key,
                            value);
    }
    if (strcmp(key, "referral.valid_months") == 0) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*end != '\0' || v < 1 || v > 24)
            return berr_set(e, BERR_INVALID, "%s: 1〜24 の月数を指定してください「%s」", key, value);
    }
    if (strcmp(key, "keys.old_qr_until") == 0) {
        struct ymd d;
        if (ymd_parse_iso(value, &d) < 0)
            return berr_set(e, BERR_INVALID, "%s: 日付は YYYY-MM-DD で指定してください「%s」", key, value);
    }
    if (strstr(key, "age_months") != NULL) {
        char *end;
        long v = strtol(value, &end, 10);
        if (*value == '\0' || *end != '\0' || v < 1 || v > 72)
            return berr_set(e, BERR_INVALID, "%s: 1〜72 の月数を指定してください「%s」", key, value);
    }
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = db_prepare(st, &s, "INSERT OR REPLACE INTO settings(key, value, set_by, set_at) "
                            "VALUES (?, ?, ?, ?)", e);
    if (rc == 0) {
        store_now_iso(now);
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, a->login, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = db_fail(st, "設定の保存", e);
    }
    sqlite3_finalize(s);
    snprintf(detail, sizeof(detail), "設定 %s = %s", key, value);
    if (rc == 0)
        rc = audit_append(st, a, "settings.set", NULL, detail, e);
    if (rc < 0) {
        store_rollback(st);
        return rc;
    }
    return store_commit(st, e);
}

int settings_each(struct store *st, setting_fn fn, void *ctx, struct berr *e)
{
    int rc = 0;

    for (size_t i = 0; i < N_KNOWN && rc == 0; i++) {
        char *v = NULL;
        rc = stored(st, known[i].key, &v, e);
        if (rc == 0)
            rc = fn(&known[i], v ? v : known[i].def, v == NULL, ctx);
        free(v);
    }
    return rc;
}
