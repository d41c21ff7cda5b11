/*
 * test_hand: the handwritten-digit recognisers (ocr/hand.c) with the
 * committed models in ocr/models (make check never trains):
 *   - held-out synthetic cells (demo/handdigit.c, a hand family never
 *     trained on): each model's accuracy and the share read "sure" above
 *     floors, almost no sure cell wrong;
 *   - the same for handwritten katakana (demo/handkana.c, 58 cell classes),
 *     and how a カナ value folds into cells (ガ as カ and ゛);
 *   - plausibility: an agreed measurement that does not fit the child's
 *     age (3.2 kg, or 32 kg, at the 4-month checkup) goes to review, with
 *     the reason, on a simulated page read as intake reads it;
 *   - a simulated batch: no silent error, and handwritten digits settled
 *     automatically far more often than with Tesseract alone;
 *   - 実施日 on returned pre-filled 健診票: accepted when both readings agree
 *     and it is the checkup date boshi printed (intake/settle.c), through the CLI.
 */
#include "demo/eval.h"
#include "demo/handdigit.h"
#include "demo/handkana.h"
#include "demo/sim.h"
#include "intake/intake.h"
#include "tests/lib/testlib.h"

#include <check.h>
#include <stdarg.h>
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
    char *models = xasprintf("%s/ocr/models", tl_src());

    setenv("OMP_THREAD_LIMIT", "1", 1);
    setenv("BOSHI_MODEL_DIR", models, 1);
    for (int i = 0; i < 32; i++)
        key[i] = (unsigned char)i;
    ck_assert_msg(forms_registry_load_dir(defs, &forms, &e) > 0, "%s", e.msg);
    free(defs);
    free(models);
    dir = tl_tmpdir();
}

static void teardown(void)
{
    forms_registry_free(&forms);
    tl_rmtree(dir);
    free(dir);
}

/* 1000 cells of 20 held-out hands (not the report's seeds either). */
START_TEST(heldout_hand_cells)
{
    struct ocr_hand *h = NULL;
    struct berr e;
    struct sim_rng r;
    char *d = ocr_hand_find_dir();
    int n = 0, ok[2] = { 0, 0 }, sure = 0, wrong = 0;

    ck_assert_msg(d != NULL, "no models found");
    ck_assert_msg(ocr_hand_open(d, &h, &e) == 0, "%s", e.msg);
    free(d);
    sim_rng_seed(&r, 4242, 7);
    for (int i = 0; i < 1000; i++) {
        struct handdigit_style st;
        float pix[OCR_HAND_NPIX], dir8[OCR_HAND_NDIR];
        struct ocr_hand_cell c;
        int digit = i % 10;
        handdigit_style(&st, HANDDIGIT_HELDOUT_BASE + 200 + (uint64_t)sim_rng_int(&r, 0, 19));
        PIX *b = handdigit_cell(&st, &r, digit, sim_rng_pct(&r, 50) ? 300 : 200);
        if (b == NULL || ocr_hand_features(b, pix, dir8) < 0) {
            pixDestroy(&b);
            continue;
        }
        memset(&c, 0, sizeof(c));
        ocr_hand_classify(h, pix, dir8, &c);
        n++;
        ok[0] += c.digit[0] == digit;
        ok[1] += c.digit[1] == digit;
        if (c.sure) {
            sure++;
            wrong += c.digit_agreed != digit;
        }
        pixDestroy(&b);
    }
    ocr_hand_free(&h);
    fprintf(stderr, "held-out cells %d: mlp %.1f %%, svm %.1f %%, sure %.1f %%, sure wrong %d\n",
            n, 100.0 * ok[0] / n, 100.0 * ok[1] / n, 100.0 * sure / n, wrong);
    ck_assert_int_ge(n, 990);
    ck_assert_msg(ok[0] * 100 >= n * 96, "mlp %d/%d", ok[0], n);
    ck_assert_msg(ok[1] * 100 >= n * 98, "svm %d/%d", ok[1], n);
    ck_assert_msg(sure * 100 >= n * 90, "sure %d/%d", sure, n);
    /* cells cut by the cell line are among these; on a page the reader sees the
     * ink beyond the line and refuses them (ocr_read_hand_digits) */
    ck_assert_msg(wrong * 1000 <= n * 3, "sure but wrong %d/%d", wrong, n);
}
END_TEST

