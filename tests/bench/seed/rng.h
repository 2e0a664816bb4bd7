/* SPDX-License-Identifier: EUPL-1.2 */
/* Random numbers for the seed: splitmix64, deterministic for a given --seed
 * (the same seed on the same day gives the same bodies and cases). Every
 * draw takes the state it advances; a case has a state of its own, derived
 * from its seed, so that cases do not depend on each other's draws. */
#ifndef SEED_RNG_H
#define SEED_RNG_H

#include <stdint.h>

static inline uint64_t sm64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 .. n-1 */
static inline uint32_t rnd(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((sm64(s) >> 32) * (uint64_t)n) >> 32);
}

/* lo .. hi, both included */
static inline int rrange(uint64_t *s, int lo, int hi)
{
	return lo + (int)rnd(s, (uint32_t)(hi - lo + 1));
}

/* [0, 1) */
static inline double runit(uint64_t *s)
{
	return (double)(sm64(s) >> 11) * 0x1.0p-53;
}

#endif
