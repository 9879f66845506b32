/*
 * test_model.c - whole runs of the pipeline model through the public
 * API: conservation, determinism, common random numbers, the rate limit
 * seen end to end, faults and retries, drops by reason, and latencies
 * that can be worked out by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/model.h"

#define S LAGSIM_SEC

static lagsim_dist_t constant(double x)
{
    return lagsim_dist_const(x);
}

/* A short launch: base 300/s, a 2-minute burst at 3x a lowered limit. */
static void launch(lagsim_scenario_t *sc)
{
    lagsim_scenario_defaults(sc);
    sc->horizon = 10 * LAGSIM_MIN;
    sc->base_rate = 300;
    sc->users = 20000;
    sc->n_bursts = 1;
    lagsim_burst_t *b = &sc->bursts[0];
    strcpy(b->name, "launch");
    b->start = 3 * LAGSIM_MIN;
    b->duration = 2 * LAGSIM_MIN;
    b->rate = 6000;
    b->multiplier = -1;
    sc->mixpanel.ingest_limit = 2000;
    sc->mixpanel.ingest_limit_bytes = 0;
}

static lagsim_result_t *run(const lagsim_scenario_t *sc, enum lagsim_mode mode)
{
    char msg[256];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("invalid test scenario: %s", msg);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    const int rc = lagsim_run(sc, mode, 0, r);
    assert_int_equal(rc, LAGSIM_OK);
    return r;
}

static uint64_t total_dropped(const lagsim_result_t *r)
{
    uint64_t n = 0;
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        n += r->dropped[i];
    return n;
}

/* Every fired event is visible, dropped or in flight, in every mode, and
 * the in-flight count comes from the pipeline's own queues. */
static void conservation_holds_in_every_mode(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    sc.event_types[0].share = 0.5;
    sc.event_types[1] = sc.event_types[0];
    strcpy(sc.event_types[1].name, "checkout");
    sc.event_types[1].route = LAGSIM_MODE_DEVICE;
    sc.n_event_types = 2;
    sc.drain_limit = 2 * LAGSIM_MIN; /* short: some events stay in flight */
    for (int mode = 0; mode < LAGSIM_MODE_COUNT; mode++) {
        lagsim_result_t *r = run(&sc, (enum lagsim_mode)mode);
        assert_true(r->fired > 100000);
        assert_int_equal(r->fired, r->visible + total_dropped(r) + r->in_flight);
        assert_true(r->conserved);
        assert_true(r->responses[LAGSIM_RESP_429] > 0);
        lagsim_result_destroy(r);
    }
}

