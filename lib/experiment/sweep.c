/*
 * sweep.c - sweeps: the grid of values of one or two scenario keys
 * (lagsim_axis_points(), lagsim_axis_value()), a scenario per grid point
 * (lagsim_sweep_prepare()), every point run in every mode
 * (lagsim_sweep_run()), and the bisection for the value at which an
 * objective stops holding (lagsim_sweep_find()).
 *
 * Central idea: a sweep is a list of (scenario, mode) jobs handed to the
 * batch runner in replicate.c, so points and replications share the
 * threads and the answer does not depend on their number. Every point is
 * built, and so validated, before anything runs. Each point keeps the
 * base scenario's seed, so replication r sees the same random streams at
 * every point: differences between points are the key's effect, not
 * noise (common random numbers), which is also what keeps a bisection's
 * probes consistent with one another.
 *
 * Ownership: the sweep owns its points, their scenarios and results;
 * lagsim_sweep_terminate() frees them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/experiment.h"

/* ---- Axes ---------------------------------------------------------------- */

/* Allowed rounding, in steps, when deciding whether `to` is on the grid. */
#define GRID_EPS 1e-6

uint32_t lagsim_axis_points(const lagsim_axis_t *a)
{
    if (!isfinite(a->from) || !isfinite(a->to) || !isfinite(a->step) || !(a->step > 0))
        return 0;
    const double steps = floor(fabs(a->to - a->from) / a->step + GRID_EPS);
    if (!(steps < LAGSIM_AXIS_MAX_POINTS))
        return 0;
    uint32_t n = (uint32_t)steps + 1;
    if (fabs(a->to - a->from) - steps * a->step > GRID_EPS * a->step)
        n++; /* the last step falls short of `to`: add `to` itself */
    return n <= LAGSIM_AXIS_MAX_POINTS ? n : 0;
}

static int unit_is_whole(enum lagsim_unit u)
{
    return u == LAGSIM_UNIT_COUNT || u == LAGSIM_UNIT_DURATION || u == LAGSIM_UNIT_SIZE;
}

double lagsim_axis_value(const lagsim_axis_t *a, uint32_t i)
{
    const uint32_t n = lagsim_axis_points(a);
    double v;
    if (i + 1 >= n)
        v = a->to;
    else
        v = a->from + (a->to >= a->from ? 1.0 : -1.0) * (double)i * a->step;
    return unit_is_whole(a->unit) ? round(v) : v;
}

/* ---- Points --------------------------------------------------------------- */

int lagsim_sweep_prepare(lagsim_sweep_t *sw, char *msg, size_t msg_size)
{
    sw->n_points = 0;
    sw->points = NULL;
    if (sw->n_axes < 1 || sw->n_axes > 2 || !sw->apply || !sw->base ||
        !(sw->mode_mask & LAGSIM_MODE_MASK_ALL) || (!sw->precision && sw->reps < 1)) {
        snprintf(msg, msg_size, "a sweep needs one or two axes, a mode and replications");
        return LAGSIM_EINVAL;
    }
    uint32_t n[2] = {1, 1};
    for (unsigned k = 0; k < sw->n_axes; k++) {
        n[k] = lagsim_axis_points(&sw->axis[k]);
        if (n[k] == 0) {
            snprintf(msg, msg_size, "%s: the range needs a step > 0 and at most %d points",
                     sw->axis[k].key, LAGSIM_AXIS_MAX_POINTS);
            return LAGSIM_EINVAL;
        }
    }
    if ((uint64_t)n[0] * n[1] > LAGSIM_SWEEP_MAX_POINTS) {
        snprintf(msg, msg_size, "the grid has %u x %u = %llu points, more than %d", n[0], n[1],
                 (unsigned long long)n[0] * n[1], LAGSIM_SWEEP_MAX_POINTS);
        return LAGSIM_EINVAL;
    }
    sw->points = calloc((size_t)n[0] * n[1], sizeof *sw->points);
    if (!sw->points)
        return LAGSIM_ENOMEM;
    for (uint32_t i0 = 0; i0 < n[0]; i0++) {
        for (uint32_t i1 = 0; i1 < n[1]; i1++) {
            lagsim_sweep_point_t *p = &sw->points[sw->n_points];
            p->sc = malloc(sizeof *p->sc);
            if (!p->sc)
                return LAGSIM_ENOMEM;
            sw->n_points++; /* counted once owned, so terminate frees it */
            *p->sc = *sw->base;
            p->index[0] = i0;
            p->index[1] = i1;
            for (unsigned k = 0; k < sw->n_axes; k++) {
                p->value[k] = lagsim_axis_value(&sw->axis[k], k == 0 ? i0 : i1);
                const int rc = sw->apply(sw->apply_ctx, p->sc, &sw->axis[k], p->value[k], msg,
                                         msg_size);
                if (rc != LAGSIM_OK)
                    return rc;
            }
        }
    }
    return LAGSIM_OK;
}

