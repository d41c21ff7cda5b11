/*
 * landing.c: turning a page's accepted readings into records.  The form
 * definitions say where each field lands ("checkups.weight_kg"); this file
 * is the only place those names meet SQL, and only through the whitelist
 * below - a definition cannot make boshi write anywhere else.
 */
#include "records/records-internal.h"
#include "records/audit.h"
#include "records/landing.h"

#include <stdio.h>
#include <string.h>

static const struct {
    enum record_kind kind;
    const char *table;         /* main table */
    const char *answers;       /* "<x>_answers" alias for the answers table, or NULL */
    const char *owner;         /* answers.owner */
    const char *const *cols;
} kinds[] = {
    { REC_CHECKUP, "checkups", "checkup_answers", "checkup",
      (const char *const[]){ "date", "height_cm", "weight_kg", "head_cm", "chest_cm", "findings",
                             "dental_caries", "dental_plaque", "dental_fluoride", "epds_score",
                             "result", "referral_targets", NULL } },
    { REC_PREGNANCY, "pregnancies", "pregnancy_answers", "pregnancy",
      (const char *const[]){ "todoke_date", "weeks_at_todoke", "due_date", "diagnosed_by",
                             "std_tb_check", "parity", "occupation", "mother_birth", NULL } },
    { REC_VOUCHER, "vouchers", NULL, NULL,
      (const char *const[]){ "used_date", "weeks", "clinic_code", "tests", "amount_yen",
                             /* 産婦健康診査受診券 */
                             "findings", "epds_1", "epds_2", "epds_3", "epds_4", "epds_5",
                             "epds_6", "epds_7", "epds_8", "epds_9", "epds_10", "epds_total",
                             /* 新生児聴覚検査費用助成券 */
                             "hearing_kind", "hearing_method", "hearing_right", "hearing_left",
                             NULL } },
    { REC_REFERRAL, "referrals", NULL, NULL,
      (const char *const[]){ "result", "result_date", NULL } },
    /* 新生児訪問指導票 */
    { REC_VISIT, "visits", NULL, NULL,
      (const char *const[]){ "visit_date", "visitor", "subjects", "weight_g", "feeding", "result",
                             "findings", "epds_1", "epds_2", "epds_3", "epds_4", "epds_5", "epds_6",
                             "epds_7", "epds_8", "epds_9", "epds_10", "epds_total", NULL } },
};

/*
 * The dental row of a checkup (dental.<col>, REC_CHECKUP only): what a
 * definition may set.  むし歯の本数, 歯の汚れ and フッ化物塗布 land in the
 * checkup row (checkups.dental_*) and are copied (record_dental_finish).
 */
static const char *const dental_cols[] = {
    "caries_type", "soft_tissue", "occlusion", "guidance", NULL,
};

/* Form columns that name a person: the master holds them (record_set skips them). */
static const char *const identity_columns[] = {
    "pregnancies.mother_name", "pregnancies.mother_kana", "pregnancies.mother_address",
    "pregnancies.mynumber", NULL,
};

const char *record_kind_name(enum record_kind k)
{
    static const char *const n[] = { "checkup", "pregnancy", "voucher", "referral", "visit" };

    return k <= REC_VISIT ? n[k] : "?";
}

/* Columns that hold what identifies a person are never set from a reading. */
static const char *real_column(const char *table, const char *col)
{
    /* checkups.date is exam_date in the table */
    if (strcmp(table, "checkups") == 0 && strcmp(col, "date") == 0)
        return "exam_date";
    return col;
}

int record_loose_find(struct store *st, enum record_kind kind, const char *person, const char *form,
                      int64_t batch_id, int page_no, int64_t *id, struct berr *e)
{
    /* ?1 person, ?2 form, ?3 record kind, ?4 batch, ?5 page */
    static const char *const pages_of =
        " AND EXISTS (SELECT 1 FROM pages p WHERE p.record_kind = ?3 AND p.record_id = x.id AND "
        "p.batch_id = ?4) AND NOT EXISTS (SELECT 1 FROM pages p WHERE p.record_kind = ?3 AND "
        "p.record_id = x.id AND p.page_no = ?5) ORDER BY x.id DESC LIMIT 1";
    sqlite3_stmt *s = NULL;
    struct buf sql;
    int rc;

    *id = 0;
    if (kind != REC_CHECKUP && kind != REC_PREGNANCY)
        return 0;
    buf_init(&sql);
    buf_adds(&sql, kind == REC_CHECKUP
                       ? "SELECT x.id FROM checkups x WHERE x.issue_id IS NULL AND x.person = ?1 AND "
                         "x.form = ?2"
                       : "SELECT x.id FROM pregnancies x WHERE x.issue_id IS NULL AND x.mother = ?1 AND "
                         "?2 IS NOT NULL");
    buf_adds(&sql, pages_of);
    rc = db_prepare(st, &s, sql.s, e);
    buf_release(&sql);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, person, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, form, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, record_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, batch_id);
    sqlite3_bind_int(s, 5, page_no);
    rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        rc = 1;
    } else {
        rc = rc == SQLITE_DONE ? 0 : db_fail(st, "記録の検索", e);
    }
    sqlite3_finalize(s);
    return rc;
}

