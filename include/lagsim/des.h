/*
 * lagsim/des.h - the discrete-event engine: simulated clock, event queue,
 * random streams and distributions.
 *
 * The engine knows nothing of Segment or Mixpanel. A model schedules
 * callbacks at integer microsecond times; the engine runs them in time
 * order, ties broken by insertion order, so a run is deterministic.
 * Event records live inside the queue's own array, which grows
 * geometrically and is reused: scheduling never calls malloc once the
 * queue has reached its working size. One recurring process (a model's
 * arrivals) can skip the queue altogether through the source slot,
 * lagsim_sim_source_arm(), in the same order.
 *
 * Typical use (see benchmarks/mm1.c for a whole model):
 *
 *     lagsim_sim_t *sim = lagsim_sim_create();
 *     lagsim_sim_schedule(sim, 0, on_arrival, &model, 0);
 *     lagsim_sim_run(sim, LAGSIM_TIME_MAX);
 *     lagsim_sim_destroy(sim);
 */
#ifndef LAGSIM_DES_H
#define LAGSIM_DES_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Simulated time: a signed count of microseconds. */
typedef int64_t lagsim_time_t;

#define LAGSIM_USEC ((lagsim_time_t)1)
#define LAGSIM_MSEC ((lagsim_time_t)1000)
#define LAGSIM_SEC ((lagsim_time_t)1000000)
#define LAGSIM_MIN (60 * LAGSIM_SEC)
#define LAGSIM_HOUR (60 * LAGSIM_MIN)
#define LAGSIM_DAY (24 * LAGSIM_HOUR)
#define LAGSIM_TIME_MAX INT64_MAX

/* Error codes shared by the whole library (0 is success). */
enum lagsim_status {
    LAGSIM_OK = 0,
    LAGSIM_ENOMEM = -1,  /* an allocation failed */
    LAGSIM_EINVAL = -2,  /* an argument or input is invalid */
    LAGSIM_EIO = -3,     /* a file could not be read or written */
    LAGSIM_ELIMIT = -4,  /* a configured size or time limit was reached */
    LAGSIM_EINTR = -5,   /* the run was interrupted */
    LAGSIM_ECONSERVE = -6 /* conservation of events failed (a bug) */
};

/* A short English name for a status code ("out of memory", ...). */
const char *lagsim_strerror(int status);

/* ---- Event queue and clock --------------------------------------------- */

typedef struct lagsim_sim lagsim_sim_t;

/* An event handler. `ctx` and `arg` are what was given to schedule(). */
typedef void (*lagsim_event_fn)(lagsim_sim_t *sim, void *ctx, uint64_t arg);

/* Creates an engine with the clock at 0 and no events. NULL if out of memory. */
lagsim_sim_t *lagsim_sim_create(void);

/* Frees the engine and every pending event. Accepts NULL. */
void lagsim_sim_destroy(lagsim_sim_t *sim);

/* Forgets every pending event and sets the clock back to 0. */
void lagsim_sim_reset(lagsim_sim_t *sim);

/*
 * Schedules fn(sim, ctx, arg) at time `at`. `at` earlier than now is a bug
 * in the caller and is clamped to now in release builds (asserted in
 * debug builds). Events with equal times run in the order they were
 * scheduled. Returns LAGSIM_OK, or LAGSIM_ENOMEM when the queue cannot
 * grow (the event is then not scheduled).
 */
int lagsim_sim_schedule(lagsim_sim_t *sim, lagsim_time_t at, lagsim_event_fn fn,
                        void *ctx, uint64_t arg);

/*
 * Runs events in order while the next one is due at or before `until`
 * and lagsim_sim_stop() has not been called. The clock ends at the time
 * of the last event run (it never jumps to `until` by itself).
 * Returns the number of events run by this call.
 */
uint64_t lagsim_sim_run(lagsim_sim_t *sim, lagsim_time_t until);

/*
 * lagsim_sim_run() that also returns after `max_events` events, so that a
 * caller can look at the clock, a signal or the memory in use every few
 * thousand events however dense simulated time is. Call it again to go
 * on: the events run are exactly those of one lagsim_sim_run(sim, until)
 * (unless lagsim_sim_stop() was called). Returns the number run.
 */
uint64_t lagsim_sim_run_some(lagsim_sim_t *sim, lagsim_time_t until, uint64_t max_events);

