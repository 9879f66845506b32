/*
 * estimate.c - back-of-envelope figures computed from the scenario alone,
 * before anything runs: how many events it fires, and how large a backlog
 * its bursts build against Mixpanel's limit (a fluid model). The CLI uses
 * them to refuse scenarios too large for --max-events or --max-memory.
 *
 * The Poisson rate comes from traffic.c (linear pieces). An MMPP enters
 * at its stationary mean rate: the expected count is exact, but the fluid
 * backlog ignores the chain's randomness (a long high sojourn above the
 * limit builds more than the mean rate shows). A replay enters with the
 * rows lagsim_replay_scan() counted: all of them in the count, and as a
 * rate constant over each 1/LAGSIM_REPLAY_BINS of the horizon in the
 * backlog.
 *
 * The backlog's drain rate is the tightest limit on the way (Mixpanel's,
 * and in Cloud-mode Segment's inbound limit and its destination's
 * requests in flight), times the share of requests that succeed, and 0
 * during Mixpanel's outages. Events on their way are estimated by
 * Little's law: the peak rate times the shortest mean stay before
 * Mixpanel accepts them (network trips and Segment's processing).
 */
#include <math.h>
#include <stdlib.h>

#include "lagsim/analysis.h"
#include "model/model_internal.h"

double lagsim_scenario_expected_events(const lagsim_scenario_t *sc)
{
    unsigned n;
    lsi_rate_piece_t *pieces = lsi_rate_pieces_create(sc, &n);
    if (!pieces)
        return HUGE_VAL; /* cannot tell: refuse rather than guess low */
    double total = 0;
    for (unsigned i = 0; i < n; i++) {
        const double span = (double)(pieces[i + 1].start - pieces[i].start) / LAGSIM_SEC;
        total += (pieces[i].rate + 0.5 * pieces[i].slope * span) * span;
    }
    free(pieces);
    return total * lsi_mmpp_mean_factor(sc) + (double)sc->replay.fired;
}

/* Width of one replay bin, us (the scan uses the same). */
static lagsim_time_t bin_width(const lagsim_scenario_t *sc)
{
    return (sc->horizon + LAGSIM_REPLAY_BINS - 1) / LAGSIM_REPLAY_BINS;
}

/*
 * Fluid backlog over [a, b) seconds long `span`, where the offered rate
 * goes linearly from r to r + k * span: grows where the rate is above
 * cap, drains (not below 0) where it is below. The rate crosses cap at
 * most once, so the segment is cut there and each part is monotone.
 */
static void fluid(double *backlog, double *peak, lagsim_time_t *peak_at, lagsim_time_t a,
                  double span, double r, double k, double cap)
{
    double cut = span;
    if (k != 0) {
        const double x = (cap - r) / k;
        if (x > 0 && x < span)
            cut = x;
    }
    const double parts[2][2] = {{0, cut}, {cut, span}};
    for (int i = 0; i < 2; i++) {
        const double x0 = parts[i][0], x1 = parts[i][1];
        if (x1 <= x0)
            continue;
        const double mid = r + k * (x0 + x1) / 2;
        *backlog += (mid - cap) * (x1 - x0);
        if (*backlog < 0)
            *backlog = 0;
        if (*backlog > *peak) {
            *peak = *backlog;
            *peak_at = a + (lagsim_time_t)(x1 * LAGSIM_SEC);
        }
    }
}

/*
 * The rate at which the pipeline takes events out of memory, events/s,
 * outside outages; HUGE_VAL for no limit. The tightest of Mixpanel's
 * limits, and with Cloud-mode selected Segment's inbound limit and its
 * destination's throughput (max_in_flight requests of batch_size events,
 * each taking a mean round trip plus Mixpanel's mean answer), all times
 * the share of requests that succeed (1 - failure_rate).
 */
static double drain_capacity(const lagsim_scenario_t *sc)
{
    double cap = lagsim_theory_capacity(sc);
    if (cap < 0)
        cap = HUGE_VAL;
    if (sc->mode_mask & (1u << LAGSIM_MODE_CLOUD)) {
        if (sc->segment.inbound_limit > 0 && sc->segment.inbound_limit < cap)
            cap = sc->segment.inbound_limit;
        const double trip = lagsim_dist_mean(&sc->network.server_rtt) +
                            lagsim_dist_mean(&sc->mixpanel.response_time);
        if (trip > 0) {
            const double seg = (double)sc->segment.max_in_flight * sc->segment.batch_size / trip;
            if (seg < cap)
                cap = seg;
        }
    }
    return cap * (1 - sc->mixpanel.failure_rate);
}

/* 1 if Mixpanel is in an outage at t; *next is the next outage edge after t. */
static int in_outage(const lagsim_scenario_t *sc, lagsim_time_t t, lagsim_time_t *next)
{
    int in = 0;
    for (unsigned i = 0; i < sc->mixpanel.n_outages; i++) {
        const lagsim_outage_t *o = &sc->mixpanel.outages[i];
        const lagsim_time_t end = o->start + o->duration;
        if (t >= o->start && t < end)
            in = 1;
        if (o->start > t && o->start < *next)
            *next = o->start;
        if (end > t && end < *next)
            *next = end;
    }
    return in;
}

/* The fluid walk against Mixpanel's limits alone (whole = 0) or against
 * everything that holds events back (whole = 1: drain_capacity() and the
 * outages). */
