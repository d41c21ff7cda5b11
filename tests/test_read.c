/*
 * test_read: reading whole pages, as intake does, on simulated scans with
 * their ground truth (demo/sim, demo/eval): every field kind, clean and
 * damaged, with no wrong value ever accepted; and every reason a page is
 * rejected - a blank sheet, a photo, a page with no marks, a QR signed by
 * another site, a form version boshi does not know.
 */
#include "demo/eval.h"
#include "demo/sim.h"
#include "intake/intake.h"
#include "reports/pdf.h"
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
}

static void teardown(void)
{
    forms_registry_free(&forms);
    tl_rmtree(dir);
    free(dir);
}

static void simulate(const char *sub, int pages, enum sim_profile profile, int dpi, int tricky,
                     uint64_t seed)
{
    struct sim_batch_opts o;
    struct sim_batch_stats st;
    struct berr e;
    const struct forms_form *all[32];
    size_t n = forms_registry_count(forms);
    char *d = tl_path(dir, sub);

    if (n > 32)
        n = 32;
    for (size_t i = 0; i < n; i++)
        all[i] = forms_registry_at(forms, i);
    sim_batch_opts_init(&o);
    o.dir = d;
    o.pages = pages;
    o.forms = all;
    o.n_forms = n;
    o.profile = profile;
    o.seed = seed;
    o.dpi = dpi;
    o.key = key;
    o.tricky_pct = tricky;
    ck_assert_msg(sim_batch(&o, &st, &e) >= pages, "%s", e.msg);
    free(d);
}

static void evaluate(const char *sub, struct eval_stats *s)
{
    struct berr e;
    char *d = tl_path(dir, sub);

    ck_assert_msg(eval_dir(d, forms, key, 0, 0, 0, s, &e) == 0, "%s", e.msg);
    for (int i = 0; i < s->n_silent; i++)
        fprintf(stderr, "silent error: %s\n", s->silent[i]);
    free(d);
}

static long silent(const struct eval_stats *s)
{
    long n = 0;

    for (int k = 0; k < FORMS_KIND_COUNT; k++)
        n += s->kind[k].silent;
    for (int i = 0; i < s->n_silent; i++)
        fprintf(stderr, "silent: %s\n", s->silent[i]);
    return n;
}

/* Every form, clean: no silent error; marks and print read almost all by themselves. */
START_TEST(clean_pages_every_kind)
{
    struct eval_stats s;

    simulate("clean", 10, SIM_CLEAN, 300, 0, 21);
    evaluate("clean", &s);
    ck_assert_int_eq(s.pages, 10);
    ck_assert_int_eq(s.rejected, 0);
    ck_assert_int_eq(s.forms_misidentified, 0);
    ck_assert_int_eq(silent(&s), 0);
    struct eval_kind *c = &s.kind[FORMS_CHOICE], *m = &s.kind[FORMS_MULTI];
    ck_assert_int_gt(c->fields, 20);
    ck_assert_msg(c->accepted * 100 >= c->fields * 90, "choice automatic %ld/%ld", c->accepted,
                  c->fields);
    ck_assert_msg(m->accepted * 100 >= m->fields * 90, "multi automatic %ld/%ld", m->accepted,
                  m->fields);
    ck_assert_int_eq(s.kind[FORMS_PRESENCE].silent, 0);
    /* handwriting is never settled without a check that confirms it */
    ck_assert_int_eq(s.kind[FORMS_TEXT].accepted, s.kind[FORMS_TEXT].fields -
                     (s.kind[FORMS_TEXT].fields - s.kind[FORMS_TEXT].accepted));
    eval_stats_release(&s);
}
END_TEST

/* Scanner damage and tricky marks (faint, stray, corrected): still nothing wrong accepted. */
START_TEST(damaged_and_tricky_pages)
{
    struct eval_stats s;

    simulate("harsh", 8, SIM_HARSH, 300, 60, 22);
    simulate("office200", 6, SIM_OFFICE, 200, 30, 23);
    evaluate("harsh", &s);
    ck_assert_int_eq(silent(&s), 0);
    ck_assert_int_eq(s.rejected_without_reason, 0);
    eval_stats_release(&s);
    evaluate("office200", &s);
    ck_assert_int_eq(silent(&s), 0);
    ck_assert_int_gt(s.kind[FORMS_CHOICE].accepted, 0);
    eval_stats_release(&s);
}
END_TEST

