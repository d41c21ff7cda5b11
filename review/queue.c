/*
 * queue.c: the open review queue, collected and filtered (reason, form,
 * batch, dates), and the queue screen: EPDS alerts first, then every item
 * riskiest first, with the filters and the chips that start a screen.
 */
#include "review/screens-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the open queue, collected ------------------------------------------------ */





static void tally_add(struct tally *t, int *n, const char *key)
{
    for (int i = 0; i < *n; i++) {
        if (strcmp(t[i].key, key) == 0) {
            t[i].n++;
            return;
        }
    }
    if (*n == TALLY_MAX)
        return;
    snprintf(t[*n].key, sizeof(t[*n].key), "%s", key);
    t[(*n)++].n = 1;
}

static int want(const char *filter, const char *v)
{
    return filter == NULL || *filter == '\0' || strcmp(filter, v) == 0;
}

static int collect(const struct review_row *x, void *p)
{
    struct qlist *q = p;
    struct qitem *it;
    char key[160];
    int by_reason, by_form, by_batch;

    review_reason_key(x, key, sizeof(key));
    by_reason = want(q->reason, key);
    by_form = want(q->form, x->form);
    by_batch = want(q->batch, x->batch);
    q->total++;
    /*
     * Each list's counts follow the other filters (and the days, already in
     * the query): a count says how many choosing it would show.
     */
    if (by_form && by_batch)
        tally_add(q->reasons, &q->n_reasons, key);
    if (by_reason && by_batch)
        tally_add(q->forms, &q->n_forms, x->form);
    if (by_reason && by_form)
        tally_add(q->batches, &q->n_batches, x->batch);
    if (!by_reason || !by_form || !by_batch || !want(q->field, x->field) ||
        (q->page_id && x->page_id != q->page_id))
        return 0;
    if (q->n == q->alloc) {
        q->alloc = q->alloc ? 2 * q->alloc : 64;
        q->items = xrealloc(q->items, q->alloc * sizeof(*q->items));
    }
    it = &q->items[q->n++];
    memset(it, 0, sizeof(*it));
    it->id = x->id;
    it->page_id = x->page_id;
    it->reading_id = x->reading_id;
    it->risk = x->risk;
    snprintf(it->kind, sizeof(it->kind), "%s", x->kind);
    snprintf(it->form, sizeof(it->form), "%s", x->form);
    snprintf(it->field, sizeof(it->field), "%s", x->field);
    snprintf(it->reason, sizeof(it->reason), "%s", key);
    snprintf(it->suggested, sizeof(it->suggested), "%s", x->suggested);
    snprintf(it->batch, sizeof(it->batch), "%s", x->batch);
    return 0;
}

int review_queue_load(struct req *r, struct qlist *q, struct berr *e)
{
    struct review_filter f;

    memset(&f, 0, sizeof(f));
    f.from = q->from;
    f.to = q->to;
    return review_list(r->st, &r->actor, &f, collect, q, e);
}

void review_queue_free(struct qlist *q)
{
    free(q->items);
    q->items = NULL;
}

/*
 * The queue's filters as query parameters ("reason=…&form=…", URL-escaped,
 * "" when none), carried by the item screens so that skipping and "next"
 * stay inside the queue the nurse chose.
 */
static const char *const scope_keys[] = { "reason", "form", "batch", "from", "to" };

/* Each filter in force, as a query parameter or (hidden) as a form input. */
static void scope_each(struct req *r, struct buf *out, int hidden)
{
    for (size_t i = 0; i < sizeof(scope_keys) / sizeof(scope_keys[0]); i++) {
        const char *v = req_param(r, scope_keys[i]);
        if (v == NULL || *v == '\0')
            continue;
        if (hidden) {
            buf_addf(out, "<input type=\"hidden\" name=\"%s\" value=\"", scope_keys[i]);
            html_esc(out, v);
            buf_adds(out, "\">");
        } else {
            buf_addf(out, "%s%s=", out->len ? "&" : "", scope_keys[i]);
            url_esc(out, v);
        }
    }
}

void review_scope_query(struct req *r, struct buf *out)
{
    scope_each(r, out, 0);
}

