/*
 * heap.c - the engine with many pending events: the classic "hold" model,
 * as a benchmark of the event queue at the sizes the pipeline model
 * reaches (tens of thousands of timers), which mm1 (two pending events)
 * does not exercise. Public engine API only.
 *
 *     build/heap [PENDING [EVENTS]]      (defaults 100000 and 10^7)
 *
 * keeps PENDING events in the queue: each event, when it runs, schedules
 * one more at now + U[0, 200 * PENDING) us, so the queue holds PENDING
 * events with times spread over about 100 * PENDING us. After a warm-up
 * of 4 * PENDING events (the steady state), it runs EVENTS more and
 * prints one line:
 *     heap pending=K events=E wall_s=W events_per_s=R ns_per_event=X
 * where W is the wall time of the measured events alone. Increments come
 * from xorshift64*, a few cycles, so the figure is the queue's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "lagsim/des.h"

typedef struct hold {
    uint64_t x;     /* xorshift64* state (never 0) */
    uint64_t span;  /* increments are uniform on [0, span) us */
    uint64_t left;  /* events still to run before stopping */
} hold_t;

static void on_event(lagsim_sim_t *sim, void *ctx, uint64_t arg)
{
    hold_t *h = ctx;
    h->x ^= h->x >> 12;
    h->x ^= h->x << 25;
    h->x ^= h->x >> 27;
    const uint64_t r = (h->x * 0x2545f4914f6cdd1dull) >> 32; /* 32 random bits */
    const lagsim_time_t delay = (lagsim_time_t)((r * h->span) >> 32);
    lagsim_sim_schedule(sim, lagsim_sim_now(sim) + delay, on_event, h, arg);
    if (--h->left == 0)
        lagsim_sim_stop(sim);
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    const double k_arg = argc > 1 ? atof(argv[1]) : 1e5;
    const double n_arg = argc > 2 ? atof(argv[2]) : 1e7;
    if (k_arg < 1 || k_arg > 1e9 || n_arg < 1) {
        fprintf(stderr, "usage: %s [PENDING [EVENTS]]\n", argv[0]);
        return 2;
    }
    const uint64_t k = (uint64_t)k_arg, n = (uint64_t)n_arg;

    hold_t h = {.x = 0x9e3779b97f4a7c15ull, .span = 200 * k, .left = 4 * k};
    lagsim_sim_t *sim = lagsim_sim_create();
    if (!sim) {
        fprintf(stderr, "heap: out of memory\n");
        return 1;
    }
    for (uint64_t i = 0; i < k; i++) {
        if (lagsim_sim_schedule(sim, (lagsim_time_t)(i * 100), on_event, &h, i) != LAGSIM_OK) {
            fprintf(stderr, "heap: out of memory\n");
            return 1;
        }
    }
    lagsim_sim_run(sim, LAGSIM_TIME_MAX); /* warm-up: stops after 4k events */

    h.left = n;
    const double t0 = wall();
    const uint64_t events = lagsim_sim_run(sim, LAGSIM_TIME_MAX);
    const double w = wall() - t0;
    printf("heap pending=%llu events=%llu wall_s=%.3f events_per_s=%.0f ns_per_event=%.1f\n",
           (unsigned long long)lagsim_sim_pending(sim), (unsigned long long)events, w,
           (double)events / w, 1e9 * w / (double)events);
    lagsim_sim_destroy(sim);
    return 0;
}
