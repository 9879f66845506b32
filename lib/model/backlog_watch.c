/*
 * backlog_watch.c - the backlog over time, for the theory checks: its time
 * average (Little's law, L = lambda W) and how long it took to drain after
 * its peak.
 *
 * The run samples the backlog (events fired and not yet delivered or
 * dropped: the pool's live records, as backlog_peak counts them) between
 * chunks of about one simulated second. The integral is a left sum: the
 * backlog seen at one sample holds until the next. That is exact across
 * idle stretches (nothing happens between the last event of a chunk and
 * the first of the next) and within a second elsewhere. The result keeps
 * the integral rounded to whole event-seconds, so that sums over
 * replications are exact whatever their order. Costs a few operations per
 * simulated second; nothing per event.
 */
#include <math.h>

#include "model/model_internal.h"

void lsi_backlog_watch(lsi_model_t *m, lagsim_time_t t)
{
    lagsim_result_t *out = m->out;
    if (t > m->watch_at) {
        m->watch_area += (double)m->watch_backlog * (double)(t - m->watch_at) / LAGSIM_SEC;
        out->backlog_area = nearbyint(m->watch_area);
        out->backlog_span = t;
        m->watch_at = t;
    }
    m->watch_backlog = m->pool.ev_live;
    /* Back under a tenth of the peak, for the first time since the peak. */
    if (out->backlog_peak > 0 && out->backlog_drained_at <= out->backlog_peak_at &&
        m->watch_backlog * 10 <= out->backlog_peak)
        out->backlog_drained_at = t;
}
