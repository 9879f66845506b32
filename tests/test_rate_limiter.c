/*
 * test_rate_limiter.c - Mixpanel's project rate limit (rolling window and
 * token bucket): offered load far above the limit is accepted at the
 * limit's rate, within 1% over a long run; and the edges by hand: when a
 * full window frees (to the microsecond), a burst across a minute
 * boundary, the bucket's depth and refill, all-or-nothing admission, and
 * every decision of a long random run against a naive window; the wait
 * until a refused request would be admitted (Retry-After: until_admit).
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

/* ---- Edges, against hand computation and a naive window ------------------ */

#define MS LAGSIM_MSEC
#define SEC LAGSIM_SEC

static lsi_limiter_t *limiter_new(enum lagsim_limiter kind, double per_s, double bytes_per_s,
                                  lagsim_time_t window)
{
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.mixpanel.ingest_limit = per_s;
    sc.mixpanel.ingest_limit_bytes = bytes_per_s;
    sc.mixpanel.limiter = kind;
    sc.mixpanel.limit_window = window;
    lsi_limiter_t *l = test_malloc(sizeof *l);
    lsi_limiter_init(l, &sc);
    return l;
}

/*
 * 100 events/s over a rolling 60 s: 6,000 per window. A full window taken
 * at t = 0 leaves the window at exactly t = 60 s: one event is refused at
 * 60 s - 1 us and a whole window's worth is admitted at 60 s.
 */
static void a_full_window_frees_exactly_one_window_later(void **state)
{
    (void)state;
    lsi_limiter_t *l = limiter_new(LAGSIM_LIMITER_ROLLING, 100, 0, 60 * SEC);
    assert_int_equal(lsi_limiter_admit(l, 0, 6000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 0, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 30 * SEC, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 60 * SEC - 1, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 60 * SEC, 6000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 60 * SEC, 1, 0), 0);
    test_free(l);
    /* A shorter window (limit_window 6 s): 600 per 6 s, freed at 6 s.
     * (A window that 600 slots do not divide, such as 10 s, is kept as
     * 600 whole-microsecond slots: 9.9996 s.) */
    l = limiter_new(LAGSIM_LIMITER_ROLLING, 100, 0, 6 * SEC);
    assert_int_equal(lsi_limiter_admit(l, 0, 601, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 0, 600, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 6 * SEC - 1, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 6 * SEC, 600, 0), 1);
    test_free(l);
}

/*
 * A burst straddling a minute boundary: 6,000 events at 59 s fill the
 * window. A fixed-minute counter would start afresh at 60 s; the rolling
 * window refuses until 59 s + 60 s = 119 s. Then two half loads at 130 s
 * and 150 s: at 190 s only the first has left, so 3,000 fit and 3,001 do
 * not.
 */
static void a_burst_across_a_minute_boundary_slides(void **state)
{
    (void)state;
    lsi_limiter_t *l = limiter_new(LAGSIM_LIMITER_ROLLING, 100, 0, 60 * SEC);
    assert_int_equal(lsi_limiter_admit(l, 59 * SEC, 6000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 60 * SEC, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 61 * SEC, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 90 * SEC, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 119 * SEC - 1, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 119 * SEC, 6000, 0), 1);
    test_free(l);
    l = limiter_new(LAGSIM_LIMITER_ROLLING, 100, 0, 60 * SEC);
    assert_int_equal(lsi_limiter_admit(l, 130 * SEC, 3000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 150 * SEC, 3000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 189 * SEC, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 190 * SEC, 3001, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 190 * SEC, 3000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 209 * SEC, 1, 0), 0);
    assert_int_equal(lsi_limiter_admit(l, 210 * SEC, 3000, 0), 1);
    test_free(l);
}

/*
 * The rolling window against a naive one written here: a list of every
 * admitted request, summing those with now - t < window. Requests come at
 * multiples of 100 ms (the limiter's slot width, window / 600), where the
 * slotted window and the exact one must agree on every decision. 20,000
 * requests of 1-400 events and 1-200 KB, with random gaps (0-3 s), against
 * 100 events/s and 50 KB/s so that both limits bind in turn.
 */
