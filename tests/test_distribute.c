/*
 * test_distribute.c - the work-distribution seam (experiment.h,
 * "Distributing work") and the packing that carries results between
 * processes: every packed object unpacks to one whose every field, read
 * through the public accessors, equals the original's (doubles compared
 * bit for bit, NaN and -0.0 included); damaged bytes are refused; and a
 * batch run by an executor that carries every outcome through its packed
 * form, in reverse order, gives the same replications, bit for bit, as
 * this process's threads; and --find with room for more units looks
 * ahead, with fewer batches and the same answer.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/experiment.h"
#include "model_support.h"

/* Same bits (so NaN == NaN and -0.0 != 0.0). */
static void assert_same_double(double a, double b)
{
    if (memcmp(&a, &b, sizeof a) != 0)
        fail_msg("%.17g and %.17g differ in their bits", a, b);
}

static void *pack_hist(const lagsim_hist_t *h, size_t *len)
{
    *len = lagsim_hist_pack(h, NULL, 0);
    void *buf = malloc(*len);
    assert_non_null(buf);
    assert_int_equal(lagsim_hist_pack(h, buf, *len), *len);
    return buf;
}

static void assert_same_hist(const lagsim_hist_t *a, const lagsim_hist_t *b)
{
    assert_int_equal(lagsim_hist_count(a), lagsim_hist_count(b));
    assert_int_equal(lagsim_hist_min(a), lagsim_hist_min(b));
    assert_int_equal(lagsim_hist_max(a), lagsim_hist_max(b));
    assert_same_double(lagsim_hist_mean(a), lagsim_hist_mean(b));
    for (size_t i = 0; i < lagsim_hist_bucket_count(); i++) {
        int64_t lo, hi, lo2, hi2;
        const uint64_t x = lagsim_hist_bucket(a, i, &lo, &hi);
        const uint64_t y = lagsim_hist_bucket(b, i, &lo2, &hi2);
        if (x != y)
            fail_msg("bucket %zu: %llu, unpacked %llu", i, (unsigned long long)x,
                     (unsigned long long)y);
    }
}

/* A histogram of hand-picked values (zero, negatives counted as 0, the
 * exact range, octave edges, a huge value whose sum needs the high word
 * twice) comes back with every bucket and the exact mean. */
static void hist_round_trip(void **state)
{
    (void)state;
    static const int64_t v[] = {0, -5, 1, 255, 256, 257, 1000000, 123456789,
                                INT64_MAX, INT64_MAX, 4096, 4097};
    lagsim_hist_t *h = lagsim_hist_create(), *back = lagsim_hist_create();
    assert_non_null(h);
    assert_non_null(back);
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        lagsim_hist_record(h, v[i]);
    lagsim_hist_record_n(h, 777, 1000);
    size_t len;
    void *buf = pack_hist(h, &len);
    lagsim_hist_record(back, 42); /* unpacking replaces what was there */
    assert_int_equal(lagsim_hist_unpack(back, buf, len), 0);
    assert_same_hist(h, back);
    assert_int_equal(lagsim_hist_count(back), 12 + 1000);
    assert_int_equal(lagsim_hist_min(back), 0);
    assert_int_equal(lagsim_hist_max(back), INT64_MAX);
    /* Every truncation, and one byte too many, is refused. */
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(lagsim_hist_unpack(back, buf, cut), -1);
    unsigned char *longer = calloc(len + 1, 1);
    assert_non_null(longer);
    memcpy(longer, buf, len);
    assert_int_equal(lagsim_hist_unpack(back, longer, len + 1), -1);
    /* A count that disagrees with the buckets is refused. */
    longer[0] ^= 1;
    assert_int_equal(lagsim_hist_unpack(back, longer, len), -1);
    /* A short buffer: pack says how much it needs and writes nothing past cap. */
    unsigned char small[16];
    memset(small, 0xAB, sizeof small);
    assert_int_equal(lagsim_hist_pack(h, small, 8), len);
    for (size_t i = 8; i < sizeof small; i++)
        assert_int_equal(small[i], 0xAB);
    free(longer);
    free(buf);
    lagsim_hist_destroy(h);
    lagsim_hist_destroy(back);
}

