/*
 * loader.c - scenario files (through inih) and --set overrides to a
 * validated lagsim_scenario_t, with every mistake reported as
 * "FILE:LINE: key 'k' in [section]: what is wrong".
 *
 * Design: loading is two passes over one list of items.
 *
 *  0. Read. A file is read once, whole, into memory (so a FIFO or
 *     /dev/stdin works, and the bytes hashed for the manifest are the
 *     bytes parsed); everything below works on that buffer and its length.
 *  1. Collect. inih reads the buffer through our own line reader, which
 *     counts lines (inih's handler gets no line number), keeps the text
 *     of the current line, and records each [section] header with its
 *     line. The reader refuses, at their own line, what inih would
 *     misread: a NUL byte, a carriage return not followed by a line feed
 *     (classic Mac OS line ends), a byte-order mark after the start of the
 *     file, a line too long for the buffer. The handler appends one item per key = value. A line inih
 *     cannot parse ends the list with a syntax item. The --set overrides
 *     follow as items of their own; an override marks the items it
 *     replaces as dead, and may create a section.
 *  2. Check, then apply. The items are checked in list order (sections
 *     known, keys known, not duplicated, values parse and are in range),
 *     so the first mistake in the file is the one reported. A mistake
 *     found only by lagsim_scenario_validate() (relations between
 *     keys) is blamed on the first --set that makes a valid file invalid,
 *     found by loading the file with ever more of the overrides. Then each
 *     section is applied to the scenario in the order of the key table
 *     (keys.c), which makes the result independent of the order of keys
 *     within a section. Last, lagsim_scenario_validate() checks the
 *     relations between fields.
 *
 * Cost: near-linear in the size of the input. Sections are found by
 * name, and a key's earlier value in its section, through hash tables;
 * applying walks each section's own chain of items.
 *
 * Ownership: a session owns every string in its lists and is freed by
 * session_free(). The scenario is a plain value filled in place.
 * inih's settings are process globals; loads take a mutex while inih
 * runs and restore the settings afterwards.
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config_internal.h"

/* Largest scenario file read (a scenario is a few kilobytes; this bounds
 * what reading /dev/zero or a wrong file costs). */
#define LSI_FILE_MAX ((size_t)64 << 20)

enum item_type {
    ITEM_HEADER, /* a [section] header (or a section made by a --set) */
    ITEM_ENTRY,  /* key = value */
    ITEM_SYNTAX  /* a line (or --set) that could not be parsed; value holds why */
};

typedef struct cfg_section {
    char *name;     /* full name, "client.web" */
    int line;       /* line of the header; 0 if made by a --set */
    const char *set;/* the --set that made it, when line is 0 */
    int dup_line;   /* > 0: a second header of the section first on that line */
    enum lsi_section_kind kind; /* set by check_items() */
    const char *instance;       /* "web" in "client.web", or NULL */
} cfg_section;

typedef struct cfg_item {
    enum item_type type;
    int section;     /* index in sections[], -1 before any header */
    char *key;       /* ITEM_ENTRY */
    char *value;     /* ITEM_ENTRY: the value; ITEM_SYNTAX: the message */
    int line;        /* 0 for a --set */
    const char *set; /* the --set text, when line is 0 */
    int dup_line;    /* > 0: the same key was first given on that line */
    int dead;        /* replaced by a later --set */
    const lsi_key_t *k; /* set by check_items() */
    int next;        /* next item of the same section (apply_items), or -1 */
} cfg_item;

/* An open-addressing hash table of indices (-1: empty slot). */
typedef struct index_table {
    int *slot;
    size_t cap; /* a power of two, or 0 */
    size_t used;
} index_table;

typedef struct session {
    const char *origin; /* file name in messages, or NULL (lagsim_config_set) */
    cfg_section *sections;
    size_t n_sections, cap_sections;
    cfg_item *items;
    size_t n_items, cap_items;
    char **sets; /* owned copies of the --set texts */
    size_t n_sets;
    int nomem;
    index_table by_name; /* first section of each name -> index in sections[] */
    index_table by_key;  /* first file item of each (section, key) -> index in items[] */

    /* Line reader state. */
    const char *text;   /* the input, text_len bytes (may hold NULs) */
    size_t text_len;
    size_t pos;
    int line;           /* number of the current line */
    int bad_line;       /* > 0: the reader refused that line, saying why in bad */
    char bad[160];
    int cur_section;    /* section of the current line, -1 before any */
    char cur[LSI_LINE_MAX]; /* the current line, for messages */
} session;

/* ---- Lists ----------------------------------------------------------------- */

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(p, n * elem);
    if (q)
        *cap = n;
    return q;
}

static char *dup_n(session *s, const char *str, size_t n)
{
    char *d = malloc(n + 1);
    if (!d) {
        s->nomem = 1;
        return NULL;
    }
    memcpy(d, str, n);
    d[n] = '\0';
    return d;
}

static char *dup_s(session *s, const char *str)
{
    return dup_n(s, str, strlen(str));
}

/* Appends an item; returns it, or NULL when out of memory. */
static cfg_item *add_item(session *s, enum item_type type, int section, int line,
                          const char *set)
{
    cfg_item *items = grow(s->items, &s->cap_items, s->n_items + 1, sizeof *items);
    if (!items) {
        s->nomem = 1;
        return NULL;
    }
    s->items = items;
    cfg_item *it = &items[s->n_items++];
    memset(it, 0, sizeof *it);
    it->type = type;
    it->section = section;
    it->line = line;
    it->set = set;
    return it;
}

/* ---- Hash tables --------------------------------------------------------------- */

/* FNV-1a of name[0..n), mixed with a section index (-1 for none). */
static size_t hash_key(int section, const char *name, size_t n)
{
    uint64_t h = lagsim_fnv1a64(name, n, 14695981039346656037ull);
    h ^= (uint64_t)(uint32_t)section * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    return (size_t)h;
}

/* Whether entry idx of the table is (section, name[0..n)). */
typedef int (*index_eq_fn)(const session *s, int idx, int section, const char *name, size_t n);

static int section_eq(const session *s, int idx, int section, const char *name, size_t n)
{
    (void)section;
    const char *e = s->sections[idx].name;
    return strncmp(e, name, n) == 0 && e[n] == '\0';
}

