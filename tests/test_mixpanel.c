/*
 * test_mixpanel.c - Mixpanel's side seen through whole runs: answers
 * lost after Mixpanel took a request make retries and duplicates (removed
 * by $insert_id, never counted twice), identity merges cost more, and
 * ingestion time grows with payload size and nesting depth.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model_support.h"

/*
 * A fifth of the answers to accepted requests are lost: the SDK times out
 * and sends the batch again, and Mixpanel counts the events it already
 * has as duplicates. Each send of an accepted batch is lost with
 * probability 0.2, so a batch is sent again 0.2 / 0.8 = 0.25 times on
 * average: duplicates / delivered should be near 0.25. With some
 * thousands of batches of tens of events (correlated within a batch) the
 * standard error is under 0.01; the tolerance is 0.05.
 */
static void lost_answers_make_duplicates_not_double_counts(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 200, 10 * LAGSIM_MIN);
    sc.mixpanel.lost_response_rate = 0.2;
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(r->visible, r->fired);
    assert_int_equal(r->delivered, r->fired);
    const double ratio = (double)r->duplicates / (double)r->delivered;
    assert_true(fabs(ratio - 0.25) < 0.05);
    assert_true(r->responses[LAGSIM_RESP_TIMEOUT] > 0);
    assert_hops_add_up(r);
    /* Segment's destination does the same with its own retries. */
    lagsim_result_t *c = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(c->visible, c->fired);
    assert_true(c->duplicates > 0);
    lagsim_result_destroy(r);
    lagsim_result_destroy(c);
}

/* Answers slower than the sender's timeout are lost the same way, with
 * no lost_response_rate at all. */
static void slow_answers_time_out_after_acceptance(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 200, 5 * LAGSIM_MIN);
    sc.mixpanel.response_time = constant(20.0); /* Segment's timeout is 10 s */
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_true(r->duplicates > 0);
    assert_int_equal(r->responses[LAGSIM_RESP_2XX], 0);
    assert_true(r->visible + r->in_flight == r->fired);
    lagsim_result_destroy(r);
}

/*
 * Identity resolution: known ids cost 0, merges a constant 100 s, and half
 * the events are merges, so the identity hop averages 50 s; with N events
 * the share of merges has sd sqrt(0.25 / N) (N ~ 24,000: 0.0032), i.e.
 * 0.32 s of the mean; the tolerance is 2 s.
 */
static void merges_cost_more(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 80, 5 * LAGSIM_MIN);
    sc.new_user_share = 0;
    sc.merge_share = 0.5;
    sc.mixpanel.idres_known = constant(0);
    sc.mixpanel.idres_merge = constant(100);
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    const double mean = lagsim_breakdown_mean(r->hops, LAGSIM_HOP_IDENTITY) / S;
    assert_true(fabs(mean - 50.0) < 2.0);
    lagsim_result_destroy(r);
}

/* Ingestion: 0.5 s + 10 ms per KB of a constant 10 KB payload + 100 ms
 * for each of 3 nesting levels = 0.9 s for every event, exactly. */
static void ingestion_grows_with_size_and_depth(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 50, 2 * LAGSIM_MIN);
    sc.event_types[0].payload_bytes = constant(10000);
    sc.event_types[0].nesting_depth = 3;
    sc.mixpanel.ingest_delay = constant(0.5);
    sc.mixpanel.ingest_per_kb = 10 * LAGSIM_MSEC;
    sc.mixpanel.ingest_per_depth = 100 * LAGSIM_MSEC;
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(r->visible > 1000);
    assert_true(lagsim_breakdown_mean(r->hops, LAGSIM_HOP_MIXPANEL_INGEST) == 900.0 * LAGSIM_MSEC);
    lagsim_result_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lost_answers_make_duplicates_not_double_counts),
        cmocka_unit_test(slow_answers_time_out_after_acceptance),
        cmocka_unit_test(merges_cost_more),
        cmocka_unit_test(ingestion_grows_with_size_and_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
