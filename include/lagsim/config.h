/*
 * lagsim/config.h - scenario files: INI (read with inih) to a validated
 * lagsim_scenario_t, command-line overrides, and the resolved scenario
 * written back as INI.
 *
 * Every mistake is reported as "FILE:LINE: key 'k' in [section]: what is
 * wrong" in the error buffer; nothing is printed and nothing exits here.
 */
#ifndef LAGSIM_CONFIG_H
#define LAGSIM_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#include "lagsim/experiment.h"
#include "lagsim/model.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LAGSIM_ERROR_MAX 1024

typedef struct lagsim_error {
    char message[LAGSIM_ERROR_MAX];
} lagsim_error_t;

/*
 * Loads the scenario file `path`, then applies the overrides `sets[0..n)`
 * (each "section.key=value", as given to --set) as if they were written at
 * the end of the file, and validates the result. On success returns
 * LAGSIM_OK with *out filled (defaults for every key not given). On
 * failure returns LAGSIM_EIO (file unreadable), LAGSIM_ENOMEM or
 * LAGSIM_EINVAL, with the first problem in err->message; *out is then
 * unspecified.
 *
 * Within a section the order of keys does not matter (a client's platform
 * and presets are applied before its cloud_ and device_ overrides). An
 * override replaces every earlier value of its key (for the repeatable
 * `outage`, the whole list) and may create a section. inih's settings are
 * process globals: loads hold a mutex while inih runs and restore them.
 */
int lagsim_config_load(const char *path, const char *const *sets, size_t n_sets,
                       lagsim_scenario_t *out, lagsim_error_t *err);

/* The same, from INI text in memory; `origin` names it in messages. */
int lagsim_config_load_string(const char *text, const char *origin,
                              const char *const *sets, size_t n_sets,
                              lagsim_scenario_t *out, lagsim_error_t *err);

/*
 * The same, from len bytes in memory that may hold NUL bytes (each is
 * refused as "ORIGIN:LINE: a NUL byte ...").
 */
int lagsim_config_load_buffer(const char *data, size_t len, const char *origin,
                              const char *const *sets, size_t n_sets,
                              lagsim_scenario_t *out, lagsim_error_t *err);

/*
 * lagsim_config_load(), which reads the file once, whole (a FIFO or
 * /dev/stdin works), and, if `hash` is not NULL, stores in *hash the
 * FNV-1a 64 of exactly the bytes it read and parsed (set even when the
 * scenario is then refused; unchanged if the file cannot be read).
 */
int lagsim_config_load_hashed(const char *path, const char *const *sets, size_t n_sets,
                              lagsim_scenario_t *out, uint64_t *hash, lagsim_error_t *err);

/*
 * Applies one "section.key=value" override to an already loaded scenario,
 * with the same validation as the file (lagsim_scenario_validate()
 * included). Returns LAGSIM_OK, or LAGSIM_EINVAL (or LAGSIM_ENOMEM) with
 * sc unchanged. Setting a client's platform resets both its SDKs to the
 * platform's presets, and setting cloud_sdk / device_sdk replaces that
 * whole SDK, dropping earlier single-field overrides. Naming a
 * [burst|event|client.NAME] that does not exist creates it, which works
 * only when that one key is all the section requires (event.NAME.share).
 */
int lagsim_config_set(lagsim_scenario_t *sc, const char *assignment,
                      lagsim_error_t *err);

/*
 * Writes the fully resolved scenario as INI (every key, defaults
 * included) to `f`, each value in its shortest exact spelling ("1500ms",
 * "2GB/min", "lognormal(median=80ms, sigma=0.6)"). Loading that text
 * gives back an equal scenario, doubles bit for bit. Returns LAGSIM_OK or
 * LAGSIM_EIO.
 */
int lagsim_config_write(FILE *f, const lagsim_scenario_t *sc);

/* ---- Sweep axes ------------------------------------------------------------ */

/*
 * Parses a sweep axis as given to --vary: "SECTION.KEY=FROM..TO[:STEP]",
 * e.g. "burst.launch.rate=20000/s..60000/s:5000/s" or
 * "mixpanel.ingest_limit=10000/s..40000/s:10000/s". FROM, TO and STEP are
 * written in the key's own units; FROM and TO must be in the key's range,
 * STEP must be > 0 (default: a quarter of the range, five points). The
 * values go down when FROM > TO. The key must exist and take a number,
 * count, fraction, duration, rate or size; whether its section exists in
 * a scenario is checked when a value is applied. Returns LAGSIM_OK with
 * *out filled, or LAGSIM_EINVAL with a message in err (*out unchanged).
 */
int lagsim_parse_vary(const char *spec, lagsim_axis_t *out, lagsim_error_t *err);

/*
 * Writes `value` (in the axis key's stored unit) as the key's own text,
 * exactly: "25000/s", "90s", "1.2KB", "0.25".
 */
void lagsim_config_axis_text(const lagsim_axis_t *axis, double value, char *buf, size_t size);

/*
 * A lagsim_apply_fn for axes from lagsim_parse_vary() (ctx unused): sets
 * the key to `value` with lagsim_config_set(), so the scenario is
 * validated as for --set. Returns its status, with its message in msg.
 */
int lagsim_config_axis_apply(void *ctx, lagsim_scenario_t *sc, const lagsim_axis_t *axis,
                             double value, char *msg, size_t msg_size);

/* ---- Manifest ---------------------------------------------------------------- */

/*
 * FNV-1a 64 of n bytes, continuing from h (start with
 * 14695981039346656037, the FNV-1a 64 offset basis).
 */
uint64_t lagsim_fnv1a64(const void *data, size_t n, uint64_t h);

