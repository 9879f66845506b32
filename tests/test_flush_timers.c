/*
 * test_flush_timers.c - the SDKs' flush timers (lagsim_sdk_t flush_timer),
 * the flush at shutdown, and the start phase of a client's devices, on
 * deterministic timelines: events replayed at exact times from one user,
 * constant network and server times, every event followed with the trace
 * hook, and each event's send time compared with the time worked out by
 * hand in the test from the SDK's rule (the comments show the working).
 *
 *  - per_batch (analytics-node): a batch leaves flush_interval after its
 *    first event, or at once when flush_at events are queued; the last
 *    partial batch does not wait for a periodic tick;
 *  - flush at shutdown: at the end of the horizon, or at shutdown_at;
 *  - chain (mixpanel-js): the next flush comes flush_interval after the
 *    previous request's answer, so the phase drifts by the request times;
 *  - periodic with an aligned phase: ticks at phase_at + k interval;
 *  - aligned devices draw 429s below the limit where random phases draw
 *    none (the tolerance is argued at the test);
 *  - each preset's timer and shutdown flush, from the facts sheet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lagsim/config.h"
#include "lagsim/model.h"
#include "lagsim/report.h"
#include "lagsim/trace.h"

#define SEC LAGSIM_SEC
#define MS LAGSIM_MSEC

typedef struct sends {
    lagsim_time_t fired[256];      /* by followed event */
    lagsim_time_t first_sent[256]; /* the SDK's first send of it (-1: none) */
    enum lagsim_trace_trigger trigger[256];
    uint32_t n;                    /* events followed */
    lagsim_trace_point_t point[1024]; /* every milestone, for the narration */
    size_t n_points;
} sends_t;

static void on_point(void *ctx, const lagsim_trace_point_t *p)
{
    sends_t *s = ctx;
    if (s->n_points < sizeof s->point / sizeof s->point[0])
        s->point[s->n_points++] = *p;
    if (p->event >= 256)
        return;
    if (p->kind == LAGSIM_TRACE_FIRED) {
        s->fired[p->event] = p->at;
        s->first_sent[p->event] = -1;
        if (p->event + 1 > s->n)
            s->n = p->event + 1;
    }
    if (p->kind == LAGSIM_TRACE_SENT && p->by == LAGSIM_TRACE_BY_SDK &&
        s->first_sent[p->event] < 0) {
        s->first_sent[p->event] = p->at;
        s->trigger[p->event] = p->trigger;
    }
}

/* Writes the replay rows (seconds, all from user "u1") to a temporary
 * file whose path goes to path. */
static void write_replay(char *path, size_t n, const double *at, size_t rows)
{
    snprintf(path, n, "/tmp/lagsim-flush-timers-XXXXXX");
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fprintf(f, "time,user\n");
    for (size_t i = 0; i < rows; i++)
        fprintf(f, "%.6f,u1\n", at[i]);
    assert_int_equal(fclose(f), 0);
}

/* `ini` with its one "%s" replaced by `value`, into out. */
static void subst(char *out, size_t n, const char *ini, const char *value)
{
    const char *at = strstr(ini, "%s");
    assert_non_null(at);
    const int w = snprintf(out, n, "%.*s%s%s", (int)(at - ini), ini, value, at + 2);
    assert_true(w > 0 && (size_t)w < n);
}

/*
 * Loads `ini` (one %s for the replay file) with the events `at` replayed,
 * runs `mode` following every event, and fills s. Network: a constant
 * 200 ms round trip (100 ms each way); Mixpanel answers in 300 ms.
 */
