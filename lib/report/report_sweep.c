/*
 * report_sweep.c - owns lagsim_report_sweep(): a sweep's points, or a
 * bisection's probes and the boundary it found, as text (JSON and CSV are
 * in report_sweep_data.c).
 *
 * Central idea: one row per (point, mode) with the headline figures,
 * grouped by mode into aligned tables (built as cells first, then printed,
 * so each column is as wide as its widest cell; widths count characters,
 * not bytes, since "±" and "✓" are multibyte) and kept narrow: durations
 * as "1m 05s", counts as "11.5k", and with replications the 95%
 * half-widths on a row of their own under each point.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/report_internal.h"

/* ---- Values ------------------------------------------------------------------ */

/* Bytes with an SI unit: "900B", "1.2KB", "33.3MB". */
static void fmt_bytes(char *buf, size_t size, double b)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (fabs(b) >= 999.95 && u < 5) {
        b /= 1000;
        u++;
    }
    snprintf(buf, size, "%.4g%s", b, units[u]);
}

/* An axis value for people, in the key's units. */
static void fmt_axis(char *buf, size_t size, const lagsim_axis_t *a, double v)
{
    char tmp[24];
    switch (a->unit) {
    case LAGSIM_UNIT_DURATION: /* converted only within range */
        if (v >= -9.2e18 && v <= 9.2e18)
            lagsim_format_duration(buf, size, (lagsim_time_t)v);
        else
            snprintf(buf, size, "%.6g us", v);
        break;
    case LAGSIM_UNIT_COUNT: snprintf(buf, size, "%.0f", v); break;
    case LAGSIM_UNIT_NUMBER: /* whole values in full: 1234567, not 1.23457e+06 */
        snprintf(buf, size, v == floor(v) && fabs(v) <= 9007199254740992.0 ? "%.0f" : "%.6g", v);
        break;
    case LAGSIM_UNIT_FRACTION: snprintf(buf, size, "%.6g", v); break;
    case LAGSIM_UNIT_RATE:
        snprintf(buf, size, v == floor(v) && fabs(v) <= 9007199254740992.0 ? "%.0f/s" : "%.6g/s",
                 v);
        break;
    case LAGSIM_UNIT_BYTE_RATE:
        fmt_bytes(tmp, sizeof tmp, v);
        snprintf(buf, size, "%s/s", tmp);
        break;
    case LAGSIM_UNIT_SIZE: fmt_bytes(buf, size, v); break;
    }
}

/* ---- Text cells ---------------------------------------------------------------- */

enum kind { SHARE, SECONDS, COUNT };

/* The figures of the text tables, in column order. */
static const struct {
    enum lagsim_figure fig;
    const char *head;
    enum kind kind;
} columns[] = {
    {LAGSIM_FIG_VISIBLE_SHARE, "visible", SHARE},
    {LAGSIM_FIG_VISIBLE_P50, "p50", SECONDS},
    {LAGSIM_FIG_VISIBLE_P99, "p99", SECONDS},
    {LAGSIM_FIG_VISIBLE_MAX, "max", SECONDS},
    {LAGSIM_FIG_429, "429s", COUNT},
    {LAGSIM_FIG_BACKLOG_PEAK, "backlog", COUNT},
    {LAGSIM_FIG_DRAIN_TIME, "drain", SECONDS},
};
#define N_COLUMNS (sizeof columns / sizeof columns[0])

/* A count, short: "950", "11.5k", "1.20M". */
static void fmt_compact(char *buf, size_t size, double x)
{
    const double a = fabs(x);
    if (a < 9999.5)
        snprintf(buf, size, "%.0f", x);
    else if (a < 999950)
        snprintf(buf, size, "%.3gk", x / 1e3);
    else if (a < 999950000)
        snprintf(buf, size, "%.3gM", x / 1e6);
    else
        snprintf(buf, size, "%.3gG", x / 1e9);
}

