/*
 * run.c - one run of one mode: builds the model on a fresh engine,
 * registers the ledger's observers the run asks for (warm-up probe,
 * trace, a test's), runs it until every event has settled or the drain
 * limit, and has the ledger close the account and check conservation:
 * fired = visible + dropped + in flight, where in flight is counted from
 * the pipeline itself (records still in the pool, and delivered events
 * whose processing ends after the run).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/model_internal.h"

lagsim_result_t *lagsim_result_create(void)
{
    lagsim_result_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->latency_delivered = lagsim_hist_create();
    r->latency_visible = lagsim_hist_create();
    r->hops = lagsim_breakdown_create(LAGSIM_HOP_COUNT);
    r->series = lagsim_series_create(LAGSIM_DV_COUNT, LAGSIM_MIN);
    r->visible_by_fired = lagsim_series_create(1, LAGSIM_MIN);
    int ok = r->latency_delivered && r->latency_visible && r->hops && r->series &&
             r->visible_by_fired;
    for (int p = 0; p < 3; p++)
        ok &= (r->latency_by_priority[p] = lagsim_hist_create()) != NULL;
    if (!ok) {
        lagsim_result_destroy(r);
        return NULL;
    }
    return r;
}

void lagsim_result_destroy(lagsim_result_t *r)
{
    if (!r)
        return;
    lagsim_hist_destroy(r->latency_delivered);
    lagsim_hist_destroy(r->latency_visible);
    lagsim_breakdown_destroy(r->hops);
    for (int p = 0; p < 3; p++)
        lagsim_hist_destroy(r->latency_by_priority[p]);
    lagsim_series_destroy(r->series);
    lagsim_series_destroy(r->visible_by_fired);
    free(r);
}

void lsi_result_reset(lagsim_result_t *r, enum lagsim_mode mode, uint32_t replication)
{
    lagsim_hist_t *d = r->latency_delivered, *v = r->latency_visible;
    lagsim_breakdown_t *h = r->hops;
    lagsim_hist_t *by[3];
    for (int p = 0; p < 3; p++)
        lagsim_hist_reset(by[p] = r->latency_by_priority[p]);
    lagsim_series_t *s = r->series, *vf = r->visible_by_fired;
    memset(r, 0, sizeof *r);
    for (int p = 0; p < 3; p++)
        r->latency_by_priority[p] = by[p];
    r->latency_delivered = d;
    r->latency_visible = v;
    r->hops = h;
    r->series = s;
    r->visible_by_fired = vf;
    lagsim_series_reset(s, lagsim_series_width(s));
    lagsim_series_reset(vf, lagsim_series_width(vf));
    lagsim_hist_reset(d);
    lagsim_hist_reset(v);
    lagsim_breakdown_reset(h);
    r->mode = mode;
    r->replication = replication;
    r->drain_time = -1;
}

void lsi_fail(lsi_model_t *m)
{
    m->failed = 1;
    lagsim_sim_stop(m->sim);
}

/* Requests at one simulated microsecond beyond which the run is stuck in
 * a zero-delay loop (e.g. zero latencies with immediate retries against a
 * permanent outage). A real burst of 10^9 events/s fires 1,000 per us. */
#define STUCK_REQUESTS 10000000u

void lsi_note_request(lsi_model_t *m)
{
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if (now != m->burst_at) {
        m->burst_at = now;
        m->burst_count = 0;
    }
    if (++m->burst_count > STUCK_REQUESTS) {
        m->stuck = 1;
        lagsim_sim_stop(m->sim);
    }
}

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void model_free(lsi_model_t *m)
{
    lsi_workload_free(m);
    lsi_clients_free(&m->clients);
    for (int p = 0; p < 3; p++)
        lsi_ring_free(&m->dest.queue[p]);
    lsi_pool_free(&m->pool);
    for (int i = 0; i < LSI_RNG_COUNT; i++)
        if (m->rng[i])
            gsl_rng_free(m->rng[i]);
    if (m->trait_rng)
        gsl_rng_free(m->trait_rng);
    lsi_trace_destroy(m->trace);
    lagsim_sim_destroy(m->sim);
}

