/*
 * report_html_sweep.c - owns the HTML report of sweep: with one varied
 * key, every headline figure against the key, one line per mode with its
 * 95% confidence band, the SLO's line where it bounds that figure, and
 * (--find) the probes marked as met or not; with two keys, a heat map per
 * mode of p99 latency to visible with the SLO's contour (the cells where
 * it holds are outlined). Every chart's numbers are in a <details> table.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"
#include "report/report_svg.h"

#define W 880.0

static const char *mname(int m)
{
    return lagsim_mode_name((enum lagsim_mode)m);
}

/* The axis value in plain units (durations in seconds). */
static double plain(const lagsim_axis_t *a, double v)
{
    return a->unit == LAGSIM_UNIT_DURATION ? v / 1e6 : v;
}

static void axis_label(char *buf, size_t size, const lagsim_axis_t *a)
{
    const char *u = "";
    switch (a->unit) {
    case LAGSIM_UNIT_DURATION: u = " (time)"; break;
    case LAGSIM_UNIT_RATE: u = " (per second)"; break;
    case LAGSIM_UNIT_BYTE_RATE: u = " (bytes per second)"; break;
    case LAGSIM_UNIT_SIZE: u = " (bytes)"; break;
    case LAGSIM_UNIT_FRACTION: u = " (fraction)"; break;
    case LAGSIM_UNIT_COUNT:
    case LAGSIM_UNIT_NUMBER: break;
    }
    snprintf(buf, size, "%s%s", a->key, u);
}

static void value_label(char *buf, size_t size, const lagsim_axis_t *a, double v)
{
    if (a->unit == LAGSIM_UNIT_DURATION)
        lsi_svg_time_label(buf, size, v / 1e6);
    else
        snprintf(buf, size, "%.6g", v);
}

static const char *figure_title(enum lagsim_figure k)
{
    switch (k) {
    case LAGSIM_FIG_VISIBLE_SHARE: return "Share of events visible";
    case LAGSIM_FIG_VISIBLE_P50: return "p50 latency to visible";
    case LAGSIM_FIG_VISIBLE_P90: return "p90 latency to visible";
    case LAGSIM_FIG_VISIBLE_P99: return "p99 latency to visible";
    case LAGSIM_FIG_VISIBLE_P999: return "p99.9 latency to visible";
    case LAGSIM_FIG_VISIBLE_MAX: return "Largest latency to visible";
    case LAGSIM_FIG_VISIBLE_MEAN: return "Mean latency to visible";
    case LAGSIM_FIG_DELIVERED_P99: return "p99 latency to delivered";
    case LAGSIM_FIG_DROPPED: return "Events dropped";
    case LAGSIM_FIG_429: return "429 responses";
    case LAGSIM_FIG_RETRIES: return "Retries";
    case LAGSIM_FIG_BACKLOG_PEAK: return "Backlog peak";
    case LAGSIM_FIG_DRAIN_TIME: return "Drain time after the horizon";
    case LAGSIM_FIG_COUNT: break;
    }
    return "?";
}

static const char *figure_unit(enum lagsim_figure k)
{
    switch (lsi_figure_kind(k)) {
    case 1: return "time";
    case 2: return "share";
    default: break;
    }
    return k == LAGSIM_FIG_BACKLOG_PEAK || k == LAGSIM_FIG_DROPPED ? "events" : "responses";
}

