/*
 * test_series.c - unit tests of lagsim_series_t (lib/stats/series.c): the
 * time series of windows behind the Event Delivery view.
 *
 * Central idea: every answer is checked against one worked out
 * independently: counts by hand, levels from the step function drawn in
 * the comments, quantiles against sorting the same values (within the
 * sketch's stated 1/16 bound), merges against one series recorded with
 * everything. Random data come from a fixed seed (LAGSIM_TEST_SEED
 * overrides it) so failures replay.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "lagsim/stats.h"

static unsigned long g_seed = 20240917ul;

static gsl_rng *rng_new(unsigned long offset)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, g_seed + offset);
    return r;
}

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The exact q-quantile of sorted values: the value of rank ceil(q n). */
static int64_t exact_quantile(const int64_t *sorted, size_t n, double q)
{
    if (q <= 0.0)
        return sorted[0];
    const double r = ceil(q * (double)n);
    size_t rank = r >= (double)n ? n : (size_t)r;
    if (rank == 0)
        rank = 1;
    return sorted[rank - 1];
}

/* The sketch's bound: within 1/16 of the exact value (exact below 16). */
static void assert_within_bound(int64_t got, int64_t exact)
{
    const double err = fabs((double)got - (double)exact);
    if (err > (double)exact / 16.0)
        fail_msg("quantile %lld, exact %lld: error %.0f above 1/16", (long long)got,
                 (long long)exact, err);
}

static void test_create_arguments(void **state)
{
    (void)state;
    assert_null(lagsim_series_create(0, 10));
    assert_null(lagsim_series_create(LAGSIM_SERIES_MAX_COUNTERS + 1, 10));
    assert_null(lagsim_series_create(2, 0));
    lagsim_series_t *s = lagsim_series_create(2, 10);
    assert_non_null(s);
    assert_int_equal(lagsim_series_length(s), 0);
    assert_int_equal(lagsim_series_runs(s), 0);
    assert_int_equal(lagsim_series_width(s), 10);
    assert_int_equal(lagsim_series_counters(s), 2);
    assert_int_equal(lagsim_series_quantile(s, 0, 10, 0.95), -1);
    assert_int_equal(lagsim_series_add(s, 0, 2, 1), -1); /* no such counter */
    lagsim_series_destroy(s);
    lagsim_series_destroy(NULL);
}

/* Each count lands in the window of its time; windows open in order. */
static void test_window_counting(void **state)
{
    (void)state;
    lagsim_series_t *s = lagsim_series_create(3, 10);
    assert_non_null(s);
    assert_int_equal(lagsim_series_add(s, 0, 0, 1), 0);
    assert_int_equal(lagsim_series_add(s, 9, 0, 2), 0);
    assert_int_equal(lagsim_series_add(s, 10, 0, 4), 0);
    assert_int_equal(lagsim_series_add(s, 25, 1, 8), 0);
    assert_int_equal(lagsim_series_add(s, -5, 2, 16), 0); /* counts as t = 0 */
    assert_int_equal(lagsim_series_add(s, 5, 0, 32), 0);  /* back to an old window */
    assert_int_equal(lagsim_series_length(s), 3);
    assert_int_equal(lagsim_series_runs(s), 1);
    assert_int_equal(lagsim_series_count(s, 0, 0), 35);
    assert_int_equal(lagsim_series_count(s, 0, 2), 16);
    assert_int_equal(lagsim_series_count(s, 1, 0), 4);
    assert_int_equal(lagsim_series_count(s, 2, 1), 8);
    assert_int_equal(lagsim_series_count(s, 2, 0), 0);
    assert_int_equal(lagsim_series_count(s, 3, 0), 0); /* past the end */
    assert_int_equal(lagsim_series_extend(s, 99), 0);
    assert_int_equal(lagsim_series_length(s), 10);

    /* Many windows: the arrays grow by doubling, counts stay put. */
    for (int64_t t = 0; t < 100000; t += 10)
        assert_int_equal(lagsim_series_add(s, t, 1, (uint64_t)t), 0);
    assert_int_equal(lagsim_series_length(s), 10000);
    for (size_t w = 3; w < 10000; w += 997)
        assert_int_equal(lagsim_series_count(s, w, 1), w * 10);

    lagsim_series_reset(s, 1000);
    assert_int_equal(lagsim_series_length(s), 0);
    assert_int_equal(lagsim_series_runs(s), 0);
    assert_int_equal(lagsim_series_add(s, 1500, 0, 1), 0);
    assert_int_equal(lagsim_series_length(s), 2);
    assert_int_equal(lagsim_series_count(s, 1, 0), 1);
    assert_int_equal(lagsim_series_count(s, 0, 0), 0);
    lagsim_series_destroy(s);
}

