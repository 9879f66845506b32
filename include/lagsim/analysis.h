/*
 * lagsim/analysis.h - what is computed beside the simulation, as
 * structured results: the up-front estimates of a scenario's size and
 * backlog, the Event Delivery view's alerts, incidents and recovery times,
 * and the closed forms of queueing theory the report sets beside the
 * simulated figures. Words and tables are the report layer's.
 */
#ifndef LAGSIM_ANALYSIS_H
#define LAGSIM_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "lagsim/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Up-front estimates ---------------------------------------------------- */

/*
 * Expected number of fired events: the integral of the arrival rate (for
 * an MMPP, at its stationary mean rate) plus the replayed rows inside the
 * horizon (as counted by lagsim_replay_scan()).
 */
double lagsim_scenario_expected_events(const lagsim_scenario_t *sc);

/*
 * A fluid estimate of the largest backlog (events fired but not yet
 * accepted by Mixpanel): where the offered rate exceeds Mixpanel's limit
 * (events, or bytes at the mean payload size), the excess piles up; where
 * it is below, the backlog drains at the spare capacity. 0 when no limit
 * is set. Writes when the peak is reached to *at (if not NULL).
 */
double lagsim_scenario_backlog_estimate(const lagsim_scenario_t *sc, lagsim_time_t *at);

/*
 * The same fluid walk against everything that holds events back, for
 * memory bounds: the tightest of Mixpanel's limits and, with Cloud-mode
 * selected, Segment's inbound limit and its destination's max_in_flight
 * requests of batch_size events per mean round trip, times the share of
 * requests that succeed (1 - failure_rate), and nothing at all during
 * Mixpanel's outages. 0 when nothing limits.
 */
double lagsim_scenario_backlog_bound(const lagsim_scenario_t *sc, lagsim_time_t *at);

/*
 * Events on their way at the busiest instant, by Little's law: the peak
 * arrival rate times the shortest mean time an event stays in memory
 * before Mixpanel accepts it (the network trips, and Segment's processing
 * in Cloud-mode), at most the expected number fired.
 */
double lagsim_scenario_in_flight_estimate(const lagsim_scenario_t *sc);

/*
 * The highest offered rate of fired events (Poisson arrivals at their
 * MMPP mean, or the busiest replay bin) over the rate Mixpanel accepts
 * (lagsim_theory_capacity()): at 1 or above, the scenario is rate-limited
 * somewhere (429s, backoff, a backlog). NAN without a limit.
 */
double lagsim_scenario_peak_utilisation(const lagsim_scenario_t *sc);

/* Bytes of simulation state per event in the backlog (for memory estimates). */
size_t lagsim_state_bytes_per_event(void);

/* ---- Event Delivery view: alerts, incidents, recovery ----------------------- */

/*
 * A metric of the series over windows [first, first + count), per run (the
 * series may pool several replications: counts are sums / runs, the
 * backlog the largest of the windows' summed maxima / runs): a count, the
 * backlog in events, or p95_latency in microseconds (NAN when nothing was
 * delivered there).
 */
double lagsim_delivery_value(const lagsim_series_t *s, enum lagsim_alert_metric metric,
                             size_t first, size_t count);

/* An incident: a [burst.NAME], or a Mixpanel outage window. */
enum lagsim_incident_kind { LAGSIM_INCIDENT_BURST, LAGSIM_INCIDENT_OUTAGE };

/* How an incident's recovery came out. */
enum lagsim_recovery {
    LAGSIM_RECOVERED,           /* back at the pre-incident level (recovery_time) */
    LAGSIM_NOT_RECOVERED,       /* not by the end of the run (the drain limit) */
    LAGSIM_RECOVERY_NO_BASELINE,/* no quiet window before it to take a level from */
    LAGSIM_RECOVERY_AFTER_RUN   /* it ends after the run's last window */
};

/* "recovered", "not_recovered", "no_baseline", "after_run". */
const char *lagsim_recovery_name(enum lagsim_recovery r);

