/*
 * test_backoff.c - every sender's retry delays and give-up rule against
 * the formulas in docs/pipeline-facts.md.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model/model_internal.h"

#define S LAGSIM_SEC

static gsl_rng *rng;

static int setup(void **state)
{
    (void)state;
    rng = lagsim_rng_create(NULL, 1, 0, 99);
    return rng ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    gsl_rng_free(rng);
    return 0;
}

static const lagsim_backoff_t *preset(const char *name)
{
    const lagsim_sdk_t *sdk = lagsim_sdk_preset(name);
    assert_non_null(sdk);
    return &sdk->backoff;
}

/* Checks that retry n's delay lies in [lo, hi) seconds over many draws. */
static void expect_range(const lagsim_backoff_t *b, uint32_t n, double lo, double hi)
{
    for (int i = 0; i < 2000; i++) {
        const lagsim_time_t d = lsi_backoff_delay(b, n, rng);
        assert_true(d != LSI_AT_NEXT_FLUSH);
        if (!((double)d >= lo * S - 1 && (double)d <= hi * S + 1))
            fail_msg("retry %u: %.3f s outside [%g, %g] s", n, (double)d / S, lo, hi);
    }
}

/* mixpanel-js: the interval doubles from 5 s: 10, 20, 40 s ... capped at
 * 10 min, no jitter, never gives up. */
static void mixpanel_js(void **state)
{
    (void)state;
    const lagsim_backoff_t *b = preset("mixpanel-js");
    const double want[] = {10, 20, 40, 80, 160, 320, 600, 600};
    for (uint32_t n = 1; n <= 8; n++)
        assert_int_equal(lsi_backoff_delay(b, n, rng), (lagsim_time_t)(want[n - 1] * S));
    assert_false(lsi_backoff_gives_up(b, 1000000, 30 * LAGSIM_DAY));
}

/* mixpanel-android: max(2^n * 60 s), capped at 10 min: 60, 120, 240, 480,
 * 600 s, no jitter, never gives up. */
static void mixpanel_android(void **state)
{
    (void)state;
    const lagsim_backoff_t *b = preset("mixpanel-android");
    const double want[] = {60, 120, 240, 480, 600, 600};
    for (uint32_t n = 1; n <= 6; n++)
        assert_int_equal(lsi_backoff_delay(b, n, rng), (lagsim_time_t)(want[n - 1] * S));
    assert_false(lsi_backoff_gives_up(b, 1000, 30 * LAGSIM_DAY));
}

/* mixpanel-swift: the first failure waits for the next flush; from the
 * 2nd, clamp(2^(n-1) * 60 + U[0, 30), 60, 600) s. */
static void mixpanel_swift(void **state)
{
    (void)state;
    const lagsim_backoff_t *b = preset("mixpanel-swift");
    assert_int_equal(lsi_backoff_delay(b, 1, rng), LSI_AT_NEXT_FLUSH);
    expect_range(b, 2, 120, 150);
    expect_range(b, 3, 240, 270);
    expect_range(b, 4, 480, 510);
    expect_range(b, 5, 600, 600);
    assert_false(lsi_backoff_gives_up(b, 1000, 30 * LAGSIM_DAY));
}

/* Mixpanel's recommended policy (server): 2 s doubling to 60 s, plus
 * U[1, 5] s; 8 attempts = 7 retries. */
static void mixpanel_server(void **state)
{
    (void)state;
    const lagsim_backoff_t *b = preset("mixpanel-server");
    expect_range(b, 1, 3, 7);
    expect_range(b, 2, 5, 9);
    expect_range(b, 3, 9, 13);
    expect_range(b, 5, 33, 37);
    expect_range(b, 6, 61, 65);
    expect_range(b, 7, 61, 65);
    assert_false(lsi_backoff_gives_up(b, 7, 0));
    assert_true(lsi_backoff_gives_up(b, 8, 0));
}

