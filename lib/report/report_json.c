/*
 * report_json.c - owns lagsim_report_json() and lagsim_json_string(): the
 * results of a run as one JSON object (keys documented in report.h).
 *
 * Central idea: the output must be byte-identical for identical results,
 * so nothing is printed with a platform- or precision-dependent %g.
 * Integers are printed as integers; times are integer microseconds and are
 * printed as exact decimal seconds (at most 6 decimals, trailing zeros
 * dropped) with integer arithmetic; the few real ratios (the mean, retries
 * per event) are rounded to 6 decimals with "%.6f" and trimmed the same
 * way. Wall-clock figures are left out on purpose.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lagsim/report.h"
#include "lagsim/version.h"
#include "report/report_internal.h"
#include "report/report_delivery.h"
#include "report/report_theory.h"

/*
 * Length of the valid UTF-8 sequence starting at p (at most `left` bytes
 * available), or 0 if it is not one (bad lead or continuation byte,
 * overlong form, surrogate, or beyond U+10FFFF).
 */
static size_t utf8_length(const unsigned char *p, size_t left)
{
    const unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0; /* overlong */
        if (c == 0xed)
            hi = 0x9f; /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90; /* overlong */
        if (c == 0xf4)
            hi = 0x8f; /* beyond U+10FFFF */
    } else
        return 0;
    if (left < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

/*
 * Escapes as JSON needs; control characters become \u00XX (or the short
 * forms), and a byte that does not start valid UTF-8 becomes U+FFFD, so
 * the output is always valid UTF-8 JSON whatever the input bytes are.
 */
void lagsim_json_string(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t left = strlen((const char *)p);
    fputc('"', f);
    while (left > 0) {
        const unsigned char c = *p;
        size_t n = 1;
        switch (c) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\b': fputs("\\b", f); break;
        case '\f': fputs("\\f", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                fprintf(f, "\\u%04x", (unsigned)c);
            } else if ((n = utf8_length(p, left)) == 0) {
                fputs("\\ufffd", f);
                n = 1;
            } else {
                fwrite(p, 1, n, f);
            }
        }
        p += n;
        left -= n;
    }
    fputc('"', f);
}

/* Drops trailing zeros (and then a trailing '.') from a decimal in buf. */
static void trim_decimal(char *buf)
{
    char *dot = strchr(buf, '.');
    if (!dot)
        return;
    char *end = buf + strlen(buf);
    while (end > dot + 1 && end[-1] == '0')
        end--;
    if (end == dot + 1)
        end = dot;
    *end = '\0';
}

/* Writes `us` microseconds as exact seconds: 2410000 -> 2.41. */
static void json_seconds(FILE *f, int64_t us)
{
    char buf[48];
    const uint64_t mag = us < 0 ? (uint64_t)0 - (uint64_t)us : (uint64_t)us;
    snprintf(buf, sizeof buf, "%s%" PRIu64 ".%06" PRIu64, us < 0 ? "-" : "",
             mag / 1000000u, mag % 1000000u);
    trim_decimal(buf);
    fputs(buf, f);
}

/* Writes a real number rounded to 6 decimals, or null if it is not finite. */
static void json_real(FILE *f, double x)
{
    if (!isfinite(x)) {
        fputs("null", f);
        return;
    }
    char buf[400]; /* %.6f of DBL_MAX has 316 characters */
    snprintf(buf, sizeof buf, "%.6f", x);
    trim_decimal(buf);
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    fputs(buf, f);
}

static void json_key(FILE *f, int indent, const char *key)
{
    fprintf(f, "%*s", indent, "");
    lagsim_json_string(f, key);
    fputs(": ", f);
}

/* Latency summary of a histogram of microseconds, in seconds. */
static void json_latency(FILE *f, int indent, const lagsim_hist_t *h)
{
    static const struct {
        const char *key;
        double q;
    } quantiles[] = {{"p50", 0.50}, {"p90", 0.90}, {"p99", 0.99}, {"p999", 0.999}};
    const uint64_t n = h ? lagsim_hist_count(h) : 0;

    fputs("{\n", f);
    json_key(f, indent + 2, "count");
    fprintf(f, "%" PRIu64 ",\n", n);
    for (size_t i = 0; i < sizeof quantiles / sizeof quantiles[0]; i++) {
        json_key(f, indent + 2, quantiles[i].key);
        if (n)
            json_seconds(f, lagsim_hist_quantile(h, quantiles[i].q));
        else
            fputs("null", f);
        fputs(",\n", f);
    }
    json_key(f, indent + 2, "max");
    if (n)
        json_seconds(f, lagsim_hist_max(h));
    else
        fputs("null", f);
    fputs(",\n", f);
    json_key(f, indent + 2, "mean");
    if (n)
        json_real(f, lagsim_hist_mean(h) / 1e6);
    else
        fputs("null", f);
    fprintf(f, "\n%*s}", indent, "");
}

