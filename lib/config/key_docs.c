/*
 * key_docs.c - the meaning and the basis of every key in the key table
 * (keys.c), one row per key, by section and name; a client's SDK fields
 * (cloud_X and device_X) share one row, section "sdk", key X. Also what
 * each section is, and where each SDK preset's values come from.
 *
 * The scenario reference (docs/scenario-reference.md) and the
 * lagsim-scenario(5) man page are generated from these rows and the key
 * table by tools/keyref.c; tests/docs_test.sh fails when a key has no row,
 * a row names no key, or the committed copies are stale.
 */
#include <string.h>

#include "config/key_docs.h"

static const lsi_key_doc_t docs[] = {
    {"scenario", "name",
        "Name shown in reports.",
        "label only"},
    {"scenario", "horizon",
        "Events are fired during [0, horizon).",
        "assumption"},
    {"scenario", "drain_limit",
        "After the horizon the run goes on until every event has settled, or at most "
        "this long.",
        "assumption: twice Segment's 4 h retry window, so cloud-mode retries can finish"},
    {"scenario", "seed",
        "Seed of every random stream (with the replication and stream id).",
        "arbitrary"},
    {"scenario", "mode",
        "Modes to run: `cloud`, `device`, `hybrid`, `both` (= cloud,device), `all`, or a "
        "comma list such as `cloud,hybrid`.",
        "both modes, to compare them"},
    {"scenario", "warmup",
        "Latencies count only events fired from this time on; `auto` finds it by MSER-5 "
        "on steady-state scenarios and cuts nothing on terminating ones "
        "([Warm-up](model.md#warm-up-what-steady-state-runs-leave-out)). Counters always "
        "cover the whole run.",
        "MSER-5 (White 1997; Hoad, Robinson and Davies 2010 rank it among the best "
        "automatic methods)"},
    {"scenario", "series_window",
        "Width of a window of the [Event Delivery "
        "series](model.md#event-delivery-view-alerts-and-recovery); `(horizon + "
        "drain_limit) / series_window` may be at most 2,000,000 windows (about 200 MB).",
        "assumption: the dashboard shows its trends \"over time\" [doc] segment-docs "
        "event-delivery.md without a published bucket; one minute matches Mixpanel's "
        "1-minute rate-limit window"},
    {"traffic", "base_rate",
        "Everyday rate of fired events, all clients together.",
        "assumption"},
    {"traffic", "users",
        "Distinct devices sending events.",
        "assumption"},
    {"traffic", "new_user_share",
        "Share of events whose distinct_id is new to Mixpanel (slower identity "
        "resolution).",
        "assumption"},
    {"traffic", "merge_share",
        "Share of events that merge two identities (`idres_merge`); with "
        "`new_user_share` at most 1.",
        "assumption (none unless set)"},
    {"traffic", "scale",
        "Multiplies every Poisson arrival rate (`base_rate`, the bursts', the ramps'); "
        "`2` doubles the traffic. Replayed rows are not scaled. Shrinking a scenario "
        "for a quick run may change its regime: at `0.1`, `configs/default.ini`'s "
        "launch (36,000/s) becomes 3,600/s, under Mixpanel's limit, and gets 0 429s "
        "instead of a backlog of a million events. Shorten the horizon or the burst "
        "instead, or scale the limits too ([quick runs](performance.md#quick-runs)).",
        "identity"},
    {"traffic", "daily_profile",
        "Multipliers of `base_rate` for each hour of the day, 00:00 to 23:00: the base "
        "rate is `base_rate` times the current hour's. They shape the everyday base "
        "only: a burst's `rate` and a ramp's `from`/`to` stay absolute, while "
        "`multiplier`s apply to the profiled base. With multipliers averaging 1, "
        "`base_rate` is the daily mean.",
        "assumption: no daily cycle unless given"},
    {"traffic", "day_start",
        "Time of day at simulated time 0 (which hour's multiplier applies first).",
        "scenario input"},
    {"traffic", "mmpp_high",
        "Rate multiplier in the busy state of a two-state Markov-modulated Poisson "
        "process (MMPP). It multiplies the whole Poisson rate (base, profile, bursts, "
        "ramps).",
        "assumption (no vendor figure for burstiness)"},
    {"traffic", "mmpp_low",
        "Rate multiplier in the quiet state. Below 1 it keeps the mean rate near "
        "`base_rate`: the mean multiplier is (`mmpp_low` x `mmpp_low_mean` + `mmpp_high` "
        "x `mmpp_high_mean`) / (`mmpp_low_mean` + `mmpp_high_mean`).",
        "assumption"},
    {"traffic", "mmpp_high_mean",
        "Mean time in the busy state (exponential). Set both means (each at least 1ms) "
        "to turn the MMPP on; both 0: no MMPP.",
        "assumption"},
    {"traffic", "mmpp_low_mean",
        "Mean time in the quiet state (exponential).",
        "assumption"},
    {"burst", "start",
        "When the burst begins.",
        "scenario input (no default)"},
    {"burst", "duration",
        "How long it lasts (0: an empty window).",
        "scenario input (no default)"},
    {"burst", "rate",
        "Total rate during the burst. Give exactly one of `rate` and `multiplier`.",
        "scenario input (no default)"},
    {"burst", "multiplier",
        "Or: the base rate (`base_rate` times the daily profile) times this during the "
        "burst.",
        "scenario input (no default)"},
    {"ramp", "start",
        "When the ramp begins.",
        "scenario input (no default)"},
    {"ramp", "duration",
        "How long it lasts (0: an empty window).",
        "scenario input (no default)"},
    {"ramp", "from",
        "Total rate at the start. Give exactly one of `from` and `from_multiplier`.",
        "scenario input (no default)"},
    {"ramp", "from_multiplier",
        "Or: the base rate times this at the start (`1`: start from the everyday rate).",
        "scenario input (no default)"},
    {"ramp", "to",
        "Total rate at the end. Give exactly one of `to` and `to_multiplier`.",
        "scenario input (no default)"},
    {"ramp", "to_multiplier",
        "Or: the base rate times this at the end.",
        "scenario input (no default)"},
    {"replay", "file",
        "The CSV file. A relative path is relative to the scenario file's directory "
        "(with `--set`, to the current directory).",
        "scenario input"},
    {"replay", "origin",
        "The file time that becomes simulated time 0: the first row's, or a given one "
        "(`2024-05-14T00:00:00Z`; `0` for times already counted from the start).",
        "scenario input"},
    {"replay", "time_shift",
        "Added to every row's simulated time.",
        "identity"},
    {"replay", "time_scale",
        "Multiplies the time since the origin: `0.5` replays twice as fast (the same "
        "rows in half the time).",
        "identity"},
    {"alert", "metric",
        "What it watches, per window: events dropped (any reason but `sampled`), events "
        "delivered (2xx), responses by status, retried requests, the p95 latency to "
        "delivery, the largest backlog.",
        "the Event Delivery dashboard's Delivered, Not Delivered and P95 latency [doc] "
        "segment-docs event-delivery.md; the rest are our own"},
    {"alert", "threshold",
        "Fires when the metric over `window` is at or above this (below it, with "
        "`below`). A count for every metric but `p95_latency`, which needs a duration "
        "(`2m`); the wrong kind is an error.",
        "scenario input"},
    {"alert", "window",
        "Span evaluated: counts are summed over it, the backlog is its largest, the p95 "
        "is over all of its deliveries.",
        "scenario input"},
    {"alert", "below",
        "Fire while the metric is below the threshold (e.g. `delivered` dropping) "
        "instead of at or above it.",
        "scenario input"},
    {"event", "share",
        "Share of fired events of this type; the shares of all [event.*] sections add up "
        "to 1.",
        "scenario input"},
    {"event", "priority",
        "Priority (used by priority policies).",
        "assumption"},
    {"event", "payload_bytes",
        "JSON size of one event.",
        "derived from [doc] rate-limits: 2 GB/min ≈ 30,000 events/s means ≈ 1.1 KB per "
        "event; the spread (sigma 0.5) is an assumption"},
    {"event", "route",
        "Delivery path of this type in `hybrid` mode.",
        "assumption"},
    {"event", "nesting_depth",
        "Deepest nesting of the event's properties; each level adds `[mixpanel] "
        "ingest_per_depth`.",
        "assumption (Mixpanel allows depth ≤ 3 [doc])"},
    {"client", "share",
        "Share of users (and so of events) on this client; the shares of all [client.*] "
        "sections add up to 1.",
        "scenario input"},
    {"client", "platform",
        "Platform; picks the default SDK presets (SDK presets below).",
        "scenario input"},
    {"client", "cloud_sdk",
        "Cloud-mode SDK preset (must send to Segment). Default: the platform's.",
        "the platform's Segment library (SDK presets below)"},
    {"client", "device_sdk",
        "Device-mode SDK preset (must send to Mixpanel). Default: the platform's.",
        "the platform's Mixpanel SDK (SDK presets below)"},
    {"client", "adblock",
        "Shorthand for `adblock_segment` and `adblock_mixpanel` at once (the configs "
        "written before the per-endpoint keys); giving it with either of them is an "
        "error. Written back as the pair.",
        "see the pair"},
    {"client", "adblock_segment",
        "Share of this client's users whose ad blocker stops requests to Segment's "
        "tracking API (cloud mode: the SDK's call to api.segment.io); their events are "
        "dropped (`adblock`). Segment's own server-to-server leg to Mixpanel is never "
        "blocked. One draw per user for both hosts, the same in every mode.",
        "assumption: Segment publishes no share [gap]; its destinations doc calls cloud "
        "mode \"unaffected by ad blockers\", true only of the Segment -> Mixpanel leg [doc]"},
    {"client", "adblock_mixpanel",
        "Share of this client's users whose ad blocker stops requests to Mixpanel's host "
        "(device mode: api-js.mixpanel.com); their events are dropped (`adblock`).",
        "assumption; Mixpanel estimates \"30% or more\" of client-side events [doc] "
        "troubleshooting FAQ, 30–50% of users on some audiences [doc] debugging page"},
    {"client", "proxy",
        "Shorthand for `proxy_segment` and `proxy_mixpanel` at once; giving it with "
        "either of them is an error. Written back as the pair.",
        "see the pair"},
    {"client", "proxy_segment",
        "Requests to Segment go through a first-party proxy (Segment's custom proxy or "
        "custom domain): no ad-block loss on that host, `proxy_latency` more each way.",
        "Segment's documented custom proxy [doc]"},
    {"client", "proxy_mixpanel",
        "Requests to Mixpanel go through a first-party proxy (`api_host` on your "
        "domain): no ad-block loss on that host, `proxy_latency` more each way.",
        "Mixpanel's documented proxy setup [doc]"},
    {"client", "proxy_latency",
        "Extra one-way time through a proxy.",
        "assumption"},
    {"client", "phase",
        "When this client's devices start their flush timers: `random` (each at its own "
        "moment, a hash of the user) or `aligned` (all at `phase_at`: a deploy, a push "
        "notification, a TV ad). Aligned devices flush in lock-step, so their requests "
        "reach Mixpanel's limiter together. Per-batch timers start with their batch and "
        "have no phase.",
        "assumption: random; mixpanel-js's phase is set by the page load [src]"},
    {"client", "phase_at",
        "With `phase = aligned`: when the devices start, a time (`0s`) or `burst.NAME`, "
        "the start of that burst (which must exist).",
        "scenario input"},
    {"client", "shutdown_at",
        "When the server process exits: an SDK with `flush_at_shutdown` sends all it "
        "holds then (in flight and retries go on); a process exiting before the horizon "
        "is taken to be replaced at once. 0: at the end of the horizon.",
        "assumption: the process runs to the end of the horizon"},
    {"client", "offline_share",
        "Share of users who go offline once, at a uniform time within the horizon. While "
        "offline every send fails at once and the SDK follows its retry policy (counted "
        "as \"sends failed offline\").",
        "assumption"},
    {"client", "offline_duration",
        "How long the spell lasts.",
        "assumption"},
    {"client", "session_length",
        "A device's session ends this long after it starts holding events; at the end "
        "the SDK flushes (`flush_on_exit`), keeps its queue for the user's next event "
        "(`persist`), or loses it (`session_end`).",
        "assumption"},
    {"sdk", "no_retry_5xx",
        "501, 505 and 511 drop the batch instead of being retried (Segment's libraries' "
        "rule).",
        ""},
    {"sdk", "persist",
        "The queue survives the end of a session.",
        ""},
    {"sdk", "flush_on_exit",
        "The SDK sends its queue as the session ends (sendBeacon, flush on "
        "backgrounding).",
        ""},
    {"sdk", "exit_keeps_copy",
        "What it sent at exit stays stored and is sent again next session (mixpanel-js's "
        "beacons: duplicates, removed by `$insert_id`).",
        ""},
    {"sdk", "max_age",
        "Queued events older than this are purged (`too_old`; 0: never).",
        ""},
    {"sdk", "flush_timer",
        "How the flush timer runs: `periodic` (a fixed tick from the device's phase), "
        "`per_batch` (starts when the first event enters an empty batch, fires "
        "`flush_interval` later; a full batch goes at once), `chain` (restarted "
        "`flush_interval` after each flush finishes, so its phase drifts with the "
        "requests' durations).",
        ""},
    {"sdk", "flush_at_shutdown",
        "The process sends whatever is queued when it exits (`shutdown_at`, or the end "
        "of the horizon), as analytics-node's closeAndFlush().",
        ""},
    {"sdk", "batch_size",
        "Most events in one request.",
        ""},
    {"sdk", "flush_at",
        "Queued events that trigger a flush at once (0: only the timer).",
        ""},
    {"sdk", "flush_interval",
        "Flush timer's interval (0: send each event at once); see `flush_timer`.",
        ""},
    {"sdk", "request_timeout",
        "A request unanswered this long counts as a timeout.",
        ""},
    {"sdk", "max_in_flight",
        "Requests one client may have open (0: unlimited).",
        ""},
    {"sdk", "queue_cap",
        "Most events queued on the device (0: unlimited); more are dropped.",
        ""},
    {"sdk", "retry_4xx",
        "Whether a 400 keeps the batch for retry.",
        ""},
    {"sdk", "backoff_base",
        "First backoff delay (retry n waits base * factor^e, see model notes).",
        ""},
    {"sdk", "backoff_factor",
        "Growth factor per retry.",
        ""},
    {"sdk", "backoff_cap",
        "Longest delay (0: no cap).",
        ""},
    {"sdk", "backoff_floor",
        "Shortest delay.",
        ""},
    {"sdk", "backoff_jitter",
        "Randomization: `none`, `full` (U[0, d)), `mult(A, B)` (d * U[A, B)), `add(A, "
        "B)` (d + U[A, B), durations), `pct(X)` (d * U[1-X, 1+X), X a fraction or "
        "percent).",
        ""},
    {"sdk", "backoff_jitter_after_cap",
        "Apply the jitter after the cap and floor instead of before.",
        ""},
    {"sdk", "backoff_immediate",
        "The first this many retries are immediate.",
        ""},
    {"sdk", "backoff_at_next_flush",
        "The next this many retries wait for the next flush tick (`always`: every retry).",
        ""},
    {"sdk", "max_retries",
        "Give up after this many retries (0: never).",
        ""},
    {"sdk", "max_retry_duration",
        "Give up this long after the first attempt (0: never).",
        ""},
    {"sdk", "retry_codes",
        "4xx codes retried besides 429, among 408, 410, 413, 423, 460 (`none`: every "
        "other 4xx drops the batch as `invalid`). See [Retry "
        "dynamics](retry-dynamics.md#status-codes).",
        ""},
    {"sdk", "halve_on_413",
        "A 413 halves the batch size and the events are sent again at the next flush; a "
        "single event still refused is dropped (`invalid`).",
        ""},
    {"sdk", "keep_interval",
        "One-request-at-a-time SDKs: the doubled flush interval survives a success and "
        "goes back to its base only when a flush finds the queue empty.",
        ""},
    {"sdk", "timeout_resend",
        "A request timeout re-sends at once, without a backoff step.",
        ""},
    {"sdk", "retry_after",
        "How the SDK honours a Retry-After header on a 429 or 5xx: `ignore`; `batch` "
        "(the batch waits the header's time instead of its backoff); `publisher` (the "
        "whole SDK pauses that long and every waiting batch wakes at its end); `max` "
        "(the longer of the backoff and the header). See [Retry "
        "dynamics](retry-dynamics.md#retry-after).",
        ""},
    {"sdk", "retry_after_min",
        "The header's time is raised to at least this.",
        ""},
    {"sdk", "retry_after_max",
        "The header's time is cut to at most this (0: no cap).",
        ""},
    {"sdk", "retry_after_limit",
        "Most Retry-After waits per batch; past them a 429 is an ordinary backoff "
        "retry (0: no limit).",
        ""},
    {"sdk", "retry_after_uncounted",
        "Retry-After waits do not count toward `max_retries`.",
        ""},
    {"sdk", "max_attempts",
        "Most sends of one batch in all, Retry-After waits included; past them the "
        "events are dropped (`retry_limit`; 0: no cap).",
        ""},
    {"sdk", "flush_tries",
        "Serial senders: sends one flush makes, `flush_try_delay` apart and doubling, "
        "before the flush counts as failed and the backoff starts (0 or 1: one).",
        "mixpanel-android 3 [src]"},
    {"sdk", "flush_try_delay",
        "The wait before the second send of a flush; each later one waits twice as long.",
        "mixpanel-android 100 ms, then 200 ms [src]"},
    {"sdk", "retry_after_5xx_only",
        "Retry-After is read on 5xx answers only (a 429's header is ignored).",
        "mixpanel-android [src]"},
    {"network", "client_rtt",
        "Round trip client <-> Segment or Mixpanel.",
        "assumption (no vendor figure)"},
    {"network", "server_rtt",
        "Round trip Segment <-> Mixpanel.",
        "assumption (no vendor figure)"},
    {"segment", "processing",
        "Tracking API to destination queue.",
        "assumption within the facts' suggested 1–5 s ([gap]: Segment publishes no "
        "internal latency)"},
    {"segment", "max_event_bytes",
        "Larger events are rejected (400).",
        "[doc] Segment HTTP API: 32 KB per event"},
    {"segment", "max_request_bytes",
        "A client request over this is rejected whole (400, `invalid`).",
        "[doc] Segment HTTP API: 500 KB per batch"},
    {"segment", "max_request_events",
        "Events past this in one request are rejected (`invalid`).",
        "[doc] Segment HTTP API: 2500 events per batch"},
    {"segment", "inbound_limit",
        "Workspace inbound limit: events beyond it wait in a FIFO and are processed at "
        "this rate (shows in `segment_ingest`).",
        "[doc] since 2024 Segment \"may queue\" above 1,000 events/s per workspace; off "
        "by default because whether it does is account-specific (assumption)"},
    {"segment", "inbound_policy",
        "Requests over `inbound_limit`: `queue` (held in a FIFO, processed at the limit) "
        "or `reject` (refused whole with 429 and a Retry-After per `retry_after`, so each "
        "Cloud-mode SDK backs off by its own rules; the limit is then a token bucket "
        "holding one second's worth). See [Retry "
        "dynamics](retry-dynamics.md#429s-at-segments-tracking-api).",
        "[doc] Segment may queue the excess or reject it with 429, Retry-After and "
        "X-RateLimit-Reset; queue by default; the one-second burst is an assumption"},
    {"segment", "retry_after",
        "Retry-After on the tracking API's 429s: `off`, a fixed duration, or "
        "`until_admit` (the time until the limit would admit the request, in whole "
        "seconds).",
        "[doc] a 429 carries Retry-After in seconds; its value is unpublished: "
        "until_admit is an assumption"},
    {"segment", "retry_codes",
        "Mixpanel destination: 4xx codes retried besides 429 (others are dropped as "
        "`invalid`; 5xx are retried but 501).",
        "[src] action-destinations errors.ts: 408, 423 and 429 retried, 501 not"},
    {"segment", "dest_retry_after",
        "Mixpanel destination: `ignore` a Retry-After from Mixpanel, or wait the `max` of "
        "its backoff and the header.",
        "assumption: the Actions framework's retry code read for the facts sheet shows "
        "no Retry-After handling, and Mixpanel sends none by default"},
    {"segment", "priority_tiers",
        "What-if policy: one destination queue per event priority; on a failure the "
        "batch's events go back to the head of their tiers and the destination pauses "
        "for the backoff, then sends highest priority first.",
        "a policy, not a Segment feature"},
    {"segment", "batch_size",
        "Mixpanel destination batch, events (at most [mixpanel] max_batch_events).",
        "[src] Mixpanel (Actions) destination: batch_size 1000 (max 2000)"},
    {"segment", "batch_bytes",
        "Mixpanel destination batch, bytes.",
        "[doc] action-destinations README: 4 MB"},
    {"segment", "batch_wait",
        "Longest an event waits for its batch.",
        "[doc] action-destinations README: events held up to about 1 minute"},
    {"segment", "max_in_flight",
        "Concurrent requests to Mixpanel.",
        "assumption (Mixpanel recommends 10–20 concurrent senders for bulk loads)"},
    {"segment", "request_timeout",
        "A request unanswered this long counts as a timeout.",
        "[src] actions-core request-client: 10 s"},
    {"segment", "retry_window",
        "Events not delivered this long after receipt are dropped.",
        "[doc] Segment destinations: retries for 4 hours"},
    {"segment", "backoff_base",
        "First backoff delay (retry n waits base * factor^e, see model notes).",
        "[doc] \"randomized exponential backoff\"; constant is an assumption (facts' "
        "suggestion)"},
    {"segment", "backoff_factor",
        "Growth factor per retry.",
        "assumption (facts' suggestion)"},
    {"segment", "backoff_cap",
        "Longest delay (0: no cap).",
        "assumption (facts' suggestion)"},
    {"segment", "backoff_floor",
        "Shortest delay.",
        "assumption"},
    {"segment", "backoff_jitter",
        "Randomization: `none`, `full` (U[0, d)), `mult(A, B)` (d * U[A, B)), `add(A, "
        "B)` (d + U[A, B), durations), `pct(X)` (d * U[1-X, 1+X), X a fraction or "
        "percent).",
        "assumption: full jitter (facts' suggestion)"},
    {"segment", "backoff_jitter_after_cap",
        "Apply the jitter after the cap and floor instead of before.",
        "full jitter over the capped delay"},
    {"segment", "backoff_immediate",
        "The first this many retries are immediate.",
        "assumption"},
    {"segment", "max_retries",
        "Give up after this many retries (0: never).",
        "none: the retry window ends retries"},
    {"segment", "max_retry_duration",
        "Give up this long after the first attempt (0: never).",
        "none: the retry window ends retries"},
    {"mixpanel", "ingest_limit",
        "Ingestion limit per project, events (0: none).",
        "[doc] rate-limits: about 30,000 events/s per project"},
    {"mixpanel", "ingest_limit_bytes",
        "Ingestion limit per project, bytes (0: none).",
        "[doc] rate-limits: 2 GB of uncompressed JSON per minute"},
    {"mixpanel", "limit_window",
        "Rolling window of the limits (or token bucket depth).",
        "[doc] rate-limits: rolling 1-minute window"},
    {"mixpanel", "limiter",
        "How the limits are enforced.",
        "[doc] rolling window; token bucket is a what-if option"},
    {"mixpanel", "max_batch_events",
        "Most events per request.",
        "[doc] track/import: 2000 events per request"},
    {"mixpanel", "max_request_bytes",
        "Larger requests are refused whole (413); their events count as invalid (SDK "
        "batch halving is not modelled).",
        "[doc] import-events: 10 MB (older docs: 2 MB)"},
    {"mixpanel", "max_event_bytes",
        "Larger events get 400.",
        "[doc] track/import: < 1 MB per event"},
    {"mixpanel", "response_time",
        "Server time to answer a request.",
        "assumption (no vendor figure)"},
    {"mixpanel", "failure_rate",
        "Background share of requests answered 5xx.",
        "assumption"},
    {"mixpanel", "lost_response_rate",
        "Share of accepted requests whose answer never reaches the sender: it times out "
        "and retries, and Mixpanel removes the copies by `$insert_id` (counted as "
        "duplicates). Answers slower than the sender's timeout do the same.",
        "assumption; duplicates from slow acknowledgements plus retries are documented "
        "[doc]"},
    {"mixpanel", "track_max_age",
        "/track (browser and mobile SDKs in Device-mode) drops events older than this "
        "(`too_old`); /import (Segment, servers) has no age limit.",
        "[doc] track-event: last 5 days"},
    {"mixpanel", "ingest_delay",
        "Accepted -> ingested, the fixed part.",
        "assumption (no vendor figure)"},
    {"mixpanel", "ingest_per_kb",
        "Plus this per KB of payload.",
        "assumption (the guide's \"payload size adds processing\")"},
    {"mixpanel", "ingest_per_depth",
        "Plus this per level of `nesting_depth`.",
        "assumption"},
    {"mixpanel", "idres_merge",
        "Identity resolution of an event that merges identities.",
        "assumption within the Activity Feed's \"< 1 minute\" [doc]; propagation "
        "elsewhere (up to 24 h) is not modelled"},
    {"mixpanel", "outage",
        "A window answered with one status (a scripted server): `START+DURATION CODE "
        "[ra=TIME]`, CODE 500-599, 408, 410, 413, 429, 460 or `timeout`, with an "
        "optional Retry-After, e.g. `50m+5m 503` or `10s+30s 429 ra=20s`. Repeat the key "
        "or give a comma list; `none` for no outage.",
        "scenario input"},
    {"mixpanel", "retry_after",
        "Retry-After on Mixpanel's 429s and 503s: `off`, a fixed duration, or "
        "`until_admit` (the time until the rate limiter would admit the request, in "
        "whole seconds; in an outage window, until its end). An outage's own `ra=` wins.",
        "[doc] no Retry-After is documented: off"},
    {"mixpanel", "idres_known",
        "Identity resolution of a known distinct_id.",
        "assumption: together with indexing within the Activity Feed's \"< 1 minute\" "
        "[doc]"},
    {"mixpanel", "idres_new",
        "Identity resolution of a new distinct_id.",
        "assumption (as above)"},
    {"mixpanel", "index_interval",
        "Indexing runs this often.",
        "assumption (as above; no public figure for reports [gap])"},
    {"mixpanel", "index_delay",
        "Plus this random part before an event is visible.",
        "assumption (as above)"},
    {"sampling", "threshold",
        "Offered rate (measured over `window`) above which sampling starts.",
        "policy input"},
    {"sampling", "keep",
        "Share of the sampled events kept.",
        "assumption"},
    {"sampling", "max_priority",
        "Events at or below this priority are sampled.",
        "assumption"},
    {"sampling", "window",
        "Trailing window of the rate measurement (1-second slots).",
        "assumption"},
};