static void run_timeline(const char *ini, const double *at, size_t rows, enum lagsim_mode mode,
                         sends_t *s, char **narration)
{
    char path[64], text[4096];
    write_replay(path, sizeof path, at, rows);
    subst(text, sizeof text, ini, path);
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    lagsim_error_t err;
    const int rc = lagsim_config_load_string(text, "timeline.ini", NULL, 0, sc, &err);
    if (rc != LAGSIM_OK)
        fail_msg("%s", err.message);
    memset(s, 0, sizeof *s);
    lagsim_trace_t tr = {.fn = on_point, .ctx = s, .follow = (uint32_t)rows, .type = -1,
                         .from = 0, .gap = 0};
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    assert_int_equal(lagsim_run_traced(sc, mode, 0, NULL, &tr, r), LAGSIM_OK);
    assert_int_equal(s->n, rows);
    assert_true(r->conserved);
    assert_int_equal(r->fired, r->visible + r->in_flight + r->dropped[0] + r->dropped[1] +
                                   r->dropped[2] + r->dropped[3] + r->dropped[4] +
                                   r->dropped[5] + r->dropped[6] + r->dropped[7]);
    remove(path);
    if (narration) { /* the trace in words (lagsim_report_trace) */
        size_t len;
        FILE *f = open_memstream(narration, &len);
        assert_non_null(f);
        assert_int_equal(lagsim_report_trace(f, sc, s->point, s->n_points, NULL), LAGSIM_OK);
        assert_int_equal(fclose(f), 0);
    }
    free(sc);
    lagsim_result_destroy(r);
}

/* 1 if the narration says `words` (its lines rewrapped into one). */
static int says(const char *narration, const char *words)
{
    char *flat = test_malloc(strlen(narration) + 1);
    size_t n = 0;
    for (const char *p = narration; *p; p++) {
        if (*p == '\n') {
            while (p[1] == ' ')
                p++;
            flat[n++] = ' ';
        } else {
            flat[n++] = *p;
        }
    }
    flat[n] = '\0';
    const int found = strstr(flat, words) != NULL;
    test_free(flat);
    return found;
}

#define COMMON                                                                            \
    "[scenario]\nhorizon = 60s\ndrain_limit = 10m\nseed = 7\nwarmup = none\n"             \
    "[traffic]\nbase_rate = 0\nusers = 1000\n"                                            \
    "[replay]\nfile = %s\norigin = 0\n"                                                   \
    "[network]\nclient_rtt = const(200ms)\nserver_rtt = const(200ms)\n"                   \
    "[segment]\nprocessing = const(1s)\n"                                                 \
    "[mixpanel]\nresponse_time = const(300ms)\nfailure_rate = 0\n"

static void assert_sent(const sends_t *s, uint32_t i, lagsim_time_t want)
{
    if (s->first_sent[i] != want)
        fail_msg("event %u fired at %lld us: first sent at %lld us, expected %lld us", i,
                 (long long)s->fired[i], (long long)s->first_sent[i], (long long)want);
}

/*
 * analytics-node (flushAt 15, flushInterval 10 s, a timer per batch):
 *  - 1.0, 1.5, 2.0 s: the batch opens at 1.0, its timer fires at 11.0;
 *  - 12.0: a new batch, sent at 22.0 (a periodic tick would not know
 *    12.0 started anything);
 *  - 30.00 + 0.01 k, k = 0..15: the 15th (30.14) fills the batch, which
 *    goes at once; the 16th (30.15) opens a new batch, sent at 40.15;
 *  - 55.0: its timer would fire at 65.0, after the horizon (60 s), where
 *    closeAndFlush() sends it: 60.0.
 */
