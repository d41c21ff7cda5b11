/*
 * cmd-backup.c: `boshi backup FILE` and `boshi restore FILE [--db TARGET]
 * [--force]` - encrypted backups of the store and their checked restore
 * (records/backup.c).  The passphrase comes from $BOSHI_BACKUP_PASSPHRASE,
 * else one line of standard input (asked for without echo on a terminal).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* The passphrase into a new string (caller wipes and frees), or NULL with a message. */
static char *passphrase(struct cli_ctx *c, const char *prompt)
{
    const char *env = getenv("BOSHI_BACKUP_PASSPHRASE");
    char line[1024];
    struct termios t, quiet;
    int tty = isatty(STDIN_FILENO), got;
    size_t n;

    if (env != NULL && *env != '\0')
        return xstrdup(env);
    if (tty) {
        fprintf(stderr, "%s", prompt);
        tcgetattr(STDIN_FILENO, &t);
        quiet = t;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    got = fgets(line, sizeof(line), stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &t);
        fputc('\n', stderr);
    }
    if (!got) {
        cli_errorf(c, "合言葉がありません: 環境変数 BOSHI_BACKUP_PASSPHRASE か標準入力の1行で渡してください "
                      "(no passphrase)");
        return NULL;
    }
    n = strcspn(line, "\r\n");
    line[n] = '\0';
    char *p = xstrdup(line);
    memset(line, 0, sizeof(line));
    return p;
}

static void wipe(char *p)
{
    if (p) {
        memset(p, 0, strlen(p));
        free(p);
    }
}

static void size_label(int64_t b, char *out, size_t n)
{
    if (b >= 1024 * 1024)
        snprintf(out, n, "%.1f MB", (double)b / (1024.0 * 1024.0));
    else
        snprintf(out, n, "%.1f KB", (double)b / 1024.0);
}

static int cmd_backup(struct cli_ctx *c, int argc, char **argv)
{
    struct backup_report rep;
    struct berr e;
    char *pass, s1[32], s2[32];
    int rc;

    berr_clear(&e);
    if (argc != 2 || argv[1][0] == '-')
        return cli_usage(c);
    pass = passphrase(c, "バックアップの合言葉 / passphrase: ");
    if (pass == NULL)
        return EXIT_FAIL;
    rc = backup_write(c->st, &c->actor, argv[1], pass, &rep, &e);
    wipe(pass);
    if (rc < 0)
        return cli_fail(c, &e);
    size_label(rep.db_bytes, s1, sizeof(s1));
    size_label(rep.file_bytes, s2, sizeof(s2));
    fprintf(c->out, "バックアップしました: %s\n", argv[1]);
    fprintf(c->out, "  データベース %s、原本 %ld 件、アクセス記録 第%lld件まで\n", s1, rep.scans,
            (long long)rep.audit_seq);
    fprintf(c->out, "  暗号化したファイル %s、%.1f 秒\n", s2, rep.seconds);
    fprintf(c->out, "  合言葉がなければ復元できません。合言葉はこのファイルと別に保管してください。\n");
    return EXIT_OK;
}

const struct cmd_entry cmd_backup_entry = {
    .name = "backup",
    .usage = "FILE",
    .summary = "記録ストアを暗号化してバックアップ / encrypted online backup",
    .help = "  FILE  書き出すバックアップ (既にあれば中止) / the backup file (never overwritten)\n"
            "合言葉 (12 バイト以上) は環境変数 BOSHI_BACKUP_PASSPHRASE か標準入力の1行。\n"
            "The passphrase (12 bytes or more) comes from $BOSHI_BACKUP_PASSPHRASE or one\n"
            "line of standard input; the backup key is derived from it (argon2id), never\n"
            "from the site key.  Online: intake and the web UI keep writing.  The file\n"
            "carries the database, the site key and the kept original scans, encrypted\n"
            "(XChaCha20-Poly1305); it is written as FILE.tmp and renamed when complete.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_BACKUP,
    .run = cmd_backup,
};

static int cmd_restore(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "db", required_argument, NULL, 'd' },
        { "force", no_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    struct restore_report rep;
    struct passwd *pw = getpwuid(geteuid());
    const char *target = c->db_path;
    struct berr e;
    char *pass, s1[32];
    int opt, force = 0, rc;

    berr_clear(&e);
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'd': target = optarg; break;
        case 'f': force = 1; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc - 1)
        return cli_usage(c);
    pass = passphrase(c, "バックアップの合言葉 / passphrase: ");
    if (pass == NULL)
        return EXIT_FAIL;
    rc = backup_restore(argv[optind], target, pass, force, pw ? pw->pw_name : "?", &rep, &e);
    wipe(pass);
    if (rc < 0)
        return cli_fail(c, &e);
    size_label(rep.db_bytes, s1, sizeof(s1));
    fprintf(c->out, "復元しました: %s → %s\n", argv[optind], target);
    fprintf(c->out, "  データベース %s、原本 %ld 件、アクセス記録 %lld 件を検証: 正常、%.1f 秒\n", s1,
            rep.scans, (long long)rep.audit_checked, rep.seconds);
    return EXIT_OK;
}

const struct cmd_entry cmd_restore_entry = {
    .name = "restore",
    .usage = "FILE [--db TARGET] [--force]",
    .summary = "バックアップから記録ストアを復元 / restore a backup, checked",
    .help = "  FILE         boshi backup で作ったファイル / a file made by boshi backup\n"
            "  --db TARGET  復元先 (既定: --db か BOSHI_DB か ./boshi.db) / where to restore\n"
            "  --force      既存の記録ストアを置き換える / replace an existing store\n"
            "Decrypts into TARGET.tmp, checks the database and its access-log chain (as\n"
            "audit verify does), then renames it to TARGET with its site key TARGET.key.\n"
            "A tampered or cut file, a wrong passphrase or a chain that does not verify is\n"
            "refused and leaves nothing behind.  Stop intake and serve before --force.\n",
    .needs = 0,
    .perm = -1,
    .run = cmd_restore,
};
