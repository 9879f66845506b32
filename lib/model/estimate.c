/*
 * estimate.c - back-of-envelope figures computed from the scenario alone,
 * before anything runs: how many events it fires, and how large a backlog
 * its bursts build against Mixpanel's limit (a fluid model). The CLI uses
 * them to refuse scenarios too large for --max-events or --max-memory.
 */
#include "model/model_internal.h"

double lagsim_scenario_expected_events(const lagsim_scenario_t *sc)
{
    lsi_rate_piece_t pieces[2 * LAGSIM_MAX_BURSTS + 2];
    const unsigned n = lsi_rate_pieces(sc, pieces);
    double total = 0;
    for (unsigned i = 0; i < n; i++)
        total += pieces[i].rate * (double)(pieces[i + 1].start - pieces[i].start) / LAGSIM_SEC;
    return total;
}

/* Events per second Mixpanel accepts: the tighter of its two limits. */
static double capacity(const lagsim_scenario_t *sc)
{
    double mean_bytes = 0;
    for (unsigned i = 0; i < sc->n_event_types; i++)
        mean_bytes += sc->event_types[i].share * lagsim_dist_mean(&sc->event_types[i].payload_bytes);
    double cap = -1;
    if (sc->mixpanel.ingest_limit > 0)
        cap = sc->mixpanel.ingest_limit;
    if (sc->mixpanel.ingest_limit_bytes > 0 && mean_bytes > 0) {
        const double by_bytes = sc->mixpanel.ingest_limit_bytes / mean_bytes;
        if (cap < 0 || by_bytes < cap)
            cap = by_bytes;
    }
    return cap;
}

double lagsim_scenario_backlog_estimate(const lagsim_scenario_t *sc, lagsim_time_t *at)
{
    lsi_rate_piece_t pieces[2 * LAGSIM_MAX_BURSTS + 2];
    const unsigned n = lsi_rate_pieces(sc, pieces);
    const double cap = capacity(sc);
    double backlog = 0, peak = 0;
    lagsim_time_t peak_at = 0;
    if (cap < 0) {
        if (at)
            *at = 0;
        return 0;
    }
    for (unsigned i = 0; i < n; i++) {
        const double span = (double)(pieces[i + 1].start - pieces[i].start) / LAGSIM_SEC;
        backlog += (pieces[i].rate - cap) * span;
        if (backlog < 0)
            backlog = 0;
        if (backlog > peak) {
            peak = backlog;
            peak_at = pieces[i + 1].start;
        }
    }
    if (at)
        *at = peak_at;
    return peak;
}

size_t lagsim_state_bytes_per_event(void)
{
    /* The event record, plus its share of batch records and of the engine
     * and client state that hold it (measured: about 8 bytes). */
    return sizeof(lsi_event_t) + 8;
}
