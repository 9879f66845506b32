/*
 * lagsim/experiment.h - experiments built from many runs: batches of
 * replications spread over threads, replication counts chosen to reach a
 * stated precision, sweeps of one or two scenario keys over a grid, and a
 * bisection for the value at which a service-level objective stops
 * holding.
 *
 * Part of the model layer: it runs scenarios but knows nothing of scenario
 * files. A sweep changes its scenario through a callback
 * (lagsim_apply_fn); the config layer supplies one that applies a value as
 * a --set would (lagsim_config_axis_apply() in config.h), so every point
 * goes through the same validation as the scenario file.
 *
 * Everything here gives the same answer for any thread count: a
 * replication is identified by its number (its random streams are seeded
 * from (seed, replication, stream)), what is pooled adds exactly, figures
 * are summarised in replication order, and every decision (how many
 * replications to add, which value to probe next) depends only on results,
 * never on timing.
 */
#ifndef LAGSIM_EXPERIMENT_H
#define LAGSIM_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>

#include "lagsim/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Batches of replications --------------------------------------------- */

/* One scenario and mode whose replications a batch extends. */
typedef struct lagsim_batch_job {
    const lagsim_scenario_t *sc; /* a validated scenario (read only, shared freely) */
    enum lagsim_mode mode;
    uint32_t add;                /* replications to add in this call (0: none) */
    uint32_t group;              /* lagsim_run_to_precision(): adjacent jobs with
                                    the same group keep the same replications */
    lagsim_replicated_t *out;    /* holds replications 0 .. out->reps-1 so far */
} lagsim_batch_job_t;

/* Empties a lagsim_replicated_t (as just created). */
void lagsim_replicated_reset(lagsim_replicated_t *r);

/*
 * Runs, for every job, replications out->reps .. out->reps + add - 1 and
 * adds them to out (pooled counters and histograms, per-replication
 * figures, summaries recomputed over all of them in replication order),
 * spreading every (job, replication) over up to `threads` threads. Adding
 * replications never changes the earlier ones, and the result does not
 * depend on `threads`. limits->progress (if set) is called with the
 * batch's share done, from any of its threads but never two at once.
 *
 * Returns LAGSIM_OK, LAGSIM_ENOMEM, LAGSIM_EINTR if *limits->interrupt
 * was set before some replications started (those are not added), or the
 * first failing run's status in (job, replication) order (LAGSIM_ECONSERVE
 * still fills out).
 */
int lagsim_run_batch(lagsim_batch_job_t *jobs, size_t n, unsigned threads,
                     const lagsim_run_limits_t *limits);

/* ---- Replications until a precision is reached ---------------------------- */

#define LAGSIM_PRECISION_PILOT 5      /* default replications to start with */
#define LAGSIM_PRECISION_MAX_REPS 200 /* default cap */

typedef struct lagsim_precision {
    double relative;   /* target: 95% half-width <= relative * |mean| (e.g. 0.05) */
    uint32_t pilot;    /* replications to start with (at least 2) */
    uint32_t max_reps; /* never more than this (at least pilot) */
} lagsim_precision_t;

/*
 * How far a set of replications is from a precision target: the largest
 * relative 95% half-width, half_width / |mean|, over the headline figures
 * (enum lagsim_figure). A figure counts only when it is defined in at
 * least two replications and its mean is not 0: an undefined figure (no
 * event visible, a run that did not drain) has no interval, and a figure
 * that is 0 in every replication (no drops, no 429s) is exact. Returns 0
 * when no figure counts; writes the figure that gave the maximum to
 * *worst (if not NULL; LAGSIM_FIG_COUNT when none counts).
 */
double lagsim_replicated_precision(const lagsim_replicated_t *r, enum lagsim_figure *worst);

/*
 * Adds replications to every job until, in each group (adjacent jobs with
 * the same `group`, e.g. the modes of one scenario, which must stay
 * paired), every
 * job meets p->relative by lagsim_replicated_precision(), or the group has
 * p->max_reps. Starts each group at p->pilot (or at what its jobs already
 * hold, if more). After each round a group that falls short gets
 * n * (worst / target)^2 replications in all, at least one more and at
 * most twice as many as it has (so a noisy pilot cannot overshoot by
 * much), capped at max_reps. Groups advance in rounds, all of a round's
 * replications in one lagsim_run_batch(). The `add` fields are used as
 * scratch. Returns as lagsim_run_batch() does, or LAGSIM_EINVAL for bad
 * parameters or jobs of one group holding different numbers of
 * replications.
 */
int lagsim_run_to_precision(lagsim_batch_job_t *jobs, size_t n, const lagsim_precision_t *p,
                            unsigned threads, const lagsim_run_limits_t *limits);

