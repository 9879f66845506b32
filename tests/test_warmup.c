/*
 * test_warmup.c - the warm-up cut: the MSER statistic on series whose
 * answer is known, which scenarios count as steady-state, how a cut
 * thins the latency histograms, and how replications share the pilot's
 * cut (identically on any thread count).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lagsim/experiment.h"
#include "model_support.h"

#define N 1000
#define SEEDS 20

/* y_i = noise N(0, 1) + transient_i + slope * i, seeded. */
static void series(double *y, unsigned long seed, double transient, double slope)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    for (int i = 0; i < N; i++)
        y[i] = gsl_ran_gaussian(r, 1.0) + transient * exp(-i / 40.0) + slope * i;
    gsl_rng_free(r);
}

/*
 * Bounds from 200 seeds of each series (seeds 1-200, of which these tests
 * run the first 20): stationary noise gave d <= 16; a transient of 10 sd
 * decaying with time constant 40 gave d in [65, 128] (the transient is
 * under 2.3 sd of one batch beyond d = 60, and gone beyond 150); a drift of
 * 10 sd over the run gave d in [420, 500]. The bounds below leave room on
 * each side, and each would fail on the other two series.
 */
static void mser_cuts_nothing_from_stationary_noise(void **state)
{
    (void)state;
    double y[N];
    for (unsigned long s = 1; s <= SEEDS; s++) {
        series(y, s, 0, 0);
        assert_true(lagsim_mser(y, N) < 50);
    }
}

static void mser_cuts_a_decaying_transient(void **state)
{
    (void)state;
    double y[N];
    for (unsigned long s = 1; s <= SEEDS; s++) {
        series(y, s, 10, 0);
        const uint32_t d = lagsim_mser(y, N);
        assert_in_range(d, 60, 150);
    }
}

static void mser_runs_to_half_way_on_a_drift(void **state)
{
    (void)state;
    double y[N];
    for (unsigned long s = 1; s <= SEEDS; s++) {
        series(y, s, 0, 0.01);
        const uint32_t d = lagsim_mser(y, N);
        assert_true(d * 5 >= N * 2); /* what lagsim_warmup_find() calls unsettled */
        assert_true(d <= N / 2);     /* only the first half is searched */
    }
}

/* Two equal last batches make the statistic 0 at d = n - 2; the search
 * must not go there (this once flagged adblock-web as never settling). */
static void mser_is_not_fooled_by_equal_last_batches(void **state)
{
    (void)state;
    double y[N];
    series(y, 3, 0, 0);
    y[N - 1] = y[N - 2];
    assert_true(lagsim_mser(y, N) < 50);
    assert_int_equal(lagsim_mser(y, 1), 1);
    double flat[4] = {2, 2, 2, 2};
    assert_int_equal(lagsim_mser(flat, 4), 0); /* ties go to the smaller d */
}

static void scenarios_are_steady_unless_their_rate_changes(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 100, 10 * LAGSIM_MIN);
    assert_null(lagsim_scenario_terminating(&sc));

    lagsim_scenario_t b = sc;
    b.n_bursts = 1; /* of no length: it fires nothing */
    assert_null(lagsim_scenario_terminating(&b));
    b.bursts[0].duration = LAGSIM_SEC;
    assert_string_equal(lagsim_scenario_terminating(&b), "bursts");
    b = sc;
    b.daily_profile[5] = 2;
    assert_string_equal(lagsim_scenario_terminating(&b), "a daily profile");
    b = sc;
    b.mixpanel.n_outages = 1;
    assert_string_equal(lagsim_scenario_terminating(&b), "Mixpanel outages");
    b = sc;
    b.mmpp_high_mean = LAGSIM_MIN;
    assert_non_null(lagsim_scenario_terminating(&b));
    b = sc;
    for (int h = 0; h < 24; h++)
        b.daily_profile[h] = 3; /* flat, only higher: still constant */
    assert_null(lagsim_scenario_terminating(&b));
}

static void warmup_find_takes_given_cuts_and_terminating_runs_as_they_are(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_warmup_t w;
    small_scenario(&sc, 100, 10 * LAGSIM_MIN);
    sc.warmup = 2 * LAGSIM_MIN;
    assert_int_equal(lagsim_warmup_find(&sc, LAGSIM_MODE_DEVICE, NULL, &w), LAGSIM_OK);
    assert_int_equal(w.method, LAGSIM_WARMUP_FIXED);
    assert_int_equal(w.cut, 2 * LAGSIM_MIN);
    sc.warmup = 0;
    assert_int_equal(lagsim_warmup_find(&sc, LAGSIM_MODE_DEVICE, NULL, &w), LAGSIM_OK);
    assert_int_equal(w.method, LAGSIM_WARMUP_NONE);
    assert_int_equal(w.cut, 0);
    sc.warmup = LAGSIM_WARMUP_AUTO;
    sc.n_bursts = 1;
    sc.bursts[0] = (lagsim_burst_t){.start = LAGSIM_MIN, .duration = LAGSIM_MIN, .rate = 200,
                                    .multiplier = -1};
    assert_int_equal(lagsim_warmup_find(&sc, LAGSIM_MODE_DEVICE, NULL, &w), LAGSIM_OK);
    assert_int_equal(w.method, LAGSIM_WARMUP_TERMINATING);
    assert_string_equal(w.why, "bursts");
    assert_int_equal(w.cut, 0);
}

/*
 * A steady scenario under every limit: the pilot looks at 1,000 windows
 * of 1.2 s (20 min / 1,000, at least 5 events each at 100/s) and MSER-5
 * finds a cut inside the first 40%, a whole number of batches. Twice the
 * same: the pilot is seeded like replication 0.
 */
