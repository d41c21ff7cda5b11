/*
 * cmd-reminders.c: `boshi reminders FORM --month YYYY-MM` - 受診勧奨: the
 * children sent a checkup form for the month who have no checkup recorded
 * and are still resident get a reminder letter each (長3 window, like the
 * 健診案内), listed in a CSV; every letter is recorded in the issue history
 * (kind 'reminder').  A child reminded for that month already is not sent
 * another unless --reissue; a child with no adult in the household is an
 * exception, as in the checkup job.  Records, PDF and CSV land together.
 * While pages of the form are still in review the job refuses to print
 * (a child whose page is there attended: 返送済・確認待ち); with
 * --include-pending it prints for the others and lists those children
 * apart, never sending them a letter.  --dry-run prints nothing.
 * 支援措置: as in the checkup job (cmd-targets.c), no letter without a
 * 管理者's release, no address in the CSV; the CSV needs export.personal
 * and --reason, and is logged with its digest.
 */
#include "cli/cli.h"
#include "records/referrals.h"
#include "reports/referral.h"
#include "reports/reports.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct reminders_opts {
    const char *form, *out, *reason;
    int year, month, reissue, include_pending, dry_run;
    enum csvout_encoding enc;
};



static void csv_row(struct csvout *csv, const struct target *t, const char *form_issue,
                    const char *issue, const char *state)
{
    char birth[48];
    const char *postal, *address, *katagaki;

    jpdate_format(t->child.birth, birth, sizeof(birth));
    cli_list_address(&t->child, t->has_guardian ? &t->guardian : NULL, &postal, &address, &katagaki);
    /* 支援措置: not even the 町名 */
    const char *row[] = { cli_shien(&t->child, t->has_guardian ? &t->guardian : NULL) ? "" : t->town,
                          t->child.atena, t->child.name, t->child.kana, birth,
                          t->has_guardian ? t->guardian.name : "", postal, address, katagaki,
                          form_issue, issue, state };
    csvout_row(csv, row, sizeof(row) / sizeof(row[0]));
}

