/*
 * report_md.c - owns the Markdown reports (--format md) of run, compare
 * (sweep and trace: report_md_sweep.c, report_md_trace.c), and the shared
 * Markdown helpers: the HTML page's verdict and tables as Markdown tables, for
 * pasting into design documents and tickets. The numbers are the ones the
 * HTML page's data tables hold, in the same human units (report_html.c);
 * there are no charts. Cells are escaped for '|'.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/report_svg.h"
#include "report/report_verdict.h"

#define cell lsi_md_cell
#define head lsi_md_head
#define row lsi_md_row
#define manifest_md lsi_md_manifest

typedef const lagsim_replicated_t *const reps_t[LAGSIM_MODE_COUNT];

/* A cell: '|' escaped, line breaks as spaces. */
void lsi_md_cell(FILE *f, const char *s)
{
    fputs("| ", f);
    for (; s && *s; s++) {
        if (*s == '|')
            fputs("\\|", f);
        else if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
    fputc(' ', f);
}

/* A header row and its rule: the first column left-aligned, the rest right. */
void lsi_md_head(FILE *f, const char *const *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cell(f, h[i]);
    fputs("|\n", f);
    for (size_t i = 0; i < n; i++)
        fputs(i ? "| ---: " : "| --- ", f);
    fputs("|\n", f);
}

void lsi_md_row(FILE *f, const char *const *c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cell(f, c[i]);
    fputs("|\n", f);
}

void lsi_md_manifest(FILE *f, const lagsim_manifest_t *m)
{
    if (!m)
        return;
    fputs("\n## Manifest\n\n", f);
    static const char *const h[] = {"", ""};
    head(f, h, 2);
    char buf[64];
    const char *r[2] = {"command", m->command ? m->command : "-"};
    row(f, r, 2);
    r[0] = "scenario file";
    r[1] = m->scenario_file ? m->scenario_file : "-";
    row(f, r, 2);
    snprintf(buf, sizeof buf, "%016" PRIx64 " (FNV-1a 64)", m->scenario_hash);
    r[0] = "scenario hash";
    r[1] = buf;
    row(f, r, 2);
    snprintf(buf, sizeof buf, "%" PRIu64, m->seed);
    r[0] = "seed";
    r[1] = buf;
    row(f, r, 2);
}


/* A count table (report_counts.c): the rows that are not optional zeros. */
static void count_table(FILE *f, enum lsi_count_table t, reps_t reps, const char *const *h,
                        size_t nc)
{
    lsi_count_row_t rows[LSI_COUNT_ROWS_MAX];
    const size_t n = lsi_count_rows(t, reps, rows);
    head(f, h, nc);
    for (size_t i = 0; i < n; i++) {
        if (!lsi_count_shown(&rows[i]))
            continue;
        char cells[LAGSIM_MODE_COUNT][32];
        const char *r[1 + LAGSIM_MODE_COUNT];
        row(f, r, lsi_count_cells(&rows[i], reps, cells, r));
    }
}

int lsi_report_md(FILE *f, const lagsim_scenario_t *sc, reps_t reps, int compare,
                  const lagsim_manifest_t *manifest)
{
    uint32_t n = 0;
    int base = -1;
    const char *h[1 + LAGSIM_MODE_COUNT] = {"figure"};
    size_t nc = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        n = reps[m]->reps > n ? reps[m]->reps : n;
        base = base < 0 ? m : base;
        h[nc++] = lagsim_mode_name((enum lagsim_mode)m);
    }
    char d1[LAGSIM_DURATION_MAX], d2[LAGSIM_DURATION_MAX], verdict[1024];
    fprintf(f, "# lagsim %s: %.*s\n\n", compare ? "compare" : "run", (int)sizeof sc->name,
            sc->name);
    fprintf(f, "Seed %" PRIu64 ", horizon %s, drain limit %s, %" PRIu32
               " replication%s per mode%s.\n",
            sc->seed, lagsim_format_duration(d1, sizeof d1, sc->horizon),
            lagsim_format_duration(d2, sizeof d2, sc->drain_limit), n, n == 1 ? "" : "s",
            n > 1 ? "; counts are pooled over the replications" : "");
    if (base < 0) {
        fputs("\nNo mode ran.\n", f);
        manifest_md(f, manifest);
        return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
    }
    if (!compare) {
        lsi_verdict_run(verdict, sizeof verdict, reps);
        fprintf(f, "\n**%s**\n", verdict);
    }
    for (int m = base + 1; compare && m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        lsi_verdict_compare(verdict, sizeof verdict, reps[base], (enum lagsim_mode)base, reps[m],
                            (enum lagsim_mode)m);
        fprintf(f, "\n**%s**\n", verdict);
    }

    fprintf(f, "\n## Headline figures\n\n%s\n\n",
            n > 1 ? "Mean over the replications ± 95% confidence half-width."
                  : "One replication: the value of that run.");
    head(f, h, nc);
    for (size_t i = 0; i < lsi_headline_n; i++) {
        char cells[LAGSIM_MODE_COUNT][LSI_HEADLINE_CELL];
        const char *r[1 + LAGSIM_MODE_COUNT];
        row(f, r, lsi_headline_row(i, reps, cells, r));
    }

    for (int m = base + 1; compare && m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        fprintf(f, "\n## %s against %s\n\nPaired over %" PRIu32
                   " replications on common random numbers: mean difference %s - %s ± 95%% "
                   "half-width.\n\n",
                lagsim_mode_name((enum lagsim_mode)m), lagsim_mode_name((enum lagsim_mode)base),
                reps[m]->reps, lagsim_mode_name((enum lagsim_mode)m),
                lagsim_mode_name((enum lagsim_mode)base));
        static const char *const dh[] = {"figure", "difference"};
        head(f, dh, 2);
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            lagsim_summary_t d;
            lagsim_replicated_difference(reps[base], reps[m], (enum lagsim_figure)k, &d);
            char v[96];
            lsi_human_mean_hw(v, sizeof v, d.mean, lagsim_summary_half_width(&d, 0.95), (int)d.n,
                              lsi_figure_kind((enum lagsim_figure)k));
            const char *r[2] = {lagsim_figure_name((enum lagsim_figure)k), v};
            row(f, r, 2);
        }
    }

    fputs("\n## Events by how they ended\n\n", f);
    const char *eh[1 + LAGSIM_MODE_COUNT] = {"events"};
    for (size_t i = 1; i < nc; i++)
        eh[i] = h[i];
    count_table(f, LSI_COUNTS_EVENTS, reps, eh, nc);

    fputs("\n## Requests\n\nWhat the senders sent and how they were answered, pooled over "
          "the replications.\n\n",
          f);
    eh[0] = "requests";
    count_table(f, LSI_COUNTS_REQUESTS, reps, eh, nc);

    fputs("\n## Where the time goes\n\nShare of latency to visible per hop: mean event, "
          "and the slowest 1% (p99 tail).\n\n", f);
    const char *hh[1 + 2 * LAGSIM_MODE_COUNT] = {"hop"};
    char hl[LAGSIM_MODE_COUNT][2][40];
    size_t nh = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        snprintf(hl[m][0], sizeof hl[m][0], "%s mean", lagsim_mode_name((enum lagsim_mode)m));
        snprintf(hl[m][1], sizeof hl[m][1], "%s p99 tail", lagsim_mode_name((enum lagsim_mode)m));
        hh[nh++] = hl[m][0];
        hh[nh++] = hl[m][1];
    }
    head(f, hh, nh);
    for (int hop = 0; hop < LAGSIM_HOP_COUNT; hop++) {
        char cells[2 * LAGSIM_MODE_COUNT][40];
        const char *r[1 + 2 * LAGSIM_MODE_COUNT] = {lagsim_hop_name((enum lagsim_hop)hop)};
        size_t c = 1;
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            const lagsim_result_t *p = reps[m]->pooled;
            const int64_t p99 = lagsim_hist_count(p->latency_visible)
                                    ? lagsim_hist_quantile(p->latency_visible, 0.99)
                                    : 0;
            char d[LAGSIM_DURATION_MAX];
            snprintf(cells[c - 1], sizeof cells[0], "%s (%.0f%%)",
                     lsi_html_dur(d, sizeof d,
                                  (int64_t)llround(lagsim_breakdown_mean(p->hops, (unsigned)hop))),
                     100 * lagsim_breakdown_share(p->hops, (unsigned)hop));
            snprintf(cells[c], sizeof cells[0], "%.0f%%",
                     100 * lagsim_breakdown_tail_share(p->hops, (unsigned)hop, p99, NULL));
            r[c] = cells[c - 1];
            r[c + 1] = cells[c];
            c += 2;
        }
        row(f, r, nh);
    }
    manifest_md(f, manifest);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
