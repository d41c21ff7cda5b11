/*
 * town.c: the synthetic town (see town.h for the contract).
 *
 * How a town is made.  Household number i (0, 1, 2 ...) is generated from
 * its own PRNG stream seeded by (seed, i), so any household can be rebuilt
 * on its own; the master is households 0 .. H-1 where H is the first count
 * reaching params.residents people.  Keys come from the household number and
 * the member's slot (0..7) through bijections, so they are unique without a
 * table:
 *   宛名番号  1_000_000_000 + perm(i*8 + slot)          (diffs: 2_...)
 *   世帯番号  the 世帯主's 宛名番号
 *   個人番号  11 digits = affine(perm31(i*8 + slot)) + check digit
 * A household is made in two steps: household_people() (who lives there:
 * type, ages, names, address) then household_events() (the last 異動 of
 * each member and the 住民状態).
 *
 * Not for: anything but synthetic data.  Rates are tuned to look like a
 * small Japanese town (births ~8 per 1000 a year, ~2% 転出, ~1% 死亡).
 */
#include "demo/town.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define HH_MAX 8                 /* slots per household: keys use i*8 + slot */
#define YEAR_DAYS 365.2425
#define FLUSH_AT (1u << 20)
#define NONE_DAY (-1000000L)

/* ---- PRNG: splitmix64 seeding, xoshiro256** ------------------------------ */

enum stream { STREAM_HOUSEHOLD = 1, STREAM_DIFF = 2, STREAM_INFLOW = 3 };

