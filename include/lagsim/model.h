/*
 * lagsim/model.h - one run of one mode: the results a run produces, the
 * calls that run it (with limits, progress and interruption), and the
 * memory its Event Delivery series can reach. The scenario it is given is
 * in lagsim/scenario.h; what is built from many runs is in
 * lagsim/experiment.h, what is computed beside them in lagsim/analysis.h.
 */
#ifndef LAGSIM_MODEL_H
#define LAGSIM_MODEL_H

#include <stdint.h>

#include "lagsim/des.h"
#include "lagsim/scenario.h"
#include "lagsim/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Results -------------------------------------------------------------- */

/* The counters of result->series, per window. */
enum lagsim_delivery_counter {
    LAGSIM_DV_DELIVERED,     /* events accepted by Mixpanel (2xx), when accepted */
    LAGSIM_DV_NOT_DELIVERED, /* events dropped for any reason but sampled, when dropped */
    LAGSIM_DV_RESPONSES,     /* + enum lagsim_response: answers, when the request reached Mixpanel */
    LAGSIM_DV_RETRIES = LAGSIM_DV_RESPONSES + LAGSIM_RESP_COUNT, /* retries, when sent */
    LAGSIM_DV_COUNT
};

/* What one run of one mode produced. Fields are read-only for callers. */
typedef struct lagsim_result {
    enum lagsim_mode mode;
    uint32_t replication;

    uint64_t fired;
    uint64_t delivered; /* accepted by Mixpanel (2xx) */
    uint64_t visible;
    uint64_t in_flight; /* counted from the pipeline's queues at the end */
    uint64_t in_flight_next_session; /* of which stored on devices whose session
                                        ended, waiting for the user's next one */
    uint64_t dropped[LAGSIM_DROP_COUNT];
    int conserved;      /* 1 if fired = visible + dropped + in_flight */

    uint64_t requests;  /* requests sent to Mixpanel, first tries and retries */
    uint64_t retries;   /* of which retries */
    uint64_t responses[LAGSIM_RESP_COUNT];

    uint64_t backlog_peak;       /* most events fired but not yet delivered */
    lagsim_time_t backlog_peak_at;
    lagsim_time_t end_time;      /* simulated time when the run stopped */
    lagsim_time_t drain_time;    /* from horizon until all settled, or -1 */

    int partial;          /* a lagsim_stop_reason: LAGSIM_STOP_NONE if the run finished */

    uint64_t sim_events;  /* engine events run */
    double wall_seconds;  /* wall time of the simulation */

    lagsim_hist_t *latency_delivered; /* fired -> 2xx at Mixpanel, us */
    lagsim_hist_t *latency_visible;   /* fired -> visible in reports, us */
    lagsim_breakdown_t *hops;         /* visible latency by enum lagsim_hop */
    lagsim_hist_t *latency_by_priority[3]; /* fired -> visible, by enum lagsim_priority */

    uint64_t duplicates; /* copies Mixpanel received again, removed by $insert_id */
    uint64_t offline_failures; /* sends that failed because the device was offline */
    uint64_t segment_429; /* client requests Segment's tracking API refused with 429
                             ([segment] inbound_policy = reject) */

    lagsim_series_t *visible_by_fired; /* latency to visible (us) in the sketch of
                                the sc->series_window window each event was
                                fired in (no counters used): p50/p99 by the
                                minute fired; counts as latency_visible does */
    lagsim_series_t *series; /* the Event Delivery view: per sc->series_window,
                                counters by enum lagsim_delivery_counter, the
                                backlog as the level, and the latency sketch of
                                Segment receipt (device path: fired) -> 2xx */
    /* The backlog over time, sampled between chunks of about one simulated
     * second (for the theory checks, see lagsim_theory_compare()): its
     * integral over the span sampled, in event-seconds rounded to a whole
     * number (so that replications pool exactly; area / span is its time
     * average), and the first sample after the peak at which it was back
     * under a tenth of the peak (not after backlog_peak_at if never). */
    double backlog_area;
    lagsim_time_t backlog_span;
    lagsim_time_t backlog_drained_at;

    /* The latency histograms and hops count only events fired at or after
     * this (0: every event); counters always cover the whole run. */
    lagsim_time_t warmup;
} lagsim_result_t;

