/*
 * cmd-report-vouchers.c: `boshi report vouchers --month YYYY-MM` - the
 * monthly payment list of 妊婦健康診査受診券 per clinic, as PDF and a CSV
 * twin with one row per voucher use (paid or not, and why).  The rules
 * are records/vouchers.c's; this command only collects and writes.
 */
#include "cli/cli.h"
#include "records/referrals.h"
#include "reports/referral.h"
#include "reports/reports.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The rows of a month, copied out of the store's callback (its strings are borrowed). */
struct collect {
    struct vouchers_line *l;
    size_t n, alloc;
    const struct forms_form *jushinken;
};

static int collect_row(const struct voucher_row *v, void *p)
{
    struct collect *c = p;
    struct buf tests;

    if (c->n == c->alloc) {
        c->alloc = c->alloc ? c->alloc * 2 : 256;
        c->l = xrealloc(c->l, c->alloc * sizeof(*c->l));
    }
    buf_init(&tests);
    if (v->sanpu)
        buf_adds(&tests, v->kai == 1 ? "産婦健康診査 (産後2週間)" : v->kai == 2 ? "産婦健康診査 (産後1か月)"
                                                                   : "産婦健康診査");
    else if (v->choukaku)
        buf_adds(&tests, strcmp(v->hearing_kind, "kakunin") == 0 ? "新生児聴覚検査 (確認検査)"
                                                                 : "新生児聴覚検査 (初回検査)");
    else
        reports_option_labels(c->jushinken, "vouchers.tests", v->tests, "・", &tests);
    struct vouchers_line *l = &c->l[c->n++];
    l->issue_id = xstrdup(v->issue_id);
    l->used_date = xstrdup(v->used_date);
    l->clinic_code = xstrdup(v->clinic_code);
    l->clinic_name = xstrdup(v->clinic_name);
    l->name = xstrdup(v->name);
    l->tests = buf_detach(&tests);
    l->kai = v->kai;
    l->claimed = v->claimed;
    l->fee = v->fee;
    l->pay = v->pay;
    l->exception = v->exception == VOUCHER_OK ? "" : voucher_exception_label(v->exception);
    l->detail = xstrdup(v->detail);
    buf_release(&tests);
    return 0;
}

static void collect_free(struct collect *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free((char *)c->l[i].issue_id);
        free((char *)c->l[i].used_date);
        free((char *)c->l[i].clinic_code);
        free((char *)c->l[i].clinic_name);
        free((char *)c->l[i].name);
        free((char *)c->l[i].tests);
        free((char *)c->l[i].detail);
    }
    free(c->l);
}

static void num(long v, char *out, size_t n)
{
    if (v < 0)
        snprintf(out, n, "%s", "");
    else
        snprintf(out, n, "%ld", v);
}

