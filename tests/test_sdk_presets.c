/*
 * test_sdk_presets.c - every SDK preset's retry policy against its
 * documented formula (docs/pipeline-facts.md), with the random draws fixed:
 * the exact delay of each retry in a scripted run of failures, the cap,
 * and the give-up at exactly max_retries and at the retry-duration edge.
 * Then the same rules seen through whole runs: how many retries a batch
 * really gets, and which answers each sender retries or drops.
 *
 * Central idea: a scripted generator (a gsl_rng_type of our own) hands
 * lsi_backoff_delay() chosen uniforms, so every jittered delay is a
 * number computed by hand here from the preset's formula, never read
 * from the preset's fields.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model/model_internal.h"
#include "model_support.h"

/* ---- A scripted generator ---------------------------------------------- */

typedef struct script {
    const double *u;
    size_t n, next;
} script_t;

static double script_double(void *vs)
{
    script_t *s = vs;
    if (s->next >= s->n)
        fail_msg("the backoff drew more uniforms than scripted (%zu)", s->n);
    return s->u[s->next++];
}

static unsigned long script_get(void *vs)
{
    return (unsigned long)(script_double(vs) * 4294967295.0);
}

static void script_set(void *vs, unsigned long seed)
{
    (void)seed;
    memset(vs, 0, sizeof(script_t));
}

static const gsl_rng_type script_type = {"script", 4294967295UL, 0, sizeof(script_t),
                                         &script_set, &script_get, &script_double};

/* The uniform drawn for retry n (1-based) of a scripted run. */
static const double U[] = {0.25, 0.8, 0.05, 0.6, 0.95, 0.4, 0.1, 0.7, 0.5, 0.3, 0.9, 0.15, 0.0};
#define N_RETRIES 12

/* What retry n should wait, by hand: seconds, or one of these. */
#define AT_NEXT_FLUSH (-1.0)
typedef double (*formula_fn)(uint32_t n, double u);

static double p2(uint32_t n)
{
    return pow(2.0, (double)n);
}

static double min2(double a, double b)
{
    return a < b ? a : b;
}

/*
 * Runs retries 1..N_RETRIES of `preset` with the scripted uniforms, one
 * per jittered retry, and checks each delay (to the microsecond; delays
 * are whole microseconds, cut down) and how many uniforms were drawn.
 */
static void check_sequence(const lagsim_backoff_t *b, const char *what, formula_fn want,
                           int jittered_from)
{
    gsl_rng *r = gsl_rng_alloc(&script_type);
    assert_non_null(r);
    script_t *s = r->state;
    for (uint32_t n = 1; n <= N_RETRIES; n++) {
        const int draws = jittered_from > 0 && (int)n >= jittered_from;
        s->u = &U[n - 1];
        s->n = (size_t)draws;
        s->next = 0;
        const double expect = want(n, U[n - 1]);
        const lagsim_time_t got = lsi_backoff_delay(b, n, r);
        if (expect == AT_NEXT_FLUSH) {
            if (got != LSI_AT_NEXT_FLUSH)
                fail_msg("%s retry %u: %lld us, expected the next flush", what, n, (long long)got);
        } else {
            const double e_us = floor(expect * LAGSIM_SEC + 1e-6);
            if (got == LSI_AT_NEXT_FLUSH || fabs((double)got - e_us) > 1)
                fail_msg("%s retry %u (u = %g): %.6f s, expected %.6f s", what, n, U[n - 1],
                         (double)got / LAGSIM_SEC, expect);
        }
        if (s->next != s->n)
            fail_msg("%s retry %u: drew %zu uniforms, expected %zu", what, n, s->next, s->n);
    }
    gsl_rng_free(r);
}

static const lagsim_backoff_t *preset(const char *name)
{
    const lagsim_sdk_t *sdk = lagsim_sdk_preset(name);
    if (!sdk)
        fail_msg("no preset %s", name);
    return &sdk->backoff;
}

/* mixpanel-js: the 5 s interval doubles per failure (10, 20, 40 s ...),
 * capped at 600 s, no jitter. */
