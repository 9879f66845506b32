/*
 * replay.c - arrivals read from a CSV file ([replay]): the one parser of
 * its rows, used twice. lagsim_replay_scan() reads the whole file before
 * anything runs, checks every row and counts what will fire; during the
 * run the workload streams the same rows through the reader it attaches
 * to the scenario (sc->replay.source): the model knows only that
 * interface, not files or CSV.
 *
 * Memory is one line buffer (REPLAY_LINE bytes) and the open FILE,
 * whatever the number of rows: nothing is kept per row. The file must
 * stay unchanged between the scan and the run: the scan records its
 * size, modification time and FNV-1a 64 hash; a stream refuses to open a
 * file whose size or time changed, and lagsim_replay_verify() (called
 * after a run) checks all three. If a row no longer parses at run time,
 * the replay ends there.
 *
 * Lines are read byte by byte, so a NUL byte anywhere (even on a last
 * line without a line end) is refused at its own FILE:LINE.
 *
 * Format: a header row naming the columns, then one row per event.
 * Columns: `time` (required: seconds, or ISO-8601 with a UTC offset),
 * `event` (optional: an [event.NAME] name) and `user` (optional: any
 * text, hashed with FNV-1a to a user index in [0, users)). Fields are
 * separated by commas, blanks around them are ignored, and a field may be
 * quoted ("a,b" with "" for a quote). Blank lines are skipped. Times must
 * not decrease, so the file can be streamed in order.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lagsim/config.h"

#define REPLAY_LINE 4096 /* longest row, '\n' included */
#define COLS_MAX 3       /* time, event, user */
#define FIELDS_MAX 16    /* a row split further is refused */

enum column { COL_TIME, COL_EVENT, COL_USER };
static const char *const column_names[COLS_MAX] = {"time", "event", "user"};

typedef struct replay_reader replay_reader_t;

struct replay_reader {
    const lagsim_scenario_t *sc;
    FILE *f;
    uint64_t line;           /* number of the line in buf */
    int n_cols;              /* columns in the header */
    int col[COLS_MAX];       /* field index of each column, or -1 */
    int have_origin;         /* origin known (ORIGIN_FIRST: after the first row) */
    int64_t origin;          /* us on the file's clock */
    uint64_t hash;           /* FNV-1a 64 of the bytes read so far */
    char buf[REPLAY_LINE];
};

#define FNV64_OFFSET 14695981039346656037ull
#define FNV64_PRIME 1099511628211ull

/* A row as read, before the time transform. */
typedef struct raw_row {
    int64_t t;               /* us on the file's clock */
    int iso;                 /* written as ISO-8601 */
    int type;                /* -1: no event column */
    int has_user;
    uint64_t user;
} raw_row_t;

/* ---- Timestamps ------------------------------------------------------------ */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 1;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (Howard Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* The inverse (civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* ".ffffff" at *s (if any): microseconds, exact; moves *s past it. */
static int fraction(const char **s, int64_t *us)
{
    *us = 0;
    if (**s != '.')
        return 1;
    const char *p = *s + 1;
    int n = 0;
    int64_t scale = 100000;
    for (; *p >= '0' && *p <= '9'; p++, n++) {
        if (scale == 0) {
            if (*p != '0')
                return 0; /* finer than a microsecond */
            continue;
        }
        *us += (*p - '0') * scale;
        scale /= 10;
    }
    if (n == 0)
        return 0;
    *s = p;
    return 1;
}

/* Seconds: [+-]digits[.digits], at most 12 integer digits. */
static int parse_seconds(const char *s, int64_t *out)
{
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    int64_t whole = 0;
    int n = 0;
    for (; *s >= '0' && *s <= '9'; s++, n++) {
        if (n == 12)
            return 0;
        whole = whole * 10 + (*s - '0');
    }
    int64_t frac;
    if (n == 0 && *s != '.')
        return 0; /* no digits */
    if (!fraction(&s, &frac) || *s != '\0')
        return 0;
    const int64_t us = whole * LAGSIM_SEC + frac;
    *out = neg ? -us : us;
    return 1;
}

/* YYYY-MM-DD[T ]HH:MM:SS[.f](Z|+HH:MM|-HH:MM|+HHMM|-HHMM). */
static int parse_iso(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) ||
        s[7] != '-' || !digits(s + 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' ||
        !digits(s + 17, 2, &se))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || se > 59)
        return 0;
    const char *p = s + 19;
    int64_t frac;
    if (!fraction(&p, &frac))
        return 0;
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        const int sign = *p == '-' ? -1 : 1;
        int oh, om;
        if (!digits(p + 1, 2, &oh))
            return 0;
        p += 3;
        if (*p == ':')
            p++;
        if (!digits(p, 2, &om) || oh > 23 || om > 59)
            return 0;
        p += 2;
        offset = sign * ((int64_t)oh * 3600 + om * 60);
    } else {
        return 0; /* a time without a zone is ambiguous */
    }
    if (*p != '\0')
        return 0;
    const int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    *out = secs * LAGSIM_SEC + frac;
    return 1;
}

