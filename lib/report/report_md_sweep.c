/*
 * report_md_sweep.c - owns the Markdown report (--format md) of a sweep or
 * a bisection (--find): the text report's content as GitHub-flavoured
 * Markdown tables, for pasting into documents and tickets. Per mode, one
 * row per point (or probe, in the order they ran) with the text table's
 * figures ("mean ± 95% half-width" with replications) and the SLO verdict
 * (✓ holds, ✗ fails, ? undecided); with --find, each mode's answer and its
 * 95% interval, or with two keys the frontier as a table; then the
 * manifest. Cells are escaped for '|' (report_md.c); the figures are
 * formatted as in the text report (report_sweep.c).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/report_internal.h"

#define MD_CELL 96
#define MD_COLS 16 /* round, 2 axes, reps, the figures, SLO */

typedef struct md_layout {
    const lagsim_sweep_t *sw;
    const lagsim_slo_t *slo;
    int show_round;
    int show_reps;
    int show_hw;
} md_layout_t;

static int md_reps_vary(const lagsim_sweep_t *sw)
{
    return sw->precision != NULL || (sw->max_reps > sw->reps && sw->reps > 1);
}

static int md_has_hw(const lagsim_sweep_t *sw)
{
    return sw->precision != NULL || sw->reps > 1;
}

static const char *md_mark(const lagsim_slo_t *slo, const lagsim_replicated_t *r)
{
    switch (lagsim_slo_verdict(slo, r, NULL, 0)) {
    case LAGSIM_VERDICT_HOLDS: return "\u2713";
    case LAGSIM_VERDICT_FAILS: return "\u2717";
    case LAGSIM_VERDICT_UNDECIDED: return "?";
    }
    return "?";
}

static void md_header(FILE *f, const md_layout_t *l)
{
    const char *h[MD_COLS];
    size_t c = 0;
    if (l->show_round)
        h[c++] = "round";
    for (unsigned k = 0; k < l->sw->n_axes; k++)
        h[c++] = l->sw->axis[k].key;
    if (l->show_reps)
        h[c++] = "reps";
    for (size_t i = 0; i < lsi_sweep_n_figures(); i++)
        h[c++] = lsi_sweep_figure_head(i);
    if (l->slo)
        h[c++] = "SLO";
    lsi_md_head(f, h, c);
}

static void md_point(FILE *f, const md_layout_t *l, const lagsim_sweep_point_t *p,
                     enum lagsim_mode m, int round)
{
    char cells[MD_COLS][MD_CELL];
    const char *r[MD_COLS];
    const lagsim_replicated_t *rep = p->reps[m];
    size_t c = 0;
    if (l->show_round)
        snprintf(cells[c++], MD_CELL, "%d", round);
    for (unsigned k = 0; k < l->sw->n_axes; k++)
        lsi_sweep_axis_text(cells[c++], MD_CELL, &l->sw->axis[k], p->value[k]);
    if (l->show_reps)
        snprintf(cells[c++], MD_CELL, "%" PRIu32, rep->reps);
    for (size_t i = 0; i < lsi_sweep_n_figures(); i++)
        lsi_sweep_figure_text(cells[c++], MD_CELL, i, rep, l->show_hw);
    if (l->slo)
        snprintf(cells[c++], MD_CELL, "%s", md_mark(l->slo, rep));
    for (size_t i = 0; i < c; i++)
        r[i] = cells[i];
    lsi_md_row(f, r, c);
}

