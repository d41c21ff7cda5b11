/*
 * cmd-demo-scan.c: `boshi demo scan` - a directory of simulated scans of
 * filled-in forms with their ground truth (demo/sim.h), for the demo, the
 * tests and the benchmarks.  No real person appears: values are generated.
 *
 * Signing key of the QR: with --store, the QR key of the store at --db
 * (store_key(KEY_QR_MAC)), so that boshi accepts the pages; otherwise the
 * fixed demo key 00 01 .. 1f of base/qrpayload.h's example (pages that only
 * a test configured with that key accepts).
 *
 * Pre-filled pages (--from-issues FILE.csv): one line per issued form,
 * header `form,subject,issue,name,kana,birth` (UTF-8, no quoting; birth
 * YYYY-MM-DD or empty), e.g. exported from the issue history.  The command
 * reads only that file, never the store's tables: the simulator stays a
 * demo tool with no access to the records.
 */
#include "cli/cli.h"
#include "demo/sim.h"

#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORMS 32
#define MAX_ITEMS 10000
#define MAX_PAGES 100000

struct csv_rows {
    char *text;                 /* the file, split in place */
    struct sim_item *items;
    size_t n;
};

static void csv_rows_release(struct csv_rows *r)
{
    free(r->text);
    free(r->items);
    memset(r, 0, sizeof(*r));
}

/* Splits line at commas in place into at most max fields; returns the count. */
static int split(char *line, char **f, int max)
{
    int n = 0;
    char *s = line;

    while (n < max) {
        char *comma = strchr(s, ',');
        f[n++] = s;
        if (comma == NULL)
            break;
        *comma = '\0';
        s = comma + 1;
    }
    return n;
}

static int load_issues(struct cli_ctx *c, const char *path, struct csv_rows *rows)
{
    static const char *const cols[6] = { "form", "subject", "issue", "name", "kana", "birth" };
    char *line, *next, *f[16];
    int idx[6], n, lineno = 1;
    size_t len;
    struct berr e;

    berr_clear(&e);
    memset(rows, 0, sizeof(*rows));
    if (file_read_all(path, &rows->text, &len, &e) < 0)
        return cli_fail(c, &e);
    rows->items = xcalloc(MAX_ITEMS, sizeof(*rows->items));
    line = rows->text;
    if (strncmp(line, "\xEF\xBB\xBF", 3) == 0)
        line += 3;
    next = strchr(line, '\n');
    if (next)
        *next++ = '\0';
    line[strcspn(line, "\r")] = '\0';
    n = split(line, f, 16);
    for (int k = 0; k < 6; k++) {
        idx[k] = -1;
        for (int i = 0; i < n; i++)
            if (strcmp(f[i], cols[k]) == 0)
                idx[k] = i;
        if (idx[k] < 0 && k < 3)
            return cli_errorf(c, "%s: 見出し行に %s がありません (form,subject,issue,name,kana,birth)",
                              path, cols[k]);
    }
    for (line = next; line != NULL && *line != '\0'; line = next) {
        struct sim_item *it;
        lineno++;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line[strcspn(line, "\r")] = '\0';
        if (*line == '\0')
            continue;
        if (strchr(line, '"'))
            return cli_errorf(c, "%s:%d: 引用符は使えません", path, lineno);
        if (rows->n == MAX_ITEMS)
            return cli_errorf(c, "%s: %d 行までです", path, MAX_ITEMS);
        n = split(line, f, 16);
        it = &rows->items[rows->n];
        for (int k = 0; k < 6; k++)
            if (idx[k] >= n && k < 3)
                return cli_errorf(c, "%s:%d: 列が足りません", path, lineno);
        it->form = cli_form(c, f[idx[0]]);
        if (it->form == NULL)
            return EXIT_FAIL;
        it->fill.subject = *f[idx[1]] ? f[idx[1]] : NULL;
        it->fill.issue_id = *f[idx[2]] ? f[idx[2]] : NULL;
        if (idx[3] >= 0 && idx[3] < n && *f[idx[3]])
            it->fill.name = f[idx[3]];
        if (idx[4] >= 0 && idx[4] < n && *f[idx[4]])
            it->fill.kana = f[idx[4]];
        if (idx[5] >= 0 && idx[5] < n && *f[idx[5]] &&
            cli_parse_date(c, "birth", f[idx[5]], &it->fill.birth) < 0)
            return EXIT_FAIL;
        rows->n++;
    }
    if (rows->n == 0)
        return cli_errorf(c, "%s: 発行された様式の行がありません", path);
    return EXIT_OK;
}

