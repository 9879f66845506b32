/*
 * test_report_outputs.c - the outputs added for experiments (lib/report):
 * the CSV summary (one header, the same number of cells on every row,
 * differences for compare), the histogram CSV (cumulative share ending at
 * exactly 1, counts adding up), the terminal chart (within 80 columns,
 * plain ASCII when asked, readable time labels), the manifest in each
 * format, the sweep and find tables (text, and Markdown rows rebuilt from
 * the summaries), a trace as Markdown, and a sweep's histogram CSV.
 *
 * Results are built by hand: values recorded into histograms, summaries
 * filled directly. Nothing is simulated.
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

#include "lagsim/lagsim.h"

#define assert_contains(hay, needle)                                                   \
    do {                                                                               \
        if (!strstr((hay), (needle)))                                                  \
            fail_msg("expected to find <%s> in:\n%s", (needle), (hay));                \
    } while (0)

/* A replicated result of `reps` replications with latencies spread from
 * about 1 s to 5 min and every figure filled. */
static lagsim_replicated_t *made_up(enum lagsim_mode mode, uint32_t reps, double shift)
{
    lagsim_replicated_t *r = lagsim_replicated_create();
    assert_non_null(r);
    lagsim_result_t *p = r->pooled;
    p->mode = mode;
    p->fired = p->visible = p->delivered = 1000;
    p->conserved = 1;
    p->requests = 40;
    p->drain_time = 90 * LAGSIM_SEC;
    for (int i = 0; i < 1000; i++) {
        const int64_t us = (int64_t)(LAGSIM_SEC * exp(log(300.0) * (i % 100) / 100.0) * shift);
        lagsim_hist_record(p->latency_visible, us);
        lagsim_hist_record(p->latency_delivered, us / 2);
    }
    r->reps = reps;
    r->values = calloc((size_t)reps * LAGSIM_FIG_COUNT, sizeof *r->values);
    for (uint32_t i = 0; i < reps; i++)
        for (size_t f = 0; f < LAGSIM_FIG_COUNT; f++) {
            const double x = (double)(f + 1) * shift * (1 + 0.01 * i);
            r->values[(size_t)i * LAGSIM_FIG_COUNT + f] = x;
            lagsim_summary_add(&r->figure[f], x);
        }
    return r;
}

typedef struct capture {
    char *buf;
    size_t len;
    FILE *f;
} capture_t;

static void cap_open(capture_t *c)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
}

static char *cap_close(capture_t *c)
{
    assert_int_equal(fclose(c->f), 0);
    return c->buf;
}

/* Cells in a CSV line without quoted commas. */
static int cells(const char *line, size_t len)
{
    int n = 1;
    for (size_t i = 0; i < len; i++)
        n += line[i] == ',';
    return n;
}

/* Every non-comment line has as many cells as the header; returns the data rows. */
static int check_csv_shape(const char *csv)
{
    int header = -1, rows = 0;
    for (const char *line = csv; *line;) {
        const char *end = strchr(line, '\n');
        assert_non_null(end);
        if (*line != '#') {
            const int n = cells(line, (size_t)(end - line));
            if (header < 0)
                header = n;
            else if (n != header)
                fail_msg("row of %d cells under a header of %d: %.*s", n, header,
                         (int)(end - line), line);
            else
                rows++;
        }
        line = end + 1;
    }
    return rows;
}

static const lagsim_manifest_t manifest = {
    "lagsim run configs/default.ini --reps 3", "configs/default.ini", 0x0123456789abcdefull, 42,
    3, 0, 0, 0, 0, 0, 0};

/* The replay CSV's hash is shown, in every format, only with a replay. */
static void manifest_replay_hash(void **state)
{
    (void)state;
    lagsim_manifest_t m = manifest;
    m.replay = 1;
    m.replay_hash = 0xfedcba9876543210ull;
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_manifest_text(c.f, &m), LAGSIM_OK);
    char *out = cap_close(&c);
    assert_contains(out, "\n  replay hash    fedcba9876543210 (FNV-1a 64 of the replay CSV's "
                         "bytes)\n  seed ");
    free(out);
    cap_open(&c);
    assert_int_equal(lagsim_report_manifest_text(c.f, &manifest), LAGSIM_OK);
    out = cap_close(&c);
    assert_null(strstr(out, "replay"));
    free(out);
    lagsim_replicated_t *reps[LAGSIM_MODE_COUNT] = {made_up(LAGSIM_MODE_CLOUD, 3, 1), NULL, NULL};
    cap_open(&c);
    assert_int_equal(lagsim_report_csv(c.f, (const lagsim_replicated_t *const *)reps, 0, &m),
                     LAGSIM_OK);
    out = cap_close(&c);
    assert_contains(out, "# scenario_fnv1a64: 0123456789abcdef\n# replay_fnv1a64: "
                         "fedcba9876543210\n# seed: 42\n");
    free(out);
    lagsim_replicated_destroy(reps[0]);
}

