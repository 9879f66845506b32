/*
 * replicate.c - independent replications, spread over threads, pooled
 * and summarised so that the answer does not depend on the thread count:
 * lagsim_run_batch() extends the replications of several (scenario, mode)
 * jobs at once, and lagsim_run_replications() is one job from zero.
 *
 * A batch is a list of units - (job, replication), numbered job by job -
 * run by an executor (distribute.c: this process's threads by default,
 * other processes under MPI), so where and in which order a replication
 * runs varies; what each produces does not. Counters and histogram
 * buckets are integers (the histogram's sum is exact too), so pooling
 * them is order-free; the headline figures of each replication go into a
 * table indexed by replication number and are summarised in that order
 * once every unit is back. Adding replications appends rows to that
 * table, so earlier replications never change.
 *
 * A job's first batch decides its warm-up cut (lagsim_warmup_find()):
 * the pilots that steady-state jobs need run first, as units of their own,
 * and every replication of the job then applies that one cut.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/experiment_internal.h"

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
    const int rc = lagsim_series_merge(p->series, r->series) == 0 &&
                           lagsim_series_merge(p->visible_by_fired, r->visible_by_fired) == 0
                       ? LAGSIM_OK
                       : LAGSIM_ENOMEM;
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
    p->segment_429 += r->segment_429;
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
    /* Every choice below is a minimum or maximum, so that the pool is the
     * same in whatever order replications arrive (threads, other ranks). */
    p->conserved &= r->conserved;
    if (r->partial && (!p->partial || r->partial < p->partial))
        p->partial = r->partial;
    if (r->backlog_peak > p->backlog_peak ||
        (r->backlog_peak == p->backlog_peak &&
         (r->backlog_peak_at < p->backlog_peak_at ||
          (r->backlog_peak_at == p->backlog_peak_at &&
           r->backlog_drained_at < p->backlog_drained_at)))) {
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
    r->ran = 0;
    memset(&r->warmup, 0, sizeof r->warmup);
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++)
        lagsim_summary_reset(&r->figure[f]);
}

/* Copies a result (through its packed form: exact by construction).
 * Returns LAGSIM_OK or LAGSIM_ENOMEM. */
static int result_copy(lagsim_result_t *dst, const lagsim_result_t *src)
{
    const size_t len = lagsim_result_pack(src, NULL, 0);
    unsigned char *buf = malloc(len);
    if (!buf)
        return LAGSIM_ENOMEM;
    lagsim_result_pack(src, buf, len);
    const int rc = lagsim_result_unpack(dst, buf, len);
    free(buf);
    return rc == 0 ? LAGSIM_OK : LAGSIM_ENOMEM;
}

/*
 * A batch: the units of every job, numbered job by job, given to the
 * executor (distribute.c). Its callback, never called for two units at
 * once, writes each replication's figures into its own row of its job's
 * values table and adds its result into the job's pool (integer adds: any
 * order gives the same).
 */
typedef struct batch {
    lagsim_batch_job_t *jobs;
    size_t n_jobs;
    lagsim_task_t *units;       /* [n_units]: what the executor runs */
    size_t *unit_job;           /* [n_units]: the job of each unit */
    uint64_t *unit_slot;        /* [n_units]: its place in (job, replication) order */
    uint64_t n_units;
    uint32_t *pooled;           /* [n_jobs]: results pooled so far */
    int *status;                /* [total]: run status in (job, replication) order */
    uint64_t total;             /* (job, replication) pairs, pilots stood in included */
    lagsim_result_t **pilot;    /* [n_jobs]: a pilot run that stands in for the
                                   job's replication 0 (its cut is 0), or NULL */
    int rc;                     /* LAGSIM_ENOMEM if a result could not be kept */
} batch_t;

/* Figures and pool of one replication of job j. */
static void keep_replication(batch_t *b, size_t j, int status, const lagsim_result_t *r)
{
    const lagsim_batch_job_t *job = &b->jobs[j];
    double *row = job->out->values + (size_t)r->replication * LAGSIM_FIG_COUNT;
    for (int f = 0; f < LAGSIM_FIG_COUNT; f++)
        row[f] = lagsim_figure_value(r, (enum lagsim_figure)f);
    if ((status == LAGSIM_OK || status == LAGSIM_ECONSERVE) &&
        pool_add(job->out->pooled, r, b->pooled[j]++ == 0) != LAGSIM_OK)
        b->rc = LAGSIM_ENOMEM;
}

