/*
 * test_endpoint_adblock.c - ad blocking by endpoint ([client.NAME]
 * adblock_segment, adblock_mixpanel, proxy_segment, proxy_mixpanel and
 * the adblock / proxy shorthands).
 *
 * Block lists name Segment's host and Mixpanel's host separately, a
 * first-party proxy hides either, and Segment's server-to-server leg to
 * Mixpanel is never blocked. So with only Mixpanel's host blocked, cloud
 * mode loses nothing to ad blockers and device mode loses the blocked
 * share; with a proxy in front of Mixpanel's host, device mode loses
 * nothing. Every run conserves its events.
 *
 * Tolerance: with 10 million users and about 30,000 events, nearly every
 * event comes from a user of its own (about 45 pairs of events share a
 * user), so the number of blocked events is close to Binomial(fired, p):
 * the share is checked to within 4 standard deviations, sqrt(p (1 - p) /
 * fired), about 0.011 at p = 0.3 (a false alarm once in 15,000 seeds).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/config.h"
#include "lagsim/model.h"

#define BASE                                                                              \
    "[scenario]\nhorizon = 10m\nseed = 21\nwarmup = none\n"                               \
    "[traffic]\nbase_rate = 50/s\nusers = 10000000\n"                                     \
    "[client.web]\nshare = 1\nplatform = web\n"

typedef struct outcome {
    uint64_t fired, blocked;
} outcome_t;

static void load(const char *text, lagsim_scenario_t *sc)
{
    lagsim_error_t err;
    if (lagsim_config_load_string(text, "adblock.ini", NULL, 0, sc, &err) != LAGSIM_OK)
        fail_msg("%s", err.message);
}

/* Runs `mode` of the scenario text; checks conservation. */
static outcome_t run(const char *text, enum lagsim_mode mode)
{
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    load(text, sc);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    assert_int_equal(lagsim_run(sc, mode, 0, r), LAGSIM_OK);
    uint64_t dropped = 0;
    for (int i = 0; i < LAGSIM_DROP_COUNT; i++)
        dropped += r->dropped[i];
    assert_true(r->conserved);
    assert_int_equal(r->fired, r->visible + dropped + r->in_flight);
    const outcome_t o = {r->fired, r->dropped[LAGSIM_DROP_ADBLOCK]};
    lagsim_result_destroy(r);
    free(sc);
    return o;
}

static void assert_share(outcome_t o, double p)
{
    const double share = (double)o.blocked / (double)o.fired;
    const double sigma = sqrt(p * (1 - p) / (double)o.fired);
    if (fabs(share - p) > 4 * sigma)
        fail_msg("blocked %llu of %llu = %.4f, expected %.2f +- %.4f",
                 (unsigned long long)o.blocked, (unsigned long long)o.fired, share, p, 4 * sigma);
}

/* Mixpanel's host blocked for 30%, Segment's not: cloud mode (browser ->
 * Segment -> Mixpanel) loses nothing, device mode 30%. */
static void only_mixpanel_host_blocked(void **state)
{
    (void)state;
    const char *text = BASE "adblock_segment = 0\nadblock_mixpanel = 0.3\n";
    const outcome_t cloud = run(text, LAGSIM_MODE_CLOUD);
    const outcome_t device = run(text, LAGSIM_MODE_DEVICE);
    assert_true(cloud.fired > 25000);
    assert_int_equal(cloud.blocked, 0);
    assert_share(device, 0.3);
    /* The same arrivals in both modes (common random numbers). */
    assert_int_equal(cloud.fired, device.fired);
}

/* Segment's host blocked for 20%: cloud mode loses 20%, device none. */
static void only_segment_host_blocked(void **state)
{
    (void)state;
    const char *text = BASE "adblock_segment = 20%\n";
    assert_share(run(text, LAGSIM_MODE_CLOUD), 0.2);
    assert_int_equal(run(text, LAGSIM_MODE_DEVICE).blocked, 0);
}