static void json_count(FILE *f, int indent, const char *key, uint64_t n, int last)
{
    json_key(f, indent, key);
    fprintf(f, "%" PRIu64 "%s\n", n, last ? "" : ",");
}

/* "hops": where the visible latency goes, part by part. */
static void json_hops(FILE *f, int indent, const lagsim_result_t *r)
{
    const int64_t p99 = lagsim_hist_quantile(r->latency_visible, 0.99);
    fputs("{", f);
    for (int h = 0; h < LAGSIM_HOP_COUNT; h++) {
        fprintf(f, "%s\n%*s", h ? "," : "", indent + 2, "");
        lagsim_json_string(f, lagsim_hop_name((enum lagsim_hop)h));
        fputs(": {\"mean_s\": ", f);
        json_real(f, lagsim_breakdown_mean(r->hops, (unsigned)h) / (double)LAGSIM_SEC);
        fputs(", \"share\": ", f);
        json_real(f, lagsim_breakdown_share(r->hops, (unsigned)h));
        fputs(", \"p99_share\": ", f);
        json_real(f, lagsim_breakdown_tail_share(r->hops, (unsigned)h, p99, NULL));
        fputs("}", f);
    }
    fprintf(f, "\n%*s}", indent, "");
}

/* The object M of one mode. */
/* "warmup": how the latencies' warm-up cut was chosen (method null when
 * only the result is known). */
static void json_warmup(FILE *f, int in, const lagsim_result_t *r, const lagsim_warmup_t *w)
{
    json_key(f, in, "warmup");
    fputs("{\"method\": ", f);
    if (w)
        lagsim_json_string(f, lagsim_warmup_method_name(w->method));
    else
        fputs("null", f);
    fputs(", \"cut_s\": ", f);
    json_seconds(f, r->warmup);
    if (w && w->why) {
        fputs(", \"why\": ", f);
        lagsim_json_string(f, w->why);
    }
    if (w && (w->method == LAGSIM_WARMUP_MSER || w->method == LAGSIM_WARMUP_UNSETTLED)) {
        fprintf(f, ", \"batches\": %" PRIu32 ", \"cut_batches\": %" PRIu32 ", \"batch_width_s\": ",
                w->batches, w->cut_batches);
        json_seconds(f, w->batch_width);
    }
    fputs("},\n", f);
}

