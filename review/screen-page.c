/*
 * screen-page.c: one page - every reading over the scanned image, a
 * settled or landed value changed with a reason - and the two image routes
 * (a reading's crop, the page), a 個人番号 blacked out unless revealed.
 */
#include "records/audit.h"
#include "review/screens-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- one page ------------------------------------------------------------------------ */

struct rd {
    int64_t id;
    char field[64], value[128], read[128], decision[16], reason[160];
    double box[4];
};

struct rds {
    struct rd *v;
    size_t n, alloc;
};

static int keep_reading(const struct reading_row *x, void *p)
{
    struct rds *s = p;
    struct rd *d;

    if (s->n == s->alloc) {
        s->alloc = s->alloc ? 2 * s->alloc : 32;
        s->v = xrealloc(s->v, s->alloc * sizeof(*s->v));
    }
    d = &s->v[s->n++];
    d->id = x->id;
    snprintf(d->field, sizeof(d->field), "%s", x->field);
    snprintf(d->value, sizeof(d->value), "%s", review_nz(x->value));
    snprintf(d->read, sizeof(d->read), "%s", review_nz(x->read_value));
    snprintf(d->decision, sizeof(d->decision), "%s", x->decision);
    snprintf(d->reason, sizeof(d->reason), "%s", review_nz(x->reason));
    memcpy(d->box, x->box, sizeof(d->box));
    return 0;
}

/*
 * The page image as /img/page draws it (ocr_page_png: the scan scaled to at
 * most 1200 pixels across as shown, turned the right way up), and a point
 * of the form (mm) in its pixels.
 */
struct pix_view {
    int ok, quarter, ws, hs, W, H;
    double f;
};

static void pix_view_init(struct pix_view *v, const struct page_geometry *g)
{
    memset(v, 0, sizeof(*v));
    if (!g->has_map)
        return;
    v->quarter = ((360 - g->rotation) % 360) / 90;
    int shown_w = v->quarter % 2 ? g->height_px : g->width_px;
    v->f = shown_w > 1200 ? 1200.0 / shown_w : 1.0;
    v->ws = v->f < 1.0 ? (int)(v->f * g->width_px + 0.5) : g->width_px;
    v->hs = v->f < 1.0 ? (int)(v->f * g->height_px + 0.5) : g->height_px;
    v->W = v->quarter % 2 ? v->hs : v->ws;
    v->H = v->quarter % 2 ? v->ws : v->hs;
    v->ok = v->W > 0 && v->H > 0;
}

static void pix_view_pt(const struct pix_view *v, const struct page_geometry *g, double xmm,
                        double ymm, double *x, double *y)
{
    double px = (g->map[0] * xmm + g->map[1] * ymm + g->map[2]) * v->f;
    double py = (g->map[3] * xmm + g->map[4] * ymm + g->map[5]) * v->f;

    switch (v->quarter) {       /* pixRotateOrth: clockwise quarter turns */
    case 1: *x = v->hs - py; *y = px; break;
    case 2: *x = v->ws - px; *y = v->hs - py; break;
    case 3: *x = py; *y = v->ws - px; break;
    default: *x = px; *y = py; break;
    }
}

