/*
 * report_verdict.h - the one-line verdicts of run and compare
 * (report_verdict.c), shared by the text and HTML reports. Private to
 * lib/report.
 */
#ifndef LAGSIM_REPORT_VERDICT_H
#define LAGSIM_REPORT_VERDICT_H

#include <stddef.h>

#include "lagsim/model.h"

/* "In short: in cloud mode 100% of N events became visible, p50 in ...,
 * p99 in ..., none dropped, N 429s, backlog peak N; in device mode ...".
 * Counts are pooled over the replications (and say so). */
void lsi_verdict_run(char *buf, size_t size,
                     const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT]);

/* "In short: device-mode cuts p99 latency to visible by 33.9s ± 2m 10s,
 * ... against cloud-mode." (paired differences other - base). */
void lsi_verdict_compare(char *buf, size_t size, const lagsim_replicated_t *base,
                         enum lagsim_mode bm, const lagsim_replicated_t *other,
                         enum lagsim_mode om);

#endif /* LAGSIM_REPORT_VERDICT_H */
