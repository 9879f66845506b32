/*
 * report_results.c - owns lagsim_report_results(): the whole report of
 * run or compare in the format asked for, assembled from the table
 * writers (report_text.c, report_json.c, report_csv.c), the charts
 * (report_chart.c) and the manifest (report_manifest.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/report_theory.h"
#include "report/report_verdict.h"

/* One line per mode on the precision its replications reached. */
static void precision_lines(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                            const lagsim_manifest_t *m)
{
    fputc('\n', f);
    for (int k = 0; k < LAGSIM_MODE_COUNT; k++) {
        if (!reps[k])
            continue;
        enum lagsim_figure worst;
        const double rel = lagsim_replicated_precision(reps[k], &worst);
        fprintf(f, "Precision, %s: %" PRIu32 " replications; ", lagsim_mode_name((enum lagsim_mode)k),
                reps[k]->reps);
        if (worst == LAGSIM_FIG_COUNT)
            fputs("no figure varies, so every one is exact\n", f);
        else
            fprintf(f, "widest 95%% half-width %s at %.2g%% of its mean, %s the %.4g%% asked%s\n",
                    lagsim_figure_name(worst), 100 * rel, rel <= m->precision ? "within" : "OUTSIDE",
                    100 * m->precision,
                    rel <= m->precision ? "" : " (stopped at the cap)");
    }
}

void lsi_warmup_given_line(FILE *f, const lagsim_warmup_t *w)
{
    char cut[LAGSIM_DURATION_MAX], text[256];
    if (w->method == LAGSIM_WARMUP_TERMINATING)
        snprintf(text, sizeof text, "none cut; the scenario has %s, so it is a terminating "
                                    "run, reported from time zero", w->why);
    else if (w->method == LAGSIM_WARMUP_NONE)
        snprintf(text, sizeof text, "none cut (warmup = none); latencies from time zero");
    else
        snprintf(text, sizeof text, "latencies count events fired from %s on (warmup = %s)",
                 lagsim_format_duration(cut, sizeof cut, w->cut), cut);
    lsi_report_wrap(f, "\nWarm-up:", 2, 80, text); /* within 80 columns */
}

/*
 * How the latencies' warm-up was treated, one line per mode (one line in
 * all when the scenario is terminating or the cut was given).
 */
static void warmup_lines(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    char cut[LAGSIM_DURATION_MAX], width[LAGSIM_DURATION_MAX];
    int said = 0;
    for (int k = 0; k < LAGSIM_MODE_COUNT; k++) {
        if (!reps[k])
            continue;
        const lagsim_warmup_t *w = &reps[k]->warmup;
        lagsim_format_duration(cut, sizeof cut, w->cut);
        lagsim_format_duration(width, sizeof width, w->batch_width);
        switch (w->method) {
        case LAGSIM_WARMUP_NONE:
        case LAGSIM_WARMUP_TERMINATING:
        case LAGSIM_WARMUP_FIXED:
            if (said++ == 0) /* the same for every mode */
                lsi_warmup_given_line(f, w);
            break;
        case LAGSIM_WARMUP_MSER:
            if (w->cut == 0) {
                fprintf(f, "%sWarm-up, %s: MSER-5 found none to cut (%u batches of %s of firing "
                           "time looked at); latencies from time zero\n",
                        said++ ? "" : "\n", lagsim_mode_name((enum lagsim_mode)k), w->batches,
                        width);
                break;
            }
            fprintf(f, "%sWarm-up, %s: MSER-5 cut the first %s of firing time (%u of %u batches "
                       "of %s); latencies count events fired after it\n",
                    said++ ? "" : "\n", lagsim_mode_name((enum lagsim_mode)k), cut,
                    w->cut_batches, w->batches, width);
            break;
        case LAGSIM_WARMUP_UNSETTLED:
            fprintf(f, "%sWarm-up, %s: WARNING: the pilot run never settled (MSER-5 looked at %u "
                       "batches of %s and would cut 40%% of them or more, or it stopped early); "
                       "nothing cut, latencies from time zero: try a longer horizon\n",
                    said++ ? "" : "\n", lagsim_mode_name((enum lagsim_mode)k), w->batches, width);
            break;
        }
    }
}

static int report_text(FILE *f, const lagsim_scenario_t *sc,
                       const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT], int compare,
                       const lagsim_report_opts_t *opts)
{
    const lagsim_result_t *pooled[LAGSIM_MODE_COUNT];
    uint32_t n = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        pooled[m] = reps[m] ? reps[m]->pooled : NULL;
        if (reps[m] && reps[m]->reps > n)
            n = reps[m]->reps;
    }
    int rc;
    if (compare)
        rc = lagsim_report_text_compare(f, sc, reps);
    else if (n > 1)
        rc = lagsim_report_text_replicated(f, sc, reps);
    else
        rc = lagsim_report_text(f, sc, pooled);
    if (rc != LAGSIM_OK)
        return rc;
    if (!compare) { /* compare ends its differences with its own */
        char verdict[1024];
        lsi_verdict_run(verdict, sizeof verdict, reps);
        lsi_report_wrap(f, "\nIn short:", 2, 80, verdict + strlen("In short:"));
    }
    warmup_lines(f, reps);
    if (opts->manifest && opts->manifest->precision > 0)
        precision_lines(f, reps, opts->manifest);
    /* One x axis for every mode's chart, so they compare by eye. */
    int64_t amin = INT64_MAX, amax = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        const lagsim_hist_t *h = reps[m] ? reps[m]->pooled->latency_visible : NULL;
        if (!h || lagsim_hist_count(h) == 0)
            continue;
        amin = lagsim_hist_min(h) < amin ? lagsim_hist_min(h) : amin;
        amax = lagsim_hist_max(h) > amax ? lagsim_hist_max(h) : amax;
    }
    for (int m = 0; opts->charts && m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        char title[64];
        snprintf(title, sizeof title, "Latency to visible, %s",
                 lagsim_mode_name((enum lagsim_mode)m));
        fputc('\n', f);
        rc = lsi_report_chart_axis(f, reps[m]->pooled->latency_visible, title, opts->ascii,
                                   amin, amax);
        if (rc != LAGSIM_OK)
            return rc;
    }
    if (opts->manifest)
        lsi_manifest_text(f, opts->manifest);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}

int lagsim_report_results(FILE *f, const lagsim_scenario_t *sc,
                          const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT], int compare,
                          const lagsim_report_opts_t *opts)
{
    static const lagsim_report_opts_t defaults = {LAGSIM_REPORT_TEXT, NULL, 0, 0};
    if (!opts)
        opts = &defaults;
    switch (opts->format) {
    case LAGSIM_REPORT_JSON: return lsi_report_json(f, sc, reps, compare, opts->manifest);
    case LAGSIM_REPORT_CSV: return lagsim_report_csv(f, reps, compare, opts->manifest);
    case LAGSIM_REPORT_HTML: return lsi_report_html(f, sc, reps, compare, opts->manifest);
    case LAGSIM_REPORT_MD: return lsi_report_md(f, sc, reps, compare, opts->manifest);
    case LAGSIM_REPORT_TEXT: break;
    }
    return report_text(f, sc, reps, compare, opts);
}