/* The figure chart of a one-key sweep. */
static void figure_chart(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                         const lagsim_find_t *find, enum lagsim_figure k)
{
    const lagsim_axis_t *a = &sw->axis[0];
    double xlo = INFINITY, xhi = -INFINITY, yhi = 0, ylo = 0, ymean_max = 0;
    for (uint32_t i = 0; i < sw->n_points; i++) {
        const lagsim_sweep_point_t *p = &sw->points[i];
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!p->reps[m])
                continue;
            const double x = plain(a, p->value[0]);
            xlo = x < xlo ? x : xlo;
            xhi = x > xhi ? x : xhi;
            const lagsim_summary_t *s = &p->reps[m]->figure[k];
            if (s->n == 0)
                continue;
            const double hw = p->reps[m]->reps > 1 ? lagsim_summary_half_width(s, 0.95) : 0;
            const double top = s->mean + (isfinite(hw) ? hw : 0);
            if (s->mean > ymean_max)
                ymean_max = s->mean;
            if (top > yhi)
                yhi = top;
            if (s->mean - (isfinite(hw) ? hw : 0) < ylo)
                ylo = s->mean - (isfinite(hw) ? hw : 0);
        }
    }
    if (!(xhi >= xlo))
        return;
    for (unsigned t = 0; slo && t < slo->n; t++)
        if (slo->term[t].figure == k && slo->term[t].value > yhi)
            yhi = slo->term[t].value;
    if (xhi == xlo) {
        xlo -= 0.5;
        xhi += 0.5;
    }
    char id[64], xl[200], yl[64];
    snprintf(id, sizeof id, "chart-%s", lagsim_figure_name(k));
    axis_label(xl, sizeof xl, a);
    snprintf(yl, sizeof yl, "%s", figure_unit(k));
    lsi_fig_t fig;
    lsi_fig_init(&fig, id, figure_title(k), xl, yl, W, 300);
    fig.xkind = a->unit == LAGSIM_UNIT_DURATION ? LSI_AXIS_TIME : LSI_AXIS_LINEAR;
    fig.ykind = lsi_figure_kind(k) == 1   ? LSI_AXIS_TIME
                : lsi_figure_kind(k) == 2 ? LSI_AXIS_PERCENT
                                          : LSI_AXIS_LINEAR;
    fig.xlo = xlo;
    fig.xhi = xhi;
    /* Every figure is >= 0; a wide interval (few replications) is cut at
     * the frame rather than squeezing the means into a line. */
    (void)ylo;
    fig.ylo = 0;
    if (ymean_max > 0 && yhi > ymean_max * 1.5)
        yhi = ymean_max * 1.5;
    for (unsigned t = 0; slo && t < slo->n; t++)
        if (slo->term[t].figure == k && slo->term[t].value * 1.1 > yhi)
            yhi = slo->term[t].value * 1.1;
    fig.yhi = yhi > 0 ? yhi * 1.08 : 1;
    if (lsi_figure_kind(k) == 2 && fig.yhi > 1)
        fig.yhi = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (sw->mode_mask & (1u << m))
            lsi_fig_legend(&fig, mname(m), lsi_svg_mode_colour((enum lagsim_mode)m), NULL, 0);
    lsi_fig_legend(&fig, "95% interval", "#999999", NULL, 1);
    if (slo)
        lsi_fig_legend(&fig, "SLO", "#000000", "6 3", 0);
    lsi_fig_begin(f, &fig);
    enum { MAXP = 1024 };
    double x[MAXP], y[MAXP], lo[MAXP], hi[MAXP];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        size_t n = 0;
        for (uint32_t i = 0; i < sw->n_points && n < MAXP; i++) {
            const lagsim_sweep_point_t *p = &sw->points[i];
            if (!p->reps[m])
                continue;
            const lagsim_summary_t *s = &p->reps[m]->figure[k];
            const double hw = p->reps[m]->reps > 1 ? lagsim_summary_half_width(s, 0.95) : NAN;
            x[n] = plain(a, p->value[0]);
            y[n] = s->n ? s->mean : NAN;
            lo[n] = isfinite(hw) ? y[n] - hw : NAN;
            hi[n] = isfinite(hw) ? y[n] + hw : NAN;
            n++;
        }
        /* find probes come in probe order: sort by x for the line */
        for (size_t i = 1; i < n; i++)
            for (size_t j = i; j > 0 && x[j - 1] > x[j]; j--) {
                double t = x[j]; x[j] = x[j - 1]; x[j - 1] = t;
                t = y[j]; y[j] = y[j - 1]; y[j - 1] = t;
                t = lo[j]; lo[j] = lo[j - 1]; lo[j - 1] = t;
                t = hi[j]; hi[j] = hi[j - 1]; hi[j - 1] = t;
            }
        const char *c = lsi_svg_mode_colour((enum lagsim_mode)m);
        lsi_fig_band(f, &fig, x, lo, hi, n, c);
        lsi_fig_line(f, &fig, x, y, n, c, NULL, 0);
        for (size_t i = 0; i < n; i++)
            if (isfinite(y[i]))
                lsi_fig_marker(f, &fig, x[i], y[i], c, NULL);
    }
    for (unsigned t = 0; slo && t < slo->n; t++)
        if (slo->term[t].figure == k)
            lsi_fig_hline(f, &fig, slo->term[t].value, "#000000", slo->term[t].text);
    for (uint32_t i = 0; find && i < find->n_probes; i++) {
        const lagsim_find_probe_t *pr = &find->probe[i];
        const lagsim_sweep_point_t *p = &sw->points[pr->point];
        if (!p->reps[pr->mode] || p->reps[pr->mode]->figure[k].n == 0)
            continue;
        char lab[48];
        snprintf(lab, sizeof lab, "probe %" PRIu32 "%s", i + 1, pr->holds ? " met" : " not met");
        lsi_fig_marker(f, &fig, plain(a, p->value[0]), p->reps[pr->mode]->figure[k].mean,
                       pr->holds ? "#009E73" : "#D55E00", lab);
    }
    lsi_fig_end(f, &fig);
}