/* lead ('?' or '&') + scope_query, HTML-escaped for an attribute; "" when no filter. */
void review_scope_attr(struct req *r, char lead, struct buf *out)
{
    struct buf raw;

    buf_init(&raw);
    review_scope_query(r, &raw);
    buf_adds(out, "");
    if (raw.len > 0) {
        buf_adds(out, lead == '&' ? "&amp;" : "?");
        html_esc(out, raw.s);
    }
    buf_release(&raw);
}

/* The queue's filters as hidden inputs of a GET form. */
void review_scope_hidden(struct req *r, struct buf *b)
{
    scope_each(r, b, 1);
}

/* The queue's filters from the request (as the queue screen reads them); days unreadable: ignored. */
void review_scope_filters(struct req *r, struct qlist *q)
{
    const char *from = req_param(r, "from"), *to = req_param(r, "to");

    q->reason = req_param(r, "reason");
    q->form = req_param(r, "form");
    q->batch = req_param(r, "batch");
    if (from == NULL || jpdate_parse(from, &q->from) < 0)
        memset(&q->from, 0, sizeof(q->from));
    if (to == NULL || jpdate_parse(to, &q->to) < 0)
        memset(&q->to, 0, sizeof(q->to));
}

/* ---- queue ------------------------------------------------------------------------ */

static void filter_select(struct buf *b, const char *name, const char *label, struct tally *t, int n,
                          const char *cur, struct req *r, int forms)
{
    int found = 0;

    buf_adds(b, "<label>");
    html_esc(b, label);
    buf_adds(b, "<select name=\"");
    html_esc(b, name);
    buf_adds(b, "\"><option value=\"\">すべて</option>");
    for (int i = 0; i < n; i++) {
        buf_adds(b, "<option value=\"");
        html_esc(b, t[i].key);
        buf_adds(b, "\"");
        if (cur && strcmp(cur, t[i].key) == 0) {
            buf_adds(b, " selected");
            found = 1;
        }
        buf_adds(b, ">");
        html_esc(b, forms ? review_form_title(r, t[i].key) : t[i].key);
        buf_addf(b, " (%d)</option>", t[i].n);
    }
    /* the choice in force stays chosen when the other filters leave none of it */
    if (cur && *cur && !found) {
        buf_adds(b, "<option value=\"");
        html_esc(b, cur);
        buf_adds(b, "\" selected>");
        html_esc(b, forms ? review_form_title(r, cur) : cur);
        buf_adds(b, " (0)</option>");
    }
    buf_adds(b, "</select></label>");
}

/*
 * A day parameter of the queue (from=, to=): absent or empty is no bound;
 * else what <input type=date> sends (YYYY-MM-DD), or 和暦 typed into the URL.
 * A day that cannot be read adds a message naming the field to msg.
 */
static void date_param(struct req *r, const char *name, const char *label, struct ymd *out,
                       struct buf *msg)
{
    const char *v = req_param(r, name);
    size_t n;

    memset(out, 0, sizeof(*out));
    if (v == NULL || *v == '\0')
        return;
    if (jpdate_parse(v, out) < 0) {
        memset(out, 0, sizeof(*out));
        /* what was sent, cut to 40 bytes on a character boundary */
        n = strlen(v);
        if (n > 40) {
            n = 40;
            while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
                n--;
        }
        buf_addf(msg, "%s取込日 (%s) の日付が読めません「%.*s」。例: 2026-04-01 または 令和8年4月1日",
                 msg->len ? "\n" : "", label, (int)n, v);
    }
}

/* "/queue?..." with the filters in force, reason replaced by `reason` (an attribute value). */
static void queue_href(struct buf *b, const struct qlist *q, const char *reason)
{
    char iso[11];

    buf_adds(b, "/queue?reason=");
    url_esc(b, reason);
    buf_adds(b, "&amp;form=");
    url_esc(b, review_nz(q->form));
    buf_adds(b, "&amp;batch=");
    url_esc(b, review_nz(q->batch));
    if (q->from.y) {
        ymd_iso(q->from, iso);
        buf_addf(b, "&amp;from=%s", iso);
    }
    if (q->to.y) {
        ymd_iso(q->to, iso);
        buf_addf(b, "&amp;to=%s", iso);
    }
}