typedef struct lagsim_incident {
    enum lagsim_incident_kind kind;
    unsigned index;             /* into sc->bursts or sc->mixpanel.outages */
    lagsim_time_t start;
    lagsim_time_t end;          /* bursts end at the horizon at the latest */
    double pre_429;             /* pre-incident level: most 429s in a window, per run */
    double pre_backlog;         /* and the largest backlog (both 0 without a baseline) */
    enum lagsim_recovery recovery;
    lagsim_time_t recovery_time;/* end -> start of the first window back at the level; -1 */
} lagsim_incident_t;

typedef struct lagsim_alert_outcome {
    lagsim_time_t first_fired;  /* end of the first window where it held; -1: never */
    uint32_t episodes;          /* separate runs of windows where it held */
    lagsim_time_t firing;       /* total time it held */
    int incident;               /* the latest incident started before first_fired
                                   (index into lagsim_monitor_t.incident), or -1 */
    lagsim_time_t detection_delay; /* first_fired - that incident's start, or -1 */
} lagsim_alert_outcome_t;

#define LAGSIM_MAX_INCIDENTS (LAGSIM_MAX_BURSTS + LAGSIM_MAX_OUTAGES)

/* The alerts and incidents of one mode's run (or pooled replications). */
typedef struct lagsim_monitor {
    unsigned n_incidents;
    lagsim_incident_t incident[LAGSIM_MAX_INCIDENTS]; /* by start time */
    unsigned n_alerts;
    lagsim_alert_outcome_t alert[LAGSIM_MAX_ALERTS];  /* as sc->alerts */
} lagsim_monitor_t;

/*
 * Evaluates the scenario's alerts and the recovery from each incident on
 * a run's series (result->series; pooled replications count per run).
 * The rules (docs/model.md, "Event Delivery view, alerts and recovery"):
 *
 *  - An alert is evaluated at the end of every series window i from its
 *    own span on, over the last `window` of time (k windows, i-k+1 .. i):
 *    it holds when the metric is at or above the threshold (below it,
 *    with `below`); a p95 with nothing delivered never holds. first_fired
 *    is the end of the first window where it held; an episode is a run of
 *    consecutive windows where it held; firing counts one series window
 *    per such window.
 *  - An incident's pre-incident level is the most 429s in one window and
 *    the largest backlog over the windows before the one holding its
 *    start, leaving out the first window (start-up) and the windows of
 *    earlier incidents (from the window holding an earlier incident's
 *    start to the one it recovered in; to its end without a recovery
 *    time; to the end of the run if it did not recover); it is back at that
 *    level in a window with at most pre_429 * 1.1 + 1 429s and a backlog
 *    of at most pre_backlog * 1.1 + 1. Recovery time: from the incident's
 *    end to the start of the first window that starts at or after the end
 *    and is back at the level. The window after the run's last counts too
 *    (no 429s, the backlog the run ended with): a run that drained in its
 *    last window recovers as that window ends; one cut off by the drain
 *    limit with a backlog has not recovered.
 *
 * Returns LAGSIM_OK, LAGSIM_EINVAL for an empty series (or one that is not
 * an Event Delivery series), or LAGSIM_ENOMEM.
 */
int lagsim_monitor_evaluate(const lagsim_scenario_t *sc, const lagsim_series_t *series,
                            lagsim_monitor_t *out);
/* ---- Theory beside simulation ---------------------------------------------- */

/*
 * Back-of-envelope answers for the stages where a closed form exists, to
 * print beside the simulated figures: when the two disagree, either the
 * formula's assumptions do not hold (and the note says which may not), or
 * the model has a bug. Every function reads only the scenario; a figure
 * with no closed form in the scenario's conditions is NAN.
 */

/* Events per second Mixpanel accepts: the tighter of ingest_limit and
 * ingest_limit_bytes at the mean payload; -1 when neither is set. */
double lagsim_theory_capacity(const lagsim_scenario_t *sc);

/*
 * Mean wait for a batch, seconds, of Poisson arrivals at `rate`/s into a
 * batcher that sends when it holds `batch` events or when its oldest has
 * waited `wait` seconds: a window of L = min(wait, (batch - 1) / rate)
 * opens at the first arrival, which waits L; the lambda*L others wait L/2
 * on average, so the mean is (L + lambda*L * L/2) / (1 + lambda*L). About
 * batch / (2 rate) when batches fill, `wait` when arrivals are rare; 0 for
 * batches of one.
 */