/* The box to change one settled reading (?edit=FIELD), with the reason it needs. */
static void edit_form(struct req *r, const struct page_row *pg, const struct rd *d,
                      const struct forms_field *fld)
{
    struct buf *b = &r->body;
    /* what she typed (after a refusal), else the value as it stands: never blank by default */
    const char *typed = req_param(r, "value") ? req_param(r, "value") : d->value;

    buf_addf(b, "<form id=\"edit\" class=\"edit\" method=\"post\" action=\"/page/%lld\">", (long long)pg->id);
    html_csrf(r);
    buf_adds(b, "<input type=\"hidden\" name=\"edit\" value=\"");
    html_esc(b, d->field);
    buf_adds(b, "\"><h2>「");
    html_esc(b, fld->label);
    buf_adds(b, "」を訂正する</h2><p>いまの値: <b>");
    if (d->value[0])
        review_value_label(b, fld, d->value);
    else
        buf_adds(b, "空欄");
    buf_adds(b, "</b>");
    if (strcmp(pg->status, "landed") == 0)
        buf_adds(b, " (登録済み: 訂正すると記録を登録し直します)");
    buf_adds(b, "</p>");
    if (fld->kind == FORMS_CHOICE || fld->kind == FORMS_CHECK || fld->kind == FORMS_PRESENCE) {
        buf_adds(b, "<label>新しい値 <select name=\"value\" id=\"edit-value\"><option value=\"\">空欄</option>");
        for (size_t k = 0; k < fld->n_options && fld->kind == FORMS_CHOICE; k++) {
            buf_adds(b, "<option value=\"");
            html_esc(b, fld->options[k].value);
            buf_adds(b, "\"");
            if (strcmp(typed, fld->options[k].value) == 0)
                buf_adds(b, " selected");
            buf_adds(b, ">");
            html_esc(b, fld->options[k].label);
            buf_adds(b, "</option>");
        }
        if (fld->kind != FORMS_CHOICE)
            buf_addf(b, "<option value=\"1\"%s>あり</option><option value=\"0\"%s>なし</option>",
                     strcmp(typed, "1") == 0 ? " selected" : "", strcmp(typed, "0") == 0 ? " selected" : "");
        buf_adds(b, "</select></label>");
    } else {
        buf_adds(b, "<label>新しい値 (空にすると空欄) <input name=\"value\" id=\"edit-value\" autocomplete=\"off\" value=\"");
        review_placeholder_text(b, fld, typed);
        buf_adds(b, "\"></label>");
        if (fld->kind == FORMS_DATE)
            buf_adds(b, "<p class=\"hint\">例: R8.4.1 / 令和8年4月1日 / 2026-04-01</p>");
    }
    buf_adds(b, "<label>理由 (必須) <input name=\"reason\" id=\"edit-reason\" autocomplete=\"off\" value=\"");
    html_esc(b, review_nz(req_param(r, "reason")));
    buf_adds(b, "\"></label><div class=\"actions\"><button type=\"submit\" class=\"primary\" name=\"how\" "
                "value=\"set\" id=\"edit-set\">訂正して登録</button><button type=\"submit\" name=\"how\" "
                "value=\"reopen\" id=\"edit-reopen\">確認待ちに戻すだけ</button>");
    buf_addf(b, "<a class=\"button\" href=\"/page/%lld\">やめる</a></div></form>", (long long)pg->id);
}

static void page_render(struct req *r, const char *error);

void review_h_page(struct req *r)
{
    page_render(r, NULL);
}

