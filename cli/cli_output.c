/*
 * cli_output.c - where a report is written, and the rules that keep an
 * output from destroying anything.
 *
 * Before anything runs, lsi_cli_outputs_check() looks at every output
 * path (--out, --hist, --series): it must not be an input (the scenario
 * or the replay CSV, compared by device and inode, so a link or another
 * spelling is caught), not a directory, not a block device or socket, its
 * directory must be writable, and no two outputs may name the same file.
 *
 * Then each output is written in one of two ways:
 *  - a regular file (existing or new) is written to TARGET.tmp.PID
 *    (created exclusively, next to the target), flushed, synced and
 *    renamed onto TARGET only when everything was written, so a reader
 *    sees the old file or the whole new one. TARGET is the path with
 *    symbolic links resolved, so a link stays a link and its target gets
 *    the report. An existing file keeps its permission bits (and, when run
 *    as root, its owner).
 *  - a FIFO or a character device (/dev/null, /dev/stdout, a terminal) is
 *    written through: opened for writing as it is, never replaced.
 *
 * Temporary files are listed in a small table that the signal handlers
 * read (cli_signals.c): on a fatal signal (abort, a second interrupt) they
 * are unlinked before the process dies, and every normal exit path removes
 * them through lsi_cli_output_close().
 */
#define _XOPEN_SOURCE 700 /* realpath() */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* ---- Temporary files the signal handlers remove ------------------------------ */

#define TMP_SLOTS 8
static char *volatile tmp_registry[TMP_SLOTS];

static void register_tmp(char *path)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (!tmp_registry[i]) {
            tmp_registry[i] = path;
            return;
        }
}

static void unregister_tmp(const char *path)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (tmp_registry[i] == path)
            tmp_registry[i] = NULL;
}

void lsi_cli_output_unlink_temps(void)
{
    for (int i = 0; i < TMP_SLOTS; i++) {
        char *p = tmp_registry[i];
        if (p)
            unlink(p); /* async-signal-safe */
    }
}

/* ---- Checks before the run --------------------------------------------------- */

/* The identity of an output, to tell two outputs naming one file apart. */
typedef struct out_id {
    const char *option; /* "--out" */
    const char *path;
    int exists;         /* st describes the file itself */
    struct stat st;     /* the file, or (new file) its directory */
    const char *base;   /* new file: its name in that directory */
    char *base_buf;     /* owned copy backing base */
} out_id_t;

static int out_error(const char *option, const char *path, const char *why)
{
    fprintf(stderr, "lagsim: %s %s: %s\n", option, path, why);
    return LSI_CLI_EXIT_USAGE;
}

/* Whether the directory holding `path` (or path itself, when is_dir)
 * allows creating a file; fills *dir_st. Returns an exit status. */
static int check_dir(const char *option, const char *path, struct stat *dir_st)
{
    char *copy = strdup(path);
    if (!copy) {
        fputs("lagsim: out of memory\n", stderr);
        return LSI_CLI_EXIT_FAILURE;
    }
    const char *dir = dirname(copy);
    char why[512];
    int status = LSI_CLI_EXIT_OK;
    if (stat(dir, dir_st) != 0) {
        snprintf(why, sizeof why, "cannot use directory %s: %s", dir, strerror(errno));
        status = out_error(option, path, why);
    } else if (!S_ISDIR(dir_st->st_mode)) {
        snprintf(why, sizeof why, "%s is not a directory", dir);
        status = out_error(option, path, why);
    } else if (access(dir, W_OK | X_OK) != 0) {
        snprintf(why, sizeof why, "directory %s is not writable: %s", dir, strerror(errno));
        status = out_error(option, path, why);
    }
    free(copy);
    return status;
}