static int item_eq(const session *s, int idx, int section, const char *name, size_t n)
{
    const cfg_item *it = &s->items[idx];
    return it->section == section && strncmp(it->key, name, n) == 0 && it->key[n] == '\0';
}

/* The slot holding (section, name) or the empty slot where it belongs. */
static size_t index_probe(const session *s, const index_table *t, index_eq_fn eq, int section,
                          const char *name, size_t n)
{
    size_t i = hash_key(section, name, n) & (t->cap - 1);
    while (t->slot[i] >= 0 && !eq(s, t->slot[i], section, name, n))
        i = (i + 1) & (t->cap - 1);
    return i;
}

/* The index stored for (section, name[0..n)), or -1. */
static int index_find(const session *s, const index_table *t, index_eq_fn eq, int section,
                      const char *name, size_t n)
{
    if (t->cap == 0)
        return -1;
    return t->slot[index_probe(s, t, eq, section, name, n)];
}

/* Stores idx under its own (section, name) unless present. Returns 0, or
 * -1 when out of memory. */
static int index_add(session *s, index_table *t, index_eq_fn eq, int idx, int section,
                     const char *name)
{
    const size_t n = strlen(name);
    if (2 * (t->used + 1) > t->cap) { /* keep the load at most one half */
        index_table g = {NULL, t->cap ? 2 * t->cap : 64, 0};
        g.slot = malloc(g.cap * sizeof *g.slot);
        if (!g.slot) {
            s->nomem = 1;
            return -1;
        }
        for (size_t i = 0; i < g.cap; i++)
            g.slot[i] = -1;
        for (size_t i = 0; i < t->cap; i++) {
            const int e = t->slot[i];
            if (e < 0)
                continue;
            const char *en = eq == section_eq ? s->sections[e].name : s->items[e].key;
            const int es = eq == section_eq ? -1 : s->items[e].section;
            g.slot[index_probe(s, &g, eq, es, en, strlen(en))] = e;
            g.used++;
        }
        free(t->slot);
        *t = g;
    }
    const size_t i = index_probe(s, t, eq, section, name, n);
    if (t->slot[i] < 0) {
        t->slot[i] = idx;
        t->used++;
    }
    return 0;
}

/* The first section called name, or -1. */
static int find_section(const session *s, const char *name)
{
    return index_find(s, &s->by_name, section_eq, -1, name, strlen(name));
}

/* The first section whose name is name[0..n), or -1. */
static int find_section_n(const session *s, const char *name, size_t n)
{
    return index_find(s, &s->by_name, section_eq, -1, name, n);
}

/* Appends a section and its header item; returns its index or -1. */
static int add_section(session *s, const char *name, size_t len, int line, const char *set)
{
    cfg_section *secs = grow(s->sections, &s->cap_sections, s->n_sections + 1, sizeof *secs);
    if (!secs) {
        s->nomem = 1;
        return -1;
    }
    s->sections = secs;
    char *copy = dup_n(s, name, len);
    if (!copy)
        return -1;
    const int first = find_section(s, copy);
    cfg_section *sec = &secs[s->n_sections];
    memset(sec, 0, sizeof *sec);
    sec->name = copy;
    sec->line = line;
    sec->set = set;
    sec->dup_line = first >= 0 ? secs[first].line : 0;
    const int idx = (int)s->n_sections++;
    if (first < 0 && index_add(s, &s->by_name, section_eq, idx, -1, copy) != 0)
        return -1;
    if (!add_item(s, ITEM_HEADER, idx, line, set))
        return -1;
    return idx;
}

static void session_free(session *s)
{
    for (size_t i = 0; i < s->n_sections; i++)
        free(s->sections[i].name);
    for (size_t i = 0; i < s->n_items; i++) {
        free(s->items[i].key);
        free(s->items[i].value);
    }
    for (size_t i = 0; i < s->n_sets; i++)
        free(s->sets[i]);
    free(s->sections);
    free(s->items);
    free(s->sets);
    free(s->by_name.slot);
    free(s->by_key.slot);
}

/* ---- Messages ---------------------------------------------------------------- */

/* "FILE:LINE" or "--set TEXT": where an item or section came from. */
static void where(const session *s, int line, const char *set, char *buf, size_t n)
{
    if (line > 0)
        snprintf(buf, n, "%s:%d", s->origin, line);
    else if (set)
        snprintf(buf, n, "--set %s", set);
    else
        snprintf(buf, n, "%s", s->origin ? s->origin : "--set");
}

#define WHERE_MAX 256

/* err = "WHERE: key 'k' in [section]: what". */
static int key_error(const session *s, const cfg_item *it, const char *what,
                     lagsim_error_t *err)
{
    char w[WHERE_MAX];
    where(s, it->line, it->set, w, sizeof w);
    lsi_err(err, "%s: key '%s' in [%s]: %s", w, it->key, s->sections[it->section].name, what);
    return LAGSIM_EINVAL;
}

/* ---- Collect: inih and the line reader -------------------------------------- */

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/* Records the header on the line just read, if it is one. */
static void track_header(session *s, const char *line)
{
    while (is_space(*line))
        line++;
    if (*line != '[')
        return;
    const char *open = line + 1, *close = strchr(open, ']');
    if (!close)
        return; /* inih reports it */
    while (open < close && is_space(*open))
        open++;
    size_t len = (size_t)(close - open);
    while (len > 0 && is_space(open[len - 1]))
        len--;
    s->cur_section = add_section(s, open, len, s->line, NULL);
}

/* Why the line t[0..n) (its '\n' included) cannot be read, or NULL. The
 * first line's byte-order mark is skipped before this. */
