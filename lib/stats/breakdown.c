/*
 * breakdown.c - owns lagsim_breakdown_t: where latency goes, streamed.
 *
 * Each recorded item is a total latency split into parts that add up to
 * it. The accumulator keeps, per part, the sum over all items (for the
 * mean and the share of the total) and the sum within each band of
 * totals (for the share of a tail such as the items at or above p99).
 *
 * Bands are log-linear like the histogram's buckets but coarser: 16 per
 * octave (each at most 1/16, about 6%, wider than its lower bound), up to
 * 2^40 us (12.7 days), with everything longer in the last band. So a
 * tail "at or above T" is the items in the bands whose upper end is above
 * T: it may take in items down to one band width below T. Memory is fixed
 * (about 60 KB for 10 parts), recording is one index and parts+1 adds.
 */
#include <stdlib.h>
#include <string.h>

#include "lagsim/stats.h"
#include "stats/pack.h"

#define SUB_BITS 4
#define SUB_COUNT (1u << SUB_BITS)
#define TOP_BITS 40
/* Values below 2^TOP_BITS, then one band for everything longer. */
#define BAND_COUNT ((size_t)(TOP_BITS - SUB_BITS + 1) * SUB_COUNT + 1)

struct lagsim_breakdown {
    unsigned parts;
    uint64_t count;
    uint64_t inconsistent; /* records whose parts did not add up */
    int64_t total_sum;
    int64_t part_sum[LAGSIM_BREAKDOWN_MAX_PARTS];
    uint64_t band_count[BAND_COUNT];
    int64_t band_total[BAND_COUNT];
    int64_t band_part[]; /* [BAND_COUNT][parts] */
};

/*
 * Values 0..31 have a band each; a value v in [2^e, 2^(e+1)), e >= 5,
 * falls in band shift * 16 + (v >> shift) with shift = e - 4, where
 * v >> shift lies in [16, 32).
 */
static size_t band_index(int64_t value)
{
    const uint64_t v = value < 0 ? 0 : (uint64_t)value;
    if (v >= (1ull << TOP_BITS))
        return BAND_COUNT - 1;
    const unsigned e = (unsigned)(63 - __builtin_clzll(v | (2 * SUB_COUNT - 1)));
    const unsigned shift = e - SUB_BITS;
    return (size_t)shift * SUB_COUNT + (size_t)(v >> shift);
}

/* Lower and upper end of band i. */
static void band_bounds(size_t i, int64_t *low, int64_t *high)
{
    if (i == BAND_COUNT - 1) {
        *low = (int64_t)(1ull << TOP_BITS);
        *high = INT64_MAX;
    } else if (i < 2 * SUB_COUNT) {
        *low = (int64_t)i;
        *high = (int64_t)i + 1;
    } else {
        const size_t shift = i / SUB_COUNT - 1, m = i % SUB_COUNT + SUB_COUNT;
        *low = (int64_t)(m << shift);
        *high = (int64_t)((m + 1) << shift);
    }
}

lagsim_breakdown_t *lagsim_breakdown_create(unsigned parts)
{
    if (parts == 0 || parts > LAGSIM_BREAKDOWN_MAX_PARTS)
        return NULL;
    lagsim_breakdown_t *b = malloc(sizeof *b + BAND_COUNT * parts * sizeof b->band_part[0]);
    if (!b)
        return NULL;
    b->parts = parts;
    lagsim_breakdown_reset(b);
    return b;
}

void lagsim_breakdown_destroy(lagsim_breakdown_t *b)
{
    free(b);
}

void lagsim_breakdown_reset(lagsim_breakdown_t *b)
{
    const unsigned parts = b->parts;
    memset(b, 0, sizeof *b + BAND_COUNT * parts * sizeof b->band_part[0]);
    b->parts = parts;
}

int lagsim_breakdown_record(lagsim_breakdown_t *b, int64_t total, const int64_t *part)
{
    int64_t sum = 0;
    int bad = 0;
    for (unsigned i = 0; i < b->parts; i++) {
        sum += part[i];
        bad |= part[i] < 0;
    }
    if (bad || sum != total) {
        b->inconsistent++;
        return -1;
    }
    const size_t k = band_index(total);
    int64_t *row = &b->band_part[k * b->parts];
    b->count++;
    b->total_sum += total;
    b->band_count[k]++;
    b->band_total[k] += total;
    for (unsigned i = 0; i < b->parts; i++) {
        b->part_sum[i] += part[i];
        row[i] += part[i];
    }
    return 0;
}

