/*
 * test_workload.c - traffic as it arrives: the rate function (bursts,
 * ramps, daily profile) against an independent reference, Poisson counts
 * against its integral, a ramp's linear shape, a flat ramp's numerical
 * stability, the daily profile hour by hour, the MMPP's long-run mean
 * rate and overdispersion, CSV replay row by row, bad CSV input with its
 * FILE:LINE, common random numbers across modes, and the estimates.
 *
 * Statistical tolerances. A (non-homogeneous) Poisson process has a
 * Poisson count over any interval, so a count N with mean L has sd
 * sqrt(L); we accept |N - L| <= 5 sqrt(L). Each such check fails by
 * chance with probability 5.7e-7, so the hundred or so below fail by
 * chance with probability under 1e-4, and the seeds are fixed (the
 * outcome is the same on every run). The MMPP checks state their own
 * variance below. Each test can fail: in the counts of 10^5 and more, a
 * rate off by 2% is over 5 sd away.
 */
#define _XOPEN_SOURCE 700 /* realpath(), mkdtemp() */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lagsim/config.h"
#include "lagsim/analysis.h"
#include "model/model_internal.h"

#define S LAGSIM_SEC
#define MIN LAGSIM_MIN
#define HOUR LAGSIM_HOUR

/* ---- Helpers ------------------------------------------------------------------ */

static lagsim_scenario_t *new_scenario(void)
{
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    lagsim_scenario_defaults(sc);
    return sc;
}

static void add_burst(lagsim_scenario_t *sc, const char *name, lagsim_time_t start,
                      lagsim_time_t duration, double rate, double multiplier)
{
    lagsim_burst_t *b = &sc->bursts[sc->n_bursts++];
    memset(b, 0, sizeof *b);
    snprintf(b->name, sizeof b->name, "%s", name);
    b->start = start;
    b->duration = duration;
    b->rate = rate;
    b->multiplier = multiplier;
}

/* from/to: a rate, or < 0 and then the multiplier is used. */
static void add_ramp(lagsim_scenario_t *sc, const char *name, lagsim_time_t start,
                     lagsim_time_t duration, double from, double from_mult, double to,
                     double to_mult)
{
    lagsim_ramp_t *r = &sc->ramps[sc->n_ramps++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->start = start;
    r->duration = duration;
    r->from = from;
    r->from_multiplier = from_mult;
    r->to = to;
    r->to_multiplier = to_mult;
}

static void valid(const lagsim_scenario_t *sc)
{
    char msg[LAGSIM_ERROR_MAX];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("invalid test scenario: %s", msg);
}

/* The scenario's Poisson (and MMPP) arrivals, replication 0. */
typedef struct gen {
    lsi_arrivals_t a;
    gsl_rng *rng, *mmpp;
} gen_t;

static void gen_init(gen_t *g, const lagsim_scenario_t *sc)
{
    valid(sc);
    g->rng = lagsim_rng_create(NULL, sc->seed, 0, LSI_RNG_ARRIVALS);
    g->mmpp = lagsim_rng_create(NULL, sc->seed, 0, LSI_RNG_MMPP);
    assert_non_null(g->rng);
    assert_non_null(g->mmpp);
    assert_int_equal(lsi_arrivals_init(&g->a, sc, g->rng, g->mmpp), LAGSIM_OK);
}

static void gen_free(gen_t *g)
{
    lsi_arrivals_free(&g->a);
    gsl_rng_free(g->rng);
    gsl_rng_free(g->mmpp);
}

/* Counts the arrivals in [0, horizon) into bins of width w (n bins, the
 * last one open-ended); returns the total. */
static uint64_t count_bins(const lagsim_scenario_t *sc, lagsim_time_t w, uint64_t *bins,
                           size_t n)
{
    gen_t g;
    gen_init(&g, sc);
    memset(bins, 0, n * sizeof *bins);
    uint64_t total = 0;
    lagsim_time_t t, prev = 0;
    while ((t = lsi_arrivals_next(&g.a)) < sc->horizon) {
        assert_true(t >= prev); /* in order */
        prev = t;
        const size_t b = (size_t)(t / w);
        bins[b < n ? b : n - 1]++;
        total++;
    }
    gen_free(&g);
    return total;
}

/* |n - mean| <= 5 sd for a Poisson count. */
static void poisson_near(uint64_t n, double mean, const char *what)
{
    const double tol = 5 * sqrt(mean > 1 ? mean : 1);
    if (fabs((double)n - mean) > tol)
        fail_msg("%s: count %llu, expected %.1f +- %.1f (5 sd)", what, (unsigned long long)n,
                 mean, tol);
}

/*
 * The documented rate at t, written independently of traffic.c:
 * max(0, base(t) + extras) * scale, base(t) = base_rate * profile[hour].
 */
static double reference_rate(const lagsim_scenario_t *sc, double t_us)
{
    const int hour = (int)(fmod(((double)sc->day_start + t_us) / (double)HOUR, 24.0));
    const double base = sc->base_rate * sc->daily_profile[hour];
    double r = base;
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        const lagsim_burst_t *b = &sc->bursts[i];
        if (t_us >= (double)b->start && t_us < (double)(b->start + b->duration))
            r += b->rate >= 0 ? b->rate - base : base * (b->multiplier - 1);
    }
    for (unsigned i = 0; i < sc->n_ramps; i++) {
        const lagsim_ramp_t *p = &sc->ramps[i];
        if (t_us < (double)p->start || t_us >= (double)(p->start + p->duration))
            continue;
        const double u = (t_us - (double)p->start) / (double)p->duration;
        const double from = p->from >= 0 ? p->from : base * p->from_multiplier;
        const double to = p->to >= 0 ? p->to : base * p->to_multiplier;
        r += from + (to - from) * u - base;
    }
    return (r > 0 ? r : 0) * sc->scale;
}

