/*
 * scenario_delivery.c - the Event Delivery part of a scenario: the names of
 * the [alert.*] metrics and the checks lagsim_scenario_validate() makes of
 * series_window and each alert. Evaluating alerts after a run is analysis
 * (lib/analysis/monitor.c); these checks are the scenario's own.
 */
#include <math.h>
#include <stdio.h>

#include "model/model_internal.h"

const char *lagsim_alert_metric_name(enum lagsim_alert_metric m)
{
    switch (m) {
    case LAGSIM_METRIC_NOT_DELIVERED: return "not_delivered";
    case LAGSIM_METRIC_DELIVERED: return "delivered";
    case LAGSIM_METRIC_429: return "429";
    case LAGSIM_METRIC_5XX: return "5xx";
    case LAGSIM_METRIC_TIMEOUT: return "timeout";
    case LAGSIM_METRIC_RETRIES: return "retries";
    case LAGSIM_METRIC_P95_LATENCY: return "p95_latency";
    case LAGSIM_METRIC_BACKLOG: return "backlog";
    case LAGSIM_METRIC_COUNT: break;
    }
    return "?";
}

int lsi_delivery_validate(const lagsim_scenario_t *sc, char *msg, size_t msg_size)
{
#define FAIL(...) do { snprintf(msg, msg_size, __VA_ARGS__); return LAGSIM_EINVAL; } while (0)
    if (sc->series_window < LAGSIM_SEC)
        FAIL("[scenario] series_window must be at least 1s");
    const double windows = ((double)sc->horizon + (double)sc->drain_limit) / (double)sc->series_window;
    if (windows > LAGSIM_SERIES_MAX_WINDOWS)
        FAIL("[scenario] series_window %.6g s makes %.3g windows over the horizon and the "
             "drain limit, more than %d: make it at least %.0f s",
             (double)sc->series_window / LAGSIM_SEC, windows, LAGSIM_SERIES_MAX_WINDOWS,
             ceil(((double)sc->horizon + (double)sc->drain_limit) / LAGSIM_SERIES_MAX_WINDOWS /
                  LAGSIM_SEC));
    if (sc->n_alerts > LAGSIM_MAX_ALERTS)
        FAIL("too many [alert.*] sections (at most %d)", LAGSIM_MAX_ALERTS);
    for (unsigned i = 0; i < sc->n_alerts; i++) {
        const lagsim_alert_t *a = &sc->alerts[i];
        if ((unsigned)a->metric >= LAGSIM_METRIC_COUNT)
            FAIL("[alert.%s] has no valid metric", a->name);
        const char *metric = lagsim_alert_metric_name(a->metric);
        if (!(a->threshold >= 0) || isinf(a->threshold))
            FAIL("[alert.%s] threshold must be a number >= 0", a->name);
        if (a->metric == LAGSIM_METRIC_P95_LATENCY && !a->threshold_is_time && a->threshold != 0)
            FAIL("[alert.%s] threshold must be a duration (such as 2m) for metric %s", a->name,
                 metric);
        if (a->metric != LAGSIM_METRIC_P95_LATENCY && a->threshold_is_time)
            FAIL("[alert.%s] threshold must be a count (a plain number) for metric %s, not a "
                 "duration", a->name, metric);
        if (a->window < 0 || a->window % sc->series_window != 0)
            FAIL("[alert.%s] window (%.6g s) must be a multiple of [scenario] series_window "
                 "(%.6g s)", a->name, (double)a->window / LAGSIM_SEC,
                 (double)sc->series_window / LAGSIM_SEC);
    }
    return LAGSIM_OK;
#undef FAIL
}
