/*
 * report_trace.c - owns lagsim_report_trace(): the journeys of the events
 * a traced run followed, told milestone by milestone for someone in their
 * first week.
 *
 * Central idea: the milestones arrive in the order the model reported
 * them, which is not always the order they happen in (Mixpanel's
 * processing is computed, with future times, the moment it accepts an
 * event), so they are sorted by event, then time, then arrival (a total
 * order: the same points give the same text). Each line shows the time
 * since the event was fired and since its previous milestone, then what
 * happened in plain words. At the moments a newcomer stumbles on (the
 * 200 from Segment, a 429, a backoff, "Delivered" that is not yet
 * visible, a copy removed by $insert_id, an ad blocker) a '>' line says
 * what it means, once per report (the caller's `explained` bits).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/report.h"
#include "report/report_internal.h"
#include "report/report_theory.h"

#define WIDTH 80  /* lines are wrapped to this many columns */
#define TEXT_COL 22 /* where the words of a milestone start */

/* The plain-language explanations, one bit each in *explained. */
enum explain {
    X_QUEUED, X_SEG_200, X_SEG_QUEUE, X_429_SEG, X_429_SDK, X_FAILED, X_BACKOFF_SEG,
    X_BACKOFF_SDK, X_DELIVERED_CLOUD, X_DELIVERED_DEVICE, X_VISIBLE, X_COPY, X_DUPLICATE,
    X_ADBLOCK, X_OFFLINE, X_SESSION, X_SAMPLED, X_RETRY_WINDOW, X_RETRY_LIMIT, X_IN_FLIGHT,
    X_429_API, X_PAUSE, X_RETRY_AFTER
};

typedef struct narrator {
    FILE *f;
    const lagsim_scenario_t *sc;
    uint32_t *explained; /* bits of enum explain already written (NULL: write every time) */
} narrator_t;

static void explain(narrator_t *n, enum explain x, const char *text)
{
    if (n->explained) {
        if (*n->explained & (1u << x))
            return;
        *n->explained |= 1u << x;
    }
    char first[TEXT_COL + 2];
    snprintf(first, sizeof first, "%*s>", TEXT_COL, "");
    lsi_report_wrap(n->f, first, TEXT_COL + 2, WIDTH, text);
}

/* 1234567 -> "1,234,567" */
static const char *fmt_count(char *buf, size_t size, uint64_t n)
{
    char digits[24];
    const int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
    return buf;
}

/* "+12.4s" */
static void fmt_plus(char *buf, size_t size, lagsim_time_t us)
{
    char d[LAGSIM_DURATION_MAX];
    snprintf(buf, size, "+%s", lagsim_format_duration(d, sizeof d, us < 0 ? 0 : us));
}

/* One milestone: time since fired, since the previous milestone, words. */
static void line(narrator_t *n, lagsim_time_t since_fired, lagsim_time_t step, const char *text)
{
    char a[LAGSIM_DURATION_MAX + 2], b[LAGSIM_DURATION_MAX + 4], first[96];
    fmt_plus(a, sizeof a, since_fired);
    if (step >= 0) {
        char s[LAGSIM_DURATION_MAX + 2];
        fmt_plus(s, sizeof s, step);
        snprintf(b, sizeof b, "(%s)", s);
    } else {
        b[0] = '\0';
    }
    snprintf(first, sizeof first, "  %8s %10s", a, b);
    lsi_report_wrap(n->f, first, TEXT_COL, WIDTH, text);
}

static const lagsim_sdk_t *sdk_of(const narrator_t *n, const lagsim_trace_point_t *p)
{
    return &n->sc->clients[p->client].sdk[p->path == LAGSIM_MODE_DEVICE ? 1 : 0];
}

static const char *type_name(const narrator_t *n, const lagsim_trace_point_t *p)
{
    return p->type < n->sc->n_event_types ? n->sc->event_types[p->type].name : "?";
}

