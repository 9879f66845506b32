/*
 * theory.c - back-of-envelope answers beside the simulated ones
 * (lagsim_theory_* in model.h).
 *
 * Central idea: for each stage with a closed form, compute the answer
 * from the scenario alone, under the assumptions a person would make on
 * paper (Poisson arrivals, timers at random phases, a fluid backlog, no
 * retries), and put it beside the simulated figure with a tolerance. When
 * the two agree, the note says what the formula is, so the reader learns
 * where the time goes; when they do not, the note lists the assumptions
 * this scenario and this run break (jitter, retries, serial senders, a
 * backlog in the queue, sessions, ...). A disagreement that none of them
 * explains points at a bug in the model: that is the other use of this
 * file.
 *
 * The hop figures are means over visible events, as the run's latency
 * breakdown is: clients are weighted by their shares of users less the
 * share an ad blocker stops, and the arrival rate piece by piece by the
 * events each piece fires. Nothing here allocates.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/analysis.h"
#include "model/model_internal.h"

#define TOLERANCE 0.10  /* relative difference still counted as agreeing */
#define SLACK_S 0.05    /* and an absolute one for durations, seconds */

static double seconds(lagsim_time_t us)
{
    return (double)us / LAGSIM_SEC;
}

/* Mean payload of the event types, weighted by share; only those routed
 * on `path` in hybrid mode if path >= 0. */
static double mean_bytes(const lagsim_scenario_t *sc, int path)
{
    double sum = 0, weight = 0;
    for (unsigned i = 0; i < sc->n_event_types; i++) {
        const lagsim_event_type_t *t = &sc->event_types[i];
        if (path >= 0 && (int)t->route != path)
            continue;
        sum += t->share * lagsim_dist_mean(&t->payload_bytes);
        weight += t->share;
    }
    return weight > 0 ? sum / weight : 0;
}

double lagsim_theory_capacity(const lagsim_scenario_t *sc)
{
    const double bytes = mean_bytes(sc, -1);
    double cap = -1;
    if (sc->mixpanel.ingest_limit > 0)
        cap = sc->mixpanel.ingest_limit;
    if (sc->mixpanel.ingest_limit_bytes > 0 && bytes > 0) {
        const double by_bytes = sc->mixpanel.ingest_limit_bytes / bytes;
        if (cap < 0 || by_bytes < cap)
            cap = by_bytes;
    }
    return cap;
}

double lagsim_theory_batch_wait(double rate, double batch, double wait)
{
    if (batch <= 1 || !(wait > 0))
        return 0;
    if (!(rate > 0))
        return wait; /* every event alone in its window */
    const double fill = (batch - 1) / rate;
    const double window = fill < wait ? fill : wait;
    const double others = rate * window;
    return (window + others * window / 2) / (1 + others);
}

/*
 * Given N arrivals in one tick interval T (uniform order statistics, the
 * k-th expected at kT/(N+1)), the first c = floor(N/n) groups of n leave
 * as their n-th arrives, each group waiting n(n-1)/2 * T/(N+1) in all,
 * and the r = N - cn left wait for the tick, r(r+1)/2 * T/(N+1) in all.
 * The mean wait is the expectation over N ~ Poisson(mu = rate T) divided
 * by mu, summed over the N that matter (mu +- 12 sqrt(mu)).
 */
/*
 * A PER_BATCH timer (renewal-reward over batches): a batch opens with an
 * event at 0 and closes at T = the interval, or when its n-th event
 * arrives (the (n-1)-th after the first, at S ~ Gamma(n - 1, rate)),
 * whichever comes first. With K ~ Poisson(mu = rate T) arrivals after the
 * first in [0, T]: for K <= n - 2 the batch holds 1 + K events waiting
 * T + K T / 2 in all; otherwise n events, waiting n S / 2 in expectation
 * given S, and E[S; S <= T] = (n - 1) / rate * P(K >= n). The mean wait is
 * E[total wait] / E[events].
 */
