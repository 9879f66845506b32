/*
 * trace.c - the trace observer: which events a traced run follows, and
 * the milestones it reports for them (lagsim/trace.h).
 *
 * Central idea: an observer of the ledger (lsi_trace_observer, registered
 * only for a traced run), which decides itself what it follows: a
 * followed event carries the flag LSI_EV_TRACED in its pool record, set
 * here when it is fired, and every hook touches only flagged records. The
 * hops know nothing of it, so a traced run runs the same code as an
 * untraced one. Segment's milestone comes from the ledger's
 * segment_queued, as events join the destination queue (one at a time, or
 * a whole request at once on Segment's fast path). Pool
 * records are reused, so a followed event is found again by its slot
 * here: the record's index plus its fired_at (the record's generation),
 * among the slots whose record is still live. A slot is live from the
 * event's firing until its record leaves the pool (delivered without a
 * copy kept, dropped, or its last copy removed); it is settled once the
 * event is visible within the run or dropped. Nothing here draws random
 * numbers or changes the model's state other than that flag, so a traced
 * run gives the same results as an untraced one.
 *
 * The tracer is allocated once per run (no allocation per event) and
 * freed with the model.
 */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

typedef struct slot {
    uint32_t ev;             /* pool index while the record lives */
    lagsim_time_t fired_at;  /* with ev, identifies the record */
    uint64_t user;
    uint32_t bytes;
    uint16_t type;
    uint16_t client;
    uint8_t path;
    uint8_t identity;
    uint8_t live;            /* the record (or a copy) is in the pool */
    uint8_t settled;         /* visible within the run, or dropped */
    uint8_t last_by;         /* the last request that carried it: sender */
    uint32_t last_batch;     /* and its events */
    uint32_t sends;          /* sends on the current leg (to Segment, or to Mixpanel) */
} slot_t;

struct lsi_tracer {
    lagsim_trace_t cfg;
    enum lagsim_mode mode;
    lagsim_time_t next_at;   /* follow the next event fired at or after this */
    uint32_t n;              /* events followed so far */
    uint32_t live;           /* slots live */
    uint32_t unsettled;      /* slots not settled */
    slot_t slot[LAGSIM_TRACE_MAX];
};

const char *lagsim_trace_kind_name(enum lagsim_trace_kind k)
{
    switch (k) {
    case LAGSIM_TRACE_FIRED: return "fired";
    case LAGSIM_TRACE_QUEUED: return "queued";
    case LAGSIM_TRACE_SESSION_END: return "session_end";
    case LAGSIM_TRACE_OFFLINE: return "offline";
    case LAGSIM_TRACE_SENT: return "sent";
    case LAGSIM_TRACE_SEGMENT_ACCEPTED: return "segment_accepted";
    case LAGSIM_TRACE_SEGMENT_QUEUED: return "segment_queued";
    case LAGSIM_TRACE_REFUSED: return "refused";
    case LAGSIM_TRACE_BACKOFF: return "backoff";
    case LAGSIM_TRACE_DELIVERED: return "delivered";
    case LAGSIM_TRACE_ANSWER_LOST: return "answer_lost";
    case LAGSIM_TRACE_INGESTED: return "ingested";
    case LAGSIM_TRACE_IDENTITY: return "identity";
    case LAGSIM_TRACE_VISIBLE: return "visible";
    case LAGSIM_TRACE_DUPLICATE: return "duplicate";
    case LAGSIM_TRACE_DROPPED: return "dropped";
    case LAGSIM_TRACE_IN_FLIGHT: return "in_flight";
    case LAGSIM_TRACE_KIND_COUNT: break;
    }
    return "?";
}

struct lsi_tracer *lsi_trace_create(const lagsim_trace_t *t, enum lagsim_mode mode)
{
    struct lsi_tracer *tr = calloc(1, sizeof *tr);
    if (!tr)
        return NULL;
    tr->cfg = *t;
    tr->mode = mode;
    tr->next_at = t->from;
    return tr;
}

void lsi_trace_destroy(struct lsi_tracer *t)
{
    free(t);
}

