/* SPDX-License-Identifier: EUPL-1.2 */
/* The text the data is made of: place and person names, request topics,
 * legal bases of refusals, forms and streets. Lists only; which one is
 * drawn where is the model's business (model.c). */
#ifndef SEED_WORDS_H
#define SEED_WORDS_H

#include <stddef.h>
#include <stdint.h>

#include "rng.h"

struct words {
	const char *const *w;
	uint32_t n;
};

static inline const char *pick(uint64_t *s, const struct words *l)
{
	return l->w[rnd(s, l->n)];
}

extern const struct words words_places;     /* the bodies' seats, and requesters' towns */
extern const struct words words_org_types;  /* "Urząd Gminy", ... */
extern const struct words words_requester_orgs;
extern const struct words words_topics;     /* what requests ask about */
extern const struct words words_scopes;     /* where, added to a topic ("" often) */
extern const struct words words_legal_bases;/* of refusals and other decisions */
extern const struct words words_forms;      /* the form of access asked for */
extern const struct words words_streets;

/* The units a body may have; a body takes up to all of them. */
#define UNIT_KINDS 8
extern const struct unit_kind {
	const char *symbol, *name;
} unit_kinds[UNIT_KINDS];

/* A first name and surname of one sex into out[n]. */
void words_person_name(uint64_t *s, char *out, size_t n);

#endif
