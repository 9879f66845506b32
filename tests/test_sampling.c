/*
 * test_sampling.c - the sampling policy: above the threshold, events of
 * the sampled priorities are kept with probability `keep`, counted as
 * sampled (not lost); below it, and for higher priorities, nothing is.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "model_support.h"

/*
 * 1,000 events/s, half low priority, threshold 500/s, keep 10%: after the
 * first 10 s window fills, 90% of the low half is sampled out, so 45% of
 * all events (less a little for the first seconds). Over ~600,000 events
 * the binomial sd is under 0.001; the tolerance 0.01 also covers the
 * warm-up (10 s of 600 s = 1.7% of events, sampled only in part).
 */
static void sampling_sheds_low_priority_above_the_threshold(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 1000, 10 * LAGSIM_MIN);
    sc.n_event_types = 2;
    sc.event_types[0].share = 0.5;
    sc.event_types[0].priority = LAGSIM_PRIO_LOW;
    sc.event_types[1] = sc.event_types[0];
    strcpy(sc.event_types[1].name, "high");
    sc.event_types[1].priority = LAGSIM_PRIO_HIGH;
    sc.sampling.threshold = 500;
    sc.sampling.keep = 0.1;
    lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
    const double share = (double)r->dropped[LAGSIM_DROP_SAMPLED] / (double)r->fired;
    assert_true(share < 0.45 && share > 0.44 - 0.01);
    assert_int_equal(r->visible + r->dropped[LAGSIM_DROP_SAMPLED], r->fired);
    /* Every high-priority event is visible: the sampled ones were all low. */
    assert_true((double)lagsim_hist_count(r->latency_by_priority[LAGSIM_PRIO_HIGH]) >
                (double)r->fired * 0.49);

    /* Below the threshold nothing is sampled. */
    sc.sampling.threshold = 2000;
    lagsim_result_t *calm = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_int_equal(calm->dropped[LAGSIM_DROP_SAMPLED], 0);
    /* The same events fire with or without the policy. */
    assert_int_equal(calm->fired, r->fired);
    lagsim_result_destroy(r);
    lagsim_result_destroy(calm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sampling_sheds_low_priority_above_the_threshold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
