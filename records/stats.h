/*
 * records/stats.h: the counting behind the 母子保健 statistics of the
 * 地域保健・健康増進事業報告 (地域保健編) for a month or a fiscal year.
 *
 * What comes out is counts only: struct stats_tables has no place for a
 * name, a 宛名番号 or anything else that points at a person, so nothing of
 * the kind can leave this module through it.  Every cell is a rule written
 * in reports/README.md (which records, which dates, which ages); the code
 * in records/stats.c follows those rules and nothing else.
 *
 * Not for: drawing the tables (reports/stats.c) or lists of persons
 * (follow-up lists are reports of their own, with their own audit).
 */
#ifndef BOSHI_RECORDS_STATS_H
#define BOSHI_RECORDS_STATS_H

#include "records/accounts.h"

/* 妊娠週数 at notification (妊娠届出書の「届出日現在、満」). */
enum stats_weeks_band {
    STATS_WEEKS_LE11,        /* 満11週以内 */
    STATS_WEEKS_12_19,       /* 満12〜19週 */
    STATS_WEEKS_20_27,       /* 満20〜27週 */
    STATS_WEEKS_GE28,        /* 満28週以上 */
    STATS_WEEKS_POSTPARTUM,  /* 分娩後 */
    STATS_WEEKS_UNKNOWN,     /* 不詳 */
    STATS_WEEKS_COUNT
};

/* The three 乳幼児健康診査, in table order. */
enum stats_checkup {
    STATS_4M,                /* 乳児 (3〜5か月): nyuyoji_4m */
    STATS_1Y6M,              /* 幼児 1歳6か月: nyuyoji_1y6m */
    STATS_3Y,                /* 幼児 3歳: nyuyoji_3y */
    STATS_CHECKUP_COUNT
};

/* 総合判定 (checkups.result). */
enum stats_result {
    STATS_RESULT_IJONASHI,   /* 異常なし */
    STATS_RESULT_KIIRYO,     /* 既医療 */
    STATS_RESULT_YOKANSATSU, /* 要観察 */
    STATS_RESULT_YOSEIMITSU, /* 要精密 */
    STATS_RESULT_YOCHIRYO,   /* 要治療 */
    STATS_RESULT_BLANK,      /* 未記入 (or a value boshi does not know) */
    STATS_RESULT_COUNT
};

/* 精密健康診査の結果 (referrals.result, from the seimitsu_houkoku slip). */
enum stats_seimitsu {
    STATS_SEIMITSU_IJONASHI, /* 異常なし */
    STATS_SEIMITSU_KEIKA,    /* 要経過観察 */
    STATS_SEIMITSU_YOCHIRYO, /* 要治療 */
    STATS_SEIMITSU_CHIRYOCHU,/* 治療中 */
    STATS_SEIMITSU_OTHER,    /* any other value */
    STATS_SEIMITSU_COUNT
};

/* 問診回答状況: the 健やか親子21 indicators, in table order. */
enum stats_indicator {
    STATS_IND_SODATENIKUSA,  /* 育てにくさを感じる (いつも + 時々) */
    STATS_IND_TAISHO,        /* その内 解決方法を知っている */
    STATS_IND_YUTTARI,       /* ゆったりとした気分で子どもと過ごせる時間がある */
    STATS_IND_CHIIKI,        /* この地域で子育てをしたい (そう思う + どちらかといえば) */
    STATS_IND_SMOKE_FATHER,  /* 父の喫煙 あり */
    STATS_IND_SMOKE_MOTHER,  /* 母の喫煙 あり */
    STATS_IND_NINSHIN_KITSUEN,/* 妊娠中の喫煙 あり (3〜4か月 only) */
    STATS_IND_SANGO_CARE,    /* 産後 指導・ケアを十分に受けられた (3〜4か月 only) */
    STATS_IND_GYAKUTAI,      /* 虐待しているのではないかと思う行為 (いずれか) */
    STATS_IND_COUNT
};

/*
 * 乳幼児健康診査問診回答状況 (別紙2 of the 母子保健事業の実施状況等調査): the
 * questions, in table order (reports/README.md 表9).  Each is asked at
 * some checkups only (stats_question_asked).
 */
