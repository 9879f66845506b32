/*
 * test_retry_dynamics.c - how each SDK preset (and Segment's Mixpanel
 * destination) answers a scripted server: the exact send times of a few
 * events against fixed sequences of responses, with and without
 * Retry-After, and the analytics-node Retry-After storm.
 *
 * Central idea: every delay is a constant. Events are fired by a replay
 * source of this file's own (rows at chosen times), round trips are
 * constants (client 200 ms, so 100 ms each way; Segment <-> Mixpanel
 * 100 ms), Mixpanel answers in 0 s, and the server's answers are scripted
 * with [mixpanel] outage windows or Segment's inbound limit. The send
 * times of the followed events are read from the trace hook, and each
 * expected time is worked out by hand in the comment above its assertion
 * from the SDK's rules (docs/retry-dynamics.md), never from the code.
 *
 * A periodic flush timer has a phase fixed by the user (a hash), unknown
 * to the test: a first run without any scripted answer tells when the
 * device first sends (t0), and the script is then written relative to it.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/report.h"
#include "lagsim/trace.h"
#include "model_support.h"

#define MS LAGSIM_MSEC

/* ---- Events fired at chosen times ---------------------------------------- */

#define MAX_ROWS 256
static lagsim_time_t script_at[MAX_ROWS];
static unsigned script_n;

typedef struct cursor {
    unsigned i;
} cursor_t;

static cursor_t the_cursor;

static void *rows_open(const lagsim_scenario_t *sc, int *rc)
{
    (void)sc;
    *rc = LAGSIM_OK;
    the_cursor.i = 0;
    return &the_cursor;
}

static int rows_next(void *stream, lagsim_replay_row_t *row)
{
    cursor_t *c = stream;
    if (c->i >= script_n)
        return 0;
    *row = (lagsim_replay_row_t){.at = script_at[c->i++], .type = 0, .has_user = 1, .user = 0};
    return 1;
}

static void rows_close(void *stream)
{
    (void)stream;
}

static const lagsim_replay_source_t rows = {rows_open, rows_next, rows_close};

/* `n` events fired at `at` each (in order), then nothing: all on user 0. */
static void fire(unsigned n, const lagsim_time_t *at)
{
    assert_true(n <= MAX_ROWS);
    script_n = n;
    memcpy(script_at, at, n * sizeof *at);
}

/* `n` events, the first at `start` and one every `step` (the trace hook
 * follows events fired at distinct times). */
static void fire_spaced(unsigned n, lagsim_time_t start, lagsim_time_t step)
{
    assert_true(n <= MAX_ROWS);
    script_n = n;
    for (unsigned k = 0; k < n; k++)
        script_at[k] = start + (lagsim_time_t)k * step;
}

/*
 * One client of `platform` (its presets), no Poisson arrivals, constant
 * trips, Mixpanel answering at once, no limits but the scripted ones.
 */
static void scripted(lagsim_scenario_t *sc, enum lagsim_platform platform)
{
    lagsim_scenario_defaults(sc);
    sc->horizon = 20 * LAGSIM_MIN;
    sc->drain_limit = 2 * LAGSIM_HOUR;
    sc->base_rate = 0;
    sc->users = 1;
    snprintf(sc->replay.file, sizeof sc->replay.file, "%s", "scripted");
    sc->replay.source = &rows;
    sc->replay.time_scale = 1;
    sc->n_clients = 1;
    snprintf(sc->clients[0].name, sizeof sc->clients[0].name, "c");
    sc->clients[0].share = 1;
    sc->clients[0].platform = platform;
    sc->clients[0].sdk[0] = *lagsim_sdk_preset(lagsim_platform_cloud_sdk(platform));
    sc->clients[0].sdk[1] = *lagsim_sdk_preset(lagsim_platform_device_sdk(platform));
    sc->network.client_rtt = constant(0.2);
    sc->network.server_rtt = constant(0.1);
    sc->segment.processing = constant(1.0);
    sc->segment.batch_wait = 0;
    sc->mixpanel.response_time = constant(0);
    sc->mixpanel.ingest_limit = 0;
    sc->mixpanel.ingest_limit_bytes = 0;
}

/* ---- Reading the send times ------------------------------------------------ */

#define MAX_POINTS 40000
typedef struct seen {
    lagsim_trace_point_t p[MAX_POINTS];
    size_t n;
} seen_t;

static seen_t seen;

static void collect(void *ctx, const lagsim_trace_point_t *p)
{
    seen_t *s = ctx;
    if (s->n < MAX_POINTS)
        s->p[s->n++] = *p;
}

/* Runs `mode` following the first `follow` events fired (one every 1 us
 * from 0: each fired event in turn); checks conservation. */
static lagsim_result_t *run_traced(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                                   uint32_t follow)
{
    char msg[256];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("invalid test scenario: %s", msg);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    seen.n = 0;
    lagsim_trace_t tr = {.fn = collect, .ctx = &seen, .follow = follow, .from = 0, .gap = 1,
                         .type = -1};
    assert_int_equal(lagsim_run_traced(sc, mode, 0, NULL, &tr, r), LAGSIM_OK);
    assert_true(r->conserved);
    return r;
}

