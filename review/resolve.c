/*
 * resolve.c: resolving one review item, shared by `boshi review` and the web
 * UI so both check a value the same way and land a page the same way.
 * Not for: presenting the item (cli/cmd-review.c, review/screen-item.c).
 */
#include "records/residents.h"
#include "records/vouchers.h"
#include "review/review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int keep_item(const struct review_row *r, void *p)
{
    struct review_item *x = p;

    x->r = *r;
    snprintf(x->field, sizeof(x->field), "%s", r->field);
    snprintf(x->kind, sizeof(x->kind), "%s", r->kind);
    snprintf(x->reason, sizeof(x->reason), "%s", r->reason);
    snprintf(x->suggested, sizeof(x->suggested), "%s", r->suggested);
    snprintf(x->status, sizeof(x->status), "%s", r->status);
    snprintf(x->value, sizeof(x->value), "%s", r->value);
    snprintf(x->form, sizeof(x->form), "%s", r->form);
    snprintf(x->subject, sizeof(x->subject), "%s", r->subject);
    snprintf(x->source, sizeof(x->source), "%s", r->source);
    snprintf(x->batch, sizeof(x->batch), "%s", r->batch);
    x->r.field = x->field;
    x->r.kind = x->kind;
    x->r.reason = x->reason;
    x->r.suggested = x->suggested;
    x->r.status = x->status;
    x->r.value = x->value;
    x->r.form = x->form;
    x->r.subject = x->subject;
    x->r.source = x->source;
    x->r.batch = x->batch;
    return 0;
}

int review_item_get(struct store *st, const struct actor *a, int64_t id, struct review_item *out,
                    struct berr *e)
{
    memset(out, 0, sizeof(*out));
    return review_get(st, a, id, keep_item, out, e);
}

