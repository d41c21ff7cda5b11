/*
 * screen-field.c: by question - one field across the sheets as a grid of
 * crops, settled with a few keys; a refused value stays on its own sheet.
 */
#include "review/screens-internal.h"

#include <stdio.h>
#include <string.h>

/* ---- by question ------------------------------------------------------------------- */

struct group {
    char form[40], field[64];
    int n;
};

static void field_groups(struct req *r, struct qlist *q)
{
    struct buf *b = &r->body;
    struct group g[128];
    int ng = 0;

    for (size_t i = 0; i < q->n; i++) {
        int k;
        if (strcmp(q->items[i].kind, "field") != 0)
            continue;
        for (k = 0; k < ng; k++)
            if (strcmp(g[k].form, q->items[i].form) == 0 && strcmp(g[k].field, q->items[i].field) == 0)
                break;
        if (k == ng) {
            if (ng == 128)
                continue;
            snprintf(g[k].form, sizeof(g[k].form), "%s", q->items[i].form);
            snprintf(g[k].field, sizeof(g[k].field), "%s", q->items[i].field);
            g[k].n = 0;
            ng++;
        }
        g[k].n++;
    }
    page_begin(r, "項目別の確認", "groups");
    buf_adds(b, "<h1>項目別の確認</h1><p>同じ質問の確認待ちを、切り出し画像を並べてまとめて確認します。</p>");
    if (ng == 0)
        buf_adds(b, "<p class=\"done\">項目の確認待ちはありません。</p>");
    else
        buf_adds(b, "<table class=\"queue\"><thead><tr><th>様式</th><th>項目</th><th>件数</th></tr></thead><tbody>");
    for (int k = 0; k < ng; k++) {
        buf_adds(b, "<tr><td>");
        html_esc(b, review_form_title(r, g[k].form));
        buf_adds(b, "</td><td><a href=\"/field?form=");
        url_esc(b, g[k].form);
        buf_adds(b, "&amp;field=");
        url_esc(b, g[k].field);
        buf_adds(b, "\">");
        html_esc(b, review_field_label(r, g[k].form, g[k].field));
        buf_addf(b, "</a></td><td>%d</td></tr>", g[k].n);
    }
    if (ng)
        buf_adds(b, "</tbody></table>");
    page_end(r);
}

#define GRID_MAX 60

