/*
 * backoff.c - retry delays and give-up rules of every sender, from one
 * formula (see lagsim_backoff_t in model.h) whose parameters the SDK
 * presets and the [segment] section fill in.
 */
#include <math.h>

#include <gsl/gsl_rng.h>

#include "model/model_internal.h"

static double apply_jitter(const lagsim_backoff_t *b, double d, gsl_rng *rng)
{
    switch (b->jitter) {
    case LAGSIM_JITTER_NONE: return d;
    case LAGSIM_JITTER_FULL: return d * gsl_rng_uniform(rng);
    case LAGSIM_JITTER_MULT: return d * (b->jitter_a + (b->jitter_b - b->jitter_a) * gsl_rng_uniform(rng));
    case LAGSIM_JITTER_ADD: return d + (b->jitter_a + (b->jitter_b - b->jitter_a) * gsl_rng_uniform(rng)) * LAGSIM_SEC;
    case LAGSIM_JITTER_PCT: return d * (1.0 - b->jitter_a + 2.0 * b->jitter_a * gsl_rng_uniform(rng));
    }
    return d;
}

static double clamp(const lagsim_backoff_t *b, double d)
{
    if (b->cap > 0 && d > (double)b->cap)
        d = (double)b->cap;
    if (d < (double)b->floor)
        d = (double)b->floor;
    return d;
}

lagsim_time_t lsi_backoff_delay(const lagsim_backoff_t *b, uint32_t n, gsl_rng *rng)
{
    if (n <= b->immediate)
        return 0;
    if ((uint64_t)n <= (uint64_t)b->immediate + b->at_next_flush)
        return LSI_AT_NEXT_FLUSH;
    const uint32_t e = n - b->immediate - b->at_next_flush - 1;
    /* pow() of a large exponent saturates to inf, which the cap (or the
     * one-year ceiling below) then bounds. */
    double d = b->base > 0 ? (double)b->base * pow(b->factor, (double)e) : 0.0;
    d = b->jitter_after_cap ? apply_jitter(b, clamp(b, d), rng) : clamp(b, apply_jitter(b, d, rng));
    const double ceiling = (double)LSI_DELAY_MAX;
    if (!(d < ceiling))
        d = ceiling;
    if (d < 0)
        d = 0;
    return (lagsim_time_t)d;
}

int lsi_backoff_gives_up(const lagsim_backoff_t *b, uint32_t n, lagsim_time_t elapsed)
{
    if (b->max_retries > 0 && n > b->max_retries)
        return 1;
    if (b->max_duration > 0 && elapsed >= b->max_duration)
        return 1;
    return 0;
}
