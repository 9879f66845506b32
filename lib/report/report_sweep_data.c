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
    fputs(", \"slo_verdict\": ", f);
    if (slo)
        fprintf(f, "\"%s\"", lsi_verdict_name(lagsim_slo_verdict(slo, r, NULL, 0)));
    else
        fputs("null", f);
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

const char *lsi_verdict_name(enum lagsim_verdict v)
{
    switch (v) {
    case LAGSIM_VERDICT_HOLDS: return "holds";
    case LAGSIM_VERDICT_FAILS: return "fails";
    case LAGSIM_VERDICT_UNDECIDED: return "undecided";
    }
    return "?";
}

uint32_t lsi_find_lines(const lagsim_find_t *find)
{
    return find->n_lines ? find->n_lines : 1;
}

void lsi_find_line(const lagsim_find_t *find, uint32_t l, lagsim_find_line_t *out)
{
    if (find->n_lines) {
        *out = find->line[l];
        return;
    }
    memcpy(out->outcome, find->outcome, sizeof out->outcome);
    memcpy(out->holds_at, find->holds_at, sizeof out->holds_at);
    memcpy(out->fails_at, find->fails_at, sizeof out->fails_at);
    memcpy(out->sure_holds_at, find->holds_at, sizeof out->sure_holds_at);
    memcpy(out->sure_fails_at, find->fails_at, sizeof out->sure_fails_at);
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

/* {"cloud": {"outcome": ..., "holds_at": ..., "fails_at": ..., "interval": [lo, hi]}}
 * for line l of a find, indented by `indent`. */
static void json_find_line(FILE *f, const lagsim_sweep_t *sw, const lagsim_find_t *find,
                           uint32_t l, int indent)
{
    lagsim_find_line_t ln;
    lsi_find_line(find, l, &ln);
    fputc('{', f);
    int first = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        fprintf(f, "%s\n%*s\"%s\": {\"outcome\": \"%s\", \"holds_at\": ", first ? "" : ",",
                indent, "", lagsim_mode_name((enum lagsim_mode)m), outcome_name(ln.outcome[m]));
        first = 0;
        if (ln.outcome[m] == LAGSIM_FIND_BOUNDARY) {
            lsi_json_real(f, plain_axis(&sw->axis[0], sw->points[ln.holds_at[m]].value[0]));
            fputs(", \"fails_at\": ", f);
            lsi_json_real(f, plain_axis(&sw->axis[0], sw->points[ln.fails_at[m]].value[0]));
            fputs(", \"interval\": [", f);
            const double a = plain_axis(&sw->axis[0], sw->points[ln.sure_holds_at[m]].value[0]);
            const double b = plain_axis(&sw->axis[0], sw->points[ln.sure_fails_at[m]].value[0]);
            lsi_json_real(f, a < b ? a : b);
            fputs(", ", f);
            lsi_json_real(f, a < b ? b : a);
            fputc(']', f);
        } else {
            fputs("null, \"fails_at\": null, \"interval\": null", f);
        }
        fputc('}', f);
    }
    fprintf(f, "\n%*s}", indent - 2, "");
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
        fprintf(f, ", \"slo_met\": %s, \"slo_verdict\": \"%s\", \"replications\": %" PRIu32
                   "}", pr->holds ? "true" : "false", lsi_verdict_name(pr->verdict), pr->reps);
    }
    fputs("\n    ],\n    \"modes\": ", f);
    json_find_line(f, sw, find, 0, 6);
    fputs(",\n    \"frontier\": ", f);
    if (sw->n_axes < 2) {
        fputs("null", f);
    } else {
        fputs("[", f);
        for (uint32_t l = 0; l < lsi_find_lines(find); l++) {
            fprintf(f, "%s\n      {\"value\": ", l ? "," : "");
            const uint32_t p = l < sw->n_points ? l : 0; /* line l: point (0, l) */
            lsi_json_real(f, plain_axis(&sw->axis[1], sw->points[p].value[1]));
            fputs(", \"modes\": ", f);
            json_find_line(f, sw, find, l, 8);
            fputc('}', f);
        }
        fputs("\n    ]", f);
    }
    fputs("\n  }\n}\n", f);
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
    fprintf(f, "%s,%" PRIu32 ",%s,%s,%" PRIu64 ",%" PRIu64, lagsim_mode_name(m), r->reps,
            !slo ? "" : lagsim_slo_holds(slo, r, NULL, 0) ? "true" : "false",
            !slo ? "" : lsi_verdict_name(lagsim_slo_verdict(slo, r, NULL, 0)), r->pooled->fired,
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
    for (uint32_t l = 0; find && l < lsi_find_lines(find); l++) {
        lagsim_find_line_t ln;
        lsi_find_line(find, l, &ln);
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!(sw->mode_mask & (1u << m)))
                continue;
            fprintf(f, "# find %s", lagsim_mode_name((enum lagsim_mode)m));
            if (sw->n_axes == 2) { /* the frontier: one answer per value of the second key */
                fprintf(f, " at %s=", sw->axis[1].key);
                lsi_csv_number(f, plain_axis(&sw->axis[1], sw->points[l].value[1]));
            }
            fprintf(f, ": %s", outcome_name(ln.outcome[m]));
            if (ln.outcome[m] == LAGSIM_FIND_BOUNDARY) {
                const lagsim_axis_t *a = &sw->axis[0];
                fputs(", holds at ", f);
                lsi_csv_number(f, plain_axis(a, sw->points[ln.holds_at[m]].value[0]));
                fputs(", fails at ", f);
                lsi_csv_number(f, plain_axis(a, sw->points[ln.fails_at[m]].value[0]));
                const double x = plain_axis(a, sw->points[ln.sure_holds_at[m]].value[0]);
                const double y = plain_axis(a, sw->points[ln.sure_fails_at[m]].value[0]);
                fputs(", 95% interval ", f);
                lsi_csv_number(f, x < y ? x : y);
                fputs(" to ", f);
                lsi_csv_number(f, x < y ? y : x);
            }
            fputc('\n', f);
        }
    }
    if (find)
        fputs("round,", f);
    lsi_sweep_keys_csv(f, sw);
    fputs("mode,replications,slo_met,slo_verdict,fired_total,visible_total", f);
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
