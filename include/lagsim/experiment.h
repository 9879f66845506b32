/*
 * lagsim/experiment.h - experiments built from many runs: batches of
 * replications spread over threads (or, through an executor, over other
 * processes: "Distributing work"), replication counts chosen to reach a
 * stated precision, sweeps of one or two scenario keys over a grid, and a
 * bisection for the value at which a service-level objective stops
 * holding.
 *
 * The experiment layer: it runs scenarios but knows nothing of scenario
 * files. A sweep changes its scenario through a callback
 * (lagsim_apply_fn); the config layer supplies one that applies a value as
 * a --set would (lagsim_config_axis_apply() in config.h), so every point
 * goes through the same validation as the scenario file.
 *
 * Everything here gives the same answer for any thread or process count: a
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

/* ---- Replications ------------------------------------------------------- */

/* The headline figures summarised across replications. */
enum lagsim_figure {
    LAGSIM_FIG_VISIBLE_SHARE,   /* visible / fired */
    LAGSIM_FIG_VISIBLE_P50,     /* latency to visible, seconds */
    LAGSIM_FIG_VISIBLE_P90,
    LAGSIM_FIG_VISIBLE_P99,
    LAGSIM_FIG_VISIBLE_P999,
    LAGSIM_FIG_VISIBLE_MAX,
    LAGSIM_FIG_VISIBLE_MEAN,
    LAGSIM_FIG_DELIVERED_P99,   /* latency to delivered, seconds */
    LAGSIM_FIG_DROPPED,         /* events dropped, all reasons */
    LAGSIM_FIG_429,             /* 429 responses */
    LAGSIM_FIG_RETRIES,         /* retried requests */
    LAGSIM_FIG_BACKLOG_PEAK,    /* events */
    LAGSIM_FIG_DRAIN_TIME,      /* seconds (replications that drained) */
    LAGSIM_FIG_COUNT
};

/* Short key of a figure ("p99_visible_s", ...), as used in JSON. */
const char *lagsim_figure_name(enum lagsim_figure f);

/* The value of figure `f` in one result (NAN when undefined, e.g. a
 * percentile of nothing visible, or the drain time of a run that did not
 * drain). */
double lagsim_figure_value(const lagsim_result_t *r, enum lagsim_figure f);

/* ---- Warm-up ---------------------------------------------------------------- */

/* How the warm-up cut of a set of replications was chosen. */
enum lagsim_warmup_method {
    LAGSIM_WARMUP_NONE,      /* sc->warmup = none (0): reported from time zero */
    LAGSIM_WARMUP_FIXED,     /* sc->warmup is a duration */
    LAGSIM_WARMUP_TERMINATING, /* auto, but lagsim_scenario_terminating(): it
                                  is reported from time zero */
    LAGSIM_WARMUP_MSER,      /* auto: MSER-5 on a pilot run found the cut */
    LAGSIM_WARMUP_UNSETTLED  /* auto: the pilot never settled in its first half
                                (or saw too little): nothing cut, a warning */
};

const char *lagsim_warmup_method_name(enum lagsim_warmup_method m);

#define LAGSIM_WARMUP_WINDOWS 1000 /* firing-time windows MSER-5 looks at, at most */

typedef struct lagsim_warmup {
    enum lagsim_warmup_method method;
    lagsim_time_t cut;       /* latencies count for events fired at or after this */
    const char *why;         /* TERMINATING: what makes it so ("bursts", ...);
                                else NULL (a static string) */
    uint32_t batches;        /* MSER / UNSETTLED: batch means looked at */
    uint32_t cut_batches;    /* MSER: batches cut */
    lagsim_time_t batch_width; /* MSER / UNSETTLED: firing time per batch */
} lagsim_warmup_t;

/*
 * What makes a scenario terminating rather than steady-state (its arrival
 * rate or capacity changes over the run: bursts, ramps, a daily profile, a
 * replay, Mixpanel outages, or an MMPP, whose episodes last too long for
 * a warm-up cut to tell them from a start-up), as a short phrase; NULL if
 * it is steady-state (a constant rate).
 */
const char *lagsim_scenario_terminating(const lagsim_scenario_t *sc);

/*
 * MSER on a series of n batch means y[0..n-1] (in time order): the d in
 * [0, n / 2] that minimises sum_{i>=d} (y_i - mean_d)^2 / (n - d)^2, the
 * squared standard error of the mean of what is left after cutting d
 * (White 1997; with batches of five observations this is MSER-5). Only
 * the first half is searched (with few batches left the statistic is
 * noise), so d = n / 2 means the series had not settled by half-way.
 * Returns d, or n when n < 2. Ties go to the smaller d.
 */
uint32_t lagsim_mser(const double *y, uint32_t n);