/* Summaries keep every bit: NaN, -0.0, a subnormal, 1/3, huge values. */
static void summary_round_trip(void **state)
{
    (void)state;
    const lagsim_summary_t cases[] = {
        {0, 0.0, 0.0, 0.0, 0.0},
        {3, 1.0 / 3.0, 5e-324, -0.0, NAN},
        {UINT64_MAX, -1e308, 1e308, -INFINITY, INFINITY},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char buf[64];
        const size_t len = lagsim_summary_pack(&cases[i], buf, sizeof buf);
        assert_int_equal(len, 40);
        lagsim_summary_t back;
        memset(&back, 0x5A, sizeof back);
        assert_int_equal(lagsim_summary_unpack(&back, buf, len), 0);
        assert_int_equal(back.n, cases[i].n);
        assert_same_double(back.mean, cases[i].mean);
        assert_same_double(back.m2, cases[i].m2);
        assert_same_double(back.min, cases[i].min);
        assert_same_double(back.max, cases[i].max);
        assert_int_equal(lagsim_summary_unpack(&back, buf, len - 1), -1);
    }
}

static void assert_same_series(const lagsim_series_t *a, const lagsim_series_t *b)
{
    assert_int_equal(lagsim_series_length(a), lagsim_series_length(b));
    assert_int_equal(lagsim_series_width(a), lagsim_series_width(b));
    assert_int_equal(lagsim_series_counters(a), lagsim_series_counters(b));
    assert_int_equal(lagsim_series_runs(a), lagsim_series_runs(b));
    const size_t n = lagsim_series_length(a);
    for (size_t w = 0; w < n; w++) {
        for (unsigned c = 0; c < lagsim_series_counters(a); c++)
            assert_int_equal(lagsim_series_count(a, w, c), lagsim_series_count(b, w, c));
        assert_int_equal(lagsim_series_level_max(a, w), lagsim_series_level_max(b, w));
        assert_int_equal(lagsim_series_latency_count(a, w, 1),
                         lagsim_series_latency_count(b, w, 1));
        for (double q = 0; q <= 1.0; q += 0.125)
            assert_int_equal(lagsim_series_quantile(a, w, 1, q),
                             lagsim_series_quantile(b, w, 1, q));
    }
    if (n > 0)
        assert_int_equal(lagsim_series_quantile(a, 0, n, 0.99),
                         lagsim_series_quantile(b, 0, n, 0.99));
}

/* A series with counters, levels and latencies in several windows (one
 * recorded out of order, so its arena has a gap) comes back the same,
 * and so does what it becomes when more is recorded into both. */
static void series_round_trip(void **state)
{
    (void)state;
    lagsim_series_t *s = lagsim_series_create(3, 10);
    lagsim_series_t *back = lagsim_series_create(3, 99);
    assert_non_null(s);
    assert_non_null(back);
    for (int64_t t = 0; t < 95; t += 7) {
        assert_int_equal(lagsim_series_add(s, t, (unsigned)(t % 3), (uint64_t)t + 1), 0);
        assert_int_equal(lagsim_series_set_level(s, t, (uint64_t)(t * 3 % 17)), 0);
        assert_int_equal(lagsim_series_record(s, t, t * 1000 + 5), 0);
    }
    assert_int_equal(lagsim_series_record(s, 3, 123456789), 0); /* out of order */
    assert_int_equal(lagsim_series_extend(s, 130), 0);          /* empty windows at the end */
    const size_t len = lagsim_series_pack(s, NULL, 0);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    assert_int_equal(lagsim_series_pack(s, buf, len), len);
    assert_int_equal(lagsim_series_unpack(back, buf, len), 0);
    assert_int_equal(lagsim_series_length(back), 14);
    assert_int_equal(lagsim_series_count(back, 0, 0), 1);  /* t = 0 */
    assert_int_equal(lagsim_series_count(back, 2, 0), 22); /* t = 21 */
    assert_same_series(s, back);
    assert_int_equal(lagsim_series_add(s, 55, 1, 9), 0);
    assert_int_equal(lagsim_series_add(back, 55, 1, 9), 0);
    assert_int_equal(lagsim_series_record(s, 140, 77), 0);
    assert_int_equal(lagsim_series_record(back, 140, 77), 0);
    assert_same_series(s, back);
    for (size_t cut = 0; cut < len; cut += 7)
        assert_int_equal(lagsim_series_unpack(back, buf, cut), -1);
    lagsim_series_t *other = lagsim_series_create(2, 10); /* another counter count */
    assert_non_null(other);
    assert_int_equal(lagsim_series_unpack(other, buf, len), -1);
    lagsim_series_destroy(other);
    free(buf);
    lagsim_series_destroy(s);
    lagsim_series_destroy(back);
}

