/*
 * units.c - values with units in scenario files: plain numbers, whole
 * numbers, fractions, booleans, durations, sizes and rates; and the
 * printers that write them back.
 *
 * Design: a value is a decimal number followed by an optional unit
 * ("250ms", "1.2KB", "400/s"). Whole numbers are converted with integer
 * arithmetic (so "18446744073709551615" and "9000000000000s" are exact and
 * overflow is caught); numbers with a point or an exponent go through
 * strtod(). Every printer proposes a few spellings of a value (one per
 * unit), keeps only those that the parser turns back into exactly the
 * same value, and returns the shortest: output is compact and a
 * write-then-load round trip is exact.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"

/* Longest number text accepted (digits, point, exponent). */
#define NUMBER_MAX 64

void lsi_err(lagsim_error_t *err, const char *fmt, ...)
{
    if (!err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* A number followed by a unit, as split by split_quantity(). */
typedef struct quantity {
    double value;      /* the number */
    uint64_t whole;    /* the number, when integral */
    int integral;      /* 1 if the number is digits only */
    int whole_overflow;/* 1 if those digits exceed UINT64_MAX */
    const char *unit;  /* what follows the number and its spaces */
    size_t unit_len;   /* without trailing spaces */
    char text[NUMBER_MAX]; /* the number as written */
} quantity;

/*
 * Splits "  12.5 ms " into 12.5 and "ms". Returns 0 if s does not start
 * with a well-formed decimal number (after spaces). NaN, inf and hex are
 * not numbers here; a value too large for a double gives value = inf,
 * which callers reject.
 */
static int split_quantity(const char *s, quantity *q)
{
    while (is_space(*s))
        s++;
    size_t i = 0, digits = 0;
    int integral = 1;
    if (s[i] == '+' || s[i] == '-') {
        integral = 0;
        i++;
    }
    while (is_digit(s[i])) {
        i++;
        digits++;
    }
    if (s[i] == '.') {
        integral = 0;
        i++;
        while (is_digit(s[i])) {
            i++;
            digits++;
        }
    }
    if (digits == 0)
        return 0;
    if (s[i] == 'e' || s[i] == 'E') {
        size_t j = i + 1;
        if (s[j] == '+' || s[j] == '-')
            j++;
        if (is_digit(s[j])) {
            while (is_digit(s[j]))
                j++;
            i = j;
            integral = 0;
        }
    }
    if (i >= NUMBER_MAX)
        return 0;
    char num[NUMBER_MAX];
    memcpy(num, s, i);
    num[i] = '\0';
    q->value = strtod(num, NULL);
    memcpy(q->text, num, i + 1);
    q->integral = integral;
    q->whole = 0;
    q->whole_overflow = 0;
    if (integral) {
        errno = 0;
        const unsigned long long w = strtoull(num, NULL, 10);
        q->whole = (uint64_t)w;
        q->whole_overflow = errno == ERANGE;
    }
    const char *u = s + i;
    while (is_space(*u))
        u++;
    size_t len = strlen(u);
    while (len > 0 && is_space(u[len - 1]))
        len--;
    q->unit = u;
    q->unit_len = len;
    return 1;
}

static int unit_is(const quantity *q, const char *name)
{
    return strlen(name) == q->unit_len && memcmp(q->unit, name, q->unit_len) == 0;
}

/* ---- SI multipliers on counts ------------------------------------------- */

/*
 * A count with an SI multiplier: "30k" (or "30K") is 30 000, "2M" 2 000 000,
 * "1.5G" 1 500 000 000. Returns 1 and the value in *out if q's unit is one
 * of them, else 0. The value is read as the decimal NUMBER followed by the
 * power of ten ("1.5e3"), so it is the double nearest the exact count.
 */
static int si_count(const quantity *q, double *out)
{
    int exp10;
    if (q->unit_len != 1)
        return 0;
    switch (q->unit[0]) {
    case 'k': case 'K': exp10 = 3; break;
    case 'M': exp10 = 6; break;
    case 'G': exp10 = 9; break;
    default: return 0;
    }
    if (strchr(q->text, 'e') || strchr(q->text, 'E')) {
        *out = q->value * pow(10, exp10);
    } else {
        char scaled[NUMBER_MAX + 8];
        snprintf(scaled, sizeof scaled, "%se%d", q->text, exp10);
        *out = strtod(scaled, NULL);
    }
    return 1;
}

/* ---- Plain numbers ------------------------------------------------------ */

int lsi_parse_number(const char *s, double *out, lagsim_error_t *err)
{
    quantity q;
    if (!split_quantity(s, &q) || q.unit_len != 0) {
        lsi_err(err, "bad number '%s' (expected a decimal number like 2, 0.5 or 1e6)", s);
        return LAGSIM_EINVAL;
    }
    if (!isfinite(q.value)) {
        lsi_err(err, "number '%s' is too large", s);
        return LAGSIM_EINVAL;
    }
    *out = q.value;
    return LAGSIM_OK;
}

int lsi_parse_uint(const char *s, uint64_t *out, lagsim_error_t *err)
{
    quantity q;
    double si;
    if (split_quantity(s, &q) && si_count(&q, &si)) {
        if (!(si >= 0) || si != floor(si)) {
            lsi_err(err, "bad integer '%s' (expected a whole number >= 0, like 10, 30k or 2M)",
                    s);
            return LAGSIM_EINVAL;
        }
        if (!(si < 18446744073709551616.0)) {
            lsi_err(err, "integer '%s' is too large (max 18446744073709551615)", s);
            return LAGSIM_EINVAL;
        }
        *out = (uint64_t)si;
        return LAGSIM_OK;
    }
    if (!split_quantity(s, &q) || q.unit_len != 0 || q.value < 0 ||
        (!q.integral && q.value != floor(q.value))) {
        lsi_err(err, "bad integer '%s' (expected a whole number >= 0, like 10 or 1e6)", s);
        return LAGSIM_EINVAL;
    }
    if (q.integral ? q.whole_overflow : !(q.value < 18446744073709551616.0)) {
        lsi_err(err, "integer '%s' is too large (max 18446744073709551615)", s);
        return LAGSIM_EINVAL;
    }
    *out = q.integral ? q.whole : (uint64_t)q.value;
    return LAGSIM_OK;
}

int lsi_parse_fraction(const char *s, double *out, lagsim_error_t *err)
{
    quantity q;
    if (!split_quantity(s, &q) || !(q.unit_len == 0 || unit_is(&q, "%")) ||
        !isfinite(q.value)) {
        lsi_err(err, "bad fraction '%s' (expected a number from 0 to 1, or a percentage like 30%%)",
                s);
        return LAGSIM_EINVAL;
    }
    *out = q.unit_len ? q.value / 100.0 : q.value;
    return LAGSIM_OK;
}

int lsi_parse_bool(const char *s, int *out, lagsim_error_t *err)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcmp(s, yes[i]) == 0) {
            *out = 1;
            return LAGSIM_OK;
        }
        if (strcmp(s, no[i]) == 0) {
            *out = 0;
            return LAGSIM_OK;
        }
    }
    lsi_err(err, "bad boolean '%s' (expected true or false)", s);
    return LAGSIM_EINVAL;
}

