/*
 * keyref.c - writes the scenario reference from the key table (keys.c)
 * and its docs (key_docs.c): `keyref md` the Markdown of
 * docs/scenario-reference.md, `keyref man` the roff of lagsim-scenario(5),
 * `keyref keys` one completion word per line (section.key; burst.NAME.key
 * for repeated sections), `keyref presets` the Markdown of
 * docs/sdk-presets.md (every field of every SDK preset, and of Segment's
 * destination as the [segment] defaults set it, with each preset's source;
 * a preset without a source row is an error).
 *
 * Each key's type, unit and range come from its row of the key table, its
 * default from lagsim_scenario_defaults() written back by the key's own
 * printer (as `lagsim check` writes it), its meaning and basis from
 * key_docs.c. A key without a doc row, or a doc row naming no key, is an
 * error (exit 1): the reference cannot fall behind the table.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config_internal.h"
#include "config/key_docs.h"
#include "lagsim/model.h"
#include "lagsim/version.h"

#define U32MAX 4294967295.0
#define U64MAX 18446744073709551615.0

enum fmt { FMT_MD, FMT_MAN };

static int failed;

/* ---- What a key is ----------------------------------------------------------- */

static const char *type_name(const lsi_key_t *k)
{
    switch (k->type) {
    case LSI_T_STRING: return "text";
    case LSI_T_DURATION: return (k->flags & LSI_K_AUTO) ? "`auto`, `none` or duration" : "duration";
    case LSI_T_U32:
    case LSI_T_U64: return (k->flags & LSI_K_ALWAYS) ? "integer or `always`" : "integer";
    case LSI_T_NUMBER: return "number";
    case LSI_T_FRACTION: return "fraction";
    case LSI_T_RATE: return "rate";
    case LSI_T_BYTE_RATE: return "byte rate";
    case LSI_T_SIZE: return "size";
    case LSI_T_DIST_TIME: return "duration distribution";
    case LSI_T_DIST_SIZE: return "size distribution";
    case LSI_T_BOOL: return "boolean";
    case LSI_T_MODE_MASK: return "mode list";
    case LSI_T_ROUTE: return "`cloud` | `device`";
    case LSI_T_PRIORITY: return "`low` | `normal` | `high`";
    case LSI_T_PLATFORM: return "`web` | `ios` | `android` | `server`";
    case LSI_T_LIMITER: return "`rolling` | `token_bucket`";
    case LSI_T_JITTER: return "jitter";
    case LSI_T_OUTAGE: return "outage (repeatable)";
    case LSI_T_PRESET: return "SDK preset";
    case LSI_T_PATH: return "path, or `none`";
    case LSI_T_PROFILE: return "daily profile";
    case LSI_T_ORIGIN: return "`first` or a timestamp";
    case LSI_T_METRIC: return "alert metric";
    case LSI_T_THRESHOLD: return "number, or duration for `p95_latency`";
    case LSI_T_TIMER: return "`periodic` | `per_batch` | `chain`";
    case LSI_T_PHASE: return "`random` | `aligned`";
    case LSI_T_PHASE_AT: return "duration or `burst.NAME`";
    case LSI_T_RA_USE:
        return (k->flags & LSI_K_DEST) ? "`ignore` | `max`"
                                       : "`ignore` | `batch` | `publisher` | `max`";
    case LSI_T_INBOUND: return "`queue` | `reject`";
    case LSI_T_CODES: return "status codes, or `none`";
    }
    return "?";
}

static const char *unit_name(const lsi_key_t *k)
{
    switch (k->type) {
    case LSI_T_DURATION:
    case LSI_T_DIST_TIME: return "time";
    case LSI_T_RATE: return "events / time";
    case LSI_T_BYTE_RATE: return "bytes / time";
    case LSI_T_SIZE:
    case LSI_T_DIST_SIZE: return "bytes";
    case LSI_T_FRACTION: return "share";
    case LSI_T_U32:
    case LSI_T_U64: return "count";
    case LSI_T_THRESHOLD: return "count or time";
    case LSI_T_STRING:
    case LSI_T_NUMBER:
    case LSI_T_BOOL:
    case LSI_T_MODE_MASK:
    case LSI_T_ROUTE:
    case LSI_T_PRIORITY:
    case LSI_T_PLATFORM:
    case LSI_T_LIMITER:
    case LSI_T_JITTER:
    case LSI_T_OUTAGE:
    case LSI_T_PRESET:
    case LSI_T_PATH:
    case LSI_T_PROFILE:
    case LSI_T_ORIGIN:
    case LSI_T_TIMER:
    case LSI_T_PHASE:
    case LSI_T_PHASE_AT:
    case LSI_T_RA_USE:
    case LSI_T_INBOUND:
    case LSI_T_CODES:
    case LSI_T_METRIC: return "—";
    }
    return "?";
}

/* One end of a range in the key's own unit. */
static void fmt_bound(const lsi_key_t *k, double v, char *buf, size_t n)
{
    const int whole = k->type == LSI_T_U32 || k->type == LSI_T_U64;
    if (isinf(v))
        snprintf(buf, n, "∞");
    else if (k->type == LSI_T_DURATION)
        lsi_fmt_duration((lagsim_time_t)v, buf, n);
    else if (k->type == LSI_T_SIZE && v >= U64MAX)
        snprintf(buf, n, "2^64-1 B");
    else if (k->type == LSI_T_SIZE)
        lsi_fmt_size((uint64_t)v, buf, n);
    else if (k->type == LSI_T_RATE || k->type == LSI_T_BYTE_RATE)
        lsi_fmt_rate(v, k->type == LSI_T_BYTE_RATE, buf, n);
    else if (whole && v == U64MAX)
        snprintf(buf, n, "2^64-1");
    else if (whole && v == U32MAX)
        snprintf(buf, n, "2^32-1");
    else if (whole)
        snprintf(buf, n, "%.0f", v);
    else
        lsi_fmt_double(v, buf, n);
}

static void fmt_range(const lsi_key_t *k, char *buf, size_t n)
{
    char lo[64], hi[64];
    if (lsi_type_scalar(k->type) == LSI_SCALAR_NONE && k->type != LSI_T_PROFILE) {
        snprintf(buf, n, "—");
        return;
    }
    fmt_bound(k, k->min, lo, sizeof lo);
    fmt_bound(k, k->max, hi, sizeof hi);
    if (k->type == LSI_T_PROFILE)
        snprintf(buf, n, "each in [%s, %s]", lo, hi);
    else
        snprintf(buf, n, "%s%s, %s%s", (k->flags & LSI_K_MIN_EXCL) ? "(" : "[", lo, hi,
                 isinf(k->max) ? ")" : "]");
}

/* The default of key k in base, as `lagsim check` writes it: "`1h`". */
static void fmt_default(const lsi_key_t *k, const void *base, char *buf, size_t n)
{
    if (k->flags & LSI_K_REQUIRED) {
        snprintf(buf, n, "**required**");
        return;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f || lsi_key_write(f, k, base) != 0 || fclose(f) != 0) {
        fprintf(stderr, "keyref: cannot write the default of %s\n", k->name);
        failed = 1;
        snprintf(buf, n, "?");
        free(text);
        return;
    }
    size_t used = 0;
    buf[0] = '\0';
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        const char *eq = strstr(line, " = ");
        if (!eq)
            continue;
        int w = snprintf(buf + used, n - used, "%s`%s`", used ? ", " : "", eq + 3);
        if (w > 0 && (size_t)w < n - used)
            used += (size_t)w;
    }
    if (!used)
        snprintf(buf, n, "not set");
    free(text);
}

/* ---- Text out: Markdown or roff ------------------------------------------ */

