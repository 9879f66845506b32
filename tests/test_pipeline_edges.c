/*
 * test_pipeline_edges.c - whole runs at the edges of the pipeline's
 * rules, each against a value worked out by hand from constant delays:
 * Segment's retry window to the microsecond and its optional retry
 * limit, /track's 5-day age limit at exactly 5 days, Segment's
 * max_in_flight, Mixpanel's background failure rate (a binomial bound),
 * hybrid mode with every event routed to device against device mode, and
 * every hop of every event's latency with constant delays, identity and
 * indexing costs included, batching by count and by wait, and a device
 * queue's cap and age limit.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model_support.h"

/* A server (analytics-node / mixpanel-server) and fixed delays in the
 * Segment -> Mixpanel leg: processing 1 s, server round trip 0.2 s
 * (0.1 s each way), Mixpanel answers in 0.3 s. */
static void fixed_server_scenario(lagsim_scenario_t *sc, double rate, lagsim_time_t horizon)
{
    small_scenario(sc, rate, horizon);
    sc->users = 3;
    sc->drain_limit = LAGSIM_DAY;
    sc->clients[0].platform = LAGSIM_PLATFORM_SERVER;
    sc->clients[0].sdk[LAGSIM_MODE_CLOUD] = *lagsim_sdk_preset("analytics-node");
    sc->clients[0].sdk[LAGSIM_MODE_DEVICE] = *lagsim_sdk_preset("mixpanel-server");
    sc->segment.processing = constant(1.0);
    sc->network.server_rtt = constant(0.2);
    sc->mixpanel.response_time = constant(0.3);
}

static void outage_all_run(lagsim_scenario_t *sc, int code)
{
    sc->mixpanel.n_outages = 1;
    sc->mixpanel.outages[0] = (lagsim_outage_t){.start = 0, .duration = 2 * LAGSIM_DAY,
                                                .status = LAGSIM_RESP_5XX, .code = code};
}

/*
 * Segment's retry window at its edge. One event per batch (batch_size
 * 1), Mixpanel answering 503 all along, and a fixed retry delay of 2 s
 * (no jitter). Measured from the event's receipt by Segment: sent at
 * 1 s (processing), answered at 1.5 s (0.1 + 0.3 + 0.1), retried at
 * 3.5 s, 6 s, 8.5 s, ... (every 2.5 s). With a window of 8.5 s the event
 * is archived as the 4th send is due: 3 sends, 2 retries. With 8.5 s
 * + 1 us the 4th send goes, and its answer at 9 s finds the window over:
 * 3 retries. Every event alike, so the totals are exact multiples.
 */
static void segment_retry_window_edge(void **state)
{
    (void)state;
    for (int extra = 0; extra <= 1; extra++) {
        lagsim_scenario_t sc;
        fixed_server_scenario(&sc, 2, LAGSIM_MIN);
        outage_all_run(&sc, 503);
        sc.segment.batch_size = 1;
        sc.segment.backoff = (lagsim_backoff_t){.base = 2 * S, .factor = 1,
                                                .jitter = LAGSIM_JITTER_NONE};
        sc.segment.retry_window = 8500 * LAGSIM_MSEC + extra;
        lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_CLOUD);
        assert_true(r->fired > 50);
        assert_int_equal(r->requests, r->fired * (uint64_t)(3 + extra));
        assert_int_equal(r->retries, r->fired * (uint64_t)(2 + extra));
        assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_WINDOW], r->fired);
        lagsim_result_destroy(r);
    }
}

/*
 * [segment] max_retries and max_retry_duration, documented as the
 * destination's give-up rule, end a batch's retries (retry_limit): with
 * max_retries 4, each batch is sent 5 times; with max_retry_duration 6 s
 * and the schedule above (sends at 0, 2.5, 5, 7.5 s after the first),
 * the answer at 5.5 s retries and the one at 8 s gives up: 4 sends.
 */
