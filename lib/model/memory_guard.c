/*
 * memory_guard.c - the process-wide memory figure that --max-memory is
 * held to: the bytes the whole process has allocated, all threads
 * together, read from the allocator's own statistics (glibc's
 * mallinfo2(), or the sanitizer allocator's counter in ASan builds). With
 * neither available it falls back to the sum of the simulation state
 * (pools, engine queue, series) of every run in progress in the process,
 * which each run keeps up to date as it grows (lsi_memory_note()).
 *
 * A run reads it every few thousand engine events (run.c), so a dense
 * simulated second cannot overshoot the limit by much, and parallel
 * replications share one limit instead of each having its own.
 */
#include <stdatomic.h>

#include "model/model_internal.h"

#if defined(__SANITIZE_ADDRESS__)
#define LSI_ASAN_ALLOCATOR 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LSI_ASAN_ALLOCATOR 1
#endif
#endif

#if defined(LSI_ASAN_ALLOCATOR)
#include <stddef.h>
/* From the sanitizer runtime (sanitizer/allocator_interface.h, which not
 * every compiler installs). */
size_t __sanitizer_get_current_allocated_bytes(void);
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define LSI_GLIBC_MALLINFO2 1
#endif

static _Atomic uint64_t state_total; /* bytes of state of the runs in progress */

void lsi_memory_note(uint64_t *held, uint64_t now_bytes)
{
    if (now_bytes >= *held)
        atomic_fetch_add(&state_total, now_bytes - *held);
    else
        atomic_fetch_sub(&state_total, *held - now_bytes);
    *held = now_bytes;
}

uint64_t lagsim_process_memory(void)
{
    const uint64_t state = atomic_load(&state_total);
    uint64_t heap = 0;
#if defined(LSI_ASAN_ALLOCATOR)
    heap = (uint64_t)__sanitizer_get_current_allocated_bytes();
#elif defined(LSI_GLIBC_MALLINFO2)
    const struct mallinfo2 mi = mallinfo2();
    heap = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
#endif
    return heap > state ? heap : state;
}