static const char *refuse_line(const char *t, size_t n, char *why, size_t size)
{
    const char *nul = memchr(t, '\0', n);
    if (nul) {
        snprintf(why, size, "a NUL byte at column %zu (not a text file?)", (size_t)(nul - t) + 1);
        return why;
    }
    for (const char *cr = memchr(t, '\r', n); cr; cr = memchr(cr + 1, '\r', n - (size_t)(cr + 1 - t)))
        if ((size_t)(cr + 1 - t) >= n || cr[1] != '\n') {
            snprintf(why, size, "a carriage return not followed by a line feed at column %zu: "
                     "lines must end in LF or CR LF (classic Mac OS line ends? convert "
                     "them, e.g. with tr '\\r' '\\n')", (size_t)(cr - t) + 1);
            return why;
        }
    for (size_t i = 0; i + 2 < n; i++)
        if ((unsigned char)t[i] == 0xEF && (unsigned char)t[i + 1] == 0xBB &&
            (unsigned char)t[i + 2] == 0xBF) {
            snprintf(why, size, "a second byte-order mark (U+FEFF) at column %zu: a BOM may "
                     "only start the file (files joined with cat?)", i + 1);
            return why;
        }
    return NULL;
}

/*
 * inih's fgets-style reader over the session's buffer. Gives inih one
 * whole line at a time; refuses (and stops at) a line that holds a NUL
 * byte, a bare carriage return or a byte-order mark past the file's start,
 * or that does not fit inih's buffer (inih would read its rest as a line
 * of its own).
 */
static char *read_line(char *str, int num, void *stream)
{
    session *s = stream;
    if (s->bad_line || s->nomem || num < 2 || s->pos >= s->text_len)
        return NULL;
    const char *t = s->text + s->pos;
    const size_t left = s->text_len - s->pos;
    const char *nl = memchr(t, '\n', left);
    const size_t n = nl ? (size_t)(nl - t) + 1 : left; /* the line, '\n' included */
    const int line = s->line + 1;
    size_t skip = 0;
    if (line == 1 && n >= 3 && (unsigned char)t[0] == 0xEF && (unsigned char)t[1] == 0xBB &&
        (unsigned char)t[2] == 0xBF)
        skip = 3;
    if (line == 1 && left >= 2 && (((unsigned char)t[0] == 0xFF && (unsigned char)t[1] == 0xFE) ||
                                   ((unsigned char)t[0] == 0xFE && (unsigned char)t[1] == 0xFF))) {
        snprintf(s->bad, sizeof s->bad, "the file is UTF-16 (it starts with a UTF-16 "
                 "byte-order mark); save it as UTF-8");
        s->bad_line = line;
        return NULL;
    }
    if (refuse_line(t + skip, n - skip, s->bad, sizeof s->bad)) {
        s->bad_line = line;
        return NULL;
    }
    if (n > (size_t)num - 1) {
        snprintf(s->bad, sizeof s->bad, "line too long (at most %d characters)",
                 LSI_LINE_MAX - 2);
        s->bad_line = line;
        return NULL;
    }
    memcpy(str, t + skip, n - skip);
    str[n - skip] = '\0';
    s->pos += n;
    s->line = line;
    size_t len = n - skip;
    while (len > 0 && (str[len - 1] == '\n' || str[len - 1] == '\r'))
        len--;
    memcpy(s->cur, str, len);
    s->cur[len] = '\0';
    track_header(s, str);
    return str;
}

static int on_key(void *user, const char *section, const char *name, const char *value)
{
    session *s = user;
    (void)section; /* inih truncates long names: ours come from the line */
    /* The key as written: up to the first '=' or ':', as inih splits it. */
    const char *k = s->cur;
    while (is_space(*k))
        k++;
    size_t len = strcspn(k, "=:");
    while (len > 0 && is_space(k[len - 1]))
        len--;
    if (strncmp(k, name, strlen(name)) != 0) { /* not expected; trust inih */
        k = name;
        len = strlen(name);
    }
    cfg_item *it = add_item(s, ITEM_ENTRY, s->cur_section, s->line, NULL);
    if (!it)
        return 0;
    it->key = dup_n(s, k, len);
    it->value = dup_s(s, value);
    if (!it->key || !it->value)
        return 0;
    if (it->section < 0)
        return 1;
    /* A second value for a key that takes one is a mistake. */
    enum lsi_section_kind kind;
    const char *inst;
    if (lsi_section_classify(s->sections[it->section].name, &kind, &inst, NULL) == LAGSIM_OK) {
        const lsi_key_t *key = lsi_key_find(kind, it->key, NULL);
        if (key && (key->flags & LSI_K_REPEAT))
            return 1;
    }
    const int idx = (int)s->n_items - 1;
    const int first = index_find(s, &s->by_key, item_eq, it->section, it->key, strlen(it->key));
    if (first >= 0)
        it->dup_line = s->items[first].line;
    else if (index_add(s, &s->by_key, item_eq, idx, it->section, it->key) != 0)
        return 0;
    return 1;
}

/* Why inih refused the current line. */
static void syntax_message(const char *line, char *buf, size_t n)
{
    while (is_space(*line))
        line++;
    if (*line == '[' && !strchr(line, ']'))
        snprintf(buf, n, "section header '%.60s' has no closing ']'", line);
    else if (*line == '[')
        snprintf(buf, n, "bad section header '%.60s' (expected [NAME])", line);
    else
        snprintf(buf, n, "expected 'key = value', '[section]' or a comment (got '%.60s')", line);
}

static pthread_mutex_t inih_lock = PTHREAD_MUTEX_INITIALIZER;

/* Runs inih over the session's input with our settings. */
static int run_inih(session *s)
{
    static char start_prefixes[] = ";#";
    static char inline_prefixes[] = ";";
    pthread_mutex_lock(&inih_lock);
    const bool multiline = ini_allow_multiline, bom = ini_allow_bom;
    char *const start = ini_start_comment_prefixes;
    const bool inl = ini_allow_inline_comments;
    char *const inl_prefixes = ini_inline_comment_prefixes;
    const bool stack = ini_use_stack, stop = ini_stop_on_first_error;
    const bool no_value = ini_allow_no_value;
    const int max_line = ini_max_line;

    ini_allow_multiline = false; /* indented lines are ordinary lines */
    ini_allow_bom = true;
    ini_start_comment_prefixes = start_prefixes;
    ini_allow_inline_comments = true;
    ini_inline_comment_prefixes = inline_prefixes;
    ini_use_stack = true;
    ini_stop_on_first_error = true; /* so the current line is the bad one */
    ini_allow_no_value = false;
    ini_max_line = LSI_LINE_MAX;

    const int rc = ini_parse_stream(read_line, s, on_key, s);

    ini_allow_multiline = multiline;
    ini_allow_bom = bom;
    ini_start_comment_prefixes = start;
    ini_allow_inline_comments = inl;
    ini_inline_comment_prefixes = inl_prefixes;
    ini_use_stack = stack;
    ini_stop_on_first_error = stop;
    ini_allow_no_value = no_value;
    ini_max_line = max_line;
    pthread_mutex_unlock(&inih_lock);
    return rc;
}

