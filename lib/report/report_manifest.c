/*
 * report_manifest.c - the manifest that ends a text report, opens a CSV
 * file and sits at the top of a JSON report: the lagsim version, the
 * command line, the scenario file and the FNV-1a 64 hash of its bytes,
 * the seed and the replications (and, when they were chosen for a
 * precision, the rule). Enough to know where a result came from and to
 * run it again.
 */
#include <inttypes.h>
#include <math.h>

#include "lagsim/version.h"
#include "report/report_internal.h"

/* Writes s with control characters shown as '?', so a line stays one line. */
static void put_clean(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

/* Replications, as a phrase: "5 per mode", or the precision rule. */
static void replications_text(FILE *f, const lagsim_manifest_t *m)
{
    fprintf(f, "%" PRIu32 " per %smode", m->replications, m->per_point ? "point and " : "");
    if (m->per_point && m->precision > 0)
        fputs(" at most", f);
    if (m->precision > 0)
        fprintf(f, ", added until every headline figure's 95%% half-width was\n"
                   "                 within %.4g%% of its mean (pilot %" PRIu32 ", cap %" PRIu32 ")",
                100 * m->precision, m->pilot, m->max_reps);
}

void lsi_manifest_text(FILE *f, const lagsim_manifest_t *m)
{
    fputs("\nManifest\n", f);
    fputs("  lagsim         " LAGSIM_VERSION_STRING "\n", f);
    if (m->command) {
        fputs("  command        ", f);
        put_clean(f, m->command);
        fputc('\n', f);
    }
    if (m->scenario_file) {
        fputs("  scenario file  ", f);
        put_clean(f, m->scenario_file);
        fputc('\n', f);
    }
    fprintf(f, "  scenario hash  %016" PRIx64 " (FNV-1a 64 of the file's bytes)\n",
            m->scenario_hash);
    if (m->replay)
        fprintf(f, "  replay hash    %016" PRIx64 " (FNV-1a 64 of the replay CSV's bytes)\n",
                m->replay_hash);
    fprintf(f, "  seed           %" PRIu64 "\n", m->seed);
    fputs("  replications   ", f);
    replications_text(f, m);
    fputc('\n', f);
}

int lagsim_report_manifest_text(FILE *f, const lagsim_manifest_t *m)
{
    lsi_manifest_text(f, m);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}

void lsi_manifest_json(FILE *f, int indent, const lagsim_manifest_t *m,
                       const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    const int in = indent + 2;
    fprintf(f, "%*s\"manifest\": {\n", indent, "");
    fprintf(f, "%*s\"lagsim_version\": \"" LAGSIM_VERSION_STRING "\",\n", in, "");
    fprintf(f, "%*s\"command\": ", in, "");
    if (m->command)
        lagsim_json_string(f, m->command);
    else
        fputs("null", f);
    fprintf(f, ",\n%*s\"scenario_file\": ", in, "");
    if (m->scenario_file)
        lagsim_json_string(f, m->scenario_file);
    else
        fputs("null", f);
    fprintf(f, ",\n%*s\"scenario_fnv1a64\": \"%016" PRIx64 "\",\n", in, "", m->scenario_hash);
    if (m->replay)
        fprintf(f, "%*s\"replay_fnv1a64\": \"%016" PRIx64 "\",\n", in, "", m->replay_hash);
    fprintf(f, "%*s\"seed\": %" PRIu64 ",\n", in, "", m->seed);
    fprintf(f, "%*s\"replications\": %" PRIu32 ",\n", in, "", m->replications);
    fprintf(f, "%*s\"precision\": ", in, "");
    if (!(m->precision > 0)) {
        fputs("null\n", f);
    } else {
        fputs("{\"target\": ", f);
        lsi_json_real(f, m->precision);
        fprintf(f, ", \"pilot\": %" PRIu32 ", \"max_reps\": %" PRIu32, m->pilot, m->max_reps);
        fputs(", \"reached\": {", f);
        int first = 1;
        for (int k = 0; reps && k < LAGSIM_MODE_COUNT; k++) {
            if (!reps[k])
                continue;
            enum lagsim_figure worst;
            const double rel = lagsim_replicated_precision(reps[k], &worst);
            fprintf(f, "%s\"%s\": {\"replications\": %" PRIu32 ", \"worst_figure\": ",
                    first ? "" : ", ", lagsim_mode_name((enum lagsim_mode)k), reps[k]->reps);
            if (worst == LAGSIM_FIG_COUNT)
                fputs("null", f);
            else
                lagsim_json_string(f, lagsim_figure_name(worst));
            fputs(", \"relative_half_width\": ", f);
            lsi_json_real(f, rel);
            fprintf(f, ", \"met\": %s}", rel <= m->precision ? "true" : "false");
            first = 0;
        }
        fputs("}}\n", f);
    }
    fprintf(f, "%*s},\n", indent, "");
}

void lsi_manifest_csv(FILE *f, const lagsim_manifest_t *m)
{
    fputs("# lagsim: " LAGSIM_VERSION_STRING "\n", f);
    if (m->command) {
        fputs("# command: ", f);
        put_clean(f, m->command);
        fputc('\n', f);
    }
    if (m->scenario_file) {
        fputs("# scenario_file: ", f);
        put_clean(f, m->scenario_file);
        fputc('\n', f);
    }
    fprintf(f, "# scenario_fnv1a64: %016" PRIx64 "\n", m->scenario_hash);
    if (m->replay)
        fprintf(f, "# replay_fnv1a64: %016" PRIx64 "\n", m->replay_hash);
    fprintf(f, "# seed: %" PRIu64 "\n", m->seed);
    fprintf(f, "# replications: %" PRIu32 "\n", m->replications);
    if (m->precision > 0)
        fprintf(f, "# precision: %.6g (pilot %" PRIu32 ", cap %" PRIu32 ")\n", m->precision,
                m->pilot, m->max_reps);
}
