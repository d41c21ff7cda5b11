/*
 * screen-login.c: login, logout, the home redirect and the built-in
 * assets (stylesheet and script).
 */
#include "records/audit.h"
#include "review/screens-internal.h"
#include "records/web.h"

#include <string.h>

/* ---- login, logout, home, assets ---------------------------------------------- */

static void login_form(struct req *r, const char *msg, int status)
{
    struct buf *b = &r->body;
    char pre[65];
    const char *next = req_param(r, "next");
    const char *m = req_param(r, "m");

    review_random_token(pre);
    req_set_cookie(r, "boshi_pre=%s; Path=/login; Max-Age=1800; HttpOnly; SameSite=Strict%s", pre,
                   r->srv->secure_cookies ? "; Secure" : "");
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
    html_esc(b, review_nz(req_param(r, "login")));
    buf_adds(b, "\"></label><label>パスワード<input type=\"password\" name=\"password\" "
                "autocomplete=\"current-password\" required></label>"
                "<button type=\"submit\" class=\"primary\">ログイン</button></form>"
                "<p class=\"hint\">5回続けて間違えると15分間ログインできなくなります。"
                "パスワードの設定はシステム管理者に依頼してください。</p></section>");
    page_end(r);
}

void review_h_login_form(struct req *r)
{
    login_form(r, NULL, 200);
}

void review_h_login(struct req *r)
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
    if (req_session_start(r, &a) < 0) {
        login_form(r, "ただいまログインできません。しばらくしてからお試しください。", 503);
        return;
    }
    /* only a screen of this app: never an open redirect (req_safe_next) */
    req_redirect(r, "%s", req_safe_next(next));
}

void review_h_logout(struct req *r)
{
    struct berr e;

    audit_append(r->st, &r->actor, "web.logout", NULL, "ログアウト", &e);
    req_session_end(r);
    req_redirect(r, "/login?m=out");
}

void review_h_home(struct req *r)
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

void review_h_static(struct req *r)
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
