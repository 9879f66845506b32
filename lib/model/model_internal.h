/*
 * model_internal.h - the model's private structures, shared by the files
 * of lib/model (workload, client, segment, mixpanel, run), and at its end
 * the ledger (ledger.h), through which the hops report what happens.
 *
 * Memory follows the backlog: an event in the pipeline is one 64-byte
 * record in a pool (a growable array with a free list, addressed by
 * uint32 index), a device's queue and a request's batch are intrusive
 * lists through those records, Segment's destination queues are rings of
 * (id, size) entries read front to back (ring.c), and a client device
 * has state only while it holds events (a slot found through
 * device_table.c's direct index or hash table). Nothing on the per-event
 * path calls malloc once the pools have grown to the backlog's size.
 */
#ifndef LAGSIM_MODEL_INTERNAL_H
#define LAGSIM_MODEL_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lagsim/model.h"
#include "lagsim/trace.h"

#define LSI_NIL UINT32_MAX
/* lsi_segment_send(): the sender does not wait for Segment's 200. */
#define LSI_NO_ACK UINT64_MAX

/* SplitMix64's finaliser: the hash of users and of device keys. */
static inline uint64_t lsi_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
/* lsi_backoff_delay(): "retry at the sender's next flush tick". */
#define LSI_AT_NEXT_FLUSH ((lagsim_time_t)-1)

/* ---- Pools ----------------------------------------------------------------- */

/*
 * An event's milestones are kept as times, so that its latency splits
 * into hops that add up exactly (see latencies.c): the other
 * milestones are the send times kept on the batch that carries it.
 */
typedef struct lsi_event {
    lagsim_time_t fired_at;
    lagsim_time_t sent_at;   /* first left the device (LSI_UNSENT before) */
    lagsim_time_t resent_at; /* cloud: the client send that reached Segment */
    lagsim_time_t seg_at;    /* received by Segment (cloud path) */
    lagsim_time_t stage_at;  /* entered the queue it is in now */
    lagsim_time_t dest_sent_at; /* cloud: first sent by Segment's destination */
    uint32_t next;           /* list link */
    uint32_t bytes;          /* JSON size */
    uint16_t type;           /* index into scenario event_types */
    uint8_t flags;           /* identity kind (LSI_ID_*) | LSI_EV_COPY */
    uint8_t path;            /* LAGSIM_MODE_CLOUD or LAGSIM_MODE_DEVICE */
} lsi_event_t;

#define LSI_UNSENT ((lagsim_time_t)-1)
/* Identity kinds (flags & LSI_ID_MASK). */
#define LSI_ID_KNOWN 0u
#define LSI_ID_NEW 1u
#define LSI_ID_MERGE 2u
#define LSI_ID_MASK 3u
/* Mixpanel already accepted this event: the record is a copy that a
 * retry (or a re-send after a page unload) carries again, and that
 * $insert_id deduplication will remove. */
#define LSI_EV_COPY 4u
/* A followed event (lagsim_run_traced()): its milestones are reported. */
#define LSI_EV_TRACED 8u

/* A FIFO of events, linked through lsi_event.next. */
typedef struct lsi_list {
    uint32_t head;
    uint32_t tail;
    uint32_t count;
    uint64_t bytes;
} lsi_list_t;

/* Who sent a request: the index of the response handler it registered
 * (lsi_model_t.on_response), and who a trace names as its sender. */
enum lsi_sender { LSI_SENDER_CLIENT, LSI_SENDER_SEGMENT, LSI_SENDER_COUNT };

