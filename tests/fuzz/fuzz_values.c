/*
 * fuzz_values.c - libFuzzer target for the value parsers. The first input
 * byte picks the parser, the rest is the value text:
 *   'd' lagsim_parse_duration    'r' lagsim_parse_rate    's' lagsim_parse_size
 *   't' lagsim_parse_dist(unit 't')    'b' lagsim_parse_dist(unit 'b')
 * (any other byte picks one of the five by its value modulo 5).
 *
 * Invariants checked (besides ASan/UBSan/LSan finding nothing):
 *  - the result is LAGSIM_OK or LAGSIM_EINVAL, the same with err NULL;
 *  - on failure err.message is non-empty and NUL-terminated inside the
 *    buffer, and *out is left unchanged;
 *  - on success the value is sane (finite, not negative; a distribution
 *    of a known kind with finite parameters), the printer the writer uses
 *    for it (lsi_fmt_*) gives text that parses back to exactly the same
 *    value, and printing that again gives the same text;
 *  - on success, the value stored in a key of the default scenario that
 *    takes it (when in that key's range and the scenario stays valid)
 *    survives lagsim_config_write -> lagsim_config_load_string ->
 *    lagsim_config_write with identical text.
 * A broken invariant prints the input and aborts, so libFuzzer saves it.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "lagsim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *cur_input = "";
static char cur_parser = '?';

static void fail(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_values: parser '%c': %s\n--- input: '%s'\n", cur_parser, what,
            cur_input);
    if (a)
        fprintf(stderr, "--- first:\n%s\n", a);
    if (b)
        fprintf(stderr, "--- second:\n%s\n", b);
    abort();
}

static void check_error(int rc, const lagsim_error_t *err)
{
    if (rc != LAGSIM_EINVAL)
        fail("unexpected return code", NULL, NULL);
    if (!memchr(err->message, '\0', sizeof err->message))
        fail("error message not NUL-terminated", NULL, NULL);
    if (err->message[0] == '\0')
        fail("empty error message", NULL, NULL);
}

static char *write_text(const lagsim_scenario_t *sc)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    const int rc = lagsim_config_write(f, sc);
    if (fclose(f) != 0 || rc != LAGSIM_OK)
        fail("lagsim_config_write failed", NULL, NULL);
    return buf;
}

/* Write, load, write: the two texts must be equal. Skipped when sc is not
 * a valid scenario (the loader would rightly refuse it). */
static void scenario_round_trip(const lagsim_scenario_t *sc)
{
    char msg[LAGSIM_ERROR_MAX];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) != LAGSIM_OK)
        return;
    char *first = write_text(sc);
    lagsim_scenario_t *back = malloc(sizeof *back);
    if (!back)
        abort();
    lagsim_error_t err;
    if (lagsim_config_load_string(first, "fuzz.ini", NULL, 0, back, &err) != LAGSIM_OK)
        fail("written scenario does not load again", first, err.message);
    char *second = write_text(back);
    if (strcmp(first, second) != 0)
        fail("scenario round trip changed the text", first, second);
    free(first);
    free(second);
    free(back);
}

/* A malloc'd copy of the default scenario. */
static lagsim_scenario_t *defaults(void)
{
    static lagsim_scenario_t *def;
    if (!def) {
        def = malloc(sizeof *def);
        if (!def)
            abort();
        lagsim_scenario_defaults(def);
    }
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    if (!sc)
        abort();
    *sc = *def;
    return sc;
}

static void fuzz_duration(const char *s)
{
    lagsim_time_t t = -12345, t2 = -12345;
    lagsim_error_t err;
    memset(&err, 'X', sizeof err);
    const int rc = lagsim_parse_duration(s, &t, &err);
    if (lagsim_parse_duration(s, &t2, NULL) != rc)
        fail("result differs with err NULL", NULL, NULL);
    if (rc != LAGSIM_OK) {
        check_error(rc, &err);
        if (t != -12345)
            fail("*out changed on failure", NULL, NULL);
        return;
    }
    if (t < 0 || t2 != t)
        fail("negative or unstable duration", NULL, NULL);
    char buf[LSI_FMT_MAX], buf2[LSI_FMT_MAX];
    lsi_fmt_duration(t, buf, sizeof buf);
    lagsim_time_t back;
    if (lagsim_parse_duration(buf, &back, &err) != LAGSIM_OK || back != t)
        fail("printed duration does not parse back exactly", buf, NULL);
    lsi_fmt_duration(back, buf2, sizeof buf2);
    if (strcmp(buf, buf2) != 0)
        fail("printing is not stable", buf, buf2);
    if (t <= 366 * LAGSIM_DAY) { /* [mixpanel] index_interval: [0, 366d] */
        lagsim_scenario_t *sc = defaults();
        sc->mixpanel.index_interval = t;
        scenario_round_trip(sc);
        free(sc);
    }
}

