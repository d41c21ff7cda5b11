/*
 * labels.c: small helpers every screen uses - ids from the URL, the HTTP
 * status of an error, a form's title, a field's label, an option's
 * printed label, the placeholder of a blank value, a reason's key.
 */
#include "review/screens-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---------------------------------------------------------- */

int review_parse_id(const char *s, int64_t *id)
{
    char *end;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    *id = strtoll(s, &end, 10);
    return (*end != '\0' || *id <= 0 || errno) ? -1 : 0;
}

/* The HTTP status for a module's error. */
int review_status_for(const struct berr *e)
{
    switch (e->code) {
    case BERR_DENIED: return 403;
    case BERR_NOTFOUND: return 404;
    case BERR_CONFLICT: return 409;
    case BERR_INVALID: return 422;
    default: return 500;
    }
}

const char *review_nz(const char *s)
{
    return s ? s : "";
}

const struct forms_field *review_field_def(struct req *r, const char *form, int version,
                                           const char *field)
{
    const struct forms_form *f = r->srv->forms ? forms_registry_get(r->srv->forms, form, version)
                                               : NULL;
    return f ? forms_field_find(f, field) : NULL;
}

const char *review_form_title(struct req *r, const char *form)
{
    const struct forms_form *f = r->srv->forms ? forms_registry_get(r->srv->forms, form, 0) : NULL;
    return f ? f->title : form;
}

const char *review_field_label(struct req *r, const char *form, const char *field)
{
    const struct forms_field *fld = review_field_def(r, form, 0, field);
    if (strcmp(field, "(本人)") == 0)
        return "本人確認";
    if (strcmp(field, "(発行)") == 0)
        return "用紙の確認 (発行履歴)";
    if (strcmp(field, "(登録)") == 0)
        return "記録への登録";
    return fld ? fld->label : field;
}

/* The value as a nurse reads it: a choice's printed label, 有/無 for a box. */
void review_value_label(struct buf *b, const struct forms_field *fld, const char *v)
{
    struct ymd d;

    if (v == NULL || *v == '\0') {
        buf_adds(b, "<span class=\"none\">(なし)</span>");
        return;
    }
    /* as printed on the form: option labels, dates in 和暦; never the codes */
    if (fld && (fld->kind == FORMS_CHOICE || fld->kind == FORMS_MULTI)) {
        for (const char *p = v; *p;) {
            size_t len = strcspn(p, ",");
            char one[64];
            const char *l;
            snprintf(one, sizeof(one), "%.*s", (int)len, p);
            l = forms_option_label(fld, one);
            if (p != v)
                buf_adds(b, "、");
            html_esc(b, l ? l : one);
            p += len + (p[len] == ',');
        }
        return;
    }
    if (fld && (fld->kind == FORMS_CHECK || fld->kind == FORMS_PRESENCE) &&
        (strcmp(v, "1") == 0 || strcmp(v, "0") == 0)) {
        buf_adds(b, strcmp(v, "1") == 0 ? "あり" : "なし");
        return;
    }
    if (fld && fld->kind == FORMS_DATE && strlen(v) == 10 && v[4] == '-' && jpdate_parse(v, &d) == 0) {
        char w[40];
        jpdate_format(d, w, sizeof(w));
        html_esc(b, w);
        return;
    }
    html_esc(b, v);
}

/* A suggestion as a placeholder: a date in 和暦 (however it was read), anything else as it is. */
void review_placeholder_text(struct buf *b, const struct forms_field *fld, const char *v)
{
    struct forms_value fv;
    struct berr e;

    if (fld && fld->kind == FORMS_DATE && v && *v) {
        forms_value_init(&fv);
        if (forms_value_parse(fld, v, &fv, &e) == 0 && fv.present) {
            char w[40];
            jpdate_format(fv.date, w, sizeof(w));
            html_esc(b, w);
            forms_value_release(&fv);
            return;
        }
        forms_value_release(&fv);
    }
    html_esc(b, v ? v : "");
}

/*
 * The queue's grouping of reasons: identity reasons name candidates and a
 * mismatch quotes what was read, so only the kind of reason is kept.
 */
void review_reason_key(const struct review_row *x, char *out, size_t n)
{
    size_t len;

    if (strcmp(x->kind, "identity") == 0) {
        snprintf(out, n, "本人確認");
        return;
    }
    /* the kind of reason, without what was read (it may be a name) */
    static const char *const seps[] = { "(", ":", "「", "（", "：" };
    len = strlen(x->reason);
    for (size_t i = 0; i < sizeof(seps) / sizeof(seps[0]); i++) {
        const char *p = strstr(x->reason, seps[i]);
        if (p != NULL && (size_t)(p - x->reason) < len)
            len = (size_t)(p - x->reason);
    }
    if (len >= 3 && x->reason[len - 1] == ' ')
        len--;
    snprintf(out, n, "%.*s", (int)len, x->reason);
}

/* Fields whose value is a name or free text: not shown in lists (audited screens only). */
int review_personal_kind(const struct forms_field *fld)
{
    return fld == NULL || fld->kind == FORMS_PRINTED || fld->kind == FORMS_KANA ||
           fld->kind == FORMS_TEXT || fld->kind == FORMS_MYNUMBER;
}
