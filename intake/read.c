/*
 * read.c: one scanned page -> its form and a decided reading per field.
 * The decision rules (ARCHITECTURE.md §7.1: nothing wrong is ever
 * accepted, as much as possible is):
 *   check/choice/multi  OMR classes; a faint mark, a filled-in box (the way
 *                       people cancel a tick), two marks in a choice, or
 *                       nothing in a required choice go to review
 *   printed             what boshi printed, read by two models: accepted only
 *                       when both agree with what was printed
 *   digits, number,     handwritten digits, with the handwriting models
 *   mynumber            (ocr/hand.c): accepted only when both recognisers
 *                       agree on every inked cell with their margins, the
 *                       value validates, the 個人番号 check digit holds and a
 *                       measurement is plausible for the checkup's age
 *                       (plausible.c); otherwise review with the cells read
 *                       and '?' where in doubt.  Without the models: as
 *                       kana (Tesseract's two models, the check digit only)
 *   date, kana          accepted only when an independent check confirms
 *                       it (a date or kana equal to the resident master,
 *                       実施日 equal to the checkup date printed, settle.c);
 *                       otherwise review, with the reading as a suggestion
 *   text                handwritten kanji: never accepted; ink goes to review
 *   presence            ink or not
 * Every reading keeps its crop (PNG) so a nurse sees what was read.
 */
#include "intake/intake.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *intake_decision_name(enum intake_decision d)
{
    static const char *const n[] = { "accepted", "review", "empty" };

    return d <= DEC_EMPTY ? n[d] : "?";
}

void intake_template(const struct forms_registry *forms, struct ocr_template *t)
{
    const struct forms_form *f = forms_registry_at(forms, 0);

    memset(t, 0, sizeof(*t));
    t->page_w = f->page_w;
    t->page_h = f->page_h;
    for (int i = 0; i < 4; i++) {
        t->marks[i][0] = f->marks[i].x;
        t->marks[i][1] = f->marks[i].y;
        t->marks[i][2] = f->marks[i].w;
        t->marks[i][3] = f->marks[i].h;
    }
    t->qr[0] = f->qr.x;
    t->qr[1] = f->qr.y;
    t->qr[2] = f->qr.w;
    t->qr[3] = f->qr.h;
}

static struct ocr_box obox(const struct forms_box *b, int cells)
{
    struct ocr_box o = { b->x, b->y, b->w, b->h, cells };

    return o;
}

static void extend(double box[4], const struct forms_box *b)
{
    if (box[2] == 0) {
        box[0] = b->x; box[1] = b->y; box[2] = b->w; box[3] = b->h;
        return;
    }
    double x2 = fmax(box[0] + box[2], b->x + b->w), y2 = fmax(box[1] + box[3], b->y + b->h);
    box[0] = fmin(box[0], b->x);
    box[1] = fmin(box[1], b->y);
    box[2] = x2 - box[0];
    box[3] = y2 - box[1];
}

static void review(struct field_result *r, int risk, const char *reason)
{
    r->decision = DEC_REVIEW;
    r->risk = risk;
    snprintf(r->reason, sizeof(r->reason), "%s", reason);
    r->value[0] = '\0';
}

/* Parses raw as the field's kind; on success accepts the canonical value. */
static int accept(struct field_result *r, const char *raw)
{
    struct forms_value v;
    struct berr e;
    int rc;

    forms_value_init(&v);
    rc = forms_value_parse(r->fld, raw, &v, &e);
    if (rc == 0 && v.present) {
        r->decision = DEC_ACCEPTED;
        snprintf(r->value, sizeof(r->value), "%s", v.text);
    } else if (rc == 0) {
        r->decision = DEC_EMPTY;
    }
    forms_value_release(&v);
    return rc;
}

/* A canonical suggestion for review, when the reading parses. */
static void suggest(struct field_result *r, const char *raw)
{
    struct forms_value v;
    struct berr e;

    forms_value_init(&v);
    if (forms_value_parse(r->fld, raw, &v, &e) == 0 && v.present)
        snprintf(r->read, sizeof(r->read), "%s", v.text);
    else
        snprintf(r->read, sizeof(r->read), "%s", raw);
    forms_value_release(&v);
}

static int risk_of(const struct forms_field *f)
{
    if (f->column && (strstr(f->column, ".result") || strstr(f->column, "referral_targets") ||
                      strstr(f->column, "findings")))
        return RISK_RESULT;
    switch (f->kind) {
    case FORMS_DATE: return RISK_DATE;
    case FORMS_MYNUMBER: return RISK_IDENTITY;
    case FORMS_DIGITS: case FORMS_NUMBER: return RISK_MEASURE;
    case FORMS_PRESENCE: return RISK_PRESENCE;
    default: return RISK_QUESTION;
    }
}

/* ---- boxes ------------------------------------------------------------- */