static void segment_retry_limits(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    fixed_server_scenario(&sc, 2, LAGSIM_MIN);
    outage_all_run(&sc, 503);
    sc.segment.batch_size = 1;
    sc.segment.backoff = (lagsim_backoff_t){.base = 2 * S, .factor = 1,
                                            .jitter = LAGSIM_JITTER_NONE, .max_retries = 4};
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_true(r->fired > 50);
    assert_int_equal(r->requests, 5 * r->fired);
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], r->fired);
    lagsim_result_destroy(r);
    sc.segment.backoff.max_retries = 0;
    sc.segment.backoff.max_duration = 6 * S;
    r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(r->requests, 4 * r->fired);
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], r->fired);
    lagsim_result_destroy(r);
}

/*
 * /track's age limit, 5 days by default [doc]. A browser SDK that sends
 * each event at once (flush_interval 0, any number in flight) over a
 * constant round trip of 10 days delivers every event exactly 5 days
 * (one way) after it fired: at the limit, kept. One microsecond more
 * (a round trip 2 us longer) and every event is too old. A server sends
 * to /import, which has no age limit.
 */
static void track_age_limit_at_five_days(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    assert_int_equal(sc.mixpanel.track_max_age, 5 * LAGSIM_DAY);
    for (int over = 0; over <= 1; over++)
        for (int server = 0; server <= 1; server++) {
            small_scenario(&sc, 1, 20 * S);
            sc.users = 5;
            sc.drain_limit = 30 * LAGSIM_DAY;
            if (server) {
                sc.clients[0].platform = LAGSIM_PLATFORM_SERVER;
                sc.clients[0].sdk[LAGSIM_MODE_CLOUD] = *lagsim_sdk_preset("analytics-node");
                sc.clients[0].sdk[LAGSIM_MODE_DEVICE] = *lagsim_sdk_preset("mixpanel-server");
            }
            lagsim_sdk_t *sdk = &sc.clients[0].sdk[LAGSIM_MODE_DEVICE];
            sdk->flush_interval = 0;
            sdk->max_in_flight = 0;
            sdk->request_timeout = 30 * LAGSIM_DAY;
            sc.network.client_rtt = constant(10.0 * 86400 + (over ? 2e-6 : 0));
            lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
            assert_true(r->fired > 5);
            const uint64_t old = r->dropped[LAGSIM_DROP_TOO_OLD];
            if (over && !server) {
                assert_int_equal(old, r->fired);
            } else {
                assert_int_equal(old, 0);
                assert_int_equal(r->delivered, r->fired);
                /* Delivered exactly 5 days (+1 us) after firing. */
                assert_int_equal(lagsim_hist_min(r->latency_delivered),
                                 lagsim_hist_max(r->latency_delivered));
            }
            lagsim_result_destroy(r);
        }
}

/*
 * Segment's max_in_flight: 3 requests open at most, each taking exactly
 * 0.5 s (0.1 + 0.3 + 0.1), batches of 10 and no batch wait. Offered
 * 500 events/s for a minute, far above the 3 * 10 / 0.5 = 60 events/s
 * the destination can move, each second from 10 s to 50 s sees exactly
 * 6 requests reach Mixpanel (3 connections, one request per 0.5 s each)
 * carrying 60 events.
 */
static void segment_max_in_flight_paces_requests(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    fixed_server_scenario(&sc, 500, LAGSIM_MIN);
    sc.users = 50;
    sc.drain_limit = 0; /* what is left at the end stays in flight */
    sc.series_window = S;
    sc.segment.batch_size = 10;
    sc.segment.batch_wait = 0;
    sc.segment.max_in_flight = 3;
    sc.mixpanel.ingest_limit = 0;
    sc.mixpanel.ingest_limit_bytes = 0;
    lagsim_result_t *r = lagsim_result_create();
    char msg[256];
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_OK);
    assert_int_equal(lagsim_run(&sc, LAGSIM_MODE_CLOUD, 0, r), LAGSIM_OK);
    assert_true(lagsim_series_length(r->series) >= 50);
    for (size_t w = 10; w < 50; w++) {
        const uint64_t answers = lagsim_series_count(r->series, w, LAGSIM_DV_RESPONSES + LAGSIM_RESP_2XX);
        const uint64_t events = lagsim_series_count(r->series, w, LAGSIM_DV_DELIVERED);
        if (answers != 6 || events != 60)
            fail_msg("second %zu: %llu requests carrying %llu events, expected 6 and 60", w,
                     (unsigned long long)answers, (unsigned long long)events);
    }
    lagsim_result_destroy(r);
}