/* The roff escape of a UTF-8 character at p, or NULL; *len its bytes. */
static const char *roff_char(const char *p, size_t *len)
{
    static const char *const map[][2] = {
        {"×", "\\(mu"}, {"–", "\\(en"}, {"—", "\\(em"}, {"−", "\\-"},
        {"∞", "\\(if"}, {"≈", "\\(~~"}, {"≤", "\\(<="}, {"≥", "\\(>="},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        *len = strlen(map[i][0]);
        if (strncmp(p, map[i][0], *len) == 0)
            return map[i][1];
    }
    return NULL;
}

/* Markdown inline text (`code`, **strong**, [text](link)) as roff. */
static void roff_inline(FILE *f, const char *s)
{
    int code = 0, strong = 0, bol = 1;
    const char *esc;
    size_t len;
    for (const char *p = s; *p; p++) {
        if (bol && (*p == '.' || *p == '\''))
            fputs("\\&", f);
        bol = 0;
        if (*p == '`') {
            code = !code;
            fputs(code ? "\\fB" : "\\fR", f);
        } else if (p[0] == '*' && p[1] == '*') {
            strong = !strong;
            fputs(strong ? "\\fB" : "\\fR", f);
            p++;
        } else if (*p == '[' && !code) {
            const char *close = strchr(p, ']');
            if (close && close[1] == '(' && strchr(close, ')')) {
                fwrite(p + 1, 1, (size_t)(close - p - 1), f);
                p = strchr(close, ')');
            } else {
                fputc('[', f);
            }
        } else if ((unsigned char)*p >= 0x80 && (esc = roff_char(p, &len)) != NULL) {
            fputs(esc, f);
            p += len - 1;
        } else if (*p == '\\') {
            fputs("\\e", f);
        } else if (*p == '-') {
            fputs("\\-", f);
        } else if (*p == '\n') {
            fputc('\n', f);
            bol = 1;
        } else {
            fputc(*p, f);
        }
    }
}

/* A Markdown table cell: '|' escaped. */
static void md_cell(FILE *f, const char *s)
{
    fputs("| ", f);
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            fputc('\\', f);
        fputc(*p, f);
    }
    fputc(' ', f);
}

/* A paragraph of prose in either format. */
static void para(FILE *f, enum fmt fmt, const char *s)
{
    if (fmt == FMT_MD) {
        fprintf(f, "%s\n\n", s);
    } else {
        fputs(".PP\n", f);
        roff_inline(f, s);
        fputc('\n', f);
    }
}

static void heading(FILE *f, enum fmt fmt, int level, const char *s)
{
    if (fmt == FMT_MD)
        fprintf(f, "%s %s\n\n", level == 1 ? "#" : "##", s);
    else
        fprintf(f, "%s %s\n", level == 1 ? ".SH" : ".SS", s);
}

/* ---- The fixed parts --------------------------------------------------------- */

static const char *const intro[] = {
    "A scenario is an INI file; every key has a default, so a small file describes a big "
    "scenario. `lagsim check FILE` prints the fully resolved scenario. Unknown sections "
    "or keys, bad units, values out of range, distributions with wrong parameters, "
    "missing required keys, duplicate keys and lines that are not INI are all errors: "
    "`FILE:LINE: key 'k' in [section]: what is wrong`, exit status 2, before anything "
    "runs. Relations between keys are checked too: the shares of `[event.*]` and of "
    "`[client.*]` must add up to 1; a burst or ramp must start before the horizon; an "
    "MMPP needs both sojourn means; a replayed CSV file is read whole and a bad row is "
    "reported at its own `FILE.csv:LINE`; a `cloud_sdk` must send to Segment and a "
    "`device_sdk` to Mixpanel; Segment's batch must fit Mixpanel's request limits.",
    "The **basis** says where each default comes from: `[doc]` is vendor documentation "
    "and `[src]` the vendor's open-source code, both as cited in "
    "[pipeline-facts.md](pipeline-facts.md); **assumption** marks a figure no vendor "
    "publishes.",
};

static const char *const syntax[][3] = {
    {"duration",
     "number + unit `us`, `ms`, `s`, `m` (or `min`), `h`, `d`; `0` alone; or several such "
     "parts, units from the largest down, each once",
     "`250ms`, `1.5s`, `15m`, `2h`, `0`, `1h30m`, `2m30s`"},
    {"rate",
     "number (or count with `k`, `M`, `G`) `/` `s` (`sec`), `m` (`min`), `h`; `0` alone",
     "`400/s`, `30k/s`, `1000/min`, `20/h`"},
    {"byte rate", "size `/` time unit", "`2GB/min`, `500KB/s`"},
    {"size",
     "number + `B`, `KB`, `MB`, `GB` (powers of 1000), `KiB`, `MiB`, `GiB` (powers of 1024); "
     "a plain number is bytes",
     "`512B`, `1.2KB`, `4MB`, `1MiB`"},
    {"number", "decimal, exponent allowed; no NaN/inf", "`2`, `0.5`, `1e6`"},
    {"integer",
     "whole number, exponent allowed; or with an SI multiplier `k` (or `K`, 1000), `M` "
     "(10^6), `G` (10^9) that leaves a whole number",
     "`250000`, `1e6`, `250k`, `1.5k`, `2M`"},
    {"fraction", "number in [0, 1] or a percentage", "`0.3`, `30%`"},
    {"boolean", "`true`/`false`, `yes`/`no`, `on`/`off`, `1`/`0`", "`yes`"},
    {"distribution",
     "`const(X)`, `exp(mean=X)`, `lognormal(median=X, sigma=S)`, `uniform(A, B)` or "
     "`uniform(low=A, high=B)`, `gamma(shape=K, scale=X)` or `gamma(shape=K, mean=X)`, "
     "`pareto(shape=A, min=X)`, `normal(mean=X, sd=Y)`, `weibull(shape=K, scale=X)`; a bare "
     "value is `const`. X, A, B, Y carry the key's unit (duration or size); K, S are plain "
     "numbers",
     "`lognormal(median=1.2KB, sigma=0.5)`, `uniform(1s, 5s)`, `30s`"},
    {"jitter",
     "`none`, `full` (U[0, d)), `mult(A, B)` (d × U[A, B)), `add(A, B)` (d + U[A, B), "
     "durations), `pct(X)` (d × U[1−X, 1+X), X a fraction or percent)",
     "`mult(1, 2)`, `add(1s, 5s)`, `pct(10%)`"},
    {"outage", "`START+DURATION CODE`, CODE 500-599 or `timeout`; comma list allowed; `none`",
     "`50m+5m 503`, `1h+30s timeout`"},
    {"daily profile", "`flat`, or 24 numbers >= 0 separated by commas (hours 00 to 23)",
     "`flat`, `0.4, 0.3, 0.2, ...`"},
    {"timestamp",
     "seconds (decimal, at most 6 places), or ISO-8601 date and time with `T` or a space, "
     "optional fraction, and `Z` or a `+HH:MM` offset",
     "`3600`, `12.5`, `2024-05-14T08:00:00.25Z`"},
    {"mode list", "`cloud`, `device`, `hybrid`, `both` (= cloud,device), `all`, or a comma list",
     "`both`, `cloud,hybrid`"},
    {"alert metric",
     "`not_delivered`, `delivered`, `429`, `5xx`, `timeout`, `retries`, `p95_latency`, "
     "`backlog`",
     "`5xx`"},
    {"SDK preset", "a preset name (see SDK presets)", "`mixpanel-js`, `analytics-swift`"},
};

static const char *const lines_note =
    "Lines: `key = value` (or `key: value`), `[section]` headers, comments starting with "
    "`;` or `#`, inline comments after ` ;`. Lines up to 4094 characters. "
    "`--set section.key=value` (split at the last dot before `=`, so "
    "`--set client.web.cloud_batch_size=20`) overrides a key or creates a section. "
    "Ranges: `[a, b]` inclusive, `(a, b]` excludes a.";

