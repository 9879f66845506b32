/*
 * cli_dist_mpi.c - lagsim-mpi's work distribution: every line of MPI in
 * lagsim is here (built only into build/lagsim-mpi; build/lagsim has
 * cli_dist_local.c in its place). Rank 0 runs the command exactly as one
 * process would; the other ranks only serve it, through the library's
 * executor seam (experiment.h, "Distributing work").
 *
 * Central idea: dynamic load balancing by request. A serving rank asks
 * rank 0 for work, runs what it gets (up to --threads units at once, on
 * its own threads), sends back every unit's packed result
 * (lagsim_result_pack(): bit for bit) with its next request, and so on.
 * Rank 0 hands out units in unit order to whoever asks first, runs
 * units itself on a helper thread (so N ranks are N workers), and passes
 * each outcome to the batch, which stores it by unit number: where and in
 * which order a unit ran cannot change a byte of the output. Points that
 * cost 1000x more than others just keep one rank busy longer; nobody
 * waits for a fixed share.
 *
 * Messages (tag WORK, rank 0 -> rank r; tag BACK, rank r -> rank 0):
 *   WORK  u32 kind (1 units, 0 stop), u32 threads, u64 max_memory,
 *         u32 count, then per unit: u64 unit, u32 scenario id, u32 mode,
 *         u32 replication, i64 cut, i32 pilot, u32 has_scenario, and the
 *         scenario's bytes the first time that rank needs that scenario.
 *   BACK  u32 count, then per unit: u64 unit, i32 status, u64 result
 *         length and bytes (0: skipped), u64 warm-up length and bytes.
 * A serving rank always has exactly one BACK unanswered: its request.
 * Values are in the machine's own byte order and scenarios are sent as
 * raw structs (lagsim_scenario_t holds one pointer, its replay reader,
 * attached again on arrival): every rank must run
 * the same build on the same kind of machine, as MPI jobs do.
 *
 * Waiting never spins: ranks poll with MPI_Iprobe and sleep in between
 * (a millisecond at most), so an idle rank leaves its core to the
 * workers beside it. Signals: mpirun and srun pass SIGINT/SIGTERM to every
 * rank; running units stop early and come back as partial results, the
 * units not started are skipped, and rank 0 reports what ran, as one
 * process does. A rank that dies makes mpirun end the job; rank 0 never
 * commits an output file before every unit it handed out is back.
 */
#include <fcntl.h>
#include <mpi.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

enum { TAG_WORK = 1, TAG_BACK = 2 };
enum { KIND_STOP = 0, KIND_UNITS = 1 };

/* Seconds rank 0 waits, after a signal, for the units other ranks hold.
 * An interrupted run stops within milliseconds; a rank that stays silent
 * longer has most likely died (mpirun then signals everyone, and kills
 * what is left a second later: rank 0 must be gone before that, with its
 * temporary output files removed). */
#define INTERRUPT_GRACE 0.7

static int mpi_on;       /* MPI_Init_thread() was called */
static int node_ranks = 1; /* ranks on this rank's node */
static int my_rank;
static int n_ranks = 1;

/* ---- Byte buffers ------------------------------------------------------------ */

typedef struct wbuf {
    unsigned char *p;
    size_t n, cap;
    int oom;
} wbuf_t;

/* Room for len more bytes. Returns 0, or -1 (b->oom set) if out of memory. */
static int reserve(wbuf_t *b, size_t len)
{
    if (b->oom)
        return -1;
    if (b->cap - b->n >= len)
        return 0;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap - b->n < len)
        cap *= 2;
    unsigned char *p = realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

static void put(wbuf_t *b, const void *v, size_t len)
{
    if (reserve(b, len) != 0)
        return;
    memcpy(b->p + b->n, v, len);
    b->n += len;
}

/* Room for len bytes at the end, counted as written; NULL if out of memory. */
static unsigned char *put_room(wbuf_t *b, size_t len)
{
    if (reserve(b, len) != 0)
        return NULL;
    unsigned char *at = b->p + b->n;
    b->n += len;
    return at;
}

typedef struct rbuf {
    const unsigned char *p;
    size_t n, off;
    int bad;
} rbuf_t;

static void get(rbuf_t *r, void *v, size_t len)
{
    if (r->bad || r->n - r->off < len) {
        r->bad = 1;
        memset(v, 0, len);
        return;
    }
    memcpy(v, r->p + r->off, len);
    r->off += len;
}