int record_for_issue(struct store *st, const struct actor *a, enum record_kind kind,
                     const char *issue_id, const char *person, const char *form, int64_t page_id,
                     int64_t *id, int *created, struct berr *e)
{
    static const char *const find_sql[] = {
        "SELECT id FROM checkups WHERE issue_id = ?",
        "SELECT id FROM pregnancies WHERE issue_id = ?",
        "SELECT id FROM vouchers WHERE issue_id = ?",
        "SELECT id FROM referrals WHERE issue_id = ?",
        "SELECT id FROM visits WHERE issue_id = ?",
    };
    static const char *const insert_sql[] = {
        "INSERT INTO checkups(issue_id, person, form, page_id, created_by, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        "INSERT INTO pregnancies(issue_id, mother, page_id, created_at) VALUES (?1, ?2, ?4, ?6)",
        /* the 回数 is printed by boshi: it comes from the issue history, not the scan */
        "INSERT INTO vouchers(issue_id, mother, kai, page_id, created_at, form) VALUES (?1, ?2, "
        "(SELECT seq FROM issues_printed WHERE issue_id = ?1), ?4, ?6, ?3)",
        NULL,
        "INSERT INTO visits(issue_id, person, form, page_id, created_by, created_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    };
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc;

    *created = 0;
    if (!actor_can(a, PERM_INTAKE) && !actor_can(a, PERM_REVIEW))
        return actor_require(a, PERM_INTAKE, e);
    if (issue_id == NULL || *issue_id == '\0') {
        /* a form without a 発行番号: a record of its own (record_loose_find for its later pages) */
        if (kind != REC_CHECKUP && kind != REC_PREGNANCY)
            return berr_set(e, BERR_INVALID, "発行番号のない%sは記録先を決められません",
                            record_kind_name(kind));
        issue_id = NULL;
        goto insert;
    }
    rc = db_prepare(st, &s, find_sql[kind], e);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, issue_id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
        return 0;
    }
    sqlite3_finalize(s);
insert:
    if (insert_sql[kind] == NULL)
        return berr_set(e, BERR_NOTFOUND, "発行番号 %s に対応する精密検査依頼がありません", issue_id);
    rc = db_prepare(st, &s, insert_sql[kind], e);
    if (rc < 0)
        return rc;
    store_now_iso(now);
    db_bind_text(s, 1, issue_id);
    sqlite3_bind_text(s, 2, person, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, form, -1, SQLITE_STATIC);
    if (page_id > 0)
        sqlite3_bind_int64(s, 4, page_id);
    else
        sqlite3_bind_null(s, 4);   /* a record written without a scanned page */
    sqlite3_bind_text(s, 5, a->login, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "記録の作成", e);
    *id = sqlite3_last_insert_rowid(st->db);
    *created = 1;
    sqlite3_finalize(s);
    if (rc == 0) {
        char d[96];
        /* what people read in the access log: the record's Japanese name, and a blank
         * form handed out has no 発行番号 (never 「(発行番号 )」) */
        static const char *const label[] = { "健診の記録", "妊娠届の記録", "受診券の記録",
                                             "精密検査の記録", "訪問指導の記録" };
        const char *what = kind <= REC_VISIT ? label[kind] : record_kind_name(kind);
        if (issue_id != NULL && issue_id[0])
            snprintf(d, sizeof(d), "%s を登録 (発行番号 %s)", what, issue_id);
        else
            snprintf(d, sizeof(d), "%s を登録 (発行番号なし)", what);
        rc = audit_append(st, a, "records.land", person, d, e);
    }
    return rc;
}