static const char *const sessions_note =
    "Sessions and storage (`persist`, `flush_on_exit`, `exit_keeps_copy`, `max_age`): "
    "mixpanel-js keeps its queue in localStorage and flushes with `sendBeacon` on "
    "`pagehide`, keeping the items for the next load [src]; mixpanel-android stores events "
    "in SQLite, purges rows older than 5 days [src] and flushes on backgrounding [doc]; "
    "mixpanel-swift flushes on backgrounding [doc] and archives its queue (kept: "
    "assumption); analytics.js keeps retries in a localStorage queue [src] and, batching, "
    "flushes with keepalive at unload [src]; analytics-node keeps everything in memory "
    "[src]; analytics-kotlin/-swift write batch files to disk [src] and do not flush on "
    "backgrounding (assumption).";

static void write_syntax(FILE *f, enum fmt fmt)
{
    heading(f, fmt, 2, "Value syntax");
    if (fmt == FMT_MD)
        fputs("| kind | syntax | examples |\n|---|---|---|\n", f);
    for (size_t i = 0; i < sizeof syntax / sizeof syntax[0]; i++) {
        if (fmt == FMT_MD) {
            md_cell(f, syntax[i][0]);
            md_cell(f, syntax[i][1]);
            md_cell(f, syntax[i][2]);
            fputs("|\n", f);
        } else {
            fprintf(f, ".TP\n.B %s\n", syntax[i][0]);
            roff_inline(f, syntax[i][1]);
            fputs(". Examples: ", f);
            roff_inline(f, syntax[i][2]);
            fputs(".\n", f);
        }
    }
    if (fmt == FMT_MD)
        fputc('\n', f);
    para(f, fmt, lines_note);
}

/* ---- The sections ------------------------------------------------------------- */

/* The struct a new section of this kind starts from, as the loader makes it. */
static const void *section_base(enum lsi_section_kind kind, const lagsim_scenario_t *sc)
{
    static lagsim_burst_t burst;
    static lagsim_ramp_t ramp;
    static lagsim_alert_t alert;
    switch (kind) {
    case LSI_SEC_BURST:
        memset(&burst, 0, sizeof burst);
        burst.rate = burst.multiplier = -1;
        return &burst;
    case LSI_SEC_RAMP:
        memset(&ramp, 0, sizeof ramp);
        ramp.from = ramp.to = ramp.from_multiplier = ramp.to_multiplier = -1;
        return &ramp;
    case LSI_SEC_ALERT:
        memset(&alert, 0, sizeof alert);
        return &alert;
    case LSI_SEC_EVENT: return &sc->event_types[0];
    case LSI_SEC_CLIENT: return &sc->clients[0];
    case LSI_SEC_SCENARIO:
    case LSI_SEC_TRAFFIC:
    case LSI_SEC_REPLAY:
    case LSI_SEC_NETWORK:
    case LSI_SEC_SEGMENT:
    case LSI_SEC_MIXPANEL:
    case LSI_SEC_SAMPLING:
    case LSI_SEC_COUNT: break;
    }
    return sc;
}

static void write_section(FILE *f, enum fmt fmt, enum lsi_section_kind kind,
                          const lagsim_scenario_t *sc)
{
    const lsi_section_def_t *def = &lsi_sections[kind];
    char title[64];
    snprintf(title, sizeof title, def->repeat ? "[%s.NAME]" : "[%s]", def->name);
    heading(f, fmt, 2, title);
    const char *doc = lsi_section_doc(kind);
    if (doc)
        para(f, fmt, doc);
    if (fmt == FMT_MD)
        fputs("| key | type | unit | range | default | meaning | basis |\n"
              "|---|---|---|---|---|---|---|\n", f);
    const void *base = section_base(kind, sc);
    for (size_t i = 0; i < def->n_keys; i++) {
        const lsi_key_t *k = &def->keys[i];
        const lsi_key_doc_t *d = lsi_key_doc(kind, k);
        if (!d) {
            fprintf(stderr, "keyref: key %s in [%s] has no row in lib/config/key_docs.c\n",
                    k->name, def->name);
            failed = 1;
            continue;
        }
        char range[160], dflt[512];
        fmt_range(k, range, sizeof range);
        fmt_default(k, base, dflt, sizeof dflt);
        const char *basis = d->basis[0] ? d->basis : "the chosen preset (SDK presets below)";
        if (fmt == FMT_MD) {
            char name[80];
            snprintf(name, sizeof name, "`%s`", k->name);
            md_cell(f, name);
            md_cell(f, type_name(k));
            md_cell(f, unit_name(k));
            md_cell(f, range);
            md_cell(f, dflt);
            md_cell(f, d->meaning);
            md_cell(f, basis);
            fputs("|\n", f);
        } else {
            fprintf(f, ".TP\n.B %s\n", k->name);
            roff_inline(f, type_name(k));
            if (strcmp(range, "—") != 0) {
                fputs(", ", f);
                roff_inline(f, range);
            }
            fputs("; default ", f);
            roff_inline(f, dflt);
            fputs(".\n", f);
            roff_inline(f, d->meaning);
            fputs("\nBasis: ", f);
            roff_inline(f, basis);
            fputs(".\n", f);
        }
    }
    if (fmt == FMT_MD)
        fputc('\n', f);
}

/* The SDK presets: every SDK field of each, as the cloud_ keys write them. */
static void write_presets(FILE *f, enum fmt fmt)
{
    heading(f, fmt, 2, "SDK presets");
    para(f, fmt,
         "Values of each preset, as `cloud_*`/`device_*` keys without the prefix. A "
         "`cloud_sdk` must be a Segment preset and a `device_sdk` a Mixpanel one. "
         "[sdk-presets.md](sdk-presets.md) sets the same fields side by side in plain "
         "words, with Segment's destination and each preset's source.");
    const lsi_section_def_t *def = &lsi_sections[LSI_SEC_CLIENT];
    const char *name;
    unsigned n = 0;
    while (lagsim_sdk_preset_name(n))
        n++;
    if (fmt == FMT_MD) {
        fputs("| field ", f);
        for (unsigned i = 0; i < n; i++)
            fprintf(f, "| `%s` ", lagsim_sdk_preset_name(i));
        fputs("|\n|---", f);
        for (unsigned i = 0; i < n; i++)
            fputs("|---", f);
        fputs("|\n| sends to ", f);
        for (unsigned i = 0; i < n; i++)
            fprintf(f, "| %s ", lagsim_sdk_preset(lagsim_sdk_preset_name(i))->endpoint ==
                                         LAGSIM_ENDPOINT_SEGMENT ? "Segment" : "Mixpanel");
        fputs("|\n", f);
    }
    for (size_t j = 0; j < def->n_keys; j++) {
        const lsi_key_t *k = &def->keys[j];
        if (k->type == LSI_T_PRESET || strncmp(k->name, "cloud_", 6) != 0)
            continue;
        if (fmt == FMT_MD)
            fprintf(f, "| `%s` ", k->name + 6);
        else
            fprintf(f, ".TP\n.B %s\n", k->name + 6);
        for (unsigned i = 0; (name = lagsim_sdk_preset_name(i)) != NULL; i++) {
            lagsim_client_t c;
            memset(&c, 0, sizeof c);
            c.sdk[0] = *lagsim_sdk_preset(name);
            char v[256];
            fmt_default(k, &c, v, sizeof v);
            if (fmt == FMT_MD) {
                md_cell(f, v);
            } else {
                fprintf(f, "%s%s ", i ? ", " : "", name);
                roff_inline(f, v);
            }
        }
        fputs(fmt == FMT_MD ? "|\n" : "\n", f);
    }
    if (fmt == FMT_MD) {
        fputs("| basis ", f);
        for (unsigned i = 0; (name = lagsim_sdk_preset_name(i)) != NULL; i++) {
            const char *b = lsi_preset_doc(name);
            if (!b) {
                fprintf(stderr, "keyref: preset %s has no basis in key_docs.c\n", name);
                failed = 1;
            }
            md_cell(f, b ? b : "?");
        }
        fputs("|\n\n", f);
    } else {
        fputs(".PP\nBasis:\n", f);
        for (unsigned i = 0; (name = lagsim_sdk_preset_name(i)) != NULL; i++) {
            const char *b = lsi_preset_doc(name);
            fprintf(f, ".TP\n.B %s\n", name);
            roff_inline(f, b ? b : "?");
            fputc('\n', f);
        }
    }
    para(f, fmt, sessions_note);
    para(f, fmt, "Default presets by platform (an assumption: each platform's usual "
                 "Segment library and Mixpanel SDK):");
    if (fmt == FMT_MD)
        fputs("| platform | cloud_sdk | device_sdk |\n|---|---|---|\n", f);
    for (int p = 0; p < LAGSIM_PLATFORM_COUNT; p++) {
        const enum lagsim_platform pl = (enum lagsim_platform)p;
        if (fmt == FMT_MD)
            fprintf(f, "| `%s` | `%s` | `%s` |\n", lagsim_platform_name(pl),
                    lagsim_platform_cloud_sdk(pl), lagsim_platform_device_sdk(pl));
        else
            fprintf(f, ".TP\n.B %s\n\\fB%s\\fR (cloud), \\fB%s\\fR (device)\n",
                    lagsim_platform_name(pl), lagsim_platform_cloud_sdk(pl),
                    lagsim_platform_device_sdk(pl));
    }
    if (fmt == FMT_MD)
        fputc('\n', f);
}

