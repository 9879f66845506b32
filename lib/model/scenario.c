/*
 * scenario.c - the scenario's defaults, its cross-field validation, and the
 * names of the model's enumerations.
 *
 * Every default is a figure from docs/pipeline-facts.md
 * (cited) or marked ASSUMPTION; docs/scenario-reference.md lists the
 * same defaults with the same basis.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/model.h"
#include "model/model_internal.h"

#define S LAGSIM_SEC
#define MS LAGSIM_MSEC

static lagsim_dist_t dist2(enum lagsim_dist_kind kind, double a, double b)
{
    return lagsim_dist_make(kind, a, b);
}

static void client_defaults(lagsim_client_t *c, const char *name, double share,
                            enum lagsim_platform platform)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->share = share;
    c->platform = platform;
    /* Client conditions, ASSUMPTION where not cited: no ad blocker, no
     * proxy (10 ms median extra one-way through one), nobody offline
     * (spells of 10 min on average when set), sessions outlast the run;
     * flush timers at a random phase per device; a server process exits
     * at the end of the horizon. */
    c->adblock[LAGSIM_ENDPOINT_SEGMENT] = c->adblock[LAGSIM_ENDPOINT_MIXPANEL] = 0;
    c->proxy[LAGSIM_ENDPOINT_SEGMENT] = c->proxy[LAGSIM_ENDPOINT_MIXPANEL] = 0;
    c->phase = LAGSIM_PHASE_RANDOM;
    c->phase_at = 0;
    c->phase_burst[0] = '\0';
    c->shutdown_at = 0;
    c->proxy_latency = dist2(LAGSIM_DIST_LOGNORMAL, 0.010, 0.5);
    c->offline_share = 0;
    c->offline_duration = dist2(LAGSIM_DIST_EXP, 600.0, 0);
    c->session_length = dist2(LAGSIM_DIST_CONST, 0, 0);
    c->sdk[LAGSIM_MODE_CLOUD] = *lagsim_sdk_preset(lagsim_platform_cloud_sdk(platform));
    c->sdk[LAGSIM_MODE_DEVICE] = *lagsim_sdk_preset(lagsim_platform_device_sdk(platform));
}