static void csv_summary(void **state)
{
    (void)state;
    lagsim_replicated_t *reps[LAGSIM_MODE_COUNT] = {made_up(LAGSIM_MODE_CLOUD, 3, 1), NULL,
                                                     made_up(LAGSIM_MODE_HYBRID, 3, 2)};
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_csv(c.f, (const lagsim_replicated_t *const *)reps, 1, &manifest),
                     LAGSIM_OK);
    char *csv = cap_close(&c);
    assert_int_equal(check_csv_shape(csv), 3); /* cloud, hybrid, hybrid-cloud */
    assert_contains(csv, "# scenario_fnv1a64: 0123456789abcdef\n");
    assert_contains(csv, "# command: lagsim run configs/default.ini --reps 3\n");
    assert_contains(csv, "\nmode,kind,replications,fired_total,");
    assert_contains(csv, ",p99_visible_s,p99_visible_s_hw95,");
    assert_contains(csv, "\ncloud,result,3,1000,1000,1000,0,0,0,40,0,true,");
    assert_contains(csv, "\nhybrid-cloud,difference,3,,,,,,,,,,");
    free(csv);

    /* One replication: half-widths are empty cells; no difference rows for run. */
    lagsim_replicated_t *one[LAGSIM_MODE_COUNT] = {made_up(LAGSIM_MODE_CLOUD, 1, 1), NULL, NULL};
    cap_open(&c);
    assert_int_equal(lagsim_report_csv(c.f, (const lagsim_replicated_t *const *)one, 0, NULL),
                     LAGSIM_OK);
    csv = cap_close(&c);
    assert_int_equal(check_csv_shape(csv), 1);
    assert_contains(csv, ",1,,2,,3,,");
    free(csv);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        lagsim_replicated_destroy(reps[m]);
        lagsim_replicated_destroy(one[m]);
    }
}

static void hist_csv(void **state)
{
    (void)state;
    lagsim_replicated_t *reps[LAGSIM_MODE_COUNT] = {made_up(LAGSIM_MODE_CLOUD, 1, 1),
                                                     made_up(LAGSIM_MODE_DEVICE, 1, 3), NULL};
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_hist_csv(c.f, (const lagsim_replicated_t *const *)reps,
                                            &manifest), LAGSIM_OK);
    char *csv = cap_close(&c);
    check_csv_shape(csv);
    assert_contains(csv, "\nmode,latency,lower_s,upper_s,count,cumulative_share\n");
    /* Per (mode, latency): counts add up to the histogram's, the share
     * rises and ends at exactly "1", bounds increase. */
    char group[64] = "";
    uint64_t sum = 0;
    double last_share = 0, last_upper = 0;
    int groups = 0;
    char *save = NULL;
    for (char *line = strtok_r(csv, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || strncmp(line, "mode,", 5) == 0)
            continue;
        char mode[16], lat[16], share[32];
        double lower, upper;
        unsigned long long n;
        assert_int_equal(sscanf(line, "%15[^,],%15[^,],%lf,%lf,%llu,%31s", mode, lat, &lower,
                                &upper, &n, share), 6);
        char g[64];
        snprintf(g, sizeof g, "%s/%s", mode, lat);
        if (strcmp(g, group) != 0) {
            if (groups)
                assert_true(last_share == 1.0 && sum == 1000);
            snprintf(group, sizeof group, "%s", g);
            groups++;
            sum = 0;
            last_upper = 0;
        }
        assert_true(lower < upper && lower >= last_upper);
        last_upper = upper;
        sum += n;
        last_share = strtod(share, NULL);
        if (sum == 1000)
            assert_string_equal(share, "1");
    }
    assert_int_equal(groups, 4);
    assert_true(last_share == 1.0 && sum == 1000);
    free(csv);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        lagsim_replicated_destroy(reps[m]);
}

/* Columns (code points) of the widest line. */
static size_t widest_line(const char *s)
{
    size_t widest = 0, w = 0;
    for (; *s; s++) {
        if (*s == '\n') {
            widest = w > widest ? w : widest;
            w = 0;
        } else if (((unsigned char)*s & 0xc0) != 0x80) {
            w++;
        }
    }
    return w > widest ? w : widest;
}