int review_item_check(struct store *st, const struct actor *a, const struct forms_registry *forms,
                      const struct review_item *x, const struct page_row *pg, const char *value,
                      char *out, size_t n, struct berr *e)
{
    const struct forms_form *f;
    const struct forms_field *fld;
    struct forms_value v;
    int rc;

    if (strcmp(x->kind, "identity") == 0) {
        struct resident r;
        if (value[0] == 'U') {
            /* a 住登外 person a nurse registered (boshi review register) */
            rc = unregistered_exists(st, value, e);
            if (rc < 0)
                return rc;
            if (rc == 0)
                return berr_set(e, BERR_NOTFOUND, "住登外「%s」は登録されていません", value);
            snprintf(out, n, "%s", value);
            return 0;
        }
        rc = residents_get(st, a, value, "review.identity", &r, e);
        if (rc < 0)
            return rc;
        {
            /* a mistyped 宛名番号 names someone the form cannot be about */
            char why[64];
            const char *who = "";
            const struct forms_form *ff = forms ? forms_registry_get(forms, pg->form, pg->version) : NULL;
            if (!resident_fits_form(pg->form, &r, store_today(st), why, sizeof(why), &who))
                rc = berr_set(e, BERR_INVALID, "宛名番号 %s は %s (%s) の方です。「%s」の対象 (%s) では"
                              "ありません。宛名番号を確かめてください", value, r.name, why,
                              ff ? ff->title : pg->form, who);
        }
        resident_release(&r);
        if (rc < 0)
            return rc;
        snprintf(out, n, "%s", value);
        return 0;
    }
    if (strcmp(x->kind, "field") != 0) {
        snprintf(out, n, "%s", value);
        return 0;
    }
    f = forms ? forms_registry_get(forms, pg->form, pg->version) : NULL;
    fld = f ? forms_field_find(f, x->field) : NULL;
    if (fld == NULL)
        return berr_set(e, BERR_INVALID, "項目 %s の定義がありません", x->field);
    /* a choice may be typed as it is printed (いいえ) as well as by its code (iie) */
    struct buf typed;
    buf_init(&typed);
    if (fld->kind == FORMS_CHOICE || fld->kind == FORMS_MULTI) {
        char *copy = xstrdup(value);
        for (char *part = copy, *next; part != NULL; part = next) {
            next = strpbrk(part, ",");
            if (next)
                *next++ = '\0';
            while (*part == ' ')
                part++;
            const char *code = part;
            for (size_t i = 0; i < fld->n_options; i++)
                if (strcmp(fld->options[i].label, part) == 0)
                    code = fld->options[i].value;
            buf_addf(&typed, "%s%s", typed.len ? "," : "", code);
        }
        free(copy);
        value = typed.s;
    }
    forms_value_init(&v);
    rc = forms_value_parse(fld, value, &v, e);
    if (rc == 0 && fld->kind == FORMS_DATE && v.present) {
        /* said when typed, not later when the page lands (intake/land.c checks again) */
        if (ymd_cmp(v.date, store_today(st)) > 0 && (fld->column == NULL ||
                                                      strstr(fld->column, "due_date") == NULL))
            rc = berr_set(e, BERR_INVALID, "%s: 未来の日付です", fld->label);
        if (rc == 0 && (strncmp(pg->form, "nyuyoji_", 8) == 0 ||
                        strcmp(pg->form, "shinseiji_houmon") == 0) && pg->subject[0] &&
            pg->subject[0] != 'U') {
            struct resident child;
            if (residents_get(st, a, pg->subject, "review.check", &child, e) == 0) {
                if (ymd_cmp(v.date, child.birth) < 0)
                    rc = berr_set(e, BERR_INVALID, "%s: お子さんの生年月日より前の日付です", fld->label);
                resident_release(&child);
            }
        }
    }
    if (rc == 0 && fld->kind == FORMS_MULTI && v.present) {
        /* "none of these" cannot go with the others (the form's exclusive rule) */
        int idx = forms_field_index(f, fld->name);
        struct forms_value *all = xcalloc(f->n_fields, sizeof(*all));
        for (size_t i = 0; i < f->n_fields; i++)
            forms_value_init(&all[i]);
        all[idx] = v;
        for (size_t k = 0; rc == 0 && k < f->n_rules; k++)
            if (f->rules[k].type == FORMS_RULE_EXCLUSIVE && f->rules[k].fields[0] == (size_t)idx)
                rc = forms_rule_check(f, k, all, e);
        free(all);
    }
    if (rc == 0) {
        snprintf(out, n, "%s", v.present ? v.text : "");
    } else if (fld->n_options > 0) {
        struct buf choices;
        buf_init(&choices);
        for (size_t i = 0; i < fld->n_options; i++)
            buf_addf(&choices, "%s%s", i ? "、" : "", fld->options[i].label);
        size_t len = strlen(e->msg);
        snprintf(e->msg + len, sizeof(e->msg) - len, " (選択肢: %s)", choices.s);
        buf_release(&choices);
    }
    forms_value_release(&v);
    buf_release(&typed);
    return rc;
}

/*
 * A 個人番号 typed for a page: when the page's person is known, the master's
 * number (if it has one) must be the same; when not, the one resident with
 * this number is written into found (else found stays "").
 */
static int mynumber_person(struct store *st, const struct actor *a, const struct page_row *pg,
                           const char *mynumber, char *found, size_t n, struct berr *e)
{
    struct find_query q;
    struct candidate *c = NULL;
    size_t k = 0;
    int rc;

    memset(&q, 0, sizeof(q));
    q.mynumber = mynumber;
    q.limit = 2;
    rc = residents_find(st, a, &q, &c, &k, e);
    if (rc < 0)
        return rc;
    if (pg->subject[0] && pg->subject[0] != 'U') {
        struct resident r;
        rc = residents_get(st, a, pg->subject, "review.check", &r, e);
        if (rc == 0) {
            if (r.has_mynumber && (k == 0 || strcmp(c[0].r.atena, pg->subject) != 0))
                rc = berr_set(e, BERR_INVALID, "この個人番号は本人 (宛名番号 %s) の住民記録の個人番号と"
                              "一致しません。画像を確かめてください", pg->subject);
            resident_release(&r);
        }
    } else if (!pg->subject[0] && k == 1 && c[0].score >= 100 && c[0].r.status == RS_RESIDENT) {
        snprintf(found, n, "%s", c[0].r.atena);
    }
    candidates_free(c, k);
    return rc;
}

