/*
 * report_format.c - owns lagsim_format_duration(), the human-readable
 * durations used in text reports ("850ms", "2.41s", "1m 12s", "3h 02m").
 *
 * Central idea: a table of display tiers, from the finest to the
 * coarsest. Each tier rounds the duration (half up, in integer
 * arithmetic, so the text never depends on floating point) to its own
 * step and is used if the rounded value stays below the tier's limit;
 * otherwise the next tier is tried. Because the rounded value is what is
 * compared, 59.96 s shows as "1m 00s", never as "60.0s".
 */
#include <inttypes.h>
#include <stdio.h>

#include "lagsim/report.h"

/* How a tier writes the rounded count q of its steps. */
enum tier_style {
    STYLE_INT,     /* q UNIT */
    STYLE_DEC1,    /* q/10 "." q%10 UNIT */
    STYLE_DEC2,    /* q/100 "." q%100 (two digits) UNIT */
    STYLE_COMPOUND /* q/per BIG " " q%per (two digits) SMALL */
};

typedef struct tier {
    int64_t step;         /* microseconds per unit of q */
    int64_t limit;        /* the tier is used while q < limit */
    enum tier_style style;
    int64_t per;          /* STYLE_COMPOUND: small units per big unit */
    const char *unit;     /* the unit (the big unit when compound) */
    const char *small;    /* STYLE_COMPOUND: the small unit */
} tier_t;

static const tier_t tiers[] = {
    {1, 1000, STYLE_INT, 0, "us", NULL},                        /* 850us */
    {10, 1000, STYLE_DEC2, 0, "ms", NULL},                      /* 4.20ms */
    {100, 1000, STYLE_DEC1, 0, "ms", NULL},                     /* 42.0ms */
    {LAGSIM_MSEC, 1000, STYLE_INT, 0, "ms", NULL},              /* 850ms */
    {10 * LAGSIM_MSEC, 1000, STYLE_DEC2, 0, "s", NULL},         /* 2.41s */
    {100 * LAGSIM_MSEC, 600, STYLE_DEC1, 0, "s", NULL},         /* 12.4s */
    {LAGSIM_SEC, 3600, STYLE_COMPOUND, 60, "m", "s"},           /* 1m 12s */
    {LAGSIM_MIN, 24 * 60, STYLE_COMPOUND, 60, "h", "m"},        /* 3h 02m */
    {LAGSIM_HOUR, INT64_MAX, STYLE_COMPOUND, 24, "d", "h"},     /* 2d 05h */
};

/* us / step rounded half up, without overflow for any us >= 0. */
static int64_t round_div(int64_t us, int64_t step)
{
    int64_t q = us / step;
    if (us % step >= step - us % step)
        q++;
    return q;
}

char *lagsim_format_duration(char *buf, size_t size, lagsim_time_t us)
{
    if (size == 0)
        return buf;
    if (us < 0) {
        snprintf(buf, size, "-");
        return buf;
    }
    if (us == 0) {
        snprintf(buf, size, "0s");
        return buf;
    }
    const size_t n_tiers = sizeof tiers / sizeof tiers[0];
    for (size_t i = 0; i < n_tiers; i++) {
        const tier_t *t = &tiers[i];
        const int64_t q = round_div(us, t->step);
        if (q >= t->limit && i + 1 < n_tiers)
            continue;
        switch (t->style) {
        case STYLE_INT:
            snprintf(buf, size, "%" PRId64 "%s", q, t->unit);
            break;
        case STYLE_DEC1:
            snprintf(buf, size, "%" PRId64 ".%" PRId64 "%s", q / 10, q % 10, t->unit);
            break;
        case STYLE_DEC2:
            snprintf(buf, size, "%" PRId64 ".%02" PRId64 "%s", q / 100, q % 100, t->unit);
            break;
        case STYLE_COMPOUND:
            snprintf(buf, size, "%" PRId64 "%s %02" PRId64 "%s", q / t->per, t->unit,
                     q % t->per, t->small);
            break;
        }
        return buf;
    }
    return buf; /* not reached: the last tier takes every value */
}
