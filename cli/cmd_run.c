/*
 * cmd_run.c - "lagsim run SCENARIO ..." and "lagsim compare SCENARIO ...":
 * loads the scenario, runs each selected mode (its replications), writes
 * the report (text or JSON; compare adds the paired differences between
 * modes) to stdout or --out, then one line on stderr telling how fast it
 * ran.
 *
 * Exit status: 0 success; 1 if a run failed, the output could not be
 * written, or a run lost track of an event (conservation failed: the
 * results are still written, then a loud error); 2 for usage and
 * scenario errors.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define ALL_RUN_OPTS \
    (LSI_CLI_OPT_MODE | LSI_CLI_OPT_SEED | LSI_CLI_OPT_SET | LSI_CLI_OPT_FORMAT | \
     LSI_CLI_OPT_OUT | LSI_CLI_OPT_LIMITS | LSI_CLI_OPT_REPS | LSI_CLI_OPT_SLO | \
     LSI_CLI_OPT_SERIES)

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A rate for the speed line: whole numbers when large, 3 digits when small. */
static void print_rate(double x)
{
    if (x >= 100.0)
        fprintf(stderr, "%.0f", x);
    else
        fprintf(stderr, "%.3g", x);
}

/* "lagsim: N simulated events in W s (X events/s, Y simulated s per wall s)". */
static void print_speed(const lagsim_result_t *const results[LAGSIM_MODE_COUNT], double wall)
{
    uint64_t events = 0;
    double simulated = 0; /* seconds of simulated time, all modes */
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!results[m])
            continue;
        events += results[m]->sim_events;
        simulated += (double)results[m]->end_time / (double)LAGSIM_SEC;
    }
    const double w = wall > 1e-9 ? wall : 1e-9;
    fprintf(stderr, "lagsim: %llu simulated events in %.3f s (", (unsigned long long)events, wall);
    print_rate((double)events / w);
    fputs(" events/s, ", stderr);
    print_rate(simulated / w);
    fputs(" simulated s per wall s)\n", stderr);
}

/*
 * Refuses, before anything runs, a scenario that would fire more events
 * than --max-events or build a backlog needing more than --max-memory.
 * Returns an exit status.
 */
static int check_limits(const lagsim_scenario_t *sc, const lsi_cli_opts_t *o)
{
    const double events = lagsim_scenario_expected_events(sc);
    if (events > (double)o->max_events) {
        fprintf(stderr,
                "lagsim: the scenario would fire about %.3g events per mode (base_rate and "
                "bursts over the horizon), more than --max-events=%.3g; shorten the horizon, "
                "lower the rates, or raise --max-events\n",
                events, (double)o->max_events);
        return LSI_CLI_EXIT_USAGE;
    }
    lagsim_time_t at;
    const double backlog = lagsim_scenario_backlog_estimate(sc, &at);
    const double bytes = backlog * (double)lagsim_state_bytes_per_event();
    if (bytes > (double)o->max_memory) {
        char when[LAGSIM_DURATION_MAX];
        fprintf(stderr,
                "lagsim: the scenario's bursts would build a backlog of about %.3g events "
                "(about %.3g GB of state) by %s, offered faster than Mixpanel's ingest_limit "
                "accepts them; more than --max-memory=%.3g GB; shorten or lower the bursts, "
                "raise [mixpanel] ingest_limit, or raise --max-memory\n",
                backlog, bytes / 1e9, lagsim_format_duration(when, sizeof when, at),
                (double)o->max_memory / 1e9);
        return LSI_CLI_EXIT_USAGE;
    }
    const double series = lagsim_scenario_series_bytes(sc);
    if (series > (double)o->max_memory) {
        fprintf(stderr,
                "lagsim: the Event Delivery series would need up to %.3g GB (one window per "
                "[scenario] series_window over the horizon and the drain limit), more than "
                "--max-memory=%.3g GB; raise series_window, shorten the run, or raise "
                "--max-memory\n",
                series / 1e9, (double)o->max_memory / 1e9);
        return LSI_CLI_EXIT_USAGE;
    }
    return LSI_CLI_EXIT_OK;
}

