/*
 * test_marks: checkbox marks as people make them (issue 13 item 5), read
 * as intake reads them, on simulated office scans: ticks of every shape,
 * single slashes, crosses, a loop round an option and its label, and a
 * light but clear pencil tick are marks and settle the right option; a
 * stray tick and empty boxes never become a mark; a loop round option B
 * never marks A or C.  BOSHI_MARKS_PAGES=N (default 4) pages per kind;
 * the figures (share settled automatically, silent errors) are printed
 * for ocr/README.md.
 */
#include "demo/sim.h"
#include "intake/intake.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <jansson.h>
#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct forms_registry *forms;
static unsigned char key[32];
static char *dir;
static struct ocr_reader *rd;

struct tally {
    int pages, refused;                 /* refused: the page itself (a 1-bit scan) */
    int fields, settled, silent, missed, review, two_chosen; /* missed: of silent, settled blank */
    int blank, blank_marked;            /* boxes left empty on the same fields' forms */
};

static void setup(void)
{
    struct berr e;
    char *defs = xasprintf("%s/forms/defs", tl_src());

    setenv("OMP_THREAD_LIMIT", "1", 1);
    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)i;
    ck_assert_msg(forms_registry_load_dir(defs, &forms, &e) > 0, "%s", e.msg);
    free(defs);
    dir = tl_tmpdir();
    ck_assert_int_eq(ocr_reader_open(&rd, &e), 0);
}

static void teardown(void)
{
    ocr_reader_free(&rd);
    forms_registry_free(&forms);
    tl_rmtree(dir);
    free(dir);
}

static int pages_per_kind(void)
{
    const char *s = getenv("BOSHI_MARKS_PAGES");
    int n = s ? atoi(s) : 0;

    return n > 0 ? n : 4;
}

static int is_mark_field(const struct forms_field *f)
{
    return f->kind == FORMS_CHECK || f->kind == FORMS_CHOICE || f->kind == FORMS_MULTI;
}

/* The truth entry of field `name` in a page's truth JSON, or NULL. */
static json_t *truth_of(json_t *t, const char *name)
{
    size_t j;
    json_t *tf;

    json_array_foreach(json_object_get(t, "fields"), j, tf)
        if (strcmp(json_string_value(json_object_get(tf, "name")), name) == 0)
            return tf;
    return NULL;
}