/* Text outside a table, '|' and '`' escaped. */
static void md_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|' || *s == '`')
            fputc('\\', f);
        fputc(*s, f);
    }
}

static void md_axis_line(FILE *f, const lagsim_axis_t *a)
{
    char from[48], to[48], step[48];
    lsi_sweep_axis_text(from, sizeof from, a, a->from);
    lsi_sweep_axis_text(to, sizeof to, a, a->to);
    lsi_sweep_axis_text(step, sizeof step, a, a->step);
    fputs("- varied: ", f);
    md_escaped(f, a->key);
    fprintf(f, " from %s to %s by %s (%" PRIu32 " points)\n", from, to, step,
            lagsim_axis_points(a));
}

static void md_preamble(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                        const lagsim_find_t *find)
{
    fprintf(f, "# lagsim %s: ", find ? "find" : "sweep");
    for (size_t i = 0; i < sizeof sw->base->name && sw->base->name[i]; i++) {
        const unsigned char ch = (unsigned char)sw->base->name[i];
        fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
    }
    fprintf(f, "\n\nSeed %" PRIu64 "; every %s runs on the same random numbers.\n\n",
            sw->base->seed, find ? "probe" : "point");
    for (unsigned k = 0; k < sw->n_axes; k++)
        md_axis_line(f, &sw->axis[k]);
    const char *per = find ? "probe" : "point";
    if (sw->precision)
        fprintf(f, "- replications: per %s and mode, until every headline figure's 95%% "
                   "half-width is within %.4g%% of its mean (pilot %" PRIu32 ", cap %" PRIu32
                   "); figures are mean \u00b1 95%% half-width\n",
                per, 100 * sw->precision->relative, sw->precision->pilot,
                sw->precision->max_reps);
    else if (sw->reps > 1)
        fprintf(f, "- replications: %" PRIu32 " per %s and mode; figures are mean \u00b1 95%% "
                   "half-width\n", sw->reps, per);
    else
        fprintf(f, "- replications: 1 per %s and mode\n", per);
    if (slo) {
        char text[LAGSIM_SLO_MAX_TERMS * 50];
        lsi_slo_text(text, sizeof text, slo);
        fputs("- SLO: ", f);
        md_escaped(f, text);
        fprintf(f, ", on the %s (\u2713 holds, \u2717 fails%s)\n",
                md_has_hw(sw) ? "95% interval over replications" : "mean over replications",
                md_has_hw(sw) ? ", ? the interval straddles the threshold" : "");
    }
    for (uint32_t i = 0; i < sw->n_points; i++)
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
            const lagsim_replicated_t *r = sw->points[i].reps[m];
            if (r && r->pooled->partial != LAGSIM_STOP_NONE) {
                fprintf(f, "\n**PARTIAL**: some runs stopped early (%s); their figures count "
                           "what had settled by then, and points that did not start are left "
                           "out.\n",
                        lagsim_stop_reason_name((enum lagsim_stop_reason)r->pooled->partial));
                return;
            }
        }
}

static int md_decided(const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                      const lagsim_find_line_t *ln, enum lagsim_mode m)
{
    const lagsim_replicated_t *h = sw->points[ln->holds_at[m]].reps[m];
    const lagsim_replicated_t *x = sw->points[ln->fails_at[m]].reps[m];
    return h && x && lagsim_slo_verdict(slo, h, NULL, 0) == LAGSIM_VERDICT_HOLDS &&
           lagsim_slo_verdict(slo, x, NULL, 0) == LAGSIM_VERDICT_FAILS;
}

/* The frontier of mode m: one row per value of the second key. */
static void md_frontier(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                        const lagsim_find_t *find, enum lagsim_mode m)
{
    const lagsim_axis_t *a = &sw->axis[0], *b = &sw->axis[1];
    fprintf(f, "\n### Frontier, %s mode\n\nThe %s at which the SLO stops holding, for each "
               "%s.\n\n", lagsim_mode_name(m), a->key, b->key);
    const char *h[] = {b->key, "holds at", "fails at", "95% interval"};
    lsi_md_head(f, h, 4);
    for (uint32_t l = 0; l < lsi_find_lines(find); l++) {
        lagsim_find_line_t ln;
        lsi_find_line(find, l, &ln);
        char v[48], x[48] = "-", y[48] = "-", iv[112] = "-";
        lsi_sweep_axis_text(v, sizeof v, b, sw->points[l].value[1]);
        if (ln.outcome[m] == LAGSIM_FIND_HOLDS_ALL) {
            snprintf(x, sizeof x, "whole range");
        } else if (ln.outcome[m] == LAGSIM_FIND_FAILS_ALL) {
            snprintf(y, sizeof y, "whole range");
        } else {
            lsi_sweep_axis_text(x, sizeof x, a, sw->points[ln.holds_at[m]].value[0]);
            lsi_sweep_axis_text(y, sizeof y, a, sw->points[ln.fails_at[m]].value[0]);
            if (md_has_hw(sw) && !md_decided(sw, slo, &ln, m)) {
                char p[48], q[48];
                lsi_sweep_axis_text(p, sizeof p, a, sw->points[ln.sure_holds_at[m]].value[0]);
                lsi_sweep_axis_text(q, sizeof q, a, sw->points[ln.sure_fails_at[m]].value[0]);
                snprintf(iv, sizeof iv, "%s to %s", p, q);
            } else if (md_has_hw(sw)) {
                snprintf(iv, sizeof iv, "both sides decided");
            }
        }
        const char *r[] = {v, x, y, iv};
        lsi_md_row(f, r, 4);
    }
}

/* The answer of mode m on one key: the bracket, its interval, both sides. */
static void md_answer(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                      const lagsim_find_t *find, enum lagsim_mode m)
{
    const lagsim_axis_t *a = &sw->axis[0];
    char x[48], y[48], step[48];
    lsi_sweep_axis_text(x, sizeof x, a, sw->points[0].value[0]);
    lsi_sweep_axis_text(y, sizeof y, a, sw->points[sw->n_points - 1].value[0]);
    fprintf(f, "\n### Answer, %s mode\n\n", lagsim_mode_name(m));
    if (find->outcome[m] == LAGSIM_FIND_HOLDS_ALL) {
        fprintf(f, "The SLO holds over the whole range (%s to %s): the boundary, if any, lies "
                   "beyond it.\n", x, y);
        return;
    }
    if (find->outcome[m] == LAGSIM_FIND_FAILS_ALL) {
        fprintf(f, "The SLO fails over the whole range (%s to %s): no value in it meets the "
                   "SLO.\n", x, y);
        return;
    }
    lsi_sweep_axis_text(step, sizeof step, a, a->step);
    const lagsim_sweep_point_t *hold = &sw->points[find->holds_at[m]];
    const lagsim_sweep_point_t *fail = &sw->points[find->fails_at[m]];
    lsi_sweep_axis_text(x, sizeof x, a, hold->value[0]);
    lsi_sweep_axis_text(y, sizeof y, a, fail->value[0]);
    fprintf(f, "The SLO holds at %s = %s and fails at %s; the boundary lies between them "
               "(within one step, %s).", a->key, x, y, step);
    lagsim_find_line_t ln;
    lsi_find_line(find, 0, &ln);
    if (md_has_hw(sw)) {
        if (md_decided(sw, slo, &ln, m)) {
            fputs(" Both sides decided at 95% confidence.", f);
        } else {
            lsi_sweep_axis_text(x, sizeof x, a, sw->points[ln.sure_holds_at[m]].value[0]);
            lsi_sweep_axis_text(y, sizeof y, a, sw->points[ln.sure_fails_at[m]].value[0]);
            fprintf(f, " At 95%% confidence (probes marked ? undecided), the boundary lies "
                       "between %s (holds) and %s (fails).", x, y);
        }
    }
    fputs("\n\n", f);
    const md_layout_t sides = {sw, slo, 0, md_reps_vary(sw), md_has_hw(sw)};
    md_header(f, &sides);
    md_point(f, &sides, hold, m, -1);
    md_point(f, &sides, fail, m, -1);
}

int lsi_report_sweep_md(FILE *f, const lagsim_sweep_t *sw, const lagsim_slo_t *slo,
                        const lagsim_find_t *find, const lagsim_manifest_t *manifest)
{
    md_preamble(f, sw, slo, find);
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!(sw->mode_mask & (1u << m)))
            continue;
        const enum lagsim_mode mode = (enum lagsim_mode)m;
        const md_layout_t l = {sw, slo, find != NULL, md_reps_vary(sw), md_has_hw(sw)};
        if (find)
            fprintf(f, "\n## %s mode: probes in the order they ran\n\n", lagsim_mode_name(mode));
        else
            fprintf(f, "\n## %s mode\n\n", lagsim_mode_name(mode));
        md_header(f, &l);
        if (find) {
            for (uint32_t i = 0; i < find->n_probes; i++)
                if (find->probe[i].mode == mode)
                    md_point(f, &l, &sw->points[find->probe[i].point], mode,
                             (int)find->probe[i].round);
            if (sw->n_axes == 2)
                md_frontier(f, sw, slo, find, mode);
            else
                md_answer(f, sw, slo, find, mode);
        } else {
            for (uint32_t i = 0; i < sw->n_points; i++)
                if (sw->points[i].reps[m])
                    md_point(f, &l, &sw->points[i], mode, -1);
        }
    }
    lsi_md_manifest(f, manifest);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}