static int model_init(lsi_model_t *m, const lagsim_scenario_t *sc, enum lagsim_mode mode,
                      uint32_t replication, lagsim_result_t *out)
{
    memset(m, 0, sizeof *m);
    m->sc = sc;
    m->mode = mode;
    m->out = out;
    m->end_limit = sc->horizon + sc->drain_limit;
    m->dest.retry_head = m->dest.retry_tail = LSI_NIL; /* the queues: empty rings (memset) */
    lsi_pool_init(&m->pool);
    lsi_limiter_init(&m->limiter, sc);
    m->sim = lagsim_sim_create();
    if (!m->sim)
        return LAGSIM_ENOMEM;
    for (int i = 1; i < LSI_RNG_COUNT; i++) {
        m->rng[i] = lagsim_rng_create(NULL, sc->seed, replication, (uint32_t)i);
        if (!m->rng[i])
            return LAGSIM_ENOMEM;
    }
    m->trait_rng = gsl_rng_alloc(gsl_rng_taus2); /* cheap to reseed */
    if (!m->trait_rng)
        return LAGSIM_ENOMEM;
    if (lsi_clients_init(&m->clients, sc, mode) != LAGSIM_OK)
        return LAGSIM_ENOMEM;
    lsi_client_register(m);
    lsi_segment_register(m);
    return lsi_workload_init(m);
}

const char *lagsim_stop_reason_name(enum lagsim_stop_reason r)
{
    switch (r) {
    case LAGSIM_STOP_NONE: return "none";
    case LAGSIM_STOP_INTERRUPTED: return "interrupted";
    case LAGSIM_STOP_MEMORY: return "memory";
    case LAGSIM_STOP_STUCK: return "stuck";
    case LAGSIM_STOP_TRACED: return "traced";
    case LAGSIM_STOP_EVENTS: return "events";
    }
    return "?";
}

/* Bytes held by the model's pools and the engine's queue. */
static uint64_t state_bytes(const lsi_model_t *m)
{
    return (uint64_t)m->pool.ev_cap * sizeof(lsi_event_t) +
           (uint64_t)m->pool.b_cap * sizeof(lsi_batch_t) +
           lsi_clients_bytes(&m->clients, m->sc->users) +
           ((uint64_t)m->dest.queue[0].cap + m->dest.queue[1].cap + m->dest.queue[2].cap) *
               sizeof *m->dest.queue[0].e +
           (uint64_t)lagsim_sim_pending(m->sim) * 40 + lagsim_series_bytes(m->out->series) +
           lagsim_series_bytes(m->out->visible_by_fired);
}

/* Simulated time between progress reports and backlog samples. */
#define CHUNK (LAGSIM_SEC)

/* Engine events between checks of an interrupt and of the memory: a few
 * milliseconds of work at any density of simulated time. */
#define SLICE_EVENTS 8192u

/* Why the run must stop now (a limit, a signal), or LAGSIM_STOP_NONE.
 * Also publishes the run's state to the process-wide sum. */
static enum lagsim_stop_reason limit_reached(lsi_model_t *m, const lagsim_run_limits_t *lim,
                                             uint64_t *held)
{
    if (lim->interrupt && *lim->interrupt)
        return LAGSIM_STOP_INTERRUPTED;
    lsi_memory_note(held, state_bytes(m));
    if (lim->max_memory && (*held > lim->max_memory || lagsim_process_memory() > lim->max_memory))
        return LAGSIM_STOP_MEMORY;
    if (lim->max_sim_events && lagsim_sim_executed(m->sim) >= lim->max_sim_events)
        return LAGSIM_STOP_EVENTS;
    return LAGSIM_STOP_NONE;
}

/*
 * Runs the engine to the end limit in chunks of simulated time, each run
 * in slices of SLICE_EVENTS engine events; between slices it checks for
 * an interrupt and for the memory and event limits, so that a dense
 * simulated second is stopped within milliseconds. Between chunks it
 * samples the backlog and reports progress. Idle stretches are skipped:
 * each chunk starts at the next pending event.
 */
