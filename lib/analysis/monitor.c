/*
 * monitor.c - the Event Delivery view after the run: the scenario's
 * [alert.NAME] checks evaluated on the series, and each incident's (burst
 * or Mixpanel outage) recovery time. (The [alert.*] validation and the
 * metric names are part of the scenario: lib/model/scenario_delivery.c.)
 *
 * Central idea: everything is read from result->series, the same
 * per-window figures the report shows, so an alert or a recovery time can
 * be checked against the table by eye. Values are per run: a pooled
 * series of N replications counts sums / N (and the mean of the backlog
 * maxima). The exact rules are in lagsim_monitor_evaluate()'s comment in
 * model.h and in docs/model.md ("Event Delivery view, alerts and recovery").
 *
 * Cost: O(windows) per alert for counts (a rolling sum), O(windows x
 * span) for the backlog's rolling maximum, O(windows x 488) for a p95
 * (lagsim_series_rolling_quantile). One array of `windows` values per
 * alert is allocated while evaluating.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/analysis.h"
#include "model/model_internal.h"

/* Recovery tolerance: back at the level with at most level * 1.1 + 1. */
#define RECOVERY_FACTOR 1.1
#define RECOVERY_SLACK 1.0

const char *lagsim_recovery_name(enum lagsim_recovery r)
{
    switch (r) {
    case LAGSIM_RECOVERED: return "recovered";
    case LAGSIM_NOT_RECOVERED: return "not_recovered";
    case LAGSIM_RECOVERY_NO_BASELINE: return "no_baseline";
    case LAGSIM_RECOVERY_AFTER_RUN: return "after_run";
    }
    return "?";
}


static double per_run(const lagsim_series_t *s, uint64_t x)
{
    const uint32_t runs = lagsim_series_runs(s);
    return (double)x / (double)(runs ? runs : 1);
}

/* The counter behind a count metric. */
static unsigned metric_counter(enum lagsim_alert_metric m)
{
    switch (m) {
    case LAGSIM_METRIC_NOT_DELIVERED: return LAGSIM_DV_NOT_DELIVERED;
    case LAGSIM_METRIC_DELIVERED: return LAGSIM_DV_DELIVERED;
    case LAGSIM_METRIC_429: return LAGSIM_DV_RESPONSES + LAGSIM_RESP_429;
    case LAGSIM_METRIC_5XX: return LAGSIM_DV_RESPONSES + LAGSIM_RESP_5XX;
    case LAGSIM_METRIC_TIMEOUT: return LAGSIM_DV_RESPONSES + LAGSIM_RESP_TIMEOUT;
    case LAGSIM_METRIC_RETRIES: return LAGSIM_DV_RETRIES;
    /* Not counts: lagsim_delivery_value() reads them from the series. */
    case LAGSIM_METRIC_P95_LATENCY:
    case LAGSIM_METRIC_BACKLOG:
    case LAGSIM_METRIC_COUNT:
    default: return LAGSIM_DV_COUNT;
    }
}

double lagsim_delivery_value(const lagsim_series_t *s, enum lagsim_alert_metric metric,
                             size_t first, size_t count)
{
    const size_t n = lagsim_series_length(s);
    if (metric == LAGSIM_METRIC_P95_LATENCY) {
        const int64_t q = lagsim_series_quantile(s, first, count, 0.95);
        return q < 0 ? NAN : (double)q;
    }
    if (metric == LAGSIM_METRIC_BACKLOG) {
        uint64_t max = 0;
        for (size_t w = first; w < n && w - first < count; w++)
            if (lagsim_series_level_max(s, w) > max)
                max = lagsim_series_level_max(s, w);
        return per_run(s, max);
    }
    const unsigned c = metric_counter(metric);
    if (c >= LAGSIM_DV_COUNT)
        return NAN;
    uint64_t sum = 0;
    for (size_t w = first; w < n && w - first < count; w++)
        sum += lagsim_series_count(s, w, c);
    return per_run(s, sum);
}

