/*
 * cli_limits.c - the limits a run is held to, as the command explains
 * them: a scenario refused before it runs (--max-events, --max-memory),
 * and a run stopped by a limit (its results marked partial).
 */
#include "cli.h"

int lsi_cli_check_limits(const lagsim_scenario_t *sc, const lsi_cli_opts_t *o)
{
    const double events = lagsim_scenario_expected_events(sc);
    if (events > (double)o->max_events) {
        fprintf(stderr,
                "lagsim: the scenario would fire about %.3g events per mode (base_rate and "
                "bursts over the horizon), more than --max-events=%.3g; shorten the horizon, "
                "lower the rates, or raise --max-events\n",
                events, (double)o->max_events);
        return LSI_CLI_EXIT_USAGE;
    }
    lagsim_time_t at;
    const double backlog = lagsim_scenario_backlog_bound(sc, &at);
    const double per_event = (double)lagsim_state_bytes_per_event();
    const double bytes = backlog * per_event;
    if (!(bytes <= (double)o->max_memory)) {
        char when[LAGSIM_DURATION_MAX];
        fprintf(stderr,
                "lagsim: the scenario would build a backlog of about %.3g events "
                "(about %.3g GB of state) by %s, offered faster than the pipeline passes "
                "them on (Mixpanel's ingest_limit, outages and failure_rate; in Cloud-mode "
                "Segment's inbound_limit and max_in_flight); more than --max-memory=%.3g GB; "
                "shorten or lower the bursts, raise those limits, or raise --max-memory\n",
                backlog, bytes / 1e9, lagsim_format_duration(when, sizeof when, at),
                (double)o->max_memory / 1e9);
        return LSI_CLI_EXIT_USAGE;
    }
    const double moving = lagsim_scenario_in_flight_estimate(sc);
    if (!(moving * per_event <= (double)o->max_memory)) {
        fprintf(stderr,
                "lagsim: about %.3g events would be on their way at the busiest instant "
                "(the peak rate times the wait in the device's queue, the network trips and Segment's processing; about "
                "%.3g GB of state), more than --max-memory=%.3g GB; lower the rates, or raise "
                "--max-memory\n",
                moving, moving * per_event / 1e9, (double)o->max_memory / 1e9);
        return LSI_CLI_EXIT_USAGE;
    }
    const double series = lagsim_scenario_series_bytes(sc);
    if (series > (double)o->max_memory) {
        fprintf(stderr,
                "lagsim: the Event Delivery series would need up to %.3g GB (one window per "
                "[scenario] series_window over the horizon and the drain limit), more than "
                "--max-memory=%.3g GB; raise series_window, shorten the run, or raise "
                "--max-memory\n",
                series / 1e9, (double)o->max_memory / 1e9);
        return LSI_CLI_EXIT_USAGE;
    }
    return LSI_CLI_EXIT_OK;
}

int lsi_cli_explain_partial(const lagsim_result_t *r, enum lagsim_mode mode,
                            const lsi_cli_opts_t *o)
{
    if (r->partial == LAGSIM_STOP_MEMORY) {
        fprintf(stderr, "lagsim: the %s-mode run stopped when the process's memory passed "
                        "--max-memory=%.3g GB; its results are partial (raise "
                        "--max-memory, or shorten the backlog: lower bursts, a higher "
                        "ingest_limit)\n",
                lagsim_mode_name(mode), (double)o->max_memory / 1e9);
        return 1;
    }
    if (r->partial == LAGSIM_STOP_STUCK) {
        fprintf(stderr, "lagsim: the %s-mode run stopped: more than ten million requests "
                        "at one simulated instant, a zero-delay retry loop; give the "
                        "network, Mixpanel's response_time or the backoff a non-zero "
                        "delay\n",
                lagsim_mode_name(mode));
        return 1;
    }
    if (r->partial == LAGSIM_STOP_EVENTS) { /* not set by the CLI; said all the same */
        fprintf(stderr, "lagsim: the %s-mode run stopped at its limit of engine events; "
                        "its results are partial\n",
                lagsim_mode_name(mode));
        return 1;
    }
    return 0;
}
