/*
 * sdk_presets.c - the client SDK presets: what each real SDK does, as
 * lagsim_sdk_t values, with the source of every figure.
 *
 * Sources are cited as in docs/pipeline-facts.md ([src] =
 * read from the vendor's code, [doc] = vendor documentation). Figures the
 * vendors do not publish are marked ASSUMPTION; docs/scenario-reference.md,
 * generated from lib/config/key_docs.c, repeats these marks. A preset
 * that does not name its flush_timer ticks periodically (the mobile SDKs:
 * fixed-rate timers, ASSUMPTION; their intervals are [src]).
 */
#include <string.h>

#include "lagsim/model.h"

#define S LAGSIM_SEC
#define MS LAGSIM_MSEC

static const lagsim_sdk_t presets[] = {
    /* mixpanel-js (browser), src/mixpanel-core.js + request-batcher.js [src]:
     * batch 50, flush every 5 s, 90 s timeout, one request in flight, no
     * queue cap (localStorage). On 5xx/429/timeout the interval doubles from
     * the 5 s base (10, 20, 40 s ...) up to 10 min, no jitter, no retry
     * limit. Other 4xx drop the batch. */
    {.preset = "mixpanel-js", .endpoint = LAGSIM_ENDPOINT_MIXPANEL,
     .batch_size = 50, .flush_at = 0, .flush_interval = 5 * S,
     /* A setTimeout chain: the next flush is scheduled once the previous
      * one finishes (request-batcher.js scheduleFlush) [src]. */
     .flush_timer = LAGSIM_TIMER_CHAIN,
     .request_timeout = 90 * S, .max_in_flight = 1, .queue_cap = 0, .retry_4xx = 0,
     /* localStorage queue survives the page; on pagehide it flushes with
      * sendBeacon, whose answer it cannot read, so the items stay stored
      * and are sent again on the next load (server dedup) [src]. */
     .persist = 1, .flush_on_exit = 1, .exit_keeps_copy = 1,
     .backoff = {.base = 10 * S, .factor = 2, .cap = 600 * S, .jitter = LAGSIM_JITTER_NONE},
     /* request-batcher.js [src]: the doubled interval survives a success
      * and returns to 5 s when a flush finds the queue empty; a timeout
      * re-flushes at once without doubling; 413 halves the batch size (a
      * single event still refused is dropped). Retry-After is read from a
      * property real XHR objects lack: ignored in a browser [src]. */
     .keep_interval = 1, .timeout_resend = 1, .halve_on_413 = 1,
     .retry_after = LAGSIM_RA_IGNORE},

    /* mixpanel-android, MPConfig.java + AnalyticsMessages.java [src]: flush
     * every 60 s, early flush at 40 queued, 50 per request, 30 s read
     * timeout. A failed flush waits max(2^n * 60 s, Retry-After), capped at
     * 10 min, no jitter (60, 120, 240, 480, 600 s); 4xx keep the batch
     * (our reading of the code). */
    {.preset = "mixpanel-android", .endpoint = LAGSIM_ENDPOINT_MIXPANEL,
     .batch_size = 50, .flush_at = 40, .flush_interval = 60 * S,
     .request_timeout = 30 * S, .max_in_flight = 1, .queue_cap = 0, .retry_4xx = 1,
     /* SQLite store, flush on backgrounding, rows older than 5 days purged
      * (DataExpiration) [src]. */
     .persist = 1, .flush_on_exit = 1, .max_age = 5 * LAGSIM_DAY,
     .backoff = {.base = 60 * S, .factor = 2, .cap = 600 * S, .jitter = LAGSIM_JITTER_NONE},
     /* max(2^n * 60 s, Retry-After), capped at 10 min; only a 5xx's
      * header is read (ServiceUnavailableException), a 429 is a plain
      * client error. Each flush first makes up to 3 sends, 100 ms then
      * 200 ms apart, before it counts as failed [src] (HttpService.java). */
     .retry_after = LAGSIM_RA_MAX, .retry_after_max = 600 * S, .retry_after_5xx_only = 1,
     .flush_tries = 3, .flush_try_delay = 100 * MS},

    /* mixpanel-swift, Constants.swift + FlushRequest.swift [src]: flush
     * every 60 s, 50 per request, queue of 5000 events, 120 s per request.
     * The first failure waits for the next flush; from the 2nd on, pause
     * clamp(2^(n-1) * 60 s + U[0, 30) s, 60 s, 600 s). */
    {.preset = "mixpanel-swift", .endpoint = LAGSIM_ENDPOINT_MIXPANEL,
     .batch_size = 50, .flush_at = 0, .flush_interval = 60 * S,
     .request_timeout = 120 * S, .max_in_flight = 1, .queue_cap = 5000, .retry_4xx = 0,
     /* Flush on backgrounding [doc]; the queue is archived to disk
      * (ASSUMPTION: kept for the next launch). */
     .persist = 1, .flush_on_exit = 1,
     .backoff = {.base = 120 * S, .factor = 2, .cap = 600 * S, .floor = 60 * S,
                 .jitter = LAGSIM_JITTER_ADD, .jitter_a = 0, .jitter_b = 30,
                 .at_next_flush = 1},
     /* The pause is the backoff or Retry-After, whichever is longer [src]. */
     .retry_after = LAGSIM_RA_MAX},

    /* A server sending straight to Mixpanel with Mixpanel's recommended
     * policy [doc] (reference/import-events): 2000-event batches, 10-20
     * concurrent senders, backoff from 2 s doubling to 60 s plus U[1, 5] s,
     * never retry 400; 8 attempts as in the 429 page's sample code.
     * Flush interval (10 s) and timeout (10 s), a periodic timer and no
     * flush at shutdown: ASSUMPTION. */
    {.preset = "mixpanel-server", .endpoint = LAGSIM_ENDPOINT_MIXPANEL,
     .batch_size = 2000, .flush_at = 2000, .flush_interval = 10 * S,
     .request_timeout = 10 * S, .max_in_flight = 10, .queue_cap = 0, .retry_4xx = 0,
     .backoff = {.base = 2 * S, .factor = 2, .cap = 60 * S, .jitter = LAGSIM_JITTER_ADD,
                 .jitter_a = 1, .jitter_b = 5, .jitter_after_cap = 1, .max_retries = 7},
     /* Mixpanel documents no Retry-After, so its recommended client has
      * none to read (ASSUMPTION: ignored). */
     .retry_after = LAGSIM_RA_IGNORE},

    /* analytics.js (analytics-next) standard delivery [src]: one request per
     * event, no batching; first retry immediate, then U[1,2) * 500 ms * 2^k
     * (1-2 s, 2-4 s, ...); 10 attempts per event. Timeout: ASSUMPTION 10 s. */
    {.preset = "analytics.js", .endpoint = LAGSIM_ENDPOINT_SEGMENT,
     .batch_size = 1, .flush_at = 1, .flush_interval = 0,
     .request_timeout = 10 * S, .max_in_flight = 0, .queue_cap = 0, .retry_4xx = 0,
     /* Retries wait in a localStorage-backed queue [src]. */
     .persist = 1,
     .backoff = {.base = 1 * S, .factor = 2, .cap = 0, .jitter = LAGSIM_JITTER_MULT,
                 .jitter_a = 1, .jitter_b = 2, .immediate = 1, .max_retries = 9},
     /* Standard delivery: 429 is an ordinary retry (ASSUMPTION: only the
      * batching dispatcher reads Retry-After [src]); Segment's libraries'
      * 4xx rule (408, 410, 460 retried) [src]. */
     .retry_codes = LAGSIM_CODE_408 | LAGSIM_CODE_410 | LAGSIM_CODE_460,
     .retry_after = LAGSIM_RA_IGNORE},

    /* analytics.js batching strategy [src] (batched-dispatcher.ts): 10
     * events or 5 s; retry 0.5 s * 2^(a-1), cap 60 s, +-10% jitter, 10
     * retries, 12 h at most. Timeout: ASSUMPTION 10 s. */
    {.preset = "analytics.js-batching", .endpoint = LAGSIM_ENDPOINT_SEGMENT,
     .batch_size = 10, .flush_at = 10, .flush_interval = 5 * S,
     /* The 5 s timeout is set by the first event into an empty buffer
      * (batched-dispatcher.ts scheduleFlush) [src]. */
     .flush_timer = LAGSIM_TIMER_PER_BATCH,
     .request_timeout = 10 * S, .max_in_flight = 0, .queue_cap = 0, .retry_4xx = 0,
     /* Persisted queue; flushes with keepalive as the page unloads [src].
      * 501, 505 and 511 are not retried [src]. */
     .persist = 1, .flush_on_exit = 1, .no_retry_5xx = 1,
     .backoff = {.base = 500 * MS, .factor = 2, .cap = 60 * S, .jitter = LAGSIM_JITTER_PCT,
                 .jitter_a = 0.1, .max_retries = 10, .max_duration = 12 * LAGSIM_HOUR},
     /* 4xx dropped but 408, 410, 429, 460 [src]; a 429's Retry-After is
      * honoured up to 300 s for at most 10 rate-limit retries, which do
      * not count toward the 10 retries [src] shared-dispatcher.ts. */
     .retry_codes = LAGSIM_CODE_408 | LAGSIM_CODE_410 | LAGSIM_CODE_460,
     .retry_after = LAGSIM_RA_BATCH, .retry_after_max = 300 * S, .retry_after_limit = 10,
     .retry_after_uncounted = 1},

    /* @segment/analytics-node [src]: flushAt 15, flushInterval 10 s, 10 s
     * request timeout, any number of batches in flight; backoff
     * min(U[1,2) * 500 ms * 2^n, 60 s), 10 retries, 12 h at most. */
    {.preset = "analytics-node", .endpoint = LAGSIM_ENDPOINT_SEGMENT,
     .batch_size = 15, .flush_at = 15, .flush_interval = 10 * S,
     /* The timer belongs to a batch: it starts when the first event enters
      * an empty batch and fires flushInterval later (publisher.ts); at
      * shutdown closeAndFlush() sends what is queued (analytics-node.ts) [src]. */
     .flush_timer = LAGSIM_TIMER_PER_BATCH, .flush_at_shutdown = 1,
     .request_timeout = 10 * S, .max_in_flight = 0, .queue_cap = 0, .retry_4xx = 0,
     .no_retry_5xx = 1, /* 501, 505 and 511 are dropped [src] */
     .backoff = {.base = 1 * S, .factor = 2, .cap = 60 * S, .jitter = LAGSIM_JITTER_MULT,
                 .jitter_a = 1, .jitter_b = 2, .max_retries = 10,
                 .max_duration = 12 * LAGSIM_HOUR},
     /* publisher.ts [src]: 408, 410, 429, 460 retried; a 429 with
      * Retry-After pauses the whole publisher for it (1 s to 300 s), waits
      * that do not count toward maxRetries, under a safety cap of
      * maxRetries + 20 attempts. */
     .retry_codes = LAGSIM_CODE_408 | LAGSIM_CODE_410 | LAGSIM_CODE_460,
     .retry_after = LAGSIM_RA_PUBLISHER, .retry_after_min = 1 * S, .retry_after_max = 300 * S,
     .retry_after_uncounted = 1, .max_attempts = 30},

    /* analytics-kotlin, legacy retry mode (the default) [src]: flushAt 20,
     * every 30 s; 429 and 5xx keep the batch file for the next scheduled
     * flush, no backoff and no limit. One upload at a time and the 15 s
     * timeout: ASSUMPTION. */
    {.preset = "analytics-kotlin", .endpoint = LAGSIM_ENDPOINT_SEGMENT,
     .batch_size = 20, .flush_at = 20, .flush_interval = 30 * S,
     .request_timeout = 15 * S, .max_in_flight = 1, .queue_cap = 0, .retry_4xx = 0,
     /* Batch files on disk [src]; no flush on backgrounding (ASSUMPTION). */
     .persist = 1,
     .backoff = {.base = 30 * S, .factor = 1, .cap = 0, .jitter = LAGSIM_JITTER_NONE,
                 .at_next_flush = UINT32_MAX}},

    /* analytics-swift [src]: as analytics-kotlin (flushAt 20, 30 s, retry at
     * the next flush), with maxQueueSize 1000 from an older Configuration.swift
     * (unverified for the current version). */
    {.preset = "analytics-swift", .endpoint = LAGSIM_ENDPOINT_SEGMENT,
     .batch_size = 20, .flush_at = 20, .flush_interval = 30 * S,
     .request_timeout = 15 * S, .max_in_flight = 1, .queue_cap = 1000, .retry_4xx = 0,
     .persist = 1, /* files on disk [src]; no flush on backgrounding (ASSUMPTION) */
     .backoff = {.base = 30 * S, .factor = 1, .cap = 0, .jitter = LAGSIM_JITTER_NONE,
                 .at_next_flush = UINT32_MAX}},
};