int lagsim_breakdown_merge(lagsim_breakdown_t *dst, const lagsim_breakdown_t *src)
{
    if (dst->parts != src->parts)
        return -1;
    dst->count += src->count;
    dst->inconsistent += src->inconsistent;
    dst->total_sum += src->total_sum;
    for (unsigned i = 0; i < dst->parts; i++)
        dst->part_sum[i] += src->part_sum[i];
    for (size_t k = 0; k < BAND_COUNT; k++) {
        dst->band_count[k] += src->band_count[k];
        dst->band_total[k] += src->band_total[k];
    }
    for (size_t j = 0; j < BAND_COUNT * dst->parts; j++)
        dst->band_part[j] += src->band_part[j];
    return 0;
}

uint64_t lagsim_breakdown_count(const lagsim_breakdown_t *b)
{
    return b->count;
}

uint64_t lagsim_breakdown_inconsistent(const lagsim_breakdown_t *b)
{
    return b->inconsistent;
}

double lagsim_breakdown_mean(const lagsim_breakdown_t *b, unsigned part)
{
    if (b->count == 0 || part >= b->parts)
        return 0;
    return (double)b->part_sum[part] / (double)b->count;
}

double lagsim_breakdown_total_mean(const lagsim_breakdown_t *b)
{
    return b->count ? (double)b->total_sum / (double)b->count : 0;
}

double lagsim_breakdown_share(const lagsim_breakdown_t *b, unsigned part)
{
    if (b->total_sum <= 0 || part >= b->parts)
        return 0;
    return (double)b->part_sum[part] / (double)b->total_sum;
}

double lagsim_breakdown_tail_share(const lagsim_breakdown_t *b, unsigned part,
                                   int64_t threshold, uint64_t *items)
{
    int64_t total = 0, sum = 0;
    uint64_t n = 0;
    for (size_t k = BAND_COUNT; k-- > 0;) {
        int64_t low, high;
        band_bounds(k, &low, &high);
        if (high <= threshold)
            break;
        n += b->band_count[k];
        total += b->band_total[k];
        if (part < b->parts)
            sum += b->band_part[k * b->parts + part];
    }
    if (items)
        *items = n;
    return total > 0 ? (double)sum / (double)total : 0;
}

/* ---- Packing (stats/pack.h): the totals, then the bands that hold a
 * record (an empty band's sums are all 0). ---- */

void lsi_breakdown_put(lsi_pack_t *w, const lagsim_breakdown_t *b)
{
    uint32_t used = 0;
    for (size_t i = 0; i < BAND_COUNT; i++)
        used += b->band_count[i] != 0;
    lsi_put_u32(w, b->parts);
    lsi_put_u64(w, b->count);
    lsi_put_u64(w, b->inconsistent);
    lsi_put_i64(w, b->total_sum);
    for (unsigned k = 0; k < b->parts; k++)
        lsi_put_i64(w, b->part_sum[k]);
    lsi_put_u32(w, used);
    for (size_t i = 0; i < BAND_COUNT; i++) {
        if (b->band_count[i] == 0)
            continue;
        lsi_put_u32(w, (uint32_t)i);
        lsi_put_u64(w, b->band_count[i]);
        lsi_put_i64(w, b->band_total[i]);
        for (unsigned k = 0; k < b->parts; k++)
            lsi_put_i64(w, b->band_part[i * b->parts + k]);
    }
}

int lsi_breakdown_get(lsi_unpack_t *p, lagsim_breakdown_t *b)
{
    lagsim_breakdown_reset(b);
    if (lsi_get_u32(p) != b->parts) {
        p->bad = 1;
        return -1;
    }
    b->count = lsi_get_u64(p);
    b->inconsistent = lsi_get_u64(p);
    b->total_sum = lsi_get_i64(p);
    for (unsigned k = 0; k < b->parts; k++)
        b->part_sum[k] = lsi_get_i64(p);
    const uint32_t used = lsi_get_u32(p);
    for (uint32_t n = 0; n < used && !p->bad; n++) {
        const uint32_t i = lsi_get_u32(p);
        if (i >= BAND_COUNT || b->band_count[i] != 0) {
            p->bad = 1;
            break;
        }
        b->band_count[i] = lsi_get_u64(p);
        b->band_total[i] = lsi_get_i64(p);
        for (unsigned k = 0; k < b->parts; k++)
            b->band_part[i * b->parts + k] = lsi_get_i64(p);
    }
    return p->bad ? -1 : 0;
}
