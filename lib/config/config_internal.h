/*
 * config_internal.h - what the files of lib/config share: the value
 * parsers and printers (units.c, dist_parse.c), the key table (keys.c)
 * and the error helper. Nothing here is public; the loader (loader.c) and
 * the writer (writer.c) are the only users.
 *
 * Conventions: every parser takes a whole, already trimmed value text,
 * returns LAGSIM_OK or LAGSIM_EINVAL, and on failure writes a short
 * message naming the expected form to err (err may be NULL) and leaves
 * *out untouched. Every printer writes text that the matching parser turns
 * back into exactly the same value (bit for bit for doubles).
 */
#ifndef LAGSIM_CONFIG_INTERNAL_H
#define LAGSIM_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lagsim/config.h"
#include "lagsim/model.h"

#if defined(__GNUC__)
#define LSI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LSI_PRINTF(a, b)
#endif

/* Big enough for one number or one value with a unit ("1.2345678901234567e+300ms"). */
#define LSI_NUM_MAX 48
/* Big enough for any value printed by the lsi_fmt_* functions. */
#define LSI_FMT_MAX 128

/* Longest accepted scenario-file line, '\n' included. */
#define LSI_LINE_MAX 4096

/* Writes a printf-style message to err->message (if err is not NULL). */
void lsi_err(lagsim_error_t *err, const char *fmt, ...) LSI_PRINTF(2, 3);

/* ---- units.c ------------------------------------------------------------ */

/* A plain decimal number ("12", "-0.5", "1e6"); no NaN, inf or hex. */
int lsi_parse_number(const char *s, double *out, lagsim_error_t *err);
/* A whole number >= 0 ("5000", "1e6"), exact up to UINT64_MAX. */
int lsi_parse_uint(const char *s, uint64_t *out, lagsim_error_t *err);
/* "0.3" or "30%" -> 0.3 (no range check). */
int lsi_parse_fraction(const char *s, double *out, lagsim_error_t *err);
/* "true/false/yes/no/on/off/1/0". */
int lsi_parse_bool(const char *s, int *out, lagsim_error_t *err);
/* A duration as seconds (double), as used in distributions: "250ms". */
int lsi_parse_seconds(const char *s, double *out, lagsim_error_t *err);
/* A size as bytes (double), as used in distributions: "1.2KB", "900". */
int lsi_parse_bytes(const char *s, double *out, lagsim_error_t *err);
/* An event rate ("400/s") if bytes is 0, a byte rate ("2GB/min") if 1. */
int lsi_parse_rate(const char *s, int bytes, double *out, lagsim_error_t *err);

/* Shortest text that strtod() turns back into exactly v. */
void lsi_fmt_double(double v, char *buf, size_t n);
/* "1500ms", "2h", "0": the largest unit that divides exactly. */
void lsi_fmt_duration(lagsim_time_t us, char *buf, size_t n);
/* "32KB", "1MiB", "900B": the largest unit that divides exactly. */
void lsi_fmt_size(uint64_t bytes, char *buf, size_t n);
/* Seconds (double) as the shortest exact duration text: "80ms", "2.5s". */
void lsi_fmt_seconds(double s, char *buf, size_t n);
/* Bytes (double) as the shortest exact size text: "1.2KB", "900B". */
void lsi_fmt_bytes(double b, char *buf, size_t n);
/* A rate per second as the shortest exact text: "400/s", "2GB/min". */
void lsi_fmt_rate(double per_s, int bytes, char *buf, size_t n);

/* ---- dist_parse.c --------------------------------------------------------- */

/* See lagsim_parse_dist(); unit is 't' (seconds) or 'b' (bytes). */
int lsi_parse_dist(const char *s, char unit, lagsim_dist_t *out, lagsim_error_t *err);
/* The expression that lsi_parse_dist() reads back as *d exactly. */
void lsi_fmt_dist(const lagsim_dist_t *d, char unit, char *buf, size_t n);

/* ---- keys.c --------------------------------------------------------------- */