static void per_batch_timer(void **state)
{
    (void)state;
    double at[24];
    size_t n = 0;
    at[n++] = 1.0;
    at[n++] = 1.5;
    at[n++] = 2.0;
    at[n++] = 12.0;
    for (int k = 0; k < 16; k++)
        at[n++] = 30.0 + 0.01 * k;
    at[n++] = 55.0;
    static sends_t s;
    char *words = NULL;
    run_timeline(COMMON "[client.srv]\nshare = 1\nplatform = server\n", at, n,
                 LAGSIM_MODE_CLOUD, &s, &words);
    for (uint32_t i = 0; i < 3; i++)
        assert_sent(&s, i, 11 * SEC);
    assert_int_equal(s.trigger[0], LAGSIM_TRIGGER_BATCH_TIMER);
    assert_sent(&s, 3, 22 * SEC);
    for (uint32_t i = 4; i < 19; i++)
        assert_sent(&s, i, 30 * SEC + 140 * MS);
    assert_int_equal(s.trigger[4], LAGSIM_TRIGGER_FULL);
    assert_sent(&s, 19, 40 * SEC + 150 * MS);
    assert_sent(&s, 20, 60 * SEC);
    assert_int_equal(s.trigger[20], LAGSIM_TRIGGER_SHUTDOWN);
    /* The trace says why, in words. */
    assert_true(says(words, "analytics-node sends it to Segment in a request of 3 events: the "
                            "batch timer fires 10.0s after the batch's first event"));
    assert_true(says(words, "in a request of 15 events: 15 events are queued, a full batch "
                            "goes at once"));
    assert_true(says(words, "the server process exits and flushes everything queued "
                            "(closeAndFlush())"));
    free(words);

    /* The same events on a periodic timer, aligned at 0 (ticks at 0, 10,
     * 20, ... s): the partial batches wait for the tick, up to a whole
     * interval more (12.0 -> 20.0 instead of 22.0 is earlier; 1.0 -> 10.0). */
    run_timeline(COMMON "[client.srv]\nshare = 1\nplatform = server\n"
                        "cloud_flush_timer = periodic\ncloud_flush_at_shutdown = no\n"
                        "phase = aligned\nphase_at = 0s\n",
                 at, n, LAGSIM_MODE_CLOUD, &s, NULL);
    assert_sent(&s, 0, 10 * SEC);
    assert_int_equal(s.trigger[0], LAGSIM_TRIGGER_TICK);
    assert_sent(&s, 3, 20 * SEC);
    assert_sent(&s, 19, 40 * SEC);
    assert_sent(&s, 20, 60 * SEC); /* the tick at 60 s, not a shutdown */
    assert_int_equal(s.trigger[20], LAGSIM_TRIGGER_TICK);
}

/*
 * Events at 42.0 and 52.5 s on analytics-node (batch timers due at 52.0
 * and 62.5):
 *  - shutdown_at = 45s: the process exits at 45 s and sends what it
 *    holds: 42.0 leaves at 45.0; 52.5 (a new process) waits for its own
 *    timer, 62.5 (the horizon is no exit then);
 *  - no flush at shutdown: 52.0 and 62.5;
 *  - the default exit at the end of the horizon: 52.0 and 60.0.
 */
static void shutdown_flush(void **state)
{
    (void)state;
    const double at[] = {42.0, 52.5};
    static sends_t s;
    run_timeline(COMMON "[client.srv]\nshare = 1\nplatform = server\nshutdown_at = 45s\n", at, 2,
                 LAGSIM_MODE_CLOUD, &s, NULL);
    assert_sent(&s, 0, 45 * SEC);
    assert_int_equal(s.trigger[0], LAGSIM_TRIGGER_SHUTDOWN);
    assert_sent(&s, 1, 62 * SEC + 500 * MS);

    run_timeline(COMMON "[client.srv]\nshare = 1\nplatform = server\n"
                        "cloud_flush_at_shutdown = no\n",
                 at, 2, LAGSIM_MODE_CLOUD, &s, NULL);
    assert_sent(&s, 0, 52 * SEC);
    assert_sent(&s, 1, 62 * SEC + 500 * MS);

    run_timeline(COMMON "[client.srv]\nshare = 1\nplatform = server\n", at, 2,
                 LAGSIM_MODE_CLOUD, &s, NULL);
    assert_sent(&s, 0, 52 * SEC);
    assert_sent(&s, 1, 60 * SEC);
    assert_int_equal(s.trigger[1], LAGSIM_TRIGGER_SHUTDOWN);
}

/*
 * mixpanel-js in device mode (5 s, a timer chain), devices aligned at 0
 * (first tick at 0, 5, 10 ... until a flush sends something). A request
 * takes 100 ms out, 300 ms at Mixpanel, 100 ms back: its answer comes
 * 500 ms after it left.
 *  - 1.0: sent at the tick 5.0, answered 5.5; the queue is empty, so the
 *    chain restarts: ticks at 10.5, 15.5, ...
 *  - 7.0: sent at 10.5 (a periodic timer: 10.0), answered 11.0: ticks at
 *    16.0, 21.0, ...
 *  - 14.0: sent at 16.0 (periodic: 15.0), answered 16.5: 21.5, 26.5, 31.5
 *  - 30.0: sent at 31.5 (periodic: 35.0).
 * Then the same with flush_timer = periodic and phase_at = 2s: ticks at
 * 2, 7, 12, ...: 1.0 -> 2.0; 7.0 -> 12.0 (strictly after); 14.0 -> 17.0;
 * 30.0 -> 32.0.
 */