/* 1160 katakana cells (20 per class) of 20 held-out hands (not the report's seeds). */
START_TEST(heldout_kana_cells)
{
    struct ocr_hand *h = NULL;
    struct berr e;
    struct sim_rng r;
    char *d = ocr_hand_find_dir();
    int n = 0, ok[2] = { 0, 0 }, sure = 0, wrong = 0, agree_wrong = 0;

    ck_assert_msg(d != NULL, "no models found");
    ck_assert_msg(ocr_hand_open(d, &h, &e) == 0, "%s", e.msg);
    ck_assert_msg(ocr_hand_has_kana(h), "no katakana models in %s", d);
    free(d);
    sim_rng_seed(&r, 4343, 7);
    for (int i = 0; i < 20 * OCR_KANA_NCLASS; i++) {
        struct handkana_style st;
        float pix[OCR_HAND_NPIX], dir8[OCR_HAND_NDIR], geo[OCR_KANA_NGEO];
        struct ocr_kana_cell c;
        int cls = i % OCR_KANA_NCLASS;
        handkana_style(&st, HANDDIGIT_HELDOUT_BASE + 200 + (uint64_t)sim_rng_int(&r, 0, 19));
        PIX *b = handkana_cell(&st, &r, cls, sim_rng_pct(&r, 50) ? 300 : 200);
        if (b == NULL || ocr_hand_features(b, pix, dir8) < 0
            || ocr_hand_geometry(b, 0, pixGetHeight(b), geo) < 0) {
            pixDestroy(&b);
            continue;
        }
        memset(&c, 0, sizeof(c));
        ocr_hand_classify_kana(h, pix, dir8, geo, &c);
        n++;
        ok[0] += c.best[0] == cls;
        ok[1] += c.best[1] == cls;
        agree_wrong += c.best[0] == c.best[1] && c.best[0] != cls;
        if (c.sure) {
            sure++;
            wrong += c.agreed != cls;
        }
        pixDestroy(&b);
    }
    ocr_hand_free(&h);
    fprintf(stderr, "held-out kana cells %d: mlp %.1f %%, svm %.1f %%, agree-but-wrong %d, "
            "sure %.1f %%, sure wrong %d\n", n, 100.0 * ok[0] / n, 100.0 * ok[1] / n, agree_wrong,
            100.0 * sure / n, wrong);
    ck_assert_int_ge(n, 1150);
    ck_assert_msg(ok[0] * 100 >= n * 90, "mlp %d/%d", ok[0], n);
    ck_assert_msg(ok[1] * 100 >= n * 90, "svm %d/%d", ok[1], n);
    ck_assert_msg(sure * 100 >= n * 30, "sure %d/%d", sure, n);
    /* a sure kana cell is never accepted alone (the closed set decides): loose floor */
    ck_assert_msg(wrong * 1000 <= n * 2, "sure but wrong %d/%d", wrong, n);
}
END_TEST

/* A カナ value into the cells of a カナ box, and back. */
START_TEST(kana_fold_into_cells)
{
    int cls[40], n;
    char *back;

    n = ocr_kana_cells("ガッコウ\xE3\x80\x80パール", 1, cls, 40);
    ck_assert_int_eq(n, 10);
    ck_assert_str_eq(ocr_kana_label(cls[0]), "カ");
    ck_assert_int_eq(cls[1], OCR_KANA_DAKUTEN);
    ck_assert_str_eq(ocr_kana_label(cls[2]), "ッ");
    ck_assert_int_eq(cls[5], OCR_KANA_EMPTY);
    ck_assert_str_eq(ocr_kana_label(cls[6]), "ハ");
    ck_assert_int_eq(cls[7], OCR_KANA_HANDAKUTEN);
    ck_assert_int_eq(cls[8], OCR_KANA_CHOON);
    back = ocr_kana_compose(cls, n);
    ck_assert_str_eq(back, "ガッコウ\xE3\x80\x80パール");
    free(back);
    /* the mark in the kana's own cell */
    ck_assert_int_eq(ocr_kana_cells("ガッコウ", 0, cls, 40), 4);
    ck_assert_str_eq(ocr_kana_label(cls[0]), "カ");
    /* what has no cell class */
    ck_assert_int_eq(ocr_kana_cells("ヰ", 1, cls, 40), -1);
    ck_assert_int_eq(ocr_kana_cells("山田", 1, cls, 40), -1);
}
END_TEST