void lagsim_scenario_defaults(lagsim_scenario_t *sc)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "%s", "unnamed");
    sc->horizon = 1 * LAGSIM_HOUR;      /* ASSUMPTION */
    sc->drain_limit = 8 * LAGSIM_HOUR;  /* ASSUMPTION: > Segment's 4 h retry window */
    sc->seed = 42;
    sc->mode_mask = (1u << LAGSIM_MODE_CLOUD) | (1u << LAGSIM_MODE_DEVICE);
    sc->series_window = LAGSIM_MIN; /* ASSUMPTION: Segment publishes no trend bucket */
    sc->warmup = LAGSIM_WARMUP_AUTO; /* MSER-5 on steady-state scenarios (warmup.c) */

    sc->base_rate = 100.0;      /* ASSUMPTION */
    sc->users = 100000;         /* ASSUMPTION */
    sc->new_user_share = 0.1;   /* ASSUMPTION */
    sc->merge_share = 0.0;      /* ASSUMPTION: no identity merges unless set */
    sc->scale = 1.0;
    for (int h = 0; h < 24; h++)
        sc->daily_profile[h] = 1.0; /* flat: no daily cycle */
    sc->mmpp_high = 1.0;            /* no MMPP until both sojourn means are set */
    sc->mmpp_low = 1.0;
    sc->replay.origin_kind = LAGSIM_ORIGIN_FIRST;
    sc->replay.time_scale = 1.0;

    /* One event type of typical size: 2 GB/min at about 30,000 events/s
     * [doc rate-limits] means about 1.1 KB per event. */
    sc->n_event_types = 1;
    lagsim_event_type_t *ev = &sc->event_types[0];
    snprintf(ev->name, sizeof ev->name, "%s", "event");
    ev->share = 1.0;
    ev->priority = LAGSIM_PRIO_NORMAL;
    ev->payload_bytes = dist2(LAGSIM_DIST_LOGNORMAL, 1000.0, 0.5);
    ev->route = LAGSIM_MODE_CLOUD;
    ev->nesting_depth = 1; /* ASSUMPTION: one level of nested properties */

    sc->n_clients = 1;
    client_defaults(&sc->clients[0], "web", 1.0, LAGSIM_PLATFORM_WEB);

    /* Network round trips: ASSUMPTION (no vendor figure). */
    sc->network.client_rtt = dist2(LAGSIM_DIST_LOGNORMAL, 0.080, 0.6);
    sc->network.server_rtt = dist2(LAGSIM_DIST_LOGNORMAL, 0.020, 0.4);

    /* Segment: processing 1-5 s is the facts' suggestion for a [gap]. */
    sc->segment.processing = dist2(LAGSIM_DIST_UNIFORM, 1.0, 5.0);
    sc->segment.max_event_bytes = 32 * 1000;        /* [doc] 32 KB per event */
    sc->segment.max_request_bytes = 500 * 1000;     /* [doc] 500 KB per batch request */
    sc->segment.max_request_events = 2500;          /* [doc] 2500 events per batch */
    /* [doc] since 2024 Segment "may queue" above 1,000 events/s per
     * workspace; whether it does is account-specific, so the limit is
     * off by default (ASSUMPTION) and a what-if key. */
    sc->segment.inbound_limit = 0;
    sc->segment.priority_tiers = 0;                 /* a what-if policy, off */
    sc->segment.batch_size = 1000;                  /* [src] Mixpanel Actions batch_size */
    sc->segment.batch_bytes = 4 * 1000 * 1000;      /* [doc] Actions framework 4 MB */
    sc->segment.batch_wait = 60 * S;                /* [doc] "up to about 1 minute" */
    sc->segment.max_in_flight = 20;                 /* ASSUMPTION */
    sc->segment.request_timeout = 10 * S;           /* [src] Actions HTTP timeout */
    sc->segment.retry_window = 4 * LAGSIM_HOUR;     /* [doc] 4 h of retries */
    /* [doc] randomized exponential backoff; constants ASSUMPTION (facts'
     * suggestion: base 1 s, x2, cap 10 min, full jitter). */
    sc->segment.backoff.base = 1 * S;
    sc->segment.backoff.factor = 2;
    sc->segment.backoff.cap = 600 * S;
    sc->segment.backoff.jitter = LAGSIM_JITTER_FULL;
    sc->segment.backoff.jitter_after_cap = 1; /* U[0, min(cap, base * 2^n)) */
    /* Above its rate Segment "may queue or reject with 429" [doc]: queue is
     * the default (the 2024 limits page); a 429 carries Retry-After in
     * seconds [doc], its value unpublished: the time until the limit
     * admits the request (ASSUMPTION). */
    sc->segment.inbound_policy = LAGSIM_INBOUND_QUEUE;
    sc->segment.retry_after = LAGSIM_RETRY_AFTER_ADMIT;
    /* Actions destinations retry 408, 423 and 429 among 4xx [src] errors.ts;
     * nothing published says they read Retry-After (ASSUMPTION: ignored). */
    sc->segment.retry_codes = LAGSIM_CODE_408 | LAGSIM_CODE_423;
    sc->segment.dest_retry_after = LAGSIM_RA_IGNORE;

    /* Mixpanel ingestion [doc rate-limits, track-event, import-events]. */
    sc->mixpanel.ingest_limit = 30000.0;                   /* ~30,000 events/s */
    sc->mixpanel.ingest_limit_bytes = 2e9 / 60.0;          /* 2 GB per minute */
    sc->mixpanel.limit_window = 60 * S;                    /* rolling 1 minute */
    sc->mixpanel.limiter = LAGSIM_LIMITER_ROLLING;
    sc->mixpanel.max_batch_events = 2000;
    sc->mixpanel.max_request_bytes = 10 * 1000 * 1000;     /* 10 MB (2 MB older docs) */
    sc->mixpanel.max_event_bytes = 1000 * 1000;            /* < 1 MB per event */
    sc->mixpanel.response_time = dist2(LAGSIM_DIST_LOGNORMAL, 0.150, 0.5); /* ASSUMPTION */
    sc->mixpanel.failure_rate = 0.0;                       /* ASSUMPTION */
    sc->mixpanel.lost_response_rate = 0.0;                 /* ASSUMPTION */
    sc->mixpanel.track_max_age = 5 * LAGSIM_DAY;           /* [doc] /track: last 5 days */
    sc->mixpanel.retry_after = 0;                          /* [doc] no Retry-After documented */
    /* Processing: the Activity Feed shows events in < 1 min [doc]; the split
     * into identity resolution and indexing is ASSUMPTION. */
    sc->mixpanel.idres_known = dist2(LAGSIM_DIST_EXP, 0.5, 0);
    sc->mixpanel.idres_new = dist2(LAGSIM_DIST_UNIFORM, 2.0, 10.0);
    /* A merge reaches the Activity Feed in < 1 min [doc] (up to 24 h for the
     * rest of the system, not modelled); its cost here is ASSUMPTION. */
    sc->mixpanel.idres_merge = dist2(LAGSIM_DIST_UNIFORM, 10.0, 60.0);
    /* Ingestion before identity resolution, and its cost per KB and per
     * nesting level (the guide's step 3): ASSUMPTION. */
    sc->mixpanel.ingest_delay = dist2(LAGSIM_DIST_LOGNORMAL, 1.0, 0.5);
    sc->mixpanel.ingest_per_kb = 5 * MS;
    sc->mixpanel.ingest_per_depth = 100 * MS;
    sc->mixpanel.index_interval = 15 * S;
    sc->mixpanel.index_delay = dist2(LAGSIM_DIST_UNIFORM, 5.0, 30.0);

    /* Sampling: off; when on, keep 10% of low-priority events while the
     * rate over the last 10 s is above the threshold (ASSUMPTION). */
    sc->sampling.threshold = 0;
    sc->sampling.keep = 0.1;
    sc->sampling.max_priority = LAGSIM_PRIO_LOW;
    sc->sampling.window = 10 * S;
}

