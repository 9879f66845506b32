/*
 * test_config_keys.c - every key of the scenario key table, set to a
 * distinctive non-default value in a scenario text, loaded, and found
 * with that value in the struct field the test itself names for it.
 *
 * Central idea: the test holds its own table, key -> (text, field,
 * value), written from the scenario reference, never from lib/config's
 * table; the library's key list is only walked to check that the test's
 * table covers every key, so a new key without a row here fails. The
 * scenario is then written out and loaded again, and every row must
 * still hold (the writer checked against the same reference, not against
 * itself).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/config_internal.h"

#define MS ((double)LAGSIM_MSEC)
#define SEC ((double)LAGSIM_SEC)
#define M ((double)LAGSIM_MIN)
#define H ((double)LAGSIM_HOUR)
#define D ((double)LAGSIM_DAY)
#define F(field) offsetof(lagsim_scenario_t, field)

/* How a field is stored. */
enum kind { K_STR, K_TIME, K_I64, K_U32, K_U64, K_UNS, K_INT, K_DBL, K_DIST };

typedef struct row {
    const char *section; /* "traffic", or "burst.b1" for an instance */
    const char *key;
    const char *text;    /* the value written; NULL: one more check of a key written above */
    enum kind kind;
    size_t offset;       /* of the field in lagsim_scenario_t */
    double want;         /* the value (K_DIST: the kind) */
    double p0, p1;       /* K_DIST: the parameters */
    const char *str;     /* K_STR: the string (NULL: the replay file's path) */
} row_t;