/* Two breakdowns of hand-made records: every share and tail share. */
static void breakdown_round_trip(void **state)
{
    (void)state;
    lagsim_breakdown_t *b = lagsim_breakdown_create(3), *back = lagsim_breakdown_create(3);
    assert_non_null(b);
    assert_non_null(back);
    const int64_t parts[][3] = {{1, 2, 3}, {100, 0, 5}, {7000, 30000, 1}, {0, 0, 0}};
    for (size_t i = 0; i < 4; i++)
        lagsim_breakdown_record(b, parts[i][0] + parts[i][1] + parts[i][2], parts[i]);
    lagsim_breakdown_record(b, 999, parts[0]); /* inconsistent */
    const size_t len = lagsim_breakdown_pack(b, NULL, 0);
    unsigned char *buf = malloc(len);
    assert_non_null(buf);
    lagsim_breakdown_pack(b, buf, len);
    assert_int_equal(lagsim_breakdown_unpack(back, buf, len), 0);
    assert_int_equal(lagsim_breakdown_count(back), lagsim_breakdown_count(b));
    assert_int_equal(lagsim_breakdown_inconsistent(back), 1);
    assert_same_double(lagsim_breakdown_total_mean(back), lagsim_breakdown_total_mean(b));
    for (unsigned k = 0; k < 3; k++) {
        assert_same_double(lagsim_breakdown_mean(back, k), lagsim_breakdown_mean(b, k));
        assert_same_double(lagsim_breakdown_share(back, k), lagsim_breakdown_share(b, k));
        for (int64_t th = 0; th < 50000; th += 997) {
            uint64_t n1, n2;
            assert_same_double(lagsim_breakdown_tail_share(back, k, th, &n1),
                               lagsim_breakdown_tail_share(b, k, th, &n2));
            assert_int_equal(n1, n2);
        }
    }
    lagsim_breakdown_t *two = lagsim_breakdown_create(2);
    assert_non_null(two);
    assert_int_equal(lagsim_breakdown_unpack(two, buf, len), -1);
    lagsim_breakdown_destroy(two);
    free(buf);
    lagsim_breakdown_destroy(b);
    lagsim_breakdown_destroy(back);
}

static void assert_same_result(const lagsim_result_t *a, const lagsim_result_t *b)
{
    assert_int_equal(a->mode, b->mode);
    assert_int_equal(a->replication, b->replication);
    assert_int_equal(a->fired, b->fired);
    assert_int_equal(a->delivered, b->delivered);
    assert_int_equal(a->visible, b->visible);
    assert_int_equal(a->in_flight, b->in_flight);
    assert_int_equal(a->in_flight_next_session, b->in_flight_next_session);
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        assert_int_equal(a->dropped[i], b->dropped[i]);
    assert_int_equal(a->conserved, b->conserved);
    assert_int_equal(a->requests, b->requests);
    assert_int_equal(a->retries, b->retries);
    for (int i = 0; i < LAGSIM_RESP_COUNT; i++)
        assert_int_equal(a->responses[i], b->responses[i]);
    assert_int_equal(a->backlog_peak, b->backlog_peak);
    assert_int_equal(a->backlog_peak_at, b->backlog_peak_at);
    assert_int_equal(a->end_time, b->end_time);
    assert_int_equal(a->drain_time, b->drain_time);
    assert_int_equal(a->partial, b->partial);
    assert_int_equal(a->sim_events, b->sim_events);
    assert_same_double(a->wall_seconds, b->wall_seconds);
    assert_same_hist(a->latency_delivered, b->latency_delivered);
    assert_same_hist(a->latency_visible, b->latency_visible);
    for (int k = 0; k < 3; k++)
        assert_same_hist(a->latency_by_priority[k], b->latency_by_priority[k]);
    assert_int_equal(lagsim_breakdown_count(a->hops), lagsim_breakdown_count(b->hops));
    for (unsigned h = 0; h < LAGSIM_HOP_COUNT; h++)
        assert_same_double(lagsim_breakdown_mean(a->hops, h), lagsim_breakdown_mean(b->hops, h));
    assert_int_equal(a->duplicates, b->duplicates);
    assert_int_equal(a->offline_failures, b->offline_failures);
    assert_same_series(a->series, b->series);
    assert_same_series(a->visible_by_fired, b->visible_by_fired);
    assert_same_double(a->backlog_area, b->backlog_area);
    assert_int_equal(a->backlog_span, b->backlog_span);
    assert_int_equal(a->backlog_drained_at, b->backlog_drained_at);
    assert_int_equal(a->warmup, b->warmup);
}