static int shares_add_up(double sum)
{
    return fabs(sum - 1.0) <= 1e-6;
}

int lagsim_scenario_validate(const lagsim_scenario_t *sc, char *msg, size_t msg_size)
{
#define FAIL(...) do { snprintf(msg, msg_size, __VA_ARGS__); return LAGSIM_EINVAL; } while (0)
    if (sc->horizon <= 0)
        FAIL("[scenario] horizon must be positive");
    if (sc->drain_limit < 0)
        FAIL("[scenario] drain_limit must not be negative");
    if (sc->warmup < LAGSIM_WARMUP_AUTO || sc->warmup >= sc->horizon)
        FAIL("[scenario] warmup must be auto, none, or a duration shorter than the horizon");
    if (sc->mode_mask == 0 || (sc->mode_mask & ~LAGSIM_MODE_MASK_ALL))
        FAIL("[scenario] mode selects no valid mode");
    if (sc->users < 1)
        FAIL("[traffic] users must be at least 1");
    if (sc->n_event_types < 1)
        FAIL("at least one [event.NAME] section is needed");
    if (sc->n_clients < 1)
        FAIL("at least one [client.NAME] section is needed");

    double sum = 0;
    for (unsigned i = 0; i < sc->n_event_types; i++)
        sum += sc->event_types[i].share;
    if (!shares_add_up(sum))
        FAIL("the shares of the [event.*] sections add up to %.6g, not 1", sum);
    sum = 0;
    for (unsigned i = 0; i < sc->n_clients; i++) {
        const lagsim_client_t *c = &sc->clients[i];
        sum += c->share;
        if (c->sdk[LAGSIM_MODE_CLOUD].endpoint != LAGSIM_ENDPOINT_SEGMENT)
            FAIL("[client.%s] cloud_sdk '%s' does not send to Segment", c->name,
                 c->sdk[LAGSIM_MODE_CLOUD].preset);
        if (c->sdk[LAGSIM_MODE_DEVICE].endpoint != LAGSIM_ENDPOINT_MIXPANEL)
            FAIL("[client.%s] device_sdk '%s' does not send to Mixpanel", c->name,
                 c->sdk[LAGSIM_MODE_DEVICE].preset);
        for (int m = 0; m < 2; m++)
            if (c->sdk[m].batch_size < 1)
                FAIL("[client.%s] %s batch_size must be at least 1", c->name,
                     lagsim_mode_name((enum lagsim_mode)m));
        if (c->phase_burst[0]) {
            unsigned b = 0;
            while (b < sc->n_bursts && strcmp(sc->bursts[b].name, c->phase_burst) != 0)
                b++;
            if (b == sc->n_bursts) {
                char names[LAGSIM_NAME_MAX * 4] = "";
                for (unsigned j = 0; j < sc->n_bursts && j < 4; j++)
                    snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
                             j ? ", " : "", sc->bursts[j].name);
                FAIL("[client.%s] phase_at = burst.%s: no [burst.%s] section (bursts: %s)",
                     c->name, c->phase_burst, c->phase_burst, sc->n_bursts ? names : "none");
            }
        }
    }
    if (!shares_add_up(sum))
        FAIL("the shares of the [client.*] sections add up to %.6g, not 1", sum);

    for (unsigned i = 0; i < sc->n_bursts; i++) {
        const lagsim_burst_t *b = &sc->bursts[i];
        if ((b->rate < 0) == (b->multiplier < 0))
            FAIL("[burst.%s] needs exactly one of 'rate' and 'multiplier'", b->name);
        if (b->start >= sc->horizon)
            FAIL("[burst.%s] starts at or after the horizon; it would never fire", b->name);
    }
    if (sc->new_user_share + sc->merge_share > 1 + 1e-9)
        FAIL("[traffic] new_user_share + merge_share is %.6g, more than 1",
             sc->new_user_share + sc->merge_share);
    for (unsigned i = 0; i < sc->n_ramps; i++) {
        const lagsim_ramp_t *r = &sc->ramps[i];
        if ((r->from < 0) == (r->from_multiplier < 0))
            FAIL("[ramp.%s] needs exactly one of 'from' and 'from_multiplier'", r->name);
        if ((r->to < 0) == (r->to_multiplier < 0))
            FAIL("[ramp.%s] needs exactly one of 'to' and 'to_multiplier'", r->name);
        if (r->start >= sc->horizon)
            FAIL("[ramp.%s] starts at or after the horizon; it would never fire", r->name);
    }
    for (int h = 0; h < 24; h++)
        if (!(sc->daily_profile[h] >= 0) || !isfinite(sc->daily_profile[h]))
            FAIL("[traffic] daily_profile: hour %d has a negative or non-finite multiplier", h);
    if (sc->day_start < 0 || sc->day_start > LAGSIM_DAY)
        FAIL("[traffic] day_start must be in [0, 24h]");
    if ((sc->mmpp_high_mean > 0) != (sc->mmpp_low_mean > 0))
        FAIL("[traffic] an MMPP needs both mmpp_high_mean and mmpp_low_mean (or neither)");
    if (sc->mmpp_high_mean < 0 || sc->mmpp_low_mean < 0 || !(sc->mmpp_high >= 0) ||
        !(sc->mmpp_low >= 0))
        FAIL("[traffic] MMPP multipliers and sojourn means must not be negative");
    /* Each switch costs a step of the arrival walk: keep them countable. */
    if (sc->mmpp_high_mean > 0 && (sc->mmpp_high_mean < LAGSIM_MSEC || sc->mmpp_low_mean < LAGSIM_MSEC))
        FAIL("[traffic] MMPP sojourn means must be at least 1ms");
    if (sc->replay.file[0] && !(sc->replay.time_scale > 0))
        FAIL("[replay] time_scale must be positive");
    if (sc->segment.batch_size < 1)
        FAIL("[segment] batch_size must be at least 1");
    if (sc->segment.max_in_flight < 1)
        FAIL("[segment] max_in_flight must be at least 1");
    if (sc->segment.batch_size > sc->mixpanel.max_batch_events)
        FAIL("[segment] batch_size %u exceeds [mixpanel] max_batch_events %u",
             sc->segment.batch_size, sc->mixpanel.max_batch_events);
    if (sc->segment.batch_bytes > sc->mixpanel.max_request_bytes)
        FAIL("[segment] batch_bytes %llu exceeds [mixpanel] max_request_bytes %llu",
             (unsigned long long)sc->segment.batch_bytes,
             (unsigned long long)sc->mixpanel.max_request_bytes);
    if (sc->mixpanel.limit_window <= 0)
        FAIL("[mixpanel] limit_window must be positive");
    if (sc->mixpanel.index_interval < 0)
        FAIL("[mixpanel] index_interval must not be negative");
    for (unsigned i = 0; i < sc->n_clients; i++)
        for (int m = 0; m < 2; m++)
            if (sc->clients[i].sdk[m].batch_size > sc->mixpanel.max_batch_events &&
                sc->clients[i].sdk[m].endpoint == LAGSIM_ENDPOINT_MIXPANEL)
                FAIL("[client.%s] device batch_size %u exceeds [mixpanel] max_batch_events %u",
                     sc->clients[i].name, sc->clients[i].sdk[m].batch_size,
                     sc->mixpanel.max_batch_events);
    const int rates = lsi_rate_validate(sc, msg, msg_size);
    if (rates != LAGSIM_OK)
        return rates;
    return lsi_delivery_validate(sc, msg, msg_size);
