/*
 * report_html.c - owns the page around the charts of the HTML reports:
 * the document head with its inline style (screen and print; no script,
 * font, image or style from anywhere else), the tables, each chart's
 * numbers in a <details> a reader can open, the manifest at the end, and
 * the human units the tables share with the text report (durations as
 * 3m 01s, shares as percentages, counts with separators).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/version.h"
#include "report/report_svg.h"

static const char style[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;"
    "color:#1a1a1a;background:#fff;max-width:60rem;margin:1.5rem auto;padding:0 1rem;"
    "line-height:1.45}\n"
    "h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;"
    "border-bottom:1px solid #ccc}\n"
    "p.verdict{font-size:1.05rem;background:#f3f6fa;border-left:4px solid #0072B2;"
    "padding:.5rem .8rem}\n"
    "table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem;"
    "font-variant-numeric:tabular-nums}\n"
    "th,td{border-bottom:1px solid #ddd;padding:.2rem .6rem;text-align:right}\n"
    "th:first-child,td:first-child{text-align:left}\n"
    "th{background:#f4f4f4}\n"
    "figure{margin:1rem 0;break-inside:avoid;page-break-inside:avoid}\n"
    "svg{width:100%;height:auto;max-width:56rem;font-size:12px}\n"
    "svg .title{font-size:15px;font-weight:600}\n"
    "svg .label{font-size:13px}svg .note{font-size:11px}svg .legend{font-size:12px}\n"
    "svg .grid{stroke:#e6e6e6;stroke-width:1}svg .axis{stroke:#444;stroke-width:1}\n"
    "details{margin:.3rem 0 1rem}summary{cursor:pointer;color:#0b5394}\n"
    "p.note{font-size:.9rem;color:#444}\n"
    "@media print{body{max-width:none;margin:0;font-size:10pt}summary{color:#000}"
    "h2{break-after:avoid}details{display:none}"
    "table{break-inside:avoid}@page{margin:1.5cm}}\n";

void lsi_html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n<title>",
          f);
    lsi_html_escape(f, title);
    fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", style);
    lsi_html_escape(f, title);
    fputs("</h1>\n", f);
}

void lsi_html_end(FILE *f, const lagsim_manifest_t *m)
{
    if (m) {
        char buf[64];
        fputs("<h2 id=\"manifest\">Manifest</h2>\n<p class=\"note\">Where this report came "
              "from: run the command again (same scenario file, same seed) for the same "
              "bytes.</p>\n",
              f);
        static const char *const head[] = {"", ""};
        lsi_html_table_begin(f, "manifest-table", NULL, 0, head, 0);
        const char *row[2] = {"lagsim", LAGSIM_VERSION_STRING};
        lsi_html_row(f, row, 2);
        if (m->command) {
            row[0] = "command";
            row[1] = m->command;
            lsi_html_row(f, row, 2);
        }
        if (m->scenario_file) {
            row[0] = "scenario file";
            row[1] = m->scenario_file;
            lsi_html_row(f, row, 2);
        }
        snprintf(buf, sizeof buf, "%016" PRIx64 " (FNV-1a 64)", m->scenario_hash);
        row[0] = "scenario hash";
        row[1] = buf;
        lsi_html_row(f, row, 2);
        if (m->replay) {
            char rbuf[64];
            snprintf(rbuf, sizeof rbuf, "%016" PRIx64 " (FNV-1a 64)", m->replay_hash);
            row[0] = "replay hash";
            row[1] = rbuf;
            lsi_html_row(f, row, 2);
        }
        char seed[32], reps[64];
        snprintf(seed, sizeof seed, "%" PRIu64, m->seed);
        row[0] = "seed";
        row[1] = seed;
        lsi_html_row(f, row, 2);
        snprintf(reps, sizeof reps, "%" PRIu32 " per %s", m->replications,
                 m->per_point ? "point and mode" : "mode");
        row[0] = "replications";
        row[1] = reps;
        lsi_html_row(f, row, 2);
        lsi_html_table_end(f, 0);
    }
    fputs("</body>\n</html>\n", f);
}

void lsi_html_table_begin(FILE *f, const char *id, const char *summary, int open,
                          const char *const *head, size_t n)
{
    if (summary) {
        fprintf(f, "<details%s><summary>", open ? " open" : "");
        lsi_html_escape(f, summary);
        fputs("</summary>\n", f);
    }
    fputs("<table id=\"", f);
    lsi_html_escape(f, id);
    fputs("\">\n", f);
    if (n) {
        fputs("<tr>", f);
        for (size_t i = 0; i < n; i++) {
            fputs("<th>", f);
            lsi_html_escape(f, head[i]);
            fputs("</th>", f);
        }
        fputs("</tr>\n", f);
    }
}

void lsi_html_table_end(FILE *f, int details)
{
    fputs(details ? "</table>\n</details>\n" : "</table>\n", f);
}

void lsi_html_row(FILE *f, const char *const *cells, size_t n)
{
    fputs("<tr>", f);
    for (size_t i = 0; i < n; i++) {
        fputs("<td>", f);
        lsi_html_escape(f, cells[i]);
        fputs("</td>", f);
    }
    fputs("</tr>\n", f);
}

const char *lsi_html_dur(char *buf, size_t size, int64_t us)
{
    if (us < 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    return lagsim_format_duration(buf, size, us);
}

void lsi_human_count(char *buf, size_t size, double x)
{
    if (!isfinite(x)) {
        snprintf(buf, size, "-");
        return;
    }
    const double r = round(fabs(x));
    char digits[40];
    snprintf(digits, sizeof digits, "%.0f", r);
    const size_t len = strlen(digits);
    size_t o = 0;
    if (x < 0 && r != 0 && o + 1 < size)
        buf[o++] = '-';
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 1 < size)
            buf[o++] = ',';
        if (o + 1 < size)
            buf[o++] = digits[i];
    }
    if (size)
        buf[o < size ? o : size - 1] = '\0';
}

int lsi_figure_kind(enum lagsim_figure fig)
{
    switch (fig) {
    case LAGSIM_FIG_VISIBLE_SHARE: return 2;
    case LAGSIM_FIG_VISIBLE_P50:
    case LAGSIM_FIG_VISIBLE_P90:
    case LAGSIM_FIG_VISIBLE_P99:
    case LAGSIM_FIG_VISIBLE_P999:
    case LAGSIM_FIG_VISIBLE_MAX:
    case LAGSIM_FIG_VISIBLE_MEAN:
    case LAGSIM_FIG_DELIVERED_P99:
    case LAGSIM_FIG_DRAIN_TIME: return 1;
    case LAGSIM_FIG_DROPPED:
    case LAGSIM_FIG_429:
    case LAGSIM_FIG_RETRIES:
    case LAGSIM_FIG_BACKLOG_PEAK:
    case LAGSIM_FIG_COUNT: break;
    }
    return 0;
}

/* A signed duration in seconds, as lagsim_format_duration() writes it. */
static void signed_dur(char *buf, size_t size, double s)
{
    char d[LAGSIM_DURATION_MAX];
    lagsim_format_duration(d, sizeof d, (lagsim_time_t)llround(fabs(s) * 1e6));
    snprintf(buf, size, "%s%s", s < 0 && llround(fabs(s) * 1e6) != 0 ? "-" : "", d);
}

