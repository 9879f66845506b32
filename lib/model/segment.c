/*
 * segment.c - Segment's side of cloud mode: the tracking API's checks,
 * the Mixpanel destination's queue and batching, its limit on concurrent
 * requests, and its retries within the retry window.
 *
 * Events wait in one FIFO (or one per priority, highest first, with
 * priority_tiers on), after the workspace's inbound limit if one is set. A batch leaves when it is full (batch_size
 * events or batch_bytes), or when its oldest event has waited batch_wait,
 * and only while fewer than max_in_flight requests are open. A failed
 * batch waits out a randomized exponential backoff, then queues (ahead of
 * new batches) for a free connection. Before every send, events that have
 * been at Segment longer than the retry window are dropped
 * ("retry_window"), as Segment archives them; a batch past the optional
 * max_retries or max_retry_duration is dropped ("retry_limit").
 */
#include "model/model_internal.h"

static void dispatch(lsi_model_t *m);
static void receive(lsi_model_t *m, uint32_t b);

static void on_dest_timer(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    lsi_model_t *m = ctx;
    if (!m->dest.timer_armed || m->dest.timer_at != lagsim_sim_now(sim))
        return;
    m->dest.timer_armed = 0;
    dispatch(m);
}

static void arm_dest_timer(lsi_model_t *m, lagsim_time_t at)
{
    if (m->dest.timer_armed && m->dest.timer_at <= at)
        return;
    m->dest.timer_armed = 1;
    m->dest.timer_at = at;
    if (lagsim_sim_schedule(m->sim, at, on_dest_timer, m, 0) != LAGSIM_OK)
        lsi_fail(m);
}

static void on_inbound_release(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    receive(ctx, (uint32_t)arg);
}

/*
 * The workspace's inbound limit: events beyond `inbound_limit` per second
 * wait in a FIFO and are processed at that rate. Returns 1 if the batch
 * must wait (it was rescheduled), 0 if it goes on now.
 */
static int inbound_wait(lsi_model_t *m, uint32_t b, lagsim_time_t now)
{
    const double limit = m->sc->segment.inbound_limit;
    if (limit <= 0 || m->sc->segment.inbound_policy == LAGSIM_INBOUND_REJECT)
        return 0; /* reject: the request was admitted at its arrival */
    lsi_batch_t *batch = &m->pool.b[b];
    if (batch->throttled) /* its turn has come */
        return 0;
    const lagsim_time_t start = m->seg_inbound_free > now ? m->seg_inbound_free : now;
    const lagsim_time_t cost =
        (lagsim_time_t)((double)batch->events.count / limit * (double)LAGSIM_SEC + 0.5);
    m->seg_inbound_free = start + cost;
    if (start + cost <= now)
        return 0;
    batch->throttled = 1;
    if (lagsim_sim_schedule(m->sim, start + cost, on_inbound_release, m, b) != LAGSIM_OK)
        lsi_fail(m);
    return 1;
}

/*
 * inbound_policy = reject: the inbound limit as a bucket of
 * `inbound_limit` events/s that takes one second's worth at once
 * (ASSUMPTION: the burst Segment tolerates is unpublished), and a whole
 * request whatever its size when it is idle. A request that does not fit
 * is refused whole with 429 and a Retry-After per [segment] retry_after:
 * until_admit is the time until it would fit.
 */
static int admit(lsi_model_t *m, lsi_batch_t *batch, lagsim_time_t now)
{
    const double limit = m->sc->segment.inbound_limit;
    const lagsim_time_t start = m->seg_inbound_free > now ? m->seg_inbound_free : now;
    const lagsim_time_t cost =
        (lagsim_time_t)((double)batch->events.count / limit * (double)LAGSIM_SEC + 0.5);
    const lagsim_time_t backlog = start - now;
    if (backlog == 0 || backlog + cost <= LAGSIM_SEC) {
        m->seg_inbound_free = start + cost;
        batch->status = LAGSIM_RESP_2XX;
        batch->code = 200;
        batch->retry_after = 0;
        return 1;
    }
    batch->status = LAGSIM_RESP_429;
    batch->code = 429;
    const lagsim_time_t until = cost > LAGSIM_SEC ? backlog : backlog + cost - LAGSIM_SEC;
    batch->retry_after = lsi_retry_after_header(m->sc->segment.retry_after, until);
    return 0;
}

