/*
 * report_text.c - owns lagsim_report_text(): the results of the modes
 * that ran, side by side in aligned columns.
 *
 * Central idea: the report is first built as a table of short strings in
 * a fixed-size value on the stack (one row per figure, one cell per mode),
 * and only then printed, so every column can be exactly as wide as its
 * widest cell. Labels are left-aligned, figures right-aligned. Counts
 * carry thousands separators; shares whose denominator is zero, and
 * latencies of empty histograms, are shown as "-". Nothing depends on
 * the locale or the clock, so the same results give the same bytes.
 */
#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/report.h"
#include "report/report_delivery.h"
#include "report/report_internal.h"
#include "report/report_svg.h"
#include "report/report_theory.h"
#include "report/report_verdict.h"

#define ROWS_MAX 96  /* more than the rows any report has */
#define LABEL_MAX 64 /* longest label or heading, NUL included */
#define CELL_MAX 48  /* longest cell, NUL included */
#define GAP 3        /* spaces between columns */

typedef struct row {
    char label[LABEL_MAX];
    int has_cells;                          /* 0 for a heading */
    char cell[LAGSIM_MODE_COUNT][CELL_MAX]; /* by column, not by mode */
} row_t;

typedef struct table {
    size_t n_cols;                               /* modes that ran */
    const lagsim_result_t *col[LAGSIM_MODE_COUNT]; /* their results */
    enum lagsim_mode mode[LAGSIM_MODE_COUNT];      /* and their modes */
    size_t n_rows;
    row_t rows[ROWS_MAX];
} table_t;

/* Appends a row labelled by a format; returns it (the last one if full). */
static row_t *table_row(table_t *t, int has_cells, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static row_t *table_row(table_t *t, int has_cells, const char *fmt, ...)
{
    assert(t->n_rows < ROWS_MAX); /* the report has about 40 rows */
    row_t *r = &t->rows[t->n_rows < ROWS_MAX ? t->n_rows++ : ROWS_MAX - 1];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->label, sizeof r->label, fmt, ap);
    va_end(ap);
    r->has_cells = has_cells;
    for (size_t c = 0; c < LAGSIM_MODE_COUNT; c++)
        r->cell[c][0] = '\0';
    return r;
}

/* 1234567 -> "1,234,567". */
static void fmt_count(char *buf, size_t size, uint64_t n)
{
    char digits[24];
    const int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
    char out[32];
    size_t o = 0;
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    snprintf(buf, size, "%s", out);
}

/* n as a share of `of`: "97.2%", "<0.1%", "100%", or "-" when of is 0. */
static void fmt_share(char *buf, size_t size, uint64_t n, uint64_t of)
{
    if (of == 0) {
        snprintf(buf, size, "-");
        return;
    }
    const double pct = 100.0 * (double)n / (double)of;
    if (n == 0)
        snprintf(buf, size, "0%%");
    else if (n == of)
        snprintf(buf, size, "100%%");
    else if (pct < 0.05)
        snprintf(buf, size, "<0.1%%");
    else if (pct > 99.95 && n < of)
        snprintf(buf, size, ">99.9%%");
    else
        snprintf(buf, size, "%.1f%%", pct);
}

/* "1,234 (97.2%)". */
static void fmt_count_share(char *buf, size_t size, uint64_t n, uint64_t of)
{
    char count[28], share[12]; /* 26 digits and commas; "100.0%" */
    fmt_count(count, sizeof count, n);
    fmt_share(share, sizeof share, n, of);
    snprintf(buf, size, "%s (%s)", count, share);
}

/* A ratio with three decimals; "-" when undefined. */
static void fmt_ratio(char *buf, size_t size, uint64_t num, uint64_t den)
{
    if (den == 0) {
        snprintf(buf, size, "-");
        return;
    }
    const double x = (double)num / (double)den;
    if (num == 0)
        snprintf(buf, size, "0");
    else if (x < 0.001)
        snprintf(buf, size, "<0.001");
    else
        snprintf(buf, size, "%.3f", x);
}

/* One latency figure of a histogram: q in [0, 1], or q < 0 for the mean. */
static void fmt_latency(char *buf, size_t size, const lagsim_hist_t *h, double q)
{
    if (!h || lagsim_hist_count(h) == 0) {
        snprintf(buf, size, "-");
        return;
    }
    char d[LAGSIM_DURATION_MAX];
    const lagsim_time_t us = q < 0 ? (lagsim_time_t)llround(lagsim_hist_mean(h))
                                   : lagsim_hist_quantile(h, q);
    snprintf(buf, size, "%s", lagsim_format_duration(d, sizeof d, us));
}