/* The times event `ev` (0-based) was sent by `by`, in order; returns how many. */
static size_t sends(uint32_t ev, enum lagsim_trace_by by, lagsim_time_t *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < seen.n; i++)
        if (seen.p[i].event == ev && seen.p[i].kind == LAGSIM_TRACE_SENT && seen.p[i].by == by &&
            k < max)
            out[k++] = seen.p[i].at;
    return k;
}

/* 1 if event ev has a milestone of `kind`. */
static int has(uint32_t ev, enum lagsim_trace_kind kind)
{
    for (size_t i = 0; i < seen.n; i++)
        if (seen.p[i].event == ev && seen.p[i].kind == kind)
            return 1;
    return 0;
}

/* Refusals of event ev heard by its SDK, and how many of them came from
 * Segment's tracking API (at_segment). */
static size_t refusals(uint32_t ev, size_t *at_segment)
{
    size_t n = 0;
    *at_segment = 0;
    for (size_t i = 0; i < seen.n; i++)
        if (seen.p[i].event == ev && seen.p[i].kind == LAGSIM_TRACE_REFUSED) {
            n++;
            *at_segment += seen.p[i].at_segment != 0;
        }
    return n;
}

/* When the device first sends an event fired at `at`, with nothing scripted. */
static lagsim_time_t first_send(lagsim_scenario_t *sc, enum lagsim_mode mode, lagsim_time_t at)
{
    const unsigned n_out = sc->mixpanel.n_outages;
    sc->mixpanel.n_outages = 0;
    fire(1, &at);
    lagsim_result_t *r = run_traced(sc, mode, 1);
    lagsim_time_t t[4];
    assert_true(sends(0, LAGSIM_TRACE_BY_SDK, t, 4) >= 1);
    lagsim_result_destroy(r);
    sc->mixpanel.n_outages = n_out;
    return t[0];
}

/* Mixpanel answers `code` (with Retry-After `ra`, 0: none) from `start` for `dur`. */
static void script(lagsim_scenario_t *sc, lagsim_time_t start, lagsim_time_t dur, int code,
                   lagsim_time_t ra)
{
    lagsim_outage_t *o = &sc->mixpanel.outages[sc->mixpanel.n_outages++];
    o->start = start;
    o->duration = dur;
    o->code = code;
    o->status = code == 0     ? LAGSIM_RESP_TIMEOUT
                : code == 429 ? LAGSIM_RESP_429
                : code < 500  ? LAGSIM_RESP_400
                              : LAGSIM_RESP_5XX;
    o->retry_after = ra;
}

/* A trip there and back: 100 ms each way, Mixpanel answering at once. */
#define TRIP (200 * MS)

/* ---- mixpanel-js ------------------------------------------------------------ */

/*
 * mixpanel-js, one event, Mixpanel answering 429 (Retry-After 300 s, which
 * a browser cannot read) until t0 + 60 s. Sends: t0; the answer comes back
 * at t0 + 0.2 s and the interval doubles from 5 s to 10 s: t0 + 10.2 s;
 * then 20 s: t0 + 30.4 s; then 40 s: t0 + 70.6 s, after the window: 2xx.
 * Then a second event fired at t0 + 90 s: the doubled interval (40 s)
 * survived the success, so the flush after the success comes at
 * t0 + 70.8 + 40 = t0 + 110.8 s (not the next 5 s tick). That flush sends
 * it; its 2xx (at t0 + 111.0 s) leaves the queue empty, so the next flush
 * is 40 s later, at t0 + 151.0 s, finds nothing and resets the interval
 * to 5 s. mixpanel-js's timer is a chain (flush_timer = chain), so the
 * next ticks run from there: t0 + 156 s, ..., t0 + 196 s, t0 + 201 s. A
 * third event fired at t0 + 200.05 s goes at t0 + 201 s.
 */
static void mixpanel_js_interval_survives_success(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_WEB);
    const lagsim_time_t t0 = first_send(&sc, LAGSIM_MODE_DEVICE, 1 * S);
    script(&sc, 0, t0 + 60 * S, 429, 300 * S);
    const lagsim_time_t at[3] = {1 * S, t0 + 90 * S, t0 + 200 * S + 50 * MS};
    fire(3, at);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_DEVICE, 3);
    lagsim_time_t t[8];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 8), 4);
    assert_int_equal(t[0], t0);
    assert_int_equal(t[1], t0 + 10 * S + TRIP);
    assert_int_equal(t[2], t0 + 30 * S + 2 * TRIP);
    assert_int_equal(t[3], t0 + 70 * S + 3 * TRIP);
    assert_int_equal(sends(1, LAGSIM_TRACE_BY_SDK, t, 8), 1);
    assert_int_equal(t[0], t0 + 110 * S + 4 * TRIP);
    assert_int_equal(sends(2, LAGSIM_TRACE_BY_SDK, t, 8), 1);
    assert_int_equal(t[0], t0 + 110 * S + 5 * TRIP + 40 * S + 50 * S);
    assert_int_equal(r->visible, 3);
    assert_int_equal(r->responses[LAGSIM_RESP_429], 3);
    lagsim_result_destroy(r);
}