static double f_mixpanel_js(uint32_t n, double u)
{
    (void)u;
    return min2(5 * p2(n), 600);
}

/* mixpanel-android: max(2^n * 60 s) with n the failed flushes so far
 * minus one: 60, 120, 240, 480, 600 s, no jitter. */
static double f_mixpanel_android(uint32_t n, double u)
{
    (void)u;
    return min2(60 * p2(n - 1), 600);
}

/* mixpanel-swift: the first failure waits for the next flush; from the
 * 2nd, clamp(2^(n-1) * 60 s + U[0, 30) s, 60 s, 600 s). */
static double f_mixpanel_swift(uint32_t n, double u)
{
    if (n == 1)
        return AT_NEXT_FLUSH;
    const double d = p2(n - 1) * 60 + 30 * u;
    return d < 60 ? 60 : d > 600 ? 600 : d;
}

/* Mixpanel's recommended policy (mixpanel-server): 2 s doubling up to
 * 60 s, plus U[1, 5) s of jitter on top of the capped value. */
static double f_mixpanel_server(uint32_t n, double u)
{
    return min2(2 * p2(n - 1), 60) + 1 + 4 * u;
}

/* analytics.js standard: the first retry immediate, then
 * U[1, 2) * 500 ms * 2^(n-1): 1-2 s, 2-4 s, ...; no cap. */
static double f_analytics_js(uint32_t n, double u)
{
    if (n == 1)
        return 0;
    return (1 + u) * 0.5 * p2(n - 1);
}

/* analytics.js batching: 0.5 s * 2^(n-1) with +-10%, capped at 60 s. */
static double f_analytics_js_batching(uint32_t n, double u)
{
    return min2(0.5 * p2(n - 1) * (0.9 + 0.2 * u), 60);
}

/* analytics-node: min(U[1, 2) * 500 ms * 2^n, 60 s). */
static double f_analytics_node(uint32_t n, double u)
{
    return min2((1 + u) * 0.5 * p2(n), 60);
}

/* analytics-kotlin and analytics-swift (legacy mode): the batch file is
 * kept for the next scheduled flush, every time. */
static double f_next_flush(uint32_t n, double u)
{
    (void)n;
    (void)u;
    return AT_NEXT_FLUSH;
}

/* Segment's destination (constants an assumption, see the defaults):
 * full jitter on min(1 s * 2^(n-1), 600 s). */
static double f_segment(uint32_t n, double u)
{
    return u * min2(p2(n - 1), 600);
}

static void exact_retry_delays_of_every_preset(void **state)
{
    (void)state;
    check_sequence(preset("mixpanel-js"), "mixpanel-js", f_mixpanel_js, 0);
    check_sequence(preset("mixpanel-android"), "mixpanel-android", f_mixpanel_android, 0);
    check_sequence(preset("mixpanel-swift"), "mixpanel-swift", f_mixpanel_swift, 2);
    check_sequence(preset("mixpanel-server"), "mixpanel-server", f_mixpanel_server, 1);
    check_sequence(preset("analytics.js"), "analytics.js", f_analytics_js, 2);
    check_sequence(preset("analytics.js-batching"), "analytics.js-batching",
                   f_analytics_js_batching, 1);
    check_sequence(preset("analytics-node"), "analytics-node", f_analytics_node, 1);
    check_sequence(preset("analytics-kotlin"), "analytics-kotlin", f_next_flush, 0);
    check_sequence(preset("analytics-swift"), "analytics-swift", f_next_flush, 0);
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    check_sequence(&sc.segment.backoff, "segment destination", f_segment, 1);
    /* Every preset is covered above. */
    unsigned n = 0;
    while (lagsim_sdk_preset_name(n))
        n++;
    assert_int_equal(n, 9);
}