/* Events lost: every drop reason except sampling, which is a policy. */
static uint64_t dropped_total(const lagsim_result_t *r)
{
    uint64_t n = 0;
    for (int d = 0; d < LAGSIM_DROP_COUNT; d++)
        if (d != LAGSIM_DROP_SAMPLED)
            n += r->dropped[d];
    return n;
}

static void add_events(table_t *t)
{
    row_t *r;
    table_row(t, 0, "Events");
    r = table_row(t, 1, "  fired");
    for (size_t c = 0; c < t->n_cols; c++)
        fmt_count(r->cell[c], CELL_MAX, t->col[c]->fired);
    r = table_row(t, 1, "  visible");
    for (size_t c = 0; c < t->n_cols; c++)
        fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->visible, t->col[c]->fired);
    r = table_row(t, 1, "  delivered");
    for (size_t c = 0; c < t->n_cols; c++)
        fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->delivered, t->col[c]->fired);

    int any = 0;
    for (size_t c = 0; c < t->n_cols; c++)
        any |= dropped_total(t->col[c]) != 0;
    if (!any) {
        r = table_row(t, 1, "  dropped");
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count(r->cell[c], CELL_MAX, 0);
    } else {
        table_row(t, 0, "  dropped");
        for (int d = 0; d < LAGSIM_DROP_COUNT; d++) {
            if (d == LAGSIM_DROP_SAMPLED)
                continue;
            int nonzero = 0;
            for (size_t c = 0; c < t->n_cols; c++)
                nonzero |= t->col[c]->dropped[d] != 0;
            if (!nonzero)
                continue;
            r = table_row(t, 1, "    %s", lagsim_drop_reason_name((enum lagsim_drop_reason)d));
            for (size_t c = 0; c < t->n_cols; c++)
                fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->dropped[d], t->col[c]->fired);
        }
        r = table_row(t, 1, "    total");
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count_share(r->cell[c], CELL_MAX, dropped_total(t->col[c]), t->col[c]->fired);
    }

    int sampled = 0, dups = 0;
    for (size_t c = 0; c < t->n_cols; c++) {
        sampled |= t->col[c]->dropped[LAGSIM_DROP_SAMPLED] != 0;
        dups |= t->col[c]->duplicates != 0;
    }
    if (sampled) {
        r = table_row(t, 1, "  sampled out (policy)");
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->dropped[LAGSIM_DROP_SAMPLED],
                            t->col[c]->fired);
    }
    r = table_row(t, 1, "  in flight at end");
    for (size_t c = 0; c < t->n_cols; c++)
        fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->in_flight, t->col[c]->fired);
    int waiting = 0;
    for (size_t c = 0; c < t->n_cols; c++)
        waiting |= t->col[c]->in_flight_next_session != 0;
    if (waiting) {
        r = table_row(t, 1, "    on devices, for next session");
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->in_flight_next_session,
                            t->col[c]->fired);
    }
    r = table_row(t, 1, "  conservation");
    for (size_t c = 0; c < t->n_cols; c++)
        snprintf(r->cell[c], CELL_MAX, "%s", t->col[c]->conserved ? "ok" : "FAILED");
    if (dups) {
        r = table_row(t, 1, "  duplicates removed");
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count(r->cell[c], CELL_MAX, t->col[c]->duplicates);
    }
}

/* p99 to visible by priority, when events of more than one priority ran. */
static void add_priorities(table_t *t)
{
    int used[3] = {0, 0, 0}, n = 0;
    for (int p = 0; p < 3; p++) {
        for (size_t c = 0; c < t->n_cols; c++)
            used[p] |= lagsim_hist_count(t->col[c]->latency_by_priority[p]) > 0;
        n += used[p];
    }
    if (n < 2)
        return;
    for (int p = 2; p >= 0; p--) {
        if (!used[p])
            continue;
        row_t *r = table_row(t, 1, "  p99, %s priority", lagsim_priority_name((enum lagsim_priority)p));
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_latency(r->cell[c], CELL_MAX, t->col[c]->latency_by_priority[p], 0.99);
    }
}

