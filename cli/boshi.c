/*
 * boshi.c: the entry point and the command table.  Finds the subcommand
 * (the longest run of words matching an entry's name), handles the global
 * options and `--help` at every level, and does the shared work described
 * in cli.h.  Subcommands are in cli/cmd-*.c.
 */
#include "cli/cli.h"
#include "boshi-config.h"

#include <getopt.h>
#include <pwd.h>
#include <utf8proc.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define CMD(x) extern const struct cmd_entry x;
#include "cli/commands.h"
#undef CMD

static const struct cmd_entry *const commands[] = {
#define CMD(x) &x,
#include "cli/commands.h"
#undef CMD
    NULL,
};

static const char *const global_help =
    "使い方: boshi [--db PATH] コマンド [引数...]\n"
    "usage: boshi [--db PATH] COMMAND [ARGS...]\n"
    "\n"
    "母子保健の帳票を読み取り、記録・通知・統計を作るシステムです。\n"
    "Maternal and child health records from scanned forms.\n"
    "\n"
    "共通オプション / global options:\n"
    "  --db PATH    記録ストア (既定: $BOSHI_DB または ./boshi.db)\n"
    "               the store (default: $BOSHI_DB or ./boshi.db)\n"
    "  --help, -h   このヘルプ / this help (also after any command)\n"
    "\n"
    "コマンド / commands:\n";

static void print_command_list(FILE *f, const char *prefix)
{
    size_t plen = prefix ? strlen(prefix) : 0;

    for (size_t i = 0; commands[i] != NULL; i++) {
        if (plen && strncmp(commands[i]->name, prefix, plen) != 0)
            continue;
        fprintf(f, "  %-22s %s\n", commands[i]->name, commands[i]->summary);
    }
}

int cli_usage(struct cli_ctx *c)
{
    fprintf(c->err, "boshi %s: 引数またはオプションが正しくありません\n", c->cmd->name);
    fprintf(c->err, "使い方 / usage: boshi %s %s\n", c->cmd->name, c->cmd->usage);
    fprintf(c->err, "詳しくは / see: boshi %s --help\n", c->cmd->name);
    return EXIT_USAGE;
}

/*
 * Every message goes out with its 12-digit runs blanked: whatever a module
 * or a command echoed (a value from the wrong column, an argument), a
 * 個人番号 never reaches the terminal, a log or a screenshot by an error.
 */
int cli_fail(struct cli_ctx *c, const struct berr *e)
{
    char *m = xstrdup(e->msg[0] ? e->msg : "失敗しました / failed");

    mask_digit_runs(m);
    fprintf(c->err, "boshi: %s\n", m);
    free(m);
    return EXIT_FAIL;
}

int cli_errorf(struct cli_ctx *c, const char *fmt, ...)
{
    va_list ap;
    struct buf b;

    buf_init(&b);
    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    mask_digit_runs(b.s);
    fprintf(c->err, "boshi: %s\n", b.s);
    buf_release(&b);
    return EXIT_FAIL;
}

int cli_wants_help(struct cli_ctx *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fprintf(c->out, "使い方 / usage: boshi %s %s\n\n%s\n", c->cmd->name, c->cmd->usage,
                    c->cmd->summary);
            if (c->cmd->help)
                fprintf(c->out, "\n%s", c->cmd->help);
            return 1;
        }
    }
    return 0;
}

static struct forms_registry *registry;

const struct forms_registry *cli_forms(struct cli_ctx *c)
{
    char exe[4096];
    const char *env = getenv("BOSHI_FORMS_DIR");
    char *dir = NULL;
    struct berr e;
    ssize_t n;

    if (registry != NULL)
        return registry;
    berr_clear(&e);
    if (env != NULL) {
        dir = xstrdup(env);
    } else {
        n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
            exe[n] = '\0';
            char *slash = strrchr(exe, '/');
            if (slash)
                *slash = '\0';
            /* ./boshi and build/san/boshi in a source tree */
            static const char *const rel[] = { "/forms/defs", "/../../forms/defs" };
            for (size_t i = 0; i < 2 && dir == NULL; i++) {
                char *d = xasprintf("%s%s", exe, rel[i]);
                if (access(d, R_OK) == 0)
                    dir = d;
                else
                    free(d);
            }
        }
        if (dir == NULL)
            dir = xstrdup(BOSHI_DATADIR "/defs");
    }
    if (forms_registry_load_dir(dir, &registry, &e) < 0) {
        cli_errorf(c, "様式定義を読み込めません (%s):\n%s", dir, e.msg);
        registry = NULL;
    }
    free(dir);
    return registry;
}

