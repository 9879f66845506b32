/*
 * ledger.h - the ledger: the one place that counts an event's accounting,
 * and the small interface of the observers it publishes to (ledger.c).
 *
 * Included at the end of model_internal.h (it uses the model); the hops
 * (workload, client, segment, mixpanel) call the lsi_ledger_*() functions
 * at the point where the thing counted happens, and know no observer.
 * The ledger keeps the result's counters (lagsim_result_t) and hands each
 * milestone to its observers: the result's own, always there and called
 * directly (the latency histograms and per-hop breakdown, latencies.c;
 * the Event Delivery view, delivery_view.c), then those registered for
 * the run through the lsi_observer_t interface: the warm-up probe
 * (warmup_probe.c), the trace (trace.c), and any a test adds
 * (lsi_run_observed()).
 */
#ifndef LAGSIM_MODEL_LEDGER_H
#define LAGSIM_MODEL_LEDGER_H

#include <stdint.h>

#include "lagsim/model.h"

/* An event Mixpanel accepted (not a copy): when, in which request, and
 * when its processing ends (computed at once by mixpanel.c). */
typedef struct lsi_delivery {
    const lsi_batch_t *batch;      /* the request that carried it */
    lagsim_time_t at;              /* accepted (2xx decided) */
    lagsim_time_t ingested;        /* through ingestion */
    lagsim_time_t resolved;        /* through identity resolution */
    lagsim_time_t visible;         /* indexed: visible in reports */
    int keep_copy;                 /* the sender keeps a copy to send again */
    int counted;                   /* fired past the warm-up cut: its latency counts */
} lsi_delivery_t;

/*
 * An observer: any member may be NULL. Each is called by the ledger, with
 * the context given at registration, after the ledger has counted the
 * thing and before the event's record changes (an event handed in is
 * still in the pool). Observers change nothing in the model but their
 * own state (and lsi_fail() when out of memory).
 */
typedef struct lsi_observer {
    /* The run starts (the result was reset). */
    void (*start)(void *ctx, lsi_model_t *m);
    /* Event `ev` was fired now by `user` (before sampling). */
    void (*fired)(void *ctx, lsi_model_t *m, uint32_t ev, uint64_t user);
    /* `ev` joined the queue of the device in client slot `slot`. */
    void (*queued)(void *ctx, lsi_model_t *m, uint32_t slot, uint32_t ev);
    /* The session of the device in `slot` ends now (its queue as it is). */
    void (*session_end)(void *ctx, lsi_model_t *m, uint32_t slot);
    /* A device sent `batch` with no network: it fails at once. */
    void (*offline)(void *ctx, lsi_model_t *m, uint32_t batch);
    /* `batch` was sent now to `to` (attempt counted in batch->attempts). */
    void (*sent)(void *ctx, lsi_model_t *m, uint32_t batch, enum lagsim_endpoint to);
    /* Segment takes the `events` (received at their seg_at) into its
     * destination queues now; `queued` is what those queues held before. */
    void (*segment_queued)(void *ctx, lsi_model_t *m, const lsi_list_t *events,
                           uint64_t queued);
    /* Mixpanel (or the sender's timeout) refused `batch` with `status`. */
    void (*refused)(void *ctx, lsi_model_t *m, uint32_t batch, enum lagsim_response status);
    /* `batch`'s sender waits `delay` (or LSI_AT_NEXT_FLUSH) before trying again. */
    void (*backoff)(void *ctx, lsi_model_t *m, uint32_t batch, lagsim_time_t delay);
    /* `batch`'s whole publisher pauses `delay` on its Retry-After (analytics-node):
     * every batch its device has parked waits for the end. */
    void (*pause)(void *ctx, lsi_model_t *m, uint32_t batch, lagsim_time_t delay);
    /* A request was answered (at `now`, when the answer is decided). */
    void (*response)(void *ctx, lsi_model_t *m, enum lagsim_response status,
                     lagsim_time_t now);
    /* Mixpanel took `ev` again: a duplicate ($insert_id removes it). */
    void (*duplicate)(void *ctx, lsi_model_t *m, uint32_t ev, int keep_copy);
    /* Mixpanel accepted `ev` (an original), still counted in the backlog. */
    void (*delivered)(void *ctx, lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d);
    /* `ev` becomes visible within the run, at d->visible. */
    void (*visible)(void *ctx, lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d);
    /* `ev` is lost for `why` now, still counted in the backlog. */
    void (*dropped)(void *ctx, lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why);
    /* A copy of an event already accepted is dropped: nothing is lost. */
    void (*copy_dropped)(void *ctx, lsi_model_t *m, uint32_t ev,
                         enum lagsim_drop_reason why);
    /* The engine stopped (now): nothing more happens. */
    void (*stopped)(void *ctx, lsi_model_t *m);
    /* The run's end time is `end`: LAGSIM_OK or LAGSIM_ENOMEM. */
    int (*finish)(void *ctx, lsi_model_t *m, lagsim_time_t end);
} lsi_observer_t;

