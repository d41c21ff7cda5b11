/*
 * sim-batch.c: a directory of simulated scans with their truth (see sim.h
 * for the JSON format): forms filled in turn, each page scanned with its
 * own damage, page-NNNN.<ext> + page-NNNN.truth.json.
 * Not for: drawing (sim.c) or damage (sim-scan.c).
 */
#include "demo/sim.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

void sim_batch_opts_init(struct sim_batch_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->pages = 1;
    o->profile = SIM_CLEAN;
    o->seed = 1;
    o->dpi = 300;
    o->format = SIM_PNG;
    o->blank_pct = -1;
    o->tricky_pct = -1;
}

static double now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000.0 + t.tv_nsec / 1e6;
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *damage_json(const struct sim_damage *d)
{
    json_t *o = json_object();

    json_object_set_new(o, "skew_deg", json_real(d->skew_deg));
    json_object_set_new(o, "scale", json_real(d->scale));
    json_object_set_new(o, "shift_mm", json_pack("[ff]", d->shift_x_mm, d->shift_y_mm));
    json_object_set_new(o, "upside_down", json_boolean(d->upside_down));
    json_object_set_new(o, "noise", json_real(d->noise));
    json_object_set_new(o, "blur", json_integer(d->blur));
    json_object_set_new(o, "jpeg_quality", json_integer(d->jpeg_quality));
    json_object_set_new(o, "threshold", json_integer(d->threshold));
    if (d->fold == SIM_FOLD_NONE)
        json_object_set_new(o, "fold", json_null());
    else
        json_object_set_new(o, "fold", json_pack("{s:s, s:f, s:f}", "kind",
                                                 d->fold == SIM_FOLD_DARK ? "dark" : "light",
                                                 "y_mm", d->fold_y_mm, "angle_deg",
                                                 d->fold_angle_deg));
    if (!d->stamp)
        json_object_set_new(o, "stamp", json_null());
    else
        json_object_set_new(o, "stamp", json_pack("{s:f, s:f, s:f, s:s, s:s}", "x_mm",
                                                  d->stamp_x_mm, "y_mm", d->stamp_y_mm, "r_mm",
                                                  d->stamp_r_mm, "text", "RECEIVED 2025.04.01",
                                                  "field", d->stamp_field));
    return o;
}

static json_t *fields_json(const struct sim_truth *t)
{
    json_t *a = json_array();

    for (size_t i = 0; i < t->n_fields; i++) {
        const struct sim_field_truth *ft = &t->fields[i];
        const struct forms_field *fld = &t->form->fields[i];
        json_t *o = json_object();

        json_object_set_new(o, "name", json_string(fld->name));
        json_object_set_new(o, "kind", json_string(forms_kind_name(fld->kind)));
        json_object_set_new(o, "page", json_integer(fld->page));
        json_object_set_new(o, "required", json_boolean(fld->required));
        json_object_set_new(o, "value", str_or_null(ft->value));
        json_object_set_new(o, "how", json_string(sim_how_name(ft->how)));
        json_object_set_new(o, "review", json_boolean(ft->review));
        if (ft->crossed_out)
            json_object_set_new(o, "crossed_out", json_string(ft->crossed_out));
        if (ft->cells)
            json_object_set_new(o, "cells", json_string(ft->cells));
        if (ft->date_parts[0]) {
            json_object_set_new(o, "era", json_string(ft->date_parts[0]));
            json_object_set_new(o, "year", json_string(ft->date_parts[1]));
            json_object_set_new(o, "month", json_string(ft->date_parts[2]));
            json_object_set_new(o, "day", json_string(ft->date_parts[3]));
        }
        json_array_append_new(a, o);
    }
    return a;
}

struct page_meta {
    int page, sheet, dpi, width, height;
    const char *image;
    enum sim_format format;
    enum sim_profile profile;
    uint64_t seed;
};

static int write_truth(const char *path, const struct sim_truth *t, const struct page_meta *pm,
                       const struct sim_damage *d, const double map[6], struct berr *e)
{
    json_t *o = json_object();
    int rc = 0;

    json_object_set_new(o, "form", json_string(t->form->id));
    json_object_set_new(o, "version", json_integer(t->form->version));
    json_object_set_new(o, "page", json_integer(pm->page));
    json_object_set_new(o, "pages", json_integer(t->form->pages));
    json_object_set_new(o, "sheet", json_integer(pm->sheet));
    json_object_set_new(o, "subject", str_or_null(t->subject));
    json_object_set_new(o, "issue", str_or_null(t->issue));
    json_object_set_new(o, "image", json_string(pm->image));
    json_object_set_new(o, "format", json_string(sim_format_name(pm->format)));
    json_object_set_new(o, "dpi", json_integer(pm->dpi));
    json_object_set_new(o, "width", json_integer(pm->width));
    json_object_set_new(o, "height", json_integer(pm->height));
    json_object_set_new(o, "seed", json_integer((json_int_t)(pm->seed & 0x7FFFFFFFFFFFFFFFull)));
    json_object_set_new(o, "profile", json_string(sim_profile_name(pm->profile)));
    json_object_set_new(o, "damage", damage_json(d));
    json_object_set_new(o, "map", json_pack("[ffffff]", map[0], map[1], map[2], map[3], map[4],
                                            map[5]));
    json_object_set_new(o, "fields", fields_json(t));
    if (json_dump_file(o, path, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) != 0)
        rc = berr_set(e, BERR_FAIL, "%s: 書き込めません", path);
    json_decref(o);
    return rc;
}

