/*
 * cmd-residents.c: `boshi residents import|show|find` - the resident
 * master (住民記録).  `find --mynumber` reads the number from standard
 * input, never from the command line, where it would land in shell history
 * and in the process list.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <unistd.h>

static int cmd_residents_import(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "full", no_argument, NULL, 'f' },
        { "encoding", required_argument, NULL, 'e' },
        { NULL, 0, NULL, 0 },
    };
    unsigned flags = 0;
    struct import_report rep;
    struct berr e;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': flags |= IMPORT_FULL; break;
        case 'e':
            if (strcasecmp(optarg, "utf-8") == 0 || strcasecmp(optarg, "utf8") == 0)
                flags |= IMPORT_UTF8;
            else if (strcasecmp(optarg, "cp932") == 0 || strcasecmp(optarg, "sjis") == 0 ||
                     strcasecmp(optarg, "shift_jis") == 0)
                flags |= IMPORT_CP932;
            else {
                cli_errorf(c, "--encoding は utf-8 か cp932 です「%s」", optarg);
                return cli_usage(c);
            }
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1)
        return cli_usage(c);
    if (residents_import(c->st, &c->actor, argv[optind], flags, &rep, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s: %s取込を完了しました (%s)\n", argv[optind],
            (flags & IMPORT_FULL) ? "全件" : "異動", rep.encoding);
    fprintf(c->out, "  行数 %ld / 追加 %ld / 更新 %ld / 変更なし %ld", rep.rows, rep.inserted,
            rep.updated, rep.unchanged);
    if (flags & IMPORT_FULL)
        fprintf(c->out, " / ファイルにない既存住民 %ld", rep.absent);
    if (rep.purged)
        fprintf(c->out, " / 消去済みのため取り込まない転出・死亡者 %ld", rep.purged);
    fprintf(c->out, "  (%.2f 秒: 検査 %.2f / 書込 %.2f / 索引 %.2f / 確定 %.2f)\n", rep.seconds,
            rep.t_read, rep.t_write, rep.t_index, rep.t_commit);
    return EXIT_OK;
}

static void label(FILE *out, const char *l)
{
    fputs("  ", out);
    cli_col(out, l, 8);
}

static void print_date(FILE *out, const char *l, struct ymd d)
{
    char w[48], iso[11];

    label(out, l);
    if (d.y == 0) {
        fputs("-\n", out);
        return;
    }
    jpdate_format(d, w, sizeof(w));
    ymd_iso(d, iso);
    fprintf(out, "%s (%s)\n", w, iso);
}

static void print_resident(FILE *out, const struct resident *r, const char *mynumber_plain,
                           int released)
{
    fprintf(out, "宛名番号 %s  (世帯番号 %s)\n", r->atena, r->setai);
    if (r->shien)
        fprintf(out, "  【支援措置】 住民票の閲覧制限の対象です。住所は一覧・CSV に出しません。"
                     "通知の郵送は%s\n", released ? "管理者の許可があります (期限内)"
                                                 : "管理者の許可が必要です (boshi residents release)");
    label(out, "氏名");
    fprintf(out, "%s\n", r->name);
    label(out, "カナ");
    fprintf(out, "%s\n", r->kana);
    label(out, "性別");
    fprintf(out, "%s\n", r->sex == 1 ? "男" : "女");
    print_date(out, "生年月日", r->birth);
    label(out, "続柄");
    fprintf(out, "%s\n", r->zokugara[0] ? r->zokugara : "-");
    label(out, "住民状態");
    fprintf(out, "%s\n", resident_status_label(r->status));
    label(out, "住所");
    fprintf(out, "〒%.3s-%.4s %s %s\n", r->postal, r->postal[0] ? r->postal + 3 : "",
            r->address, r->katagaki);
    label(out, "異動");
    fprintf(out, "%s %s\n", r->idou_code, resident_idou_label(r->idou_code));
    print_date(out, "異動日", r->idou_date);
    print_date(out, "届出日", r->todoke_date);
    label(out, "個人番号");
    fprintf(out, "%s\n",
            mynumber_plain ? mynumber_plain : (r->has_mynumber ? r->mynumber_masked : "(未登録)"));
}

static int cmd_residents_show(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "reveal-mynumber", no_argument, NULL, 'r' },
        { "reason", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 },
    };
    int reveal = 0, opt, rc = EXIT_OK;
    const char *reason = NULL;
    struct resident r;
    char mn[13] = "";
    struct berr e;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'r': reveal = 1; break;
        case 'R': reason = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1)
        return cli_usage(c);
    if (reveal && reason == NULL) {
        cli_errorf(c, "--reveal-mynumber には --reason 処理事由 が必要です");
        return cli_usage(c);
    }
    if (residents_get(c->st, &c->actor, argv[optind], "residents.show", &r, &e) < 0)
        return cli_fail(c, &e);
    if (reveal && residents_reveal_mynumber(c->st, &c->actor, argv[optind], reason, mn, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    int released = 0;
    if (r.shien && shien_released(c->st, r.atena, &released, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    print_resident(c->out, &r, reveal ? mn : NULL, released);
cleanup:
    sodium_memzero(mn, sizeof(mn));
    resident_release(&r);
    return rc;
}

/* Reads one line of 12 digits from stdin (a terminal: without echo). */
static int read_mynumber(struct cli_ctx *c, char out[13])
{
    char line[64];
    size_t n;

    if (isatty(0))
        fprintf(c->err, "個人番号 (12桁) を入力してください: ");
    if (fgets(line, sizeof(line), stdin) == NULL) {
        cli_errorf(c, "個人番号を標準入力から読めませんでした");
        return -1;
    }
    n = strcspn(line, "\r\n");
    line[n] = '\0';
    if (n != 12 || !mynumber_valid(line)) {
        sodium_memzero(line, sizeof(line));
        cli_errorf(c, "個人番号が正しくありません (12桁・チェックデジット)");
        return -1;
    }
    memcpy(out, line, 13);
    sodium_memzero(line, sizeof(line));
    return 0;
}

