/*
 * referral.c: the 精密検査依頼書 - one A4 page sent to the parent in a 長3
 * window envelope (the address block where letter.c puts it), which the
 * family takes to the hospital together with the return slip
 * (seimitsu_houkoku, printed by formprint_form right after it).  The upper
 * third is the cover note to the family; below the first fold, the request
 * to the doctor: the child, the checkup, the reason (精密検査依頼要旨), the
 * departments, the receiving hospital when chosen, and the validity.
 * Also: option labels, departments, and rtable, the plain landscape list
 * the overdue list and the voucher payments are printed with.
 * Never printed: a 個人番号.
 */
#include "reports/referral.h"
#include "reports/reports.h"

#include <stdio.h>
#include <string.h>

#define LEFT 25.0
#define RIGHT 185.0

void reports_option_labels(const struct forms_form *f, const char *column, const char *values,
                           const char *sep, struct buf *out)
{
    const struct forms_field *fld = NULL;
    const char *p = values;
    int first = 1;

    for (size_t i = 0; f != NULL && i < f->n_fields; i++)
        if (f->fields[i].column && strcmp(f->fields[i].column, column) == 0)
            fld = &f->fields[i];
    while (p != NULL && *p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *label = NULL;
        for (size_t k = 0; fld != NULL && k < fld->n_options; k++)
            if (strlen(fld->options[k].value) == len && strncmp(fld->options[k].value, p, len) == 0)
                label = fld->options[k].label;
        if (len > 0) {
            if (!first)
                buf_adds(out, sep);
            if (label)
                buf_adds(out, label);
            else
                buf_add(out, p, len);
            first = 0;
        }
        p = comma ? comma + 1 : NULL;
    }
}

void referral_departments(const char *targets, struct buf *out)
{
    static const struct { const char *target, *dept; } map[] = {
        { "shintai", "小児科" }, { "me", "眼科" }, { "mimi", "耳鼻咽喉科" },
        { "hattatsu", "小児科 (発達)" }, { "sonota", "小児科" },
    };
    int used[sizeof(map) / sizeof(map[0])] = { 0 };
    size_t start = out->len;

    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        const char *p = targets ? strstr(targets, map[i].target) : NULL;
        size_t n = strlen(map[i].target);
        /* whole values only: "me" must not match inside another word */
        while (p && !((p == targets || p[-1] == ',') && (p[n] == '\0' || p[n] == ',')))
            p = strstr(p + 1, map[i].target);
        if (p == NULL)
            continue;
        int dup = 0;
        for (size_t k = 0; k < i; k++)
            dup |= used[k] && strcmp(map[k].dept, map[i].dept) == 0;
        used[i] = 1;
        if (dup)
            continue;
        if (out->len > start)
            buf_adds(out, "・");
        buf_adds(out, map[i].dept);
    }
    if (out->len == start)
        buf_adds(out, "小児科");
}

/* A labelled row of the details table; returns the next row's y. */
static double row(struct pdf *p, double y, const char *label, const char *value, double h)
{
    pdf_fill_rect(p, LEFT, y, 32, h, 0.9);
    pdf_rect(p, LEFT, y, RIGHT - LEFT, h, 0.25);
    pdf_line(p, LEFT + 32, y, LEFT + 32, y + h, 0.25);
    pdf_text_box(p, PDF_GOTHIC, 10, LEFT + 2, y, 29, h, PDF_ALIGN_LEFT, label, NULL);
    pdf_text_box(p, PDF_MINCHO, 10.5, LEFT + 35, y + 0.5, RIGHT - LEFT - 37, h - 1, PDF_ALIGN_LEFT,
                 value && *value ? value : "-", NULL);
    return y + h;
}

