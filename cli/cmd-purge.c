/*
 * cmd-purge.c: `boshi purge [--as-of DATE] [--dry-run]` - retention deletion
 * of people gone (転出・死亡) longer than purge.retention_years (records/purge.c).
 * Shows counts per kind only, never a name.
 */
#include "cli/cli.h"

#include <getopt.h>

static int cmd_purge(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "as-of", required_argument, NULL, 'a' },
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct ymd as_of = store_today(c->st);
    struct purge_report rep;
    struct berr e;
    char d1[64], d2[64];
    int opt, dry = 0;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'a':
            if (cli_parse_date(c, "--as-of", optarg, &as_of) < 0)
                return EXIT_USAGE;
            break;
        case 'n': dry = 1; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    if (purge_run(c->st, &c->actor, as_of, dry, &rep, &e) < 0)
        return cli_fail(c, &e);
    jpdate_format(as_of, d1, sizeof(d1));
    jpdate_format(rep.cutoff, d2, sizeof(d2));
    fprintf(c->out, "%s 基準日 %s、保存年限 %d年: %s より前に転出・死亡した人\n",
            dry ? "消去の試行 (何も変更していません)" : "消去しました", d1, rep.retention_years, d2);
    for (int k = 0; k < PURGE_NKINDS; k++) {
        fputs("  ", c->out);
        cli_col(c->out, purge_kind_label(k), 44);
        fprintf(c->out, "%ld\n", rep.n[k]);
    }
    fputs("  ", c->out);
    cli_col(c->out, "統計を確定した年度 (以後この値を表示)", 44);
    fprintf(c->out, "%d\n", rep.stats_frozen);
    return EXIT_OK;
}

const struct cmd_entry cmd_purge_entry = {
    .name = "purge",
    .usage = "[--as-of DATE] [--dry-run]",
    .summary = "保存年限を過ぎた転出・死亡者の記録を消去 / retention deletion",
    .help = "  --as-of DATE  基準日 (既定: 今日) / the date the retention is counted from\n"
            "  --dry-run     件数だけ表示し何も消さない / counts per kind, nothing deleted\n"
            "Deletes everyone whose 転出 or 死亡 is more than purge.retention_years (>= 5)\n"
            "before the as-of date: resident row and history, records, readings and crops,\n"
            "review items and corrections, issue history, pages, original scans holding\n"
            "only purged pages, saved review images; then VACUUM and a WAL truncate.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_PURGE,
    .run = cmd_purge,
};