static void chart(void **state)
{
    (void)state;
    lagsim_hist_t *h = lagsim_hist_create();
    for (int i = 0; i < 5000; i++)
        lagsim_hist_record(h, (int64_t)(LAGSIM_SEC * exp(log(600.0) * (i % 500) / 500.0)));
    for (int ascii = 0; ascii < 2; ascii++) {
        capture_t c;
        cap_open(&c);
        assert_int_equal(lagsim_report_chart(c.f, h, "Latency to visible, cloud mode", ascii),
                         LAGSIM_OK);
        char *out = cap_close(&c);
        assert_true(widest_line(out) <= 80);
        assert_contains(out, "Latency to visible, cloud mode: 5,000 events, p50");
        assert_contains(out, "(CDF)");
        /* Spans 1 s to 10 min: labelled at the decades of 1s, 10s, 1m, 10m. */
        assert_contains(out, " 1s ");
        assert_contains(out, " 10s ");
        assert_contains(out, " 1m ");
        assert_contains(out, " 10m\n");
        assert_contains(out, "100%");
        int only_ascii = 1;
        for (const char *p = out; *p; p++)
            only_ascii &= (unsigned char)*p < 0x80;
        assert_int_equal(only_ascii, ascii);
        if (ascii)
            assert_contains(out, "#");
        else
            assert_contains(out, "\u2588"); /* a full block */
        free(out);
    }
    lagsim_hist_reset(h);
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_chart(c.f, h, "empty", 0), LAGSIM_OK);
    char *out = cap_close(&c);
    assert_string_equal(out, "empty: no events\n");
    free(out);
    lagsim_hist_destroy(h);
}

/* The requests table of Markdown and HTML: rows written out by hand from
 * the counts set here; answers and refusals that never happened are left
 * out, the others shown in every mode (0 where a mode had none). */
static void requests_tables(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    lagsim_replicated_t *reps[LAGSIM_MODE_COUNT] = {made_up(LAGSIM_MODE_CLOUD, 2, 1),
                                                    made_up(LAGSIM_MODE_DEVICE, 2, 2), NULL};
    lagsim_result_t *cloud = reps[0]->pooled, *device = reps[1]->pooled;
    cloud->requests = 40;
    cloud->responses[LAGSIM_RESP_2XX] = 30;
    cloud->responses[LAGSIM_RESP_429] = 10;
    cloud->retries = 10;
    cloud->segment_429 = 1234567;
    device->requests = 50;
    device->responses[LAGSIM_RESP_2XX] = 50;
    device->offline_failures = 3;
    lagsim_report_opts_t opts = {LAGSIM_REPORT_MD, &manifest, 0, 1};
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_results(c.f, &sc, (const lagsim_replicated_t *const *)reps, 1,
                                           &opts), LAGSIM_OK);
    char *out = cap_close(&c);
    assert_contains(out, "| requests | cloud | device |\n"
                         "| --- | ---: | ---: |\n"
                         "| requests to Mixpanel | 40 | 50 |\n"
                         "| answered 2xx | 30 | 50 |\n"
                         "| answered 429 | 10 | 0 |\n"
                         "| of which retries | 10 | 0 |\n"
                         "| refused by Segment's API (429) | 1,234,567 | 0 |\n"
                         "| sends failed offline | 0 | 3 |\n\n");
    free(out);

    opts.format = LAGSIM_REPORT_HTML;
    cap_open(&c);
    assert_int_equal(lagsim_report_results(c.f, &sc, (const lagsim_replicated_t *const *)reps, 1,
                                           &opts), LAGSIM_OK);
    out = cap_close(&c);
    const char *t = strstr(out, "<table id=\"requests-table\">");
    assert_non_null(t);
    const char *end = strstr(t, "</table>");
    assert_non_null(end);
    const char *seg = strstr(t, "<tr><td>refused by Segment&#39;s API (429)</td><td>1,234,567</td>"
                                "<td>0</td></tr>");
    if (!seg) /* the escaper may leave the apostrophe as it is */
        seg = strstr(t, "<tr><td>refused by Segment's API (429)</td><td>1,234,567</td><td>0</td></tr>");
    assert_true(seg && seg < end);
    const char *five = strstr(t, "answered 5xx");
    assert_true(!five || five > end);
    free(out);
    lagsim_replicated_destroy(reps[0]);
    lagsim_replicated_destroy(reps[1]);
}

