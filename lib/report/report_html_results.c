/*
 * report_html_results.c - owns the HTML report of run and compare: one
 * self-contained page with the verdict, the headline table, the latency
 * CDFs and histograms of every mode on one log-time axis, p50/p99 by the
 * minute delivered, the backlog and Mixpanel's pushback over time with
 * bursts and outages shaded, where the time goes, (compare) each paired
 * difference with its 95% interval, drops by reason, theory beside
 * simulation and the manifest. Every chart is followed by its numbers in
 * a <details> table. Same results -> same bytes.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_delivery.h"
#include "report/report_internal.h"
#include "report/report_svg.h"
#include "report/report_theory.h"
#include "report/report_verdict.h"

#define W 880.0 /* chart width in SVG units */
#define CDF_STEPS 20 /* points per decade on the log axes */

typedef const lagsim_replicated_t *const reps_t[LAGSIM_MODE_COUNT];

static const char *mname(int m)
{
    return lagsim_mode_name((enum lagsim_mode)m);
}

/* The log-time range (seconds, whole decades) holding every latency of
 * every mode, delivered and visible: the one x axis of the CDF and the
 * histogram. 0 if nothing was recorded. */
static int latency_range(reps_t reps, double *lo, double *hi)
{
    int64_t mn = INT64_MAX, mx = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const lagsim_hist_t *h[2] = {reps[m]->pooled->latency_delivered,
                                     reps[m]->pooled->latency_visible};
        for (int k = 0; k < 2; k++) {
            if (lagsim_hist_count(h[k]) == 0)
                continue;
            const int64_t low = lagsim_hist_quantile(h[k], 0.001); /* not the odd outlier */
            if (low < mn)
                mn = low;
            if (lagsim_hist_max(h[k]) > mx)
                mx = lagsim_hist_max(h[k]);
        }
    }
    if (mx == 0)
        return 0;
    double a = (double)(mn < 1000 ? 1000 : mn) / 1e6, b = (double)mx / 1e6;
    *lo = pow(10, floor(log10(a)));
    *hi = pow(10, ceil(log10(b * 1.0001)));
    if (*hi <= *lo)
        *hi = *lo * 10;
    return 1;
}

/* The share at or below each grid point of h: x[i] seconds. */
static size_t cdf_points(const lagsim_hist_t *h, double lo, double hi, double *x, double *y,
                         size_t cap)
{
    const double decades = log10(hi / lo);
    size_t n = (size_t)llround(decades * CDF_STEPS) + 1;
    if (n > cap)
        n = cap;
    for (size_t i = 0; i < n; i++) {
        x[i] = lo * pow(10, (double)i / CDF_STEPS);
        y[i] = lagsim_hist_count(h) ? lagsim_hist_share_at_or_below(h, (int64_t)llround(x[i] * 1e6))
                                    : NAN;
    }
    return n;
}

static void section(FILE *f, const char *id, const char *title, const char *what)
{
    fprintf(f, "<h2 id=\"%s\">", id);
    lsi_html_escape(f, title);
    fputs("</h2>\n", f);
    if (what) {
        fputs("<p class=\"note\">", f);
        lsi_html_escape(f, what);
        fputs("</p>\n", f);
    }
}

/* ---- Headline ------------------------------------------------------------ */


static void headline(FILE *f, reps_t reps, uint32_t n)
{
    section(f, "headline", "Headline figures",
            n > 1 ? "Each figure is the mean over the replications ± its 95% confidence "
                    "half-width (Student's t)."
                  : "One replication: each figure is the value of that run.");
    const char *head[1 + LAGSIM_MODE_COUNT] = {"figure"};
    size_t nc = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (reps[m])
            head[nc++] = mname(m);
    lsi_html_table_begin(f, "headline-table", NULL, 0, head, nc);
    for (size_t i = 0; i < lsi_headline_n; i++) {
        char cells[LAGSIM_MODE_COUNT][LSI_HEADLINE_CELL];
        const char *row[1 + LAGSIM_MODE_COUNT];
        lsi_html_row(f, row, lsi_headline_row(i, reps, cells, row));
    }
    lsi_html_table_end(f, 0);
}

/* ---- Latency distributions ------------------------------------------------ */

#define MAXPTS 256

