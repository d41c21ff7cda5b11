/*
 * audit.c (review): the monthly access-log review (点検) as a screen, for an
 * account holding audit.read: GET /audit?month=YYYY-MM checks the month
 * (records/auditreview.c, the same as `boshi audit review`) and lists its
 * findings; each one not yet checked has a form (POST /audit/mark, with the
 * session's CSRF token as every form) that marks it 確認済 with a comment.
 * The store does the rules, the storing and the access log.
 */
#include "records/audit.h"
#include "review/review-internal.h"
#include "base/workday.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "YYYY-MM" into y, m; -1 if it is not one (2000-2099). */
static int parse_month(const char *s, int *y, int *m)
{
    int used = 0;

    if (s == NULL || strlen(s) != 7 || sscanf(s, "%4d-%2d%n", y, m, &used) != 2 || used != 7 ||
        s[4] != '-' || *y < 2000 || *y > 2099 || *m < 1 || *m > 12)
        return -1;
    return 0;
}

/* The month before today's in Japan: the one a 点検 at the start of a month looks at. */
static void last_month(int *y, int *m)
{
    struct ymd d = jpdate_day_of(review_now());

    *y = d.m == 1 ? d.y - 1 : d.y;
    *m = d.m == 1 ? 12 : d.m - 1;
}

static void when(struct buf *b, const char *iso)
{
    char w[64];

    html_esc(b, jptime_format(iso, w, sizeof(w)) ? w : iso);
}

static void show(struct req *r, int y, int m, const char *msg, int64_t msg_id)
{
    struct audit_review ar;
    struct buf *b = &r->body;
    struct berr e;
    char title[64], prev[32], next[32];

    if (audit_review_run(r->st, &r->actor, y, m, &ar, &e) < 0) {
        page_error(r, e.code == BERR_DENIED ? 403 : e.code == BERR_INVALID ? 400 : 500,
                   "アクセス記録点検を開けません", e.msg);
        return;
    }
    snprintf(title, sizeof(title), "アクセス記録点検 %04d年%d月", y, m);
    snprintf(prev, sizeof(prev), "%04d-%02d", m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1);
    snprintf(next, sizeof(next), "%04d-%02d", m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1);
    page_begin(r, title, "audit");
    {
        char era[64];
        jpdate_format((struct ymd){ y, m, 1 }, era, sizeof(era));
        char *day = strstr(era, "月");
        if (day)
            day[strlen("月")] = '\0';
        buf_adds(b, "<h1>アクセス記録点検 <span class=\"count\">");
        html_esc(b, era);
        buf_addf(b, "</span></h1><form method=\"get\" action=\"/audit\" class=\"inline\">"
                    "<a href=\"/audit?month=%s\">前の月</a> <label>点検する月"
                    "<input type=\"month\" name=\"month\" value=\"%s\" required></label>"
                    "<button type=\"submit\">表示</button> <a href=\"/audit?month=%s\">次の月</a></form>",
                 prev, ar.month_iso, next);
    }
    if (msg) {
        buf_adds(b, "<p class=\"msg\" role=\"alert\" id=\"err\">");
        if (msg_id > 0)
            buf_addf(b, "所見 %lld: ", (long long)msg_id);
        html_esc(b, msg);
        buf_adds(b, "</p>");
    }
    buf_addf(b, "<p id=\"audit-summary\">アクセス記録 %ld 件 (個人の閲覧 %ld 件)・閲覧した利用者 %d 人・"
                "所見 <strong>%zu</strong> 件 (確認済 %ld 件・未確認 %ld 件)・執務時間 ",
             ar.entries, ar.views, ar.accounts, ar.nf, ar.checked, (long)ar.nf - ar.checked);
    html_esc(b, ar.office_hours);
    buf_adds(b, " (平日のみ)</p><ul class=\"meta\" id=\"audit-rules\">");
    for (int i = 0; i < AR_RULE_COUNT; i++) {
        buf_adds(b, "<li>");
        html_esc(b, audit_rule_label(i));
        if (i == AR_FLAGGED && !ar.flag_connected)
            buf_adds(b, ": 未接続 (支援措置の記録が住民記録に加わるまで確認できません)</li>");
        else
            buf_addf(b, ": %ld 件</li>", ar.n[i]);
    }
    buf_adds(b, "</ul>");
    if (ar.no_address > 0) {
        buf_addf(b, "<p class=\"meta\" id=\"no-address\">住所が登録されていない利用者 %d 人 (", ar.no_address);
        html_esc(b, ar.no_address_list);
        buf_adds(b, ") は「");
        html_esc(b, audit_rule_label(AR_ADDRESS));
        buf_adds(b, "」を確認していません。</p>");
    }
    if (ar.no_surname > 0) {
        buf_addf(b, "<p class=\"meta\">氏名に姓と名の区切りがない利用者 %d 人 (", ar.no_surname);
        html_esc(b, ar.no_surname_list);
        buf_adds(b, ") は「");
        html_esc(b, audit_rule_label(AR_SURNAME));
        buf_adds(b, "」を確認していません。</p>");
    }
    if (ar.nf == 0) {
        buf_adds(b, "<p id=\"no-findings\">この月の所見はありません。</p>");
    } else {
        buf_adds(b, "<table class=\"findings\" id=\"findings\"><thead><tr><th>番号</th><th>規則</th>"
                    "<th>利用者</th><th>宛名番号</th><th>日時 (日本時間)</th><th>内容</th><th>確認</th>"
                    "</tr></thead><tbody>");
        for (size_t i = 0; i < ar.nf; i++) {
            const struct audit_finding *f = &ar.f[i];
            buf_addf(b, "<tr id=\"finding-%lld\"><td>%lld</td><td>", (long long)f->id, (long long)f->id);
            html_esc(b, audit_rule_label(f->rule));
            buf_adds(b, "</td><td>");
            html_esc(b, f->user);
            if (f->user_name[0]) {
                buf_adds(b, " <span class=\"meta\">");
                html_esc(b, f->user_name);
                buf_adds(b, "</span>");
            }
            buf_adds(b, "</td><td>");
            html_esc(b, f->person[0] ? f->person : "-");
            buf_adds(b, "</td><td>");
            when(b, f->first_at);
            if (strcmp(f->first_at, f->last_at) != 0) {
                buf_adds(b, "〜");
                when(b, f->last_at);
            }
            buf_adds(b, "</td><td>");
            html_esc(b, f->detail);
            buf_adds(b, "</td><td>");
            if (f->checked_at) {
                buf_adds(b, "<span class=\"checked\">確認済</span> ");
                html_esc(b, f->checked_by ? f->checked_by : "");
                buf_adds(b, " ");
                when(b, f->checked_at);
                buf_adds(b, "<br>");
                html_esc(b, f->comment ? f->comment : "");
            } else {
                buf_adds(b, "<form method=\"post\" action=\"/audit/mark\" class=\"mark\">");
                html_csrf(r);
                buf_addf(b, "<input type=\"hidden\" name=\"id\" value=\"%lld\">"
                            "<input type=\"hidden\" name=\"month\" value=\"%s\">"
                            "<label>確認の内容<input type=\"text\" name=\"comment\" required "
                            "maxlength=\"300\"></label> <button type=\"submit\">確認済にする</button></form>",
                         (long long)f->id, ar.month_iso);
            }
            buf_adds(b, "</td></tr>");
        }
        buf_adds(b, "</tbody></table>");
    }
    buf_adds(b, "<p class=\"meta\">同じ内容を PDF と CSV で: boshi audit review --month ");
    html_esc(b, ar.month_iso);
    buf_adds(b, " -o 点検.pdf</p>");
    page_end(r);
    audit_review_release(&ar);
}