/* A real run (a burst over the ingestion limit: 429s, retries, a
 * backlog) comes back field by field; its packed form packs again to the
 * same bytes; a warm-up too. */
static void result_round_trip(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 300, 60 * S);
    sc.mixpanel.ingest_limit = 250;
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_true(r->responses[LAGSIM_RESP_429] > 0); /* the scenario does what it says */
    r->wall_seconds = -0.0;
    r->backlog_area = 1.0 / 3.0;
    const size_t len = lagsim_result_pack(r, NULL, 0);
    unsigned char *buf = malloc(len), *again = malloc(len);
    assert_non_null(buf);
    assert_non_null(again);
    assert_int_equal(lagsim_result_pack(r, buf, len), len);
    lagsim_result_t *back = lagsim_result_create();
    assert_non_null(back);
    assert_int_equal(lagsim_result_unpack(back, buf, len), 0);
    assert_same_result(r, back);
    assert_int_equal(lagsim_result_pack(back, again, len), len);
    assert_memory_equal(buf, again, len);
    assert_int_equal(lagsim_result_unpack(back, buf, len - 1), -1);
    buf[0] ^= 0xFF; /* not a packed result */
    assert_int_equal(lagsim_result_unpack(back, buf, len), -1);

    const lagsim_warmup_t w = {LAGSIM_WARMUP_MSER, 123 * S, NULL, 400, 37, 9 * S};
    unsigned char wb[64];
    const size_t wl = lagsim_warmup_pack(&w, wb, sizeof wb);
    assert_true(wl <= sizeof wb);
    lagsim_warmup_t wback;
    assert_int_equal(lagsim_warmup_unpack(&wback, wb, wl), 0);
    assert_int_equal(wback.method, w.method);
    assert_int_equal(wback.cut, w.cut);
    assert_null(wback.why);
    assert_int_equal(wback.batches, w.batches);
    assert_int_equal(wback.cut_batches, w.cut_batches);
    assert_int_equal(wback.batch_width, w.batch_width);
    free(buf);
    free(again);
    lagsim_result_destroy(r);
    lagsim_result_destroy(back);
}

/* An executor as a remote one works: every unit's outcome goes through
 * its packed form, and the units run last first. */
static int far_run(const lagsim_executor_t *ex, const lagsim_task_t *units, uint64_t n,
                   unsigned threads, const lagsim_run_limits_t *limits,
                   lagsim_task_done_fn done, void *done_ctx)
{
    (void)threads;
    (void)limits;
    int *calls = ex->ctx;
    lagsim_result_t *r = lagsim_result_create(), *back = lagsim_result_create();
    assert_non_null(r);
    assert_non_null(back);
    for (uint64_t i = n; i-- > 0;) {
        lagsim_warmup_t w, wback;
        memset(&w, 0, sizeof w);
        const int st = lagsim_task_run(&units[i], NULL, r, &w);
        const size_t len = lagsim_result_pack(r, NULL, 0);
        unsigned char *buf = malloc(len), wb[64];
        assert_non_null(buf);
        lagsim_result_pack(r, buf, len);
        assert_int_equal(lagsim_result_unpack(back, buf, len), 0);
        assert_int_equal(lagsim_warmup_unpack(&wback, wb, lagsim_warmup_pack(&w, wb, sizeof wb)), 0);
        done(done_ctx, i, st, back, units[i].pilot ? &wback : NULL);
        free(buf);
        (*calls)++;
    }
    lagsim_result_destroy(r);
    lagsim_result_destroy(back);
    return LAGSIM_OK;
}