#define FILLED_COVERAGE 0.55   /* a box filled in solid, rather than ticked or crossed */
/*
 * Ink in a box the OMR score calls empty: a faint pencil mark scores low on
 * darkness but still covers part of the box (measured: 0.015 for a faint
 * tick, 0.000 for empty boxes on clean and damaged scans).  Never "empty".
 */
#define FAINT_COVERAGE 0.008
/* Ink in the band just above or below a box: a tick that missed it. */
#define STRAY_OUTSIDE 0.02
/*
 * Ink both above and below a marked box: a 受付印 stamp or dirt across it,
 * or a scribbled correction.  Of 807 intended marks on simulated scans, 3
 * had it (two corrections, one fill under a stamp); a stamp's ring over an
 * empty box scored 0.17 and 0.19.
 */
#define CROSSING 0.05
/*
 * The same for a wide box (signature, comment): a stamp's ring covers under
 * 1 % of a band 100 mm long, so any ink both above and below counts.
 */
#define CROSSING_WIDE 0.003

/*
 * Ink in the blank gap a form leaves just left of a box, between it and the
 * printed label before it: a tick that missed the box to the left lands
 * there (and on the previous label, where it cannot be told from print).
 * A stroke 0.3 mm wide across the band covers 0.1 of it or more; a clean
 * gap scores 0 (print ends 0.3 mm short of it, the box's line 0.4 mm).
 */
#define GAP_INK 0.04
#define GAP_CLEAR_LABEL_MM 0.3
#define GAP_CLEAR_BOX_MM 0.4
#define GAP_MAX_MM 2.0

/*
 * The ink of that gap for box fb of field f: from the nearest printed thing
 * of the field on the same row (its label, another option's box or label)
 * to the box, at most GAP_MAX_MM; 0 when the gap is too narrow to look at
 * or the field's labels have no known place (printed after the box).
 */
static double gap_ink_left(const struct ocr_page *p, const struct forms_field *f,
                           const struct forms_box *fb)
{
    double start = fb->x - GAP_MAX_MM;
    const struct forms_box *others[2 * 32 + 1];
    size_t n = 0;

    if (f->has_label_box)
        others[n++] = &f->label_box;
    for (size_t i = 0; i < f->n_options && n + 2 <= sizeof(others) / sizeof(others[0]); i++) {
        if (!f->options[i].has_label_box)
            return 0;
        others[n++] = &f->options[i].box;
        others[n++] = &f->options[i].label_box;
    }
    for (size_t i = 0; i < n; i++) {
        const struct forms_box *o = others[i];
        double right = o->x + o->w;
        if (o == fb || o->y >= fb->y + fb->h || o->y + o->h <= fb->y || right > fb->x)
            continue;
        if (right > start)
            start = right;
    }
    double x0 = start + GAP_CLEAR_LABEL_MM, x1 = fb->x - GAP_CLEAR_BOX_MM;
    if (x1 - x0 < 0.3)
        return 0;
    return ocr_ink_rect(p, x0, fb->y + 0.5, x1 - x0, fb->h - 1.0);
}

/*
 * Light ink inside a box next to a looped option that is still only the
 * loop's edge: a loop drawn 0.1-0.8 mm past its label reaches the next box
 * 1 mm on, covering under 2 % of its interior; more than this is a mark of
 * its own and goes to review.  Ink above and below the box is never the
 * neighbour's: it is this box's own loop, not found (joined to the
 * neighbour's) - review, never empty.
 */
#define RING_SPILL 0.04

/* What one box shows, all rules in one place (the constants above say why). */
enum box_look { BOX_EMPTY, BOX_MARKED, BOX_FILLED, BOX_FAINT, BOX_STRAY, BOX_CROSSING };

static enum box_look look_at(const struct ocr_mark *m)
{
    /* dark ink mostly beside the box: a clear tick that missed it, not a faint one */
    int beside = m->outside >= STRAY_OUTSIDE && m->outside > 3 * m->coverage;

    switch (m->cls) {
    case OCR_OMR_MARGINAL:
        return beside ? BOX_STRAY : BOX_FAINT;
    case OCR_OMR_MARKED:
        if (m->above >= CROSSING && m->below >= CROSSING)
            return BOX_CROSSING;
        return m->coverage >= FILLED_COVERAGE ? BOX_FILLED : BOX_MARKED;
    case OCR_OMR_EMPTY:
    default:
        if (beside)
            return BOX_STRAY;
        if (m->light >= FAINT_COVERAGE)
            return BOX_FAINT;
        if (m->coverage >= FAINT_COVERAGE)
            return BOX_FAINT;
        return m->outside >= STRAY_OUTSIDE ? BOX_STRAY : BOX_EMPTY;
    }
}

static double mark_confidence(const struct ocr_mark *m)
{
    double d = m->cls == OCR_OMR_MARKED ? (m->score - OCR_OMR_MARKED_MIN) / 0.15
               : m->cls == OCR_OMR_EMPTY ? (OCR_OMR_EMPTY_MAX - m->score) / OCR_OMR_EMPTY_MAX
                                         : 0.0;

    return fmax(0.0, fmin(1.0, 0.5 + d / 2));
}

