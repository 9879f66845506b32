/*
 * report_trace_json.c - owns lagsim_report_trace_json(): the journeys of
 * the events traced runs followed, as one JSON object for programs (the
 * text narration, for people, is report_trace.c's).
 *
 * Central idea: the same milestones, in the same order (lsi_trace_sort)
 * and with the same words (lsi_trace_describe) as the text, but each step
 * carries its data as keys - when, what, the status, the backoff, the
 * drop reason - and the words ride along in two fields of their own,
 * "text" and "explanation", which a program can ignore. Numbers go
 * through report_json.c's printers (times as exact decimal seconds), so
 * the same points give the same bytes.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/version.h"
#include "report/report_internal.h"

static const char *identity_name(enum lagsim_identity id)
{
    switch (id) {
    case LAGSIM_IDENTITY_KNOWN: return "known";
    case LAGSIM_IDENTITY_NEW: return "new";
    case LAGSIM_IDENTITY_MERGE: return "merge";
    }
    return "known";
}

static const char *by_name(enum lagsim_trace_by by)
{
    return by == LAGSIM_TRACE_BY_SEGMENT ? "segment" : "sdk";
}

static const char *bool_name(uint32_t b)
{
    return b ? "true" : "false";
}

/* How the run of one mode ended, for "stopped". */
static const char *stopped_name(int partial)
{
    switch (partial) {
    case LAGSIM_STOP_TRACED: return "settled";
    case LAGSIM_STOP_NONE: return "ran_to_end";
    default: return lagsim_stop_reason_name((enum lagsim_stop_reason)partial);
    }
}

/* `, "key": ` then seconds. */
static void key_seconds(FILE *f, const char *key, lagsim_time_t us)
{
    fprintf(f, ", \"%s\": ", key);
    lsi_json_seconds(f, us);
}

/* The keys that depend on the kind of milestone (after "step"). */
static void step_details(FILE *f, const lagsim_trace_point_t *p)
{
    switch (p->kind) {
    case LAGSIM_TRACE_QUEUED:
        fprintf(f, ", \"queued\": %" PRIu64, p->queued);
        key_seconds(f, "sdk_backoff_s", p->delay > 0 ? p->delay : 0);
        break;
    case LAGSIM_TRACE_SESSION_END:
        fprintf(f, ", \"flushed\": %s, \"kept\": %s", bool_name(p->flushed), bool_name(p->kept));
        break;
    case LAGSIM_TRACE_OFFLINE:
        fprintf(f, ", \"attempt\": %" PRIu32, p->attempt);
        break;
    case LAGSIM_TRACE_SENT:
        fprintf(f, ", \"by\": \"%s\", \"to\": \"%s\", \"batch\": %" PRIu32 ", \"attempt\": %" PRIu32,
                by_name(p->by), p->to == LAGSIM_ENDPOINT_SEGMENT ? "segment" : "mixpanel",
                p->batch, p->attempt);
        if (p->by == LAGSIM_TRACE_BY_SDK)
            fprintf(f, ", \"trigger\": \"%s\"", lagsim_trace_trigger_name(p->trigger));
        break;
    case LAGSIM_TRACE_SEGMENT_QUEUED:
        fprintf(f, ", \"queued\": %" PRIu64, p->queued);
        break;
    case LAGSIM_TRACE_REFUSED:
        fprintf(f, ", \"by\": \"%s\", \"status\": ", by_name(p->by));
        lagsim_json_string(f, lagsim_response_name(p->status));
        fprintf(f, ", \"batch\": %" PRIu32 ", \"attempt\": %" PRIu32, p->batch, p->attempt);
        if (p->status == LAGSIM_RESP_400 && p->code != 400 && p->code != 0)
            fprintf(f, ", \"code\": %" PRIu32, p->code);
        if (p->retry_after > 0)
            key_seconds(f, "retry_after_s", p->retry_after);
        if (p->at_segment)
            fputs(", \"at\": \"segment\"", f);
        break;
    case LAGSIM_TRACE_BACKOFF:
        fprintf(f, ", \"by\": \"%s\", \"backoff_s\": ", by_name(p->by));
        if (p->delay == LAGSIM_TRACE_NEXT_FLUSH)
            fputs("null", f);
        else
            lsi_json_seconds(f, p->delay);
        fprintf(f, ", \"until_next_flush\": %s, \"behind\": %s, \"attempt\": %" PRIu32,
                bool_name(p->delay == LAGSIM_TRACE_NEXT_FLUSH), bool_name(p->behind), p->attempt);
        if (p->retry_after > 0)
            key_seconds(f, "retry_after_s", p->retry_after);
        if (p->paused > 0)
            fprintf(f, ", \"paused_batches\": %" PRIu32, p->paused);
        break;
    case LAGSIM_TRACE_DELIVERED:
        fprintf(f, ", \"by\": \"%s\", \"status\": \"2xx\", \"batch\": %" PRIu32
                   ", \"attempt\": %" PRIu32, by_name(p->by), p->batch, p->attempt);
        break;
    case LAGSIM_TRACE_IDENTITY:
        fprintf(f, ", \"identity\": \"%s\"", identity_name(p->identity));
        break;
    case LAGSIM_TRACE_DUPLICATE:
        fprintf(f, ", \"copy\": %s", bool_name(p->copy));
        break;
    case LAGSIM_TRACE_DROPPED:
        fputs(", \"reason\": ", f);
        lagsim_json_string(f, lagsim_drop_reason_name(p->reason));
        fprintf(f, ", \"copy\": %s", bool_name(p->copy));
        break;
    case LAGSIM_TRACE_FIRED:
    case LAGSIM_TRACE_SEGMENT_ACCEPTED:
    case LAGSIM_TRACE_ANSWER_LOST:
    case LAGSIM_TRACE_INGESTED:
    case LAGSIM_TRACE_VISIBLE:
    case LAGSIM_TRACE_IN_FLIGHT:
    case LAGSIM_TRACE_KIND_COUNT:
        break;
    }
}