/*
 * The FNV-1a 64 hash of the file's bytes as stored, into *out. Returns
 * LAGSIM_OK, or LAGSIM_EIO with the reason in err (*out unchanged).
 */
int lagsim_config_file_hash(const char *path, uint64_t *out, lagsim_error_t *err);

/* ---- Suggestions ----------------------------------------------------------- */

/*
 * The optimal string alignment distance between a and b: insertions,
 * deletions, substitutions and transpositions of two neighbouring
 * characters, each one edit ("horizonn" and "hroizon" are 1 from
 * "horizon"). Words longer than 64 characters count as the longer length.
 */
size_t lagsim_edit_distance(const char *a, const char *b);

/*
 * The name of names[0..n) closest to `word` if it is close enough to be
 * what was meant (at most 1 edit for words up to 4 characters, 2 up to 8,
 * 3 beyond), else NULL; ties go to the earlier name, NULL entries are
 * skipped, and a name equal to word is never suggested.
 */
const char *lagsim_suggest(const char *word, const char *const *names, size_t n);

/* ---- Value parsers (exposed for tests and fuzzing) ---------------------- */

/*
 * The parsers take the whole value text. On failure they return
 * LAGSIM_EINVAL with a message naming the expected form in err (which may
 * be NULL) and leave *out unchanged.
 */

/*
 * A service-level objective: terms joined by ',' or 'and', each METRIC OP
 * VALUE with OP one of <=, <, >=, >. Metrics: p50, p90, p99, p999, max,
 * mean (latency to visible; durations such as 2m), p99_delivered
 * (duration), visible (share of fired events: 0.995 or 99.5%), drain
 * (duration), dropped, backlog, 429, retries (counts). Example:
 * "p99<=2m, visible>=99.5%, drain<=30m".
 */
int lagsim_parse_slo(const char *s, lagsim_slo_t *out, lagsim_error_t *err);

/* "cloud", "device,hybrid", "both", "all" -> a mask of (1 << mode). */
int lagsim_parse_modes(const char *s, unsigned *mask, lagsim_error_t *err);
/* "250ms", "10s", "15m", "2h", "3d", "0" -> microseconds. */
int lagsim_parse_duration(const char *s, lagsim_time_t *out, lagsim_error_t *err);
/* "400/s", "1000/min", "2GB/min" (bytes) -> per second. */
int lagsim_parse_rate(const char *s, double *out, lagsim_error_t *err);
/* "512B", "1.2KB", "2GB" -> bytes (KB = 1000 B, KiB = 1024 B). */
int lagsim_parse_size(const char *s, uint64_t *out, lagsim_error_t *err);
/*
 * "exp(mean=2s)", "lognormal(median=1.2KB, sigma=0.5)", "uniform(1s, 5s)",
 * "const(30s)", "gamma(shape=2, scale=1s)", "pareto(shape=1.5, min=1s)".
 * A bare value ("2s") means const(2s). `unit` is 't' for durations
 * (seconds) or 'b' for sizes (bytes).
 */
int lagsim_parse_dist(const char *s, char unit, lagsim_dist_t *out, lagsim_error_t *err);

/* ---- Replay ---------------------------------------------------------------- */

/*
 * Reads the whole file sc->replay.file (if not empty) and checks every
 * row: a header naming the columns (`time` required; `event` and `user`
 * optional; no others), then one row per event with time in seconds
 * ("12.5") or ISO-8601 ("2024-05-01T12:00:00.25Z", "+02:00" offsets
 * allowed), in non-decreasing order, and events naming [event.NAME]
 * types of the scenario. On success fills sc->replay's rows, fired,
 * first_at, last_at and bins and returns LAGSIM_OK. On failure returns
 * LAGSIM_EIO (cannot open or read) or LAGSIM_EINVAL, with "FILE:LINE:
 * what is wrong" (or "FILE: what") in msg; sc is then unchanged. Memory
 * does not grow with the file: it is read line by line.
 */
int lagsim_replay_scan(lagsim_scenario_t *sc, char *msg, size_t msg_size);

/*
 * Whether sc->replay.file (if any) is still the file that
 * lagsim_replay_scan() read: same size, modification time and FNV-1a 64
 * hash (the file is read again). Call it after a run: the run streams the
 * file, so a file changed meanwhile may have given other rows than those
 * checked. Returns LAGSIM_OK, or LAGSIM_EIO with "FILE: changed ..." (or
 * why it cannot be read) in msg.
 */
/*
 * The CSV reader lagsim_replay_scan() attaches to a scenario
 * (sc->replay.source). A program that copies a scanned scenario into
 * another process, where the pointer means nothing, attaches it again.
 */
const lagsim_replay_source_t *lagsim_replay_csv_source(void);

int lagsim_replay_verify(const lagsim_scenario_t *sc, char *msg, size_t msg_size);

/*
 * A time as in a replay file: seconds ("12", "0.000001", "-3.5") or an
 * ISO-8601 date and time, with "T" or a space, optional fraction, and "Z"
 * or a "+HH:MM" offset ("2024-05-01T12:00:00Z"). Writes microseconds
 * (since 1970-01-01T00:00:00Z for ISO) to *us and whether it was ISO to
 * *iso (may be NULL). Returns LAGSIM_OK or LAGSIM_EINVAL (*us unchanged).
 * Fractions finer than a microsecond are refused, so times are exact.
 */
int lagsim_parse_timestamp(const char *s, int64_t *us, int *iso);

/* Writes us as lagsim_parse_timestamp() reads it back exactly: ISO-8601
 * UTC ("2024-05-01T12:00:00.25Z") if iso, else seconds ("12.5"). */
void lagsim_format_timestamp(int64_t us, int iso, char *buf, size_t n);

#ifdef __cplusplus
}
#endif

#endif /* LAGSIM_CONFIG_H */