/* Cell colour of a sequential blue scale (light = low) for t in [0, 1]. */
static void heat_colour(char *buf, size_t size, double t)
{
    if (!(t >= 0))
        t = 0;
    if (t > 1)
        t = 1;
    const int r = (int)lround(239 - t * (239 - 8));
    const int g = (int)lround(243 - t * (243 - 48));
    const int b = (int)lround(255 - t * (255 - 107));
    snprintf(buf, size, "#%02X%02X%02X", r, g, b);
}

static void heat_map(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo, int m)
{
    const uint32_t nx = lagsim_axis_points(&sw->axis[1]), ny = lagsim_axis_points(&sw->axis[0]);
    if (nx == 0 || ny == 0)
        return;
    double vmax = 0;
    for (uint32_t i = 0; i < sw->n_points; i++) {
        const lagsim_sweep_point_t *p = &sw->points[i];
        if (p->reps[m] && p->reps[m]->figure[LAGSIM_FIG_VISIBLE_P99].n &&
            p->reps[m]->figure[LAGSIM_FIG_VISIBLE_P99].mean > vmax)
            vmax = p->reps[m]->figure[LAGSIM_FIG_VISIBLE_P99].mean;
    }
    char id[48], title[160], xl[200], yl[200];
    snprintf(id, sizeof id, "chart-heatmap-%s", mname(m));
    snprintf(title, sizeof title, "p99 latency to visible, %s mode (darker = slower%s)", mname(m),
             slo ? "; outlined: SLO met" : "");
    axis_label(xl, sizeof xl, &sw->axis[1]);
    axis_label(yl, sizeof yl, &sw->axis[0]);
    lsi_fig_t fig;
    lsi_fig_init(&fig, id, title, xl, yl, W, 90 + 36.0 * ny + 70);
    fig.left = 110;
    fig.no_yticks = 1;
    fig.no_xticks = 1;
    fig.xkind = LSI_AXIS_LINEAR;
    fig.xlo = 0;
    fig.xhi = nx;
    fig.ylo = 0;
    fig.yhi = ny;
    char c0[16], c1[16];
    heat_colour(c0, sizeof c0, 0);
    heat_colour(c1, sizeof c1, 1);
    char l0[64], l1[64];
    char d[LAGSIM_DURATION_MAX];
    snprintf(l0, sizeof l0, "0s");
    snprintf(l1, sizeof l1, "%s", lsi_html_dur(d, sizeof d, (int64_t)llround(vmax * 1e6)));
    lsi_fig_legend(&fig, l0, c0, NULL, 1);
    lsi_fig_legend(&fig, l1, c1, NULL, 1);
    if (slo)
        lsi_fig_legend(&fig, "SLO met", "#009E73", NULL, 0);
    /* no x ticks at cell edges: label the cells */
    fig.xkind = LSI_AXIS_LINEAR;
    lsi_fig_begin(f, &fig);
    for (uint32_t i = 0; i < sw->n_points; i++) {
        const lagsim_sweep_point_t *p = &sw->points[i];
        const double cx = p->index[1], cy = ny - 1 - p->index[0];
        char col[16], t[160], v[LAGSIM_DURATION_MAX];
        const lagsim_summary_t *s = p->reps[m] ? &p->reps[m]->figure[LAGSIM_FIG_VISIBLE_P99] : NULL;
        heat_colour(col, sizeof col, s && s->n && vmax > 0 ? s->mean / vmax : 0);
        snprintf(t, sizeof t, "p99 %s", s && s->n ? lsi_html_dur(v, sizeof v, (int64_t)llround(s->mean * 1e6)) : "-");
        lsi_fig_rect(f, &fig, cx + 0.03, cy + 0.06, cx + 0.97, cy + 0.94, col, t);
        const double shade = s && s->n && vmax > 0 ? s->mean / vmax : 0;
        fprintf(f, "<text class=\"note\" text-anchor=\"middle\" fill=\"%s\" x=\"",
                shade > 0.55 ? "#ffffff" : "#1a1a1a");
        lsi_svg_num(f, lsi_svg_map(&fig.x, cx + 0.5));
        fputs("\" y=\"", f);
        lsi_svg_num(f, lsi_svg_map(&fig.y, cy + 0.5) + 4);
        fputs("\">", f);
        lsi_html_escape(f, s && s->n ? v : "-");
        fputs("</text>\n", f);
        if (slo && p->reps[m] && lagsim_slo_holds(slo, p->reps[m], NULL, 0)) {
            const double x0 = lsi_svg_map(&fig.x, cx + 0.03), x1 = lsi_svg_map(&fig.x, cx + 0.97);
            const double y0 = lsi_svg_map(&fig.y, cy + 0.94), y1 = lsi_svg_map(&fig.y, cy + 0.06);
            fputs("<rect x=\"", f);
            lsi_svg_num(f, x0);
            fputs("\" y=\"", f);
            lsi_svg_num(f, y0);
            fputs("\" width=\"", f);
            lsi_svg_num(f, x1 - x0);
            fputs("\" height=\"", f);
            lsi_svg_num(f, y1 - y0);
            fputs("\" fill=\"none\" stroke=\"#009E73\" stroke-width=\"3\"/>\n", f);
        }
    }
    for (uint32_t j = 0; j < ny; j++) {
        char lab[48];
        value_label(lab, sizeof lab, &sw->axis[0], lagsim_axis_value(&sw->axis[0], j));
        lsi_fig_text_px(f, fig.left - 8, lsi_svg_map(&fig.y, ny - 1 - j + 0.5) + 4, "end", lab);
    }
    for (uint32_t j = 0; j < nx; j++) {
        char lab[48];
        value_label(lab, sizeof lab, &sw->axis[1], lagsim_axis_value(&sw->axis[1], j));
        lsi_fig_text_px(f, lsi_svg_map(&fig.x, j + 0.5), lsi_svg_map(&fig.y, 0) + 18, "middle", lab);
    }
    lsi_fig_end(f, &fig);
}

