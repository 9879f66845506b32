/*
 * ledger.c - the one place that counts an event's accounting: fired,
 * queued, sent, each milestone, delivered, visible, dropped by reason,
 * duplicates and copies, requests and responses by status; and the run's
 * closing account (in flight, conservation, end and drain times).
 *
 * Central idea: a hop calls one lsi_ledger_*() function (or lsi_drop())
 * where the thing happens and knows nothing else. The ledger updates the
 * result's counters (lagsim_result_t) and the model's own tallies
 * (processing, copies_live, last_settle), then hands the milestone to its
 * observers (ledger.h): first the result's own, a fixed list called
 * directly (histograms and breakdown in latencies.c, the Event Delivery
 * view in delivery_view.c), then those registered for the run through
 * lsi_observer_t (the warm-up probe, the trace, a test's). An observer
 * decides itself which events it follows (the trace: LSI_EV_TRACED), so a
 * traced run runs the same hop code as an untraced one. Nothing here
 * allocates or walks events, except lsi_ledger_segment_queued() for an
 * observer that asks for Segment's per-event milestone. The calls the
 * hops make most are inline in ledger.h (the counting) and come here to
 * publish; with no observer registered (a plain run), what only
 * registered observers hear of costs one test.
 */
#include "model/model_internal.h"

/* Calls member `hook` of every registered observer that has one. */
#define PUBLISH(m, hook, ...)                                            \
    do {                                                                 \
        const lsi_ledger_t *l_ = &(m)->ledger;                           \
        for (unsigned i_ = 0; i_ < l_->n; i_++)                          \
            if (l_->obs[i_]->hook)                                       \
                l_->obs[i_]->hook(l_->ctx[i_], (m), __VA_ARGS__);        \
    } while (0)

int lsi_ledger_observe(lsi_model_t *m, const lsi_observer_t *o, void *ctx)
{
    lsi_ledger_t *l = &m->ledger;
    if (l->n >= LSI_OBSERVERS_MAX)
        return -1;
    l->obs[l->n] = o;
    l->ctx[l->n] = ctx;
    l->n++;
    return 0;
}

void lsi_ledger_start(lsi_model_t *m)
{
    lsi_dv_start(m);
    const lsi_ledger_t *l = &m->ledger;
    for (unsigned i = 0; i < l->n; i++)
        if (l->obs[i]->start)
            l->obs[i]->start(l->ctx[i], m);
}

void lsi_ledger_publish_fired(lsi_model_t *m, uint32_t ev, uint64_t user)
{
    lsi_dv_fired(m);
    PUBLISH(m, fired, ev, user);
}

void lsi_ledger_publish_sent(lsi_model_t *m, uint32_t batch, enum lagsim_endpoint to)
{
    if (to == LAGSIM_ENDPOINT_MIXPANEL)
        lsi_dv_request(m, &m->pool.b[batch]);
    PUBLISH(m, sent, batch, to);
}

void lsi_ledger_publish_response(lsi_model_t *m, enum lagsim_response status, lagsim_time_t now)
{
    lsi_dv_response(m, status, now);
    PUBLISH(m, response, status, now);
}

/* The milestones that only registered observers hear of. */
void lsi_ledger_publish(lsi_model_t *m, unsigned what, uint32_t a, uint64_t b)
{
    switch (what) {
    case LSI_PUB_QUEUED: PUBLISH(m, queued, a, (uint32_t)b); break;
    case LSI_PUB_SESSION_END: PUBLISH(m, session_end, a); break;
    case LSI_PUB_OFFLINE: PUBLISH(m, offline, a); break;
    case LSI_PUB_REFUSED: PUBLISH(m, refused, a, (enum lagsim_response)b); break;
    case LSI_PUB_BACKOFF: PUBLISH(m, backoff, a, (lagsim_time_t)b); break;
    case LSI_PUB_PAUSE: PUBLISH(m, pause, a, (lagsim_time_t)b); break;
    case LSI_PUB_DUPLICATE: PUBLISH(m, duplicate, a, (int)b); break;
    default: break;
    }
}