int sim_batch(const struct sim_batch_opts *o, struct sim_batch_stats *st, struct berr *e)
{
    struct sim_batch_stats local;
    struct sim_sheet *sheet = NULL;
    PIX **paper = NULL, *img = NULL;
    int done = 0, npaper = 0, rc = 0;
    char *img_path = NULL, *truth_path = NULL, *tiff_path = NULL;
    double t0;

    if (st == NULL)
        st = &local;
    memset(st, 0, sizeof(*st));
    if (o->pages < 1 || (o->n_items == 0 && o->n_forms == 0) || o->key == NULL ||
        (o->dpi != 200 && o->dpi != 300))
        return berr_set(e, BERR_INVALID, "ページ数・様式・鍵・解像度 (200/300 dpi) を確かめてください");
    if (mkdir(o->dir, 0755) != 0 && errno != EEXIST)
        return berr_set(e, BERR_FAIL, "%s: ディレクトリを作れません (%s)", o->dir, strerror(errno));
    if (o->format == SIM_TIFF && o->multipage) {
        tiff_path = xasprintf("%s/batch.tif", o->dir);
        remove(tiff_path);
    }
    for (int sheet_no = 1; done < o->pages; sheet_no++) {
        const struct sim_item *item = o->n_items ? &o->items[(size_t)(sheet_no - 1) % o->n_items]
                                                 : NULL;
        const struct forms_form *f = item ? item->form
                                          : o->forms[(size_t)(sheet_no - 1) % o->n_forms];
        struct sim_fill_opts fo;
        struct sim_rng sr;

        sim_fill_opts_init(&fo);
        sim_rng_seed(&sr, o->seed, 1000 + (uint64_t)sheet_no);
        fo.seed = sim_rng_next(&sr);
        if (o->as_of.y != 0)
            fo.as_of = o->as_of;
        if (o->blank_pct >= 0)
            fo.blank_pct = o->blank_pct;
        if (o->tricky_pct >= 0)
            fo.tricky_pct = o->tricky_pct;
        fo.set = o->set;
        fo.mark_how = o->mark_how;
        fo.hand_kana = o->hand_kana;
        t0 = now_ms();
        rc = sim_fill(f, item ? &item->fill : NULL, o->key, &fo, &sheet, e);
        st->ms_fill += now_ms() - t0;
        if (rc < 0)
            goto cleanup;
        t0 = now_ms();
        rc = sim_sheet_render(sheet, o->dpi, &paper, e);
        st->ms_render += now_ms() - t0;
        if (rc < 0)
            goto cleanup;
        npaper = f->pages;
        st->sheets++;
        for (int page = 1; page <= f->pages && done < o->pages; page++) {
            struct sim_damage d;
            struct page_meta pm;
            double map[6];
            uint64_t pseed;

            done++;
            pseed = sim_rng_next(&sr);
            sim_damage_random(&d, o->profile, pseed);
            t0 = now_ms();
            rc = sim_scan(paper[page - 1], o->dpi, f, page, &d, pseed, &img, map, e);
            st->ms_scan += now_ms() - t0;
            if (rc < 0)
                goto cleanup;
            t0 = now_ms();
            free(img_path);
            free(truth_path);
            img_path = xasprintf("%s/page-%04d.%s", o->dir, done, sim_format_ext(o->format));
            truth_path = xasprintf("%s/page-%04d.truth.json", o->dir, done);
            rc = sim_write_image(img, o->dpi, o->format, img_path, e);
            if (rc == 0 && tiff_path != NULL &&
                pixWriteTiff(tiff_path, img,
                             pixGetDepth(img) == 1 ? IFF_TIFF_G4 : IFF_TIFF_ZIP, "a") != 0)
                rc = berr_set(e, BERR_FAIL, "%s: 書き込めません", tiff_path);
            if (rc < 0)
                goto cleanup;
            pm = (struct page_meta){
                .page = page, .sheet = sheet_no, .dpi = o->dpi, .width = pixGetWidth(img),
                .height = pixGetHeight(img), .image = strrchr(img_path, '/') + 1,
                .format = o->format, .profile = o->profile, .seed = o->seed,
            };
            rc = write_truth(truth_path, sim_sheet_truth(sheet), &pm, &d, map, e);
            st->ms_write += now_ms() - t0;
            pixDestroy(&img);
            if (rc < 0)
                goto cleanup;
            st->pages++;
        }
        for (int k = 0; k < npaper; k++)
            pixDestroy(&paper[k]);
        free(paper);
        paper = NULL;
        sim_sheet_free(&sheet);
    }
    rc = done;
cleanup:
    if (paper != NULL) {
        for (int k = 0; k < npaper; k++)
            pixDestroy(&paper[k]);
        free(paper);
    }
    pixDestroy(&img);
    sim_sheet_free(&sheet);
    free(img_path);
    free(truth_path);
    free(tiff_path);
    return rc;
}
