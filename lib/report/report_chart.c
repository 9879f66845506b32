/*
 * report_chart.c - owns lagsim_report_chart(): a latency distribution
 * drawn in the terminal, a histogram above a CDF, over a log-spaced time
 * axis, within 80 columns.
 *
 * Central idea: latencies span decades (a second for an idle pipeline,
 * minutes behind a backlog), so the x axis is logarithmic between two
 * "nice" ticks that enclose the data (1ms, 10ms, ..., 1s, 10s, 1m, 10m,
 * 1h, ...; with 2s, 5s, 30s, ... when the data span few of those; the
 * report of several modes gives them all one axis), split
 * into 64 columns of equal ratio. The histogram's buckets (each narrower
 * than 1% of its value) are summed into the column holding their
 * midpoint. Heights are drawn in eighths of a row with the Unicode lower
 * block characters, or in ASCII with '#' and '.'. A column that holds any
 * value shows at least an eighth, so thin tails stay visible.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

#define PLOT_W 64   /* columns of the plot */
#define HIST_ROWS 8 /* rows of the histogram */
#define CDF_ROWS 6  /* rows of the CDF */
#define LABEL_W 6   /* width of the y labels ("100%", "12.3%") */

/* Every tick is below 2^53 us, so (double)us is exact. */
typedef struct tick {
    int64_t us;
    const char *label;
    int major; /* a decade-like step: always a candidate label */
} tick_t;

static const tick_t ticks[] = {
    {1, "1us", 1},
    {10, "10us", 1},
    {100, "100us", 1},
    {LAGSIM_MSEC, "1ms", 1},
    {2 * LAGSIM_MSEC, "2ms", 0},
    {5 * LAGSIM_MSEC, "5ms", 0},
    {10 * LAGSIM_MSEC, "10ms", 1},
    {20 * LAGSIM_MSEC, "20ms", 0},
    {50 * LAGSIM_MSEC, "50ms", 0},
    {100 * LAGSIM_MSEC, "100ms", 1},
    {200 * LAGSIM_MSEC, "200ms", 0},
    {500 * LAGSIM_MSEC, "500ms", 0},
    {LAGSIM_SEC, "1s", 1},
    {2 * LAGSIM_SEC, "2s", 0},
    {5 * LAGSIM_SEC, "5s", 0},
    {10 * LAGSIM_SEC, "10s", 1},
    {20 * LAGSIM_SEC, "20s", 0},
    {30 * LAGSIM_SEC, "30s", 0},
    {LAGSIM_MIN, "1m", 1},
    {2 * LAGSIM_MIN, "2m", 0},
    {5 * LAGSIM_MIN, "5m", 0},
    {10 * LAGSIM_MIN, "10m", 1},
    {20 * LAGSIM_MIN, "20m", 0},
    {30 * LAGSIM_MIN, "30m", 0},
    {LAGSIM_HOUR, "1h", 1},
    {2 * LAGSIM_HOUR, "2h", 0},
    {5 * LAGSIM_HOUR, "5h", 0},
    {10 * LAGSIM_HOUR, "10h", 1},
    {LAGSIM_DAY, "1d", 1},
    {2 * LAGSIM_DAY, "2d", 0},
    {5 * LAGSIM_DAY, "5d", 0},
    {10 * LAGSIM_DAY, "10d", 1},
    {30 * LAGSIM_DAY, "30d", 0},
    {100 * LAGSIM_DAY, "100d", 1},
    {366 * LAGSIM_DAY, "366d", 1},
};
#define N_TICKS (sizeof ticks / sizeof ticks[0])

/* The characters of one style. */
typedef struct glyphs {
    const char *level[9]; /* 0..8 eighths of a cell */
    const char *axis_top; /* y axis on the labelled top row */
    const char *axis;     /* y axis elsewhere */
    const char *origin;   /* where the axes meet */
    const char *line;     /* x axis */
    const char *tick;     /* a labelled tick on the x axis */
} glyphs_t;

static const glyphs_t unicode = {
    {" ", "\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"},
    "\u2524", "\u2502", "\u253c", "\u2500", "\u252c"};
static const glyphs_t ascii = {{" ", ".", ".", ".", "#", "#", "#", "#", "#"},
                               "|", "|", "+", "-", "+"};

/* The axis: from the largest tick <= lo to the smallest tick > that and >= hi. */
static void axis_range(int64_t min, int64_t max, double *lo, double *hi)
{
    size_t a = 0;
    for (size_t i = 0; i < N_TICKS; i++)
        if (ticks[i].us <= min)
            a = i;
    *lo = (double)ticks[a].us;
    *hi = (double)max;
    for (size_t i = a + 1; i < N_TICKS; i++)
        if ((double)ticks[i].us >= (double)max) {
            *hi = (double)ticks[i].us;
            break;
        }
    if (*hi <= *lo)
        *hi = *lo * 10;
}

/* Plot column of a value; values at or below lo go to column 0. */
static int column_of(double v, double lo, double hi)
{
    if (v <= lo)
        return 0;
    const int c = (int)floor(log(v / lo) / log(hi / lo) * PLOT_W);
    return c < 0 ? 0 : c >= PLOT_W ? PLOT_W - 1 : c;
}

/* Draws rows of columns whose heights are in eighths (0 .. rows * 8). */
static void draw_rows(FILE *f, const int *eighths, int rows, const char *top_label,
                      const glyphs_t *g)
{
    for (int r = rows - 1; r >= 0; r--) {
        fprintf(f, "%*s %s", LABEL_W, r == rows - 1 ? top_label : "",
                r == rows - 1 ? g->axis_top : g->axis);
        int last = PLOT_W; /* trailing blanks are not printed */
        while (last > 0 && eighths[last - 1] - 8 * r <= 0)
            last--;
        for (int c = 0; c < last; c++) {
            const int level = eighths[c] - 8 * r;
            fputs(g->level[level <= 0 ? 0 : level >= 8 ? 8 : level], f);
        }
        fputc('\n', f);
    }
}

