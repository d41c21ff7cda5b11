/*
 * cmd-referrals.c: `boshi referrals issue|list|overdue` - the 精密検査 work:
 * issue a 依頼書 and its return slip for every checkup found 要精密 that has
 * none yet (records, PDF and CSV land together or not at all, like the
 * monthly checkup job), list referrals, and list the ones past their
 * validity with no result for the nurses' follow-up (PDF + CSV).
 * A referral closes by itself when its slip comes back through intake.
 * 支援措置: a flagged child or guardian gets no 依頼書 (and no referral is
 * created) until a 管理者's release; listed apart, and taken up by the next
 * run after the release.  Lists never show their address.  Every CSV here
 * needs export.personal and --reason, and is logged with its digest.
 */
#include "cli/cli.h"
#include "records/referrals.h"
#include "reports/referral.h"
#include "reports/reports.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A referral opened by a 新生児聴覚検査費用助成券's リファー (not a 健診票). */
static int hearing_form(const char *form)
{
    return strcmp(form, "choukaku_jushinken") == 0;
}

/* What the referral was found at, as letters and lists name it. */
static const char *found_at(const struct forms_form *ck, const char *form)
{
    if (hearing_form(form))
        return "新生児聴覚検査";      /* the voucher's title is not the examination's */
    return ck ? ck->title : form;
}




/* ---- issue ------------------------------------------------------------------- */

struct issue_opts {
    int year, month;
    const char *hospital, *out, *reason;
    enum csvout_encoding enc;
};

static void issue_csv_header(struct csvout *csv)
{
    static const char *const h[] = { "依頼番号", "宛名番号", "氏名", "カナ", "生年月日", "保護者",
                                     "健診", "受診日", "精密検査依頼要旨", "受診科", "依頼先",
                                     "有効期限", "発行番号", "状態" };
    csvout_row(csv, h, sizeof(h) / sizeof(h[0]));
}

