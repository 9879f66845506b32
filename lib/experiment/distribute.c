/*
 * distribute.c - the work-distribution seam of experiment.h: one unit of
 * a batch run anywhere (lagsim_task_run()), the default executor that
 * runs a batch's units on this process's threads
 * (lagsim_execute_local()), and the packing of a unit's outcome (result
 * and warm-up) so that another executor can carry it between processes.
 *
 * Central idea: an executor never merges anything. It runs units and
 * hands each outcome, one at a time, to the batch's callback, which
 * stores it by unit number (replicate.c). So whether the units ran on
 * threads here or on other machines, and in whatever order they came
 * back, the batch sees the same outcomes and gives the same answer.
 *
 * The local executor: threads take unit numbers from a shared atomic
 * counter; each runs its unit into its own result, then calls the
 * callback under one lock (which also guards the progress sums).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "experiment/experiment_internal.h"
#include "stats/pack.h"

int lagsim_task_run(const lagsim_task_t *u, const lagsim_run_limits_t *limits,
                    lagsim_result_t *out, lagsim_warmup_t *warmup)
{
    if (u->pilot)
        return lsi_warmup_pilot(u->sc, u->mode, limits, warmup, out);
    return lsi_run(u->sc, u->mode, u->replication, limits, NULL, u->cut, NULL, out);
}

/* ---- The local executor ---------------------------------------------------- */

typedef struct local {
    const lagsim_task_t *units;
    uint64_t n;
    const lagsim_run_limits_t *limits;
    lagsim_task_done_fn done;
    void *done_ctx;
    atomic_uint_fast64_t next; /* next unit to take */
    atomic_int halted;         /* a run stopped at a limit (memory, stuck): no
                                  further unit starts */
    pthread_mutex_t lock;      /* serialises done() and the progress sums */
    uint64_t finished;         /* units done (under lock) */
    double running;            /* sum of the running units' progress (under lock) */
} local_t;

typedef struct worker {
    local_t *l;
    lagsim_run_limits_t limits; /* the caller's, with progress through this worker */
    double fraction;            /* progress of its current run, as last reported */
} worker_t;

/* Calls the caller's progress callback with the share done. Under lock. */
static void report_progress(local_t *l)
{
    const double share = ((double)l->finished + l->running) / (double)l->n;
    l->limits->progress(l->limits->progress_ctx, share < 1 ? share : 1);
}

/* Progress of one run: forwarded when it moved by 1% or more. */
static void worker_progress(void *ctx, double fraction)
{
    worker_t *w = ctx;
    if (fraction - w->fraction < 0.01)
        return;
    pthread_mutex_lock(&w->l->lock);
    w->l->running += fraction - w->fraction;
    w->fraction = fraction;
    report_progress(w->l);
    pthread_mutex_unlock(&w->l->lock);
}

static void *work(void *arg)
{
    worker_t *w = arg;
    local_t *l = w->l;
    lagsim_result_t *mine = lagsim_result_create();
    if (!mine)
        return NULL; /* the other workers take the units */
    for (;;) {
        const uint64_t u = atomic_fetch_add(&l->next, 1u);
        if (u >= l->n)
            break;
        lagsim_warmup_t warmup;
        memset(&warmup, 0, sizeof warmup);
        int status = LAGSIM_EINTR;
        /* After an interrupt, or once a run stopped at the process's memory
         * limit or in a zero-delay loop (the others would only stop there
         * too), no unit starts, pilots included. */
        const int skip = (l->limits->interrupt && *l->limits->interrupt) ||
                         atomic_load(&l->halted);
        if (!skip) {
            status = lagsim_task_run(&l->units[u], &w->limits, mine, &warmup);
            if (mine->partial == LAGSIM_STOP_MEMORY || mine->partial == LAGSIM_STOP_STUCK)
                atomic_store(&l->halted, 1);
        }
        pthread_mutex_lock(&l->lock);
        l->done(l->done_ctx, u, status, skip ? NULL : mine, l->units[u].pilot ? &warmup : NULL);
        l->finished++;
        l->running -= w->fraction;
        w->fraction = 0;
        if (l->limits->progress)
            report_progress(l);
        pthread_mutex_unlock(&l->lock);
    }
    lagsim_result_destroy(mine);
    return NULL;
}