/* Every doc row must name a key (a row for a removed key is stale). */
static void check_rows(void)
{
    size_t n;
    const lsi_key_doc_t *docs = lsi_key_docs(&n);
    for (size_t i = 0; i < n; i++) {
        int found = 0;
        for (int s = 0; s < LSI_SEC_COUNT && !found; s++) {
            const lsi_section_def_t *def = &lsi_sections[s];
            for (size_t j = 0; j < def->n_keys && !found; j++)
                found = lsi_key_doc((enum lsi_section_kind)s, &def->keys[j]) == &docs[i];
        }
        if (!found) {
            fprintf(stderr, "keyref: key_docs.c has a row for %s.%s, which is no key\n",
                    docs[i].section, docs[i].key);
            failed = 1;
        }
    }
}

static void write_doc(FILE *f, enum fmt fmt, const lagsim_scenario_t *sc)
{
    if (fmt == FMT_MD) {
        fputs("<!-- Generated by `make docs` (tools/keyref.c) from the key table,\n"
              "     lib/config/keys.c, and lib/config/key_docs.c: edit those, not this. -->\n"
              "# Scenario reference\n\n", f);
    } else {
        fputs(".\\\" Generated by make docs (tools/keyref.c) from lib/config/keys.c and\n"
              ".\\\" lib/config/key_docs.c: edit those, not this.\n", f);
        fprintf(f, ".TH LAGSIM-SCENARIO 5 \"\" \"lagsim %s\" \"File Formats\"\n",
                LAGSIM_VERSION_STRING);
        fputs(".SH NAME\nlagsim-scenario \\- the scenario files of lagsim\n"
              ".SH SYNOPSIS\n.nf\n[section]\nkey = value\n\n[section.NAME]\nkey = value\n.fi\n"
              ".SH DESCRIPTION\n", f);
    }
    for (size_t i = 0; i < sizeof intro / sizeof intro[0]; i++)
        para(f, fmt, intro[i]);
    write_syntax(f, fmt);
    if (fmt == FMT_MAN)
        heading(f, fmt, 1, "SECTIONS");
    for (int s = 0; s < LSI_SEC_COUNT; s++)
        write_section(f, fmt, (enum lsi_section_kind)s, sc);
    write_presets(f, fmt);
    if (fmt == FMT_MAN)
        fputs(".SH EXAMPLES\nThe scenarios under \\fIshare/lagsim/examples/\\fR of the "
              "installation, each opening with the question it answers.\n"
              ".SH SEE ALSO\n.BR lagsim (1)\n", f);
}

/* ---- The scenario as JSON: a JSON Schema ---------------------------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* The enum of a key's words, or NULL when its value is free text. */
static const char *const *key_words(const lsi_key_t *k)
{
    static const char *const bools[] = {"true", "false", "yes", "no", "on", "off", "1", "0", NULL};
    static const char *const routes[] = {"cloud", "device", NULL};
    static const char *const prios[] = {"low", "normal", "high", NULL};
    static const char *const limiters[] = {"rolling", "token_bucket", NULL};
    static const char *const timers[] = {"periodic", "per_batch", "chain", NULL};
    static const char *const phases[] = {"random", "aligned", NULL};
    static const char *const ra_uses[] = {"ignore", "batch", "publisher", "max", NULL};
    static const char *const ra_dest[] = {"ignore", "max", NULL};
    static const char *const inbound[] = {"queue", "reject", NULL};
    static const char *platforms[LAGSIM_PLATFORM_COUNT + 1];
    static const char *metrics[LAGSIM_METRIC_COUNT + 1];
    switch (k->type) {
    case LSI_T_BOOL: return bools;
    case LSI_T_ROUTE: return routes;
    case LSI_T_PRIORITY: return prios;
    case LSI_T_LIMITER: return limiters;
    case LSI_T_TIMER: return timers;
    case LSI_T_PHASE: return phases;
    case LSI_T_RA_USE: return (k->flags & LSI_K_DEST) ? ra_dest : ra_uses;
    case LSI_T_INBOUND: return inbound;
    case LSI_T_PLATFORM:
        for (int i = 0; i < LAGSIM_PLATFORM_COUNT; i++)
            platforms[i] = lagsim_platform_name((enum lagsim_platform)i);
        return platforms;
    case LSI_T_METRIC:
        for (int i = 0; i < LAGSIM_METRIC_COUNT; i++)
            metrics[i] = lagsim_alert_metric_name((enum lagsim_alert_metric)i);
        return metrics;
    case LSI_T_STRING:
    case LSI_T_DURATION:
    case LSI_T_U32:
    case LSI_T_U64:
    case LSI_T_NUMBER:
    case LSI_T_FRACTION:
    case LSI_T_RATE:
    case LSI_T_BYTE_RATE:
    case LSI_T_SIZE:
    case LSI_T_DIST_TIME:
    case LSI_T_DIST_SIZE:
    case LSI_T_MODE_MASK:
    case LSI_T_JITTER:
    case LSI_T_OUTAGE:
    case LSI_T_PRESET:
    case LSI_T_PATH:
    case LSI_T_PROFILE:
    case LSI_T_ORIGIN:
    case LSI_T_PHASE_AT:
    case LSI_T_CODES:
    case LSI_T_THRESHOLD: break;
    }
    return NULL;
}

/* Every word a key's enum lists must be a value the key accepts. */
static void check_words(const lsi_key_t *k, const char *const *words)
{
    for (size_t i = 0; words[i]; i++) {
        lsi_value_t v;
        lagsim_error_t err;
        if (lsi_key_parse(k, words[i], &v, &err) != LAGSIM_OK) {
            fprintf(stderr, "keyref: '%s' is no value of %s: %s\n", words[i], k->name, err.message);
            failed = 1;
        }
    }
}

/* Markdown to plain text for a description: `code` and **x** lose their marks. */
static void plain(const char *s, char *buf, size_t n)
{
    size_t j = 0;
    for (const char *p = s; *p && j + 1 < n; p++)
        if (*p != '`' && *p != '*')
            buf[j++] = *p;
    buf[j] = '\0';
}

