/*
 * lagsim/report.h - rendering results: aligned text tables and JSON.
 *
 * Report functions only read results; they never run anything, never
 * print anywhere but the FILE they are given, and give the same bytes for
 * the same results (nothing depends on wall time or the locale).
 */
#ifndef LAGSIM_REPORT_H
#define LAGSIM_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "lagsim/analysis.h"
#include "lagsim/experiment.h"
#include "lagsim/model.h"
#include "lagsim/trace.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Writes the results of the modes that ran (`results[m]` is the result of
 * mode m, or NULL for a mode that did not run), side by side in aligned
 * columns (within 80 columns for two modes): events fired, visible,
 * delivered, dropped by reason, in flight and the conservation check;
 * latency to delivered and to visible (p50 ... p99.9, max, mean; "-" when
 * nothing was recorded); Mixpanel requests, responses by status and
 * retries; backlog peak and drain time. `sc` supplies the scenario's name,
 * seed and horizon. Returns LAGSIM_OK, or LAGSIM_EIO if writing to `f`
 * failed (what was written is then incomplete).
 */
int lagsim_report_text(FILE *f, const lagsim_scenario_t *sc,
                       const lagsim_result_t *const results[LAGSIM_MODE_COUNT]);

/*
 * The same as one JSON object, ending with a newline:
 *
 *   {"lagsim_version": "0.1.0", "scenario": NAME, "seed": N,
 *    "horizon_s": X, "drain_limit_s": X, "modes": {MODE: M, ...}}
 *
 * with one MODE key ("cloud", "device", "hybrid") per mode that ran, and
 *
 *   M = {"fired", "delivered", "visible", "in_flight": N,
 *        "dropped": {REASON: N, ...} (every reason, zeros included),
 *        "dropped_total": N, "conserved": true|false,
 *        "requests": N, "retries": N, "retries_per_event": X|null,
 *        "responses": {"2xx", "400", "429", "5xx", "timeout": N},
 *        "backlog_peak": N, "backlog_peak_at_s": X, "end_time_s": X,
 *        "drain_time_s": X|null (null: did not drain), "sim_events": N,
 *        "latency_delivered_s": L, "latency_visible_s": L}
 *   L = {"count": N, "p50", "p90", "p99", "p999", "max", "mean": X|null}
 *
 * N are integers; X are seconds (or ratios) with at most 6 decimals; the
 * latency figures are null when nothing was recorded. Returns LAGSIM_OK or
 * LAGSIM_EIO.
 */
int lagsim_report_json(FILE *f, const lagsim_scenario_t *sc,
                       const lagsim_result_t *const results[LAGSIM_MODE_COUNT]);

/*
 * Replications (reps[m] NULL for a mode that did not run): the pooled
 * results as above, then each headline figure as mean +- 95% confidence
 * half-width across replications. JSON adds per mode "replications": N and
 * "ci95": {FIGURE: {"mean": x, "half_width": x, "n": n}, ...}.
 */
int lagsim_report_text_replicated(FILE *f, const lagsim_scenario_t *sc,
                                  const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT]);
int lagsim_report_json_replicated(FILE *f, const lagsim_scenario_t *sc,
                                  const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT]);

/*
 * compare: the replicated report of every mode, then each figure's paired
 * difference against the first mode that ran (mean +- 95% half-width over
 * replications on common random numbers) and a plain-language summary.
 * JSON adds "differences": {"device-cloud": {FIGURE: {"mean", "half_width",
 * "n"}, ...}, ...}.
 */
int lagsim_report_text_compare(FILE *f, const lagsim_scenario_t *sc,
                               const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT]);
int lagsim_report_json_compare(FILE *f, const lagsim_scenario_t *sc,
                               const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT]);

/*
 * The Event Delivery view. The text reports end each mode with an "Event
 * Delivery" section (a table of the series around the incidents, the
 * incidents' recovery, the alerts' firing); the JSON reports add to each
 * mode M:
 *
 *   "series_window_s": X,
 *   "series": [{"t_s": X, "delivered": X, "not_delivered": X,
 *               "responses": {"2xx", "400", "429", "5xx", "timeout": X},
 *               "retries": X, "p95_latency_s": X|null, "backlog": X}, ...],
 *   "alerts": [{"name": S, "metric": S, "threshold": X (seconds for
 *               p95_latency), "window_s": X, "below": B,
 *               "first_fired_s": X|null, "episodes": N, "firing_s": X,
 *               "incident": {"kind": "burst"|"outage", "name": S}|null,
 *               "detection_delay_s": X|null}, ...],
 *   "incidents": [{"name": S (a burst's name, an outage's number),
 *               "kind": "burst"|"outage", "start_s": X, "end_s": X,
 *               "pre_429": X, "pre_backlog": X, "recovery": "recovered"|
 *               "not_recovered"|"no_baseline"|"after_run",
 *               "recovery_s": X|null}, ...]
 *
 * Counts are per run: with replications, sums / replications.
 *
 * lagsim_report_series_csv() writes the whole series of each mode that
 * ran as CSV: the header
 *   mode,t_s,delivered,not_delivered,2xx,400,429,5xx,timeout,retries,p95_latency_s,backlog
 * then one row per mode and window (p95_latency_s empty when nothing was
 * delivered), with the same figures as the JSON. Returns LAGSIM_OK or
 * LAGSIM_EIO.
 */