static double per_batch_wait(double interval, double n, double rate)
{
    const double mu = rate * interval;
    if (!(mu > 0))
        return interval;
    if (n == 0) /* no size trigger */
        return interval * (1 + mu / 2) / (1 + mu);
    double total = 0, events = 0, below = 0; /* below: P(K <= n - 1) so far */
    for (double k = 0; k <= n - 1; k++) {
        const double p = exp(k * log(mu) - mu - lgamma(k + 1));
        if (k <= n - 2) {
            total += p * (interval + k * interval / 2);
            events += p * (1 + k);
        }
        below += p;
    }
    const double at_least_n1 = 1 - (below - exp((n - 1) * log(mu) - mu - lgamma(n)));
    const double at_least_n = below < 1 ? 1 - below : 0;
    total += n / 2 * (n - 1) / rate * at_least_n;
    events += n * at_least_n1;
    return events > 0 ? total / events : interval;
}

double lagsim_theory_flush_wait(const lagsim_sdk_t *sdk, double device_rate)
{
    const double interval = seconds(sdk->flush_interval);
    if (interval <= 0 || sdk->flush_at == 1)
        return 0;
    if (sdk->flush_timer == LAGSIM_TIMER_PER_BATCH)
        return per_batch_wait(interval, sdk->flush_at, device_rate);
    const double mu = device_rate * interval, n = sdk->flush_at;
    const double lo = floor(mu - 12 * sqrt(mu) - 1), hi = ceil(mu + 12 * sqrt(mu) + 1);
    if (sdk->flush_at == 0 || !(mu > 0) || n > hi)
        return interval / 2; /* the timer alone */
    if (mu > 1e4) {           /* groups fill long before the tick */
        const double fill = (n - 1) / (2 * device_rate);
        return fill < interval / 2 ? fill : interval / 2;
    }
    double total = 0;
    for (double k = lo > 1 ? lo : 1; k <= hi; k++) {
        const double p = exp(k * log(mu) - mu - lgamma(k + 1));
        const double c = floor(k / n), r = k - c * n;
        total += p * interval / (k + 1) * (c * n * (n - 1) / 2 + r * (r + 1) / 2);
    }
    return total / mu;
}

/* Share of the events a run in `mode` sends on `path`. */
static double path_share(const lagsim_scenario_t *sc, enum lagsim_mode mode, enum lagsim_mode path)
{
    if (mode != LAGSIM_MODE_HYBRID)
        return mode == path ? 1.0 : 0.0;
    double share = 0;
    for (unsigned i = 0; i < sc->n_event_types; i++)
        if (sc->event_types[i].route == path)
            share += sc->event_types[i].share;
    return share;
}

/* Share of a client's users whose events get past their ad blocker on
 * the way to `to` (Segment's or Mixpanel's host). */
static double unblocked(const lagsim_client_t *c, enum lagsim_endpoint to)
{
    return c->adblock[to] > 0 && !c->proxy[to] ? 1.0 - c->adblock[to] : 1.0;
}

/*
 * The arrival rate as constant pieces: each linear piece (a ramp) at its
 * mean rate, times the MMPP's mean multiplier - the formulas below take a
 * rate that holds over a piece. Allocated; NULL if out of memory.
 */
static lsi_rate_piece_t *mean_pieces(const lagsim_scenario_t *sc, unsigned *n)
{
    lsi_rate_piece_t *p = lsi_rate_pieces_create(sc, n);
    if (!p)
        return NULL;
    const double mmpp = lsi_mmpp_mean_factor(sc);
    for (unsigned i = 0; i < *n; i++) {
        const double span = (double)(p[i + 1].start - p[i].start) / LAGSIM_SEC;
        p[i].rate = (p[i].rate + 0.5 * p[i].slope * span) * mmpp;
        p[i].slope = 0;
    }
    return p;
}

double lagsim_theory_client_batching(const lagsim_scenario_t *sc, enum lagsim_mode mode)
{
    unsigned n;
    lsi_rate_piece_t *pieces = mean_pieces(sc, &n);
    if (!pieces)
        return NAN;
    double sum = 0, weight = 0;
    for (unsigned c = 0; c < sc->n_clients; c++) {
        const lagsim_client_t *cl = &sc->clients[c];
        for (int p = LAGSIM_MODE_CLOUD; p <= LAGSIM_MODE_DEVICE; p++) {
            const double share = path_share(sc, mode, (enum lagsim_mode)p);
            const double w = cl->share * unblocked(cl, cl->sdk[p].endpoint) * share;
            for (unsigned i = 0; i < n && w > 0; i++) {
                const double events =
                    pieces[i].rate * seconds(pieces[i + 1].start - pieces[i].start);
                const double per_device = pieces[i].rate * share / (double)sc->users;
                sum += w * events * lagsim_theory_flush_wait(&cl->sdk[p], per_device);
                weight += w * events;
            }
        }
    }
    free(pieces);
    return weight > 0 ? sum / weight : NAN;
}

