/*
 * cmd_sweep.c - "lagsim sweep SCENARIO --vary S.K=FROM..TO[:STEP] ...":
 * builds a scenario for every grid point (each value applied as a --set,
 * so every point is validated before anything runs), runs them all (or,
 * with --find, bisects for where the --slo stops holding), and writes the
 * table of headline figures per point with its manifest (and, with
 * --hist, every point's latency histograms as CSV). The grid, the
 * runs and the bisection are the library's (experiment.h); this file only
 * wires options to them and turns outcomes into messages and exit
 * statuses.
 *
 * Exit status: 0 success; 2 usage or scenario errors (a bad --vary, a
 * point that does not validate, a point over --max-events or --max-memory
 * up front); 3 the --slo fails at some point of a sweep, or with --find
 * over the whole range in some mode; 4 a run stopped by a limit while it
 * ran; 1 an internal failure; 129/130/143 stopped by a signal (the points
 * that ran are shown; those that did not start are left out).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define SWEEP_OPTS                                                                          \
    (LSI_CLI_OPT_MODE | LSI_CLI_OPT_SEED | LSI_CLI_OPT_SET | LSI_CLI_OPT_FORMAT |           \
     LSI_CLI_OPT_OUT | LSI_CLI_OPT_LIMITS | LSI_CLI_OPT_REPS | LSI_CLI_OPT_SLO |            \
     LSI_CLI_OPT_PRECISION | LSI_CLI_OPT_ASCII | LSI_CLI_OPT_VARY | LSI_CLI_OPT_HIST |      \
     LSI_CLI_OPT_CSV)

/* "burst.launch.rate=25000/s" (and ", mixpanel.ingest_limit=..."), for messages. */
static void point_text(char *buf, size_t size, const lagsim_sweep_t *sw,
                       const lagsim_sweep_point_t *p)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned k = 0; k < sw->n_axes && len + 1 < size; k++) {
        char v[64];
        lagsim_config_axis_text(&sw->axis[k], p->value[k], v, sizeof v);
        const int w = snprintf(buf + len, size - len, "%s%s=%s", k ? ", " : "",
                               sw->axis[k].key, v);
        if (w < 0)
            break;
        len += (size_t)w < size - len ? (size_t)w : size - len - 1;
    }
}

/* Refuses the sweep if any point is over --max-events or --max-memory. */
static int check_points(const lagsim_sweep_t *sw, const lsi_cli_opts_t *o)
{
    for (uint32_t i = 0; i < sw->n_points; i++) {
        if (lsi_cli_check_limits(sw->points[i].sc, o) != LSI_CLI_EXIT_OK) {
            char at[256];
            point_text(at, sizeof at, sw, &sw->points[i]);
            fprintf(stderr, "lagsim: (at the sweep point %s)\n", at);
            return LSI_CLI_EXIT_USAGE;
        }
    }
    return LSI_CLI_EXIT_OK;
}

/* With --find: the answer of each mode (and line) on stderr; 1 if it fails
 * everywhere in some mode. */
static int say_find(const lagsim_sweep_t *sw, const lagsim_find_t *fd)
{
    int fails = 0;
    for (uint32_t l = 0; l < (fd->n_lines ? fd->n_lines : 1); l++) {
        const lagsim_find_line_t *ln = &fd->line[l];
        char at[256] = "";
        if (sw->n_axes == 2) {
            char v[64];
            lagsim_config_axis_text(&sw->axis[1], sw->points[l].value[1], v, sizeof v);
            snprintf(at, sizeof at, " at %s=%s", sw->axis[1].key, v);
        }
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!(sw->mode_mask & (1u << m)))
                continue;
            const char *mode = lagsim_mode_name((enum lagsim_mode)m);
            char a[256], b[256];
            switch (ln->outcome[m]) {
            case LAGSIM_FIND_HOLDS_ALL:
                fprintf(stderr, "lagsim: %s mode%s: the SLO holds over the whole range\n", mode,
                        at);
                break;
            case LAGSIM_FIND_FAILS_ALL:
                fprintf(stderr, "lagsim: %s mode%s: the SLO fails over the whole range\n", mode,
                        at);
                fails = 1;
                break;
            case LAGSIM_FIND_BOUNDARY:
                lagsim_config_axis_text(&sw->axis[0], sw->points[ln->holds_at[m]].value[0], a,
                                        sizeof a);
                lagsim_config_axis_text(&sw->axis[0], sw->points[ln->fails_at[m]].value[0], b,
                                        sizeof b);
                fprintf(stderr, "lagsim: %s mode%s: the SLO holds at %s=%s and fails at "
                                "%s=%s\n", mode, at, sw->axis[0].key, a, sw->axis[0].key, b);
                break;
            }
        }
    }
    return fails;
}

