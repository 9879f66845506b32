/*
 * cli_signals.c - SIGINT and SIGTERM stop a run cleanly: the handler only
 * records the signal; the library sees the flag between chunks of
 * simulated time and returns partial results, which the CLI prints
 * before exiting with 128 + the signal number.
 */
#include <signal.h>
#include <string.h>

#include "cli.h"

static volatile sig_atomic_t caught_signal;
static volatile int stop_flag;

static void on_signal(int sig)
{
    caught_signal = sig;
    stop_flag = 1;
}

const volatile int *lsi_cli_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return &stop_flag;
}

int lsi_cli_signal_caught(void)
{
    return (int)caught_signal;
}