/* Collects the items of a file or text. Returns LAGSIM_OK, ENOMEM or EIO. */
static int collect_file(session *s, lagsim_error_t *err)
{
    s->cur_section = -1;
    const int rc = run_inih(s);
    if (s->nomem || rc == -2) {
        lsi_err(err, "%s: out of memory", s->origin);
        return LAGSIM_ENOMEM;
    }
    char msg[LAGSIM_ERROR_MAX];
    int line = 0;
    if (s->bad_line) {
        line = s->bad_line;
        snprintf(msg, sizeof msg, "%s", s->bad);
    } else if (rc > 0) {
        line = rc;
        syntax_message(s->cur, msg, sizeof msg);
    }
    if (line > 0) {
        cfg_item *it = add_item(s, ITEM_SYNTAX, -1, line, NULL);
        if (!it || !(it->value = dup_s(s, msg))) {
            lsi_err(err, "%s: out of memory", s->origin);
            return LAGSIM_ENOMEM;
        }
    }
    return LAGSIM_OK;
}

/* Adds one --set "section.key=value" as items. Returns LAGSIM_OK or ENOMEM. */
static int collect_set(session *s, const char *assignment)
{
    char **sets = realloc(s->sets, (s->n_sets + 1) * sizeof *sets);
    if (!sets)
        goto nomem;
    s->sets = sets;
    char *text = dup_s(s, assignment);
    if (!text)
        goto nomem;
    s->sets[s->n_sets++] = text;

    /* section.key = value: split at the first '=', then at the last dot. */
    const char *eq = strchr(text, '=');
    const char *l = text, *le = eq ? eq : text;
    while (l < le && is_space(*l))
        l++;
    while (le > l && is_space(le[-1]))
        le--;
    const char *dot = NULL;
    for (const char *p = l; p < le; p++)
        if (*p == '.')
            dot = p;
    if (!eq || !dot || dot == l || dot + 1 == le) {
        cfg_item *it = add_item(s, ITEM_SYNTAX, -1, 0, text);
        if (!it || !(it->value = dup_s(s, "expected section.key=value (e.g. "
                                           "traffic.base_rate=400/s)")))
            goto nomem;
        return LAGSIM_OK;
    }
    char *secname = dup_n(s, l, (size_t)(dot - l));
    if (!secname)
        goto nomem;
    int sec = find_section(s, secname);
    if (sec < 0)
        sec = add_section(s, secname, strlen(secname), 0, text);
    free(secname);
    if (sec < 0)
        goto nomem;

    const char *v = eq + 1, *ve = eq + strlen(eq);
    while (v < ve && is_space(*v))
        v++;
    while (ve > v && is_space(ve[-1]))
        ve--;
    char *key = dup_n(s, dot + 1, (size_t)(le - dot - 1));
    char *value = dup_n(s, v, (size_t)(ve - v));
    cfg_item *it = key && value ? add_item(s, ITEM_ENTRY, sec, 0, text) : NULL;
    if (!it) {
        free(key);
        free(value);
        goto nomem;
    }
    it->key = key;
    it->value = value;
    /* An override replaces every earlier value of the key. */
    for (size_t i = 0; i + 1 < s->n_items; i++) {
        cfg_item *o = &s->items[i];
        if (o->type == ITEM_ENTRY && o->section == sec && strcmp(o->key, key) == 0)
            o->dead = 1;
    }
    return LAGSIM_OK;
nomem:
    s->nomem = 1;
    return LAGSIM_ENOMEM;
}

/* ---- Check ------------------------------------------------------------------ */

/* Checks every item in order; the first mistake is reported. */
static int check_items(session *s, lagsim_error_t *err)
{
    char w[WHERE_MAX];
    lagsim_error_t inner;
    lsi_value_t *v = malloc(sizeof *v);
    if (!v) {
        lsi_err(err, "out of memory");
        return LAGSIM_ENOMEM;
    }
    int rc = LAGSIM_OK;
    for (size_t i = 0; i < s->n_items && rc == LAGSIM_OK; i++) {
        cfg_item *it = &s->items[i];
        /* WHERE is only needed for a message: formatted lazily, as W. */
#define W (where(s, it->line, it->set, w, sizeof w), w)
        if (it->type == ITEM_SYNTAX) {
            lsi_err(err, "%s: %s", W, it->value);
            rc = LAGSIM_EINVAL;
        } else if (it->type == ITEM_HEADER) {
            cfg_section *sec = &s->sections[it->section];
            if (sec->dup_line > 0) {
                lsi_err(err, "%s: duplicate section [%s] (first on line %d)", W, sec->name,
                        sec->dup_line);
                rc = LAGSIM_EINVAL;
            } else if (lsi_section_classify(sec->name, &sec->kind, &sec->instance, &inner)) {
                lsi_err(err, "%s: %s", W, inner.message);
                rc = LAGSIM_EINVAL;
            }
        } else if (it->section < 0) {
            lsi_err(err, "%s: key '%s' is outside any section (put it under a [section] header)",
                    W, it->key);
            rc = LAGSIM_EINVAL;
        } else if (it->key[0] == '\0') {
            lsi_err(err, "%s: missing key name before '=' in [%s]", W,
                    s->sections[it->section].name);
            rc = LAGSIM_EINVAL;
        } else if (!(it->k = lsi_key_find(s->sections[it->section].kind, it->key, &inner))) {
            rc = key_error(s, it, inner.message, err);
        } else if (it->dup_line > 0) {
            snprintf(inner.message, sizeof inner.message, "duplicate key (first on line %d)",
                     it->dup_line);
            rc = key_error(s, it, inner.message, err);
        } else if (it->dead) {
            continue; /* replaced by a --set: its value does not matter */
        } else if (it->value[0] == '\0') {
            rc = key_error(s, it, "empty value", err);
        } else if (lsi_key_parse(it->k, it->value, v, &inner) != LAGSIM_OK) {
            rc = key_error(s, it, inner.message, err);
        }
    }
#undef W
    free(v);
    return rc;
}

