/*
 * report_verdict.c - owns the one-line verdicts ("In short: ...") that the
 * text, HTML and Markdown reports open or close with: for run, what share
 * became visible and how fast, what was lost, and how hard Mixpanel pushed
 * back; for compare, each mode's paired change against the first mode.
 * Each is built into a buffer in human units (durations as 3m 01s, the
 * same as the tables), so the text report can wrap it and the HTML one
 * escape it.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report/report_svg.h"
#include "report/report_verdict.h"

/* Appends a formatted piece to buf (kept NUL-terminated, cut if full). */
static void add(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void add(char *buf, size_t size, const char *fmt, ...)
{
    const size_t len = strlen(buf);
    if (len + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

void lsi_verdict_run(char *buf, size_t size, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    buf[0] = '\0';
    add(buf, size, "In short:");
    int first = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const lagsim_result_t *r = reps[m]->pooled;
        char fired[32], p50[LAGSIM_DURATION_MAX], p99[LAGSIM_DURATION_MAX], n429[32],
            peak[32];
        lsi_human_count(fired, sizeof fired, (double)r->fired);
        uint64_t dropped = 0;
        for (int k = 0; k < LAGSIM_DROP_COUNT; k++)
            dropped += r->dropped[k];
        const double share = r->fired ? 100.0 * (double)r->visible / (double)r->fired : 0;
        char sh[32];
        if (r->visible == r->fired)
            snprintf(sh, sizeof sh, "all");
        else if (share >= 99.95)
            snprintf(sh, sizeof sh, "over 99.9%% of");
        else
            snprintf(sh, sizeof sh, "%.3g%% of", share);
        add(buf, size, "%s in %s mode %s %s events%s became visible", first ? "" : ";",
            lagsim_mode_name((enum lagsim_mode)m), sh, fired,
            reps[m]->reps > 1 ? " (pooled over the replications)" : "");
        if (lagsim_hist_count(r->latency_visible) > 0)
            add(buf, size, ", p50 in %s and p99 in %s",
                lsi_html_dur(p50, sizeof p50, lagsim_hist_quantile(r->latency_visible, 0.5)),
                lsi_html_dur(p99, sizeof p99, lagsim_hist_quantile(r->latency_visible, 0.99)));
        if (dropped == 0) {
            add(buf, size, ", none dropped");
        } else {
            char d[32];
            lsi_human_count(d, sizeof d, (double)dropped);
            add(buf, size, ", %s dropped", d);
        }
        lsi_human_count(n429, sizeof n429, (double)r->responses[LAGSIM_RESP_429]);
        lsi_human_count(peak, sizeof peak, (double)r->backlog_peak);
        add(buf, size, ", %s 429s, backlog peak %s", n429, peak);
        first = 0;
    }
    add(buf, size, ".");
}

/* "cuts WHAT by X ± H" or "raises ...", kind as lsi_human_mean_hw(). */
static void change(char *buf, size_t size, const char *what, const lagsim_summary_t *d,
                   int kind, const char *down, const char *up)
{
    if (d->n == 0) {
        add(buf, size, "%s: not defined in these runs", what);
        return;
    }
    const double hw = lagsim_summary_half_width(d, 0.95);
    if (d->mean == 0 && !(hw > 0)) {
        add(buf, size, "leaves %s unchanged", what);
        return;
    }
    char v[96];
    lsi_human_mean_hw(v, sizeof v, fabs(d->mean), hw, (int)d->n, kind);
    add(buf, size, "%s %s by %s", d->mean <= 0 ? down : up, what, v);
    if (kind == 2)
        add(buf, size, " (percentage points)");
    else if (kind == 0)
        add(buf, size, " events");
}

void lsi_verdict_compare(char *buf, size_t size, const lagsim_replicated_t *base,
                         enum lagsim_mode bm, const lagsim_replicated_t *other,
                         enum lagsim_mode om)
{
    lagsim_summary_t p99, share, dropped;
    lagsim_replicated_difference(base, other, LAGSIM_FIG_VISIBLE_P99, &p99);
    lagsim_replicated_difference(base, other, LAGSIM_FIG_VISIBLE_SHARE, &share);
    lagsim_replicated_difference(base, other, LAGSIM_FIG_DROPPED, &dropped);
    buf[0] = '\0';
    add(buf, size, "In short: %s-mode ", lagsim_mode_name(om));
    change(buf, size, "p99 latency to visible", &p99, 1, "cuts", "raises");
    add(buf, size, ", ");
    change(buf, size, "the visible share", &share, 2, "lowers", "raises");
    add(buf, size, " and ");
    change(buf, size, "drops", &dropped, 0, "cuts", "raises");
    add(buf, size, " against %s-mode.", lagsim_mode_name(bm));
}