static void page_render(struct req *r, const char *error)
{
    struct page_row pg;
    struct rds rs = { NULL, 0, 0 };
    struct qlist q;
    struct berr e;
    struct buf *b = &r->body;
    int64_t id;
    char detail[64];
    const char *ok = req_param(r, "ok"), *edit = req_param(r, "edit"), *edited = req_param(r, "edited");

    memset(&q, 0, sizeof(q));
    if (review_parse_id(r->rest, &id) < 0 || page_get(r->st, id, &pg, &e) < 0) {
        page_error(r, 404, "ページがありません", "ページの番号が正しくありません。");
        goto cleanup;
    }
    snprintf(detail, sizeof(detail), "ページ %lld の読取結果を表示", (long long)id);
    if (audit_append(r->st, &r->actor, "web.page", pg.subject[0] ? pg.subject : NULL, detail,
                     &e) < 0 ||
        page_readings(r->st, id, keep_reading, &rs, &e) < 0) {
        page_error(r, review_status_for(&e), "ページを読めません", e.msg);
        goto cleanup;
    }
    q.page_id = id;
    if (review_queue_load(r, &q, &e) < 0) {
        page_error(r, review_status_for(&e), "確認待ちを読めません", e.msg);
        goto cleanup;
    }
    page_begin(r, "ページの読取結果", "page");
    buf_adds(b, "<h1>ページの読取結果</h1><p class=\"meta\">");
    html_esc(b, review_form_title(r, pg.form));
    buf_addf(b, " ・%dページ目 ・", pg.page_no);
    html_esc(b, strcmp(pg.status, "landed") == 0 ? "登録済み"
                : strcmp(pg.status, "queued") == 0 ? "確認待ちあり"
                : strcmp(pg.status, "rejected") == 0 ? "却下" : pg.status);
    buf_addf(b, " ・確認待ち %zu 件</p>", q.n);
    if (ok) {
        buf_adds(b, "<p class=\"flash\">");
        html_escf(b, "%s 件を登録しました。", ok);
        const char *c = req_param(r, "conflict"), *er = req_param(r, "err");
        if (c && strcmp(c, "0") != 0)
            html_escf(b, " %s 件はほかの方が先に処理していました。", c);
        if (er && strcmp(er, "0") != 0)
            html_escf(b, " %s 件は値が正しくないため登録していません。", er);
        buf_adds(b, "</p>");
    }
    if (edited) {
        const char *land = req_param(r, "landed");
        buf_adds(b, "<p class=\"flash\">「");
        html_esc(b, review_field_label(r, pg.form, edited));
        buf_adds(b, land ? "」を訂正し、記録を登録し直しました。</p>" : "」を確認待ちに戻しました。</p>");
    }
    if (error) {
        buf_adds(b, "<p class=\"msg\" role=\"alert\">");
        html_esc(b, error);
        buf_adds(b, "</p>");
        if (edit)
            review_rule_links(r, &pg, edit, error);
    }
    for (size_t i = 0; edit && i < rs.n; i++) {
        const struct forms_field *fld = review_field_def(r, pg.form, pg.version, rs.v[i].field);
        if (strcmp(rs.v[i].field, edit) == 0 && fld && fld->kind != FORMS_MYNUMBER &&
            strcmp(pg.status, "rejected") != 0)
            edit_form(r, &pg, &rs.v[i], fld);
    }
    /* how the scanner saw it: what a clerk needs to fix a scanner */
    struct page_geometry g;
    struct pix_view pv;
    if (page_geometry_get(r->st, id, &g, &e) < 0)
        memset(&g, 0, sizeof(g));
    if (g.has) {
        buf_adds(b, "<p class=\"meta\" id=\"geometry\">読取条件: ");
        if (g.dpi > 0)
            buf_addf(b, "%d dpi ・", g.dpi);
        buf_addf(b, "傾き %.1f° ・倍率 %.1f%% ・位置合わせの誤差 %.1f 画素 ・向き %d°</p>", g.skew,
                 g.scale * 100, g.residual, g.rotation);
    }
    pix_view_init(&pv, &g);
    /*
     * The outlines are drawn where the boxes are on the scan: through the
     * page's registration (mm -> pixels), as the item screen's image is
     * outlined, in the pixels of the image shown.  A page stored before the
     * map was kept is drawn in mm over the whole image (approximate).
     */
    if (pv.ok)
        buf_addf(b, "<div class=\"pagewrap\"><svg class=\"pagesvg\" viewBox=\"0 0 %d %d\" role=\"img\" "
                    "aria-label=\"ページ画像と読取位置\"><image href=\"/img/page/%lld\" x=\"0\" y=\"0\" "
                    "width=\"%d\" height=\"%d\"/>", pv.W, pv.H, (long long)id, pv.W, pv.H);
    else
        buf_addf(b, "<div class=\"pagewrap\"><svg class=\"pagesvg\" viewBox=\"0 0 210 297\" role=\"img\" "
                    "aria-label=\"ページ画像と読取位置\"><image href=\"/img/page/%lld\" x=\"0\" y=\"0\" "
                    "width=\"210\" height=\"297\" preserveAspectRatio=\"none\"/>",
                 (long long)id);
    for (size_t i = 0; i < rs.n; i++) {
        struct rd *d = &rs.v[i];
        if (d->box[2] <= 0 || d->box[3] <= 0)
            continue;
        buf_addf(b, "<a href=\"#rd-%lld\">", (long long)d->id);
        if (pv.ok) {
            double cx[4] = { d->box[0], d->box[0] + d->box[2], d->box[0] + d->box[2], d->box[0] };
            double cy[4] = { d->box[1], d->box[1], d->box[1] + d->box[3], d->box[1] + d->box[3] };
            buf_adds(b, "<polygon class=\"d-");
            html_esc(b, d->decision);
            buf_adds(b, "\" points=\"");
            for (int k = 0; k < 4; k++) {
                double x, y;
                pix_view_pt(&pv, &g, cx[k], cy[k], &x, &y);
                buf_addf(b, "%s%.1f,%.1f", k ? " " : "", x, y);
            }
            buf_adds(b, "\"><title>");
            html_esc(b, review_field_label(r, pg.form, d->field));
            buf_adds(b, "</title></polygon></a>");
        } else {
            buf_adds(b, "<rect class=\"d-");
            html_esc(b, d->decision);
            buf_addf(b, "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", d->box[0],
                     d->box[1], d->box[2], d->box[3]);
            html_esc(b, review_field_label(r, pg.form, d->field));
            buf_adds(b, "</title></rect></a>");
        }
    }
    buf_addf(b, "</svg><form method=\"post\" action=\"/page/%lld\" class=\"readings\">", (long long)id);
    html_csrf(r);
    buf_adds(b, "<table><thead><tr><th>項目</th><th>値</th><th>読取</th><th>状態</th><th>確認</th></tr>"
                "</thead><tbody>");
    for (size_t i = 0; i < rs.n; i++) {
        struct rd *d = &rs.v[i];
        const struct forms_field *fld = review_field_def(r, pg.form, pg.version, d->field);
        const struct qitem *it = NULL;
        for (size_t k = 0; k < q.n; k++)
            if (q.items[k].reading_id == d->id)
                it = &q.items[k];
        buf_addf(b, "<tr id=\"rd-%lld\" class=\"d-", (long long)d->id);
        html_esc(b, d->decision);
        buf_adds(b, "\"><td>");
        html_esc(b, fld ? fld->label : d->field);
        buf_adds(b, "</td><td>");
        if (fld && fld->kind == FORMS_MYNUMBER)
            buf_adds(b, "<span class=\"none\">(個人番号は表示しません)</span>");
        else
            review_value_label(b, fld, d->value);
        buf_adds(b, "</td><td>");
        if (fld && fld->kind == FORMS_MYNUMBER)
            buf_adds(b, "-");
        else if (d->read[0])
            review_value_label(b, fld, d->read);
        buf_adds(b, "</td><td>");
        html_esc(b, strcmp(d->decision, "accepted") == 0 ? "確定"
                    : strcmp(d->decision, "empty") == 0  ? "空欄"
                                                         : "確認待ち");
        if (d->reason[0]) {
            buf_adds(b, "<br><small>");
            html_esc(b, d->reason);
            buf_adds(b, "</small>");
        }
        buf_adds(b, "</td><td>");
        if (it && fld && (fld->kind == FORMS_CHOICE || fld->kind == FORMS_CHECK ||
                          fld->kind == FORMS_PRESENCE)) {
            buf_addf(b, "<select name=\"v_%lld\"><option value=\"\">保留</option>", (long long)it->id);
            for (size_t k = 0; k < fld->n_options && fld->kind == FORMS_CHOICE; k++) {
                buf_adds(b, "<option value=\"");
                html_esc(b, fld->options[k].value);
                buf_adds(b, "\">");
                html_esc(b, fld->options[k].label);
                buf_adds(b, "</option>");
            }
            if (fld->kind != FORMS_CHOICE)
                buf_adds(b, "<option value=\"1\">あり</option><option value=\"0\">なし</option>");
            buf_addf(b, "</select><label class=\"small\"><input type=\"checkbox\" name=\"x_%lld\" "
                        "value=\"1\">空欄</label>", (long long)it->id);
        } else if (it) {
            /* empty until the nurse decides: typing corrects, the box accepts what was read */
            buf_addf(b, "<input name=\"v_%lld\" value=\"\" placeholder=\"", (long long)it->id);
            review_placeholder_text(b, fld, it->suggested);
            buf_adds(b, "\" autocomplete=\"off\">");
            if (it->suggested[0])
                buf_addf(b, "<label class=\"small\"><input type=\"checkbox\" name=\"a_%lld\" "
                            "value=\"1\">読取値で承認</label>", (long long)it->id);
            buf_addf(b, "<label class=\"small\"><input type=\"checkbox\" "
                        "name=\"x_%lld\" value=\"1\">空欄</label>", (long long)it->id);
        } else if (fld && fld->kind != FORMS_MYNUMBER && strcmp(pg.status, "rejected") != 0 &&
                   strcmp(d->decision, "review") != 0) {
            /* settled (or landed): a nurse may change it, with a reason */
            buf_addf(b, "<a class=\"small\" href=\"/page/%lld?edit=", (long long)id);
            url_esc(b, d->field);
            buf_adds(b, "#edit\" id=\"edit-");
            html_esc(b, d->field);
            buf_adds(b, "\">訂正</a>");
        }
        buf_adds(b, "</td></tr>");
    }
    buf_adds(b, "</tbody></table>");
    for (size_t k = 0; k < q.n; k++) {
        if (q.items[k].reading_id > 0)
            continue;
        buf_addf(b, "<p>ページ全体の確認: <a href=\"/item/%lld\">", (long long)q.items[k].id);
        html_esc(b, review_field_label(r, q.items[k].form, q.items[k].field));
        buf_adds(b, " ・");
        html_esc(b, q.items[k].reason);
        buf_adds(b, "</a></p>");
    }
    if (q.n)
        buf_adds(b, "<div class=\"actions\"><button type=\"submit\" class=\"primary\">このページの確認をまとめて登録</button>"
                    "<span class=\"hint\">空の欄は保留のままです。</span></div>");
    buf_adds(b, "</form></div>");
    page_end(r);
cleanup:
    free(rs.v);
    review_queue_free(&q);
}

