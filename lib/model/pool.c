/*
 * pool.c - pooled event and batch records, and the intrusive event lists
 * built on them.
 *
 * Records are addressed by uint32 index into arrays that double when full
 * and are never shrunk during a run, so the pool's size follows the
 * largest backlog seen, not the number of events fired. Freed records go
 * on a free list and are reused first.
 */
#include <stdlib.h>

#include "model/model_internal.h"

#define INITIAL_EVENTS 4096
#define INITIAL_BATCHES 256

int lsi_pool_init(lsi_pool_t *p)
{
    p->ev = NULL;
    p->ev_cap = p->ev_used = p->ev_live = 0;
    p->ev_free = LSI_NIL;
    p->b = NULL;
    p->b_cap = p->b_used = p->b_live = 0;
    p->b_free = LSI_NIL;
    return LAGSIM_OK;
}

void lsi_pool_free(lsi_pool_t *p)
{
    free(p->ev);
    free(p->b);
    lsi_pool_init(p);
}

/*
 * Index of a record to hand out: the head of the free list, else the
 * first never-used record, else the first of the array doubled. Growing
 * writes nothing into the new records (realloc of a large block moves
 * pages without touching them), so the resident memory follows the
 * records actually used. Ids come out in the same order as from a free
 * list threaded through every new record, lowest first.
 */
#define TAKE(arr, cap, used, free_head, initial)                               \
    do {                                                                       \
        if ((free_head) != LSI_NIL) {                                          \
            id = (free_head);                                                  \
            (free_head) = (arr)[id].next;                                      \
            break;                                                             \
        }                                                                      \
        if ((used) == (cap)) {                                                 \
            const uint64_t want = (cap) ? (uint64_t)(cap) * 2 : (initial);     \
            if (want >= LSI_NIL)                                               \
                return LSI_NIL;                                                \
            void *grown = realloc((arr), (size_t)want * sizeof *(arr));        \
            if (!grown)                                                        \
                return LSI_NIL;                                                \
            (arr) = grown;                                                     \
            (cap) = (uint32_t)want;                                            \
        }                                                                      \
        id = (used)++;                                                         \
    } while (0)

uint32_t lsi_event_alloc(lsi_pool_t *p)
{
    uint32_t id;
    TAKE(p->ev, p->ev_cap, p->ev_used, p->ev_free, INITIAL_EVENTS);
    p->ev[id].next = LSI_NIL;
    p->ev_live++;
    return id;
}

void lsi_event_release(lsi_pool_t *p, uint32_t id)
{
    p->ev[id].next = p->ev_free;
    p->ev_free = id;
    p->ev_live--;
}

uint32_t lsi_batch_alloc(lsi_pool_t *p)
{
    uint32_t id;
    TAKE(p->b, p->b_cap, p->b_used, p->b_free, INITIAL_BATCHES);
    lsi_batch_t *b = &p->b[id];
    lsi_list_init(&b->events);
    b->first_sent_at = 0;
    b->attempt_sent_at = 0;
    b->recv_at = 0;
    b->back_delay = 0;
    b->oldest_seg_at = 0;
    b->attempts = 0;
    b->owner = LSI_NIL;
    b->owner_gen = 0;
    b->next = LSI_NIL;
    b->sender = LSI_SENDER_CLIENT;
    b->status = LAGSIM_RESP_2XX;
    b->code = 0;
    b->at_exit = 0;
    b->throttled = 0;
    b->seg_big_event = 0;
    b->to_track = 0;
    b->keeps_copy = 0;
    b->timeout = 0;
    b->event_bytes_max = UINT64_MAX;
    b->retry_after = 0;
    b->ra_waits = 0;
    b->offline = 0;
    b->ack = LSI_NO_ACK;
    p->b_live++;
    return id;
}

void lsi_batch_release(lsi_pool_t *p, uint32_t id)
{
    p->b[id].next = p->b_free;
    p->b_free = id;
    p->b_live--;
}

void lsi_list_push(lsi_pool_t *p, lsi_list_t *l, uint32_t id)
{
    p->ev[id].next = LSI_NIL;
    if (l->tail == LSI_NIL)
        l->head = id;
    else
        p->ev[l->tail].next = id;
    l->tail = id;
    l->count++;
    l->bytes += p->ev[id].bytes;
}

/*
 * The records of a list are scattered over the pool (a list's order is
 * the order events reach a queue, not the order they were allocated), so
 * each step of a walk is a likely cache miss. pop() starts loading the
 * new head at once: a caller that does some work per event (delivering
 * it, checking it) overlaps that miss with its work instead of waiting
 * for it at the next pop.
 */
uint32_t lsi_list_pop(lsi_pool_t *p, lsi_list_t *l)
{
    const uint32_t id = l->head;
    if (id == LSI_NIL)
        return LSI_NIL;
    l->head = p->ev[id].next;
    if (l->head == LSI_NIL)
        l->tail = LSI_NIL;
#if defined(__GNUC__)
    else
        __builtin_prefetch(&p->ev[l->head], 1);
#endif
    l->count--;
    l->bytes -= p->ev[id].bytes;
    p->ev[id].next = LSI_NIL;
    return id;
}

void lsi_list_prepend(lsi_pool_t *p, lsi_list_t *dst, lsi_list_t *src)
{
    if (src->head == LSI_NIL)
        return;
    p->ev[src->tail].next = dst->head;
    if (dst->tail == LSI_NIL)
        dst->tail = src->tail;
    dst->head = src->head;
    dst->count += src->count;
    dst->bytes += src->bytes;
    lsi_list_init(src);
}

void lsi_list_append(lsi_pool_t *p, lsi_list_t *dst, lsi_list_t *src)
{
    if (src->head == LSI_NIL)
        return;
    if (dst->tail == LSI_NIL)
        dst->head = src->head;
    else
        p->ev[dst->tail].next = src->head;
    dst->tail = src->tail;
    dst->count += src->count;
    dst->bytes += src->bytes;
    lsi_list_init(src);
}
