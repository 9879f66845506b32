/*
 * warmup.c - the warm-up cut of steady-state scenarios: whether a
 * scenario is steady-state at all, the MSER statistic, and the pilot run
 * that records latency by firing time so that MSER-5 can choose the cut.
 *
 * A run starts with an empty pipeline, so its first events see no
 * backlog, no rate limiting and idle flush timers: their latencies are
 * not those of the steady state that a long, constant-rate scenario asks
 * about. MSER (White 1997; Franklin and White 2008) cuts the prefix d of
 * a series of batch means that minimises the squared standard error of
 * the mean of what remains, looking at d in the first half only: near the
 * end the statistic means nothing (two equal last batches make it about
 * 0), and a minimum at half-way says the series was still changing. The series here is by firing time: the mean
 * latency to visible of the events fired in each of up to
 * LAGSIM_WARMUP_WINDOWS equal windows, merged until a batch holds five
 * visible events on average (MSER-5 batches five observations). Memory is
 * two arrays of windows, not the event count.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/experiment_internal.h"

const char *lagsim_warmup_method_name(enum lagsim_warmup_method m)
{
    switch (m) {
    case LAGSIM_WARMUP_NONE: return "none";
    case LAGSIM_WARMUP_FIXED: return "fixed";
    case LAGSIM_WARMUP_TERMINATING: return "terminating";
    case LAGSIM_WARMUP_MSER: return "mser5";
    case LAGSIM_WARMUP_UNSETTLED: return "unsettled";
    }
    return "?";
}

const char *lagsim_scenario_terminating(const lagsim_scenario_t *sc)
{
    for (unsigned i = 0; i < sc->n_bursts; i++)
        if (sc->bursts[i].duration > 0) /* a burst of no length fires nothing */
            return "bursts";
    if (sc->n_ramps)
        return "ramps";
    if (sc->mixpanel.n_outages)
        return "Mixpanel outages";
    if (sc->replay.file[0])
        return "a replayed file";
    /* An MMPP is stationary, but its episodes last minutes: over a horizon
     * of a few cycles MSER would cut whole episodes, not a warm-up. */
    if (sc->mmpp_high_mean > 0 || sc->mmpp_low_mean > 0)
        return "an MMPP's bursts";
    for (int h = 0; h < 24; h++)
        if (sc->daily_profile[h] != sc->daily_profile[0])
            return "a daily profile";
    return NULL;
}

uint32_t lagsim_mser(const double *y, uint32_t n)
{
    if (n < 2)
        return n;
    /* Suffix sums from the end: one pass, each d in O(1). A shift by the
     * last value keeps the sums of squares well conditioned. */
    const double shift = y[n - 1];
    const uint32_t last = n / 2; /* the largest d looked at */
    double sum = 0, sq = 0, best = INFINITY;
    uint32_t best_d = 0;
    for (uint32_t i = n; i-- > 0;) {
        const double v = y[i] - shift;
        sum += v;
        sq += v * v;
        if (i > last)
            continue;
        const double k = (double)(n - i);
        const double ss = sq - sum * sum / k; /* sum of squared deviations */
        const double stat = (ss > 0 ? ss : 0) / (k * k);
        if (stat <= best) { /* going down in d: ties go to the smaller d */
            best = stat;
            best_d = i;
        }
    }
    return best_d;
}

/*
 * Merges the probe's windows into batches of about five visible events
 * (at least one window each) and leaves their means in y[], their first
 * window in first[]. Empty batches are skipped. Returns the batch count
 * and the windows per batch in *k.
 */
static uint32_t batch_means(const lsi_probe_t *p, double *y, uint32_t *first, uint32_t *k)
{
    uint64_t total = 0;
    for (uint32_t w = 0; w < p->n; w++)
        total += p->count[w];
    uint32_t per = 1;
    if (total > 0 && total < 5ull * p->n)
        per = (uint32_t)((5ull * p->n + total - 1) / total);
    *k = per;
    uint32_t nb = 0;
    for (uint32_t w0 = 0; w0 < p->n; w0 += per) {
        double s = 0;
        uint64_t c = 0;
        for (uint32_t w = w0; w < w0 + per && w < p->n; w++) {
            s += p->sum[w];
            c += p->count[w];
        }
        if (c == 0)
            continue;
        y[nb] = s / (double)c;
        first[nb++] = w0;
    }
    return nb;
}

/* Batches a pilot needs before its MSER cut is believed. */
#define MIN_BATCHES 10

int lagsim_warmup_find(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                       const lagsim_run_limits_t *limits, lagsim_warmup_t *out)
{
    lagsim_result_t *r = lagsim_result_create();
    const int rc = r ? lsi_warmup_pilot(sc, mode, limits, out, r) : LAGSIM_ENOMEM;
    lagsim_result_destroy(r);
    return rc;
}

int lsi_warmup_pilot(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                     const lagsim_run_limits_t *limits, lagsim_warmup_t *out,
                     lagsim_result_t *r)
{
    memset(out, 0, sizeof *out);
    if (sc->warmup != LAGSIM_WARMUP_AUTO) {
        out->method = sc->warmup > 0 ? LAGSIM_WARMUP_FIXED : LAGSIM_WARMUP_NONE;
        out->cut = sc->warmup > 0 ? sc->warmup : 0;
        return LAGSIM_OK;
    }
    if ((out->why = lagsim_scenario_terminating(sc)) != NULL) {
        out->method = LAGSIM_WARMUP_TERMINATING;
        return LAGSIM_OK;
    }
    lsi_probe_t probe;
    probe.width = sc->horizon / LAGSIM_WARMUP_WINDOWS;
    if (probe.width < LAGSIM_SEC)
        probe.width = LAGSIM_SEC;
    probe.n = (uint32_t)((sc->horizon + probe.width - 1) / probe.width);
    probe.sum = calloc(probe.n, sizeof *probe.sum);
    probe.count = calloc(probe.n, sizeof *probe.count);
    double *y = malloc(probe.n * sizeof *y);
    uint32_t *first = malloc(probe.n * sizeof *first);
    int rc = LAGSIM_ENOMEM;
    if (!probe.sum || !probe.count || !y || !first)
        goto done;
    rc = lsi_run(sc, mode, 0, limits, NULL, 0, &probe, r);
    if (rc != LAGSIM_OK && rc != LAGSIM_ECONSERVE)
        goto done;
    rc = LAGSIM_OK;
    if (r->partial != LAGSIM_STOP_NONE) {
        out->method = LAGSIM_WARMUP_UNSETTLED; /* stopped early: too little to judge */
        goto done;
    }
    uint32_t per;
    const uint32_t nb = batch_means(&probe, y, first, &per);
    out->batches = nb;
    out->batch_width = probe.width * per;
    const uint32_t d = nb >= MIN_BATCHES ? lagsim_mser(y, nb) : nb;
    if ((uint64_t)d * 5 >= (uint64_t)nb * 2) {
        /* A cut of 40% or more: with noise, MSER on a series that is still
         * drifting lands a little short of half-way (see test_warmup.c). */
        out->method = LAGSIM_WARMUP_UNSETTLED;
        goto done;
    }
    out->method = LAGSIM_WARMUP_MSER;
    out->cut_batches = d;
    out->cut = d ? (lagsim_time_t)first[d] * probe.width : 0;
done:
    free(probe.sum);
    free(probe.count);
    free(y);
    free(first);
    return rc;
}