static const struct {
    const char *section;
    const char *text;
} section_docs[] = {
    {"burst",
        "Up to 64 bursts; none by default."},
    {"ramp",
        "Up to 64 ramps; none by default. During [start, start + duration) the total "
        "rate goes linearly from `from` to `to`; a ramp combines with the base rate and "
        "with bursts as a burst does (its rate replaces the base; overlapping bursts and "
        "ramps add their extra rates over the base), and after it ends the rate is the "
        "base again. For a launch that builds up and tails off, chain two ramps "
        "(`configs/launch-ramp.ini`)."},
    {"replay",
        "Arrivals read from a CSV file, fired at their recorded times **in addition to** "
        "the Poisson arrivals (set `base_rate = 0` to replay alone). The file has a "
        "header row naming its columns: `time` (required), `event` (optional: an "
        "`[event.NAME]` name, which replaces the random draw of the type) and `user` "
        "(optional: any text, hashed with FNV-1a to one of `users` devices, so a user's "
        "events share a device; choose `users` well above the number of distinct users, "
        "or names collide). No other columns. Fields are separated by commas, blanks "
        "around them are ignored, and a field may be quoted (`\"a, b\"`, `\"\"` for a "
        "quote); blank lines are skipped; times must not decrease. The whole file is "
        "checked when the scenario loads (a bad row: `FILE.csv:LINE: what is wrong`, "
        "exit status 2); during the run it is read line by line, so memory does not grow "
        "with its length (it must not change in between). A row at file time T fires at "
        "(T - origin) x `time_scale` + `time_shift`; rows outside [0, horizon) are "
        "skipped. `check` writes the file's absolute path, and its row count and span as "
        "a comment. `configs/data/launch-day.csv` is an example."},
    {"alert",
        "Up to 16 alerts; none by default. Each watches one metric of the [Event "
        "Delivery series](model.md#event-delivery-view-alerts-and-recovery) and is "
        "evaluated after the run; the report gives when it first fired, its firing "
        "episodes, the time it fired in all, and its detection delay."},
    {"event",
        "Up to 64 event types. Without any [event.*] section there is one default type "
        "named `event` (defaults below); with any, they replace it. A new type starts "
        "from the default type's priority, payload_bytes and route."},
    {"client",
        "Up to 16 clients. Without any [client.*] section there is one default client "
        "`web` (share 1, platform web); with any, they replace it. Keys are applied in "
        "this order whatever their order in the file: share, platform, the presets, the "
        "`adblock`/`proxy` shorthands before their per-endpoint pairs, then the `cloud_*` "
        "and `device_*` overrides of single SDK fields. Defaults shown are "
        "those of the default `web` client; in general the defaults of the "
        "`cloud_*`/`device_*` keys are the fields of the chosen preset (SDK presets below)."},
    {"segment",
        "Segment's Mixpanel destination. The backoff keys are the destination's retry "
        "policy."},
    {"sampling",
        "A load-shedding policy, off unless `threshold` > 0. Sampled events are counted "
        "as `sampled`, apart from losses."},
};

