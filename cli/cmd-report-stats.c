/*
 * cmd-report-stats.c: `boshi report stats` - the 母子保健 statistics for a
 * month or a fiscal year as one PDF and a CSV per table - and `boshi demo
 * activity`, which writes a synthetic year of records to count.
 * The counting is records/stats.c, the layout reports/stats.c, the
 * synthetic year demo/activity.c; this file only reads options and talks.
 */
#include "cli/cli.h"
#include "demo/activity.h"
#include "records/stats.h"
#include "reports/stats.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>


static int parse_year(const char *s, int *y)
{
    char extra;

    if (sscanf(s, "%4d%c", y, &extra) != 1 || *y < 2000 || *y > 2100 || strlen(s) != 4)
        return -1;
    return 0;
}

/* ---- report stats ---------------------------------------------------------- */

static int run_report_stats(struct cli_ctx *c, const struct stats_period *p, const char *out,
                            enum csvout_encoding enc)
{
    struct stats_tables t;
    struct stats_print pr;
    char *site = NULL, *base = NULL, *csv[STATS_TABLE_COUNT] = { NULL };
    char period[160];
    int rc = EXIT_OK;
    struct berr e;
    size_t len = strlen(out);

    berr_clear(&e);
    base = xstrndup(out, len > 4 && strcasecmp(out + len - 4, ".pdf") == 0 ? len - 4 : len);
    if (settings_get(c->st, "site.name", &site, &e) < 0)
        site = xstrdup("");
    berr_clear(&e);
    if (stats_count(c->st, &c->actor, p, &t, &e) < 0)
        goto fail;
    if (stats_write_csv(&t, base, enc, csv, &e) < 0)
        goto fail_unlink;
    pr.site_name = site;
    pr.made_on = store_today(c->st);
    if (stats_write_pdf(&t, &pr, out, &e) < 0)
        goto fail_unlink;
    stats_period_label(&t.period, period, sizeof(period));
    fprintf(c->out, "母子保健統計 %s\n", period);
    if (t.pending_pages > 0)
        fprintf(c->out, "  確認待ち %ld ページ未集計 (boshi review で確認が終わると計上されます)\n",
                t.pending_pages);
    fprintf(c->out, "  妊娠届出者数 %ld 人 / 妊婦一般健康診査 受診実人員 %ld 人・延人員 %ld 人\n",
            t.todoke_total, t.ninpu_jitsu, t.ninpu_nobe);
    for (int i = 0; i < STATS_CHECKUP_COUNT; i++) {
        const struct forms_registry *reg = cli_forms(c);
        const char *id = stats_checkup_form((enum stats_checkup)i);
        const struct forms_form *f = reg ? forms_registry_get(reg, id, 0) : NULL;
        fprintf(c->out, "  ");
        cli_col(c->out, f ? f->title : id, 28);
        fprintf(c->out, "対象人員 %ld / 受診実人員 %ld\n", t.checkup[i].taisho, t.checkup[i].jushin);
    }
    if (t.checkup_10m.taisho != STATS_NA) {
        fprintf(c->out, "  ");
        cli_col(c->out, "乳児健康診査（9〜10か月児）", 28);
        fprintf(c->out, "対象人員 %ld / 受診実人員 %ld\n", t.checkup_10m.taisho, t.checkup_10m.jushin);
    }
    /* the issue-14 cells in one line each; STATS_NA never appears as a number */
    if (t.houmon_nobe[STATS_HOUMON_SANPU] != STATS_NA)
        fprintf(c->out, "  訪問指導 延人員: 産婦 %ld / 新生児 %ld / 未熟児 %ld / 乳児 %ld / 幼児 %ld"
            " (妊婦は未集計)\n", t.houmon_nobe[STATS_HOUMON_SANPU],
            t.houmon_nobe[STATS_HOUMON_SHINSEIJI], t.houmon_nobe[STATS_HOUMON_MIJUKUJI],
            t.houmon_nobe[STATS_HOUMON_NYUJI], t.houmon_nobe[STATS_HOUMON_YOJI]);
    if (t.dental[STATS_DENTAL_1Y6M].jushin != STATS_NA)
        fprintf(c->out, "  歯科 受診実人員: 1歳6か月 %ld (むし歯 %ld) / 3歳 %ld (むし歯 %ld)\n",
                t.dental[STATS_DENTAL_1Y6M].jushin, t.dental[STATS_DENTAL_1Y6M].caries_persons,
                t.dental[STATS_DENTAL_3Y].jushin, t.dental[STATS_DENTAL_3Y].caries_persons);
    if (t.sanpu_jitsu != STATS_NA)
        fprintf(c->out, "  産婦一般健康診査 受診実人員 %ld 人・延人員 %ld 人 / 新生児聴覚検査 受検者 %ld 人"
                "・リファー %ld 人\n", t.sanpu_jitsu, t.sanpu_nobe, t.choukaku_jukensha,
                t.choukaku_refer);
    fprintf(c->out, "  記録のない欄は「未集計 (データなし)」と書きました (一覧: %s-mishukei.csv)\n",
            base);
    fprintf(c->out, "  PDF: %s\n", out);
    for (int i = 0; i < STATS_TABLE_COUNT; i++)
        fprintf(c->out, "  CSV: %s\n", csv[i]);
    goto cleanup;
fail_unlink:
    for (int i = 0; i < STATS_TABLE_COUNT; i++) {
        if (csv[i])
            unlink(csv[i]);
    }
fail:
    rc = cli_fail(c, &e);
cleanup:
    for (int i = 0; i < STATS_TABLE_COUNT; i++)
        free(csv[i]);
    free(site);
    free(base);
    return rc;
}

