/*
 * reports/auditreview.c: the monthly access-log review (点検) as a PDF and
 * its CSV twin (reports/auditreview.h).  Page 1 starts with the month's
 * figures and the notes on rules that could not be applied (an operator
 * with no address on record, a display name with no surname, the 支援措置
 * rule not yet connected); then every page holds ruled rows of findings:
 * 番号, 規則, 利用者, 宛名番号, 日時 (和暦, Japan time), 内容, 確認.
 */
#include "reports/auditreview.h"
#include "base/workday.h"
#include "reports/pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void audit_review_when(const struct audit_finding *f, char *out, size_t n)
{
    char a[64] = "", b[64] = "";

    if (!jptime_format(f->first_at, a, sizeof(a)))
        snprintf(a, sizeof(a), "%s", f->first_at);
    if (strcmp(f->first_at, f->last_at) == 0 || !jptime_format(f->last_at, b, sizeof(b))) {
        snprintf(out, n, "%s", a);
        return;
    }
    snprintf(out, n, "%s〜%s", a, b);
}

static void checked_text(const struct audit_finding *f, char *out, size_t n)
{
    char at[64] = "";

    if (f->checked_at == NULL) {
        snprintf(out, n, "未確認");
        return;
    }
    if (!jptime_format(f->checked_at, at, sizeof(at)))
        snprintf(at, sizeof(at), "%s", f->checked_at);
    snprintf(out, n, "確認済 %s %s", f->checked_by ? f->checked_by : "", at);
}

int audit_review_write_csv(const struct audit_review *r, const char *csv_path,
                           enum csvout_encoding enc, struct berr *e)
{
    static const char *const head[] = {
        "番号", "規則", "利用者", "利用者氏名", "宛名番号", "日時（日本時間）", "件数", "内容",
        "確認", "確認者", "確認日時", "コメント",
    };
    struct csvout *c = NULL;
    int rc = csvout_open(&c, csv_path, enc, e);

    if (rc < 0)
        return rc;
    csvout_row(c, head, sizeof(head) / sizeof(head[0]));
    for (size_t i = 0; i < r->nf; i++) {
        const struct audit_finding *f = &r->f[i];
        char id[24], views[24], when[160], at[64] = "";
        snprintf(id, sizeof(id), "%lld", (long long)f->id);
        snprintf(views, sizeof(views), "%ld", f->views);
        audit_review_when(f, when, sizeof(when));
        if (f->checked_at && !jptime_format(f->checked_at, at, sizeof(at)))
            snprintf(at, sizeof(at), "%s", f->checked_at);
        const char *row[] = {
            id, audit_rule_label(f->rule), f->user, f->user_name, f->person, when, views, f->detail,
            f->checked_at ? "確認済" : "未確認", f->checked_by ? f->checked_by : "", at,
            f->comment ? f->comment : "",
        };
        csvout_row(c, row, sizeof(row) / sizeof(row[0]));
    }
    return csvout_close(&c, e);
}

/* ---- PDF ------------------------------------------------------------------ */

#define MARGIN 14.0
#define ROW_H 11.0
#define HEAD_H 7.0
#define HEAD_GREY 0.90
#define PT 8.0

/* The first n characters (UTF-8 code points) of s into out, and where the rest starts. */
static const char *utf8_take(const char *s, size_t chars, char *out, size_t n)
{
    size_t i = 0, c = 0;

    while (s[i] && c < chars) {
        size_t len = 1;
        unsigned char b = (unsigned char)s[i];
        if (b >= 0xF0)
            len = 4;
        else if (b >= 0xE0)
            len = 3;
        else if (b >= 0xC0)
            len = 2;
        if (i + len >= n)
            break;
        i += len;
        c++;
    }
    snprintf(out, n, "%.*s", (int)i, s);
    return s + i;
}

/* A ruled cell holding up to two lines (the second may be NULL). */
static void cell2(struct pdf *p, double x, double y, double w, const char *l1, const char *l2,
                  enum pdf_align al)
{
    pdf_rect(p, x, y, w, ROW_H, 0.25);
    if (l2 && *l2) {
        if (l1 && *l1)
            pdf_text_box(p, PDF_GOTHIC, PT, x + 1.0, y + 0.8, w - 2.0, 4.6, al, l1, NULL);
        pdf_text_box(p, PDF_GOTHIC, PT, x + 1.0, y + 5.6, w - 2.0, 4.6, al, l2, NULL);
    } else if (l1 && *l1) {
        pdf_text_box(p, PDF_GOTHIC, PT, x + 1.0, y + 0.8, w - 2.0, ROW_H - 1.6, al, l1, NULL);
    }
}

