/*
 * test_experiment.c - the experiments of experiment.h: batches that
 * extend replications without changing earlier ones, the same answer for
 * any thread count, replications until a precision (stopping at or before
 * the cap, meeting the precision when it stops early), sweep grids, and
 * the bisection landing on the boundary a brute-force sweep over the same
 * grid shows.
 *
 * Scenarios are small (90 simulated seconds, about 20,000 events) so the
 * whole file runs in seconds; the sweep's key is set directly by a test
 * apply callback, so nothing here depends on the config layer.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/experiment.h"

/* Device mode, a short burst against a lowered limit: 429s and backoff
 * above a burst rate of about 3000/s, smooth below. */
static void small(lagsim_scenario_t *sc)
{
    lagsim_scenario_defaults(sc);
    sc->horizon = 90 * LAGSIM_SEC;
    sc->base_rate = 100;
    sc->users = 5000;
    sc->seed = 11;
    sc->n_bursts = 1;
    strcpy(sc->bursts[0].name, "launch");
    sc->bursts[0].start = 20 * LAGSIM_SEC;
    sc->bursts[0].duration = 20 * LAGSIM_SEC;
    sc->bursts[0].rate = 1500;
    sc->bursts[0].multiplier = -1;
    sc->mixpanel.ingest_limit = 1000;
}

/* Same summaries, bit for bit, and the same pooled counts. */
static void assert_same(const lagsim_replicated_t *a, const lagsim_replicated_t *b)
{
    assert_int_equal(a->reps, b->reps);
    assert_memory_equal(a->figure, b->figure, sizeof a->figure);
    assert_memory_equal(a->values, b->values, (size_t)a->reps * LAGSIM_FIG_COUNT * sizeof(double));
    assert_int_equal(a->pooled->fired, b->pooled->fired);
    assert_int_equal(a->pooled->visible, b->pooled->visible);
    assert_int_equal(a->pooled->responses[LAGSIM_RESP_429], b->pooled->responses[LAGSIM_RESP_429]);
    assert_true(lagsim_hist_mean(a->pooled->latency_visible) ==
                lagsim_hist_mean(b->pooled->latency_visible));
}

/* ---- Batches -------------------------------------------------------------- */

/* 3 + 3 replications added in two batches equal 6 run at once. */
static void batch_appends_without_changing_earlier(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_replicated_t *once = lagsim_replicated_create(), *twice = lagsim_replicated_create();
    /* Empty: nothing fired, nothing lost (a mode a signal kept from running
     * must not read as a conservation failure). */
    assert_true(twice->pooled->conserved && twice->pooled->drain_time == -1 && twice->reps == 0);
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_DEVICE, 6, 2, NULL, once), LAGSIM_OK);
    lagsim_batch_job_t job = {&sc, LAGSIM_MODE_DEVICE, 3, 0, twice};
    assert_int_equal(lagsim_run_batch(&job, 1, 2, NULL), LAGSIM_OK);
    double first3[3 * LAGSIM_FIG_COUNT];
    memcpy(first3, twice->values, sizeof first3);
    assert_int_equal(lagsim_run_batch(&job, 1, 1, NULL), LAGSIM_OK);
    assert_memory_equal(first3, twice->values, sizeof first3);
    assert_same(once, twice);
    lagsim_replicated_destroy(once);
    lagsim_replicated_destroy(twice);
}

/* Several jobs at once, on 1 and 3 threads: identical. */
static void batch_same_for_any_thread_count(void **state)
{
    (void)state;
    lagsim_scenario_t a, b;
    small(&a);
    small(&b);
    b.bursts[0].rate = 3500;
    lagsim_replicated_t *r[2][4];
    for (int t = 0; t < 2; t++) {
        lagsim_batch_job_t jobs[4];
        for (int j = 0; j < 4; j++) {
            r[t][j] = lagsim_replicated_create();
            jobs[j] = (lagsim_batch_job_t){j < 2 ? &a : &b,
                                           j % 2 ? LAGSIM_MODE_DEVICE : LAGSIM_MODE_CLOUD,
                                           (uint32_t)(2 + j % 2), 0, r[t][j]};
        }
        assert_int_equal(lagsim_run_batch(jobs, 4, t == 0 ? 1 : 3, NULL), LAGSIM_OK);
    }
    for (int j = 0; j < 4; j++) {
        assert_same(r[0][j], r[1][j]);
        lagsim_replicated_destroy(r[0][j]);
        lagsim_replicated_destroy(r[1][j]);
    }
}