const struct forms_form *cli_form(struct cli_ctx *c, const char *id)
{
    const struct forms_registry *r = cli_forms(c);
    const struct forms_form *f;

    if (r == NULL)
        return NULL;
    f = forms_registry_get(r, id, 0);
    if (f == NULL) {
        cli_errorf(c, "様式「%s」はありません。使える様式:", id);
        for (size_t i = 0; i < forms_registry_count(r); i++)
            fprintf(c->err, "  %-18s %s\n", forms_registry_at(r, i)->id,
                    forms_registry_at(r, i)->title);
    }
    return f;
}

void cli_col(FILE *f, const char *s, int w)
{
    int n = utf8_width(s);

    if (n > w) {
        /* too wide: cut at a character, by display width, and mark the cut */
        const unsigned char *p = (const unsigned char *)s;
        n = 0;
        while (*p) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate(p, -1, &cp);
            int cw = k > 0 ? utf8proc_charwidth(cp) : 1;
            if (k <= 0)
                k = 1;
            if (n + cw > w - 1)
                break;
            fwrite(p, 1, (size_t)k, f);
            n += cw;
            p += k;
        }
        fputs("…", f);    /* U+2026, one column */
        n++;
    } else {
        fputs(s, f);
    }
    for (; n < w; n++)
        fputc(' ', f);
    fputc(' ', f);
}

int cli_parse_date(struct cli_ctx *c, const char *opt, const char *s, struct ymd *out)
{
    if (jpdate_parse(s, out) < 0) {
        cli_errorf(c, "%s: 日付が読めません「%s」(例: 2026-04-01 または 令和8年4月1日)", opt, s);
        cli_usage(c);
        return -1;
    }
    return 0;
}

