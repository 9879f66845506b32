/*
 * test_monitor.c - unit tests of lib/analysis/monitor.c: alerts and recovery
 * times evaluated on hand-made Event Delivery series whose answers are
 * worked out in the comments, and the [alert.*] validation rules.
 *
 * Central idea: no simulation here. Each test fills a series window by
 * window (one-minute windows), describes the incidents in a scenario, and
 * checks lagsim_monitor_evaluate() against the answer computed by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/model.h"
#include "lagsim/analysis.h"

#define MIN LAGSIM_MIN
#define S LAGSIM_SEC

/* Window w (one minute) gets `n` of counter c. */
static void put(lagsim_series_t *s, size_t w, unsigned c, uint64_t n)
{
    assert_int_equal(lagsim_series_add(s, (int64_t)w * MIN, c, n), 0);
}

/* The backlog is `v` from the start of window w on. */
static void level(lagsim_series_t *s, size_t w, uint64_t v)
{
    assert_int_equal(lagsim_series_set_level(s, (int64_t)w * MIN, v), 0);
}

static lagsim_alert_t *add_alert(lagsim_scenario_t *sc, const char *name,
                                 enum lagsim_alert_metric metric, double threshold,
                                 lagsim_time_t window, int below)
{
    lagsim_alert_t *a = &sc->alerts[sc->n_alerts++];
    memset(a, 0, sizeof *a);
    strcpy(a->name, name);
    a->metric = metric;
    a->threshold = threshold;
    a->threshold_is_time = metric == LAGSIM_METRIC_P95_LATENCY;
    a->window = window;
    a->below = (uint32_t)below;
    return a;
}

/*
 * 5xx per window:   0 0 0 20 30 0 0 15 0 0 0 0 (12 windows)
 * An outage from 3m30s to 5m (503). Alert "errors": 5xx >= 10 per minute
 * holds at the ends of windows 3, 4 and 7: first fired at 4m, two
 * episodes, 3m firing, detected 30s after the outage started.
 * Alert "errors2": 5xx >= 40 over 2 minutes: rolling sums (from window 1)
 * 0 0 20 50 30 0 15 15 0: holds at window 4 only (ends 5m): 1m 30s delay.
 * Alert "quiet": 5xx below 1 over 3 minutes: evaluated from window 2
 * (sums 0 20 50 50 30 15 15 15 0 0): holds at windows 2, 10 and 11: two
 * episodes, 3m firing; first fired at 3m, before the outage: no incident.
 */
static void test_alert_counts(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 10 * MIN;
    sc.mixpanel.n_outages = 1;
    sc.mixpanel.outages[0] = (lagsim_outage_t){3 * MIN + 30 * S, 90 * S, LAGSIM_RESP_5XX, 503, 0};
    add_alert(&sc, "errors", LAGSIM_METRIC_5XX, 10, 0, 0);
    add_alert(&sc, "errors2", LAGSIM_METRIC_5XX, 40, 2 * MIN, 0);
    add_alert(&sc, "quiet", LAGSIM_METRIC_5XX, 1, 3 * MIN, 1);
    char msg[256];
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_OK);

    lagsim_series_t *s = lagsim_series_create(LAGSIM_DV_COUNT, MIN);
    assert_non_null(s);
    static const uint64_t errors[12] = {0, 0, 0, 20, 30, 0, 0, 15, 0, 0, 0, 0};
    for (size_t w = 0; w < 12; w++)
        put(s, w, LAGSIM_DV_RESPONSES + LAGSIM_RESP_5XX, errors[w]);
    lagsim_monitor_t mon;
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    assert_int_equal(mon.n_alerts, 3);
    assert_int_equal(mon.n_incidents, 1);
    assert_int_equal(mon.incident[0].kind, LAGSIM_INCIDENT_OUTAGE);

    const lagsim_alert_outcome_t *o = &mon.alert[0];
    assert_int_equal(o->first_fired, 4 * MIN);
    assert_int_equal(o->episodes, 2);
    assert_int_equal(o->firing, 3 * MIN);
    assert_int_equal(o->incident, 0);
    assert_int_equal(o->detection_delay, 30 * S);

    o = &mon.alert[1];
    assert_int_equal(o->first_fired, 5 * MIN);
    assert_int_equal(o->episodes, 1);
    assert_int_equal(o->firing, 1 * MIN);
    assert_int_equal(o->detection_delay, 90 * S);

    o = &mon.alert[2];
    assert_int_equal(o->first_fired, 3 * MIN);
    assert_int_equal(o->episodes, 2);
    assert_int_equal(o->firing, 3 * MIN);
    assert_int_equal(o->incident, -1);
    assert_int_equal(o->detection_delay, -1);

    /* Two identical replications pooled: per run, the same answers. */
    lagsim_series_t *pool = lagsim_series_create(LAGSIM_DV_COUNT, MIN);
    assert_non_null(pool);
    assert_int_equal(lagsim_series_merge(pool, s), 0);
    assert_int_equal(lagsim_series_merge(pool, s), 0);
    lagsim_monitor_t pooled;
    assert_int_equal(lagsim_monitor_evaluate(&sc, pool, &pooled), LAGSIM_OK);
    assert_memory_equal(&pooled.alert, &mon.alert, sizeof mon.alert);
    assert_true(lagsim_delivery_value(pool, LAGSIM_METRIC_5XX, 3, 2) == 50.0);
    lagsim_series_destroy(pool);
    lagsim_series_destroy(s);
}

