/*
 * run.c - one run of one mode: builds the model on a fresh engine, runs
 * it until every event has settled or the drain limit, and checks
 * conservation: fired = visible + dropped + in flight, where in flight is
 * counted from the pipeline itself (records still in the pool, and
 * delivered events whose processing ends after the run).
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
    if (!r->latency_delivered || !r->latency_visible) {
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
    free(r);
}

static void result_reset(lagsim_result_t *r, enum lagsim_mode mode, uint32_t replication)
{
    lagsim_hist_t *d = r->latency_delivered, *v = r->latency_visible;
    memset(r, 0, sizeof *r);
    r->latency_delivered = d;
    r->latency_visible = v;
    lagsim_hist_reset(d);
    lagsim_hist_reset(v);
    r->mode = mode;
    r->replication = replication;
    r->drain_time = -1;
}

void lsi_drop(lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why)
{
    m->out->dropped[why]++;
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if (now > m->last_settle)
        m->last_settle = now;
    lsi_event_release(&m->pool, ev);
}

void lsi_drop_list(lsi_model_t *m, lsi_list_t *l, enum lagsim_drop_reason why)
{
    uint32_t id;
    while ((id = lsi_list_pop(&m->pool, l)) != LSI_NIL)
        lsi_drop(m, id, why);
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
    lsi_pool_free(&m->pool);
    for (int i = 0; i < LSI_RNG_COUNT; i++)
        if (m->rng[i])
            gsl_rng_free(m->rng[i]);
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
    m->dest.retry_head = m->dest.retry_tail = LSI_NIL;
    lsi_list_init(&m->dest.queue);
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
    if (lsi_clients_init(&m->clients) != LAGSIM_OK)
        return LAGSIM_ENOMEM;
    return lsi_workload_init(m);
}

const char *lagsim_stop_reason_name(enum lagsim_stop_reason r)
{
    switch (r) {
    case LAGSIM_STOP_NONE: return "none";
    case LAGSIM_STOP_INTERRUPTED: return "interrupted";
    case LAGSIM_STOP_MEMORY: return "memory";
    case LAGSIM_STOP_STUCK: return "stuck";
    }
    return "?";
}

/* Bytes held by the model's pools and the engine's queue. */
static uint64_t state_bytes(const lsi_model_t *m)
{
    return (uint64_t)m->pool.ev_cap * sizeof(lsi_event_t) +
           (uint64_t)m->pool.b_cap * sizeof(lsi_batch_t) +
           (uint64_t)m->clients.cap * sizeof(lsi_client_t) +
           ((uint64_t)m->clients.table_mask + 1) * sizeof *m->clients.table +
           (uint64_t)lagsim_sim_pending(m->sim) * 40;
}

/* Simulated time run between checks of the limits. */
#define CHUNK (LAGSIM_SEC)

/*
 * Runs the engine to the end limit in chunks of simulated time, checking
 * between chunks for an interrupt and for the memory limit. Idle stretches
 * are skipped: each chunk starts at the next pending event.
 */
static enum lagsim_stop_reason run_engine(lsi_model_t *m, const lagsim_run_limits_t *lim)
{
    for (;;) {
        const lagsim_time_t next = lagsim_sim_next_time(m->sim);
        if (next > m->end_limit || m->failed)
            return LAGSIM_STOP_NONE;
        const lagsim_time_t until = next < m->end_limit - CHUNK ? next + CHUNK : m->end_limit;
        lagsim_sim_run(m->sim, until);
        if (m->stuck)
            return LAGSIM_STOP_STUCK;
        if (lim->interrupt && *lim->interrupt)
            return LAGSIM_STOP_INTERRUPTED;
        if (lim->max_memory && state_bytes(m) > lim->max_memory)
            return LAGSIM_STOP_MEMORY;
    }
}

int lagsim_run(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
               lagsim_result_t *out)
{
    const lagsim_run_limits_t none = {0, NULL};
    return lagsim_run_limited(sc, mode, replication, &none, out);
}

int lagsim_run_limited(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                       uint32_t replication, const lagsim_run_limits_t *limits,
                       lagsim_result_t *out)
{
    static const lagsim_run_limits_t no_limits = {0, NULL};
    if (!limits)
        limits = &no_limits;
    result_reset(out, mode, replication);
    lsi_model_t *m = malloc(sizeof *m);
    if (!m)
        return LAGSIM_ENOMEM;
    int rc = model_init(m, sc, mode, replication, out);
    if (rc != LAGSIM_OK)
        goto done;

    const double t0 = wall_now();
    lsi_workload_start(m);
    out->partial = (int)run_engine(m, limits);
    out->wall_seconds = wall_now() - t0;
    out->sim_events = lagsim_sim_executed(m->sim);
    if (m->failed) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    /* At a partial stop, events already accepted by Mixpanel keep the
     * visible time computed when they were accepted (processing has no
     * shared capacity, so nothing after the stop could change it). */
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    out->in_flight = m->pool.ev_live + m->processing;
    uint64_t dropped = 0;
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        dropped += out->dropped[i];
    out->conserved = out->fired == out->visible + dropped + out->in_flight &&
                     out->delivered == out->visible + m->processing;
    lagsim_time_t end = now;
    if (m->last_settle > end && out->partial == LAGSIM_STOP_NONE)
        end = m->last_settle;
    out->end_time = end;
    if (out->in_flight == 0 && out->partial == LAGSIM_STOP_NONE)
        out->drain_time = (m->last_settle > sc->horizon ? m->last_settle : sc->horizon) - sc->horizon;
    if (!out->conserved)
        rc = LAGSIM_ECONSERVE;
done:
    model_free(m);
    free(m);
    return rc;
}
