/*
 * cmd-audit-review.c: `boshi audit review --month YYYY-MM -o FILE.pdf` - the
 * monthly access-log review (点検) as a PDF and its CSV twin FILE.csv - and
 * `boshi audit review mark ID --comment C`, which marks a finding 確認済.
 * The rules are records/auditreview.c, the layout reports/auditreview.c;
 * this file only reads options and talks.
 */
#include "cli/cli.h"
#include "reports/auditreview.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

static int cmd_audit_review(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "month", required_argument, NULL, 'm' },
        { "encoding", required_argument, NULL, 'e' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    struct audit_review r;
    struct audit_review_print pr;
    enum csvout_encoding enc = CSVOUT_UTF8_BOM;
    const char *out = NULL;
    char *site = NULL, *csv = NULL, label[48];
    int opt, y = 0, m = 0, rc = EXIT_OK;
    size_t len;
    struct berr e;

    memset(&r, 0, sizeof(r));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            if (cli_parse_month(c, optarg, &y, &m) < 0)
                return EXIT_USAGE;
            break;
        case 'e':
            if (cli_parse_encoding(c, optarg, &enc) < 0)
                return EXIT_USAGE;
            break;
        case 'o': out = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || y == 0 || out == NULL) {
        if (y == 0)
            cli_errorf(c, "点検する月を --month YYYY-MM で指定してください");
        else if (out == NULL)
            cli_errorf(c, "出力する PDF を -o で指定してください");
        return cli_usage(c);
    }
    berr_clear(&e);
    len = strlen(out);
    csv = xasprintf("%.*s.csv", (int)(len > 4 && strcasecmp(out + len - 4, ".pdf") == 0 ? len - 4 : len),
                    out);
    if (settings_get(c->st, "site.name", &site, &e) < 0)
        site = xstrdup("");
    berr_clear(&e);
    if (audit_review_run(c->st, &c->actor, y, m, &r, &e) < 0)
        goto fail;
    pr.site_name = site;
    pr.made_on = store_today(c->st);
    if (audit_review_write_csv(&r, csv, enc, &e) < 0)
        goto fail;
    if (audit_review_write_pdf(&r, &pr, out, &e) < 0) {
        unlink(csv);
        goto fail;
    }
    cli_month_label(y, m, label, sizeof(label));
    fprintf(c->out, "アクセス記録点検 %s: 記録 %ld 件 (個人の閲覧 %ld 件)、所見 %zu 件 (確認済 %ld 件)\n",
            label, r.entries, r.views, r.nf, r.checked);
    for (int i = 0; i < AR_RULE_COUNT; i++) {
        fprintf(c->out, "  ");
        cli_col(c->out, audit_rule_label(i), 22);
        if (i == AR_FLAGGED && !r.flag_connected)
            fprintf(c->out, "未接続 (支援措置の記録ができてから確認します)\n");
        else
            fprintf(c->out, "%ld 件\n", r.n[i]);
    }
    if (r.no_address > 0)
        fprintf(c->out, "  住所の登録がない利用者 %d 人 (%s) は「%s」を確認していません\n", r.no_address,
                r.no_address_list, audit_rule_label(AR_ADDRESS));
    if (r.no_surname > 0)
        fprintf(c->out, "  氏名に姓と名の区切りがない利用者 %d 人 (%s) は「%s」を確認していません\n",
                r.no_surname, r.no_surname_list, audit_rule_label(AR_SURNAME));
    fprintf(c->out, "  PDF: %s\n  CSV: %s\n", out, csv);
    if ((long)r.nf > r.checked)
        fprintf(c->out, "確認したら: boshi audit review mark 番号 --comment \"確認の内容\"\n");
    goto cleanup;
fail:
    rc = cli_fail(c, &e);
cleanup:
    audit_review_release(&r);
    free(site);
    free(csv);
    return rc;
}

static int cmd_audit_review_mark(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "comment", required_argument, NULL, 'c' },
        { NULL, 0, NULL, 0 },
    };
    const char *comment = NULL;
    char *end, month[8] = "";
    long long id;
    int opt;
    struct berr e;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': comment = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1 || comment == NULL) {
        if (comment == NULL)
            cli_errorf(c, "確認の内容を --comment で書いてください");
        return cli_usage(c);
    }
    id = strtoll(argv[optind], &end, 10);
    if (*argv[optind] == '\0' || *end != '\0' || id <= 0)
        return cli_errorf(c, "所見の番号「%s」が正しくありません", argv[optind]);
    berr_clear(&e);
    if (audit_review_mark(c->st, &c->actor, id, comment, month, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "所見 %lld (%s) を確認済にしました\n", id, month);
    return EXIT_OK;
}

const struct cmd_entry cmd_audit_review_entry = {
    .name = "audit review",
    .usage = "--month YYYY-MM [--encoding utf-8|cp932] -o FILE.pdf",
    .summary = "アクセス記録の月次点検 (PDF と CSV) / monthly access-log review",
    .help = "その月 (日本時間) のアクセス記録を規則で点検し、所見を PDF (FILE.pdf) と CSV\n"
            "(FILE.csv、同じ行) に書きます。所見は記録ストアに保存され、同じ月を点検し直しても\n"
            "確認済の印は残ります。規則 (詳しくは README.md「Access-log review」):\n"
            "  同姓の住民の閲覧       利用者の氏名 (「姓　名」) と同じ姓の住民を閲覧\n"
            "  同じ住所の住民の閲覧   利用者本人の住所 (boshi users address) と同じ住所の住民を閲覧\n"
            "  個人番号の表示         個人番号を表示した記録すべて\n"
            "  執務時間外の閲覧       設定 audit.office_hours (既定 08:30-17:15、平日) の外、閉庁日\n"
            "  閲覧件数の急増         今月 50 件以上かつ前6か月の月中央値の3倍を超える\n"
            "  担当のない住民の閲覧   発行・取込・確認・精密検査依頼のどれにも関わっていない人を閲覧\n"
            "  支援措置対象者の閲覧   (未接続)\n"
            "確認したら boshi audit review mark 番号 --comment 内容 で確認済にします。\n"
            "Checks the month (Japan time) of the access log by the rules above and writes the\n"
            "findings to FILE.pdf and FILE.csv (same rows).  Findings are stored: a re-run of\n"
            "the month keeps their 確認済 marks.  Needs audit.read; audited.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_AUDIT_READ,
    .run = cmd_audit_review,
};

const struct cmd_entry cmd_audit_review_mark_entry = {
    .name = "audit review mark",
    .usage = "番号 --comment 内容",
    .summary = "点検の所見を確認済にする / mark a review finding checked",
    .help = "boshi audit review が挙げた所見 (番号) を、確認の内容を添えて確認済にします。\n"
            "確認した人と日時が残り、アクセス記録にも記録されます。取り消しはできません。\n"
            "Marks a finding checked with a comment (required); who and when are kept and\n"
            "the marking is audited (audit.review.mark).  Needs audit.read.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_AUDIT_READ,
    .run = cmd_audit_review_mark,
};
