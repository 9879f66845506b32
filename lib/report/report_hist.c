/*
 * report_hist.c - owns lagsim_report_hist_csv() and
 * lagsim_report_sweep_hist_csv(): every non-empty bucket of each mode's
 * pooled latency histograms, delivered and visible, as CSV, so the whole
 * distribution can be plotted or compared elsewhere. A sweep writes the
 * same rows for every point that ran, led by the point's values of the
 * varied keys.
 *
 * Bounds are exact (integer microseconds written as decimal seconds), and
 * the cumulative share is computed from integer counts, so it is exactly
 * 1 on each histogram's last row.
 */
#include <inttypes.h>

#include "report/report_internal.h"

#define HIST_COLUMNS "mode,latency,lower_s,upper_s,count,cumulative_share\n"

/* The rows of one histogram; with a sweep (sw not NULL), each row starts
 * with point p's values of the varied keys. */
static void hist_rows(FILE *f, const lagsim_sweep_t *sw, const lagsim_sweep_point_t *p,
                      const char *mode, const char *latency, const lagsim_hist_t *h)
{
    const uint64_t total = lagsim_hist_count(h);
    uint64_t cum = 0;
    for (size_t i = 0; i < lagsim_hist_bucket_count() && cum < total; i++) {
        int64_t low, high;
        const uint64_t n = lagsim_hist_bucket(h, i, &low, &high);
        if (n == 0)
            continue;
        cum += n;
        if (sw)
            lsi_sweep_values_csv(f, sw, p);
        fprintf(f, "%s,%s,", mode, latency);
        lsi_json_seconds(f, low);
        fputc(',', f);
        lsi_json_seconds(f, high);
        fprintf(f, ",%" PRIu64 ",", n);
        if (cum == total)
            fputs("1", f);
        else
            fprintf(f, "%.9g", (double)cum / (double)total);
        fputc('\n', f);
    }
}

/* Every mode of reps that ran: delivered, then visible. */
static void modes_rows(FILE *f, const lagsim_sweep_t *sw, const lagsim_sweep_point_t *p,
                       const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const char *name = lagsim_mode_name((enum lagsim_mode)m);
        hist_rows(f, sw, p, name, "delivered", reps[m]->pooled->latency_delivered);
        hist_rows(f, sw, p, name, "visible", reps[m]->pooled->latency_visible);
    }
}

int lagsim_report_hist_csv(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                           const lagsim_manifest_t *manifest)
{
    if (manifest)
        lsi_manifest_csv(f, manifest);
    fputs(HIST_COLUMNS, f);
    modes_rows(f, NULL, NULL, reps);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}

int lagsim_report_sweep_hist_csv(FILE *f, const lagsim_sweep_t *sw,
                                 const lagsim_manifest_t *manifest)
{
    if (manifest)
        lsi_manifest_csv(f, manifest);
    lsi_sweep_keys_csv(f, sw);
    fputs(HIST_COLUMNS, f);
    for (uint32_t i = 0; i < sw->n_points; i++)
        modes_rows(f, sw, &sw->points[i],
                   (const lagsim_replicated_t *const *)sw->points[i].reps);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
