/*
 * ledger.h - the ledger: the one place that counts an event's accounting,
 * and the small interface of the observers it publishes to (ledger.c).
 *
 * Included by model_internal.h (it uses the pool's records); the hops
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

struct lsi_model;
struct lsi_batch;
struct lsi_list;

/* An event Mixpanel accepted (not a copy): when, in which request, and
 * when its processing ends (computed at once by mixpanel.c). */
typedef struct lsi_delivery {
    const struct lsi_batch *batch; /* the request that carried it */
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
    void (*start)(void *ctx, struct lsi_model *m);
    /* Event `ev` was fired now by `user` (before sampling). */
    void (*fired)(void *ctx, struct lsi_model *m, uint32_t ev, uint64_t user);
    /* `ev` joined the queue of the device in client slot `slot`. */
    void (*queued)(void *ctx, struct lsi_model *m, uint32_t slot, uint32_t ev);
    /* The session of the device in `slot` ends now (its queue as it is). */
    void (*session_end)(void *ctx, struct lsi_model *m, uint32_t slot);
    /* A device sent `batch` with no network: it fails at once. */
    void (*offline)(void *ctx, struct lsi_model *m, uint32_t batch);
    /* `batch` was sent now to `to` (attempt counted in batch->attempts). */
    void (*sent)(void *ctx, struct lsi_model *m, uint32_t batch, enum lagsim_endpoint to);
    /* Segment takes the `events` (received at their seg_at) into its
     * destination queues now; `queued` is what those queues held before. */
    void (*segment_queued)(void *ctx, struct lsi_model *m, const struct lsi_list *events,
                           uint64_t queued);
    /* Mixpanel (or the sender's timeout) refused `batch` with `status`. */
    void (*refused)(void *ctx, struct lsi_model *m, uint32_t batch, enum lagsim_response status);
    /* `batch`'s sender waits `delay` (or LSI_AT_NEXT_FLUSH) before trying again. */
    void (*backoff)(void *ctx, struct lsi_model *m, uint32_t batch, lagsim_time_t delay);
    /* A request was answered (at `now`, when the answer is decided). */
    void (*response)(void *ctx, struct lsi_model *m, enum lagsim_response status,
                     lagsim_time_t now);
    /* Mixpanel took `ev` again: a duplicate ($insert_id removes it). */
    void (*duplicate)(void *ctx, struct lsi_model *m, uint32_t ev, int keep_copy);
    /* Mixpanel accepted `ev` (an original), still counted in the backlog. */
    void (*delivered)(void *ctx, struct lsi_model *m, uint32_t ev, const lsi_delivery_t *d);
    /* `ev` becomes visible within the run, at d->visible. */
    void (*visible)(void *ctx, struct lsi_model *m, uint32_t ev, const lsi_delivery_t *d);
    /* `ev` is lost for `why` now, still counted in the backlog. */
    void (*dropped)(void *ctx, struct lsi_model *m, uint32_t ev, enum lagsim_drop_reason why);
    /* A copy of an event already accepted is dropped: nothing is lost. */
    void (*copy_dropped)(void *ctx, struct lsi_model *m, uint32_t ev,
                         enum lagsim_drop_reason why);
    /* The engine stopped (now): nothing more happens. */
    void (*stopped)(void *ctx, struct lsi_model *m);
    /* The run's end time is `end`: LAGSIM_OK or LAGSIM_ENOMEM. */
    int (*finish)(void *ctx, struct lsi_model *m, lagsim_time_t end);
} lsi_observer_t;

#define LSI_OBSERVERS_MAX 4

/* The observers of a run, called in the order they were added. */
typedef struct lsi_ledger {
    const lsi_observer_t *obs[LSI_OBSERVERS_MAX];
    void *ctx[LSI_OBSERVERS_MAX];
    unsigned n;
} lsi_ledger_t;

/* The observers a run may attach (run.c registers them when asked for). */
extern const lsi_observer_t lsi_probe_observer; /* warmup_probe.c (ctx: lsi_probe_t) */
extern const lsi_observer_t lsi_trace_observer; /* trace.c (ctx: struct lsi_tracer) */

/*
 * The result's own observers, attached to every run: a fixed list the
 * ledger calls directly (no indirect call on the hot path), with the
 * same meaning as the lsi_observer_t members of the same names.
 */
