/*
 * lagsim/lagsim.h - the umbrella header: everything an embedding program
 * needs to load a scenario, run it, and read or render the results.
 *
 *     lagsim_scenario_t sc;
 *     lagsim_error_t err;
 *     if (lagsim_config_load("configs/default.ini", NULL, 0, &sc, &err) != LAGSIM_OK)
 *         fprintf(stderr, "%s\n", err.message);
 *     lagsim_result_t *r = lagsim_result_create();
 *     lagsim_run(&sc, LAGSIM_MODE_CLOUD, 0, r);
 *     printf("p99 to visible: %lld us\n",
 *            (long long)lagsim_hist_quantile(r->latency_visible, 0.99));
 *     lagsim_result_destroy(r);
 */
#ifndef LAGSIM_LAGSIM_H
#define LAGSIM_LAGSIM_H

#include "lagsim/version.h"
#include "lagsim/des.h"
#include "lagsim/stats.h"
#include "lagsim/scenario.h"
#include "lagsim/model.h"
#include "lagsim/analysis.h"
#include "lagsim/experiment.h"
#include "lagsim/trace.h"
#include "lagsim/config.h"
#include "lagsim/report.h"

#endif /* LAGSIM_LAGSIM_H */
