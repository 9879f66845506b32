/*
 * ring.c - lsi_ring_t: a FIFO of event ids with their sizes in one
 * growable circular array (Segment's destination queues).
 *
 * Central idea: a queue that forms large batches is read front to back,
 * so it should be contiguous. As an intrusive list through the event
 * records (lsi_list_t), taking 1,000 events walks 1,000 scattered records,
 * each load waiting for the one before it. Here an entry packs the id and
 * the size (id | bytes << 32): counting out a batch up to its event and
 * byte caps reads only the array, and the records it then links into the
 * batch's list are known in advance, so their loads overlap (they are
 * prefetched a few entries ahead). The array doubles when full and never
 * shrinks during a run: its size follows the longest queue, not the
 * number of events.
 */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

#define RING_INITIAL 1024u
/* How many entries ahead take() starts loading a record. */
#define PREFETCH_AHEAD 8u

static inline uint64_t pack(uint32_t id, uint32_t bytes)
{
    return (uint64_t)bytes << 32 | id;
}

void lsi_ring_free(lsi_ring_t *r)
{
    free(r->e);
    *r = (lsi_ring_t){0};
}

/* Makes room for `more` entries, keeping their order. The array grows in
 * place where it can (realloc of a large block remaps its pages instead
 * of copying them, so the old and the new array are never both resident);
 * entries that wrapped past the old end move to just after it. */
static int ring_reserve(lsi_ring_t *r, uint32_t more)
{
    if ((uint64_t)r->count + more <= r->cap)
        return 0;
    uint64_t cap = r->cap ? r->cap : RING_INITIAL;
    while (cap < (uint64_t)r->count + more)
        cap *= 2;
    if (cap > (uint64_t)UINT32_MAX + 1 - RING_INITIAL)
        return -1;
    uint64_t *e = realloc(r->e, (size_t)cap * sizeof *e);
    if (!e)
        return -1;
    const uint32_t old = r->cap;
    if (old > 0 && r->head + r->count > old) /* wrapped: [0, tail) goes after the old end */
        memcpy(e + old, e, (size_t)(r->head + r->count - old) * sizeof *e);
    r->e = e;
    r->cap = (uint32_t)cap;
    return 0;
}

int lsi_ring_push(lsi_ring_t *r, uint32_t id, uint32_t bytes)
{
    if (r->count == r->cap && ring_reserve(r, 1) != 0)
        return -1;
    r->e[(r->head + r->count) & (r->cap - 1)] = pack(id, bytes);
    r->count++;
    r->bytes += bytes;
    return 0;
}

int lsi_ring_push_list(lsi_pool_t *p, lsi_ring_t *r, const lsi_list_t *l)
{
    if (ring_reserve(r, l->count) != 0)
        return -1;
    for (uint32_t id = l->head; id != LSI_NIL; id = p->ev[id].next) {
        r->e[(r->head + r->count) & (r->cap - 1)] = pack(id, p->ev[id].bytes);
        r->count++;
    }
    r->bytes += l->bytes;
    return 0;
}

int lsi_ring_prepend_list(lsi_pool_t *p, lsi_ring_t *r, const lsi_list_t *l)
{
    if (l->count == 0)
        return 0;
    if (ring_reserve(r, l->count) != 0)
        return -1;
    const uint32_t mask = r->cap - 1;
    r->head = (r->head - l->count) & mask;
    uint32_t i = r->head;
    for (uint32_t id = l->head; id != LSI_NIL; id = p->ev[id].next, i = (i + 1) & mask)
        r->e[i] = pack(id, p->ev[id].bytes);
    r->count += l->count;
    r->bytes += l->bytes;
    return 0;
}

void lsi_ring_take(lsi_pool_t *p, lsi_ring_t *src, lsi_list_t *dst, uint32_t max_count,
                   uint64_t max_bytes)
{
    lsi_list_init(dst);
    const uint32_t mask = src->cap - 1;
    uint32_t n = 0;
    uint64_t bytes = 0;
    while (n < src->count && n < max_count) {
        const uint32_t b = (uint32_t)(src->e[(src->head + n) & mask] >> 32);
        if (n > 0 && bytes + b > max_bytes)
            break;
        bytes += b;
        n++;
    }
    if (n == 0)
        return;
    uint32_t prev = LSI_NIL;
    for (uint32_t k = 0; k < n; k++) {
#if defined(__GNUC__)
        if (k + PREFETCH_AHEAD < n)
            __builtin_prefetch(&p->ev[(uint32_t)src->e[(src->head + k + PREFETCH_AHEAD) & mask]], 1);
#endif
        const uint32_t id = (uint32_t)src->e[(src->head + k) & mask];
        if (prev == LSI_NIL)
            dst->head = id;
        else
            p->ev[prev].next = id;
        prev = id;
    }
    p->ev[prev].next = LSI_NIL;
    dst->tail = prev;
    dst->count = n;
    dst->bytes = bytes;
    src->head = (src->head + n) & mask;
    src->count -= n;
    src->bytes -= bytes;
}