/*
 * mixpanel-js, a request timeout (90 s): the SDK re-flushes at once,
 * without doubling. Mixpanel does not answer requests arriving before
 * t0 + 1 s: the first send (t0) times out at t0 + 90 s and is sent again
 * at that instant; it arrives after the window: 2xx.
 */
static void mixpanel_js_timeout_resends_at_once(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_WEB);
    const lagsim_time_t t0 = first_send(&sc, LAGSIM_MODE_DEVICE, 1 * S);
    script(&sc, 0, t0 + 1 * S, 0, 0);
    const lagsim_time_t at = 1 * S;
    fire(1, &at);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_DEVICE, 1);
    lagsim_time_t t[4];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 2);
    assert_int_equal(t[0], t0);
    assert_int_equal(t[1], t0 + 90 * S);
    assert_int_equal(r->visible, 1);
    assert_int_equal(r->responses[LAGSIM_RESP_TIMEOUT], 1);
    lagsim_result_destroy(r);
}

/*
 * mixpanel-js and 413: events of 1,000 bytes, Mixpanel takes at most
 * 2,500 bytes per request (2 events); 5 events are queued (fired 1 us
 * apart from 1 s, before the first tick). t0: 5 events -> 413; the batch size is halved to
 * min(50 / 2, 5 - 1) = 4 and the next flush comes 5 s after the answer:
 * t0 + 5.2 s, 4 events -> 413; halved to min(4 / 2, 3) = 2: t0 + 10.4 s,
 * 2 events -> 2xx; the rest go at once after each success: t0 + 10.6 s
 * (2 events), t0 + 10.8 s (the last one, left out of the batch of 4).
 * Nothing is lost.
 */
static void mixpanel_js_halves_its_batch_on_413(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_WEB);
    sc.event_types[0].payload_bytes = constant(1000);
    sc.mixpanel.max_request_bytes = 2500;
    sc.segment.batch_bytes = 2500; /* Segment's batches must fit, though unused here */
    const lagsim_time_t t0 = first_send(&sc, LAGSIM_MODE_DEVICE, 1 * S);
    assert_true(t0 > 1 * S + 4);
    fire_spaced(5, 1 * S, 1);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_DEVICE, 5);
    lagsim_time_t t[8];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 8), 3);
    assert_int_equal(t[0], t0);
    assert_int_equal(t[1], t0 + 5 * S + TRIP);
    assert_int_equal(t[2], t0 + 10 * S + 2 * TRIP);
    assert_int_equal(sends(2, LAGSIM_TRACE_BY_SDK, t, 8), 3);
    assert_int_equal(t[2], t0 + 10 * S + 3 * TRIP);
    /* The 5th event was not in the batch of 4: sent at t0, then last. */
    assert_int_equal(sends(4, LAGSIM_TRACE_BY_SDK, t, 8), 2);
    assert_int_equal(t[1], t0 + 10 * S + 4 * TRIP);
    assert_int_equal(r->visible, 5);
    assert_int_equal(r->responses[LAGSIM_RESP_400], 2);
    lagsim_result_destroy(r);
}

/* A single event still too large for a request: dropped as invalid. */
static void mixpanel_js_drops_a_single_event_that_gets_413(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_WEB);
    sc.mixpanel.max_request_bytes = 10; /* every event is larger */
    sc.segment.batch_bytes = 10;
    const lagsim_time_t at = 1 * S;
    fire(1, &at);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_DEVICE, 1);
    lagsim_time_t t[4];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 1);
    assert_int_equal(r->dropped[LAGSIM_DROP_INVALID], 1);
    assert_int_equal(r->visible, 0);
    lagsim_result_destroy(r);
}

/* ---- mixpanel-android and mixpanel-swift ------------------------------------ */

/*
 * mixpanel-android: one flush makes up to three sends, the second 100 ms
 * and the third 200 ms after the previous answer, before it counts as
 * failed; then it waits max(2^n x 60 s, Retry-After), at most 600 s,
 * reading the header of a 5xx only (a 429 is a plain client error).
 * Mixpanel answers the script until t0 + 1 s: sends at t0, t0 + 0.3 s
 * (answer at t0 + 0.2 s, + 0.1 s) and t0 + 0.7 s (answer at t0 + 0.5 s,
 * + 0.2 s); the third answer at t0 + 0.9 s fails the flush. Then: 503
 * with Retry-After 300 s: t0 + 0.9 + 300 s; 900 s is cut to 600 s; a 503
 * without one, or a 429 with 300 s, the plain 60 s.
 */