/* ---- Durations ------------------------------------------------------------- */

typedef struct time_unit time_unit;
static double unit_seconds(double value, const time_unit *u);

struct time_unit {
    const char *name;
    lagsim_time_t us; /* microseconds in one unit */
};

static const time_unit time_units[] = {
    {"us", LAGSIM_USEC}, {"ms", LAGSIM_MSEC}, {"s", LAGSIM_SEC}, {"m", LAGSIM_MIN},
    {"min", LAGSIM_MIN}, {"h", LAGSIM_HOUR}, {"d", LAGSIM_DAY},
};
#define N_TIME_UNITS (sizeof time_units / sizeof time_units[0])

#define DURATION_FORM "expected a number with a unit: us, ms, s, m, h, d"

/*
 * Splits a duration into its number and unit. Returns the unit, or NULL
 * (with a message) if the text is not a non-negative number with a time
 * unit. A bare zero is accepted: *zero is then set.
 */
static const time_unit *duration_split(const char *s, quantity *q, int *zero,
                                       lagsim_error_t *err)
{
    *zero = 0;
    if (!split_quantity(s, q)) {
        lsi_err(err, "bad duration '%s' (" DURATION_FORM ")", s);
        return NULL;
    }
    if (q->value < 0) {
        lsi_err(err, "duration '%s' is negative", s);
        return NULL;
    }
    if (!isfinite(q->value)) {
        lsi_err(err, "duration '%s' is too large", s);
        return NULL;
    }
    if (q->unit_len == 0 && q->value == 0) {
        *zero = 1;
        return &time_units[0];
    }
    for (size_t i = 0; i < N_TIME_UNITS; i++)
        if (unit_is(q, time_units[i].name))
            return &time_units[i];
    lsi_err(err, "bad duration '%s' (" DURATION_FORM ")", s);
    return NULL;
}

