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

/* What lagsim_sweep_find() keeps per line and mode while it bisects. */
typedef struct side {
    int active;  /* the mode still has an interval wider than one step */
    uint32_t lo; /* an index on the first axis where the objective holds */
    uint32_t hi; /* one where it fails */
} side_t;

/* The point at index i of the first axis on line `line`. */
static uint32_t point_at(const lagsim_sweep_t *sw, uint32_t line, uint32_t i)
{
    return sw->n_axes == 2 ? i * lagsim_axis_points(&sw->axis[1]) + line : i;
}

static enum lagsim_verdict verdict_at(const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                                      uint32_t point, enum lagsim_mode mode)
{
    return lagsim_slo_verdict(slo, sw->points[point].reps[mode], NULL, 0);
}

/* Whether the objective holds at a probed point: its verdict, or its mean
 * while the verdict is undecided. */
static int holds_at(const lagsim_sweep_t *sw, const lagsim_slo_t *slo, uint32_t point,
                    enum lagsim_mode mode)
{
    const enum lagsim_verdict v = verdict_at(sw, slo, point, mode);
    if (v == LAGSIM_VERDICT_UNDECIDED)
        return lagsim_slo_holds(slo, sw->points[point].reps[mode], NULL, 0);
    return v == LAGSIM_VERDICT_HOLDS;
}

/*
 * Look-ahead. One process runs one probe per line and mode per round;
 * when more units can run at once than a round has (threads, or
 * limits->executor->width processes), a round's batch also runs,
 * speculatively, the probes of the next rounds whatever this one finds:
 * the middles of the two halves, of their halves, and so on, `depth`
 * rounds deep. The bisection itself is unchanged: each round takes its
 * probes from what already ran (adding replications where the verdict is
 * undecided, as without look-ahead), and the probes that no round took
 * are dropped at the end, so the rounds, the probes, the answer and every
 * report are the ones a single process gives, while the batches (the
 * waits) fall from about log2(points) to log2(points) / depth. A probe's
 * result does not depend on when it runs (every probe uses the same
 * seed), so running it early changes nothing.
 */
#define FIND_MAX_DEPTH 6
#define FIND_TAKEN 1u  /* a round probed (point, mode): keep its results */
#define FIND_QUEUED 2u /* (point, mode) is in the batch being built */

/* The batch being built: (point, mode) pairs, and a mark per pair
 * (mark[point * LAGSIM_MODE_COUNT + mode], FIND_* bits). */
typedef struct probe_set {
    uint32_t *point;
    enum lagsim_mode *mode;
    size_t n, cap;
    unsigned char *mark;
} probe_set_t;

static unsigned char *mark_of(probe_set_t *ps, uint32_t point, enum lagsim_mode mode)
{
    return &ps->mark[(size_t)point * LAGSIM_MODE_COUNT + (size_t)mode];
}

/* Adds (point, mode) unless it already ran or is in the batch. */
static void probe_add(probe_set_t *ps, const lagsim_sweep_t *sw, uint32_t point,
                      enum lagsim_mode mode)
{
    const lagsim_replicated_t *r = sw->points[point].reps[mode];
    unsigned char *mk = mark_of(ps, point, mode);
    if ((r && r->reps > 0) || (*mk & FIND_QUEUED) || ps->n >= ps->cap)
        return;
    *mk |= FIND_QUEUED;
    ps->point[ps->n] = point;
    ps->mode[ps->n++] = mode;
}

/* The middles of indices [a, b] of line `line` and of its halves, `depth`
 * levels deep, breadth first (the nearest rounds first). */