/* What a key's value is, and so how it is parsed, stored and printed. */
enum lsi_type {
    LSI_T_STRING,    /* char[size] */
    LSI_T_DURATION,  /* lagsim_time_t */
    LSI_T_U32,       /* uint32_t */
    LSI_T_U64,       /* uint64_t */
    LSI_T_NUMBER,    /* double */
    LSI_T_FRACTION,  /* double, "0.3" or "30%" */
    LSI_T_RATE,      /* double, events per second */
    LSI_T_BYTE_RATE, /* double, bytes per second */
    LSI_T_SIZE,      /* uint64_t bytes */
    LSI_T_DIST_TIME, /* lagsim_dist_t in seconds */
    LSI_T_DIST_SIZE, /* lagsim_dist_t in bytes */
    LSI_T_BOOL,      /* uint32_t 0/1 */
    LSI_T_MODE_MASK, /* unsigned mode_mask */
    LSI_T_ROUTE,     /* enum lagsim_mode, cloud or device */
    LSI_T_PRIORITY,  /* enum lagsim_priority */
    LSI_T_PLATFORM,  /* enum lagsim_platform; also resets the client's SDKs */
    LSI_T_LIMITER,   /* enum lagsim_limiter */
    LSI_T_JITTER,    /* lagsim_backoff_t's jitter, jitter_a, jitter_b */
    LSI_T_OUTAGE,    /* mixpanel.outages[] and n_outages */
    LSI_T_PRESET,    /* lagsim_sdk_t, from a preset name */
    LSI_T_PATH,      /* char[size]; "none" is "" */
    LSI_T_PROFILE,   /* double[24]; "flat" is all 1 */
    LSI_T_ORIGIN,    /* lagsim_replay_t's origin_kind and origin */
    LSI_T_METRIC,    /* enum lagsim_alert_metric */
    LSI_T_THRESHOLD, /* lagsim_alert_t's threshold and threshold_is_time: a
                        plain number, or a duration (stored in us) */
    LSI_T_TIMER,     /* enum lagsim_flush_timer */
    LSI_T_PHASE,     /* enum lagsim_phase */
    LSI_T_PHASE_AT,  /* lagsim_client_t's phase_at and phase_burst: a
                        duration, or burst.NAME */
    LSI_T_RA_USE,    /* enum lagsim_retry_after_use */
    LSI_T_INBOUND,   /* enum lagsim_inbound_policy */
    LSI_T_CODES      /* uint32_t set of LAGSIM_CODE_* bits: "408, 410" or "none" */
};

/* Key flags. */
#define LSI_K_REQUIRED 0x01u  /* a new [kind.NAME] section must give it */
#define LSI_K_REPEAT 0x02u    /* may be given several times (outage) */
#define LSI_K_MIN_EXCL 0x04u  /* the value must be > min, not >= min */
#define LSI_K_ALWAYS 0x08u    /* "always" means UINT32_MAX */
#define LSI_K_CLOUD 0x10u     /* preset for the Cloud-mode (Segment) SDK */
#define LSI_K_DEVICE 0x20u    /* preset for the Device-mode (Mixpanel) SDK */
#define LSI_K_AUTO 0x80u      /* duration: "auto" is LAGSIM_WARMUP_AUTO, "none" is 0 */
#define LSI_K_ADMIT 0x100u    /* duration: "until_admit" is LAGSIM_RETRY_AFTER_ADMIT, "off" 0 */
#define LSI_K_DEST 0x200u     /* LSI_T_RA_USE: only ignore or max (a server's destination) */
#define LSI_K_BOTH 0x400u     /* a shorthand: stores the value in its field and the next
                                 one of the same type (a per-endpoint pair) */
#define LSI_K_NOWRITE 0x800u  /* not written back (the pair it sets is) */

typedef struct lsi_key {
    const char *name;
    enum lsi_type type;
    size_t offset; /* of the field in the section's struct (see below) */
    size_t size;   /* LSI_T_STRING: size of the char array */
    double min;    /* range, in the stored unit (us, bytes, per second) */
    double max;
    unsigned flags;
} lsi_key_t;

