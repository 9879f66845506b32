/*
 * rng.c - random streams: one GSL generator per model component, seeded
 * from (scenario seed, replication, stream id).
 *
 * The three numbers are mixed with SplitMix64 so that neighbouring
 * replications or streams get unrelated seeds. The default generator is
 * gsl_rng_mt19937, whose seeding uses 32 bits: the 64-bit mix is folded
 * (high half XOR low half) so that every input bit still matters.
 */
#include "lagsim/des.h"

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

uint64_t lagsim_rng_seed(uint64_t seed, uint32_t replication, uint32_t stream_id)
{
    uint64_t h = splitmix64(seed);
    h = splitmix64(h ^ ((uint64_t)replication << 32 | stream_id));
    return splitmix64(h ^ 0x5851f42d4c957f2dull);
}

gsl_rng *lagsim_rng_create(const gsl_rng_type *type, uint64_t seed, uint32_t replication,
                           uint32_t stream_id)
{
    gsl_rng *r = gsl_rng_alloc(type ? type : gsl_rng_mt19937);
    if (!r)
        return NULL;
    const uint64_t s = lagsim_rng_seed(seed, replication, stream_id);
    unsigned long folded = (unsigned long)((s >> 32) ^ (s & 0xffffffffu));
    if (folded == 0)
        folded = 1; /* gsl_rng_set(r, 0) means "the default seed" */
    gsl_rng_set(r, folded);
    return r;
}