static void fmt_value(char *buf, size_t size, enum kind k, double x)
{
    switch (k) {
    case SHARE:
        if (x == 1)
            snprintf(buf, size, "100%%");
        else
            snprintf(buf, size, "%.2f%%", 100 * x);
        break;
    case SECONDS: lagsim_format_duration(buf, size, (lagsim_time_t)llround(x * LAGSIM_SEC)); break;
    case COUNT: fmt_compact(buf, size, x); break;
    }
}

/* The mean of a summary; "-" when undefined. */
static void fmt_mean(char *buf, size_t size, enum kind k, const lagsim_summary_t *s)
{
    if (s->n == 0)
        snprintf(buf, size, "-");
    else
        fmt_value(buf, size, k, s->mean);
}

/* The 95% half-width of a summary; empty when undefined (fewer than two values). */
static void fmt_half_width(char *buf, size_t size, enum kind k, const lagsim_summary_t *s)
{
    const double h = lagsim_summary_half_width(s, 0.95);
    if (isnan(h))
        buf[0] = '\0';
    else if (k == SHARE)
        snprintf(buf, size, "%.2g%%", 100 * h);
    else
        fmt_value(buf, size, k, h);
}

/* ---- Text tables --------------------------------------------------------------- */

#define CELL_MAX 72
#define TABLE_COLS 14 /* round, 2 axes, reps, 7 figures, SLO and spare */

typedef struct table {
    size_t n_cols;
    size_t n_rows;
    size_t cap;
    char (*cell)[TABLE_COLS][CELL_MAX]; /* [cap][TABLE_COLS] */
} table_t;

/* Characters (UTF-8 code points) in s. */
static size_t width_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

/* A new row (blank cells); NULL if out of memory. */
static char (*table_row(table_t *t))[CELL_MAX]
{
    if (t->n_rows == t->cap) {
        const size_t cap = t->cap ? 2 * t->cap : 16;
        void *p = realloc(t->cell, cap * sizeof *t->cell);
        if (!p)
            return NULL;
        t->cell = p;
        t->cap = cap;
    }
    char (*row)[CELL_MAX] = t->cell[t->n_rows++];
    for (size_t c = 0; c < TABLE_COLS; c++)
        row[c][0] = '\0';
    return row;
}

/* Prints the table indented by two, columns two apart, the first n_left left-aligned. */
static void table_print(FILE *f, const table_t *t, size_t n_left)
{
    size_t w[TABLE_COLS] = {0};
    for (size_t r = 0; r < t->n_rows; r++)
        for (size_t c = 0; c < t->n_cols; c++) {
            const size_t n = width_of(t->cell[r][c]);
            w[c] = n > w[c] ? n : w[c];
        }
    char line[TABLE_COLS * (2 * CELL_MAX + 2) + 4];
    for (size_t r = 0; r < t->n_rows; r++) {
        size_t len = 0;
        line[len++] = ' ';
        line[len++] = ' ';
        for (size_t c = 0; c < t->n_cols; c++) {
            const char *s = t->cell[r][c];
            const size_t pad = w[c] - width_of(s), n = strlen(s);
            if (c >= n_left) {
                memset(line + len, ' ', pad);
                len += pad;
            }
            memcpy(line + len, s, n);
            len += n;
            if (c < n_left) {
                memset(line + len, ' ', pad);
                len += pad;
            }
            if (c + 1 < t->n_cols) {
                line[len++] = ' ';
                line[len++] = ' ';
            }
        }
        while (len > 0 && line[len - 1] == ' ')
            len--; /* no trailing blanks */
        fprintf(f, "%.*s\n", (int)len, line);
    }
}

/* What the rows of a table show. */
typedef struct layout {
    const lagsim_sweep_t *sw;
    const lagsim_slo_t *slo;
    int ascii;
    int show_round; /* a "round" column (find) */
    int show_reps;  /* a "reps" column (replications vary by point) */
    int show_hw;    /* under each point, a row of 95% half-widths */
} layout_t;