enum lsi_section_kind {
    LSI_SEC_SCENARIO, /* struct: lagsim_scenario_t */
    LSI_SEC_TRAFFIC,  /* lagsim_scenario_t */
    LSI_SEC_BURST,    /* lagsim_burst_t */
    LSI_SEC_RAMP,     /* lagsim_ramp_t */
    LSI_SEC_REPLAY,   /* lagsim_scenario_t */
    LSI_SEC_EVENT,    /* lagsim_event_type_t */
    LSI_SEC_CLIENT,   /* lagsim_client_t */
    LSI_SEC_NETWORK,  /* lagsim_scenario_t */
    LSI_SEC_SEGMENT,  /* lagsim_scenario_t */
    LSI_SEC_MIXPANEL, /* lagsim_scenario_t */
    LSI_SEC_SAMPLING, /* lagsim_scenario_t */
    LSI_SEC_ALERT,    /* lagsim_alert_t */
    LSI_SEC_COUNT
};

typedef struct lsi_section_def {
    const char *name; /* "traffic", or "burst" for [burst.NAME] */
    int repeat;       /* 1 for [name.NAME] sections */
    unsigned max;     /* most instances of a repeated section */
    const lsi_key_t *keys;
    size_t n_keys;    /* keys[] in the order they are applied and written */
} lsi_section_def_t;

extern const lsi_section_def_t lsi_sections[LSI_SEC_COUNT];

/* A parsed value, before it is stored. */
typedef struct lsi_value {
    union {
        lagsim_time_t t;
        uint64_t u;
        double d;
        lagsim_dist_t dist;
        int e;
        unsigned mask;
        const lagsim_sdk_t *preset;
        struct {
            enum lagsim_jitter kind;
            double a, b;
        } jitter;
        struct {
            enum lagsim_origin kind;
            int64_t us;
        } origin;
        double profile[24];
        struct {
            double value; /* a count, or microseconds */
            int is_time;  /* 1 if written as a duration */
        } threshold;
    } as;
    const char *str;    /* LSI_T_STRING: the text itself */
    unsigned n_outages; /* LSI_T_OUTAGE */
    lagsim_outage_t outages[LAGSIM_MAX_OUTAGES];
} lsi_value_t;

/* How a key type's value reads as one number (range checks, sweeps, the
 * reference): a duration (as.t), a whole count or size (as.u), a real
 * (as.d), or not one number at all. */
enum lsi_scalar { LSI_SCALAR_NONE, LSI_SCALAR_TIME, LSI_SCALAR_WHOLE, LSI_SCALAR_REAL };
enum lsi_scalar lsi_type_scalar(enum lsi_type t);
/* A parsed value of key k as a double in its stored unit; NAN when the
 * key's type is not a single number. */
double lsi_value_number(const lsi_key_t *k, const lsi_value_t *v);

/*
 * Splits a section name: "traffic" or "burst.launch". On success sets
 * *kind and *instance (pointer into name after the dot, or NULL for a
 * single section). On failure writes "unknown section [x] (known: ...)"
 * or what is wrong with the name to err (no location prefix).
 */
int lsi_section_classify(const char *name, enum lsi_section_kind *kind,
                         const char **instance, lagsim_error_t *err);

/* The key `name` of a section kind, or NULL with "unknown key (known: ...)". */
const lsi_key_t *lsi_key_find(enum lsi_section_kind kind, const char *name,
                              lagsim_error_t *err);

/* Parses text as key k's value, range checks included. */
int lsi_key_parse(const lsi_key_t *k, const char *text, lsi_value_t *v,
                  lagsim_error_t *err);

/*
 * Stores v into the field of `base` (the section's struct). Only
 * LSI_T_OUTAGE can fail (too many outages). LSI_T_PLATFORM also resets
 * both SDKs of the client to the platform's default presets.
 */
int lsi_key_store(const lsi_key_t *k, void *base, const lsi_value_t *v,
                  lagsim_error_t *err);

/* Empties a repeatable key's list before it is given again. */
void lsi_key_clear(const lsi_key_t *k, void *base);

/* Writes "name = value" line(s) of key k from `base`. Returns -1 on error. */
int lsi_key_write(FILE *f, const lsi_key_t *k, const void *base);

#endif /* LAGSIM_CONFIG_INTERNAL_H */