static int run_issue(struct cli_ctx *c, const struct issue_opts *o)
{
    const struct forms_form *slip = cli_form(c, "seimitsu_houkoku");
    struct referral_due *d = NULL;
    size_t n = 0;
    struct hospital h;
    struct pdf *pdf = NULL;
    struct csvout *csv = NULL;
    char month[16] = "", *csv_path = NULL;
    char *site_name = NULL, *site_contact = NULL, *site_address = NULL;
    unsigned char key[32];
    int64_t run = 0;
    int rc = EXIT_OK, txn = 0, issued = 0, exceptions = 0, months = 3, have_h = 0, held_n = 0;
    struct ymd today, until;
    struct buf reason, depts;
    struct berr e;

    berr_clear(&e);
    memset(&h, 0, sizeof(h));
    buf_init(&reason);
    buf_init(&depts);
    if (slip == NULL)
        return EXIT_FAIL;
    if (o->year)
        snprintf(month, sizeof(month), "%04d-%02d", o->year % 10000, o->month % 100);
    if (o->hospital) {
        if (hospitals_get(c->st, o->hospital, &h, &e) < 0)
            return cli_fail(c, &e);
        have_h = 1;
    }
    cli_site_load(c, &site_name, &site_contact, &site_address, &e);
    if (site_address == NULL || referral_valid_months(c->st, &months, &e) < 0)
        goto fail;
    today = store_today(c->st);
    /* valid through the day before the same date `months` later */
    until = ymd_from_days(ymd_to_days(ymd_add_months(today, months)) - 1);
    if (referrals_due(c->st, &c->actor, o->year, o->month, &d, &n, &e) < 0)
        goto fail;
    csv_path = cli_csv_beside(o->out);
    if (cli_qr_key(c, key) < 0) {
        rc = EXIT_FAIL;
        goto cleanup;
    }
    if (pdf_open(&pdf, &e) < 0 ||
        (cli_personal_csv(c, o->reason, csv_path) && csvout_open(&csv, csv_path, o->enc, &e) < 0))
        goto fail;
    issue_csv_header(csv);
    if (store_begin(c->st, &e) < 0)
        goto fail;
    txn = 1;
    if (print_run_add(c->st, &c->actor, "referrals", slip->id, o->year ? month : NULL, NULL,
                      have_h ? h.name : NULL, o->out, &run, &e) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        struct referral_due *x = &d[i];
        const struct forms_form *ck = cli_form(c, x->form);
        char no[16], slip_id[24], letter_id[24], birth[48], exam[48], until_s[48];
        int64_t id = 0;
        buf_reset(&reason);
        buf_reset(&depts);
        if (hearing_form(x->form)) {
            /* a 新生児聴覚検査 with a リファー: the ears as the clinic found them */
            buf_addf(&reason, "新生児聴覚検査でリファー (%s)", x->findings);
        } else {
            reports_option_labels(ck, "checkups.referral_targets", x->targets, "・", &reason);
        }
        if (!hearing_form(x->form) && x->findings[0] && strcmp(x->findings, "nashi") != 0) {
            buf_adds(&reason, reason.len ? " / 所見: " : "所見: ");
            reports_option_labels(ck, "checkups.findings", x->findings, "・", &reason);
        }
        if (reason.len == 0)
            buf_adds(&reason, "総合判定 要精密 (詳細は健診票を参照)");
        referral_departments(x->targets, &depts);
        jpdate_format(x->t.child.birth, birth, sizeof(birth));
        if (x->exam_date.y)
            jpdate_format(x->exam_date, exam, sizeof(exam));
        else
            exam[0] = '\0';
        jpdate_format(until, until_s, sizeof(until_s));
        if (!x->t.has_guardian) {
            const char *row[] = { "", x->t.child.atena, x->t.child.name, x->t.child.kana, birth, "",
                                  found_at(ck, x->form), exam, reason.s, depts.s, "", "", "",
                                  "例外: 世帯に保護者がいません (依頼書は作成せず)" };
            csvout_row(csv, row, sizeof(row) / sizeof(row[0]));
            exceptions++;
            continue;
        }
        int held = 0;
        if (shien_letter_held(c->st, &x->t.child, &x->t.guardian, &held, &e) < 0)
            goto fail;
        if (held) {
            /* no 依頼書 to a 支援措置 address without a 管理者's release; not created yet */
            const char *row[] = { "", x->t.child.atena, x->t.child.name, x->t.child.kana, birth,
                                  x->t.guardian.name, ck ? ck->title : x->form, exam, reason.s,
                                  depts.s, "", "", "", SHIEN_HELD_TEXT };
            csvout_row(csv, row, sizeof(row) / sizeof(row[0]));
            x->held = 1;
            held_n++;
            continue;
        }
        if (referral_create(c->st, &c->actor, x->checkup_id, x->t.child.atena, x->targets,
                            have_h ? h.code : NULL, until, &id, no, &e) < 0)
            goto fail;
        struct issue_req q = {
            .form = slip->id, .version = slip->version, .person = x->t.child.atena, .kind = "form",
            .month = o->year ? month : NULL, .venue = have_h ? h.name : NULL, .jushin_no = no,
            .pages = slip->pages,
        };
        if (issues_record(c->st, &c->actor, run, &q, slip_id, &e) < 0)
            goto fail;
        q.kind = "letter";
        q.pages = 1;
        if (issues_record(c->st, &c->actor, run, &q, letter_id, &e) < 0 ||
            referral_set_issues(c->st, id, slip_id, letter_id, &e) < 0)
            goto fail;
        struct referral_letter l = {
            .postal = x->t.child.postal, .address = x->t.child.address,
            .katagaki = x->t.child.katagaki, .guardian = x->t.guardian.name,
            .child_name = x->t.child.name, .child_kana = x->t.child.kana,
            .child_birth = x->t.child.birth, .child_sex = x->t.child.sex,
            .checkup_title = found_at(ck, x->form), .exam_date = x->exam_date,
            .reason = reason.s, .departments = depts.s,
            .hospital_name = have_h ? h.name : NULL, .hospital_department = have_h ? h.department : NULL,
            .hospital_address = have_h ? h.address : NULL, .hospital_phone = have_h ? h.phone : NULL,
            .issued_on = today, .valid_until = until, .referral_no = no, .issue_id = letter_id,
            .site_name = site_name, .site_address = site_address, .site_contact = site_contact,
        };
        struct form_fill fill = {
            .subject = x->t.child.atena, .issue_id = slip_id, .name = x->t.child.name,
            .kana = x->t.child.kana, .birth = x->t.child.birth, .guardian = x->t.guardian.name,
            .jushin_no = no, .venue = have_h ? h.name : NULL,
        };
        if (referral_letter(pdf, &l, &e) < 0 || formprint_form(pdf, slip, &fill, key, &e) < 0)
            goto fail;
        const char *row[] = { no, x->t.child.atena, x->t.child.name, x->t.child.kana, birth,
                              x->t.guardian.name, found_at(ck, x->form), exam, reason.s,
                              depts.s, have_h ? h.name : "", until_s, slip_id, "発行" };
        csvout_row(csv, row, sizeof(row) / sizeof(row[0]));
        issued++;
    }
    txn = 0;          /* cli_print_land closes it either way */
    {
        const struct cli_csv_export xp = { "referrals.csv", "精密検査依頼一覧", o->reason };
        int wrote_csv = csv != NULL;
        if (cli_print_land(c, run, issued, pdf, o->out, &csv, csv_path, &xp, &e) < 0)
            goto fail;
        if (!wrote_csv) {
            free(csv_path);
            csv_path = NULL;
        }
    }
    fprintf(c->out, "精密検査依頼書%s%s: 要精密 %zu 人 / 発行 %d / 例外 (保護者なし) %d / "
            "支援措置のため保留 %d\n", o->year ? " " : "", month, n, issued, exceptions, held_n);
    if (held_n > 0) {
        fprintf(c->out, "  %s (依頼書を作成していません。boshi residents release で許可後に再実行):\n",
                SHIEN_HELD_TEXT);
        for (size_t i = 0; i < n; i++)
            if (d[i].held)
                fprintf(c->out, "    %s %s\n", d[i].t.child.atena, d[i].t.child.name);
    }
    if (issued > 0)
        fprintf(c->out, "  印刷用 PDF: %s (%d ページ: 依頼書と結果報告書)\n", o->out,
                pdf_page_count(pdf));
    else
        fprintf(c->out, "  新たに発行するものはありません\n");
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
    referrals_due_free(d, n);
    hospital_release(&h);
    buf_release(&reason);
    buf_release(&depts);
    memset(key, 0, sizeof(key));
    free(csv_path);
    free(site_name);
    free(site_contact);
    free(site_address);
    return rc;
}

