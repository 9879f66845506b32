/*
 * workload.c - what the product fires: arrivals (a Poisson process whose
 * rate is the base rate plus any active bursts), and for each event its
 * type, user, payload size and identity.
 *
 * The arrival rate is piecewise constant, so the next arrival is found
 * exactly by inversion: draw E ~ Exp(1) and walk the pieces until the
 * integrated rate reaches E. Every draw comes from the workload's own
 * streams in a fixed order, so all modes see the same events (common
 * random numbers).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model/model_internal.h"

static double burst_extra(const lagsim_scenario_t *sc, const lagsim_burst_t *b)
{
    if (b->rate >= 0)
        return b->rate - sc->base_rate;
    return sc->base_rate * (b->multiplier - 1.0);
}

static int cmp_time(const void *a, const void *b)
{
    const lagsim_time_t x = *(const lagsim_time_t *)a, y = *(const lagsim_time_t *)b;
    return (x > y) - (x < y);
}

/* Rate at time t: base plus the extra of every burst covering t, >= 0. */
static double rate_at(const lagsim_scenario_t *sc, lagsim_time_t t)
{
    double r = sc->base_rate;
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        const lagsim_burst_t *b = &sc->bursts[i];
        if (t >= b->start && t - b->start < b->duration)
            r += burst_extra(sc, b);
    }
    r *= sc->scale;
    return r > 0 ? r : 0;
}

unsigned lsi_rate_pieces(const lagsim_scenario_t *sc, lsi_rate_piece_t *pieces)
{
    lagsim_time_t cuts[2 * LAGSIM_MAX_BURSTS + 1];
    unsigned n = 0, out = 0;
    cuts[n++] = 0;
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        cuts[n++] = sc->bursts[i].start;
        const lagsim_time_t end = sc->bursts[i].start + sc->bursts[i].duration;
        cuts[n++] = end < sc->horizon ? end : sc->horizon;
    }
    qsort(cuts, n, sizeof cuts[0], cmp_time);
    for (unsigned i = 0; i < n; i++) {
        if (cuts[i] >= sc->horizon || (i > 0 && cuts[i] == cuts[i - 1]))
            continue;
        pieces[out].start = cuts[i];
        pieces[out].rate = rate_at(sc, cuts[i]);
        out++;
    }
    pieces[out].start = sc->horizon; /* sentinel: no arrivals from here */
    pieces[out].rate = 0;
    return out;
}

int lsi_workload_init(lsi_model_t *m)
{
    const lagsim_scenario_t *sc = m->sc;
    m->n_pieces = lsi_rate_pieces(sc, m->pieces);
    m->piece = 0;

    double shares[LAGSIM_MAX_EVENT_TYPES];
    for (unsigned i = 0; i < sc->n_event_types; i++)
        shares[i] = sc->event_types[i].share;
    m->type_table = gsl_ran_discrete_preproc(sc->n_event_types, shares);
    if (!m->type_table)
        return LAGSIM_ENOMEM;

    double cum = 0;
    for (unsigned i = 0; i < sc->n_clients; i++) {
        cum += sc->clients[i].share;
        m->client_cum[i] = cum;
    }
    m->client_cum[sc->n_clients - 1] = 2.0; /* rounding never falls off the end */
    return LAGSIM_OK;
}

void lsi_workload_free(lsi_model_t *m)
{
    if (m->type_table)
        gsl_ran_discrete_free(m->type_table);
    m->type_table = NULL;
}

/*
 * Time of the next arrival, or LAGSIM_TIME_MAX when the horizon comes
 * first. The walk runs on an exact clock in (fractional) microseconds,
 * m->arrival_clock, so that rounding never feeds back into the process:
 * at 10^9 events/s many arrivals share one microsecond. The engine time
 * is that clock rounded down.
 */
static lagsim_time_t next_arrival(lsi_model_t *m)
{
    double need = gsl_ran_exponential(m->rng[LSI_RNG_ARRIVALS], 1.0);
    double t = m->arrival_clock;
    while (m->piece < m->n_pieces) {
        const lsi_rate_piece_t *p = &m->pieces[m->piece];
        const double end = (double)m->pieces[m->piece + 1].start;
        if (t < (double)p->start)
            t = (double)p->start;
        const double have = p->rate * (end - t) / LAGSIM_SEC;
        if (p->rate > 0 && have >= need) {
            const double at = t + need / p->rate * LAGSIM_SEC;
            m->arrival_clock = at < end ? at : end;
            const lagsim_time_t us = (lagsim_time_t)floor(m->arrival_clock);
            return us < m->pieces[m->piece + 1].start ? us : m->pieces[m->piece + 1].start - 1;
        }
        need -= have;
        m->piece++;
        t = end;
    }
    return LAGSIM_TIME_MAX;
}