static void mixpanel_android_tries_three_times_then_waits(void **state)
{
    (void)state;
    const int code[4] = {503, 503, 503, 429};
    const lagsim_time_t ra[4] = {300 * S, 900 * S, 0, 300 * S};
    const lagsim_time_t want[4] = {300 * S, 600 * S, 60 * S, 60 * S};
    for (int i = 0; i < 4; i++) {
        lagsim_scenario_t sc;
        scripted(&sc, LAGSIM_PLATFORM_ANDROID);
        const lagsim_time_t t0 = first_send(&sc, LAGSIM_MODE_DEVICE, 1 * S);
        script(&sc, 0, t0 + 1 * S, code[i], ra[i]);
        const lagsim_time_t at = 1 * S;
        fire(1, &at);
        lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_DEVICE, 1);
        lagsim_time_t t[8];
        assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 8), 4);
        assert_int_equal(t[0], t0);
        assert_int_equal(t[1] - t0, 300 * MS);
        assert_int_equal(t[2] - t0, 700 * MS);
        assert_int_equal(t[3] - t0, 900 * MS + want[i]);
        assert_int_equal(r->requests, 4);
        assert_int_equal(r->retries, 3);
        size_t seg;
        assert_int_equal(refusals(0, &seg), 3); /* Mixpanel's, in device mode */
        assert_int_equal(seg, 0);
        assert_int_equal(r->visible, 1);
        lagsim_result_destroy(r);
    }
}

/*
 * mixpanel-swift: the first failure waits for the next flush tick (60 s
 * after t0, its phase), unless Retry-After asks for longer: 200 s.
 */
static void mixpanel_swift_waits_the_longer_of_next_flush_and_retry_after(void **state)
{
    (void)state;
    const lagsim_time_t ra[2] = {200 * S, 0};
    const lagsim_time_t want[2] = {200 * S + TRIP, 60 * S};
    for (int i = 0; i < 2; i++) {
        lagsim_scenario_t sc;
        scripted(&sc, LAGSIM_PLATFORM_IOS);
        const lagsim_time_t t0 = first_send(&sc, LAGSIM_MODE_DEVICE, 1 * S);
        script(&sc, 0, t0 + 1 * S, 503, ra[i]);
        const lagsim_time_t at = 1 * S;
        fire(1, &at);
        lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_DEVICE, 1);
        lagsim_time_t t[4];
        assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 2);
        assert_int_equal(t[1] - t0, want[i]);
        lagsim_result_destroy(r);
    }
}

/* ---- mixpanel-server --------------------------------------------------------- */

/*
 * mixpanel-server (Mixpanel's recommended policy, jitter set to none here
 * so the times are exact): Retry-After is ignored, the first retry waits
 * 2 s: t0 + 2.2 s. A 408 is not retried (4xx but 429): dropped.
 */
static void mixpanel_server_ignores_retry_after_and_drops_408(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_SERVER);
    sc.clients[0].sdk[1].backoff.jitter = LAGSIM_JITTER_NONE;
    const lagsim_time_t t0 = first_send(&sc, LAGSIM_MODE_DEVICE, 1 * S);
    script(&sc, 0, t0 + 1 * S, 429, 100 * S);
    const lagsim_time_t at = 1 * S;
    fire(1, &at);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_DEVICE, 1);
    lagsim_time_t t[4];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 2);
    assert_int_equal(t[1], t0 + 2 * S + TRIP);
    assert_int_equal(r->visible, 1);
    lagsim_result_destroy(r);

    sc.mixpanel.n_outages = 0;
    script(&sc, 0, t0 + 1 * S, 408, 0);
    r = run_traced(&sc, LAGSIM_MODE_DEVICE, 1);
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 1);
    assert_int_equal(r->dropped[LAGSIM_DROP_INVALID], 1);
    lagsim_result_destroy(r);
}

/* ---- Segment's Mixpanel destination ------------------------------------------ */

/*
 * Cloud mode, analytics.js (standard delivery: sent at once): fired at
 * 1 s, at Segment at 1.1 s, in the destination queue at 2.1 s and sent to
 * Mixpanel at once (batch_wait 0). Mixpanel answers 408 until 3 s: the
 * destination retries it (Actions' rule) after 1 s (backoff without
 * jitter here): the answer is back at 2.2 s, the retry at 3.2 s: 2xx. A
 * 410 is not retried: dropped at once. With dest_retry_after = max and a
 * 429 carrying Retry-After 10 s, the retry waits 10 s: 12.2 s.
 */
static void segment_destination_retries_408_not_410(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_WEB);
    sc.segment.backoff.jitter = LAGSIM_JITTER_NONE;
    script(&sc, 0, 3 * S, 408, 0);
    const lagsim_time_t at = 1 * S;
    fire(1, &at);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 1);
    lagsim_time_t t[4];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 1);
    assert_int_equal(t[0], 1 * S);
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SEGMENT, t, 4), 2);
    assert_int_equal(t[0], 2100 * MS);
    assert_int_equal(t[1], 3200 * MS);
    assert_int_equal(r->visible, 1);
    lagsim_result_destroy(r);

    sc.mixpanel.n_outages = 0;
    script(&sc, 0, 3 * S, 410, 0);
    r = run_traced(&sc, LAGSIM_MODE_CLOUD, 1);
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SEGMENT, t, 4), 1);
    assert_int_equal(r->dropped[LAGSIM_DROP_INVALID], 1);
    lagsim_result_destroy(r);

    sc.mixpanel.n_outages = 0;
    script(&sc, 0, 3 * S, 429, 10 * S);
    sc.segment.dest_retry_after = LAGSIM_RA_MAX;
    r = run_traced(&sc, LAGSIM_MODE_CLOUD, 1);
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SEGMENT, t, 4), 2);
    assert_int_equal(t[1], 12200 * MS);
    lagsim_result_destroy(r);
}