/* Rounded percentage, "<1%" for a small non-zero share. */
static void fmt_pct(char *buf, size_t size, double share)
{
    if (share > 0 && share < 0.005)
        snprintf(buf, size, "<1%%");
    else
        snprintf(buf, size, "%d%%", (int)(100.0 * share + 0.5) % 1000);
}

/*
 * Where the visible latency goes: per hop, its mean, its share of the
 * total, and its share of the p99 tail (the events at or above p99).
 */
static void add_hops(table_t *t)
{
    int any = 0;
    for (size_t c = 0; c < t->n_cols; c++)
        any |= lagsim_breakdown_count(t->col[c]->hops) > 0;
    if (!any)
        return;
    table_row(t, 0, "Where the time goes (mean, share, share of p99 tail)");
    for (int h = 0; h < LAGSIM_HOP_COUNT; h++) {
        int used = 0;
        for (size_t c = 0; c < t->n_cols; c++)
            used |= lagsim_breakdown_mean(t->col[c]->hops, (unsigned)h) > 0;
        if (!used)
            continue;
        row_t *r = table_row(t, 1, "  %s", lagsim_hop_name((enum lagsim_hop)h));
        for (size_t c = 0; c < t->n_cols; c++) {
            const lagsim_result_t *res = t->col[c];
            char mean[24], share[8], tail[8];
            const int64_t p99 = lagsim_hist_quantile(res->latency_visible, 0.99);
            lagsim_format_duration(mean, sizeof mean,
                                   (lagsim_time_t)(lagsim_breakdown_mean(res->hops, (unsigned)h) + 0.5));
            fmt_pct(share, sizeof share, lagsim_breakdown_share(res->hops, (unsigned)h));
            fmt_pct(tail, sizeof tail,
                    lagsim_breakdown_tail_share(res->hops, (unsigned)h, p99, NULL));
            snprintf(r->cell[c], CELL_MAX, "%s %4s %4s", mean, share, tail);
        }
    }
}

/* The latency rows of one histogram: to visible if `visible`, else to delivered. */
static void add_latency(table_t *t, const char *title, int visible)
{
    static const struct {
        const char *label;
        double q;
    } figures[] = {{"p50", 0.50},  {"p90", 0.90}, {"p99", 0.99},
                   {"p99.9", 0.999}, {"max", 1.0}, {"mean", -1.0}};
    table_row(t, 0, "%s", title);
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        row_t *r = table_row(t, 1, "  %s", figures[i].label);
        for (size_t c = 0; c < t->n_cols; c++) {
            const lagsim_result_t *res = t->col[c];
            fmt_latency(r->cell[c], CELL_MAX,
                        visible ? res->latency_visible : res->latency_delivered, figures[i].q);
        }
    }
}

static void add_mixpanel(table_t *t)
{
    row_t *r;
    table_row(t, 0, "Mixpanel");
    r = table_row(t, 1, "  requests");
    for (size_t c = 0; c < t->n_cols; c++)
        fmt_count(r->cell[c], CELL_MAX, t->col[c]->requests);
    table_row(t, 0, "  responses");
    for (int s = 0; s < LAGSIM_RESP_COUNT; s++) {
        r = table_row(t, 1, "    %s", lagsim_response_name((enum lagsim_response)s));
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->responses[s], t->col[c]->requests);
    }
    r = table_row(t, 1, "  retries");
    for (size_t c = 0; c < t->n_cols; c++)
        fmt_count_share(r->cell[c], CELL_MAX, t->col[c]->retries, t->col[c]->requests);
    r = table_row(t, 1, "  retries per event");
    for (size_t c = 0; c < t->n_cols; c++)
        fmt_ratio(r->cell[c], CELL_MAX, t->col[c]->retries, t->col[c]->fired);
    int offline = 0;
    for (size_t c = 0; c < t->n_cols; c++)
        offline |= t->col[c]->offline_failures != 0;
    if (offline) {
        r = table_row(t, 1, "  sends failed offline");
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count(r->cell[c], CELL_MAX, t->col[c]->offline_failures);
    }
    int seg429 = 0;
    for (size_t c = 0; c < t->n_cols; c++)
        seg429 |= t->col[c]->segment_429 != 0;
    if (seg429) {
        r = table_row(t, 1, "  429 from Segment's API");
        for (size_t c = 0; c < t->n_cols; c++)
            fmt_count(r->cell[c], CELL_MAX, t->col[c]->segment_429);
    }
}

