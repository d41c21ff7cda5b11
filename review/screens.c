/*
 * screens.c: the route table and the screens of the web UI, in Japanese for
 * nurses: login, the queue, one item, by question (a grid of crops), one
 * page, and a person's record.  Handlers call the same module functions as
 * `boshi review` (review_item_get / review_item_apply, review_list,
 * page_get, page_readings, reading_crop, intake_page_png, residents_get),
 * so permissions and audit entries are the modules' own; a handler adds an
 * audit entry where a screen shows a person's data the module did not log.
 * Every text shown goes through html_esc().
 * Not for: sessions, CSRF and headers (server.c).
 */
#include "review/review-internal.h"
#include "records/web.h"
#include "base/workday.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---------------------------------------------------------- */

static int parse_id(const char *s, int64_t *id)
{
    char *end;

    if (s == NULL || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    *id = strtoll(s, &end, 10);
    return (*end != '\0' || *id <= 0 || errno) ? -1 : 0;
}

/* The HTTP status for a module's error. */
static int status_for(const struct berr *e)
{
    switch (e->code) {
    case BERR_DENIED: return 403;
    case BERR_NOTFOUND: return 404;
    case BERR_CONFLICT: return 409;
    case BERR_INVALID: return 422;
    default: return 500;
    }
}

static const char *nz(const char *s)
{
    return s ? s : "";
}

static const struct forms_field *field_def(struct req *r, const char *form, int version,
                                           const char *field)
{
    const struct forms_form *f = r->srv->forms ? forms_registry_get(r->srv->forms, form, version)
                                               : NULL;
    return f ? forms_field_find(f, field) : NULL;
}

static const char *form_title(struct req *r, const char *form)
{
    const struct forms_form *f = r->srv->forms ? forms_registry_get(r->srv->forms, form, 0) : NULL;
    return f ? f->title : form;
}

static const char *field_label(struct req *r, const char *form, const char *field)
{
    const struct forms_field *fld = field_def(r, form, 0, field);
    if (strcmp(field, "(本人)") == 0)
        return "本人確認";
    if (strcmp(field, "(発行)") == 0)
        return "用紙の確認 (発行履歴)";
    if (strcmp(field, "(登録)") == 0)
        return "記録への登録";
    return fld ? fld->label : field;
}

/* The value as a nurse reads it: a choice's printed label, 有/無 for a box. */
static void value_label(struct buf *b, const struct forms_field *fld, const char *v)
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
static void placeholder_text(struct buf *b, const struct forms_field *fld, const char *v)
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
static void reason_key(const struct review_row *x, char *out, size_t n)
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
static int personal_kind(const struct forms_field *fld)
{
    return fld == NULL || fld->kind == FORMS_PRINTED || fld->kind == FORMS_KANA ||
           fld->kind == FORMS_TEXT || fld->kind == FORMS_MYNUMBER;
}

/* ---- the open queue, collected ------------------------------------------------ */

struct qitem {
    int64_t id, page_id, reading_id;
    int risk;
    char kind[16], form[40], field[64], reason[160], suggested[64], batch[96];
};

struct tally {
    char key[160];
    int n;
};
#define TALLY_MAX 64

struct qlist {
    struct qitem *items;
    size_t n, alloc;
    int total;
    struct tally reasons[TALLY_MAX], forms[TALLY_MAX], batches[TALLY_MAX];
    int n_reasons, n_forms, n_batches;
    /* filters (NULL or "" = any; y == 0: no bound) */
    const char *reason, *form, *batch, *field;
    int64_t page_id;
    struct ymd from, to;          /* the day taken in: in the query, not here */
};

/* One sheet's refusal in a batch of decisions (grid, page): which and why. */
struct refusal {
    int64_t id;
    char msg[300];
};
#define REFUSALS_MAX 64

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

    reason_key(x, key, sizeof(key));
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

static int queue_load(struct req *r, struct qlist *q, struct berr *e)
{
    struct review_filter f;

    memset(&f, 0, sizeof(f));
    f.from = q->from;
    f.to = q->to;
    return review_list(r->st, &r->actor, &f, collect, q, e);
}

static void queue_free(struct qlist *q)
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

static void scope_query(struct req *r, struct buf *out)
{
    scope_each(r, out, 0);
}

/* lead ('?' or '&') + scope_query, HTML-escaped for an attribute; "" when no filter. */
static void scope_attr(struct req *r, char lead, struct buf *out)
{
    struct buf raw;

    buf_init(&raw);
    scope_query(r, &raw);
    buf_adds(out, "");
    if (raw.len > 0) {
        buf_adds(out, lead == '&' ? "&amp;" : "?");
        html_esc(out, raw.s);
    }
    buf_release(&raw);
}

/* The queue's filters as hidden inputs of a GET form. */
static void scope_hidden(struct req *r, struct buf *b)
{
    scope_each(r, b, 1);
}

/* The queue's filters from the request (as the queue screen reads them); days unreadable: ignored. */
static void scope_filters(struct req *r, struct qlist *q)
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

/* ---- login, logout, home, assets ---------------------------------------------- */

static void login_form(struct req *r, const char *msg, int status)
{
    struct buf *b = &r->body;
    char pre[65];
    const char *next = req_param(r, "next");
    const char *m = req_param(r, "m");

    review_random_token(pre);
    req_set_cookie(r, "boshi_pre=%s; Path=/login; Max-Age=1800; HttpOnly; SameSite=Strict%s", pre,
                   r->srv->tls ? "; Secure" : "");
    r->status = status;
    page_begin(r, "ログイン", "login");
    buf_adds(b, "<section class=\"login\"><h1>読取確認にログイン</h1>");
    if (msg == NULL && m && strcmp(m, "timeout") == 0)
        msg = "15分間操作がなかったため、ログアウトしました。もう一度ログインしてください。";
    if (msg == NULL && m && strcmp(m, "out") == 0)
        msg = "ログアウトしました。";
    if (msg) {
        buf_adds(b, "<p class=\"msg\" role=\"alert\">");
        html_esc(b, msg);
        buf_adds(b, "</p>");
    }
    buf_adds(b, "<form method=\"post\" action=\"/login\"><input type=\"hidden\" name=\"csrf\" value=\"");
    html_esc(b, pre);
    buf_adds(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
    html_esc(b, next && req_safe_next(next) == next ? next : "");
    buf_adds(b, "\"><label>利用者名<input name=\"login\" autocomplete=\"username\" autofocus required "
                "value=\"");
    html_esc(b, nz(req_param(r, "login")));
    buf_adds(b, "\"></label><label>パスワード<input type=\"password\" name=\"password\" "
                "autocomplete=\"current-password\" required></label>"
                "<button type=\"submit\" class=\"primary\">ログイン</button></form>"
                "<p class=\"hint\">5回続けて間違えると15分間ログインできなくなります。"
                "パスワードの設定はシステム管理者に依頼してください。</p></section>");
    page_end(r);
}

static void h_login_form(struct req *r)
{
    login_form(r, NULL, 200);
}

static void h_login(struct req *r)
{
    struct actor a;
    struct berr e;
    const char *login = req_param(r, "login"), *pw = req_param(r, "password");
    const char *next = req_param(r, "next");

    berr_clear(&e);
    if (login == NULL || pw == NULL || *login == '\0') {
        login_form(r, "利用者名とパスワードを入力してください。", 400);
        return;
    }
    if (web_login(r->st, login, pw, review_now(), &a, &e) < 0) {
        login_form(r, e.code == BERR_FAIL ? "ただいまログインできません。しばらくしてからお試しください。"
                                          : e.msg,
                   401);
        return;
    }
    req_set_cookie(r, "boshi_pre=; Path=/login; Max-Age=0; HttpOnly; SameSite=Strict");
    req_session_start(r, &a);
    /* only a screen of this app: never an open redirect (req_safe_next) */
    req_redirect(r, "%s", req_safe_next(next));
}

static void h_logout(struct req *r)
{
    struct berr e;

    audit_append(r->st, &r->actor, "web.logout", NULL, "ログアウト", &e);
    req_session_end(r);
    req_redirect(r, "/login?m=out");
}

static void h_home(struct req *r)
{
    struct buf *b = &r->body;

    if (actor_can(&r->actor, PERM_REVIEW)) {
        req_redirect(r, "/queue");
        return;
    }
    page_begin(r, "メニュー", "home");
    buf_adds(b, "<h1>メニュー</h1>");
    if (actor_can(&r->actor, PERM_RECORDS_READ)) {
        buf_adds(b, "<form method=\"get\" action=\"/person/\" class=\"inline\"><label>宛名番号"
                    "<input name=\"atena\" inputmode=\"numeric\" pattern=\"[0-9]{1,10}\" required>"
                    "</label><button type=\"submit\">記録を開く</button></form>");
    } else if (!actor_can(&r->actor, PERM_AUDIT_READ)) {
        buf_adds(b, "<p>あなたの権限で使えるこの画面の機能はありません。読取確認には「");
        html_esc(b, perm_label(PERM_REVIEW));
        buf_adds(b, "」の権限が必要です。</p>");
    }
    if (actor_can(&r->actor, PERM_AUDIT_READ))
        buf_adds(b, "<p><a href=\"/audit\" id=\"audit-link\">アクセス記録点検 (前月)</a></p>");
    page_end(r);
}

static void h_static(struct req *r)
{
    if (strcmp(r->rest, "app.css") == 0) {
        buf_adds(&r->body, review_css);
        r->ctype = "text/css; charset=utf-8";
    } else if (strcmp(r->rest, "app.js") == 0) {
        buf_adds(&r->body, review_js);
        r->ctype = "text/javascript; charset=utf-8";
    } else if (strcmp(r->rest, "icon.svg") == 0) {
        buf_adds(&r->body, review_icon_svg);
        r->ctype = "image/svg+xml";
    } else {
        page_error(r, 404, "ページがありません", "URL を確かめてください。");
        return;
    }
    r->cacheable = 1;
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
        html_esc(b, forms ? form_title(r, t[i].key) : t[i].key);
        buf_addf(b, " (%d)</option>", t[i].n);
    }
    /* the choice in force stays chosen when the other filters leave none of it */
    if (cur && *cur && !found) {
        buf_adds(b, "<option value=\"");
        html_esc(b, cur);
        buf_adds(b, "\" selected>");
        html_esc(b, forms ? form_title(r, cur) : cur);
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
    url_esc(b, nz(q->form));
    buf_adds(b, "&amp;batch=");
    url_esc(b, nz(q->batch));
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

static void h_queue(struct req *r)
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
        if (queue_load(r, &q, &e) < 0) {
            page_error(r, status_for(&e), "確認待ちを読めません", e.msg);
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
        scope_attr(r, '?', &sc);
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
            html_esc(b, form_title(r, it->form));
            buf_adds(b, "</td><td>");
            html_esc(b, field_label(r, it->form, it->field));
            buf_adds(b, "</td><td>");
            html_esc(b, it->reason);
            buf_adds(b, "</td><td>");
            if (strcmp(it->kind, "identity") == 0)
                buf_adds(b, "<span class=\"none\">(候補は項目画面で)</span>");
            else if (personal_kind(field_def(r, it->form, 0, it->field)))
                buf_adds(b, "<span class=\"none\">(項目画面で)</span>");
            else
                value_label(b, field_def(r, it->form, 0, it->field), it->suggested);
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
    queue_free(&q);
}

/* ---- one item ---------------------------------------------------------------------- */

struct cand_ctx {
    const char *kana, *birth;
};

static int find_identity_reading(const struct reading_row *x, void *p)
{
    struct cand_ctx *c = p;
    /* what a nurse settled first, else what was read */
    const char *v = x->value && *x->value ? x->value : nz(x->read_value);
    if (strcmp(x->field, "mother_kana") == 0)
        c->kana = xstrdup(v);
    else if (strcmp(x->field, "birth_date") == 0)
        c->birth = xstrdup(v);
    return 0;
}

/*
 * 1 when the page's birth date (as read or settled) contradicts the
 * resident atena's: such a candidate is never the default (Enter).
 */
static int birth_contradicts(struct req *r, const struct page_row *pg, const char *atena)
{
    struct cand_ctx c = { NULL, NULL };
    const struct forms_field *bf = field_def(r, pg->form, pg->version, "birth_date");
    struct forms_value v;
    struct resident who;
    struct berr e;
    int bad = 0;

    if (bf == NULL || atena == NULL || !*atena || atena[0] == 'U')
        return 0;
    page_readings(r->st, pg->id, find_identity_reading, &c, &e);
    forms_value_init(&v);
    if (c.birth && forms_value_parse(bf, c.birth, &v, &e) == 0 && v.present &&
        residents_get(r->st, &r->actor, atena, "review.identity", &who, &e) == 0) {
        bad = ymd_cmp(v.date, who.birth) != 0;
        resident_release(&who);
    }
    forms_value_release(&v);
    free((char *)c.kana);
    free((char *)c.birth);
    return bad;
}

/* Ranked resident candidates for an identity item, from what the page says. */
static void identity_candidates(struct req *r, const struct page_row *pg, struct buf *b)
{
    struct cand_ctx c = { NULL, NULL };
    struct find_query q;
    struct candidate *cs = NULL;
    size_t n = 0;
    struct berr e;
    const struct forms_field *bf = field_def(r, pg->form, pg->version, "birth_date");

    page_readings(r->st, pg->id, find_identity_reading, &c, &e);
    /* the nurse's own search (the form below the item) replaces the readings */
    if (req_param(r, "kana") || req_param(r, "birth")) {
        free((char *)c.kana);
        free((char *)c.birth);
        c.kana = xstrdup(nz(req_param(r, "kana")));
        c.birth = xstrdup(nz(req_param(r, "birth")));
    }
    memset(&q, 0, sizeof(q));
    q.kana = c.kana && *c.kana ? c.kana : NULL;
    if (c.birth && *c.birth && bf) {
        struct forms_value v;
        forms_value_init(&v);
        if (forms_value_parse(bf, c.birth, &v, &e) == 0 && v.present) {
            q.birth = v.date;
        } else if (req_param(r, "birth")) {
            buf_adds(b, "<p class=\"msg\">検索の生年月日が読めません「");
            html_esc(b, c.birth);
            buf_adds(b, "」。例: H12.1.31 / 平成12年1月31日 / 2000-01-31</p>");
        }
        forms_value_release(&v);
    }
    q.limit = 5;
    buf_adds(b, "<div class=\"cands\"><h2>本人の候補 (住民記録)</h2>");
    /* what the sheet says, beside the candidates */
    buf_adds(b, req_param(r, "kana") || req_param(r, "birth")
                    ? "<p class=\"sheet\" id=\"sheet-readings\"><b>検索の条件</b> フリガナ "
                    : "<p class=\"sheet\" id=\"sheet-readings\"><b>用紙の読取</b> フリガナ ");
    if (c.kana && *c.kana)
        html_esc(b, c.kana);
    else
        buf_adds(b, "(なし)");
    buf_adds(b, " ・生年月日 ");
    if (q.birth.y) {
        char w[40];
        jpdate_format(q.birth, w, sizeof(w));
        html_esc(b, w);
    } else if (c.birth && *c.birth) {
        html_esc(b, c.birth);
        buf_adds(b, " (日付として読めません)");
    } else {
        buf_adds(b, "(なし)");
    }
    buf_adds(b, "</p>");
    if ((q.kana || q.birth.y) && residents_find(r->st, &r->actor, &q, &cs, &n, &e) == 0 && n) {
        for (size_t i = 0; i < n; i++) {
            char birth[40];
            jpdate_format(cs[i].r.birth, birth, sizeof(birth));
            buf_addf(b, "<button type=\"submit\" name=\"value\" class=\"cand\" data-key=\"%zu\" value=\"",
                     i + 1);
            html_esc(b, cs[i].r.atena);
            buf_addf(b, "\"><kbd>Alt+%zu</kbd> <b>", i + 1);
            html_esc(b, cs[i].r.name);
            buf_adds(b, "</b> ");
            html_esc(b, cs[i].r.kana);
            buf_adds(b, " ");
            html_esc(b, birth);
            /* 支援措置: the flag, never the address, in a list of candidates */
            if (cs[i].r.shien)
                buf_adds(b, " <span class=\"warn\">支援措置</span>");
            buf_adds(b, "<br><small>");
            html_esc(b, cs[i].r.shien ? SHIEN_ADDRESS_TEXT : cs[i].r.address);
            buf_addf(b, " ・宛名番号 ");
            html_esc(b, cs[i].r.atena);
            buf_addf(b, " ・%d点: ", cs[i].score);
            html_esc(b, cs[i].reasons);
            buf_adds(b, " ・");
            html_esc(b, resident_status_label(cs[i].r.status));
            if (q.birth.y && ymd_cmp(q.birth, cs[i].r.birth) != 0)
                buf_adds(b, " ・<span class=\"warn\">生年月日が用紙と違います</span>");
            buf_adds(b, "</small></button>");
        }
    } else {
        buf_adds(b, "<p>候補が見つかりません。宛名番号を入力してください。</p>");
    }
    buf_adds(b, "</div>");
    candidates_free(cs, n);
    free((char *)c.kana);
    free((char *)c.birth);
}

/* Whether the comma-separated list has value v. */
static int list_has(const char *list, const char *v)
{
    size_t n = strlen(v);

    for (const char *p = list; p && *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, v, n) == 0)
            return 1;
        p += k + (p[k] == ',');
    }
    return 0;
}

/*
 * A value refused by a cross-field rule names the other field: a link to
 * change that one on the page screen (it may be settled already).
 */
static void rule_links(struct req *r, const struct page_row *pg, const char *field, const char *msg)
{
    const struct forms_form *f = r->srv->forms ? forms_registry_get(r->srv->forms, pg->form,
                                                                     pg->version) : NULL;
    struct buf *b = &r->body;

    if (f == NULL || msg == NULL)
        return;
    for (size_t k = 0; k < f->n_rules; k++) {
        const struct forms_rule *ru = &f->rules[k];
        size_t idx[5];
        size_t n = 0;
        int mine = 0;
        for (size_t j = 0; j < ru->n_fields; j++)
            idx[n++] = ru->fields[j];
        if (ru->has_if)
            idx[n++] = ru->if_field;
        for (size_t j = 0; j < n; j++)
            mine |= strcmp(f->fields[idx[j]].name, field) == 0;
        if (!mine)
            continue;
        for (size_t j = 0; j < n; j++) {
            const struct forms_field *o = &f->fields[idx[j]];
            if (strcmp(o->name, field) == 0 || strstr(msg, o->label) == NULL ||
                o->page != pg->page_no)
                continue;
            buf_addf(b, "<p class=\"rulelink\"><a class=\"button\" href=\"/page/%lld?edit=", (long long)pg->id);
            url_esc(b, o->name);
            buf_adds(b, "#edit\">「");
            html_esc(b, o->label);
            buf_adds(b, "」を確認・訂正する</a></p>");
        }
    }
}

static void item_render(struct req *r, const struct review_item *x, const char *error)
{
    struct buf sc;               /* "&" + the queue's filters, HTML-escaped; or "" */
    struct buf *b = &r->body;
    struct page_row pg;
    struct berr e;
    const struct forms_field *fld;
    const char *done = req_param(r, "done");
    int open = strcmp(x->status, "open") == 0, choice, issue, offer;
    struct page_row dup;
    int has_dup = 0;

    if (page_get(r->st, x->r.page_id, &pg, &e) < 0) {
        page_error(r, status_for(&e), "ページを読めません", e.msg);
        return;
    }
    /* a 二重提出: the sheet taken in before, to see both side by side */
    if (strcmp(x->kind, "issue") == 0 && strncmp(x->reason, "二重提出", strlen("二重提出")) == 0 &&
        pg.issue_id[0] && page_find_issue(r->st, pg.issue_id, pg.page_no, &dup, &e) == 1 &&
        dup.id != pg.id)
        has_dup = 1;
    buf_init(&sc);
    scope_attr(r, '&', &sc);
    fld = field_def(r, pg.form, pg.version, x->field);
    choice = fld && strcmp(x->kind, "field") == 0 &&
             (fld->kind == FORMS_CHOICE || fld->kind == FORMS_CHECK || fld->kind == FORMS_PRESENCE);
    issue = strcmp(x->kind, "issue") == 0;
    /* a 新生児聴覚検査 whose baby is not known: the nurse types the child's 宛名番号 */
    int child_item = issue && strcmp(x->field, HEARING_CHILD_FIELD) == 0;
    if (child_item)
        issue = 0;
    /* a reading is offered to accept only when its field would take it */
    offer = strcmp(x->kind, "field") == 0 ? fld && fld->kind != FORMS_MYNUMBER &&
                                                strncmp(x->reason, "桁数不足", strlen("桁数不足")) != 0 &&
                                                forms_value_suggestible(fld, x->suggested)
            : strcmp(x->kind, "identity") == 0 ? x->suggested[0] != '\0' &&
                                                     !birth_contradicts(r, &pg, x->suggested)
                                                 : !issue && !child_item;
    page_begin(r, field_label(r, x->form, x->field), "item");
    if (req_param(r, "wrapped"))
        buf_adds(b, "<p class=\"flash\">最後まで進んだので、飛ばした項目の先頭に戻りました。</p>");
    if (done && *done) {
        buf_adds(b, "<p class=\"flash\">番号 ");
        html_esc(b, done);
        buf_adds(b, " を登録しました。");
        if (req_param(r, "landed"))
            buf_adds(b, "ページの確認がすべて終わり、記録に登録しました。");
        buf_adds(b, "</p>");
    }
    if (error) {
        buf_adds(b, "<p class=\"msg\" role=\"alert\">");
        html_esc(b, error);
        buf_adds(b, "</p>");
        rule_links(r, &pg, x->field, error);
    }
    buf_adds(b, "<div class=\"item\"><section class=\"crop\">");
    if (x->r.reading_id > 0)
        buf_addf(b, "<img class=\"crop\" src=\"/img/crop/%lld\" alt=\"読み取った部分\">",
                 (long long)x->r.reading_id);
    else if (!has_dup)
        buf_adds(b, "<p class=\"none\">(この確認には切り出し画像がありません)</p>");
    {
        /* a 個人番号 is blacked out on every image; the digits only by a logged reveal */
        const struct forms_field *fd = field_def(r, x->form, pg.version, x->field);
        if (x->r.reading_id > 0 && fd != NULL && fd->kind == FORMS_MYNUMBER) {
            buf_adds(b, "<p class=\"hint\">個人番号は黒塗りで表示しています。");
            if (actor_can(&r->actor, PERM_MYNUMBER_REVEAL)) {
                buf_addf(b, "</p><form method=\"post\" action=\"/img/crop/%lld\" target=\"_blank\" "
                            "class=\"inline\">", (long long)x->r.reading_id);
                html_csrf(r);
                buf_adds(b, "<label>処理事由<select name=\"reason\">"
                            "<option>読取確認のため</option><option>妊娠届出の確認</option></select></label>"
                            "<button type=\"submit\">書かれた個人番号を表示 (記録されます)</button></form>");
            } else {
                buf_adds(b, "数字は届出書の原本で確かめるか、「");
                html_esc(b, perm_label(PERM_MYNUMBER_REVEAL));
                buf_adds(b, "」の権限を持つ職員に依頼してください。</p>");
            }
        }
    }
    if (has_dup) {
        buf_addf(b, "<div class=\"sheets\"><figure><figcaption>この用紙 (ページ番号 %lld)</figcaption>"
                    "<img class=\"page\" id=\"sheet-this\" src=\"/img/page/%lld?r=0\" alt=\"この用紙\">"
                    "</figure><figure><figcaption>取込済みの用紙 (ページ番号 %lld)</figcaption>"
                    "<img class=\"page\" id=\"sheet-before\" src=\"/img/page/%lld?r=0\" alt=\"取込済みの用紙\">"
                    "</figure></div>",
                 (long long)pg.id, (long long)pg.id, (long long)dup.id, (long long)dup.id);
    } else {
        buf_addf(b, "<img class=\"page\" src=\"/img/page/%lld?r=%lld\" alt=\"ページ全体 (項目を赤枠で表示)\">",
                 (long long)pg.id, (long long)x->r.reading_id);
    }
    buf_adds(b, "</section><section class=\"answer\"><p class=\"meta\">");
    html_esc(b, form_title(r, x->form));
    buf_addf(b, " ・%dページ目 ・バッチ ", pg.page_no);
    html_esc(b, x->batch);
    buf_addf(b, " ・番号 %lld ・重要度 %d", (long long)x->r.id, x->r.risk);
    if (req_param(r, "left"))
        buf_addf(b, " ・残り %d 件", atoi(req_param(r, "left")));
    buf_adds(b, "</p><h1>");
    html_esc(b, field_label(r, x->form, x->field));
    buf_adds(b, "</h1>");
    if (fld && fld->question && strcmp(fld->question, fld->label) != 0) {
        buf_adds(b, "<p class=\"question\">");
        html_esc(b, fld->question);
        buf_adds(b, "</p>");
    }
    buf_adds(b, "<p class=\"reason\"><b>理由</b> ");
    html_esc(b, x->reason);
    buf_adds(b, "</p>");
    if (!issue) {
        buf_adds(b, "<p class=\"reading\"><b>読取値</b> ");
        if (fld && fld->kind == FORMS_TEXT && strcmp(x->kind, "field") == 0) {
            buf_adds(b, "(手書きの文字: 画像を見て入力してください)");
        } else {
            value_label(b, fld, x->suggested);
            if (fld && fld->unit) {
                buf_adds(b, " ");
                html_esc(b, fld->unit);
            }
            if (x->suggested[0] && !offer && fld && fld->kind != FORMS_MYNUMBER)
                buf_adds(b, " <span class=\"small\">(この項目に合わない値です。候補にしません)</span>");
        }
        buf_adds(b, "</p>");
    }
    if (!open) {
        buf_adds(b, "<p class=\"msg\">この項目は既に処理されています (");
        html_esc(b, strcmp(x->status, "accepted") == 0 ? "承認" : strcmp(x->status, "corrected") == 0 ? "訂正"
                                                                                                : "空欄・却下");
        buf_adds(b, ": ");
        value_label(b, fld, x->value);
        buf_addf(b, ")。</p><p><a class=\"button primary\" id=\"next\" href=\"/item/next?after=%lld&amp;risk=%d%s\">"
                    "次の項目へ <kbd>Enter</kbd></a></p>",
                 (long long)x->r.id, x->r.risk, sc.s);
    } else {
        buf_addf(b, "<form id=\"resolve\" tabindex=\"-1\" method=\"post\" action=\"/item/%lld", (long long)x->r.id);
        scope_attr(r, '?', b);
        buf_adds(b, "\">");
        html_csrf(r);
        buf_adds(b, "<input type=\"hidden\" name=\"act\" value=\"auto\">");
        if (strcmp(x->kind, "identity") == 0)
            identity_candidates(r, &pg, b);
        if (issue) {
            /* a real choice: this sheet lands, or it is thrown away */
            buf_adds(b, "<div class=\"opts\"><button type=\"submit\" name=\"value\" class=\"opt\" "
                        "data-key=\"1\" value=\"use\" id=\"use\"><kbd>1</kbd> ");
            buf_adds(b, has_dup ? "この用紙も登録する (取込済みの用紙はそのまま)"
                                : "この用紙を登録する");
            buf_adds(b, "</button><button type=\"submit\" name=\"value\" class=\"opt\" data-key=\"2\" "
                        "value=\"drop\" id=\"drop\"><kbd>2</kbd> ");
            buf_adds(b, has_dup ? "この用紙を却下する (取込済みの用紙を残す)" : "この用紙を却下する");
            buf_adds(b, "</button></div>");
        } else if (choice) {
            buf_adds(b, "<div class=\"opts\">");
            if (fld->kind == FORMS_CHOICE) {
                for (size_t i = 0; i < fld->n_options && i < 9; i++) {
                    buf_addf(b, "<button type=\"submit\" name=\"value\" class=\"opt\" data-key=\"%zu\" value=\"", i + 1);
                    html_esc(b, fld->options[i].value);
                    buf_addf(b, "\"><kbd>%zu</kbd> ", i + 1);
                    html_esc(b, fld->options[i].label);
                    buf_adds(b, "</button>");
                }
            } else {
                buf_adds(b, "<button type=\"submit\" name=\"value\" class=\"opt\" data-key=\"1\" value=\"1\">"
                            "<kbd>1</kbd> あり</button>"
                            "<button type=\"submit\" name=\"value\" class=\"opt\" data-key=\"0\" value=\"0\">"
                            "<kbd>0</kbd> なし</button>");
            }
            buf_adds(b, "</div>");
        } else if (fld && strcmp(x->kind, "field") == 0 && fld->kind == FORMS_MULTI) {
            /* several may be chosen: a box per option, ticked as read */
            buf_adds(b, "<input type=\"hidden\" name=\"multi\" value=\"1\"><div class=\"opts multi\">");
            for (size_t i = 0; i < fld->n_options; i++) {
                buf_adds(b, "<label class=\"optm\"><input type=\"checkbox\" name=\"m\" value=\"");
                html_esc(b, fld->options[i].value);
                buf_adds(b, "\"");
                if (i < 10)     /* 1…9, then 0 for a tenth */
                    buf_addf(b, " data-key=\"%zu\"", (i + 1) % 10);
                if (list_has(x->suggested, fld->options[i].value))
                    buf_adds(b, " checked");
                buf_adds(b, ">");
                if (i < 10)
                    buf_addf(b, "<kbd>%zu</kbd> ", (i + 1) % 10);
                html_esc(b, fld->options[i].label);
                buf_adds(b, "</label>");
            }
            buf_adds(b, "</div><p class=\"hint\">数字キーで印を付け外しし、Enter で登録します"
                        " (どれにも印がなければ空欄として確定)。</p>");
        } else {
            int mn = fld && fld->kind == FORMS_MYNUMBER;
            buf_adds(b, strcmp(x->kind, "identity") == 0
                            ? "<label class=\"value\">宛名番号 (候補にないときは入力)"
                        : child_item ? "<label class=\"value\">お子さんの宛名番号 (母の世帯の1歳未満の子)"
                        : mn ? "<label class=\"value\">個人番号 (画像を見て12桁を入力。読取値は保存していません)"
                        : offer ? "<label class=\"value\">正しい値 (読取値が正しければ空のまま Enter)"
                                : "<label class=\"value\">正しい値 (画像を見て入力)");
            buf_adds(b, "<input name=\"value\" id=\"value\" autocomplete=\"off\" autofocus");
            if (mn)
                buf_adds(b, " inputmode=\"numeric\"");
            buf_adds(b, " placeholder=\"");
            placeholder_text(b, fld, mn || !offer ? "" : x->suggested);
            buf_adds(b, "\" value=\"");
            /* after a refused value she sees what she typed */
            if (error && req_param(r, "value") && !req_param(r, "multi"))
                html_esc(b, req_param(r, "value"));
            buf_adds(b, "\"></label>");
            if (fld && fld->kind == FORMS_DATE)
                buf_adds(b, "<p class=\"hint\">例: R8.4.1 / 令和8年4月1日 / 2026-04-01</p>");
        }
        buf_adds(b, "<div class=\"actions\">");
        if (issue)
            ;   /* the two choices above */
        else if (offer && (x->suggested[0] || strcmp(x->kind, "rule") == 0))
            buf_adds(b, "<button type=\"submit\" class=\"primary\" id=\"accept\">登録 <kbd>Enter</kbd></button>");
        else if (!choice)
            buf_adds(b, "<button type=\"submit\" class=\"primary\" id=\"accept\">入力した値で登録 <kbd>Enter</kbd></button>");
        buf_adds(b, "<button type=\"submit\" name=\"act\" value=\"reject\" id=\"reject\">");
        buf_adds(b, strcmp(x->kind, "identity") == 0 ? "本人不明としてページを却下"
                    : issue || child_item ? "この用紙を却下" : "空欄として確定");
        buf_addf(b, " <kbd>F8</kbd></button><a class=\"button\" id=\"skip\" "
                    "href=\"/item/next?after=%lld&amp;risk=%d%s\">飛ばす <kbd>Esc</kbd></a></div></form>",
                 (long long)x->r.id, x->r.risk, sc.s);
    }
    if (open && strcmp(x->kind, "identity") == 0) {
        /* search the master by what the nurse reads on the sheet */
        buf_addf(b, "<form id=\"find\" class=\"find\" method=\"get\" action=\"/item/%lld\">"
                    "<b>住民記録を検索</b> <kbd>/</kbd><label>フリガナ<input name=\"kana\" id=\"find-kana\" "
                    "autocomplete=\"off\" value=\"", (long long)x->r.id);
        html_esc(b, nz(req_param(r, "kana")));
        buf_adds(b, "\"></label><label>生年月日<input name=\"birth\" autocomplete=\"off\" "
                    "placeholder=\"H9.1.29 / 1997-01-29\" value=\"");
        html_esc(b, nz(req_param(r, "birth")));
        buf_adds(b, "\"></label><button type=\"submit\">検索</button>");
        scope_hidden(r, b);
        buf_adds(b, "</form>");
        if (actor_can(&r->actor, PERM_RECORDS_WRITE) && strcmp(pg.form, "ninshin_todoke") == 0) {
            /* she is not in the master (住民票は他市町村): only by the nurse's decision */
            int asked = req_param(r, "act") && strcmp(req_param(r, "act"), "register") == 0;
            buf_addf(b, "<details class=\"register\"%s><summary>住民記録にない方を住登外として登録</summary>"
                        "<form id=\"register\" method=\"post\" action=\"/item/%lld",
                     asked ? " open" : "", (long long)x->r.id);
            scope_attr(r, '?', b);
            buf_adds(b, "\">");
            html_csrf(r);
            buf_adds(b, "<input type=\"hidden\" name=\"act\" value=\"register\">");
            static const char *const f[][3] = {
                { "u_name", "氏名", "例: 森　真由美" }, { "u_kana", "フリガナ", "例: モリ　マユミ" },
                { "u_birth", "生年月日", "例: H9.1.29 / 1997-01-29" }, { "u_address", "住所 (任意)", "" },
                { "u_reason", "理由 (必須)", "例: 住民票は他市 (里帰り出産)" },
            };
            for (size_t k = 0; k < 5; k++) {
                buf_addf(b, "<label>%s<input name=\"%s\" id=\"%s\" autocomplete=\"off\" placeholder=\"%s\" "
                            "value=\"", f[k][1], f[k][0], f[k][0], f[k][2]);
                if (asked)
                    html_esc(b, nz(req_param(r, f[k][0])));
                buf_adds(b, "\"></label>");
            }
            buf_adds(b, "<button type=\"submit\" id=\"register-submit\">住登外として登録し本人を確定</button>"
                        "</form></details>");
        }
    }
    buf_addf(b, "<p class=\"links\"><a href=\"/page/%lld\">このページの読取結果をまとめて見る</a>",
             (long long)pg.id);
    if (strcmp(x->kind, "field") == 0) {
        buf_adds(b, " ・<a href=\"/field?form=");
        url_esc(b, x->form);
        buf_adds(b, "&amp;field=");
        url_esc(b, x->field);
        buf_adds(b, "\">同じ項目をまとめて確認</a>");
    }
    if (x->subject[0] && actor_can(&r->actor, PERM_RECORDS_READ)) {
        buf_adds(b, " ・<a href=\"/person/");
        url_esc(b, x->subject);
        buf_adds(b, "\">この方の記録</a>");
    }
    buf_adds(b, "</p></section></div>");
    page_end(r);
    buf_release(&sc);
}

/* /item/next?after=ID&risk=R: the next open item in queue order (wrapping round). */
static void item_next(struct req *r)
{
    struct qlist q;
    struct berr e;
    struct buf extra;
    int64_t after = 0;
    int risk = 0;
    const struct qitem *next = NULL;
    const char *done = req_param(r, "done");

    memset(&q, 0, sizeof(q));
    scope_filters(r, &q);          /* the queue the nurse chose, not all of it */
    parse_id(req_param(r, "after"), &after);
    risk = atoi(nz(req_param(r, "risk")));
    if (queue_load(r, &q, &e) < 0) {
        page_error(r, status_for(&e), "確認待ちを読めません", e.msg);
        goto cleanup;
    }
    for (size_t i = 0; i < q.n && next == NULL; i++)
        if (q.items[i].risk < risk || (q.items[i].risk == risk && q.items[i].id > after))
            next = &q.items[i];
    int wrapped = 0;
    for (size_t i = 0; i < q.n && next == NULL; i++)
        if (q.items[i].id != after) {
            next = &q.items[i];
            wrapped = after > 0;        /* past the last: round again from the top */
        }
    buf_init(&extra);
    buf_addf(&extra, "&left=%zu%s", q.n, wrapped ? "&wrapped=1" : "");
    {
        struct buf sq;
        buf_init(&sq);
        scope_query(r, &sq);
        if (sq.len)
            buf_addf(&extra, "&%s", sq.s);
        buf_release(&sq);
    }
    if (done && parse_id(done, &after) == 0)
        buf_addf(&extra, "&done=%lld%s", (long long)after, req_param(r, "landed") ? "&landed=1" : "");
    if (next) {
        req_redirect(r, "/item/%lld?x=1%s%s", (long long)next->id, extra.s, r->frag ? "&frag=1" : "");
    } else {
        int scoped = (q.reason && *q.reason) || (q.form && *q.form) || (q.batch && *q.batch) ||
                     q.from.y || q.to.y;
        page_begin(r, "確認待ちはありません", "done");
        buf_addf(&r->body, "<section class=\"done\"><h1>%s確認待ちはすべて終わりました</h1>",
                 scoped ? "この条件の" : "");
        if (done)
            buf_adds(&r->body, "<p class=\"flash\">最後の項目を登録しました。</p>");
        buf_adds(&r->body, "<p><a class=\"button primary\" id=\"next\" href=\"/queue\">確認待ちの一覧へ</a></p></section>");
        page_end(r);
    }
    buf_release(&extra);
cleanup:
    queue_free(&q);
}

static void h_item(struct req *r)
{
    struct review_item x;
    struct berr e;
    int64_t id;

    if (strcmp(r->rest, "next") == 0) {
        item_next(r);
        return;
    }
    if (parse_id(r->rest, &id) < 0) {
        page_error(r, 404, "ページがありません", "確認待ちの番号が正しくありません。");
        return;
    }
    if (review_item_get(r->st, &r->actor, id, &x, &e) < 0) {
        page_error(r, e.code == BERR_NOTFOUND ? 404 : 500, "確認待ちを開けません", e.msg);
        return;
    }
    item_render(r, &x, NULL);
}

/* Decides the action from what the nurse sent: empty (or the suggestion) accepts. */
static enum review_action decide(const struct review_item *x, const char *act, const char *value)
{
    if (act && strcmp(act, "reject") == 0)
        return REVIEW_REJECT;
    if (value == NULL || *value == '\0' || strcmp(value, x->suggested) == 0)
        return REVIEW_ACCEPT;
    return REVIEW_CORRECT;
}

static void h_item_post(struct req *r)
{
    struct review_item x;
    struct review_outcome out;
    struct berr e;
    int64_t id;
    const char *value = req_param(r, "value");
    enum review_action act;
    struct buf multi;

    berr_clear(&e);
    buf_init(&multi);
    if (parse_id(r->rest, &id) < 0) {
        page_error(r, 404, "ページがありません", "確認待ちの番号が正しくありません。");
        goto cleanup;
    }
    if (review_item_get(r->st, &r->actor, id, &x, &e) < 0) {
        page_error(r, e.code == BERR_NOTFOUND ? 404 : 500, "確認待ちを開けません", e.msg);
        goto cleanup;
    }
    if (req_param(r, "act") && strcmp(req_param(r, "act"), "register") == 0) {
        /* a 住登外 mother: registered and her identity settled in one transaction */
        struct ymd birth;
        char uid[16];
        int rc;
        if (strcmp(x.kind, "identity") != 0 || strcmp(x.status, "open") != 0) {
            r->status = strcmp(x.status, "open") != 0 ? 409 : 422;
            item_render(r, &x, "この項目は住登外の登録に使えません (未処理の本人確認ではありません)。");
            goto cleanup;
        }
        if (jpdate_parse(nz(req_param(r, "u_birth")), &birth) < 0) {
            r->status = 422;
            item_render(r, &x, "生年月日が読めません。例: H9.1.29 / 平成9年1月29日 / 1997-01-29");
            goto cleanup;
        }
        rc = store_begin(r->st, &e);
        if (rc == 0)
            rc = unregistered_add(r->st, &r->actor, nz(req_param(r, "u_name")), nz(req_param(r, "u_kana")),
                                  birth, nz(req_param(r, "u_address")), req_param(r, "u_reason"), uid, &e);
        if (rc == 0)
            rc = review_item_apply(r->st, &r->actor, r->srv->forms, &x, REVIEW_CORRECT, uid, &out, &e);
        if (rc == 0)
            rc = store_commit(r->st, &e);
        else
            store_rollback(r->st);
        if (rc == 0) {
            struct buf sq;
            buf_init(&sq);
            scope_query(r, &sq);
            req_redirect(r, "/item/next?after=%lld&risk=%d&done=%lld%s%s%s", (long long)id, x.r.risk,
                         (long long)id, out.page_done ? "&landed=1" : "", sq.len ? "&" : "",
                         sq.len ? sq.s : "");
            buf_release(&sq);
            goto cleanup;
        }
        r->status = e.code == BERR_DENIED ? 403 : e.code == BERR_CONFLICT ? 409 : 422;
        item_render(r, &x, e.msg);
        goto cleanup;
    }
    if (req_param(r, "multi") != NULL) {
        /* the ticked options of a multi field; none ticked is a blank */
        for (size_t i = 0; i < r->nform; i++)
            if (strcmp(r->form[i].k, "m") == 0) {
                if (multi.len > 0)
                    buf_addc(&multi, ',');
                buf_adds(&multi, r->form[i].v);
            }
        value = multi.len > 0 ? multi.s : "";
        act = decide(&x, req_param(r, "act"), value);
        if (multi.len == 0 && act != REVIEW_REJECT) {
            /* a habitual Enter must not settle "none": blank is F8 */
            r->status = 422;
            item_render(r, &x, "どれにも印がありません。選ぶ番号のキーを押すか、空欄なら F8 を押してください。");
            goto cleanup;
        }
    } else if (strcmp(x.kind, "issue") == 0 && strcmp(x.field, HEARING_CHILD_FIELD) == 0 &&
               !(req_param(r, "act") && strcmp(req_param(r, "act"), "reject") == 0)) {
        /* the baby of a 新生児聴覚検査 with a リファー, typed by the nurse */
        if (value == NULL || *value == '\0') {
            r->status = 422;
            item_render(r, &x, "お子さんの宛名番号を入力してください。");
            goto cleanup;
        }
        act = REVIEW_CORRECT;
    } else if (strcmp(x.kind, "issue") == 0 && !(req_param(r, "act") &&
                                                  strcmp(req_param(r, "act"), "reject") == 0)) {
        /* a choice, never free text: use this sheet, or throw it away */
        if (value && strcmp(value, "use") == 0) {
            act = REVIEW_ACCEPT;
            value = NULL;
        } else if (value && strcmp(value, "drop") == 0) {
            act = REVIEW_REJECT;
            value = NULL;
        } else {
            r->status = 422;
            item_render(r, &x, "選択肢から選んでください (1: この用紙を登録する / 2: この用紙を却下する)。");
            goto cleanup;
        }
    } else {
        act = decide(&x, req_param(r, "act"), value);
    }
    if (strcmp(x.status, "open") == 0 && act == REVIEW_ACCEPT && strcmp(x.kind, "identity") == 0 &&
        (value == NULL || *value == '\0')) {
        struct page_row ipg;
        if (page_get(r->st, x.r.page_id, &ipg, &e) == 0 && birth_contradicts(r, &ipg, x.suggested)) {
            r->status = 422;
            item_render(r, &x, "第1候補の生年月日が用紙と違います。候補を選ぶか (Alt+数字)、宛名番号を入力してください。");
            goto cleanup;
        }
    }
    if (strcmp(x.status, "open") != 0) {
        e.code = BERR_CONFLICT;
    } else if (review_item_apply(r->st, &r->actor, r->srv->forms, &x, act, value, &out, &e) == 0) {
        struct buf sq;
        buf_init(&sq);
        scope_query(r, &sq);
        req_redirect(r, "/item/next?after=%lld&risk=%d&done=%lld%s%s%s%s", (long long)id, x.r.risk,
                     (long long)id, out.page_done ? "&landed=1" : "", r->frag ? "&frag=1" : "",
                     sq.len ? "&" : "", sq.len ? sq.s : "");
        buf_release(&sq);
        goto cleanup;
    }
    if (e.code == BERR_CONFLICT) {
        struct review_item now;
        struct berr e2;
        r->status = 409;
        page_begin(r, "処理済みです", "conflict");
        buf_addf(&r->body, "<section class=\"conflict\"><h1>この項目は既に処理されています</h1>"
                           "<p>番号 %lld は、ほかの方が先に処理しました。あなたの入力は登録していません"
                           " (先の処理が有効です)。</p>", (long long)id);
        /* what stands now, so that a disagreement is seen */
        if (review_item_get(r->st, &r->actor, id, &now, &e2) == 0) {
            struct page_row pg;
            const struct forms_field *fld = page_get(r->st, now.r.page_id, &pg, &e2) == 0
                                                ? field_def(r, pg.form, pg.version, now.field) : NULL;
            buf_adds(&r->body, "<p class=\"reading\"><b>登録されている値</b> ");
            if (strcmp(now.status, "rejected") == 0)
                buf_adds(&r->body, "空欄・却下");
            else
                value_label(&r->body, fld, now.value);
            if (value && *value) {
                buf_adds(&r->body, " <span class=\"small\">(あなたの入力: ");
                html_esc(&r->body, value);
                buf_adds(&r->body, ")</span>");
            }
            buf_adds(&r->body, "</p>");
        }
        buf_addf(&r->body, "<p><a class=\"button primary\" id=\"next\" "
                           "href=\"/item/next?after=%lld&amp;risk=%d",
                 (long long)id, x.r.risk);
        scope_attr(r, '&', &r->body);
        buf_adds(&r->body, "\">次の項目へ <kbd>Enter</kbd></a></p></section>");
        page_end(r);
        goto cleanup;
    }
    if (e.code == BERR_INVALID || e.code == BERR_NOTFOUND || e.code == BERR_DENIED) {
        r->status = e.code == BERR_DENIED ? 403 : 422;
        item_render(r, &x, e.msg);
        goto cleanup;
    }
    page_error(r, 500, "登録できませんでした", e.msg);
cleanup:
    buf_release(&multi);
}

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
        html_esc(b, form_title(r, g[k].form));
        buf_adds(b, "</td><td><a href=\"/field?form=");
        url_esc(b, g[k].form);
        buf_adds(b, "&amp;field=");
        url_esc(b, g[k].field);
        buf_adds(b, "\">");
        html_esc(b, field_label(r, g[k].form, g[k].field));
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
    if (queue_load(r, &q, &e) < 0) {
        page_error(r, status_for(&e), "確認待ちを読めません", e.msg);
        goto cleanup;
    }
    if (q.form == NULL || q.field == NULL || !*q.form || !*q.field) {
        field_groups(r, &q);
        goto cleanup;
    }
    fld = field_def(r, q.form, 0, q.field);
    page_begin(r, field_label(r, q.form, q.field), "grid");
    buf_adds(b, "<h1>");
    html_esc(b, field_label(r, q.form, q.field));
    buf_addf(b, " <span class=\"count\">%zu 件</span></h1><p class=\"meta\">", q.n);
    html_esc(b, form_title(r, q.form));
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
        value_label(b, fld, x.suggested);
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
                html_esc(b, nz(req_param(r, cname)));
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
    queue_free(&q);
}

