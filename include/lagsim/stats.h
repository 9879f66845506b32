/*
 * lagsim/stats.h - streaming statistics: latency histograms and
 * replication summaries.
 *
 * Nothing here keeps samples. A histogram is a fixed array of log-linear
 * buckets (128 linear sub-buckets per power of two), so recording is O(1),
 * memory is constant, and any percentile from 1 us to 30 days (and beyond)
 * is reported within 1% relative error. Two histograms of the same layout
 * merge by adding their buckets, which is how replications combine.
 */
#ifndef LAGSIM_STATS_H
#define LAGSIM_STATS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Histogram ---------------------------------------------------------- */

typedef struct lagsim_hist lagsim_hist_t;

/* An empty histogram. NULL if out of memory. */
lagsim_hist_t *lagsim_hist_create(void);

/* Frees it. Accepts NULL. */
void lagsim_hist_destroy(lagsim_hist_t *h);

/* Empties it. */
void lagsim_hist_reset(lagsim_hist_t *h);

/* Records one value (a count of microseconds; negative values count as 0). */
void lagsim_hist_record(lagsim_hist_t *h, int64_t value);

/* Records `count` copies of a value. */
void lagsim_hist_record_n(lagsim_hist_t *h, int64_t value, uint64_t count);

/* Adds every value of `src` into `dst`. */
void lagsim_hist_merge(lagsim_hist_t *dst, const lagsim_hist_t *src);

/* Exact count, min, max and mean of what was recorded (0 when empty). */
uint64_t lagsim_hist_count(const lagsim_hist_t *h);
int64_t lagsim_hist_min(const lagsim_hist_t *h);
int64_t lagsim_hist_max(const lagsim_hist_t *h);
double lagsim_hist_mean(const lagsim_hist_t *h);

/*
 * The q-quantile (0 <= q <= 1): the value below or at which a share q of
 * the recorded values lie, within 1% relative error, and clamped to the
 * exact [min, max]. q = 0 gives min, q = 1 gives max. Returns -1 when the
 * histogram is empty.
 */
int64_t lagsim_hist_quantile(const lagsim_hist_t *h, double q);

/* Share of recorded values <= value (0 when empty). */
double lagsim_hist_share_at_or_below(const lagsim_hist_t *h, int64_t value);

/* Bucket iteration, for CSV dumps and terminal plots. */
size_t lagsim_hist_bucket_count(void);
/* Bucket i covers [*low, *high) and holds the returned count. */
uint64_t lagsim_hist_bucket(const lagsim_hist_t *h, size_t i, int64_t *low,
                            int64_t *high);

/* ---- Latency breakdown ---------------------------------------------------- */

/*
 * Where latency goes: each item recorded is a total split into parts that
 * add up to it exactly. Streams: per-part sums overall and per band of
 * totals (16 bands per octave), so the share of each part in the whole
 * and in a tail (items at or above a threshold, such as p99) can be read
 * at the end. A tail includes the whole band holding the threshold, so it
 * may take in items down to about 6% below it.
 */
#define LAGSIM_BREAKDOWN_MAX_PARTS 16

typedef struct lagsim_breakdown lagsim_breakdown_t;

/* An empty breakdown of `parts` parts (1..16). NULL if out of memory. */
lagsim_breakdown_t *lagsim_breakdown_create(unsigned parts);
/* Frees it. Accepts NULL. */
void lagsim_breakdown_destroy(lagsim_breakdown_t *b);
void lagsim_breakdown_reset(lagsim_breakdown_t *b);
/*
 * Records one item. Returns 0, or -1 (and counts it as inconsistent,
 * recording nothing else) if a part is negative or the parts do not add
 * up to `total`.
 */
int lagsim_breakdown_record(lagsim_breakdown_t *b, int64_t total, const int64_t *part);
/* Adds src into dst (same number of parts, else -1). */
int lagsim_breakdown_merge(lagsim_breakdown_t *dst, const lagsim_breakdown_t *src);
uint64_t lagsim_breakdown_count(const lagsim_breakdown_t *b);
uint64_t lagsim_breakdown_inconsistent(const lagsim_breakdown_t *b);
/* Mean of one part, and of the totals, per item (microseconds). */
double lagsim_breakdown_mean(const lagsim_breakdown_t *b, unsigned part);
double lagsim_breakdown_total_mean(const lagsim_breakdown_t *b);
/* Share of one part in the sum of all totals (0 when empty). */
double lagsim_breakdown_share(const lagsim_breakdown_t *b, unsigned part);
/* Share of one part in the totals of the items at or above `threshold`
 * (band resolution, see above); *items (if not NULL) gets their count. */
double lagsim_breakdown_tail_share(const lagsim_breakdown_t *b, unsigned part,
                                   int64_t threshold, uint64_t *items);

/* ---- Summary of a figure across replications ---------------------------- */

/*
 * Streaming mean and variance (Welford). Plain value: zero-initialise or
 * call lagsim_summary_reset() before use.
 */
typedef struct lagsim_summary {
    uint64_t n;
    double mean;
    double m2;
    double min;
    double max;
} lagsim_summary_t;

void lagsim_summary_reset(lagsim_summary_t *s);
void lagsim_summary_add(lagsim_summary_t *s, double x);
/* Sample variance (0 when n < 2). */
double lagsim_summary_variance(const lagsim_summary_t *s);
/*
 * Half-width of the two-sided confidence interval at `level` (0.95) for
 * the mean, from Student's t with n-1 degrees of freedom. NAN when n < 2.
 */
double lagsim_summary_half_width(const lagsim_summary_t *s, double level);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_STATS_H */