/* The slot of the live followed record `ev`, or NULL. */
static slot_t *find(struct lsi_tracer *t, const lsi_model_t *m, uint32_t ev)
{
    const lagsim_time_t fired_at = m->pool.ev[ev].fired_at;
    for (uint32_t i = 0; i < t->n; i++)
        if (t->slot[i].live && t->slot[i].ev == ev && t->slot[i].fired_at == fired_at)
            return &t->slot[i];
    return NULL;
}

/* A point about slot `s`, its common fields filled in. */
static lagsim_trace_point_t point(const struct lsi_tracer *t, const slot_t *s,
                                  enum lagsim_trace_kind kind, lagsim_time_t at)
{
    lagsim_trace_point_t p;
    memset(&p, 0, sizeof p);
    p.event = (uint32_t)(s - t->slot);
    p.kind = kind;
    p.mode = t->mode;
    p.at = at;
    p.fired_at = s->fired_at;
    p.type = s->type;
    p.client = s->client;
    p.path = (enum lagsim_mode)s->path;
    p.user = s->user;
    p.bytes = s->bytes;
    p.identity = (enum lagsim_identity)s->identity;
    return p;
}

static void emit(const struct lsi_tracer *t, const lagsim_trace_point_t *p)
{
    t->cfg.fn(t->cfg.ctx, p);
}

static void release(struct lsi_tracer *t, slot_t *s)
{
    s->live = 0;
    t->live--;
}

static void settle(struct lsi_tracer *t, slot_t *s)
{
    if (!s->settled) {
        s->settled = 1;
        t->unsettled--;
    }
}

static void fired(void *ctx, lsi_model_t *m, uint32_t ev, uint64_t user)
{
    struct lsi_tracer *t = ctx;
    lsi_event_t *e = &m->pool.ev[ev];
    if (t->n >= t->cfg.follow || e->fired_at < t->next_at ||
        (t->cfg.type >= 0 && e->type != (uint32_t)t->cfg.type))
        return;
    t->next_at += t->cfg.gap;
    if (t->next_at <= e->fired_at)
        t->next_at = e->fired_at + 1;
    e->flags |= LSI_EV_TRACED;
    slot_t *s = &t->slot[t->n++];
    s->ev = ev;
    s->fired_at = e->fired_at;
    s->user = user;
    s->bytes = e->bytes;
    s->type = e->type;
    s->client = (uint16_t)lsi_user_client(m, user);
    s->path = e->path;
    s->identity = (uint8_t)(e->flags & LSI_ID_MASK);
    s->live = 1;
    t->live++;
    t->unsettled++;
    const lagsim_trace_point_t p = point(t, s, LAGSIM_TRACE_FIRED, e->fired_at);
    emit(t, &p);
}

static void queued(void *ctx, lsi_model_t *m, uint32_t client_slot, uint32_t ev)
{
    struct lsi_tracer *t = ctx;
    if (!(m->pool.ev[ev].flags & LSI_EV_TRACED))
        return;
    slot_t *s = find(t, m, ev);
    if (!s)
        return;
    const lsi_client_t *c = &m->clients.slot[client_slot];
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    lagsim_trace_point_t p = point(t, s, LAGSIM_TRACE_QUEUED, now);
    p.queued = c->queue.count;
    p.delay = c->blocked_until > now ? c->blocked_until - now : 0;
    emit(t, &p);
}

static void session_end(void *ctx, lsi_model_t *m, uint32_t client_slot)
{
    struct lsi_tracer *t = ctx;
    const lsi_client_t *c = &m->clients.slot[client_slot];
    const lagsim_sdk_t *sdk = &m->sc->clients[c->kind].sdk[c->path];
    for (uint32_t id = c->queue.head; id != LSI_NIL; id = m->pool.ev[id].next) {
        if (!(m->pool.ev[id].flags & LSI_EV_TRACED))
            continue;
        slot_t *s = find(t, m, id);
        if (!s)
            continue;
        lagsim_trace_point_t p = point(t, s, LAGSIM_TRACE_SESSION_END, lagsim_sim_now(m->sim));
        p.flushed = sdk->flush_on_exit != 0;
        p.kept = sdk->persist != 0;
        emit(t, &p);
    }
}

