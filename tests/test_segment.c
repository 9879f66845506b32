/*
 * test_segment.c - Segment's side seen through whole runs: the tracking
 * API's request limits, the workspace inbound limit that queues the
 * excess, and priority tiers in the destination queue.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model_support.h"

static void add_burst(lagsim_scenario_t *sc, lagsim_time_t start, lagsim_time_t len, double rate)
{
    lagsim_burst_t *b = &sc->bursts[sc->n_bursts++];
    memset(b, 0, sizeof *b);
    strcpy(b->name, "burst");
    b->start = start;
    b->duration = len;
    b->rate = rate;
    b->multiplier = -1;
}

/*
 * 2,000 events/s for 60 s against an inbound limit of 1,000/s: the excess
 * piles up at 1,000/s to 60,000 events and drains at 1,000 - 100 = 900/s.
 * The fluid model puts the mean wait of the burst's events at about 30 s
 * plus the drain share; the test asks only for a Segment ingest hop that
 * is at least 10 s on average (against the 3 s of processing without the
 * limit) and for nothing lost.
 */
static void the_inbound_limit_queues_the_excess(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 100, 5 * LAGSIM_MIN);
    add_burst(&sc, LAGSIM_MIN, LAGSIM_MIN, 2000);
    lagsim_result_t *free_flow = run_mode(&sc, LAGSIM_MODE_CLOUD);
    sc.segment.inbound_limit = 1000;
    lagsim_result_t *limited = run_mode(&sc, LAGSIM_MODE_CLOUD);
    const double before = lagsim_breakdown_mean(free_flow->hops, LAGSIM_HOP_SEGMENT_INGEST) / S;
    const double after = lagsim_breakdown_mean(limited->hops, LAGSIM_HOP_SEGMENT_INGEST) / S;
    assert_true(fabs(before - 3.0) < 0.1); /* uniform(1 s, 5 s) processing */
    assert_true(after > 10.0);
    assert_int_equal(limited->visible, limited->fired);
    assert_hops_add_up(limited);
    lagsim_result_destroy(free_flow);
    lagsim_result_destroy(limited);
}

/* analytics-node batches of 1,000 events of 1 KB make 1 MB requests,
 * over the tracking API's 500 KB: Segment rejects them (invalid). */
static void oversized_requests_are_rejected(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 500, 2 * LAGSIM_MIN);
    sc.clients[0].platform = LAGSIM_PLATFORM_SERVER;
    sc.clients[0].sdk[LAGSIM_MODE_CLOUD] = *lagsim_sdk_preset("analytics-node");
    sc.clients[0].sdk[LAGSIM_MODE_CLOUD].batch_size = 1000;
    sc.clients[0].sdk[LAGSIM_MODE_CLOUD].flush_at = 1000;
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE] = *lagsim_sdk_preset("mixpanel-server");
    sc.users = 1;
    sc.event_types[0].payload_bytes = constant(1000);
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_true(r->dropped[LAGSIM_DROP_INVALID] >= r->fired / 2);
    lagsim_result_destroy(r);
}

/*
 * Offered load of 3,000/s for 3 minutes against a limit of 1,000/s, a
 * tenth of it high priority. Without tiers both classes wait alike (their
 * p99s within 20% of each other). With tiers the destination pauses on a
 * failure and then sends the high tier first: the high class (300/s, well
 * under the limit) gets its p99 below half the low class's p50, while
 * nothing is lost.
 */
static void priority_tiers_send_high_first(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 300, 6 * LAGSIM_MIN);
    add_burst(&sc, LAGSIM_MIN, 3 * LAGSIM_MIN, 3000);
    sc.mixpanel.ingest_limit = 1000;
    sc.mixpanel.ingest_limit_bytes = 0;
    sc.n_event_types = 2;
    sc.event_types[0].share = 0.9;
    sc.event_types[0].priority = LAGSIM_PRIO_LOW;
    sc.event_types[1] = sc.event_types[0];
    strcpy(sc.event_types[1].name, "checkout");
    sc.event_types[1].share = 0.1;
    sc.event_types[1].priority = LAGSIM_PRIO_HIGH;
    lagsim_result_t *flat = run_mode(&sc, LAGSIM_MODE_CLOUD);
    sc.segment.priority_tiers = 1;
    lagsim_result_t *tiered = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(flat->fired, tiered->fired);
    assert_int_equal(tiered->visible, tiered->fired);

    const double hi_flat = (double)lagsim_hist_quantile(flat->latency_by_priority[LAGSIM_PRIO_HIGH], 0.99);
    const double lo_flat = (double)lagsim_hist_quantile(flat->latency_by_priority[LAGSIM_PRIO_LOW], 0.99);
    assert_true(fabs(hi_flat / lo_flat - 1.0) < 0.2);
    const double hi_p99 = (double)lagsim_hist_quantile(tiered->latency_by_priority[LAGSIM_PRIO_HIGH], 0.99);
    const double lo_p50 = (double)lagsim_hist_quantile(tiered->latency_by_priority[LAGSIM_PRIO_LOW], 0.50);
    assert_true(hi_p99 < 0.5 * lo_p50);
    assert_hops_add_up(tiered);
    lagsim_result_destroy(flat);
    lagsim_result_destroy(tiered);
}

/* Segment's destination retries a 503 outage and loses nothing, but
 * discards batches answered 501, which Actions destinations never retry. */
static void a_501_is_not_retried(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 100, 5 * LAGSIM_MIN);
    sc.mixpanel.n_outages = 1;
    sc.mixpanel.outages[0] = (lagsim_outage_t){.start = LAGSIM_MIN, .duration = LAGSIM_MIN,
                                               .status = LAGSIM_RESP_5XX, .code = 503};
    lagsim_result_t *r503 = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(r503->visible, r503->fired);
    assert_true(r503->responses[LAGSIM_RESP_5XX] > 0);
    sc.mixpanel.outages[0].code = 501;
    lagsim_result_t *r501 = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_true(r501->dropped[LAGSIM_DROP_INVALID] > 0);
    assert_int_equal(r501->retries, 0);
    lagsim_result_destroy(r503);
    lagsim_result_destroy(r501);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_inbound_limit_queues_the_excess),
        cmocka_unit_test(oversized_requests_are_rejected),
        cmocka_unit_test(priority_tiers_send_high_first),
        cmocka_unit_test(a_501_is_not_retried),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
