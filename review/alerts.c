/*
 * alerts.c (review): the EPDS safety alerts in the nurses' web UI - a box
 * on top of the queue (before any review item: the safety signal comes
 * first), and one alert's screen with the mother, the clinic, the scanned
 * item and the follow-up form (contacted when, by whom, 支援方針).  The
 * store does the rules and the access log (records/alerts.h).
 */
#include "review/review-internal.h"
#include "base/workday.h"
#include "records/alerts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *title_of(struct req *r, const char *form)
{
    const struct forms_form *f = r->srv->forms ? forms_registry_get(r->srv->forms, form, 0) : NULL;
    return f ? f->title : form;
}

static void when(struct buf *b, const char *iso)
{
    char w[64];

    html_esc(b, jptime_format(iso, w, sizeof(w)) ? w : iso);
}

/* 母 (and for a child's checkup, the child). */
static void who(struct buf *b, const struct alert_row *a)
{
    int child = strncmp(a->form, "nyuyoji_", 8) == 0 || strcmp(a->form, "shinseiji_houmon") == 0;
    const char *name = child ? a->mother_name : a->name;

    if (*name)
        html_esc(b, name);
    else
        buf_adds(b, "<span class=\"none\">(未確定)</span>");
    if (child && *a->name) {
        buf_adds(b, " <span class=\"meta\">(お子さん ");
        html_esc(b, a->name);
        buf_adds(b, ")</span>");
    }
}

static void clinic(struct buf *b, const struct alert_row *a)
{
    if (*a->clinic_name)
        html_esc(b, a->clinic_name);
    else if (*a->clinic_code)
        html_escf(b, "医療機関コード %s", a->clinic_code);
    else
        buf_adds(b, "<span class=\"none\">-</span>");
}

struct box_ctx {
    struct req *r;
    struct buf rows;
    int n;
};

static int box_row(const struct alert_row *a, void *p)
{
    struct box_ctx *x = p;
    struct buf *b = &x->rows;

    x->n++;
    buf_addf(b, "<tr class=\"alert\" data-href=\"/alert/%lld\"><td><a href=\"/alert/%lld\">★ %lld</a></td><td>",
             (long long)a->id, (long long)a->id, (long long)a->id);
    when(b, a->created_at);
    buf_adds(b, "</td><td>");
    who(b, a);
    buf_adds(b, "</td><td>");
    clinic(b, a);
    buf_adds(b, "</td><td>");
    html_esc(b, a->reason);
    buf_adds(b, "</td><td>");
    if (a->reading_id > 0)
        buf_addf(b, "<img class=\"acrop\" src=\"/img/crop/%lld\" alt=\"読み取った項目\">",
                 (long long)a->reading_id);
    buf_adds(b, "</td></tr>");
    return 0;
}

void review_alerts_box(struct req *r)
{
    struct box_ctx x = { r, { 0 }, 0 };
    struct berr e;

    buf_init(&x.rows);
    if (alerts_list(r->st, &r->actor, ALERTS_OPEN, jpdate_day_of(review_now()), box_row, &x, &e) < 0) {
        buf_adds(&r->body, "<p class=\"msg\" role=\"alert\">EPDS アラートを読めません: ");
        html_esc(&r->body, e.msg);
        buf_adds(&r->body, "</p>");
    } else if (x.n > 0) {
        buf_addf(&r->body, "<section class=\"alerts\" id=\"alerts\" role=\"alert\"><h2>★ EPDS アラート "
                           "<span class=\"acount\">未対応 %d 件</span> "
                           "<span class=\"meta\">本日中に本人へ連絡し、対応を記録してください</span></h2>"
                           "<table class=\"alerts\"><thead><tr><th>番号</th><th>取込</th><th>母</th>"
                           "<th>医療機関</th><th>理由</th><th>記入</th></tr></thead><tbody>", x.n);
        buf_add(&r->body, x.rows.s, x.rows.len);
        buf_adds(&r->body, "</tbody></table></section>");
    }
    buf_release(&x.rows);
}

static int parse_num(const char *s, int64_t *id)
{
    char *end;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    *id = strtoll(s, &end, 10);
    return (*end != '\0' || *id <= 0 || errno) ? -1 : 0;
}

struct one {
    struct req *r;
    const char *msg;
};

static void field_value(struct req *r, struct buf *b, const char *name, const char *dflt)
{
    const char *v = req_param(r, name);

    html_esc(b, v && strcmp(r->method, "POST") == 0 ? v : dflt);
}

