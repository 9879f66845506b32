/*
 * test_report.c - unit tests of lib/report: human-readable durations, the
 * JSON report (required keys, escaping, exact numbers, determinism,
 * structural validity) and the text report (columns, "-" for empty
 * latencies and undefined shares, only non-zero drop reasons).
 *
 * Results are built by hand: lagsim_result_create(), counters set
 * directly, values recorded into the histograms. Nothing is simulated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/lagsim.h"

/* ---- Helpers --------------------------------------------------------------- */

/* Renders with `fn` into a malloc'd NUL-terminated string. */
typedef int (*render_fn)(FILE *, const lagsim_scenario_t *,
                         const lagsim_result_t *const[LAGSIM_MODE_COUNT]);

static char *render(render_fn fn, const lagsim_scenario_t *sc,
                    const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(fn(f, sc, results), LAGSIM_OK);
    assert_int_equal(fclose(f), 0);
    assert_non_null(buf);
    assert_int_equal(strlen(buf), len);
    return buf;
}

static char *json_string_of(const char *s)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lagsim_json_string(f, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

#define assert_contains(hay, needle)                                                   \
    do {                                                                               \
        if (!strstr((hay), (needle)))                                                  \
            fail_msg("expected to find <%s> in:\n%s", (needle), (hay));                \
    } while (0)
#define assert_not_contains(hay, needle)                                               \
    do {                                                                               \
        if (strstr((hay), (needle)))                                                   \
            fail_msg("did not expect <%s> in:\n%s", (needle), (hay));                  \
    } while (0)

static void scenario_init(lagsim_scenario_t *sc, const char *name)
{
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "%s", name);
    sc->seed = 42;
    sc->horizon = 2 * LAGSIM_MIN;
    sc->drain_limit = 8 * LAGSIM_HOUR;
    sc->mode_mask = (1u << LAGSIM_MODE_CLOUD) | (1u << LAGSIM_MODE_DEVICE);
}

/* A cloud result with a bit of everything; conserved. */
static lagsim_result_t *cloud_result(void)
{
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    r->mode = LAGSIM_MODE_CLOUD;
    r->fired = 1000;
    r->delivered = 990;
    r->visible = 980;
    r->dropped[LAGSIM_DROP_RETRY_WINDOW] = 5;
    r->in_flight = 15;
    r->conserved = 1;
    r->requests = 40;
    r->retries = 12;
    r->responses[LAGSIM_RESP_2XX] = 26;
    r->responses[LAGSIM_RESP_429] = 10;
    r->responses[LAGSIM_RESP_5XX] = 4;
    r->backlog_peak = 321;
    r->backlog_peak_at = 61 * LAGSIM_SEC + 500 * LAGSIM_MSEC;
    r->end_time = 2 * LAGSIM_MIN + 30 * LAGSIM_SEC;
    r->drain_time = 30 * LAGSIM_SEC;
    r->sim_events = 123456;
    lagsim_hist_record_n(r->latency_delivered, 2410000, 990); /* 2.41 s each */
    lagsim_hist_record_n(r->latency_visible, 72 * LAGSIM_SEC, 980);
    return r;
}

/* A device result where nothing became visible and nothing drained. */
static lagsim_result_t *device_result(void)
{
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    r->mode = LAGSIM_MODE_DEVICE;
    r->fired = 1000;
    r->delivered = 0;
    r->visible = 0;
    r->dropped[LAGSIM_DROP_QUEUE_OVERFLOW] = 100;
    r->in_flight = 900;
    r->conserved = 0;
    r->requests = 0;
    r->end_time = 8 * LAGSIM_HOUR + 2 * LAGSIM_MIN;
    r->drain_time = -1;
    return r;
}

/* ---- A small JSON validator (RFC 8259 grammar, no semantic checks) -------- */

static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *json_value(const char *p, int depth);

static const char *json_str(const char *p)
{
    if (*p++ != '"')
        return NULL;
    for (;;) {
        const unsigned char c = (unsigned char)*p++;
        if (c == '"')
            return p;
        if (c < 0x20)
            return NULL; /* raw control characters (and the end) are invalid */
        if (c == '\\') {
            const char e = *p++;
            if (e == 'u') {
                for (int i = 0; i < 4; i++, p++)
                    if (!strchr("0123456789abcdefABCDEF", *p) || *p == '\0')
                        return NULL;
            } else if (!e || !strchr("\"\\/bfnrt", e)) {
                return NULL;
            }
        }
    }
}

