/*
 * keys.c - the key table: every section and key of a scenario file, the
 * type of its value, where it lives in lagsim_scenario_t, its allowed
 * range, and how it is parsed, stored and printed back.
 *
 * Design: one row per key, in the order the keys are applied and
 * written. Applying in table order (not file order) is what makes a
 * section's result independent of the order of its keys: a client's
 * platform comes before its SDK presets, which come before the cloud_ and
 * device_ overrides of single SDK fields. Defaults are not in this table:
 * they come from lagsim_scenario_defaults() (lib/model/scenario.c).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

#define D366 (366.0 * (double)LAGSIM_DAY)
#define D30 (30.0 * (double)LAGSIM_DAY)
#define U32MAX 4294967295.0
#define U64MAX 18446744073709551615.0

/* Negative means "not set": the writer leaves the key out. */
#define LSI_K_UNSET_NEG 0x40u

#define SC(f) offsetof(lagsim_scenario_t, f)
#define BU(f) offsetof(lagsim_burst_t, f)
#define RA(f) offsetof(lagsim_ramp_t, f)
#define EV(f) offsetof(lagsim_event_type_t, f)
#define CL(f) offsetof(lagsim_client_t, f)
#define AL(f) offsetof(lagsim_alert_t, f)

/* The lagsim_backoff_t fields of a sender, as keys prefixed with p. */
#define BACKOFF_KEYS(p, OFF)                                                             \
    {p "backoff_base", LSI_T_DURATION, OFF(base), 0, 0, D366, 0},                        \
    {p "backoff_factor", LSI_T_NUMBER, OFF(factor), 0, 1, 1000, 0},                      \
    {p "backoff_cap", LSI_T_DURATION, OFF(cap), 0, 0, D366, 0},                          \
    {p "backoff_floor", LSI_T_DURATION, OFF(floor), 0, 0, D366, 0},                      \
    {p "backoff_jitter", LSI_T_JITTER, OFF(jitter), 0, 0, 0, 0},                         \
    {p "backoff_jitter_after_cap", LSI_T_BOOL, OFF(jitter_after_cap), 0, 0, 1, 0},       \
    {p "backoff_immediate", LSI_T_U32, OFF(immediate), 0, 0, U32MAX, 0}

#define RETRY_LIMIT_KEYS(p, OFF)                                                         \
    {p "max_retries", LSI_T_U32, OFF(max_retries), 0, 0, U32MAX, 0},                     \
    {p "max_retry_duration", LSI_T_DURATION, OFF(max_duration), 0, 0, D366, 0}

/* Every lagsim_sdk_t field of sdk[i], as keys prefixed with p. */
#define SDK_OFF0(f) CL(sdk[0].f)
#define SDK_OFF1(f) CL(sdk[1].f)
#define SDK_BOFF0(f) CL(sdk[0].backoff.f)
#define SDK_BOFF1(f) CL(sdk[1].backoff.f)
#define SDK_KEYS(p, OFF, BOFF)                                                           \
    {p "batch_size", LSI_T_U32, OFF(batch_size), 0, 1, 1e6, 0},                          \
    {p "flush_at", LSI_T_U32, OFF(flush_at), 0, 0, 1e6, 0},                              \
    {p "flush_interval", LSI_T_DURATION, OFF(flush_interval), 0, 0, D366, 0},            \
    {p "request_timeout", LSI_T_DURATION, OFF(request_timeout), 0, 0, D366, LSI_K_MIN_EXCL}, \
    {p "max_in_flight", LSI_T_U32, OFF(max_in_flight), 0, 0, 1e6, 0},                    \
    {p "queue_cap", LSI_T_U32, OFF(queue_cap), 0, 0, U32MAX, 0},                         \
    {p "retry_4xx", LSI_T_BOOL, OFF(retry_4xx), 0, 0, 1, 0},                             \
    {p "no_retry_5xx", LSI_T_BOOL, OFF(no_retry_5xx), 0, 0, 1, 0},                       \
    {p "persist", LSI_T_BOOL, OFF(persist), 0, 0, 1, 0},                                 \
    {p "flush_on_exit", LSI_T_BOOL, OFF(flush_on_exit), 0, 0, 1, 0},                     \
    {p "exit_keeps_copy", LSI_T_BOOL, OFF(exit_keeps_copy), 0, 0, 1, 0},                 \
    {p "max_age", LSI_T_DURATION, OFF(max_age), 0, 0, D366, 0},                          \
    {p "flush_timer", LSI_T_TIMER, OFF(flush_timer), 0, 0, 0, 0},                        \
    {p "flush_at_shutdown", LSI_T_BOOL, OFF(flush_at_shutdown), 0, 0, 1, 0},             \
    BACKOFF_KEYS(p, BOFF),                                                               \
    {p "backoff_at_next_flush", LSI_T_U32, BOFF(at_next_flush), 0, 0, U32MAX, LSI_K_ALWAYS}, \
    RETRY_LIMIT_KEYS(p, BOFF),                                                           \
    {p "retry_codes", LSI_T_CODES, OFF(retry_codes), 0, 0, 0, 0},                        \
    {p "halve_on_413", LSI_T_BOOL, OFF(halve_on_413), 0, 0, 1, 0},                       \
    {p "keep_interval", LSI_T_BOOL, OFF(keep_interval), 0, 0, 1, 0},                     \
    {p "timeout_resend", LSI_T_BOOL, OFF(timeout_resend), 0, 0, 1, 0},                   \
    {p "retry_after", LSI_T_RA_USE, OFF(retry_after), 0, 0, 0, 0},                       \
    {p "retry_after_min", LSI_T_DURATION, OFF(retry_after_min), 0, 0, D366, 0},          \
    {p "retry_after_max", LSI_T_DURATION, OFF(retry_after_max), 0, 0, D366, 0},          \
    {p "retry_after_limit", LSI_T_U32, OFF(retry_after_limit), 0, 0, U32MAX, 0},         \
    {p "retry_after_uncounted", LSI_T_BOOL, OFF(retry_after_uncounted), 0, 0, 1, 0},     \
    {p "max_attempts", LSI_T_U32, OFF(max_attempts), 0, 0, U32MAX, 0},                  \
    {p "flush_tries", LSI_T_U32, OFF(flush_tries), 0, 0, 100, 0},                        \
    {p "flush_try_delay", LSI_T_DURATION, OFF(flush_try_delay), 0, 0, D366, 0},          \
    {p "retry_after_5xx_only", LSI_T_BOOL, OFF(retry_after_5xx_only), 0, 0, 1, 0}

#define SEG_BOFF(f) SC(segment.backoff.f)

static const lsi_key_t scenario_keys[] = {
    {"name", LSI_T_STRING, SC(name), sizeof ((lagsim_scenario_t *)0)->name, 0, 0, 0},
    {"horizon", LSI_T_DURATION, SC(horizon), 0, 0, D366, LSI_K_MIN_EXCL},
    {"drain_limit", LSI_T_DURATION, SC(drain_limit), 0, 0, D30, 0},
    {"seed", LSI_T_U64, SC(seed), 0, 0, U64MAX, 0},
    {"mode", LSI_T_MODE_MASK, SC(mode_mask), 0, 0, 0, 0},
    {"series_window", LSI_T_DURATION, SC(series_window), 0, LAGSIM_SEC, D366, 0},
    {"warmup", LSI_T_DURATION, SC(warmup), 0, 0, D366, LSI_K_AUTO},
};

static const lsi_key_t traffic_keys[] = {
    {"base_rate", LSI_T_RATE, SC(base_rate), 0, 0, 1e9, 0},
    {"users", LSI_T_U64, SC(users), 0, 1, 1e12, 0},
    {"new_user_share", LSI_T_FRACTION, SC(new_user_share), 0, 0, 1, 0},
    {"merge_share", LSI_T_FRACTION, SC(merge_share), 0, 0, 1, 0},
    {"scale", LSI_T_NUMBER, SC(scale), 0, 0, 1000, LSI_K_MIN_EXCL},
    {"daily_profile", LSI_T_PROFILE, SC(daily_profile), 0, 0, 1e6, 0},
    {"day_start", LSI_T_DURATION, SC(day_start), 0, 0, 24.0 * (double)LAGSIM_HOUR, 0},
    {"mmpp_high", LSI_T_NUMBER, SC(mmpp_high), 0, 0, 1e6, 0},
    {"mmpp_low", LSI_T_NUMBER, SC(mmpp_low), 0, 0, 1e6, 0},
    {"mmpp_high_mean", LSI_T_DURATION, SC(mmpp_high_mean), 0, 0, D366, 0},
    {"mmpp_low_mean", LSI_T_DURATION, SC(mmpp_low_mean), 0, 0, D366, 0},
};