static void cdf_chart(FILE *f, reps_t reps, double lo, double hi)
{
    lsi_fig_t fig;
    lsi_fig_init(&fig, "chart-cdf", "Latency to visible (solid) and to delivered (dashed), CDF",
                 "latency since the event was fired (log scale)", "share of events at or below",
                 W, 380);
    fig.xkind = LSI_AXIS_LOGTIME;
    fig.ykind = LSI_AXIS_PERCENT;
    fig.xlo = lo;
    fig.xhi = hi;
    char labels[LAGSIM_MODE_COUNT][2][48]; /* the legend points into these */
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        snprintf(labels[m][0], sizeof labels[m][0], "%s, to visible", mname(m));
        snprintf(labels[m][1], sizeof labels[m][1], "%s, to delivered", mname(m));
        lsi_fig_legend(&fig, labels[m][0], lsi_svg_mode_colour((enum lagsim_mode)m), NULL, 0);
        lsi_fig_legend(&fig, labels[m][1], lsi_svg_mode_colour((enum lagsim_mode)m), "6 4", 0);
    }
    lsi_fig_begin(f, &fig);
    double x[MAXPTS], y[MAXPTS];
    int marked = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const char *c = lsi_svg_mode_colour((enum lagsim_mode)m);
        size_t n = cdf_points(reps[m]->pooled->latency_delivered, lo, hi, x, y, MAXPTS);
        lsi_fig_line(f, &fig, x, y, n, c, "6 4", 0);
        const lagsim_hist_t *h = reps[m]->pooled->latency_visible;
        n = cdf_points(h, lo, hi, x, y, MAXPTS);
        lsi_fig_line(f, &fig, x, y, n, c, NULL, 0);
        if (lagsim_hist_count(h) == 0)
            continue;
        static const double qs[2] = {0.5, 0.99};
        char d[2][LAGSIM_DURATION_MAX], lab[128];
        for (int k = 0; k < 2; k++) {
            const int64_t v = lagsim_hist_quantile(h, qs[k]);
            lsi_html_dur(d[k], sizeof d[k], v);
            lsi_fig_marker(f, &fig, (double)v / 1e6, qs[k], c, NULL);
        }
        /* The marked values, one line per mode in its colour, top left
         * (where a CDF has not risen yet). */
        snprintf(lab, sizeof lab, "%s to visible: p50 %s, p99 %s", mname(m), d[0], d[1]);
        fprintf(f, "<text class=\"note\" fill=\"%s\" x=\"", c);
        lsi_svg_num(f, fig.x.px0 + 8);
        fputs("\" y=\"", f);
        lsi_svg_num(f, fig.y.px1 + 16 + 15.0 * marked++);
        fputs("\">", f);
        lsi_html_escape(f, lab);
        fputs("</text>\n", f);
    }
    lsi_fig_end(f, &fig);

    static const double qs[] = {0.5, 0.9, 0.99, 0.999};
    const char *head[] = {"mode", "latency", "events", "p50", "p90", "p99", "p99.9", "max"};
    lsi_html_table_begin(f, "chart-cdf-data", "Numbers behind the CDF (pooled histograms)", 0,
                         head, 8);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        for (int k = 0; k < 2; k++) {
            const lagsim_hist_t *h =
                k ? reps[m]->pooled->latency_visible : reps[m]->pooled->latency_delivered;
            char cells[6][LAGSIM_DURATION_MAX], cnt[32];
            lsi_human_count(cnt, sizeof cnt, (double)lagsim_hist_count(h));
            const char *row[8] = {mname(m), k ? "to visible" : "to delivered", cnt};
            for (int q = 0; q < 5; q++)
                row[3 + q] = lagsim_hist_count(h) == 0 ? "-"
                             : q < 4 ? lsi_html_dur(cells[q], sizeof cells[q],
                                                    lagsim_hist_quantile(h, qs[q]))
                                     : lsi_html_dur(cells[q], sizeof cells[q], lagsim_hist_max(h));
            lsi_html_row(f, row, 8);
        }
    }
    lsi_html_table_end(f, 1);
}

