/*
 * cmd-forms.c: `boshi forms print` (a form blank or pre-filled for given
 * people, recorded in the issue history) and `boshi forms list`.
 * The PDF and the issue records land together: the records are written in
 * a transaction that commits only after the PDF was saved.
 */
#include "cli/cli.h"
#include "reports/reports.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VOUCHERS_PER_PREGNANCY 14
#define SANPU_VOUCHERS 2          /* 産婦健診: 産後2週間 (第1回) and 産後1か月 (第2回) */
#define CHOUKAKU_VOUCHERS 2       /* 新生児聴覚検査: one each for the 初回検査 and a 確認検査 */

/* Numbered copies of a voucher form, one issue each; 1 for any other form. */
static int form_copies(const struct forms_form *f)
{
    if (strcmp(f->id, "ninpu_jushinken") == 0)
        return VOUCHERS_PER_PREGNANCY;
    if (strcmp(f->id, "sanpu_jushinken") == 0)
        return SANPU_VOUCHERS;
    if (strcmp(f->id, "choukaku_jushinken") == 0)
        return CHOUKAKU_VOUCHERS;
    return 1;
}

/* The voucher form printed after this one for the same mother, or NULL. */
static const char *form_then(const struct forms_form *f)
{
    if (strcmp(f->id, "ninpu_jushinken") == 0)
        return "sanpu_jushinken";
    if (strcmp(f->id, "sanpu_jushinken") == 0)
        return "choukaku_jushinken";
    return NULL;
}

static int cmd_forms_list(struct cli_ctx *c, int argc, char **argv)
{
    const struct forms_registry *r;

    (void)argv;
    if (argc != 1)
        return cli_usage(c);
    r = cli_forms(c);
    if (r == NULL)
        return EXIT_FAIL;
    for (size_t i = 0; i < forms_registry_count(r); i++) {
        const struct forms_form *f = forms_registry_at(r, i);
        cli_col(c->out, f->id, 18);
        fprintf(c->out, "第%d版 %dページ  %s\n", f->version, f->pages, f->title);
    }
    return EXIT_OK;
}

/* Pre-filled pages for one person; records each issued document. */
static int print_person(struct cli_ctx *c, struct pdf *pdf, const struct forms_form *f,
                        int64_t run, const char *atena, const unsigned char key[32], int *docs,
                        struct berr *e)
{
    struct resident r;
    struct form_fill fill;
    char issue[24];
    int rc, copies = form_copies(f);
    /* the 産婦 vouchers and the 新生児聴覚検査 ones are printed with the 妊婦 ones, after them */
    int chain = strcmp(f->id, "ninpu_jushinken") == 0;

    rc = residents_get(c->st, &c->actor, atena, "forms.print", &r, e);
    if (rc < 0)
        return rc;
    if (r.status != RS_RESIDENT) {
        rc = berr_set(e, BERR_INVALID, "宛名番号 %s の住民は%sです。印刷しません", atena,
                      resident_status_label(r.status));
        goto cleanup;
    }
    char why[64];
    const char *who = "";
    if (!resident_fits_form(f->id, &r, store_today(c->st), why, sizeof(why), &who)) {
        rc = berr_set(e, BERR_INVALID, "宛名番号 %s (%s) に「%s」は発行できません (対象: %s)。"
                      "宛名番号を確かめてください", atena, why, f->title, who);
        goto cleanup;
    }
    for (int k = 1; k <= copies && rc == 0; k++) {
        struct issue_req q = {
            .form = f->id, .version = f->version, .person = atena,
            .kind = copies > 1 ? "voucher" : "form", .seq = copies > 1 ? k : 0,
            .pages = f->pages,
        };
        rc = issues_record(c->st, &c->actor, run, &q, issue, e);
        if (rc < 0)
            break;
        memset(&fill, 0, sizeof(fill));
        fill.subject = r.atena;
        fill.issue_id = issue;
        fill.name = r.name;
        fill.kana = r.kana;
        fill.birth = r.birth;
        fill.voucher_kai = copies > 1 ? k : 0;
        rc = formprint_form(pdf, f, &fill, key, e);
        (*docs)++;
        const struct forms_form *next = chain && form_then(f) ? cli_form(c, form_then(f)) : NULL;
        if (rc == 0 && k == copies && next != NULL) {
            /* then the 産婦 vouchers, then the 聴覚検査 ones, each numbered on their own */
            f = next;
            copies = form_copies(f);
            k = 0;
        }
    }
cleanup:
    resident_release(&r);
    return rc;
}