/* The observers a run may attach (run.c registers them when asked for). */
extern const lsi_observer_t lsi_probe_observer; /* warmup_probe.c (ctx: lsi_probe_t) */
extern const lsi_observer_t lsi_trace_observer; /* trace.c (ctx: struct lsi_tracer) */

/*
 * The result's own observers, attached to every run: a fixed list the
 * ledger calls directly (no indirect call on the hot path), with the
 * same meaning as the lsi_observer_t members of the same names.
 */
/* latencies.c: latency histograms and the per-hop breakdown (counted events only). */
void lsi_latencies_delivered(lsi_model_t *m, const lsi_event_t *e,
                             const lsi_delivery_t *d);
void lsi_latencies_visible(lsi_model_t *m, const lsi_event_t *e,
                           const lsi_delivery_t *d);
/* delivery_view.c: the Event Delivery series (result->series). */
void lsi_dv_start(lsi_model_t *m);  /* a run starts: empty, sc's window */
void lsi_dv_fired(lsi_model_t *m);  /* an event was fired (backlog up) */
/* Mixpanel accepted event e at now (before it leaves the backlog). */
void lsi_dv_delivered(lsi_model_t *m, const lsi_event_t *e, lagsim_time_t now);
/* An event (not a copy) is dropped now (before it leaves the backlog). */
void lsi_dv_dropped(lsi_model_t *m, enum lagsim_drop_reason why);
/* Event e becomes visible at `at` (counted events only): its latency into
 * the sketch of the window it was fired in (result->visible_by_fired). */
void lsi_dv_visible(lsi_model_t *m, const lsi_event_t *e, lagsim_time_t at);
void lsi_dv_request(lsi_model_t *m, const lsi_batch_t *batch); /* counts retries */
void lsi_dv_response(lsi_model_t *m, enum lagsim_response st, lagsim_time_t now);
/* The run ended at `end`: windows up to it. LAGSIM_OK or LAGSIM_ENOMEM. */
int lsi_dv_finish(lsi_model_t *m, lagsim_time_t end);

/* Adds an observer (registration, before the run starts). 0, or -1 when
 * the table is full. */
int lsi_ledger_observe(lsi_model_t *m, const lsi_observer_t *o, void *ctx);
/* The run starts: observers' start(). */
void lsi_ledger_start(lsi_model_t *m);

/* ---- Called by the hops where the thing happens ----
 * The counting is inline (as it was in the hops before the ledger); the
 * publishing is one call into ledger.c: always, where the result's own
 * observers record something, else only when an observer is registered. */

/* ledger.c: the publishing halves of the calls below. */
void lsi_ledger_publish_fired(lsi_model_t *m, uint32_t ev, uint64_t user);
void lsi_ledger_publish_sent(lsi_model_t *m, uint32_t batch, enum lagsim_endpoint to);
void lsi_ledger_publish_response(lsi_model_t *m, enum lagsim_response status, lagsim_time_t now);
void lsi_ledger_publish(lsi_model_t *m, unsigned what, uint32_t a, uint64_t b);
enum { LSI_PUB_QUEUED, LSI_PUB_SESSION_END, LSI_PUB_OFFLINE, LSI_PUB_REFUSED, LSI_PUB_BACKOFF,
       LSI_PUB_DUPLICATE, LSI_PUB_PAUSE };

/* workload.c: event `ev` was fired now by `user` (counts fired, the backlog's peak). */
static inline void lsi_ledger_fired(lsi_model_t *m, uint32_t ev, uint64_t user)
{
    lagsim_result_t *out = m->out;
    out->fired++;
    if (m->pool.ev_live > out->backlog_peak) {
        out->backlog_peak = m->pool.ev_live;
        out->backlog_peak_at = lagsim_sim_now(m->sim);
    }
    lsi_ledger_publish_fired(m, ev, user);
}

/* client.c: a fired event could not enter the pipeline (out of memory):
 * it is not counted (the run fails). */
