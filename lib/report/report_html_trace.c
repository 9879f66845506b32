/*
 * report_html_trace.c - owns lagsim_report_trace_html(): the journeys of
 * the followed events as a swimlane chart per mode. Each event gets three
 * lanes (client, Segment, Mixpanel) on one axis of time since it was
 * fired; a bar shows where the event waited between two milestones (red:
 * a backoff), ticks mark the milestones (red: a refusal such as a 429),
 * and a black diamond when it became visible. The milestones in words
 * (lsi_trace_describe, the text narration's) are in a table under it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/report_svg.h"

#define W 880.0
#define MAX_SHOWN 12 /* events drawn per chart; the table has them all */

enum lane { LANE_CLIENT, LANE_SEGMENT, LANE_MIXPANEL, LANE_NONE };

static const char *const lane_name[3] = {"client", "Segment", "Mixpanel"};
static const char *const lane_colour[3] = {"#E69F00", "#56B4E9", "#009E73"};
#define BACKOFF_COLOUR "#D55E00"
#define REFUSED_COLOUR "#000000"

/* Where the event is from milestone p on. */
static enum lane lane_after(const lagsim_trace_point_t *p, enum lane cur)
{
    switch (p->kind) {
    case LAGSIM_TRACE_FIRED:
    case LAGSIM_TRACE_QUEUED:
    case LAGSIM_TRACE_SESSION_END:
    case LAGSIM_TRACE_OFFLINE: return LANE_CLIENT;
    case LAGSIM_TRACE_SEGMENT_ACCEPTED:
    case LAGSIM_TRACE_SEGMENT_QUEUED: return LANE_SEGMENT;
    case LAGSIM_TRACE_SENT:
    case LAGSIM_TRACE_REFUSED:
    case LAGSIM_TRACE_BACKOFF: return p->by == LAGSIM_TRACE_BY_SEGMENT ? LANE_SEGMENT : LANE_CLIENT;
    case LAGSIM_TRACE_DELIVERED:
    case LAGSIM_TRACE_ANSWER_LOST:
    case LAGSIM_TRACE_INGESTED:
    case LAGSIM_TRACE_IDENTITY: return LANE_MIXPANEL;
    case LAGSIM_TRACE_DUPLICATE: return cur;
    case LAGSIM_TRACE_VISIBLE:
    case LAGSIM_TRACE_DROPPED:
    case LAGSIM_TRACE_IN_FLIGHT:
    case LAGSIM_TRACE_KIND_COUNT: break;
    }
    return LANE_NONE;
}

static void swimlane(FILE *f, const lagsim_scenario_t *sc, const lagsim_traced_run_t *run,
                     const lsi_trace_order_t *order)
{
    /* The events shown, and the longest journey among them. */
    size_t starts[MAX_SHOWN + 1];
    size_t ne = 0;
    double span = 1;
    for (size_t i = 0; i < run->n_points && ne < MAX_SHOWN;) {
        lagsim_time_t seen;
        const lagsim_trace_point_t *drop;
        const size_t end = lsi_trace_event_end(order, run->n_points, i, &seen, &drop);
        starts[ne++] = i;
        for (size_t j = i; j < end; j++) {
            const double t = (double)(order[j].p->at - order[j].p->fired_at) / 1e6;
            if (t > span)
                span = t;
        }
        i = end;
    }
    starts[ne] = run->n_points;
    if (ne == 0)
        return;
    const size_t lanes = 3 * ne;
    char id[48], title[128];
    snprintf(id, sizeof id, "chart-swimlane-%s", lagsim_mode_name(run->mode));
    snprintf(title, sizeof title, "Journeys of the followed events, %s mode",
             lagsim_mode_name(run->mode));
    lsi_fig_t fig;
    lsi_fig_init(&fig, id, title, "time since the event was fired", "", W,
                 36 + 18.0 * (double)lanes + 8.0 * (double)ne + 100);
    fig.left = 190;
    fig.bottom = 100;
    fig.no_yticks = 1;
    fig.xkind = LSI_AXIS_TIME;
    fig.xhi = span * 1.04;
    fig.ylo = 0;
    fig.yhi = (double)lanes + 0.4 * (double)ne;
    for (int l = 0; l < 3; l++)
        lsi_fig_legend(&fig, lane_name[l], lane_colour[l], NULL, 1);
    lsi_fig_legend(&fig, "backoff wait", BACKOFF_COLOUR, NULL, 1);
    lsi_fig_legend(&fig, "refused: dot (429, 5xx, ...)", REFUSED_COLOUR, NULL, 0);
    lsi_fig_legend(&fig, "dropped: dot", "#CC79A7", NULL, 0);
    lsi_fig_begin(f, &fig);
    for (size_t e = 0; e < ne; e++) {
        const double top = fig.yhi - (double)e * 3.4; /* 3 lanes and a gap */
        const lagsim_trace_point_t *first = order[starts[e]].p;
        char lab[96], at[LAGSIM_DURATION_MAX];
        for (int l = 0; l < 3; l++) {
            if (l == 0)
                snprintf(lab, sizeof lab, "event %u at %s: %s", (unsigned)first->event + 1,
                         lagsim_format_duration(at, sizeof at, first->fired_at), lane_name[l]);
            else
                snprintf(lab, sizeof lab, "%s", lane_name[l]);
            lsi_fig_text_px(f, fig.left - 8, lsi_svg_map(&fig.y, top - l - 0.5) + 4, "end", lab);
        }
        enum lane cur = LANE_NONE;
        int in_backoff = 0;
        for (size_t j = starts[e]; j < starts[e + 1]; j++) {
            const lagsim_trace_point_t *p = order[j].p;
            const double t = (double)(p->at - p->fired_at) / 1e6;
            /* the bar from this milestone to the next */
            const enum lane next = lane_after(p, cur);
            if (p->kind == LAGSIM_TRACE_BACKOFF)
                in_backoff = 1;
            else if (p->kind == LAGSIM_TRACE_SENT || p->kind == LAGSIM_TRACE_DELIVERED)
                in_backoff = 0;
            if (next != LANE_NONE && j + 1 < starts[e + 1]) {
                const double t1 = (double)(order[j + 1].p->at - p->fired_at) / 1e6;
                char tip[96], d[LAGSIM_DURATION_MAX];
                snprintf(tip, sizeof tip, "%s: %s after %s", lane_name[next],
                         lsi_html_dur(d, sizeof d, order[j + 1].p->at - p->at),
                         lagsim_trace_kind_name(p->kind));
                if (t1 > t)
                    lsi_fig_rect(f, &fig, t, top - (double)next - 0.8, t1, top - (double)next - 0.2,
                                 in_backoff ? BACKOFF_COLOUR : lane_colour[next], tip);
            }
            const enum lane mark = next != LANE_NONE ? next : cur != LANE_NONE ? cur : LANE_MIXPANEL;
            const double yc = top - (double)mark - 0.5;
            if (p->kind == LAGSIM_TRACE_REFUSED) {
                lsi_fig_marker(f, &fig, t, yc, REFUSED_COLOUR, NULL);
            } else if (p->kind == LAGSIM_TRACE_VISIBLE) {
                lsi_fig_marker(f, &fig, t, yc, "#009E73", "visible");
            } else if (p->kind == LAGSIM_TRACE_DROPPED) {
                lsi_fig_marker(f, &fig, t, yc, "#CC79A7",
                               lagsim_drop_reason_name(p->reason));
            } else {
                const double px = lsi_svg_map(&fig.x, t);
                fputs("<line x1=\"", f);
                lsi_svg_num(f, px);
                fputs("\" x2=\"", f);
                lsi_svg_num(f, px);
                fputs("\" y1=\"", f);
                lsi_svg_num(f, lsi_svg_map(&fig.y, yc + 0.35));
                fputs("\" y2=\"", f);
                lsi_svg_num(f, lsi_svg_map(&fig.y, yc - 0.35));
                fputs("\" stroke=\"#333\" stroke-width=\"1\"><title>", f);
                lsi_html_escape(f, lagsim_trace_kind_name(p->kind));
                fputs("</title></line>\n", f);
            }
            if (next != LANE_NONE)
                cur = next;
        }
    }
    lsi_fig_end(f, &fig);
    (void)sc;
}

