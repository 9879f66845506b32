/*
 * cli_scenario.c - reading the scenario file for a subcommand: the
 * library reads it once, hashes exactly the bytes it parses, loads and
 * validates it; this file turns a failure into a message on stderr and
 * exit status 2, applies --seed and --mode, and checks the output paths
 * against the inputs before anything runs.
 */
#include <stdlib.h>

#include "cli.h"

/* FNV-1a 64 of the scenario bytes read by the last load (one per process). */
static uint64_t scenario_hash;

uint64_t lsi_cli_scenario_hash(void)
{
    return scenario_hash;
}

int lsi_cli_replay_verify(const lagsim_scenario_t *sc)
{
    char msg[LAGSIM_ERROR_MAX];
    if (!sc || lagsim_replay_verify(sc, msg, sizeof msg) == LAGSIM_OK)
        return LSI_CLI_EXIT_OK;
    fprintf(stderr, "lagsim: ERROR: replay file %s\n", msg);
    return LSI_CLI_EXIT_FAILURE;
}

int lsi_cli_scenario_load(const lsi_cli_opts_t *o, lagsim_scenario_t **out)
{
    lagsim_scenario_t *sc = malloc(sizeof *sc); /* large: kept off the stack */
    *out = sc;
    if (!sc) {
        fputs("lagsim: out of memory\n", stderr);
        return LSI_CLI_EXIT_FAILURE;
    }
    lagsim_error_t err;
    err.message[0] = '\0';
    const int rc =
        lagsim_config_load_hashed(o->scenario, o->sets, o->n_sets, sc, &scenario_hash, &err);
    if (rc == LAGSIM_OK) {
        if (o->has_seed)
            sc->seed = o->seed;
        if (o->mode_mask)
            sc->mode_mask = o->mode_mask;
        lsi_cli_scale_warning(sc);
        return lsi_cli_outputs_check(o, sc);
    }
    /* The message already starts with FILE:LINE; print it as it is. */
    if (err.message[0])
        fprintf(stderr, "%s\n", err.message);
    else
        fprintf(stderr, "%s: %s\n", o->scenario, lagsim_strerror(rc));
    return rc == LAGSIM_ENOMEM ? LSI_CLI_EXIT_FAILURE : LSI_CLI_EXIT_USAGE;
}
