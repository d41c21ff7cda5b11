/*
 * cmd-review.c: `boshi review list|show|accept|correct|reject|reopen|register` - the
 * nurses' queue on the command line (the web UI is a later issue and calls
 * the same module functions).  A value is checked against its field's
 * definition before it is stored; an identity is a 宛名番号 that must exist.
 * When the last open item of a page is resolved, the page's record lands in
 * the same transaction.  Checking and resolving are review_item_apply()
 * (review/resolve.c), shared with the web UI.
 */
#include "cli/cli.h"
#include "intake/intake.h"
#include "review/review.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct list_ctx {
    struct cli_ctx *c;
    int n;
};

static const char *field_label(struct cli_ctx *c, const char *form, const char *field)
{
    const struct forms_registry *r = cli_forms(c);
    const struct forms_form *f = r ? forms_registry_get(r, form, 0) : NULL;
    const struct forms_field *fld = f ? forms_field_find(f, field) : NULL;

    return fld ? fld->label : field;
}

/* A choice's codes as printed labels ("iie" -> "いいえ"), for people. */
static void as_labels(struct cli_ctx *c, const char *form, const char *field, const char *v,
                      struct buf *out)
{
    const struct forms_registry *reg = cli_forms(c);
    const struct forms_form *f = reg ? forms_registry_get(reg, form, 0) : NULL;
    const struct forms_field *fld = f ? forms_field_find(f, field) : NULL;
    char *copy = xstrdup(v);

    for (char *part = copy, *next; part != NULL && *part; part = next) {
        next = strchr(part, ',');
        if (next)
            *next++ = '\0';
        const char *label = fld ? forms_option_label(fld, part) : NULL;
        buf_addf(out, "%s%s", out->len ? "、" : "", label ? label : part);
    }
    free(copy);
}

static int print_item(const struct review_row *r, void *p)
{
    struct list_ctx *l = p;
    FILE *out = l->c->out;
    char id[24], risk[16];

    /* columns by display width (cli_col); the reason, of any length, last */
    if (l->n++ == 0) {
        static const char *const h[] = { "番号", "重要度", "様式", "宛名番号", "項目", "読取値・候補" };
        static const int w[] = { 6, 6, 26, 10, 20, 16 };
        for (int k = 0; k < 6; k++)
            cli_col(out, h[k], w[k]);
        fputs("理由\n", out);
    }
    snprintf(id, sizeof(id), "%lld", (long long)r->id);
    snprintf(risk, sizeof(risk), "%d", r->risk);
    const struct forms_registry *reg = cli_forms(l->c);
    const struct forms_form *f = reg && r->form[0] ? forms_registry_get(reg, r->form, 0) : NULL;
    cli_col(out, id, 6);
    cli_col(out, risk, 6);
    cli_col(out, f ? f->title : r->form[0] ? r->form : "-", 26);
    cli_col(out, r->subject[0] ? r->subject : "-", 10);
    cli_col(out, field_label(l->c, r->form, r->field), 20);
    struct buf shown;
    buf_init(&shown);
    as_labels(l->c, r->form, r->field, r->suggested, &shown);
    cli_col(out, shown.len ? shown.s : "-", 16);
    buf_release(&shown);
    fprintf(out, "%s%s\n", r->reason, strcmp(r->status, "open") != 0 ? "  [処理済]" : "");
    return 0;
}

