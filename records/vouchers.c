/*
 * vouchers.c: the monthly payment of 妊婦健康診査受診券 to clinics - which
 * voucher uses of a month are paid, how much (the 公費負担額 of the voucher's
 * 回数, setting voucher.fees, capped by what the clinic claimed), and
 * which are exceptions held back for staff: a voucher recorded twice, a
 * 回数 used twice in one pregnancy, a use after the delivery, a use by
 * someone no longer resident.  The rules are written once, in the SQL
 * below and in records/vouchers.h, so the report can be recomputed.
 * 産婦健康診査受診券 (form sanpu_jushinken, 第1回 産後2週間 and 第2回 産後1か月) are
 * paid the same way, with their own fees (voucher.sanpu_fees) and 回数, and
 * a use after the delivery is what they are for.
 * 新生児聴覚検査費用助成券 (form choukaku_jushinken, 2 per mother: 初回検査 and a
 * 確認検査) are paid the same way at one fee each (voucher.choukaku_fee); the
 * test is after the birth too.  A リファー in either ear opens a follow-up
 * (voucher_hearing_follow): the baby - the mother's 世帯's newest child, or
 * the child a nurse named - gets a checkup row of form choukaku_jushinken
 * judged 要精密 for the 耳, which `referrals issue` turns into a 精密検査依頼.
 * Not for: the layout of the payment list (reports/vouchers_report.c).
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/residents.h"
#include "records/vouchers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *voucher_exception_label(enum voucher_exception x)
{
    switch (x) {
    case VOUCHER_OK: return "";
    case VOUCHER_DUP_ISSUE: return "二重使用 (同じ受診券番号)";
    case VOUCHER_DUP_KAI: return "二重使用 (同じ妊娠で同じ回数)";
    case VOUCHER_AFTER_DELIVERY: return "出産後の使用";
    case VOUCHER_NOT_RESIDENT: return "転出・死亡後 (または住民記録なし) の使用";
    case VOUCHER_NO_KAI: return "回数不明 (発行記録のない受診券)";
    }
    return "?";
}

int voucher_fees(struct store *st, long fees[14], struct berr *e)
{
    char *v = NULL, *p, *end;
    int n = 0, rc = settings_get(st, "voucher.fees", &v, e);

    if (rc < 0)
        return rc;
    p = v;
    while (n < 14) {
        long f = strtol(p, &end, 10);
        if (end == p || f < 0 || f > 1000000)
            break;
        fees[n++] = f;
        while (*end == ' ')
            end++;
        if (*end != ',')
            break;
        p = end + 1;
    }
    if (n != 14 || *end != '\0')
        rc = berr_set(e, BERR_INVALID, "設定 voucher.fees は第1回〜第14回の公費負担額 (円) を "
                      "14個カンマ区切りで指定します「%s」", v);
    free(v);
    return rc;
}

int voucher_sanpu_fees(struct store *st, long fees[2], struct berr *e)
{
    char *v = NULL, *end;
    int rc = settings_get(st, "voucher.sanpu_fees", &v, e);

    if (rc < 0)
        return rc;
    fees[0] = strtol(v, &end, 10);
    if (end != v && *end == ',') {
        char *p = end + 1;
        fees[1] = strtol(p, &end, 10);
        if (end != p && *end == '\0' && fees[0] >= 0 && fees[1] >= 0 && fees[0] <= 1000000 &&
            fees[1] <= 1000000) {
            free(v);
            return 0;
        }
    }
    rc = berr_set(e, BERR_INVALID, "設定 voucher.sanpu_fees は産婦健康診査 第1回 (産後2週間)・"
                  "第2回 (産後1か月) の公費負担額 (円) を2個カンマ区切りで指定します「%s」", v);
    free(v);
    return rc;
}

int voucher_choukaku_fee(struct store *st, long *fee, struct berr *e)
{
    char *v = NULL, *end;
    long f;
    int rc = settings_get(st, "voucher.choukaku_fee", &v, e);

    if (rc < 0)
        return rc;
    f = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || f < 0 || f > 1000000)
        rc = berr_set(e, BERR_INVALID, "設定 voucher.choukaku_fee は新生児聴覚検査 1回の公費負担額 (円、"
                      "0〜1000000) です「%s」", v);
    else
        *fee = f;
    free(v);
    return rc;
}

/*
 * One row per voucher used in the month, with what decides its payment:
 * the first earlier record of the same issue id, the first earlier use of
 * the same 回数 by the same mother less than 300 days apart (one
 * pregnancy), the delivery (first birth of a 子 of her 世帯 on or after
 * the voucher's issue date), her 住民状態 and 異動日.
 */