static void assert_same_replicated(const lagsim_replicated_t *a, const lagsim_replicated_t *b)
{
    assert_int_equal(a->reps, b->reps);
    assert_int_equal(a->warmup.method, b->warmup.method);
    assert_int_equal(a->warmup.cut, b->warmup.cut);
    for (size_t i = 0; i < (size_t)a->reps * LAGSIM_FIG_COUNT; i++)
        assert_same_double(a->values[i], b->values[i]);
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++) {
        assert_int_equal(a->figure[f].n, b->figure[f].n);
        assert_same_double(a->figure[f].mean, b->figure[f].mean);
        assert_same_double(a->figure[f].m2, b->figure[f].m2);
    }
    lagsim_result_t pa = *a->pooled, pb = *b->pooled;
    pa.wall_seconds = pb.wall_seconds = 0; /* the one field that is not a result */
    assert_same_result(&pa, &pb);
}

/* Two jobs (a steady-state one, whose warm-up pilot is a unit too, and a
 * terminating one), 4 replications each, then 2 more: the same, bit for
 * bit, whether run by 2 local threads or by the far executor. */
static void batch_same_anywhere(void **state)
{
    (void)state;
    lagsim_scenario_t steady, burst;
    small_scenario(&steady, 200, 120 * S);
    small_scenario(&burst, 200, 60 * S);
    burst.mixpanel.ingest_limit = 150;
    char msg[256];
    assert_int_equal(lagsim_scenario_validate(&steady, msg, sizeof msg), LAGSIM_OK);
    assert_int_equal(lagsim_scenario_validate(&burst, msg, sizeof msg), LAGSIM_OK);
    lagsim_replicated_t *here[2], *far[2];
    for (int k = 0; k < 2; k++) {
        assert_non_null(here[k] = lagsim_replicated_create());
        assert_non_null(far[k] = lagsim_replicated_create());
    }
    int calls = 0;
    const lagsim_executor_t ex = {far_run, &calls, 1};
    const lagsim_run_limits_t far_limits = {.executor = &ex};
    for (uint32_t add = 4; add >= 2; add -= 2) {
        lagsim_batch_job_t a[2] = {{&steady, LAGSIM_MODE_CLOUD, add, 0, here[0]},
                                   {&burst, LAGSIM_MODE_DEVICE, add, 1, here[1]}};
        lagsim_batch_job_t b[2] = {{&steady, LAGSIM_MODE_CLOUD, add, 0, far[0]},
                                   {&burst, LAGSIM_MODE_DEVICE, add, 1, far[1]}};
        assert_int_equal(lagsim_run_batch(a, 2, 2, NULL), LAGSIM_OK);
        assert_int_equal(lagsim_run_batch(b, 2, 1, &far_limits), LAGSIM_OK);
    }
    assert_true(calls >= 11); /* 12 replications, less a pilot that stood in, plus pilots */
    assert_true(here[0]->warmup.method == LAGSIM_WARMUP_MSER ||
                here[0]->warmup.method == LAGSIM_WARMUP_UNSETTLED); /* a pilot ran */
    for (int k = 0; k < 2; k++) {
        assert_int_equal(here[k]->reps, 6);
        assert_same_replicated(here[k], far[k]);
        lagsim_replicated_destroy(here[k]);
        lagsim_replicated_destroy(far[k]);
    }
}

/* An executor that runs every batch here, one unit at a time, and counts
 * the batches (the waits a distributed --find would have). */