/*
 * The boxes of one field (one box for a check) into a decision.  A box
 * filled solid is a selection (as on a mark sheet) when it is the only
 * kind of mark; beside a tick or cross it is most likely a cancelled
 * answer, and only a person can tell.
 */
static int read_boxes(struct ocr_page *p, struct field_result *r, struct berr *e)
{
    const struct forms_field *f = r->fld;
    int check = f->kind == FORMS_CHECK;
    size_t n = check ? 1 : f->n_options;
    int count[BOX_CROSSING + 1] = { 0 }, rc = 0, *circled = NULL;
    double conf = 1.0;
    struct ocr_mark *marks = NULL;
    struct buf v;

    buf_init(&v);
    marks = xcalloc(n, sizeof(*marks));
    circled = xcalloc(n, sizeof(*circled));
    for (size_t i = 0; i < n; i++) {
        const struct forms_box *fb = check ? &f->box : &f->options[i].box;
        int has_label = check ? f->has_label_box : f->options[i].has_label_box;
        struct ocr_box b = obox(fb, 0);
        struct ocr_box lb = obox(check ? &f->label_box : &f->options[i].label_box, 0);
        extend(r->box, fb);
        rc = ocr_omr(p, &b, &marks[i], e);
        if (rc == 0)
            rc = ocr_omr_ring(p, &b, has_label ? &lb : NULL, &circled[i], e);
        if (rc < 0)
            goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ocr_mark *m = &marks[i];
        enum box_look look = look_at(m);
        int beside_ring = (i > 0 && circled[i - 1]) || (i + 1 < n && circled[i + 1]);
        if (circled[i] && look != BOX_FILLED)
            look = BOX_MARKED;          /* a loop round the option and its label */
        else if (beside_ring && m->cls == OCR_OMR_EMPTY && m->light < RING_SPILL &&
                 m->above < STRAY_OUTSIDE && m->below < STRAY_OUTSIDE &&
                 (look == BOX_STRAY || look == BOX_FAINT))
            look = BOX_EMPTY;           /* the neighbour's loop reaching this box's edge */
        else if (i == 0 && look == BOX_EMPTY && m->left >= STRAY_OUTSIDE)
            look = BOX_STRAY;           /* a tick that missed the first box on its left */
        else if (look == BOX_EMPTY && !beside_ring &&
                 gap_ink_left(p, f, check ? &f->box : &f->options[i].box) >= GAP_INK)
            look = BOX_STRAY;           /* ... or a later box, in the gap before it */
        count[look]++;
        if (look == BOX_MARKED || look == BOX_FILLED)
            buf_addf(&v, "%s%s", v.len ? "," : "", check ? "1" : f->options[i].value);
        conf = fmin(conf, circled[i] ? 0.9 : mark_confidence(m));
    }
    int marked = count[BOX_MARKED] + count[BOX_FILLED];
    r->confidence = conf;
    snprintf(r->read, sizeof(r->read), "%s", check && v.len == 0 ? "0" : v.s);
    if (count[BOX_FAINT] > 0)
        review(r, risk_of(f), "印が薄い");
    else if (count[BOX_STRAY] > 0)
        review(r, risk_of(f), "枠外の印");
    else if (count[BOX_CROSSING] > 0)
        review(r, risk_of(f), "枠をまたぐ印 (押印・汚れ・訂正の可能性)");
    else if (count[BOX_FILLED] > 0 && count[BOX_MARKED] > 0)
        review(r, risk_of(f), "塗りつぶしと印 (訂正の可能性)");
    else if (f->kind == FORMS_CHOICE && marked > 1)
        review(r, risk_of(f), "二つ選択");
    else if (marked == 0 && f->required)
        review(r, risk_of(f), "未記入");
    else if (marked == 0)
        r->decision = DEC_EMPTY;
    else if (accept(r, v.s) < 0)
        review(r, risk_of(f), "選択の組み合わせが不正");
cleanup:
    free(marks);
    free(circled);
    buf_release(&v);
    return rc;
}

/* ---- handwriting -------------------------------------------------------- */

/* A date read in agreement, waiting for intake to confirm it (intake.h). */
#define READ_DATE_AGREED INTAKE_DATE_AGREED

static int read_comb(struct ocr_reader *rd, struct ocr_page *p, const struct forms_box *fb,
                     int cells, enum ocr_kind kind, struct ocr_text *t, struct berr *e)
{
    struct ocr_box b = obox(fb, cells);

    return ocr_read_text(rd, p, &b, kind, t, e);
}

/*
 * Handwritten digits read by the two handwriting models: accepted only
 * when every inked cell is sure (both agree with margin), the value
 * validates, and it is plausible (check digit, age table).
 */
