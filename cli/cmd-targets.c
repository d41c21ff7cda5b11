/*
 * cmd-targets.c: `boshi targets` - the monthly checkup job: find the
 * children due in a month, print for each a 健診案内 letter and the
 * pre-filled forms as one PDF, write the list as CSV, and record every
 * issue.  A child already issued for that month is not issued again
 * unless --reissue; a child with no adult in the household goes to the
 * exceptions list, never to a letter with no addressee.  The PDF, the CSV
 * and the issue records land together or not at all.
 * Two PDFs: the families' (each child's 健診案内 and 問診票, an even number
 * of pages, so duplex never puts two families on one sheet) and the staff's
 * 健診票 for the checkup day (FILE-kenshinhyo.pdf, never in an envelope).
 * A checkup day in the past is refused; a Sunday, a national holiday or
 * 年末年始 needs --force.
 * `boshi targets houmon`: the 新生児訪問 - the children not yet visited
 * before 4 months old, one pre-filled 新生児訪問指導票 each (run_houmon).
 * 支援措置: a flagged child or guardian gets no letter until a 管理者's
 * release (listed apart, "支援措置: 管理者の確認が必要"), and the CSV never
 * shows their address.  The CSV is written only with export.personal and
 * --reason (else the PDFs alone, said on stderr), and logged with its digest.
 */
#include "cli/cli.h"
#include "reports/reports.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct targets_opts {
    const char *form, *out, *venue, *time, *reason;
    int year, month;
    struct ymd date;
    int dry_run, reissue, force;
    enum csvout_encoding enc;
};

/*
 * The checkup day is one families will come on: never past; a Sunday, a
 * national holiday or 年末年始 (12/29-1/3) only with --force (then said).
 */
static int check_day(struct cli_ctx *c, const struct targets_opts *o)
{
    struct ymd today = store_today(c->st);
    char w[48], t[48];
    const char *holiday = NULL, *why = NULL;
    int wd = ymd_weekday(o->date);

    jpdate_format(o->date, w, sizeof(w));
    if (o->date.y != o->year || o->date.m != o->month) {
        /* a letter must not invite anyone to a day outside the checkup month */
        char m[48];
        cli_month_label(o->year, o->month, m, sizeof(m));
        return cli_errorf(c, "健診日 %s は対象月 %s の日付ではありません", w, m);
    }
    if (ymd_cmp(o->date, today) < 0) {
        jpdate_format(today, t, sizeof(t));
        return cli_errorf(c, "健診日 %s (%s) は過ぎています (今日は %s)。これからの日付を --date で"
                          "指定してください", w, jp_weekday_name(wd), t);
    }
    if (jpdate_holiday(o->date, &holiday) == 1)
        why = holiday;
    else if (wd == 0)
        why = "日曜日";
    else if ((o->date.m == 12 && o->date.d >= 29) || (o->date.m == 1 && o->date.d <= 3))
        why = "年末年始";
    if (why == NULL)
        return 0;
    if (!o->force)
        return cli_errorf(c, "健診日 %s (%s) は%sです。この日に実施する場合は --force を付けて"
                          "ください", w, jp_weekday_name(wd), why);
    fprintf(c->err, "boshi: 注意: 健診日 %s (%s) は%sです (--force のため印刷します)\n", w,
            jp_weekday_name(wd), why);
    return 0;
}


static void csv_header(struct csvout *csv)
{
    static const char *const h[] = { "町名", "宛名番号", "氏名", "カナ", "生年月日", "保護者",
                                     "郵便番号", "住所", "方書", "受診番号", "発行番号", "状態" };
    csvout_row(csv, h, sizeof(h) / sizeof(h[0]));
}