/* The destination queue of an event: one per priority when tiers are on. */
static lsi_ring_t *dest_queue(lsi_model_t *m, const lsi_event_t *e)
{
    if (!m->sc->segment.priority_tiers)
        return &m->dest.queue[LAGSIM_PRIO_NORMAL];
    return &m->dest.queue[m->sc->event_types[e->type].priority];
}

/*
 * The client sends the batch now; its events reach the destination queue
 * at `queued_at` unless Segment's inbound limit holds them. Their
 * milestones are written here, while the client has them in cache, so
 * that receive() only reads each record's link and size to queue it.
 */
static void stamp(lsi_model_t *m, lsi_batch_t *batch, lagsim_time_t queued_at)
{
    const uint64_t max_bytes = m->sc->segment.max_event_bytes; /* may be >= 2^32 */
    uint8_t big = 0;
    for (uint32_t id = batch->events.head; id != LSI_NIL; id = m->pool.ev[id].next) {
        lsi_event_t *e = &m->pool.ev[id];
        e->resent_at = batch->attempt_sent_at;
        e->seg_at = batch->recv_at;
        e->stage_at = queued_at;
        big |= e->bytes > max_bytes;
    }
    batch->seg_big_event = big;
}

static int takes_whole(const lsi_model_t *m, const lsi_batch_t *batch)
{
    const lagsim_scenario_t *sc = m->sc;
    return batch->events.bytes <= sc->segment.max_request_bytes &&
           batch->events.count <= sc->segment.max_request_events && !batch->seg_big_event &&
           sc->segment.inbound_limit <= 0 && !sc->segment.priority_tiers;
}

/* receive() of a batch of one event that Segment takes whole, without
 * the batch (released at the send): nothing here reads a record, which
 * would be a cache miss (the event is written, not read). */
static void receive_one(lsi_model_t *m, uint32_t id, uint32_t bytes)
{
    const lsi_list_t one = {id, id, 1, bytes};
    lsi_ledger_segment_queued(m, &one);
    if (lsi_ring_push(&m->dest.queue[LAGSIM_PRIO_NORMAL], id, bytes) != 0) {
        lsi_fail(m);
        return;
    }
    dispatch(m);
}

/* A client request's events, received at batch->recv_at, are through
 * Segment's processing. */
static void receive(lsi_model_t *m, uint32_t b)
{
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if (inbound_wait(m, b, now))
        return;
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_scenario_t *sc = m->sc;
    /* The tracking API answers 400 to a request over its size limit, and
     * rejects the events past its count limit. */
    const int too_big = batch->events.bytes > sc->segment.max_request_bytes;
    if (takes_whole(m, batch)) {
        /* Nothing to drop, one queue, milestones stamped at the send. */
        lsi_ledger_segment_queued(m, &batch->events);
        if (lsi_ring_push_list(&m->pool, &m->dest.queue[LAGSIM_PRIO_NORMAL], &batch->events) != 0) {
            lsi_fail(m);
            return;
        }
        lsi_batch_release(&m->pool, b);
        dispatch(m);
        return;
    }
    uint32_t n = 0, id;
    while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL) {
        lsi_event_t *e = &m->pool.ev[id];
        if (too_big || ++n > sc->segment.max_request_events ||
            e->bytes > sc->segment.max_event_bytes) {
            lsi_drop(m, id, LAGSIM_DROP_INVALID);
            continue;
        }
        e->resent_at = batch->attempt_sent_at;
        e->seg_at = batch->recv_at;
        e->stage_at = now;
        const lsi_list_t one = {id, id, 1, e->bytes};
        lsi_ledger_segment_queued(m, &one);
        if (lsi_ring_push(dest_queue(m, e), id, e->bytes) != 0) {
            lsi_fail(m);
            return;
        }
    }
    lsi_batch_release(&m->pool, b);
    dispatch(m);
}

static void on_arrival(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    receive(ctx, (uint32_t)arg);
}

static void on_arrival_one(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    receive_one(ctx, (uint32_t)arg, (uint32_t)(arg >> 32));
}

/* The tracking API's 200 reaches the device (its sender's handler). */
static void on_ok(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    lsi_model_t *m = ctx;
    m->on_segment_ok(m, arg);
}

/* The tracking API's 429 reaches the device, which keeps the batch. */
static void on_refused(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    lsi_model_t *m = ctx;
    m->on_response[m->pool.b[(uint32_t)arg].sender](m, (uint32_t)arg);
}