static void date_input(struct buf *b, const char *name, const char *label, struct ymd d)
{
    char w[40] = "";

    /* text, not a date picker (its mm/dd/yyyy follows the browser): 和暦 or ISO typed, 和暦 shown */
    if (d.y)
        jpdate_format(d, w, sizeof(w));
    buf_addf(b, "<label>%s<input type=\"text\" class=\"day\" name=\"%s\" value=\"%s\" "
                "placeholder=\"R8.4.1 / 2026-04-01\" autocomplete=\"off\" size=\"14\"></label>",
             label, name, w);
}

/*
 * The nurse's status line: what is left (under the filters and in all) and
 * what was resolved today, by this nurse and by everyone.  Today is the
 * Japan day of the server's clock (jpdate_day_of: JST, whatever the
 * server's TZ), from its 00:00 JST.
 */
static void queue_status(struct req *r, const struct qlist *q, int filtered, int listed)
{
    struct buf *b = &r->body;
    struct review_filter all;
    struct ymd today = jpdate_day_of(review_now());
    time_t since = jpdate_day_start(today);
    int open = 0, mine = 0, everyone = 0;
    char day[40];
    struct berr e;

    memset(&all, 0, sizeof(all));
    if (review_count(r->st, &r->actor, &all, &open, &e) < 0 ||
        review_resolved_count(r->st, &r->actor, since, r->actor.login, &mine, &e) < 0 ||
        review_resolved_count(r->st, &r->actor, since, NULL, &everyone, &e) < 0) {
        buf_adds(b, "<p class=\"msg\">件数を数えられません: ");
        html_esc(b, e.msg);
        buf_adds(b, "</p>");
        return;
    }
    jpdate_format(today, day, sizeof(day));
    buf_adds(b, "<p class=\"status meta\" id=\"status\">未処理: ");
    if (filtered && listed)
        buf_addf(b, "この条件で <b id=\"left-filter\">%zu</b> 件 ／ 全体で ", q->n);
    buf_addf(b, "<b id=\"left-all\">%d</b> 件　今日 (", open);
    html_esc(b, day);
    buf_addf(b, ") の処理済み: あなた <b id=\"done-me\">%d</b> 件 ／ 全員 <b id=\"done-all\">%d</b> 件</p>",
             mine, everyone);
}

