/*
 * cli_main.c - the lagsim command's entry point: picks the subcommand
 * and handles what belongs to no subcommand (--help, --version, help),
 * also when given after one (`lagsim run --version`, `lagsim help help`).
 */
#include <string.h>

#include "cli.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
} command_t;

static const command_t commands[] = {
    {"run", lsi_cli_cmd_run},
    {"check", lsi_cli_cmd_check},
    {"compare", lsi_cli_cmd_compare},
    {"sweep", lsi_cli_cmd_sweep},
    {"trace", lsi_cli_cmd_trace},
};

static const command_t *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* "unknown command 'rn'; did you mean 'run'?" (exit status 2). */
static int unknown_command(const char *name)
{
    const char *names[] = {"run", "check", "compare", "sweep", "trace", "help"};
    const char *best = lagsim_suggest(name, names, sizeof names / sizeof names[0]);
    if (best)
        return lsi_cli_usage_error(NULL, "unknown command '%s'; did you mean '%s'?", name, best);
    return lsi_cli_usage_error(NULL, "unknown command '%s'", name);
}

/*
 * Flushes stdout: a write error there (a full disk, /dev/full) not
 * already reported by the subcommand fails the run.
 */
static int finish(int status)
{
    const int failed = fflush(stdout) != 0 || ferror(stdout);
    if (failed && status == LSI_CLI_EXIT_OK) {
        fputs("lagsim: error writing standard output\n", stderr);
        status = LSI_CLI_EXIT_FAILURE;
    }
    return status;
}

static const char help_help[] =
    "usage: lagsim help [COMMAND]\n"
    "\n"
    "Shows the help of COMMAND (run, compare, sweep, trace, check or help), or\n"
    "without one, lagsim's commands, options and exit statuses. 'lagsim COMMAND\n"
    "--help' shows the same. The manual pages lagsim(1) and lagsim-scenario(5)\n"
    "tell the whole story.\n"
    "\n"
    "Exit status: 0 success, 2 an unknown command.\n";

/*
 * -h/--help or -V/--version among a subcommand's arguments (before a
 * "--"): 'h' or 'V', else 0. They win over everything else given, as in
 * most tools, so `lagsim run --version` works without a scenario.
 */
static int help_or_version(int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
            return 'h';
        if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0)
            return 'V';
    }
    return 0;
}

/* The command line, on the process that runs the command. */
static int run_command(int argc, char **argv)
{
    if (argc < 2)
        return lsi_cli_usage_error(NULL, "no command given");
    const char *arg = argv[1];

    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        lsi_cli_help(stdout, NULL);
        return finish(LSI_CLI_EXIT_OK);
    }
    if (strcmp(arg, "-V") == 0 || strcmp(arg, "--version") == 0) {
        fputs("lagsim " LAGSIM_VERSION_STRING "\n", stdout);
        return finish(LSI_CLI_EXIT_OK);
    }
    if (strcmp(arg, "help") == 0) {
        if (argc > 3)
            return lsi_cli_usage_error(NULL, "help takes at most one command");
        if (argc == 3 && strcmp(argv[2], "help") == 0) {
            fputs(help_help, stdout);
            return finish(LSI_CLI_EXIT_OK);
        }
        if (argc == 3 && !find_command(argv[2]))
            return unknown_command(argv[2]);
        lsi_cli_help(stdout, argc == 3 ? argv[2] : NULL);
        return finish(LSI_CLI_EXIT_OK);
    }
    if (arg[0] == '-')
        return lsi_cli_usage_error(NULL, "unknown option '%s'", arg);
    const command_t *cmd = find_command(arg);
    if (!cmd)
        return unknown_command(arg);
    switch (help_or_version(argc - 2, argv + 2)) {
    case 'h':
        lsi_cli_help(stdout, cmd->name);
        return finish(LSI_CLI_EXIT_OK);
    case 'V':
        fputs("lagsim " LAGSIM_VERSION_STRING "\n", stdout);
        return finish(LSI_CLI_EXIT_OK);
    default:
        break;
    }
    return finish(cmd->fn(argc - 2, argv + 2));
}

int main(int argc, char **argv)
{
    int status = 0;
    if (lsi_cli_dist_serve(&argc, &argv, &status))
        return status; /* another rank of lagsim-mpi: it served rank 0 */
    return lsi_cli_dist_finish(run_command(argc, argv));
}