/* One request (a batch of events) on its way, or waiting to be retried. */
typedef struct lsi_batch {
    lsi_list_t events;
    lagsim_time_t first_sent_at;
    lagsim_time_t attempt_sent_at; /* when the current attempt was sent */
    lagsim_time_t recv_at;     /* cloud: when Segment received it */
    lagsim_time_t back_delay;  /* response's trip back to the sender */
    lagsim_time_t oldest_seg_at; /* cloud, Segment's batches: a lower bound of
                                    its events' seg_at (set at the first send) */
    uint32_t attempts;         /* sends so far */
    uint32_t owner;            /* client slot (LSI_SENDER_CLIENT) */
    uint32_t owner_gen;
    uint32_t next;             /* free list / retry queue link */
    uint8_t sender;            /* enum lsi_sender */
    uint8_t status;            /* enum lagsim_response of the last try */
    uint16_t code;             /* its HTTP status code (0: no answer) */
    uint8_t at_exit;           /* sent as a session ended */
    uint8_t throttled;         /* waited for Segment's inbound limit */
    uint8_t seg_big_event;     /* cloud: an event is over Segment's per-event limit */
    uint8_t to_track;          /* device: sent to /track (browser, mobile), not /import */
    uint8_t keeps_copy;        /* sent at exit by an SDK that keeps what it sent */
    lagsim_time_t timeout;     /* the sender's request timeout */
    uint64_t event_bytes_max;  /* no event is larger (a limit the sender enforced) */
    lagsim_time_t retry_after; /* the answer's Retry-After header (0: none) */
    uint32_t ra_waits;         /* retries that waited on Retry-After (retry_rules.c) */
    uint8_t offline;           /* the last try failed at once: the device was offline */
    uint64_t ack;              /* cloud, inbound_policy = reject: the sender's token for
                                  Segment's 200 (lsi_segment_send()) */
} lsi_batch_t;

/* Records [0, used) have been handed out at least once; a record is
 * taken from the free list first, then from `used` on, so memory past it
 * is never touched (it stays out of the resident set). */
typedef struct lsi_pool {
    lsi_event_t *ev;
    uint32_t ev_cap, ev_used, ev_free, ev_live;
    lsi_batch_t *b;
    uint32_t b_cap, b_used, b_free, b_live;
} lsi_pool_t;

int lsi_pool_init(lsi_pool_t *p);
void lsi_pool_free(lsi_pool_t *p);
/* Index of a fresh record, or LSI_NIL when out of memory. */
uint32_t lsi_event_alloc(lsi_pool_t *p);
void lsi_event_release(lsi_pool_t *p, uint32_t id);
uint32_t lsi_batch_alloc(lsi_pool_t *p);
void lsi_batch_release(lsi_pool_t *p, uint32_t id);

static inline void lsi_list_init(lsi_list_t *l)
{
    l->head = l->tail = LSI_NIL;
    l->count = 0;
    l->bytes = 0;
}
void lsi_list_push(lsi_pool_t *p, lsi_list_t *l, uint32_t id);
uint32_t lsi_list_pop(lsi_pool_t *p, lsi_list_t *l);
/* Moves every event of `src` after `dst`'s; `src` ends empty. */
void lsi_list_append(lsi_pool_t *p, lsi_list_t *dst, lsi_list_t *src);
/* Moves every event of `src` in front of `dst`'s; `src` ends empty. */
void lsi_list_prepend(lsi_pool_t *p, lsi_list_t *dst, lsi_list_t *src);

/* A FIFO of event ids with their sizes in one circular array (ring.c):
 * Segment's destination queues, read front to back in large batches. */
typedef struct lsi_ring {
    uint64_t *e;     /* entries: id | (uint64_t)bytes << 32 */
    uint32_t cap;    /* a power of two, or 0 before the first push */
    uint32_t head;   /* index of the first entry */
    uint32_t count;
    uint64_t bytes;
} lsi_ring_t;

void lsi_ring_free(lsi_ring_t *r);
/* Appends one event; 0, or -1 when out of memory. */
int lsi_ring_push(lsi_ring_t *r, uint32_t id, uint32_t bytes);
/* Appends (or puts in front) every event of `l`, in order; `l` is left
 * as it is. 0, or -1 when out of memory. */
int lsi_ring_push_list(lsi_pool_t *p, lsi_ring_t *r, const lsi_list_t *l);
int lsi_ring_prepend_list(lsi_pool_t *p, lsi_ring_t *r, const lsi_list_t *l);
/* The first event's id and size (the ring is not empty). */
static inline uint32_t lsi_ring_front(const lsi_ring_t *r)
{
    return (uint32_t)r->e[r->head];
}
static inline uint32_t lsi_ring_front_bytes(const lsi_ring_t *r)
{
    return (uint32_t)(r->e[r->head] >> 32);
}
/* Moves the first events of `src` into `dst` (emptied first), linked as a
 * list: as many as fit in max_count events and max_bytes (always at least
 * one). */
void lsi_ring_take(lsi_pool_t *p, lsi_ring_t *src, lsi_list_t *dst, uint32_t max_count,
                   uint64_t max_bytes);