/* The caps, at a retry far past them, with the largest uniform. */
static void caps_hold_far_out(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(&script_type);
    script_t *s = r->state;
    static const double top = 0.999999;
    const struct {
        const char *name;
        double cap_s;
    } caps[] = {
        {"mixpanel-js", 600}, {"mixpanel-android", 600}, {"mixpanel-swift", 600},
        {"mixpanel-server", 60 + 1 + 4 * top}, {"analytics.js-batching", 60},
        {"analytics-node", 60},
    };
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        s->u = &top;
        s->n = 1;
        s->next = 0;
        const lagsim_time_t d = lsi_backoff_delay(preset(caps[i].name), 40, r);
        if (fabs((double)d - floor(caps[i].cap_s * LAGSIM_SEC)) > 1)
            fail_msg("%s retry 40: %.6f s, cap %.6f s", caps[i].name, (double)d / LAGSIM_SEC,
                     caps[i].cap_s);
    }
    /* analytics.js standard has no cap but the attempts: retry 9 waits
     * (1 + u) * 128 s. */
    s->u = &top;
    s->n = 1;
    s->next = 0;
    assert_true(llabs(lsi_backoff_delay(preset("analytics.js"), 9, r) -
                      (lagsim_time_t)floor((1 + top) * 128 * LAGSIM_SEC)) <= 1);
    gsl_rng_free(r);
}

/*
 * Give-up edges: retry n = max_retries is made, n = max_retries + 1 is
 * not; max_duration after the first attempt ends retrying, a microsecond
 * before it does not. Limits from the facts: mixpanel-server 8 attempts
 * (7 retries), analytics.js 10 attempts (9 retries), analytics.js
 * batching and analytics-node 10 retries within 12 h; the rest never
 * give up.
 */
static void give_up_edges_of_every_preset(void **state)
{
    (void)state;
    const lagsim_time_t H12 = 12 * LAGSIM_HOUR;
    const struct {
        const char *name;
        uint32_t max;           /* 0: never */
        lagsim_time_t duration; /* 0: never */
    } limits[] = {
        {"mixpanel-js", 0, 0},        {"mixpanel-android", 0, 0},
        {"mixpanel-swift", 0, 0},     {"mixpanel-server", 7, 0},
        {"analytics.js", 9, 0},       {"analytics.js-batching", 10, H12},
        {"analytics-node", 10, H12},  {"analytics-kotlin", 0, 0},
        {"analytics-swift", 0, 0},
    };
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        const lagsim_backoff_t *b = preset(limits[i].name);
        const uint32_t max = limits[i].max;
        if (max) {
            if (lsi_backoff_gives_up(b, max, 0) || !lsi_backoff_gives_up(b, max + 1, 0))
                fail_msg("%s: retry %u must be made, retry %u not", limits[i].name, max,
                         max + 1);
        } else if (lsi_backoff_gives_up(b, 1000000, 0)) {
            fail_msg("%s gives up after a million retries", limits[i].name);
        }
        const lagsim_time_t d = limits[i].duration;
        if (d) {
            if (lsi_backoff_gives_up(b, 1, d - 1) || !lsi_backoff_gives_up(b, 1, d))
                fail_msg("%s: retrying ends at exactly %lld us", limits[i].name, (long long)d);
        } else if (lsi_backoff_gives_up(b, 1, 300 * LAGSIM_DAY)) {
            fail_msg("%s gives up after 300 days", limits[i].name);
        }
    }
}

/* ---- The same rules through whole runs ---------------------------------- */

/* One server (mixpanel-server for Device-mode, analytics-node for Cloud)
 * sending 20 events/s for 2 minutes, and long enough to drain. */
static void server_scenario(lagsim_scenario_t *sc)
{
    small_scenario(sc, 20, 2 * LAGSIM_MIN);
    sc->users = 1;
    sc->drain_limit = LAGSIM_DAY;
    sc->clients[0].platform = LAGSIM_PLATFORM_SERVER;
    sc->clients[0].sdk[LAGSIM_MODE_CLOUD] = *lagsim_sdk_preset("analytics-node");
    sc->clients[0].sdk[LAGSIM_MODE_DEVICE] = *lagsim_sdk_preset("mixpanel-server");
}

/* Mixpanel answers every request with `code` (5xx) for the whole run. */
static void outage_all_run(lagsim_scenario_t *sc, int code)
{
    sc->mixpanel.n_outages = 1;
    sc->mixpanel.outages[0] = (lagsim_outage_t){.start = 0, .duration = 2 * LAGSIM_DAY,
                                                .status = LAGSIM_RESP_5XX, .code = code};
}

