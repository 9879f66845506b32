/*
 * replicate.c - independent replications of one mode, spread over
 * threads, pooled and summarised so that the answer does not depend on
 * the thread count.
 *
 * Threads take replication numbers from a shared counter, so which thread
 * runs which replication varies; what each produces does not. Counters
 * and histogram buckets are integers (the histogram's sum is exact too),
 * so pooling them is order-free; the headline figures of each replication
 * go into a table indexed by replication number and are summarised in
 * that order after the threads join.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

const char *lagsim_figure_name(enum lagsim_figure f)
{
    switch (f) {
    case LAGSIM_FIG_VISIBLE_SHARE: return "visible_share";
    case LAGSIM_FIG_VISIBLE_P50: return "p50_visible_s";
    case LAGSIM_FIG_VISIBLE_P90: return "p90_visible_s";
    case LAGSIM_FIG_VISIBLE_P99: return "p99_visible_s";
    case LAGSIM_FIG_VISIBLE_P999: return "p999_visible_s";
    case LAGSIM_FIG_VISIBLE_MAX: return "max_visible_s";
    case LAGSIM_FIG_VISIBLE_MEAN: return "mean_visible_s";
    case LAGSIM_FIG_DELIVERED_P99: return "p99_delivered_s";
    case LAGSIM_FIG_DROPPED: return "dropped";
    case LAGSIM_FIG_429: return "responses_429";
    case LAGSIM_FIG_RETRIES: return "retries";
    case LAGSIM_FIG_BACKLOG_PEAK: return "backlog_peak";
    case LAGSIM_FIG_DRAIN_TIME: return "drain_time_s";
    case LAGSIM_FIG_COUNT: break;
    }
    return "?";
}

static double quantile_s(const lagsim_hist_t *h, double q)
{
    return lagsim_hist_count(h) ? (double)lagsim_hist_quantile(h, q) / LAGSIM_SEC : NAN;
}

double lagsim_figure_value(const lagsim_result_t *r, enum lagsim_figure f)
{
    uint64_t dropped = 0;
    switch (f) {
    case LAGSIM_FIG_VISIBLE_SHARE: return r->fired ? (double)r->visible / (double)r->fired : NAN;
    case LAGSIM_FIG_VISIBLE_P50: return quantile_s(r->latency_visible, 0.50);
    case LAGSIM_FIG_VISIBLE_P90: return quantile_s(r->latency_visible, 0.90);
    case LAGSIM_FIG_VISIBLE_P99: return quantile_s(r->latency_visible, 0.99);
    case LAGSIM_FIG_VISIBLE_P999: return quantile_s(r->latency_visible, 0.999);
    case LAGSIM_FIG_VISIBLE_MAX: return quantile_s(r->latency_visible, 1.0);
    case LAGSIM_FIG_VISIBLE_MEAN:
        return lagsim_hist_count(r->latency_visible)
                   ? lagsim_hist_mean(r->latency_visible) / LAGSIM_SEC : NAN;
    case LAGSIM_FIG_DELIVERED_P99: return quantile_s(r->latency_delivered, 0.99);
    case LAGSIM_FIG_DROPPED:
        for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
            dropped += r->dropped[i];
        return (double)dropped;
    case LAGSIM_FIG_429: return (double)r->responses[LAGSIM_RESP_429];
    case LAGSIM_FIG_RETRIES: return (double)r->retries;
    case LAGSIM_FIG_BACKLOG_PEAK: return (double)r->backlog_peak;
    case LAGSIM_FIG_DRAIN_TIME:
        return r->drain_time >= 0 ? (double)r->drain_time / LAGSIM_SEC : NAN;
    case LAGSIM_FIG_COUNT: break;
    }
    return NAN;
}

lagsim_replicated_t *lagsim_replicated_create(void)
{
    lagsim_replicated_t *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->pooled = lagsim_result_create();
    if (!r->pooled) {
        free(r);
        return NULL;
    }
    return r;
}

void lagsim_replicated_destroy(lagsim_replicated_t *r)
{
    if (!r)
        return;
    lagsim_result_destroy(r->pooled);
    free(r->values);
    free(r);
}

/* Adds one replication's result into a pool (integers only: exact). */
static void pool_add(lagsim_result_t *p, const lagsim_result_t *r, int first)
{
    p->fired += r->fired;
    p->delivered += r->delivered;
    p->visible += r->visible;
    p->in_flight += r->in_flight;
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        p->dropped[i] += r->dropped[i];
    p->requests += r->requests;
    p->retries += r->retries;
    for (int i = 0; i < LAGSIM_RESP_COUNT; i++)
        p->responses[i] += r->responses[i];
    p->sim_events += r->sim_events;
    p->wall_seconds += r->wall_seconds;
    lagsim_hist_merge(p->latency_delivered, r->latency_delivered);
    lagsim_hist_merge(p->latency_visible, r->latency_visible);
    lagsim_breakdown_merge(p->hops, r->hops);
    p->duplicates += r->duplicates;
    p->offline_failures += r->offline_failures;
    p->backlog_area += r->backlog_area;
    p->backlog_span += r->backlog_span;
    if (first) {
        p->conserved = r->conserved;
        p->partial = r->partial;
        p->backlog_peak = r->backlog_peak;
        p->backlog_peak_at = r->backlog_peak_at;
        p->backlog_drained_at = r->backlog_drained_at;
        p->end_time = r->end_time;
        p->drain_time = r->drain_time;
        return;
    }
    p->conserved &= r->conserved;
    if (!p->partial)
        p->partial = r->partial;
    if (r->backlog_peak > p->backlog_peak ||
        (r->backlog_peak == p->backlog_peak && r->backlog_peak_at < p->backlog_peak_at)) {
        p->backlog_peak = r->backlog_peak;
        p->backlog_peak_at = r->backlog_peak_at;
        p->backlog_drained_at = r->backlog_drained_at;
    }
    if (r->end_time > p->end_time)
        p->end_time = r->end_time;
    if (p->drain_time >= 0 && (r->drain_time < 0 || r->drain_time > p->drain_time))
        p->drain_time = r->drain_time;
}

