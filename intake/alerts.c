/*
 * alerts.c: when a page's EPDS is a safety alert - the same day it is read,
 * before and apart from any review.  The rule (京都府医師会 FY2025 guidance:
 * EPDS 9点以上 or 項目10 1点以上 -> 市町村へ速やかに連絡), fail safe:
 *   - the total (epds_total, or the 4か月 form's epds) is 9 or more, as
 *     accepted or as read when it waits for review;
 *   - the items settled so far add up to 9 or more (a clinic's sum wrong);
 *   - item 10 is 1, 2 or 3;
 *   - item 10 is anything but a clean 0: unreadable, uncertain, two marks,
 *     left blank - a person must look, and until then it is an alert.
 * Run on every stored page (intake) and again when a page lands (a nurse's
 * value, or the person now known); the store keeps one alert per page.
 * Any form whose page has fields named epds_10 / epds_total (or epds) is
 * looked at: the 産婦健康診査受診券, the 4か月 form and the 新生児訪問指導票
 * (shinseiji_houmon, the mother's EPDS on the child's sheet: the alert's
 * person is the child, and the lists show the mother of its 世帯).
 */
#include "intake/intake.h"
#include "records/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct epds_ctx {
    int total, sum, n_items;              /* total -1 unknown */
    int64_t total_reading, item10_reading;
    int has_item10;
    char item10[8];                        /* "0".."3" or "?" */
    char item10_read[40];                  /* what was read when not accepted */
    char clinic[16];
};

static int digits_value(const char *s, int *out)
{
    char *end;
    long v;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    v = strtol(s, &end, 10);
    if (*end != '\0' || v < 0 || v > 99)
        return -1;
    *out = (int)v;
    return 0;
}

static int collect(const struct reading_row *r, void *p)
{
    struct epds_ctx *c = p;
    int accepted = strcmp(r->decision, "accepted") == 0, v;

    if (strcmp(r->field, "epds_total") == 0 || strcmp(r->field, "epds") == 0) {
        c->total_reading = r->id;
        if (accepted ? digits_value(r->value, &v) == 0
                     : strcmp(r->decision, "review") == 0 && digits_value(r->read_value, &v) == 0)
            c->total = v;
    } else if (strcmp(r->field, "epds_10") == 0) {
        c->has_item10 = 1;
        c->item10_reading = r->id;
        if (accepted && digits_value(r->value, &v) == 0 && v >= 0 && v <= 3) {
            snprintf(c->item10, sizeof(c->item10), "%d", v);
            c->sum += v;
            c->n_items++;
        } else {
            snprintf(c->item10, sizeof(c->item10), "?");
            snprintf(c->item10_read, sizeof(c->item10_read), "%s",
                     r->read_value && *r->read_value ? r->read_value : "");
        }
    } else if (strncmp(r->field, "epds_", 5) == 0 && r->field[5] >= '1' && r->field[5] <= '9') {
        if (accepted && digits_value(r->value, &v) == 0 && v <= 3) {
            c->sum += v;
            c->n_items++;
        }
    } else if (strcmp(r->field, "clinic_code") == 0) {
        const char *t = accepted ? r->value : r->read_value;
        snprintf(c->clinic, sizeof(c->clinic), "%s", t ? t : "");
    }
    return 0;
}

int intake_epds_check(struct store *st, const struct actor *a, const struct forms_registry *forms,
                      int64_t page_id, struct berr *e)
{
    struct page_row p;
    struct epds_ctx c;
    const struct forms_form *f;
    char reason[512] = "";
    size_t n = 0;
    int rc;

    rc = page_get(st, page_id, &p, e);
    if (rc < 0)
        return rc;
    f = forms_registry_get(forms, p.form, p.version);
    if (f == NULL)
        return 0;
    /* only a page that carries the EPDS */
    int here = 0;
    for (size_t i = 0; i < f->n_fields; i++)
        if (f->fields[i].page == p.page_no && strncmp(f->fields[i].name, "epds", 4) == 0)
            here = 1;
    if (!here)
        return 0;
    memset(&c, 0, sizeof(c));
    c.total = -1;
    rc = page_readings(st, page_id, collect, &c, e);
    if (rc < 0)
        return rc;
    if (c.total >= 9)
        n += (size_t)snprintf(reason + n, sizeof(reason) - n, "EPDS合計 %d点 (9点以上)", c.total);
    if (c.sum >= 9 && c.total < 9 && n < sizeof(reason))
        n += (size_t)snprintf(reason + n, sizeof(reason) - n, "%s項目の合計 %d点 (9点以上)",
                              n ? "、" : "", c.sum);
    if (c.has_item10 && n < sizeof(reason)) {
        if (strcmp(c.item10, "?") == 0)
            n += (size_t)snprintf(reason + n, sizeof(reason) - n,
                                  "%s項目10 (自分自身を傷つけるという考え) が確かに読めません%s%s%s",
                                  n ? "、" : "", *c.item10_read ? " (読み取り「" : " (未記入または不鮮明",
                                  c.item10_read, *c.item10_read ? "」)" : ")");
        else if (c.item10[0] != '0')
            n += (size_t)snprintf(reason + n, sizeof(reason) - n,
                                  "%s項目10 (自分自身を傷つけるという考え) が %s点", n ? "、" : "",
                                  c.item10);
    }
    if (n == 0)
        return 0;
    struct alert_in in = {
        .page_id = page_id, .form = p.form, .person = p.subject[0] ? p.subject : NULL,
        .reason = reason, .epds_total = c.total, .item10 = c.has_item10 ? c.item10 : NULL,
        .clinic_code = c.clinic[0] ? c.clinic : NULL,
        .reading_id = c.has_item10 && strcmp(c.item10, "0") != 0 ? c.item10_reading : c.total_reading,
    };
    int64_t id;
    rc = alert_raise(st, a, &in, &id, e);
    return rc < 0 ? rc : 1;
}
