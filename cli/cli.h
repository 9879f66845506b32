/*
 * cli.h - what the files of the lagsim command share: parsed options,
 * usage and help text, scenario loading, atomic output, and the
 * subcommands. The command is thin: it parses arguments, calls the
 * library, prints, and turns outcomes into exit statuses.
 */
#ifndef LAGSIM_CLI_H
#define LAGSIM_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lagsim/lagsim.h"

/* Exit statuses. */
enum {
    LSI_CLI_EXIT_OK = 0,      /* success */
    LSI_CLI_EXIT_FAILURE = 1, /* internal failure (I/O, memory, conservation) */
    LSI_CLI_EXIT_USAGE = 2,   /* usage or scenario error */
    LSI_CLI_EXIT_SLO = 3,     /* an --slo was not met */
    LSI_CLI_EXIT_LIMIT = 4,   /* a run stopped by a limit (--max-memory, stuck): partial */
    LSI_CLI_EXIT_SIGINT = 130, /* interrupted by SIGINT: partial results */
    LSI_CLI_EXIT_SIGTERM = 143 /* stopped by SIGTERM: partial results */
};

/* Options a subcommand accepts (--help is always accepted). */
#define LSI_CLI_OPT_MODE 0x01u   /* --mode M */
#define LSI_CLI_OPT_SEED 0x02u   /* --seed N */
#define LSI_CLI_OPT_SET 0x04u    /* --set S.K=V, repeatable */
#define LSI_CLI_OPT_FORMAT 0x08u /* --format text|json (and csv with LSI_CLI_OPT_CSV) */
#define LSI_CLI_OPT_OUT 0x10u    /* --out FILE */
#define LSI_CLI_OPT_LIMITS 0x20u /* --max-events N, --max-memory SIZE */
#define LSI_CLI_OPT_REPS 0x40u   /* --reps N, --threads N */
#define LSI_CLI_OPT_SLO 0x80u    /* --slo EXPR */
#define LSI_CLI_OPT_PRECISION 0x100u /* --precision P, --max-reps N */
#define LSI_CLI_OPT_HIST 0x200u  /* --hist FILE */
#define LSI_CLI_OPT_ASCII 0x400u /* --ascii */
#define LSI_CLI_OPT_VARY 0x800u  /* --vary S.K=FROM..TO[:STEP] (up to two), --find */
#define LSI_CLI_OPT_SERIES 0x1000u /* --series FILE.csv (the Event Delivery series) */
#define LSI_CLI_OPT_TRACE 0x2000u /* --follow N, --filter TYPE */
#define LSI_CLI_OPT_CSV 0x4000u   /* --format csv too (with LSI_CLI_OPT_FORMAT) */

/* Defaults of the limits: a run that would take longer or need more
 * memory than these is refused before it starts. */
#define LSI_CLI_DEFAULT_MAX_EVENTS 1000000000ull          /* 10^9 fired events per mode */
#define LSI_CLI_DEFAULT_MAX_MEMORY (4ull * 1000 * 1000 * 1000) /* 4 GB */

enum lsi_cli_format {
    LSI_CLI_FORMAT_TEXT,
    LSI_CLI_FORMAT_JSON,
    LSI_CLI_FORMAT_CSV,
    LSI_CLI_FORMAT_HTML,
    LSI_CLI_FORMAT_MD
};

