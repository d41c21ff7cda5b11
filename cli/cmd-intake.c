/*
 * cmd-intake.c: `boshi intake` (a batch of scans into the store, with a
 * progress bar on a terminal and a summary in Japanese) and `boshi batches
 * list|show` (per batch counts and the reconciliation against the issue
 * history).
 */
#include "cli/cli.h"
#include "intake/intake.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct progress {
    FILE *out;
    int tty;
    double t0;
    int last_line;
};

static double now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void show_progress(int done, int total, void *ctx)
{
    struct progress *p = ctx;
    double el = now_s() - p->t0, ppm = el > 0 ? done * 60.0 / el : 0;
    int eta = ppm > 0 ? (int)((total - done) * 60.0 / ppm) : 0;

    if (p->tty) {
        int width = 30, fill = total > 0 ? done * width / total : 0;
        fprintf(p->out, "\r取込中 [");
        for (int i = 0; i < width; i++)
            fputc(i < fill ? '#' : '-', p->out);
        fprintf(p->out, "] %d/%d ページ  %.0f ページ/分  残り約 %d分%02d秒 ", done, total, ppm,
                eta / 60, eta % 60);
        fflush(p->out);
    } else if (done - p->last_line >= 25 || done == total) {
        fprintf(p->out, "取込 %d/%d ページ (%.0f ページ/分)\n", done, total, ppm);
        p->last_line = done;
    }
}

/* Collects the names of unfinished batches, each followed by a NUL. */
static int note_unfinished(const struct batch_row *b, void *ctx)
{
    if (b->finished_at[0] == '\0') {
        buf_adds(ctx, b->name);
        buf_addc(ctx, '\0');
    }
    return 0;
}

static int unfinished_before(struct cli_ctx *c, const char *name, const struct buf *names)
{
    (void)c;
    for (size_t off = 0; off < names->len; off += strlen(names->s + off) + 1)
        if (strcmp(names->s + off, name) == 0)
            return 1;
    return 0;
}