static void csv_target(struct csvout *csv, const struct target *t, const char *jushin,
                       const char *issue, const char *state)
{
    char birth[48];
    const char *postal, *address, *katagaki;

    jpdate_format(t->child.birth, birth, sizeof(birth));
    cli_list_address(&t->child, t->has_guardian ? &t->guardian : NULL, &postal, &address, &katagaki);
    const char *row[] = {
        /* 支援措置: not even the 町名 */
        cli_shien(&t->child, t->has_guardian ? &t->guardian : NULL) ? "" : t->town,
        t->child.atena, t->child.name, t->child.kana, birth,
        t->has_guardian ? t->guardian.name : "", postal, address, katagaki, jushin, issue, state,
    };
    csvout_row(csv, row, sizeof(row) / sizeof(row[0]));
}

/* "dec.pdf" -> "dec-kenshinhyo.pdf": the staff's 健診票 beside the families' PDF. */
static char *staff_pdf_path(const char *pdf_path)
{
    size_t n = strlen(pdf_path);
    int strip = n > 4 && strcmp(pdf_path + n - 4, ".pdf") == 0;

    return xasprintf("%.*s-kenshinhyo.pdf", (int)(n - (strip ? 4 : 0)), pdf_path);
}

static char *setting(struct cli_ctx *c, const char *key, struct berr *e)
{
    char *v = NULL;

    if (settings_get(c->st, key, &v, e) < 0)
        return NULL;
    return v;
}

