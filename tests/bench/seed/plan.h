/* SPDX-License-Identifier: EUPL-1.2 */
/* Plans: what happens to a request after it is registered. Each plan is a
 * row of steps (an action of the lifecycle, who takes it, and how many days
 * after the step before it), with a weight in the mix of its kind: most
 * requests are answered within the term, some late, extended, clarified,
 * refused and appealed, withdrawn, at court, stalled. The law core decides
 * whether each step is allowed (sim.c); the plan only proposes it. */
#ifndef SEED_PLAN_H
#define SEED_PLAN_H

#include <stdint.h>

#include "law/lifecycle.h"

#define PLAN_STEPS 10

enum who { BY_CLERK, BY_REQUESTER, BY_MANAGER };

struct pstep {
	law_action_t act; /* 0 ends the plan */
	enum who who;
	short dmin, dmax; /* days after the previous step */
};

struct plan {
	unsigned kinds; /* law_kind_t bits */
	int weight;     /* out of the kind's total */
	struct pstep s[PLAN_STEPS];
};

extern const struct plan plans[];

/* A plan for a request of `kind`, drawn by weight. */
int plan_pick(uint64_t *s, unsigned kind);

#endif