/* ---- Apply --------------------------------------------------------------------- */

#define MAX_KEYS 128

/*
 * The struct a section's keys go to: the scenario for a single section;
 * for [kind.NAME], the element called NAME, or a new one appended from
 * its template (*created set). NULL with *full set when the array is full.
 */
static void *instance(lagsim_scenario_t *sc, const cfg_section *sec, const lagsim_scenario_t *def,
                      int *created, int *full)
{
    *created = 0;
    *full = 0;
    const char *name = sec->instance;
    switch (sec->kind) {
    case LSI_SEC_BURST:
        for (unsigned i = 0; i < sc->n_bursts; i++)
            if (strcmp(sc->bursts[i].name, name) == 0)
                return &sc->bursts[i];
        if (sc->n_bursts >= LAGSIM_MAX_BURSTS)
            break;
        lagsim_burst_t *b = &sc->bursts[sc->n_bursts++];
        memset(b, 0, sizeof *b);
        b->rate = -1; /* unset until given */
        b->multiplier = -1;
        snprintf(b->name, sizeof b->name, "%s", name);
        *created = 1;
        return b;
    case LSI_SEC_RAMP:
        for (unsigned i = 0; i < sc->n_ramps; i++)
            if (strcmp(sc->ramps[i].name, name) == 0)
                return &sc->ramps[i];
        if (sc->n_ramps >= LAGSIM_MAX_RAMPS)
            break;
        lagsim_ramp_t *r = &sc->ramps[sc->n_ramps++];
        memset(r, 0, sizeof *r);
        r->from = r->to = -1; /* unset until given */
        r->from_multiplier = r->to_multiplier = -1;
        snprintf(r->name, sizeof r->name, "%s", name);
        *created = 1;
        return r;
    case LSI_SEC_EVENT:
        for (unsigned i = 0; i < sc->n_event_types; i++)
            if (strcmp(sc->event_types[i].name, name) == 0)
                return &sc->event_types[i];
        if (sc->n_event_types >= LAGSIM_MAX_EVENT_TYPES)
            break;
        lagsim_event_type_t *e = &sc->event_types[sc->n_event_types++];
        *e = def->event_types[0]; /* priority, payload and route of the default type */
        e->share = 0;
        snprintf(e->name, sizeof e->name, "%s", name);
        *created = 1;
        return e;
    case LSI_SEC_ALERT:
        for (unsigned i = 0; i < sc->n_alerts; i++)
            if (strcmp(sc->alerts[i].name, name) == 0)
                return &sc->alerts[i];
        if (sc->n_alerts >= LAGSIM_MAX_ALERTS)
            break;
        lagsim_alert_t *a = &sc->alerts[sc->n_alerts++];
        memset(a, 0, sizeof *a); /* metric and threshold are required; window 0, not below */
        snprintf(a->name, sizeof a->name, "%s", name);
        *created = 1;
        return a;
    case LSI_SEC_CLIENT:
        for (unsigned i = 0; i < sc->n_clients; i++)
            if (strcmp(sc->clients[i].name, name) == 0)
                return &sc->clients[i];
        if (sc->n_clients >= LAGSIM_MAX_CLIENTS)
            break;
        lagsim_client_t *c = &sc->clients[sc->n_clients++];
        *c = def->clients[0]; /* client conditions; platform (required) sets the SDKs */
        c->share = 0;
        snprintf(c->name, sizeof c->name, "%s", name);
        *created = 1;
        return c;
    /* The single sections set fields of the scenario itself. */
    case LSI_SEC_SCENARIO:
    case LSI_SEC_TRAFFIC:
    case LSI_SEC_REPLAY:
    case LSI_SEC_NETWORK:
    case LSI_SEC_SEGMENT:
    case LSI_SEC_MIXPANEL:
    case LSI_SEC_SAMPLING:
    case LSI_SEC_COUNT:
    default:
        return sc;
    }
    *full = 1;
    return NULL;
}

/*
 * Keys `a` and `b` of a section (numbers, < 0 meaning unset) where exactly
 * one must be given: [burst.NAME] rate or multiplier, [ramp.NAME] from or
 * from_multiplier, to or to_multiplier. given[] holds the item that set
 * each key of the section, by key index.
 */
static int one_of_rule(session *s, const cfg_section *sec, void *base, const cfg_item **given,
                       const char *a, const char *b, int created, lagsim_error_t *err)
{
    const lsi_section_def_t *sd = &lsi_sections[sec->kind];
    const cfg_item *ia = NULL, *ib = NULL;
    double *fa = NULL, *fb = NULL;
    for (size_t ki = 0; ki < sd->n_keys && ki < MAX_KEYS; ki++) {
        double *field = (double *)((char *)base + sd->keys[ki].offset);
        if (strcmp(sd->keys[ki].name, a) == 0) {
            ia = given[ki];
            fa = field;
        }
        if (strcmp(sd->keys[ki].name, b) == 0) {
            ib = given[ki];
            fb = field;
        }
    }
    if (ia && ib) {
        const int as = ia->line == 0, bs = ib->line == 0;
        if (as != bs) { /* a --set of one replaces the file's other */
            if (as)
                *fb = -1;
            else
                *fa = -1;
            return LAGSIM_OK;
        }
        char what[128];
        snprintf(what, sizeof what, "give either '%s' or '%s', not both", a, b);
        return key_error(s, ia > ib ? ia : ib, what, err);
    }
    if (ia)
        *fb = -1;
    else if (ib)
        *fa = -1;
    else if (created) {
        char w[WHERE_MAX];
        where(s, sec->line, sec->set, w, sizeof w);
        lsi_err(err, "%s: [%s]: missing required key '%s' or '%s'", w, sec->name, a, b);
        return LAGSIM_EINVAL;
    }
    return LAGSIM_OK;
}

/*
 * A shorthand key (LSI_K_BOTH: [client.NAME] adblock, proxy) and the pair
 * it sets (NAME_segment, NAME_mixpanel): giving both forms is a mistake,
 * unless one comes from a --set and the other from the file, when the
 * --set wins. The shorthand was applied first (table order); if it is
 * the --set, it is applied again over the file's pair key.
 */
