/*
 * cmd-demo.c: `boshi demo town` and `boshi demo diff` - synthetic resident
 * masters of made-up people for the demo, tests and benchmarks (never real
 * people).  Deterministic: the same seed and date give the same bytes.
 */
#include "cli/cli.h"
#include "demo/town.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static int town_opts(struct cli_ctx *c, int argc, char **argv, struct town_params *p,
                     const char **out, struct ymd *day, int *changes)
{
    static const struct option opts[] = {
        { "residents", required_argument, NULL, 'n' },
        { "seed", required_argument, NULL, 's' },
        { "as-of", required_argument, NULL, 'a' },
        { "day", required_argument, NULL, 'd' },
        { "changes", required_argument, NULL, 'c' },
        { "crlf", no_argument, NULL, 'r' },
        { "shien", required_argument, NULL, 'S' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    int opt;

    town_params_init(p);
    /* a diff is for today, about a master taken yesterday */
    p->as_of = day ? ymd_from_days(ymd_to_days(ymd_today()) - 1) : ymd_today();
    *out = NULL;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'n': p->residents = atol(optarg); break;
        case 's': p->seed = strtoull(optarg, NULL, 10); break;
        case 'r': p->crlf = 1; break;
        case 'S':
            p->shien_per_10k = atoi(optarg);
            if (p->shien_per_10k < 0 || p->shien_per_10k > 10000)
                return cli_errorf(c, "--shien は 1万世帯あたりの世帯数 0〜10000 です「%s」", optarg);
            break;
        case 'o': *out = optarg; break;
        case 'c':
            if (changes == NULL)
                return cli_usage(c);
            *changes = atoi(optarg);
            break;
        case 'a':
            if (cli_parse_date(c, "--as-of", optarg, &p->as_of) < 0)
                return EXIT_USAGE;
            break;
        case 'd':
            if (day == NULL)
                return cli_usage(c);
            if (cli_parse_date(c, "--day", optarg, day) < 0)
                return EXIT_USAGE;
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || *out == NULL)
        return cli_usage(c);
    return EXIT_OK;
}

static int write_town(struct cli_ctx *c, int argc, char **argv, int diff)
{
    struct town_params p;
    struct town_stats s;
    struct ymd day = { 0, 0, 0 };
    int changes = 100, rc;
    const char *out;
    FILE *f;
    struct berr e;

    berr_clear(&e);
    rc = town_opts(c, argc, argv, &p, &out, diff ? &day : NULL, diff ? &changes : NULL);
    if (rc != EXIT_OK)
        return rc;
    if (diff && day.y == 0)
        day = ymd_from_days(ymd_to_days(p.as_of) + 1);
    f = fopen(out, "w");
    if (f == NULL)
        return cli_errorf(c, "%s: 書き込めません (%s)", out, strerror(errno));
    rc = diff ? town_write_diff(f, &p, day, changes, &s, &e) : town_write_csv(f, &p, &s, &e);
    if (fclose(f) != 0 && rc == 0)
        rc = berr_set(&e, BERR_FAIL, "%s: 書き込みに失敗しました", out);
    if (rc < 0) {
        remove(out);
        return cli_fail(c, &e);
    }
    fprintf(c->out, "%s: 架空の町「%s」の住民記録 %ld 人 (%ld 世帯) を書きました\n", out, p.city,
            s.people, s.households);
    return EXIT_OK;
}

static int cmd_demo_town(struct cli_ctx *c, int argc, char **argv)
{
    return write_town(c, argc, argv, 0);
}

static int cmd_demo_diff(struct cli_ctx *c, int argc, char **argv)
{
    return write_town(c, argc, argv, 1);
}

const struct cmd_entry cmd_demo_town_entry = {
    .name = "demo town",
    .usage = "[--residents N] [--seed S] [--as-of 日付] [--crlf] [--shien N] -o FILE.csv",
    .summary = "架空の町の住民記録を生成 / write a synthetic town's resident master",
    .help = "実在しない人々の住民記録連携ファイル (形式: doc/operations.md) を書きます。同じ seed と日付なら同じ内容。\n"
            "Writes made-up people; deterministic for a seed and date.\n"
            "  --residents N   人数 (既定 20000)\n  --as-of 日付     基準日 (既定 今日)\n"
            "  --shien N       1万世帯あたり N 世帯を支援措置の対象にします (世帯全員。列「支援措置」を\n"
            "                  付けます。既定 0: 列なし)。seed と世帯番号で決まります\n"
            "demo diff は同じ町 (同じ --residents/--seed/--as-of) の異動です。既定: 基準日は昨日、異動日は今日。\n",
    .needs = 0,
    .perm = -1,
    .run = cmd_demo_town,
};

const struct cmd_entry cmd_demo_diff_entry = {
    .name = "demo diff",
    .usage = "[--residents N] [--seed S] [--as-of 日付] [--day 日付] [--changes N] [--shien N] "
             "-o FILE.csv",
    .summary = "架空の町の日次異動ファイルを生成 / write a daily 異動 diff for it",
    .needs = 0,
    .perm = -1,
    .run = cmd_demo_diff,
};