static void manifest_everywhere(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    lagsim_replicated_t *reps[LAGSIM_MODE_COUNT] = {made_up(LAGSIM_MODE_CLOUD, 3, 1), NULL, NULL};
    lagsim_manifest_t m = manifest;
    m.precision = 0.05;
    m.pilot = 5;
    m.max_reps = 200;
    lagsim_report_opts_t opts = {LAGSIM_REPORT_TEXT, &m, 0, 1};
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_results(c.f, &sc, (const lagsim_replicated_t *const *)reps, 0,
                                           &opts), LAGSIM_OK);
    char *out = cap_close(&c);
    assert_contains(out, "\nManifest\n  lagsim         " LAGSIM_VERSION_STRING "\n");
    assert_contains(out, "scenario hash  0123456789abcdef (FNV-1a 64 of the file's bytes)");
    assert_contains(out, "replications   3 per mode, added until every headline figure's");
    assert_contains(out, "Precision, cloud: 3 replications; widest 95% half-width");
    assert_contains(out, "Latency to visible, cloud: 1,000 events");
    assert_contains(out, "Pooled over 3 replications: counts are totals of all runs");
    assert_contains(out, "\nIn short: in cloud mode ");
    free(out);

    /* HTML: one page, its charts and tables by id, no script, the same
     * bytes twice. */
    opts.format = LAGSIM_REPORT_HTML;
    char *pages[2];
    for (int k = 0; k < 2; k++) {
        cap_open(&c);
        assert_int_equal(lagsim_report_results(c.f, &sc,
                                               (const lagsim_replicated_t *const *)reps, 0, &opts),
                         LAGSIM_OK);
        pages[k] = cap_close(&c);
    }
    assert_string_equal(pages[0], pages[1]);
    assert_contains(pages[0], "<!DOCTYPE html>\n");
    assert_contains(pages[0], "<svg id=\"chart-cdf\"");
    assert_contains(pages[0], "<table id=\"chart-cdf-data\">");
    assert_contains(pages[0], "<table id=\"headline-table\">");
    assert_contains(pages[0], "id=\"verdict\">In short: in cloud mode");
    assert_contains(pages[0], "0123456789abcdef (FNV-1a 64)");
    assert_null(strstr(pages[0], "<script"));
    assert_true(strlen(pages[0]) > 2000 && strcmp(pages[0] + strlen(pages[0]) - 8, "</html>\n") == 0);
    free(pages[0]);
    free(pages[1]);

    /* Markdown: the verdict in bold, the headline figures as a table in
     * human units, the manifest. */
    opts.format = LAGSIM_REPORT_MD;
    cap_open(&c);
    assert_int_equal(lagsim_report_results(c.f, &sc, (const lagsim_replicated_t *const *)reps, 0,
                                           &opts), LAGSIM_OK);
    out = cap_close(&c);
    assert_contains(out, "\n**In short: in cloud mode ");
    assert_contains(out, "\n| figure | cloud |\n| --- | ---: |\n| visible share | ");
    assert_contains(out, "| scenario hash | 0123456789abcdef (FNV-1a 64) |\n");
    assert_null(strstr(out, "e+0"));
    free(out);

    opts.format = LAGSIM_REPORT_JSON;
    cap_open(&c);
    assert_int_equal(lagsim_report_results(c.f, &sc, (const lagsim_replicated_t *const *)reps, 0,
                                           &opts), LAGSIM_OK);
    out = cap_close(&c);
    assert_contains(out, "{\n  \"lagsim_version\": \"" LAGSIM_VERSION_STRING "\",\n  \"manifest\": {\n");
    assert_contains(out, "\"scenario_fnv1a64\": \"0123456789abcdef\"");
    assert_contains(out, "\"command\": \"lagsim run configs/default.ini --reps 3\"");
    assert_contains(out, "\"precision\": {\"target\": 0.05, \"pilot\": 5, \"max_reps\": 200, "
                         "\"reached\": {\"cloud\": {\"replications\": 3");
    assert_contains(out, "\"ci95\"");
    free(out);
    lagsim_replicated_destroy(reps[0]);
}

/* The test's apply: sets nothing (the figures are made up). */
static int apply_nothing(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis,
                         double value, char *msg, size_t msg_size)
{
    (void)ctx, (void)sc, (void)axis, (void)value, (void)msg, (void)msg_size;
    return LAGSIM_OK;
}

/* A prepared sweep of burst.launch.rate over 1000, 2000, 3000/s, cloud
 * mode, 3 replications, on a default scenario named "t" (figures are
 * filled in by each test). */
static void one_key_sweep(lagsim_scenario_t *sc, lagsim_sweep_t *sw)
{
    lagsim_scenario_defaults(sc);
    snprintf(sc->name, sizeof sc->name, "t");
    memset(sw, 0, sizeof *sw);
    sw->base = sc;
    sw->n_axes = 1;
    sw->axis[0] = (lagsim_axis_t){"burst.launch.rate", LAGSIM_UNIT_RATE, 1000, 3000, 1000};
    sw->apply = apply_nothing;
    sw->mode_mask = 1u << LAGSIM_MODE_CLOUD;
    sw->reps = 3;
    char msg[64];
    assert_int_equal(lagsim_sweep_prepare(sw, msg, sizeof msg), LAGSIM_OK);
}