/* Checks one output path and fills *id. Returns an exit status. */
static int check_one(const char *option, const char *path, const struct stat *inputs,
                     const char *const *input_names, size_t n_inputs, out_id_t *id)
{
    memset(id, 0, sizeof *id);
    id->option = option;
    id->path = path;
    if (path[0] == '\0')
        return out_error(option, "''", "empty file name");
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return out_error(option, path, strerror(errno));
        struct stat lst;
        if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode))
            return out_error(option, path,
                             "a symbolic link to a missing file (refused: give the target)");
        const int status = check_dir(option, path, &id->st);
        if (status != LSI_CLI_EXIT_OK)
            return status;
        char *copy = strdup(path);
        if (!copy) {
            fputs("lagsim: out of memory\n", stderr);
            return LSI_CLI_EXIT_FAILURE;
        }
        id->base_buf = copy;
        id->base = basename(copy);
        return LSI_CLI_EXIT_OK;
    }
    id->exists = 1;
    id->st = st;
    for (size_t i = 0; i < n_inputs; i++)
        if (st.st_dev == inputs[i].st_dev && st.st_ino == inputs[i].st_ino) {
            char why[256];
            snprintf(why, sizeof why, "is the %s; refusing to overwrite an input",
                     input_names[i]);
            return out_error(option, path, why);
        }
    if (S_ISDIR(st.st_mode))
        return out_error(option, path, "is a directory (give a file name)");
    if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))
        return LSI_CLI_EXIT_OK; /* written through */
    if (!S_ISREG(st.st_mode))
        return out_error(option, path,
                         "not a regular file, FIFO or character device (refused)");
    /* A regular file is replaced by a rename in the directory of its
     * target (the link resolved). */
    char *target = realpath(path, NULL);
    if (!target)
        return out_error(option, path, strerror(errno));
    struct stat dir_st;
    const int status = check_dir(option, target, &dir_st);
    free(target);
    return status;
}

/* Whether two outputs name the same file. */
static int same_output(const out_id_t *a, const out_id_t *b)
{
    if (a->exists != b->exists)
        return 0;
    if (a->st.st_dev != b->st.st_dev || a->st.st_ino != b->st.st_ino)
        return 0;
    return a->exists || strcmp(a->base, b->base) == 0;
}

int lsi_cli_outputs_check(const lsi_cli_opts_t *o, const lagsim_scenario_t *sc)
{
    const char *options[3] = {"--out", "--hist", "--series"};
    const char *paths[3] = {o->out, o->hist, o->series};
    struct stat inputs[2];
    const char *input_names[2];
    size_t n_inputs = 0;
    if (o->scenario && stat(o->scenario, &inputs[n_inputs]) == 0)
        input_names[n_inputs++] = "scenario file";
    if (sc && sc->replay.file[0] && stat(sc->replay.file, &inputs[n_inputs]) == 0)
        input_names[n_inputs++] = "replay CSV file";

    out_id_t ids[3];
    size_t n = 0;
    int status = LSI_CLI_EXIT_OK;
    for (size_t i = 0; i < 3 && status == LSI_CLI_EXIT_OK; i++) {
        if (!paths[i])
            continue;
        status = check_one(options[i], paths[i], inputs, input_names, n_inputs, &ids[n]);
        n++;
        for (size_t j = 0; j + 1 < n && status == LSI_CLI_EXIT_OK; j++) {
            const out_id_t *a = &ids[j], *b = &ids[n - 1];
            /* Two outputs to one character device (/dev/null) are harmless. */
            if (same_output(a, b) && !(a->exists && S_ISCHR(a->st.st_mode))) {
                char why[256];
                snprintf(why, sizeof why, "names the same file as %s %s", a->option, a->path);
                status = out_error(b->option, b->path, why);
            }
        }
    }
    for (size_t i = 0; i < n; i++)
        free(ids[i].base_buf);
    return status;
}

/* ---- Writing ------------------------------------------------------------------ */

/* Opens a FIFO or character device for writing through. */
static int open_direct(lsi_cli_output_t *out, const char *path)
{
    const int fd = open(path, O_WRONLY | O_NOCTTY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !(S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode))) {
        fprintf(stderr, "lagsim: cannot open %s: %s\n", path,
                fd < 0 ? strerror(errno) : "no longer a FIFO or character device");
        if (fd >= 0)
            close(fd);
        return LSI_CLI_EXIT_FAILURE;
    }
    out->f = fdopen(fd, "w");
    if (!out->f) {
        fprintf(stderr, "lagsim: cannot open %s: %s\n", path, strerror(errno));
        close(fd);
        return LSI_CLI_EXIT_FAILURE;
    }
    out->direct = 1;
    return LSI_CLI_EXIT_OK;
}

