/*
 * series.c - owns lagsim_series_t: a time series of fixed-width windows
 * (per window: counters, the largest value of one level, and a small
 * latency sketch), for views such as Segment's Event Delivery dashboard.
 *
 * Central idea: memory follows the number of windows (the length of the
 * run), never the number of things recorded. Three growable arrays:
 *   - win[]: one 40-byte record per window (level, latency count, min,
 *     max, and where its sketch band lives);
 *   - count[]: n_counters uint64 per window;
 *   - bucket[]: an arena of sketch buckets, where each window keeps only
 *     the band [band_lo, band_lo + band_n) of buckets it has used.
 * The window arrays double when a window past their end opens; the arena
 * doubles when a band needs room. A run records in time order, so only
 * the newest window's band grows, and it is always the last band in the
 * arena: it grows in place (a memmove of the band when it grows
 * downwards). A record into an older window whose band is not last moves
 * that band to the end of the arena (the old space is not reused; only
 * out-of-order recording pays that). merge() rebuilds the arena compactly.
 *
 * Sketch layout (the histogram's, with 8 sub-buckets per octave instead
 * of 128): values 0..15 have a bucket each (exact); a value v in
 * [2^e, 2^(e+1)), e >= 4, lands in bucket shift * 8 + (v >> shift) with
 * shift = e - 3, so v >> shift is in [8, 16). 488 buckets cover the whole
 * int64 range. A bucket is at most 1/8 of its lower bound wide, so its
 * midpoint is within 1/16 (6.25%) of every value in it: a quantile is
 * reported within 6.25% relative error (exact below 16 us), and clamped
 * to the exact min and max of the windows asked about.
 *
 * Levels are a step function: lagsim_series_set_level(t, v) says the
 * level is v from t on. A window's level is the largest value the step
 * function takes in it: the value carried in when it opened (unless a
 * new value was set at the window's very start), or any value set within
 * it. Merging adds counters, buckets and levels (so a
 * merged level is the sum of the runs' maxima).
 */
#include <stdlib.h>
#include <string.h>

#include "lagsim/stats.h"
#include "stats/pack.h"

#define SUB_BITS 3
#define SUB_COUNT (1u << SUB_BITS)           /* 8 sub-buckets per octave */
#define BUCKETS ((size_t)(62 - SUB_BITS + 2) * SUB_COUNT) /* 488 */
#define MIN_WINDOWS 64                       /* first allocation */
#define MIN_ARENA 1024                       /* first arena allocation, buckets */

typedef struct window {
    uint64_t level;     /* largest level in the window */
    uint64_t lat_count; /* latencies recorded */
    int64_t lat_min;    /* smallest latency (INT64_MAX when none) */
    int64_t lat_max;    /* largest latency (0 when none) */
    uint32_t band_off;  /* arena index of bucket band_lo */
    uint16_t band_lo;   /* first sketch bucket of the band */
    uint16_t band_n;    /* buckets in the band (0: none yet) */
} window_t;

struct lagsim_series {
    int64_t width;        /* of a window, > 0 */
    unsigned n_counters;  /* counters per window */
    size_t n;             /* windows open: [0, n) */
    size_t cap;           /* windows allocated */
    window_t *win;        /* [cap] */
    uint64_t *count;      /* [cap][n_counters] */
    uint64_t *bucket;     /* arena of bands */
    size_t n_bucket;      /* arena buckets in use */
    size_t cap_bucket;    /* arena buckets allocated */
    uint64_t level_now;   /* the level's current value (carried into new windows) */
    int64_t level_t;      /* when it was set (-1: never) */
    uint32_t runs;        /* recorded series merged into this one */
    size_t last_w;        /* cache: the window of the last time looked up */
    int64_t last_start;   /* and its start (-1: no cache) */
};

static inline size_t bucket_index(uint64_t v)
{
    const unsigned shift = 60u - (unsigned)__builtin_clzll(v | 15u);
    return (size_t)shift * SUB_COUNT + (size_t)(v >> shift);
}

static void bucket_bounds(size_t i, uint64_t *low, uint64_t *width)
{
    if (i < 2 * SUB_COUNT) {
        *low = i;
        *width = 1;
        return;
    }
    const unsigned shift = (unsigned)(i / SUB_COUNT) - 1u;
    *low = (uint64_t)(i % SUB_COUNT + SUB_COUNT) << shift;
    *width = (uint64_t)1 << shift;
}