static const lsi_key_t burst_keys[] = {
    {"start", LSI_T_DURATION, BU(start), 0, 0, D366, LSI_K_REQUIRED},
    {"duration", LSI_T_DURATION, BU(duration), 0, 0, D366, LSI_K_REQUIRED},
    {"rate", LSI_T_RATE, BU(rate), 0, 0, 1e9, LSI_K_UNSET_NEG},
    {"multiplier", LSI_T_NUMBER, BU(multiplier), 0, 0, INFINITY, LSI_K_UNSET_NEG},
};

static const lsi_key_t ramp_keys[] = {
    {"start", LSI_T_DURATION, RA(start), 0, 0, D366, LSI_K_REQUIRED},
    {"duration", LSI_T_DURATION, RA(duration), 0, 0, D366, LSI_K_REQUIRED},
    {"from", LSI_T_RATE, RA(from), 0, 0, 1e9, LSI_K_UNSET_NEG},
    {"from_multiplier", LSI_T_NUMBER, RA(from_multiplier), 0, 0, INFINITY, LSI_K_UNSET_NEG},
    {"to", LSI_T_RATE, RA(to), 0, 0, 1e9, LSI_K_UNSET_NEG},
    {"to_multiplier", LSI_T_NUMBER, RA(to_multiplier), 0, 0, INFINITY, LSI_K_UNSET_NEG},
};

static const lsi_key_t replay_keys[] = {
    {"file", LSI_T_PATH, SC(replay.file), sizeof ((lagsim_scenario_t *)0)->replay.file, 0, 0, 0},
    {"origin", LSI_T_ORIGIN, SC(replay.origin_kind), 0, 0, 0, 0},
    {"time_shift", LSI_T_DURATION, SC(replay.time_shift), 0, 0, D366, 0},
    {"time_scale", LSI_T_NUMBER, SC(replay.time_scale), 0, 0, 1e6, LSI_K_MIN_EXCL},
};

static const lsi_key_t event_keys[] = {
    {"share", LSI_T_FRACTION, EV(share), 0, 0, 1, LSI_K_REQUIRED},
    {"priority", LSI_T_PRIORITY, EV(priority), 0, 0, 0, 0},
    {"payload_bytes", LSI_T_DIST_SIZE, EV(payload_bytes), 0, 0, 0, 0},
    {"route", LSI_T_ROUTE, EV(route), 0, 0, 0, 0},
    {"nesting_depth", LSI_T_U32, EV(nesting_depth), 0, 0, 100, 0},
};

static const lsi_key_t client_keys[] = {
    {"share", LSI_T_FRACTION, CL(share), 0, 0, 1, LSI_K_REQUIRED},
    {"platform", LSI_T_PLATFORM, CL(platform), 0, 0, 0, LSI_K_REQUIRED},
    {"cloud_sdk", LSI_T_PRESET, CL(sdk[0]), 0, 0, 0, LSI_K_CLOUD},
    {"device_sdk", LSI_T_PRESET, CL(sdk[1]), 0, 0, 0, LSI_K_DEVICE},
    /* The shorthands come before the pairs they set (see loader.c). */
    {"adblock", LSI_T_FRACTION, CL(adblock), 0, 0, 1, LSI_K_BOTH | LSI_K_NOWRITE},
    {"adblock_segment", LSI_T_FRACTION, CL(adblock[LAGSIM_ENDPOINT_SEGMENT]), 0, 0, 1, 0},
    {"adblock_mixpanel", LSI_T_FRACTION, CL(adblock[LAGSIM_ENDPOINT_MIXPANEL]), 0, 0, 1, 0},
    {"proxy", LSI_T_BOOL, CL(proxy), 0, 0, 1, LSI_K_BOTH | LSI_K_NOWRITE},
    {"proxy_segment", LSI_T_BOOL, CL(proxy[LAGSIM_ENDPOINT_SEGMENT]), 0, 0, 1, 0},
    {"proxy_mixpanel", LSI_T_BOOL, CL(proxy[LAGSIM_ENDPOINT_MIXPANEL]), 0, 0, 1, 0},
    {"proxy_latency", LSI_T_DIST_TIME, CL(proxy_latency), 0, 0, 0, 0},
    {"phase", LSI_T_PHASE, CL(phase), 0, 0, 0, 0},
    {"phase_at", LSI_T_PHASE_AT, CL(phase_at), 0, 0, 0, 0},
    {"shutdown_at", LSI_T_DURATION, CL(shutdown_at), 0, 0, D366, 0},
    {"offline_share", LSI_T_FRACTION, CL(offline_share), 0, 0, 1, 0},
    {"offline_duration", LSI_T_DIST_TIME, CL(offline_duration), 0, 0, 0, 0},
    {"session_length", LSI_T_DIST_TIME, CL(session_length), 0, 0, 0, 0},
    SDK_KEYS("cloud_", SDK_OFF0, SDK_BOFF0),
    SDK_KEYS("device_", SDK_OFF1, SDK_BOFF1),
};

static const lsi_key_t network_keys[] = {
    {"client_rtt", LSI_T_DIST_TIME, SC(network.client_rtt), 0, 0, 0, 0},
    {"server_rtt", LSI_T_DIST_TIME, SC(network.server_rtt), 0, 0, 0, 0},
};

static const lsi_key_t segment_keys[] = {
    {"processing", LSI_T_DIST_TIME, SC(segment.processing), 0, 0, 0, 0},
    {"max_event_bytes", LSI_T_SIZE, SC(segment.max_event_bytes), 0, 1, U64MAX, 0},
    {"max_request_bytes", LSI_T_SIZE, SC(segment.max_request_bytes), 0, 1, U64MAX, 0},
    {"max_request_events", LSI_T_U32, SC(segment.max_request_events), 0, 1, U32MAX, 0},
    {"inbound_limit", LSI_T_RATE, SC(segment.inbound_limit), 0, 0, 1e12, 0},
    {"inbound_policy", LSI_T_INBOUND, SC(segment.inbound_policy), 0, 0, 0, 0},
    {"retry_after", LSI_T_DURATION, SC(segment.retry_after), 0, 0, D366, LSI_K_ADMIT},
    {"priority_tiers", LSI_T_BOOL, SC(segment.priority_tiers), 0, 0, 1, 0},
    {"batch_size", LSI_T_U32, SC(segment.batch_size), 0, 1, 2000, 0},
    {"batch_bytes", LSI_T_SIZE, SC(segment.batch_bytes), 0, 1, U64MAX, 0},
    {"batch_wait", LSI_T_DURATION, SC(segment.batch_wait), 0, 0, D366, 0},
    {"max_in_flight", LSI_T_U32, SC(segment.max_in_flight), 0, 1, 1e6, 0},
    {"request_timeout", LSI_T_DURATION, SC(segment.request_timeout), 0, 0, D366, LSI_K_MIN_EXCL},
    {"retry_window", LSI_T_DURATION, SC(segment.retry_window), 0, 0, D366, 0},
    BACKOFF_KEYS("", SEG_BOFF),
    RETRY_LIMIT_KEYS("", SEG_BOFF),
    {"retry_codes", LSI_T_CODES, SC(segment.retry_codes), 0, 0, 0, 0},
    {"dest_retry_after", LSI_T_RA_USE, SC(segment.dest_retry_after), 0, 0, 0, LSI_K_DEST},
};

static const lsi_key_t mixpanel_keys[] = {
    {"ingest_limit", LSI_T_RATE, SC(mixpanel.ingest_limit), 0, 0, 1e12, 0},
    {"ingest_limit_bytes", LSI_T_BYTE_RATE, SC(mixpanel.ingest_limit_bytes), 0, 0, 1e15, 0},
    {"limit_window", LSI_T_DURATION, SC(mixpanel.limit_window), 0, 0, D366, LSI_K_MIN_EXCL},
    {"limiter", LSI_T_LIMITER, SC(mixpanel.limiter), 0, 0, 0, 0},
    {"max_batch_events", LSI_T_U32, SC(mixpanel.max_batch_events), 0, 1, 100000, 0},
    {"max_request_bytes", LSI_T_SIZE, SC(mixpanel.max_request_bytes), 0, 1, U64MAX, 0},
    {"max_event_bytes", LSI_T_SIZE, SC(mixpanel.max_event_bytes), 0, 1, U64MAX, 0},
    {"response_time", LSI_T_DIST_TIME, SC(mixpanel.response_time), 0, 0, 0, 0},
    {"failure_rate", LSI_T_FRACTION, SC(mixpanel.failure_rate), 0, 0, 1, 0},
    {"lost_response_rate", LSI_T_FRACTION, SC(mixpanel.lost_response_rate), 0, 0, 1, 0},
    {"track_max_age", LSI_T_DURATION, SC(mixpanel.track_max_age), 0, 0, D366, 0},
    {"retry_after", LSI_T_DURATION, SC(mixpanel.retry_after), 0, 0, D366, LSI_K_ADMIT},
    {"outage", LSI_T_OUTAGE, 0, 0, 0, 0, LSI_K_REPEAT}, /* base is the scenario */
    {"idres_known", LSI_T_DIST_TIME, SC(mixpanel.idres_known), 0, 0, 0, 0},
    {"idres_new", LSI_T_DIST_TIME, SC(mixpanel.idres_new), 0, 0, 0, 0},
    {"idres_merge", LSI_T_DIST_TIME, SC(mixpanel.idres_merge), 0, 0, 0, 0},
    {"ingest_delay", LSI_T_DIST_TIME, SC(mixpanel.ingest_delay), 0, 0, 0, 0},
    {"ingest_per_kb", LSI_T_DURATION, SC(mixpanel.ingest_per_kb), 0, 0, D366, 0},
    {"ingest_per_depth", LSI_T_DURATION, SC(mixpanel.ingest_per_depth), 0, 0, D366, 0},
    {"index_interval", LSI_T_DURATION, SC(mixpanel.index_interval), 0, 0, D366, 0},
    {"index_delay", LSI_T_DIST_TIME, SC(mixpanel.index_delay), 0, 0, 0, 0},
};