int referral_letter(struct pdf *p, const struct referral_letter *l, struct berr *e)
{
    char buf[768], d1[64], d2[64];
    double y;

    pdf_page_add(p, PDF_PORTRAIT);
    struct letter_head head = { l->postal, l->address, l->katagaki, l->guardian, l->child_name,
                                l->issued_on, l->site_name, l->site_address };
    letter_head(p, &head);
    pdf_text_box(p, PDF_GOTHIC, 9, 125, 40, 60, 6, PDF_ALIGN_RIGHT, "精密検査のご案内在中", NULL);
    /* the cover note to the family, above the first fold */
    pdf_text_box(p, PDF_GOTHIC, 12, LEFT, 62, RIGHT - LEFT, 7, PDF_ALIGN_LEFT,
                 "精密検査の受診についてのお願い", NULL);
    jpdate_format(l->valid_until, d2, sizeof(d2));
    static const char *const note[] = {
        "先日の健康診査の結果、念のため医療機関で詳しい検査 (精密検査) を受けていただくことになりました。",
        "この依頼書と、同封の「精密健康診査結果報告書」を医療機関の受付にお出しください。",
        "報告書は医療機関から保健センターへ返送されます。受診の費用は公費で負担します (保険診療分)。",
    };
    y = 74;
    for (size_t i = 0; i < sizeof(note) / sizeof(note[0]); i++, y += 5.5)
        pdf_text_box(p, PDF_MINCHO, 9.5, LEFT, y - 4, RIGHT - LEFT, 5, PDF_ALIGN_LEFT, note[i], NULL);
    snprintf(buf, sizeof(buf), "有効期限: %s まで (期限を過ぎた場合はご連絡ください)", d2);
    pdf_text_box(p, PDF_GOTHIC, 10, LEFT, y - 3.5, RIGHT - LEFT, 5.5, PDF_ALIGN_LEFT, buf, NULL);
    /* below the first fold (99 mm): the request to the doctor */
    pdf_text_box(p, PDF_GOTHIC, 17, LEFT, 104, RIGHT - LEFT, 10, PDF_ALIGN_CENTRE,
                 "精密健康診査依頼書", NULL);
    snprintf(buf, sizeof(buf), "依頼番号 %s", l->referral_no ? l->referral_no : "-");
    pdf_text_box(p, PDF_GOTHIC, 10, 135, 114, 50, 6, PDF_ALIGN_RIGHT, buf, NULL);
    pdf_text_box(p, PDF_MINCHO, 10.5, LEFT, 121, RIGHT - LEFT, 6, PDF_ALIGN_LEFT,
                 "医療機関 御中   下記の者について、健康診査の結果、精密検査が必要と認められましたので、"
                 "よろしくお願いいたします。", NULL);
    y = 130;
    jpdate_format(l->child_birth, d1, sizeof(d1));
    snprintf(buf, sizeof(buf), "%s (%s)  %s  %s生", l->child_name, l->child_kana,
             l->child_sex == 1 ? "男" : l->child_sex == 2 ? "女" : "", d1);
    y = row(p, y, "氏名・生年月日", buf, 10);
    y = row(p, y, "保護者", l->guardian, 8);
    if (l->exam_date.y != 0)
        jpdate_format(l->exam_date, d1, sizeof(d1));
    else
        snprintf(d1, sizeof(d1), "-");
    snprintf(buf, sizeof(buf), "%s  (受診日 %s)", l->checkup_title, d1);
    y = row(p, y, "健康診査", buf, 8);
    y = row(p, y, "精密検査依頼要旨", l->reason, 16);
    y = row(p, y, "受診科", l->departments, 8);
    if (l->hospital_name && *l->hospital_name) {
        snprintf(buf, sizeof(buf), "%s %s", l->hospital_name,
                 l->hospital_department ? l->hospital_department : "");
        y = row(p, y, "依頼先医療機関", buf, 8);
        snprintf(buf, sizeof(buf), "%s  電話 %s", l->hospital_address ? l->hospital_address : "",
                 l->hospital_phone ? l->hospital_phone : "");
        y = row(p, y, "所在地・電話", buf, 8);
    } else {
        y = row(p, y, "依頼先医療機関", "ご都合のよい医療機関 (受診科のある病院・診療所) をお選びください", 8);
    }
    jpdate_format(l->issued_on, d1, sizeof(d1));
    snprintf(buf, sizeof(buf), "%s から %s まで", d1, d2);
    y = row(p, y, "有効期間", buf, 8);
    y += 7;
    static const char *const doc[] = {
        "・検査の結果は、別紙「精密健康診査結果報告書」にご記入のうえ、同封の封筒で保健センターへご返送ください。",
        "・報告書は機械で読み取ります。該当する □ にレ印を付け、枠の外に書かないでください。",
        "・報告書の右上の QR コードには依頼番号が記録されています。切り取ったり汚したりしないでください。",
    };
    for (size_t i = 0; i < sizeof(doc) / sizeof(doc[0]); i++, y += 6)
        pdf_text_box(p, PDF_MINCHO, 9.5, LEFT, y - 4, RIGHT - LEFT, 5, PDF_ALIGN_LEFT, doc[i], NULL);
    y = y < 250 ? 250 : y + 4;
    pdf_rect(p, LEFT, y, RIGHT - LEFT, 18, 0.3);
    pdf_text(p, PDF_GOTHIC, 10.5, LEFT + 4, y + 7, "お問い合わせ・報告書の返送先");
    snprintf(buf, sizeof(buf), "%s  %s", l->site_name, l->site_contact);
    pdf_text_box(p, PDF_GOTHIC, 11, LEFT + 4, y + 9, RIGHT - LEFT - 8, 7, PDF_ALIGN_LEFT, buf, NULL);
    snprintf(buf, sizeof(buf), "発行番号 %s", l->issue_id ? l->issue_id : "-");
    pdf_text(p, PDF_GOTHIC, 7, LEFT, 284, buf);
    return pdf_error(p, e);
}

