/*
 * test_ledger.c - the ledger (lib/model/ledger.c) against a naive count:
 * the test registers its own observer, counts what it is shown (fired,
 * delivered, visible, dropped by reason, duplicates, requests, retries,
 * responses by status, offline sends), follows every event from its firing
 * to its end (delivered or dropped: once, never twice), and compares all
 * that with the result's counters. Then the closing account: fired =
 * visible + dropped + in flight from the naive counts, and the events the
 * observer saw neither delivered nor dropped are exactly the pool's in
 * flight. A traced run (the trace observer added) must count the same as
 * an untraced one: the hops run the same code.
 *
 * The scenarios are the shipped configs/ (run from the repository root),
 * shrunk with traffic.scale, with overrides that make every kind of
 * accounting happen: drops of several reasons, 429s and 5xx with
 * retries, lost answers (copies and duplicates), offline sends, events in
 * flight at the end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/config.h"
#include "model/model_internal.h"

enum { ST_NONE, ST_LIVE, ST_DELIVERED, ST_DROPPED };

typedef struct tally {
    uint64_t fired, delivered, visible, processing, counted_visible;
    uint64_t dropped[LAGSIM_DROP_COUNT];
    uint64_t copy_drops, duplicates, requests, retries, offline, segment_queued;
    uint64_t responses[LAGSIM_RESP_COUNT];
    uint64_t live;          /* fired, neither delivered nor dropped yet */
    uint64_t bad;           /* an event seen in a state it cannot be in */
    uint8_t *state;         /* by pool index: ST_* of the event using it */
    size_t cap;
    int started, stopped, finished;
} tally_t;

static uint8_t *state_of(tally_t *t, uint32_t ev)
{
    if (ev >= t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (cap <= ev)
            cap *= 2;
        t->state = realloc(t->state, cap);
        assert_non_null(t->state);
        memset(t->state + t->cap, ST_NONE, cap - t->cap);
        t->cap = cap;
    }
    return &t->state[ev];
}

static void on_start(void *ctx, lsi_model_t *m)
{
    (void)m;
    ((tally_t *)ctx)->started++;
}

static void on_fired(void *ctx, lsi_model_t *m, uint32_t ev, uint64_t user)
{
    (void)m;
    (void)user;
    tally_t *t = ctx;
    uint8_t *s = state_of(t, ev);
    t->bad += *s == ST_LIVE; /* a live event's record handed out again */
    *s = ST_LIVE;
    t->fired++;
    t->live++;
}

static void on_sent(void *ctx, lsi_model_t *m, uint32_t b, enum lagsim_endpoint to)
{
    tally_t *t = ctx;
    if (to != LAGSIM_ENDPOINT_MIXPANEL)
        return;
    t->requests++;
    t->retries += m->pool.b[b].attempts > 1;
}

static void on_segment_queued(void *ctx, lsi_model_t *m, const lsi_list_t *events,
                              uint64_t queued)
{
    (void)m;
    (void)queued;
    ((tally_t *)ctx)->segment_queued += events->count;
}

static void on_offline(void *ctx, lsi_model_t *m, uint32_t b)
{
    (void)m;
    (void)b;
    ((tally_t *)ctx)->offline++;
}

static void on_response(void *ctx, lsi_model_t *m, enum lagsim_response st, lagsim_time_t now)
{
    (void)m;
    (void)now;
    ((tally_t *)ctx)->responses[st]++;
}

static void on_duplicate(void *ctx, lsi_model_t *m, uint32_t ev, int keep_copy)
{
    (void)keep_copy;
    tally_t *t = ctx;
    t->bad += !(m->pool.ev[ev].flags & LSI_EV_COPY);
    t->duplicates++;
}

static void on_delivered(void *ctx, lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d)
{
    tally_t *t = ctx;
    uint8_t *s = state_of(t, ev);
    t->bad += *s != ST_LIVE || (m->pool.ev[ev].flags & LSI_EV_COPY);
    *s = ST_DELIVERED;
    t->live--;
    t->delivered++;
    if (d->visible > m->end_limit)
        t->processing++;
}

static void on_visible(void *ctx, lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d)
{
    tally_t *t = ctx;
    t->bad += *state_of(t, ev) != ST_DELIVERED || d->visible > m->end_limit;
    t->visible++;
    t->counted_visible += m->pool.ev[ev].fired_at >= m->warmup;
}

static void on_dropped(void *ctx, lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why)
{
    tally_t *t = ctx;
    uint8_t *s = state_of(t, ev);
    t->bad += *s != ST_LIVE || (m->pool.ev[ev].flags & LSI_EV_COPY);
    *s = ST_DROPPED;
    t->live--;
    t->dropped[why]++;
}

