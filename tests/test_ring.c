/*
 * test_ring.c - lsi_ring_t (lib/model/ring.c), Segment's destination
 * queue. Batch takes at the edges of their rule (at most max_count
 * events, and no event past the first that would bring the bytes over
 * max_bytes), and a long random sequence of appends, list appends, list
 * prepends and takes, checked after every step against a naive deque (a
 * plain array shifted with memmove) that applies the same rule. The
 * sequence grows the ring past its first size several times and wraps it
 * around, both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/model_internal.h"

#define MAX_EVENTS 20000u

/* The reference: ids in queue order. */
typedef struct {
    uint32_t id[MAX_EVENTS];
    uint32_t n;
} naive_t;

static uint64_t lcg_state = 12345;
static uint32_t draw(uint32_t below)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)((lcg_state >> 33) % below);
}

static void check_same(const lsi_pool_t *p, const lsi_ring_t *r, const naive_t *q)
{
    assert_int_equal(r->count, q->n);
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < q->n; i++) {
        const uint32_t got = (uint32_t)r->e[(r->head + i) & (r->cap - 1)];
        assert_int_equal(got, q->id[i]);
        assert_int_equal((uint32_t)(r->e[(r->head + i) & (r->cap - 1)] >> 32),
                         p->ev[q->id[i]].bytes);
        bytes += p->ev[q->id[i]].bytes;
    }
    assert_true(r->bytes == bytes);
    if (q->n > 0) {
        assert_int_equal(lsi_ring_front(r), q->id[0]);
        assert_int_equal(lsi_ring_front_bytes(r), p->ev[q->id[0]].bytes);
    }
}

/* A list of k fresh events with random sizes. */
static void new_list(lsi_pool_t *p, lsi_list_t *l, uint32_t k)
{
    lsi_list_init(l);
    for (uint32_t i = 0; i < k; i++) {
        const uint32_t id = lsi_event_alloc(p);
        assert_int_not_equal(id, LSI_NIL);
        p->ev[id].bytes = 1 + draw(3000);
        lsi_list_push(p, l, id);
    }
}

static void random_operations(void **state)
{
    (void)state;
    static naive_t q;
    q.n = 0;
    lsi_pool_t p;
    lsi_pool_init(&p);
    lsi_ring_t r = {0};
    uint32_t taken = 0, grown = 0, cap_seen = 0;
    for (int step = 0; step < 20000; step++) {
        const uint32_t op = draw(10);
        if (op < 4 && q.n < MAX_EVENTS - 1) { /* one event at the back */
            const uint32_t id = lsi_event_alloc(&p);
            p.ev[id].bytes = 1 + draw(3000);
            assert_int_equal(lsi_ring_push(&r, id, p.ev[id].bytes), 0);
            q.id[q.n++] = id;
        } else if (op < 6) { /* a list at the back, or in front */
            const uint32_t k = draw(40);
            if (q.n + k >= MAX_EVENTS)
                continue;
            lsi_list_t l;
            new_list(&p, &l, k);
            uint32_t ids[40], n = 0;
            for (uint32_t id = l.head; id != LSI_NIL; id = p.ev[id].next)
                ids[n++] = id;
            if (op == 4) {
                assert_int_equal(lsi_ring_push_list(&p, &r, &l), 0);
                memcpy(q.id + q.n, ids, n * sizeof *ids);
            } else {
                assert_int_equal(lsi_ring_prepend_list(&p, &r, &l), 0);
                memmove(q.id + n, q.id, q.n * sizeof *q.id);
                memcpy(q.id, ids, n * sizeof *ids);
            }
            q.n += n;
        } else if (q.n > 0 && (step % 2000 >= 1000 || q.n > 3000)) { /* a batch from the front */
            const uint32_t max_count = 1 + draw(op == 9 ? 5000 : 60);
            const uint64_t max_bytes = 1 + draw(op == 8 ? 500 : 200000);
            uint32_t want = 0;
            uint64_t want_bytes = 0;
            while (want < q.n && want < max_count &&
                   (want == 0 || want_bytes + p.ev[q.id[want]].bytes <= max_bytes)) {
                want_bytes += p.ev[q.id[want]].bytes;
                want++;
            }
            lsi_list_t dst;
            lsi_ring_take(&p, &r, &dst, max_count, max_bytes);
            assert_int_equal(dst.count, want);
            assert_true(dst.bytes == want_bytes);
            uint32_t i = 0;
            for (uint32_t id = dst.head; id != LSI_NIL; id = p.ev[id].next, i++) {
                assert_true(i < want);
                assert_int_equal(id, q.id[i]);
            }
            assert_int_equal(i, want);
            assert_int_equal(dst.tail, q.id[want - 1]);
            memmove(q.id, q.id + want, (q.n - want) * sizeof *q.id);
            q.n -= want;
            taken += want;
            for (uint32_t id = dst.head, next; id != LSI_NIL; id = next) {
                next = p.ev[id].next;
                lsi_event_release(&p, id);
            }
        }
        if (r.cap > cap_seen) {
            grown += cap_seen > 0;
            cap_seen = r.cap;
        }
        check_same(&p, &r, &q);
    }
    assert_true(taken > 10000); /* the sequence did exercise takes */
    assert_true(grown >= 2);    /* and growth while wrapped */
    lsi_ring_free(&r);
    lsi_pool_free(&p);
}

