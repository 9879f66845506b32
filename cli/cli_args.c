/*
 * cli_args.c - option parsing shared by the subcommands, and the usage
 * and help texts of the lagsim command.
 *
 * Central idea: one table of options; each subcommand says which of them
 * it accepts, so "run" and "check" parse the same way and reject what
 * they do not take with the same message. Options may come before or
 * after SCENARIO, as "--name value" or "--name=value"; "--" ends them.
 * Every mistake is a usage error: a message and the short usage on
 * stderr, exit status 2.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef struct opt_spec {
    const char *name; /* without the leading "--" */
    unsigned flag;    /* LSI_CLI_OPT_* */
    int is_switch;    /* takes no value */
} opt_spec_t;

static const opt_spec_t opt_specs[] = {
    {"mode", LSI_CLI_OPT_MODE, 0},     {"seed", LSI_CLI_OPT_SEED, 0},
    {"set", LSI_CLI_OPT_SET, 0},       {"format", LSI_CLI_OPT_FORMAT, 0},
    {"out", LSI_CLI_OPT_OUT, 0},       {"max-events", LSI_CLI_OPT_LIMITS, 0},
    {"max-memory", LSI_CLI_OPT_LIMITS, 0}, {"reps", LSI_CLI_OPT_REPS, 0},
    {"threads", LSI_CLI_OPT_REPS, 0},   {"modes", LSI_CLI_OPT_MODE, 0},
    {"slo", LSI_CLI_OPT_SLO, 0},       {"precision", LSI_CLI_OPT_PRECISION, 0},
    {"max-reps", LSI_CLI_OPT_PRECISION, 0}, {"hist", LSI_CLI_OPT_HIST, 0},
    {"ascii", LSI_CLI_OPT_ASCII, 1},   {"vary", LSI_CLI_OPT_VARY, 0},
    {"find", LSI_CLI_OPT_VARY, 1},
    {"series", LSI_CLI_OPT_SERIES, 0},
    {"follow", LSI_CLI_OPT_TRACE, 0}, {"filter", LSI_CLI_OPT_TRACE, 0},
};

/* ---- Usage and help ------------------------------------------------------ */

static const char usage_top[] =
    "usage: lagsim <command> [options]\n"
    "       (commands: run, compare, sweep, trace, check, help)\n";
static const char usage_run[] =
    "usage: lagsim run SCENARIO [--mode M] [--seed N] [--set SECTION.KEY=VALUE]...\n"
    "         [--format text|json|csv|html|md] [--out FILE] [--hist FILE] [--ascii]\n"
    "         [--reps N | --precision P [--max-reps N]] [--threads N]\n"
    "         [--slo EXPR] [--max-events N] [--max-memory SIZE] [--series FILE.csv]\n";
static const char usage_compare[] =
    "usage: lagsim compare SCENARIO [--modes cloud,device,hybrid] [--threads N]\n"
    "         [--reps N | --precision P [--max-reps N]] [--seed N]\n"
    "         [--set SECTION.KEY=VALUE]... [--format text|json|csv|html|md]\n"
    "         [--out FILE] [--hist FILE] [--ascii] [--slo EXPR]\n"
    "         [--max-events N] [--max-memory SIZE] [--series FILE.csv]\n";
static const char usage_sweep[] =
    "usage: lagsim sweep SCENARIO --vary SECTION.KEY=FROM..TO[:STEP] [--vary ...]\n"
    "         [--slo EXPR [--find [--max-reps N]]] [--mode M] [--threads N]\n"
    "         [--reps N | --precision P [--max-reps N]] [--seed N]\n"
    "         [--set SECTION.KEY=VALUE]... [--format text|json|csv|html|md]\n"
    "         [--out FILE] [--hist FILE.csv] [--ascii] [--max-events N]\n"
    "         [--max-memory SIZE]\n";