static void on_copy_dropped(void *ctx, lsi_model_t *m, uint32_t ev, enum lagsim_drop_reason why)
{
    (void)why;
    tally_t *t = ctx;
    t->bad += !(m->pool.ev[ev].flags & LSI_EV_COPY) || *state_of(t, ev) != ST_DELIVERED;
    t->copy_drops++;
}

static void on_stopped(void *ctx, lsi_model_t *m)
{
    (void)m;
    ((tally_t *)ctx)->stopped++;
}

static int on_finish(void *ctx, lsi_model_t *m, lagsim_time_t end)
{
    (void)m;
    (void)end;
    ((tally_t *)ctx)->finished++;
    return LAGSIM_OK;
}

static const lsi_observer_t counter = {
    .start = on_start,
    .fired = on_fired,
    .offline = on_offline,
    .sent = on_sent,
    .segment_queued = on_segment_queued,
    .response = on_response,
    .duplicate = on_duplicate,
    .delivered = on_delivered,
    .visible = on_visible,
    .dropped = on_dropped,
    .copy_dropped = on_copy_dropped,
    .stopped = on_stopped,
    .finish = on_finish,
};

static void ignore_point(void *ctx, const lagsim_trace_point_t *p)
{
    (void)p;
    (*(uint64_t *)ctx)++;
}

/* Runs `mode` of sc with the counting observer (and the trace observer,
 * following 64 events, if traced) into r and t. */
static void counted_run(const lagsim_scenario_t *sc, enum lagsim_mode mode, int traced,
                        lagsim_result_t *r, tally_t *t)
{
    memset(t, 0, sizeof *t);
    uint64_t points = 0;
    lagsim_trace_t tr = {ignore_point, &points, 64, 0, 0, -1, 0};
    lagsim_trace_plan(sc, tr.follow, &tr.from, &tr.gap);
    assert_int_equal(lsi_run_observed(sc, mode, 0, NULL, traced ? &tr : NULL,
                                      sc->warmup > 0 ? sc->warmup : 0, NULL, &counter, t, r),
                     LAGSIM_OK);
    if (traced)
        assert_true(points > 0);
}

static uint64_t sum(const uint64_t *v, size_t n)
{
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    return s;
}

/* The result's counters are the observer's naive counts. */
static void check_against_tally(const lagsim_result_t *r, const tally_t *t, const char *what)
{
    print_message("# %s: fired %llu visible %llu dropped %llu in flight %llu duplicates %llu "
                  "requests %llu\n",
                  what, (unsigned long long)t->fired, (unsigned long long)t->visible,
                  (unsigned long long)sum(t->dropped, LAGSIM_DROP_COUNT),
                  (unsigned long long)r->in_flight, (unsigned long long)t->duplicates,
                  (unsigned long long)t->requests);
    assert_int_equal(t->bad, 0);
    assert_int_equal(t->started, 1);
    assert_int_equal(t->stopped, 1);
    assert_int_equal(t->finished, 1);
    assert_int_equal(r->fired, t->fired);
    assert_int_equal(r->delivered, t->delivered);
    assert_int_equal(r->visible, t->visible);
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        assert_int_equal(r->dropped[i], t->dropped[i]);
    assert_int_equal(r->duplicates, t->duplicates);
    assert_int_equal(r->requests, t->requests);
    assert_int_equal(r->retries, t->retries);
    assert_int_equal(r->offline_failures, t->offline);
    for (int i = 0; i < LAGSIM_RESP_COUNT; i++)
        assert_int_equal(r->responses[i], t->responses[i]);
    /* Conservation from the naive counts, and the events the observer
     * saw neither delivered nor dropped are the pool's in flight. */
    assert_int_equal(t->fired, t->visible + sum(t->dropped, LAGSIM_DROP_COUNT) + r->in_flight);
    assert_int_equal(r->in_flight, t->live + t->processing);
    assert_int_equal(t->delivered, t->visible + t->processing);
    assert_true(r->conserved);
    /* The observers' latencies count the same visible events. */
    assert_int_equal(lagsim_hist_count(r->latency_visible), t->counted_visible);
    assert_int_equal(lagsim_breakdown_count(r->hops), t->counted_visible);
}

typedef struct ledger_case {
    const char *config;
    const char *sets[6];
    enum lagsim_mode modes[2];
    int n_modes;
    /* some of what must happen, so that the comparison means something */
    int want_drop;          /* a drop reason that must occur, or -1 */
    int want_duplicates;
    int want_retries;
    int want_in_flight;
    int want_offline;
} ledger_case_t;

