/* SPDX-License-Identifier: EUPL-1.2 */
/* A 64-bit FNV-1a hash of a string: table slots and statement names, not
 * security (compare the text itself where a collision matters). */
#ifndef JAWNOSC_CORE_HASH_H
#define JAWNOSC_CORE_HASH_H

#include <stdint.h>

static inline uint64_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

#endif