#undef FAIL
}

const char *lagsim_mode_name(enum lagsim_mode mode)
{
    switch (mode) {
    case LAGSIM_MODE_CLOUD: return "cloud";
    case LAGSIM_MODE_DEVICE: return "device";
    case LAGSIM_MODE_HYBRID: return "hybrid";
    case LAGSIM_MODE_COUNT: break;
    }
    return "?";
}

const char *lagsim_drop_reason_name(enum lagsim_drop_reason reason)
{
    switch (reason) {
    case LAGSIM_DROP_INVALID: return "invalid";
    case LAGSIM_DROP_RETRY_WINDOW: return "retry_window";
    case LAGSIM_DROP_RETRY_LIMIT: return "retry_limit";
    case LAGSIM_DROP_QUEUE_OVERFLOW: return "queue_overflow";
    case LAGSIM_DROP_ADBLOCK: return "adblock";
    case LAGSIM_DROP_TOO_OLD: return "too_old";
    case LAGSIM_DROP_SESSION_END: return "session_end";
    case LAGSIM_DROP_SAMPLED: return "sampled";
    case LAGSIM_DROP_COUNT: break;
    }
    return "?";
}

const char *lagsim_hop_name(enum lagsim_hop hop)
{
    switch (hop) {
    case LAGSIM_HOP_CLIENT_BATCHING: return "client_batching";
    case LAGSIM_HOP_CLIENT_RETRY: return "client_retry";
    case LAGSIM_HOP_NETWORK: return "network";
    case LAGSIM_HOP_SEGMENT_INGEST: return "segment_ingest";
    case LAGSIM_HOP_SEGMENT_QUEUE: return "segment_queue";
    case LAGSIM_HOP_SEGMENT_BACKOFF: return "segment_backoff";
    case LAGSIM_HOP_MIXPANEL_INGEST: return "mixpanel_ingest";
    case LAGSIM_HOP_IDENTITY: return "identity";
    case LAGSIM_HOP_INDEXING: return "indexing";
    case LAGSIM_HOP_COUNT: break;
    }
    return "?";
}