/* "every 5s", "at once", "every 30s or at 20 events" */
static void fmt_flush(char *buf, size_t size, const lagsim_sdk_t *sdk)
{
    char d[LAGSIM_DURATION_MAX], at[48] = "";
    if (sdk->flush_interval <= 0 || sdk->flush_at == 1) {
        snprintf(buf, size, "at once");
        return;
    }
    if (sdk->flush_at > 1)
        snprintf(at, sizeof at, " or at %u events", sdk->flush_at);
    lagsim_format_duration(d, sizeof d, sdk->flush_interval);
    if (sdk->flush_timer == LAGSIM_TIMER_PER_BATCH)
        snprintf(buf, size, "%s after its batch's first event%s", d, at);
    else if (sdk->flush_timer == LAGSIM_TIMER_CHAIN)
        snprintf(buf, size, "%s after its last flush ended%s", d, at);
    else
        snprintf(buf, size, "every %s%s", d, at);
}

/* Why an SDK sent (lagsim_trace_point_t trigger), as words after the
 * send, or "" when there is nothing to tell. */
static void fmt_trigger(char *buf, size_t size, const lagsim_sdk_t *sdk,
                        enum lagsim_trace_trigger t)
{
    char d[LAGSIM_DURATION_MAX];
    lagsim_format_duration(d, sizeof d, sdk->flush_interval);
    switch (t) {
    case LAGSIM_TRIGGER_TICK: snprintf(buf, size, ": its flush timer ticks (every %s)", d); return;
    case LAGSIM_TRIGGER_BATCH_TIMER:
        snprintf(buf, size, ": the batch timer fires %s after the batch's first event", d);
        return;
    case LAGSIM_TRIGGER_CHAIN:
        snprintf(buf, size, ": its timer chain fires (restarted %s after each flush ends, so "
                            "its phase drifts with the requests' durations)", d);
        return;
    case LAGSIM_TRIGGER_FULL:
        snprintf(buf, size, ": %u events are queued, a full batch goes at once", sdk->flush_at);
        return;
    case LAGSIM_TRIGGER_SHUTDOWN:
        snprintf(buf, size, ": the server process exits and flushes everything queued "
                            "(closeAndFlush())");
        return;
    case LAGSIM_TRIGGER_NONE: break;
    }
    buf[0] = '\0';
}

static void heading(narrator_t *n, const lagsim_trace_point_t *p, uint32_t total)
{
    static const char *const identity[] = {"a known user", "a new user (new distinct_id)",
                                           "an identity merge"};
    const lagsim_client_t *cl = &n->sc->clients[p->client];
    char size[32], text[512], first[48], at[LAGSIM_DURATION_MAX];
    if (p->bytes < 1000)
        snprintf(size, sizeof size, "%" PRIu32 " B", p->bytes);
    else
        snprintf(size, sizeof size, "%.1f KB", p->bytes / 1000.0);
    snprintf(text, sizeof text, "%s, %s, user %" PRIu64 " on %s (%s, %s mode), %s; fired at %s",
             type_name(n, p), size, p->user, cl->name, sdk_of(n, p)->preset,
             lagsim_mode_name(p->path), identity[p->identity <= 2 ? p->identity : 0],
             lagsim_format_duration(at, sizeof at, p->fired_at));
    snprintf(first, sizeof first, "\nEvent %" PRIu32 " of %" PRIu32 ":", p->event + 1, total);
    lsi_report_wrap(n->f, first, 2, WIDTH, text);
}

static const char *attempt_text(char *buf, size_t size, uint32_t attempt)
{
    if (attempt <= 1)
        snprintf(buf, size, "%s", "");
    else
        snprintf(buf, size, " (retry %" PRIu32 ")", attempt - 1);
    return buf;
}