double lagsim_theory_segment_batching(const lagsim_scenario_t *sc, enum lagsim_mode mode)
{
    const double cloud = path_share(sc, mode, LAGSIM_MODE_CLOUD);
    if (cloud <= 0)
        return NAN;
    double passed = 0; /* share of all events that reach Segment */
    for (unsigned c = 0; c < sc->n_clients; c++)
        passed += sc->clients[c].share *
                  unblocked(&sc->clients[c], sc->clients[c].sdk[LAGSIM_MODE_CLOUD].endpoint) * cloud;
    const double bytes = mean_bytes(sc, mode == LAGSIM_MODE_HYBRID ? LAGSIM_MODE_CLOUD : -1);
    double batch = sc->segment.batch_size;
    if (bytes > 0 && (double)sc->segment.batch_bytes / bytes < batch)
        batch = (double)sc->segment.batch_bytes / bytes;

    unsigned n;
    lsi_rate_piece_t *pieces = mean_pieces(sc, &n);
    if (!pieces)
        return NAN;
    double sum = 0, weight = 0;
    for (unsigned i = 0; i < n; i++) {
        const double rate = pieces[i].rate * passed;
        const double events = rate * seconds(pieces[i + 1].start - pieces[i].start);
        sum += events * lagsim_theory_batch_wait(rate, batch, seconds(sc->segment.batch_wait));
        weight += events;
    }
    free(pieces);
    /* A mean over every visible event: those sent device-mode (hybrid)
     * spend nothing at Segment. */
    return weight > 0 ? cloud * sum / weight : NAN;
}

double lagsim_theory_ingest(const lagsim_scenario_t *sc)
{
    double sum = 0;
    for (unsigned i = 0; i < sc->n_event_types; i++) {
        const lagsim_event_type_t *t = &sc->event_types[i];
        sum += t->share * (seconds(sc->mixpanel.ingest_per_kb) *
                               lagsim_dist_mean(&t->payload_bytes) / 1000 +
                           seconds(sc->mixpanel.ingest_per_depth) * t->nesting_depth);
    }
    return lagsim_dist_mean(&sc->mixpanel.ingest_delay) + sum;
}

double lagsim_theory_identity(const lagsim_scenario_t *sc)
{
    const double known = 1.0 - sc->new_user_share - sc->merge_share;
    return (known > 0 ? known : 0) * lagsim_dist_mean(&sc->mixpanel.idres_known) +
           sc->new_user_share * lagsim_dist_mean(&sc->mixpanel.idres_new) +
           sc->merge_share * lagsim_dist_mean(&sc->mixpanel.idres_merge);
}

double lagsim_theory_indexing(const lagsim_scenario_t *sc)
{
    return seconds(sc->mixpanel.index_interval) / 2 + lagsim_dist_mean(&sc->mixpanel.index_delay);
}

static double drain_walk(const lagsim_scenario_t *sc, const lsi_rate_piece_t *pieces,
                         unsigned n, double fraction)
{
    const double cap = lagsim_theory_capacity(sc);
    if (!(cap > 0))
        return NAN;
    /* The fluid walk of lagsim_scenario_backlog_estimate(), to the peak. */
    double backlog = 0, peak = 0;
    unsigned after = 0; /* first piece after the peak */
    for (unsigned i = 0; i < n; i++) {
        backlog += (pieces[i].rate - cap) * seconds(pieces[i + 1].start - pieces[i].start);
        if (backlog < 0)
            backlog = 0;
        if (backlog > peak) {
            peak = backlog;
            after = i + 1;
        }
    }
    if (!(peak > 0))
        return NAN;
    /* Then down at the spare capacity, to `fraction` of the peak. */
    const double target = fraction * peak;
    double t = 0;
    backlog = peak;
    for (unsigned i = after; i < n; i++) {
        const double span = seconds(pieces[i + 1].start - pieces[i].start);
        const double spare = cap - pieces[i].rate;
        if (spare > 0 && backlog - spare * span <= target)
            return t + (backlog - target) / spare;
        backlog -= spare * span;
        t += span;
    }
    return t + (backlog - target) / cap; /* after the horizon, nothing new arrives */
}