/* The options of one subcommand, as given on the command line. */
typedef struct lsi_cli_opts {
    const char *scenario;       /* the SCENARIO argument (NULL with --help) */
    const char **sets;          /* --set values, in order (owned; free with lsi_cli_opts_free) */
    size_t n_sets;
    unsigned mode_mask;         /* --mode as a mask of (1 << mode); 0 if not given */
    int has_seed;               /* 1 if --seed was given */
    uint64_t seed;              /* its value */
    enum lsi_cli_format format; /* --format, text by default */
    const char *out;            /* --out, NULL for stdout */
    const char *series;         /* --series, NULL if not given */
    uint64_t max_events;        /* --max-events (default LSI_CLI_DEFAULT_MAX_EVENTS) */
    uint64_t max_memory;        /* --max-memory in bytes (default LSI_CLI_DEFAULT_MAX_MEMORY) */
    uint32_t reps;              /* --reps, 1 by default */
    int reps_given;             /* 1 if --reps was given */
    int has_slo;                /* 1 if --slo was given */
    lagsim_slo_t slo;           /* its terms */
    unsigned threads;           /* --threads, the number of cores by default */
    double precision;           /* --precision as a share (0.05), 0 if not given */
    uint32_t max_reps;          /* --max-reps (default LAGSIM_PRECISION_MAX_REPS) */
    int max_reps_given;         /* 1 if --max-reps was given */
    const char *hist;           /* --hist FILE, NULL if not given */
    int ascii;                  /* --ascii: plain ASCII charts and marks */
    unsigned n_vary;            /* --vary axes given (0 to 2) */
    lagsim_axis_t vary[2];      /* their axes */
    int find;                   /* --find */
    uint32_t follow;            /* --follow, 5 by default */
    const char *filter;         /* --filter, NULL for every event type */
    int help;                   /* 1 if --help or -h was given */
} lsi_cli_opts_t;

/*
 * Parses argv[0..argc) (the arguments after the subcommand's name) for
 * subcommand `cmd`, accepting the options in `accepted` and exactly one
 * SCENARIO unless --help is given. Returns LSI_CLI_EXIT_OK with *o filled,
 * or LSI_CLI_EXIT_USAGE after printing the problem and a short usage on
 * stderr (or LSI_CLI_EXIT_FAILURE if out of memory). Free *o with
 * lsi_cli_opts_free() in every case.
 */
int lsi_cli_parse(int argc, char **argv, const char *cmd, unsigned accepted,
                  lsi_cli_opts_t *o);

/* Frees what lsi_cli_parse() allocated. */
void lsi_cli_opts_free(lsi_cli_opts_t *o);

/* Writes the full help of `cmd` ("run", "check"), or of lagsim if NULL. */
void lsi_cli_help(FILE *f, const char *cmd);

/*
 * Prints "lagsim: MESSAGE" and the short usage of `cmd` (or of lagsim if
 * NULL) on stderr. Returns LSI_CLI_EXIT_USAGE.
 */
int lsi_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * Allocates *sc and loads into it the scenario named in `o`, with its
 * --set overrides, validated, then --seed and --mode (if given) applied,
 * warns if traffic.scale changes the regime (lsi_cli_scale_warning()),
 * then checks the output paths (lsi_cli_outputs_check()).
 * Returns LSI_CLI_EXIT_OK, or
 * LSI_CLI_EXIT_USAGE after printing the loader's message (it starts with
 * FILE:LINE) on stderr, or LSI_CLI_EXIT_FAILURE if out of memory. The
 * caller frees *sc in every case.
 */
int lsi_cli_scenario_load(const lsi_cli_opts_t *o, lagsim_scenario_t **sc);

/* The FNV-1a 64 hash of the scenario bytes that lsi_cli_scenario_load()
 * read (once: a FIFO or /dev/stdin is hashed as parsed). */
uint64_t lsi_cli_scenario_hash(void);

/* After the runs: whether the replay CSV (if any) is still the file that
 * was checked before them. Returns LSI_CLI_EXIT_OK, or
 * LSI_CLI_EXIT_FAILURE after saying on stderr that it changed. */
int lsi_cli_replay_verify(const lagsim_scenario_t *sc);

/* Where a report goes: stdout, or a file written atomically. */
typedef struct lsi_cli_output {
    FILE *f;          /* write here */
    const char *path; /* the final file, NULL for stdout */
    char *tmp;        /* TARGET.tmp.PID while open (owned) */
    char *target;     /* the file the rename replaces: path with links resolved (owned) */
    int direct;       /* 1: a FIFO or character device, written through */
} lsi_cli_output_t;

/*
 * Checks, before anything runs, every output path in *o (--out, --hist,
 * --series): not an input (the scenario, or sc's replay CSV if sc is not
 * NULL), not a directory, block device or socket, not a symbolic link to
 * a missing file, in a writable directory, and distinct from the other
 * outputs (two outputs may share a character device such as /dev/null).
 * Returns LSI_CLI_EXIT_OK, or LSI_CLI_EXIT_USAGE after saying why on
 * stderr ("lagsim: --out PATH: ...").
 */
