/*
 * histogram.c - owns lagsim_hist_t, the streaming latency histogram.
 *
 * Central idea: a fixed log-linear bucket layout over the whole int64
 * range, so recording is one index computation and one increment, memory
 * is constant (one allocation in create, freed in destroy), and two
 * histograms merge by adding their arrays.
 *
 * Layout. Values are microseconds; negative values are recorded as 0.
 *   - Values 0..255 get one bucket each (index = value). Below 128 that is
 *     the "exact" range; 128..255 is also the first log-linear octave,
 *     whose 128 sub-buckets happen to be one unit wide.
 *   - Each octave [2^e, 2^(e+1)), e = 7..62, is split into 128 linear
 *     sub-buckets of width 2^(e-7). With shift = e - 7, a value v lands in
 *         index = shift * 128 + (v >> shift),
 *     where v >> shift lies in [128, 256): the leading bit plus the next
 *     7 bits. Computing shift as 56 - clz(v | 255) makes values below 256
 *     come out with shift 0 and index v, so the formula has no branch.
 *   - e = 62 is the top octave of int64, so there are 57 * 128 = 7296
 *     buckets and INT64_MAX lands in the last one.
 *
 * Error bound. A bucket with index i >= 256 starts at m << shift with
 * m in [128, 256) and is 1 << shift wide, so its width is at most 1/128 of
 * any value in it. Reporting the midpoint is therefore within 1/256
 * (about 0.4%) of every value in the bucket.
 *
 * Sum. The exact sum is kept in 128 bits (two uint64 with an explicit
 * carry): 2^64 values of at most 2^63 fit, so the mean stays exact to the
 * precision of a double however long the run is.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/stats.h"
#include "stats/pack.h"

#define SUB_BITS 7                          /* log2 of sub-buckets per octave */
#define SUB_COUNT (1u << SUB_BITS)          /* 128 sub-buckets per octave */
#define SHIFT_MAX (62 - SUB_BITS)           /* shift of the top octave (2^62) */
#define BUCKET_COUNT ((size_t)(SHIFT_MAX + 2) * SUB_COUNT) /* 7296 */

struct lagsim_hist {
    uint64_t count;              /* values recorded */
    uint64_t min;                /* smallest value, UINT64_MAX when empty */
    uint64_t max;                /* largest value, 0 when empty */
    uint64_t sum_lo;             /* low 64 bits of the exact sum */
    uint64_t sum_hi;             /* high 64 bits of the exact sum */
    uint64_t bucket[];           /* BUCKET_COUNT counts */
};

/* Negative values count as 0 (a compare and a conditional move). */
static inline uint64_t clamp_value(int64_t value)
{
    return value < 0 ? 0 : (uint64_t)value;
}

/* Bucket of a value in [0, INT64_MAX]. v | 255 is never 0. */
static inline size_t bucket_index(uint64_t v)
{
    const unsigned shift = (unsigned)(63 - SUB_BITS) - (unsigned)__builtin_clzll(v | 255u);
    return ((size_t)shift << SUB_BITS) + (size_t)(v >> shift);
}

/* Lower bound and width of bucket i (i < BUCKET_COUNT), as uint64. */
static inline void bucket_bounds(size_t i, uint64_t *low, uint64_t *width)
{
    if (i < 2 * SUB_COUNT) {
        *low = i;
        *width = 1;
        return;
    }
    const unsigned shift = (unsigned)(i >> SUB_BITS) - 1;
    const uint64_t m = (uint64_t)i - ((uint64_t)shift << SUB_BITS); /* in [128, 256) */
    *low = m << shift;
    *width = (uint64_t)1 << shift;
}

/* Adds a * b to the 128-bit sum, with a, b < 2^64 (portable 64x64->128). */
static void sum_add_product(lagsim_hist_t *h, uint64_t a, uint64_t b)
{
    const uint64_t a_lo = a & 0xffffffffu, a_hi = a >> 32;
    const uint64_t b_lo = b & 0xffffffffu, b_hi = b >> 32;
    const uint64_t ll = a_lo * b_lo;
    const uint64_t lh = a_lo * b_hi;
    const uint64_t hl = a_hi * b_lo;
    const uint64_t hh = a_hi * b_hi;
    /* Middle column: at most 3 * (2^32 - 1), fits in 64 bits. */
    const uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    const uint64_t prod_lo = (mid << 32) | (ll & 0xffffffffu);
    const uint64_t prod_hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

    const uint64_t lo = h->sum_lo + prod_lo;
    h->sum_hi += prod_hi + (lo < prod_lo);
    h->sum_lo = lo;
}