/* Reports `kind` for every followed event of a batch, details from `tmpl`. */
static void each_in_batch(struct lsi_tracer *t, const lsi_model_t *m, const lsi_batch_t *batch,
                          lagsim_trace_point_t tmpl)
{
    for (uint32_t id = batch->events.head; id != LSI_NIL; id = m->pool.ev[id].next) {
        if (!(m->pool.ev[id].flags & LSI_EV_TRACED))
            continue;
        slot_t *s = find(t, m, id);
        if (!s)
            continue;
        lagsim_trace_point_t p = point(t, s, tmpl.kind, tmpl.at);
        p.by = tmpl.by;
        p.to = tmpl.to;
        p.batch = tmpl.batch;
        p.attempt = tmpl.attempt;
        p.status = tmpl.status;
        p.delay = tmpl.delay;
        p.copy = (m->pool.ev[id].flags & LSI_EV_COPY) != 0;
        p.behind = tmpl.behind;
        p.trigger = tmpl.trigger;
        p.code = tmpl.code;
        p.retry_after = tmpl.retry_after;
        p.paused = tmpl.paused;
        p.at_segment = tmpl.at_segment;
        if (tmpl.kind == LAGSIM_TRACE_SENT || tmpl.kind == LAGSIM_TRACE_OFFLINE)
            s->sends++;
        if (tmpl.kind == LAGSIM_TRACE_SENT) {
            s->last_batch = tmpl.batch;
            s->last_by = (uint8_t)tmpl.by;
        }
        /* Attempts count this event's own sends: a serial SDK's retry may
         * carry events that never went out before. */
        p.attempt = s->sends + (tmpl.kind == LAGSIM_TRACE_BACKOFF && !tmpl.behind);
        emit(t, &p);
    }
}

static lagsim_trace_point_t batch_template(const lsi_model_t *m, const lsi_batch_t *batch,
                                           enum lagsim_trace_kind kind)
{
    lagsim_trace_point_t p;
    memset(&p, 0, sizeof p);
    p.kind = kind;
    p.at = lagsim_sim_now(m->sim);
    p.by = batch->sender == LSI_SENDER_SEGMENT ? LAGSIM_TRACE_BY_SEGMENT : LAGSIM_TRACE_BY_SDK;
    p.batch = batch->events.count;
    return p;
}

static void offline(void *ctx, lsi_model_t *m, uint32_t b)
{
    const lsi_batch_t *batch = &m->pool.b[b];
    each_in_batch(ctx, m, batch, batch_template(m, batch, LAGSIM_TRACE_OFFLINE));
}

const char *lagsim_trace_trigger_name(enum lagsim_trace_trigger t)
{
    switch (t) {
    case LAGSIM_TRIGGER_NONE: return "none";
    case LAGSIM_TRIGGER_TICK: return "tick";
    case LAGSIM_TRIGGER_BATCH_TIMER: return "batch_timer";
    case LAGSIM_TRIGGER_CHAIN: return "chain";
    case LAGSIM_TRIGGER_FULL: return "full";
    case LAGSIM_TRIGGER_SHUTDOWN: return "shutdown";
    }
    return "?";
}

static void sent(void *ctx, lsi_model_t *m, uint32_t b, enum lagsim_endpoint to)
{
    const lsi_batch_t *batch = &m->pool.b[b];
    lagsim_trace_point_t p = batch_template(m, batch, LAGSIM_TRACE_SENT);
    p.to = to;
    if (batch->sender == LSI_SENDER_CLIENT && batch->attempts <= 1)
        p.trigger = m->send_trigger;
    each_in_batch(ctx, m, batch, p);
}

static void refused(void *ctx, lsi_model_t *m, uint32_t b, enum lagsim_response status)
{
    const lsi_batch_t *batch = &m->pool.b[b];
    lagsim_trace_point_t p = batch_template(m, batch, LAGSIM_TRACE_REFUSED);
    p.status = status;
    p.code = batch->code;
    p.retry_after = status == LAGSIM_RESP_TIMEOUT ? 0 : batch->retry_after;
    /* A device's request refused by Segment's tracking API (its SDK sends
     * to Segment), not by Mixpanel. A device with a request out is never
     * freed, so its slot is the sender's. */
    if (batch->sender == LSI_SENDER_CLIENT) {
        const lsi_client_t *c = &m->clients.slot[batch->owner];
        p.at_segment = m->sc->clients[c->kind].sdk[c->path].endpoint == LAGSIM_ENDPOINT_SEGMENT;
    }
    each_in_batch(ctx, m, batch, p);
}

