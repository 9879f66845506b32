/*
 * test_device_queue.c - a device's event queue at its cap, counted by
 * hand: a queue of `queue_cap` events holds exactly that many, and every
 * event fired while it is full is dropped as queue_overflow.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "model_support.h"

/*
 * One user whose SDK never sends within the run: no early flush, and one
 * flush every 366 days (the timer's phase is a hash of the user, within
 * the interval: here not in the first 62 minutes), a run of 2 minutes
 * and a drain limit of 1 hour, so no request at all. Every
 * event it fires waits in its queue until the run ends, so with a cap of
 * C, the first C fired are kept (in flight at the end) and each later
 * one is dropped: overflow = fired - C, in flight = C, exactly.
 */
static void queue_holds_exactly_its_cap(void **state)
{
    (void)state;
    const uint32_t caps[] = {1, 7, 40};
    for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
        lagsim_scenario_t sc;
        small_scenario(&sc, 2, 2 * LAGSIM_MIN);
        sc.users = 1;
        sc.new_user_share = 0;
        sc.drain_limit = LAGSIM_HOUR;
        lagsim_sdk_t *sdk = &sc.clients[0].sdk[LAGSIM_MODE_DEVICE];
        sdk->flush_at = 0;
        sdk->flush_interval = 366 * LAGSIM_DAY;
        sdk->batch_size = 1000;
        sdk->flush_on_exit = 0;
        sdk->queue_cap = caps[i];
        lagsim_result_t *r = run_mode(&sc, LAGSIM_MODE_DEVICE);
        /* 2 events/s for 120 s: about 240, far above every cap. */
        assert_true(r->fired > 150);
        assert_int_equal(r->requests, 0);
        assert_int_equal(r->dropped[LAGSIM_DROP_QUEUE_OVERFLOW], r->fired - caps[i]);
        assert_int_equal(r->in_flight, caps[i]);
        assert_int_equal(r->visible, 0);
        lagsim_result_destroy(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(queue_holds_exactly_its_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
