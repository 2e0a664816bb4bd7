/* SPDX-License-Identifier: EUPL-1.2 */
/* Where the steps of a case stand on its page (issue 21 item 2): the two
 * to four that fit the case's state first, the rest under „Inne
 * czynności”, and the court and remedy steps only when the case is in that
 * phase (a remedy or court state, a closed case, or a remedy or court term
 * running); outside it they wait in a collapsed group of their own, but
 * for the few a clerk records on an open case (a court complaint or a
 * ponaglenie on inaction), which stand under „Inne czynności”.
 *
 * The order is data: one row per action in steps.c (its rank among the
 * usual steps, whether it is a remedy or court step). Which steps are
 * offered at all is the lifecycle table's (law/lifecycle.h); this only
 * orders them. Pure: no I/O. */
#ifndef JAWNOSC_CASES_STEPS_H
#define JAWNOSC_CASES_STEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "law/lifecycle.h"

/* At most this many steps are shown first. */
#define STEPS_USUAL_MAX 4

enum step_group {
	STEP_USUAL, /* shown first, open to the eye */
	STEP_OTHER, /* „Inne czynności”, collapsed */
	STEP_COURT, /* „Sąd i środki zaskarżenia”: outside their phase, collapsed */
};

/* Whether a case in `state` with the terms `open` (by kind) is in the
 * remedy or court phase. */
bool steps_remedy_phase(law_state_t state, const bool open[LAW_TERM_COUNT]);

/* The place of each of the `n` steps `acts` offered in `state`: group[i]
 * and order[] (a permutation of 0..n-1: the usual steps by rank, then the
 * others, then the court group, each in the order given). */
void steps_place(law_state_t state, const bool open[LAW_TERM_COUNT], const law_action_t *acts,
                 size_t n, enum step_group *group, size_t *order);

#endif
