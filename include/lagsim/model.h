/*
 * lagsim/model.h - the pipeline model: the scenario it is given, the
 * results it produces, and the call that runs one mode.
 *
 * A lagsim_scenario_t is a plain value (fixed-size arrays, no pointers),
 * so it can be copied and modified freely, for example by a sweep. Every
 * field has a default set by lagsim_scenario_defaults(); the config layer
 * fills it from an INI file and validates it, but a program can also fill
 * it directly. Durations are lagsim_time_t microseconds, rates are per
 * second, sizes are bytes, distributions are in seconds or bytes.
 */
#ifndef LAGSIM_MODEL_H
#define LAGSIM_MODEL_H

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

/* One client SDK's behaviour; presets come from lagsim_sdk_preset(). */
typedef struct lagsim_sdk {
    char preset[LAGSIM_NAME_MAX];  /* name of the preset it started from */
    enum lagsim_endpoint endpoint; /* Segment (cloud) or Mixpanel (device) */
    uint32_t batch_size;           /* most events in one request */
    uint32_t flush_at;             /* queued events that flush at once (0: only the timer) */
    lagsim_time_t flush_interval;  /* periodic flush timer (0: send each event at once) */
    lagsim_time_t request_timeout; /* a request unanswered this long is a timeout */
    uint32_t max_in_flight;        /* requests one client may have open (0: unlimited) */
    uint32_t queue_cap;            /* most events queued on the device (0: unlimited) */
    uint32_t retry_4xx;            /* 1 if a 400 keeps the batch for retry */
    uint32_t no_retry_5xx;         /* 1 if 501, 505 and 511 drop the batch (Segment's rule) */
    uint32_t persist;              /* 1 if the queue survives the end of a session */
    uint32_t flush_on_exit;        /* 1 if it sends its queue as the session ends */
    uint32_t exit_keeps_copy;      /* 1 if what it sent at exit stays queued (re-sent) */
    lagsim_time_t max_age;         /* queued events older than this are purged (0: never) */
    lagsim_backoff_t backoff;
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
    double adblock;                /* share of its users whose blocker stops the SDK's host */
    uint32_t proxy;                /* 1: requests go through a first-party proxy */
    lagsim_dist_t proxy_latency;   /* extra one-way time through the proxy, s */
    double offline_share;          /* share of its users who go offline once */
    lagsim_dist_t offline_duration;/* how long, s (start uniform over the horizon) */
    lagsim_dist_t session_length;  /* a session ends this long after it starts
                                      (const(0): sessions outlast the run) */
    lagsim_sdk_t sdk[2]; /* [LAGSIM_MODE_CLOUD] and [LAGSIM_MODE_DEVICE] */
} lagsim_client_t;