static void say_dropped(const lagsim_trace_point_t *p, char *text, size_t size)
{
    const char *name = lagsim_drop_reason_name(p->reason);
    if (p->copy) {
        snprintf(text, size, "the sender discards its copy (%s): Mixpanel already has the "
                             "event, nothing is lost", name);
        return;
    }
    static const char *const why[LAGSIM_DROP_COUNT] = {
        [LAGSIM_DROP_INVALID] = "rejected as invalid (too large or malformed)",
        [LAGSIM_DROP_RETRY_WINDOW] = "Segment's retry window ran out",
        [LAGSIM_DROP_RETRY_LIMIT] = "the SDK used up its retries",
        [LAGSIM_DROP_QUEUE_OVERFLOW] = "the SDK's queue on the device was full",
        [LAGSIM_DROP_ADBLOCK] = ("an ad blocker stopped the SDK's request; the event never "
                                 "leaves the device"),
        [LAGSIM_DROP_TOO_OLD] = "too old for /track, or expired on the device",
        [LAGSIM_DROP_SESSION_END] = "the session ended and the SDK keeps nothing across sessions",
        [LAGSIM_DROP_SAMPLED] = "the sampling policy left it out while traffic was high",
    };
    snprintf(text, size, "DROPPED (%s): %s", name,
             (unsigned)p->reason < LAGSIM_DROP_COUNT && why[p->reason] ? why[p->reason] : "");
}

/*
 * The words of one milestone into text[size], and its explanation, if it
 * has one, into why_out[why_size]; returns the explanation (an enum
 * explain) or -1 (why_out is then ""). Shared by the text narration and
 * the JSON (report_trace_json.c, through lsi_trace_describe()).
 */
