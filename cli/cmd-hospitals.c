/*
 * cmd-hospitals.c: `boshi hospitals import|list` - the hospital master
 * (医療機関マスタ) the 精密検査依頼書 and the voucher payments name.
 */
#include "cli/cli.h"
#include "records/referrals.h"

static int cmd_hospitals_import(struct cli_ctx *c, int argc, char **argv)
{
    struct hospitals_import_report rep;
    struct berr e;

    berr_clear(&e);
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage(c);
    if (hospitals_import(c->st, &c->actor, argv[1], &rep, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s: %ld 件 (新規 %ld, 更新 %ld), %s\n", argv[1], rep.rows, rep.inserted,
            rep.updated, rep.encoding);
    return EXIT_OK;
}

static int print_hospital(const struct hospital *h, void *ctx)
{
    FILE *out = ctx;

    cli_col(out, h->code, 10);
    cli_col(out, h->name, 28);
    cli_col(out, h->department, 16);
    fprintf(out, "%s  %s\n", h->address, h->phone);
    return 0;
}

static int cmd_hospitals_list(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;

    (void)argv;
    berr_clear(&e);
    if (argc != 1)
        return cli_usage(c);
    if (hospitals_list(c->st, print_hospital, c->out, &e) < 0)
        return cli_fail(c, &e);
    return EXIT_OK;
}

const struct cmd_entry cmd_hospitals_import_entry = {
    .name = "hospitals import",
    .usage = "FILE.csv",
    .summary = "医療機関マスタを取り込む / load the hospital master",
    .help = "見出し行: 医療機関コード,名称,診療科,郵便番号,住所,電話,FAX (UTF-8 または CP932)。\n"
            "医療機関コードは10桁。1行でも誤りがあれば何も変更せず、誤りを行・列ごとに示します。\n"
            "同じコードは上書きします。管理者 (reports) または保健師 (records.write) が使えます。\n"
            "Header as above; the whole file or nothing; rows upsert by code.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,     /* reports or records.write: checked by hospitals_import */
    .run = cmd_hospitals_import,
};

const struct cmd_entry cmd_hospitals_list_entry = {
    .name = "hospitals list",
    .usage = "",
    .summary = "医療機関マスタを表示 / list the hospital master",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_hospitals_list,
};