double lagsim_theory_drain(const lagsim_scenario_t *sc, double fraction)
{
    unsigned n;
    lsi_rate_piece_t *pieces = mean_pieces(sc, &n);
    if (!pieces)
        return NAN;
    const double d = drain_walk(sc, pieces, n, fraction);
    free(pieces);
    return d;
}

/* ---- Theory against a run ---------------------------------------------- */

/* x rounded, with thousands separators: 29350.4 -> "29,350". */
static const char *thousands(char *buf, size_t size, double x)
{
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", x > 0 && x < 1e18 ? x : 0.0);
    const size_t len = strlen(digits);
    size_t o = 0;
    for (size_t i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* Appends to a note, never past its end. */
static void say(lagsim_theory_item_t *it, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void say(lagsim_theory_item_t *it, const char *fmt, ...)
{
    const size_t used = strlen(it->note);
    if (used + 1 >= sizeof it->note)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->note + used, sizeof it->note - used, fmt, ap);
    va_end(ap);
}

static lagsim_theory_item_t *add(lagsim_theory_t *out, const char *name, const char *label,
                                 const char *unit, double theory, double simulated)
{
    if (out->n >= LAGSIM_THEORY_MAX)
        return NULL;
    lagsim_theory_item_t *it = &out->item[out->n++];
    memset(it, 0, sizeof *it);
    it->name = name;
    it->label = label;
    it->unit = unit;
    it->theory = theory;
    it->simulated = simulated;
    it->tolerance = TOLERANCE;
    if (!isfinite(theory) || !isfinite(simulated)) {
        it->agrees = -1;
    } else {
        const double slack = strcmp(unit, "s") == 0 ? SLACK_S : 0.5;
        it->agrees = fabs(simulated - theory) <= TOLERANCE * fabs(theory) + slack;
    }
    return it;
}

/* The simulated mean of a hop, seconds (NAN when nothing was visible). */
static double hop_mean(const lagsim_result_t *r, enum lagsim_hop hop)
{
    if (!r->hops || lagsim_breakdown_count(r->hops) == 0)
        return NAN;
    return lagsim_breakdown_mean(r->hops, (unsigned)hop) / LAGSIM_SEC;
}

static int any_failures(const lagsim_result_t *r)
{
    return r->responses[LAGSIM_RESP_429] + r->responses[LAGSIM_RESP_5XX] +
               r->responses[LAGSIM_RESP_TIMEOUT] > 0;
}

static void note_client(const lagsim_scenario_t *sc, const lagsim_result_t *r,
                        lagsim_theory_item_t *it)
{
    say(it, "an SDK sends when its flush timer ticks (at a random phase, so half the "
            "interval on average) or when flush_at events are queued:");
    unsigned shown = 0;
    for (unsigned c = 0; c < sc->n_clients && shown < 4; c++) {
        for (int p = LAGSIM_MODE_CLOUD; p <= LAGSIM_MODE_DEVICE; p++) {
            if (path_share(sc, r->mode, (enum lagsim_mode)p) <= 0)
                continue;
            const lagsim_sdk_t *sdk = &sc->clients[c].sdk[p];
            say(it, "%s %s", shown++ ? "," : "", sdk->preset);
            if (sdk->flush_interval <= 0 || sdk->flush_at == 1)
                say(it, " at once");
            else if (sdk->flush_timer == LAGSIM_TIMER_PER_BATCH)
                say(it, " %.3gs after a batch's first event", seconds(sdk->flush_interval));
            else if (sdk->flush_timer == LAGSIM_TIMER_CHAIN)
                say(it, " %.3gs after its last flush ended", seconds(sdk->flush_interval));
            else
                say(it, " every %.3gs", seconds(sdk->flush_interval));
            if (sdk->flush_interval > 0 && sdk->flush_at > 1)
                say(it, " or at %u events", sdk->flush_at);
        }
    }
    say(it, ".");
    if (it->agrees != 0)
        return;
    int serial = 0, sessions = 0, offline = 0;
    for (unsigned c = 0; c < sc->n_clients; c++) {
        const lagsim_client_t *cl = &sc->clients[c];
        for (int p = LAGSIM_MODE_CLOUD; p <= LAGSIM_MODE_DEVICE; p++)
            serial |= path_share(sc, r->mode, (enum lagsim_mode)p) > 0 &&
                      cl->sdk[p].max_in_flight == 1 && cl->sdk[p].flush_interval > 0;
        sessions |= !(cl->session_length.kind == LAGSIM_DIST_CONST && cl->session_length.p[0] <= 0);
        offline |= cl->offline_share > 0;
    }
    say(it, " Why they may differ:");
    if (serial && any_failures(r))
        say(it, " serial SDKs (one request at a time) stop sending while they back off, so "
                "new events queue behind the failed batch;");
    else if (serial)
        say(it, " serial SDKs skip a tick while a request is in flight;");
    if (sessions)
        say(it, " sessions ending flush the queue early, or hold it until the next session;");
    if (offline)
        say(it, " offline devices hold their queue;");
    say(it, " a request still in flight can hold the queue past a tick.");
}

static void note_segment(const lagsim_scenario_t *sc, const lagsim_result_t *r,
                         lagsim_theory_item_t *it)
{
    char n[32];
    say(it, "a batch leaves when it holds %s events or its oldest has waited %.3gs: "
            "about min(batch_wait, batch_size / rate) / 2.",
        thousands(n, sizeof n, sc->segment.batch_size), seconds(sc->segment.batch_wait));
    if (it->agrees != 0)
        return;
    say(it, " Why they may differ:");
    if (r->responses[LAGSIM_RESP_429] > 0)
        say(it, " while Mixpanel answers 429 the queue holds the backlog, so events wait for "
                "Mixpanel, not for a batch;");
    else if (any_failures(r))
        say(it, " failed requests hold connections and the queue grows;");
    say(it, " only %u requests may be open at once;", sc->segment.max_in_flight);
    if (sc->segment.inbound_limit > 0)
        say(it, " the inbound limit spaces arrivals;");
    say(it, " SDK batches reach Segment in clumps, not one by one.");
}

static void note_backlog(const lagsim_scenario_t *sc, lagsim_theory_item_t *it)
{
    char n[32];
    say(it, "fluid model: while the offered rate is above Mixpanel's capacity (%s events/s, "
            "the tighter of its event and byte limits) the excess piles up.",
        thousands(n, sizeof n, lagsim_theory_capacity(sc)));
    if (it->agrees != 0)
        return;
    say(it, " Why they may differ: the simulated backlog also counts events in ordinary "
            "transit (queued on devices, at Segment); retries that back off leave capacity "
            "unused, so more piles up; a rolling window lets a short burst through.");
}

static void note_drain(lagsim_theory_item_t *it, int device)
{
    say(it, "fluid model: from its peak the backlog falls at the spare capacity "
            "(capacity minus arrivals), here to a tenth of the peak.");
    if (it->agrees != 0)
        return;
    say(it, " Why they may differ: a rolling window admits at each moment only what left "
            "it a minute before, so the drain follows the shape of the burst;");
    if (it->simulated > it->theory)
        say(it, " senders wait out their backoff before retrying, so capacity goes unused%s.",
            device ? " (SDKs double their wait, up to minutes)" : "");
    else
        say(it, " events in ordinary transit are part of the simulated peak and leave fast.");
}

void lagsim_theory_compare(const lagsim_scenario_t *sc, const lagsim_result_t *r,
                           lagsim_theory_t *out)
{
    memset(out, 0, sizeof *out);
    lagsim_theory_item_t *it;

    it = add(out, "client_batching_wait", "client batching wait", "s",
             lagsim_theory_client_batching(sc, r->mode), hop_mean(r, LAGSIM_HOP_CLIENT_BATCHING));
    if (it)
        note_client(sc, r, it);

    if (path_share(sc, r->mode, LAGSIM_MODE_CLOUD) > 0) {
        it = add(out, "segment_batching_wait", "Segment batching wait", "s",
                 lagsim_theory_segment_batching(sc, r->mode), hop_mean(r, LAGSIM_HOP_SEGMENT_QUEUE));
        if (it)
            note_segment(sc, r, it);
    }

    it = add(out, "mixpanel_ingest", "Mixpanel ingestion", "s", lagsim_theory_ingest(sc),
             hop_mean(r, LAGSIM_HOP_MIXPANEL_INGEST));
    if (it)
        say(it, "mean ingest_delay + ingest_per_kb x mean KB + ingest_per_depth x nesting "
                "depth.%s", it->agrees == 0 ? " They should agree: a difference is a bug." : "");

    it = add(out, "identity_resolution", "identity resolution", "s", lagsim_theory_identity(sc),
             hop_mean(r, LAGSIM_HOP_IDENTITY));
    if (it)
        say(it, "%.0f%% known distinct_ids, %.0f%% new, %.0f%% merges, each at its mean "
                "cost.%s", 100 * (1 - sc->new_user_share - sc->merge_share),
            100 * sc->new_user_share, 100 * sc->merge_share,
            it->agrees == 0 ? " They should agree: a difference is a bug." : "");

    it = add(out, "indexing", "indexing", "s", lagsim_theory_indexing(sc),
             hop_mean(r, LAGSIM_HOP_INDEXING));
    if (it)
        say(it, "the next indexing run comes at a random point of its %.3gs interval (half "
                "of it on average), then index_delay.%s",
            seconds(sc->mixpanel.index_interval),
            it->agrees == 0 ? " Why they may differ: the events of one batch wait for the "
                              "same indexing run, so with few batches the average is noisy; "
                              "if batches are many, a difference is a bug." : "");

    const double fluid = lagsim_scenario_backlog_estimate(sc, NULL);
    if (fluid > 0) {
        it = add(out, "backlog_peak", "backlog peak", "events", fluid, (double)r->backlog_peak);
        if (it)
            note_backlog(sc, it);
        const double drained = r->backlog_drained_at > r->backlog_peak_at
                                   ? seconds(r->backlog_drained_at - r->backlog_peak_at)
                                   : NAN;
        it = add(out, "backlog_drain", "drain to 10% of peak", "s", lagsim_theory_drain(sc, 0.1),
                 drained);
        if (it)
            note_drain(it, path_share(sc, r->mode, LAGSIM_MODE_DEVICE) > 0);
    }

    const double span = seconds(r->backlog_span);
    const uint64_t n = r->latency_delivered ? lagsim_hist_count(r->latency_delivered) : 0;
    if (span > 0 && n > 0) {
        const double rate = (double)r->delivered / span;
        const double wait = lagsim_hist_mean(r->latency_delivered) / LAGSIM_SEC;
        it = add(out, "little_in_flight", "in flight (Little's law)", "events", rate * wait,
                 r->backlog_area / span);
        if (it) {
            char per_s[32];
            if (rate >= 100)
                thousands(per_s, sizeof per_s, rate);
            else
                snprintf(per_s, sizeof per_s, "%.3g", rate);
            say(it, "L = lambda x W: events pass through at %s/s and each spends %.3gs "
                    "before Mixpanel accepts it, so on average about that many are on their "
                    "way.", per_s, wait);
            if (it->agrees == 0) {
                uint64_t dropped = 0;
                for (int d = 0; d < LAGSIM_DROP_COUNT; d++)
                    dropped += r->dropped[d];
                say(it, " Why they may differ:");
                if (dropped > 0)
                    say(it, " the %" PRIu64 " dropped events spent time in the backlog but "
                            "have no latency to delivered;", dropped);
                if (r->duplicates > 0)
                    say(it, " copies kept for sending again count in the backlog;");
                if (r->partial != LAGSIM_STOP_NONE || r->in_flight > 0)
                    say(it, " events still in flight at the end have no latency yet;");
                say(it, " the backlog is sampled once per simulated second.");
            }
        }
    }
}
