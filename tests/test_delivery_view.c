/*
 * test_delivery_view.c - the Event Delivery series of whole runs
 * (lib/model/delivery_view.c) and the alerts and recoveries evaluated on
 * them (lib/analysis/monitor.c), through the public API.
 *
 * Central idea: the series must add up to the run's own totals exactly
 * (delivered, drops other than sampled, responses, retries, the backlog
 * peak), and the monitor must see what the scenario was built to show: an
 * outage detected within one window of its start, a burst above the
 * ingestion limit that recovers some minutes after its end, and one that
 * has not recovered when the drain limit cuts the run short.
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
#include "lagsim/experiment.h"

#define S LAGSIM_SEC
#define MIN LAGSIM_MIN

/* 200/s for 15 minutes; a 2-minute burst at 3000/s from 5m against a
 * limit of 1000/s: the excess (about 240,000 events) drains at the spare
 * 800/s, so the backlog is back to normal some 5 minutes after the burst. */
static void launch(lagsim_scenario_t *sc)
{
    lagsim_scenario_defaults(sc);
    sc->horizon = 15 * MIN;
    sc->drain_limit = 2 * LAGSIM_HOUR;
    sc->base_rate = 200;
    sc->users = 20000;
    sc->n_bursts = 1;
    sc->bursts[0] = (lagsim_burst_t){"launch", 5 * MIN, 2 * MIN, 3000, -1};
    sc->mixpanel.ingest_limit = 1000;
    sc->mixpanel.ingest_limit_bytes = 0;
}

static lagsim_result_t *run(const lagsim_scenario_t *sc, enum lagsim_mode mode)
{
    char msg[256];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("invalid test scenario: %s", msg);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    assert_int_equal(lagsim_run(sc, mode, 0, r), LAGSIM_OK);
    return r;
}

static uint64_t series_sum(const lagsim_series_t *s, unsigned c)
{
    uint64_t n = 0;
    for (size_t w = 0; w < lagsim_series_length(s); w++)
        n += lagsim_series_count(s, w, c);
    return n;
}

/* The series adds up to the run's totals, in every mode, with drops of
 * several reasons (sampling included, which the series leaves out). */
static void test_series_adds_up(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    sc.horizon = 10 * MIN;
    sc.segment.retry_window = 3 * MIN;       /* cloud: drops past the retry window */
    sc.clients[0].adblock[0] = sc.clients[0].adblock[1] = 0.05;            /* both: blocked by an ad blocker */
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].queue_cap = 20; /* device: queue overflow */
    sc.sampling.threshold = 2000;            /* during the burst: sampled out */
    sc.sampling.max_priority = LAGSIM_PRIO_NORMAL;
    sc.sampling.keep = 0.5;
    for (int mode = 0; mode < LAGSIM_MODE_COUNT; mode++) {
        lagsim_result_t *r = run(&sc, (enum lagsim_mode)mode);
        const lagsim_series_t *s = r->series;
        uint64_t dropped = 0;
        for (int d = 0; d < LAGSIM_DROP_COUNT; d++)
            if (d != LAGSIM_DROP_SAMPLED)
                dropped += r->dropped[d];
        assert_true(r->dropped[LAGSIM_DROP_SAMPLED] > 0);
        assert_true(dropped > 0);
        assert_int_equal(lagsim_series_runs(s), 1);
        assert_int_equal(lagsim_series_width(s), MIN);
        assert_int_equal(lagsim_series_length(s), (size_t)((r->end_time + MIN - 1) / MIN));
        assert_int_equal(series_sum(s, LAGSIM_DV_DELIVERED), r->delivered);
        assert_int_equal(series_sum(s, LAGSIM_DV_NOT_DELIVERED), dropped);
        for (int st = 0; st < LAGSIM_RESP_COUNT; st++)
            assert_int_equal(series_sum(s, LAGSIM_DV_RESPONSES + (unsigned)st), r->responses[st]);
        assert_int_equal(series_sum(s, LAGSIM_DV_RETRIES), r->retries);
        assert_int_equal(lagsim_series_latency_count(s, 0, lagsim_series_length(s)), r->delivered);
        /* No copies in this scenario: the backlog is the pool, and its
         * largest window is the run's backlog peak. */
        uint64_t peak = 0;
        for (size_t w = 0; w < lagsim_series_length(s); w++)
            if (lagsim_series_level_max(s, w) > peak)
                peak = lagsim_series_level_max(s, w);
        assert_int_equal(peak, r->backlog_peak);
        if (r->drain_time >= 0) /* drained: nothing left past the end */
            assert_int_equal(lagsim_series_level_max(s, lagsim_series_length(s)), 0);
        lagsim_result_destroy(r);
    }
}