static int describe(const narrator_t *n, const lagsim_trace_point_t *p, char *text, size_t size,
                    char *why_out, size_t why_size)
{
    const lagsim_sdk_t *sdk = sdk_of(n, p);
    char d[LAGSIM_DURATION_MAX], extra[48], flush[160], count[32];
    int x = -1;                 /* explanation to add */
    const char *why = NULL;     /* its words */
    char why_buf[400];
    text[0] = '\0';
    switch (p->kind) {
    case LAGSIM_TRACE_FIRED:
        snprintf(text, size, "fired by the product");
        break;
    case LAGSIM_TRACE_QUEUED:
        fmt_flush(flush, sizeof flush, sdk);
        if (p->delay > 0) {
            snprintf(text, size, "queued in %s on the device (%s queued); the SDK is "
                                 "backing off after a failed request and sends nothing "
                                 "for another %s",
                     sdk->preset, fmt_count(count, sizeof count, p->queued),
                     lagsim_format_duration(d, sizeof d, p->delay));
            x = X_BACKOFF_SDK;
            why = "Each device backs off on its SDK's own schedule, often doubling the wait "
                  "after every failure; an SDK that sends one request at a time sends nothing "
                  "else meanwhile.";
            break;
        }
        snprintf(text, size, "queued in %s on the device (%s queued; it sends %s)",
                 sdk->preset, fmt_count(count, sizeof count, p->queued), flush);
        x = X_QUEUED;
        why = "The SDK holds events on the device and sends them in batches, to spare "
              "battery and network: this wait is the 'client batching' part of the latency.";
        break;
    case LAGSIM_TRACE_SESSION_END:
        snprintf(text, size, "the session ends (page closed, app killed)%s%s",
                 p->flushed ? ": the SDK sends what it holds on the way out" : "",
                 p->kept ? "; what is left waits for the next session"
                         : "; the SDK keeps nothing for the next session");
        x = X_SESSION;
        why = "When a page closes or an app is killed, what the SDK still holds is sent in a "
              "last request, kept for the next session, or lost, depending on the SDK.";
        break;
    case LAGSIM_TRACE_OFFLINE:
        snprintf(text, size, "the device is offline: the send fails at once%s",
                 attempt_text(extra, sizeof extra, p->attempt));
        x = X_OFFLINE;
        why = "With no network the request fails at once; the SDK keeps the events and "
              "retries as after any failure.";
        break;
    case LAGSIM_TRACE_SENT:
        if (p->by == LAGSIM_TRACE_BY_SEGMENT)
            snprintf(text, size, "Segment sends it to Mixpanel (/import) in a batch of "
                                 "%s events%s", fmt_count(count, sizeof count, p->batch),
                     attempt_text(extra, sizeof extra, p->attempt));
        else {
            char trig[160];
            fmt_trigger(trig, sizeof trig, sdk, p->trigger);
            snprintf(text, size, "%s sends it to %s in a request of %s event%s%s%s",
                     sdk->preset, p->to == LAGSIM_ENDPOINT_SEGMENT ? "Segment" : "Mixpanel (/track)",
                     fmt_count(count, sizeof count, p->batch), p->batch == 1 ? "" : "s",
                     attempt_text(extra, sizeof extra, p->attempt), trig);
        }
        break;
    case LAGSIM_TRACE_SEGMENT_ACCEPTED:
        snprintf(text, size, "Segment's tracking API accepts it (200 to the device)");
        x = X_SEG_200;
        why = "A 200 from Segment means Segment has the event, not Mixpanel: the device "
              "forgets it, and delivering it is Segment's job from now on.";
        break;
    case LAGSIM_TRACE_SEGMENT_QUEUED:
        snprintf(text, size, "in Segment's queue for the Mixpanel destination "
                             "(%s events waiting)", fmt_count(count, sizeof count, p->queued));
        snprintf(why_buf, sizeof why_buf,
                 "Segment's Mixpanel destination collects events into batches of up to %s, "
                 "waiting at most %s for one to fill, and sends at most %u at a time.",
                 fmt_count(count, sizeof count, n->sc->segment.batch_size),
                 lagsim_format_duration(d, sizeof d, n->sc->segment.batch_wait),
                 n->sc->segment.max_in_flight);
        x = X_SEG_QUEUE;
        why = why_buf;
        break;
    case LAGSIM_TRACE_REFUSED:
        if (p->retry_after > 0)
            snprintf(extra, sizeof extra, ", with Retry-After: %s",
                     lagsim_format_duration(d, sizeof d, p->retry_after));
        else
            extra[0] = '\0';
        if (p->at_segment) {
            snprintf(text, size, "Segment's tracking API answers 429 Too Many Requests%s: "
                                 "the workspace is over its inbound limit", extra);
            x = X_429_API;
            why = "Above its inbound limit Segment may refuse requests instead of queueing "
                  "them: the device keeps the batch and retries by its SDK's own rules, "
                  "honouring the Retry-After or not.";
        } else if (p->status == LAGSIM_RESP_429) {
            snprintf(text, size, "Mixpanel answers 429 Too Many Requests%s: the project "
                                 "is over its ingestion limit", extra);
            const double cap = lagsim_theory_capacity(n->sc);
            fmt_count(count, sizeof count, cap > 0 ? (uint64_t)llround(cap) : 0);
            if (p->by == LAGSIM_TRACE_BY_SEGMENT) {
                snprintf(why_buf, sizeof why_buf,
                         "A 429 loses nothing: Mixpanel takes at most about %s events/s per "
                         "project, and Segment keeps the batch and tries again after a backoff.",
                         count);
                x = X_429_SEG;
            } else {
                snprintf(why_buf, sizeof why_buf,
                         "A 429 loses nothing: Mixpanel takes at most about %s events/s per "
                         "project, and the SDK keeps the batch on the device and sends it again "
                         "after a backoff.", count);
                x = X_429_SDK;
            }
            why = why_buf;
        } else if (p->status == LAGSIM_RESP_400 && p->code != 400 && p->code != 0) {
            snprintf(text, size, "Mixpanel answers %" PRIu32 "%s", p->code,
                     p->code == 413 ? " (request too large)" : "");
            x = X_FAILED;
            why = "Whether a 4xx is retried depends on the SDK: Segment's libraries retry "
                  "408, 410 and 460, mixpanel-js halves its batch on 413, most drop the rest.";
        } else {
            snprintf(text, size, "%s%s",
                     p->status == LAGSIM_RESP_5XX ? "Mixpanel answers 5xx (an outage or a "
                                                    "server error)"
                     : p->status == LAGSIM_RESP_400 ? "Mixpanel answers 400 (bad request)"
                                                    : "no answer in time: the request times out",
                     p->status == LAGSIM_RESP_5XX ? extra : "");
            x = X_FAILED;
            why = "A 5xx or a timeout is retried like a 429: the event stays with its sender.";
        }
        break;
    case LAGSIM_TRACE_BACKOFF:
        if (p->delay == LAGSIM_TRACE_NEXT_FLUSH)
            snprintf(extra, sizeof extra, "until its next flush tick");
        else
            snprintf(extra, sizeof extra, "%s%s", p->behind ? "for " : "",
                     lagsim_format_duration(d, sizeof d, p->delay));
        if (p->paused > 0) {
            snprintf(text, size, "the %s publisher pauses %s on Retry-After: %" PRIu32
                                 " batch%s wait%s, and all wake at the same moment",
                     sdk->preset, lagsim_format_duration(d, sizeof d, p->delay), p->paused,
                     p->paused == 1 ? "" : "es", p->paused == 1 ? "s" : "");
            x = X_PAUSE;
            why = "analytics-node pauses its whole publisher for a 429's Retry-After: every "
                  "waiting batch and every new one is sent when the pause ends, together, "
                  "which can draw 429s again (a retry storm). These waits do not count "
                  "toward maxRetries; a cap of maxRetries + 20 attempts drops the events.";
        } else if (p->retry_after > 0 && p->by != LAGSIM_TRACE_BY_SEGMENT) {
            char ra[LAGSIM_DURATION_MAX];
            snprintf(text, size, "%s hears the answer and honours its Retry-After (%s): it "
                                 "waits %s before retry %" PRIu32, sdk->preset,
                     lagsim_format_duration(ra, sizeof ra, p->retry_after), extra,
                     p->attempt - 1);
            x = X_RETRY_AFTER;
            why = "A Retry-After header tells the sender when to come back; each SDK honours "
                  "it its own way (the batch waits it, or the longer of it and the backoff), "
                  "and browsers' mixpanel-js cannot read it at all.";
        } else if (p->by == LAGSIM_TRACE_BY_SEGMENT) {
            snprintf(text, size, "Segment hears the answer and backs off: it waits %s "
                                 "before retry %" PRIu32, extra, p->attempt - 1);
            snprintf(why_buf, sizeof why_buf,
                     "Segment waits a random, growing time between tries (exponential backoff "
                     "with jitter), so that its retries do not all hit Mixpanel at once; it "
                     "keeps trying for %s.",
                     lagsim_format_duration(d, sizeof d, n->sc->segment.retry_window));
            x = X_BACKOFF_SEG;
            why = why_buf;
        } else if (p->behind) {
            snprintf(text, size, "%s backs off after an earlier request failed: it sends "
                                 "nothing %s, so this event waits in its queue",
                     sdk->preset, extra);
            x = X_BACKOFF_SDK;
            why = "Each device backs off on its SDK's own schedule, often doubling the wait "
                  "after every failure; an SDK that sends one request at a time sends nothing "
                  "else meanwhile.";
        } else {
            snprintf(text, size, "%s hears the answer and backs off: it waits %s before "
                                 "retry %" PRIu32, sdk->preset, extra, p->attempt - 1);
            x = X_BACKOFF_SDK;
            why = "Each device backs off on its SDK's own schedule, often doubling the wait "
                  "after every failure; an SDK that sends one request at a time sends nothing "
                  "else meanwhile.";
        }
        break;
    case LAGSIM_TRACE_DELIVERED:
        snprintf(text, size, "DELIVERED: Mixpanel accepts it (2xx)");
        if (p->path == LAGSIM_MODE_CLOUD) {
            x = X_DELIVERED_CLOUD;
            why = "Segment's Event Delivery dashboard now counts this event as Delivered, yet "
                  "nobody can see it in Mixpanel's reports: ingestion, identity resolution and "
                  "indexing come first.";
        } else {
            x = X_DELIVERED_DEVICE;
            why = "Mixpanel has the event now, but it is not in reports yet: ingestion, "
                  "identity resolution and indexing come first.";
        }
        break;
    case LAGSIM_TRACE_ANSWER_LOST:
        snprintf(text, size, "but the 2xx never reaches the sender (lost, late, or the "
                             "page is gone): it keeps a copy to send again");
        x = X_COPY;
        why = "Sending it twice is harmless: every event carries an $insert_id, and Mixpanel "
              "keeps one event per $insert_id.";
        break;
    case LAGSIM_TRACE_INGESTED:
        snprintf(text, size, "ingested by Mixpanel");
        break;
    case LAGSIM_TRACE_IDENTITY:
        snprintf(text, size, "identity resolved: %s",
                 p->identity == LAGSIM_IDENTITY_NEW     ? "a new distinct_id, a new profile"
                 : p->identity == LAGSIM_IDENTITY_MERGE ? "an identity merge (the slow kind)"
                                                        : "a known distinct_id");
        break;
    case LAGSIM_TRACE_VISIBLE:
        snprintf(text, size, "VISIBLE: indexed, it shows in reports");
        x = X_VISIBLE;
        why = "Only now does the event count in Insights, Funnels and the other reports.";
        break;
    case LAGSIM_TRACE_DUPLICATE:
        snprintf(text, size, "a copy reaches Mixpanel again; $insert_id deduplication "
                             "removes it");
        x = X_DUPLICATE;
        why = "Mixpanel recognises an event it already has (same event name, distinct_id, "
              "time and $insert_id) and keeps only one.";
        break;
    case LAGSIM_TRACE_DROPPED:
        say_dropped(p, text, size);
        if (!p->copy && p->reason == LAGSIM_DROP_ADBLOCK) {
            x = X_ADBLOCK;
            why = "Ad blockers block requests to well-known analytics hosts; sending through "
                  "your own domain (a first-party proxy) gets around them.";
        } else if (!p->copy && p->reason == LAGSIM_DROP_SAMPLED) {
            x = X_SAMPLED;
            why = "Sampling is a choice, not a loss: while traffic is high the policy keeps "
                  "only a share of low-priority events to protect the rest.";
        } else if (!p->copy && p->reason == LAGSIM_DROP_RETRY_WINDOW) {
            x = X_RETRY_WINDOW;
            why = "Segment stops retrying after its retry window and archives what is left: "
                  "those events never reach Mixpanel.";
        } else if (!p->copy && p->reason == LAGSIM_DROP_RETRY_LIMIT) {
            x = X_RETRY_LIMIT;
            why = "Each SDK allows only so many retries (or so much time); then it gives up.";
        }
        break;
    case LAGSIM_TRACE_IN_FLIGHT:
        snprintf(text, size, "still on its way when the run ended");
        x = X_IN_FLIGHT;
        why = "The run ended (its drain limit, or a stop) before this event settled.";
        break;
    case LAGSIM_TRACE_KIND_COUNT:
        break;
    }
    if (x < 0 || !why) {
        why_out[0] = '\0';
        return -1;
    }
    snprintf(why_out, why_size, "%s", why);
    return x;
}

