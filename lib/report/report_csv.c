/*
 * report_csv.c - owns lagsim_report_csv(): the summary of run and
 * compare as CSV for spreadsheets, and the CSV cell printers the other
 * report files use.
 *
 * Central idea: one row per mode with one column per figure (and its 95%
 * half-width next to it), so a spreadsheet reads the file as a table with
 * no reshaping; the manifest goes first as '#' lines, which spreadsheet
 * imports and pandas (comment='#') skip. Numbers carry no thousands
 * separators or units: seconds, shares in [0, 1], counts.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "report/report_internal.h"

void lsi_csv_number(FILE *f, double x)
{
    /* A whole number that a double holds exactly prints in full
     * (1000000001, not 1e+09); others with 9 significant digits. */
    if (isfinite(x) && x == floor(x) && fabs(x) <= 9007199254740992.0)
        fprintf(f, "%.0f", x);
    else if (isfinite(x))
        fprintf(f, "%.9g", x);
}

void lsi_csv_text(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* ",mean,half-width" of a summary; empty cells when undefined. */
static void csv_summary(FILE *f, const lagsim_summary_t *s)
{
    fputc(',', f);
    if (s->n)
        lsi_csv_number(f, s->mean);
    fputc(',', f);
    lsi_csv_number(f, lagsim_summary_half_width(s, 0.95));
}

static void csv_header(FILE *f)
{
    fputs("mode,kind,replications,fired_total,visible_total,delivered_total,dropped_total,"
          "sampled_total,in_flight_total,requests_total,retries_total,conserved,warmup_s", f);
    for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
        const char *name = lagsim_figure_name((enum lagsim_figure)k);
        fprintf(f, ",%s,%s_hw95", name, name);
    }
    fputc('\n', f);
}

static void csv_mode_row(FILE *f, enum lagsim_mode mode, const lagsim_replicated_t *r)
{
    const lagsim_result_t *p = r->pooled;
    uint64_t dropped = 0; /* losses: every reason but sampling, a policy */
    for (int d = 0; d < LAGSIM_DROP_COUNT; d++)
        if (d != LAGSIM_DROP_SAMPLED)
            dropped += p->dropped[d];
    fprintf(f, "%s,result,%" PRIu32 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
               ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%s",
            lagsim_mode_name(mode), r->reps, p->fired, p->visible, p->delivered, dropped,
            p->dropped[LAGSIM_DROP_SAMPLED], p->in_flight, p->requests, p->retries,
            p->conserved ? "true" : "false");
    fputc(',', f);
    lsi_csv_number(f, (double)r->warmup.cut / LAGSIM_SEC);
    for (int k = 0; k < LAGSIM_FIG_COUNT; k++)
        csv_summary(f, &r->figure[k]);
    fputc('\n', f);
}

int lagsim_report_csv(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                      int compare, const lagsim_manifest_t *manifest)
{
    if (manifest)
        lsi_manifest_csv(f, manifest);
    csv_header(f);
    int base = -1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        if (base < 0)
            base = m;
        csv_mode_row(f, (enum lagsim_mode)m, reps[m]);
    }
    for (int m = base + 1; compare && base >= 0 && m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        fprintf(f, "%s-%s,difference,%" PRIu32 ",,,,,,,,,,", lagsim_mode_name((enum lagsim_mode)m),
                lagsim_mode_name((enum lagsim_mode)base),
                reps[m]->reps < reps[base]->reps ? reps[m]->reps : reps[base]->reps);
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            lagsim_summary_t d;
            lagsim_replicated_difference(reps[base], reps[m], (enum lagsim_figure)k, &d);
            csv_summary(f, &d);
        }
        fputc('\n', f);
    }
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
