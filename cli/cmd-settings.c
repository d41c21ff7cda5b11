/*
 * cmd-settings.c: `boshi settings list|set` - the site's own facts used on
 * letters and the checkup rules (age in months per checkup).
 */
#include "cli/cli.h"

static int print_setting(const struct setting_info *info, const char *value, int is_default,
                         void *ctx)
{
    FILE *out = ctx;

    cli_col(out, info->key, 34);
    cli_col(out, value ? value : "(未設定)", 30);
    fprintf(out, "%s%s\n", info->label, is_default && value ? " [既定値]" : "");
    return 0;
}

static int cmd_settings_list(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;

    (void)argv;
    berr_clear(&e);
    if (argc != 1)
        return cli_usage(c);
    if (settings_each(c->st, print_setting, c->out, &e) < 0)
        return cli_fail(c, &e);
    return EXIT_OK;
}

static int cmd_settings_set(struct cli_ctx *c, int argc, char **argv)
{
    struct berr e;

    berr_clear(&e);
    if (argc != 3)
        return cli_usage(c);
    if (settings_set(c->st, &c->actor, argv[1], argv[2], &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s = %s\n", argv[1], argv[2]);
    return EXIT_OK;
}

const struct cmd_entry cmd_settings_list_entry = {
    .name = "settings list",
    .usage = "",
    .summary = "施設の設定と健診の規則を表示 / list site settings",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_settings_list,
};

const struct cmd_entry cmd_settings_set_entry = {
    .name = "settings set",
    .usage = "キー 値",
    .summary = "設定を変更 / change a setting",
    .help = "例 / e.g.: boshi settings set site.contact '母子保健係 電話 000-000-0000'\n"
            "        boshi settings set checkup.nyuyoji_3y.age_months 42   (3歳6か月児健診)\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_USERS_ADMIN,
    .run = cmd_settings_set,
};