/* ---- The ledger's observers (ledger.h) ------------------------------------ */

struct lsi_observer;
#define LSI_OBSERVERS_MAX 4

/* The observers registered for a run, called in the order they were added
 * (the result's own are not here: the ledger calls them directly). */
typedef struct lsi_ledger {
    const struct lsi_observer *obs[LSI_OBSERVERS_MAX];
    void *ctx[LSI_OBSERVERS_MAX];
    unsigned n;
} lsi_ledger_t;

/* ---- Rate limiter ------------------------------------------------------ */

#define LSI_LIMITER_SLOTS 600

typedef struct lsi_limiter {
    enum lagsim_limiter kind;
    double limit_events; /* per window (rolling) or bucket depth */
    double limit_bytes;
    double rate_events;  /* per second */
    double rate_bytes;
    lagsim_time_t window;
    lagsim_time_t slot_width;
    int64_t slot_index;  /* absolute index of the current slot */
    double sum_events, sum_bytes;
    double slot_events[LSI_LIMITER_SLOTS];
    double slot_bytes[LSI_LIMITER_SLOTS];
    lagsim_time_t last;  /* token bucket: last refill */
    double tokens_events, tokens_bytes;
} lsi_limiter_t;

void lsi_limiter_init(lsi_limiter_t *l, const lagsim_scenario_t *sc);
/* 1 and the request counted if `events`/`bytes` fit at `now`, else 0. */
int lsi_limiter_admit(lsi_limiter_t *l, lagsim_time_t now, double events, double bytes);

/* Seconds of arrival counts kept to measure the offered rate (sampling). */
#define LSI_RATE_SLOTS 600

/* 1 for the 5xx codes Segment's libraries do not retry (501, 505, 511). */
static inline int lsi_code_not_retried(unsigned code)
{
    return code == 501 || code == 505 || code == 511;
}

/* Seconds until the limiter would admit `events`/`bytes` (after a refusal
 * at `now`), or its whole window if it never would. */
lagsim_time_t lsi_limiter_wait(const lsi_limiter_t *l, lagsim_time_t now, double events,
                               double bytes);

/* ---- Retry rules (retry_rules.c) ---------------------------------------- */

/* What a sender does with an answer. */
enum lsi_verdict {
    LSI_ACCEPTED, /* 2xx: done */
    LSI_REJECTED, /* dropped as invalid, never retried */
    LSI_RETRY,    /* kept and retried by the sender's rules */
    LSI_HALVE     /* 413 to an SDK that halves its batch size */
};
/* A client SDK's verdict on the batch's last answer (status, code). */
enum lsi_verdict lsi_sdk_verdict(const lagsim_sdk_t *sdk, const lsi_batch_t *batch);
/* Segment's Mixpanel destination's verdict (Actions' rules). */
enum lsi_verdict lsi_dest_verdict(const lagsim_scenario_t *sc, const lsi_batch_t *batch);
/* The wait an SDK takes from the batch's Retry-After (clamped to its
 * retry_after_min/max), or 0 if it does not honour this one (no header,
 * `ignore`, or past retry_after_limit). */
lagsim_time_t lsi_retry_after_wait(const lagsim_sdk_t *sdk, const lsi_batch_t *batch);
/* The Retry-After a server with `policy` puts on a refusal, given the
 * time until it would admit the request (whole seconds, at least 1 s). */
lagsim_time_t lsi_retry_after_header(lagsim_time_t policy, lagsim_time_t until_admit);

/* ---- Backoff ------------------------------------------------------------- */

/* Delay before retry n (1-based), or LSI_AT_NEXT_FLUSH. */
lagsim_time_t lsi_backoff_delay(const lagsim_backoff_t *b, uint32_t n, gsl_rng *rng);
/* 1 if retry n is past the policy's limits after `elapsed` of retrying. */
int lsi_backoff_gives_up(const lagsim_backoff_t *b, uint32_t n, lagsim_time_t elapsed);

/* ---- The model of one run ------------------------------------------------ */

