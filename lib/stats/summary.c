/*
 * summary.c - owns lagsim_summary_t, the summary of one figure across
 * replications: count, mean, sample variance, min, max and the Student t
 * confidence interval of the mean.
 *
 * Central idea: Welford's update keeps the mean and the sum of squared
 * deviations (m2) directly, instead of sum and sum of squares, so the
 * variance does not cancel catastrophically when the values are large and
 * close together (latencies of a few ms around an offset of hours). The
 * struct is a plain value owned by the caller; nothing is allocated.
 */
#include <assert.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "lagsim/stats.h"

void lagsim_summary_reset(lagsim_summary_t *s)
{
    assert(s != NULL);
    memset(s, 0, sizeof *s);
}

void lagsim_summary_add(lagsim_summary_t *s, double x)
{
    if (s->n == 0) {
        s->min = x;
        s->max = x;
    } else {
        if (x < s->min)
            s->min = x;
        if (x > s->max)
            s->max = x;
    }
    s->n++;
    const double delta = x - s->mean;
    s->mean += delta / (double)s->n;
    s->m2 += delta * (x - s->mean);
}

double lagsim_summary_variance(const lagsim_summary_t *s)
{
    if (s->n < 2)
        return 0.0;
    return s->m2 / (double)(s->n - 1);
}

/* t_{(1+level)/2, n-1} * s / sqrt(n). A level outside (0, 1) is a bug. */
double lagsim_summary_half_width(const lagsim_summary_t *s, double level)
{
    assert(level > 0.0 && level < 1.0);
    if (s->n < 2 || !(level > 0.0 && level < 1.0))
        return NAN;
    const double t = gsl_cdf_tdist_Pinv((1.0 + level) / 2.0, (double)(s->n - 1));
    return t * sqrt(lagsim_summary_variance(s) / (double)s->n);
}