static void chain_timer(void **state)
{
    (void)state;
    const double at[] = {1.0, 7.0, 14.0, 30.0};
    static sends_t s;
    run_timeline(COMMON "[client.web]\nshare = 1\nplatform = web\nphase = aligned\n"
                        "phase_at = 0s\n",
                 at, 4, LAGSIM_MODE_DEVICE, &s, NULL);
    assert_sent(&s, 0, 5 * SEC);
    assert_sent(&s, 1, 10 * SEC + 500 * MS);
    assert_sent(&s, 2, 16 * SEC);
    assert_sent(&s, 3, 31 * SEC + 500 * MS);
    assert_int_equal(s.trigger[1], LAGSIM_TRIGGER_CHAIN);

    run_timeline(COMMON "[client.web]\nshare = 1\nplatform = web\nphase = aligned\n"
                        "phase_at = 2s\ndevice_flush_timer = periodic\n",
                 at, 4, LAGSIM_MODE_DEVICE, &s, NULL);
    assert_sent(&s, 0, 2 * SEC);
    assert_sent(&s, 1, 12 * SEC);
    assert_sent(&s, 2, 17 * SEC);
    assert_sent(&s, 3, 32 * SEC);
    assert_int_equal(s.trigger[0], LAGSIM_TRIGGER_TICK);
}

/*
 * Devices that start together flush together. 30 iOS devices (mixpanel-
 * swift: a periodic 60 s timer, flush_at 0) fire 3 events/s in all, 0.1/s
 * each, so a flush carries about 6 events (Poisson(6)), one request.
 * Mixpanel takes 100 events in any 1 s window (100/s, limit_window 1s):
 * on average the traffic is 3% of the limit.
 *  - aligned at the burst's start (phase_at = burst.push): every device
 *    flushes at the same microsecond, about 30 x 6 = 180 events, so every
 *    round past the first ~100 events draws 429s: P(Poisson(180) <= 100)
 *    is below 1e-8 per round, and there are 10 rounds;
 *  - random phases: a 429 needs more than 100 events in one 1-s window,
 *    i.e. at least 11 devices there (k devices carry Poisson(6k); for
 *    k <= 10, P(Poisson(60) > 100) < 1e-5); with 30 phases uniform over
 *    60 s, a given 1-s window holds Poisson(0.5) of them, and P(>= 11) is
 *    about 1e-11, times 60 windows: never, in any seed.
 * The burst itself is tiny (it names the moment, as a push would).
 */
static void aligned_devices_draw_429s_below_the_limit(void **state)
{
    (void)state;
    const char *ini =
        "[scenario]\nhorizon = 11m\ndrain_limit = 1h\nseed = 3\nmode = device\nwarmup = none\n"
        "[traffic]\nbase_rate = 3/s\nusers = 30\nnew_user_share = 0\n"
        "[burst.push]\nstart = 1m\nduration = 1s\nrate = 3/s\n"
        "[client.ios]\nshare = 1\nplatform = ios\nphase = %s\nphase_at = burst.push\n"
        "[mixpanel]\ningest_limit = 100/s\ningest_limit_bytes = 0\nlimit_window = 1s\n"
        "failure_rate = 0\n";
    uint64_t got[2];
    for (int aligned = 0; aligned < 2; aligned++) {
        char text[1024];
        subst(text, sizeof text, ini, aligned ? "aligned" : "random");
        lagsim_scenario_t *sc = malloc(sizeof *sc);
        assert_non_null(sc);
        lagsim_error_t err;
        if (lagsim_config_load_string(text, "aligned.ini", NULL, 0, sc, &err) != LAGSIM_OK)
            fail_msg("%s", err.message);
        lagsim_result_t *r = lagsim_result_create();
        assert_int_equal(lagsim_run(sc, LAGSIM_MODE_DEVICE, 0, r), LAGSIM_OK);
        assert_true(r->conserved);
        assert_true(r->fired > 1500); /* about 11 min x 3/s = 1980 */
        got[aligned] = r->responses[LAGSIM_RESP_429];
        lagsim_result_destroy(r);
        free(sc);
    }
    print_message("429s: random phases %llu, aligned %llu\n", (unsigned long long)got[0],
                  (unsigned long long)got[1]);
    assert_int_equal(got[0], 0);
    assert_true(got[1] > 0);
}