/* The header row. Returns 0 if out of memory. */
static int add_header(table_t *t, const layout_t *l)
{
    char (*row)[CELL_MAX] = table_row(t);
    if (!row)
        return 0;
    size_t c = 0;
    if (l->show_round)
        snprintf(row[c++], CELL_MAX, "round");
    for (unsigned k = 0; k < l->sw->n_axes; k++)
        snprintf(row[c++], CELL_MAX, "%.*s", CELL_MAX - 1, l->sw->axis[k].key);
    if (l->show_reps)
        snprintf(row[c++], CELL_MAX, "reps");
    for (size_t i = 0; i < N_COLUMNS; i++)
        snprintf(row[c++], CELL_MAX, "%s", columns[i].head);
    if (l->slo)
        snprintf(row[c++], CELL_MAX, "SLO");
    t->n_cols = c;
    return 1;
}

/* The verdict's mark: a check mark, a cross, or "?" when the interval
 * straddles the threshold. */
static const char *slo_mark(const layout_t *l, const lagsim_replicated_t *r)
{
    switch (lagsim_slo_verdict(l->slo, r, NULL, 0)) {
    case LAGSIM_VERDICT_HOLDS: return l->ascii ? "ok" : "\u2713";
    case LAGSIM_VERDICT_FAILS: return l->ascii ? "FAIL" : "\u2717";
    case LAGSIM_VERDICT_UNDECIDED: return "?";
    }
    return "?";
}

/*
 * The rows of point p in mode m (round < 0: no round): its values and
 * means, then (show_hw) a row of half-widths under them. Returns 0 if out
 * of memory.
 */
static int add_point_row(table_t *t, const layout_t *l, const lagsim_sweep_point_t *p,
                         enum lagsim_mode m, int round)
{
    char (*row)[CELL_MAX] = table_row(t);
    if (!row)
        return 0;
    const lagsim_replicated_t *r = p->reps[m];
    size_t c = 0;
    if (l->show_round)
        snprintf(row[c++], CELL_MAX, "%d", round);
    for (unsigned k = 0; k < l->sw->n_axes; k++)
        fmt_axis(row[c++], CELL_MAX, &l->sw->axis[k], p->value[k]);
    if (l->show_reps)
        snprintf(row[c++], CELL_MAX, "%" PRIu32, r->reps);
    const size_t first_figure = c;
    for (size_t i = 0; i < N_COLUMNS; i++)
        fmt_mean(row[c++], CELL_MAX, columns[i].kind, &r->figure[columns[i].fig]);
    if (l->slo)
        snprintf(row[c++], CELL_MAX, "%s", slo_mark(l, r));
    if (!l->show_hw)
        return 1;
    if (!(row = table_row(t)))
        return 0;
    snprintf(row[first_figure - 1], CELL_MAX, "%s", l->ascii ? "+-" : "\u00b1");
    for (size_t i = 0; i < N_COLUMNS; i++)
        fmt_half_width(row[first_figure + i], CELL_MAX, columns[i].kind,
                       &r->figure[columns[i].fig]);
    return 1;
}

/* The SLO's terms joined with ", ". */
void lsi_slo_text(char *buf, size_t size, const lagsim_slo_t *slo)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < slo->n && len + 1 < size; i++) {
        const int w = snprintf(buf + len, size - len, "%s%s", i ? ", " : "", slo->term[i].text);
        if (w < 0)
            break;
        len += (size_t)w < size - len ? (size_t)w : size - len - 1;
    }
}

/* "burst.launch.rate from 20000/s to 60000/s by 5000/s (9 points)". */
static void print_axis(FILE *f, const lagsim_axis_t *a)
{
    char from[48], to[48], step[48];
    fmt_axis(from, sizeof from, a, a->from);
    fmt_axis(to, sizeof to, a, a->to);
    fmt_axis(step, sizeof step, a, a->step);
    fprintf(f, "%s from %s to %s by %s (%" PRIu32 " points)", a->key, from, to, step,
            lagsim_axis_points(a));
}