void lsi_ledger_segment_queued_publish(lsi_model_t *m, const lsi_list_t *events)
{
    const lsi_ledger_t *l = &m->ledger;
    for (unsigned i = 0; i < l->n; i++) {
        if (!l->obs[i]->segment_queued)
            continue;
        uint64_t queued = 0;
        for (int q = 0; q < 3; q++)
            queued += m->dest.queue[q].count;
        l->obs[i]->segment_queued(l->ctx[i], m, events, queued);
    }
}

void lsi_ledger_delivered(lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d)
{
    const lsi_event_t *e = &m->pool.ev[ev];
    m->out->delivered++;
    if (d->counted)
        lsi_latencies_delivered(m, e, d);
    lsi_dv_delivered(m, e, d->at);
    PUBLISH(m, delivered, ev, d);
    if (d->keep_copy)
        m->copies_live++; /* the record stays, as a copy */
    if (d->visible > m->end_limit) {
        m->processing++; /* visible only after the run: in flight */
        return;
    }
    m->out->visible++;
    if (d->visible > m->last_settle)
        m->last_settle = d->visible;
    if (d->counted) {
        lsi_latencies_visible(m, e, d);
        lsi_dv_visible(m, e, d->visible);
    }
    PUBLISH(m, visible, ev, d);
}

/* Every event leaves the live pipeline through here unless delivered. */
void lsi_drop(lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why)
{
    if (m->pool.ev[ev].flags & LSI_EV_COPY) {
        /* A copy of an event already accepted: nothing is lost. */
        PUBLISH(m, copy_dropped, ev, why);
        m->copies_live--;
        lsi_event_release(&m->pool, ev);
        return;
    }
    m->out->dropped[why]++;
    lsi_dv_dropped(m, why);
    PUBLISH(m, dropped, ev, why);
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

void lsi_ledger_stopped(lsi_model_t *m)
{
    const lsi_ledger_t *l = &m->ledger;
    for (unsigned i = 0; i < l->n; i++)
        if (l->obs[i]->stopped)
            l->obs[i]->stopped(l->ctx[i], m);
}

/*
 * At a partial stop, events already accepted by Mixpanel keep the visible
 * time computed when they were accepted (processing has no shared
 * capacity, so nothing after the stop could change it). In flight is
 * counted from the pipeline itself (records still in the pool that are not
 * copies, and delivered events whose processing ends after the run), so
 * that conservation checks the counters against the model's state.
 */
int lsi_ledger_finish(lsi_model_t *m)
{
    const lagsim_scenario_t *sc = m->sc;
    lagsim_result_t *out = m->out;
    int rc = LAGSIM_OK;
    out->in_flight = m->pool.ev_live - m->copies_live + m->processing;
    out->in_flight_next_session = lsi_clients_waiting(m);
    uint64_t dropped = 0;
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        dropped += out->dropped[i];
    out->conserved = out->fired == out->visible + dropped + out->in_flight &&
                     out->delivered == out->visible + m->processing;
    lagsim_time_t end = lagsim_sim_now(m->sim);
    if (m->last_settle > end && out->partial == LAGSIM_STOP_NONE)
        end = m->last_settle;
    out->end_time = end;
    if (out->in_flight == 0 && out->partial == LAGSIM_STOP_NONE)
        out->drain_time = (m->last_settle > sc->horizon ? m->last_settle : sc->horizon) - sc->horizon;
    if (!out->conserved)
        rc = LAGSIM_ECONSERVE;
    if (lsi_dv_finish(m, end) != LAGSIM_OK && rc == LAGSIM_OK)
        rc = LAGSIM_ENOMEM;
    const lsi_ledger_t *l = &m->ledger;
    for (unsigned i = 0; i < l->n; i++)
        if (l->obs[i]->finish && l->obs[i]->finish(l->ctx[i], m, end) != LAGSIM_OK &&
            rc == LAGSIM_OK)
            rc = LAGSIM_ENOMEM;
    return rc;
}