static const row_t rows[] = {
    /* clang-format off */
    {"scenario", "name", "keytest", K_STR, F(name), 0, 0, 0, "keytest"},
    {"scenario", "horizon", "2h", K_TIME, F(horizon), 2 * H, 0, 0, NULL},
    {"scenario", "drain_limit", "3h", K_TIME, F(drain_limit), 3 * H, 0, 0, NULL},
    {"scenario", "seed", "987654321", K_U64, F(seed), 987654321, 0, 0, NULL},
    {"scenario", "mode", "cloud,hybrid", K_UNS, F(mode_mask), 5, 0, 0, NULL},
    {"scenario", "series_window", "2m", K_TIME, F(series_window), 2 * M, 0, 0, NULL},
    {"scenario", "warmup", "7m", K_TIME, F(warmup), 7 * M, 0, 0, NULL},
    {"traffic", "base_rate", "321/s", K_DBL, F(base_rate), 321, 0, 0, NULL},
    {"traffic", "users", "4321", K_U64, F(users), 4321, 0, 0, NULL},
    {"traffic", "new_user_share", "0.2", K_DBL, F(new_user_share), 0.2, 0, 0, NULL},
    {"traffic", "merge_share", "7%", K_DBL, F(merge_share), 0.07, 0, 0, NULL},
    {"traffic", "scale", "1.5", K_DBL, F(scale), 1.5, 0, 0, NULL},
    {"traffic", "daily_profile", "0.5,0.75,1.0,1.25,1.5,1.75,2.0,2.25,2.5,2.75,3.0,3.25,3.5,3.75,4.0,4.25,4.5,4.75,5.0,5.25,5.5,5.75,6.0,6.25", K_DBL, F(daily_profile[0]), 0.5, 0, 0, NULL},
    {"traffic", "daily_profile", NULL, K_DBL, F(daily_profile[7]), 0.5 + 0.25 * 7, 0, 0, NULL},
    {"traffic", "daily_profile", NULL, K_DBL, F(daily_profile[23]), 0.5 + 0.25 * 23, 0, 0, NULL},
    {"traffic", "day_start", "6h", K_TIME, F(day_start), 6 * H, 0, 0, NULL},
    {"traffic", "mmpp_high", "2.5", K_DBL, F(mmpp_high), 2.5, 0, 0, NULL},
    {"traffic", "mmpp_low", "0.25", K_DBL, F(mmpp_low), 0.25, 0, 0, NULL},
    {"traffic", "mmpp_high_mean", "3m", K_TIME, F(mmpp_high_mean), 3 * M, 0, 0, NULL},
    {"traffic", "mmpp_low_mean", "9m", K_TIME, F(mmpp_low_mean), 9 * M, 0, 0, NULL},
    {"burst.b1", "start", "10m", K_TIME, F(bursts[0].start), 10 * M, 0, 0, NULL},
    {"burst.b1", "duration", "2m", K_TIME, F(bursts[0].duration), 2 * M, 0, 0, NULL},
    {"burst.b1", "rate", "555/s", K_DBL, F(bursts[0].rate), 555, 0, 0, NULL},
    {"burst.b2", "start", "20m", K_TIME, F(bursts[1].start), 20 * M, 0, 0, NULL},
    {"burst.b2", "duration", "1m", K_TIME, F(bursts[1].duration), 1 * M, 0, 0, NULL},
    {"burst.b2", "multiplier", "3.5", K_DBL, F(bursts[1].multiplier), 3.5, 0, 0, NULL},
    {"burst.b2", "rate", NULL, K_DBL, F(bursts[1].rate), -1, 0, 0, NULL},
    {"ramp.r1", "start", "30m", K_TIME, F(ramps[0].start), 30 * M, 0, 0, NULL},
    {"ramp.r1", "duration", "5m", K_TIME, F(ramps[0].duration), 5 * M, 0, 0, NULL},
    {"ramp.r1", "from", "100/s", K_DBL, F(ramps[0].from), 100, 0, 0, NULL},
    {"ramp.r1", "to", "200/min", K_DBL, F(ramps[0].to), 200.0 / 60, 0, 0, NULL},
    {"ramp.r2", "start", "40m", K_TIME, F(ramps[1].start), 40 * M, 0, 0, NULL},
    {"ramp.r2", "duration", "4m", K_TIME, F(ramps[1].duration), 4 * M, 0, 0, NULL},
    {"ramp.r2", "from_multiplier", "0.5", K_DBL, F(ramps[1].from_multiplier), 0.5, 0, 0, NULL},
    {"ramp.r2", "to_multiplier", "2.25", K_DBL, F(ramps[1].to_multiplier), 2.25, 0, 0, NULL},
    {"replay", "file", "@REPLAY@", K_STR, F(replay.file), 0, 0, 0, NULL},
    {"replay", "origin", "2024-05-14T00:00:00Z", K_INT, F(replay.origin_kind), LAGSIM_ORIGIN_ISO, 0, 0, NULL},
    {"replay", "origin", NULL, K_I64, F(replay.origin), 1715644800000000, 0, 0, NULL},
    {"replay", "time_shift", "30s", K_TIME, F(replay.time_shift), 30 * SEC, 0, 0, NULL},
    {"replay", "time_scale", "0.5", K_DBL, F(replay.time_scale), 0.5, 0, 0, NULL},
    {"event.e1", "share", "0.6", K_DBL, F(event_types[0].share), 0.6, 0, 0, NULL},
    {"event.e1", "priority", "high", K_INT, F(event_types[0].priority), LAGSIM_PRIO_HIGH, 0, 0, NULL},
    {"event.e1", "payload_bytes", "lognormal(median=2KB, sigma=0.7)", K_DIST, F(event_types[0].payload_bytes), LAGSIM_DIST_LOGNORMAL, 2000, 0.7, NULL},
    {"event.e1", "route", "device", K_INT, F(event_types[0].route), LAGSIM_MODE_DEVICE, 0, 0, NULL},
    {"event.e1", "nesting_depth", "4", K_U32, F(event_types[0].nesting_depth), 4, 0, 0, NULL},
    {"event.e2", "share", "0.4", K_DBL, F(event_types[1].share), 0.4, 0, 0, NULL},
    {"event.e2", "payload_bytes", "gamma(shape=2, mean=3KB)", K_DIST, F(event_types[1].payload_bytes), LAGSIM_DIST_GAMMA, 2, 1500, NULL},
    {"client.c1", "share", "0.5", K_DBL, F(clients[0].share), 0.5, 0, 0, NULL},
    {"client.c1", "platform", "android", K_INT, F(clients[0].platform), LAGSIM_PLATFORM_ANDROID, 0, 0, NULL},
    {"client.c1", "cloud_sdk", "analytics-node", K_STR, F(clients[0].sdk[0].preset), 0, 0, 0, "analytics-node"},
    {"client.c1", "device_sdk", "mixpanel-server", K_STR, F(clients[0].sdk[1].preset), 0, 0, 0, "mixpanel-server"},
    {"client.c1", "adblock_segment", "0.12", K_DBL, F(clients[0].adblock[0]), 0.12, 0, 0, NULL},
    {"client.c1", "adblock_mixpanel", "34%", K_DBL, F(clients[0].adblock[1]), 0.34, 0, 0, NULL},
    {"client.c1", "proxy_segment", "yes", K_U32, F(clients[0].proxy[0]), 1, 0, 0, NULL},
    {"client.c1", "proxy_mixpanel", "on", K_U32, F(clients[0].proxy[1]), 1, 0, 0, NULL},
    {"client.c1", "phase", "aligned", K_INT, F(clients[0].phase), LAGSIM_PHASE_ALIGNED, 0, 0, NULL},
    {"client.c1", "phase_at", "burst.b1", K_STR, F(clients[0].phase_burst), 0, 0, 0, "b1"},
    {"client.c1", "shutdown_at", "25m", K_TIME, F(clients[0].shutdown_at), 25 * M, 0, 0, NULL},
    /* The shorthands set both endpoints; written back as the pairs. */
    {"client.c2", "share", "0.5", K_DBL, F(clients[1].share), 0.5, 0, 0, NULL},
    {"client.c2", "platform", "web", K_INT, F(clients[1].platform), LAGSIM_PLATFORM_WEB, 0, 0, NULL},
    {"client.c2", "adblock", "0.15", K_DBL, F(clients[1].adblock[0]), 0.15, 0, 0, NULL},
    {"client.c2", "adblock", NULL, K_DBL, F(clients[1].adblock[1]), 0.15, 0, 0, NULL},
    {"client.c2", "proxy", "yes", K_U32, F(clients[1].proxy[0]), 1, 0, 0, NULL},
    {"client.c2", "proxy", NULL, K_U32, F(clients[1].proxy[1]), 1, 0, 0, NULL},
    {"client.c2", "phase_at", "90s", K_TIME, F(clients[1].phase_at), 90 * SEC, 0, 0, NULL},
    {"client.c1", "proxy_latency", "const(25ms)", K_DIST, F(clients[0].proxy_latency), LAGSIM_DIST_CONST, 0.025, 0, NULL},
    {"client.c1", "offline_share", "0.05", K_DBL, F(clients[0].offline_share), 0.05, 0, 0, NULL},
    {"client.c1", "offline_duration", "exp(mean=10m)", K_DIST, F(clients[0].offline_duration), LAGSIM_DIST_EXP, 600, 0, NULL},
    {"client.c1", "session_length", "uniform(1m, 3m)", K_DIST, F(clients[0].session_length), LAGSIM_DIST_UNIFORM, 60, 180, NULL},
    {"client.c1", "cloud_batch_size", "77", K_U32, F(clients[0].sdk[0].batch_size), 77, 0, 0, NULL},
    {"client.c1", "cloud_flush_at", "33", K_U32, F(clients[0].sdk[0].flush_at), 33, 0, 0, NULL},
    {"client.c1", "cloud_flush_interval", "7s", K_TIME, F(clients[0].sdk[0].flush_interval), 7 * SEC, 0, 0, NULL},
    {"client.c1", "cloud_request_timeout", "11s", K_TIME, F(clients[0].sdk[0].request_timeout), 11 * SEC, 0, 0, NULL},
    {"client.c1", "cloud_max_in_flight", "4", K_U32, F(clients[0].sdk[0].max_in_flight), 4, 0, 0, NULL},
    {"client.c1", "cloud_queue_cap", "999", K_U32, F(clients[0].sdk[0].queue_cap), 999, 0, 0, NULL},
    {"client.c1", "cloud_retry_4xx", "true", K_U32, F(clients[0].sdk[0].retry_4xx), 1, 0, 0, NULL},
    {"client.c1", "cloud_no_retry_5xx", "false", K_U32, F(clients[0].sdk[0].no_retry_5xx), 0, 0, 0, NULL},
    {"client.c1", "cloud_persist", "on", K_U32, F(clients[0].sdk[0].persist), 1, 0, 0, NULL},
    {"client.c1", "cloud_flush_on_exit", "yes", K_U32, F(clients[0].sdk[0].flush_on_exit), 1, 0, 0, NULL},
    {"client.c1", "cloud_exit_keeps_copy", "1", K_U32, F(clients[0].sdk[0].exit_keeps_copy), 1, 0, 0, NULL},
    {"client.c1", "cloud_max_age", "3d", K_TIME, F(clients[0].sdk[0].max_age), 3 * D, 0, 0, NULL},
    {"client.c1", "cloud_flush_timer", "chain", K_INT, F(clients[0].sdk[0].flush_timer), LAGSIM_TIMER_CHAIN, 0, 0, NULL},
    {"client.c1", "cloud_flush_at_shutdown", "yes", K_U32, F(clients[0].sdk[0].flush_at_shutdown), 1, 0, 0, NULL},
    {"client.c1", "cloud_backoff_base", "3s", K_TIME, F(clients[0].sdk[0].backoff.base), 3 * SEC, 0, 0, NULL},
    {"client.c1", "cloud_backoff_factor", "3", K_DBL, F(clients[0].sdk[0].backoff.factor), 3, 0, 0, NULL},
    {"client.c1", "cloud_backoff_cap", "90s", K_TIME, F(clients[0].sdk[0].backoff.cap), 90 * SEC, 0, 0, NULL},
    {"client.c1", "cloud_backoff_floor", "2s", K_TIME, F(clients[0].sdk[0].backoff.floor), 2 * SEC, 0, 0, NULL},
    {"client.c1", "cloud_backoff_jitter", "mult(0.5, 1.5)", K_INT, F(clients[0].sdk[0].backoff.jitter), LAGSIM_JITTER_MULT, 0, 0, NULL},
    {"client.c1", "cloud_backoff_jitter_after_cap", "true", K_U32, F(clients[0].sdk[0].backoff.jitter_after_cap), 1, 0, 0, NULL},
    {"client.c1", "cloud_backoff_immediate", "2", K_U32, F(clients[0].sdk[0].backoff.immediate), 2, 0, 0, NULL},
    {"client.c1", "cloud_backoff_at_next_flush", "3", K_U32, F(clients[0].sdk[0].backoff.at_next_flush), 3, 0, 0, NULL},
    {"client.c1", "cloud_max_retries", "6", K_U32, F(clients[0].sdk[0].backoff.max_retries), 6, 0, 0, NULL},
    {"client.c1", "cloud_max_retry_duration", "5h", K_TIME, F(clients[0].sdk[0].backoff.max_duration), 5 * H, 0, 0, NULL},
    {"client.c1", "cloud_retry_codes", "413, 423", K_U32, F(clients[0].sdk[0].retry_codes), LAGSIM_CODE_413 | LAGSIM_CODE_423, 0, 0, NULL},
    {"client.c1", "cloud_halve_on_413", "yes", K_U32, F(clients[0].sdk[0].halve_on_413), 1, 0, 0, NULL},
    {"client.c1", "cloud_keep_interval", "yes", K_U32, F(clients[0].sdk[0].keep_interval), 1, 0, 0, NULL},
    {"client.c1", "cloud_timeout_resend", "yes", K_U32, F(clients[0].sdk[0].timeout_resend), 1, 0, 0, NULL},
    {"client.c1", "cloud_retry_after", "batch", K_INT, F(clients[0].sdk[0].retry_after), LAGSIM_RA_BATCH, 0, 0, NULL},
    {"client.c1", "cloud_retry_after_min", "2s", K_TIME, F(clients[0].sdk[0].retry_after_min), 2 * SEC, 0, 0, NULL},
    {"client.c1", "cloud_retry_after_max", "2m", K_TIME, F(clients[0].sdk[0].retry_after_max), 2 * M, 0, 0, NULL},
    {"client.c1", "cloud_retry_after_limit", "4", K_U32, F(clients[0].sdk[0].retry_after_limit), 4, 0, 0, NULL},
    {"client.c1", "cloud_retry_after_uncounted", "no", K_U32, F(clients[0].sdk[0].retry_after_uncounted), 0, 0, 0, NULL},
    {"client.c1", "cloud_max_attempts", "25", K_U32, F(clients[0].sdk[0].max_attempts), 25, 0, 0, NULL},
    {"client.c1", "cloud_flush_tries", "4", K_U32, F(clients[0].sdk[0].flush_tries), 4, 0, 0, NULL},
    {"client.c1", "cloud_flush_try_delay", "250ms", K_TIME, F(clients[0].sdk[0].flush_try_delay), 250000, 0, 0, NULL},
    {"client.c1", "cloud_retry_after_5xx_only", "yes", K_U32, F(clients[0].sdk[0].retry_after_5xx_only), 1, 0, 0, NULL},
    {"client.c1", "device_batch_size", "88", K_U32, F(clients[0].sdk[1].batch_size), 88, 0, 0, NULL},
    {"client.c1", "device_flush_at", "44", K_U32, F(clients[0].sdk[1].flush_at), 44, 0, 0, NULL},
    {"client.c1", "device_flush_interval", "8s", K_TIME, F(clients[0].sdk[1].flush_interval), 8 * SEC, 0, 0, NULL},
    {"client.c1", "device_request_timeout", "12s", K_TIME, F(clients[0].sdk[1].request_timeout), 12 * SEC, 0, 0, NULL},
    {"client.c1", "device_max_in_flight", "5", K_U32, F(clients[0].sdk[1].max_in_flight), 5, 0, 0, NULL},
    {"client.c1", "device_queue_cap", "888", K_U32, F(clients[0].sdk[1].queue_cap), 888, 0, 0, NULL},
    {"client.c1", "device_retry_4xx", "yes", K_U32, F(clients[0].sdk[1].retry_4xx), 1, 0, 0, NULL},
    {"client.c1", "device_no_retry_5xx", "yes", K_U32, F(clients[0].sdk[1].no_retry_5xx), 1, 0, 0, NULL},
    {"client.c1", "device_persist", "yes", K_U32, F(clients[0].sdk[1].persist), 1, 0, 0, NULL},
    {"client.c1", "device_flush_on_exit", "yes", K_U32, F(clients[0].sdk[1].flush_on_exit), 1, 0, 0, NULL},
    {"client.c1", "device_exit_keeps_copy", "yes", K_U32, F(clients[0].sdk[1].exit_keeps_copy), 1, 0, 0, NULL},
    {"client.c1", "device_max_age", "4d", K_TIME, F(clients[0].sdk[1].max_age), 4 * D, 0, 0, NULL},
    {"client.c1", "device_flush_timer", "per_batch", K_INT, F(clients[0].sdk[1].flush_timer), LAGSIM_TIMER_PER_BATCH, 0, 0, NULL},
    {"client.c1", "device_flush_at_shutdown", "true", K_U32, F(clients[0].sdk[1].flush_at_shutdown), 1, 0, 0, NULL},
    {"client.c1", "device_backoff_base", "4s", K_TIME, F(clients[0].sdk[1].backoff.base), 4 * SEC, 0, 0, NULL},
    {"client.c1", "device_backoff_factor", "4", K_DBL, F(clients[0].sdk[1].backoff.factor), 4, 0, 0, NULL},
    {"client.c1", "device_backoff_cap", "80s", K_TIME, F(clients[0].sdk[1].backoff.cap), 80 * SEC, 0, 0, NULL},
    {"client.c1", "device_backoff_floor", "3s", K_TIME, F(clients[0].sdk[1].backoff.floor), 3 * SEC, 0, 0, NULL},
    {"client.c1", "device_backoff_jitter", "add(1s, 3s)", K_INT, F(clients[0].sdk[1].backoff.jitter), LAGSIM_JITTER_ADD, 0, 0, NULL},
    {"client.c1", "device_backoff_jitter_after_cap", "yes", K_U32, F(clients[0].sdk[1].backoff.jitter_after_cap), 1, 0, 0, NULL},
    {"client.c1", "device_backoff_immediate", "1", K_U32, F(clients[0].sdk[1].backoff.immediate), 1, 0, 0, NULL},
    {"client.c1", "device_backoff_at_next_flush", "always", K_U32, F(clients[0].sdk[1].backoff.at_next_flush), UINT32_MAX, 0, 0, NULL},
    {"client.c1", "device_max_retries", "5", K_U32, F(clients[0].sdk[1].backoff.max_retries), 5, 0, 0, NULL},
    {"client.c1", "device_max_retry_duration", "6h", K_TIME, F(clients[0].sdk[1].backoff.max_duration), 6 * H, 0, 0, NULL},
    {"client.c1", "device_retry_codes", "408,410,460", K_U32, F(clients[0].sdk[1].retry_codes), LAGSIM_CODE_408 | LAGSIM_CODE_410 | LAGSIM_CODE_460, 0, 0, NULL},
    {"client.c1", "device_halve_on_413", "on", K_U32, F(clients[0].sdk[1].halve_on_413), 1, 0, 0, NULL},
    {"client.c1", "device_keep_interval", "on", K_U32, F(clients[0].sdk[1].keep_interval), 1, 0, 0, NULL},
    {"client.c1", "device_timeout_resend", "on", K_U32, F(clients[0].sdk[1].timeout_resend), 1, 0, 0, NULL},
    {"client.c1", "device_retry_after", "max", K_INT, F(clients[0].sdk[1].retry_after), LAGSIM_RA_MAX, 0, 0, NULL},
    {"client.c1", "device_retry_after_min", "3s", K_TIME, F(clients[0].sdk[1].retry_after_min), 3 * SEC, 0, 0, NULL},
    {"client.c1", "device_retry_after_max", "10m", K_TIME, F(clients[0].sdk[1].retry_after_max), 10 * M, 0, 0, NULL},
    {"client.c1", "device_retry_after_limit", "7", K_U32, F(clients[0].sdk[1].retry_after_limit), 7, 0, 0, NULL},
    {"client.c1", "device_retry_after_uncounted", "yes", K_U32, F(clients[0].sdk[1].retry_after_uncounted), 1, 0, 0, NULL},
    {"client.c1", "device_max_attempts", "40", K_U32, F(clients[0].sdk[1].max_attempts), 40, 0, 0, NULL},
    {"client.c1", "device_flush_tries", "2", K_U32, F(clients[0].sdk[1].flush_tries), 2, 0, 0, NULL},
    {"client.c1", "device_flush_try_delay", "1s", K_TIME, F(clients[0].sdk[1].flush_try_delay), 1 * SEC, 0, 0, NULL},
    {"client.c1", "device_retry_after_5xx_only", "no", K_U32, F(clients[0].sdk[1].retry_after_5xx_only), 0, 0, 0, NULL},
    {"client.c1", "cloud_backoff_jitter", NULL, K_DBL, F(clients[0].sdk[0].backoff.jitter_a), 0.5, 0, 0, NULL},
    {"client.c1", "cloud_backoff_jitter", NULL, K_DBL, F(clients[0].sdk[0].backoff.jitter_b), 1.5, 0, 0, NULL},
    {"client.c1", "device_backoff_jitter", NULL, K_DBL, F(clients[0].sdk[1].backoff.jitter_a), 1, 0, 0, NULL},
    {"client.c1", "device_backoff_jitter", NULL, K_DBL, F(clients[0].sdk[1].backoff.jitter_b), 3, 0, 0, NULL},
    {"network", "client_rtt", "gamma(shape=2, scale=40ms)", K_DIST, F(network.client_rtt), LAGSIM_DIST_GAMMA, 2, 0.04, NULL},
    {"network", "server_rtt", "weibull(shape=1.5, scale=30ms)", K_DIST, F(network.server_rtt), LAGSIM_DIST_WEIBULL, 1.5, 0.03, NULL},
    {"segment", "processing", "pareto(shape=3, min=2s)", K_DIST, F(segment.processing), LAGSIM_DIST_PARETO, 3, 2, NULL},
    {"segment", "max_event_bytes", "16KB", K_U64, F(segment.max_event_bytes), 16000, 0, 0, NULL},
    {"segment", "max_request_bytes", "400KB", K_U64, F(segment.max_request_bytes), 400000, 0, 0, NULL},
    {"segment", "max_request_events", "1500", K_U32, F(segment.max_request_events), 1500, 0, 0, NULL},
    {"segment", "inbound_limit", "800/s", K_DBL, F(segment.inbound_limit), 800, 0, 0, NULL},
    {"segment", "inbound_policy", "reject", K_INT, F(segment.inbound_policy), LAGSIM_INBOUND_REJECT, 0, 0, NULL},
    {"segment", "retry_after", "15s", K_TIME, F(segment.retry_after), 15 * SEC, 0, 0, NULL},
    {"segment", "priority_tiers", "yes", K_U32, F(segment.priority_tiers), 1, 0, 0, NULL},
    {"segment", "batch_size", "500", K_U32, F(segment.batch_size), 500, 0, 0, NULL},
    {"segment", "batch_bytes", "3MB", K_U64, F(segment.batch_bytes), 3000000, 0, 0, NULL},
    {"segment", "batch_wait", "30s", K_TIME, F(segment.batch_wait), 30 * SEC, 0, 0, NULL},
    {"segment", "max_in_flight", "7", K_U32, F(segment.max_in_flight), 7, 0, 0, NULL},
    {"segment", "request_timeout", "9s", K_TIME, F(segment.request_timeout), 9 * SEC, 0, 0, NULL},
    {"segment", "retry_window", "3h", K_TIME, F(segment.retry_window), 3 * H, 0, 0, NULL},
    {"segment", "backoff_base", "2s", K_TIME, F(segment.backoff.base), 2 * SEC, 0, 0, NULL},
    {"segment", "backoff_factor", "1.5", K_DBL, F(segment.backoff.factor), 1.5, 0, 0, NULL},
    {"segment", "backoff_cap", "300s", K_TIME, F(segment.backoff.cap), 300 * SEC, 0, 0, NULL},
    {"segment", "backoff_floor", "500ms", K_TIME, F(segment.backoff.floor), 500 * MS, 0, 0, NULL},
    {"segment", "backoff_jitter", "pct(20%)", K_INT, F(segment.backoff.jitter), LAGSIM_JITTER_PCT, 0, 0, NULL},
    {"segment", "backoff_jitter", NULL, K_DBL, F(segment.backoff.jitter_a), 0.2, 0, 0, NULL},
    {"segment", "backoff_jitter_after_cap", "no", K_U32, F(segment.backoff.jitter_after_cap), 0, 0, 0, NULL},
    {"segment", "backoff_immediate", "1", K_U32, F(segment.backoff.immediate), 1, 0, 0, NULL},
    {"segment", "max_retries", "12", K_U32, F(segment.backoff.max_retries), 12, 0, 0, NULL},
    {"segment", "max_retry_duration", "2h", K_TIME, F(segment.backoff.max_duration), 2 * H, 0, 0, NULL},
    {"segment", "retry_codes", "none", K_U32, F(segment.retry_codes), 0, 0, 0, NULL},
    {"segment", "dest_retry_after", "max", K_INT, F(segment.dest_retry_after), LAGSIM_RA_MAX, 0, 0, NULL},
    {"mixpanel", "ingest_limit", "25000/s", K_DBL, F(mixpanel.ingest_limit), 25000, 0, 0, NULL},
    {"mixpanel", "ingest_limit_bytes", "1GB/min", K_DBL, F(mixpanel.ingest_limit_bytes), 1e9 / 60, 0, 0, NULL},
    {"mixpanel", "limit_window", "30s", K_TIME, F(mixpanel.limit_window), 30 * SEC, 0, 0, NULL},
    {"mixpanel", "limiter", "token_bucket", K_INT, F(mixpanel.limiter), LAGSIM_LIMITER_TOKEN_BUCKET, 0, 0, NULL},
    {"mixpanel", "max_batch_events", "1800", K_U32, F(mixpanel.max_batch_events), 1800, 0, 0, NULL},
    {"mixpanel", "max_request_bytes", "8MB", K_U64, F(mixpanel.max_request_bytes), 8000000, 0, 0, NULL},
    {"mixpanel", "max_event_bytes", "900KB", K_U64, F(mixpanel.max_event_bytes), 900000, 0, 0, NULL},
    {"mixpanel", "response_time", "normal(mean=200ms, sd=50ms)", K_DIST, F(mixpanel.response_time), LAGSIM_DIST_NORMAL, 0.2, 0.05, NULL},
    {"mixpanel", "failure_rate", "0.01", K_DBL, F(mixpanel.failure_rate), 0.01, 0, 0, NULL},
    {"mixpanel", "lost_response_rate", "2%", K_DBL, F(mixpanel.lost_response_rate), 0.02, 0, 0, NULL},
    {"mixpanel", "track_max_age", "4d", K_TIME, F(mixpanel.track_max_age), 4 * D, 0, 0, NULL},
    {"mixpanel", "retry_after", "until_admit", K_TIME, F(mixpanel.retry_after), LAGSIM_RETRY_AFTER_ADMIT, 0, 0, NULL},
    {"mixpanel", "outage", "50m+5m 503, 70m+2m timeout, 80m+1m 429 ra=20s", K_UNS, F(mixpanel.n_outages), 3, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_INT, F(mixpanel.outages[2].status), LAGSIM_RESP_429, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_INT, F(mixpanel.outages[2].code), 429, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_TIME, F(mixpanel.outages[2].retry_after), 20 * SEC, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_TIME, F(mixpanel.outages[0].retry_after), 0, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_TIME, F(mixpanel.outages[0].start), 50 * M, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_TIME, F(mixpanel.outages[0].duration), 5 * M, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_INT, F(mixpanel.outages[0].status), LAGSIM_RESP_5XX, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_INT, F(mixpanel.outages[0].code), 503, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_TIME, F(mixpanel.outages[1].start), 70 * M, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_TIME, F(mixpanel.outages[1].duration), 2 * M, 0, 0, NULL},
    {"mixpanel", "outage", NULL, K_INT, F(mixpanel.outages[1].status), LAGSIM_RESP_TIMEOUT, 0, 0, NULL},
    {"mixpanel", "idres_known", "const(1s)", K_DIST, F(mixpanel.idres_known), LAGSIM_DIST_CONST, 1, 0, NULL},
    {"mixpanel", "idres_new", "exp(mean=3s)", K_DIST, F(mixpanel.idres_new), LAGSIM_DIST_EXP, 3, 0, NULL},
    {"mixpanel", "idres_merge", "uniform(20s, 40s)", K_DIST, F(mixpanel.idres_merge), LAGSIM_DIST_UNIFORM, 20, 40, NULL},
    {"mixpanel", "ingest_delay", "lognormal(median=2s, sigma=0.3)", K_DIST, F(mixpanel.ingest_delay), LAGSIM_DIST_LOGNORMAL, 2, 0.3, NULL},
    {"mixpanel", "ingest_per_kb", "7ms", K_TIME, F(mixpanel.ingest_per_kb), 7 * MS, 0, 0, NULL},
    {"mixpanel", "ingest_per_depth", "50ms", K_TIME, F(mixpanel.ingest_per_depth), 50 * MS, 0, 0, NULL},
    {"mixpanel", "index_interval", "20s", K_TIME, F(mixpanel.index_interval), 20 * SEC, 0, 0, NULL},
    {"mixpanel", "index_delay", "uniform(3s, 9s)", K_DIST, F(mixpanel.index_delay), LAGSIM_DIST_UNIFORM, 3, 9, NULL},
    {"sampling", "threshold", "5000/s", K_DBL, F(sampling.threshold), 5000, 0, 0, NULL},
    {"sampling", "keep", "0.25", K_DBL, F(sampling.keep), 0.25, 0, 0, NULL},
    {"sampling", "max_priority", "normal", K_INT, F(sampling.max_priority), LAGSIM_PRIO_NORMAL, 0, 0, NULL},
    {"sampling", "window", "30s", K_TIME, F(sampling.window), 30 * SEC, 0, 0, NULL},
    {"alert.a1", "metric", "p95_latency", K_INT, F(alerts[0].metric), LAGSIM_METRIC_P95_LATENCY, 0, 0, NULL},
    {"alert.a1", "threshold", "2m", K_DBL, F(alerts[0].threshold), 2.0 * M, 0, 0, NULL},
    {"alert.a1", "threshold", NULL, K_U32, F(alerts[0].threshold_is_time), 1, 0, 0, NULL},
    {"alert.a1", "window", "4m", K_TIME, F(alerts[0].window), 4 * M, 0, 0, NULL},
    {"alert.a1", "below", "yes", K_U32, F(alerts[0].below), 1, 0, 0, NULL},
    /* clang-format on */
};
#define N_ROWS (sizeof rows / sizeof rows[0])