/* v[i] = the metric over windows [i - span + 1, i], for every window i. */
static void rolling_values(const lagsim_series_t *s, enum lagsim_alert_metric metric,
                           size_t span, double *v, int64_t *scratch)
{
    const size_t n = lagsim_series_length(s);
    if (metric == LAGSIM_METRIC_P95_LATENCY) {
        lagsim_series_rolling_quantile(s, span, 0.95, scratch);
        for (size_t i = 0; i < n; i++)
            v[i] = scratch[i] < 0 ? NAN : (double)scratch[i];
        return;
    }
    if (metric == LAGSIM_METRIC_BACKLOG) {
        for (size_t i = 0; i < n; i++) {
            const size_t first = i + 1 > span ? i + 1 - span : 0;
            v[i] = lagsim_delivery_value(s, metric, first, i + 1 - first);
        }
        return;
    }
    const unsigned c = metric_counter(metric);
    uint64_t sum = 0; /* integers: the rolling sum is exact */
    for (size_t i = 0; i < n; i++) {
        sum += lagsim_series_count(s, i, c);
        if (i >= span)
            sum -= lagsim_series_count(s, i - span, c);
        v[i] = per_run(s, sum);
    }
}

static int by_start(const void *a, const void *b)
{
    const lagsim_incident_t *x = a, *y = b;
    if (x->start != y->start)
        return (x->start > y->start) - (x->start < y->start);
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    return (x->index > y->index) - (x->index < y->index);
}

/*
 * Whether window w is disturbed by incident `in` (already evaluated):
 * from the window holding its start to the one where it recovered, or,
 * without a recovery time, to the last window it overlaps.
 */
static int disturbed(const lagsim_incident_t *in, int64_t width, size_t w)
{
    const size_t first = (size_t)(in->start / width);
    const lagsim_time_t until =
        in->recovery == LAGSIM_RECOVERED ? in->end + in->recovery_time : in->end;
    const size_t last = until > in->start ? (size_t)((until - 1) / width) : first;
    return w >= first && (in->recovery == LAGSIM_NOT_RECOVERED || w <= last);
}

/*
 * The pre-incident level and the recovery of incident k (the incidents
 * before it in start order already evaluated): the level is taken over
 * the windows before the one holding its start, less the first window
 * and the windows disturbed by earlier incidents.
 */
static void recovery(const lagsim_series_t *s, lagsim_monitor_t *mon, unsigned k)
{
    lagsim_incident_t *in = &mon->incident[k];
    const size_t n = lagsim_series_length(s);
    const int64_t width = lagsim_series_width(s);
    const size_t holding_start = (size_t)(in->start / width);
    in->recovery_time = -1;
    size_t quiet = 0; /* windows the level is taken over */
    for (size_t w = 1; w < holding_start; w++) {
        int skip = 0;
        for (unsigned j = 0; j < k && !skip; j++)
            skip = disturbed(&mon->incident[j], width, w);
        if (skip)
            continue;
        quiet++;
        const double r429 = lagsim_delivery_value(s, LAGSIM_METRIC_429, w, 1);
        const double backlog = lagsim_delivery_value(s, LAGSIM_METRIC_BACKLOG, w, 1);
        if (r429 > in->pre_429)
            in->pre_429 = r429;
        if (backlog > in->pre_backlog)
            in->pre_backlog = backlog;
    }
    if (quiet == 0) {
        in->recovery = LAGSIM_RECOVERY_NO_BASELINE;
        return;
    }
    const double max_429 = in->pre_429 * RECOVERY_FACTOR + RECOVERY_SLACK;
    const double max_backlog = in->pre_backlog * RECOVERY_FACTOR + RECOVERY_SLACK;
    const size_t after = (size_t)((in->end + width - 1) / width); /* first window starting >= end */
    if (after > n) {
        in->recovery = LAGSIM_RECOVERY_AFTER_RUN;
        return;
    }
    /* Window n is the one after the run: no 429s, and the backlog the run
     * ended with (lagsim_delivery_value() reads it past the end), so a run
     * that drained within its last window recovers as that window ends. */
    in->recovery = LAGSIM_NOT_RECOVERED;
    for (size_t w = after; w <= n; w++)
        if (lagsim_delivery_value(s, LAGSIM_METRIC_429, w, 1) <= max_429 &&
            per_run(s, lagsim_series_level_max(s, w)) <= max_backlog) {
            in->recovery = LAGSIM_RECOVERED;
            in->recovery_time = (lagsim_time_t)w * width - in->end;
            return;
        }
}