/* Why a run stopped before it finished (result->partial). */
enum lagsim_stop_reason {
    LAGSIM_STOP_NONE,        /* it finished: settled, or reached the drain limit */
    LAGSIM_STOP_INTERRUPTED, /* *limits->interrupt became non-zero */
    LAGSIM_STOP_MEMORY,      /* its state grew past limits->max_memory */
    LAGSIM_STOP_STUCK,       /* the clock stopped moving (a zero-delay loop) */
    LAGSIM_STOP_TRACED,      /* every followed event settled (lagsim_trace_t.stop_when_settled) */
    LAGSIM_STOP_EVENTS       /* it ran limits->max_sim_events engine events */
};

const char *lagsim_stop_reason_name(enum lagsim_stop_reason r);

/* An empty result. NULL if out of memory. */
lagsim_result_t *lagsim_result_create(void);
/* Frees it. Accepts NULL. */
void lagsim_result_destroy(lagsim_result_t *r);

/*
 * Runs replication `replication` of the scenario in `mode` and writes
 * what happened into `out` (which is reset first). The scenario must have
 * passed lagsim_scenario_validate(). Returns LAGSIM_OK, LAGSIM_ENOMEM, or
 * LAGSIM_ECONSERVE if the pipeline lost track of an event (a bug; the
 * result is still filled in).
 */
int lagsim_run(const lagsim_scenario_t *sc, enum lagsim_mode mode,
               uint32_t replication, lagsim_result_t *out);

/*
 * Progress of a run: `fraction` in [0, 1] is the simulated time reached
 * over the horizon (capped at 1; the drain that follows the horizon shows
 * as 1). Called between chunks of one simulated second, from the thread
 * running the run; it must not call back into the run.
 */
typedef void (*lagsim_progress_fn)(void *ctx, double fraction);

struct lagsim_executor; /* experiment.h */

/* Bounds on one run. Zero-initialise for "no limits". */
typedef struct lagsim_run_limits {
    /* Bytes the whole process may hold (lagsim_process_memory(), all
     * threads together; 0: no limit). Checked every few thousand engine
     * events, not only between simulated seconds. */
    uint64_t max_memory;
    const volatile int *interrupt; /* the run stops soon after *interrupt != 0 */
    lagsim_progress_fn progress;   /* called with the run's progress (NULL: none) */
    void *progress_ctx;            /* its first argument */
    uint64_t max_sim_events;       /* engine events one run may execute (0: no limit) */
    /* Who runs the replications of a batch (experiment.h): NULL for this
     * process's threads; the MPI build passes one that spreads them over
     * ranks. Single runs ignore it. */
    const struct lagsim_executor *executor;
} lagsim_run_limits_t;

/*
 * The memory the whole process has allocated, all threads together, in
 * bytes: the allocator's statistics where available (glibc mallinfo2(),
 * the ASan allocator), and never less than the simulation state of the
 * runs in progress. What limits->max_memory is compared with.
 */
uint64_t lagsim_process_memory(void);

/*
 * lagsim_run() with limits (NULL: none). A run stopped by a limit or an interrupt
 * returns LAGSIM_OK with out->partial set and every event not yet settled
 * counted in flight (conservation still holds and is checked).
 */
int lagsim_run_limited(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                       uint32_t replication, const lagsim_run_limits_t *limits,
                       lagsim_result_t *out);

/* Bytes the Event Delivery series of one run can reach: one window per
 * series_window over the horizon and the drain limit (sketches aside). */
double lagsim_scenario_series_bytes(const lagsim_scenario_t *sc);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_MODEL_H */