static const double col_w[] = { 12, 30, 32, 22, 46, 83, 44 };
static const char *const col_head[] = { "番号", "規則", "利用者", "宛名番号", "日時（日本時間）",
                                        "内容", "確認" };
#define NCOL (sizeof(col_w) / sizeof(col_w[0]))

static void table_head(struct pdf *p, double y)
{
    double x = MARGIN;

    for (size_t i = 0; i < NCOL; i++) {
        pdf_fill_rect(p, x, y, col_w[i], HEAD_H, HEAD_GREY);
        pdf_rect(p, x, y, col_w[i], HEAD_H, 0.25);
        pdf_text_box(p, PDF_GOTHIC, PT, x + 1, y + 0.8, col_w[i] - 2, HEAD_H - 1.6, PDF_ALIGN_CENTRE,
                     col_head[i], NULL);
        x += col_w[i];
    }
}

static void row(struct pdf *p, double y, const struct audit_finding *f)
{
    char id[24], when[160], w1[160], w2[160], d1[160], d2[160], c1[160], c2[160];
    const char *sep, *rest;
    double x = MARGIN;

    snprintf(id, sizeof(id), "%lld", (long long)f->id);
    audit_review_when(f, when, sizeof(when));
    sep = strstr(when, "〜");
    if (sep) {
        snprintf(w1, sizeof(w1), "%.*s", (int)(sep - when), when);
        snprintf(w2, sizeof(w2), "%s", sep);
    } else {
        snprintf(w1, sizeof(w1), "%s", when);
        w2[0] = '\0';
    }
    rest = utf8_take(f->detail, 40, d1, sizeof(d1));
    if (*utf8_take(rest, 39, d2, sizeof(d2) - 4) != '\0')
        strcat(d2, "…");
    checked_text(f, c1, sizeof(c1));
    if (f->comment)
        utf8_take(f->comment, 22, c2, sizeof(c2));
    else
        c2[0] = '\0';
    cell2(p, x, y, col_w[0], id, NULL, PDF_ALIGN_RIGHT);
    x += col_w[0];
    cell2(p, x, y, col_w[1], audit_rule_label(f->rule), NULL, PDF_ALIGN_LEFT);
    x += col_w[1];
    cell2(p, x, y, col_w[2], f->user, f->user_name, PDF_ALIGN_LEFT);
    x += col_w[2];
    cell2(p, x, y, col_w[3], f->person[0] ? f->person : "－", NULL, PDF_ALIGN_LEFT);
    x += col_w[3];
    cell2(p, x, y, col_w[4], w1, w2, PDF_ALIGN_LEFT);
    x += col_w[4];
    cell2(p, x, y, col_w[5], d1, d2, PDF_ALIGN_LEFT);
    x += col_w[5];
    cell2(p, x, y, col_w[6], c1, c2, PDF_ALIGN_LEFT);
}

static void frame(struct pdf *p, const struct audit_review *r, const struct audit_review_print *pr,
                  int page, int pages)
{
    double w, h;
    char line[256], made[48], era[64];

    pdf_page_add(p, PDF_LANDSCAPE);
    pdf_page_size(p, &w, &h);
    jpdate_format((struct ymd){ r->year, r->month, 1 }, era, sizeof(era));
    /* "令和8年11月1日" -> "令和8年11月" */
    char *day = strstr(era, "月");
    if (day)
        day[strlen("月")] = '\0';
    snprintf(line, sizeof(line), "アクセス記録点検（%s分）", era);
    pdf_text_box(p, PDF_GOTHIC, 15, MARGIN, MARGIN - 2, w - 2 * MARGIN - 90, 9, PDF_ALIGN_LEFT, line,
                 NULL);
    pdf_text_box(p, PDF_GOTHIC, 11, w - MARGIN - 90, MARGIN - 2, 90, 9, PDF_ALIGN_RIGHT,
                 pr->site_name ? pr->site_name : "", NULL);
    pdf_line(p, MARGIN, MARGIN + 9, w - MARGIN, MARGIN + 9, 0.5);
    jpdate_format(pr->made_on, made, sizeof(made));
    snprintf(line, sizeof(line), "作成日：%s　　取扱注意（宛名番号を含みます）", made);
    pdf_line(p, MARGIN, h - MARGIN - 6, w - MARGIN, h - MARGIN - 6, 0.3);
    pdf_text_box(p, PDF_GOTHIC, 8.5, MARGIN, h - MARGIN - 5, w - 2 * MARGIN - 40, 5, PDF_ALIGN_LEFT,
                 line, NULL);
    snprintf(line, sizeof(line), "%d / %d", page, pages);
    pdf_text_box(p, PDF_GOTHIC, 9, w - MARGIN - 40, h - MARGIN - 5, 40, 5, PDF_ALIGN_RIGHT, line, NULL);
}

