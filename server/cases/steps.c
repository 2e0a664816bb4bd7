/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/steps.h"

#include <stdint.h>
#include <stdlib.h>

#define S(x) (UINT64_C(1) << LAW_STATE_##x)

/* One row per action that is ever among the usual steps, or that is a
 * remedy or court step. rank: 1 first; 0 never among the usual steps.
 * remedy: a remedy or court step, usual only in that phase. reach: outside
 * its phase still under „Inne czynności” (what a clerk records on an open
 * case: the complaint on inaction, PPSA art. 3 §2 pkt 8; the ponaglenie,
 * KPA art. 37). only: the states it is usual in (0: wherever offered).
 * An action without a row is one of „Inne czynności”. */
static const struct step_place {
	law_action_t action;
	int rank;
	bool remedy, reach;
	uint64_t only;
} places[] = {
    /* The requester's answer the case waits for. */
    {LAW_ACT_RECORD_CLARIFICATION, 1, false, false, 0},
    {LAW_ACT_RECORD_COMPLETION, 1, false, false, 0},
    {LAW_ACT_RECORD_INTEREST, 1, false, false, 0},
    {LAW_ACT_RECORD_IDENTITY, 1, false, false, 0},
    {LAW_ACT_CHANGE_FORM, 1, false, false, 0},
    {LAW_ACT_REQUEST_POSSIBLE_FORM, 1, false, false, 0},
    {LAW_ACT_ACCEPT_OFFER, 1, false, false, 0},
    {LAW_ACT_OBJECT_TO_OFFER, 2, false, false, 0},
    /* Offered only while their 7 days run (KPA art. 37 §4-5). */
    {LAW_ACT_FORWARD_PONAGLENIE, 3, false, false, 0},
    {LAW_ACT_DECIDE_PONAGLENIE, 3, false, false, 0},
    /* Dealing with the request. */
    {LAW_ACT_PROVIDE, 5, false, false, 0},
    {LAW_ACT_TRANSFER, 5, false, false, 0},
    {LAW_ACT_RELEASE_AFTER_FEE, 5, false, false, 0},
    {LAW_ACT_DECIDE_CONDITIONS, 5, false, false, 0},
    {LAW_ACT_OFFER, 7, false, false, 0},
    {LAW_ACT_ASSIGN, 8, false, false, S(RECEIVED)},
    {LAW_ACT_RECORD_DELIVERY, 10, false, false, 0},
    {LAW_ACT_CALL_TO_CLARIFY, 11, false, false, 0},
    {LAW_ACT_CALL_TO_COMPLETE, 11, false, false, 0},
    {LAW_ACT_EXTEND, 12, false, false, 0},
    {LAW_ACT_REFUSE, 13, false, false, 0},
    {LAW_ACT_LEAVE_UNPROCESSED, 15, false, false, 0},
    {LAW_ACT_OFFER_WINDOW_EXPIRED, 15, false, false, 0},
    {LAW_ACT_DISCONTINUE, 15, false, false, 0},
    /* Remedies (KPA art. 127-138, 37; UDIP art. 16 ust. 2, art. 21). */
    {LAW_ACT_RECORD_SIGNATURE, 1, true, false, 0},
    {LAW_ACT_CALL_TO_SIGN, 5, true, false, 0},
    {LAW_ACT_FORWARD_APPEAL, 5, true, false, 0},
    {LAW_ACT_DECIDE_RECONSIDERATION, 5, true, false, 0},
    {LAW_ACT_APPEAL, 12, true, false, 0},
    {LAW_ACT_REQUEST_RECONSIDERATION, 12, true, false, 0},
    {LAW_ACT_REMEDY_WINDOW_EXPIRED, 15, true, false, 0},
    {LAW_ACT_GRANT_APPEAL, 20, true, false, 0},
    {LAW_ACT_APPEAL_DECIDED, 21, true, false, 0},
    {LAW_ACT_APPEAL_REFERRED_BACK, 22, true, false, 0},
    {LAW_ACT_WAIVE_APPEAL, 0, true, false, 0},
    {LAW_ACT_RECORD_PONAGLENIE, 0, true, true, 0},
    /* The administrative court (PPSA). */
    {LAW_ACT_ANSWER_COURT_COMPLAINT, 5, true, false, 0},
    {LAW_ACT_GRANT_COMPLAINT, 20, true, false, 0},
    {LAW_ACT_JUDGMENT_DELIVERED, 21, true, false, 0},
    {LAW_ACT_JUDGMENT_OBLIGES, 22, true, false, 0},
    {LAW_ACT_JUDGMENT_DISMISSES, 23, true, false, 0},
    {LAW_ACT_JUDGMENT_ANNULS, 23, true, false, 0},
    {LAW_ACT_COURT_COMPLAINT, 24, true, true, 0},
    {LAW_ACT_CASSATION_APPEAL, 0, true, false, 0},
};

