/*
 * test_device_table.c - how a device's (user, path) finds its slot
 * (lib/model/device_table.c), through the direct index and through the
 * hash table: a random walk of lookups and frees, many users on both
 * paths, checked against a naive reference (a plain list of live keys
 * and their slots, searched one by one). Every live key keeps its slot
 * until freed, no two live keys share one, a freed key gets a new slot,
 * the record's key and path are the device's, and records stay 64-byte
 * aligned as the slots grow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "model/model_internal.h"

/* The reference: live keys and the slot each was given. */
typedef struct naive {
    uint64_t *key;
    uint32_t *slot;
    uint32_t n;
} naive_t;

static uint32_t naive_find(const naive_t *r, uint64_t key)
{
    for (uint32_t i = 0; i < r->n; i++)
        if (r->key[i] == key)
            return i;
    return LSI_NIL;
}

/* A 64-bit LCG (Knuth's MMIX constants): the walk's own randomness. */
static uint64_t next_rand(uint64_t *x)
{
    *x = *x * 6364136223846793005ull + 1442695040888963407ull;
    return *x >> 17;
}

/*
 * `steps` random operations on `keys` distinct (user, path) pairs, users
 * spread over [0, users) by a multiplier: a lookup (adding the device if
 * absent) three times in four, else a free of a live device.
 */
static void walk(lsi_clients_t *cs, uint64_t users, int both_paths, unsigned fixed_path,
                 uint32_t keys, uint32_t steps)
{
    naive_t r = {malloc(keys * sizeof *r.key), malloc(keys * sizeof *r.slot), 0};
    assert_non_null(r.key);
    assert_non_null(r.slot);
    uint64_t x = 12345;
    uint32_t created_total = 0, max_live = 0;
    for (uint32_t step = 0; step < steps; step++) {
        const uint32_t k = (uint32_t)(next_rand(&x) % keys);
        const uint64_t user = ((uint64_t)(both_paths ? k / 2 : k) * 2654435761u) % users;
        const unsigned path = both_paths ? k % 2 : fixed_path;
        const uint64_t key = user * 2 + path;
        const uint32_t at = naive_find(&r, key);
        if (next_rand(&x) % 4 == 3) {
            if (at == LSI_NIL || r.n == 0)
                continue;
            /* Free a live device picked at random (not always this one). */
            const uint32_t victim = (uint32_t)(next_rand(&x) % r.n);
            lsi_clients_remove(cs, r.slot[victim]);
            r.key[victim] = r.key[r.n - 1];
            r.slot[victim] = r.slot[r.n - 1];
            r.n--;
            assert_int_equal(cs->live, r.n);
            continue;
        }
        int created = -1;
        const uint32_t s = lsi_clients_get(cs, user, path, &created);
        assert_int_not_equal(s, LSI_NIL);
        if (at != LSI_NIL) {
            assert_int_equal(created, 0);
            assert_int_equal(s, r.slot[at]);
        } else {
            assert_int_equal(created, 1);
            for (uint32_t i = 0; i < r.n; i++)
                assert_int_not_equal(r.slot[i], s);
            r.key[r.n] = key;
            r.slot[r.n++] = s;
            created_total++;
        }
        assert_true(s < cs->used);
        assert_int_equal((uintptr_t)&cs->slot[s] % LSI_CLIENT_LINE, 0);
        assert_int_equal(cs->slot[s].key, key);
        assert_int_equal(cs->slot[s].path, path);
        assert_int_equal(cs->live, r.n);
        if (r.n > max_live)
            max_live = r.n;
    }
    /* Every live key still finds its own slot at the end. */
    for (uint32_t i = 0; i < r.n; i++) {
        int created = -1;
        assert_int_equal(lsi_clients_get(cs, r.key[i] / 2, (unsigned)(r.key[i] % 2), &created),
                         r.slot[i]);
        assert_int_equal(created, 0);
    }
    /* The walk did what it is for: many devices, many frees. */
    assert_true(max_live > 1500);
    assert_true(created_total > keys);
    free(r.key);
    free(r.slot);
}

static void check(const lagsim_scenario_t *sc, enum lagsim_mode mode, int indexed, int both_paths,
                  unsigned fixed_path)
{
    lsi_clients_t cs;
    assert_int_equal(lsi_clients_init(&cs, sc, mode), LAGSIM_OK);
    assert_int_equal(cs.index != NULL, indexed);
    assert_int_equal(cs.table != NULL, !indexed);
    walk(&cs, sc->users, both_paths, fixed_path, 3000, 40000);
    lsi_clients_free(&cs);
}

/* 50,000 users: a direct index, two devices a user in a hybrid run. */
static void few_users_hybrid_use_the_index(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.users = 50000;
    check(&sc, LAGSIM_MODE_HYBRID, 1, 1, 0);
}

/* One device a user (device mode): the index holds one entry a user. */
static void few_users_one_mode_use_the_index(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.users = 3000; /* every user of the walk: the index's last entry is used */
    check(&sc, LAGSIM_MODE_DEVICE, 1, 0, LAGSIM_MODE_DEVICE);
    check(&sc, LAGSIM_MODE_CLOUD, 1, 0, LAGSIM_MODE_CLOUD);
}

/* Beyond LSI_INDEX_MAX keys, the hash table (grown past its first size
 * by the walk's live devices). */
static void many_users_use_the_table(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.users = (uint64_t)1 << 40;
    check(&sc, LAGSIM_MODE_HYBRID, 0, 1, 0);
    sc.users = LSI_INDEX_MAX / 2 + 1;
    check(&sc, LAGSIM_MODE_HYBRID, 0, 1, 0);
}

/* A run whose server may exit and flush keeps the table whatever its
 * user count: the exit flushes devices in the table's order. */
static void a_flush_at_shutdown_keeps_the_table(void **state)
{
    (void)state;
    lagsim_scenario_t sc;
    lagsim_scenario_defaults(&sc);
    sc.users = 50000;
    sc.clients[0].sdk[LAGSIM_MODE_DEVICE].flush_at_shutdown = 1;
    check(&sc, LAGSIM_MODE_DEVICE, 0, 0, LAGSIM_MODE_DEVICE);
    /* Only the SDK of the run's path counts. */
    check(&sc, LAGSIM_MODE_CLOUD, 1, 0, LAGSIM_MODE_CLOUD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(few_users_hybrid_use_the_index),
        cmocka_unit_test(few_users_one_mode_use_the_index),
        cmocka_unit_test(many_users_use_the_table),
        cmocka_unit_test(a_flush_at_shutdown_keeps_the_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