void review_h_page_post(struct req *r)
{
    struct qlist q;
    struct berr e;
    int64_t id;
    int ok = 0, conflict = 0, bad = 0;
    const char *edit = req_param(r, "edit");

    memset(&q, 0, sizeof(q));
    if (review_parse_id(r->rest, &id) < 0) {
        page_error(r, 404, "ページがありません", "ページの番号が正しくありません。");
        return;
    }
    if (edit) {
        /* one settled reading changed (or only reopened), with a reason; one transaction */
        struct review_outcome out;
        const char *how = req_param(r, "how");
        int64_t item;
        int rc;
        berr_clear(&e);
        if (how && strcmp(how, "reopen") == 0)
            rc = review_reopen(r->st, &r->actor, id, edit, req_param(r, "reason"), &item, &e);
        else
            rc = review_item_edit(r->st, &r->actor, r->srv->forms, id, edit, req_param(r, "value"),
                                  req_param(r, "reason"), &out, &e);
        if (rc == 0) {
            struct buf f;
            buf_init(&f);
            url_esc(&f, edit);
            req_redirect(r, "/page/%lld?edited=%s%s", (long long)id, f.s,
                         how && strcmp(how, "reopen") == 0 ? "" : out.page_done ? "&landed=1" : "");
            buf_release(&f);
            return;
        }
        if (e.code != BERR_INVALID && e.code != BERR_NOTFOUND && e.code != BERR_CONFLICT) {
            page_error(r, review_status_for(&e), "訂正できませんでした", e.msg);
            return;
        }
        r->status = e.code == BERR_CONFLICT ? 409 : 422;
        page_render(r, e.msg);
        return;
    }
    q.page_id = id;
    if (review_queue_load(r, &q, &e) < 0) {
        page_error(r, review_status_for(&e), "確認待ちを読めません", e.msg);
        goto cleanup;
    }
    for (size_t k = 0; k < q.n; k++) {
        char name[40];
        const char *v, *x, *acc;
        snprintf(name, sizeof(name), "x_%lld", (long long)q.items[k].id);
        x = req_param(r, name);
        snprintf(name, sizeof(name), "a_%lld", (long long)q.items[k].id);
        acc = req_param(r, name);
        snprintf(name, sizeof(name), "v_%lld", (long long)q.items[k].id);
        v = req_param(r, name);
        /* nothing decided (empty, unticked) stays open */
        if (x && strcmp(x, "1") == 0)
            review_apply_one(r, q.items[k].id, REVIEW_REJECT, NULL, &ok, &conflict, &bad, NULL);
        else if ((acc && strcmp(acc, "1") == 0 && (v == NULL || *v == '\0')) ||
                 (v && *v && strcmp(v, q.items[k].suggested) == 0))
            review_apply_one(r, q.items[k].id, REVIEW_ACCEPT, NULL, &ok, &conflict, &bad, NULL);
        else if (v && *v)
            review_apply_one(r, q.items[k].id, REVIEW_CORRECT, v, &ok, &conflict, &bad, NULL);
    }
    req_redirect(r, "/page/%lld?ok=%d&conflict=%d&err=%d", (long long)id, ok, conflict, bad);
cleanup:
    review_queue_free(&q);
}