struct rng { uint64_t s[4]; };

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, uint64_t seed, enum stream stream, uint64_t index)
{
    uint64_t x = seed;
    uint64_t a = splitmix64(&x);

    x = a ^ ((uint64_t)stream * 0xD1B54A32D192ED03ULL);
    a = splitmix64(&x);
    x = a + index * 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t v, int k)
{
    return (v << k) | (v >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;

    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

static double rng_unit(struct rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Uniform in [0, n); n > 0.  The modulo bias is far below what matters here. */
static long rng_below(struct rng *r, long n)
{
    return (long)(rng_next(r) % (uint64_t)n);
}

/* Uniform in [lo, hi]; returns lo when hi < lo. */
static long rng_range(struct rng *r, long lo, long hi)
{
    if (hi <= lo)
        return lo;
    return lo + rng_below(r, hi - lo + 1);
}

static int rng_chance(struct rng *r, double p)
{
    return rng_unit(r) < p;
}

/* ---- keys ----------------------------------------------------------------- */

/* A bijection of [0, 2^bits) (xor key, xorshift, odd multiply). */
static uint64_t mix_bits(uint64_t x, uint64_t key, int bits)
{
    uint64_t m = (1ULL << bits) - 1;

    x = (x ^ key) & m;
    x ^= x >> (bits / 2);
    x = (x * 0x2C1B3C6DULL) & m;
    x ^= x >> (bits / 2 - 3);
    x = (x * 0x297A2D39ULL) & m;
    x ^= x >> (bits / 2);
    return x;
}

/* A bijection of [0, 10^9) by cycle walking inside [0, 2^30). */
static uint64_t perm_1e9(uint64_t x, uint64_t key)
{
    do
        x = mix_bits(x, key, 30);
    while (x >= 1000000000ULL);
    return x;
}

static uint64_t atena_master(uint64_t key, uint64_t index, int slot)
{
    return 1000000000ULL + perm_1e9(index * HH_MAX + (uint64_t)slot, key);
}

/* New people of a diff day: n < 10,000 a day, day < 100,000 days. */
static uint64_t atena_new(uint64_t key, long day, int n)
{
    return 2000000000ULL + perm_1e9((uint64_t)day * 10000 + (uint64_t)n, key ^ 0x5555);
}

/*
 * 個人番号 domain: master people x = i*8 + slot < 10^9, new people of a diff
 * 10^9 + day*10000 + n < 2^31.  perm31 is a bijection, the affine map is
 * injective mod 9*10^10 (multiplier prime to 2, 3, 5), so numbers are unique.
 */
static uint64_t mynumber11(uint64_t x, uint64_t key)
{
    const uint64_t span = 90000000000ULL;
    uint64_t y = mix_bits(x, key ^ 0x3C3C, 31);

    return 10000000000ULL + (y * 1000003ULL + (key % span)) % span;
}

/* ---- names ---------------------------------------------------------------- */

struct sur { const char *kanji, *kana; };

/* Ordered roughly by frequency; picks are skewed towards the top. */
static const struct sur surnames[] = {
    {"佐藤", "サトウ"}, {"鈴木", "スズキ"}, {"高橋", "タカハシ"}, {"田中", "タナカ"},
    {"伊藤", "イトウ"}, {"渡辺", "ワタナベ"}, {"山本", "ヤマモト"}, {"中村", "ナカムラ"},
    {"小林", "コバヤシ"}, {"加藤", "カトウ"}, {"吉田", "ヨシダ"}, {"山田", "ヤマダ"},
    {"佐々木", "ササキ"}, {"山口", "ヤマグチ"}, {"松本", "マツモト"}, {"井上", "イノウエ"},
    {"木村", "キムラ"}, {"林", "ハヤシ"}, {"斎藤", "サイトウ"}, {"清水", "シミズ"},
    {"山崎", "ヤマザキ"}, {"森", "モリ"}, {"池田", "イケダ"}, {"橋本", "ハシモト"},
    {"阿部", "アベ"}, {"石川", "イシカワ"}, {"山下", "ヤマシタ"}, {"中島", "ナカジマ"},
    {"石井", "イシイ"}, {"小川", "オガワ"}, {"前田", "マエダ"}, {"岡田", "オカダ"},
    {"長谷川", "ハセガワ"}, {"藤田", "フジタ"}, {"後藤", "ゴトウ"}, {"近藤", "コンドウ"},
    {"村上", "ムラカミ"}, {"遠藤", "エンドウ"}, {"青木", "アオキ"}, {"坂本", "サカモト"},
    {"斉藤", "サイトウ"}, {"福田", "フクダ"}, {"太田", "オオタ"}, {"西村", "ニシムラ"},
    {"藤井", "フジイ"}, {"金子", "カネコ"}, {"岡本", "オカモト"}, {"藤原", "フジワラ"},
    {"中野", "ナカノ"}, {"三浦", "ミウラ"}, {"原田", "ハラダ"}, {"中川", "ナカガワ"},
    {"松田", "マツダ"}, {"竹内", "タケウチ"}, {"小野", "オノ"}, {"田村", "タムラ"},
    {"中山", "ナカヤマ"}, {"和田", "ワダ"}, {"石田", "イシダ"}, {"森田", "モリタ"},
    {"上田", "ウエダ"}, {"原", "ハラ"}, {"内田", "ウチダ"}, {"柴田", "シバタ"},
    {"酒井", "サカイ"}, {"宮崎", "ミヤザキ"}, {"横山", "ヨコヤマ"}, {"高木", "タカギ"},
    {"安藤", "アンドウ"}, {"宮本", "ミヤモト"}, {"大野", "オオノ"}, {"小島", "コジマ"},
    {"谷口", "タニグチ"}, {"今井", "イマイ"}, {"工藤", "クドウ"}, {"高田", "タカダ"},
    {"増田", "マスダ"}, {"丸山", "マルヤマ"}, {"杉山", "スギヤマ"}, {"村田", "ムラタ"},
    {"大塚", "オオツカ"}, {"新井", "アライ"}, {"小山", "コヤマ"}, {"平野", "ヒラノ"},
    {"藤本", "フジモト"}, {"河野", "コウノ"}, {"上野", "ウエノ"}, {"野口", "ノグチ"},
    {"武田", "タケダ"}, {"松井", "マツイ"}, {"千葉", "チバ"}, {"岩崎", "イワサキ"},
    {"菅原", "スガワラ"}, {"木下", "キノシタ"}, {"久保", "クボ"}, {"佐野", "サノ"},
    {"野村", "ノムラ"}, {"松尾", "マツオ"}, {"市川", "イチカワ"}, {"菊地", "キクチ"},
    {"杉本", "スギモト"}, {"古川", "フルカワ"}, {"大西", "オオニシ"}, {"島田", "シマダ"},
    {"水野", "ミズノ"}, {"桜井", "サクライ"}, {"高野", "タカノ"}, {"渡部", "ワタナベ"},
    {"吉川", "ヨシカワ"}, {"山内", "ヤマウチ"}, {"西田", "ニシダ"}, {"飯田", "イイダ"},
    {"菊池", "キクチ"}, {"西川", "ニシカワ"}, {"小松", "コマツ"}, {"北村", "キタムラ"},
    {"安田", "ヤスダ"}, {"五十嵐", "イガラシ"}, {"川口", "カワグチ"}, {"平田", "ヒラタ"},
    {"関", "セキ"}, {"中田", "ナカタ"}, {"久保田", "クボタ"}, {"服部", "ハットリ"},
    {"東", "アズマ"}, {"岩田", "イワタ"}, {"土屋", "ツチヤ"}, {"川崎", "カワサキ"},
    {"福島", "フクシマ"}, {"本田", "ホンダ"}, {"辻", "ツジ"}, {"樋口", "ヒグチ"},
    {"秋山", "アキヤマ"}, {"田口", "タグチ"}, {"永井", "ナガイ"}, {"山中", "ヤマナカ"},
    {"中西", "ナカニシ"}, {"吉村", "ヨシムラ"}, {"川上", "カワカミ"}, {"石原", "イシハラ"},
    {"大橋", "オオハシ"}, {"松岡", "マツオカ"}, {"馬場", "ババ"}, {"浅野", "アサノ"},
    {"荒木", "アラキ"}, {"大久保", "オオクボ"}, {"野田", "ノダ"}, {"小池", "コイケ"},
    {"松下", "マツシタ"}, {"菅野", "カンノ"}, {"熊谷", "クマガイ"}, {"大谷", "オオタニ"},
    {"星野", "ホシノ"}, {"黒田", "クロダ"}, {"堀", "ホリ"}, {"尾崎", "オザキ"},
    {"望月", "モチヅキ"}, {"永田", "ナガタ"}, {"内藤", "ナイトウ"}, {"松村", "マツムラ"},
    {"西山", "ニシヤマ"}, {"平井", "ヒライ"}, {"大島", "オオシマ"}, {"岩本", "イワモト"},
    {"片山", "カタヤマ"}, {"本間", "ホンマ"}, {"早川", "ハヤカワ"}, {"横田", "ヨコタ"},
    {"岡崎", "オカザキ"}, {"荒井", "アライ"}, {"大石", "オオイシ"}, {"鎌田", "カマタ"},
    {"成田", "ナリタ"}, {"宮田", "ミヤタ"}, {"小田", "オダ"}, {"石橋", "イシバシ"},
    {"篠原", "シノハラ"}, {"須藤", "スドウ"}, {"河合", "カワイ"}, {"大川", "オオカワ"},
    {"高山", "タカヤマ"}, {"吉岡", "ヨシオカ"}, {"中尾", "ナカオ"}, {"小西", "コニシ"},
    {"広瀬", "ヒロセ"}, {"松原", "マツバラ"}, {"今村", "イマムラ"}, {"庄司", "ショウジ"},
    {"上原", "ウエハラ"}, {"長尾", "ナガオ"}, {"今野", "コンノ"}, {"小沢", "オザワ"},
    {"坂口", "サカグチ"}, {"宮下", "ミヤシタ"}, {"奥村", "オクムラ"}, {"田辺", "タナベ"},
    {"河村", "カワムラ"}, {"北川", "キタガワ"}, {"榎本", "エノモト"}, {"堤", "ツツミ"},
    {"緒方", "オガタ"}, {"神田", "カンダ"}, {"牧野", "マキノ"}, {"矢野", "ヤノ"},
    {"桑原", "クワバラ"}, {"小倉", "オグラ"}, {"大森", "オオモリ"}, {"小泉", "コイズミ"},
    {"金井", "カナイ"}, {"堀内", "ホリウチ"}, {"富田", "トミタ"}, {"栗原", "クリハラ"},
    {"関口", "セキグチ"}, {"山根", "ヤマネ"}, {"徳永", "トクナガ"}, {"浜田", "ハマダ"},
    {"吉野", "ヨシノ"}, {"八木", "ヤギ"}, {"東海林", "ショウジ"}, {"城", "ジョウ"},
};
#define N_SURNAMES ((long)(sizeof(surnames) / sizeof(surnames[0])))
_Static_assert(sizeof(surnames) / sizeof(surnames[0]) >= 150, "at least 150 surnames");

/* 異体字 spellings (tricky_names): same reading as surnames[base]. */
struct variant { const char *base, *kanji; double p; };
static const struct variant variants[] = {
    {"高橋", "髙橋", 0.15}, {"斎藤", "齋藤", 0.12}, {"斎藤", "齊藤", 0.12},
    {"山崎", "山﨑", 0.15}, {"渡辺", "渡邊", 0.10}, {"渡辺", "渡邉", 0.10},
};
#define N_VARIANTS ((int)(sizeof(variants) / sizeof(variants[0])))

/* era: 0 born before 1960, 1 1960-1994, 2 from 1995.  Sorted by era. */
struct given { const char *kanji, *kana; unsigned char era; };

static const struct given female_names[] = {
    {"和子", "カズコ", 0}, {"幸子", "サチコ", 0}, {"節子", "セツコ", 0}, {"洋子", "ヨウコ", 0},
    {"京子", "キョウコ", 0}, {"恵子", "ケイコ", 0}, {"美智子", "ミチコ", 0}, {"弘子", "ヒロコ", 0},
    {"悦子", "エツコ", 0}, {"文子", "フミコ", 0}, {"信子", "ノブコ", 0}, {"喜代子", "キヨコ", 0},
    {"照子", "テルコ", 0}, {"澄子", "スミコ", 0}, {"静子", "シズコ", 0}, {"千代子", "チヨコ", 0},
    {"光子", "ミツコ", 0}, {"典子", "ノリコ", 0}, {"順子", "ジュンコ", 0}, {"勝子", "カツコ", 0},
    {"敏子", "トシコ", 0}, {"芳子", "ヨシコ", 0}, {"昭子", "アキコ", 0}, {"和江", "カズエ", 0},
    {"正子", "マサコ", 0}, {"君子", "キミコ", 0}, {"多恵子", "タエコ", 0}, {"富子", "トミコ", 0},
    {"裕子", "ユウコ", 1}, {"優子", "ユウコ", 1}, {"真由美", "マユミ", 1}, {"由美子", "ユミコ", 1},
    {"久美子", "クミコ", 1}, {"直美", "ナオミ", 1}, {"智子", "トモコ", 1}, {"恵美", "エミ", 1},
    {"明美", "アケミ", 1}, {"陽子", "ヨウコ", 1}, {"美香", "ミカ", 1}, {"香織", "カオリ", 1},
    {"由紀", "ユキ", 1}, {"真理子", "マリコ", 1}, {"純子", "ジュンコ", 1}, {"理恵", "リエ", 1},
    {"麻衣", "マイ", 1}, {"愛", "アイ", 1}, {"彩", "アヤ", 1}, {"千尋", "チヒロ", 1},
    {"沙織", "サオリ", 1}, {"瞳", "ヒトミ", 1}, {"恵", "メグミ", 1}, {"亜希子", "アキコ", 1},
    {"友美", "トモミ", 1}, {"奈美", "ナミ", 1}, {"早苗", "サナエ", 1}, {"綾", "アヤ", 1},
    {"美穂", "ミホ", 1}, {"聡子", "サトコ", 1}, {"由香", "ユカ", 1}, {"麻美", "アサミ", 1},
    {"千春", "チハル", 1}, {"貴子", "タカコ", 1}, {"美紀", "ミキ", 1}, {"恭子", "キョウコ", 1},
    {"京香", "キョウカ", 1}, {"祐子", "ユウコ", 1}, {"亜紀", "アキ", 1}, {"梓", "アズサ", 1},
    {"陽菜", "ヒナ", 2}, {"結愛", "ユア", 2}, {"結衣", "ユイ", 2}, {"杏", "アン", 2},
    {"凛", "リン", 2}, {"紬", "ツムギ", 2}, {"芽依", "メイ", 2}, {"葵", "アオイ", 2},
    {"莉子", "リコ", 2}, {"美咲", "ミサキ", 2}, {"心春", "コハル", 2}, {"咲良", "サクラ", 2},
    {"さくら", "サクラ", 2}, {"陽葵", "ヒマリ", 2}, {"花", "ハナ", 2}, {"結菜", "ユイナ", 2},
    {"美月", "ミヅキ", 2}, {"彩花", "アヤカ", 2}, {"七海", "ナナミ", 2}, {"優奈", "ユウナ", 2},
    {"愛莉", "アイリ", 2}, {"琴音", "コトネ", 2}, {"真央", "マオ", 2}, {"美羽", "ミウ", 2},
    {"楓", "カエデ", 2}, {"柚希", "ユズキ", 2}, {"小春", "コハル", 2}, {"詩", "ウタ", 2},
    {"澪", "ミオ", 2}, {"萌", "モエ", 2}, {"千夏", "チナツ", 2}, {"里奈", "リナ", 2},
    {"彩乃", "アヤノ", 2}, {"菜々子", "ナナコ", 2}, {"日菜子", "ヒナコ", 2}, {"杏奈", "アンナ", 2},
    {"瑠奈", "ルナ", 2}, {"乃愛", "ノア", 2}, {"凪", "ナギ", 2}, {"朱莉", "アカリ", 2},
    {"心結", "ミユ", 2}, {"莉緒", "リオ", 2}, {"優花", "ユウカ", 2}, {"遥", "ハルカ", 2},
    {"美優", "ミユ", 2}, {"彩音", "アヤネ", 2}, {"ひかり", "ヒカリ", 2}, {"菜月", "ナツキ", 2},
    {"京花", "キョウカ", 2}, {"珠莉", "ジュリ", 2},
};
#define N_FEMALE ((int)(sizeof(female_names) / sizeof(female_names[0])))
_Static_assert(sizeof(female_names) / sizeof(female_names[0]) >= 100, "100 female names");

static const struct given male_names[] = {
    {"清", "キヨシ", 0}, {"茂", "シゲル", 0}, {"勇", "イサム", 0}, {"博", "ヒロシ", 0},
    {"実", "ミノル", 0}, {"進", "ススム", 0}, {"勝", "マサル", 0}, {"弘", "ヒロシ", 0},
    {"正", "タダシ", 0}, {"武", "タケシ", 0}, {"三郎", "サブロウ", 0}, {"一郎", "イチロウ", 0},
    {"正男", "マサオ", 0}, {"和夫", "カズオ", 0}, {"幸雄", "ユキオ", 0}, {"昭", "アキラ", 0},
    {"修", "オサム", 0}, {"隆", "タカシ", 0}, {"稔", "ミノル", 0}, {"孝", "タカシ", 0},
    {"義雄", "ヨシオ", 0}, {"秀夫", "ヒデオ", 0}, {"豊", "ユタカ", 0}, {"光男", "ミツオ", 0},
    {"敏夫", "トシオ", 0}, {"昇", "ノボル", 0}, {"久雄", "ヒサオ", 0}, {"正一", "ショウイチ", 0},
    {"恭一", "キョウイチ", 0}, {"保", "タモツ", 0}, {"忠", "タダシ", 0}, {"俊夫", "トシオ", 0},
    {"浩", "ヒロシ", 1}, {"誠", "マコト", 1}, {"健一", "ケンイチ", 1}, {"大輔", "ダイスケ", 1},
    {"直樹", "ナオキ", 1}, {"達也", "タツヤ", 1}, {"和也", "カズヤ", 1}, {"哲也", "テツヤ", 1},
    {"拓也", "タクヤ", 1}, {"剛", "ツヨシ", 1}, {"健太", "ケンタ", 1}, {"亮", "リョウ", 1},
    {"聡", "サトシ", 1}, {"淳", "ジュン", 1}, {"学", "マナブ", 1}, {"智之", "トモユキ", 1},
    {"秀樹", "ヒデキ", 1}, {"雄一", "ユウイチ", 1}, {"裕介", "ユウスケ", 1}, {"洋平", "ヨウヘイ", 1},
    {"慎也", "シンヤ", 1}, {"俊介", "シュンスケ", 1}, {"隆之", "タカユキ", 1}, {"康弘", "ヤスヒロ", 1},
    {"賢治", "ケンジ", 1}, {"浩二", "コウジ", 1}, {"修平", "シュウヘイ", 1}, {"啓介", "ケイスケ", 1},
    {"良太", "リョウタ", 1}, {"大樹", "ダイキ", 1}, {"祐介", "ユウスケ", 1}, {"直人", "ナオト", 1},
    {"誠一", "セイイチ", 1}, {"恭平", "キョウヘイ", 1}, {"純一", "ジュンイチ", 1}, {"弘樹", "ヒロキ", 1},
    {"周平", "シュウヘイ", 1}, {"翔太", "ショウタ", 1},
    {"蓮", "レン", 2}, {"陽翔", "ハルト", 2}, {"湊", "ミナト", 2}, {"蒼", "アオイ", 2},
    {"樹", "イツキ", 2}, {"悠真", "ユウマ", 2}, {"大翔", "ヒロト", 2}, {"陽太", "ヨウタ", 2},
    {"朝陽", "アサヒ", 2}, {"結翔", "ユイト", 2}, {"悠人", "ユウト", 2}, {"律", "リツ", 2},
    {"颯真", "ソウマ", 2}, {"奏太", "カナタ", 2}, {"碧", "アオイ", 2}, {"新", "アラタ", 2},
    {"大和", "ヤマト", 2}, {"陸", "リク", 2}, {"悠斗", "ユウト", 2}, {"翔", "ショウ", 2},
    {"拓海", "タクミ", 2}, {"颯太", "ソウタ", 2}, {"健太郎", "ケンタロウ", 2}, {"晴", "ハル", 2},
    {"瑛太", "エイタ", 2}, {"優斗", "ユウト", 2}, {"蒼空", "ソラ", 2}, {"隼", "ハヤト", 2},
    {"凌", "リョウ", 2}, {"涼太", "リョウタ", 2}, {"遼", "リョウ", 2}, {"駿", "シュン", 2},
    {"航", "ワタル", 2}, {"琉生", "ルイ", 2}, {"一輝", "カズキ", 2}, {"海斗", "カイト", 2},
    {"大雅", "タイガ", 2}, {"旭", "アサヒ", 2}, {"龍之介", "リュウノスケ", 2}, {"翼", "ツバサ", 2},
    {"光", "ヒカル", 2}, {"匠", "タクミ", 2}, {"亮介", "リョウスケ", 2}, {"凛太郎", "リンタロウ", 2},
    {"柊", "シュウ", 2}, {"陽向", "ヒナタ", 2}, {"暖", "ダン", 2}, {"京介", "キョウスケ", 2},
};
#define N_MALE ((int)(sizeof(male_names) / sizeof(male_names[0])))
_Static_assert(sizeof(male_names) / sizeof(male_names[0]) >= 100, "100 male names");

/* Foreign-origin given names with ヴ (tricky_names); 氏名 keeps the katakana. */
static const struct given vu_female[] = {
    {"ヴィクトリア", "ヴィクトリア", 2}, {"ヴァネッサ", "ヴァネッサ", 2},
    {"オリヴィア", "オリヴィア", 2}, {"エヴァ", "エヴァ", 2},
};
static const struct given vu_male[] = {
    {"ヴィクトル", "ヴィクトル", 2}, {"イヴァン", "イヴァン", 2},
    {"ダヴィド", "ダヴィド", 2}, {"ケヴィン", "ケヴィン", 2},
};
#define N_VU 4

/* ---- places ---------------------------------------------------------------- */

/* chome > 0: that many 丁目; 0: 番/号 only; -1: 大字 with 番地. */
struct cho { const char *name; int chome; const char *zip; };
static const struct cho chos[] = {
    {"本町", 4, "3890101"}, {"中央", 5, "3890102"}, {"栄町", 3, "3890103"},
    {"旭町", 3, "3890104"}, {"緑が丘", 4, "3890105"}, {"桜台", 3, "3890106"},
    {"若葉", 2, "3890107"}, {"駅前", 2, "3890108"}, {"東町", 0, "3890111"},
    {"西町", 0, "3890112"}, {"南町", 0, "3890113"}, {"北町", 0, "3890114"},
    {"新町", 0, "3890115"}, {"松原", 3, "3890121"}, {"青葉台", 3, "3890122"},
    {"富士見", 2, "3890123"}, {"日吉台", 2, "3890124"}, {"柳町", 0, "3890125"},
    {"川端町", 0, "3890126"}, {"元町", 2, "3890127"}, {"宮前", 0, "3890128"},
    {"大字上田", -1, "3890201"}, {"大字下川", -1, "3890202"}, {"大字森山", -1, "3890203"},
};
#define N_CHOS ((long)(sizeof(chos) / sizeof(chos[0])))

static const char *const buildings[] = {
    "コーポ緑", "みどりハイツ", "メゾン本町", "グランドール栄", "サンハイツ旭",
    "パークサイド桜台", "レジデンス中央", "ハイツさくら", "コーポ若葉", "シャトー松原",
    "ロイヤルハイツ", "ファミール駅前", "エステート富士見", "市営みどり団地3号棟",
    "県営本町住宅", "アーバンコート東", "サンライズマンション", "第2コーポ緑", "ハイム日吉",
};
#define N_BUILDINGS ((long)(sizeof(buildings) / sizeof(buildings[0])))

enum hokata_form {
    HOKATA_NONE, HOKATA_GO, HOKATA_GOSHITSU, HOKATA_COMMA, HOKATA_BARE, HOKATA_QUOTE,
};

struct address {
    int cho, chome, ban, go;
    enum hokata_form form;
    int building, room;
};

/* ---- households -------------------------------------------------------------- */

enum rel { REL_HEAD, REL_WIFE, REL_HUSBAND, REL_CHILD, REL_FATHER, REL_MOTHER,
           REL_CHILD_WIFE, REL_GRANDCHILD };
static const char *const rel_names[] = {
    "世帯主", "妻", "夫", "子", "父", "母", "子の妻", "孫",
};

enum reason { R_BIRTH = 1, R_MOVE_IN, R_MOVE_WITHIN, R_MOVE_OUT, R_DEATH,
              R_SHOKKEN_KISAI, R_SHOKKEN_SHUSEI, R_SHOKKEN_SHOJO, R_SETAI, R_OTHER };

struct person {
    enum rel rel;
    int sex;                 /* 1 男, 2 女 */
    long birth;              /* days since 1970-01-01 */
    const struct given *given;
    int vu;                  /* given name has ヴ */
    int status;              /* 住民状態 1..4 */
    int reason;              /* 異動事由 1..10 */
    long ido;                /* 異動日 */
    long todoke;             /* 届出日, NONE_DAY when empty */
    int has_mynumber;
    uint64_t atena;          /* 宛名番号 */
    uint64_t mn_x;           /* 個人番号 domain value (see mynumber11) */
};

struct household {
    int n;
    struct person m[HH_MAX];
    const struct sur *sur;
    const char *sur_kanji;   /* surnames[] or an 異体字 spelling */
    int tricky_sur;
    struct address addr;
    uint64_t setai;          /* 世帯番号 */
};

struct gen {
    const struct town_params *p;
    uint64_t seed, key;
    long as_of;              /* days */
    size_t city_len;
    double no_adult_rate;
    int era_lo[2][3], era_hi[2][3];   /* [sex-1][era] -> [lo, hi) in the name table */
};

static const struct given *name_table(int sex, int *n)
{
    *n = sex == 1 ? N_MALE : N_FEMALE;
    return sex == 1 ? male_names : female_names;
}

static int gen_init(struct gen *g, const struct town_params *p, struct berr *e)
{
    memset(g, 0, sizeof(*g));
    if (!p || !p->city || !p->city[0])
        return berr_set(e, BERR_INVALID, "町の設定がありません(市の名前が空です)");
    if (p->residents < 1 || p->residents > 100000000L)
        return berr_set(e, BERR_INVALID, "人数は1から1億までです: %ld", p->residents);
    if (!ymd_valid(p->as_of) || p->as_of.y < 1990 || p->as_of.y > 2200)
        return berr_set(e, BERR_INVALID, "基準日が正しくありません: %04d-%02d-%02d",
                        p->as_of.y, p->as_of.m, p->as_of.d);
    if (strlen(p->city) > 200)
        return berr_set(e, BERR_INVALID, "市の名前が長すぎます");
    if (p->no_adult_per_10k < 0 || p->no_adult_per_10k > 10000)
        return berr_set(e, BERR_INVALID, "no_adult_per_10k は0から10000です: %d",
                        p->no_adult_per_10k);
    g->p = p;
    g->seed = p->seed;
    {
        uint64_t x = p->seed ^ 0xA5A5A5A5ULL;
        g->key = splitmix64(&x);
    }
    g->as_of = ymd_to_days(p->as_of);
    g->city_len = strlen(p->city);
    g->no_adult_rate = p->no_adult_per_10k / 10000.0;
    for (int sex = 1; sex <= 2; sex++) {
        int n;
        const struct given *t = name_table(sex, &n);
        for (int era = 0; era < 3; era++) {
            int lo = 0, hi;
            while (lo < n && t[lo].era < era)
                lo++;
            hi = lo;
            while (hi < n && t[hi].era == era)
                hi++;
            g->era_lo[sex - 1][era] = lo;
            g->era_hi[sex - 1][era] = hi;
        }
    }
    return 0;
}

static long years(double y)
{
    return (long)(y * YEAR_DAYS);
}

/* A birth date giving an age in [amin, amax] on `ref`. */
static long birth_for_ages(struct rng *r, long ref, int amin, int amax)
{
    return rng_range(r, ref - years(amax + 1) + 1, ref - years(amin));
}

static int age_on(long birth, long ref)
{
    return ymd_age_years(ymd_from_days(birth), ymd_from_days(ref));
}

static const struct given *pick_given(const struct gen *g, struct rng *r, int sex, long birth,
                                      int *vu)
{
    int n, era, lo, hi;
    const struct given *t = name_table(sex, &n);
    int y = ymd_from_days(birth).y;

    *vu = 0;
    if (g->p->tricky_names && y >= 1980 && rng_chance(r, 0.004)) {
        *vu = 1;
        return sex == 1 ? &vu_male[rng_below(r, N_VU)] : &vu_female[rng_below(r, N_VU)];
    }
    era = y < 1960 ? 0 : y < 1995 ? 1 : 2;
    if (rng_chance(r, 0.12))
        return &t[rng_below(r, n)];
    lo = g->era_lo[sex - 1][era];
    hi = g->era_hi[sex - 1][era];
    return &t[lo + rng_below(r, hi - lo)];
}

static struct person *add_person(const struct gen *g, struct household *h, struct rng *r,
                                 enum rel rel, int sex, long birth)
{
    struct person *m;

    if (h->n >= HH_MAX)
        return NULL;
    m = &h->m[h->n++];
    memset(m, 0, sizeof(*m));
    m->rel = rel;
    m->sex = sex;
    m->birth = birth;
    m->given = pick_given(g, r, sex, birth, &m->vu);
    m->status = 1;
    m->todoke = NONE_DAY;
    return m;
}

/*
 * Children of a mother born `mother_birth`: 1-4 intended, the first at her
 * age 22-38, then every 1-4.5 years while she is under 45; grown children
 * have often left home.
 */
static void add_children(const struct gen *g, struct household *h, struct rng *r,
                         long mother_birth, long ref, enum rel rel)
{
    double u = rng_unit(r);
    int want = u < 0.35 ? 1 : u < 0.80 ? 2 : u < 0.97 ? 3 : 4;
    long at = years(22) + (long)((rng_unit(r) + rng_unit(r)) * 8 * YEAR_DAYS);

    for (int k = 0; k < want && at < years(45); k++) {
        long b = mother_birth + at;
        at += years(1) + rng_below(r, years(3.5));
        if (b > ref)
            break;
        int age = age_on(b, ref);
        double stay = age < 18 ? 1.0 : age < 23 ? 0.6 : age < 30 ? 0.3 : 0.1;
        if (!rng_chance(r, stay))
            continue;
        add_person(g, h, r, rel, 1 + (int)rng_below(r, 2), b);
    }
}

static void make_address(struct rng *r, struct address *a, int want_hokata)
{
    const struct cho *c;

    memset(a, 0, sizeof(*a));
    a->cho = (int)rng_below(r, N_CHOS);
    c = &chos[a->cho];
    if (c->chome > 0) {
        a->chome = 1 + (int)rng_below(r, c->chome);
        a->ban = 1 + (int)rng_below(r, 30);
        a->go = 1 + (int)rng_below(r, 25);
    } else if (c->chome == 0) {
        a->ban = 1 + (int)rng_below(r, 40);
        a->go = 1 + (int)rng_below(r, 30);
    } else {
        a->ban = 1 + (int)rng_below(r, 3999);
        a->go = rng_chance(r, 0.5) ? 0 : 1 + (int)rng_below(r, 20);
    }
    a->form = HOKATA_NONE;
    if (want_hokata) {
        double u = rng_unit(r);
        a->form = u < 0.55 ? HOKATA_GO : u < 0.80 ? HOKATA_GOSHITSU : u < 0.88 ? HOKATA_COMMA
                : u < 0.99 ? HOKATA_BARE : HOKATA_QUOTE;
        a->building = (int)rng_below(r, N_BUILDINGS);
        a->room = (1 + (int)rng_below(r, 9)) * 100 + 1 + (int)rng_below(r, 8);
    }
}

enum hh_type { HT_SINGLE, HT_COUPLE, HT_FAMILY, HT_SINGLE_PARENT, HT_THREE_GEN, HT_GRAND_HEAD };

/* Who lives in the household, on date `ref`. */
static void household_people(const struct gen *g, struct household *h, struct rng *r,
                             long ref, long index_for_tricky)
{
    double u = rng_unit(r);
    enum hh_type type = u < 0.38 ? HT_SINGLE : u < 0.65 ? HT_COUPLE : u < 0.85 ? HT_FAMILY
                      : u < 0.91 ? HT_SINGLE_PARENT : u < 0.96 ? HT_THREE_GEN : HT_GRAND_HEAD;
    struct person *head;
    int male_head = rng_chance(r, 0.95);
    long b;

    memset(h, 0, sizeof(*h));
    /* surnames: u^1.5 skews towards the common ones */
    {
        double v = rng_unit(r);
        long i = (long)(v * sqrt(v) * N_SURNAMES);
        h->sur = &surnames[i < N_SURNAMES ? i : N_SURNAMES - 1];
        h->sur_kanji = h->sur->kanji;
    }
    if (g->p->tricky_names) {
        /* the first households always carry every spelling, then by chance */
        if (index_for_tricky >= 0 && index_for_tricky < N_VARIANTS) {
            const struct variant *v = &variants[index_for_tricky];
            for (long i = 0; i < N_SURNAMES; i++)
                if (strcmp(surnames[i].kanji, v->base) == 0)
                    h->sur = &surnames[i];
            h->sur_kanji = v->kanji;
            h->tricky_sur = 1;
        } else {
            for (int i = 0; i < N_VARIANTS; i++) {
                if (strcmp(h->sur->kanji, variants[i].base) != 0)
                    continue;
                if (rng_chance(r, variants[i].p)) {
                    h->sur_kanji = variants[i].kanji;
                    h->tricky_sur = 1;
                    break;
                }
            }
        }
    }
    make_address(r, &h->addr, rng_chance(r, 0.20));

    switch (type) {
    case HT_SINGLE: {
        double a = rng_unit(r);
        int lo = a < 0.27 ? 19 : a < 0.50 ? 40 : 65, hi = a < 0.27 ? 39 : a < 0.50 ? 64 : 98;
        int sex = lo >= 65 ? (rng_chance(r, 0.65) ? 2 : 1) : (rng_chance(r, 0.58) ? 1 : 2);
        add_person(g, h, r, REL_HEAD, sex, birth_for_ages(r, ref, lo, hi));
        break;
    }
    case HT_COUPLE: {
        int old = rng_chance(r, 0.7);
        b = birth_for_ages(r, ref, old ? 62 : 25, old ? 92 : 61);
        add_person(g, h, r, REL_HEAD, male_head ? 1 : 2, b);
        /* the wife is usually a little younger than her husband */
        add_person(g, h, r, male_head ? REL_WIFE : REL_HUSBAND, male_head ? 2 : 1,
                   b + (male_head ? 1 : -1) * rng_range(r, -years(2), years(6)));
        break;
    }
    case HT_FAMILY: {
        long mb = birth_for_ages(r, ref, 24, 56);
        long fb = mb - rng_range(r, -years(2), years(6));
        if (male_head) {
            add_person(g, h, r, REL_HEAD, 1, fb);
            add_person(g, h, r, REL_WIFE, 2, mb);
        } else {
            add_person(g, h, r, REL_HEAD, 2, mb);
            add_person(g, h, r, REL_HUSBAND, 1, fb);
        }
        add_children(g, h, r, mb, ref, REL_CHILD);
        break;
    }
    case HT_SINGLE_PARENT: {
        int mother = rng_chance(r, 0.82);
        long mb = birth_for_ages(r, ref, 24, 54);
        add_person(g, h, r, REL_HEAD, mother ? 2 : 1, mother ? mb : mb - years(2));
        add_children(g, h, r, mb, ref, REL_CHILD);
        break;
    }
    case HT_THREE_GEN: {
        long mb = birth_for_ages(r, ref, 27, 50);
        long fb = mb - rng_range(r, -years(2), years(5));
        head = add_person(g, h, r, REL_HEAD, male_head ? 1 : 2, male_head ? fb : mb);
        add_person(g, h, r, male_head ? REL_WIFE : REL_HUSBAND, male_head ? 2 : 1,
                   male_head ? mb : fb);
        add_children(g, h, r, mb, ref, REL_CHILD);
        int both = rng_chance(r, 0.55), mother_only = !both && rng_chance(r, 0.75);
        if (both || !mother_only)
            add_person(g, h, r, REL_FATHER, 1, head->birth - rng_range(r, years(25), years(35)));
        if (both || mother_only)
            add_person(g, h, r, REL_MOTHER, 2, head->birth - rng_range(r, years(23), years(33)));
        break;
    }
    case HT_GRAND_HEAD: {
        b = birth_for_ages(r, ref, 58, 82);
        add_person(g, h, r, REL_HEAD, 1, b);
        add_person(g, h, r, REL_WIFE, 2, b + rng_range(r, -years(1), years(5)));
        long sb = b + rng_range(r, years(24), years(34));
        if (sb > ref - years(20))
            sb = ref - years(20) - rng_below(r, years(5));
        add_person(g, h, r, REL_CHILD, 1, sb);
        long wb = sb + rng_range(r, -years(3), years(4));
        if (wb > ref - years(19))
            wb = ref - years(19);
        add_person(g, h, r, REL_CHILD_WIFE, 2, wb);
        add_children(g, h, r, wb, ref, REL_GRANDCHILD);
        break;
    }
    }
}

static long max_ido(const struct household *h)
{
    long m = NONE_DAY;

    for (int i = 0; i < h->n; i++)
        if (h->m[i].ido > m)
            m = h->m[i].ido;
    return m;
}

static int is_minor(const struct person *m, long ref)
{
    return age_on(m->birth, ref) < 18;
}

static int is_spouse_rel(enum rel rel)
{
    return rel == REL_WIFE || rel == REL_HUSBAND || rel == REL_CHILD_WIFE;
}

/* 異動日 for a removal: in the last three years, after the person's last event. */
static long removal_day(struct rng *r, long last, long as_of)
{
    long lo = last > as_of - years(3) ? last : as_of - years(3);
    return rng_range(r, lo, as_of);
}

static void set_removed(struct person *m, int status, int reason, long day)
{
    m->status = status;
    m->reason = reason;
    m->ido = day;
}

static void fill_todoke(struct person *m, struct rng *r, long as_of)
{
    long t;

    switch (m->reason) {
    case R_SHOKKEN_KISAI: case R_SHOKKEN_SHUSEI: case R_SHOKKEN_SHOJO:
        if (rng_chance(r, 0.75)) {
            m->todoke = NONE_DAY;
            return;
        }
        t = m->ido + rng_below(r, 31);
        break;
    case R_MOVE_OUT: case R_DEATH:
        t = m->ido + rng_below(r, 8);
        break;
    default:
        t = m->ido + rng_below(r, 14);
        break;
    }
    m->todoke = t < as_of ? t : as_of;
}

/* The last 異動 of every member and the 住民状態 on as_of. */
static void household_events(const struct gen *g, struct household *h, struct rng *r)
{
    long as_of = g->as_of;
    int native = rng_chance(r, 0.45);
    long head_birth = h->m[0].birth;
    long arrive = rng_range(r, head_birth + years(18) > as_of - years(40) ?
                               head_birth + years(18) : as_of - years(40), as_of);
    long first_child = NONE_DAY;
    int has_minor = 0;

    for (int i = 0; i < h->n; i++) {
        const struct person *m = &h->m[i];
        if ((m->rel == REL_CHILD || m->rel == REL_GRANDCHILD) &&
            (first_child == NONE_DAY || m->birth < first_child))
            first_child = m->birth;
        if (is_minor(m, as_of))
            has_minor = 1;
    }
    for (int i = 0; i < h->n; i++) {
        struct person *m = &h->m[i];
        if (native && is_spouse_rel(m->rel)) {
            /* married in: 転入 between 20 and the first child (or today) */
            long lo = (m->birth > head_birth ? m->birth : head_birth) + years(20);
            long hi = first_child != NONE_DAY && first_child < as_of ? first_child : as_of;
            m->reason = R_MOVE_IN;
            m->ido = rng_range(r, lo < hi ? lo : hi, hi);
            if (m->ido < m->birth)
                m->ido = m->birth;
        } else if (native || m->birth > arrive) {
            m->reason = R_BIRTH;
            m->ido = m->birth;
        } else {
            m->reason = R_MOVE_IN;
            m->ido = arrive;
        }
    }
    if (rng_chance(r, 0.15)) {
        long t = rng_range(r, max_ido(h), as_of);
        for (int i = 0; i < h->n; i++) {
            h->m[i].reason = R_MOVE_WITHIN;
            h->m[i].ido = t;
        }
    }
    for (int i = 0; i < h->n; i++) {
        struct person *m = &h->m[i];
        double u = rng_unit(r);
        int adult = age_on(m->birth, as_of) >= 18;
        int reason = 0;

        if (u < 0.005)
            reason = R_SHOKKEN_KISAI;
        else if (u < 0.010)
            reason = R_SHOKKEN_SHUSEI;
        else if (u < 0.020)
            reason = adult ? R_SETAI : 0;
        else if (u < 0.023)
            reason = R_OTHER;
        if (reason) {
            m->reason = reason;
            m->ido = rng_range(r, m->ido, as_of);
        }
    }

    if (rng_chance(r, 0.012)) {
        /* the whole household moved away */
        long d = removal_day(r, max_ido(h), as_of);
        for (int i = 0; i < h->n; i++)
            set_removed(&h->m[i], 2, R_MOVE_OUT, d);
    } else if (has_minor && rng_chance(r, g->no_adult_rate)) {
        /* exception material: children left without a resident adult */
        for (int i = 0; i < h->n; i++) {
            struct person *m = &h->m[i];
            if (m->rel != REL_HEAD && m->rel != REL_WIFE && m->rel != REL_HUSBAND)
                continue;
            int dead = m->rel == REL_HEAD && rng_chance(r, 0.4);
            set_removed(m, dead ? 3 : 2, dead ? R_DEATH : R_MOVE_OUT,
                        removal_day(r, m->ido, as_of));
        }
    } else {
        for (int i = 0; i < h->n; i++) {
            struct person *m = &h->m[i];
            int age = age_on(m->birth, as_of);
            if (i == 0 && has_minor)
                continue;      /* keeps an adult with the children */
            double pd = age < 40 ? 0.0003 : age < 65 ? 0.003 : age < 75 ? 0.012
                      : age < 85 ? 0.035 : 0.09;
            double po = (m->rel == REL_CHILD && age >= 18 && age <= 30) ? 0.10
                      : (age >= 18 && age <= 40) ? 0.02 : 0.003;
            double u = rng_unit(r);
            if (u < pd)
                set_removed(m, 3, R_DEATH, removal_day(r, m->ido, as_of));
            else if (u < pd + po)
                set_removed(m, 2, R_MOVE_OUT, removal_day(r, m->ido, as_of));
            else if (age >= 18 && u < pd + po + 0.0015)
                set_removed(m, 4, R_SHOKKEN_SHOJO, removal_day(r, m->ido, as_of));
        }
    }
    for (int i = 0; i < h->n; i++) {
        fill_todoke(&h->m[i], r, as_of);
        h->m[i].has_mynumber = rng_chance(r, 0.97);
    }
}

/* Master household `index`: people, events and keys. */
static void household_master(const struct gen *g, struct household *h, uint64_t index)
{
    struct rng r;

    rng_seed(&r, g->seed, STREAM_HOUSEHOLD, index);
    household_people(g, h, &r, g->as_of, (long)(index < 64 ? index : 64));
    household_events(g, h, &r);
    for (int i = 0; i < h->n; i++) {
        h->m[i].atena = atena_master(g->key, index, i);
        h->m[i].mn_x = index * HH_MAX + (uint64_t)i;
    }
    if (g->p->tricky_names && index == N_VARIANTS && h->m[0].status == 1) {
        /* and one ヴ name, whatever the dice said */
        const struct given *t = h->m[0].sex == 1 ? vu_male : vu_female;
        h->m[0].given = &t[0];
        h->m[0].vu = 1;
    }
    h->setai = h->m[0].atena;
}

/* ---- CSV output ------------------------------------------------------------ */

/* 1 if the household is under 支援措置: its own draw, so nothing else of the town changes. */
static int household_shien(const struct gen *g, const struct household *h)
{
    uint64_t x;

    if (g->p->shien_per_10k <= 0)
        return 0;
    x = g->seed ^ (h->setai * 0x9E3779B97F4A7C15ULL) ^ 0x5348494E00000000ULL;
    return (int)(splitmix64(&x) % 10000) < g->p->shien_per_10k;
}

static const char shien_header[] = ",支援措置";

static const char header[] =
    "宛名番号,世帯番号,氏名,氏名カナ,性別,生年月日,続柄,住民状態,郵便番号,住所,方書,"
    "異動事由,異動日,届出日,個人番号";

struct out {
    FILE *f;
    struct buf b;
    int crlf;
    int failed;
};

static void out_flush(struct out *o)
{
    if (o->b.len && !o->failed) {
        if (fwrite(o->b.s, 1, o->b.len, o->f) != o->b.len)
            o->failed = 1;
    }
    buf_reset(&o->b);
}

static void out_eol(struct out *o)
{
    if (o->crlf)
        buf_add(&o->b, "\r\n", 2);
    else
        buf_addc(&o->b, '\n');
    if (o->b.len >= FLUSH_AT)
        out_flush(o);
}

/* Zero-padded decimal of exactly `width` digits. */
static void put_digits(struct buf *b, uint64_t v, int width)
{
    char d[24];

    for (int i = width - 1; i >= 0; i--) {
        d[i] = (char)('0' + v % 10);
        v /= 10;
    }
    buf_add(b, d, (size_t)width);
}

static void put_uint(struct buf *b, long v)
{
    char d[24];
    int n = 0;

    do {
        d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0 && n < (int)sizeof(d));
    buf_add(b, d + sizeof(d) - n, (size_t)n);
}

static void put_date(struct buf *b, long days)
{
    struct ymd d = ymd_from_days(days);

    put_digits(b, (uint64_t)d.y, 4);
    put_digits(b, (uint64_t)d.m, 2);
    put_digits(b, (uint64_t)d.d, 2);
}

/* RFC 4180: quote only when the field holds a comma, quote or line break. */
static int put_text(struct buf *b, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n')
            break;
    if (i == n) {
        buf_add(b, s, n);
        return 0;
    }
    buf_addc(b, '"');
    for (i = 0; i < n; i++) {
        if (s[i] == '"')
            buf_addc(b, '"');
        buf_addc(b, s[i]);
    }
    buf_addc(b, '"');
    return 1;
}

static void format_address(const struct gen *g, const struct address *a, struct buf *t)
{
    const struct cho *c = &chos[a->cho];

    buf_add(t, g->p->city, g->city_len);
    buf_adds(t, c->name);
    if (c->chome > 0) {
        put_uint(t, a->chome);
        buf_adds(t, "丁目");
    }
    put_uint(t, a->ban);
    if (c->chome >= 0) {
        buf_adds(t, "番");
        put_uint(t, a->go);
        buf_adds(t, "号");
    } else {
        buf_adds(t, "番地");
        if (a->go)
            put_uint(t, a->go);
    }
}

static void format_hokata(const struct address *a, struct buf *t)
{
    const char *bld = buildings[a->building];

    switch (a->form) {
    case HOKATA_NONE:
        return;
    case HOKATA_GO:
        buf_adds(t, bld);
        put_uint(t, a->room);
        buf_adds(t, "号");
        return;
    case HOKATA_GOSHITSU:
        buf_adds(t, bld);
        buf_adds(t, "　");
        put_uint(t, a->room);
        buf_adds(t, "号室");
        return;
    case HOKATA_COMMA:
        buf_adds(t, bld);
        buf_addc(t, ',');
        put_uint(t, a->room);
        buf_adds(t, "号");
        return;
    case HOKATA_BARE:
        buf_adds(t, bld);
        put_uint(t, a->room);
        return;
    case HOKATA_QUOTE:
        buf_adds(t, "メゾン\"ソレイユ\"");
        put_uint(t, a->room);
        buf_adds(t, "号");
        return;
    }
}

/* One row; returns 1 if a field had to be quoted. */
static int put_row(const struct gen *g, struct out *o, struct buf *t,
                   const struct household *h, const struct person *m)
{
    struct buf *b = &o->b;
    int quoted = 0;

    put_digits(b, m->atena, 10);
    buf_addc(b, ',');
    put_digits(b, h->setai, 10);
    buf_addc(b, ',');
    buf_reset(t);
    buf_adds(t, h->sur_kanji);
    buf_adds(t, "　");
    buf_adds(t, m->given->kanji);
    quoted |= put_text(b, t->s, t->len);
    buf_addc(b, ',');
    buf_reset(t);
    buf_adds(t, h->sur->kana);
    buf_adds(t, "　");
    buf_adds(t, m->given->kana);
    quoted |= put_text(b, t->s, t->len);
    buf_addc(b, ',');
    buf_addc(b, (char)('0' + m->sex));
    buf_addc(b, ',');
    put_date(b, m->birth);
    buf_addc(b, ',');
    buf_adds(b, rel_names[m->rel]);
    buf_addc(b, ',');
    buf_addc(b, (char)('0' + m->status));
    buf_addc(b, ',');
    buf_adds(b, chos[h->addr.cho].zip);
    buf_addc(b, ',');
    buf_reset(t);
    format_address(g, &h->addr, t);
    quoted |= put_text(b, t->s, t->len);
    buf_addc(b, ',');
    buf_reset(t);
    format_hokata(&h->addr, t);
    quoted |= put_text(b, t->s, t->len);
    buf_addc(b, ',');
    put_digits(b, (uint64_t)m->reason, 2);
    buf_addc(b, ',');
    put_date(b, m->ido);
    buf_addc(b, ',');
    if (m->todoke != NONE_DAY)
        put_date(b, m->todoke);
    buf_addc(b, ',');
    if (m->has_mynumber) {
        char d[12];
        uint64_t v = mynumber11(m->mn_x, g->key);
        for (int i = 10; i >= 0; i--) {
            d[i] = (char)('0' + v % 10);
            v /= 10;
        }
        d[11] = '\0';
        buf_add(b, d, 11);
        buf_addc(b, (char)('0' + mynumber_check_digit(d)));
    }
    if (g->p->shien_per_10k > 0) {
        buf_addc(b, ',');
        buf_addc(b, household_shien(g, h) ? '1' : '0');
    }
    out_eol(o);
    return quoted;
}

/* ---- statistics ------------------------------------------------------------ */

int town_birth_month_index(struct ymd as_of, int year, int month)
{
    long months = (long)(as_of.y - year) * 12 + (as_of.m - month);

    if (month < 1 || month > 12 || months < 0 || months >= TOWN_BIRTH_MONTHS)
        return -1;
    return (int)(TOWN_BIRTH_MONTHS - 1 - months);
}

static int is_adult_for_children(const struct person *m, long ref)
{
    return m->status == 1 && (m->rel == REL_HEAD || m->rel == REL_WIFE || m->rel == REL_HUSBAND)
           && age_on(m->birth, ref) >= 18;
}

static void stats_household(const struct gen *g, struct town_stats *st,
                            const struct household *h, long ref, int quoted_rows,
                            int with_births)
{
    int children = 0, adults = 0;

    st->households++;
    st->quoted_rows += quoted_rows;
    for (int i = 0; i < h->n; i++) {
        const struct person *m = &h->m[i];
        st->people++;
        st->by_status[m->status]++;
        st->with_mynumber += m->has_mynumber;
        st->tricky_rows += h->tricky_sur || m->vu;
        if (is_adult_for_children(m, ref))
            adults++;
        if (m->status == 1 && age_on(m->birth, ref) < 18)
            children++;
        if (with_births && m->status == 1) {
            struct ymd b = ymd_from_days(m->birth);
            int k = town_birth_month_index(g->p->as_of, b.y, b.m);
            if (k >= 0)
                st->born_by_month[k]++;
        }
    }
    st->children += children;
    if (children && !adults) {
        st->no_adult_households++;
        st->no_adult_children += children;
    }
}

/* ---- public entry points --------------------------------------------------- */

void town_params_init(struct town_params *p)
{
    memset(p, 0, sizeof(*p));
    p->residents = 20000;
    p->seed = 1;
    p->as_of = (struct ymd){ 2025, 4, 1 };
    p->city = "みどり市";
    p->tricky_names = 1;
    p->no_adult_per_10k = 10;
    p->crlf = 0;
}

/* Writes (f != NULL) and/or counts the master. */
static int town_walk(const struct town_params *p, FILE *f, struct town_stats *st_out,
                     struct berr *e)
{
    struct gen g;
    struct town_stats st;
    struct household h;
    struct out o;
    struct buf t;
    int rc;

    memset(&st, 0, sizeof(st));
    buf_init(&o.b);
    buf_init(&t);
    o.f = f;
    o.failed = 0;
    o.crlf = p ? p->crlf : 0;
    rc = gen_init(&g, p, e);
    if (rc < 0)
        goto cleanup;
    if (f) {
        buf_add(&o.b, header, sizeof(header) - 1);
        if (p->shien_per_10k > 0)
            buf_add(&o.b, shien_header, sizeof(shien_header) - 1);
        out_eol(&o);
    }
    for (uint64_t idx = 0; st.people < p->residents; idx++) {
        int quoted = 0;
        household_master(&g, &h, idx);
        if (f)
            for (int i = 0; i < h.n; i++)
                quoted += put_row(&g, &o, &t, &h, &h.m[i]);
        stats_household(&g, &st, &h, g.as_of, quoted, 1);
        if (o.failed)
            break;
    }
    if (f) {
        out_flush(&o);
        if (o.failed || fflush(f) != 0 || ferror(f)) {
            rc = berr_set(e, BERR_FAIL, "住民記録ファイルを書き込めません");
            goto cleanup;
        }
    }
    if (st_out)
        *st_out = st;
    rc = 0;
cleanup:
    buf_release(&o.b);
    buf_release(&t);
    return rc;
}

int town_write_csv(FILE *f, const struct town_params *p, struct town_stats *st,
                   struct berr *e)
{
    if (!f)
        return berr_set(e, BERR_INVALID, "出力先がありません");
    return town_walk(p, f, st, e);
}

int town_scan(const struct town_params *p, struct town_stats *st, struct berr *e)
{
    return town_walk(p, NULL, st, e);
}

long town_count_born_resident(const struct town_params *p, int year, int month,
                              struct berr *e)
{
    struct gen g;
    struct household h;
    long people = 0, count = 0;
    int rc = gen_init(&g, p, e);

    if (rc < 0)
        return rc;
    for (uint64_t idx = 0; people < p->residents; idx++) {
        household_master(&g, &h, idx);
        people += h.n;
        for (int i = 0; i < h.n; i++) {
            struct ymd b = ymd_from_days(h.m[i].birth);
            if (h.m[i].status == 1 && b.y == year && b.m == month)
                count++;
        }
    }
    return count;
}

/* ---- daily diff ------------------------------------------------------------ */

enum diff_event { EV_BIRTH, EV_INFLOW, EV_MOVE_WITHIN, EV_MOVE_OUT, EV_DEATH };

struct diff {
    const struct gen *g;
    struct rng r;
    long day, lo;            /* 異動日 in [lo, day] */
    long next_new;           /* new people numbered so far today */
    uint64_t households;     /* in the master */
    uint64_t *used;
    int n_used;
};

static int diff_used(const struct diff *d, uint64_t idx)
{
    for (int i = 0; i < d->n_used; i++)
        if (d->used[i] == idx)
            return 1;
    return 0;
}

/* The woman who could have just given birth, or -1. */
static int diff_mother(const struct household *h, long day)
{
    for (int i = 0; i < h->n; i++) {
        const struct person *m = &h->m[i];
        int age = age_on(m->birth, day);
        if (m->sex == 2 && m->status == 1 && age >= 20 && age <= 44 &&
            (m->rel == REL_HEAD || m->rel == REL_WIFE || m->rel == REL_CHILD_WIFE))
            return i;
    }
    return -1;
}

static int minors_resident(const struct household *h, long ref)
{
    for (int i = 0; i < h->n; i++)
        if (h->m[i].status == 1 && is_minor(&h->m[i], ref))
            return 1;
    return 0;
}

static void diff_new_ids(struct diff *d, struct person *m)
{
    long dayn = d->day;

    m->atena = atena_new(d->g->key, dayn, (int)d->next_new);
    m->mn_x = 1000000000ULL + (uint64_t)dayn * 10000 + (uint64_t)d->next_new;
    d->next_new++;
}

/*
 * Applies one event to household h (already rebuilt); marks in `changed`
 * which members to write.  Returns 0 if the household cannot take it.
 */
static int diff_apply(struct diff *d, enum diff_event ev, struct household *h, int *changed)
{
    struct rng *r = &d->r;
    long when = rng_range(r, d->lo, d->day);
    int protect_head = minors_resident(h, d->day);

    if (h->m[0].status != 1)
        return 0;
    switch (ev) {
    case EV_BIRTH: {
        int mi = diff_mother(h, d->day);
        if (mi < 0 || h->n >= HH_MAX)
            return 0;
        enum rel rel = h->m[mi].rel == REL_CHILD_WIFE ? REL_GRANDCHILD : REL_CHILD;
        struct person *c = add_person(d->g, h, r, rel, 1 + (int)rng_below(r, 2), when);
        c->reason = R_BIRTH;
        c->ido = when;
        c->has_mynumber = rng_chance(r, 0.97);
        diff_new_ids(d, c);
        changed[h->n - 1] = 1;
        return 1;
    }
    case EV_MOVE_WITHIN: {
        int hok = rng_chance(r, 0.2);
        int old = h->addr.cho;
        /* a different 町名, so the move is visible in every column */
        for (int tries = 0; tries < 8 && h->addr.cho == old; tries++)
            make_address(r, &h->addr, hok);
        for (int i = 0; i < h->n; i++) {
            if (h->m[i].status != 1)
                continue;
            h->m[i].reason = R_MOVE_WITHIN;
            h->m[i].ido = when;
            changed[i] = 1;
        }
        return 1;
    }
    case EV_MOVE_OUT:
        if (rng_chance(r, 0.5)) {
            for (int i = 0; i < h->n; i++) {
                if (h->m[i].status != 1)
                    continue;
                set_removed(&h->m[i], 2, R_MOVE_OUT, when);
                changed[i] = 1;
            }
            return 1;
        }
        for (int i = h->n - 1; i >= 0; i--) {
            if (h->m[i].status != 1 || age_on(h->m[i].birth, d->day) < 18)
                continue;
            if (i == 0 && (protect_head || h->n > 1))
                continue;
            set_removed(&h->m[i], 2, R_MOVE_OUT, when);
            changed[i] = 1;
            return 1;
        }
        return 0;
    case EV_DEATH: {
        int best = -1;
        for (int i = 0; i < h->n; i++) {
            if (h->m[i].status != 1 || age_on(h->m[i].birth, d->day) < 50)
                continue;
            if (i == 0 && protect_head)
                continue;
            if (best < 0 || h->m[i].birth < h->m[best].birth)
                best = i;
        }
        if (best < 0)
            return 0;
        set_removed(&h->m[best], 3, R_DEATH, when);
        changed[best] = 1;
        return 1;
    }
    case EV_INFLOW:
        return 0;
    }
    return 0;
}

/* A new household moving in: everyone 転入 on the same day. */
static void diff_inflow(struct diff *d, struct household *h, int k)
{
    struct rng hr;
    long when = rng_range(&d->r, d->lo, d->day);

    rng_seed(&hr, d->g->seed, STREAM_INFLOW, (uint64_t)d->day * TOWN_DIFF_MAX_CHANGES + (uint64_t)k);
    household_people(d->g, h, &hr, when, -1);
    for (int i = 0; i < h->n; i++) {
        struct person *m = &h->m[i];
        m->status = 1;
        m->reason = R_MOVE_IN;
        m->ido = when;
        m->has_mynumber = rng_chance(&hr, 0.97);
        diff_new_ids(d, m);
    }
    h->setai = h->m[0].atena;
}

int town_write_diff(FILE *f, const struct town_params *p, struct ymd day, int changes,
                    struct town_stats *st_out, struct berr *e)
{
    struct gen g;
    struct diff d;
    struct town_stats st;
    struct household h;
    struct out o;
    struct buf t;
    int rc;

    memset(&st, 0, sizeof(st));
    memset(&d, 0, sizeof(d));
    buf_init(&o.b);
    buf_init(&t);
    o.f = f;
    o.failed = 0;
    o.crlf = p ? p->crlf : 0;
    rc = gen_init(&g, p, e);
    if (rc < 0)
        goto cleanup;
    if (!f) {
        rc = berr_set(e, BERR_INVALID, "出力先がありません");
        goto cleanup;
    }
    if (!ymd_valid(day) || ymd_cmp(day, p->as_of) <= 0 || day.y > 2200) {
        rc = berr_set(e, BERR_INVALID, "異動ファイルの日付は基準日より後の日付です");
        goto cleanup;
    }
    if (changes < 0 || changes > TOWN_DIFF_MAX_CHANGES) {
        rc = berr_set(e, BERR_INVALID, "異動件数は0から%dです: %d",
                      TOWN_DIFF_MAX_CHANGES, changes);
        goto cleanup;
    }
    d.g = &g;
    d.day = ymd_to_days(day);
    d.lo = d.day - 13 > g.as_of + 1 ? d.day - 13 : g.as_of + 1;
    d.used = xcalloc((size_t)changes + 1, sizeof(*d.used));
    rng_seed(&d.r, g.seed, STREAM_DIFF, (uint64_t)d.day);
    {
        long people = 0;
        for (uint64_t idx = 0; people < p->residents; idx++) {
            household_master(&g, &h, idx);
            people += h.n;
            d.households = idx + 1;
        }
    }

    buf_add(&o.b, header, sizeof(header) - 1);
    if (p->shien_per_10k > 0)
        buf_add(&o.b, shien_header, sizeof(shien_header) - 1);
    out_eol(&o);
    for (int k = 0; k < changes; k++) {
        double u = rng_unit(&d.r);
        enum diff_event ev = u < 0.25 ? EV_BIRTH : u < 0.45 ? EV_INFLOW
                           : u < 0.70 ? EV_MOVE_WITHIN : u < 0.90 ? EV_MOVE_OUT : EV_DEATH;
        int changed[HH_MAX] = { 0 };
        int done = 0, quoted = 0, rows = 0;

        if (ev == EV_INFLOW) {
            diff_inflow(&d, &h, k);
            for (int i = 0; i < h.n; i++)
                changed[i] = 1;
            done = 1;
        } else {
            for (int tries = 0; tries < 64 && !done; tries++) {
                uint64_t idx = (uint64_t)rng_below(&d.r, (long)d.households);
                if (diff_used(&d, idx))
                    continue;
                household_master(&g, &h, idx);
                done = diff_apply(&d, ev, &h, changed);
                if (done)
                    d.used[d.n_used++] = idx;
            }
        }
        if (!done)
            continue;
        for (int i = 0; i < h.n; i++) {
            struct person *m = &h.m[i];
            if (!changed[i])
                continue;
            m->todoke = d.day;
            quoted += put_row(&g, &o, &t, &h, m);
            rows++;
            st.people++;
            st.by_status[m->status]++;
            st.with_mynumber += m->has_mynumber;
            st.tricky_rows += h.tricky_sur || m->vu;
        }
        st.quoted_rows += quoted;
        st.households += rows > 0;
        if (o.failed)
            break;
    }
    out_flush(&o);
    if (o.failed || fflush(f) != 0 || ferror(f)) {
        rc = berr_set(e, BERR_FAIL, "異動ファイルを書き込めません");
        goto cleanup;
    }
    if (st_out)
        *st_out = st;
    rc = 0;
cleanup:
    free(d.used);
    buf_release(&o.b);
    buf_release(&t);
    return rc;
}
