/*
 * experiment_internal.h - what the experiment layer's files share and no
 * one else sees. They may use the model's internals (model_internal.h):
 * the experiment layer sits above the model.
 */
#ifndef LAGSIM_EXPERIMENT_INTERNAL_H
#define LAGSIM_EXPERIMENT_INTERNAL_H

#include "lagsim/experiment.h"
#include "model/model_internal.h"

/* lagsim_warmup_find() that leaves the pilot's result in r: replication 0
 * with no cut, so it can stand in for that replication when the cut is 0. */
int lsi_warmup_pilot(const lagsim_scenario_t *sc, enum lagsim_mode mode,
                     const lagsim_run_limits_t *limits, lagsim_warmup_t *out,
                     lagsim_result_t *r);

#endif /* LAGSIM_EXPERIMENT_INTERNAL_H */