/* The terms that put a case in the remedy or court phase while they run. */
static const law_term_kind_t phase_terms[] = {
    LAW_TERM_APPEAL_WINDOW,      LAW_TERM_RECONSIDERATION_WINDOW, LAW_TERM_COURT_COMPLAINT_WINDOW,
    LAW_TERM_FORWARD_APPEAL,     LAW_TERM_RECONSIDERATION,        LAW_TERM_REUSE_RECONSIDERATION,
    LAW_TERM_SIGNATURE_WINDOW,   LAW_TERM_COURT_ANSWER,           LAW_TERM_REUSE_COURT_ANSWER,
    LAW_TERM_SELF_REVIEW_WINDOW, LAW_TERM_SELF_REVIEW_ACT,        LAW_TERM_CASSATION_WINDOW,
    LAW_TERM_AFTER_JUDGMENT,
};

static const struct step_place *place_of(law_action_t act)
{
	for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
		if (places[i].action == act)
			return &places[i];
	return NULL;
}

bool steps_remedy_phase(law_state_t state, const bool open[LAW_TERM_COUNT])
{
	if (state < LAW_STATE_COUNT && law_states[state].closed)
		return true;
	if (state == LAW_STATE_APPEAL_PENDING || state == LAW_STATE_AT_COURT ||
	    state == LAW_STATE_PLEADING_UNSIGNED || state == LAW_STATE_SIGNATURE_CALLED)
		return true;
	for (size_t i = 0; open && i < sizeof phase_terms / sizeof phase_terms[0]; i++)
		if (open[phase_terms[i]])
			return true;
	return false;
}

struct ranked {
	size_t index;
	int rank;
};

static int by_rank(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

void steps_place(law_state_t state, const bool open[LAW_TERM_COUNT], const law_action_t *acts,
                 size_t n, enum step_group *group, size_t *order)
{
	bool phase = steps_remedy_phase(state, open);
	struct ranked usual[LAW_ACT_COUNT];
	size_t nusual = 0;
	if (n > LAW_ACT_COUNT) /* each action is offered once */
		n = LAW_ACT_COUNT;
	for (size_t i = 0; i < n; i++) {
		const struct step_place *pl = place_of(acts[i]);
		group[i] = STEP_OTHER;
		if (!pl)
			continue;
		bool in_phase = !pl->remedy || phase;
		if (!in_phase && !pl->reach)
			group[i] = STEP_COURT;
		else if (in_phase && pl->rank > 0 && (!pl->only || (pl->only & (UINT64_C(1) << state))))
			usual[nusual++] = (struct ranked){i, pl->rank};
	}
	qsort(usual, nusual, sizeof *usual, by_rank);
	size_t k = 0;
	for (size_t j = 0; j < nusual && j < STEPS_USUAL_MAX; j++) {
		group[usual[j].index] = STEP_USUAL;
		order[k++] = usual[j].index;
	}
	for (int g = STEP_OTHER; g <= STEP_COURT; g++)
		for (size_t i = 0; i < n; i++)
			if (group[i] == (enum step_group)g)
				order[k++] = i;
}
