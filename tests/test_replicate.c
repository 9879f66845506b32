/*
 * test_replicate.c - replications: the same answer for any thread count,
 * pooled results equal to the replications run one by one, and
 * confidence half-widths that shrink about as 1/sqrt(N).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/model.h"
#include "lagsim/analysis.h"
#include "lagsim/experiment.h"

/* A small scenario with some randomness in every hop: two minutes at
 * 300 events/s, with a short burst over a lowered limit. */
static void small(lagsim_scenario_t *sc)
{
    lagsim_scenario_defaults(sc);
    sc->horizon = 2 * LAGSIM_MIN;
    sc->base_rate = 300;
    sc->n_bursts = 1;
    strcpy(sc->bursts[0].name, "b");
    sc->bursts[0].start = 30 * LAGSIM_SEC;
    sc->bursts[0].duration = 20 * LAGSIM_SEC;
    sc->bursts[0].rate = 3000;
    sc->bursts[0].multiplier = -1;
    sc->mixpanel.ingest_limit = 1000;
}

static lagsim_replicated_t *replicate(const lagsim_scenario_t *sc, uint32_t reps,
                                      unsigned threads)
{
    lagsim_replicated_t *r = lagsim_replicated_create();
    assert_non_null(r);
    assert_int_equal(lagsim_run_replications(sc, LAGSIM_MODE_CLOUD, reps, threads, NULL, r),
                     LAGSIM_OK);
    return r;
}

static void same_answer_for_any_thread_count(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_replicated_t *one = replicate(&sc, 6, 1);
    for (unsigned threads = 2; threads <= 3; threads++) {
        lagsim_replicated_t *many = replicate(&sc, 6, threads);
        const lagsim_result_t *a = one->pooled, *b = many->pooled;
        assert_int_equal(a->fired, b->fired);
        assert_int_equal(a->visible, b->visible);
        assert_int_equal(a->retries, b->retries);
        assert_int_equal(a->backlog_peak, b->backlog_peak);
        assert_int_equal(a->drain_time, b->drain_time);
        assert_true(lagsim_hist_mean(a->latency_visible) == lagsim_hist_mean(b->latency_visible));
        for (size_t i = 0; i < lagsim_hist_bucket_count(); i++) {
            int64_t lo, hi;
            assert_int_equal(lagsim_hist_bucket(a->latency_visible, i, &lo, &hi),
                             lagsim_hist_bucket(b->latency_visible, i, &lo, &hi));
        }
        /* Summaries are bit-identical: same values added in the same order. */
        assert_memory_equal(one->figure, many->figure, sizeof one->figure);
        lagsim_replicated_destroy(many);
    }
    lagsim_replicated_destroy(one);
}

/* The pool of N replications holds what the N runs hold one by one:
 * every counter summed, every histogram's count summed, its mean the
 * runs' means weighted by their counts, its min and max the extremes,
 * each hop's mean likewise, the backlog's peak the largest and its area
 * summed (a naive pooling written here, run by run). */