enum stats_question {
    STATS_Q_SANGO_CARE,      /* 産後の指導・ケア (3〜4か月) */
    STATS_Q_NINSHIN_KITSUEN, /* 妊娠中の喫煙, with 本数 (3〜4か月) */
    STATS_Q_SMOKE_FATHER,    /* 父の喫煙, with 本数 */
    STATS_Q_SMOKE_MOTHER,    /* 母の喫煙, with 本数 */
    STATS_Q_NINSHIN_INSHU,   /* 妊娠中の飲酒 (3〜4か月) */
    STATS_Q_KAKARI_I,        /* かかりつけの医師 (3〜4か月, 3歳) */
    STATS_Q_KAKARI_SHIKA,    /* かかりつけの歯科医師 (3歳) */
    STATS_Q_CHICHI_IKUJI,    /* お父さんは育児をしていますか */
    STATS_Q_YUTTARI,         /* お母さんはゆったりとした気分で過ごせる時間がありますか */
    STATS_Q_SODATENIKUSA,    /* 育てにくさを感じていますか */
    STATS_Q_TAISHO,          /* (感じる人に) 解決する方法を知っていますか */
    STATS_Q_SBS,             /* 乳幼児揺さぶられ症候群を知っていますか (3〜4か月) */
    STATS_Q_KODO,            /* この数か月の間に、ご家庭で次のことがありましたか (複数回答) */
    STATS_Q_CHIIKI,          /* この地域で子育てをしたいですか */
    STATS_Q_COUNT
};
#define STATS_Q_OPTIONS 8    /* most options of one question (STATS_Q_KODO) */

/*
 * One question at one checkup.  Every cell is STATS_NA when the question is
 * not asked there (or the year was frozen before these cells existed).
 */
struct stats_q_row {
    long base;                       /* asked of: 受診実人員 (TAISHO: いつも+時々) */
    long opt[STATS_Q_OPTIONS];       /* answers per option (KODO: marked per option) */
    long none;                       /* 無回答 = base - answered */
    long answered;                   /* 全回答者数 */
    long count_sum, count_n;         /* 喫煙本数: sum of 「あり」's 本数 and how many wrote one */
};

/* A period: a calendar month or a fiscal year (April - March), inclusive. */
struct stats_period {
    struct ymd from, to;
    int fiscal_year;         /* YYYY of a fiscal year (April YYYY - March YYYY+1), 0 for a month */
    int year, month;         /* the month, when fiscal_year == 0 */
    /* set by stats_count: the last day counted when the period is still running
     * (today, before `to`: 年度途中), else {0} */
    struct ymd counted_to;
};

/* Numerator over denominator (no-answers excluded); den < 0: not asked on this form. */
struct stats_ratio {
    long num, den;
};

struct stats_checkup_row {
    long taisho;             /* 対象人員 */
    long jushin;             /* 受診実人員 */
    long result[STATS_RESULT_COUNT];   /* 総合判定, of the 受診実人員 */
    long seimitsu_jushin;    /* 精密健康診査 受診実人員 */
    long seimitsu[STATS_SEIMITSU_COUNT];/* its results */
    long seimitsu_pending;   /* 要精密 with no result yet (未受診・未把握) */
};

/* A cell boshi has no data for: printed 「未集計 (データなし)」, never 0. */
#define STATS_NA (-1L)

/* 訪問指導 targets, in table order (README: 訪問指導). */
enum stats_houmon {
    STATS_HOUMON_NINPU,      /* 妊婦: no record kind (未集計) */
    STATS_HOUMON_SANPU,      /* 産婦 */
    STATS_HOUMON_SHINSEIJI,  /* 新生児 (生後28日未満, 未熟児を除く) */
    STATS_HOUMON_MIJUKUJI,   /* 未熟児 */
    STATS_HOUMON_NYUJI,      /* 乳児 (生後28日以上1歳未満, 未熟児を除く) */
    STATS_HOUMON_YOJI,       /* 幼児 (1歳以上) */
    STATS_HOUMON_COUNT
};

/* 乳幼児健康診査 by age band, in table order (README: 乳幼児の年齢区分). */
enum stats_band {
    STATS_BAND_1_2M, STATS_BAND_3_5M, STATS_BAND_6_8M, STATS_BAND_9_12M,
    STATS_BAND_1Y6M, STATS_BAND_3Y, STATS_BAND_4_6Y, STATS_BAND_OTHER,
    STATS_BAND_COUNT
};

/* The 歯科 checkups. */
enum stats_dental { STATS_DENTAL_1Y6M, STATS_DENTAL_3Y, STATS_DENTAL_COUNT };
#define STATS_CARIES_TYPES 5     /* O1 O2 A B C (1歳6か月) / O A B C1 C2 (3歳) */