/*
 * Mixpanel's background failure rate: each request is answered 503 with
 * probability 0.1, independently. Over n requests the count of 503s is
 * binomial(n, 0.1); the test allows 5 standard deviations, 5 sqrt(0.09 /
 * n) of the share (a correct model misses with probability 6e-7), in both
 * modes. The 503s are retried: nothing is lost.
 */
static void background_failure_rate_is_binomial(void **state)
{
    (void)state;
    for (int m = 0; m < 2; m++) {
        lagsim_scenario_t sc;
        small_scenario(&sc, 200, 10 * LAGSIM_MIN);
        sc.mixpanel.failure_rate = 0.1;
        sc.segment.batch_size = 10; /* many requests in cloud mode too */
        lagsim_result_t *r = run_mode(&sc, m ? LAGSIM_MODE_DEVICE : LAGSIM_MODE_CLOUD);
        const double n = (double)r->requests;
        assert_true(n > 5000);
        const double share = (double)r->responses[LAGSIM_RESP_5XX] / n;
        const double tol = 5 * sqrt(0.09 / n);
        if (!(fabs(share - 0.1) <= tol))
            fail_msg("%s: 503 share %.4f of %.0f requests, expected 0.1 +- %.4f",
                     m ? "device" : "cloud", share, n, tol);
        assert_int_equal(r->visible + r->in_flight, r->fired);
        lagsim_result_destroy(r);
    }
}

/*
 * Hybrid mode with every event type routed to device is device mode: the
 * same events take the same path with the same random streams, so every
 * counter and every latency figure must be equal, not close. A busy
 * scenario (rate limited, lost answers, blockers, offline users, two
 * event types) so that many mechanisms take part.
 */
static void hybrid_all_device_equals_device(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 300, 5 * LAGSIM_MIN);
    sc.mixpanel.ingest_limit = 200;
    sc.mixpanel.lost_response_rate = 0.05;
    sc.mixpanel.failure_rate = 0.02;
    sc.clients[0].adblock[0] = sc.clients[0].adblock[1] = 0.1;
    sc.clients[0].offline_share = 0.1;
    sc.n_event_types = 2;
    sc.event_types[0].share = 0.7;
    sc.event_types[1] = sc.event_types[0];
    strcpy(sc.event_types[1].name, "other");
    sc.event_types[1].share = 0.3;
    sc.event_types[1].priority = LAGSIM_PRIO_HIGH;
    sc.event_types[0].route = LAGSIM_MODE_DEVICE;
    sc.event_types[1].route = LAGSIM_MODE_DEVICE;
    lagsim_result_t *d = run_mode(&sc, LAGSIM_MODE_DEVICE);
    lagsim_result_t *h = run_mode(&sc, LAGSIM_MODE_HYBRID);
    assert_true(d->responses[LAGSIM_RESP_429] > 0);
    assert_int_equal(h->fired, d->fired);
    assert_int_equal(h->delivered, d->delivered);
    assert_int_equal(h->visible, d->visible);
    assert_int_equal(h->in_flight, d->in_flight);
    for (int k = 0; k < LAGSIM_DROP_COUNT; k++)
        assert_int_equal(h->dropped[k], d->dropped[k]);
    assert_int_equal(h->requests, d->requests);
    assert_int_equal(h->retries, d->retries);
    for (int k = 0; k < LAGSIM_RESP_COUNT; k++)
        assert_int_equal(h->responses[k], d->responses[k]);
    assert_int_equal(h->duplicates, d->duplicates);
    assert_int_equal(h->offline_failures, d->offline_failures);
    assert_int_equal(h->backlog_peak, d->backlog_peak);
    const lagsim_hist_t *hh[] = {h->latency_delivered, h->latency_visible};
    const lagsim_hist_t *dh[] = {d->latency_delivered, d->latency_visible};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(lagsim_hist_count(hh[k]), lagsim_hist_count(dh[k]));
        assert_true(lagsim_hist_mean(hh[k]) == lagsim_hist_mean(dh[k]));
        assert_int_equal(lagsim_hist_max(hh[k]), lagsim_hist_max(dh[k]));
        for (double q = 0.1; q < 1; q += 0.1)
            assert_int_equal(lagsim_hist_quantile(hh[k], q), lagsim_hist_quantile(dh[k], q));
    }
    for (unsigned hop = 0; hop < LAGSIM_HOP_COUNT; hop++)
        assert_true(lagsim_breakdown_mean(h->hops, hop) == lagsim_breakdown_mean(d->hops, hop));
    lagsim_result_destroy(d);
    lagsim_result_destroy(h);
}