/* ---- Segment's tracking API refusing (inbound_policy = reject) --------------- */

/*
 * analytics.js batching against Segment refusing: inbound limit 1 event/s,
 * Retry-After 20 s fixed. 20 events fired 1 ms apart from 1 s make two
 * batches of 10, sent as their 10th event comes (1.009 s, 1.019 s) and at
 * Segment 0.1 s later: the first is admitted (the API is idle) and takes
 * 10 s of the limit; the second is refused (429, 20 s). The SDK hears it
 * at 1.219 s and waits the Retry-After: 21.219 s, admitted. With
 * Retry-After 400 s the wait is cut to 300 s: 301.219 s.
 */
static void analytics_js_batching_honours_retry_after_up_to_300s(void **state)
{
    (void)state;
    const lagsim_time_t ra[2] = {20 * S, 400 * S};
    const lagsim_time_t want[2] = {21219 * MS, 301219 * MS};
    for (int i = 0; i < 2; i++) {
        lagsim_scenario_t sc;
        scripted(&sc, LAGSIM_PLATFORM_WEB);
        sc.clients[0].sdk[0] = *lagsim_sdk_preset("analytics.js-batching");
        sc.segment.inbound_limit = 1;
        sc.segment.inbound_policy = LAGSIM_INBOUND_REJECT;
        sc.segment.retry_after = ra[i];
        fire_spaced(20, 1 * S, 1 * MS);
        lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 20);
        lagsim_time_t t[4];
        assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 1);
        assert_int_equal(t[0], 1009 * MS);
        assert_int_equal(sends(10, LAGSIM_TRACE_BY_SDK, t, 4), 2);
        assert_int_equal(t[0], 1019 * MS);
        assert_int_equal(t[1], want[i]);
        assert_int_equal(r->segment_429, 1);
        assert_int_equal(r->visible, 20);
        lagsim_result_destroy(r);
    }
}

/*
 * analytics.js batching honours at most 10 Retry-After waits per batch.
 * Limit 0.5 event/s (a batch of 10 takes 20 s), Retry-After 1 s: b1,
 * sent at 1.009 s, keeps the API busy until 21.109 s; b2, sent at
 * 1.019 s, is refused every time until then. Its first 10 refusals each
 * wait the 1 s header (sends at 1.019 + 1.2k s, k = 0..10); the 11th
 * refusal (answer at 13.219 s) is an ordinary retry, the first counted
 * one: 0.5 s +-10%, so the 12th send comes 0.45 to 0.55 s later.
 */
static void analytics_js_batching_honours_at_most_10_retry_afters(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_WEB);
    sc.clients[0].sdk[0] = *lagsim_sdk_preset("analytics.js-batching");
    sc.segment.inbound_limit = 0.5;
    sc.segment.inbound_policy = LAGSIM_INBOUND_REJECT;
    sc.segment.retry_after = 1 * S;
    fire_spaced(20, 1 * S, 1 * MS);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 20);
    lagsim_time_t t[40];
    assert_true(sends(10, LAGSIM_TRACE_BY_SDK, t, 40) >= 12);
    for (int k = 0; k <= 10; k++)
        assert_int_equal(t[k], 1019 * MS + k * 1200 * MS);
    const lagsim_time_t d = t[11] - 13219 * MS;
    assert_true(d >= 450 * MS && d <= 550 * MS);
    assert_int_equal(r->visible, 20);
    lagsim_result_destroy(r);
}

/*
 * analytics-node, publisher-wide pause: 30 events 1 ms apart from 1 s
 * make two batches of 15 (flushAt), sent at 1.014 s and 1.029 s. Limit
 * 20/s, Retry-After 20 s: the first is admitted (0.75 s of the limit),
 * the second refused (with it the API would hold 1.485 s of work, over
 * the second it takes at once); the whole publisher pauses 20 s from
 * 1.229 s, and an event fired meanwhile (at 5 s) waits too: at 21.229 s
 * the parked batch is sent again and the queued event with it. Both fit
 * then (0.75 s + 0.05 s).
 */