static int read_hand_digits(struct ocr_reader *rd, struct ocr_page *p,
                            const struct forms_form *form, struct field_result *r,
                            struct berr *e)
{
    const struct forms_field *f = r->fld;
    struct ocr_box b = obox(&f->box, f->cells);
    struct ocr_hand_text h;
    struct forms_value v;
    struct berr ve;
    char why[160];
    double conf = 1.0;
    int rc = ocr_read_hand_digits(rd, p, &b, &h, e);

    if (rc < 0)
        return rc;
    if (h.empty) {
        r->confidence = 0.9;
        if (f->required)
            review(r, risk_of(f), "未記入");
        else
            r->decision = DEC_EMPTY;
        return 0;
    }
    for (int i = 0; i < h.ncells; i++)
        if (h.cell[i].inked)
            conf = fmin(conf, fmin(h.cell[i].score[0], h.cell[i].score[1]));
    r->confidence = conf;
    /* the writing must fill the comb from the right without a gap: "65 4"
     * or a number that stops short of the last cell (the decimals are the
     * last cells) means something only the writer knows */
    int last = -1, gap = 0;
    for (int i = 0; i < h.ncells; i++)
        if (h.cell[i].inked) {
            gap |= last >= 0 && last != i - 1;
            last = i;
        }
    if (!h.all_sure) {
        /* the cells read, '?' where the two disagree or lack margin:
         * the nurse types only those */
        snprintf(r->read, sizeof(r->read), "%s", h.value);
        review(r, risk_of(f), "読取が二通りの升がある (「?」の升を画像で確認)");
        return 0;
    }
    suggest(r, h.value);
    if (gap || (f->kind == FORMS_NUMBER && last != h.ncells - 1)) {
        review(r, risk_of(f), "空欄の升がある (位置を確認)");
        return 0;
    }
    if (f->kind == FORMS_MYNUMBER) {
        if (!mynumber_valid(h.value))
            review(r, RISK_IDENTITY, "チェックデジット不一致");
        else if (accept(r, h.value) < 0)
            review(r, RISK_IDENTITY, "個人番号の形式エラー");
        return 0;
    }
    forms_value_init(&v);
    if (forms_value_parse(f, h.value, &v, &ve) < 0 || !v.present)
        review(r, risk_of(f), "範囲外・形式エラー");
    else if (intake_plausible(form ? form->id : NULL, f->column, v.text, 0, why, sizeof(why))
             == PLAUS_NO)
        review(r, risk_of(f), why);
    else
        accept(r, h.value);
    forms_value_release(&v);
    return 0;
}

/*
 * A カナ box read cell by cell by the two katakana models.  Free text is
 * never accepted from it: the cells are kept (r->kana) for settle.c to
 * score the resident master's candidates against; the reading offered is
 * each cell's agreed class, or the SVM's, '?' where they disagree.
 */
static int read_hand_kana(struct ocr_reader *rd, struct ocr_page *p, struct field_result *r,
                          struct berr *e)
{
    const struct forms_field *f = r->fld;
    struct ocr_box b = obox(&f->box, f->cells);
    struct ocr_hand_kana *h = xcalloc(1, sizeof(*h));
    struct buf txt;
    double conf = 1.0;
    int rc = ocr_read_hand_kana(rd, p, &b, h, e), last = -1;

    if (rc < 0) {
        free(h);
        return rc;
    }
    if (h->empty) {
        free(h);
        r->confidence = 0.9;
        if (f->required)
            review(r, risk_of(f), "未記入");
        else
            r->decision = DEC_EMPTY;
        return 0;
    }
    for (int i = 0; i < h->ncells; i++)
        if (h->cell[i].inked)
            last = i;
    buf_init(&txt);
    for (int i = 0; i <= last; i++) {
        const struct ocr_kana_cell *c = &h->cell[i];
        if (!c->inked) {
            buf_adds(&txt, "\xE3\x80\x80");
            continue;
        }
        conf = fmin(conf, fmin(c->score[0], c->score[1]));
        buf_adds(&txt, c->best[0] == c->best[1] ? ocr_kana_label(c->best[0]) : "?");
    }
    r->confidence = conf;
    snprintf(r->read, sizeof(r->read), "%s", txt.s ? txt.s : "");
    buf_release(&txt);
    r->kana = h;
    review(r, risk_of(f), h->all_sure ? "手書きカナの確認" : "読取が二通りの升がある (「?」の升を画像で確認)");
    return 0;
}

static int read_digits(struct ocr_reader *rd, struct ocr_page *p, const struct forms_form *form,
                       struct field_result *r, struct berr *e)
{
    const struct forms_field *f = r->fld;
    struct ocr_text t;
    int rc;

    if (f->kind != FORMS_KANA && ocr_reader_has_hand(rd))
        return read_hand_digits(rd, p, form, r, e);
    if (f->kind == FORMS_KANA && f->cells > 0 && ocr_reader_has_hand_kana(rd))
        return read_hand_kana(rd, p, r, e);
    rc = read_comb(rd, p, &f->box, f->cells, f->kind == FORMS_KANA ? OCR_KANA : OCR_DIGITS, &t, e);