/*
 * Every hop by hand, with every delay constant: a client that sends each
 * event at once (flush_interval 0, no limit in flight), client round
 * trip 0.1 s and server round trip 20 ms (half each way), Segment
 * processing 2 s, destination batches of one event sent at once, Mixpanel
 * ingestion 0.5 s + 10 ms per KB of a 2,000-byte payload + 100 ms for
 * each of 2 nesting levels = 0.72 s, identity 1 s (known users only),
 * no indexing period and 3 s of indexing. Every event then has exactly:
 *   cloud:  delivered 0.05 + 2 + 0.01 = 2.06 s, visible 2.06 + 0.72 + 1 + 3 = 6.78 s
 *           hops: network 0.06, Segment ingest 2, Mixpanel ingest 0.72,
 *           identity 1, indexing 3, the rest 0;
 *   device: delivered 0.05 s, visible 4.77 s.
 */
static void constant_delays(lagsim_scenario_t *sc)
{
    small_scenario(sc, 20, 5 * LAGSIM_MIN);
    sc->new_user_share = 0;
    sc->network.client_rtt = constant(0.1);
    sc->network.server_rtt = constant(0.02);
    sc->segment.processing = constant(2.0);
    sc->segment.batch_size = 1;
    sc->segment.batch_wait = 0;
    sc->segment.max_in_flight = 1000;
    sc->event_types[0].payload_bytes = constant(2000);
    sc->event_types[0].nesting_depth = 2;
    sc->mixpanel.response_time = constant(0.3);
    sc->mixpanel.ingest_delay = constant(0.5);
    sc->mixpanel.ingest_per_kb = 10 * LAGSIM_MSEC;
    sc->mixpanel.ingest_per_depth = 100 * LAGSIM_MSEC;
    sc->mixpanel.idres_known = constant(1.0);
    sc->mixpanel.index_interval = 0;
    sc->mixpanel.index_delay = constant(3.0);
    for (int m = 0; m < 2; m++) {
        sc->clients[0].sdk[m].flush_interval = 0;
        sc->clients[0].sdk[m].max_in_flight = 0;
    }
}

static void assert_every_latency(const lagsim_hist_t *h, double seconds, const char *what)
{
    const int64_t want = (int64_t)llround(seconds * LAGSIM_SEC);
    if (lagsim_hist_min(h) != want || lagsim_hist_max(h) != want)
        fail_msg("%s: latencies from %lld to %lld us, expected all %lld", what,
                 (long long)lagsim_hist_min(h), (long long)lagsim_hist_max(h), (long long)want);
}

static void every_hop_by_hand(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    constant_delays(&sc);
    lagsim_result_t *c = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_true(c->fired > 1000);
    assert_int_equal(c->visible, c->fired);
    assert_every_latency(c->latency_delivered, 2.06, "cloud delivered");
    assert_every_latency(c->latency_visible, 6.78, "cloud visible");
    const double want[LAGSIM_HOP_COUNT] = {
        [LAGSIM_HOP_NETWORK] = 0.06, [LAGSIM_HOP_SEGMENT_INGEST] = 2.0,
        [LAGSIM_HOP_MIXPANEL_INGEST] = 0.72, [LAGSIM_HOP_IDENTITY] = 1.0,
        [LAGSIM_HOP_INDEXING] = 3.0};
    for (unsigned h = 0; h < LAGSIM_HOP_COUNT; h++)
        if (fabs(lagsim_breakdown_mean(c->hops, h) - want[h] * S) > 1e-6)
            fail_msg("cloud hop %u: mean %.6f s, expected %.6f s", h,
                     lagsim_breakdown_mean(c->hops, h) / S, want[h]);
    lagsim_result_destroy(c);

    lagsim_result_t *d = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(d->visible, d->fired);
    assert_every_latency(d->latency_delivered, 0.05, "device delivered");
    assert_every_latency(d->latency_visible, 4.77, "device visible");
    lagsim_result_destroy(d);
}

