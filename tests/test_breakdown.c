/*
 * test_breakdown.c - lagsim_breakdown_t: exact part sums and means,
 * rejection of records whose parts do not add up, tail shares at band
 * resolution, and merging.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lagsim/stats.h"

static void means_and_shares_are_exact(void **state)
{
    (void)state;
    lagsim_breakdown_t *b = lagsim_breakdown_create(3);
    assert_non_null(b);
    const int64_t p1[3] = {1, 2, 7}, p2[3] = {3, 0, 7};
    assert_int_equal(lagsim_breakdown_record(b, 10, p1), 0);
    assert_int_equal(lagsim_breakdown_record(b, 10, p2), 0);
    assert_int_equal(lagsim_breakdown_count(b), 2);
    assert_true(lagsim_breakdown_mean(b, 0) == 2.0);
    assert_true(lagsim_breakdown_mean(b, 1) == 1.0);
    assert_true(lagsim_breakdown_mean(b, 2) == 7.0);
    assert_true(lagsim_breakdown_total_mean(b) == 10.0);
    assert_true(fabs(lagsim_breakdown_share(b, 2) - 0.7) < 1e-12);
    lagsim_breakdown_destroy(b);
}

static void parts_that_do_not_add_up_are_rejected(void **state)
{
    (void)state;
    lagsim_breakdown_t *b = lagsim_breakdown_create(2);
    const int64_t wrong[2] = {4, 5}, negative[2] = {-1, 11};
    assert_int_equal(lagsim_breakdown_record(b, 10, wrong), -1);
    assert_int_equal(lagsim_breakdown_record(b, 10, negative), -1);
    assert_int_equal(lagsim_breakdown_count(b), 0);
    assert_int_equal(lagsim_breakdown_inconsistent(b), 2);
    assert_true(lagsim_breakdown_mean(b, 0) == 0.0);
    lagsim_breakdown_destroy(b);
}

/*
 * 99 items of 1 s made only of part 0, and one of 100 s made only of
 * part 1: the tail at 50 s is that one item, all part 1; a threshold
 * inside the band of 1 s (within 1/16 of it) still takes in the 1 s items.
 */
static void tail_share_follows_the_threshold(void **state)
{
    (void)state;
    lagsim_breakdown_t *b = lagsim_breakdown_create(2);
    const int64_t fast[2] = {1000000, 0}, slow[2] = {0, 100000000};
    for (int i = 0; i < 99; i++)
        lagsim_breakdown_record(b, 1000000, fast);
    lagsim_breakdown_record(b, 100000000, slow);
    uint64_t n = 0;
    assert_true(lagsim_breakdown_tail_share(b, 1, 50000000, &n) == 1.0);
    assert_int_equal(n, 1);
    assert_true(lagsim_breakdown_tail_share(b, 0, 50000000, NULL) == 0.0);
    lagsim_breakdown_tail_share(b, 0, 1000000, &n);
    assert_int_equal(n, 100);
    assert_true(fabs(lagsim_breakdown_tail_share(b, 1, 1000000, NULL) - 100.0 / 199.0) < 1e-12);
    /* Above every item: an empty tail. */
    assert_true(lagsim_breakdown_tail_share(b, 1, 200000000, &n) == 0.0);
    assert_int_equal(n, 0);
    lagsim_breakdown_destroy(b);
}

static void merge_equals_recording_into_one(void **state)
{
    (void)state;
    lagsim_breakdown_t *a = lagsim_breakdown_create(2), *c = lagsim_breakdown_create(2);
    lagsim_breakdown_t *all = lagsim_breakdown_create(2), *other = lagsim_breakdown_create(3);
    for (int64_t v = 1; v < 5000; v += 7) {
        const int64_t p[2] = {v / 3, v - v / 3};
        lagsim_breakdown_record(v % 2 ? a : c, v, p);
        lagsim_breakdown_record(all, v, p);
    }
    assert_int_equal(lagsim_breakdown_merge(a, c), 0);
    assert_int_equal(lagsim_breakdown_count(a), lagsim_breakdown_count(all));
    for (unsigned h = 0; h < 2; h++) {
        assert_true(lagsim_breakdown_mean(a, h) == lagsim_breakdown_mean(all, h));
        assert_true(lagsim_breakdown_tail_share(a, h, 3000, NULL) ==
                    lagsim_breakdown_tail_share(all, h, 3000, NULL));
    }
    assert_int_equal(lagsim_breakdown_merge(a, other), -1);
    lagsim_breakdown_destroy(a);
    lagsim_breakdown_destroy(c);
    lagsim_breakdown_destroy(all);
    lagsim_breakdown_destroy(other);
    assert_null(lagsim_breakdown_create(0));
    assert_null(lagsim_breakdown_create(LAGSIM_BREAKDOWN_MAX_PARTS + 1));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(means_and_shares_are_exact),
        cmocka_unit_test(parts_that_do_not_add_up_are_rejected),
        cmocka_unit_test(tail_share_follows_the_threshold),
        cmocka_unit_test(merge_equals_recording_into_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