    if (rc < 0)
        return rc;
    r->confidence = fmin(t.r[0].min_conf, t.r[1].min_conf) / 100.0;
    if (t.empty) {
        if (f->required)
            review(r, risk_of(f), "未記入");
        else
            r->decision = DEC_EMPTY;
        return 0;
    }
    suggest(r, t.r[0].value[0] ? t.r[0].value : t.r[1].value);
    if (!t.agree) {
        /* the two readers differ: say so, and what each read (the first may well be right) */
        char why[sizeof(r->reason)];
        if (f->kind == FORMS_KANA || f->kind == FORMS_MYNUMBER)
            snprintf(why, sizeof(why), "読取が二通り (画像で確認)");
        else if (!t.r[0].value[0] || !t.r[1].value[0])
            snprintf(why, sizeof(why), "読取が二通り (一方は読めず「%.40s」)",
                     t.r[0].value[0] ? t.r[0].value : t.r[1].value);
        else
            snprintf(why, sizeof(why), "読取が二通り (「%.40s」か「%.40s」)", t.r[0].value, t.r[1].value);
        review(r, risk_of(f), why);
        return 0;
    }
    if (f->cells > 1 && t.cells_inked > 0 && (int)strlen(t.r[0].value) != t.cells_inked &&
        f->kind != FORMS_KANA) {
        review(r, risk_of(f), "桁数不足");
        return 0;
    }
    if (f->kind == FORMS_MYNUMBER) {
        /* the check digit is an independent check of the 12 digits read */
        if (!mynumber_valid(t.r[0].value))
            review(r, RISK_IDENTITY, "チェックデジット不一致");
        else if (accept(r, t.r[0].value) < 0)
            review(r, RISK_IDENTITY, "個人番号の形式エラー");
        return 0;
    }
    /* handwriting with nothing to confirm it: a person decides */
    struct forms_value v;
    struct berr ve;
    forms_value_init(&v);
    if (forms_value_parse(f, t.r[0].value, &v, &ve) < 0)
        review(r, risk_of(f), "範囲外・形式エラー");
    else
        review(r, risk_of(f), f->kind == FORMS_KANA ? "手書きカナの確認" : "手書き数字の確認");
    forms_value_release(&v);
    return 0;
}

static int read_date(struct ocr_reader *rd, struct ocr_page *p, struct field_result *r,
                     struct berr *e)
{
    const struct forms_field *f = r->fld;
    const struct forms_comb *parts[3] = { &f->year, &f->month, &f->day };
    char got[3][OCR_TEXT_MAX];
    const char *era = NULL;
    int empty = 0, agree = 1, rc = 0, eras = 0, faint = 0;
    double conf = 1.0;
    struct buf raw;

    buf_init(&raw);
    for (size_t i = 0; i < f->n_options; i++) {
        struct ocr_box b = obox(&f->options[i].box, 0);
        struct ocr_mark m;
        extend(r->box, &f->options[i].box);
        rc = ocr_omr(p, &b, &m, e);
        if (rc < 0)
            goto cleanup;
        enum box_look look = look_at(&m);
        if (look == BOX_EMPTY && gap_ink_left(p, f, &f->options[i].box) >= GAP_INK)
            look = BOX_STRAY;
        if (look == BOX_MARKED || look == BOX_FILLED) {
            era = f->options[i].value;
            eras++;
        }
        faint += look == BOX_FAINT || look == BOX_STRAY || look == BOX_CROSSING;
    }
    for (int k = 0; k < 3; k++) {
        struct ocr_text t;
        extend(r->box, &parts[k]->box);
        if (ocr_reader_has_hand(rd)) {
            /* the handwriting models: every cell sure, or '?' where not */
            struct ocr_box b = obox(&parts[k]->box, parts[k]->cells);
            struct ocr_hand_text h;
            rc = ocr_read_hand_digits(rd, p, &b, &h, e);
            if (rc < 0)
                goto cleanup;
            empty += h.empty;
            agree &= h.all_sure;
            for (int i = 0; i < h.ncells; i++)
                if (h.cell[i].inked)
                    conf = fmin(conf, fmin(h.cell[i].score[0], h.cell[i].score[1]));
            snprintf(got[k], sizeof(got[k]), "%s", h.value);
            continue;
        }
        rc = read_comb(rd, p, &parts[k]->box, parts[k]->cells, OCR_DIGITS, &t, e);
        if (rc < 0)
            goto cleanup;
        empty += t.empty;
        agree &= t.agree;
        conf = fmin(conf, fmin(t.r[0].min_conf, t.r[1].min_conf) / 100.0);
        snprintf(got[k], sizeof(got[k]), "%s", t.r[0].value[0] ? t.r[0].value : t.r[1].value);
    }
    r->confidence = conf;
    if (empty == 3 && eras == 0 && faint == 0) {
        if (f->required)
            review(r, risk_of(f), "未記入");
        else
            r->decision = DEC_EMPTY;
        goto cleanup;
    }
    if (forms_date_raw(f, era, got[0], got[1], got[2], &raw, e) == 0)
        suggest(r, raw.s);
    else if (ocr_reader_has_hand(rd))
        snprintf(r->read, sizeof(r->read), "%.32s.%.32s.%.32s", got[0], got[1], got[2]);
    struct forms_value dv;
    struct berr de;
    forms_value_init(&dv);
    int is_date = raw.len > 0 && forms_value_parse(f, raw.s, &dv, &de) == 0 && dv.present;
    forms_value_release(&dv);
    if (faint || (f->n_options > 0 && eras != 1))
        review(r, risk_of(f), eras > 1 ? "元号が二つ選択" : "元号の印が不明");
    else if (empty > 0)
        review(r, risk_of(f), "桁数不足");
    else if (!agree)
        review(r, risk_of(f), "日付の読取が二通り");
    else if (!is_date)
        review(r, risk_of(f), "日付として読めない (画像で確認)");   /* "R0.0.15" is no date */
    else
        review(r, risk_of(f), READ_DATE_AGREED);   /* intake may confirm it */
cleanup:
    buf_release(&raw);
    return rc;
}