static void hist_chart(FILE *f, reps_t reps, double lo, double hi)
{
    /* Share of events per bin of 1/10 decade, on the CDF's axis. */
    enum { PER_DECADE = 10 };
    const size_t bins = (size_t)llround(log10(hi / lo) * PER_DECADE);
    double share[LAGSIM_MODE_COUNT][MAXPTS];
    double ymax = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const lagsim_hist_t *h = reps[m]->pooled->latency_visible;
        double prev = 0;
        for (size_t i = 0; i < bins && i < MAXPTS; i++) {
            const double edge = lo * pow(10, (double)(i + 1) / PER_DECADE);
            const double at =
                lagsim_hist_count(h) ? lagsim_hist_share_at_or_below(h, (int64_t)llround(edge * 1e6)) : 0;
            share[m][i] = at - prev;
            prev = at;
            if (share[m][i] > ymax)
                ymax = share[m][i];
        }
    }
    lsi_fig_t fig;
    lsi_fig_init(&fig, "chart-hist", "Latency to visible, histogram (10 bins per decade)",
                 "latency since the event was fired (log scale)", "share of events in the bin",
                 W, 320);
    fig.xkind = LSI_AXIS_LOGTIME;
    fig.ykind = LSI_AXIS_PERCENT;
    fig.xlo = lo;
    fig.xhi = hi;
    fig.yhi = ymax > 0 ? ceil(ymax * 20) / 20 : 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (reps[m])
            lsi_fig_legend(&fig, mname(m), lsi_svg_mode_colour((enum lagsim_mode)m), NULL, 0);
    lsi_fig_begin(f, &fig);
    double x[MAXPTS + 1], y[MAXPTS + 1];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        size_t n = 0;
        for (size_t i = 0; i < bins && i < MAXPTS; i++) {
            x[n] = lo * pow(10, (double)i / PER_DECADE);
            y[n++] = share[m][i];
        }
        x[n] = hi;
        y[n] = n ? y[n - 1] : 0;
        n++;
        lsi_fig_line(f, &fig, x, y, n, lsi_svg_mode_colour((enum lagsim_mode)m), NULL, 1);
    }
    lsi_fig_end(f, &fig);

    const char *head[2 + LAGSIM_MODE_COUNT] = {"from", "to"};
    size_t nc = 2;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (reps[m])
            head[nc++] = mname(m);
    lsi_html_table_begin(f, "chart-hist-data", "Numbers behind the histogram (share of events)",
                         0, head, nc);
    for (size_t i = 0; i < bins && i < MAXPTS; i++) {
        char a[32], b[32], cells[LAGSIM_MODE_COUNT][32];
        lsi_svg_time_label(a, sizeof a, lo * pow(10, (double)i / PER_DECADE));
        lsi_svg_time_label(b, sizeof b, lo * pow(10, (double)(i + 1) / PER_DECADE));
        const char *row[2 + LAGSIM_MODE_COUNT] = {a, b};
        size_t k = 2;
        int any = 0;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            snprintf(cells[k - 2], sizeof cells[0], "%.2f%%", 100 * share[m][i]);
            any |= share[m][i] > 0;
            row[k] = cells[k - 2];
            k++;
        }
        if (any)
            lsi_html_row(f, row, nc);
    }
    lsi_html_table_end(f, 1);
}

/* ---- Over time -------------------------------------------------------------- */

/* The longest series of the modes that ran: windows and their width (s). */
static size_t series_span(reps_t reps, double *width)
{
    size_t n = 0;
    *width = 60;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m] || !reps[m]->pooled->series)
            continue;
        const size_t len = lagsim_series_length(reps[m]->pooled->series);
        if (len > n)
            n = len;
        *width = (double)lagsim_series_width(reps[m]->pooled->series) / 1e6;
    }
    return n;
}

static void shade_incidents(FILE *f, const lsi_fig_t *fig, const lagsim_scenario_t *sc,
                            reps_t reps)
{
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m] || !reps[m]->pooled->series)
            continue;
        lagsim_monitor_t mon;
        if (lagsim_monitor_evaluate(sc, reps[m]->pooled->series, &mon) != LAGSIM_OK)
            return;
        for (unsigned i = 0; i < mon.n_incidents; i++) {
            char name[64], lab[96];
            lsi_incident_name(sc, &mon.incident[i], name, sizeof name);
            snprintf(lab, sizeof lab, "%s %s",
                     mon.incident[i].kind == LAGSIM_INCIDENT_BURST ? "burst" : "outage", name);
            lsi_fig_span(f, fig, (double)mon.incident[i].start / 1e6,
                         (double)mon.incident[i].end / 1e6, lab,
                         mon.incident[i].kind == LAGSIM_INCIDENT_BURST ? "#E69F00" : "#CC79A7");
        }
        return; /* the same incidents in every mode */
    }
}

/* Per-run value of metric in window w of mode m's series (NAN: none). */
static double metric(reps_t reps, int m, enum lagsim_alert_metric k, size_t w)
{
    const lagsim_series_t *s = reps[m]->pooled->series;
    if (!s || w >= lagsim_series_length(s))
        return NAN;
    return lagsim_delivery_value(s, k, w, 1);
}