static void warmup_find_runs_a_pilot_on_steady_scenarios(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 100, 20 * LAGSIM_MIN);
    lagsim_warmup_t w, again;
    assert_int_equal(lagsim_warmup_find(&sc, LAGSIM_MODE_CLOUD, NULL, &w), LAGSIM_OK);
    assert_int_equal(w.method, LAGSIM_WARMUP_MSER);
    assert_int_equal(w.batches, 1000);
    assert_int_equal(w.batch_width, 1200 * LAGSIM_MSEC);
    assert_true(w.cut_batches * 5 < w.batches * 2);
    assert_int_equal(w.cut, (lagsim_time_t)w.cut_batches * w.batch_width);
    assert_int_equal(lagsim_warmup_find(&sc, LAGSIM_MODE_CLOUD, NULL, &again), LAGSIM_OK);
    assert_memory_equal(&w, &again, sizeof w);

    /* Too few events for ten batches of five: unsettled, nothing cut. */
    sc.base_rate = 0.02;
    assert_int_equal(lagsim_warmup_find(&sc, LAGSIM_MODE_CLOUD, NULL, &w), LAGSIM_OK);
    assert_int_equal(w.method, LAGSIM_WARMUP_UNSETTLED);
    assert_int_equal(w.cut, 0);
}

/*
 * A cut of half the horizon keeps the latencies of the events fired in
 * the second half only, while the counters still cover every event.
 * At a constant rate the share kept is Binomial(visible, 1/2) / visible:
 * sd 0.5 / sqrt(120,000) = 0.0014; the tolerance 0.01 is 7 sd.
 */
static void a_cut_thins_the_latencies_but_not_the_counts(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 100, 20 * LAGSIM_MIN);
    lagsim_result_t *whole = run_mode(&sc, LAGSIM_MODE_DEVICE);
    sc.warmup = 10 * LAGSIM_MIN;
    lagsim_result_t *cut = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(cut->warmup, 10 * LAGSIM_MIN);
    assert_int_equal(whole->warmup, 0);
    assert_int_equal(cut->fired, whole->fired);
    assert_int_equal(cut->visible, whole->visible);
    assert_int_equal(lagsim_hist_count(whole->latency_visible), whole->visible);
    const double kept = (double)lagsim_hist_count(cut->latency_visible) / (double)cut->visible;
    assert_true(fabs(kept - 0.5) < 0.01);
    assert_int_equal(lagsim_breakdown_count(cut->hops), lagsim_hist_count(cut->latency_visible));
    uint64_t by = 0;
    for (int p = 0; p < 3; p++)
        by += lagsim_hist_count(cut->latency_by_priority[p]);
    assert_int_equal(by, lagsim_hist_count(cut->latency_visible));
    lagsim_result_destroy(whole);
    lagsim_result_destroy(cut);
}

/*
 * Replications share one cut, found once by the pilot, whatever the
 * thread count; adding replications later keeps it. A fixed cut reaches
 * every replication, and with it the pooled histogram.
 */
static void replications_share_the_pilots_cut(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 100, 10 * LAGSIM_MIN);
    lagsim_replicated_t *one = lagsim_replicated_create(), *two = lagsim_replicated_create();
    assert_non_null(one);
    assert_non_null(two);
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_CLOUD, 3, 1, NULL, one), LAGSIM_OK);
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_CLOUD, 3, 2, NULL, two), LAGSIM_OK);
    lagsim_warmup_t w;
    assert_int_equal(lagsim_warmup_find(&sc, LAGSIM_MODE_CLOUD, NULL, &w), LAGSIM_OK);
    assert_memory_equal(&one->warmup, &w, sizeof w);
    assert_memory_equal(&two->warmup, &w, sizeof w);
    assert_int_equal(one->pooled->warmup, w.cut);
    assert_memory_equal(one->values, two->values, 3 * LAGSIM_FIG_COUNT * sizeof(double));
    lagsim_batch_job_t more = {.sc = &sc, .mode = LAGSIM_MODE_CLOUD, .add = 1, .out = one};
    assert_int_equal(lagsim_run_batch(&more, 1, 2, NULL), LAGSIM_OK);
    assert_memory_equal(&one->warmup, &w, sizeof w);

    sc.warmup = 5 * LAGSIM_MIN;
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_CLOUD, 2, 2, NULL, two), LAGSIM_OK);
    assert_int_equal(two->warmup.method, LAGSIM_WARMUP_FIXED);
    assert_int_equal(two->pooled->warmup, 5 * LAGSIM_MIN);
    assert_true(lagsim_hist_count(two->pooled->latency_visible) < two->pooled->visible * 6 / 10);
    lagsim_replicated_destroy(one);
    lagsim_replicated_destroy(two);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mser_cuts_nothing_from_stationary_noise),
        cmocka_unit_test(mser_cuts_a_decaying_transient),
        cmocka_unit_test(mser_runs_to_half_way_on_a_drift),
        cmocka_unit_test(mser_is_not_fooled_by_equal_last_batches),
        cmocka_unit_test(scenarios_are_steady_unless_their_rate_changes),
        cmocka_unit_test(warmup_find_takes_given_cuts_and_terminating_runs_as_they_are),
        cmocka_unit_test(warmup_find_runs_a_pilot_on_steady_scenarios),
        cmocka_unit_test(a_cut_thins_the_latencies_but_not_the_counts),
        cmocka_unit_test(replications_share_the_pilots_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
