/*
 * test_vary_parse.c - sweep axes from --vary text (lib/config/vary_parse.c):
 * values in the key's own units, defaults, errors that name the key and
 * the part at fault, values written back exactly and applied with the
 * same validation as --set; and the scenario file hash (file_hash.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lagsim/lagsim.h"

#define assert_contains(hay, needle)                                                   \
    do {                                                                               \
        if (!strstr((hay), (needle)))                                                  \
            fail_msg("expected to find <%s> in:\n%s", (needle), (hay));                \
    } while (0)

static void parses_in_the_keys_units(void **state)
{
    (void)state;
    lagsim_axis_t a;
    lagsim_error_t err;
    assert_int_equal(lagsim_parse_vary("burst.launch.rate=20000/s..60000/s:5000/s", &a, &err),
                     LAGSIM_OK);
    assert_string_equal(a.key, "burst.launch.rate");
    assert_int_equal(a.unit, LAGSIM_UNIT_RATE);
    assert_true(a.from == 20000 && a.to == 60000 && a.step == 5000);
    assert_int_equal(lagsim_axis_points(&a), 9);

    assert_int_equal(lagsim_parse_vary("mixpanel.ingest_limit = 600000/min..40000/s:10000/s", &a,
                                       &err), LAGSIM_OK);
    assert_true(a.from == 10000 && a.to == 40000 && a.step == 10000);

    assert_int_equal(lagsim_parse_vary("segment.batch_wait=10s..2m:10s", &a, &err), LAGSIM_OK);
    assert_int_equal(a.unit, LAGSIM_UNIT_DURATION);
    assert_true(a.from == 10 * LAGSIM_SEC && a.to == 2 * LAGSIM_MIN && a.step == 10 * LAGSIM_SEC);

    assert_int_equal(lagsim_parse_vary("traffic.new_user_share=10%..50%:10%", &a, &err), LAGSIM_OK);
    assert_int_equal(a.unit, LAGSIM_UNIT_FRACTION);
    assert_int_equal(lagsim_axis_points(&a), 5);

    assert_int_equal(lagsim_parse_vary("segment.batch_bytes=1MB..4MB:1MB", &a, &err), LAGSIM_OK);
    assert_int_equal(a.unit, LAGSIM_UNIT_SIZE);
    assert_true(a.step == 1e6);

    /* Without STEP: five points. Going down is allowed. */
    assert_int_equal(lagsim_parse_vary("segment.max_in_flight=4..20", &a, &err), LAGSIM_OK);
    assert_int_equal(a.unit, LAGSIM_UNIT_COUNT);
    assert_int_equal(lagsim_axis_points(&a), 5);
    assert_int_equal(lagsim_parse_vary("traffic.scale=2..1:0.25", &a, &err), LAGSIM_OK);
    assert_true(lagsim_axis_value(&a, 4) == 1);
}

static void errors_name_the_problem(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        const char *message;
    } cases[] = {
        {"burst.launch.rate", "bad --vary"},
        {"burst.launch.rate=20000/s", "bad --vary"},
        {"burst.launch.rate=..5/s", "bad --vary"},
        {"rate=1/s..2/s", "bad --vary"},
        {"nosuch.key=1..2", "unknown section [nosuch]"},
        {"traffic.bogus=1..2", "unknown key"},
        {"mixpanel.limiter=1..2", "does not take a number"},
        {"burst.launch.rate=-5/s..5/s", "FROM"},
        {"burst.launch.rate=5/s..10 parsecs", "TO"},
        {"burst.launch.rate=5/s..10/s:0/s", "STEP must be greater than 0"},
        {"burst.launch.rate=5/s..10/s:1s", "STEP"},
        {"traffic.base_rate=0..1000000/s:1/s", "more than 1000 points"},
        {"traffic.new_user_share=0.5..1.5", "TO"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        lagsim_axis_t a;
        memset(&a, 0x5a, sizeof a);
        lagsim_axis_t before = a;
        lagsim_error_t err;
        err.message[0] = '\0';
        if (lagsim_parse_vary(cases[i].spec, &a, &err) != LAGSIM_EINVAL)
            fail_msg("'%s' was accepted", cases[i].spec);
        assert_contains(err.message, cases[i].message);
        assert_memory_equal(&a, &before, sizeof a); /* unchanged on failure */
    }
}