typedef struct job {
    const lagsim_scenario_t *sc;
    enum lagsim_mode mode;
    uint32_t reps;
    const lagsim_run_limits_t *limits;
    atomic_uint next;       /* next replication to run */
    double *figures;        /* [reps][LAGSIM_FIG_COUNT] */
    int *status;            /* [reps] */
} job_t;

typedef struct worker {
    job_t *job;
    lagsim_result_t *pool;  /* this thread's replications, pooled */
    int pooled_any;
    int rc;                 /* LAGSIM_ENOMEM if the thread could not start */
} worker_t;

static void *work(void *arg)
{
    worker_t *w = arg;
    job_t *j = w->job;
    lagsim_result_t *r = lagsim_result_create();
    if (!r) {
        w->rc = LAGSIM_ENOMEM;
        return NULL;
    }
    for (;;) {
        const unsigned rep = atomic_fetch_add(&j->next, 1u);
        if (rep >= j->reps)
            break;
        if (j->limits && j->limits->interrupt && *j->limits->interrupt) {
            j->status[rep] = LAGSIM_EINTR;
            continue;
        }
        j->status[rep] = lagsim_run_limited(j->sc, j->mode, rep, j->limits, r);
        for (int f = 0; f < LAGSIM_FIG_COUNT; f++)
            j->figures[(size_t)rep * LAGSIM_FIG_COUNT + f] =
                lagsim_figure_value(r, (enum lagsim_figure)f);
        if (j->status[rep] == LAGSIM_OK || j->status[rep] == LAGSIM_ECONSERVE) {
            pool_add(w->pool, r, !w->pooled_any);
            w->pooled_any = 1;
        }
    }
    lagsim_result_destroy(r);
    return NULL;
}

