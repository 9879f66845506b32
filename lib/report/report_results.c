/*
 * report_results.c - owns lagsim_report_results(): the whole report of
 * run or compare in the format asked for, assembled from the table
 * writers (report_text.c, report_json.c, report_csv.c), the charts
 * (report_chart.c) and the manifest (report_manifest.c).
 */
#include <inttypes.h>
#include <stdio.h>

#include "report/report_internal.h"

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
    if (opts->manifest && opts->manifest->precision > 0)
        precision_lines(f, reps, opts->manifest);
    for (int m = 0; opts->charts && m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        char title[64];
        snprintf(title, sizeof title, "Latency to visible, %s mode",
                 lagsim_mode_name((enum lagsim_mode)m));
        fputc('\n', f);
        rc = lagsim_report_chart(f, reps[m]->pooled->latency_visible, title, opts->ascii);
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
    case LAGSIM_REPORT_TEXT: break;
    }
    return report_text(f, sc, reps, compare, opts);
}
