/*
 * cli_manifest.c - what a report records about how it was made (see
 * lagsim_manifest_t): the command line as a shell would read it back,
 * the scenario file's hash, the seed; and the report options that follow
 * from the command line.
 *
 * The options that cannot change the figures (--threads, --out, --hist)
 * are left out of the recorded command line, so the same run gives the
 * same bytes for any thread count and wherever it is written.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Options left out of the recorded command line. */
static int is_placement_option(const char *name, size_t len)
{
    static const char *const names[] = {"threads", "out", "hist"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return 1;
    return 0;
}

/* Options that take no value. */
static int is_switch(const char *name, size_t len)
{
    static const char *const names[] = {"ascii", "find", "help"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0)
            return 1;
    return 0;
}

/* Appends s to the growing string *buf, single-quoted if a shell needs it. */
static int append_word(char **buf, size_t *len, size_t *cap, const char *s)
{
    const int plain = *s != '\0' &&
                      strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "0123456789_./=:,+%@-") == strlen(s);
    const size_t need = *len + 4 * strlen(s) + 4;
    if (need > *cap) {
        const size_t cap2 = need * 2;
        char *p = realloc(*buf, cap2);
        if (!p)
            return -1;
        *buf = p;
        *cap = cap2;
    }
    char *o = *buf + *len;
    if (*len)
        *o++ = ' ';
    if (plain) {
        memcpy(o, s, strlen(s));
        o += strlen(s);
    } else {
        *o++ = '\'';
        for (; *s; s++) {
            if (*s == '\'') {
                memcpy(o, "'\\''", 4);
                o += 4;
            } else {
                *o++ = *s;
            }
        }
        *o++ = '\'';
    }
    *o = '\0';
    *len = (size_t)(o - *buf);
    return 0;
}

/* "lagsim CMD ARGS..." without the placement options; NULL if out of memory. */
static char *command_line(const char *cmd, int argc, char **argv)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int ok = append_word(&buf, &len, &cap, "lagsim") == 0 &&
             append_word(&buf, &len, &cap, cmd) == 0;
    int positional = 0;
    for (int i = 0; ok && i < argc; i++) {
        const char *a = argv[i];
        if (positional || strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            positional |= strcmp(a, "--") == 0;
            ok = append_word(&buf, &len, &cap, a) == 0;
            continue;
        }
        const char *name = a + 2;
        const size_t n = strcspn(name, "=");
        const int takes_next = name[n] != '=' && !is_switch(name, n) && i + 1 < argc;
        if (is_placement_option(name, n)) {
            i += takes_next;
            continue;
        }
        ok = append_word(&buf, &len, &cap, a) == 0;
        if (ok && takes_next)
            ok = append_word(&buf, &len, &cap, argv[++i]) == 0;
    }
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

int lsi_cli_manifest(const char *cmd, int argc, char **argv, const lsi_cli_opts_t *o,
                     const lagsim_scenario_t *sc, lagsim_manifest_t *m, char **command)
{
    memset(m, 0, sizeof *m);
    *command = command_line(cmd, argc, argv);
    if (!*command) {
        fputs("lagsim: out of memory\n", stderr);
        return LSI_CLI_EXIT_FAILURE;
    }
    m->scenario_hash = lsi_cli_scenario_hash(); /* of the bytes parsed, read once */
    if (sc->replay.file[0]) {
        m->replay = 1;
        m->replay_hash = sc->replay.hash;
    }
    m->command = *command;
    m->scenario_file = o->scenario;
    m->seed = sc->seed;
    m->replications = o->reps;
    if (o->precision > 0) {
        m->precision = o->precision;
        m->max_reps = o->max_reps;
        m->pilot = o->max_reps < LAGSIM_PRECISION_PILOT ? o->max_reps : LAGSIM_PRECISION_PILOT;
    }
    return LSI_CLI_EXIT_OK;
}

lagsim_report_opts_t lsi_cli_report_opts(const lsi_cli_opts_t *o, const lagsim_manifest_t *m)
{
    lagsim_report_opts_t r;
    memset(&r, 0, sizeof r);
    r.format = o->format == LSI_CLI_FORMAT_JSON  ? LAGSIM_REPORT_JSON
               : o->format == LSI_CLI_FORMAT_CSV ? LAGSIM_REPORT_CSV
               : o->format == LSI_CLI_FORMAT_HTML ? LAGSIM_REPORT_HTML
               : o->format == LSI_CLI_FORMAT_MD   ? LAGSIM_REPORT_MD
                                                 : LAGSIM_REPORT_TEXT;
    r.manifest = m;
    r.ascii = o->ascii;
    r.charts = r.format == LAGSIM_REPORT_TEXT;
    return r;
}
