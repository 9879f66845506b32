/*
 * fuzz_set.c - libFuzzer target for --set overrides. The input, as text,
 * is one assignment ("section.key=value"), applied to two fixed valid
 * scenarios (A: plain; B: with single-field SDK overrides, jitter,
 * outages and bursts):
 *  1. lagsim_config_set() on the loaded scenario;
 *  2. lagsim_config_load_string() of the scenario text with origin
 *     "fuzz.ini" and the input among the `sets` (alone for A; between two
 *     valid overrides for B).
 *
 * Invariants checked (besides ASan/UBSan/LSan finding nothing):
 *  - the result is LAGSIM_OK, LAGSIM_EINVAL or LAGSIM_ENOMEM;
 *  - on failure err.message is non-empty and NUL-terminated inside the
 *    buffer, and starts with "--set" (lagsim_config_set) or with
 *    "fuzz.ini:" or "--set" (the loader), or with '/' (the absolute path
 *    of a [replay] file with a bad row); a failed lagsim_config_set()
 *    leaves the scenario byte for byte as it was;
 *  - on success lagsim_config_write() succeeds, its text loads again, and
 *    writing that gives identical text (exact round trip);
 *  - for A (which avoids the documented differences: it gives every
 *    [event.*] and [client.*] section and no single-field SDK override),
 *    applying the override to the loaded scenario and loading the file
 *    with it as a --set agree: both fail, or both succeed and write the
 *    same text.
 * A broken invariant prints the input and the texts, then aborts, so
 * libFuzzer saves the input as a crash artifact.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char base_a[] =
    "[scenario]\n"
    "name = fuzz-set-a\n"
    "horizon = 1h\n"
    "seed = 3\n"
    "mode = all\n"
    "[traffic]\n"
    "base_rate = 400/s\n"
    "users = 1000\n"
    "[burst.launch]\n"
    "start = 20m\n"
    "duration = 3m\n"
    "rate = 36000/s\n"
    "[event.page]\n"
    "share = 0.75\n"
    "[event.order]\n"
    "share = 0.25\n"
    "priority = high\n"
    "route = device\n"
    "payload_bytes = lognormal(median=1.2KB, sigma=0.5)\n"
    "[client.web]\n"
    "share = 0.6\n"
    "platform = web\n"
    "[client.ios]\n"
    "share = 0.4\n"
    "platform = ios\n"
    "[mixpanel]\n"
    "outage = 50m+5m 503\n"
    "outage = 55m+1m timeout\n";

static const char base_b[] =
    "[scenario]\n"
    "name = fuzz-set-b\n"
    "horizon = 2h\n"
    "drain_limit = 1d\n"
    "mode = cloud,hybrid\n"
    "[traffic]\n"
    "base_rate = 1000/min\n"
    "new_user_share = 30%\n"
    "[burst.a]\n"
    "start = 10m\n"
    "duration = 1m\n"
    "multiplier = 40\n"
    "[burst.b.c]\n"
    "start = 1h\n"
    "duration = 90s\n"
    "rate = 2e4/s\n"
    "[client.srv]\n"
    "share = 0.5\n"
    "platform = server\n"
    "cloud_backoff_jitter = pct(10%)\n"
    "device_backoff_jitter = add(1s, 5s)\n"
    "cloud_backoff_at_next_flush = always\n"
    "device_retry_4xx = yes\n"
    "cloud_batch_size = 50\n"
    "[client.android]\n"
    "share = 0.5\n"
    "platform = android\n"
    "device_sdk = mixpanel-android\n"
    "device_flush_interval = 250ms\n"
    "[network]\n"
    "client_rtt = gamma(shape=2, mean=80ms)\n"
    "server_rtt = uniform(1ms, 3ms)\n"
    "[segment]\n"
    "backoff_jitter = mult(1, 2)\n"
    "backoff_jitter_after_cap = false\n"
    "batch_bytes = 500KB\n"
    "[mixpanel]\n"
    "ingest_limit_bytes = 2GB/min\n"
    "limiter = token_bucket\n"
    "outage = 30m+5m 500, 1h+30s timeout\n"
    "index_delay = weibull(shape=1.5, scale=20s)\n";

static lagsim_scenario_t *loaded_a, *loaded_b;
static const char *cur_input = "";

static void fail(const char *what, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_set: %s\n--- input: '%s'\n", what, cur_input);
    if (a)
        fprintf(stderr, "--- first:\n%s\n", a);
    if (b)
        fprintf(stderr, "--- second:\n%s\n", b);
    abort();
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

/* Write, load, write: returns the (identical) written text. */
static char *round_trip(const lagsim_scenario_t *sc)
{
    char *first = write_text(sc);
    lagsim_scenario_t *back = malloc(sizeof *back);
    if (!back)
        abort();
    lagsim_error_t err;
    memset(&err, 'X', sizeof err);
    if (lagsim_config_load_string(first, "fuzz.ini", NULL, 0, back, &err) != LAGSIM_OK)
        fail("written scenario does not load again", first, err.message);
    char *second = write_text(back);
    if (strcmp(first, second) != 0)
        fail("round trip changed the scenario", first, second);
    free(second);
    free(back);
    return first;
}

