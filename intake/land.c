/*
 * land.c: a page whose readings are all settled becomes records.  The
 * record is found or created by the issue id the page's QR carries (both
 * pages of one 問診票・健診票 share it), and each settled value goes to the
 * column its definition names, through records' whitelist; a page with
 * the dental items (歯科) also makes the checkup's dental row.  Runs inside the
 * caller's transaction: at intake for a page with nothing to review, or
 * when a nurse resolves a page's last review item.
 */
#include "intake/intake.h"
#include "records/issues.h"
#include "records/landing.h"
#include "records/residents.h"
#include "records/review.h"
#include "records/vouchers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct land_ctx {
    struct store *st;
    const struct forms_form *form;
    int page_no;
    enum record_kind kind;
    int64_t id;
    struct ymd today, birth;       /* birth of the subject (y == 0: unknown) */
    struct berr *e;
};

/*
 * A date that cannot be right: in the future (but for the 分娩予定日, which
 * is), or a checkup before the child was born.  Review can put anything a
 * person types into a record; this is the last look before it lands.
 */
static int check_date(const struct land_ctx *c, const struct forms_field *f, const char *value)
{
    struct ymd d;

    if (f->kind != FORMS_DATE || value == NULL || ymd_parse_iso(value, &d) < 0)
        return 0;
    if (ymd_cmp(d, c->today) > 0 && strstr(f->column, "due_date") == NULL)
        return berr_set(c->e, BERR_INVALID, "%s: 未来の日付です (%s)", f->label, value);
    if ((c->kind == REC_CHECKUP || c->kind == REC_VISIT) && c->birth.y && ymd_cmp(d, c->birth) < 0)
        return berr_set(c->e, BERR_INVALID, "%s: お子さんの生年月日より前の日付です (%s)", f->label,
                        value);
    return 0;
}

static int land_reading(const struct reading_row *r, void *p)
{
    struct land_ctx *c = p;
    const struct forms_field *f = forms_field_find(c->form, r->field);

    if (f == NULL || f->column == NULL || f->page != c->page_no)
        return 0;
    /* never a 個人番号 into a record column: it is checked, not kept here */
    if (f->kind == FORMS_MYNUMBER)
        return 0;
    if (strcmp(r->decision, "accepted") != 0 && strcmp(r->decision, "empty") != 0)
        return berr_set(c->e, BERR_CONFLICT, "項目「%s」が未確認です", f->label);
    if (check_date(c, f, r->value) < 0)
        return BERR_INVALID;
    return record_set(c->st, c->kind, c->id, f->column, r->value, c->e);
}

struct rule_ctx {
    const struct forms_form *form;
    int page_no;
    struct forms_value *v;
};

static int collect_value(const struct reading_row *r, void *p)
{
    struct rule_ctx *c = p;
    int i = forms_field_index(c->form, r->field);
    struct berr e;

    if (i >= 0 && r->value && strcmp(r->decision, "accepted") == 0)
        forms_value_parse(&c->form->fields[i], r->value, &c->v[i], &e);
    return 0;
}

/*
 * The cross-field rules of this page, on the values as settled (some by a
 * nurse): a page breaking one does not land; the message says which.
 */
static int check_rules(struct store *st, const struct forms_form *f, int64_t page_id, int page_no,
                       struct berr *e)
{
    struct rule_ctx c = { f, page_no, xcalloc(f->n_fields, sizeof(struct forms_value)) };
    int rc;

    for (size_t i = 0; i < f->n_fields; i++)
        forms_value_init(&c.v[i]);
    rc = page_readings(st, page_id, collect_value, &c, e);
    for (size_t r = 0; rc == 0 && r < f->n_rules; r++) {
        int here = 1;
        for (size_t k = 0; k < f->rules[r].n_fields; k++)
            here &= f->fields[f->rules[r].fields[k]].page == page_no;
        if (here && forms_rule_check(f, r, c.v, e) < 0)
            rc = BERR_INVALID;
    }
    for (size_t i = 0; i < f->n_fields; i++)
        forms_value_release(&c.v[i]);
    free(c.v);
    return rc;
}

/* Does this page of the form ask the dental items (歯科: a dental row of its own)? */
static int page_has_dental(const struct forms_form *f, int page_no)
{
    for (size_t i = 0; i < f->n_fields; i++) {
        const char *col = f->fields[i].column;
        if (f->fields[i].page == page_no && col != NULL &&
            (strncmp(col, "dental.", 7) == 0 || strncmp(col, "checkups.dental_", 16) == 0))
            return 1;
    }
    return 0;
}

static int kind_of(const char *form, enum record_kind *k)
{
    if (strncmp(form, "nyuyoji_", 8) == 0)
        *k = REC_CHECKUP;
    else if (strcmp(form, "ninshin_todoke") == 0)
        *k = REC_PREGNANCY;
    else if (strcmp(form, "ninpu_jushinken") == 0 || strcmp(form, "sanpu_jushinken") == 0 ||
             strcmp(form, "choukaku_jushinken") == 0)
        *k = REC_VOUCHER;
    else if (strcmp(form, "seimitsu_houkoku") == 0)
        *k = REC_REFERRAL;
    else if (strcmp(form, "shinseiji_houmon") == 0)
        *k = REC_VISIT;
    else
        return -1;
    return 0;
}