/* Simulates `pages` office pages with every mark drawn `how` and reads them. */
static void run_kind(enum sim_how how, int profile, uint64_t seed, struct tally *t)
{
    struct sim_batch_opts o;
    struct sim_batch_stats st;
    struct berr e;
    const struct forms_form *all[16];
    size_t n = forms_registry_count(forms);
    int pages = pages_per_kind();
    char *d = tl_path(dir, sim_how_name(how));

    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < n && i < 16; i++)
        all[i] = forms_registry_at(forms, i);
    sim_batch_opts_init(&o);
    o.dir = d;
    o.pages = pages;
    o.forms = all;
    o.n_forms = n < 16 ? n : 16;
    o.profile = (enum sim_profile)profile;
    o.seed = seed;
    o.dpi = 300;
    o.key = key;
    o.tricky_pct = 0;
    o.mark_how = how;
    ck_assert_msg(sim_batch(&o, &st, &e) >= pages, "%s", e.msg);
    for (int i = 1; i <= pages; i++) {
        char name[64];
        snprintf(name, sizeof(name), "page-%04d.png", i);
        char *png = tl_path(d, name), *tp = xasprintf("%.*s.truth.json", (int)strlen(png) - 4, png);
        json_t *truth = json_load_file(tp, 0, NULL);
        struct ocr_loaded l;
        struct page_result res;
        ck_assert_ptr_nonnull(truth);
        ck_assert_int_eq(ocr_load(png, &l, &e), 0);
        t->pages++;
        ck_assert_msg(intake_read_page(rd, l.pages[0], forms, key, &res, &e) == 0, "%s", e.msg);
        if (res.reject[0]) {
            t->refused++;
            ck_assert_msg(strstr(res.reject, "白黒2値") != NULL, "%s: %s", name, res.reject);
        }
        for (size_t k = 0; k < res.n_fields; k++) {
            const struct field_result *f = &res.fields[k];
            json_t *tf = truth_of(truth, f->fld->name);
            if (!is_mark_field(f->fld) || tf == NULL)
                continue;
            const char *th = json_string_value(json_object_get(tf, "how"));
            const char *want = json_string_value(json_object_get(tf, "value"));
            if (th && strcmp(th, "blank") == 0) {
                t->blank++;
                /* an empty field read as marked: a silent error, or a review at least */
                if (f->decision == DEC_ACCEPTED) {
                    t->blank_marked++;
                    fprintf(stderr, "%s %s: blank read as「%s」\n", name, f->fld->name, f->value);
                }
                continue;
            }
            if (th == NULL || strcmp(th, sim_how_name(how)) != 0 || want == NULL)
                continue;
            t->fields++;
            if (f->decision == DEC_ACCEPTED && strcmp(f->value, want) == 0) {
                t->settled++;
            } else if (f->decision == DEC_ACCEPTED || f->decision == DEC_EMPTY) {
                t->silent++;
                t->missed += f->decision == DEC_EMPTY;
                fprintf(stderr, "%s %s (%s): settled「%s」want「%s」\n", name, f->fld->name,
                        sim_how_name(how), f->decision == DEC_EMPTY ? "" : f->value, want);
            } else {
                t->review++;
                t->two_chosen += strcmp(f->reason, "二つ選択") == 0;
                if (getenv("BOSHI_MARKS_VERBOSE"))
                    fprintf(stderr, "%s %s (%s): review %s\n", name, f->fld->name,
                            sim_how_name(how), f->reason);
            }
        }
        intake_page_result_release(&res);
        ocr_loaded_release(&l);
        json_decref(truth);
        free(tp);
        free(png);
    }
    fprintf(stderr, "marks %-7s pages %d (refused %d): %d marked fields, %d settled (%.0f %%), "
            "%d review, %d silent (%d missed); blank fields %d, read as marked %d\n", sim_how_name(how),
            t->pages, t->refused, t->fields, t->settled,
            t->fields ? 100.0 * t->settled / t->fields : 0.0, t->review, t->silent, t->missed, t->blank,
            t->blank_marked);
    free(d);
}

/* The marks people really make: each settles the right option by itself. */
static void check_kind(enum sim_how how, uint64_t seed, int min_pct)
{
    struct tally t;

    run_kind(how, SIM_CLEAN, seed, &t);
    ck_assert_int_gt(t.fields, 3);
    ck_assert_int_eq(t.silent, 0);
    ck_assert_int_eq(t.blank_marked, 0);
    ck_assert_msg(t.settled * 100 >= t.fields * min_pct, "%s: %d of %d settled",
                  sim_how_name(how), t.settled, t.fields);
}

START_TEST(tick_is_a_mark) { check_kind(SIM_HOW_TICK, 41, 90); }
END_TEST
START_TEST(slash_is_a_mark) { check_kind(SIM_HOW_SLASH, 42, 90); }
END_TEST
START_TEST(cross_is_a_mark) { check_kind(SIM_HOW_CROSS, 43, 90); }
END_TEST
START_TEST(pencil_tick_is_a_mark) { check_kind(SIM_HOW_PENCIL, 45, 85); }
END_TEST

/* A loop round option B marks B, never A or C (its ink reaches their boxes). */
START_TEST(circle_is_a_mark_of_its_option_only)
{
    struct tally t;

    run_kind(SIM_HOW_CIRCLE, SIM_CLEAN, 44, &t);
    ck_assert_int_gt(t.fields, 3);
    ck_assert_int_eq(t.silent, 0);
    ck_assert_int_eq(t.blank_marked, 0);
    ck_assert_int_eq(t.two_chosen, 0);
    ck_assert_msg(t.settled * 100 >= t.fields * 70, "circle: %d of %d settled", t.settled,
                  t.fields);
}
END_TEST

/* A tick mostly beside its box never settles; empty boxes stay empty. */
START_TEST(stray_and_empty_are_not_marks)
{
    struct tally t;

    run_kind(SIM_HOW_STRAY, SIM_CLEAN, 46, &t);
    ck_assert_int_gt(t.fields, 3);
    /* never a wrong option; a tick left of a lone box is still missed (see ocr/README.md) */
    ck_assert_int_eq(t.silent - t.missed, 0);
    ck_assert_int_eq(t.settled, 0);
    ck_assert_int_eq(t.blank_marked, 0);
    ck_assert_int_gt(t.blank, 0);
}
END_TEST

