/*
 * html.c: building the web UI's HTML safely: every text that is not a
 * constant of this file goes through html_esc(); the page frame (header,
 * navigation, logout) and the error page.
 * Not for: what each screen shows (screen-*.c).
 */
#include "review/review-internal.h"

#include <stdio.h>
#include <string.h>

void html_esc(struct buf *b, const char *s)
{
    for (; s != NULL && *s; s++) {
        switch (*s) {
        case '&': buf_adds(b, "&amp;"); break;
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&#39;"); break;
        default: buf_addc(b, *s);
        }
    }
}

void html_escf(struct buf *b, const char *fmt, ...)
{
    struct buf t;
    va_list ap;

    buf_init(&t);
    va_start(ap, fmt);
    buf_vaddf(&t, fmt, ap);
    va_end(ap);
    html_esc(b, t.s);
    buf_release(&t);
}

void url_esc(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; s != NULL && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.' || c == '~') {
            buf_addc(b, (char)c);
        } else {
            buf_addc(b, '%');
            buf_addc(b, hex[c >> 4]);
            buf_addc(b, hex[c & 15]);
        }
    }
}

void html_csrf(struct req *r)
{
    if (r->sess == NULL)
        return;
    buf_adds(&r->body, "<input type=\"hidden\" name=\"csrf\" value=\"");
    html_esc(&r->body, r->sess->csrf);
    buf_adds(&r->body, "\">");
}

void page_begin(struct req *r, const char *title, const char *screen)
{
    struct buf *b = &r->body;

    if (!r->frag) {
        buf_adds(b, "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                    "<title>");
        html_esc(b, title);
        buf_adds(b, " - boshi 読取確認</title><link rel=\"stylesheet\" href=\"/static/app.css\">"
                    "<link rel=\"icon\" href=\"/static/icon.svg\">"
                    "<script src=\"/static/app.js\" defer></script></head><body>"
                    "<header><span class=\"brand\">boshi 読取確認</span>");
        if (r->sess != NULL) {
            buf_adds(b, "<nav>");
            if (actor_can(&r->actor, PERM_REVIEW))
                buf_adds(b, "<a href=\"/queue\" accesskey=\"q\">確認待ち</a>"
                            "<a href=\"/field\" accesskey=\"g\">項目別</a>");
            if (actor_can(&r->actor, PERM_AUDIT_READ))
                buf_adds(b, "<a href=\"/audit\">アクセス記録点検</a>");
            buf_adds(b, "</nav><span class=\"who\">");
            html_esc(b, r->actor.display_name[0] ? r->actor.display_name : r->actor.login);
            buf_adds(b, "</span><form method=\"post\" action=\"/logout\" class=\"logout\">");
            html_csrf(r);
            buf_adds(b, "<button type=\"submit\">ログアウト</button></form>");
        }
        buf_adds(b, "</header>");
    }
    buf_adds(b, "<main id=\"main\" data-screen=\"");
    html_esc(b, screen);
    buf_adds(b, "\" data-title=\"");
    html_esc(b, title);
    buf_adds(b, "\">");
}

void page_end(struct req *r)
{
    buf_adds(&r->body, "</main>");
    if (!r->frag)
        buf_adds(&r->body, "</body></html>\n");
}

void page_error(struct req *r, int status, const char *title, const char *msg)
{
    buf_reset(&r->body);
    r->status = status;
    page_begin(r, title, "error");
    buf_adds(&r->body, "<section class=\"error\"><h1>");
    html_esc(&r->body, title);
    buf_adds(&r->body, "</h1><p>");
    html_esc(&r->body, msg);
    buf_adds(&r->body, "</p><p>");
    if (r->sess == NULL)
        buf_adds(&r->body, "<a href=\"/login\">ログイン画面へ</a>");
    else
        buf_adds(&r->body, "<a href=\"/\">最初の画面へ</a>");
    buf_adds(&r->body, "</p></section>");
    page_end(r);
}