lagsim_hist_t *lagsim_hist_create(void)
{
    lagsim_hist_t *h = malloc(sizeof *h + BUCKET_COUNT * sizeof h->bucket[0]);
    if (h != NULL)
        lagsim_hist_reset(h);
    return h;
}

void lagsim_hist_destroy(lagsim_hist_t *h)
{
    free(h);
}

void lagsim_hist_reset(lagsim_hist_t *h)
{
    assert(h != NULL);
    h->count = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->sum_lo = 0;
    h->sum_hi = 0;
    memset(h->bucket, 0, BUCKET_COUNT * sizeof h->bucket[0]);
}

/*
 * The hot path: an index, an increment, two conditional moves and an
 * add with carry. No loop, no data-dependent branch.
 */
void lagsim_hist_record(lagsim_hist_t *h, int64_t value)
{
    const uint64_t v = clamp_value(value);
    h->bucket[bucket_index(v)]++;
    h->count++;
    h->min = v < h->min ? v : h->min;
    h->max = v > h->max ? v : h->max;
    const uint64_t lo = h->sum_lo + v;
    h->sum_hi += (lo < v);
    h->sum_lo = lo;
}

void lagsim_hist_record_n(lagsim_hist_t *h, int64_t value, uint64_t count)
{
    if (count == 0)
        return;
    const uint64_t v = clamp_value(value);
    h->bucket[bucket_index(v)] += count;
    h->count += count;
    if (v < h->min)
        h->min = v;
    if (v > h->max)
        h->max = v;
    sum_add_product(h, v, count);
}

/* dst == src is allowed: every field of dst then doubles its counts. */
void lagsim_hist_merge(lagsim_hist_t *dst, const lagsim_hist_t *src)
{
    assert(dst != NULL && src != NULL);
    if (src->count == 0)
        return;
    for (size_t i = 0; i < BUCKET_COUNT; i++)
        dst->bucket[i] += src->bucket[i];
    dst->count += src->count;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
    const uint64_t src_lo = src->sum_lo, src_hi = src->sum_hi; /* before dst changes */
    const uint64_t lo = dst->sum_lo + src_lo;
    dst->sum_hi += src_hi + (lo < src_lo);
    dst->sum_lo = lo;
}

uint64_t lagsim_hist_count(const lagsim_hist_t *h)
{
    return h->count;
}

int64_t lagsim_hist_min(const lagsim_hist_t *h)
{
    return h->count == 0 ? 0 : (int64_t)h->min;
}

int64_t lagsim_hist_max(const lagsim_hist_t *h)
{
    return h->count == 0 ? 0 : (int64_t)h->max;
}

double lagsim_hist_mean(const lagsim_hist_t *h)
{
    if (h->count == 0)
        return 0.0;
    const double sum = (double)h->sum_hi * 18446744073709551616.0 /* 2^64 */
                       + (double)h->sum_lo;
    return sum / (double)h->count;
}

/*
 * rank = ceil(q * count), clamped to [1, count]; the answer is the
 * midpoint of the bucket holding the rank-th smallest value, clamped to
 * [min, max]. That bucket holds the exact quantile, so the answer is
 * within half a bucket width of it, and the clamp only moves it closer.
 * A linear walk over the buckets: this is a reporting call, not hot.
 */
