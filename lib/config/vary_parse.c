/*
 * vary_parse.c - sweep axes as written on the command line
 * ("burst.launch.rate=20000/s..60000/s:5000/s") to a lagsim_axis_t, and
 * back: each grid value written as the key's own text and applied with
 * lagsim_config_set(), so a sweep point is validated exactly as a --set.
 *
 * Central idea: the key table (keys.c) already knows every key's type,
 * unit and range, so FROM and TO are parsed and range-checked by the
 * key's own parser, and STEP by the same parser without the range. Only
 * keys with a numeric value (numbers, counts, fractions, durations, rates,
 * sizes) can be varied.
 *
 * Exactness: an axis holds doubles, so a whole-unit axis (counts, sizes,
 * durations in microseconds) is refused when a bound or the step is above
 * 2^53, where doubles no longer hold every integer (grid points would be
 * rounded and repeat); every integer is converted only after its range
 * is checked, never by an out-of-range cast.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

#define VARY_FORM "expected SECTION.KEY=FROM..TO or SECTION.KEY=FROM..TO:STEP, " \
                  "e.g. burst.launch.rate=20000/s..60000/s:5000/s"

/* The unit of a key type, or -1 if the type cannot be varied. */
static int unit_of(enum lsi_type t)
{
    if (lsi_type_scalar(t) == LSI_SCALAR_NONE)
        return -1;
    if (t == LSI_T_DURATION)
        return LAGSIM_UNIT_DURATION;
    if (t == LSI_T_U32 || t == LSI_T_U64)
        return LAGSIM_UNIT_COUNT;
    if (t == LSI_T_FRACTION)
        return LAGSIM_UNIT_FRACTION;
    if (t == LSI_T_RATE)
        return LAGSIM_UNIT_RATE;
    if (t == LSI_T_BYTE_RATE)
        return LAGSIM_UNIT_BYTE_RATE;
    if (t == LSI_T_SIZE)
        return LAGSIM_UNIT_SIZE;
    return LAGSIM_UNIT_NUMBER;
}

/* Largest whole value an axis holds exactly: 2^53. */
#define AXIS_WHOLE_MAX 9007199254740992.0

/* Whether a parsed value is a whole number too large for a double to
 * hold exactly (above 2^53). */
static int whole_too_large(const lsi_key_t *k, const lsi_value_t *v)
{
    switch (lsi_type_scalar(k->type)) {
    case LSI_SCALAR_TIME: return v->as.t > (1ll << 53);
    case LSI_SCALAR_WHOLE: return v->as.u > (1ull << 53);
    case LSI_SCALAR_REAL:
    case LSI_SCALAR_NONE: break;
    }
    return 0;
}


/* Copies [s, e) without surrounding blanks into buf; 0 if it does not fit. */
static int copy_trimmed(const char *s, const char *e, char *buf, size_t n)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    if ((size_t)(e - s) >= n)
        return 0;
    memcpy(buf, s, (size_t)(e - s));
    buf[e - s] = '\0';
    return 1;
}

/* Parses one bound or step: with the key's range unless `step`. */
static int parse_part(const lsi_key_t *k, const char *what, const char *text, int step,
                      double *out, lagsim_error_t *err)
{
    lsi_key_t loose = *k;
    loose.flags &= ~LSI_K_ALWAYS;
    if (step) {
        loose.min = 0;
        loose.max = INFINITY;
        loose.flags &= ~LSI_K_MIN_EXCL;
    }
    lsi_value_t v;
    lagsim_error_t inner;
    if (lsi_key_parse(&loose, text, &v, &inner) != LAGSIM_OK) {
        lsi_err(err, "%s: %s", what, inner.message);
        return LAGSIM_EINVAL;
    }
    if (whole_too_large(k, &v)) {
        lsi_err(err, "%s: '%s' is above 2^53 = 9007199254740992 (in the key's stored unit), "
                "where a sweep cannot step exactly; give such values with --set", what, text);
        return LAGSIM_EINVAL;
    }
    *out = lsi_value_number(k, &v);
    if (step && !(*out > 0)) {
        lsi_err(err, "STEP must be greater than 0 (got '%s')", text);
        return LAGSIM_EINVAL;
    }
    return LAGSIM_OK;
}