/* Reads one image file; returns the page's reject reason ("" if read). */
static void read_file(const char *path, char *reject, size_t n)
{
    struct ocr_loaded l;
    struct ocr_reader *rd = NULL;
    struct page_result res;
    struct berr e;

    memset(&l, 0, sizeof(l));
    reject[0] = '\0';
    if (ocr_load(path, &l, &e) < 0) {
        snprintf(reject, n, "%.200s", e.msg);
        return;
    }
    ck_assert_int_eq(l.npages, 1);
    if (l.pages[0] == NULL) {
        snprintf(reject, n, "%.200s", l.reasons[0]);
        ocr_loaded_release(&l);
        return;
    }
    ck_assert_int_eq(ocr_reader_open(&rd, &e), 0);
    ck_assert_msg(intake_read_page(rd, l.pages[0], forms, key, &res, &e) == 0, "%s", e.msg);
    snprintf(reject, n, "%.200s", res.reject);
    intake_page_result_release(&res);
    ocr_reader_free(&rd);
    ocr_loaded_release(&l);
}

/* A page drawn with the PDF layer: marks and/or a QR saying form/version, signed with k. */
static char *page_with(const char *name, int marks, const char *form, int version,
                       const unsigned char *k)
{
    struct pdf *p = NULL;
    struct berr e;
    char *pdf = tl_path(dir, name), *png_prefix = tl_path(dir, name), *png;
    struct tl_result r;

    ck_assert_int_eq(pdf_open(&p, &e), 0);
    pdf_page_add(p, PDF_PORTRAIT);
    if (marks) {
        pdf_square(p, 15, 15, 8);
        pdf_square(p, 187, 15, 8);
        pdf_square(p, 15, 274, 8);
        pdf_square(p, 187, 274, 8);
    }
    if (form) {
        struct qrpayload q;
        char *payload = NULL;
        memset(&q, 0, sizeof(q));
        snprintf(q.form, sizeof(q.form), "%s", form);
        q.version = version;
        q.page = 1;
        q.pages = 2;
        ck_assert_int_eq(qrpayload_build(&q, k, &payload, &e), 0);
        pdf_qr(p, 160, 28, 22, payload, NULL);
        free(payload);
    }
    pdf_text(p, PDF_GOTHIC, 14, 30, 60, "お知らせ: これは様式ではありません");
    char *pdfpath = xasprintf("%s.pdf", pdf);
    ck_assert_int_eq(pdf_save(p, pdfpath, &e), 0);
    pdf_free(&p);
    const char *argv[] = { "pdftoppm", "-r", "200", "-gray", "-png", "-singlefile", pdfpath,
                           png_prefix, NULL };
    tl_run(&r, NULL, NULL, argv);
    ck_assert_int_eq(r.status, 0);
    tl_result_free(&r);
    png = xasprintf("%s.png", png_prefix);
    free(pdf);
    free(pdfpath);
    free(png_prefix);
    return png;
}

/*
 * Reasons are true: a clear tick drawn mostly beside its box (the
 * simulator's "stray") is never called faint (「印が薄い」), and a date the
 * reader cannot make a date of is never 「手書き日付の確認」.
 */