static void on_arrival(lagsim_sim_t *sim, void *ctx, uint64_t arg);

/*
 * Sampling policy: counts this arrival into per-second slots, and when the
 * rate offered over the trailing window passes the threshold, keeps an
 * event of a sampled priority with probability `keep`. The draw is made
 * only then, on the policy's own stream.
 */
static int sampled_out(lsi_model_t *m, lagsim_time_t now, size_t type)
{
    const lagsim_scenario_t *sc = m->sc;
    const int64_t second = now / LAGSIM_SEC;
    int64_t slots = sc->sampling.window / LAGSIM_SEC;
    if (slots < 1)
        slots = 1;
    if (slots > LSI_RATE_SLOTS)
        slots = LSI_RATE_SLOTS;
    if (second - m->rate_second >= slots) { /* the whole window is new */
        memset(m->rate_slot, 0, sizeof m->rate_slot);
        m->rate_sum = 0;
        m->rate_second = second;
    }
    while (m->rate_second < second) { /* slot i held second rate_second - slots */
        m->rate_second++;
        const size_t i = (size_t)(m->rate_second % slots);
        m->rate_sum -= m->rate_slot[i];
        m->rate_slot[i] = 0;
    }
    m->rate_slot[second % slots]++;
    m->rate_sum++;
    const double offered = (double)m->rate_sum / (double)slots;
    if (offered <= sc->sampling.threshold ||
        sc->event_types[type].priority > sc->sampling.max_priority)
        return 0;
    return gsl_rng_uniform(m->rng[LSI_RNG_SAMPLING]) >= sc->sampling.keep;
}

static void schedule_next(lsi_model_t *m)
{
    const lagsim_time_t at = next_arrival(m);
    if (at >= m->sc->horizon)
        return;
    if (lagsim_sim_schedule(m->sim, at, on_arrival, m, 0) != LAGSIM_OK)
        lsi_fail(m);
}

static void on_arrival(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    lsi_model_t *m = ctx;
    const lagsim_scenario_t *sc = m->sc;
    const lagsim_time_t now = lagsim_sim_now(sim);

    const size_t type = gsl_ran_discrete(m->rng[LSI_RNG_EVENT_TYPE], m->type_table);
    const uint64_t user = (uint64_t)(gsl_rng_uniform(m->rng[LSI_RNG_USER]) * (double)sc->users);
    double bytes = lagsim_dist_sample(&sc->event_types[type].payload_bytes, m->rng[LSI_RNG_PAYLOAD]);
    const double u_id = gsl_rng_uniform(m->rng[LSI_RNG_IDENTITY]);
    const unsigned id_kind = u_id < sc->new_user_share                     ? LSI_ID_NEW
                             : u_id < sc->new_user_share + sc->merge_share ? LSI_ID_MERGE
                                                                           : LSI_ID_KNOWN;

    const uint32_t id = lsi_event_alloc(&m->pool);
    if (id == LSI_NIL) {
        lsi_fail(m);
        return;
    }
    lsi_event_t *e = &m->pool.ev[id];
    e->fired_at = now;
    e->sent_at = LSI_UNSENT;
    e->resent_at = 0;
    e->seg_at = 0;
    e->stage_at = now;
    e->bytes = bytes < 1 ? 1u : bytes >= 4e9 ? 4000000000u : (uint32_t)bytes;
    e->type = (uint16_t)type;
    e->flags = (uint8_t)id_kind;
    e->path = (uint8_t)(m->mode == LAGSIM_MODE_HYBRID ? sc->event_types[type].route : m->mode);

    lagsim_result_t *out = m->out;
    out->fired++;
    if (m->pool.ev_live > out->backlog_peak) {
        out->backlog_peak = m->pool.ev_live;
        out->backlog_peak_at = now;
    }
    if (m->trace)
        lsi_trace_fired(m, id, user < sc->users ? user : sc->users - 1);
    if (sc->sampling.threshold > 0 && sampled_out(m, now, type))
        lsi_drop(m, id, LAGSIM_DROP_SAMPLED);
    else
        lsi_client_accept(m, user < sc->users ? user : sc->users - 1, id);
    schedule_next(m);
}

void lsi_workload_start(lsi_model_t *m)
{
    m->piece = 0;
    m->arrival_clock = 0;
    schedule_next(m);
}