static int shorthand_rule(session *s, const cfg_section *sec, void *base, const cfg_item **given,
                          lsi_value_t *v, lagsim_error_t *err)
{
    const lsi_section_def_t *sd = &lsi_sections[sec->kind];
    for (size_t ki = 0; ki < sd->n_keys && ki + 2 < MAX_KEYS; ki++) {
        const lsi_key_t *k = &sd->keys[ki];
        if (!(k->flags & LSI_K_BOTH) || !given[ki] || ki + 2 >= sd->n_keys)
            continue;
        const cfg_item *pair = given[ki + 1] ? given[ki + 1] : given[ki + 2];
        if (!pair)
            continue;
        const int short_set = given[ki]->line == 0;
        if (short_set == (pair->line == 0)) {
            char what[192];
            snprintf(what, sizeof what, "give either '%s' (both endpoints) or '%s'/'%s', not "
                     "both", k->name, sd->keys[ki + 1].name, sd->keys[ki + 2].name);
            return key_error(s, given[ki] > pair ? given[ki] : pair, what, err);
        }
        lagsim_error_t inner;
        if (short_set && (lsi_key_parse(k, given[ki]->value, v, &inner) != LAGSIM_OK ||
                          lsi_key_store(k, base, v, &inner) != LAGSIM_OK))
            return key_error(s, given[ki], inner.message, err);
    }
    return LAGSIM_OK;
}

/*
 * Applies the checked items to sc. fresh: sc holds the defaults and the
 * first [event.*] ([client.*]) section replaces the default list; else
 * sc is a loaded scenario being overridden.
 */
static int apply_items(session *s, lagsim_scenario_t *sc, int fresh, lagsim_error_t *err)
{
    lagsim_scenario_t *def = malloc(sizeof *def);
    lsi_value_t *v = malloc(sizeof *v);
    int rc = LAGSIM_OK;
    if (!def || !v) {
        lsi_err(err, "out of memory");
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    lagsim_scenario_defaults(def);
    int events_cleared = !fresh, clients_cleared = !fresh;
    /* Each section's live entries, in list order: head[] and items' next. */
    int *head = malloc((s->n_sections ? s->n_sections : 1) * sizeof *head);
    int *tail = malloc((s->n_sections ? s->n_sections : 1) * sizeof *tail);
    if (!head || !tail) {
        free(head);
        free(tail);
        lsi_err(err, "out of memory");
        rc = LAGSIM_ENOMEM;
        goto done;
    }
    for (size_t si = 0; si < s->n_sections; si++)
        head[si] = tail[si] = -1;
    for (size_t ii = 0; ii < s->n_items; ii++) {
        cfg_item *it = &s->items[ii];
        it->next = -1;
        if (it->type != ITEM_ENTRY || it->dead || it->section < 0)
            continue;
        if (tail[it->section] < 0)
            head[it->section] = (int)ii;
        else
            s->items[tail[it->section]].next = (int)ii;
        tail[it->section] = (int)ii;
    }
    char w[WHERE_MAX];
    lagsim_error_t inner;

    for (size_t si = 0; si < s->n_sections && rc == LAGSIM_OK; si++) {
        const cfg_section *sec = &s->sections[si];
        if (sec->dup_line > 0)
            continue;
        if (sec->kind == LSI_SEC_EVENT && !events_cleared) {
            sc->n_event_types = 0;
            events_cleared = 1;
        }
        if (sec->kind == LSI_SEC_CLIENT && !clients_cleared) {
            sc->n_clients = 0;
            clients_cleared = 1;
        }
        int created, full;
        void *base = instance(sc, sec, def, &created, &full);
        where(s, sec->line, sec->set, w, sizeof w);
        if (full) {
            lsi_err(err, "%s: too many [%s.*] sections (at most %u)", w,
                    lsi_sections[sec->kind].name, lsi_sections[sec->kind].max);
            rc = LAGSIM_EINVAL;
            break;
        }
        const lsi_section_def_t *sd = &lsi_sections[sec->kind];
        const cfg_item *given[MAX_KEYS] = {0};
        for (size_t ki = 0; ki < sd->n_keys && ki < MAX_KEYS && rc == LAGSIM_OK; ki++) {
            const lsi_key_t *k = &sd->keys[ki];
            int first = 1;
            for (int ii = head[si]; ii >= 0 && rc == LAGSIM_OK; ii = s->items[ii].next) {
                const cfg_item *it = &s->items[ii];
                if (it->k != k)
                    continue;
                if (first && (k->flags & LSI_K_REPEAT))
                    lsi_key_clear(k, base);
                first = 0;
                if (lsi_key_parse(k, it->value, v, &inner) != LAGSIM_OK ||
                    lsi_key_store(k, base, v, &inner) != LAGSIM_OK)
                    rc = key_error(s, it, inner.message, err);
                given[ki] = it;
            }
        }
        if (rc != LAGSIM_OK)
            break;
        for (size_t ki = 0; created && ki < sd->n_keys; ki++)
            if ((sd->keys[ki].flags & LSI_K_REQUIRED) && !given[ki]) {
                lsi_err(err, "%s: [%s]: missing required key '%s'", w, sec->name,
                        sd->keys[ki].name);
                rc = LAGSIM_EINVAL;
                break;
            }
        if (rc == LAGSIM_OK && sec->kind == LSI_SEC_BURST)
            rc = one_of_rule(s, sec, base, given, "rate", "multiplier", created, err);
        if (rc == LAGSIM_OK && sec->kind == LSI_SEC_RAMP)
            rc = one_of_rule(s, sec, base, given, "from", "from_multiplier", created, err);
        if (rc == LAGSIM_OK && sec->kind == LSI_SEC_RAMP)
            rc = one_of_rule(s, sec, base, given, "to", "to_multiplier", created, err);
        if (rc == LAGSIM_OK && sec->kind == LSI_SEC_CLIENT)
            rc = shorthand_rule(s, sec, base, given, v, err);
    }
    free(head);
    free(tail);
done:
    free(def);
    free(v);
    return rc;
}

/* Runs lagsim_scenario_validate(); a message about "[name] ..." gets that
 * section's location when the session has it. */
static int validate(const session *s, const lagsim_scenario_t *sc, lagsim_error_t *err)
{
    char msg[LAGSIM_ERROR_MAX], w[WHERE_MAX];
    if (lagsim_scenario_validate(sc, msg, sizeof msg) == LAGSIM_OK)
        return LAGSIM_OK;
    const char *close = msg[0] == '[' ? strchr(msg, ']') : NULL;
    const int i = close ? find_section_n(s, msg + 1, (size_t)(close - msg - 1)) : -1;
    if (i >= 0)
        where(s, s->sections[i].line, s->sections[i].set, w, sizeof w);
    else if (s->origin)
        snprintf(w, sizeof w, "%s", s->origin);
    else
        where(s, 0, s->n_sets ? s->sets[s->n_sets - 1] : NULL, w, sizeof w);
    lsi_err(err, "%s: %s", w, msg);
    return LAGSIM_EINVAL;
}

/* ---- Replay file ------------------------------------------------------------------ */

/* The live item that set [replay] file last, or NULL. */
static const cfg_item *replay_file_item(const session *s)
{
    const cfg_item *found = NULL;
    for (size_t i = 0; i < s->n_items; i++) {
        const cfg_item *it = &s->items[i];
        if (it->type == ITEM_ENTRY && !it->dead && it->k && it->section >= 0 &&
            s->sections[it->section].kind == LSI_SEC_REPLAY && strcmp(it->key, "file") == 0)
            found = it;
    }
    return found;
}

/*
 * Makes a replay file given in this session an absolute path: a relative
 * path in a scenario file is relative to that file's directory, one given
 * with --set to the current directory. The absolute path is what `check`
 * writes, so its output loads from anywhere.
 */
static int replay_resolve(const session *s, lagsim_scenario_t *sc, lagsim_error_t *err)
{
    const cfg_item *it = replay_file_item(s);
    if (!it || sc->replay.file[0] == '\0')
        return LAGSIM_OK;
    const char *file = sc->replay.file;
    char joined[2 * LAGSIM_PATH_MAX];
    const char *slash = s->origin ? strrchr(s->origin, '/') : NULL;
    if (file[0] != '/' && it->line > 0 && slash)
        snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - s->origin), s->origin, file);
    else
        snprintf(joined, sizeof joined, "%s", file);
    char *abs = realpath(joined, NULL);
    char what[LAGSIM_ERROR_MAX];
    if (!abs) {
        char why[128];
        if (strerror_r(errno, why, sizeof why) != 0)
            snprintf(why, sizeof why, "error %d", errno);
        snprintf(what, sizeof what, "cannot open '%.200s': %s", joined, why);
        return key_error(s, it, what, err);
    }
    const int fits = strlen(abs) < sizeof sc->replay.file;
    if (fits)
        snprintf(sc->replay.file, sizeof sc->replay.file, "%s", abs);
    free(abs);
    if (!fits)
        return key_error(s, it, "the file's absolute path is too long", err);
    return LAGSIM_OK;
}