static void write_key_schema(FILE *f, enum lsi_section_kind kind, const lsi_key_t *k,
                             const void *base, const char *indent)
{
    const lsi_key_doc_t *d = lsi_key_doc(kind, k);
    char text[4096], dflt[512], range[160];
    fprintf(f, "%s", indent);
    json_str(f, k->name);
    fputs(": {", f);
    const char *const *words = key_words(k);
    if (words) {
        check_words(k, words);
        fputs("\"enum\": [", f);
        for (size_t i = 0; words[i]; i++) {
            fputs(i ? ", " : "", f);
            json_str(f, words[i]);
        }
        fputs("]", f);
    } else if (k->flags & LSI_K_REPEAT) {
        fputs("\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"array\", \"items\": {\"type\": \"string\"}}]", f);
    } else {
        fputs("\"type\": \"string\"", f);
    }
    if (strcmp(unit_name(k), "—") != 0)
        snprintf(text, sizeof text, "%s (%s)", type_name(k), unit_name(k));
    else
        snprintf(text, sizeof text, "%s", type_name(k));
    fmt_range(k, range, sizeof range);
    if (strcmp(range, "—") != 0) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, ", %s", range);
    }
    if (d) {
        size_t used = strlen(text);
        snprintf(text + used, sizeof text - used, ": %s", d->meaning);
    }
    char desc[4096];
    plain(text, desc, sizeof desc);
    fputs(", \"description\": ", f);
    json_str(f, desc);
    if (!(k->flags & LSI_K_REQUIRED)) {
        fmt_default(k, base, dflt, sizeof dflt);
        /* A default of one value, written `v`, is the schema's default. */
        if (dflt[0] == '`' && strchr(dflt + 1, '`') == dflt + strlen(dflt) - 1) {
            dflt[strlen(dflt) - 1] = '\0';
            fputs(", \"default\": ", f);
            json_str(f, dflt + 1);
        }
    }
    fputs("}", f);
}

static void write_schema(FILE *f, const lagsim_scenario_t *sc)
{
    fputs("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
          "  \"title\": \"lagsim scenario\",\n"
          "  \"description\": \"A scenario file as JSON: each [section] an object of its keys, "
          "each [kind.NAME] section an object under kind keyed by NAME; values are strings "
          "in the scenario file's syntax (lagsim-scenario(5)), a repeated key an array. "
          "Generated from the key table by make docs.\",\n"
          "  \"type\": \"object\",\n  \"additionalProperties\": false,\n  \"properties\": {\n", f);
    for (int s = 0; s < LSI_SEC_COUNT; s++) {
        const enum lsi_section_kind kind = (enum lsi_section_kind)s;
        const lsi_section_def_t *def = &lsi_sections[s];
        const void *base = section_base(kind, sc);
        const char *indent = def->repeat ? "          " : "        ";
        fprintf(f, "    \"%s\": {", def->name);
        if (def->repeat)
            fprintf(f, "\"type\": \"object\", \"maxProperties\": %u,\n"
                       "      \"propertyNames\": {\"pattern\": \"^[A-Za-z0-9_.-]+$\"},\n"
                       "      \"additionalProperties\": {", def->max);
        fputs("\"type\": \"object\", \"additionalProperties\": false,\n", f);
        size_t required = 0;
        for (size_t i = 0; i < def->n_keys; i++)
            required += (def->keys[i].flags & LSI_K_REQUIRED) != 0;
        if (required) {
            fprintf(f, "%s\"required\": [", indent + 2);
            size_t r = 0;
            for (size_t i = 0; i < def->n_keys; i++)
                if (def->keys[i].flags & LSI_K_REQUIRED) {
                    fputs(r++ ? ", " : "", f);
                    json_str(f, def->keys[i].name);
                }
            fputs("],\n", f);
        }
        fprintf(f, "%s\"properties\": {\n", indent + 2);
        for (size_t i = 0; i < def->n_keys; i++) {
            write_key_schema(f, kind, &def->keys[i], base, indent);
            fputs(i + 1 < def->n_keys ? ",\n" : "\n", f);
        }
        fprintf(f, "%s}%s}%s\n", indent + 2, def->repeat ? "}" : "",
                s + 1 < LSI_SEC_COUNT ? "," : "");
    }
    fputs("  }\n}\n", f);
}

/* One completion word per key: section.key, or section.NAME.key. */
static void write_keys(FILE *f)
{
    for (int s = 0; s < LSI_SEC_COUNT; s++) {
        const lsi_section_def_t *def = &lsi_sections[s];
        for (size_t j = 0; j < def->n_keys; j++)
            fprintf(f, def->repeat ? "%s.NAME.%s\n" : "%s.%s\n", def->name, def->keys[j].name);
    }
}

/* ---- docs/sdk-presets.md: every field of every preset --------------------- */

/*
 * Where each preset's values come from, as docs/pipeline-facts.md cites
 * them. A preset without a row, or a row naming no preset, is an error:
 * a new preset cannot go undocumented.
 */
/* The sections of docs/pipeline-facts.md that list the figures. */
#define FACTS_MP_API "[facts](pipeline-facts.md#mixpanels-ingestion-api-track-and-import)"
#define FACTS_MP_SDK "[facts](pipeline-facts.md#mixpanels-sdks-device-mode)"
#define FACTS_SEG_LIB "[facts](pipeline-facts.md#segments-libraries-and-tracking-api-cloud-mode)"
#define FACTS_SEG_DEST "[facts](pipeline-facts.md#segments-delivery-to-mixpanel)"

static const struct {
    const char *preset;
    const char *source;
} preset_sources[] = {
    {"mixpanel-js", "[src] mixpanel-js `request-batcher.js`, `request-queue.js`, "
                    "`mixpanel-core.js` (" FACTS_MP_SDK ")"},
    {"mixpanel-android", "[src] `MPConfig.java`, `AnalyticsMessages.java`, `HttpService.java` "
                         "(" FACTS_MP_SDK "); fixed-rate timer: assumption"},
    {"mixpanel-swift", "[src] `Constants.swift`, `FlushRequest.swift`; [doc] flush on "
                       "backgrounding (" FACTS_MP_SDK "); fixed-rate timer, queue kept: "
                       "assumption"},
    {"mixpanel-server", "[doc] Mixpanel's recommended retry policy, `import-events` and the "
                        "429 page's sample (" FACTS_MP_API "); interval, timer, timeout, "
                        "Retry-After: assumption"},
    {"analytics.js", "[src] analytics-next standard delivery, `priority-queue/index.ts`, "
                     "`backoff.ts` (" FACTS_SEG_LIB "); timeout, Retry-After ignored: "
                     "assumption"},
    {"analytics.js-batching", "[src] analytics-next `batched-dispatcher.ts`, "
                              "`shared-dispatcher.ts` (" FACTS_SEG_LIB "); timeout: "
                              "assumption"},
    {"analytics-node", "[src] analytics-next `packages/node` `publisher.ts`, "
                       "`analytics-node.ts` (" FACTS_SEG_LIB ")"},
    {"analytics-kotlin", "[src] analytics-kotlin `Configuration.kt`, `RetryStateMachine.kt` "
                         "(legacy mode; " FACTS_SEG_LIB "); one upload at a time, timeout, "
                         "fixed-rate timer: assumption"},
    {"analytics-swift", "[src] analytics-swift `Configuration.swift` (older version's queue "
                        "cap, unverified), as analytics-kotlin (" FACTS_SEG_LIB "); same "
                        "assumptions"},
};

#define N_SOURCES (sizeof preset_sources / sizeof preset_sources[0])

/* The destination column's source: the [segment] defaults' comments. */
static const char *const dest_source =
    "[src] action-destinations `errors.ts` (4xx, 501), `request-client.ts` (timeout), "
    "Mixpanel `batch_size`; [doc] 4 h of retries, 4 MB and about 1 min batches "
    "(" FACTS_SEG_DEST "); "
    "backoff constants, in-flight requests, Retry-After ignored: assumption";

static const char *preset_source(const char *name)
{
    for (size_t i = 0; i < N_SOURCES; i++)
        if (strcmp(preset_sources[i].preset, name) == 0)
            return preset_sources[i].source;
    return NULL;
}