static int cmd_forms_print(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "blank", no_argument, NULL, 'b' },
        { "copies", required_argument, NULL, 'c' },
        { "person", required_argument, NULL, 'p' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL, *people[256];
    int blank = 0, npeople = 0, opt, rc = EXIT_OK, docs = 0, txn = 0, copies = 1;
    const struct forms_form *f;
    struct pdf *pdf = NULL;
    unsigned char key[32];
    int64_t run = 0;
    struct berr e;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'b': blank = 1; break;
        case 'c':
            copies = atoi(optarg);
            if (copies < 1 || copies > 1000)
                return cli_usage(c);
            break;
        case 'o': out = optarg; break;
        case 'p':
            if (npeople == 256)
                return cli_errorf(c, "--person は一度に 256 人までです");
            people[npeople++] = optarg;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1 || out == NULL || blank == (npeople > 0))
        return cli_usage(c);
    f = cli_form(c, argv[optind]);
    if (f == NULL)
        return EXIT_FAIL;
    if (npeople > 0 && strcmp(f->id, "ninshin_todoke") == 0)
        return cli_errorf(c, "妊娠届出書は本人が記入する様式のため、個人あての印刷はできません (--blank で印刷)");
    if (cli_qr_key(c, key) < 0) {
        rc = EXIT_FAIL;
        goto cleanup;
    }
    if (pdf_open(&pdf, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    if (store_begin(c->st, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    txn = 1;
    if (print_run_add(c->st, &c->actor, blank ? "blank" : "forms", f->id, NULL, NULL, NULL, out,
                      &run, &e) < 0)
        goto fail;
    /*
     * Every blank copy has its own issue id in its QR too: the pages of one
     * sheet (a 2-page 妊娠届出書) are joined by it when they come back, and any
     * scanned page can be traced to the print run it came from.
     */
    for (int k = 0; blank && k < copies; k++) {
        char issue[24];
        struct issue_req q = { .form = f->id, .version = f->version, .kind = "blank",
                               .pages = f->pages };
        struct form_fill fill;
        if (issues_record(c->st, &c->actor, run, &q, issue, &e) < 0)
            goto fail;
        memset(&fill, 0, sizeof(fill));
        fill.issue_id = issue;
        if (formprint_form(pdf, f, &fill, key, &e) < 0)
            goto fail;
        docs++;
    }
    for (int i = 0; i < npeople; i++)
        if (print_person(c, pdf, f, run, people[i], key, &docs, &e) < 0)
            goto fail;
    if (print_run_finish(c->st, run, docs, &e) < 0 || pdf_save(pdf, out, &e) < 0)
        goto fail;
    if (store_commit(c->st, &e) < 0) {
        unlink(out);
        txn = 0;
        goto fail;
    }
    txn = 0;
    if (blank)
        fprintf(c->out, "%s: %s 白紙 %d 部 (%dページ) を書き、発行履歴に記録しました\n", out, f->title,
                docs, pdf_page_count(pdf));
    else
        fprintf(c->out, "%s: %s を %d 部 (%d人分, %dページ) 書き、発行履歴に記録しました\n", out,
                f->title, docs, npeople, pdf_page_count(pdf));
    goto cleanup;
fail:
    rc = cli_fail(c, &e);
cleanup:
    if (txn)
        store_rollback(c->st);
    memset(key, 0, sizeof(key));
    pdf_free(&pdf);
    return rc;
}

const struct cmd_entry cmd_forms_list_entry = {
    .name = "forms list",
    .usage = "",
    .summary = "様式の一覧 / list the form definitions",
    .needs = 0,
    .perm = -1,
    .run = cmd_forms_list,
};

const struct cmd_entry cmd_forms_print_entry = {
    .name = "forms print",
    .usage = "様式 (--blank [--copies N] | --person 宛名番号 ...) -o FILE.pdf",
    .summary = "様式を印刷 (白紙または個人あて) / print a form, blank or pre-filled",
    .help = "個人あての様式には氏名・カナ・生年月日を印字し、QR に宛名番号と発行番号を署名付きで入れ、\n"
            "発行履歴に記録します。妊婦健康診査受診券 (ninpu_jushinken) は1人14枚を番号付きで印刷し、\n"
            "続けて産婦健康診査受診券 (sanpu_jushinken、産後2週間・産後1か月) 2枚と\n"
            "新生児聴覚検査費用助成券 (choukaku_jushinken、初回検査・確認検査) 2枚を印刷します。\n"
            "白紙 (--blank) も1部ごとに発行番号を QR に入れて記録します (--copies で部数)。\n"
            "個人番号は印字しません。\n"
            "Pre-filled forms carry the subject in a signed QR and are recorded in the issue history;\n"
            "ninpu_jushinken prints the 14 numbered vouchers of a pregnancy,\n"
            "then the 2 postpartum vouchers (sanpu_jushinken) and the 2 newborn hearing test\n"
            "vouchers (choukaku_jushinken). Never prints a 個人番号.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_FORMS_PRINT,
    .run = cmd_forms_print,
};