/* Applies one decision of a grid or a page form; counts the outcome. */
static void apply_one(struct req *r, int64_t id, enum review_action act, const char *value,
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

static void h_field(struct req *r)
{
    field_grid(r, NULL, 0, -1, 0);
}

static void h_field_post(struct req *r)
{
    struct buf loc;
    struct refusal why[REFUSALS_MAX];
    int ok = 0, conflict = 0, bad = 0;

    for (size_t i = 0; i < r->nform; i++) {
        int64_t id;
        const char *k = r->form[i].k, *v = r->form[i].v;
        if (strncmp(k, "d_", 2) != 0 || parse_id(k + 2, &id) < 0)
            continue;
        char cname[40];
        snprintf(cname, sizeof(cname), "c_%lld", (long long)id);
        const char *typed = req_param(r, cname);
        if (typed && *typed)
            apply_one(r, id, REVIEW_CORRECT, typed, &ok, &conflict, &bad, why);
        else if (strcmp(v, "accept") == 0)
            apply_one(r, id, REVIEW_ACCEPT, NULL, &ok, &conflict, &bad, why);
        else if (strcmp(v, "reject") == 0)
            apply_one(r, id, REVIEW_REJECT, NULL, &ok, &conflict, &bad, why);
        else if (strncmp(v, "v:", 2) == 0)
            apply_one(r, id, REVIEW_CORRECT, v + 2, &ok, &conflict, &bad, why);
    }
    if (bad > 0) {
        /* the grid again, each refused sheet marked with why, what she typed kept */
        r->status = 422;
        field_grid(r, why, bad < REFUSALS_MAX ? bad : REFUSALS_MAX, ok, conflict);
        return;
    }
    buf_init(&loc);
    buf_adds(&loc, "/field?form=");
    url_esc(&loc, nz(req_param(r, "form")));
    buf_adds(&loc, "&field=");
    url_esc(&loc, nz(req_param(r, "field")));
    buf_addf(&loc, "&ok=%d&conflict=%d&err=%d", ok, conflict, bad);
    req_redirect(r, "%s", loc.s);
    buf_release(&loc);
}

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
    snprintf(d->value, sizeof(d->value), "%s", nz(x->value));
    snprintf(d->read, sizeof(d->read), "%s", nz(x->read_value));
    snprintf(d->decision, sizeof(d->decision), "%s", x->decision);
    snprintf(d->reason, sizeof(d->reason), "%s", nz(x->reason));
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
        value_label(b, fld, d->value);
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
        placeholder_text(b, fld, typed);
        buf_adds(b, "\"></label>");
        if (fld->kind == FORMS_DATE)
            buf_adds(b, "<p class=\"hint\">例: R8.4.1 / 令和8年4月1日 / 2026-04-01</p>");
    }
    buf_adds(b, "<label>理由 (必須) <input name=\"reason\" id=\"edit-reason\" autocomplete=\"off\" value=\"");
    html_esc(b, nz(req_param(r, "reason")));
    buf_adds(b, "\"></label><div class=\"actions\"><button type=\"submit\" class=\"primary\" name=\"how\" "
                "value=\"set\" id=\"edit-set\">訂正して登録</button><button type=\"submit\" name=\"how\" "
                "value=\"reopen\" id=\"edit-reopen\">確認待ちに戻すだけ</button>");
    buf_addf(b, "<a class=\"button\" href=\"/page/%lld\">やめる</a></div></form>", (long long)pg->id);
}