static int run_reminders(struct cli_ctx *c, const struct reminders_opts *o)
{
    static const char *const head[] = { "町名", "宛名番号", "氏名", "カナ", "生年月日", "保護者",
                                        "郵便番号", "住所", "方書", "案内時の発行番号",
                                        "勧奨の発行番号", "状態" };
    const struct forms_form *f = cli_form(c, o->form);
    struct target *t = NULL;
    int *reminded = NULL;
    size_t n = 0;
    struct pdf *pdf = NULL;
    struct csvout *csv = NULL;
    char month[16], month_label[48], *csv_path = NULL;
    char *site_name = NULL, *site_contact = NULL, *site_address = NULL;
    int64_t run = 0;
    int rc = EXIT_OK, txn = 0, issued = 0, skipped = 0, exceptions = 0;
    int pending = 0, pending_pages = 0, unknown_pages = 0, held_n = 0;
    int *held = NULL;
    struct berr e;

    berr_clear(&e);
    if (f == NULL)
        return EXIT_FAIL;
    snprintf(month, sizeof(month), "%04d-%02d", o->year % 10000, o->month % 100);
    {
        struct wareki w;
        jpdate_to_wareki((struct ymd){ o->year, o->month, 1 }, &w);
        if (w.year == 1)
            snprintf(month_label, sizeof(month_label), "%s元年%d月", jp_era_name(w.era), w.month);
        else
            snprintf(month_label, sizeof(month_label), "%s%d年%d月", jp_era_name(w.era), w.year,
                     w.month);
    }
    cli_site_load(c, &site_name, &site_contact, &site_address, &e);
    if (site_address == NULL)
        goto fail;
    if (reminders_find(c->st, &c->actor, o->form, o->year, o->month, &t, &n, &reminded, &e) < 0 ||
        reminders_pending_pages(c->st, &c->actor, o->form, o->year, o->month, &pending_pages,
                                &unknown_pages, &e) < 0)
        goto fail;
    held = xcalloc(n ? n : 1, sizeof(*held));
    for (size_t i = 0; i < n; i++) {
        pending += (reminded[i] & REMINDER_PENDING) != 0;
        if (t[i].has_guardian && !(reminded[i] & REMINDER_PENDING) &&
            shien_letter_held(c->st, &t[i].child, &t[i].guardian, &held[i], &e) < 0)
            goto fail;
        held_n += held[i];
    }
    if ((pending_pages > 0 || unknown_pages > 0) && !o->include_pending) {
        fprintf(c->err, "boshi: %s %s分の用紙がまだ確認待ちです: %d ページ (返送済・確認待ちの子 %d 人)",
                f->title, month_label, pending_pages, pending);
        if (unknown_pages > 0)
            fprintf(c->err, "、だれの用紙か未確定のページ %d", unknown_pages);
        fprintf(c->err, "\n  確認待ちの子は受診した可能性があります。boshi review で確認を終えてから"
                        "実行してください。\n  確認待ちの子を除いて印刷するには --include-pending を"
                        "付けてください (その子には送りません)。\n");
        rc = EXIT_FAIL;
        goto cleanup;
    }
    if (o->dry_run) {
        fprintf(c->out, "%s %s分 受診勧奨 (試行: 印刷・記録はしません)\n", f->title, month_label);
        for (size_t i = 0; i < n; i++) {
            struct target *x = &t[i];
            const char *what = !x->has_guardian ? "例外: 世帯に保護者がいません"
                : (reminded[i] & REMINDER_PENDING) ? "返送済・確認待ち (送りません)"
                : held[i] ? SHIEN_HELD_TEXT
                : (reminded[i] & REMINDER_SENT) && !o->reissue ? "勧奨済 (印刷しません)"
                : "送付";
            char b[48];
            jpdate_format(x->child.birth, b, sizeof(b));
            cli_col(c->out, cli_shien(&x->child, x->has_guardian ? &x->guardian : NULL) ? ""
                            : x->town, 14);
            cli_col(c->out, x->child.atena, 10);
            cli_col(c->out, x->child.name, 16);
            cli_col(c->out, b, 16);
            fprintf(c->out, "%s\n", what);
        }
        if (unknown_pages > 0)
            fprintf(c->out, "  だれの用紙か未確定の確認待ち %d ページ\n", unknown_pages);
        goto cleanup;
    }
    csv_path = cli_csv_beside(o->out);
    if (pdf_open(&pdf, &e) < 0 ||
        (cli_personal_csv(c, o->reason, csv_path) && csvout_open(&csv, csv_path, o->enc, &e) < 0))
        goto fail;
    csvout_row(csv, head, sizeof(head) / sizeof(head[0]));
    if (store_begin(c->st, &e) < 0)
        goto fail;
    txn = 1;
    if (print_run_add(c->st, &c->actor, "reminders", f->id, month, NULL, NULL, o->out, &run, &e) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        struct target *x = &t[i];
        char issue[24];
        if (!x->has_guardian) {
            csv_row(csv, x, x->issued, "", "例外: 世帯に保護者がいません");
            exceptions++;
            continue;
        }
        if (reminded[i] & REMINDER_PENDING) {
            csv_row(csv, x, x->issued, "", "返送済・確認待ち (勧奨せず)");
            continue;
        }
        if (held[i]) {
            csv_row(csv, x, x->issued, "", SHIEN_HELD_TEXT);
            continue;
        }
        if ((reminded[i] & REMINDER_SENT) && !o->reissue) {
            csv_row(csv, x, x->issued, "", "勧奨済 (今回は印刷せず)");
            skipped++;
            continue;
        }
        struct issue_req q = {
            .form = f->id, .version = f->version, .person = x->child.atena, .kind = "reminder",
            .month = month, .pages = 1,
        };
        if (issues_record(c->st, &c->actor, run, &q, issue, &e) < 0)
            goto fail;
        struct reminder_letter l = {
            .checkup_title = f->title, .form = f->id, .postal = x->child.postal,
            .address = x->child.address, .katagaki = x->child.katagaki, .guardian = x->guardian.name,
            .child_name = x->child.name, .child_kana = x->child.kana, .child_birth = x->child.birth,
            .month_label = month_label, .issue_id = issue, .issued_on = store_today(c->st),
            .site_name = site_name, .site_address = site_address, .site_contact = site_contact,
        };
        if (reminder_letter(pdf, &l, &e) < 0)
            goto fail;
        csv_row(csv, x, x->issued, issue, (reminded[i] & REMINDER_SENT) ? "再発行" : "発行");
        issued++;
    }
    txn = 0;          /* cli_print_land closes it either way */
    {
        const struct cli_csv_export x = { "reminders.csv", "受診勧奨一覧", o->reason };
        int wrote_csv = csv != NULL;
        if (cli_print_land(c, run, issued, pdf, o->out, &csv, csv_path, &x, &e) < 0)
            goto fail;
        if (!wrote_csv) {
            free(csv_path);
            csv_path = NULL;
        }
    }
    fprintf(c->out, "%s %s分 受診勧奨: 未受診 %zu 人 / 発行 %d / 勧奨済のため見送り %d / "
            "例外 (保護者なし) %d / 支援措置のため保留 %d\n", f->title, month_label,
            n - (size_t)pending, issued, skipped, exceptions, held_n);
    if (held_n > 0) {
        fprintf(c->out, "  %s (勧奨を印刷していません。boshi residents release で許可後に再実行):\n",
                SHIEN_HELD_TEXT);
        for (size_t i = 0; i < n; i++)
            if (held[i])
                fprintf(c->out, "    %s %s\n", t[i].child.atena, t[i].child.name);
    }
    if (pending > 0) {
        fprintf(c->out, "  返送済・確認待ち (勧奨しません) %d 人:\n", pending);
        for (size_t i = 0; i < n; i++)
            if (reminded[i] & REMINDER_PENDING)
                fprintf(c->out, "    %s %s\n", t[i].child.atena, t[i].child.name);
    }
    if (unknown_pages > 0)
        fprintf(c->out, "  注意: だれの用紙か未確定の確認待ち %d ページがあります\n", unknown_pages);
    if (issued > 0)
        fprintf(c->out, "  印刷用 PDF: %s (%d ページ)\n", o->out, pdf_page_count(pdf));
    else
        fprintf(c->out, "  新たに印刷するものはありません\n");
    if (csv_path != NULL)
        fprintf(c->out, "  一覧 CSV: %s\n", csv_path);
    else
        fprintf(c->out, "  一覧 CSV: 書き出していません (権限 export.personal と --reason 理由 が必要)\n");
    goto cleanup;
fail:
    rc = cli_fail(c, &e);
cleanup:
    if (txn)
        store_rollback(c->st);
    csvout_abandon(&csv);
    pdf_free(&pdf);
    targets_free(t, n);
    free(reminded);
    free(held);
    free(csv_path);
    free(site_name);
    free(site_contact);
    free(site_address);
    return rc;
}