/*
 * Identity and indexing costs. Known users cost 1 s, new ones 5 s,
 * merges 20 s; with shares 0.5 / 0.3 / 0.2 the identity hop averages
 * 0.5 + 1.5 + 4 = 6 s, sd sqrt(88 - 36) = 7.2 s per event. Indexing
 * runs every 15 s: an event resolved at r is visible at the next
 * multiple of 15 s at or after r, plus 3 s; with arrival times spread
 * evenly the wait is U[0, 15 s): mean 7.5 s, sd 4.33 s, never 15 s or
 * more. Means within 6 standard errors over n events.
 */
static void identity_and_indexing_costs(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    constant_delays(&sc);
    sc.new_user_share = 0.3;
    sc.merge_share = 0.2;
    sc.mixpanel.idres_new = constant(5.0);
    sc.mixpanel.idres_merge = constant(20.0);
    sc.mixpanel.index_interval = 15 * S;
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    const double n = (double)r->visible;
    assert_true(n > 3000);
    const double id = lagsim_breakdown_mean(r->hops, LAGSIM_HOP_IDENTITY) / S;
    if (!(fabs(id - 6.0) <= 6 * 7.2 / sqrt(n)))
        fail_msg("identity hop mean %.3f s, expected 6 +- %.3f s", id, 6 * 7.2 / sqrt(n));
    const double ix = lagsim_breakdown_mean(r->hops, LAGSIM_HOP_INDEXING) / S;
    if (!(fabs(ix - 10.5) <= 6 * 4.33 / sqrt(n)))
        fail_msg("indexing hop mean %.3f s, expected 10.5 +- %.3f s", ix, 6 * 4.33 / sqrt(n));
    /* Fixed parts: 0.05 + 0.72 s; identity 1-20 s; indexing 3-18 s. */
    assert_true(lagsim_hist_min(r->latency_visible) >= (int64_t)(0.77 * S + 1 * S + 3 * S));
    assert_true(lagsim_hist_max(r->latency_visible) < (int64_t)(0.77 * S + 20 * S + 18 * S));
    lagsim_result_destroy(r);
}

/*
 * Batching, counted exactly. Segment's destination with batches of 10
 * and a minute's wait: every request but the last carries 10 events, so
 * there are ceil(fired / 10) requests. Its batch_wait: with batches far
 * from full (20 events/s, batch_size 1000, batch_wait 5 s), the first
 * event of each batch waits exactly 5 s, the longest delivery latency is
 * 2.06 + 5 s (see every_hop_by_hand), and no event waits longer. A
 * device SDK that flushes on a count only (flush_at 10, batch_size 7, a
 * timer of 300 days) sends each 10 queued events as 7 + 3: 2 floor(fired
 * / 10) requests in the run, none over 7 events (Mixpanel's limit set to
 * 7 here), and the rest still queued at the end.
 */
static void batches_by_count_and_by_wait(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    constant_delays(&sc);
    sc.segment.batch_size = 10;
    sc.segment.batch_wait = LAGSIM_MIN;
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(r->visible, r->fired);
    assert_int_equal(r->requests, (r->fired + 9) / 10);
    lagsim_result_destroy(r);

    constant_delays(&sc);
    sc.segment.batch_size = 1000;
    sc.segment.batch_wait = 5 * S;
    r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(r->visible, r->fired);
    assert_int_equal(lagsim_hist_max(r->latency_delivered), 7060 * LAGSIM_MSEC);
    assert_true(lagsim_hist_min(r->latency_delivered) >= 2060 * LAGSIM_MSEC);
    /* About one request per 5 s window of the run (300 s), not per event. */
    assert_true(r->requests >= 50 && r->requests <= 62);
    lagsim_result_destroy(r);

    constant_delays(&sc);
    sc.users = 1;
    sc.drain_limit = LAGSIM_HOUR;
    lagsim_sdk_t *sdk = &sc.clients[0].sdk[LAGSIM_MODE_DEVICE];
    sdk->flush_interval = 300 * LAGSIM_DAY; /* its first tick, at a random phase, falls
                                               in the 65 minutes run with p = 1.5e-4 */
    sdk->flush_at = 10;
    sdk->batch_size = 7;
    sc.mixpanel.max_batch_events = 7; /* a bigger batch would be refused */
    r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(r->fired > 1000);
    assert_int_equal(r->requests, 2 * (r->fired / 10));
    assert_int_equal(r->delivered, 10 * (r->fired / 10));
    assert_int_equal(r->in_flight, r->fired % 10);
    lagsim_result_destroy(r);
}