static const struct {
    const char *preset;
    const char *basis;
} preset_docs[] = {
    {"mixpanel-js", "[src] mixpanel-js request-batcher.js (a setTimeout chain: flush_timer "
        "chain), mixpanel-core.js"},
    {"mixpanel-android", "[src] MPConfig.java, AnalyticsMessages.java"},
    {"mixpanel-swift", "[src] Constants.swift, FlushRequest.swift"},
    {"mixpanel-server",
        "[doc] Mixpanel's recommended retry policy; flush interval, periodic timer, no "
        "flush at shutdown and timeout: assumption"},
    {"analytics.js", "[src] analytics-next standard delivery; timeout: assumption"},
    {"analytics.js-batching", "[src] analytics-next batched-dispatcher (its 5 s timeout starts "
        "with a buffer's first event: per_batch); timeout: assumption"},
    {"analytics-node", "[src] analytics-next packages/node publisher (a timer per batch: "
        "per_batch), analytics-node.ts (closeAndFlush(): flush_at_shutdown)"},
    {"analytics-kotlin",
        "[src] analytics-kotlin legacy retry; one upload at a time and timeout: assumption"},
    {"analytics-swift",
        "[src] as analytics-kotlin; queue cap from an older Configuration.swift (unverified)"},
};

#define COUNT(a) (sizeof a / sizeof a[0])