static void rolling_window_agrees_with_a_naive_window(void **state)
{
    (void)state;
    enum { N = 20000 };
    lsi_limiter_t *l = limiter_new(LAGSIM_LIMITER_ROLLING, 100, 50e3, 60 * SEC);
    lagsim_time_t *at = test_malloc(N * sizeof *at);
    double *ev = test_malloc(N * sizeof *ev), *by = test_malloc(N * sizeof *by);
    size_t kept = 0, refused = 0;
    uint64_t x = 12345;
    lagsim_time_t now = 0;
    for (int i = 0; i < N; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        now += (lagsim_time_t)((x >> 33) % 31) * 100 * MS;
        const double e = (double)(1 + (x >> 20) % 400), b = (double)(1 + (x >> 40) % 200) * 1000;
        double se = 0, sb = 0;
        for (size_t k = 0; k < kept; k++)
            if (now - at[k] < 60 * SEC) {
                se += ev[k];
                sb += by[k];
            }
        const int want = se + e <= 6000 && sb + b <= 3e6;
        const int got = lsi_limiter_admit(l, now, e, b);
        if (got != want)
            fail_msg("request %d at %.1f s (%g events, %g B): limiter %d, naive window %d "
                     "(%g events, %g B in the window)", i, (double)now / SEC, e, b, got, want,
                     se, sb);
        if (want) {
            at[kept] = now;
            ev[kept] = e;
            by[kept] = b;
            kept++;
        } else {
            refused++;
        }
    }
    /* Both outcomes happened often: the comparison was not one-sided. */
    assert_true(kept > N / 5 && refused > N / 5);
    test_free(at);
    test_free(ev);
    test_free(by);
    test_free(l);
}

/*
 * Token bucket of 100 events/s over 60 s: depth 6,000, starting full,
 * refilled at 100/s. Fractional amounts probe the exact level.
 */
static void token_bucket_depth_and_refill_are_exact(void **state)
{
    (void)state;
    lsi_limiter_t *l = limiter_new(LAGSIM_LIMITER_TOKEN_BUCKET, 100, 0, 60 * SEC);
    assert_int_equal(lsi_limiter_admit(l, 0, 6000.5, 0), 0); /* deeper than the bucket */
    assert_int_equal(lsi_limiter_admit(l, 0, 6000, 0), 1);   /* the whole depth */
    assert_int_equal(lsi_limiter_admit(l, 0, 0.001, 0), 0);  /* empty */
    /* 0.5 s refills 50 tokens. */
    assert_int_equal(lsi_limiter_admit(l, 500 * MS, 49.99, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 500 * MS, 0.02, 0), 0);
    /* 30 s more: 0.01 + 3,000. */
    assert_int_equal(lsi_limiter_admit(l, 30500 * MS, 3000.005, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 30500 * MS, 0.01, 0), 0);
    /* Ten idle minutes refill only to the depth, 6,000. */
    assert_int_equal(lsi_limiter_admit(l, 11 * LAGSIM_MIN, 6000, 0), 1);
    assert_int_equal(lsi_limiter_admit(l, 11 * LAGSIM_MIN, 0.001, 0), 0);
    test_free(l);
    /* Bytes likewise: 1 KB/s over 60 s is 60 KB deep. */
    l = limiter_new(LAGSIM_LIMITER_TOKEN_BUCKET, 0, 1000, 60 * SEC);
    assert_int_equal(lsi_limiter_admit(l, 0, 1e6, 60001), 0);
    assert_int_equal(lsi_limiter_admit(l, 0, 1e6, 60000), 1); /* no event limit */
    assert_int_equal(lsi_limiter_admit(l, 2 * SEC, 1, 1999), 1);
    assert_int_equal(lsi_limiter_admit(l, 2 * SEC, 1, 2), 0);
    test_free(l);
}

/*
 * All or nothing, for both kinds and both limits: a request that does not
 * fit whole is refused whole and takes nothing, so what does fit still
 * goes in afterwards.
 */
static void requests_are_admitted_whole_or_not_at_all(void **state)
{
    (void)state;
    for (int kind = 0; kind < 2; kind++) {
        const enum lagsim_limiter k = kind ? LAGSIM_LIMITER_TOKEN_BUCKET : LAGSIM_LIMITER_ROLLING;
        lsi_limiter_t *l = limiter_new(k, 100, 10e3, 60 * SEC); /* 6,000 events, 600 KB */
        assert_int_equal(lsi_limiter_admit(l, 0, 4000, 100e3), 1);
        /* Over on events only, then on bytes only: both refused whole. */
        assert_int_equal(lsi_limiter_admit(l, 0, 2001, 1000), 0);
        assert_int_equal(lsi_limiter_admit(l, 0, 10, 500001), 0);
        /* The rest fits exactly on both. */
        assert_int_equal(lsi_limiter_admit(l, 0, 2000, 500e3), 1);
        assert_int_equal(lsi_limiter_admit(l, 0, 1, 0), 0);
        assert_int_equal(lsi_limiter_admit(l, 0, 0, 1), 0);
        test_free(l);
    }
}

static lsi_limiter_t *limiter(enum lagsim_limiter kind, double limit)
{
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.mixpanel.ingest_limit = limit;
    sc.mixpanel.ingest_limit_bytes = 0;
    sc.mixpanel.limiter = kind;
    lsi_limiter_t *l = test_malloc(sizeof *l);
    lsi_limiter_init(l, &sc);
    return l;
}