static double backlog_walk(const lagsim_scenario_t *sc, int whole, lagsim_time_t *at)
{
    double cap = whole ? drain_capacity(sc) : lagsim_theory_capacity(sc);
    if (cap < 0)
        cap = HUGE_VAL;
    double backlog = 0, peak = 0;
    lagsim_time_t peak_at = 0;
    unsigned n;
    const int limited = cap < HUGE_VAL || (whole && sc->mixpanel.n_outages > 0);
    lsi_rate_piece_t *pieces = limited ? lsi_rate_pieces_create(sc, &n) : NULL;
    if (!pieces) {
        if (at)
            *at = 0;
        return limited ? HUGE_VAL : 0;
    }
    const double mean = lsi_mmpp_mean_factor(sc);
    const lagsim_time_t w = bin_width(sc);
    const int replay = sc->replay.file[0] && sc->replay.fired > 0;
    /* Walk the union of the pieces' starts, the replay's bin edges and the
     * outages' edges. */
    lagsim_time_t t = 0;
    unsigned i = 0;
    while (t < sc->horizon && i < n) {
        while (i + 1 < n && pieces[i + 1].start <= t)
            i++;
        lagsim_time_t end = pieces[i + 1].start;
        const int out = whole && in_outage(sc, t, &end);
        double extra = 0;
        if (replay) {
            const int64_t b = t / w;
            const lagsim_time_t edge = (b + 1) * w;
            if (edge < end)
                end = edge;
            extra = (double)sc->replay.bins[b < LAGSIM_REPLAY_BINS ? b : LAGSIM_REPLAY_BINS - 1] /
                    ((double)w / LAGSIM_SEC);
        }
        const double x = (double)(t - pieces[i].start) / LAGSIM_SEC;
        const double r = (pieces[i].rate + pieces[i].slope * x) * mean + extra;
        fluid(&backlog, &peak, &peak_at, t, (double)(end - t) / LAGSIM_SEC, r,
              pieces[i].slope * mean, out ? 0 : cap);
        t = end;
        if (t >= pieces[i + 1].start)
            i++;
    }
    free(pieces);
    if (at)
        *at = peak_at;
    return peak;
}

double lagsim_scenario_backlog_estimate(const lagsim_scenario_t *sc, lagsim_time_t *at)
{
    return backlog_walk(sc, 0, at);
}

double lagsim_scenario_backlog_bound(const lagsim_scenario_t *sc, lagsim_time_t *at)
{
    return backlog_walk(sc, 1, at);
}

double lagsim_scenario_in_flight_estimate(const lagsim_scenario_t *sc)
{
    /* The shortest mean stay in memory: until Mixpanel accepts the event,
     * the wait in the device's queue and one trip (device), plus Segment's
     * processing and a trip on (cloud); the longest of the selected modes. */
    const double client = lagsim_dist_mean(&sc->network.client_rtt) / 2;
    double hold = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sc->mode_mask & (1u << m)))
            continue;
        const double batching = lagsim_theory_client_batching(sc, (enum lagsim_mode)m);
        double h = client + (batching > 0 ? batching : 0);
        if (m != LAGSIM_MODE_DEVICE)
            h += lagsim_dist_mean(&sc->segment.processing) +
                 lagsim_dist_mean(&sc->network.server_rtt) / 2;
        if (!(h <= hold)) /* NaN (an infinite mean) taken as the longest */
            hold = h;
    }
    unsigned n;
    lsi_rate_piece_t *pieces = lsi_rate_pieces_create(sc, &n);
    if (!pieces)
        return HUGE_VAL;
    double peak = 0;
    for (unsigned i = 0; i < n; i++) {
        const double span = (double)(pieces[i + 1].start - pieces[i].start) / LAGSIM_SEC;
        const double r = pieces[i].rate + (pieces[i].slope > 0 ? pieces[i].slope * span : 0);
        if (r > peak)
            peak = r;
    }
    free(pieces);
    peak *= lsi_mmpp_mean_factor(sc);
    const double total = lagsim_scenario_expected_events(sc);
    const double held = peak * hold;
    return held < total ? held : total; /* NaN (no rate, infinite hold) -> total */
}

size_t lagsim_state_bytes_per_event(void)
{
    /* The event record, plus its share of batch records and of the engine
     * and client state that hold it (measured: about 8 bytes). */
    return sizeof(lsi_event_t) + 8;
}

double lagsim_scenario_peak_utilisation(const lagsim_scenario_t *sc)
{
    const double cap = lagsim_theory_capacity(sc);
    if (!(cap > 0))
        return NAN;
    unsigned n;
    lsi_rate_piece_t *pieces = lsi_rate_pieces_create(sc, &n);
    if (!pieces)
        return NAN;
    const double mean = lsi_mmpp_mean_factor(sc);
    double peak = 0;
    for (unsigned i = 0; i < n; i++) {
        /* A piece is linear: its largest rate is at one of its ends. */
        const double span = (double)(pieces[i + 1].start - pieces[i].start) / LAGSIM_SEC;
        const double a = pieces[i].rate, b = pieces[i].rate + pieces[i].slope * span;
        const double r = (a > b ? a : b) * mean;
        if (r > peak)
            peak = r;
    }
    free(pieces);
    if (sc->replay.file[0] && sc->replay.fired > 0) {
        const double w = (double)bin_width(sc) / LAGSIM_SEC;
        for (int b = 0; b < LAGSIM_REPLAY_BINS; b++)
            if ((double)sc->replay.bins[b] / w > peak)
                peak = (double)sc->replay.bins[b] / w; /* a lower bound with both */
    }
    return peak / cap;
}