static int run_targets(struct cli_ctx *c, const struct targets_opts *o)
{
    const struct forms_form *f = cli_form(c, o->form);
    struct target *t = NULL;
    size_t n = 0;
    struct pdf *pdf = NULL, *staff = NULL;
    struct csvout *csv = NULL;
    char month[16], mlabel[48], date_iso[11], *csv_path = NULL, *staff_path = NULL;
    char *site_name = NULL, *site_contact = NULL, *site_address = NULL, *venue = NULL, *time = NULL;
    unsigned char key[32];
    int64_t run = 0;
    int rc = EXIT_OK, txn = 0, issued = 0, skipped = 0, exceptions = 0, held_n = 0;
    int *held = NULL;
    struct berr e;

    berr_clear(&e);
    if (f == NULL)
        return EXIT_FAIL;
    snprintf(month, sizeof(month), "%04d-%02d", o->year % 10000, o->month % 100);
    cli_month_label(o->year, o->month, mlabel, sizeof(mlabel));
    if (o->date.y != 0 && check_day(c, o) != 0)
        return EXIT_FAIL;
    if (targets_find(c->st, &c->actor, o->form, o->year, o->month, &t, &n, &e) < 0)
        return cli_fail(c, &e);
    held = xcalloc(n ? n : 1, sizeof(*held));
    for (size_t i = 0; i < n; i++) {
        if (t[i].has_guardian &&
            shien_letter_held(c->st, &t[i].child, &t[i].guardian, &held[i], &e) < 0)
            goto fail;
        held_n += held[i];
    }
    if (o->dry_run) {
        fprintf(c->out, "%s %s の対象者 %zu 人 (試行: 印刷・記録はしません)\n", f->title, mlabel, n);
        for (size_t i = 0; i < n; i++) {
            char b[48];
            jpdate_format(t[i].child.birth, b, sizeof(b));
            cli_col(c->out, cli_shien(&t[i].child, t[i].has_guardian ? &t[i].guardian : NULL) ? ""
                            : t[i].town, 14);
            cli_col(c->out, t[i].child.atena, 10);
            cli_col(c->out, t[i].child.name, 16);
            cli_col(c->out, b, 16);
            fprintf(c->out, "%s\n", !t[i].has_guardian ? "例外: 世帯に保護者がいません"
                                    : held[i] ? SHIEN_HELD_TEXT
                                    : t[i].issued[0] ? "発行済" : "");
        }
        goto cleanup;
    }
    /* everything a letter needs, before anything is written */
    cli_site_load(c, &site_name, &site_contact, &site_address, &e);
    venue = o->venue ? xstrdup(o->venue) : (site_address ? setting(c, "checkup.venue", &e) : NULL);
    time = o->time ? xstrdup(o->time) : (venue ? setting(c, "checkup.time", &e) : NULL);
    if (time == NULL) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    if (o->date.y == 0) {
        rc = cli_errorf(c, "健診日を --date で指定してください (例: --date %s-15)", month);
        goto cleanup;
    }
    if (o->date.y != o->year || o->date.m != o->month) {
        /* a letter must not invite anyone to a day outside the checkup month */
        char w[48];
        jpdate_format(o->date, w, sizeof(w));
        rc = cli_errorf(c, "健診日 %s は対象月 %s の日付ではありません", w, month);
        goto cleanup;
    }
    ymd_iso(o->date, date_iso);
    csv_path = cli_csv_beside(o->out);
    if (cli_qr_key(c, key) < 0) {
        rc = EXIT_FAIL;
        goto cleanup;
    }
    staff_path = staff_pdf_path(o->out);
    if (pdf_open(&pdf, &e) < 0 || pdf_open(&staff, &e) < 0 ||
        (cli_personal_csv(c, o->reason, csv_path) && csvout_open(&csv, csv_path, o->enc, &e) < 0))
        goto fail;
    csv_header(csv);
    if (store_begin(c->st, &e) < 0)
        goto fail;
    txn = 1;
    if (print_run_add(c->st, &c->actor, "targets", o->form, month, date_iso, venue, o->out, &run,
                      &e) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        struct target *x = &t[i];
        char issue[24], letter_id[24], jushin[24];
        if (!x->has_guardian) {
            csv_target(csv, x, "", "", "例外: 世帯に保護者がいません");
            exceptions++;
            continue;
        }
        if (held[i]) {
            /* no letter to a 支援措置 address without a 管理者's release */
            csv_target(csv, x, "", x->issued, SHIEN_HELD_TEXT);
            continue;
        }
        if (x->issued[0] && !o->reissue) {
            struct issue_info was;
            if (issue_lookup(c->st, x->issued, &was, &e) < 0)
                goto fail;
            csv_target(csv, x, was.jushin_no, x->issued, "発行済 (今回は印刷せず)");
            skipped++;
            continue;
        }
        struct issue_req q = {
            .form = f->id, .version = f->version, .person = x->child.atena, .kind = "form",
            .month = month, .checkup_date = date_iso, .venue = venue, .jushin_no = jushin,
            .pages = f->pages, .reissue_of = x->issued[0] ? x->issued : NULL,
        };
        if (issues_next_jushin(c->st, f->id, month, jushin, &e) < 0 ||
            issues_record(c->st, &c->actor, run, &q, issue, &e) < 0)
            goto fail;
        q.kind = "letter";
        q.pages = 1;
        q.reissue_of = NULL;
        if (issues_record(c->st, &c->actor, run, &q, letter_id, &e) < 0)
            goto fail;
        struct letter_annai l = {
            .checkup_title = f->title, .form = f->id,
            .postal = x->child.postal, .address = x->child.address, .katagaki = x->child.katagaki,
            .guardian = x->guardian.name, .child_name = x->child.name, .child_kana = x->child.kana,
            .child_birth = x->child.birth, .checkup_date = o->date, .checkup_time = time,
            .venue = venue, .jushin_no = jushin, .issue_id = letter_id,
            .issued_on = store_today(c->st), .site_name = site_name,
            .site_address = site_address, .site_contact = site_contact,
        };
        struct form_fill fill = {
            .subject = x->child.atena, .issue_id = issue, .name = x->child.name,
            .kana = x->child.kana, .birth = x->child.birth, .guardian = x->guardian.name,
            .jushin_no = jushin, .checkup_date = o->date, .checkup_time = time, .venue = venue,
        };
        /* the family's envelope: letter and 問診票; the staff's: the 健診票 pages */
        if (letter_annai(pdf, &l, &e) < 0 || formprint_form_pages(pdf, f, &fill, key, 1, 1, &e) < 0 ||
            formprint_pad_even(pdf, &e) < 0 ||
            formprint_form_pages(staff, f, &fill, key, 2, f->pages, &e) < 0)
            goto fail;
        csv_target(csv, x, jushin, issue, x->issued[0] ? "再発行" : "発行");
        issued++;
    }
    txn = 0;          /* cli_print_land closes it either way */
    {
        struct pdf *const pdfs[] = { pdf, staff };
        const char *const paths[] = { o->out, staff_path };
        const struct cli_csv_export x = { "targets.csv", "健診対象者一覧", o->reason };
        int wrote_csv = csv != NULL;
        if (cli_print_land_pdfs(c, run, issued, pdfs, paths, f->pages > 1 ? 2 : 1, &csv, csv_path,
                                &x, &e) < 0)
            goto fail;
        if (!wrote_csv) {
            free(csv_path);
            csv_path = NULL;
        }
    }
    fprintf(c->out, "%s %s: 対象 %zu 人 / 発行 %d / 発行済のため見送り %d / 例外 (保護者なし) %d"
            " / 支援措置のため保留 %d\n", f->title, mlabel, n, issued, skipped, exceptions, held_n);
    if (held_n > 0) {
        fprintf(c->out, "  %s (案内を印刷していません。boshi residents release で許可後に再実行):\n",
                SHIEN_HELD_TEXT);
        for (size_t i = 0; i < n; i++)
            if (held[i])
                fprintf(c->out, "    %s %s\n", t[i].child.atena, t[i].child.name);
    }
    if (issued > 0) {
        fprintf(c->out, "  ご家庭あて (封入用) PDF: %s (%d ページ、1人 %d ページ: 健診案内・問診票)\n",
                o->out, pdf_page_count(pdf), pdf_page_count(pdf) / issued);
        if (f->pages > 1)
            fprintf(c->out, "  健診当日用 (職員用・封入しない) PDF: %s (%d ページ、1人 %d ページ: 健診票)\n",
                    staff_path, pdf_page_count(staff), pdf_page_count(staff) / issued);
        fprintf(c->out, "  印刷: どちらも A4・片面印刷・実際のサイズ (用紙に合わせて拡大縮小しない)。"
                        "ご家庭あては1人分が偶数ページなので、両面印刷でも別の世帯と同じ紙になりません\n");
    } else
        fprintf(c->out, "  新たに印刷するものはありません (再発行は --reissue)\n");
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
    pdf_free(&staff);
    targets_free(t, n);
    free(held);
    memset(key, 0, sizeof(key));
    free(csv_path);
    free(staff_path);
    free(site_name);
    free(site_contact);
    free(site_address);
    free(venue);
    free(time);
    return rc;
}

