/*
 * client.c - the client SDK on each device: its queue, its flush timer,
 * the requests it sends (to Segment in cloud mode, to Mixpanel in device
 * mode) and how it retries them.
 *
 * A device has state only while it holds events: a slot found by (user,
 * path) through device_table.c (a direct index by user, or a hash table
 * for huge user counts), freed when its queue is empty and nothing is in
 * flight or parked. Its flush timer is never
 * simulated tick by tick: when it is needed, the next tick is computed.
 * Three kinds of timer (lagsim_sdk_t flush_timer):
 *  - PERIODIC ticks at phase + k * flush_interval; the phase is a hash of
 *    the user (a timer started at page load), or, for a client whose
 *    devices start together (phase = aligned), the moment they start;
 *  - PER_BATCH fires flush_interval after the first event entered the
 *    empty queue, as analytics-node's timer per batch (the device's
 *    `phase` field holds when);
 *  - CHAIN is a periodic tick whose phase moves: when a flush's request
 *    finishes and the queue is empty, the next tick is flush_interval
 *    later (mixpanel-js's setTimeout chain). Such a device keeps its slot
 *    while its session lasts, idle or not, since its phase has drifted.
 * A server SDK that flushes at shutdown sends its whole queue when its
 * process exits (the end of the horizon, or the client's shutdown_at).
 *
 * Two retry shapes cover the SDKs (see sdk_presets.c):
 *  - serial senders (max_in_flight == 1: mixpanel-js, the mobile SDKs) put
 *    a failed batch back at the head of the queue and stop sending until
 *    the backoff ends (or the next flush, for retry-at-next-flush SDKs);
 *  - parallel senders (analytics.js, analytics-node, server) park each
 *    failed batch and retry it on its own schedule; analytics-node's
 *    publisher-wide Retry-After pause (blocked_until) holds them all.
 * What an answer means to each SDK (status codes, Retry-After) is decided
 * in retry_rules.c. In cloud mode the device hears back from Segment only
 * when its tracking API may refuse ([segment] inbound_policy = reject).
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

/* The user's platform and timer phase are fixed functions of the user (and
 * the seed), the same in every mode. */
static uint64_t user_hash(const lsi_model_t *m, uint64_t user)
{
    return lsi_mix64(user ^ lsi_mix64(m->sc->seed));
}

static unsigned client_kind(const lsi_model_t *m, uint64_t h)
{
    const double u = (double)(h >> 11) * 0x1.0p-53;
    unsigned kind = 0;
    while (u >= m->client_cum[kind])
        kind++;
    return kind;
}

unsigned lsi_user_client(const lsi_model_t *m, uint64_t user)
{
    return client_kind(m, user_hash(m, user));
}

/* A uniform number in [0, 1) fixed for the user and the purpose `salt`. */
static double user_unit(uint64_t h, uint64_t salt)
{
    return (double)(lsi_mix64(h ^ salt) >> 11) * 0x1.0p-53;
}

#define SALT_ADBLOCK 0xad0b10c4ull
#define SALT_OFFLINE 0x0ff11e5eull
#define SALT_OFFLINE_AT 0x0ff1a7edull

/*
 * Whether the user's ad blocker stops its SDK's requests to `to`: block
 * lists name Segment's and Mixpanel's hosts separately, and a first-party
 * proxy in front of a host hides it. One draw per user for both hosts
 * (so a user who blocks the more often blocked host is the one who blocks
 * the other too), the same in every mode.
 */
static int user_blocked(const lagsim_client_t *cl, uint64_t h, enum lagsim_endpoint to)
{
    return cl->adblock[to] > 0 && !cl->proxy[to] && user_unit(h, SALT_ADBLOCK) < cl->adblock[to];
}

/* The first tick of a PERIODIC or CHAIN timer of client `cl`'s device
 * whose user hashes to h: random (hashed) or the moment they all start. */
static lagsim_time_t timer_phase(const lsi_model_t *m, const lagsim_client_t *cl, uint64_t h,
                                 lagsim_time_t interval)
{
    if (interval <= 0)
        return 0;
    if (cl->phase == LAGSIM_PHASE_RANDOM)
        return (lagsim_time_t)(lsi_mix64(h) % (uint64_t)interval);
    lagsim_time_t start = cl->phase_at;
    for (unsigned i = 0; cl->phase_burst[0] && i < m->sc->n_bursts; i++)
        if (strcmp(m->sc->bursts[i].name, cl->phase_burst) == 0)
            start = m->sc->bursts[i].start;
    return start % interval;
}

/*
 * The user's offline spell, if it has one: it starts at a uniform time in
 * the horizon and lasts a draw from offline_duration, made on a stream
 * seeded by the user alone, so it is the same in every mode and whenever
 * the device's state is rebuilt.
 */
static void user_offline(lsi_model_t *m, const lagsim_client_t *cl, uint64_t h,
                         lagsim_time_t *from, lagsim_time_t *until)
{
    *from = *until = 0;
    if (cl->offline_share <= 0 || user_unit(h, SALT_OFFLINE) >= cl->offline_share)
        return;
    *from = (lagsim_time_t)(user_unit(h, SALT_OFFLINE_AT) * (double)m->sc->horizon);
    gsl_rng_set(m->trait_rng, (unsigned long)lsi_mix64(h ^ SALT_OFFLINE));
    *until = *from + lsi_sample_time(&cl->offline_duration, m->trait_rng);
}