/* Every citation row names a preset, every preset has a row. */
static void check_sources(void)
{
    const char *name;
    for (size_t i = 0; i < N_SOURCES; i++)
        if (!lagsim_sdk_preset(preset_sources[i].preset)) {
            fprintf(stderr, "keyref: tools/keyref.c cites preset %s, which is no preset\n",
                    preset_sources[i].preset);
            failed = 1;
        }
    for (unsigned i = 0; (name = lagsim_sdk_preset_name(i)) != NULL; i++)
        if (!preset_source(name)) {
            fprintf(stderr, "keyref: preset %s has no source row in tools/keyref.c\n", name);
            failed = 1;
        }
}

/* A column: a preset, or (dest) Segment's destination as the [segment]
 * defaults set it, in the fields that apply to it. */
typedef struct {
    const lagsim_sdk_t *s;
    int dest;
} column_t;

typedef void (*cell_fn)(const column_t *c, char *buf, size_t n);

static void dur(lagsim_time_t us, char *buf, size_t n)
{
    char t[64];
    lsi_fmt_duration(us, t, sizeof t);
    snprintf(buf, n, "%s", t);
}

static void yes_no(uint32_t v, char *buf, size_t n) { snprintf(buf, n, "%s", v ? "yes" : "no"); }

#define NA(c, buf, n)                    \
    do {                                 \
        if ((c)->dest) {                 \
            snprintf(buf, n, "—");       \
            return;                      \
        }                                \
    } while (0)

static void c_endpoint(const column_t *c, char *buf, size_t n)
{
    snprintf(buf, n, "%s", c->dest ? "Mixpanel `/import`"
                           : c->s->endpoint == LAGSIM_ENDPOINT_SEGMENT ? "Segment" : "Mixpanel");
}

static void c_batch_size(const column_t *c, char *buf, size_t n)
{
    snprintf(buf, n, "%u", c->s->batch_size);
}

static void c_flush_at(const column_t *c, char *buf, size_t n)
{
    if (c->dest)
        snprintf(buf, n, "a full batch");
    else if (c->s->flush_at == 0)
        snprintf(buf, n, "— (timer only)");
    else
        snprintf(buf, n, "%u", c->s->flush_at);
}

static void c_flush_interval(const column_t *c, char *buf, size_t n)
{
    if (c->s->flush_interval == 0) {
        snprintf(buf, n, "0 (each event at once)");
        return;
    }
    dur(c->s->flush_interval, buf, n);
    if (c->dest) {
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, " at most (`batch_wait`)");
    }
}

static void c_flush_timer(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    if (c->s->flush_interval == 0)
        snprintf(buf, n, "— (no timer)");
    else
        snprintf(buf, n, "`%s`", lagsim_flush_timer_name(c->s->flush_timer));
}

static void c_timeout(const column_t *c, char *buf, size_t n)
{
    dur(c->s->request_timeout, buf, n);
}

static void c_in_flight(const column_t *c, char *buf, size_t n)
{
    if (c->s->max_in_flight == 0)
        snprintf(buf, n, "unlimited");
    else
        snprintf(buf, n, "%u", c->s->max_in_flight);
}

static void c_queue_cap(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    if (c->s->queue_cap == 0)
        snprintf(buf, n, "unlimited");
    else
        snprintf(buf, n, "%u", c->s->queue_cap);
}

/* "408, 410, 460", or "none". */
static void codes(uint32_t bits, char *buf, size_t n)
{
    static const unsigned all[] = {408, 410, 413, 423, 460};
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (bits & lagsim_code_bit(all[i])) {
            int w = snprintf(buf + used, n - used, "%s%u", used ? ", " : "", all[i]);
            if (w > 0 && (size_t)w < n - used)
                used += (size_t)w;
        }
    if (!used)
        snprintf(buf, n, "none");
}

static void c_retry_4xx(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    snprintf(buf, n, "%s", c->s->retry_4xx ? "yes: every 4xx is retried" : "no");
}

static void c_retry_codes(const column_t *c, char *buf, size_t n)
{
    if (c->s->retry_4xx && !c->dest)
        snprintf(buf, n, "(every 4xx)");
    else
        codes(c->s->retry_codes, buf, n);
}

static void c_halve_on_413(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    yes_no(c->s->halve_on_413, buf, n);
}

static void c_no_retry_5xx(const column_t *c, char *buf, size_t n)
{
    if (c->dest)
        snprintf(buf, n, "501 dropped");
    else
        snprintf(buf, n, "%s", c->s->no_retry_5xx ? "501, 505, 511 dropped" : "none: all retried");
}

static void c_persist(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    yes_no(c->s->persist, buf, n);
}

static void c_flush_on_exit(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    yes_no(c->s->flush_on_exit, buf, n);
}

static void c_exit_keeps_copy(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    yes_no(c->s->exit_keeps_copy, buf, n);
}

static void c_max_age(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    if (c->s->max_age == 0)
        snprintf(buf, n, "never");
    else
        dur(c->s->max_age, buf, n);
}

static void c_flush_at_shutdown(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    yes_no(c->s->flush_at_shutdown, buf, n);
}

static void c_keep_interval(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    yes_no(c->s->keep_interval, buf, n);
}

static void c_timeout_resend(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    yes_no(c->s->timeout_resend, buf, n);
}

static void c_retry_after(const column_t *c, char *buf, size_t n)
{
    snprintf(buf, n, "`%s`%s", lagsim_retry_after_use_name(c->s->retry_after),
             c->dest ? " (`dest_retry_after`)" : "");
}

/* Fields of the Retry-After rule: "—" when the header is ignored. */
#define RA_NA(c, buf, n)                                              \
    do {                                                              \
        if ((c)->dest || (c)->s->retry_after == LAGSIM_RA_IGNORE) {   \
            snprintf(buf, n, "—");                                    \
            return;                                                   \
        }                                                             \
    } while (0)

static void c_ra_min(const column_t *c, char *buf, size_t n)
{
    RA_NA(c, buf, n);
    if (c->s->retry_after_min == 0)
        snprintf(buf, n, "none");
    else
        dur(c->s->retry_after_min, buf, n);
}

static void c_ra_max(const column_t *c, char *buf, size_t n)
{
    RA_NA(c, buf, n);
    if (c->s->retry_after_max == 0)
        snprintf(buf, n, "no cap");
    else
        dur(c->s->retry_after_max, buf, n);
}

static void c_ra_limit(const column_t *c, char *buf, size_t n)
{
    RA_NA(c, buf, n);
    if (c->s->retry_after_limit == 0)
        snprintf(buf, n, "no limit");
    else
        snprintf(buf, n, "%u per batch", c->s->retry_after_limit);
}

static void c_ra_uncounted(const column_t *c, char *buf, size_t n)
{
    RA_NA(c, buf, n);
    yes_no(c->s->retry_after_uncounted, buf, n);
}

static void c_max_attempts(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    if (c->s->max_attempts == 0)
        snprintf(buf, n, "no cap");
    else
        snprintf(buf, n, "%u", c->s->max_attempts);
}

static void c_flush_tries(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    if (c->s->flush_tries <= 1) {
        snprintf(buf, n, "1");
        return;
    }
    char d[64];
    dur(c->s->flush_try_delay, d, sizeof d);
    snprintf(buf, n, "%u, %s apart (doubling)", c->s->flush_tries, d);
}

static void c_ra_5xx_only(const column_t *c, char *buf, size_t n)
{
    RA_NA(c, buf, n);
    yes_no(c->s->retry_after_5xx_only, buf, n);
}

static void c_base(const column_t *c, char *buf, size_t n) { dur(c->s->backoff.base, buf, n); }

static void c_factor(const column_t *c, char *buf, size_t n)
{
    char t[64];
    lsi_fmt_double(c->s->backoff.factor, t, sizeof t);
    snprintf(buf, n, "×%s", t);
}

static void c_cap(const column_t *c, char *buf, size_t n)
{
    if (c->s->backoff.cap == 0)
        snprintf(buf, n, "none");
    else
        dur(c->s->backoff.cap, buf, n);
}

