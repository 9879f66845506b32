/*
 * test_report_delivery.c - the Event Delivery parts of the reports
 * (lib/report/report_delivery_*.c): the text section, the JSON keys and
 * the CSV of --series, on a hand-made series whose every figure is known.
 *
 * Central idea: build the series through the public API (one-minute
 * windows: a steady 100 delivered per window with a backlog of 50, a
 * burst from 5m to 7m with 429s and a backlog of 5,000, back at the level
 * from window 10), then compare exact lines of each output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/report.h"

#define MIN LAGSIM_MIN
#define S LAGSIM_SEC

typedef int (*writer_fn)(FILE *f, const lagsim_scenario_t *sc,
                         const lagsim_result_t *const results[LAGSIM_MODE_COUNT]);

static char *render(writer_fn fn, const lagsim_scenario_t *sc,
                    const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(fn(f, sc, results), LAGSIM_OK);
    fclose(f);
    return buf;
}

static char *render_csv(const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(lagsim_report_series_csv(f, results), LAGSIM_OK);
    fclose(f);
    return buf;
}

/* The scenario: a burst from 5m to 7m, an outage from 12m30s for 30 s,
 * and two alerts. */
static void scenario(lagsim_scenario_t *sc)
{
    lagsim_scenario_defaults(sc);
    strcpy(sc->name, "delivery");
    sc->horizon = 15 * MIN;
    sc->n_bursts = 1;
    sc->bursts[0] = (lagsim_burst_t){"launch", 5 * MIN, 2 * MIN, 5000, -1};
    sc->mixpanel.n_outages = 1;
    sc->mixpanel.outages[0] = (lagsim_outage_t){12 * MIN + 30 * S, 30 * S, LAGSIM_RESP_5XX, 503, 0};
    sc->n_alerts = 2;
    sc->alerts[0] = (lagsim_alert_t){"throttled", LAGSIM_METRIC_429, 100, 0, 0, 0};
    sc->alerts[1] = (lagsim_alert_t){"slow", LAGSIM_METRIC_P95_LATENCY, 30.0 * S, 1, 2 * MIN, 0};
    char msg[256];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        fail_msg("%s", msg);
}

/*
 * 15 windows. Window w delivers 100 events at 10 s (40 s in windows 5-8),
 * has 429s 0 except 500, 800, 50, 10 in windows 5-8, 5xx 20 in window 12,
 * retries equal to the 429s, and a backlog of 50 except 5,000 in 5-8.
 */
static void fill(lagsim_series_t *s)
{
    for (size_t w = 0; w < 15; w++) {
        const int64_t t = (int64_t)w * MIN;
        const int burst = w >= 5 && w <= 8;
        static const uint64_t r429[4] = {500, 800, 50, 10};
        assert_int_equal(lagsim_series_set_level(s, t, burst ? 5000 : 50), 0);
        assert_int_equal(lagsim_series_add(s, t, LAGSIM_DV_DELIVERED, 100), 0);
        assert_int_equal(lagsim_series_add(s, t, LAGSIM_DV_RESPONSES + LAGSIM_RESP_2XX, 1), 0);
        if (burst) {
            assert_int_equal(lagsim_series_add(s, t, LAGSIM_DV_RESPONSES + LAGSIM_RESP_429, r429[w - 5]), 0);
            assert_int_equal(lagsim_series_add(s, t, LAGSIM_DV_RETRIES, r429[w - 5]), 0);
        }
        if (w == 12)
            assert_int_equal(lagsim_series_add(s, t, LAGSIM_DV_RESPONSES + LAGSIM_RESP_5XX, 20), 0);
        for (int i = 0; i < 100; i++)
            assert_int_equal(lagsim_series_record(s, t + i, burst ? 40 * S : 10 * S), 0);
    }
}

static void test_csv(void **state)
{
    (void)state;
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    lagsim_series_reset(r->series, MIN);
    fill(r->series);
    const lagsim_result_t *results[LAGSIM_MODE_COUNT] = {NULL};
    results[LAGSIM_MODE_DEVICE] = r;
    char *csv = render_csv(results);
    assert_non_null(strstr(csv, "mode,t_s,delivered,not_delivered,2xx,400,429,5xx,timeout,retries,"
                                "p95_latency_s,backlog\n"));
    assert_non_null(strstr(csv, "\ndevice,0,100,0,1,0,0,0,0,0,10,50\n"));
    assert_non_null(strstr(csv, "\ndevice,360,100,0,1,0,800,0,0,800,40,5000\n"));
    assert_non_null(strstr(csv, "\ndevice,720,100,0,1,0,0,20,0,0,10,50\n"));
    size_t lines = 0;
    for (const char *p = csv; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 16); /* the header and 15 windows */
    free(csv);

    /* Two runs pooled: counts per run (a third, odd run makes halves). */
    lagsim_result_t *pool = lagsim_result_create();
    assert_non_null(pool);
    lagsim_series_t *odd = lagsim_series_create(LAGSIM_DV_COUNT, MIN);
    assert_non_null(odd);
    assert_int_equal(lagsim_series_add(odd, 0, LAGSIM_DV_DELIVERED, 1), 0);
    assert_int_equal(lagsim_series_merge(pool->series, r->series), 0);
    assert_int_equal(lagsim_series_merge(pool->series, odd), 0);
    results[LAGSIM_MODE_DEVICE] = NULL;
    results[LAGSIM_MODE_CLOUD] = pool;
    csv = render_csv(results);
    assert_non_null(strstr(csv, "\ncloud,0,50.5,0,0.5,0,0,0,0,0,10,25\n"));
    assert_non_null(strstr(csv, "\ncloud,60,50,0,0.5,0,0,0,0,0,10,25\n"));
    free(csv);
    lagsim_series_destroy(odd);
    lagsim_result_destroy(pool);
    lagsim_result_destroy(r);
}