/* One alert's outcome, from v[i], its value at the end of each window. */
static void alert_outcome(const lagsim_alert_t *a, const double *v, size_t n, size_t span,
                          int64_t width, const lagsim_monitor_t *mon, lagsim_alert_outcome_t *o)
{
    o->first_fired = -1;
    o->incident = -1;
    o->detection_delay = -1;
    int was = 0;
    for (size_t i = span - 1; i < n; i++) {
        const int holds = !isnan(v[i]) && (a->below ? v[i] < a->threshold : v[i] >= a->threshold);
        if (holds) {
            if (!was)
                o->episodes++;
            o->firing += width;
            if (o->first_fired < 0)
                o->first_fired = (lagsim_time_t)(i + 1) * width;
        }
        was = holds;
    }
    if (o->first_fired < 0)
        return;
    for (unsigned k = 0; k < mon->n_incidents; k++)
        if (mon->incident[k].start < o->first_fired) /* by start: the last such is the latest */
            o->incident = (int)k;
    if (o->incident >= 0)
        o->detection_delay = o->first_fired - mon->incident[o->incident].start;
}

int lagsim_monitor_evaluate(const lagsim_scenario_t *sc, const lagsim_series_t *series,
                            lagsim_monitor_t *out)
{
    memset(out, 0, sizeof *out);
    const size_t n = lagsim_series_length(series);
    const int64_t width = lagsim_series_width(series);
    if (n == 0 || lagsim_series_counters(series) != LAGSIM_DV_COUNT)
        return LAGSIM_EINVAL;

    for (unsigned i = 0; i < sc->n_bursts; i++) {
        const lagsim_burst_t *b = &sc->bursts[i];
        lagsim_incident_t *in = &out->incident[out->n_incidents++];
        in->kind = LAGSIM_INCIDENT_BURST;
        in->index = i;
        in->start = b->start;
        in->end = b->duration < sc->horizon - b->start ? b->start + b->duration : sc->horizon;
    }
    for (unsigned i = 0; i < sc->mixpanel.n_outages; i++) {
        const lagsim_outage_t *o = &sc->mixpanel.outages[i];
        lagsim_incident_t *in = &out->incident[out->n_incidents++];
        in->kind = LAGSIM_INCIDENT_OUTAGE;
        in->index = i;
        in->start = o->start;
        in->end = o->start + o->duration;
    }
    qsort(out->incident, out->n_incidents, sizeof out->incident[0], by_start);
    for (unsigned k = 0; k < out->n_incidents; k++)
        recovery(series, out, k);

    out->n_alerts = sc->n_alerts;
    if (sc->n_alerts == 0)
        return LAGSIM_OK;
    double *v = malloc(n * sizeof *v);
    int64_t *scratch = malloc(n * sizeof *scratch);
    if (!v || !scratch) {
        free(v);
        free(scratch);
        return LAGSIM_ENOMEM;
    }
    for (unsigned i = 0; i < sc->n_alerts; i++) {
        const lagsim_alert_t *a = &sc->alerts[i];
        size_t span = a->window > 0 ? (size_t)((a->window + width - 1) / width) : 1;
        if (span < 1)
            span = 1;
        rolling_values(series, a->metric, span, v, scratch);
        alert_outcome(a, v, n, span, width, out, &out->alert[i]);
    }
    free(v);
    free(scratch);
    return LAGSIM_OK;
}
