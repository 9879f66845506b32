/*
 * cli_main.c - the lagsim command's entry point: picks the subcommand
 * and handles what belongs to no subcommand (--help, --version, help).
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

int main(int argc, char **argv)
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
        if (argc == 3 && !find_command(argv[2]))
            return lsi_cli_usage_error(NULL, "unknown command '%s'", argv[2]);
        lsi_cli_help(stdout, argc == 3 ? argv[2] : NULL);
        return finish(LSI_CLI_EXIT_OK);
    }
    if (arg[0] == '-')
        return lsi_cli_usage_error(NULL, "unknown option '%s'", arg);
    const command_t *cmd = find_command(arg);
    if (!cmd)
        return lsi_cli_usage_error(NULL, "unknown command '%s'", arg);
    return finish(cmd->fn(argc - 2, argv + 2));
}
