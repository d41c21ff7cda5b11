/*
 * formprint.c: a form definition drawn on paper, blank or pre-filled, so
 * that boshi can read it back: the four registration marks and a QR signed
 * with the site key on every page (ARCHITECTURE.md §1, §5), every field's boxes
 * at the millimetre positions of its definition, labels beside them, and
 * the `printed` fields filled from the subject.  Geometry comes only from
 * the definition: one file drives printing and reading.
 * Not for: deciding who gets a form (records/targets.c) or recording the
 * issue (records/issues.c).
 */
#include "reports/reports.h"
#include "base/qrpayload.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_BOX 0.35        /* comb and box outlines, mm */
#define LINE_CELL 0.18       /* comb dividers */
#define LABEL_PT 10.0
#define UNIT_PT 10.0
#define FILL_PT 12.0

static void add_date(struct buf *out, struct ymd d)
{
    char w[48];

    if (d.y == 0)
        return;
    jpdate_format(d, w, sizeof(w));
    buf_adds(out, w);
}

void formprint_source(const char *source, const struct form_fill *fill, struct buf *out)
{
    if (source == NULL || fill == NULL)
        return;
    if (strcmp(source, "subject.name") == 0 && fill->name)
        buf_adds(out, fill->name);
    else if (strcmp(source, "subject.kana") == 0 && fill->kana)
        buf_adds(out, fill->kana);
    else if (strcmp(source, "subject.birth") == 0)
        add_date(out, fill->birth);
    else if (strcmp(source, "subject.guardian") == 0 && fill->guardian)
        buf_adds(out, fill->guardian);
    else if (strcmp(source, "subject.atena") == 0 && fill->subject)
        buf_adds(out, fill->subject);
    else if (strcmp(source, "issue.jushin_no") == 0 && fill->jushin_no)
        buf_adds(out, fill->jushin_no);
    else if (strcmp(source, "issue.checkup_date") == 0)
        add_date(out, fill->checkup_date);
    else if (strcmp(source, "issue.checkup_time") == 0 && fill->checkup_time)
        buf_adds(out, fill->checkup_time);
    else if (strcmp(source, "issue.venue") == 0 && fill->venue)
        buf_adds(out, fill->venue);
    else if ((strcmp(source, "voucher.number") == 0 || strcmp(source, "issue.id") == 0) &&
             fill->issue_id)
        buf_adds(out, fill->issue_id);
    else if (strcmp(source, "voucher.kai") == 0 && fill->voucher_kai > 0)
        buf_addf(out, "第%d回", fill->voucher_kai);
}

/* A unit or suffix printed just right of a box, vertically centred. */
static void text_after(struct pdf *p, const struct forms_box *b, const char *t)
{
    if (t == NULL || *t == '\0')
        return;
    pdf_text(p, PDF_GOTHIC, UNIT_PT, b->x + b->w + 1.2, b->y + b->h / 2 + 1.3, t);
}

static void comb(struct pdf *p, const struct forms_box *b, int cells)
{
    if (cells > 0)
        pdf_comb(p, b->x, b->y, b->w, b->h, cells, LINE_BOX, LINE_CELL);
    else
        pdf_rect(p, b->x, b->y, b->w, b->h, LINE_BOX);
}

static void draw_options(struct pdf *p, const struct forms_field *fld)
{
    for (size_t i = 0; i < fld->n_options; i++) {
        const struct forms_option *o = &fld->options[i];
        pdf_checkbox(p, o->box.x, o->box.y, o->box.w, 0);
        if (o->has_label_box)
            pdf_text_box(p, PDF_GOTHIC, LABEL_PT, o->label_box.x, o->label_box.y, o->label_box.w,
                         o->label_box.h, PDF_ALIGN_LEFT, o->label, NULL);
        else
            text_after(p, &o->box, o->label);
    }
}

