/*
 * event_queue.c - the simulated clock and the event queue (lagsim_sim_*).
 *
 * Central idea: a 4-ary min-heap of event records stored inline in one
 * array (the "near" heap), and, once many events are pending, a calendar
 * wheel in front of a second heap that keeps the near heap small. A
 * record is 40 bytes {time, seq, fn, ctx, arg}; there are no pointers to
 * chase and no allocation per event: every array grows geometrically and
 * never shrinks (reset keeps them), so a model that has reached its
 * working size never calls malloc again. The engine owns the arrays; the
 * caller owns whatever ctx points to.
 *
 * Why the wheel. A model with a backlog has a hundred thousand pending
 * events or more (device timers, requests in flight), almost all of them
 * seconds away, while the next few microseconds hold a few hundred. In
 * one heap every pop walks ~9 levels of a 5-10 MB array, each level a
 * cache miss. The wheel splits time into buckets of 2^shift us: events of
 * the bucket being run are in the near heap (a few hundred records, in
 * cache); events of the next WHEEL_SLOTS - 1 buckets are appended, unsorted,
 * to their bucket (chunks of CHUNK_RECORDS records, written and later
 * read in order); events beyond the wheel wait in the "far" heap. When the
 * near heap runs dry, the next non-empty bucket (found in a bitmap) is
 * copied into it and heapified, and far events now inside the wheel move
 * into their buckets. Each event is thus appended once, copied once and
 * popped from a small heap.
 *
 * Invariants:
 *  1. Each heap is a 4-ary min-heap on the key (time, seq): the children
 *     of slot i are 4i+1 .. 4i+4, its parent is (i-1)/4.
 *  2. seq is a counter of schedule() calls, so keys are unique and equal
 *     times pop in insertion order: a run is deterministic, and the
 *     order is the key order whatever the wheel's state (below).
 *  3. 0 <= now <= every pending time (schedule clamps `at` to now), so
 *     times are never negative and order as unsigned numbers.
 *  4. Wheel off: every pending event is in the near heap, near_end is
 *     UINT64_MAX.
 *  5. Wheel on, with cur the bucket loaded last, near_end = (cur + 1) <<
 *     shift and wheel end = (cur + WHEEL_SLOTS) << shift: near events are
 *     before near_end; bucket events are in [near_end, end), each in slot
 *     (time >> shift) % WHEEL_SLOTS, whose bit is set; far events are at
 *     or after end. Hence the near heap's root is the earliest event, and
 *     the near heap is empty only when nothing is pending (a pop that
 *     empties it loads the next bucket before the handler runs; the
 *     handler's own events at now then join the near heap, since now <
 *     near_end).
 *  6. near.cap >= every pending event, so the near heap can always take
 *     them all: when the wheel cannot get memory in the run loop it is
 *     turned off (everything moved into the near heap), and the run goes
 *     on as one heap. Only schedule() allocates, and it reports failure.
 *  7. The source (below) is one record outside the heaps, keyed like any
 *     other: arming it takes the next seq, as schedule() would have. The
 *     run loop runs the source when its key is before the near heap's
 *     root (the earliest heap event, invariant 5), so the order is the
 *     key order exactly as if it had been scheduled. Disarmed, its key is
 *     (INT64_MAX, UINT64_MAX), after every heap event. While it is armed,
 *     `until` (the heap loop's limit) is below its time, so the heap
 *     loop stops before it and the slow path compares whole keys.
 *
 * The source. A model often has one process that always has exactly one
 * pending event and re-arms itself from its handler: the arrivals. Each
 * of its events would cost a push and a pop of the near heap (or a
 * bucket append, copy and pop); kept in the source slot it costs a call
 * of the run loop's slow path and one key compare. Its events count as
 * events run (executed, the max_events of run_some) and as pending, obey
 * `until` and stop(), and reset disarms it. There is one slot: a second
 * recurring process uses schedule().
 *
 * Tuning. The wheel turns on when the near heap reaches ACTIVATE_AT
 * events and off when fewer than DEACTIVATE_AT are pending. The bucket
 * width aims at TARGET events run per bucket: at each switch-on it is
 * guessed from the pending events' delays, then measured (events run per
 * bucket passed) and, when the measure leaves [TARGET / 8, TARGET * 8],
 * the wheel is rebuilt with a new width. A bucket that loads more than
 * TARGET * 64 events triggers the rebuild at once.
 *
 * Heap details that make it fast:
 *  - schedule() sifts the new record up comparing times only: its seq is
 *    larger than any pending one, so it goes before a parent exactly when
 *    its time is strictly smaller. Records that enter a heap otherwise
 *    (from a bucket, or at a rebuild) are heapified with the full key.
 *  - pop moves a hole instead of swapping records. While the heap fits in
 *    cache (up to BIG_HEAP records, 2.5 MB) it uses Floyd's "bottom-up"
 *    deletion: the hole goes down to a leaf along the smaller child
 *    (three branch-free compares per level, none against the moving
 *    record), then the last record rises from there, usually by zero or
 *    one level, since it was a leaf. Beyond that, levels are cache
 *    misses, and the classic top-down loop with branches wins.
 *  - the key compare is one 128-bit compare (time:seq) where the compiler
 *    has it, which it turns into conditional moves.
 *  - schedule() writes the new record as two 16-byte stores (time:seq and
 *    fn:ctx) plus arg, the same widths at which the heap code copies
 *    records, so a record popped soon after never straddles two 8-byte
 *    stores still in flight (a store-forwarding stall).
 *  - schedule()'s fast path (the near heap, below its limit) calls
 *    nothing, so it saves no registers; the wheel, growth and switching
 *    are behind one compare, out of line.
 *  - stop() works by lowering the run's time limit, and an armed source
 *    by lowering the heap loop's, so the run loop tests one condition per
 *    event besides emptiness, as it would without a source.
 */