/* Midpoint rule on 1 s cells: exact for a rate linear on each cell, which
 * holds when every cut is on a whole second and nothing crosses zero. */
static double reference_integral(const lagsim_scenario_t *sc, lagsim_time_t from,
                                 lagsim_time_t to)
{
    double total = 0;
    for (lagsim_time_t t = from; t < to; t += S)
        total += reference_rate(sc, (double)t + 0.5 * S);
    return total;
}

/* A bit of everything: daily profile, two bursts, two ramps (one
 * overlapping a burst), scale. Every cut is on a whole second. */
static lagsim_scenario_t *mixed(void)
{
    lagsim_scenario_t *sc = new_scenario();
    sc->horizon = 3 * HOUR;
    sc->base_rate = 20;
    sc->scale = 0.8;
    sc->day_start = 22 * HOUR + 30 * MIN; /* hour boundaries at 30m, 1h30m, 2h30m */
    const double prof[24] = {0.3, 0.2, 0.2, 0.2, 0.3, 0.5, 0.8, 1.0, 1.2, 1.3, 1.4, 1.4,
                             1.4, 1.4, 1.3, 1.3, 1.3, 1.4, 1.6, 1.7, 1.6, 1.3, 0.9, 0.6};
    memcpy(sc->daily_profile, prof, sizeof prof);
    add_burst(sc, "a", 20 * MIN, 5 * MIN, 400, -1);
    add_burst(sc, "b", 60 * MIN, 10 * MIN, -1, 3);
    add_ramp(sc, "up", 40 * MIN, 10 * MIN, -1, 1, 600, -1);
    add_ramp(sc, "down", 50 * MIN, 30 * MIN, 600, -1, -1, 0.5);
    valid(sc);
    return sc;
}

/* ---- Timestamps ------------------------------------------------------------------ */

static void timestamps(void **state)
{
    (void)state;
    int64_t us;
    int iso;
    assert_int_equal(lagsim_parse_timestamp("1970-01-01T00:00:00Z", &us, &iso), LAGSIM_OK);
    assert_true(us == 0 && iso);
    assert_int_equal(lagsim_parse_timestamp("2024-05-14T08:00:00Z", &us, &iso), LAGSIM_OK);
    assert_true(us == 1715673600LL * S);
    assert_int_equal(lagsim_parse_timestamp("2024-05-14 10:00:00.25+02:00", &us, NULL), LAGSIM_OK);
    assert_true(us == 1715673600LL * S + 250000);
    assert_int_equal(lagsim_parse_timestamp("2024-02-29T23:59:59.000001-0130", &us, NULL),
                     LAGSIM_OK);
    assert_true(us == (1709251199LL + 5400) * S + 1);
    assert_int_equal(lagsim_parse_timestamp("12.5", &us, &iso), LAGSIM_OK);
    assert_true(us == 12500000 && !iso);
    assert_int_equal(lagsim_parse_timestamp("-0.000001", &us, NULL), LAGSIM_OK);
    assert_true(us == -1);
    assert_int_equal(lagsim_parse_timestamp(".5", &us, NULL), LAGSIM_OK);
    assert_true(us == 500000);
    assert_int_equal(lagsim_parse_timestamp("1.0000000", &us, NULL), LAGSIM_OK); /* zeros */
    const char *bad[] = {"", "abc", "1.", "1e3", "0.0000001", "1,5", "2023-02-29T00:00:00Z",
                         "2024-05-14T08:00:00", "2024-05-14T24:00:00Z", "2024-13-01T00:00:00Z",
                         "2024-05-14T08:00Z", "2024-05-14T08:00:00Zx", "1234567890123"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        us = 77;
        if (lagsim_parse_timestamp(bad[i], &us, NULL) != LAGSIM_EINVAL)
            fail_msg("'%s' should be refused", bad[i]);
        assert_true(us == 77); /* untouched */
    }
    /* Written and read back exactly, both ways, over a wide range. */
    gsl_rng *r = lagsim_rng_create(NULL, 5, 0, 1);
    for (int i = 0; i < 20000; i++) {
        const int64_t v = (int64_t)((gsl_rng_uniform(r) - 0.3) * 8e16) / (i % 3 ? 1 : 1000000);
        for (int k = 0; k < 2; k++) {
            char buf[64];
            lagsim_format_timestamp(v, k, buf, sizeof buf);
            int64_t back;
            if (lagsim_parse_timestamp(buf, &back, &iso) != LAGSIM_OK || back != v || iso != k)
                fail_msg("%lld written as '%s' does not read back", (long long)v, buf);
        }
    }
    gsl_rng_free(r);
}

