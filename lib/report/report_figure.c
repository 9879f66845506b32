/*
 * report_figure.c - owns the marks drawn inside a plot frame of
 * report_svg.c: lines and steps, confidence bands, shaded spans (bursts,
 * outages), reference lines (p50, p99, an SLO), markers, rectangles (bars,
 * heat-map cells, swimlane boxes) and labels. All take data coordinates
 * and map them through the frame's axes, so a chart's code says what it
 * draws, not where.
 */
#include <math.h>
#include <stdio.h>

#include "report/report_svg.h"

static void point(FILE *f, double x, double y)
{
    lsi_svg_num(f, x);
    fputc(',', f);
    lsi_svg_num(f, y);
}

void lsi_fig_line(FILE *f, const lsi_fig_t *fig, const double *x, const double *y, size_t n,
                  const char *colour, const char *dash, int step)
{
    int open = 0;
    double last_py = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i])) { /* a gap ends the polyline */
            if (open)
                fputs("\"/>\n", f);
            open = 0;
            continue;
        }
        const double px = lsi_svg_map(&fig->x, x[i]), py = lsi_svg_map(&fig->y, y[i]);
        if (!open) {
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"", colour);
            if (dash)
                fprintf(f, " stroke-dasharray=\"%s\"", dash);
            fputs(" points=\"", f);
            open = 1;
        } else {
            fputc(' ', f);
            if (step) {
                point(f, px, last_py);
                fputc(' ', f);
            }
        }
        point(f, px, py);
        last_py = py;
    }
    if (open)
        fputs("\"/>\n", f);
}

void lsi_fig_band(FILE *f, const lsi_fig_t *fig, const double *x, const double *lo,
                  const double *hi, size_t n, const char *colour)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += isfinite(x[i]) && isfinite(lo[i]) && isfinite(hi[i]);
    if (k < 2)
        return;
    fprintf(f, "<polygon fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" points=\"", colour);
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(lo[i]) || !isfinite(hi[i]))
            continue;
        if (!first)
            fputc(' ', f);
        first = 0;
        point(f, lsi_svg_map(&fig->x, x[i]), lsi_svg_map(&fig->y, hi[i]));
    }
    for (size_t i = n; i-- > 0;) {
        if (!isfinite(x[i]) || !isfinite(lo[i]) || !isfinite(hi[i]))
            continue;
        fputc(' ', f);
        point(f, lsi_svg_map(&fig->x, x[i]), lsi_svg_map(&fig->y, lo[i]));
    }
    fputs("\"/>\n", f);
}

void lsi_fig_rect(FILE *f, const lsi_fig_t *fig, double x0, double y0, double x1, double y1,
                  const char *colour, const char *title)
{
    double px0 = lsi_svg_map(&fig->x, x0), px1 = lsi_svg_map(&fig->x, x1);
    double py0 = lsi_svg_map(&fig->y, y0), py1 = lsi_svg_map(&fig->y, y1);
    if (px1 < px0) {
        const double t = px0;
        px0 = px1;
        px1 = t;
    }
    if (py1 < py0) {
        const double t = py0;
        py0 = py1;
        py1 = t;
    }
    fputs("<rect x=\"", f);
    lsi_svg_num(f, px0);
    fputs("\" y=\"", f);
    lsi_svg_num(f, py0);
    fputs("\" width=\"", f);
    lsi_svg_num(f, px1 - px0);
    fputs("\" height=\"", f);
    lsi_svg_num(f, py1 - py0);
    fprintf(f, "\" fill=\"%s\"", colour);
    if (title) {
        fputs("><title>", f);
        lsi_html_escape(f, title);
        fputs("</title></rect>\n", f);
    } else {
        fputs("/>\n", f);
    }
}

void lsi_fig_span(FILE *f, const lsi_fig_t *fig, double x0, double x1, const char *label,
                  const char *colour)
{
    const double px0 = lsi_svg_map(&fig->x, x0), px1 = lsi_svg_map(&fig->x, x1);
    fputs("<rect x=\"", f);
    lsi_svg_num(f, px0);
    fputs("\" y=\"", f);
    lsi_svg_num(f, fig->y.px1);
    fputs("\" width=\"", f);
    lsi_svg_num(f, px1 - px0 < 1 ? 1 : px1 - px0);
    fputs("\" height=\"", f);
    lsi_svg_num(f, fig->y.px0 - fig->y.px1);
    fprintf(f, "\" fill=\"%s\" fill-opacity=\"0.15\"/>\n", colour);
    if (label) {
        fputs("<text class=\"note\" x=\"", f);
        lsi_svg_num(f, px0 + 3);
        fputs("\" y=\"", f);
        lsi_svg_num(f, fig->y.px1 + 12);
        fputs("\">", f);
        lsi_html_escape(f, label);
        fputs("</text>\n", f);
    }
}