/* ---- Sweep axes -------------------------------------------------------- */

/* The unit of a varied key's values, as stored in lagsim_scenario_t. */
enum lagsim_unit {
    LAGSIM_UNIT_NUMBER,    /* a plain number */
    LAGSIM_UNIT_COUNT,     /* a whole number */
    LAGSIM_UNIT_FRACTION,  /* a share in [0, 1] */
    LAGSIM_UNIT_DURATION,  /* microseconds (whole) */
    LAGSIM_UNIT_RATE,      /* events per second */
    LAGSIM_UNIT_BYTE_RATE, /* bytes per second */
    LAGSIM_UNIT_SIZE       /* bytes (whole) */
};

#define LAGSIM_AXIS_KEY_MAX 160   /* "section.key", NUL included */
#define LAGSIM_AXIS_MAX_POINTS 1000 /* most points on one axis */
#define LAGSIM_SWEEP_MAX_POINTS 10000 /* most points in a grid */

/*
 * One varied key: from `from` to `to` in steps of `step` (> 0; the values
 * go down when from > to), in the key's stored unit.
 */
typedef struct lagsim_axis {
    char key[LAGSIM_AXIS_KEY_MAX]; /* "burst.launch.rate", as given to --set */
    enum lagsim_unit unit;
    double from;
    double to;
    double step;
} lagsim_axis_t;

/*
 * Number of points: from, from +- step, ... while within [from, to] (a
 * millionth of a step of rounding allowed), plus `to` itself when the last
 * step falls short of it, so the grid always covers the whole range.
 * 1 when from == to. 0 when the axis is invalid (step <= 0 or not finite,
 * or more than LAGSIM_AXIS_MAX_POINTS points).
 */
uint32_t lagsim_axis_points(const lagsim_axis_t *a);

/*
 * The value of point i (i < lagsim_axis_points(a)): from +- i * step, or
 * `to` for the last point; rounded to a whole number for whole units
 * (COUNT, DURATION, SIZE). Computed from i, never accumulated.
 */
double lagsim_axis_value(const lagsim_axis_t *a, uint32_t i);

/*
 * Sets the key of `axis` to `value` in *sc, validating as a --set would.
 * Returns LAGSIM_OK, or an error code with a message in msg (the scenario
 * may then be changed or not: the caller discards it).
 */
typedef int (*lagsim_apply_fn)(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis,
                               double value, char *msg, size_t msg_size);

/* ---- Sweeps -------------------------------------------------------------- */

/* One point of a sweep: its values and what ran there. */
typedef struct lagsim_sweep_point {
    uint32_t index[2];       /* grid index on each axis */
    double value[2];         /* the values applied */
    lagsim_scenario_t *sc;   /* the scenario at this point (owned) */
    lagsim_replicated_t *reps[LAGSIM_MODE_COUNT]; /* per mode; NULL if not run */
} lagsim_sweep_point_t;

/*
 * A sweep. Fill the inputs, call lagsim_sweep_prepare(), then
 * lagsim_sweep_run() or lagsim_sweep_find(), read the outputs, and free
 * with lagsim_sweep_terminate(). The outputs are owned by the sweep.
 */
typedef struct lagsim_sweep {
    /* Inputs. */
    const lagsim_scenario_t *base; /* the scenario every point starts from */
    unsigned n_axes;               /* 1 or 2 */
    lagsim_axis_t axis[2];
    lagsim_apply_fn apply;         /* sets one axis value in a scenario copy */
    void *apply_ctx;
    unsigned mode_mask;            /* modes to run (bits 1 << mode) */
    uint32_t reps;                 /* replications per point and mode, or */
    const lagsim_precision_t *precision; /* if not NULL: to this precision */
    uint32_t max_reps;             /* lagsim_sweep_find(): at a probe whose verdict is
                                      undecided, double its replications up to this
                                      many (0 or 1: never add) */
    /* lagsim_sweep_find(): called (if not NULL) before each batch of probes
     * runs: `round`, the n probes' points and modes, and `more` (0 for a
     * round's first run; else the replications added to undecided probes). */
    void (*on_probes)(void *ctx, const struct lagsim_sweep *sw, uint32_t round,
                      const uint32_t *points, const enum lagsim_mode *modes, size_t n,
                      uint32_t more);
    void *on_probes_ctx;

    /* Outputs. */
    uint32_t n_points;             /* grid points, axis 0 varying slowest */
    lagsim_sweep_point_t *points;
} lagsim_sweep_t;

/*
 * Builds every point's scenario: a copy of base with each axis value
 * applied in axis order. Nothing runs. Returns LAGSIM_OK; LAGSIM_EINVAL
 * with a message in msg naming the point (bad axes, too many points, or a
 * value the apply callback refused); or LAGSIM_ENOMEM. On failure the
 * sweep must still be terminated.
 */
