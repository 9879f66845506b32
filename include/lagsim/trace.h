/*
 * lagsim/trace.h - following a few events through one run, milestone by
 * milestone: the optional trace hook of the model.
 *
 * A traced run is an ordinary run (lagsim_run_limited()) that also calls
 * a function of yours at each milestone of the events it follows: fired,
 * queued on the device, sent, accepted by Segment, in Segment's
 * destination queue, refused by Mixpanel (429, 5xx, ...), the backoff the
 * sender chose, delivered (2xx), identity resolved, indexed = visible; or
 * dropped, and why; or still in flight when the run ended. Tracing reads
 * the model and never changes it: a traced run gives the same results,
 * number for number, as an untraced one (unless stop_when_settled ends
 * it early). Without a trace the model pays one predictable branch per
 * milestone.
 *
 * Which events are followed: the first event (of the filtered type, if
 * any) fired at or after `from`, then the first fired at or after
 * `from + gap` (and after the previous one), and so on until `follow`
 * events are followed. lagsim_trace_plan() picks `from` and `gap` so that
 * the followed events are spread over the scenario's largest burst, or,
 * without bursts, start a tenth of the way into the horizon. The choice
 * depends only on arrival times and types, which every mode shares
 * (common random numbers), so each mode follows the same events.
 *
 *     static void on_point(void *ctx, const lagsim_trace_point_t *p) { ... }
 *     lagsim_trace_t tr = {.fn = on_point, .ctx = mine, .follow = 5, .type = -1};
 *     lagsim_trace_plan(&sc, tr.follow, &tr.from, &tr.gap);
 *     lagsim_run_traced(&sc, LAGSIM_MODE_CLOUD, 0, NULL, &tr, result);
 */
#ifndef LAGSIM_TRACE_H
#define LAGSIM_TRACE_H

#include <stdint.h>

#include "lagsim/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most events one run can follow. */
#define LAGSIM_TRACE_MAX 256

/* The milestones, in the order they usually come. */
enum lagsim_trace_kind {
    LAGSIM_TRACE_FIRED,            /* the product fired it (type, user, client, bytes, identity) */
    LAGSIM_TRACE_QUEUED,           /* queued in the SDK on the device (queued: events queued;
                                      delay: how much longer the SDK backs off, 0 if it does not) */
    LAGSIM_TRACE_SESSION_END,      /* the session ended while it was queued on the device */
    LAGSIM_TRACE_OFFLINE,          /* a send failed at once: the device was offline */
    LAGSIM_TRACE_SENT,             /* a request carrying it left (by, to, batch, attempt) */
    LAGSIM_TRACE_SEGMENT_ACCEPTED, /* Segment's tracking API took it (200 to the device) */
    LAGSIM_TRACE_SEGMENT_QUEUED,   /* in Segment's queue for Mixpanel (queued: events waiting) */
    LAGSIM_TRACE_REFUSED,          /* Mixpanel answered its request with `status`, not 2xx */
    LAGSIM_TRACE_BACKOFF,          /* its sender (`by`) waits `delay` before send `attempt`
                                      (or, `behind`, before sending anything more) */
    LAGSIM_TRACE_DELIVERED,        /* Mixpanel accepted it (2xx): by, batch, attempt */
    LAGSIM_TRACE_ANSWER_LOST,      /* accepted, but the sender never hears so: it keeps a copy */
    LAGSIM_TRACE_INGESTED,         /* Mixpanel ingested it */
    LAGSIM_TRACE_IDENTITY,         /* identity resolved (identity: known, new or merge) */
    LAGSIM_TRACE_VISIBLE,          /* indexed: visible in reports */
    LAGSIM_TRACE_DUPLICATE,        /* a copy reached Mixpanel again; $insert_id removed it */
    LAGSIM_TRACE_DROPPED,          /* it (or a copy, if `copy`) left the pipeline: reason */
    LAGSIM_TRACE_IN_FLIGHT,        /* not settled when the run ended */
    LAGSIM_TRACE_KIND_COUNT
};

/* Short name of a milestone ("fired", "sent", ...). */
const char *lagsim_trace_kind_name(enum lagsim_trace_kind k);

/* Who sent a request, or chose a backoff. */
enum lagsim_trace_by { LAGSIM_TRACE_BY_SDK, LAGSIM_TRACE_BY_SEGMENT };

/* How Mixpanel resolved the identity (LAGSIM_TRACE_FIRED, _IDENTITY). */
enum lagsim_identity { LAGSIM_IDENTITY_KNOWN, LAGSIM_IDENTITY_NEW, LAGSIM_IDENTITY_MERGE };

/* What made an SDK send a request (LAGSIM_TRACE_SENT by the SDK). */
enum lagsim_trace_trigger {
    LAGSIM_TRIGGER_NONE,        /* nothing to tell: a retry, a send at once, a flush at exit */
    LAGSIM_TRIGGER_TICK,        /* its periodic flush timer ticked */
    LAGSIM_TRIGGER_BATCH_TIMER, /* the batch's own timer fired, flush_interval after its first event */
    LAGSIM_TRIGGER_CHAIN,       /* its timer chain fired (restarted after each flush) */
    LAGSIM_TRIGGER_FULL,        /* flush_at events were queued */
    LAGSIM_TRIGGER_SHUTDOWN     /* the server process exited and flushed its queue */
};

