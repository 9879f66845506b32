/*
 * warmup_probe.c - the observer a warm-up pilot run attaches: the sum and
 * count of latency to visible by firing-time window. The pilot itself and
 * MSER, which read it after the run, are experiment code
 * (lib/experiment/warmup.c).
 */
#include "model/model_internal.h"

void lsi_probe_add(lsi_probe_t *p, lagsim_time_t fired_at, lagsim_time_t latency)
{
    int64_t w = fired_at / p->width;
    if (w < 0)
        w = 0;
    if (w >= (int64_t)p->n)
        return; /* fired at the horizon's last microsecond rounding: ignore */
    p->sum[w] += (double)latency;
    p->count[w]++;
}