lagsim_series_t *lagsim_series_create(unsigned counters, int64_t width)
{
    if (counters < 1 || counters > LAGSIM_SERIES_MAX_COUNTERS || width < 1)
        return NULL;
    lagsim_series_t *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->n_counters = counters;
    lagsim_series_reset(s, width);
    return s;
}

void lagsim_series_destroy(lagsim_series_t *s)
{
    if (!s)
        return;
    free(s->win);
    free(s->count);
    free(s->bucket);
    free(s);
}

void lagsim_series_reset(lagsim_series_t *s, int64_t width)
{
    s->width = width > 0 ? width : 1;
    s->n = 0;
    s->n_bucket = 0;
    s->level_now = 0;
    s->level_t = -1;
    s->runs = 0;
    s->last_start = -1;
    s->last_w = 0;
}

/* Makes windows [0, w] exist; new ones carry the current level in.
 * Returns 0, or -1 if out of memory (nothing changed). */
static int open_windows(lagsim_series_t *s, size_t w)
{
    if (s->runs == 0)
        s->runs = 1;
    if (w < s->n)
        return 0;
    if (w >= s->cap) {
        size_t cap = s->cap ? s->cap : MIN_WINDOWS;
        while (cap <= w) {
            if (cap > SIZE_MAX / 2 / sizeof(window_t) / LAGSIM_SERIES_MAX_COUNTERS)
                return -1;
            cap *= 2;
        }
        window_t *win = realloc(s->win, cap * sizeof *win);
        if (!win)
            return -1;
        s->win = win;
        uint64_t *count = realloc(s->count, cap * s->n_counters * sizeof *count);
        if (!count)
            return -1;
        s->count = count;
        s->cap = cap;
    }
    for (size_t i = s->n; i <= w; i++) {
        window_t *x = &s->win[i];
        x->level = s->level_now;
        x->lat_count = 0;
        x->lat_min = INT64_MAX;
        x->lat_max = 0;
        x->band_off = 0;
        x->band_lo = 0;
        x->band_n = 0;
    }
    memset(s->count + s->n * s->n_counters, 0,
           (w + 1 - s->n) * s->n_counters * sizeof *s->count);
    s->n = w + 1;
    return 0;
}

/* The window holding time t (negative times count as 0), opened. Returns
 * 0 with *w set, or -1 if out of memory. */
static int window_at(lagsim_series_t *s, int64_t t, size_t *w)
{
    if (t < 0)
        t = 0;
    if (s->last_start >= 0 && t >= s->last_start && t - s->last_start < s->width) {
        *w = s->last_w;
        return 0;
    }
    const uint64_t i = (uint64_t)(t / s->width);
    if (i >= SIZE_MAX / 2 || open_windows(s, (size_t)i) != 0)
        return -1;
    s->last_w = (size_t)i;
    s->last_start = (int64_t)i * s->width;
    *w = (size_t)i;
    return 0;
}

int lagsim_series_add(lagsim_series_t *s, int64_t t, unsigned counter, uint64_t n)
{
    size_t w;
    if (counter >= s->n_counters || window_at(s, t, &w) != 0)
        return -1;
    s->count[w * s->n_counters + counter] += n;
    return 0;
}

int lagsim_series_set_level(lagsim_series_t *s, int64_t t, uint64_t value)
{
    size_t w;
    if (t < 0)
        t = 0;
    if (window_at(s, t, &w) != 0)
        return -1;
    const int64_t start = (int64_t)w * s->width;
    if (t == start && s->level_t < start)
        s->win[w].level = value; /* the value carried in held for no time */
    else if (value > s->win[w].level)
        s->win[w].level = value;
    s->level_now = value;
    s->level_t = t;
    return 0;
}

int lagsim_series_extend(lagsim_series_t *s, int64_t t)
{
    size_t w;
    return window_at(s, t, &w);
}

/* Room for `more` buckets at the end of the arena. Returns 0 or -1. */
static int arena_reserve(lagsim_series_t *s, size_t more)
{
    if (s->n_bucket + more <= s->cap_bucket)
        return 0;
    size_t cap = s->cap_bucket ? s->cap_bucket : MIN_ARENA;
    while (cap < s->n_bucket + more)
        cap *= 2;
    if (cap > UINT32_MAX)
        return -1; /* band_off is 32 bits: 32 GB of buckets */
    uint64_t *b = realloc(s->bucket, cap * sizeof *b);
    if (!b)
        return -1;
    s->bucket = b;
    s->cap_bucket = cap;
    return 0;
}