static const char help_sweep[] =
    "Runs SCENARIO at every point of a grid of one or two keys and shows the\n"
    "headline figures per point (mean +- 95% half-width with replications). Every\n"
    "point starts from the same scenario and seed, so points differ by the key's\n"
    "effect, not by noise (common random numbers). Each value is applied as a --set\n"
    "would be, so a bad key or value stops the sweep, exit status 2, before it runs.\n"
    "\n"
    "options:\n"
    "  --vary S.K=FROM..TO[:STEP]\n"
    "                  vary key K of section [S] from FROM to TO in steps of STEP,\n"
    "                  all in the key's own units, e.g.\n"
    "                  --vary burst.launch.rate=20000/s..60000/s:5000/s;\n"
    "                  without STEP, five points; a second --vary makes a grid\n"
    "  --slo EXPR      mark each point: the SLO holds or fails (as for 'lagsim run')\n"
    "  --find          (with --slo) bisect the first --vary key for the value at\n"
    "                  which the SLO stops holding: probe both ends, then the middle\n"
    "                  of the interval left, until the boundary is known within one\n"
    "                  STEP; shows the probes and the figures on both sides of the\n"
    "                  boundary. With a second --vary: the frontier, one boundary\n"
    "                  per value of the second key. With --reps N (N >= 2), the\n"
    "                  boundary is also given as a 95% interval\n"
    "  --reps N        replications per point and mode (default 1)\n"
    "  --precision P   instead: replications per point until every headline figure's\n"
    "                  95% half-width is within P (e.g. 5%) of its mean\n"
    "  --threads N     threads for the points and replications (default: the cores);\n"
    "                  the output is the same for any N\n"
    "  --hist FILE.csv also write the latency histograms' buckets of every point as\n"
    "                  CSV, atomically: the varied keys' values, then the columns\n"
    "                  of 'lagsim run --hist' (mode, latency, bounds, count,\n"
    "                  cumulative share), one block of rows per point\n"
    "  --max-reps M    with --find and --reps N (N >= 2): a probe whose 95%\n"
    "                  interval straddles the SLO (\"?\") gets more replications,\n"
    "                  doubling, until it is decided or has M\n"
    "  --ascii         plain ASCII: ok/FAIL instead of the check marks\n"
    "  --format md     the text report's tables as Markdown (one per mode; with\n"
    "                  --find the answer, or the frontier, too), to paste\n"
    "  other options as for 'lagsim run'\n"
    "\n"
    "With replications, a point's SLO verdict is judged on the 95% confidence\n"
    "intervals: a check mark when all of an interval meets the objective, a cross\n"
    "when all of it misses, \"?\" when it straddles the threshold.\n"
    "\n"
    "Exit status: 0 success; 2 usage or scenario error (including a bad --vary or a\n"
    "point that does not validate); 3 the SLO fails at some point of the sweep, or\n"
    "(--find) fails over the whole range; 1 internal failure.\n";
static const char help_compare[] =
    "Runs the modes on common random numbers - the same arrivals, users, event\n"
    "types and client behaviour in every mode - for N replications each, and\n"
    "shows them side by side with each headline figure's difference against\n"
    "the baseline mode, paired replication by replication: mean +- 95% confidence\n"
    "half-width.\n"
    "\n"
    "options:\n"
    "  --modes M       the modes to compare (default cloud,device); differences\n"
    "                  are against the first of cloud, device, hybrid that runs\n"
    "  --reps N        replications per mode (default 5)\n"
    "  --threads N     threads for the replications (default: the cores)\n"
    "  --precision P   instead of --reps: replications until every headline figure's\n"
    "                  95% half-width is within P of its mean in every mode\n"
    "  --format csv    one row per mode, then one per paired difference\n"
    "  other options as for 'lagsim run'\n"
    "\n"
    "Exit status: as for 'lagsim run'.\n";
static const char usage_check[] = "usage: lagsim check SCENARIO [--set SECTION.KEY=VALUE]...\n";
static const char usage_trace[] =
    "usage: lagsim trace SCENARIO [--follow N] [--filter TYPE] [--mode M] [--seed N]\n"
    "         [--set SECTION.KEY=VALUE]... [--format text|json|html|md]\n"
    "         [--out FILE] [--max-events N] [--max-memory SIZE]\n";
