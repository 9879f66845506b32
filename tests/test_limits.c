/*
 * test_limits.c - the limits a run is held to, on hand-made scenarios
 * with answers worked out by hand: derived rates refused above
 * LAGSIM_RATE_MAX (and named by section), the memory bounds that cover
 * outages, failure_rate and Segment's caps (closed-form fluid backlogs),
 * the engine's sliced stepping (the same events as one run, in the same
 * order), a run stopped by its engine-event limit, and a request slower
 * than its sender's timeout counted as a timeout rather than scheduled in
 * the past.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/des.h"
#include "lagsim/analysis.h"
#include "lagsim/model.h"

#define S LAGSIM_SEC

static void assert_near(double got, double want, double tol)
{
    if (!(fabs(got - want) <= tol))
        fail_msg("got %.9g, want %.9g +- %.3g", got, want, tol);
}

static void assert_refused(const lagsim_scenario_t *sc, const char *starts)
{
    char msg[512];
    assert_int_equal(lagsim_scenario_validate(sc, msg, sizeof msg), LAGSIM_EINVAL);
    if (strncmp(msg, starts, strlen(starts)) != 0)
        fail_msg("message '%s' does not start with '%s'", msg, starts);
}

static void assert_valid(const lagsim_scenario_t *sc)
{
    char msg[512];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("refused: %s", msg);
}

/* ---- derived rates ----------------------------------------------------------- */

static void ramp_multipliers_overflowing_are_refused(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.n_ramps = 1;
    strcpy(sc.ramps[0].name, "r");
    sc.ramps[0].start = 0;
    sc.ramps[0].duration = 10 * S;
    sc.ramps[0].from = sc.ramps[0].to = -1;
    sc.ramps[0].from_multiplier = sc.ramps[0].to_multiplier = 1e308;
    assert_refused(&sc, "[ramp.r] goes from inf to inf");
    /* 100/s x 1e7 = 1e9: exactly the maximum, accepted. */
    sc.ramps[0].from_multiplier = sc.ramps[0].to_multiplier = 1e7;
    assert_valid(&sc);
    sc.ramps[0].to_multiplier = 1.00001e7;
    assert_refused(&sc, "[ramp.r]");
}

static void totals_count_profile_scale_and_mmpp(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.base_rate = 1e6;
    sc.scale = 1000; /* 1e9: the maximum */
    assert_valid(&sc);
    sc.daily_profile[5] = 1.5; /* 1.5e9 at 05:00 of a day-long horizon */
    sc.horizon = LAGSIM_DAY;
    assert_refused(&sc, "[traffic] the arrival rate reaches 1.5e+09 events/s at 18000 s");
    lagsim_scenario_defaults(&sc);
    sc.base_rate = 1000;
    sc.mmpp_high = 1e6 + 1; /* 1.000001e9 in the busy state */
    sc.mmpp_high_mean = sc.mmpp_low_mean = S;
    assert_refused(&sc, "[traffic] the arrival rate reaches 1.000001e+09");
    sc.mmpp_high = 1e6;
    assert_valid(&sc);
}

static void overlapping_bursts_add_up(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.base_rate = 0;
    sc.horizon = 10 * S;
    sc.n_bursts = 2;
    for (int i = 0; i < 2; i++) {
        snprintf(sc.bursts[i].name, sizeof sc.bursts[i].name, "b%d", i);
        sc.bursts[i].start = i * 2 * S;
        sc.bursts[i].duration = 4 * S;
        sc.bursts[i].rate = 5e8;
        sc.bursts[i].multiplier = -1;
    }
    assert_valid(&sc); /* together 1e9 in [2 s, 4 s) */
    sc.bursts[1].rate = 5.0000001e8;
    assert_refused(&sc, "[traffic] the arrival rate reaches 1.00000001e+09 events/s at 2 s");
}

/* ---- memory bounds ------------------------------------------------------------- */