static int cmd_referrals_issue(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "month", required_argument, NULL, 'm' },
        { "hospital", required_argument, NULL, 'h' },
        { "encoding", required_argument, NULL, 'e' },
        { "output", required_argument, NULL, 'o' },
        { "reason", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 },
    };
    struct issue_opts o;
    int opt;

    memset(&o, 0, sizeof(o));
    o.enc = CSVOUT_UTF8_BOM;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'm':
            if (cli_parse_month(c, optarg, &o.year, &o.month) < 0)
                return EXIT_USAGE;
            break;
        case 'h': o.hospital = optarg; break;
        case 'o': o.out = optarg; break;
        case 'R': o.reason = optarg; break;
        case 'e':
            if (cli_parse_encoding(c, optarg, &o.enc) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || o.out == NULL)
        return cli_usage(c);
    return run_issue(c, &o);
}

/* ---- list / overdue ---------------------------------------------------------- */

struct list_ctx {
    struct cli_ctx *c;
    const struct forms_form *slip;
    struct rtable *t;
    struct csvout *csv;
    long n;
};

static const char *status_word(int status)
{
    return status == 0 ? "住民記録なし" : resident_status_label(status);
}

static int print_referral(const struct referral_row *r, void *p)
{
    struct list_ctx *x = p;
    struct buf res;
    FILE *out = x->c->out;

    buf_init(&res);
    if (r->result[0]) {
        reports_option_labels(x->slip, "referrals.result", r->result, "・", &res);
        char rd[48];
        cli_iso_wareki(r->result_date, rd, sizeof(rd));
        buf_addf(&res, " (%s)", r->result_date[0] ? rd : "受診日不明");
    } else if (r->days_over > 0) {
        buf_addf(&res, "期限切れ %d 日", r->days_over);
    } else {
        buf_adds(&res, "結果待ち");
    }
    const struct forms_form *ck = r->form[0] ? forms_registry_get(cli_forms(x->c), r->form, 0) : NULL;
    char exam[48], until[48];
    cli_iso_wareki(r->exam_date, exam, sizeof(exam));
    cli_iso_wareki(r->valid_until, until, sizeof(until));
    cli_col(out, r->referral_no, 8);
    cli_col(out, r->person, 10);
    cli_col(out, r->name, 16);
    cli_col(out, found_at(ck, r->form), 26);
    cli_col(out, exam, 16);
    cli_col(out, until, 16);
    cli_col(out, r->hospital_name[0] ? r->hospital_name : "-", 20);
    fprintf(out, "%s\n", res.s);
    buf_release(&res);
    x->n++;
    return 0;
}