static void analytics_node_pauses_its_whole_publisher(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_SERVER);
    sc.segment.inbound_limit = 20;
    sc.segment.inbound_policy = LAGSIM_INBOUND_REJECT;
    sc.segment.retry_after = 20 * S;
    fire_spaced(31, 1 * S, 1 * MS);
    script_at[30] = 5 * S;
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 31);
    lagsim_time_t t[4];
    assert_int_equal(sends(15, LAGSIM_TRACE_BY_SDK, t, 4), 2);
    assert_int_equal(t[0], 1029 * MS);
    assert_int_equal(t[1], 21229 * MS);
    assert_int_equal(sends(30, LAGSIM_TRACE_BY_SDK, t, 4), 1);
    assert_int_equal(t[0], 21229 * MS);
    assert_int_equal(r->segment_429, 1);
    assert_int_equal(r->visible, 31);
    /* The trace says the publisher paused, and for how many batches. */
    int paused = 0;
    for (size_t i = 0; i < seen.n; i++)
        if (seen.p[i].kind == LAGSIM_TRACE_BACKOFF && seen.p[i].paused == 1 &&
            seen.p[i].retry_after == 20 * S && seen.p[i].delay == 20 * S)
            paused++;
    assert_int_equal(paused, 15); /* each event of the refused batch */
    lagsim_result_destroy(r);
}

/* The storm's scenario (below): analytics-node against Segment's API at
 * 1 event/s, refusing with Retry-After until_admit; 3 attempts per batch;
 * 60 events 1 ms apart from 1 s. */
static void storm(lagsim_scenario_t *sc)
{
    scripted(sc, LAGSIM_PLATFORM_SERVER);
    sc->segment.inbound_limit = 1;
    sc->segment.inbound_policy = LAGSIM_INBOUND_REJECT;
    sc->segment.retry_after = LAGSIM_RETRY_AFTER_ADMIT;
    sc->clients[0].sdk[0].max_attempts = 3;
    fire_spaced(60, 1 * S, 1 * MS);
}

/*
 * The storm: analytics-node, 60 events 1 ms apart from 1 s = 4 batches of
 * 15, sent at 1.014, 1.029, 1.044 and 1.059 s; limit 1 event/s (a batch
 * takes 15 s of it), Retry-After until_admit (whole seconds, rounded up),
 * at most 3 attempts per batch here. Round 1: b1 admitted at 1.114 s (idle
 * API; busy until 16.114 s); b2, b3, b4 refused at 1.129, 1.144, 1.159 s
 * with Retry-After ceil(14.985), ceil(14.970), ceil(14.955) = 15 s; each
 * answer (0.1 s later) pushes the publisher's pause to its own end, the
 * last to 1.259 + 15 = 16.259 s, and all three wake then, together.
 * They wake in the order their wake-ups were scheduled: b4 (at 1.259 s,
 * for 16.259 s), then b2 and b3 (put off to 16.259 s when their own
 * wake-up came). Round 2 (at Segment at 16.359 s): b4 admitted (busy until
 * 31.359 s), b2 and b3 refused, 15 s: pause until 31.459 s. Round 3
 * (31.559 s): b2 admitted, b3 refused on its 3rd attempt: dropped
 * (retry_limit). 429s: 3 + 2 + 1 = 6; visible 45; dropped 15.
 */
static void analytics_node_retry_after_storm(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    storm(&sc);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 60);
    lagsim_time_t t[4];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 4), 1);
    for (uint32_t b = 1; b < 4; b++) { /* b2, b3, b4: woken together */
        const size_t n = sends(b * 15, LAGSIM_TRACE_BY_SDK, t, 4);
        assert_int_equal(n, b == 3 ? 2 : 3);
        assert_int_equal(t[0], 1014 * MS + b * 15 * MS);
        assert_int_equal(t[1], 16259 * MS);
        if (n == 3)
            assert_int_equal(t[2], 31459 * MS);
    }
    assert_true(has(30, LAGSIM_TRACE_DROPPED) && has(44, LAGSIM_TRACE_DROPPED));
    assert_false(has(15, LAGSIM_TRACE_DROPPED) || has(45, LAGSIM_TRACE_DROPPED));
    assert_int_equal(r->segment_429, 6);
    assert_int_equal(r->visible, 45);
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], 15);
    assert_int_equal(r->fired, r->visible + r->dropped[LAGSIM_DROP_RETRY_LIMIT]);
    lagsim_result_destroy(r);
}

/*
 * analytics-node's waits on Retry-After do not count toward maxRetries
 * (10), but its safety cap of maxRetries + 20 = 30 attempts drops the
 * events. Limit 1 event/s and a Retry-After of 1 s, too short for the
 * busy API, so the refused batch comes back every 1.2 s.
 */
