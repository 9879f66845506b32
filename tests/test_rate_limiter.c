/*
 * test_rate_limiter.c - Mixpanel's project rate limit (rolling window and
 * token bucket): offered load far above the limit is accepted at the
 * limit's rate, within 1% over a long run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model/model_internal.h"

/* Offers `per_request` events of `bytes_each` every `gap` for `span`, and
 * returns the accepted events per second. */
static double accepted_rate(enum lagsim_limiter kind, double limit, double limit_bytes,
                            double per_request, double bytes_each, lagsim_time_t gap,
                            lagsim_time_t span)
{
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.mixpanel.ingest_limit = limit;
    sc.mixpanel.ingest_limit_bytes = limit_bytes;
    sc.mixpanel.limiter = kind;
    lsi_limiter_t *l = test_malloc(sizeof *l);
    lsi_limiter_init(l, &sc);
    double accepted = 0;
    for (lagsim_time_t t = 0; t < span; t += gap)
        if (lsi_limiter_admit(l, t, per_request, per_request * bytes_each))
            accepted += per_request;
    test_free(l);
    return accepted / ((double)span / LAGSIM_SEC);
}

/* 100 events every ms = 100,000/s offered against 30,000/s for two
 * simulated hours. The rolling window admits at most limit * 60 s per
 * 60 s (slot granularity allows +1/600 = 0.17%), and under saturation
 * each window fills to within one request (100 events of 1.8 M), so the
 * long-run rate must be within 1% of the limit. No randomness involved. */
static void rolling_window_accepts_the_limit(void **state)
{
    (void)state;
    const double r = accepted_rate(LAGSIM_LIMITER_ROLLING, 30000, 0, 100, 1000,
                                   LAGSIM_MSEC, 2 * LAGSIM_HOUR);
    assert_true(r > 30000 * 0.99 && r < 30000 * 1.01);
}

static void token_bucket_accepts_the_limit(void **state)
{
    (void)state;
    const double r = accepted_rate(LAGSIM_LIMITER_TOKEN_BUCKET, 30000, 0, 100, 1000,
                                   LAGSIM_MSEC, 2 * LAGSIM_HOUR);
    assert_true(r > 30000 * 0.99 && r < 30000 * 1.01);
}

/* The byte limit binds when events are large: 2 GB/min with 2 KB events
 * is about 16,667 events/s, below the 30,000 events/s limit. */
static void byte_limit_binds_for_large_events(void **state)
{
    (void)state;
    const double expect = 2e9 / 60.0 / 2000.0;
    const double r = accepted_rate(LAGSIM_LIMITER_ROLLING, 30000, 2e9 / 60.0, 100, 2000,
                                   LAGSIM_MSEC, 2 * LAGSIM_HOUR);
    assert_true(r > expect * 0.99 && r < expect * 1.01);
}

/* Below the limit everything is accepted. */
static void under_the_limit_everything_passes(void **state)
{
    (void)state;
    const double r = accepted_rate(LAGSIM_LIMITER_ROLLING, 30000, 0, 10, 1000,
                                   LAGSIM_MSEC, LAGSIM_HOUR);
    assert_true(r > 10000 * 0.9999 && r < 10000 * 1.0001);
}

/* A refused request uses no capacity: after a refusal, a request that fits
 * is still admitted in the same slot. */
static void refused_requests_use_no_capacity(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.mixpanel.ingest_limit = 100; /* 6,000 per minute */
    sc.mixpanel.ingest_limit_bytes = 0;
    lsi_limiter_t *l = test_malloc(sizeof *l);
    lsi_limiter_init(l, &sc);
    assert_int_equal(lsi_limiter_admit(l, 0, 5000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 1, 2000, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 2, 1000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 3, 1, 0), 0);
    /* A minute later the first request has left the window. */
    assert_int_equal(lsi_limiter_admit(l, 60 * LAGSIM_SEC + 200 * LAGSIM_MSEC, 5000, 0), 1);
    test_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rolling_window_accepts_the_limit),
        cmocka_unit_test(token_bucket_accepts_the_limit),
        cmocka_unit_test(byte_limit_binds_for_large_events),
        cmocka_unit_test(under_the_limit_everything_passes),
        cmocka_unit_test(refused_requests_use_no_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