/* Progress goes from 0 to 1 and never backwards within a batch. */
typedef struct progress_log {
    int calls;
    double last;
    int backwards;
} progress_log_t;

static void log_progress(void *ctx, double fraction)
{
    progress_log_t *p = ctx;
    p->backwards |= fraction < p->last - 1e-12;
    p->last = fraction;
    p->calls++;
}

static void batch_reports_progress(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    progress_log_t log = {0, 0, 0};
    const lagsim_run_limits_t limits = {.progress = log_progress, .progress_ctx = &log};
    lagsim_replicated_t *r = lagsim_replicated_create();
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_CLOUD, 3, 2, &limits, r), LAGSIM_OK);
    assert_true(log.calls > 3);
    assert_false(log.backwards);
    assert_true(fabs(log.last - 1.0) < 1e-9);
    lagsim_replicated_destroy(r);
}

/*
 * The 95% half-width shrinks as 1/sqrt(N). 64 replications are cut into
 * 16 disjoint groups of 4 and 4 groups of 16, and the mean half-width of
 * the mean visible latency over the groups compared. For independent,
 * roughly normal replications E[hw_N] = t(N-1) * c4(N) * sigma / sqrt(N)
 * (c4: the bias of the sample deviation; c4(4) = 0.921, c4(16) = 0.984),
 * so the ratio is 2 * (3.182 / 2.131) * (0.921 / 0.984) = 2.80. Averaging
 * over the groups makes it steady: the 4-replication deviation varies by
 * about 42% alone, 11% averaged over 16 groups; the 16-replication one by
 * about 18%, 9% over 4 groups; so the ratio varies by about 14%, and the
 * band [1.8, 4.4] (2.80 * [0.64, 1.57]) lies about 3 standard deviations
 * either side. A half-width that did not shrink would give about 1.4
 * (only t changes), one shrinking as 1/N about 5.6: both fall outside.
 */
static void half_width_shrinks_as_one_over_sqrt_n(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    sc.horizon = 60 * LAGSIM_SEC; /* 64 short runs */
    lagsim_replicated_t *r = lagsim_replicated_create();
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_CLOUD, 64, 2, NULL, r), LAGSIM_OK);
    double hw[2] = {0, 0};
    const uint32_t size[2] = {4, 16};
    for (int k = 0; k < 2; k++) {
        for (uint32_t g = 0; g < 64 / size[k]; g++) {
            lagsim_summary_t s;
            lagsim_summary_reset(&s);
            for (uint32_t i = g * size[k]; i < (g + 1) * size[k]; i++)
                lagsim_summary_add(&s, r->values[(size_t)i * LAGSIM_FIG_COUNT +
                                                 LAGSIM_FIG_VISIBLE_MEAN]);
            hw[k] += lagsim_summary_half_width(&s, 0.95) / (64 / size[k]);
        }
    }
    print_message("mean half-width: %.4f s with 4 replications, %.4f s with 16; ratio %.2f "
                  "(expected 2.80, band 1.8 to 4.4)\n", hw[0], hw[1], hw[0] / hw[1]);
    assert_true(hw[0] / hw[1] > 1.8 && hw[0] / hw[1] < 4.4);
    lagsim_replicated_destroy(r);
}

/* ---- Precision ---------------------------------------------------------------- */

/* The rule: figures that are 0, or defined in fewer than two replications,
 * are not judged; the rest give hw / |mean|. */
