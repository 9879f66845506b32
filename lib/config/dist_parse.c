/*
 * dist_parse.c - distribution expressions in scenario files, such as
 * "lognormal(median=1.2KB, sigma=0.5)", read into a lagsim_dist_t and
 * written back.
 *
 * Design: one table row per distribution names its parameters (one or
 * two accepted sets of names) and which of them carry the key's unit (a
 * duration or a size) rather than being plain numbers. Parsing splits
 * NAME(ARG, ...) into arguments, matches them to a set of names (or to
 * positions, where the row allows), converts each, then checks ranges.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

#define MAX_ARGS 2
#define ARG_MAX 128

/* One accepted set of parameter names. */
typedef struct form {
    const char *names[MAX_ARGS];
    int unit[MAX_ARGS]; /* 1 if the parameter carries the key's unit */
} form;

typedef struct dist_spec {
    const char *name;
    enum lagsim_dist_kind kind;
    int n;           /* number of parameters */
    int positional;  /* 1 if NAME(A, B) is accepted too */
    form forms[2];   /* forms[1].names[0] is NULL when there is one form */
    const char *usage;
} dist_spec;

static const dist_spec specs[] = {
    {"const", LAGSIM_DIST_CONST, 1, 1, {{{"value", NULL}, {1, 0}}, {{NULL, NULL}, {0, 0}}},
     "one value: const(X)"},
    {"exp", LAGSIM_DIST_EXP, 1, 0, {{{"mean", NULL}, {1, 0}}, {{NULL, NULL}, {0, 0}}},
     "mean="},
    {"lognormal", LAGSIM_DIST_LOGNORMAL, 2, 0,
     {{{"median", "sigma"}, {1, 0}}, {{NULL, NULL}, {0, 0}}}, "median= and sigma="},
    {"uniform", LAGSIM_DIST_UNIFORM, 2, 1, {{{"low", "high"}, {1, 1}}, {{NULL, NULL}, {0, 0}}},
     "two values: uniform(A, B) or uniform(low=A, high=B)"},
    {"gamma", LAGSIM_DIST_GAMMA, 2, 0,
     {{{"shape", "scale"}, {0, 1}}, {{"shape", "mean"}, {0, 1}}},
     "shape= and scale= (or shape= and mean=)"},
    {"pareto", LAGSIM_DIST_PARETO, 2, 0, {{{"shape", "min"}, {0, 1}}, {{NULL, NULL}, {0, 0}}},
     "shape= and min="},
    {"normal", LAGSIM_DIST_NORMAL, 2, 0, {{{"mean", "sd"}, {1, 1}}, {{NULL, NULL}, {0, 0}}},
     "mean= and sd="},
    {"weibull", LAGSIM_DIST_WEIBULL, 2, 0, {{{"shape", "scale"}, {0, 1}}, {{NULL, NULL}, {0, 0}}},
     "shape= and scale="},
};
#define N_SPECS (sizeof specs / sizeof specs[0])

#define DIST_KNOWN "const, exp, lognormal, uniform, gamma, pareto, normal, weibull"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies s[0..n) to buf without surrounding spaces; 0 if it does not fit. */
static int copy_trimmed(char *buf, size_t size, const char *s, size_t n)
{
    while (n > 0 && is_space(*s)) {
        s++;
        n--;
    }
    while (n > 0 && is_space(s[n - 1]))
        n--;
    if (n >= size)
        return 0;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return 1;
}

/* Converts one parameter: with the key's unit, or as a plain number. */
static int parse_param(const char *text, int with_unit, char unit, double *out,
                       lagsim_error_t *err)
{
    if (!with_unit)
        return lsi_parse_number(text, out, err);
    return unit == 'b' ? lsi_parse_bytes(text, out, err) : lsi_parse_seconds(text, out, err);
}