struct lsi_event;
/* latencies.c: latency histograms and the per-hop breakdown (counted events only). */
void lsi_latencies_delivered(struct lsi_model *m, const struct lsi_event *e,
                             const lsi_delivery_t *d);
void lsi_latencies_visible(struct lsi_model *m, const struct lsi_event *e,
                           const lsi_delivery_t *d);
/* delivery_view.c: the Event Delivery series (result->series). */
void lsi_dv_start(struct lsi_model *m);  /* a run starts: empty, sc's window */
void lsi_dv_fired(struct lsi_model *m);  /* an event was fired (backlog up) */
/* Mixpanel accepted event e at now (before it leaves the backlog). */
void lsi_dv_delivered(struct lsi_model *m, const struct lsi_event *e, lagsim_time_t now);
/* An event (not a copy) is dropped now (before it leaves the backlog). */
void lsi_dv_dropped(struct lsi_model *m, enum lagsim_drop_reason why);
/* Event e becomes visible at `at` (counted events only): its latency into
 * the sketch of the window it was fired in (result->visible_by_fired). */
void lsi_dv_visible(struct lsi_model *m, const struct lsi_event *e, lagsim_time_t at);
void lsi_dv_request(struct lsi_model *m, const struct lsi_batch *batch); /* counts retries */
void lsi_dv_response(struct lsi_model *m, enum lagsim_response st, lagsim_time_t now);
/* The run ended at `end`: windows up to it. LAGSIM_OK or LAGSIM_ENOMEM. */
int lsi_dv_finish(struct lsi_model *m, lagsim_time_t end);

/* Adds an observer (registration, before the run starts). 0, or -1 when
 * the table is full. */
int lsi_ledger_observe(struct lsi_model *m, const lsi_observer_t *o, void *ctx);
/* The run starts: observers' start(). */
void lsi_ledger_start(struct lsi_model *m);

/* ---- Called by the hops where the thing happens ---- */

/* workload.c: event `ev` was fired now by `user` (counts fired, the backlog's peak). */
void lsi_ledger_fired(struct lsi_model *m, uint32_t ev, uint64_t user);
/* client.c: a fired event could not enter the pipeline (out of memory):
 * it is not counted (the run fails). */
void lsi_ledger_unfired(struct lsi_model *m);
void lsi_ledger_queued(struct lsi_model *m, uint32_t slot, uint32_t ev);
void lsi_ledger_session_end(struct lsi_model *m, uint32_t slot);
/* client.c: a send failed at once for want of network (counted). */
void lsi_ledger_offline(struct lsi_model *m, uint32_t batch);
/* A request leaves now; to Mixpanel it counts as a request (a retry after
 * the first attempt). */
void lsi_ledger_sent(struct lsi_model *m, uint32_t batch, enum lagsim_endpoint to);
/* segment.c: the `events` join Segment's destination queues now (called
 * just before they do). */
void lsi_ledger_segment_queued(struct lsi_model *m, const struct lsi_list *events);
void lsi_ledger_refused(struct lsi_model *m, uint32_t batch, enum lagsim_response status);
void lsi_ledger_backoff(struct lsi_model *m, uint32_t batch, lagsim_time_t delay);
/* mixpanel.c: a request's answer is decided at `now` (counted by status). */
void lsi_ledger_response(struct lsi_model *m, enum lagsim_response status, lagsim_time_t now);
/* mixpanel.c: Mixpanel took the copy `ev` again (a duplicate); unless
 * the sender keeps it, the copy then leaves the pool. */
void lsi_ledger_duplicate(struct lsi_model *m, uint32_t ev, int keep_copy);
/* mixpanel.c: Mixpanel accepted the original `ev` (counted delivered,
 * then visible or processing past the run's end). With d->keep_copy the
 * record stays as a copy (the caller flags it LSI_EV_COPY). */
void lsi_ledger_delivered(struct lsi_model *m, uint32_t ev, const lsi_delivery_t *d);

/* ---- Called by run.c ---- */

/* The engine stopped: observers' stopped(). */
void lsi_ledger_stopped(struct lsi_model *m);
/* The run's closing account: in flight, conservation, end and drain
 * times, then observers' finish(). LAGSIM_OK, LAGSIM_ECONSERVE or
 * LAGSIM_ENOMEM. */
int lsi_ledger_finish(struct lsi_model *m);

#endif /* LAGSIM_MODEL_LEDGER_H */