static const char *json_num(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return NULL;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (*p < '0' || *p > '9')
            return NULL;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return p;
}

static const char *json_value(const char *p, int depth)
{
    if (depth > 32)
        return NULL;
    p = json_ws(p);
    if (*p == '{' || *p == '[') {
        const char close = *p == '{' ? '}' : ']';
        const int object = *p == '{';
        p = json_ws(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (object) {
                p = json_str(json_ws(p));
                if (!p)
                    return NULL;
                p = json_ws(p);
                if (*p++ != ':')
                    return NULL;
            }
            p = json_value(p, depth + 1);
            if (!p)
                return NULL;
            p = json_ws(p);
            if (*p == close)
                return p + 1;
            if (*p++ != ',')
                return NULL;
        }
    }
    if (*p == '"')
        return json_str(p);
    if (strncmp(p, "true", 4) == 0)
        return p + 4;
    if (strncmp(p, "false", 5) == 0)
        return p + 5;
    if (strncmp(p, "null", 4) == 0)
        return p + 4;
    return json_num(p);
}

static void assert_valid_json(const char *text)
{
    const char *end = json_value(text, 0);
    if (!end)
        fail_msg("not valid JSON:\n%s", text);
    end = json_ws(end);
    if (*end != '\0')
        fail_msg("trailing text after the JSON value: <%s>", end);
}

/* ---- Durations ------------------------------------------------------------ */

static void test_duration_cases(void **state)
{
    (void)state;
    static const struct {
        lagsim_time_t us;
        const char *text;
    } cases[] = {
        {-1, "-"},
        {0, "0s"},
        {1, "1us"},
        {999, "999us"},
        {1000, "1.00ms"},
        {4200, "4.20ms"},
        {9994, "9.99ms"},
        {9995, "10.0ms"},  /* rounding carries into the next tier */
        {42000, "42.0ms"},
        {99960, "100ms"},
        {850 * LAGSIM_MSEC, "850ms"},
        {999600, "1.00s"},
        {2410000, "2.41s"},
        {2414999, "2.41s"},
        {2415000, "2.42s"},
        {12345678, "12.3s"},
        {59940000, "59.9s"},
        {59960000, "1m 00s"},  /* never "60.0s" */
        {72 * LAGSIM_SEC, "1m 12s"},
        {72 * LAGSIM_SEC + 400 * LAGSIM_MSEC, "1m 12s"},
        {59 * LAGSIM_MIN + 59 * LAGSIM_SEC, "59m 59s"},
        {LAGSIM_HOUR - 400 * LAGSIM_MSEC, "1h 00m"},
        {LAGSIM_HOUR, "1h 00m"},
        {3 * LAGSIM_HOUR + 2 * LAGSIM_MIN, "3h 02m"},
        {23 * LAGSIM_HOUR + 59 * LAGSIM_MIN + 31 * LAGSIM_SEC, "1d 00h"},
        {2 * LAGSIM_DAY + 5 * LAGSIM_HOUR, "2d 05h"},
        {40 * LAGSIM_DAY, "40d 00h"},
    };
    char buf[LAGSIM_DURATION_MAX];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *got = lagsim_format_duration(buf, sizeof buf, cases[i].us);
        assert_ptr_equal(got, buf);
        if (strcmp(got, cases[i].text) != 0)
            fail_msg("%lld us: got \"%s\", want \"%s\"", (long long)cases[i].us, got,
                     cases[i].text);
    }
}

static void test_duration_limits(void **state)
{
    (void)state;
    char buf[LAGSIM_DURATION_MAX];
    /* The largest time still fits the buffer. */
    lagsim_format_duration(buf, sizeof buf, LAGSIM_TIME_MAX);
    assert_true(strlen(buf) > 0 && strlen(buf) < sizeof buf);
    assert_non_null(strstr(buf, "d "));
    /* A short buffer is cut, still terminated; size 0 is left alone. */
    char small[4] = {'x', 'x', 'x', 'x'};
    lagsim_format_duration(small, sizeof small, 2410000);
    assert_string_equal(small, "2.4");
    char none[1] = {'x'};
    lagsim_format_duration(none, 0, 2410000);
    assert_int_equal(none[0], 'x');
}