/* Segment's tracking API answers 429 above its inbound limit, so every
 * request waits for admission at the gate. */
static int rejects(const lsi_model_t *m)
{
    return m->sc->segment.inbound_policy == LAGSIM_INBOUND_REJECT &&
           m->sc->segment.inbound_limit > 0;
}

/*
 * [segment] inbound_policy = reject: the request reaches the tracking API
 * now. Admitted, its events go on to Segment's processing (as stamped at
 * the send) and the device hears 200; refused, the device hears 429 and
 * keeps the batch.
 */
static void on_gate(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(sim);
    const lagsim_time_t back = batch->back_delay;
    if (admit(m, batch, now)) {
        const uint64_t ack = batch->ack;
        const lagsim_time_t arrives = m->pool.ev[batch->events.head].stage_at;
        if (lagsim_sim_schedule(sim, arrives, on_arrival, m, b) != LAGSIM_OK ||
            lagsim_sim_schedule(sim, now + back, on_ok, m, ack) != LAGSIM_OK)
            lsi_fail(m);
        return;
    }
    lsi_ledger_segment_429(m, b);
    if (lagsim_sim_schedule(sim, now + back, on_refused, m, b) != LAGSIM_OK)
        lsi_fail(m);
}

void lsi_segment_send(lsi_model_t *m, uint32_t b, lagsim_time_t one_way, lagsim_time_t back,
                      uint64_t ack)
{
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    lsi_note_request(m);
    batch->recv_at = now + one_way;
    lsi_ledger_sent(m, b, LAGSIM_ENDPOINT_SEGMENT);
    const lagsim_time_t proc = lsi_sample_time(&m->sc->segment.processing, m->rng[LSI_RNG_SEGMENT]);
    stamp(m, batch, batch->recv_at + proc);
    const lagsim_time_t arrives = batch->recv_at + proc;
    if (rejects(m)) {
        /* The tracking API decides when the request reaches it. */
        batch->back_delay = back;
        batch->ack = ack;
        if (lagsim_sim_schedule(m->sim, batch->recv_at, on_gate, m, b) != LAGSIM_OK)
            lsi_fail(m);
        return;
    }
    int rc;
    if (batch->events.count == 1 && takes_whole(m, batch)) {
        /* A request of one event: the event alone travels (its id and
         * size in the engine's argument), the batch is free at once. */
        const uint32_t id = batch->events.head;
        const uint64_t arg = (uint64_t)m->pool.ev[id].bytes << 32 | id;
        lsi_batch_release(&m->pool, b);
        rc = lagsim_sim_schedule(m->sim, arrives, on_arrival_one, m, arg);
    } else {
        rc = lagsim_sim_schedule(m->sim, arrives, on_arrival, m, b);
    }
    /* Every well-formed request is answered 200. */
    if (rc == LAGSIM_OK && ack != LSI_NO_ACK)
        rc = lagsim_sim_schedule(m->sim, now + one_way + back, on_ok, m, ack);
    if (rc != LAGSIM_OK)
        lsi_fail(m);
}

/*
 * Drops the events of a batch that are past the retry window. The batch
 * keeps a lower bound of its events' receipt times (oldest_seg_at), so
 * that when none can be past the window - the usual case - nothing is
 * walked: a retried batch of 1,000 events would otherwise read 1,000
 * scattered records on every 429 just to keep them all.
 */
static void expire(lsi_model_t *m, lsi_batch_t *batch, lagsim_time_t now)
{
    const lagsim_time_t window = m->sc->segment.retry_window;
    if (now - batch->oldest_seg_at < window)
        return;
    lsi_list_t keep;
    lsi_list_init(&keep);
    lagsim_time_t oldest = LAGSIM_TIME_MAX;
    uint32_t id;
    while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL) {
        const lagsim_time_t seg_at = m->pool.ev[id].seg_at;
        if (now - seg_at >= window) {
            lsi_drop(m, id, LAGSIM_DROP_RETRY_WINDOW);
        } else {
            lsi_list_push(&m->pool, &keep, id);
            if (seg_at < oldest)
                oldest = seg_at;
        }
    }
    batch->events = keep;
    batch->oldest_seg_at = oldest;
}