/* "none", "tick", "batch_timer", "chain", "full", "shutdown". */
const char *lagsim_trace_trigger_name(enum lagsim_trace_trigger t);

/* A backoff that waits for the sender's next flush tick (`delay`). */
#define LAGSIM_TRACE_NEXT_FLUSH ((lagsim_time_t)-1)

/*
 * One milestone of one followed event. Which detail fields mean something
 * depends on `kind` (see the enum); the others are 0. Valid only during
 * the call: copy what you keep.
 */
typedef struct lagsim_trace_point {
    uint32_t event;               /* 0, 1, ...: the followed events in firing order */
    enum lagsim_trace_kind kind;
    enum lagsim_mode mode;        /* the run's mode */
    lagsim_time_t at;             /* simulated time of the milestone */
    lagsim_time_t fired_at;       /* when the event was fired */
    /* what the event is (every milestone) */
    uint32_t type;                /* index into the scenario's event_types */
    uint32_t client;              /* index into the scenario's clients */
    enum lagsim_mode path;        /* cloud (via Segment) or device */
    uint64_t user;
    uint32_t bytes;               /* JSON size */
    enum lagsim_identity identity;
    /* details */
    enum lagsim_trace_by by;      /* SENT, BACKOFF, DELIVERED, REFUSED: the sender */
    enum lagsim_endpoint to;      /* SENT: Segment or Mixpanel */
    enum lagsim_trace_trigger trigger; /* SENT by the SDK: what made it send */
    uint32_t batch;               /* SENT, REFUSED, DELIVERED: events in the request */
    uint32_t attempt;             /* SENT, OFFLINE, REFUSED, DELIVERED: this event's sends on
                                     this leg (device to Segment, or to Mixpanel) so far,
                                     1 for its first try; BACKOFF: the send it waits for */
    enum lagsim_response status;  /* REFUSED: Mixpanel's answer */
    lagsim_time_t delay;          /* BACKOFF: the wait chosen, or LAGSIM_TRACE_NEXT_FLUSH;
                                     QUEUED: the SDK's backoff still to run (0: none) */
    uint64_t queued;              /* QUEUED, SEGMENT_QUEUED: events in that queue, this one included */
    enum lagsim_drop_reason reason; /* DROPPED */
    uint32_t copy;                /* DROPPED, DUPLICATE: 1 if about a copy of a delivered event */
    uint32_t flushed;             /* SESSION_END: 1 if the SDK sends its queue as the session ends */
    uint32_t kept;                /* SESSION_END: 1 if the SDK keeps its queue for the next session */
    uint32_t behind;              /* BACKOFF: 1 if the event was not in the failed request but
                                     waits behind it, queued in an SDK that sends one request
                                     at a time */
    uint32_t code;                /* REFUSED: the HTTP code (0: no answer) */
    lagsim_time_t retry_after;    /* REFUSED: the answer's Retry-After (0: none); BACKOFF:
                                     the header the sender honours with this wait (0: none) */
    uint32_t paused;              /* BACKOFF: the sender's whole publisher pauses on the
                                     Retry-After (analytics-node): batches waiting for it */
    uint32_t at_segment;          /* REFUSED: 1 if Segment's tracking API refused it (429) */
} lagsim_trace_point_t;

/* Called at each milestone, from the thread running the run. It must not
 * call back into the run. */
typedef void (*lagsim_trace_fn)(void *ctx, const lagsim_trace_point_t *p);

/* What to follow and whom to tell. */
typedef struct lagsim_trace {
    lagsim_trace_fn fn;    /* called at each milestone (required) */
    void *ctx;             /* its first argument */
    uint32_t follow;       /* events to follow, 1 .. LAGSIM_TRACE_MAX */
    lagsim_time_t from;    /* the first followed event is the first fired at or after this */
    lagsim_time_t gap;     /* the next ones, at or after from + gap, from + 2 gap, ... */
    int type;              /* follow only this event type (index), or -1 (any negative) for any */
    int stop_when_settled; /* 1: end the run (partial, LAGSIM_STOP_TRACED) once every followed
                              event has settled and no copy of one is left */
} lagsim_trace_t;

/*
 * Picks `from` and `gap` for `follow` events: spread evenly over the
 * scenario's largest burst (the one adding the most events above the base
 * rate, within the horizon), at the middle of each of `follow` equal
 * slices of it, so they show the start of the burst and, later, the
 * backlog and its 429s; without bursts, one every 10 s (less if the
 * horizon is short) from a tenth of the way into the horizon, after the
 * pipeline has warmed up.
 */
void lagsim_trace_plan(const lagsim_scenario_t *sc, uint32_t follow, lagsim_time_t *from,
                       lagsim_time_t *gap);

/*
 * lagsim_run_limited() that also follows events as `trace` says (NULL:
 * no tracing, exactly lagsim_run_limited()). Returns as lagsim_run_limited()
 * does, or LAGSIM_EINVAL (nothing run) if trace->fn is NULL, follow is 0
 * or above LAGSIM_TRACE_MAX, or type is not an event type of `sc`. At the
 * end, every followed event not settled gets a LAGSIM_TRACE_IN_FLIGHT
 * milestone at the time the run stopped.
 */
int lagsim_run_traced(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
                      const lagsim_run_limits_t *limits, const lagsim_trace_t *trace,
                      lagsim_result_t *out);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_TRACE_H */