static int cmd_residents_find(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "kana", required_argument, NULL, 'k' },
        { "name", required_argument, NULL, 'n' },
        { "birth", required_argument, NULL, 'b' },
        { "address", required_argument, NULL, 'a' },
        { "mynumber", no_argument, NULL, 'm' },
        { "limit", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    struct find_query q;
    struct candidate *cands = NULL;
    size_t n = 0;
    char mn[13] = "";
    struct berr e;
    int opt, want_mn = 0, rc = EXIT_OK;

    berr_clear(&e);
    memset(&q, 0, sizeof(q));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'k': q.kana = optarg; break;
        case 'n': q.name = optarg; break;
        case 'a': q.address = optarg; break;
        case 'm': want_mn = 1; break;
        case 'l': q.limit = atoi(optarg); break;
        case 'b':
            if (cli_parse_date(c, "--birth", optarg, &q.birth) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    if (!q.kana && !q.name && !q.address && !want_mn && q.birth.y == 0) {
        cli_errorf(c, "検索条件を一つ以上指定してください");
        return cli_usage(c);
    }
    if (want_mn) {
        if (read_mynumber(c, mn) < 0)
            return EXIT_FAIL;
        q.mynumber = mn;
    }
    if (residents_find(c->st, &c->actor, &q, &cands, &n, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    if (n == 0) {
        fprintf(c->out, "該当する住民はいません\n");
        goto cleanup;
    }
    static const int w[] = { 4, 4, 10, 18, 22, 18 };
    static const char *const head[] = { "順位", "点数", "宛名番号", "氏名", "カナ", "生年月日" };
    for (int k = 0; k < 6; k++)
        cli_col(c->out, head[k], w[k]);
    fputs("一致した理由\n", c->out);
    for (size_t i = 0; i < n; i++) {
        char wa[48], num[2][24];
        jpdate_format(cands[i].r.birth, wa, sizeof(wa));
        snprintf(num[0], sizeof(num[0]), "%zu", i + 1);
        snprintf(num[1], sizeof(num[1]), "%d", cands[i].score);
        const char *cols[] = { num[0], num[1], cands[i].r.atena, cands[i].r.name, cands[i].r.kana, wa };
        for (int k = 0; k < 6; k++)
            cli_col(c->out, cols[k], w[k]);
        fprintf(c->out, "%s%s\n", cands[i].r.shien ? "【支援措置】 " : "", cands[i].reasons);
    }
cleanup:
    sodium_memzero(mn, sizeof(mn));
    candidates_free(cands, n);
    return rc;
}

/* `boshi residents release ATENA --reason R [--until DATE]`: a 管理者 lets letters go (支援措置). */
static int cmd_residents_release(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "reason", required_argument, NULL, 'R' },
        { "until", required_argument, NULL, 'u' },
        { NULL, 0, NULL, 0 },
    };
    const char *reason = NULL;
    struct ymd until = { 0, 0, 0 }, end;
    char w[48];
    struct berr e;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'R': reason = optarg; break;
        case 'u':
            if (cli_parse_date(c, "--until", optarg, &until) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1)
        return cli_usage(c);
    if (reason == NULL || *reason == '\0') {
        cli_errorf(c, "送付を許可する理由を --reason で入力してください");
        return cli_usage(c);
    }
    if (shien_release(c->st, &c->actor, argv[optind], reason, &until, &end, &e) < 0)
        return cli_fail(c, &e);
    jpdate_format(end, w, sizeof(w));
    fprintf(c->out, "宛名番号 %s: 支援措置の対象者への通知の郵送を許可しました (%s まで)。"
                    "アクセス記録に残しました\n", argv[optind], w);
    return EXIT_OK;
}

const struct cmd_entry cmd_residents_release_entry = {
    .name = "residents release",
    .usage = "宛名番号 --reason 理由 [--until 日付]",
    .summary = "支援措置の対象者への通知の郵送を許可 / release letters for a 支援措置 person",
    .help = "支援措置 (住民票の閲覧制限) の対象者には、健診案内・受診勧奨・精密検査依頼書など住所あての\n"
            "通知を印刷しません (一覧に「支援措置: 管理者の確認が必要」と別記)。管理者が送付先を確認した\n"
            "うえでこのコマンドで許可すると、期限 (--until、既定は今日から30日) まで通知を印刷します。\n"
            "権限 shien.release (管理者) と理由が必要で、アクセス記録に残ります。\n"
            "Lets letters go to a flagged person's address until --until (default: 30 days);\n"
            "needs shien.release and a reason; audited.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_SHIEN_RELEASE,
    .run = cmd_residents_release,
};

const struct cmd_entry cmd_residents_import_entry = {
    .name = "residents import",
    .usage = "[--full] [--encoding utf-8|cp932] FILE.csv",
    .summary = "住民記録連携ファイルを取込 / import the resident master",
    .help = "--full       全件 (初回) 取込。省略時は日次の異動ファイルとして宛名番号で更新し、\n"
            "             更新前の状態を履歴に残します / full load; default: daily diff (upsert)\n"
            "--encoding   文字コード (省略時は自動判別: UTF-8 (BOM 可) / CP932)\n"
            "誤りが1行でもあればファイル全体を取り込まず、行・列・理由を一覧します。\n"
            "A file with any bad row is rejected whole; the store is left unchanged.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_RESIDENTS_IMPORT,
    .run = cmd_residents_import,
};

const struct cmd_entry cmd_residents_show_entry = {
    .name = "residents show",
    .usage = "[--reveal-mynumber --reason 処理事由] 宛名番号",
    .summary = "住民記録を表示 / show one resident",
    .help = "個人番号は通常マスク表示 (********1234)。--reveal-mynumber は個人番号表示の権限と\n"
            "処理事由が必要で、アクセス記録に残ります。\n"
            "The 個人番号 is masked unless --reveal-mynumber (needs permission and a reason; audited).\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_RESIDENTS_READ,
    .run = cmd_residents_show,
};

const struct cmd_entry cmd_residents_find_entry = {
    .name = "residents find",
    .usage = "[--kana カナ] [--name 氏名] [--birth 日付] [--address 住所] [--mynumber] [--limit N]",
    .summary = "住民を検索 (候補を点数順に) / find ranked candidates",
    .help = "--mynumber   個人番号を標準入力から1行で読みます (コマンドラインには書かない)\n"
            "             reads the number from standard input, never from the command line\n"
            "表記の揺れ (全角/半角、ひらがな/カタカナ、小書き文字、長音、空白、髙/高・﨑/崎・齋/斎 など)\n"
            "は同一視し、ヴ/ブ は区別します。\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_RESIDENTS_READ,
    .run = cmd_residents_find,
};
