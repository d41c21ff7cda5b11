/*
 * rules.c: the review items a page collects, and the form's cross-field
 * rules applied to the values accepted on the page (a rule with a field
 * still in review waits for the page to land).
 */
#include "intake/intake-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void intake_item(struct items *it, const char *field, const char *kind, int risk,
                 const char *suggested, int reading, const char *fmt, ...)
{
    va_list ap;

    if (it->n >= 128)
        return;
    va_start(ap, fmt);
    vsnprintf(it->reasons[it->n], sizeof(it->reasons[0]), fmt, ap);
    va_end(ap);
    snprintf(it->suggested[it->n], sizeof(it->suggested[0]), "%s", suggested ? suggested : "");
    it->v[it->n] = (struct review_in){ field, kind, it->reasons[it->n], risk,
                                       suggested ? it->suggested[it->n] : NULL, reading };
    it->n++;
}

struct field_result *intake_field_named(struct page_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_fields; i++)
        if (strcmp(res->fields[i].fld->name, name) == 0)
            return &res->fields[i];
    return NULL;
}

/* Cross-field rules whose fields are all on this page, on the accepted values. */
void intake_check_rules(struct page_result *res, struct items *it)
{
    const struct forms_form *f = res->form;
    struct forms_value *v = xcalloc(f->n_fields, sizeof(*v));
    struct berr e;

    for (size_t i = 0; i < f->n_fields; i++) {
        forms_value_init(&v[i]);
        for (size_t k = 0; k < res->n_fields; k++)
            if (res->fields[k].fld == &f->fields[i] && res->fields[k].decision == DEC_ACCEPTED)
                forms_value_parse(&f->fields[i], res->fields[k].value, &v[i], &e);
    }
    for (size_t r = 0; r < f->n_rules; r++) {
        int here = 1, pending = 0;
        const struct forms_rule *rule = &f->rules[r];
        for (size_t k = 0; k < rule->n_fields; k++)
            here &= f->fields[rule->fields[k]].page == res->qr.page;
        /* a rule on a field still in review is checked when the page lands */
        for (size_t k = 0; k < res->n_fields; k++) {
            const struct forms_field *fld = res->fields[k].fld;
            if (res->fields[k].decision != DEC_REVIEW)
                continue;
            for (size_t j = 0; j < rule->n_fields; j++)
                pending |= fld == &f->fields[rule->fields[j]];
            pending |= rule->has_if && fld == &f->fields[rule->if_field];
        }
        if (!here || pending || forms_rule_check(f, r, v, &e) == 0)
            continue;
        intake_item(it, f->fields[f->rules[r].fields[0]].name, "rule", RISK_RULE, NULL, -1, "%.240s", e.msg);
    }
    for (size_t i = 0; i < f->n_fields; i++)
        forms_value_release(&v[i]);
    free(v);
}