static void c_floor(const column_t *c, char *buf, size_t n)
{
    if (c->s->backoff.floor == 0)
        snprintf(buf, n, "none");
    else
        dur(c->s->backoff.floor, buf, n);
}

static void c_jitter(const column_t *c, char *buf, size_t n)
{
    const lagsim_backoff_t *b = &c->s->backoff;
    char a[64], bb[64];
    switch (b->jitter) {
    case LAGSIM_JITTER_NONE: snprintf(buf, n, "none"); return;
    case LAGSIM_JITTER_FULL: snprintf(buf, n, "U[0, d)"); return;
    case LAGSIM_JITTER_MULT:
        lsi_fmt_double(b->jitter_a, a, sizeof a);
        lsi_fmt_double(b->jitter_b, bb, sizeof bb);
        snprintf(buf, n, "d × U[%s, %s)", a, bb);
        return;
    case LAGSIM_JITTER_ADD:
        dur((lagsim_time_t)llround(b->jitter_a * LAGSIM_SEC), a, sizeof a);
        dur((lagsim_time_t)llround(b->jitter_b * LAGSIM_SEC), bb, sizeof bb);
        snprintf(buf, n, "d + U[%s, %s)", a, bb);
        return;
    case LAGSIM_JITTER_PCT:
        lsi_fmt_double(b->jitter_a * 100, a, sizeof a);
        snprintf(buf, n, "d ± %s%%", a);
        return;
    }
    snprintf(buf, n, "?");
}

static void c_jitter_order(const column_t *c, char *buf, size_t n)
{
    if (c->s->backoff.jitter == LAGSIM_JITTER_NONE ||
        (c->s->backoff.cap == 0 && c->s->backoff.floor == 0))
        snprintf(buf, n, "—");
    else
        snprintf(buf, n, "%s", c->s->backoff.jitter_after_cap ? "yes: jitter after the cap"
                                                              : "no: clamp after the jitter");
}

static void c_immediate(const column_t *c, char *buf, size_t n)
{
    snprintf(buf, n, "%u", c->s->backoff.immediate);
}

static void c_at_next_flush(const column_t *c, char *buf, size_t n)
{
    NA(c, buf, n);
    if (c->s->backoff.at_next_flush == UINT32_MAX)
        snprintf(buf, n, "`always`");
    else
        snprintf(buf, n, "%u", c->s->backoff.at_next_flush);
}

static void c_max_retries(const column_t *c, char *buf, size_t n)
{
    if (c->s->backoff.max_retries == 0)
        snprintf(buf, n, "no limit");
    else
        snprintf(buf, n, "%u", c->s->backoff.max_retries);
}

static void c_max_duration(const column_t *c, char *buf, size_t n)
{
    if (c->s->backoff.max_duration == 0) {
        snprintf(buf, n, "no limit");
        return;
    }
    dur(c->s->backoff.max_duration, buf, n);
    if (c->dest) {
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, " from receipt (`retry_window`)");
    }
}

/* A wait in the table's units: "450ms", "1.8s", "2m30s", "10m". */
static void wait_text(double us, char *buf, size_t n)
{
    const long long sec = (long long)LAGSIM_SEC, min = 60 * sec;
    long long v = llround(us);
    if (v >= min)
        v = (v + sec / 2) / sec * sec; /* whole seconds */
    if (v < sec || v % min == 0) {
        dur((lagsim_time_t)v, buf, n);
    } else if (v < min) {
        char t[32];
        lsi_fmt_double((double)v / (double)sec, t, sizeof t);
        snprintf(buf, n, "%ss", t);
    } else {
        snprintf(buf, n, "%lldm%llds", v / min, (v % min) / sec);
    }
}

/* The clamp of a wait to [floor, cap], as the backoff applies it. */
static double clamp_wait(const lagsim_backoff_t *b, double d)
{
    if (b->cap > 0 && d > (double)b->cap)
        d = (double)b->cap;
    if (d < (double)b->floor)
        d = (double)b->floor;
    return d;
}

/* The wait of the jitter's draw u in [0, 1] on a step d. */
static double jitter_at(const lagsim_backoff_t *b, double d, double u)
{
    switch (b->jitter) {
    case LAGSIM_JITTER_NONE: return d;
    case LAGSIM_JITTER_FULL: return d * u;
    case LAGSIM_JITTER_MULT: return d * (b->jitter_a + (b->jitter_b - b->jitter_a) * u);
    case LAGSIM_JITTER_ADD:
        return d + (b->jitter_a + (b->jitter_b - b->jitter_a) * u) * (double)LAGSIM_SEC;
    case LAGSIM_JITTER_PCT: return d * (1.0 - b->jitter_a + 2.0 * b->jitter_a * u);
    }
    return d;
}

/* The first retries' waits, worked out from the rule written in the rows
 * below it: "0, 1s–2s, 2s–4s, …". */
static void c_waits(const column_t *c, char *buf, size_t n)
{
    const lagsim_backoff_t *b = &c->s->backoff;
    const uint32_t shown = 6;
    size_t used = 0;
    buf[0] = '\0';
    for (uint32_t r = 1; r <= shown && (b->max_retries == 0 || r <= b->max_retries); r++) {
        char w[160];
        if (r <= b->immediate) {
            snprintf(w, sizeof w, "0");
        } else if ((uint64_t)r <= (uint64_t)b->immediate + b->at_next_flush) {
            snprintf(w, sizeof w, "next flush");
        } else {
            const double e = (double)(r - b->immediate - b->at_next_flush - 1);
            const double d = (double)b->base * pow(b->factor, e);
            double lo, hi;
            if (b->jitter_after_cap) {
                lo = jitter_at(b, clamp_wait(b, d), 0);
                hi = jitter_at(b, clamp_wait(b, d), 1);
            } else {
                lo = clamp_wait(b, jitter_at(b, d, 0));
                hi = clamp_wait(b, jitter_at(b, d, 1));
            }
            char a[64], z[64];
            wait_text(lo, a, sizeof a);
            wait_text(hi, z, sizeof z);
            if (llround(lo) == llround(hi))
                snprintf(w, sizeof w, "%s", a);
            else
                snprintf(w, sizeof w, "%s–%s", a, z);
        }
        int k = snprintf(buf + used, n - used, "%s%s", used ? ", " : "", w);
        if (k > 0 && (size_t)k < n - used)
            used += (size_t)k;
    }
    if (b->max_retries == 0 || b->max_retries > shown)
        snprintf(buf + used, n - used, ", …");
}

typedef struct {
    const char *label;
    cell_fn fn;
} row_t;

typedef struct {
    const char *title;
    const char *note;
    row_t rows[16];
} table_t;