/* The figures and notes of page 1 from y; returns the y below them. */
static double summary(struct pdf *p, const struct audit_review *r, const struct audit_review_print *pr,
                      double y)
{
    char line[1024], first[64], last[64];
    struct ymd end = ymd_from_days(ymd_to_days(ymd_add_months((struct ymd){ r->year, r->month, 1 }, 1)) - 1);
    double w = PDF_A4_HEIGHT_MM - 2 * MARGIN;
    struct buf b;

    jpdate_format((struct ymd){ r->year, r->month, 1 }, first, sizeof(first));
    jpdate_format(end, last, sizeof(last));
#define LINE(...)                                                                                  \
    do {                                                                                           \
        snprintf(line, sizeof(line), __VA_ARGS__);                                                 \
        pdf_text_box(p, PDF_GOTHIC, 9.5, MARGIN, y, w, 5.2, PDF_ALIGN_LEFT, line, NULL);           \
        y += 5.6;                                                                                  \
    } while (0)
    LINE("対象期間：%s〜%s（日本時間）%s　執務時間：%s（平日のみ。土日・祝日・年末年始は時間外）", first,
         last, ymd_cmp(pr->made_on, end) <= 0 ? "　月の途中（作成日までの記録）" : "", r->office_hours);
    LINE("アクセス記録 %ld 件（うち個人の閲覧 %ld 件）　閲覧した利用者 %d 人　所見 %zu 件（確認済 %ld 件・未確認 %ld 件）",
         r->entries, r->views, r->accounts, r->nf, r->checked, (long)r->nf - r->checked);
    buf_init(&b);
    for (int i = 0; i < AR_RULE_COUNT; i++) {
        if (i == AR_FLAGGED && !r->flag_connected)
            buf_addf(&b, "%s%s 未接続", i ? "　" : "", audit_rule_label(i));
        else
            buf_addf(&b, "%s%s %ld 件", i ? "　" : "", audit_rule_label(i), r->n[i]);
    }
    LINE("規則ごと：%s", b.s);
    buf_release(&b);
    if (r->no_address > 0)
        LINE("住所が登録されていない利用者 %d 人（%.400s）は「%s」を確認していません（boshi users address で登録）",
             r->no_address, r->no_address_list, audit_rule_label(AR_ADDRESS));
    if (r->no_surname > 0)
        LINE("氏名に姓と名の区切り（空白）がない利用者 %d 人（%.400s）は「%s」を確認していません",
             r->no_surname, r->no_surname_list, audit_rule_label(AR_SURNAME));
    if (!r->flag_connected)
        LINE("「%s」は、支援措置の記録が住民記録に加わるまで確認できません（未接続）",
             audit_rule_label(AR_FLAGGED));
    if (r->nf == 0)
        LINE("この月の所見はありません。");
#undef LINE
    return y + 2;
}

int audit_review_write_pdf(const struct audit_review *r, const struct audit_review_print *pr,
                           const char *pdf_path, struct berr *e)
{
    struct pdf *p = NULL;
    double top = MARGIN + 12, bottom = PDF_A4_WIDTH_MM - MARGIN - 8, y;
    int rc = pdf_open(&p, e), pages = 1, page = 1;
    size_t per_first, per_page, i = 0;

    if (rc < 0)
        return rc;
    /* page 1 gives up to 8 lines of figures and notes (8 x 5.6 + 2 mm) to the table */
    per_first = (size_t)((bottom - (top + 8 * 5.6 + 2) - HEAD_H) / ROW_H);
    per_page = (size_t)((bottom - top - HEAD_H) / ROW_H);
    if (r->nf > per_first)
        pages += (int)((r->nf - per_first + per_page - 1) / per_page);
    frame(p, r, pr, page, pages);
    y = summary(p, r, pr, top);
    if (y < top + 8 * 5.6 + 2)
        y = top + 8 * 5.6 + 2;
    if (r->nf > 0)
        table_head(p, y);
    y += HEAD_H;
    for (size_t k = 0; i < r->nf && k < per_first; k++, i++, y += ROW_H)
        row(p, y, &r->f[i]);
    while (i < r->nf) {
        frame(p, r, pr, ++page, pages);
        y = top;
        table_head(p, y);
        y += HEAD_H;
        for (size_t k = 0; i < r->nf && k < per_page; k++, i++, y += ROW_H)
            row(p, y, &r->f[i]);
    }
    rc = pdf_save(p, pdf_path, e);
    pdf_free(&p);
    return rc;
}