/*
 * A compound duration: two or more parts NUMBER UNIT with units from the
 * largest down, each at most once ("1h30m", "2m30s", "1d 12h",
 * "1m30.5s"). Returns 0 with the sum in *us (exact for whole parts; a
 * fractional part rounds to the microsecond) and in *sec (seconds), 1
 * with a message when it is a compound duration that cannot be taken
 * (units out of order, too large), or -1 when s is not one (a single part,
 * or not of that form: the caller's own message then applies).
 */
static int compound_duration(const char *s, lagsim_time_t *us, double *sec,
                             lagsim_error_t *err)
{
    const char *p = s;
    lagsim_time_t total = 0;
    double seconds = 0;
    int parts = 0, overflow = 0;
    lagsim_time_t last_unit = 0;
    while (is_space(*p))
        p++;
    while (*p) {
        char num[NUMBER_MAX];
        size_t n = 0, digits = 0;
        int fraction = 0;
        while ((is_digit(*p) || (*p == '.' && !fraction)) && n + 1 < sizeof num) {
            digits += is_digit(*p) ? 1u : 0u;
            fraction |= *p == '.';
            num[n++] = *p++;
        }
        num[n] = '\0';
        if (digits == 0)
            return -1;
        size_t ulen = 0;
        while (p[ulen] >= 'a' && p[ulen] <= 'z')
            ulen++;
        const time_unit *u = NULL;
        for (size_t i = 0; i < N_TIME_UNITS; i++)
            if (strlen(time_units[i].name) == ulen && memcmp(p, time_units[i].name, ulen) == 0)
                u = &time_units[i];
        if (!u)
            return -1;
        p += ulen;
        while (is_space(*p))
            p++;
        if (last_unit && u->us >= last_unit) {
            lsi_err(err, "bad duration '%s' (in a compound duration such as 1h30m, the units "
                    "go from the largest down, each once)", s);
            return 1;
        }
        last_unit = u->us;
        parts++;
        const double v = strtod(num, NULL);
        seconds += unit_seconds(v, u);
        if (!fraction) {
            errno = 0;
            const unsigned long long w = strtoull(num, NULL, 10);
            if (errno || w > (unsigned long long)(INT64_MAX / u->us) ||
                (lagsim_time_t)w * u->us > INT64_MAX - total)
                overflow = 1;
            else
                total += (lagsim_time_t)w * u->us;
        } else {
            const double d = v * (double)u->us;
            if (!(d < 9223372036854775807.0 - (double)total))
                overflow = 1;
            else
                total += (lagsim_time_t)llround(d);
        }
    }
    if (parts < 2)
        return -1;
    if (overflow) {
        lsi_err(err, "duration '%s' is too large", s);
        return 1;
    }
    *us = total;
    *sec = seconds;
    return 0;
}