int lsi_cli_output_open(lsi_cli_output_t *out, const char *path)
{
    memset(out, 0, sizeof *out);
    out->f = stdout;
    out->path = path;
    if (!path)
        return LSI_CLI_EXIT_OK;
    out->f = NULL;

    struct stat st;
    const int exists = stat(path, &st) == 0;
    if (exists && (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)))
        return open_direct(out, path);
    if (exists && !S_ISREG(st.st_mode)) {
        fprintf(stderr, "lagsim: cannot write %s: not a regular file\n", path);
        return LSI_CLI_EXIT_FAILURE;
    }
    /* The file the rename replaces: the link's target for a symbolic link. */
    out->target = exists ? realpath(path, NULL) : strdup(path);
    const size_t size = out->target ? strlen(out->target) + 32 : 0;
    out->tmp = out->target ? malloc(size) : NULL;
    if (!out->tmp) {
        fprintf(stderr, "lagsim: cannot open %s: %s\n", path,
                out->target ? "out of memory" : strerror(errno));
        free(out->target);
        out->target = NULL;
        return LSI_CLI_EXIT_FAILURE;
    }
    snprintf(out->tmp, size, "%s.tmp.%ld", out->target, (long)getpid());
    lsi_cli_signals_install(); /* so a signal removes the temporary file */
    const int fd = open(out->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOCTTY, 0666);
    if (fd >= 0)
        register_tmp(out->tmp);
    if (fd >= 0 && exists) { /* keep the permission bits, and the owner if we can */
        if (geteuid() == 0 && (st.st_uid != 0 || st.st_gid != 0))
            (void)!fchown(fd, st.st_uid, st.st_gid);
        (void)!fchmod(fd, st.st_mode & 07777);
    }
    out->f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out->f) {
        fprintf(stderr, "lagsim: cannot create %s: %s\n", out->tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(out->tmp);
            unregister_tmp(out->tmp);
        }
        free(out->tmp);
        free(out->target);
        out->tmp = out->target = NULL;
        return LSI_CLI_EXIT_FAILURE;
    }
    return LSI_CLI_EXIT_OK;
}

int lsi_cli_output_close(lsi_cli_output_t *out, int commit)
{
    int status = LSI_CLI_EXIT_OK;
    const char *name = out->tmp ? out->tmp : out->path ? out->path : "standard output";

    if (!out->f)
        return LSI_CLI_EXIT_OK;
    if (commit && (fflush(out->f) != 0 || ferror(out->f))) {
        fprintf(stderr, "lagsim: error writing %s: %s\n", name, strerror(errno));
        status = LSI_CLI_EXIT_FAILURE;
    }
    if (out->direct) {
        if (fclose(out->f) != 0 && commit && status == LSI_CLI_EXIT_OK) {
            fprintf(stderr, "lagsim: error writing %s: %s\n", name, strerror(errno));
            status = LSI_CLI_EXIT_FAILURE;
        }
    } else if (out->tmp) {
        if (commit && status == LSI_CLI_EXIT_OK && fsync(fileno(out->f)) != 0) {
            fprintf(stderr, "lagsim: error writing %s: %s\n", name, strerror(errno));
            status = LSI_CLI_EXIT_FAILURE;
        }
        if (fclose(out->f) != 0 && commit && status == LSI_CLI_EXIT_OK) {
            fprintf(stderr, "lagsim: error writing %s: %s\n", name, strerror(errno));
            status = LSI_CLI_EXIT_FAILURE;
        }
        if (commit && status == LSI_CLI_EXIT_OK && rename(out->tmp, out->target) != 0) {
            fprintf(stderr, "lagsim: cannot rename %s to %s: %s\n", out->tmp, out->target,
                    strerror(errno));
            status = LSI_CLI_EXIT_FAILURE;
        }
        if (!commit || status != LSI_CLI_EXIT_OK)
            unlink(out->tmp);
        unregister_tmp(out->tmp);
        free(out->tmp);
        free(out->target);
        out->tmp = out->target = NULL;
    }
    out->f = NULL;
    return status;
}