static int cmd_intake(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "workers", required_argument, NULL, 'w' },
        { "name", required_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct intake_opts o;
    struct intake_summary s;
    struct progress pr;
    struct buf unfinished;
    struct berr e;
    int opt, rc;

    berr_clear(&e);
    buf_init(&unfinished);
    memset(&o, 0, sizeof(o));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'w':
            o.workers = atoi(optarg);
            if (o.workers < 1 || o.workers > 16)
                return cli_usage(c);
            break;
        case 'n': o.name = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind >= argc)
        return cli_usage(c);
    const struct forms_registry *forms = cli_forms(c);
    if (forms == NULL)
        return EXIT_FAIL;
    o.paths = (const char *const *)argv + optind;
    o.n_paths = (size_t)(argc - optind);
    o.store_path = c->db_path;
    /* boshi's own progress line (counts only, no data): written raw, for its \r */
    pr.out = stderr;
    pr.tty = isatty(STDERR_FILENO);
    pr.t0 = now_s();
    pr.last_line = 0;
    /* the batches not finished before this run (for the summary's wording) */
    if (batches_list(c->st, &c->actor, NULL, note_unfinished, &unfinished, &e) < 0) {
        buf_release(&unfinished);
        return cli_fail(c, &e);
    }
    rc = intake_run(c->st, &c->actor, forms, &o, show_progress, &pr, &s, &e);
    if (pr.tty && s.pages > 0)
        fputc('\n', stderr);
    if (rc < 0 && s.batch[0] == '\0') {
        buf_release(&unfinished);
        return cli_fail(c, &e);       /* nothing started: a path or a file to fix */
    }
    /* 中断 only when the batch had not finished before this run */
    int interrupted = s.resumed && unfinished_before(c, s.batch, &unfinished);
    fprintf(c->out, "バッチ「%s」%s\n", s.batch,
            interrupted ? " (中断したバッチの続き)"
            : s.resumed ? " (取込済みのバッチ: 新しいページだけを取り込みます)" : "");
    buf_release(&unfinished);
    fprintf(c->out, "  ファイル %d  ページ %d  登録 %d  確認待ち %d (項目 %d)  却下 %d\n", s.files,
            s.pages, s.landed, s.queued, s.review_items, s.rejected);
    if (s.alerts)
        fprintf(c->out, "  ★ EPDS アラート %d 件 (本日中に対応: boshi alerts)\n", s.alerts);
    if (s.duplicates)
        fprintf(c->out, "  重複 (取込済みのページ) %d\n", s.duplicates);
    if (s.already)
        fprintf(c->out, "  前回の実行で取込済み %d\n", s.already);
    if (s.by_others)
        fprintf(c->out, "  同時に動いていた別の取込処理が読んだファイル %d\n", s.by_others);
    if (s.skipped_files)
        fprintf(c->out, "  対象外のファイル %d\n", s.skipped_files);
    if (s.ignored) {
        fprintf(c->out, "  取り込まなかったファイル %d:\n", s.ignored);
        for (int i = 0; i < s.n_ignored; i++)
            fprintf(c->out, "    %s  %s\n", s.ign[i].path, s.ign[i].reason);
        if (s.ignored > s.n_ignored)
            fprintf(c->out, "    ほか %d (boshi batches show %s)\n", s.ignored - s.n_ignored, s.batch);
    }
    /* counts first, right-aligned: the reasons (any length, Japanese) line up after them */
    if (s.n_review) {
        fprintf(c->out, "  確認待ちの理由 (件数):\n");
        for (int i = 0; i < s.n_review; i++)
            fprintf(c->out, "    %6d  %s\n", s.review[i].n, s.review[i].reason);
    }
    if (s.n_reject) {
        fprintf(c->out, "  却下の理由 (件数、ファイルとページは boshi batches show で):\n");
        for (int i = 0; i < s.n_reject; i++)
            fprintf(c->out, "    %6d  %s\n", s.reject[i].n, s.reject[i].reason);
    }
    if (s.pages > 0)
        fprintf(c->out, "  所要 %.1f 秒 (読取 中央値 %.0f ms/ページ, 95%% %.0f ms)\n", s.seconds,
                s.ms_median, s.ms_p95);
    if (rc < 0) {
        cli_fail(c, &e);
        if (s.pages > 0)
            fprintf(c->err, "boshi: 同じコマンドをもう一度実行すると、取込済みのページを除いて続きから"
                            "処理します\n");
        return EXIT_FAIL;
    }
    return EXIT_OK;
}

static int print_batch(const struct batch_row *b, void *ctx)
{
    FILE *out = ctx;

    cli_col(out, b->name, 22);
    cli_col(out, b->by_user, 10);
    char at[64];
    cli_instant_jst(b->started_at, at, sizeof(at));
    cli_col(out, at, 24);
    fprintf(out, "ページ %d  登録 %d  確認待ち %d (未処理の項目 %d)  却下 %d%s\n", b->pages, b->landed,
            b->queued, b->open_items, b->rejected, b->finished_at[0] ? "" : "  [中断]");
    return 0;
}

static int cmd_batches_list(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;

    (void)argv;
    berr_clear(&e);
    if (argc != 1)
        return cli_usage(c);
    if (batches_list(c->st, &c->actor, NULL, print_batch, c->out, &e) < 0)
        return cli_fail(c, &e);
    return EXIT_OK;
}

struct show_ctx {
    struct cli_ctx *c;
    int64_t id;
    int n;
};

static int keep_batch(const struct batch_row *b, void *ctx)
{
    struct show_ctx *s = ctx;

    s->id = b->id;
    return print_batch(b, s->c->out);
}

