/*
 * cmd-demo-scan.c: `boshi demo scan` - a directory of simulated scans of
 * filled-in forms with their ground truth (demo/sim.h), for the demo, the
 * tests and the benchmarks.  No real person appears: values are generated.
 *
 * Signing key of the QR: with --store, the QR key of the store at --db
 * (store_key(KEY_QR_MAC)), so that boshi accepts the pages - only for an
 * account with forms.print, and only into a demo store (boshi init --demo:
 * a real store never sees a page the simulator signed); otherwise the
 * fixed demo key 00 01 .. 1f of base/qrpayload.h's example (pages that only
 * a test configured with that key accepts).
 *
 * Pre-filled pages (--from-issues FILE.csv): the list `boshi targets`
 * writes beside its PDF, or any CSV with form,subject,issue,name,kana,birth
 * columns.  The command reads only that file, never the store's tables:
 * the simulator stays a demo tool with no access to the records.
 */
#include "cli/cli.h"
#include "demo/sim.h"

#include <csv.h>
#include <errno.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FORMS 32
#define MAX_PAGES 100000

struct csv_rows {
    char **cells;               /* every field of the file, owned */
    size_t n_cells, a_cells;
    size_t *row_start;          /* first cell of each row */
    size_t n_rows, a_rows;
    int in_row;
    struct sim_item *items;
    size_t n;
};

static void csv_rows_release(struct csv_rows *r)
{
    for (size_t i = 0; i < r->n_cells; i++)
        free(r->cells[i]);
    free(r->cells);
    free(r->row_start);
    free(r->items);
    memset(r, 0, sizeof(*r));
}

/* Splits an option's comma list in place into at most max items; returns the count. */
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

static void on_field(void *s, size_t len, void *p)
{
    struct csv_rows *r = p;

    if (!r->in_row) {
        if (r->n_rows == r->a_rows) {
            r->a_rows = r->a_rows ? r->a_rows * 2 : 64;
            r->row_start = xrealloc(r->row_start, r->a_rows * sizeof(*r->row_start));
        }
        r->row_start[r->n_rows++] = r->n_cells;
        r->in_row = 1;
    }
    if (r->n_cells == r->a_cells) {
        r->a_cells = r->a_cells ? r->a_cells * 2 : 256;
        r->cells = xrealloc(r->cells, r->a_cells * sizeof(*r->cells));
    }
    r->cells[r->n_cells++] = xstrndup(s ? s : "", len);
}

static void on_row(int term, void *p)
{
    (void)term;
    ((struct csv_rows *)p)->in_row = 0;
}

static const char *cell(const struct csv_rows *r, size_t row, int col)
{
    size_t end = row + 1 < r->n_rows ? r->row_start[row + 1] : r->n_cells;
    size_t i = r->row_start[row] + (size_t)col;

    return col >= 0 && i < end ? r->cells[i] : "";
}

/*
 * The issued forms to fill: a CSV with a header naming its columns, in
 * English (form,subject,issue,name,kana,birth) or as `boshi targets` writes
 * its list (宛名番号,氏名,カナ,生年月日,受診番号,発行番号,状態; the form is then the
 * first of --forms).  An optional column version (版) fills that version of
 * the form (paper printed before a newer one); else the latest.  Rows
 * without an issue id (exceptions, not issued) are skipped.
 */
static int load_issues(struct cli_ctx *c, const char *path, const char *default_form,
                       struct csv_rows *rows)
{
    static const char *const cols[8][2] = {
        { "form", "様式" }, { "subject", "宛名番号" }, { "issue", "発行番号" }, { "name", "氏名" },
        { "kana", "カナ" }, { "birth", "生年月日" }, { "jushin_no", "受診番号" }, { "version", "版" },
    };
    struct csv_parser p;
    char *text = NULL;
    size_t len = 0;
    int idx[8];
    struct berr e;