int intake_land_page(struct store *st, const struct actor *a, const struct forms_registry *forms,
                     int64_t page_id, struct berr *e)
{
    struct page_row p;
    struct land_ctx c;
    int created = 0, already = 0, dental, rc;

    rc = page_get(st, page_id, &p, e);
    if (rc < 0)
        return rc;
    memset(&c, 0, sizeof(c));
    c.st = st;
    c.e = e;
    c.page_no = p.page_no;
    c.form = forms_registry_get(forms, p.form, p.version);
    if (c.form == NULL || kind_of(p.form, &c.kind) < 0)
        return berr_set(e, BERR_INVALID, "ページ %lld: 様式 %s 第%d版 の記録先がありません",
                        (long long)page_id, p.form, p.version);
    if (p.subject[0] == '\0')
        return berr_set(e, BERR_CONFLICT, "ページ %lld: 本人が確定していません", (long long)page_id);
    rc = check_rules(st, c.form, page_id, p.page_no, e);
    if (rc < 0)
        return rc;
    c.today = store_today(st);
    if ((c.kind == REC_CHECKUP || c.kind == REC_VISIT) && p.subject[0] != 'U') {
        struct resident child;
        if (residents_get(st, a, p.subject, "intake.land", &child, e) == 0) {
            c.birth = child.birth;
            resident_release(&child);
        }
    }
    /* a form without a 発行番号 lands too: a record of its own, its later pages join it */
    rc = p.issue_id[0] == '\0'
             ? record_loose_find(st, c.kind, p.subject, p.form, p.batch_id, p.page_no, &c.id, e) : 0;
    if (rc == 0)
        rc = record_for_issue(st, a, c.kind, p.issue_id, p.subject, p.form, page_id, &c.id, &created, e);
    if (rc == 1)
        rc = 0;
    dental = rc == 0 && c.kind == REC_CHECKUP && page_has_dental(c.form, p.page_no);
    if (dental)
        rc = record_dental_begin(st, c.id, page_id, e);
    if (rc == 0)
        rc = page_readings(st, page_id, land_reading, &c, e);
    if (rc == 0 && dental)
        rc = record_dental_finish(st, c.id, e);
    /* a リファー in either ear: the baby's 精密検査 (or a nurse names the baby) */
    if (rc == 0 && strcmp(p.form, "choukaku_jushinken") == 0)
        rc = voucher_hearing_follow(st, a, c.id, page_id, e);
    if (rc == 0)
        rc = page_set_landed(st, page_id, record_kind_name(c.kind), c.id, NULL, e);
    if (rc == 0 && p.issue_id[0])
        rc = issue_mark_returned(st, p.issue_id, &already, e);
    /* the values as settled (a nurse's, the person now known): an EPDS alert if they say so */
    if (rc == 0 && (rc = intake_epds_check(st, a, forms, page_id, e)) > 0)
        rc = 0;
    return rc;
}

int intake_land_or_ask_child(struct store *st, const struct actor *a,
                             const struct forms_registry *forms, int64_t page_id, struct berr *e)
{
    struct page_row p;
    struct berr le;
    char reason[300];
    int rc = page_get(st, page_id, &p, e);

    if (rc < 0)
        return rc;
    if (strcmp(p.form, "choukaku_jushinken") != 0)
        return intake_land_page(st, a, forms, page_id, e);
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    rc = intake_land_page(st, a, forms, page_id, &le);
    if (rc == 0)
        return store_commit(st, e);
    store_rollback(st);
    if (rc != BERR_NOTFOUND)
        return berr_set(e, rc, "%s", le.msg);
    snprintf(reason, sizeof(reason), "記録に登録できません: %.200s", le.msg);
    struct review_in in = { HEARING_CHILD_FIELD, "issue", reason, RISK_ISSUE, NULL, -1 };
    rc = page_queue_item(st, page_id, &in, e);
    return rc < 0 ? rc : 1;
}

int intake_identity_follow(struct store *st, const struct actor *a,
                           const struct forms_registry *forms, int64_t first_id, const char *subject,
                           struct berr *e)
{
    struct page_row first, later;
    int64_t item, pid;
    int rc, done;

    if (subject == NULL || subject[0] == '\0')
        return 0;
    rc = page_get(st, first_id, &first, e);
    if (rc < 0)
        return rc;
    if (first.page_no != 1 || first.issue_id[0] == '\0')
        return 0;
    for (int no = 2; rc == 0 && no <= first.pages; no++) {
        rc = page_find_issue(st, first.issue_id, no, &later, e);
        if (rc <= 0)
            break;
        rc = review_open_identity(st, later.id, &item, e);
        if (rc < 0)
            break;
        if (rc == 0)
            continue;
        rc = review_follow_identity(st, a, item, subject, &done, &pid, e);
        if (rc == 0 && done)
            rc = intake_land_page(st, a, forms, pid, e);
    }
    return rc < 0 ? rc : 0;
}