/* Random streams, one per component (common random numbers across modes). */
enum lsi_stream {
    LSI_RNG_ARRIVALS = 1,
    LSI_RNG_EVENT_TYPE,
    LSI_RNG_USER,
    LSI_RNG_PAYLOAD,
    LSI_RNG_IDENTITY,
    LSI_RNG_CLIENT_NET,
    LSI_RNG_CLIENT_BACKOFF,
    LSI_RNG_SEGMENT,
    LSI_RNG_SEGMENT_BACKOFF,
    LSI_RNG_MIXPANEL,
    LSI_RNG_MIXPANEL_FAULTS,
    LSI_RNG_PROCESSING,
    LSI_RNG_CLIENT_LIFE,    /* sessions, offline spells */
    LSI_RNG_SAMPLING,
    LSI_RNG_MMPP,       /* the MMPP's state switches (new streams go last) */
    LSI_RNG_COUNT
};

/*
 * A client device's SDK state while it holds events: 128 bytes, 64-byte
 * aligned (device_table.c). The first cache line holds what accepting an
 * event, a poll of the queue and a timer firing read every time; the
 * second what a send, a response or a new session reads.
 */
typedef struct lsi_client {
    /* The hot line. */
    lsi_list_t queue;
    lagsim_time_t timer_at;
    lagsim_time_t phase;   /* PERIODIC, CHAIN timers: a tick of the flush timer
                              (the ticks are phase + k * flush_interval);
                              PER_BATCH: when the open batch's timer fires */
    lagsim_time_t blocked_until;
    lagsim_time_t session_end_at; /* 0: the session outlasts the run */
    uint32_t gen;          /* bumped when the slot is freed */
    uint8_t kind;          /* index into scenario clients (< LAGSIM_MAX_CLIENTS) */
    uint8_t path;          /* which SDK: cloud or device */
    uint8_t timer_armed;
    uint8_t chain_busy : 1;       /* CHAIN timer: a flush's request is out, the chain waits */
    uint8_t between_sessions : 1; /* the session ended: nothing is sent */
    /* The cold line. */
    uint32_t in_flight;
    uint32_t parked;       /* batches waiting to be retried */
    uint32_t level;        /* backoff step (= failures unless keep_interval) */
    uint32_t failures;     /* consecutive failed sends (serial senders) */
    uint32_t batch_cap;    /* batch size after 413 halving (0: the SDK's) */
    uint32_t next_free;
    lagsim_time_t first_fail_at;
    lagsim_time_t offline_from;   /* the user's offline spell, [from, until) */
    lagsim_time_t offline_until;
    uint64_t key;          /* user * 2 + path */
    uint8_t tries;         /* failed sends of the flush in progress (flush_tries) */
} lsi_client_t;

/* The size the layout above is meant to have (a test of the build). */
#define LSI_CLIENT_LINE 64
_Static_assert(offsetof(lsi_client_t, in_flight) == LSI_CLIENT_LINE,
               "lsi_client_t: the hot fields fill exactly the first cache line");
_Static_assert(sizeof(lsi_client_t) == 2 * LSI_CLIENT_LINE, "lsi_client_t: two cache lines");

/* An entry of the device table: the slot and the low 32 bits of the
 * key's hash, so that probing, growing and deleting never read a slot. */
typedef struct lsi_table_entry {
    uint32_t slot;         /* LSI_NIL: empty */
    uint32_t hash;
} lsi_table_entry_t;

/* Devices of a run with at most this many (user, path) keys are found
 * through a direct index (4 bytes a key: 8 MB at most, and only the pages
 * of users who fire are touched); beyond, through the hash table. */
#define LSI_INDEX_MAX (UINT32_C(1) << 21)

typedef struct lsi_clients {
    lsi_client_t *slot;       /* 64-byte aligned, inside slot_mem */
    void *slot_mem;           /* the allocation (LSI_CLIENT_LINE bytes more) */
    uint32_t cap, used, free_head, live; /* used: as in lsi_pool_t */
    uint32_t *index;          /* (user << shift) + (path & shift) -> slot + 1
                                 (0: none), or NULL when the table is used */
    uint32_t shift;           /* 1 in a hybrid run (two devices a user), else 0 */
    lsi_table_entry_t *table; /* open addressing: key -> slot (index NULL) */
    uint32_t table_mask;
} lsi_clients_t;

/* device_table.c */
/* The device slots of a run of sc in `mode`, found through the direct
 * index or the hash table (see device_table.c). */