double lagsim_theory_batch_wait(double rate, double batch, double wait);

/*
 * Mean wait on a device, seconds, from fired to first sent, of an SDK
 * whose device fires `device_rate` events/s (Poisson): 0 when it sends
 * each event at once (flush_interval 0, or flush_at 1); otherwise its
 * flush timer ticks at a random phase, so an event waits half the
 * interval, unless flush_at events gather sooner: about (flush_at - 1) /
 * (2 device_rate) when they do so every interval. Exact for Poisson
 * arrivals (a finite sum over the events in one interval, see theory.c),
 * ignoring requests in flight and backoff.
 */
double lagsim_theory_flush_wait(const lagsim_sdk_t *sdk, double device_rate);

/*
 * Mean of each hop over the events a run in `mode` makes visible (the
 * clients' SDKs weighted by their shares of users, less those an ad
 * blocker stops; the arrival rate piece by piece, weighted by the events
 * each piece fires), seconds:
 *  - client batching: lagsim_theory_flush_wait() at each piece's rate per user;
 *  - Segment batching (NAN in device mode): lagsim_theory_batch_wait() of
 *    the events reaching Segment, with batch = min(batch_size, batch_bytes /
 *    mean payload) and wait = batch_wait;
 *  - Mixpanel ingestion: mean ingest_delay + ingest_per_kb * mean KB +
 *    ingest_per_depth * mean nesting depth;
 *  - identity resolution: the mean of idres_known, idres_new and
 *    idres_merge weighted by their shares;
 *  - indexing: index_interval / 2 (the next run comes at a uniform point
 *    of the interval) + mean index_delay.
 */
double lagsim_theory_client_batching(const lagsim_scenario_t *sc, enum lagsim_mode mode);
double lagsim_theory_segment_batching(const lagsim_scenario_t *sc, enum lagsim_mode mode);
double lagsim_theory_ingest(const lagsim_scenario_t *sc);
double lagsim_theory_identity(const lagsim_scenario_t *sc);
double lagsim_theory_indexing(const lagsim_scenario_t *sc);

/*
 * Fluid model of the backlog against Mixpanel's capacity (as
 * lagsim_scenario_backlog_estimate()): the seconds from its peak until it
 * has drained to `fraction` of the peak, draining at the spare capacity
 * (capacity minus the arrival rate, piece by piece; after the horizon,
 * the whole capacity). NAN when there is no backlog.
 */
double lagsim_theory_drain(const lagsim_scenario_t *sc, double fraction);

/* One figure in theory and in simulation. */
typedef struct lagsim_theory_item {
    const char *name;  /* key, e.g. "client_batching_wait" (a static string) */
    const char *label; /* for text reports, e.g. "client batching wait" */
    const char *unit;  /* "s" or "events" */
    double theory;     /* the closed form (NAN: none here) */
    double simulated;  /* the run's figure (NAN: the run has none) */
    double tolerance;  /* relative difference still counted as agreeing */
    int agrees;        /* 1 within tolerance, 0 not, -1 cannot tell (a NAN) */
    char note[640];    /* what the formula assumes; when the two differ, why they may */
} lagsim_theory_item_t;

#define LAGSIM_THEORY_MAX 12

typedef struct lagsim_theory {
    unsigned n;
    lagsim_theory_item_t item[LAGSIM_THEORY_MAX];
} lagsim_theory_t;

/*
 * Fills *out with every figure that has a closed form for the scenario and
 * the result's mode, beside the result's: the hop means above against
 * lagsim_breakdown_mean(r->hops, ...); for a burst above Mixpanel's
 * capacity, the fluid backlog peak and its drain to a tenth of the peak;
 * and Little's law, the time-average backlog against the delivery rate
 * times the mean latency to delivered. `r` may be pooled over
 * replications. Never fails.
 */
void lagsim_theory_compare(const lagsim_scenario_t *sc, const lagsim_result_t *r,
                           lagsim_theory_t *out);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_ANALYSIS_H */