int64_t lagsim_hist_quantile(const lagsim_hist_t *h, double q)
{
    if (h->count == 0)
        return -1;
    if (!(q > 0.0)) /* also catches NaN */
        return (int64_t)h->min;
    if (q >= 1.0)
        return (int64_t)h->max;

    const double r = ceil(q * (double)h->count);
    uint64_t rank = r >= (double)h->count ? h->count : (uint64_t)r;
    if (rank == 0)
        rank = 1;

    uint64_t seen = 0;
    size_t i = 0;
    for (; i < BUCKET_COUNT - 1; i++) {
        seen += h->bucket[i];
        if (seen >= rank)
            break;
    }
    uint64_t low, width;
    bucket_bounds(i, &low, &width);
    uint64_t mid = low + width / 2;
    if (mid < h->min)
        mid = h->min;
    if (mid > h->max)
        mid = h->max;
    return (int64_t)mid;
}

/*
 * Counts whole buckets up to and including the bucket of `value`, so
 * values up to one bucket width (< 0.8%) above `value` may be counted.
 * Exact below min and at or above max. It agrees with lagsim_hist_quantile:
 * lagsim_hist_share_at_or_below(h, lagsim_hist_quantile(h, q)) >= q.
 */
double lagsim_hist_share_at_or_below(const lagsim_hist_t *h, int64_t value)
{
    if (h->count == 0 || value < 0)
        return 0.0;
    const uint64_t v = (uint64_t)value;
    if (v < h->min)
        return 0.0;
    if (v >= h->max)
        return 1.0;
    const size_t last = bucket_index(v);
    uint64_t seen = 0;
    for (size_t i = 0; i <= last; i++)
        seen += h->bucket[i];
    return (double)seen / (double)h->count;
}

size_t lagsim_hist_bucket_count(void)
{
    return BUCKET_COUNT;
}

/*
 * The last bucket would end at 2^63, which int64 cannot hold: its *high
 * is INT64_MAX and, unlike the others, it also holds INT64_MAX itself.
 * low and high may be NULL. An out-of-range i is a bug (assert); without
 * assertions it returns 0 and leaves *low and *high untouched.
 */
uint64_t lagsim_hist_bucket(const lagsim_hist_t *h, size_t i, int64_t *low,
                            int64_t *high)
{
    assert(i < BUCKET_COUNT);
    if (i >= BUCKET_COUNT)
        return 0;
    uint64_t lo, width;
    bucket_bounds(i, &lo, &width);
    const uint64_t hi = width > (uint64_t)INT64_MAX - lo ? (uint64_t)INT64_MAX : lo + width;
    if (low != NULL)
        *low = (int64_t)lo;
    if (high != NULL)
        *high = (int64_t)hi;
    return h->bucket[i];
}

/* ---- Packing (stats/pack.h): the totals, then the non-empty buckets as
 * (index, count) pairs, since a run touches a few hundred of 7296. ---- */

void lsi_hist_put(lsi_pack_t *w, const lagsim_hist_t *h)
{
    uint32_t used = 0;
    for (size_t i = 0; i < BUCKET_COUNT; i++)
        used += h->bucket[i] != 0;
    lsi_put_u64(w, h->count);
    lsi_put_u64(w, h->min);
    lsi_put_u64(w, h->max);
    lsi_put_u64(w, h->sum_lo);
    lsi_put_u64(w, h->sum_hi);
    lsi_put_u32(w, used);
    for (size_t i = 0; i < BUCKET_COUNT; i++) {
        if (h->bucket[i] == 0)
            continue;
        lsi_put_u32(w, (uint32_t)i);
        lsi_put_u64(w, h->bucket[i]);
    }
}

int lsi_hist_get(lsi_unpack_t *p, lagsim_hist_t *h)
{
    lagsim_hist_reset(h);
    h->count = lsi_get_u64(p);
    h->min = lsi_get_u64(p);
    h->max = lsi_get_u64(p);
    h->sum_lo = lsi_get_u64(p);
    h->sum_hi = lsi_get_u64(p);
    const uint32_t used = lsi_get_u32(p);
    uint64_t total = 0;
    for (uint32_t k = 0; k < used && !p->bad; k++) {
        const uint32_t i = lsi_get_u32(p);
        const uint64_t n = lsi_get_u64(p);
        if (i >= BUCKET_COUNT || h->bucket[i] != 0 || n == 0) {
            p->bad = 1;
            break;
        }
        h->bucket[i] = n;
        total += n;
    }
    if (!p->bad && total != h->count)
        p->bad = 1;
    return p->bad ? -1 : 0;
}