static void precision_rule(void **state)
{
    (void)state;
    lagsim_replicated_t *r = lagsim_replicated_create();
    r->reps = 4;
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++)
        lagsim_summary_reset(&r->figure[f]);
    enum lagsim_figure worst;
    assert_true(lagsim_replicated_precision(r, &worst) == 0);
    assert_int_equal(worst, LAGSIM_FIG_COUNT);
    for (int i = 0; i < 4; i++)
        lagsim_summary_add(&r->figure[LAGSIM_FIG_DROPPED], 0); /* mean 0: skipped */
    lagsim_summary_add(&r->figure[LAGSIM_FIG_DRAIN_TIME], 30); /* n = 1: skipped */
    const double p99[] = {60, 62, 58, 60};
    for (int i = 0; i < 4; i++)
        lagsim_summary_add(&r->figure[LAGSIM_FIG_VISIBLE_P99], p99[i]);
    const double expect =
        lagsim_summary_half_width(&r->figure[LAGSIM_FIG_VISIBLE_P99], 0.95) / 60.0;
    assert_true(fabs(lagsim_replicated_precision(r, &worst) - expect) < 1e-12);
    assert_int_equal(worst, LAGSIM_FIG_VISIBLE_P99);
    lagsim_replicated_destroy(r);
}

/* Runs both modes of `sc` as one group to precision p on `threads`. */
static void to_precision(const lagsim_scenario_t *sc, const lagsim_precision_t *p,
                         unsigned threads, lagsim_replicated_t *out[2])
{
    lagsim_batch_job_t jobs[2];
    for (int m = 0; m < 2; m++) {
        out[m] = lagsim_replicated_create();
        jobs[m] = (lagsim_batch_job_t){sc, (enum lagsim_mode)m, 0, 7, out[m]};
    }
    assert_int_equal(lagsim_run_to_precision(jobs, 2, p, threads, NULL), LAGSIM_OK);
}

/* Stops at or before the cap; when it stops before, every figure of every
 * mode meets the precision; modes of a group keep the same replications;
 * the answer does not depend on the thread count. */
static void precision_meets_or_caps(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    sc.bursts[0].rate = 3200; /* 429s: noisy figures */
    const lagsim_precision_t loose = {0.15, 4, 16}, tight = {0.001, 3, 6};
    const lagsim_precision_t *cases[] = {&loose, &tight};
    for (int c = 0; c < 2; c++) {
        const lagsim_precision_t *p = cases[c];
        lagsim_replicated_t *one[2], *two[2];
        to_precision(&sc, p, 1, one);
        to_precision(&sc, p, 2, two);
        assert_int_equal(one[0]->reps, one[1]->reps);
        const uint32_t n = one[0]->reps;
        print_message("precision %.3g: %u replications (cap %u)\n", p->relative, n, p->max_reps);
        assert_true(n >= p->pilot && n <= p->max_reps);
        for (int m = 0; m < 2; m++) {
            const double rel = lagsim_replicated_precision(one[m], NULL);
            if (n < p->max_reps)
                assert_true(rel <= p->relative);
            assert_same(one[m], two[m]);
        }
        if (c == 1)
            assert_int_equal(n, p->max_reps); /* 0.1% is out of reach in 6 */
        for (int m = 0; m < 2; m++) {
            lagsim_replicated_destroy(one[m]);
            lagsim_replicated_destroy(two[m]);
        }
    }
}

static void precision_rejects_bad_parameters(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_replicated_t *r = lagsim_replicated_create();
    lagsim_batch_job_t job = {&sc, LAGSIM_MODE_CLOUD, 0, 0, r};
    const lagsim_precision_t zero = {0, 5, 10}, pilot1 = {0.05, 1, 10}, cap = {0.05, 5, 4};
    assert_int_equal(lagsim_run_to_precision(&job, 1, &zero, 1, NULL), LAGSIM_EINVAL);
    assert_int_equal(lagsim_run_to_precision(&job, 1, &pilot1, 1, NULL), LAGSIM_EINVAL);
    assert_int_equal(lagsim_run_to_precision(&job, 1, &cap, 1, NULL), LAGSIM_EINVAL);
    assert_int_equal(r->reps, 0);
    lagsim_replicated_destroy(r);
}