/*
 * A scanner's PDF of one black-and-white page: a DeviceGray image of 1 bit
 * a component, CCITT G4 (as a multifunction printer writes it), A4 at 300 dpi.
 */
static void write_g4_pdf(const char *path, PIX *bw)
{
    L_COMP_DATA *cid = NULL;
    struct buf b;
    long off[6];
    char *obj[5];

    ck_assert_int_eq(pixGenerateCIData(bw, L_G4_ENCODE, 0, 0, &cid), 0);
    obj[0] = xasprintf("<< /Type /Catalog /Pages 2 0 R >>");
    obj[1] = xasprintf("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    obj[2] = xasprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       "<< /XObject << /Im0 5 0 R >> >> /Contents 4 0 R >>");
    obj[3] = xasprintf("<< /Length 30 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream");
    obj[4] = xasprintf("<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
                       "/BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns %d "
                       "/Rows %d /BlackIs1 %s >> /Length %zu >>\nstream\n", cid->w, cid->h, cid->w,
                       cid->h, cid->minisblack ? "true" : "false", cid->nbytescomp);
    buf_init(&b);
    buf_adds(&b, "%PDF-1.4\n");
    for (int i = 0; i < 5; i++) {
        off[i] = (long)b.len;
        buf_addf(&b, "%d 0 obj\n%s", i + 1, obj[i]);
        if (i == 4) {
            buf_add(&b, cid->datacomp, cid->nbytescomp);
            buf_adds(&b, "\nendstream");
        }
        buf_adds(&b, "\nendobj\n");
        free(obj[i]);
    }
    off[5] = (long)b.len;
    buf_adds(&b, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 0; i < 5; i++)
        buf_addf(&b, "%010ld 00000 n \n", off[i]);
    buf_addf(&b, "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", off[5]);
    ck_assert_int_eq(tl_write_file(path, b.s, b.len), 0);
    buf_release(&b);
    l_CIDataDestroy(&cid);
}

/*
 * A black-and-white scan is told by its file: a 1-bit G4 TIFF, a 1-bit PNG
 * and a scanner PDF whose page is a 1-bit CCITT image (taken out by
 * pdfimages, as intake does) are refused by default with the reason and
 * the fix, and read when the site allows it, but then nothing of them is
 * settled blank.  The same page in an 8-bit greyscale file that holds only
 * black and white (a scanner's text mode) is an ordinary page: read, and
 * its empty fields settled empty.
 */
START_TEST(bilevel_refused_or_never_blank)
{
    struct sim_batch_opts o;
    struct berr e;
    struct tl_result r;
    const struct forms_form *one[1] = { forms_registry_get(forms, "nyuyoji_4m", 1) };
    char *d = tl_path(dir, "bw"), *png = tl_path(d, "page-0001.png");
    char *g4 = tl_path(d, "bw.tif"), *two = tl_path(d, "two.png"), *bit = tl_path(d, "bit.png");
    char *pdf = tl_path(d, "bw.pdf"), *prefix = tl_path(d, "pdf"), *pdfpng = tl_path(d, "pdf-000.png");

    ck_assert_ptr_nonnull(one[0]);
    sim_batch_opts_init(&o);
    o.dir = d;
    o.pages = 1;
    o.forms = one;
    o.n_forms = 1;
    o.profile = SIM_CLEAN;
    o.seed = 47;
    o.dpi = 300;
    o.key = key;
    o.tricky_pct = 0;
    o.blank_pct = 60;
    ck_assert_msg(sim_batch(&o, NULL, &e) >= 1, "%s", e.msg);
    PIX *grey = pixRead(png), *bw = pixThresholdToBinary(grey, 128), *bw8 = pixConvert1To8(NULL, bw, 255, 0);
    ck_assert_ptr_nonnull(bw8);
    pixSetResolution(bw, 300, 300);
    pixSetResolution(bw8, 300, 300);
    ck_assert_int_eq(pixWrite(g4, bw, IFF_TIFF_G4), 0);
    ck_assert_int_eq(pixWrite(bit, bw, IFF_PNG), 0);
    ck_assert_int_eq(pixWrite(two, bw8, IFF_PNG), 0);
    write_g4_pdf(pdf, bw);
    pixDestroy(&grey);
    pixDestroy(&bw);
    pixDestroy(&bw8);
    const char *argv[] = { "pdfimages", "-png", pdf, prefix, NULL };
    ck_assert_int_eq(tl_run(&r, NULL, NULL, argv), 0);
    ck_assert_msg(r.status == 0, "pdfimages: %s", r.err);
    tl_result_free(&r);
    /* the greyscale page, its two-level twin; then the 1-bit files */
    const char *files[] = { png, two, g4, bit, pdfpng };
    for (int fi = 0; fi < 5; fi++) {
        struct ocr_loaded l;
        struct page_result res;
        int one_bit = fi >= 2;
        ck_assert_int_eq(ocr_load(files[fi], &l, &e), 0);
        ck_assert_int_eq(l.npages, 1);
        ck_assert_msg(l.pages[0] != NULL, "%s: %s", files[fi], l.reasons[0]);
        ck_assert_msg(ocr_page_bilevel(l.pages[0]) == one_bit, "%s", files[fi]);
        ck_assert_int_eq(intake_read_page(rd, l.pages[0], forms, key, &res, &e), 0);
        if (!one_bit) {
            ck_assert_msg(strcmp(res.reject, "") == 0, "%s: %s", files[fi], res.reject);
        } else {
            ck_assert_msg(strstr(res.reject, "白黒2値") && strstr(res.reject, "グレースケール"),
                          "%s", res.reject);
            ck_assert_int_eq(res.n_fields, 0);
        }
        intake_page_result_release(&res);
        /* allowed: read, but a field of a 1-bit page read blank is never settled */
        ck_assert_int_eq(intake_read_page_opts(rd, l.pages[0], forms, key, NULL, NULL, 1, &res, &e), 0);
        ck_assert_str_eq(res.reject, "");
        int blank_review = 0, empty = 0;
        for (size_t k = 0; k < res.n_fields; k++) {
            const struct field_result *f = &res.fields[k];
            empty += f->decision == DEC_EMPTY && f->fld->kind != FORMS_PRINTED;
            blank_review += strcmp(f->reason, INTAKE_BILEVEL_BLANK) == 0;
        }
        if (!one_bit) {
            ck_assert_int_eq(blank_review, 0);
            ck_assert_int_gt(empty, 0);
        } else {
            ck_assert_int_eq(empty, 0);
            ck_assert_int_gt(blank_review, 0);
        }
        intake_page_result_release(&res);
        ocr_loaded_release(&l);
    }
    free(d);
    free(png);
    free(g4);
    free(two);
    free(bit);
    free(pdf);
    free(prefix);
    free(pdfpng);
}
END_TEST

/* The table of ocr/README.md: every kind on office scans (BOSHI_MARKS_TABLE=1). */
START_TEST(office_table)
{
    static const enum sim_how kinds[] = { SIM_HOW_TICK, SIM_HOW_SLASH, SIM_HOW_CROSS,
                                          SIM_HOW_CIRCLE, SIM_HOW_PENCIL, SIM_HOW_FAINT,
                                          SIM_HOW_STRAY };
    struct tally t;

    if (getenv("BOSHI_MARKS_TABLE") == NULL)
        return;
    if (getenv("BOSHI_MARKS_ONE")) {     /* one kind (an index into kinds), to run in parallel */
        size_t k = (size_t)atoi(getenv("BOSHI_MARKS_ONE"));
        ck_assert_uint_lt(k, sizeof(kinds) / sizeof(kinds[0]));
        run_kind(kinds[k], SIM_OFFICE, 60 + k, &t);
        return;
    }
    for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        run_kind(kinds[i], SIM_OFFICE, 60 + i, &t);   /* figures only: see the lines printed */
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("marks");
    TCase *tc = tcase_create("kinds");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, tick_is_a_mark);
    tcase_add_test(tc, slash_is_a_mark);
    tcase_add_test(tc, cross_is_a_mark);
    tcase_add_test(tc, circle_is_a_mark_of_its_option_only);
    tcase_add_test(tc, pencil_tick_is_a_mark);
    tcase_add_test(tc, stray_and_empty_are_not_marks);
    tcase_add_test(tc, bilevel_refused_or_never_blank);
    suite_add_tcase(s, tc);
    tc = tcase_create("table");       /* CK_RUN_CASE=table BOSHI_MARKS_TABLE=1 */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 3600);
    tcase_add_test(tc, office_table);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