static const char *const month_sql =
    "SELECT v.id, v.issue_id, v.mother, coalesce(r.name, ''), coalesce(v.kai, 0), v.used_date, "
    "  coalesce(v.clinic_code, ''), coalesce(h.name, ''), coalesce(v.tests, ''), "
    "  coalesce(v.amount_yen, -1), "
    "  (SELECT min(d.id) FROM vouchers d WHERE d.issue_id = v.issue_id AND d.id < v.id), "
    "  (SELECT d.issue_id || ' ' || d.used_date FROM vouchers d WHERE d.mother = v.mother AND "
    "     d.kai = v.kai AND d.form = v.form AND d.issue_id <> v.issue_id AND d.used_date IS NOT NULL AND "
    "     abs(julianday(d.used_date) - julianday(v.used_date)) < 300 AND "
    "     (d.used_date < v.used_date OR (d.used_date = v.used_date AND d.id < v.id)) "
    "     ORDER BY d.used_date, d.id LIMIT 1), "
    "  (SELECT min(c.birth) FROM residents c WHERE r.setai IS NOT NULL AND c.setai = r.setai AND "
    "     c.zokugara = '子' AND c.birth >= coalesce(substr(i.printed_at, 1, 10), v.used_date)), "
    "  r.atena IS NULL, coalesce(r.status, 0), coalesce(r.idou_date, ''), "
    "  v.form = 'sanpu_jushinken', v.form = 'choukaku_jushinken', coalesce(v.hearing_kind, '') "
    "FROM vouchers v LEFT JOIN residents r ON r.atena = v.mother "
    "LEFT JOIN issues_printed i ON i.issue_id = v.issue_id "
    "LEFT JOIN hospitals h ON h.code = v.clinic_code "
    "WHERE v.used_date >= ?1 AND v.used_date < ?2 "
    "ORDER BY coalesce(v.clinic_code, ''), v.used_date, v.id";