/* ---- images ---------------------------------------------------------------------------- */

/*
 * A crop: a 個人番号 field's is blacked out (GET), or shown as written after
 * a reason, to an account with mynumber.reveal (POST, logged as
 * mynumber.reveal).  Every view is logged (review.image) naming the person.
 */
static void crop_answer(struct req *r, int reveal, const char *why)
{
    int64_t id;
    struct page_row pg;
    struct berr e;
    void *png = NULL;
    size_t len = 0;
    int mynumber = 0;
    char detail[400];

    berr_clear(&e);
    if (review_parse_id(r->rest, &id) < 0 ||
        intake_crop_png(r->st, r->srv->forms, id, reveal, &pg, &mynumber, &png, &len, &e) < 0 ||
        png == NULL) {
        page_error(r, 404, "画像がありません", "切り出し画像がありません。");
        free(png);
        return;
    }
    if (reveal)
        snprintf(detail, sizeof(detail), "個人番号の切り出し画像を表示 (ページ %lld 読取 %lld) 事由: %s",
                 (long long)pg.id, (long long)id, why);
    else
        snprintf(detail, sizeof(detail), "切り出し画像を表示 (ページ %lld 読取 %lld%s)", (long long)pg.id,
                 (long long)id, mynumber ? " 個人番号は黒塗り" : "");
    /* logged first: if the log cannot be written, nothing is shown */
    if (audit_append(r->st, &r->actor, reveal ? "mynumber.reveal" : "review.image",
                     pg.subject[0] ? pg.subject : NULL, detail, &e) < 0) {
        free(png);
        page_error(r, 500, "画像を表示できません", e.msg);
        return;
    }
    r->bin = png;
    r->bin_len = len;
    r->ctype = "image/png";
}