int lagsim_parse_duration(const char *s, lagsim_time_t *out, lagsim_error_t *err)
{
    lagsim_time_t us;
    double sec;
    const int compound = compound_duration(s, &us, &sec, err);
    if (compound >= 0) {
        if (compound == 0)
            *out = us;
        return compound == 0 ? LAGSIM_OK : LAGSIM_EINVAL;
    }
    quantity q;
    int zero;
    const time_unit *u = duration_split(s, &q, &zero, err);
    if (!u)
        return LAGSIM_EINVAL;
    if (zero) {
        *out = 0;
        return LAGSIM_OK;
    }
    if (q.integral) {
        if (q.whole_overflow || q.whole > (uint64_t)(INT64_MAX / u->us)) {
            lsi_err(err, "duration '%s' is too large", s);
            return LAGSIM_EINVAL;
        }
        *out = (lagsim_time_t)q.whole * u->us;
        return LAGSIM_OK;
    }
    const double d = q.value * (double)u->us;
    if (!(d < 9223372036854775807.0)) {
        lsi_err(err, "duration '%s' is too large", s);
        return LAGSIM_EINVAL;
    }
    *out = (lagsim_time_t)llround(d);
    return LAGSIM_OK;
}

/* Seconds from a unit: one division or one multiplication, exactly rounded. */
static double unit_seconds(double value, const time_unit *u)
{
    if (u->us < LAGSIM_SEC)
        return value / (double)(LAGSIM_SEC / u->us);
    return value * (double)(u->us / LAGSIM_SEC);
}

int lsi_parse_seconds(const char *s, double *out, lagsim_error_t *err)
{
    lagsim_time_t us;
    double sec;
    const int compound = compound_duration(s, &us, &sec, err);
    if (compound >= 0) {
        if (compound == 0)
            *out = sec;
        return compound == 0 ? LAGSIM_OK : LAGSIM_EINVAL;
    }
    quantity q;
    int zero;
    const time_unit *u = duration_split(s, &q, &zero, err);
    if (!u)
        return LAGSIM_EINVAL;
    const double v = zero ? 0.0 : unit_seconds(q.value, u);
    if (!isfinite(v)) {
        lsi_err(err, "duration '%s' is too large", s);
        return LAGSIM_EINVAL;
    }
    *out = v;
    return LAGSIM_OK;
}

/* ---- Sizes ----------------------------------------------------------------- */

typedef struct size_unit {
    const char *name;
    uint64_t bytes;
} size_unit;

static const size_unit size_units[] = {
    {"B", 1},
    {"KB", 1000},
    {"MB", 1000 * 1000},
    {"GB", 1000 * 1000 * 1000},
    {"KiB", 1024},
    {"MiB", 1024 * 1024},
    {"GiB", 1024 * 1024 * 1024},
};
#define N_SIZE_UNITS (sizeof size_units / sizeof size_units[0])

#define SIZE_FORM "expected a number with a unit: B, KB, MB, GB, KiB, MiB, GiB"

/* Splits a size into its number and unit (a bare number is bytes). */
static const size_unit *size_split(const char *s, quantity *q, lagsim_error_t *err)
{
    if (!split_quantity(s, q)) {
        lsi_err(err, "bad size '%s' (" SIZE_FORM ")", s);
        return NULL;
    }
    if (q->value < 0) {
        lsi_err(err, "size '%s' is negative", s);
        return NULL;
    }
    if (!isfinite(q->value)) {
        lsi_err(err, "size '%s' is too large", s);
        return NULL;
    }
    if (q->unit_len == 0)
        return &size_units[0];
    for (size_t i = 0; i < N_SIZE_UNITS; i++)
        if (unit_is(q, size_units[i].name))
            return &size_units[i];
    lsi_err(err, "bad size '%s' (" SIZE_FORM ")", s);
    return NULL;
}