static int read_ink(struct ocr_page *p, struct field_result *r, struct berr *e)
{
    struct ocr_box b = obox(&r->fld->box, 0);
    struct ocr_ink k;
    int rc = ocr_ink(p, &b, &k, e);

    if (rc < 0)
        return rc;
    r->confidence = k.present ? fmin(1.0, 0.5 + k.coverage * 20) : 0.9;
    snprintf(r->read, sizeof(r->read), "%s", k.present ? "1" : "0");
    if (r->fld->kind == FORMS_TEXT) {
        if (k.present)
            review(r, risk_of(r->fld), "手書き文字 (入力が必要)");
        else if (r->fld->required)
            review(r, risk_of(r->fld), "未記入");
        else
            r->decision = DEC_EMPTY;
        return 0;
    }
    if (k.present && k.above >= CROSSING_WIDE && k.below >= CROSSING_WIDE)
        review(r, risk_of(r->fld), "枠をまたぐ記入 (押印・汚れの可能性)");
    else if (k.present)
        accept(r, "1");
    else if (r->fld->required)
        review(r, risk_of(r->fld), "未記入");
    else
        r->decision = DEC_EMPTY;
    return 0;
}

/* ---- printed by boshi ------------------------------------------------------ */

static void squeeze(const char *in, char *out, size_t n)
{
    char *f = kana_fold(in);
    size_t j = 0;

    for (const char *s = f ? f : ""; *s && j + 1 < n; s++)
        if (*s != ' ')
            out[j++] = *s;
    out[j] = '\0';
    free(f);
}

static int read_printed(struct ocr_reader *rd, struct ocr_page *p, struct field_result *r,
                        struct berr *e)
{
    struct ocr_text t;
    int rc = read_comb(rd, p, &r->fld->box, 0, OCR_TEXT, &t, e);

    if (rc < 0)
        return rc;
    r->confidence = fmin(t.r[0].conf, t.r[1].conf) / 100.0;
    snprintf(r->read, sizeof(r->read), "%s", t.r[0].value);
    snprintf(r->read2, sizeof(r->read2), "%s", t.r[1].value);
    if (t.empty)
        r->decision = DEC_EMPTY;
    else
        /* until intake_check_printed() compares it with what was printed */
        review(r, RISK_QUESTION, "印字内容を照合できない");
    return 0;
}

void intake_check_printed(struct page_result *res, const struct intake_expect *x)
{
    for (size_t i = 0; i < res->n_fields; i++) {
        struct field_result *r = &res->fields[i];
        const char *src = r->fld->source;
        char want[OCR_TEXT_MAX] = "", a[OCR_TEXT_MAX], b[OCR_TEXT_MAX], w[OCR_TEXT_MAX];
        if (r->fld->kind != FORMS_PRINTED || src == NULL || !x->have)
            continue;
        if (strcmp(src, "subject.name") == 0)
            snprintf(want, sizeof(want), "%s", x->name);
        else if (strcmp(src, "subject.kana") == 0)
            snprintf(want, sizeof(want), "%s", x->kana);
        else if (strcmp(src, "issue.jushin_no") == 0)
            snprintf(want, sizeof(want), "%s", x->jushin_no);
        else if (strcmp(src, "subject.birth") == 0 && x->birth.y)
            jpdate_format(x->birth, want, sizeof(want));
        else if (strcmp(src, "issue.checkup_date") == 0 && x->checkup_date.y)
            jpdate_format(x->checkup_date, want, sizeof(want));
        if (want[0] == '\0')
            continue;
        if (r->decision == DEC_EMPTY) {
            review(r, RISK_ISSUE, "印字が読めない");
            snprintf(r->read, sizeof(r->read), "%s", want);
            continue;
        }
        squeeze(r->read, a, sizeof(a));
        squeeze(r->read2, b, sizeof(b));
        squeeze(want, w, sizeof(w));
        if (strcmp(a, w) == 0 && strcmp(b, w) == 0) {
            snprintf(r->read, sizeof(r->read), "%s", want);
            r->reason[0] = '\0';
            r->risk = 0;
            accept(r, want);
        } else {
            char why[sizeof(r->reason)];
            if (strcmp(a, w) == 0 || strcmp(b, w) == 0)
                /* one reader agrees with what boshi printed, the other does not */
                snprintf(why, sizeof(why), "印字と一方の読取だけが一致 (もう一方「%.40s」)",
                         strcmp(a, w) == 0 ? r->read2 : r->read);
            else
                snprintf(why, sizeof(why), "印字と読取が違う (読取「%.40s」「%.40s」)", r->read,
                         r->read2);
            review(r, RISK_ISSUE, why);
            snprintf(r->read, sizeof(r->read), "%s", want);
        }
    }
}

