/*
 * fuzz_loader.c - libFuzzer target for the scenario loader on whole INI
 * files: the input's bytes, NUL bytes included, go to
 * lagsim_config_load_buffer() with origin "fuzz.ini" and no overrides.
 *
 * Invariants checked (besides ASan/UBSan/LSan finding nothing):
 *  - the return code is LAGSIM_OK, LAGSIM_EINVAL or LAGSIM_ENOMEM;
 *  - on failure err.message is non-empty, NUL-terminated inside the
 *    buffer, and starts with "fuzz.ini:" or "--set", or with '/' (the
 *    absolute path of a [replay] file with a bad row): it names where the
 *    mistake is;
 *  - an input holding a NUL byte, or a carriage return not followed by a
 *    line feed, is refused (never parsed as if the line ended there);
 *  - on success lagsim_config_write() succeeds, its text loads again
 *    without error, and writing that scenario gives identical text (the
 *    write/load round trip is exact).
 * A broken invariant prints the input and the texts, then aborts, so
 * libFuzzer saves the input as a crash artifact.
 *
 * Build and run: make fuzz (see the Makefile).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lagsim/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *input, const char *a, const char *b)
{
    fprintf(stderr, "fuzz_loader: %s\n--- input:\n%s\n", what, input);
    if (a)
        fprintf(stderr, "--- first:\n%s\n", a);
    if (b)
        fprintf(stderr, "--- second:\n%s\n", b);
    abort();
}

/* The scenario written to a malloc'd string; aborts if the writer fails. */
static char *write_text(const lagsim_scenario_t *sc, const char *input)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        abort();
    const int rc = lagsim_config_write(f, sc);
    if (fclose(f) != 0 || rc != LAGSIM_OK)
        fail("lagsim_config_write failed", input, NULL, NULL);
    return buf;
}

/* The error must be set, NUL-terminated and located. */
static void check_error(int rc, const lagsim_error_t *err, const char *input)
{
    if (rc != LAGSIM_EINVAL && rc != LAGSIM_ENOMEM)
        fail("unexpected return code", input, NULL, NULL);
    if (!memchr(err->message, '\0', sizeof err->message))
        fail("error message not NUL-terminated", input, NULL, NULL);
    if (err->message[0] == '\0')
        fail("empty error message", input, NULL, NULL);
    if (rc == LAGSIM_EINVAL && strncmp(err->message, "fuzz.ini:", 9) != 0 &&
        strncmp(err->message, "--set", 5) != 0 && err->message[0] != '/')
        fail("error message does not start with 'fuzz.ini:' or '--set'", input, err->message,
             NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    lagsim_scenario_t *sc = malloc(sizeof *sc), *back = malloc(sizeof *back);
    if (!text || !sc || !back)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';

    lagsim_error_t err;
    memset(&err, 'X', sizeof err); /* so an unset message is seen */
    const int rc = lagsim_config_load_buffer((const char *)data, size, "fuzz.ini", NULL, 0, sc,
                                             &err);
    int bare_cr = 0;
    for (size_t i = 0; i < size; i++)
        bare_cr |= data[i] == '\r' && (i + 1 == size || data[i + 1] != '\n');
    if (rc == LAGSIM_OK && (memchr(data, '\0', size) || bare_cr))
        fail("a NUL byte or a bare CR was accepted", text, NULL, NULL);
    if (rc != LAGSIM_OK) {
        check_error(rc, &err, text);
    } else {
        char *first = write_text(sc, text);
        memset(&err, 'X', sizeof err);
        if (lagsim_config_load_string(first, "fuzz.ini", NULL, 0, back, &err) != LAGSIM_OK)
            fail("written scenario does not load again", text, first, err.message);
        char *second = write_text(back, text);
        if (strcmp(first, second) != 0)
            fail("round trip changed the scenario", text, first, second);
        free(first);
        free(second);
    }
    free(text);
    free(sc);
    free(back);
    return 0;
}