/*
 * Decides the warm-up of replications of sc in `mode`. sc->warmup > 0 or
 * 0 is taken as given (FIXED or NONE); LAGSIM_WARMUP_AUTO on a
 * terminating scenario is TERMINATING (cut 0). On a steady-state one it
 * runs a pilot (replication 0, seeded as usual) that records the mean
 * latency to visible of the events fired in each of up to
 * LAGSIM_WARMUP_WINDOWS equal windows of [0, horizon) (windows of at
 * least 5 visible events, and never narrower than 1 s), and cuts where
 * lagsim_mser() says. A cut of 40% of the batches or more (or a pilot
 * that stopped early or saw fewer than 10 batches) means it did not
 * settle: UNSETTLED, nothing cut. Returns LAGSIM_OK or the pilot's error.
 */
int lagsim_warmup_find(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                       const lagsim_run_limits_t *limits, lagsim_warmup_t *out);

/* Replications of one mode: pooled results and per-figure summaries. */
typedef struct lagsim_replicated {
    uint32_t reps;
    lagsim_warmup_t warmup;  /* the cut its replications apply (set by
                                lagsim_run_batch() before the first one) */
    lagsim_result_t *pooled; /* counters summed, histograms merged; peaks and
                                times are the largest over replications */
    lagsim_summary_t figure[LAGSIM_FIG_COUNT]; /* across replications */
    double *values; /* [reps][LAGSIM_FIG_COUNT]: each replication's figures */
    uint32_t ran;   /* replications that ran (fully or stopped partial) and are
                       pooled: fewer than reps when an interrupt kept some from
                       starting, 0 when none started (the mode did not run) */
} lagsim_replicated_t;

/*
 * The paired difference b - a of figure `f`, replication by replication
 * (both must hold the same replications of the same scenario: with common
 * random numbers the pairing removes most of the shared noise), into *out.
 * Replications where either value is undefined are skipped.
 */
void lagsim_replicated_difference(const lagsim_replicated_t *a, const lagsim_replicated_t *b,
                                  enum lagsim_figure f, lagsim_summary_t *out);

/* Allocates an empty one (NULL if out of memory); destroy accepts NULL. */
lagsim_replicated_t *lagsim_replicated_create(void);
void lagsim_replicated_destroy(lagsim_replicated_t *r);

/*
 * Runs replications 0 .. reps-1 of the scenario in `mode` on up to
 * `threads` threads (each replication on its own independent random
 * streams) and summarises them. The result is identical for any thread
 * count: histograms and counters add exactly, and figures are summarised
 * in replication order. Returns LAGSIM_OK, or the first failing run's
 * status (LAGSIM_ECONSERVE still fills `out`).
 */
int lagsim_run_replications(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                            uint32_t reps, unsigned threads,
                            const lagsim_run_limits_t *limits, lagsim_replicated_t *out);

/* ---- Service-level objectives ------------------------------------------ */

enum lagsim_slo_op { LAGSIM_SLO_LE, LAGSIM_SLO_LT, LAGSIM_SLO_GE, LAGSIM_SLO_GT };

#define LAGSIM_SLO_MAX_TERMS 8

/* All terms must hold: figure OP value (value in the figure's unit:
 * seconds, a share in [0, 1], or a count). */
typedef struct lagsim_slo {
    unsigned n;
    struct {
        enum lagsim_figure figure;
        enum lagsim_slo_op op;
        double value;
        char text[48]; /* the term as written, for messages */
    } term[LAGSIM_SLO_MAX_TERMS];
} lagsim_slo_t;

/*
 * Whether every term holds for the replications' mean of its figure (the
 * value itself for one replication). A figure undefined in every
 * replication (say, p99 when nothing became visible) does not hold.
 * Returns 1 or 0; on 0, writes the first failing term and the value found
 * to `why`.
 */
int lagsim_slo_holds(const lagsim_slo_t *slo, const lagsim_replicated_t *r, char *why,
                     size_t why_size);

/* An objective's verdict, given the uncertainty of replications. */
enum lagsim_verdict {
    LAGSIM_VERDICT_FAILS = 0,    /* the whole 95% interval is on the failing side */
    LAGSIM_VERDICT_HOLDS = 1,    /* the whole 95% interval is on the holding side */
    LAGSIM_VERDICT_UNDECIDED = 2 /* the interval straddles the threshold ("?") */
};

/*
 * The verdict of one term "figure OP threshold" for a figure with this
 * mean and 95% half-width: HOLDS or FAILS when both ends of [mean - hw,
 * mean + hw] are on the same side, UNDECIDED when they are not. A
 * half-width that is NAN (one replication) or 0 decides by the mean; a
 * NAN mean FAILS.
 */
enum lagsim_verdict lagsim_slo_term_verdict(enum lagsim_slo_op op, double threshold, double mean,
                                            double half_width);

/*
 * The verdict of every term together on the replications (their 95%
 * Student-t intervals): FAILS if a term fails, else UNDECIDED if a term
 * is undecided, else HOLDS. With one replication it equals
 * lagsim_slo_holds(). Unless HOLDS, writes the first failing (else the
 * first undecided) term and its interval to `why`.
 */
enum lagsim_verdict lagsim_slo_verdict(const lagsim_slo_t *slo, const lagsim_replicated_t *r,
                                       char *why, size_t why_size);


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
 * was set, or a run stopped at a limit (LAGSIM_STOP_MEMORY or
 * LAGSIM_STOP_STUCK), before some replications started (those are not
 * added: out->reps ends after the last one that started), or the
 * first failing run's status in (job, replication) order (LAGSIM_ECONSERVE
 * still fills out).
 */