/* The checkups whose 受診率 is charted by month. */
enum stats_chart { STATS_CHART_4M, STATS_CHART_10M, STATS_CHART_1Y6M, STATS_CHART_3Y,
                   STATS_CHART_COUNT };

struct stats_band_row {
    long taisho, jitsu, nobe;        /* taisho may be STATS_NA */
};

struct stats_dental_row {
    long jushin;                     /* 受診実人員 */
    long caries_persons;             /* むし歯のある者 */
    long type[STATS_CARIES_TYPES];   /* 罹患型別 */
    long caries_teeth;               /* むし歯の総本数 (一人平均 = caries_teeth / jushin) */
    long fluoride, guidance, soft_tissue, occlusion;
};

struct stats_tables {
    struct stats_period period;
    /* 妊娠届出者数 */
    long todoke[STATS_WEEKS_COUNT];
    long todoke_total;
    long todoke_undated;     /* pregnancy records with no 届出日 at all (never counted above) */
    /* 妊婦一般健康診査 */
    long ninpu_jitsu;        /* 受診実人員 */
    long ninpu_nobe;         /* 受診延人員 */
    /* 乳幼児健康診査 */
    struct stats_checkup_row checkup[STATS_CHECKUP_COUNT];
    /* 乳児 (9〜10か月): nyuyoji_10m, counted as the rows above (its 問診 is not in 表4 or 表9) */
    struct stats_checkup_row checkup_10m;
    /* 問診回答状況 */
    struct stats_ratio ind[STATS_CHECKUP_COUNT][STATS_IND_COUNT];
    /* 乳幼児健康診査問診回答状況 (別紙2) */
    struct stats_q_row q[STATS_CHECKUP_COUNT][STATS_Q_COUNT];
    /* 訪問指導 (visits) */
    long houmon_jitsu[STATS_HOUMON_COUNT], houmon_nobe[STATS_HOUMON_COUNT];
    long houmon_no_birth;    /* visits of a child whose birth date boshi does not know */
    /* 乳幼児健康診査 by age band */
    struct stats_band_row band[STATS_BAND_COUNT];
    long band_outside;       /* infant checkups at an age outside 1〜12か月 (not in a band) */
    /* 歯科健康診査 */
    struct stats_dental_row dental[STATS_DENTAL_COUNT];
    /* 産婦健康診査 */
    long sanpu_jitsu, sanpu_nobe;
    /* 低体重児 (出生体重 < 2500 g, children born in the period) */
    long low_weight;
    long birth_weight_known; /* children born in the period with a 出生体重 on record */
    /* 新生児聴覚検査 */
    long choukaku_jukensha, choukaku_refer, choukaku_kakunin;
    /* 受診率 by month of a fiscal year (April .. March); zero for a month period */
    long chart_taisho[STATS_CHART_COUNT][12], chart_jushin[STATS_CHART_COUNT][12];
    /* pages still in review (queued) read on or after the period's first day:
     * what they hold is not counted yet (確認待ち N ページ未集計) */
    long pending_pages;
};

/* The period of year-month; BERR_INVALID if not a real month (2000..2100). */
int stats_period_month(int year, int month, struct stats_period *out, struct berr *e);
/* The fiscal year starting April `fy`; BERR_INVALID outside 2000..2100. */
int stats_period_fiscal(int fy, struct stats_period *out, struct berr *e);

/* Form id of a charted checkup ("nyuyoji_10m" ...). */
const char *stats_chart_form(enum stats_chart c);

/* Form id of a checkup row ("nyuyoji_4m" ...). */
const char *stats_checkup_form(enum stats_checkup c);
/* 1 if the indicator is asked on that checkup's 問診票. */
int stats_indicator_asked(enum stats_checkup c, enum stats_indicator i);

/* 1 if the question is on that checkup's current 問診票 (別紙2). */
int stats_question_asked(enum stats_checkup c, enum stats_question q);
/* Number of options of a question, and the stored value of option i (NULL past the end). */
int stats_question_options(enum stats_question q);
const char *stats_question_value(enum stats_question q, int i);
/* 1 if the question has a 本数 (喫煙). */
int stats_question_has_count(enum stats_question q);

/*
 * Counts every cell for period p into out (zeroed first).  Needs the
 * `reports` permission; reads in one transaction (a consistent snapshot)
 * and writes one audit entry (function reports.stats, no person, the
 * period as detail).  A fiscal year frozen before a purge (stats_frozen)
 * gives its frozen figures, not a recount.
 */
int stats_count(struct store *st, const struct actor *a, const struct stats_period *p,
                struct stats_tables *out, struct berr *e);

#endif
