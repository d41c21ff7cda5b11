/*
 * settle.c: who a page is about (ARCHITECTURE.md §7.3), decided by the
 * writer thread: a pre-filled page by its QR and the issue history, a
 * 妊娠届出書 by matching what it says against the resident master; the
 * 実施日 a form printed confirms the date written on it.  Anything not
 * certain becomes an identity or issue review item.
 */
#include "intake/intake-internal.h"
#include "records/issues.h"
#include "records/residents.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * 実施日 (checkups.date) written by hand, both readings agreeing, is
 * accepted when it is the checkup date boshi printed on the form: the
 * issue's date confirms it independently.  Any other date stays for a
 * nurse (a checkup moved to another day is possible, and a person says so).
 */
static void confirm_checkup_date(struct page_result *res, const struct intake_expect *x)
{
    for (size_t i = 0; x->checkup_date.y && i < res->n_fields; i++) {
        struct field_result *f = &res->fields[i];
        struct forms_value v;
        struct berr ve;
        if (f->fld->kind != FORMS_DATE || f->fld->column == NULL ||
            strcmp(f->fld->column, "checkups.date") != 0 || f->decision != DEC_REVIEW ||
            strcmp(f->reason, INTAKE_DATE_AGREED) != 0)
            continue;
        forms_value_init(&v);
        if (forms_value_parse(f->fld, f->read, &v, &ve) == 0 && v.present &&
            ymd_cmp(v.date, x->checkup_date) == 0) {
            f->decision = DEC_ACCEPTED;
            snprintf(f->value, sizeof(f->value), "%s", v.text);
            f->reason[0] = '\0';
            f->risk = 0;
        }
        forms_value_release(&v);
    }
}

/* A pre-filled page: its QR names the person; the issue history must agree. */
int intake_settle_prefilled(struct run *r, struct page_result *res, struct items *it,
                            char subject[40], struct berr *e)
{
    struct issue_info iss;
    struct resident who;
    struct intake_expect x;
    struct page_row prev;
    int rc;

    snprintf(subject, 40, "%s", res->qr.subject);
    rc = issue_lookup(r->st, res->qr.issue, &iss, e);
    if (rc == BERR_NOTFOUND || (rc == 0 && (strcmp(iss.person, res->qr.subject) != 0 ||
                                            strcmp(iss.form, res->qr.form) != 0))) {
        intake_item(it, "(発行)", "issue", RISK_ISSUE, NULL, -1, "発行履歴と一致しない用紙 (発行番号 %s)",
             res->qr.issue[0] ? res->qr.issue : "-");
        return 0;
    }
    if (rc < 0)
        return rc;
    rc = page_find_issue(r->st, res->qr.issue, res->qr.page, &prev, e);
    if (rc < 0)
        return rc;
    if (rc == 1)
        intake_item(it, "(発行)", "issue", RISK_ISSUE, NULL, -1, "二重提出 (同じ用紙の%dページ目はページ番号 %lld "
             "として取込済み)", res->qr.page, (long long)prev.id);
    rc = residents_get(r->st, r->a, res->qr.subject, "intake.read", &who, e);
    if (rc == BERR_NOTFOUND) {
        intake_item(it, "(本人)", "identity", RISK_IDENTITY, NULL, -1, "宛名番号 %s の住民が記録にありません",
             res->qr.subject);
        subject[0] = '\0';
        return 0;
    }
    if (rc < 0)
        return rc;
    if (who.status != RS_RESIDENT)
        intake_item(it, "(本人)", "issue", RISK_ISSUE, NULL, -1, "%s の住民の用紙です (%s)",
             resident_status_label(who.status), who.name);
    memset(&x, 0, sizeof(x));
    x.have = 1;
    snprintf(x.name, sizeof(x.name), "%s", who.name);
    snprintf(x.kana, sizeof(x.kana), "%s", who.kana);
    snprintf(x.jushin_no, sizeof(x.jushin_no), "%s", iss.jushin_no);
    x.birth = who.birth;
    ymd_parse_iso(iss.checkup_date, &x.checkup_date);
    intake_check_printed(res, &x);
    confirm_checkup_date(res, &x);
    resident_release(&who);
    return 0;
}

/*
 * A 妊娠届出書 has no subject in its QR: the mother is matched in the
 * resident master by the カナ and 生年月日 she wrote and, where read and
 * valid, her 個人番号.  Only one strong candidate settles it; anything else
 * is an identity item for a nurse, with the candidates and why.
 */
