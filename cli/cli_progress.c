/*
 * cli_progress.c - what the command tells a person while and after it
 * runs, on stderr: a progress line for long runs, drawn only when stderr
 * is a terminal (a log or a pipe gets nothing), and the speed line at the
 * end. The library reports progress through lagsim_run_limits_t.progress;
 * it never prints.
 */
#include <stdio.h>
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
    if (p->start == 0) { /* the first start of the command */
        p->enabled = isatty(STDERR_FILENO) || lsi_cli_dist_terminal();
        p->start = lsi_cli_wall_now();
    }
    p->last = 0;
    snprintf(p->label, sizeof p->label, "%s", label);
}

void lsi_cli_progress(void *ctx, double fraction)
{
    lsi_cli_progress_t *p = ctx;
    if (!p->enabled)
        return;
    const double now = lsi_cli_wall_now();
    if (now - p->start < SHOW_AFTER || now - p->last < REDRAW)
        return;
    p->last = now;
    p->drawn = 1;
    fprintf(stderr, "\rlagsim: %s %3.0f%% (%.0f s)\033[K", p->label, 100 * fraction,
            now - p->start);
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
