/*
 * fuzz_model.c - libFuzzer target for the model itself, not the parsers.
 * The input picks a small valid scenario: a short fixed base (one second
 * of traffic, a short drain) plus up to 24 overrides, each two input
 * bytes: the first picks a key, the second one of that key's values,
 * taken from a table of extreme but legal values (timeouts of 1 us,
 * heavy-tailed or 30 s network delays, zero or huge limits, outages,
 * failure and lost-response rates of 1, zero backoffs, bursts and
 * ramps). The scenario is loaded as with --set; a refused one is skipped
 * (its message must name where), an accepted one expected to fire more
 * than FUZZ_MAX_EVENTS is skipped, and every other one is run in each
 * mode with a limit of 200,000 engine events (a legal retry storm of
 * 1 us timeouts would otherwise take minutes) and of 256 MB.
 *
 * Invariants checked (besides ASan/UBSan/LSan and assertions finding
 * nothing, e.g. an event scheduled in the past):
 *  - lagsim_run_limited() returns LAGSIM_OK (a run stopped by a limit
 *    too: it says so in `partial`);
 *  - conservation: fired = visible + dropped + in flight;
 *  - the up-front estimates (events, backlog bound, events in flight)
 *    are not NaN.
 * A broken invariant prints the scenario's overrides and aborts, so
 * libFuzzer saves the input as a crash artifact.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/lagsim.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_SETS 24
#define FUZZ_MAX_EVENTS 20000.0

static const char base[] =
    "[scenario]\n"
    "name = fuzz-model\n"
    "horizon = 1s\n"
    "drain_limit = 20s\n"
    "warmup = none\n"
    "mode = hybrid\n"
    "[traffic]\n"
    "base_rate = 200/s\n"
    "users = 20\n"
    "[event.a]\n"
    "share = 0.5\n"
    "route = cloud\n"
    "[event.b]\n"
    "share = 0.5\n"
    "route = device\n"
    "[client.web]\n"
    "share = 0.5\n"
    "platform = web\n"
    "[client.srv]\n"
    "share = 0.5\n"
    "platform = server\n";

/* One key and the values tried for it (NULL-terminated). */
typedef struct choice {
    const char *key;
    const char *values[8];
} choice_t;

static const choice_t choices[] = {
    {"scenario.horizon", {"1us", "1ms", "300ms", "2s", NULL}},
    {"scenario.drain_limit", {"0", "1us", "5s", "1m", NULL}},
    {"scenario.mode", {"cloud", "device", "hybrid", NULL}},
    {"traffic.base_rate", {"0/s", "1/s", "5000/s", "1/h", NULL}},
    {"traffic.users", {"1", "2", "1000000000000", NULL}},
    {"traffic.scale", {"0.001", "1", "10", NULL}},
    {"traffic.new_user_share", {"0", "1", NULL}},
    {"traffic.merge_share", {"0", "1", NULL}},
    {"network.client_rtt",
     {"const(0)", "const(30s)", "pareto(shape=0.5, min=50ms)", "exp(mean=1d)", "const(1us)",
      NULL}},
    {"network.server_rtt",
     {"const(0)", "const(30s)", "pareto(shape=0.5, min=1ms)", "uniform(0, 366d)", NULL}},
    {"segment.request_timeout", {"1us", "1ms", "366d", NULL}},
    {"segment.processing", {"const(0)", "const(10s)", NULL}},
    {"segment.inbound_limit", {"0", "1/s", "1/h", NULL}},
    {"segment.max_in_flight", {"1", "1000000", NULL}},
    {"segment.batch_size", {"1", "2000", NULL}},
    {"segment.batch_wait", {"0", "366d", NULL}},
    {"segment.retry_window", {"0", "1us", "366d", NULL}},
    {"segment.backoff_base", {"0", "1us", "366d", NULL}},
    {"segment.backoff_factor", {"1", "1000", NULL}},
    {"segment.backoff_cap", {"0", "1us", NULL}},
    {"segment.backoff_jitter", {"none", "full", NULL}},
    {"segment.max_retries", {"0", "1", "4294967295", NULL}},
    {"client.web.device_request_timeout", {"1us", "1ms", "366d", NULL}},
    {"client.web.cloud_request_timeout", {"1us", "1ms", NULL}},
    {"client.web.device_backoff_base", {"0", "1us", "366d", NULL}},
    {"client.web.device_backoff_cap", {"0", "1us", NULL}},
    {"client.web.device_max_retries", {"0", "1", "4294967295", NULL}},
    {"client.web.device_max_in_flight", {"0", "1", "1000000", NULL}},
    {"client.web.device_flush_interval", {"0", "1us", "366d", NULL}},
    {"client.web.device_batch_size", {"1", "1000000", NULL}},
    {"client.web.device_queue_cap", {"0", "1", NULL}},
    {"client.web.offline_share", {"0", "1", NULL}},
    {"client.web.offline_duration", {"const(0)", "const(366d)", "pareto(shape=0.5, min=1s)",
                                     NULL}},
    {"client.web.session_length", {"const(0)", "const(1us)", "exp(mean=100ms)", NULL}},
    {"client.srv.cloud_max_retry_duration", {"0", "1us", NULL}},
    {"client.srv.device_backoff_immediate", {"0", "4294967295", NULL}},
    {"mixpanel.ingest_limit", {"0", "1/s", "1/h", "1000000000000/s", NULL}},
    {"mixpanel.ingest_limit_bytes", {"0", "1B/s", NULL}},
    {"mixpanel.limit_window", {"1us", "1s", "366d", NULL}},
    {"mixpanel.limiter", {"rolling", "token_bucket", NULL}},
    {"mixpanel.response_time", {"const(0)", "const(30s)", "pareto(shape=0.5, min=1ms)", NULL}},
    {"mixpanel.failure_rate", {"0", "0.5", "1", NULL}},
    {"mixpanel.lost_response_rate", {"0", "0.5", "1", NULL}},
    {"mixpanel.max_batch_events", {"1", "100000", NULL}},
    {"mixpanel.max_event_bytes", {"1B", "1MB", NULL}},
    {"mixpanel.track_max_age", {"0", "1us", NULL}},
    {"mixpanel.outage",
     {"none", "0 for 366d: 503", "0 for 1s: timeout", "500ms for 1us: 429", NULL}},
    {"mixpanel.index_interval", {"0", "366d", NULL}},
    {"mixpanel.idres_known", {"const(0)", "pareto(shape=0.5, min=1s)", NULL}},
    {"burst.b.start", {"0", "500ms", NULL}},
    {"burst.b.duration", {"0", "1us", "1s", NULL}},
    {"burst.b.rate", {"0/s", "20000/s", "1000000000/s", NULL}},
    {"ramp.r.start", {"0", "200ms", NULL}},
    {"ramp.r.duration", {"1us", "1s", NULL}},
    {"ramp.r.from", {"0/s", "10000/s", NULL}},
    {"ramp.r.to", {"0/s", "10000/s", NULL}},
    {"traffic.mmpp_high", {"0", "1", "50", NULL}},
    {"traffic.mmpp_high_mean", {"0", "1us", "100ms", NULL}},
    {"traffic.mmpp_low_mean", {"0", "1us", "100ms", NULL}},
};

