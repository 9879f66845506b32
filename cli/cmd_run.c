/*
 * cmd_run.c - "lagsim run SCENARIO ..." and "lagsim compare SCENARIO ...":
 * loads the scenario, runs each selected mode's replications (a fixed
 * number, or as many as --precision needs, the modes kept paired), writes
 * the report (text, JSON or CSV, with its manifest; compare adds the
 * paired differences between modes) to stdout or --out, the histograms to
 * --hist, then one line on stderr telling how fast it ran.
 *
 * Exit status: 0 success; 1 if a run failed, the output could not be
 * written, or a run lost track of an event (conservation failed: the
 * results are still written, then a loud error); 2 for usage and
 * scenario errors (a scenario over --max-events or --max-memory up front
 * included); 3 an --slo not met; 4 a run stopped by a limit while it ran
 * (partial results printed); 129/130/143 stopped by a signal (what ran is
 * printed; a mode or replication that did not start is left out).
 */
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define ALL_RUN_OPTS \
    (LSI_CLI_OPT_MODE | LSI_CLI_OPT_SEED | LSI_CLI_OPT_SET | LSI_CLI_OPT_FORMAT | \
     LSI_CLI_OPT_OUT | LSI_CLI_OPT_LIMITS | LSI_CLI_OPT_REPS | LSI_CLI_OPT_SLO | \
     LSI_CLI_OPT_PRECISION | LSI_CLI_OPT_HIST | LSI_CLI_OPT_ASCII | \
     LSI_CLI_OPT_SERIES | LSI_CLI_OPT_CSV)

/*
 * Runs every mode to the precision asked, all modes in one group so they
 * keep the same replications (compare pairs them). Says on stderr how
 * many replications it took. Returns the library's status.
 */
static int run_to_precision(const lagsim_scenario_t *sc, const lsi_cli_opts_t *o,
                            const lagsim_manifest_t *man, const lagsim_run_limits_t *limits,
                            lagsim_replicated_t *reps[LAGSIM_MODE_COUNT])
{
    lagsim_batch_job_t jobs[LAGSIM_MODE_COUNT];
    size_t n = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (reps[m])
            jobs[n++] = (lagsim_batch_job_t){sc, (enum lagsim_mode)m, 0, 0, reps[m]};
    const lagsim_precision_t p = {man->precision, man->pilot, man->max_reps};
    const int rc = lagsim_run_to_precision(jobs, n, &p, o->threads, limits);
    if (rc != LAGSIM_OK && rc != LAGSIM_ECONSERVE)
        return rc;
    double worst = 0;
    enum lagsim_figure wf = LAGSIM_FIG_COUNT;
    for (size_t i = 0; i < n; i++) {
        enum lagsim_figure f;
        const double x = lagsim_replicated_precision(reps[jobs[i].mode], &f);
        if (x > worst || wf == LAGSIM_FIG_COUNT) {
            worst = x;
            wf = f;
        }
    }
    const uint32_t took = n ? reps[jobs[0].mode]->reps : 0;
    if (worst <= p.relative)
        fprintf(stderr, "lagsim: precision %.4g%% reached with %u replications per mode "
                        "(widest half-width: %s, %.2g%% of its mean)\n",
                100 * p.relative, took, wf == LAGSIM_FIG_COUNT ? "none" : lagsim_figure_name(wf),
                100 * worst);
    else
        fprintf(stderr, "lagsim: precision %.4g%% NOT reached: stopped at the cap of %u "
                        "replications (widest half-width: %s, %.2g%% of its mean)\n",
                100 * p.relative, took, lagsim_figure_name(wf), 100 * worst);
    return rc;
}