/* Appends text to label (size n) at *len, truncating quietly. */
static void append(char *label, size_t n, size_t *len, const char *text)
{
    const int w = snprintf(label + *len, n - *len, "%s", text);
    if (w > 0)
        *len += (size_t)w < n - *len ? (size_t)w : n - *len - 1;
}

/* The progress label of a batch of --find probes: "find round 2:
 * burst.launch.rate = 40000/s (cloud), 45000/s (device)". */
static void on_probes(void *ctx, const lagsim_sweep_t *sw, uint32_t round,
                      const uint32_t *points, const enum lagsim_mode *modes, size_t n,
                      uint32_t more)
{
    lsi_cli_progress_t *progress = ctx;
    char label[sizeof progress->label], text[LAGSIM_AXIS_KEY_MAX + 64];
    size_t len = 0;
    if (more)
        snprintf(text, sizeof text, "find round %u, +%u reps: %s = ", (unsigned)round,
                 (unsigned)more, sw->axis[0].key);
    else
        snprintf(text, sizeof text, "find round %u: %s = ", (unsigned)round, sw->axis[0].key);
    label[0] = '\0';
    append(label, sizeof label, &len, text);
    for (size_t i = 0; i < n; i++) {
        char v[64];
        lagsim_config_axis_text(&sw->axis[0], sw->points[points[i]].value[0], v, sizeof v);
        snprintf(text, sizeof text, "%s%s (%s)", i ? ", " : "", v, lagsim_mode_name(modes[i]));
        append(label, sizeof label, &len, text);
    }
    lsi_cli_progress_clear(progress);
    lsi_cli_progress_start(progress, label);
}

/* The estimate line of the sweep: every point's runs, or (--find) about
 * as many as the bisection probes. */
static void announce(const lagsim_sweep_t *sw, const lsi_cli_opts_t *o)
{
    lsi_cli_estimate_t all, e;
    memset(&all, 0, sizeof all);
    unsigned modes = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        modes += (sw->mode_mask >> m) & 1u;
    const double reps = o->precision > 0 ? (double)LAGSIM_PRECISION_PILOT : (double)o->reps;
    double runs = 0;
    for (uint32_t i = 0; i < sw->n_points; i++) {
        lsi_cli_estimate(sw->points[i].sc, modes * reps, 1, &e);
        all.seconds += e.seconds;
        all.cpu_seconds += e.cpu_seconds;
        runs += modes * reps;
        if (e.events > all.events)
            all.events = e.events;
        if (e.backlog > all.backlog) {
            all.backlog = e.backlog;
            all.backlog_at = e.backlog_at;
        }
        if (e.memory > all.memory)
            all.memory = e.memory;
    }
    if (o->find) {
        const uint32_t n0 = lagsim_axis_points(&sw->axis[0]);
        double probes = 2;
        for (uint32_t span = n0 - 1; span > 1; span = (span + 1) / 2)
            probes++;
        all.seconds *= probes < n0 ? probes / n0 : 1;
        all.cpu_seconds *= probes < n0 ? probes / n0 : 1;
        runs *= probes < n0 ? probes / n0 : 1;
    }
    const double parallel = o->threads < runs ? (double)o->threads : runs;
    if (parallel > 0)
        all.seconds /= parallel;
    lsi_cli_estimate_say(&all);
}