int lsi_trace_describe(const lagsim_scenario_t *sc, const lagsim_trace_point_t *p, char *text,
                       size_t text_size, char *why, size_t why_size)
{
    const narrator_t n = {NULL, sc, NULL};
    return describe(&n, p, text, text_size, why, why_size);
}

/* One milestone's line, and its explanation if not given yet. */
static void tell(narrator_t *n, const lagsim_trace_point_t *p, lagsim_time_t step)
{
    char text[LSI_TRACE_TEXT_MAX], why[LSI_TRACE_TEXT_MAX];
    const int x = describe(n, p, text, sizeof text, why, sizeof why);
    line(n, p->at - p->fired_at, step, text);
    if (x >= 0)
        explain(n, (enum explain)x, why);
}

/* Sort: by event, then time, then the order reported. */
static int cmp_order(const void *a, const void *b)
{
    const lsi_trace_order_t *x = a, *y = b;
    if (x->p->event != y->p->event)
        return x->p->event < y->p->event ? -1 : 1;
    if (x->p->at != y->p->at)
        return x->p->at < y->p->at ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

lsi_trace_order_t *lsi_trace_sort(const lagsim_trace_point_t *points, size_t n_points,
                                  uint32_t *events)
{
    lsi_trace_order_t *order = malloc((n_points ? n_points : 1) * sizeof *order);
    if (!order)
        return NULL;
    uint32_t total = 0;
    for (size_t i = 0; i < n_points; i++) {
        order[i].p = &points[i];
        order[i].seq = i;
        if (points[i].event + 1 > total)
            total = points[i].event + 1;
    }
    qsort(order, n_points, sizeof *order, cmp_order);
    *events = total;
    return order;
}

size_t lsi_trace_event_end(const lsi_trace_order_t *order, size_t n, size_t i,
                           lagsim_time_t *visible_at, const lagsim_trace_point_t **drop)
{
    size_t end = i;
    *visible_at = -1;
    *drop = NULL;
    while (end < n && order[end].p->event == order[i].p->event) {
        const lagsim_trace_point_t *p = order[end].p;
        if (p->kind == LAGSIM_TRACE_VISIBLE)
            *visible_at = p->at;
        if (p->kind == LAGSIM_TRACE_DROPPED && !p->copy)
            *drop = p;
        end++;
    }
    return end;
}

/* How an event's journey ended, from its last milestones. */
static void ending(narrator_t *n, const lagsim_trace_point_t *fired, lagsim_time_t visible,
                   const lagsim_trace_point_t *drop, const lagsim_trace_point_t *last)
{
    char d[LAGSIM_DURATION_MAX];
    if (visible >= 0)
        fprintf(n->f, "  = visible %s after it was fired\n",
                lagsim_format_duration(d, sizeof d, visible - fired->fired_at));
    else if (drop)
        fprintf(n->f, "  = dropped (%s) %s after it was fired\n",
                lagsim_drop_reason_name(drop->reason),
                lagsim_format_duration(d, sizeof d, drop->at - fired->fired_at));
    else
        fprintf(n->f, "  = not settled %s after it was fired\n",
                lagsim_format_duration(d, sizeof d, last->at - fired->fired_at));
}

int lagsim_report_trace(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_point_t *points,
                        size_t n_points, uint32_t *explained)
{
    narrator_t n = {f, sc, explained};
    uint32_t total;
    lsi_trace_order_t *order = lsi_trace_sort(points, n_points, &total);
    if (!order)
        return LAGSIM_ENOMEM;

    uint32_t visible = 0, dropped = 0, unsettled = 0;
    double visible_sum = 0;
    lagsim_time_t longest = 0;
    for (size_t i = 0; i < n_points;) {
        const lagsim_trace_point_t *first = order[i].p, *drop;
        lagsim_time_t seen, prev = first->fired_at;
        const size_t end = lsi_trace_event_end(order, n_points, i, &seen, &drop);
        heading(&n, first, total);
        for (size_t k = i; k < end; k++) {
            const lagsim_trace_point_t *p = order[k].p;
            tell(&n, p, k == i ? -1 : p->at - prev);
            prev = p->at;
        }
        ending(&n, first, seen, drop, order[end - 1].p);
        if (seen >= 0) {
            visible++;
            visible_sum += (double)(seen - first->fired_at);
            if (seen - first->fired_at > longest)
                longest = seen - first->fired_at;
        } else if (drop) {
            dropped++;
        } else {
            unsettled++;
        }
        i = end;
    }
    free(order);

    char mean[LAGSIM_DURATION_MAX], most[LAGSIM_DURATION_MAX], summary[256], first[48];
    size_t len = (size_t)snprintf(summary, sizeof summary, "%" PRIu32 " visible", visible);
    if (visible)
        len += (size_t)snprintf(summary + len, sizeof summary - len,
                                " (fired to visible: mean %s, longest %s)",
                                lagsim_format_duration(mean, sizeof mean,
                                                       (lagsim_time_t)llround(visible_sum / visible)),
                                lagsim_format_duration(most, sizeof most, longest));
    if (len < sizeof summary)
        snprintf(summary + len, sizeof summary - len, ", %" PRIu32 " dropped, %" PRIu32
                 " not settled.", dropped, unsettled);
    snprintf(first, sizeof first, "\n%" PRIu32 " event%s followed:", total, total == 1 ? "" : "s");
    lsi_report_wrap(f, first, 2, WIDTH, summary);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