    berr_clear(&e);
    memset(rows, 0, sizeof(*rows));
    if (file_read_all(path, &text, &len, &e) < 0)
        return cli_fail(c, &e);
    size_t off = len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    csv_init(&p, CSV_APPEND_NULL);
    if (csv_parse(&p, text + off, len - off, on_field, on_row, rows) != len - off ||
        csv_fini(&p, on_field, on_row, rows) != 0) {
        csv_free(&p);
        free(text);
        return cli_errorf(c, "%s: CSV の形式が不正です (%s)", path, csv_strerror(csv_error(&p)));
    }
    csv_free(&p);
    free(text);
    if (rows->n_rows < 2)
        return cli_errorf(c, "%s: 発行された様式の行がありません", path);
    for (int k = 0; k < 8; k++) {
        idx[k] = -1;
        for (int i = 0; idx[k] < 0 && *cell(rows, 0, i); i++)
            if (strcmp(cell(rows, 0, i), cols[k][0]) == 0 || strcmp(cell(rows, 0, i), cols[k][1]) == 0)
                idx[k] = i;
    }
    if (idx[1] < 0 || idx[2] < 0 || (idx[0] < 0 && default_form == NULL))
        return cli_errorf(c, "%s: 見出し行に 宛名番号 (subject)・発行番号 (issue)、様式 (form) か "
                          "--forms が必要です", path);
    rows->items = xcalloc(rows->n_rows, sizeof(*rows->items));
    for (size_t row = 1; row < rows->n_rows; row++) {
        struct sim_item *it = &rows->items[rows->n];
        if (*cell(rows, row, idx[2]) == '\0')
            continue;
        const char *id = idx[0] >= 0 ? cell(rows, row, idx[0]) : default_form;
        it->form = cli_form(c, id);
        if (it->form == NULL)
            return EXIT_FAIL;
        if (idx[7] >= 0 && *cell(rows, row, idx[7])) {
            it->form = forms_registry_get(cli_forms(c), id, atoi(cell(rows, row, idx[7])));
            if (it->form == NULL)
                return cli_errorf(c, "%s: %zu 行目: 様式 %s 第%s版 はありません", path, row + 1, id,
                                  cell(rows, row, idx[7]));
        }
        /* no subject: a blank copy boshi printed (its issue id only) */
        it->fill.subject = *cell(rows, row, idx[1]) ? cell(rows, row, idx[1]) : NULL;
        it->fill.issue_id = cell(rows, row, idx[2]);
        if (*cell(rows, row, idx[3]))
            it->fill.name = cell(rows, row, idx[3]);
        if (*cell(rows, row, idx[4]))
            it->fill.kana = cell(rows, row, idx[4]);
        if (*cell(rows, row, idx[6]))
            it->fill.jushin_no = cell(rows, row, idx[6]);
        if (*cell(rows, row, idx[5]) &&
            cli_parse_date(c, "birth", cell(rows, row, idx[5]), &it->fill.birth) < 0)
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
        { "as-of", required_argument, NULL, 'a' },
        { "set", required_argument, NULL, 'S' },
        { "hand-kana", required_argument, NULL, 'K' },
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
    int opt, use_store = 0, rc = EXIT_OK, n, n_set = 0;
    const char *set[33];
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
        case 'a':
            if (cli_parse_date(c, "--as-of", optarg, &bo.as_of) < 0)
                return EXIT_FAIL;
            break;
        case 'S':
            if (n_set == 32)
                return cli_errorf(c, "--set は 32 個までです");
            set[n_set++] = optarg;
            set[n_set] = NULL;
            break;
        case 'K':
            bo.hand_kana = strtoull(optarg, &end, 10);
            if (*end != '\0' || bo.hand_kana == 0)
                return cli_errorf(c, "--hand-kana は 1 以上の整数です");
            break;
        default: return cli_usage(c);
        }
    }
    if (optind != argc || bo.dir == NULL)
        return cli_usage(c);
    if (n_set > 0)
        bo.set = set;
    if (bo.multipage && bo.format != SIM_TIFF)
        return cli_errorf(c, "--multipage は --format tiff のときだけ使えます");
    reg = cli_forms(c);
    if (reg == NULL)
        return EXIT_FAIL;
    if (issues != NULL) {
        /* the targets list has no form column: the first of --forms */
        char first[64] = "";
        if (forms_arg)
            snprintf(first, sizeof(first), "%.*s", (int)strcspn(forms_arg, ","), forms_arg);
        rc = load_issues(c, issues, first[0] ? first : NULL, &rows);
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
        /* pages signed with the site key are forms boshi accepts: an account that may
         * print them, and only into a store made for synthetic data */
        if (store_open(c->db_path, 0, &store, &e) < 0) {
            rc = cli_fail(c, &e);
            goto cleanup;
        }
        c->st = store;
        if (cli_account(c, PERM_FORMS_PRINT) < 0) {
            rc = EXIT_FAIL;
            goto cleanup;
        }
        if (store_require_demo(store, "boshi demo scan --store", &e) < 0) {
            rc = cli_fail(c, &e);
            goto cleanup;
        }
        if (cli_qr_key(c, key) < 0) {
            rc = EXIT_FAIL;
            goto cleanup;
        }
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
    if (c->st == store)
        c->st = NULL;
    store_close(&store);
    csv_rows_release(&rows);
    free(list);
    return rc;
}