const lsi_key_doc_t *lsi_key_doc(enum lsi_section_kind kind, const lsi_key_t *k)
{
    const char *section = lsi_sections[kind].name;
    const char *key = k->name;
    if (kind == LSI_SEC_CLIENT && k->type != LSI_T_PRESET) {
        if (strncmp(key, "cloud_", 6) == 0) {
            section = "sdk";
            key += 6;
        } else if (strncmp(key, "device_", 7) == 0) {
            section = "sdk";
            key += 7;
        }
    }
    for (size_t i = 0; i < COUNT(docs); i++)
        if (strcmp(docs[i].section, section) == 0 && strcmp(docs[i].key, key) == 0)
            return &docs[i];
    return NULL;
}

const char *lsi_section_doc(enum lsi_section_kind kind)
{
    for (size_t i = 0; i < COUNT(section_docs); i++)
        if (strcmp(section_docs[i].section, lsi_sections[kind].name) == 0)
            return section_docs[i].text;
    return NULL;
}

const char *lsi_preset_doc(const char *preset)
{
    for (size_t i = 0; i < COUNT(preset_docs); i++)
        if (strcmp(preset_docs[i].preset, preset) == 0)
            return preset_docs[i].basis;
    return NULL;
}

const lsi_key_doc_t *lsi_key_docs(size_t *n)
{
    *n = COUNT(docs);
    return docs;
}
