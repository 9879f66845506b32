/*
 * report_svg.c - owns the SVG primitives of the HTML reports: escaping,
 * coordinates printed the same on every machine (one decimal, no "-0"),
 * axes that map data to pixels on a linear or log10 scale, tick choice
 * (1-2-5 steps; a fixed ladder of times for latency axes), and the plot
 * frame: title, grid, ticks, axis labels, legend. Chart kinds drawn inside
 * a frame are in report_figure.c.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_svg.h"

const char *const lsi_svg_palette[8] = {
    "#0072B2", /* blue */
    "#D55E00", /* vermillion */
    "#009E73", /* bluish green */
    "#E69F00", /* orange */
    "#56B4E9", /* sky blue */
    "#CC79A7", /* reddish purple */
    "#F0E442", /* yellow */
    "#000000", /* black */
};

const char *lsi_svg_mode_colour(enum lagsim_mode m)
{
    switch (m) {
    case LAGSIM_MODE_CLOUD: return lsi_svg_palette[0];
    case LAGSIM_MODE_DEVICE: return lsi_svg_palette[1];
    case LAGSIM_MODE_HYBRID: return lsi_svg_palette[2];
    case LAGSIM_MODE_COUNT: break;
    }
    return lsi_svg_palette[7];
}

void lsi_html_escape(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

void lsi_svg_num(FILE *f, double x)
{
    if (!isfinite(x))
        x = 0;
    const double r = round(x * 10) / 10;
    if (r == 0) {
        fputc('0', f);
        return;
    }
    if (r == floor(r))
        fprintf(f, "%.0f", r);
    else
        fprintf(f, "%.1f", r);
}

double lsi_svg_map(const lsi_svg_axis_t *a, double v)
{
    double lo = a->lo, hi = a->hi;
    if (a->log) {
        v = v > 0 ? log10(v) : log10(lo);
        lo = log10(lo);
        hi = log10(hi);
    }
    if (!(hi > lo))
        return a->px0;
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return a->px0 + (v - lo) / (hi - lo) * (a->px1 - a->px0);
}

size_t lsi_svg_linear_ticks(double lo, double hi, size_t max_ticks, double *ticks, size_t cap)
{
    if (!(hi > lo) || max_ticks < 2 || !isfinite(lo) || !isfinite(hi))
        return 0;
    const double span = hi - lo;
    double step = pow(10, floor(log10(span)));
    static const double mult[] = {0.1, 0.2, 0.5, 1, 2, 5, 10};
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
        const double s = step * mult[i];
        if (floor(hi / s) - ceil(lo / s) + 1 <= (double)max_ticks) {
            step = s;
            break;
        }
    }
    size_t n = 0;
    for (double k = ceil(lo / step - 1e-9); k * step <= hi * (1 + 1e-12) + 1e-12 && n < cap; k++)
        ticks[n++] = k * step == 0 ? 0 : k * step;
    return n;
}

size_t lsi_svg_time_ticks(double lo, double hi, double *ticks, size_t cap)
{
    static const double major[] = {1e-3, 1e-2, 0.1, 1, 10, 60, 600, 3600, 36000, 86400, 864000};
    static const double all[] = {1e-3, 2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1, 0.2, 0.5, 1, 2, 5,
                                 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 18000, 36000,
                                 86400, 172800, 432000, 864000};
    size_t n = 0;
    for (size_t i = 0; i < sizeof major / sizeof major[0]; i++)
        if (major[i] >= lo * (1 - 1e-9) && major[i] <= hi * (1 + 1e-9))
            n++;
    const double *ladder = n >= 4 ? major : all;
    const size_t len = n >= 4 ? sizeof major / sizeof major[0] : sizeof all / sizeof all[0];
    n = 0;
    for (size_t i = 0; i < len && n < cap; i++)
        if (ladder[i] >= lo * (1 - 1e-9) && ladder[i] <= hi * (1 + 1e-9))
            ticks[n++] = ladder[i];
    return n;
}

void lsi_svg_time_label(char *buf, size_t size, double s)
{
    if (s <= 0)
        snprintf(buf, size, "0");
    else if (s < 1)
        snprintf(buf, size, "%gms", round(s * 1e6) / 1e3);
    else if (s < 60)
        snprintf(buf, size, "%gs", round(s * 100) / 100);
    else if (s < 3600)
        snprintf(buf, size, fmod(s, 60) != 0 ? "%.0fm %.0fs" : "%.0fm", floor(s / 60),
                 fmod(s, 60));
    else if (s < 86400)
        snprintf(buf, size, fmod(s, 3600) != 0 ? "%.0fh %.0fm" : "%.0fh", floor(s / 3600),
                 floor(fmod(s, 3600) / 60));
    else
        snprintf(buf, size, fmod(s, 86400) != 0 ? "%.0fd %.0fh" : "%.0fd", floor(s / 86400),
                 floor(fmod(s, 86400) / 3600));
}