void lagsim_sweep_terminate(lagsim_sweep_t *sw)
{
    if (!sw || !sw->points)
        return;
    for (uint32_t i = 0; i < sw->n_points; i++) {
        free(sw->points[i].sc);
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            lagsim_replicated_destroy(sw->points[i].reps[m]);
    }
    free(sw->points);
    sw->points = NULL;
    sw->n_points = 0;
}

/* ---- Running ---------------------------------------------------------------- */

/*
 * Sets up job *job for (point, mode), creating its results if needed.
 * Returns LAGSIM_OK or LAGSIM_ENOMEM.
 */
static int job_for(lagsim_sweep_t *sw, uint32_t point, enum lagsim_mode mode, uint32_t group,
                   lagsim_batch_job_t *job)
{
    lagsim_sweep_point_t *p = &sw->points[point];
    if (!p->reps[mode] && !(p->reps[mode] = lagsim_replicated_create()))
        return LAGSIM_ENOMEM;
    job->sc = p->sc;
    job->mode = mode;
    job->add = sw->reps > p->reps[mode]->reps ? sw->reps - p->reps[mode]->reps : 0;
    job->group = group;
    job->out = p->reps[mode];
    return LAGSIM_OK;
}

/* A (point, mode) that an interrupt kept from starting holds no
 * replication: it is left NULL, which every report shows as not run. */