static void time_chart(FILE *f, const lagsim_scenario_t *sc, reps_t reps, const char *id,
                       const char *title, const char *ylabel, const enum lagsim_alert_metric *ks,
                       const char *const *klabels, const char *const *dashes, size_t nk,
                       int ytime)
{
    double width;
    const size_t n = series_span(reps, &width);
    if (n == 0)
        return;
    enum { MAXW = 2048 };
    const size_t step = n > MAXW ? (n + MAXW - 1) / MAXW : 1;
    double ymax = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        for (size_t k = 0; reps[m] && k < nk; k++)
            for (size_t w = 0; w < n; w++) {
                double v = metric(reps, m, ks[k], w);
                if (ytime)
                    v /= 1e6;
                if (isfinite(v) && v > ymax)
                    ymax = v;
            }
    lsi_fig_t fig;
    lsi_fig_init(&fig, id, title, "simulated time since the start (window start)", ylabel, W,
                 nk > 1 ? 360 : 330);
    fig.xkind = LSI_AXIS_TIME;
    fig.ykind = ytime ? LSI_AXIS_TIME : LSI_AXIS_LINEAR;
    fig.xhi = (double)n * width;
    fig.yhi = ymax > 0 ? ymax * 1.08 : 1;
    char labels[LAGSIM_MODE_COUNT][4][48];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        for (size_t k = 0; reps[m] && k < nk && k < 4; k++) {
            snprintf(labels[m][k], sizeof labels[m][k], "%s%s%s", mname(m), klabels[k][0] ? ", " : "",
                     klabels[k]);
            lsi_fig_legend(&fig, labels[m][k], lsi_svg_mode_colour((enum lagsim_mode)m), dashes[k], 0);
        }
    lsi_fig_begin(f, &fig);
    shade_incidents(f, &fig, sc, reps);
    double x[MAXW + 1], y[MAXW + 1];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        for (size_t k = 0; reps[m] && k < nk; k++) {
            size_t p = 0;
            for (size_t w = 0; w < n && p < MAXW; w += step) {
                x[p] = (double)w * width;
                y[p] = metric(reps, m, ks[k], w);
                if (ytime)
                    y[p] /= 1e6;
                p++;
            }
            lsi_fig_line(f, &fig, x, y, p, lsi_svg_mode_colour((enum lagsim_mode)m), dashes[k], 1);
        }
    lsi_fig_end(f, &fig);

    char sum[128], idd[64];
    snprintf(sum, sizeof sum, "Numbers behind the chart (per run, per %s window)",
             width == 60 ? "1m" : "series");
    snprintf(idd, sizeof idd, "%s-data", id);
    const char *head[1 + LAGSIM_MODE_COUNT * 4] = {"from"};
    size_t nc = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        for (size_t k = 0; reps[m] && k < nk && k < 4; k++)
            head[nc++] = labels[m][k];
    lsi_html_table_begin(f, idd, sum, 0, head, nc);
    for (size_t w = 0; w < n; w++) {
        char from[32], cells[LAGSIM_MODE_COUNT * 4][40];
        lsi_svg_time_label(from, sizeof from, (double)w * width);
        const char *row[1 + LAGSIM_MODE_COUNT * 4] = {from};
        size_t c = 1;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            for (size_t k = 0; reps[m] && k < nk && k < 4; k++) {
                const double v = metric(reps, m, ks[k], w);
                if (!isfinite(v))
                    snprintf(cells[c - 1], sizeof cells[0], "-");
                else if (ytime)
                    lsi_html_dur(cells[c - 1], sizeof cells[0], (int64_t)llround(v));
                else
                    snprintf(cells[c - 1], sizeof cells[0], "%.4g", v);
                row[c] = cells[c - 1];
                c++;
            }
        lsi_html_row(f, row, nc);
    }
    lsi_html_table_end(f, 1);
}

/* p50 and p99 of latency to visible by the window events were fired in
 * (result->visible_by_fired, a sketch per window: 6.25% resolution). */
/* The q-quantile of latency to visible by firing window, every `step`
 * windows of the first n (at most max points): x in seconds since the
 * start, y in seconds (NaN where no event of the window was visible). */
static size_t quantile_points(const lagsim_series_t *s, size_t n, size_t step, size_t max,
                              double width, double q, double *x, double *y)
{
    size_t np = 0;
    for (size_t w = 0; w < n && np < max; w += step) {
        const int64_t v = w < lagsim_series_length(s) ? lagsim_series_quantile(s, w, step, q) : -1;
        x[np] = (double)w * width;
        y[np] = v < 0 ? NAN : (double)v / 1e6;
        np++;
    }
    return np;
}