static int cmd_referrals_list(struct cli_ctx *c, int argc, char **argv)
{
    struct list_ctx x;
    struct berr e;
    int open = 0;

    berr_clear(&e);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--open") == 0)
            open = 1;
        else
            return cli_usage(c);
    }
    memset(&x, 0, sizeof(x));
    x.c = c;
    x.slip = cli_form(c, "seimitsu_houkoku");
    if (x.slip == NULL)
        return EXIT_FAIL;
    if (referrals_list(c->st, &c->actor, open ? REFERRALS_OPEN : REFERRALS_ALL, (struct ymd){ 0, 0, 0 },
                       print_referral, &x, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%ld 件\n", x.n);
    return EXIT_OK;
}

static int overdue_row(const struct referral_row *r, void *p)
{
    struct list_ctx *x = p;
    const struct forms_form *ck = r->form[0] ? forms_registry_get(cli_forms(x->c), r->form, 0) : NULL;
    struct buf why;
    char over[32], birth[48] = "", addr[512];
    struct ymd b;

    buf_init(&why);
    if (hearing_form(r->form))
        buf_adds(&why, "耳 (新生児聴覚検査 リファー)");
    else
        reports_option_labels(ck, "checkups.referral_targets", r->targets, "・", &why);
    snprintf(over, sizeof(over), "%d 日", r->days_over);
    if (ymd_parse_iso(r->birth, &b) == 0)
        jpdate_format(b, birth, sizeof(birth));
    /* referrals_list gives no address for a 支援措置 person */
    if (r->shien)
        snprintf(addr, sizeof(addr), "%s", SHIEN_ADDRESS_TEXT);
    else
        snprintf(addr, sizeof(addr), "%s%s%s", r->address, r->katagaki[0] ? " " : "", r->katagaki);
    const char *st = status_word(r->status);
    /* dates people read: 和暦 (the list is for follow-up calls, PDF and CSV alike) */
    char exam[48], until[48];
    cli_iso_wareki(r->exam_date, exam, sizeof(exam));
    cli_iso_wareki(r->valid_until, until, sizeof(until));
    const char *cells[] = { r->referral_no, r->name, birth, r->guardian, addr,
                            found_at(ck, r->form), exam, why.s, until, over, st };
    rtable_row(x->t, cells, 0);
    const char *row[] = { r->referral_no, r->person, r->name, r->kana, birth, r->guardian,
                          r->postal, addr, found_at(ck, r->form), exam, why.s,
                          r->hospital_name, r->issue_id, until, over, st };
    csvout_row(x->csv, row, sizeof(row) / sizeof(row[0]));
    buf_release(&why);
    x->n++;
    return 0;
}

static int cmd_referrals_overdue(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "date", required_argument, NULL, 'd' },
        { "encoding", required_argument, NULL, 'e' },
        { "output", required_argument, NULL, 'o' },
        { "reason", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 },
    };
    static const char *const head[] = { "依頼番号", "宛名番号", "氏名", "カナ", "生年月日", "保護者",
                                        "郵便番号", "住所", "健診", "健診日", "精密検査依頼要旨",
                                        "依頼先", "発行番号", "有効期限", "期限超過", "住民状態" };
    struct ymd on = { 0, 0, 0 };
    enum csvout_encoding enc = CSVOUT_UTF8_BOM;
    const char *out = NULL, *why = NULL;
    char *csv_path = NULL, on_s[48], sub[320];
    struct pdf *pdf = NULL;
    struct rtable t;
    struct list_ctx x;
    struct berr e;
    int opt, rc = EXIT_OK;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (cli_parse_date(c, "--date", optarg, &on) < 0)
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
    if (optind != argc || out == NULL)
        return cli_usage(c);
    if (on.y == 0)
        on = store_today(c->st);
    memset(&x, 0, sizeof(x));
    x.c = c;
    if (cli_forms(c) == NULL)
        return EXIT_FAIL;
    csv_path = cli_csv_beside(out);
    jpdate_format(on, on_s, sizeof(on_s));
    snprintf(sub, sizeof(sub), "%s 時点で有効期限を過ぎ、結果報告書が届いていない精密検査依頼。"
             "受診状況を保護者に確認してください。", on_s);
    if (pdf_open(&pdf, &e) < 0 ||
        (cli_personal_csv(c, why, csv_path) && csvout_open(&x.csv, csv_path, enc, &e) < 0))
        goto fail;
    rtable_init(&t, pdf, "精密検査 未受診・結果未着 一覧 (期限切れ)", sub);
    rtable_col(&t, "依頼番号", 18, 0);
    rtable_col(&t, "氏名", 28, 0);
    rtable_col(&t, "生年月日", 26, 0);
    rtable_col(&t, "保護者", 26, 0);
    rtable_col(&t, "住所", 38, 0);
    rtable_col(&t, "健診", 34, 0);
    rtable_col(&t, "健診日", 26, 0);
    rtable_col(&t, "依頼要旨", 18, 0);
    rtable_col(&t, "有効期限", 26, 0);
    rtable_col(&t, "超過", 12, 1);
    rtable_col(&t, "住民状態", 15, 0);
    x.t = &t;
    csvout_row(x.csv, head, sizeof(head) / sizeof(head[0]));
    if (referrals_list(c->st, &c->actor, REFERRALS_OVERDUE, on, overdue_row, &x, &e) < 0)
        goto fail;
    if (x.n == 0) {
        const char *row[RTABLE_MAX_COLS] = { "期限切れの精密検査依頼はありません" };
        rtable_row(&t, row, 1);
    }
    {
        const struct cli_csv_export xp = { "referrals.overdue.csv", "精密検査 期限切れ一覧", why };
        long rows = (long)csvout_rows(x.csv) - 1;
        int wrote_csv = x.csv != NULL;
        if (store_begin(c->st, &e) < 0)
            goto fail;
        if (pdf_save(pdf, out, &e) < 0 ||
            (wrote_csv && (csvout_close(&x.csv, &e) < 0 ||
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
    fprintf(c->out, "期限切れ %ld 件 (%s 時点)\n  PDF: %s\n  CSV: %s\n", x.n, on_s, out,
            csv_path ? csv_path : "書き出していません (権限 export.personal と --reason 理由 が必要)");
    goto cleanup;
fail:
    rc = cli_fail(c, &e);
cleanup:
    csvout_abandon(&x.csv);
    pdf_free(&pdf);
    free(csv_path);
    return rc;
}

const struct cmd_entry cmd_referrals_issue_entry = {
    .name = "referrals issue",
    .usage = "[--month YYYY-MM] [--hospital 医療機関コード] [--encoding utf-8|cp932] [--reason 理由] "
             "-o FILE.pdf",
    .summary = "要精密の子に精密検査依頼書と結果報告書を発行 / issue referrals",
    .help = "総合判定が要精密で依頼書がまだない健診ごとに、保護者あての精密健康診査依頼書 (長3窓付封筒) と\n"
            "医療機関が記入して返送する結果報告書 (QR 付き、読み取り可) を1つの PDF に印刷し、一覧 CSV を\n"
            "書きます。--month はその月に受診した健診だけ。--hospital で依頼先を指定 (boshi hospitals list)。\n"
            "有効期間は発行日から設定 referral.valid_months か月 (既定 3)。報告書が取り込まれると依頼は完了します。\n"
            "一覧 CSV は権限 export.personal と --reason 理由 が必要です (ないときは PDF だけ)。\n"
            "支援措置の対象者は管理者の許可 (boshi residents release) まで依頼書を作成しません。\n"
            "Checkups found 要精密 with no referral: a letter and the return slip each; one PDF, a CSV.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_RECORDS_READ,
    .run = cmd_referrals_issue,
};

const struct cmd_entry cmd_referrals_list_entry = {
    .name = "referrals list",
    .usage = "[--open]",
    .summary = "精密検査依頼の一覧 / list referrals",
    .help = "--open  結果がまだ届いていないものだけ / only those with no result yet\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_RECORDS_READ,
    .run = cmd_referrals_list,
};

const struct cmd_entry cmd_referrals_overdue_entry = {
    .name = "referrals overdue",
    .usage = "[--date 基準日] [--encoding utf-8|cp932] [--reason 理由] -o FILE.pdf",
    .summary = "有効期限を過ぎて結果のない精密検査依頼 / overdue referrals (PDF + CSV)",
    .help = "有効期限 (依頼書に印刷) を基準日 (既定: 今日) より前に過ぎ、結果報告書が届いていない依頼を、\n"
            "保健師の追跡用に PDF と CSV (同名 .csv) に書きます。CSV は権限 export.personal と\n"
            "--reason 理由 が必要です。支援措置の対象者の住所は表示しません。\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_RECORDS_READ,
    .run = cmd_referrals_overdue,
};
