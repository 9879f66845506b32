/*
 * cmd_check.c - "lagsim check SCENARIO [--set ...]": loads and validates a
 * scenario and prints it fully resolved (every key, defaults included) as
 * INI on stdout. The output is a scenario file that check accepts again.
 */
#include <math.h>
#include <stdlib.h>

#include "cli.h"

int lsi_cli_cmd_check(int argc, char **argv)
{
    lsi_cli_opts_t o;
    lagsim_scenario_t *sc = NULL;
    lsi_cli_output_t out = {0};
    int status = lsi_cli_parse(argc, argv, "check", LSI_CLI_OPT_SET, &o);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    if (o.help) {
        lsi_cli_help(stdout, "check");
        goto done;
    }
    status = lsi_cli_scenario_load(&o, &sc);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    status = lsi_cli_output_open(&out, NULL);
    if (status != LSI_CLI_EXIT_OK)
        goto done;
    const int rc = lagsim_config_write(out.f, sc);
    if (rc == LAGSIM_OK) {
        lsi_cli_estimate_t e;
        char text[256];
        lsi_cli_estimate(sc, 1, 1, &e);
        lsi_cli_estimate_text(&e, text, sizeof text);
        fprintf(out.f, "\n; estimate (per mode, one replication, one thread): %s\n", text);
        const double u = lagsim_scenario_peak_utilisation(sc);
        if (!isnan(u))
            fprintf(out.f, "; peak offered rate / rate Mixpanel accepts: %.3g%s\n", u,
                    u >= 1 ? " (rate-limited)" : "");
    }
    status = lsi_cli_output_close(&out, 1);
    if (rc != LAGSIM_OK && status == LSI_CLI_EXIT_OK) {
        fprintf(stderr, "lagsim: cannot write the scenario: %s\n", lagsim_strerror(rc));
        status = LSI_CLI_EXIT_FAILURE;
    }
done:
    free(sc);
    lsi_cli_opts_free(&o);
    return status;
}
