/*
 * cmd-alerts.c: `boshi alerts [--all]`, `alerts show`, `alerts close`,
 * `alerts overdue` - the EPDS safety alerts on the command line, apart from
 * the review queue (records/alerts.h; when a page alerts: intake/alerts.c).
 * An alert is closed only with its follow-up: contacted when, by whom, and
 * the 支援方針.  The web UI shows the same alerts on top of the queue.
 */
#include "cli/cli.h"
#include "base/workday.h"
#include "intake/intake.h"
#include "records/alerts.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct show_ctx {
    struct cli_ctx *c;
    int n, detail;
};

static const char *form_title(struct cli_ctx *c, const char *form)
{
    const struct forms_registry *r = cli_forms(c);
    const struct forms_form *f = r ? forms_registry_get(r, form, 0) : NULL;

    return f ? f->title : form;
}

static int print_alert(const struct alert_row *a, void *p)
{
    struct show_ctx *x = p;
    FILE *out = x->c->out;
    char when[64];

    if (!jptime_format(a->created_at, when, sizeof(when)))
        snprintf(when, sizeof(when), "%s", a->created_at);
    x->n++;
    fprintf(out, "★ アラート %lld  [%s]  %s\n", (long long)a->id, *a->closed_at ? "対応済み" : "未対応",
            when);
    if (strncmp(a->form, "nyuyoji_", 8) == 0 || strcmp(a->form, "shinseiji_houmon") == 0) {
        fprintf(out, "  母        %s %s\n", *a->mother ? a->mother : "(世帯に該当なし)",
                a->mother_name);
        fprintf(out, "  お子さん  %s %s\n", *a->person ? a->person : "(未確定)", a->name);
    } else {
        fprintf(out, "  母        %s %s\n", *a->person ? a->person : "(未確定)", a->name);
    }
    fprintf(out, "  医療機関  %s %s\n", *a->clinic_code ? a->clinic_code : "-",
            *a->clinic_name ? a->clinic_name : "");
    fprintf(out, "  様式      %s (ページ %lld)\n", form_title(x->c, a->form), (long long)a->page_id);
    fprintf(out, "  理由      %s\n", a->reason);
    char total[16];
    if (a->epds_total >= 0)
        snprintf(total, sizeof(total), "%d点", a->epds_total);
    else
        snprintf(total, sizeof(total), "不明");
    fprintf(out, "  EPDS      合計 %s  項目10 %s\n", total,
            !*a->item10 ? "-" : strcmp(a->item10, "?") == 0 ? "読み取れず" : a->item10);
    fprintf(out, "  原本      %s\n", a->source);
    if (*a->closed_at) {
        char closed[64];
        if (!jptime_format(a->closed_at, closed, sizeof(closed)))
            snprintf(closed, sizeof(closed), "%s", a->closed_at);
        fprintf(out, "  連絡      %s  %s\n", a->contacted_at, a->contacted_by);
        fprintf(out, "  支援方針  %s\n", a->plan);
        fprintf(out, "  記録      %s (%s)\n", closed, a->closed_by);
    }
    if (!x->detail)
        return 0;
    /* the scanned item, for the nurse to look at */
    struct berr e;
    void *png = NULL;
    size_t len = 0;
    char *dir = xasprintf("%s.alerts", x->c->db_path);
    char *sub = xasprintf("%s/%lld", dir, (long long)a->id);
    mkdir(dir, 0700);
    mkdir(sub, 0700);
    berr_clear(&e);
    if (a->reading_id > 0 && reading_crop(x->c->st, a->reading_id, &png, &len, &e) == 0) {
        char *path = xasprintf("%s/item.png", sub);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0 && write(fd, png, len) == (ssize_t)len)
            fprintf(out, "  切り出し  %s (読み取り %lld)\n", path, (long long)a->reading_id);
        if (fd >= 0)
            close(fd);
        free(path);
    }
    free(png);
    png = NULL;
    struct page_row pg;
    if (cli_forms(x->c) != NULL && page_get(x->c->st, a->page_id, &pg, &e) == 0 &&
        intake_page_png(x->c->db_path, cli_forms(x->c), &pg, a->reading_id, x->c->st, &png, &len,
                        &e) == 0) {
        char *path = xasprintf("%s/page.png", sub);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd >= 0 && write(fd, png, len) == (ssize_t)len)
            fprintf(out, "  ページ    %s (項目を赤枠で表示)\n", path);
        if (fd >= 0)
            close(fd);
        free(path);
    }
    free(png);
    free(dir);
    free(sub);
    return 0;
}