/* ---- Axes ---------------------------------------------------------------------- */

static void axis_grid(void **state)
{
    (void)state;
    lagsim_axis_t a = {"burst.launch.rate", LAGSIM_UNIT_RATE, 20000, 60000, 5000};
    assert_int_equal(lagsim_axis_points(&a), 9);
    for (uint32_t i = 0; i < 9; i++)
        assert_true(lagsim_axis_value(&a, i) == 20000 + 5000.0 * i);
    /* A last step short of TO: TO itself is the last point. */
    lagsim_axis_t b = {"x.y", LAGSIM_UNIT_NUMBER, 0, 10, 3};
    assert_int_equal(lagsim_axis_points(&b), 5);
    assert_true(lagsim_axis_value(&b, 3) == 9 && lagsim_axis_value(&b, 4) == 10);
    /* Going down. */
    lagsim_axis_t c = {"x.y", LAGSIM_UNIT_NUMBER, 10, 0, 5};
    assert_int_equal(lagsim_axis_points(&c), 3);
    assert_true(lagsim_axis_value(&c, 1) == 5 && lagsim_axis_value(&c, 2) == 0);
    /* Fractions of 0.1 do not lose the last point to rounding. */
    lagsim_axis_t d = {"x.y", LAGSIM_UNIT_FRACTION, 0.1, 0.9, 0.1};
    assert_int_equal(lagsim_axis_points(&d), 9);
    assert_true(lagsim_axis_value(&d, 8) == 0.9);
    /* Whole units are rounded. */
    lagsim_axis_t e = {"x.y", LAGSIM_UNIT_COUNT, 1, 10, 2.5};
    assert_true(lagsim_axis_value(&e, 1) == 4);
    /* One point; and invalid axes. */
    lagsim_axis_t f = {"x.y", LAGSIM_UNIT_NUMBER, 3, 3, 1};
    assert_int_equal(lagsim_axis_points(&f), 1);
    lagsim_axis_t g = {"x.y", LAGSIM_UNIT_NUMBER, 0, 1, 0};
    assert_int_equal(lagsim_axis_points(&g), 0);
    lagsim_axis_t h = {"x.y", LAGSIM_UNIT_NUMBER, 0, 1e6, 1};
    assert_int_equal(lagsim_axis_points(&h), 0); /* more than LAGSIM_AXIS_MAX_POINTS */
}

/* ---- Sweeps and the bisection --------------------------------------------------- */

/* The test's apply: the burst rate, refusing negative values like --set. */
static int apply_rate(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis, double value,
                      char *msg, size_t msg_size)
{
    (void)ctx;
    (void)axis;
    if (value < 0) {
        snprintf(msg, msg_size, "rate %g is negative", value);
        return LAGSIM_EINVAL;
    }
    sc->bursts[0].rate = value;
    return LAGSIM_OK;
}

static void sweep_setup(lagsim_sweep_t *sw, const lagsim_scenario_t *base, double from,
                        double to, double step)
{
    memset(sw, 0, sizeof *sw);
    sw->base = base;
    sw->n_axes = 1;
    sw->axis[0] = (lagsim_axis_t){"burst.launch.rate", LAGSIM_UNIT_RATE, from, to, step};
    sw->apply = apply_rate;
    sw->mode_mask = 1u << LAGSIM_MODE_DEVICE;
    sw->reps = 1;
    char msg[256];
    assert_int_equal(lagsim_sweep_prepare(sw, msg, sizeof msg), LAGSIM_OK);
}