/* Prints a scenario name with control characters shown as '?'. */
static void print_name(FILE *f, const char *name, size_t size)
{
    for (size_t i = 0; i < size && name[i]; i++) {
        const unsigned char ch = (unsigned char)name[i];
        fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
    }
}

/* The lines that say what ran: axes, replications, SLO. */
static void print_preamble(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                           const lagsim_find_t *find, int ascii)
{
    fputs(find ? "find " : "sweep ", f);
    print_name(f, sw->base->name, sizeof sw->base->name);
    fprintf(f, " (seed %" PRIu64 "): ", sw->base->seed);
    print_axis(f, &sw->axis[0]);
    if (sw->n_axes == 2) {
        fputs("\n  by ", f);
        print_axis(f, &sw->axis[1]);
    }
    fputc('\n', f);
    const char *per = find ? "probe" : "point";
    if (sw->precision)
        fprintf(f, "replications: per %s and mode, until every headline figure's 95%% "
                   "half-width is\n  within %.4g%% of its mean (pilot %" PRIu32 ", cap %" PRIu32
                   "); figures are means, with\n  their 95%% half-widths on the row below\n",
                per, 100 * sw->precision->relative, sw->precision->pilot,
                sw->precision->max_reps);
    else if (sw->reps > 1)
        fprintf(f, "replications: %" PRIu32 " per %s and mode; figures are means, with "
                   "their 95%%\n  half-widths on the row below\n", sw->reps, per);
    else
        fprintf(f, "replications: 1 per %s and mode\n", per);
    fprintf(f, "every %s runs on the same random numbers (seed %" PRIu64 ")\n", per,
            sw->base->seed);
    if (slo) {
        char text[LAGSIM_SLO_MAX_TERMS * 50];
        lsi_slo_text(text, sizeof text, slo);
        if (sw->precision || sw->reps > 1)
            fprintf(f, "SLO: %s, on the 95%% interval over replications (%s holds, %s fails,\n"
                       "  ? the interval straddles the threshold)\n", text,
                    ascii ? "ok" : "\u2713", ascii ? "FAIL" : "\u2717");
        else
            fprintf(f, "SLO: %s, on the mean over replications (%s holds, %s fails)\n", text,
                    ascii ? "ok" : "\u2713", ascii ? "FAIL" : "\u2717");
        if (find && sw->max_reps > 1 && (sw->precision || sw->reps > 1))
            fprintf(f, "an undecided probe gets more replications, doubling, up to %" PRIu32
                       "\n", sw->max_reps);
    }
}

/* Whether the replications differ by point (precision, or --find adding
 * them at undecided probes): then a reps column. */
static int reps_vary(const lagsim_sweep_t *sw)
{
    return sw->precision != NULL || (sw->max_reps > sw->reps && sw->reps > 1);
}

/* Whether there are half-widths to show. */
static int has_hw(const lagsim_sweep_t *sw)
{
    return sw->precision != NULL || sw->reps > 1;
}

/* A line when some run stopped early (an interrupt or a limit). */
static void print_partial(FILE *f, const lagsim_sweep_t *sw)
{
    for (uint32_t i = 0; i < sw->n_points; i++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            const lagsim_replicated_t *r = sw->points[i].reps[m];
            if (r && r->pooled->partial != LAGSIM_STOP_NONE) {
                fprintf(f, "PARTIAL: some runs stopped early (%s); their figures count what had "
                           "settled by then,\n  and points that did not start are left out\n",
                        lagsim_stop_reason_name((enum lagsim_stop_reason)r->pooled->partial));
                return;
            }
        }
}

/*
 * One line on the warm-up of the points that ran: the reason when the
 * scenario is terminating, else how many runs had a cut, none, or never
 * settled (naming a few of the last, whose latencies count from zero).
 */
