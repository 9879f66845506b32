/*
 * cli_output.c - where a report is written: stdout, or a file replaced
 * atomically. The report goes to PATH.tmp.PID (created exclusively), which
 * is flushed, synced and renamed onto PATH only when everything was
 * written, so a reader sees the old file or the whole new one, never a
 * part; on any failure the temporary file is removed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int lsi_cli_output_open(lsi_cli_output_t *out, const char *path)
{
    out->f = stdout;
    out->path = path;
    out->tmp = NULL;
    if (!path)
        return LSI_CLI_EXIT_OK;

    const size_t size = strlen(path) + 32;
    out->tmp = malloc(size);
    if (!out->tmp) {
        fputs("lagsim: out of memory\n", stderr);
        return LSI_CLI_EXIT_FAILURE;
    }
    snprintf(out->tmp, size, "%s.tmp.%ld", path, (long)getpid());
    out->f = fopen(out->tmp, "wx");
    if (!out->f) {
        fprintf(stderr, "lagsim: cannot create %s: %s\n", out->tmp, strerror(errno));
        free(out->tmp);
        out->tmp = NULL;
        return LSI_CLI_EXIT_FAILURE;
    }
    return LSI_CLI_EXIT_OK;
}

int lsi_cli_output_close(lsi_cli_output_t *out, int commit)
{
    int status = LSI_CLI_EXIT_OK;
    const char *name = out->tmp ? out->tmp : "standard output";

    if (!out->f)
        return LSI_CLI_EXIT_OK;
    if (commit && (fflush(out->f) != 0 || ferror(out->f))) {
        fprintf(stderr, "lagsim: error writing %s: %s\n", name, strerror(errno));
        status = LSI_CLI_EXIT_FAILURE;
    }
    if (out->tmp) {
        if (commit && status == LSI_CLI_EXIT_OK && fsync(fileno(out->f)) != 0) {
            fprintf(stderr, "lagsim: error writing %s: %s\n", name, strerror(errno));
            status = LSI_CLI_EXIT_FAILURE;
        }
        if (fclose(out->f) != 0 && commit && status == LSI_CLI_EXIT_OK) {
            fprintf(stderr, "lagsim: error writing %s: %s\n", name, strerror(errno));
            status = LSI_CLI_EXIT_FAILURE;
        }
        if (commit && status == LSI_CLI_EXIT_OK && rename(out->tmp, out->path) != 0) {
            fprintf(stderr, "lagsim: cannot rename %s to %s: %s\n", out->tmp, out->path,
                    strerror(errno));
            status = LSI_CLI_EXIT_FAILURE;
        }
        if (!commit || status != LSI_CLI_EXIT_OK)
            remove(out->tmp);
        free(out->tmp);
        out->tmp = NULL;
    }
    out->f = NULL;
    return status;
}