/* Widens window x's band to hold bucket i. Returns 0 or -1. */
static int band_include(lagsim_series_t *s, window_t *x, size_t i)
{
    if (x->band_n == 0) {
        if (arena_reserve(s, 1) != 0)
            return -1;
        x->band_off = (uint32_t)s->n_bucket;
        x->band_lo = (uint16_t)i;
        x->band_n = 1;
        s->bucket[s->n_bucket++] = 0;
        return 0;
    }
    const size_t lo = x->band_lo, hi = lo + x->band_n;
    if (i >= lo && i < hi)
        return 0;
    const size_t nlo = i < lo ? i : lo, nhi = i >= hi ? i + 1 : hi;
    const size_t n = nhi - nlo;
    if ((size_t)x->band_off + x->band_n == s->n_bucket) {
        /* The last band: grow it in place. */
        if (arena_reserve(s, n - x->band_n) != 0)
            return -1;
        uint64_t *b = s->bucket + x->band_off;
        memmove(b + (lo - nlo), b, x->band_n * sizeof *b);
        memset(b, 0, (lo - nlo) * sizeof *b);
        memset(b + (hi - nlo), 0, (nhi - hi) * sizeof *b);
    } else {
        /* An older band: move it to the end of the arena. */
        if (arena_reserve(s, n) != 0)
            return -1;
        uint64_t *b = s->bucket + s->n_bucket;
        memset(b, 0, n * sizeof *b);
        memcpy(b + (lo - nlo), s->bucket + x->band_off, x->band_n * sizeof *b);
        x->band_off = (uint32_t)s->n_bucket;
    }
    s->n_bucket = (size_t)x->band_off + n;
    x->band_lo = (uint16_t)nlo;
    x->band_n = (uint16_t)n;
    return 0;
}

int lagsim_series_record(lagsim_series_t *s, int64_t t, int64_t latency)
{
    size_t w;
    if (latency < 0)
        latency = 0;
    if (window_at(s, t, &w) != 0)
        return -1;
    window_t *x = &s->win[w];
    const size_t i = bucket_index((uint64_t)latency);
    if (band_include(s, x, i) != 0)
        return -1;
    s->bucket[x->band_off + (i - x->band_lo)]++;
    x->lat_count++;
    if (latency < x->lat_min)
        x->lat_min = latency;
    if (latency > x->lat_max)
        x->lat_max = latency;
    return 0;
}

int lagsim_series_merge(lagsim_series_t *dst, const lagsim_series_t *src)
{
    if (src->n_counters != dst->n_counters)
        return -2;
    if (src->n == 0) {
        dst->runs += src->runs;
        dst->level_now += src->level_now;
        return 0;
    }
    if (dst->n == 0 && dst->runs == 0)
        dst->width = src->width;
    else if (dst->width != src->width)
        return -2;
    const uint32_t runs = dst->runs; /* open_windows() may count dst as a run */
    if (open_windows(dst, src->n - 1) != 0)
        return -1;
    dst->runs = runs + src->runs;

    /* The new arena: each window's band is the union of the two. */
    size_t need = 0;
    for (size_t w = 0; w < dst->n; w++) {
        const window_t *d = &dst->win[w], *x = w < src->n ? &src->win[w] : NULL;
        size_t lo = d->band_n ? d->band_lo : BUCKETS, hi = d->band_n ? lo + d->band_n : 0;
        if (x && x->band_n) {
            if (x->band_lo < lo)
                lo = x->band_lo;
            if ((size_t)x->band_lo + x->band_n > hi)
                hi = (size_t)x->band_lo + x->band_n;
        }
        need += hi > lo ? hi - lo : 0;
    }
    if (need > UINT32_MAX)
        return -1;
    uint64_t *arena = calloc(need ? need : 1, sizeof *arena);
    if (!arena)
        return -1;
    size_t off = 0;
    for (size_t w = 0; w < dst->n; w++) {
        window_t *d = &dst->win[w];
        const window_t *x = w < src->n ? &src->win[w] : NULL;
        size_t lo = d->band_n ? d->band_lo : BUCKETS, hi = d->band_n ? lo + d->band_n : 0;
        if (x && x->band_n) {
            if (x->band_lo < lo)
                lo = x->band_lo;
            if ((size_t)x->band_lo + x->band_n > hi)
                hi = (size_t)x->band_lo + x->band_n;
        }
        if (hi > lo) {
            for (size_t j = 0; j < d->band_n; j++)
                arena[off + d->band_lo - lo + j] += dst->bucket[d->band_off + j];
            for (size_t j = 0; x && j < x->band_n; j++)
                arena[off + x->band_lo - lo + j] += src->bucket[x->band_off + j];
            d->band_off = (uint32_t)off;
            d->band_lo = (uint16_t)lo;
            d->band_n = (uint16_t)(hi - lo);
            off += hi - lo;
        }
        /* Past its end a series holds its last level, with nothing else. */
        d->level += x ? x->level : src->level_now;
        if (!x)
            continue;
        d->lat_count += x->lat_count;
        if (x->lat_min < d->lat_min)
            d->lat_min = x->lat_min;
        if (x->lat_max > d->lat_max)
            d->lat_max = x->lat_max;
        for (unsigned c = 0; c < dst->n_counters; c++)
            dst->count[w * dst->n_counters + c] += src->count[w * src->n_counters + c];
    }
    free(dst->bucket);
    dst->bucket = arena;
    dst->n_bucket = off;
    dst->cap_bucket = need ? need : 1;
    dst->level_now += src->level_now;
    dst->last_start = -1;
    return 0;
}

