/*
 * cli_progress.c - what the command tells a person while and after it
 * runs, on stderr: a progress line for long runs, drawn only when stderr
 * is a terminal (a log or a pipe gets nothing), and the speed line at the
 * end. The library reports progress through lagsim_run_limits_t.progress;
 * it never prints.
 */
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define SHOW_AFTER 1.0 /* seconds of wall time before the line appears */
#define REDRAW 0.2     /* seconds between redraws */

double lsi_cli_wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void lsi_cli_progress_start(lsi_cli_progress_t *p, const char *label)
{
    const double now = lsi_cli_wall_now();
    if (p->start == 0) { /* the first start of the command */
        const char *env = getenv("LAGSIM_PROGRESS");
        p->enabled = isatty(STDERR_FILENO) || lsi_cli_dist_terminal() || env != NULL;
        /* LAGSIM_PROGRESS=SECONDS also sets when the line first appears. */
        char *end = NULL;
        const double after = env ? strtod(env, &end) : NAN;
        p->show_after = env && end != env && *end == '\0' && after >= 0 && after <= 3600
                            ? after
                            : SHOW_AFTER;
        p->start = now;
    }
    p->phase_start = now;
    p->last = 0;
    snprintf(p->label, sizeof p->label, "%s", label);
}

/* "1m 05s", "42 s": a short span for the progress line. */
static void fmt_span(double s, char *buf, size_t n)
{
    if (s < 60)
        snprintf(buf, n, "%.0f s", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm %02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, n, "%dh %02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

double lsi_cli_progress_eta(double elapsed, double fraction)
{
    if (!(fraction >= 0.01) || !(fraction < 1) || !(elapsed >= 0))
        return -1;
    return elapsed * (1 - fraction) / fraction;
}

void lsi_cli_progress(void *ctx, double fraction)
{
    lsi_cli_progress_t *p = ctx;
    if (!p->enabled)
        return;
    const double now = lsi_cli_wall_now();
    if (now - p->start < p->show_after || now - p->last < REDRAW)
        return;
    p->last = now;
    p->drawn = 1;
    char elapsed[32], eta[48] = "";
    fmt_span(now - p->start, elapsed, sizeof elapsed);
    const double left = lsi_cli_progress_eta(now - p->phase_start, fraction);
    if (left >= 0) {
        char span[32];
        fmt_span(left, span, sizeof span);
        snprintf(eta, sizeof eta, ", ETA %s", span);
    }
    fprintf(stderr, "\rlagsim: %s %3.0f%% (%s%s)\033[K", p->label, 100 * fraction, elapsed,
            eta);
    fflush(stderr);
}

void lsi_cli_progress_clear(lsi_cli_progress_t *p)
{
    if (p->drawn)
        fputs("\r\033[K", stderr);
    p->drawn = 0;
}

/* A rate for the speed line: whole numbers when large, 3 digits when small. */
static void print_rate(double x)
{
    if (x >= 100.0)
        fprintf(stderr, "%.0f", x);
    else
        fprintf(stderr, "%.3g", x);
}

void lsi_cli_print_speed(uint64_t events, double simulated, double wall)
{
    const double w = wall > 1e-9 ? wall : 1e-9;
    fprintf(stderr, "lagsim: %llu simulated events in %.3f s (", (unsigned long long)events, wall);
    print_rate((double)events / w);
    fputs(" events/s, ", stderr);
    print_rate(simulated / w);
    fputs(" simulated s per wall s)\n", stderr);
}