int lsi_parse_dist(const char *s, char unit, lagsim_dist_t *out, lagsim_error_t *err)
{
    if (unit != 't' && unit != 'b') {
        lsi_err(err, "bad distribution unit '%c' (expected 't' or 'b')", unit);
        return LAGSIM_EINVAL;
    }
    const char *open = strchr(s, '(');
    if (!open) { /* a bare value is a constant */
        double v;
        lagsim_error_t inner;
        if (parse_param(s, 1, unit, &v, &inner) != LAGSIM_OK) {
            const char *t = s;
            while (is_space(*t))
                t++;
            if ((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z'))
                lsi_err(err, "bad distribution '%s' (expected a value or NAME(PARAM=VALUE, ...); "
                        "known: " DIST_KNOWN ")", s);
            else
                lsi_err(err, "%s", inner.message);
            return LAGSIM_EINVAL;
        }
        *out = (lagsim_dist_t){.kind = LAGSIM_DIST_CONST, .p = {v, 0}};
        return LAGSIM_OK;
    }

    char name[ARG_MAX];
    const char *close = strrchr(s, ')');
    size_t tail = close ? strlen(close + 1) : 0;
    while (close && tail > 0 && is_space(close[tail]))
        tail--;
    if (!close || close < open || tail != 0 ||
        !copy_trimmed(name, sizeof name, s, (size_t)(open - s))) {
        lsi_err(err, "bad distribution '%s' (expected NAME(PARAM=VALUE, ...), e.g. exp(mean=2s))",
                s);
        return LAGSIM_EINVAL;
    }
    const dist_spec *spec = NULL;
    for (size_t i = 0; i < N_SPECS; i++)
        if (strcmp(name, specs[i].name) == 0)
            spec = &specs[i];
    if (!spec) {
        lsi_err(err, "unknown distribution '%s' (known: " DIST_KNOWN ")", name);
        return LAGSIM_EINVAL;
    }

    /* Split the arguments at commas. */
    char keys[MAX_ARGS][ARG_MAX], vals[MAX_ARGS][ARG_MAX];
    int n_args = 0, n_named = 0, ok = 1;
    const char *a = open + 1;
    for (;;) {
        const char *end = a;
        while (end < close && *end != ',')
            end++;
        char arg[ARG_MAX];
        if (n_args == MAX_ARGS || !copy_trimmed(arg, sizeof arg, a, (size_t)(end - a)) ||
            arg[0] == '\0') {
            ok = 0;
            break;
        }
        char *eq = strchr(arg, '=');
        if (eq) {
            *eq = '\0';
            copy_trimmed(keys[n_args], ARG_MAX, arg, strlen(arg));
            copy_trimmed(vals[n_args], ARG_MAX, eq + 1, strlen(eq + 1));
            n_named++;
        } else {
            keys[n_args][0] = '\0';
            snprintf(vals[n_args], ARG_MAX, "%s", arg);
        }
        n_args++;
        if (end >= close)
            break;
        a = end + 1;
    }

    /* Match them to a form: all by name, or all by position. */
    const form *f = NULL;
    int order[MAX_ARGS] = {0, 1};
    if (ok && n_args == spec->n && n_named == 0 && spec->positional) {
        f = &spec->forms[0];
    } else if (ok && n_args == spec->n && n_named == n_args) {
        for (int fi = 0; fi < 2 && !f; fi++) {
            const form *cand = &spec->forms[fi];
            if (!cand->names[0])
                continue;
            int matched = 1;
            for (int p = 0; p < spec->n && matched; p++) {
                int found = -1;
                for (int i = 0; i < n_args; i++)
                    if (strcmp(keys[i], cand->names[p]) == 0)
                        found = i;
                if (found < 0 || (spec->n == 2 && strcmp(keys[0], keys[1]) == 0))
                    matched = 0;
                else
                    order[p] = found;
            }
            if (matched)
                f = cand;
        }
    }
    if (!f) {
        lsi_err(err, "%s needs %s (got '%s')", spec->name, spec->usage, s);
        return LAGSIM_EINVAL;
    }

    double p[MAX_ARGS] = {0, 0};
    for (int i = 0; i < spec->n; i++) {
        lagsim_error_t inner;
        if (parse_param(vals[order[i]], f->unit[i], unit, &p[i], &inner) != LAGSIM_OK) {
            lsi_err(err, "%s %s: %s", spec->name, f->names[i], inner.message);
            return LAGSIM_EINVAL;
        }
    }

    /* Ranges. Parameters with units are never negative here. */
#define NEED(cond, i, what)                                                                  \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            lsi_err(err, "%s %s must be %s (got '%s')", spec->name, f->names[i], what,       \
                    vals[order[i]]);                                                         \
            return LAGSIM_EINVAL;                                                            \
        }                                                                                    \
    } while (0)
    switch (spec->kind) {
    case LAGSIM_DIST_CONST:
        break;
    case LAGSIM_DIST_EXP:
        NEED(p[0] > 0, 0, "> 0");
        break;
    case LAGSIM_DIST_LOGNORMAL:
        NEED(p[0] > 0, 0, "> 0");
        NEED(p[1] > 0, 1, "> 0");
        break;
    case LAGSIM_DIST_UNIFORM:
        if (p[0] > p[1]) {
            lsi_err(err, "uniform needs low <= high (got '%s')", s);
            return LAGSIM_EINVAL;
        }
        break;
    case LAGSIM_DIST_GAMMA:
    case LAGSIM_DIST_PARETO:
    case LAGSIM_DIST_WEIBULL:
        NEED(p[0] > 0, 0, "> 0");
        NEED(p[1] > 0, 1, "> 0");
        if (spec->kind == LAGSIM_DIST_GAMMA && strcmp(f->names[1], "mean") == 0) {
            p[1] = p[1] / p[0]; /* scale = mean / shape */
            NEED(p[1] > 0 && isfinite(p[1]), 1, "> 0 and finite as mean/shape");
        }
        break;
    case LAGSIM_DIST_NORMAL:
        NEED(p[1] > 0, 1, "> 0");
        break;
    }
