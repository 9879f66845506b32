/*
 * file_hash.c - a content hash of a scenario file, for the manifest that
 * records which file a report came from: FNV-1a 64 over the file's bytes
 * exactly as stored (offset basis 14695981039346656037, prime
 * 1099511628211). Not cryptographic: it tells edits apart, it does not
 * resist forgery.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/config_internal.h"

#define FNV64_OFFSET 14695981039346656037ull
#define FNV64_PRIME 1099511628211ull

uint64_t lagsim_fnv1a64(const void *data, size_t n, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= FNV64_PRIME;
    }
    return h;
}

int lagsim_config_file_hash(const char *path, uint64_t *out, lagsim_error_t *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        lsi_err(err, "%s: %s", path, strerror(errno));
        return LAGSIM_EIO;
    }
    uint64_t h = FNV64_OFFSET;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = lagsim_fnv1a64(buf, n, h);
    const int failed = ferror(f);
    fclose(f);
    if (failed) {
        lsi_err(err, "%s: read error", path);
        return LAGSIM_EIO;
    }
    *out = h;
    return LAGSIM_OK;
}
