/*
 * report_internal.h - what the files of lib/report share: the JSON
 * document writer and number printers of report_json.c, the manifest in
 * each format (report_manifest.c), the CSV cell printers (report_csv.c)
 * and what the sweep writers share. Nothing here is public.
 */
#ifndef LAGSIM_REPORT_INTERNAL_H
#define LAGSIM_REPORT_INTERNAL_H

#include <stdint.h>
#include <stdio.h>

#include "lagsim/report.h"

/* ---- report_json.c ------------------------------------------------------- */

/*
 * The JSON report of run (compare 0) or compare (1), with "manifest" if
 * not NULL; replicated ("ci95") when compare or any mode has more than
 * one replication. Returns LAGSIM_OK or LAGSIM_EIO.
 */
int lsi_report_json(FILE *f, const lagsim_scenario_t *sc,
                    const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT], int compare,
                    const lagsim_manifest_t *manifest);
/* A real rounded to 6 decimals, trailing zeros dropped; null if not finite. */
void lsi_json_real(FILE *f, double x);
/* Microseconds as exact decimal seconds. */
void lsi_json_seconds(FILE *f, int64_t us);

/* ---- report_html_*.c ------------------------------------------------------ */

/*
 * The HTML page of run (compare 0) or compare (1): charts and tables, the
 * manifest if not NULL. Returns LAGSIM_OK or LAGSIM_EIO.
 */
int lsi_report_html(FILE *f, const lagsim_scenario_t *sc,
                    const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT], int compare,
                    const lagsim_manifest_t *manifest);

/* The Markdown report of run or compare (report_md.c). */
int lsi_report_md(FILE *f, const lagsim_scenario_t *sc,
                  const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT], int compare,
                  const lagsim_manifest_t *manifest);

/* The HTML page of a sweep or a bisection (report_html_sweep.c). */
int lsi_report_sweep_html(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                          const lagsim_find_t *find, const lagsim_manifest_t *manifest);

/* ---- report_chart.c ---------------------------------------------------------- */

/* lagsim_report_chart() on an axis that also encloses [axis_min, axis_max]
 * (us): the charts of several modes share one x axis. */
int lsi_report_chart_axis(FILE *f, const lagsim_hist_t *h, const char *title, int ascii,
                          int64_t axis_min, int64_t axis_max);

/* ---- report_manifest.c ----------------------------------------------------- */

/* Text: a "Manifest" block, after a blank line. */
void lsi_manifest_text(FILE *f, const lagsim_manifest_t *m);
/* report_results.c: "\nWarm-up: ..." for a cut that needed no pilot (none,
 * a fixed duration, or a terminating scenario). */
void lsi_warmup_given_line(FILE *f, const lagsim_warmup_t *w);
/*
 * JSON: `"manifest": {...},` and a newline, at `indent`. With a precision,
 * reps (may be NULL) adds what each mode reached.
 */
void lsi_manifest_json(FILE *f, int indent, const lagsim_manifest_t *m,
                       const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT]);
/* CSV: "# key: value" lines. */
void lsi_manifest_csv(FILE *f, const lagsim_manifest_t *m);

/* ---- report_csv.c ------------------------------------------------------------ */

/* A CSV number: up to 9 significant digits; nothing (an empty cell) if not finite. */
void lsi_csv_number(FILE *f, double x);
/* A CSV text cell, quoted when it holds a comma, quote or line break. */
void lsi_csv_text(FILE *f, const char *s);

/* ---- report_sweep.c, report_sweep_data.c ------------------------------------ */

/* The SLO's terms joined with ", ". */
void lsi_slo_text(char *buf, size_t size, const lagsim_slo_t *slo);
/* "holds", "fails", "undecided". */
const char *lsi_verdict_name(enum lagsim_verdict v);
/* Line l of a find's answer (line 0 from the first-line fields, the
 * interval equal to the bracket, when n_lines is 0). */
void lsi_find_line(const lagsim_find_t *find, uint32_t l, lagsim_find_line_t *out);
/* The number of lines of a find's answer (at least 1). */
uint32_t lsi_find_lines(const lagsim_find_t *find);
/* A sweep (find NULL) or a bisection as JSON, or as CSV; see lagsim_report_sweep(). */
int lsi_report_sweep_json(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                          const lagsim_find_t *find, const lagsim_manifest_t *manifest);
int lsi_report_sweep_csv(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                         const lagsim_find_t *find, const lagsim_manifest_t *manifest);
/* CSV cells that lead a sweep's rows, each followed by a comma: the varied
 * keys (a header), or one point's values in plain units (seconds, per
 * second, bytes). Shared by the sweep table and the sweep's --hist. */
void lsi_sweep_keys_csv(FILE *f, const lagsim_sweep_t *sw);
void lsi_sweep_values_csv(FILE *f, const lagsim_sweep_t *sw, const lagsim_sweep_point_t *p);