static void same_seed_same_results(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    lagsim_result_t *a = run(&sc, LAGSIM_MODE_CLOUD);
    lagsim_result_t *b = run(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(a->fired, b->fired);
    assert_int_equal(a->visible, b->visible);
    assert_int_equal(a->requests, b->requests);
    assert_int_equal(a->retries, b->retries);
    assert_int_equal(a->responses[LAGSIM_RESP_429], b->responses[LAGSIM_RESP_429]);
    assert_int_equal(a->backlog_peak, b->backlog_peak);
    assert_int_equal(a->end_time, b->end_time);
    for (size_t i = 0; i < lagsim_hist_bucket_count(); i++) {
        int64_t lo, hi;
        assert_int_equal(lagsim_hist_bucket(a->latency_visible, i, &lo, &hi),
                         lagsim_hist_bucket(b->latency_visible, i, &lo, &hi));
    }
    sc.seed++;
    lagsim_result_t *c = run(&sc, LAGSIM_MODE_CLOUD);
    assert_true(c->fired != a->fired || c->retries != a->retries);
    lagsim_result_destroy(a);
    lagsim_result_destroy(b);
    lagsim_result_destroy(c);
}

/* Common random numbers: the arrivals do not depend on the mode or on
 * Mixpanel's parameters. */
static void arrivals_are_common_to_modes_and_parameters(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    lagsim_result_t *cloud = run(&sc, LAGSIM_MODE_CLOUD);
    lagsim_result_t *device = run(&sc, LAGSIM_MODE_DEVICE);
    sc.mixpanel.ingest_limit = 500;
    sc.mixpanel.response_time = constant(1.0);
    lagsim_result_t *slower = run(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(cloud->fired, device->fired);
    assert_int_equal(cloud->fired, slower->fired);
    assert_true(slower->responses[LAGSIM_RESP_429] > cloud->responses[LAGSIM_RESP_429]);
    lagsim_result_destroy(cloud);
    lagsim_result_destroy(device);
    lagsim_result_destroy(slower);
}

/* Offered 500 events/s against a 50/s limit for 4 hours: Mixpanel accepts
 * 50/s. Tolerance 1%: the rolling window (10 s here) can admit at most one
 * window's worth (500 events) beyond limit * time, i.e. 0.07% of the
 * 720,000 accepted, plus the slot granularity of 1/600 = 0.17%. Expired
 * events (10-minute retry window) keep the backlog bounded. */
static void accepted_rate_matches_the_limit_end_to_end(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 4 * LAGSIM_HOUR;
    sc.drain_limit = 0;
    sc.base_rate = 500;
    sc.mixpanel.ingest_limit = 50;
    sc.mixpanel.ingest_limit_bytes = 0;
    sc.mixpanel.limit_window = 10 * S;
    sc.segment.retry_window = 10 * LAGSIM_MIN;
    sc.segment.batch_size = 100;
    lagsim_result_t *r = run(&sc, LAGSIM_MODE_CLOUD);
    const double rate = (double)r->delivered / (4 * 3600.0);
    if (!(rate > 50 * 0.99 && rate < 50 * 1.01))
        fail_msg("accepted %.3f events/s against a limit of 50/s", rate);
    assert_true(r->dropped[LAGSIM_DROP_RETRY_WINDOW] > 0);
    assert_true(r->conserved);
    lagsim_result_destroy(r);
}

/* Well under every limit: nothing refused, nothing lost, all drained. */
static void steady_state_loses_nothing(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 10 * LAGSIM_MIN;
    for (int mode = 0; mode < 2; mode++) {
        lagsim_result_t *r = run(&sc, (enum lagsim_mode)mode);
        assert_int_equal(r->responses[LAGSIM_RESP_429], 0);
        assert_int_equal(total_dropped(r), 0);
        assert_int_equal(r->visible, r->fired);
        assert_int_equal(r->in_flight, 0);
        assert_true(r->drain_time >= 0);
        lagsim_result_destroy(r);
    }
}

/* A 5-minute outage: 5xx answers and retries in both modes, and every
 * event still arrives in the end. */
static void outage_causes_retries_then_recovers(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 15 * LAGSIM_MIN;
    sc.n_clients = 1;
    sc.mixpanel.n_outages = 1;
    sc.mixpanel.outages[0] = (lagsim_outage_t){.start = 5 * LAGSIM_MIN,
                                               .duration = 5 * LAGSIM_MIN,
                                               .status = LAGSIM_RESP_5XX, .code = 503};
    for (int mode = 0; mode < 2; mode++) {
        lagsim_result_t *r = run(&sc, (enum lagsim_mode)mode);
        assert_true(r->responses[LAGSIM_RESP_5XX] > 0);
        assert_true(r->retries > 0);
        assert_int_equal(r->visible, r->fired);
        /* Someone waited through most of the outage. */
        assert_true(lagsim_hist_max(r->latency_delivered) > 4 * LAGSIM_MIN);
        lagsim_result_destroy(r);
    }
}

/* An outage longer than Segment's retry window: cloud mode drops events
 * for "retry_window"; devices keep theirs and deliver them later. */
static void long_outage_exceeds_the_retry_window(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 10 * LAGSIM_MIN;
    sc.base_rate = 20;
    sc.mixpanel.n_outages = 1;
    sc.mixpanel.outages[0] = (lagsim_outage_t){.start = 0, .duration = 5 * LAGSIM_HOUR,
                                               .status = LAGSIM_RESP_5XX, .code = 503};
    lagsim_result_t *cloud = run(&sc, LAGSIM_MODE_CLOUD);
    assert_true(cloud->dropped[LAGSIM_DROP_RETRY_WINDOW] > 0);
    assert_int_equal(cloud->dropped[LAGSIM_DROP_RETRY_WINDOW] + cloud->visible, cloud->fired);
    lagsim_result_destroy(cloud);
    lagsim_result_t *device = run(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(device->dropped[LAGSIM_DROP_RETRY_WINDOW], 0);
    assert_int_equal(device->visible, device->fired);
    lagsim_result_destroy(device);
}

/* Events over Segment's 32 KB limit are rejected as invalid in cloud mode
 * but pass Mixpanel's 1 MB limit in device mode. */
static void oversize_events_are_invalid(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 2 * LAGSIM_MIN;
    sc.event_types[0].payload_bytes = constant(50000);
    lagsim_result_t *cloud = run(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(cloud->dropped[LAGSIM_DROP_INVALID], cloud->fired);
    lagsim_result_destroy(cloud);
    lagsim_result_t *device = run(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(device->dropped[LAGSIM_DROP_INVALID], 0);
    assert_int_equal(device->visible, device->fired);
    lagsim_result_destroy(device);
}

/* With constant processing (identity 1 s, no indexing period, 2 s random
 * part), visible = delivered + 3 s for every event, so the means differ by
 * exactly 3 s. Device mode with mixpanel-js: an event waits for the next
 * tick of a 5 s timer with a random phase, U(0, 5 s), plus half the 100 ms
 * round trip: mean 2.55 s (Mixpanel answers at once here). With ~60,000 events the standard error of that
 * mean is 1.44 s / sqrt(60,000) = 6 ms; the tolerance is 50 ms (8 SE). */
static void hand_computed_latencies(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 10 * LAGSIM_MIN;
    sc.network.client_rtt = constant(0.1);
    sc.mixpanel.response_time = constant(0);
    sc.mixpanel.idres_known = constant(1.0);
    sc.mixpanel.idres_new = constant(1.0);
    sc.mixpanel.ingest_delay = constant(0);
    sc.mixpanel.ingest_per_kb = 0;
    sc.mixpanel.ingest_per_depth = 0;
    sc.mixpanel.index_interval = 0;
    sc.mixpanel.index_delay = constant(2.0);
    lagsim_result_t *r = run(&sc, LAGSIM_MODE_DEVICE);
    assert_true(r->fired > 50000);
    const double vis = lagsim_hist_mean(r->latency_visible);
    const double del = lagsim_hist_mean(r->latency_delivered);
    assert_true(fabs(vis - del - 3.0 * S) < 1.0);
    assert_true(fabs(del - 2.55 * S) < 0.05 * S);
    /* At most a full flush interval, plus a request in flight (0.1 s) ahead
     * of it on this serial SDK, plus half a round trip. */
    assert_true(lagsim_hist_max(r->latency_delivered) <= 5 * S + 150 * LAGSIM_MSEC + 1);
    lagsim_result_destroy(r);
}

/* A device queue cap drops the excess as "queue_overflow". */
static void full_device_queue_overflows(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 5 * LAGSIM_MIN;
    sc.users = 1;
    sc.base_rate = 50;
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].queue_cap = 100;
    sc.mixpanel.n_outages = 1;
    sc.mixpanel.outages[0] = (lagsim_outage_t){.start = 0, .duration = LAGSIM_HOUR,
                                               .status = LAGSIM_RESP_5XX, .code = 500};
    lagsim_result_t *r = run(&sc, LAGSIM_MODE_DEVICE);
    assert_true(r->dropped[LAGSIM_DROP_QUEUE_OVERFLOW] > 0);
    assert_true(r->conserved);
    lagsim_result_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conservation_holds_in_every_mode),
        cmocka_unit_test(same_seed_same_results),
        cmocka_unit_test(arrivals_are_common_to_modes_and_parameters),
        cmocka_unit_test(accepted_rate_matches_the_limit_end_to_end),
        cmocka_unit_test(steady_state_loses_nothing),
        cmocka_unit_test(outage_causes_retries_then_recovers),
        cmocka_unit_test(long_outage_exceeds_the_retry_window),
        cmocka_unit_test(oversize_events_are_invalid),
        cmocka_unit_test(hand_computed_latencies),
        cmocka_unit_test(full_device_queue_overflows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
