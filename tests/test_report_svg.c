/*
 * test_report_svg.c - unit tests of the HTML reports' SVG writer
 * (lib/report/report_svg.c, report_figure.c, report_html.c): data mapped
 * to pixels on linear and log axes, tick choice, labels, escaping,
 * coordinates as written, the points of a line in a plot frame, and the
 * human units of the tables. Every expected value is worked out by hand
 * in the comment beside it.
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
#include "report/report_svg.h"

/* What `fn` writes for a double, as a string. */
static char *num_text(double x)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lsi_svg_num(f, x);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static void test_num(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *want;
    } cases[] = {
        {3.0, "3"},        /* whole: no decimals */
        {1.25, "1.3"},     /* round(12.5) = 13 -> 1.3 */
        {-2.56, "-2.6"},   /* round(-25.6) = -26 */
        {-0.04, "0"},      /* rounds to -0.0: written as 0 */
        {123456.78, "123456.8"},
        {1.0 / 0.0, "0"},  /* not finite: 0, never "inf" */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = num_text(cases[i].x);
        assert_string_equal(s, cases[i].want);
        free(s);
    }
}

/* cmocka's assert_near() compares floats; these values need doubles. */
#define assert_near(a, b, eps) assert_near_at((a), (b), (eps), __FILE__, __LINE__)
static void assert_near_at(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("%s:%d: %.17g is not within %g of %.17g", file, line, a, eps, b);
}

static void test_map_linear(void **state)
{
    (void)state;
    /* x: 0..10 onto 80..840 (760 px): 2.5 -> 80 + 0.25 * 760 = 270. */
    const lsi_svg_axis_t x = {0, 10, 80, 840, 0};
    assert_near(lsi_svg_map(&x, 2.5), 270, 1e-9);
    assert_near(lsi_svg_map(&x, 0), 80, 1e-9);
    assert_near(lsi_svg_map(&x, 10), 840, 1e-9);
    assert_near(lsi_svg_map(&x, -5), 80, 1e-9);  /* clamped */
    assert_near(lsi_svg_map(&x, 99), 840, 1e-9); /* clamped */
    /* y: 0..1 onto 316 (bottom) .. 36 (top): 0.25 -> 316 - 0.25 * 280 = 246. */
    const lsi_svg_axis_t y = {0, 1, 316, 36, 0};
    assert_near(lsi_svg_map(&y, 0.25), 246, 1e-9);
    /* An empty range maps everything to px0. */
    const lsi_svg_axis_t e = {5, 5, 10, 20, 0};
    assert_near(lsi_svg_map(&e, 5), 10, 1e-9);
}

static void test_map_log(void **state)
{
    (void)state;
    /* 0.01 .. 100 s is 4 decades onto 100..500: 100 px a decade. */
    const lsi_svg_axis_t a = {0.01, 100, 100, 500, 1};
    assert_near(lsi_svg_map(&a, 1), 300, 1e-9);    /* 2 decades in */
    assert_near(lsi_svg_map(&a, 0.1), 200, 1e-9);  /* 1 decade in */
    assert_near(lsi_svg_map(&a, 10), 400, 1e-9);
    assert_near(lsi_svg_map(&a, 1000), 500, 1e-9); /* clamped */
    assert_near(lsi_svg_map(&a, 0), 100, 1e-9);    /* <= 0: the low end */
    /* sqrt(10) is half a decade past 1: 350. */
    assert_near(lsi_svg_map(&a, 3.16227766016838), 350, 1e-6);
}