static void draw_field(struct pdf *p, const struct forms_field *fld, const struct form_fill *fill)
{
    const char *q = fld->question ? fld->question : fld->label;
    struct buf v;

    if (fld->has_label_box)
        pdf_text_box(p, PDF_GOTHIC, LABEL_PT, fld->label_box.x, fld->label_box.y, fld->label_box.w,
                     fld->label_box.h, PDF_ALIGN_LEFT, q, NULL);
    switch (fld->kind) {
    case FORMS_CHECK:
        pdf_checkbox(p, fld->box.x, fld->box.y, fld->box.w, 0);
        break;
    case FORMS_CHOICE:
    case FORMS_MULTI:
        draw_options(p, fld);
        break;
    case FORMS_DIGITS:
    case FORMS_KANA:
    case FORMS_MYNUMBER:
        comb(p, &fld->box, fld->cells);
        text_after(p, &fld->box, fld->unit);
        break;
    case FORMS_NUMBER: {
        comb(p, &fld->box, fld->cells);
        if (fld->cells > 0 && fld->decimals > 0 && fld->decimals < fld->cells) {
            /*
             * The decimal point, on the divider before the decimals, just
             * below the box: outside the cells, so it is never read as ink.
             */
            double cw = fld->box.w / fld->cells;
            double x = fld->box.x + cw * (fld->cells - fld->decimals);
            pdf_fill_rect(p, x - 0.6, fld->box.y + fld->box.h + 0.5, 1.2, 1.2, 0.0);
        }
        text_after(p, &fld->box, fld->unit);
        break;
    }
    case FORMS_DATE:
        if (fld->era_fixed != ERA_NONE) {
            double w = 0;
            const char *era = jp_era_name(fld->era_fixed);
            pdf_text_width(p, PDF_GOTHIC, LABEL_PT, era, &w);
            pdf_text(p, PDF_GOTHIC, LABEL_PT, fld->year.box.x - w - 1.5,
                     fld->year.box.y + fld->year.box.h / 2 + 1.3, era);
        } else {
            draw_options(p, fld);
        }
        comb(p, &fld->year.box, fld->year.cells);
        text_after(p, &fld->year.box, "年");
        comb(p, &fld->month.box, fld->month.cells);
        text_after(p, &fld->month.box, "月");
        comb(p, &fld->day.box, fld->day.cells);
        text_after(p, &fld->day.box, "日");
        break;
    case FORMS_TEXT:
    case FORMS_PRESENCE:
        pdf_rect(p, fld->box.x, fld->box.y, fld->box.w, fld->box.h, LINE_BOX);
        break;
    case FORMS_PRINTED:
        pdf_rect(p, fld->box.x, fld->box.y, fld->box.w, fld->box.h, LINE_CELL);
        buf_init(&v);
        formprint_source(fld->source, fill, &v);
        if (v.len > 0)
            pdf_text_box(p, PDF_GOTHIC, FILL_PT, fld->box.x + 1.5, fld->box.y + 0.5,
                         fld->box.w - 3.0, fld->box.h - 1.0, PDF_ALIGN_LEFT, v.s, NULL);
        buf_release(&v);
        text_after(p, &fld->box, fld->unit);
        break;
    case FORMS_KIND_COUNT:
        break;
    }
}

int formprint_form(struct pdf *p, const struct forms_form *f, const struct form_fill *fill,
                   const unsigned char key[32], struct berr *e)
{
    return formprint_form_pages(p, f, fill, key, 1, f->pages, e);
}

int formprint_form_pages(struct pdf *p, const struct forms_form *f, const struct form_fill *fill,
                         const unsigned char key[32], int first, int last, struct berr *e)
{
    struct qrpayload qp;
    char *payload = NULL;
    struct buf foot;
    int rc = 0;

    buf_init(&foot);
    if (first < 1)
        first = 1;
    if (last > f->pages)
        last = f->pages;
    for (int page = first; page <= last && rc == 0; page++) {
        rc = pdf_page_add(p, PDF_PORTRAIT);
        if (rc < 0)
            break;
        for (int m = 0; m < 4; m++)
            pdf_square(p, f->marks[m].x, f->marks[m].y, f->marks[m].w);
        memset(&qp, 0, sizeof(qp));
        snprintf(qp.form, sizeof(qp.form), "%s", f->id);
        qp.version = f->version;
        qp.page = page;
        qp.pages = f->pages;
        if (fill && fill->subject)
            snprintf(qp.subject, sizeof(qp.subject), "%s", fill->subject);
        if (fill && fill->issue_id)
            snprintf(qp.issue, sizeof(qp.issue), "%s", fill->issue_id);
        rc = qrpayload_build(&qp, key, &payload, e);
        if (rc < 0)
            break;
        pdf_qr(p, f->qr.x, f->qr.y, f->qr.w, payload, NULL);
        free(payload);
        payload = NULL;
        pdf_text_box(p, PDF_GOTHIC, 16, f->title_box.x, f->title_box.y, f->title_box.w,
                     f->title_box.h * 0.62, PDF_ALIGN_LEFT, f->title, NULL);
        if (f->page_titles && f->page_titles[page - 1] &&
            strcmp(f->page_titles[page - 1], f->title) != 0)
            pdf_text_box(p, PDF_GOTHIC, 11, f->title_box.x, f->title_box.y + f->title_box.h * 0.62,
                         f->title_box.w, f->title_box.h * 0.38, PDF_ALIGN_LEFT,
                         f->page_titles[page - 1], NULL);
        for (size_t i = 0; i < f->n_fields; i++)
            if (f->fields[i].page == page)
                draw_field(p, &f->fields[i], fill);
        buf_reset(&foot);
        /* what people read: the form's title, never its internal id */
        buf_addf(&foot, "%s（第%d版）  %d / %d ページ", f->title, f->version, page, f->pages);
        if (fill && fill->issue_id)
            buf_addf(&foot, "  発行番号 %s", fill->issue_id);
        buf_adds(&foot, "  ※ 枠の外に書かないでください。折り曲げないでください。");
        pdf_text(p, PDF_GOTHIC, 7, f->marks[2].x + f->marks[2].w + 4,
                 f->marks[2].y + f->marks[2].h - 1.5, foot.s);
        rc = pdf_error(p, e);
    }
    buf_release(&foot);
    free(payload);
    return rc;
}

int formprint_pad_even(struct pdf *p, struct berr *e)
{
    if (pdf_page_count(p) % 2 == 0)
        return 0;
    if (pdf_page_add(p, PDF_PORTRAIT) < 0)
        return pdf_error(p, e);
    pdf_text(p, PDF_GOTHIC, 8, 20, 285, "（白紙：両面印刷で次の方の用紙と同じ紙にならないための空白ページです）");
    return pdf_error(p, e);
}
