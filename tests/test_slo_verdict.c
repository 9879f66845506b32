/*
 * test_slo_verdict.c - SLO verdicts with uncertainty (lib/experiment/replicate.c):
 * a term holds or fails when its whole 95% interval is on one side of the
 * threshold and is undecided ("?") when the interval straddles it; several
 * terms combine as fails > undecided > holds. Intervals are made by hand,
 * and one from three replications checked against Student's t.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lagsim/lagsim.h"

#define H LAGSIM_VERDICT_HOLDS
#define F LAGSIM_VERDICT_FAILS
#define U LAGSIM_VERDICT_UNDECIDED

static void terms_against_hand_made_intervals(void **state)
{
    (void)state;
    static const struct {
        enum lagsim_slo_op op;
        double threshold, mean, hw;
        enum lagsim_verdict want;
    } cases[] = {
        {LAGSIM_SLO_LE, 10, 8, 1, H},  /* [7, 9] */
        {LAGSIM_SLO_LE, 10, 9, 1, H},  /* [8, 10]: 10 <= 10 */
        {LAGSIM_SLO_LE, 10, 10, 1, U}, /* [9, 11] */
        {LAGSIM_SLO_LE, 10, 11, 1, U}, /* [10, 12]: its low end still meets it */
        {LAGSIM_SLO_LE, 10, 12, 1, F}, /* [11, 13] */
        {LAGSIM_SLO_LT, 10, 9, 1, U},  /* [8, 10]: 10 < 10 is false */
        {LAGSIM_SLO_LT, 10, 8, 1, H},  /* [7, 9] */
        {LAGSIM_SLO_LT, 10, 11, 1, F}, /* [10, 12] */
        {LAGSIM_SLO_GE, 0.995, 0.998, 0.002, H}, /* [0.996, 1.0] */
        {LAGSIM_SLO_GE, 0.995, 0.996, 0.002, U}, /* [0.994, 0.998] */
        {LAGSIM_SLO_GE, 0.995, 0.99, 0.002, F},  /* [0.988, 0.992] */
        {LAGSIM_SLO_GT, 5, 6, 1, U},   /* [5, 7]: 5 > 5 is false */
        {LAGSIM_SLO_GT, 5, 7, 1, H},   /* [6, 8] */
        {LAGSIM_SLO_GT, 5, 4, 1, F},   /* [3, 5] */
        /* No interval: the mean decides; no mean: it fails. */
        {LAGSIM_SLO_LE, 10, 10, NAN, H},
        {LAGSIM_SLO_LE, 10, 10.5, 0, F},
        {LAGSIM_SLO_LE, 10, NAN, 1, F},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const enum lagsim_verdict got = lagsim_slo_term_verdict(cases[i].op, cases[i].threshold,
                                                                cases[i].mean, cases[i].hw);
        if (got != cases[i].want)
            fail_msg("case %zu: got %d, want %d", i, (int)got, (int)cases[i].want);
    }
}

/*
 * Replications with p99 = 1, 2, 3 s: mean 2, sample sd 1, so the 95%
 * half-width is t(0.975, 2) / sqrt(3) = 4.302653 / 1.732051 = 2.484138:
 * the interval is [-0.484, 4.484]. visible = 1 in each: half-width 0.
 */
static void terms_combine_on_replications(void **state)
{
    (void)state;
    lagsim_replicated_t *r = lagsim_replicated_create();
    assert_non_null(r);
    for (int i = 1; i <= 3; i++) {
        lagsim_summary_add(&r->figure[LAGSIM_FIG_VISIBLE_P99], (double)i);
        lagsim_summary_add(&r->figure[LAGSIM_FIG_VISIBLE_SHARE], 1.0);
    }
    assert_true(fabs(lagsim_summary_half_width(&r->figure[LAGSIM_FIG_VISIBLE_P99], 0.95) -
                     2.484138) < 1e-5);
    lagsim_slo_t slo;
    lagsim_error_t err;
    char why[256];
    static const struct {
        const char *expr;
        enum lagsim_verdict want;
        int holds; /* on the mean */
    } cases[] = {
        {"p99<=5s", H, 1},                    /* 4.484 <= 5 */
        {"p99<=4s", U, 1},                    /* 4.484 > 4 >= -0.484 */
        {"p99<=1s", U, 0},                    /* the mean misses, the low end meets it */
        {"p99 <= 0.5s, visible >= 99%", U, 0},
        {"visible >= 99%, p99 <= 4s", U, 1},
        {"p99 <= 4s, visible >= 100.5%", F, 0}, /* a failing term beats an undecided one */
        {"visible>=99%, p99<=5s", H, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        if (lagsim_parse_slo(cases[i].expr, &slo, &err) != LAGSIM_OK) {
            /* 100.5% is not a share: write the failing share term by hand. */
            assert_int_equal(lagsim_parse_slo("p99 <= 4s, visible >= 99%", &slo, &err),
                             LAGSIM_OK);
            slo.term[1].value = 1.005;
        }
        why[0] = '\0';
        const enum lagsim_verdict got = lagsim_slo_verdict(&slo, r, why, sizeof why);
        if (got != cases[i].want)
            fail_msg("%s: got %d, want %d (%s)", cases[i].expr, (int)got, (int)cases[i].want,
                     why);
        assert_int_equal(lagsim_slo_holds(&slo, r, NULL, 0), cases[i].holds);
        if (got == U)
            assert_non_null(strstr(why, "p99"));
    }
    lagsim_replicated_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(terms_against_hand_made_intervals),
        cmocka_unit_test(terms_combine_on_replications),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