/*
 * Reads the whole replay file (lagsim_replay_scan()): a row that is wrong
 * is reported at its own FILE:LINE; a file that cannot be read at the
 * [replay] file key.
 */
static int replay_scan(const session *s, lagsim_scenario_t *sc, lagsim_error_t *err)
{
    char msg[LAGSIM_ERROR_MAX];
    const int rc = lagsim_replay_scan(sc, msg, sizeof msg);
    if (rc == LAGSIM_OK)
        return LAGSIM_OK;
    const cfg_item *it = replay_file_item(s);
    if (rc == LAGSIM_EIO && it) {
        key_error(s, it, msg, err);
    } else if (rc == LAGSIM_EIO) {
        char w[WHERE_MAX];
        where(s, 0, s->n_sets ? s->sets[s->n_sets - 1] : NULL, w, sizeof w);
        lsi_err(err, "%s: [replay] file: %s", w, msg);
    } else {
        lsi_err(err, "%s", msg);
    }
    return rc == LAGSIM_ENOMEM ? LAGSIM_ENOMEM : LAGSIM_EINVAL;
}

/* ---- Public entry points -------------------------------------------------------- */

/*
 * Collects, checks, applies and validates the session's input with
 * sets[0..n_sets) (the replay file is resolved, not scanned). Returns
 * LAGSIM_OK or the first problem in err; *at_validate says whether
 * lagsim_scenario_validate() is what refused. The caller frees s.
 */
static int load_stages(session *s, const char *const *sets, size_t n_sets,
                       lagsim_scenario_t *out, lagsim_error_t *err, int *at_validate)
{
    *at_validate = 0;
    int rc = collect_file(s, err);
    for (size_t i = 0; rc == LAGSIM_OK && i < n_sets; i++)
        if (collect_set(s, sets[i] ? sets[i] : "") != LAGSIM_OK) {
            lsi_err(err, "out of memory");
            rc = LAGSIM_ENOMEM;
        }
    if (rc == LAGSIM_OK)
        rc = check_items(s, err);
    if (rc == LAGSIM_OK) {
        lagsim_scenario_defaults(out);
        rc = apply_items(s, out, 1, err);
    }
    if (rc == LAGSIM_OK)
        rc = replay_resolve(s, out, err);
    if (rc == LAGSIM_OK) {
        rc = validate(s, out, err);
        *at_validate = rc != LAGSIM_OK;
    }
    return rc;
}

/*
 * A scenario refused by lagsim_scenario_validate() with overrides: if the
 * file alone is valid, the blame goes to the first --set that makes it
 * invalid, found by loading the file with sets[0..k) for k = 1, 2, ...:
 * err becomes "--set TEXT: what is wrong". Only on the error path.
 */
static void blame_set(const session *proto, const char *const *sets, size_t n_sets,
                      lagsim_error_t *err)
{
    lagsim_scenario_t *scratch = malloc(sizeof *scratch);
    lagsim_error_t *inner = malloc(sizeof *inner);
    for (size_t k = 0; scratch && inner && k <= n_sets; k++) {
        session *s = calloc(1, sizeof *s);
        if (!s)
            break;
        s->origin = proto->origin;
        s->text = proto->text;
        s->text_len = proto->text_len;
        int at_validate;
        const int rc = load_stages(s, sets, k, scratch, inner, &at_validate);
        session_free(s);
        free(s);
        if (rc == LAGSIM_OK)
            continue;
        if (k > 0 && at_validate) {
            char msg[LAGSIM_ERROR_MAX];
            if (lagsim_scenario_validate(scratch, msg, sizeof msg) != LAGSIM_OK)
                lsi_err(err, "--set %s: %s", sets[k - 1] ? sets[k - 1] : "", msg);
        }
        break;
    }
    free(scratch);
    free(inner);
}

