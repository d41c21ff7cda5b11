/*
 * letter.c: the 健診案内 (checkup invitation) - one A4 page per child,
 * folded in three into a 長3 window envelope.  The address block sits where
 * the window of a 長3 窓付封筒 is (JIS-style window 90 x 45 mm, 23 mm from
 * the left and 13 mm from the top of the sheet), so the letter needs no
 * separate label.  Below the first fold: the invitation itself.
 * Never printed: a 個人番号 (struct letter_annai has no place for one).
 */
#include "reports/reports.h"

#include <stdio.h>
#include <string.h>

#define WIN_X 23.0
#define WIN_Y 13.0
#define WIN_W 90.0
#define WIN_H 45.0
#define LEFT 25.0
#define RIGHT 185.0

static const struct {
    const char *form;
    const char *bring;
    const char *note;
} bring[] = {
    { "nyuyoji_4m", "母子健康手帳、問診票 (同封・記入してお持ちください)、バスタオル、おむつの替え",
      "おなかがすいている時間を避け、授乳を済ませておいでください。" },
    { "nyuyoji_10m", "母子健康手帳、問診票 (同封・記入してお持ちください)、バスタオル、おむつの替え",
      "離乳食の進み具合をおたずねします。ふだんの食事の回数をご記入ください。" },
    { "nyuyoji_1y6m", "母子健康手帳、問診票 (同封・記入してお持ちください)、歯ブラシ、タオル",
      "歯科健診があります。当日は歯みがきを済ませておいでください。" },
    { "nyuyoji_3y", "母子健康手帳、問診票 (同封・記入してお持ちください)、尿 (当日朝のもの)、"
                    "視力・聴力のアンケート",
      "尿検査があります。同封の容器に当日朝の尿をとってお持ちください。" },
};

static const char *const weekdays[] = { "日", "月", "火", "水", "木", "金", "土" };

static void date_with_weekday(struct ymd d, char *out, size_t n)
{
    char w[48];
    long days = ymd_to_days(d);

    jpdate_format(d, w, sizeof(w));
    /* 1970-01-01 was a Thursday */
    snprintf(out, n, "%s (%s)", w, weekdays[((days % 7) + 7 + 4) % 7]);
}

double letter_row(struct pdf *p, double y, const char *label, const char *value, double h)
{
    pdf_fill_rect(p, LEFT, y, 30, h, 0.9);
    pdf_rect(p, LEFT, y, RIGHT - LEFT, h, 0.25);
    pdf_line(p, LEFT + 30, y, LEFT + 30, y + h, 0.25);
    pdf_text_box(p, PDF_GOTHIC, 10.5, LEFT + 2, y, 26, h, PDF_ALIGN_LEFT, label, NULL);
    pdf_text_box(p, PDF_MINCHO, 11, LEFT + 33, y + 0.5, RIGHT - LEFT - 35, h - 1, PDF_ALIGN_LEFT,
                 value, NULL);
    return y + h;
}

void letter_head(struct pdf *p, const struct letter_head *h)
{
    char buf[512], date[96];

    snprintf(buf, sizeof(buf), "〒%.3s-%.4s", h->postal, strlen(h->postal) >= 7 ? h->postal + 3 : "");
    pdf_text(p, PDF_MINCHO, 11, WIN_X + 3, WIN_Y + 7, buf);
    pdf_text_box(p, PDF_MINCHO, 12, WIN_X + 3, WIN_Y + 9, WIN_W - 6, 7, PDF_ALIGN_LEFT, h->address, NULL);
    if (h->katagaki && *h->katagaki)
        pdf_text_box(p, PDF_MINCHO, 12, WIN_X + 3, WIN_Y + 16, WIN_W - 6, 7, PDF_ALIGN_LEFT,
                     h->katagaki, NULL);
    snprintf(buf, sizeof(buf), "%s 様", h->guardian);
    pdf_text_box(p, PDF_MINCHO, 15, WIN_X + 8, WIN_Y + 27, WIN_W - 11, 9, PDF_ALIGN_LEFT, buf, NULL);
    snprintf(buf, sizeof(buf), "(%s ちゃんの保護者様)", h->child_name);
    pdf_text_box(p, PDF_MINCHO, 9, WIN_X + 8, WIN_Y + 36, WIN_W - 11, 6, PDF_ALIGN_LEFT, buf, NULL);
    jpdate_format(h->issued_on, date, sizeof(date));
    pdf_text_box(p, PDF_MINCHO, 10, 125, 15, 60, 6, PDF_ALIGN_RIGHT, date, NULL);
    pdf_text_box(p, PDF_GOTHIC, 11, 125, 24, 60, 7, PDF_ALIGN_RIGHT, h->site_name, NULL);
    if (h->site_address && *h->site_address)
        pdf_text_box(p, PDF_MINCHO, 9, 125, 31, 60, 6, PDF_ALIGN_RIGHT, h->site_address, NULL);
}

