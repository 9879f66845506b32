/*
 * mixpanel.c - Mixpanel's side: the ingestion API (fault windows,
 * background failures, per-event limits, the project rate limit) and the
 * processing that follows a 2xx (ingestion, identity resolution, then
 * indexing) until the event is visible in reports, and $insert_id
 * deduplication of events it receives twice.
 *
 * Processing is a pure delay with no shared capacity, so it is not
 * simulated step by step: when Mixpanel accepts an event its visible time
 * is computed at once (identity resolution, then the next indexing run
 * plus a random part) and handed to the ledger (ledger.c), which counts
 * it; an event whose visible time falls after the end of the run counts
 * as in flight ("processing").
 */
#include "model/model_internal.h"

static void on_request_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg);
static void on_request_aborted(lagsim_sim_t *sim, void *ctx, uint64_t arg);
static void on_response_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg);

void lsi_mixpanel_send(lsi_model_t *m, uint32_t b, lagsim_time_t one_way)
{
    lsi_note_request(m);
    lsi_ledger_sent(m, b, LAGSIM_ENDPOINT_MIXPANEL);
    /* A request still on its way when the sender's timeout expires is
     * abandoned then (the HTTP client closes the connection): Mixpanel
     * never reads it, and the sender counts a timeout and retries by its
     * own rules. Valid input, however slow the network, never schedules
     * into the past. */
    const lagsim_time_t timeout = m->pool.b[b].timeout;
    const int aborted = one_way > timeout;
    if (lagsim_sim_schedule(m->sim, lagsim_sim_now(m->sim) + (aborted ? timeout : one_way),
                            aborted ? on_request_aborted : on_request_arrives, m, b) != LAGSIM_OK)
        lsi_fail(m);
}

/* Mixpanel's ingestion time for one event: a fixed part plus a cost per
 * KB of payload and per level of nesting. */
static lagsim_time_t ingest_time(const lsi_model_t *m, const lsi_event_t *e, gsl_rng *r)
{
    const lagsim_scenario_t *sc = m->sc;
    lagsim_time_t t = lsi_sample_time(&sc->mixpanel.ingest_delay, r);
    t += sc->mixpanel.ingest_per_kb * (lagsim_time_t)e->bytes / 1000 +
         sc->mixpanel.ingest_per_depth * (lagsim_time_t)sc->event_types[e->type].nesting_depth;
    return t;
}

static const lagsim_dist_t *identity_cost(const lagsim_scenario_t *sc, unsigned kind)
{
    switch (kind) {
    case LSI_ID_NEW: return &sc->mixpanel.idres_new;
    case LSI_ID_MERGE: return &sc->mixpanel.idres_merge;
    default: return &sc->mixpanel.idres_known;
    }
}

/*
 * Delivered (accepted by Mixpanel at `now`, in `batch`): computes when it
 * becomes visible (ingestion, identity resolution, the next indexing run
 * plus a random part) and hands that to the ledger, which counts it and
 * splits its latency into hops.
 */
static void deliver(lsi_model_t *m, uint32_t id, const lsi_batch_t *batch, lagsim_time_t now,
                    int keep_copy)
{
    const lagsim_scenario_t *sc = m->sc;
    const lsi_event_t *e = &m->pool.ev[id];
    gsl_rng *r = m->rng[LSI_RNG_PROCESSING];

    const lagsim_time_t ingested = now + ingest_time(m, e, r);
    const lagsim_time_t resolved =
        ingested + lsi_sample_time(identity_cost(sc, e->flags & LSI_ID_MASK), r);
    lagsim_time_t t = resolved;
    const lagsim_time_t every = sc->mixpanel.index_interval;
    if (every > 0)
        t = (t / every + (t % every != 0)) * every;
    t += lsi_sample_time(&sc->mixpanel.index_delay, r);
    const lsi_delivery_t d = {batch, now, ingested, resolved, t, keep_copy,
                              e->fired_at >= m->warmup /* past the warm-up cut */};
    lsi_ledger_delivered(m, id, &d);
}

/*
 * Mixpanel's answer to a request arriving now. Events it rejects one by
 * one (too large, or too old for /track) are dropped here; on a 2xx the
 * rest stay in the batch for accept_batch().
 */
static enum lagsim_response ingest(lsi_model_t *m, lsi_batch_t *batch, lagsim_time_t now)
{
    const lagsim_scenario_t *sc = m->sc;
    const lagsim_time_t ra = sc->mixpanel.retry_after;
    batch->retry_after = 0;
    for (unsigned i = 0; i < sc->mixpanel.n_outages; i++) {
        const lagsim_outage_t *o = &sc->mixpanel.outages[i];
        if (now >= o->start && now - o->start < o->duration) {
            /* A scripted answer: its own Retry-After, else the policy's
             * on a 429 or 503 (until_admit: the end of the window). */
            batch->code = (uint16_t)(o->status == LAGSIM_RESP_TIMEOUT ? 0 : o->code);
            if (o->retry_after > 0)
                batch->retry_after = o->retry_after;
            else if (ra != 0 && (o->code == 429 || o->code == 503))
                batch->retry_after =
                    lsi_retry_after_header(ra, o->start + o->duration - now);
            return o->status;
        }
    }
    if (sc->mixpanel.failure_rate > 0 &&
        gsl_rng_uniform(m->rng[LSI_RNG_MIXPANEL_FAULTS]) < sc->mixpanel.failure_rate) {
        batch->code = 503;
        if (ra > 0) /* until_admit: the limiter would admit it, no header */
            batch->retry_after = ra;
        return LAGSIM_RESP_5XX;
    }
    /* Too many events, or too many bytes: 413, the request refused whole
     * (the sender decides: mixpanel-js halves its batch, others drop it). */
    if (batch->events.count > sc->mixpanel.max_batch_events ||
        batch->events.bytes > sc->mixpanel.max_request_bytes) {
        batch->code = 413;
        return LAGSIM_RESP_400;
    }