static int render(const struct alert_row *a, void *p)
{
    struct one *o = p;
    struct req *r = o->r;
    struct buf *b = &r->body;
    char title[64];

    snprintf(title, sizeof(title), "EPDS アラート %lld", (long long)a->id);
    page_begin(r, title, "alert");
    buf_addf(b, "<h1>★ EPDS アラート %lld <span class=\"count\">%s</span></h1>", (long long)a->id,
             *a->closed_at ? "対応済み" : "未対応");
    if (o->msg) {
        buf_adds(b, "<p class=\"msg\" role=\"alert\" id=\"err\">");
        html_esc(b, o->msg);
        buf_adds(b, "</p>");
    }
    buf_adds(b, "<div class=\"item\"><div><table class=\"meta\"><tbody><tr><th>母</th><td>");
    who(b, a);
    if (*a->person)
        buf_addf(b, " <a href=\"/person/%s\">記録を見る</a>",
                 (strncmp(a->form, "nyuyoji_", 8) == 0 || strcmp(a->form, "shinseiji_houmon") == 0) &&
                         *a->mother ? a->mother : a->person);
    buf_adds(b, "</td></tr><tr><th>医療機関</th><td>");
    clinic(b, a);
    buf_adds(b, "</td></tr><tr><th>様式</th><td>");
    html_esc(b, title_of(r, a->form));
    buf_adds(b, "</td></tr><tr><th>理由</th><td class=\"reason\">");
    html_esc(b, a->reason);
    buf_adds(b, "</td></tr><tr><th>EPDS</th><td>");
    if (a->epds_total >= 0)
        buf_addf(b, "合計 %d点", a->epds_total);
    else
        buf_adds(b, "合計 不明");
    if (*a->item10)
        buf_addf(b, "・項目10 %s", strcmp(a->item10, "?") == 0 ? "読み取れず" : a->item10);
    buf_adds(b, "</td></tr><tr><th>取込</th><td>");
    when(b, a->created_at);
    buf_adds(b, "</td></tr></tbody></table>");
    if (a->reading_id > 0)
        buf_addf(b, "<img class=\"crop\" src=\"/img/crop/%lld\" alt=\"読み取った項目の切り出し\">",
                 (long long)a->reading_id);
    buf_addf(b, "<img class=\"page\" src=\"/img/page/%lld?r=%lld\" alt=\"スキャンしたページ\" loading=\"lazy\">",
             (long long)a->page_id, (long long)a->reading_id);
    buf_adds(b, "</div><div class=\"answer\">");
    if (*a->closed_at) {
        buf_adds(b, "<h2>対応の記録</h2><p>連絡 ");
        html_esc(b, a->contacted_at);
        buf_adds(b, "・");
        html_esc(b, a->contacted_by);
        buf_adds(b, "</p><p>支援方針: ");
        html_esc(b, a->plan);
        buf_adds(b, "</p><p class=\"meta\">記録 ");
        when(b, a->closed_at);
        buf_adds(b, " (");
        html_esc(b, a->closed_by);
        buf_adds(b, ")</p>");
    } else {
        char now[20];
        struct ymd d = jpdate_day_of(review_now());
        time_t t = review_now() - jpdate_day_start(d);
        snprintf(now, sizeof(now), "%04d-%02d-%02dT%02d:%02d", d.y, d.m, d.d, (int)(t / 3600) % 24,
                 (int)(t / 60) % 60);
        buf_addf(b, "<h2>対応を記録する</h2><form id=\"close\" method=\"post\" action=\"/alert/%lld\">",
                 (long long)a->id);
        html_csrf(r);
        buf_adds(b, "<label>連絡日時 (日本時間)<input type=\"datetime-local\" name=\"contacted_at\" "
                    "required value=\"");
        field_value(r, b, "contacted_at", now);
        buf_adds(b, "\"></label><label>連絡した職員<input type=\"text\" name=\"contacted_by\" "
                    "required value=\"");
        field_value(r, b, "contacted_by", r->actor.display_name[0] ? r->actor.display_name : r->actor.login);
        buf_adds(b, "\"></label><label>支援方針<textarea class=\"plan\" name=\"plan\" rows=\"4\" required>");
        field_value(r, b, "plan", "");
        buf_adds(b, "</textarea></label><div class=\"actions\"><button class=\"primary\" type=\"submit\">"
                    "対応を記録して閉じる</button> <a href=\"/queue\">確認待ちに戻る</a></div></form>");
    }
    buf_adds(b, "</div></div>");
    page_end(r);
    return 0;
}

static void show(struct req *r, const char *msg)
{
    struct one o = { r, msg };
    struct berr e;
    int64_t id;

    if (parse_num(r->rest, &id) < 0) {
        page_error(r, 404, "アラートがありません", "アラートの番号が正しくありません。");
        return;
    }
    if (alert_get(r->st, &r->actor, id, render, &o, &e) < 0)
        page_error(r, e.code == BERR_NOTFOUND ? 404 : e.code == BERR_DENIED ? 403 : 500,
                   "アラートを開けません", e.msg);
}

void review_h_alert(struct req *r)
{
    show(r, NULL);
}

void review_h_alert_post(struct req *r)
{
    struct alert_followup f = { req_param(r, "contacted_at"), req_param(r, "contacted_by"),
                                req_param(r, "plan") };
    struct berr e;
    int64_t id;

    if (parse_num(r->rest, &id) < 0) {
        page_error(r, 404, "アラートがありません", "アラートの番号が正しくありません。");
        return;
    }
    if (alert_close(r->st, &r->actor, id, &f, &e) < 0) {
        if (e.code == BERR_NOTFOUND) {
            page_error(r, 404, "アラートがありません", e.msg);
            return;
        }
        r->status = e.code == BERR_CONFLICT ? 409 : e.code == BERR_DENIED ? 403 : 422;
        show(r, e.msg);
        return;
    }
    req_redirect(r, "/queue");
}