/*
 * Rolling window of 60 s in 600 slots of 100 ms, 10 events/s: 600 per
 * window. 600 events taken at 0.05 s (slot 0) fill it; a request of one
 * event at 30 s must wait until slot 0 leaves the window, when slot 600
 * begins: 60.0 s, 30 s from now. With 300 taken at 0.05 s and 300 at
 * 59.95 s (slot 599), a request of 301 at 70 s (slot 0 gone, 300 left)
 * needs slot 599 gone too, when slot 1199 begins: 119.9 s, 49.9 s from
 * now. The wait given is exact: the limiter refuses the request a
 * microsecond earlier and admits it then. Token bucket at 10/s, 600 deep, emptied at 0: a request
 * of 25 at 1 s finds 10 tokens and waits (25 - 10) / 10 = 1.5 s.
 */
static void until_admit_is_when_the_limiter_admits(void **state)
{
    (void)state;
    lsi_limiter_t *l = limiter(LAGSIM_LIMITER_ROLLING, 10);
    assert_true(lsi_limiter_admit(l, 50 * LAGSIM_MSEC, 600, 0));
    assert_false(lsi_limiter_admit(l, 30 * LAGSIM_SEC, 1, 0));
    assert_int_equal(lsi_limiter_wait(l, 30 * LAGSIM_SEC, 1, 0), 30 * LAGSIM_SEC);
    assert_false(lsi_limiter_admit(l, 60 * LAGSIM_SEC - 1, 1, 0));
    assert_true(lsi_limiter_admit(l, 60 * LAGSIM_SEC, 1, 0));
    test_free(l);

    l = limiter(LAGSIM_LIMITER_ROLLING, 10);
    assert_true(lsi_limiter_admit(l, 50 * LAGSIM_MSEC, 300, 0));
    assert_true(lsi_limiter_admit(l, 59950 * LAGSIM_MSEC, 300, 0));
    /* At 70 s slot 0 is gone: 300 remain (slot 599), room for 300. */
    assert_false(lsi_limiter_admit(l, 70 * LAGSIM_SEC, 301, 0));
    assert_int_equal(lsi_limiter_wait(l, 70 * LAGSIM_SEC, 301, 0), 49900 * LAGSIM_MSEC);
    assert_false(lsi_limiter_admit(l, 119900 * LAGSIM_MSEC - 1, 301, 0));
    assert_true(lsi_limiter_admit(l, 119900 * LAGSIM_MSEC, 301, 0));
    /* More than a window's worth is never admitted: the hint is a window. */
    assert_int_equal(lsi_limiter_wait(l, 120 * LAGSIM_SEC, 601, 0), 60 * LAGSIM_SEC);
    test_free(l);

    l = limiter(LAGSIM_LIMITER_TOKEN_BUCKET, 10);
    assert_true(lsi_limiter_admit(l, 0, 600, 0));
    assert_false(lsi_limiter_admit(l, 1 * LAGSIM_SEC, 25, 0));
    assert_int_equal(lsi_limiter_wait(l, 1 * LAGSIM_SEC, 25, 0), 1500 * LAGSIM_MSEC);
    assert_false(lsi_limiter_admit(l, 2500 * LAGSIM_MSEC - 1, 25, 0));
    assert_true(lsi_limiter_admit(l, 2500 * LAGSIM_MSEC, 25, 0));
    test_free(l);

    /* The header: whole seconds, rounded up, at least 1 s; a fixed policy
     * is sent as it is, off sends none. */
    assert_int_equal(lsi_retry_after_header(LAGSIM_RETRY_AFTER_ADMIT, 1500 * LAGSIM_MSEC),
                     2 * LAGSIM_SEC);
    assert_int_equal(lsi_retry_after_header(LAGSIM_RETRY_AFTER_ADMIT, 30 * LAGSIM_SEC),
                     30 * LAGSIM_SEC);
    assert_int_equal(lsi_retry_after_header(LAGSIM_RETRY_AFTER_ADMIT, 0), 1 * LAGSIM_SEC);
    assert_int_equal(lsi_retry_after_header(20 * LAGSIM_SEC, 5 * LAGSIM_SEC), 20 * LAGSIM_SEC);
    assert_int_equal(lsi_retry_after_header(0, 5 * LAGSIM_SEC), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rolling_window_accepts_the_limit),
        cmocka_unit_test(token_bucket_accepts_the_limit),
        cmocka_unit_test(byte_limit_binds_for_large_events),
        cmocka_unit_test(under_the_limit_everything_passes),
        cmocka_unit_test(refused_requests_use_no_capacity),
        cmocka_unit_test(a_full_window_frees_exactly_one_window_later),
        cmocka_unit_test(a_burst_across_a_minute_boundary_slides),
        cmocka_unit_test(rolling_window_agrees_with_a_naive_window),
        cmocka_unit_test(token_bucket_depth_and_refill_are_exact),
        cmocka_unit_test(requests_are_admitted_whole_or_not_at_all),
        cmocka_unit_test(until_admit_is_when_the_limiter_admits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