static void json_mode(FILE *f, int indent, const lagsim_scenario_t *sc,
                      const lagsim_result_t *r, const lagsim_replicated_t *rep,
                      const lagsim_warmup_t *warm)
{
    const int in = indent + 2; /* indentation of the keys */
    uint64_t dropped_total = 0;
    for (int d = 0; d < LAGSIM_DROP_COUNT; d++)
        if (d != LAGSIM_DROP_SAMPLED) /* a policy, not a loss */
            dropped_total += r->dropped[d];

    fputs("{\n", f);
    json_count(f, in, "fired", r->fired, 0);
    json_count(f, in, "delivered", r->delivered, 0);
    json_count(f, in, "visible", r->visible, 0);
    json_count(f, in, "in_flight", r->in_flight, 0);
    json_count(f, in, "in_flight_next_session", r->in_flight_next_session, 0);

    json_key(f, in, "dropped");
    fputs("{", f);
    for (int d = 0; d < LAGSIM_DROP_COUNT; d++) {
        fputs(d ? ", " : "", f);
        lagsim_json_string(f, lagsim_drop_reason_name((enum lagsim_drop_reason)d));
        fprintf(f, ": %" PRIu64, r->dropped[d]);
    }
    fputs("},\n", f);
    json_count(f, in, "dropped_total", dropped_total, 0);
    json_count(f, in, "duplicates", r->duplicates, 0);
    json_count(f, in, "offline_failures", r->offline_failures, 0);
    if (r->segment_429) /* only where Segment may refuse (inbound_policy = reject) */
        json_count(f, in, "segment_429", r->segment_429, 0);
    json_key(f, in, "conserved");
    fputs(r->conserved ? "true,\n" : "false,\n", f);
    json_key(f, in, "partial");
    if (r->partial == LAGSIM_STOP_NONE)
        fputs("null,\n", f);
    else {
        lagsim_json_string(f, lagsim_stop_reason_name((enum lagsim_stop_reason)r->partial));
        fputs(",\n", f);
    }
    json_warmup(f, in, r, warm);

    json_count(f, in, "requests", r->requests, 0);
    json_count(f, in, "retries", r->retries, 0);
    json_key(f, in, "retries_per_event");
    if (r->fired)
        json_real(f, (double)r->retries / (double)r->fired);
    else
        fputs("null", f);
    fputs(",\n", f);
    json_key(f, in, "responses");
    fputs("{", f);
    for (int s = 0; s < LAGSIM_RESP_COUNT; s++) {
        fputs(s ? ", " : "", f);
        lagsim_json_string(f, lagsim_response_name((enum lagsim_response)s));
        fprintf(f, ": %" PRIu64, r->responses[s]);
    }
    fputs("},\n", f);

    json_count(f, in, "backlog_peak", r->backlog_peak, 0);
    json_key(f, in, "backlog_peak_at_s");
    json_seconds(f, r->backlog_peak_at);
    fputs(",\n", f);
    json_key(f, in, "end_time_s");
    json_seconds(f, r->end_time);
    fputs(",\n", f);
    json_key(f, in, "drain_time_s");
    if (r->drain_time >= 0)
        json_seconds(f, r->drain_time);
    else
        fputs("null", f);
    fputs(",\n", f);
    json_count(f, in, "sim_events", r->sim_events, 0);

    json_key(f, in, "latency_delivered_s");
    json_latency(f, in, r->latency_delivered);
    fputs(",\n", f);
    json_key(f, in, "latency_visible_s");
    json_latency(f, in, r->latency_visible);
    fputs(",\n", f);
    json_key(f, in, "latency_visible_by_priority_s");
    fputs("{", f);
    for (int p = 0; p < 3; p++) {
        fprintf(f, "%s\n%*s", p ? "," : "", in + 2, "");
        lagsim_json_string(f, lagsim_priority_name((enum lagsim_priority)p));
        fputs(": ", f);
        json_latency(f, in + 2, r->latency_by_priority[p]);
    }
    fprintf(f, "\n%*s},\n", in, "");
    json_key(f, in, "hops");
    json_hops(f, in, r);
    fputs(",\n", f);
    json_key(f, in, "theory");
    lsi_report_theory_json(f, in, sc, r);
    if (rep) {
        fputs(",\n", f);
        json_count(f, in, "replications", rep->reps, 0);
        json_key(f, in, "ci95");
        fputs("{", f);
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            const lagsim_summary_t *su = &rep->figure[k];
            fprintf(f, "%s\n%*s", k ? "," : "", in + 2, "");
            lagsim_json_string(f, lagsim_figure_name((enum lagsim_figure)k));
            fputs(": {\"mean\": ", f);
            json_real(f, su->n ? su->mean : NAN);
            fputs(", \"half_width\": ", f);
            json_real(f, lagsim_summary_half_width(su, 0.95));
            fprintf(f, ", \"n\": %" PRIu64 "}", su->n);
        }
        fprintf(f, "\n%*s}", in, "");
    }
    lsi_report_delivery_json(f, in, sc, r);
    fprintf(f, "\n%*s}", indent, "");
}

/* "differences": paired differences of every mode against the first. */
static void json_differences(FILE *f, const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    int base = -1;
    for (int m = 0; m < LAGSIM_MODE_COUNT && base < 0; m++)
        if (reps[m])
            base = m;
    json_key(f, 2, "differences");
    fputs("{", f);
    int first = 1;
    for (int m = base + 1; base >= 0 && m < LAGSIM_MODE_COUNT; m++) {
        if (!reps[m])
            continue;
        char key[64];
        snprintf(key, sizeof key, "%s-%s", lagsim_mode_name((enum lagsim_mode)m),
                 lagsim_mode_name((enum lagsim_mode)base));
        fputs(first ? "\n" : ",\n", f);
        first = 0;
        json_key(f, 4, key);
        fputs("{", f);
        for (int k = 0; k < LAGSIM_FIG_COUNT; k++) {
            lagsim_summary_t d;
            lagsim_replicated_difference(reps[base], reps[m], (enum lagsim_figure)k, &d);
            fprintf(f, "%s\n%*s", k ? "," : "", 6, "");
            lagsim_json_string(f, lagsim_figure_name((enum lagsim_figure)k));
            fputs(": {\"mean\": ", f);
            json_real(f, d.n ? d.mean : NAN);
            fputs(", \"half_width\": ", f);
            json_real(f, lagsim_summary_half_width(&d, 0.95));
            fprintf(f, ", \"n\": %" PRIu64 "}", d.n);
        }
        fputs("\n    }", f);
    }
    fputs(first ? "},\n" : "\n  },\n", f);
}

