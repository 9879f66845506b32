/*
 * report_theory.c - renders lagsim_theory_compare(): a "Theory vs
 * simulation" section per mode in text reports, and a "theory" array per
 * mode in JSON.
 *
 * Central idea: the figures go in a small aligned table (theory,
 * simulated, whether they agree and by how much) that stays within 80
 * columns; the notes, which explain each formula and, when the two differ,
 * why they may, follow as wrapped paragraphs. Numbers are formatted as
 * the rest of the report formats them (durations, counts with thousands
 * separators), so the same results give the same bytes.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/report.h"
#include "report/report_internal.h"
#include "report/report_theory.h"

#define WRAP 78 /* notes are wrapped to this many columns */

/* A figure in its unit: a duration, or a count with thousands separators. */
static void fmt_value(char *buf, size_t size, double x, const char *unit)
{
    if (!isfinite(x)) {
        snprintf(buf, size, "-");
        return;
    }
    if (strcmp(unit, "s") == 0) {
        char d[LAGSIM_DURATION_MAX];
        snprintf(buf, size, "%s",
                 lagsim_format_duration(d, sizeof d, (lagsim_time_t)llround(x * LAGSIM_SEC)));
        return;
    }
    char digits[32], out[48];
    snprintf(digits, sizeof digits, "%.0f", x < 0 ? 0 : x);
    const size_t len = strlen(digits);
    size_t o = 0;
    for (size_t i = 0; i < len && o + 2 < sizeof out; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
}

/* "agrees", "DIFFERS (+42%)", or "-" when either side is missing. */
static void fmt_verdict(char *buf, size_t size, const lagsim_theory_item_t *it)
{
    if (it->agrees < 0)
        snprintf(buf, size, "-");
    else if (it->agrees)
        snprintf(buf, size, "agrees");
    else if (it->theory != 0)
        snprintf(buf, size, "DIFFERS (%+.0f%%)", 100 * (it->simulated - it->theory) / fabs(it->theory));
    else
        snprintf(buf, size, "DIFFERS");
}

void lsi_report_wrap(FILE *f, const char *first, int indent, int width, const char *text)
{
    fputs(first, f);
    const char *last_line = strrchr(first, '\n');
    int col = (int)strlen(last_line ? last_line + 1 : first);
    const char *p = text;
    for (;;) {
        while (*p == ' ')
            p++;
        const size_t len = strcspn(p, " ");
        if (len == 0)
            break;
        if (col > indent && col + 1 + (int)len > width) {
            fprintf(f, "\n%*s", indent, "");
            col = indent;
        } else {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, len, f);
        col += (int)len;
        p += len;
    }
    fputc('\n', f);
}

void lsi_report_theory_text(FILE *f, const lagsim_scenario_t *sc,
                            const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!results[m])
            continue;
        lagsim_theory_t th;
        lagsim_theory_compare(sc, results[m], &th);
        fprintf(f, "\nTheory vs simulation, %s mode (back-of-envelope; agrees = within %.0f%%)\n",
                lagsim_mode_name((enum lagsim_mode)m), 100 * (th.n ? th.item[0].tolerance : 0.1));
        fprintf(f, "  %-26s %11s %12s\n", "", "theory", "simulated");
        for (unsigned i = 0; i < th.n; i++) {
            const lagsim_theory_item_t *it = &th.item[i];
            char a[48], b[48], v[32];
            fmt_value(a, sizeof a, it->theory, it->unit);
            fmt_value(b, sizeof b, it->simulated, it->unit);
            fmt_verdict(v, sizeof v, it);
            fprintf(f, "  %-26s %11s %12s   %s\n", it->label, a, b, v);
        }
        for (unsigned i = 0; i < th.n; i++) {
            char first[64];
            snprintf(first, sizeof first, "  - %s:", th.item[i].label);
            lsi_report_wrap(f, first, 4, WRAP, th.item[i].note);
        }
    }
}


void lsi_report_theory_json(FILE *f, int indent, const lagsim_scenario_t *sc,
                            const lagsim_result_t *r)
{
    lagsim_theory_t th;
    lagsim_theory_compare(sc, r, &th);
    fputs("[", f);
    for (unsigned i = 0; i < th.n; i++) {
        const lagsim_theory_item_t *it = &th.item[i];
        fprintf(f, "%s\n%*s{\"name\": ", i ? "," : "", indent + 2, "");
        lagsim_json_string(f, it->name);
        fputs(", \"label\": ", f);
        lagsim_json_string(f, it->label);
        fputs(", \"unit\": ", f);
        lagsim_json_string(f, it->unit);
        fputs(", \"theory\": ", f);
        lsi_json_real(f, it->theory);
        fputs(", \"simulated\": ", f);
        lsi_json_real(f, it->simulated);
        fputs(", \"tolerance\": ", f);
        lsi_json_real(f, it->tolerance);
        fprintf(f, ", \"agrees\": %s, \"note\": ",
                it->agrees < 0 ? "null" : it->agrees ? "true" : "false");
        lagsim_json_string(f, it->note);
        fputs("}", f);
    }
    if (th.n)
        fprintf(f, "\n%*s", indent, "");
    fputs("]", f);
}
