/*
 * report_md_trace.c - owns lagsim_report_trace_md(): the journeys of a
 * trace (--format md) as GitHub-flavoured Markdown, for pasting into
 * documents and tickets. Per mode a heading and, per followed event, a
 * heading (id, type, user, client, when it was fired), a table of its
 * milestones in telling order (time since fired, step, status, what
 * happened - the text narration's words, lsi_trace_describe()) and a line
 * with its outcome (visible, dropped and why, or not settled); then the
 * manifest. Cells are escaped for '|' (report_md.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "report/report_internal.h"

/* The status cell of a milestone: Mixpanel's answer, or the drop reason. */
static const char *md_status(const lagsim_trace_point_t *p)
{
    switch (p->kind) {
    case LAGSIM_TRACE_REFUSED: return lagsim_response_name(p->status);
    case LAGSIM_TRACE_DELIVERED: return "2xx";
    case LAGSIM_TRACE_DROPPED: return lagsim_drop_reason_name(p->reason);
    case LAGSIM_TRACE_FIRED:
    case LAGSIM_TRACE_QUEUED:
    case LAGSIM_TRACE_SESSION_END:
    case LAGSIM_TRACE_OFFLINE:
    case LAGSIM_TRACE_SENT:
    case LAGSIM_TRACE_SEGMENT_ACCEPTED:
    case LAGSIM_TRACE_SEGMENT_QUEUED:
    case LAGSIM_TRACE_ANSWER_LOST:
    case LAGSIM_TRACE_BACKOFF:
    case LAGSIM_TRACE_INGESTED:
    case LAGSIM_TRACE_IDENTITY:
    case LAGSIM_TRACE_DUPLICATE:
    case LAGSIM_TRACE_VISIBLE:
    case LAGSIM_TRACE_IN_FLIGHT:
    case LAGSIM_TRACE_KIND_COUNT: break;
    }
    return "";
}

static void md_event(FILE *f, const lagsim_scenario_t *sc, const lsi_trace_order_t *order,
                     size_t begin, size_t end, lagsim_time_t visible_at,
                     const lagsim_trace_point_t *drop)
{
    const lagsim_trace_point_t *e = order[begin].p, *last = order[end - 1].p;
    char d[LAGSIM_DURATION_MAX];
    fprintf(f, "\n### Event %" PRIu32 ": ", e->event + 1);
    const char *type = e->type < sc->n_event_types ? sc->event_types[e->type].name : "?";
    const char *client = e->client < sc->n_clients ? sc->clients[e->client].name : "?";
    for (const char *s = type; *s; s++)
        fprintf(f, *s == '|' || *s == '*' || *s == '_' ? "\\%c" : "%c", *s);
    fprintf(f, ", user %" PRIu64 ", client ", e->user);
    for (const char *s = client; *s; s++)
        fprintf(f, *s == '|' || *s == '*' || *s == '_' ? "\\%c" : "%c", *s);
    fprintf(f, ", fired at %s\n\n", lagsim_format_duration(d, sizeof d, e->fired_at));
    /* The time right-aligned, the words left-aligned. */
    fputs("| since fired | step | status | what happened |\n| ---: | --- | --- | --- |\n", f);
    for (size_t k = begin; k < end; k++) {
        const lagsim_trace_point_t *p = order[k].p;
        char text[LSI_TRACE_TEXT_MAX], why[LSI_TRACE_TEXT_MAX];
        lsi_trace_describe(sc, p, text, sizeof text, why, sizeof why);
        const char *r[4] = {lagsim_format_duration(d, sizeof d, p->at - p->fired_at),
                            lagsim_trace_kind_name(p->kind), md_status(p), text};
        lsi_md_row(f, r, 4);
    }
    if (visible_at >= 0)
        fprintf(f, "\nOutcome: **visible** %s after it was fired.\n",
                lagsim_format_duration(d, sizeof d, visible_at - e->fired_at));
    else if (drop)
        fprintf(f, "\nOutcome: **dropped** (%s) %s after it was fired.\n",
                lagsim_drop_reason_name(drop->reason),
                lagsim_format_duration(d, sizeof d, drop->at - e->fired_at));
    else
        fprintf(f, "\nOutcome: **not settled** %s after it was fired.\n",
                lagsim_format_duration(d, sizeof d, last->at - e->fired_at));
}

static int md_mode(FILE *f, const lagsim_scenario_t *sc, const lagsim_traced_run_t *run)
{
    fprintf(f, "\n## %s mode\n", lagsim_mode_name(run->mode));
    if (run->n_points == 0) {
        fputs("\nNo event matched: none was fired at or after the first instant.\n", f);
        return LAGSIM_OK;
    }
    uint32_t total;
    lsi_trace_order_t *order = lsi_trace_sort(run->points, run->n_points, &total);
    if (!order)
        return LAGSIM_ENOMEM;
    for (size_t i = 0; i < run->n_points;) {
        lagsim_time_t seen;
        const lagsim_trace_point_t *drop;
        const size_t end = lsi_trace_event_end(order, run->n_points, i, &seen, &drop);
        md_event(f, sc, order, i, end, seen, drop);
        i = end;
    }
    free(order);
    return LAGSIM_OK;
}

int lagsim_report_trace_md(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_t *trace,
                           const lagsim_traced_run_t *runs, size_t n_runs,
                           const lagsim_manifest_t *manifest)
{
    char from[LAGSIM_DURATION_MAX], gap[LAGSIM_DURATION_MAX];
    fputs("# lagsim trace: ", f);
    for (size_t i = 0; i < sizeof sc->name && sc->name[i]; i++) {
        const unsigned char ch = (unsigned char)sc->name[i];
        fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
    }
    fprintf(f, "\n\n%" PRIu32 " %s followed from %s, one every %s (seed %" PRIu64 ").\n",
            trace->follow, trace->follow == 1 ? "event" : "events",
            lagsim_format_duration(from, sizeof from, trace->from),
            lagsim_format_duration(gap, sizeof gap, trace->gap), sc->seed);
    for (size_t r = 0; r < n_runs; r++) {
        const int rc = md_mode(f, sc, &runs[r]);
        if (rc != LAGSIM_OK)
            return rc;
    }
    lsi_md_manifest(f, manifest);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
