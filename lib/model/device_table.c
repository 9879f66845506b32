/*
 * device_table.c - where a device's SDK state lives: the slots of
 * lsi_client_t records, and how (user, path) finds its slot.
 *
 * A device has a slot only while it holds something (client.c frees it
 * when idle); slots are handed out as in pool.c (the free list first,
 * then never-used slots). The lookup is one of two structures, chosen
 * for the run by lsi_clients_init():
 *  - a direct index, (user << shift) + (path & shift) -> slot + 1, when
 *    the scenario's users are few enough (LSI_INDEX_MAX keys: 8 MB at
 *    most, of which only the pages of users who fire are touched): one
 *    read, of an entry the workload prefetched while it drew the event;
 *  - an open-addressing hash table keyed by user * 2 + path, for larger
 *    user counts, and for runs in which a server process may exit: its
 *    shutdown flushes its devices in the order of the table's entries
 *    (client.c's on_shutdown()), which the table keeps exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

#define INITIAL_SLOTS 1024

/*
 * The hash table: open addressing with linear probing, at most half
 * full, without tombstones. An entry holds the slot and the low 32 bits of
 * the key's hash: the hash gives the entry's home (hash & mask; the table
 * never has more than 2^32 entries), so a probe reads a slot's key only
 * when the hashes match, and growing and deleting never read a slot at
 * all. Each slot read is a likely cache miss (the slots of a burst's
 * devices span megabytes); the table's entries are read in order.
 */
static inline uint32_t key_hash(uint64_t key)
{
    return (uint32_t)lsi_mix64(key);
}

static void table_clear(lsi_table_entry_t *t, uint32_t size)
{
    for (uint32_t i = 0; i < size; i++)
        t[i] = (lsi_table_entry_t){.slot = LSI_NIL, .hash = 0};
}

/* 1 if a server process of the run may exit and flush (the condition on
 * which client.c's lsi_clients_start() schedules on_shutdown()). */
static int shutdown_flushes(const lagsim_scenario_t *sc, enum lagsim_mode mode)
{
    for (unsigned k = 0; k < sc->n_clients; k++)
        if ((mode != LAGSIM_MODE_DEVICE && sc->clients[k].sdk[LAGSIM_MODE_CLOUD].flush_at_shutdown) ||
            (mode != LAGSIM_MODE_CLOUD && sc->clients[k].sdk[LAGSIM_MODE_DEVICE].flush_at_shutdown))
            return 1;
    return 0;
}

int lsi_clients_init(lsi_clients_t *cs, const lagsim_scenario_t *sc, enum lagsim_mode mode)
{
    cs->slot = NULL;
    cs->slot_mem = NULL;
    cs->cap = cs->used = cs->live = 0;
    cs->free_head = LSI_NIL;
    cs->index = NULL;
    cs->table = NULL;
    cs->table_mask = 0;
    /* Only a hybrid run has two devices a user. */
    cs->shift = mode == LAGSIM_MODE_HYBRID ? 1u : 0u;
    if (sc->users <= (LSI_INDEX_MAX >> cs->shift) && !shutdown_flushes(sc, mode)) {
        /* calloc: the pages of users who never fire stay untouched. */
        cs->index = calloc((size_t)sc->users << cs->shift, sizeof *cs->index);
        return cs->index ? LAGSIM_OK : LAGSIM_ENOMEM;
    }
    cs->table = malloc(2 * INITIAL_SLOTS * sizeof *cs->table);
    if (!cs->table)
        return LAGSIM_ENOMEM;
    cs->table_mask = 2 * INITIAL_SLOTS - 1;
    table_clear(cs->table, cs->table_mask + 1);
    return LAGSIM_OK;
}

void lsi_clients_free(lsi_clients_t *cs)
{
    free(cs->slot_mem);
    free(cs->index);
    free(cs->table);
    cs->slot = NULL;
    cs->slot_mem = NULL;
    cs->index = NULL;
    cs->table = NULL;
}

uint64_t lsi_clients_bytes(const lsi_clients_t *cs, uint64_t users)
{
    const uint64_t lookup = cs->index ? (users << cs->shift) * sizeof *cs->index
                                      : ((uint64_t)cs->table_mask + 1) * sizeof *cs->table;
    return (uint64_t)cs->cap * sizeof(lsi_client_t) + lookup;
}

/* The direct index's entry of (user, path). */
static inline uint32_t *index_entry(const lsi_clients_t *cs, uint64_t user, unsigned path)
{
    return &cs->index[(user << cs->shift) + (path & cs->shift)];
}

/* The slot of `key` or LSI_NIL; *pos is its entry, or the empty entry
 * where it would go. */
static uint32_t table_find(const lsi_clients_t *cs, uint64_t key, uint32_t *pos)
{
    const uint32_t h = key_hash(key);
    const lsi_table_entry_t *const t = cs->table;
    uint32_t i = h & cs->table_mask;
    for (;;) {
        const uint32_t s = t[i].slot;
        if (s == LSI_NIL || (t[i].hash == h && cs->slot[s].key == key)) {
            *pos = i;
            return s;
        }
        i = (i + 1) & cs->table_mask;
    }
}

