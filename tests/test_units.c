/*
 * test_units.c - the friendlier value forms of lib/config/units.c and the
 * suggestions of lib/config/suggest.c, against hand-computed values:
 * compound durations ("1h30m"), SI multipliers on counts and rates
 * ("30k/s", "2M", "1.5k"), and the edit distance behind "did you mean".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config/config_internal.h"

static void compound_durations(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        lagsim_time_t us; /* by hand: hours * 3600e6 + minutes * 60e6 + ... */
    } ok[] = {
        {"1h30m", 5400000000},      {"2m30s", 150000000},     {"1d 12h", 129600000000},
        {"1m30.5s", 90500000},      {"1h0m", 3600000000},     {"1s250ms", 1250000},
        {" 2h 5m 7s ", 7507000000}, {"1min30s", 90000000},    {"1ms500us", 1500},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        lagsim_time_t us = -1;
        lagsim_error_t err;
        assert_int_equal(lagsim_parse_duration(ok[i].text, &us, &err), LAGSIM_OK);
        assert_int_equal(us, ok[i].us);
        double sec = -1;
        assert_int_equal(lsi_parse_seconds(ok[i].text, &sec, &err), LAGSIM_OK);
        assert_true(sec == (double)ok[i].us / 1e6);
    }
    static const char *const bad[] = {"30m1h", "1h1h", "1h30", "1h30x", "1h-30m", "h30m",
                                      "1h30m5"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        lagsim_time_t us = 7;
        lagsim_error_t err;
        assert_int_equal(lagsim_parse_duration(bad[i], &us, &err), LAGSIM_EINVAL);
        assert_int_equal(us, 7);
        assert_non_null(strstr(err.message, bad[i]));
    }
    lagsim_error_t err;
    lagsim_time_t us;
    assert_int_equal(lagsim_parse_duration("30m1h", &us, &err), LAGSIM_EINVAL);
    assert_non_null(strstr(err.message, "largest down"));
    /* INT64_MAX microseconds is 106751991.17 days: 106751991 days and 5 h fit, 106751992
     * days do not. */
    assert_int_equal(lagsim_parse_duration("106751991d3h", &us, &err), LAGSIM_OK);
    assert_int_equal(us, (lagsim_time_t)106751991 * 86400000000 + (lagsim_time_t)3 * 3600000000);
    assert_int_equal(lagsim_parse_duration("106751992d1h", &us, &err), LAGSIM_EINVAL);
    assert_non_null(strstr(err.message, "too large"));
}

static void si_counts(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        uint64_t v;
    } ok[] = {
        {"30k", 30000}, {"30K", 30000}, {"2M", 2000000}, {"1.5k", 1500},
        {"1.5G", 1500000000}, {"0.3k", 300}, {"0k", 0}, {"250", 250},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        uint64_t v = 1;
        lagsim_error_t err;
        assert_int_equal(lsi_parse_uint(ok[i].text, &v, &err), LAGSIM_OK);
        assert_int_equal(v, ok[i].v);
    }
    static const char *const bad[] = {"1.0001k", "2m", "-1k", "3kk", "k", "18446744073709552k"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint64_t v = 1;
        lagsim_error_t err;
        assert_int_equal(lsi_parse_uint(bad[i], &v, &err), LAGSIM_EINVAL);
        assert_int_equal(v, 1);
    }
}

static void si_rates(void **state)
{
    (void)state;
    double v;
    lagsim_error_t err;
    assert_int_equal(lsi_parse_rate("30k/s", 0, &v, &err), LAGSIM_OK);
    assert_true(v == 30000.0);
    assert_int_equal(lsi_parse_rate("1.2k/min", 0, &v, &err), LAGSIM_OK);
    assert_true(v == 20.0); /* 1200 / 60 */
    assert_int_equal(lsi_parse_rate("3.6M/h", 0, &v, &err), LAGSIM_OK);
    assert_true(v == 1000.0); /* 3 600 000 / 3600 */
    assert_int_equal(lagsim_parse_rate("30k/s", &v, &err), LAGSIM_OK);
    assert_true(v == 30000.0);
    /* A byte rate takes sizes (KB), not counts. */
    assert_int_equal(lsi_parse_rate("30k/s", 1, &v, &err), LAGSIM_EINVAL);
    assert_int_equal(lsi_parse_rate("30KB/s", 1, &v, &err), LAGSIM_OK);
    assert_true(v == 30000.0);
}

static void edit_distance(void **state)
{
    (void)state;
    assert_int_equal(lagsim_edit_distance("horizon", "horizon"), 0);
    assert_int_equal(lagsim_edit_distance("horizonn", "horizon"), 1); /* a deletion */
    assert_int_equal(lagsim_edit_distance("horizo", "horizon"), 1);   /* an insertion */
    assert_int_equal(lagsim_edit_distance("hroizon", "horizon"), 1);  /* a transposition */
    assert_int_equal(lagsim_edit_distance("kitten", "sitting"), 3);   /* k->s, e->i, +g */
    assert_int_equal(lagsim_edit_distance("", "abc"), 3);
    assert_int_equal(lagsim_edit_distance("flaw", "lawn"), 2);        /* -f, +n */
    /* Optimal string alignment, not full Damerau: "ca" -> "abc" is 3, not 2. */
    assert_int_equal(lagsim_edit_distance("ca", "abc"), 3);
}

static void suggestions(void **state)
{
    (void)state;
    const char *const opts[] = {"mode", "seed", "modes", "reps", "max-reps"};
    assert_string_equal(lagsim_suggest("mdoe", opts, 5), "mode");
    assert_string_equal(lagsim_suggest("rep", opts, 5), "reps");
    assert_string_equal(lagsim_suggest("max-rep", opts, 5), "max-reps");
    assert_null(lagsim_suggest("xyz", opts, 5));
    assert_null(lagsim_suggest("seed", (const char *const[]){"seed"}, 1)); /* never itself */
    assert_string_equal(lagsim_suggest("mod", opts, 5), "mode"); /* ties: the first */
    /* Two edits are too many for a word of four characters, not for eight. */
    assert_null(lagsim_suggest("sxdx", (const char *const[]){"seed"}, 1));
    assert_string_equal(lagsim_suggest("sxed", (const char *const[]){"seed"}, 1), "seed");
    assert_string_equal(lagsim_suggest("horzionn", (const char *const[]){"horizon"}, 1),
                        "horizon");
    const char *const with_null[] = {NULL, "trace"};
    assert_string_equal(lagsim_suggest("trac", with_null, 2), "trace");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(compound_durations),
        cmocka_unit_test(si_counts),
        cmocka_unit_test(si_rates),
        cmocka_unit_test(edit_distance),
        cmocka_unit_test(suggestions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