/* phase_at = burst.NAME must name a burst: FILE:LINE of the client. */
static void phase_at_names_a_burst(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    lagsim_error_t err;
    const char *bad = "[burst.launch]\nstart = 1m\nduration = 1m\nmultiplier = 2\n"
                      "[client.web]\nshare = 1\nplatform = web\nphase = aligned\n"
                      "phase_at = burst.lanch\n";
    assert_int_equal(lagsim_config_load_string(bad, "p.ini", NULL, 0, sc, &err), LAGSIM_EINVAL);
    assert_string_equal(err.message, "p.ini:5: [client.web] phase_at = burst.lanch: no "
                                     "[burst.lanch] section (bursts: launch)");
    assert_int_equal(lagsim_config_load_string("[client.web]\nshare = 1\nplatform = web\n"
                                               "phase_at = soon\n",
                                               "p.ini", NULL, 0, sc, &err),
                     LAGSIM_EINVAL);
    assert_string_equal(err.message, "p.ini:4: key 'phase_at' in [client.web]: bad phase_at "
                                     "'soon' (expected a time such as 0s or 30m, or burst.NAME "
                                     "for the start of that burst)");
    assert_int_equal(lagsim_config_load_string("[client.web]\nshare = 1\nplatform = web\n"
                                               "cloud_flush_timer = hourly\n",
                                               "p.ini", NULL, 0, sc, &err),
                     LAGSIM_EINVAL);
    assert_string_equal(err.message, "p.ini:4: key 'cloud_flush_timer' in [client.web]: bad "
                                     "flush timer 'hourly' (expected periodic, per_batch, chain)");
    free(sc);
}

/* Each preset's timer and shutdown flush, as the facts sheet reads the
 * SDKs' code (docs/pipeline-facts.md sections 2 and 3; the presets'
 * values are listed in docs/sdk-presets.md). */
static void presets_name_their_timers(void **state)
{
    (void)state;
    static const struct {
        const char *preset;
        enum lagsim_flush_timer timer;
        uint32_t shutdown;
    } want[] = {
        {"mixpanel-js", LAGSIM_TIMER_CHAIN, 0},        /* request-batcher.js scheduleFlush */
        {"mixpanel-android", LAGSIM_TIMER_PERIODIC, 0},
        {"mixpanel-swift", LAGSIM_TIMER_PERIODIC, 0},
        {"mixpanel-server", LAGSIM_TIMER_PERIODIC, 0}, /* assumption */
        {"analytics.js", LAGSIM_TIMER_PERIODIC, 0},    /* no timer: flush_interval 0 */
        {"analytics.js-batching", LAGSIM_TIMER_PER_BATCH, 0}, /* batched-dispatcher.ts */
        {"analytics-node", LAGSIM_TIMER_PER_BATCH, 1}, /* publisher.ts, closeAndFlush() */
        {"analytics-kotlin", LAGSIM_TIMER_PERIODIC, 0},
        {"analytics-swift", LAGSIM_TIMER_PERIODIC, 0},
    };
    unsigned n = 0;
    while (lagsim_sdk_preset_name(n))
        n++;
    assert_int_equal(n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const lagsim_sdk_t *sdk = lagsim_sdk_preset(want[i].preset);
        assert_non_null(sdk);
        if (sdk->flush_timer != want[i].timer || sdk->flush_at_shutdown != want[i].shutdown)
            fail_msg("%s: timer %s, flush at shutdown %u", want[i].preset,
                     lagsim_flush_timer_name(sdk->flush_timer), sdk->flush_at_shutdown);
    }
    assert_int_equal(lagsim_sdk_preset("analytics.js")->flush_interval, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(presets_name_their_timers),
        cmocka_unit_test(per_batch_timer),
        cmocka_unit_test(shutdown_flush),
        cmocka_unit_test(chain_timer),
        cmocka_unit_test(aligned_devices_draw_429s_below_the_limit),
        cmocka_unit_test(phase_at_names_a_burst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
