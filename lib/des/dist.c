/*
 * dist.c - distributions of non-negative quantities (durations in
 * seconds, sizes in bytes): sampling, theoretical means and names.
 *
 * Central idea: a lagsim_dist_t is a plain value {kind, p0, p1} and every
 * kind is sampled with GSL's own variate generator, so a stream of draws
 * is reproducible from the generator's seed alone. Samples are clamped at
 * zero (which also maps a NaN from nonsense parameters to 0): a model
 * never sees a negative duration or size. Parameters are checked where
 * they are read (lib/config), not here.
 */
#include <math.h>

#include <gsl/gsl_randist.h>

#include "lagsim/des.h"

lagsim_dist_t lagsim_dist_const(double value)
{
    const lagsim_dist_t d = {.kind = LAGSIM_DIST_CONST, .p = {value, 0}};
    return d;
}

lagsim_dist_t lagsim_dist_make(enum lagsim_dist_kind kind, double a, double b)
{
    lagsim_dist_t d = {.kind = kind, .p = {a, b}};
    if (kind == LAGSIM_DIST_LOGNORMAL && a > 0) {
        d.ln_of = a;
        d.ln_p0 = log(a);
    }
    return d;
}

double lagsim_dist_sample(const lagsim_dist_t *d, gsl_rng *rng)
{
    const double a = d->p[0], b = d->p[1];
    double x = 0;
    switch (d->kind) {
    case LAGSIM_DIST_CONST: x = a; break;
    case LAGSIM_DIST_EXP: x = gsl_ran_exponential(rng, a); break;
    case LAGSIM_DIST_LOGNORMAL: /* log(median) once, at load (the same value) */
        x = gsl_ran_lognormal(rng, d->ln_of == a && a > 0 ? d->ln_p0 : log(a), b);
        break;
    case LAGSIM_DIST_UNIFORM: x = gsl_ran_flat(rng, a, b); break;
    case LAGSIM_DIST_GAMMA: x = gsl_ran_gamma(rng, a, b); break;
    case LAGSIM_DIST_PARETO: x = gsl_ran_pareto(rng, a, b); break; /* exponent, scale */
    case LAGSIM_DIST_NORMAL: x = a + gsl_ran_gaussian(rng, b); break;
    case LAGSIM_DIST_WEIBULL: x = gsl_ran_weibull(rng, b, a); break; /* scale, shape */
    }
    return x > 0 ? x : 0; /* also maps NaN to 0 */
}

/*
 * The mean of what lagsim_dist_sample() returns. For NORMAL that is the
 * mean of max(0, X), X ~ N(m, s^2): m Phi(m/s) + s phi(m/s). For the
 * other kinds, valid parameters put no mass below 0 and the textbook
 * mean applies.
 */
double lagsim_dist_mean(const lagsim_dist_t *d)
{
    const double a = d->p[0], b = d->p[1];
    switch (d->kind) {
    case LAGSIM_DIST_CONST: return a > 0 ? a : 0;
    case LAGSIM_DIST_EXP: return a;
    case LAGSIM_DIST_LOGNORMAL: return a * exp(b * b / 2);
    case LAGSIM_DIST_UNIFORM: return (a + b) / 2;
    case LAGSIM_DIST_GAMMA: return a * b;
    case LAGSIM_DIST_PARETO: return a > 1 ? a * b / (a - 1) : INFINITY;
    case LAGSIM_DIST_NORMAL: {
        if (b <= 0)
            return a > 0 ? a : 0;
        const double z = a / b;
        const double pdf = exp(-z * z / 2) / 2.50662827463100050242; /* sqrt(2 pi) */
        const double cdf = 0.5 * erfc(-z / sqrt(2.0));
        return a * cdf + b * pdf;
    }
    case LAGSIM_DIST_WEIBULL: return b * tgamma(1 + 1 / a);
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
