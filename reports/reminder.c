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
#include "reports/reports.h"

#include <stdio.h>
#include <string.h>

#define LEFT 25.0
#define RIGHT 185.0


int reminder_letter(struct pdf *p, const struct reminder_letter *l, struct berr *e)
{
    char buf[512], date[64];
    double y;

    pdf_page_add(p, PDF_PORTRAIT);
    struct letter_head head = { l->postal, l->address, l->katagaki, l->guardian, l->child_name,
                                l->issued_on, l->site_name, l->site_address };
    letter_head(p, &head);
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
    y = letter_row(p, y, "対象のお子さん", buf, 10);
    y = letter_row(p, y, "健診", l->checkup_title, 10);
    y = letter_row(p, y, "ご案内した月", l->month_label, 10);
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