static int cmd_demo_scan(struct cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        { "forms", required_argument, NULL, 'f' },
        { "pages", required_argument, NULL, 'n' },
        { "profile", required_argument, NULL, 'p' },
        { "seed", required_argument, NULL, 's' },
        { "dpi", required_argument, NULL, 'd' },
        { "format", required_argument, NULL, 't' },
        { "multipage", no_argument, NULL, 'm' },
        { "store", no_argument, NULL, 'k' },
        { "from-issues", required_argument, NULL, 'i' },
        { "output", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    struct sim_batch_opts bo;
    struct sim_batch_stats st;
    const struct forms_form *forms[MAX_FORMS];
    const struct forms_registry *reg;
    const char *forms_arg = NULL, *issues = NULL;
    char *list = NULL, *end;
    unsigned char key[32];
    struct store *store = NULL;
    struct csv_rows rows;
    int opt, use_store = 0, rc = EXIT_OK, n;
    struct berr e;

    berr_clear(&e);
    memset(&rows, 0, sizeof(rows));
    sim_batch_opts_init(&bo);
    bo.pages = 10;
    optind = 0;
    while ((opt = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
        switch (opt) {
        case 'f': forms_arg = optarg; break;
        case 'n':
            bo.pages = (int)strtol(optarg, &end, 10);
            if (*end != '\0' || bo.pages < 1 || bo.pages > MAX_PAGES)
                return cli_usage(c);
            break;
        case 'p':
            if (sim_profile_parse(optarg, &bo.profile, &e) < 0)
                return cli_fail(c, &e);
            break;
        case 's':
            bo.seed = strtoull(optarg, &end, 10);
            if (*end != '\0')
                return cli_usage(c);
            break;
        case 'd':
            bo.dpi = atoi(optarg);
            if (bo.dpi != 200 && bo.dpi != 300)
                return cli_errorf(c, "--dpi は 200 か 300 です");
            break;
        case 't':
            if (sim_format_parse(optarg, &bo.format, &e) < 0)
                return cli_fail(c, &e);
            break;
        case 'm': bo.multipage = 1; break;
        case 'k': use_store = 1; break;
        case 'i': issues = optarg; break;
        case 'o': bo.dir = optarg; break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || bo.dir == NULL || (issues != NULL && forms_arg != NULL))
        return cli_usage(c);
    if (bo.multipage && bo.format != SIM_TIFF)
        return cli_errorf(c, "--multipage は --format tiff のときだけ使えます");
    reg = cli_forms(c);
    if (reg == NULL)
        return EXIT_FAIL;
    if (issues != NULL) {
        rc = load_issues(c, issues, &rows);
        if (rc != EXIT_OK)
            goto cleanup;
        bo.items = rows.items;
        bo.n_items = rows.n;
    } else if (forms_arg != NULL) {
        list = xstrdup(forms_arg);
        char *fl[MAX_FORMS];
        n = split(list, fl, MAX_FORMS);
        for (int i = 0; i < n; i++) {
            forms[i] = cli_form(c, fl[i]);
            if (forms[i] == NULL) {
                rc = EXIT_FAIL;
                goto cleanup;
            }
        }
        bo.forms = forms;
        bo.n_forms = (size_t)n;
    } else {
        for (size_t i = 0; i < forms_registry_count(reg) && i < MAX_FORMS; i++)
            forms[i] = forms_registry_at(reg, i);
        bo.forms = forms;
        bo.n_forms = forms_registry_count(reg) < MAX_FORMS ? forms_registry_count(reg) : MAX_FORMS;
    }
    if (use_store) {
        if (store_open(c->db_path, 0, &store, &e) < 0) {
            rc = cli_fail(c, &e);
            goto cleanup;
        }
        store_key(store, KEY_QR_MAC, key);
    } else {
        for (int i = 0; i < 32; i++)
            key[i] = (unsigned char)i;
    }
    bo.key = key;
    n = sim_batch(&bo, &st, &e);
    if (n < 0) {
        rc = cli_fail(c, &e);
        goto cleanup;
    }
    fprintf(c->out, "%s: 模擬スキャン %d ページ (%d 部, %s, %d dpi, %s) と正解ファイルを書きました\n",
            bo.dir, st.pages, st.sheets, sim_profile_name(bo.profile), bo.dpi,
            sim_format_name(bo.format));
    fprintf(c->out, "  記入 %.0f ms, 描画 %.0f ms, 劣化 %.0f ms, 書き出し %.0f ms (1 ページ平均 %.0f ms)\n",
            st.ms_fill, st.ms_render, st.ms_scan, st.ms_write,
            (st.ms_fill + st.ms_render + st.ms_scan + st.ms_write) / st.pages);
    if (!use_store)
        fprintf(c->out, "  QR は試験用の鍵 (00 01 .. 1f) で署名しました。ストアの鍵には --store\n");
cleanup:
    sodium_memzero(key, sizeof(key));
    store_close(&store);
    csv_rows_release(&rows);
    free(list);
    return rc;
}

const struct cmd_entry cmd_demo_scan_entry = {
    .name = "demo scan",
    .usage = "[--forms f1,f2 | --from-issues FILE.csv] [--pages N] [--profile clean|office|harsh] "
             "[--seed S] [--dpi 200|300] [--format png|jpeg|tiff [--multipage]] [--store] -o DIR",
    .summary = "記入済み様式の模擬スキャンを生成 / write simulated scans with their truth",
    .help = "架空の記入をした様式を描き、スキャナの劣化を加えた画像と正解 (JSON) を DIR に書きます。\n"
            "page-0001.png + page-0001.truth.json ...  同じ seed なら同じ内容。\n"
            "  --forms f1,f2       使う様式 (既定: すべて、順番に)\n"
            "  --from-issues CSV   発行済み様式 (form,subject,issue,name,kana,birth) を記入済みで\n"
            "  --pages N           ページ数 (既定 10)\n"
            "  --profile P         clean (劣化なし), office (軽い), harsh (強い); 既定 clean\n"
            "  --dpi 200|300       既定 300\n"
            "  --format F          png, jpeg, tiff (1 ビットは G4); --multipage で batch.tif も\n"
            "  --store             --db のストアの QR 鍵で署名 (既定: 試験用の鍵)\n"
            "Kana and kanji are drawn with IPAex (print-like), digits with handwriting-style fonts.\n",
    .needs = 0,
    .perm = -1,
    .run = cmd_demo_scan,
};
