/*
 * cmd-users.c: `boshi users add|list|grant|revoke|disable|enable` -
 * accounts and their grants.  All need the users.admin permission.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

static int cmd_users_add(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'n' },
        { "os-user", required_argument, NULL, 'o' },
        { "role", required_argument, NULL, 'r' },
        { "until", required_argument, NULL, 'u' },
        { "address", required_argument, NULL, 'a' },
        { NULL, 0, NULL, 0 },
    };
    const char *name = NULL, *os_user = NULL, *address = NULL, *roles[8];
    int nroles = 0, opt;
    struct ymd until, *up = NULL;
    struct berr e;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'n': name = optarg; break;
        case 'o': os_user = optarg; break;
        case 'a': address = optarg; break;
        case 'r':
            if (nroles == 8)
                return cli_usage(c);
            roles[nroles++] = optarg;
            break;
        case 'u':
            if (cli_parse_date(c, "--until", optarg, &until) < 0)
                return EXIT_USAGE;
            up = &until;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1)
        return cli_usage(c);
    for (int i = 0; i < nroles; i++)
        if (role_lookup(roles[i]) == NULL && perm_from_name(roles[i]) < 0)
            return cli_errorf(c, "「%s」はロールでも権限でもありません (事務 保健師 管理者 システム管理者)",
                              roles[i]);
    if (store_begin(c->st, &e) < 0)
        return cli_fail(c, &e);
    /* add and its grants land together or not at all */
    int rc = users_add(c->st, &c->actor, argv[optind], name, os_user, &e);
    for (int i = 0; rc == 0 && i < nroles; i++)
        rc = users_grant(c->st, &c->actor, argv[optind], roles[i], up, &e);
    if (rc == 0 && address != NULL)
        rc = users_set_address(c->st, &c->actor, argv[optind], address, &e);
    if (rc < 0) {
        store_rollback(c->st);
        return cli_fail(c, &e);
    }
    if (store_commit(c->st, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "利用者「%s」を登録しました\n", argv[optind]);
    return EXIT_OK;
}

static int print_user(const struct user_row *r, void *ctx)
{
    FILE *out = ctx;

    cli_col(out, r->login, 12);
    cli_col(out, r->display_name[0] ? r->display_name : "-", 16);
    cli_col(out, r->os_user, 12);
    cli_col(out, r->disabled ? "無効" : (r->perms_today ? "有効" : "権限なし"), 8);
    fprintf(out, "%s\n", r->grants[0] ? r->grants : "-");
    return 0;
}

static int cmd_users_list(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;

    (void)argv;
    berr_clear(&e);
    if (argc != 1)
        return cli_usage(c);
    cli_col(c->out, "利用者", 12);
    cli_col(c->out, "氏名", 16);
    cli_col(c->out, "OSユーザー", 12);
    cli_col(c->out, "状態", 8);
    fputs("付与 (期限)\n", c->out);
    if (users_list(c->st, &c->actor, print_user, c->out, &e) < 0)
        return cli_fail(c, &e);
    return EXIT_OK;
}

static int cmd_users_grant(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "until", required_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 },
    };
    struct ymd until, *up = NULL;
    struct berr e;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 'u')
            return cli_usage(c);
        if (cli_parse_date(c, "--until", optarg, &until) < 0)
            return EXIT_USAGE;
        up = &until;
    }
    if (optind != argc - 2)
        return cli_usage(c);
    if (users_grant(c->st, &c->actor, argv[optind], argv[optind + 1], up, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "利用者「%s」に「%s」を付与しました\n", argv[optind], argv[optind + 1]);
    return EXIT_OK;
}

