/*
 * lagsim/scenario.h - what a scenario is: the pipeline's modes, hops, drop
 * reasons and responses, the SDK presets, and lagsim_scenario_t with its
 * defaults and its cross-field validation.
 *
 * A lagsim_scenario_t is a plain value (fixed-size arrays, no owned
 * pointers), so it can be copied and modified freely, for example by a
 * sweep. Every field has a default set by lagsim_scenario_defaults(); the
 * config layer fills it from an INI file and validates it, but a program
 * can also fill it directly. Durations are lagsim_time_t microseconds,
 * rates are per second, sizes are bytes, distributions are in seconds or
 * bytes.
 */
#ifndef LAGSIM_SCENARIO_H
#define LAGSIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "lagsim/des.h"
#include "lagsim/stats.h"

#ifdef __cplusplus
extern "C" {
#endif


#define LAGSIM_NAME_MAX 64
#define LAGSIM_MAX_BURSTS 64
#define LAGSIM_MAX_EVENT_TYPES 64
#define LAGSIM_MAX_CLIENTS 16
#define LAGSIM_MAX_OUTAGES 32
#define LAGSIM_MAX_RAMPS 64
#define LAGSIM_PATH_MAX 1024      /* longest replay file path, NUL included */
#define LAGSIM_REPLAY_BINS 1024   /* replay rows counted per 1/1024 of the horizon */
/* The highest arrival rate lagsim simulates, events per second, for any
 * rate derived from several keys (base rate x daily profile x burst or
 * ramp multipliers x MMPP multiplier x scale) and for a replay's rows per
 * 1/LAGSIM_REPLAY_BINS of the horizon: a scenario above it is refused. */
#define LAGSIM_RATE_MAX 1e9

/* Delivery path of a run. */
enum lagsim_mode {
    LAGSIM_MODE_CLOUD,  /* client -> Segment -> Mixpanel /import */
    LAGSIM_MODE_DEVICE, /* client -> Mixpanel /track */
    LAGSIM_MODE_HYBRID, /* each event type by its route */
    LAGSIM_MODE_COUNT
};
#define LAGSIM_MODE_MASK_ALL ((1u << LAGSIM_MODE_COUNT) - 1)

const char *lagsim_mode_name(enum lagsim_mode mode);

/* Why an event left the pipeline without becoming visible. */
enum lagsim_drop_reason {
    LAGSIM_DROP_INVALID,        /* rejected with 400 (too large, malformed) */
    LAGSIM_DROP_RETRY_WINDOW,   /* Segment's retry window expired */
    LAGSIM_DROP_RETRY_LIMIT,    /* a sender used up its retries (max_retries) */
    LAGSIM_DROP_QUEUE_OVERFLOW, /* a client SDK's queue was full */
    LAGSIM_DROP_ADBLOCK,        /* an ad blocker stopped the request */
    LAGSIM_DROP_TOO_OLD,        /* older than /track accepts, or expired on the device */
    LAGSIM_DROP_SESSION_END,    /* queued in an SDK that keeps nothing across sessions */
    LAGSIM_DROP_SAMPLED,        /* sampled out by policy (not a loss) */
    LAGSIM_DROP_COUNT
};

const char *lagsim_drop_reason_name(enum lagsim_drop_reason reason);

/*
 * The parts of a visible event's latency, in pipeline order. They add up
 * to its latency exactly: each is the time between two of the event's
 * milestones.
 */
enum lagsim_hop {
    LAGSIM_HOP_CLIENT_BATCHING, /* fired -> first left the device */
    LAGSIM_HOP_CLIENT_RETRY,    /* first send -> the send that got through */
    LAGSIM_HOP_NETWORK,         /* one-way trips (and a proxy) of the sends that got through */
    LAGSIM_HOP_SEGMENT_INGEST,  /* received by Segment -> destination queue */
    LAGSIM_HOP_SEGMENT_QUEUE,   /* destination queue -> first send to Mixpanel */
    LAGSIM_HOP_SEGMENT_BACKOFF, /* first send -> the send Mixpanel accepted */
    LAGSIM_HOP_MIXPANEL_INGEST, /* accepted -> ingested (payload-dependent) */
    LAGSIM_HOP_IDENTITY,        /* identity resolution */
    LAGSIM_HOP_INDEXING,        /* waiting for, and running, indexing */
    LAGSIM_HOP_COUNT
};

const char *lagsim_hop_name(enum lagsim_hop hop);

/* How Mixpanel (or a timeout) answered a request. */
enum lagsim_response {
    LAGSIM_RESP_2XX,
    LAGSIM_RESP_400,
    LAGSIM_RESP_429,
    LAGSIM_RESP_5XX,
    LAGSIM_RESP_TIMEOUT,
    LAGSIM_RESP_COUNT
};

const char *lagsim_response_name(enum lagsim_response response);

/* ---- Scenario ----------------------------------------------------------- */

enum lagsim_priority { LAGSIM_PRIO_LOW, LAGSIM_PRIO_NORMAL, LAGSIM_PRIO_HIGH };
enum lagsim_platform {
    LAGSIM_PLATFORM_WEB,
    LAGSIM_PLATFORM_IOS,
    LAGSIM_PLATFORM_ANDROID,
    LAGSIM_PLATFORM_SERVER,
    LAGSIM_PLATFORM_COUNT
};
enum lagsim_jitter {
    LAGSIM_JITTER_NONE, /* d */
    LAGSIM_JITTER_FULL, /* U[0, d) */
    LAGSIM_JITTER_MULT, /* d * U[a, b) */
    LAGSIM_JITTER_ADD,  /* d + U[a, b) seconds */
    LAGSIM_JITTER_PCT   /* d * U[1 - a, 1 + a) */
};

const char *lagsim_priority_name(enum lagsim_priority p);
const char *lagsim_platform_name(enum lagsim_platform p);
const char *lagsim_jitter_name(enum lagsim_jitter j);

/*
 * A retry policy. Retry n (n = 1, 2, ...) waits:
 *   0                                  for n <= immediate,
 *   until the sender's next flush tick for n <= immediate + at_next_flush,
 *   clamp(jitter(base * factor^e), floor, cap) otherwise, with
 *   e = n - immediate - at_next_flush - 1; when jitter_after_cap is set
 *   the order is jitter(clamp(base * factor^e, floor, cap)) instead.
 * A cap of 0 means no cap.
 * The sender gives up after max_retries retries (0: never) or once
 * max_duration has passed since the first attempt (0: never).
 */
typedef struct lagsim_backoff {
    lagsim_time_t base;
    double factor;
    lagsim_time_t cap;
    lagsim_time_t floor;
    enum lagsim_jitter jitter;
    double jitter_a;
    double jitter_b;
    uint32_t jitter_after_cap;
    uint32_t immediate;
    uint32_t at_next_flush;
    uint32_t max_retries;
    lagsim_time_t max_duration;
} lagsim_backoff_t;

/* Where a client SDK sends its requests. */
enum lagsim_endpoint { LAGSIM_ENDPOINT_SEGMENT, LAGSIM_ENDPOINT_MIXPANEL };
#define LAGSIM_ENDPOINT_COUNT 2

/*
 * How an SDK's flush timer runs (docs/flush-timers-and-adblock.md):
 *  - PERIODIC: a fixed tick, every flush_interval from the device's phase
 *    (the mobile SDKs);
 *  - PER_BATCH: started when the first event enters an empty batch, it
 *    fires flush_interval later (analytics-node, analytics.js batching);
 *  - CHAIN: a setTimeout chain restarted after each flush finishes, so its
 *    phase drifts with the requests' durations (mixpanel-js).
 */
enum lagsim_flush_timer {
    LAGSIM_TIMER_PERIODIC,
    LAGSIM_TIMER_PER_BATCH,
    LAGSIM_TIMER_CHAIN,
    LAGSIM_TIMER_COUNT
};

/* "periodic", "per_batch", "chain". */
const char *lagsim_flush_timer_name(enum lagsim_flush_timer t);

/* When a client's devices start their flush timers. */
enum lagsim_phase {
    LAGSIM_PHASE_RANDOM,  /* each device at its own (hashed) moment */
    LAGSIM_PHASE_ALIGNED  /* all together, at phase_at */
};

/*
 * How a sender honours a Retry-After header on a 429 (or 503) answer
 * (docs/retry-dynamics.md):
 *  - ignore:    as if absent (mixpanel-js in a browser);
 *  - batch:     the failed batch waits the header's time instead of its
 *               backoff (analytics.js batching);
 *  - publisher: the whole sender pauses that long, and every waiting batch
 *               wakes when the pause ends (analytics-node);
 *  - max:       the wait is the longer of the backoff and the header
 *               (mixpanel-android, mixpanel-swift).
 */
enum lagsim_retry_after_use {
    LAGSIM_RA_IGNORE,
    LAGSIM_RA_BATCH,
    LAGSIM_RA_PUBLISHER,
    LAGSIM_RA_MAX,
    LAGSIM_RA_COUNT
};

const char *lagsim_retry_after_use_name(enum lagsim_retry_after_use u);

/* The 4xx codes a sender may retry besides 429 (lagsim_sdk_t.retry_codes,
 * segment.retry_codes): one bit each. */
#define LAGSIM_CODE_408 0x01u
#define LAGSIM_CODE_410 0x02u
#define LAGSIM_CODE_413 0x04u
#define LAGSIM_CODE_423 0x08u
#define LAGSIM_CODE_460 0x10u
/* The bit of an HTTP code in a retry_codes set (0 if it has none). */
unsigned lagsim_code_bit(unsigned code);

/* A server's Retry-After policy (mixpanel.retry_after, segment.retry_after):
 * 0 sends none, a positive time sends that, this sends the time until the
 * limiter would admit the request (rounded up to whole seconds). */
#define LAGSIM_RETRY_AFTER_ADMIT ((lagsim_time_t)-1)

/* What Segment's tracking API does with requests over its inbound limit. */
enum lagsim_inbound_policy { LAGSIM_INBOUND_QUEUE, LAGSIM_INBOUND_REJECT };

/* One client SDK's behaviour; presets come from lagsim_sdk_preset(). */
typedef struct lagsim_sdk {
    char preset[LAGSIM_NAME_MAX];  /* name of the preset it started from */
    enum lagsim_endpoint endpoint; /* Segment (cloud) or Mixpanel (device) */
    uint32_t batch_size;           /* most events in one request */
    uint32_t flush_at;             /* queued events that flush at once (0: only the timer) */
    lagsim_time_t flush_interval;  /* flush timer's period (0: send each event at once) */
    enum lagsim_flush_timer flush_timer; /* how that timer runs */
    lagsim_time_t request_timeout; /* a request unanswered this long is a timeout */
    uint32_t max_in_flight;        /* requests one client may have open (0: unlimited) */
    uint32_t queue_cap;            /* most events queued on the device (0: unlimited) */
    uint32_t retry_4xx;            /* 1 if a 400 keeps the batch for retry */
    uint32_t no_retry_5xx;         /* 1 if 501, 505 and 511 drop the batch (Segment's rule) */
    uint32_t persist;              /* 1 if the queue survives the end of a session */
    uint32_t flush_on_exit;        /* 1 if it sends its queue as the session ends */
    uint32_t exit_keeps_copy;      /* 1 if what it sent at exit stays queued (re-sent) */
    lagsim_time_t max_age;         /* queued events older than this are purged (0: never) */
    uint32_t flush_at_shutdown;    /* 1 if the process sends its queue as it exits
                                      (analytics-node's closeAndFlush()) */
    lagsim_backoff_t backoff;
    /* Status codes and retry state (docs/retry-dynamics.md) */
    uint32_t retry_codes;          /* 4xx codes retried besides 429 (LAGSIM_CODE_* bits) */
    uint32_t halve_on_413;         /* 1: a 413 halves the batch size (one event: dropped) */
    uint32_t keep_interval;        /* 1 (serial senders): the backoff step survives a
                                      success; it resets when a flush finds the queue empty */
    uint32_t timeout_resend;       /* 1: a timeout re-sends at once, no backoff step */
    enum lagsim_retry_after_use retry_after; /* how it honours Retry-After */
    lagsim_time_t retry_after_min; /* the header's time is raised to at least this */
    lagsim_time_t retry_after_max; /* and cut to at most this (0: no cap) */
    uint32_t retry_after_limit;    /* most Retry-After waits per batch (0: no limit) */
    uint32_t retry_after_uncounted;/* 1: those waits do not count toward max_retries */
    uint32_t max_attempts;         /* most sends of one batch in all (0: no cap) */
    uint32_t flush_tries;          /* serial senders: sends one flush makes before it
                                      counts as failed (0 or 1: one; mixpanel-android 3) */
    lagsim_time_t flush_try_delay; /* the wait before the 2nd of them, doubling after */
    uint32_t retry_after_5xx_only; /* 1: Retry-After is read on 5xx answers only */
} lagsim_sdk_t;

/*
 * The preset named `name` ("mixpanel-js", "analytics.js", ...), or NULL.
 * lagsim_sdk_preset_name(i) lists them (NULL past the end).
 */
const lagsim_sdk_t *lagsim_sdk_preset(const char *name);
const char *lagsim_sdk_preset_name(unsigned i);

/* Default cloud-mode and device-mode presets of a platform. */
const char *lagsim_platform_cloud_sdk(enum lagsim_platform p);
const char *lagsim_platform_device_sdk(enum lagsim_platform p);

typedef struct lagsim_burst {
    char name[LAGSIM_NAME_MAX];
    lagsim_time_t start;
    lagsim_time_t duration;
    double rate;       /* total rate during the burst, events/s (or < 0: unset) */
    double multiplier; /* or base_rate times this (< 0: unset) */
} lagsim_burst_t;

/*
 * A linear ramp over [start, start + duration): the total rate goes from
 * `from` to `to` (events/s), or from base * from_multiplier to base *
 * to_multiplier, like a burst's rate or multiplier (exactly one of each
 * pair is set; the other is < 0). "base" is base_rate times the daily
 * profile. Overlapping bursts and ramps add their extra rates.
 */
typedef struct lagsim_ramp {
    char name[LAGSIM_NAME_MAX];
    lagsim_time_t start;
    lagsim_time_t duration;
    double from, to;                       /* total rates, events/s (< 0: unset) */
    double from_multiplier, to_multiplier; /* or base times these (< 0: unset) */
} lagsim_ramp_t;

/* Where the replay's time origin is (see lagsim_replay_t). */
enum lagsim_origin {
    LAGSIM_ORIGIN_FIRST,   /* the first row's time */
    LAGSIM_ORIGIN_SECONDS, /* `origin` us on the file's clock, written in seconds */
    LAGSIM_ORIGIN_ISO      /* the same, written as an ISO-8601 UTC timestamp */
};

/* One replayed arrival, as the workload fires it. */
typedef struct lagsim_replay_row {
    lagsim_time_t at;  /* simulated time, in [0, horizon) */
    int type;          /* index into event_types, or -1: draw it */
    int has_user;      /* 0: draw the user */
    uint64_t user;     /* hashed user index, < users */
} lagsim_replay_row_t;

struct lagsim_scenario;

/*
 * Where replayed arrivals come from during a run, one row at a time in
 * non-decreasing time. The model knows only this interface; the config
 * layer's CSV reader is one (lagsim_replay_scan() attaches it), and a
 * program may attach its own. open() returns a stream (NULL with the
 * error code in *rc), next() returns 1 with a row, 0 at the end.
 */
typedef struct lagsim_replay_source {
    void *(*open)(const struct lagsim_scenario *sc, int *rc);
    int (*next)(void *stream, lagsim_replay_row_t *row);
    void (*close)(void *stream);
} lagsim_replay_source_t;

/*
 * [replay]: arrivals read from a CSV file, added to the Poisson arrivals.
 * A row at file time T fires at (T - origin) * time_scale + time_shift;
 * rows outside [0, horizon) are skipped. The file is streamed during the
 * run; lagsim_replay_scan() checks it beforehand and fills the figures
 * below it (the config layer calls it whenever it loads or changes a
 * scenario).
 */
typedef struct lagsim_replay {
    char file[LAGSIM_PATH_MAX]; /* "" for no replay */
    enum lagsim_origin origin_kind;
    int64_t origin;             /* us on the file's clock (not ORIGIN_FIRST) */
    lagsim_time_t time_shift;
    double time_scale;          /* > 0; 0.5 replays twice as fast */

    /* Filled by lagsim_replay_scan(), read-only for callers: */
    uint64_t rows;              /* data rows in the file */
    uint64_t fired;             /* rows whose time falls in [0, horizon) */
    lagsim_time_t first_at;     /* simulated time of the first and last row */
    lagsim_time_t last_at;
    uint64_t bins[LAGSIM_REPLAY_BINS]; /* fired rows per 1/LAGSIM_REPLAY_BINS of the horizon */
    uint64_t hash;              /* FNV-1a 64 of the file's bytes, as scanned */
    uint64_t size;              /* its size in bytes, and its modification time (ns */
    int64_t mtime_ns;           /* since 1970), to tell whether it changed since */
    const lagsim_replay_source_t *source; /* streams the rows during a run */
} lagsim_replay_t;

typedef struct lagsim_event_type {
    char name[LAGSIM_NAME_MAX];
    double share;                 /* share of fired events */
    enum lagsim_priority priority;
    lagsim_dist_t payload_bytes;  /* JSON size of one event */
    uint32_t nesting_depth;       /* deepest nesting of its properties */
    enum lagsim_mode route;       /* cloud or device, used by hybrid mode */
} lagsim_event_type_t;

typedef struct lagsim_client {
    char name[LAGSIM_NAME_MAX];
    double share;                  /* share of users (and so of events) */
    enum lagsim_platform platform;
    /* By enum lagsim_endpoint (the host a request goes to: Segment's
     * tracking API or Mixpanel's). Segment's own server-to-server leg to
     * Mixpanel is never blocked. */
    double adblock[LAGSIM_ENDPOINT_COUNT]; /* share of its users whose blocker stops that host */
    uint32_t proxy[LAGSIM_ENDPOINT_COUNT]; /* 1: that host is reached through a first-party proxy */
    lagsim_dist_t proxy_latency;   /* extra one-way time through a proxy, s */
    enum lagsim_phase phase;       /* when its devices start their flush timers */
    lagsim_time_t phase_at;        /* PHASE_ALIGNED: the moment they all start, */
    char phase_burst[LAGSIM_NAME_MAX]; /* or the start of this burst ("" : phase_at) */
    lagsim_time_t shutdown_at;     /* the server process exits (flush_at_shutdown);
                                      0: at the end of the horizon */
    double offline_share;          /* share of its users who go offline once */
    lagsim_dist_t offline_duration;/* how long, s (start uniform over the horizon) */
    lagsim_dist_t session_length;  /* a session ends this long after it starts
                                      (const(0): sessions outlast the run) */
    lagsim_sdk_t sdk[2]; /* [LAGSIM_MODE_CLOUD] and [LAGSIM_MODE_DEVICE] */
} lagsim_client_t;

/* A window during which Mixpanel answers every request with `status`
 * (a scripted server: docs/retry-dynamics.md). */
typedef struct lagsim_outage {
    lagsim_time_t start;
    lagsim_time_t duration;
    enum lagsim_response status; /* LAGSIM_RESP_5XX, _429, _400 (other 4xx) or _TIMEOUT */
    int code;                    /* the HTTP code shown, e.g. 503 */
    lagsim_time_t retry_after;   /* the Retry-After header it carries (0: none) */
} lagsim_outage_t;

enum lagsim_limiter { LAGSIM_LIMITER_ROLLING, LAGSIM_LIMITER_TOKEN_BUCKET };

#define LAGSIM_MAX_ALERTS 16
/* Most windows in one run's series, (horizon + drain_limit) / series_window:
 * about 200 MB of series. */
#define LAGSIM_SERIES_MAX_WINDOWS 2000000

/* What an [alert.NAME] watches, per series window (see lagsim_delivery_value()). */
enum lagsim_alert_metric {
    LAGSIM_METRIC_NOT_DELIVERED, /* events dropped (any reason but sampled) */
    LAGSIM_METRIC_DELIVERED,     /* events accepted by Mixpanel (2xx) */
    LAGSIM_METRIC_429,           /* 429 responses */
    LAGSIM_METRIC_5XX,           /* 5xx responses */
    LAGSIM_METRIC_TIMEOUT,       /* timeouts */
    LAGSIM_METRIC_RETRIES,       /* requests that were retries */
    LAGSIM_METRIC_P95_LATENCY,   /* p95 of Segment receipt (or fired) -> 2xx, us */
    LAGSIM_METRIC_BACKLOG,       /* most events fired and not yet settled */
    LAGSIM_METRIC_COUNT
};

/* "not_delivered", "delivered", "429", "5xx", "timeout", "retries",
 * "p95_latency", "backlog". */
const char *lagsim_alert_metric_name(enum lagsim_alert_metric m);

/* An alert on the Event Delivery series, evaluated after the run. */
typedef struct lagsim_alert {
    char name[LAGSIM_NAME_MAX];
    enum lagsim_alert_metric metric;
    double threshold;           /* a count, or microseconds for p95_latency */
    uint32_t threshold_is_time; /* 1 if written as a duration (required for p95_latency) */
    lagsim_time_t window;       /* span evaluated, a multiple of series_window (0: one window) */
    uint32_t below;             /* 1: fires while the metric is below the threshold;
                                   0: while it is at or above it */
} lagsim_alert_t;

/* sc->warmup: find the warm-up from a pilot run (steady-state scenarios only). */
#define LAGSIM_WARMUP_AUTO ((lagsim_time_t)-1)

typedef struct lagsim_scenario {
    /* [scenario] */
    char name[LAGSIM_NAME_MAX * 2];
    lagsim_time_t horizon;     /* events are fired in [0, horizon) */
    lagsim_time_t drain_limit; /* the run ends at horizon + drain_limit at the latest */
    uint64_t seed;
    unsigned mode_mask;        /* bit (1 << mode) for each mode to run */
    lagsim_time_t warmup;      /* latencies of events fired before this are left
                                  out; LAGSIM_WARMUP_AUTO: found by MSER-5 on
                                  steady-state scenarios (see lagsim_warmup_find()) */

    /* [traffic] */
    double base_rate;      /* events/s */
    uint64_t users;        /* distinct devices sending events */
    double new_user_share; /* share of events whose distinct_id is new to Mixpanel */
    double merge_share;    /* share of events that merge two identities */
    double scale;          /* multiplies every Poisson arrival rate (not the replay) */
    double daily_profile[24];  /* multiplier of base_rate in each hour of the day */
    lagsim_time_t day_start;   /* time of day at simulated time 0, in [0, 24h) */
    double mmpp_high;          /* rate multiplier in the MMPP's high state */
    double mmpp_low;           /* ... and in its low state */
    lagsim_time_t mmpp_high_mean; /* mean sojourns (exponential); both 0: no MMPP */
    lagsim_time_t mmpp_low_mean;

    unsigned n_bursts;
    lagsim_burst_t bursts[LAGSIM_MAX_BURSTS];
    unsigned n_ramps;
    lagsim_ramp_t ramps[LAGSIM_MAX_RAMPS];
    lagsim_replay_t replay;
    unsigned n_event_types;
    lagsim_event_type_t event_types[LAGSIM_MAX_EVENT_TYPES];
    unsigned n_clients;
    lagsim_client_t clients[LAGSIM_MAX_CLIENTS];

    /* [sampling] a load-shedding policy (off unless threshold > 0) */
    struct {
        double threshold;         /* offered events/s above which sampling starts */
        double keep;              /* share of the sampled events kept */
        enum lagsim_priority max_priority; /* events at or below this priority are sampled */
        lagsim_time_t window;     /* the offered rate is measured over this trailing window */
    } sampling;

    /* [network] */
    struct {
        lagsim_dist_t client_rtt; /* client <-> Segment or Mixpanel round trip, s */
        lagsim_dist_t server_rtt; /* Segment <-> Mixpanel round trip, s */
    } network;

    /* [segment] */
    struct {
        lagsim_dist_t processing;   /* tracking API to destination queue, s */
        uint64_t max_event_bytes;   /* larger events are rejected (400) */
        uint64_t max_request_bytes; /* larger client requests are rejected (400) */
        uint32_t max_request_events;/* events past this in one request are rejected */
        double inbound_limit;       /* events/s per workspace, excess queued (0: none) */
        uint32_t priority_tiers;    /* 1: the destination sends higher priorities first */
        uint32_t batch_size;        /* Mixpanel destination batch, events */
        uint64_t batch_bytes;       /* Mixpanel destination batch, bytes */
        lagsim_time_t batch_wait;   /* longest an event waits for its batch */
        uint32_t max_in_flight;     /* concurrent requests to Mixpanel */
        lagsim_time_t request_timeout;
        lagsim_time_t retry_window; /* after this since receipt, events are dropped */
        lagsim_backoff_t backoff;
        enum lagsim_inbound_policy inbound_policy; /* over inbound_limit: queue or 429 */
        lagsim_time_t retry_after;  /* tracking API's Retry-After on its 429s (see
                                       LAGSIM_RETRY_AFTER_ADMIT) */
        uint32_t retry_codes;       /* destination: 4xx retried besides 429 (Actions) */
        enum lagsim_retry_after_use dest_retry_after; /* destination: ignore or max */
    } segment;

    /* [mixpanel] */
    struct {
        double ingest_limit;          /* events/s per project (0: none) */
        double ingest_limit_bytes;    /* bytes/s per project (0: none) */
        lagsim_time_t limit_window;   /* rolling window (or bucket depth) */
        enum lagsim_limiter limiter;
        uint32_t max_batch_events;    /* most events per request */
        uint64_t max_request_bytes;   /* larger requests get 413, split */
        uint64_t max_event_bytes;     /* larger events get 400 */
        lagsim_dist_t response_time;  /* server time to answer, s */
        double failure_rate;          /* background share of requests answered 5xx */
        double lost_response_rate;    /* share of accepted requests whose answer is lost */
        lagsim_time_t track_max_age;  /* /track drops older events (device mode) */
        lagsim_time_t retry_after;    /* Retry-After on its 429s and 503s (0: none, the
                                         documented default; LAGSIM_RETRY_AFTER_ADMIT) */
        unsigned n_outages;
        lagsim_outage_t outages[LAGSIM_MAX_OUTAGES];
        lagsim_dist_t idres_known;    /* identity resolution, known distinct_id, s */
        lagsim_dist_t idres_new;      /* identity resolution, new distinct_id, s */
        lagsim_dist_t idres_merge;    /* identity resolution of a merge, s */
        lagsim_dist_t ingest_delay;   /* accepted -> ingested, fixed part, s */
        lagsim_time_t ingest_per_kb;    /* plus this per KB of payload */
        lagsim_time_t ingest_per_depth; /* plus this per level of nesting */
        lagsim_time_t index_interval; /* indexing runs every this often */
        lagsim_dist_t index_delay;    /* plus this random part, s */
    } mixpanel;

    /* The Event Delivery view: [scenario] series_window and [alert.NAME] */
    lagsim_time_t series_window; /* width of a window of result->series */
    unsigned n_alerts;
    lagsim_alert_t alerts[LAGSIM_MAX_ALERTS];
} lagsim_scenario_t;

/* Sets every field to its documented default (see docs/scenario-reference.md). */
void lagsim_scenario_defaults(lagsim_scenario_t *sc);

/*
 * Checks the relations between fields that no single key can check
 * (shares adding up, bursts inside the run, ...). Returns LAGSIM_OK, or
 * LAGSIM_EINVAL with a message naming the problem written to `msg`.
 */
int lagsim_scenario_validate(const lagsim_scenario_t *sc, char *msg, size_t msg_size);
#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_SCENARIO_H */