/* analytics.js standard: first retry immediate, then U[1,2) * 500 ms *
 * 2^k: 1-2 s, 2-4 s, ...; 10 attempts = 9 retries. */
static void analytics_js(void **state)
{
    (void)state;
    const lagsim_backoff_t *b = preset("analytics.js");
    assert_int_equal(lsi_backoff_delay(b, 1, rng), 0);
    expect_range(b, 2, 1, 2);
    expect_range(b, 3, 2, 4);
    expect_range(b, 9, 128, 256);
    assert_false(lsi_backoff_gives_up(b, 9, 0));
    assert_true(lsi_backoff_gives_up(b, 10, 0));
}

/* analytics.js batching: 0.5 s * 2^(a-1), cap 60 s, +-10%; 10 retries,
 * 12 h at most. */
static void analytics_js_batching(void **state)
{
    (void)state;
    const lagsim_backoff_t *b = preset("analytics.js-batching");
    expect_range(b, 1, 0.45, 0.55);
    expect_range(b, 2, 0.9, 1.1);
    expect_range(b, 5, 7.2, 8.8);
    expect_range(b, 9, 60, 60);
    assert_false(lsi_backoff_gives_up(b, 10, 11 * LAGSIM_HOUR));
    assert_true(lsi_backoff_gives_up(b, 11, 0));
    assert_true(lsi_backoff_gives_up(b, 2, 12 * LAGSIM_HOUR));
}

/* analytics-node: min(U[1,2) * 500 ms * 2^n, 60 s): 1-2 s, 2-4 s, ...;
 * 10 retries, 12 h. */
static void analytics_node(void **state)
{
    (void)state;
    const lagsim_backoff_t *b = preset("analytics-node");
    expect_range(b, 1, 1, 2);
    expect_range(b, 2, 2, 4);
    expect_range(b, 6, 32, 60);
    expect_range(b, 7, 60, 60);
    assert_false(lsi_backoff_gives_up(b, 10, 0));
    assert_true(lsi_backoff_gives_up(b, 11, 0));
    assert_true(lsi_backoff_gives_up(b, 1, 12 * LAGSIM_HOUR));
}

/* analytics-kotlin / analytics-swift (legacy): keep the batch and retry at
 * the next scheduled flush, no limit. */
static void analytics_mobile(void **state)
{
    (void)state;
    const char *names[] = {"analytics-kotlin", "analytics-swift"};
    for (int i = 0; i < 2; i++) {
        const lagsim_backoff_t *b = preset(names[i]);
        for (uint32_t n = 1; n < 100; n++)
            assert_int_equal(lsi_backoff_delay(b, n, rng), LSI_AT_NEXT_FLUSH);
        assert_false(lsi_backoff_gives_up(b, 100000, 30 * LAGSIM_DAY));
    }
}

/* Segment's destination retries (constants assumed): full jitter on
 * 1 s * 2^(n-1), capped at 10 min. */
static void segment_destination(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    expect_range(&sc.segment.backoff, 1, 0, 1);
    expect_range(&sc.segment.backoff, 4, 0, 8);
    expect_range(&sc.segment.backoff, 30, 0, 600);
}

/* Huge retry numbers neither overflow nor go negative. */
static void huge_retry_numbers_stay_bounded(void **state)
{
    (void)state;
    lagsim_backoff_t b = {.base = LAGSIM_SEC, .factor = 10, .cap = 0};
    const lagsim_time_t d = lsi_backoff_delay(&b, 4000000000u, rng);
    assert_true(d > 0 && d <= 366 * LAGSIM_DAY);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mixpanel_js),
        cmocka_unit_test(mixpanel_android),
        cmocka_unit_test(mixpanel_swift),
        cmocka_unit_test(mixpanel_server),
        cmocka_unit_test(analytics_js),
        cmocka_unit_test(analytics_js_batching),
        cmocka_unit_test(analytics_node),
        cmocka_unit_test(analytics_mobile),
        cmocka_unit_test(segment_destination),
        cmocka_unit_test(huge_retry_numbers_stay_bounded),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