static int offline_at(const lsi_client_t *c, lagsim_time_t now)
{
    return now >= c->offline_from && now < c->offline_until;
}

static int has_sessions(const lagsim_client_t *cl)
{
    return !(cl->session_length.kind == LAGSIM_DIST_CONST && cl->session_length.p[0] <= 0);
}

static const lagsim_sdk_t *sdk_of(const lsi_model_t *m, const lsi_client_t *c)
{
    return &m->sc->clients[c->kind].sdk[c->path];
}

/* The device state of (user, path), created on first use. */
static uint32_t client_get(lsi_model_t *m, uint64_t user, unsigned path)
{
    lsi_clients_t *cs = &m->clients;
    int created;
    const uint32_t s = lsi_clients_get(cs, user, path, &created);
    if (s == LSI_NIL || !created)
        return s;

    lsi_client_t *c = &cs->slot[s];
    const uint64_t h = user_hash(m, user);
    const unsigned kind = client_kind(m, h);
    c->kind = (uint8_t)kind;
    c->timer_armed = 0;
    c->chain_busy = 0;
    c->timer_at = 0;
    const lagsim_client_t *cl = &m->sc->clients[kind];
    c->phase = timer_phase(m, cl, h, cl->sdk[path].flush_interval);
    c->blocked_until = 0;
    c->first_fail_at = 0;
    user_offline(m, cl, h, &c->offline_from, &c->offline_until);
    c->between_sessions = 0;
    c->session_end_at = has_sessions(cl)
        ? lagsim_sim_now(m->sim) + 1 + lsi_sample_time(&cl->session_length, m->rng[LSI_RNG_CLIENT_LIFE])
        : 0;
    lsi_list_init(&c->queue);
    c->in_flight = 0;
    c->failures = 0;
    c->tries = 0;
    c->level = 0;
    c->batch_cap = 0;
    c->parked = 0;
    return s;
}

uint64_t lsi_clients_waiting(const lsi_model_t *m)
{
    /* A freed slot's queue is empty: every slot handed out may be read. */
    uint64_t n = 0;
    for (uint32_t s = 0; s < m->clients.used; s++)
        if (m->clients.slot[s].between_sessions)
            n += m->clients.slot[s].queue.count;
    return n;
}

/* Frees the device state once it holds nothing. */
static void client_release_if_idle(lsi_model_t *m, uint32_t s)
{
    lsi_clients_t *cs = &m->clients;
    lsi_client_t *c = &cs->slot[s];
    if (c->queue.count || c->in_flight || c->parked)
        return;
    if (sdk_of(m, c)->flush_timer == LAGSIM_TIMER_CHAIN && !c->between_sessions &&
        sdk_of(m, c)->flush_interval > 0)
        return; /* the page stays open: its timer chain goes on */
    /* mixpanel-js after a success: its next flush (at blocked_until) is
     * the one that may find the queue empty and reset the interval. */
    if (c->level > 0 && sdk_of(m, c)->keep_interval &&
        c->blocked_until > lagsim_sim_now(m->sim))
        return;
    c->timer_armed = 0;
    lsi_clients_remove(cs, s);
}

static uint64_t token(uint32_t s, uint32_t gen)
{
    return ((uint64_t)gen << 32) | s;
}

static void on_client_timer(lagsim_sim_t *sim, void *ctx, uint64_t arg);

/* Makes sure the client's flush logic runs at `at` (or earlier). */
static void arm_timer(lsi_model_t *m, uint32_t s, lagsim_time_t at)
{
    lsi_client_t *c = &m->clients.slot[s];
    if (c->timer_armed && c->timer_at <= at)
        return;
    c->timer_armed = 1;
    c->timer_at = at;
    if (lagsim_sim_schedule(m->sim, at, on_client_timer, m, token(s, c->gen)) != LAGSIM_OK)
        lsi_fail(m);
}

/* First tick of the device's periodic flush timer strictly after `now`. */
static lagsim_time_t next_tick(const lsi_client_t *c, lagsim_time_t interval, lagsim_time_t now)
{
    if (interval <= 0)
        return now;
    if (now < c->phase)
        return c->phase;
    const lagsim_time_t k = (now - c->phase) / interval + 1;
    return c->phase + k * interval;
}

static void send_batch(lsi_model_t *m, uint32_t s, uint32_t b);
static void end_session(lsi_model_t *m, uint32_t s);
static void send_to_segment(lsi_model_t *m, uint32_t b, const lagsim_client_t *cl, uint64_t ack);

/* Sends what the SDK may send now: batches of up to batch_size while
 * in-flight room remains. */