static void pool_equals_the_runs_one_by_one(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    sc.mixpanel.lost_response_rate = 0.05; /* duplicates and retries too */
    sc.mixpanel.failure_rate = 0.02;
    sc.drain_limit = 0; /* some events delivered but not yet visible */
    lagsim_replicated_t *rep = replicate(&sc, 3, 2);
    lagsim_result_t *r = lagsim_result_create();
    lagsim_result_t sum;
    memset(&sum, 0, sizeof sum);
    double p99_sum = 0, vis_weighted = 0, del_weighted = 0;
    double hop_weighted[LAGSIM_HOP_COUNT] = {0};
    uint64_t vis_n = 0, del_n = 0, hop_n = 0;
    int64_t vis_min = INT64_MAX, vis_max = 0;
    uint64_t peak = 0;
    lagsim_time_t end = 0;
    for (uint32_t i = 0; i < 3; i++) {
        assert_int_equal(lagsim_run(&sc, LAGSIM_MODE_CLOUD, i, r), LAGSIM_OK);
        sum.fired += r->fired;
        sum.delivered += r->delivered;
        sum.visible += r->visible;
        sum.in_flight += r->in_flight;
        sum.in_flight_next_session += r->in_flight_next_session;
        for (int k = 0; k < LAGSIM_DROP_COUNT; k++)
            sum.dropped[k] += r->dropped[k];
        sum.requests += r->requests;
        sum.retries += r->retries;
        for (int k = 0; k < LAGSIM_RESP_COUNT; k++)
            sum.responses[k] += r->responses[k];
        sum.duplicates += r->duplicates;
        sum.offline_failures += r->offline_failures;
        sum.backlog_area += r->backlog_area;
        p99_sum += lagsim_figure_value(r, LAGSIM_FIG_VISIBLE_P99);
        const uint64_t nv = lagsim_hist_count(r->latency_visible);
        const uint64_t nd = lagsim_hist_count(r->latency_delivered);
        vis_n += nv;
        del_n += nd;
        vis_weighted += lagsim_hist_mean(r->latency_visible) * (double)nv;
        del_weighted += lagsim_hist_mean(r->latency_delivered) * (double)nd;
        if (lagsim_hist_min(r->latency_visible) < vis_min)
            vis_min = lagsim_hist_min(r->latency_visible);
        if (lagsim_hist_max(r->latency_visible) > vis_max)
            vis_max = lagsim_hist_max(r->latency_visible);
        const uint64_t nh = lagsim_breakdown_count(r->hops);
        hop_n += nh;
        for (unsigned h = 0; h < LAGSIM_HOP_COUNT; h++)
            hop_weighted[h] += lagsim_breakdown_mean(r->hops, h) * (double)nh;
        if (r->backlog_peak > peak)
            peak = r->backlog_peak;
        if (r->end_time > end)
            end = r->end_time;
    }
    const lagsim_result_t *p = rep->pooled;
    assert_true(sum.retries > 0 && sum.duplicates > 0 && sum.responses[LAGSIM_RESP_429] > 0);
    assert_true(sum.delivered > sum.visible && sum.in_flight > 0);
    assert_int_equal(p->fired, sum.fired);
    assert_int_equal(p->delivered, sum.delivered);
    assert_int_equal(p->visible, sum.visible);
    assert_int_equal(p->in_flight, sum.in_flight);
    assert_int_equal(p->in_flight_next_session, sum.in_flight_next_session);
    for (int k = 0; k < LAGSIM_DROP_COUNT; k++)
        assert_int_equal(p->dropped[k], sum.dropped[k]);
    assert_int_equal(p->requests, sum.requests);
    assert_int_equal(p->retries, sum.retries);
    for (int k = 0; k < LAGSIM_RESP_COUNT; k++)
        assert_int_equal(p->responses[k], sum.responses[k]);
    assert_int_equal(p->duplicates, sum.duplicates);
    assert_int_equal(p->offline_failures, sum.offline_failures);
    assert_true(p->backlog_area == sum.backlog_area);
    assert_int_equal(p->backlog_peak, peak);
    assert_int_equal(p->end_time, end);
    assert_int_equal(lagsim_hist_count(p->latency_visible), vis_n);
    assert_int_equal(lagsim_hist_count(p->latency_delivered), del_n);
    assert_true(fabs(lagsim_hist_mean(p->latency_visible) - vis_weighted / (double)vis_n) < 1e-6);
    assert_true(fabs(lagsim_hist_mean(p->latency_delivered) - del_weighted / (double)del_n) < 1e-6);
    assert_int_equal(lagsim_hist_min(p->latency_visible), vis_min);
    assert_int_equal(lagsim_hist_max(p->latency_visible), vis_max);
    assert_int_equal(lagsim_breakdown_count(p->hops), hop_n);
    for (unsigned h = 0; h < LAGSIM_HOP_COUNT; h++)
        assert_true(fabs(lagsim_breakdown_mean(p->hops, h) - hop_weighted[h] / (double)hop_n) <
                    1e-6);
    assert_int_equal(rep->figure[LAGSIM_FIG_VISIBLE_P99].n, 3);
    assert_true(fabs(rep->figure[LAGSIM_FIG_VISIBLE_P99].mean - p99_sum / 3) < 1e-9);
    assert_true(p->conserved);
    lagsim_result_destroy(r);
    lagsim_replicated_destroy(rep);
}

/* The 95% half-width of the mean visible latency with 4 replications
 * against 16: for iid replications the ratio is sd4/sd16 * (t(3)/t(15)) *
 * sqrt(16/4) = about 3.0 when the two sample deviations agree. Sample
 * deviations from 4 and 16 replications vary (the 4-replication one by
 * about +-40%), so the test accepts 1.5 to 6: it fails for a half-width
 * that does not shrink, or shrinks as 1/N. */
static void half_width_shrinks_as_one_over_sqrt_n(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_replicated_t *r4 = replicate(&sc, 4, 2);
    lagsim_replicated_t *r16 = replicate(&sc, 16, 2);
    const double h4 = lagsim_summary_half_width(&r4->figure[LAGSIM_FIG_VISIBLE_MEAN], 0.95);
    const double h16 = lagsim_summary_half_width(&r16->figure[LAGSIM_FIG_VISIBLE_MEAN], 0.95);
    print_message("half-width of the mean visible latency: %.4f s (4), %.4f s (16), ratio %.2f\n",
                  h4, h16, h4 / h16);
    if (!(h4 / h16 > 1.5 && h4 / h16 < 6))
        fail_msg("half-width %.4f s with 4 replications, %.4f s with 16: ratio %.2f", h4, h16,
                 h4 / h16);
    lagsim_replicated_destroy(r4);
    lagsim_replicated_destroy(r16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_answer_for_any_thread_count),
        cmocka_unit_test(pool_equals_the_runs_one_by_one),
        cmocka_unit_test(half_width_shrinks_as_one_over_sqrt_n),
    };
    /* make tsan runs only the tests matching LAGSIM_TEST_FILTER (a cmocka
     * pattern): the ones that spread work over threads. */
    const char *only = getenv("LAGSIM_TEST_FILTER");
    if (only)
        cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