/* The by-question grid; after a POST (nok >= 0) with the refused sheets in why. */
static void field_grid(struct req *r, const struct refusal *why, int nwhy, int nok, int nconflict)
{
    struct qlist q;
    struct berr e;
    struct buf *b = &r->body;
    const struct forms_field *fld;
    const char *ok = req_param(r, "ok"), *conflict = req_param(r, "conflict"),
               *err = req_param(r, "err");
    char okb[16], cb[16], eb[16];
    int shown = 0;

    if (nok >= 0) {
        snprintf(okb, sizeof(okb), "%d", nok);
        snprintf(cb, sizeof(cb), "%d", nconflict);
        snprintf(eb, sizeof(eb), "%d", nwhy);
        ok = okb;
        conflict = cb;
        err = eb;
    }

    memset(&q, 0, sizeof(q));
    q.form = req_param(r, "form");
    q.field = req_param(r, "field");
    q.batch = req_param(r, "batch");
    q.reason = req_param(r, "reason");
    if (review_queue_load(r, &q, &e) < 0) {
        page_error(r, review_status_for(&e), "確認待ちを読めません", e.msg);
        goto cleanup;
    }
    if (q.form == NULL || q.field == NULL || !*q.form || !*q.field) {
        field_groups(r, &q);
        goto cleanup;
    }
    fld = review_field_def(r, q.form, 0, q.field);
    page_begin(r, review_field_label(r, q.form, q.field), "grid");
    buf_adds(b, "<h1>");
    html_esc(b, review_field_label(r, q.form, q.field));
    buf_addf(b, " <span class=\"count\">%zu 件</span></h1><p class=\"meta\">", q.n);
    html_esc(b, review_form_title(r, q.form));
    if (fld && fld->question) {
        buf_adds(b, " ・");
        html_esc(b, fld->question);
    }
    buf_adds(b, "</p>");
    if (ok) {
        buf_adds(b, "<p class=\"flash\">");
        html_escf(b, "%s 件を登録しました。", ok);
        if (conflict && strcmp(conflict, "0") != 0)
            html_escf(b, " %s 件はほかの方が先に処理していました。", conflict);
        if (err && strcmp(err, "0") != 0)
            html_escf(b, " %s 件は値が正しくないため登録していません%s。", err,
                      nwhy ? " (赤枠の用紙: 理由を書いています)" : "");
        buf_adds(b, "</p>");
    }
    if (q.n == 0) {
        buf_adds(b, "<p class=\"done\">この項目の確認待ちはありません。<a href=\"/field\">項目別の一覧へ</a></p>");
        page_end(r);
        goto cleanup;
    }
    buf_adds(b, "<p class=\"keys\"><kbd>←↑↓→</kbd> 移動 ・<kbd>Enter</kbd> 読取値で承認 ・");
    if (fld && fld->kind == FORMS_CHOICE)
        buf_adds(b, "<kbd>1</kbd>〜 選択肢 ・");
    else
        buf_adds(b, "値を打つと訂正 (<kbd>Enter</kbd> で次へ) ・");
    buf_adds(b, "<kbd>Del</kbd> 空欄 ・<kbd>Space</kbd> 保留に戻す ・<kbd>Ctrl+Enter</kbd> まとめて登録</p>");
    buf_adds(b, "<form method=\"post\" action=\"/field\" id=\"grid\">");
    html_csrf(r);
    buf_adds(b, "<input type=\"hidden\" name=\"form\" value=\"");
    html_esc(b, q.form);
    buf_adds(b, "\"><input type=\"hidden\" name=\"field\" value=\"");
    html_esc(b, q.field);
    buf_adds(b, "\"><div class=\"grid\">");
    for (size_t i = 0; i < q.n && shown < GRID_MAX; i++) {
        struct review_item x;
        /* each crop shown is a view of that person's sheet: audited one by one */
        if (review_item_get(r->st, &r->actor, q.items[i].id, &x, &e) < 0)
            continue;
        shown++;
        const char *refused = NULL;
        for (int k = 0; k < nwhy; k++)
            if (why[k].id == x.r.id)
                refused = why[k].msg;
        buf_addf(b, "<div class=\"cell%s\" tabindex=\"0\" data-id=\"%lld\">", refused ? " s-bad" : "",
                 (long long)x.r.id);
        if (x.r.reading_id > 0)
            buf_addf(b, "<img src=\"/img/crop/%lld\" alt=\"切り出し\">", (long long)x.r.reading_id);
        buf_adds(b, "<div class=\"sug\">読取: ");
        review_value_label(b, fld, x.suggested);
        buf_adds(b, "</div><div class=\"why\">");
        html_esc(b, x.reason);
        buf_addf(b, "</div><select name=\"d_%lld\"><option value=\"\">保留</option>", (long long)x.r.id);
        if (x.suggested[0])
            buf_adds(b, "<option value=\"accept\">承認 (読取値)</option>");
        if (fld && fld->kind == FORMS_CHOICE) {
            for (size_t k = 0; k < fld->n_options; k++) {
                buf_adds(b, "<option value=\"v:");
                html_esc(b, fld->options[k].value);
                buf_addf(b, "\">%zu: ", k + 1);
                html_esc(b, fld->options[k].label);
                buf_adds(b, "</option>");
            }
        } else if (fld && (fld->kind == FORMS_CHECK || fld->kind == FORMS_PRESENCE)) {
            buf_adds(b, "<option value=\"v:1\">1: あり</option><option value=\"v:0\">0: なし</option>");
        }
        buf_adds(b, "<option value=\"reject\">空欄</option></select>");
        if (fld && fld->kind != FORMS_CHOICE && fld->kind != FORMS_CHECK && fld->kind != FORMS_PRESENCE) {
            char cname[40];
            snprintf(cname, sizeof(cname), "c_%lld", (long long)x.r.id);
            buf_addf(b, "<input name=\"c_%lld\" placeholder=\"訂正値\" autocomplete=\"off\" value=\"",
                     (long long)x.r.id);
            if (refused)
                html_esc(b, review_nz(req_param(r, cname)));
            buf_adds(b, "\">");
        }
        if (refused) {
            buf_adds(b, "<p class=\"msg\" role=\"alert\">");
            html_esc(b, refused);
            buf_adds(b, "</p>");
        }
        buf_addf(b, "<a href=\"/item/%lld\" class=\"small\">詳しく</a></div>", (long long)x.r.id);
    }
    buf_adds(b, "</div><div class=\"actions\"><button type=\"button\" id=\"all-accept\">残りをすべて承認に"
                "</button><button type=\"submit\" class=\"primary\">まとめて登録 <kbd>Ctrl+Enter</kbd></button></div></form>");
    page_end(r);
cleanup:
    review_queue_free(&q);
}