static void latency_time_chart(FILE *f, const lagsim_scenario_t *sc, reps_t reps)
{
    double width = 60;
    size_t n = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m] || !reps[m]->pooled->visible_by_fired)
            continue;
        const lagsim_series_t *s = reps[m]->pooled->visible_by_fired;
        if (lagsim_series_length(s) > n)
            n = lagsim_series_length(s);
        width = (double)lagsim_series_width(s) / 1e6;
    }
    if (n == 0)
        return;
    enum { MAXW = 2048 };
    const size_t step = n > MAXW ? (n + MAXW - 1) / MAXW : 1;
    double x[MAXW], y[MAXW]; /* one line at a time, computed again to draw it */
    size_t np = 0;
    double ymax = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m] || !reps[m]->pooled->visible_by_fired)
            continue;
        for (int k = 0; k < 2; k++) {
            np = quantile_points(reps[m]->pooled->visible_by_fired, n, step, MAXW, width,
                                 k ? 0.99 : 0.5, x, y);
            for (size_t i = 0; i < np; i++)
                if (y[i] > ymax) /* false for NaN */
                    ymax = y[i];
        }
    }
    lsi_fig_t fig;
    lsi_fig_init(&fig, "chart-latency-time",
                 "p50 (dashed) and p99 (solid) latency to visible by the minute events were fired",
                 "simulated time the events were fired", "latency to visible", W, 340);
    fig.xkind = LSI_AXIS_TIME;
    fig.ykind = LSI_AXIS_TIME;
    fig.xhi = (double)n * width;
    fig.yhi = ymax > 0 ? ymax * 1.08 : 1;
    char labels[LAGSIM_MODE_COUNT][2][32];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m] || !reps[m]->pooled->visible_by_fired)
            continue;
        snprintf(labels[m][0], sizeof labels[m][0], "%s p50", mname(m));
        snprintf(labels[m][1], sizeof labels[m][1], "%s p99", mname(m));
        lsi_fig_legend(&fig, labels[m][0], lsi_svg_mode_colour((enum lagsim_mode)m), "6 4", 0);
        lsi_fig_legend(&fig, labels[m][1], lsi_svg_mode_colour((enum lagsim_mode)m), NULL, 0);
    }
    lsi_fig_begin(f, &fig);
    shade_incidents(f, &fig, sc, reps);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        for (int k = 0; reps[m] && reps[m]->pooled->visible_by_fired && k < 2; k++) {
            np = quantile_points(reps[m]->pooled->visible_by_fired, n, step, MAXW, width,
                                 k ? 0.99 : 0.5, x, y);
            lsi_fig_line(f, &fig, x, y, np, lsi_svg_mode_colour((enum lagsim_mode)m),
                         k ? NULL : "6 4", 1);
        }
    lsi_fig_end(f, &fig);

    const char *head[1 + 2 * LAGSIM_MODE_COUNT] = {"from"};
    size_t nc = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        for (int k = 0; reps[m] && reps[m]->pooled->visible_by_fired && k < 2; k++)
            head[nc++] = labels[m][k];
    lsi_html_table_begin(f, "chart-latency-time-data", "Numbers behind the chart", 0, head, nc);
    for (size_t i = 0; i < np; i++) {
        char from[32], cells[2 * LAGSIM_MODE_COUNT][LAGSIM_DURATION_MAX];
        lsi_svg_time_label(from, sizeof from, (double)(i * step) * width);
        const char *row[1 + 2 * LAGSIM_MODE_COUNT] = {from};
        size_t c = 1;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            for (int k = 0; reps[m] && reps[m]->pooled->visible_by_fired && k < 2; k++) {
                const lagsim_series_t *s = reps[m]->pooled->visible_by_fired;
                const size_t w = i * step;
                const int64_t v = w < lagsim_series_length(s)
                                      ? lagsim_series_quantile(s, w, step, k ? 0.99 : 0.5)
                                      : -1;
                row[c] = v >= 0 ? lsi_html_dur(cells[c - 1], sizeof cells[0], v) : "-";
                c++;
            }
        lsi_html_row(f, row, nc);
    }
    lsi_html_table_end(f, 1);
}

/* ---- Where the time goes ---------------------------------------------------- */

static const char *hop_colour(int h)
{
    static const char *const c[LAGSIM_HOP_COUNT] = {"#E69F00", "#F0E442", "#999999",
                                                   "#56B4E9", "#0072B2", "#D55E00",
                                                   "#009E73", "#CC79A7", "#000000"};
    return c[h];
}

