/*
 * pipeline.c - end-to-end speed of the pipeline model: runs a scenario in
 * one mode, stretched to a target number of fired events, and prints one
 * line with fired events per second of wall time and peak resident memory.
 *
 *     build/pipeline SCENARIO MODE EVENTS [THREADS]
 *
 * The scenario is stretched by extending its horizon at the base rate
 * (after its bursts), so the backlog stays bounded while the event count
 * grows; a target below the scenario's own count shortens the horizon and
 * the bursts in proportion. With THREADS > 1, THREADS replications run at
 * once, one per thread (for the threads-versus-one comparison).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "lagsim/lagsim.h"

static void stretch(lagsim_scenario_t *sc, double target)
{
    const double have = lagsim_scenario_expected_events(sc);
    if (target >= have && sc->base_rate > 0) {
        sc->horizon += (lagsim_time_t)((target - have) / (sc->base_rate * sc->scale) * LAGSIM_SEC);
        return;
    }
    const double f = target / have;
    sc->horizon = (lagsim_time_t)((double)sc->horizon * f);
    for (unsigned i = 0; i < sc->n_bursts; i++) {
        sc->bursts[i].start = (lagsim_time_t)((double)sc->bursts[i].start * f);
        sc->bursts[i].duration = (lagsim_time_t)((double)sc->bursts[i].duration * f);
    }
}

struct job {
    const lagsim_scenario_t *sc;
    enum lagsim_mode mode;
    uint32_t rep;
    lagsim_result_t *r;
    int rc;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    j->rc = lagsim_run(j->sc, j->mode, j->rep, j->r);
    return NULL;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s SCENARIO cloud|device|hybrid EVENTS [THREADS]\n", argv[0]);
        return 2;
    }
    lagsim_scenario_t sc;
    lagsim_error_t err;
    if (lagsim_config_load(argv[1], NULL, 0, &sc, &err) != LAGSIM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    enum lagsim_mode mode = LAGSIM_MODE_COUNT;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (strcmp(argv[2], lagsim_mode_name((enum lagsim_mode)m)) == 0)
            mode = (enum lagsim_mode)m;
    const double target = atof(argv[3]);
    const int threads = argc > 4 ? atoi(argv[4]) : 1;
    if (mode == LAGSIM_MODE_COUNT || target < 1 || threads < 1 || threads > 64) {
        fprintf(stderr, "%s: bad mode, event count or thread count\n", argv[0]);
        return 2;
    }
    stretch(&sc, target);

    struct job jobs[64];
    pthread_t tid[64];
    for (int i = 0; i < threads; i++) {
        jobs[i] = (struct job){.sc = &sc, .mode = mode, .rep = (uint32_t)i,
                               .r = lagsim_result_create()};
        if (!jobs[i].r)
            return 1;
    }
    const double t0 = now_s();
    for (int i = 0; i < threads; i++)
        pthread_create(&tid[i], NULL, run_job, &jobs[i]);
    uint64_t fired = 0, sim_events = 0;
    int rc = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(tid[i], NULL);
        fired += jobs[i].r->fired;
        sim_events += jobs[i].r->sim_events;
        rc |= jobs[i].rc != LAGSIM_OK;
    }
    const double wall = now_s() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("pipeline mode=%s target=%.0f threads=%d fired=%llu sim_events=%llu wall_s=%.3f "
           "fired_per_s=%.0f peak_rss_mb=%.1f p99_visible_s=%.3f conserved=%d\n",
           lagsim_mode_name(mode), target, threads, (unsigned long long)fired,
           (unsigned long long)sim_events, wall, (double)fired / wall,
           (double)ru.ru_maxrss / 1024.0,
           (double)lagsim_hist_quantile(jobs[0].r->latency_visible, 0.99) / LAGSIM_SEC,
           jobs[0].r->conserved);
    for (int i = 0; i < threads; i++)
        lagsim_result_destroy(jobs[i].r);
    return rc;
}
