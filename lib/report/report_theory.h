/*
 * report_theory.h - the "Theory vs simulation" part of the text and JSON
 * reports (report_theory.c), shared with report_text.c and report_json.c.
 */
#ifndef LAGSIM_REPORT_THEORY_H
#define LAGSIM_REPORT_THEORY_H

#include <stdio.h>

#include "lagsim/model.h"

/* Writes one "Theory vs simulation" section per mode that ran. */
void lsi_report_theory_text(FILE *f, const lagsim_scenario_t *sc,
                            const lagsim_result_t *const results[LAGSIM_MODE_COUNT]);

/* Writes the JSON array of one mode's theory items (no trailing newline),
 * its closing bracket indented by `indent`. */
void lsi_report_theory_json(FILE *f, int indent, const lagsim_scenario_t *sc,
                            const lagsim_result_t *r);

/*
 * Writes `text` as words wrapped to `width` columns: the first line after
 * `first` (and a space), the others indented by `indent` spaces; ends with
 * a newline. Also used by report_trace.c.
 */
void lsi_report_wrap(FILE *f, const char *first, int indent, int width, const char *text);

#endif /* LAGSIM_REPORT_THEORY_H */