size_t lagsim_series_length(const lagsim_series_t *s)
{
    return s->n;
}

int64_t lagsim_series_width(const lagsim_series_t *s)
{
    return s->width;
}

uint32_t lagsim_series_runs(const lagsim_series_t *s)
{
    return s->runs;
}

unsigned lagsim_series_counters(const lagsim_series_t *s)
{
    return s->n_counters;
}

uint64_t lagsim_series_count(const lagsim_series_t *s, size_t w, unsigned counter)
{
    if (w >= s->n || counter >= s->n_counters)
        return 0;
    return s->count[w * s->n_counters + counter];
}

uint64_t lagsim_series_level_max(const lagsim_series_t *s, size_t w)
{
    return w < s->n ? s->win[w].level : s->level_now;
}

uint64_t lagsim_series_latency_count(const lagsim_series_t *s, size_t first, size_t count)
{
    uint64_t n = 0;
    for (size_t w = first; w < s->n && w - first < count; w++)
        n += s->win[w].lat_count;
    return n;
}

/* Adds (sign 1) or subtracts (sign -1) window x's sketch into sum[]. */
static void sum_band(const lagsim_series_t *s, const window_t *x, uint64_t *sum, int sign)
{
    for (size_t j = 0; j < x->band_n; j++) {
        if (sign > 0)
            sum[x->band_lo + j] += s->bucket[x->band_off + j];
        else
            sum[x->band_lo + j] -= s->bucket[x->band_off + j];
    }
}

/* The bucket of rank ceil(q * n) in sum[] (n > 0, 0 < q < 1), as a value
 * clamped to [min, max]. */
static int64_t walk_rank(const uint64_t *sum, uint64_t n, double q, int64_t min, int64_t max)
{
    const double r = q * (double)n;
    uint64_t rank = r >= (double)n ? n : (uint64_t)r;
    if ((double)rank < r)
        rank++;
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    size_t i = 0;
    for (; i + 1 < BUCKETS; i++) {
        seen += sum[i];
        if (seen >= rank)
            break;
    }
    uint64_t low, width;
    bucket_bounds(i, &low, &width);
    int64_t mid = (int64_t)(low + width / 2);
    return mid < min ? min : mid > max ? max : mid;
}

/*
 * Adds the sketches of windows [first, first + count) into one array of
 * BUCKETS counts (on the stack: 3.9 KB) and walks it to the bucket of
 * rank ceil(q * n), as lagsim_hist_quantile() does. A reporting call.
 */
int64_t lagsim_series_quantile(const lagsim_series_t *s, size_t first, size_t count, double q)
{
    uint64_t sum[BUCKETS];
    uint64_t n = 0;
    int64_t min = INT64_MAX, max = 0;
    memset(sum, 0, sizeof sum);
    for (size_t w = first; w < s->n && w - first < count; w++) {
        const window_t *x = &s->win[w];
        if (x->lat_count == 0)
            continue;
        n += x->lat_count;
        if (x->lat_min < min)
            min = x->lat_min;
        if (x->lat_max > max)
            max = x->lat_max;
        for (size_t j = 0; j < x->band_n; j++)
            sum[x->band_lo + j] += s->bucket[x->band_off + j];
    }
    if (n == 0)
        return -1;
    if (!(q > 0.0))
        return min;
    if (q >= 1.0)
        return max;
    return walk_rank(sum, n, q, min, max);
}