static inline void lsi_ledger_unfired(lsi_model_t *m)
{
    m->out->fired--;
}

/* client.c: `ev` joined the queue of the device in client slot `slot`. */
static inline void lsi_ledger_queued(lsi_model_t *m, uint32_t slot, uint32_t ev)
{
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_QUEUED, slot, ev);
}

/* client.c: the session of the device in `slot` ends now. */
static inline void lsi_ledger_session_end(lsi_model_t *m, uint32_t slot)
{
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_SESSION_END, slot, 0);
}

/* client.c: a send failed at once for want of network (counted). */
static inline void lsi_ledger_offline(lsi_model_t *m, uint32_t batch)
{
    m->out->offline_failures++;
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_OFFLINE, batch, 0);
}

/* A request leaves now; to Mixpanel it counts as a request (a retry after
 * the first attempt). */
static inline void lsi_ledger_sent(lsi_model_t *m, uint32_t batch, enum lagsim_endpoint to)
{
    if (to == LAGSIM_ENDPOINT_MIXPANEL) {
        m->out->requests++;
        if (m->pool.b[batch].attempts > 1)
            m->out->retries++;
    } else if (!m->ledger.n) {
        return;
    }
    lsi_ledger_publish_sent(m, batch, to);
}

/* segment.c: the `events` join Segment's destination queues now (called
 * just before they do). */
void lsi_ledger_segment_queued_publish(lsi_model_t *m, const lsi_list_t *events);
static inline void lsi_ledger_segment_queued(lsi_model_t *m, const lsi_list_t *events)
{
    if (m->ledger.n)
        lsi_ledger_segment_queued_publish(m, events);
}

/* mixpanel.c: Mixpanel (or the sender's timeout) refused `batch` with `status`. */
static inline void lsi_ledger_refused(lsi_model_t *m, uint32_t batch, enum lagsim_response status)
{
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_REFUSED, batch, (uint64_t)status);
}

/* The sender of `batch` waits `delay` (or LSI_AT_NEXT_FLUSH) before trying again. */
static inline void lsi_ledger_backoff(lsi_model_t *m, uint32_t batch, lagsim_time_t delay)
{
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_BACKOFF, batch, (uint64_t)delay);
}

/* client.c: the whole publisher of `batch`'s device pauses `delay` on the
 * batch's Retry-After (analytics-node). */
static inline void lsi_ledger_pause(lsi_model_t *m, uint32_t batch, lagsim_time_t delay)
{
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_PAUSE, batch, (uint64_t)delay);
}

/* client.c: Segment's tracking API refused the device's `batch` with 429
 * ([segment] inbound_policy = reject; counted apart from Mixpanel's answers). */
static inline void lsi_ledger_segment_429(lsi_model_t *m, uint32_t batch)
{
    m->out->segment_429++;
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_REFUSED, batch, (uint64_t)LAGSIM_RESP_429);
}

/* mixpanel.c: a request's answer is decided at `now` (counted by status). */
static inline void lsi_ledger_response(lsi_model_t *m, enum lagsim_response status,
                                       lagsim_time_t now)
{
    m->out->responses[status]++;
    lsi_ledger_publish_response(m, status, now);
}

/* mixpanel.c: Mixpanel took the copy `ev` again (a duplicate); unless
 * the sender keeps it, the copy then leaves the pool. */
static inline void lsi_ledger_duplicate(lsi_model_t *m, uint32_t ev, int keep_copy)
{
    m->out->duplicates++;
    if (m->ledger.n)
        lsi_ledger_publish(m, LSI_PUB_DUPLICATE, ev, (uint64_t)(keep_copy != 0));
    if (!keep_copy)
        m->copies_live--; /* the copy leaves the pool */
}

/* mixpanel.c: Mixpanel accepted the original `ev` (counted delivered,
 * then visible or processing past the run's end). With d->keep_copy the
 * record stays as a copy (the caller flags it LSI_EV_COPY). */
void lsi_ledger_delivered(lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d);

/* ---- Called by run.c ---- */

/* The engine stopped: observers' stopped(). */
void lsi_ledger_stopped(lsi_model_t *m);
/* The run's closing account: in flight, conservation, end and drain
 * times, then observers' finish(). LAGSIM_OK, LAGSIM_ECONSERVE or
 * LAGSIM_ENOMEM. */
int lsi_ledger_finish(lsi_model_t *m);

#endif /* LAGSIM_MODEL_LEDGER_H */