/* One followed event: what it is, how it ended, its steps. */
static void json_event(FILE *f, const lagsim_scenario_t *sc, const lsi_trace_order_t *order,
                       size_t begin, size_t end, lagsim_time_t visible_at,
                       const lagsim_trace_point_t *drop)
{
    const lagsim_trace_point_t *e = order[begin].p, *last = order[end - 1].p;
    const int known_client = e->client < sc->n_clients;
    fprintf(f, "        {\"id\": %" PRIu32 ", \"type\": ", e->event + 1);
    lagsim_json_string(f, e->type < sc->n_event_types ? sc->event_types[e->type].name : "?");
    fprintf(f, ", \"user\": %" PRIu64 ", \"mode\": \"%s\", \"client\": ", e->user,
            lagsim_mode_name(e->path));
    lagsim_json_string(f, known_client ? sc->clients[e->client].name : "?");
    fputs(", \"sdk\": ", f);
    lagsim_json_string(f, known_client
                              ? sc->clients[e->client].sdk[e->path == LAGSIM_MODE_DEVICE].preset
                              : "?");
    fprintf(f, ", \"bytes\": %" PRIu32 ", \"identity\": \"%s\"", e->bytes,
            identity_name(e->identity));
    key_seconds(f, "fired_at_s", e->fired_at);

    /* How it ended: visible, dropped, or still in flight at its last step. */
    const lagsim_time_t at = visible_at >= 0 ? visible_at : drop ? drop->at : last->at;
    fprintf(f, ",\n         \"outcome\": {\"status\": \"%s\"",
            visible_at >= 0 ? "visible" : drop ? "dropped" : "in_flight");
    key_seconds(f, "at_s", at);
    key_seconds(f, "after_s", at - e->fired_at);
    fputs(", \"reason\": ", f);
    if (visible_at < 0 && drop)
        lagsim_json_string(f, lagsim_drop_reason_name(drop->reason));
    else
        fputs("null", f);
    fputs("},\n         \"steps\": [", f);

    char text[LSI_TRACE_TEXT_MAX], why[LSI_TRACE_TEXT_MAX];
    for (size_t k = begin; k < end; k++) {
        const lagsim_trace_point_t *p = order[k].p;
        const int x = lsi_trace_describe(sc, p, text, sizeof text, why, sizeof why);
        fputs(k == begin ? "\n           {\"at_s\": " : ",\n           {\"at_s\": ", f);
        lsi_json_seconds(f, p->at);
        key_seconds(f, "since_fired_s", p->at - p->fired_at);
        fprintf(f, ", \"step\": \"%s\"", lagsim_trace_kind_name(p->kind));
        step_details(f, p);
        fputs(", \"text\": ", f);
        lagsim_json_string(f, text);
        fputs(", \"explanation\": ", f);
        if (x >= 0)
            lagsim_json_string(f, why);
        else
            fputs("null", f);
        fputc('}', f);
    }
    fputs(end > begin ? "\n         ]}" : "]}", f);
}

