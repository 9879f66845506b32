/*
 * test_stats.c - unit tests of the stats layer (lib/stats): the
 * log-linear histogram and the replication summary.
 *
 * Central idea: check every approximate answer against an exact one
 * computed independently from the same data (sorting for quantiles,
 * plain sums for the mean, hand-computed Student t values), from fixed
 * seeds so failures replay. LAGSIM_TEST_SEED overrides the seed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lagsim/stats.h"

#define THIRTY_DAYS_US INT64_C(2592000000000) /* 30 days in microseconds */

static unsigned long g_seed = 20240601ul; /* constant unless overridden */

static gsl_rng *rng_new(unsigned long offset)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, g_seed + offset);
    return r;
}

/* Log-uniform in [1, 30 days): every decade is equally represented. */
static int64_t log_uniform_us(gsl_rng *r)
{
    const double x = exp(gsl_rng_uniform(r) * log((double)THIRTY_DAYS_US));
    return (int64_t)x;
}

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The exact q-quantile of sorted values, by the histogram's definition. */
static int64_t exact_quantile(const int64_t *sorted, size_t n, double q)
{
    if (q <= 0.0)
        return sorted[0];
    double r = ceil(q * (double)n);
    size_t rank = r >= (double)n ? n : (size_t)r;
    if (rank == 0)
        rank = 1;
    return sorted[rank - 1];
}

static void assert_same_buckets(const lagsim_hist_t *a, const lagsim_hist_t *b)
{
    for (size_t i = 0; i < lagsim_hist_bucket_count(); i++)
        assert_int_equal(lagsim_hist_bucket(a, i, NULL, NULL),
                         lagsim_hist_bucket(b, i, NULL, NULL));
    assert_int_equal(lagsim_hist_count(a), lagsim_hist_count(b));
    assert_int_equal(lagsim_hist_min(a), lagsim_hist_min(b));
    assert_int_equal(lagsim_hist_max(a), lagsim_hist_max(b));
    assert_true(lagsim_hist_mean(a) == lagsim_hist_mean(b));
}

/* ---- Histogram ---------------------------------------------------------- */

static void test_hist_empty(void **state)
{
    (void)state;
    lagsim_hist_t *h = lagsim_hist_create();
    assert_non_null(h);
    assert_int_equal(lagsim_hist_count(h), 0);
    assert_int_equal(lagsim_hist_min(h), 0);
    assert_int_equal(lagsim_hist_max(h), 0);
    assert_true(lagsim_hist_mean(h) == 0.0);
    assert_int_equal(lagsim_hist_quantile(h, 0.0), -1);
    assert_int_equal(lagsim_hist_quantile(h, 0.5), -1);
    assert_int_equal(lagsim_hist_quantile(h, 1.0), -1);
    assert_true(lagsim_hist_share_at_or_below(h, 1000) == 0.0);
    for (size_t i = 0; i < lagsim_hist_bucket_count(); i++)
        assert_int_equal(lagsim_hist_bucket(h, i, NULL, NULL), 0);

    /* Reset brings a used histogram back to exactly this state. */
    lagsim_hist_record(h, 42);
    lagsim_hist_reset(h);
    assert_int_equal(lagsim_hist_count(h), 0);
    assert_int_equal(lagsim_hist_quantile(h, 0.5), -1);
    assert_int_equal(lagsim_hist_bucket(h, 42, NULL, NULL), 0);
    lagsim_hist_destroy(h);
    lagsim_hist_destroy(NULL);
}

/* Below 256 every bucket is one unit wide: quantiles are exact. */
static void test_hist_small_exact(void **state)
{
    (void)state;
    lagsim_hist_t *h = lagsim_hist_create();
    assert_non_null(h);
    for (int64_t v = 0; v < 128; v++)
        lagsim_hist_record(h, v);
    assert_int_equal(lagsim_hist_count(h), 128);
    assert_int_equal(lagsim_hist_min(h), 0);
    assert_int_equal(lagsim_hist_max(h), 127);
    assert_true(lagsim_hist_mean(h) == 63.5);
    for (int k = 1; k <= 128; k++) /* rank k is value k - 1 */
        assert_int_equal(lagsim_hist_quantile(h, (double)k / 128.0), k - 1);
    assert_int_equal(lagsim_hist_quantile(h, 0.0), 0);
    assert_int_equal(lagsim_hist_quantile(h, 0.5), 63);
    for (size_t i = 0; i < 128; i++) {
        int64_t low, high;
        assert_int_equal(lagsim_hist_bucket(h, i, &low, &high), 1);
        assert_int_equal(low, (int64_t)i);
        assert_int_equal(high, (int64_t)i + 1);
    }

    /* Negative values count as 0. */
    lagsim_hist_reset(h);
    lagsim_hist_record(h, -5);
    lagsim_hist_record(h, INT64_MIN);
    lagsim_hist_record(h, 7);
    assert_int_equal(lagsim_hist_bucket(h, 0, NULL, NULL), 2);
    assert_int_equal(lagsim_hist_min(h), 0);
    assert_int_equal(lagsim_hist_quantile(h, 0.5), 0);
    assert_int_equal(lagsim_hist_quantile(h, 1.0), 7);
    assert_true(fabs(lagsim_hist_mean(h) - 7.0 / 3.0) < 1e-15);
    lagsim_hist_destroy(h);
}