/* ---- JSON ------------------------------------------------------------------ */

static void test_json_string_escapes(void **state)
{
    (void)state;
    char *s = json_string_of("a\"b\\c\nd\te\x01" "f\x1f" "g\x7f");
    assert_string_equal(s, "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u001fg\\u007f\"");
    free(s);
    s = json_string_of("caf\xc3\xa9 \xe2\x82\xac"); /* valid UTF-8 is kept */
    assert_string_equal(s, "\"caf\xc3\xa9 \xe2\x82\xac\"");
    free(s);
    s = json_string_of("x\xffy\xc3"); /* invalid bytes become U+FFFD */
    assert_string_equal(s, "\"x\\ufffdy\\ufffd\"");
    free(s);
    s = json_string_of("\xed\xa0\x80"); /* a surrogate is not valid UTF-8 */
    assert_string_equal(s, "\"\\ufffd\\ufffd\\ufffd\"");
    free(s);
    s = json_string_of(NULL);
    assert_string_equal(s, "\"\"");
    free(s);
}

static void test_json_required_keys(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario_init(&sc, "launch \"big\" C:\\temp\nline two");
    lagsim_result_t *cloud = cloud_result(), *device = device_result();
    const lagsim_result_t *const results[LAGSIM_MODE_COUNT] = {cloud, device, NULL};
    char *j = render(lagsim_report_json, &sc, results);

    assert_valid_json(j);
    assert_contains(j, "\"lagsim_version\": \"" LAGSIM_VERSION_STRING "\"");
    assert_contains(j, "\"scenario\": \"launch \\\"big\\\" C:\\\\temp\\nline two\"");
    assert_contains(j, "\"seed\": 42,");
    assert_contains(j, "\"horizon_s\": 120,");
    assert_contains(j, "\"modes\": {");
    assert_contains(j, "\"cloud\": {");
    assert_contains(j, "\"device\": {");
    assert_not_contains(j, "\"hybrid\"");
    static const char *const keys[] = {
        "\"fired\": 1000",        "\"delivered\": 990",      "\"visible\": 980",
        "\"in_flight\": 15",      "\"dropped_total\": 5,",   "\"conserved\": true",
        "\"conserved\": false",   "\"requests\": 40",        "\"retries\": 12",
        "\"retries_per_event\": 0.012,", "\"backlog_peak\": 321",
        "\"backlog_peak_at_s\": 61.5,",  "\"end_time_s\": 150,", "\"drain_time_s\": 30,",
        "\"drain_time_s\": null", "\"sim_events\": 123456",
        "\"dropped\": {\"invalid\": 0, \"retry_window\": 5, \"retry_limit\": 0, "
        "\"queue_overflow\": 0, \"adblock\": 0, \"too_old\": 0, \"session_end\": 0, "
        "\"sampled\": 0}",
        "\"responses\": {\"2xx\": 26, \"400\": 0, \"429\": 10, \"5xx\": 4, \"timeout\": 0}",
        "\"latency_delivered_s\": {", "\"latency_visible_s\": {",
        "\"p50\": 2.41,", "\"p90\": 2.41,", "\"p99\": 2.41,", "\"p999\": 2.41,",
        "\"max\": 2.41,", "\"mean\": 2.41\n", "\"p50\": 72,", "\"mean\": 72\n",
        "\"count\": 0,", "\"p50\": null,", "\"p999\": null,", "\"max\": null,",
        "\"mean\": null\n",
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_contains(j, keys[i]);
    assert_true(j[strlen(j) - 1] == '\n');

    free(j);
    lagsim_result_destroy(cloud);
    lagsim_result_destroy(device);
}

static void test_json_control_chars_and_no_modes(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario_init(&sc, "bell\a tab\t del\x7f bad\xfe");
    const lagsim_result_t *const none[LAGSIM_MODE_COUNT] = {NULL, NULL, NULL};
    char *j = render(lagsim_report_json, &sc, none);
    assert_valid_json(j);
    assert_contains(j, "\"scenario\": \"bell\\u0007 tab\\t del\\u007f bad\\ufffd\"");
    assert_contains(j, "\"modes\": {}");
    free(j);
}

/* A result in the hybrid slot only: JSON names that mode and no other.
 * (That the same result gives the same bytes from one commit to the next
 * is pinned by the golden outputs, tests/golden_test.sh, not by rendering
 * twice in one process.) */
static void test_json_only_present_modes(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario_init(&sc, "same");
    lagsim_result_t *cloud = cloud_result();
    for (int64_t v = 1; v < 5000000; v = v * 3 + 7)
        lagsim_hist_record(cloud->latency_delivered, v);
    const lagsim_result_t *const results[LAGSIM_MODE_COUNT] = {NULL, NULL, cloud};
    char *a = render(lagsim_report_json, &sc, results);
    assert_valid_json(a);
    assert_contains(a, "\"hybrid\": {");
    assert_not_contains(a, "\"cloud\"");
    assert_not_contains(a, "\"device\"");
    free(a);
    lagsim_result_destroy(cloud);
}

static void test_json_zero_fired(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario_init(&sc, "empty");
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    r->conserved = 1;
    r->drain_time = 0;
    const lagsim_result_t *const results[LAGSIM_MODE_COUNT] = {r, NULL, NULL};
    char *j = render(lagsim_report_json, &sc, results);
    assert_valid_json(j);
    assert_contains(j, "\"retries_per_event\": null");
    assert_contains(j, "\"drain_time_s\": 0,");
    assert_contains(j, "\"p50\": null");
    free(j);
    lagsim_result_destroy(r);
}

/* ---- Text ------------------------------------------------------------------- */

/* The line of `text` after the heading `section` whose label is `label`. */
static char *text_row(const char *text, const char *section, const char *label)
{
    const char *p = strstr(text, section);
    assert_non_null(p);
    const size_t len = strlen(label);
    for (p = strchr(p, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        const char *line = p + 1;
        if (strncmp(line, label, len) == 0 && line[len] == ' ') {
            const size_t n = strcspn(line, "\n");
            char *out = malloc(n + 1);
            assert_non_null(out);
            memcpy(out, line, n);
            out[n] = '\0';
            return out;
        }
    }
    fail_msg("no row '%s' after '%s' in:\n%s", label, section, text);
    return NULL;
}

/* Checks the row's cells (split on runs of 2+ spaces) after its label. */
static void assert_cells(const char *row, const char *cell1, const char *cell2)
{
    char want[160];
    /* Every cell is right-aligned: it ends at the column's end. */
    snprintf(want, sizeof want, "%s", cell2 ? cell2 : cell1);
    const size_t rl = strlen(row), wl = strlen(want);
    if (rl < wl || strcmp(row + rl - wl, want) != 0)
        fail_msg("row <%s> should end with <%s>", row, want);
    if (cell2 && !strstr(row, cell1))
        fail_msg("row <%s> should contain <%s>", row, cell1);
}

static void test_text_two_modes(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario_init(&sc, "product-launch");
    lagsim_result_t *cloud = cloud_result(), *device = device_result();
    const lagsim_result_t *const results[LAGSIM_MODE_COUNT] = {cloud, device, NULL};
    char *t = render(lagsim_report_text, &sc, results);

    assert_contains(t, "product-launch");
    assert_contains(t, "seed 42");
    assert_contains(t, "horizon 2m 00s");
    assert_not_contains(t, "hybrid");
    assert_contains(t, "\nLatency to delivered (fired -> 2xx at Mixpanel)\n"); /* not cut */
    assert_contains(t, "\nLatency to visible (fired -> in reports)\n");

    /* No line wider than 80 columns with two modes. */
    for (const char *p = t; *p;) {
        const size_t n = strcspn(p, "\n");
        if (n > 80)
            fail_msg("line of %zu columns: <%.*s>", n, (int)n, p);
        p += n + (p[n] == '\n');
    }

    char *row;
    row = text_row(t, "Events", "  fired");
    assert_cells(row, "1,000", "1,000");
    free(row);
    row = text_row(t, "Events", "  visible");
    assert_cells(row, "980 (98.0%)", "0 (0%)");
    free(row);
    row = text_row(t, "Events", "    retry_window");
    assert_cells(row, "5 (0.5%)", "0 (0%)");
    free(row);
    row = text_row(t, "Events", "    queue_overflow");
    assert_cells(row, "0 (0%)", "100 (10.0%)");
    free(row);
    row = text_row(t, "Events", "    total");
    assert_cells(row, "5 (0.5%)", "100 (10.0%)");
    free(row);
    assert_not_contains(t, "invalid");     /* zero in every mode: no row */
    assert_not_contains(t, "retry_limit");
    row = text_row(t, "Events", "  conservation");
    assert_cells(row, "ok", "FAILED");
    free(row);

    /* Device: nothing delivered or visible, so every latency is "-". */
    static const char *const figures[] = {"  p50", "  p90", "  p99", "  p99.9", "  max",
                                          "  mean"};
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        row = text_row(t, "Latency to visible", figures[i]);
        assert_cells(row, "1m 12s", "-");
        free(row);
        row = text_row(t, "Latency to delivered", figures[i]);
        assert_cells(row, "2.41s", "-");
        free(row);
    }

    /* No requests in device mode: shares of requests are "-". */
    row = text_row(t, "Mixpanel", "    429");
    assert_cells(row, "10 (25.0%)", "0 (-)");
    free(row);
    row = text_row(t, "Mixpanel", "    timeout");
    assert_cells(row, "0 (0%)", "0 (-)");
    free(row);
    row = text_row(t, "Mixpanel", "  retries per event");
    assert_cells(row, "0.012", "0");
    free(row);
    row = text_row(t, "Backlog", "  peak");
    assert_cells(row, "321 at 1m 02s", "0");
    free(row);
    row = text_row(t, "Backlog", "  drain time");
    assert_cells(row, "30.0s", "did not drain");
    free(row);

    free(t);
    lagsim_result_destroy(cloud);
    lagsim_result_destroy(device);
}

static void test_text_zero_fired_and_no_modes(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    scenario_init(&sc, "nothing\nhere");
    lagsim_result_t *r = lagsim_result_create();
    assert_non_null(r);
    r->conserved = 1;
    const lagsim_result_t *const results[LAGSIM_MODE_COUNT] = {NULL, r, NULL};
    char *t = render(lagsim_report_text, &sc, results);
    assert_contains(t, "nothing?here"); /* a control character cannot break the layout */
    char *row = text_row(t, "Events", "  visible");
    assert_cells(row, "0 (-)", NULL);
    free(row);
    row = text_row(t, "Events", "  dropped");
    assert_cells(row, "0", NULL);
    free(row);
    row = text_row(t, "Mixpanel", "  retries per event");
    assert_cells(row, "-", NULL);
    free(row);
    row = text_row(t, "Latency to visible", "  p99.9");
    assert_cells(row, "-", NULL);
    free(row);
    free(t);

    const lagsim_result_t *const none[LAGSIM_MODE_COUNT] = {NULL, NULL, NULL};
    t = render(lagsim_report_text, &sc, none);
    assert_contains(t, "no mode ran");
    free(t);
    lagsim_result_destroy(r);
}

static void test_write_error(void **state)
{
    (void)state;
    FILE *f = fopen("/dev/full", "w");
    if (!f) {
        skip();
        return;
    }
    setvbuf(f, NULL, _IONBF, 0);
    lagsim_scenario_t sc;
    scenario_init(&sc, "full");
    lagsim_result_t *cloud = cloud_result();
    const lagsim_result_t *const results[LAGSIM_MODE_COUNT] = {cloud, NULL, NULL};
    assert_int_equal(lagsim_report_json(f, &sc, results), LAGSIM_EIO);
    clearerr(f);
    assert_int_equal(lagsim_report_text(f, &sc, results), LAGSIM_EIO);
    fclose(f);
    lagsim_result_destroy(cloud);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_cases),
        cmocka_unit_test(test_duration_limits),
        cmocka_unit_test(test_json_string_escapes),
        cmocka_unit_test(test_json_required_keys),
        cmocka_unit_test(test_json_control_chars_and_no_modes),
        cmocka_unit_test(test_json_only_present_modes),
        cmocka_unit_test(test_json_zero_fired),
        cmocka_unit_test(test_text_two_modes),
        cmocka_unit_test(test_text_zero_fired_and_no_modes),
        cmocka_unit_test(test_write_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