static int cmd_users_revoke(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;

    berr_clear(&e);
    if (argc != 3)
        return cli_usage(c);
    if (users_revoke(c->st, &c->actor, argv[1], argv[2], &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "利用者「%s」の「%s」を取り消しました\n", argv[1], argv[2]);
    return EXIT_OK;
}

static int cmd_users_disable(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;
    int enable = strcmp(c->cmd->name, "users enable") == 0;

    berr_clear(&e);
    if (argc != 2)
        return cli_usage(c);
    if ((enable ? users_enable : users_disable)(c->st, &c->actor, argv[1], &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "利用者「%s」を%sしました\n", argv[1], enable ? "有効に" : "無効に");
    return EXIT_OK;
}

static int cmd_users_address(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;

    berr_clear(&e);
    if (argc != 2 && argc != 3)
        return cli_usage(c);
    if (users_set_address(c->st, &c->actor, argv[1], argc == 3 ? argv[2] : NULL, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, argc == 3 ? "利用者「%s」の住所を登録しました\n" : "利用者「%s」の住所を削除しました\n",
            argv[1]);
    return EXIT_OK;
}

#define USERS_NEEDS (NEED_STORE | NEED_ACCOUNT)

const struct cmd_entry cmd_users_address_entry = {
    .name = "users address",
    .usage = "利用者名 [住所]",
    .summary = "利用者本人の住所を登録 (点検用) / set an account's own address",
    .help = "アクセス記録点検 (boshi audit review) の規則「同じ住所の住民の閲覧」に使う、\n"
            "利用者本人の住所を登録します。住所を省くと削除します。住所そのものはアクセス記録に\n"
            "残しません。住所のない利用者には、この規則を適用しません (点検結果にその旨を書きます)。\n"
            "Sets (or, without ADDRESS, clears) the account's own address, used by the review\n"
            "rule \"viewed a resident at the operator's own address\".\n",
    .needs = USERS_NEEDS,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_users_address,
};

const struct cmd_entry cmd_users_add_entry = {
    .name = "users add",
    .usage = "[--name 氏名] [--os-user OSユーザー] [--address 住所] [--role ロール]... [--until 日付] 利用者名",
    .summary = "利用者を登録 / add an account",
    .help = "ロール / roles: 事務 (jimu), 保健師 (hokenshi), 管理者 (kanri), システム管理者 (admin)\n"
            "権限名 (例 mynumber.reveal) を個別に付与することもできます。\n"
            "--until  付与の期限 (既定: 次の3月31日) / grant expiry (default: next 31 March)\n"
            "--name   氏名は「姓　名」と空白で区切って (アクセス記録点検の同姓の規則に使います)\n"
            "--address 本人の住所 (点検用、boshi users address でも) / own address, for the review\n",
    .needs = USERS_NEEDS,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_users_add,
};

const struct cmd_entry cmd_users_list_entry = {
    .name = "users list",
    .usage = "",
    .summary = "利用者と付与の一覧 / list accounts and grants",
    .needs = USERS_NEEDS,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_users_list,
};

const struct cmd_entry cmd_users_grant_entry = {
    .name = "users grant",
    .usage = "[--until 日付] 利用者名 ロール|権限",
    .summary = "ロールまたは権限を付与 / grant a role or permission",
    .help = "--until  期限 (既定: 次の3月31日、年度末の人事異動に合わせる)\n",
    .needs = USERS_NEEDS,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_users_grant,
};

const struct cmd_entry cmd_users_revoke_entry = {
    .name = "users revoke",
    .usage = "利用者名 ロール|権限",
    .summary = "付与を取り消す / revoke a grant",
    .needs = USERS_NEEDS,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_users_revoke,
};

const struct cmd_entry cmd_users_disable_entry = {
    .name = "users disable",
    .usage = "利用者名",
    .summary = "利用者を無効化 / disable an account",
    .needs = USERS_NEEDS,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_users_disable,
};

const struct cmd_entry cmd_users_enable_entry = {
    .name = "users enable",
    .usage = "利用者名",
    .summary = "無効化した利用者を戻す / re-enable an account",
    .needs = USERS_NEEDS,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_users_disable,
};