static void page_render(struct req *r, const char *error);

static void h_page(struct req *r)
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
    if (parse_id(r->rest, &id) < 0 || page_get(r->st, id, &pg, &e) < 0) {
        page_error(r, 404, "ページがありません", "ページの番号が正しくありません。");
        goto cleanup;
    }
    snprintf(detail, sizeof(detail), "ページ %lld の読取結果を表示", (long long)id);
    if (audit_append(r->st, &r->actor, "web.page", pg.subject[0] ? pg.subject : NULL, detail,
                     &e) < 0 ||
        page_readings(r->st, id, keep_reading, &rs, &e) < 0) {
        page_error(r, status_for(&e), "ページを読めません", e.msg);
        goto cleanup;
    }
    q.page_id = id;
    if (queue_load(r, &q, &e) < 0) {
        page_error(r, status_for(&e), "確認待ちを読めません", e.msg);
        goto cleanup;
    }
    page_begin(r, "ページの読取結果", "page");
    buf_adds(b, "<h1>ページの読取結果</h1><p class=\"meta\">");
    html_esc(b, form_title(r, pg.form));
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
        html_esc(b, field_label(r, pg.form, edited));
        buf_adds(b, land ? "」を訂正し、記録を登録し直しました。</p>" : "」を確認待ちに戻しました。</p>");
    }
    if (error) {
        buf_adds(b, "<p class=\"msg\" role=\"alert\">");
        html_esc(b, error);
        buf_adds(b, "</p>");
        if (edit)
            rule_links(r, &pg, edit, error);
    }
    for (size_t i = 0; edit && i < rs.n; i++) {
        const struct forms_field *fld = field_def(r, pg.form, pg.version, rs.v[i].field);
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
            html_esc(b, field_label(r, pg.form, d->field));
            buf_adds(b, "</title></polygon></a>");
        } else {
            buf_adds(b, "<rect class=\"d-");
            html_esc(b, d->decision);
            buf_addf(b, "\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>", d->box[0],
                     d->box[1], d->box[2], d->box[3]);
            html_esc(b, field_label(r, pg.form, d->field));
            buf_adds(b, "</title></rect></a>");
        }
    }
    buf_addf(b, "</svg><form method=\"post\" action=\"/page/%lld\" class=\"readings\">", (long long)id);
    html_csrf(r);
    buf_adds(b, "<table><thead><tr><th>項目</th><th>値</th><th>読取</th><th>状態</th><th>確認</th></tr>"
                "</thead><tbody>");
    for (size_t i = 0; i < rs.n; i++) {
        struct rd *d = &rs.v[i];
        const struct forms_field *fld = field_def(r, pg.form, pg.version, d->field);
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
            value_label(b, fld, d->value);
        buf_adds(b, "</td><td>");
        if (fld && fld->kind == FORMS_MYNUMBER)
            buf_adds(b, "-");
        else if (d->read[0])
            value_label(b, fld, d->read);
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
            placeholder_text(b, fld, it->suggested);
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
        html_esc(b, field_label(r, q.items[k].form, q.items[k].field));
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
    queue_free(&q);
}