static void flush_now(lsi_model_t *m, uint32_t s)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    const uint32_t size = c->batch_cap > 0 && c->batch_cap < sdk->batch_size ? c->batch_cap
                                                                             : sdk->batch_size;
    while (c->queue.count > 0 && (sdk->max_in_flight == 0 || c->in_flight < sdk->max_in_flight)) {
        const uint32_t b = lsi_batch_alloc(&m->pool);
        if (b == LSI_NIL) {
            lsi_fail(m);
            return;
        }
        lsi_batch_t *batch = &m->pool.b[b];
        const lagsim_time_t now = lagsim_sim_now(m->sim);
        while (batch->events.count < size && c->queue.count > 0) {
            const uint32_t id = lsi_list_pop(&m->pool, &c->queue);
            lsi_event_t *e = &m->pool.ev[id];
            if (sdk->max_age > 0 && now - e->fired_at > sdk->max_age) {
                lsi_drop(m, id, LAGSIM_DROP_TOO_OLD); /* purged from the device's store */
                continue;
            }
            if (e->sent_at == LSI_UNSENT)
                e->sent_at = now;
            lsi_list_push(&m->pool, &batch->events, id);
        }
        if (batch->events.count == 0) {
            lsi_batch_release(&m->pool, b);
            break;
        }
        batch->owner = s;
        batch->owner_gen = c->gen;
        /* A serial sender's failed events went back to the head of the
         * queue: the batch that carries them again is a retry. */
        batch->attempts = sdk->max_in_flight == 1 ? c->failures + c->tries : 0;
        send_batch(m, s, b);
        c = &m->clients.slot[s];
        if (sdk->flush_timer == LAGSIM_TIMER_CHAIN && c->in_flight > 0)
            c->chain_busy = 1;
    }
}

/* When the device's flush timer next fires after `now` (it flushes
 * then), or LAGSIM_TIME_MAX while a CHAIN timer waits for its request. */
static lagsim_time_t next_flush(const lsi_client_t *c, const lagsim_sdk_t *sdk, lagsim_time_t now)
{
    switch (sdk->flush_timer) {
    case LAGSIM_TIMER_PER_BATCH: return c->phase > now ? c->phase : now + sdk->flush_interval;
    case LAGSIM_TIMER_CHAIN:
        if (c->chain_busy)
            return LAGSIM_TIME_MAX;
        return next_tick(c, sdk->flush_interval, now);
    case LAGSIM_TIMER_PERIODIC:
    case LAGSIM_TIMER_COUNT: break;
    }
    return next_tick(c, sdk->flush_interval, now);
}

/*
 * A CHAIN timer whose flush's request has just been answered (nothing in
 * flight any more): if the SDK does not flush again at once (a success
 * with more queued does), the chain restarts. After a failure its next
 * flush is when the backoff ends; else flush_interval from now, as
 * mixpanel-js's resetFlush() when a flush finds the queue empty.
 */
static void chain_restart(lsi_model_t *m, lsi_client_t *c, const lagsim_sdk_t *sdk, int again)
{
    if (!c->chain_busy || c->in_flight > 0)
        return;
    c->chain_busy = 0;
    if (again && c->queue.count > 0)
        return;
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    c->phase = c->blocked_until > now ? c->blocked_until : now + sdk->flush_interval;
}

/* What made the SDK look at its queue. */
enum poll_reason {
    POLL_OTHER, /* a response, a backoff ending, a session starting */
    POLL_TICK,  /* its flush timer */
    POLL_EVENT  /* a new event was queued */
};

/*
 * Decides what to do after something changed: send, or wait for the
 * timer, the backoff or a response. A full queue (flush_at) triggers a
 * flush only when an event is queued, as the SDKs check it in track():
 * a failed batch put back in the queue waits for the next tick.
 */
static void client_poll(lsi_model_t *m, uint32_t s, enum poll_reason why)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if (sdk->flush_timer == LAGSIM_TIMER_CHAIN)
        chain_restart(m, c, sdk, why == POLL_TICK);
    /* mixpanel-js: a flush that finds the queue empty resets its interval. */
    if (why == POLL_TICK && c->queue.count == 0 && sdk->keep_interval && now >= c->blocked_until)
        c->level = 0;
    if (c->queue.count == 0 && c->level > 0 && sdk->keep_interval && now < c->blocked_until)
        arm_timer(m, s, c->blocked_until);
    if (c->queue.count > 0 && !c->between_sessions) {
        /* A PER_BATCH timer flushes only when the open batch's own timer
         * is due (an earlier timer was cleared when its batch went out),
         * or when a backoff ends. */
        const int tick = why == POLL_TICK &&
                         (sdk->flush_timer != LAGSIM_TIMER_PER_BATCH || now >= c->phase ||
                          (c->blocked_until > 0 && now == c->blocked_until));
        if (now < c->blocked_until) {
            arm_timer(m, s, c->blocked_until);
        } else if (tick || sdk->flush_interval <= 0 ||
                   (why == POLL_EVENT && sdk->flush_at > 0 && c->queue.count >= sdk->flush_at)) {
            /* What made the SDK send, for whoever follows the sends. */
            m->send_trigger = sdk->flush_interval <= 0 ||
                                      (c->blocked_until > 0 && now == c->blocked_until)
                                  ? LAGSIM_TRIGGER_NONE
                              : !tick ? LAGSIM_TRIGGER_FULL
                              : sdk->flush_timer == LAGSIM_TIMER_PER_BATCH && now >= c->phase
                                  ? LAGSIM_TRIGGER_BATCH_TIMER
                              : sdk->flush_timer == LAGSIM_TIMER_CHAIN ? LAGSIM_TRIGGER_CHAIN
                                                                       : LAGSIM_TRIGGER_TICK;
            flush_now(m, s);
            m->send_trigger = LAGSIM_TRIGGER_NONE;
        }
        c = &m->clients.slot[s];
        /* What is left opens a new batch, whose timer starts now. */
        if (sdk->flush_timer == LAGSIM_TIMER_PER_BATCH && c->queue.count > 0 && c->phase <= now)
            c->phase = now + sdk->flush_interval;
        const lagsim_time_t next = next_flush(c, sdk, now);
        if (c->queue.count > 0 && now >= c->blocked_until && next != LAGSIM_TIME_MAX)
            arm_timer(m, s, next);
        if (c->queue.count > 0 && c->session_end_at > now)
            arm_timer(m, s, c->session_end_at);
    }
    client_release_if_idle(m, s);
}