int lagsim_parse_size(const char *s, uint64_t *out, lagsim_error_t *err)
{
    quantity q;
    const size_unit *u = size_split(s, &q, err);
    if (!u)
        return LAGSIM_EINVAL;
    if (q.integral) {
        if (q.whole_overflow || q.whole > UINT64_MAX / u->bytes) {
            lsi_err(err, "size '%s' is too large", s);
            return LAGSIM_EINVAL;
        }
        *out = q.whole * u->bytes;
        return LAGSIM_OK;
    }
    const double d = floor(q.value * (double)u->bytes + 0.5);
    if (!(d < 18446744073709551616.0)) {
        lsi_err(err, "size '%s' is too large", s);
        return LAGSIM_EINVAL;
    }
    *out = (uint64_t)d;
    return LAGSIM_OK;
}

int lsi_parse_bytes(const char *s, double *out, lagsim_error_t *err)
{
    quantity q;
    const size_unit *u = size_split(s, &q, err);
    if (!u)
        return LAGSIM_EINVAL;
    double v;
    if (q.integral && !q.whole_overflow && q.whole <= UINT64_MAX / u->bytes)
        v = (double)(q.whole * u->bytes);
    else
        v = q.value * (double)u->bytes;
    if (!isfinite(v)) {
        lsi_err(err, "size '%s' is too large", s);
        return LAGSIM_EINVAL;
    }
    *out = v;
    return LAGSIM_OK;
}

/* ---- Rates ------------------------------------------------------------------- */

static const time_unit rate_units[] = {
    {"s", LAGSIM_SEC}, {"sec", LAGSIM_SEC}, {"m", LAGSIM_MIN},
    {"min", LAGSIM_MIN}, {"h", LAGSIM_HOUR},
};
#define N_RATE_UNITS (sizeof rate_units / sizeof rate_units[0])

static void rate_form_error(lagsim_error_t *err, int mode, const char *s)
{
    if (mode == 0)
        lsi_err(err, "bad rate '%s' (expected a number per time unit: 400/s, 1000/min, 20/h)", s);
    else if (mode == 1)
        lsi_err(err, "bad byte rate '%s' (expected a size per time unit: 2GB/min, 500KB/s)", s);
    else
        lsi_err(err, "bad rate '%s' (expected a number or a size per time unit: 400/s, 2GB/min)",
                s);
}

/* mode: 0 events, 1 bytes, 2 either (the public parser). */
static int parse_rate(const char *s, int mode, double *out, lagsim_error_t *err)
{
    char left[NUMBER_MAX + 16];
    const char *slash = strchr(s, '/');
    if (!slash) {
        quantity q;
        if (split_quantity(s, &q) && q.unit_len == 0 && q.value == 0) {
            *out = 0;
            return LAGSIM_OK;
        }
        rate_form_error(err, mode, s);
        return LAGSIM_EINVAL;
    }
    const size_t n = (size_t)(slash - s);
    if (n >= sizeof left) {
        rate_form_error(err, mode, s);
        return LAGSIM_EINVAL;
    }
    memcpy(left, s, n);
    left[n] = '\0';

    double amount;
    quantity q;
    if (!split_quantity(left, &q)) {
        rate_form_error(err, mode, s);
        return LAGSIM_EINVAL;
    }
    if (q.value < 0) {
        lsi_err(err, "rate '%s' is negative", s);
        return LAGSIM_EINVAL;
    }
    if (q.unit_len == 0 && mode != 1) {
        amount = q.value;
    } else if (mode != 1 && si_count(&q, &amount)) {
        /* "30k/s": a count with an SI multiplier. */
    } else if (mode != 0) {
        lagsim_error_t inner;
        if (lsi_parse_bytes(left, &amount, &inner) != LAGSIM_OK) {
            if (strstr(inner.message, "too large"))
                lsi_err(err, "rate '%s' is too large", s);
            else
                rate_form_error(err, mode, s);
            return LAGSIM_EINVAL;
        }
    } else {
        rate_form_error(err, mode, s);
        return LAGSIM_EINVAL;
    }

    const time_unit *u = NULL;
    quantity per = {.unit = slash + 1};
    while (is_space(*per.unit))
        per.unit++;
    per.unit_len = strlen(per.unit);
    while (per.unit_len > 0 && is_space(per.unit[per.unit_len - 1]))
        per.unit_len--;
    for (size_t i = 0; i < N_RATE_UNITS; i++)
        if (unit_is(&per, rate_units[i].name))
            u = &rate_units[i];
    if (!u) {
        rate_form_error(err, mode, s);
        return LAGSIM_EINVAL;
    }
    const double v = amount / (double)(u->us / LAGSIM_SEC);
    if (!isfinite(v)) {
        lsi_err(err, "rate '%s' is too large", s);
        return LAGSIM_EINVAL;
    }
    *out = v;
    return LAGSIM_OK;
}