/* len bytes in place (NULL when short). */
static const unsigned char *get_span(rbuf_t *r, size_t len)
{
    if (r->bad || r->n - r->off < len) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p + r->off;
    r->off += len;
    return p;
}

#define PUT(b, x) put((b), &(x), sizeof(x))
#define GET(r, x) get((r), &(x), sizeof(x))

static void nap(double seconds)
{
    struct timespec ts = {0, (long)(seconds * 1e9)};
    nanosleep(&ts, NULL);
}

/* Receives the next message with `tag` from `src` (or any), polling
 * without spinning. Returns the buffer (malloc'd) and its sender. */
static unsigned char *recv_msg(int src, int tag, int *from, size_t *len)
{
    MPI_Status st;
    int flag = 0;
    double pause = 50e-6;
    for (;;) {
        MPI_Iprobe(src, tag, MPI_COMM_WORLD, &flag, &st);
        if (flag)
            break;
        nap(pause);
        if (pause < 1e-3)
            pause *= 2;
    }
    int count = 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    unsigned char *p = malloc(count > 0 ? (size_t)count : 1);
    if (!p) {
        fputs("lagsim: out of memory receiving from another rank\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Recv(p, count, MPI_BYTE, st.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    *from = st.MPI_SOURCE;
    *len = (size_t)count;
    return p;
}

static void send_msg(const wbuf_t *b, int dest, int tag)
{
    if (b->oom || b->n > (size_t)INT32_MAX) {
        fputs("lagsim: a message between ranks is too large or out of memory\n", stderr);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    MPI_Send(b->p, (int)b->n, MPI_BYTE, dest, tag, MPI_COMM_WORLD);
}

/* ---- A serving rank -------------------------------------------------------------- */

/* The outcome of each unit of a chunk, packed into the BACK message. */
typedef struct chunk_out {
    wbuf_t *b;
    const uint64_t *unit; /* global unit numbers of the chunk */
} chunk_out_t;

static void pack_outcome(wbuf_t *b, uint64_t unit, int status, const lagsim_result_t *r,
                         const lagsim_warmup_t *w)
{
    const int32_t st = status;
    PUT(b, unit);
    PUT(b, st);
    uint64_t len = r ? lagsim_result_pack(r, NULL, 0) : 0;
    PUT(b, len);
    unsigned char *at = len ? put_room(b, (size_t)len) : NULL;
    if (at)
        lagsim_result_pack(r, at, (size_t)len);
    len = w ? lagsim_warmup_pack(w, NULL, 0) : 0;
    PUT(b, len);
    at = len ? put_room(b, (size_t)len) : NULL;
    if (at)
        lagsim_warmup_pack(w, at, (size_t)len);
}

static void chunk_done(void *ctx, uint64_t i, int status, const lagsim_result_t *r,
                       const lagsim_warmup_t *w)
{
    chunk_out_t *c = ctx;
    pack_outcome(c->b, c->unit[i], status, r, w);
}

/* Serves rank 0 until it says stop. */
static void serve(void)
{
    const volatile int *interrupt = lsi_cli_signals_install();
    lagsim_scenario_t **cache = NULL; /* by scenario id */
    uint32_t n_cache = 0;
    wbuf_t back = {0};
    uint32_t zero = 0;
    PUT(&back, zero); /* the first request: no results */
    send_msg(&back, 0, TAG_BACK);
    for (;;) {
        int from;
        size_t len;
        unsigned char *msg = recv_msg(0, TAG_WORK, &from, &len);
        rbuf_t r = {msg, len, 0, 0};
        uint32_t kind, threads, count;
        uint64_t max_memory;
        GET(&r, kind);
        if (kind == KIND_STOP) {
            free(msg);
            break;
        }
        GET(&r, threads);
        GET(&r, max_memory);
        GET(&r, count);
        lagsim_task_t *units = calloc(count ? count : 1, sizeof *units);
        uint64_t *unit = calloc(count ? count : 1, sizeof *unit);
        if (!units || !unit) {
            fputs("lagsim: out of memory on a serving rank\n", stderr);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        for (uint32_t i = 0; i < count && !r.bad; i++) {
            uint32_t sid, mode, rep, has_sc;
            int32_t pilot;
            int64_t cut;
            GET(&r, unit[i]);
            GET(&r, sid);
            GET(&r, mode);
            GET(&r, rep);
            GET(&r, cut);
            GET(&r, pilot);
            GET(&r, has_sc);
            if (sid >= n_cache) {
                lagsim_scenario_t **c = realloc(cache, (sid + 1) * sizeof *c);
                if (!c)
                    MPI_Abort(MPI_COMM_WORLD, 1);
                memset(c + n_cache, 0, (sid + 1 - n_cache) * sizeof *c);
                cache = c;
                n_cache = sid + 1;
            }
            if (has_sc) {
                const unsigned char *sc = get_span(&r, sizeof(lagsim_scenario_t));
                if (sc && !cache[sid] && !(cache[sid] = malloc(sizeof *cache[sid])))
                    MPI_Abort(MPI_COMM_WORLD, 1);
                if (sc) {
                    memcpy(cache[sid], sc, sizeof *cache[sid]);
                    /* The replay reader's address is this process's own. */
                    if (cache[sid]->replay.file[0])
                        cache[sid]->replay.source = lagsim_replay_csv_source();
                }
            }
            if (!cache[sid] || mode >= LAGSIM_MODE_COUNT)
                r.bad = 1;
            units[i] = (lagsim_task_t){.sc = cache[sid], .mode = (enum lagsim_mode)mode,
                                       .replication = rep, .cut = cut, .pilot = pilot};
        }
        if (r.bad) {
            fprintf(stderr, "lagsim: rank %d: a malformed message from rank 0\n", my_rank);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        free(msg);
        back.n = 0;
        PUT(&back, count);
        chunk_out_t out = {&back, unit};
        const lagsim_run_limits_t limits = {.max_memory = max_memory, .interrupt = interrupt};
        if (lagsim_execute_local(units, count, threads, &limits, chunk_done, &out) != LAGSIM_OK) {
            fprintf(stderr, "lagsim: rank %d: out of memory\n", my_rank);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        send_msg(&back, 0, TAG_BACK);
        free(units);
        free(unit);
    }
    for (uint32_t i = 0; i < n_cache; i++)
        free(cache[i]);
    free(cache);
    free(back.p);
}

/* ---- Rank 0: the executor ---------------------------------------------------------- */

typedef struct sent_sc {
    const lagsim_scenario_t *sc;
    uint64_t hash; /* of its bytes: a freed and reused address is a new scenario */
} sent_sc_t;

/* What rank 0 keeps about the other ranks between batches. */
static struct {
    sent_sc_t *sc;            /* scenario ids */
    uint32_t n_sc, cap_sc;
    unsigned char **has;      /* [rank][id]: that rank holds scenario id */
    uint32_t *has_cap;        /* [rank] */
    int *parked;              /* [rank]: its request is in and unanswered */
    uint32_t *out;            /* [rank]: units handed out, not yet back */
} ranks;

static uint64_t fnv1a(const void *p, size_t n)
{
    const unsigned char *b = p;
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return h;
}

/* The id of a scenario (a new one if unseen or changed since). */
static uint32_t scenario_id(const lagsim_scenario_t *sc)
{
    const uint64_t h = fnv1a(sc, sizeof *sc);
    for (uint32_t i = ranks.n_sc; i-- > 0;)
        if (ranks.sc[i].sc == sc && ranks.sc[i].hash == h)
            return i;
    if (ranks.n_sc == ranks.cap_sc) {
        const uint32_t cap = ranks.cap_sc ? 2 * ranks.cap_sc : 64;
        sent_sc_t *p = realloc(ranks.sc, cap * sizeof *p);
        if (!p)
            MPI_Abort(MPI_COMM_WORLD, 1);
        ranks.sc = p;
        ranks.cap_sc = cap;
    }
    ranks.sc[ranks.n_sc] = (sent_sc_t){sc, h};
    return ranks.n_sc++;
}

/* Whether rank r holds scenario id; marks it as holding it from now on. */
static int rank_has(int r, uint32_t id)
{
    if (id >= ranks.has_cap[r]) {
        uint32_t cap = ranks.has_cap[r] ? ranks.has_cap[r] : 64;
        while (cap <= id)
            cap *= 2;
        unsigned char *p = realloc(ranks.has[r], cap);
        if (!p)
            MPI_Abort(MPI_COMM_WORLD, 1);
        memset(p + ranks.has_cap[r], 0, cap - ranks.has_cap[r]);
        ranks.has[r] = p;
        ranks.has_cap[r] = cap;
    }
    const int had = ranks.has[r][id];
    ranks.has[r][id] = 1;
    return had;
}

/* One batch on rank 0. */
typedef struct mbatch {
    const lagsim_task_t *units;
    uint64_t n;
    unsigned threads;
    const lagsim_run_limits_t *limits;
    lagsim_task_done_fn done;
    void *done_ctx;
    uint64_t next;            /* next unit to hand out (dispatcher only) */
    pthread_mutex_t lock;     /* serialises done() and the counters below */
    uint64_t finished;        /* units done */
    /* Rank 0's own chunk, run on a helper thread. */
    pthread_t tid;
    int busy;                 /* a chunk is running */
    atomic_int chunk_over;    /* the helper thread has finished it */
    lagsim_task_t *chunk;     /* [threads] */
    uint64_t *chunk_unit;     /* [threads]: their unit numbers */
    uint32_t chunk_n;
    int chunk_rc;
} mbatch_t;

/* An outcome for the batch, under the lock, with progress. */
static void deliver(mbatch_t *m, uint64_t unit, int status, const lagsim_result_t *r,
                    const lagsim_warmup_t *w)
{
    pthread_mutex_lock(&m->lock);
    m->done(m->done_ctx, unit, status, r, w);
    m->finished++;
    if (m->limits->progress)
        m->limits->progress(m->limits->progress_ctx, (double)m->finished / (double)m->n);
    pthread_mutex_unlock(&m->lock);
}

static int interrupted(const mbatch_t *m)
{
    return m->limits->interrupt && *m->limits->interrupt;
}

/* Takes up to k units to hand out into idx[]; once interrupted, the
 * replications not started are skipped on the spot (pilots still run,
 * as in one process). Returns how many were taken. */
static uint32_t take(mbatch_t *m, uint32_t k, uint64_t *idx)
{
    uint32_t got = 0;
    while (got < k && m->next < m->n) {
        const uint64_t u = m->next++;
        if (!m->units[u].pilot && interrupted(m)) {
            deliver(m, u, LAGSIM_EINTR, NULL, NULL);
            continue;
        }
        idx[got++] = u;
    }
    return got;
}

static void local_done(void *ctx, uint64_t i, int status, const lagsim_result_t *r,
                       const lagsim_warmup_t *w)
{
    mbatch_t *m = ctx;
    deliver(m, m->chunk_unit[i], status, r, w);
}

static void *local_chunk(void *arg)
{
    mbatch_t *m = arg;
    lagsim_run_limits_t limits = *m->limits;
    limits.executor = NULL;
    limits.progress = NULL; /* rank 0 reports the share of units done */
    m->chunk_rc = lagsim_execute_local(m->chunk, m->chunk_n, m->threads, &limits, local_done, m);
    atomic_store(&m->chunk_over, 1);
    return NULL;
}

/* Hands rank r up to `threads` units. Returns 1 if it got some. */
static int hand_out(mbatch_t *m, int r, uint64_t *idx, wbuf_t *b)
{
    const uint32_t k = take(m, m->threads, idx);
    if (k == 0)
        return 0;
    const uint32_t kind = KIND_UNITS, threads = m->threads;
    const uint64_t max_memory = m->limits->max_memory;
    b->n = 0;
    PUT(b, kind);
    PUT(b, threads);
    PUT(b, max_memory);
    PUT(b, k);
    for (uint32_t i = 0; i < k; i++) {
        const lagsim_task_t *u = &m->units[idx[i]];
        const uint32_t sid = scenario_id(u->sc), mode = (uint32_t)u->mode;
        const uint32_t has_sc = !rank_has(r, sid);
        const int32_t pilot = u->pilot;
        PUT(b, idx[i]);
        PUT(b, sid);
        PUT(b, mode);
        PUT(b, u->replication);
        PUT(b, u->cut);
        PUT(b, pilot);
        PUT(b, has_sc);
        if (has_sc)
            put(b, u->sc, sizeof *u->sc);
    }
    send_msg(b, r, TAG_WORK);
    ranks.parked[r] = 0;
    ranks.out[r] += k;
    return 1;
}

/* Unpacks a BACK message from rank r into the batch (m NULL: drops it). */
static int take_back(mbatch_t *m, int r, const unsigned char *msg, size_t len,
                     lagsim_result_t *res)
{
    rbuf_t rd = {msg, len, 0, 0};
    uint32_t count;
    GET(&rd, count);
    for (uint32_t i = 0; i < count && !rd.bad; i++) {
        uint64_t unit, rlen, wlen;
        int32_t status;
        GET(&rd, unit);
        GET(&rd, status);
        GET(&rd, rlen);
        const unsigned char *rb = get_span(&rd, (size_t)rlen);
        GET(&rd, wlen);
        const unsigned char *wb = get_span(&rd, (size_t)wlen);
        lagsim_warmup_t w;
        if (rd.bad || (m && unit >= m->n) ||
            (rlen && lagsim_result_unpack(res, rb, (size_t)rlen) != 0) ||
            (wlen && lagsim_warmup_unpack(&w, wb, (size_t)wlen) != 0)) {
            rd.bad = 1;
            break;
        }
        if (m)
            deliver(m, unit, status, rlen ? res : NULL, wlen ? &w : NULL);
    }
    if (rd.bad || rd.off != rd.n) {
        fprintf(stderr, "lagsim: a malformed message from rank %d\n", r);
        return LAGSIM_EIO;
    }
    ranks.out[r] -= count <= ranks.out[r] ? count : ranks.out[r];
    ranks.parked[r] = 1;
    return LAGSIM_OK;
}

static int mpi_run(const lagsim_executor_t *ex, const lagsim_task_t *units, uint64_t n,
                   unsigned threads, const lagsim_run_limits_t *limits, lagsim_task_done_fn done,
                   void *done_ctx)
{
    (void)ex;
    if (n == 0)
        return LAGSIM_OK;
    mbatch_t m;
    memset(&m, 0, sizeof m);
    m.units = units;
    m.n = n;
    m.threads = threads ? threads : 1;
    m.limits = limits;
    m.done = done;
    m.done_ctx = done_ctx;
    atomic_init(&m.chunk_over, 0);
    m.chunk = calloc(m.threads, sizeof *m.chunk);
    m.chunk_unit = calloc(m.threads, sizeof *m.chunk_unit);
    uint64_t *idx = calloc(m.threads, sizeof *idx);
    lagsim_result_t *res = lagsim_result_create();
    wbuf_t b = {0};
    int rc = m.chunk && m.chunk_unit && idx && res ? LAGSIM_OK : LAGSIM_ENOMEM;
    if (rc != LAGSIM_OK)
        goto done;
    pthread_mutex_init(&m.lock, NULL);
    double stopped_at = 0; /* when a signal was first seen */
    for (;;) {
        int moved = 0;
        if (m.busy && atomic_load(&m.chunk_over)) {
            pthread_join(m.tid, NULL);
            m.busy = 0;
            moved = 1;
            if (m.chunk_rc != LAGSIM_OK)
                rc = m.chunk_rc;
        }
        if (!m.busy && rc == LAGSIM_OK) {
            const uint32_t k = take(&m, m.threads, m.chunk_unit);
            if (k > 0) {
                for (uint32_t i = 0; i < k; i++)
                    m.chunk[i] = units[m.chunk_unit[i]];
                m.chunk_n = k;
                atomic_store(&m.chunk_over, 0);
                if (pthread_create(&m.tid, NULL, local_chunk, &m) != 0) {
                    local_chunk(&m); /* no thread: run it here */
                    m.busy = 0;
                } else {
                    m.busy = 1;
                }
                moved = 1;
            }
        }
        int flag = 0;
        MPI_Status st;
        MPI_Iprobe(MPI_ANY_SOURCE, TAG_BACK, MPI_COMM_WORLD, &flag, &st);
        if (flag) {
            int from;
            size_t len;
            unsigned char *msg = recv_msg(st.MPI_SOURCE, TAG_BACK, &from, &len);
            const int brc = take_back(&m, from, msg, len, res);
            free(msg);
            if (brc != LAGSIM_OK)
                rc = brc;
            moved = 1;
        }
        for (int r = 1; r < n_ranks && rc == LAGSIM_OK; r++)
            if (ranks.parked[r] && hand_out(&m, r, idx, &b))
                moved = 1;
        pthread_mutex_lock(&m.lock);
        const uint64_t finished = m.finished;
        pthread_mutex_unlock(&m.lock);
        uint32_t away = 0;
        for (int r = 1; r < n_ranks; r++)
            away += ranks.out[r];
        if ((finished == n || rc != LAGSIM_OK) && !m.busy && away == 0)
            break;
        if (interrupted(&m) && stopped_at == 0)
            stopped_at = lsi_cli_wall_now();
        if (stopped_at > 0 && away > 0 && lsi_cli_wall_now() - stopped_at > INTERRUPT_GRACE) {
            for (int r = 1; r < n_ranks; r++)
                if (ranks.out[r])
                    fprintf(stderr, "lagsim: rank %d did not send back its %u unit(s) after the "
                                    "signal (did it die?); stopping without a report\n", r,
                            ranks.out[r]);
            lsi_cli_output_unlink_temps(); /* no half-written output, no temporary file */
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        if (!moved)
            nap(200e-6);
    }
    pthread_mutex_destroy(&m.lock);
done:
    free(m.chunk);
    free(m.chunk_unit);
    free(idx);
    free(b.p);
    lagsim_result_destroy(res);
    return rc;
}

static lagsim_executor_t mpi_executor = {mpi_run, NULL, 0}; /* width: n_ranks */

/* ---- Entry and exit ------------------------------------------------------------------- */

int lsi_cli_dist_serve(int *argc, char ***argv, int *status)
{
    int provided = 0;
    MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    mpi_on = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &my_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &n_ranks);
    MPI_Comm node;
    if (MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node) ==
        MPI_SUCCESS) {
        MPI_Comm_size(node, &node_ranks);
        MPI_Comm_free(&node);
    }
    if (my_rank == 0) {
        mpi_executor.width = (unsigned)n_ranks;
        ranks.has = calloc((size_t)n_ranks, sizeof *ranks.has);
        ranks.has_cap = calloc((size_t)n_ranks, sizeof *ranks.has_cap);
        ranks.parked = calloc((size_t)n_ranks, sizeof *ranks.parked);
        ranks.out = calloc((size_t)n_ranks, sizeof *ranks.out);
        if (!ranks.has || !ranks.has_cap || !ranks.parked || !ranks.out) {
            fputs("lagsim: out of memory\n", stderr);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        return 0;
    }
    serve();
    MPI_Finalize();
    *status = 0;
    return 1;
}

int lsi_cli_dist_finish(int status)
{
    if (!mpi_on)
        return status;
    fflush(stdout);
    /* Every other rank has one request in: answer each with stop. */
    lagsim_result_t *res = lagsim_result_create();
    for (int r = 1; r < n_ranks; r++) {
        while (!ranks.parked[r]) {
            int from;
            size_t len;
            unsigned char *msg = recv_msg(r, TAG_BACK, &from, &len);
            if (res)
                take_back(NULL, from, msg, len, res);
            ranks.parked[r] = 1;
            free(msg);
        }
        wbuf_t b = {0};
        const uint32_t kind = KIND_STOP;
        PUT(&b, kind);
        send_msg(&b, r, TAG_WORK);
        free(b.p);
    }
    lagsim_result_destroy(res);
    for (int r = 0; r < n_ranks; r++)
        free(ranks.has[r]);
    free(ranks.has);
    free(ranks.has_cap);
    free(ranks.parked);
    free(ranks.out);
    free(ranks.sc);
    MPI_Finalize();
    return status;
}

const lagsim_executor_t *lsi_cli_executor(void)
{
    return mpi_on && n_ranks > 1 ? &mpi_executor : NULL;
}

/* Under mpirun rank 0's stderr is a pipe even when mpirun's is a
 * terminal (and its stdout a pseudo-terminal even when mpirun's is a
 * file), so ask whether the job has a terminal at all. */
int lsi_cli_dist_terminal(void)
{
    if (!mpi_on || n_ranks < 2 || my_rank != 0)
        return 0;
    const int fd = open("/dev/tty", O_RDONLY | O_NOCTTY);
    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/* One rank per core is how MPI jobs are usually laid out: then each rank
 * runs one thread by default, not one per core of its node. */
unsigned lsi_cli_dist_threads(unsigned cores)
{
    if (!mpi_on || node_ranks < 2)
        return cores;
    const unsigned share = cores / (unsigned)node_ranks;
    return share > 0 ? share : 1;
}
