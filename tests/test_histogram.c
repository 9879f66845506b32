/*
 * test_histogram.c - merging latency histograms at the small end, where
 * buckets are exact (one per microsecond below 256 us): a merge must keep
 * every bucket, the zero bucket included, and quantiles of the merge are
 * the order statistics of all the values, found by sorting them here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lagsim/stats.h"

static int cmp_i64(const void *a, const void *b)
{
    const int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Two parts, values below 256 (each its own bucket, so the histogram's
 * quantile is the exact order statistic): zeros in each part, and parts
 * of different sizes. Every bucket of the merge holds the count of its
 * value, and every percentile equals the sorted values' rank-th. */
static void merge_keeps_every_exact_bucket(void **state)
{
    (void)state;
    static const int64_t a[] = {0, 0, 3, 7, 7, 7, 100, 255};
    static const int64_t b[] = {0, 1, 2, 7, 200, 201, 202, 203, 254, 255, 255};
    enum { NA = sizeof a / sizeof a[0], NB = sizeof b / sizeof b[0], N = NA + NB };
    lagsim_hist_t *ha = lagsim_hist_create(), *hb = lagsim_hist_create();
    assert_non_null(ha);
    assert_non_null(hb);
    int64_t all[N];
    for (size_t i = 0; i < NA; i++) {
        lagsim_hist_record(ha, a[i]);
        all[i] = a[i];
    }
    for (size_t i = 0; i < NB; i++) {
        lagsim_hist_record(hb, b[i]);
        all[NA + i] = b[i];
    }
    qsort(all, N, sizeof all[0], cmp_i64);

    lagsim_hist_merge(ha, hb);
    assert_int_equal(lagsim_hist_count(ha), N);
    assert_int_equal(lagsim_hist_min(ha), 0);
    assert_int_equal(lagsim_hist_max(ha), 255);
    for (size_t i = 0; i < 256; i++) {
        int64_t lo, hi;
        const uint64_t got = lagsim_hist_bucket(ha, i, &lo, &hi);
        uint64_t want = 0;
        for (size_t k = 0; k < N; k++)
            want += all[k] >= lo && all[k] < hi;
        if (got != want)
            fail_msg("bucket [%lld, %lld): %llu after the merge, %llu values", (long long)lo,
                     (long long)hi, (unsigned long long)got, (unsigned long long)want);
    }
    for (int p = 1; p < 100; p++) {
        /* rank = ceil(p/100 * N), 1-based */
        const size_t rank = (size_t)((p * N + 99) / 100);
        assert_int_equal(lagsim_hist_quantile(ha, p / 100.0), all[rank - 1]);
    }
    lagsim_hist_destroy(ha);
    lagsim_hist_destroy(hb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(merge_keeps_every_exact_bucket),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