int lsi_parse_rate(const char *s, int bytes, double *out, lagsim_error_t *err)
{
    return parse_rate(s, bytes ? 1 : 0, out, err);
}

int lagsim_parse_rate(const char *s, double *out, lagsim_error_t *err)
{
    return parse_rate(s, 2, out, err);
}

/* ---- Printers ---------------------------------------------------------------- */

/* What a printed candidate is read back with. */
enum reader { READ_NUMBER, READ_SECONDS, READ_BYTES, READ_RATE, READ_BYTE_RATE };

static int read_back(enum reader r, const char *text, double *out)
{
    switch (r) {
    case READ_NUMBER: return lsi_parse_number(text, out, NULL);
    case READ_SECONDS: return lsi_parse_seconds(text, out, NULL);
    case READ_BYTES: return lsi_parse_bytes(text, out, NULL);
    case READ_RATE: return lsi_parse_rate(text, 0, out, NULL);
    case READ_BYTE_RATE: return lsi_parse_rate(text, 1, out, NULL);
    }
    return LAGSIM_EINVAL;
}

/*
 * The shortest "NUMBER UNIT" (unit may be "") with NUMBER close to m that
 * reads back as exactly v, trying 1 to 17 significant digits; "" if none.
 * Integers print without an exponent ("30000", not "3e+04").
 */
static void shortest(double m, const char *unit, enum reader r, double v, char *out, size_t n)
{
    out[0] = '\0';
    if (!isfinite(m))
        return;
    char num[LSI_NUM_MAX], text[LSI_FMT_MAX];
    for (int p = 1; p <= 17; p++) {
        snprintf(num, sizeof num, "%.*g", p, m);
        if (strchr(num, 'e')) {
            const double d = strtod(num, NULL);
            if (d == floor(d) && fabs(d) >= 1 && fabs(d) < 1e21)
                snprintf(num, sizeof num, "%.0f", d);
        }
        snprintf(text, sizeof text, "%s%s", num, unit);
        double back;
        if (read_back(r, text, &back) == LAGSIM_OK && back == v) {
            snprintf(out, n, "%s", text);
            return;
        }
    }
}

/* Keeps candidate `text` in best if it is shorter than what best holds
 * (or as short, when ties go to the later candidate). */
static void keep_shorter(char *best, size_t n, const char *text, int ties)
{
    if (text[0] == '\0')
        return;
    if (best[0] == '\0' || strlen(text) < strlen(best) ||
        (ties && strlen(text) == strlen(best)))
        snprintf(best, n, "%s", text);
}

void lsi_fmt_double(double v, char *buf, size_t n)
{
    shortest(v, "", READ_NUMBER, v, buf, n);
    if (buf[0] == '\0') /* not reached: 17 digits always round-trip */
        snprintf(buf, n, "%.17g", v);
}

