/*
 * traffic.c - the Poisson arrival rate as a function of time, in pieces
 * on which it is linear: the base rate shaped by the daily profile, plus
 * the extra rates of the bursts and ramps covering each instant, times
 * traffic.scale. The workload inverts it to draw arrivals; the estimates
 * integrate it. The MMPP's multiplier is not in it (it is random: the
 * workload applies it, the estimates use its stationary mean).
 *
 * How the parts combine (docs/model.md says the same):
 *
 *   base(t)  = base_rate * daily_profile[hour of day at t]
 *   burst    extra = rate - base(t), or base(t) * (multiplier - 1)
 *   ramp     extra = F + (T - F) * (t - start) / duration - base(t), with
 *            F = from or base(t) * from_multiplier, T likewise
 *   rate(t)  = max(0, base(t) + the extras covering t) * scale
 *
 * So a burst's `rate` or a ramp's `from`/`to` is the total rate while it
 * alone is active, and overlapping windows add their extras, as before.
 *
 * Cuts: time 0, every burst's and ramp's start and end, and (when the
 * profile is not flat) every hour boundary before the horizon. Between
 * two cuts every term is constant or linear, so the sum is linear; where
 * it crosses zero the piece is split so that the clamp at 0 stays exact
 * (to within the microsecond the crossing is rounded to, rounded towards
 * the zero side).
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/model_internal.h"

static int profile_is_flat(const lagsim_scenario_t *sc)
{
    for (int h = 0; h < 24; h++)
        if (sc->daily_profile[h] != 1.0)
            return 0;
    return 1;
}

double lsi_profile_at(const lagsim_scenario_t *sc, lagsim_time_t t)
{
    const int64_t hour = ((sc->day_start + t) / LAGSIM_HOUR) % 24;
    return sc->daily_profile[hour];
}

static int cmp_time(const void *a, const void *b)
{
    const lagsim_time_t x = *(const lagsim_time_t *)a, y = *(const lagsim_time_t *)b;
    return (x > y) - (x < y);
}

static int covers(lagsim_time_t start, lagsim_time_t duration, lagsim_time_t t)
{
    return t >= start && t - start < duration;
}

/* Rate (events/s) at t = c, the start of a piece, and its slope (events/s
 * per second) up to the next cut, before clamping and scale. */
static void linear_at(const lagsim_scenario_t *sc, lagsim_time_t c, double *rate, double *slope)
{
    const double base = sc->base_rate * lsi_profile_at(sc, c);
    double r = base, k = 0;
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        const lagsim_burst_t *b = &sc->bursts[i];
        if (covers(b->start, b->duration, c))
            r += b->rate >= 0 ? b->rate - base : base * (b->multiplier - 1.0);
    }
    for (unsigned i = 0; i < sc->n_ramps; i++) {
        const lagsim_ramp_t *p = &sc->ramps[i];
        if (!covers(p->start, p->duration, c))
            continue;
        const double from = p->from >= 0 ? p->from : base * p->from_multiplier;
        const double to = p->to >= 0 ? p->to : base * p->to_multiplier;
        const double u = (double)(c - p->start) / (double)p->duration;
        r += from + (to - from) * u - base;
        k += (to - from) / ((double)p->duration / LAGSIM_SEC);
    }
    *rate = r;
    *slope = k;
}

static unsigned put(lsi_rate_piece_t *pieces, unsigned n, lagsim_time_t start, double rate,
                    double slope)
{
    pieces[n].start = start;
    pieces[n].rate = rate > 0 ? rate : 0;
    pieces[n].slope = slope;
    return n + 1;
}

lsi_rate_piece_t *lsi_rate_pieces_create(const lagsim_scenario_t *sc, unsigned *n_out)
{
    size_t max_cuts = 1 + 2 * (size_t)sc->n_bursts + 2 * (size_t)sc->n_ramps;
    const int flat = profile_is_flat(sc);
    if (!flat)
        max_cuts += (size_t)(sc->horizon / LAGSIM_HOUR) + 1;
    /* Each cut starts at most two pieces (a zero crossing splits one);
     * one more for the sentinel. */
    lsi_rate_piece_t *pieces = malloc((2 * max_cuts + 1) * sizeof *pieces);
    lagsim_time_t *cuts = malloc(max_cuts * sizeof *cuts);
    if (!pieces || !cuts) {
        free(pieces);
        free(cuts);
        return NULL;
    }
    size_t n = 0;
    cuts[n++] = 0;
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        cuts[n++] = sc->bursts[i].start;
        const lagsim_time_t end = sc->bursts[i].start + sc->bursts[i].duration;
        cuts[n++] = end < sc->horizon ? end : sc->horizon;
    }
    for (unsigned i = 0; i < sc->n_ramps; i++) {
        cuts[n++] = sc->ramps[i].start;
        const lagsim_time_t end = sc->ramps[i].start + sc->ramps[i].duration;
        cuts[n++] = end < sc->horizon ? end : sc->horizon;
    }
    if (!flat)
        for (lagsim_time_t h = LAGSIM_HOUR - sc->day_start % LAGSIM_HOUR; h < sc->horizon;
             h += LAGSIM_HOUR)
            cuts[n++] = h;
    assert(n <= max_cuts);
    qsort(cuts, n, sizeof cuts[0], cmp_time);

    unsigned out = 0;
    for (size_t i = 0; i < n; i++) {
        const lagsim_time_t c = cuts[i];
        if (c >= sc->horizon || (i > 0 && c == cuts[i - 1]))
            continue;
        lagsim_time_t d = sc->horizon;
        for (size_t j = i + 1; j < n; j++)
            if (cuts[j] > c) {
                d = cuts[j] < sc->horizon ? cuts[j] : sc->horizon;
                break;
            }
        double r, k;
        linear_at(sc, c, &r, &k);
        r *= sc->scale;
        k *= sc->scale;
        const double r_end = r + k * (double)(d - c) / LAGSIM_SEC;
        if (k == 0 || (r >= 0 && r_end >= 0) || (r <= 0 && r_end <= 0)) {
            if (r <= 0 && r_end <= 0)
                k = 0;
            out = put(pieces, out, c, r, k);
            continue;
        }
        /* It crosses zero inside (c, d): split where it does. */
        const double z = (double)c + -r / k * (double)LAGSIM_SEC;
        if (r > 0) { /* falling: keep [c, floor(z)) positive */
            lagsim_time_t zc = (lagsim_time_t)floor(z);
            if (zc <= c)
                zc = c + 1;
            out = put(pieces, out, c, r, k);
            if (zc < d)
                out = put(pieces, out, zc, 0, 0);
        } else { /* rising: zero until ceil(z) > c */
            const lagsim_time_t zc = (lagsim_time_t)ceil(z);
            out = put(pieces, out, c, 0, 0);
            if (zc < d)
                out = put(pieces, out, zc, r + k * (double)(zc - c) / LAGSIM_SEC, k);
        }
    }
    pieces[out].start = sc->horizon; /* sentinel: no arrivals from here */
    pieces[out].rate = 0;
    pieces[out].slope = 0;
    free(cuts);
    *n_out = out;
    return pieces;
}

