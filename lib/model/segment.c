/*
 * segment.c - Segment's side of cloud mode: the tracking API's checks,
 * the Mixpanel destination's queue and batching, its limit on concurrent
 * requests, and its retries within the retry window.
 *
 * Events wait in one FIFO. A batch leaves when it is full (batch_size
 * events or batch_bytes), or when its oldest event has waited batch_wait,
 * and only while fewer than max_in_flight requests are open. A failed
 * batch waits out a randomized exponential backoff, then queues (ahead of
 * new batches) for a free connection. Before every send, events that have
 * been at Segment longer than the retry window are dropped
 * ("retry_window"), as Segment archives them.
 */
#include "model/model_internal.h"

static void dispatch(lsi_model_t *m);

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

void lsi_segment_receive(lsi_model_t *m, uint32_t b, lagsim_time_t recv_at)
{
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    lsi_batch_t *batch = &m->pool.b[b];
    uint32_t id;
    while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL) {
        lsi_event_t *e = &m->pool.ev[id];
        if (e->bytes > m->sc->segment.max_event_bytes) {
            lsi_drop(m, id, LAGSIM_DROP_INVALID); /* 400 from the tracking API */
            continue;
        }
        e->seg_at = recv_at;
        e->stage_at = now;
        lsi_list_push(&m->pool, &m->dest.queue, id);
    }
    lsi_batch_release(&m->pool, b);
    dispatch(m);
}

/* Drops the events of a batch that are past the retry window. */
static void expire(lsi_model_t *m, lsi_batch_t *batch, lagsim_time_t now)
{
    lsi_list_t keep;
    lsi_list_init(&keep);
    uint32_t id;
    while ((id = lsi_list_pop(&m->pool, &batch->events)) != LSI_NIL) {
        if (now - m->pool.ev[id].seg_at >= m->sc->segment.retry_window)
            lsi_drop(m, id, LAGSIM_DROP_RETRY_WINDOW);
        else
            lsi_list_push(&m->pool, &keep, id);
    }
    batch->events = keep;
}

static void send(lsi_model_t *m, uint32_t b)
{
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    const lagsim_time_t rtt = lsi_sample_time(&m->sc->network.server_rtt, m->rng[LSI_RNG_SEGMENT]);
    if (batch->attempts == 0)
        batch->first_sent_at = now;
    batch->attempts++;
    batch->sender = LSI_SENDER_SEGMENT;
    batch->back_delay = rtt - rtt / 2;
    m->dest.in_flight++;
    lsi_mixpanel_send(m, b, rtt / 2);
}

/* Sends what can be sent: retries first, then full or overdue batches. */
static void dispatch(lsi_model_t *m)
{
    const lagsim_scenario_t *sc = m->sc;
    const lagsim_time_t now = lagsim_sim_now(m->sim);
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
        lsi_list_t *q = &m->dest.queue;
        if (q->count == 0)
            break;
        const int full = q->count >= sc->segment.batch_size || q->bytes >= sc->segment.batch_bytes;
        const int overdue = now - m->pool.ev[q->head].stage_at >= sc->segment.batch_wait;
        if (!full && !overdue)
            break;
        const uint32_t b = lsi_batch_alloc(&m->pool);
        if (b == LSI_NIL) {
            lsi_fail(m);
            return;
        }
        lsi_list_take(&m->pool, q, &m->pool.b[b].events, sc->segment.batch_size,
                      sc->segment.batch_bytes);
        send(m, b);
    }
    if (m->dest.queue.count > 0 && m->dest.in_flight < sc->segment.max_in_flight)
        arm_dest_timer(m, m->pool.ev[m->dest.queue.head].stage_at + sc->segment.batch_wait);
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

void lsi_segment_on_response(lsi_model_t *m, uint32_t b)
{
    lsi_batch_t *batch = &m->pool.b[b];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    m->dest.in_flight--;
    switch ((enum lagsim_response)batch->status) {
    case LAGSIM_RESP_2XX:
    case LAGSIM_RESP_400: /* discarded: a terminal state for Segment */
        lsi_drop_list(m, &batch->events, LAGSIM_DROP_INVALID);
        lsi_batch_release(&m->pool, b);
        break;
    case LAGSIM_RESP_429:
    case LAGSIM_RESP_5XX:
    case LAGSIM_RESP_TIMEOUT:
    case LAGSIM_RESP_COUNT:
        expire(m, batch, now);
        if (batch->events.count == 0) {
            lsi_batch_release(&m->pool, b);
            break;
        }
        lagsim_time_t d = lsi_backoff_delay(&m->sc->segment.backoff, batch->attempts,
                                            m->rng[LSI_RNG_SEGMENT_BACKOFF]);
        if (d == LSI_AT_NEXT_FLUSH)
            d = 0;
        if (lagsim_sim_schedule(m->sim, now + d, on_dest_retry, m, b) != LAGSIM_OK)
            lsi_fail(m);
        break;
    }
    dispatch(m);
}
