/*
 * report_delivery_data.c - owns lsi_report_delivery_json() (the
 * "series", "alerts" and "incidents" keys of each mode in the JSON
 * report) and lagsim_report_series_csv() (the full series, one row per
 * mode and window, for --series).
 *
 * Central idea: both write the same figures the same way, so a CSV row
 * and a JSON window agree to the character: counts per run (sums over the
 * pooled replications / runs, integers for one run), times as exact
 * decimal seconds from integer microseconds, nothing that depends on the
 * locale or the platform's %g. The number printers repeat report_json.c's
 * (static there) so that this file stays separate from it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/report.h"
#include "report/report_delivery.h"
#include "report/report_internal.h"

/* Microseconds as exact seconds ("2.41"), or `none` when negative. */
static void put_seconds(FILE *f, int64_t us, const char *none)
{
    if (us < 0)
        fputs(none, f);
    else
        lsi_json_seconds(f, us);
}

/* A real number with at most 6 decimals, or `none` if it is not finite. */
static void put_real(FILE *f, double x, const char *none)
{
    if (!isfinite(x))
        fputs(none, f);
    else
        lsi_json_real(f, x);
}

/* One counter of window w, per run. */
static double per_run(const lagsim_series_t *s, size_t w, unsigned c)
{
    const uint32_t runs = lagsim_series_runs(s);
    return (double)lagsim_series_count(s, w, c) / (double)(runs ? runs : 1);
}

static void json_window(FILE *f, const lagsim_series_t *s, size_t w)
{
    fputs("{\"t_s\": ", f);
    put_seconds(f, (int64_t)w * lagsim_series_width(s), "null");
    fputs(", \"delivered\": ", f);
    put_real(f, per_run(s, w, LAGSIM_DV_DELIVERED), "null");
    fputs(", \"not_delivered\": ", f);
    put_real(f, per_run(s, w, LAGSIM_DV_NOT_DELIVERED), "null");
    fputs(", \"responses\": {", f);
    for (int st = 0; st < LAGSIM_RESP_COUNT; st++) {
        fprintf(f, "%s\"%s\": ", st ? ", " : "", lagsim_response_name((enum lagsim_response)st));
        put_real(f, per_run(s, w, LAGSIM_DV_RESPONSES + (unsigned)st), "null");
    }
    fputs("}, \"retries\": ", f);
    put_real(f, per_run(s, w, LAGSIM_DV_RETRIES), "null");
    fputs(", \"p95_latency_s\": ", f);
    put_seconds(f, lagsim_series_quantile(s, w, 1, 0.95), "null");
    fputs(", \"backlog\": ", f);
    put_real(f, lagsim_delivery_value(s, LAGSIM_METRIC_BACKLOG, w, 1), "null");
    fputs("}", f);
}

static void json_incident_ref(FILE *f, const lagsim_scenario_t *sc, const lagsim_incident_t *in)
{
    char name[LAGSIM_NAME_MAX + 16];
    lsi_incident_name(sc, in, name, sizeof name);
    fprintf(f, "{\"kind\": \"%s\", \"name\": ", in->kind == LAGSIM_INCIDENT_BURST ? "burst" : "outage");
    lagsim_json_string(f, name);
    fputs("}", f);
}

/* Ends a JSON list: on its own line when it has items. */
static void close_list(FILE *f, int indent, int any)
{
    if (any)
        fprintf(f, "\n%*s]", indent, "");
    else
        fputc(']', f);
}