START_TEST(plausibility_table)
{
    char why[160];

    ck_assert_int_eq(intake_plausible("nyuyoji_4m", "checkups.weight_kg", "6.50", 0, why,
                                      sizeof(why)), PLAUS_OK);
    ck_assert_int_eq(intake_plausible("nyuyoji_4m", "checkups.weight_kg", "32.00", 0, why,
                                      sizeof(why)), PLAUS_NO);
    ck_assert_ptr_nonnull(strstr(why, "体重"));
    ck_assert_int_eq(intake_plausible("nyuyoji_4m", "checkups.weight_kg", "3.20", 0, NULL, 0),
                     PLAUS_NO);
    ck_assert_int_eq(intake_plausible("nyuyoji_3y", "checkups.height_cm", "95.0", 2, NULL, 0),
                     PLAUS_OK);
    ck_assert_int_eq(intake_plausible("nyuyoji_3y", "checkups.height_cm", "59.0", 2, NULL, 0),
                     PLAUS_NO);
    ck_assert_int_eq(intake_plausible("nyuyoji_1y6m", "checkups.head_cm", "47.4", 0, NULL, 0),
                     PLAUS_OK);
    ck_assert_int_eq(intake_plausible("nyuyoji_1y6m", "checkups.head_cm", "57.4", 0, NULL, 0),
                     PLAUS_NO);
    /* what the table does not know is not judged */
    ck_assert_int_eq(intake_plausible("nyuyoji_4m", "checkups.chest_cm", "99.0", 0, NULL, 0),
                     PLAUS_UNKNOWN);
    ck_assert_int_eq(intake_plausible("ninshin_todoke", "checkups.weight_kg", "60.0", 0, NULL, 0),
                     PLAUS_UNKNOWN);
}
END_TEST

/*
 * A 4-month checkup page with 体重 3.20 kg written (valid for the form's
 * 3-12 kg, not for a 4-month-old), scanned clean and read as intake reads
 * it: both recognisers agree on the cells, and the value goes to review
 * for its age; a plausible 身長 on the same page is accepted.
 */