/* One mode's run: how it stopped, a summary, every followed event. */
static int json_mode(FILE *f, const lagsim_scenario_t *sc, const lagsim_traced_run_t *run)
{
    uint32_t total;
    lsi_trace_order_t *order = lsi_trace_sort(run->points, run->n_points, &total);
    if (!order)
        return LAGSIM_ENOMEM;
    uint32_t visible = 0, dropped = 0, in_flight = 0;
    for (size_t i = 0; i < run->n_points;) {
        lagsim_time_t seen;
        const lagsim_trace_point_t *drop;
        i = lsi_trace_event_end(order, run->n_points, i, &seen, &drop);
        visible += seen >= 0;
        dropped += seen < 0 && drop;
        in_flight += seen < 0 && !drop;
    }
    fprintf(f, "    \"%s\": {\n      \"stopped\": \"%s\"", lagsim_mode_name(run->mode),
            stopped_name(run->partial));
    key_seconds(f, "end_time_s", run->end_time);
    fprintf(f, ",\n      \"summary\": {\"followed\": %" PRIu32 ", \"visible\": %" PRIu32
               ", \"dropped\": %" PRIu32 ", \"in_flight\": %" PRIu32 "},\n      \"events\": [",
            total, visible, dropped, in_flight);
    for (size_t i = 0; i < run->n_points;) {
        lagsim_time_t seen;
        const lagsim_trace_point_t *drop;
        const size_t end = lsi_trace_event_end(order, run->n_points, i, &seen, &drop);
        fputs(i ? ",\n" : "\n", f);
        json_event(f, sc, order, i, end, seen, drop);
        i = end;
    }
    fputs(run->n_points ? "\n      ]\n    }" : "]\n    }", f);
    free(order);
    return LAGSIM_OK;
}

int lagsim_report_trace_json(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_t *trace,
                             const lagsim_traced_run_t *runs, size_t n_runs,
                             const lagsim_manifest_t *manifest)
{
    fputs("{\n  \"lagsim_version\": \"" LAGSIM_VERSION_STRING "\",\n", f);
    if (manifest)
        lsi_manifest_json(f, 2, manifest, NULL);
    char name[sizeof sc->name];
    memcpy(name, sc->name, sizeof name);
    name[sizeof name - 1] = '\0';
    fputs("  \"scenario\": ", f);
    lagsim_json_string(f, name);
    fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"trace\": {\"follow\": %" PRIu32
               ", \"filter\": ", sc->seed, trace->follow);
    if (trace->type >= 0 && (unsigned)trace->type < sc->n_event_types)
        lagsim_json_string(f, sc->event_types[trace->type].name);
    else
        fputs("null", f);
    fprintf(f, ", \"spread\": \"%s\"", sc->n_bursts ? "largest_burst" : "after_warm_up");
    key_seconds(f, "from_s", trace->from);
    key_seconds(f, "gap_s", trace->gap);
    fputs("},\n  \"modes\": {", f);
    for (size_t r = 0; r < n_runs; r++) {
        fputs(r ? ",\n" : "\n", f);
        const int rc = json_mode(f, sc, &runs[r]);
        if (rc != LAGSIM_OK)
            return rc;
    }
    fputs(n_runs ? "\n  }\n}\n" : "}\n}\n", f);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