/* 1000 events/s for 100 s, no limits, constant delays. */
static void plain(lagsim_scenario_t *sc)
{
    lagsim_scenario_defaults(sc);
    sc->horizon = 100 * S;
    sc->base_rate = 1000;
    sc->mixpanel.ingest_limit = 0;
    sc->mixpanel.ingest_limit_bytes = 0;
    sc->network.client_rtt = lagsim_dist_const(0.2);
    sc->network.server_rtt = lagsim_dist_const(0.1);
    sc->mixpanel.response_time = lagsim_dist_const(0.1);
    sc->segment.processing = lagsim_dist_const(2.0);
    sc->mode_mask = 1u << LAGSIM_MODE_DEVICE;
}

static void outages_and_failures_hold_events_back(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    plain(&sc);
    assert_near(lagsim_scenario_backlog_bound(&sc, NULL), 0, 0);
    /* A 30 s outage from 10 s: 30,000 events pile up, then leave at once. */
    sc.mixpanel.n_outages = 1;
    sc.mixpanel.outages[0] = (lagsim_outage_t){10 * S, 30 * S, LAGSIM_RESP_5XX, 503, 0};
    lagsim_time_t at = 0;
    assert_near(lagsim_scenario_backlog_bound(&sc, &at), 30000, 1e-6);
    assert_int_equal(at, 40 * S);
    /* The estimate the theory section compares with ignores outages. */
    assert_near(lagsim_scenario_backlog_estimate(&sc, NULL), 0, 0);
    /* With a limit of 600/s and half the requests failing, 300/s get
     * through: (1000 - 300) x 100 s outside the outage... plus all 1000/s
     * during it: 700 x 70 + 1000 x 30 = 79,000 by the horizon. */
    sc.mixpanel.ingest_limit = 600;
    sc.mixpanel.failure_rate = 0.5;
    assert_near(lagsim_scenario_backlog_bound(&sc, &at), 79000, 1e-6);
    assert_int_equal(at, 100 * S);
}

static void segment_caps_count_in_cloud_mode(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    plain(&sc);
    /* Inbound limit 400/s: 600/s pile up for 100 s; only in Cloud-mode. */
    sc.segment.inbound_limit = 400;
    assert_near(lagsim_scenario_backlog_bound(&sc, NULL), 0, 0);
    sc.mode_mask = 1u << LAGSIM_MODE_CLOUD;
    assert_near(lagsim_scenario_backlog_bound(&sc, NULL), 60000, 1e-6);
    /* One request of 10 events in flight per 0.1 + 0.1 s trip: 50/s. */
    sc.segment.inbound_limit = 0;
    sc.segment.max_in_flight = 1;
    sc.segment.batch_size = 10;
    assert_near(lagsim_scenario_backlog_bound(&sc, NULL), 950 * 100.0, 1e-6);
}

static void in_flight_is_rate_times_stay(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    plain(&sc);
    /* Device: at least half the 0.2 s trip at 1000/s (the wait for the
     * SDK's flush timer comes on top, from theory.c). */
    const double device = lagsim_scenario_in_flight_estimate(&sc);
    if (!(device >= 1000 * 0.1))
        fail_msg("device in flight %.6g < 100", device);
    /* Cloud adds Segment's 2 s and half the 0.1 s trip on. */
    sc.mode_mask = 1u << LAGSIM_MODE_CLOUD;
    const double cloud = lagsim_scenario_in_flight_estimate(&sc);
    if (!(cloud >= 1000 * (0.1 + 2.0 + 0.05)))
        fail_msg("cloud in flight %.6g < 2150", cloud);
    /* Never more than the events fired: 100,000. */
    sc.network.client_rtt = lagsim_dist_const(1e6);
    assert_near(lagsim_scenario_in_flight_estimate(&sc), 100000, 1e-6);
}

/* ---- the engine's slices -------------------------------------------------------------- */

typedef struct trail {
    uint64_t seen[64];
    size_t n;
} trail_t;

static void note(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    trail_t *t = ctx;
    if (t->n < 64)
        t->seen[t->n++] = arg;
    if (arg < 20) /* each event schedules the next two */
        lagsim_sim_schedule(sim, lagsim_sim_now(sim) + (lagsim_time_t)(arg % 3), note, t,
                            arg * 2 + 1);
}

