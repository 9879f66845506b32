/*
 * mixpanel.c - Mixpanel's side: the ingestion API (fault windows,
 * background failures, per-event limits, the project rate limit) and the
 * processing that follows a 2xx (identity resolution, then indexing)
 * until the event is visible in reports.
 *
 * Processing is a pure delay with no shared capacity, so it is not
 * simulated step by step: when Mixpanel accepts an event its visible time
 * is computed at once (identity resolution, then the next indexing run
 * plus a random part) and recorded. An event whose visible time falls
 * after the end of the run counts as in flight ("processing").
 */
#include "model/model_internal.h"

static void on_request_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg);
static void on_response_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg);

void lsi_mixpanel_send(lsi_model_t *m, uint32_t b, lagsim_time_t one_way)
{
    lagsim_result_t *out = m->out;
    lsi_note_request(m);
    out->requests++;
    if (m->pool.b[b].attempts > 1)
        out->retries++;
    if (lagsim_sim_schedule(m->sim, lagsim_sim_now(m->sim) + one_way, on_request_arrives, m, b) !=
        LAGSIM_OK)
        lsi_fail(m);
}

/* Delivered: record the latency, compute when it becomes visible. */
static void deliver(lsi_model_t *m, uint32_t id, lagsim_time_t now)
{
    const lagsim_scenario_t *sc = m->sc;
    const lsi_event_t *e = &m->pool.ev[id];
    gsl_rng *r = m->rng[LSI_RNG_PROCESSING];
    lagsim_result_t *out = m->out;

    out->delivered++;
    lagsim_hist_record(out->latency_delivered, now - e->fired_at);

    lagsim_time_t t = now + lsi_sample_time(e->is_new ? &sc->mixpanel.idres_new
                                                       : &sc->mixpanel.idres_known, r);
    const lagsim_time_t every = sc->mixpanel.index_interval;
    if (every > 0)
        t = (t / every + (t % every != 0)) * every;
    t += lsi_sample_time(&sc->mixpanel.index_delay, r);
    if (t <= m->end_limit) {
        out->visible++;
        lagsim_hist_record(out->latency_visible, t - e->fired_at);
        if (t > m->last_settle)
            m->last_settle = t;
    } else {
        m->processing++;
    }
    lsi_event_release(&m->pool, id);
}

/* Mixpanel's answer to a request arriving now; delivers what it accepts. */
static enum lagsim_response ingest(lsi_model_t *m, lsi_batch_t *batch, lagsim_time_t now)
{
    const lagsim_scenario_t *sc = m->sc;
    for (unsigned i = 0; i < sc->mixpanel.n_outages; i++) {
        const lagsim_outage_t *o = &sc->mixpanel.outages[i];
        if (now >= o->start && now - o->start < o->duration)
            return o->status;
    }
    if (sc->mixpanel.failure_rate > 0 &&
        gsl_rng_uniform(m->rng[LSI_RNG_MIXPANEL_FAULTS]) < sc->mixpanel.failure_rate)
        return LAGSIM_RESP_5XX;
    /* Too many events, or too many bytes (413): rejected whole. The
     * SDKs' reaction to 413 (mixpanel-js halves its batch) is not
     * modelled; the events are dropped as invalid. */
    if (batch->events.count > sc->mixpanel.max_batch_events ||
        batch->events.bytes > sc->mixpanel.max_request_bytes)
        return LAGSIM_RESP_400;

    /* Events over the per-event limit fail validation; the rest of the
     * request is still ingested (as /import?strict=1 does). No event can
     * be over it when the whole request is not, or when Segment's own
     * per-event limit is the tighter one. */
    uint32_t id;
    uint64_t invalid = 0;
    const int may_have_oversize =
        batch->events.bytes > sc->mixpanel.max_event_bytes &&
        !(batch->sender == LSI_SENDER_SEGMENT &&
          sc->segment.max_event_bytes <= sc->mixpanel.max_event_bytes);
    if (may_have_oversize) {
        lsi_list_t ok;
        lsi_list_init(&ok);
        while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL) {
            if (m->pool.ev[id].bytes > sc->mixpanel.max_event_bytes) {
                lsi_drop(m, id, LAGSIM_DROP_INVALID);
                invalid++;
            } else {
                lsi_list_push(&m->pool, &ok, id);
            }
        }
        batch->events = ok;
    }
    if (batch->events.count == 0)
        return invalid ? LAGSIM_RESP_400 : LAGSIM_RESP_2XX;
    if (!lsi_limiter_admit(&m->limiter, now, (double)batch->events.count,
                           (double)batch->events.bytes))
        return LAGSIM_RESP_429;
    while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL)
        deliver(m, id, now);
    return LAGSIM_RESP_2XX;
}

static void on_request_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(sim);
    const enum lagsim_response st = ingest(m, batch, now);
    batch = &m->pool.b[b];
    batch->status = (uint8_t)st;
    m->out->responses[st]++;

    const lagsim_time_t timeout = batch->sender == LSI_SENDER_SEGMENT
        ? m->sc->segment.request_timeout
        : m->sc->clients[m->clients.slot[batch->owner].kind]
              .sdk[m->clients.slot[batch->owner].path].request_timeout;
    const lagsim_time_t sent = now - (batch->back_delay > 0 ? batch->back_delay : 0);
    lagsim_time_t at;
    if (st == LAGSIM_RESP_TIMEOUT) {
        at = sent + timeout;
    } else {
        at = now + lsi_sample_time(&m->sc->mixpanel.response_time, m->rng[LSI_RNG_MIXPANEL]) +
             batch->back_delay;
    }
    if (lagsim_sim_schedule(sim, at, on_response_arrives, m, b) != LAGSIM_OK)
        lsi_fail(m);
}

static void on_response_arrives(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    if (m->pool.b[b].sender == LSI_SENDER_SEGMENT)
        lsi_segment_on_response(m, b);
    else
        lsi_client_on_response(m, b);
}