static void on_client_timer(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    lsi_model_t *m = ctx;
    const uint32_t s = (uint32_t)arg;
    lsi_client_t *c = &m->clients.slot[s];
    if (c->gen != (uint32_t)(arg >> 32) || !c->timer_armed || c->timer_at != lagsim_sim_now(sim))
        return; /* stale: the slot was freed, or the timer re-armed earlier */
    c->timer_armed = 0;
    if (c->session_end_at > 0 && lagsim_sim_now(sim) >= c->session_end_at && !c->between_sessions) {
        end_session(m, s);
        client_poll(m, s, POLL_OTHER);
        return;
    }
    client_poll(m, s, POLL_TICK);
}

/*
 * An SDK that sends every event at once, with no limit on requests in
 * flight and no queue (analytics.js standard delivery), keeps no state
 * worth simulating on the device in cloud mode, where the tracking API
 * always answers 200: the event goes straight out as a request of one.
 */
static int sends_at_once(const lagsim_sdk_t *sdk)
{
    return sdk->endpoint == LAGSIM_ENDPOINT_SEGMENT && sdk->flush_interval <= 0 &&
           sdk->max_in_flight == 0 && sdk->queue_cap == 0;
}

/* Segment's tracking API answers 429 above its inbound limit: the devices
 * must hear its answers. */
static int segment_rejects(const lsi_model_t *m)
{
    return m->sc->segment.inbound_policy == LAGSIM_INBOUND_REJECT &&
           m->sc->segment.inbound_limit > 0;
}

/*
 * Sends everything the device has queued now, in batches of the SDK's
 * size, whatever its limit on requests in flight: at the end of a session
 * (at_exit: sendBeacon, a flush on backgrounding) or as a server process
 * exits (closeAndFlush()). 0 when out of memory (the run stops).
 */
static int send_whole_queue(lsi_model_t *m, uint32_t s, int at_exit)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    while (c->queue.count > 0) {
        const uint32_t b = lsi_batch_alloc(&m->pool);
        if (b == LSI_NIL) {
            lsi_fail(m);
            return 0;
        }
        lsi_batch_t *batch = &m->pool.b[b];
        while (batch->events.count < sdk->batch_size && c->queue.count > 0) {
            const uint32_t id = lsi_list_pop(&m->pool, &c->queue);
            if (m->pool.ev[id].sent_at == LSI_UNSENT)
                m->pool.ev[id].sent_at = now;
            lsi_list_push(&m->pool, &batch->events, id);
        }
        batch->owner = s;
        batch->owner_gen = c->gen;
        batch->at_exit = (uint8_t)at_exit;
        send_batch(m, s, b);
        if (m->failed)
            return 0;
        c = &m->clients.slot[s];
    }
    return 1;
}

/*
 * The session ends (page closed, app sent to the background and killed).
 * An SDK that flushes at exit sends its whole queue now (sendBeacon, or
 * the mobile SDKs' flush on backgrounding); then nothing more is sent
 * until the user's next event starts a new session. What is still queued
 * waits for that session if the SDK persists its queue, and is lost if
 * not.
 */
static void end_session(lsi_model_t *m, uint32_t s)
{
    lsi_ledger_session_end(m, s);
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    if (sdk->flush_on_exit) {
        if (!send_whole_queue(m, s, 1))
            return;
        c = &m->clients.slot[s];
    }
    c->between_sessions = 1;
    if (!sdk->persist)
        lsi_drop_list(m, &c->queue, LAGSIM_DROP_SESSION_END);
}

/* The user fires an event on a device whose session had ended: a new
 * session (a new page or app process) starts with a fresh SDK. */
static void start_session(lsi_model_t *m, lsi_client_t *c)
{
    const lagsim_client_t *cl = &m->sc->clients[c->kind];
    c->between_sessions = 0;
    c->failures = 0;
    c->tries = 0;
    c->level = 0;
    c->batch_cap = 0;
    c->blocked_until = 0;
    c->chain_busy = 0;
    c->phase = timer_phase(m, cl, user_hash(m, c->key / 2), cl->sdk[c->path].flush_interval);
    c->session_end_at = lagsim_sim_now(m->sim) + 1 +
                        lsi_sample_time(&m->sc->clients[c->kind].session_length,
                                        m->rng[LSI_RNG_CLIENT_LIFE]);
}

