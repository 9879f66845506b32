/*
 * embed.c - the smallest program that embeds lagsim: load a scenario,
 * run Cloud-mode, print p99 latency to visible, free everything.
 *
 *     cc embed.c $(pkg-config --cflags --libs lagsim) -o embed
 *     ./embed configs/steady-state.ini
 */
#include <stdio.h>

#include <lagsim/lagsim.h>

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s SCENARIO\n", argv[0]);
        return 2;
    }
    lagsim_scenario_t sc;
    lagsim_error_t err;
    if (lagsim_config_load(argv[1], NULL, 0, &sc, &err) != LAGSIM_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 2;
    }
    lagsim_result_t *r = lagsim_result_create();
    if (!r)
        return 1;
    const int rc = lagsim_run(&sc, LAGSIM_MODE_CLOUD, 0, r);
    if (rc == LAGSIM_OK)
        printf("%s: %llu fired, p99 to visible %.1f s\n", sc.name,
               (unsigned long long)r->fired,
               (double)lagsim_hist_quantile(r->latency_visible, 0.99) / LAGSIM_SEC);
    else
        fprintf(stderr, "run failed: %s\n", lagsim_strerror(rc));
    lagsim_result_destroy(r);
    return rc == LAGSIM_OK ? 0 : 1;
}