static const char help_trace[] =
    "Follows a few events through the pipeline and tells their journeys hop by hop:\n"
    "fired, queued on the device, sent, accepted by Segment, in Segment's queue,\n"
    "refused by Mixpanel (429) and the backoff chosen, delivered, identity\n"
    "resolved, visible in reports - or dropped, and why. Each line shows the time\n"
    "since the event was fired and since its previous step; lines starting with\n"
    "'>' explain what a step means. Each mode the scenario selects follows the\n"
    "same events (the same arrivals in every mode).\n"
    "\n"
    "Which events: spread over the scenario's largest burst (the first event fired\n"
    "at or after the middle of each of N equal slices of it), or, without bursts,\n"
    "one every 10 s from a tenth of the way into the horizon. The run stops once\n"
    "every followed event has settled.\n"
    "\n"
    "options:\n"
    "  --follow N      follow N events (default 5, at most 256)\n"
    "  --filter TYPE   follow only events of this type (an [event.TYPE] section)\n"
    "  --mode M        the modes to trace (as for 'lagsim run')\n"
    "  --seed N        use the random seed N instead of the scenario's\n"
    "  --set S.K=V     set key K of section [S] to V (repeatable)\n"
    "  --format F      text (the default: the narration) or json (one object with\n"
    "                  the manifest and, per mode, each event's id, type, user,\n"
    "                  outcome and steps - time, step, status, backoff, drop\n"
    "                  reason - with the narration's words in separate fields),\n"
    "                  html (a page with a swimlane chart per mode), or md (per\n"
    "                  mode, a Markdown table per event: time, step, status,\n"
    "                  what happened; then its outcome)\n"
    "  --out FILE      write the trace to FILE, atomically, instead of stdout\n"
    "  --max-events N  refuse a scenario expected to fire more than N events\n"
    "                  per mode (default 1e9)\n"
    "  --max-memory S  refuse a scenario that would need more than S (default\n"
    "                  4GB), and stop a run when the process holds more\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 success, 1 internal failure, 2 usage or scenario error\n"
    "(including an unknown --filter type or --format), 4 a run stopped by a\n"
    "limit (--max-memory, a zero-delay loop; the trace told is partial),\n"
    "129/130/143 stopped by SIGHUP/SIGINT/SIGTERM.\n";

static const char help_top[] =
    "lagsim " LAGSIM_VERSION_STRING " - simulates analytics events on their way to Mixpanel,\n"
    "through Segment (Cloud-mode) or straight from the device (Device-mode),\n"
    "and reports how long they take to become visible and what is lost.\n"
    "\n"
    "usage: lagsim <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO     simulate a scenario file and report the results\n"
    "  compare SCENARIO run the modes on common random numbers, with the\n"
    "                   differences and their confidence intervals\n"
    "  sweep SCENARIO   run a grid of values of one or two keys; with --slo\n"
    "                   --find, bisect for where an SLO stops holding\n"
    "  trace SCENARIO   follow a few events hop by hop, explained for newcomers\n"
    "  check SCENARIO   validate a scenario file and print it fully resolved\n"
    "  help [COMMAND]   show this help, or the help of COMMAND\n"
    "\n"
    "options:\n"
    "  -h, --help       show this help (after a command: that command's help)\n"
    "  -V, --version    show the version (after a command too)\n"
    "\n"
    "Run 'lagsim help run' (or 'lagsim run --help') for the options of a command;\n"
    "'man lagsim' and 'man lagsim-scenario' for the whole story.\n"
    "\n"
    "exit status:\n"
    "  0    success\n"
    "  1    internal failure (including a failed conservation check)\n"
    "  2    usage or scenario error\n"
    "  3    an --slo not met\n"
    "  4    a run stopped by a limit (--max-memory, a zero-delay loop): partial\n"
    "  129  stopped by SIGHUP\n"
    "  130  interrupted by SIGINT\n"
    "  143  stopped by SIGTERM\n";