#define N_PRESETS (sizeof presets / sizeof presets[0])

const lagsim_sdk_t *lagsim_sdk_preset(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_PRESETS; i++)
        if (strcmp(presets[i].preset, name) == 0)
            return &presets[i];
    return NULL;
}

const char *lagsim_sdk_preset_name(unsigned i)
{
    return i < N_PRESETS ? presets[i].preset : NULL;
}

const char *lagsim_platform_cloud_sdk(enum lagsim_platform p)
{
    switch (p) {
    case LAGSIM_PLATFORM_WEB: return "analytics.js";
    case LAGSIM_PLATFORM_IOS: return "analytics-swift";
    case LAGSIM_PLATFORM_ANDROID: return "analytics-kotlin";
    case LAGSIM_PLATFORM_SERVER: return "analytics-node";
    case LAGSIM_PLATFORM_COUNT: break;
    }
    return NULL;
}

const char *lagsim_platform_device_sdk(enum lagsim_platform p)
{
    switch (p) {
    case LAGSIM_PLATFORM_WEB: return "mixpanel-js";
    case LAGSIM_PLATFORM_IOS: return "mixpanel-swift";
    case LAGSIM_PLATFORM_ANDROID: return "mixpanel-android";
    case LAGSIM_PLATFORM_SERVER: return "mixpanel-server";
    case LAGSIM_PLATFORM_COUNT: break;
    }
    return NULL;
}
