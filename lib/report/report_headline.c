/*
 * report_headline.c - the headline figures of replicated results, as
 * every format shows them: which figures, in which order, with which
 * labels, and one cell "mean ± 95% half-width" in the figure's human unit
 * (report_svg.c's lsi_human_mean_hw). Text, HTML and Markdown share them,
 * so the three tables list the same rows.
 */
#include "report/report_internal.h"
#include "report/report_svg.h"

const lsi_headline_row_t lsi_headline_rows[] = {
    {LAGSIM_FIG_VISIBLE_SHARE, "visible share"},
    {LAGSIM_FIG_VISIBLE_P50, "p50 to visible"},
    {LAGSIM_FIG_VISIBLE_P90, "p90 to visible"},
    {LAGSIM_FIG_VISIBLE_P99, "p99 to visible"},
    {LAGSIM_FIG_VISIBLE_P999, "p99.9 to visible"},
    {LAGSIM_FIG_VISIBLE_MAX, "max to visible"},
    {LAGSIM_FIG_VISIBLE_MEAN, "mean to visible"},
    {LAGSIM_FIG_DELIVERED_P99, "p99 to delivered"},
    {LAGSIM_FIG_DROPPED, "dropped"},
    {LAGSIM_FIG_429, "429 responses"},
    {LAGSIM_FIG_RETRIES, "retries"},
    {LAGSIM_FIG_BACKLOG_PEAK, "backlog peak"},
    {LAGSIM_FIG_DRAIN_TIME, "drain time"},
};
const size_t lsi_headline_n = sizeof lsi_headline_rows / sizeof lsi_headline_rows[0];

size_t lsi_headline_row(size_t i, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                        char cells[LAGSIM_MODE_COUNT][LSI_HEADLINE_CELL], const char **row)
{
    const lsi_headline_row_t *hr = &lsi_headline_rows[i];
    size_t k = 0;
    row[k++] = hr->label;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        lsi_headline_cell(cells[k - 1], LSI_HEADLINE_CELL, &reps[m]->figure[hr->fig], hr->fig);
        row[k] = cells[k - 1];
        k++;
    }
    return k;
}

void lsi_headline_cell(char *buf, size_t size, const lagsim_summary_t *s, enum lagsim_figure fig)
{
    lsi_human_mean_hw(buf, size, s->mean, lagsim_summary_half_width(s, 0.95), (int)s->n,
                      lsi_figure_kind(fig));
}
