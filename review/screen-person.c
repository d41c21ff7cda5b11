/*
 * screen-person.c: a person's record - the 処理事由 asked first, then
 * the person's checkups, pregnancies, vouchers and referrals as a nurse
 * reads them (labels, 和暦, Japan time); a 個人番号 only with permission.
 */
#include "records/residents.h"
#include "review/screens-internal.h"
#include "records/web.h"
#include "base/workday.h"

#include <sodium.h>
#include <string.h>

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

void review_h_person_ask(struct req *r)
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
        html_esc(c->b, review_form_title(c->r, v));
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

void review_h_person(struct req *r)
{
    struct buf *b = &r->body;
    struct resident res;
    struct berr e;
    struct rec_ctx rc = { r, b, NULL };
    const char *atena = r->rest, *act = review_nz(req_param(r, "act"));
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
        snprintf(why, sizeof(why), "%s", review_nz(reason));
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