/* Every grid value is written as text that --set reads back exactly. */
static void values_round_trip_through_set(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_error_t err;
    assert_int_equal(lagsim_config_load_string("[burst.launch]\nstart = 1m\nduration = 1m\n"
                                               "rate = 1000/s\n", "t.ini", NULL, 0, &sc, &err),
                     LAGSIM_OK);
    lagsim_axis_t a;
    assert_int_equal(lagsim_parse_vary("traffic.new_user_share=0.1..0.9:0.1", &a, &err), LAGSIM_OK);
    for (uint32_t i = 0; i < lagsim_axis_points(&a); i++) {
        char msg[256];
        const double v = lagsim_axis_value(&a, i);
        assert_int_equal(lagsim_config_axis_apply(NULL, &sc, &a, v, msg, sizeof msg), LAGSIM_OK);
        assert_true(sc.new_user_share == v);
    }
    assert_int_equal(lagsim_parse_vary("segment.batch_wait=1500ms..1m:7s", &a, &err), LAGSIM_OK);
    char text[64];
    lagsim_config_axis_text(&a, lagsim_axis_value(&a, 1), text, sizeof text);
    assert_string_equal(text, "8500ms");
    assert_int_equal(lagsim_parse_vary("burst.launch.rate=1000/s..2000/s:250/s", &a, &err),
                     LAGSIM_OK);
    lagsim_config_axis_text(&a, lagsim_axis_value(&a, 2), text, sizeof text);
    assert_string_equal(text, "1500/s");
    char msg[256];
    assert_int_equal(lagsim_config_axis_apply(NULL, &sc, &a, 1500, msg, sizeof msg), LAGSIM_OK);
    assert_true(sc.bursts[0].rate == 1500);
}

/* A value the scenario refuses is refused as a --set would be. */
static void apply_validates_like_set(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_error_t err;
    assert_int_equal(lagsim_config_load_string("[scenario]\nhorizon = 10m\n[burst.launch]\n"
                                               "start = 1m\nduration = 1m\nrate = 1000/s\n",
                                               "t.ini", NULL, 0, &sc, &err),
                     LAGSIM_OK);
    lagsim_axis_t a;
    assert_int_equal(lagsim_parse_vary("burst.launch.start=0..20m:5m", &a, &err), LAGSIM_OK);
    char msg[256] = "";
    lagsim_scenario_t copy = sc;
    assert_int_equal(lagsim_config_axis_apply(NULL, &copy, &a, 15.0 * LAGSIM_MIN, msg, sizeof msg),
                     LAGSIM_EINVAL);
    assert_contains(msg, "burst.launch.start=15m");
    assert_contains(msg, "horizon");
    /* A burst that does not exist cannot be created from its rate alone. */
    assert_int_equal(lagsim_parse_vary("burst.other.rate=1/s..2/s", &a, &err), LAGSIM_OK);
    assert_int_equal(lagsim_config_axis_apply(NULL, &copy, &a, 1, msg, sizeof msg), LAGSIM_EINVAL);
    assert_contains(msg, "missing required key");
}

/* FNV-1a 64: the published test vectors, and a file's hash follows its bytes. */
static void file_hash(void **state)
{
    (void)state;
    const uint64_t basis = 14695981039346656037ull;
    assert_true(lagsim_fnv1a64("", 0, basis) == 0xcbf29ce484222325ull);
    assert_true(lagsim_fnv1a64("a", 1, basis) == 0xaf63dc4c8601ec8cull);
    assert_true(lagsim_fnv1a64("foobar", 6, basis) == 0x85944171f73967e8ull);

    char path[] = "/tmp/lagsim_hash_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("foobar", f);
    fclose(f);
    uint64_t h1 = 0, h2 = 0;
    lagsim_error_t err;
    assert_int_equal(lagsim_config_file_hash(path, &h1, &err), LAGSIM_OK);
    assert_true(h1 == 0x85944171f73967e8ull);
    f = fopen(path, "a");
    fputs(" ", f);
    fclose(f);
    assert_int_equal(lagsim_config_file_hash(path, &h2, &err), LAGSIM_OK);
    assert_true(h1 != h2);
    remove(path);
    assert_int_equal(lagsim_config_file_hash(path, &h2, &err), LAGSIM_EIO);
    assert_contains(err.message, path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_in_the_keys_units),
        cmocka_unit_test(errors_name_the_problem),
        cmocka_unit_test(values_round_trip_through_set),
        cmocka_unit_test(apply_validates_like_set),
        cmocka_unit_test(file_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
