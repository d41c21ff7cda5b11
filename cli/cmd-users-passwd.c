/*
 * cmd-users-passwd.c: `boshi users passwd LOGIN` - sets the password an
 * account logs in to the web UI with.  Read from the terminal without echo
 * (asked twice), or one line from stdin when it is not a terminal.  Needs
 * users.admin, or LOGIN being the caller's own account.
 */
#include "cli/cli.h"
#include "records/web.h"

#include <sodium.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

/* One line from fd 0 into buf (newline removed); echo off on a terminal. */
static int read_secret(struct cli_ctx *c, const char *prompt, char *buf, size_t n)
{
    struct termios old, quiet;
    int tty = isatty(STDIN_FILENO), ok;

    if (tty) {
        fputs(prompt, c->err);
        fflush(c->err);
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    ok = fgets(buf, (int)n, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', c->err);
    }
    if (!ok)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

static int cmd_users_passwd(struct cli_ctx *c, int argc, char **argv)
{
    char pw[WEB_PASSWORD_MAX + 2], again[WEB_PASSWORD_MAX + 2];
    struct berr e;
    int rc = EXIT_FAIL;

    berr_clear(&e);
    if (argc != 2)
        return cli_usage(c);
    if (read_secret(c, "新しいパスワード: ", pw, sizeof(pw)) < 0) {
        rc = cli_errorf(c, "パスワードが入力されませんでした");
        goto cleanup;
    }
    if (isatty(STDIN_FILENO)) {
        if (read_secret(c, "もう一度: ", again, sizeof(again)) < 0 || strcmp(pw, again) != 0) {
            rc = cli_errorf(c, "2回の入力が一致しません");
            goto cleanup;
        }
    }
    if (web_password_set(c->st, &c->actor, argv[1], pw, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    fprintf(c->out, "利用者「%s」のパスワードを設定しました\n", argv[1]);
    rc = EXIT_OK;
cleanup:
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(again, sizeof(again));
    return rc;
}

const struct cmd_entry cmd_users_passwd_entry = {
    .name = "users passwd",
    .usage = "LOGIN",
    .summary = "Web 画面のパスワードを設定 / set an account's web password",
    .help = "パスワードは端末から (表示せずに2回) 、または標準入力の1行目から読みます。\n"
            "8文字以上。設定するとログイン失敗の回数とロックも解除されます。\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = -1,
    .run = cmd_users_passwd,
};