static void print_warmup(FILE *f, const lagsim_sweep_t *sw)
{
    uint32_t count[LAGSIM_WARMUP_UNSETTLED + 1] = {0};
    lagsim_time_t longest = 0;
    uint32_t cut = 0; /* runs with a cut */
    const lagsim_warmup_t *any = NULL;
    for (uint32_t i = 0; i < sw->n_points; i++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            const lagsim_replicated_t *r = sw->points[i].reps[m];
            if (!r)
                continue;
            any = &r->warmup;
            count[r->warmup.method]++;
            cut += r->warmup.cut > 0;
            if (r->warmup.cut > longest)
                longest = r->warmup.cut;
        }
    if (!any)
        return;
    char d[LAGSIM_DURATION_MAX];
    if (any->method != LAGSIM_WARMUP_MSER && any->method != LAGSIM_WARMUP_UNSETTLED) {
        lsi_warmup_given_line(f, any); /* the scenario's, the same at every point */
        return;
    }
    fprintf(f, "\nWarm-up (MSER-5 on a pilot per point and mode): nothing to cut in %u runs, "
               "a cut in %u", count[LAGSIM_WARMUP_MSER] - cut, cut);
    if (cut)
        fprintf(f, " (longest %s)", lagsim_format_duration(d, sizeof d, longest));
    fprintf(f, ", never settled in %u", count[LAGSIM_WARMUP_UNSETTLED]);
    unsigned named = 0;
    for (uint32_t i = 0; i < sw->n_points && named < 3; i++)
        for (int m = 0; m < LAGSIM_MODE_COUNT && named < 3; m++) {
            const lagsim_replicated_t *r = sw->points[i].reps[m];
            if (!r || r->warmup.method != LAGSIM_WARMUP_UNSETTLED)
                continue;
            fputs(named++ ? "; " : " (latencies from time zero at ", f);
            for (unsigned k = 0; k < sw->n_axes; k++) {
                char v[48];
                fmt_axis(v, sizeof v, &sw->axis[k], sw->points[i].value[k]);
                fprintf(f, "%s%s = %s", k ? ", " : "", sw->axis[k].key, v);
            }
            fprintf(f, " %s", lagsim_mode_name((enum lagsim_mode)m));
        }
    fputs(named ? ")\n" : "\n", f);
}

static int text_sweep(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo, int ascii)
{
    print_preamble(f, sw, slo, NULL, ascii);
    print_partial(f, sw);
    const layout_t l = {sw, slo, ascii, 0, reps_vary(sw), has_hw(sw)};
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        table_t t = {0, 0, 0, NULL};
        int ok = add_header(&t, &l);
        for (uint32_t i = 0; ok && i < sw->n_points; i++)
            if (sw->points[i].reps[m])
                ok = add_point_row(&t, &l, &sw->points[i], (enum lagsim_mode)m, -1);
        if (!ok) {
            free(t.cell);
            return LAGSIM_ENOMEM;
        }
        fprintf(f, "\n%s mode\n", lagsim_mode_name((enum lagsim_mode)m));
        table_print(f, &t, sw->n_axes);
        free(t.cell);
    }
    return LAGSIM_OK;
}

/* Whether both sides of line ln's bracket were decided (not "?"). */
static int decided(const lagsim_sweep_t *sw, const lagsim_slo_t *slo, const lagsim_find_line_t *ln,
                   enum lagsim_mode m)
{
    const lagsim_replicated_t *h = sw->points[ln->holds_at[m]].reps[m];
    const lagsim_replicated_t *x = sw->points[ln->fails_at[m]].reps[m];
    return h && x && lagsim_slo_verdict(slo, h, NULL, 0) == LAGSIM_VERDICT_HOLDS &&
           lagsim_slo_verdict(slo, x, NULL, 0) == LAGSIM_VERDICT_FAILS;
}

/* "At 95% confidence the boundary lies between X and Y" when an undecided
 * probe widened it beyond the bracket (with replications only). */
