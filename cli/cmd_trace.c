/*
 * cmd_trace.c - "lagsim trace SCENARIO [--follow N] [--filter TYPE]
 * [--format text|json|html|md] [--out FILE] ...": follows a few events through
 * each selected mode and prints their journeys, milestone by milestone
 * (lagsim_report_trace()), or writes them as JSON with the manifest
 * (lagsim_report_trace_json()), an HTML page (lagsim_report_trace_html())
 * or Markdown tables (lagsim_report_trace_md()),
 * to stdout or atomically to --out FILE.
 *
 * Central idea: the library reports milestones through a callback while
 * the run goes on; this file only collects them (a growable array owned
 * here per mode, a few dozen points per followed event) and, when the run
 * is over, hands them to the report layer to be told in order (text: mode
 * by mode; JSON: all modes in one object at the end). The run stops as
 * soon as every followed event has settled (stop_when_settled), so a
 * trace of a long scenario takes a fraction of a full run. The same
 * scenario and seed give the same bytes.
 *
 * Exit status: 0 success; 1 if a run failed or the output could not be
 * written; 2 for usage and scenario errors, an unknown --filter type
 * among them, a bad --format, and a scenario over --max-events or
 * --max-memory before it runs (the same check as run's); 4 when a run
 * was stopped by --max-memory or the zero-delay-loop guard; 129/130/143
 * when stopped by a signal (in those cases what was collected is told,
 * and --out still renamed into place).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* The milestones of one run, as the callback collected them. */
typedef struct points {
    lagsim_trace_point_t *p;
    size_t n, cap;
    int failed; /* out of memory: later points were lost */
} points_t;

static void collect(void *ctx, const lagsim_trace_point_t *p)
{
    points_t *pts = ctx;
    if (pts->n == pts->cap) {
        const size_t cap = pts->cap ? 2 * pts->cap : 256;
        lagsim_trace_point_t *grown = realloc(pts->p, cap * sizeof *grown);
        if (!grown) {
            pts->failed = 1;
            return;
        }
        pts->p = grown;
        pts->cap = cap;
    }
    pts->p[pts->n++] = *p;
}

/* The index of event type `name`, or -1 after a usage error. */
static int find_type(const lagsim_scenario_t *sc, const char *name)
{
    for (unsigned i = 0; i < sc->n_event_types; i++)
        if (strcmp(sc->event_types[i].name, name) == 0)
            return (int)i;
    char list[LAGSIM_MAX_EVENT_TYPES * 8] = "";
    for (unsigned i = 0; i < sc->n_event_types && strlen(list) + 40 < sizeof list; i++) {
        strcat(list, i ? ", " : "");
        strncat(list, sc->event_types[i].name, 32);
    }
    lsi_cli_usage_error("trace", "bad --filter value '%s': the scenario has no event type of "
                                 "that name (its types: %s)", name, list);
    return -1;
}

/* The opening lines: what is traced, and which events. */
static void print_intro(FILE *f, const lagsim_scenario_t *sc, const lagsim_trace_t *tr,
                        const char *filter)
{
    char from[LAGSIM_DURATION_MAX], gap[LAGSIM_DURATION_MAX];
    fputs("lagsim trace: scenario ", f);
    for (size_t i = 0; i < sizeof sc->name && sc->name[i]; i++)
        fputc((unsigned char)sc->name[i] < 0x20 ? '?' : sc->name[i], f);
    fprintf(f, " (seed %llu)\n", (unsigned long long)sc->seed);
    fprintf(f, "Following %u %s%s, %s:\n"
               "the first fired at or after %s, then the first after each further %s.\n",
            (unsigned)tr->follow, filter ? filter : "event", tr->follow == 1 ? "" : "s",
            sc->n_bursts ? "spread over the largest burst" : "after a warm-up",
            lagsim_format_duration(from, sizeof from, tr->from),
            lagsim_format_duration(gap, sizeof gap, tr->gap));
    fputs("Each line: time since the event was fired, (since its previous step), what\n"
          "happened.\n", f);
}

/* The headline of one mode's text: how its run ended. */
static void print_mode(FILE *f, enum lagsim_mode m, const lagsim_result_t *result)
{
    char at[LAGSIM_DURATION_MAX];
    fprintf(f, "\n=== %s mode ", lagsim_mode_name(m));
    if (result->partial == LAGSIM_STOP_TRACED)
        fprintf(f, "(stopped at %s: the followed events have settled)\n",
                lagsim_format_duration(at, sizeof at, result->end_time));
    else if (result->partial == LAGSIM_STOP_NONE)
        fprintf(f, "(ran to its end, %s: a followed event or a copy\nof one was still in "
                   "the pipeline)\n",
                lagsim_format_duration(at, sizeof at, result->end_time));
    else
        fprintf(f, "(stopped early at %s: %s)\n",
                lagsim_format_duration(at, sizeof at, result->end_time),
                lagsim_stop_reason_name((enum lagsim_stop_reason)result->partial));
}