static void test_linear_ticks(void **state)
{
    (void)state;
    double t[32];
    /* 0..10, at most 6: step 1 gives 11, step 2 gives 0 2 4 6 8 10. */
    size_t n = lsi_svg_linear_ticks(0, 10, 6, t, 32);
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_near(t[i], 2.0 * (double)i, 1e-9);
    /* 0..1, at most 6: step 0.2, 0 .. 1. */
    n = lsi_svg_linear_ticks(0, 1, 6, t, 32);
    assert_int_equal(n, 6);
    assert_near(t[1], 0.2, 1e-12);
    assert_near(t[5], 1.0, 1e-12);
    /* 13..87, at most 8: span 74, step 10 gives 20 30 ... 80 (7 ticks). */
    n = lsi_svg_linear_ticks(13, 87, 8, t, 32);
    assert_int_equal(n, 7);
    assert_near(t[0], 20, 1e-9);
    assert_near(t[6], 80, 1e-9);
    /* -1..1, at most 5: step 0.5 gives -1 -0.5 0 0.5 1. */
    n = lsi_svg_linear_ticks(-1, 1, 5, t, 32);
    assert_int_equal(n, 5);
    assert_near(t[2], 0, 1e-12);
    /* Nothing for an empty or reversed range. */
    assert_int_equal(lsi_svg_linear_ticks(3, 3, 6, t, 32), 0);
    assert_int_equal(lsi_svg_linear_ticks(4, 3, 6, t, 32), 0);
}

static void test_time_ticks(void **state)
{
    (void)state;
    double t[32];
    /* 10ms .. 1000s: 10ms 100ms 1s 10s 1m 10m. */
    size_t n = lsi_svg_time_ticks(0.01, 1000, t, 32);
    static const double want[] = {0.01, 0.1, 1, 10, 60, 600};
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_near(t[i], want[i], 1e-12);
    /* 1..100 s holds only 1s 10s 1m of the main ladder (< 4): the finer
     * one, 1 2 5 10 30 60. */
    n = lsi_svg_time_ticks(1, 100, t, 32);
    static const double fine[] = {1, 2, 5, 10, 30, 60};
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++)
        assert_near(t[i], fine[i], 1e-12);
}

static void test_labels(void **state)
{
    (void)state;
    char b[32];
    lsi_svg_time_label(b, sizeof b, 0.001);
    assert_string_equal(b, "1ms");
    lsi_svg_time_label(b, sizeof b, 0.25);
    assert_string_equal(b, "250ms");
    lsi_svg_time_label(b, sizeof b, 10);
    assert_string_equal(b, "10s");
    lsi_svg_time_label(b, sizeof b, 60);
    assert_string_equal(b, "1m");
    lsi_svg_time_label(b, sizeof b, 90);
    assert_string_equal(b, "1m 30s");
    lsi_svg_time_label(b, sizeof b, 3600);
    assert_string_equal(b, "1h");
    lsi_svg_time_label(b, sizeof b, 5400);
    assert_string_equal(b, "1h 30m");
    lsi_svg_time_label(b, sizeof b, 86400);
    assert_string_equal(b, "1d");
    lsi_svg_count_label(b, sizeof b, 950);
    assert_string_equal(b, "950");
    lsi_svg_count_label(b, sizeof b, 1500);
    assert_string_equal(b, "1.5k");
    lsi_svg_count_label(b, sizeof b, 2500000);
    assert_string_equal(b, "2.5M");
}

static void test_escape(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lsi_html_escape(f, "<a&\"'>");
    assert_int_equal(fclose(f), 0);
    assert_string_equal(buf, "&lt;a&amp;&quot;&#39;&gt;");
    free(buf);
}