void review_h_audit(struct req *r)
{
    const char *ms = req_param(r, "month");
    int y, m;

    if (ms == NULL || *ms == '\0') {
        last_month(&y, &m);
    } else if (parse_month(ms, &y, &m) < 0) {
        page_error(r, 400, "月が正しくありません", "点検する月は YYYY-MM で指定してください (例: 2026-11)。");
        return;
    }
    show(r, y, m, NULL, 0);
}

void review_h_audit_mark(struct req *r)
{
    const char *ids = req_param(r, "id"), *comment = req_param(r, "comment");
    char month[8] = "", *end;
    int64_t id;
    int y, m;
    struct berr e;

    errno = 0;
    id = ids ? strtoll(ids, &end, 10) : 0;
    if (ids == NULL || *ids == '\0' || *end != '\0' || id <= 0 || errno) {
        page_error(r, 400, "所見がありません", "所見の番号が正しくありません。");
        return;
    }
    if (audit_review_mark(r->st, &r->actor, id, comment ? comment : "", month, &e) < 0) {
        if (e.code == BERR_NOTFOUND) {
            page_error(r, 404, "所見がありません", e.msg);
            return;
        }
        r->status = e.code == BERR_CONFLICT ? 409 : e.code == BERR_DENIED ? 403 : 422;
        if (parse_month(req_param(r, "month"), &y, &m) < 0)
            last_month(&y, &m);
        show(r, y, m, e.msg, id);
        return;
    }
    req_redirect(r, "/audit?month=%s#finding-%lld", month, (long long)id);
}
