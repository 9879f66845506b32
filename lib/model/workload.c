/*
 * workload.c - what the product fires: the arrivals, and for each event
 * its type, user, payload size and identity.
 *
 * Two sources fire events, each with its own pending engine event:
 *
 *  - a Poisson process whose rate is the piecewise-linear function of
 *    traffic.c (base rate, daily profile, bursts, ramps, scale), times
 *    the multiplier of a two-state Markov chain when an MMPP is set; its
 *    next arrival sits in the engine's source slot
 *    (lagsim_sim_source_arm()), which runs it in the very place a
 *    scheduled event would run, without a trip through the queue;
 *  - replayed rows, streamed one at a time from sc->replay.source (the
 *    config layer's CSV reader, lib/config/replay.c), each scheduled as
 *    an ordinary engine event.
 *
 * Poisson arrivals are drawn exactly by inversion: draw E ~ Exp(1) and
 * walk the pieces (cut further at the chain's switches) until the
 * integrated rate reaches E. On a piece with rate r0 at its start and
 * slope k, the integral over x seconds is r0 x + k x^2 / 2; the root of
 * r0 x + k x^2 / 2 = E is taken in the form x = 2E / (r0 + sqrt(r0^2 +
 * 2kE)), which has no cancellation when k is small or zero (the usual
 * (-r0 + sqrt(...)) / k form loses every digit as k -> 0). A constant
 * piece uses E / r0 directly, as before ramps existed, so scenarios
 * without them draw the very same arrivals.
 *
 * Every draw comes from the workload's own streams in a fixed order (the
 * chain's switches from LSI_RNG_MMPP), so all modes see the same events
 * (common random numbers). A replayed row's event type and user replace
 * the draws of those two streams; its payload and identity are drawn as
 * usual.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "model/model_internal.h"

int lsi_workload_init(lsi_model_t *m)
{
    const lagsim_scenario_t *sc = m->sc;
    if (lsi_arrivals_init(&m->arrivals, sc, m->rng[LSI_RNG_ARRIVALS], m->rng[LSI_RNG_MMPP]) !=
        LAGSIM_OK)
        return LAGSIM_ENOMEM;
    if (sc->replay.file[0]) {
        if (!sc->replay.source)
            return LAGSIM_EINVAL; /* no reader attached: lagsim_replay_scan() was not called */
        int rc = LAGSIM_EIO;
        m->replay = sc->replay.source->open(sc, &rc);
        if (!m->replay)
            return rc;
    }

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
    lsi_arrivals_free(&m->arrivals);
    if (m->replay)
        m->sc->replay.source->close(m->replay);
    m->replay = NULL;
}

/* The chain leaves its state; the sojourn in the new one is exponential. */
static void mmpp_switch(lsi_arrivals_t *a)
{
    a->mmpp_state = !a->mmpp_state;
    a->mmpp_until += gsl_ran_exponential(a->mmpp_rng, a->mmpp_mean[a->mmpp_state]);
    a->mmpp_switches++;
}

int lsi_arrivals_init(lsi_arrivals_t *a, const lagsim_scenario_t *sc, gsl_rng *arrivals,
                      gsl_rng *mmpp)
{
    memset(a, 0, sizeof *a);
    a->pieces = lsi_rate_pieces_create(sc, &a->n_pieces);
    if (!a->pieces)
        return LAGSIM_ENOMEM;
    a->rng = arrivals;
    a->mmpp_rng = mmpp;
    a->mmpp_on = sc->mmpp_high_mean > 0 && sc->mmpp_low_mean > 0;
    if (a->mmpp_on) {
        a->mmpp_factor[0] = sc->mmpp_low;
        a->mmpp_factor[1] = sc->mmpp_high;
        a->mmpp_mean[0] = (double)sc->mmpp_low_mean;
        a->mmpp_mean[1] = (double)sc->mmpp_high_mean;
        /* Stationary start: high with probability high_mean / (high_mean +
         * low_mean); by memorylessness the first sojourn is a full one. */
        const double p_high = a->mmpp_mean[1] / (a->mmpp_mean[0] + a->mmpp_mean[1]);
        a->mmpp_state = !(gsl_rng_uniform(mmpp) < p_high);
        mmpp_switch(a);
        a->mmpp_switches = 0;
    }
    return LAGSIM_OK;
}

void lsi_arrivals_free(lsi_arrivals_t *a)
{
    free(a->pieces);
    a->pieces = NULL;
}

/*
 * Time of the next arrival, or LAGSIM_TIME_MAX when the horizon comes
 * first. The walk runs on an exact clock in (fractional) microseconds,
 * a->clock, so that rounding never feeds back into the process: at 10^9
 * events/s many arrivals share one microsecond. The engine time is that
 * clock rounded down.
 */