static char replay_path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(replay_path, sizeof replay_path, "/tmp/lagsim-keys-%ld.csv", (long)getpid());
    FILE *f = fopen(replay_path, "w");
    if (!f)
        return -1;
    fputs("time,event,user\n2024-05-14T00:00:10Z,e1,u1\n2024-05-14T00:00:20Z,e2,u2\n", f);
    return fclose(f) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    remove(replay_path);
    return 0;
}

/* Appends printf output to a growing text. */
static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t cap, size_t *len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const int w = vsnprintf(buf + *len, cap - *len, fmt, ap);
    va_end(ap);
    assert_true(w >= 0 && (size_t)w < cap - *len);
    *len += (size_t)w;
}

/* The scenario text: each section once, in the order of first use. */
static char *scenario_text(void)
{
    const size_t cap = 64 * 1024;
    char *buf = test_malloc(cap);
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_ROWS; i++) {
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= strcmp(rows[j].section, rows[i].section) == 0;
        if (seen)
            continue;
        add(buf, cap, &len, "[%s]\n", rows[i].section);
        for (size_t j = i; j < N_ROWS; j++)
            if (strcmp(rows[j].section, rows[i].section) == 0 && rows[j].text)
                add(buf, cap, &len, "%s = %s\n", rows[j].key,
                    strcmp(rows[j].text, "@REPLAY@") == 0 ? replay_path : rows[j].text);
    }
    return buf;
}