static int cmd_alerts_list(struct cli_ctx *c, int argc, char **argv)
{
    struct show_ctx x = { c, 0, 0 };
    struct berr e;
    int all = 0;

    berr_clear(&e);
    if (argc == 2 && strcmp(argv[1], "--all") == 0)
        all = 1;
    else if (argc != 1)
        return cli_usage(c);
    if (alerts_list(c->st, &c->actor, all ? ALERTS_ALL : ALERTS_OPEN, store_today(c->st), print_alert,
                    &x, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%s %d 件\n", all ? "EPDS アラート" : "未対応の EPDS アラート", x.n);
    return EXIT_OK;
}

static int parse_id(struct cli_ctx *c, const char *s, int64_t *id)
{
    char *end;

    errno = 0;
    *id = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || *id <= 0 || errno) {
        cli_errorf(c, "番号が正しくありません「%s」", s);
        return -1;
    }
    return 0;
}

static int cmd_alerts_show(struct cli_ctx *c, int argc, char **argv)
{
    struct show_ctx x = { c, 0, 1 };
    struct berr e;
    int64_t id;

    berr_clear(&e);
    if (argc != 2)
        return cli_usage(c);
    if (parse_id(c, argv[1], &id) < 0)
        return EXIT_USAGE;
    if (alert_get(c->st, &c->actor, id, print_alert, &x, &e) < 0)
        return cli_fail(c, &e);
    return EXIT_OK;
}

static int cmd_alerts_close(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "contacted-at", required_argument, NULL, 'a' },
        { "by", required_argument, NULL, 'b' },
        { "plan", required_argument, NULL, 'p' },
        { NULL, 0, NULL, 0 },
    };
    struct alert_followup f = { NULL, NULL, NULL };
    struct berr e;
    int64_t id;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'a': f.contacted_at = optarg; break;
        case 'b': f.contacted_by = optarg; break;
        case 'p': f.plan = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1)
        return cli_usage(c);
    if (parse_id(c, argv[optind], &id) < 0)
        return EXIT_USAGE;
    if (alert_close(c->st, &c->actor, id, &f, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "アラート %lld の対応を記録しました (未対応の一覧から外れます)\n", (long long)id);
    return EXIT_OK;
}

static int cmd_alerts_overdue(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "date", required_argument, NULL, 'd' },
        { NULL, 0, NULL, 0 },
    };
    struct show_ctx x = { c, 0, 0 };
    struct ymd today = store_today(c->st);
    char day[40];
    struct berr e;
    int opt;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd':
            if (cli_parse_date(c, "--date", optarg, &today) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc)
        return cli_usage(c);
    jpdate_format(today, day, sizeof(day));
    fprintf(c->out, "%s 現在、1開庁日を超えて未対応の EPDS アラート\n", day);
    if (alerts_list(c->st, &c->actor, ALERTS_OVERDUE, today, print_alert, &x, &e) < 0)
        return cli_fail(c, &e);
    fprintf(c->out, "%d 件\n", x.n);
    return EXIT_OK;
}

const struct cmd_entry cmd_alerts_list_entry = {
    .name = "alerts",
    .usage = "[--all]",
    .summary = "EPDS アラート (未対応) の一覧 / open EPDS safety alerts, oldest first",
    .help = "産婦健診・4か月児健診・新生児訪問の EPDS が合計9点以上、項目10が1点以上、または項目10が\n"
            "読み取れない"
            "ページは、取込の当日にアラートになります (確認待ちとは別)。--all で対応済みも表示します。\n"
            "EPDS alerts (total >= 9, item 10 >= 1, or item 10 unreadable) are raised the day a page\n"
            "is read, apart from the review queue. --all includes the closed ones.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_alerts_list,
};

const struct cmd_entry cmd_alerts_show_entry = {
    .name = "alerts show",
    .usage = "ID",
    .summary = "アラートの詳細と画像 / one alert, with the scanned item and page",
    .help = "母・医療機関・理由を表示し、読み取った項目の切り出しとページ画像を\n"
            "記録ストアの横 (boshi.db.alerts/ID/) に書きます。\n"
            "Writes the crop of the scanned item and the page beside the store.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_alerts_show,
};

const struct cmd_entry cmd_alerts_close_entry = {
    .name = "alerts close",
    .usage = "ID --contacted-at 'YYYY-MM-DD HH:MM' --by 氏名 --plan 支援方針",
    .summary = "アラートの対応を記録 / record the follow-up and close the alert",
    .help = "連絡日時 (日本時間)・連絡した職員・支援方針のどれが欠けても記録しません。\n"
            "Contacted when (Japan time), by whom, and the support plan are all required; audited.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_alerts_close,
};

const struct cmd_entry cmd_alerts_overdue_entry = {
    .name = "alerts overdue",
    .usage = "[--date YYYY-MM-DD]",
    .summary = "1開庁日を超えた未対応アラート (管理者向け日次) / open alerts older than one working day",
    .help = "土日・祝日・年末年始 (12/29〜1/3) を除いて数え、取込の翌開庁日を過ぎても未対応のアラートを\n"
            "一覧にします (--date: その日の時点で)。\n"
            "The daily list for the manager: alerts still open after the working day following\n"
            "the day they were raised (weekends, national holidays and 12/29-1/3 do not count).\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_alerts_overdue,
};