static void backoff(void *ctx, lsi_model_t *m, uint32_t b, lagsim_time_t delay)
{
    const lsi_batch_t *batch = &m->pool.b[b];
    lagsim_trace_point_t p = batch_template(m, batch, LAGSIM_TRACE_BACKOFF);
    p.delay = delay == LSI_AT_NEXT_FLUSH ? LAGSIM_TRACE_NEXT_FLUSH : delay;
    if (batch->sender == LSI_SENDER_CLIENT) {
        const lsi_client_t *c = &m->clients.slot[batch->owner];
        if (lsi_retry_after_wait(&m->sc->clients[c->kind].sdk[c->path], batch) > 0 ||
            (batch->ra_waits > 0 && batch->retry_after > 0 &&
             m->sc->clients[c->kind].sdk[c->path].retry_after != LAGSIM_RA_IGNORE &&
             (batch->status == LAGSIM_RESP_429 || batch->status == LAGSIM_RESP_5XX)))
            p.retry_after = batch->retry_after;
    }
    each_in_batch(ctx, m, batch, p); /* which counts the attempt from each event's sends */
    if (batch->sender != LSI_SENDER_CLIENT)
        return;
    /* A serial SDK sends nothing else meanwhile: what it holds waits too. */
    const lsi_client_t *c = &m->clients.slot[batch->owner];
    if (m->sc->clients[c->kind].sdk[c->path].max_in_flight != 1)
        return;
    p.behind = 1;
    lsi_batch_t queued;
    memset(&queued, 0, sizeof queued);
    queued.events = c->queue;
    each_in_batch(ctx, m, &queued, p);
}

/* The batch's whole publisher pauses `delay` on its Retry-After: every
 * batch its device has parked (this one included) waits for the end. */
static void paused(void *ctx, lsi_model_t *m, uint32_t b, lagsim_time_t delay)
{
    const lsi_batch_t *batch = &m->pool.b[b];
    lagsim_trace_point_t p = batch_template(m, batch, LAGSIM_TRACE_BACKOFF);
    p.delay = delay;
    p.retry_after = batch->retry_after;
    p.paused = m->clients.slot[batch->owner].parked;
    each_in_batch(ctx, m, batch, p);
}

/* Segment takes `events` into its destination queues now: each followed
 * one was received at its seg_at and is queued behind `queued` events and
 * those of `events` ahead of it. */
static void segment_queued(void *ctx, lsi_model_t *m, const lsi_list_t *events, uint64_t queued)
{
    struct lsi_tracer *t = ctx;
    uint32_t id = events->head;
    for (uint32_t i = 0; i < events->count; i++, id = m->pool.ev[id].next) {
        const lsi_event_t *e = &m->pool.ev[id];
        if (!(e->flags & LSI_EV_TRACED))
            continue;
        slot_t *s = find(t, m, id);
        if (!s)
            continue;
        lagsim_trace_point_t p = point(t, s, LAGSIM_TRACE_SEGMENT_ACCEPTED, e->seg_at);
        emit(t, &p);
        s->sends = 0; /* the next leg: Segment to Mixpanel */
        p = point(t, s, LAGSIM_TRACE_SEGMENT_QUEUED, lagsim_sim_now(m->sim));
        p.queued = queued + i + 1;
        emit(t, &p);
    }
}

static void duplicate(void *ctx, lsi_model_t *m, uint32_t ev, int keep_copy)
{
    struct lsi_tracer *t = ctx;
    if (!(m->pool.ev[ev].flags & LSI_EV_TRACED))
        return;
    slot_t *s = find(t, m, ev);
    if (!s)
        return;
    lagsim_trace_point_t p = point(t, s, LAGSIM_TRACE_DUPLICATE, lagsim_sim_now(m->sim));
    p.copy = 1;
    p.by = (enum lagsim_trace_by)s->last_by;
    emit(t, &p);
    if (!keep_copy)
        release(t, s);
}