int letter_annai(struct pdf *p, const struct letter_annai *l, struct berr *e)
{
    char buf[512], date[96], birth[64];
    struct buf t;
    double y;
    const char *bring_list = "母子健康手帳、問診票 (同封)", *note = NULL;

    buf_init(&t);
    pdf_page_add(p, PDF_PORTRAIT);
    struct letter_head head = { l->postal, l->address, l->katagaki, l->guardian, l->child_name,
                                l->issued_on, l->site_name, l->site_address };
    letter_head(p, &head);
    /* below the first fold (99 mm): the invitation */
    snprintf(buf, sizeof(buf), "%s のご案内", l->checkup_title);
    pdf_text_box(p, PDF_GOTHIC, 17, LEFT, 106, RIGHT - LEFT, 10, PDF_ALIGN_CENTRE, buf, NULL);
    y = 122;
    static const char *const body[] = {
        "お子さんの健やかな成長を願い、下記のとおり健康診査を行います。",
        "身体の発育や発達の確認、育児についてのご相談をお受けします。",
        "ご都合のつく限りお子さんと一緒にお越しください。",
    };
    for (size_t i = 0; i < sizeof(body) / sizeof(body[0]); i++, y += 6.5)
        pdf_text(p, PDF_MINCHO, 11, LEFT + 4, y, body[i]);
    pdf_text_box(p, PDF_GOTHIC, 12, LEFT, y, RIGHT - LEFT, 8, PDF_ALIGN_CENTRE, "記", NULL);
    y += 11;
    jpdate_format(l->child_birth, birth, sizeof(birth));
    snprintf(buf, sizeof(buf), "%s (%s)  %s生", l->child_name, l->child_kana, birth);
    y = letter_row(p, y, "対象のお子さん", buf, 10);
    date_with_weekday(l->checkup_date, date, sizeof(date));
    snprintf(buf, sizeof(buf), "%s  %s", date, l->checkup_time);
    y = letter_row(p, y, "日時", buf, 10);
    y = letter_row(p, y, "会場", l->venue, 10);
    y = letter_row(p, y, "受診番号", l->jushin_no, 10);
    for (size_t i = 0; i < sizeof(bring) / sizeof(bring[0]); i++) {
        if (strcmp(bring[i].form, l->form) == 0) {
            bring_list = bring[i].bring;
            note = bring[i].note;
        }
    }
    y = letter_row(p, y, "持ち物", bring_list, 14);
    y += 8;
    static const char *const notes[] = {
        "・当日、お子さんの体調がすぐれない場合は無理をせず、下記までご連絡ください。",
        "・都合が悪い場合は、次回の日程をご案内しますので、お問い合わせください。",
        "・同封の問診票は、枠の中に記入し、あてはまる □ にレ印を付けてください。",
    };
    for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++, y += 6.5)
        pdf_text(p, PDF_MINCHO, 10, LEFT + 2, y, notes[i]);
    if (note != NULL) {
        buf_addf(&t, "・%s", note);
        pdf_text(p, PDF_MINCHO, 10, LEFT + 2, y, t.s);
        y += 6.5;
    }
    /* contact */
    y = y < 250 ? 250 : y + 4;
    pdf_rect(p, LEFT, y, RIGHT - LEFT, 18, 0.3);
    pdf_text(p, PDF_GOTHIC, 10.5, LEFT + 4, y + 7, "お問い合わせ");
    snprintf(buf, sizeof(buf), "%s  %s", l->site_name, l->site_contact);
    pdf_text_box(p, PDF_GOTHIC, 11, LEFT + 4, y + 9, RIGHT - LEFT - 8, 7, PDF_ALIGN_LEFT, buf, NULL);
    snprintf(buf, sizeof(buf), "発行番号 %s", l->issue_id ? l->issue_id : "-");
    pdf_text(p, PDF_GOTHIC, 7, LEFT, 284, buf);
    buf_release(&t);
    return pdf_error(p, e);
}
