/*
 * mm1.c - an M/M/1 queue (lambda = 0.9, mu = 1.0) built only on lagsim's
 * public engine API, as a benchmark of the engine and an example of
 * building another model on it.
 *
 *     build/mm1 N [SEED]
 *
 * serves N customers and prints one line:
 *     mm1 customers=N events=E wall_s=W customers_per_s=C events_per_s=R mean_T=X
 * An event is one arrival or one departure; W is the wall time of the
 * simulation loop alone; mean_T is the mean time in system in units of
 * the mean service time (theory: 1 / (mu - lambda) = 10).
 *
 * One simulated time unit is 10^6 us, and exponential draws are rounded
 * to the nearest microsecond. Rounding moves each draw by at most 0.5 us
 * and, the density being smooth at that scale, biases its mean by about
 * 1e-6 us (truncating would bias it by -0.5 us, still only 5e-7 of the
 * mean): negligible next to mean_T's statistical error (~0.5% for 10^7
 * customers). A zero draw is possible (probability ~5e-7) and harmless:
 * equal times run in insertion order.
 * Draws are inverse-CDF, -mean * log(u) with u uniform on (0, 1), from
 * gsl_rng_taus2 (L'Ecuyer's maximally equidistributed combined Tausworthe,
 * period 2^88): about twice as fast as the default mt19937 with
 * gsl_ran_exponential, whose log1p alone took 40% of the run. The
 * resolution of u is 2^-32, so draws are capped at 22.2 means (a tail of
 * probability 2^-32, as with gsl_ran_exponential).
 * Customers waiting are kept as arrival times in a ring buffer that
 * grows geometrically: nothing is allocated per customer.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef HAVE_INLINE
#define HAVE_INLINE /* GSL's inline gsl_rng_uniform_pos */
#endif
#include <gsl/gsl_rng.h>

#include "lagsim/des.h"

#define UNIT 1e6 /* microseconds per time unit */

typedef struct mm1 {
    gsl_rng *arrivals;
    gsl_rng *services;
    double mean_interarrival;
    double mean_service;
    uint64_t to_arrive;      /* customers still to arrive */
    uint64_t served;
    double total_time;       /* sum of times in system, us */
    lagsim_time_t *ring;     /* arrival times of customers present */
    size_t ring_cap, head, count;
    int oom;
} mm1_t;

static lagsim_time_t draw(gsl_rng *r, double mean)
{
    return (lagsim_time_t)(-mean * log(gsl_rng_uniform_pos(r)) + 0.5);
}

static int ring_push(mm1_t *q, lagsim_time_t t)
{
    if (q->count == q->ring_cap) {
        const size_t cap = q->ring_cap * 2;
        lagsim_time_t *grown = malloc(cap * sizeof *grown);
        if (!grown)
            return -1;
        for (size_t i = 0; i < q->count; i++)
            grown[i] = q->ring[(q->head + i) & (q->ring_cap - 1)];
        free(q->ring);
        q->ring = grown;
        q->ring_cap = cap;
        q->head = 0;
    }
    q->ring[(q->head + q->count) & (q->ring_cap - 1)] = t;
    q->count++;
    return 0;
}

static void on_departure(lagsim_sim_t *sim, void *ctx, uint64_t arg);

static void on_arrival(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mm1_t *q = ctx;
    const lagsim_time_t now = lagsim_sim_now(sim);
    if (ring_push(q, now) != 0) {
        q->oom = 1;
        lagsim_sim_stop(sim);
        return;
    }
    if (q->count == 1)
        lagsim_sim_schedule(sim, now + draw(q->services, q->mean_service), on_departure, q, 0);
    if (--q->to_arrive > 0)
        lagsim_sim_schedule(sim, now + draw(q->arrivals, q->mean_interarrival), on_arrival, q, 0);
}

static void on_departure(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    (void)arg;
    mm1_t *q = ctx;
    const lagsim_time_t now = lagsim_sim_now(sim);
    q->total_time += (double)(now - q->ring[q->head]);
    q->head = (q->head + 1) & (q->ring_cap - 1);
    q->count--;
    q->served++;
    if (q->count > 0)
        lagsim_sim_schedule(sim, now + draw(q->services, q->mean_service), on_departure, q, 0);
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const double lambda = 0.9, mu = 1.0;
    if (argc < 2 || atof(argv[1]) < 1) {
        fprintf(stderr, "usage: %s CUSTOMERS [SEED]\n", argv[0]);
        return 2;
    }
    const uint64_t n = (uint64_t)atof(argv[1]);
    const uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 10) : 1;

    mm1_t q = {.mean_interarrival = UNIT / lambda, .mean_service = UNIT / mu,
               .to_arrive = n, .ring_cap = 1024};
    q.arrivals = lagsim_rng_create(gsl_rng_taus2, seed, 0, 1);
    q.services = lagsim_rng_create(gsl_rng_taus2, seed, 0, 2);
    q.ring = malloc(q.ring_cap * sizeof *q.ring);
    lagsim_sim_t *sim = lagsim_sim_create();
    if (!q.arrivals || !q.services || !q.ring || !sim) {
        fprintf(stderr, "mm1: out of memory\n");
        return 1;
    }
    lagsim_sim_schedule(sim, draw(q.arrivals, q.mean_interarrival), on_arrival, &q, 0);

    const double t0 = wall();
    lagsim_sim_run(sim, LAGSIM_TIME_MAX);
    const double w = wall() - t0;
    if (q.oom) {
        fprintf(stderr, "mm1: out of memory\n");
        return 1;
    }
    const uint64_t events = lagsim_sim_executed(sim);
    printf("mm1 customers=%llu events=%llu wall_s=%.3f customers_per_s=%.0f "
           "events_per_s=%.0f mean_T=%.4f\n",
           (unsigned long long)q.served, (unsigned long long)events, w,
           (double)q.served / w, (double)events / w, q.total_time / (double)q.served / UNIT);
    lagsim_sim_destroy(sim);
    gsl_rng_free(q.arrivals);
    gsl_rng_free(q.services);
    free(q.ring);
    return 0;
}