/* ---- rtable ------------------------------------------------------------------- */

#define T_LEFT 15.0
#define T_TOP 30.0
#define T_BOTTOM 195.0
#define T_ROW 6.5

void rtable_init(struct rtable *t, struct pdf *p, const char *title, const char *subtitle)
{
    memset(t, 0, sizeof(*t));
    t->p = p;
    t->title = title;
    t->subtitle = subtitle;
}

void rtable_col(struct rtable *t, const char *head, double width_mm, int right)
{
    if (t->ncols >= RTABLE_MAX_COLS)
        return;
    t->heads[t->ncols] = head;
    t->widths[t->ncols] = width_mm;
    t->right[t->ncols] = right;
    t->ncols++;
}

static double table_width(const struct rtable *t)
{
    double w = 0;

    for (int i = 0; i < t->ncols; i++)
        w += t->widths[i];
    return w;
}

static void cells(struct rtable *t, const char *const *c, double size, enum pdf_font f)
{
    double x = T_LEFT;

    for (int i = 0; i < t->ncols; i++) {
        if (c[i] && *c[i])
            pdf_text_box(t->p, f, size, x + 1.2, t->y + 0.4, t->widths[i] - 2.4, T_ROW - 0.8,
                         t->right[i] ? PDF_ALIGN_RIGHT : PDF_ALIGN_LEFT, c[i], NULL);
        if (i > 0)
            pdf_line(t->p, x, t->y, x, t->y + T_ROW, 0.15);
        x += t->widths[i];
    }
    pdf_rect(t->p, T_LEFT, t->y, table_width(t), T_ROW, 0.2);
}

static void new_page(struct rtable *t)
{
    char buf[32];

    pdf_page_add(t->p, PDF_LANDSCAPE);
    t->pages++;
    pdf_text_box(t->p, PDF_GOTHIC, 15, T_LEFT, 10, 200, 9, PDF_ALIGN_LEFT, t->title, NULL);
    if (t->subtitle)
        pdf_text_box(t->p, PDF_MINCHO, 9.5, T_LEFT, 20, 267, 6, PDF_ALIGN_LEFT, t->subtitle, NULL);
    snprintf(buf, sizeof(buf), "%d ページ", t->pages);
    pdf_text_box(t->p, PDF_GOTHIC, 8, 232, 200, 50, 5, PDF_ALIGN_RIGHT, buf, NULL);
    t->y = T_TOP;
    pdf_fill_rect(t->p, T_LEFT, t->y, table_width(t), T_ROW, 0.82);
    cells(t, t->heads, 9, PDF_GOTHIC);
    t->y += T_ROW;
}

void rtable_row(struct rtable *t, const char *const *c, int shade)
{
    double w;

    if (t->pages == 0 || t->y + T_ROW > T_BOTTOM)
        new_page(t);
    if (shade == 0) {
        cells(t, c, 9, PDF_MINCHO);
        t->y += T_ROW;
        return;
    }
    /* a group header spans the table; a total spans all but the last column */
    w = table_width(t);
    pdf_fill_rect(t->p, T_LEFT, t->y, w, T_ROW, shade == 1 ? 0.93 : 0.88);
    pdf_rect(t->p, T_LEFT, t->y, w, T_ROW, 0.2);
    if (shade == 2 && t->ncols > 1) {
        double last = t->widths[t->ncols - 1];
        pdf_line(t->p, T_LEFT + w - last, t->y, T_LEFT + w - last, t->y + T_ROW, 0.15);
        if (c[t->ncols - 1])
            pdf_text_box(t->p, PDF_GOTHIC, 9, T_LEFT + w - last + 1.2, t->y + 0.4, last - 2.4,
                         T_ROW - 0.8, PDF_ALIGN_RIGHT, c[t->ncols - 1], NULL);
        w -= last;
    }
    if (c[0])
        pdf_text_box(t->p, PDF_GOTHIC, 9, T_LEFT + 1.2, t->y + 0.4, w - 2.4, T_ROW - 0.8,
                     shade == 2 ? PDF_ALIGN_RIGHT : PDF_ALIGN_LEFT, c[0], NULL);
    t->y += T_ROW;
}

void rtable_note(struct rtable *t, const char *text)
{
    if (t->pages == 0 || t->y + 3 * T_ROW > T_BOTTOM)
        new_page(t);
    t->y += 3;
    pdf_text_box(t->p, PDF_GOTHIC, 11, T_LEFT, t->y, 267, T_ROW, PDF_ALIGN_LEFT, text, NULL);
    t->y += T_ROW + 1;
}