/*
 * A device queue cap, exactly: one user whose SDK never flushes during
 * the run (a timer of 300 days, no flush_at) and holds at most 50
 * events: the first 50 stay queued (in flight at the end), every later
 * one is dropped as queue_overflow.
 */
static void a_device_queue_holds_exactly_its_cap(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    constant_delays(&sc);
    sc.users = 1;
    sc.drain_limit = LAGSIM_HOUR;
    lagsim_sdk_t *sdk = &sc.clients[0].sdk[LAGSIM_MODE_DEVICE];
    sdk->flush_interval = 300 * LAGSIM_DAY;
    sdk->flush_at = 0;
    sdk->queue_cap = 50;
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(r->fired > 1000);
    assert_int_equal(r->requests, 0);
    assert_int_equal(r->in_flight, 50);
    assert_int_equal(r->dropped[LAGSIM_DROP_QUEUE_OVERFLOW], r->fired - 50);
    lagsim_result_destroy(r);
}

/*
 * A device store's age limit (max_age), at its edge, with events fired
 * at known times: a replayed file of 7 rows at 0, 15, ..., 90 s for one
 * user, nothing else. The SDK sends only when 7 are queued (flush_at 7,
 * no timer within the run), so at 90 s the events are 90, 75, 60, 45, 30,
 * 15 and 0 s old: with max_age 45 s the three older than 45 s are purged
 * (too_old) and four are delivered; with max_age 45 s - 1 us, four are
 * purged.
 */
static void a_device_store_purges_past_max_age(void **state)
{
    (void)state;
    char path[64];
    snprintf(path, sizeof path, "/tmp/lagsim-maxage-%ld.csv", (long)getpid());
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("time\n0\n15\n30\n45\n60\n75\n90\n", f);
    assert_int_equal(fclose(f), 0);
    for (int less = 0; less <= 1; less++) {
        lagsim_scenario_t sc;
        constant_delays(&sc);
        sc.base_rate = 0;
        sc.users = 1;
        sc.horizon = 2 * LAGSIM_MIN;
        snprintf(sc.replay.file, sizeof sc.replay.file, "%s", path);
        sc.replay.origin_kind = LAGSIM_ORIGIN_SECONDS;
        sc.replay.origin = 0;
        char msg[256];
        if (lagsim_replay_scan(&sc, msg, sizeof msg) != LAGSIM_OK)
            fail_msg("%s", msg);
        lagsim_sdk_t *sdk = &sc.clients[0].sdk[LAGSIM_MODE_DEVICE];
        sdk->flush_interval = 300 * LAGSIM_DAY;
        sdk->flush_at = 7;
        sdk->batch_size = 7;
        sdk->max_age = 45 * S - less;
        lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
        assert_int_equal(r->fired, 7);
        assert_int_equal(r->dropped[LAGSIM_DROP_TOO_OLD], 3 + (uint64_t)less);
        assert_int_equal(r->delivered, 4 - (uint64_t)less);
        lagsim_result_destroy(r);
    }
    remove(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(segment_retry_window_edge),
        cmocka_unit_test(segment_retry_limits),
        cmocka_unit_test(track_age_limit_at_five_days),
        cmocka_unit_test(segment_max_in_flight_paces_requests),
        cmocka_unit_test(background_failure_rate_is_binomial),
        cmocka_unit_test(hybrid_all_device_equals_device),
        cmocka_unit_test(every_hop_by_hand),
        cmocka_unit_test(identity_and_indexing_costs),
        cmocka_unit_test(batches_by_count_and_by_wait),
        cmocka_unit_test(a_device_queue_holds_exactly_its_cap),
        cmocka_unit_test(a_device_store_purges_past_max_age),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
