/*
 * test_client.c - what happens on the device, seen through whole runs:
 * ad blockers and the proxy, offline spells, sessions that end, the
 * SDKs' expiry of old events, and the latency breakdown adding up in
 * every mode under all of these.
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
 * 30% of 20,000 web users block the SDK's host. Which users are blocked
 * is a fixed function of the user, so both modes lose the same events.
 * Users fire at equal rates, so the share of events lost has standard
 * deviation about sqrt(0.3 * 0.7 / 20,000) = 0.0032 from the users drawn,
 * plus a little from the events; 0.02 is over 5 of those.
 */
static void ad_blockers_drop_the_same_users_in_every_mode(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 200, 10 * LAGSIM_MIN);
    sc.users = 20000;
    sc.clients[0].adblock[0] = sc.clients[0].adblock[1] = 0.3;
    lagsim_result_t *cloud = run_mode(&sc, LAGSIM_MODE_CLOUD);
    lagsim_result_t *device = run_mode(&sc, LAGSIM_MODE_DEVICE);
    const double share = (double)cloud->dropped[LAGSIM_DROP_ADBLOCK] / (double)cloud->fired;
    assert_true(fabs(share - 0.3) < 0.02);
    assert_int_equal(cloud->dropped[LAGSIM_DROP_ADBLOCK], device->dropped[LAGSIM_DROP_ADBLOCK]);
    assert_int_equal(cloud->visible + cloud->dropped[LAGSIM_DROP_ADBLOCK], cloud->fired);
    lagsim_result_destroy(cloud);
    lagsim_result_destroy(device);
}

/* Through a proxy nothing is blocked, and each send that gets through
 * spends the proxy's extra one-way time (a constant 50 ms here) in the
 * network hop, exactly. */
static void the_proxy_avoids_blockers_and_adds_a_hop(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 100, 5 * LAGSIM_MIN);
    sc.clients[0].adblock[0] = sc.clients[0].adblock[1] = 0.4;
    lagsim_result_t *plain = run_mode(&sc, LAGSIM_MODE_DEVICE);
    sc.clients[0].proxy[0] = sc.clients[0].proxy[1] = 1;
    sc.clients[0].proxy_latency = constant(0.050);
    lagsim_result_t *proxied = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(plain->dropped[LAGSIM_DROP_ADBLOCK] > 0);
    assert_int_equal(proxied->dropped[LAGSIM_DROP_ADBLOCK], 0);
    assert_int_equal(proxied->visible, proxied->fired);
    sc.clients[0].proxy[0] = sc.clients[0].proxy[1] = 0;
    sc.clients[0].adblock[0] = sc.clients[0].adblock[1] = 0;
    lagsim_result_t *none = run_mode(&sc, LAGSIM_MODE_DEVICE);
    const double extra = lagsim_breakdown_mean(proxied->hops, LAGSIM_HOP_NETWORK) -
                         lagsim_breakdown_mean(none->hops, LAGSIM_HOP_NETWORK);
    /* Same events, but the proxy's draws shift the network stream: the
     * means of ~30,000 lognormal trips (sd ~50 ms) agree within 3 ms. */
    assert_true(fabs(extra - 50.0 * LAGSIM_MSEC) < 3.0 * LAGSIM_MSEC);
    assert_hops_add_up(proxied);
    lagsim_result_destroy(plain);
    lagsim_result_destroy(proxied);
    lagsim_result_destroy(none);
}

/*
 * Everyone goes offline once for 10 minutes. mixpanel-js keeps its queue
 * and retries without limit, so nothing is lost but some events wait the
 * spell out; analytics.js standard mode gives up after 10 attempts
 * (about 9-17 minutes of backoff), so a 2-hour spell loses events.
 */
static void offline_devices_keep_or_lose_their_queue(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 50, 30 * LAGSIM_MIN);
    sc.users = 500;
    sc.clients[0].offline_share = 1.0;
    sc.clients[0].offline_duration = constant(600);
    lagsim_result_t *device = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(device->offline_failures > 0);
    assert_int_equal(device->visible, device->fired);
    assert_true(lagsim_hist_max(device->latency_delivered) > 5 * LAGSIM_MIN);
    assert_true(lagsim_breakdown_mean(device->hops, LAGSIM_HOP_CLIENT_RETRY) > 10.0 * S);
    assert_hops_add_up(device);

    sc.clients[0].offline_duration = constant(7200);
    lagsim_result_t *cloud = run_mode(&sc, LAGSIM_MODE_CLOUD);
    assert_true(cloud->dropped[LAGSIM_DROP_RETRY_LIMIT] > 0);
    assert_true(cloud->offline_failures > 0);
    assert_hops_add_up(cloud);
    lagsim_result_destroy(device);
    lagsim_result_destroy(cloud);
}