/*
 * The headline guarantee: every reported quantile is within 1% of the
 * exact one, for values log-uniform over 1 us .. 30 days.
 *
 * Why the comparison is sound: the test computes the exact quantile with
 * the same definition the histogram uses (the rank-th smallest value,
 * rank = ceil(q * n), q = 0 -> min) on the same values, sorted. Buckets
 * are contiguous and ordered, so the bucket the histogram stops in is the
 * one that holds exactly that value. The histogram reports that bucket's
 * midpoint clamped to [min, max]; the exact value lies in both the bucket
 * and [min, max], so the clamp can only bring the answer closer. Hence
 * the error we measure is the histogram's own error, not an artefact of
 * two different quantile definitions or of interpolation.
 */
static void test_hist_quantile_error(void **state)
{
    (void)state;
    enum { N = 1000000 };
    int64_t *v = malloc(N * sizeof *v);
    assert_non_null(v);
    lagsim_hist_t *h = lagsim_hist_create();
    assert_non_null(h);
    gsl_rng *r = rng_new(1);

    uint64_t sum = 0; /* < 1e6 * 2.6e12 < 2^64: exact */
    for (size_t i = 0; i < N; i++) {
        v[i] = log_uniform_us(r);
        sum += (uint64_t)v[i];
        lagsim_hist_record(h, v[i]);
    }
    qsort(v, N, sizeof *v, cmp_i64);

    assert_int_equal(lagsim_hist_count(h), N);
    assert_int_equal(lagsim_hist_min(h), v[0]);
    assert_int_equal(lagsim_hist_max(h), v[N - 1]);
    const double mean = (double)sum / (double)N;
    assert_true(fabs(lagsim_hist_mean(h) - mean) <= 1e-15 * mean);

    double worst = 0.0;
    double q_list[4000 + 8];
    size_t nq = 0;
    for (int k = 0; k <= 4000; k++)
        q_list[nq++] = k / 4000.0;
    const double tails[] = { 1e-6, 1e-5, 1e-4, 0.999, 0.9999, 0.99999, 0.999999 };
    for (size_t k = 0; k < sizeof tails / sizeof tails[0]; k++)
        q_list[nq++] = tails[k];

    for (size_t k = 0; k < nq; k++) {
        const double q = q_list[k];
        const int64_t exact = exact_quantile(v, N, q);
        const int64_t got = lagsim_hist_quantile(h, q);
        const double err = fabs((double)got - (double)exact) / (double)exact;
        if (err > worst)
            worst = err;
        if (err > 0.01)
            fail_msg("q=%.7f: got %lld, exact %lld, error %.4f%%", q,
                     (long long)got, (long long)exact, 100.0 * err);
        /* Also check the share agrees with the quantile. */
        assert_true(lagsim_hist_share_at_or_below(h, got) >= q - 1e-12);
    }
    /* Design bound: half a bucket of width 1/128 of its lower edge. */
    assert_true(worst <= 1.0 / 256.0 + 1e-12);
    print_message("  worst relative quantile error over %zu q: %.4f%%\n", nq,
                  100.0 * worst);

    gsl_rng_free(r);
    lagsim_hist_destroy(h);
    free(v);
}