int record_set(struct store *st, enum record_kind kind, int64_t id, const char *column,
               const char *value, struct berr *e)
{
    const char *dot = strchr(column, '.');
    char table[64], sql[256];
    sqlite3_stmt *s = NULL;
    int rc;

    if (dot == NULL || (size_t)(dot - column) >= sizeof(table))
        return berr_set(e, BERR_INVALID, "記録先「%s」が不正です", column);
    snprintf(table, sizeof(table), "%.*s", (int)(dot - column), column);
    const char *col = dot + 1;
    /*
     * Who she is (name, kana, address) is the resident master's: the page
     * was matched to her, so these are checked, not copied; her 個人番号 is
     * never kept outside the master.
     */
    for (const char *const *c = identity_columns; *c; c++)
        if (strcmp(*c, column) == 0)
            return 0;
    if (kind == REC_CHECKUP && strcmp(table, "dental") == 0) {
        for (const char *const *c = dental_cols; *c; c++) {
            if (strcmp(*c, col) != 0)
                continue;
            /* the name comes from the whitelist above, never from the definition */
            snprintf(sql, sizeof(sql), "UPDATE dental SET %s = ? WHERE checkup_id = ?", *c);
            rc = db_prepare(st, &s, sql, e);
            if (rc < 0)
                return rc;
            db_bind_text(s, 1, value);
            sqlite3_bind_int64(s, 2, id);
            goto run;
        }
        return berr_set(e, BERR_INVALID, "記録先「%s」は歯科の記録にはありません", column);
    }
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        if (kinds[k].kind != kind)
            continue;
        if (kinds[k].answers && strcmp(table, kinds[k].answers) == 0) {
            rc = db_prepare(st, &s, "INSERT OR REPLACE INTO answers(owner, owner_id, field, value) "
                                    "VALUES (?, ?, ?, ?)", e);
            if (rc < 0)
                return rc;
            sqlite3_bind_text(s, 1, kinds[k].owner, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 2, id);
            sqlite3_bind_text(s, 3, col, -1, SQLITE_STATIC);
            db_bind_text(s, 4, value);
            goto run;
        }
        if (strcmp(table, kinds[k].table) != 0)
            break;
        for (const char *const *c = kinds[k].cols; *c; c++) {
            if (strcmp(*c, col) != 0)
                continue;
            /* both names come from the whitelist above, never from the definition */
            snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE id = ?", kinds[k].table,
                     real_column(kinds[k].table, *c));
            rc = db_prepare(st, &s, sql, e);
            if (rc < 0)
                return rc;
            db_bind_text(s, 1, value);
            sqlite3_bind_int64(s, 2, id);
            goto run;
        }
        break;
    }
    return berr_set(e, BERR_INVALID, "記録先「%s」は %s の記録にはありません", column,
                    record_kind_name(kind));
run:
    rc = 0;
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "記録の更新", e);
    sqlite3_finalize(s);
    return rc;
}

int record_dental_begin(struct store *st, int64_t checkup_id, int64_t page_id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    char now[32];
    int rc;

    rc = db_prepare(st, &s, "INSERT INTO dental(checkup_id, page_id, person, form, created_at) "
                            "SELECT id, ?2, person, form, ?3 FROM checkups WHERE id = ?1 "
                            "ON CONFLICT(checkup_id) DO UPDATE SET page_id = excluded.page_id", e);
    if (rc < 0)
        return rc;
    store_now_iso(now);
    sqlite3_bind_int64(s, 1, checkup_id);
    if (page_id > 0)
        sqlite3_bind_int64(s, 2, page_id);
    else
        sqlite3_bind_null(s, 2);
    sqlite3_bind_text(s, 3, now, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "歯科の記録の作成", e);
    else if (sqlite3_changes(st->db) == 0)
        rc = berr_set(e, BERR_NOTFOUND, "健診の記録 %lld がありません", (long long)checkup_id);
    sqlite3_finalize(s);
    return rc;
}

int record_dental_finish(struct store *st, int64_t checkup_id, struct berr *e)
{
    sqlite3_stmt *s = NULL;
    int rc;

    rc = db_prepare(st, &s, "UPDATE dental SET (exam_date, caries, plaque, fluoride) = (SELECT "
                            "exam_date, dental_caries, dental_plaque, dental_fluoride FROM checkups "
                            "WHERE id = ?1) WHERE checkup_id = ?1", e);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, checkup_id);
    if (sqlite3_step(s) != SQLITE_DONE)
        rc = db_fail(st, "歯科の記録の更新", e);
    sqlite3_finalize(s);
    return rc;
}