/*
 * `boshi targets houmon`: the children not yet visited (新生児訪問) who are
 * under 4 months on the 1st of the month or born in it, each with a
 * pre-filled 新生児訪問指導票 the visitor takes along (no letter, no day:
 * the visit is arranged by telephone), and the list as CSV.
 */
static int run_houmon(struct cli_ctx *c, const struct targets_opts *o)
{
    const struct forms_form *f = cli_form(c, o->form);
    struct target *t = NULL;
    size_t n = 0;
    struct pdf *pdf = NULL;
    struct csvout *csv = NULL;
    char month[16], mlabel[48], *csv_path = NULL;
    unsigned char key[32];
    int64_t run = 0;
    int rc = EXIT_OK, txn = 0, issued = 0, skipped = 0;
    struct berr e;

    berr_clear(&e);
    if (f == NULL)
        return EXIT_FAIL;
    snprintf(month, sizeof(month), "%04d-%02d", o->year % 10000, o->month % 100);
    cli_month_label(o->year, o->month, mlabel, sizeof(mlabel));
    if (targets_find(c->st, &c->actor, o->form, o->year, o->month, &t, &n, &e) < 0)
        return cli_fail(c, &e);
    if (o->dry_run) {
        fprintf(c->out, "%s %s の未訪問の対象者 %zu 人 (試行: 印刷・記録はしません)\n", f->title, mlabel, n);
        for (size_t i = 0; i < n; i++) {
            char b[48];
            jpdate_format(t[i].child.birth, b, sizeof(b));
            cli_col(c->out, t[i].town, 14);
            cli_col(c->out, t[i].child.atena, 10);
            cli_col(c->out, t[i].child.name, 16);
            cli_col(c->out, b, 16);
            fprintf(c->out, "%s\n", t[i].issued[0] ? "発行済" : "");
        }
        goto cleanup;
    }
    csv_path = cli_csv_beside(o->out);
    if (cli_qr_key(c, key) < 0) {
        rc = EXIT_FAIL;
        goto cleanup;
    }
    if (pdf_open(&pdf, &e) < 0 ||
        (cli_personal_csv(c, o->reason, csv_path) && csvout_open(&csv, csv_path, o->enc, &e) < 0))
        goto fail;
    csv_header(csv);
    if (store_begin(c->st, &e) < 0)
        goto fail;
    txn = 1;
    if (print_run_add(c->st, &c->actor, "targets", o->form, month, NULL, NULL, o->out, &run, &e) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++) {
        struct target *x = &t[i];
        char issue[24];
        if (x->issued[0] && !o->reissue) {
            csv_target(csv, x, "", x->issued, "発行済 (今回は印刷せず)");
            skipped++;
            continue;
        }
        struct issue_req q = {
            .form = f->id, .version = f->version, .person = x->child.atena, .kind = "form",
            .month = month, .pages = f->pages, .reissue_of = x->issued[0] ? x->issued : NULL,
        };
        if (issues_record(c->st, &c->actor, run, &q, issue, &e) < 0)
            goto fail;
        struct form_fill fill = {
            .subject = x->child.atena, .issue_id = issue, .name = x->child.name,
            .kana = x->child.kana, .birth = x->child.birth,
            .guardian = x->has_guardian ? x->guardian.name : NULL,
        };
        if (formprint_form(pdf, f, &fill, key, &e) < 0)
            goto fail;
        csv_target(csv, x, "", issue, x->issued[0] ? "再発行" : "発行");
        issued++;
    }
    txn = 0;          /* cli_print_land closes it either way */
    const struct cli_csv_export xp = { "targets.csv", "新生児訪問の対象者一覧", o->reason };
    int wrote_csv = csv != NULL;
    if (cli_print_land(c, run, issued, pdf, o->out, &csv, csv_path, &xp, &e) < 0)
        goto fail;
    fprintf(c->out, "%s %s: 未訪問 %zu 人 / 発行 %d / 発行済のため見送り %d\n", f->title, mlabel, n,
            issued, skipped);
    if (issued > 0)
        fprintf(c->out, "  訪問用 PDF: %s (%d ページ、1人1枚)\n", o->out, pdf_page_count(pdf));
    else
        fprintf(c->out, "  新たに印刷するものはありません (再発行は --reissue)\n");
    if (wrote_csv)
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
    memset(key, 0, sizeof(key));
    free(csv_path);
    return rc;
}