/* A window during which Mixpanel answers every request with `status`. */
typedef struct lagsim_outage {
    lagsim_time_t start;
    lagsim_time_t duration;
    enum lagsim_response status; /* LAGSIM_RESP_5XX or LAGSIM_RESP_TIMEOUT */
    int code;                    /* the HTTP code shown, e.g. 503 */
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

/* ---- Results -------------------------------------------------------------- */

/* The counters of result->series, per window. */
enum lagsim_delivery_counter {
    LAGSIM_DV_DELIVERED,     /* events accepted by Mixpanel (2xx), when accepted */
    LAGSIM_DV_NOT_DELIVERED, /* events dropped for any reason but sampled, when dropped */
    LAGSIM_DV_RESPONSES,     /* + enum lagsim_response: answers, when the request reached Mixpanel */
    LAGSIM_DV_RETRIES = LAGSIM_DV_RESPONSES + LAGSIM_RESP_COUNT, /* retries, when sent */
    LAGSIM_DV_COUNT
};

/* What one run of one mode produced. Fields are read-only for callers. */
typedef struct lagsim_result {
    enum lagsim_mode mode;
    uint32_t replication;

    uint64_t fired;
    uint64_t delivered; /* accepted by Mixpanel (2xx) */
    uint64_t visible;
    uint64_t in_flight; /* counted from the pipeline's queues at the end */
    uint64_t in_flight_next_session; /* of which stored on devices whose session
                                        ended, waiting for the user's next one */
    uint64_t dropped[LAGSIM_DROP_COUNT];
    int conserved;      /* 1 if fired = visible + dropped + in_flight */

    uint64_t requests;  /* requests sent to Mixpanel, first tries and retries */
    uint64_t retries;   /* of which retries */
    uint64_t responses[LAGSIM_RESP_COUNT];

    uint64_t backlog_peak;       /* most events fired but not yet delivered */
    lagsim_time_t backlog_peak_at;
    lagsim_time_t end_time;      /* simulated time when the run stopped */
    lagsim_time_t drain_time;    /* from horizon until all settled, or -1 */

    int partial;          /* a lagsim_stop_reason: LAGSIM_STOP_NONE if the run finished */

    uint64_t sim_events;  /* engine events run */
    double wall_seconds;  /* wall time of the simulation */

    lagsim_hist_t *latency_delivered; /* fired -> 2xx at Mixpanel, us */
    lagsim_hist_t *latency_visible;   /* fired -> visible in reports, us */
    lagsim_breakdown_t *hops;         /* visible latency by enum lagsim_hop */
    lagsim_hist_t *latency_by_priority[3]; /* fired -> visible, by enum lagsim_priority */

    uint64_t duplicates; /* copies Mixpanel received again, removed by $insert_id */
    uint64_t offline_failures; /* sends that failed because the device was offline */

    lagsim_series_t *series; /* the Event Delivery view: per sc->series_window,
                                counters by enum lagsim_delivery_counter, the
                                backlog as the level, and the latency sketch of
                                Segment receipt (device path: fired) -> 2xx */
    /* The backlog over time, sampled between chunks of about one simulated
     * second (for the theory checks, see lagsim_theory_compare()): its
     * integral over the span sampled, in event-seconds rounded to a whole
     * number (so that replications pool exactly; area / span is its time
     * average), and the first sample after the peak at which it was back
     * under a tenth of the peak (not after backlog_peak_at if never). */
    double backlog_area;
    lagsim_time_t backlog_span;
    lagsim_time_t backlog_drained_at;

    /* The latency histograms and hops count only events fired at or after
     * this (0: every event); counters always cover the whole run. */
    lagsim_time_t warmup;
} lagsim_result_t;

/* Why a run stopped before it finished (result->partial). */
enum lagsim_stop_reason {
    LAGSIM_STOP_NONE,        /* it finished: settled, or reached the drain limit */
    LAGSIM_STOP_INTERRUPTED, /* *limits->interrupt became non-zero */
    LAGSIM_STOP_MEMORY,      /* its state grew past limits->max_memory */
    LAGSIM_STOP_STUCK,       /* the clock stopped moving (a zero-delay loop) */
    LAGSIM_STOP_TRACED       /* every followed event settled (lagsim_trace_t.stop_when_settled) */
};

const char *lagsim_stop_reason_name(enum lagsim_stop_reason r);

/* An empty result. NULL if out of memory. */
lagsim_result_t *lagsim_result_create(void);
/* Frees it. Accepts NULL. */
void lagsim_result_destroy(lagsim_result_t *r);

/*
 * Runs replication `replication` of the scenario in `mode` and writes
 * what happened into `out` (which is reset first). The scenario must have
 * passed lagsim_scenario_validate(). Returns LAGSIM_OK, LAGSIM_ENOMEM, or
 * LAGSIM_ECONSERVE if the pipeline lost track of an event (a bug; the
 * result is still filled in).
 */
int lagsim_run(const lagsim_scenario_t *sc, enum lagsim_mode mode,
               uint32_t replication, lagsim_result_t *out);

/*
 * Progress of a run: `fraction` in [0, 1] is the simulated time reached
 * over the horizon (capped at 1; the drain that follows the horizon shows
 * as 1). Called between chunks of one simulated second, from the thread
 * running the run; it must not call back into the run.
 */
typedef void (*lagsim_progress_fn)(void *ctx, double fraction);

/* Bounds on one run. Zero-initialise for "no limits". */
typedef struct lagsim_run_limits {
    uint64_t max_memory;           /* bytes of simulation state (0: no limit) */
    const volatile int *interrupt; /* the run stops soon after *interrupt != 0 */
    lagsim_progress_fn progress;   /* called with the run's progress (NULL: none) */
    void *progress_ctx;            /* its first argument */
} lagsim_run_limits_t;

/*
 * lagsim_run() with limits (NULL: none). A run stopped by a limit or an interrupt
 * returns LAGSIM_OK with out->partial set and every event not yet settled
 * counted in flight (conservation still holds and is checked).
 */
int lagsim_run_limited(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                       uint32_t replication, const lagsim_run_limits_t *limits,
                       lagsim_result_t *out);

/* ---- Replications ------------------------------------------------------- */

/* The headline figures summarised across replications. */
enum lagsim_figure {
    LAGSIM_FIG_VISIBLE_SHARE,   /* visible / fired */
    LAGSIM_FIG_VISIBLE_P50,     /* latency to visible, seconds */
    LAGSIM_FIG_VISIBLE_P90,
    LAGSIM_FIG_VISIBLE_P99,
    LAGSIM_FIG_VISIBLE_P999,
    LAGSIM_FIG_VISIBLE_MAX,
    LAGSIM_FIG_VISIBLE_MEAN,
    LAGSIM_FIG_DELIVERED_P99,   /* latency to delivered, seconds */
    LAGSIM_FIG_DROPPED,         /* events dropped, all reasons */
    LAGSIM_FIG_429,             /* 429 responses */
    LAGSIM_FIG_RETRIES,         /* retried requests */
    LAGSIM_FIG_BACKLOG_PEAK,    /* events */
    LAGSIM_FIG_DRAIN_TIME,      /* seconds (replications that drained) */
    LAGSIM_FIG_COUNT
};

/* Short key of a figure ("p99_visible_s", ...), as used in JSON. */
const char *lagsim_figure_name(enum lagsim_figure f);

/* The value of figure `f` in one result (NAN when undefined, e.g. a
 * percentile of nothing visible, or the drain time of a run that did not
 * drain). */
double lagsim_figure_value(const lagsim_result_t *r, enum lagsim_figure f);

/* ---- Warm-up ---------------------------------------------------------------- */

/* How the warm-up cut of a set of replications was chosen. */
enum lagsim_warmup_method {
    LAGSIM_WARMUP_NONE,      /* sc->warmup = none (0): reported from time zero */
    LAGSIM_WARMUP_FIXED,     /* sc->warmup is a duration */
    LAGSIM_WARMUP_TERMINATING, /* auto, but lagsim_scenario_terminating(): it
                                  is reported from time zero */
    LAGSIM_WARMUP_MSER,      /* auto: MSER-5 on a pilot run found the cut */
    LAGSIM_WARMUP_UNSETTLED  /* auto: the pilot never settled in its first half
                                (or saw too little): nothing cut, a warning */
};

const char *lagsim_warmup_method_name(enum lagsim_warmup_method m);

#define LAGSIM_WARMUP_WINDOWS 1000 /* firing-time windows MSER-5 looks at, at most */

typedef struct lagsim_warmup {
    enum lagsim_warmup_method method;
    lagsim_time_t cut;       /* latencies count for events fired at or after this */
    const char *why;         /* TERMINATING: what makes it so ("bursts", ...);
                                else NULL (a static string) */
    uint32_t batches;        /* MSER / UNSETTLED: batch means looked at */
    uint32_t cut_batches;    /* MSER: batches cut */
    lagsim_time_t batch_width; /* MSER / UNSETTLED: firing time per batch */
} lagsim_warmup_t;

/*
 * What makes a scenario terminating rather than steady-state (its arrival
 * rate or capacity changes over the run: bursts, ramps, a daily profile, a
 * replay, Mixpanel outages, or an MMPP, whose episodes last too long for
 * a warm-up cut to tell them from a start-up), as a short phrase; NULL if
 * it is steady-state (a constant rate).
 */
const char *lagsim_scenario_terminating(const lagsim_scenario_t *sc);

/*
 * MSER on a series of n batch means y[0..n-1] (in time order): the d in
 * [0, n / 2] that minimises sum_{i>=d} (y_i - mean_d)^2 / (n - d)^2, the
 * squared standard error of the mean of what is left after cutting d
 * (White 1997; with batches of five observations this is MSER-5). Only
 * the first half is searched (with few batches left the statistic is
 * noise), so d = n / 2 means the series had not settled by half-way.
 * Returns d, or n when n < 2. Ties go to the smaller d.
 */
uint32_t lagsim_mser(const double *y, uint32_t n);

/*
 * Decides the warm-up of replications of sc in `mode`. sc->warmup > 0 or
 * 0 is taken as given (FIXED or NONE); LAGSIM_WARMUP_AUTO on a
 * terminating scenario is TERMINATING (cut 0). On a steady-state one it
 * runs a pilot (replication 0, seeded as usual) that records the mean
 * latency to visible of the events fired in each of up to
 * LAGSIM_WARMUP_WINDOWS equal windows of [0, horizon) (windows of at
 * least 5 visible events, and never narrower than 1 s), and cuts where
 * lagsim_mser() says. A cut of 40% of the batches or more (or a pilot
 * that stopped early or saw fewer than 10 batches) means it did not
 * settle: UNSETTLED, nothing cut. Returns LAGSIM_OK or the pilot's error.
 */
int lagsim_warmup_find(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                       const lagsim_run_limits_t *limits, lagsim_warmup_t *out);

/* Replications of one mode: pooled results and per-figure summaries. */
typedef struct lagsim_replicated {
    uint32_t reps;
    lagsim_warmup_t warmup;  /* the cut its replications apply (set by
                                lagsim_run_batch() before the first one) */
    lagsim_result_t *pooled; /* counters summed, histograms merged; peaks and
                                times are the largest over replications */
    lagsim_summary_t figure[LAGSIM_FIG_COUNT]; /* across replications */
    double *values; /* [reps][LAGSIM_FIG_COUNT]: each replication's figures */
} lagsim_replicated_t;

/*
 * The paired difference b - a of figure `f`, replication by replication
 * (both must hold the same replications of the same scenario: with common
 * random numbers the pairing removes most of the shared noise), into *out.
 * Replications where either value is undefined are skipped.
 */
void lagsim_replicated_difference(const lagsim_replicated_t *a, const lagsim_replicated_t *b,
                                  enum lagsim_figure f, lagsim_summary_t *out);

/* Allocates an empty one (NULL if out of memory); destroy accepts NULL. */
lagsim_replicated_t *lagsim_replicated_create(void);
void lagsim_replicated_destroy(lagsim_replicated_t *r);

/*
 * Runs replications 0 .. reps-1 of the scenario in `mode` on up to
 * `threads` threads (each replication on its own independent random
 * streams) and summarises them. The result is identical for any thread
 * count: histograms and counters add exactly, and figures are summarised
 * in replication order. Returns LAGSIM_OK, or the first failing run's
 * status (LAGSIM_ECONSERVE still fills `out`).
 */
int lagsim_run_replications(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                            uint32_t reps, unsigned threads,
                            const lagsim_run_limits_t *limits, lagsim_replicated_t *out);

/* ---- Service-level objectives ------------------------------------------ */

enum lagsim_slo_op { LAGSIM_SLO_LE, LAGSIM_SLO_LT, LAGSIM_SLO_GE, LAGSIM_SLO_GT };

#define LAGSIM_SLO_MAX_TERMS 8

/* All terms must hold: figure OP value (value in the figure's unit:
 * seconds, a share in [0, 1], or a count). */
typedef struct lagsim_slo {
    unsigned n;
    struct {
        enum lagsim_figure figure;
        enum lagsim_slo_op op;
        double value;
        char text[48]; /* the term as written, for messages */
    } term[LAGSIM_SLO_MAX_TERMS];
} lagsim_slo_t;

/*
 * Whether every term holds for the replications' mean of its figure (the
 * value itself for one replication). A figure undefined in every
 * replication (say, p99 when nothing became visible) does not hold.
 * Returns 1 or 0; on 0, writes the first failing term and the value found
 * to `why`.
 */
int lagsim_slo_holds(const lagsim_slo_t *slo, const lagsim_replicated_t *r, char *why,
                     size_t why_size);

/* An objective's verdict, given the uncertainty of replications. */
enum lagsim_verdict {
    LAGSIM_VERDICT_FAILS = 0,    /* the whole 95% interval is on the failing side */
    LAGSIM_VERDICT_HOLDS = 1,    /* the whole 95% interval is on the holding side */
    LAGSIM_VERDICT_UNDECIDED = 2 /* the interval straddles the threshold ("?") */
};

/*
 * The verdict of one term "figure OP threshold" for a figure with this
 * mean and 95% half-width: HOLDS or FAILS when both ends of [mean - hw,
 * mean + hw] are on the same side, UNDECIDED when they are not. A
 * half-width that is NAN (one replication) or 0 decides by the mean; a
 * NAN mean FAILS.
 */
enum lagsim_verdict lagsim_slo_term_verdict(enum lagsim_slo_op op, double threshold, double mean,
                                            double half_width);

/*
 * The verdict of every term together on the replications (their 95%
 * Student-t intervals): FAILS if a term fails, else UNDECIDED if a term
 * is undecided, else HOLDS. With one replication it equals
 * lagsim_slo_holds(). Unless HOLDS, writes the first failing (else the
 * first undecided) term and its interval to `why`.
 */
enum lagsim_verdict lagsim_slo_verdict(const lagsim_slo_t *slo, const lagsim_replicated_t *r,
                                       char *why, size_t why_size);

/*
 * Expected number of fired events: the integral of the arrival rate (for
 * an MMPP, at its stationary mean rate) plus the replayed rows inside the
 * horizon (as counted by lagsim_replay_scan()).
 */
double lagsim_scenario_expected_events(const lagsim_scenario_t *sc);

/* ---- Replay ---------------------------------------------------------------- */

/*
 * Reads the whole file sc->replay.file (if not empty) and checks every
 * row: a header naming the columns (`time` required; `event` and `user`
 * optional; no others), then one row per event with time in seconds
 * ("12.5") or ISO-8601 ("2024-05-01T12:00:00.25Z", "+02:00" offsets
 * allowed), in non-decreasing order, and events naming [event.NAME]
 * types of the scenario. On success fills sc->replay's rows, fired,
 * first_at, last_at and bins and returns LAGSIM_OK. On failure returns
 * LAGSIM_EIO (cannot open or read) or LAGSIM_EINVAL, with "FILE:LINE:
 * what is wrong" (or "FILE: what") in msg; sc is then unchanged. Memory
 * does not grow with the file: it is read line by line.
 */
int lagsim_replay_scan(lagsim_scenario_t *sc, char *msg, size_t msg_size);

/*
 * Whether sc->replay.file (if any) is still the file that
 * lagsim_replay_scan() read: same size, modification time and FNV-1a 64
 * hash (the file is read again). Call it after a run: the run streams the
 * file, so a file changed meanwhile may have given other rows than those
 * checked. Returns LAGSIM_OK, or LAGSIM_EIO with "FILE: changed ..." (or
 * why it cannot be read) in msg.
 */
int lagsim_replay_verify(const lagsim_scenario_t *sc, char *msg, size_t msg_size);

/*
 * A time as in a replay file: seconds ("12", "0.000001", "-3.5") or an
 * ISO-8601 date and time, with "T" or a space, optional fraction, and "Z"
 * or a "+HH:MM" offset ("2024-05-01T12:00:00Z"). Writes microseconds
 * (since 1970-01-01T00:00:00Z for ISO) to *us and whether it was ISO to
 * *iso (may be NULL). Returns LAGSIM_OK or LAGSIM_EINVAL (*us unchanged).
 * Fractions finer than a microsecond are refused, so times are exact.
 */
int lagsim_parse_timestamp(const char *s, int64_t *us, int *iso);

/* Writes us as lagsim_parse_timestamp() reads it back exactly: ISO-8601
 * UTC ("2024-05-01T12:00:00.25Z") if iso, else seconds ("12.5"). */
void lagsim_format_timestamp(int64_t us, int iso, char *buf, size_t n);

/*
 * A fluid estimate of the largest backlog (events fired but not yet
 * accepted by Mixpanel): where the offered rate exceeds Mixpanel's limit
 * (events, or bytes at the mean payload size), the excess piles up; where
 * it is below, the backlog drains at the spare capacity. 0 when no limit
 * is set. Writes when the peak is reached to *at (if not NULL).
 */
double lagsim_scenario_backlog_estimate(const lagsim_scenario_t *sc, lagsim_time_t *at);

/* Bytes of simulation state per event in the backlog (for memory estimates). */
size_t lagsim_state_bytes_per_event(void);

/* Bytes the Event Delivery series of one run can reach: one window per
 * series_window over the horizon and the drain limit (sketches aside). */
double lagsim_scenario_series_bytes(const lagsim_scenario_t *sc);

/*
 * The highest offered rate of fired events (Poisson arrivals at their
 * MMPP mean, or the busiest replay bin) over the rate Mixpanel accepts
 * (lagsim_theory_capacity()): at 1 or above, the scenario is rate-limited
 * somewhere (429s, backoff, a backlog). NAN without a limit.
 */
double lagsim_scenario_peak_utilisation(const lagsim_scenario_t *sc);

/* ---- Event Delivery view: alerts, incidents, recovery ----------------------- */

/*
 * A metric of the series over windows [first, first + count), per run (the
 * series may pool several replications: counts are sums / runs, the
 * backlog the largest of the windows' summed maxima / runs): a count, the
 * backlog in events, or p95_latency in microseconds (NAN when nothing was
 * delivered there).
 */
double lagsim_delivery_value(const lagsim_series_t *s, enum lagsim_alert_metric metric,
                             size_t first, size_t count);

/* An incident: a [burst.NAME], or a Mixpanel outage window. */
enum lagsim_incident_kind { LAGSIM_INCIDENT_BURST, LAGSIM_INCIDENT_OUTAGE };

/* How an incident's recovery came out. */
enum lagsim_recovery {
    LAGSIM_RECOVERED,           /* back at the pre-incident level (recovery_time) */
    LAGSIM_NOT_RECOVERED,       /* not by the end of the run (the drain limit) */
    LAGSIM_RECOVERY_NO_BASELINE,/* no quiet window before it to take a level from */
    LAGSIM_RECOVERY_AFTER_RUN   /* it ends after the run's last window */
};

/* "recovered", "not_recovered", "no_baseline", "after_run". */
const char *lagsim_recovery_name(enum lagsim_recovery r);

typedef struct lagsim_incident {
    enum lagsim_incident_kind kind;
    unsigned index;             /* into sc->bursts or sc->mixpanel.outages */
    lagsim_time_t start;
    lagsim_time_t end;          /* bursts end at the horizon at the latest */
    double pre_429;             /* pre-incident level: most 429s in a window, per run */
    double pre_backlog;         /* and the largest backlog (both 0 without a baseline) */
    enum lagsim_recovery recovery;
    lagsim_time_t recovery_time;/* end -> start of the first window back at the level; -1 */
} lagsim_incident_t;

typedef struct lagsim_alert_outcome {
    lagsim_time_t first_fired;  /* end of the first window where it held; -1: never */
    uint32_t episodes;          /* separate runs of windows where it held */
    lagsim_time_t firing;       /* total time it held */
    int incident;               /* the latest incident started before first_fired
                                   (index into lagsim_monitor_t.incident), or -1 */
    lagsim_time_t detection_delay; /* first_fired - that incident's start, or -1 */
} lagsim_alert_outcome_t;

#define LAGSIM_MAX_INCIDENTS (LAGSIM_MAX_BURSTS + LAGSIM_MAX_OUTAGES)

/* The alerts and incidents of one mode's run (or pooled replications). */
typedef struct lagsim_monitor {
    unsigned n_incidents;
    lagsim_incident_t incident[LAGSIM_MAX_INCIDENTS]; /* by start time */
    unsigned n_alerts;
    lagsim_alert_outcome_t alert[LAGSIM_MAX_ALERTS];  /* as sc->alerts */
} lagsim_monitor_t;

/*
 * Evaluates the scenario's alerts and the recovery from each incident on
 * a run's series (result->series; pooled replications count per run).
 * The rules (docs/model.md, "Event Delivery view, alerts and recovery"):
 *
 *  - An alert is evaluated at the end of every series window i from its
 *    own span on, over the last `window` of time (k windows, i-k+1 .. i):
 *    it holds when the metric is at or above the threshold (below it,
 *    with `below`); a p95 with nothing delivered never holds. first_fired
 *    is the end of the first window where it held; an episode is a run of
 *    consecutive windows where it held; firing counts one series window
 *    per such window.
 *  - An incident's pre-incident level is the most 429s in one window and
 *    the largest backlog over the windows before the one holding its
 *    start, leaving out the first window (start-up) and the windows of
 *    earlier incidents (from the window holding an earlier incident's
 *    start to the one it recovered in; to its end without a recovery
 *    time; to the end of the run if it did not recover); it is back at that
 *    level in a window with at most pre_429 * 1.1 + 1 429s and a backlog
 *    of at most pre_backlog * 1.1 + 1. Recovery time: from the incident's
 *    end to the start of the first window that starts at or after the end
 *    and is back at the level. The window after the run's last counts too
 *    (no 429s, the backlog the run ended with): a run that drained in its
 *    last window recovers as that window ends; one cut off by the drain
 *    limit with a backlog has not recovered.
 *
 * Returns LAGSIM_OK, LAGSIM_EINVAL for an empty series (or one that is not
 * an Event Delivery series), or LAGSIM_ENOMEM.
 */
int lagsim_monitor_evaluate(const lagsim_scenario_t *sc, const lagsim_series_t *series,
                            lagsim_monitor_t *out);
/* ---- Theory beside simulation ---------------------------------------------- */

/*
 * Back-of-envelope answers for the stages where a closed form exists, to
 * print beside the simulated figures: when the two disagree, either the
 * formula's assumptions do not hold (and the note says which may not), or
 * the model has a bug. Every function reads only the scenario; a figure
 * with no closed form in the scenario's conditions is NAN.
 */

/* Events per second Mixpanel accepts: the tighter of ingest_limit and
 * ingest_limit_bytes at the mean payload; -1 when neither is set. */
double lagsim_theory_capacity(const lagsim_scenario_t *sc);

/*
 * Mean wait for a batch, seconds, of Poisson arrivals at `rate`/s into a
 * batcher that sends when it holds `batch` events or when its oldest has
 * waited `wait` seconds: a window of L = min(wait, (batch - 1) / rate)
 * opens at the first arrival, which waits L; the lambda*L others wait L/2
 * on average, so the mean is (L + lambda*L * L/2) / (1 + lambda*L). About
 * batch / (2 rate) when batches fill, `wait` when arrivals are rare; 0 for
 * batches of one.
 */
double lagsim_theory_batch_wait(double rate, double batch, double wait);

/*
 * Mean wait on a device, seconds, from fired to first sent, of an SDK
 * whose device fires `device_rate` events/s (Poisson): 0 when it sends
 * each event at once (flush_interval 0, or flush_at 1); otherwise its
 * flush timer ticks at a random phase, so an event waits half the
 * interval, unless flush_at events gather sooner: about (flush_at - 1) /
 * (2 device_rate) when they do so every interval. Exact for Poisson
 * arrivals (a finite sum over the events in one interval, see theory.c),
 * ignoring requests in flight and backoff.
 */
double lagsim_theory_flush_wait(const lagsim_sdk_t *sdk, double device_rate);

/*
 * Mean of each hop over the events a run in `mode` makes visible (the
 * clients' SDKs weighted by their shares of users, less those an ad
 * blocker stops; the arrival rate piece by piece, weighted by the events
 * each piece fires), seconds:
 *  - client batching: lagsim_theory_flush_wait() at each piece's rate per user;
 *  - Segment batching (NAN in device mode): lagsim_theory_batch_wait() of
 *    the events reaching Segment, with batch = min(batch_size, batch_bytes /
 *    mean payload) and wait = batch_wait;
 *  - Mixpanel ingestion: mean ingest_delay + ingest_per_kb * mean KB +
 *    ingest_per_depth * mean nesting depth;
 *  - identity resolution: the mean of idres_known, idres_new and
 *    idres_merge weighted by their shares;
 *  - indexing: index_interval / 2 (the next run comes at a uniform point
 *    of the interval) + mean index_delay.
 */
double lagsim_theory_client_batching(const lagsim_scenario_t *sc, enum lagsim_mode mode);
double lagsim_theory_segment_batching(const lagsim_scenario_t *sc, enum lagsim_mode mode);
double lagsim_theory_ingest(const lagsim_scenario_t *sc);
double lagsim_theory_identity(const lagsim_scenario_t *sc);
double lagsim_theory_indexing(const lagsim_scenario_t *sc);

/*
 * Fluid model of the backlog against Mixpanel's capacity (as
 * lagsim_scenario_backlog_estimate()): the seconds from its peak until it
 * has drained to `fraction` of the peak, draining at the spare capacity
 * (capacity minus the arrival rate, piece by piece; after the horizon,
 * the whole capacity). NAN when there is no backlog.
 */
double lagsim_theory_drain(const lagsim_scenario_t *sc, double fraction);

/* One figure in theory and in simulation. */
typedef struct lagsim_theory_item {
    const char *name;  /* key, e.g. "client_batching_wait" (a static string) */
    const char *label; /* for text reports, e.g. "client batching wait" */
    const char *unit;  /* "s" or "events" */
    double theory;     /* the closed form (NAN: none here) */
    double simulated;  /* the run's figure (NAN: the run has none) */
    double tolerance;  /* relative difference still counted as agreeing */
    int agrees;        /* 1 within tolerance, 0 not, -1 cannot tell (a NAN) */
    char note[640];    /* what the formula assumes; when the two differ, why they may */
} lagsim_theory_item_t;

#define LAGSIM_THEORY_MAX 12

typedef struct lagsim_theory {
    unsigned n;
    lagsim_theory_item_t item[LAGSIM_THEORY_MAX];
} lagsim_theory_t;

/*
 * Fills *out with every figure that has a closed form for the scenario and
 * the result's mode, beside the result's: the hop means above against
 * lagsim_breakdown_mean(r->hops, ...); for a burst above Mixpanel's
 * capacity, the fluid backlog peak and its drain to a tenth of the peak;
 * and Little's law, the time-average backlog against the delivery rate
 * times the mean latency to delivered. `r` may be pooled over
 * replications. Never fails.
 */
void lagsim_theory_compare(const lagsim_scenario_t *sc, const lagsim_result_t *r,
                           lagsim_theory_t *out);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_MODEL_H */