int lsi_clients_init(lsi_clients_t *cs, const lagsim_scenario_t *sc, enum lagsim_mode mode);
void lsi_clients_free(lsi_clients_t *cs);
/* The slot of (user, path), user < the scenario's users; a new one, with
 * key and path set and *created = 1, if it had none. LSI_NIL when out of
 * memory. */
uint32_t lsi_clients_get(lsi_clients_t *cs, uint64_t user, unsigned path, int *created);
/* Frees slot s (its gen bumped): (user, path) has no slot any more. */
void lsi_clients_remove(lsi_clients_t *cs, uint32_t s);
/* Starts loading the lookup's entry for (user, path), which
 * lsi_clients_get() is about to read (a likely cache miss). */
void lsi_clients_prefetch(const lsi_clients_t *cs, uint64_t user, unsigned path);
/* Bytes the slots and the lookup take (users: the scenario's). */
uint64_t lsi_clients_bytes(const lsi_clients_t *cs, uint64_t users);

/* A piece of the arrival-rate function: from `start` on, `rate`
 * events/s plus `slope` events/s per second since start. */
typedef struct lsi_rate_piece {
    lagsim_time_t start;
    double rate;
    double slope;
} lsi_rate_piece_t;


/* The Poisson arrival process, modulated by a two-state Markov chain when
 * the scenario sets an MMPP (workload.c). */
typedef struct lsi_arrivals {
    lsi_rate_piece_t *pieces;   /* n_pieces + a sentinel (traffic.c) */
    unsigned n_pieces;
    unsigned piece;             /* current piece of the walk */
    double clock;               /* exact time of the last arrival, us */
    gsl_rng *rng;               /* LSI_RNG_ARRIVALS */
    gsl_rng *mmpp_rng;          /* LSI_RNG_MMPP: the chain's switches */
    int mmpp_on;
    int mmpp_state;             /* 1: high, 0: low */
    double mmpp_until;          /* exact time of the next switch, us */
    double mmpp_factor[2];      /* rate multipliers of the low and high state */
    double mmpp_mean[2];        /* mean sojourns, us */
    uint64_t mmpp_switches;     /* switches so far (for tests) */
} lsi_arrivals_t;

typedef struct lsi_model {
    const lagsim_scenario_t *sc;
    enum lagsim_mode mode;
    lagsim_sim_t *sim;
    gsl_rng *rng[LSI_RNG_COUNT];
    gsl_rng *trait_rng;         /* reseeded per user for per-user draws */
    lagsim_result_t *out;
    lagsim_time_t end_limit;
    int failed;                 /* out of memory somewhere: stop */

    /* workload */
    lsi_arrivals_t arrivals;    /* the Poisson (or MMPP) arrivals */
    void *replay;               /* sc->replay.source's stream, or NULL */
    lagsim_replay_row_t replay_row; /* the next replayed row (scheduled) */
    gsl_ran_discrete_t *type_table;
    /* sampling: events fired per second over the trailing window */
    uint32_t rate_slot[LSI_RATE_SLOTS];
    int64_t rate_second;        /* the second the newest slot counts */
    uint64_t rate_sum;
    double client_cum[LAGSIM_MAX_CLIENTS];

    lsi_pool_t pool;
    lsi_clients_t clients;

    /* Segment's Mixpanel destination */
    struct {
        lsi_ring_t queue[3]; /* by enum lagsim_priority (one used without tiers) */
        uint32_t in_flight;
        uint32_t retry_head, retry_tail; /* batches ready to retry */
        uint8_t timer_armed;
        lagsim_time_t timer_at;
        uint32_t retry_streak; /* tiers: attempts of the last failed batch */
        lagsim_time_t blocked_until; /* tiers: the destination pauses until then */
    } dest;

    lsi_limiter_t limiter;
    uint64_t processing;        /* ledger: delivered, visible only after the end */
    uint64_t copies_live;       /* ledger: LSI_EV_COPY records in the pool */
    lagsim_time_t seg_inbound_free; /* Segment's inbound limit: when it is next free */
    lagsim_time_t burst_at;     /* time of the latest request sent */
    uint64_t burst_count;       /* requests sent at exactly that time */
    int stuck;                  /* a zero-delay loop was detected */
    lagsim_time_t last_settle;  /* ledger: last visible or dropped time */
    struct lsi_tracer *trace;   /* run.c: the trace observer's state; NULL: not tracing */
    enum lagsim_trace_trigger send_trigger; /* client.c: what makes the SDK send now (read
                                               by the trace observer) */
    lagsim_time_t watch_at;     /* backlog_watch.c: time of the last sample, */
    uint64_t watch_backlog;     /* the backlog then, */
    double watch_area;          /* and its integral so far, event-seconds */
    lagsim_time_t warmup;       /* latencies count for events fired from then on */
    struct lsi_probe *probe;    /* warmup.c's pilot: latency by firing time, or NULL */
    lsi_ledger_t ledger;        /* the observers the ledger publishes to (ledger.c) */
    /* The response handler each kind of sender registered (its
     * lsi_*_register()): Mixpanel answers through it, knowing no sender. */
    void (*on_response[LSI_SENDER_COUNT])(struct lsi_model *m, uint32_t batch);
    /* The client's handler of Segment's 200 (its token names the device). */
    void (*on_segment_ok)(struct lsi_model *m, uint64_t token);
} lsi_model_t;

