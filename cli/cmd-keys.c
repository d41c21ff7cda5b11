/*
 * cmd-keys.c: `boshi keys rotate [--accept-old-until DATE]` - a new site key
 * (records/keys.c).  Forms printed before the rotation are taken in until
 * the date, by default one year from today: a 受診券 booklet handed out the
 * day before a rotation is used for about ten months, and every other
 * printed form comes back within weeks.
 */
#include "cli/cli.h"

#include <getopt.h>

static int cmd_keys_rotate(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "accept-old-until", required_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 },
    };
    struct ymd until = ymd_add_months(store_today(c->st), 12);
    struct keys_rotate_report rep;
    struct berr e;
    char d[64];
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'u':
            if (cli_parse_date(c, "--accept-old-until", optarg, &until) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    if (keys_rotate(c->st, &c->actor, until, &rep, &e) < 0)
        return cli_fail(c, &e);
    jpdate_format(rep.old_until, d, sizeof(d));
    fprintf(c->out, "サイト鍵を更新しました: 鍵ID %s → %s\n", rep.old_id, rep.new_id);
    fprintf(c->out, "  個人番号を再暗号化: 住民 %ld 件、異動履歴 %ld 件\n", rep.residents, rep.history);
    fprintf(c->out, "  更新前に印刷した用紙 (旧鍵のQR) の取込: %s まで (設定 keys.old_qr_until)\n", d);
    fprintf(c->out, "  旧鍵は %s.key.old に残ります (アクセス記録の検証用)。\n", c->db_path);
    fprintf(c->out, "  動いている boshi serve と boshi intake は起動し直し、バックアップを取り直してください。\n");
    return EXIT_OK;
}

const struct cmd_entry cmd_keys_rotate_entry = {
    .name = "keys rotate",
    .usage = "[--accept-old-until DATE]",
    .summary = "サイト鍵を更新し個人番号を再暗号化 / rotate the site key",
    .help = "  --accept-old-until DATE  更新前に印刷した用紙を取り込む最終日 (既定: 1年後)\n"
            "                           last day forms printed before are taken in\n"
            "                           (default: one year from today)\n"
            "A new site key: every 個人番号 re-encrypted and every keyed index recomputed\n"
            "in one transaction, audited.  The old key stays in <db>.key.old to verify the\n"
            "access log chained under it; only forms it signed are accepted at intake,\n"
            "until the date (setting keys.old_qr_until, which can be moved earlier).\n"
            "Restart serve and intake afterwards; take a new backup.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_KEYS_ROTATE,
    .run = cmd_keys_rotate,
};
