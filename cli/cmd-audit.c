/*
 * cmd-audit.c: `boshi audit list`, `boshi audit verify [--archive FILE]` and
 * `boshi audit archive` - reading the access log, checking its hash chain
 * (in the store, or in an archive file), and retiring old entries into a
 * signed archive file.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int print_entry(const struct audit_row *r, void *ctx)
{
    FILE *out = ctx;

    char seq[24];

    snprintf(seq, sizeof(seq), "%lld", (long long)r->seq);
    cli_col(out, seq, 6);
    char at[64];
    cli_instant_jst(r->at, at, sizeof(at));
    cli_col(out, at, 24);
    cli_col(out, r->user, 12);
    cli_col(out, r->function, 18);
    cli_col(out, r->person ? r->person : "-", 10);
    fprintf(out, "%s\n", r->detail);
    return 0;
}

static int cmd_audit_list(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "person", required_argument, NULL, 'p' },
        { "user", required_argument, NULL, 'u' },
        { "since", required_argument, NULL, 's' },
        { "limit", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    struct audit_filter f = { NULL, NULL, NULL, 0 };
    struct ymd since;
    char since_iso[11];
    struct berr e;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'p': f.person = optarg; break;
        case 'u': f.user = optarg; break;
        case 's':
            if (cli_parse_date(c, "--since", optarg, &since) < 0)
                return EXIT_USAGE;
            ymd_iso(since, since_iso);
            f.since = since_iso;
            break;
        case 'l': f.limit = atoi(optarg); break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    static const char *const head[] = { "番号", "日時 (日本時間)", "利用者", "機能", "宛名番号" };
    static const int w[] = { 6, 24, 12, 18, 10 };
    for (int k = 0; k < 5; k++)
        cli_col(c->out, head[k], w[k]);
    fputs("内容\n", c->out);
    if (audit_list(c->st, &c->actor, &f, print_entry, c->out, &e) < 0)
        return cli_fail(c, &e);
    return EXIT_OK;
}

static int cmd_audit_verify(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "archive", required_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 },
    };
    struct audit_verify_result r;
    const char *archive = NULL;
    struct berr e;
    int opt, linked = 0;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'a': archive = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    if (archive != NULL) {
        if (audit_verify_archive(c->st, &c->actor, archive, &r, &linked, &e) < 0)
            return cli_fail(c, &e);
        if (r.first_bad) {
            fprintf(c->out, "保管庫ファイル %s の検証: 異常あり。記録 %lld: %s\n"
                            "(それ以前の %lld 件は正常)\n",
                    archive, (long long)r.first_bad, r.reason, (long long)r.checked);
            return EXIT_FAIL;
        }
        fprintf(c->out, "保管庫ファイル %s の検証: 正常 (%lld 件、署名と連鎖を確認)\n", archive,
                (long long)r.checked);
        fprintf(c->out, "%s\n", linked == 1 ? "この記録ストアが記録した保管庫ファイルです (チェックポイントと一致)"
                        : linked == 2 ? "注意: 範囲はこの記録ストアの保管記録と一致しますが、ファイルの"
                                        "ハッシュが記録と違います"
                                      : "注意: この記録ストアには、このファイルの保管記録がありません");
        return linked == 2 ? EXIT_FAIL : EXIT_OK;
    }
    if (audit_verify(c->st, &c->actor, &r, &e) < 0)
        return cli_fail(c, &e);
    if (r.first_bad) {
        fprintf(c->out, "アクセス記録の検証: 異常あり。記録 %lld で連鎖が切れています: %s\n"
                        "(それ以前の %lld 件は正常)\n",
                (long long)r.first_bad, r.reason, (long long)r.checked);
        return EXIT_FAIL;
    }
    fprintf(c->out, "アクセス記録の検証: 正常 (%lld 件、改ざん・削除なし)\n", (long long)r.checked);
    if (r.archived)
        fprintf(c->out, "記録 1〜%lld は保管庫ファイルへ移してあります (boshi audit verify --archive で検証)\n",
                (long long)r.archived);
    return EXIT_OK;
}

static int cmd_audit_archive(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "before", required_argument, NULL, 'b' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    struct audit_archive_result r;
    struct ymd before = { 0, 0, 0 };
    const char *path = NULL;
    struct berr e;
    char d[40];
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'b':
            if (cli_parse_date(c, "--before", optarg, &before) < 0)
                return EXIT_USAGE;
            break;
        case 'o': path = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || path == NULL || before.y == 0)
        return cli_usage(c);
    if (audit_archive(c->st, &c->actor, before, path, &r, &e) < 0)
        return cli_fail(c, &e);
    jpdate_format(before, d, sizeof(d));
    fprintf(c->out, "%s より前のアクセス記録 %lld 件 (記録 %lld〜%lld) を %s へ移しました\n"
                    "  sha256 %s\n"
                    "このファイルは署名付きです。保存年限まで別の媒体に保管してください。\n"
                    "検証: boshi audit verify --archive %s\n",
            d, (long long)r.entries, (long long)r.first_seq, (long long)r.last_seq, path, r.sha256, path);
    return EXIT_OK;
}

const struct cmd_entry cmd_audit_list_entry = {
    .name = "audit list",
    .usage = "[--person 宛名番号] [--user 利用者] [--since 日付] [--limit N]",
    .summary = "アクセス記録を表示 / list the access log",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_AUDIT_READ,
    .run = cmd_audit_list,
};

const struct cmd_entry cmd_audit_verify_entry = {
    .name = "audit verify",
    .usage = "[--archive FILE]",
    .summary = "アクセス記録の改ざん検査 / verify the log's hash chain",
    .help = "記録ストアのアクセス記録 (保管庫へ移した分の続きから)、または --archive で\n"
            "保管庫ファイルの署名と連鎖を検証します。\n"
            "Verifies the store's chain (from the last archive's checkpoint on), or with\n"
            "--archive FILE an archive file's signature and chain.\n"
            "終了コード / exit: 0 正常 intact, 1 改ざん・削除あり broken (first bad entry shown)\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_AUDIT_READ,
    .run = cmd_audit_verify,
};

const struct cmd_entry cmd_audit_archive_entry = {
    .name = "audit archive",
    .usage = "--before DATE -o FILE",
    .summary = "古いアクセス記録を署名付き保管庫ファイルへ移す / archive old log entries",
    .help = "DATE より前のアクセス記録を署名付き・圧縮の保管庫ファイルに書き出し、記録ストアから\n"
            "除きます。記録ストアには audit.retention_years (既定 3、3 未満不可) 年分を残すため、\n"
            "DATE は今日からその年数より前でなければなりません。残りの記録は引き続き\n"
            "boshi audit verify で、保管庫ファイルは boshi audit verify --archive で検証できます。\n"
            "Writes the entries before DATE to a signed, gzip-compressed file and removes them\n"
            "from the store, leaving a checkpoint; DATE must be audit.retention_years (>= 3)\n"
            "before today.  Needs audit.read and purge.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_PURGE,
    .run = cmd_audit_archive,
};