/* report_sweep.c, for report_md_sweep.c: an axis value in the key's units;
 * the text table's figure columns (count, heads) and figure i of r as its
 * cell ("mean", or "mean ± half-width" when with_hw and it has one). */
void lsi_sweep_axis_text(char *buf, size_t size, const lagsim_axis_t *a, double v);
size_t lsi_sweep_n_figures(void);
const char *lsi_sweep_figure_head(size_t i);
void lsi_sweep_figure_text(char *buf, size_t size, size_t i, const lagsim_replicated_t *r,
                           int with_hw);

/* ---- report_md*.c ------------------------------------------------------------ */

/* Markdown helpers (report_md.c): a cell ('|' escaped, line breaks as
 * spaces), a header row with its rule (first column left, the rest right),
 * a row, and the "## Manifest" table (nothing when m is NULL). */
void lsi_md_cell(FILE *f, const char *s);
void lsi_md_head(FILE *f, const char *const *h, size_t n);
void lsi_md_row(FILE *f, const char *const *c, size_t n);
void lsi_md_manifest(FILE *f, const lagsim_manifest_t *m);
/* The Markdown report of a sweep or a bisection (report_md_sweep.c). */
int lsi_report_sweep_md(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                        const lagsim_find_t *find, const lagsim_manifest_t *manifest);

/* ---- report_trace.c (shared with report_trace_json.c) ----------------------- */

/* Room for a milestone's words or its explanation. */
#define LSI_TRACE_TEXT_MAX 400

/*
 * The plain words of milestone p (the line the text narration shows) into
 * text[text_size], and the explanation of what it means, if it has one
 * (the '>' line), into why[why_size]. Returns which explanation (>= 0; the
 * same moment gives the same number) or -1 with why set to "".
 */
int lsi_trace_describe(const lagsim_scenario_t *sc, const lagsim_trace_point_t *p, char *text,
                       size_t text_size, char *why, size_t why_size);

/* A milestone and its place in the order reported. */
typedef struct lsi_trace_order {
    const lagsim_trace_point_t *p;
    size_t seq;
} lsi_trace_order_t;

/*
 * The milestones in telling order: by event, then time, then the order
 * reported (a total order, so the same points give the same output).
 * *events receives the number of followed events (the largest event + 1).
 * Returns an array of n_points (free it), or NULL if out of memory.
 */
lsi_trace_order_t *lsi_trace_sort(const lagsim_trace_point_t *points, size_t n_points,
                                  uint32_t *events);

/*
 * The event whose milestones start at order[i] (of n): returns the index
 * past its last milestone; *visible_at receives when it became visible
 * (-1: never), *drop its drop (not a copy's), or NULL.
 */
size_t lsi_trace_event_end(const lsi_trace_order_t *order, size_t n, size_t i,
                           lagsim_time_t *visible_at, const lagsim_trace_point_t **drop);

/* report_headline.c: the headline figures of replicated results, their
 * labels in table order, and one cell "mean ± 95% half-width". */
typedef struct lsi_headline_row {
    enum lagsim_figure fig;
    const char *label;
} lsi_headline_row_t;
extern const lsi_headline_row_t lsi_headline_rows[];
extern const size_t lsi_headline_n;
void lsi_headline_cell(char *buf, size_t size, const lagsim_summary_t *s, enum lagsim_figure fig);
#define LSI_HEADLINE_CELL 96
/* Headline row i as table cells: row[0] its label, then one cell per mode
 * present in reps, written into cells[]. Returns the number of cells. */
size_t lsi_headline_row(size_t i, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                        char cells[LAGSIM_MODE_COUNT][LSI_HEADLINE_CELL], const char **row);

/* report_counts.c: the count tables of the HTML and Markdown reports,
 * pooled over replications: events by how they ended, and requests. */
enum lsi_count_table { LSI_COUNTS_EVENTS, LSI_COUNTS_REQUESTS };
#define LSI_COUNT_ROWS_MAX (LAGSIM_DROP_COUNT + LAGSIM_RESP_COUNT + 8)
typedef struct lsi_count_row {
    char label[64];
    uint64_t value[LAGSIM_MODE_COUNT]; /* by mode (0 for modes not run) */
    int optional;                      /* shown only where it is not 0 */
} lsi_count_row_t;
/* Fills rows[] with the table's rows in order; returns how many. */
size_t lsi_count_rows(enum lsi_count_table table,
                      const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                      lsi_count_row_t rows[LSI_COUNT_ROWS_MAX]);
/* 1 unless the row is optional and 0 in every mode. */
int lsi_count_shown(const lsi_count_row_t *r);
/* The row as table cells: its label, then one human count per mode
 * present in reps (written into cells[]). Returns the number of cells. */
size_t lsi_count_cells(const lsi_count_row_t *r,
                       const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                       char cells[LAGSIM_MODE_COUNT][32], const char **row);

#endif /* LAGSIM_REPORT_INTERNAL_H */