static void probe_plan(probe_set_t *ps, const lagsim_sweep_t *sw, uint32_t line, uint32_t a,
                       uint32_t b, unsigned depth, enum lagsim_mode mode)
{
    uint32_t lo[1u << FIND_MAX_DEPTH], hi[1u << FIND_MAX_DEPTH];
    size_t n = 1;
    lo[0] = a < b ? a : b;
    hi[0] = a < b ? b : a;
    for (unsigned d = 0; d < depth && n > 0; d++) {
        uint32_t nlo[1u << FIND_MAX_DEPTH], nhi[1u << FIND_MAX_DEPTH];
        size_t nn = 0;
        for (size_t i = 0; i < n; i++) {
            if (hi[i] - lo[i] <= 1)
                continue;
            const uint32_t m = lo[i] + (hi[i] - lo[i]) / 2;
            probe_add(ps, sw, point_at(sw, line, m), mode);
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

/* How many rounds a batch covers: enough for every unit that can run at
 * once (executor width times threads) to have work, at most
 * FIND_MAX_DEPTH. `searches` is the lines times the modes, `units` what
 * one probe runs first. */
static unsigned probe_depth(const lagsim_run_limits_t *limits, unsigned threads,
                            uint64_t searches, uint32_t units)
{
    const unsigned procs =
        limits && limits->executor && limits->executor->width ? limits->executor->width : 1;
    const uint64_t width = (uint64_t)procs * (threads ? threads : 1);
    unsigned depth = 1;
    while (depth < FIND_MAX_DEPTH &&
           (((uint64_t)1 << (depth + 1)) - 1) * searches * (units ? units : 1) <= width)
        depth++;
    return depth;
}

/*
 * Runs the round's probes (point[i], mode[i], on line[i]) that have not
 * run yet as one batch, together with the look-ahead of each one's
 * interval of first-axis indices [a[i], b[i]] `depth` rounds deep (none
 * if a is NULL); then doubles the replications of those still undecided
 * (up to sw->max_reps) until none is, and records them. Returns as
 * lagsim_run_batch().
 */
static int probe_round(lagsim_sweep_t *sw, const lagsim_slo_t *slo, uint32_t round,
                       const uint32_t *point, const enum lagsim_mode *mode,
                       const uint32_t *line, size_t n, const uint32_t *a, const uint32_t *b,
                       unsigned depth, probe_set_t *ps, unsigned threads,
                       const lagsim_run_limits_t *limits, lagsim_find_t *out)
{
    ps->n = 0;
    for (size_t i = 0; i < n; i++) {
        *mark_of(ps, point[i], mode[i]) |= FIND_TAKEN;
        probe_add(ps, sw, point[i], mode[i]);
    }
    const size_t own = ps->n;
    if (own > 0 && a) /* something to wait for: look ahead in the same batch */
        for (size_t i = 0; i < n; i++)
            probe_plan(ps, sw, line[i], a[i], b[i], depth, mode[i]);
    const size_t n_jobs = ps->n > n ? ps->n : n;
    lagsim_batch_job_t *jobs = calloc(n_jobs ? n_jobs : 1, sizeof *jobs);
    uint32_t *more_point = calloc(n ? n : 1, sizeof *more_point);
    enum lagsim_mode *more_mode = calloc(n ? n : 1, sizeof *more_mode);
    int rc = jobs && more_point && more_mode ? LAGSIM_OK : LAGSIM_ENOMEM;
    for (size_t i = 0; i < ps->n && rc == LAGSIM_OK; i++)
        rc = job_for(sw, ps->point[i], ps->mode[i], (uint32_t)i, &jobs[i]);
    for (size_t i = 0; i < ps->n; i++)
        *mark_of(ps, ps->point[i], ps->mode[i]) &= (unsigned char)~FIND_QUEUED;
    if (rc == LAGSIM_OK && own > 0) {
        if (sw->on_probes)
            sw->on_probes(sw->on_probes_ctx, sw, round, point, mode, n, 0);
        rc = run_jobs(sw, jobs, ps->n, threads, limits);
    }
    /* The jobs of this round, for adding replications. */
    for (size_t i = 0; i < n && rc == LAGSIM_OK; i++)
        rc = job_for(sw, point[i], mode[i], (uint32_t)i, &jobs[i]);
    /* More replications where the verdict is undecided. */
    while (rc == LAGSIM_OK) {
        size_t k = 0;
        uint32_t add = 0;
        for (size_t i = 0; i < n; i++) {
            const lagsim_replicated_t *r = sw->points[point[i]].reps[mode[i]];
            if (r->reps >= sw->max_reps || r->reps < 1 ||
                verdict_at(sw, slo, point[i], mode[i]) != LAGSIM_VERDICT_UNDECIDED)
                continue;
            const uint32_t more =
                r->reps < sw->max_reps - r->reps ? r->reps : sw->max_reps - r->reps;
            jobs[k] = jobs[i];
            jobs[k].add = more;
            jobs[k].group = (uint32_t)k;
            more_point[k] = point[i];
            more_mode[k++] = mode[i];
            add = more > add ? more : add;
        }
        if (k == 0)
            break;
        if (sw->on_probes)
            sw->on_probes(sw->on_probes_ctx, sw, round, more_point, more_mode, k, add);
        rc = lagsim_run_batch(jobs, k, threads, limits);
        /* Restore the jobs of this round for the next pass. */
        for (size_t i = 0; i < n && rc == LAGSIM_OK; i++)
            rc = job_for(sw, point[i], mode[i], (uint32_t)i, &jobs[i]);
    }
    for (size_t i = 0; rc == LAGSIM_OK && i < n && out->n_probes < LAGSIM_FIND_MAX_PROBES; i++) {
        lagsim_find_probe_t *p = &out->probe[out->n_probes++];
        const lagsim_replicated_t *r = sw->points[point[i]].reps[mode[i]];
        p->point = point[i];
        p->mode = mode[i];
        p->round = round;
        p->line = line[i];
        p->holds = lagsim_slo_holds(slo, r, NULL, 0);
        p->verdict = lagsim_slo_verdict(slo, r, NULL, 0);
        p->reps = r->reps;
    }
    free(jobs);
    free(more_point);
    free(more_mode);
    return rc;
}

/* Drops what ran at (point, mode) pairs that no round took: look-ahead
 * probes the bisection went past. */
static void drop_untaken(lagsim_sweep_t *sw, probe_set_t *ps)
{
    for (uint32_t i = 0; i < sw->n_points; i++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            if (sw->points[i].reps[m] && !(*mark_of(ps, i, (enum lagsim_mode)m) & FIND_TAKEN)) {
                lagsim_replicated_destroy(sw->points[i].reps[m]);
                sw->points[i].reps[m] = NULL;
            }
}

/*
 * The boundary's interval of (line, mode) from the probes: the decided
 * probe nearest the bracket on each side, else the end of that side.
 */
static void sure_interval(const lagsim_sweep_t *sw, const lagsim_find_t *out, uint32_t line,
                          enum lagsim_mode m, const side_t *sd, lagsim_find_line_t *ln)
{
    const uint32_t last = lagsim_axis_points(&sw->axis[0]) - 1;
    const int up = sd->lo < sd->hi; /* holds below, fails above */
    uint32_t sh = up ? 0 : last, sf = up ? last : 0;
    for (uint32_t i = 0; i < out->n_probes; i++) {
        const lagsim_find_probe_t *p = &out->probe[i];
        if (p->line != line || p->mode != m)
            continue;
        const uint32_t x = sw->points[p->point].index[0];
        const int holds_side = up ? x <= sd->lo : x >= sd->lo;
        const int fails_side = up ? x >= sd->hi : x <= sd->hi;
        if (p->verdict == LAGSIM_VERDICT_HOLDS && holds_side && (up ? x > sh : x < sh))
            sh = x;
        if (p->verdict == LAGSIM_VERDICT_FAILS && fails_side && (up ? x < sf : x > sf))
            sf = x;
    }
    ln->sure_holds_at[m] = point_at(sw, line, sh);
    ln->sure_fails_at[m] = point_at(sw, line, sf);
}

int lagsim_sweep_find(lagsim_sweep_t *sw, const lagsim_slo_t *slo, unsigned threads,
                      const lagsim_run_limits_t *limits, lagsim_find_t *out)
{
    memset(out, 0, sizeof *out);
    if (sw->n_axes < 1 || sw->n_axes > 2 || sw->n_points < 1)
        return LAGSIM_EINVAL;
    const uint32_t lines = sw->n_axes == 2 ? lagsim_axis_points(&sw->axis[1]) : 1;
    if (lines < 1 || lines > LAGSIM_FIND_MAX_LINES)
        return LAGSIM_EINVAL;
    out->n_lines = lines;
    const uint32_t last = lagsim_axis_points(&sw->axis[0]) - 1;
    const size_t cap = (size_t)lines * LAGSIM_MODE_COUNT * 2;
    uint32_t *point = calloc(cap, sizeof *point);
    uint32_t *line = calloc(cap, sizeof *line);
    enum lagsim_mode *mode = calloc(cap, sizeof *mode);
    uint32_t *a = calloc(cap, sizeof *a);
    uint32_t *b = calloc(cap, sizeof *b);
    side_t (*side)[LAGSIM_MODE_COUNT] = calloc(lines, sizeof *side);
    probe_set_t ps;
    ps.n = 0;
    ps.cap = (size_t)lines * LAGSIM_MODE_COUNT * (2 + (1u << FIND_MAX_DEPTH));
    ps.point = calloc(ps.cap, sizeof *ps.point);
    ps.mode = calloc(ps.cap, sizeof *ps.mode);
    ps.mark = calloc((size_t)sw->n_points * LAGSIM_MODE_COUNT, 1);
    int rc = point && line && mode && a && b && side && ps.point && ps.mode && ps.mark
                 ? LAGSIM_OK
                 : LAGSIM_ENOMEM;
    uint64_t searches = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        searches += (sw->mode_mask & (1u << m)) != 0;
    searches *= lines;
    const unsigned depth =
        probe_depth(limits, threads, searches, sw->precision ? sw->precision->pilot : sw->reps);

    /* Round 0: both ends, every line and mode (looking ahead into the middle). */
    size_t n = 0;
    for (uint32_t l = 0; l < lines && rc == LAGSIM_OK; l++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!(sw->mode_mask & (1u << m)))
                continue;
            point[n] = point_at(sw, l, 0);
            line[n] = l;
            a[n] = 0;
            b[n] = last;
            mode[n++] = (enum lagsim_mode)m;
            if (last > 0) {
                point[n] = point_at(sw, l, last);
                line[n] = l;
                a[n] = b[n] = 0; /* one plan per line and mode is enough */
                mode[n++] = (enum lagsim_mode)m;
            }
        }
    if (rc == LAGSIM_OK)
        rc = probe_round(sw, slo, 0, point, mode, line, n, a, b, depth - 1, &ps, threads, limits,
                         out);
    for (uint32_t l = 0; l < lines && rc == LAGSIM_OK; l++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!(sw->mode_mask & (1u << m)))
                continue;
            const int first = holds_at(sw, slo, point_at(sw, l, 0), (enum lagsim_mode)m);
            const int end = holds_at(sw, slo, point_at(sw, l, last), (enum lagsim_mode)m);
            lagsim_find_line_t *ln = &out->line[l];
            if (first && end) {
                ln->outcome[m] = LAGSIM_FIND_HOLDS_ALL;
            } else if (!first && !end) {
                ln->outcome[m] = LAGSIM_FIND_FAILS_ALL;
            } else {
                ln->outcome[m] = LAGSIM_FIND_BOUNDARY;
                side[l][m].lo = first ? 0 : last;
                side[l][m].hi = first ? last : 0;
                side[l][m].active = 1;
            }
        }

    /* Then the middle of every open interval, one probe per line and mode per round. */
    for (uint32_t round = 1; rc == LAGSIM_OK; round++) {
        n = 0;
        for (uint32_t l = 0; l < lines; l++)
            for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
                side_t *sd = &side[l][m];
                if (!sd->active)
                    continue;
                const uint32_t lo = sd->lo < sd->hi ? sd->lo : sd->hi;
                const uint32_t hi = sd->lo < sd->hi ? sd->hi : sd->lo;
                if (hi - lo <= 1) {
                    sd->active = 0;
                    continue;
                }
                point[n] = point_at(sw, l, lo + (hi - lo) / 2);
                line[n] = l;
                a[n] = lo;
                b[n] = hi;
                mode[n++] = (enum lagsim_mode)m;
            }
        if (n == 0)
            break;
        rc = probe_round(sw, slo, round, point, mode, line, n, a, b, depth, &ps, threads, limits,
                         out);
        for (size_t i = 0; i < n && rc == LAGSIM_OK; i++) {
            side_t *sd = &side[line[i]][mode[i]];
            const uint32_t x = sw->points[point[i]].index[0];
            if (holds_at(sw, slo, point[i], mode[i]))
                sd->lo = x;
            else
                sd->hi = x;
        }
    }
    for (uint32_t l = 0; l < lines && rc == LAGSIM_OK; l++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            lagsim_find_line_t *ln = &out->line[l];
            ln->holds_at[m] = point_at(sw, l, side[l][m].lo);
            ln->fails_at[m] = point_at(sw, l, side[l][m].hi);
            if (ln->outcome[m] == LAGSIM_FIND_BOUNDARY)
                sure_interval(sw, out, l, (enum lagsim_mode)m, &side[l][m], ln);
        }
    memcpy(out->outcome, out->line[0].outcome, sizeof out->outcome);
    memcpy(out->holds_at, out->line[0].holds_at, sizeof out->holds_at);
    memcpy(out->fails_at, out->line[0].fails_at, sizeof out->fails_at);
    /* Only what a round took stays: a single process's results. After a
     * stop, the probes of the round cut short stay too (what of them ran). */
    if (ps.mark)
        drop_untaken(sw, &ps);
    if (rc != LAGSIM_OK)
        forget_not_run(sw);
    free(point);
    free(line);
    free(mode);
    free(a);
    free(b);
    free(side);
    free(ps.point);
    free(ps.mode);
    free(ps.mark);
    return rc;
}