static void points_table(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo)
{
    static const enum lagsim_figure cols[] = {LAGSIM_FIG_VISIBLE_SHARE, LAGSIM_FIG_VISIBLE_P50,
                                              LAGSIM_FIG_VISIBLE_P99, LAGSIM_FIG_DROPPED,
                                              LAGSIM_FIG_429, LAGSIM_FIG_BACKLOG_PEAK,
                                              LAGSIM_FIG_DRAIN_TIME};
    enum { NC = sizeof cols / sizeof cols[0] };
    const char *head[2 + 1 + NC + 1];
    size_t nh = 0;
    for (unsigned k = 0; k < sw->n_axes; k++)
        head[nh++] = sw->axis[k].key;
    head[nh++] = "mode";
    for (size_t c = 0; c < NC; c++)
        head[nh++] = lagsim_figure_name(cols[c]);
    head[nh++] = "SLO";
    lsi_html_table_begin(f, "sweep-table", "Numbers behind the charts (mean ± 95% half-width)",
                         0, head, nh);
    for (uint32_t i = 0; i < sw->n_points; i++) {
        const lagsim_sweep_point_t *p = &sw->points[i];
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!p->reps[m])
                continue;
            char cells[2 + 1 + NC + 1][96];
            const char *row[2 + 1 + NC + 1];
            size_t c = 0;
            for (unsigned k = 0; k < sw->n_axes; k++, c++) {
                value_label(cells[c], sizeof cells[c], &sw->axis[k], p->value[k]);
                row[c] = cells[c];
            }
            row[c++] = mname(m);
            for (size_t j = 0; j < NC; j++, c++) {
                const lagsim_summary_t *s = &p->reps[m]->figure[cols[j]];
                lsi_human_mean_hw(cells[c], sizeof cells[c], s->mean,
                                  p->reps[m]->reps > 1 ? lagsim_summary_half_width(s, 0.95) : NAN,
                                  (int)s->n, lsi_figure_kind(cols[j]));
                row[c] = cells[c];
            }
            row[c++] = !slo ? "-" : lagsim_slo_holds(slo, p->reps[m], NULL, 0) ? "met" : "not met";
            lsi_html_row(f, row, c);
        }
    }
    lsi_html_table_end(f, 1);
}