/* Both hosts blocked for 30%, a proxy in front of Mixpanel's: device
 * mode loses nothing, cloud mode 30%; the proxy in front of Segment's
 * instead: the other way round. */
static void proxy_hides_one_host(void **state)
{
    (void)state;
    const char *mp = BASE "adblock = 0.3\nproxy_mixpanel = yes\n";
    assert_share(run(mp, LAGSIM_MODE_CLOUD), 0.3);
    assert_int_equal(run(mp, LAGSIM_MODE_DEVICE).blocked, 0);
    const char *seg = BASE "adblock = 0.3\nproxy_segment = yes\n";
    assert_int_equal(run(seg, LAGSIM_MODE_CLOUD).blocked, 0);
    assert_share(run(seg, LAGSIM_MODE_DEVICE), 0.3);
}

/* The shorthands set both endpoints: the same scenario, and the same
 * blocked users, as the pairs. */
static void shorthands_set_both_endpoints(void **state)
{
    (void)state;
    lagsim_scenario_t *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    assert_true(a && b);
    load(BASE "adblock = 0.25\nproxy = yes\n", a);
    load(BASE "adblock_segment = 0.25\nadblock_mixpanel = 0.25\nproxy_segment = yes\n"
              "proxy_mixpanel = yes\n", b);
    assert_memory_equal(a->clients[0].adblock, b->clients[0].adblock, sizeof a->clients[0].adblock);
    assert_memory_equal(a->clients[0].proxy, b->clients[0].proxy, sizeof a->clients[0].proxy);
    free(a);
    free(b);
    const outcome_t s = run(BASE "adblock = 0.25\n", LAGSIM_MODE_DEVICE);
    const outcome_t p = run(BASE "adblock_segment = 0.25\nadblock_mixpanel = 0.25\n",
                            LAGSIM_MODE_DEVICE);
    assert_int_equal(s.blocked, p.blocked);
    assert_share(s, 0.25);
}

/* Both forms in the file: an error at the later one; a --set of one form
 * replaces the file's other. */
static void both_forms_are_an_error(void **state)
{
    (void)state;
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    assert_non_null(sc);
    lagsim_error_t err;
    assert_int_equal(lagsim_config_load_string(BASE "adblock = 0.3\nadblock_mixpanel = 0.5\n",
                                               "t.ini", NULL, 0, sc, &err),
                     LAGSIM_EINVAL);
    assert_string_equal(err.message, "t.ini:12: key 'adblock_mixpanel' in [client.web]: give "
                                     "either 'adblock' (both endpoints) or "
                                     "'adblock_segment'/'adblock_mixpanel', not both");
    assert_int_equal(lagsim_config_load_string(BASE "proxy_segment = yes\nproxy = no\n", "t.ini",
                                               NULL, 0, sc, &err),
                     LAGSIM_EINVAL);
    assert_string_equal(err.message, "t.ini:12: key 'proxy' in [client.web]: give either 'proxy' "
                                     "(both endpoints) or 'proxy_segment'/'proxy_mixpanel', not "
                                     "both");
    const char *set_short[] = {"client.web.adblock=0.4"};
    assert_int_equal(lagsim_config_load_string(BASE "adblock_mixpanel = 0.1\n", "t.ini", set_short,
                                               1, sc, &err),
                     LAGSIM_OK);
    assert_true(sc->clients[0].adblock[0] == 0.4 && sc->clients[0].adblock[1] == 0.4);
    const char *set_pair[] = {"client.web.adblock_segment=0"};
    assert_int_equal(lagsim_config_load_string(BASE "adblock = 0.3\n", "t.ini", set_pair, 1, sc,
                                               &err),
                     LAGSIM_OK);
    assert_true(sc->clients[0].adblock[0] == 0 && sc->clients[0].adblock[1] == 0.3);
    free(sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(only_mixpanel_host_blocked),
        cmocka_unit_test(only_segment_host_blocked),
        cmocka_unit_test(proxy_hides_one_host),
        cmocka_unit_test(shorthands_set_both_endpoints),
        cmocka_unit_test(both_forms_are_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
