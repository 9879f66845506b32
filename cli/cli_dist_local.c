/*
 * cli_dist_local.c - the plain lagsim's stand-in for cli_dist_mpi.c: one
 * process, whose own threads run every batch (see cli.h). Built into
 * build/lagsim; build/lagsim-mpi has cli_dist_mpi.c in its place.
 */
#include <stddef.h>

#include "cli.h"

int lsi_cli_dist_serve(int *argc, char ***argv, int *status)
{
    (void)argc;
    (void)argv;
    (void)status;
    return 0;
}

int lsi_cli_dist_finish(int status)
{
    return status;
}

const lagsim_executor_t *lsi_cli_executor(void)
{
    return NULL;
}

int lsi_cli_dist_terminal(void)
{
    return 0;
}

unsigned lsi_cli_dist_threads(unsigned cores)
{
    return cores;
}