int vouchers_month(struct store *st, const struct actor *a, int year, int month, voucher_fn fn,
                   void *ctx, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char lo[11], hi[11], detail[128];
    long fees[14], sanpu_fees[2], choukaku_fee = 0;
    struct ymd first = { year, month, 1 };
    int rc = actor_require(a, PERM_REPORTS, e), txn = 0;

    if (rc < 0)
        return rc;
    if (month < 1 || month > 12 || year < 2000 || year > 2100)
        return berr_set(e, BERR_INVALID, "対象月が正しくありません (YYYY-MM)");
    rc = voucher_fees(st, fees, e);
    if (rc == 0)
        rc = voucher_sanpu_fees(st, sanpu_fees, e);
    if (rc == 0)
        rc = voucher_choukaku_fee(st, &choukaku_fee, e);
    if (rc < 0)
        return rc;
    ymd_iso(first, lo);
    ymd_iso(ymd_add_months(first, 1), hi);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = db_prepare(st, &s, month_sql, e);
    if (rc < 0)
        goto cleanup;
    sqlite3_bind_text(s, 1, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, hi, -1, SQLITE_STATIC);
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        struct voucher_row v;
        memset(&v, 0, sizeof(v));
        v.id = sqlite3_column_int64(s, 0);
        v.issue_id = db_col(s, 1);
        v.mother = db_col(s, 2);
        v.name = db_col(s, 3);
        v.kai = sqlite3_column_int(s, 4);
        v.used_date = db_col(s, 5);
        v.clinic_code = db_col(s, 6);
        v.clinic_name = db_col(s, 7);
        v.tests = db_col(s, 8);
        v.claimed = (long)sqlite3_column_int64(s, 9);
        v.sanpu = sqlite3_column_int(s, 16);
        v.choukaku = sqlite3_column_int(s, 17);
        v.hearing_kind = db_col(s, 18);
        int max_kai = v.sanpu || v.choukaku ? 2 : 14;
        v.fee = v.kai < 1 || v.kai > max_kai ? 0
                : v.sanpu ? sanpu_fees[v.kai - 1] : v.choukaku ? choukaku_fee : fees[v.kai - 1];
        const char *delivery = db_col(s, 12);
        int absent = sqlite3_column_int(s, 13), status = sqlite3_column_int(s, 14);
        const char *idou = db_col(s, 15);
        if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
            v.exception = VOUCHER_DUP_ISSUE;
            snprintf(v.detail, sizeof(v.detail), "同じ受診券の記録 %lld が先にあります",
                     (long long)sqlite3_column_int64(s, 10));
        } else if (v.kai < 1 || v.kai > max_kai) {
            v.exception = VOUCHER_NO_KAI;
            snprintf(v.detail, sizeof(v.detail), "発行履歴に回数がありません");
        } else if (sqlite3_column_type(s, 11) != SQLITE_NULL) {
            v.exception = VOUCHER_DUP_KAI;
            snprintf(v.detail, sizeof(v.detail), "第%d回は受診券 %s に使用済み", v.kai, db_col(s, 11));
        } else if (absent) {
            v.exception = VOUCHER_NOT_RESIDENT;
            snprintf(v.detail, sizeof(v.detail), "住民記録にありません");
        } else if (status != RS_RESIDENT && strcmp(idou, v.used_date) <= 0) {
            v.exception = VOUCHER_NOT_RESIDENT;
            snprintf(v.detail, sizeof(v.detail), "%s %s の後の使用", resident_status_label(status), idou);
        } else if (!v.sanpu && !v.choukaku && *delivery && strcmp(v.used_date, delivery) > 0) {
            /* a 産婦 or 聴覚検査 voucher is used after the delivery: that is what it is for */
            v.exception = VOUCHER_AFTER_DELIVERY;
            snprintf(v.detail, sizeof(v.detail), "出産 (子の生年月日 %s) の後の使用", delivery);
        }
        if (v.exception == VOUCHER_OK)
            v.pay = v.claimed >= 0 && v.claimed < v.fee ? v.claimed : v.fee;
        snprintf(detail, sizeof(detail), "受診券 %s の支払審査 (%04d-%02d)", v.issue_id, year, month);
        rc = audit_append(st, a, "reports.vouchers", v.mother, detail, e);
        if (rc == 0)
            rc = fn(&v, ctx);
    }
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
cleanup:
    if (txn)
        store_rollback(st);
    sqlite3_finalize(s);
    return rc;
}

/* ---- 新生児聴覚検査: a リファー opens a 精密検査 for the baby --------------------------- */

struct hearing {
    char issue_id[32], mother[16], used_date[11], right[8], left[8], kind[12], child[16];
    int64_t checkup_id;         /* the follow-up row, 0 none */
};

static int hearing_get(struct store *st, int64_t voucher_id, struct hearing *h, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT issue_id, mother, coalesce(used_date, ''), "
                                "coalesce(hearing_right, ''), coalesce(hearing_left, ''), "
                                "coalesce(hearing_kind, ''), coalesce(child, ''), "
                                "coalesce(followup_checkup_id, 0) FROM vouchers WHERE id = ?", e);

    if (rc < 0)
        return rc;
    memset(h, 0, sizeof(*h));
    sqlite3_bind_int64(s, 1, voucher_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return berr_set(e, BERR_NOTFOUND, "受診券の記録 %lld がありません", (long long)voucher_id);
    }
    snprintf(h->issue_id, sizeof(h->issue_id), "%s", db_col(s, 0));
    snprintf(h->mother, sizeof(h->mother), "%s", db_col(s, 1));
    snprintf(h->used_date, sizeof(h->used_date), "%s", db_col(s, 2));
    snprintf(h->right, sizeof(h->right), "%s", db_col(s, 3));
    snprintf(h->left, sizeof(h->left), "%s", db_col(s, 4));
    snprintf(h->kind, sizeof(h->kind), "%s", db_col(s, 5));
    snprintf(h->child, sizeof(h->child), "%s", db_col(s, 6));
    h->checkup_id = sqlite3_column_int64(s, 7);
    sqlite3_finalize(s);
    return 0;
}