static void hops_chart(FILE *f, reps_t reps)
{
    int rows = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        rows += reps[m] ? 2 : 0;
    if (rows == 0)
        return;
    lsi_fig_t fig;
    lsi_fig_init(&fig, "chart-hops", "Where the time goes: share of latency to visible per hop",
                 "share of the time (mean: all events; p99 tail: the slowest 1%)", "", W,
                 60 + 34.0 * rows + 120);
    fig.left = 170;
    fig.bottom = 120;
    fig.no_yticks = 1;
    fig.xkind = LSI_AXIS_PERCENT;
    fig.ylo = 0;
    fig.yhi = rows;
    for (int h = 0; h < LAGSIM_HOP_COUNT; h++)
        lsi_fig_legend(&fig, lagsim_hop_name((enum lagsim_hop)h), hop_colour(h), NULL, 1);
    lsi_fig_begin(f, &fig);
    int row = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const lagsim_result_t *r = reps[m]->pooled;
        const int64_t p99 = lagsim_hist_count(r->latency_visible)
                                ? lagsim_hist_quantile(r->latency_visible, 0.99)
                                : 0;
        for (int k = 0; k < 2; k++, row++) {
            const double top = rows - row - 0.15, bot = rows - row - 0.85;
            double at = 0;
            for (int h = 0; h < LAGSIM_HOP_COUNT; h++) {
                const double s = k ? lagsim_breakdown_tail_share(r->hops, (unsigned)h, p99, NULL)
                                   : lagsim_breakdown_share(r->hops, (unsigned)h);
                if (!(s > 0))
                    continue;
                char t[96];
                snprintf(t, sizeof t, "%s: %.1f%%", lagsim_hop_name((enum lagsim_hop)h), 100 * s);
                lsi_fig_rect(f, &fig, at, bot, at + s, top, hop_colour(h), t);
                at += s;
            }
            char lab[64], d[LAGSIM_DURATION_MAX];
            if (k)
                snprintf(lab, sizeof lab, "%s, p99 tail", mname(m));
            else
                snprintf(lab, sizeof lab, "%s, mean %s", mname(m),
                         lsi_html_dur(d, sizeof d,
                                      (int64_t)llround(lagsim_breakdown_total_mean(r->hops))));
            lsi_fig_text_px(f, fig.left - 8, lsi_svg_map(&fig.y, (top + bot) / 2) + 4, "end", lab);
        }
    }
    lsi_fig_end(f, &fig);

    const char *head[1 + 3 * LAGSIM_MODE_COUNT] = {"hop"};
    char hl[LAGSIM_MODE_COUNT][3][40];
    size_t nc = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        snprintf(hl[m][0], sizeof hl[m][0], "%s mean", mname(m));
        snprintf(hl[m][1], sizeof hl[m][1], "%s share", mname(m));
        snprintf(hl[m][2], sizeof hl[m][2], "%s p99 tail share", mname(m));
        for (int k = 0; k < 3; k++)
            head[nc++] = hl[m][k];
    }
    lsi_html_table_begin(f, "chart-hops-data", "Numbers behind the chart", 0, head, nc);
    for (int h = 0; h < LAGSIM_HOP_COUNT; h++) {
        char cells[3 * LAGSIM_MODE_COUNT][40];
        const char *trow[1 + 3 * LAGSIM_MODE_COUNT] = {lagsim_hop_name((enum lagsim_hop)h)};
        size_t c = 1;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            const lagsim_result_t *r = reps[m]->pooled;
            const int64_t p99 = lagsim_hist_count(r->latency_visible)
                                    ? lagsim_hist_quantile(r->latency_visible, 0.99)
                                    : 0;
            lsi_html_dur(cells[c - 1], sizeof cells[0],
                         (int64_t)llround(lagsim_breakdown_mean(r->hops, (unsigned)h)));
            snprintf(cells[c], sizeof cells[0], "%.1f%%",
                     100 * lagsim_breakdown_share(r->hops, (unsigned)h));
            snprintf(cells[c + 1], sizeof cells[0], "%.1f%%",
                     100 * lagsim_breakdown_tail_share(r->hops, (unsigned)h, p99, NULL));
            for (int k = 0; k < 3; k++, c++)
                trow[c] = cells[c - 1];
        }
        lsi_html_row(f, trow, nc);
    }
    lsi_html_table_end(f, 1);
}

/* ---- compare: the paired differences ------------------------------------------ */