static const lsi_key_t sampling_keys[] = {
    {"threshold", LSI_T_RATE, SC(sampling.threshold), 0, 0, 1e12, 0},
    {"keep", LSI_T_FRACTION, SC(sampling.keep), 0, 0, 1, 0},
    {"max_priority", LSI_T_PRIORITY, SC(sampling.max_priority), 0, 0, 0, 0},
    {"window", LSI_T_DURATION, SC(sampling.window), 0, LAGSIM_SEC, 600.0 * LAGSIM_SEC, 0},
};

/* [alert.NAME]: the metric comes first, so a threshold can be checked
 * against it; window 0 means one series window. */
static const lsi_key_t alert_keys[] = {
    {"metric", LSI_T_METRIC, AL(metric), 0, 0, 0, LSI_K_REQUIRED},
    {"threshold", LSI_T_THRESHOLD, AL(threshold), 0, 0, 0, LSI_K_REQUIRED},
    {"window", LSI_T_DURATION, AL(window), 0, 0, D366, 0},
    {"below", LSI_T_BOOL, AL(below), 0, 0, 1, 0},
};

#define KEYS(a) a, sizeof a / sizeof a[0]

const lsi_section_def_t lsi_sections[LSI_SEC_COUNT] = {
    [LSI_SEC_SCENARIO] = {"scenario", 0, 1, KEYS(scenario_keys)},
    [LSI_SEC_TRAFFIC] = {"traffic", 0, 1, KEYS(traffic_keys)},
    [LSI_SEC_BURST] = {"burst", 1, LAGSIM_MAX_BURSTS, KEYS(burst_keys)},
    [LSI_SEC_RAMP] = {"ramp", 1, LAGSIM_MAX_RAMPS, KEYS(ramp_keys)},
    [LSI_SEC_REPLAY] = {"replay", 0, 1, KEYS(replay_keys)},
    [LSI_SEC_EVENT] = {"event", 1, LAGSIM_MAX_EVENT_TYPES, KEYS(event_keys)},
    [LSI_SEC_CLIENT] = {"client", 1, LAGSIM_MAX_CLIENTS, KEYS(client_keys)},
    [LSI_SEC_NETWORK] = {"network", 0, 1, KEYS(network_keys)},
    [LSI_SEC_SEGMENT] = {"segment", 0, 1, KEYS(segment_keys)},
    [LSI_SEC_MIXPANEL] = {"mixpanel", 0, 1, KEYS(mixpanel_keys)},
    [LSI_SEC_SAMPLING] = {"sampling", 0, 1, KEYS(sampling_keys)},
    [LSI_SEC_ALERT] = {"alert", 1, LAGSIM_MAX_ALERTS, KEYS(alert_keys)},
};

/* ---- Sections and keys ----------------------------------------------------- */

static int name_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.';
}

/*
 * "; did you mean [scenario]?" for a misspelt section name, into hint
 * (left empty when no section is close): a repeated section keeps its
 * NAME ("[burts.launch]" -> "[burst.launch]").
 */
static void section_suggest(const char *name, char *hint, size_t n)
{
    const char *names[LSI_SEC_COUNT];
    char head[LAGSIM_NAME_MAX];
    const char *dot = strchr(name, '.');
    const size_t len = dot ? (size_t)(dot - name) : strlen(name);
    if (len >= sizeof head)
        return;
    memcpy(head, name, len);
    head[len] = '\0';
    /* Repeated kinds are matched on the part before the dot; the others on
     * the whole name. */
    for (int i = 0; i < LSI_SEC_COUNT; i++)
        names[i] = (lsi_sections[i].repeat ? dot != NULL : dot == NULL) ? lsi_sections[i].name
                                                                        : NULL;
    const char *best = lagsim_suggest(dot ? head : name, names, LSI_SEC_COUNT);
    if (best)
        snprintf(hint, n, "; did you mean [%s%s]?", best, dot ? dot : "");
}

int lsi_section_classify(const char *name, enum lsi_section_kind *kind,
                         const char **instance, lagsim_error_t *err)
{
    for (int i = 0; i < LSI_SEC_COUNT; i++) {
        const lsi_section_def_t *def = &lsi_sections[i];
        const size_t n = strlen(def->name);
        if (strncmp(name, def->name, n) != 0)
            continue;
        if (!def->repeat && name[n] == '\0') {
            *kind = (enum lsi_section_kind)i;
            *instance = NULL;
            return LAGSIM_OK;
        }
        if (!def->repeat)
            continue;
        if (name[n] == '\0') {
            lsi_err(err, "section [%s] needs a name: [%s.NAME]", name, def->name);
            return LAGSIM_EINVAL;
        }
        if (name[n] != '.')
            continue;
        const char *inst = name + n + 1;
        int ok = inst[0] != '\0';
        for (const char *c = inst; *c; c++)
            ok = ok && name_char_ok(*c);
        if (!ok) {
            lsi_err(err, "bad section name [%s] (NAME in [%s.NAME] may use letters, digits, "
                    "'_', '-' and '.')", name, def->name);
            return LAGSIM_EINVAL;
        }
        if (strlen(inst) >= LAGSIM_NAME_MAX) {
            lsi_err(err, "section name [%s] is too long (NAME at most %d characters)", name,
                    LAGSIM_NAME_MAX - 1);
            return LAGSIM_EINVAL;
        }
        *kind = (enum lsi_section_kind)i;
        *instance = inst;
        return LAGSIM_OK;
    }
    char hint[LAGSIM_NAME_MAX + 48] = "";
    section_suggest(name, hint, sizeof hint);
    lsi_err(err, "unknown section [%s]%s (known: scenario, traffic, burst.NAME, ramp.NAME, "
            "replay, event.NAME, client.NAME, network, segment, mixpanel, sampling, alert.NAME)",
            name, hint);
    return LAGSIM_EINVAL;
}

/* Appends s to buf (size n) at *len, truncating quietly. */
static void append(char *buf, size_t n, size_t *len, const char *s)
{
    const int w = snprintf(buf + *len, n - *len, "%s", s);
    if (w > 0)
        *len += (size_t)w < n - *len ? (size_t)w : n - *len - 1;
}

const lsi_key_t *lsi_key_find(enum lsi_section_kind kind, const char *name,
                              lagsim_error_t *err)
{
    const lsi_section_def_t *def = &lsi_sections[kind];
    for (size_t i = 0; i < def->n_keys; i++)
        if (strcmp(def->keys[i].name, name) == 0)
            return &def->keys[i];
    char known[LAGSIM_ERROR_MAX];
    size_t len = 0;
    known[0] = '\0';
    int sdk_fields = 0;
    for (size_t i = 0; i < def->n_keys; i++) {
        const char *k = def->keys[i].name;
        if (kind == LSI_SEC_CLIENT && def->keys[i].type != LSI_T_PRESET &&
            (strncmp(k, "cloud_", 6) == 0 || strncmp(k, "device_", 7) == 0)) {
            /* List the SDK fields once, after "cloud_ or device_". */
            if (strncmp(k, "cloud_", 6) != 0)
                continue;
            append(known, sizeof known, &len,
                   sdk_fields++ ? ", " : "; cloud_ or device_ followed by: ");
            append(known, sizeof known, &len, k + 6);
            continue;
        }
        if (i > 0)
            append(known, sizeof known, &len, ", ");
        append(known, sizeof known, &len, k);
    }
    /* The closest key of this section, else the section that has it. */
    const char *names[64];
    const size_t n_names = def->n_keys < 64 ? def->n_keys : 64;
    for (size_t i = 0; i < n_names; i++)
        names[i] = def->keys[i].name;
    const char *best = lagsim_suggest(name, names, n_names);
    char hint[160] = "";
    if (best) {
        snprintf(hint, sizeof hint, "; did you mean '%s'?", best);
    } else {
        for (int i = 0; i < LSI_SEC_COUNT && !hint[0]; i++)
            for (size_t j = 0; j < lsi_sections[i].n_keys; j++)
                if (strcmp(lsi_sections[i].keys[j].name, name) == 0) {
                    snprintf(hint, sizeof hint, "; '%s' is a key of [%s%s]", name,
                             lsi_sections[i].name, lsi_sections[i].repeat ? ".NAME" : "");
                    break;
                }
    }
    lsi_err(err, "unknown key%s (known: %s)", hint, known);
    return NULL;
}