static int cmd_report_vouchers(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "month", required_argument, NULL, 'm' },
        { "encoding", required_argument, NULL, 'e' },
        { "output", required_argument, NULL, 'o' },
        { "reason", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const head[] = { "医療機関コード", "医療機関名", "受診券番号", "回数", "受診日 (YYYY-MM-DD)",
                                        "氏名", "検査項目", "請求額", "公費負担額",
                                        "支払額", "区分", "例外の理由", "詳細" };
    enum csvout_encoding enc = CSVOUT_UTF8_BOM;
    const char *out = NULL, *why = NULL;
    char month_label[48], *csv_path = NULL, *def_out = NULL;
    int opt, y = 0, m = 0, rc = EXIT_OK;
    struct collect col;
    struct pdf *pdf = NULL;
    struct csvout *csv = NULL;
    struct vouchers_totals tot;
    struct berr e;

    berr_clear(&e);
    memset(&col, 0, sizeof(col));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            if (cli_parse_month(c, optarg, &y, &m) < 0)
                return EXIT_USAGE;
            break;
        case 'o': out = optarg; break;
        case 'R': why = optarg; break;
        case 'e':
            if (cli_parse_encoding(c, optarg, &enc) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || y == 0)
        return cli_usage(c);
    if (out == NULL) {
        def_out = xasprintf("vouchers-%04d-%02d.pdf", y % 10000, m % 100);
        out = def_out;
    }
    col.jushinken = cli_form(c, "ninpu_jushinken");
    if (col.jushinken == NULL) {
        rc = EXIT_FAIL;
        goto cleanup;
    }
    {
        struct wareki w;
        jpdate_to_wareki((struct ymd){ y, m, 1 }, &w);
        snprintf(month_label, sizeof(month_label), "%s%d年%d月", jp_era_name(w.era), w.year, w.month);
    }
    if (vouchers_month(c->st, &c->actor, y, m, collect_row, &col, &e) < 0)
        goto fail;
    {
        size_t len = strlen(out);
        int strip = len > 4 && strcmp(out + len - 4, ".pdf") == 0;
        csv_path = xasprintf("%.*s.csv", (int)(len - (strip ? 4 : 0)), out);
    }
    /* the CSV names the mothers: export.personal and a reason, or the PDF alone */
    if (pdf_open(&pdf, &e) < 0 || vouchers_report_pdf(pdf, month_label, col.l, col.n, &tot, &e) < 0 ||
        (cli_personal_csv(c, why, csv_path) && csvout_open(&csv, csv_path, enc, &e) < 0))
        goto fail;
    csvout_row(csv, head, sizeof(head) / sizeof(head[0]));
    for (size_t i = 0; i < col.n; i++) {
        const struct vouchers_line *l = &col.l[i];
        char kai[16], a[24], b[24], d[24];
        snprintf(kai, sizeof(kai), "%d", l->kai);
        num(l->claimed, a, sizeof(a));
        num(l->fee, b, sizeof(b));
        num(l->pay, d, sizeof(d));
        int ok = l->exception[0] == '\0';
        const char *row[] = { l->clinic_code, l->clinic_name, l->issue_id, kai, l->used_date,
                              l->name, l->tests, a, b, ok ? d : "0", ok ? "支払" : "例外",
                              l->exception, l->detail };
        csvout_row(csv, row, sizeof(row) / sizeof(row[0]));
    }
    {
        char cnt[48], sum[24];
        snprintf(cnt, sizeof(cnt), "支払 %ld 件 / 例外 %ld 件", tot.paid, tot.exceptions);
        num(tot.paid_yen, sum, sizeof(sum));
        const char *row[] = { "合計", "", "", "", "", "", cnt, "", "", sum, "", "", "" };
        csvout_row(csv, row, sizeof(row) / sizeof(row[0]));
    }
    {
        const struct cli_csv_export xp = { "report.vouchers.csv", "受診券 支払一覧", why };
        long rows = (long)csvout_rows(csv) - 1;
        int wrote_csv = csv != NULL;
        if (store_begin(c->st, &e) < 0)
            goto fail;
        if (pdf_save(pdf, out, &e) < 0 ||
            (wrote_csv && (csvout_close(&csv, &e) < 0 ||
                           cli_csv_export_log(c, &xp, csv_path, rows, &e) < 0)) ||
            store_commit(c->st, &e) < 0) {
            store_rollback(c->st);
            unlink(out);
            if (wrote_csv)
                unlink(csv_path);
            goto fail;
        }
        if (!wrote_csv) {
            free(csv_path);
            csv_path = NULL;
        }
    }
    fprintf(c->out, "妊婦健康診査受診券 %04d-%02d: 支払 %ld 件 %ld 円 (%ld 医療機関) / 例外 %ld 件\n"
            "  PDF: %s\n  CSV: %s\n", y, m, tot.paid, tot.paid_yen, tot.clinics, tot.exceptions,
            out, csv_path ? csv_path : "書き出していません (権限 export.personal と --reason 理由 が必要)");
    goto cleanup;
fail:
    rc = cli_fail(c, &e);
cleanup:
    csvout_abandon(&csv);
    pdf_free(&pdf);
    collect_free(&col);
    free(csv_path);
    free(def_out);
    return rc;
}

const struct cmd_entry cmd_report_vouchers_entry = {
    .name = "report vouchers",
    .usage = "--month YYYY-MM [--encoding utf-8|cp932] [--reason 理由] [-o FILE.pdf]",
    .summary = "妊婦健診受診券の医療機関別支払一覧 / voucher payments per clinic",
    .help = "その月に使われた受診券を医療機関ごとに一覧にし、支払額 (請求額と公費負担額の少ない方。\n"
            "公費負担額は設定 voucher.fees、第1回〜第14回) と合計を PDF と CSV に書きます。\n"
            "次は支払わず例外として別に示します: 同じ受診券の二重記録、同じ妊娠で同じ回数の二重使用\n"
            "(同じ人・同じ回数で300日未満。先の使用を支払う)、出産後の使用 (受診券の発行日以後に生まれた\n"
            "同じ世帯の子の生年月日より後)、転出・死亡の異動日以後の使用、住民記録にない人。\n"
            "CSV は氏名を含むため権限 export.personal と --reason 理由 が必要です (ないときは PDF だけ)。\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_REPORTS,
    .run = cmd_report_vouchers,
};