#undef NEED
    *out = lagsim_dist_make(spec->kind, p[0], p[1]);
    return LAGSIM_OK;
}

int lagsim_parse_dist(const char *s, char unit, lagsim_dist_t *out, lagsim_error_t *err)
{
    return lsi_parse_dist(s, unit, out, err);
}

static void fmt_param(double v, int with_unit, char unit, char *buf, size_t n)
{
    if (!with_unit)
        lsi_fmt_double(v, buf, n);
    else if (unit == 'b')
        lsi_fmt_bytes(v, buf, n);
    else
        lsi_fmt_seconds(v, buf, n);
}

void lsi_fmt_dist(const lagsim_dist_t *d, char unit, char *buf, size_t n)
{
    const dist_spec *spec = NULL;
    for (size_t i = 0; i < N_SPECS; i++)
        if (specs[i].kind == d->kind)
            spec = &specs[i];
    if (!spec) {
        snprintf(buf, n, "?");
        return;
    }
    const form *f = &spec->forms[0];
    char a[LSI_FMT_MAX], b[LSI_FMT_MAX] = "";
    fmt_param(d->p[0], f->unit[0], unit, a, sizeof a);
    if (spec->n == 2)
        fmt_param(d->p[1], f->unit[1], unit, b, sizeof b);
    if (spec->n == 1 && spec->positional)
        snprintf(buf, n, "%s(%s)", spec->name, a);
    else if (spec->n == 1)
        snprintf(buf, n, "%s(%s=%s)", spec->name, f->names[0], a);
    else if (spec->positional)
        snprintf(buf, n, "%s(%s, %s)", spec->name, a, b);
    else
        snprintf(buf, n, "%s(%s=%s, %s=%s)", spec->name, f->names[0], a, f->names[1], b);
}