/* ---- Names of enumerations ------------------------------------------------ */

/* Sets *out to the index of s in names[0..n); else a message listing them. */
static int match_name(const char *s, const char *const *names, int n, const char *what,
                      int *out, lagsim_error_t *err)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, names[i]) == 0) {
            *out = i;
            return LAGSIM_OK;
        }
    char list[LAGSIM_ERROR_MAX];
    size_t len = 0;
    list[0] = '\0';
    for (int i = 0; i < n; i++) {
        if (i > 0)
            append(list, sizeof list, &len, ", ");
        append(list, sizeof list, &len, names[i]);
    }
    lsi_err(err, "bad %s '%s' (expected %s)", what, s, list);
    return LAGSIM_EINVAL;
}

static const char *const limiter_names[] = {"rolling", "token_bucket"};
static const char *const phase_names[] = {"random", "aligned"};

/* [client.NAME] phase_at: a duration, or burst.NAME (the burst's start;
 * lagsim_scenario_validate() checks that the burst exists). The name is
 * left in v->str. */
static int parse_phase_at(const char *s, lsi_value_t *v, lagsim_error_t *err)
{
    v->as.t = 0;
    if (strncmp(s, "burst.", 6) == 0) {
        const char *name = s + 6;
        int ok = name[0] != '\0' && strlen(name) < LAGSIM_NAME_MAX;
        for (const char *c = name; *c; c++)
            ok = ok && name_char_ok(*c);
        if (!ok) {
            lsi_err(err, "bad burst name in '%s' (expected burst.NAME, the name of a "
                    "[burst.NAME] section)", s);
            return LAGSIM_EINVAL;
        }
        v->str = name;
        return LAGSIM_OK;
    }
    lagsim_error_t inner;
    if (lagsim_parse_duration(s, &v->as.t, &inner) != LAGSIM_OK || v->as.t < 0 ||
        v->as.t > (lagsim_time_t)D366) {
        lsi_err(err, "bad phase_at '%s' (expected a time such as 0s or 30m, or burst.NAME "
                "for the start of that burst)", s);
        return LAGSIM_EINVAL;
    }
    v->str = "";
    return LAGSIM_OK;
}
static const char *const inbound_names[] = {"queue", "reject"};

/* ---- Sets of status codes -------------------------------------------------- */

static const unsigned code_list[] = {408, 410, 413, 423, 460};
#define N_CODES (sizeof code_list / sizeof code_list[0])

/* "408, 410, 460" or "none" -> LAGSIM_CODE_* bits. */
static int parse_codes(const char *s, lsi_value_t *v, lagsim_error_t *err)
{
    v->as.mask = 0;
    if (strcmp(s, "none") == 0)
        return LAGSIM_OK;
    for (const char *p = s; *p;) {
        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        if (!*p)
            break;
        unsigned code = 0;
        int digits = 0;
        while (*p >= '0' && *p <= '9' && digits < 4) {
            code = code * 10 + (unsigned)(*p++ - '0');
            digits++;
        }
        const unsigned bit = lagsim_code_bit(code);
        if (!bit || (*p && *p != ',' && *p != ' ' && *p != '\t')) {
            lsi_err(err, "bad status code list '%s' (expected none, or codes among 408, 410, "
                    "413, 423, 460 separated by commas; 429 and 5xx have their own rules)", s);
            return LAGSIM_EINVAL;
        }
        v->as.mask |= bit;
    }
    return LAGSIM_OK;
}

static void fmt_codes(uint32_t mask, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_CODES; i++)
        if (mask & lagsim_code_bit(code_list[i])) {
            char c[8];
            snprintf(c, sizeof c, "%u", code_list[i]);
            if (len)
                append(buf, n, &len, ", ");
            append(buf, n, &len, c);
        }
    if (!len)
        snprintf(buf, n, "none");
}

/*
 * The next item of a comma-separated list at *p, without surrounding
 * blanks: sets *item and returns its length, and moves *p past the comma
 * (to NULL after the last item).
 */
