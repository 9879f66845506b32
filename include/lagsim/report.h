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

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_REPORT_H */
