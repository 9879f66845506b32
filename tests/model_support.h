/*
 * model_support.h - small helpers shared by the tests that run the model
 * through its public API: a validated run, constants, and totals.
 */
#ifndef LAGSIM_TESTS_MODEL_SUPPORT_H
#define LAGSIM_TESTS_MODEL_SUPPORT_H

#include "lagsim/analysis.h"
#include "lagsim/config.h"
#include "lagsim/experiment.h"
#include "lagsim/model.h"

#define S LAGSIM_SEC

static inline lagsim_dist_t constant(double x)
{
    return lagsim_dist_const(x);
}

/* Validates the scenario (failing the test if it is invalid) and runs
 * replication 0 of one mode; the run must succeed and conserve events. */
static inline lagsim_result_t *run_mode(const lagsim_scenario_t *sc, enum lagsim_mode mode)
{
    char msg[256];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("invalid test scenario: %s", msg);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    assert_int_equal(lagsim_run(sc, mode, 0, r), LAGSIM_OK);
    assert_true(r->conserved);
    return r;
}

/* A small scenario: one web client, one event type, base rate `rate`. */
static inline void small_scenario(lagsim_scenario_t *sc, double rate, lagsim_time_t horizon)
{
    lagsim_scenario_defaults(sc);
    sc->horizon = horizon;
    sc->base_rate = rate;
    sc->users = 2000;
}

/* Checks that the hops of every visible event added up, and that the
 * part means add up to the mean visible latency. */
static inline void assert_hops_add_up(const lagsim_result_t *r)
{
    assert_int_equal(lagsim_breakdown_inconsistent(r->hops), 0);
    assert_int_equal(lagsim_breakdown_count(r->hops), r->visible);
    double sum = 0;
    for (unsigned h = 0; h < LAGSIM_HOP_COUNT; h++)
        sum += lagsim_breakdown_mean(r->hops, h);
    const double mean = lagsim_hist_mean(r->latency_visible);
    assert_true(fabs(sum - mean) <= 1e-6 * mean + 1e-6);
}

#endif
