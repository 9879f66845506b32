/*
 * report_sweep_data.c - a sweep's points, or a bisection's probes and
 * answer, as JSON and CSV (the formats for programs and spreadsheets;
 * lagsim_report_sweep() in report_sweep.c dispatches here).
 *
 * Every figure goes with its 95% half-width, in plain units (seconds,
 * shares, counts), and the axis values in plain units too: durations in
 * seconds, rates per second, sizes in bytes.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/version.h"
#include "report/report_internal.h"

/* An axis value for machines: durations in seconds, the rest as stored. */
static double plain_axis(const lagsim_axis_t *a, double v)
{
    return a->unit == LAGSIM_UNIT_DURATION ? v / LAGSIM_SEC : v;
}

static const char *unit_name(enum lagsim_unit u)
{
    switch (u) {
    case LAGSIM_UNIT_NUMBER: return "number";
    case LAGSIM_UNIT_COUNT: return "count";
    case LAGSIM_UNIT_FRACTION: return "fraction";
    case LAGSIM_UNIT_DURATION: return "seconds";
    case LAGSIM_UNIT_RATE: return "per_s";
    case LAGSIM_UNIT_BYTE_RATE: return "bytes_per_s";
    case LAGSIM_UNIT_SIZE: return "bytes";
    }
    return "?";
}

/* ---- JSON ---------------------------------------------------------------------------- */

static void json_values(FILE *f, const lagsim_sweep_t *sw, const lagsim_sweep_point_t *p)
{
    fputc('[', f);
    for (unsigned k = 0; k < sw->n_axes; k++) {
        fputs(k ? ", " : "", f);
        lsi_json_real(f, plain_axis(&sw->axis[k], p->value[k]));
    }
    fputc(']', f);
}

static void json_mode_figures(FILE *f, const lagsim_replicated_t *r, const lagsim_slo_t *slo)
{
    fprintf(f, "{\"replications\": %" PRIu32 ", \"slo_met\": ", r->reps);
    fputs(!slo ? "null" : lagsim_slo_holds(slo, r, NULL, 0) ? "true" : "false", f);
    fprintf(f, ", \"fired\": %" PRIu64 ", \"visible\": %" PRIu64 ", \"warmup\": {\"method\": ",
            r->pooled->fired, r->pooled->visible);
    lagsim_json_string(f, lagsim_warmup_method_name(r->warmup.method));
    fputs(", \"cut_s\": ", f);
    lsi_json_seconds(f, r->warmup.cut);
    fputs("}, \"figures\": {", f);
    for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
        const lagsim_summary_t *s = &r->figure[k];
        fprintf(f, "%s\"%s\": {\"mean\": ", k ? ", " : "", lagsim_figure_name((enum lagsim_figure)k));
        lsi_json_real(f, s->n ? s->mean : NAN);
        fputs(", \"half_width\": ", f);
        lsi_json_real(f, lagsim_summary_half_width(s, 0.95));
        fprintf(f, ", \"n\": %" PRIu64 "}", s->n);
    }
    fputs("}}", f);
}

static const char *outcome_name(enum lagsim_find_outcome o)
{
    switch (o) {
    case LAGSIM_FIND_BOUNDARY: return "boundary";
    case LAGSIM_FIND_HOLDS_ALL: return "holds_everywhere";
    case LAGSIM_FIND_FAILS_ALL: return "fails_everywhere";
    }
    return "?";
}

int lsi_report_sweep_json(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                      const lagsim_find_t *find, const lagsim_manifest_t *manifest)
{
    fputs("{\n  \"lagsim_version\": \"" LAGSIM_VERSION_STRING "\",\n", f);
    if (manifest)
        lsi_manifest_json(f, 2, manifest, NULL);
    char name[sizeof sw->base->name];
    memcpy(name, sw->base->name, sizeof name);
    name[sizeof name - 1] = '\0';
    fputs("  \"scenario\": ", f);
    lagsim_json_string(f, name);
    fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"sweep\": {\n    \"axes\": [", sw->base->seed);
    for (unsigned k = 0; k < sw->n_axes; k++) {
        const lagsim_axis_t *a = &sw->axis[k];
        fputs(k ? ", {\"key\": " : "{\"key\": ", f);
        lagsim_json_string(f, a->key);
        fprintf(f, ", \"unit\": \"%s\", \"from\": ", unit_name(a->unit));
        lsi_json_real(f, plain_axis(a, a->from));
        fputs(", \"to\": ", f);
        lsi_json_real(f, plain_axis(a, a->to));
        fputs(", \"step\": ", f);
        lsi_json_real(f, plain_axis(a, a->step));
        fprintf(f, ", \"points\": %" PRIu32 "}", lagsim_axis_points(a));
    }
    fputs("],\n    \"slo\": ", f);
    if (slo) {
        char text[LAGSIM_SLO_MAX_TERMS * 50];
        lsi_slo_text(text, sizeof text, slo);
        lagsim_json_string(f, text);
    } else {
        fputs("null", f);
    }
    fputs(",\n    \"points\": [", f);
    int first = 1;
    for (uint32_t i = 0; i < sw->n_points; i++) {
        const lagsim_sweep_point_t *p = &sw->points[i];
        int any = 0;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            any |= p->reps[m] != NULL;
        if (!any)
            continue;
        fputs(first ? "\n      {\"values\": " : ",\n      {\"values\": ", f);
        first = 0;
        json_values(f, sw, p);
        fputs(", \"modes\": {", f);
        int fm = 1;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!p->reps[m])
                continue;
            fprintf(f, "%s\n        \"%s\": ", fm ? "" : ",", lagsim_mode_name((enum lagsim_mode)m));
            json_mode_figures(f, p->reps[m], slo);
            fm = 0;
        }
        fputs("}}", f);
    }
    fputs(first ? "]\n  },\n" : "\n    ]\n  },\n", f);
    fputs("  \"find\": ", f);
    if (!find) {
        fputs("null\n}\n", f);
        return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
    }
    fputs("{\n    \"probes\": [", f);
    for (uint32_t i = 0; i < find->n_probes; i++) {
        const lagsim_find_probe_t *pr = &find->probe[i];
        fprintf(f, "%s\n      {\"round\": %" PRIu32 ", \"mode\": \"%s\", \"values\": ",
                i ? "," : "", pr->round, lagsim_mode_name(pr->mode));
        json_values(f, sw, &sw->points[pr->point]);
        fprintf(f, ", \"slo_met\": %s}", pr->holds ? "true" : "false");
    }
    fputs("\n    ],\n    \"modes\": {", f);
    first = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        fprintf(f, "%s\n      \"%s\": {\"outcome\": \"%s\", \"holds_at\": ", first ? "" : ",",
                lagsim_mode_name((enum lagsim_mode)m), outcome_name(find->outcome[m]));
        first = 0;
        if (find->outcome[m] == LAGSIM_FIND_BOUNDARY) {
            lsi_json_real(f, plain_axis(&sw->axis[0], sw->points[find->holds_at[m]].value[0]));
            fputs(", \"fails_at\": ", f);
            lsi_json_real(f, plain_axis(&sw->axis[0], sw->points[find->fails_at[m]].value[0]));
        } else {
            fputs("null, \"fails_at\": null", f);
        }
        fputc('}', f);
    }
    fputs("\n    }\n  }\n}\n", f);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}