void lagsim_series_rolling_quantile(const lagsim_series_t *s, size_t span, double q,
                                    int64_t *out)
{
    uint64_t sum[BUCKETS];
    uint64_t n = 0;
    memset(sum, 0, sizeof sum);
    if (span < 1)
        span = 1;
    for (size_t i = 0; i < s->n; i++) {
        sum_band(s, &s->win[i], sum, 1);
        n += s->win[i].lat_count;
        if (i >= span) {
            sum_band(s, &s->win[i - span], sum, -1);
            n -= s->win[i - span].lat_count;
        }
        if (n == 0) {
            out[i] = -1;
            continue;
        }
        int64_t min = INT64_MAX, max = 0;
        for (size_t w = i + 1 > span ? i + 1 - span : 0; w <= i; w++) {
            if (s->win[w].lat_count == 0)
                continue;
            if (s->win[w].lat_min < min)
                min = s->win[w].lat_min;
            if (s->win[w].lat_max > max)
                max = s->win[w].lat_max;
        }
        out[i] = !(q > 0.0) ? min : q >= 1.0 ? max : walk_rank(sum, n, q, min, max);
    }
}

double lagsim_series_bytes_for(double windows, unsigned counters)
{
    return windows * (double)(sizeof(window_t) + counters * sizeof(uint64_t));
}

size_t lagsim_series_bytes(const lagsim_series_t *s)
{
    return sizeof *s + s->cap * (sizeof(window_t) + s->n_counters * sizeof(uint64_t)) +
           s->cap_bucket * sizeof(uint64_t);
}

/* ---- Packing (stats/pack.h): the scalars, then each window with its
 * counters and its band of sketch buckets. Unpacking lays the bands out
 * compactly in a new arena, as merge() does. ---- */

void lsi_series_put(lsi_pack_t *w, const lagsim_series_t *s)
{
    lsi_put_i64(w, s->width);
    lsi_put_u32(w, s->n_counters);
    lsi_put_u64(w, s->level_now);
    lsi_put_i64(w, s->level_t);
    lsi_put_u32(w, s->runs);
    lsi_put_u64(w, (uint64_t)s->n);
    for (size_t i = 0; i < s->n; i++) {
        const window_t *x = &s->win[i];
        lsi_put_u64(w, x->level);
        lsi_put_u64(w, x->lat_count);
        lsi_put_i64(w, x->lat_min);
        lsi_put_i64(w, x->lat_max);
        lsi_put_u32(w, x->band_lo);
        lsi_put_u32(w, x->band_n);
        for (unsigned c = 0; c < s->n_counters; c++)
            lsi_put_u64(w, s->count[i * s->n_counters + c]);
        for (size_t j = 0; j < x->band_n; j++)
            lsi_put_u64(w, s->bucket[x->band_off + j]);
    }
}

int lsi_series_get(lsi_unpack_t *p, lagsim_series_t *s)
{
    const int64_t width = lsi_get_i64(p);
    if (lsi_get_u32(p) != s->n_counters || width < 1) {
        p->bad = 1;
        return -1;
    }
    lagsim_series_reset(s, width);
    const uint64_t level_now = lsi_get_u64(p);
    const int64_t level_t = lsi_get_i64(p);
    const uint32_t runs = lsi_get_u32(p);
    const uint64_t n = lsi_get_u64(p);
    /* Each window takes at least 48 bytes: more than what is left is a lie. */
    if (p->bad || n > (p->len - p->off) / 48) {
        p->bad = 1;
        return -1;
    }
    if (n > 0 && open_windows(s, (size_t)n - 1) != 0)
        return -2;
    for (size_t i = 0; i < (size_t)n && !p->bad; i++) {
        window_t *x = &s->win[i];
        x->level = lsi_get_u64(p);
        x->lat_count = lsi_get_u64(p);
        x->lat_min = lsi_get_i64(p);
        x->lat_max = lsi_get_i64(p);
        const uint32_t lo = lsi_get_u32(p), bn = lsi_get_u32(p);
        for (unsigned c = 0; c < s->n_counters; c++)
            s->count[i * s->n_counters + c] = lsi_get_u64(p);
        if (p->bad || lo > BUCKETS || bn > BUCKETS - lo || bn > (p->len - p->off) / 8) {
            p->bad = 1;
            break;
        }
        if (bn > 0 && arena_reserve(s, bn) != 0)
            return -2;
        x->band_lo = (uint16_t)lo;
        x->band_n = (uint16_t)bn;
        x->band_off = (uint32_t)s->n_bucket;
        for (uint32_t j = 0; j < bn; j++)
            s->bucket[s->n_bucket + j] = lsi_get_u64(p);
        s->n_bucket += bn;
    }
    s->level_now = level_now;
    s->level_t = level_t;
    s->runs = runs;
    s->last_start = -1;
    return p->bad ? -1 : 0;
}