static void send(lsi_model_t *m, uint32_t b)
{
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    const lagsim_time_t rtt = lsi_sample_time(&m->sc->network.server_rtt, m->rng[LSI_RNG_SEGMENT]);
    if (batch->first_sent_at == 0) {
        batch->first_sent_at = now;
        lagsim_time_t oldest = LAGSIM_TIME_MAX;
        for (uint32_t id = batch->events.head; id != LSI_NIL; id = m->pool.ev[id].next) {
            lsi_event_t *e = &m->pool.ev[id];
            if (e->dest_sent_at == LSI_UNSENT)
                e->dest_sent_at = now;
            if (e->seg_at < oldest)
                oldest = e->seg_at;
        }
        batch->oldest_seg_at = oldest;
    }
    batch->attempt_sent_at = now;
    batch->attempts++;
    batch->sender = LSI_SENDER_SEGMENT;
    batch->timeout = m->sc->segment.request_timeout;
    batch->event_bytes_max = m->sc->segment.max_event_bytes; /* larger ones were refused */
    batch->back_delay = rtt - rtt / 2;
    m->dest.in_flight++;
    lsi_mixpanel_send(m, b, rtt / 2);
}

/* When the longest-waiting event entered the destination queues
 * (LAGSIM_TIME_MAX when they are empty). */
static lagsim_time_t oldest_waiting(const lsi_model_t *m)
{
    lagsim_time_t t = LAGSIM_TIME_MAX;
    for (int p = 0; p < 3; p++) {
        const lsi_ring_t *q = &m->dest.queue[p];
        if (q->count > 0 && m->pool.ev[lsi_ring_front(q)].stage_at < t)
            t = m->pool.ev[lsi_ring_front(q)].stage_at;
    }
    return t;
}

/* Fills a batch from the queues, highest priority first, up to the
 * destination's batch size and bytes. */
static void take_batch(lsi_model_t *m, lsi_list_t *dst)
{
    const lagsim_scenario_t *sc = m->sc;
    for (int p = LAGSIM_PRIO_HIGH; p >= LAGSIM_PRIO_LOW; p--) {
        lsi_ring_t *q = &m->dest.queue[p];
        if (q->count == 0 || dst->count >= sc->segment.batch_size ||
            dst->bytes >= sc->segment.batch_bytes)
            continue;
        lsi_list_t part;
        lsi_list_init(&part);
        if (dst->count > 0 && lsi_ring_front_bytes(q) + dst->bytes > sc->segment.batch_bytes)
            break; /* the next event would overflow the byte cap */
        lsi_ring_take(&m->pool, q, &part, sc->segment.batch_size - dst->count,
                      sc->segment.batch_bytes - dst->bytes);
        lsi_list_append(&m->pool, dst, &part);
    }
}

/* Sends what can be sent: retries first, then full or overdue batches. */
static void dispatch(lsi_model_t *m)
{
    const lagsim_scenario_t *sc = m->sc;
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    if (now < m->dest.blocked_until) {
        arm_dest_timer(m, m->dest.blocked_until);
        return;
    }
    /* The oldest waiting event's entry time, once looked up (it reads a
     * record) and until a batch leaves. */
    lagsim_time_t oldest = -1;
    while (m->dest.in_flight < sc->segment.max_in_flight) {
        if (m->dest.retry_head != LSI_NIL) {
            const uint32_t b = m->dest.retry_head;
            m->dest.retry_head = m->pool.b[b].next;
            if (m->dest.retry_head == LSI_NIL)
                m->dest.retry_tail = LSI_NIL;
            expire(m, &m->pool.b[b], now);
            if (m->pool.b[b].events.count == 0)
                lsi_batch_release(&m->pool, b);
            else
                send(m, b);
            continue;
        }
        uint32_t count = 0;
        uint64_t bytes = 0;
        for (int p = 0; p < 3; p++) {
            count += m->dest.queue[p].count;
            bytes += m->dest.queue[p].bytes;
        }
        if (count == 0)
            break;
        const int full = count >= sc->segment.batch_size || bytes >= sc->segment.batch_bytes;
        if (!full) {
            oldest = oldest_waiting(m);
            if (now - oldest < sc->segment.batch_wait)
                break;
        }
        const uint32_t b = lsi_batch_alloc(&m->pool);
        if (b == LSI_NIL) {
            lsi_fail(m);
            return;
        }
        take_batch(m, &m->pool.b[b].events);
        m->pool.b[b].attempts = m->dest.retry_streak;
        send(m, b);
        oldest = -1;
    }
    if (m->dest.in_flight < sc->segment.max_in_flight) {
        if (oldest < 0)
            oldest = oldest_waiting(m);
        if (oldest < LAGSIM_TIME_MAX)
            arm_dest_timer(m, oldest + sc->segment.batch_wait);
    }
}