static int close_enough(double got, double want)
{
    return got == want || fabs(got - want) <= 1e-12 * fabs(want);
}

/* Checks every row against a loaded scenario; `when` names the load. */
static void check_rows(const lagsim_scenario_t *sc, const char *when)
{
    const char *base = (const char *)sc;
    for (size_t i = 0; i < N_ROWS; i++) {
        const row_t *r = &rows[i];
        const void *p = base + r->offset;
        double got = 0;
        switch (r->kind) {
        case K_STR: {
            const char *want = r->str ? r->str : replay_path;
            if (strcmp((const char *)p, want) != 0)
                fail_msg("%s: [%s] %s: '%s', expected '%s'", when, r->section, r->key,
                         (const char *)p, want);
            continue;
        }
        case K_DIST: {
            const lagsim_dist_t *d = p;
            if ((double)d->kind != r->want || !close_enough(d->p[0], r->p0) ||
                !close_enough(d->p[1], r->p1))
                fail_msg("%s: [%s] %s: dist %d(%.17g, %.17g), expected %d(%.17g, %.17g)", when,
                         r->section, r->key, (int)d->kind, d->p[0], d->p[1], (int)r->want,
                         r->p0, r->p1);
            continue;
        }
        case K_TIME: got = (double)*(const lagsim_time_t *)p; break;
        case K_I64: got = (double)*(const int64_t *)p; break;
        case K_U32: got = (double)*(const uint32_t *)p; break;
        case K_U64: got = (double)*(const uint64_t *)p; break;
        case K_UNS: got = (double)*(const unsigned *)p; break;
        case K_INT: got = (double)*(const int *)p; break;
        case K_DBL: got = *(const double *)p; break;
        }
        if (!close_enough(got, r->want))
            fail_msg("%s: [%s] %s = %s: field holds %.17g, expected %.17g", when, r->section,
                     r->key, r->text ? r->text : "(above)", got, r->want);
    }
}