int intake_settle_notification(struct run *r, struct page_result *res, struct items *it,
                               char subject[40], struct berr *e)
{
    struct field_result *kana = intake_field_named(res, "mother_kana");
    struct field_result *birth = intake_field_named(res, "birth_date");
    struct field_result *mn = intake_field_named(res, "mynumber");
    struct find_query q;
    struct candidate *c = NULL;
    size_t n = 0;
    struct forms_value bv;
    struct berr ve;
    int rc;

    subject[0] = '\0';
    if (res->qr.page != 1 && res->qr.issue[0] == '\0') {
        /* nothing ties it to its first page: who she is is settled on its own */
        intake_item(it, "(本人)", "identity", RISK_IDENTITY, NULL, -1,
             "発行番号のない用紙の%dページ目 (1ページ目と結び付けられません: 本人を確定してください)",
             res->qr.page);
        return 0;
    }
    if (res->qr.page != 1) {
        struct page_row first;
        rc = page_find_issue(r->st, res->qr.issue, 1, &first, e);
        if (rc < 0)
            return rc;
        if (rc == 1 && first.subject[0])
            snprintf(subject, 40, "%s", first.subject);
        else
            intake_item(it, "(本人)", "identity", RISK_IDENTITY_LATER, NULL, -1,
                 "同じ届出の1ページ目 (発行番号 %s) の本人が未確定 (1ページ目で確定すると自動で確定します)",
                 res->qr.issue[0] ? res->qr.issue : "なし");
        return 0;
    }
    memset(&q, 0, sizeof(q));
    forms_value_init(&bv);
    if (kana && kana->read[0])
        q.kana = kana->read;
    if (birth && birth->read[0] && forms_value_parse(birth->fld, birth->read, &bv, &ve) == 0 &&
        bv.present)
        q.birth = bv.date;
    if (mn && mn->decision == DEC_ACCEPTED)
        q.mynumber = mn->value;
    q.limit = 5;
    if (q.kana || q.birth.y || q.mynumber) {
        rc = residents_find(r->st, r->a, &q, &c, &n, e);
        if (rc < 0 && rc != BERR_INVALID)
            goto cleanup;
    }
    rc = 0;
    int strong = n > 0 && c[0].r.status == RS_RESIDENT &&
                 (c[0].score >= 100 || (c[0].score >= 70 && (n == 1 || c[1].score <= c[0].score - 30)));
    if (strong) {
        snprintf(subject, 40, "%s", c[0].r.atena);
        /* what she wrote is confirmed by the master: accept it */
        if (birth && q.birth.y && ymd_cmp(q.birth, c[0].r.birth) == 0) {
            char iso[11];
            ymd_iso(q.birth, iso);
            birth->decision = DEC_ACCEPTED;
            snprintf(birth->value, sizeof(birth->value), "%s", iso);
            birth->reason[0] = '\0';
        }
        if (kana && q.kana) {
            char *a = kana_fold(q.kana), *b = kana_fold(c[0].r.kana);
            if (a && b && strcmp(a, b) == 0) {
                kana->decision = DEC_ACCEPTED;
                snprintf(kana->value, sizeof(kana->value), "%s", c[0].r.kana);
                kana->reason[0] = '\0';
            }
            free(a);
            free(b);
        }
    } else {
        struct buf why;
        buf_init(&why);
        buf_adds(&why, n ? "本人候補: " : "住民記録に該当する候補がありません");
        for (size_t i = 0; i < n && i < 3; i++)
            buf_addf(&why, "%s%s %s (%d点: %s)", i ? " / " : "", c[i].r.atena, c[i].r.name,
                     c[i].score, c[i].reasons);
        /* the first candidate is offered only if her birth date does not contradict the sheet */
        intake_item(it, "(本人)", "identity", RISK_IDENTITY,
             n && !(q.birth.y && ymd_cmp(q.birth, c[0].r.birth) != 0) ? c[0].r.atena : NULL, -1, "%s",
             why.s);
        buf_release(&why);
    }
    /* handwriting the master holds (the definition's from_master): the image is kept */
    for (size_t i = 0; i < res->n_fields; i++) {
        struct field_result *f = &res->fields[i];
        if (f->fld->from_master && f->decision == DEC_REVIEW) {
            f->decision = DEC_EMPTY;
            snprintf(f->reason, sizeof(f->reason), "手書き (画像を保存、本人は住民記録で確認)");
        }
    }
cleanup:
    forms_value_release(&bv);
    candidates_free(c, n);
    return rc;
}