static void check_error(int rc, const lagsim_error_t *err, int loader)
{
    if (rc != LAGSIM_EINVAL && rc != LAGSIM_ENOMEM)
        fail("unexpected return code", NULL, NULL);
    if (!memchr(err->message, '\0', sizeof err->message))
        fail("error message not NUL-terminated", NULL, NULL);
    if (err->message[0] == '\0')
        fail("empty error message", NULL, NULL);
    if (rc != LAGSIM_EINVAL)
        return;
    if (strncmp(err->message, "--set", 5) != 0 && err->message[0] != '/' &&
        (!loader || strncmp(err->message, "fuzz.ini:", 9) != 0))
        fail(loader ? "loader error does not start with 'fuzz.ini:' or '--set'"
                    : "lagsim_config_set error does not start with '--set'",
             err->message, NULL);
}

static lagsim_scenario_t *load_base(const char *text)
{
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    lagsim_error_t err;
    if (!sc || lagsim_config_load_string(text, "fuzz.ini", NULL, 0, sc, &err) != LAGSIM_OK) {
        fprintf(stderr, "fuzz_set: base scenario does not load: %s\n", sc ? err.message : "");
        abort();
    }
    return sc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    loaded_a = load_base(base_a);
    loaded_b = load_base(base_b);
    return 0;
}

/* lagsim_config_set() on a copy of base; returns the written text on
 * success (round trip checked), NULL on failure. */
static char *via_config_set(const lagsim_scenario_t *base, const char *assignment)
{
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    if (!sc)
        abort();
    memcpy(sc, base, sizeof *sc);
    lagsim_error_t err;
    memset(&err, 'X', sizeof err);
    const int rc = lagsim_config_set(sc, assignment, &err);
    char *text = NULL;
    if (rc == LAGSIM_OK) {
        text = round_trip(sc);
    } else {
        check_error(rc, &err, 0);
        if (memcmp(sc, base, sizeof *sc) != 0)
            fail("failed lagsim_config_set changed the scenario", err.message, NULL);
    }
    free(sc);
    return text;
}

/* lagsim_config_load_string() of text with sets; as above. */
static char *via_load(const char *text, const char *const *sets, size_t n)
{
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    if (!sc)
        abort();
    lagsim_error_t err;
    memset(&err, 'X', sizeof err);
    const int rc = lagsim_config_load_string(text, "fuzz.ini", sets, n, sc, &err);
    char *out = NULL;
    if (rc == LAGSIM_OK)
        out = round_trip(sc);
    else
        check_error(rc, &err, 1);
    free(sc);
    return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *assignment = malloc(size + 1);
    if (!assignment)
        abort();
    memcpy(assignment, data, size);
    assignment[size] = '\0';
    cur_input = assignment;

    /* A: both paths must agree. */
    char *set_a = via_config_set(loaded_a, assignment);
    const char *sets_a[] = {assignment};
    char *load_a = via_load(base_a, sets_a, 1);
    if (!set_a != !load_a)
        fail(set_a ? "lagsim_config_set accepts what --set on load refuses"
                   : "--set on load accepts what lagsim_config_set refuses",
             set_a ? set_a : load_a, NULL);
    if (set_a && strcmp(set_a, load_a) != 0)
        fail("lagsim_config_set and --set on load give different scenarios", set_a, load_a);
    free(set_a);
    free(load_a);

    /* B: round trips and errors only. */
    free(via_config_set(loaded_b, assignment));
    const char *sets_b[] = {"segment.batch_size=500", assignment, "traffic.users=77"};
    free(via_load(base_b, sets_b, 3));

    cur_input = "";
    free(assignment);
    return 0;
}