static void test_json(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario(&sc);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    lagsim_series_reset(r->series, MIN);
    fill(r->series);
    const lagsim_result_t *results[LAGSIM_MODE_COUNT] = {NULL};
    results[LAGSIM_MODE_CLOUD] = r;
    char *json = render(lagsim_report_json, &sc, results);
    assert_non_null(strstr(json, "      \"series_window_s\": 60,\n      \"series\": [\n"));
    assert_non_null(strstr(json, "        {\"t_s\": 360, \"delivered\": 100, \"not_delivered\": 0, "
                                 "\"responses\": {\"2xx\": 1, \"400\": 0, \"429\": 800, \"5xx\": 0, "
                                 "\"timeout\": 0}, \"retries\": 800, \"p95_latency_s\": 40, "
                                 "\"backlog\": 5000},\n"));
    /* throttled: 429 >= 100 in windows 5 and 6: fired at 6m, 1 min after
     * the launch; slow: p95 over 2 min >= 30 s at windows 5 to 9. */
    assert_non_null(strstr(json, "{\"name\": \"throttled\", \"metric\": \"429\", \"threshold\": 100, "
                                 "\"window_s\": 60, \"below\": false, \"first_fired_s\": 360, "
                                 "\"episodes\": 1, \"firing_s\": 120, \"incident\": {\"kind\": "
                                 "\"burst\", \"name\": \"launch\"}, \"detection_delay_s\": 60}"));
    assert_non_null(strstr(json, "{\"name\": \"slow\", \"metric\": \"p95_latency\", \"threshold\": 30, "
                                 "\"window_s\": 120, \"below\": false, \"first_fired_s\": 360, "
                                 "\"episodes\": 1, \"firing_s\": 300,"));
    /* The launch is back at its level (429 <= 1, backlog <= 56) in window
     * 9: 2 minutes after its end; the outage in window 13: 30 s. */
    assert_non_null(strstr(json, "{\"name\": \"launch\", \"kind\": \"burst\", \"start_s\": 300, "
                                 "\"end_s\": 420, \"pre_429\": 0, \"pre_backlog\": 50, \"recovery\": "
                                 "\"recovered\", \"recovery_s\": 120}"));
    assert_non_null(strstr(json, "{\"name\": \"1\", \"kind\": \"outage\", \"start_s\": 750, "
                                 "\"end_s\": 780, \"pre_429\": 0, \"pre_backlog\": 50, \"recovery\": "
                                 "\"recovered\", \"recovery_s\": 0}"));
    free(json);
    lagsim_result_destroy(r);
}

static void test_text(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario(&sc);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    lagsim_series_reset(r->series, MIN);
    fill(r->series);
    const lagsim_result_t *results[LAGSIM_MODE_COUNT] = {NULL};
    results[LAGSIM_MODE_CLOUD] = r;
    results[LAGSIM_MODE_DEVICE] = r;
    char *text = render(lagsim_report_text, &sc, results);
    static const char *const want[] = {
        "\nEvent Delivery, cloud mode (per 1m window)\n"
        "  p95 latency: Segment's receipt -> 2xx\n",
        "\nEvent Delivery, device mode (per 1m window)\n  p95 latency: fired -> 2xx\n",
        "  from        deliv not del     429     5xx timeout retries     p95 backlog\n"
        "  3m 00s        100       0       0       0       0       0   10.0s      50\n",
        "  5m 00s  *     100       0     500       0       0     500   40.0s    5000\n",
        "  14m 00s       100       0       0       0       0       0   10.0s      50\n",
        "    burst launch, 5m 00s to 7m 00s: recovered 2m 00s after its end\n"
        "      level before: at most 0 429s and a backlog of 50 in a window\n",
        "    outage 1, 12m 30s to 13m 00s: recovered 0s after its end\n",
        "    throttled: 429 >= 100 over 1m\n"
        "      fired at 6m 00s, 1m 00s after burst launch began; 1 episode, 2m 00s in all\n",
        "    slow: p95_latency >= 30.0s over 2m\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(text, want[i]))
            fail_msg("missing:\n%s\n--- in:\n%s", want[i], text);
    /* Rows from two windows before the launch (3m); windows 0-2 left out. */
    assert_null(strstr(text, "\n  2m 00s "));
    /* Every line fits in 80 columns. */
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        const size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len > 80)
            fail_msg("line of %zu columns: %.*s", len, (int)len, line);
        line += len + (nl != NULL);
    }
    free(text);
    lagsim_result_destroy(r);
}

/* Many windows and no incident: rows add up several windows. */
static void test_text_rows_add_up(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    lagsim_series_reset(r->series, MIN);
    for (size_t w = 0; w < 120; w++)
        assert_int_equal(lagsim_series_add(r->series, (int64_t)w * MIN, LAGSIM_DV_DELIVERED, 10), 0);
    const lagsim_result_t *results[LAGSIM_MODE_COUNT] = {NULL};
    results[LAGSIM_MODE_CLOUD] = r;
    char *text = render(lagsim_report_text, &sc, results);
    assert_non_null(strstr(text, "  (each row adds up 10 windows: 10m)\n"));
    assert_non_null(strstr(text, "\n  1h 50m        100       0"));
    free(text);
    lagsim_result_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_rows_add_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