static void sweep_rejects_a_bad_point_before_running(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_sweep_t sw;
    memset(&sw, 0, sizeof sw);
    sw.base = &sc;
    sw.n_axes = 1;
    sw.axis[0] = (lagsim_axis_t){"burst.launch.rate", LAGSIM_UNIT_RATE, 1000, -1000, 1000};
    sw.apply = apply_rate;
    sw.mode_mask = 1u << LAGSIM_MODE_DEVICE;
    sw.reps = 1;
    char msg[256] = "";
    assert_int_equal(lagsim_sweep_prepare(&sw, msg, sizeof msg), LAGSIM_EINVAL);
    assert_non_null(strstr(msg, "negative"));
    lagsim_sweep_terminate(&sw);
}

/*
 * The bisection against a brute-force sweep of the same grid: the SLO
 * p99 <= 60 s holds below a burst rate of about 3000/s (device mode) and
 * fails above. The sweep must show one change along the grid (else the
 * scenario is not a fair test), and --find must land on exactly that pair
 * of neighbouring points, with the very same figures there (same seed:
 * common random numbers).
 */
static void find_lands_on_the_brute_force_boundary(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_slo_t slo = {1, {{LAGSIM_FIG_VISIBLE_P99, LAGSIM_SLO_LE, 60.0, "p99<=1m"}}};
    lagsim_sweep_t brute, bis;
    sweep_setup(&brute, &sc, 1000, 4000, 250);
    assert_int_equal(lagsim_sweep_run(&brute, 2, NULL), LAGSIM_OK);
    int changes = 0;
    uint32_t first_fail = 0;
    for (uint32_t i = 0; i < brute.n_points; i++) {
        const int holds = lagsim_slo_holds(&slo, brute.points[i].reps[LAGSIM_MODE_DEVICE], NULL, 0);
        const int prev = i == 0 ? holds
                                : lagsim_slo_holds(&slo, brute.points[i - 1].reps[LAGSIM_MODE_DEVICE],
                                                   NULL, 0);
        if (holds != prev) {
            changes++;
            first_fail = i;
        }
    }
    assert_int_equal(changes, 1);

    lagsim_find_t fd;
    sweep_setup(&bis, &sc, 1000, 4000, 250);
    assert_int_equal(lagsim_sweep_find(&bis, &slo, 2, NULL, &fd), LAGSIM_OK);
    const int m = LAGSIM_MODE_DEVICE;
    assert_int_equal(fd.outcome[m], LAGSIM_FIND_BOUNDARY);
    assert_int_equal(fd.holds_at[m], first_fail - 1);
    assert_int_equal(fd.fails_at[m], first_fail);
    print_message("boundary between %g/s and %g/s after %u probes (grid of %u)\n",
                  bis.points[fd.holds_at[m]].value[0], bis.points[fd.fails_at[m]].value[0],
                  fd.n_probes, bis.n_points);
    assert_true(fd.n_probes <= 2 + 4); /* both ends, then ceil(log2(12)) = 4 rounds */
    for (uint32_t i = 0; i < fd.n_probes; i++) {
        const uint32_t p = fd.probe[i].point;
        assert_memory_equal(bis.points[p].reps[m]->figure, brute.points[p].reps[m]->figure,
                            sizeof brute.points[p].reps[m]->figure);
    }
    lagsim_sweep_terminate(&brute);
    lagsim_sweep_terminate(&bis);
}

/* An SLO that holds (or fails) everywhere is reported as such. */
static void find_whole_range(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    const double limits[] = {3600.0, 1.0};
    const enum lagsim_find_outcome want[] = {LAGSIM_FIND_HOLDS_ALL, LAGSIM_FIND_FAILS_ALL};
    for (int i = 0; i < 2; i++) {
        lagsim_slo_t slo = {1, {{LAGSIM_FIG_VISIBLE_P99, LAGSIM_SLO_LE, limits[i], "p99"}}};
        lagsim_sweep_t sw;
        lagsim_find_t fd;
        sweep_setup(&sw, &sc, 1000, 2000, 500);
        assert_int_equal(lagsim_sweep_find(&sw, &slo, 1, NULL, &fd), LAGSIM_OK);
        assert_int_equal(fd.outcome[LAGSIM_MODE_DEVICE], want[i]);
        assert_int_equal(fd.n_probes, 2); /* the two ends only */
        lagsim_sweep_terminate(&sw);
    }
}