/* The child a nurse named on the page's "(子)" item: 1 and child, or 0. */
static int named_child(struct store *st, int64_t page_id, char child[16], struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT value FROM review_items WHERE page_id = ? AND field = '"
                                HEARING_CHILD_FIELD "' AND status = 'corrected' AND value IS NOT NULL "
                                "ORDER BY id DESC LIMIT 1", e);

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, page_id);
    rc = 0;
    if (sqlite3_step(s) == SQLITE_ROW && *db_col(s, 0)) {
        snprintf(child, 16, "%s", db_col(s, 0));
        rc = 1;
    }
    sqlite3_finalize(s);
    return rc;
}

/*
 * The baby: the newest child of the mother's 世帯 born 0-180 days before the
 * test.  1 and child when there is exactly one newest; 0 with why (the
 * candidates) when there is none or two born the same day (twins).
 */
static int newest_child(struct store *st, const struct hearing *h, char child[16], char *why,
                        size_t whyn, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char first_birth[11] = "";
    int n = 0, rc;
    size_t len = 0;

    rc = db_prepare(st, &s, "SELECT c.atena, c.name, c.birth FROM residents m JOIN residents c ON "
                            "c.setai = m.setai AND c.atena <> m.atena AND c.zokugara = '子' AND "
                            "c.status = 1 WHERE m.atena = ?1 AND c.birth <= ?2 AND "
                            "julianday(?2) - julianday(c.birth) <= 180 ORDER BY c.birth DESC, c.atena", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, h->mother, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, h->used_date, -1, SQLITE_STATIC);
    why[0] = '\0';
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *birth = db_col(s, 2);
        if (n > 0 && strcmp(birth, first_birth) != 0)
            break;                      /* an older child: not the newborn */
        if (n == 0) {
            snprintf(first_birth, sizeof(first_birth), "%s", birth);
            snprintf(child, 16, "%s", db_col(s, 0));
        }
        if (len < whyn)
            len += (size_t)snprintf(why + len, whyn - len, "%s%s %s (%s生)", n ? "、" : "",
                                    db_col(s, 0), db_col(s, 1), birth);
        n++;
    }
    sqlite3_finalize(s);
    if (n == 1)
        return 1;
    if (n == 0)
        snprintf(why, whyn, "母の世帯に検査日前180日以内に生まれた子がいません");
    return 0;
}

int voucher_hearing_child_check(struct store *st, int64_t page_id, const char *child,
                                struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc = db_prepare(st, &s, "SELECT c.atena IS NOT NULL, coalesce(c.birth, ''), "
                                "coalesce(substr(p.read_at, 1, 10), ''), m.atena IS NOT NULL, "
                                "coalesce(c.setai = m.setai, 0) FROM pages p "
                                "LEFT JOIN residents c ON c.atena = ?2 "
                                "LEFT JOIN residents m ON m.atena = p.subject WHERE p.id = ?1", e);
    struct ymd birth, read;

    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, page_id);
    sqlite3_bind_text(s, 2, child, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return berr_set(e, BERR_NOTFOUND, "ページ %lld がありません", (long long)page_id);
    }
    if (!sqlite3_column_int(s, 0))
        rc = berr_set(e, BERR_NOTFOUND, "宛名番号 %s の住民がいません", child);
    else if (sqlite3_column_int(s, 3) && !sqlite3_column_int(s, 4))
        rc = berr_set(e, BERR_INVALID, "宛名番号 %s は母と同じ世帯の人ではありません", child);
    else if (ymd_parse_iso(db_col(s, 1), &birth) < 0 || (ymd_parse_iso(db_col(s, 2), &read) == 0 &&
             (ymd_cmp(birth, read) > 0 || ymd_cmp(ymd_add_months(birth, 12), read) < 0)))
        rc = berr_set(e, BERR_INVALID, "宛名番号 %s (%s生) はこの検査の新生児ではありません (1歳未満の子)",
                      child, db_col(s, 1));
    sqlite3_finalize(s);
    return rc;
}