static int html_mode(FILE *f, const lagsim_scenario_t *sc, const lagsim_traced_run_t *run)
{
    uint32_t total;
    lsi_trace_order_t *order = lsi_trace_sort(run->points, run->n_points, &total);
    if (!order && run->n_points)
        return LAGSIM_ENOMEM;
    fprintf(f, "<h2 id=\"mode-%s\">%s mode</h2>\n", lagsim_mode_name(run->mode),
            lagsim_mode_name(run->mode));
    if (run->n_points == 0) {
        fputs("<p>No event matched.</p>\n", f);
        free(order);
        return LAGSIM_OK;
    }
    swimlane(f, sc, run, order);
    char id[48];
    snprintf(id, sizeof id, "chart-swimlane-%s-data", lagsim_mode_name(run->mode));
    const char *head[] = {"event", "since fired", "step", "what happened"};
    lsi_html_table_begin(f, id, "Every milestone, in words", 0, head, 4);
    for (size_t i = 0; i < run->n_points; i++) {
        const lagsim_trace_point_t *p = order[i].p;
        char ev[16], since[LAGSIM_DURATION_MAX], text[LSI_TRACE_TEXT_MAX], why[LSI_TRACE_TEXT_MAX];
        snprintf(ev, sizeof ev, "%u", (unsigned)p->event + 1);
        lsi_trace_describe(sc, p, text, sizeof text, why, sizeof why);
        const char *row[4] = {ev, lsi_html_dur(since, sizeof since, p->at - p->fired_at),
                              lagsim_trace_kind_name(p->kind), text};
        lsi_html_row(f, row, 4);
    }
    lsi_html_table_end(f, 1);
    free(order);
    return LAGSIM_OK;
}

int lagsim_report_trace_html(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_t *trace,
                             const lagsim_traced_run_t *runs, size_t n_runs,
                             const lagsim_manifest_t *manifest)
{
    char title[160], from[LAGSIM_DURATION_MAX], gap[LAGSIM_DURATION_MAX];
    snprintf(title, sizeof title, "lagsim trace: %.*s", 100, sc->name);
    lsi_html_begin(f, title);
    fprintf(f, "<p class=\"note\">%" PRIu32 " %s followed from %s, one every %s (seed %" PRIu64
               "). Each event has three lanes; a bar shows where it waited between two "
               "milestones, a red bar a backoff, a black dot a refused request (a 429, a "
               "5xx, ...), a labelled dot the moment it became visible or was dropped.</p>\n",
            trace->follow, trace->follow == 1 ? "event" : "events",
            lagsim_format_duration(from, sizeof from, trace->from),
            lagsim_format_duration(gap, sizeof gap, trace->gap), sc->seed);
    for (size_t r = 0; r < n_runs; r++) {
        const int rc = html_mode(f, sc, &runs[r]);
        if (rc != LAGSIM_OK)
            return rc;
    }
    lsi_html_end(f, manifest);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
