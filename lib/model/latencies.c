/*
 * latencies.c - one of the result's observers (the ledger calls it
 * directly): it fills the run's latency distributions:
 * latency to delivered and to visible (lagsim_result_t.latency_*), visible
 * by priority, and the per-hop breakdown of each visible event's latency.
 * Only events fired past the warm-up cut count: the ledger calls these for
 * them alone (lsi_delivery_t.counted).
 *
 * Every hop is the gap between two milestones (the event's own, kept in
 * its record, and the send times kept on the request that carried it to
 * Mixpanel), so the hops add up to the total exactly.
 */
#include "model/model_internal.h"

void lsi_latencies_delivered(lsi_model_t *m, const lsi_event_t *e, const lsi_delivery_t *d)
{
    lagsim_hist_record(m->out->latency_delivered, d->at - e->fired_at);
}

void lsi_latencies_visible(lsi_model_t *m, const lsi_event_t *e, const lsi_delivery_t *d)
{
    const lsi_batch_t *batch = d->batch;
    lagsim_result_t *out = m->out;
    const lagsim_time_t latency = d->visible - e->fired_at;
    lagsim_hist_record(out->latency_visible, latency);
    lagsim_hist_record(out->latency_by_priority[m->sc->event_types[e->type].priority], latency);

    int64_t hop[LAGSIM_HOP_COUNT] = {0};
    if (e->path == LAGSIM_MODE_CLOUD) {
        /* Client -> Segment, then Segment's destination -> Mixpanel. */
        hop[LAGSIM_HOP_CLIENT_BATCHING] = e->sent_at - e->fired_at;
        hop[LAGSIM_HOP_CLIENT_RETRY] = e->resent_at - e->sent_at;
        hop[LAGSIM_HOP_NETWORK] = (e->seg_at - e->resent_at) + (d->at - batch->attempt_sent_at);
        hop[LAGSIM_HOP_SEGMENT_INGEST] = e->stage_at - e->seg_at;
        hop[LAGSIM_HOP_SEGMENT_QUEUE] = e->dest_sent_at - e->stage_at;
        hop[LAGSIM_HOP_SEGMENT_BACKOFF] = batch->attempt_sent_at - e->dest_sent_at;
    } else {
        hop[LAGSIM_HOP_CLIENT_BATCHING] = e->sent_at - e->fired_at;
        hop[LAGSIM_HOP_CLIENT_RETRY] = batch->attempt_sent_at - e->sent_at;
        hop[LAGSIM_HOP_NETWORK] = d->at - batch->attempt_sent_at;
    }
    hop[LAGSIM_HOP_MIXPANEL_INGEST] = d->ingested - d->at;
    hop[LAGSIM_HOP_IDENTITY] = d->resolved - d->ingested;
    hop[LAGSIM_HOP_INDEXING] = d->visible - d->resolved;
    lagsim_breakdown_record(out->hops, latency, hop);
}
