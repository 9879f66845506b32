/*
 * slo_parse.c - service-level objectives as written on the command line
 * ("p99<=2m, visible>=99.5%, drain<=30m") to a lagsim_slo_t, with the
 * same units as scenario files.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

enum unit { DURATION, SHARE, COUNT };

static const struct {
    const char *name;
    enum lagsim_figure figure;
    enum unit unit;
} metrics[] = {
    {"p50", LAGSIM_FIG_VISIBLE_P50, DURATION},
    {"p90", LAGSIM_FIG_VISIBLE_P90, DURATION},
    {"p99", LAGSIM_FIG_VISIBLE_P99, DURATION},
    {"p999", LAGSIM_FIG_VISIBLE_P999, DURATION},
    {"p99.9", LAGSIM_FIG_VISIBLE_P999, DURATION},
    {"max", LAGSIM_FIG_VISIBLE_MAX, DURATION},
    {"mean", LAGSIM_FIG_VISIBLE_MEAN, DURATION},
    {"p99_delivered", LAGSIM_FIG_DELIVERED_P99, DURATION},
    {"visible", LAGSIM_FIG_VISIBLE_SHARE, SHARE},
    {"drain", LAGSIM_FIG_DRAIN_TIME, DURATION},
    {"dropped", LAGSIM_FIG_DROPPED, COUNT},
    {"backlog", LAGSIM_FIG_BACKLOG_PEAK, COUNT},
    {"429", LAGSIM_FIG_429, COUNT},
    {"retries", LAGSIM_FIG_RETRIES, COUNT},
};

#define SLO_FORM "expected terms like p99<=2m, visible>=99.5%%, drain<=30m, joined by ',' or 'and'"

/* Parses one term "METRIC OP VALUE" (blanks allowed around OP). */
static int parse_term(const char *term, lagsim_slo_t *out, lagsim_error_t *err)
{
    const char *op = strpbrk(term, "<>");
    if (!op) {
        lsi_err(err, "bad SLO term '%s' (" SLO_FORM ")", term);
        return LAGSIM_EINVAL;
    }
    char name[24];
    size_t n = (size_t)(op - term);
    while (n > 0 && isspace((unsigned char)term[n - 1]))
        n--;
    if (n == 0 || n >= sizeof name) {
        lsi_err(err, "bad SLO term '%s' (" SLO_FORM ")", term);
        return LAGSIM_EINVAL;
    }
    memcpy(name, term, n);
    name[n] = '\0';
    int k = -1;
    for (size_t i = 0; i < sizeof metrics / sizeof metrics[0]; i++)
        if (strcmp(metrics[i].name, name) == 0)
            k = (int)i;
    if (k < 0) {
        lsi_err(err, "unknown SLO metric '%s' (known: p50, p90, p99, p999, max, mean, "
                     "p99_delivered, visible, drain, dropped, backlog, 429, retries)", name);
        return LAGSIM_EINVAL;
    }
    const int eq = op[1] == '=';
    const enum lagsim_slo_op o = op[0] == '<' ? (eq ? LAGSIM_SLO_LE : LAGSIM_SLO_LT)
                                              : (eq ? LAGSIM_SLO_GE : LAGSIM_SLO_GT);
    const char *val = op + 1 + eq;
    while (isspace((unsigned char)*val))
        val++;
    double v = 0;
    lagsim_error_t inner;
    int rc;
    if (metrics[k].unit == DURATION) {
        lagsim_time_t t;
        rc = lagsim_parse_duration(val, &t, &inner);
        v = (double)t / LAGSIM_SEC;
    } else if (metrics[k].unit == SHARE) {
        rc = lsi_parse_fraction(val, &v, &inner);
        if (rc == LAGSIM_OK && (v < 0 || v > 1)) {
            lsi_err(err, "SLO term '%s': a share must be within [0, 1] or [0%%, 100%%]", term);
            return LAGSIM_EINVAL;
        }
    } else {
        rc = lsi_parse_number(val, &v, &inner);
    }
    if (rc != LAGSIM_OK) {
        lsi_err(err, "SLO term '%s': %s", term, inner.message);
        return LAGSIM_EINVAL;
    }
    if (out->n == LAGSIM_SLO_MAX_TERMS) {
        lsi_err(err, "too many SLO terms (at most %d)", LAGSIM_SLO_MAX_TERMS);
        return LAGSIM_EINVAL;
    }
    out->term[out->n].figure = metrics[k].figure;
    out->term[out->n].op = o;
    out->term[out->n].value = v;
    snprintf(out->term[out->n].text, sizeof out->term[out->n].text, "%s", term);
    out->n++;
    return LAGSIM_OK;
}

int lagsim_parse_slo(const char *s, lagsim_slo_t *out, lagsim_error_t *err)
{
    lagsim_slo_t slo;
    memset(&slo, 0, sizeof slo);
    char buf[512];
    if (strlen(s) >= sizeof buf) {
        lsi_err(err, "SLO too long (at most %zu characters)", sizeof buf - 1);
        return LAGSIM_EINVAL;
    }
    snprintf(buf, sizeof buf, "%s", s);
    /* " and " and "&&" separate terms like ','. */
    for (char *p; (p = strstr(buf, " and ")) != NULL;)
        memcpy(p, "  ,  ", 5);
    for (char *p; (p = strstr(buf, "&&")) != NULL;)
        memcpy(p, " ,", 2);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok))
            tok++;
        size_t n = strlen(tok);
        while (n > 0 && isspace((unsigned char)tok[n - 1]))
            tok[--n] = '\0';
        if (n == 0)
            continue;
        if (parse_term(tok, &slo, err) != LAGSIM_OK)
            return LAGSIM_EINVAL;
    }
    if (slo.n == 0) {
        lsi_err(err, "empty SLO (" SLO_FORM ")");
        return LAGSIM_EINVAL;
    }
    *out = slo;
    return LAGSIM_OK;
}
