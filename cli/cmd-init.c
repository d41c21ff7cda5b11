/*
 * cmd-init.c: `boshi init` - create the store, its site key file and an
 * account for the invoking OS user holding every role.  --demo marks the
 * store as a demo store (the only kind `boshi demo` commands write into;
 * the mark is set here and nowhere else).  --shared makes it a multi-user
 * installation: key 0640 and store 0660 in the group BOSHI_GROUP.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <pwd.h>
#include <unistd.h>

static int cmd_init(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "demo", no_argument, NULL, 'd' },
        { "shared", no_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    struct berr e;
    struct passwd *pw = getpwuid(geteuid());
    unsigned flags = 0;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': flags |= STORE_CREATE_DEMO; break;
        case 's': flags |= STORE_CREATE_SHARED; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    if (pw == NULL)
        return cli_errorf(c, "OSユーザーを特定できません / cannot tell the OS user");
    if (store_create_with(c->db_path, pw->pw_name, flags, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s記録ストアを作成しました: %s\n",
            (flags & STORE_CREATE_DEMO) ? "試験用 (模擬データ用) の" : "", c->db_path);
    if (flags & STORE_CREATE_SHARED)
        fprintf(c->out, "サイト鍵ファイル: %s.key (グループ「%s」で権限 0640。記録ストアは 0660。"
                "バックアップは記録ストアと別の場所に保管してください)\n", c->db_path, BOSHI_GROUP);
    else
        fprintf(c->out, "サイト鍵ファイル: %s.key (権限 0600。バックアップは記録ストアと別の場所に保管してください)\n",
                c->db_path);
    fprintf(c->out, "利用者「%s」に全ロール (事務・保健師・管理者・システム管理者) を年度末まで付与しました\n",
            pw->pw_name);
    return EXIT_OK;
}

const struct cmd_entry cmd_init_entry = {
    .name = "init",
    .usage = "[--demo] [--shared]",
    .summary = "記録ストアとサイト鍵を作成 / create the store and its site key",
    .help = "記録ストア (--db) とサイト鍵ファイル (<db>.key, 0600) を作り、実行した OS ユーザーを\n"
            "全ロールの利用者として登録します。既にある場合は何もしません。\n"
            "Creates the store and its key file, and an account for the invoking OS user\n"
            "holding every role until the end of the fiscal year.\n"
            "  --demo     試験用のストア: boshi demo activity / demo scan --store が書き込めるのは\n"
            "             このストアだけです。後から付けることも外すこともできません\n"
            "             a demo store, the only kind demo commands write into (set only here)\n"
            "  --shared   複数の OS ユーザーで使う: グループ " BOSHI_GROUP " で鍵 0640、ストア 0660\n"
            "             (フォルダはグループ " BOSHI_GROUP "・権限 2770) / a multi-user installation\n",
    .needs = 0,
    .perm = -1,
    .run = cmd_init,
};