int lsi_cli_outputs_check(const lsi_cli_opts_t *o, const lagsim_scenario_t *sc);

/* Unlinks every temporary output file still open; async-signal-safe (for
 * signal handlers that end the process). */
void lsi_cli_output_unlink_temps(void);

/*
 * Opens the output: stdout if `path` is NULL; a FIFO or character device
 * as it is (written through); else TARGET.tmp.PID, which
 * lsi_cli_output_close() renames to TARGET (the path with symbolic links
 * resolved), keeping an existing file's permission bits. Returns
 * LSI_CLI_EXIT_OK, or LSI_CLI_EXIT_FAILURE after printing why on stderr.
 */
int lsi_cli_output_open(lsi_cli_output_t *out, const char *path);

/*
 * Finishes the output. With `commit`, flushes it, checks for write
 * errors and (for a file) syncs it and renames it into place; without,
 * or on any error, removes the temporary file so nothing is left behind.
 * Returns LSI_CLI_EXIT_OK, or LSI_CLI_EXIT_FAILURE after printing why.
 */
int lsi_cli_output_close(lsi_cli_output_t *out, int commit);

/*
 * Installs (once) the SIGINT, SIGTERM and SIGHUP handlers, and the
 * handlers that remove temporary output files on a fatal signal; returns
 * the flag the first set, for lagsim_run_limits_t.interrupt.
 */
const volatile int *lsi_cli_signals_install(void);
/* The signal caught (SIGINT, SIGTERM, SIGHUP), or 0. */
int lsi_cli_signal_caught(void);
/* Its name ("SIGTERM"), and the exit status for it (128 + its number). */
const char *lsi_cli_signal_name(void);
int lsi_cli_signal_status(void);

/*
 * Fills *m for a report of subcommand `cmd` with arguments argv[0..argc)
 * (after the subcommand's name): the command line, less the options that
 * cannot change the results (--threads, --out, --hist), so that the
 * report stays the same for any thread count and wherever it is written;
 * the scenario file and the FNV-1a 64 hash of its bytes; the seed; the
 * replications (set by the caller after the runs). *command receives the
 * command line (free it). Returns LSI_CLI_EXIT_OK, or LSI_CLI_EXIT_FAILURE
 * after printing why on stderr.
 */
int lsi_cli_manifest(const char *cmd, int argc, char **argv, const lsi_cli_opts_t *o,
                     const lagsim_scenario_t *sc, lagsim_manifest_t *m, char **command);

/* The report options of *o: format, ASCII, charts for text. */
lagsim_report_opts_t lsi_cli_report_opts(const lsi_cli_opts_t *o, const lagsim_manifest_t *m);

/*
 * Progress on stderr while the library runs: a line redrawn in place with
 * the time so far and the phase's ETA, only when stderr is a terminal (or
 * LAGSIM_PROGRESS is set), only once a run has taken a second (or the
 * seconds LAGSIM_PROGRESS gives, when it is a number), at most
 * five times a second. lsi_cli_progress is a lagsim_progress_fn with a
 * lsi_cli_progress_t as its context.
 */
typedef struct lsi_cli_progress {
    int enabled;       /* stderr is a terminal */
    double show_after; /* seconds before the line first appears */
    double start;      /* wall time of the first lsi_cli_progress_start() */
    double phase_start; /* wall time of the latest one (the ETA's base) */
    double last;       /* wall time of the last redraw */
    int drawn;         /* a progress line is on the screen */
    char label[160];   /* what is running */
} lsi_cli_progress_t;

/* Starts (or restarts, with a new label) the progress of a phase. */
void lsi_cli_progress_start(lsi_cli_progress_t *p, const char *label);
void lsi_cli_progress(void *ctx, double fraction);
/* Seconds left of a phase `fraction` done after `elapsed` seconds, at
 * the same pace; -1 before 1% or when done. */
double lsi_cli_progress_eta(double elapsed, double fraction);
/* Erases the progress line, if any. */
void lsi_cli_progress_clear(lsi_cli_progress_t *p);

/* Monotonic wall time in seconds. */
double lsi_cli_wall_now(void);