/*
 * The level is a step function: 100 from t=5, 50 from 15, 7 from 35,
 * 3 from 45 (windows 10 wide). Window maxima: w0 100, w1 100 (carried in),
 * w2 50, w3 50 (50 until 35), w4 7 (7 until 45), then 3.
 */
static void test_levels(void **state)
{
    (void)state;
    lagsim_series_t *s = lagsim_series_create(1, 10);
    assert_non_null(s);
    assert_int_equal(lagsim_series_set_level(s, 5, 100), 0);
    assert_int_equal(lagsim_series_set_level(s, 15, 50), 0);
    assert_int_equal(lagsim_series_set_level(s, 35, 7), 0);
    assert_int_equal(lagsim_series_set_level(s, 45, 3), 0);
    assert_int_equal(lagsim_series_extend(s, 65), 0);
    const uint64_t want[] = {100, 100, 50, 50, 7, 3, 3};
    assert_int_equal(lagsim_series_length(s), 7);
    for (size_t w = 0; w < 7; w++)
        assert_int_equal(lagsim_series_level_max(s, w), want[w]);
    assert_int_equal(lagsim_series_level_max(s, 50), 3); /* holds its last value */
    /* A value set at a window's very start replaces the carried one (it
     * held for no time), even when the window opened at that instant. */
    assert_int_equal(lagsim_series_add(s, 70, 0, 1), 0);       /* opens w7 with 3 */
    assert_int_equal(lagsim_series_set_level(s, 70, 1), 0);    /* from 70 on: 1 */
    assert_int_equal(lagsim_series_set_level(s, 70, 2), 0);    /* and 2 at once */
    assert_int_equal(lagsim_series_level_max(s, 7), 2);
    lagsim_series_destroy(s);
}

/* Quantiles of one window and of ranges, against sorting. */
static void test_sketch_bound(void **state)
{
    (void)state;
    enum { N = 20000, WINDOWS = 10 };
    gsl_rng *r = rng_new(1);
    lagsim_series_t *s = lagsim_series_create(1, 1000);
    int64_t *all = malloc(N * sizeof *all), *part = malloc(N * sizeof *part);
    assert_non_null(s);
    assert_non_null(all);
    assert_non_null(part);
    for (size_t i = 0; i < N; i++) {
        /* Log-uniform from 1 us to about 3 hours, in time order. */
        all[i] = (int64_t)exp(gsl_rng_uniform(r) * log(1e10));
        assert_int_equal(lagsim_series_record(s, (int64_t)(i * WINDOWS * 1000 / N), all[i]), 0);
    }
    static const double qs[] = {0.0, 0.01, 0.25, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0};
    /* Each window, and each run of three windows. */
    for (size_t first = 0; first < WINDOWS; first++) {
        for (size_t count = 1; count <= 3; count += 2) {
            const size_t lo = first * N / WINDOWS;
            size_t hi = (first + count) * N / WINDOWS;
            if (hi > N)
                hi = N;
            const size_t n = hi - lo;
            for (size_t i = 0; i < n; i++)
                part[i] = all[lo + i];
            qsort(part, n, sizeof *part, cmp_i64);
            assert_int_equal(lagsim_series_latency_count(s, first, count), n);
            for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
                assert_within_bound(lagsim_series_quantile(s, first, count, qs[k]),
                                    exact_quantile(part, n, qs[k]));
            assert_int_equal(lagsim_series_quantile(s, first, count, 0.0), part[0]);
            assert_int_equal(lagsim_series_quantile(s, first, count, 1.0), part[n - 1]);
        }
    }
    /* Small values are exact. */
    lagsim_series_reset(s, 1000);
    for (int64_t v = 0; v < 16; v++)
        assert_int_equal(lagsim_series_record(s, 0, v), 0);
    assert_int_equal(lagsim_series_record(s, 0, -3), 0); /* counts as 0 */
    assert_int_equal(lagsim_series_quantile(s, 0, 1, 0.5), 7);
    assert_int_equal(lagsim_series_quantile(s, 0, 1, 0.0), 0);
    assert_int_equal(lagsim_series_quantile(s, 0, 1, 1.0), 15);
    assert_int_equal(lagsim_series_quantile(s, 1, 5, 0.5), -1); /* nothing there */
    free(all);
    free(part);
    lagsim_series_destroy(s);
    gsl_rng_free(r);
}