void lsi_clients_prefetch(const lsi_clients_t *cs, uint64_t user, unsigned path)
{
#if defined(__GNUC__)
    if (cs->index)
        __builtin_prefetch(index_entry(cs, user, path));
    else
        __builtin_prefetch(&cs->table[key_hash(user * 2 + path) & cs->table_mask]);
#else
    (void)cs;
    (void)user;
    (void)path;
#endif
}

static int table_grow(lsi_clients_t *cs)
{
    const uint32_t size = (cs->table_mask + 1) * 2;
    lsi_table_entry_t *t = malloc((size_t)size * sizeof *t);
    if (!t)
        return LAGSIM_ENOMEM;
    table_clear(t, size);
    for (uint32_t i = 0; i <= cs->table_mask; i++) {
        const lsi_table_entry_t e = cs->table[i];
        if (e.slot == LSI_NIL)
            continue;
        uint32_t j = e.hash & (size - 1);
        while (t[j].slot != LSI_NIL)
            j = (j + 1) & (size - 1);
        t[j] = e;
    }
    free(cs->table);
    cs->table = t;
    cs->table_mask = size - 1;
    return LAGSIM_OK;
}

/* Removes table entry `pos`, shifting back the entries after it
 * (linear-probing deletion without tombstones). */
static void table_remove(lsi_clients_t *cs, uint32_t pos)
{
    lsi_table_entry_t *const t = cs->table;
    const uint32_t mask = cs->table_mask;
    uint32_t i = pos, j = pos;
    t[i].slot = LSI_NIL;
    for (;;) {
        j = (j + 1) & mask;
        if (t[j].slot == LSI_NIL)
            return;
        const uint32_t home = t[j].hash & mask;
        /* Entry j may move to i if its home is not in (i, j]. */
        if ((j > i && (home <= i || home > j)) || (j < i && (home <= i && home > j))) {
            t[i] = t[j];
            t[j].slot = LSI_NIL;
            i = j;
        }
    }
}

/*
 * Grows the slots to `want`, 64-byte aligned (a record's hot line is one
 * cache line): realloc of LSI_CLIENT_LINE bytes more (a large block's
 * pages move without being touched), and a memmove of the used slots when
 * the block came back at another alignment.
 */
static int slots_grow(lsi_clients_t *cs, uint32_t want)
{
    const size_t old_off = cs->slot_mem ? (size_t)((char *)cs->slot - (char *)cs->slot_mem) : 0;
    char *mem = realloc(cs->slot_mem, (size_t)want * sizeof(lsi_client_t) + LSI_CLIENT_LINE);
    if (!mem)
        return LAGSIM_ENOMEM;
    const size_t off = (size_t)(-(uintptr_t)mem & (LSI_CLIENT_LINE - 1));
    if (off != old_off && cs->used > 0)
        memmove(mem + off, mem + old_off, (size_t)cs->used * sizeof(lsi_client_t));
    cs->slot_mem = mem;
    cs->slot = (lsi_client_t *)(void *)(mem + off);
    cs->cap = want;
    return LAGSIM_OK;
}

/* A free device slot (gen 0 when never used), LSI_NIL when out of memory.
 * As in pool.c: the free list first, then never-used slots, and growth
 * touches no new slot. */
static uint32_t slot_alloc(lsi_clients_t *cs)
{
    uint32_t s = cs->free_head;
    if (s != LSI_NIL) {
        cs->free_head = cs->slot[s].next_free;
    } else {
        if (cs->used == cs->cap) {
            const uint64_t want = cs->cap ? (uint64_t)cs->cap * 2 : INITIAL_SLOTS;
            if (want >= LSI_NIL || slots_grow(cs, (uint32_t)want) != LAGSIM_OK)
                return LSI_NIL;
        }
        s = cs->used++;
        cs->slot[s].gen = 0;
    }
    cs->live++;
    return s;
}

uint32_t lsi_clients_get(lsi_clients_t *cs, uint64_t user, unsigned path, int *created)
{
    const uint64_t key = user * 2 + path;
    uint32_t s;
    *created = 0;
    if (cs->index) {
        uint32_t *const e = index_entry(cs, user, path);
        if (*e != 0)
            return *e - 1;
        s = slot_alloc(cs);
        if (s == LSI_NIL)
            return LSI_NIL;
        *e = s + 1;
    } else {
        uint32_t pos;
        s = table_find(cs, key, &pos);
        if (s != LSI_NIL)
            return s;
        if ((uint64_t)(cs->live + 1) * 2 > cs->table_mask) {
            if (table_grow(cs) != LAGSIM_OK)
                return LSI_NIL;
            table_find(cs, key, &pos);
        }
        s = slot_alloc(cs);
        if (s == LSI_NIL)
            return LSI_NIL;
        cs->table[pos] = (lsi_table_entry_t){.slot = s, .hash = key_hash(key)};
    }
    cs->slot[s].key = key;
    cs->slot[s].path = (uint8_t)path;
    *created = 1;
    return s;
}

void lsi_clients_remove(lsi_clients_t *cs, uint32_t s)
{
    lsi_client_t *c = &cs->slot[s];
    if (cs->index) {
        *index_entry(cs, c->key / 2, c->path) = 0;
    } else {
        uint32_t pos;
        table_find(cs, c->key, &pos);
        table_remove(cs, pos);
    }
    c->gen++;
    c->next_free = cs->free_head;
    cs->free_head = s;
    cs->live--;
}