int lagsim_parse_timestamp(const char *s, int64_t *us, int *iso)
{
    int64_t v;
    const int is_iso = strlen(s) >= 10 && s[4] == '-' && s[7] == '-';
    if (!(is_iso ? parse_iso(s, &v) : parse_seconds(s, &v)))
        return LAGSIM_EINVAL;
    *us = v;
    if (iso)
        *iso = is_iso;
    return LAGSIM_OK;
}

/* ".ffffff" without trailing zeros, or "" for a whole second. */
static void fmt_fraction(int64_t frac_us, char *buf, size_t n)
{
    if (frac_us == 0) {
        buf[0] = '\0';
        return;
    }
    char f[8];
    snprintf(f, sizeof f, "%06lld", (long long)frac_us);
    int len = 6;
    while (len > 0 && f[len - 1] == '0')
        len--;
    snprintf(buf, n, ".%.*s", len, f);
}

void lagsim_format_timestamp(int64_t us, int iso, char *buf, size_t n)
{
    char frac[16];
    int64_t secs = us / LAGSIM_SEC, f = us % LAGSIM_SEC;
    if (!iso) {
        fmt_fraction(f < 0 ? -f : f, frac, sizeof frac);
        snprintf(buf, n, "%s%lld%s", us < 0 ? "-" : "", (long long)(secs < 0 ? -secs : secs),
                 frac);
        return;
    }
    if (f < 0) { /* floor division: the fraction counts forward */
        f += LAGSIM_SEC;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    fmt_fraction(f, frac, sizeof frac);
    snprintf(buf, n, "%04lld-%02d-%02dT%02d:%02d:%02d%sZ", (long long)y, m, d, (int)(rem / 3600),
             (int)(rem / 60 % 60), (int)(rem % 60), frac);
}

/* ---- Reading rows -------------------------------------------------------------- */

#if defined(__GNUC__)
static void say(char *msg, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif
static void say(char *msg, size_t n, const char *fmt, ...)
{
    if (!msg || n == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, n, fmt, ap);
    va_end(ap);
}

/* "FILE:LINE: " then the message. */
#define ROW_ERROR(r, msg, n, fmt, ...)                                                        \
    say(msg, n, "%s:%llu: " fmt, (r)->sc->replay.file, (unsigned long long)(r)->line,         \
        __VA_ARGS__)

/*
 * Reads the next line into r->buf without its line end, hashing its
 * bytes. Returns 1, 0 at the end of the file, or -1 (message in msg) for
 * a line too long, a NUL byte or a read error.
 */
static int read_line(replay_reader_t *r, char *msg, size_t n)
{
    size_t len = 0, nul_at = 0;
    int c, too_long = 0, any = 0;
    uint64_t h = r->hash;
    while ((c = getc_unlocked(r->f)) != EOF) {
        any = 1;
        h = (h ^ (unsigned char)c) * FNV64_PRIME;
        if (c == '\n')
            break;
        if (c == '\0' && nul_at == 0)
            nul_at = len + 1;
        if (len < sizeof r->buf - 2)
            r->buf[len] = (char)c;
        else
            too_long = 1;
        len++;
    }
    r->hash = h;
    if (ferror(r->f)) {
        say(msg, n, "%s: read error", r->sc->replay.file);
        return -1;
    }
    if (!any)
        return 0;
    r->line++;
    if (nul_at) {
        ROW_ERROR(r, msg, n, "a NUL byte at column %zu (not a text CSV file?)", nul_at);
        return -1;
    }
    if (too_long) {
        ROW_ERROR(r, msg, n, "line too long (at most %d characters)%s", REPLAY_LINE - 2, "");
        return -1;
    }
    r->buf[len] = '\0';
    if (len > 0 && r->buf[len - 1] == '\r')
        r->buf[--len] = '\0';
    if (r->line == 1 && (unsigned char)r->buf[0] == 0xEF && (unsigned char)r->buf[1] == 0xBB &&
        (unsigned char)r->buf[2] == 0xBF) {
        memmove(r->buf, r->buf + 3, len - 2);
        len -= 3;
    }
    const char *cr = memchr(r->buf, '\r', len);
    if (cr) {
        ROW_ERROR(r, msg, n, "a carriage return not followed by a line feed at column %zu: "
                  "rows must end in LF or CR LF", (size_t)(cr - r->buf) + 1);
        return -1;
    }
    for (size_t i = 0; i + 2 < len; i++)
        if ((unsigned char)r->buf[i] == 0xEF && (unsigned char)r->buf[i + 1] == 0xBB &&
            (unsigned char)r->buf[i + 2] == 0xBF) {
            ROW_ERROR(r, msg, n, "a second byte-order mark (U+FEFF) at column %zu: a BOM may "
                      "only start the file", i + 1);
            return -1;
        }
    return 1;
}

static int is_blank(const char *s)
{
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return 0;
    return 1;
}

/*
 * Splits the line in r->buf into at most max fields, in place: trims
 * blanks, removes quotes. Returns the number of fields, or -1 (message in
 * msg) for a bad quote or too many fields.
 */
static int split(replay_reader_t *r, char **field, int max, char *msg, size_t n)
{
    char *p = r->buf;
    int count = 0;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (count == max) {
            ROW_ERROR(r, msg, n, "more than %d fields, but the header names %d", max - 1,
                      r->n_cols);
            return -1;
        }
        char *start = p, *end;
        if (*p == '"') { /* quoted: copy down, "" is a quote */
            char *w = p;
            start = w;
            p++;
            for (;;) {
                if (*p == '\0') {
                    ROW_ERROR(r, msg, n, "unterminated quote in field %d", count + 1);
                    return -1;
                }
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            end = w;
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p != ',' && *p != '\0') {
                ROW_ERROR(r, msg, n, "text after the closing quote of field %d", count + 1);
                return -1;
            }
        } else {
            while (*p != ',' && *p != '\0')
                p++;
            end = p;
            while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
                end--;
        }
        const char sep = *p;
        *end = '\0';
        field[count++] = start;
        if (sep == '\0')
            return count;
        p++; /* past the comma */
    }
}

/* Reads the header. Returns LAGSIM_OK or LAGSIM_EINVAL (message in msg). */
static int read_header(replay_reader_t *r, char *msg, size_t n)
{
    int rc;
    do
        rc = read_line(r, msg, n);
    while (rc == 1 && is_blank(r->buf));
    if (rc < 0)
        return LAGSIM_EINVAL;
    if (rc == 0) {
        say(msg, n, "%s: no header row (expected column names such as time,event,user)",
            r->sc->replay.file);
        return LAGSIM_EINVAL;
    }
    char *field[COLS_MAX + 1];
    const int nf = split(r, field, COLS_MAX + 1, msg, n);
    if (nf < 0)
        return LAGSIM_EINVAL;
    for (int c = 0; c < COLS_MAX; c++)
        r->col[c] = -1;
    for (int i = 0; i < nf; i++) {
        int c = 0;
        while (c < COLS_MAX && strcmp(field[i], column_names[c]) != 0)
            c++;
        if (c == COLS_MAX) {
            ROW_ERROR(r, msg, n, "unknown column '%.60s' (known: time, event, user)", field[i]);
            return LAGSIM_EINVAL;
        }
        if (r->col[c] >= 0) {
            ROW_ERROR(r, msg, n, "column '%s' named twice", column_names[c]);
            return LAGSIM_EINVAL;
        }
        r->col[c] = i;
    }
    if (r->col[COL_TIME] < 0) {
        ROW_ERROR(r, msg, n, "no 'time' column in the header (columns: time, event, user)%s",
                  "");
        return LAGSIM_EINVAL;
    }
    r->n_cols = nf;
    return LAGSIM_OK;
}

/* FNV-1a, 64 bits. */
static uint64_t hash_text(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

/*
 * Reads the next data row. Returns 1, 0 at the end of the file, or -1
 * (message in msg) for a row that does not parse.
 */
static int read_row(replay_reader_t *r, raw_row_t *row, char *msg, size_t n)
{
    int rc;
    do
        rc = read_line(r, msg, n);
    while (rc == 1 && is_blank(r->buf));
    if (rc <= 0)
        return rc;
    char *field[FIELDS_MAX];
    const int nf = split(r, field, FIELDS_MAX, msg, n);
    if (nf < 0)
        return -1;
    if (nf != r->n_cols) {
        ROW_ERROR(r, msg, n, "%d field%s, but the header names %d", nf, nf == 1 ? "" : "s",
                  r->n_cols);
        return -1;
    }
    const char *t = field[r->col[COL_TIME]];
    if (lagsim_parse_timestamp(t, &row->t, &row->iso) != LAGSIM_OK) {
        ROW_ERROR(r, msg, n, "bad time '%.60s' (expected seconds such as 12.5, or ISO-8601 "
                  "such as 2024-05-01T12:00:00Z, at most microseconds)", t);
        return -1;
    }
    row->type = -1;
    if (r->col[COL_EVENT] >= 0) {
        const char *e = field[r->col[COL_EVENT]];
        const lagsim_scenario_t *sc = r->sc;
        for (unsigned i = 0; i < sc->n_event_types && row->type < 0; i++)
            if (strcmp(sc->event_types[i].name, e) == 0)
                row->type = (int)i;
        if (row->type < 0) {
            ROW_ERROR(r, msg, n, "event '%.60s' is not an [event.NAME] of the scenario", e);
            return -1;
        }
    }
    row->has_user = r->col[COL_USER] >= 0;
    if (row->has_user) {
        const char *u = field[r->col[COL_USER]];
        if (u[0] == '\0') {
            ROW_ERROR(r, msg, n, "empty user%s", "");
            return -1;
        }
        row->user = hash_text(u) % r->sc->users;
    }
    return 1;
}

/*
 * The simulated time of file time t: < 0 before the run (*at unset),
 * 0 inside [0, horizon), > 0 at or after the horizon.
 */
static int transform(replay_reader_t *r, int64_t t, lagsim_time_t *at)
{
    const lagsim_replay_t *p = &r->sc->replay;
    if (!r->have_origin) {
        r->origin = p->origin_kind == LAGSIM_ORIGIN_FIRST ? t : p->origin;
        r->have_origin = 1;
    }
    const int64_t delta = t - r->origin; /* |t|, |origin| < 2^60: no overflow */
    int64_t v;
    if (p->time_scale == 1.0) {
        v = delta + p->time_shift;
    } else {
        const double x = (double)delta * p->time_scale + (double)p->time_shift;
        if (x >= (double)r->sc->horizon)
            return 1;
        if (x < -0.5)
            return -1;
        v = (int64_t)llround(x);
    }
    if (v < 0)
        return -1;
    if (v >= r->sc->horizon)
        return 1;
    *at = v;
    return 0;
}

/* Opens the file and reads its header. */
static int reader_open(replay_reader_t *r, const lagsim_scenario_t *sc, char *msg, size_t n)
{
    memset(r, 0, offsetof(replay_reader_t, buf));
    r->sc = sc;
    r->hash = FNV64_OFFSET;
    struct stat st;
    const char *path = sc->replay.file;
    char why[128];
    if (stat(path, &st) == 0) { /* else fopen() says why */
        if (!S_ISREG(st.st_mode)) {
            say(msg, n, "%s: not a regular file", path);
            return LAGSIM_EIO;
        }
        if (st.st_size == 0) { /* also what /proc files say: never read them */
            say(msg, n, "%s: no header row (expected column names such as time,event,user)",
                path);
            return LAGSIM_EINVAL;
        }
    }
    r->f = fopen(path, "r");
    if (!r->f) {
        if (strerror_r(errno, why, sizeof why) != 0)
            snprintf(why, sizeof why, "error %d", errno);
        say(msg, n, "%s: cannot open: %s", path, why);
        return LAGSIM_EIO;
    }
    return read_header(r, msg, n);
}

/* The size and modification time (ns) of the open file, or -1. */
static int file_stamp(FILE *f, uint64_t *size, int64_t *mtime_ns)
{
    struct stat st;
    if (fstat(fileno(f), &st) != 0)
        return -1;
    *size = (uint64_t)st.st_size;
    *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + (int64_t)st.st_mtim.tv_nsec;
    return 0;
}

/* ---- The scan and the stream --------------------------------------------------- */

/* The CSV reader a scanned scenario streams its rows from during a run. */
static void *csv_open(const lagsim_scenario_t *sc, int *rc);
static int csv_next(void *stream, lagsim_replay_row_t *row);
static void csv_close(void *stream);
static const lagsim_replay_source_t csv_source = {csv_open, csv_next, csv_close};

int lagsim_replay_scan(lagsim_scenario_t *sc, char *msg, size_t msg_size)
{
    if (sc->replay.file[0] == '\0')
        return LAGSIM_OK;
    replay_reader_t *r = malloc(sizeof *r);
    if (!r) {
        say(msg, msg_size, "out of memory");
        return LAGSIM_ENOMEM;
    }
    lagsim_replay_t *sum = malloc(sizeof *sum);
    int rc = sum ? reader_open(r, sc, msg, msg_size) : LAGSIM_ENOMEM;
    if (!sum)
        say(msg, msg_size, "out of memory");
    if (rc != LAGSIM_OK)
        goto done;
    *sum = sc->replay;
    sum->rows = sum->fired = 0;
    sum->first_at = sum->last_at = 0;
    memset(sum->bins, 0, sizeof sum->bins);
    int64_t prev = 0;
    raw_row_t row;
    int got;
    while ((got = read_row(r, &row, msg, msg_size)) == 1) {
        if (sum->rows > 0 && row.t < prev) {
            char a[48], b[48];
            lagsim_format_timestamp(row.t, row.iso, a, sizeof a);
            lagsim_format_timestamp(prev, row.iso, b, sizeof b);
            ROW_ERROR(r, msg, msg_size, "time goes backwards (%s%s after %s%s); the rows must "
                      "be sorted by time", a, row.iso ? "" : "s", b, row.iso ? "" : "s");
            rc = LAGSIM_EINVAL;
            goto done;
        }
        prev = row.t;
        lagsim_time_t at = 0;
        const int where = transform(r, row.t, &at);
        /* The span in simulated time, clamped to what a duration holds. */
        const double x = ((double)row.t - (double)r->origin) * sc->replay.time_scale +
                         (double)sc->replay.time_shift;
        const lagsim_time_t span = x > 9e18 ? INT64_MAX : x < -9e18 ? INT64_MIN : (lagsim_time_t)x;
        if (sum->rows == 0)
            sum->first_at = where == 0 ? at : span;
        sum->last_at = where == 0 ? at : span;
        sum->rows++;
        if (where == 0) {
            sum->fired++;
            const int64_t width = (sc->horizon + LAGSIM_REPLAY_BINS - 1) / LAGSIM_REPLAY_BINS;
            const int64_t bin = at / width;
            const uint64_t in_bin = ++sum->bins[bin < LAGSIM_REPLAY_BINS ? bin : LAGSIM_REPLAY_BINS - 1];
            /* A rate derived from the rows (and time_scale) is held to the
             * same maximum as the keys' rates. */
            if ((double)in_bin > LAGSIM_RATE_MAX * ((double)width / LAGSIM_SEC)) {
                ROW_ERROR(r, msg, msg_size, "more than %.0e rows per second of simulated time "
                          "(%" PRIu64 " rows within %.6g s, after time_scale), above the "
                          "%.0e events/s lagsim simulates", LAGSIM_RATE_MAX, in_bin,
                          (double)width / LAGSIM_SEC, LAGSIM_RATE_MAX);
                rc = LAGSIM_EINVAL;
                goto done;
            }
        }
    }
    if (got < 0) {
        rc = LAGSIM_EINVAL;
        goto done;
    }
    sum->hash = r->hash;
    if (file_stamp(r->f, &sum->size, &sum->mtime_ns) != 0) {
        say(msg, msg_size, "%s: cannot stat: %s", sc->replay.file, strerror(errno));
        rc = LAGSIM_EIO;
        goto done;
    }
    sum->source = &csv_source;
    sc->replay = *sum;
done:
    if (r->f)
        fclose(r->f);
    free(r);
    free(sum);
    return rc;
}

static void *csv_open(const lagsim_scenario_t *sc, int *rc)
{
    replay_reader_t *r = malloc(sizeof *r);
    if (!r) {
        *rc = LAGSIM_ENOMEM;
        return NULL;
    }
    *rc = reader_open(r, sc, NULL, 0);
    uint64_t size;
    int64_t mtime_ns;
    if (*rc == LAGSIM_OK && (file_stamp(r->f, &size, &mtime_ns) != 0 ||
                             size != sc->replay.size || mtime_ns != sc->replay.mtime_ns))
        *rc = LAGSIM_EIO; /* changed since the scan: its rows were not checked */
    if (*rc != LAGSIM_OK) {
        *rc = LAGSIM_EIO;
        csv_close(r);
        return NULL;
    }
    return r;
}

static int csv_next(void *stream, lagsim_replay_row_t *row)
{
    replay_reader_t *r = stream;
    raw_row_t raw;
    while (read_row(r, &raw, NULL, 0) == 1) {
        lagsim_time_t at;
        const int where = transform(r, raw.t, &at);
        if (where < 0)
            continue;
        if (where > 0)
            return 0; /* sorted: nothing after this fires */
        row->at = at;
        row->type = raw.type;
        row->has_user = raw.has_user;
        row->user = raw.user;
        return 1;
    }
    return 0;
}

static void csv_close(void *stream)
{
    replay_reader_t *r = stream;
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r);
}

const lagsim_replay_source_t *lagsim_replay_csv_source(void)
{
    return &csv_source;
}

int lagsim_replay_verify(const lagsim_scenario_t *sc, char *msg, size_t msg_size)
{
    const char *path = sc->replay.file;
    if (path[0] == '\0')
        return LAGSIM_OK;
    FILE *f = fopen(path, "rb");
    if (!f) {
        say(msg, msg_size, "%s: cannot open after the run: %s", path, strerror(errno));
        return LAGSIM_EIO;
    }
    uint64_t size = 0, h = FNV64_OFFSET;
    int64_t mtime_ns = 0;
    int rc = file_stamp(f, &size, &mtime_ns) == 0 ? LAGSIM_OK : LAGSIM_EIO;
    if (rc == LAGSIM_OK && (size != sc->replay.size || mtime_ns != sc->replay.mtime_ns))
        rc = LAGSIM_EINVAL;
    int c;
    while (rc == LAGSIM_OK && (c = getc_unlocked(f)) != EOF)
        h = (h ^ (unsigned char)c) * FNV64_PRIME;
    if (rc == LAGSIM_OK && (ferror(f) || h != sc->replay.hash))
        rc = ferror(f) ? LAGSIM_EIO : LAGSIM_EINVAL;
    fclose(f);
    if (rc == LAGSIM_EINVAL)
        say(msg, msg_size, "%s: changed during the run (size, time or content differ from "
            "the file checked before it); the replayed rows cannot be trusted", path);
    else if (rc != LAGSIM_OK)
        say(msg, msg_size, "%s: cannot read after the run", path);
    return rc == LAGSIM_OK ? LAGSIM_OK : LAGSIM_EIO;
}