int lsi_report_sweep_html(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                          const lagsim_find_t *find, const lagsim_manifest_t *manifest)
{
    char title[200];
    snprintf(title, sizeof title, "lagsim sweep: %.*s", 100, sw->base ? sw->base->name : "");
    lsi_html_begin(f, title);
    fputs("<p class=\"note\">Varied: ", f);
    for (unsigned k = 0; k < sw->n_axes; k++) {
        char a[48], b[48];
        value_label(a, sizeof a, &sw->axis[k], sw->axis[k].from);
        value_label(b, sizeof b, &sw->axis[k], sw->axis[k].to);
        fputs(k ? "; " : "", f);
        lsi_html_escape(f, sw->axis[k].key);
        fprintf(f, " from %s to %s", a, b);
    }
    if (slo) {
        char s[256];
        lsi_slo_text(s, sizeof s, slo);
        fputs(". Objective (SLO): ", f);
        lsi_html_escape(f, s);
    }
    fputs(".</p>\n", f);
    if (find) {
        fputs("<p class=\"verdict\" id=\"verdict\">", f);
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!(sw->mode_mask & (1u << m)))
                continue;
            char a[48], b[48];
            fprintf(f, "%s mode: ", mname(m));
            switch (find->outcome[m]) {
            case LAGSIM_FIND_BOUNDARY:
                value_label(a, sizeof a, &sw->axis[0], sw->points[find->holds_at[m]].value[0]);
                value_label(b, sizeof b, &sw->axis[0], sw->points[find->fails_at[m]].value[0]);
                fprintf(f, "the objective holds at %s and fails at %s. ", a, b);
                break;
            case LAGSIM_FIND_HOLDS_ALL: fputs("the objective holds over the whole range. ", f); break;
            case LAGSIM_FIND_FAILS_ALL: fputs("the objective fails over the whole range. ", f); break;
            }
        }
        fputs("</p>\n", f);
    }
    if (sw->n_axes == 1) {
        fputs("<h2 id=\"figures\">Figures against the varied key</h2>\n<p class=\"note\">Each "
              "point is the mean over its replications; the band is the 95% confidence "
              "interval; the dashed black line is the SLO's bound on that figure.</p>\n",
              f);
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++)
            figure_chart(f, sw, slo, find, (enum lagsim_figure)k);
    } else {
        fputs("<h2 id=\"heatmaps\">p99 latency over both keys</h2>\n", f);
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            if (sw->mode_mask & (1u << m))
                heat_map(f, sw, slo, m);
    }
    points_table(f, sw, slo);
    lsi_html_end(f, manifest);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