/*
 * Priority tiers (a what-if policy): a failed batch's events go back to
 * the head of their tiers at once and the whole destination pauses for
 * the backoff, so that when capacity returns the next batches are formed
 * highest priority first from everything waiting (Segment's batches may
 * hold different events on each retry [doc]). The backoff keeps growing:
 * new batches carry the failed one's attempt count until a send succeeds.
 */
static void requeue_by_priority(lsi_model_t *m, uint32_t b)
{
    lsi_list_t tier[3];
    for (int p = 0; p < 3; p++)
        lsi_list_init(&tier[p]);
    uint32_t id;
    while ((id = lsi_list_pop(&m->pool, &m->pool.b[b].events)) != LSI_NIL)
        lsi_list_push(&m->pool, &tier[m->sc->event_types[m->pool.ev[id].type].priority], id);
    for (int p = 0; p < 3; p++) {
        if (lsi_ring_prepend_list(&m->pool, &m->dest.queue[p], &tier[p]) != 0)
            lsi_fail(m); /* the records stay in the pool: counted as in flight */
    }
    if (m->pool.b[b].attempts > m->dest.retry_streak)
        m->dest.retry_streak = m->pool.b[b].attempts;
    lsi_batch_release(&m->pool, b);
}

static void on_dest_retry(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)sim;
    lsi_model_t *m = ctx;
    const uint32_t b = (uint32_t)arg;
    m->pool.b[b].next = LSI_NIL;
    if (m->dest.retry_tail == LSI_NIL)
        m->dest.retry_head = b;
    else
        m->pool.b[m->dest.retry_tail].next = b;
    m->dest.retry_tail = b;
    dispatch(m);
}

static void on_response(lsi_model_t *m, uint32_t b)
{
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    m->dest.in_flight--;
    switch (lsi_dest_verdict(m->sc, batch)) {
    case LSI_ACCEPTED:
        m->dest.retry_streak = 0;
        /* fall through */
    case LSI_REJECTED: /* 400, other 4xx, 501: discarded, a terminal state */
        lsi_drop_list(m, &batch->events, LAGSIM_DROP_INVALID);
        lsi_batch_release(&m->pool, b);
        break;
    case LSI_HALVE:
    case LSI_RETRY:
        expire(m, batch, now);
        if (batch->events.count == 0) {
            lsi_batch_release(&m->pool, b);
            break;
        }
        /* [segment] max_retries / max_retry_duration, when set. */
        if (lsi_backoff_gives_up(&m->sc->segment.backoff, batch->attempts,
                                 now - batch->first_sent_at)) {
            lsi_drop_list(m, &batch->events, LAGSIM_DROP_RETRY_LIMIT);
            lsi_batch_release(&m->pool, b);
            break;
        }
        lagsim_time_t d = lsi_backoff_delay(&m->sc->segment.backoff, batch->attempts,
                                            m->rng[LSI_RNG_SEGMENT_BACKOFF]);
        if (d == LSI_AT_NEXT_FLUSH)
            d = 0;
        /* dest_retry_after = max: the longer of the backoff and the header. */
        if (m->sc->segment.dest_retry_after == LAGSIM_RA_MAX && batch->retry_after > d &&
            (batch->status == LAGSIM_RESP_429 || batch->status == LAGSIM_RESP_5XX))
            d = batch->retry_after;
        lsi_ledger_backoff(m, b, d);
        if (m->sc->segment.priority_tiers) {
            /* The whole destination pauses; the events wait in their tiers. */
            requeue_by_priority(m, b);
            if (now + d > m->dest.blocked_until)
                m->dest.blocked_until = now + d;
            break;
        }
        if (lagsim_sim_schedule(m->sim, now + d, on_dest_retry, m, b) != LAGSIM_OK)
            lsi_fail(m);
        break;
    }
    dispatch(m);
}

void lsi_segment_register(lsi_model_t *m)
{
    m->on_response[LSI_SENDER_SEGMENT] = on_response;
}