static void add_backlog(table_t *t)
{
    row_t *r;
    char d[LAGSIM_DURATION_MAX], n[32];
    table_row(t, 0, "Backlog");
    r = table_row(t, 1, "  peak");
    for (size_t c = 0; c < t->n_cols; c++) {
        const lagsim_result_t *res = t->col[c];
        fmt_count(n, sizeof n, res->backlog_peak);
        if (res->backlog_peak == 0)
            snprintf(r->cell[c], CELL_MAX, "%s", n);
        else
            snprintf(r->cell[c], CELL_MAX, "%s at %s", n,
                     lagsim_format_duration(d, sizeof d, res->backlog_peak_at));
    }
    r = table_row(t, 1, "  drain time");
    for (size_t c = 0; c < t->n_cols; c++) {
        const lagsim_result_t *res = t->col[c];
        if (res->drain_time < 0)
            snprintf(r->cell[c], CELL_MAX, "did not drain");
        else
            snprintf(r->cell[c], CELL_MAX, "%s",
                     lagsim_format_duration(d, sizeof d, res->drain_time));
    }
    r = table_row(t, 1, "  run ended at");
    for (size_t c = 0; c < t->n_cols; c++)
        snprintf(r->cell[c], CELL_MAX, "%s",
                 lagsim_format_duration(d, sizeof d, t->col[c]->end_time));
}

/* Prints the scenario's name with control characters shown as '?'. */
static void print_name(FILE *f, const char *name, size_t size)
{
    for (size_t i = 0; i < size && name[i]; i++) {
        const unsigned char ch = (unsigned char)name[i];
        fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
    }
}

static void print_table(FILE *f, const table_t *t)
{
    size_t label_w = 0, col_w[LAGSIM_MODE_COUNT];
    for (size_t i = 0; i < t->n_rows; i++) {
        const size_t len = strlen(t->rows[i].label);
        if (t->rows[i].has_cells && len > label_w)
            label_w = len;
    }
    for (size_t c = 0; c < t->n_cols; c++) {
        col_w[c] = strlen(lagsim_mode_name(t->mode[c]));
        for (size_t i = 0; i < t->n_rows; i++) {
            const size_t len = strlen(t->rows[i].cell[c]);
            if (len > col_w[c])
                col_w[c] = len;
        }
    }

    fprintf(f, "%-*s", (int)label_w, "");
    for (size_t c = 0; c < t->n_cols; c++)
        fprintf(f, "%*s%*s", GAP, "", (int)col_w[c], lagsim_mode_name(t->mode[c]));
    fputc('\n', f);
    for (size_t i = 0; i < t->n_rows; i++) {
        const row_t *r = &t->rows[i];
        if (!r->has_cells) {
            fprintf(f, "%s\n", r->label);
            continue;
        }
        fprintf(f, "%-*s", (int)label_w, r->label);
        for (size_t c = 0; c < t->n_cols; c++)
            fprintf(f, "%*s%*s", GAP, "", (int)col_w[c], r->cell[c]);
        fputc('\n', f);
    }
}

/* The tables; `pooled` > 1: the results pool that many replications
 * (said under the scenario line). */