static int load(session *s, const char *const *sets, size_t n_sets, lagsim_scenario_t *out,
                lagsim_error_t *err)
{
    int at_validate;
    int rc = load_stages(s, sets, n_sets, out, err, &at_validate);
    if (rc == LAGSIM_EINVAL && at_validate && n_sets > 0)
        blame_set(s, sets, n_sets, err);
    if (rc == LAGSIM_OK)
        rc = replay_scan(s, out, err);
    session_free(s);
    return rc;
}

/* Loads data[0..len) (may hold NUL bytes, refused at their line). */
static int load_buffer(const char *data, size_t len, const char *origin,
                       const char *const *sets, size_t n_sets, lagsim_scenario_t *out,
                       lagsim_error_t *err)
{
    session *s = calloc(1, sizeof *s);
    if (!s) {
        lsi_err(err, "%s: out of memory", origin);
        return LAGSIM_ENOMEM;
    }
    s->origin = origin;
    s->text = data ? data : "";
    s->text_len = data ? len : 0;
    const int rc = load(s, sets, n_sets, out, err);
    free(s);
    return rc;
}

/*
 * Reads the file at `path` whole, once, with read(2), so FIFOs, devices
 * and /dev/stdin work. Stops early after a chunk holding a NUL byte (the
 * parser refuses it at its line) and refuses a file past LSI_FILE_MAX.
 * On success *data (malloc'd, NUL-terminated) and *len hold the bytes.
 */
static int read_all(const char *path, char **data, size_t *len, lagsim_error_t *err)
{
    char why[128];
    const int fd = open(path, O_RDONLY | O_NOCTTY);
    if (fd < 0) {
        if (strerror_r(errno, why, sizeof why) != 0)
            snprintf(why, sizeof why, "error %d", errno);
        lsi_err(err, "%s: cannot open: %s", path, why);
        return LAGSIM_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        close(fd);
        lsi_err(err, "%s: is a directory, not a scenario file", path);
        return LAGSIM_EIO;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? LAGSIM_OK : LAGSIM_ENOMEM;
    while (rc == LAGSIM_OK) {
        if (n == cap) {
            if (cap >= LSI_FILE_MAX) {
                lsi_err(err, "%s: larger than %zu MiB (not a scenario file?)", path,
                        LSI_FILE_MAX >> 20);
                rc = LAGSIM_EINVAL;
                break;
            }
            char *bigger = realloc(buf, 2 * cap + 1);
            if (!bigger) {
                rc = LAGSIM_ENOMEM;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        const ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            if (strerror_r(errno, why, sizeof why) != 0)
                snprintf(why, sizeof why, "error %d", errno);
            lsi_err(err, "%s: read error: %s", path, why);
            rc = LAGSIM_EIO;
            break;
        }
        if (got == 0)
            break;
        const int has_nul = memchr(buf + n, '\0', (size_t)got) != NULL;
        n += (size_t)got;
        if (has_nul)
            break;
    }
    close(fd);
    if (rc == LAGSIM_ENOMEM)
        lsi_err(err, "%s: out of memory", path);
    if (rc != LAGSIM_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return LAGSIM_OK;
}

int lagsim_config_load_hashed(const char *path, const char *const *sets, size_t n_sets,
                              lagsim_scenario_t *out, uint64_t *hash, lagsim_error_t *err)
{
    lagsim_error_t dummy;
    if (!err)
        err = &dummy;
    char *data = NULL;
    size_t len = 0;
    int rc = read_all(path, &data, &len, err);
    if (rc != LAGSIM_OK)
        return rc;
    if (hash)
        *hash = lagsim_fnv1a64(data, len, 14695981039346656037ull);
    rc = load_buffer(data, len, path, sets, n_sets, out, err);
    free(data);
    return rc;
}

int lagsim_config_load(const char *path, const char *const *sets, size_t n_sets,
                       lagsim_scenario_t *out, lagsim_error_t *err)
{
    return lagsim_config_load_hashed(path, sets, n_sets, out, NULL, err);
}

int lagsim_config_load_buffer(const char *data, size_t len, const char *origin,
                              const char *const *sets, size_t n_sets, lagsim_scenario_t *out,
                              lagsim_error_t *err)
{
    lagsim_error_t dummy;
    return load_buffer(data, len, origin ? origin : "<string>", sets, n_sets, out,
                       err ? err : &dummy);
}

int lagsim_config_load_string(const char *text, const char *origin,
                              const char *const *sets, size_t n_sets,
                              lagsim_scenario_t *out, lagsim_error_t *err)
{
    return lagsim_config_load_buffer(text, text ? strlen(text) : 0, origin, sets, n_sets, out,
                                     err);
}

int lagsim_config_set(lagsim_scenario_t *sc, const char *assignment, lagsim_error_t *err)
{
    lagsim_error_t dummy;
    if (!err)
        err = &dummy;
    session *s = calloc(1, sizeof *s);
    lagsim_scenario_t *copy = malloc(sizeof *copy);
    int rc = LAGSIM_ENOMEM;
    if (!s || !copy) {
        lsi_err(err, "out of memory");
        goto done;
    }
    if (collect_set(s, assignment ? assignment : "") != LAGSIM_OK) {
        lsi_err(err, "out of memory");
        goto done;
    }
    rc = check_items(s, err);
    if (rc == LAGSIM_OK) {
        *copy = *sc;
        rc = apply_items(s, copy, 0, err);
    }
    if (rc == LAGSIM_OK)
        rc = replay_resolve(s, copy, err);
    if (rc == LAGSIM_OK)
        rc = validate(s, copy, err);
    if (rc == LAGSIM_OK)
        rc = replay_scan(s, copy, err);
    if (rc == LAGSIM_OK)
        *sc = *copy;
done:
    if (s)
        session_free(s);
    free(s);
    free(copy);
    return rc;
}