int lsi_cli_cmd_sweep(int argc, char **argv)
{
    lsi_cli_opts_t o;
    lagsim_scenario_t *sc = NULL;
    lagsim_sweep_t sw;
    memset(&sw, 0, sizeof sw);
    lagsim_find_t *fd = NULL;
    lsi_cli_output_t out = {0}, hist = {0};
    lsi_cli_progress_t progress;
    memset(&progress, 0, sizeof progress);
    lagsim_manifest_t man;
    char *command = NULL;
    lagsim_precision_t prec;

    int status = lsi_cli_parse(argc, argv, "sweep", SWEEP_OPTS, &o);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    if (o.help) {
        lsi_cli_help(stdout, "sweep");
        goto done;
    }
    status = lsi_cli_scenario_load(&o, &sc);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    status = lsi_cli_manifest("sweep", argc, argv, &o, sc, &man, &command);
    if (status != LSI_CLI_EXIT_OK)
        goto done;

    sw.base = sc;
    sw.n_axes = o.n_vary;
    memcpy(sw.axis, o.vary, sizeof sw.axis);
    sw.apply = lagsim_config_axis_apply;
    sw.mode_mask = sc->mode_mask;
    sw.reps = o.reps;
    if (o.precision > 0) {
        prec = (lagsim_precision_t){man.precision, man.pilot, man.max_reps};
        sw.precision = &prec;
    }
    char msg[LAGSIM_ERROR_MAX];
    msg[0] = '\0';
    int rc = lagsim_sweep_prepare(&sw, msg, sizeof msg);
    if (rc != LAGSIM_OK) {
        if (rc == LAGSIM_ENOMEM) {
            fputs("lagsim: out of memory\n", stderr);
            status = LSI_CLI_EXIT_FAILURE;
        } else {
            fprintf(stderr, "lagsim: --vary: %s\n", msg);
            status = LSI_CLI_EXIT_USAGE;
        }
        goto done;
    }
    if (o.find && sw.n_axes == 2 && lagsim_axis_points(&sw.axis[1]) > LAGSIM_FIND_MAX_LINES) {
        fprintf(stderr, "lagsim: --find with two --vary: the second (%s) has %u values, more "
                        "than the %d lines a frontier may have; use a larger STEP\n",
                sw.axis[1].key, (unsigned)lagsim_axis_points(&sw.axis[1]),
                LAGSIM_FIND_MAX_LINES);
        status = LSI_CLI_EXIT_USAGE;
        goto done;
    }
    status = check_points(&sw, &o);
    if (status == LSI_CLI_EXIT_OK)
        announce(&sw, &o);
    if (status == LSI_CLI_EXIT_OK)
        status = lsi_cli_output_open(&out, o.out);
    if (status == LSI_CLI_EXIT_OK && o.hist) /* before the runs: a bad path fails at once */
        status = lsi_cli_output_open(&hist, o.hist);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    if (o.find && !(fd = malloc(sizeof *fd))) {
        fputs("lagsim: out of memory\n", stderr);
        status = LSI_CLI_EXIT_FAILURE;
        goto done;
    }

    const lagsim_run_limits_t limits = {.max_memory = o.max_memory,
                                        .interrupt = lsi_cli_signals_install(),
                                        .progress = lsi_cli_progress,
                                        .progress_ctx = &progress,
                                        .executor = lsi_cli_executor()};
    const double t0 = lsi_cli_wall_now();
    lsi_cli_progress_start(&progress, o.find ? "find" : "sweep");
    if (o.find) {
        sw.on_probes = on_probes;
        sw.on_probes_ctx = &progress;
        /* Replications are added only when asked for, with --max-reps. */
        sw.max_reps = o.max_reps_given && (o.precision > 0 || o.reps > 1) ? o.max_reps : 0;
    }
    rc = fd ? lagsim_sweep_find(&sw, &o.slo, o.threads, &limits, fd)
            : lagsim_sweep_run(&sw, o.threads, &limits);
    const double wall = lsi_cli_wall_now() - t0;
    lsi_cli_progress_clear(&progress);
    const int interrupted = rc == LAGSIM_EINTR || lsi_cli_signal_caught();
    if (rc != LAGSIM_OK && rc != LAGSIM_EINTR && rc != LAGSIM_ECONSERVE) {
        fprintf(stderr, "lagsim: the sweep failed: %s\n", lagsim_strerror(rc));
        status = LSI_CLI_EXIT_FAILURE;
        goto done;
    }
    if (lsi_cli_replay_verify(sc) != LSI_CLI_EXIT_OK) { /* a CSV changed under the runs */
        status = LSI_CLI_EXIT_FAILURE;
        goto done;
    }

    /* What ran: limits hit, conservation, replications, speed, SLO. */
    uint64_t events = 0;
    double simulated = 0;
    int limit_hit = 0, conserve_failed = 0;
    uint32_t points_run = 0, points_failing = 0, undecided = 0;
    man.replications = 0;
    man.per_point = 1;
    for (uint32_t i = 0; i < sw.n_points; i++) {
        int ran = 0, failing = 0;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            const lagsim_replicated_t *r = sw.points[i].reps[m];
            if (!r || r->reps == 0)
                continue;
            ran = 1;
            limit_hit |= lsi_cli_explain_partial(r->pooled, (enum lagsim_mode)m, &o);
            conserve_failed |= !r->pooled->conserved && r->pooled->partial != LAGSIM_STOP_INTERRUPTED;
            if (r->reps > man.replications)
                man.replications = r->reps;
            events += r->pooled->sim_events;
            simulated += (double)r->pooled->end_time / (double)LAGSIM_SEC;
            failing |= o.has_slo && !lagsim_slo_holds(&o.slo, r, NULL, 0);
            undecided += o.has_slo &&
                         lagsim_slo_verdict(&o.slo, r, NULL, 0) == LAGSIM_VERDICT_UNDECIDED;
        }
        if (ran)
            points_run++;
        if (failing)
            points_failing++;
    }

    const lagsim_report_opts_t ropts = lsi_cli_report_opts(&o, &man);
    rc = lagsim_report_sweep(out.f, &sw, o.has_slo ? &o.slo : NULL, interrupted ? NULL : fd,
                             &ropts);
    status = lsi_cli_output_close(&out, rc == LAGSIM_OK);
    if (rc != LAGSIM_OK && status == LSI_CLI_EXIT_OK) {
        fprintf(stderr, "lagsim: cannot write the report: %s\n", lagsim_strerror(rc));
        status = LSI_CLI_EXIT_FAILURE;
    }
    if (status == LSI_CLI_EXIT_OK && o.hist) {
        rc = lagsim_report_sweep_hist_csv(hist.f, &sw, &man);
        status = lsi_cli_output_close(&hist, rc == LAGSIM_OK);
        if (rc != LAGSIM_OK && status == LSI_CLI_EXIT_OK) {
            fprintf(stderr, "lagsim: cannot write %s: %s\n", o.hist, lagsim_strerror(rc));
            status = LSI_CLI_EXIT_FAILURE;
        }
    }
    if (status == LSI_CLI_EXIT_OK)
        lsi_cli_print_speed(events, simulated, wall);
    if (conserve_failed) {
        fputs("lagsim: ERROR: CONSERVATION FAILED at some point of the sweep: fired != visible "
              "+ dropped + in flight. This is a bug in lagsim; the results above cannot be "
              "trusted.\n", stderr);
        status = LSI_CLI_EXIT_FAILURE;
    }
    if (status == LSI_CLI_EXIT_OK && limit_hit)
        status = LSI_CLI_EXIT_LIMIT;
    if (status == LSI_CLI_EXIT_OK && o.has_slo && !interrupted) {
        if (fd) {
            if (say_find(&sw, fd))
                status = LSI_CLI_EXIT_SLO;
        } else if (points_failing) {
            fprintf(stderr, "lagsim: SLO NOT met at %u of %u points\n", points_failing,
                    points_run);
            status = LSI_CLI_EXIT_SLO;
        } else {
            fprintf(stderr, "lagsim: SLO met at all %u points\n", points_run);
        }
        if (undecided)
            fprintf(stderr, "lagsim: %u (point, mode) verdicts undecided (?): their 95%% "
                            "interval straddles the SLO; more --reps would tell\n", undecided);
    }
    if (status == LSI_CLI_EXIT_OK && interrupted) {
        fprintf(stderr, "lagsim: stopped by %s; the results above are partial\n",
                lsi_cli_signal_name());
        status = lsi_cli_signal_status();
    }

done:
    lsi_cli_output_close(&out, 0); /* after a failure: removes the temporary files */
    lsi_cli_output_close(&hist, 0);
    lagsim_sweep_terminate(&sw);
    free(fd);
    free(command);
    free(sc);
    lsi_cli_opts_free(&o);
    return status;
}