#include <assert.h>
#include <stddef.h>
#include <stdlib.h>

#include "lagsim/des.h"

typedef struct record {
    lagsim_time_t time; /* when the event fires, us (never negative) */
    uint64_t seq;       /* insertion counter: breaks ties */
    lagsim_event_fn fn;
    void *ctx;
    uint64_t arg;
} record_t;

_Static_assert(offsetof(record_t, seq) == 8 && offsetof(record_t, fn) == 16 &&
                   offsetof(record_t, ctx) == 24 && sizeof(void *) <= 8 &&
                   sizeof(lagsim_event_fn) <= 8,
               "store() writes a record as two 16-byte pairs");

typedef struct heap {
    record_t *a;    /* cap slots */
    size_t size;    /* records in the heap */
    size_t cap;
} heap_t;

#define ARITY 4
#define INITIAL_CAP 256   /* records: 10 KB */
#define BIG_HEAP 65536    /* records: 2.5 MB; above it pop_large() */

#define WHEEL_BITS 15
#define WHEEL_SLOTS ((size_t)1 << WHEEL_BITS) /* buckets: 256 KB of heads */
#define WHEEL_WORDS (WHEEL_SLOTS / 64)
#define CHUNK_RECORDS 8     /* records per bucket chunk: 328 bytes */
#define INITIAL_CHUNKS 1024
#define ACTIVATE_AT 4096    /* near heap size that turns the wheel on */
#define DEACTIVATE_AT 512   /* pending events below which it turns off */
#define TARGET 256          /* events run per bucket the width aims at */
#define EVAL_EVENTS 65536   /* events run between checks of the width */
#define EVAL_STEPS 16384    /* buckets passed between checks */
#define MAX_SHIFT 40        /* buckets of 2^40 us (12.7 days) at most */
#define NIL32 UINT32_MAX

typedef struct chunk {
    uint32_t next;                /* next chunk of the bucket, or free list */
    uint32_t n;                   /* records used */
    record_t r[CHUNK_RECORDS];
} chunk_t;

typedef struct bucket {
    uint32_t head, tail;          /* chunks, NIL32 when empty */
} bucket_t;

typedef struct wheel {
    unsigned shift;               /* a bucket spans 2^shift us */
    uint64_t cur;                 /* bucket in the near heap (absolute number) */
    uint64_t end;                 /* (cur + WHEEL_SLOTS) << shift: far from here */
    size_t count;                 /* records in buckets */
    chunk_t *chunk;               /* chunk_cap chunks */
    uint32_t chunk_cap;
    uint32_t chunk_free;          /* free list of chunks */
    heap_t far;                   /* events at or after end */
    uint64_t eval_steps;          /* buckets passed since the last check */
    uint64_t eval_mark;           /* sim->executed at the last check */
    uint64_t bits[WHEEL_WORDS];   /* non-empty buckets */
    bucket_t bucket[WHEEL_SLOTS];
} wheel_t;

