/*
 * model_internal.h - the model's private structures, shared by the files
 * of lib/model (workload, client, segment, mixpanel, run).
 *
 * Memory follows the backlog: an event in the pipeline is one 40-byte
 * record in a pool (a growable array with a free list, addressed by
 * uint32 index), queues and request batches are intrusive lists through
 * those records, and a client device has state only while it holds
 * events. Nothing on the per-event path calls malloc once the pools have
 * grown to the backlog's size.
 */
#ifndef LAGSIM_MODEL_INTERNAL_H
#define LAGSIM_MODEL_INTERNAL_H

#include <stdint.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lagsim/model.h"

#define LSI_NIL UINT32_MAX
/* lsi_backoff_delay(): "retry at the sender's next flush tick". */
#define LSI_AT_NEXT_FLUSH ((lagsim_time_t)-1)

/* ---- Pools ----------------------------------------------------------------- */

typedef struct lsi_event {
    lagsim_time_t fired_at;
    lagsim_time_t seg_at;   /* received by Segment (cloud path) */
    lagsim_time_t stage_at; /* entered the queue it is in now */
    uint32_t next;          /* list link */
    uint32_t bytes;         /* JSON size */
    uint16_t type;          /* index into scenario event_types */
    uint8_t is_new;         /* distinct_id new to Mixpanel */
    uint8_t path;           /* LAGSIM_MODE_CLOUD or LAGSIM_MODE_DEVICE */
} lsi_event_t;

/* A FIFO of events, linked through lsi_event.next. */
typedef struct lsi_list {
    uint32_t head;
    uint32_t tail;
    uint32_t count;
    uint64_t bytes;
} lsi_list_t;

enum lsi_sender { LSI_SENDER_CLIENT, LSI_SENDER_SEGMENT };

/* One request (a batch of events) on its way, or waiting to be retried. */
typedef struct lsi_batch {
    lsi_list_t events;
    lagsim_time_t first_sent_at;
    lagsim_time_t back_delay;  /* response's trip back to the sender */
    uint32_t attempts;         /* sends so far */
    uint32_t owner;            /* client slot (LSI_SENDER_CLIENT) */
    uint32_t owner_gen;
    uint32_t next;             /* free list / retry queue link */
    uint8_t sender;            /* enum lsi_sender */
    uint8_t status;            /* enum lagsim_response of the last try */
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
/* Moves the first events of `src` into the empty list `dst`: as many as
 * fit in max_count events and max_bytes (always at least one). One pass,
 * no per-event relinking. */
void lsi_list_take(lsi_pool_t *p, lsi_list_t *src, lsi_list_t *dst, uint32_t max_count,
                   uint64_t max_bytes);
/* Moves every event of `src` in front of `dst`'s; `src` ends empty. */
void lsi_list_prepend(lsi_pool_t *p, lsi_list_t *dst, lsi_list_t *src);

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
    LSI_RNG_COUNT
};

/* A client device's SDK state while it holds events. */
typedef struct lsi_client {
    uint64_t key;          /* user * 2 + path */
    uint32_t gen;          /* bumped when the slot is freed */
    uint16_t kind;         /* index into scenario clients */
    uint8_t path;          /* which SDK: cloud or device */
    uint8_t timer_armed;
    lagsim_time_t timer_at;
    lagsim_time_t phase;   /* offset of the periodic flush timer */
    lagsim_time_t blocked_until;
    lagsim_time_t first_fail_at;
    lsi_list_t queue;
    uint32_t in_flight;
    uint32_t failures;     /* consecutive failed sends (serial senders) */
    uint32_t parked;       /* batches waiting to be retried */
    uint32_t next_free;
} lsi_client_t;

/* An entry of the device table: the slot and the low 32 bits of the
 * key's hash, so that probing, growing and deleting never read a slot. */
typedef struct lsi_table_entry {
    uint32_t slot;         /* LSI_NIL: empty */
    uint32_t hash;
} lsi_table_entry_t;

typedef struct lsi_clients {
    lsi_client_t *slot;
    uint32_t cap, used, free_head, live; /* used: as in lsi_pool_t */
    lsi_table_entry_t *table; /* open addressing: key -> slot */
    uint32_t table_mask;
} lsi_clients_t;