static uint64_t first_tries(const lagsim_result_t *r)
{
    return r->requests - r->retries;
}

/*
 * Every request fails: each batch is sent 1 + max_retries times and its
 * events are then dropped (retry_limit). mixpanel-server (several
 * requests in flight: each batch counts its own retries) gives up after
 * its 7th retry; mixpanel-js told to stop after 3 (one request at a
 * time: the SDK counts consecutive failures) after its 3rd. 503 and 429
 * alike.
 */
static void runs_give_up_after_exactly_max_retries(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    server_scenario(&sc);
    outage_all_run(&sc, 503);
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(first_tries(r) >= 10);
    assert_int_equal(r->retries, 7 * first_tries(r));
    assert_int_equal(r->responses[LAGSIM_RESP_5XX], r->requests);
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], r->fired);
    lagsim_result_destroy(r);

    /* 429: a limit of 0.01 event/s (0.6 per minute) refuses every batch
     * whole, forever. */
    server_scenario(&sc);
    sc.mixpanel.ingest_limit = 0.01;
    r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(first_tries(r) >= 10);
    assert_int_equal(r->responses[LAGSIM_RESP_429], r->requests);
    assert_int_equal(r->retries, 7 * first_tries(r));
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], r->fired);
    lagsim_result_destroy(r);

    /* A serial SDK: mixpanel-js with a limit of 3 retries. */
    small_scenario(&sc, 20, 2 * LAGSIM_MIN);
    sc.users = 5;
    sc.drain_limit = LAGSIM_DAY;
    outage_all_run(&sc, 502);
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].backoff.max_retries = 3;
    r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(first_tries(r) >= 10);
    assert_int_equal(r->retries, 3 * first_tries(r));
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], r->fired);
    lagsim_result_destroy(r);
}

/*
 * Which answers each sender retries, from the facts:
 *  - Mixpanel's SDKs and recommended policy retry every 5xx and 429 and
 *    drop a 400 (mixpanel-android keeps it: retry_4xx);
 *  - Segment's libraries (no_retry_5xx) drop 501, 505 and 511 and retry
 *    the other 5xx; the rule is applied here to a Mixpanel sender, as
 *    Segment's tracking API itself never answers 5xx in the model;
 *  - Segment's destination drops 501 and 400, retries other 5xx and 429.
 * A dropped batch's events end as invalid with no retry; a retried one's
 * are retried until the sender's limit (retry_limit) or the retry window.
 */
static const int codes_5xx[] = {500, 501, 502, 503, 504, 505, 511};

static int retried(const lagsim_result_t *r)
{
    if (r->retries > 0 && r->dropped[LAGSIM_DROP_INVALID] == 0)
        return 1;
    if (r->retries == 0 && r->dropped[LAGSIM_DROP_INVALID] == r->fired)
        return 0;
    fail_msg("neither retried nor dropped: %llu retries, %llu invalid of %llu",
             (unsigned long long)r->retries, (unsigned long long)r->dropped[LAGSIM_DROP_INVALID],
             (unsigned long long)r->fired);
    return -1;
}

static void every_sender_classifies_5xx_codes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof codes_5xx / sizeof codes_5xx[0]; i++) {
        const int code = codes_5xx[i];
        const int segment_rule = code == 501 || code == 505 || code == 511;
        lagsim_scenario_t sc;
        /* Mixpanel's recommended policy: every 5xx retried. */
        server_scenario(&sc);
        sc.horizon = 30 * S;
        outage_all_run(&sc, code);
        lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
        if (retried(r) != 1)
            fail_msg("mixpanel-server: %d must be retried", code);
        lagsim_result_destroy(r);
        /* With Segment's library rule. */
        sc.clients[0].sdk[LAGSIM_MODE_DEVICE].no_retry_5xx = 1;
        r = run_mode(&sc, LAGSIM_MODE_DEVICE);
        if (retried(r) != !segment_rule)
            fail_msg("no_retry_5xx: %d must be %s", code, segment_rule ? "dropped" : "retried");
        lagsim_result_destroy(r);
        /* Segment's destination, with a short retry window to end it. */
        server_scenario(&sc);
        sc.horizon = 30 * S;
        sc.segment.retry_window = 2 * LAGSIM_MIN;
        outage_all_run(&sc, code);
        r = run_mode(&sc, LAGSIM_MODE_CLOUD);
        if (retried(r) != (code != 501))
            fail_msg("segment destination: %d must be %s", code,
                     code == 501 ? "dropped" : "retried");
        if (code != 501)
            assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_WINDOW], r->fired);
        lagsim_result_destroy(r);
    }
}