void lsi_report_delivery_json(FILE *f, int indent, const lagsim_scenario_t *sc,
                              const lagsim_result_t *r)
{
    const lagsim_series_t *s = r->series;
    lagsim_monitor_t mon;
    const size_t n = s ? lagsim_series_length(s) : 0;
    const int ok = n > 0 && lagsim_monitor_evaluate(sc, s, &mon) == LAGSIM_OK;

    fprintf(f, ",\n%*s\"series_window_s\": ", indent, "");
    put_seconds(f, s ? lagsim_series_width(s) : sc->series_window, "null");
    fprintf(f, ",\n%*s\"series\": [", indent, "");
    for (size_t w = 0; w < n; w++) {
        fprintf(f, "%s\n%*s", w ? "," : "", indent + 2, "");
        json_window(f, s, w);
    }
    close_list(f, indent, n > 0);

    fprintf(f, ",\n%*s\"alerts\": [", indent, "");
    for (unsigned i = 0; ok && i < mon.n_alerts; i++) {
        const lagsim_alert_t *a = &sc->alerts[i];
        const lagsim_alert_outcome_t *o = &mon.alert[i];
        fprintf(f, "%s\n%*s{\"name\": ", i ? "," : "", indent + 2, "");
        lagsim_json_string(f, a->name);
        fprintf(f, ", \"metric\": \"%s\", \"threshold\": ", lagsim_alert_metric_name(a->metric));
        if (a->metric == LAGSIM_METRIC_P95_LATENCY)
            put_seconds(f, (int64_t)a->threshold, "null");
        else
            put_real(f, a->threshold, "null");
        fputs(", \"window_s\": ", f);
        put_seconds(f, a->window > 0 ? a->window : lagsim_series_width(s), "null");
        fprintf(f, ", \"below\": %s, \"first_fired_s\": ", a->below ? "true" : "false");
        put_seconds(f, o->first_fired, "null");
        fprintf(f, ", \"episodes\": %" PRIu32 ", \"firing_s\": ", o->episodes);
        put_seconds(f, o->firing, "null");
        fputs(", \"incident\": ", f);
        if (o->incident >= 0)
            json_incident_ref(f, sc, &mon.incident[o->incident]);
        else
            fputs("null", f);
        fputs(", \"detection_delay_s\": ", f);
        put_seconds(f, o->detection_delay, "null");
        fputs("}", f);
    }
    close_list(f, indent, ok && mon.n_alerts > 0);

    fprintf(f, ",\n%*s\"incidents\": [", indent, "");
    for (unsigned k = 0; ok && k < mon.n_incidents; k++) {
        const lagsim_incident_t *in = &mon.incident[k];
        char name[LAGSIM_NAME_MAX + 16];
        lsi_incident_name(sc, in, name, sizeof name);
        fprintf(f, "%s\n%*s{\"name\": ", k ? "," : "", indent + 2, "");
        lagsim_json_string(f, name);
        fprintf(f, ", \"kind\": \"%s\", \"start_s\": ",
                in->kind == LAGSIM_INCIDENT_BURST ? "burst" : "outage");
        put_seconds(f, in->start, "null");
        fputs(", \"end_s\": ", f);
        put_seconds(f, in->end, "null");
        fputs(", \"pre_429\": ", f);
        put_real(f, in->pre_429, "null");
        fputs(", \"pre_backlog\": ", f);
        put_real(f, in->pre_backlog, "null");
        fprintf(f, ", \"recovery\": \"%s\", \"recovery_s\": ", lagsim_recovery_name(in->recovery));
        put_seconds(f, in->recovery_time, "null");
        fputs("}", f);
    }
    close_list(f, indent, ok && mon.n_incidents > 0);
}

int lagsim_report_series_csv(FILE *f, const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    fputs("mode,t_s,delivered,not_delivered", f);
    for (int st = 0; st < LAGSIM_RESP_COUNT; st++)
        fprintf(f, ",%s", lagsim_response_name((enum lagsim_response)st));
    fputs(",retries,p95_latency_s,backlog\n", f);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        const lagsim_series_t *s = results[m] ? results[m]->series : NULL;
        for (size_t w = 0; s && w < lagsim_series_length(s); w++) {
            fprintf(f, "%s,", lagsim_mode_name((enum lagsim_mode)m));
            put_seconds(f, (int64_t)w * lagsim_series_width(s), "");
            fputc(',', f);
            put_real(f, per_run(s, w, LAGSIM_DV_DELIVERED), "");
            fputc(',', f);
            put_real(f, per_run(s, w, LAGSIM_DV_NOT_DELIVERED), "");
            for (int st = 0; st < LAGSIM_RESP_COUNT; st++) {
                fputc(',', f);
                put_real(f, per_run(s, w, LAGSIM_DV_RESPONSES + (unsigned)st), "");
            }
            fputc(',', f);
            put_real(f, per_run(s, w, LAGSIM_DV_RETRIES), "");
            fputc(',', f);
            put_seconds(f, lagsim_series_quantile(s, w, 1, 0.95), "");
            fputc(',', f);
            put_real(f, lagsim_delivery_value(s, LAGSIM_METRIC_BACKLOG, w, 1), "");
            fputc('\n', f);
        }
    }
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