/* warmup_probe.c: the pilot's record of latency to visible by firing window. */
typedef struct lsi_probe {
    lagsim_time_t width; /* of a window */
    uint32_t n;          /* windows, covering [0, horizon) */
    double *sum;         /* [n] latencies of the visible events fired in it, us */
    uint64_t *count;     /* [n] how many */
} lsi_probe_t;

/* run.c: a run, with latencies counted from `warmup` on and (if probe is
 * not NULL) recorded by firing window for warmup.c. */
int lsi_run(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
            const lagsim_run_limits_t *limits, const lagsim_trace_t *trace,
            lagsim_time_t warmup, lsi_probe_t *probe, lagsim_result_t *out);
/* run.c: lsi_run() with one more observer of the ledger (for tests), if
 * `extra` is not NULL. */
int lsi_run_observed(const lagsim_scenario_t *sc, enum lagsim_mode mode, uint32_t replication,
                     const lagsim_run_limits_t *limits, const lagsim_trace_t *trace,
                     lagsim_time_t warmup, lsi_probe_t *probe, const struct lsi_observer *extra,
                     void *extra_ctx, lagsim_result_t *out);

/* traffic.c */
/* The Poisson arrival rate (MMPP aside) as linear pieces, allocated
 * (the caller frees them): *n pieces plus a sentinel of rate 0 at the
 * horizon. NULL when out of memory. */
lsi_rate_piece_t *lsi_rate_pieces_create(const lagsim_scenario_t *sc, unsigned *n);
/* The daily profile's multiplier at simulated time t. */
double lsi_profile_at(const lagsim_scenario_t *sc, lagsim_time_t t);
/* Stationary mean of the MMPP's rate multiplier (1 without an MMPP). */
double lsi_mmpp_mean_factor(const lagsim_scenario_t *sc);
/* LAGSIM_OK if every rate derived from several keys is finite and at
 * most LAGSIM_RATE_MAX; else LAGSIM_EINVAL with a message that starts
 * with the section to blame ("[burst.NAME] ...", "[traffic] ..."), or
 * LAGSIM_ENOMEM. */
int lsi_rate_validate(const lagsim_scenario_t *sc, char *msg, size_t msg_size);


/* workload.c */
/* Sets up the arrivals of sc on the two streams (draws the chain's first
 * state). LAGSIM_OK or LAGSIM_ENOMEM; free with lsi_arrivals_free(). */
int lsi_arrivals_init(lsi_arrivals_t *a, const lagsim_scenario_t *sc, gsl_rng *arrivals,
                      gsl_rng *mmpp);
/* Time of the next arrival, or LAGSIM_TIME_MAX once past the horizon. */
lagsim_time_t lsi_arrivals_next(lsi_arrivals_t *a);
void lsi_arrivals_free(lsi_arrivals_t *a);
int lsi_workload_init(lsi_model_t *m);
void lsi_workload_free(lsi_model_t *m);
void lsi_workload_start(lsi_model_t *m);

/* client.c */
void lsi_clients_free(lsi_clients_t *cs);
/* Events stored on devices between sessions (at the end of a run). */
uint64_t lsi_clients_waiting(const lsi_model_t *m);
/* An event fired on a user's device enters its SDK. */
void lsi_client_accept(lsi_model_t *m, uint64_t user, uint32_t ev);
/* Schedules the process exits of the server SDKs that flush at shutdown
 * (flush_at_shutdown), once at the start of a run. */