void review_h_img_crop(struct req *r)
{
    crop_answer(r, 0, NULL);
}

void review_h_img_crop_reveal(struct req *r)
{
    const char *why = req_param(r, "reason");

    if (why == NULL || *why == '\0' || strlen(why) > 200) {
        page_error(r, 422, "処理事由がありません", "個人番号の画像を表示する処理事由を入力してください。");
        return;
    }
    crop_answer(r, 1, why);
}

void review_h_img_page(struct req *r)
{
    int64_t id, reading = 0;
    struct page_row pg;
    struct berr e;
    void *png = NULL;
    size_t len = 0;
    const char *rs = req_param(r, "r");

    if (rs && *rs && strcmp(rs, "0") != 0 && review_parse_id(rs, &reading) < 0)
        reading = 0;
    if (review_parse_id(r->rest, &id) < 0 || page_get(r->st, id, &pg, &e) < 0) {
        page_error(r, 404, "画像がありません", "ページがありません。");
        return;
    }
    if (req_page_png(r, &pg, reading, &png, &len, &e) < 0) {
        page_error(r, 404, "画像がありません", e.msg);
        return;
    }
    {
        char detail[80];
        snprintf(detail, sizeof(detail), "ページ %lld の画像を表示 (個人番号は黒塗り)", (long long)id);
        if (audit_append(r->st, &r->actor, "review.image", pg.subject[0] ? pg.subject : NULL,
                         detail, &e) < 0) {
            free(png);
            page_error(r, 500, "画像を表示できません", e.msg);
            return;
        }
    }
    r->bin = png;
    r->bin_len = len;
    r->ctype = "image/png";
}