/* ---- The rate function --------------------------------------------------------- */

/* Expected events (pieces integrated in closed form) equal the reference
 * rate integrated second by second, to rounding (1e-9 relative). */
static void rate_integral_matches_reference(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = mixed();
    const double want = reference_integral(sc, 0, sc->horizon);
    const double got = lagsim_scenario_expected_events(sc);
    if (fabs(got - want) > 1e-9 * want)
        fail_msg("expected events %.6f, reference %.6f", got, want);
    /* And each piece: its rate and slope agree with the reference. */
    unsigned n;
    lsi_rate_piece_t *p = lsi_rate_pieces_create(sc, &n);
    assert_non_null(p);
    assert_true(n >= 9); /* 0, 20m, 25m, 30m, 40m, 50m, 1h, 1h10m, 1h20m, 1h30m, 2h30m */
    for (unsigned i = 0; i < n; i++) {
        assert_true(p[i + 1].start > p[i].start);
        const double at = reference_rate(sc, (double)p[i].start);
        assert_true(fabs(p[i].rate - at) <= 1e-9 * (1 + at));
        const double later = (double)p[i + 1].start - 1;
        const double lin = p[i].rate + p[i].slope * ((later - (double)p[i].start) / S);
        assert_true(fabs(lin - reference_rate(sc, later)) <= 1e-6 * (1 + lin));
    }
    assert_true(p[n].start == sc->horizon && p[n].rate == 0);
    free(p);
    free(sc);
}

/* The number fired is Poisson with the integral as its mean (5 sd), in
 * total and in every 10-minute window; and a run fires exactly the
 * arrivals the generator draws on the same stream. */
static void fired_count_matches_integral(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = mixed();
    uint64_t bins[18];
    const uint64_t n = count_bins(sc, 10 * MIN, bins, 18);
    poisson_near(n, lagsim_scenario_expected_events(sc), "total");
    for (int i = 0; i < 18; i++) {
        char what[32];
        snprintf(what, sizeof what, "window %d", i);
        poisson_near(bins[i], reference_integral(sc, i * 10 * MIN, (i + 1) * 10 * MIN), what);
    }
    lagsim_result_t *r = lagsim_result_create();
    assert_int_equal(lagsim_run(sc, LAGSIM_MODE_CLOUD, 0, r), LAGSIM_OK);
    assert_true(r->fired == n);
    lagsim_result_destroy(r);
    free(sc);
}

/* A ramp from 0 to 2,000/s over 1,000 s: window k of ten holds
 * 10,000 (2k + 1) expected arrivals (the integral of the linear rate),
 * from 10,000 to 190,000; each count within 5 sd. Then the same ramp
 * falling. A constant rate of the same mean (1,000/s, 100,000 per window)
 * fails both by more than 40 sd in the first window. */
static void ramp_follows_linear_rate(void **state)
{
    (void)state;
    for (int falling = 0; falling < 2; falling++) {
        lagsim_scenario_t *sc = new_scenario();
        sc->horizon = 1000 * S;
        sc->base_rate = 0;
        sc->seed = 11 + (uint64_t)falling;
        add_ramp(sc, "r", 0, 1000 * S, falling ? 2000 : 0, -1, falling ? 0 : 2000, -1);
        uint64_t bins[10];
        const uint64_t n = count_bins(sc, 100 * S, bins, 10);
        poisson_near(n, 1e6, "ramp total");
        assert_true(fabs(lagsim_scenario_expected_events(sc) - 1e6) < 1e-6);
        for (int k = 0; k < 10; k++) {
            const int j = falling ? 9 - k : k;
            char what[48];
            snprintf(what, sizeof what, "%s ramp, window %d", falling ? "falling" : "rising", k);
            poisson_near(bins[k], 10000.0 * (2 * j + 1), what);
        }
        free(sc);
    }
}

/* A ramp whose slope is almost zero (1,000/s to 1,000.000000001/s over
 * 100 s) must draw the same arrivals as the constant rate, to the
 * microsecond. The textbook root (-r + sqrt(r^2 + 2kE)) / k returns 0 or
 * garbage there (r^2 swamps 2kE); the form used must not. */
