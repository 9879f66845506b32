/*
 * report_hist.c - owns lagsim_report_hist_csv(): every non-empty bucket
 * of each mode's pooled latency histograms, delivered and visible, as CSV,
 * so the whole distribution can be plotted or compared elsewhere.
 *
 * Bounds are exact (integer microseconds written as decimal seconds), and
 * the cumulative share is computed from integer counts, so it is exactly
 * 1 on each histogram's last row.
 */
#include <inttypes.h>

#include "report/report_internal.h"

static void hist_rows(FILE *f, const char *mode, const char *latency, const lagsim_hist_t *h)
{
    const uint64_t total = lagsim_hist_count(h);
    uint64_t cum = 0;
    for (size_t i = 0; i < lagsim_hist_bucket_count() && cum < total; i++) {
        int64_t low, high;
        const uint64_t n = lagsim_hist_bucket(h, i, &low, &high);
        if (n == 0)
            continue;
        cum += n;
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

int lagsim_report_hist_csv(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                           const lagsim_manifest_t *manifest)
{
    if (manifest)
        lsi_manifest_csv(f, manifest);
    fputs("mode,latency,lower_s,upper_s,count,cumulative_share\n", f);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const char *name = lagsim_mode_name((enum lagsim_mode)m);
        hist_rows(f, name, "delivered", reps[m]->pooled->latency_delivered);
        hist_rows(f, name, "visible", reps[m]->pooled->latency_visible);
    }
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