void lsi_svg_count_label(char *buf, size_t size, double x)
{
    const double a = fabs(x);
    if (a >= 1e9)
        snprintf(buf, size, "%gG", round(x / 1e8) / 10);
    else if (a >= 1e6)
        snprintf(buf, size, "%gM", round(x / 1e5) / 10);
    else if (a >= 1e3)
        snprintf(buf, size, "%gk", round(x / 1e2) / 10);
    else
        snprintf(buf, size, "%g", round(x * 1000) / 1000);
}

/* ---- The frame ------------------------------------------------------------- */

#define MARGIN_LEFT 80.0
#define MARGIN_RIGHT 40.0
#define MARGIN_TOP 36.0
#define MARGIN_BOTTOM 64.0

void lsi_fig_init(lsi_fig_t *fig, const char *id, const char *title, const char *xlabel,
                  const char *ylabel, double width, double height)
{
    memset(fig, 0, sizeof *fig);
    fig->id = id;
    fig->title = title;
    fig->xlabel = xlabel;
    fig->ylabel = ylabel;
    fig->width = width;
    fig->height = height;
    fig->left = MARGIN_LEFT;
    fig->bottom = MARGIN_BOTTOM;
    fig->xlo = 0;
    fig->xhi = 1;
    fig->ylo = 0;
    fig->yhi = 1;
}

void lsi_fig_legend(lsi_fig_t *fig, const char *label, const char *colour, const char *dash,
                    int box)
{
    if (fig->n_legend >= LSI_FIG_MAX_LEGEND)
        return;
    fig->legend[fig->n_legend].label = label;
    fig->legend[fig->n_legend].colour = colour;
    fig->legend[fig->n_legend].dash = dash;
    fig->legend[fig->n_legend].box = box;
    fig->n_legend++;
}

static void tick_label(char *buf, size_t size, enum lsi_axis_kind kind, double v)
{
    switch (kind) {
    case LSI_AXIS_TIME:
    case LSI_AXIS_LOGTIME: lsi_svg_time_label(buf, size, v); break;
    case LSI_AXIS_PERCENT: snprintf(buf, size, "%g%%", round(v * 1000) / 10); break;
    case LSI_AXIS_LINEAR: lsi_svg_count_label(buf, size, v); break;
    }
}

static size_t axis_ticks(enum lsi_axis_kind kind, double lo, double hi, size_t max,
                         double *t, size_t cap)
{
    if (kind == LSI_AXIS_LOGTIME)
        return lsi_svg_time_ticks(lo, hi, t, cap);
    if (kind == LSI_AXIS_TIME && hi - lo >= 120) {
        /* whole minutes or hours */
        static const double steps[] = {60, 120, 300, 600, 900, 1800, 3600, 7200, 14400,
                                       21600, 43200, 86400};
        double step = steps[sizeof steps / sizeof steps[0] - 1];
        for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
            if ((hi - lo) / steps[i] <= (double)max) {
                step = steps[i];
                break;
            }
        size_t n = 0;
        for (double k = ceil(lo / step); k * step <= hi && n < cap; k++)
            t[n++] = k * step;
        return n;
    }
    return lsi_svg_linear_ticks(lo, hi, max, t, cap);
}

/* The text element; `extra` is attributes written as they are. */
static void text_at(FILE *f, double x, double y, const char *extra, const char *s)
{
    fputs("<text x=\"", f);
    lsi_svg_num(f, x);
    fputs("\" y=\"", f);
    lsi_svg_num(f, y);
    fprintf(f, "\"%s%s>", extra[0] ? " " : "", extra);
    lsi_html_escape(f, s);
    fputs("</text>\n", f);
}

static void line_at(FILE *f, double x0, double y0, double x1, double y1, const char *cls)
{
    fputs("<line x1=\"", f);
    lsi_svg_num(f, x0);
    fputs("\" y1=\"", f);
    lsi_svg_num(f, y0);
    fputs("\" x2=\"", f);
    lsi_svg_num(f, x1);
    fputs("\" y2=\"", f);
    lsi_svg_num(f, y1);
    fprintf(f, "\" class=\"%s\"/>\n", cls);
}