static void sweep_and_find_tables(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_sweep_t sw;
    one_key_sweep(&sc, &sw);
    assert_int_equal(sw.n_points, 3);
    for (uint32_t i = 0; i < 3; i++)
        sw.points[i].reps[LAGSIM_MODE_CLOUD] = made_up(LAGSIM_MODE_CLOUD, 3, 1 + i);
    /* p99 is figure 4 (index 3): made_up gives 4 * shift, so it holds for
     * points 0 and 1 (4 s, 8 s) and fails at point 2 (12 s). */
    lagsim_slo_t slo = {1, {{LAGSIM_FIG_VISIBLE_P99, LAGSIM_SLO_LE, 10.0, "p99<=10s"}}};
    for (int ascii = 0; ascii < 2; ascii++) {
        lagsim_report_opts_t opts = {LAGSIM_REPORT_TEXT, &manifest, ascii, 1};
        capture_t c;
        cap_open(&c);
        assert_int_equal(lagsim_report_sweep(c.f, &sw, &slo, NULL, &opts), LAGSIM_OK);
        char *out = cap_close(&c);
        assert_contains(out, "sweep t (seed 42): burst.launch.rate from 1000/s to 3000/s by "
                             "1000/s (3 points)");
        assert_contains(out, ascii ? "ok" : "\u2713");
        assert_contains(out, ascii ? "FAIL" : "\u2717");
        assert_contains(out, "\nManifest\n");
        free(out);
    }
    lagsim_find_t fd;
    memset(&fd, 0, sizeof fd);
    fd.outcome[LAGSIM_MODE_CLOUD] = LAGSIM_FIND_BOUNDARY;
    fd.holds_at[LAGSIM_MODE_CLOUD] = 1;
    fd.fails_at[LAGSIM_MODE_CLOUD] = 2;
    fd.n_probes = 3;
    fd.probe[0] = (lagsim_find_probe_t){0, LAGSIM_MODE_CLOUD, 0, 1, LAGSIM_VERDICT_HOLDS, 1, 0};
    fd.probe[1] = (lagsim_find_probe_t){2, LAGSIM_MODE_CLOUD, 0, 0, LAGSIM_VERDICT_FAILS, 1, 0};
    fd.probe[2] = (lagsim_find_probe_t){1, LAGSIM_MODE_CLOUD, 1, 1, LAGSIM_VERDICT_HOLDS, 1, 0};
    lagsim_report_opts_t opts = {LAGSIM_REPORT_TEXT, NULL, 0, 1};
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_sweep(c.f, &sw, &slo, &fd, &opts), LAGSIM_OK);
    char *out = cap_close(&c);
    assert_contains(out, "the SLO holds at burst.launch.rate = 2000/s and fails at 3000/s;\n"
                         "the boundary lies between them (within one step, 1000/s)");
    free(out);
    opts.format = LAGSIM_REPORT_CSV;
    cap_open(&c);
    assert_int_equal(lagsim_report_sweep(c.f, &sw, &slo, &fd, &opts), LAGSIM_OK);
    out = cap_close(&c);
    assert_int_equal(check_csv_shape(out), 3);
    assert_contains(out, "# find cloud: boundary, holds at 2000, fails at 3000, 95% interval "
                         "2000 to 3000\n");
    assert_contains(out, "\nround,burst.launch.rate,mode,replications,slo_met,");
    free(out);
    opts.format = LAGSIM_REPORT_JSON;
    cap_open(&c);
    assert_int_equal(lagsim_report_sweep(c.f, &sw, &slo, &fd, &opts), LAGSIM_OK);
    out = cap_close(&c);
    assert_contains(out, "\"cloud\": {\"outcome\": \"boundary\", \"holds_at\": 2000, "
                         "\"fails_at\": 3000, \"interval\": [2000, 3000]}");
    assert_contains(out, "\"slo_met\": true, \"slo_verdict\": \"holds\", \"replications\": 1}");
    assert_contains(out, "\"frontier\": null");
    free(out);
    lagsim_sweep_terminate(&sw);
}

/* A sweep's Markdown cell of summary s, formatted here from the summary's
 * mean and 95% half-width: shares as percentages, seconds as durations,
 * counts in full (all below 10000 here). */
static void md_expected_cell(char *buf, size_t size, const lagsim_summary_t *s, char kind)
{
    const double m = s->mean, h = lagsim_summary_half_width(s, 0.95);
    char a[LAGSIM_DURATION_MAX], b[LAGSIM_DURATION_MAX];
    if (kind == 'p')
        snprintf(buf, size, "%.2f%% \u00b1 %.2g%%", 100 * m, 100 * h);
    else if (kind == 's')
        snprintf(buf, size, "%s \u00b1 %s",
                 lagsim_format_duration(a, sizeof a, (lagsim_time_t)llround(m * LAGSIM_SEC)),
                 lagsim_format_duration(b, sizeof b, (lagsim_time_t)llround(h * LAGSIM_SEC)));
    else
        snprintf(buf, size, "%.0f \u00b1 %.0f", m, h);
}

/* The expected Markdown row of point p (axis text `at`) and its SLO mark. */
static void md_expected_row(char *buf, size_t size, const char *at,
                            const lagsim_replicated_t *r, const char *mark)
{
    static const struct {
        enum lagsim_figure fig;
        char kind;
    } cols[] = {{LAGSIM_FIG_VISIBLE_SHARE, 'p'}, {LAGSIM_FIG_VISIBLE_P50, 's'},
                {LAGSIM_FIG_VISIBLE_P99, 's'},   {LAGSIM_FIG_VISIBLE_MAX, 's'},
                {LAGSIM_FIG_429, 'c'},           {LAGSIM_FIG_BACKLOG_PEAK, 'c'},
                {LAGSIM_FIG_DRAIN_TIME, 's'}};
    size_t len = (size_t)snprintf(buf, size, "| %s ", at);
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++) {
        char cell[96];
        md_expected_cell(cell, sizeof cell, &r->figure[cols[i].fig], cols[i].kind);
        len += (size_t)snprintf(buf + len, size - len, "| %s ", cell);
    }
    snprintf(buf + len, size - len, "| %s |\n", mark);
}