/*
 * Latency and backlog alerts. Windows 0-5 deliver 100 events each at 10 s,
 * except window 3 at 100 s; p95 over one window holds ">= 60s" in window 3
 * only (fires at 4m). Over two windows, 100 of 200 values are 100 s, so
 * windows 3 and 4 hold (fires at 4m, 2m firing).
 * Backlog: 50, then 500 from window 2, then 40 from window 5: "backlog >= 400"
 * holds in windows 2, 3, 4 (the level is 500 until window 5 starts).
 * "delivered below 150 over 2 minutes": sums 200 from window 1 to 5, then
 * 100 in window 6 (nothing delivered): holds at window 6, fires at 7m.
 */
static void test_alert_latency_backlog(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    add_alert(&sc, "slow", LAGSIM_METRIC_P95_LATENCY, 60.0 * S, 0, 0);
    add_alert(&sc, "slow2", LAGSIM_METRIC_P95_LATENCY, 60.0 * S, 2 * MIN, 0);
    add_alert(&sc, "piling", LAGSIM_METRIC_BACKLOG, 400, 0, 0);
    add_alert(&sc, "dry", LAGSIM_METRIC_DELIVERED, 150, 2 * MIN, 1);
    lagsim_series_t *s = lagsim_series_create(LAGSIM_DV_COUNT, MIN);
    assert_non_null(s);
    level(s, 0, 50);
    for (size_t w = 0; w < 6; w++) {
        if (w == 2)
            level(s, w, 500);
        if (w == 5)
            level(s, w, 40);
        put(s, w, LAGSIM_DV_DELIVERED, 100);
        for (int i = 0; i < 100; i++)
            assert_int_equal(lagsim_series_record(s, (int64_t)w * MIN + i, w == 3 ? 100 * S : 10 * S), 0);
    }
    assert_int_equal(lagsim_series_extend(s, 7 * MIN - 1), 0); /* windows 0-6 */
    lagsim_monitor_t mon;
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    assert_int_equal(mon.n_incidents, 0);
    assert_int_equal(mon.alert[0].first_fired, 4 * MIN);
    assert_int_equal(mon.alert[0].firing, 1 * MIN);
    assert_int_equal(mon.alert[1].first_fired, 4 * MIN);
    assert_int_equal(mon.alert[1].firing, 2 * MIN);
    assert_int_equal(mon.alert[1].episodes, 1);
    assert_int_equal(mon.alert[2].first_fired, 3 * MIN);
    assert_int_equal(mon.alert[2].firing, 3 * MIN);
    assert_int_equal(mon.alert[3].first_fired, 7 * MIN);
    assert_int_equal(mon.alert[3].episodes, 1);
    /* p95 of window 3 is 100 s within the sketch's 1/16. */
    const double p95 = lagsim_delivery_value(s, LAGSIM_METRIC_P95_LATENCY, 3, 1);
    assert_true(fabs(p95 - 100.0 * S) <= 100.0 * S / 16);
    assert_true(isnan(lagsim_delivery_value(s, LAGSIM_METRIC_P95_LATENCY, 6, 1)));
    lagsim_series_destroy(s);
}

/*
 * Recovery. A burst from 5m to 7m. Before it (windows 1-4; window 0 is
 * start-up and left out): 429s 0 2 1 0 -> level 2 * 1.1 + 1 = 3.2;
 * backlog 120 100 110 90 -> level 120 * 1.1 + 1 = 133. Window 0 has a
 * backlog of 1000 (start-up), which must not count.
 * After it, windows 7.. have (429, backlog): (50, 5000) (10, 2000)
 * (3, 140) (3, 130) (0, 100): back at the level in window 10 (starts at
 * 10m): recovery 3 minutes after the burst's end.
 */
static lagsim_series_t *burst_series(size_t windows)
{
    static const uint64_t r429[] = {0, 0, 2, 1, 0, 500, 800, 50, 10, 3, 3, 0};
    static const uint64_t backlog[] = {1000, 120, 100, 110, 90, 9000, 20000,
                                       5000, 2000, 140, 130, 100};
    lagsim_series_t *s = lagsim_series_create(LAGSIM_DV_COUNT, MIN);
    assert_non_null(s);
    for (size_t w = 0; w < windows; w++) {
        level(s, w, backlog[w]); /* set at the window's start: replaces the carried value */
        put(s, w, LAGSIM_DV_RESPONSES + LAGSIM_RESP_429, r429[w]);
    }
    return s;
}