/* Recording into older windows after newer ones (bands move in the
 * arena) gives the same answers as recording in time order. */
static void test_out_of_order(void **state)
{
    (void)state;
    enum { N = 5000 };
    lagsim_series_t *s = lagsim_series_create(1, 10);
    lagsim_series_t *t = lagsim_series_create(1, 10);
    int64_t(*rec)[2] = malloc(N * sizeof *rec); /* {time, value} */
    assert_true(s && t && rec);
    gsl_rng *r = rng_new(2);
    for (int i = 0; i < N; i++) {
        rec[i][0] = (int64_t)gsl_rng_uniform_int(r, 50);
        rec[i][1] = (int64_t)exp(gsl_rng_uniform(r) * log(1e9));
        assert_int_equal(lagsim_series_record(s, rec[i][0], rec[i][1]), 0);
    }
    for (int64_t at = 0; at < 50; at++) /* the same records in time order */
        for (int i = 0; i < N; i++)
            if (rec[i][0] == at)
                assert_int_equal(lagsim_series_record(t, at, rec[i][1]), 0);
    for (size_t w = 0; w < 5; w++) {
        assert_int_equal(lagsim_series_latency_count(s, w, 1), lagsim_series_latency_count(t, w, 1));
        for (double q = 0.0; q <= 1.0; q += 0.05)
            assert_int_equal(lagsim_series_quantile(s, w, 1, q), lagsim_series_quantile(t, w, 1, q));
    }
    free(rec);
    gsl_rng_free(r);
    lagsim_series_destroy(s);
    lagsim_series_destroy(t);
}

/* Merging equals recording everything in one series. */
static void test_merge(void **state)
{
    (void)state;
    lagsim_series_t *a = lagsim_series_create(2, 100);
    lagsim_series_t *b = lagsim_series_create(2, 100);
    lagsim_series_t *both = lagsim_series_create(2, 100);
    lagsim_series_t *pool = lagsim_series_create(2, 7); /* empty: takes the width */
    assert_true(a && b && both && pool);
    /* Levels (set first: levels go in time order): a is 10, then 4 from
     * t=250; b is 100, then 0 from t=450. */
    assert_int_equal(lagsim_series_set_level(a, 0, 10), 0);
    assert_int_equal(lagsim_series_set_level(a, 250, 4), 0);
    assert_int_equal(lagsim_series_set_level(b, 0, 100), 0);
    assert_int_equal(lagsim_series_set_level(b, 450, 0), 0);
    gsl_rng *r = rng_new(3);
    for (int i = 0; i < 4000; i++) {
        lagsim_series_t *one = i % 3 ? a : b;
        const int64_t at = i % 3 ? i / 8 : i / 4; /* b runs longer (1000 vs 500) */
        const int64_t v = (int64_t)exp(gsl_rng_uniform(r) * log(1e8));
        assert_int_equal(lagsim_series_record(one, at, v), 0);
        assert_int_equal(lagsim_series_record(both, at, v), 0);
        assert_int_equal(lagsim_series_add(one, at, (unsigned)(i & 1), 1), 0);
        assert_int_equal(lagsim_series_add(both, at, (unsigned)(i & 1), 1), 0);
    }

    assert_int_equal(lagsim_series_merge(pool, a), 0);
    assert_int_equal(lagsim_series_width(pool), 100);
    assert_int_equal(lagsim_series_merge(pool, b), 0);
    assert_int_equal(lagsim_series_runs(pool), 2);
    assert_int_equal(lagsim_series_length(pool), lagsim_series_length(both));
    for (size_t w = 0; w < lagsim_series_length(both); w++) {
        for (unsigned c = 0; c < 2; c++)
            assert_int_equal(lagsim_series_count(pool, w, c), lagsim_series_count(both, w, c));
        assert_int_equal(lagsim_series_latency_count(pool, w, 1),
                         lagsim_series_latency_count(both, w, 1));
        for (double q = 0.0; q <= 1.0; q += 0.05)
            assert_int_equal(lagsim_series_quantile(pool, w, 1, q),
                             lagsim_series_quantile(both, w, 1, q));
    }
    assert_int_equal(lagsim_series_quantile(pool, 0, 20, 0.95),
                     lagsim_series_quantile(both, 0, 20, 0.95));
    /* Levels add window by window; past a's end, a holds 4. */
    assert_int_equal(lagsim_series_level_max(pool, 0), 110);
    assert_int_equal(lagsim_series_level_max(pool, 2), 110); /* a still 10 in [200, 250) */
    assert_int_equal(lagsim_series_level_max(pool, 3), 104);
    assert_int_equal(lagsim_series_level_max(pool, 4), 104); /* b 100 until 450 */
    assert_int_equal(lagsim_series_level_max(pool, 6), 4);   /* a past its end, b 0 */
    /* Mismatches are refused. */
    lagsim_series_t *other = lagsim_series_create(2, 50);
    lagsim_series_t *three = lagsim_series_create(3, 100);
    assert_true(other && three);
    assert_int_equal(lagsim_series_add(other, 0, 0, 1), 0);
    assert_int_equal(lagsim_series_merge(pool, other), -2);
    assert_int_equal(lagsim_series_merge(pool, three), -2);
    gsl_rng_free(r);
    lagsim_series_destroy(a);
    lagsim_series_destroy(b);
    lagsim_series_destroy(both);
    lagsim_series_destroy(pool);
    lagsim_series_destroy(other);
    lagsim_series_destroy(three);
}