static int cmd_targets(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "month", required_argument, NULL, 'm' },
        { "date", required_argument, NULL, 'd' },
        { "time", required_argument, NULL, 't' },
        { "venue", required_argument, NULL, 'v' },
        { "dry-run", no_argument, NULL, 'n' },
        { "reissue", no_argument, NULL, 'r' },
        { "force", no_argument, NULL, 'F' },
        { "as-of", required_argument, NULL, 'A' },
        { "encoding", required_argument, NULL, 'e' },
        { "output", required_argument, NULL, 'o' },
        { "reason", required_argument, NULL, 'R' },
        { NULL, 0, NULL, 0 },
    };
    struct targets_opts o;
    struct ymd as_of = { 0, 0, 0 };
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
        case 'd':
            if (cli_parse_date(c, "--date", optarg, &o.date) < 0)
                return EXIT_USAGE;
            break;
        case 't': o.time = optarg; break;
        case 'v': o.venue = optarg; break;
        case 'n': o.dry_run = 1; break;
        case 'r': o.reissue = 1; break;
        case 'F': o.force = 1; break;
        case 'A':
            if (cli_parse_date(c, "--as-of", optarg, &as_of) < 0)
                return EXIT_USAGE;
            break;
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
    if (strcmp(o.form, "houmon") == 0)
        o.form = "shinseiji_houmon";          /* 新生児訪問 */
    if (o.out == NULL) {
        def_out = xasprintf("targets-%s-%04d-%02d.pdf", o.form, o.year % 10000, o.month % 100);
        o.out = def_out;
    }
    if (as_of.y)
        store_set_today(c->st, as_of);      /* the day the job is run as (demo, re-creation) */
    rc = strcmp(o.form, "shinseiji_houmon") == 0 ? run_houmon(c, &o) : run_targets(c, &o);
    free(def_out);
    return rc;
}