static int cmd_report_stats(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "month", required_argument, NULL, 'm' },
        { "fiscal-year", required_argument, NULL, 'f' },
        { "encoding", required_argument, NULL, 'e' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    struct stats_period p;
    enum csvout_encoding enc = CSVOUT_UTF8_BOM;
    const char *out = NULL;
    int opt, y = 0, m = 0, fy = 0, have = 0;
    struct berr e;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            if (cli_parse_month(c, optarg, &y, &m) < 0)
                return EXIT_USAGE;
            have++;
            break;
        case 'f':
            if (parse_year(optarg, &fy) < 0) {
                cli_errorf(c, "--fiscal-year は西暦4桁です (例: 2024 は 2024年4月〜2025年3月)「%s」",
                           optarg);
                return cli_usage(c);
            }
            have++;
            break;
        case 'e':
            if (cli_parse_encoding(c, optarg, &enc) < 0)
                return EXIT_USAGE;
            break;
        case 'o': out = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || have != 1 || out == NULL) {
        if (have != 1)
            cli_errorf(c, "--month か --fiscal-year のどちらか一つを指定してください");
        else if (out == NULL)
            cli_errorf(c, "出力する PDF を -o で指定してください");
        return cli_usage(c);
    }
    berr_clear(&e);
    if ((fy ? stats_period_fiscal(fy, &p, &e) : stats_period_month(y, m, &p, &e)) < 0)
        return cli_fail(c, &e);
    return run_report_stats(c, &p, out, enc);
}

const struct cmd_entry cmd_report_stats_entry = {
    .name = "report stats",
    .usage = "(--month YYYY-MM | --fiscal-year YYYY) [--encoding utf-8|cp932] -o FILE.pdf",
    .summary = "母子保健統計 (地域保健・健康増進事業報告) / maternal and child health statistics",
    .help = "--month YYYY-MM     その月 (1日〜末日) の統計\n"
            "--fiscal-year YYYY  その年度 (YYYY年4月1日〜翌年3月31日) の統計\n"
            "-o FILE.pdf         表の PDF (A4横、9ページ: 月別受診率のグラフ、別紙2 の問診回答状況付き)。\n"
            "                    表ごとの CSV を\n"
            "                    FILE-todoke.csv, FILE-ninpu.csv, FILE-kenshin.csv, FILE-monshin.csv,\n"
            "                    FILE-houmon.csv, FILE-nenrei.csv, FILE-shika.csv, FILE-sanpu.csv,\n"
            "                    FILE-choukaku.csv, FILE-teitaiju.csv, FILE-getsubetsu.csv,\n"
            "                    FILE-mishukei.csv, FILE-besshi2.csv に書きます\n"
            "記録のない欄は 0 ではなく「未集計 (データなし)」と書きます。\n"
            "--encoding cp932    CSV を Excel 用の CP932 で (既定 UTF-8 BOM付き)\n"
            "件数のみで、氏名・宛名番号など個人を特定する情報は含みません。各欄の定義は\n"
            "reports/README.md にあります。管理者 (reports 権限) が実行できます。\n"
            "One PDF of the official tables and a CSV per table; counts only.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_REPORTS,
    .run = cmd_report_stats,
};

/* ---- demo activity ----------------------------------------------------------- */

