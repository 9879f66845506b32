/*
 * cli_signals.c - SIGINT, SIGTERM and SIGHUP stop a run cleanly: the
 * handler only records the signal; the library sees the flag between
 * chunks of simulated time and returns partial results, which the CLI
 * prints before exiting with 128 + the signal number. Every exit path
 * then removes the temporary output files.
 *
 * Signals that end the process at once (SIGABRT from an assertion;
 * SIGPIPE when a reader goes away; SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2,
 * SIGXCPU, SIGXFSZ, SIGVTALRM whose default is to terminate; and, outside
 * sanitizer builds, SIGSEGV, SIGBUS, SIGFPE, SIGILL) first unlink the
 * temporary output files (cli_output.c), then die of the same signal with
 * its default action, so no PATH.tmp.PID is left behind. Only SIGKILL
 * (which cannot be caught) can leave one.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define LSI_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define LSI_SANITIZED 1
#endif
#endif

static volatile sig_atomic_t caught_signal;
static volatile int stop_flag;
static int installed;

static void on_signal(int sig)
{
    if (stop_flag) { /* the second one: the user does not want to wait */
        lsi_cli_output_unlink_temps();
        _exit(128 + sig);
    }
    caught_signal = sig;
    stop_flag = 1;
}

static void on_fatal(int sig)
{
    lsi_cli_output_unlink_temps();
    signal(sig, SIG_DFL);
    raise(sig);
}

const volatile int *lsi_cli_signals_install(void)
{
    if (installed)
        return &stop_flag;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);

    static const int fatal[] = {SIGABRT, SIGPIPE, SIGQUIT, SIGALRM, SIGUSR1, SIGUSR2,
                                SIGXCPU, SIGXFSZ, SIGVTALRM,
#ifndef LSI_SANITIZED
                                SIGSEGV, SIGBUS, SIGFPE, SIGILL
#endif
    };
    sa.sa_handler = on_fatal; /* it restores the default action itself */
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++)
        sigaction(fatal[i], &sa, NULL);
    return &stop_flag;
}

int lsi_cli_signal_caught(void)
{
    return (int)caught_signal;
}

const char *lsi_cli_signal_name(void)
{
    switch (caught_signal) {
    case SIGTERM:
        return "SIGTERM";
    case SIGHUP:
        return "SIGHUP";
    default:
        return "SIGINT";
    }
}

int lsi_cli_signal_status(void)
{
    return caught_signal ? 128 + (int)caught_signal : LSI_CLI_EXIT_SIGINT;
}