int lagsim_sweep_prepare(lagsim_sweep_t *sw, char *msg, size_t msg_size);

/*
 * Runs every point in every mode (sw->reps replications, or to
 * sw->precision with the modes of a point kept paired), all (point, mode,
 * replication) spread over the threads. Returns as lagsim_run_batch().
 */
int lagsim_sweep_run(lagsim_sweep_t *sw, unsigned threads, const lagsim_run_limits_t *limits);

/* ---- Finding where an objective stops holding ----------------------------- */

enum lagsim_find_outcome {
    LAGSIM_FIND_BOUNDARY,  /* holds at one end, fails at the other */
    LAGSIM_FIND_HOLDS_ALL, /* holds at both ends */
    LAGSIM_FIND_FAILS_ALL  /* fails at both ends */
};

/* One probe of lagsim_sweep_find(). */
typedef struct lagsim_find_probe {
    uint32_t point;          /* index into sw->points */
    enum lagsim_mode mode;
    uint32_t round;          /* 0: the two ends; then one probe per round */
    int holds;               /* lagsim_slo_holds() there (on the mean) */
    enum lagsim_verdict verdict; /* lagsim_slo_verdict() there (on the 95% interval) */
    uint32_t reps;           /* replications it ended with */
    uint32_t line;           /* with two axes: the index on the second axis; else 0 */
} lagsim_find_probe_t;

#define LAGSIM_FIND_MAX_LINES 64 /* values of the second axis */
#define LAGSIM_FIND_MAX_PROBES (LAGSIM_MODE_COUNT * 40 * LAGSIM_FIND_MAX_LINES)

/* The answer along one line of the first axis (the only line with one
 * axis; with two, one line per value of the second: the frontier). */
typedef struct lagsim_find_line {
    enum lagsim_find_outcome outcome[LAGSIM_MODE_COUNT]; /* modes in sw->mode_mask */
    uint32_t holds_at[LAGSIM_MODE_COUNT]; /* BOUNDARY: last point where it holds (mean) */
    uint32_t fails_at[LAGSIM_MODE_COUNT]; /* BOUNDARY: the next point, where it fails */
    /* BOUNDARY: the boundary's interval at 95%: the probe nearest the
     * boundary whose verdict is HOLDS on the holding side, and the one
     * whose verdict is FAILS on the failing side (the end of the range if
     * none); equal to holds_at, fails_at when every probe was decided. */
    uint32_t sure_holds_at[LAGSIM_MODE_COUNT];
    uint32_t sure_fails_at[LAGSIM_MODE_COUNT];
} lagsim_find_line_t;

typedef struct lagsim_find {
    /* The first line (the whole answer with one axis). */
    enum lagsim_find_outcome outcome[LAGSIM_MODE_COUNT];
    uint32_t holds_at[LAGSIM_MODE_COUNT];
    uint32_t fails_at[LAGSIM_MODE_COUNT];
    uint32_t n_lines;        /* 1, or the points of the second axis */
    lagsim_find_line_t line[LAGSIM_FIND_MAX_LINES];
    uint32_t n_probes;
    lagsim_find_probe_t probe[LAGSIM_FIND_MAX_PROBES]; /* in the order they ran */
} lagsim_find_t;

/*
 * Bisects the first axis of a sweep for the value at which `slo` stops
 * holding, separately in each mode and, with two axes, for each value of
 * the second (at most LAGSIM_FIND_MAX_LINES): probes both ends, then (if
 * it holds at one and fails at the other) the middle of the remaining
 * interval until the two sides are neighbouring grid points, so the
 * boundary is known to within one step. It assumes the objective changes
 * once along the axis; a lagsim_sweep_run() over the same grid shows
 * whether it does. Every probe runs sw->reps replications (or to
 * sw->precision) with the same seed, so probes share common random
 * numbers; then, while its verdict (lagsim_slo_verdict()) is undecided,
 * its replications are doubled up to sw->max_reps. A probe decides the
 * side by its verdict, or by its mean if still undecided. The probes of a
 * round (every line and mode) run as one batch. Only probed points get
 * sw->points[i].reps. Returns as lagsim_run_batch(), or LAGSIM_EINVAL if
 * the second axis has too many points.
 */
int lagsim_sweep_find(lagsim_sweep_t *sw, const lagsim_slo_t *slo, unsigned threads,
                      const lagsim_run_limits_t *limits, lagsim_find_t *out);

/* Frees the outputs (points, their scenarios and results). Accepts NULL. */
void lagsim_sweep_terminate(lagsim_sweep_t *sw);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_EXPERIMENT_H */