/* Applies one decision of a grid or a page form; counts the outcome. */
void review_apply_one(struct req *r, int64_t id, enum review_action act, const char *value,
                      int *ok, int *conflict, int *bad, struct refusal *why)
{
    struct review_item x;
    struct review_outcome out;
    struct berr e;

    berr_clear(&e);
    if (review_item_get(r->st, &r->actor, id, &x, &e) < 0)
        goto refused;
    if (strcmp(x.status, "open") != 0) {
        (*conflict)++;
        return;
    }
    if (review_item_apply(r->st, &r->actor, r->srv->forms, &x, act, value, &out, &e) == 0) {
        (*ok)++;
        return;
    }
    if (e.code == BERR_CONFLICT) {
        (*conflict)++;
        return;
    }
refused:
    if (why != NULL && *bad < REFUSALS_MAX) {
        why[*bad].id = id;
        snprintf(why[*bad].msg, sizeof(why[*bad].msg), "%.299s", e.msg);
    }
    (*bad)++;
}

void review_h_field(struct req *r)
{
    field_grid(r, NULL, 0, -1, 0);
}

void review_h_field_post(struct req *r)
{
    struct buf loc;
    struct refusal why[REFUSALS_MAX];
    int ok = 0, conflict = 0, bad = 0;

    for (size_t i = 0; i < r->nform; i++) {
        int64_t id;
        const char *k = r->form[i].k, *v = r->form[i].v;
        if (strncmp(k, "d_", 2) != 0 || review_parse_id(k + 2, &id) < 0)
            continue;
        char cname[40];
        snprintf(cname, sizeof(cname), "c_%lld", (long long)id);
        const char *typed = req_param(r, cname);
        if (typed && *typed)
            review_apply_one(r, id, REVIEW_CORRECT, typed, &ok, &conflict, &bad, why);
        else if (strcmp(v, "accept") == 0)
            review_apply_one(r, id, REVIEW_ACCEPT, NULL, &ok, &conflict, &bad, why);
        else if (strcmp(v, "reject") == 0)
            review_apply_one(r, id, REVIEW_REJECT, NULL, &ok, &conflict, &bad, why);
        else if (strncmp(v, "v:", 2) == 0)
            review_apply_one(r, id, REVIEW_CORRECT, v + 2, &ok, &conflict, &bad, why);
    }
    if (bad > 0) {
        /* the grid again, each refused sheet marked with why, what she typed kept */
        r->status = 422;
        field_grid(r, why, bad < REFUSALS_MAX ? bad : REFUSALS_MAX, ok, conflict);
        return;
    }
    buf_init(&loc);
    buf_adds(&loc, "/field?form=");
    url_esc(&loc, review_nz(req_param(r, "form")));
    buf_adds(&loc, "&field=");
    url_esc(&loc, review_nz(req_param(r, "field")));
    buf_addf(&loc, "&ok=%d&conflict=%d&err=%d", ok, conflict, bad);
    req_redirect(r, "%s", loc.s);
    buf_release(&loc);
}
