/*
 * pageimg.c: the images a person reviews - the crop of one reading and a
 * whole page with the box outlined, rendered again from the kept original
 * through intake's registration; a 個人番号 is blacked out unless the
 * caller has the permission and asks.
 */
#include "intake/intake-internal.h"
#include "ocr/render.h"

#include <stdlib.h>
#include <string.h>

struct box_ctx {
    int64_t id;
    double box[4];
    int found;
};

static int find_box(const struct reading_row *r, void *p)
{
    struct box_ctx *b = p;

    if (r->id == b->id) {
        memcpy(b->box, r->box, sizeof(b->box));
        b->found = 1;
    }
    return 0;
}

int intake_crop_png(struct store *st, const struct forms_registry *forms, int64_t reading_id,
                    int unmasked, struct page_row *pg, int *mynumber, void **png, size_t *len,
                    struct berr *e)
{
    const struct forms_form *f;
    const struct forms_field *fld;
    char field[64];
    int64_t page_id;
    void *raw = NULL;
    size_t n = 0;
    int rc;

    *png = NULL;
    *len = 0;
    *mynumber = 0;
    rc = reading_page(st, reading_id, &page_id, field, sizeof(field), e);
    if (rc == 0)
        rc = page_get(st, page_id, pg, e);
    if (rc == 0)
        rc = reading_crop(st, reading_id, &raw, &n, e);
    if (rc < 0)
        return rc;
    f = forms_registry_get(forms, pg->form, pg->version);
    fld = f ? forms_field_find(f, field) : NULL;
    /* a field the definitions do not know is masked too: it cannot be told apart */
    *mynumber = fld == NULL || fld->kind == FORMS_MYNUMBER;
    if (!*mynumber || unmasked) {
        *png = raw;
        *len = n;
        return 0;
    }
    rc = ocr_png_blackout(raw, n, png, len, e);
    free(raw);
    return rc;
}

int intake_page_png(const char *store_path, const struct forms_registry *forms,
                    const struct page_row *pg, int64_t reading_id, struct store *st, void **png,
                    size_t *len, struct berr *e)
{
    const struct forms_form *form = forms_registry_get(forms, pg->form, pg->version);
    double masks[8][4];
    size_t nmask = 0;
    const char *dot = strrchr(pg->source, '.');
    char *orig = xasprintf("%s.scans/%.2s/%s%s", store_path, pg->file_sha, pg->file_sha,
                           dot ? dot : "");
    struct ocr_source *src = NULL;
    struct ocr_page *page = NULL;
    struct ocr_template t;
    struct box_ctx b = { reading_id, { 0, 0, 0, 0 }, 0 };
    char *dir = NULL, *one = NULL, *reason = NULL;
    int rc = 0, idx = pg->file_page;

    *png = NULL;
    *len = 0;
    if (dot && strcasecmp(dot, ".pdf") == 0) {
        rc = intake_pdf_pages(orig, pg->source, &dir, e);
        if (rc == 0) {
            one = xasprintf("%s/p-%03d.png", dir, idx);
            idx = 0;
            rc = ocr_open(one, pg->source, NULL, &src, e);
        }
    } else {
        rc = ocr_open(orig, pg->source, NULL, &src, e);
    }
    /* only the page asked for is decoded */
    if (rc == 0 && idx < ocr_source_npages(src))
        rc = ocr_source_page(src, idx, &page, &reason, e);
    if (rc < 0)
        goto cleanup;
    if (page == NULL) {
        rc = berr_set(e, BERR_NOTFOUND, "%s: %dページ目を読めません", pg->source, pg->file_page + 1);
        goto cleanup;
    }
    if (reading_id > 0) {
        rc = page_readings(st, pg->id, find_box, &b, e);
        if (rc < 0)
            goto cleanup;
    }
    /* the 個人番号 fields of this page: blacked out */
    for (size_t i = 0; form != NULL && i < form->n_fields && nmask < 8; i++) {
        const struct forms_field *fl = &form->fields[i];
        if (fl->kind == FORMS_MYNUMBER && fl->page == pg->page_no && fl->has_box) {
            double m[4] = { fl->box.x, fl->box.y, fl->box.w, fl->box.h };
            memcpy(masks[nmask++], m, sizeof(m));
        }
    }
    intake_template(forms, &t);
    rc = ocr_register(page, &t, NULL, e);
    if (rc == 0)
        rc = ocr_page_png(page, b.found ? b.box : NULL, (const double (*)[4])masks, nmask,
                          1200, (unsigned char **)png, len, e);
cleanup:
    ocr_page_free(&page);
    ocr_source_close(&src);
    free(reason);
    if (dir) {
        intake_rm_dir(dir);
        free(dir);
    }
    free(one);
    free(orig);
    return rc;
}