static void h_page_post(struct req *r)
{
    struct qlist q;
    struct berr e;
    int64_t id;
    int ok = 0, conflict = 0, bad = 0;
    const char *edit = req_param(r, "edit");

    memset(&q, 0, sizeof(q));
    if (parse_id(r->rest, &id) < 0) {
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
            page_error(r, status_for(&e), "訂正できませんでした", e.msg);
            return;
        }
        r->status = e.code == BERR_CONFLICT ? 409 : 422;
        page_render(r, e.msg);
        return;
    }
    q.page_id = id;
    if (queue_load(r, &q, &e) < 0) {
        page_error(r, status_for(&e), "確認待ちを読めません", e.msg);
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
            apply_one(r, q.items[k].id, REVIEW_REJECT, NULL, &ok, &conflict, &bad, NULL);
        else if ((acc && strcmp(acc, "1") == 0 && (v == NULL || *v == '\0')) ||
                 (v && *v && strcmp(v, q.items[k].suggested) == 0))
            apply_one(r, q.items[k].id, REVIEW_ACCEPT, NULL, &ok, &conflict, &bad, NULL);
        else if (v && *v)
            apply_one(r, q.items[k].id, REVIEW_CORRECT, v, &ok, &conflict, &bad, NULL);
    }
    req_redirect(r, "/page/%lld?ok=%d&conflict=%d&err=%d", (long long)id, ok, conflict, bad);