/* sweep and find as Markdown: the header and its rule, a row per point (or
 * probe) built here from the summaries, the SLO marks, the answer, '|'
 * escaped in a key; the same bytes twice. */
static void sweep_and_find_md(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_sweep_t sw;
    one_key_sweep(&sc, &sw);
    for (uint32_t i = 0; i < 3; i++)
        sw.points[i].reps[LAGSIM_MODE_CLOUD] = made_up(LAGSIM_MODE_CLOUD, 3, 1 + i);
    /* p99 = 4 * shift * ~1.01 s: holds at 1000/s and 2000/s, fails at 3000/s. */
    lagsim_slo_t slo = {1, {{LAGSIM_FIG_VISIBLE_P99, LAGSIM_SLO_LE, 10.0, "p99<=10s"}}};
    static const char *const at[3] = {"1000/s", "2000/s", "3000/s"};
    static const char *const mark[3] = {"\u2713", "\u2713", "\u2717"};
    char rows[3][512];
    for (int i = 0; i < 3; i++)
        md_expected_row(rows[i], sizeof rows[i], at[i], sw.points[i].reps[LAGSIM_MODE_CLOUD],
                        mark[i]);
    const char *header = "| burst.launch.rate | visible | p50 | p99 | max | 429s | backlog | "
                         "drain | SLO |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                         "| ---: |\n";

    lagsim_report_opts_t opts = {LAGSIM_REPORT_MD, &manifest, 0, 0};
    char *outs[2];
    for (int k = 0; k < 2; k++) {
        capture_t c;
        cap_open(&c);
        assert_int_equal(lagsim_report_sweep(c.f, &sw, &slo, NULL, &opts), LAGSIM_OK);
        outs[k] = cap_close(&c);
    }
    assert_string_equal(outs[0], outs[1]);
    char want[2048];
    snprintf(want, sizeof want, "\n## cloud mode\n\n%s%s%s%s", header, rows[0], rows[1], rows[2]);
    assert_contains(outs[0], want);
    assert_contains(outs[0], "# lagsim sweep: t\n");
    assert_contains(outs[0], "- SLO: p99<=10s, on the 95% interval over replications");
    assert_contains(outs[0], "| scenario hash | 0123456789abcdef (FNV-1a 64) |\n");
    free(outs[0]);
    free(outs[1]);

    /* find: the probes in the order they ran, led by their round; the answer. */
    lagsim_find_t fd;
    memset(&fd, 0, sizeof fd);
    fd.outcome[LAGSIM_MODE_CLOUD] = LAGSIM_FIND_BOUNDARY;
    fd.holds_at[LAGSIM_MODE_CLOUD] = 1;
    fd.fails_at[LAGSIM_MODE_CLOUD] = 2;
    fd.n_probes = 3;
    fd.probe[0] = (lagsim_find_probe_t){0, LAGSIM_MODE_CLOUD, 0, 1, LAGSIM_VERDICT_HOLDS, 1, 0};
    fd.probe[1] = (lagsim_find_probe_t){2, LAGSIM_MODE_CLOUD, 0, 0, LAGSIM_VERDICT_FAILS, 1, 0};
    fd.probe[2] = (lagsim_find_probe_t){1, LAGSIM_MODE_CLOUD, 1, 1, LAGSIM_VERDICT_HOLDS, 1, 0};
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_sweep(c.f, &sw, &slo, &fd, &opts), LAGSIM_OK);
    char *out = cap_close(&c);
    snprintf(want, sizeof want, "| round %s| 0 %s| 0 %s| 1 %s",
             "| burst.launch.rate | visible | p50 | p99 | max | 429s | backlog | drain | SLO |\n"
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n",
             rows[0], rows[2], rows[1]);
    assert_contains(out, want);
    assert_contains(out, "\n### Answer, cloud mode\n\nThe SLO holds at burst.launch.rate = "
                         "2000/s and fails at 3000/s; the boundary lies between them (within "
                         "one step, 1000/s).");
    /* Below the answer, the two sides: 2000/s then 3000/s. */
    snprintf(want, sizeof want, "%s%s%s", header, rows[1], rows[2]);
    assert_contains(out, want);
    free(out);

    /* A '|' in a cell is escaped: the header cell of a key holding one. */
    snprintf(sw.axis[0].key, sizeof sw.axis[0].key, "a|b");
    cap_open(&c);
    assert_int_equal(lagsim_report_sweep(c.f, &sw, &slo, NULL, &opts), LAGSIM_OK);
    out = cap_close(&c);
    assert_contains(out, "\n| a\\|b | visible |");
    free(out);
    lagsim_sweep_terminate(&sw);
}