void lsi_fmt_duration(lagsim_time_t us, char *buf, size_t n)
{
    if (us == 0) {
        snprintf(buf, n, "0");
        return;
    }
    static const int order[] = {6, 5, 3, 2, 1, 0}; /* d, h, m, s, ms, us */
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        const time_unit *u = &time_units[order[i]];
        if (us % u->us == 0) {
            snprintf(buf, n, "%lld%s", (long long)(us / u->us), u->name);
            return;
        }
    }
}

void lsi_fmt_size(uint64_t bytes, char *buf, size_t n)
{
    if (bytes == 0) {
        snprintf(buf, n, "0");
        return;
    }
    char best[LSI_FMT_MAX] = "", text[LSI_FMT_MAX];
    for (size_t i = 0; i < N_SIZE_UNITS; i++) {
        if (bytes % size_units[i].bytes)
            continue;
        snprintf(text, sizeof text, "%llu%s",
                 (unsigned long long)(bytes / size_units[i].bytes), size_units[i].name);
        keep_shorter(best, sizeof best, text, 0);
    }
    snprintf(buf, n, "%s", best);
}

void lsi_fmt_seconds(double s, char *buf, size_t n)
{
    if (s == 0) {
        snprintf(buf, n, "0");
        return;
    }
    char best[LSI_FMT_MAX] = "", text[LSI_FMT_MAX];
    for (size_t i = 0; i < N_TIME_UNITS; i++) {
        const time_unit *u = &time_units[i];
        if (strcmp(u->name, "min") == 0)
            continue;
        const double m = u->us < LAGSIM_SEC ? s * (double)(LAGSIM_SEC / u->us)
                                            : s / (double)(u->us / LAGSIM_SEC);
        shortest(m, u->name, READ_SECONDS, s, text, sizeof text);
        keep_shorter(best, sizeof best, text, 0);
    }
    snprintf(buf, n, "%s", best);
}

void lsi_fmt_bytes(double b, char *buf, size_t n)
{
    if (b == 0) {
        snprintf(buf, n, "0");
        return;
    }
    char best[LSI_FMT_MAX] = "", text[LSI_FMT_MAX];
    for (size_t i = 0; i < N_SIZE_UNITS; i++) {
        shortest(b / (double)size_units[i].bytes, size_units[i].name, READ_BYTES, b, text,
                 sizeof text);
        keep_shorter(best, sizeof best, text, 1);
    }
    snprintf(buf, n, "%s", best);
}

void lsi_fmt_rate(double per_s, int bytes, char *buf, size_t n)
{
    if (per_s == 0) {
        snprintf(buf, n, "0");
        return;
    }
    static const int per[] = {0, 3, 4}; /* /s, /min, /h */
    /* Fewest digits wins ("1000/min" over "60000/h"); ties go to the
     * earlier unit. */
    char best[LSI_FMT_MAX] = "", text[LSI_FMT_MAX], unit[16];
    size_t best_digits = SIZE_MAX;
    const size_t n_sizes = bytes ? N_SIZE_UNITS : 1;
    for (size_t i = 0; i < sizeof per / sizeof per[0]; i++) {
        const time_unit *u = &rate_units[per[i]];
        for (size_t j = 0; j < n_sizes; j++) {
            const double m = per_s * (double)(u->us / LAGSIM_SEC) /
                             (bytes ? (double)size_units[j].bytes : 1.0);
            snprintf(unit, sizeof unit, "%s/%s", bytes ? size_units[j].name : "", u->name);
            shortest(m, unit, bytes ? READ_BYTE_RATE : READ_RATE, per_s, text, sizeof text);
            const size_t digits = strlen(text) - strlen(unit);
            if (text[0] != '\0' && digits < best_digits) {
                best_digits = digits;
                snprintf(best, sizeof best, "%s", text);
            }
        }
    }
    snprintf(buf, n, "%s", best);
}
