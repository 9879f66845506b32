/*
 * replicate.c - independent replications, spread over threads, pooled
 * and summarised so that the answer does not depend on the thread count:
 * lagsim_run_batch() extends the replications of several (scenario, mode)
 * jobs at once, and lagsim_run_replications() is one job from zero.
 *
 * Threads take (job, replication) units from a shared counter, so which
 * thread runs which replication varies; what each produces does not.
 * Counters and histogram buckets are integers (the histogram's sum is
 * exact too), so pooling them is order-free; the headline figures of each
 * replication go into a table indexed by replication number and are
 * summarised in that order after the threads join. Adding replications
 * appends rows to that table, so earlier replications never change.
 *
 * A job's first batch decides its warm-up cut (lagsim_warmup_find()):
 * the pilots that steady-state jobs need run first, spread over the same
 * threads, and every replication of the job then applies that one cut.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/experiment.h"
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
            if (i != LAGSIM_DROP_SAMPLED) /* a policy, not a loss */
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
    r->pooled->drain_time = -1;
    r->pooled->conserved = 1; /* nothing fired, nothing lost */
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

/* Adds one replication's result into a pool (integers only: exact).
 * Returns LAGSIM_OK, or LAGSIM_ENOMEM if the series could not grow. */
static int pool_add(lagsim_result_t *p, const lagsim_result_t *r, int first)
{
    const int rc = lagsim_series_merge(p->series, r->series) == 0 ? LAGSIM_OK : LAGSIM_ENOMEM;
    p->fired += r->fired;
    p->delivered += r->delivered;
    p->visible += r->visible;
    p->in_flight += r->in_flight;
    p->in_flight_next_session += r->in_flight_next_session;
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
    for (int k = 0; k < 3; k++)
        lagsim_hist_merge(p->latency_by_priority[k], r->latency_by_priority[k]);
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
        return rc;
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
    return rc;
}

void lagsim_replicated_reset(lagsim_replicated_t *r)
{
    lagsim_result_t *p = r->pooled;
    lsi_result_reset(p, p->mode, 0);
    p->conserved = 1; /* nothing fired, nothing lost */
    free(r->values);
    r->values = NULL;
    r->reps = 0;
    memset(&r->warmup, 0, sizeof r->warmup);
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++)
        lagsim_summary_reset(&r->figure[f]);
}

/*
 * A batch: the (job, replication) units of every job, numbered job by
 * job, taken by the threads from a shared counter. Each unit writes its
 * figures into its own row of its job's values table (no lock needed) and
 * adds its result into the job's pool under `lock` (integer adds: any
 * order gives the same). The same lock guards the progress sums.
 */
typedef struct batch {
    lagsim_batch_job_t *jobs;
    size_t n_jobs;
    uint64_t *first_unit;       /* [n_jobs + 1]: number of the job's first unit */
    uint32_t *base;             /* [n_jobs]: the job's replications before the call */
    uint32_t *pooled;           /* [n_jobs]: results pooled so far */
    int *status;                /* [total]: each unit's run status */
    uint64_t total;             /* units */
    size_t *pilot_job;          /* pilot phase: the job of each unit; else NULL */
    lagsim_result_t **pilot;    /* [n_jobs]: a pilot run that stands in for the
                                   job's replication 0 (its cut is 0), or NULL */
    const lagsim_run_limits_t *limits;
    atomic_uint_fast64_t next;  /* next unit to take */
    pthread_mutex_t lock;
    uint64_t done;              /* units finished (under lock) */
    double running;             /* sum of the running units' progress (under lock) */
} batch_t;

typedef struct worker {
    batch_t *b;
    lagsim_run_limits_t limits; /* the caller's, with progress through this worker */
    double fraction;            /* progress of its current run, as last reported */
    int rc;                     /* LAGSIM_ENOMEM if the thread could not start */
} worker_t;

/* Calls the caller's progress callback with the batch's share done. Under lock. */
static void report_progress(batch_t *b)
{
    const double share = ((double)b->done + b->running) / (double)b->total;
    b->limits->progress(b->limits->progress_ctx, share < 1 ? share : 1);
}

/* Progress of one run: forwarded when it moved by 1% or more. */
static void worker_progress(void *ctx, double fraction)
{
    worker_t *w = ctx;
    if (fraction - w->fraction < 0.01)
        return;
    pthread_mutex_lock(&w->b->lock);
    w->b->running += fraction - w->fraction;
    w->fraction = fraction;
    report_progress(w->b);
    pthread_mutex_unlock(&w->b->lock);
}