int lagsim_parse_vary(const char *spec, lagsim_axis_t *out, lagsim_error_t *err)
{
    lagsim_axis_t a;
    memset(&a, 0, sizeof a);
    const char *eq = strchr(spec, '=');
    if (!eq || !copy_trimmed(spec, eq, a.key, sizeof a.key)) {
        lsi_err(err, "bad --vary '%s' (" VARY_FORM ")", spec);
        return LAGSIM_EINVAL;
    }
    char *dot = strrchr(a.key, '.');
    if (!dot || dot == a.key || dot[1] == '\0') {
        lsi_err(err, "bad --vary '%s' (" VARY_FORM ")", spec);
        return LAGSIM_EINVAL;
    }
    char section[LAGSIM_AXIS_KEY_MAX];
    snprintf(section, sizeof section, "%.*s", (int)(dot - a.key), a.key);
    const char *keyname = dot + 1;
    enum lsi_section_kind kind;
    const char *instance;
    lagsim_error_t inner;
    if (lsi_section_classify(section, &kind, &instance, &inner) != LAGSIM_OK) {
        lsi_err(err, "--vary %s: %s", a.key, inner.message);
        return LAGSIM_EINVAL;
    }
    const lsi_key_t *k = lsi_key_find(kind, keyname, &inner);
    if (!k) {
        lsi_err(err, "--vary %s: key '%s' in [%s]: %s", a.key, keyname, section, inner.message);
        return LAGSIM_EINVAL;
    }
    const int unit = unit_of(k->type);
    if (unit < 0) {
        lsi_err(err, "--vary %s: key '%s' in [%s] does not take a number; only numbers, "
                "counts, fractions, durations, rates and sizes can be varied",
                a.key, keyname, section);
        return LAGSIM_EINVAL;
    }
    a.unit = (enum lagsim_unit)unit;

    /* FROM..TO[:STEP] */
    const char *range = eq + 1;
    const char *dots = strstr(range, "..");
    const char *colon = dots ? strchr(dots + 2, ':') : NULL;
    const char *to_end = colon ? colon : range + strlen(range);
    char from[LSI_FMT_MAX], to[LSI_FMT_MAX], step[LSI_FMT_MAX];
    if (!dots || !copy_trimmed(range, dots, from, sizeof from) ||
        !copy_trimmed(dots + 2, to_end, to, sizeof to) || from[0] == '\0' || to[0] == '\0' ||
        (colon && (!copy_trimmed(colon + 1, colon + strlen(colon), step, sizeof step) ||
                   step[0] == '\0'))) {
        lsi_err(err, "bad --vary '%s' (" VARY_FORM ")", spec);
        return LAGSIM_EINVAL;
    }
    char what[3 * LAGSIM_AXIS_KEY_MAX + 32];
    snprintf(what, sizeof what, "--vary %s: key '%s' in [%s]: FROM", a.key, keyname, section);
    if (parse_part(k, what, from, 0, &a.from, err) != LAGSIM_OK)
        return LAGSIM_EINVAL;
    snprintf(what, sizeof what, "--vary %s: key '%s' in [%s]: TO", a.key, keyname, section);
    if (parse_part(k, what, to, 0, &a.to, err) != LAGSIM_OK)
        return LAGSIM_EINVAL;
    if (colon) {
        snprintf(what, sizeof what, "--vary %s: key '%s' in [%s]: STEP", a.key, keyname, section);
        if (parse_part(k, what, step, 1, &a.step, err) != LAGSIM_OK)
            return LAGSIM_EINVAL;
    } else {
        /* Five points by default (whole units: steps of at least 1). */
        a.step = fabs(a.to - a.from) / 4;
        if (a.unit == LAGSIM_UNIT_COUNT || a.unit == LAGSIM_UNIT_DURATION ||
            a.unit == LAGSIM_UNIT_SIZE)
            a.step = round(a.step);
        if (!(a.step > 0))
            a.step = 1;
    }
    if (lagsim_axis_points(&a) == 0) {
        lsi_err(err, "--vary %s: from %s to %s by %s%s is more than %d points; use a larger "
                "STEP", a.key, from, to, colon ? step : "", colon ? "" : "the default step",
                LAGSIM_AXIS_MAX_POINTS);
        return LAGSIM_EINVAL;
    }
    *out = a;
    return LAGSIM_OK;
}

void lagsim_config_axis_text(const lagsim_axis_t *axis, double value, char *buf, size_t size)
{
    /* Whole units: converted only inside [0, 2^53] (what lagsim_parse_vary
     * gives); anything else is written as a number the key refuses. */
    const int whole_ok = value >= 0 && value <= AXIS_WHOLE_MAX && value == floor(value);
    switch (axis->unit) {
    case LAGSIM_UNIT_DURATION:
        if (whole_ok)
            lsi_fmt_duration((lagsim_time_t)value, buf, size);
        else
            lsi_fmt_double(value, buf, size);
        break;
    case LAGSIM_UNIT_COUNT:
        if (whole_ok)
            snprintf(buf, size, "%.0f", value);
        else
            lsi_fmt_double(value, buf, size);
        break;
    case LAGSIM_UNIT_SIZE:
        if (whole_ok)
            lsi_fmt_size((uint64_t)value, buf, size);
        else
            lsi_fmt_double(value, buf, size);
        break;
    case LAGSIM_UNIT_RATE: lsi_fmt_rate(value, 0, buf, size); break;
    case LAGSIM_UNIT_BYTE_RATE: lsi_fmt_rate(value, 1, buf, size); break;
    case LAGSIM_UNIT_NUMBER:
    case LAGSIM_UNIT_FRACTION: lsi_fmt_double(value, buf, size); break;
    }
}

int lagsim_config_axis_apply(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis,
                             double value, char *msg, size_t msg_size)
{
    (void)ctx;
    char text[LSI_FMT_MAX];
    char assignment[LAGSIM_AXIS_KEY_MAX + LSI_FMT_MAX + 2];
    lagsim_config_axis_text(axis, value, text, sizeof text);
    snprintf(assignment, sizeof assignment, "%s=%s", axis->key, text);
    lagsim_error_t err;
    err.message[0] = '\0';
    const int rc = lagsim_config_set(sc, assignment, &err);
    if (rc != LAGSIM_OK)
        snprintf(msg, msg_size, "%s", err.message);
    return rc;
}
