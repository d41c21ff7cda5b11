/*
 * vouchers_report.c: the monthly payment list of 妊婦健康診査受診券 - what
 * the health centre pays each clinic: per 医療機関 the vouchers used in the
 * month (受診券番号, 回数, 受診日, 検査項目, 請求額, 公費負担額, 支払額) with a
 * subtotal, the grand total, and on pages of their own the exceptions that
 * are held back (used twice, after the delivery, by someone no longer
 * resident), each with its reason.  Which use is paid is decided in
 * records/vouchers.c; this file only lays it out.
 * Never printed: a 個人番号.
 */
#include "reports/referral.h"

#include <stdio.h>
#include <string.h>

static void yen(long v, char *out, size_t n)
{
    char digits[32];
    int len, k = 0;
    size_t o = 0;

    if (v < 0) {
        snprintf(out, n, "-");
        return;
    }
    len = snprintf(digits, sizeof(digits), "%ld", v);
    for (int i = 0; i < len && o + 2 < n; i++) {
        out[o++] = digits[i];
        k = len - i - 1;
        if (k > 0 && k % 3 == 0)
            out[o++] = ',';
    }
    out[o] = '\0';
}

static int paid(const struct vouchers_line *l)
{
    return l->exception == NULL || l->exception[0] == '\0';
}

static void clinic_label(const struct vouchers_line *l, char *out, size_t n)
{
    snprintf(out, n, "%s  %s", l->clinic_code[0] ? l->clinic_code : "(コードなし)",
             l->clinic_name[0] ? l->clinic_name : "(医療機関マスタに未登録)");
}

int vouchers_report_pdf(struct pdf *p, const char *month_label, const struct vouchers_line *l,
                        size_t n, struct vouchers_totals *tot, struct berr *e)
{
    struct rtable t;
    char title[160], sub[256], kai[32], a[32], b[32], c[32], grp[256];
    size_t i = 0;

    memset(tot, 0, sizeof(*tot));
    for (size_t k = 0; k < n; k++) {
        if (paid(&l[k])) {
            tot->paid++;
            tot->paid_yen += l[k].pay;
        } else {
            tot->exceptions++;
        }
    }
    snprintf(title, sizeof(title), "妊婦健康診査受診券 支払一覧  %s分", month_label);
    snprintf(sub, sizeof(sub), "支払対象 %ld 件  支払額合計 ", tot->paid);
    yen(tot->paid_yen, a, sizeof(a));
    snprintf(sub + strlen(sub), sizeof(sub) - strlen(sub), "%s 円  /  例外 (支払保留) %ld 件 "
             "(別ページ)。支払額 = 請求額と公費負担額の少ない方。", a, tot->exceptions);
    rtable_init(&t, p, title, sub);
    rtable_col(&t, "受診券番号", 30, 0);
    rtable_col(&t, "回数", 16, 1);
    rtable_col(&t, "受診日", 34, 0);
    rtable_col(&t, "氏名", 38, 0);
    rtable_col(&t, "検査項目", 83, 0);
    rtable_col(&t, "請求額", 22, 1);
    rtable_col(&t, "公費負担額", 22, 1);
    rtable_col(&t, "支払額", 22, 1);
    while (i < n) {
        /* one clinic: lines i .. j-1 */
        size_t j = i;
        long count = 0, sum = 0;
        while (j < n && strcmp(l[j].clinic_code, l[i].clinic_code) == 0)
            j++;
        for (size_t k = i; k < j; k++)
            count += paid(&l[k]);
        if (count > 0) {
            clinic_label(&l[i], grp, sizeof(grp));
            const char *row[8] = { grp };
            rtable_row(&t, row, 1);
            tot->clinics++;
        }
        for (size_t k = i; k < j; k++) {
            if (!paid(&l[k]))
                continue;
            snprintf(kai, sizeof(kai), "第%d回", l[k].kai);
            yen(l[k].claimed, a, sizeof(a));
            yen(l[k].fee, b, sizeof(b));
            yen(l[k].pay, c, sizeof(c));
            const char *row[] = { l[k].issue_id, kai, l[k].used_date, l[k].name, l[k].tests, a, b, c };
            rtable_row(&t, row, 0);
            sum += l[k].pay;
        }
        if (count > 0) {
            char lab[64];
            snprintf(lab, sizeof(lab), "小計 %ld 件", count);
            yen(sum, c, sizeof(c));
            const char *row[] = { lab, NULL, NULL, NULL, NULL, NULL, NULL, c };
            rtable_row(&t, row, 2);
        }
        i = j;
    }
    {
        char lab[96];
        snprintf(lab, sizeof(lab), "合計 %ld 件 (%ld 医療機関)", tot->paid, tot->clinics);
        yen(tot->paid_yen, c, sizeof(c));
        const char *row[] = { lab, NULL, NULL, NULL, NULL, NULL, NULL, c };
        rtable_row(&t, row, 2);
    }
    /* the exceptions, on pages of their own */
    snprintf(title, sizeof(title), "妊婦健康診査受診券 例外一覧 (支払保留)  %s分", month_label);
    snprintf(sub, sizeof(sub), "%ld 件。確認のうえ、支払う場合は記録を直してから一覧を作り直してください。",
             tot->exceptions);
    rtable_init(&t, p, title, sub);
    rtable_col(&t, "受診券番号", 28, 0);
    rtable_col(&t, "回数", 14, 1);
    rtable_col(&t, "受診日", 24, 0);
    rtable_col(&t, "医療機関", 52, 0);
    rtable_col(&t, "氏名", 32, 0);
    rtable_col(&t, "理由", 58, 0);
    rtable_col(&t, "詳細", 42, 0);
    rtable_col(&t, "請求額", 17, 1);
    for (size_t k = 0; k < n; k++) {
        if (paid(&l[k]))
            continue;
        if (l[k].kai > 0)
            snprintf(kai, sizeof(kai), "第%d回", l[k].kai);
        else
            snprintf(kai, sizeof(kai), "-");
        clinic_label(&l[k], grp, sizeof(grp));
        yen(l[k].claimed, a, sizeof(a));
        const char *row[] = { l[k].issue_id, kai, l[k].used_date, grp, l[k].name, l[k].exception,
                              l[k].detail, a };
        rtable_row(&t, row, 0);
    }
    if (tot->exceptions == 0) {
        const char *row[8] = { "例外はありません" };
        rtable_row(&t, row, 1);
    }
    return pdf_error(p, e);
}