int lagsim_run_replications(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                            uint32_t reps, unsigned threads,
                            const lagsim_run_limits_t *limits, lagsim_replicated_t *out)
{
    if (reps < 1)
        return LAGSIM_EINVAL;
    if (threads < 1)
        threads = 1;
    if (threads > reps)
        threads = reps;
    int rc = LAGSIM_OK;
    job_t job = {.sc = sc, .mode = mode, .reps = reps, .limits = limits};
    atomic_init(&job.next, 0u);
    free(out->values);
    out->values = NULL;
    out->reps = 0;
    job.figures = malloc((size_t)reps * LAGSIM_FIG_COUNT * sizeof *job.figures);
    job.status = calloc(reps, sizeof *job.status);
    worker_t *w = calloc(threads, sizeof *w);
    pthread_t *tid = calloc(threads, sizeof *tid);
    unsigned started = 0;
    if (!job.figures || !job.status || !w || !tid) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    for (unsigned t = 0; t < threads; t++) {
        w[t].job = &job;
        w[t].pool = lagsim_result_create();
        if (!w[t].pool) {
            rc = LAGSIM_ENOMEM;
            goto done;
        }
    }
    /* Thread 0's share runs here; the others on their own threads. */
    for (unsigned t = 1; t < threads; t++) {
        if (pthread_create(&tid[t], NULL, work, &w[t]) != 0)
            break;
        started = t;
    }
    work(&w[0]);
    for (unsigned t = 1; t <= started; t++)
        pthread_join(tid[t], NULL);

    /* Pool in thread order (integer adds: any order gives the same). */
    lagsim_result_t *p = out->pooled;
    lsi_result_reset(p, mode, 0);
    int first = 1;
    for (unsigned t = 0; t < threads; t++) {
        if (w[t].rc != LAGSIM_OK)
            rc = w[t].rc;
        if (!w[t].pooled_any)
            continue;
        pool_add(p, w[t].pool, first);
        first = 0;
    }
    p->mode = mode;
    p->replication = 0;
    out->reps = reps;
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++) {
        lagsim_summary_reset(&out->figure[f]);
        for (uint32_t i = 0; i < reps; i++) {
            const double x = job.figures[(size_t)i * LAGSIM_FIG_COUNT + f];
            if (!isnan(x))
                lagsim_summary_add(&out->figure[f], x);
        }
    }
    for (uint32_t i = 0; i < reps && rc == LAGSIM_OK; i++)
        rc = job.status[i];
    out->values = job.figures; /* handed over */
    job.figures = NULL;
done:
    if (w)
        for (unsigned t = 0; t < threads; t++)
            lagsim_result_destroy(w[t].pool);
    free(w);
    free(tid);
    free(job.figures);
    free(job.status);
    return rc;
}

void lagsim_replicated_difference(const lagsim_replicated_t *a, const lagsim_replicated_t *b,
                                  enum lagsim_figure f, lagsim_summary_t *out)
{
    lagsim_summary_reset(out);
    const uint32_t n = a->reps < b->reps ? a->reps : b->reps;
    if (!a->values || !b->values)
        return;
    for (uint32_t i = 0; i < n; i++) {
        const double x = a->values[(size_t)i * LAGSIM_FIG_COUNT + f];
        const double y = b->values[(size_t)i * LAGSIM_FIG_COUNT + f];
        if (!isnan(x) && !isnan(y))
            lagsim_summary_add(out, y - x);
    }
}

int lagsim_slo_holds(const lagsim_slo_t *slo, const lagsim_replicated_t *r, char *why,
                     size_t why_size)
{
    for (unsigned i = 0; i < slo->n; i++) {
        const lagsim_summary_t *s = &r->figure[slo->term[i].figure];
        const double x = s->n ? s->mean : NAN, v = slo->term[i].value;
        int ok = 0;
        switch (slo->term[i].op) {
        case LAGSIM_SLO_LE: ok = x <= v; break;
        case LAGSIM_SLO_LT: ok = x < v; break;
        case LAGSIM_SLO_GE: ok = x >= v; break;
        case LAGSIM_SLO_GT: ok = x > v; break;
        }
        if (!ok) {
            if (why)
                snprintf(why, why_size, "%s: %s is %.6g", slo->term[i].text,
                         lagsim_figure_name(slo->term[i].figure), x);
            return 0;
        }
    }
    return 1;
}
