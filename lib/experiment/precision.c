/*
 * precision.c - as many replications as a stated precision needs:
 * lagsim_replicated_precision() measures how far replications are from
 * it, lagsim_run_to_precision() adds replications in rounds until every
 * group of jobs meets it or reaches the cap.
 *
 * Central idea: the decision to stop, and how many replications to add,
 * depends only on the replications' figures, which do not depend on the
 * thread count; and replication r is always the same run. So the
 * sequence of rounds, and the answer, are the same for any thread count,
 * and asking for more precision only ever appends replications.
 *
 * The rule is a sequential one, so it is not a fixed-N confidence
 * interval: stopping as soon as the half-width looks small enough makes
 * the stated 95% slightly optimistic. The pilot of at least a few
 * replications and the doubling cap keep the effect small.
 */
#include <math.h>
#include <stdlib.h>

#include "lagsim/experiment.h"

double lagsim_replicated_precision(const lagsim_replicated_t *r, enum lagsim_figure *worst)
{
    double max = 0;
    enum lagsim_figure w = LAGSIM_FIG_COUNT;
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++) {
        const lagsim_summary_t *s = &r->figure[f];
        if (s->n < 2 || s->mean == 0)
            continue;
        const double rel = lagsim_summary_half_width(s, 0.95) / fabs(s->mean);
        if (w == LAGSIM_FIG_COUNT || rel > max) {
            max = rel;
            w = (enum lagsim_figure)f;
        }
    }
    if (worst)
        *worst = w;
    return max;
}

/* Replications a group short of the target should have in all. */
static uint32_t next_total(uint32_t n, double worst, const lagsim_precision_t *p)
{
    const double ratio = worst / p->relative;
    double want = ceil((double)n * ratio * ratio);
    if (!(want <= 2.0 * n)) /* also catches NaN */
        want = 2.0 * n;
    if (want < (double)n + 1)
        want = (double)n + 1;
    if (want > p->max_reps)
        want = p->max_reps;
    return (uint32_t)want;
}

/* The end of the group starting at job i: jobs of a group are adjacent. */
static size_t group_end(const lagsim_batch_job_t *jobs, size_t n, size_t i)
{
    size_t e = i + 1;
    while (e < n && jobs[e].group == jobs[i].group)
        e++;
    return e;
}

int lagsim_run_to_precision(lagsim_batch_job_t *jobs, size_t n, const lagsim_precision_t *p,
                            unsigned threads, const lagsim_run_limits_t *limits)
{
    if (!(p->relative > 0) || p->pilot < 2 || p->max_reps < p->pilot)
        return LAGSIM_EINVAL;
    for (size_t i = 1; i < n; i++)
        if (jobs[i].group == jobs[i - 1].group && jobs[i].out->reps != jobs[i - 1].out->reps)
            return LAGSIM_EINVAL;

    /* First round: every job up to the pilot. */
    for (size_t i = 0; i < n; i++)
        jobs[i].add = jobs[i].out->reps < p->pilot ? p->pilot - jobs[i].out->reps : 0;
    for (;;) {
        int any = 0;
        for (size_t i = 0; i < n; i++)
            any |= jobs[i].add > 0;
        if (!any)
            return LAGSIM_OK;
        const int rc = lagsim_run_batch(jobs, n, threads, limits);
        if (rc != LAGSIM_OK)
            return rc;
        /* Next round: the worst job of each group decides for the group. */
        for (size_t i = 0, end; i < n; i = end) {
            end = group_end(jobs, n, i);
            double worst = 0;
            for (size_t j = i; j < end; j++) {
                const double x = lagsim_replicated_precision(jobs[j].out, NULL);
                if (x > worst)
                    worst = x;
            }
            const uint32_t have = jobs[i].out->reps;
            const uint32_t total = worst <= p->relative || have >= p->max_reps
                                       ? have : next_total(have, worst, p);
            for (size_t j = i; j < end; j++)
                jobs[j].add = total - have;
        }
    }
}