    /* Events over the per-event limit fail validation and the rest of the
     * request is still ingested (as /import?strict=1 does); /track (device
     * mode) silently skips events older than its age limit. No event can
     * be over the size limit when the whole request is not, or when
     * the sender already refused every event over a tighter limit. */
    const int may_have_oversize = batch->events.bytes > sc->mixpanel.max_event_bytes &&
                                  batch->event_bytes_max > sc->mixpanel.max_event_bytes;
    /* Browser and mobile SDKs send to /track; a server (and Segment) to
     * /import, which has no age limit. */
    const int to_track = batch->to_track;
    const int may_be_old = to_track && sc->mixpanel.track_max_age > 0 &&
                           now - sc->mixpanel.track_max_age > 0;
    uint64_t invalid = 0;
    if (may_have_oversize || may_be_old) {
        lsi_list_t ok;
        lsi_list_init(&ok);
        uint32_t id;
        while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL) {
            const lsi_event_t *e = &m->pool.ev[id];
            if (e->bytes > sc->mixpanel.max_event_bytes) {
                lsi_drop(m, id, LAGSIM_DROP_INVALID);
                invalid++;
            } else if (may_be_old && now - e->fired_at > sc->mixpanel.track_max_age) {
                lsi_drop(m, id, LAGSIM_DROP_TOO_OLD);
            } else {
                lsi_list_push(&m->pool, &ok, id);
            }
        }
        batch->events = ok;
    }
    if (batch->events.count == 0) {
        batch->code = (uint16_t)(invalid ? 400 : 200);
        return invalid ? LAGSIM_RESP_400 : LAGSIM_RESP_2XX;
    }
    if (!lsi_limiter_admit(&m->limiter, now, (double)batch->events.count,
                           (double)batch->events.bytes)) {
        batch->code = 429;
        if (ra != 0)
            batch->retry_after = lsi_retry_after_header(
                ra, lsi_limiter_wait(&m->limiter, now, (double)batch->events.count,
                                     (double)batch->events.bytes));
        return LAGSIM_RESP_429;
    }
    batch->code = 200;
    return LAGSIM_RESP_2XX;
}

/*
 * Mixpanel took the batch's events at `now`. Copies it had already taken
 * are duplicates ($insert_id removes them). If the sender will not learn
 * of the success (its answer is lost or late, or the SDK keeps what it
 * sent at page unload), each event stays in the batch as a copy, to be
 * sent again.
 */
static void accept_batch(lsi_model_t *m, lsi_batch_t *batch, lagsim_time_t now, int keep_copies)
{
    lsi_list_t kept;
    lsi_list_init(&kept);
    uint32_t id;
    while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL) {
        lsi_event_t *e = &m->pool.ev[id];
        if (e->flags & LSI_EV_COPY) {
            lsi_ledger_duplicate(m, id, keep_copies);
        } else {
            deliver(m, id, batch, now, keep_copies);
            if (keep_copies)
                e->flags |= LSI_EV_COPY;
        }
        if (keep_copies)
            lsi_list_push(&m->pool, &kept, id);
        else
            lsi_event_release(&m->pool, id);
    }
    batch->events = kept;
}



static void on_request_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(sim);
    enum lagsim_response st = ingest(m, batch, now);
    batch = &m->pool.b[b];
    if (st != LAGSIM_RESP_2XX)
        lsi_ledger_refused(m, b, st);

    const lagsim_time_t timeout = batch->timeout;
    const lagsim_time_t sent = now - (batch->back_delay > 0 ? batch->back_delay : 0);
    lagsim_time_t at = sent + timeout;
    if (at < now) /* the trip took the whole timeout (to rounding): the timer fires now */
        at = now;
    if (st != LAGSIM_RESP_TIMEOUT) {
        const lagsim_time_t answer =
            now + lsi_sample_time(&m->sc->mixpanel.response_time, m->rng[LSI_RNG_MIXPANEL]) +
            batch->back_delay;
        const int late = answer - sent > timeout;
        if (st == LAGSIM_RESP_2XX) {
            const int lost = late || (m->sc->mixpanel.lost_response_rate > 0 &&
                                      gsl_rng_uniform(m->rng[LSI_RNG_MIXPANEL_FAULTS]) <
                                          m->sc->mixpanel.lost_response_rate);
            accept_batch(m, batch, now, lost || batch->keeps_copy);
            if (lost)
                st = LAGSIM_RESP_TIMEOUT;
        } else if (late) {
            st = LAGSIM_RESP_TIMEOUT;
        }
        if (st != LAGSIM_RESP_TIMEOUT)
            at = answer;
    }
    batch->status = (uint8_t)st;
    lsi_ledger_response(m, st, now);
    if (lagsim_sim_schedule(sim, at, on_response_arrives, m, b) != LAGSIM_OK)
        lsi_fail(m);
}

/* The sender's timeout expired while its request was still on the way:
 * a timeout, answered to the sender at once. */
static void on_request_aborted(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    lsi_ledger_refused(m, b, LAGSIM_RESP_TIMEOUT);
    m->pool.b[b].status = (uint8_t)LAGSIM_RESP_TIMEOUT;
    m->pool.b[b].code = 0; /* no answer */
    m->pool.b[b].retry_after = 0;
    lsi_ledger_response(m, LAGSIM_RESP_TIMEOUT, lagsim_sim_now(sim));
    on_response_arrives(sim, ctx, arg);
}

static void on_response_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    m->on_response[m->pool.b[b].sender](m, b); /* the handler its sender registered */
}
