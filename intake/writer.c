/*
 * writer.c: the writer thread's single job (ARCHITECTURE.md §6, §7.2): one
 * transaction per page - the page, its readings with the 個人番号 masked,
 * its review items, the tallies of the summary - and the record landed when
 * nothing is left to review; later pages of a 届出 follow its first page.
 */
#include "intake/intake-internal.h"
#include "records/audit.h"
#include "records/review.h"
#include "records/vouchers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void tally(struct intake_tally *t, int *n, const char *reason)
{
    for (int i = 0; i < *n; i++) {
        if (strcmp(t[i].reason, reason) == 0) {
            t[i].n++;
            return;
        }
    }
    if (*n < INTAKE_TALLY) {
        snprintf(t[*n].reason, sizeof(t[0].reason), "%s", reason);
        t[*n].n = 1;
        (*n)++;
    }
}

/*
 * A 届出's first page was settled to subject during intake: a later page of
 * the same issue already stored in this batch (the workers finish in any
 * order) waits with "the first page is not settled"; it takes the same
 * person and lands when nothing else of it is open, as when a nurse settles
 * the first page (review/resolve.c).
 */
static int follow_first_page(struct run *r, const char *issue, int pages, const char *subject,
                             struct berr *e)
{
    struct page_row later;
    int64_t item, pid;
    int rc = 0, done;

    for (int no = 2; rc == 0 && no <= pages; no++) {
        rc = page_find_issue(r->st, issue, no, &later, e);
        if (rc <= 0)
            break;
        rc = review_open_identity(r->st, later.id, &item, e);
        if (rc <= 0)
            break;
        rc = store_begin(r->st, e);
        if (rc < 0)
            break;
        rc = review_resolve(r->st, r->a, item, REVIEW_CORRECT, subject, &done, &pid, e);
        if (rc == 0 && done)
            rc = intake_land_page(r->st, r->a, r->forms, pid, e);
        if (rc == 0)
            rc = store_commit(r->st, e);
        else
            store_rollback(r->st);
    }
    return rc < 0 ? rc : 0;
}