static void flat_ramp_is_stable(void **state)
{
    (void)state;
    lagsim_scenario_t *flat = new_scenario(), *ramp = new_scenario();
    flat->horizon = ramp->horizon = 100 * S;
    flat->base_rate = 1000;
    ramp->base_rate = 0;
    add_ramp(ramp, "r", 0, 100 * S, 1000, -1, 1000.000000001, -1);
    unsigned n;
    lsi_rate_piece_t *p = lsi_rate_pieces_create(ramp, &n);
    assert_true(n == 1 && p[0].slope > 0 && p[0].slope < 1e-10);
    free(p);
    gen_t a, b;
    gen_init(&a, flat);
    gen_init(&b, ramp);
    uint64_t count = 0;
    for (;;) {
        const lagsim_time_t x = lsi_arrivals_next(&a.a), y = lsi_arrivals_next(&b.a);
        if (x >= flat->horizon && y >= ramp->horizon)
            break;
        if (llabs(x - y) > 1)
            fail_msg("arrival %llu: constant %lld us, flat ramp %lld us",
                     (unsigned long long)count, (long long)x, (long long)y);
        count++;
    }
    poisson_near(count, 1e5, "flat ramp");
    gen_free(&a);
    gen_free(&b);
    free(flat);
    free(ramp);
}

/* Two ramps pull the rate down through zero: 100 - 200 u over 100 s
 * (u = t / 100 s) is 0 from 50 s on. The clamp must hold exactly there:
 * the integral is 2,500 (within the microsecond the crossing is rounded
 * to), nothing arrives after 50 s, and the count is within 5 sd. */
static void rate_clamps_at_zero(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = new_scenario();
    sc->horizon = 100 * S;
    sc->base_rate = 100;
    add_ramp(sc, "a", 0, 100 * S, 100, -1, 0, -1);
    add_ramp(sc, "b", 0, 100 * S, -1, 1, -1, 0);
    assert_true(fabs(lagsim_scenario_expected_events(sc) - 2500) < 1e-3);
    uint64_t bins[2];
    const uint64_t n = count_bins(sc, 50 * S + 1, bins, 2);
    assert_true(bins[1] == 0);
    poisson_near(n, 2500, "clamped ramp");
    free(sc);
}

/* ---- Daily profile ---------------------------------------------------------------- */

/* 4 events/s times a profile rising from 0.08 to 1.92 over the day,
 * starting at 05:30, for 48 h: the arrivals in each clock hour match
 * 4 * m[hour] * (seconds of that hour inside the run), 5 sd each. A
 * profile shifted by one hour misses by > 10 sd in every full hour. */
static void daily_profile_proportions(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = new_scenario();
    sc->horizon = 48 * HOUR;
    sc->base_rate = 4;
    sc->day_start = 5 * HOUR + 30 * MIN;
    for (int h = 0; h < 24; h++)
        sc->daily_profile[h] = (h + 1) / 12.5;
    valid(sc);
    enum { NB = 55 };
    uint64_t clock_hour[NB] = {0};
    gen_t g;
    gen_init(&g, sc);
    lagsim_time_t t;
    while ((t = lsi_arrivals_next(&g.a)) < sc->horizon)
        clock_hour[(t + sc->day_start) / HOUR]++;
    gen_free(&g);
    for (int b = 0; b < NB; b++) {
        const lagsim_time_t lo = b * HOUR - sc->day_start, hi = lo + HOUR;
        const lagsim_time_t a = lo > 0 ? lo : 0, z = hi < sc->horizon ? hi : sc->horizon;
        const double mean = z > a ? 4 * sc->daily_profile[b % 24] * (double)(z - a) / S : 0;
        char what[32];
        snprintf(what, sizeof what, "clock hour %d", b);
        poisson_near(clock_hour[b], mean, what);
    }
    free(sc);
}

/* ---- MMPP ---------------------------------------------------------------------------- */

/* Counts in 10-minute windows: their index of dispersion (variance / mean). */
static double dispersion(const uint64_t *w, size_t n, double *mean_out)
{
    double mean = 0, var = 0;
    for (size_t i = 0; i < n; i++)
        mean += (double)w[i];
    mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        var += ((double)w[i] - mean) * ((double)w[i] - mean);
    var /= (double)(n - 1);
    *mean_out = mean;
    return var / mean;
}