/* The executor's callback (lagsim_task_done_fn). */
static void unit_done(void *ctx, uint64_t u, int status, const lagsim_result_t *r,
                      const lagsim_warmup_t *warmup)
{
    batch_t *b = ctx;
    const size_t j = b->unit_job[u];
    b->status[b->unit_slot[u]] = status;
    if (b->units[u].pilot) {
        lagsim_warmup_t *w = &b->jobs[j].out->warmup;
        if (warmup)
            *w = *warmup;
        if (w->method == LAGSIM_WARMUP_TERMINATING)
            w->why = lagsim_scenario_terminating(b->jobs[j].sc); /* not packed */
        if (r && b->pilot[j] && result_copy(b->pilot[j], r) != LAGSIM_OK)
            b->rc = LAGSIM_ENOMEM;
        return;
    }
    if (r) /* else skipped by an interrupt: its row stays NAN, nothing counted */
        keep_replication(b, j, status, r);
}

/* Runs b's units with the limits' executor (default: this process's threads). */
static int run_units(batch_t *b, unsigned threads, const lagsim_run_limits_t *limits)
{
    const lagsim_executor_t *ex = limits->executor;
    if (b->n_units == 0)
        return b->rc;
    const int rc = ex ? ex->run(ex, b->units, b->n_units, threads, limits, unit_done, b)
                      : lagsim_execute_local(b->units, b->n_units, threads, limits, unit_done, b);
    return rc != LAGSIM_OK ? rc : b->rc;
}

