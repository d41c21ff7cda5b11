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

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Closed-set identity of a 妊娠届出書 from its handwritten カナ (the cells
 * the katakana models read, ocr_hand_kana): each candidate of the
 * resident master is scored by how well the cells support HER kana, laid
 * into cells as the box asks (ocr_kana_cells), voiced marks in their own
 * cell or in the kana's, whichever fits better.  Calibrated on 39 held-out
 * simulated sheets (3 hand families, ocr/MODEL.md) and the cell figures of
 * ocr/models/REPORT-kana.md:
 *   IDENT_P_FLOOR   a model's probability is never taken below this
 *                   (a cell that is not her kana costs 2 x 9.2 nats)
 *   IDENT_CELL_MIN  every cell of her name: both models give her class at
 *                   least this.  A namesake one kana apart, or a candidate
 *                   when the writer is not in the master, has a cell that
 *                   is not hers: it fails here (worst cell of the right
 *                   woman on clear sheets 0.37 .. 0.86; of every wrong
 *                   candidate < 0.02)
 *   IDENT_MARGIN    the best candidate ahead of the second by this many
 *                   nats.  When a cell supports two kana at the floor
 *                   both, they differ by at most 2 ln(0.7 / 0.3) = 1.7
 *                   nats: 6 keeps such a tie off with room to spare (right
 *                   woman vs her namesake measured 7.7 .. 17.3)
 *   IDENT_MAX       candidates scored at most
 */
#define IDENT_P_FLOOR 1e-4
#ifndef IDENT_CELL_MIN                  /* -D for the calibration runs only */
#define IDENT_CELL_MIN 0.30
#endif
#ifndef IDENT_MARGIN
#define IDENT_MARGIN 6.0
#endif
#define IDENT_MAX 200

struct kana_fit {
    const struct candidate *c;
    double total;               /* sum of log-probabilities, both models */
    double worst;               /* the lowest support of a cell of her name */
};

/* How well the cells h support kana laid out as cls[0..n-1]. */
static void fit_layout(const struct ocr_hand_kana *h, const int *cls, int n, double *total,
                       double *worst)
{
    double pen = 2 * log(IDENT_P_FLOOR);

    *total = 0;
    *worst = 1;
    if (n > h->ncells) {                       /* her name does not fit the box */
        *total = pen * (n - h->ncells);
        *worst = 0;
        n = h->ncells;
    }
    for (int i = 0; i < h->ncells; i++) {
        const struct ocr_kana_cell *c = &h->cell[i];
        int want = i < n ? cls[i] : OCR_KANA_EMPTY;
        if (want == OCR_KANA_EMPTY) {
            if (c->inked) {
                *total += pen;
                *worst = 0;
            }
            continue;
        }
        if (!c->inked || c->stray) {
            *total += pen;
            *worst = 0;
            continue;
        }
        double p0 = fmax(c->prob[0][want], IDENT_P_FLOOR), p1 = fmax(c->prob[1][want], IDENT_P_FLOOR);
        *total += log(p0) + log(p1);
        *worst = fmin(*worst, fmin(p0, p1));
    }
}

/* The better of the two layouts (marks in their own cell, or in the kana's). */
static void fit_kana(const struct ocr_hand_kana *h, const char *kana, struct kana_fit *f)
{
    int cls[OCR_MAX_CELLS * 2];

    f->total = -1e9;
    f->worst = 0;
    for (int split = 1; split >= 0; split--) {
        int n = ocr_kana_cells(kana, split, cls, OCR_MAX_CELLS * 2);
        double t, w;
        if (n < 0 || n > OCR_MAX_CELLS * 2)
            continue;
        fit_layout(h, cls, n, &t, &w);
        if (t > f->total) {
            f->total = t;
            f->worst = w;
        }
    }
}

static int fit_cmp(const void *a, const void *b)
{
    const struct kana_fit *x = a, *y = b;

    return x->total < y->total ? 1 : x->total > y->total ? -1 : 0;
}

/*
 * The closed-set path of intake_settle_notification: returns 1 when she
 * was settled (subject set, kana and birth accepted with her stored
 * values), 0 when an identity item was made, < 0 on failure.
 */
static int settle_by_kana_cells(struct run *r, struct field_result *kana,
                                struct field_result *birth, struct items *it, char subject[40],
                                struct berr *e)
{
    struct find_query q;
    struct candidate *c = NULL;
    struct kana_fit *fit = NULL;
    size_t n = 0, nf = 0;
    struct forms_value bv;
    struct berr ve;
    int rc = 0, date_sure = 0, have_date = 0, best[OCR_MAX_CELLS];
    struct buf why;
    char *guess = NULL;

