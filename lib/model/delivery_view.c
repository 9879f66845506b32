/*
 * delivery_view.c - the model's side of the Event Delivery view: what the
 * pipeline records, window by window, into result->series (a
 * lagsim_series_t of sc->series_window; counters by enum
 * lagsim_delivery_counter).
 *
 * Central idea: one of the result's observers, which the ledger
 * (ledger.c) calls directly at the same calls where it counts the run's
 * totals, so the series and the totals count the same events and add up
 * exactly: the delivered counts
 * sum to result->delivered, the not-delivered counts to the drops other
 * than `sampled` (a policy, not a loss), the responses to
 * result->responses, the retries to result->retries.
 *
 *  - delivered: in the window Mixpanel accepted the event (2xx), with its
 *    latency into the window's sketch: from Segment's receipt for the
 *    cloud path (what Segment's dashboard calls P95 latency, "receipt at
 *    the Segment API to delivery at the partner API"), from the moment it
 *    was fired for the device path (no Segment in the way);
 *  - not delivered: in the window of the drop;
 *  - responses: in the window the request reached Mixpanel (its answer
 *    or its timeout is decided then);
 *  - retries: in the window the retry was sent;
 *  - backlog (the level): events fired and not yet delivered or dropped,
 *    m->pool.ev_live - m->copies_live, set wherever it changes: up at each
 *    arrival, down at each delivery and drop. So a window's level is the
 *    exact largest backlog within it, also while the pipeline drains after
 *    the horizon, when nothing arrives.
 *
 * Nothing here allocates per event: the series grows only when a new
 * window opens. Out of memory stops the run like any other (lsi_fail).
 */
#include "model/model_internal.h"

/* Events fired and not yet settled, now. */
static uint64_t backlog(const lsi_model_t *m)
{
    return (uint64_t)m->pool.ev_live - m->copies_live;
}

double lagsim_scenario_series_bytes(const lagsim_scenario_t *sc)
{
    const double windows = ((double)sc->horizon + (double)sc->drain_limit) /
                               (double)(sc->series_window > 0 ? sc->series_window : 1) + 1;
    /* the Event Delivery series and the latency sketches by firing window */
    return lagsim_series_bytes_for(windows, LAGSIM_DV_COUNT) + lagsim_series_bytes_for(windows, 1);
}

void lsi_dv_start(lsi_model_t *m)
{
    lagsim_series_reset(m->out->series, m->sc->series_window);
    lagsim_series_reset(m->out->visible_by_fired, m->sc->series_window);
}

void lsi_dv_visible(lsi_model_t *m, const lsi_event_t *e, lagsim_time_t at)
{
    if (lagsim_series_record(m->out->visible_by_fired, e->fired_at, at - e->fired_at) != 0)
        lsi_fail(m);
}

void lsi_dv_fired(lsi_model_t *m)
{
    if (lagsim_series_set_level(m->out->series, lagsim_sim_now(m->sim), backlog(m)) != 0)
        lsi_fail(m);
}

void lsi_dv_delivered(lsi_model_t *m, const lsi_event_t *e, lagsim_time_t now)
{
    lagsim_series_t *s = m->out->series;
    const lagsim_time_t from = e->path == LAGSIM_MODE_CLOUD ? e->seg_at : e->fired_at;
    if (lagsim_series_add(s, now, LAGSIM_DV_DELIVERED, 1) != 0 ||
        lagsim_series_record(s, now, now - from) != 0 ||
        lagsim_series_set_level(s, now, backlog(m) - 1) != 0)
        lsi_fail(m);
}

void lsi_dv_dropped(lsi_model_t *m, enum lagsim_drop_reason why)
{
    lagsim_series_t *s = m->out->series;
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if ((why != LAGSIM_DROP_SAMPLED &&
         lagsim_series_add(s, now, LAGSIM_DV_NOT_DELIVERED, 1) != 0) ||
        lagsim_series_set_level(s, now, backlog(m) - 1) != 0)
        lsi_fail(m);
}

void lsi_dv_request(lsi_model_t *m, const lsi_batch_t *batch)
{
    if (batch->attempts > 1 &&
        lagsim_series_add(m->out->series, lagsim_sim_now(m->sim), LAGSIM_DV_RETRIES, 1) != 0)
        lsi_fail(m);
}

void lsi_dv_response(lsi_model_t *m, enum lagsim_response st, lagsim_time_t now)
{
    if (lagsim_series_add(m->out->series, now, LAGSIM_DV_RESPONSES + (unsigned)st, 1) != 0)
        lsi_fail(m);
}

int lsi_dv_finish(lsi_model_t *m, lagsim_time_t end)
{
    /* Windows cover [0, end): the last one holds end - 1. */
    return lagsim_series_extend(m->out->series, end > 0 ? end - 1 : 0) == 0 ? LAGSIM_OK
                                                                           : LAGSIM_ENOMEM;
}