START_TEST(implausible_weight_goes_to_review)
{
    const struct forms_form *f = forms_registry_get(forms, "nyuyoji_4m", 1);
    const char **vals;
    struct sim_fill_opts o;
    struct sim_sheet *sheet = NULL;
    struct sim_damage dmg;
    struct ocr_loaded l;
    struct ocr_reader *rd = NULL;
    struct page_result res;
    struct berr e;
    PIX **pages = NULL, *scan = NULL;
    double map[6];
    char *png = tl_path(dir, "weight.png");
    int seen_weight = 0, seen_height = 0;

    ck_assert_ptr_nonnull(f);
    /* every other field as the simulator fills it (required ones must be given) */
    sim_fill_opts_init(&o);
    o.seed = 5;
    ck_assert_msg(sim_fill(f, NULL, key, &o, &sheet, &e) == 0, "%s", e.msg);
    const struct sim_truth *t = sim_sheet_truth(sheet);
    vals = xcalloc(f->n_fields, sizeof(*vals));
    for (size_t i = 0; i < f->n_fields; i++) {
        vals[i] = t->fields[i].value ? xstrdup(t->fields[i].value) : NULL;
        if (strcmp(f->fields[i].name, "weight") == 0)
            free((char *)vals[i]), vals[i] = xstrdup("3.20");
        else if (strcmp(f->fields[i].name, "height") == 0)
            free((char *)vals[i]), vals[i] = xstrdup("61.5");
    }
    sim_sheet_free(&sheet);
    o.values = vals;
    ck_assert_msg(sim_fill(f, NULL, key, &o, &sheet, &e) == 0, "%s", e.msg);
    ck_assert_msg(sim_sheet_render(sheet, 300, &pages, &e) == 0, "%s", e.msg);
    sim_damage_clean(&dmg);
    ck_assert_msg(sim_scan(pages[1], 300, f, 2, &dmg, 5, &scan, map, &e) == 0, "%s", e.msg);
    ck_assert_msg(sim_write_image(scan, 300, SIM_PNG, png, &e) == 0, "%s", e.msg);
    ck_assert_msg(ocr_load(png, &l, &e) == 0, "%s", e.msg);
    ck_assert_ptr_nonnull(l.pages[0]);
    ck_assert_msg(ocr_reader_open(&rd, &e) == 0, "%s", e.msg);
    ck_assert(ocr_reader_has_hand(rd));
    ck_assert_msg(intake_read_page(rd, l.pages[0], forms, key, &res, &e) == 0, "%s", e.msg);
    for (size_t i = 0; i < res.n_fields; i++) {
        const struct field_result *x = &res.fields[i];
        if (strcmp(x->fld->name, "weight") == 0) {
            seen_weight = 1;
            ck_assert_int_eq(x->decision, DEC_REVIEW);
            ck_assert_msg(strstr(x->reason, "月齢") != NULL, "reason「%s」read「%s」", x->reason,
                          x->read);
            ck_assert_str_eq(x->read, "3.20");
        } else if (strcmp(x->fld->name, "height") == 0) {
            seen_height = 1;
            ck_assert_msg(x->decision == DEC_ACCEPTED, "height: %s「%s」", x->reason, x->read);
            ck_assert_str_eq(x->value, "61.5");
        }
    }
    ck_assert(seen_weight && seen_height);
    intake_page_result_release(&res);
    ocr_reader_free(&rd);
    ocr_loaded_release(&l);
    for (int i = 0; i < f->pages; i++)
        pixDestroy(&pages[i]);
    free(pages);
    pixDestroy(&scan);
    sim_sheet_free(&sheet);
    for (size_t i = 0; i < f->n_fields; i++)
        free((char *)vals[i]);
    free(vals);
    free(png);
}
END_TEST

/* Office scans of every form: no handwritten value wrongly accepted; digits mostly settled. */
START_TEST(batch_no_silent_error)
{
    struct sim_batch_opts o;
    struct sim_batch_stats st;
    struct eval_stats s;
    struct berr e;
    const struct forms_form *all[8];
    size_t n = forms_registry_count(forms);
    char *d = tl_path(dir, "office");
    long silent = 0;

    for (size_t i = 0; i < n && i < 8; i++)
        all[i] = forms_registry_at(forms, i);
    sim_batch_opts_init(&o);
    o.dir = d;
    o.pages = 12;
    o.forms = all;
    o.n_forms = n < 8 ? n : 8;
    o.profile = SIM_OFFICE;
    o.seed = 31;
    o.dpi = 300;
    o.key = key;
    ck_assert_msg(sim_batch(&o, &st, &e) >= 12, "%s", e.msg);
    ck_assert_msg(eval_dir(d, forms, key, 0, 0, 0, &s, &e) == 0, "%s", e.msg);
    for (int i = 0; i < s.n_silent; i++)
        fprintf(stderr, "silent error: %s\n", s.silent[i]);
    /* handwritten digits of every kind (a checkbox's silent error is OMR's, not ours) */
    silent = s.kind[FORMS_DIGITS].silent + s.kind[FORMS_NUMBER].silent
           + s.kind[FORMS_MYNUMBER].silent + s.kind[FORMS_DATE].silent;
    ck_assert_int_eq(silent, 0);
    struct eval_kind *dg = &s.kind[FORMS_DIGITS], *nb = &s.kind[FORMS_NUMBER];
    fprintf(stderr, "digits settled %ld/%ld, numbers %ld/%ld\n", dg->accepted, dg->fields,
            nb->accepted, nb->fields);
    ck_assert_int_gt(dg->fields + nb->fields, 20);
    /* Tesseract alone: 35 % and 5 % on office scans (bench/ocr.sh) */
    ck_assert_msg((dg->accepted + nb->accepted) * 100 >= (dg->fields + nb->fields) * 60,
                  "settled %ld of %ld", dg->accepted + nb->accepted, dg->fields + nb->fields);
    eval_stats_release(&s);
    free(d);
}
END_TEST