    memset(&q, 0, sizeof(q));
    forms_value_init(&bv);
    buf_init(&why);
    if (birth && birth->read[0] && forms_value_parse(birth->fld, birth->read, &bv, &ve) == 0 &&
        bv.present) {
        have_date = 1;
        q.birth = bv.date;
        date_sure = birth->decision == DEC_ACCEPTED ||
                    (birth->decision == DEC_REVIEW && strcmp(birth->reason, INTAKE_DATE_AGREED) == 0);
    }
    if (date_sure) {
        /* the women born that day */
        q.limit = IDENT_MAX;
    } else {
        /* the date is unsure: what residents_find makes of the kana, each cell
         * taken as the SVM reads it */
        for (int i = 0; i < kana->kana->ncells; i++)
            best[i] = kana->kana->cell[i].inked ? kana->kana->cell[i].best[1] : OCR_KANA_EMPTY;
        guess = ocr_kana_compose(best, kana->kana->ncells);
        if (guess[0])
            q.kana = guess;
        q.limit = 20;
    }
    if (q.kana || q.birth.y) {
        rc = residents_find(r->st, r->a, &q, &c, &n, e);
        if (rc < 0 && rc != BERR_INVALID)
            goto cleanup;
        rc = 0;
    }
    fit = xcalloc(n ? n : 1, sizeof(*fit));
    for (size_t i = 0; i < n; i++) {
        if (c[i].r.sex != 2 || c[i].r.kana == NULL)
            continue;
        fit[nf].c = &c[i];
        fit_kana(kana->kana, c[i].r.kana, &fit[nf]);
        nf++;
    }
    qsort(fit, nf, sizeof(*fit), fit_cmp);
    if (nf > 0 && fit[0].worst >= IDENT_CELL_MIN &&
        (nf == 1 || fit[0].total - fit[1].total >= IDENT_MARGIN) &&
        fit[0].c->r.status == RS_RESIDENT && have_date &&
        ymd_cmp(q.birth, fit[0].c->r.birth) == 0) {
        const struct resident *who = &fit[0].c->r;
        char iso[11];
        snprintf(subject, 40, "%s", who->atena);
        ymd_iso(who->birth, iso);
        birth->decision = DEC_ACCEPTED;
        snprintf(birth->value, sizeof(birth->value), "%s", iso);
        birth->reason[0] = '\0';
        kana->decision = DEC_ACCEPTED;
        snprintf(kana->value, sizeof(kana->value), "%s", who->kana);
        kana->reason[0] = '\0';
        rc = 1;
        goto cleanup;
    }
    buf_adds(&why, nf ? "候補 (手書きカナ照合): " : "住民記録に該当する候補がありません");
    for (size_t i = 0; i < nf && i < 2; i++)
        buf_addf(&why, "%s%s %s (%.1f点 最弱升%.2f%s)", i ? " / " : "", fit[i].c->r.atena,
                 fit[i].c->r.kana, fit[i].total, fit[i].worst,
                 have_date && ymd_cmp(q.birth, fit[i].c->r.birth) == 0 ? " 生年月日一致" : "");
    if (nf > 2)
        buf_addf(&why, " ほか%zu人", nf - 2);
    if (nf > 1 && fit[0].total - fit[1].total < IDENT_MARGIN)
        buf_adds(&why, " — 差が小さい");
    else if (nf > 0 && fit[0].worst < IDENT_CELL_MIN)
        buf_adds(&why, " — 合わない升がある");
    else if (nf > 0 && !date_sure)
        buf_adds(&why, " — 生年月日が未確定");
    /* the item's reason holds 255 bytes: cut at a character */
    if (why.len > 250) {
        size_t cut = 250;
        while (cut > 0 && (why.s[cut] & 0xC0) == 0x80)
            cut--;
        why.s[cut] = '\0';
        why.len = cut;
    }
    intake_item(it, "(本人)", "identity", RISK_IDENTITY,
                nf && have_date && ymd_cmp(q.birth, fit[0].c->r.birth) == 0 ? fit[0].c->r.atena : NULL,
                -1, "%s", why.s);
cleanup:
    buf_release(&why);
    free(guess);
    free(fit);
    forms_value_release(&bv);
    candidates_free(c, n);
    return rc;
}

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
    if (kana && kana->kana != NULL && !(mn && mn->decision == DEC_ACCEPTED)) {
        rc = settle_by_kana_cells(r, kana, birth, it, subject, e);
        if (rc < 0)
            return rc;
        rc = 0;
        goto from_master;
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
    forms_value_release(&bv);
    candidates_free(c, n);
from_master:
    /* handwriting the master holds (the definition's from_master): the image is kept */
    for (size_t i = 0; i < res->n_fields; i++) {
        struct field_result *f = &res->fields[i];
        if (f->fld->from_master && f->decision == DEC_REVIEW) {
            f->decision = DEC_EMPTY;
            snprintf(f->reason, sizeof(f->reason), "手書き (画像を保存、本人は住民記録で確認)");
        }
    }
    return 0;
cleanup:
    forms_value_release(&bv);
    candidates_free(c, n);
    return rc;
}
