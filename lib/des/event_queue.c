/*
 * event_queue.c - the simulated clock and the event queue.
 *
 * The queue is an implicit 4-ary min-heap of event records stored inline
 * in one array (no pointers to chase, no allocation per event: the array
 * doubles when full and is kept). The key is (time, seq), where seq is a
 * counter of insertions, so equal times pop in insertion order and a run
 * is deterministic. Sifting moves a hole instead of swapping records.
 */
#include <assert.h>
#include <stdlib.h>

#include "lagsim/des.h"

typedef struct record {
    lagsim_time_t time;
    uint64_t seq;
    lagsim_event_fn fn;
    void *ctx;
    uint64_t arg;
} record_t;

struct lagsim_sim {
    record_t *heap;
    size_t size;
    size_t cap;
    lagsim_time_t now;
    uint64_t seq;
    uint64_t executed;
    int stop;
};

#define ARITY 4
#define INITIAL_CAP 1024

static inline int before(const record_t *a, const record_t *b)
{
    return a->time < b->time || (a->time == b->time && a->seq < b->seq);
}

lagsim_sim_t *lagsim_sim_create(void)
{
    lagsim_sim_t *sim = calloc(1, sizeof *sim);
    if (!sim)
        return NULL;
    sim->heap = malloc(INITIAL_CAP * sizeof *sim->heap);
    if (!sim->heap) {
        free(sim);
        return NULL;
    }
    sim->cap = INITIAL_CAP;
    return sim;
}

void lagsim_sim_destroy(lagsim_sim_t *sim)
{
    if (!sim)
        return;
    free(sim->heap);
    free(sim);
}

void lagsim_sim_reset(lagsim_sim_t *sim)
{
    sim->size = 0;
    sim->now = 0;
    sim->seq = 0;
    sim->executed = 0;
    sim->stop = 0;
}

int lagsim_sim_schedule(lagsim_sim_t *sim, lagsim_time_t at, lagsim_event_fn fn, void *ctx,
                        uint64_t arg)
{
    assert(at >= sim->now && "scheduling into the past");
    if (at < sim->now)
        at = sim->now;
    if (sim->size == sim->cap) {
        const size_t cap = sim->cap * 2;
        record_t *grown = realloc(sim->heap, cap * sizeof *grown);
        if (!grown)
            return LAGSIM_ENOMEM;
        sim->heap = grown;
        sim->cap = cap;
    }
    const record_t rec = {.time = at, .seq = sim->seq++, .fn = fn, .ctx = ctx, .arg = arg};
    record_t *h = sim->heap;
    size_t i = sim->size++;
    while (i > 0) {
        const size_t parent = (i - 1) / ARITY;
        if (!before(&rec, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = rec;
    return LAGSIM_OK;
}

/* Removes the root: the last record sinks from the top through the hole. */
static void pop_root(lagsim_sim_t *sim)
{
    record_t *h = sim->heap;
    const size_t n = --sim->size;
    if (n == 0)
        return;
    const record_t last = h[n];
    size_t i = 0;
    for (;;) {
        const size_t first = i * ARITY + 1;
        if (first >= n)
            break;
        size_t best = first;
        const size_t end = first + ARITY < n ? first + ARITY : n;
        for (size_t c = first + 1; c < end; c++)
            if (before(&h[c], &h[best]))
                best = c;
        if (!before(&h[best], &last))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
}

uint64_t lagsim_sim_run(lagsim_sim_t *sim, lagsim_time_t until)
{
    uint64_t ran = 0;
    sim->stop = 0;
    while (sim->size > 0 && !sim->stop) {
        const record_t top = sim->heap[0];
        if (top.time > until)
            break;
        pop_root(sim);
        sim->now = top.time;
        top.fn(sim, top.ctx, top.arg);
        ran++;
    }
    sim->executed += ran;
    return ran;
}

void lagsim_sim_stop(lagsim_sim_t *sim)
{
    sim->stop = 1;
}

lagsim_time_t lagsim_sim_now(const lagsim_sim_t *sim)
{
    return sim->now;
}

lagsim_time_t lagsim_sim_next_time(const lagsim_sim_t *sim)
{
    return sim->size ? sim->heap[0].time : LAGSIM_TIME_MAX;
}

size_t lagsim_sim_pending(const lagsim_sim_t *sim)
{
    return sim->size;
}

uint64_t lagsim_sim_executed(const lagsim_sim_t *sim)
{
    return sim->executed;
}