static const char help_run[] =
    "Simulates SCENARIO (an INI file) in each mode it selects (its 'mode' key)\n"
    "and shows the results side by side. One line on stderr tells how fast\n"
    "the simulation ran.\n"
    "\n"
    "options:\n"
    "  --mode M        run these modes instead of the scenario's: cloud, device,\n"
    "                  hybrid, both (cloud,device), all, or a comma-separated list\n"
    "  --seed N        use the random seed N instead of the scenario's\n"
    "  --set S.K=V     set key K of section [S] to V, as if written at the end of\n"
    "                  the file (repeatable), e.g. --set scenario.horizon=10m\n"
    "  --format F      text (the default: tables, then a histogram and a CDF of\n"
    "                  the latency to visible per mode), json, csv (one row per\n"
    "                  mode, a column per figure), html (one page with charts\n"
    "                  and tables, no external files: docs/reports.md), or md\n"
    "                  (the verdict and tables as Markdown, to paste)\n"
    "  --out FILE      write the report to FILE, atomically, instead of stdout\n"
    "  --hist FILE     also write the latency histograms' buckets as CSV (per mode,\n"
    "                  delivered and visible: bounds, count, cumulative share)\n"
    "  --ascii         draw the charts in plain ASCII\n"
    "  --reps N        run N independent replications: counts and histograms are\n"
    "                  pooled, and each headline figure is shown as mean +- 95%\n"
    "                  confidence half-width (Student t)\n"
    "  --threads N     spread replications over N threads (default: the number\n"
    "                  of cores); the output is the same for any N\n"
    "  --precision P   instead of --reps N: start with 5 replications and add more\n"
    "                  until every headline figure's 95% half-width is within P\n"
    "                  (e.g. 5% or 0.05) of its mean; figures that are 0, or\n"
    "                  defined in fewer than two replications, are not judged\n"
    "  --max-reps N    with --precision: stop at N replications (default 200)\n"
    "  --slo EXPR      a service-level objective, e.g. 'p99<=2m, visible>=99.5%'\n"
    "                  (metrics: p50 p90 p99 p999 max mean p99_delivered visible\n"
    "                  drain dropped backlog 429 retries); checked on each mode\n"
    "                  (on the mean over replications); exit status 3 if unmet\n"
    "  --max-events N  refuse a scenario expected to fire more than N events\n"
    "                  per mode (default 1e9)\n"
    "  --max-memory S  refuse a scenario whose backlog would need more than S\n"
    "                  (e.g. 512MB, 8GB; default 4GB), and stop the runs when\n"
    "                  the process holds more (results partial, exit status 4)\n"
    "  --series FILE   write the Event Delivery series (per [scenario]\n"
    "                  series_window: delivered, not delivered, responses,\n"
    "                  retries, p95 latency, backlog) of every mode as CSV,\n"
    "                  atomically, one row per mode and window\n"
    "  -h, --help      show this help\n"
    "\n"
    "SIGINT, SIGTERM or SIGHUP stops a run: the results so far are printed,\n"
    "marked partial. An output path that names an input or a directory, or\n"
    "that two outputs share, is refused before the run; FIFOs and devices\n"
    "are written through, a symbolic link's target is replaced and an\n"
    "existing file keeps its mode. Every report ends (text), starts (CSV)\n"
    "or opens (JSON) with a manifest: version, command line, scenario file\n"
    "and the FNV-1a 64 hash of the bytes read (and of a replay CSV), seed and\n"
    "replications. Before a run estimated to take over 2 s, one line on stderr\n"
    "gives the estimated events, backlog, memory and run time; while it goes\n"
    "on, a progress line with an ETA is shown on stderr if it is a terminal.\n"
    "\n"
    "Exit status: 0 success, 1 internal failure (including a failed\n"
    "conservation check), 2 usage or scenario error, 3 an --slo not met,\n"
    "4 stopped by a limit, 129/130/143 stopped by SIGHUP/SIGINT/SIGTERM.\n";

static const char help_check[] =
    "Loads SCENARIO (an INI file), applies the --set overrides, validates it,\n"
    "and prints the fully resolved scenario (every key, defaults included) as\n"
    "INI on stdout, then, as comments, the estimated cost of one run (events,\n"
    "backlog, memory, run time) and the peak use of Mixpanel's rate limit.\n"
    "That output is itself a valid scenario file.\n"
    "\n"
    "options:\n"
    "  --set S.K=V     set key K of section [S] to V (repeatable)\n"
    "  -h, --help      show this help\n"
    "\n"
    "Exit status: 0 valid, 1 internal failure, 2 usage or scenario error.\n";