/* A piece of the arrival-rate function: `rate` from `start` on. */
typedef struct lsi_rate_piece {
    lagsim_time_t start;
    double rate;
} lsi_rate_piece_t;

typedef struct lsi_model {
    const lagsim_scenario_t *sc;
    enum lagsim_mode mode;
    lagsim_sim_t *sim;
    gsl_rng *rng[LSI_RNG_COUNT];
    lagsim_result_t *out;
    lagsim_time_t end_limit;
    int failed;                 /* out of memory somewhere: stop */

    /* workload */
    lsi_rate_piece_t pieces[2 * LAGSIM_MAX_BURSTS + 2];
    unsigned n_pieces;
    unsigned piece;             /* current piece of the arrival walk */
    double arrival_clock;       /* exact time of the last arrival, us */
    gsl_ran_discrete_t *type_table;
    double client_cum[LAGSIM_MAX_CLIENTS];

    lsi_pool_t pool;
    lsi_clients_t clients;

    /* Segment's Mixpanel destination */
    struct {
        lsi_list_t queue;
        uint32_t in_flight;
        uint32_t retry_head, retry_tail; /* batches ready to retry */
        uint8_t timer_armed;
        lagsim_time_t timer_at;
    } dest;

    lsi_limiter_t limiter;
    uint64_t processing;        /* delivered, visible only after the end */
    lagsim_time_t burst_at;     /* time of the latest request sent */
    uint64_t burst_count;       /* requests sent at exactly that time */
    int stuck;                  /* a zero-delay loop was detected */
    lagsim_time_t last_settle;  /* last visible or dropped time */
} lsi_model_t;

/* workload.c */
/* The arrival rate as pieces (2 * bursts + 1 at most, plus a sentinel
 * piece of rate 0 at the horizon); returns how many, sentinel excluded. */
unsigned lsi_rate_pieces(const lagsim_scenario_t *sc, lsi_rate_piece_t *pieces);
int lsi_workload_init(lsi_model_t *m);
void lsi_workload_free(lsi_model_t *m);
void lsi_workload_start(lsi_model_t *m);

/* client.c */
int lsi_clients_init(lsi_clients_t *cs);
void lsi_clients_free(lsi_clients_t *cs);
/* An event fired on a user's device enters its SDK. */
void lsi_client_accept(lsi_model_t *m, uint64_t user, uint32_t ev);

/* segment.c: a client request's events arrive at Segment. */
void lsi_segment_receive(lsi_model_t *m, uint32_t batch, lagsim_time_t recv_at);

/* mixpanel.c */
/* Sends a batch to Mixpanel; the sender's response handler runs later. */
void lsi_mixpanel_send(lsi_model_t *m, uint32_t batch, lagsim_time_t one_way);
/* Response handlers of the two kinds of sender. */
void lsi_client_on_response(lsi_model_t *m, uint32_t batch);
void lsi_segment_on_response(lsi_model_t *m, uint32_t batch);

/* run.c: every event leaves the live pipeline through one of these. */
void lsi_drop(lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why);
void lsi_drop_list(lsi_model_t *m, lsi_list_t *l, enum lagsim_drop_reason why);
/* Marks an out-of-memory failure and stops the engine. */
void lsi_fail(lsi_model_t *m);
/* Counts a request sent now; stops the run if the clock is stuck (so
 * many requests at one instant that only a zero-delay loop explains). */
void lsi_note_request(lsi_model_t *m);

/* A duration drawn from `d` (seconds) in microseconds, at most a year so
 * that heavy tails cannot overflow the clock. */
static inline lagsim_time_t lsi_sample_time(const lagsim_dist_t *d, gsl_rng *r)
{
    const double us = lagsim_dist_sample(d, r) * (double)LAGSIM_SEC + 0.5;
    return us < (double)(366 * LAGSIM_DAY) ? (lagsim_time_t)us : 366 * LAGSIM_DAY;
}

#endif /* LAGSIM_MODEL_INTERNAL_H */