static int cmd_demo_activity(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "fiscal-year", required_argument, NULL, 'f' },
        { "seed", required_argument, NULL, 's' },
        { "pregnancies", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 },
    };
    struct activity_params p = { .seed = 1 };
    struct activity_truth *t = NULL;
    int opt, rc = EXIT_OK;
    char *end;
    struct berr e;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'f':
            if (parse_year(optarg, &p.fiscal_year) < 0) {
                cli_errorf(c, "--fiscal-year は西暦4桁です「%s」", optarg);
                return cli_usage(c);
            }
            break;
        case 's':
            p.seed = strtoull(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0')
                return cli_usage(c);
            break;
        case 'p':
            p.pregnancies = strtol(optarg, &end, 10);
            if (*optarg == '\0' || *end != '\0' || p.pregnancies < 0)
                return cli_usage(c);
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || p.fiscal_year == 0) {
        if (p.fiscal_year == 0)
            cli_errorf(c, "--fiscal-year を指定してください");
        return cli_usage(c);
    }
    berr_clear(&e);
    t = xcalloc(1, sizeof(*t));
    if (activity_generate(c->st, &c->actor, &p, t, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    fprintf(c->out, "%d年度の記録を作成しました (seed %llu)\n", p.fiscal_year,
            (unsigned long long)p.seed);
    fprintf(c->out, "  発行履歴 %ld 件 / 妊娠届 %ld 件 / 使用済み受診券 %ld 枚 / 乳幼児健診 %ld 件\n",
            t->issued, t->pregnancies, t->vouchers_used, t->checkups);
    if (t->mothers_short > 0)
        fprintf(c->out, "  (妊婦にできる住民が足りず、妊娠届 %ld 件は作成していません)\n",
                t->mothers_short);
    fprintf(c->out, "  その年度の正しい件数: 妊娠届出者数 %ld (", t->year.todoke_total);
    for (int i = 0; i < STATS_WEEKS_COUNT; i++)
        fprintf(c->out, "%s%ld", i ? " / " : "", t->year.todoke[i]);
    fprintf(c->out, ") / 妊婦健診 実 %ld・延 %ld\n", t->year.ninpu_jitsu, t->year.ninpu_nobe);
    for (int i = 0; i < STATS_CHECKUP_COUNT; i++)
        fprintf(c->out, "  %-12s 対象人員 %ld / 受診実人員 %ld / 要精密 %ld\n",
                stats_checkup_form((enum stats_checkup)i), t->year.checkup[i].taisho,
                t->year.checkup[i].jushin, t->year.checkup[i].result[STATS_RESULT_YOSEIMITSU]);
    fprintf(c->out, "  nyuyoji_10m  対象人員 %ld / 受診実人員 %ld\n",
            t->year.band[STATS_BAND_9_12M].taisho, t->year.band[STATS_BAND_9_12M].jitsu);
    fprintf(c->out, "  新生児訪問 %ld 件 (新生児 延 %ld / 未熟児 延 %ld / 乳児 延 %ld / 産婦 延 %ld)\n",
            t->visits, t->year.houmon_nobe[STATS_HOUMON_SHINSEIJI],
            t->year.houmon_nobe[STATS_HOUMON_MIJUKUJI], t->year.houmon_nobe[STATS_HOUMON_NYUJI],
            t->year.houmon_nobe[STATS_HOUMON_SANPU]);
    fprintf(c->out, "  歯科 むし歯のある者 1歳6か月 %ld / 3歳 %ld・産婦健診 実 %ld・延 %ld・"
            "聴覚検査 受検 %ld・リファー %ld・確認 %ld\n",
            t->year.dental[STATS_DENTAL_1Y6M].caries_persons,
            t->year.dental[STATS_DENTAL_3Y].caries_persons, t->year.sanpu_jitsu,
            t->year.sanpu_nobe, t->year.choukaku_jukensha, t->year.choukaku_refer,
            t->year.choukaku_kakunin);
cleanup:
    free(t);
    return rc;
}

const struct cmd_entry cmd_demo_activity_entry = {
    .name = "demo activity",
    .usage = "--fiscal-year YYYY [--seed S] [--pregnancies N]",
    .summary = "合成の町に1年分の記録を作成 / a synthetic year of records for the statistics",
    .help = "取り込み済みの合成の町 (boshi demo town) に、その年度の妊娠届・受診券・乳幼児健診の\n"
            "記録を作ります (新生児訪問・歯科・9〜10か月児健診・産婦健診・聴覚検査も。同じ町と seed なら同じ記録)。表示される件数は作成した記録から数えた\n"
            "正しい値で、boshi report stats の結果と照合できます。\n"
            "--pregnancies N  妊娠届の数 (既定: 3〜4か月児健診の対象人員と同じ)\n"
            "boshi init --demo で作った試験用のストアにだけ書き込めます (実運用のストアには書きません)。\n"
            "Writes only into a demo store (boshi init --demo).\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_demo_activity,
};