int lagsim_run_batch(lagsim_batch_job_t *jobs, size_t n, unsigned threads,
                     const lagsim_run_limits_t *limits);

/* ---- Distributing work ------------------------------------------------------
 *
 * The seam between the experiments above and whatever runs their
 * replications. lagsim_run_batch() (and so run --reps, compare, sweeps,
 * --find and --precision, which all go through it) turns each call into
 * a list of units - the warm-up pilots its jobs need, then every (job,
 * replication) - and hands the list to an executor: by default the
 * process's own threads (lagsim_execute_local()); the lagsim-mpi program
 * supplies one that sends units to other processes and gets back their
 * packed results (lagsim_result_pack()). An executor may run units
 * anywhere and in any order; the batch stores each result by its unit
 * number, pools what adds exactly and summarises in replication order,
 * so the answer is the same wherever the units ran.
 */

/* One unit of work: a warm-up pilot or one replication of one job. */
typedef struct lagsim_task {
    const lagsim_scenario_t *sc; /* the job's scenario (validated) */
    enum lagsim_mode mode;
    uint32_t replication;        /* 0 for a pilot */
    lagsim_time_t cut;           /* warm-up cut to apply (a replication) */
    int pilot;                   /* 1: the job's warm-up pilot (lagsim_warmup_find()) */
} lagsim_task_t;

/*
 * Runs one unit: the replication into *out, or the pilot into *out and
 * its decision into *warmup. Returns what lagsim_run_limited() or
 * lagsim_warmup_find() return.
 */
int lagsim_task_run(const lagsim_task_t *u, const lagsim_run_limits_t *limits,
                    lagsim_result_t *out, lagsim_warmup_t *warmup);

/*
 * Called by an executor once for every unit it was given, never for two
 * units at once: the unit's status, its result (NULL for a unit skipped
 * because *limits->interrupt was set: status LAGSIM_EINTR) and, for a
 * pilot, its warm-up. The pointers are valid during the call only.
 */
typedef void (*lagsim_task_done_fn)(void *ctx, uint64_t unit, int status,
                                    const lagsim_result_t *r, const lagsim_warmup_t *warmup);

/*
 * An executor: runs units[0..n) (each exactly once, anywhere), calls
 * done for each, calls limits->progress (if set) with the share done, and
 * skips the replications not yet started once *limits->interrupt is set
 * (pilots always run: an interrupted one stops early by itself).
 * `threads` is the caller's thread count per process. Returns LAGSIM_OK or
 * an error of its own (LAGSIM_ENOMEM, LAGSIM_EIO when a process it used
 * failed); the units' own statuses go to done.
 */
typedef struct lagsim_executor {
    int (*run)(const struct lagsim_executor *ex, const lagsim_task_t *units, uint64_t n,
               unsigned threads, const lagsim_run_limits_t *limits, lagsim_task_done_fn done,
               void *done_ctx);
    void *ctx;      /* the executor's own state */
    unsigned width; /* processes it spreads units over, each with `threads`
                       threads (0: 1); lagsim_sweep_find() looks ahead to
                       keep them busy */
} lagsim_executor_t;

/* The default executor: up to `threads` threads of this process take
 * units from a shared counter. Returns LAGSIM_OK or LAGSIM_ENOMEM. */
int lagsim_execute_local(const lagsim_task_t *units, uint64_t n, unsigned threads,
                         const lagsim_run_limits_t *limits, lagsim_task_done_fn done,
                         void *done_ctx);

/*
 * Packing a unit's outcome to carry it between processes (same idea as
 * the stats *_pack() functions in stats.h): every field of the result,
 * its histograms, hop breakdown and series, bit for bit. The result must
 * come from lagsim_result_create(). A warm-up packs all but `why` (a
 * static string only a TERMINATING warm-up has, and no pilot gives one:
 * unpacked as NULL). Pack returns the bytes needed (fill when <= cap);
 * unpack returns 0, -1 for bytes that are not one packed object, -2 if
 * out of memory.
 */
size_t lagsim_result_pack(const lagsim_result_t *r, void *buf, size_t cap);
int lagsim_result_unpack(lagsim_result_t *r, const void *buf, size_t len);
size_t lagsim_warmup_pack(const lagsim_warmup_t *w, void *buf, size_t cap);
int lagsim_warmup_unpack(lagsim_warmup_t *w, const void *buf, size_t len);

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
     * round's first run; else the replications added to undecided probes).
     * A batch that looks ahead also runs later rounds' probes, not listed;
     * a round whose probes all ran ahead has no first batch. */
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
 * round (every line and mode) run as one batch. When more units can run
 * at once than a round has (threads, or limits->executor->width
 * processes), a batch also runs the probes of the next rounds, whichever
 * way this one goes, and those that no round takes are dropped: the
 * rounds, probes and answer are the same for any number of threads or
 * processes, with fewer batches to wait for. Only probed points get
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