/* Device mode has no Segment: its series latency is fired -> 2xx, the
 * run's latency to delivered, so their p95 agree within the two sketches'
 * bounds (1/16 and 1/256). */
static void test_device_latency_matches(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    sc.horizon = 8 * MIN;
    lagsim_result_t *r = run(&sc, LAGSIM_MODE_DEVICE);
    const double all = (double)lagsim_series_quantile(r->series, 0, lagsim_series_length(r->series), 0.95);
    const double exact = (double)lagsim_hist_quantile(r->latency_delivered, 0.95);
    assert_true(fabs(all - exact) <= exact * (1.0 / 16 + 1.0 / 256));
    lagsim_result_destroy(r);
}

/* Latency to visible by firing window (result->visible_by_fired): every
 * counted visible event lands in the window it was fired in (none past the
 * horizon), all windows together give the run's p99 within the sketch's
 * 1/16 and the histogram's 1/256, and the burst's windows are slower than
 * the quiet ones before it. Memory follows the windows: 15 of them. */
static void test_visible_by_fired(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    lagsim_result_t *r = run(&sc, LAGSIM_MODE_CLOUD);
    const lagsim_series_t *s = r->visible_by_fired;
    const size_t n = lagsim_series_length(s);
    assert_int_equal(n, 15); /* fired within 15 minutes, windows of 1m */
    assert_int_equal(lagsim_series_latency_count(s, 0, n), lagsim_hist_count(r->latency_visible));
    const double all = (double)lagsim_series_quantile(s, 0, n, 0.99);
    const double exact = (double)lagsim_hist_quantile(r->latency_visible, 0.99);
    assert_true(fabs(all - exact) <= exact * (1.0 / 16 + 1.0 / 256));
    /* minute 6 (in the burst, behind its backlog) against minute 2 */
    assert_true(lagsim_series_quantile(s, 6, 1, 0.99) > 2 * lagsim_series_quantile(s, 2, 1, 0.99));
    lagsim_result_destroy(r);
}

/* Cloud mode measures from Segment's receipt, so its series p95 is below
 * the run's fired -> 2xx p95 (client time left out). */
static void test_cloud_latency_from_segment(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    sc.n_bursts = 0;
    sc.horizon = 5 * MIN;
    sc.clients[0].sdk[LAGSIM_MODE_CLOUD] = *lagsim_sdk_preset("analytics-kotlin"); /* 30 s flush */
    lagsim_result_t *r = run(&sc, LAGSIM_MODE_CLOUD);
    const int64_t seg = lagsim_series_quantile(r->series, 0, lagsim_series_length(r->series), 0.95);
    const int64_t fired = lagsim_hist_quantile(r->latency_delivered, 0.95);
    assert_true(seg > 0);
    assert_true(seg < fired - 10 * S);
    lagsim_result_destroy(r);
}

/* An outage: a 5xx alert and a timeout alert each fire within one window
 * of its start, and name it. */
static void test_outage_alert_fires(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    sc.n_bursts = 0;
    sc.horizon = 12 * MIN;
    sc.mixpanel.n_outages = 2;
    sc.mixpanel.outages[0] = (lagsim_outage_t){4 * MIN + 20 * S, 2 * MIN, LAGSIM_RESP_5XX, 503, 0};
    sc.mixpanel.outages[1] = (lagsim_outage_t){8 * MIN, 1 * MIN, LAGSIM_RESP_TIMEOUT, 0, 0};
    sc.n_alerts = 2;
    sc.alerts[0] = (lagsim_alert_t){"errors", LAGSIM_METRIC_5XX, 1, 0, 0, 0};
    sc.alerts[1] = (lagsim_alert_t){"timeouts", LAGSIM_METRIC_TIMEOUT, 1, 0, 0, 0};
    for (int mode = 0; mode < 2; mode++) {
        lagsim_result_t *r = run(&sc, (enum lagsim_mode)mode);
        lagsim_monitor_t mon;
        assert_int_equal(lagsim_monitor_evaluate(&sc, r->series, &mon), LAGSIM_OK);
        assert_int_equal(mon.n_incidents, 2);
        for (int a = 0; a < 2; a++) {
            const lagsim_alert_outcome_t *o = &mon.alert[a];
            const lagsim_incident_t *in = &mon.incident[a];
            assert_int_equal(o->incident, a);
            assert_int_equal(in->kind, LAGSIM_INCIDENT_OUTAGE);
            assert_true(o->detection_delay > 0);
            assert_true(o->detection_delay <= sc.series_window);
            assert_true(o->episodes >= 1);
        }
        /* Both outages end with the pipeline recovering. */
        assert_int_equal(mon.incident[0].recovery, LAGSIM_RECOVERED);
        assert_int_equal(mon.incident[1].recovery, LAGSIM_RECOVERED);
        lagsim_result_destroy(r);
    }
}