struct lagsim_sim {
    heap_t near;           /* the 4-ary heap of the events run next */
    size_t near_limit;     /* schedule()'s slow path when near.size reaches it */
    uint64_t near_end;     /* events before it go to the near heap */
    lagsim_time_t now;     /* the clock */
    lagsim_time_t limit;   /* a running run()'s limit; stop() lowers it */
    lagsim_time_t until;   /* the heap loop's limit: limit, or just before
                            * the armed source's time if that is lower */
    uint64_t seq;          /* next insertion number */
    uint64_t executed;     /* events run since create or reset */
    int wheel_on;          /* invariant 5 holds, else invariant 4 */
    int wheel_failed;      /* out of memory for the wheel: stay a heap */
    wheel_t *wheel;        /* allocated when first turned on, then kept */
    record_t source;       /* the source's next event; fn NULL and key
                            * (INT64_MAX, UINT64_MAX) when disarmed */
};

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define COLD __attribute__((noinline, cold))
#define NOINLINE __attribute__((noinline))
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#define COLD
#define NOINLINE
#define ALWAYS_INLINE inline
#endif

/* True when a runs before b: (time, seq) in lexicographic order. */
#if defined(__SIZEOF_INT128__)
__extension__ typedef unsigned __int128 key128_t;

static inline key128_t key_of(const record_t *r)
{
    return (key128_t)(uint64_t)r->time << 64 | r->seq; /* invariant 3 */
}

static inline int before(const record_t *a, const record_t *b)
{
    return key_of(a) < key_of(b);
}
#else
static inline int before(const record_t *a, const record_t *b)
{
    return (a->time < b->time) | ((a->time == b->time) & (a->seq < b->seq));
}
#endif

/* Writes a record: two 16-byte stores where the compiler has vector types. */
#if defined(__GNUC__) && UINTPTR_MAX == UINT64_MAX
typedef uint64_t pair_t __attribute__((vector_size(16), aligned(8), may_alias));

static inline void store(record_t *r, lagsim_time_t t, uint64_t s, lagsim_event_fn fn, void *ctx,
                         uint64_t arg)
{
    *(pair_t *)(void *)&r->time = (pair_t){(uint64_t)t, s};
    *(pair_t *)(void *)&r->fn = (pair_t){(uint64_t)(uintptr_t)fn, (uint64_t)(uintptr_t)ctx};
    r->arg = arg;
}
#else
static inline void store(record_t *r, lagsim_time_t t, uint64_t s, lagsim_event_fn fn, void *ctx,
                         uint64_t arg)
{
    r->time = t;
    r->seq = s;
    r->fn = fn;
    r->ctx = ctx;
    r->arg = arg;
}
#endif

/* ---- Heaps --------------------------------------------------------------- */

/* Grows a heap's array to at least `want` slots (doubling). Returns
 * LAGSIM_OK or LAGSIM_ENOMEM (heap unchanged). */
static int heap_reserve(heap_t *h, size_t want)
{
    if (want <= h->cap)
        return LAGSIM_OK;
    size_t cap = h->cap ? h->cap : INITIAL_CAP;
    while (cap < want) {
        if (cap > SIZE_MAX / 2 / sizeof *h->a)
            return LAGSIM_ENOMEM;
        cap *= 2;
    }
    record_t *const grown = realloc(h->a, cap * sizeof *grown);
    if (!grown)
        return LAGSIM_ENOMEM;
    h->a = grown;
    h->cap = cap;
    return LAGSIM_OK;
}

/* Adds a record whose seq is the largest in the heap (size < cap). */
static inline void heap_push_new(heap_t *hp, lagsim_time_t at, uint64_t seq, lagsim_event_fn fn,
                                 void *ctx, uint64_t arg)
{
    record_t *const h = hp->a;
    size_t i = hp->size++;
    /* Sift up: this record has the largest seq, so compare times only. */
    while (i > 0) {
        const size_t parent = (i - 1) / ARITY;
        if (at >= h[parent].time)
            break;
        h[i] = h[parent];
        i = parent;
    }
    store(&h[i], at, seq, fn, ctx, arg);
}

/* Removes the root of a heap that fits in cache (bottom-up deletion).
 * Inlined into the run loop, where it is most of the work. */
