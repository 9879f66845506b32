/*
 * report_svg.h - the internal SVG writer of the HTML reports: escaping,
 * numbers written the same way on every machine, axes (linear, or log10
 * for latencies) that map data to pixels, tick choice, a plot frame with
 * title, axis labels and legend (report_svg.c), the chart kinds drawn in
 * such a frame (report_figure.c), and the page around them: style, tables,
 * the <details> that hold each chart's numbers (report_html.c). Private to
 * lib/report. Nothing here allocates: every writer streams to a FILE.
 */
#ifndef LAGSIM_REPORT_SVG_H
#define LAGSIM_REPORT_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lagsim/report.h"

/* ---- report_svg.c: primitives ---------------------------------------------- */

/* The Okabe-Ito palette (colour-blind safe), and each mode's colour in it. */
extern const char *const lsi_svg_palette[8];
const char *lsi_svg_mode_colour(enum lagsim_mode m);

/* `s` with &, <, >, " and ' escaped, for HTML text and attribute values. */
void lsi_html_escape(FILE *f, const char *s);

/* A coordinate: one decimal, never "-0.0", no exponent. */
void lsi_svg_num(FILE *f, double x);

/* An axis from data [lo, hi] onto pixels [px0, px1] (px1 < px0 for a y axis). */
typedef struct lsi_svg_axis {
    double lo, hi;   /* data range; for log, both > 0 */
    double px0, px1; /* pixels of lo and hi */
    int log;         /* 1: log10 scale */
} lsi_svg_axis_t;

/* The pixel of data value v (clamped to the axis's range). */
double lsi_svg_map(const lsi_svg_axis_t *a, double v);

/*
 * Ticks of a linear axis over [lo, hi]: a step of 1, 2 or 5 x 10^k that
 * gives at most `max_ticks` ticks, the first a multiple of the step at or
 * above lo. Writes up to `cap` values into ticks; returns how many.
 */
size_t lsi_svg_linear_ticks(double lo, double hi, size_t max_ticks, double *ticks, size_t cap);

/*
 * Ticks of a log time axis over [lo, hi] seconds: 1ms 10ms 100ms 1s 10s
 * 1m 10m 1h 10h 1d, with 2s 5s 30s 2m 5m 30m ... added when fewer than 4
 * of those fall in range. Returns how many (up to cap).
 */
size_t lsi_svg_time_ticks(double lo, double hi, double *ticks, size_t cap);

/* A short label for seconds: "1ms", "10s", "1m", "2h", "1d 2h". */
void lsi_svg_time_label(char *buf, size_t size, double seconds);
/* A short label for a count: "950", "1.5k", "12k", "2.5M". */
void lsi_svg_count_label(char *buf, size_t size, double x);

/* ---- report_svg.c: the plot frame --------------------------------------- */

enum lsi_axis_kind {
    LSI_AXIS_LINEAR,  /* plain numbers */
    LSI_AXIS_TIME,    /* linear seconds, labelled 10m, 1h, ... */
    LSI_AXIS_LOGTIME, /* log10 seconds */
    LSI_AXIS_PERCENT  /* 0..1 shown as 0% .. 100% */
};

#define LSI_FIG_MAX_LEGEND 12

/* One chart: an <svg> with a title, two axes and a legend. */
typedef struct lsi_fig {
    const char *id;      /* the svg's id attribute (tests look for it) */
    const char *title;   /* drawn on top, and the svg's <title> */
    const char *xlabel;  /* with its unit */
    const char *ylabel;
    double width, height;
    double left, bottom; /* margins (lsi_fig_init: 80 and 64); the legend
                            wraps into the bottom margin below the x label */
    int no_yticks;       /* 1: the chart labels its rows itself */
    int no_xticks;       /* 1: ... and its columns */
    enum lsi_axis_kind xkind, ykind;
    lsi_svg_axis_t x, y; /* set by lsi_fig_begin() from the ranges below */
    double xlo, xhi, ylo, yhi;
    size_t n_legend;
    struct {
        const char *label;
        const char *colour;
        const char *dash; /* NULL: solid */
        int box;          /* 1: a filled box, 0: a line */
    } legend[LSI_FIG_MAX_LEGEND];
} lsi_fig_t;