static int counting_run(const lagsim_executor_t *ex, const lagsim_task_t *units, uint64_t n,
                        unsigned threads, const lagsim_run_limits_t *limits,
                        lagsim_task_done_fn done, void *done_ctx)
{
    (*(int *)ex->ctx)++;
    lagsim_run_limits_t plain = *limits;
    plain.executor = NULL;
    return lagsim_execute_local(units, n, threads, &plain, done, done_ctx);
}

static int set_rate(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis, double value,
                    char *msg, size_t msg_size)
{
    (void)ctx;
    (void)axis;
    (void)msg;
    (void)msg_size;
    sc->base_rate = value;
    return LAGSIM_OK;
}

/* The SLO "no 429s": 429 responses <= 0. */
static void no_429s(lagsim_slo_t *slo)
{
    memset(slo, 0, sizeof *slo);
    slo->n = 1;
    slo->term[0].figure = LAGSIM_FIG_429;
    slo->term[0].op = LAGSIM_SLO_LE;
    slo->term[0].value = 0;
}

/* --find with room for 16 units at once looks ahead: fewer batches than
 * with room for 1, and the same rounds, probes and answer; probes that no
 * round took are dropped (only the probed points hold results). */
static void find_looks_ahead(void **state)
{
    (void)state;
    lagsim_scenario_t base;
    small_scenario(&base, 100, 60 * S);
    base.mixpanel.ingest_limit = 250;
    char msg[256];
    assert_int_equal(lagsim_scenario_validate(&base, msg, sizeof msg), LAGSIM_OK);
    lagsim_slo_t slo;
    no_429s(&slo);
    lagsim_find_t found[2];
    int batches[2] = {0, 0};
    const unsigned width[2] = {1, 16};
    for (int k = 0; k < 2; k++) {
        lagsim_sweep_t sw;
        memset(&sw, 0, sizeof sw);
        sw.base = &base;
        sw.n_axes = 1;
        snprintf(sw.axis[0].key, sizeof sw.axis[0].key, "traffic.base_rate");
        sw.axis[0].unit = LAGSIM_UNIT_RATE;
        sw.axis[0].from = 100;
        sw.axis[0].to = 500;
        sw.axis[0].step = 25; /* 17 points */
        sw.apply = set_rate;
        sw.mode_mask = 1u << LAGSIM_MODE_CLOUD;
        sw.reps = 1;
        assert_int_equal(lagsim_sweep_prepare(&sw, msg, sizeof msg), LAGSIM_OK);
        const lagsim_executor_t ex = {counting_run, &batches[k], width[k]};
        const lagsim_run_limits_t limits = {.executor = &ex};
        assert_int_equal(lagsim_sweep_find(&sw, &slo, 1, &limits, &found[k]), LAGSIM_OK);
        uint32_t with_results = 0;
        for (uint32_t i = 0; i < sw.n_points; i++)
            with_results += sw.points[i].reps[LAGSIM_MODE_CLOUD] != NULL;
        assert_int_equal(with_results, found[k].n_probes);
        lagsim_sweep_terminate(&sw);
    }
    assert_int_equal(found[0].outcome[LAGSIM_MODE_CLOUD], LAGSIM_FIND_BOUNDARY);
    /* The ends, then 4 middles (16 steps): one batch per round without room. */
    assert_int_equal(found[0].n_probes, 6);
    assert_int_equal(batches[0], 5);
    /* Room for 16: 4 rounds deep (1 + 2 + 4 + 8 = 15 probes fit, 31 do
     * not), so round 0 also runs rounds 1 to 3, and round 4 is the second. */
    assert_int_equal(batches[1], 2);
    assert_memory_equal(&found[0], &found[1], sizeof found[0]);
}

/* Sets traffic.base_rate or (the second axis) mixpanel.ingest_limit. */
static int set_rate_or_limit(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis,
                             double value, char *msg, size_t msg_size)
{
    if (strcmp(axis->key, "mixpanel.ingest_limit") == 0) {
        sc->mixpanel.ingest_limit = value;
        return LAGSIM_OK;
    }
    return set_rate(ctx, sc, axis, value, msg, msg_size);
}