static void fuzz_rate(const char *s)
{
    double v = -7, v2 = -7;
    lagsim_error_t err;
    memset(&err, 'X', sizeof err);
    const int rc = lagsim_parse_rate(s, &v, &err);
    if (lagsim_parse_rate(s, &v2, NULL) != rc)
        fail("result differs with err NULL", NULL, NULL);
    if (rc != LAGSIM_OK) {
        check_error(rc, &err);
        if (v != -7)
            fail("*out changed on failure", NULL, NULL);
        return;
    }
    if (!isfinite(v) || v < 0 || v2 != v)
        fail("rate not finite, negative or unstable", NULL, NULL);
    for (int bytes = 0; bytes < 2; bytes++) {
        char buf[LSI_FMT_MAX], buf2[LSI_FMT_MAX];
        lsi_fmt_rate(v, bytes, buf, sizeof buf);
        double back;
        if (lagsim_parse_rate(buf, &back, &err) != LAGSIM_OK || back != v ||
            lsi_parse_rate(buf, bytes, &back, &err) != LAGSIM_OK || back != v)
            fail(bytes ? "printed byte rate does not parse back exactly"
                       : "printed rate does not parse back exactly", buf, NULL);
        lsi_fmt_rate(back, bytes, buf2, sizeof buf2);
        if (strcmp(buf, buf2) != 0)
            fail("printing is not stable", buf, buf2);
    }
    if (v <= 1e9) { /* [traffic] base_rate: [0, 1000000000/s] */
        lagsim_scenario_t *sc = defaults();
        sc->base_rate = v;
        scenario_round_trip(sc);
        free(sc);
    }
    if (v <= 1e15) { /* [mixpanel] ingest_limit_bytes: [0, 1e15 B/s] */
        lagsim_scenario_t *sc = defaults();
        sc->mixpanel.ingest_limit_bytes = v;
        scenario_round_trip(sc);
        free(sc);
    }
}

static void fuzz_size(const char *s)
{
    uint64_t u = 99, u2 = 99;
    lagsim_error_t err;
    memset(&err, 'X', sizeof err);
    const int rc = lagsim_parse_size(s, &u, &err);
    if (lagsim_parse_size(s, &u2, NULL) != rc)
        fail("result differs with err NULL", NULL, NULL);
    if (rc != LAGSIM_OK) {
        check_error(rc, &err);
        if (u != 99)
            fail("*out changed on failure", NULL, NULL);
        return;
    }
    if (u2 != u)
        fail("unstable size", NULL, NULL);
    char buf[LSI_FMT_MAX], buf2[LSI_FMT_MAX];
    lsi_fmt_size(u, buf, sizeof buf);
    uint64_t back;
    if (lagsim_parse_size(buf, &back, &err) != LAGSIM_OK || back != u)
        fail("printed size does not parse back exactly", buf, NULL);
    lsi_fmt_size(back, buf2, sizeof buf2);
    if (strcmp(buf, buf2) != 0)
        fail("printing is not stable", buf, buf2);
    if (u >= 1) { /* [segment] max_event_bytes: [1, 2^64-1] */
        lagsim_scenario_t *sc = defaults();
        sc->segment.max_event_bytes = u;
        scenario_round_trip(sc);
        free(sc);
    }
}

static int dist_same(const lagsim_dist_t *a, const lagsim_dist_t *b)
{
    return a->kind == b->kind && a->p[0] == b->p[0] && a->p[1] == b->p[1];
}

static void fuzz_dist(const char *s, char unit)
{
    const lagsim_dist_t sentinel = {.kind = LAGSIM_DIST_EXP, .p = {3, 4}};
    lagsim_dist_t d = sentinel, d2 = sentinel;
    lagsim_error_t err;
    memset(&err, 'X', sizeof err);
    const int rc = lagsim_parse_dist(s, unit, &d, &err);
    if (lagsim_parse_dist(s, unit, &d2, NULL) != rc)
        fail("result differs with err NULL", NULL, NULL);
    if (rc != LAGSIM_OK) {
        check_error(rc, &err);
        if (!dist_same(&d, &sentinel))
            fail("*out changed on failure", NULL, NULL);
        return;
    }
    if (!dist_same(&d, &d2) || !isfinite(d.p[0]) || !isfinite(d.p[1]))
        fail("parameters not finite or unstable", NULL, NULL);
    char buf[LSI_FMT_MAX], buf2[LSI_FMT_MAX];
    lsi_fmt_dist(&d, unit, buf, sizeof buf);
    lagsim_dist_t back = sentinel;
    if (lagsim_parse_dist(buf, unit, &back, &err) != LAGSIM_OK)
        fail("printed distribution does not parse", buf, err.message);
    if (!dist_same(&back, &d)) {
        char got[160];
        snprintf(got, sizeof got, "kind %d p %.17g %.17g, want kind %d p %.17g %.17g",
                 (int)back.kind, back.p[0], back.p[1], (int)d.kind, d.p[0], d.p[1]);
        fail("printed distribution does not parse back exactly", buf, got);
    }
    lsi_fmt_dist(&back, unit, buf2, sizeof buf2);
    if (strcmp(buf, buf2) != 0)
        fail("printing is not stable", buf, buf2);
    lagsim_scenario_t *sc = defaults();
    if (unit == 't')
        sc->network.client_rtt = d; /* no range */
    else
        sc->event_types[0].payload_bytes = d; /* no range */
    scenario_round_trip(sc);
    free(sc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    static const char parsers[] = "drstb";
    char which = (char)data[0];
    if (!strchr(parsers, which) || which == '\0')
        which = parsers[data[0] % 5];
    char *s = malloc(size);
    if (!s)
        abort();
    memcpy(s, data + 1, size - 1);
    s[size - 1] = '\0';
    cur_input = s;
    cur_parser = which;
    switch (which) {
    case 'd': fuzz_duration(s); break;
    case 'r': fuzz_rate(s); break;
    case 's': fuzz_size(s); break;
    case 't':
    case 'b': fuzz_dist(s, which); break;
    }
    cur_input = "";
    free(s);
    return 0;
}