#define N_CHOICES (sizeof choices / sizeof choices[0])

static const char *sets[FUZZ_MAX_SETS];
static size_t n_sets;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_model: %s%s%s\n--- overrides:\n", what, detail ? ": " : "",
            detail ? detail : "");
    for (size_t i = 0; i < n_sets; i++)
        fprintf(stderr, "  --set '%s'\n", sets[i]);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char buf[FUZZ_MAX_SETS][160];
    n_sets = 0;
    for (size_t i = 0; i + 1 < size && n_sets < FUZZ_MAX_SETS; i += 2) {
        const choice_t *c = &choices[data[i] % N_CHOICES];
        size_t nv = 0;
        while (nv < 8 && c->values[nv])
            nv++;
        snprintf(buf[n_sets], sizeof buf[n_sets], "%s=%s", c->key, c->values[data[i + 1] % nv]);
        sets[n_sets] = buf[n_sets];
        n_sets++;
    }
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    if (!sc)
        return 0;
    lagsim_error_t err;
    const int rc = lagsim_config_load_string(base, "fuzz.ini", sets, n_sets, sc, &err);
    if (rc != LAGSIM_OK) {
        if (rc != LAGSIM_EINVAL)
            fail("unexpected load status", lagsim_strerror(rc));
        if (strncmp(err.message, "fuzz.ini:", 9) != 0 && strncmp(err.message, "--set", 5) != 0)
            fail("a refusal that does not say where", err.message);
        free(sc);
        return 0;
    }
    const double events = lagsim_scenario_expected_events(sc);
    lagsim_time_t at;
    const double backlog = lagsim_scenario_backlog_bound(sc, &at);
    const double moving = lagsim_scenario_in_flight_estimate(sc);
    if (isnan(events) || isnan(backlog) || isnan(moving))
        fail("an estimate is NaN", NULL);
    if (!(events <= FUZZ_MAX_EVENTS)) {
        free(sc);
        return 0;
    }
    lagsim_result_t *r = lagsim_result_create();
    if (!r)
        abort();
    const lagsim_run_limits_t limits = {.max_memory = 256u << 20, .max_sim_events = 200000};
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sc->mode_mask & (1u << m)))
            continue;
        const int st = lagsim_run_limited(sc, (enum lagsim_mode)m, 0, &limits, r);
        if (st != LAGSIM_OK)
            fail("the run failed", lagsim_strerror(st));
        if (!r->conserved)
            fail("conservation failed", lagsim_mode_name((enum lagsim_mode)m));
    }
    lagsim_result_destroy(r);
    free(sc);
    return 0;
}