/* Writes the histograms' CSV to --hist, atomically. Returns an exit status. */
static int write_hist(const lsi_cli_opts_t *o, lsi_cli_output_t *hist,
                      const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                      const lagsim_manifest_t *man)
{
    const int rc = lagsim_report_hist_csv(hist->f, reps, man);
    const int status = lsi_cli_output_close(hist, rc == LAGSIM_OK);
    if (rc != LAGSIM_OK && status == LSI_CLI_EXIT_OK) {
        fprintf(stderr, "lagsim: cannot write %s: %s\n", o->hist, lagsim_strerror(rc));
        return LSI_CLI_EXIT_FAILURE;
    }
    return status;
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
    lsi_cli_output_t out = {0}, hist = {0};
    lsi_cli_output_t series = {0}; /* --series */
    lsi_cli_progress_t progress;
    memset(&progress, 0, sizeof progress);
    lagsim_manifest_t man;
    char *command = NULL;
    unsigned conserve_failed = 0; /* modes whose conservation check failed */
    double wall = 0;              /* seconds spent running */
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
    if (compare && !o.mode_mask) /* compare: both modes unless --modes says */
        sc->mode_mask = (1u << LAGSIM_MODE_CLOUD) | (1u << LAGSIM_MODE_DEVICE);

    status = lsi_cli_check_limits(sc, &o);
    if (status == LSI_CLI_EXIT_OK) {
        unsigned modes = 0;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            modes += (sc->mode_mask >> m) & 1u;
        /* With --precision, the pilot's replications at least. */
        const double each = o.precision > 0 ? (double)LAGSIM_PRECISION_PILOT : (double)o.reps;
        lsi_cli_estimate_announce(sc, modes * each, o.threads);
        status = lsi_cli_manifest(cmd, argc, argv, &o, sc, &man, &command);
    }
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    const lagsim_run_limits_t limits = {.max_memory = o.max_memory,
                                        .interrupt = lsi_cli_signals_install(),
                                        .progress = lsi_cli_progress,
                                        .progress_ctx = &progress,
                                        .executor = lsi_cli_executor()};

    /* Open the outputs first, so that a bad --out or --hist fails before the runs. */
    status = lsi_cli_output_open(&out, o.out);
    if (status == LSI_CLI_EXIT_OK && o.hist)
        status = lsi_cli_output_open(&hist, o.hist);
    if (status == LSI_CLI_EXIT_OK && o.series)
        status = lsi_cli_output_open(&series, o.series);
    if (status != LSI_CLI_EXIT_OK)
        goto done;

    /* Modes run one after the other (with --precision, together); a mode
     * that a signal kept from starting is left out of the report. */
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sc->mode_mask & (1u << m)))
            continue;
        if (!(reps[m] = lagsim_replicated_create())) {
            fputs("lagsim: out of memory\n", stderr);
            status = LSI_CLI_EXIT_FAILURE;
            goto done;
        }
    }
    int rc = LAGSIM_OK;
    const double t0 = lsi_cli_wall_now();
    if (o.precision > 0) {
        lsi_cli_progress_start(&progress, "replications");
        rc = run_to_precision(sc, &o, &man, &limits, reps);
        if (rc == LAGSIM_ECONSERVE)
            for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
                if (reps[m] && !reps[m]->pooled->conserved)
                    conserve_failed |= 1u << m;
    } else if (lsi_cli_signal_caught()) { /* nothing ran: nothing to report */
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            lagsim_replicated_destroy(reps[m]);
            reps[m] = NULL;
        }
    } else {
        /* Every mode's replications in one batch, so that the modes run
         * side by side on the threads (each run is the same whichever
         * thread runs it, and each mode's results are pooled apart). */
        lagsim_batch_job_t jobs[LAGSIM_MODE_COUNT];
        size_t n = 0;
        char label[64] = "";
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            jobs[n++] = (lagsim_batch_job_t){sc, (enum lagsim_mode)m, o.reps, 0, reps[m]};
            snprintf(label + strlen(label), sizeof label - strlen(label), "%s%s",
                     n > 1 ? "+" : "", lagsim_mode_name((enum lagsim_mode)m));
        }
        snprintf(label + strlen(label), sizeof label - strlen(label), n > 1 ? " modes" : " mode");
        lsi_cli_progress_start(&progress, label);
        rc = lagsim_run_batch(jobs, n, o.threads, &limits);
        if (rc == LAGSIM_ECONSERVE)
            for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
                if (reps[m] && !reps[m]->pooled->conserved)
                    conserve_failed |= 1u << m;
        if (rc == LAGSIM_ECONSERVE)
            rc = LAGSIM_OK;
        /* A mode that a signal kept from starting is left out of the
         * report: none of its replications ran (their rows stay NAN). */
        for (int m = 0; m < LAGSIM_MODE_COUNT && lsi_cli_signal_caught(); m++) {
            int ran = 0;
            for (uint32_t i = 0; reps[m] && i < reps[m]->reps; i++)
                ran |= !isnan(reps[m]->values[(size_t)i * LAGSIM_FIG_COUNT + LAGSIM_FIG_DROPPED]);
            if (reps[m] && !ran) {
                lagsim_replicated_destroy(reps[m]);
                reps[m] = NULL;
            }
        }
    }
    wall = lsi_cli_wall_now() - t0;
    lsi_cli_progress_clear(&progress);
    if (lsi_cli_replay_verify(sc) != LSI_CLI_EXIT_OK) { /* a CSV changed under the run */
        status = LSI_CLI_EXIT_FAILURE;
        goto done;
    }
    if (rc == LAGSIM_EINTR || rc == LAGSIM_ECONSERVE)
        rc = LAGSIM_OK; /* a signal is reported below; conservation after the report */
    if (rc != LAGSIM_OK) {
        fprintf(stderr, "lagsim: the run failed: %s\n", lagsim_strerror(rc));
        status = LSI_CLI_EXIT_FAILURE;
        goto done;
    }
    /* A mode an interrupt kept from starting is left out of every format,
     * never shown as a run that fired nothing. */
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (reps[m] && reps[m]->reps == 0) {
            lagsim_replicated_destroy(reps[m]);
            reps[m] = NULL;
        }
    uint64_t events = 0;
    double simulated = 0;
    man.replications = 0; /* those that ran (fewer than asked after a signal) */
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        limit_hit |= lsi_cli_explain_partial(reps[m]->pooled, (enum lagsim_mode)m, &o);
        if (reps[m]->reps > man.replications)
            man.replications = reps[m]->reps;
        events += reps[m]->pooled->sim_events;
        simulated += (double)reps[m]->pooled->end_time / (double)LAGSIM_SEC;
    }

    const lagsim_replicated_t *const *summaries = (const lagsim_replicated_t *const *)reps;
    const lagsim_result_t *pooled[LAGSIM_MODE_COUNT] = {NULL};
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        pooled[m] = reps[m] ? reps[m]->pooled : NULL;
    const lagsim_report_opts_t ropts = lsi_cli_report_opts(&o, &man);
    rc = lagsim_report_results(out.f, sc, summaries, compare, &ropts);
    status = lsi_cli_output_close(&out, rc == LAGSIM_OK);
    if (rc != LAGSIM_OK && status == LSI_CLI_EXIT_OK) {
        fprintf(stderr, "lagsim: cannot write the report: %s\n", lagsim_strerror(rc));
        status = LSI_CLI_EXIT_FAILURE;
    }
    if (status == LSI_CLI_EXIT_OK && o.hist)
        status = write_hist(&o, &hist, summaries, &man);
    if (status == LSI_CLI_EXIT_OK)
        status = write_series(&series, pooled);
    if (status == LSI_CLI_EXIT_OK)
        lsi_cli_print_speed(events, simulated, wall);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (conserve_failed & (1u << m))
            fprintf(stderr,
                    "lagsim: ERROR: CONSERVATION FAILED in %s mode: fired != visible + dropped "
                    "+ in flight. This is a bug in lagsim; the results above cannot be trusted.\n",
                    lagsim_mode_name((enum lagsim_mode)m));
    if (conserve_failed)
        status = LSI_CLI_EXIT_FAILURE;
    if (status == LSI_CLI_EXIT_OK && limit_hit)
        status = LSI_CLI_EXIT_LIMIT;
    if (status == LSI_CLI_EXIT_OK && o.has_slo && !lsi_cli_signal_caught()) {
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            char why[160];
            if (lagsim_slo_holds(&o.slo, reps[m], why, sizeof why)) {
                char unsure[256];
                if (lagsim_slo_verdict(&o.slo, reps[m], unsure, sizeof unsure) ==
                    LAGSIM_VERDICT_UNDECIDED)
                    fprintf(stderr, "lagsim: SLO met on the mean in %s mode, but undecided "
                                    "(?) at 95%% (%s); more --reps would tell\n",
                            lagsim_mode_name((enum lagsim_mode)m), unsure);
                else
                    fprintf(stderr, "lagsim: SLO met in %s mode\n",
                            lagsim_mode_name((enum lagsim_mode)m));
            } else {
                fprintf(stderr, "lagsim: SLO NOT met in %s mode (%s)\n",
                        lagsim_mode_name((enum lagsim_mode)m), why);
                status = LSI_CLI_EXIT_SLO;
            }
        }
    }
    if (status == LSI_CLI_EXIT_OK && lsi_cli_signal_caught()) {
        fprintf(stderr, "lagsim: stopped by %s; the results above are partial\n",
                lsi_cli_signal_name());
        status = lsi_cli_signal_status();
    }

done:
    lsi_cli_output_close(&out, 0); /* after a failure: removes the temporary files */
    lsi_cli_output_close(&hist, 0);
    lsi_cli_output_close(&out, 0); /* after a failure: removes the temporary file */
    lsi_cli_output_close(&series, 0);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        lagsim_replicated_destroy(reps[m]);
    free(command);
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