static const ledger_case_t cases[] = {
    {"configs/default.ini",
     {"traffic.scale=0.02", "mixpanel.lost_response_rate=0.05", "mixpanel.failure_rate=0.02"},
     {LAGSIM_MODE_CLOUD, LAGSIM_MODE_DEVICE}, 2, -1, 1, 1, 0, 0},
    {"configs/adblock-web.ini", {"traffic.scale=0.1"}, {LAGSIM_MODE_CLOUD, LAGSIM_MODE_DEVICE}, 2,
     LAGSIM_DROP_ADBLOCK, 0, 0, 0, 0},
    /* a drain limit too short for the backlog: events in flight at the end */
    {"configs/mixpanel-outage.ini",
     {"traffic.scale=0.05", "segment.retry_window=2m", "scenario.drain_limit=1s"},
     {LAGSIM_MODE_CLOUD, LAGSIM_MODE_DEVICE}, 2, LAGSIM_DROP_RETRY_WINDOW, 0, 1, 1, 0},
    {"configs/sampling-burst.ini", {"traffic.scale=0.02", "sampling.threshold=200/s"},
     {LAGSIM_MODE_CLOUD, LAGSIM_MODE_DEVICE}, 2, LAGSIM_DROP_SAMPLED, 0, 0, 0, 0},
    {"configs/mobile-app.ini", {"traffic.scale=0.05", "mixpanel.lost_response_rate=0.05"},
     {LAGSIM_MODE_CLOUD, LAGSIM_MODE_DEVICE}, 2, -1, 1, 0, 1, 1},
};

static void load(const ledger_case_t *c, lagsim_scenario_t *sc)
{
    size_t n = 0;
    while (n < 6 && c->sets[n])
        n++;
    lagsim_error_t err;
    if (lagsim_config_load(c->config, c->sets, n, sc, &err) != LAGSIM_OK)
        fail_msg("%s: %s", c->config, err.message);
}

/* Every case, every mode: the counters are the naive counts. */
static void test_counts_match_a_naive_observer(void **state)
{
    (void)state;
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ledger_case_t *c = &cases[i];
        load(c, sc);
        uint64_t drops_wanted = 0, duplicates = 0, retries = 0, in_flight = 0, offline = 0;
        for (int k = 0; k < c->n_modes; k++) {
            tally_t t;
            counted_run(sc, c->modes[k], 0, r, &t);
            char what[128];
            snprintf(what, sizeof what, "%s %s", c->config, lagsim_mode_name(c->modes[k]));
            check_against_tally(r, &t, what);
            if (c->want_drop >= 0)
                drops_wanted += t.dropped[c->want_drop];
            duplicates += t.duplicates;
            retries += t.retries;
            in_flight += r->in_flight;
            offline += t.offline;
            if (c->modes[k] == LAGSIM_MODE_CLOUD)
                assert_true(t.segment_queued > 0);
            else
                assert_int_equal(t.segment_queued, 0);
            free(t.state);
        }
        if (c->want_drop >= 0)
            assert_true(drops_wanted > 0);
        if (c->want_in_flight)
            assert_true(in_flight > 0);
        if (c->want_offline)
            assert_true(offline > 0);
        if (c->want_duplicates)
            assert_true(duplicates > 0);
        if (c->want_retries)
            assert_true(retries > 0);
    }
    free(sc);
    lagsim_result_destroy(r);
}

/* With the trace observer added, every count is the same: a traced run
 * runs the same hop code (Segment's fast path included). */
static void test_traced_run_counts_the_same(void **state)
{
    (void)state;
    lagsim_result_t *a = lagsim_result_create(), *b = lagsim_result_create();
    assert_non_null(a);
    assert_non_null(b);
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        load(&cases[i], sc);
        for (int k = 0; k < cases[i].n_modes; k++) {
            tally_t plain, traced;
            counted_run(sc, cases[i].modes[k], 0, a, &plain);
            counted_run(sc, cases[i].modes[k], 1, b, &traced);
            free(plain.state);
            free(traced.state);
            plain.state = traced.state = NULL;
            plain.cap = traced.cap = 0;
            assert_memory_equal(&plain, &traced, sizeof plain);
            assert_int_equal(a->sim_events, b->sim_events);
            assert_int_equal(a->in_flight, b->in_flight);
            assert_int_equal(a->end_time, b->end_time);
            assert_true(lagsim_hist_quantile(a->latency_visible, 0.99) ==
                        lagsim_hist_quantile(b->latency_visible, 0.99));
        }
    }
    free(sc);
    lagsim_result_destroy(a);
    lagsim_result_destroy(b);
}

/* The observer table holds LSI_OBSERVERS_MAX observers, and says so when full. */
static void test_observer_table_is_bounded(void **state)
{
    (void)state;
    lsi_model_t *m = calloc(1, sizeof *m);
    assert_non_null(m);
    for (int i = 0; i < LSI_OBSERVERS_MAX; i++)
        assert_int_equal(lsi_ledger_observe(m, &counter, NULL), 0);
    assert_int_equal(lsi_ledger_observe(m, &counter, NULL), -1);
    assert_int_equal(m->ledger.n, LSI_OBSERVERS_MAX);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_match_a_naive_observer),
        cmocka_unit_test(test_traced_run_counts_the_same),
        cmocka_unit_test(test_observer_table_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
