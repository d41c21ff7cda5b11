/*
 * reminder.c: the 受診勧奨 letter - for a child who was sent a checkup form
 * for a month and has no checkup recorded: one A4 page laid out like the
 * 健診案内 (letter.c), the address block in the window of a 長3 envelope,
 * asking the family to get in touch for another date.  It gives no new
 * date (the health centre arranges one on the phone) and carries no form.
 * Not for: who gets one (records/referrals.c, reminders_find).
 * Never printed: a 個人番号.
 */
#include "reports/referral.h"

#include <stdio.h>
#include <string.h>

#define WIN_X 23.0
#define WIN_Y 13.0
#define WIN_W 90.0
#define LEFT 25.0
#define RIGHT 185.0

static double row(struct pdf *p, double y, const char *label, const char *value, double h)
{
    pdf_fill_rect(p, LEFT, y, 30, h, 0.9);
    pdf_rect(p, LEFT, y, RIGHT - LEFT, h, 0.25);
    pdf_line(p, LEFT + 30, y, LEFT + 30, y + h, 0.25);
    pdf_text_box(p, PDF_GOTHIC, 10.5, LEFT + 2, y, 26, h, PDF_ALIGN_LEFT, label, NULL);
    pdf_text_box(p, PDF_MINCHO, 11, LEFT + 33, y + 0.5, RIGHT - LEFT - 35, h - 1, PDF_ALIGN_LEFT,
                 value, NULL);
    return y + h;
}

int reminder_letter(struct pdf *p, const struct reminder_letter *l, struct berr *e)
{
    char buf[512], date[64];
    double y;

    pdf_page_add(p, PDF_PORTRAIT);
    snprintf(buf, sizeof(buf), "〒%.3s-%.4s", l->postal, strlen(l->postal) >= 7 ? l->postal + 3 : "");
    pdf_text(p, PDF_MINCHO, 11, WIN_X + 3, WIN_Y + 7, buf);
    pdf_text_box(p, PDF_MINCHO, 12, WIN_X + 3, WIN_Y + 9, WIN_W - 6, 7, PDF_ALIGN_LEFT, l->address, NULL);
    if (l->katagaki && *l->katagaki)
        pdf_text_box(p, PDF_MINCHO, 12, WIN_X + 3, WIN_Y + 16, WIN_W - 6, 7, PDF_ALIGN_LEFT,
                     l->katagaki, NULL);
    snprintf(buf, sizeof(buf), "%s 様", l->guardian);
    pdf_text_box(p, PDF_MINCHO, 15, WIN_X + 8, WIN_Y + 27, WIN_W - 11, 9, PDF_ALIGN_LEFT, buf, NULL);
    snprintf(buf, sizeof(buf), "(%s ちゃんの保護者様)", l->child_name);
    pdf_text_box(p, PDF_MINCHO, 9, WIN_X + 8, WIN_Y + 36, WIN_W - 11, 6, PDF_ALIGN_LEFT, buf, NULL);
    jpdate_format(l->issued_on, date, sizeof(date));
    pdf_text_box(p, PDF_MINCHO, 10, 125, 15, 60, 6, PDF_ALIGN_RIGHT, date, NULL);
    pdf_text_box(p, PDF_GOTHIC, 11, 125, 24, 60, 7, PDF_ALIGN_RIGHT, l->site_name, NULL);
    if (l->site_address)
        pdf_text_box(p, PDF_MINCHO, 9, 125, 31, 60, 6, PDF_ALIGN_RIGHT, l->site_address, NULL);
    /* below the first fold */
    snprintf(buf, sizeof(buf), "%s 受診のおすすめ", l->checkup_title);
    pdf_text_box(p, PDF_GOTHIC, 17, LEFT, 106, RIGHT - LEFT, 10, PDF_ALIGN_CENTRE, buf, NULL);
    y = 124;
    snprintf(buf, sizeof(buf), "%s にご案内した%sを、まだ受けていらっしゃらないようです。",
             l->month_label, l->checkup_title);
    /* the first line varies (month, title): fitted; the rest are fixed and fit at 11 pt */
    pdf_text_box(p, PDF_MINCHO, 11, LEFT + 2, y - 4.5, RIGHT - LEFT - 4, 6, PDF_ALIGN_LEFT, buf, NULL);
    y += 6.5;
    static const char *const body[] = {
        "健康診査は、お子さんの発育・発達を確かめ、子育ての相談ができる大切な機会です。",
        "お子さんの体調やご家庭のご都合で受けられなかった場合も、改めて日程を",
        "ご案内できますので、お手数ですが下記までお電話でご連絡ください。",
    };
    for (size_t i = 0; i < sizeof(body) / sizeof(body[0]); i++, y += 6.5)
        pdf_text(p, PDF_MINCHO, 11, LEFT + 2, y, body[i]);
    y += 6;
    jpdate_format(l->child_birth, date, sizeof(date));
    snprintf(buf, sizeof(buf), "%s (%s)  %s生", l->child_name, l->child_kana, date);
    y = row(p, y, "対象のお子さん", buf, 10);
    y = row(p, y, "健診", l->checkup_title, 10);
    y = row(p, y, "ご案内した月", l->month_label, 10);
    y += 8;
    static const char *const notes[] = {
        "・行き違いで既に受診された場合や、医療機関で受けられた場合はご容赦ください。",
        "・転居などで対象でなくなった場合も、お知らせいただけると助かります。",
        "・ご案内時の問診票は、次回の受診の際にお持ちください (なくした場合は再発行します)。",
    };
    for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++, y += 6.5)
        pdf_text(p, PDF_MINCHO, 10, LEFT + 2, y, notes[i]);
    y = y < 250 ? 250 : y + 4;
    pdf_rect(p, LEFT, y, RIGHT - LEFT, 18, 0.3);
    pdf_text(p, PDF_GOTHIC, 10.5, LEFT + 4, y + 7, "ご連絡先");
    snprintf(buf, sizeof(buf), "%s  %s", l->site_name, l->site_contact);
    pdf_text_box(p, PDF_GOTHIC, 11, LEFT + 4, y + 9, RIGHT - LEFT - 8, 7, PDF_ALIGN_LEFT, buf, NULL);
    snprintf(buf, sizeof(buf), "発行番号 %s", l->issue_id ? l->issue_id : "-");
    pdf_text(p, PDF_GOTHIC, 7, LEFT, 284, buf);
    return pdf_error(p, e);
}