/* lsi_ring_take(max_count, max_bytes) on a ring of events of `sizes`,
 * against the rule popped by hand (cases picked at the caps' edges). */
static void check_take(const uint32_t *sizes, uint32_t n, uint32_t max_count, uint64_t max_bytes)
{
    lsi_pool_t p;
    lsi_pool_init(&p);
    lsi_ring_t r = {0};
    uint32_t before[64];
    for (uint32_t i = 0; i < n; i++) {
        before[i] = lsi_event_alloc(&p);
        p.ev[before[i]].bytes = sizes[i];
        assert_int_equal(lsi_ring_push(&r, before[i], sizes[i]), 0);
    }
    uint32_t want = 0;
    uint64_t want_bytes = 0;
    while (want < n && want < max_count && (want == 0 || want_bytes + sizes[want] <= max_bytes)) {
        want_bytes += sizes[want];
        want++;
    }
    lsi_list_t dst;
    lsi_ring_take(&p, &r, &dst, max_count, max_bytes);
    assert_int_equal(dst.count, want);
    assert_true(dst.bytes == want_bytes);
    uint32_t i = 0;
    for (uint32_t id = dst.head; id != LSI_NIL; id = p.ev[id].next)
        assert_int_equal(id, before[i++]);
    assert_int_equal(i, want);
    assert_true(want == 0 ? dst.tail == LSI_NIL : dst.tail == before[want - 1]);
    assert_int_equal(r.count, n - want);
    for (uint32_t k = want; k < n; k++)
        assert_int_equal((uint32_t)r.e[(r.head + k - want) & (r.cap - 1)], before[k]);
    lsi_ring_free(&r);
    lsi_pool_free(&p);
}

static void take_whole_ring_when_it_fits(void **state)
{
    (void)state;
    const uint32_t sizes[] = {100, 200, 300, 400};
    check_take(sizes, 4, 4, 1000);   /* exactly the caps */
    check_take(sizes, 4, 10, 5000);  /* well under */
    check_take(sizes, 1, 1, 1);      /* one event over the byte cap: still taken */
    check_take(sizes, 0, 5, 100);    /* empty */
}

static void take_part_at_either_cap(void **state)
{
    (void)state;
    const uint32_t sizes[] = {100, 200, 300, 400, 500};
    check_take(sizes, 5, 3, 100000); /* count cap */
    check_take(sizes, 5, 10, 599);   /* byte cap, inside the ring */
    check_take(sizes, 5, 10, 1499);  /* byte cap, one short of all */
    check_take(sizes, 5, 10, 50);    /* the first alone is over: taken alone */
    check_take(sizes, 5, 4, 1500);   /* bytes would fit, count does not */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(take_whole_ring_when_it_fits),
        cmocka_unit_test(take_part_at_either_cap),
        cmocka_unit_test(random_operations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