START_TEST(reasons_say_what_is_wrong)
{
    int stray = 0, stray_faint = 0, not_date = 0;

    simulate("tricky", 6, SIM_CLEAN, 300, 100, 31);
    for (int i = 1; i <= 6; i++) {
        char name[32];
        snprintf(name, sizeof(name), "tricky/page-%04d.png", i);
        char *png = tl_path(dir, name), *tp = xasprintf("%.*s.truth.json", (int)strlen(png) - 4, png);
        json_t *t = json_load_file(tp, 0, NULL);
        struct ocr_loaded l;
        struct ocr_reader *rd = NULL;
        struct page_result res;
        struct berr e;
        ck_assert_ptr_nonnull(t);
        ck_assert_int_eq(ocr_load(png, &l, &e), 0);
        ck_assert_int_eq(ocr_reader_open(&rd, &e), 0);
        ck_assert_msg(intake_read_page(rd, l.pages[0], forms, key, &res, &e) == 0, "%s", e.msg);
        for (size_t k = 0; k < res.n_fields; k++) {
            const struct field_result *f = &res.fields[k];
            size_t j;
            json_t *tf;
            json_array_foreach(json_object_get(t, "fields"), j, tf) {
                const char *how = json_string_value(json_object_get(tf, "how"));
                if (strcmp(json_string_value(json_object_get(tf, "name")), f->fld->name) != 0 || !how)
                    continue;
                if (strcmp(how, "stray") == 0) {
                    stray++;
                    stray_faint += strcmp(f->reason, "印が薄い") == 0;
                }
            }
            if (f->fld->kind == FORMS_DATE && strcmp(f->reason, "手書き日付の確認") == 0 &&
                !forms_value_suggestible(f->fld, f->read))
                not_date++;
        }
        intake_page_result_release(&res);
        ocr_reader_free(&rd);
        ocr_loaded_release(&l);
        json_decref(t);
        free(tp);
        free(png);
    }
    fprintf(stderr, "reasons: %d stray marks, %d called faint; %d non-dates as 手書き日付の確認\n", stray,
            stray_faint, not_date);
    ck_assert_int_gt(stray, 5);
    ck_assert_msg(stray_faint * 4 <= stray, "%d of %d stray ticks called faint", stray_faint, stray);
    ck_assert_int_eq(not_date, 0);
}
END_TEST

START_TEST(every_rejection_has_its_reason)
{
    char why[256];
    unsigned char other[32];

    for (int i = 0; i < 32; i++)
        other[i] = (unsigned char)(255 - i);
    /* a blank sheet */
    PIX *white = pixCreate(1654, 2339, 8);
    pixSetAll(white);
    char *blank = tl_path(dir, "blank.png");
    pixWrite(blank, white, IFF_PNG);
    pixDestroy(&white);
    read_file(blank, why, sizeof(why));
    ck_assert_msg(why[0] != '\0' && strstr(why, "blank.png") != NULL, "blank: %s", why);
    /* a "photo": noise everywhere */
    PIX *photo = pixCreate(1654, 2339, 8);
    for (int y = 0; y < 2339; y++)
        for (int x = 0; x < 1654; x++)
            pixSetPixel(photo, x, y, (l_uint32)((x * 7 + y * 13 + (x * y) % 97) % 256));
    char *ph = tl_path(dir, "photo.png");
    pixWrite(ph, photo, IFF_PNG);
    pixDestroy(&photo);
    read_file(ph, why, sizeof(why));
    ck_assert_msg(why[0] != '\0', "photo read as a form");
    /* a letter: no registration marks */
    char *p1 = page_with("nomarks", 0, "nyuyoji_4m", 1, key);
    read_file(p1, why, sizeof(why));
    ck_assert_msg(strstr(why, "位置合わせマーク") != NULL, "no marks: %s", why);
    /* marks but a QR signed by another site */
    char *p2 = page_with("otherkey", 1, "nyuyoji_4m", 1, other);
    read_file(p2, why, sizeof(why));
    ck_assert_msg(why[0] != '\0' && strstr(why, "署名") != NULL, "other key: %s", why);
    /* a version of the form boshi does not have */
    char *p3 = page_with("version9", 1, "nyuyoji_4m", 9, key);
    read_file(p3, why, sizeof(why));
    ck_assert_msg(strstr(why, "第9版") != NULL, "unknown version: %s", why);
    /* a form boshi does not have */
    char *p4 = page_with("otherform", 1, "kenko_techo", 1, key);
    read_file(p4, why, sizeof(why));
    ck_assert_msg(strstr(why, "kenko_techo") != NULL, "unknown form: %s", why);
    free(blank); free(ph); free(p1); free(p2); free(p3); free(p4);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("read");
    TCase *tc = tcase_create("pages");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, clean_pages_every_kind);
    tcase_add_test(tc, damaged_and_tricky_pages);
    tcase_add_test(tc, every_rejection_has_its_reason);
    suite_add_tcase(s, tc);
    tc = tcase_create("reasons");     /* CK_RUN_CASE=reasons runs it alone */
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, reasons_say_what_is_wrong);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