void lsi_human_mean_hw(char *buf, size_t size, double mean, double hw, int n, int kind)
{
    char m[48], h[48];
    if (n == 0 || !isfinite(mean)) {
        snprintf(buf, size, "-");
        return;
    }
    switch (kind) {
    case 1:
        signed_dur(m, sizeof m, mean);
        signed_dur(h, sizeof h, isfinite(hw) ? hw : 0);
        break;
    case 2:
        snprintf(m, sizeof m, "%.3g%%", 100 * mean);
        snprintf(h, sizeof h, "%.2g%%", isfinite(hw) ? 100 * hw : 0);
        if (100 * mean != 0 && fabs(100 * mean) >= 99.95 && fabs(100 * mean) < 100)
            snprintf(m, sizeof m, "%.2f%%", 100 * mean);
        break;
    default:
        lsi_human_count(m, sizeof m, mean);
        if (isfinite(hw) && hw > 0 && hw < 10)
            snprintf(h, sizeof h, "%.2g", hw);
        else
            lsi_human_count(h, sizeof h, isfinite(hw) ? hw : 0);
        if (isfinite(hw) && hw > 0 && hw < 10 && fabs(mean - round(mean)) > 1e-9)
            snprintf(m, sizeof m, "%.3g", mean);
        break;
    }
    if (!isfinite(hw))
        snprintf(buf, size, "%s", m);
    else
        snprintf(buf, size, "%s ± %s", m, h);
}