void lsi_client_accept(lsi_model_t *m, uint64_t user, uint32_t ev)
{
    const unsigned path = m->pool.ev[ev].path;
    const uint64_t h = user_hash(m, user);
    const lagsim_client_t *cl = &m->sc->clients[client_kind(m, h)];
    if (user_blocked(cl, h, cl->sdk[path].endpoint)) {
        lsi_drop(m, ev, LAGSIM_DROP_ADBLOCK);
        return;
    }
    if (sends_at_once(&cl->sdk[path]) && cl->offline_share <= 0 && !has_sessions(cl) &&
        !segment_rejects(m)) {
        const uint32_t b = lsi_batch_alloc(&m->pool);
        if (b == LSI_NIL) {
            lsi_fail(m);
            return;
        }
        m->pool.ev[ev].sent_at = lagsim_sim_now(m->sim);
        lsi_list_push(&m->pool, &m->pool.b[b].events, ev);
        send_to_segment(m, b, cl, LSI_NO_ACK);
        return;
    }
    const uint32_t s = client_get(m, user, path);
    if (s == LSI_NIL) {
        lsi_event_release(&m->pool, ev);
        lsi_ledger_unfired(m);
        lsi_fail(m);
        return;
    }
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if (!c->between_sessions && c->session_end_at > 0 && now >= c->session_end_at &&
        c->queue.count == 0 && c->in_flight == 0 && c->parked == 0)
        c->between_sessions = 1; /* an idle page kept for its timer chain was closed */
    if (c->between_sessions)
        start_session(m, c);
    if (sdk->queue_cap > 0 && c->queue.count >= sdk->queue_cap) {
        lsi_drop(m, ev, LAGSIM_DROP_QUEUE_OVERFLOW);
        client_release_if_idle(m, s);
        return;
    }
    m->pool.ev[ev].stage_at = now;
    if (sdk->flush_timer == LAGSIM_TIMER_PER_BATCH && c->queue.count == 0) {
        /* The first event of an empty batch starts its timer. */
        c->phase = now + sdk->flush_interval;
    }
    lsi_list_push(&m->pool, &c->queue, ev);
    lsi_ledger_queued(m, s, ev);
    client_poll(m, s, POLL_EVENT);
}

/* A client's one-way trip to `to`: half a round trip, plus the proxy in
 * front of that host if any. */
static lagsim_time_t client_one_way(lsi_model_t *m, const lagsim_client_t *cl, lagsim_time_t rtt,
                                    enum lagsim_endpoint to)
{
    lagsim_time_t t = rtt / 2;
    if (cl->proxy[to])
        t += lsi_sample_time(&cl->proxy_latency, m->rng[LSI_RNG_CLIENT_NET]);
    return t;
}

/*
 * Cloud mode: the request leaves for Segment's tracking API, over the
 * device's network; Segment takes it from there and answers through this
 * file's registered handlers (lsi_client_register): its 200 by
 * on_segment_ok(ack) when the SDK waits for it (`ack`, else LSI_NO_ACK),
 * a 429 by on_response().
 */
static void send_to_segment(lsi_model_t *m, uint32_t b, const lagsim_client_t *cl, uint64_t ack)
{
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t rtt = lsi_sample_time(&m->sc->network.client_rtt, m->rng[LSI_RNG_CLIENT_NET]);
    const lagsim_time_t one_way = client_one_way(m, cl, rtt, LAGSIM_ENDPOINT_SEGMENT);
    batch->attempts++;
    batch->attempt_sent_at = lagsim_sim_now(m->sim);
    batch->sender = LSI_SENDER_CLIENT;
    lsi_segment_send(m, b, one_way, rtt - rtt / 2, ack);
}

static void on_response(lsi_model_t *m, uint32_t b);

/* The answer to a send that failed offline: the device hears it at once. */
static void on_answer(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    on_response(ctx, (uint32_t)arg);
}