static int report_text_pooled(FILE *f, const lagsim_scenario_t *sc,
                              const lagsim_result_t *const results[LAGSIM_MODE_COUNT],
                              uint32_t pooled)
{
    table_t t; /* about 14 KB */
    char horizon[LAGSIM_DURATION_MAX], drain[LAGSIM_DURATION_MAX];

    t.n_cols = 0;
    t.n_rows = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!results[m])
            continue;
        t.col[t.n_cols] = results[m];
        t.mode[t.n_cols] = (enum lagsim_mode)m;
        t.n_cols++;
    }

    fputs("scenario ", f);
    print_name(f, sc->name, sizeof sc->name);
    fprintf(f, " (seed %" PRIu64 ", horizon %s, drain limit %s)\n", sc->seed,
            lagsim_format_duration(horizon, sizeof horizon, sc->horizon),
            lagsim_format_duration(drain, sizeof drain, sc->drain_limit));
    if (pooled > 1 && t.n_cols > 0)
        fprintf(f, "Pooled over %" PRIu32 " replications: counts are totals of all runs, "
                   "latencies\n"
                   "from their merged histograms, peaks the largest of any run\n",
                pooled);
    if (t.n_cols == 0) {
        fputs("no mode ran\n", f);
        return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
    }
    for (size_t c = 0; c < t.n_cols; c++) {
        if (t.col[c]->partial == LAGSIM_STOP_NONE)
            continue;
        char at[LAGSIM_DURATION_MAX];
        fprintf(f, "PARTIAL: the %s-mode run stopped early (%s) at simulated %s; "
                   "events not settled by then are counted in flight\n",
                lagsim_mode_name(t.mode[c]),
                lagsim_stop_reason_name((enum lagsim_stop_reason)t.col[c]->partial),
                lagsim_format_duration(at, sizeof at, t.col[c]->end_time));
    }
    fputc('\n', f);

    add_events(&t);
    add_latency(&t, "Latency to delivered (fired -> 2xx at Mixpanel)", 0);
    add_latency(&t, "Latency to visible (fired -> in reports)", 1);
    add_priorities(&t);
    add_hops(&t);
    add_mixpanel(&t);
    add_backlog(&t);
    print_table(f, &t);
    lsi_report_delivery_text(f, sc, results);
    lsi_report_theory_text(f, sc, results);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}

int lagsim_report_text(FILE *f, const lagsim_scenario_t *sc,
                       const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    return report_text_pooled(f, sc, results, 1);
}

/* "3m 01s ± 12.0s" in the figure's unit, as the tables above write it;
 * "-" when no replication had it. */
int lagsim_report_text_replicated(FILE *f, const lagsim_scenario_t *sc,
                                  const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    const lagsim_result_t *pooled[LAGSIM_MODE_COUNT];
    uint32_t n = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        pooled[m] = reps[m] ? reps[m]->pooled : NULL;
        if (reps[m])
            n = reps[m]->reps;
    }
    int rc = report_text_pooled(f, sc, pooled, n);
    if (rc != LAGSIM_OK || n == 0)
        return rc;
    fprintf(f, "\nAcross %u replications (mean ± 95%% confidence half-width of the\n"
               "figures of each run; the counts above are pooled)\n", n);
    fprintf(f, "%-20s", "");
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (reps[m])
            fprintf(f, " %22s", lagsim_mode_name((enum lagsim_mode)m));
    fputc('\n', f);
    for (size_t i = 0; i < lsi_headline_n; i++) {
        const lsi_headline_row_t *row = &lsi_headline_rows[i];
        fprintf(f, "  %-18s", row->label);
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            if (!reps[m])
                continue;
            char cell[64];
            lsi_headline_cell(cell, sizeof cell, &reps[m]->figure[row->fig], row->fig);
            /* "±" is two bytes but one column wide. */
            fprintf(f, " %*s", strstr(cell, "±") ? 23 : 22, cell);
        }
        fputc('\n', f);
    }
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}

int lagsim_report_text_compare(FILE *f, const lagsim_scenario_t *sc,
                               const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    int rc = lagsim_report_text_replicated(f, sc, reps);
    int base = -1;
    for (int m = 0; m < LAGSIM_MODE_COUNT && base < 0; m++)
        if (reps[m])
            base = m;
    if (rc != LAGSIM_OK || base < 0)
        return rc;
    const char *bn = lagsim_mode_name((enum lagsim_mode)base);
    for (int m = base + 1; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        const char *mn = lagsim_mode_name((enum lagsim_mode)m);
        fprintf(f, "\n%s against %s, paired over %u replications on common random numbers\n"
                   "(mean difference %s - %s ± 95%% confidence half-width)\n",
                mn, bn, reps[m]->reps, mn, bn);
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            lagsim_summary_t d;
            lagsim_replicated_difference(reps[base], reps[m], (enum lagsim_figure)k, &d);
            char cell[64];
            lsi_headline_cell(cell, sizeof cell, &d, (enum lagsim_figure)k);
            fprintf(f, "  %-20s %*s\n", lagsim_figure_name((enum lagsim_figure)k),
                    strstr(cell, "±") ? 25 : 24, cell);
        }
        char verdict[1024];
        lsi_verdict_compare(verdict, sizeof verdict, reps[base], (enum lagsim_mode)base, reps[m],
                            (enum lagsim_mode)m);
        lsi_report_wrap(f, "In short:", 2, 80, verdict + strlen("In short:"));
    }
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