void review_h_queue(struct req *r)
{
    struct qlist q;
    struct berr e;
    struct buf *b = &r->body, msg;
    int filtered, loaded = 0;
    char iso[11];

    memset(&q, 0, sizeof(q));
    buf_init(&msg);
    q.reason = req_param(r, "reason");
    q.form = req_param(r, "form");
    q.batch = req_param(r, "batch");
    date_param(r, "from", "から", &q.from, &msg);
    date_param(r, "to", "まで", &q.to, &msg);
    if (msg.len == 0 && q.from.y && q.to.y && ymd_cmp(q.from, q.to) > 0) {
        char from[40], to[40];
        jpdate_format(q.from, from, sizeof(from));
        jpdate_format(q.to, to, sizeof(to));
        buf_addf(&msg, "取込日 (から: %s) が取込日 (まで: %s) より後の日付です", from, to);
    }
    filtered = (q.reason && *q.reason) || (q.form && *q.form) || (q.batch && *q.batch) ||
               q.from.y || q.to.y;
    if (msg.len == 0) {
        if (review_queue_load(r, &q, &e) < 0) {
            page_error(r, review_status_for(&e), "確認待ちを読めません", e.msg);
            goto cleanup;
        }
        loaded = 1;
    } else {
        r->status = 400;    /* the page still answers, saying which field is wrong */
    }
    page_begin(r, "確認待ち", "queue");
    buf_adds(b, "<h1>確認待ち");
    if (loaded)
        buf_addf(b, " <span class=\"count\">残り %zu 件</span>", q.n);
    if (q.from.y || q.to.y) {
        char from[40] = "", to[40] = "";
        if (q.from.y)
            jpdate_format(q.from, from, sizeof(from));
        if (q.to.y)
            jpdate_format(q.to, to, sizeof(to));
        buf_adds(b, " <span class=\"count\" id=\"days\">取込日 ");
        if (q.from.y && q.to.y && ymd_cmp(q.from, q.to) == 0)
            html_esc(b, from);
        else
            html_escf(b, "%s〜%s", from, to);
        buf_adds(b, "</span>");
    }
    buf_adds(b, "</h1>");
    /* the safety signal first: EPDS alerts above every review item */
    review_alerts_box(r);
    queue_status(r, &q, filtered, loaded);
    /* one line per field that could not be read */
    for (char *line = msg.s, *next; msg.len && line != NULL; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        buf_adds(b, "<p class=\"msg\" role=\"alert\">");
        html_esc(b, line);
        buf_adds(b, "</p>");
    }
    buf_adds(b, "<div class=\"reasons\">");
    for (int i = 0; i < q.n_reasons; i++) {
        buf_adds(b, "<a class=\"chip\" href=\"");
        queue_href(b, &q, q.reasons[i].key);
        buf_adds(b, "\">");
        html_esc(b, q.reasons[i].key);
        buf_addf(b, " <b>%d</b></a>", q.reasons[i].n);
    }
    buf_adds(b, "</div><form method=\"get\" action=\"/queue\" class=\"filters\">");
    filter_select(b, "reason", "理由", q.reasons, q.n_reasons, q.reason, r, 0);
    filter_select(b, "form", "様式", q.forms, q.n_forms, q.form, r, 1);
    filter_select(b, "batch", "バッチ", q.batches, q.n_batches, q.batch, r, 0);
    date_input(b, "from", "取込日 から", q.from);
    date_input(b, "to", "まで", q.to);
    ymd_iso(jpdate_day_of(review_now()), iso);
    buf_addf(b, "<button type=\"submit\">絞り込む</button> <a href=\"/queue?from=%s&amp;to=%s\">"
                "今日の取込分</a>", iso, iso);
    if (filtered || msg.len)
        buf_adds(b, " <a href=\"/queue\">条件を外す</a>");
    buf_adds(b, "</form>");
    /* nothing is listed under a filter that could not be read */
    if (loaded && q.n == 0)
        buf_adds(b, "<p class=\"done\">確認待ちはありません。</p>");
    if (loaded && q.n > 0) {
        struct buf sc;
        buf_init(&sc);
        review_scope_attr(r, '?', &sc);
        buf_addf(b, "<p class=\"keys\"><a class=\"primary button\" id=\"start\" href=\"/item/%lld%s\">"
                    "先頭から確認する</a> <kbd>Enter</kbd> で開く・<kbd>↑</kbd><kbd>↓</kbd> で選択</p>",
                 (long long)q.items[0].id, sc.s);
        buf_addf(b, "<table class=\"queue\"><thead><tr><th>番号</th><th>重要度</th><th>様式</th>"
                    "<th>項目</th><th>理由</th><th>読取値</th><th>バッチ</th><th></th></tr></thead><tbody>");
        for (size_t i = 0; i < q.n && i < 300; i++) {
            struct qitem *it = &q.items[i];
            buf_addf(b, "<tr data-href=\"/item/%lld%s\"><td><a href=\"/item/%lld%s\">%lld</a></td>"
                        "<td class=\"risk r%d\">%d</td><td>",
                     (long long)it->id, sc.s, (long long)it->id, sc.s, (long long)it->id,
                     it->risk / 10, it->risk);
            html_esc(b, review_form_title(r, it->form));
            buf_adds(b, "</td><td>");
            html_esc(b, review_field_label(r, it->form, it->field));
            buf_adds(b, "</td><td>");
            html_esc(b, it->reason);
            buf_adds(b, "</td><td>");
            if (strcmp(it->kind, "identity") == 0)
                buf_adds(b, "<span class=\"none\">(候補は項目画面で)</span>");
            else if (review_personal_kind(review_field_def(r, it->form, 0, it->field)))
                buf_adds(b, "<span class=\"none\">(項目画面で)</span>");
            else
                review_value_label(b, review_field_def(r, it->form, 0, it->field), it->suggested);
            buf_adds(b, "</td><td>");
            html_esc(b, it->batch);
            buf_adds(b, "</td><td>");
            if (strcmp(it->kind, "field") == 0) {
                buf_adds(b, "<a href=\"/field?form=");
                url_esc(b, it->form);
                buf_adds(b, "&amp;field=");
                url_esc(b, it->field);
                buf_adds(b, "\">同じ項目をまとめて</a>");
            }
            buf_adds(b, "</td></tr>");
        }
        buf_adds(b, "</tbody></table>");
        if (q.n > 300)
            buf_addf(b, "<p>ほか %zu 件 (絞り込んでください)</p>", q.n - 300);
        buf_release(&sc);
    }
    page_end(r);
cleanup:
    buf_release(&msg);
    review_queue_free(&q);
}
