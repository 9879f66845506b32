/*
 * test_pool.c - the pooled event lists of lib/model/pool.c: lsi_list_take()
 * (forming a batch from a queue) against a naive reference that pops the
 * events one by one under the same rule: at most max_count events, and
 * no event past the first that would bring the bytes over max_bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "model/model_internal.h"

/* A list of n events whose sizes are sizes[0..n-1], in that order. */
static void fill(lsi_pool_t *p, lsi_list_t *l, const uint32_t *sizes, uint32_t n)
{
    lsi_list_init(l);
    for (uint32_t i = 0; i < n; i++) {
        const uint32_t id = lsi_event_alloc(p);
        assert_int_not_equal(id, LSI_NIL);
        p->ev[id].bytes = sizes[i];
        lsi_list_push(p, l, id);
    }
}

/* The ids of a list, in order, into ids[]; returns how many. */
static uint32_t ids_of(const lsi_pool_t *p, const lsi_list_t *l, uint32_t *ids)
{
    uint32_t n = 0;
    for (uint32_t id = l->head; id != LSI_NIL; id = p->ev[id].next)
        ids[n++] = id;
    return n;
}

/* Checks lsi_list_take(max_count, max_bytes) on a list of `sizes`. */
static void check_take(const uint32_t *sizes, uint32_t n, uint32_t max_count, uint64_t max_bytes)
{
    lsi_pool_t p;
    lsi_pool_init(&p);
    lsi_list_t src, dst;
    fill(&p, &src, sizes, n);
    uint32_t before[64];
    assert_int_equal(ids_of(&p, &src, before), n);

    /* The reference: pop while the rule allows. */
    uint32_t want = 0;
    uint64_t want_bytes = 0;
    while (want < n && want < max_count &&
           (want == 0 || want_bytes + sizes[want] <= max_bytes)) {
        want_bytes += sizes[want];
        want++;
    }

    lsi_list_take(&p, &src, &dst, max_count, max_bytes);
    uint32_t got[64], rest[64];
    assert_int_equal(ids_of(&p, &dst, got), want);
    assert_int_equal(dst.count, want);
    assert_int_equal(dst.bytes, want_bytes);
    for (uint32_t i = 0; i < want; i++)
        assert_int_equal(got[i], before[i]);
    assert_true(want == 0 ? dst.tail == LSI_NIL : dst.tail == before[want - 1]);
    assert_int_equal(ids_of(&p, &src, rest), n - want);
    assert_int_equal(src.count, n - want);
    for (uint32_t i = want; i < n; i++)
        assert_int_equal(rest[i - want], before[i]);
    assert_true(want == n ? src.head == LSI_NIL && src.tail == LSI_NIL
                          : src.tail == before[n - 1]);
    lsi_pool_free(&p);
}

static void take_whole_list_when_it_fits(void **state)
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
    check_take(sizes, 5, 10, 599);   /* byte cap, inside the list */
    check_take(sizes, 5, 10, 1499);  /* byte cap, one short of all */
    check_take(sizes, 5, 10, 50);    /* the first alone is over: taken alone */
    check_take(sizes, 5, 4, 1500);   /* bytes would fit, count does not */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(take_whole_list_when_it_fits),
        cmocka_unit_test(take_part_at_either_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