static void analytics_node_waits_do_not_count_toward_max_retries(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_SERVER);
    sc.segment.inbound_limit = 1;
    sc.segment.inbound_policy = LAGSIM_INBOUND_REJECT;
    sc.segment.retry_after = 1 * S; /* too short: the API is still busy */
    fire_spaced(30, 1 * S, 1 * MS);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 30);
    lagsim_time_t t[40];
    /* b1 sent at 1.014 s, admitted at 1.114 s, busy until 16.114 s. b2,
     * sent at 1.029 s, is refused with 1 s every 1.2 s (sent at
     * 1.029 + 1.2k s, at Segment 0.1 s later) until one arrives at or
     * after 16.114 s: 1.129 + 1.2k >= 16.114 gives k = 13, the 14th
     * attempt, admitted. 13 refusals: more than maxRetries (10). */
    assert_int_equal(sends(15, LAGSIM_TRACE_BY_SDK, t, 40), 14);
    for (int k = 0; k < 14; k++)
        assert_int_equal(t[k], 1029 * MS + k * 1200 * MS);
    assert_int_equal(r->segment_429, 13);
    assert_int_equal(r->visible, 30);
    lagsim_result_destroy(r);

    /* Held off for good: batches of 100 (the first, sent at 1.099 s,
     * keeps the API busy until 101.199 s); the second, sent at 1.199 s,
     * is dropped after its 30th attempt, at 1.199 + 29 x 1.2 = 35.999 s. */
    sc.clients[0].sdk[0].batch_size = 100;
    sc.clients[0].sdk[0].flush_at = 100;
    fire_spaced(200, 1 * S, 1 * MS);
    r = run_traced(&sc, LAGSIM_MODE_CLOUD, 200);
    assert_int_equal(sends(100, LAGSIM_TRACE_BY_SDK, t, 40), 30);
    assert_int_equal(t[29], 1199 * MS + 29 * 1200 * MS);
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], 100);
    assert_int_equal(r->segment_429, 30);
    lagsim_result_destroy(r);
}

/* The narration of the storm says, in plain words, who refused, with
 * which Retry-After, and that the publisher paused for how many batches;
 * the lines keep within 80 columns. */
static void the_trace_narrates_the_storm(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    storm(&sc);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 60);
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    assert_non_null(f);
    assert_int_equal(lagsim_report_trace(f, &sc, seen.p, seen.n, NULL), LAGSIM_OK);
    fclose(f);
    for (const char *p = buf; *p;) {
        const size_t n = strcspn(p, "\n");
        if (n > 80)
            fail_msg("line of %zu columns: <%.*s>", n, (int)n, p);
        p += n + (p[n] == '\n');
    }
    /* The words as one line: every run of blanks and newlines as one space. */
    char *flat = malloc(strlen(buf) + 1);
    assert_non_null(flat);
    size_t j = 0;
    for (const char *p = buf; *p; p++)
        if (*p != ' ' && *p != '\n')
            flat[j++] = *p;
        else if (j > 0 && flat[j - 1] != ' ')
            flat[j++] = ' ';
    flat[j] = '\0';
    assert_non_null(strstr(flat, "Segment's tracking API answers 429 Too Many Requests, with "
                                 "Retry-After: 15.0s: the workspace is over its inbound limit"));
    /* b3 refused with b2 already parked: 2 batches; b4 then: 3. */
    assert_non_null(strstr(flat, "the analytics-node publisher pauses 15.0s on Retry-After: 2 "
                                 "batches wait, and all wake at the same moment"));
    assert_non_null(strstr(flat, "the analytics-node publisher pauses 15.0s on Retry-After: 3 "
                                 "batches wait"));
    assert_non_null(strstr(flat, "DROPPED (retry_limit)"));
    free(flat);
    free(buf);
    lagsim_result_destroy(r);
}

/* With the queue policy (the default) nothing is refused: the same
 * storm scenario loses nothing and no device hears a 429. */
static void queue_policy_refuses_nothing(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_SERVER);
    sc.segment.inbound_limit = 1;
    fire_spaced(60, 1 * S, 1 * MS);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 1);
    assert_int_equal(r->segment_429, 0);
    assert_int_equal(r->visible, 60);
    lagsim_result_destroy(r);
}

/* ---- The Segment SDKs that ignore Retry-After ------------------------------ */

/*
 * analytics.js, standard delivery (one request per event), jitter taken
 * out so that its backoff is exact: the first retry at once, then 1 s,
 * 2 s, 4 s, ... (500 ms x 2^k without the U[1,2) factor). Segment's API
 * takes 0.5 events/s (2 s of its budget per event) and refuses with a
 * Retry-After of 300 s, which this SDK does not read. Event A at 1.000 s
 * reaches the idle API at 1.100 s: admitted, the API busy until 3.100 s.
 * Event B at 1.001 s reaches it at 1.101 s: refused; the answer is back
 * at 1.201 s and B goes again at once (1.201 s), refused at 1.301 s;
 * back at 1.401 s, it waits 1 s: sent at 2.401 s, refused at 2.501 s;
 * back at 2.601 s, it waits 2 s: sent at 4.601 s, reaches the API at
 * 4.701 s, after 3.100 s: admitted. Three 429s, both events visible.
 */