/* The sliding quantile equals the quantile of each span, empty windows
 * and spans included. */
static void test_rolling_quantile(void **state)
{
    (void)state;
    lagsim_series_t *s = lagsim_series_create(1, 10);
    assert_non_null(s);
    gsl_rng *r = rng_new(5);
    for (int64_t t = 0; t < 400; t++) {
        if ((t / 10) % 7 == 3)
            continue; /* some windows stay empty */
        for (int i = 0; i < 20; i++)
            assert_int_equal(lagsim_series_record(s, t, (int64_t)exp(gsl_rng_uniform(r) * log(1e7))), 0);
    }
    assert_int_equal(lagsim_series_extend(s, 450), 0); /* empty windows at the end */
    const size_t n = lagsim_series_length(s);
    int64_t *out = malloc(n * sizeof *out);
    assert_non_null(out);
    static const size_t spans[] = {1, 2, 3, 7, 100};
    static const double qs[] = {0.0, 0.5, 0.95, 1.0};
    for (size_t a = 0; a < sizeof spans / sizeof spans[0]; a++)
        for (size_t b = 0; b < sizeof qs / sizeof qs[0]; b++) {
            lagsim_series_rolling_quantile(s, spans[a], qs[b], out);
            for (size_t i = 0; i < n; i++) {
                const size_t first = i + 1 > spans[a] ? i + 1 - spans[a] : 0;
                assert_int_equal(out[i], lagsim_series_quantile(s, first, i + 1 - first, qs[b]));
            }
        }
    assert_int_equal(out[n - 1] >= 0, 1); /* the span of 100 reaches back to data */
    lagsim_series_rolling_quantile(s, 1, 0.95, out);
    assert_int_equal(out[3], -1);
    assert_int_equal(out[n - 1], -1);
    free(out);
    gsl_rng_free(r);
    lagsim_series_destroy(s);
}

/* Memory follows the windows, not the number of records. */
static void test_memory_follows_windows(void **state)
{
    (void)state;
    lagsim_series_t *s = lagsim_series_create(8, 1000);
    assert_non_null(s);
    gsl_rng *r = rng_new(4);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(lagsim_series_record(s, i / 10, (int64_t)(1000 + gsl_rng_uniform_int(r, 1000000))), 0);
    const size_t after_1e5 = lagsim_series_bytes(s);
    for (int i = 0; i < 900000; i++)
        assert_int_equal(lagsim_series_record(s, 9999, (int64_t)(1000 + gsl_rng_uniform_int(r, 1000000))), 0);
    assert_int_equal(lagsim_series_bytes(s), after_1e5);
    assert_true(after_1e5 < 64 * 1024); /* 10 windows, bands of at most 88 buckets */
    assert_int_equal(lagsim_series_latency_count(s, 0, 10), 1000000);
    gsl_rng_free(r);
    lagsim_series_destroy(s);
}

int main(void)
{
    const char *seed = getenv("LAGSIM_TEST_SEED");
    if (seed)
        g_seed = strtoul(seed, NULL, 10);
    printf("# test_series seed %lu\n", g_seed);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_arguments),
        cmocka_unit_test(test_window_counting),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_sketch_bound),
        cmocka_unit_test(test_out_of_order),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_rolling_quantile),
        cmocka_unit_test(test_memory_follows_windows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