void lsi_fig_vline(FILE *f, const lsi_fig_t *fig, double v, const char *colour,
                   const char *label)
{
    const double px = lsi_svg_map(&fig->x, v);
    fputs("<line x1=\"", f);
    lsi_svg_num(f, px);
    fputs("\" y1=\"", f);
    lsi_svg_num(f, fig->y.px0);
    fputs("\" x2=\"", f);
    lsi_svg_num(f, px);
    fputs("\" y2=\"", f);
    lsi_svg_num(f, fig->y.px1);
    fprintf(f, "\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>\n", colour);
    if (label) {
        fputs("<text class=\"note\" x=\"", f);
        lsi_svg_num(f, px + 3);
        fputs("\" y=\"", f);
        lsi_svg_num(f, fig->y.px1 + 12);
        fprintf(f, "\" fill=\"%s\">", colour);
        lsi_html_escape(f, label);
        fputs("</text>\n", f);
    }
}

void lsi_fig_hline(FILE *f, const lsi_fig_t *fig, double v, const char *colour,
                   const char *label)
{
    const double py = lsi_svg_map(&fig->y, v);
    fputs("<line x1=\"", f);
    lsi_svg_num(f, fig->x.px0);
    fputs("\" y1=\"", f);
    lsi_svg_num(f, py);
    fputs("\" x2=\"", f);
    lsi_svg_num(f, fig->x.px1);
    fputs("\" y2=\"", f);
    lsi_svg_num(f, py);
    fprintf(f, "\" stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 3\"/>\n", colour);
    if (label) {
        fputs("<text class=\"note\" text-anchor=\"end\" x=\"", f);
        lsi_svg_num(f, fig->x.px1 - 3);
        fputs("\" y=\"", f);
        lsi_svg_num(f, py - 4);
        fprintf(f, "\" fill=\"%s\">", colour);
        lsi_html_escape(f, label);
        fputs("</text>\n", f);
    }
}

void lsi_fig_marker(FILE *f, const lsi_fig_t *fig, double x, double y, const char *colour,
                    const char *label)
{
    const double px = lsi_svg_map(&fig->x, x), py = lsi_svg_map(&fig->y, y);
    fputs("<circle cx=\"", f);
    lsi_svg_num(f, px);
    fputs("\" cy=\"", f);
    lsi_svg_num(f, py);
    fprintf(f, "\" r=\"4\" fill=\"%s\" stroke=\"#fff\"/>\n", colour);
    if (label) {
        fputs("<text class=\"note\" x=\"", f);
        lsi_svg_num(f, px + 6);
        fputs("\" y=\"", f);
        lsi_svg_num(f, py + 4);
        fprintf(f, "\" fill=\"%s\">", colour);
        lsi_html_escape(f, label);
        fputs("</text>\n", f);
    }
}

void lsi_fig_text(FILE *f, const lsi_fig_t *fig, double x, double y, const char *anchor,
                  const char *text)
{
    fputs("<text class=\"note\" x=\"", f);
    lsi_svg_num(f, lsi_svg_map(&fig->x, x));
    fputs("\" y=\"", f);
    lsi_svg_num(f, lsi_svg_map(&fig->y, y));
    fprintf(f, "\" text-anchor=\"%s\">", anchor);
    lsi_html_escape(f, text);
    fputs("</text>\n", f);
}

void lsi_fig_text_px(FILE *f, double px, double py, const char *anchor, const char *text)
{
    fputs("<text class=\"note\" x=\"", f);
    lsi_svg_num(f, px);
    fputs("\" y=\"", f);
    lsi_svg_num(f, py);
    fprintf(f, "\" text-anchor=\"%s\">", anchor);
    lsi_html_escape(f, text);
    fputs("</text>\n", f);
}