/* The mean uses a 128-bit sum: no precision lost past 2^64. */
static void test_hist_mean_precision(void **state)
{
    (void)state;
    lagsim_hist_t *h = lagsim_hist_create();
    assert_non_null(h);

    /* 1e9 values of 30 days: the sum, 2.592e21, is far past 2^64. */
    lagsim_hist_record_n(h, THIRTY_DAYS_US, 1000000000u);
    assert_true(lagsim_hist_mean(h) == (double)THIRTY_DAYS_US);
    lagsim_hist_record_n(h, 0, 1000000000u);
    assert_true(lagsim_hist_mean(h) == (double)THIRTY_DAYS_US / 2.0);

    /* The single-value path carries too. */
    lagsim_hist_reset(h);
    for (int i = 0; i < 5; i++)
        lagsim_hist_record(h, INT64_MAX);
    assert_true(lagsim_hist_mean(h) == (double)INT64_MAX);
    lagsim_hist_record(h, 0);
    lagsim_hist_record(h, 0);
    lagsim_hist_record(h, 0);
    lagsim_hist_record(h, 0);
    lagsim_hist_record(h, 0);
    assert_true(lagsim_hist_mean(h) == (double)INT64_MAX / 2.0);

    /* record_n of the largest product: 2^63-1 times 2^64-1 < 2^127. */
    lagsim_hist_reset(h);
    lagsim_hist_record_n(h, INT64_MAX, UINT64_MAX);
    assert_true(lagsim_hist_mean(h) == (double)INT64_MAX);
    lagsim_hist_destroy(h);
}

static void test_hist_record_n(void **state)
{
    (void)state;
    lagsim_hist_t *a = lagsim_hist_create();
    lagsim_hist_t *b = lagsim_hist_create();
    assert_non_null(a);
    assert_non_null(b);
    gsl_rng *r = rng_new(2);
    for (int i = 0; i < 200; i++) {
        const int64_t v = log_uniform_us(r);
        const uint64_t n = gsl_rng_uniform_int(r, 50);
        lagsim_hist_record_n(a, v, n);
        for (uint64_t k = 0; k < n; k++)
            lagsim_hist_record(b, v);
    }
    assert_same_buckets(a, b);

    /* Zero copies change nothing, not even min or max. */
    lagsim_hist_reset(a);
    lagsim_hist_record_n(a, 5, 0);
    assert_int_equal(lagsim_hist_count(a), 0);
    assert_int_equal(lagsim_hist_quantile(a, 0.5), -1);
    lagsim_hist_record(a, 100);
    lagsim_hist_record_n(a, 1, 0);
    lagsim_hist_record_n(a, 1000, 0);
    assert_int_equal(lagsim_hist_min(a), 100);
    assert_int_equal(lagsim_hist_max(a), 100);

    gsl_rng_free(r);
    lagsim_hist_destroy(a);
    lagsim_hist_destroy(b);
}

/* Merging equals recording everything into one histogram, bucket by bucket. */
static void test_hist_merge(void **state)
{
    (void)state;
    lagsim_hist_t *all = lagsim_hist_create();
    lagsim_hist_t *part[3] = { lagsim_hist_create(), lagsim_hist_create(),
                               lagsim_hist_create() };
    lagsim_hist_t *merged = lagsim_hist_create();
    assert_non_null(all);
    assert_non_null(merged);
    gsl_rng *r = rng_new(3);
    for (int p = 0; p < 3; p++) {
        assert_non_null(part[p]);
        /* Different ranges per part, so min and max come from different parts. */
        for (int i = 0; i < 50000; i++) {
            const int64_t v = log_uniform_us(r) / (p + 1) + p * 1000;
            lagsim_hist_record(part[p], v);
            lagsim_hist_record(all, v);
        }
    }
    lagsim_hist_record_n(part[1], INT64_MAX, 3); /* sum past 2^64 */
    lagsim_hist_record_n(all, INT64_MAX, 3);

    for (int p = 0; p < 3; p++)
        lagsim_hist_merge(merged, part[p]);
    assert_same_buckets(merged, all);
    for (int k = 0; k <= 100; k++)
        assert_int_equal(lagsim_hist_quantile(merged, k / 100.0),
                         lagsim_hist_quantile(all, k / 100.0));

    /* Merging an empty histogram changes nothing; into an empty one copies. */
    lagsim_hist_t *empty = lagsim_hist_create();
    assert_non_null(empty);
    lagsim_hist_merge(merged, empty);
    assert_same_buckets(merged, all);
    lagsim_hist_merge(empty, all);
    assert_same_buckets(empty, all);

    /* Merging into itself doubles every count. */
    lagsim_hist_merge(empty, empty);
    assert_int_equal(lagsim_hist_count(empty), 2 * lagsim_hist_count(all));
    assert_true(lagsim_hist_mean(empty) == lagsim_hist_mean(all));

    gsl_rng_free(r);
    lagsim_hist_destroy(empty);
    for (int p = 0; p < 3; p++)
        lagsim_hist_destroy(part[p]);
    lagsim_hist_destroy(merged);
    lagsim_hist_destroy(all);
}