/* The job of unit u: the last job whose first unit is <= u. */
static size_t job_of(const batch_t *b, uint64_t u)
{
    size_t lo = 0, hi = b->n_jobs; /* first_unit[lo] <= u < first_unit[hi] */
    while (hi - lo > 1) {
        const size_t mid = lo + (hi - lo) / 2;
        if (b->first_unit[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    while (lo + 1 < b->n_jobs && b->first_unit[lo + 1] <= u)
        lo++; /* skip jobs that add nothing */
    return lo;
}

static void *work(void *arg)
{
    worker_t *w = arg;
    batch_t *b = w->b;
    lagsim_result_t *mine = b->pilot_job ? NULL : lagsim_result_create();
    if (!mine && !b->pilot_job) {
        w->rc = LAGSIM_ENOMEM;
        return NULL;
    }
    for (;;) {
        const uint64_t u = atomic_fetch_add(&b->next, 1u);
        if (u >= b->total)
            break;
        if (b->pilot_job) {
            const size_t pj = b->pilot_job[u];
            b->status[u] = lsi_warmup_pilot(b->jobs[pj].sc, b->jobs[pj].mode, &w->limits,
                                            &b->jobs[pj].out->warmup, b->pilot[pj]);
            pthread_mutex_lock(&b->lock);
            b->done++;
            b->running -= w->fraction;
            w->fraction = 0;
            pthread_mutex_unlock(&b->lock);
            continue;
        }
        const size_t j = job_of(b, u);
        const lagsim_batch_job_t *job = &b->jobs[j];
        const uint32_t rep = b->base[j] + (uint32_t)(u - b->first_unit[j]);
        lagsim_result_t *r = mine;
        if (rep == 0 && b->pilot && b->pilot[j]) {
            r = b->pilot[j]; /* the pilot ran exactly this replication */
            b->status[u] = r->conserved ? LAGSIM_OK : LAGSIM_ECONSERVE;
        } else if (b->limits && b->limits->interrupt && *b->limits->interrupt) {
            b->status[u] = LAGSIM_EINTR; /* its row stays NAN: nothing is counted */
            continue;
        } else {
            b->status[u] = lsi_run(job->sc, job->mode, rep, &w->limits, NULL,
                                   job->out->warmup.cut, NULL, r);
        }
        double *row = job->out->values + (size_t)rep * LAGSIM_FIG_COUNT;
        for (int f = 0; f < LAGSIM_FIG_COUNT; f++)
            row[f] = lagsim_figure_value(r, (enum lagsim_figure)f);
        pthread_mutex_lock(&b->lock);
        if ((b->status[u] == LAGSIM_OK || b->status[u] == LAGSIM_ECONSERVE) &&
            pool_add(job->out->pooled, r, b->pooled[j]++ == 0) != LAGSIM_OK)
            w->rc = LAGSIM_ENOMEM;
        b->done++;
        b->running -= w->fraction;
        w->fraction = 0;
        if (b->limits && b->limits->progress)
            report_progress(b);
        pthread_mutex_unlock(&b->lock);
    }
    lagsim_result_destroy(mine);
    return NULL;
}

/* Grows each job's values table for its new rows, filled with NAN. */
static int grow_values(batch_t *b)
{
    for (size_t j = 0; j < b->n_jobs; j++) {
        lagsim_replicated_t *out = b->jobs[j].out;
        const size_t rows = (size_t)out->reps + b->jobs[j].add;
        if (b->jobs[j].add == 0)
            continue;
        double *v = realloc(out->values, rows * LAGSIM_FIG_COUNT * sizeof *v);
        if (!v)
            return LAGSIM_ENOMEM;
        out->values = v;
        for (size_t i = (size_t)out->reps * LAGSIM_FIG_COUNT; i < rows * LAGSIM_FIG_COUNT; i++)
            v[i] = NAN;
    }
    return LAGSIM_OK;
}

/* Summaries of every figure over all replications, in replication order. */
static void summarise(lagsim_replicated_t *out)
{
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++) {
        lagsim_summary_reset(&out->figure[f]);
        for (uint32_t i = 0; i < out->reps; i++) {
            const double x = out->values[(size_t)i * LAGSIM_FIG_COUNT + f];
            if (!isnan(x))
                lagsim_summary_add(&out->figure[f], x);
        }
    }
}

/*
 * Runs b's units on up to `threads` threads (the calling one included).
 * Returns LAGSIM_OK, or LAGSIM_ENOMEM if a worker could not start its
 * work (the units' own statuses are in b->status).
 */
static int run_units(batch_t *b, unsigned threads)
{
    if (threads < 1)
        threads = 1;
    if (threads > b->total)
        threads = (unsigned)b->total;
    worker_t *w = calloc(threads, sizeof *w);
    pthread_t *tid = calloc(threads, sizeof *tid);
    int rc = LAGSIM_OK;
    unsigned started = 0;
    if (!w || !tid) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    pthread_mutex_init(&b->lock, NULL);
    for (unsigned t = 0; t < threads; t++) {
        w[t].b = b;
        w[t].limits = *b->limits;
        if (b->limits->progress) { /* pilots report their own progress, then the replications theirs */
            w[t].limits.progress = worker_progress;
            w[t].limits.progress_ctx = &w[t];
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
    pthread_mutex_destroy(&b->lock);
    for (unsigned t = 0; t < threads; t++)
        if (w[t].rc != LAGSIM_OK)
            rc = w[t].rc;
done:
    free(w);
    free(tid);
    return rc;
}

/*
 * Decides the warm-up cut of every job about to run its first
 * replications: at once where it is given or the scenario is terminating,
 * by a pilot run where it is found by MSER-5 (the pilots spread over the
 * threads). Returns LAGSIM_OK or the first failing pilot's status.
 */
static int decide_warmups(lagsim_batch_job_t *jobs, size_t n, unsigned threads,
                          const lagsim_run_limits_t *limits, lagsim_result_t **pilot)
{
    batch_t b;
    memset(&b, 0, sizeof b);
    b.jobs = jobs;
    b.n_jobs = n;
    b.limits = limits;
    atomic_init(&b.next, 0u);
    b.pilot = pilot;
    b.pilot_job = malloc((n ? n : 1) * sizeof *b.pilot_job);
    b.status = calloc(n ? n : 1, sizeof *b.status);
    int rc = b.pilot_job && b.status ? LAGSIM_OK : LAGSIM_ENOMEM;
    for (size_t j = 0; j < n && rc == LAGSIM_OK; j++) {
        if (jobs[j].add == 0 || jobs[j].out->reps > 0)
            continue; /* decided by its first batch */
        if (jobs[j].sc->warmup == LAGSIM_WARMUP_AUTO && !lagsim_scenario_terminating(jobs[j].sc)) {
            if (!(pilot[j] = lagsim_result_create()))
                rc = LAGSIM_ENOMEM;
            b.pilot_job[b.total++] = j;
        } else {
            rc = lagsim_warmup_find(jobs[j].sc, jobs[j].mode, limits, &jobs[j].out->warmup);
        }
    }
    if (rc == LAGSIM_OK && b.total > 0)
        rc = run_units(&b, threads);
    for (uint64_t u = 0; u < b.total && rc == LAGSIM_OK; u++)
        rc = b.status[u];
    /* A pilot stands in for replication 0 only where no cut applies. */
    for (size_t j = 0; j < n; j++)
        if (pilot[j] && jobs[j].out->warmup.cut != 0) {
            lagsim_result_destroy(pilot[j]);
            pilot[j] = NULL;
        }
    free(b.pilot_job);
    free(b.status);
    return rc;
}

int lagsim_run_batch(lagsim_batch_job_t *jobs, size_t n, unsigned threads,
                     const lagsim_run_limits_t *limits)
{
    static const lagsim_run_limits_t no_limits = {0};
    batch_t b;
    memset(&b, 0, sizeof b);
    b.jobs = jobs;
    b.n_jobs = n;
    b.limits = limits ? limits : &no_limits;
    atomic_init(&b.next, 0u);
    if (n == 0)
        return LAGSIM_OK;
    b.pilot = calloc(n, sizeof *b.pilot);
    if (!b.pilot)
        return LAGSIM_ENOMEM;
    int rc = decide_warmups(jobs, n, threads, b.limits, b.pilot);
    if (rc != LAGSIM_OK)
        goto done;
    b.first_unit = malloc((n + 1) * sizeof *b.first_unit);
    b.base = malloc(n * sizeof *b.base);
    b.pooled = malloc(n * sizeof *b.pooled);
    if (!b.first_unit || !b.base || !b.pooled) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    for (size_t j = 0; j < n; j++) {
        b.first_unit[j] = b.total;
        b.base[j] = jobs[j].out->reps;
        b.pooled[j] = jobs[j].out->reps;
        if ((uint64_t)jobs[j].out->reps + jobs[j].add > UINT32_MAX) {
            rc = LAGSIM_EINVAL;
            goto done;
        }
        b.total += jobs[j].add;
    }
    b.first_unit[n] = b.total;
    if (b.total == 0)
        goto done;
    b.status = calloc(b.total, sizeof *b.status);
    if (!b.status || (rc = grow_values(&b)) != LAGSIM_OK) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    rc = run_units(&b, threads);
    for (size_t j = 0; j < n; j++) {
        lagsim_replicated_t *out = jobs[j].out;
        out->reps += jobs[j].add;
        out->pooled->mode = jobs[j].mode;
        out->pooled->replication = 0;
        out->pooled->warmup = out->warmup.cut;
        summarise(out);
    }
    for (uint64_t u = 0; u < b.total && rc == LAGSIM_OK; u++)
        rc = b.status[u];
done:
    for (size_t j = 0; j < n; j++)
        lagsim_result_destroy(b.pilot[j]);
    free(b.pilot);
    free(b.first_unit);
    free(b.base);
    free(b.pooled);
    free(b.status);
    return rc;
}

int lagsim_run_replications(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                            uint32_t reps, unsigned threads,
                            const lagsim_run_limits_t *limits, lagsim_replicated_t *out)
{
    if (reps < 1)
        return LAGSIM_EINVAL;
    lagsim_replicated_reset(out);
    lagsim_batch_job_t job = {.sc = sc, .mode = mode, .add = reps, .out = out};
    return lagsim_run_batch(&job, 1, threads, limits);
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

/* Whether x satisfies "x OP v". */
static int term_ok(enum lagsim_slo_op op, double x, double v)
{
    switch (op) {
    case LAGSIM_SLO_LE: return x <= v;
    case LAGSIM_SLO_LT: return x < v;
    case LAGSIM_SLO_GE: return x >= v;
    case LAGSIM_SLO_GT: return x > v;
    }
    return 0;
}

enum lagsim_verdict lagsim_slo_term_verdict(enum lagsim_slo_op op, double threshold, double mean,
                                            double half_width)
{
    if (isnan(mean))
        return LAGSIM_VERDICT_FAILS;
    if (!(half_width > 0)) /* NAN or 0: the mean decides */
        return term_ok(op, mean, threshold) ? LAGSIM_VERDICT_HOLDS : LAGSIM_VERDICT_FAILS;
    const int lo = term_ok(op, mean - half_width, threshold);
    const int hi = term_ok(op, mean + half_width, threshold);
    if (lo && hi)
        return LAGSIM_VERDICT_HOLDS;
    if (!lo && !hi)
        return LAGSIM_VERDICT_FAILS;
    return LAGSIM_VERDICT_UNDECIDED;
}

enum lagsim_verdict lagsim_slo_verdict(const lagsim_slo_t *slo, const lagsim_replicated_t *r,
                                       char *why, size_t why_size)
{
    enum lagsim_verdict all = LAGSIM_VERDICT_HOLDS;
    for (unsigned i = 0; i < slo->n; i++) {
        const lagsim_summary_t *s = &r->figure[slo->term[i].figure];
        const double x = s->n ? s->mean : NAN;
        const double hw = s->n >= 2 ? lagsim_summary_half_width(s, 0.95) : NAN;
        const enum lagsim_verdict v =
            lagsim_slo_term_verdict(slo->term[i].op, slo->term[i].value, x, hw);
        /* Keep the first undecided term's reason, unless a term fails. */
        if (v == LAGSIM_VERDICT_HOLDS || (v == LAGSIM_VERDICT_UNDECIDED && all == v))
            continue;
        all = v;
        if (why && v == LAGSIM_VERDICT_FAILS)
            snprintf(why, why_size, "%s: %s is %.6g", slo->term[i].text,
                     lagsim_figure_name(slo->term[i].figure), x);
        else if (why)
            snprintf(why, why_size, "%s: %s is %.6g +- %.6g, an interval across %.6g",
                     slo->term[i].text, lagsim_figure_name(slo->term[i].figure), x, hw,
                     slo->term[i].value);
        if (v == LAGSIM_VERDICT_FAILS)
            break;
    }
    return all;
}