const struct cmd_entry cmd_demo_scan_entry = {
    .name = "demo scan",
    .usage = "[--forms f1,f2] [--from-issues FILE.csv] [--pages N] [--profile clean|office|harsh] "
             "[--seed S] [--dpi 200|300] [--format png|jpeg|tiff [--multipage]] [--store] [--as-of DATE] [--set FIELD=VALUE[:how]]... [--hand-kana HAND] -o DIR",
    .summary = "記入済み様式の模擬スキャンを生成 / write simulated scans with their truth",
    .help = "架空の記入をした様式を描き、スキャナの劣化を加えた画像と正解 (JSON) を DIR に書きます。\n"
            "page-0001.png + page-0001.truth.json ...  同じ seed なら同じ内容。\n"
            "  --forms f1,f2       使う様式 (既定: すべて、順番に)\n"
            "  --from-issues CSV   発行済み様式を記入済みで: boshi targets の一覧 CSV (様式は --forms)\n"
            "                      または form,subject,issue,name,kana,birth の CSV\n"
            "  --pages N           ページ数 (既定 10)\n"
            "  --profile P         clean (劣化なし), office (軽い), harsh (強い); 既定 clean\n"
            "  --dpi 200|300       既定 300\n"
            "  --format F          png, jpeg, tiff (1 ビットは G4); --multipage で batch.tif も\n"
            "  --store             --db のストアの QR 鍵で署名 (既定: 試験用の鍵)。boshi init --demo で作った\n"
            "                      ストアだけ、様式の印刷 (forms.print) ができる利用者だけ\n"
            "  --as-of DATE        記入した日 (健診の実施日はこの日、ほかの日付はその前; 既定 2025-04-01)\n"
            "  --set F=V[:how]     項目 F の値を V に (空で未記入)。how: tick, cross, fill, faint, stray,\n"
            "                      slash, circle, pencil\n"
            "                      (例: --set epds_10=1 --set epds_total=3, --set epds_10=0:faint)\n"
            "  --hand-kana HAND    カナの升を手書き (筆画) で: HAND は書き手の番号 (900000 以上は学習に使わない)\n"
            "Kana and kanji are drawn with IPAex (print-like), digits with handwriting-style fonts;\n"
            "--hand-kana HAND writes the kana boxes stroke by stroke in writer HAND (demo/handkana.c).\n",
    .needs = 0,
    .perm = -1,
    .run = cmd_demo_scan,
};