/* INT64_MAX does not overflow anything and lands in the last bucket. */
static void test_hist_huge(void **state)
{
    (void)state;
    lagsim_hist_t *h = lagsim_hist_create();
    assert_non_null(h);
    const size_t last = lagsim_hist_bucket_count() - 1;
    lagsim_hist_record(h, INT64_MAX);
    lagsim_hist_record(h, INT64_MAX - 1);
    lagsim_hist_record(h, INT64_C(1) << 62); /* first value of the top octave */
    int64_t low, high;
    assert_int_equal(lagsim_hist_bucket(h, last, &low, &high), 2);
    assert_int_equal(high, INT64_MAX);
    assert_true(low < INT64_MAX && low > 0);
    assert_int_equal(lagsim_hist_bucket(h, last - 127, &low, &high), 1);
    assert_int_equal(low, INT64_C(1) << 62);
    assert_int_equal(lagsim_hist_max(h), INT64_MAX);
    assert_int_equal(lagsim_hist_min(h), INT64_C(1) << 62);
    assert_int_equal(lagsim_hist_quantile(h, 1.0), INT64_MAX);
    const int64_t p50 = lagsim_hist_quantile(h, 0.5);
    assert_true(p50 >= INT64_MAX - INT64_MAX / 128 && p50 <= INT64_MAX);
    assert_true(lagsim_hist_share_at_or_below(h, INT64_MAX) == 1.0);
    lagsim_hist_destroy(h);
}

/* Buckets tile [0, INT64_MAX] with no gap or overlap, each <= 1/128 wide. */
static void test_hist_buckets_tile(void **state)
{
    (void)state;
    const size_t n = lagsim_hist_bucket_count();
    assert_true(n > 7000 && n < 8000);
    lagsim_hist_t *lows = lagsim_hist_create();
    lagsim_hist_t *highs = lagsim_hist_create();
    assert_non_null(lows);
    assert_non_null(highs);

    int64_t prev_high = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t low, high;
        lagsim_hist_bucket(lows, i, &low, &high);
        assert_int_equal(low, prev_high);
        assert_true(high > low);
        if (low >= 128)
            assert_true((double)(high - low) <= (double)low / 128.0);
        lagsim_hist_record(lows, low);
        lagsim_hist_record(highs, high - 1);
        prev_high = high;
    }
    assert_int_equal(prev_high, INT64_MAX);
    /* Each bucket's first and last value fall into that very bucket. */
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(lagsim_hist_bucket(lows, i, NULL, NULL), 1);
        assert_int_equal(lagsim_hist_bucket(highs, i, NULL, NULL), 1);
    }
    lagsim_hist_destroy(lows);
    lagsim_hist_destroy(highs);
}

static void test_hist_share(void **state)
{
    (void)state;
    lagsim_hist_t *h = lagsim_hist_create();
    assert_non_null(h);
    for (int64_t v = 1; v <= 100; v++)
        lagsim_hist_record(h, v * 1000000); /* 1 s .. 100 s */
    assert_true(lagsim_hist_share_at_or_below(h, -1) == 0.0);
    assert_true(lagsim_hist_share_at_or_below(h, 999999) == 0.0);
    assert_true(lagsim_hist_share_at_or_below(h, 1000000) == 0.01);
    assert_true(lagsim_hist_share_at_or_below(h, 50000000) == 0.5);
    assert_true(lagsim_hist_share_at_or_below(h, 100000000) == 1.0);
    assert_true(lagsim_hist_share_at_or_below(h, INT64_MAX) == 1.0);
    /* Halfway between two values the share is exact too (they are > 1% apart). */
    assert_true(lagsim_hist_share_at_or_below(h, 90200000) == 0.9);
    lagsim_hist_destroy(h);
}

/* ---- Summary ------------------------------------------------------------ */