/* The test's table names every key of the library's table (and no key
 * twice with a value). */
static void every_key_has_a_row(void **state)
{
    (void)state;
    size_t keys = 0;
    for (int k = 0; k < LSI_SEC_COUNT; k++) {
        const lsi_section_def_t *def = &lsi_sections[k];
        for (size_t i = 0; i < def->n_keys; i++, keys++) {
            int n = 0;
            for (size_t j = 0; j < N_ROWS; j++) {
                const size_t len = strlen(def->name);
                const char *s = rows[j].section;
                const int same_sec = strncmp(s, def->name, len) == 0 &&
                                     (s[len] == '\0' || (def->repeat && s[len] == '.'));
                n += same_sec && rows[j].text && strcmp(rows[j].key, def->keys[i].name) == 0;
            }
            if (n == 0)
                fail_msg("key [%s] %s has no row in tests/test_config_keys.c: give it a "
                         "distinctive value and the field it must land in", def->name,
                         def->keys[i].name);
        }
    }
    assert_true(keys > 100);
}

static void every_key_lands_in_its_field(void **state)
{
    (void)state;
    char *text = scenario_text();
    lagsim_scenario_t *sc = test_malloc(sizeof *sc);
    lagsim_error_t err;
    if (lagsim_config_load_string(text, "keys.ini", NULL, 0, sc, &err) != LAGSIM_OK)
        fail_msg("load: %s\n%s", err.message, text);
    check_rows(sc, "loaded");

    /* Written out and loaded again: the same values in the same fields. */
    char *out = NULL;
    size_t out_len = 0;
    FILE *f = open_memstream(&out, &out_len);
    assert_non_null(f);
    assert_int_equal(lagsim_config_write(f, sc), LAGSIM_OK);
    fclose(f);
    lagsim_scenario_t *again = test_malloc(sizeof *again);
    if (lagsim_config_load_string(out, "written.ini", NULL, 0, again, &err) != LAGSIM_OK)
        fail_msg("reload: %s\n%s", err.message, out);
    check_rows(again, "written and loaded again");
    free(out);
    test_free(again);
    test_free(sc);
    test_free(text);
}