/* trace as Markdown: per event a heading, the header and rule of its table,
 * a row per milestone led by the time since fired, the step's name and its
 * status (rebuilt here from the points), then its outcome; the same bytes
 * twice. */
static void trace_md(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    snprintf(sc.name, sizeof sc.name, "t");
    assert_true(sc.n_event_types > 0 && sc.n_clients > 0);
    lagsim_trace_point_t pt[5];
    memset(pt, 0, sizeof pt);
    const lagsim_time_t f0 = 10 * LAGSIM_SEC, f1 = 20 * LAGSIM_SEC;
    const struct {
        uint32_t event;
        enum lagsim_trace_kind kind;
        lagsim_time_t fired, at;
    } spec[5] = {{0, LAGSIM_TRACE_FIRED, f0, f0},
                 {0, LAGSIM_TRACE_REFUSED, f0, f0 + 2 * LAGSIM_SEC},
                 {1, LAGSIM_TRACE_FIRED, f1, f1},
                 {0, LAGSIM_TRACE_VISIBLE, f0, f0 + 75 * LAGSIM_SEC},
                 {1, LAGSIM_TRACE_DROPPED, f1, f1 + 5 * LAGSIM_SEC}};
    for (int i = 0; i < 5; i++) {
        pt[i].event = spec[i].event;
        pt[i].kind = spec[i].kind;
        pt[i].mode = pt[i].path = LAGSIM_MODE_CLOUD;
        pt[i].fired_at = spec[i].fired;
        pt[i].at = spec[i].at;
        pt[i].user = 7 + spec[i].event;
    }
    pt[1].status = LAGSIM_RESP_429;
    pt[1].batch = pt[1].attempt = 1;
    pt[4].reason = LAGSIM_DROP_RETRY_LIMIT;
    const lagsim_traced_run_t run = {LAGSIM_MODE_CLOUD, pt, 5, 0, 100 * LAGSIM_SEC};
    lagsim_trace_t tr;
    memset(&tr, 0, sizeof tr);
    tr.follow = 2;
    tr.from = f0;
    tr.gap = f1 - f0;
    char *outs[2];
    for (int k = 0; k < 2; k++) {
        capture_t c;
        cap_open(&c);
        assert_int_equal(lagsim_report_trace_md(c.f, &sc, &tr, &run, 1, &manifest), LAGSIM_OK);
        outs[k] = cap_close(&c);
    }
    assert_string_equal(outs[0], outs[1]);
    const char *out = outs[0];
    char want[512], d[LAGSIM_DURATION_MAX];
    const char *rule = "| since fired | step | status | what happened |\n| ---: | --- | --- | --- |\n";
    assert_contains(out, "# lagsim trace: t\n");
    assert_contains(out, "\n## cloud mode\n");
    /* Event 1: fired, refused with a 429 two seconds later, visible after 75 s. */
    snprintf(want, sizeof want, "\n### Event 1: %s, user 7, client %s, fired at %s\n\n%s| 0s | %s |  | ",
             sc.event_types[0].name, sc.clients[0].name, lagsim_format_duration(d, sizeof d, f0),
             rule, lagsim_trace_kind_name(LAGSIM_TRACE_FIRED));
    assert_contains(out, want);
    snprintf(want, sizeof want, "\n| %s | %s | %s | ", lagsim_format_duration(d, sizeof d, 2 * LAGSIM_SEC),
             lagsim_trace_kind_name(LAGSIM_TRACE_REFUSED), lagsim_response_name(LAGSIM_RESP_429));
    assert_contains(out, want);
    snprintf(want, sizeof want, "\n\nOutcome: **visible** %s after it was fired.\n",
             lagsim_format_duration(d, sizeof d, 75 * LAGSIM_SEC));
    assert_contains(out, want);
    /* Event 2: dropped after 5 s, its reason in the status cell and the outcome. */
    snprintf(want, sizeof want, "\n| %s | %s | %s | ", lagsim_format_duration(d, sizeof d, 5 * LAGSIM_SEC),
             lagsim_trace_kind_name(LAGSIM_TRACE_DROPPED),
             lagsim_drop_reason_name(LAGSIM_DROP_RETRY_LIMIT));
    assert_contains(out, want);
    snprintf(want, sizeof want, "\n\nOutcome: **dropped** (%s) %s after it was fired.\n",
             lagsim_drop_reason_name(LAGSIM_DROP_RETRY_LIMIT),
             lagsim_format_duration(d, sizeof d, 5 * LAGSIM_SEC));
    assert_contains(out, want);
    assert_true(strstr(out, "### Event 1:") < strstr(out, "### Event 2:"));
    assert_contains(out, "| scenario hash | 0123456789abcdef (FNV-1a 64) |\n");
    free(outs[0]);
    free(outs[1]);
}

/* sweep --hist: one block per point that ran, led by the point's values
 * of the varied keys (in plain units), each block the rows that run's
 * --hist writes; a point that did not run has none. */