int review_item_apply(struct store *st, const struct actor *a, const struct forms_registry *forms,
                      const struct review_item *x, enum review_action act, const char *value,
                      struct review_outcome *out, struct berr *e)
{
    struct page_row pg;
    char found[16] = "";
    int rc, txn = 0;

    memset(out, 0, sizeof(*out));
    rc = page_get(st, x->r.page_id, &pg, e);
    if (rc < 0)
        return rc;
    if (act == REVIEW_ACCEPT) {
        if (strcmp(x->kind, "field") == 0) {
            const struct forms_form *ff = forms ? forms_registry_get(forms, pg.form, pg.version) : NULL;
            const struct forms_field *fd = ff ? forms_field_find(ff, x->field) : NULL;
            /* what boshi itself would not accept is never accepted by a key press */
            if (fd && fd->kind == FORMS_TEXT)
                return berr_set(e, BERR_INVALID, "%s: 手書きの文字は画像を見て入力してください",
                                fd->label);
            if (fd && fd->kind != FORMS_MYNUMBER &&
                (!forms_value_suggestible(fd, x->suggested) ||
                 strncmp(x->reason, "桁数不足", strlen("桁数不足")) == 0))   /* read in part only */
                return berr_set(e, BERR_INVALID, "%s: 承認できる読取値がありません。画像を見て正しい値を"
                                "入力してください", fd->label);
        }
        if (strcmp(x->kind, "issue") != 0 && strcmp(x->kind, "rule") != 0 && x->suggested[0] == '\0')
            return berr_set(e, BERR_INVALID, "候補の値がありません。正しい値を入力してください");
        if (x->suggested[0])
            rc = review_item_check(st, a, forms, x, &pg, x->suggested, out->value,
                                   sizeof(out->value), e);
    } else if (act == REVIEW_CORRECT && strcmp(x->kind, "issue") == 0 &&
               strcmp(x->field, HEARING_CHILD_FIELD) == 0) {
        /* the baby of a 新生児聴覚検査 with a リファー: the nurse types its 宛名番号 */
        char child[16];
        if (value == NULL || strlen(value) == 0 || strlen(value) >= sizeof(child))
            return berr_set(e, BERR_INVALID, "お子さんの宛名番号を入力してください");
        snprintf(child, sizeof(child), "%s", value);
        rc = voucher_hearing_child_check(st, pg.id, child, e);
        if (rc == 0)
            snprintf(out->value, sizeof(out->value), "%s", child);
    } else if (act == REVIEW_CORRECT && strcmp(x->kind, "issue") == 0) {
        return berr_set(e, BERR_INVALID, "この確認は選択です: この用紙を登録する (承認) か、却下する "
                        "(却下) かを選んでください");
    } else if (act == REVIEW_CORRECT) {
        rc = review_item_check(st, a, forms, x, &pg, value ? value : "", out->value,
                               sizeof(out->value), e);
    }
    if (rc < 0)
        return rc;
    if (strcmp(x->kind, "field") == 0) {
        const struct forms_form *f = forms ? forms_registry_get(forms, pg.form, pg.version) : NULL;
        const struct forms_field *fld = f ? forms_field_find(f, x->field) : NULL;
        if (fld && fld->kind == FORMS_MYNUMBER && act == REVIEW_ACCEPT)
            /* what was read is kept masked: there is nothing to look at but the image */
            return berr_set(e, BERR_INVALID, "個人番号は画像を見て12桁を入力してください");
        if (fld && fld->kind == FORMS_MYNUMBER && out->value[0]) {
            /* the number must be hers, and can tell who she is */
            rc = mynumber_person(st, a, &pg, out->value, found, sizeof(found), e);
            if (rc < 0)
                return rc;
            /* checked (check digit, the master) but never stored: last four only */
            char m[13];
            mynumber_mask(out->value, m);
            snprintf(out->value, sizeof(out->value), "%s", m);
        }
    }
    rc = store_begin(st, e);
    if (rc < 0)
        return rc;
    txn = 1;
    rc = review_resolve(st, a, x->r.id, act, act == REVIEW_REJECT ? NULL : out->value,
                        &out->page_done, &out->page_id, e);
    if (rc == 0 && act == REVIEW_REJECT && strcmp(x->kind, "issue") == 0) {
        /* the sheet itself is refused (a 二重提出, a form boshi cannot trust) */
        char why[600];
        snprintf(why, sizeof(why), "確認で却下: %.500s", x->reason);
        rc = page_set_rejected(st, out->page_id, why, e);
        if (rc == 0)
            rc = review_close_page(st, a, out->page_id, e);
        out->page_done = 0;
    }
    if (rc == 0 && act == REVIEW_REJECT && strcmp(x->kind, "identity") == 0) {
        rc = page_set_rejected(st, out->page_id, "確認で本人を確定できず却下", e);
        if (rc == 0)
            rc = review_close_page(st, a, out->page_id, e);
        out->page_done = 0;
    }
    if (rc == 0 && out->page_done) {
        rc = intake_land_or_ask_child(st, a, forms, out->page_id, e);
        if (rc == 1) {
            rc = 0;
            out->page_done = 0;     /* a nurse names the baby first */
        }
    } else if (rc == 0 && strncmp(x->field, "epds", 4) == 0 && (rc = intake_epds_check(st, a, forms,
                                                                                     out->page_id, e)) > 0)
        rc = 0;   /* an EPDS value a nurse settled alerts at once, not when the page lands */
    if (rc == 0 && act != REVIEW_REJECT && strcmp(x->kind, "identity") == 0)
        rc = intake_identity_follow(st, a, forms, pg.id, out->value, e);
    if (rc == 0 && found[0]) {
        /* her 個人番号 names her: the page's open identity item is settled by it */
        int64_t item, pid;
        int done = 0;
        rc = review_open_identity(st, pg.id, &item, e);
        if (rc == 1)
            rc = review_resolve(st, a, item, REVIEW_CORRECT, found, &done, &pid, e);
        if (rc == 0 && done)
            rc = intake_land_page(st, a, forms, pid, e);
        if (rc == 0) {
            rc = intake_identity_follow(st, a, forms, pg.id, found, e);
            out->page_done = out->page_done || done;
        }
    }
    if (rc == 0) {
        txn = 0;
        rc = store_commit(st, e);
    }
    if (rc < 0 && txn)
        store_rollback(st);
    if (rc < 0)
        out->page_done = 0;
    return rc;
}

int review_item_edit(struct store *st, const struct actor *a, const struct forms_registry *forms,
                     int64_t page_id, const char *field, const char *value, const char *reason,
                     struct review_outcome *out, struct berr *e)
{
    struct review_item *x = xcalloc(1, sizeof(*x));
    int64_t item = 0;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = store_begin(st, e);
    if (rc < 0) {
        free(x);
        return rc;
    }
    rc = review_reopen(st, a, page_id, field, reason, &item, e);
    if (rc == 0)
        rc = review_item_get(st, a, item, x, e);
    if (rc == 0)
        rc = review_item_apply(st, a, forms, x, value && *value ? REVIEW_CORRECT : REVIEW_REJECT,
                               value, out, e);
    if (rc == 0)
        rc = review_log_reason(st, item, reason, e);
    if (rc == 0)
        rc = store_commit(st, e);
    else
        store_rollback(st);
    if (rc < 0)
        out->page_done = 0;
    free(x);
    return rc;
}