static void forest_chart(FILE *f, reps_t reps)
{
    int base = -1;
    for (int m = 0; m < LAGSIM_MODE_COUNT && base < 0; m++)
        if (reps[m])
            base = m;
    if (base < 0)
        return;
    for (int m = base + 1; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        /* Relative change (other - base) / base mean, with its interval. */
        double rel[LAGSIM_FIG_COUNT], rhw[LAGSIM_FIG_COUNT];
        lagsim_summary_t d[LAGSIM_FIG_COUNT];
        double lim = 0.1;
        int rows = 0;
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            lagsim_replicated_difference(reps[base], reps[m], (enum lagsim_figure)k, &d[k]);
            const double b = reps[base]->figure[k].mean;
            rel[k] = rhw[k] = NAN;
            if (d[k].n == 0 || !(fabs(b) > 0))
                continue;
            rel[k] = d[k].mean / fabs(b);
            rhw[k] = lagsim_summary_half_width(&d[k], 0.95) / fabs(b);
            const double reach = fabs(rel[k]) + (isfinite(rhw[k]) ? rhw[k] : 0);
            if (reach > lim)
                lim = reach;
            rows++;
        }
        /* At most +-100%: a figure that changes more (429s that go from a
         * few to thousands) is drawn at the edge with its value written. */
        lim = lim > 1 ? 1 : ceil(lim * 10) / 10;
        char id[64], title[160];
        snprintf(id, sizeof id, "chart-forest-%s", mname(m));
        snprintf(title, sizeof title, "%s against %s: change of each figure with its 95%% interval",
                 mname(m), mname(base));
        lsi_fig_t fig;
        lsi_fig_init(&fig, id, title, "paired difference, as a share of the first mode's mean",
                     "", W, 60 + 26.0 * (rows ? rows : 1) + 80);
        fig.left = 170;
        fig.no_yticks = 1;
        fig.xkind = LSI_AXIS_PERCENT;
        fig.xlo = -lim;
        fig.xhi = lim;
        fig.ylo = 0;
        fig.yhi = rows ? rows : 1;
        lsi_fig_legend(&fig, "mean difference (dot)", "#000000", NULL, 0);
        lsi_fig_legend(&fig, "95% interval", lsi_svg_mode_colour((enum lagsim_mode)m), NULL, 1);
        lsi_fig_begin(f, &fig);
        lsi_fig_vline(f, &fig, 0, "#444444", NULL);
        int row = 0;
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            if (!isfinite(rel[k]))
                continue;
            const double yc = rows - row - 0.5;
            const double hw = isfinite(rhw[k]) ? rhw[k] : 0;
            lsi_fig_rect(f, &fig, rel[k] - hw, yc - 0.12, rel[k] + hw, yc + 0.12,
                         lsi_svg_mode_colour((enum lagsim_mode)m), NULL);
            lsi_fig_marker(f, &fig, rel[k], yc, "#000000", NULL);
            if (fabs(rel[k]) - hw > lim) { /* off the scale */
                char off[48];
                snprintf(off, sizeof off, "%+.0f%% off scale", 100 * rel[k]);
                lsi_fig_text(f, &fig, rel[k] > 0 ? lim * 0.97 : -lim * 0.97, yc + 0.2,
                             rel[k] > 0 ? "end" : "start", off);
            }
            lsi_fig_text_px(f, fig.left - 8, lsi_svg_map(&fig.y, yc) + 4, "end",
                            lagsim_figure_name((enum lagsim_figure)k));
            row++;
        }
        lsi_fig_end(f, &fig);

        const char *head[] = {"figure", "difference ± 95% half-width", "relative"};
        snprintf(id, sizeof id, "chart-forest-%s-data", mname(m));
        lsi_html_table_begin(f, id, "Numbers behind the chart (in each figure's unit)", 0, head, 3);
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            char v[96], r[48];
            lsi_human_mean_hw(v, sizeof v, d[k].mean, lagsim_summary_half_width(&d[k], 0.95),
                              (int)d[k].n, lsi_figure_kind((enum lagsim_figure)k));
            if (isfinite(rel[k]))
                snprintf(r, sizeof r, "%+.1f%% ± %.1f%%", 100 * rel[k],
                         isfinite(rhw[k]) ? 100 * rhw[k] : 0);
            else
                snprintf(r, sizeof r, "-");
            const char *row3[3] = {lagsim_figure_name((enum lagsim_figure)k), v, r};
            lsi_html_row(f, row3, 3);
        }
        lsi_html_table_end(f, 1);
    }
}

/* ---- Tables: drops, theory ------------------------------------------------------ */

/* A count table (report_counts.c); all rows, or only those that are not
 * optional zeros. */
static void count_table(FILE *f, const char *id, enum lsi_count_table t, reps_t reps,
                        int all_rows)
{
    const char *head[1 + LAGSIM_MODE_COUNT] = {t == LSI_COUNTS_EVENTS ? "events" : "requests"};
    size_t nc = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (reps[m])
            head[nc++] = mname(m);
    lsi_html_table_begin(f, id, NULL, 0, head, nc);
    lsi_count_row_t rows[LSI_COUNT_ROWS_MAX];
    const size_t n = lsi_count_rows(t, reps, rows);
    for (size_t i = 0; i < n; i++) {
        if (!all_rows && !lsi_count_shown(&rows[i]))
            continue;
        char cells[LAGSIM_MODE_COUNT][32];
        const char *row[1 + LAGSIM_MODE_COUNT];
        lsi_html_row(f, row, lsi_count_cells(&rows[i], reps, cells, row));
    }
    lsi_html_table_end(f, 0);
}

static void drops_table(FILE *f, reps_t reps)
{
    section(f, "drops", "Events by how they ended",
            "Counts pooled over the replications. Every event fired is visible, dropped for "
            "one named reason, or still in flight at the end.");
    count_table(f, "drops-table", LSI_COUNTS_EVENTS, reps, 1);
}

static void requests_table(FILE *f, reps_t reps)
{
    section(f, "requests", "Requests",
            "What the senders sent and how they were answered, pooled over the replications: "
            "requests to Mixpanel by answer, retries among them, and (where they happened) "
            "requests Segment's tracking API refused and sends that failed offline.");
    count_table(f, "requests-table", LSI_COUNTS_REQUESTS, reps, 0);
}