static int print_finding(const struct reconcile_row *r, void *ctx)
{
    struct show_ctx *s = ctx;
    FILE *out = s->c->out;
    const struct forms_registry *reg = cli_forms(s->c);
    const struct forms_form *f = reg && r->form[0] ? forms_registry_get(reg, r->form, 0) : NULL;
    const char *title = f ? f->title : r->form[0] ? r->form : "-";

    if (s->n++ == 0)
        fprintf(out, "発行履歴との照合:\n");
    if (strcmp(r->kind, "却下") == 0) {
        /* a page: where it is in the scans, and why */
        fprintf(out, "  %s  %s %dページ目  %s%s%s\n", r->kind, r->file, r->file_page,
                r->detail[0] ? r->detail : "(理由なし)", r->form[0] ? "  " : "",
                r->form[0] ? title : "");
        return 0;
    }
    struct buf detail;
    buf_init(&detail);
    cli_dates_wareki(r->detail, &detail);
    fprintf(out, "  ");
    cli_col(out, r->kind, 16);
    cli_col(out, r->person[0] ? r->person : "-", 10);
    if (r->name[0])
        cli_col(out, r->name, 14);
    cli_col(out, title, 28);
    fprintf(out, "発行番号 %s  %s\n", r->issue_id[0] ? r->issue_id : "-", detail.len ? detail.s : "");
    buf_release(&detail);
    return 0;
}

/* The entries of the scan folders not taken in (rejected pages are the reconciliation's). */
static int print_refused(const char *path, int file_page, const char *reason, void *ctx)
{
    struct show_ctx *s = ctx;

    if (file_page >= 0)
        return 0;
    if (s->n++ == 0)
        fprintf(s->c->out, "取り込まなかったファイル:\n");
    fprintf(s->c->out, "  %s  %s\n", path, reason);
    return 0;
}

static int cmd_batches_show(struct cli_ctx *c, int argc, char **argv)
{
    struct show_ctx s = { c, 0, 0 };
    struct berr e;

    berr_clear(&e);
    if (argc != 2)
        return cli_usage(c);
    if (batches_list(c->st, &c->actor, argv[1], keep_batch, &s, &e) < 0 ||
        batch_reconcile(c->st, &c->actor, s.id, print_finding, &s, &e) < 0)
        return cli_fail(c, &e);
    if (s.n == 0)
        fprintf(c->out, "発行履歴との照合: 未提出・確認待ち・二重提出・想定外・却下の用紙はありません\n");
    s.n = 0;
    if (batch_refused(c->st, &c->actor, s.id, print_refused, &s, &e) < 0)
        return cli_fail(c, &e);
    return EXIT_OK;
}

const struct cmd_entry cmd_intake_entry = {
    .name = "intake",
    .usage = "[--workers N] [--name バッチ名] ファイルまたはフォルダ...",
    .summary = "スキャンしたバッチを取り込む / take in a batch of scans",
    .help = "TIFF (複数ページ可)・PNG・JPEG・スキャナの PDF を読み取り、確実なものは記録に登録し、\n"
            "不確かなものは確認待ち (boshi review) にします。原本は記録ストアの横に保管します。\n"
            "中断しても、同じコマンドを再実行すれば取込済みのページを除いて続きから処理します。\n"
            "Reads TIFF/PNG/JPEG/PDF scans; sure readings land, the rest go to review.\n"
            "Re-running after a crash or kill finishes the batch; no page is lost or stored twice.\n"
            "--workers N   並列数 (既定: CPU コア数)\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_INTAKE,
    .run = cmd_intake,
};

const struct cmd_entry cmd_batches_list_entry = {
    .name = "batches list",
    .usage = "",
    .summary = "取込バッチの一覧 / list batches",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_batches_list,
};

const struct cmd_entry cmd_batches_show_entry = {
    .name = "batches show",
    .usage = "バッチ名",
    .summary = "バッチの内訳と発行履歴との照合 / a batch and its reconciliation",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_batches_show,
};