/* A burst above the limit recovers some minutes after its end (cloud:
 * about 5 minutes of draining at the spare capacity; device: longer, as
 * mixpanel-js backs off for up to 10 minutes); with a drain limit too
 * short for the backlog, it has not recovered. */
static void test_burst_recovery(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    for (int mode = 0; mode < 2; mode++) {
        lagsim_result_t *r = run(&sc, (enum lagsim_mode)mode);
        lagsim_monitor_t mon;
        assert_int_equal(lagsim_monitor_evaluate(&sc, r->series, &mon), LAGSIM_OK);
        const lagsim_incident_t *in = &mon.incident[0];
        assert_int_equal(in->kind, LAGSIM_INCIDENT_BURST);
        assert_int_equal(in->recovery, LAGSIM_RECOVERED);
        assert_true(in->recovery_time >= 2 * MIN);  /* ~240,000 events at 800/s spare */
        assert_true(in->recovery_time <= (mode == LAGSIM_MODE_CLOUD ? 15 : 60) * MIN);
        assert_true(in->pre_backlog > 0);
        lagsim_result_destroy(r);
    }
    sc.horizon = 8 * MIN;
    sc.drain_limit = 1 * MIN;
    for (int mode = 0; mode < 2; mode++) {
        lagsim_result_t *r = run(&sc, (enum lagsim_mode)mode);
        lagsim_monitor_t mon;
        assert_int_equal(lagsim_monitor_evaluate(&sc, r->series, &mon), LAGSIM_OK);
        assert_int_equal(mon.incident[0].recovery, LAGSIM_NOT_RECOVERED);
        assert_int_equal(mon.incident[0].recovery_time, -1);
        lagsim_result_destroy(r);
    }
}

/* Replications pool their series: runs counted, the same on any number
 * of threads, and the per-run values are the means of the runs'. */
static void test_replications_pool(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    launch(&sc);
    sc.horizon = 8 * MIN;
    sc.base_rate = 100;
    sc.bursts[0].rate = 1500;
    lagsim_replicated_t *one = lagsim_replicated_create(), *two = lagsim_replicated_create();
    assert_true(one && two);
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_CLOUD, 3, 1, NULL, one), LAGSIM_OK);
    assert_int_equal(lagsim_run_replications(&sc, LAGSIM_MODE_CLOUD, 3, 2, NULL, two), LAGSIM_OK);
    const lagsim_series_t *a = one->pooled->series, *b = two->pooled->series;
    assert_int_equal(lagsim_series_runs(a), 3);
    assert_int_equal(lagsim_series_length(a), lagsim_series_length(b));
    for (size_t w = 0; w < lagsim_series_length(a); w++) {
        for (unsigned c = 0; c < LAGSIM_DV_COUNT; c++)
            assert_int_equal(lagsim_series_count(a, w, c), lagsim_series_count(b, w, c));
        assert_int_equal(lagsim_series_level_max(a, w), lagsim_series_level_max(b, w));
        assert_int_equal(lagsim_series_quantile(a, w, 1, 0.95), lagsim_series_quantile(b, w, 1, 0.95));
    }
    assert_int_equal(series_sum(a, LAGSIM_DV_DELIVERED), one->pooled->delivered);
    const double per_run = lagsim_delivery_value(a, LAGSIM_METRIC_DELIVERED, 0, lagsim_series_length(a));
    assert_true(fabs(per_run - (double)one->pooled->delivered / 3) < 1e-6);
    lagsim_replicated_destroy(one);
    lagsim_replicated_destroy(two);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_series_adds_up),
        cmocka_unit_test(test_device_latency_matches),
        cmocka_unit_test(test_visible_by_fired),
        cmocka_unit_test(test_cloud_latency_from_segment),
        cmocka_unit_test(test_outage_alert_fires),
        cmocka_unit_test(test_burst_recovery),
        cmocka_unit_test(test_replications_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