int intake_store_result(struct run *r, struct result *x, struct berr *e)
{
    struct task *t = &r->tasks[x->task];
    struct page_res_store {
        struct reading_in rd[256];
    } *buf = NULL;
    struct items *it = xcalloc(1, sizeof(*it));
    struct page_in p;
    char subject[40] = "", reject[600] = "", detail[256];
    int64_t page_id = 0;
    int rc = 0, txn = 0;

    memset(&p, 0, sizeof(p));
    p.sha = x->sha;
    p.file_sha = t->sha;
    p.source = t->path;
    p.file_page = x->file_page;
    p.batch_id = r->batch;
    if (x->reject[0])
        snprintf(reject, sizeof(reject), "%s", x->reject);
    else if (x->res.reject[0])
        snprintf(reject, sizeof(reject), "%s", x->res.reject);
    if (x->res.reg.marks_found >= 3) {
        /* how the scanner saw the page: what a clerk needs to fix a scanner */
        p.has_geometry = 1;
        p.dpi = x->res.dpi;
        p.skew = x->res.reg.skew_deg;
        p.scale = x->res.reg.scale;
        p.residual = x->res.reg.residual_px;
        p.rotation = x->res.reg.orientation;
        memcpy(p.map, x->res.reg.map, sizeof(p.map));
        p.width_px = x->res.width_px;
        p.height_px = x->res.height_px;
    }
    rc = store_begin(r->st, e);
    if (rc < 0)
        goto cleanup;
    txn = 1;
    if (!reject[0]) {
        struct page_result *res = &x->res;
        p.form = res->form->id;
        p.version = res->form->version;
        p.page_no = res->qr.page;
        p.pages = res->qr.pages;
        p.issue_id = res->qr.issue;
        if (res->qr.issue[0] == '\0')
            intake_item(it, "(発行)", "issue", RISK_ISSUE, NULL, -1,
                 "発行番号のない用紙 (boshi の発行履歴と照合できません)");
        if (res->other_qr > 0) {
            /*
             * A second code may be a harmless sticker, or a code cut from
             * another person's form: a person decides, the page never lands
             * on its own.  The text is shown only in part (it may be long).
             */
            int ours = strncmp(res->other_qr_text, "BOSHI", 5) == 0;
            intake_item(it, "(発行)", "issue", RISK_IDENTITY, NULL, -1,
                 "ページに別のQRコードがあります (%d個%s「%.40s」): 貼り付けや差し替えがないか用紙を"
                 "確認してください", res->other_qr, ours ? "、boshi の別の用紙のもの" : "",
                 res->other_qr_text);
        }
        if (res->qr.subject[0])
            rc = intake_settle_prefilled(r, res, it, subject, e);
        else if (strcmp(res->form->id, "ninshin_todoke") == 0)
            rc = intake_settle_notification(r, res, it, subject, e);
        else
            intake_item(it, "(本人)", "identity", RISK_IDENTITY, NULL, -1,
                 "対象者の印字がない用紙 (白紙で印刷された %s)", res->form->title);
        if (rc < 0)
            goto cleanup;
        intake_check_rules(res, it);
        buf = xcalloc(1, sizeof(*buf));
        for (size_t i = 0; i < res->n_fields && i < 256; i++) {
            struct field_result *f = &res->fields[i];
            if (f->fld->kind == FORMS_MYNUMBER) {
                /* a 個人番号 was only for finding the person (above): the store
                 * keeps its last four digits, never the number */
                char m[13];
                if (f->value[0]) {
                    mynumber_mask(f->value, m);
                    snprintf(f->value, sizeof(f->value), "%s", m);
                }
                if (f->read[0]) {
                    mynumber_mask(f->read, m);
                    snprintf(f->read, sizeof(f->read), "%s", m);
                }
            }
            buf->rd[i] = (struct reading_in){
                f->fld->name, f->decision == DEC_ACCEPTED ? f->value : NULL,
                f->read[0] ? f->read : NULL, f->confidence, intake_decision_name(f->decision),
                f->reason[0] ? f->reason : NULL, { f->box[0], f->box[1], f->box[2], f->box[3] },
                f->crop, f->crop_len,
            };
            /* only a reading the field accepts is offered (never 445 cm, never the "1"
             * that says a handwritten box has ink) */
            if (f->decision == DEC_REVIEW)
                intake_item(it, f->fld->name, "field", f->risk,
                     forms_value_suggestible(f->fld, f->read) && strncmp(f->reason, "桁数不足",
                                                                         strlen("桁数不足")) != 0
                         ? f->read : NULL, (int)i, "%s",
                     f->reason);
        }
        p.readings = buf->rd;
        p.n_readings = res->n_fields < 256 ? res->n_fields : 256;
        p.subject = subject;
        p.items = it->v;
        p.n_items = it->n;
    } else {
        p.reject_reason = reject;
    }
    rc = page_store(r->st, r->a, &p, &page_id, e);
    if (rc == BERR_CONFLICT) {
        /* taken in meanwhile (the same image under another name): a duplicate */
        store_rollback(r->st);
        txn = 0;
        r->sum->duplicates++;
        rc = 0;
        goto cleanup;
    }
    /* the safety signal first: an EPDS alert the day the page is read, whatever waits for review */
    if (rc == 0 && !reject[0] && intake_epds_check(r->st, r->a, r->forms, page_id, e) > 0)
        r->sum->alerts++;
    if (rc == 0 && !reject[0] && it->n == 0) {
        /*
         * Landing may find what reading could not (a return slip for a
         * referral that does not exist): the page then waits for a person,
         * and the batch goes on.
         */
        struct berr le;
        rc = store_begin(r->st, e);
        if (rc == 0 && intake_land_page(r->st, r->a, r->forms, page_id, &le) < 0) {
            store_rollback(r->st);
            if (le.code == BERR_FAIL) {
                rc = berr_set(e, BERR_FAIL, "%s", le.msg);
            } else {
                /* a 聴覚検査 whose baby is not known waits for a nurse to name it */
                int child = le.code == BERR_NOTFOUND && p.form &&
                            strcmp(p.form, "choukaku_jushinken") == 0;
                intake_item(it, child ? HEARING_CHILD_FIELD : "(登録)", "issue", RISK_ISSUE, NULL, -1,
                            "記録に登録できません: %.200s", le.msg);
                rc = page_queue_item(r->st, page_id, &it->v[it->n - 1], e);
            }
        } else if (rc == 0) {
            rc = store_commit(r->st, e);
        }
    }
    if (rc == 0 && !reject[0] && subject[0] && p.page_no == 1)
        /* its later pages may have been stored first (another worker) and wait for it */
        rc = intake_identity_follow(r->st, r->a, r->forms, page_id, subject, e);
    snprintf(detail, sizeof(detail), "スキャン取込 %s %s", p.form ? p.form : "-",
             reject[0] ? "却下" : it->n ? "確認待ち" : "登録");
    if (rc == 0)
        rc = audit_append(r->st, r->a, "intake.page", subject[0] ? subject : NULL, detail, e);
    if (rc == 0) {
        txn = 0;
        rc = store_commit(r->st, e);
    }
    if (rc == 0 && !reject[0] && p.page_no == 1 && subject[0] && p.issue_id && p.issue_id[0])
        rc = follow_first_page(r, p.issue_id, p.pages, subject, e);
    if (rc == 0) {
        if (reject[0]) {
            r->sum->rejected++;
            /* tally by the reason's kind, without the file name it starts with */
            const char *why = strstr(reject, ": ");
            tally(r->sum->reject, &r->sum->n_reject, why ? why + 2 : reject);
        } else if (it->n) {
            r->sum->queued++;
            r->sum->review_items += (int)it->n;
            for (size_t i = 0; i < it->n; i++) {
                /* by kind of reason: the detail in parentheses is per page */
                char kind[160];
                snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(it->v[i].reason, "("),
                         it->v[i].reason);
                size_t kl = strlen(kind);
                while (kl > 0 && kind[kl - 1] == ' ')
                    kind[--kl] = '\0';
                tally(r->sum->review, &r->sum->n_review, kind);
            }
        } else {
            r->sum->landed++;
        }
    }
cleanup:
    if (txn)
        store_rollback(r->st);
    if (rc < 0)
        berr_prefix(e, "%s %dページ目: ", t->path, x->file_page + 1);
    free(it);
    free(buf);
    return rc;
}