/*
 * A 400 (here: a request over Mixpanel's size limit, which Mixpanel
 * answers 413 and the model treats as an invalid request) is dropped by
 * Mixpanel's recommended policy and by mixpanel-js; mixpanel-android
 * keeps the batch (retry_4xx) and retries it.
 */
static void a_400_is_dropped_unless_retry_4xx(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    server_scenario(&sc);
    sc.horizon = 30 * S;
    sc.mixpanel.max_request_bytes = 1000; /* a batch of several events is over */
    sc.segment.batch_bytes = 1000;        /* (Segment's must fit; unused here) */
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(retried(r), 0);
    assert_int_equal(r->responses[LAGSIM_RESP_400], r->requests);
    lagsim_result_destroy(r);

    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].retry_4xx = 1;
    r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(retried(r), 1);
    assert_int_equal(r->retries, 7 * first_tries(r));
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], r->fired);
    lagsim_result_destroy(r);

    /* The presets' own settings: only mixpanel-android retries a 400. */
    for (unsigned i = 0; lagsim_sdk_preset_name(i); i++) {
        const char *name = lagsim_sdk_preset_name(i);
        const int want = strcmp(name, "mixpanel-android") == 0;
        if ((int)lagsim_sdk_preset(name)->retry_4xx != want)
            fail_msg("%s: retry_4xx %u, expected %d", name, lagsim_sdk_preset(name)->retry_4xx,
                     want);
        /* Segment's libraries drop 501/505/511; Mixpanel's retry them. */
        const int seg = strcmp(name, "analytics.js-batching") == 0 ||
                        strcmp(name, "analytics-node") == 0;
        if ((int)lagsim_sdk_preset(name)->no_retry_5xx != seg)
            fail_msg("%s: no_retry_5xx %u, expected %d", name,
                     lagsim_sdk_preset(name)->no_retry_5xx, seg);
    }

    /* mixpanel-android, serial, retries its 400s (bounded here at 2
     * failed flushes after the first); each flush makes three sends
     * before it counts as failed: 3 flushes x 3 sends = 9 sends of each
     * batch, 8 of them retries. */
    small_scenario(&sc, 20, 30 * S);
    sc.users = 3;
    sc.drain_limit = LAGSIM_DAY;
    sc.clients[0].platform = LAGSIM_PLATFORM_ANDROID;
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE] = *lagsim_sdk_preset("mixpanel-android");
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].backoff.max_retries = 2;
    sc.mixpanel.max_request_bytes = 1000;
    sc.segment.batch_bytes = 1000;
    r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(first_tries(r) > 0);
    assert_int_equal(r->retries, 8 * first_tries(r));
    assert_int_equal(r->dropped[LAGSIM_DROP_RETRY_LIMIT], r->fired);
    lagsim_result_destroy(r);

    /* Segment's destination discards a 400: here every event is over a
     * per-event limit of 100 bytes (below Segment's own 32 KB), so the
     * request is answered 400. */
    server_scenario(&sc);
    sc.horizon = 30 * S;
    sc.mixpanel.max_event_bytes = 100;
    r = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_int_equal(retried(r), 0);
    lagsim_result_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_retry_delays_of_every_preset),
        cmocka_unit_test(caps_hold_far_out),
        cmocka_unit_test(give_up_edges_of_every_preset),
        cmocka_unit_test(runs_give_up_after_exactly_max_retries),
        cmocka_unit_test(every_sender_classifies_5xx_codes),
        cmocka_unit_test(a_400_is_dropped_unless_retry_4xx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