static const char *short_usage(const char *cmd)
{
    if (cmd && strcmp(cmd, "run") == 0)
        return usage_run;
    if (cmd && strcmp(cmd, "check") == 0)
        return usage_check;
    if (cmd && strcmp(cmd, "compare") == 0)
        return usage_compare;
    if (cmd && strcmp(cmd, "sweep") == 0)
        return usage_sweep;
    if (cmd && strcmp(cmd, "trace") == 0)
        return usage_trace;
    return usage_top;
}

void lsi_cli_help(FILE *f, const char *cmd)
{
    if (cmd && strcmp(cmd, "run") == 0)
        fprintf(f, "%s\n%s", usage_run, help_run);
    else if (cmd && strcmp(cmd, "check") == 0)
        fprintf(f, "%s\n%s", usage_check, help_check);
    else if (cmd && strcmp(cmd, "compare") == 0)
        fprintf(f, "%s\n%s", usage_compare, help_compare);
    else if (cmd && strcmp(cmd, "sweep") == 0)
        fprintf(f, "%s\n%s", usage_sweep, help_sweep);
    else if (cmd && strcmp(cmd, "trace") == 0)
        fprintf(f, "%s\n%s", usage_trace, help_trace);
    else
        fputs(help_top, f);
}

int lsi_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fputs("lagsim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n%sTry 'lagsim %s%s--help' for more information.\n", short_usage(cmd),
            cmd ? cmd : "", cmd ? " " : "");
    return LSI_CLI_EXIT_USAGE;
}

/* ---- Option values ----------------------------------------------------- */

/* A decimal uint64 with nothing else; returns 0 on success. */
static int parse_u64(const char *s, uint64_t *out)
{
    if (*s < '0' || *s > '9')
        return -1;
    char *end;
    errno = 0;
    const unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end != '\0')
        return -1;
#if ULLONG_MAX > UINT64_MAX
    if (v > UINT64_MAX)
        return -1;
#endif
    *out = (uint64_t)v;
    return 0;
}

/* "5%" or "0.05" -> 0.05, in (0, 1); returns 0 on success. */
static int parse_share(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno)
        return -1;
    if (*end == '%') {
        v /= 100;
        end++;
    }
    if (*end != '\0' || !(v > 0 && v < 1))
        return -1;
    *out = v;
    return 0;
}

/* Applies option `spec` with value `val` for a subcommand accepting the
 * options in `accepted`. Returns an exit status. */