/* Sets the burst's rate (axis burst.launch.rate) or duration (seconds). */
static int apply_rate_or_duration(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis,
                                  double value, char *msg, size_t msg_size)
{
    if (strcmp(axis->key, "burst.launch.duration") == 0) {
        sc->bursts[0].duration = (lagsim_time_t)value * LAGSIM_SEC;
        return LAGSIM_OK;
    }
    return apply_rate(ctx, sc, axis, value, msg, msg_size);
}

/*
 * --find with two keys: the frontier's line for each burst duration is
 * the answer of a one-key find on a scenario with that duration (the
 * same probes, so the same points), and a longer burst fails sooner.
 */
static void find_frontier_is_one_find_per_line(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_slo_t slo = {1, {{LAGSIM_FIG_VISIBLE_P99, LAGSIM_SLO_LE, 60.0, "p99<=1m"}}};
    lagsim_sweep_t two;
    memset(&two, 0, sizeof two);
    two.base = &sc;
    two.n_axes = 2;
    two.axis[0] = (lagsim_axis_t){"burst.launch.rate", LAGSIM_UNIT_RATE, 1000, 4000, 250};
    two.axis[1] = (lagsim_axis_t){"burst.launch.duration", LAGSIM_UNIT_COUNT, 10, 30, 10};
    two.apply = apply_rate_or_duration;
    two.mode_mask = 1u << LAGSIM_MODE_DEVICE;
    two.reps = 1;
    char msg[256];
    assert_int_equal(lagsim_sweep_prepare(&two, msg, sizeof msg), LAGSIM_OK);
    lagsim_find_t *fd = malloc(sizeof *fd), *one = malloc(sizeof *one);
    assert_non_null(fd);
    assert_non_null(one);
    assert_int_equal(lagsim_sweep_find(&two, &slo, 2, NULL, fd), LAGSIM_OK);
    assert_int_equal(fd->n_lines, 3);
    const int m = LAGSIM_MODE_DEVICE;
    uint32_t prev_fail = UINT32_MAX;
    for (uint32_t l = 0; l < 3; l++) {
        lagsim_scenario_t at = sc;
        at.bursts[0].duration = (lagsim_time_t)(10 * (l + 1)) * LAGSIM_SEC;
        lagsim_sweep_t sw;
        sweep_setup(&sw, &at, 1000, 4000, 250);
        assert_int_equal(lagsim_sweep_find(&sw, &slo, 2, NULL, one), LAGSIM_OK);
        const lagsim_find_line_t *ln = &fd->line[l];
        assert_int_equal(ln->outcome[m], one->outcome[m]);
        if (one->outcome[m] == LAGSIM_FIND_BOUNDARY) {
            assert_int_equal(two.points[ln->holds_at[m]].index[0], one->holds_at[m]);
            assert_int_equal(two.points[ln->fails_at[m]].index[0], one->fails_at[m]);
            assert_int_equal(two.points[ln->holds_at[m]].index[1], l);
            assert_true(one->fails_at[m] <= prev_fail); /* longer bursts fail sooner */
            prev_fail = one->fails_at[m];
        }
        lagsim_sweep_terminate(&sw);
    }
    free(fd);
    free(one);
    lagsim_sweep_terminate(&two);
}

/*
 * With replications and max_reps, a probe ends decided or at max_reps;
 * its replications double from reps; the boundary's interval holds the
 * bracket, and its ends are decided probes (or the ends of the range).
 */