/* A line in a frame of 880 x 380: plot x 80..840, y 316 (bottom) .. 36. */
static void test_line_in_frame(void **state)
{
    (void)state;
    lsi_fig_t fig;
    lsi_fig_init(&fig, "t", "T", "x", "y", 880, 380);
    fig.xhi = 10;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lsi_fig_begin(f, &fig);
    const long mark = ftell(f);
    /* (0, 0) -> (80, 316); (5, 0.5) -> (80 + 380, 316 - 140) = (460, 176);
     * (10, 1) -> (840, 36). */
    const double x[] = {0, 5, 10}, y[] = {0, 0.5, 1};
    lsi_fig_line(f, &fig, x, y, 3, "#0072B2", NULL, 0);
    /* As steps: each value held to the next x. */
    lsi_fig_line(f, &fig, x, y, 3, "#D55E00", "6 4", 1);
    /* A gap (NAN) ends one polyline and starts another. */
    const double yg[] = {0, NAN, 1};
    lsi_fig_line(f, &fig, x, yg, 3, "#000000", NULL, 0);
    lsi_fig_end(f, &fig);
    assert_int_equal(fclose(f), 0);
    const char *lines = buf + mark;
    assert_non_null(strstr(lines, "stroke=\"#0072B2\" stroke-width=\"2\" "
                                  "points=\"80,316 460,176 840,36\"/>"));
    assert_non_null(strstr(lines, "stroke-dasharray=\"6 4\" "
                                  "points=\"80,316 460,316 460,176 840,176 840,36\"/>"));
    assert_non_null(strstr(lines, "points=\"80,316\"/>"));
    assert_non_null(strstr(lines, "points=\"840,36\"/>"));
    /* The frame: an svg with its id, title and a viewBox of the size. */
    assert_non_null(strstr(buf, "<svg id=\"t\" xmlns=\"http://www.w3.org/2000/svg\" "
                                "viewBox=\"0 0 880 380\""));
    assert_non_null(strstr(buf, "<title id=\"t-t\">T</title>"));
    /* Gridlines at the x ticks 0 2 4 ... 10: x = 80 + 76 k. */
    assert_non_null(strstr(buf, "<line x1=\"232\" y1=\"36\" x2=\"232\" y2=\"316\" class=\"grid\"/>"));
    free(buf);
}

static void test_rect_and_span(void **state)
{
    (void)state;
    lsi_fig_t fig;
    lsi_fig_init(&fig, "r", "R", "x", "y", 880, 380);
    fig.xhi = 10;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    lsi_fig_begin(f, &fig);
    /* (2, 0.25)..(4, 0.75): x 232..384, y 246..106 -> y 106, height 140. */
    lsi_fig_rect(f, &fig, 2, 0.25, 4, 0.75, "#009E73", NULL);
    /* a span 5..6 over the whole plot: x 460, width 76, y 36, height 280 */
    lsi_fig_span(f, &fig, 5, 6, "burst", "#E69F00");
    assert_int_equal(fclose(f), 0);
    assert_non_null(strstr(buf, "<rect x=\"232\" y=\"106\" width=\"152\" height=\"140\" "
                                "fill=\"#009E73\"/>"));
    assert_non_null(strstr(buf, "<rect x=\"460\" y=\"36\" width=\"76\" height=\"280\" "
                                "fill=\"#E69F00\" fill-opacity=\"0.15\"/>"));
    free(buf);
}

static void test_human_units(void **state)
{
    (void)state;
    char b[96];
    lsi_human_count(b, sizeof b, 1234567);
    assert_string_equal(b, "1,234,567");
    lsi_human_count(b, sizeof b, -2558.4);
    assert_string_equal(b, "-2,558");
    lsi_human_count(b, sizeof b, 999);
    assert_string_equal(b, "999");
    /* 181 s +- 110 s, as the text tables write durations. */
    lsi_human_mean_hw(b, sizeof b, 181, 110, 5, 1);
    assert_string_equal(b, "3m 01s ± 1m 50s");
    /* A count: 10,907 +- 1,214 (no scientific notation). */
    lsi_human_mean_hw(b, sizeof b, 10907.3, 1213.6, 5, 0);
    assert_string_equal(b, "10,907 ± 1,214");
    /* A share: 99.5% +- 0.2%. */
    lsi_human_mean_hw(b, sizeof b, 0.995, 0.002, 5, 2);
    assert_string_equal(b, "99.5% ± 0.2%");
    /* One replication: no half-width. */
    lsi_human_mean_hw(b, sizeof b, 42.5, NAN, 1, 1);
    assert_string_equal(b, "42.5s");
    lsi_human_mean_hw(b, sizeof b, 0, 0, 0, 1);
    assert_string_equal(b, "-");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num),          cmocka_unit_test(test_map_linear),
        cmocka_unit_test(test_map_log),      cmocka_unit_test(test_linear_ticks),
        cmocka_unit_test(test_time_ticks),   cmocka_unit_test(test_labels),
        cmocka_unit_test(test_escape),       cmocka_unit_test(test_line_in_frame),
        cmocka_unit_test(test_rect_and_span), cmocka_unit_test(test_human_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