/* The look-ahead with two keys (one bisection per line) and replications
 * added where the verdict is undecided: with room for 64 units, fewer
 * batches than with room for 1, and the same answer, probes (rounds,
 * verdicts, replications) and, at every point, the same results bit for
 * bit; points no round probed hold none. */
static void find_looks_ahead_per_line(void **state)
{
    (void)state;
    lagsim_scenario_t base;
    small_scenario(&base, 100, 60 * S);
    char msg[256];
    assert_int_equal(lagsim_scenario_validate(&base, msg, sizeof msg), LAGSIM_OK);
    lagsim_slo_t slo;
    no_429s(&slo);
    lagsim_find_t *found[2] = {malloc(sizeof *found[0]), malloc(sizeof *found[1])};
    assert_non_null(found[0]);
    assert_non_null(found[1]);
    lagsim_sweep_t sw[2];
    int batches[2] = {0, 0};
    const unsigned width[2] = {1, 64};
    for (int k = 0; k < 2; k++) {
        memset(&sw[k], 0, sizeof sw[k]);
        sw[k].base = &base;
        sw[k].n_axes = 2;
        snprintf(sw[k].axis[0].key, sizeof sw[k].axis[0].key, "traffic.base_rate");
        sw[k].axis[0].unit = LAGSIM_UNIT_RATE;
        sw[k].axis[0].from = 100;
        sw[k].axis[0].to = 500;
        sw[k].axis[0].step = 25; /* 17 points */
        snprintf(sw[k].axis[1].key, sizeof sw[k].axis[1].key, "mixpanel.ingest_limit");
        sw[k].axis[1].unit = LAGSIM_UNIT_RATE;
        sw[k].axis[1].from = 200;
        sw[k].axis[1].to = 300;
        sw[k].axis[1].step = 50; /* 3 lines */
        sw[k].apply = set_rate_or_limit;
        sw[k].mode_mask = 1u << LAGSIM_MODE_CLOUD;
        sw[k].reps = 2;
        sw[k].max_reps = 8;
        assert_int_equal(lagsim_sweep_prepare(&sw[k], msg, sizeof msg), LAGSIM_OK);
        const lagsim_executor_t ex = {counting_run, &batches[k], width[k]};
        const lagsim_run_limits_t limits = {.executor = &ex};
        assert_int_equal(lagsim_sweep_find(&sw[k], &slo, 1, &limits, found[k]), LAGSIM_OK);
    }
    assert_int_equal(found[0]->n_lines, 3);
    uint32_t added = 0;
    for (uint32_t i = 0; i < found[0]->n_probes; i++)
        added += found[0]->probe[i].reps > 2;
    print_message("%u probes (%u with replications added), %d batches with room for 1, "
                  "%d with room for 64\n",
                  found[0]->n_probes, added, batches[0], batches[1]);
    assert_true(batches[1] < batches[0]);
    assert_memory_equal(found[0], found[1], sizeof *found[0]);
    const int m = LAGSIM_MODE_CLOUD;
    for (uint32_t i = 0; i < sw[0].n_points; i++) {
        int probed = 0;
        for (uint32_t p = 0; p < found[0]->n_probes; p++)
            probed |= found[0]->probe[p].point == i;
        const lagsim_replicated_t *a = sw[0].points[i].reps[m], *b = sw[1].points[i].reps[m];
        assert_int_equal(a != NULL, probed);
        assert_int_equal(b != NULL, probed);
        if (probed) {
            assert_int_equal(a->reps, b->reps);
            assert_memory_equal(a->figure, b->figure, sizeof a->figure);
        }
    }
    lagsim_sweep_terminate(&sw[0]);
    lagsim_sweep_terminate(&sw[1]);
    free(found[0]);
    free(found[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hist_round_trip),
        cmocka_unit_test(summary_round_trip),
        cmocka_unit_test(series_round_trip),
        cmocka_unit_test(breakdown_round_trip),
        cmocka_unit_test(result_round_trip),
        cmocka_unit_test(batch_same_anywhere),
        cmocka_unit_test(find_looks_ahead),
        cmocka_unit_test(find_looks_ahead_per_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