/* ---- CSV ----------------------------------------------------------------------------- */

void lsi_sweep_keys_csv(FILE *f, const lagsim_sweep_t *sw)
{
    for (unsigned k = 0; k < sw->n_axes; k++) {
        lsi_csv_text(f, sw->axis[k].key);
        fputc(',', f);
    }
}

void lsi_sweep_values_csv(FILE *f, const lagsim_sweep_t *sw, const lagsim_sweep_point_t *p)
{
    for (unsigned k = 0; k < sw->n_axes; k++) {
        lsi_csv_number(f, plain_axis(&sw->axis[k], p->value[k]));
        fputc(',', f);
    }
}

static void csv_row(FILE *f, const lagsim_sweep_t *sw, const lagsim_sweep_point_t *p,
                    enum lagsim_mode m, const lagsim_slo_t *slo, int round)
{
    const lagsim_replicated_t *r = p->reps[m];
    if (round >= 0)
        fprintf(f, "%d,", round);
    lsi_sweep_values_csv(f, sw, p);
    fprintf(f, "%s,%" PRIu32 ",%s,%" PRIu64 ",%" PRIu64, lagsim_mode_name(m), r->reps,
            !slo ? "" : lagsim_slo_holds(slo, r, NULL, 0) ? "true" : "false", r->pooled->fired,
            r->pooled->visible);
    for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
        const lagsim_summary_t *s = &r->figure[k];
        fputc(',', f);
        if (s->n)
            lsi_csv_number(f, s->mean);
        fputc(',', f);
        lsi_csv_number(f, lagsim_summary_half_width(s, 0.95));
    }
    fputc('\n', f);
}

int lsi_report_sweep_csv(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                     const lagsim_find_t *find, const lagsim_manifest_t *manifest)
{
    if (manifest)
        lsi_manifest_csv(f, manifest);
    if (slo) {
        char text[LAGSIM_SLO_MAX_TERMS * 50];
        lsi_slo_text(text, sizeof text, slo);
        fprintf(f, "# slo: %s\n", text);
    }
    for (int m = 0; find && m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        fprintf(f, "# find %s: %s", lagsim_mode_name((enum lagsim_mode)m),
                outcome_name(find->outcome[m]));
        if (find->outcome[m] == LAGSIM_FIND_BOUNDARY) {
            fputs(", holds at ", f);
            lsi_csv_number(f, plain_axis(&sw->axis[0], sw->points[find->holds_at[m]].value[0]));
            fputs(", fails at ", f);
            lsi_csv_number(f, plain_axis(&sw->axis[0], sw->points[find->fails_at[m]].value[0]));
        }
        fputc('\n', f);
    }
    if (find)
        fputs("round,", f);
    lsi_sweep_keys_csv(f, sw);
    fputs("mode,replications,slo_met,fired_total,visible_total", f);
    for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
        const char *name = lagsim_figure_name((enum lagsim_figure)k);
        fprintf(f, ",%s,%s_hw95", name, name);
    }
    fputc('\n', f);
    if (find) {
        for (uint32_t i = 0; i < find->n_probes; i++)
            csv_row(f, sw, &sw->points[find->probe[i].point], find->probe[i].mode, slo,
                    (int)find->probe[i].round);
    } else {
        for (uint32_t i = 0; i < sw->n_points; i++)
            for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
                if (sw->points[i].reps[m])
                    csv_row(f, sw, &sw->points[i], (enum lagsim_mode)m, slo, -1);
    }
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