const struct cmd_entry cmd_targets_entry = {
    .name = "targets",
    .usage = "様式 --month YYYY-MM [--date 健診日] [--time 受付時間] [--venue 会場] [--dry-run] "
             "[--reissue] [--force] [--as-of 日付] [--encoding utf-8|cp932] [--reason 理由] [-o FILE.pdf]",
    .summary = "健診対象者を抽出し案内と問診票を印刷 / checkup targets, letters and forms",
    .help = "様式: nyuyoji_4m (3〜4か月), nyuyoji_10m (9〜10か月), nyuyoji_1y6m (1歳6か月), nyuyoji_3y (3歳)\n"
            "houmon (新生児訪問): その月の1日に生後4か月未満の子とその月に生まれた子のうち、訪問の記録が\n"
            "ない子に、印字した新生児訪問指導票 (shinseiji_houmon、1人1枚) を印刷します (案内状・健診日なし)。\n"
            "対象: その月に所定の月齢になる子 (既定: 生後4・10・18・36か月の月。boshi settings で変更可)、\n"
            "住民で未受診の子。町名順・生年月日順。世帯に保護者 (世帯主・妻・夫) がいない子は例外一覧へ。\n"
            "同じ月の2回目の実行では発行済の子を印刷しません (--reissue で再発行)。\n"
            "出力: ご家庭あての PDF (1人2ページ: 健診案内・問診票)、健診当日用の健診票 PDF\n"
            "(FILE-kenshinhyo.pdf、職員用で封入しない)、一覧 CSV (UTF-8 BOM付き、--encoding cp932)。\n"
            "印刷は A4・片面・実際のサイズで。1人分は偶数ページなので両面印刷でも世帯が混ざりません。\n"
            "健診日が過ぎた日付なら印刷しません。日曜・祝日・年末年始は --force が必要です。\n"
            "--reason 理由 一覧 CSV は個人情報を含むため、権限 export.personal と理由が必要です\n"
            "              (ないときは PDF だけを作成)。書き出しは SHA-256 とともにアクセス記録に残ります。\n"
            "支援措置の対象者は一覧に住所を出さず、管理者の許可 (boshi residents release) まで案内を\n"
            "印刷しません (「支援措置: 管理者の確認が必要」と別記)。\n"
            "--dry-run     対象者を表示するだけで、印刷も記録もしません。\n"
            "--as-of 日付  その日に実行したものとして扱う (過去の実施分の再現・デモ用)。\n"
            "Children due for the checkup in the month: a families' PDF (letter and 問診票, 2 pages\n"
            "each), the staff's 健診票 PDF for the checkup day, and a CSV list; recorded in the issue\n"
            "history; no double issue without --reissue.  A past --date is refused; a Sunday,\n"
            "national holiday or 12/29-1/3 needs --force.  --as-of runs the job as of that day.\n"
            "houmon: the children under 4 months on the 1st (or born in the month) not yet visited,\n"
            "each with a pre-filled 新生児訪問指導票 (no letter, no --date).\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_TARGETS,
    .run = cmd_targets,
};