int lsi_cli_cmd_trace(int argc, char **argv)
{
    lsi_cli_opts_t o;
    lagsim_scenario_t *sc = NULL;
    lagsim_result_t *result = NULL;
    points_t pts[LAGSIM_MODE_COUNT];             /* each mode's milestones */
    memset(pts, 0, sizeof pts);
    lagsim_traced_run_t runs[LAGSIM_MODE_COUNT]; /* the modes that ran, in order (JSON) */
    size_t n_runs = 0;
    uint32_t explained = 0; /* explanations already printed */
    int limit_hit = 0;      /* a run stopped by --max-memory or stuck */
    lsi_cli_output_t out = {0};
    lagsim_manifest_t man;
    char *command = NULL;

    int status = lsi_cli_parse(argc, argv, "trace",
                               LSI_CLI_OPT_MODE | LSI_CLI_OPT_SEED | LSI_CLI_OPT_SET |
                                   LSI_CLI_OPT_TRACE | LSI_CLI_OPT_FORMAT | LSI_CLI_OPT_OUT |
                                   LSI_CLI_OPT_LIMITS,
                               &o);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    if (o.help) {
        lsi_cli_help(stdout, "trace");
        goto done;
    }
    status = lsi_cli_scenario_load(&o, &sc);
    if (status != LSI_CLI_EXIT_OK)
        goto done;

    lagsim_trace_t tr = {.fn = collect, .follow = o.follow, .type = -1, .stop_when_settled = 1};
    if (o.filter && (tr.type = find_type(sc, o.filter)) < 0) {
        status = LSI_CLI_EXIT_USAGE;
        goto done;
    }
    lagsim_trace_plan(sc, tr.follow, &tr.from, &tr.gap);
    status = lsi_cli_check_limits(sc, &o);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    status = lsi_cli_manifest("trace", argc, argv, &o, sc, &man, &command);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    man.replications = 1; /* a trace is one run (replication 0) of each mode */
    result = lagsim_result_create();
    if (!result) {
        fputs("lagsim: out of memory\n", stderr);
        status = LSI_CLI_EXIT_FAILURE;
        goto done;
    }
    status = lsi_cli_output_open(&out, o.out);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    const int html = o.format == LSI_CLI_FORMAT_HTML;
    const int md = o.format == LSI_CLI_FORMAT_MD;
    const int json = o.format == LSI_CLI_FORMAT_JSON || html || md; /* collect, write at the end */
    const lagsim_run_limits_t limits = {.max_memory = o.max_memory,
                                        .interrupt = lsi_cli_signals_install()};
    if (!json)
        print_intro(out.f, sc, &tr, o.filter);

    for (int m = 0; m < LAGSIM_MODE_COUNT && !lsi_cli_signal_caught(); m++) {
        if (!(sc->mode_mask & (1u << m)))
            continue;
        tr.ctx = &pts[m];
        const int rc = lagsim_run_traced(sc, (enum lagsim_mode)m, 0, &limits, &tr, result);
        if (rc != LAGSIM_OK || pts[m].failed) {
            fprintf(stderr, "lagsim: the %s-mode trace failed: %s\n",
                    lagsim_mode_name((enum lagsim_mode)m),
                    lagsim_strerror(rc != LAGSIM_OK ? rc : LAGSIM_ENOMEM));
            status = LSI_CLI_EXIT_FAILURE;
            goto done;
        }
        runs[n_runs++] = (lagsim_traced_run_t){(enum lagsim_mode)m, pts[m].p, pts[m].n,
                                               result->partial, result->end_time};
        limit_hit |= lsi_cli_explain_partial(result, (enum lagsim_mode)m, &o);
        if (json)
            continue;
        print_mode(out.f, (enum lagsim_mode)m, result);
        if (pts[m].n == 0)
            fputs("No event matched: none was fired at or after the first instant.\n", out.f);
        else if (lagsim_report_trace(out.f, sc, pts[m].p, pts[m].n, &explained) != LAGSIM_OK) {
            fputs("lagsim: cannot write the trace\n", stderr);
            status = LSI_CLI_EXIT_FAILURE;
            goto done;
        }
    }
    if (!json)
        lagsim_report_manifest_text(out.f, &man); /* a write error shows at close */
    if (json) {
        const int rc = html ? lagsim_report_trace_html(out.f, sc, &tr, runs, n_runs, &man)
                       : md ? lagsim_report_trace_md(out.f, sc, &tr, runs, n_runs, &man)
                            : lagsim_report_trace_json(out.f, sc, &tr, runs, n_runs, &man);
        if (rc != LAGSIM_OK) {
            fprintf(stderr, "lagsim: cannot write the trace: %s\n", lagsim_strerror(rc));
            status = LSI_CLI_EXIT_FAILURE;
            goto done;
        }
    }
    if (lsi_cli_replay_verify(sc) != LSI_CLI_EXIT_OK) { /* a CSV changed under the run */
        status = LSI_CLI_EXIT_FAILURE;
        goto done;
    }
    /* Interrupted or not, what was collected is written whole and renamed into place. */
    status = lsi_cli_output_close(&out, 1);
    if (status == LSI_CLI_EXIT_OK && limit_hit)
        status = LSI_CLI_EXIT_LIMIT;
    if (status == LSI_CLI_EXIT_OK && lsi_cli_signal_caught()) {
        fprintf(stderr, "lagsim: stopped by %s; the trace above is partial\n",
                lsi_cli_signal_name());
        status = lsi_cli_signal_status();
    }

done:
    lsi_cli_output_close(&out, 0); /* after a failure: removes the temporary file */
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        free(pts[m].p);
    lagsim_result_destroy(result);
    free(command);
    free(sc);
    lsi_cli_opts_free(&o);
    return status;
}