static void analytics_js_ignores_retry_after(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scripted(&sc, LAGSIM_PLATFORM_WEB);
    assert_string_equal(sc.clients[0].sdk[0].preset, "analytics.js");
    sc.clients[0].sdk[0].backoff.jitter = LAGSIM_JITTER_NONE;
    sc.segment.inbound_limit = 0.5;
    sc.segment.inbound_policy = LAGSIM_INBOUND_REJECT;
    sc.segment.retry_after = 300 * S;
    fire_spaced(2, 1 * S, 1 * MS);
    lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 2);
    lagsim_time_t t[8];
    assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 8), 1);
    assert_int_equal(t[0], 1000 * MS);
    assert_int_equal(sends(1, LAGSIM_TRACE_BY_SDK, t, 8), 4);
    assert_int_equal(t[0], 1001 * MS);
    assert_int_equal(t[1], 1201 * MS);
    assert_int_equal(t[2], 2401 * MS);
    assert_int_equal(t[3], 4601 * MS);
    assert_int_equal(r->segment_429, 3);
    assert_int_equal(r->visible, 2);
    size_t seg;
    assert_int_equal(refusals(1, &seg), 3); /* all three by Segment's API */
    assert_int_equal(seg, 3);
    lagsim_result_destroy(r);
}

/*
 * The mobile Segment SDKs (analytics-kotlin, analytics-swift) in their
 * default legacy retry mode: a refused batch stays on disk and goes again
 * at the next scheduled flush (every 30 s), whatever Retry-After says.
 * Twenty events at 1.000..1.019 s reach flushAt and leave at once; the
 * API, idle, takes them (0.5 events/s: 40 s of its budget) and is busy
 * until 1.119 + 40 = 41.119 s. A 21st event at 2 s leaves at the first
 * flush tick after 2 s (T, read from a run without the others) and at
 * every tick after it (T + 30 k) until one reaches the API (0.1 s later)
 * at or after 41.119 s: the expected list is built from that rule here.
 */
static void mobile_segment_sdks_retry_at_the_next_flush(void **state)
{
    (void)state;
    const enum lagsim_platform platforms[] = {LAGSIM_PLATFORM_ANDROID, LAGSIM_PLATFORM_IOS};
    const char *const presets[] = {"analytics-kotlin", "analytics-swift"};
    for (int k = 0; k < 2; k++) {
        lagsim_scenario_t sc;
        scripted(&sc, platforms[k]);
        assert_string_equal(sc.clients[0].sdk[0].preset, presets[k]);
        sc.segment.inbound_limit = 0.5;
        sc.segment.inbound_policy = LAGSIM_INBOUND_REJECT;
        sc.segment.retry_after = 300 * S;
        const lagsim_time_t tick = first_send(&sc, LAGSIM_MODE_CLOUD, 2 * S);
        assert_true(tick >= 2 * S && tick < 32 * S);
        lagsim_time_t at[21];
        for (int i = 0; i < 20; i++)
            at[i] = 1 * S + i * MS;
        at[20] = 2 * S;
        fire(21, at);
        lagsim_result_t *r = run_traced(&sc, LAGSIM_MODE_CLOUD, 21);
        lagsim_time_t want[8];
        size_t n_want = 0;
        for (lagsim_time_t t = tick;; t += 30 * S) {
            want[n_want++] = t;
            if (t + 100 * MS >= 41119 * MS)
                break;
        }
        assert_true(n_want >= 2); /* T < 32 s: its first try is refused */
        lagsim_time_t t[8];
        assert_int_equal(sends(0, LAGSIM_TRACE_BY_SDK, t, 8), 1);
        assert_int_equal(t[0], 1019 * MS);
        assert_int_equal(sends(20, LAGSIM_TRACE_BY_SDK, t, 8), n_want);
        for (size_t i = 0; i < n_want; i++)
            assert_int_equal(t[i], want[i]);
        assert_int_equal(r->segment_429, n_want - 1);
        assert_int_equal(r->visible, 21);
        lagsim_result_destroy(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mixpanel_js_interval_survives_success),
        cmocka_unit_test(mixpanel_js_timeout_resends_at_once),
        cmocka_unit_test(mixpanel_js_halves_its_batch_on_413),
        cmocka_unit_test(mixpanel_js_drops_a_single_event_that_gets_413),
        cmocka_unit_test(mixpanel_android_tries_three_times_then_waits),
        cmocka_unit_test(mixpanel_swift_waits_the_longer_of_next_flush_and_retry_after),
        cmocka_unit_test(mixpanel_server_ignores_retry_after_and_drops_408),
        cmocka_unit_test(segment_destination_retries_408_not_410),
        cmocka_unit_test(analytics_js_batching_honours_retry_after_up_to_300s),
        cmocka_unit_test(analytics_js_batching_honours_at_most_10_retry_afters),
        cmocka_unit_test(analytics_node_pauses_its_whole_publisher),
        cmocka_unit_test(analytics_node_retry_after_storm),
        cmocka_unit_test(analytics_node_waits_do_not_count_toward_max_retries),
        cmocka_unit_test(the_trace_narrates_the_storm),
        cmocka_unit_test(queue_policy_refuses_nothing),
        cmocka_unit_test(analytics_js_ignores_retry_after),
        cmocka_unit_test(mobile_segment_sdks_retry_at_the_next_flush),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