lagsim_time_t lsi_arrivals_next(lsi_arrivals_t *a)
{
    double need = gsl_ran_exponential(a->rng, 1.0);
    double t = a->clock;
    while (a->piece < a->n_pieces) {
        const lsi_rate_piece_t *p = &a->pieces[a->piece];
        const lagsim_time_t next_start = a->pieces[a->piece + 1].start;
        const double end = (double)next_start;
        if (t < (double)p->start)
            t = (double)p->start;
        double seg_end = end, f = 1.0;
        if (a->mmpp_on) {
            while (a->mmpp_until <= t)
                mmpp_switch(a);
            if (a->mmpp_until < seg_end)
                seg_end = a->mmpp_until;
            f = a->mmpp_factor[a->mmpp_state];
        }
        double have, at = -1;
        if (p->slope == 0) {
            const double rate = p->rate * f;
            have = rate * (seg_end - t) / LAGSIM_SEC;
            if (rate > 0 && have >= need)
                at = t + need / rate * LAGSIM_SEC;
        } else {
            double r0 = p->rate + p->slope * ((t - (double)p->start) / LAGSIM_SEC);
            r0 = r0 > 0 ? r0 : 0;
            const double len = (seg_end - t) / LAGSIM_SEC;
            have = f * (r0 + 0.5 * p->slope * len) * len;
            have = have > 0 ? have : 0;
            if (f > 0 && have > 0 && have >= need) {
                const double c = need / f;
                const double disc = r0 * r0 + 2 * p->slope * c;
                const double den = r0 + sqrt(disc > 0 ? disc : 0);
                at = t + (c > 0 && den > 0 ? 2 * c / den : 0) * LAGSIM_SEC;
            }
        }
        if (at >= 0) {
            a->clock = at < seg_end ? at : seg_end;
            const lagsim_time_t us = (lagsim_time_t)floor(a->clock);
            return us < next_start ? us : next_start - 1;
        }
        need -= have;
        t = seg_end;
        if (seg_end >= end)
            a->piece++;
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
    const lagsim_time_t at = lsi_arrivals_next(&m->arrivals);
    if (at >= m->sc->horizon)
        return;
    lagsim_sim_source_arm(m->sim, at, on_arrival, m, 0);
}

/* Fires one event now: type and user given (>= 0) or drawn, then its
 * payload and identity, and hands it to the user's SDK. */
static void fire(lsi_model_t *m, int given_type, int has_user, uint64_t given_user)
{
    const lagsim_scenario_t *sc = m->sc;
    const lagsim_time_t now = lagsim_sim_now(m->sim);

    const size_t type = given_type >= 0 ? (size_t)given_type
                                        : gsl_ran_discrete(m->rng[LSI_RNG_EVENT_TYPE], m->type_table);
    const uint64_t user =
        has_user ? given_user
                 : (uint64_t)(gsl_rng_uniform(m->rng[LSI_RNG_USER]) * (double)sc->users);
    /* The device's table entry loads while the event is drawn and made. */
    lsi_clients_prefetch(&m->clients, user < sc->users ? user : sc->users - 1,
                        m->mode == LAGSIM_MODE_HYBRID ? (unsigned)sc->event_types[type].route
                                                      : (unsigned)m->mode);
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
    e->dest_sent_at = LSI_UNSENT;
    e->bytes = bytes < 1 ? 1u : bytes >= 4e9 ? 4000000000u : (uint32_t)bytes;
    e->type = (uint16_t)type;
    e->flags = (uint8_t)id_kind;
    e->path = (uint8_t)(m->mode == LAGSIM_MODE_HYBRID ? sc->event_types[type].route : m->mode);

    lsi_ledger_fired(m, id, user < sc->users ? user : sc->users - 1);
    if (sc->sampling.threshold > 0 && sampled_out(m, now, type))
        lsi_drop(m, id, LAGSIM_DROP_SAMPLED);
    else
        lsi_client_accept(m, user < sc->users ? user : sc->users - 1, id);
}

static void on_arrival(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    lsi_model_t *m = ctx;
    fire(m, -1, 0, 0);
    if (!m->failed)
        schedule_next(m);
}

static void on_replay(lagsim_sim_t *sim, void *ctx, uint64_t arg);

/* Schedules the next replayed row, if any. */
static void schedule_replay(lsi_model_t *m)
{
    if (!m->sc->replay.source->next(m->replay, &m->replay_row))
        return;
    if (lagsim_sim_schedule(m->sim, m->replay_row.at, on_replay, m, 0) != LAGSIM_OK)
        lsi_fail(m);
}

static void on_replay(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    (void)arg;
    lsi_model_t *m = ctx;
    const lagsim_replay_row_t row = m->replay_row;
    fire(m, row.type, row.has_user, row.user);
    if (!m->failed)
        schedule_replay(m);
}

void lsi_workload_start(lsi_model_t *m)
{
    schedule_next(m);
    if (m->replay)
        schedule_replay(m);
}