/*
 * Base 10/s; high state 5x (mean sojourn 30 s), low 1x (5 min). With
 * pi_high = 30/330, the mean rate is 10 (1 + 4 pi_high) = 13.64/s; the
 * rate's variance is 40^2 pi_high pi_low = 132.2 and its correlation time
 * tau = 1 / (1/30 + 1/300) = 27.3 s. Over T = 10^6 s:
 *
 *  - the count's variance is about T (mean + 2 var tau) = 7.2e9 (the
 *    MMPP's asymptotic count variance), sd 85,000 or 0.62%: the count
 *    must be within 5 sd of 13.64 T;
 *  - the index of dispersion of 10-minute counts is, in theory,
 *    1 + 2 var tau / mean (1 - tau/w (1 - e^(-w/tau))) = 506. With 1,666
 *    nearly independent windows (w >> tau) its estimate has a relative
 *    sd of sqrt((kurtosis - 1) / n), a few % for these skewed counts; we
 *    accept 506 +- 30%, and require > 100;
 *  - a Poisson process at the same mean rate has index 1 with sd
 *    sqrt(2 / (n - 1)) = 0.035: it must lie in 1 +- 0.17 (5 sd).
 */
static void mmpp_mean_and_dispersion(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = new_scenario();
    sc->horizon = 1000000 * S;
    sc->base_rate = 10;
    sc->mmpp_high = 5;
    sc->mmpp_low = 1;
    sc->mmpp_high_mean = 30 * S;
    sc->mmpp_low_mean = 300 * S;
    const double pi_high = 30.0 / 330, mean_rate = 10 * (1 + 4 * pi_high);
    const double var_rate = 1600 * pi_high * (1 - pi_high), tau = 1 / (1 / 30.0 + 1 / 300.0);
    const double T = 1e6, w = 600;
    enum { NW = 1666 };
    uint64_t *win = calloc(NW + 1, sizeof *win);
    assert_non_null(win);

    assert_true(fabs(lagsim_scenario_expected_events(sc) - mean_rate * T) < 1e-6 * mean_rate * T);
    const uint64_t n = count_bins(sc, 600 * S, win, NW + 1);
    const double sd = sqrt(T * (mean_rate + 2 * var_rate * tau));
    if (fabs((double)n - mean_rate * T) > 5 * sd)
        fail_msg("MMPP count %llu, expected %.0f +- %.0f (5 sd)", (unsigned long long)n,
                 mean_rate * T, 5 * sd);
    double m;
    const double idc = dispersion(win, NW, &m);
    const double theory = 1 + 2 * var_rate * tau / mean_rate * (1 - tau / w * (1 - exp(-w / tau)));
    if (!(idc > 100 && fabs(idc / theory - 1) < 0.3))
        fail_msg("MMPP index of dispersion %.1f, theory %.1f", idc, theory);

    /* The same mean rate, unmodulated. */
    sc->mmpp_high_mean = sc->mmpp_low_mean = 0;
    sc->base_rate = mean_rate;
    count_bins(sc, 600 * S, win, NW + 1);
    const double idc_poisson = dispersion(win, NW, &m);
    print_message("MMPP: %llu arrivals (expected %.0f +- %.0f), dispersion %.1f (theory "
                  "%.1f); Poisson dispersion %.3f\n", (unsigned long long)n, mean_rate * T, sd,
                  idc, theory, idc_poisson);
    if (fabs(idc_poisson - 1) > 5 * sqrt(2.0 / (NW - 1)))
        fail_msg("Poisson index of dispersion %.3f, expected 1 +- %.3f", idc_poisson,
                 5 * sqrt(2.0 / (NW - 1)));
    free(win);
    free(sc);
}

/* The chain starts in its stationary distribution: over 4,000
 * replications the high state at time 0 has probability 30/330, so the
 * count is Binomial(4000, 0.0909): mean 364, sd 18.2; 5 sd accepted. A
 * chain that always started low (or high) fails by 20 sd. */
static void mmpp_starts_stationary(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = new_scenario();
    sc->horizon = S;
    sc->mmpp_high = 5;
    sc->mmpp_high_mean = 30 * S;
    sc->mmpp_low_mean = 300 * S;
    valid(sc);
    int high = 0;
    for (uint32_t rep = 0; rep < 4000; rep++) {
        gsl_rng *a = lagsim_rng_create(NULL, 3, rep, LSI_RNG_ARRIVALS);
        gsl_rng *b = lagsim_rng_create(NULL, 3, rep, LSI_RNG_MMPP);
        lsi_arrivals_t arr;
        assert_int_equal(lsi_arrivals_init(&arr, sc, a, b), LAGSIM_OK);
        high += arr.mmpp_state;
        lsi_arrivals_free(&arr);
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    const double mean = 4000 * 30.0 / 330, sd = sqrt(mean * (1 - 30.0 / 330));
    if (fabs(high - mean) > 5 * sd)
        fail_msg("started high %d times of 4000, expected %.0f +- %.0f", high, mean, 5 * sd);
    free(sc);
}

/* ---- Replay ---------------------------------------------------------------------------- */

static char tmpdir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    unlink(path);
}