void cli_instant_jst(const char *iso, char *out, size_t n)
{
    struct tm tm;
    char date[48];

    memset(&tm, 0, sizeof(tm));
    if (iso == NULL || sscanf(iso, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                              &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
        snprintf(out, n, "%s", iso ? iso : "");
        return;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm) + 9 * 3600;       /* JST, no summer time */
    struct tm j;
    gmtime_r(&t, &j);
    jpdate_format((struct ymd){ j.tm_year + 1900, j.tm_mon + 1, j.tm_mday }, date, sizeof(date));
    snprintf(out, n, "%s %02d:%02d:%02d", date, j.tm_hour, j.tm_min, j.tm_sec);
}

static int digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

void cli_dates_wareki(const char *s, struct buf *out)
{
    for (const char *p = s; *p;) {
        if (digits(p, 4) && p[4] == '-' && digits(p + 5, 2) && (p == s || p[-1] < '0' || p[-1] > '9')) {
            char w[48], iso[11];
            if (p[7] == '-' && digits(p + 8, 2) && !(p[10] >= '0' && p[10] <= '9')) {
                memcpy(iso, p, 10);
                iso[10] = '\0';
                cli_iso_wareki(iso, w, sizeof(w));
                buf_adds(out, w);
                p += 10;
                continue;
            }
            if (!(p[7] >= '0' && p[7] <= '9') && p[7] != '-') {
                int y = atoi(p), m = atoi(p + 5);
                if (m >= 1 && m <= 12) {
                    cli_month_label(y, m, w, sizeof(w));
                    buf_adds(out, w);
                    p += 7;
                    continue;
                }
            }
        }
        buf_addc(out, *p++);
    }
}

void cli_iso_wareki(const char *iso, char *out, size_t n)
{
    struct ymd d;

    if (iso != NULL && ymd_parse_iso(iso, &d) == 0 && ymd_valid(d))
        jpdate_format(d, out, n);
    else
        snprintf(out, n, "%s", iso ? iso : "");
}

void cli_month_label(int y, int m, char *out, size_t n)
{
    struct wareki w;

    if (jpdate_to_wareki((struct ymd){ y, m, 1 }, &w) < 0)
        snprintf(out, n, "%d年%d月", y, m);
    else if (w.year == 1)
        snprintf(out, n, "%s元年%d月", jp_era_name(w.era), w.month);
    else
        snprintf(out, n, "%s%d年%d月", jp_era_name(w.era), w.year, w.month);
}

int cli_parse_month(struct cli_ctx *c, const char *s, int *y, int *m)
{
    char extra;

    if (sscanf(s, "%4d-%2d%c", y, m, &extra) != 2 || *m < 1 || *m > 12 || *y < 2000 || *y > 2100) {
        cli_errorf(c, "--month は YYYY-MM (月は 01〜12) です「%s」", s);
        cli_usage(c);
        return -1;
    }
    return 0;
}

int cli_parse_encoding(struct cli_ctx *c, const char *s, enum csvout_encoding *out)
{
    if (strcasecmp(s, "cp932") == 0 || strcasecmp(s, "utf-8") == 0 || strcasecmp(s, "utf8") == 0) {
        *out = strcasecmp(s, "cp932") == 0 ? CSVOUT_CP932 : CSVOUT_UTF8_BOM;
        return 0;
    }
    cli_errorf(c, "--encoding は utf-8 か cp932 です「%s」", s);
    cli_usage(c);
    return -1;
}

/* Finds the entry whose name matches the most leading words of argv. */
static const struct cmd_entry *find_command(int argc, char **argv, int *words)
{
    const struct cmd_entry *best = NULL;
    int best_words = 0;

    for (size_t i = 0; commands[i] != NULL; i++) {
        const char *n = commands[i]->name;
        int w = 0;
        const char *p = n;
        while (w < argc) {
            size_t len = strlen(argv[w]);
            if (strncmp(p, argv[w], len) != 0 || (p[len] != ' ' && p[len] != '\0'))
                break;
            w++;
            p += len;
            if (*p == '\0')
                break;
            p++;
        }
        if (*p == '\0' && w > best_words) {
            best = commands[i];
            best_words = w;
        }
    }
    *words = best_words;
    return best;
}

static const char *os_user_name(void)
{
    struct passwd *pw = getpwuid(geteuid());

    return pw ? pw->pw_name : NULL;
}

int cli_account(struct cli_ctx *c, int perm)
{
    const char *u = os_user_name();
    struct berr e;

    berr_clear(&e);
    if (u == NULL) {
        cli_errorf(c, "OSユーザーを特定できません / cannot tell the OS user");
        return -1;
    }
    if (actor_for_os_user(c->st, u, &c->actor, &e) < 0 ||
        (perm >= 0 && actor_require(&c->actor, perm, &e) < 0)) {
        cli_fail(c, &e);
        return -1;
    }
    return 0;
}

int cli_qr_key(struct cli_ctx *c, unsigned char key[32])
{
    struct berr e;

    berr_clear(&e);
    if (actor_require(&c->actor, PERM_FORMS_PRINT, &e) < 0) {
        cli_fail(c, &e);
        return -1;
    }
    store_key(c->st, KEY_QR_MAC, key);
    return 0;
}

/*
 * Tesseract's OpenMP reads OMP_THREAD_LIMIT once, when the process starts;
 * more threads than one per worker made every field slower (ARCHITECTURE.md §6).
 * So the limit is put in the environment and the process started again,
 * once, before anything else happens.
 */
static void limit_openmp(char **argv)
{
    if (getenv("OMP_THREAD_LIMIT") != NULL)
        return;
    setenv("OMP_THREAD_LIMIT", "1", 1);
    execv("/proc/self/exe", argv);
    /* if that fails, go on: slower, not wrong */
}

int main(int argc, char **argv)
{
    struct cli_ctx c;
    struct berr e;
    int i = 1, words = 0, rc = EXIT_FAIL, db_from_option = 0;
    const struct cmd_entry *cmd;

    limit_openmp(argv);
    opterr = 0;     /* getopt's own messages are English: cli_usage() speaks instead */
    memset(&c, 0, sizeof(c));
    berr_clear(&e);
    /* nothing boshi prints, an echoed argument included, can drive the terminal (cli/term.c) */
    c.out = cli_safe_stream(stdout);
    c.err = cli_safe_stream(stderr);
    c.db_path = getenv("BOSHI_DB") ? getenv("BOSHI_DB") : "boshi.db";
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            c.db_path = argv[i + 1];
            db_from_option = 1;
            i += 2;
        } else if (strncmp(argv[i], "--db=", 5) == 0) {
            c.db_path = argv[i] + 5;
            db_from_option = 1;
            i++;
        } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(global_help, stdout);
            print_command_list(stdout, NULL);
            rc = EXIT_OK;
            goto cleanup;
        } else {
            cli_errorf(&c, "不明なオプション / unknown option: %s", argv[i]);
            rc = EXIT_USAGE;
            goto cleanup;
        }
    }
    if (i >= argc) {
        fputs(global_help, stderr);
        print_command_list(stderr, NULL);
        rc = EXIT_USAGE;
        goto cleanup;
    }
    cmd = find_command(argc - i, argv + i, &words);
    if (cmd == NULL) {
        /* A group name alone ("boshi users") lists its commands. */
        int group = 0;
        for (size_t k = 0; commands[k] != NULL; k++) {
            size_t len = strlen(argv[i]);
            if (strncmp(commands[k]->name, argv[i], len) == 0 && commands[k]->name[len] == ' ')
                group = 1;
        }
        if (group) {
            int help = i + 1 < argc && (strcmp(argv[i + 1], "--help") == 0 ||
                                        strcmp(argv[i + 1], "-h") == 0);
            FILE *f = help ? c.out : c.err;
            fprintf(f, "使い方 / usage: boshi %s サブコマンド ...\n", argv[i]);
            print_command_list(f, argv[i]);
            rc = help ? EXIT_OK : EXIT_USAGE;
            goto cleanup;
        }
        cli_errorf(&c, "不明なコマンド / unknown command: %s\n"
                       "一覧は boshi --help / see boshi --help", argv[i]);
        rc = EXIT_USAGE;
        goto cleanup;
    }
    c.cmd = cmd;
    /* argv for the command starts at its last name word. */
    int cargc = argc - i - words + 1;
    char **cargv = argv + i + words - 1;
    if (cli_wants_help(&c, cargc, cargv)) {
        rc = EXIT_OK;
        goto cleanup;
    }
    if (cmd->needs & NEED_STORE) {
        if (access(c.db_path, F_OK) != 0) {
            /* a mistyped --db must not lead to a second store: say where boshi looked */
            char cwd[4096];
            const char *from = db_from_option ? "--db で指定" : getenv("BOSHI_DB") ? "環境変数 BOSHI_DB"
                                                                           : "既定の ./boshi.db";
            int abs = c.db_path[0] == '/';
            rc = cli_errorf(&c, "記録ストアが見つかりません: %s%s%s%s (%s)\n"
                            "  --db PATH か環境変数 BOSHI_DB で、いま使っている記録ストアを指定してください。",
                            c.db_path, abs ? "" : " (", abs ? "" : (getcwd(cwd, sizeof(cwd)) ? cwd : "?"),
                            abs ? "" : " で探しました)", from);
            goto cleanup;
        }
        if (store_open(c.db_path, 0, &c.st, &e) < 0) {
            rc = cli_fail(&c, &e);
            goto cleanup;
        }
    }
    if ((cmd->needs & NEED_ACCOUNT) && cli_account(&c, cmd->perm) < 0) {
        rc = EXIT_FAIL;
        goto cleanup;
    }
    rc = cmd->run(&c, cargc, cargv);
    if (fflush(c.out) != 0 || ferror(c.out) || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "boshi: 標準出力への書き込みに失敗しました / write error on stdout\n");
        rc = EXIT_FAIL;
    }
cleanup:
    store_close(&c.st);
    forms_registry_free(&registry);
    if (c.out != stdout)
        fclose(c.out);
    if (c.err != stderr)
        fclose(c.err);
    return rc;
}
