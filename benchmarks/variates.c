/*
 * variates.c - the floor that random variates put under the pipeline's
 * cost: the draws one fired event needs in Cloud-mode on the default
 * scenario, alone, with nothing else simulated.
 *
 *     build/variates [EVENTS]        (default 10^7)
 *
 * Per event (what the model draws for an event on its way, per
 * docs/performance.md): an exponential inter-arrival gap, the event type
 * (gsl_ran_discrete), the user and the identity (two uniforms), and six
 * lognormals (payload size, the client's round trip, Segment's
 * processing, Mixpanel's ingestion, identity resolution and indexing).
 * Prints one line per way of drawing them, ns per event and the fired
 * events per second of one core that the draws alone would allow:
 *   today:     mt19937 and GSL's lognormal (polar Box-Muller), as the model does
 *   ziggurat:  mt19937, lognormal as exp(mu + sigma * gsl_ran_gaussian_ziggurat)
 *   taus2+zig: GSL's taus2 generator and the ziggurat
 * Every figure is GSL's own generators and variates; only the choice differs.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double lognormal_polar(gsl_rng *r, double mu, double sigma)
{
    return gsl_ran_lognormal(r, mu, sigma);
}

static double lognormal_ziggurat(gsl_rng *r, double mu, double sigma)
{
    return exp(mu + gsl_ran_gaussian_ziggurat(r, sigma));
}

/* Draws what `events` fired events need; returns a sum (kept live). */
static double draw_events(gsl_rng *r, const gsl_ran_discrete_t *types, long events,
                          double (*lognormal)(gsl_rng *, double, double))
{
    double sink = 0;
    for (long i = 0; i < events; i++) {
        sink += gsl_ran_exponential(r, 1.0 / 400);
        sink += (double)gsl_ran_discrete(r, types);
        sink += gsl_rng_uniform(r) + gsl_rng_uniform(r);
        sink += lognormal(r, 6.8, 0.4);   /* payload */
        sink += lognormal(r, -2.3, 0.5);  /* client round trip */
        sink += lognormal(r, -3.0, 0.5);  /* Segment's processing */
        sink += lognormal(r, -4.6, 0.5);  /* ingestion */
        sink += lognormal(r, -1.0, 0.8);  /* identity resolution */
        sink += lognormal(r, 2.3, 0.5);   /* indexing */
    }
    return sink;
}

int main(int argc, char **argv)
{
    const long events = argc > 1 ? atol(argv[1]) : 10000000L;
    if (events < 1) {
        fprintf(stderr, "usage: %s [EVENTS]\n", argv[0]);
        return 2;
    }
    const double shares[3] = {0.7, 0.25, 0.05};
    gsl_ran_discrete_t *types = gsl_ran_discrete_preproc(3, shares);
    const struct {
        const char *name;
        const gsl_rng_type *type;
        double (*lognormal)(gsl_rng *, double, double);
    } ways[] = {
        {"today", gsl_rng_mt19937, lognormal_polar},
        {"ziggurat", gsl_rng_mt19937, lognormal_ziggurat},
        {"taus2+zig", gsl_rng_taus2, lognormal_ziggurat},
    };
    double sink = 0;
    for (size_t w = 0; w < sizeof ways / sizeof ways[0]; w++) {
        gsl_rng *r = gsl_rng_alloc(ways[w].type);
        if (!r || !types)
            return 1;
        gsl_rng_set(r, 42);
        const double t0 = now_s();
        sink += draw_events(r, types, events, ways[w].lognormal);
        const double dt = now_s() - t0;
        printf("variates way=%s events=%ld ns_per_event=%.1f fired_per_s_ceiling=%.0f\n",
               ways[w].name, events, 1e9 * dt / (double)events, (double)events / dt);
        gsl_rng_free(r);
    }
    gsl_ran_discrete_free(types);
    return sink == 42 ? 1 : 0; /* keeps the draws from being optimised away */
}
