/*
 * report_delivery.h - what the report files share about the Event
 * Delivery view (result->series, its alerts and incidents): the text
 * section (report_delivery_text.c) and the JSON keys
 * (report_delivery_data.c, which also writes the CSV of
 * lagsim_report_series_csv()). Private to lib/report.
 */
#ifndef LAGSIM_REPORT_DELIVERY_H
#define LAGSIM_REPORT_DELIVERY_H

#include <stdio.h>

#include "lagsim/analysis.h"
#include "lagsim/model.h"

/*
 * Writes the "Event Delivery" section of each mode that ran: a table of
 * per-window figures (per run) around the incidents (every window when
 * there are none), rows of several windows when there are many, then the
 * incidents with their recovery and the alerts with their firing.
 * Within 80 columns for names up to about 30 characters.
 */
void lsi_report_delivery_text(FILE *f, const lagsim_scenario_t *sc,
                              const lagsim_result_t *const results[LAGSIM_MODE_COUNT]);

/*
 * Writes, inside a mode's JSON object after its last key, the keys
 * ",\n"series": [...], "alerts": [...], "incidents": [...]" (no trailing
 * newline), with keys indented by `indent` spaces.
 */
void lsi_report_delivery_json(FILE *f, int indent, const lagsim_scenario_t *sc,
                              const lagsim_result_t *r);

/* The incident's name: a burst's NAME, or an outage's number from 1. */
void lsi_incident_name(const lagsim_scenario_t *sc, const lagsim_incident_t *in, char *buf,
                       size_t size);

#endif /* LAGSIM_REPORT_DELIVERY_H */