/* The x axis line with its ticks, and the labels under it. */
static void draw_axis(FILE *f, double lo, double hi, const glyphs_t *g)
{
    /* Candidate labels: the major ticks inside the axis, or every tick
     * inside it when fewer than three majors are. */
    int majors = 0;
    for (size_t i = 0; i < N_TICKS; i++) {
        const double us = (double)ticks[i].us;
        majors += ticks[i].major && us >= lo && us <= hi;
    }
    int col[N_TICKS];
    size_t use[N_TICKS], n = 0;
    int next_free = 0; /* first column a new label may start at */
    for (size_t i = 0; i < N_TICKS; i++) {
        const double us = (double)ticks[i].us;
        if (us < lo || us > hi || (majors >= 3 && !ticks[i].major))
            continue;
        int c = (int)lround(log(us / lo) / log(hi / lo) * PLOT_W);
        if (c >= PLOT_W)
            c = PLOT_W - 1;
        if (c < next_free)
            continue;
        col[n] = c;
        use[n++] = i;
        next_free = c + (int)strlen(ticks[i].label) + 1;
    }
    fprintf(f, "%*s %s", LABEL_W, "0%", g->origin);
    size_t k = 0;
    for (int c = 0; c < PLOT_W; c++) {
        const int is_tick = k < n && col[k] == c;
        fputs(is_tick ? g->tick : g->line, f);
        if (is_tick)
            k++;
    }
    fputc('\n', f);
    fprintf(f, "%*s ", LABEL_W, "");
    int pos = 0; /* characters written after the margin; the y axis takes one */
    for (k = 0; k < n; k++) {
        fprintf(f, "%*s%s", col[k] + 1 - pos, "", ticks[use[k]].label);
        pos = col[k] + 1 + (int)strlen(ticks[use[k]].label);
    }
    fputc('\n', f);
}

/* 1234567 -> "1,234,567". */
static void fmt_count(char *buf, size_t size, uint64_t n)
{
    char digits[24];
    const int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    size_t o = 0;
    for (int i = 0; i < len && o + 2 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[o++] = ',';
        buf[o++] = digits[i];
    }
    buf[o] = '\0';
}

int lagsim_report_chart(FILE *f, const lagsim_hist_t *h, const char *title, int use_ascii)
{
    return lsi_report_chart_axis(f, h, title, use_ascii, lagsim_hist_min(h), lagsim_hist_max(h));
}

int lsi_report_chart_axis(FILE *f, const lagsim_hist_t *h, const char *title, int use_ascii,
                          int64_t axis_min, int64_t axis_max)
{
    const glyphs_t *g = use_ascii ? &ascii : &unicode;
    const uint64_t total = lagsim_hist_count(h);
    char count[32];
    fmt_count(count, sizeof count, total);
    if (total == 0) {
        fprintf(f, "%s: no events\n", title);
        return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
    }
    char p50[LAGSIM_DURATION_MAX], p99[LAGSIM_DURATION_MAX], max[LAGSIM_DURATION_MAX];
    fprintf(f, "%s: %s events, p50 %s, p99 %s, max %s\n", title, count,
            lagsim_format_duration(p50, sizeof p50, lagsim_hist_quantile(h, 0.5)),
            lagsim_format_duration(p99, sizeof p99, lagsim_hist_quantile(h, 0.99)),
            lagsim_format_duration(max, sizeof max, lagsim_hist_max(h)));

    const int64_t vmin = lagsim_hist_min(h), vmax = lagsim_hist_max(h);
    double lo, hi;
    axis_range(axis_min < vmin ? axis_min : vmin, axis_max > vmax ? axis_max : vmax, &lo, &hi);
    uint64_t per_col[PLOT_W] = {0};
    for (size_t i = 0; i < lagsim_hist_bucket_count(); i++) {
        int64_t low, high;
        const uint64_t n = lagsim_hist_bucket(h, i, &low, &high);
        if (n == 0)
            continue;
        double mid = ((double)low + (double)high - 1) / 2;
        mid = mid < (double)vmin ? (double)vmin : mid > (double)vmax ? (double)vmax : mid;
        per_col[column_of(mid, lo, hi)] += n;
    }

    uint64_t top = 0;
    for (int c = 0; c < PLOT_W; c++)
        top = per_col[c] > top ? per_col[c] : top;
    int eighths[PLOT_W];
    for (int c = 0; c < PLOT_W; c++) {
        eighths[c] = (int)lround((double)per_col[c] / (double)top * HIST_ROWS * 8);
        if (per_col[c] && eighths[c] == 0)
            eighths[c] = 1;
    }
    char label[16];
    const double top_pct = 100.0 * (double)top / (double)total;
    snprintf(label, sizeof label, top_pct < 9.95 ? "%.1f%%" : "%.0f%%", top_pct);
    fputs("  share of events per column\n", f);
    draw_rows(f, eighths, HIST_ROWS, label, g);
    draw_axis(f, lo, hi, g);

    uint64_t cum = 0;
    for (int c = 0; c < PLOT_W; c++) {
        cum += per_col[c];
        eighths[c] = (int)lround((double)cum / (double)total * CDF_ROWS * 8);
    }
    fputs("  share of events at or below (CDF)\n", f);
    draw_rows(f, eighths, CDF_ROWS, "100%", g);
    draw_axis(f, lo, hi, g);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
