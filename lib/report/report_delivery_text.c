/*
 * report_delivery_text.c - owns lsi_report_delivery_text(): the "Event
 * Delivery" section of the text report, one per mode: a compact table of
 * the per-window series, the incidents with their recovery, the alerts
 * with their firing (the full series goes to --series CSV and JSON).
 *
 * Central idea: show where something happens. Rows cover the windows
 * from two before each incident's start to one after its recovery (every
 * window when there is no incident), and when that is more than fits
 * (24 rows; 12 without incidents) each row adds up several consecutive
 * windows: counts summed, p95 over all of them, the backlog the largest.
 * Counts are per run (sums / replications) and written compactly
 * ("12.3k", "1.20M") so that nine columns fit in 80.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/report.h"
#include "report/report_delivery.h"

#define ROWS_INCIDENTS 24 /* most table rows per mode around incidents */
#define ROWS_QUIET 12     /* and without any incident */

/* The table's columns, in order. */
static const struct {
    enum lagsim_alert_metric metric;
    const char *label;
} columns[] = {
    {LAGSIM_METRIC_DELIVERED, "deliv"},     {LAGSIM_METRIC_NOT_DELIVERED, "not del"},
    {LAGSIM_METRIC_429, "429"},             {LAGSIM_METRIC_5XX, "5xx"},
    {LAGSIM_METRIC_TIMEOUT, "timeout"},     {LAGSIM_METRIC_RETRIES, "retries"},
    {LAGSIM_METRIC_P95_LATENCY, "p95"},     {LAGSIM_METRIC_BACKLOG, "backlog"},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

void lsi_incident_name(const lagsim_scenario_t *sc, const lagsim_incident_t *in, char *buf,
                       size_t size)
{
    if (in->kind == LAGSIM_INCIDENT_BURST)
        snprintf(buf, size, "%s", sc->bursts[in->index].name);
    else
        snprintf(buf, size, "%u", in->index + 1);
}

/* A window's width in its largest exact unit ("1m", "30s", "2h") when
 * that is under 1000, else as lagsim_format_duration() writes it. */
static char *fmt_width(char *buf, size_t size, int64_t us)
{
    static const struct {
        int64_t unit;
        const char *name;
    } units[] = {{LAGSIM_DAY, "d"}, {LAGSIM_HOUR, "h"}, {LAGSIM_MIN, "m"}, {LAGSIM_SEC, "s"}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (us > 0 && us % units[i].unit == 0 && us / units[i].unit < 1000) {
            snprintf(buf, size, "%" PRId64 "%s", us / units[i].unit, units[i].name);
            return buf;
        }
    return lagsim_format_duration(buf, size, us);
}

/* A count in at most 6 characters: "7", "2.5", "9999", "12.3k", "1.20M". */
static void fmt_compact(char *buf, size_t size, double x)
{
    if (isnan(x))
        snprintf(buf, size, "-");
    else if (x < 10 && x != floor(x))
        snprintf(buf, size, "%.1f", x);
    else if (x < 9999.5)
        snprintf(buf, size, "%.0f", x);
    else if (x < 99950)
        snprintf(buf, size, "%.1fk", x / 1e3);
    else if (x < 999500)
        snprintf(buf, size, "%.0fk", x / 1e3);
    else if (x < 9995000)
        snprintf(buf, size, "%.2fM", x / 1e6);
    else if (x < 99950000)
        snprintf(buf, size, "%.1fM", x / 1e6);
    else if (x < 999500000)
        snprintf(buf, size, "%.0fM", x / 1e6);
    else
        snprintf(buf, size, "%.3gG", x / 1e9);
}

/* The last window an incident's rows reach (before capping at n - 1). */
static size_t last_window(const lagsim_incident_t *in, int64_t width, size_t n)
{
    const size_t end = (size_t)((in->end + width - 1) / width);
    switch (in->recovery) {
    case LAGSIM_RECOVERED: return (size_t)((in->end + in->recovery_time) / width) + 1;
    case LAGSIM_NOT_RECOVERED: return n;
    case LAGSIM_RECOVERY_NO_BASELINE:
    case LAGSIM_RECOVERY_AFTER_RUN: break;
    }
    return end + 2;
}

/* Whether window w is shown: near an incident, or any when there is none. */
static int shown(const lagsim_monitor_t *mon, int64_t width, size_t n, size_t w)
{
    if (mon->n_incidents == 0)
        return 1;
    for (unsigned k = 0; k < mon->n_incidents; k++) {
        const lagsim_incident_t *in = &mon->incident[k];
        const size_t first = (size_t)(in->start / width);
        if (w + 2 >= first && w <= last_window(in, width, n))
            return 1;
    }
    return 0;
}

/* Whether an incident starts in windows [a, b). */
static int starts_in(const lagsim_monitor_t *mon, int64_t width, size_t a, size_t b)
{
    for (unsigned k = 0; k < mon->n_incidents; k++) {
        const size_t w = (size_t)(mon->incident[k].start / width);
        if (w >= a && w < b)
            return 1;
    }
    return 0;
}

static void table(FILE *f, const lagsim_series_t *s, const lagsim_monitor_t *mon)
{
    const size_t n = lagsim_series_length(s);
    const int64_t width = lagsim_series_width(s);
    size_t marked = 0;
    for (size_t w = 0; w < n; w++)
        marked += (size_t)shown(mon, width, n, w);
    const size_t most = mon->n_incidents ? ROWS_INCIDENTS : ROWS_QUIET;
    const size_t per_row = marked > most ? (marked + most - 1) / most : 1;
    char d[LAGSIM_DURATION_MAX], cell[32];

    if (per_row > 1)
        fprintf(f, "  (each row adds up %zu windows: %s)\n", per_row,
                fmt_width(d, sizeof d, (int64_t)per_row * width));
    fprintf(f, "  %-9s", "from");
    for (size_t c = 0; c < N_COLUMNS; c++)
        fprintf(f, " %7s", columns[c].label);
    fputc('\n', f);
    int skipped = 0, any = 0;
    for (size_t a = 0; a < n; a += per_row) {
        const size_t b = a + per_row < n ? a + per_row : n;
        int show = 0;
        for (size_t w = a; w < b && !show; w++)
            show = shown(mon, width, n, w);
        if (!show) {
            skipped = 1;
            continue;
        }
        if (skipped && any)
            fputs("  ...\n", f);
        skipped = 0;
        any = 1;
        lagsim_format_duration(d, sizeof d, (lagsim_time_t)a * width);
        fprintf(f, "  %-8s%c", d, starts_in(mon, width, a, b) ? '*' : ' ');
        for (size_t c = 0; c < N_COLUMNS; c++) {
            const double x = lagsim_delivery_value(s, columns[c].metric, a, b - a);
            if (columns[c].metric == LAGSIM_METRIC_P95_LATENCY)
                snprintf(cell, sizeof cell, "%s",
                         isnan(x) ? "-" : lagsim_format_duration(d, sizeof d, (lagsim_time_t)x));
            else
                fmt_compact(cell, sizeof cell, x);
            fprintf(f, " %7s", cell);
        }
        fputc('\n', f);
    }
    if (skipped && any)
        fputs("  ...\n", f);
}

static void incidents(FILE *f, const lagsim_scenario_t *sc, const lagsim_monitor_t *mon,
                      const lagsim_result_t *r)
{
    if (mon->n_incidents == 0)
        return;
    fputs("  Incidents (recovered: 429s and backlog back within +10% +1 of their most in a\n"
          "  window before the incident)\n", f);
    for (unsigned k = 0; k < mon->n_incidents; k++) {
        const lagsim_incident_t *in = &mon->incident[k];
        char name[LAGSIM_NAME_MAX + 16], a[LAGSIM_DURATION_MAX], b[LAGSIM_DURATION_MAX];
        char c[LAGSIM_DURATION_MAX], x[16], y[16];
        lsi_incident_name(sc, in, name, sizeof name);
        fprintf(f, "    %s %s, %s to %s: ", in->kind == LAGSIM_INCIDENT_BURST ? "burst" : "outage",
                name, lagsim_format_duration(a, sizeof a, in->start),
                lagsim_format_duration(b, sizeof b, in->end));
        switch (in->recovery) {
        case LAGSIM_RECOVERED:
            fprintf(f, "recovered %s after its end\n",
                    lagsim_format_duration(c, sizeof c, in->recovery_time));
            break;
        case LAGSIM_NOT_RECOVERED:
            fprintf(f, "did not recover by the end of the run (%s)\n",
                    lagsim_format_duration(c, sizeof c, r->end_time));
            break;
        case LAGSIM_RECOVERY_NO_BASELINE:
            fputs("no level before it to recover to\n", f);
            continue;
        case LAGSIM_RECOVERY_AFTER_RUN:
            fputs("no recovery time (it outlasts the run)\n", f);
            continue;
        }
        fmt_compact(x, sizeof x, in->pre_429);
        fmt_compact(y, sizeof y, in->pre_backlog);
        fprintf(f, "      level before: at most %s 429s and a backlog of %s in a window\n", x, y);
    }
}

static void alerts(FILE *f, const lagsim_scenario_t *sc, const lagsim_monitor_t *mon,
                   const lagsim_series_t *s)
{
    if (sc->n_alerts == 0)
        return;
    fputs("  Alerts (evaluated as each window ends, over the alert's window)\n", f);
    for (unsigned i = 0; i < sc->n_alerts && i < mon->n_alerts; i++) {
        const lagsim_alert_t *a = &sc->alerts[i];
        const lagsim_alert_outcome_t *o = &mon->alert[i];
        char thr[LAGSIM_DURATION_MAX], win[LAGSIM_DURATION_MAX], at[LAGSIM_DURATION_MAX];
        char delay[LAGSIM_DURATION_MAX], total[LAGSIM_DURATION_MAX];
        if (a->metric == LAGSIM_METRIC_P95_LATENCY)
            lagsim_format_duration(thr, sizeof thr, (lagsim_time_t)a->threshold);
        else
            snprintf(thr, sizeof thr, a->threshold == floor(a->threshold) &&
                                          fabs(a->threshold) <= 9007199254740992.0
                                          ? "%.0f" : "%.6g", a->threshold);
        fmt_width(win, sizeof win, a->window > 0 ? a->window : lagsim_series_width(s));
        fprintf(f, "    %s: %s %s %s over %s\n", a->name, lagsim_alert_metric_name(a->metric),
                a->below ? "<" : ">=", thr, win);
        if (o->first_fired < 0) {
            fputs("      never fired\n", f);
            continue;
        }
        lagsim_format_duration(at, sizeof at, o->first_fired);
        lagsim_format_duration(total, sizeof total, o->firing);
        if (o->incident >= 0) {
            const lagsim_incident_t *in = &mon->incident[o->incident];
            char name[LAGSIM_NAME_MAX + 16];
            lsi_incident_name(sc, in, name, sizeof name);
            fprintf(f, "      fired at %s, %s after %s %s began;", at,
                    lagsim_format_duration(delay, sizeof delay, o->detection_delay),
                    in->kind == LAGSIM_INCIDENT_BURST ? "burst" : "outage", name);
        } else {
            fprintf(f, "      fired at %s, before any incident;", at);
        }
        fprintf(f, " %" PRIu32 " episode%s, %s in all\n", o->episodes, o->episodes == 1 ? "" : "s",
                total);
    }
}

void lsi_report_delivery_text(FILE *f, const lagsim_scenario_t *sc,
                              const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        const lagsim_result_t *r = results[m];
        if (!r || !r->series || lagsim_series_length(r->series) == 0)
            continue;
        lagsim_monitor_t mon;
        if (lagsim_monitor_evaluate(sc, r->series, &mon) != LAGSIM_OK)
            continue;
        const uint32_t runs = lagsim_series_runs(r->series);
        char w[LAGSIM_DURATION_MAX];
        fprintf(f, "\nEvent Delivery, %s mode (per %s window", lagsim_mode_name((enum lagsim_mode)m),
                fmt_width(w, sizeof w, lagsim_series_width(r->series)));
        if (runs > 1)
            fprintf(f, "; counts are the mean of %" PRIu32 " runs", runs);
        fputs(")\n", f);
        static const char *const p95[LAGSIM_MODE_COUNT] = {
            [LAGSIM_MODE_CLOUD] = "Segment's receipt -> 2xx",
            [LAGSIM_MODE_DEVICE] = "fired -> 2xx",
            [LAGSIM_MODE_HYBRID] = "Segment's receipt (device route: fired) -> 2xx"};
        fprintf(f, "  p95 latency: %s\n"
                   "  backlog: most events not yet delivered or dropped; * an incident starts\n",
                p95[m]);
        table(f, r->series, &mon);
        incidents(f, sc, &mon, r);
        alerts(f, sc, &mon, r->series);
    }
}