static void print_interval(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                           const lagsim_find_t *find, uint32_t l, enum lagsim_mode m)
{
    lagsim_find_line_t ln;
    lsi_find_line(find, l, &ln);
    if (!(sw->precision || sw->reps > 1))
        return;
    const lagsim_axis_t *a = &sw->axis[0];
    char x[48], y[48];
    const uint32_t sh = ln.sure_holds_at[m], sf = ln.sure_fails_at[m];
    if (decided(sw, slo, &ln, m)) {
        fputs("both sides decided at 95% confidence\n", f);
        return;
    }
    fmt_axis(x, sizeof x, a, sw->points[sh].value[0]);
    fmt_axis(y, sizeof y, a, sw->points[sf].value[0]);
    fprintf(f, "at 95%% confidence (probes marked ? undecided), the boundary lies\n"
               "between %s (holds) and %s (fails)\n", x, y);
}

/* With two keys: the boundary on the first for each value of the second. */
static void text_frontier(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                          const lagsim_find_t *find, enum lagsim_mode m)
{
    const lagsim_axis_t *a = &sw->axis[0], *b = &sw->axis[1];
    fprintf(f, "\nFrontier, %s mode: the %s at which the SLO stops holding,\n"
               "for each %s\n", lagsim_mode_name(m), a->key, b->key);
    for (uint32_t l = 0; l < lsi_find_lines(find); l++) {
        lagsim_find_line_t ln;
        lsi_find_line(find, l, &ln);
        char v[48], x[48], y[48];
        fmt_axis(v, sizeof v, b, sw->points[l].value[1]);
        fprintf(f, "  %s = %s: ", b->key, v);
        if (ln.outcome[m] == LAGSIM_FIND_HOLDS_ALL) {
            fputs("holds over the whole range\n", f);
            continue;
        }
        if (ln.outcome[m] == LAGSIM_FIND_FAILS_ALL) {
            fputs("fails over the whole range\n", f);
            continue;
        }
        fmt_axis(x, sizeof x, a, sw->points[ln.holds_at[m]].value[0]);
        fmt_axis(y, sizeof y, a, sw->points[ln.fails_at[m]].value[0]);
        fprintf(f, "holds at %s, fails at %s", x, y);
        if ((sw->precision || sw->reps > 1) && !decided(sw, slo, &ln, m)) {
            fmt_axis(x, sizeof x, a, sw->points[ln.sure_holds_at[m]].value[0]);
            fmt_axis(y, sizeof y, a, sw->points[ln.sure_fails_at[m]].value[0]);
            fprintf(f, " (95%%: %s to %s)", x, y);
        }
        fputc('\n', f);
    }
}

static int text_find(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                     const lagsim_find_t *find, int ascii)
{
    print_preamble(f, sw, slo, find, ascii);
    print_partial(f, sw);
    const lagsim_axis_t *a = &sw->axis[0];
    char step[48];
    fmt_axis(step, sizeof step, a, a->step);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        const enum lagsim_mode mode = (enum lagsim_mode)m;
        const layout_t probes = {sw, slo, ascii, 1, reps_vary(sw), has_hw(sw)};
        table_t t = {0, 0, 0, NULL};
        int ok = add_header(&t, &probes);
        for (uint32_t i = 0; ok && i < find->n_probes; i++)
            if (find->probe[i].mode == mode)
                ok = add_point_row(&t, &probes, &sw->points[find->probe[i].point], mode,
                                   (int)find->probe[i].round);
        if (!ok) {
            free(t.cell);
            return LAGSIM_ENOMEM;
        }
        fprintf(f, "\n%s mode: probes in the order they ran\n", lagsim_mode_name(mode));
        table_print(f, &t, 1 + sw->n_axes);
        free(t.cell);
        if (sw->n_axes == 2) {
            text_frontier(f, sw, slo, find, mode);
            continue;
        }

        const lagsim_sweep_point_t *first = &sw->points[0];
        const lagsim_sweep_point_t *last = &sw->points[sw->n_points - 1];
        char x[48], y[48];
        fmt_axis(x, sizeof x, a, first->value[0]);
        fmt_axis(y, sizeof y, a, last->value[0]);
        fprintf(f, "\nAnswer, %s mode: ", lagsim_mode_name(mode));
        if (find->outcome[m] == LAGSIM_FIND_HOLDS_ALL) {
            fprintf(f, "the SLO holds over the whole range (%s to %s): the boundary, if any,\n"
                       "lies beyond it\n", x, y);
            continue;
        }
        if (find->outcome[m] == LAGSIM_FIND_FAILS_ALL) {
            fprintf(f, "the SLO fails over the whole range (%s to %s): no value in it\n"
                       "meets the SLO\n", x, y);
            continue;
        }
        const lagsim_sweep_point_t *hold = &sw->points[find->holds_at[m]];
        const lagsim_sweep_point_t *fail = &sw->points[find->fails_at[m]];
        fmt_axis(x, sizeof x, a, hold->value[0]);
        fmt_axis(y, sizeof y, a, fail->value[0]);
        fprintf(f, "the SLO holds at %s = %s and fails at %s;\n"
                   "the boundary lies between them (within one step, %s)\n",
                a->key, x, y, step);
        print_interval(f, sw, slo, find, 0, mode);
        const layout_t sides = {sw, slo, ascii, 0, reps_vary(sw), has_hw(sw)};
        table_t s = {0, 0, 0, NULL};
        ok = add_header(&s, &sides) && add_point_row(&s, &sides, hold, mode, -1) &&
             add_point_row(&s, &sides, fail, mode, -1);
        if (ok)
            table_print(f, &s, sw->n_axes);
        free(s.cell);
        if (!ok)
            return LAGSIM_ENOMEM;
    }
    return LAGSIM_OK;
}

