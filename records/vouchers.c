/*
 * vouchers.c: the monthly payment of 妊婦健康診査受診券 to clinics - which
 * voucher uses of a month are paid, how much (the 公費負担額 of the voucher's
 * 回数, setting voucher.fees, capped by what the clinic claimed), and
 * which are exceptions held back for staff: a voucher recorded twice, a
 * 回数 used twice in one pregnancy, a use after the delivery, a use by
 * someone no longer resident.  The rules are written once, in the SQL
 * below and in records/referrals.h, so the report can be recomputed.
 * 産婦健康診査受診券 (form sanpu_jushinken, 第1回 産後2週間 and 第2回 産後1か月) are
 * paid the same way, with their own fees (voucher.sanpu_fees) and 回数, and
 * a use after the delivery is what they are for.
 * Not for: the layout of the payment list (reports/vouchers_report.c).
 */
#include "records/records-internal.h"
#include "records/referrals.h"

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
    "  v.form = 'sanpu_jushinken' "
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
    long fees[14], sanpu_fees[2];
    struct ymd first = { year, month, 1 };
    int rc = actor_require(a, PERM_REPORTS, e), txn = 0;

    if (rc < 0)
        return rc;
    if (month < 1 || month > 12 || year < 2000 || year > 2100)
        return berr_set(e, BERR_INVALID, "対象月が正しくありません (YYYY-MM)");
    rc = voucher_fees(st, fees, e);
    if (rc == 0)
        rc = voucher_sanpu_fees(st, sanpu_fees, e);
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
        v.fee = v.sanpu ? (v.kai >= 1 && v.kai <= 2 ? sanpu_fees[v.kai - 1] : 0)
                        : (v.kai >= 1 && v.kai <= 14 ? fees[v.kai - 1] : 0);
        const char *delivery = db_col(s, 12);
        int absent = sqlite3_column_int(s, 13), status = sqlite3_column_int(s, 14);
        const char *idou = db_col(s, 15);
        if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
            v.exception = VOUCHER_DUP_ISSUE;
            snprintf(v.detail, sizeof(v.detail), "同じ受診券の記録 %lld が先にあります",
                     (long long)sqlite3_column_int64(s, 10));
        } else if (v.kai < 1 || v.kai > (v.sanpu ? 2 : 14)) {
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
        } else if (!v.sanpu && *delivery && strcmp(v.used_date, delivery) > 0) {
            /* a 産婦 voucher is used after the delivery: that is what it is for */
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
