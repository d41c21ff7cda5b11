/*
 * cmd-init.c: `boshi init` - create the store, its site key file and an
 * account for the invoking OS user holding every role.
 */
#include "cli/cli.h"

#include <pwd.h>
#include <unistd.h>

static int cmd_init(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;
    struct passwd *pw = getpwuid(geteuid());

    (void)argv;
    berr_clear(&e);
    if (argc != 1)
        return cli_usage(c);
    if (pw == NULL)
        return cli_errorf(c, "OSユーザーを特定できません / cannot tell the OS user");
    if (store_create(c->db_path, pw->pw_name, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "記録ストアを作成しました: %s\n", c->db_path);
    fprintf(c->out, "サイト鍵ファイル: %s.key (権限 0600。バックアップは記録ストアと別の場所に保管してください)\n",
            c->db_path);
    fprintf(c->out, "利用者「%s」に全ロール (事務・保健師・管理者・システム管理者) を年度末まで付与しました\n",
            pw->pw_name);
    return EXIT_OK;
}

const struct cmd_entry cmd_init_entry = {
    .name = "init",
    .usage = "",
    .summary = "記録ストアとサイト鍵を作成 / create the store and its site key",
    .help = "記録ストア (--db) とサイト鍵ファイル (<db>.key, 0600) を作り、実行した OS ユーザーを\n"
            "全ロールの利用者として登録します。既にある場合は何もしません。\n"
            "Creates the store and its key file, and an account for the invoking OS user\n"
            "holding every role until the end of the fiscal year.\n",
    .needs = 0,
    .perm = -1,
    .run = cmd_init,
};