int lagsim_report_series_csv(FILE *f, const lagsim_result_t *const results[LAGSIM_MODE_COUNT]);

/*
 * Writes `s` (UTF-8, NUL-terminated) as a JSON string literal, quotes
 * included: '"' and '\\' are escaped, control characters become \n, \t, ...
 * or \u00XX, valid UTF-8 is copied as it is and any other byte becomes
 * \ufffd, so the output is valid JSON whatever `s` holds. NULL is written
 * as "".
 */
void lagsim_json_string(FILE *f, const char *s);

/*
 * Narrates the journeys of the events one traced run followed: `points`
 * are its milestones as lagsim_run_traced() reported them, in that order.
 * For each event, a heading (type, size, user, client and SDK, mode,
 * identity, when it was fired), one line per milestone in time order with
 * the time since it was fired, since its previous milestone, and what
 * happened in plain words, then how it ended (visible, dropped, or not
 * settled); after the last event, one summary line. At the moments a
 * newcomer stumbles on (Segment's 200, a 429, a backoff, "Delivered" that
 * is not yet visible, a copy and $insert_id, an ad blocker, ...) a line
 * starting with '>' explains what it means: once per report for the bits
 * not yet set in *explained (which it sets), or every time if `explained`
 * is NULL. Returns LAGSIM_OK, LAGSIM_ENOMEM or LAGSIM_EIO.
 */
int lagsim_report_trace(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_point_t *points,
                        size_t n_points, uint32_t *explained);

/* Enough room for any lagsim_format_duration() text. */
#define LAGSIM_DURATION_MAX 32

/*
 * Writes the duration `us` (microseconds) human-readably into `buf`,
 * rounded to about three significant figures or the nearest unit of the
 * smaller field: "0s", "850us", "4.20ms", "850ms", "2.41s", "12.4s",
 * "1m 12s", "3h 02m", "2d 05h". A negative duration is written as "-".
 * Returns `buf`, which is always NUL-terminated when `size` > 0 (the text
 * is cut short if `size` < LAGSIM_DURATION_MAX).
 */
char *lagsim_format_duration(char *buf, size_t size, lagsim_time_t us);

/* ---- Reports of experiments: formats, manifest, charts ------------------- */

enum lagsim_report_format {
    LAGSIM_REPORT_TEXT, /* aligned tables for people */
    LAGSIM_REPORT_JSON, /* one object */
    LAGSIM_REPORT_CSV,  /* '#' comment lines, a header row, one row per mode (and point) */
    LAGSIM_REPORT_HTML, /* one self-contained page with SVG charts (docs/reports.md) */
    LAGSIM_REPORT_MD    /* the verdict and tables as Markdown (run, compare, sweep) */
};

/*
 * Where a report came from, written into every report so that a result
 * can be traced and reproduced: text ends with a "Manifest" block, JSON
 * has a "manifest" object after "lagsim_version", CSV starts with '#'
 * lines. Strings may be NULL (left out).
 */
typedef struct lagsim_manifest {
    const char *command;       /* the command line, as a shell would read it */
    const char *scenario_file; /* the scenario file's path as given */
    uint64_t scenario_hash;    /* FNV-1a 64 of the file's bytes, as read and parsed */
    uint64_t seed;             /* the seed the runs used */
    uint32_t replications;     /* per mode (sweeps: the most at any point) */
    int per_point;             /* a sweep: replications are per point and mode */
    double precision;          /* > 0: replications were added until every headline
                                  figure's 95% half-width was within this share of
                                  its mean (lagsim_run_to_precision) */
    uint32_t pilot;            /* with precision: replications to start with */
    uint32_t max_reps;         /* with precision: the cap */
    int replay;                /* 1: the scenario replays a CSV file ([replay] file) */
    uint64_t replay_hash;      /* its FNV-1a 64, of the bytes as scanned (shown when
                                  replay is 1; the file's name is in the scenario) */
} lagsim_manifest_t;

/* The text "Manifest" block alone (trace ends with it). LAGSIM_OK or LAGSIM_EIO. */
int lagsim_report_manifest_text(FILE *f, const lagsim_manifest_t *m);