static int setup_tmp(void **state)
{
    (void)state;
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/lagsim_workload.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir))
        return -1;
    char *real = realpath(tmpdir, NULL); /* messages show the resolved path */
    if (!real)
        return -1;
    snprintf(tmpdir, sizeof tmpdir, "%s", real);
    free(real);
    return 0;
}

static int teardown_tmp(void **state)
{
    (void)state;
    return rmdir(tmpdir);
}

#define REPLAY_INI                                                                           \
    "[scenario]\nhorizon = 1h\n[traffic]\nbase_rate = 0\nusers = 1e9\n"                      \
    "[event.view]\nshare = 0.9\n[event.signup]\nshare = 0.1\n"

/*
 * A file with ISO times (an offset, fractions, quotes, a blank line,
 * CRLF, blanks around fields), origin 08:00Z, time_scale 0.5, shift 10 s,
 * horizon 1 h. Each row fires at (t - 08:00) * 0.5 + 10 s: the first at
 * -20 s (skipped), the last at 3,610 s (past the horizon).
 */
static const char replay_csv[] =
    "time,event,user\n"
    "2024-05-14T07:59:00Z,view,alice\n"
    "2024-05-14T08:00:00Z,view,alice\n"
    "2024-05-14T10:00:00.000002+02:00,signup,\"bob, jr\"\n"
    "\"2024-05-14T08:00:00.5Z\",view,\"alice\"\n"
    "\n"
    " 2024-05-14T08:00:10Z , view , carol\r\n"
    "2024-05-14T09:00:00Z,signup,dave\n"
    "2024-05-14T10:00:00Z,view,erin\n";