static enum lagsim_stop_reason run_engine(lsi_model_t *m, const lagsim_run_limits_t *lim,
                                          uint64_t *held)
{
    for (;;) {
        const lagsim_time_t next = lagsim_sim_next_time(m->sim);
        if (next > m->end_limit || m->failed)
            return LAGSIM_STOP_NONE;
        const lagsim_time_t until = next < m->end_limit - CHUNK ? next + CHUNK : m->end_limit;
        for (;;) {
            uint64_t budget = SLICE_EVENTS;
            if (lim->max_sim_events) {
                const uint64_t done = lagsim_sim_executed(m->sim);
                budget = done >= lim->max_sim_events ? 0 : lim->max_sim_events - done;
                if (budget > SLICE_EVENTS)
                    budget = SLICE_EVENTS;
            }
            const uint64_t ran = lagsim_sim_run_some(m->sim, until, budget);
            if (m->stuck)
                return LAGSIM_STOP_STUCK;
            if (m->failed)
                return LAGSIM_STOP_NONE;
            if (ran < budget || lagsim_sim_next_time(m->sim) > until)
                break; /* the chunk is done (or a trace stopped it) */
            const enum lagsim_stop_reason why = limit_reached(m, lim, held);
            if (why != LAGSIM_STOP_NONE)
                return why;
        }
        lsi_backlog_watch(m, until);
        if (m->trace && lsi_trace_done(m->trace, m))
            return LAGSIM_STOP_TRACED;
        const enum lagsim_stop_reason why = limit_reached(m, lim, held);
        if (why != LAGSIM_STOP_NONE)
            return why;
        if (lim->progress)
            lim->progress(lim->progress_ctx, until >= m->sc->horizon ? 1.0
                                             : (double)until / (double)m->sc->horizon);
    }
}

int lagsim_run(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
               lagsim_result_t *out)
{
    const lagsim_run_limits_t none = {0};
    return lagsim_run_limited(sc, mode, replication, &none, out);
}

int lagsim_run_limited(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                       uint32_t replication, const lagsim_run_limits_t *limits,
                       lagsim_result_t *out)
{
    return lagsim_run_traced(sc, mode, replication, limits, NULL, out);
}

int lagsim_run_traced(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
                      const lagsim_run_limits_t *limits, const lagsim_trace_t *trace,
                      lagsim_result_t *out)
{
    return lsi_run(sc, mode, replication, limits, trace, sc->warmup > 0 ? sc->warmup : 0, NULL,
                   out);
}

int lsi_run(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
            const lagsim_run_limits_t *limits, const lagsim_trace_t *trace,
            lagsim_time_t warmup, lsi_probe_t *probe, lagsim_result_t *out)
{
    return lsi_run_observed(sc, mode, replication, limits, trace, warmup, probe, NULL, NULL, out);
}

/* The observers registered for a run (the result's own are always
 * there): the probe and the trace when asked for, and a test's. */
static int observe(lsi_model_t *m, const lsi_observer_t *extra, void *extra_ctx)
{
    int rc = 0;
    if (m->probe)
        rc |= lsi_ledger_observe(m, &lsi_probe_observer, m->probe);
    if (m->trace)
        rc |= lsi_ledger_observe(m, &lsi_trace_observer, m->trace);
    if (extra)
        rc |= lsi_ledger_observe(m, extra, extra_ctx);
    return rc == 0 ? LAGSIM_OK : LAGSIM_EINVAL;
}

int lsi_run_observed(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
                     const lagsim_run_limits_t *limits, const lagsim_trace_t *trace,
                     lagsim_time_t warmup, lsi_probe_t *probe, const lsi_observer_t *extra,
                     void *extra_ctx, lagsim_result_t *out)
{
    static const lagsim_run_limits_t no_limits = {0};
    if (!limits)
        limits = &no_limits;
    if (trace && (!trace->fn || trace->follow == 0 || trace->follow > LAGSIM_TRACE_MAX ||
                  trace->type >= (int)sc->n_event_types))
        return LAGSIM_EINVAL;
    lsi_result_reset(out, mode, replication);
    lsi_model_t *m = malloc(sizeof *m);
    if (!m)
        return LAGSIM_ENOMEM;
    int rc = model_init(m, sc, mode, replication, out);
    m->warmup = out->warmup = warmup;
    m->probe = probe;
    if (rc == LAGSIM_OK && trace && !(m->trace = lsi_trace_create(trace, mode)))
        rc = LAGSIM_ENOMEM;
    if (rc == LAGSIM_OK)
        rc = observe(m, extra, extra_ctx);
    if (rc != LAGSIM_OK)
        goto done;
    lsi_ledger_start(m);

    const double t0 = wall_now();
    uint64_t held = 0; /* this run's share of the process-wide state sum */
    lsi_workload_start(m);
    lsi_clients_start(m);
    out->partial = (int)run_engine(m, limits, &held);
    lsi_memory_note(&held, 0);
    out->wall_seconds = wall_now() - t0;
    out->sim_events = lagsim_sim_executed(m->sim);
    lsi_ledger_stopped(m);
    if (m->failed) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    rc = lsi_ledger_finish(m);
done:
    model_free(m);
    free(m);
    return rc;
}