typedef struct lagsim_report_opts {
    enum lagsim_report_format format;
    const lagsim_manifest_t *manifest; /* NULL: no manifest */
    int ascii;  /* text: plain ASCII charts and "ok"/"FAIL" marks, no Unicode */
    int charts; /* text: a histogram and a CDF of latency to visible per mode */
} lagsim_report_opts_t;

/*
 * The report of run (compare = 0) or compare (compare = 1): reps[m] holds
 * mode m's replications (NULL: did not run). Text: lagsim_report_text()
 * for one replication, lagsim_report_text_replicated() for several,
 * lagsim_report_text_compare() for compare; then, with a precision in the
 * manifest, one line per mode on the precision reached; then the charts
 * (opts->charts); then the manifest. JSON: the same objects as
 * lagsim_report_json*() with "manifest" added. CSV: see
 * lagsim_report_csv(). Returns LAGSIM_OK or LAGSIM_EIO.
 */
int lagsim_report_results(FILE *f, const lagsim_scenario_t *sc,
                          const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT], int compare,
                          const lagsim_report_opts_t *opts);

/*
 * CSV summary, for spreadsheets: the manifest as '#' lines, a header row,
 * then one row per mode that ran:
 *
 *   mode,kind,replications,fired_total,visible_total,delivered_total,
 *   dropped_total,sampled_total,in_flight_total,requests_total,retries_total,
 *   conserved,
 *   FIGURE,FIGURE_hw95,...   (every lagsim_figure_name(), in enum order)
 *
 * kind is "result"; totals are pooled over the replications (dropped_total:
 * every drop reason but sampling, which is a policy); FIGURE is the
 * mean over replications (the value itself for one) in the figure's unit
 * (seconds, a share, a count), FIGURE_hw95 its 95% half-width (empty when
 * undefined: one replication). With compare, one more row per mode after
 * the first, mode "device-cloud" and kind "difference": the paired
 * differences, totals empty. Numbers use '.' and up to 9 significant
 * digits; an undefined figure is an empty cell. Returns LAGSIM_OK or
 * LAGSIM_EIO.
 */
int lagsim_report_csv(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                      int compare, const lagsim_manifest_t *manifest);

/*
 * The latency histograms as CSV (for --hist): the manifest as '#' lines,
 * then "mode,latency,lower_s,upper_s,count,cumulative_share" and one row
 * per non-empty bucket of each mode's pooled histograms, latency
 * "delivered" then "visible"; a bucket holds values in [lower_s, upper_s)
 * (seconds, exact to the microsecond); cumulative_share is the share of
 * that histogram's values below upper_s, and is exactly 1 on its last row.
 * Returns LAGSIM_OK or LAGSIM_EIO.
 */
int lagsim_report_hist_csv(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                           const lagsim_manifest_t *manifest);

/*
 * The latency histograms of a sweep as CSV (sweep --hist): the manifest as
 * '#' lines, then the varied keys, one column each, followed by
 * lagsim_report_hist_csv()'s columns:
 *
 *   KEY[,KEY2],mode,latency,lower_s,upper_s,count,cumulative_share
 *
 * and one block of rows per point that ran (every point after
 * lagsim_sweep_run(); the probed ones after lagsim_sweep_find()), in grid
 * order: the point's values (durations in seconds, rates per second,
 * sizes in bytes, as in the sweep's CSV table), then each mode's rows
 * exactly as lagsim_report_hist_csv() writes them. Returns LAGSIM_OK or
 * LAGSIM_EIO.
 */
int lagsim_report_sweep_hist_csv(FILE *f, const lagsim_sweep_t *sw,
                                 const lagsim_manifest_t *manifest);

/*
 * A terminal chart of a latency histogram, within 80 columns: a title
 * line (`title`, the count, p50, p99 and max), a histogram (share of
 * values per column, 8 rows of block characters) and a CDF (6 rows), both
 * over a log-spaced time axis labelled 1ms, 10ms, 100ms, 1s, 10s, 1m, 10m,
 * 1h, 10h, 1d (and 2s, 5s, 30s, 2m, 5m, 30m, ... when the data span few of
 * those). With `ascii`, only ASCII ('#' bars, '|', '+', '-'). Nothing is
 * drawn for an empty histogram but the title. Returns LAGSIM_OK or
 * LAGSIM_EIO.
 */
int lagsim_report_chart(FILE *f, const lagsim_hist_t *h, const char *title, int ascii);