static ALWAYS_INLINE void pop_small(heap_t *hp)
{
    record_t *const h = hp->a;
    const size_t n = --hp->size; /* the last record is h[n] */
    if (n == 0)
        return;
    size_t i = 0, c;
    /* Down to a leaf along the smaller child, while all four exist. */
    while ((c = ARITY * i + 1) + (ARITY - 1) < n) {
        const size_t b01 = before(&h[c + 1], &h[c]) ? c + 1 : c;
        const size_t b23 = before(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
        const size_t best = before(&h[b23], &h[b01]) ? b23 : b01;
        h[i] = h[best];
        i = best;
    }
    if (c < n) { /* one to three children, all leaves */
        size_t best = c;
        for (size_t k = c + 1; k < n; k++)
            best = before(&h[k], &h[best]) ? k : best;
        h[i] = h[best];
        i = best;
    }
    /* The last record rises from the hole. */
    const record_t *const last = &h[n];
    while (i > 0) {
        const size_t parent = (i - 1) / ARITY;
        if (!before(last, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = *last;
}

/* Moves the record h[i] down to its place (top-down, branches). */
static void sift_down(record_t *h, size_t n, size_t i)
{
    const record_t x = h[i];
    for (;;) {
        const size_t first = ARITY * i + 1;
        if (first >= n)
            break;
        const size_t end = first + ARITY < n ? first + ARITY : n;
        size_t best = first;
        for (size_t c = first + 1; c < end; c++)
            if (before(&h[c], &h[best]))
                best = c;
        if (!before(&h[best], &x))
            break;
        h[i] = h[best];
        i = best;
    }
    h[i] = x;
}

/* Removes the root of a large heap (top-down: see the top). */
static void pop_large(heap_t *hp)
{
    record_t *const h = hp->a;
    const size_t n = --hp->size;
    if (n == 0)
        return;
    h[0] = h[n];
    sift_down(h, n, 0);
}

static ALWAYS_INLINE void heap_pop(heap_t *hp)
{
    if (LIKELY(hp->size <= BIG_HEAP))
        pop_small(hp);
    else
        pop_large(hp);
}

/* heap_pop() out of line, for the far heap. */
static void far_pop(heap_t *hp)
{
    heap_pop(hp);
}

/* Makes a heap of records in any order (Floyd: O(size)). */
static void heapify(heap_t *hp)
{
    if (hp->size < 2)
        return;
    for (size_t i = (hp->size - 2) / ARITY + 1; i-- > 0;)
        sift_down(hp->a, hp->size, i);
}

/* ---- The wheel ----------------------------------------------------------- */

static size_t pending_of(const lagsim_sim_t *sim)
{
    const wheel_t *const w = sim->wheel;
    return sim->near.size + (w ? w->count + w->far.size : 0);
}

/* Sets near_limit: with the wheel off, the size that turns it on (or the
 * capacity); with it on, the capacity left once every event outside the
 * near heap is counted (invariant 6). */
static void update_limit(lagsim_sim_t *sim)
{
    const size_t cap = sim->near.cap;
    if (sim->wheel_on) {
        const size_t outside = sim->wheel->count + sim->wheel->far.size;
        assert(outside <= cap);
        sim->near_limit = cap - outside;
    } else if (sim->wheel_failed || cap < ACTIVATE_AT) {
        sim->near_limit = cap;
    } else {
        sim->near_limit = ACTIVATE_AT;
    }
}

static wheel_t *wheel_create(void)
{
    wheel_t *const w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->chunk = malloc(INITIAL_CHUNKS * sizeof *w->chunk);
    if (!w->chunk) {
        free(w);
        return NULL;
    }
    w->chunk_cap = INITIAL_CHUNKS;
    w->chunk_free = NIL32;
    for (uint32_t i = INITIAL_CHUNKS; i-- > 0;) {
        w->chunk[i].next = w->chunk_free;
        w->chunk_free = i;
    }
    for (size_t i = 0; i < WHEEL_SLOTS; i++)
        w->bucket[i].head = w->bucket[i].tail = NIL32;
    return w;
}

static void wheel_destroy(wheel_t *w)
{
    if (!w)
        return;
    free(w->chunk);
    free(w->far.a);
    free(w);
}

/* A free chunk, or NIL32 when out of memory. */
static uint32_t chunk_alloc(wheel_t *w)
{
    if (UNLIKELY(w->chunk_free == NIL32)) {
        const uint32_t old = w->chunk_cap;
        if (old > NIL32 / 2)
            return NIL32;
        chunk_t *const grown = realloc(w->chunk, (size_t)old * 2 * sizeof *grown);
        if (!grown)
            return NIL32;
        w->chunk = grown;
        w->chunk_cap = old * 2;
        for (uint32_t i = old * 2; i-- > old;) {
            grown[i].next = w->chunk_free;
            w->chunk_free = i;
        }
    }
    const uint32_t c = w->chunk_free;
    w->chunk_free = w->chunk[c].next;
    w->chunk[c].next = NIL32;
    w->chunk[c].n = 0;
    return c;
}

/* Where a record of the bucket of `time` goes next: a chunk with room.
 * NULL when out of memory. */
static record_t *bucket_slot(wheel_t *w, uint64_t time)
{
    const size_t s = (size_t)(time >> w->shift) & (WHEEL_SLOTS - 1);
    bucket_t *const b = &w->bucket[s];
    uint32_t c = b->tail;
    if (c == NIL32 || w->chunk[c].n == CHUNK_RECORDS) {
        const uint32_t fresh = chunk_alloc(w);
        if (fresh == NIL32)
            return NULL;
        if (c == NIL32) {
            b->head = fresh;
            w->bits[s / 64] |= (uint64_t)1 << (s % 64);
        } else {
            w->chunk[c].next = fresh;
        }
        b->tail = c = fresh;
    }
    w->count++;
    return &w->chunk[c].r[w->chunk[c].n++];
}

/* Appends bucket slot s's records to the near array (capacity is there by
 * invariant 6) and frees its chunks. */
static void bucket_unload(lagsim_sim_t *sim, size_t s)
{
    wheel_t *const w = sim->wheel;
    bucket_t *const b = &w->bucket[s];
    record_t *const out = sim->near.a;
    size_t n = sim->near.size;
    uint32_t c = b->head;
    while (c != NIL32) {
        chunk_t *const ch = &w->chunk[c];
        for (uint32_t k = 0; k < ch->n; k++)
            out[n++] = ch->r[k];
        w->count -= ch->n;
        const uint32_t next = ch->next;
        ch->next = w->chunk_free;
        w->chunk_free = c;
        c = next;
    }
    sim->near.size = n;
    b->head = b->tail = NIL32;
    w->bits[s / 64] &= ~((uint64_t)1 << (s % 64));
}

/* Appends every record of the buckets and the far heap to the near array,
 * unsorted. */
static void wheel_gather(lagsim_sim_t *sim)
{
    wheel_t *const w = sim->wheel;
    for (size_t i = 0; i < WHEEL_WORDS; i++)
        while (w->bits[i])
            bucket_unload(sim, i * 64 + (size_t)__builtin_ctzll(w->bits[i]));
    for (size_t i = 0; i < w->far.size; i++)
        sim->near.a[sim->near.size++] = w->far.a[i];
    w->far.size = 0;
    assert(w->count == 0);
}

/* Turns the wheel off: every event into the near heap (invariant 4).
 * Never fails: the near array has room (invariant 6). The near array may
 * hold records in any order on entry. */
static void wheel_off(lagsim_sim_t *sim)
{
    if (sim->wheel)
        wheel_gather(sim);
    sim->wheel_on = 0;
    sim->near_end = UINT64_MAX;
    heapify(&sim->near);
    update_limit(sim);
}

/* Sets the wheel's window so that bucket `b` is the one in the near heap. */
static void wheel_window(lagsim_sim_t *sim, uint64_t b)
{
    wheel_t *const w = sim->wheel;
    w->cur = b;
    sim->near_end = (b + 1) << w->shift;
    w->end = (b + WHEEL_SLOTS) << w->shift;
}

/*
 * Rebuilds the wheel with buckets of 2^shift us from scratch: all events
 * are gathered in the near array, then those of the earliest event's
 * bucket stay there and the others go to buckets or the far heap. Returns
 * LAGSIM_OK, or LAGSIM_ENOMEM with the wheel turned off.
 */
static int wheel_rebuild(lagsim_sim_t *sim, unsigned shift)
{
    wheel_t *const w = sim->wheel;
    if (sim->wheel_on)
        wheel_gather(sim);
    heap_t *const near = &sim->near;
    if (near->size == 0) {
        wheel_off(sim);
        return LAGSIM_OK;
    }
    uint64_t first = UINT64_MAX;
    for (size_t i = 0; i < near->size; i++)
        if ((uint64_t)near->a[i].time < first)
            first = (uint64_t)near->a[i].time;
    w->shift = shift;
    wheel_window(sim, first >> shift);
    sim->wheel_on = 1;
    w->eval_steps = 0;
    w->eval_mark = sim->executed;
    const size_t n = near->size;
    size_t keep = 0;
    for (size_t i = 0; i < n; i++) {
        const record_t r = near->a[i];
        const uint64_t t = (uint64_t)r.time;
        if (t < sim->near_end) {
            near->a[keep++] = r;
            continue;
        }
        record_t *dst;
        if (t < w->end) {
            dst = bucket_slot(w, t);
        } else {
            dst = heap_reserve(&w->far, w->far.size + 1) == LAGSIM_OK
                      ? &w->far.a[w->far.size++] : NULL;
        }
        if (!dst) {
            /* Out of memory: the records not yet placed stay in the
             * near array, after those kept; all of it becomes one heap. */
            for (size_t j = i; j < n; j++)
                near->a[keep++] = near->a[j];
            near->size = keep;
            sim->wheel_failed = 1;
            wheel_off(sim);
            return LAGSIM_ENOMEM;
        }
        *dst = r;
    }
    near->size = keep;
    heapify(near);
    heapify(&w->far);
    update_limit(sim);
    return LAGSIM_OK;
}

/* The bucket width for a first switch-on: the smallest power of two that
 * holds TARGET of the pending events' delays. */
static unsigned initial_shift(const lagsim_sim_t *sim)
{
    size_t count[65] = {0};
    for (size_t i = 0; i < sim->near.size; i++) {
        const uint64_t d = (uint64_t)(sim->near.a[i].time - sim->now);
        count[d ? 64 - __builtin_clzll(d) : 0]++;
    }
    size_t below = 0;
    for (unsigned k = 0; k < MAX_SHIFT; k++) {
        below += count[k]; /* delays < 2^k */
        if (below >= TARGET)
            return k;
    }
    return MAX_SHIFT;
}

/* Turns the wheel on (near heap full enough). On failure the engine stays
 * one heap for good (until reset). */
COLD static void wheel_on(lagsim_sim_t *sim)
{
    if (!sim->wheel) {
        sim->wheel = wheel_create();
        if (!sim->wheel) {
            sim->wheel_failed = 1;
            update_limit(sim);
            return;
        }
    }
    (void)wheel_rebuild(sim, initial_shift(sim));
}

/* The next non-empty bucket after cur (some bucket is non-empty). */
static uint64_t next_bucket(const wheel_t *w)
{
    const uint64_t start = w->cur + 1;
    const size_t s0 = (size_t)start & (WHEEL_SLOTS - 1);
    size_t word = s0 / 64;
    uint64_t bits = w->bits[word] & (~(uint64_t)0 << (s0 % 64));
    for (size_t k = 0; k <= WHEEL_WORDS; k++) {
        if (bits) {
            const size_t s = word * 64 + (size_t)__builtin_ctzll(bits);
            return start + ((s - s0) & (WHEEL_SLOTS - 1));
        }
        word = (word + 1) % WHEEL_WORDS;
        bits = w->bits[word];
    }
    assert(0 && "next_bucket: the wheel is empty");
    return start;
}

/* Checks the bucket width against what it achieves (see Tuning at the top).
 * Returns the shift to rebuild with, or the current one. */
static unsigned measured_shift(const lagsim_sim_t *sim, size_t loaded)
{
    const wheel_t *const w = sim->wheel;
    unsigned shift = w->shift;
    if (loaded > (size_t)TARGET * 64) {
        while (shift > 0 && loaded > 2 * TARGET) {
            shift--;
            loaded /= 2;
        }
        return shift;
    }
    const uint64_t events = sim->executed - w->eval_mark;
    if (events < EVAL_EVENTS && w->eval_steps < EVAL_STEPS)
        return shift;
    const double per = (double)events / (double)(w->eval_steps ? w->eval_steps : 1);
    if (per > TARGET * 8) {
        for (double p = per; shift > 0 && p > TARGET * 1.5; p /= 2)
            shift--;
    } else if (per < TARGET / 8) {
        for (double p = per; shift < MAX_SHIFT && p < TARGET / 1.5; p *= 2)
            shift++;
    }
    return shift;
}

/*
 * The near heap has just run dry with the wheel on: loads the next
 * bucket (invariant 5), moving far events that the window now covers into
 * the wheel, or turns the wheel off when few events are left.
 */
COLD static void advance(lagsim_sim_t *sim)
{
    wheel_t *const w = sim->wheel;
    if (w->count + w->far.size < DEACTIVATE_AT) {
        wheel_off(sim);
        return;
    }
    const uint64_t b = w->count ? next_bucket(w) : (uint64_t)w->far.a[0].time >> w->shift;
    w->eval_steps += b - w->cur < WHEEL_SLOTS ? b - w->cur : WHEEL_SLOTS;
    wheel_window(sim, b);
    heap_t *const far = &w->far;
    while (far->size && (uint64_t)far->a[0].time < w->end) {
        const record_t r = far->a[0];
        far_pop(far);
        if ((uint64_t)r.time < sim->near_end) {
            sim->near.a[sim->near.size++] = r; /* room: invariant 6 */
            continue;
        }
        record_t *const dst = bucket_slot(w, (uint64_t)r.time);
        if (!dst) {
            sim->near.a[sim->near.size++] = r;
            sim->wheel_failed = 1;
            wheel_off(sim);
            return;
        }
        *dst = r;
    }
    const size_t s = (size_t)b & (WHEEL_SLOTS - 1);
    if (w->bucket[s].head != NIL32)
        bucket_unload(sim, s);
    const size_t loaded = sim->near.size;
    heapify(&sim->near);
    update_limit(sim);
    const unsigned shift = measured_shift(sim, loaded);
    if (shift != w->shift)
        (void)wheel_rebuild(sim, shift);
    else if (w->eval_steps >= EVAL_STEPS || sim->executed - w->eval_mark >= EVAL_EVENTS) {
        w->eval_steps = 0;
        w->eval_mark = sim->executed;
    }
}

/* ---- The engine ---------------------------------------------------------- */

/* The heap loop's limit for a run's `limit`: heap events at or after the
 * armed source's time go through the run loop's slow path, which
 * compares whole keys (invariant 7). */
static inline lagsim_time_t heap_until(const lagsim_sim_t *sim, lagsim_time_t limit)
{
    return sim->source.fn && sim->source.time <= limit ? sim->source.time - 1 : limit;
}

/* Empties the source slot: its key becomes the largest there is, so every
 * heap event comes before it. */
static void source_disarm(lagsim_sim_t *sim)
{
    sim->source.time = LAGSIM_TIME_MAX;
    sim->source.seq = UINT64_MAX;
    sim->source.fn = NULL;
    sim->source.ctx = NULL;
    sim->source.arg = 0;
}

lagsim_sim_t *lagsim_sim_create(void)
{
    lagsim_sim_t *sim = calloc(1, sizeof *sim);
    if (!sim)
        return NULL;
    if (heap_reserve(&sim->near, INITIAL_CAP) != LAGSIM_OK) {
        free(sim);
        return NULL;
    }
    sim->near_end = UINT64_MAX;
    update_limit(sim);
    source_disarm(sim);
    sim->limit = sim->until = -1;
    return sim;
}

void lagsim_sim_destroy(lagsim_sim_t *sim)
{
    if (!sim)
        return;
    free(sim->near.a);
    wheel_destroy(sim->wheel);
    free(sim);
}

void lagsim_sim_reset(lagsim_sim_t *sim)
{
    assert(sim);
    if (sim->wheel_on)
        wheel_gather(sim);
    sim->wheel_on = 0;
    sim->wheel_failed = 0;
    sim->near.size = 0;
    sim->near_end = UINT64_MAX;
    update_limit(sim);
    sim->now = 0;
    sim->limit = sim->until = -1; /* a run in progress returns after the current event */
    sim->seq = 0;
    sim->executed = 0;
    source_disarm(sim);
}

/* schedule() when the event does not go straight into the near heap:
 * the near heap needs room or has reached the size that turns the wheel
 * on, or the event is for a later bucket. */
COLD static int schedule_slow(lagsim_sim_t *sim, lagsim_time_t at, lagsim_event_fn fn, void *ctx,
                              uint64_t arg)
{
    if (heap_reserve(&sim->near, pending_of(sim) + 1) != LAGSIM_OK)
        return LAGSIM_ENOMEM;
    update_limit(sim);
    if (!sim->wheel_on && !sim->wheel_failed && sim->near.size >= ACTIVATE_AT)
        wheel_on(sim);
    if ((uint64_t)at < sim->near_end) {
        assert(sim->near.size < sim->near.cap);
        heap_push_new(&sim->near, at, sim->seq++, fn, ctx, arg);
        update_limit(sim);
        return LAGSIM_OK;
    }
    wheel_t *const w = sim->wheel;
    if ((uint64_t)at < w->end) {
        record_t *const dst = bucket_slot(w, (uint64_t)at);
        if (!dst)
            return LAGSIM_ENOMEM;
        store(dst, at, sim->seq++, fn, ctx, arg);
    } else {
        if (heap_reserve(&w->far, w->far.size + 1) != LAGSIM_OK)
            return LAGSIM_ENOMEM;
        heap_push_new(&w->far, at, sim->seq++, fn, ctx, arg);
    }
    update_limit(sim);
    return LAGSIM_OK;
}

int lagsim_sim_schedule(lagsim_sim_t *sim, lagsim_time_t at, lagsim_event_fn fn, void *ctx,
                        uint64_t arg)
{
    assert(fn != NULL);
    assert(at >= sim->now && "lagsim_sim_schedule: time is in the past");
    if (UNLIKELY(at < sim->now))
        at = sim->now;
    if (UNLIKELY(sim->near.size >= sim->near_limit || (uint64_t)at >= sim->near_end))
        return schedule_slow(sim, at, fn, ctx, arg);
    heap_push_new(&sim->near, at, sim->seq++, fn, ctx, arg);
    return LAGSIM_OK;
}

void lagsim_sim_source_arm(lagsim_sim_t *sim, lagsim_time_t at, lagsim_event_fn fn, void *ctx,
                           uint64_t arg)
{
    assert(fn != NULL);
    assert(at >= sim->now && "lagsim_sim_source_arm: time is in the past");
    if (UNLIKELY(at < sim->now))
        at = sim->now;
    /* The seq schedule() would have taken now: the order is the same. */
    store(&sim->source, at, sim->seq++, fn, ctx, arg);
    sim->until = heap_until(sim, sim->limit);
}

void lagsim_sim_source_disarm(lagsim_sim_t *sim)
{
    source_disarm(sim);
    sim->until = sim->limit;
}

int lagsim_sim_source_armed(const lagsim_sim_t *sim)
{
    return sim->source.fn != NULL;
}

/* Runs the near heap's root (the earliest heap event, invariant 5). */
static ALWAYS_INLINE void run_root(lagsim_sim_t *sim)
{
    const record_t *const top = &sim->near.a[0];
    const lagsim_event_fn fn = top->fn;
    void *const ctx = top->ctx;
    const uint64_t arg = top->arg;
    sim->now = top->time;
    heap_pop(&sim->near);
    sim->executed++;
    if (UNLIKELY(sim->wheel_on) && sim->near.size == 0)
        advance(sim); /* invariant 5: the root is the next event */
    fn(sim, ctx, arg);
}

/*
 * The run loop's slow path, reached when the heap loop stops: runs the
 * source if it is the next event and due, or else the heap's root if it
 * is due (at the source's time, before it). Returns 0 when neither is
 * (the run is over). Out of line, so that the heap loop keeps its
 * registers.
 */
static NOINLINE int run_slow(lagsim_sim_t *sim)
{
    const record_t *const src = &sim->source;
    if (src->fn && src->time <= sim->limit &&
        (sim->near.size == 0 || before(src, &sim->near.a[0]))) {
        const lagsim_event_fn fn = src->fn;
        void *const ctx = src->ctx;
        const uint64_t arg = src->arg;
        sim->now = src->time;
        source_disarm(sim);
        sim->until = sim->limit;
        sim->executed++;
        fn(sim, ctx, arg);
        return 1;
    }
    if (sim->near.size != 0 && sim->near.a[0].time <= sim->limit) {
        run_root(sim);
        return 1;
    }
    return 0;
}

uint64_t lagsim_sim_run_some(lagsim_sim_t *sim, lagsim_time_t until, uint64_t max_events)
{
    const uint64_t executed_before = sim->executed;
    const uint64_t stop_at = max_events > UINT64_MAX - executed_before ? UINT64_MAX
                                                                        : executed_before + max_events;
    const lagsim_time_t outer_limit = sim->limit; /* restored for nested runs */
    sim->limit = until;
    sim->until = heap_until(sim, until);
    while (LIKELY(sim->executed < stop_at)) {
        /* Heap events before the source's time (invariant 7): the loop of
         * an engine without a source, one time compare per event. */
        if (LIKELY(sim->near.size != 0) && sim->near.a[0].time <= sim->until)
            run_root(sim);
        else if (!run_slow(sim))
            break; /* else the source, or a heap event at its time, ran */
    }
    sim->limit = outer_limit;
    sim->until = heap_until(sim, outer_limit);
    return sim->executed - executed_before;
}

uint64_t lagsim_sim_run(lagsim_sim_t *sim, lagsim_time_t until)
{
    return lagsim_sim_run_some(sim, until, UINT64_MAX);
}

void lagsim_sim_stop(lagsim_sim_t *sim)
{
    sim->limit = sim->until = -1; /* below every pending time (invariant 3) */
}

lagsim_time_t lagsim_sim_now(const lagsim_sim_t *sim)
{
    return sim->now;
}

lagsim_time_t lagsim_sim_next_time(const lagsim_sim_t *sim)
{
    const lagsim_time_t heap = sim->near.size ? sim->near.a[0].time : LAGSIM_TIME_MAX;
    return heap < sim->source.time ? heap : sim->source.time; /* disarmed: TIME_MAX */
}

size_t lagsim_sim_pending(const lagsim_sim_t *sim)
{
    return pending_of(sim) + (sim->source.fn != NULL);
}

uint64_t lagsim_sim_executed(const lagsim_sim_t *sim)
{
    return sim->executed;
}