/* Grows each job's values table for its new rows, filled with NAN. */
static int grow_values(lagsim_batch_job_t *jobs, size_t n)
{
    for (size_t j = 0; j < n; j++) {
        lagsim_replicated_t *out = jobs[j].out;
        const size_t rows = (size_t)out->reps + jobs[j].add;
        if (jobs[j].add == 0)
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
    for (size_t f = 0; f < LAGSIM_FIG_COUNT; f++) {
        lagsim_summary_reset(&out->figure[f]);
        for (uint32_t i = 0; i < out->reps; i++) {
            const double x = out->values[(size_t)i * LAGSIM_FIG_COUNT + f];
            if (!isnan(x))
                lagsim_summary_add(&out->figure[f], x);
        }
    }
}

/*
 * Decides the warm-up cut of every job about to run its first
 * replications: at once where it is given or the scenario is terminating,
 * by a pilot run where it is found by MSER-5 (the pilots are units of
 * their own, run by the executor). Returns LAGSIM_OK or the first failing
 * pilot's status.
 */
static int decide_warmups(batch_t *b, unsigned threads, const lagsim_run_limits_t *limits)
{
    lagsim_batch_job_t *jobs = b->jobs;
    const size_t n = b->n_jobs;
    b->units = calloc(n, sizeof *b->units);
    b->unit_job = malloc(n * sizeof *b->unit_job);
    b->unit_slot = malloc(n * sizeof *b->unit_slot);
    b->status = calloc(n, sizeof *b->status);
    b->n_units = 0;
    int rc = b->units && b->unit_job && b->unit_slot && b->status ? LAGSIM_OK : LAGSIM_ENOMEM;
    for (size_t j = 0; j < n && rc == LAGSIM_OK; j++) {
        if (jobs[j].add == 0 || jobs[j].out->reps > 0)
            continue; /* decided by its first batch */
        if (jobs[j].sc->warmup == LAGSIM_WARMUP_AUTO && !lagsim_scenario_terminating(jobs[j].sc)) {
            if (!(b->pilot[j] = lagsim_result_create()))
                rc = LAGSIM_ENOMEM;
            b->units[b->n_units] = (lagsim_task_t){.sc = jobs[j].sc, .mode = jobs[j].mode,
                                                   .replication = 0, .cut = 0, .pilot = 1};
            b->unit_slot[b->n_units] = b->n_units;
            b->unit_job[b->n_units++] = j;
        } else {
            rc = lagsim_warmup_find(jobs[j].sc, jobs[j].mode, limits, &jobs[j].out->warmup);
        }
    }
    if (rc == LAGSIM_OK && b->n_units > 0)
        rc = run_units(b, threads, limits);
    /* A pilot an interrupt kept from starting is not a failure: its job's
     * replications will not start either (the batch leaves them out). */
    for (uint64_t u = 0; u < b->n_units && rc == LAGSIM_OK; u++) {
        if (b->status[u] != LAGSIM_EINTR) {
            rc = b->status[u];
        } else {
            lagsim_result_destroy(b->pilot[b->unit_job[u]]);
            b->pilot[b->unit_job[u]] = NULL;
        }
    }
    /* A pilot stands in for replication 0 only where no cut applies. */
    for (size_t j = 0; j < n; j++)
        if (b->pilot[j] && jobs[j].out->warmup.cut != 0) {
            lagsim_result_destroy(b->pilot[j]);
            b->pilot[j] = NULL;
        }
    free(b->units);
    free(b->unit_job);
    free(b->unit_slot);
    free(b->status);
    b->units = NULL;
    b->unit_job = NULL;
    b->unit_slot = NULL;
    b->status = NULL;
    b->n_units = 0;
    return rc;
}

int lagsim_run_batch(lagsim_batch_job_t *jobs, size_t n, unsigned threads,
                     const lagsim_run_limits_t *limits)
{
    static const lagsim_run_limits_t no_limits = {0};
    if (!limits)
        limits = &no_limits;
    batch_t b;
    memset(&b, 0, sizeof b);
    b.jobs = jobs;
    b.n_jobs = n;
    if (n == 0)
        return LAGSIM_OK;
    b.pilot = calloc(n, sizeof *b.pilot);
    if (!b.pilot)
        return LAGSIM_ENOMEM;
    int rc = decide_warmups(&b, threads, limits);
    if (rc != LAGSIM_OK)
        goto done;
    b.pooled = malloc(n * sizeof *b.pooled);
    if (!b.pooled) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    uint64_t total = 0;
    for (size_t j = 0; j < n; j++) {
        b.pooled[j] = jobs[j].out->reps;
        if ((uint64_t)jobs[j].out->reps + jobs[j].add > UINT32_MAX) {
            rc = LAGSIM_EINVAL;
            goto done;
        }
        total += jobs[j].add;
    }
    if (total == 0)
        goto done;
    b.units = malloc(total * sizeof *b.units);
    b.unit_job = malloc(total * sizeof *b.unit_job);
    b.unit_slot = malloc(total * sizeof *b.unit_slot);
    b.status = calloc(total, sizeof *b.status);
    if (!b.units || !b.unit_job || !b.unit_slot || !b.status ||
        (rc = grow_values(jobs, n)) != LAGSIM_OK) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    /* Every (job, replication); a pilot that stands in for replication 0
     * is kept here at once (its status: its conservation check). */
    for (size_t j = 0; j < n; j++) {
        for (uint32_t k = 0; k < jobs[j].add; k++) {
            const uint32_t rep = jobs[j].out->reps + k;
            if (rep == 0 && b.pilot[j]) {
                b.status[b.total] = b.pilot[j]->conserved ? LAGSIM_OK : LAGSIM_ECONSERVE;
                keep_replication(&b, j, b.status[b.total++], b.pilot[j]);
                continue;
            }
            b.units[b.n_units] = (lagsim_task_t){.sc = jobs[j].sc, .mode = jobs[j].mode,
                                                 .replication = rep,
                                                 .cut = jobs[j].out->warmup.cut, .pilot = 0};
            b.unit_job[b.n_units] = j;
            b.unit_slot[b.n_units++] = b.total++;
        }
    }
    rc = run_units(&b, threads, limits);
    for (size_t j = 0, first = 0; j < n; first += jobs[j++].add) {
        lagsim_replicated_t *out = jobs[j].out;
        /* Replications an interrupt or a limit kept from starting are left
         * out: the job ends after the last one that ran (none: reps stays). */
        uint32_t started = 0;
        for (uint32_t k = 0; k < jobs[j].add; k++)
            if (b.status[first + k] != LAGSIM_EINTR)
                started = k + 1;
        out->reps += started;
        out->ran = b.pooled[j];
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
    free(b.units);
    free(b.unit_job);
    free(b.unit_slot);
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
