/*
 * screen-item.c: one review item - the crop, what was read, the
 * suggestion, identity candidates beside what the sheet says, rule links -
 * and its POST (accept, correct, reject, register a 住登外 person), then
 * the next item.
 */
#include "records/shien.h"
#include "records/vouchers.h"
#include "review/screens-internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- one item ---------------------------------------------------------------------- */

struct cand_ctx {
    const char *kana, *birth;
};

static int find_identity_reading(const struct reading_row *x, void *p)
{
    struct cand_ctx *c = p;
    /* what a nurse settled first, else what was read */
    const char *v = x->value && *x->value ? x->value : review_nz(x->read_value);
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
    const struct forms_field *bf = review_field_def(r, pg->form, pg->version, "birth_date");
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
    const struct forms_field *bf = review_field_def(r, pg->form, pg->version, "birth_date");

    page_readings(r->st, pg->id, find_identity_reading, &c, &e);
    /* the nurse's own search (the form below the item) replaces the readings */
    if (req_param(r, "kana") || req_param(r, "birth")) {
        free((char *)c.kana);
        free((char *)c.birth);
        c.kana = xstrdup(review_nz(req_param(r, "kana")));
        c.birth = xstrdup(review_nz(req_param(r, "birth")));
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
void review_rule_links(struct req *r, const struct page_row *pg, const char *field, const char *msg)
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
        page_error(r, review_status_for(&e), "ページを読めません", e.msg);
        return;
    }
    /* a 二重提出: the sheet taken in before, to see both side by side */
    if (strcmp(x->kind, "issue") == 0 && strncmp(x->reason, "二重提出", strlen("二重提出")) == 0 &&
        pg.issue_id[0] && page_find_issue(r->st, pg.issue_id, pg.page_no, &dup, &e) == 1 &&
        dup.id != pg.id)
        has_dup = 1;
    buf_init(&sc);
    review_scope_attr(r, '&', &sc);
    fld = review_field_def(r, pg.form, pg.version, x->field);
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
    page_begin(r, review_field_label(r, x->form, x->field), "item");
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
        review_rule_links(r, &pg, x->field, error);
    }
    buf_adds(b, "<div class=\"item\"><section class=\"crop\">");
    if (x->r.reading_id > 0)
        buf_addf(b, "<img class=\"crop\" src=\"/img/crop/%lld\" alt=\"読み取った部分\">",
                 (long long)x->r.reading_id);
    else if (!has_dup)
        buf_adds(b, "<p class=\"none\">(この確認には切り出し画像がありません)</p>");
    {
        /* a 個人番号 is blacked out on every image; the digits only by a logged reveal */
        const struct forms_field *fd = review_field_def(r, x->form, pg.version, x->field);
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
    html_esc(b, review_form_title(r, x->form));
    buf_addf(b, " ・%dページ目 ・バッチ ", pg.page_no);
    html_esc(b, x->batch);
    buf_addf(b, " ・番号 %lld ・重要度 %d", (long long)x->r.id, x->r.risk);
    if (req_param(r, "left"))
        buf_addf(b, " ・残り %d 件", atoi(req_param(r, "left")));
    buf_adds(b, "</p><h1>");
    html_esc(b, review_field_label(r, x->form, x->field));
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
            review_value_label(b, fld, x->suggested);
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
        review_value_label(b, fld, x->value);
        buf_addf(b, ")。</p><p><a class=\"button primary\" id=\"next\" href=\"/item/next?after=%lld&amp;risk=%d%s\">"
                    "次の項目へ <kbd>Enter</kbd></a></p>",
                 (long long)x->r.id, x->r.risk, sc.s);
    } else {
        buf_addf(b, "<form id=\"resolve\" tabindex=\"-1\" method=\"post\" action=\"/item/%lld", (long long)x->r.id);
        review_scope_attr(r, '?', b);
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
            review_placeholder_text(b, fld, mn || !offer ? "" : x->suggested);
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
        html_esc(b, review_nz(req_param(r, "kana")));
        buf_adds(b, "\"></label><label>生年月日<input name=\"birth\" autocomplete=\"off\" "
                    "placeholder=\"H9.1.29 / 1997-01-29\" value=\"");
        html_esc(b, review_nz(req_param(r, "birth")));
        buf_adds(b, "\"></label><button type=\"submit\">検索</button>");
        review_scope_hidden(r, b);
        buf_adds(b, "</form>");
        if (actor_can(&r->actor, PERM_RECORDS_WRITE) && strcmp(pg.form, "ninshin_todoke") == 0) {
            /* she is not in the master (住民票は他市町村): only by the nurse's decision */
            int asked = req_param(r, "act") && strcmp(req_param(r, "act"), "register") == 0;
            buf_addf(b, "<details class=\"register\"%s><summary>住民記録にない方を住登外として登録</summary>"
                        "<form id=\"register\" method=\"post\" action=\"/item/%lld",
                     asked ? " open" : "", (long long)x->r.id);
            review_scope_attr(r, '?', b);
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
                    html_esc(b, review_nz(req_param(r, f[k][0])));
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
    review_scope_filters(r, &q);          /* the queue the nurse chose, not all of it */
    review_parse_id(req_param(r, "after"), &after);
    risk = atoi(review_nz(req_param(r, "risk")));
    if (review_queue_load(r, &q, &e) < 0) {
        page_error(r, review_status_for(&e), "確認待ちを読めません", e.msg);
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
        review_scope_query(r, &sq);
        if (sq.len)
            buf_addf(&extra, "&%s", sq.s);
        buf_release(&sq);
    }
    if (done && review_parse_id(done, &after) == 0)
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
    review_queue_free(&q);
}

void review_h_item(struct req *r)
{
    struct review_item x;
    struct berr e;
    int64_t id;

    if (strcmp(r->rest, "next") == 0) {
        item_next(r);
        return;
    }
    if (review_parse_id(r->rest, &id) < 0) {
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

void review_h_item_post(struct req *r)
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
    if (review_parse_id(r->rest, &id) < 0) {
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
        if (jpdate_parse(review_nz(req_param(r, "u_birth")), &birth) < 0) {
            r->status = 422;
            item_render(r, &x, "生年月日が読めません。例: H9.1.29 / 平成9年1月29日 / 1997-01-29");
            goto cleanup;
        }
        rc = store_begin(r->st, &e);
        if (rc == 0)
            rc = unregistered_add(r->st, &r->actor, review_nz(req_param(r, "u_name")), review_nz(req_param(r, "u_kana")),
                                  birth, review_nz(req_param(r, "u_address")), req_param(r, "u_reason"), uid, &e);
        if (rc == 0)
            rc = review_item_apply(r->st, &r->actor, r->srv->forms, &x, REVIEW_CORRECT, uid, &out, &e);
        if (rc == 0)
            rc = store_commit(r->st, &e);
        else
            store_rollback(r->st);
        if (rc == 0) {
            struct buf sq;
            buf_init(&sq);
            review_scope_query(r, &sq);
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
        review_scope_query(r, &sq);
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
                                                ? review_field_def(r, pg.form, pg.version, now.field) : NULL;
            buf_adds(&r->body, "<p class=\"reading\"><b>登録されている値</b> ");
            if (strcmp(now.status, "rejected") == 0)
                buf_adds(&r->body, "空欄・却下");
            else
                review_value_label(&r->body, fld, now.value);
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
        review_scope_attr(r, '&', &r->body);
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