void lsi_fig_begin(FILE *f, lsi_fig_t *fig)
{
    const double left = fig->left, right = fig->width - MARGIN_RIGHT;
    const double top = MARGIN_TOP, bottom = fig->height - fig->bottom;
    fig->x = (lsi_svg_axis_t){fig->xlo, fig->xhi, left, right, fig->xkind == LSI_AXIS_LOGTIME};
    fig->y = (lsi_svg_axis_t){fig->ylo, fig->yhi, bottom, top, fig->ykind == LSI_AXIS_LOGTIME};

    fprintf(f, "<figure>\n<svg id=\"");
    lsi_html_escape(f, fig->id);
    fputs("\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", f);
    lsi_svg_num(f, fig->width);
    fputc(' ', f);
    lsi_svg_num(f, fig->height);
    fputs("\" role=\"img\" aria-labelledby=\"", f);
    lsi_html_escape(f, fig->id);
    fputs("-t\">\n<title id=\"", f);
    lsi_html_escape(f, fig->id);
    fputs("-t\">", f);
    lsi_html_escape(f, fig->title);
    fputs("</title>\n", f);
    text_at(f, left, 22, "class=\"title\"", fig->title);

    double t[32];
    size_t n = fig->no_xticks ? 0 : axis_ticks(fig->xkind, fig->xlo, fig->xhi, 8, t, 32);
    for (size_t i = 0; i < n; i++) {
        char lab[32];
        const double px = lsi_svg_map(&fig->x, t[i]);
        line_at(f, px, top, px, bottom, "grid");
        line_at(f, px, bottom, px, bottom + 5, "axis");
        tick_label(lab, sizeof lab, fig->xkind, t[i]);
        text_at(f, px, bottom + 18, "text-anchor=\"middle\"", lab);
    }
    n = fig->no_yticks ? 0 : axis_ticks(fig->ykind, fig->ylo, fig->yhi, 6, t, 32);
    for (size_t i = 0; i < n; i++) {
        char lab[32];
        const double py = lsi_svg_map(&fig->y, t[i]);
        line_at(f, left, py, right, py, "grid");
        line_at(f, left - 5, py, left, py, "axis");
        tick_label(lab, sizeof lab, fig->ykind, t[i]);
        text_at(f, left - 8, py + 4, "text-anchor=\"end\"", lab);
    }
    line_at(f, left, bottom, right, bottom, "axis");
    line_at(f, left, top, left, bottom, "axis");
    text_at(f, (left + right) / 2, bottom + 38, "text-anchor=\"middle\" class=\"label\"",
            fig->xlabel);
    char rot[96];
    snprintf(rot, sizeof rot, "text-anchor=\"middle\" class=\"label\" transform=\"rotate(-90 16 %.1f)\"",
             (top + bottom) / 2);
    if (fig->ylabel && fig->ylabel[0])
        text_at(f, 16, (top + bottom) / 2, rot, fig->ylabel);
}

void lsi_fig_end(FILE *f, const lsi_fig_t *fig)
{
    double x = fig->left;
    double y = fig->height - fig->bottom + 58;
    for (size_t i = 0; i < fig->n_legend; i++) {
        const char *c = fig->legend[i].colour;
        const double w = 32 + 7.2 * (double)strlen(fig->legend[i].label);
        if (x > fig->left && x + w > fig->width - 10) { /* wrap */
            x = fig->left;
            y += 17;
        }
        if (fig->legend[i].box) {
            fputs("<rect x=\"", f);
            lsi_svg_num(f, x);
            fputs("\" y=\"", f);
            lsi_svg_num(f, y - 9);
            fprintf(f, "\" width=\"14\" height=\"10\" fill=\"%s\"/>\n", c);
        } else {
            fputs("<line x1=\"", f);
            lsi_svg_num(f, x);
            fputs("\" y1=\"", f);
            lsi_svg_num(f, y - 4);
            fputs("\" x2=\"", f);
            lsi_svg_num(f, x + 18);
            fputs("\" y2=\"", f);
            lsi_svg_num(f, y - 4);
            fprintf(f, "\" stroke=\"%s\" stroke-width=\"2.5\"", c);
            if (fig->legend[i].dash)
                fprintf(f, " stroke-dasharray=\"%s\"", fig->legend[i].dash);
            fputs("/>\n", f);
        }
        text_at(f, x + 22, y, "class=\"legend\"", fig->legend[i].label);
        x += w;
    }
    fputs("</svg>\n</figure>\n", f);
}