static int apply_option(const opt_spec_t *spec, const char *val, const char *cmd,
                        unsigned accepted, lsi_cli_opts_t *o)
{
    switch (spec->flag) {
    case LSI_CLI_OPT_MODE:
        if (lagsim_parse_modes(val, &o->mode_mask, &(lagsim_error_t){{0}}) != LAGSIM_OK)
            return lsi_cli_usage_error(cmd, "bad --mode value '%s' (cloud, device, hybrid, "
                                            "both, all, or a comma-separated list)", val);
        break;
    case LSI_CLI_OPT_SEED:
        if (parse_u64(val, &o->seed) != 0)
            return lsi_cli_usage_error(cmd, "bad --seed value '%s' (a whole number from 0 "
                                            "to %" PRIu64 ")", val, UINT64_MAX);
        o->has_seed = 1;
        break;
    case LSI_CLI_OPT_SET:
        o->sets[o->n_sets++] = val;
        break;
    case LSI_CLI_OPT_FORMAT:
        if (strcmp(val, "text") == 0)
            o->format = LSI_CLI_FORMAT_TEXT;
        else if (strcmp(val, "json") == 0)
            o->format = LSI_CLI_FORMAT_JSON;
        else if (strcmp(val, "csv") == 0 && (accepted & LSI_CLI_OPT_CSV))
            o->format = LSI_CLI_FORMAT_CSV;
        else if (strcmp(val, "html") == 0)
            o->format = LSI_CLI_FORMAT_HTML;
        else if (strcmp(val, "md") == 0)
            o->format = LSI_CLI_FORMAT_MD;
        else if (accepted & LSI_CLI_OPT_CSV)
            return lsi_cli_usage_error(cmd, "bad --format value '%s' (text, json, csv, html or md)",
                                       val);
        else
            return lsi_cli_usage_error(cmd, "bad --format value '%s' (text, json, html or md)", val);
        break;
    case LSI_CLI_OPT_LIMITS:
        if (strcmp(spec->name, "max-events") == 0) {
            char *end;
            errno = 0;
            const double v = strtod(val, &end);
            if (errno || *end != '\0' || !(v >= 1 && v <= 1e18) || v != (double)(uint64_t)v)
                return lsi_cli_usage_error(cmd, "bad --max-events value '%s' (a whole number "
                                                "from 1 to 1e18, e.g. 5e8)", val);
            o->max_events = (uint64_t)v;
        } else {
            lagsim_error_t err;
            if (lagsim_parse_size(val, &o->max_memory, &err) != LAGSIM_OK || o->max_memory == 0)
                return lsi_cli_usage_error(cmd, "bad --max-memory value '%s' (a size such as "
                                                "512MB or 8GB)", val);
        }
        break;
    case LSI_CLI_OPT_REPS: {
        uint64_t v;
        const int reps = strcmp(spec->name, "reps") == 0;
        if (parse_u64(val, &v) != 0 || v < 1 || v > (reps ? 100000u : 256u))
            return lsi_cli_usage_error(cmd, "bad --%s value '%s' (a whole number from 1 to %u)",
                                       spec->name, val, reps ? 100000u : 256u);
        if (reps) {
            o->reps = (uint32_t)v;
            o->reps_given = 1;
        }
        else
            o->threads = (unsigned)v;
        break;
    }
    case LSI_CLI_OPT_SLO: {
        lagsim_error_t err;
        if (lagsim_parse_slo(val, &o->slo, &err) != LAGSIM_OK)
            return lsi_cli_usage_error(cmd, "bad --slo: %s", err.message);
        o->has_slo = 1;
        break;
    }
    case LSI_CLI_OPT_TRACE:
        if (strcmp(spec->name, "follow") == 0) {
            uint64_t v;
            if (parse_u64(val, &v) != 0 || v < 1 || v > LAGSIM_TRACE_MAX)
                return lsi_cli_usage_error(cmd, "bad --follow value '%s' (a whole number from "
                                                "1 to %d)", val, LAGSIM_TRACE_MAX);
            o->follow = (uint32_t)v;
        } else {
            if (*val == '\0')
                return lsi_cli_usage_error(cmd, "--filter needs an event type");
            o->filter = val;
        }
        break;
    case LSI_CLI_OPT_OUT:
        if (*val == '\0')
            return lsi_cli_usage_error(cmd, "--out needs a file name");
        o->out = val;
        break;
    case LSI_CLI_OPT_PRECISION:
        if (strcmp(spec->name, "max-reps") == 0) {
            uint64_t v;
            if (parse_u64(val, &v) != 0 || v < 2 || v > 100000u)
                return lsi_cli_usage_error(cmd, "bad --max-reps value '%s' (a whole number "
                                                "from 2 to 100000)", val);
            o->max_reps = (uint32_t)v;
            o->max_reps_given = 1;
        } else if (parse_share(val, &o->precision) != 0) {
            return lsi_cli_usage_error(cmd, "bad --precision value '%s' (a share of the mean "
                                            "above 0 and below 1, such as 5%% or 0.05)", val);
        }
        break;
    case LSI_CLI_OPT_HIST:
        if (*val == '\0')
            return lsi_cli_usage_error(cmd, "--hist needs a file name");
        o->hist = val;
        break;
    case LSI_CLI_OPT_ASCII:
        o->ascii = 1;
        break;
    case LSI_CLI_OPT_VARY: {
        if (strcmp(spec->name, "find") == 0) {
            o->find = 1;
            break;
        }
        if (o->n_vary == 2)
            return lsi_cli_usage_error(cmd, "at most two --vary options (a grid of two keys)");
        lagsim_error_t err;
        if (lagsim_parse_vary(val, &o->vary[o->n_vary], &err) != LAGSIM_OK)
            return lsi_cli_usage_error(cmd, "bad --vary: %s", err.message);
        o->n_vary++;
        break;
    }
    case LSI_CLI_OPT_SERIES:
        if (*val == '\0')
            return lsi_cli_usage_error(cmd, "--series needs a file name");
        o->series = val;
        break;
    default:
        break;
    }
    return LSI_CLI_EXIT_OK;
}

