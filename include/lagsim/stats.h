/*
 * lagsim/stats.h - streaming statistics: latency histograms, latency
 * breakdowns, time series of windows and replication summaries.
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

/* ---- Time series of windows ---------------------------------------------- */

/*
 * A time series cut into windows of equal width from time 0, for views
 * such as an "Event Delivery" dashboard. Per window it keeps up to
 * LAGSIM_SERIES_MAX_COUNTERS counters (what they count is the caller's
 * business), the largest value of one level (a gauge such as a backlog),
 * and a small latency sketch for quantiles.
 *
 * Memory grows with the number of windows (the length of the run), never
 * with the number of things recorded: the window arrays double when a
 * window past their end opens, and each window keeps only the band of
 * sketch buckets it has used. Recording is O(1) and allocates only when
 * a new window or a wider band needs room.
 *
 * Latency sketch: log-linear buckets, 8 per power of two; values below
 * 16 have a bucket each. A quantile is the midpoint of the bucket that
 * holds it, clamped to the exact min and max of the windows asked about,
 * so it is within 1/16 (6.25%) relative error of the exact quantile
 * (exact below 16 us).
 *
 * Levels: lagsim_series_set_level(s, t, v) says the level is v from t
 * on. A window's level is the largest value the level takes in it (the
 * value it had as the window opened, unless replaced at its very start,
 * or any set within it); past the last window the level keeps its last
 * value. Set levels in time order.
 *
 * Two series of the same width and counters merge by adding counters,
 * sketches and levels: a merged level is the sum of the runs' maxima, so
 * dividing by lagsim_series_runs() gives the mean of the maxima.
 */
#define LAGSIM_SERIES_MAX_COUNTERS 16

typedef struct lagsim_series lagsim_series_t;

/*
 * An empty series of `counters` counters per window (1..16) and windows
 * `width` wide (> 0, in the caller's time unit, e.g. microseconds).
 * NULL if out of memory or an argument is out of range.
 */
lagsim_series_t *lagsim_series_create(unsigned counters, int64_t width);
/* Frees it. Accepts NULL. */
void lagsim_series_destroy(lagsim_series_t *s);
/* Empties it (keeping its memory) and sets the window width (> 0). */
void lagsim_series_reset(lagsim_series_t *s, int64_t width);

/*
 * Recording. Times t are in the caller's unit from 0 (negative counts as
 * 0); the window holding t opens (with every window before it) if it is
 * not open yet. Each returns 0, or -1 if out of memory (or, for add, a
 * counter out of range), recording nothing.
 */
int lagsim_series_add(lagsim_series_t *s, int64_t t, unsigned counter, uint64_t n);
int lagsim_series_set_level(lagsim_series_t *s, int64_t t, uint64_t value);
/* A latency (negative counts as 0) into the sketch of t's window. */
int lagsim_series_record(lagsim_series_t *s, int64_t t, int64_t latency);
/* Opens the windows up to the one holding t (e.g. the end of a run). */
int lagsim_series_extend(lagsim_series_t *s, int64_t t);

/*
 * Adds src into dst: counters, sketches and levels window by window
 * (dst grows to src's length; past its end a series counts as holding
 * its last level). An empty dst takes src's width. Returns 0, -1 if out
 * of memory (dst is then unchanged or only lengthened), -2 if the widths
 * or the numbers of counters differ.
 */
int lagsim_series_merge(lagsim_series_t *dst, const lagsim_series_t *src);

/* Windows open: [0, length). */
size_t lagsim_series_length(const lagsim_series_t *s);
int64_t lagsim_series_width(const lagsim_series_t *s);
unsigned lagsim_series_counters(const lagsim_series_t *s);
/* How many recorded series were merged into this one: 1 for a series
 * recorded directly, 0 when nothing was ever recorded. */
uint32_t lagsim_series_runs(const lagsim_series_t *s);
/* Counter `counter` of window w (0 past the end). */
uint64_t lagsim_series_count(const lagsim_series_t *s, size_t w, unsigned counter);
/* Largest level in window w (past the end: the last level). */
uint64_t lagsim_series_level_max(const lagsim_series_t *s, size_t w);
/* Latencies recorded in windows [first, first + count). */
uint64_t lagsim_series_latency_count(const lagsim_series_t *s, size_t first, size_t count);
/*
 * The q-quantile (0 <= q <= 1) of the latencies recorded in windows
 * [first, first + count), within 6.25% relative error and clamped to
 * their exact min and max; -1 when none were recorded there.
 */
int64_t lagsim_series_quantile(const lagsim_series_t *s, size_t first, size_t count, double q);
/*
 * The same over a sliding span: out[i] (for each window i < length) is
 * the q-quantile of windows [i - span + 1, i] (those that exist), or -1.
 * One pass with a running sum of the sketches, so O(length * 488) however
 * long the span. `out` holds lagsim_series_length(s) values.
 */
void lagsim_series_rolling_quantile(const lagsim_series_t *s, size_t span, double q,
                                    int64_t *out);
/* Bytes of memory it holds. */
size_t lagsim_series_bytes(const lagsim_series_t *s);
/* Bytes a series of `windows` windows of `counters` counters holds, its
 * sketches left out (they hold a few buckets per window with latencies). */
double lagsim_series_bytes_for(double windows, unsigned counters);

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

/* ---- Packing, to carry results between processes ---------------------------
 *
 * Each *_pack() writes the object's whole state into buf (at most cap
 * bytes; buf may be NULL when cap is 0) and returns the bytes it needs:
 * when that is more than cap, call again with a buffer that large. The
 * bytes are fixed-width little-endian and doubles keep their bit pattern,
 * so *_unpack() rebuilds an object that reads back exactly the same (same
 * counts, sums, quantiles; a series the same windows and sketches). A
 * breakdown unpacks only into one with the same number of parts. Each
 * *_unpack() returns 0, -1 if the bytes are not one packed object of that
 * type (the object is then unspecified but safe to reset or destroy), or
 * -2 if out of memory. Used by the work distribution of experiment.h.
 */
size_t lagsim_hist_pack(const lagsim_hist_t *h, void *buf, size_t cap);
int lagsim_hist_unpack(lagsim_hist_t *h, const void *buf, size_t len);
size_t lagsim_breakdown_pack(const lagsim_breakdown_t *b, void *buf, size_t cap);
int lagsim_breakdown_unpack(lagsim_breakdown_t *b, const void *buf, size_t len);
size_t lagsim_series_pack(const lagsim_series_t *s, void *buf, size_t cap);
int lagsim_series_unpack(lagsim_series_t *s, const void *buf, size_t len);
size_t lagsim_summary_pack(const lagsim_summary_t *s, void *buf, size_t cap);
int lagsim_summary_unpack(lagsim_summary_t *s, const void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_STATS_H */