double lsi_mmpp_mean_factor(const lagsim_scenario_t *sc)
{
    if (sc->mmpp_high_mean <= 0 || sc->mmpp_low_mean <= 0)
        return 1.0;
    const double h = (double)sc->mmpp_high_mean, l = (double)sc->mmpp_low_mean;
    return (sc->mmpp_high * h + sc->mmpp_low * l) / (h + l);
}

/* 1 if x is a rate lagsim simulates: finite, not negative, at most the maximum. */
static int rate_ok(double x)
{
    return x >= 0 && x <= LAGSIM_RATE_MAX; /* false for NaN and infinities */
}

int lsi_rate_validate(const lagsim_scenario_t *sc, char *msg, size_t msg_size)
{
#define FAIL(...) do { snprintf(msg, msg_size, __VA_ARGS__); return LAGSIM_EINVAL; } while (0)
    double profile_max = 0;
    for (int h = 0; h < 24; h++)
        if (sc->daily_profile[h] > profile_max)
            profile_max = sc->daily_profile[h];
    const double base = sc->base_rate * profile_max;
    if (!rate_ok(base))
        FAIL("[traffic] base_rate %.6g/s times the daily_profile's largest multiplier %.6g "
             "is %.6g events/s, above the %.0e/s lagsim simulates",
             sc->base_rate, profile_max, base, LAGSIM_RATE_MAX);
    /* Each window's own total rate first: its product with the base rate
     * must stay finite before windows are added up. */
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        const lagsim_burst_t *b = &sc->bursts[i];
        const double r = b->rate >= 0 ? b->rate : base * b->multiplier;
        if (!rate_ok(r))
            FAIL("[burst.%s] its rate (base rate at the busiest hour %.6g/s times multiplier "
                 "%.6g) is %.6g events/s, above the %.0e/s lagsim simulates",
                 b->name, base, b->multiplier, r, LAGSIM_RATE_MAX);
    }
    for (unsigned i = 0; i < sc->n_ramps; i++) {
        const lagsim_ramp_t *p = &sc->ramps[i];
        const double from = p->from >= 0 ? p->from : base * p->from_multiplier;
        const double to = p->to >= 0 ? p->to : base * p->to_multiplier;
        if (!rate_ok(from) || !rate_ok(to))
            FAIL("[ramp.%s] goes from %.6g to %.6g events/s (rates, or the base rate at the "
                 "busiest hour %.6g/s times from_multiplier/to_multiplier), above the %.0e/s "
                 "lagsim simulates",
                 p->name, from, to, base, LAGSIM_RATE_MAX);
    }
    /* Then the total: overlapping windows add up, times scale, times the
     * MMPP's busier state. */
    unsigned n;
    lsi_rate_piece_t *pieces = lsi_rate_pieces_create(sc, &n);
    if (!pieces) {
        snprintf(msg, msg_size, "out of memory");
        return LAGSIM_ENOMEM;
    }
    double mmpp = 1;
    if (sc->mmpp_high_mean > 0 && sc->mmpp_low_mean > 0)
        mmpp = sc->mmpp_high > sc->mmpp_low ? sc->mmpp_high : sc->mmpp_low;
    double peak = 0;
    lagsim_time_t peak_at = 0;
    for (unsigned i = 0; i < n; i++) {
        const double span = (double)(pieces[i + 1].start - pieces[i].start) / LAGSIM_SEC;
        const double end = pieces[i].rate + pieces[i].slope * span;
        const double r = (end > pieces[i].rate ? end : pieces[i].rate) * mmpp;
        if (!(r <= peak)) { /* NaN included: reported */
            peak = r;
            peak_at = pieces[i].start;
        }
    }
    free(pieces);
    if (!rate_ok(peak))
        FAIL("[traffic] the arrival rate reaches %.9g events/s at %.6g s (base_rate x "
             "daily_profile, plus the bursts and ramps active then, x scale %.6g x the "
             "MMPP's larger multiplier %.6g), above the %.0e/s lagsim simulates",
             peak, (double)peak_at / LAGSIM_SEC, sc->scale, mmpp, LAGSIM_RATE_MAX);
    return LAGSIM_OK;
#undef FAIL
}