/*
 * The speed line on stderr: "lagsim: N simulated events in W s (X
 * events/s, Y simulated s per wall s)", from the results of every mode
 * (and point) that ran.
 */
void lsi_cli_print_speed(uint64_t events, double simulated_seconds, double wall);

/*
 * Refuses, before anything runs, a scenario that would fire more events
 * than --max-events or build a backlog needing more than --max-memory,
 * saying why on stderr. Returns LSI_CLI_EXIT_OK or LSI_CLI_EXIT_USAGE.
 */
int lsi_cli_check_limits(const lagsim_scenario_t *sc, const lsi_cli_opts_t *o);

/* What a run will cost, estimated before it starts (cli_estimate.c). */
typedef struct lsi_cli_estimate {
    double events;            /* fired events per mode */
    double backlog;           /* the backlog's peak, events */
    lagsim_time_t backlog_at; /* when */
    double memory;            /* bytes: the backlog's state and the series */
    double seconds;           /* wall time of every run, over the threads */
    double cpu_seconds;       /* the same on one core */
    unsigned modes;           /* modes the scenario runs */
} lsi_cli_estimate_t;

/* Fills *e for `runs` runs of the scenario (modes x replications x
 * points) spread over `threads` threads. */
void lsi_cli_estimate(const lagsim_scenario_t *sc, double runs, unsigned threads,
                      lsi_cli_estimate_t *e);
/* "about 7.92M events per mode, backlog peak about ..., run time about 20 s". */
void lsi_cli_estimate_text(const lsi_cli_estimate_t *e, char *buf, size_t n);
/* "lagsim: estimate: ..." on stderr if the runs would take more than 2 s
 * on one core (so whether it shows does not depend on the machine). */
void lsi_cli_estimate_announce(const lagsim_scenario_t *sc, double runs, unsigned threads);
/* The same for an estimate already made. */
void lsi_cli_estimate_say(const lsi_cli_estimate_t *e);
/* A warning on stderr if traffic.scale moves the scenario's peak
 * utilisation of Mixpanel's limit across 1. */
void lsi_cli_scale_warning(const lagsim_scenario_t *sc);

/*
 * If mode's (pooled) result stopped at a limit (memory, or stuck), says so
 * on stderr and returns 1; else returns 0.
 */
int lsi_cli_explain_partial(const lagsim_result_t *r, enum lagsim_mode mode,
                            const lsi_cli_opts_t *o);

/* The subcommands: argv holds the arguments after the subcommand's name. */
int lsi_cli_cmd_run(int argc, char **argv);
int lsi_cli_cmd_check(int argc, char **argv);
int lsi_cli_cmd_compare(int argc, char **argv);
int lsi_cli_cmd_sweep(int argc, char **argv);
int lsi_cli_cmd_trace(int argc, char **argv);

/*
 * cli_dist_mpi.c (lagsim-mpi) or cli_dist_local.c (lagsim): where the
 * replications of a batch run. Under MPI, rank 0 runs the command and
 * the other ranks serve it: they run the units rank 0 hands them and send
 * back the packed results, so rank 0 writes exactly what one process
 * would. Without MPI these do nothing.
 *
 * lsi_cli_dist_serve(): called first thing in main(). Returns 0 on the
 * process that runs the command (rank 0, or any process without MPI);
 * on another rank it serves until rank 0 finishes, then returns 1 with
 * the rank's exit status in *status.
 * lsi_cli_dist_finish(): called with the command's exit status; lets the
 * other ranks go and returns the status to exit with.
 * lsi_cli_executor(): the executor for lagsim_run_limits_t.executor
 * (NULL: this process's threads).
 * lsi_cli_dist_threads(): the default --threads given the machine's
 * cores: all of them, or under MPI each rank's share of its node's.
 * lsi_cli_dist_terminal(): 1 on rank 0 of a job that has a terminal
 * (under mpirun, rank 0's stderr is a pipe even then), for progress.
 */
int lsi_cli_dist_serve(int *argc, char ***argv, int *status);
int lsi_cli_dist_finish(int status);
const lagsim_executor_t *lsi_cli_executor(void);
int lsi_cli_dist_terminal(void);
unsigned lsi_cli_dist_threads(unsigned cores);

#endif /* LAGSIM_CLI_H */
