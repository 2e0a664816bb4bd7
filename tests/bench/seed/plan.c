/* SPDX-License-Identifier: EUPL-1.2 */
#include "plan.h"

#include <stddef.h>

#include "rng.h"

#define ST(a, w, lo, hi) {LAW_ACT_##a, w, lo, hi}
#define ASSIGN ST(ASSIGN, BY_MANAGER, 0, 2)
#define DELIVERY ST(RECORD_DELIVERY, BY_CLERK, 1, 6)
#define FINAL ST(REMEDY_WINDOW_EXPIRED, BY_CLERK, 17, 28)
#define PI_ LAW_KIND_PUBLIC_INFORMATION
#define RU_ LAW_KIND_REUSE

const struct plan plans[] = {
    /* Requests for public information */
    {PI_, 4800, {ASSIGN, ST(PROVIDE, BY_CLERK, 1, 11)}},
    {PI_, 300, {ASSIGN, ST(PROVIDE, BY_CLERK, 12, 24)}}, /* late: the term is missed */
    {PI_, 600, {ASSIGN, ST(EXTEND, BY_CLERK, 2, 9), ST(PROVIDE, BY_CLERK, 8, 35)}},
    {PI_, 400, {ASSIGN, ST(CALL_TO_CLARIFY, BY_CLERK, 1, 5), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(RECORD_CLARIFICATION, BY_REQUESTER, 1, 6), ST(PROVIDE, BY_CLERK, 2, 12)}},
    {PI_, 200, {ASSIGN, ST(CALL_TO_CLARIFY, BY_CLERK, 1, 5), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(LEAVE_UNPROCESSED, BY_CLERK, 11, 20)}},
    {PI_, 600, {ASSIGN, ST(NOT_HELD, BY_CLERK, 1, 10)}},
    {PI_, 400, {ASSIGN, ST(NOT_PUBLIC_INFORMATION, BY_CLERK, 1, 10)}},
    {PI_, 300, {ASSIGN, ST(PUBLISHED_IN_BIP, BY_CLERK, 1, 7)}},
    {PI_, 100, {ASSIGN, ST(OTHER_STATUTE, BY_CLERK, 1, 10)}},
    {PI_, 400, {ASSIGN, ST(REFUSE, BY_CLERK, 3, 12), DELIVERY, FINAL}},
    {PI_, 300, {ASSIGN, ST(PROVIDE_PARTLY, BY_CLERK, 3, 12), DELIVERY, FINAL}},
    /* An appeal on paper, signed: the clerk records it (KPA art. 129 §1). */
    {PI_, 100, {ASSIGN, ST(REFUSE, BY_CLERK, 3, 12), DELIVERY, ST(APPEAL, BY_CLERK, 2, 12),
                ST(FORWARD_APPEAL, BY_CLERK, 1, 6), ST(APPEAL_DECIDED, BY_CLERK, 20, 60)}},
    /* An appeal through the tracking page carries no signature (KPA art. 63
     * §3): the clerk calls the requester to sign it (art. 64 §2) and sends
     * it on once signed. Without the call the law core refuses the
     * forwarding (the case waits in pleading_unsigned). */
    {PI_, 50, {ASSIGN, ST(REFUSE, BY_CLERK, 3, 12), DELIVERY, ST(APPEAL, BY_REQUESTER, 2, 12),
               ST(CALL_TO_SIGN, BY_CLERK, 1, 3), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(RECORD_SIGNATURE, BY_CLERK, 1, 6), ST(FORWARD_APPEAL, BY_CLERK, 1, 6),
               ST(APPEAL_DECIDED, BY_CLERK, 20, 60)}},
    {PI_, 300, {ST(WITHDRAW, BY_REQUESTER, 1, 10)}},
    {PI_, 80, {ASSIGN, ST(FEE_NOTICE, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(CHANGE_FORM, BY_REQUESTER, 2, 10), ST(PROVIDE, BY_CLERK, 2, 10)}},
    {PI_, 80, {ASSIGN, ST(FEE_NOTICE, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(RELEASE_AFTER_FEE, BY_CLERK, 17, 25)}},
    /* UDIP art. 14 ust. 2: discontinued only after the form notice's 14 days. */
    {PI_, 50, {ASSIGN, ST(FORM_NOTICE, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(DISCONTINUE, BY_CLERK, 17, 25), DELIVERY, FINAL}},
    {PI_, 40, {ASSIGN, ST(NOT_PUBLIC_INFORMATION, BY_CLERK, 1, 10),
               ST(COURT_COMPLAINT, BY_CLERK, 20, 60), ST(ANSWER_COURT_COMPLAINT, BY_CLERK, 3, 14),
               ST(JUDGMENT_DISMISSES, BY_CLERK, 60, 200)}},
    {PI_, 70, {ST(ASSIGN, BY_MANAGER, 0, 3)}}, /* stalled: overdue */
    {PI_, 60, {ASSIGN, ST(CALL_FOR_INTEREST, BY_CLERK, 2, 8), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
               ST(RECORD_INTEREST, BY_REQUESTER, 1, 6), ST(PROVIDE, BY_CLERK, 2, 10)}},
    /* Re-use */
    {RU_, 6000, {ASSIGN, ST(TRANSFER, BY_CLERK, 2, 12)}},
    {RU_, 1000, {ASSIGN, ST(OFFER, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                 ST(ACCEPT_OFFER, BY_REQUESTER, 1, 10), ST(TRANSFER, BY_CLERK, 1, 7)}},
    {RU_, 300, {ASSIGN, ST(OFFER, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(OBJECT_TO_OFFER, BY_REQUESTER, 1, 10), ST(DECIDE_CONDITIONS, BY_CLERK, 3, 14),
                DELIVERY, FINAL}},
    {RU_, 1000, {ASSIGN, ST(NOT_HELD, BY_CLERK, 1, 10)}},
    {RU_, 600, {ASSIGN, ST(REFUSE, BY_CLERK, 3, 12), DELIVERY, FINAL}},
    {RU_, 500, {ASSIGN, ST(CALL_TO_COMPLETE, BY_CLERK, 1, 5), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(RECORD_COMPLETION, BY_REQUESTER, 1, 6), ST(TRANSFER, BY_CLERK, 2, 12)}},
    {RU_, 300, {ST(WITHDRAW, BY_REQUESTER, 1, 10)}},
    {RU_, 100, {ST(ASSIGN, BY_MANAGER, 0, 3)}},
    {RU_, 200, {ASSIGN, ST(OFFER, BY_CLERK, 2, 10), ST(RECORD_DELIVERY, BY_CLERK, 1, 4),
                ST(OFFER_WINDOW_EXPIRED, BY_CLERK, 17, 28)}},
};
#define NPLANS (sizeof plans / sizeof plans[0])

int plan_pick(uint64_t *s, unsigned kind)
{
	int total = 0;
	for (size_t i = 0; i < NPLANS; i++)
		if (plans[i].kinds & kind)
			total += plans[i].weight;
	int r = (int)rnd(s, (uint32_t)total);
	for (size_t i = 0; i < NPLANS; i++)
		if (plans[i].kinds & kind) {
			if (r < plans[i].weight)
				return (int)i;
			r -= plans[i].weight;
		}
	return 0;
}
