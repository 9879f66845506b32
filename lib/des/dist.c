/*
 * dist.c - distributions of non-negative quantities (durations in
 * seconds, sizes in bytes), sampled with GSL's variate generators.
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "lagsim/des.h"

lagsim_dist_t lagsim_dist_const(double value)
{
    lagsim_dist_t d = {.kind = LAGSIM_DIST_CONST, .p = {value, 0}};
    return d;
}

double lagsim_dist_sample(const lagsim_dist_t *d, gsl_rng *rng)
{
    double x = 0;
    switch (d->kind) {
    case LAGSIM_DIST_CONST: x = d->p[0]; break;
    case LAGSIM_DIST_EXP: x = gsl_ran_exponential(rng, d->p[0]); break;
    case LAGSIM_DIST_LOGNORMAL: x = gsl_ran_lognormal(rng, log(d->p[0]), d->p[1]); break;
    case LAGSIM_DIST_UNIFORM: x = gsl_ran_flat(rng, d->p[0], d->p[1]); break;
    case LAGSIM_DIST_GAMMA: x = gsl_ran_gamma(rng, d->p[0], d->p[1]); break;
    case LAGSIM_DIST_PARETO: x = gsl_ran_pareto(rng, d->p[0], d->p[1]); break;
    case LAGSIM_DIST_NORMAL: x = d->p[0] + gsl_ran_gaussian(rng, d->p[1]); break;
    case LAGSIM_DIST_WEIBULL: x = gsl_ran_weibull(rng, d->p[1], d->p[0]); break;
    }
    return x > 0 ? x : 0; /* also maps NaN to 0 */
}

double lagsim_dist_mean(const lagsim_dist_t *d)
{
    switch (d->kind) {
    case LAGSIM_DIST_CONST: return d->p[0];
    case LAGSIM_DIST_EXP: return d->p[0];
    case LAGSIM_DIST_LOGNORMAL: return d->p[0] * exp(d->p[1] * d->p[1] / 2);
    case LAGSIM_DIST_UNIFORM: return (d->p[0] + d->p[1]) / 2;
    case LAGSIM_DIST_GAMMA: return d->p[0] * d->p[1];
    case LAGSIM_DIST_PARETO:
        return d->p[0] > 1 ? d->p[0] * d->p[1] / (d->p[0] - 1) : INFINITY;
    case LAGSIM_DIST_NORMAL: return d->p[0]; /* before truncation at 0 */
    case LAGSIM_DIST_WEIBULL: return d->p[1] * tgamma(1 + 1 / d->p[0]);
    }
    return NAN;
}

const char *lagsim_dist_kind_name(enum lagsim_dist_kind kind)
{
    switch (kind) {
    case LAGSIM_DIST_CONST: return "const";
    case LAGSIM_DIST_EXP: return "exp";
    case LAGSIM_DIST_LOGNORMAL: return "lognormal";
    case LAGSIM_DIST_UNIFORM: return "uniform";
    case LAGSIM_DIST_GAMMA: return "gamma";
    case LAGSIM_DIST_PARETO: return "pareto";
    case LAGSIM_DIST_NORMAL: return "normal";
    case LAGSIM_DIST_WEIBULL: return "weibull";
    }
    return "?";
}