/* ---- Parsing ------------------------------------------------------------ */

#define N_SPECS (sizeof opt_specs / sizeof opt_specs[0])

/* The index of the option named `name` in opt_specs, or N_SPECS. */
static size_t spec_index(const char *name)
{
    for (size_t s = 0; s < N_SPECS; s++)
        if (strcmp(opt_specs[s].name, name) == 0)
            return s;
    return N_SPECS;
}

/*
 * "unknown option '--mdoe'; did you mean '--mode'?" among the options
 * `cmd` accepts; an option of another subcommand is named as such.
 */
static int unknown_option(const char *cmd, unsigned accepted, const char *arg)
{
    char name[64];
    const char *bare = arg[0] == '-' && arg[1] == '-' ? arg + 2 : arg + 1;
    const size_t len = strcspn(bare, "=");
    if (len < sizeof name) {
        memcpy(name, bare, len);
        name[len] = '\0';
        const char *names[N_SPECS + 1];
        for (size_t s = 0; s < N_SPECS; s++)
            names[s] = (accepted & opt_specs[s].flag) ? opt_specs[s].name : NULL;
        names[N_SPECS] = "help";
        const char *best = lagsim_suggest(name, names, N_SPECS + 1);
        if (best)
            return lsi_cli_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?", arg,
                                       best);
        if (arg[1] == '-' && spec_index(name) < N_SPECS)
            return lsi_cli_usage_error(cmd, "unknown option '%s' ('lagsim %s' does not "
                                            "take it)", arg, cmd ? cmd : "");
    }
    return lsi_cli_usage_error(cmd, "unknown option '%s'", arg);
}

/*
 * Counts option `spec` given as argv[i] in seen[] and warns on stderr when
 * an option that takes one value is given again ("--mode cloud --mode
 * device": the last wins). --mode and --modes count as one option;
 * --set and --vary are meant to repeat.
 */
static void repeat_warning(const opt_spec_t *spec, unsigned *seen, const char *arg,
                          char **argv, int i, int argc)
{
    size_t idx = spec_index(spec->name);
    if (spec->flag == LSI_CLI_OPT_MODE)
        idx = spec_index("mode");
    if (idx >= N_SPECS || spec->flag == LSI_CLI_OPT_SET || spec->flag == LSI_CLI_OPT_VARY)
        return;
    if (seen[idx]++ == 0)
        return;
    const int joined = strchr(arg, '=') != NULL;
    const char *val = joined ? strchr(arg, '=') + 1 : i + 1 < argc ? argv[i + 1] : "";
    if (spec->is_switch)
        fprintf(stderr, "lagsim: warning: --%s given more than once\n", spec->name);
    else
        fprintf(stderr, "lagsim: warning: --%s given more than once; the last (--%s %s) "
                        "wins\n", opt_specs[idx].name, spec->name, val);
}

/* Warnings on stderr for options given where they change nothing. */
static void inapplicable_warnings(const char *cmd, const lsi_cli_opts_t *o,
                                  const unsigned *seen)
{
    const int compare = cmd && strcmp(cmd, "compare") == 0;
    if (compare && o->mode_mask && (o->mode_mask & (o->mode_mask - 1)) == 0)
        fputs("lagsim: warning: compare with one mode compares nothing; give two or more, "
              "e.g. --modes cloud,device\n", stderr);
    if (o->ascii && o->format != LSI_CLI_FORMAT_TEXT)
        fputs("lagsim: warning: --ascii changes only the text format\n", stderr);
    if (cmd && strcmp(cmd, "run") == 0 && seen[spec_index("threads")] && o->reps == 1 &&
        !(o->precision > 0))
        fputs("lagsim: warning: --threads spreads replications over threads; with one "
              "replication (no --reps or --precision) it changes nothing\n", stderr);
}

