/*
 * warmup_probe.c - the observer a warm-up pilot run attaches to the
 * ledger: the sum and count of latency to visible by firing-time window
 * (every visible event, the warm-up cut aside). The pilot itself and
 * MSER, which read it after the run, are experiment code
 * (lib/experiment/warmup.c).
 */
#include "model/model_internal.h"

static void probe_add(lsi_probe_t *p, lagsim_time_t fired_at, lagsim_time_t latency)
{
    int64_t w = fired_at / p->width;
    if (w < 0)
        w = 0;
    if (w >= (int64_t)p->n)
        return; /* fired at the horizon's last microsecond rounding: ignore */
    p->sum[w] += (double)latency;
    p->count[w]++;
}

static void visible(void *ctx, lsi_model_t *m, uint32_t ev, const lsi_delivery_t *d)
{
    const lagsim_time_t fired_at = m->pool.ev[ev].fired_at;
    probe_add(ctx, fired_at, d->visible - fired_at);
}

const lsi_observer_t lsi_probe_observer = {
    .visible = visible,
};