/* --series FILE: the Event Delivery series of every mode that ran, as
 * CSV, finished atomically like --out (opened before the runs, so a bad
 * path fails early). Returns an exit status. */
static int write_series(lsi_cli_output_t *series,
                        const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    if (!series->f)
        return LSI_CLI_EXIT_OK;
    const int rc = lagsim_report_series_csv(series->f, results);
    int status = lsi_cli_output_close(series, rc == LAGSIM_OK);
    if (rc != LAGSIM_OK && status == LSI_CLI_EXIT_OK) {
        fprintf(stderr, "lagsim: cannot write the series: %s\n", lagsim_strerror(rc));
        status = LSI_CLI_EXIT_FAILURE;
    }
    return status;
}

/* run and compare: load, check limits, run each mode's replications,
 * report. `compare` defaults to cloud,device with 5 replications and adds
 * the paired differences. */
static int run_modes(int argc, char **argv, const char *cmd)
{
    const int compare = strcmp(cmd, "compare") == 0;
    lsi_cli_opts_t o;
    lagsim_scenario_t *sc = NULL;
    lagsim_replicated_t *reps[LAGSIM_MODE_COUNT] = {NULL};
    const lagsim_result_t *results[LAGSIM_MODE_COUNT] = {NULL}; /* pooled, per mode */
    lsi_cli_output_t out = {NULL, NULL, NULL};
    lsi_cli_output_t series = {NULL, NULL, NULL}; /* --series */
    unsigned conserve_failed = 0; /* modes whose conservation check failed */
    double wall = 0;              /* seconds spent in lagsim_run() */
    int limit_hit = 0;            /* a run stopped at --max-memory or stuck */

    int status = lsi_cli_parse(argc, argv, cmd, ALL_RUN_OPTS, &o);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    if (o.help) {
        lsi_cli_help(stdout, cmd);
        goto done;
    }
    if (compare && !o.reps_given)
        o.reps = 5;
    status = lsi_cli_scenario_load(&o, &sc);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    if (o.has_seed)
        sc->seed = o.seed;
    if (o.mode_mask)
        sc->mode_mask = o.mode_mask;
    else if (compare)
        sc->mode_mask = (1u << LAGSIM_MODE_CLOUD) | (1u << LAGSIM_MODE_DEVICE);

    status = check_limits(sc, &o);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    const lagsim_run_limits_t limits = {.max_memory = o.max_memory,
                                        .interrupt = lsi_cli_signals_install()};

    /* Open the output first, so that a bad --out fails before the runs. */
    status = lsi_cli_output_open(&out, o.out);
    if (status == LSI_CLI_EXIT_OK && o.series)
        status = lsi_cli_output_open(&series, o.series);
    if (status != LSI_CLI_EXIT_OK)
        goto done;

    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sc->mode_mask & (1u << m)))
            continue;
        const enum lagsim_mode mode = (enum lagsim_mode)m;
        reps[m] = lagsim_replicated_create();
        if (!reps[m]) {
            fputs("lagsim: out of memory\n", stderr);
            status = LSI_CLI_EXIT_FAILURE;
            goto done;
        }
        results[m] = reps[m]->pooled;
        const double t0 = wall_now();
        int rc = lagsim_run_replications(sc, mode, o.reps, o.threads, &limits, reps[m]);
        wall += wall_now() - t0;
        if (rc == LAGSIM_EINTR)
            rc = LAGSIM_OK; /* replications never started: the signal is reported below */
        if (results[m]->partial == LAGSIM_STOP_MEMORY) {
            fprintf(stderr, "lagsim: the %s-mode run stopped when its state passed "
                            "--max-memory=%.3g GB; its results are partial (raise "
                            "--max-memory, or shorten the backlog: lower bursts, a higher "
                            "ingest_limit)\n",
                    lagsim_mode_name(mode), (double)o.max_memory / 1e9);
            limit_hit = 1;
        } else if (results[m]->partial == LAGSIM_STOP_STUCK) {
            fprintf(stderr, "lagsim: the %s-mode run stopped: more than ten million requests "
                            "at one simulated instant, a zero-delay retry loop; give the "
                            "network, Mixpanel's response_time or the backoff a non-zero "
                            "delay\n",
                    lagsim_mode_name(mode));
            limit_hit = 1;
        }
        if (rc == LAGSIM_ECONSERVE) {
            conserve_failed |= 1u << m;
        } else if (rc != LAGSIM_OK) {
            fprintf(stderr, "lagsim: the %s-mode run failed: %s\n", lagsim_mode_name(mode),
                    lagsim_strerror(rc));
            status = LSI_CLI_EXIT_FAILURE;
            goto done;
        }
        if (lsi_cli_signal_caught())
            break; /* report what ran so far */
    }

    const lagsim_result_t *const *shown = results;
    const lagsim_replicated_t *const *summaries = (const lagsim_replicated_t *const *)reps;
    int rc;
    if (compare)
        rc = o.format == LSI_CLI_FORMAT_JSON ? lagsim_report_json_compare(out.f, sc, summaries)
                                             : lagsim_report_text_compare(out.f, sc, summaries);
    else if (o.reps > 1)
        rc = o.format == LSI_CLI_FORMAT_JSON ? lagsim_report_json_replicated(out.f, sc, summaries)
                                             : lagsim_report_text_replicated(out.f, sc, summaries);
    else
        rc = o.format == LSI_CLI_FORMAT_JSON ? lagsim_report_json(out.f, sc, shown)
                                             : lagsim_report_text(out.f, sc, shown);
    status = lsi_cli_output_close(&out, rc == LAGSIM_OK);
    if (rc != LAGSIM_OK && status == LSI_CLI_EXIT_OK) {
        fprintf(stderr, "lagsim: cannot write the report: %s\n", lagsim_strerror(rc));
        status = LSI_CLI_EXIT_FAILURE;
    }
    if (status == LSI_CLI_EXIT_OK)
        status = write_series(&series, shown);
    if (status == LSI_CLI_EXIT_OK)
        print_speed(shown, wall);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (conserve_failed & (1u << m))
            fprintf(stderr,
                    "lagsim: ERROR: CONSERVATION FAILED in %s mode: fired != visible + dropped "
                    "+ in flight. This is a bug in lagsim; the results above cannot be trusted.\n",
                    lagsim_mode_name((enum lagsim_mode)m));
    if (conserve_failed)
        status = LSI_CLI_EXIT_FAILURE;
    if (status == LSI_CLI_EXIT_OK && limit_hit)
        status = LSI_CLI_EXIT_USAGE;
    if (status == LSI_CLI_EXIT_OK && o.has_slo && !lsi_cli_signal_caught()) {
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            char why[160];
            if (lagsim_slo_holds(&o.slo, reps[m], why, sizeof why)) {
                fprintf(stderr, "lagsim: SLO met in %s mode\n", lagsim_mode_name((enum lagsim_mode)m));
            } else {
                fprintf(stderr, "lagsim: SLO NOT met in %s mode (%s)\n",
                        lagsim_mode_name((enum lagsim_mode)m), why);
                status = LSI_CLI_EXIT_SLO;
            }
        }
    }
    if (status == LSI_CLI_EXIT_OK && lsi_cli_signal_caught()) {
        fprintf(stderr, "lagsim: stopped by %s; the results above are partial\n",
                lsi_cli_signal_caught() == SIGTERM ? "SIGTERM" : "SIGINT");
        status = lsi_cli_signal_caught() == SIGTERM ? LSI_CLI_EXIT_SIGTERM : LSI_CLI_EXIT_SIGINT;
    }

done:
    lsi_cli_output_close(&out, 0); /* after a failure: removes the temporary file */
    lsi_cli_output_close(&series, 0);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        lagsim_replicated_destroy(reps[m]);
    free(sc);
    lsi_cli_opts_free(&o);
    return status;
}

int lsi_cli_cmd_run(int argc, char **argv)
{
    return run_modes(argc, argv, "run");
}

int lsi_cli_cmd_compare(int argc, char **argv)
{
    return run_modes(argc, argv, "compare");
}