static int cmd_reminders(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "month", required_argument, NULL, 'm' },
        { "reissue", no_argument, NULL, 'r' },
        { "include-pending", no_argument, NULL, 'p' },
        { "dry-run", no_argument, NULL, 'n' },
        { "encoding", required_argument, NULL, 'e' },
        { "output", required_argument, NULL, 'o' },
        { "reason", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 },
    };
    struct reminders_opts o;
    char *def_out = NULL;
    int opt, rc;

    memset(&o, 0, sizeof(o));
    o.enc = CSVOUT_UTF8_BOM;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            if (cli_parse_month(c, optarg, &o.year, &o.month) < 0)
                return EXIT_USAGE;
            break;
        case 'r': o.reissue = 1; break;
        case 'p': o.include_pending = 1; break;
        case 'n': o.dry_run = 1; break;
        case 'o': o.out = optarg; break;
        case 'R': o.reason = optarg; break;
        case 'e':
            if (cli_parse_encoding(c, optarg, &o.enc) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1 || o.year == 0)
        return cli_usage(c);
    o.form = argv[optind];
    if (o.out == NULL) {
        def_out = xasprintf("reminders-%s-%04d-%02d.pdf", o.form, o.year % 10000, o.month % 100);
        o.out = def_out;
    }
    rc = run_reminders(c, &o);
    free(def_out);
    return rc;
}

const struct cmd_entry cmd_reminders_entry = {
    .name = "reminders",
    .usage = "様式 --month YYYY-MM [--dry-run] [--include-pending] [--reissue] "
             "[--encoding utf-8|cp932] [--reason 理由] [-o FILE.pdf]",
    .summary = "健診未受診の子に受診勧奨の通知 / reminders for missed checkups",
    .help = "その月の健診の問診票を発行したのに健診の記録がなく、今も住民である子に、受診勧奨の通知\n"
            "(長3窓付封筒) を1人1枚印刷し、一覧 CSV を書き、発行履歴 (種類 reminder) に記録します。\n"
            "同じ月の2回目は勧奨済の子を印刷しません (--reissue で再発行)。\n"
            "その月の用紙が確認待ち (boshi review) に残っている間は印刷しません。返送済・確認待ちの子は\n"
            "受診した可能性があるためです。--include-pending でその子を除いて印刷します (一覧に別記)。\n"
            "一覧 CSV は個人情報を含むため権限 export.personal と --reason 理由 が必要です (ないときは\n"
            "PDF だけ)。支援措置の対象者は住所を一覧に出さず、管理者の許可まで勧奨を印刷しません。\n"
            "Children issued the form for the month, not examined, still resident: a letter each.\n"
            "Refuses while the month's pages are in review; --include-pending prints for the\n"
            "others and lists those children apart.  --dry-run lists who would get a letter.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_TARGETS,
    .run = cmd_reminders,
};