/*
 * A sweep (find NULL: every point of sw, after lagsim_sweep_run()) or a
 * bisection (find from lagsim_sweep_find(): its probes in order, then the
 * boundary found in each mode with the figures on both sides). `slo` (may
 * be NULL) marks each point: ✓/✗ (ascii: ok/FAIL). Text: one table per
 * mode (text) of the headline figures per point, mean ± 95% half-width
 * when there are replications. JSON: {"lagsim_version", "manifest",
 * "scenario", "seed", "sweep": {"axes": [...], "slo", "points": [...]},
 * "find": {...}} (see docs/outputs.md). CSV: one row per (point, mode), axis
 * values first (durations in seconds, rates per second, sizes in bytes).
 * Returns LAGSIM_OK or LAGSIM_EIO.
 */
int lagsim_report_sweep(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                        const lagsim_find_t *find, const lagsim_report_opts_t *opts);

/* One mode's traced run, for lagsim_report_trace_json(). */
typedef struct lagsim_traced_run {
    enum lagsim_mode mode;               /* the run's mode */
    const lagsim_trace_point_t *points;  /* its milestones, as lagsim_run_traced() reported them */
    size_t n_points;
    int partial;                         /* the run's result->partial (a lagsim_stop_reason) */
    lagsim_time_t end_time;              /* the run's result->end_time */
} lagsim_traced_run_t;

/*
 * The same journeys as one JSON object, for programs: the runs of
 * `trace` (its follow, filter type, from and gap) in each mode of
 * runs[0..n_runs), in that order. `manifest` may be NULL (left out).
 *
 *   {"lagsim_version": V, "manifest": {...}, "scenario": NAME, "seed": N,
 *    "trace": {"follow": N, "filter": TYPE|null,
 *              "spread": "largest_burst"|"after_warm_up", "from_s": X, "gap_s": X},
 *    "modes": {MODE: {"stopped": "settled"|"ran_to_end"|"interrupted"|"memory"|"stuck",
 *                     "end_time_s": X,
 *                     "summary": {"followed", "visible", "dropped", "in_flight": N},
 *                     "events": [E, ...]}, ...}}
 *   E = {"id": N (1, 2, ...: "Event N" of the text), "type": S, "user": N,
 *        "mode": "cloud"|"device" (the event's path), "client": S, "sdk": S,
 *        "bytes": N, "identity": "known"|"new"|"merge", "fired_at_s": X,
 *        "outcome": {"status": "visible"|"dropped"|"in_flight", "at_s": X,
 *                    "after_s": X (since fired), "reason": DROP_REASON|null},
 *        "steps": [S, ...]}   in time order, as the text tells them
 *   S = {"at_s": X, "since_fired_s": X, "step": lagsim_trace_kind_name(),
 *        ... the step's details ...,
 *        "text": S (the line of the text narration),
 *        "explanation": S|null (what the step means, the text's '>' note,
 *                               here on every step it applies to)}
 *
 * Details by step: queued {"queued": N, "sdk_backoff_s": X}; session_end
 * {"flushed", "kept": B}; offline {"attempt"}; sent {"by": "sdk"|"segment",
 * "to": "segment"|"mixpanel", "batch", "attempt"}; segment_queued
 * {"queued"}; refused {"by", "status": "400"|"429"|"5xx"|"timeout",
 * "batch", "attempt"}; backoff {"by", "backoff_s": X|null,
 * "until_next_flush": B, "behind": B, "attempt" (the send it waits
 * for)}; delivered {"by", "status": "2xx", "batch", "attempt"}; identity
 * {"identity"}; duplicate {"copy"}; dropped {"reason", "copy"}. Times are
 * exact decimal seconds of simulated time. Returns LAGSIM_OK, LAGSIM_ENOMEM
 * or LAGSIM_EIO.
 */
int lagsim_report_trace_json(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_t *trace,
                             const lagsim_traced_run_t *runs, size_t n_runs,
                             const lagsim_manifest_t *manifest);

/*
 * The same journeys as one self-contained HTML page (docs/reports.md): per
 * mode, a swimlane chart of each followed event across client, Segment
 * and Mixpanel (waits, backoffs, refusals, visibility) and a table of
 * every milestone in words. Same arguments as lagsim_report_trace_json().
 * Returns LAGSIM_OK, LAGSIM_ENOMEM or LAGSIM_EIO.
 */
int lagsim_report_trace_html(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_t *trace,
                             const lagsim_traced_run_t *runs, size_t n_runs,
                             const lagsim_manifest_t *manifest);

/*
 * The same journeys as GitHub-flavoured Markdown (docs/reports.md): per
 * mode, per followed event a heading, a table of its milestones (since
 * fired, step, status, what happened; '|' escaped in cells) and a line
 * with its outcome; then the manifest. Same arguments as
 * lagsim_report_trace_json(). Returns LAGSIM_OK, LAGSIM_ENOMEM or
 * LAGSIM_EIO.
 */
int lagsim_report_trace_md(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_t *trace,
                           const lagsim_traced_run_t *runs, size_t n_runs,
                           const lagsim_manifest_t *manifest);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_REPORT_H */