static void test_summary_known(void **state)
{
    (void)state;
    lagsim_summary_t s;
    lagsim_summary_reset(&s);
    const double data[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
    for (size_t i = 0; i < 8; i++)
        lagsim_summary_add(&s, data[i]);
    assert_int_equal(s.n, 8);
    assert_true(fabs(s.mean - 5.0) < 1e-15);
    assert_true(fabs(lagsim_summary_variance(&s) - 32.0 / 7.0) < 1e-14);
    assert_true(s.min == 2.0 && s.max == 9.0);

    /* Zero-initialised works like reset; negative values set min and max. */
    lagsim_summary_t z = { 0 };
    lagsim_summary_add(&z, -3.0);
    lagsim_summary_add(&z, -1.0);
    assert_true(z.min == -3.0 && z.max == -1.0);
    assert_true(fabs(z.mean + 2.0) < 1e-15);
    assert_true(fabs(lagsim_summary_variance(&z) - 2.0) < 1e-15);

    /* Welford keeps the variance when values sit on a large offset. */
    lagsim_summary_reset(&s);
    const double offs[] = { 4, 7, 13, 16 };
    for (size_t i = 0; i < 4; i++)
        lagsim_summary_add(&s, 1e9 + offs[i]);
    assert_true(fabs(lagsim_summary_variance(&s) - 30.0) < 1e-6);
}

static void test_summary_half_width(void **state)
{
    (void)state;
    lagsim_summary_t s;
    lagsim_summary_reset(&s);
    assert_true(isnan(lagsim_summary_half_width(&s, 0.95)));
    assert_true(lagsim_summary_variance(&s) == 0.0);
    lagsim_summary_add(&s, 3.0);
    assert_true(isnan(lagsim_summary_half_width(&s, 0.95)));
    assert_true(lagsim_summary_variance(&s) == 0.0);

    /* 1..10: mean 5.5, sample variance 55/6; t_{0.975, 9} = 2.262157. */
    lagsim_summary_reset(&s);
    for (int i = 1; i <= 10; i++)
        lagsim_summary_add(&s, i);
    assert_true(fabs(s.mean - 5.5) < 1e-15);
    assert_true(fabs(lagsim_summary_variance(&s) - 55.0 / 6.0) < 1e-13);
    const double expected = 2.262157 * sqrt(55.0 / 6.0 / 10.0);
    const double got = lagsim_summary_half_width(&s, 0.95);
    assert_true(fabs(got - expected) <= 1e-6 * expected);
    /* t_{0.995, 9} = 3.249836 at level 0.99. */
    const double got99 = lagsim_summary_half_width(&s, 0.99);
    assert_true(fabs(got99 - 3.249836 * sqrt(55.0 / 6.0 / 10.0)) <= 1e-6 * got99);
}

/* For iid normal samples the half-width shrinks about as 1/sqrt(n). */
static void test_summary_sqrt_n(void **state)
{
    (void)state;
    gsl_rng *r = rng_new(4);
    const double sigma = 3.0;
    double prev = NAN;
    for (unsigned n = 1000; n <= 256000; n *= 4) {
        lagsim_summary_t s;
        lagsim_summary_reset(&s);
        for (unsigned i = 0; i < n; i++)
            lagsim_summary_add(&s, 10.0 + gsl_ran_gaussian(r, sigma));
        const double hw = lagsim_summary_half_width(&s, 0.95);
        /* hw * sqrt(n) -> 1.96 sigma; s is within a few % at n >= 1000. */
        const double scaled = hw * sqrt((double)n) / (1.959964 * sigma);
        assert_true(scaled > 0.9 && scaled < 1.1);
        if (!isnan(prev)) { /* 4x the samples, half the width */
            const double ratio = prev / hw;
            assert_true(ratio > 1.8 && ratio < 2.2);
        }
        prev = hw;
    }
    gsl_rng_free(r);
}

int main(void)
{
    const char *env = getenv("LAGSIM_TEST_SEED");
    if (env != NULL && *env != '\0')
        g_seed = strtoul(env, NULL, 10);
    printf("test_stats: seed %lu (set LAGSIM_TEST_SEED to replay another)\n", g_seed);

    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hist_empty),
        cmocka_unit_test(test_hist_small_exact),
        cmocka_unit_test(test_hist_quantile_error),
        cmocka_unit_test(test_hist_mean_precision),
        cmocka_unit_test(test_hist_record_n),
        cmocka_unit_test(test_hist_merge),
        cmocka_unit_test(test_hist_huge),
        cmocka_unit_test(test_hist_buckets_tile),
        cmocka_unit_test(test_hist_share),
        cmocka_unit_test(test_summary_known),
        cmocka_unit_test(test_summary_half_width),
        cmocka_unit_test(test_summary_sqrt_n),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
