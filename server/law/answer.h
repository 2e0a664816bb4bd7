/* SPDX-License-Identifier: EUPL-1.2 */
/* The requester's answer (LAW.md §3, §4): where a case waits on the
 * requester after a call or a notice, the steps of the lifecycle that
 * their answer completes, so that an answer that came by mail can be
 * recorded in one step, dated the day it reached the body (KPA art. 57
 * §5: a requester's act counts from its dispatch; by e-mail that is its
 * arrival). Pure. */
#ifndef JAWNOSC_LAW_ANSWER_H
#define JAWNOSC_LAW_ANSWER_H

#include <stddef.h>

#include "law/lifecycle.h"

#define LAW_ANSWER_MAX 4

/* The steps the requester's answer may complete in `state` of a case of
 * `kind`, in the table's order, into out[LAW_ANSWER_MAX]; their number
 * (0: the case does not wait on the requester). */
size_t law_answer_actions(law_kind_t kind, law_state_t state, law_action_t out[LAW_ANSWER_MAX]);

#endif