static void theory_block(FILE *f, const lagsim_scenario_t *sc, reps_t reps)
{
    section(f, "theory", "Theory beside simulation",
            "Back-of-envelope formulas for the stages that have one, beside what the "
            "simulation measured (agrees = within 10%).");
    const lagsim_result_t *pooled[LAGSIM_MODE_COUNT];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        pooled[m] = reps[m] ? reps[m]->pooled : NULL;
    /* The text section as it is: its notes explain each row. Written to a
     * memory stream, then escaped into <pre>. */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return;
    lsi_report_theory_text(mem, sc, pooled);
    fclose(mem);
    fputs("<pre id=\"theory-text\">", f);
    lsi_html_escape(f, text[0] == '\n' ? text + 1 : text);
    fputs("</pre>\n", f);
    free(text);
}

int lsi_report_html(FILE *f, const lagsim_scenario_t *sc, reps_t reps, int compare,
                    const lagsim_manifest_t *manifest)
{
    uint32_t n = 0;
    int base = -1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (reps[m] && reps[m]->reps > n)
            n = reps[m]->reps;
        if (reps[m] && base < 0)
            base = m;
    }
    char title[160], d1[LAGSIM_DURATION_MAX], d2[LAGSIM_DURATION_MAX];
    snprintf(title, sizeof title, "lagsim %s: %.*s", compare ? "compare" : "run", 100, sc->name);
    lsi_html_begin(f, title);
    fprintf(f, "<p class=\"note\">Seed %" PRIu64 ", horizon %s, drain limit %s, %" PRIu32
               " replication%s per mode%s.</p>\n",
            sc->seed, lagsim_format_duration(d1, sizeof d1, sc->horizon),
            lagsim_format_duration(d2, sizeof d2, sc->drain_limit), n, n == 1 ? "" : "s",
            n > 1 ? "; counts are pooled over the replications" : "");
    char verdict[1024];
    if (compare) {
        for (int m = base + 1; base >= 0 && m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            lsi_verdict_compare(verdict, sizeof verdict, reps[base], (enum lagsim_mode)base,
                                reps[m], (enum lagsim_mode)m);
            fputs("<p class=\"verdict\" id=\"verdict\">", f);
            lsi_html_escape(f, verdict);
            fputs("</p>\n", f);
        }
    } else {
        lsi_verdict_run(verdict, sizeof verdict, reps);
        fputs("<p class=\"verdict\" id=\"verdict\">", f);
        lsi_html_escape(f, verdict);
        fputs("</p>\n", f);
    }
    if (base < 0) {
        fputs("<p>No mode ran.</p>\n", f);
        lsi_html_end(f, manifest);
        return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
    }
    headline(f, reps, n);
    if (compare) {
        section(f, "differences", "Paired differences",
                "Each figure's difference between the modes, replication by replication on "
                "common random numbers; the bar is the 95% interval. An interval that crosses "
                "zero means the runs cannot tell the modes apart on that figure.");
        forest_chart(f, reps);
    }
    double lo, hi;
    section(f, "latency", "How long events take",
            "Both modes on one log-time axis: the further left, the sooner events arrive.");
    if (latency_range(reps, &lo, &hi)) {
        cdf_chart(f, reps, lo, hi);
        hist_chart(f, reps, lo, hi);
    } else {
        fputs("<p>No latency was recorded.</p>\n", f);
    }
    latency_time_chart(f, sc, reps);
    section(f, "over-time", "Backlog and Mixpanel's pushback over time",
            "Per run and window; bursts (orange) and outages (purple) are shaded.");
    static const enum lagsim_alert_metric backlog[] = {LAGSIM_METRIC_BACKLOG};
    static const char *const blab[] = {""};
    static const char *const bdash[] = {NULL};
    time_chart(f, sc, reps, "chart-backlog", "Backlog: events fired and not yet settled",
               "events (most in the window)", backlog, blab, bdash, 1, 0);
    static const enum lagsim_alert_metric errs[] = {LAGSIM_METRIC_429, LAGSIM_METRIC_5XX,
                                                    LAGSIM_METRIC_RETRIES};
    static const char *const elab[] = {"429", "5xx", "retries"};
    static const char *const edash[] = {NULL, "2 3", "7 4"};
    time_chart(f, sc, reps, "chart-responses", "429 and 5xx responses and retries",
               "requests per window", errs, elab, edash, 3, 0);
    section(f, "hops", "Where the time goes", NULL);
    hops_chart(f, reps);
    drops_table(f, reps);
    requests_table(f, reps);
    theory_block(f, sc, reps);
    lsi_html_end(f, manifest);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