static void send_batch(lsi_model_t *m, uint32_t s, uint32_t b)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_client_t *cl = &m->sc->clients[c->kind];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);

    if (offline_at(c, now)) {
        /* No network: the request fails at once, and the SDK treats it
         * as any failed send. */
        if (batch->attempts == 0 || sdk->max_in_flight == 1)
            batch->first_sent_at = now;
        batch->attempts++;
        batch->attempt_sent_at = now;
        batch->sender = LSI_SENDER_CLIENT;
        batch->status = LAGSIM_RESP_TIMEOUT;
        batch->code = 0;
        batch->retry_after = 0;
        batch->offline = 1;
        c->in_flight++;
        lsi_ledger_offline(m, b);
        lsi_note_request(m);
        if (lagsim_sim_schedule(m->sim, now, on_answer, m, b) != LAGSIM_OK)
            lsi_fail(m);
        return;
    }
    if (sdk->endpoint == LAGSIM_ENDPOINT_MIXPANEL) {
        const lagsim_time_t rtt = lsi_sample_time(&m->sc->network.client_rtt,
                                                  m->rng[LSI_RNG_CLIENT_NET]);
        const lagsim_time_t one_way = client_one_way(m, cl, rtt, LAGSIM_ENDPOINT_MIXPANEL);
        if (batch->attempts == 0 || sdk->max_in_flight == 1)
            batch->first_sent_at = now;
        batch->attempts++;
        batch->attempt_sent_at = now;
        batch->sender = LSI_SENDER_CLIENT;
        batch->offline = 0;
        /* What Mixpanel's side needs of the device, carried so that it
         * need not read the device's state (a cache miss). */
        batch->to_track = cl->platform != LAGSIM_PLATFORM_SERVER;
        batch->timeout = sdk->request_timeout;
        batch->keeps_copy = batch->at_exit && sdk->exit_keeps_copy;
        c->in_flight++;
        batch->back_delay = rtt - rtt / 2 + (one_way - rtt / 2);
        lsi_mixpanel_send(m, b, one_way);
        return;
    }
    if (segment_rejects(m)) {
        /* The device hears every answer, 200 or 429. */
        if (batch->attempts == 0 || sdk->max_in_flight == 1)
            batch->first_sent_at = now;
        batch->offline = 0;
        c->in_flight++;
        send_to_segment(m, b, cl, token(s, c->gen));
        return;
    }
    /* The device waits for the 200 only when its SDK limits the requests
     * in flight. */
    if (sdk->max_in_flight > 0)
        c->in_flight++;
    send_to_segment(m, b, cl, sdk->max_in_flight > 0 ? token(s, c->gen) : LSI_NO_ACK);
}

/*
 * After a successful send, a serial SDK goes straight on with what is
 * still queued (mixpanel-js flushes again at once; the mobile SDKs send
 * every queued batch in one flush). A parallel SDK never waited for the
 * response, so the success changes nothing: its queue keeps to the flush
 * timer and flush_at.
 */
static void after_success(lsi_model_t *m, uint32_t s)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    c->failures = 0;
    c->tries = 0;
    if (!sdk->keep_interval) {
        c->level = 0;
    } else if (c->level > 0 && c->queue.count == 0) {
        /* mixpanel-js: with nothing left, the next flush comes after the
         * current (doubled) interval; it resets it if the queue is still
         * empty then (client_poll()). */
        const lagsim_time_t d = lsi_backoff_delay(&sdk->backoff, c->level,
                                                  m->rng[LSI_RNG_CLIENT_BACKOFF]);
        if (d != LSI_AT_NEXT_FLUSH)
            c->blocked_until = lagsim_sim_now(m->sim) + d;
    }
    client_poll(m, s, sdk->max_in_flight == 1 && c->queue.count > 0 ? POLL_TICK : POLL_OTHER);
}

/* Segment's tracking API answered 200 to the device `token` names. */
static void on_segment_ok(lsi_model_t *m, uint64_t token)
{
    const uint32_t s = (uint32_t)token;
    lsi_client_t *c = &m->clients.slot[s];
    c->in_flight--;
    after_success(m, s);
}

/*
 * Between sessions, a batch that comes back unsent (or sent at exit and
 * kept) returns to the device's store for the next session, or is lost
 * if the SDK keeps nothing across sessions.
 */
static void back_to_store(lsi_model_t *m, uint32_t s, uint32_t b)
{
    lsi_client_t *c = &m->clients.slot[s];
    lsi_list_t *events = &m->pool.b[b].events;
    if (sdk_of(m, c)->persist)
        lsi_list_prepend(&m->pool, &c->queue, events);
    else
        lsi_drop_list(m, events, LAGSIM_DROP_SESSION_END);
    lsi_batch_release(&m->pool, b);
    client_poll(m, s, POLL_OTHER);
}

static void on_parked_retry(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    const uint32_t s = m->pool.b[b].owner;
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    if (sdk->retry_after == LAGSIM_RA_PUBLISHER && lagsim_sim_now(sim) < c->blocked_until) {
        /* The publisher is paused on a Retry-After: wait for its end. */
        if (lagsim_sim_schedule(sim, c->blocked_until, on_parked_retry, m, b) != LAGSIM_OK)
            lsi_fail(m);
        return;
    }
    c->parked--;
    if (c->between_sessions) {
        back_to_store(m, s, b);
        return;
    }
    if (sdk->max_in_flight == 0 || c->in_flight < sdk->max_in_flight) {
        send_batch(m, s, b);
        return;
    }
    /* No room: the events wait at the head of the queue. */
    lsi_list_prepend(&m->pool, &c->queue, &m->pool.b[b].events);
    lsi_batch_release(&m->pool, b);
    client_poll(m, s, POLL_OTHER);
}

/* The wait a serial sender takes after failure number `level`: its
 * backoff, or what the batch's Retry-After makes of it. */
static lagsim_time_t serial_wait(lsi_model_t *m, const lsi_client_t *c, const lagsim_sdk_t *sdk,
                                 lsi_batch_t *batch, lagsim_time_t now)
{
    lagsim_time_t d = lsi_backoff_delay(&sdk->backoff, c->level, m->rng[LSI_RNG_CLIENT_BACKOFF]);
    const lagsim_time_t ra = lsi_retry_after_wait(sdk, batch);
    if (ra <= 0)
        return d;
    batch->ra_waits++;
    if (sdk->retry_after != LAGSIM_RA_MAX)
        return ra;
    const lagsim_time_t backoff =
        d == LSI_AT_NEXT_FLUSH ? next_tick(c, sdk->flush_interval, now) - now : d;
    return ra > backoff ? ra : d;
}

