/*
 * rng.c - random streams: one GSL generator per model component, seeded
 * from (scenario seed, replication, stream id).
 *
 * Central idea: the three numbers go through SplitMix64's finaliser
 * (Steele, Lea and Flood 2014; the 64-bit mixer of java.util.SplittableRandom)
 * so that neighbouring replications or streams get unrelated seeds:
 *
 *     h = mix(seed)
 *     h = mix(h ^ (replication << 32 | stream_id))
 *     return mix(h ^ C)
 *
 * where mix(x) adds the golden-ratio increment and applies the two
 * xor-shift-multiply rounds. mix is a bijection of 64-bit words, so for one
 * scenario seed the 2^64 pairs (replication, stream) map to 2^64 distinct
 * values; the last round (C is an arbitrary odd constant) keeps
 * (seed, 0, 0) from being a plain function of mix(seed) alone.
 *
 * Every GSL generator seeds from at most 32 bits of its unsigned long seed
 * (mt19937 masks it to 32 bits, taus2 and ranlux run it through a 32-bit
 * LCG), so the 64-bit value is folded (high half XOR low half) rather than
 * truncated: every input bit then still reaches the generator. Folding
 * leaves 2^32 seeds: among k streams, two coincide with probability about
 * k^2 / 2^33 (1e-4 for a thousand streams), which we accept; a generator
 * with a wider seed would have to be seeded outside GSL's interface. The
 * default stays gsl_rng_mt19937 (the header promises it): its period and
 * equidistribution are more than a simulation of this size needs.
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
    gsl_rng *const r = gsl_rng_alloc(type ? type : gsl_rng_mt19937);
    if (!r)
        return NULL;
    const uint64_t s = lagsim_rng_seed(seed, replication, stream_id);
    unsigned long folded = (unsigned long)((s >> 32) ^ (s & 0xffffffffu));
    if (folded == 0)
        folded = 1; /* gsl_rng_set(r, 0) would mean "the type's default seed" */
    gsl_rng_set(r, folded);
    return r;
}