static void delivered(void *ctx, lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d)
{
    if (!(m->pool.ev[ev].flags & LSI_EV_TRACED))
        return;
    struct lsi_tracer *t = ctx;
    slot_t *s = find(t, m, ev);
    if (!s)
        return;
    const enum lagsim_trace_by by =
        d->batch->sender == LSI_SENDER_SEGMENT ? LAGSIM_TRACE_BY_SEGMENT : LAGSIM_TRACE_BY_SDK;
    lagsim_trace_point_t p = point(t, s, LAGSIM_TRACE_DELIVERED, d->at);
    p.by = by;
    p.batch = s->last_batch;
    p.attempt = s->sends;
    emit(t, &p);
    if (d->keep_copy) {
        p = point(t, s, LAGSIM_TRACE_ANSWER_LOST, d->at);
        p.by = by;
        emit(t, &p);
    }
    /* Processing is computed at once; report what falls within the run. */
    const lagsim_time_t steps[3] = {d->ingested, d->resolved, d->visible};
    const enum lagsim_trace_kind kinds[3] = {LAGSIM_TRACE_INGESTED, LAGSIM_TRACE_IDENTITY,
                                             LAGSIM_TRACE_VISIBLE};
    for (int i = 0; i < 3 && steps[i] <= m->end_limit; i++) {
        p = point(t, s, kinds[i], steps[i]);
        emit(t, &p);
    }
    if (d->visible <= m->end_limit)
        settle(t, s);
    if (!d->keep_copy)
        release(t, s);
}

/* An event (or a copy, which settles nothing) is dropped now. */
static void dropped(void *ctx, lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why)
{
    const lsi_event_t *e = &m->pool.ev[ev];
    if (!(e->flags & LSI_EV_TRACED))
        return;
    struct lsi_tracer *t = ctx;
    slot_t *s = find(t, m, ev);
    if (!s)
        return;
    lagsim_trace_point_t p = point(t, s, LAGSIM_TRACE_DROPPED, lagsim_sim_now(m->sim));
    p.reason = why;
    p.copy = (e->flags & LSI_EV_COPY) != 0;
    emit(t, &p);
    if (!p.copy)
        settle(t, s);
    release(t, s);
}

/* The run ended: followed events not settled are in flight. */
static void stopped(void *ctx, lsi_model_t *m)
{
    struct lsi_tracer *t = ctx;
    const lagsim_time_t now = lagsim_sim_now(m->sim);
    for (uint32_t i = 0; i < t->n; i++) {
        if (t->slot[i].settled)
            continue;
        const lagsim_trace_point_t p = point(t, &t->slot[i], LAGSIM_TRACE_IN_FLIGHT, now);
        emit(t, &p);
    }
}

const lsi_observer_t lsi_trace_observer = {
    .fired = fired,
    .queued = queued,
    .session_end = session_end,
    .offline = offline,
    .sent = sent,
    .segment_queued = segment_queued,
    .refused = refused,
    .backoff = backoff,
    .pause = paused,
    .duplicate = duplicate,
    .delivered = delivered,
    .dropped = dropped,
    .copy_dropped = dropped,
    .stopped = stopped,
};

int lsi_trace_done(const struct lsi_tracer *t, const lsi_model_t *m)
{
    if (!t->cfg.stop_when_settled || t->unsettled > 0 || t->live > 0)
        return 0;
    return t->n >= t->cfg.follow || lagsim_sim_now(m->sim) >= m->sc->horizon;
}

void lagsim_trace_plan(const lagsim_scenario_t *sc, uint32_t follow, lagsim_time_t *from,
                       lagsim_time_t *gap)
{
    if (follow == 0)
        follow = 1;
    /* The burst adding the most events above the base rate. */
    double best = 0;
    lagsim_time_t start = 0, length = 0;
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        const lagsim_burst_t *b = &sc->bursts[i];
        if (b->start >= sc->horizon || b->duration <= 0)
            continue;
        const lagsim_time_t len =
            b->duration < sc->horizon - b->start ? b->duration : sc->horizon - b->start;
        const double extra = b->rate >= 0 ? b->rate - sc->base_rate
                                          : sc->base_rate * (b->multiplier - 1.0);
        const double events = extra * (double)len;
        if (events > best) {
            best = events;
            start = b->start;
            length = len;
        }
    }
    if (best > 0) {
        *gap = length / follow;
        *from = start + *gap / 2;
        return;
    }
    *from = sc->horizon / 10;
    const lagsim_time_t room = (sc->horizon - *from) / follow;
    *gap = room < 10 * LAGSIM_SEC ? room : 10 * LAGSIM_SEC;
}