/* A serial sender's failed batch: back to the head of the queue, and the
 * whole SDK waits (mixpanel-js, the mobile SDKs). */
static void serial_retry(lsi_model_t *m, uint32_t s, uint32_t b)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if (sdk->flush_tries > 1 && !batch->offline && c->tries + 1u < sdk->flush_tries) {
        /* mixpanel-android: the flush sends again after flush_try_delay
         * (100 ms, then 200 ms) before it counts as failed [src]. */
        const lagsim_time_t d = sdk->flush_try_delay << c->tries;
        c->tries++;
        lsi_ledger_backoff(m, b, d);
        lsi_list_prepend(&m->pool, &c->queue, &batch->events);
        c->blocked_until = now + d;
        lsi_batch_release(&m->pool, b);
        client_poll(m, s, POLL_OTHER);
        return;
    }
    c->tries = 0;
    if (c->failures == 0)
        c->first_fail_at = batch->first_sent_at;
    c->failures++;
    enum poll_reason why = POLL_OTHER;
    if (lsi_backoff_gives_up(&sdk->backoff, c->failures, now - c->first_fail_at)) {
        lsi_drop_list(m, &batch->events, LAGSIM_DROP_RETRY_LIMIT);
        c->failures = 0;
        c->level = 0;
    } else {
        lagsim_time_t d;
        if (sdk->timeout_resend && batch->status == LAGSIM_RESP_TIMEOUT && !batch->offline) {
            /* mixpanel-js: a request timeout re-flushes at once, the
             * interval unchanged. */
            d = 0;
            why = POLL_TICK;
        } else {
            c->level++;
            d = serial_wait(m, c, sdk, batch, now);
        }
        lsi_ledger_backoff(m, b, d);
        lsi_list_prepend(&m->pool, &c->queue, &batch->events);
        if (d != LSI_AT_NEXT_FLUSH)
            c->blocked_until = now + d;
    }
    lsi_batch_release(&m->pool, b);
    client_poll(m, s, why);
}

/* mixpanel-js's 413: the batch size is halved and the events go back to
 * the queue for the next flush (the interval back to its base); a single
 * event still refused is dropped, and the size restored [src]. */
static void halve_batch(lsi_model_t *m, uint32_t s, uint32_t b)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    lsi_batch_t *batch = &m->pool.b[b];
    const uint32_t n = batch->events.count;
    if (n <= 1) {
        lsi_drop_list(m, &batch->events, LAGSIM_DROP_INVALID);
        lsi_batch_release(&m->pool, b);
        c->batch_cap = 0;
        after_success(m, s);
        return;
    }
    const uint32_t cur = c->batch_cap > 0 ? c->batch_cap : sdk->batch_size;
    uint32_t cap = cur / 2 > 0 ? cur / 2 : 1;
    if (cap > n - 1)
        cap = n - 1;
    c->batch_cap = cap;
    c->level = 0;
    c->blocked_until = lagsim_sim_now(m->sim) + sdk->flush_interval; /* resetFlush() */
    lsi_list_prepend(&m->pool, &c->queue, &batch->events);
    lsi_batch_release(&m->pool, b);
    client_poll(m, s, POLL_OTHER);
}

/* A parallel sender's failed batch retries on its own schedule; with a
 * publisher-wide Retry-After (analytics-node) every batch of the device
 * waits for the pause to end. */
static void parallel_retry(lsi_model_t *m, uint32_t s, uint32_t b)
{
    lsi_client_t *c = &m->clients.slot[s];
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    const lagsim_time_t ra = lsi_retry_after_wait(sdk, batch);
    if (ra > 0)
        batch->ra_waits++;
    /* The retry about to be made, as max_retries counts them. */
    const uint32_t n = batch->attempts - (sdk->retry_after_uncounted ? batch->ra_waits : 0);
    const int capped = sdk->max_attempts > 0 && batch->attempts >= sdk->max_attempts;
    if (capped || lsi_backoff_gives_up(&sdk->backoff, ra > 0 && sdk->retry_after_uncounted ? 0 : n,
                                       now - batch->first_sent_at)) {
        lsi_drop_list(m, &batch->events, LAGSIM_DROP_RETRY_LIMIT);
        lsi_batch_release(&m->pool, b);
        client_poll(m, s, POLL_OTHER);
        return;
    }
    lagsim_time_t d;
    if (ra > 0 && sdk->retry_after != LAGSIM_RA_MAX) {
        d = ra;
    } else {
        d = lsi_backoff_delay(&sdk->backoff, n, m->rng[LSI_RNG_CLIENT_BACKOFF]);
        if (d == LSI_AT_NEXT_FLUSH)
            d = next_tick(c, sdk->flush_interval, now) - now;
        if (ra > d)
            d = ra;
    }
    c->parked++;
    if (ra > 0 && sdk->retry_after == LAGSIM_RA_PUBLISHER) {
        if (now + d > c->blocked_until)
            c->blocked_until = now + d;
        d = c->blocked_until - now;
        lsi_ledger_pause(m, b, d);
    } else {
        lsi_ledger_backoff(m, b, d);
    }
    if (lagsim_sim_schedule(m->sim, now + d, on_parked_retry, m, b) != LAGSIM_OK)
        lsi_fail(m);
}