static void forget_not_run(lagsim_sweep_t *sw)
{
    for (uint32_t i = 0; i < sw->n_points; i++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            if (sw->points[i].reps[m] && sw->points[i].reps[m]->reps == 0) {
                lagsim_replicated_destroy(sw->points[i].reps[m]);
                sw->points[i].reps[m] = NULL;
            }
}

/* Runs jobs[0..n): a fixed number of replications, or to the precision. */
static int run_jobs(const lagsim_sweep_t *sw, lagsim_batch_job_t *jobs, size_t n,
                    unsigned threads, const lagsim_run_limits_t *limits)
{
    if (sw->precision)
        return lagsim_run_to_precision(jobs, n, sw->precision, threads, limits);
    return lagsim_run_batch(jobs, n, threads, limits);
}

int lagsim_sweep_run(lagsim_sweep_t *sw, unsigned threads, const lagsim_run_limits_t *limits)
{
    lagsim_batch_job_t *jobs = calloc((size_t)sw->n_points * LAGSIM_MODE_COUNT, sizeof *jobs);
    if (!jobs)
        return LAGSIM_ENOMEM;
    size_t n = 0;
    int rc = LAGSIM_OK;
    for (uint32_t i = 0; i < sw->n_points && rc == LAGSIM_OK; i++)
        for (int m = 0; m < LAGSIM_MODE_COUNT && rc == LAGSIM_OK; m++)
            if (sw->mode_mask & (1u << m))
                rc = job_for(sw, i, (enum lagsim_mode)m, i, &jobs[n++]);
    if (rc == LAGSIM_OK)
        rc = run_jobs(sw, jobs, n, threads, limits);
    forget_not_run(sw);
    free(jobs);
    return rc;
}

/* ---- Bisection ---------------------------------------------------------------- */

/* What lagsim_sweep_find() keeps per mode while it bisects. */
typedef struct side {
    int active;  /* the mode still has an interval wider than one step */
    uint32_t lo; /* a point where the objective holds */
    uint32_t hi; /* a point where it fails */
} side_t;

/*
 * Look-ahead. One process bisects one probe per mode per round; when more
 * units can run at once than a round has (many ranks, many threads), a
 * round also runs, speculatively, the probes of the next rounds whatever
 * this one finds: the two halves' middles, their halves' middles, and so
 * on, `depth` rounds deep. The bisection itself is unchanged: it takes
 * each round's probe from what already ran, and probes that no round took
 * are dropped at the end, so the rounds, the probes and the answer are
 * the ones a single process finds, byte for byte in every report, while
 * the batches (the waits) fall from about log2(points) to log2(points) /
 * depth. A probe's result does not depend on when it runs (every probe
 * uses the same seed), so running it early changes nothing.
 */
#define FIND_MAX_DEPTH 6
#define FIND_MAX_BATCH (LAGSIM_MODE_COUNT * ((1u << FIND_MAX_DEPTH) + 1))

typedef struct probe_set {
    uint32_t point[FIND_MAX_BATCH];
    enum lagsim_mode mode[FIND_MAX_BATCH];
    size_t n;
} probe_set_t;

/* Adds (point, mode) unless it already ran or is in the set. */
static void probe_add(probe_set_t *ps, const lagsim_sweep_t *sw, uint32_t point,
                      enum lagsim_mode mode)
{
    const lagsim_replicated_t *r = sw->points[point].reps[mode];
    if (r && r->reps > 0)
        return;
    for (size_t i = 0; i < ps->n; i++)
        if (ps->point[i] == point && ps->mode[i] == mode)
            return;
    if (ps->n < FIND_MAX_BATCH) {
        ps->point[ps->n] = point;
        ps->mode[ps->n++] = mode;
    }
}

/* The middles of [a, b] and of its halves, `depth` levels deep, in
 * breadth-first order (the nearest rounds first). */
static void probe_plan(probe_set_t *ps, const lagsim_sweep_t *sw, uint32_t a, uint32_t b,
                       unsigned depth, enum lagsim_mode mode)
{
    uint32_t lo[1u << FIND_MAX_DEPTH], hi[1u << FIND_MAX_DEPTH];
    size_t n = 1;
    lo[0] = a;
    hi[0] = b;
    for (unsigned d = 0; d < depth && n > 0; d++) {
        uint32_t nlo[1u << FIND_MAX_DEPTH], nhi[1u << FIND_MAX_DEPTH];
        size_t nn = 0;
        for (size_t i = 0; i < n; i++) {
            if (hi[i] - lo[i] <= 1)
                continue;
            const uint32_t m = lo[i] + (hi[i] - lo[i]) / 2;
            probe_add(ps, sw, m, mode);
            if (nn + 2 <= (1u << FIND_MAX_DEPTH)) {
                nlo[nn] = lo[i];
                nhi[nn++] = m;
                nlo[nn] = m;
                nhi[nn++] = hi[i];
            }
        }
        memcpy(lo, nlo, nn * sizeof lo[0]);
        memcpy(hi, nhi, nn * sizeof hi[0]);
        n = nn;
    }
}

/* Runs the set's probes as one batch. Returns as lagsim_run_batch(). */
static int probe_run(lagsim_sweep_t *sw, const probe_set_t *ps, unsigned threads,
                     const lagsim_run_limits_t *limits)
{
    if (ps->n == 0)
        return LAGSIM_OK;
    lagsim_batch_job_t jobs[FIND_MAX_BATCH];
    for (size_t i = 0; i < ps->n; i++) {
        const int rc = job_for(sw, ps->point[i], ps->mode[i], (uint32_t)i, &jobs[i]);
        if (rc != LAGSIM_OK)
            return rc;
    }
    return run_jobs(sw, jobs, ps->n, threads, limits);
}

/* How many rounds a batch covers: enough for every unit that can run at
 * once (executor width, else threads) to have work, at most
 * FIND_MAX_DEPTH. `units` is what one probe runs. */
static unsigned probe_depth(const lagsim_run_limits_t *limits, unsigned threads, size_t modes,
                            uint32_t units)
{
    const unsigned procs = limits && limits->executor && limits->executor->width
                               ? limits->executor->width : 1;
    const uint64_t width = (uint64_t)procs * (threads ? threads : 1);
    unsigned depth = 1;
    while (depth < FIND_MAX_DEPTH &&
           (((uint64_t)1 << (depth + 1)) - 1) * modes * (units ? units : 1) <= width)
        depth++;
    return depth;
}

/*
 * Records the round's probes (point[i], mode[i]), running those that
 * have not run yet, together with the look-ahead of each mode's interval
 * (a[i], b[i]) `depth` rounds deep. Returns as lagsim_run_batch().
 */
static int probe_round(lagsim_sweep_t *sw, const lagsim_slo_t *slo, uint32_t round,
                       const uint32_t *point, const enum lagsim_mode *mode, size_t n,
                       const uint32_t *a, const uint32_t *b, unsigned depth, unsigned threads,
                       const lagsim_run_limits_t *limits, lagsim_find_t *out)
{
    probe_set_t ps;
    ps.n = 0;
    for (size_t i = 0; i < n; i++)
        probe_add(&ps, sw, point[i], mode[i]);
    if (ps.n > 0) /* something to wait for: look ahead in the same batch */
        for (size_t i = 0; i < n && a; i++)
            probe_plan(&ps, sw, a[i], b[i], depth, mode[i]);
    const int rc = probe_run(sw, &ps, threads, limits);
    if (rc != LAGSIM_OK)
        return rc;
    for (size_t i = 0; i < n && out->n_probes < LAGSIM_FIND_MAX_PROBES; i++) {
        lagsim_find_probe_t *p = &out->probe[out->n_probes++];
        p->point = point[i];
        p->mode = mode[i];
        p->round = round;
        p->holds = lagsim_slo_holds(slo, sw->points[point[i]].reps[mode[i]], NULL, 0);
    }
    return LAGSIM_OK;
}

/* Drops what ran at (point, mode) pairs that no round probed and that are
 * not in `keep` (the probes of a round cut short, which one process
 * shows too). */
static void drop_unprobed(lagsim_sweep_t *sw, const lagsim_find_t *out, const uint32_t *keep,
                          const enum lagsim_mode *keep_mode, size_t n_keep)
{
    for (uint32_t i = 0; i < sw->n_points; i++) {
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!sw->points[i].reps[m])
                continue;
            int probed = 0;
            for (uint32_t k = 0; k < out->n_probes && !probed; k++)
                probed = out->probe[k].point == i && out->probe[k].mode == (enum lagsim_mode)m;
            for (size_t k = 0; k < n_keep && !probed; k++)
                probed = keep[k] == i && keep_mode[k] == (enum lagsim_mode)m;
            if (!probed) {
                lagsim_replicated_destroy(sw->points[i].reps[m]);
                sw->points[i].reps[m] = NULL;
            }
        }
    }
}