void lsi_clients_start(lsi_model_t *m);

/* segment.c: a client hands Segment's tracking API a request now
 * (attempts, attempt_sent_at and sender set): it arrives after `one_way`,
 * an answer takes `back` to return. Segment answers through the client's
 * registered handlers: its 200 by m->on_segment_ok(ack) unless `ack` is
 * LSI_NO_ACK (the SDK does not wait for it), its 429 (inbound_policy =
 * reject) by m->on_response[batch->sender]. */
void lsi_segment_send(lsi_model_t *m, uint32_t batch, lagsim_time_t one_way, lagsim_time_t back,
                      uint64_t ack);

/* mixpanel.c */
/* Sends a batch to Mixpanel; the sender's response handler runs later. */
void lsi_mixpanel_send(lsi_model_t *m, uint32_t batch, lagsim_time_t one_way);
/* Each sender registers the handler of its responses in m->on_response. */
void lsi_client_register(lsi_model_t *m);
void lsi_segment_register(lsi_model_t *m);

/* run.c: empties a result (keeping its histograms) for a new run. */
void lsi_result_reset(lagsim_result_t *r, enum lagsim_mode mode, uint32_t replication);
/* ledger.c: every event leaves the live pipeline through one of these
 * (counted by reason), unless Mixpanel accepts it. */
void lsi_drop(lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why);
void lsi_drop_list(lsi_model_t *m, lsi_list_t *l, enum lagsim_drop_reason why);
/* Marks an out-of-memory failure and stops the engine. */
void lsi_fail(lsi_model_t *m);
/* Counts a request sent now; stops the run if the clock is stuck (so
 * many requests at one instant that only a zero-delay loop explains). */
void lsi_note_request(lsi_model_t *m);

/* scenario_delivery.c: the series_window and [alert.*] checks of lagsim_scenario_validate(). */
int lsi_delivery_validate(const lagsim_scenario_t *sc, char *msg, size_t msg_size);
/* client.c: index of the scenario client that `user` is on. */
unsigned lsi_user_client(const lsi_model_t *m, uint64_t user);

/* backlog_watch.c: samples the backlog at `t` (between chunks of the run)
 * into the result's backlog_area, backlog_span and backlog_drained_at. */
void lsi_backlog_watch(lsi_model_t *m, lagsim_time_t t);

/* trace.c: the trace observer's state (lsi_trace_observer is its hooks):
 * which events a traced run follows. */
struct lsi_tracer *lsi_trace_create(const lagsim_trace_t *t, enum lagsim_mode mode);
void lsi_trace_destroy(struct lsi_tracer *t);
/* 1 if the run may stop: every followed event settled, stop_when_settled. */
int lsi_trace_done(const struct lsi_tracer *t, const lsi_model_t *m);

/* Keeps the process-wide sum of the state of runs in progress
 * (memory_guard.c): *held is what this run counted so far, now_bytes what
 * it holds now. */
void lsi_memory_note(uint64_t *held, uint64_t now_bytes);

/*
 * The longest delay the model ever schedules at once: a sampled duration
 * or a backoff is clamped to it. With every duration key at most 366 days
 * (the drain limit 30 days), no time the model computes from them - the
 * end limit plus a few such delays - can come near the clock's int64
 * range, so plain additions cannot overflow.
 */
#define LSI_DELAY_MAX (366 * LAGSIM_DAY)

/* A duration drawn from `d` (seconds) in microseconds, in [0,
 * LSI_DELAY_MAX], so that heavy tails cannot overflow the clock (NaN and
 * negative draws give 0). */
static inline lagsim_time_t lsi_sample_time(const lagsim_dist_t *d, gsl_rng *r)
{
    const double us = lagsim_dist_sample(d, r) * (double)LAGSIM_SEC + 0.5;
    if (!(us > 0))
        return 0;
    return us < (double)LSI_DELAY_MAX ? (lagsim_time_t)us : LSI_DELAY_MAX;
}

/* The ledger: what the hops call where the thing counted happens. */
#include "model/ledger.h"

#endif /* LAGSIM_MODEL_INTERNAL_H */