static void find_adds_replications_where_undecided(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small(&sc);
    lagsim_slo_t slo = {1, {{LAGSIM_FIG_VISIBLE_P99, LAGSIM_SLO_LE, 60.0, "p99<=1m"}}};
    lagsim_sweep_t sw;
    lagsim_find_t *fd = malloc(sizeof *fd);
    assert_non_null(fd);
    /* First without adding: the threshold becomes the mean p99 (2
     * replications) where it failed, so that point's interval straddles it. */
    sweep_setup(&sw, &sc, 1000, 4000, 250);
    sw.reps = 2;
    assert_int_equal(lagsim_sweep_find(&sw, &slo, 2, NULL, fd), LAGSIM_OK);
    assert_int_equal(fd->outcome[LAGSIM_MODE_DEVICE], LAGSIM_FIND_BOUNDARY);
    slo.term[0].value = sw.points[fd->fails_at[LAGSIM_MODE_DEVICE]]
                            .reps[LAGSIM_MODE_DEVICE]->figure[LAGSIM_FIG_VISIBLE_P99].mean;
    lagsim_sweep_terminate(&sw);
    sweep_setup(&sw, &sc, 1000, 4000, 250);
    sw.reps = 2;
    sw.max_reps = 8;
    assert_int_equal(lagsim_sweep_find(&sw, &slo, 2, NULL, fd), LAGSIM_OK);
    const int m = LAGSIM_MODE_DEVICE;
    int added = 0;
    for (uint32_t i = 0; i < fd->n_probes; i++) {
        const lagsim_find_probe_t *p = &fd->probe[i];
        assert_true(p->reps == 2 || p->reps == 4 || p->reps == 8);
        assert_int_equal(p->reps, sw.points[p->point].reps[m]->reps);
        if (p->verdict == LAGSIM_VERDICT_UNDECIDED)
            assert_int_equal(p->reps, 8);
        added |= p->reps > 2;
        assert_int_equal(p->verdict, lagsim_slo_verdict(&slo, sw.points[p->point].reps[m], NULL, 0));
    }
    print_message("%u probes, replications added: %s\n", fd->n_probes, added ? "yes" : "no");
    assert_true(added); /* the straddling point got more */
    assert_int_equal(fd->outcome[m], LAGSIM_FIND_BOUNDARY);
    const lagsim_find_line_t *ln = &fd->line[0];
    const uint32_t sh = sw.points[ln->sure_holds_at[m]].index[0];
    const uint32_t sf = sw.points[ln->sure_fails_at[m]].index[0];
    assert_true(sh <= ln->holds_at[m] && ln->holds_at[m] < ln->fails_at[m] && ln->fails_at[m] <= sf);
    assert_true(sh == 0 || lagsim_slo_verdict(&slo, sw.points[sh].reps[m], NULL, 0) ==
                               LAGSIM_VERDICT_HOLDS);
    assert_true(sf == sw.n_points - 1 ||
                lagsim_slo_verdict(&slo, sw.points[sf].reps[m], NULL, 0) == LAGSIM_VERDICT_FAILS);
    free(fd);
    lagsim_sweep_terminate(&sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(batch_appends_without_changing_earlier),
        cmocka_unit_test(batch_same_for_any_thread_count),
        cmocka_unit_test(batch_reports_progress),
        cmocka_unit_test(half_width_shrinks_as_one_over_sqrt_n),
        cmocka_unit_test(precision_rule),
        cmocka_unit_test(precision_meets_or_caps),
        cmocka_unit_test(precision_rejects_bad_parameters),
        cmocka_unit_test(axis_grid),
        cmocka_unit_test(sweep_rejects_a_bad_point_before_running),
        cmocka_unit_test(find_lands_on_the_brute_force_boundary),
        cmocka_unit_test(find_whole_range),
        cmocka_unit_test(find_frontier_is_one_find_per_line),
        cmocka_unit_test(find_adds_replications_where_undecided),
    };
    /* make tsan runs only the tests matching LAGSIM_TEST_FILTER (a cmocka
     * pattern): the ones that spread work over threads. */
    const char *only = getenv("LAGSIM_TEST_FILTER");
    if (only)
        cmocka_set_test_filter(only);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