static void replay_reproduces_rows(void **state)
{
    (void)state;
    write_file("rows.csv", replay_csv);
    write_file("rows.ini", REPLAY_INI "[replay]\nfile = rows.csv\norigin = 2024-05-14T08:00:00Z\n"
                           "time_scale = 0.5\ntime_shift = 10s\n");
    char ini[512];
    snprintf(ini, sizeof ini, "%s/rows.ini", tmpdir);
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    lagsim_error_t err;
    if (lagsim_config_load(ini, NULL, 0, sc, &err) != LAGSIM_OK)
        fail_msg("%s", err.message);
    char want_path[512];
    snprintf(want_path, sizeof want_path, "%s/rows.csv", tmpdir);
    assert_string_equal(sc->replay.file, want_path); /* absolute */
    assert_true(sc->replay.rows == 7 && sc->replay.fired == 5);
    assert_true(sc->replay.first_at == -20 * S && sc->replay.last_at == 3610 * S);
    assert_true(lagsim_scenario_expected_events(sc) == 5);

    const lagsim_time_t at[5] = {10 * S, 10 * S + 1, 10 * S + 250000, 15 * S, 1810 * S};
    const int type[5] = {0, 1, 0, 0, 1};
    uint64_t user[5];
    int rc;
    const lagsim_replay_source_t *src = sc->replay.source; /* attached by the scan */
    assert_non_null(src);
    void *r = src->open(sc, &rc);
    assert_non_null(r);
    lagsim_replay_row_t row;
    for (int i = 0; i < 5; i++) {
        assert_int_equal(src->next(r, &row), 1);
        if (row.at != at[i] || row.type != type[i] || !row.has_user || row.user >= sc->users)
            fail_msg("row %d: at %lld type %d user %llu", i, (long long)row.at, row.type,
                     (unsigned long long)row.user);
        user[i] = row.user;
    }
    assert_int_equal(src->next(r, &row), 0);
    src->close(r);
    /* Rows 0 and 2 are alice: one user; bob, carol and dave distinct from
     * her and each other (10^9 users: a collision among 4 names has
     * probability 6e-9). */
    assert_true(user[0] == user[2]);
    const int distinct[4] = {0, 1, 3, 4};
    for (int i = 0; i < 4; i++)
        for (int j = i + 1; j < 4; j++)
            assert_true(user[distinct[i]] != user[distinct[j]]);

    /* Without event and user columns, the scan still counts; a run fires
     * exactly the rows inside the horizon, in every mode. */
    write_file("times.csv", "time\n0\n0\n0.5\n3599.999999\n3600\n");
    assert_int_equal(lagsim_config_set(sc, "replay.time_scale=1", &err), LAGSIM_OK);
    snprintf(sc->replay.file, sizeof sc->replay.file, "%s/times.csv", tmpdir);
    sc->replay.origin_kind = LAGSIM_ORIGIN_SECONDS;
    sc->replay.origin = 0;
    sc->replay.time_shift = 0;
    char msg[LAGSIM_ERROR_MAX];
    if (lagsim_replay_scan(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("%s", msg);
    assert_true(sc->replay.rows == 5 && sc->replay.fired == 4);
    for (int mode = 0; mode < LAGSIM_MODE_COUNT; mode++) {
        lagsim_result_t *res = lagsim_result_create();
        assert_int_equal(lagsim_run(sc, (enum lagsim_mode)mode, 0, res), LAGSIM_OK);
        assert_true(res->fired == 4 && res->conserved);
        lagsim_result_destroy(res);
    }
    free(sc);
    remove_file("rows.csv");
    remove_file("rows.ini");
    remove_file("times.csv");
}

/* Loads DIR/bad.ini replaying DIR/bad.csv (with `csv` as its text) and
 * expects the message DIR/want (want starts with the file name). */
static void bad_replay(const char *csv, const char *ini_extra, const char *want)
{
    if (csv)
        write_file("bad.csv", csv);
    char text[512];
    snprintf(text, sizeof text, REPLAY_INI "[replay]\nfile = bad.csv\n%s", ini_extra);
    write_file("bad.ini", text);
    char ini[512], full[LAGSIM_ERROR_MAX];
    snprintf(ini, sizeof ini, "%s/bad.ini", tmpdir);
    snprintf(full, sizeof full, "%s/%s", tmpdir, want);
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    lagsim_error_t err;
    const int rc = lagsim_config_load(ini, NULL, 0, sc, &err);
    free(sc);
    if (rc != LAGSIM_EINVAL || strcmp(err.message, full) != 0)
        fail_msg("rc %d\n  got:  %s\n  want: %s", rc, err.message, full);
    remove_file("bad.csv");
    remove_file("bad.ini");
}

static void replay_bad_inputs(void **state)
{
    (void)state;
    bad_replay("time,evnt\n1,view\n", "",
               "bad.csv:1: unknown column 'evnt' (known: time, event, user)");
    bad_replay("user\nx\n", "",
               "bad.csv:1: no 'time' column in the header (columns: time, event, user)");
    bad_replay("time,time\n1,2\n", "", "bad.csv:1: column 'time' named twice");
    bad_replay("time\n12\nabc\n", "",
               "bad.csv:3: bad time 'abc' (expected seconds such as 12.5, or ISO-8601 such as "
               "2024-05-01T12:00:00Z, at most microseconds)");
    bad_replay("time\n0.0000001\n", "",
               "bad.csv:2: bad time '0.0000001' (expected seconds such as 12.5, or ISO-8601 "
               "such as 2024-05-01T12:00:00Z, at most microseconds)");
    bad_replay("time\n5\n\n4.5\n", "",
               "bad.csv:4: time goes backwards (4.5s after 5s); the rows must be sorted by time");
    bad_replay("time,event\n1,view\n2,purchase\n", "",
               "bad.csv:3: event 'purchase' is not an [event.NAME] of the scenario");
    bad_replay("time,user\n1,a\n2\n", "", "bad.csv:3: 1 field, but the header names 2");
    bad_replay("time,user\n1,\"a\n", "", "bad.csv:2: unterminated quote in field 2");
    bad_replay("time,user\n1,a,b,c\n", "", "bad.csv:2: 4 fields, but the header names 2");
    bad_replay("", "", "bad.csv: no header row (expected column names such as time,event,user)");
    char longline[5000];
    memset(longline, '1', sizeof longline);
    memcpy(longline, "time\n", 5);
    longline[sizeof longline - 1] = '\0';
    bad_replay(longline, "", "bad.csv:2: line too long (at most 4094 characters)");
}

/* The message for a missing file names the path tried; checked apart
 * because it ends with the system's error text. */
static void replay_missing_file(void **state)
{
    (void)state;
    write_file("m.ini", REPLAY_INI "[replay]\nfile = data/none.csv\n");
    char ini[512], want[2048];
    snprintf(ini, sizeof ini, "%s/m.ini", tmpdir);
    snprintf(want, sizeof want,
             "%s:11: key 'file' in [replay]: cannot open '%s/data/none.csv': No such file or "
             "directory", ini, tmpdir);
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    lagsim_error_t err;
    assert_int_equal(lagsim_config_load(ini, NULL, 0, sc, &err), LAGSIM_EINVAL);
    assert_string_equal(err.message, want);
    /* A directory is not a file to replay. */
    write_file("m.ini", REPLAY_INI "[replay]\nfile = .\n");
    snprintf(want, sizeof want, "%s:11: key 'file' in [replay]: %s: not a regular file", ini,
             tmpdir);
    assert_int_equal(lagsim_config_load(ini, NULL, 0, sc, &err), LAGSIM_EINVAL);
    assert_string_equal(err.message, want);
    free(sc);
    remove_file("m.ini");
}

/* ---- Common random numbers ------------------------------------------------------------- */

/* Ramps, a daily profile, an MMPP and a replay together: every mode, and
 * any Mixpanel setting, fires exactly the same number of events, equal to
 * the generator's arrivals on the arrival and MMPP streams plus the
 * replayed rows. (Equal counts of a random process on shared streams:
 * any change of the arrivals between modes would change the count.) */
static void common_random_numbers(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = mixed();
    sc->horizon = 40 * MIN;
    sc->n_bursts = 1;
    sc->n_ramps = 1;
    sc->ramps[0].start = 5 * MIN;
    sc->mmpp_high = 4;
    sc->mmpp_high_mean = 20 * S;
    sc->mmpp_low_mean = 2 * MIN;
    sc->mixpanel.ingest_limit = 150;
    write_file("crn.csv", "time,user\n0,a\n1.5,b\n1.5,a\n600,c\n2399.999999,d\n2400,e\n");
    snprintf(sc->replay.file, sizeof sc->replay.file, "%s/crn.csv", tmpdir);
    char msg[LAGSIM_ERROR_MAX];
    if (lagsim_replay_scan(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("%s", msg);
    assert_true(sc->replay.fired == 5);

    gen_t g;
    gen_init(&g, sc);
    uint64_t poisson = 0;
    while (lsi_arrivals_next(&g.a) < sc->horizon)
        poisson++;
    assert_true(g.a.mmpp_switches > 10);
    gen_free(&g);

    lagsim_result_t *r = lagsim_result_create();
    for (int pass = 0; pass < 2; pass++) {
        for (int mode = 0; mode < LAGSIM_MODE_COUNT; mode++) {
            assert_int_equal(lagsim_run(sc, (enum lagsim_mode)mode, 0, r), LAGSIM_OK);
            if (r->fired != poisson + 5)
                fail_msg("mode %d pass %d: fired %llu, generator %llu + 5", mode, pass,
                         (unsigned long long)r->fired, (unsigned long long)poisson);
            assert_true(r->conserved);
        }
        sc->mixpanel.ingest_limit = 0; /* no limit: a very different pipeline */
        sc->mixpanel.response_time = lagsim_dist_const(2.0);
    }
    /* Another replication draws other arrivals. */
    assert_int_equal(lagsim_run(sc, LAGSIM_MODE_CLOUD, 1, r), LAGSIM_OK);
    assert_true(r->fired != poisson + 5);
    lagsim_result_destroy(r);
    remove_file("crn.csv");
    free(sc);
}

/* ---- Estimates ---------------------------------------------------------------------------- */

/* Rate ramping 0 -> 3,000/s over 100 s against a limit of 1,000/s: the
 * fluid backlog grows from t = 33.3 s (where the rate passes the limit)
 * and peaks at the ramp's end at the integral of (30 t - 1000) from
 * 100/3 to 100 = 66,666.7 events; then it drains. */
static void backlog_estimate_on_ramp(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = new_scenario();
    sc->horizon = 200 * S;
    sc->base_rate = 0;
    sc->mixpanel.ingest_limit = 1000;
    sc->mixpanel.ingest_limit_bytes = 0;
    add_ramp(sc, "r", 0, 100 * S, 0, -1, 3000, -1);
    valid(sc);
    lagsim_time_t at;
    const double peak = lagsim_scenario_backlog_estimate(sc, &at);
    if (fabs(peak - 200000.0 / 3) > 1e-6 * peak)
        fail_msg("backlog peak %.3f, expected 66666.667", peak);
    assert_true(at == 100 * S);
    /* An MMPP counts at its mean rate: x1.5 on average makes the rate
     * 45 t, crossing the limit at x = 22.2 s: the peak is the integral of
     * (45 t - 1000) from x to 100, 22.5 (100^2 - x^2) - 1000 (100 - x) =
     * 136,111. */
    sc->mmpp_high = 2;
    sc->mmpp_low = 1;
    sc->mmpp_high_mean = sc->mmpp_low_mean = 10 * S;
    const double x = 100.0 * 1000 / 4500;
    const double want = (22.5 * 100 * 100 - 1000 * 100) - (22.5 * x * x - 1000 * x);
    const double peak2 = lagsim_scenario_backlog_estimate(sc, &at);
    if (fabs(peak2 - want) > 1e-6 * want)
        fail_msg("MMPP backlog peak %.3f, expected %.3f", peak2, want);
    free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timestamps),
        cmocka_unit_test(rate_integral_matches_reference),
        cmocka_unit_test(fired_count_matches_integral),
        cmocka_unit_test(ramp_follows_linear_rate),
        cmocka_unit_test(flat_ramp_is_stable),
        cmocka_unit_test(rate_clamps_at_zero),
        cmocka_unit_test(daily_profile_proportions),
        cmocka_unit_test(mmpp_mean_and_dispersion),
        cmocka_unit_test(mmpp_starts_stationary),
        cmocka_unit_test(replay_reproduces_rows),
        cmocka_unit_test(replay_bad_inputs),
        cmocka_unit_test(replay_missing_file),
        cmocka_unit_test(common_random_numbers),
        cmocka_unit_test(backlog_estimate_on_ramp),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