static void boshi(const char *db, ...)
{
    const char *argv[32];
    struct tl_result r;
    va_list ap;
    int n = 0;

    argv[n++] = tl_boshi();
    argv[n++] = "--db";
    argv[n++] = db;
    va_start(ap, db);
    for (const char *a; n < 31 && (a = va_arg(ap, const char *)) != NULL;)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    tl_run(&r, NULL, NULL, argv);
    ck_assert_msg(r.status == 0, "%s %s: %s", argv[3], argv[4] ? argv[4] : "", r.err);
    tl_result_free(&r);
}

/*
 * A checkup run of 2026-12-09 printed, its 健診票 filled in on that day and
 * scanned: the handwritten 実施日 is settled without a nurse where both
 * recognisers agree on it, because it is the date boshi printed.
 */
START_TEST(checkup_date_confirmed_by_the_issue)
{
    char *db = tl_path(dir, "s.db"), *town = tl_path(dir, "town.csv");
    char *pdf = tl_path(dir, "k.pdf"), *csv = tl_path(dir, "k.csv");
    char *scans = tl_path(dir, "scans");

    boshi(db, "init", "--demo", NULL);
    boshi(db, "settings", "set", "site.name", "みどり市 保健センター", NULL);
    boshi(db, "settings", "set", "site.address", "みどり市本町1-1-1", NULL);
    boshi(db, "settings", "set", "site.contact", "電話 0120-000-000", NULL);
    boshi(db, "settings", "set", "checkup.venue", "保健センター", NULL);
    boshi(db, "demo", "town", "--residents", "8000", "--as-of", "2026-11-01", "-o", town, NULL);
    boshi(db, "residents", "import", "--full", town, NULL);
    boshi(db, "targets", "--reason", "試験", "nyuyoji_4m", "--month", "2026-12", "--date", "2026-12-09", "--as-of", "2026-11-01", "-o", pdf,
          NULL);
    boshi(db, "demo", "scan", "--store", "--from-issues", csv, "--forms", "nyuyoji_4m",
          "--pages", "12", "--profile", "office", "--seed", "9", "--as-of", "2026-12-09", "-o",
          scans, NULL);
    boshi(db, "intake", "--name", "b1", scans, NULL);
    long pages = tl_sql_long(db, "SELECT count(*) FROM readings WHERE field = 'jisshi_date'");
    long ok = tl_sql_long(db, "SELECT count(*) FROM readings WHERE field = 'jisshi_date' AND "
                              "decision = 'accepted' AND value = '2026-12-09'");
    long other = tl_sql_long(db, "SELECT count(*) FROM readings WHERE field = 'jisshi_date' AND "
                                 "decision = 'accepted' AND value <> '2026-12-09'");
    fprintf(stderr, "実施日 settled %ld of %ld\n", ok, pages);
    ck_assert_int_ge(pages, 5);
    ck_assert_int_eq(other, 0);
    /* Tesseract alone settled none: 実施日 made 15 items on 24 office pages */
    ck_assert_msg(ok * 2 >= pages, "settled %ld of %ld", ok, pages);
    free(db);
    free(town);
    free(pdf);
    free(csv);
    free(scans);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hand");
    TCase *tc = tcase_create("hand");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, heldout_hand_cells);
    tcase_add_test(tc, heldout_kana_cells);
    tcase_add_test(tc, kana_fold_into_cells);
    tcase_add_test(tc, plausibility_table);
    tcase_add_test(tc, implausible_weight_goes_to_review);
    tcase_add_test(tc, batch_no_silent_error);
    tcase_add_test(tc, checkup_date_confirmed_by_the_issue);
    suite_add_tcase(s, tc);
    return tl_main(s);
}