/*
 * The source: one slot, outside the queue, for a process that always has
 * exactly one pending event and schedules the next from its handler (a
 * stream of arrivals). lagsim_sim_source_arm(sim, at, fn, ctx, arg) is
 * lagsim_sim_schedule() for that process: the event runs in exactly the
 * place a scheduled one would (ties in arming order, the same counter),
 * counts as an event run and as pending, and obeys `until` and stop();
 * it only costs less, since it never enters the queue. The slot holds
 * one event: it is emptied just before its handler runs (which may arm
 * it again), and arming a full slot replaces the event in it. It cannot
 * fail. lagsim_sim_source_disarm() empties it; reset empties it too.
 */
void lagsim_sim_source_arm(lagsim_sim_t *sim, lagsim_time_t at, lagsim_event_fn fn, void *ctx,
                           uint64_t arg);
void lagsim_sim_source_disarm(lagsim_sim_t *sim);
/* 1 when the source holds an event, else 0. */
int lagsim_sim_source_armed(const lagsim_sim_t *sim);

/* Asks a running lagsim_sim_run() to return after the current event. */
void lagsim_sim_stop(lagsim_sim_t *sim);

/* Current simulated time. */
lagsim_time_t lagsim_sim_now(const lagsim_sim_t *sim);

/* Time of the next pending event, or LAGSIM_TIME_MAX if there is none. */
lagsim_time_t lagsim_sim_next_time(const lagsim_sim_t *sim);

/* Number of pending events. */
size_t lagsim_sim_pending(const lagsim_sim_t *sim);

/* Number of events run since creation or the last reset. */
uint64_t lagsim_sim_executed(const lagsim_sim_t *sim);

/* ---- Random streams ----------------------------------------------------- */

/*
 * The seed of stream `stream_id` of replication `replication` of a
 * scenario seeded with `seed`: a SplitMix64 mix of the three, so nearby
 * inputs give unrelated seeds.
 */
uint64_t lagsim_rng_seed(uint64_t seed, uint32_t replication, uint32_t stream_id);

/*
 * Creates a GSL generator (gsl_rng_mt19937 unless `type` is given) seeded
 * with lagsim_rng_seed(seed, replication, stream_id). Free it with
 * gsl_rng_free(). NULL if out of memory.
 */
gsl_rng *lagsim_rng_create(const gsl_rng_type *type, uint64_t seed,
                           uint32_t replication, uint32_t stream_id);

/* ---- Distributions ------------------------------------------------------ */

enum lagsim_dist_kind {
    LAGSIM_DIST_CONST,     /* p0 = value */
    LAGSIM_DIST_EXP,       /* p0 = mean */
    LAGSIM_DIST_LOGNORMAL, /* p0 = median, p1 = sigma of the log */
    LAGSIM_DIST_UNIFORM,   /* p0 = low, p1 = high */
    LAGSIM_DIST_GAMMA,     /* p0 = shape k, p1 = scale theta */
    LAGSIM_DIST_PARETO,    /* p0 = shape alpha, p1 = minimum x_m */
    LAGSIM_DIST_NORMAL,    /* p0 = mean, p1 = sd; samples below 0 become 0 */
    LAGSIM_DIST_WEIBULL    /* p0 = shape k, p1 = scale lambda */
};

/*
 * A distribution of a non-negative quantity, in the quantity's base unit
 * (seconds for durations, bytes for sizes). Plain value: copy it freely.
 * `ln_p0` caches log(p[0]) for a lognormal, valid only while `ln_of`
 * equals p[0] (lagsim_dist_make() fills it; a distribution built or
 * changed otherwise is sampled the same, computing the log per draw).
 */
typedef struct lagsim_dist {
    enum lagsim_dist_kind kind;
    double p[2];
    double ln_of; /* the p[0] whose log ln_p0 holds (0: none) */
    double ln_p0;
} lagsim_dist_t;

/* Shorthand constructors. */
lagsim_dist_t lagsim_dist_const(double value);
/* A distribution of `kind` with parameters a, b, its per-draw constants
 * computed once. */
lagsim_dist_t lagsim_dist_make(enum lagsim_dist_kind kind, double a, double b);

/* Draws one sample (never negative). */
double lagsim_dist_sample(const lagsim_dist_t *d, gsl_rng *rng);

/* Theoretical mean (INFINITY for a Pareto with alpha <= 1). */
double lagsim_dist_mean(const lagsim_dist_t *d);

/* Short name of the kind: "const", "exp", "lognormal", ... */
const char *lagsim_dist_kind_name(enum lagsim_dist_kind kind);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_DES_H */