static size_t next_item(const char **p, const char **item)
{
    const char *s = *p;
    const char *end = strchr(s, ',');
    size_t n = end ? (size_t)(end - s) : strlen(s);
    while (n > 0 && (*s == ' ' || *s == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    *item = s;
    *p = end ? end + 1 : NULL;
    return n;
}

int lagsim_parse_modes(const char *s, unsigned *out, lagsim_error_t *err)
{
    unsigned mask = 0;
    char tok[LAGSIM_NAME_MAX];
    const char *p = s;
    while (p) {
        const char *item;
        const size_t n = next_item(&p, &item);
        unsigned bits = 0;
        if (n < sizeof tok) {
            memcpy(tok, item, n);
            tok[n] = '\0';
            for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
                if (strcmp(tok, lagsim_mode_name((enum lagsim_mode)m)) == 0)
                    bits = 1u << m;
            if (strcmp(tok, "both") == 0)
                bits = (1u << LAGSIM_MODE_CLOUD) | (1u << LAGSIM_MODE_DEVICE);
            if (strcmp(tok, "all") == 0)
                bits = LAGSIM_MODE_MASK_ALL;
        }
        if (!bits) {
            lsi_err(err, "bad mode '%s' (expected cloud, device, hybrid, both, all, or a "
                    "list such as cloud,hybrid)", s);
            return LAGSIM_EINVAL;
        }
        mask |= bits;
    }
    *out = mask;
    return LAGSIM_OK;
}

static void fmt_mode_mask(unsigned mask, char *buf, size_t n)
{
    if (mask == LAGSIM_MODE_MASK_ALL) {
        snprintf(buf, n, "all");
        return;
    }
    if (mask == ((1u << LAGSIM_MODE_CLOUD) | (1u << LAGSIM_MODE_DEVICE))) {
        snprintf(buf, n, "both");
        return;
    }
    size_t len = 0;
    buf[0] = '\0';
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (mask & (1u << m)) {
            if (len)
                append(buf, n, &len, ",");
            append(buf, n, &len, lagsim_mode_name((enum lagsim_mode)m));
        }
}

/* ---- Jitter and outages ---------------------------------------------------- */

#define JITTER_FORM "expected none, full, mult(A, B), add(A, B) or pct(X)"

static int parse_jitter(const char *s, lsi_value_t *v, lagsim_error_t *err)
{
    if (strcmp(s, "none") == 0 || strcmp(s, "full") == 0) {
        v->as.jitter.kind = s[0] == 'n' ? LAGSIM_JITTER_NONE : LAGSIM_JITTER_FULL;
        v->as.jitter.a = v->as.jitter.b = 0;
        return LAGSIM_OK;
    }
    char buf[LSI_FMT_MAX * 2];
    const size_t len = strlen(s);
    if (len >= sizeof buf || len < 2 || s[len - 1] != ')' || !strchr(s, '(')) {
        lsi_err(err, "bad jitter '%s' (" JITTER_FORM ")", s);
        return LAGSIM_EINVAL;
    }
    memcpy(buf, s, len - 1); /* without the ')' */
    buf[len - 1] = '\0';
    char *open = strchr(buf, '(');
    *open = '\0';
    char *name = buf, *args = open + 1;
    size_t nl = strlen(name);
    while (nl > 0 && (name[nl - 1] == ' ' || name[nl - 1] == '\t'))
        name[--nl] = '\0';
    char *comma = strchr(args, ',');
    if (comma)
        *comma = '\0';
    const char *a = args, *b = comma ? comma + 1 : NULL;
    while (*a == ' ')
        a++;
    while (b && *b == ' ')
        b++;
    /* Trailing spaces of a and b are accepted by the unit parsers. */
    lagsim_error_t inner;
    double x = 0, y = 0;
    if (strcmp(name, "pct") == 0) {
        if (b || lsi_parse_fraction(a, &x, &inner) != LAGSIM_OK || x < 0 || x > 1) {
            lsi_err(err, "pct needs one fraction from 0 to 1, like pct(0.1) or pct(10%%) "
                    "(got '%s')", s);
            return LAGSIM_EINVAL;
        }
        v->as.jitter.kind = LAGSIM_JITTER_PCT;
    } else if (strcmp(name, "mult") == 0) {
        if (!b || strchr(b, ',') || lsi_parse_number(a, &x, &inner) != LAGSIM_OK ||
            lsi_parse_number(b, &y, &inner) != LAGSIM_OK || x < 0 || x > y) {
            lsi_err(err, "mult needs two factors 0 <= A <= B, like mult(1, 2) (got '%s')", s);
            return LAGSIM_EINVAL;
        }
        v->as.jitter.kind = LAGSIM_JITTER_MULT;
    } else if (strcmp(name, "add") == 0) {
        if (!b || strchr(b, ',') || lsi_parse_seconds(a, &x, &inner) != LAGSIM_OK ||
            lsi_parse_seconds(b, &y, &inner) != LAGSIM_OK || x > y) {
            lsi_err(err, "add needs two durations A <= B, like add(1s, 5s) (got '%s')", s);
            return LAGSIM_EINVAL;
        }
        v->as.jitter.kind = LAGSIM_JITTER_ADD;
    } else {
        lsi_err(err, "bad jitter '%s' (" JITTER_FORM ")", s);
        return LAGSIM_EINVAL;
    }
    v->as.jitter.a = x;
    v->as.jitter.b = y;
    return LAGSIM_OK;
}

static void fmt_jitter(const lagsim_backoff_t *b, char *buf, size_t n)
{
    char x[LSI_NUM_MAX], y[LSI_NUM_MAX];
    switch (b->jitter) {
    case LAGSIM_JITTER_NONE:
    case LAGSIM_JITTER_FULL:
        snprintf(buf, n, "%s", lagsim_jitter_name(b->jitter));
        return;
    case LAGSIM_JITTER_MULT:
        lsi_fmt_double(b->jitter_a, x, sizeof x);
        lsi_fmt_double(b->jitter_b, y, sizeof y);
        snprintf(buf, n, "mult(%s, %s)", x, y);
        return;
    case LAGSIM_JITTER_ADD:
        lsi_fmt_seconds(b->jitter_a, x, sizeof x);
        lsi_fmt_seconds(b->jitter_b, y, sizeof y);
        snprintf(buf, n, "add(%s, %s)", x, y);
        return;
    case LAGSIM_JITTER_PCT:
        lsi_fmt_double(b->jitter_a, x, sizeof x);
        snprintf(buf, n, "pct(%s)", x);
        return;
    }
    snprintf(buf, n, "?");
}

#define OUTAGE_FORM "expected START+DURATION CODE [ra=TIME], e.g. 50m+5m 503, 50m+5m timeout " \
                    "or 10s+30s 429 ra=20s"

/* One "START+DURATION CODE" (trimmed, NUL-terminated in a scratch buffer). */
static int parse_one_outage(char *item, lagsim_outage_t *o, lagsim_error_t *err)
{
    char *plus = strchr(item, '+');
    char *space = plus ? strpbrk(plus + 1, " \t") : NULL;
    if (!plus || !space) {
        lsi_err(err, "bad outage '%s' (" OUTAGE_FORM ")", item);
        return LAGSIM_EINVAL;
    }
    *plus = '\0';
    *space = '\0';
    const char *start = item, *dur = plus + 1;
    char *code = space + 1;
    while (*code == ' ' || *code == '\t')
        code++;
    /* An optional Retry-After: "429 ra=20s". */
    o->retry_after = 0;
    char *ra = strpbrk(code, " \t");
    if (ra) {
        *ra++ = '\0';
        while (*ra == ' ' || *ra == '\t')
            ra++;
        lagsim_error_t inner;
        if (strncmp(ra, "ra=", 3) != 0 ||
            lagsim_parse_duration(ra + 3, &o->retry_after, &inner) != LAGSIM_OK ||
            o->retry_after <= 0 || o->retry_after > (lagsim_time_t)D366) {
            lsi_err(err, "bad outage Retry-After '%s' (expected ra=TIME, a positive duration "
                    "such as ra=20s)", ra);
            return LAGSIM_EINVAL;
        }
    }
    lagsim_error_t inner;
    if (lagsim_parse_duration(start, &o->start, &inner) != LAGSIM_OK ||
        lagsim_parse_duration(dur, &o->duration, &inner) != LAGSIM_OK) {
        lsi_err(err, "outage: %s", inner.message);
        return LAGSIM_EINVAL;
    }
    if (o->duration < 0) {
        lsi_err(err, "outage duration must not be negative (got '%s')", dur);
        return LAGSIM_EINVAL;
    }
    if (strcmp(code, "timeout") == 0) {
        if (o->retry_after > 0) {
            lsi_err(err, "a timeout carries no Retry-After (got '%s ra=...')", code);
            return LAGSIM_EINVAL;
        }
        o->status = LAGSIM_RESP_TIMEOUT;
        o->code = 0;
        return LAGSIM_OK;
    }
    uint64_t c;
    if (lsi_parse_uint(code, &c, NULL) != LAGSIM_OK ||
        !((c >= 500 && c <= 599) || c == 408 || c == 410 || c == 413 || c == 429 || c == 460)) {
        lsi_err(err, "outage code must be 500-599, 408, 410, 413, 429, 460 or timeout "
                "(got '%s')", code);
        return LAGSIM_EINVAL;
    }
    o->status = c == 429 ? LAGSIM_RESP_429 : c < 500 ? LAGSIM_RESP_400 : LAGSIM_RESP_5XX;
    o->code = (int)c;
    return LAGSIM_OK;
}

static int parse_outages(const char *s, lsi_value_t *v, lagsim_error_t *err)
{
    v->n_outages = 0;
    if (strcmp(s, "none") == 0)
        return LAGSIM_OK;
    const char *p = s;
    while (p) {
        const char *start;
        const size_t n = next_item(&p, &start);
        char item[LSI_FMT_MAX];
        if (n >= sizeof item) {
            lsi_err(err, "bad outage '%s' (" OUTAGE_FORM ")", s);
            return LAGSIM_EINVAL;
        }
        memcpy(item, start, n);
        item[n] = '\0';
        if (v->n_outages == LAGSIM_MAX_OUTAGES) {
            lsi_err(err, "too many outages (at most %d)", LAGSIM_MAX_OUTAGES);
            return LAGSIM_EINVAL;
        }
        if (parse_one_outage(item, &v->outages[v->n_outages], err) != LAGSIM_OK)
            return LAGSIM_EINVAL;
        v->n_outages++;
    }
    return LAGSIM_OK;
}

/* ---- Daily profile ------------------------------------------------------ */

#define PROFILE_FORM "expected flat, or 24 hourly multipliers separated by commas"

static int parse_profile(const lsi_key_t *k, const char *s, lsi_value_t *v,
                         lagsim_error_t *err)
{
    if (strcmp(s, "flat") == 0) {
        for (int h = 0; h < 24; h++)
            v->as.profile[h] = 1.0;
        return LAGSIM_OK;
    }
    const char *p = s;
    int n = 0;
    while (p) {
        const char *start;
        const size_t len = next_item(&p, &start);
        char item[LSI_NUM_MAX];
        if (n == 24) {
            lsi_err(err, "more than 24 hourly multipliers (" PROFILE_FORM ")");
            return LAGSIM_EINVAL;
        }
        double x;
        lagsim_error_t inner;
        if (len == 0 || len >= sizeof item) {
            lsi_err(err, "hour %d: bad multiplier '%.*s' (" PROFILE_FORM ")", n,
                    (int)(len < 40 ? len : 40), start);
            return LAGSIM_EINVAL;
        }
        memcpy(item, start, len);
        item[len] = '\0';
        if (lsi_parse_number(item, &x, &inner) != LAGSIM_OK) {
            lsi_err(err, "hour %d: %s", n, inner.message);
            return LAGSIM_EINVAL;
        }
        if (x < k->min || x > k->max) {
            lsi_err(err, "hour %d: multiplier %s out of range [0, 1e6]", n, item);
            return LAGSIM_EINVAL;
        }
        v->as.profile[n++] = x;
    }
    if (n != 24) {
        lsi_err(err, "%d hourly multipliers, not 24 (" PROFILE_FORM ")", n);
        return LAGSIM_EINVAL;
    }
    return LAGSIM_OK;
}

/* ---- Alerts (the Event Delivery view) ------------------------------------------ */

/* A threshold: a plain number (a count), or a duration (for p95_latency;
 * which one the metric needs is checked by lagsim_scenario_validate()). */
static int parse_threshold(const char *s, lsi_value_t *v, lagsim_error_t *err)
{
    double d;
    lagsim_time_t t;
    lagsim_error_t inner;
    if (lsi_parse_number(s, &d, &inner) == LAGSIM_OK) {
        v->as.threshold.value = d;
        v->as.threshold.is_time = 0;
    } else if (lagsim_parse_duration(s, &t, &inner) == LAGSIM_OK) {
        v->as.threshold.value = (double)t;
        v->as.threshold.is_time = 1;
    } else {
        lsi_err(err, "bad threshold '%s' (a count such as 100, or a duration such as 2m for "
                "p95_latency)", s);
        return LAGSIM_EINVAL;
    }
    if (!(v->as.threshold.value >= 0)) {
        lsi_err(err, "threshold %s must not be negative", s);
        return LAGSIM_EINVAL;
    }
    return LAGSIM_OK;
}

static int write_profile(FILE *f, const lsi_key_t *k, const double *m)
{
    int flat = 1;
    for (int h = 0; h < 24; h++)
        flat = flat && m[h] == 1.0;
    if (fprintf(f, "%s = %s", k->name, flat ? "flat" : "") < 0)
        return -1;
    for (int h = 0; h < 24 && !flat; h++) {
        char x[LSI_NUM_MAX];
        lsi_fmt_double(m[h], x, sizeof x);
        if (fprintf(f, "%s%s", h ? ", " : "", x) < 0)
            return -1;
    }
    return fputc('\n', f) == EOF ? -1 : 0;
}

static void fmt_threshold(const lagsim_alert_t *a, char *buf, size_t n)
{
    if (!a->threshold_is_time)
        lsi_fmt_double(a->threshold, buf, n);
    else if (a->threshold == 0)
        snprintf(buf, n, "0s"); /* "0" would read back as a count */
    else
        lsi_fmt_duration((lagsim_time_t)a->threshold, buf, n);
}

static int parse_metric(const char *s, lsi_value_t *v, lagsim_error_t *err)
{
    const char *names[LAGSIM_METRIC_COUNT];
    for (int i = 0; i < LAGSIM_METRIC_COUNT; i++)
        names[i] = lagsim_alert_metric_name((enum lagsim_alert_metric)i);
    return match_name(s, names, LAGSIM_METRIC_COUNT, "metric", &v->as.e, err);
}

/* ---- SDK presets ------------------------------------------------------------ */

static int parse_preset(const lsi_key_t *k, const char *s, lsi_value_t *v,
                        lagsim_error_t *err)
{
    const lagsim_sdk_t *p = lagsim_sdk_preset(s);
    const enum lagsim_endpoint want =
        (k->flags & LSI_K_CLOUD) ? LAGSIM_ENDPOINT_SEGMENT : LAGSIM_ENDPOINT_MIXPANEL;
    if (p && p->endpoint == want) {
        v->as.preset = p;
        return LAGSIM_OK;
    }
    char list[LAGSIM_ERROR_MAX];
    size_t len = 0;
    list[0] = '\0';
    const char *name;
    for (unsigned i = 0; (name = lagsim_sdk_preset_name(i)) != NULL; i++) {
        if (p && lagsim_sdk_preset(name)->endpoint != want)
            continue;
        if (len)
            append(list, sizeof list, &len, ", ");
        append(list, sizeof list, &len, name);
    }
    if (!p)
        lsi_err(err, "unknown sdk preset '%s' (known: %s)", s, list);
    else
        lsi_err(err, "sdk preset '%s' sends to %s; %s needs one that sends to %s (%s)", s,
                want == LAGSIM_ENDPOINT_SEGMENT ? "Mixpanel" : "Segment", k->name,
                want == LAGSIM_ENDPOINT_SEGMENT ? "Segment" : "Mixpanel", list);
    return LAGSIM_EINVAL;
}

/* ---- Parse, check, store, write ---------------------------------------------- */

enum lsi_scalar lsi_type_scalar(enum lsi_type t)
{
    switch (t) {
    case LSI_T_DURATION: return LSI_SCALAR_TIME;
    case LSI_T_U32:
    case LSI_T_U64:
    case LSI_T_SIZE: return LSI_SCALAR_WHOLE;
    case LSI_T_NUMBER:
    case LSI_T_FRACTION:
    case LSI_T_RATE:
    case LSI_T_BYTE_RATE: return LSI_SCALAR_REAL;
    case LSI_T_STRING:
    case LSI_T_DIST_TIME:
    case LSI_T_DIST_SIZE:
    case LSI_T_BOOL:
    case LSI_T_MODE_MASK:
    case LSI_T_ROUTE:
    case LSI_T_PRIORITY:
    case LSI_T_PLATFORM:
    case LSI_T_LIMITER:
    case LSI_T_JITTER:
    case LSI_T_OUTAGE:
    case LSI_T_PRESET:
    case LSI_T_PATH:
    case LSI_T_PROFILE:
    case LSI_T_ORIGIN:
    case LSI_T_METRIC:
    case LSI_T_TIMER:
    case LSI_T_PHASE:
    case LSI_T_PHASE_AT:
    case LSI_T_THRESHOLD:
    case LSI_T_RA_USE:
    case LSI_T_INBOUND:
    case LSI_T_CODES: return LSI_SCALAR_NONE;
    }
    return LSI_SCALAR_NONE;
}

double lsi_value_number(const lsi_key_t *k, const lsi_value_t *v)
{
    switch (lsi_type_scalar(k->type)) {
    case LSI_SCALAR_TIME: return (double)v->as.t;
    case LSI_SCALAR_WHOLE: return (double)v->as.u;
    case LSI_SCALAR_REAL: return v->as.d;
    case LSI_SCALAR_NONE: break;
    }
    return NAN;
}

static void fmt_bound(const lsi_key_t *k, double b, char *buf, size_t n)
{
    if (k->type == LSI_T_DURATION)
        lsi_fmt_duration((lagsim_time_t)b, buf, n);
    else if (k->type == LSI_T_SIZE) /* U64MAX is 2^64 as a double: converting it is undefined */
        lsi_fmt_size(b < 18446744073709551616.0 ? (uint64_t)b : UINT64_MAX, buf, n);
    else if (k->type == LSI_T_RATE || k->type == LSI_T_BYTE_RATE)
        lsi_fmt_rate(b, k->type == LSI_T_BYTE_RATE, buf, n);
    else
        lsi_fmt_double(b, buf, n);
}

static int check_range(const lsi_key_t *k, const char *text, const lsi_value_t *v,
                       lagsim_error_t *err)
{
    const double x = lsi_value_number(k, v);
    if (isnan(x))
        return LAGSIM_OK;
    const int excl = (k->flags & LSI_K_MIN_EXCL) != 0;
    if ((excl ? x > k->min : x >= k->min) && x <= k->max)
        return LAGSIM_OK;
    char lo[LSI_FMT_MAX], hi[LSI_FMT_MAX];
    fmt_bound(k, k->min, lo, sizeof lo);
    if (isinf(k->max)) {
        lsi_err(err, "value %s must be %s %s", text, excl ? "greater than" : "at least", lo);
    } else {
        fmt_bound(k, k->max, hi, sizeof hi);
        /* A share written as a whole percent: "adblock = 20" meant 20%. */
        const int percent = k->type == LSI_T_FRACTION && k->max == 1 && x > 1 && x <= 100 &&
                            x == floor(x) && !strchr(text, '%');
        lsi_err(err, "value %s out of range %c%s, %s]%s%s%s", text, excl ? '(' : '[', lo, hi,
                percent ? "; did you mean " : "", percent ? text : "", percent ? "%?" : "");
    }
    return LAGSIM_EINVAL;
}

int lsi_key_parse(const lsi_key_t *k, const char *text, lsi_value_t *v, lagsim_error_t *err)
{
    int rc = LAGSIM_OK, e = 0;
    const char *names[8];
    v->str = NULL;
    v->n_outages = 0;
    switch (k->type) {
    case LSI_T_PATH:
        if (strcmp(text, "none") == 0) {
            v->str = "";
            return LAGSIM_OK;
        }
        /* A path is text that can be written back, like a string. */
        /* fall through */
    case LSI_T_STRING:
        if (strlen(text) >= k->size) {
            lsi_err(err, "'%.40s...' is too long (at most %zu characters)", text, k->size - 1);
            return LAGSIM_EINVAL;
        }
        for (const char *c = text; *c; c++)
            if ((unsigned char)*c < 0x20 || *c == 0x7f ||
                (*c == ';' && (c == text || c[-1] == ' ' || c[-1] == '\t'))) {
                /* Written as "key = VALUE": a ';' first also follows a space. */
                lsi_err(err, "'%s' cannot be written back: no control characters, and no ';' "
                        "first or after a space (it starts a comment)", text);
                return LAGSIM_EINVAL;
            }
        v->str = text;
        return LAGSIM_OK;
    case LSI_T_DURATION:
        if ((k->flags & LSI_K_AUTO) && (strcmp(text, "auto") == 0 || strcmp(text, "none") == 0)) {
            v->as.t = text[0] == 'a' ? LAGSIM_WARMUP_AUTO : 0;
            return LAGSIM_OK;
        }
        if ((k->flags & LSI_K_ADMIT) &&
            (strcmp(text, "until_admit") == 0 || strcmp(text, "off") == 0)) {
            v->as.t = text[0] == 'u' ? LAGSIM_RETRY_AFTER_ADMIT : 0;
            return LAGSIM_OK;
        }
        rc = lagsim_parse_duration(text, &v->as.t, err);
        if (rc != LAGSIM_OK && (k->flags & LSI_K_AUTO))
            lsi_err(err, "bad value '%s' (expected auto, none, or a duration such as 5m)", text);
        if (rc != LAGSIM_OK && (k->flags & LSI_K_ADMIT))
            lsi_err(err, "bad value '%s' (expected off, until_admit, or a duration such as "
                    "20s)", text);
        break;
    case LSI_T_U32:
    case LSI_T_U64:
        if ((k->flags & LSI_K_ALWAYS) && strcmp(text, "always") == 0) {
            v->as.u = UINT32_MAX;
            return LAGSIM_OK;
        }
        rc = lsi_parse_uint(text, &v->as.u, err);
        break;
    case LSI_T_NUMBER: rc = lsi_parse_number(text, &v->as.d, err); break;
    case LSI_T_FRACTION: rc = lsi_parse_fraction(text, &v->as.d, err); break;
    case LSI_T_RATE: rc = lsi_parse_rate(text, 0, &v->as.d, err); break;
    case LSI_T_BYTE_RATE: rc = lsi_parse_rate(text, 1, &v->as.d, err); break;
    case LSI_T_SIZE: rc = lagsim_parse_size(text, &v->as.u, err); break;
    case LSI_T_DIST_TIME: return lsi_parse_dist(text, 't', &v->as.dist, err);
    case LSI_T_DIST_SIZE: return lsi_parse_dist(text, 'b', &v->as.dist, err);
    case LSI_T_BOOL:
        rc = lsi_parse_bool(text, &e, err);
        v->as.e = e;
        return rc;
    case LSI_T_MODE_MASK: return lagsim_parse_modes(text, &v->as.mask, err);
    case LSI_T_ROUTE:
        names[0] = lagsim_mode_name(LAGSIM_MODE_CLOUD);
        names[1] = lagsim_mode_name(LAGSIM_MODE_DEVICE);
        rc = match_name(text, names, 2, "route", &v->as.e, err);
        return rc;
    case LSI_T_PRIORITY:
        for (int i = 0; i <= LAGSIM_PRIO_HIGH; i++)
            names[i] = lagsim_priority_name((enum lagsim_priority)i);
        return match_name(text, names, LAGSIM_PRIO_HIGH + 1, "priority", &v->as.e, err);
    case LSI_T_PLATFORM:
        for (int i = 0; i < LAGSIM_PLATFORM_COUNT; i++)
            names[i] = lagsim_platform_name((enum lagsim_platform)i);
        return match_name(text, names, LAGSIM_PLATFORM_COUNT, "platform", &v->as.e, err);
    case LSI_T_LIMITER:
        return match_name(text, limiter_names, 2, "limiter", &v->as.e, err);
    case LSI_T_JITTER: return parse_jitter(text, v, err);
    case LSI_T_OUTAGE: return parse_outages(text, v, err);
    case LSI_T_PRESET: return parse_preset(k, text, v, err);
    case LSI_T_PROFILE: return parse_profile(k, text, v, err);
    case LSI_T_ORIGIN:
        if (strcmp(text, "first") == 0) {
            v->as.origin.kind = LAGSIM_ORIGIN_FIRST;
            v->as.origin.us = 0;
            return LAGSIM_OK;
        }
        if (lagsim_parse_timestamp(text, &v->as.origin.us, &e) != LAGSIM_OK) {
            lsi_err(err, "bad origin '%s' (expected first, seconds such as 3600, or ISO-8601 "
                    "UTC such as 2024-05-01T00:00:00Z)", text);
            return LAGSIM_EINVAL;
        }
        v->as.origin.kind = e ? LAGSIM_ORIGIN_ISO : LAGSIM_ORIGIN_SECONDS;
        return LAGSIM_OK;
    case LSI_T_METRIC: return parse_metric(text, v, err);
    case LSI_T_THRESHOLD: return parse_threshold(text, v, err);
    case LSI_T_TIMER:
        for (int i = 0; i < LAGSIM_TIMER_COUNT; i++)
            names[i] = lagsim_flush_timer_name((enum lagsim_flush_timer)i);
        return match_name(text, names, LAGSIM_TIMER_COUNT, "flush timer", &v->as.e, err);
    case LSI_T_PHASE:
        return match_name(text, phase_names, 2, "phase", &v->as.e, err);
    case LSI_T_PHASE_AT: return parse_phase_at(text, v, err);
    case LSI_T_RA_USE:
        if (k->flags & LSI_K_DEST) {
            names[0] = lagsim_retry_after_use_name(LAGSIM_RA_IGNORE);
            names[1] = lagsim_retry_after_use_name(LAGSIM_RA_MAX);
            rc = match_name(text, names, 2, "Retry-After use", &v->as.e, err);
            v->as.e = v->as.e == 1 ? LAGSIM_RA_MAX : LAGSIM_RA_IGNORE;
            return rc;
        }
        for (int i = 0; i < LAGSIM_RA_COUNT; i++)
            names[i] = lagsim_retry_after_use_name((enum lagsim_retry_after_use)i);
        return match_name(text, names, LAGSIM_RA_COUNT, "Retry-After use", &v->as.e, err);
    case LSI_T_INBOUND: return match_name(text, inbound_names, 2, "inbound policy", &v->as.e, err);
    case LSI_T_CODES: return parse_codes(text, v, err);
    }
    if (rc != LAGSIM_OK)
        return rc;
    return check_range(k, text, v, err);
}

void lsi_key_clear(const lsi_key_t *k, void *base)
{
    if (k->type == LSI_T_OUTAGE)
        ((lagsim_scenario_t *)base)->mixpanel.n_outages = 0;
}

int lsi_key_store(const lsi_key_t *k, void *base, const lsi_value_t *v, lagsim_error_t *err)
{
    void *field = (char *)base + k->offset;
    switch (k->type) {
    case LSI_T_STRING:
    case LSI_T_PATH: snprintf((char *)field, k->size, "%s", v->str); break;
    case LSI_T_PROFILE: memcpy(field, v->as.profile, sizeof v->as.profile); break;
    case LSI_T_ORIGIN: {
        lagsim_replay_t *r =
            (lagsim_replay_t *)((char *)field - offsetof(lagsim_replay_t, origin_kind));
        r->origin_kind = v->as.origin.kind;
        r->origin = v->as.origin.us;
        break;
    }
    case LSI_T_DURATION: *(lagsim_time_t *)field = v->as.t; break;
    case LSI_T_U32: *(uint32_t *)field = (uint32_t)v->as.u; break;
    case LSI_T_U64:
    case LSI_T_SIZE: *(uint64_t *)field = v->as.u; break;
    case LSI_T_NUMBER:
    case LSI_T_FRACTION:
    case LSI_T_RATE:
    case LSI_T_BYTE_RATE:
        *(double *)field = v->as.d;
        if (k->flags & LSI_K_BOTH)
            ((double *)field)[1] = v->as.d;
        break;
    case LSI_T_DIST_TIME:
    case LSI_T_DIST_SIZE: *(lagsim_dist_t *)field = v->as.dist; break;
    case LSI_T_BOOL:
        *(uint32_t *)field = (uint32_t)v->as.e;
        if (k->flags & LSI_K_BOTH)
            ((uint32_t *)field)[1] = (uint32_t)v->as.e;
        break;
    case LSI_T_TIMER:
        *(enum lagsim_flush_timer *)field = (enum lagsim_flush_timer)v->as.e;
        break;
    case LSI_T_PHASE: *(enum lagsim_phase *)field = (enum lagsim_phase)v->as.e; break;
    case LSI_T_PHASE_AT: {
        lagsim_client_t *c = base;
        c->phase_at = v->as.t;
        snprintf(c->phase_burst, sizeof c->phase_burst, "%s", v->str ? v->str : "");
        break;
    }
    case LSI_T_MODE_MASK: *(unsigned *)field = v->as.mask; break;
    case LSI_T_ROUTE: *(enum lagsim_mode *)field = (enum lagsim_mode)v->as.e; break;
    case LSI_T_PRIORITY: *(enum lagsim_priority *)field = (enum lagsim_priority)v->as.e; break;
    case LSI_T_LIMITER: *(enum lagsim_limiter *)field = (enum lagsim_limiter)v->as.e; break;
    case LSI_T_RA_USE:
        *(enum lagsim_retry_after_use *)field = (enum lagsim_retry_after_use)v->as.e;
        break;
    case LSI_T_INBOUND:
        *(enum lagsim_inbound_policy *)field = (enum lagsim_inbound_policy)v->as.e;
        break;
    case LSI_T_CODES: *(uint32_t *)field = v->as.mask; break;
    case LSI_T_PLATFORM: {
        lagsim_client_t *c = base;
        c->platform = (enum lagsim_platform)v->as.e;
        const lagsim_sdk_t *cloud = lagsim_sdk_preset(lagsim_platform_cloud_sdk(c->platform));
        const lagsim_sdk_t *device = lagsim_sdk_preset(lagsim_platform_device_sdk(c->platform));
        if (cloud)
            c->sdk[LAGSIM_MODE_CLOUD] = *cloud;
        if (device)
            c->sdk[LAGSIM_MODE_DEVICE] = *device;
        break;
    }
    case LSI_T_JITTER: {
        lagsim_backoff_t *b = (lagsim_backoff_t *)((char *)field - offsetof(lagsim_backoff_t, jitter));
        b->jitter = v->as.jitter.kind;
        b->jitter_a = v->as.jitter.a;
        b->jitter_b = v->as.jitter.b;
        break;
    }
    case LSI_T_OUTAGE: {
        lagsim_scenario_t *sc = base;
        if (sc->mixpanel.n_outages + v->n_outages > LAGSIM_MAX_OUTAGES) {
            lsi_err(err, "too many outages (at most %d)", LAGSIM_MAX_OUTAGES);
            return LAGSIM_EINVAL;
        }
        for (unsigned i = 0; i < v->n_outages; i++)
            sc->mixpanel.outages[sc->mixpanel.n_outages++] = v->outages[i];
        break;
    }
    case LSI_T_PRESET: *(lagsim_sdk_t *)field = *v->as.preset; break;
    case LSI_T_METRIC:
        *(enum lagsim_alert_metric *)field = (enum lagsim_alert_metric)v->as.e;
        break;
    case LSI_T_THRESHOLD: {
        lagsim_alert_t *a = base;
        a->threshold = v->as.threshold.value;
        a->threshold_is_time = (uint32_t)v->as.threshold.is_time;
        break;
    }
    }
    return LAGSIM_OK;
}

int lsi_key_write(FILE *f, const lsi_key_t *k, const void *base)
{
    const void *field = (const char *)base + k->offset;
    char buf[LSI_FMT_MAX * 2];
    if (k->flags & LSI_K_NOWRITE)
        return 0;
    switch (k->type) {
    case LSI_T_STRING: snprintf(buf, sizeof buf, "%s", (const char *)field); break;
    case LSI_T_PATH: {
        const char *path = (const char *)field;
        return fprintf(f, "%s = %s\n", k->name, path[0] ? path : "none") < 0 ? -1 : 0;
    }
    case LSI_T_PROFILE: return write_profile(f, k, (const double *)field);
    case LSI_T_ORIGIN: {
        const lagsim_replay_t *r =
            (const lagsim_replay_t *)((const char *)field - offsetof(lagsim_replay_t, origin_kind));
        if (r->origin_kind == LAGSIM_ORIGIN_FIRST)
            snprintf(buf, sizeof buf, "first");
        else
            lagsim_format_timestamp(r->origin, r->origin_kind == LAGSIM_ORIGIN_ISO, buf,
                                    sizeof buf);
        break;
    }
    case LSI_T_DURATION: {
        const lagsim_time_t t = *(const lagsim_time_t *)field;
        if ((k->flags & LSI_K_AUTO) && t <= 0)
            snprintf(buf, sizeof buf, "%s", t < 0 ? "auto" : "none");
        else if ((k->flags & LSI_K_ADMIT) && t <= 0)
            snprintf(buf, sizeof buf, "%s", t < 0 ? "until_admit" : "off");
        else
            lsi_fmt_duration(t, buf, sizeof buf);
        break;
    }
    case LSI_T_U32: {
        const uint32_t u = *(const uint32_t *)field;
        if ((k->flags & LSI_K_ALWAYS) && u == UINT32_MAX)
            snprintf(buf, sizeof buf, "always");
        else
            snprintf(buf, sizeof buf, "%lu", (unsigned long)u);
        break;
    }
    case LSI_T_U64:
        snprintf(buf, sizeof buf, "%llu", (unsigned long long)*(const uint64_t *)field);
        break;
    case LSI_T_SIZE: lsi_fmt_size(*(const uint64_t *)field, buf, sizeof buf); break;
    case LSI_T_NUMBER:
    case LSI_T_FRACTION: {
        const double d = *(const double *)field;
        if ((k->flags & LSI_K_UNSET_NEG) && d < 0)
            return 0;
        lsi_fmt_double(d, buf, sizeof buf);
        break;
    }
    case LSI_T_RATE:
    case LSI_T_BYTE_RATE: {
        const double d = *(const double *)field;
        if ((k->flags & LSI_K_UNSET_NEG) && d < 0)
            return 0;
        lsi_fmt_rate(d, k->type == LSI_T_BYTE_RATE, buf, sizeof buf);
        break;
    }
    case LSI_T_DIST_TIME:
    case LSI_T_DIST_SIZE:
        lsi_fmt_dist((const lagsim_dist_t *)field, k->type == LSI_T_DIST_TIME ? 't' : 'b', buf,
                     sizeof buf);
        break;
    case LSI_T_BOOL: snprintf(buf, sizeof buf, "%s", *(const uint32_t *)field ? "true" : "false"); break;
    case LSI_T_MODE_MASK: fmt_mode_mask(*(const unsigned *)field, buf, sizeof buf); break;
    case LSI_T_ROUTE: snprintf(buf, sizeof buf, "%s", lagsim_mode_name(*(const enum lagsim_mode *)field)); break;
    case LSI_T_PRIORITY:
        snprintf(buf, sizeof buf, "%s", lagsim_priority_name(*(const enum lagsim_priority *)field));
        break;
    case LSI_T_PLATFORM:
        snprintf(buf, sizeof buf, "%s", lagsim_platform_name(*(const enum lagsim_platform *)field));
        break;
    case LSI_T_LIMITER: {
        const unsigned l = (unsigned)*(const enum lagsim_limiter *)field;
        snprintf(buf, sizeof buf, "%s", l < 2 ? limiter_names[l] : "?");
        break;
    }
    case LSI_T_JITTER:
        fmt_jitter((const lagsim_backoff_t *)((const char *)field - offsetof(lagsim_backoff_t, jitter)),
                   buf, sizeof buf);
        break;
    case LSI_T_OUTAGE: {
        const lagsim_scenario_t *sc = base;
        if (sc->mixpanel.n_outages == 0)
            return fprintf(f, "%s = none\n", k->name) < 0 ? -1 : 0;
        for (unsigned i = 0; i < sc->mixpanel.n_outages; i++) {
            const lagsim_outage_t *o = &sc->mixpanel.outages[i];
            char s[LSI_FMT_MAX], d[LSI_FMT_MAX], c[16];
            lsi_fmt_duration(o->start, s, sizeof s);
            lsi_fmt_duration(o->duration, d, sizeof d);
            if (o->status == LAGSIM_RESP_TIMEOUT)
                snprintf(c, sizeof c, "timeout");
            else
                snprintf(c, sizeof c, "%d", o->code);
            char ra[LSI_FMT_MAX + 4] = "";
            if (o->retry_after > 0) {
                char r[LSI_FMT_MAX];
                lsi_fmt_duration(o->retry_after, r, sizeof r);
                snprintf(ra, sizeof ra, " ra=%s", r);
            }
            if (fprintf(f, "%s = %s+%s %s%s\n", k->name, s, d, c, ra) < 0)
                return -1;
        }
        return 0;
    }
    case LSI_T_PRESET: snprintf(buf, sizeof buf, "%s", ((const lagsim_sdk_t *)field)->preset); break;
    case LSI_T_METRIC:
        snprintf(buf, sizeof buf, "%s",
                 lagsim_alert_metric_name(*(const enum lagsim_alert_metric *)field));
        break;
    case LSI_T_THRESHOLD: fmt_threshold(base, buf, sizeof buf); break;
    case LSI_T_TIMER:
        snprintf(buf, sizeof buf, "%s",
                 lagsim_flush_timer_name(*(const enum lagsim_flush_timer *)field));
        break;
    case LSI_T_PHASE: {
        const unsigned ph = (unsigned)*(const enum lagsim_phase *)field;
        snprintf(buf, sizeof buf, "%s", ph < 2 ? phase_names[ph] : "?");
        break;
    }
    case LSI_T_PHASE_AT: {
        const lagsim_client_t *c = base;
        if (c->phase_burst[0])
            snprintf(buf, sizeof buf, "burst.%s", c->phase_burst);
        else
            lsi_fmt_duration(c->phase_at, buf, sizeof buf);
        break;
    }
    case LSI_T_RA_USE:
        snprintf(buf, sizeof buf, "%s",
                 lagsim_retry_after_use_name(*(const enum lagsim_retry_after_use *)field));
        break;
    case LSI_T_INBOUND: {
        const unsigned i = (unsigned)*(const enum lagsim_inbound_policy *)field;
        snprintf(buf, sizeof buf, "%s", i < 2 ? inbound_names[i] : "?");
        break;
    }
    case LSI_T_CODES: fmt_codes(*(const uint32_t *)field, buf, sizeof buf); break;
    }
    return fprintf(f, "%s = %s\n", k->name, buf) < 0 ? -1 : 0;
}