static int cmd_review_list(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "reason", required_argument, NULL, 'r' },
        { "form", required_argument, NULL, 'f' },
        { "batch", required_argument, NULL, 'b' },
        { "all", no_argument, NULL, 'a' },
        { "limit", required_argument, NULL, 'l' },
        { "from", required_argument, NULL, 'F' },
        { "to", required_argument, NULL, 'T' },
        { NULL, 0, NULL, 0 },
    };
    struct review_filter f;
    struct list_ctx l = { c, 0 };
    struct berr e;
    int opt;

    berr_clear(&e);
    memset(&f, 0, sizeof(f));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'r': f.reason = optarg; break;
        case 'f': f.form = optarg; break;
        case 'b': f.batch = optarg; break;
        case 'a': f.include_resolved = 1; break;
        case 'l': f.limit = atoi(optarg); break;
        case 'F':
            if (cli_parse_date(c, "--from", optarg, &f.from) < 0)
                return EXIT_USAGE;
            break;
        case 'T':
            if (cli_parse_date(c, "--to", optarg, &f.to) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    if (f.from.y && f.to.y && ymd_cmp(f.from, f.to) > 0) {
        char from[40], to[40];
        jpdate_format(f.from, from, sizeof(from));
        jpdate_format(f.to, to, sizeof(to));
        fprintf(c->err, "boshi: --from (%s) が --to (%s) より後の日付です\n", from, to);
        return cli_usage(c);
    }
    if (review_list(c->st, &c->actor, &f, print_item, &l, &e) < 0)
        return cli_fail(c, &e);
    if (l.n == 0)
        fprintf(c->out, "確認待ちはありません\n");
    return EXIT_OK;
}

static int parse_id(struct cli_ctx *c, const char *s, int64_t *id)
{
    char *end;

    errno = 0;
    *id = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || *id <= 0 || errno) {
        cli_errorf(c, "番号が正しくありません「%s」", s);
        return -1;
    }
    return 0;
}

static int write_file(const char *path, const void *data, size_t n, int shared)
{
    /* a child's answers and a page of a form: the service account only (the boshi
     * group in a multi-user installation, where another nurse may show it next) */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && shared)
        fchmod(fd, 0660);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    int ok = f != NULL && fwrite(data, 1, n, f) == n;

    if (f == NULL && fd >= 0)
        close(fd);
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

/*
 * Writes an image of a person's page for the nurse, logged first like a record
 * view (review.image, with detail): 0 written, 1 not written (said on stderr
 * by the caller's line), < 0 when the access log refused (nothing written).
 */
static int save_view(struct cli_ctx *c, const struct page_row *pg, const char *path,
                     const void *png, size_t len, int shared, const char *detail, struct berr *e)
{
    if (audit_append(c->st, &c->actor, "review.image", pg->subject[0] ? pg->subject : NULL, detail,
                     e) < 0)
        return -1;
    return write_file(path, png, len, shared) == 0 ? 0 : 1;
}