/* "右 リファー・左 パス": the ears as the referral names them. */
static void ears_text(const struct hearing *h, char *out, size_t n)
{
    snprintf(out, n, "%s 右 %s・左 %s", strcmp(h->kind, "kakunin") == 0 ? "確認検査" : "初回検査",
             strcmp(h->right, "refer") == 0 ? "リファー" : strcmp(h->right, "pass") == 0 ? "パス" : "不明",
             strcmp(h->left, "refer") == 0 ? "リファー" : strcmp(h->left, "pass") == 0 ? "パス" : "不明");
}

int voucher_hearing_follow(struct store *st, const struct actor *a, int64_t voucher_id,
                           int64_t page_id, struct berr *e)
{
    struct hearing h;
    sqlite3_stmt *s = NULL;
    char child[16] = "", why[400], findings[80], now[32], detail[200];
    int rc = hearing_get(st, voucher_id, &h, e), refer;

    if (rc < 0)
        return rc;
    refer = strcmp(h.right, "refer") == 0 || strcmp(h.left, "refer") == 0;
    if (!refer) {
        if (h.checkup_id == 0)
            return 0;
        /* corrected to パス: the follow-up goes, unless its referral is already out */
        rc = db_prepare(st, &s, "SELECT count(*) FROM referrals WHERE checkup_id = ?", e);
        if (rc < 0)
            return rc;
        sqlite3_bind_int64(s, 1, h.checkup_id);
        int issued = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
        sqlite3_finalize(s);
        if (issued)
            return 0;
        rc = db_prepare(st, &s, "UPDATE vouchers SET followup_checkup_id = NULL WHERE id = ?1", e);
        if (rc < 0)
            return rc;
        sqlite3_bind_int64(s, 1, voucher_id);
        rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "聴覚検査の記録", e);
        sqlite3_finalize(s);
        if (rc == 0 && (rc = db_prepare(st, &s, "DELETE FROM checkups WHERE id = ?", e)) == 0) {
            sqlite3_bind_int64(s, 1, h.checkup_id);
            rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "聴覚検査の記録", e);
            sqlite3_finalize(s);
        }
        return rc;
    }
    if (h.used_date[0] == '\0')
        return berr_set(e, BERR_INVALID, "新生児聴覚検査: 検査日がありません");
    rc = named_child(st, page_id, child, e);
    if (rc == 0)
        rc = newest_child(st, &h, child, why, sizeof(why), e);
    if (rc < 0)
        return rc;
    if (rc == 0)
        return berr_set(e, BERR_NOTFOUND, "新生児聴覚検査のリファー: 検査を受けたお子さんを特定できません "
                        "(%s)。お子さんの宛名番号を入力してください", why);
    ears_text(&h, findings, sizeof(findings));
    store_now_iso(now);
    if (h.checkup_id == 0)
        rc = db_prepare(st, &s, "INSERT INTO checkups(person, form, exam_date, created_by, created_at, "
                                "result, referral_targets, findings, page_id) VALUES (?1, "
                                "'choukaku_jushinken', ?2, ?3, ?4, 'yoseimitsu', 'mimi', ?5, ?6)", e);
    else
        rc = db_prepare(st, &s, "UPDATE checkups SET person = ?1, exam_date = ?2, findings = ?5, "
                                "page_id = ?6, result = 'yoseimitsu', referral_targets = 'mimi' "
                                "WHERE id = ?7 AND ?3 = ?3 AND ?4 = ?4", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, child, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, h.used_date, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, findings, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, page_id);
    if (h.checkup_id)
        sqlite3_bind_int64(s, 7, h.checkup_id);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "聴覚検査の精密検査の記録", e);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    int64_t ck = h.checkup_id ? h.checkup_id : sqlite3_last_insert_rowid(st->db);
    rc = db_prepare(st, &s, "UPDATE vouchers SET child = ?1, followup_checkup_id = ?2 WHERE id = ?3", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, child, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, ck);
    sqlite3_bind_int64(s, 3, voucher_id);
    rc = sqlite3_step(s) == SQLITE_DONE ? 0 : db_fail(st, "聴覚検査の記録", e);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    snprintf(detail, sizeof(detail), "新生児聴覚検査 リファー: 精密検査の対象 (受診券 %.30s, 健診 %lld)",
             h.issue_id, (long long)ck);
    return audit_append(st, a, "vouchers.hearing", child, detail, e);
}