static void run_some_runs_the_same_events(void **state)
{
    (void)state;
    trail_t whole = {0}, sliced = {0};
    lagsim_sim_t *a = lagsim_sim_create(), *b = lagsim_sim_create();
    assert_non_null(a);
    assert_non_null(b);
    for (uint64_t i = 0; i < 4; i++) {
        lagsim_sim_schedule(a, (lagsim_time_t)i, note, &whole, i);
        lagsim_sim_schedule(b, (lagsim_time_t)i, note, &sliced, i);
    }
    lagsim_sim_run(a, 100);
    uint64_t steps = 0;
    while (lagsim_sim_next_time(b) <= 100) {
        assert_in_range(lagsim_sim_run_some(b, 100, 3), 1, 3);
        steps++;
    }
    assert_int_equal(whole.n, sliced.n);
    assert_memory_equal(whole.seen, sliced.seen, whole.n * sizeof whole.seen[0]);
    assert_int_equal(steps, (whole.n + 2) / 3);
    assert_int_equal(lagsim_sim_run_some(b, 100, 3), 0);
    lagsim_sim_destroy(a);
    lagsim_sim_destroy(b);
}

/* ---- runs -------------------------------------------------------------------------------- */

static void engine_event_limit_stops_a_run(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 10 * S;
    sc.base_rate = 10000;
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    const lagsim_run_limits_t lim = {.max_sim_events = 5000};
    assert_int_equal(lagsim_run_limited(&sc, LAGSIM_MODE_DEVICE, 0, &lim, r), LAGSIM_OK);
    assert_int_equal(r->partial, LAGSIM_STOP_EVENTS);
    assert_int_equal(r->sim_events, 5000);
    assert_true(r->conserved);
    lagsim_result_destroy(r);
}

static void memory_limit_stops_a_run(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 10 * S;
    sc.base_rate = 10000;
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    /* One byte: the process holds more than that as soon as it checks. */
    const lagsim_run_limits_t lim = {.max_memory = 1};
    assert_int_equal(lagsim_run_limited(&sc, LAGSIM_MODE_DEVICE, 0, &lim, r), LAGSIM_OK);
    assert_int_equal(r->partial, LAGSIM_STOP_MEMORY);
    assert_true(r->conserved);
    assert_true(lagsim_process_memory() > 0);
    lagsim_result_destroy(r);
}

/* Every request of a Cloud-mode run takes a 30 s trip to Mixpanel against
 * Segment's 1 ms timeout: each is a timeout, none an abort. */
static void trip_longer_than_timeout_is_a_timeout(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 5 * S;
    sc.drain_limit = 10 * LAGSIM_MIN;
    sc.base_rate = 20;
    sc.network.server_rtt = lagsim_dist_const(30.0);
    sc.segment.request_timeout = LAGSIM_MSEC;
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    assert_int_equal(lagsim_run(&sc, LAGSIM_MODE_CLOUD, 0, r), LAGSIM_OK);
    assert_true(r->conserved);
    assert_true(r->requests > 0);
    assert_int_equal(r->responses[LAGSIM_RESP_TIMEOUT], r->requests);
    assert_int_equal(r->visible, 0);
    lagsim_result_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ramp_multipliers_overflowing_are_refused),
        cmocka_unit_test(totals_count_profile_scale_and_mmpp),
        cmocka_unit_test(overlapping_bursts_add_up),
        cmocka_unit_test(outages_and_failures_hold_events_back),
        cmocka_unit_test(segment_caps_count_in_cloud_mode),
        cmocka_unit_test(in_flight_is_rate_times_stay),
        cmocka_unit_test(run_some_runs_the_same_events),
        cmocka_unit_test(engine_event_limit_stops_a_run),
        cmocka_unit_test(memory_limit_stops_a_run),
        cmocka_unit_test(trip_longer_than_timeout_is_a_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