/* ---- the page -------------------------------------------------------------- */

static int read_field(struct ocr_reader *rd, struct ocr_page *p, const struct forms_form *form,
                      struct field_result *r, struct berr *e)
{
    const struct forms_field *f = r->fld;
    int rc;

    if (f->has_box)
        extend(r->box, &f->box);
    switch (f->kind) {
    case FORMS_CHECK:
    case FORMS_CHOICE:
    case FORMS_MULTI: rc = read_boxes(p, r, e); break;
    case FORMS_DIGITS:
    case FORMS_NUMBER:
    case FORMS_MYNUMBER:
    case FORMS_KANA: rc = read_digits(rd, p, form, r, e); break;
    case FORMS_DATE: rc = read_date(rd, p, r, e); break;
    case FORMS_TEXT:
    case FORMS_PRESENCE: rc = read_ink(p, r, e); break;
    case FORMS_PRINTED: rc = read_printed(rd, p, r, e); break;
    default: rc = berr_set(e, BERR_FAIL, "未対応の項目種別"); break;
    }
    if (rc == 0 && f->n_options > 0 && f->kind != FORMS_DATE) {
        /* what a nurse sees takes in each option's printed label (to the
         * right of its box), so the last option is not cut in half */
        for (size_t i = 0; i < f->n_options; i++) {
            const struct forms_option *o = &f->options[i];
            struct forms_box lb = o->label_box;
            if (!o->has_label_box)
                lb = (struct forms_box){ o->box.x + o->box.w, o->box.y, 16.0, o->box.h };
            if (lb.x + lb.w > 200.0)
                lb.w = fmax(0.0, 200.0 - lb.x);
            extend(r->box, &lb);
        }
    }
    if (rc == 0 && f->unit && r->box[2] > 0) {
        
/* and the printed unit after the boxes (cm, kg) */
        struct forms_box ub = { r->box[0] + r->box[2], r->box[1], 8.0, r->box[3] };
        if (ub.x + ub.w <= 200.0)
            extend(r->box, &ub);
    }
    if (rc == 0 && r->box[2] > 0) {
        struct forms_box fb = { r->box[0], r->box[1], r->box[2], r->box[3] };
        struct ocr_box b = obox(&fb, 0);
        rc = ocr_crop_png(p, &b, 2.0, &r->crop, &r->crop_len, e);
    }
    return rc;
}