int lagsim_execute_local(const lagsim_task_t *units, uint64_t n, unsigned threads,
                         const lagsim_run_limits_t *limits, lagsim_task_done_fn done,
                         void *done_ctx)
{
    static const lagsim_run_limits_t no_limits = {0};
    if (n == 0)
        return LAGSIM_OK;
    local_t l;
    memset(&l, 0, sizeof l);
    l.units = units;
    l.n = n;
    l.limits = limits ? limits : &no_limits;
    l.done = done;
    l.done_ctx = done_ctx;
    atomic_init(&l.next, 0u);
    atomic_init(&l.halted, 0);
    if (threads < 1)
        threads = 1;
    if (threads > n)
        threads = (unsigned)n;
    worker_t *w = calloc(threads, sizeof *w);
    pthread_t *tid = calloc(threads, sizeof *tid);
    int rc = LAGSIM_OK;
    unsigned started = 0;
    if (!w || !tid) {
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    pthread_mutex_init(&l.lock, NULL);
    for (unsigned t = 0; t < threads; t++) {
        w[t].l = &l;
        w[t].limits = *l.limits;
        w[t].limits.executor = NULL;
        if (l.limits->progress) {
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
    pthread_mutex_destroy(&l.lock);
    /* A worker without memory for its result takes no unit and the others
     * take them all; only when every worker failed are units left over. */
    if (atomic_load(&l.next) < n)
        rc = LAGSIM_ENOMEM;
done:
    free(w);
    free(tid);
    return rc;
}

/* ---- Packing ------------------------------------------------------------------ */

#define RESULT_MAGIC 0x4c47524bu /* "LGRK": a packed result, format 1 */
#define WARMUP_MAGIC 0x4c47574du

static void result_put(lsi_pack_t *w, const lagsim_result_t *r)
{
    lsi_put_u32(w, RESULT_MAGIC);
    lsi_put_u32(w, (uint32_t)r->mode);
    lsi_put_u32(w, r->replication);
    lsi_put_u64(w, r->fired);
    lsi_put_u64(w, r->delivered);
    lsi_put_u64(w, r->visible);
    lsi_put_u64(w, r->in_flight);
    lsi_put_u64(w, r->in_flight_next_session);
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        lsi_put_u64(w, r->dropped[i]);
    lsi_put_i64(w, r->conserved);
    lsi_put_u64(w, r->requests);
    lsi_put_u64(w, r->retries);
    for (int i = 0; i < LAGSIM_RESP_COUNT; i++)
        lsi_put_u64(w, r->responses[i]);
    lsi_put_u64(w, r->backlog_peak);
    lsi_put_i64(w, r->backlog_peak_at);
    lsi_put_i64(w, r->end_time);
    lsi_put_i64(w, r->drain_time);
    lsi_put_i64(w, r->partial);
    lsi_put_u64(w, r->sim_events);
    lsi_put_f64(w, r->wall_seconds);
    lsi_hist_put(w, r->latency_delivered);
    lsi_hist_put(w, r->latency_visible);
    lsi_breakdown_put(w, r->hops);
    for (int k = 0; k < 3; k++)
        lsi_hist_put(w, r->latency_by_priority[k]);
    lsi_put_u64(w, r->duplicates);
    lsi_put_u64(w, r->offline_failures);
    lsi_put_u64(w, r->segment_429);
    lsi_series_put(w, r->series);
    lsi_series_put(w, r->visible_by_fired);
    lsi_put_f64(w, r->backlog_area);
    lsi_put_i64(w, r->backlog_span);
    lsi_put_i64(w, r->backlog_drained_at);
    lsi_put_i64(w, r->warmup);
}

/* Returns 0, -1 (malformed) or -2 (out of memory). */
static int result_get(lsi_unpack_t *p, lagsim_result_t *r)
{
    if (lsi_get_u32(p) != RESULT_MAGIC) {
        p->bad = 1;
        return -1;
    }
    const uint32_t mode = lsi_get_u32(p);
    if (mode >= LAGSIM_MODE_COUNT) {
        p->bad = 1;
        return -1;
    }
    lsi_result_reset(r, (enum lagsim_mode)mode, lsi_get_u32(p));
    r->fired = lsi_get_u64(p);
    r->delivered = lsi_get_u64(p);
    r->visible = lsi_get_u64(p);
    r->in_flight = lsi_get_u64(p);
    r->in_flight_next_session = lsi_get_u64(p);
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        r->dropped[i] = lsi_get_u64(p);
    r->conserved = (int)lsi_get_i64(p);
    r->requests = lsi_get_u64(p);
    r->retries = lsi_get_u64(p);
    for (int i = 0; i < LAGSIM_RESP_COUNT; i++)
        r->responses[i] = lsi_get_u64(p);
    r->backlog_peak = lsi_get_u64(p);
    r->backlog_peak_at = lsi_get_i64(p);
    r->end_time = lsi_get_i64(p);
    r->drain_time = lsi_get_i64(p);
    r->partial = (int)lsi_get_i64(p);
    r->sim_events = lsi_get_u64(p);
    r->wall_seconds = lsi_get_f64(p);
    int rc = 0;
    if (rc == 0)
        rc = lsi_hist_get(p, r->latency_delivered);
    if (rc == 0)
        rc = lsi_hist_get(p, r->latency_visible);
    if (rc == 0)
        rc = lsi_breakdown_get(p, r->hops);
    for (int k = 0; k < 3 && rc == 0; k++)
        rc = lsi_hist_get(p, r->latency_by_priority[k]);
    r->duplicates = lsi_get_u64(p);
    r->offline_failures = lsi_get_u64(p);
    r->segment_429 = lsi_get_u64(p);
    if (rc == 0)
        rc = lsi_series_get(p, r->series);
    if (rc == 0)
        rc = lsi_series_get(p, r->visible_by_fired);
    r->backlog_area = lsi_get_f64(p);
    r->backlog_span = lsi_get_i64(p);
    r->backlog_drained_at = lsi_get_i64(p);
    r->warmup = lsi_get_i64(p);
    return rc != 0 ? rc : p->bad ? -1 : 0;
}

size_t lagsim_result_pack(const lagsim_result_t *r, void *buf, size_t cap)
{
    lsi_pack_t w = {.buf = buf, .cap = buf ? cap : 0, .len = 0};
    result_put(&w, r);
    return w.len;
}

int lagsim_result_unpack(lagsim_result_t *r, const void *buf, size_t len)
{
    lsi_unpack_t p = {.buf = buf, .len = len, .off = 0, .bad = 0};
    const int rc = result_get(&p, r);
    return rc == -2 ? -2 : rc == 0 && !p.bad && p.off == p.len ? 0 : -1;
}

size_t lagsim_warmup_pack(const lagsim_warmup_t *wu, void *buf, size_t cap)
{
    lsi_pack_t w = {.buf = buf, .cap = buf ? cap : 0, .len = 0};
    lsi_put_u32(&w, WARMUP_MAGIC);
    lsi_put_u32(&w, (uint32_t)wu->method);
    lsi_put_i64(&w, wu->cut);
    lsi_put_u32(&w, wu->batches);
    lsi_put_u32(&w, wu->cut_batches);
    lsi_put_i64(&w, wu->batch_width);
    return w.len;
}

int lagsim_warmup_unpack(lagsim_warmup_t *wu, const void *buf, size_t len)
{
    lsi_unpack_t p = {.buf = buf, .len = len, .off = 0, .bad = 0};
    memset(wu, 0, sizeof *wu);
    if (lsi_get_u32(&p) != WARMUP_MAGIC)
        return -1;
    const uint32_t method = lsi_get_u32(&p);
    if (method > LAGSIM_WARMUP_UNSETTLED)
        return -1;
    wu->method = (enum lagsim_warmup_method)method;
    wu->cut = lsi_get_i64(&p);
    wu->batches = lsi_get_u32(&p);
    wu->cut_batches = lsi_get_u32(&p);
    wu->batch_width = lsi_get_i64(&p);
    return !p.bad && p.off == p.len ? 0 : -1;
}