/* Mixpanel (device mode), or Segment's tracking API (cloud mode, when it
 * may refuse), answered one of this device's requests. */
static void on_response(lsi_model_t *m, uint32_t b)
{
    lsi_batch_t *batch = &m->pool.b[b];
    const uint32_t s = batch->owner;
    lsi_client_t *c = &m->clients.slot[s];
    /* A device with a request in flight is never freed. */
    assert(c->gen == batch->owner_gen && c->in_flight > 0);
    const lagsim_sdk_t *sdk = sdk_of(m, c);
    const enum lagsim_response st = (enum lagsim_response)batch->status;
    c->in_flight--;

    if (batch->at_exit && batch->events.count > 0 &&
        (sdk->exit_keeps_copy || c->between_sessions) && st != LAGSIM_RESP_400) {
        /* Sent as the page closed: nobody read the answer, and the SDK's
         * store still holds the events (copies of those Mixpanel took). */
        back_to_store(m, s, b);
        return;
    }
    if (c->between_sessions && st != LAGSIM_RESP_2XX && st != LAGSIM_RESP_400) {
        back_to_store(m, s, b);
        return;
    }

    switch (lsi_sdk_verdict(sdk, batch)) {
    case LSI_ACCEPTED:
    case LSI_REJECTED:
        /* Accepted events were delivered when Mixpanel took them; rejected
         * ones are dropped. */
        lsi_drop_list(m, &batch->events, LAGSIM_DROP_INVALID);
        lsi_batch_release(&m->pool, b);
        after_success(m, s);
        return;
    case LSI_HALVE:
        halve_batch(m, s, b);
        return;
    case LSI_RETRY:
        break;
    }
    if (sdk->max_in_flight == 1)
        serial_retry(m, s, b);
    else
        parallel_retry(m, s, b);
}

/*
 * The server process of client kind `arg` exits (analytics-node's
 * closeAndFlush()): each of its devices whose SDK flushes at shutdown
 * sends its whole queue now, in batches, whatever its timer or in-flight
 * limit; batches in flight or waiting to retry go on (closeAndFlush()
 * waits for them). A process that exits before the horizon is taken to
 * be replaced at once (a deploy, a serverless instance): later events
 * start new batches. The devices are listed first (one allocation per
 * exit), since freeing one moves entries of the table, and in the
 * table's order (device_table.c keeps the table for such runs).
 */
static void on_shutdown(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    lsi_model_t *m = ctx;
    lsi_clients_t *cs = &m->clients;
    assert(cs->table); /* lsi_clients_init() kept it for this run */
    uint32_t n = 0;
    for (uint32_t i = 0; i <= cs->table_mask; i++) {
        const uint32_t s = cs->table[i].slot;
        if (s != LSI_NIL && cs->slot[s].kind == arg && cs->slot[s].queue.count > 0 &&
            !cs->slot[s].between_sessions && sdk_of(m, &cs->slot[s])->flush_at_shutdown)
            n++;
    }
    if (n == 0)
        return;
    uint32_t *list = malloc((size_t)n * sizeof *list);
    if (!list) {
        lsi_fail(m);
        return;
    }
    n = 0;
    for (uint32_t i = 0; i <= cs->table_mask; i++) {
        const uint32_t s = cs->table[i].slot;
        if (s != LSI_NIL && cs->slot[s].kind == arg && cs->slot[s].queue.count > 0 &&
            !cs->slot[s].between_sessions && sdk_of(m, &cs->slot[s])->flush_at_shutdown)
            list[n++] = s;
    }
    for (uint32_t i = 0; i < n && !m->failed; i++) {
        const uint32_t s = list[i];
        m->send_trigger = LAGSIM_TRIGGER_SHUTDOWN;
        send_whole_queue(m, s, 0);
        lsi_client_t *c = &cs->slot[s];
        m->send_trigger = LAGSIM_TRIGGER_NONE;
        c->phase = 0;
        client_release_if_idle(m, s);
    }
    free(list);
}

void lsi_clients_start(lsi_model_t *m)
{
    const lagsim_scenario_t *sc = m->sc;
    for (unsigned k = 0; k < sc->n_clients; k++) {
        const lagsim_client_t *cl = &sc->clients[k];
        const int cloud = m->mode != LAGSIM_MODE_DEVICE && cl->sdk[LAGSIM_MODE_CLOUD].flush_at_shutdown;
        const int device = m->mode != LAGSIM_MODE_CLOUD && cl->sdk[LAGSIM_MODE_DEVICE].flush_at_shutdown;
        if (!cloud && !device)
            continue;
        const lagsim_time_t at = cl->shutdown_at > 0 ? cl->shutdown_at : sc->horizon;
        if (lagsim_sim_schedule(m->sim, at, on_shutdown, m, k) != LAGSIM_OK)
            lsi_fail(m);
    }
}

void lsi_client_register(lsi_model_t *m)
{
    m->on_response[LSI_SENDER_CLIENT] = on_response;
    m->on_segment_ok = on_segment_ok;
}