static int holds_at(const lagsim_sweep_t *sw, const lagsim_slo_t *slo, uint32_t point,
                    enum lagsim_mode mode)
{
    return lagsim_slo_holds(slo, sw->points[point].reps[mode], NULL, 0);
}

int lagsim_sweep_find(lagsim_sweep_t *sw, const lagsim_slo_t *slo, unsigned threads,
                      const lagsim_run_limits_t *limits, lagsim_find_t *out)
{
    memset(out, 0, sizeof *out);
    if (sw->n_axes != 1 || sw->n_points < 1)
        return LAGSIM_EINVAL;
    const uint32_t last = sw->n_points - 1;
    uint32_t point[LAGSIM_MODE_COUNT * 2], a[LAGSIM_MODE_COUNT * 2], b[LAGSIM_MODE_COUNT * 2];
    enum lagsim_mode mode[LAGSIM_MODE_COUNT * 2];
    side_t side[LAGSIM_MODE_COUNT];
    memset(side, 0, sizeof side);
    size_t modes = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        modes += (sw->mode_mask & (1u << m)) != 0;
    const unsigned depth = probe_depth(limits, threads, modes,
                                       sw->precision ? sw->precision->pilot : sw->reps);

    /* Round 0: both ends, every mode (looking ahead into the middle). */
    size_t n = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        point[n] = 0;
        a[n] = 0;
        b[n] = last;
        mode[n++] = (enum lagsim_mode)m;
        if (last > 0) {
            point[n] = last;
            a[n] = 0;
            b[n] = 0; /* one plan per mode is enough */
            mode[n++] = (enum lagsim_mode)m;
        }
    }
    int rc = probe_round(sw, slo, 0, point, mode, n, a, b, depth - 1, threads, limits, out);
    if (rc != LAGSIM_OK)
        goto done;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        const int first = holds_at(sw, slo, 0, (enum lagsim_mode)m);
        const int end = holds_at(sw, slo, last, (enum lagsim_mode)m);
        if (first && end) {
            out->outcome[m] = LAGSIM_FIND_HOLDS_ALL;
        } else if (!first && !end) {
            out->outcome[m] = LAGSIM_FIND_FAILS_ALL;
        } else {
            out->outcome[m] = LAGSIM_FIND_BOUNDARY;
            side[m].lo = first ? 0 : last;
            side[m].hi = first ? last : 0;
            side[m].active = 1;
        }
    }

    /* Then the middle of every open interval, one probe per mode per round. */
    for (uint32_t round = 1;; round++) {
        n = 0;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!side[m].active)
                continue;
            const uint32_t lo = side[m].lo < side[m].hi ? side[m].lo : side[m].hi;
            const uint32_t hi = side[m].lo < side[m].hi ? side[m].hi : side[m].lo;
            if (hi - lo <= 1) {
                side[m].active = 0;
                continue;
            }
            point[n] = lo + (hi - lo) / 2;
            a[n] = lo;
            b[n] = hi;
            mode[n++] = (enum lagsim_mode)m;
        }
        if (n == 0)
            break;
        rc = probe_round(sw, slo, round, point, mode, n, a, b, depth, threads, limits, out);
        if (rc != LAGSIM_OK)
            goto done;
        for (size_t i = 0; i < n; i++) {
            side_t *s = &side[mode[i]];
            if (holds_at(sw, slo, point[i], mode[i]))
                s->lo = point[i];
            else
                s->hi = point[i];
        }
        n = 0;
    }
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        out->holds_at[m] = side[m].lo;
        out->fails_at[m] = side[m].hi;
    }
done:
    drop_unprobed(sw, out, point, mode, rc == LAGSIM_OK ? 0 : n);
    if (rc != LAGSIM_OK)
        forget_not_run(sw);
    return rc;
}