static void sweep_hist_csv(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    lagsim_sweep_t sw;
    memset(&sw, 0, sizeof sw);
    sw.base = &sc;
    sw.n_axes = 2;
    sw.axis[0] = (lagsim_axis_t){"burst.launch.rate", LAGSIM_UNIT_RATE, 1000, 2000, 1000};
    sw.axis[1] = (lagsim_axis_t){"segment.batch_wait", LAGSIM_UNIT_DURATION, 10 * LAGSIM_SEC,
                                 20 * LAGSIM_SEC, 10 * LAGSIM_SEC};
    sw.apply = apply_nothing;
    sw.mode_mask = 1u << LAGSIM_MODE_CLOUD | 1u << LAGSIM_MODE_DEVICE;
    sw.reps = 1;
    char msg[64];
    assert_int_equal(lagsim_sweep_prepare(&sw, msg, sizeof msg), LAGSIM_OK);
    assert_int_equal(sw.n_points, 4);
    for (uint32_t i = 0; i < 3; i++) { /* the last point did not run */
        sw.points[i].reps[LAGSIM_MODE_CLOUD] = made_up(LAGSIM_MODE_CLOUD, 1, 1 + i);
        sw.points[i].reps[LAGSIM_MODE_DEVICE] = made_up(LAGSIM_MODE_DEVICE, 1, 2 + i);
    }
    capture_t c;
    cap_open(&c);
    assert_int_equal(lagsim_report_sweep_hist_csv(c.f, &sw, &manifest), LAGSIM_OK);
    char *csv = cap_close(&c);
    check_csv_shape(csv);
    assert_contains(csv, "# scenario_fnv1a64: 0123456789abcdef\n");
    assert_contains(csv, "\nburst.launch.rate,segment.batch_wait,mode,latency,lower_s,upper_s,"
                         "count,cumulative_share\n");

    /* Each point's rows are exactly run's --hist rows behind its values. */
    for (uint32_t i = 0; i < 4; i++) {
        const lagsim_replicated_t *one[LAGSIM_MODE_COUNT] = {
            sw.points[i].reps[LAGSIM_MODE_CLOUD], sw.points[i].reps[LAGSIM_MODE_DEVICE], NULL};
        capture_t r;
        cap_open(&r);
        assert_int_equal(lagsim_report_hist_csv(r.f, one, NULL), LAGSIM_OK);
        char *rows = cap_close(&r);
        char prefix[64], *expect = NULL;
        size_t expect_len = 0;
        snprintf(prefix, sizeof prefix, "\n%g,%g,", sw.points[i].value[0],
                 sw.points[i].value[1] / LAGSIM_SEC);
        FILE *e = open_memstream(&expect, &expect_len);
        assert_non_null(e);
        const char *line = strchr(rows, '\n') + 1; /* past the header */
        int n = 0;
        for (; *line; n++) {
            const char *end = strchr(line, '\n');
            fprintf(e, "%s%.*s", prefix, (int)(end - line), line);
            line = end + 1;
        }
        fclose(e);
        if (i < 3) {
            assert_true(n >= 4); /* delivered and visible of two modes */
            assert_contains(csv, expect);
        } else {
            assert_int_equal(n, 0);
            assert_null(strstr(csv, prefix));
        }
        free(expect);
        free(rows);
    }
    /* Each (point, mode, latency) block: counts add up to the histogram's 1000. */
    char *save = NULL;
    char group[96] = "";
    uint64_t sum = 0;
    int groups = 0;
    for (char *l = strtok_r(csv, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (l[0] == '#' || strncmp(l, "burst.", 6) == 0)
            continue;
        char rate[16], wait[16], mode[16], lat[16];
        double lower, upper;
        unsigned long long n;
        assert_int_equal(sscanf(l, "%15[^,],%15[^,],%15[^,],%15[^,],%lf,%lf,%llu", rate, wait,
                                mode, lat, &lower, &upper, &n), 7);
        char g[96];
        snprintf(g, sizeof g, "%s/%s/%s/%s", rate, wait, mode, lat);
        if (strcmp(g, group) != 0) {
            if (groups)
                assert_int_equal(sum, 1000);
            snprintf(group, sizeof group, "%s", g);
            groups++;
            sum = 0;
        }
        sum += n;
    }
    assert_int_equal(groups, 3 * 2 * 2);
    assert_int_equal(sum, 1000);
    free(csv);
    lagsim_sweep_terminate(&sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(csv_summary),
        cmocka_unit_test(manifest_replay_hash),
        cmocka_unit_test(hist_csv),
        cmocka_unit_test(chart),
        cmocka_unit_test(manifest_everywhere),
        cmocka_unit_test(requests_tables),
        cmocka_unit_test(sweep_and_find_tables),
        cmocka_unit_test(sweep_and_find_md),
        cmocka_unit_test(trace_md),
        cmocka_unit_test(sweep_hist_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