/* ---- Shared with report_md_sweep.c ------------------------------------------------- */

void lsi_sweep_axis_text(char *buf, size_t size, const lagsim_axis_t *a, double v)
{
    fmt_axis(buf, size, a, v);
}

size_t lsi_sweep_n_figures(void)
{
    return N_COLUMNS;
}

const char *lsi_sweep_figure_head(size_t i)
{
    return columns[i].head;
}

void lsi_sweep_figure_text(char *buf, size_t size, size_t i, const lagsim_replicated_t *r,
                           int with_hw)
{
    char mean[CELL_MAX], hw[CELL_MAX];
    fmt_mean(mean, sizeof mean, columns[i].kind, &r->figure[columns[i].fig]);
    hw[0] = '\0';
    if (with_hw)
        fmt_half_width(hw, sizeof hw, columns[i].kind, &r->figure[columns[i].fig]);
    if (hw[0])
        snprintf(buf, size, "%s \u00b1 %s", mean, hw);
    else
        snprintf(buf, size, "%s", mean);
}

/* ---- Entry point --------------------------------------------------------------------- */

int lagsim_report_sweep(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                        const lagsim_find_t *find, const lagsim_report_opts_t *opts)
{
    static const lagsim_report_opts_t defaults = {LAGSIM_REPORT_TEXT, NULL, 0, 0};
    if (!opts)
        opts = &defaults;
    int rc;
    switch (opts->format) {
    case LAGSIM_REPORT_JSON: return lsi_report_sweep_json(f, sw, slo, find, opts->manifest);
    case LAGSIM_REPORT_CSV: return lsi_report_sweep_csv(f, sw, slo, find, opts->manifest);
    case LAGSIM_REPORT_HTML: return lsi_report_sweep_html(f, sw, slo, find, opts->manifest);
    case LAGSIM_REPORT_MD: return lsi_report_sweep_md(f, sw, slo, find, opts->manifest);
    case LAGSIM_REPORT_TEXT: break;
    }
    rc = find ? text_find(f, sw, slo, find, opts->ascii) : text_sweep(f, sw, slo, opts->ascii);
    if (rc == LAGSIM_OK)
        print_warmup(f, sw);
    if (rc == LAGSIM_OK && opts->manifest)
        lsi_manifest_text(f, opts->manifest);
    if (rc == LAGSIM_OK && ferror(f))
        rc = LAGSIM_EIO;
    return rc;
}