/* A figure of the given size with the usual margins (80 left, 40 right,
 * 36 top, 64 bottom): the plot area runs from x=80 to width-40 and from
 * y=height-64 (bottom) to y=36 (top). */
void lsi_fig_init(lsi_fig_t *fig, const char *id, const char *title, const char *xlabel,
                  const char *ylabel, double width, double height);
/* Adds a legend entry (ignored past LSI_FIG_MAX_LEGEND). */
void lsi_fig_legend(lsi_fig_t *fig, const char *label, const char *colour, const char *dash,
                    int box);
/* Opens the <svg>, draws title, grid, ticks and axis labels. */
void lsi_fig_begin(FILE *f, lsi_fig_t *fig);
/* Draws the legend and closes the <svg>. */
void lsi_fig_end(FILE *f, const lsi_fig_t *fig);

/* ---- report_figure.c: what is drawn inside a frame ------------------------- */

/* A polyline through (x[i], y[i]) for the points with both finite, in data
 * units; step = 1 draws it as steps (each value held until the next x). */
void lsi_fig_line(FILE *f, const lsi_fig_t *fig, const double *x, const double *y, size_t n,
                  const char *colour, const char *dash, int step);
/* A filled band between lo[i] and hi[i] along x (a confidence band). */
void lsi_fig_band(FILE *f, const lsi_fig_t *fig, const double *x, const double *lo,
                  const double *hi, size_t n, const char *colour);
/* A shaded span [x0, x1] over the plot's height, with a label at the top. */
void lsi_fig_span(FILE *f, const lsi_fig_t *fig, double x0, double x1, const char *label,
                  const char *colour);
/* A vertical or horizontal reference line at data value v, with a label. */
void lsi_fig_vline(FILE *f, const lsi_fig_t *fig, double v, const char *colour,
                   const char *label);
void lsi_fig_hline(FILE *f, const lsi_fig_t *fig, double v, const char *colour,
                   const char *label);
/* A dot at (x, y) with a short label beside it. */
void lsi_fig_marker(FILE *f, const lsi_fig_t *fig, double x, double y, const char *colour,
                    const char *label);
/* A rectangle between data corners (x0, y0) and (x1, y1). */
void lsi_fig_rect(FILE *f, const lsi_fig_t *fig, double x0, double y0, double x1, double y1,
                  const char *colour, const char *title);
/* A text label at pixel coordinates (e.g. row labels in the left margin). */
void lsi_fig_text_px(FILE *f, double px, double py, const char *anchor, const char *text);
/* A text label in data coordinates. */
void lsi_fig_text(FILE *f, const lsi_fig_t *fig, double x, double y, const char *anchor,
                  const char *text);

/* ---- report_html.c: the page ---------------------------------------------- */

/* <!DOCTYPE html> ... <body><h1>title</h1>; the style is inline. */
void lsi_html_begin(FILE *f, const char *title);
/* The manifest as a table, then </body></html>. */
void lsi_html_end(FILE *f, const lagsim_manifest_t *m);
/* <details><summary>Numbers behind ...</summary><table id=ID> and the header
 * row of n columns; rows follow with lsi_html_row*(), then lsi_html_table_end(). */
void lsi_html_table_begin(FILE *f, const char *id, const char *summary, int open,
                          const char *const *head, size_t n);
void lsi_html_table_end(FILE *f, int details);
/* One row: cells as text (escaped). */
void lsi_html_row(FILE *f, const char *const *cells, size_t n);
/* A duration in microseconds as text, "-" if negative. */
const char *lsi_html_dur(char *buf, size_t size, int64_t us);
/* "mean ± half-width" in the figure's own unit: durations as 3m 01s ± 12.0s,
 * shares as 99.5% ± 0.2%, counts with separators; "-" when nothing. */
void lsi_human_mean_hw(char *buf, size_t size, double mean, double hw, int n, int kind);
/* The kind of figure for lsi_human_mean_hw(): 0 count, 1 seconds, 2 share. */
int lsi_figure_kind(enum lagsim_figure fig);
/* A count with thousands separators ("1,234,567"), rounded. */
void lsi_human_count(char *buf, size_t size, double x);

#endif /* LAGSIM_REPORT_SVG_H */
