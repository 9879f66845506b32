/*
 * report_counts.c - the counts of pooled results as the HTML and Markdown
 * reports list them: events by how they ended (fired, visible, delivered,
 * each drop reason, in flight), and the requests the senders made (to
 * Mixpanel, by answer; retries; refusals by Segment's tracking API; sends
 * that failed offline). Both formats take their rows from here, so they
 * list the same things under the same labels.
 */
#include <stdio.h>

#include "report/report_internal.h"
#include "report/report_svg.h"

static lsi_count_row_t *add(lsi_count_row_t *rows, size_t *n, int optional, const char *label)
{
    lsi_count_row_t *r = &rows[(*n)++];
    snprintf(r->label, sizeof r->label, "%s", label);
    r->optional = optional;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        r->value[m] = 0;
    return r;
}

static size_t event_rows(const lagsim_result_t *const p[LAGSIM_MODE_COUNT], lsi_count_row_t *rows)
{
    size_t n = 0;
    lsi_count_row_t *fired = add(rows, &n, 0, "fired");
    lsi_count_row_t *visible = add(rows, &n, 0, "visible");
    lsi_count_row_t *delivered = add(rows, &n, 0, "delivered");
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (p[m]) {
            fired->value[m] = p[m]->fired;
            visible->value[m] = p[m]->visible;
            delivered->value[m] = p[m]->delivered;
        }
    for (int k = 0; k < LAGSIM_DROP_COUNT; k++) {
        char lab[64];
        snprintf(lab, sizeof lab, "dropped: %s", lagsim_drop_reason_name((enum lagsim_drop_reason)k));
        lsi_count_row_t *r = add(rows, &n, 1, lab);
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            if (p[m])
                r->value[m] = p[m]->dropped[k];
    }
    lsi_count_row_t *in_flight = add(rows, &n, 0, "in flight at the end");
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (p[m])
            in_flight->value[m] = p[m]->in_flight;
    return n;
}

static size_t request_rows(const lagsim_result_t *const p[LAGSIM_MODE_COUNT], lsi_count_row_t *rows)
{
    size_t n = 0;
    lsi_count_row_t *req = add(rows, &n, 0, "requests to Mixpanel");
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (p[m])
            req->value[m] = p[m]->requests;
    for (int s = 0; s < LAGSIM_RESP_COUNT; s++) {
        char lab[64];
        snprintf(lab, sizeof lab, "answered %s", lagsim_response_name((enum lagsim_response)s));
        lsi_count_row_t *r = add(rows, &n, 1, lab);
        for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
            if (p[m])
                r->value[m] = p[m]->responses[s];
    }
    lsi_count_row_t *retries = add(rows, &n, 0, "of which retries");
    lsi_count_row_t *seg = add(rows, &n, 1, "refused by Segment's API (429)");
    lsi_count_row_t *offline = add(rows, &n, 1, "sends failed offline");
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (p[m]) {
            retries->value[m] = p[m]->retries;
            seg->value[m] = p[m]->segment_429;
            offline->value[m] = p[m]->offline_failures;
        }
    return n;
}

size_t lsi_count_rows(enum lsi_count_table table,
                      const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                      lsi_count_row_t rows[LSI_COUNT_ROWS_MAX])
{
    const lagsim_result_t *p[LAGSIM_MODE_COUNT];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        p[m] = reps[m] ? reps[m]->pooled : NULL;
    return table == LSI_COUNTS_EVENTS ? event_rows(p, rows) : request_rows(p, rows);
}

int lsi_count_shown(const lsi_count_row_t *r)
{
    if (!r->optional)
        return 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        if (r->value[m])
            return 1;
    return 0;
}

size_t lsi_count_cells(const lsi_count_row_t *r,
                       const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                       char cells[LAGSIM_MODE_COUNT][32], const char **row)
{
    size_t k = 0;
    row[k++] = r->label;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        lsi_human_count(cells[k - 1], sizeof cells[0], (double)r->value[m]);
        row[k] = cells[k - 1];
        k++;
    }
    return k;
}