cleanup:
    queue_free(&q);
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
    if (parse_id(r->rest, &id) < 0 ||
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

static void h_img_crop(struct req *r)
{
    crop_answer(r, 0, NULL);
}

static void h_img_crop_reveal(struct req *r)
{
    const char *why = req_param(r, "reason");

    if (why == NULL || *why == '\0' || strlen(why) > 200) {
        page_error(r, 422, "処理事由がありません", "個人番号の画像を表示する処理事由を入力してください。");
        return;
    }
    crop_answer(r, 1, why);
}

static void h_img_page(struct req *r)
{
    int64_t id, reading = 0;
    struct page_row pg;
    struct berr e;
    void *png = NULL;
    size_t len = 0;
    const char *rs = req_param(r, "r");

    if (rs && *rs && strcmp(rs, "0") != 0 && parse_id(rs, &reading) < 0)
        reading = 0;
    if (parse_id(r->rest, &id) < 0 || page_get(r->st, id, &pg, &e) < 0) {
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

/* ---- a person ------------------------------------------------------------------------------ */

static int valid_atena(const char *s)
{
    size_t n = s ? strlen(s) : 0;

    if (n == 0 || n > 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static const char *const reasons[] = {
    "読取確認のため", "健診結果の確認", "訪問・相談の対応", "精密検査の経過確認", "妊娠届出の確認",
};

static void person_ask(struct req *r, const char *atena, const char *msg, int reveal)
{
    struct buf *b = &r->body;

    page_begin(r, "処理事由の入力", "ask");
    buf_adds(b, "<section class=\"ask\"><h1>");
    buf_adds(b, reveal ? "個人番号を表示する理由" : "記録を開く理由 (処理事由)");
    buf_adds(b, "</h1><p>宛名番号 ");
    html_esc(b, atena);
    buf_adds(b, " の記録を開きます。閲覧はアクセス記録に残ります。</p>");
    if (msg) {
        buf_adds(b, "<p class=\"msg\" role=\"alert\">");
        html_esc(b, msg);
        buf_adds(b, "</p>");
    }
    buf_adds(b, "<form method=\"post\" action=\"/person/");
    url_esc(b, atena);
    buf_adds(b, "\">");
    html_csrf(r);
    buf_adds(b, "<input type=\"hidden\" name=\"act\" value=\"");
    buf_adds(b, reveal ? "reveal" : "view");
    buf_adds(b, "\"><fieldset><legend>処理事由</legend>");
    for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
        buf_addf(b, "<label class=\"radio\"><input type=\"radio\" name=\"reason\" value=\"");
        html_esc(b, reasons[i]);
        buf_addf(b, "\"%s> <kbd>%zu</kbd> ", i == 0 ? " required" : "", i + 1);
        html_esc(b, reasons[i]);
        buf_adds(b, "</label>");
    }
    buf_adds(b, "<label>その他 (具体的に)<input name=\"reason_text\" autocomplete=\"off\"></label>"
                "</fieldset><button type=\"submit\" class=\"primary\">開く</button></form></section>");
    page_end(r);
}

static void h_person_ask(struct req *r)
{
    const char *atena = *r->rest ? r->rest : req_param(r, "atena");

    if (!valid_atena(atena)) {
        page_error(r, 404, "宛名番号が正しくありません", "宛名番号は10桁までの数字です。");
        return;
    }
    if (*r->rest == '\0') {
        req_redirect(r, "/person/%s", atena);
        return;
    }
    person_ask(r, atena, NULL, 0);
}

struct rec_ctx {
    struct req *r;
    struct buf *b;
    const char *last;
};

static const char *col_label(const char *c)
{
    static const struct { const char *c, *l; } m[] = {
        { "todoke_date", "届出日" }, { "weeks_at_todoke", "届出時週数" }, { "due_date", "分娩予定日" },
        { "parity", "出産経験" }, { "diagnosed_by", "診断医療機関" }, { "issue_id", "発行番号" },
        { "kai", "回" }, { "used_date", "受診日" }, { "weeks", "週数" }, { "clinic_code", "医療機関" },
        { "tests", "検査" }, { "amount_yen", "金額(円)" }, { "form", "健診" }, { "exam_date", "受診日" },
        { "height_cm", "身長(cm)" }, { "weight_kg", "体重(kg)" }, { "head_cm", "頭囲(cm)" },
        { "chest_cm", "胸囲(cm)" }, { "findings", "所見" }, { "result", "判定・結果" },
        { "referral_targets", "精密検査先" }, { "targets", "依頼先" }, { "result_date", "結果日" },
        { "created_at", "作成" }, { "closed_at", "完了" }, { "pages", "用紙" },
        { "hearing_right", "聴覚 右" }, { "hearing_left", "聴覚 左" }, { "visit_date", "訪問日" },
        { "visitor", "訪問者" }, { "subjects", "対象" }, { "weight_g", "体重(g)" },
        { "feeding", "栄養方法" }, { "epds_total", "EPDS合計" }, { "epds_10", "EPDS項目10" },
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
        if (strcmp(m[i].c, c) == 0)
            return m[i].l;
    return c;
}

/*
 * One cell of a record as a nurse reads it: the form's title, dates in 和暦,
 * option codes as their printed labels (through the form field that lands
 * in this column); anything else as stored.
 */
/* The choice/multi field some form defines for a column (e.g. checkups.referral_targets). */
static const struct forms_field *option_field(struct req *r, const char *col)
{
    const struct forms_registry *reg = r->srv->forms;
    /* referrals.targets is copied by boshi from the checkup's 精密検査先 */
    const char *want = strcmp(col, "targets") == 0 ? "referral_targets" : col;

    for (size_t i = 0; reg && i < forms_registry_count(reg); i++) {
        const struct forms_form *f = forms_registry_at(reg, i);
        for (size_t k = 0; k < f->n_fields; k++) {
            const struct forms_field *fld = &f->fields[k];
            const char *dot = fld->column ? strchr(fld->column, '.') : NULL;
            if ((fld->kind == FORMS_CHOICE || fld->kind == FORMS_MULTI) && dot &&
                strcmp(dot + 1, want) == 0)
                return fld;
        }
    }
    return NULL;
}

static void rec_value(struct rec_ctx *c, const char *table, int ncols, const char *const *names,
                      const char *const *values, int i)
{
    static const struct { const char *t, *form; } owner[] = {
        { "pregnancies", "ninshin_todoke" }, { "vouchers", "ninpu_jushinken" },
        { "referrals", "seimitsu_houkoku" }, { "visits", "shinseiji_houmon" },
    };
    const char *v = values[i], *col = names[i], *form = NULL;
    const struct forms_form *f;
    struct ymd d;
    size_t n = strlen(col);

    if (v == NULL || *v == '\0')
        return;
    if (strcmp(col, "form") == 0) {
        html_esc(c->b, form_title(c->r, v));
        return;
    }
    if (n >= 4 && strcmp(col + n - 4, "date") == 0 && strlen(v) == 10 && jpdate_parse(v, &d) == 0) {
        char w[40];
        jpdate_format(d, w, sizeof(w));
        html_esc(c->b, w);
        return;
    }
    if (strcmp(col, "pages") == 0) {
        /* each page the record came from: where a nurse checks or changes a value */
        for (const char *p = v; *p;) {
            long long pid = strtoll(p, NULL, 10);
            if (actor_can(&c->r->actor, PERM_REVIEW))
                buf_addf(c->b, "%s<a href=\"/page/%lld\" class=\"pagelink\">読取結果・訂正 (%lld)</a>",
                         p == v ? "" : " ", pid, pid);
            p += strcspn(p, ",");
            p += *p == ',';
        }
        return;
    }
    if (n >= 3 && strcmp(col + n - 3, "_at") == 0) {
        char w[64];
        if (jptime_format(v, w, sizeof(w))) {
            html_esc(c->b, w);
            return;
        }
    }
    for (int k = 0; k < ncols; k++)
        if (strcmp(names[k], "form") == 0)
            form = values[k];
    for (size_t k = 0; form == NULL && k < sizeof(owner) / sizeof(owner[0]); k++)
        if (strcmp(owner[k].t, table) == 0)
            form = owner[k].form;
    f = form && c->r->srv->forms ? forms_registry_get(c->r->srv->forms, form, 0) : NULL;
    const struct forms_field *any = option_field(c->r, col);
    for (size_t k = 0; (f != NULL && k < f->n_fields) || any; k++) {
        const struct forms_field *fld = f != NULL && k < f->n_fields ? &f->fields[k] : any;
        const char *dot = fld->column ? strchr(fld->column, '.') : NULL;
        if (fld != any && (dot == NULL || strcmp(dot + 1, col) != 0 ||
                           (fld->kind != FORMS_CHOICE && fld->kind != FORMS_MULTI)))
            continue;
        /* each of a comma-separated list by its label */
        for (const char *p = v; *p;) {
            size_t len = strcspn(p, ",");
            char one[64];
            const char *l;
            snprintf(one, sizeof(one), "%.*s", (int)len, p);
            l = forms_option_label(fld, one);
            if (p != v)
                buf_adds(c->b, "、");
            html_esc(c->b, l ? l : one);
            p += len + (p[len] == ',');
        }
        return;
    }
    html_esc(c->b, v);
}

static int rec_row(const char *table, int ncols, const char *const *names,
                   const char *const *values, void *p)
{
    struct rec_ctx *c = p;
    static const struct { const char *t, *l; } titles[] = {
        { "pregnancies", "妊娠届出" }, { "vouchers", "受診券・助成券" },
        { "checkups", "乳幼児健診" }, { "referrals", "精密検査" }, { "visits", "新生児訪問" },
    };

    if (c->last == NULL || strcmp(c->last, table) != 0) {
        if (c->last)
            buf_adds(c->b, "</tbody></table>");
        for (size_t i = 0; i < sizeof(titles) / sizeof(titles[0]); i++)
            if (strcmp(titles[i].t, table) == 0) {
                buf_adds(c->b, "<h2>");
                html_esc(c->b, titles[i].l);
                buf_adds(c->b, "</h2>");
            }
        buf_adds(c->b, "<table class=\"rec\"><thead><tr>");
        for (int i = 0; i < ncols; i++) {
            buf_adds(c->b, "<th>");
            /* a voucher's form is which voucher, not a checkup */
            html_esc(c->b, strcmp(names[i], "form") == 0 && strcmp(table, "vouchers") == 0
                               ? "様式" : col_label(names[i]));
            buf_adds(c->b, "</th>");
        }
        buf_adds(c->b, "</tr></thead><tbody>");
        c->last = table;
    }
    buf_adds(c->b, "<tr>");
    for (int i = 0; i < ncols; i++) {
        buf_adds(c->b, "<td>");
        rec_value(c, table, ncols, names, values, i);
        buf_adds(c->b, "</td>");
    }
    buf_adds(c->b, "</tr>");
    return 0;
}

static void h_person(struct req *r)
{
    struct buf *b = &r->body;
    struct resident res;
    struct berr e;
    struct rec_ctx rc = { r, b, NULL };
    const char *atena = r->rest, *act = nz(req_param(r, "act"));
    const char *reason = req_param(r, "reason"), *text = req_param(r, "reason_text");
    char why[300], birth[40], shown[13] = "";
    int reveal = strcmp(act, "reveal") == 0;

    memset(&res, 0, sizeof(res));
    if (!valid_atena(atena)) {
        page_error(r, 404, "宛名番号が正しくありません", "宛名番号は10桁までの数字です。");
        return;
    }
    if (text && *text)
        snprintf(why, sizeof(why), "%s%s%s", reason ? reason : "", reason ? ": " : "", text);
    else
        snprintf(why, sizeof(why), "%s", nz(reason));
    if (why[0] == '\0') {
        r->status = 422;
        person_ask(r, atena, "処理事由を選ぶか入力してください。", reveal);
        return;
    }
    if (reveal && !actor_can(&r->actor, PERM_MYNUMBER_REVEAL)) {
        char msg[200];
        snprintf(msg, sizeof(msg), "個人番号の表示には「%s」の権限が必要です。", perm_label(PERM_MYNUMBER_REVEAL));
        page_error(r, 403, "権限がありません", msg);
        return;
    }
    if (residents_get(r->st, &r->actor, atena, "web.person", &res, &e) < 0) {
        page_error(r, e.code == BERR_NOTFOUND ? 404 : e.code == BERR_DENIED ? 403 : 500,
                   "記録を開けません", e.msg);
        return;
    }
    if (reveal && residents_reveal_mynumber(r->st, &r->actor, atena, why, shown, &e) < 0) {
        page_error(r, e.code == BERR_NOTFOUND ? 404 : 403, "個人番号を表示できません", e.msg);
        goto cleanup;
    }
    page_begin(r, "記録", "person");
    buf_adds(b, "<h1>");
    html_esc(b, res.name);
    buf_adds(b, " <small>");
    html_esc(b, res.kana);
    buf_adds(b, "</small></h1>");
    if (res.shien)
        buf_adds(b, "<p class=\"warn\">支援措置 (住民票の閲覧制限) の対象です。住所を人に伝えたり"
                    "一覧に書き出したりしないでください。</p>");
    buf_adds(b, "<dl class=\"person\"><dt>宛名番号</dt><dd>");
    html_esc(b, res.atena);
    jpdate_format(res.birth, birth, sizeof(birth));
    buf_adds(b, "</dd><dt>生年月日</dt><dd>");
    html_esc(b, birth);
    buf_adds(b, "</dd><dt>住所</dt><dd>");
    html_esc(b, res.address);
    buf_adds(b, " ");
    html_esc(b, res.katagaki);
    buf_adds(b, "</dd><dt>状態</dt><dd>");
    html_esc(b, resident_status_label(res.status));
    buf_adds(b, "</dd><dt>個人番号</dt><dd>");
    if (!res.has_mynumber) {
        buf_adds(b, "(登録なし)");
    } else if (shown[0]) {
        /* 4-4-4, as the card prints it, so it can be read aloud and compared */
        buf_addf(b, "<span class=\"revealed\">%.4s %.4s %.4s</span> (表示を記録しました)", shown,
                 shown + 4, shown + 8);
    } else {
        html_esc(b, res.mynumber_masked);
        if (actor_can(&r->actor, PERM_MYNUMBER_REVEAL)) {
            buf_adds(b, " <form method=\"post\" action=\"/person/");
            url_esc(b, atena);
            buf_adds(b, "\" class=\"inline\">");
            html_csrf(r);
            buf_adds(b, "<input type=\"hidden\" name=\"act\" value=\"reveal\">"
                        "<input name=\"reason\" required placeholder=\"表示する理由\" autocomplete=\"off\">"
                        "<button type=\"submit\">表示</button></form>");
        }
    }
    buf_adds(b, "</dd></dl><p class=\"hint\">処理事由: ");
    html_esc(b, why);
    buf_adds(b, " (アクセス記録に残りました)</p>");
    if (web_person_records(r->st, &r->actor, atena, why, rec_row, &rc, &e) < 0) {
        buf_adds(b, "<p class=\"msg\">");
        html_esc(b, e.msg);
        buf_adds(b, "</p>");
    }
    if (rc.last)
        buf_adds(b, "</tbody></table>");
    else
        buf_adds(b, "<p>母子保健の記録はまだありません。</p>");
    page_end(r);
cleanup:
    sodium_memzero(shown, sizeof(shown));
    resident_release(&res);
}

/* ---- the route table -------------------------------------------------------------------------- */

const struct route review_routes[] = {
    { "GET", "/login", ROUTE_PUBLIC, -1, h_login_form },
    { "POST", "/login", ROUTE_PUBLIC, -1, h_login },
    { "GET", "/static/", ROUTE_PUBLIC | ROUTE_PREFIX, -1, h_static },
    { "POST", "/logout", 0, -1, h_logout },
    { "GET", "/", 0, -1, h_home },
    { "GET", "/queue", 0, PERM_REVIEW, h_queue },
    { "GET", "/item/", ROUTE_PREFIX, PERM_REVIEW, h_item },
    { "POST", "/item/", ROUTE_PREFIX, PERM_REVIEW, h_item_post },
    { "GET", "/field", 0, PERM_REVIEW, h_field },
    { "POST", "/field", 0, PERM_REVIEW, h_field_post },
    { "GET", "/page/", ROUTE_PREFIX, PERM_REVIEW, h_page },
    { "POST", "/page/", ROUTE_PREFIX, PERM_REVIEW, h_page_post },
    { "GET", "/img/crop/", ROUTE_PREFIX, PERM_REVIEW, h_img_crop },
    { "POST", "/img/crop/", ROUTE_PREFIX, PERM_MYNUMBER_REVEAL, h_img_crop_reveal },
    { "GET", "/img/page/", ROUTE_PREFIX, PERM_REVIEW, h_img_page },
    { "GET", "/alert/", ROUTE_PREFIX, PERM_REVIEW, review_h_alert },
    { "POST", "/alert/", ROUTE_PREFIX, PERM_REVIEW, review_h_alert_post },
    { "GET", "/person/", ROUTE_PREFIX, PERM_RECORDS_READ, h_person_ask },
    { "POST", "/person/", ROUTE_PREFIX, PERM_RECORDS_READ, h_person },
    { "GET", "/audit", 0, PERM_AUDIT_READ, review_h_audit },
    { "POST", "/audit/mark", 0, PERM_AUDIT_READ, review_h_audit_mark },
    { NULL, NULL, 0, -1, NULL },
};
