/*
 * cmd-serve.c: `boshi serve` - the nurses' web UI (review/).  Reads the TLS
 * certificate and key files, starts the server and waits for SIGINT or
 * SIGTERM.  Started only by an OS user whose boshi account holds the review
 * permission today (the server hands the queue out; it must not run under
 * an account with no grants or none at all).  Prints where it listens; logs nothing about requests (no
 * person's data, no 個人番号 ever reaches a log).
 */
#include "cli/cli.h"
#include "review/review.h"

#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static int cmd_serve(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "listen", required_argument, NULL, 'l' },
        { "tls-cert", required_argument, NULL, 'c' },
        { "tls-key", required_argument, NULL, 'k' },
        { "insecure", no_argument, NULL, 'i' },
        { "behind-proxy", no_argument, NULL, 'p' },
        { "threads", required_argument, NULL, 't' },
        { "max-connections", required_argument, NULL, 'm' },
        { "max-per-address", required_argument, NULL, 'a' },
        { "request-timeout", required_argument, NULL, 'r' },
        { NULL, 0, NULL, 0 },
    };
    struct review_server_opts o;
    struct review_server *srv = NULL;
    const char *cert_path = NULL, *key_path = NULL;
    char *cert = NULL, *key = NULL;
    size_t n;
    struct berr e;
    struct sigaction sa;
    int opt, rc = EXIT_FAIL;

    berr_clear(&e);
    memset(&o, 0, sizeof(o));
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'l': o.listen = optarg; break;
        case 'c': cert_path = optarg; break;
        case 'k': key_path = optarg; break;
        case 'i': o.insecure = 1; break;
        case 'p': o.behind_proxy = 1; break;
        case 't': o.threads = atoi(optarg); break;
        case 'm': o.max_connections = atoi(optarg); break;
        case 'a': o.max_per_address = atoi(optarg); break;
        case 'r': o.request_timeout = atoi(optarg); break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || (cert_path == NULL) != (key_path == NULL))
        return cli_usage(c);
    if (cert_path && (file_read_all(cert_path, &cert, &n, &e) < 0 ||
                      file_read_all(key_path, &key, &n, &e) < 0)) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    o.store_path = c->db_path;
    o.forms = cli_forms(c);
    if (o.forms == NULL)
        goto cleanup;
    o.tls_cert_pem = cert;
    o.tls_key_pem = key;
    if (review_server_start(&o, &srv, &e) < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    fprintf(c->out, "読取確認の画面を %s://%s で公開しています (Ctrl+C で終了)\n", cert ? "https" : "http",
            o.listen ? o.listen : "127.0.0.1:8080");
    fprintf(c->out, "listening on port %u\n", (unsigned)review_server_port(srv));
    fflush(c->out);
    while (!stop_requested)
        pause();
    rc = EXIT_OK;
cleanup:
    review_server_stop(&srv);
    free(cert);
    free(key);
    return rc;
}

const struct cmd_entry cmd_serve_entry = {
    .name = "serve",
    .usage = "[--listen ADDR:PORT] [--tls-cert FILE --tls-key FILE] [--insecure] [--behind-proxy] [--threads N] "
             "[--max-connections N] [--max-per-address N] [--request-timeout SECONDS]",
    .summary = "読取確認の Web 画面を公開 / serve the nurses' web UI",
    .help = "  --listen ADDR:PORT   待ち受けるアドレス (既定 127.0.0.1:8080、ポート 0 は空いている番号)\n"
            "  --tls-cert, --tls-key  PEM の証明書と鍵: HTTPS で公開します\n"
            "  --insecure           暗号化なしの HTTP を 127.0.0.1 以外でも許す (閉じたネットワークのみ)\n"
            "  --behind-proxy       nginx などのリバースプロキシが HTTPS を受けて転送する (doc/nginx-boshi.conf)。\n"
            "                       Cookie に Secure を付け、接続数はアドレスごとでなく全体で数えます\n"
            "  --threads N          同時に処理する要求の数 = 記録ストアへの接続の数 (既定 8)\n"
            "  --max-connections N  同時に開いておける接続の数 (既定 256)。超えると最も長く待っている接続を閉じます\n"
            "  --max-per-address N  1つの端末 (アドレス) からの接続の数 (既定 16)。端末サーバーなど\n"
            "                       複数の職員が1つのアドレスを使うときは増やしてください\n"
            "  --request-timeout S  要求を送り終えるまで、また次の要求まで待つ秒数 (既定 10)\n"
            "ログインは boshi の利用者名と `boshi users passwd` で設定したパスワードです。\n"
            "起動する OS ユーザーには、読取確認 (review) の権限が有効な boshi の利用者が必要です。\n"
            "The OS user starting the server needs a boshi account with the review permission.\n",
    .needs = NEED_STORE | NEED_ACCOUNT,
    .perm = PERM_REVIEW,
    .run = cmd_serve,
};
