/*
 * writer.c - lagsim_config_write(): the fully resolved scenario as a
 * scenario file, every section and key with its value (defaults
 * included), in the syntax the loader reads.
 *
 * Design: walks the key table of keys.c, so the writer cannot forget a
 * key the loader knows. Values are printed by the printers of units.c
 * and dist_parse.c, which choose the shortest spelling that reads back
 * exactly: loading the output gives back an equal scenario.
 */
#include <stdio.h>

#include "config/config_internal.h"

/* Writes "[name]" and every key of a section from base. */
static int write_section(FILE *f, enum lsi_section_kind kind, const char *instance,
                         const void *base)
{
    const lsi_section_def_t *def = &lsi_sections[kind];
    if ((instance ? fprintf(f, "\n[%s.%s]\n", def->name, instance)
                  : fprintf(f, "\n[%s]\n", def->name)) < 0)
        return -1;
    for (size_t i = 0; i < def->n_keys; i++)
        if (lsi_key_write(f, &def->keys[i], base) != 0)
            return -1;
    return 0;
}

/* What the scan found, as a comment (the loader ignores it). */
static int write_replay_note(FILE *f, const lagsim_scenario_t *sc)
{
    const lagsim_replay_t *r = &sc->replay;
    if (!r->file[0])
        return 0;
    char a[LSI_FMT_MAX], b[LSI_FMT_MAX];
    lagsim_format_timestamp(r->first_at, 0, a, sizeof a);
    lagsim_format_timestamp(r->last_at, 0, b, sizeof b);
    return fprintf(f, "; %llu rows, at %ss to %ss; %llu of them inside the horizon\n",
                   (unsigned long long)r->rows, a, b, (unsigned long long)r->fired) < 0 ? -1 : 0;
}

int lagsim_config_write(FILE *f, const lagsim_scenario_t *sc)
{
    int bad = fprintf(f, "; lagsim scenario, fully resolved: every key with its value\n") < 0;
    for (int k = 0; k < LSI_SEC_COUNT && !bad; k++) {
        switch ((enum lsi_section_kind)k) {
        case LSI_SEC_BURST:
            for (unsigned i = 0; i < sc->n_bursts && !bad; i++)
                bad = write_section(f, LSI_SEC_BURST, sc->bursts[i].name, &sc->bursts[i]);
            break;
        case LSI_SEC_RAMP:
            for (unsigned i = 0; i < sc->n_ramps && !bad; i++)
                bad = write_section(f, LSI_SEC_RAMP, sc->ramps[i].name, &sc->ramps[i]);
            break;
        case LSI_SEC_REPLAY:
            bad = write_section(f, LSI_SEC_REPLAY, NULL, sc) || write_replay_note(f, sc);
            break;
        case LSI_SEC_EVENT:
            for (unsigned i = 0; i < sc->n_event_types && !bad; i++)
                bad = write_section(f, LSI_SEC_EVENT, sc->event_types[i].name,
                                    &sc->event_types[i]);
            break;
        case LSI_SEC_CLIENT:
            for (unsigned i = 0; i < sc->n_clients && !bad; i++)
                bad = write_section(f, LSI_SEC_CLIENT, sc->clients[i].name, &sc->clients[i]);
            break;
        case LSI_SEC_ALERT:
            for (unsigned i = 0; i < sc->n_alerts && !bad; i++)
                bad = write_section(f, LSI_SEC_ALERT, sc->alerts[i].name, &sc->alerts[i]);
            break;
        case LSI_SEC_SCENARIO:
        case LSI_SEC_TRAFFIC:
        case LSI_SEC_NETWORK:
        case LSI_SEC_SEGMENT:
        case LSI_SEC_MIXPANEL:
        case LSI_SEC_SAMPLING:
            bad = write_section(f, (enum lsi_section_kind)k, NULL, sc);
            break;
        case LSI_SEC_COUNT:
            break;
        }
    }
    if (bad || ferror(f))
        return LAGSIM_EIO;
    return LAGSIM_OK;
}