static const table_t preset_tables[] = {
    {"Sending and batching",
     "`flush_at`: queued events that flush at once; the timer's kinds are explained in "
     "[flush-timers-and-adblock.md](flush-timers-and-adblock.md).",
     {{"sends to (`endpoint`)", c_endpoint},
      {"`batch_size`", c_batch_size},
      {"`flush_at`", c_flush_at},
      {"`flush_interval`", c_flush_interval},
      {"`flush_timer`", c_flush_timer},
      {"`request_timeout`", c_timeout},
      {"`max_in_flight`", c_in_flight},
      {"`queue_cap`", c_queue_cap},
      {NULL, NULL}}},
    {"Sessions, storage and shutdown", NULL,
     {{"`persist`", c_persist},
      {"`flush_on_exit`", c_flush_on_exit},
      {"`exit_keeps_copy`", c_exit_keeps_copy},
      {"`max_age`", c_max_age},
      {"`flush_at_shutdown`", c_flush_at_shutdown},
      {NULL, NULL}}},
    {"Status codes",
     "429, timeouts and other 5xx are retried by every sender; 400 and the 4xx not listed "
     "drop the batch unless `retry_4xx`.",
     {{"`retry_4xx`", c_retry_4xx},
      {"`retry_codes` (4xx retried besides 429)", c_retry_codes},
      {"`halve_on_413`", c_halve_on_413},
      {"5xx not retried (`no_retry_5xx`)", c_no_retry_5xx},
      {NULL, NULL}}},
    {"Retry state and Retry-After",
     "`retry_after`: `ignore`, `batch` (the batch waits the header's time), `publisher` (the "
     "whole sender pauses) or `max` (the longer of the backoff and the header); see "
     "[retry-dynamics.md](retry-dynamics.md).",
     {{"`keep_interval`", c_keep_interval},
      {"`timeout_resend`", c_timeout_resend},
      {"`retry_after`", c_retry_after},
      {"`retry_after_min`", c_ra_min},
      {"`retry_after_max`", c_ra_max},
      {"`retry_after_limit`", c_ra_limit},
      {"`retry_after_uncounted`", c_ra_uncounted},
      {"`retry_after_5xx_only`", c_ra_5xx_only},
      {"`max_attempts`", c_max_attempts},
      {"sends per flush (`flush_tries`, `flush_try_delay`)", c_flush_tries},
      {NULL, NULL}}},
    {"Backoff",
     "Retry n waits 0 for the first `immediate` retries, until the next flush for the "
     "following `at_next_flush`, then the step d = base × factor^e (e = 0, 1, ...) with its "
     "jitter, clamped to [floor, cap]. The last row works the first waits out from the "
     "rows above it (a range: the jitter's least and greatest; \"next flush\": the "
     "retry goes with the sender's next flush).",
     {{"`backoff_base`", c_base},
      {"`backoff_factor`", c_factor},
      {"`backoff_cap`", c_cap},
      {"`backoff_floor`", c_floor},
      {"`backoff_jitter`", c_jitter},
      {"`backoff_jitter_after_cap`", c_jitter_order},
      {"`backoff_immediate`", c_immediate},
      {"`backoff_at_next_flush`", c_at_next_flush},
      {"`max_retries`", c_max_retries},
      {"`max_retry_duration`", c_max_duration},
      {"waits of retries 1 to 6", c_waits},
      {NULL, NULL}}},
};

/* Segment's destination as a column: the [segment] defaults in the
 * fields of a sender. */
static lagsim_sdk_t dest_sdk(const lagsim_scenario_t *sc)
{
    lagsim_sdk_t d;
    memset(&d, 0, sizeof d);
    snprintf(d.preset, sizeof d.preset, "segment");
    d.endpoint = LAGSIM_ENDPOINT_MIXPANEL;
    d.batch_size = sc->segment.batch_size;
    d.flush_interval = sc->segment.batch_wait;
    d.request_timeout = sc->segment.request_timeout;
    d.max_in_flight = sc->segment.max_in_flight;
    d.backoff = sc->segment.backoff;
    d.backoff.max_duration = sc->segment.retry_window;
    d.retry_codes = sc->segment.retry_codes;
    d.retry_after = sc->segment.dest_retry_after;
    return d;
}

static void write_sdk_presets(FILE *f, const lagsim_scenario_t *sc)
{
    check_sources();
    const lagsim_sdk_t dest = dest_sdk(sc);
    column_t cols[64];
    unsigned n = 0;
    const char *name;
    for (unsigned i = 0; (name = lagsim_sdk_preset_name(i)) != NULL && n + 1 < 64; i++)
        cols[n++] = (column_t){lagsim_sdk_preset(name), 0};
    cols[n++] = (column_t){&dest, 1};

    fputs("<!-- Generated by `make docs` (tools/keyref.c) from the SDK presets,\n"
          "     lib/model/sdk_presets.c, and the [segment] defaults of\n"
          "     lib/model/scenario.c: edit those, not this. -->\n"
          "# SDK presets, field by field\n\n", f);
    fputs("Every field of every SDK preset (`cloud_sdk`, `device_sdk`), and of Segment's "
          "Mixpanel destination as the `[segment]` defaults set it, in one place. `make docs` "
          "writes this page from the presets themselves (tools/keyref.c), and the docs test "
          "fails when it is stale, so it is what a run does. A client's `cloud_*` and "
          "`device_*` keys override any field; the rows are named after those keys without "
          "their prefix ([scenario-reference.md](scenario-reference.md)); the destination's "
          "are `[segment]` keys, named in the cell where the name differs.\n\n", f);
    fputs("Where each figure comes from, with its citation: "
          "[pipeline-facts.md](pipeline-facts.md) (and Sources below). Why the "
          "rules matter and how they play out: [retry-dynamics.md](retry-dynamics.md) "
          "(status codes, Retry-After, mixpanel-js's retry state, storms) and "
          "[flush-timers-and-adblock.md](flush-timers-and-adblock.md) (flush timers, the "
          "flush at shutdown, sessions). Durations are written as in a scenario file "
          "(`500ms`, `10m`, `12h`); \"—\" marks a field that does not apply.\n\n", f);
    for (size_t t = 0; t < sizeof preset_tables / sizeof preset_tables[0]; t++) {
        const table_t *tb = &preset_tables[t];
        fprintf(f, "## %s\n\n", tb->title);
        if (tb->note)
            fprintf(f, "%s\n\n", tb->note);
        fputs("| field ", f);
        for (unsigned i = 0; i < n; i++)
            if (cols[i].dest)
                fputs("| Segment's destination ", f);
            else
                fprintf(f, "| %s ", cols[i].s->preset);
        fputs("|\n|---", f);
        for (unsigned i = 0; i < n; i++)
            fputs("|---", f);
        fputs("|\n", f);
        for (const row_t *r = tb->rows; r->label; r++) {
            md_cell(f, r->label);
            for (unsigned i = 0; i < n; i++) {
                char v[512];
                r->fn(&cols[i], v, sizeof v);
                md_cell(f, v);
            }
            fputs("|\n", f);
        }
        fputc('\n', f);
    }
    fputs("## Sources\n\nTags as in [pipeline-facts.md](pipeline-facts.md): [src] the "
          "vendor's code, [doc] its documentation; \"facts\" links the section of that "
          "page that lists the figures.\n\n", f);
    for (unsigned i = 0; i < n; i++) {
        const char *src = cols[i].dest ? dest_source : preset_source(cols[i].s->preset);
        if (cols[i].dest)
            fprintf(f, "- **Segment's destination** (`[segment]`): %s\n", src);
        else
            fprintf(f, "- **%s**: %s\n", cols[i].s->preset, src ? src : "?");
    }
    fputs("\nDefault presets by platform:\n\n| platform | cloud_sdk | device_sdk |\n"
          "|---|---|---|\n", f);
    for (int p = 0; p < LAGSIM_PLATFORM_COUNT; p++) {
        const enum lagsim_platform pl = (enum lagsim_platform)p;
        fprintf(f, "| `%s` | `%s` | `%s` |\n", lagsim_platform_name(pl),
                lagsim_platform_cloud_sdk(pl), lagsim_platform_device_sdk(pl));
    }
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "md") && strcmp(argv[1], "man") &&
                      strcmp(argv[1], "schema") && strcmp(argv[1], "keys") &&
                      strcmp(argv[1], "presets"))) {
        fprintf(stderr, "usage: keyref md|man|schema|keys|presets\n");
        return 2;
    }
    lagsim_scenario_t *sc = malloc(sizeof *sc);
    if (!sc)
        return 1;
    lagsim_scenario_defaults(sc);
    check_rows();
    if (strcmp(argv[1], "keys") == 0)
        write_keys(stdout);
    else if (strcmp(argv[1], "schema") == 0)
        write_schema(stdout, sc);
    else if (strcmp(argv[1], "presets") == 0)
        write_sdk_presets(stdout, sc);
    else
        write_doc(stdout, strcmp(argv[1], "md") == 0 ? FMT_MD : FMT_MAN, sc);
    free(sc);
    if (fflush(stdout) != 0)
        failed = 1;
    return failed;
}