static int cmd_review_show(struct cli_ctx *c, int argc, char **argv)
{
    struct review_item x;
    struct page_row pg;
    int64_t id;
    void *png = NULL;
    size_t len = 0;
    struct berr e;
    int rc = EXIT_OK;

    berr_clear(&e);
    if (argc != 2)
        return cli_usage(c);
    if (parse_id(c, argv[1], &id) < 0)
        return EXIT_USAGE;
    if (review_item_get(c->st, &c->actor, id, &x, &e) < 0 ||
        page_get(c->st, x.r.page_id, &pg, &e) < 0)
        return cli_fail(c, &e);
    {
        /* what a nurse reads: the form's title and the state in Japanese, no codes */
        const struct forms_registry *reg = cli_forms(c);
        const struct forms_form *ff = reg ? forms_registry_get(reg, x.form, 0) : NULL;
        const char *state = strcmp(x.status, "open") == 0        ? "未処理"
                            : strcmp(x.status, "accepted") == 0  ? "承認済み"
                            : strcmp(x.status, "corrected") == 0 ? "訂正済み"
                                                                 : "却下済み";
        fprintf(c->out, "確認待ち %lld  [%s]  重要度 %d\n", (long long)id, state, x.r.risk);
        fprintf(c->out, "  様式      %s (%dページ目)  発行番号 %s\n", ff ? ff->title : x.form,
                pg.page_no, pg.issue_id[0] ? pg.issue_id : "-");
    }
    fprintf(c->out, "  宛名番号  %s\n", x.subject[0] ? x.subject : "(未確定)");
    fprintf(c->out, "  項目      %s\n", field_label(c, x.form, x.field));
    fprintf(c->out, "  理由      %s\n", x.reason);
    struct buf shown;
    buf_init(&shown);
    as_labels(c, x.form, x.field, x.suggested, &shown);
    fprintf(c->out, "  読取値    %s\n", shown.len ? shown.s : "-");
    buf_release(&shown);
    fprintf(c->out, "  原本      %s %dページ目\n", x.source, pg.file_page + 1);
    /* the crop and the original, for the nurse to look at */
    char *dir = xasprintf("%s.review", c->db_path);
    char *sub = xasprintf("%s/%lld", dir, (long long)id);
    int shared = store_shared(c->st);
    mkdir(dir, 0700);
    mkdir(sub, 0700);
    if (shared) {
        chmod(dir, 02770);
        chmod(sub, 02770);
    }
    /* the images are views of the person's page, logged like a record view; a
     * 個人番号 is blacked out on both (it is never written to a file) */
    struct page_row cp;
    int mynumber = 0, saved;
    char detail[160];
    if (x.r.reading_id > 0 && cli_forms(c) != NULL &&
        intake_crop_png(c->st, cli_forms(c), x.r.reading_id, 0, &cp, &mynumber, &png, &len, &e) == 0) {
        char *p = xasprintf("%s/field.png", sub);
        snprintf(detail, sizeof(detail), "切り出し画像を保存 (ページ %lld 読取 %lld%s)", (long long)pg.id,
                 (long long)x.r.reading_id, mynumber ? " 個人番号は黒塗り" : "");
        saved = save_view(c, &pg, p, png, len, shared, detail, &e);
        if (saved == 0)
            fprintf(c->out, "  切り出し  %s%s\n", p, mynumber ? " (個人番号は黒塗り)" : "");
        free(p);
        if (saved < 0)
            goto fail;
    }
    free(png);
    png = NULL;
    if (cli_forms(c) != NULL &&
        intake_page_png(c->db_path, cli_forms(c), &pg, x.r.reading_id, c->st, &png, &len, &e) == 0) {
        char *p = xasprintf("%s/page.png", sub);
        snprintf(detail, sizeof(detail), "ページ %lld の画像を保存 (個人番号は黒塗り)", (long long)pg.id);
        saved = save_view(c, &pg, p, png, len, shared, detail, &e);
        if (saved == 0)
            fprintf(c->out, "  ページ    %s (項目を赤枠で表示)\n", p);
        free(p);
        if (saved < 0)
            goto fail;
    } else {
        fprintf(c->out, "  ページ    (画像を用意できません: %s)\n", e.msg);
    }
    goto cleanup;
fail:
    rc = cli_fail(c, &e);
cleanup:
    free(png);
    free(dir);
    free(sub);
    return rc;
}

/* 1 if s holds a run of 12 or more digits (it may be a 個人番号). */
static int has_long_digit_run(const char *s)
{
    char *m = xstrdup(s);
    int masked = 0;

    mask_digit_runs(m);
    masked = strcmp(m, s) != 0;
    free(m);
    return masked;
}

/* Whether the item is a 個人番号 field of its form. */
static int is_mynumber_item(struct cli_ctx *c, const struct review_item *x)
{
    const struct forms_registry *r = strcmp(x->kind, "field") == 0 ? cli_forms(c) : NULL;
    const struct forms_form *f = r ? forms_registry_get(r, x->form, 0) : NULL;
    const struct forms_field *fld = f ? forms_field_find(f, x->field) : NULL;

    return fld != NULL && fld->kind == FORMS_MYNUMBER;
}