/* Each row's value differs from the default, so that a key the loader
 * ignored could not pass by luck (rows of instance sections, absent from
 * the defaults, are left out). */
static void every_value_differs_from_the_default(void **state)
{
    (void)state;
    lagsim_scenario_t *def = test_malloc(sizeof *def);
    lagsim_scenario_defaults(def);
    const char *base = (const char *)def;
    for (size_t i = 0; i < N_ROWS; i++) {
        const row_t *r = &rows[i];
        if (strchr(r->section, '.') || !r->text || strcmp(r->section, "replay") == 0)
            continue;
        const void *p = base + r->offset;
        int same = 0;
        switch (r->kind) {
        case K_STR: same = strcmp((const char *)p, r->str ? r->str : "") == 0; break;
        case K_DIST: {
            const lagsim_dist_t *d = p;
            same = (double)d->kind == r->want && d->p[0] == r->p0 && d->p[1] == r->p1;
            break;
        }
        case K_TIME: same = (double)*(const lagsim_time_t *)p == r->want; break;
        case K_I64: same = (double)*(const int64_t *)p == r->want; break;
        case K_U32: same = (double)*(const uint32_t *)p == r->want; break;
        case K_U64: same = (double)*(const uint64_t *)p == r->want; break;
        case K_UNS: same = (double)*(const unsigned *)p == r->want; break;
        case K_INT: same = (double)*(const int *)p == r->want; break;
        case K_DBL: same = *(const double *)p == r->want; break;
        }
        if (same)
            fail_msg("[%s] %s = %s is the default: pick a distinctive value", r->section, r->key,
                     r->text);
    }
    test_free(def);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_key_has_a_row),
        cmocka_unit_test(every_key_lands_in_its_field),
        cmocka_unit_test(every_value_differs_from_the_default),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