void lsi_cli_opts_free(lsi_cli_opts_t *o)
{
    free(o->sets);
    o->sets = NULL;
    o->n_sets = 0;
}

int lsi_cli_parse(int argc, char **argv, const char *cmd, unsigned accepted,
                  lsi_cli_opts_t *o)
{
    memset(o, 0, sizeof *o);
    o->format = LSI_CLI_FORMAT_TEXT;
    o->max_events = LSI_CLI_DEFAULT_MAX_EVENTS;
    o->max_memory = LSI_CLI_DEFAULT_MAX_MEMORY;
    o->reps = 1;
    o->max_reps = LAGSIM_PRECISION_MAX_REPS;
    o->follow = 5;
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    o->threads = lsi_cli_dist_threads(cores > 0 && cores <= 256 ? (unsigned)cores : 1);
    /* At most one --set per argument; +1 so that argc == 0 allocates. */
    o->sets = malloc(((size_t)argc + 1) * sizeof *o->sets);
    if (!o->sets) {
        fputs("lagsim: out of memory\n", stderr);
        return LSI_CLI_EXIT_FAILURE;
    }

    unsigned seen[N_SPECS] = {0}; /* times each option was given */
    int only_positional = 0; /* after "--" */
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (only_positional || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (o->scenario)
                return lsi_cli_usage_error(cmd, "unexpected argument '%s' (one SCENARIO only)", arg);
            o->scenario = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            o->help = 1;
            continue;
        }

        const opt_spec_t *spec = NULL;
        const char *val = NULL;
        if (arg[1] == '-') {
            const char *name = arg + 2;
            const size_t len = strcspn(name, "=");
            for (size_t s = 0; s < sizeof opt_specs / sizeof opt_specs[0]; s++)
                if ((accepted & opt_specs[s].flag) && strlen(opt_specs[s].name) == len &&
                    strncmp(opt_specs[s].name, name, len) == 0)
                    spec = &opt_specs[s];
            if (spec && name[len] == '=')
                val = name + len + 1;
        }
        if (!spec)
            return unknown_option(cmd, accepted, arg);
        repeat_warning(spec, seen, arg, argv, i, argc);
        if (spec->is_switch && val)
            return lsi_cli_usage_error(cmd, "option '--%s' takes no value", spec->name);
        if (!val && !spec->is_switch) {
            if (i + 1 >= argc)
                return lsi_cli_usage_error(cmd, "option '--%s' needs a value", spec->name);
            val = argv[++i];
        }
        const int rc = apply_option(spec, val, cmd, accepted, o);
        if (rc != LSI_CLI_EXIT_OK)
            return rc;
    }
    if (!o->help && !o->scenario)
        return lsi_cli_usage_error(cmd, "missing SCENARIO (a scenario file, e.g. "
                                        "configs/default.ini)");
    if (o->help)
        return LSI_CLI_EXIT_OK;
    if (o->precision > 0 && o->reps_given)
        return lsi_cli_usage_error(cmd, "give --reps N or --precision P, not both");
    if (o->max_reps_given && !(o->precision > 0) && !o->find)
        return lsi_cli_usage_error(cmd, "--max-reps goes with --precision (or sweep --find)");
    if (o->max_reps_given && o->max_reps < o->reps)
        return lsi_cli_usage_error(cmd, "--max-reps %" PRIu32 " is below --reps %" PRIu32,
                                   o->max_reps, o->reps);
    if ((accepted & LSI_CLI_OPT_VARY) && o->n_vary == 0)
        return lsi_cli_usage_error(cmd, "missing --vary SECTION.KEY=FROM..TO[:STEP]");
    if (o->find && !o->has_slo)
        return lsi_cli_usage_error(cmd, "--find needs an --slo: the objective whose boundary "
                                        "it looks for");
    if (o->find && o->n_vary < 1)
        return lsi_cli_usage_error(cmd, "--find takes one --vary (the key it bisects), or "
                                        "two (then the frontier: one boundary per value of "
                                        "the second)");
    inapplicable_warnings(cmd, o, seen);
    return LSI_CLI_EXIT_OK;
}