/* One line from stdin (the value of `review correct ID` with no value); wiped by the caller. */
static int read_value(struct cli_ctx *c, int mynumber, char *out, size_t n)
{
    if (isatty(0))
        fprintf(c->err, "%s: ", mynumber ? "個人番号 (12桁) を入力してください" : "値を入力してください");
    if (fgets(out, (int)n, stdin) == NULL) {
        cli_errorf(c, "値を標準入力から読めませんでした");
        return -1;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

static int resolve(struct cli_ctx *c, int argc, char **argv, enum review_action act)
{
    struct review_item x;
    struct review_outcome out;
    int64_t id;
    struct berr e;
    char typed[OCR_TEXT_MAX];
    const char *value = NULL;
    int rc = EXIT_OK;

    berr_clear(&e);
    typed[0] = '\0';
    if (act == REVIEW_CORRECT ? (argc != 2 && argc != 3) : argc != 2)
        return cli_usage(c);
    if (act == REVIEW_CORRECT && argc == 3 && has_long_digit_run(argv[2])) {
        /* out of the process list at once (the shell history has it already) */
        explicit_bzero(argv[2], strlen(argv[2]));
        return cli_errorf(c, "12桁の数字 (個人番号かもしれません) は引数で渡せません: プロセス一覧と"
                          "シェルの履歴に残ります。boshi review correct %s とだけ入力し、値は標準入力から"
                          "入れてください", argv[1]);
    }
    if (parse_id(c, argv[1], &id) < 0)
        return EXIT_USAGE;
    if (review_item_get(c->st, &c->actor, id, &x, &e) < 0)
        return cli_fail(c, &e);
    if (act == REVIEW_ACCEPT && strcmp(x.kind, "issue") != 0 && strcmp(x.kind, "rule") != 0 &&
        x.suggested[0] == '\0')
        return cli_errorf(c, "候補の値がありません。boshi review correct %lld 値 で入力してください",
                          (long long)id);
    if (act == REVIEW_CORRECT) {
        int mn = is_mynumber_item(c, &x);
        if (argc == 3 && mn) {
            explicit_bzero(argv[2], strlen(argv[2]));
            return cli_errorf(c, "確認待ち %lld は個人番号の項目です。個人番号は引数で渡せません: "
                              "boshi review correct %lld とだけ入力し、標準入力から入れてください",
                              (long long)id, (long long)id);
        }
        if (argc == 2 && read_value(c, mn, typed, sizeof(typed)) < 0)
            return EXIT_FAIL;
        value = argc == 3 ? argv[2] : typed;
    }
    if (review_item_apply(c->st, &c->actor, cli_forms(c), &x, act, value, &out, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    static const char *const verb[] = { "承認", "訂正", "却下" };
    fprintf(c->out, "確認待ち %lld を%sしました%s%s\n", (long long)id, verb[act],
            out.value[0] ? ": " : "", out.value);
    if (out.page_done)
        fprintf(c->out, "  ページの確認がすべて終わり、記録に登録しました\n");
cleanup:
    sodium_memzero(typed, sizeof(typed));
    return rc;
}

static int cmd_review_accept(struct cli_ctx *c, int argc, char **argv)
{
    return resolve(c, argc, argv, REVIEW_ACCEPT);
}

static int cmd_review_correct(struct cli_ctx *c, int argc, char **argv)
{
    return resolve(c, argc, argv, REVIEW_CORRECT);
}

static int cmd_review_reject(struct cli_ctx *c, int argc, char **argv)
{
    return resolve(c, argc, argv, REVIEW_REJECT);
}

/*
 * A mother who is not in the resident master: registered as 住登外 by the
 * nurse's decision, and the identity item settled with her new id, in one
 * transaction.
 */
static int cmd_review_register(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'n' },
        { "kana", required_argument, NULL, 'k' },
        { "birth", required_argument, NULL, 'b' },
        { "address", required_argument, NULL, 'a' },
        { "reason", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    const char *name = NULL, *kana = NULL, *address = "", *reason = NULL;
    struct ymd birth = { 0, 0, 0 };
    struct review_item x;
    struct review_outcome out;
    char uid[16];
    int64_t id;
    struct berr e;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'n': name = optarg; break;
        case 'k': kana = optarg; break;
        case 'a': address = optarg; break;
        case 'r': reason = optarg; break;
        case 'b':
            if (cli_parse_date(c, "--birth", optarg, &birth) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1 || name == NULL || kana == NULL || birth.y == 0 || reason == NULL)
        return cli_usage(c);
    if (parse_id(c, argv[optind], &id) < 0)
        return EXIT_USAGE;
    if (review_item_get(c->st, &c->actor, id, &x, &e) < 0)
        return cli_fail(c, &e);
    if (strcmp(x.kind, "identity") != 0)
        return cli_errorf(c, "確認待ち %lld は本人確認ではありません", (long long)id);
    if (store_begin(c->st, &e) < 0)
        return cli_fail(c, &e);
    if (unregistered_add(c->st, &c->actor, name, kana, birth, address, reason, uid, &e) < 0 ||
        review_item_apply(c->st, &c->actor, cli_forms(c), &x, REVIEW_CORRECT, uid, &out, &e) < 0) {
        store_rollback(c->st);
        return cli_fail(c, &e);
    }
    if (store_commit(c->st, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "住登外として %s を登録し、確認待ち %lld を確定しました\n", uid, (long long)id);
    if (out.page_done)
        fprintf(c->out, "  ページの確認がすべて終わり、記録に登録しました\n");
    return EXIT_OK;
}

/*
 * A settled item opened again (a nurse found it wrong, or a rule needs it
 * changed): back in the queue, or with --value/--blank changed at once and
 * the record landed again, in one transaction; the reason is logged.
 */
static int cmd_review_reopen(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "reason", required_argument, NULL, 'r' },
        { "value", required_argument, NULL, 'v' },
        { "blank", no_argument, NULL, 'b' },
        { "page", required_argument, NULL, 'p' },
        { "field", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    const char *reason = NULL, *value = NULL, *page = NULL, *field = NULL;
    struct review_item x;
    struct review_outcome out;
    struct page_row pg;
    int64_t id = 0, item;
    struct berr e;
    int opt, blank = 0;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'r': reason = optarg; break;
        case 'v': value = optarg; break;
        case 'b': blank = 1; break;
        case 'p': page = optarg; break;
        case 'f': field = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (reason == NULL || (value && blank) || (page != NULL) != (field != NULL) ||
        optind != argc - (page ? 0 : 1))
        return cli_usage(c);
    memset(&x, 0, sizeof(x));
    if (page) {
        /* a reading settled at intake has no item yet: by page and field name */
        if (parse_id(c, page, &x.r.page_id) < 0)
            return EXIT_USAGE;
        if (page_get(c->st, x.r.page_id, &pg, &e) < 0)
            return cli_fail(c, &e);
        snprintf(x.field, sizeof(x.field), "%s", field);
        snprintf(x.form, sizeof(x.form), "%s", pg.form);
    } else {
        if (parse_id(c, argv[optind], &id) < 0)
            return EXIT_USAGE;
        if (review_item_get(c->st, &c->actor, id, &x, &e) < 0)
            return cli_fail(c, &e);
    }
    if (value == NULL && !blank) {
        if (review_reopen(c->st, &c->actor, x.r.page_id, x.field, reason, &item, &e) < 0)
            return cli_fail(c, &e);
        fprintf(c->out, "確認待ち %lld (%s) を確認待ちに戻しました\n", (long long)item,
                field_label(c, x.form, x.field));
        return EXIT_OK;
    }
    if (review_item_edit(c->st, &c->actor, cli_forms(c), x.r.page_id, x.field, blank ? NULL : value,
                         reason, &out, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "ページ %lld の%sを%sにしました\n", (long long)x.r.page_id,
            field_label(c, x.form, x.field), out.value[0] ? out.value : "空欄");
    if (out.page_done)
        fprintf(c->out, "  記録を登録し直しました\n");
    return EXIT_OK;
}

#define REVIEW_NEEDS (NEED_STORE | NEED_ACCOUNT)

const struct cmd_entry cmd_review_reopen_entry = {
    .name = "review reopen",
    .usage = "--reason 理由 [--value 値 | --blank] (番号 | --page ページ番号 --field 項目名)",
    .summary = "処理済みの項目をやり直す / reopen a settled item (and change it)",
    .help = "処理済みの確認 (登録済みの記録の値も) を確認待ちに戻します。--value か --blank を\n"
            "付けると、その値に直して記録を登録し直します (項目間の規則も確かめ直し、合わなければ\n"
            "何も変えません)。理由は必須で、前後の値とともに記録されます。\n"
            "Back to the queue; with --value/--blank changed and the record landed again in one\n"
            "transaction (cross-field rules checked again).  The reason is logged with before/after.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_REVIEW,
    .run = cmd_review_reopen,
};

const struct cmd_entry cmd_review_register_entry = {
    .name = "review register",
    .usage = "--name 氏名 --kana カナ --birth 生年月日 --reason 理由 [--address 住所] 番号",
    .summary = "住民記録にない人を住登外として登録し本人確認を確定 / register a 住登外 person",
    .help = "妊娠届出書の本人が住民記録にいないとき (住民票が他市町村にあるなど)、保健師の判断で\n"
            "住登外として登録します。照合で自動的に登録されることはありません。\n"
            "Only by a nurse's decision; never by matching.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_RECORDS_WRITE,
    .run = cmd_review_register,
};

const struct cmd_entry cmd_review_list_entry = {
    .name = "review list",
    .usage = "[--reason 理由] [--form 様式] [--batch バッチ名] [--from 日付] [--to 日付] [--all] "
             "[--limit N]",
    .summary = "確認待ちの一覧 (重要度順) / the review queue, riskiest first",
    .help = "--from 日付 / --to 日付  ページを取り込んだ日 (日本時間) で絞り込みます。両端を含み、\n"
            "    1日だけなら同じ日付を両方に指定します (例: 2026-04-01、令和8年4月1日、R8.4.1)。\n"
            "--all      処理済みの項目も表示します。\n"
            "--limit N  先頭の N 件だけ表示します。\n"
            "--from/--to: the day the page was taken in, Japan time, both ends included (one day: the\n"
            "same date twice).  --all: resolved items too.  --limit N: the first N only.\n",
    .needs = REVIEW_NEEDS,
    .perm = PERM_REVIEW,
    .run = cmd_review_list,
};

const struct cmd_entry cmd_review_show_entry = {
    .name = "review show",
    .usage = "番号",
    .summary = "確認待ちの詳細と画像 / one item, with its crop and page image",
    .help = "切り出し画像とページ画像 (項目を赤枠で表示) を <db>.review/番号/ に書き出します。\n",
    .needs = REVIEW_NEEDS,
    .perm = PERM_REVIEW,
    .run = cmd_review_show,
};

const struct cmd_entry cmd_review_accept_entry = {
    .name = "review accept",
    .usage = "番号",
    .summary = "読取値 (候補) を承認 / accept the suggested value",
    .needs = REVIEW_NEEDS,
    .perm = PERM_REVIEW,
    .run = cmd_review_accept,
};

const struct cmd_entry cmd_review_correct_entry = {
    .name = "review correct",
    .usage = "番号 [値]",
    .summary = "正しい値を入力 / correct the value",
    .help = "値は項目の形式で (例: 6.54、2024-04-01 または R6.4.1、hai)。本人確認は宛名番号。\n"
            "値を省くと標準入力から1行読みます。個人番号の項目は必ず標準入力から\n"
            "(echo は使わず、例: boshi review correct 43 < number.txt)。12桁の数字は引数では受け付けません。\n"
            "Without a value, one line is read from stdin; a 個人番号 is only ever read there.\n",
    .needs = REVIEW_NEEDS,
    .perm = PERM_REVIEW,
    .run = cmd_review_correct,
};

const struct cmd_entry cmd_review_reject_entry = {
    .name = "review reject",
    .usage = "番号",
    .summary = "却下 (項目は空欄、本人確認ならページを却下) / reject",
    .needs = REVIEW_NEEDS,
    .perm = PERM_REVIEW,
    .run = cmd_review_reject,
};