static double ms_since(struct timespec t0)
{
    struct timespec t1;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/*
 * A tick that missed its box can land in a neighbour's: a field settled on
 * ink (a mark, or 記載あり) whose extent is within STRAY_REACH_MM of a field
 * with a mark outside its boxes waits for a person too.
 */
#define STRAY_REACH_MM 8.0

static int near(const double a[4], const double b[4], double d)
{
    return a[2] > 0 && b[2] > 0 && a[0] - d < b[0] + b[2] && b[0] < a[0] + a[2] + d &&
           a[1] - d < b[1] + b[3] && b[1] < a[1] + a[3] + d;
}

static void stray_neighbours(struct page_result *out)
{
    for (size_t i = 0; i < out->n_fields; i++) {
        const struct field_result *s = &out->fields[i];
        if (s->decision != DEC_REVIEW || strcmp(s->reason, "枠外の印") != 0)
            continue;
        for (size_t j = 0; j < out->n_fields; j++) {
            struct field_result *nb = &out->fields[j];
            enum forms_kind k = nb->fld->kind;
            int on_ink = (k == FORMS_PRESENCE && strcmp(nb->value, "1") == 0) ||
                         ((k == FORMS_CHOICE || k == FORMS_MULTI || k == FORMS_CHECK) &&
                          nb->value[0] != '\0' && strcmp(nb->value, "0") != 0);
            if (j == i || nb->decision != DEC_ACCEPTED || !on_ink || !near(s->box, nb->box, STRAY_REACH_MM))
                continue;
            review(nb, risk_of(nb->fld), "近くに枠外の印 (ほかの項目の印の可能性)");
        }
    }
}

int intake_read_page(struct ocr_reader *rd, struct ocr_page *p, const struct forms_registry *forms,
                     const unsigned char key[32], struct page_result *out, struct berr *e)
{
    return intake_read_page_keys(rd, p, forms, key, NULL, NULL, out, e);
}

int intake_read_page_keys(struct ocr_reader *rd, struct ocr_page *p,
                          const struct forms_registry *forms, const unsigned char key[32],
                          const unsigned char *old_key, const char *old_until,
                          struct page_result *out, struct berr *e)
{
    return intake_read_page_opts(rd, p, forms, key, old_key, old_until, 0, out, e);
}

int intake_read_page_opts(struct ocr_reader *rd, struct ocr_page *p,
                          const struct forms_registry *forms, const unsigned char key[32],
                          const unsigned char *old_key, const char *old_until, int allow_bilevel,
                          struct page_result *out, struct berr *e)
{
    struct ocr_template t;
    struct berr pe;
    struct timespec t0;
    size_t n = 0;
    int rc;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(out, 0, sizeof(*out));
    berr_clear(&pe);
    intake_template(forms, &t);
    out->dpi = ocr_page_dpi(p);
    ocr_page_size_px(p, &out->width_px, &out->height_px);
    if (ocr_page_bilevel(p) && !allow_bilevel) {
        snprintf(out->reject, sizeof(out->reject), "%.200s: %s", ocr_page_name(p),
                 INTAKE_BILEVEL_REJECT);
        goto done;
    }
    rc = ocr_register(p, &t, &out->reg, &pe);
    if (rc == BERR_INVALID) {
        snprintf(out->reject, sizeof(out->reject), "%.500s", pe.msg);
        goto done;
    }
    if (rc < 0)
        return berr_set(e, rc, "%s", pe.msg);
    rc = ocr_qr(p, key, &out->qr, NULL, &pe);
    if (rc == BERR_DENIED && old_key != NULL) {
        /* printed before the site key was rotated (records/keys.c) */
        struct berr oe;
        berr_clear(&oe);
        if (ocr_qr(p, old_key, &out->qr, NULL, &oe) == 0) {
            if (old_until == NULL) {
                rc = 0;
                out->old_key = 1;
            } else {
                snprintf(out->reject, sizeof(out->reject),
                         "%s: サイト鍵の更新前に印刷された用紙です。旧鍵のQRの受付期限 (%s) を過ぎた"
                         "ため取り込みません (新しく印刷した用紙を使ってください)", ocr_page_name(p),
                         old_until);
                memset(&out->qr, 0, sizeof(out->qr));
                goto done;
            }
        }
    }
    if (rc < 0 && rc != BERR_FAIL) {
        snprintf(out->reject, sizeof(out->reject), "%.500s", pe.msg);
        goto done;
    }
    if (rc < 0)
        return berr_set(e, rc, "%s", pe.msg);
    /* a code beside the page's own is never passed over in silence (store_result queues it) */
    out->other_qr = ocr_qr_others(p, out->other_qr_text);
    out->form = forms_registry_get(forms, out->qr.form, out->qr.version);
    if (out->form == NULL) {
        snprintf(out->reject, sizeof(out->reject), "%s: 様式 %s 第%d版 は登録されていません",
                 ocr_page_name(p), out->qr.form, out->qr.version);
        goto done;
    }
    if (out->qr.page < 1 || out->qr.page > out->form->pages || out->qr.pages != out->form->pages) {
        snprintf(out->reject, sizeof(out->reject), "%s: QR のページ番号が様式と合いません",
                 ocr_page_name(p));
        goto done;
    }
    for (size_t i = 0; i < out->form->n_fields; i++)
        n += out->form->fields[i].page == out->qr.page;
    out->fields = xcalloc(n ? n : 1, sizeof(*out->fields));
    for (size_t i = 0; i < out->form->n_fields; i++) {
        const struct forms_field *f = &out->form->fields[i];
        if (f->page != out->qr.page)
            continue;
        struct field_result *r = &out->fields[out->n_fields++];
        r->fld = f;
        rc = read_field(rd, p, out->form, r, e);
        if (rc < 0) {
            berr_prefix(e, "%s: 項目「%s」: ", ocr_page_name(p), f->label);
            return rc;
        }
        /* black and white: what reads blank may be a pencil mark the scanner dropped */
        if (ocr_page_bilevel(p) && f->kind != FORMS_PRINTED &&
            (r->decision == DEC_EMPTY || (r->decision == DEC_ACCEPTED && f->kind == FORMS_MULTI)))
            review(r, risk_of(f), INTAKE_BILEVEL_BLANK);
    }
    stray_neighbours(out);
done:
    out->ms = ms_since(t0);
    return 0;
}

void intake_page_result_release(struct page_result *res)
{
    for (size_t i = 0; res->fields && i < res->n_fields; i++) {
        free(res->fields[i].crop);
        free(res->fields[i].kana);
    }
    free(res->fields);
    memset(res, 0, sizeof(*res));
}