/*
 * Sessions of 2 s against mixpanel-js's 5 s flush: most events are still
 * queued when the page closes. The SDK sends them with sendBeacon and
 * keeps them stored, so the next page load sends them again: nothing is
 * lost, and Mixpanel removes the copies (duplicates). An SDK that keeps
 * nothing across sessions and does not flush at exit loses them.
 */
static void sessions_end_with_beacons_or_losses(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 50, 20 * LAGSIM_MIN);
    sc.users = 200;
    sc.clients[0].session_length = constant(2.0);
    lagsim_result_t *kept = run_mode(&sc, LAGSIM_MODE_DEVICE);
    uint64_t lost = 0;
    for (int d = 0; d < LAGSIM_DROP_COUNT; d++)
        lost += kept->dropped[d];
    assert_int_equal(lost, 0);
    assert_true(kept->duplicates > 0);
    assert_true(kept->visible + kept->in_flight == kept->fired);
    assert_hops_add_up(kept);

    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].persist = 0;
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].flush_on_exit = 0;
    lagsim_result_t *gone = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(gone->dropped[LAGSIM_DROP_SESSION_END] > gone->fired / 4);
    assert_int_equal(gone->duplicates, 0);
    lagsim_result_destroy(kept);
    lagsim_result_destroy(gone);
}

/*
 * Devices offline for 6 days: mixpanel-android purges events older than
 * 5 days from its store; mixpanel-js keeps them, but /track refuses events
 * older than 5 days. Both end as too_old.
 */
static void events_older_than_five_days_are_too_old(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 2, 10 * LAGSIM_MIN);
    sc.users = 20;
    sc.drain_limit = 8 * LAGSIM_DAY;
    sc.clients[0].offline_share = 1.0;
    sc.clients[0].offline_duration = constant(6.0 * 86400);
    lagsim_result_t *web = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(web->dropped[LAGSIM_DROP_TOO_OLD] > 0);
    sc.clients[0].platform = LAGSIM_PLATFORM_ANDROID;
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE] = *lagsim_sdk_preset("mixpanel-android");
    lagsim_result_t *android = run_mode(&sc, LAGSIM_MODE_DEVICE);
    assert_true(android->dropped[LAGSIM_DROP_TOO_OLD] > 0);
    lagsim_result_destroy(web);
    lagsim_result_destroy(android);
}

/* Everything at once, in every mode: the hops of every visible event add
 * up to its latency, and conservation holds. */
static void hops_add_up_in_every_mode(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    small_scenario(&sc, 300, 10 * LAGSIM_MIN);
    sc.n_bursts = 1;
    strcpy(sc.bursts[0].name, "b");
    sc.bursts[0].start = 2 * LAGSIM_MIN;
    sc.bursts[0].duration = 2 * LAGSIM_MIN;
    sc.bursts[0].rate = 3000;
    sc.bursts[0].multiplier = -1;
    sc.mixpanel.ingest_limit = 1000;
    sc.mixpanel.lost_response_rate = 0.05;
    sc.merge_share = 0.1;
    sc.clients[0].adblock[0] = sc.clients[0].adblock[1] = 0.1;
    sc.clients[0].offline_share = 0.2;
    sc.clients[0].session_length = (lagsim_dist_t){.kind = LAGSIM_DIST_EXP, .p = {120, 0}};
    sc.n_event_types = 2;
    sc.event_types[0].share = 0.5;
    sc.event_types[1] = sc.event_types[0];
    strcpy(sc.event_types[1].name, "other");
    sc.event_types[1].route = LAGSIM_MODE_DEVICE;
    sc.event_types[1].priority = LAGSIM_PRIO_HIGH;
    sc.segment.priority_tiers = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        lagsim_result_t *r = run_mode(&sc, (enum lagsim_mode)m);
        assert_true(r->visible > r->fired / 2);
        assert_hops_add_up(r);
        lagsim_result_destroy(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ad_blockers_drop_the_same_users_in_every_mode),
        cmocka_unit_test(the_proxy_avoids_blockers_and_adds_a_hop),
        cmocka_unit_test(offline_devices_keep_or_lose_their_queue),
        cmocka_unit_test(sessions_end_with_beacons_or_losses),
        cmocka_unit_test(events_older_than_five_days_are_too_old),
        cmocka_unit_test(hops_add_up_in_every_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
