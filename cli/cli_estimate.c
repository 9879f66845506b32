/*
 * cli_estimate.c - what a run will cost, said before it starts: fired
 * events per mode, the backlog's peak and the memory it needs, and the
 * wall time; and a warning when traffic.scale takes a scenario across
 * Mixpanel's rate limit (a scaled-down launch that never sees a 429).
 *
 * The figures come from the library's estimates (lagsim_scenario_*): the
 * expected number of fired events, the fluid backlog against the ingest
 * limit, the series' size and the peak utilisation of the limit. The run
 * time is fired events times LSI_CLI_SECONDS_PER_EVENT, shared among the
 * threads: an assumption measured on a 2-core machine (0.9 to 2.4 us of
 * CPU per fired event over configs/steady-state.ini and
 * configs/default.ini at traffic.scale 0.1, both modes; see
 * docs/performance.md), so the figure is an order of magnitude, not a
 * promise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define LSI_CLI_SECONDS_PER_EVENT 2.5e-6 /* wall seconds per fired event and thread */
#define ANNOUNCE_AFTER 2.0 /* seconds on one core: a run estimated longer is announced */

/* "7.92M", "36k", "512": three significant digits with an SI multiplier. */
static void fmt_count(double x, char *buf, size_t n)
{
    static const char *const si[] = {"", "k", "M", "G", "T", "P"};
    int i = 0;
    while (x >= 999.5 && i < 5) {
        x /= 1000;
        i++;
    }
    snprintf(buf, n, i ? "%.3g%s" : "%.0f%s", x, si[i]);
}

/* "1.3 GB", "420 MB", "12 kB". */
static void fmt_bytes(double b, char *buf, size_t n)
{
    if (b >= 1e9)
        snprintf(buf, n, "%.3g GB", b / 1e9);
    else if (b >= 1e6)
        snprintf(buf, n, "%.3g MB", b / 1e6);
    else
        snprintf(buf, n, "%.3g kB", b / 1e3);
}

/* "2.5 s", "3 min", "1.2 h". */
static void fmt_wall(double s, char *buf, size_t n)
{
    if (s < 90)
        snprintf(buf, n, "%.2g s", s);
    else if (s < 5400)
        snprintf(buf, n, "%.2g min", s / 60);
    else
        snprintf(buf, n, "%.2g h", s / 3600);
}

void lsi_cli_estimate(const lagsim_scenario_t *sc, double runs, unsigned threads,
                      lsi_cli_estimate_t *e)
{
    memset(e, 0, sizeof *e);
    e->events = lagsim_scenario_expected_events(sc);
    e->backlog = lagsim_scenario_backlog_estimate(sc, &e->backlog_at);
    e->memory = e->backlog * (double)lagsim_state_bytes_per_event() +
                lagsim_scenario_series_bytes(sc);
    unsigned modes = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        modes += (sc->mode_mask >> m) & 1u;
    e->modes = modes;
    const double parallel = threads < runs ? (double)threads : runs;
    e->cpu_seconds = e->events * LSI_CLI_SECONDS_PER_EVENT * runs;
    e->seconds = parallel > 0 ? e->cpu_seconds / parallel : 0;
}

void lsi_cli_estimate_text(const lsi_cli_estimate_t *e, char *buf, size_t n)
{
    char events[32], backlog[32], memory[32], wall[32], at[LAGSIM_DURATION_MAX];
    fmt_count(e->events, events, sizeof events);
    fmt_count(e->backlog, backlog, sizeof backlog);
    fmt_bytes(e->memory, memory, sizeof memory);
    fmt_wall(e->seconds, wall, sizeof wall);
    if (e->backlog > 0.5)
        snprintf(buf, n, "about %s events per mode, backlog peak about %s events at %s, "
                         "memory about %s, run time about %s",
                 events, backlog, lagsim_format_duration(at, sizeof at, e->backlog_at),
                 memory, wall);
    else
        snprintf(buf, n, "about %s events per mode, no backlog, memory about %s, run time "
                         "about %s", events, memory, wall);
}

void lsi_cli_estimate_announce(const lagsim_scenario_t *sc, double runs, unsigned threads)
{
    lsi_cli_estimate_t e;
    lsi_cli_estimate(sc, runs, threads, &e);
    lsi_cli_estimate_say(&e);
}

void lsi_cli_estimate_say(const lsi_cli_estimate_t *e_in)
{
    const lsi_cli_estimate_t e = *e_in;
    if (!(e.cpu_seconds > ANNOUNCE_AFTER)) /* on one core: the same on every machine */
        return;
    char text[256];
    lsi_cli_estimate_text(&e, text, sizeof text);
    fprintf(stderr, "lagsim: estimate: %s\n", text);
}

void lsi_cli_scale_warning(const lagsim_scenario_t *sc)
{
    if (sc->scale == 1)
        return;
    lagsim_scenario_t *unscaled = malloc(sizeof *unscaled);
    if (!unscaled)
        return;
    memcpy(unscaled, sc, sizeof *unscaled);
    unscaled->scale = 1;
    const double u1 = lagsim_scenario_peak_utilisation(unscaled);
    const double us = lagsim_scenario_peak_utilisation(sc);
    free(unscaled);
    if (isnan(u1) || isnan(us))
        return;
    char scale[32];
    snprintf(scale, sizeof scale, "%.6g", sc->scale);
    if (u1 >= 1 && us < 1)
        fprintf(stderr,
                "lagsim: warning: traffic.scale=%s takes the run out of its rate-limited "
                "regime: unscaled, the peak offered rate is %.3g times what Mixpanel "
                "accepts; scaled, %.3g times, so no 429s, backoff or backlog will show. "
                "Shorten the horizon instead, or scale the limits too\n",
                scale, u1, us);
    else if (u1 < 1 && us >= 1)
        fprintf(stderr,
                "lagsim: warning: traffic.scale=%s pushes the run into a rate-limited "
                "regime: unscaled, the peak offered rate is %.3g times what Mixpanel "
                "accepts; scaled, %.3g times\n",
                scale, u1, us);
}