static void test_recovery(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.horizon = 20 * MIN;
    sc.n_bursts = 1;
    sc.bursts[0] = (lagsim_burst_t){"launch", 5 * MIN, 2 * MIN, 5000, -1};
    lagsim_series_t *s = burst_series(12);
    lagsim_monitor_t mon;
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    const lagsim_incident_t *in = &mon.incident[0];
    assert_int_equal(in->kind, LAGSIM_INCIDENT_BURST);
    assert_int_equal(in->start, 5 * MIN);
    assert_int_equal(in->end, 7 * MIN);
    assert_true(in->pre_429 == 2.0);
    assert_true(in->pre_backlog == 120.0);
    assert_int_equal(in->recovery, LAGSIM_RECOVERED);
    assert_int_equal(in->recovery_time, 3 * MIN);
    lagsim_series_destroy(s);

    /* The run ends (at the drain limit) in window 9 with a backlog of
     * 140: did not recover. */
    s = burst_series(10);
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    assert_int_equal(mon.incident[0].recovery, LAGSIM_NOT_RECOVERED);
    assert_int_equal(mon.incident[0].recovery_time, -1);
    /* The same run drained within window 9 (the backlog is 0 at its end):
     * it recovers as window 9 ends, at 10m. */
    assert_int_equal(lagsim_series_set_level(s, 10 * MIN - 1, 0), 0);
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    assert_int_equal(mon.incident[0].recovery, LAGSIM_RECOVERED);
    assert_int_equal(mon.incident[0].recovery_time, 3 * MIN);
    lagsim_series_destroy(s);

    /* The run ends before the burst does. */
    s = burst_series(6);
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    assert_int_equal(mon.incident[0].recovery, LAGSIM_RECOVERY_AFTER_RUN);
    lagsim_series_destroy(s);
    /* A burst in the second window has no baseline; a burst running past
     * the horizon ends at it. Incidents are sorted by start. An outage
     * from 10m30s to 11m takes its level from windows 1-4: the launch's
     * windows (5 to 9, where it recovered) are left out, so its backlog
     * level is 120, not 20,000; window 11 is back at it: recovery 0s. */
    s = burst_series(12);
    sc.n_bursts = 2;
    sc.bursts[1] = (lagsim_burst_t){"early", 90 * S, 30 * MIN, 5000, -1};
    sc.mixpanel.n_outages = 1;
    sc.mixpanel.outages[0] = (lagsim_outage_t){10 * MIN + 30 * S, 30 * S, LAGSIM_RESP_TIMEOUT, 0, 0};
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    assert_int_equal(mon.n_incidents, 3);
    assert_string_equal(sc.bursts[mon.incident[0].index].name, "early");
    assert_int_equal(mon.incident[0].recovery, LAGSIM_RECOVERY_NO_BASELINE);
    assert_int_equal(mon.incident[0].end, 20 * MIN); /* the horizon */
    assert_string_equal(sc.bursts[mon.incident[1].index].name, "launch");
    /* The early burst left no quiet window before the launch either. */
    assert_int_equal(mon.incident[1].recovery, LAGSIM_RECOVERY_NO_BASELINE);
    sc.n_bursts = 1; /* without it, the launch recovers at 10m as above */
    assert_int_equal(lagsim_monitor_evaluate(&sc, s, &mon), LAGSIM_OK);
    assert_int_equal(mon.n_incidents, 2);
    assert_int_equal(mon.incident[0].recovery_time, 3 * MIN);
    const lagsim_incident_t *out = &mon.incident[1];
    assert_int_equal(out->kind, LAGSIM_INCIDENT_OUTAGE);
    assert_true(out->pre_429 == 2.0);
    assert_true(out->pre_backlog == 120.0);
    assert_int_equal(out->recovery, LAGSIM_RECOVERED);
    assert_int_equal(out->recovery_time, 0);
    lagsim_series_destroy(s);
}

/* The rules lagsim_scenario_validate() applies to alerts. */
static void test_alert_validation(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    char msg[256];
    lagsim_scenario_defaults(&sc);
    assert_int_equal(sc.series_window, LAGSIM_MIN);
    lagsim_alert_t *a = add_alert(&sc, "x", LAGSIM_METRIC_429, 10, 2 * MIN, 0);
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_OK);
    a->window = 90 * S;
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_EINVAL);
    assert_non_null(strstr(msg, "[alert.x] window"));
    a->window = 0;
    a->threshold_is_time = 1;
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_EINVAL);
    assert_non_null(strstr(msg, "must be a count"));
    a->metric = LAGSIM_METRIC_P95_LATENCY;
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_OK);
    a->threshold_is_time = 0;
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_EINVAL);
    assert_non_null(strstr(msg, "must be a duration"));
    a->threshold = 0; /* 0 is a duration too */
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_OK);
    sc.series_window = LAGSIM_SEC; /* 366 days + 8 h of 1 s windows: too many */
    sc.horizon = 366 * LAGSIM_DAY;
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_EINVAL);
    assert_non_null(strstr(msg, "make it at least 16 s"));
    sc.series_window = 500 * LAGSIM_MSEC;
    assert_int_equal(lagsim_scenario_validate(&sc, msg, sizeof msg), LAGSIM_EINVAL);
    assert_non_null(strstr(msg, "series_window"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_alert_counts),
        cmocka_unit_test(test_alert_latency_backlog),
        cmocka_unit_test(test_recovery),
        cmocka_unit_test(test_alert_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
