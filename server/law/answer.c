/* SPDX-License-Identifier: EUPL-1.2 */
#include "law/answer.h"

/* What the requester answers to, and the step that records the answer. */
static const struct {
	law_state_t waits;
	law_action_t answer;
} answers[] = {
    /* A call to clarify: the 14 days run again from the clarification
     * (policy, LAW.md §3). */
    {LAW_STATE_AWAITING_CLARIFICATION, LAW_ACT_RECORD_CLARIFICATION},
    /* Re-use: a call to complete the request (UOD art. 39). */
    {LAW_STATE_AWAITING_COMPLETION, LAW_ACT_RECORD_COMPLETION},
    /* Processed information: a call to show the public interest. */
    {LAW_STATE_INTEREST_CALLED, LAW_ACT_RECORD_INTEREST},
    /* A fee: the requester changes the form in the 14 days (UDIP art. 15). */
    {LAW_STATE_FEE_NOTIFIED, LAW_ACT_CHANGE_FORM},
    /* The form not possible: the requester asks for the possible one
     * (UDIP art. 14 ust. 2). */
    {LAW_STATE_FORM_NOTIFIED, LAW_ACT_REQUEST_POSSIBLE_FORM},
    /* Re-use: the offer accepted or objected to (UOD art. 41 ust. 2). */
    {LAW_STATE_OFFER_SENT, LAW_ACT_ACCEPT_OFFER},
    {LAW_STATE_OFFER_SENT, LAW_ACT_OBJECT_TO_OFFER},
};

/* The lifecycle offers `act` in `state` of `kind` to the requester. */
static bool offered(law_kind_t kind, law_state_t state, law_action_t act)
{
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *t = &law_transitions[i];
		if (t->action == act && (t->kinds & kind) && (t->from & (1ULL << state)) &&
		    (t->roles & LAW_ROLE_REQUESTER))
			return true;
	}
	return false;
}

size_t law_answer_actions(law_kind_t kind, law_state_t state, law_action_t out[LAW_ANSWER_MAX])
{
	size_t n = 0;
	for (size_t i = 0; i < sizeof answers / sizeof answers[0] && n < LAW_ANSWER_MAX; i++)
		if (answers[i].waits == state && offered(kind, state, answers[i].answer))
			out[n++] = answers[i].answer;
	return n;
}