const char *lagsim_response_name(enum lagsim_response response)
{
    switch (response) {
    case LAGSIM_RESP_2XX: return "2xx";
    case LAGSIM_RESP_400: return "400";
    case LAGSIM_RESP_429: return "429";
    case LAGSIM_RESP_5XX: return "5xx";
    case LAGSIM_RESP_TIMEOUT: return "timeout";
    case LAGSIM_RESP_COUNT: break;
    }
    return "?";
}

const char *lagsim_priority_name(enum lagsim_priority p)
{
    switch (p) {
    case LAGSIM_PRIO_LOW: return "low";
    case LAGSIM_PRIO_NORMAL: return "normal";
    case LAGSIM_PRIO_HIGH: return "high";
    }
    return "?";
}

const char *lagsim_platform_name(enum lagsim_platform p)
{
    switch (p) {
    case LAGSIM_PLATFORM_WEB: return "web";
    case LAGSIM_PLATFORM_IOS: return "ios";
    case LAGSIM_PLATFORM_ANDROID: return "android";
    case LAGSIM_PLATFORM_SERVER: return "server";
    case LAGSIM_PLATFORM_COUNT: break;
    }
    return "?";
}

const char *lagsim_flush_timer_name(enum lagsim_flush_timer t)
{
    switch (t) {
    case LAGSIM_TIMER_PERIODIC: return "periodic";
    case LAGSIM_TIMER_PER_BATCH: return "per_batch";
    case LAGSIM_TIMER_CHAIN: return "chain";
    case LAGSIM_TIMER_COUNT: break;
    }
    return "?";
}

const char *lagsim_retry_after_use_name(enum lagsim_retry_after_use u)
{
    switch (u) {
    case LAGSIM_RA_IGNORE: return "ignore";
    case LAGSIM_RA_BATCH: return "batch";
    case LAGSIM_RA_PUBLISHER: return "publisher";
    case LAGSIM_RA_MAX: return "max";
    case LAGSIM_RA_COUNT: break;
    }
    return "?";
}

unsigned lagsim_code_bit(unsigned code)
{
    switch (code) {
    case 408: return LAGSIM_CODE_408;
    case 410: return LAGSIM_CODE_410;
    case 413: return LAGSIM_CODE_413;
    case 423: return LAGSIM_CODE_423;
    case 460: return LAGSIM_CODE_460;
    default: return 0;
    }
}

const char *lagsim_jitter_name(enum lagsim_jitter j)
{
    switch (j) {
    case LAGSIM_JITTER_NONE: return "none";
    case LAGSIM_JITTER_FULL: return "full";
    case LAGSIM_JITTER_MULT: return "mult";
    case LAGSIM_JITTER_ADD: return "add";
    case LAGSIM_JITTER_PCT: return "pct";
    }
    return "?";
}