static int write_json(FILE *f, const lagsim_scenario_t *sc,
                      const lagsim_result_t *const results[LAGSIM_MODE_COUNT],
                      const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT],
                      const lagsim_replicated_t *const warm[LAGSIM_MODE_COUNT],
                      int differences, const lagsim_manifest_t *manifest)
{
    fputs("{\n", f);
    json_key(f, 2, "lagsim_version");
    lagsim_json_string(f, LAGSIM_VERSION_STRING);
    fputs(",\n", f);
    if (manifest)
        lsi_manifest_json(f, 2, manifest, reps);
    char name[sizeof sc->name]; /* NUL-terminated even if sc->name is full */
    memcpy(name, sc->name, sizeof name);
    name[sizeof name - 1] = '\0';
    json_key(f, 2, "scenario");
    lagsim_json_string(f, name);
    fputs(",\n", f);
    json_key(f, 2, "seed");
    fprintf(f, "%" PRIu64 ",\n", sc->seed);
    json_key(f, 2, "horizon_s");
    json_seconds(f, sc->horizon);
    fputs(",\n", f);
    json_key(f, 2, "drain_limit_s");
    json_seconds(f, sc->drain_limit);
    fputs(",\n", f);

    if (differences)
        json_differences(f, reps);
    json_key(f, 2, "modes");
    fputs("{", f);
    int first = 1;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        if (!results[m])
            continue;
        fputs(first ? "\n" : ",\n", f);
        first = 0;
        json_key(f, 4, lagsim_mode_name((enum lagsim_mode)m));
        json_mode(f, 4, sc, results[m], reps ? reps[m] : NULL,
                  warm && warm[m] ? &warm[m]->warmup : NULL);
    }
    fputs(first ? "}\n" : "\n  }\n", f);
    fputs("}\n", f);
    return ferror(f) ? LAGSIM_EIO : LAGSIM_OK;
}

int lagsim_report_json(FILE *f, const lagsim_scenario_t *sc,
                       const lagsim_result_t *const results[LAGSIM_MODE_COUNT])
{
    return write_json(f, sc, results, NULL, NULL, 0, NULL);
}

int lagsim_report_json_replicated(FILE *f, const lagsim_scenario_t *sc,
                                  const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    const lagsim_result_t *pooled[LAGSIM_MODE_COUNT];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        pooled[m] = reps[m] ? reps[m]->pooled : NULL;
    return write_json(f, sc, pooled, reps, reps, 0, NULL);
}

int lagsim_report_json_compare(FILE *f, const lagsim_scenario_t *sc,
                               const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT])
{
    const lagsim_result_t *pooled[LAGSIM_MODE_COUNT];
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++)
        pooled[m] = reps[m] ? reps[m]->pooled : NULL;
    return write_json(f, sc, pooled, reps, reps, 1, NULL);
}

/* For the other report files (report_internal.h). */
int lsi_report_json(FILE *f, const lagsim_scenario_t *sc,
                    const lagsim_replicated_t *const reps[LAGSIM_MODE_COUNT], int compare,
                    const lagsim_manifest_t *manifest)
{
    const lagsim_result_t *pooled[LAGSIM_MODE_COUNT];
    uint32_t n = 0;
    for (int m = 0; m < LAGSIM_MODE_COUNT; m++) {
        pooled[m] = reps[m] ? reps[m]->pooled : NULL;
        if (reps[m] && reps[m]->reps > n)
            n = reps[m]->reps;
    }
    return write_json(f, sc, pooled, compare || n > 1 ? reps : NULL, reps, compare, manifest);
}

void lsi_json_real(FILE *f, double x)
{
    json_real(f, x);
}

void lsi_json_seconds(FILE *f, int64_t us)
{
    json_seconds(f, us);
}
