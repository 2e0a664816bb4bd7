/* SPDX-License-Identifier: EUPL-1.2 */
/* The lifecycle table and law_decide() (server/law/lifecycle.c, decide.c,
 * lifecycle_doc.c). Every row is taken once with its guards satisfied; every
 * (action, kind, state) without a row is refused; every guard refuses with
 * its code and a Polish reason; docs/lifecycle.md matches the table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "law/dispatch.h"
#include "law/lifecycle.h"

#define PI LAW_KIND_PUBLIC_INFORMATION
#define RU LAW_KIND_REUSE

static law_date_t D(const char *s)
{
	law_date_t d = LAW_DATE_NONE;
	if (!law_date_parse(s, &d))
		fail_msg("bad date in test: %s", s);
	return d;
}

static void assert_date(law_date_t d, const char *want)
{
	char s[LAW_DATE_STRLEN];
	law_date_format(d, s);
	assert_string_equal(s, want);
}

static law_case_t new_case(law_kind_t kind, law_state_t state)
{
	law_case_t c = {.kind = kind, .state = state, .policy = law_policy_default()};
	if (state != LAW_STATE_NONE)
		c.received = D("2025-03-03");
	return c;
}

static void add_term(law_case_t *c, law_term_kind_t kind, const char *start, const char *due)
{
	assert_true(c->nterms < LAW_OPEN_TERMS_MAX);
	c->terms[c->nterms++] = (law_open_term_t){kind, D(start), D(due)};
}

static law_action_input_t act(law_action_t a, law_role_t role, const char *date)
{
	return (law_action_input_t){.action = a, .role = role, .date = D(date)};
}

static bool code_is_listed(const char *code)
{
	for (int i = 0; law_refusal_codes[i]; i++)
		if (strcmp(law_refusal_codes[i], code) == 0)
			return true;
	return false;
}

static void expect_refused(const law_case_t *c, const law_action_input_t *in, const char *code,
			   const char *needle)
{
	law_outcome_t o;
	if (law_decide(c, in, &o))
		fail_msg("%s in %s was allowed, want %s", law_actions[in->action].id,
			 law_states[c->state].id, code);
	assert_false(o.allowed);
	if (!o.refusal.code || strcmp(o.refusal.code, code) != 0)
		fail_msg("%s in %s: code %s (%s), want %s", law_actions[in->action].id,
			 law_states[c->state].id, o.refusal.code, o.refusal.message, code);
	assert_true(code_is_listed(code));
	assert_true(strlen(o.refusal.message) > 10);
	if (needle && !strstr(o.refusal.message, needle))
		fail_msg("reason \"%s\" lacks \"%s\"", o.refusal.message, needle);
	assert_int_equal(o.neffects, 0);
	assert_int_equal(o.state, c->state);
}

static void decide_ok(const law_case_t *c, const law_action_input_t *in, law_outcome_t *o)
{
	if (!law_decide(c, in, o))
		fail_msg("%s in %s refused: %s: %s", law_actions[in->action].id,
			 law_states[c->state].id, o->refusal.code, o->refusal.message);
	assert_null(o->refusal.code);
}

static const law_term_effect_t *effect(const law_outcome_t *o, law_term_op_t op,
				       law_term_kind_t term)
{
	for (int i = 0; i < o->neffects; i++)
		if (o->effects[i].op == op && o->effects[i].term == term)
			return &o->effects[i];
	return NULL;
}

static const law_term_effect_t *must_effect(const law_outcome_t *o, law_term_op_t op,
					    law_term_kind_t term)
{
	const law_term_effect_t *e = effect(o, op, term);
	if (!e)
		fail_msg("no effect %d on %s", op, law_terms[term].id);
	return e;
}

static law_term_kind_t answer_of(law_kind_t k)
{
	return k == RU ? LAW_TERM_REUSE_ANSWER : LAW_TERM_ANSWER;
}

/* ---- Every row --------------------------------------------------------- */

/* A case in `state` of `kind`, with terms and policies such that the row's
 * guards hold, and the input to take it. */
static void satisfy(const law_transition_t *r, law_kind_t kind, law_state_t state, law_case_t *c,
		    law_action_input_t *in)
{
	*c = new_case(kind, state);
	for (int b = 0; b < 4; b++)
		if (r->roles & (1u << b)) {
			*in = act(r->action, (law_role_t)(1u << b), "2025-03-05");
			break;
		}
	bool open = !law_states[state].closed && state != LAW_STATE_NONE &&
		    state != LAW_STATE_APPEAL_PENDING && state != LAW_STATE_AT_COURT &&
		    state != LAW_STATE_PLEADING_UNSIGNED && state != LAW_STATE_SIGNATURE_CALLED &&
		    state != LAW_STATE_AWAITING_IDENTITY;
	/* A requester's pleading is taken as signed unless the row asks for
	 * the signature (LAW_GUARD_SIGNATURE_REQUIRED below). */
	c->policy.accepts_unsigned_pleadings = true;
	if (open)
		add_term(c, answer_of(kind), "2025-03-03", "2025-03-17");
	for (int g = 0; g < LAW_ROW_GUARDS; g++) {
		const law_guard_spec_t *s = &r->guards[g];
		switch (s->guard) {
		case LAW_GUARD_EXTENSION:
			in->new_due = D("2025-04-15");
			break;
		case LAW_GUARD_TERM_OPEN:
		case LAW_GUARD_REPLY_IN_TIME:
		case LAW_GUARD_IN_TERM:
		case LAW_GUARD_BEFORE_DUE:
			add_term(c, s->term, "2025-03-04", "2025-03-18");
			break;
		case LAW_GUARD_JUDGMENT_FINAL: /* the cassation window has passed */
			add_term(c, s->term, "2025-02-03", "2025-03-04");
			break;
		case LAW_GUARD_WINDOW_PASSED:
			add_term(c, s->term, "2025-03-03", "2025-03-04");
			break;
		case LAW_GUARD_REMEDY_APPEAL:
			c->policy.remedy = LAW_REMEDY_APPEAL;
			break;
		case LAW_GUARD_REMEDY_RECONSIDERATION:
			c->policy.remedy = LAW_REMEDY_RECONSIDERATION;
			break;
		case LAW_GUARD_REMEDY_COURT:
			c->policy.remedy = LAW_REMEDY_COURT_COMPLAINT;
			break;
		case LAW_GUARD_PARTY_UNIDENTIFIED:
			c->party_unidentified = true;
			break;
		case LAW_GUARD_PARTY_IDENTIFIED:
			c->party_unidentified = false;
			break;
		case LAW_GUARD_SIGNATURE_REQUIRED:
			c->policy.accepts_unsigned_pleadings = false;
			break;
		case LAW_GUARD_FINAL_UNUSED:
			c->remedy_lapsed = D("2025-03-04");
			break;
		case LAW_GUARD_ANSWER_PASSED:
			/* KPA art. 37 §3a: the answer term has passed. */
			for (int t = 0; t < c->nterms; t++)
				if (law_terms[c->terms[t].kind].answer)
					c->terms[t].due = D("2025-03-04");
			break;
		case LAW_GUARD_STANDING:
			c->standing = true;
			break;
		case LAW_GUARD_NOT_STANDING:
			c->standing = false;
			break;
		default:
			break;
		}
	}
}

static int rows_taken, refusals_checked;

static void check_row_taken(const law_transition_t *r, law_kind_t kind, law_state_t state)
{
	law_case_t c;
	law_action_input_t in;
	law_outcome_t o;
	satisfy(r, kind, state, &c, &in);
	decide_ok(&c, &in, &o);
	if (o.row != r)
		fail_msg("%s from %s took another row", law_actions[r->action].id,
			 law_states[state].id);
	law_state_t next = r->next == LAW_STATE_SAME ? state : r->next;
	assert_int_equal(o.state, next);
	assert_int_equal(o.document, r->document);
	assert_int_equal(o.closes, !law_states[state].closed && law_states[next].closed);
	for (int e = 0; e < LAW_ROW_EFFECTS && r->effects[e].term != LAW_TERM_NONE; e++) {
		const law_effect_spec_t *s = &r->effects[e];
		if (s->op != LAW_TERM_START || s->cond != LAW_IF_ALWAYS)
			continue;
		const law_term_effect_t *got = must_effect(&o, LAW_TERM_START, s->term);
		assert_true(got->calc.nsteps > 0);
		assert_true(law_date_cmp(got->calc.due, got->calc.unshifted) >= 0);
		assert_true(law_is_working_day(got->calc.due));
	}
	/* A closing step leaves no term open. */
	if (o.closes)
		for (int t = 0; t < c.nterms; t++) {
			bool ended = false;
			for (int i = 0; i < o.neffects; i++)
				ended |= o.effects[i].term == c.terms[t].kind &&
					 o.effects[i].op != LAW_TERM_START;
			assert_true(ended);
		}
	rows_taken++;
}

static void test_every_transition_is_allowed_when_its_guards_hold(void **state)
{
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		for (int k = 1; k <= 2; k++) {
			if (!(r->kinds & (unsigned)k))
				continue;
			for (int s = 0; s < LAW_STATE_COUNT; s++)
				if ((r->from & (UINT64_C(1) << s)) &&
				    (law_states[s].kinds & (unsigned)k))
					check_row_taken(r, (law_kind_t)k, (law_state_t)s);
		}
	}
	print_message("transitions taken: %d (rows: %zu)\n", rows_taken, law_transition_count);
	assert_true(rows_taken > (int)law_transition_count);
}

/* ---- Every refusal by state -------------------------------------------- */

static bool any_row(law_action_t a, unsigned kind, uint64_t states)
{
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (r->action == a && (r->kinds & kind) && (r->from & states))
			return true;
	}
	return false;
}

static void test_every_action_is_refused_in_states_without_a_row(void **state)
{
	for (int a = 0; a < LAW_ACT_COUNT; a++)
		for (int k = 1; k <= 2; k++)
			for (int s = 0; s < LAW_STATE_COUNT; s++) {
				if (any_row((law_action_t)a, (unsigned)k, UINT64_C(1) << s))
					continue;
				law_case_t c = new_case((law_kind_t)k, (law_state_t)s);
				law_action_input_t in =
				    act((law_action_t)a, LAW_ROLE_CLERK, "2025-03-05");
				bool for_kind = any_row((law_action_t)a, (unsigned)k, ~UINT64_C(0));
				if (!(law_states[s].kinds & (unsigned)k))
					expect_refused(&c, &in, "invalid_case", NULL);
				else
					expect_refused(&c, &in,
						       for_kind ? "not_allowed_in_state"
								: "not_for_kind",
						       law_actions[a].label);
				refusals_checked++;
			}
	print_message("refusals by state or kind checked: %d\n", refusals_checked);
}

static void test_refusal_names_the_state_in_polish(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_WITHDRAWN);
	law_action_input_t in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-03-05");
	expect_refused(&c, &in, "not_allowed_in_state", "„wycofany”");
	c = new_case(RU, LAW_STATE_IN_PROGRESS);
	in = act(LAW_ACT_FEE_NOTICE, LAW_ROLE_CLERK, "2025-03-05");
	expect_refused(&c, &in, "not_for_kind", "ponowne wykorzystywanie");
}

/* ---- Roles ------------------------------------------------------------- */

static void test_roles_are_enforced_and_manager_may_do_what_clerk_may(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_IN_PROGRESS);
	add_term(&c, LAW_TERM_ANSWER, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_PROVIDE, LAW_ROLE_REQUESTER, "2025-03-05");
	expect_refused(&c, &in, "role_not_allowed", "urzędnik, kierownik");
	in.role = LAW_ROLE_SYSTEM;
	expect_refused(&c, &in, "role_not_allowed", NULL);
	in.role = LAW_ROLE_MANAGER;
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	in = act(LAW_ACT_WITHDRAW, LAW_ROLE_REQUESTER, "2025-03-05");
	decide_ok(&c, &in, &o);
	in.role = LAW_ROLE_SYSTEM;
	expect_refused(&c, &in, "role_not_allowed", "wnioskodawca");
	in.role = (law_role_t)64;
	expect_refused(&c, &in, "role_not_allowed", NULL);
}

/* ---- Registration and the answer term ---------------------------------- */

static void test_register_starts_14_day_answer_term_with_reasoning(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_NONE);
	law_action_input_t in = act(LAW_ACT_REGISTER, LAW_ROLE_REQUESTER, "2025-12-12");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_RECEIVED);
	assert_int_equal(o.neffects, 1);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_ANSWER);
	assert_date(e->calc.from, "2025-12-12");
	assert_date(e->calc.unshifted, "2025-12-26");
	assert_date(e->calc.due, "2025-12-29");
	assert_non_null(strstr(e->calc.steps[0], "Otrzymanie wniosku: 2025-12-12"));
	assert_int_equal(o.document, LAW_DOC_NONE);
	assert_false(o.closes);

	c = new_case(RU, LAW_STATE_NONE);
	decide_ok(&c, &in, &o);
	must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_ANSWER);
}

static void test_closing_in_time_meets_the_answer_term(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_IN_PROGRESS);
	add_term(&c, LAW_TERM_ANSWER, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-03-17");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_true(o.closes);
	assert_int_equal(o.document, LAW_DOC_INFORMATION_RELEASE);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_ANSWER)->met);
	in.date = D("2025-03-18");
	decide_ok(&c, &in, &o);
	assert_false(must_effect(&o, LAW_TERM_STOP, LAW_TERM_ANSWER)->met);
}

static void test_withdrawal_cancels_every_open_term(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_FEE_NOTIFIED);
	add_term(&c, LAW_TERM_FEE_WINDOW, "2025-03-06", "2025-03-20");
	add_term(&c, LAW_TERM_COURT_ANSWER, "2025-03-06", "2025-03-21");
	law_action_input_t in = act(LAW_ACT_WITHDRAW, LAW_ROLE_REQUESTER, "2025-03-10");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_WITHDRAWN);
	assert_true(o.closes);
	assert_int_equal(o.neffects, 2);
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_FEE_WINDOW);
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_COURT_ANSWER);
}

/* ---- Extension (UDIP art. 13 ust. 2) ----------------------------------- */

static law_case_t answered_case(law_kind_t kind, const char *received, const char *due)
{
	law_case_t c = new_case(kind, LAW_STATE_IN_PROGRESS);
	c.received = D(received);
	add_term(&c, answer_of(kind), received, due);
	return c;
}

static void test_extension_starts_extended_term_and_explains_the_cap(void **state)
{
	law_case_t c = answered_case(PI, "2025-12-31", "2026-01-14");
	law_action_input_t in = act(LAW_ACT_EXTEND, LAW_ROLE_CLERK, "2026-01-14");
	in.new_due = D("2026-02-28"); /* a Saturday */
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_EXTENDED);
	assert_int_equal(o.document, LAW_DOC_EXTENSION_NOTICE);
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_ANSWER);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_ANSWER_EXTENDED);
	assert_date(e->calc.from, "2025-12-31");
	assert_date(e->calc.unshifted, "2026-02-28");
	assert_date(e->calc.due, "2026-03-02");
	assert_non_null(strstr(e->calc.steps[0], "UDIP art. 13 ust. 2"));
	assert_non_null(strstr(e->calc.steps[1], "2026-03-02"));
	assert_non_null(strstr(e->calc.steps[e->calc.nsteps - 1], "KPA art. 57 §4"));

	c = answered_case(RU, "2025-12-31", "2026-01-14");
	decide_ok(&c, &in, &o);
	e = must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_ANSWER_EXTENDED);
	assert_non_null(strstr(e->calc.steps[0], "UOD art. 40 ust. 2"));
}

static void test_extension_must_be_sent_within_the_14_day_term(void **state)
{
	law_case_t c = answered_case(PI, "2025-12-12", "2025-12-29");
	law_action_input_t in = act(LAW_ACT_EXTEND, LAW_ROLE_CLERK, "2025-12-29");
	in.new_due = D("2026-01-30");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	in.date = D("2025-12-30");
	expect_refused(&c, &in, "extension_too_late", "przed upływem 14-dniowego terminu");
}

/* The cap is the statutory (KPA art. 57 §3-§4) date of 2 months from receipt:
 * 31 Dec 2025 + 2 months = Saturday 28 Feb 2026, so Monday 2 March. */
static void test_extension_beyond_two_months_from_receipt_is_refused(void **state)
{
	law_case_t c = answered_case(PI, "2025-12-31", "2026-01-14");
	law_action_input_t in = act(LAW_ACT_EXTEND, LAW_ROLE_CLERK, "2026-01-10");
	in.new_due = D("2026-03-02");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	in.new_due = D("2026-03-03");
	expect_refused(&c, &in, "extension_beyond_two_months",
		       "późniejszy niż 2 miesiące od otrzymania wniosku");
	c = answered_case(PI, "2025-03-14", "2025-03-28");
	in.date = D("2025-03-20");
	in.new_due = D("2025-05-14");
	decide_ok(&c, &in, &o);
	in.new_due = D("2025-05-15");
	expect_refused(&c, &in, "extension_beyond_two_months", "2025-05-14");
}

static void test_extension_needs_a_later_date(void **state)
{
	law_case_t c = answered_case(PI, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_EXTEND, LAW_ROLE_CLERK, "2025-03-10");
	expect_refused(&c, &in, "extension_date_missing", NULL);
	in.new_due = D("2025-03-17");
	expect_refused(&c, &in, "extension_not_later", "2025-03-17");
}

static void test_second_extension_is_refused(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_IN_PROGRESS);
	add_term(&c, LAW_TERM_ANSWER_EXTENDED, "2025-03-03", "2025-04-10");
	law_action_input_t in = act(LAW_ACT_EXTEND, LAW_ROLE_CLERK, "2025-03-10");
	in.new_due = D("2025-04-20");
	expect_refused(&c, &in, "already_extended", "tylko raz");
	c.nterms = 0;
	expect_refused(&c, &in, "answer_term_not_open", NULL);
	c.state = LAW_STATE_EXTENDED;
	expect_refused(&c, &in, "not_allowed_in_state", NULL);
}

/* ---- Clarification (policy) -------------------------------------------- */

static void test_clarification_restarts_term_and_keeps_old_due_date_at_risk(void **state)
{
	law_case_t c = answered_case(PI, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_CALL_TO_CLARIFY, LAW_ROLE_CLERK, "2025-03-05");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AWAITING_CLARIFICATION);
	assert_int_equal(o.document, LAW_DOC_CLARIFICATION_CALL);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_ANSWER);
	assert_true(e->at_risk);
	assert_date(e->calc.due, "2025-03-17");

	/* Delivery on Thursday 6 March starts 7 days: Thursday 13 March. */
	c = new_case(PI, LAW_STATE_AWAITING_CLARIFICATION);
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-03-06");
	decide_ok(&c, &in, &o);
	e = must_effect(&o, LAW_TERM_START, LAW_TERM_CLARIFICATION_WINDOW);
	assert_date(e->calc.due, "2025-03-13");
	assert_non_null(strstr(e->calc.steps[0], "Doręczenie: 2025-03-06"));

	add_term(&c, LAW_TERM_CLARIFICATION_WINDOW, "2025-03-06", "2025-03-13");
	in = act(LAW_ACT_RECORD_CLARIFICATION, LAW_ROLE_REQUESTER, "2025-03-10");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_CLARIFICATION_WINDOW)->met);
	e = must_effect(&o, LAW_TERM_START, LAW_TERM_ANSWER);
	assert_date(e->calc.from, "2025-03-10");
	assert_date(e->calc.due, "2025-03-24");
}

static void test_clarification_policy_off_keeps_the_answer_term(void **state)
{
	law_case_t c = answered_case(PI, "2025-03-03", "2025-03-17");
	c.policy.clarification_restarts_term = false;
	law_action_input_t in = act(LAW_ACT_CALL_TO_CLARIFY, LAW_ROLE_CLERK, "2025-03-05");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.neffects, 0);
	c.state = LAW_STATE_AWAITING_CLARIFICATION;
	in = act(LAW_ACT_RECORD_CLARIFICATION, LAW_ROLE_CLERK, "2025-03-10");
	decide_ok(&c, &in, &o);
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_ANSWER));
}

static void test_late_clarification_is_accepted_with_a_warning(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_AWAITING_CLARIFICATION);
	add_term(&c, LAW_TERM_CLARIFICATION_WINDOW, "2025-03-06", "2025-03-13");
	law_action_input_t in = act(LAW_ACT_RECORD_CLARIFICATION, LAW_ROLE_CLERK, "2025-03-20");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_false(must_effect(&o, LAW_TERM_STOP, LAW_TERM_CLARIFICATION_WINDOW)->met);
	assert_string_equal(o.warning.code, "requester_late");
	/* Posted on the last day (KPA art. 57 §5): in time, whenever it arrives. */
	in.sent = D("2025-03-13");
	decide_ok(&c, &in, &o);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_CLARIFICATION_WINDOW)->met);
	assert_null(o.warning.code);
}

static void test_no_clarification_in_the_window_leaves_request_unprocessed(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_AWAITING_CLARIFICATION);
	law_action_input_t in = act(LAW_ACT_LEAVE_UNPROCESSED, LAW_ROLE_SYSTEM, "2025-03-13");
	expect_refused(&c, &in, "window_not_started", "zarejestruj doręczenie");
	add_term(&c, LAW_TERM_CLARIFICATION_WINDOW, "2025-03-06", "2025-03-13");
	expect_refused(&c, &in, "window_not_passed", "2025-03-13");
	in.date = D("2025-03-14");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_LEFT_UNPROCESSED);
	assert_int_equal(o.document, LAW_DOC_UNPROCESSED_LETTER);
	must_effect(&o, LAW_TERM_EXPIRE, LAW_TERM_CLARIFICATION_WINDOW);
}

static void test_delivery_recorded_twice_is_refused(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_FORM_NOTIFIED);
	add_term(&c, LAW_TERM_FORM_WINDOW, "2025-03-06", "2025-03-20");
	law_action_input_t in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_CLERK, "2025-03-07");
	expect_refused(&c, &in, "already_delivered", "2025-03-20");
}

static void test_invalid_policy_window_length_is_refused(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_AWAITING_CLARIFICATION);
	c.policy.clarification_window_days = 0;
	law_action_input_t in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_CLERK, "2025-03-07");
	expect_refused(&c, &in, "invalid_policy", NULL);
}

/* ---- Public interest --------------------------------------------------- */

static void test_interest_call_keeps_or_pauses_the_term_by_policy(void **state)
{
	law_case_t c = answered_case(PI, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_CALL_FOR_INTEREST, LAW_ROLE_CLERK, "2025-03-05");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.neffects, 0); /* the default: the term keeps running */
	c.policy.interest_call_keeps_term_running = false;
	decide_ok(&c, &in, &o);
	assert_true(must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_ANSWER)->at_risk);

	c = new_case(PI, LAW_STATE_INTEREST_CALLED);
	c.policy.interest_call_keeps_term_running = false;
	add_term(&c, LAW_TERM_INTEREST_WINDOW, "2025-03-06", "2025-03-13");
	in = act(LAW_ACT_RECORD_INTEREST, LAW_ROLE_REQUESTER, "2025-03-12");
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_ANSWER)->calc.due, "2025-03-26");

	in = act(LAW_ACT_REFUSE, LAW_ROLE_CLERK, "2025-03-12");
	expect_refused(&c, &in, "window_not_passed", NULL);
	in.date = D("2025-03-14");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.document, LAW_DOC_REFUSAL_DECISION);
}

/* ---- Fee (UDIP art. 15) ------------------------------------------------- */

static void test_fee_notice_must_come_within_14_days_of_receipt(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_EXTENDED);
	add_term(&c, LAW_TERM_ANSWER_EXTENDED, "2025-03-03", "2025-04-30");
	law_action_input_t in = act(LAW_ACT_FEE_NOTICE, LAW_ROLE_CLERK, "2025-03-17");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_ANSWER_EXTENDED);
	in.date = D("2025-03-18");
	expect_refused(&c, &in, "fee_notice_too_late", "UDIP art. 15 ust. 2");
	c.nterms = 0;
	expect_refused(&c, &in, "answer_term_not_open", NULL);
}

static void test_fee_window_releases_only_after_14_days_unless_form_changed(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_FEE_NOTIFIED);
	law_action_input_t in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-03-06");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_FEE_WINDOW)->calc.due, "2025-03-20");
	add_term(&c, LAW_TERM_FEE_WINDOW, "2025-03-06", "2025-03-20");
	in = act(LAW_ACT_RELEASE_AFTER_FEE, LAW_ROLE_CLERK, "2025-03-20");
	expect_refused(&c, &in, "window_not_passed", NULL);
	in.date = D("2025-03-21");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_PROVIDED);
	must_effect(&o, LAW_TERM_EXPIRE, LAW_TERM_FEE_WINDOW);

	in = act(LAW_ACT_CHANGE_FORM, LAW_ROLE_REQUESTER, "2025-03-24");
	in.sent = D("2025-03-20");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_ANSWER)->calc.from, "2025-03-24");
	in.sent = D("2025-03-21");
	expect_refused(&c, &in, "requester_term_passed", "2025-03-21");
}

/* ---- Form not possible (UDIP art. 14 ust. 2) ---------------------------- */

static void test_form_window_expiry_discontinues_by_decision(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_FORM_NOTIFIED);
	add_term(&c, LAW_TERM_FORM_WINDOW, "2025-03-06", "2025-03-20");
	law_action_input_t in = act(LAW_ACT_FORM_WINDOW_EXPIRED, LAW_ROLE_CLERK, "2025-03-21");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_DISCONTINUED);
	assert_int_equal(o.document, LAW_DOC_DISCONTINUANCE_DECISION);
	assert_true(law_documents[o.document].decision);
	in = act(LAW_ACT_REQUEST_POSSIBLE_FORM, LAW_ROLE_REQUESTER, "2025-03-25");
	in.sent = D("2025-03-21");
	expect_refused(&c, &in, "requester_term_passed", NULL);
	in.sent = D("2025-03-20");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
}

/* UDIP knows a decision to discontinue only in art. 14 ust. 2: the requester
 * did not ask for the possible form within 14 days of the notice. Not public
 * information, not held and withdrawal get a letter or no act; a decision
 * the statute does not provide for is void (KPA art. 156 §1 pkt 2). */
static void test_discontinuance_only_after_the_form_window_udip_14_2(void **state)
{
	for (int s = 0; s < LAW_STATE_COUNT; s++) {
		if (s == LAW_STATE_FORM_NOTIFIED || !(law_states[s].kinds & PI))
			continue;
		law_case_t c = new_case(PI, (law_state_t)s);
		if (!law_states[s].closed && s != LAW_STATE_NONE)
			add_term(&c, LAW_TERM_ANSWER, "2025-03-03", "2025-03-17");
		law_action_input_t in = act(LAW_ACT_DISCONTINUE, LAW_ROLE_CLERK, "2025-03-05");
		expect_refused(&c, &in, "not_allowed_in_state", "art. 14 ust. 2");
		law_outcome_t o;
		law_decide(&c, &in, &o);
		assert_non_null(strstr(o.refusal.message, "wysyła się pismo.")); /* whole */
	}
	law_case_t c = new_case(PI, LAW_STATE_FORM_NOTIFIED);
	law_action_input_t in = act(LAW_ACT_DISCONTINUE, LAW_ROLE_CLERK, "2025-03-20");
	expect_refused(&c, &in, "window_not_started", NULL);
	add_term(&c, LAW_TERM_FORM_WINDOW, "2025-03-06", "2025-03-20");
	expect_refused(&c, &in, "window_not_passed", "2025-03-20");
	in.date = D("2025-03-21");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_DISCONTINUED);
	assert_int_equal(o.document, LAW_DOC_DISCONTINUANCE_DECISION);
	must_effect(&o, LAW_TERM_EXPIRE, LAW_TERM_FORM_WINDOW);
	in.role = LAW_ROLE_SYSTEM;
	expect_refused(&c, &in, "role_not_allowed", NULL);
	/* Re-use has no discontinuance at all. */
	c = answered_case(RU, "2025-03-03", "2025-03-17");
	in = act(LAW_ACT_DISCONTINUE, LAW_ROLE_CLERK, "2025-03-05");
	expect_refused(&c, &in, "not_for_kind", NULL);
	/* The letter template is reachable from that one state, after that one
	 * window, and nowhere else. */
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (r->document != LAW_DOC_DISCONTINUANCE_DECISION &&
		    r->next != LAW_STATE_DISCONTINUED)
			continue;
		assert_int_equal(r->from, UINT64_C(1) << LAW_STATE_FORM_NOTIFIED);
		assert_int_equal(r->guards[0].guard, LAW_GUARD_WINDOW_PASSED);
		assert_int_equal(r->guards[0].term, LAW_TERM_FORM_WINDOW);
		assert_int_equal(r->document, LAW_DOC_DISCONTINUANCE_DECISION);
		assert_non_null(strstr(r->note, "UDIP art. 14 ust. 2"));
	}
}

/* ---- Remedies ----------------------------------------------------------- */

static void test_decision_delivery_starts_appeal_window_and_appeal_starts_forwarding(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	law_action_input_t in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_CLERK, "2025-04-10");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_APPEAL_WINDOW);
	assert_date(e->calc.due, "2025-04-24");
	assert_false(o.closes);

	add_term(&c, LAW_TERM_APPEAL_WINDOW, "2025-04-10", "2025-04-24");
	/* A signed appeal (on paper, recorded by the clerk; the requester's own
	 * from the tracking page: test_unsigned_appeal_...). */
	in = act(LAW_ACT_APPEAL, LAW_ROLE_CLERK, "2025-04-28");
	in.sent = D("2025-04-24"); /* posted on the last day: in time */
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);
	assert_true(o.reopens);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_APPEAL_WINDOW)->met);
	assert_null(o.warning.code);
	e = must_effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_APPEAL);
	assert_date(e->calc.due, "2025-05-05"); /* 28 Apr + 7 = 5 May */

	/* A late appeal is still passed on: the appeal body rules on lateness. */
	in.sent = D("2025-04-25");
	decide_ok(&c, &in, &o);
	assert_string_equal(o.warning.code, "requester_late");

	c = new_case(PI, LAW_STATE_APPEAL_PENDING);
	add_term(&c, LAW_TERM_FORWARD_APPEAL, "2025-04-28", "2025-05-05");
	in = act(LAW_ACT_FORWARD_APPEAL, LAW_ROLE_CLERK, "2025-05-05");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.document, LAW_DOC_APPEAL_FORWARDING);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_FORWARD_APPEAL)->met);
	c.nterms = 0;
	expect_refused(&c, &in, "term_not_open", NULL);
}

static void test_remedy_window_expiry_makes_the_decision_final(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_DISCONTINUED);
	add_term(&c, LAW_TERM_APPEAL_WINDOW, "2025-04-10", "2025-04-24");
	law_action_input_t in = act(LAW_ACT_REMEDY_WINDOW_EXPIRED, LAW_ROLE_SYSTEM, "2025-04-24");
	expect_refused(&c, &in, "window_not_passed", NULL);
	in.date = D("2025-04-29");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
	assert_false(o.closes); /* it was closed already */
}

/* UDIP art. 17 ust. 1: a body that is not an organ of public authority
 * decides without KPA: neither an appeal nor a reconsideration. */
static void test_no_kpa_remedy_where_the_body_is_not_a_public_authority(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	c.policy.remedy = LAW_REMEDY_COURT_COMPLAINT;
	law_action_input_t in = act(LAW_ACT_APPEAL, LAW_ROLE_REQUESTER, "2025-04-15");
	expect_refused(&c, &in, "remedy_policy", "art. 17 ust. 1");
	in = act(LAW_ACT_REQUEST_RECONSIDERATION, LAW_ROLE_REQUESTER, "2025-04-15");
	expect_refused(&c, &in, "remedy_policy", "skarga do sądu administracyjnego");
}

/* Issue 20 item 7: the decision of a body that is not an organ of public
 * authority goes straight to the administrative court: its delivery starts
 * the 30 days (PPSA art. 53 §1) and the clerk records the complaint lodged
 * through the body (art. 54 §1), which then has 15 days to send it on with
 * its answer (UDIP art. 21 pkt 1). */
static void test_court_complaint_window_where_the_body_is_not_a_public_authority(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	c.policy.remedy = LAW_REMEDY_COURT_COMPLAINT;
	law_outcome_t o;
	law_action_input_t in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_CLERK, "2025-04-10");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_REFUSED);
	const law_term_effect_t *e =
	    must_effect(&o, LAW_TERM_START, LAW_TERM_COURT_COMPLAINT_WINDOW);
	assert_date(e->calc.due, "2025-05-12"); /* 10 May is a Saturday */
	assert_non_null(strstr(law_terms[LAW_TERM_COURT_COMPLAINT_WINDOW].basis,
			       "PPSA art. 53 §1"));
	/* No appeal window, and the body's own remedy guards still refuse. */
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_APPEAL_WINDOW));
	add_term(&c, LAW_TERM_COURT_COMPLAINT_WINDOW, "2025-04-10", "2025-05-12");
	expect_refused(&c, &in, "already_delivered", NULL);

	in = act(LAW_ACT_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-08");
	in.sent = D("2025-05-07");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AT_COURT);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_COURT_COMPLAINT_WINDOW)->met);
	e = must_effect(&o, LAW_TERM_START, LAW_TERM_COURT_ANSWER);
	assert_date(e->calc.due, "2025-05-23");
	assert_null(o.warning.code);

	/* Late: sent on all the same, with a warning (the court rejects it). */
	in = act(LAW_ACT_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-20");
	decide_ok(&c, &in, &o);
	assert_false(must_effect(&o, LAW_TERM_STOP, LAW_TERM_COURT_COMPLAINT_WINDOW)->met);
	assert_string_equal(o.warning.code, "requester_late");

	/* After the 30 days with no complaint the rozstrzygnięcie is final. */
	in = act(LAW_ACT_REMEDY_WINDOW_EXPIRED, LAW_ROLE_SYSTEM, "2025-05-13");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);

	/* An organ of public authority: the KPA remedy first. */
	c = new_case(PI, LAW_STATE_REFUSED);
	in = act(LAW_ACT_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-08");
	expect_refused(&c, &in, "remedy_policy", NULL);
}

/* Issue 20 item 12: information is released to anyone, but a decision
 * needs a party with a name and an address (KPA art. 107 §1 pkt 3): every
 * step that produces a decision is refused for an anonymous requester,
 * and the call for the name and address (art. 64 §2) is offered instead. */
static void test_decision_needs_an_identified_party_kpa_107(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_IN_PROGRESS);
	add_term(&c, LAW_TERM_ANSWER, "2025-03-03", "2025-03-17");
	c.party_unidentified = true;
	law_outcome_t o;
	law_action_input_t in = act(LAW_ACT_REFUSE, LAW_ROLE_CLERK, "2025-03-10");
	expect_refused(&c, &in, "party_unidentified", "art. 107 §1 pkt 3");
	in = act(LAW_ACT_PROVIDE_PARTLY, LAW_ROLE_CLERK, "2025-03-10");
	expect_refused(&c, &in, "party_unidentified", "wezwanie do podania imienia");
	/* Every row producing a decision, from every state it allows. */
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (!law_documents[r->document].decision)
			continue;
		for (int k = 1; k <= 2; k++)
			for (int s = 0; s < LAW_STATE_COUNT; s++) {
				if (!(r->kinds & (unsigned)k) || !(r->from & (UINT64_C(1) << s)) ||
				    !(law_states[s].kinds & (unsigned)k))
					continue;
				law_case_t d;
				law_action_input_t di;
				satisfy(r, (law_kind_t)k, (law_state_t)s, &d, &di);
				d.party_unidentified = true;
				expect_refused(&d, &di, "party_unidentified", NULL);
			}
	}
	/* Releasing the information needs no identity. */
	in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-03-10");
	decide_ok(&c, &in, &o);
	/* The call: a letter, and the body waits; the answer term stops (it
	 * runs again from the day the defect is remedied, KPA art. 64 §2). */
	in = act(LAW_ACT_CALL_TO_IDENTIFY, LAW_ROLE_CLERK, "2025-03-05");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AWAITING_IDENTITY);
	assert_int_equal(o.document, LAW_DOC_IDENTITY_CALL);
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_ANSWER);
	assert_false(law_documents[LAW_DOC_IDENTITY_CALL].decision);
	assert_non_null(strstr(law_documents[LAW_DOC_IDENTITY_CALL].basis, "art. 107 §1 pkt 3"));

	/* Waiting: the 7 days run from the call's delivery. */
	law_case_t w = new_case(PI, LAW_STATE_AWAITING_IDENTITY);
	w.party_unidentified = true;
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-03-06");
	decide_ok(&w, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_IDENTITY_WINDOW)->calc.due, "2025-03-13");
	add_term(&w, LAW_TERM_IDENTITY_WINDOW, "2025-03-06", "2025-03-13");
	/* The answer with no name or address yet is refused; once the data
	 * are in the case, the answer term starts again. */
	in = act(LAW_ACT_RECORD_IDENTITY, LAW_ROLE_REQUESTER, "2025-03-10");
	expect_refused(&w, &in, "party_unidentified", "imię i nazwisko");
	/* No decision while waiting, and no leaving it unprocessed before the
	 * 7 days have passed. */
	in = act(LAW_ACT_REFUSE, LAW_ROLE_CLERK, "2025-03-10");
	expect_refused(&w, &in, "not_allowed_in_state", NULL);
	in = act(LAW_ACT_LEAVE_UNPROCESSED, LAW_ROLE_SYSTEM, "2025-03-13");
	expect_refused(&w, &in, "window_not_passed", NULL);
	/* The information itself may still be released to anyone. */
	in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-03-10");
	decide_ok(&w, &in, &o);
	assert_int_equal(o.state, LAW_STATE_PROVIDED);
	/* The 7 days passed: the request is left unprocessed by a letter, not
	 * a decision. */
	in = act(LAW_ACT_LEAVE_UNPROCESSED, LAW_ROLE_SYSTEM, "2025-03-14");
	decide_ok(&w, &in, &o);
	assert_int_equal(o.state, LAW_STATE_LEFT_UNPROCESSED);
	assert_int_equal(o.document, LAW_DOC_IDENTITY_UNPROCESSED);
	assert_false(law_documents[LAW_DOC_IDENTITY_UNPROCESSED].decision);
	w.party_unidentified = false;
	in = act(LAW_ACT_RECORD_IDENTITY, LAW_ROLE_REQUESTER, "2025-03-10");
	decide_ok(&w, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	must_effect(&o, LAW_TERM_STOP, LAW_TERM_IDENTITY_WINDOW);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_ANSWER)->calc.due, "2025-03-24");

	/* Identified: the decision is issued, the call is refused. */
	c.party_unidentified = false;
	in = act(LAW_ACT_REFUSE, LAW_ROLE_CLERK, "2025-03-10");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.document, LAW_DOC_REFUSAL_DECISION);
	in = act(LAW_ACT_CALL_TO_IDENTIFY, LAW_ROLE_CLERK, "2025-03-05");
	expect_refused(&c, &in, "party_identified", NULL);
}

static void test_reconsideration_replaces_appeal_where_there_is_no_higher_body(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	law_action_input_t in = act(LAW_ACT_APPEAL, LAW_ROLE_REQUESTER, "2025-04-15");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	expect_refused(&c, &in, "remedy_policy", "ponowne rozpatrzenie");
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_CLERK, "2025-04-10");
	decide_ok(&c, &in, &o);
	must_effect(&o, LAW_TERM_START, LAW_TERM_RECONSIDERATION_WINDOW);
	in = act(LAW_ACT_REQUEST_RECONSIDERATION, LAW_ROLE_CLERK, "2025-04-15");
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_RECONSIDERATION)->calc.due,
		    "2025-04-29");
	c = new_case(PI, LAW_STATE_APPEAL_PENDING);
	add_term(&c, LAW_TERM_RECONSIDERATION, "2025-04-15", "2025-04-29");
	in = act(LAW_ACT_DECIDE_RECONSIDERATION, LAW_ROLE_CLERK, "2025-04-29");
	expect_refused(&c, &in, "remedy_policy", "odwołanie");
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
	assert_int_equal(o.document, LAW_DOC_RECONSIDERATION_DECISION);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_RECONSIDERATION)->met);
}

/* KPA art. 63 §3, art. 64 §2: the requester's appeal from the tracking page
 * is unsigned; the call gives 7 days from its delivery; the signature
 * moves the case on and starts the art. 133 term from that day; with none
 * the appeal is left unprocessed by letter. */
static void test_unsigned_appeal_from_the_tracking_page_waits_for_a_signature(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	add_term(&c, LAW_TERM_APPEAL_WINDOW, "2025-04-10", "2025-04-24");
	law_action_input_t in = act(LAW_ACT_APPEAL, LAW_ROLE_REQUESTER, "2025-04-15");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_PLEADING_UNSIGNED);
	assert_true(o.reopens);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_APPEAL_WINDOW)->met);
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_APPEAL));
	assert_int_equal(o.document, LAW_DOC_NONE);

	/* The clerk's paper appeal is signed: as before. */
	in.role = LAW_ROLE_CLERK;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);

	/* Not yet called: no forwarding, no leaving unprocessed. */
	c = new_case(PI, LAW_STATE_PLEADING_UNSIGNED);
	in = act(LAW_ACT_FORWARD_APPEAL, LAW_ROLE_CLERK, "2025-04-16");
	expect_refused(&c, &in, "not_allowed_in_state", "bez podpisu");
	in = act(LAW_ACT_LEAVE_UNPROCESSED, LAW_ROLE_CLERK, "2025-04-16");
	expect_refused(&c, &in, "not_allowed_in_state", NULL);
	in = act(LAW_ACT_CALL_TO_SIGN, LAW_ROLE_REQUESTER, "2025-04-16");
	expect_refused(&c, &in, "role_not_allowed", NULL);
	in.role = LAW_ROLE_CLERK;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_SIGNATURE_CALLED);
	assert_int_equal(o.document, LAW_DOC_SIGNATURE_CALL);
	assert_int_equal(o.neffects, 0);

	/* Delivered Fri 18 Apr 2025: + 7 = Fri 25 Apr. */
	c = new_case(PI, LAW_STATE_SIGNATURE_CALLED);
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-04-18");
	decide_ok(&c, &in, &o);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_SIGNATURE_WINDOW);
	assert_date(e->calc.due, "2025-04-25");
	assert_string_equal(law_terms[LAW_TERM_SIGNATURE_WINDOW].basis, "KPA art. 64 §2");
	add_term(&c, LAW_TERM_SIGNATURE_WINDOW, "2025-04-18", "2025-04-25");
	expect_refused(&c, &in, "already_delivered", NULL);

	/* Signed in time: the appeal is pending, forwarding runs from today. */
	in = act(LAW_ACT_RECORD_SIGNATURE, LAW_ROLE_CLERK, "2025-04-23");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_SIGNATURE_WINDOW)->met);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_APPEAL)->calc.due,
		    "2025-04-30");
	/* Signed too late (posted after the 7 days): refused, the law's effect
	 * has come. */
	in = act(LAW_ACT_RECORD_SIGNATURE, LAW_ROLE_CLERK, "2025-04-29");
	in.sent = D("2025-04-28");
	expect_refused(&c, &in, "requester_term_passed", NULL);

	/* Left unprocessed only after the 7 days, by letter. */
	in = act(LAW_ACT_LEAVE_UNPROCESSED, LAW_ROLE_CLERK, "2025-04-25");
	expect_refused(&c, &in, "window_not_passed", NULL);
	in.date = D("2025-04-28");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
	assert_int_equal(o.document, LAW_DOC_PLEADING_UNPROCESSED);
	assert_true(o.closes);
	must_effect(&o, LAW_TERM_EXPIRE, LAW_TERM_SIGNATURE_WINDOW);
	assert_true(law_documents[LAW_DOC_SIGNATURE_CALL].addressee == LAW_TO_REQUESTER);

	/* Reconsideration: the same, and the 14 days run from the signature. */
	c = new_case(PI, LAW_STATE_REFUSED);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	in = act(LAW_ACT_REQUEST_RECONSIDERATION, LAW_ROLE_REQUESTER, "2025-04-15");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_PLEADING_UNSIGNED);
	c = new_case(PI, LAW_STATE_PLEADING_UNSIGNED);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	in = act(LAW_ACT_RECORD_SIGNATURE, LAW_ROLE_CLERK, "2025-04-16");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_RECONSIDERATION)->calc.due,
		    "2025-04-30");
}

/* The organisation's policy accepts the unsigned pleading: as before. */
static void test_unsigned_appeal_accepted_by_policy_goes_straight_to_pending(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	c.policy.accepts_unsigned_pleadings = true;
	add_term(&c, LAW_TERM_APPEAL_WINDOW, "2025-04-10", "2025-04-24");
	law_action_input_t in = act(LAW_ACT_APPEAL, LAW_ROLE_REQUESTER, "2025-04-15");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_APPEAL)->calc.due,
		    "2025-04-22");
	assert_false(law_policy_default().accepts_unsigned_pleadings);
}

/* Issue 20 item 6. The step produces a decision (UDIP art. 14 ust. 2, art.
 * 16 ust. 1): a clerk issues it, signed (KPA art. 107 §1 pkt 8), never the
 * system on its own. */
static void test_form_window_expired_is_a_clerks_decision_not_the_systems(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_FORM_NOTIFIED);
	add_term(&c, LAW_TERM_FORM_WINDOW, "2025-03-06", "2025-03-20");
	law_action_input_t in = act(LAW_ACT_FORM_WINDOW_EXPIRED, LAW_ROLE_SYSTEM, "2025-03-21");
	expect_refused(&c, &in, "role_not_allowed", "urzędnik");
	for (size_t i = 0; i < law_transition_count; i++)
		if (law_documents[law_transitions[i].document].decision)
			assert_false(law_transitions[i].roles & LAW_ROLE_SYSTEM);
}

/* Issue 20 item 6. UDIP art. 16 ust. 2 pkt 1 (14 days) binds only public
 * information; for re-use the KPA applies (UOD leaves remedies to it): a
 * request for reconsideration is decided within a month of its receipt (KPA
 * art. 35 §3 with art. 127 §3). */
static void test_reuse_reconsideration_term_is_the_kpa_month_not_udip(void **state)
{
	law_case_t c = new_case(RU, LAW_STATE_REFUSED);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	law_action_input_t in = act(LAW_ACT_REQUEST_RECONSIDERATION, LAW_ROLE_CLERK, "2025-04-15");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_RECONSIDERATION));
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_RECONSIDERATION);
	assert_date(e->calc.due, "2025-05-15");
	const char *basis = law_terms[LAW_TERM_REUSE_RECONSIDERATION].basis;
	assert_null(strstr(basis, "UDIP"));
	assert_non_null(strstr(basis, "KPA art. 35 §3"));
	/* Public information keeps UDIP's 14 days. */
	c.kind = PI;
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_RECONSIDERATION)->calc.due,
		    "2025-04-29");
	/* No row of a re-use case cites UDIP. */
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (r->kinds == RU && r->note)
			assert_null(strstr(r->note, "UDIP"));
	}
	/* After the signature, the same month. */
	c = new_case(RU, LAW_STATE_PLEADING_UNSIGNED);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	in = act(LAW_ACT_RECORD_SIGNATURE, LAW_ROLE_CLERK, "2025-04-16");
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_RECONSIDERATION)->calc.due,
		    "2025-05-16");
	c = new_case(RU, LAW_STATE_APPEAL_PENDING);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	add_term(&c, LAW_TERM_REUSE_RECONSIDERATION, "2025-04-16", "2025-05-16");
	in = act(LAW_ACT_DECIDE_RECONSIDERATION, LAW_ROLE_CLERK, "2025-05-16");
	decide_ok(&c, &in, &o);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_REUSE_RECONSIDERATION)->met);
}

/* ---- Court (UDIP art. 21) ----------------------------------------------- */

static void test_court_complaint_on_inaction_keeps_state_and_gives_15_days(void **state)
{
	law_case_t c = answered_case(PI, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-04-01");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_COURT_ANSWER)->calc.due, "2025-04-16");
	/* Against a refusal, an appeal comes first (PPSA art. 52). */
	c = new_case(PI, LAW_STATE_REFUSED);
	expect_refused(&c, &in, "remedy_policy", NULL);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AT_COURT);
}

static void test_judgment_obliging_the_body_reopens_with_the_courts_term(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_AT_COURT);
	law_action_input_t in = act(LAW_ACT_JUDGMENT_OBLIGES, LAW_ROLE_CLERK, "2025-09-01");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_AFTER_JUDGMENT)->calc.due,
		    "2025-09-15");
	in.term_days = 30;
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_AFTER_JUDGMENT)->calc.due,
		    "2025-10-01");
	in.term_days = -1;
	decide_ok(&c, &in, &o); /* negative means "not given": the usual 14 days */
	in.term_days = LAW_TERM_LENGTH_MAX + 1;
	expect_refused(&c, &in, "invalid_length", NULL);
}

/* ---- Court outcomes (issue 20 items 10 and 11) --------------------------- */

/* PPSA art. 145 §1 pkt 1: the court annuls the decision; the body deals with
 * the request again, 14 days from the return of the files with the final
 * judgment (art. 286 §2). From closed_final too: a complaint lodged through
 * the appeal body, the court annulling this body's decision (art. 135). */
static void test_judgment_annulling_the_decision_returns_the_case_to_the_body(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_AT_COURT);
	add_term(&c, LAW_TERM_SELF_REVIEW_WINDOW, "2025-05-05", "2025-06-04");
	law_action_input_t in = act(LAW_ACT_JUDGMENT_ANNULS, LAW_ROLE_CLERK, "2025-10-06");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_ANSWER);
	assert_date(e->calc.due, "2025-10-20");
	assert_non_null(strstr(e->calc.steps[0], "Zwrot akt z prawomocnym wyrokiem"));
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_SELF_REVIEW_WINDOW);
	assert_non_null(strstr(o.row->note, "PPSA art. 145 §1 pkt 1"));
	assert_non_null(strstr(o.row->note, "art. 286 §2"));

	c = new_case(PI, LAW_STATE_CLOSED_FINAL);
	decide_ok(&c, &in, &o);
	assert_true(o.reopens);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);

	c = new_case(RU, LAW_STATE_CLOSED_FINAL);
	decide_ok(&c, &in, &o);
	assert_true(o.reopens);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_ANSWER)->calc.due, "2025-10-20");
	assert_non_null(strstr(o.row->note, "UOD art. 40 ust. 1"));

	/* No decision annulled while the decision is still open to an appeal. */
	c = new_case(PI, LAW_STATE_REFUSED);
	expect_refused(&c, &in, "not_allowed_in_state", "art. 145 §1 pkt 1");
}

/* PPSA art. 168 §1, art. 177 §1: a judgment delivered with its reasons is
 * final when no cassation appeal is lodged within 30 days; only then (with
 * the files, art. 286 §2) is its outcome recorded. A lodged appeal stops
 * the window and the NSA's judgment counts at once. */
static void test_judgment_counts_only_when_final_after_the_cassation_window(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_AT_COURT);
	law_action_input_t in = act(LAW_ACT_CASSATION_APPEAL, LAW_ROLE_CLERK, "2025-09-10");
	expect_refused(&c, &in, "term_not_open", "skargi kasacyjnej");

	in = act(LAW_ACT_JUDGMENT_DELIVERED, LAW_ROLE_CLERK, "2025-09-01");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AT_COURT);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_CASSATION_WINDOW);
	assert_date(e->calc.due, "2025-10-01");
	assert_string_equal(law_terms[LAW_TERM_CASSATION_WINDOW].basis, "PPSA art. 177 §1");
	add_term(&c, LAW_TERM_CASSATION_WINDOW, "2025-09-01", "2025-10-01");
	expect_refused(&c, &in, "already_delivered", NULL);

	/* Not final yet: every outcome is refused up to the window's last day. */
	static const law_action_t outcomes[] = {LAW_ACT_JUDGMENT_OBLIGES, LAW_ACT_JUDGMENT_DISMISSES,
						LAW_ACT_JUDGMENT_ANNULS};
	for (size_t i = 0; i < sizeof outcomes / sizeof outcomes[0]; i++) {
		in = act(outcomes[i], LAW_ROLE_CLERK, "2025-10-01");
		expect_refused(&c, &in, "judgment_not_final", "2025-10-01");
	}
	/* Final: the window passed; the court's term runs from the files. */
	in = act(LAW_ACT_JUDGMENT_OBLIGES, LAW_ROLE_CLERK, "2025-10-06");
	decide_ok(&c, &in, &o);
	must_effect(&o, LAW_TERM_EXPIRE, LAW_TERM_CASSATION_WINDOW);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_AFTER_JUDGMENT)->calc.due, "2025-10-20");

	/* A cassation appeal posted by the last day is in time (PPSA art. 83
	 * §3), received later; one posted after it is refused. */
	in = act(LAW_ACT_CASSATION_APPEAL, LAW_ROLE_CLERK, "2025-10-03");
	in.sent = D("2025-10-01");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AT_COURT);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_CASSATION_WINDOW)->met);
	in.sent = D("2025-10-02");
	expect_refused(&c, &in, "term_passed", "2025-10-01");

	/* After the appeal (window stopped) the NSA's judgment counts at once. */
	c = new_case(PI, LAW_STATE_AT_COURT);
	in = act(LAW_ACT_JUDGMENT_DISMISSES, LAW_ROLE_CLERK, "2025-10-02");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);

	/* An inaction complaint in a case still open: the same rule. */
	c = answered_case(RU, "2025-08-01", "2025-08-18");
	add_term(&c, LAW_TERM_CASSATION_WINDOW, "2025-09-01", "2025-10-01");
	in = act(LAW_ACT_JUDGMENT_OBLIGES, LAW_ROLE_CLERK, "2025-09-20");
	expect_refused(&c, &in, "judgment_not_final", NULL);
}

/* PPSA art. 54 §3: the body may grant the complaint in full within 30 days
 * of receiving it; UDIP art. 21 pkt 1 shortens only the term to send it on
 * (15 days). Its act is due within the same 30 days. */
static void test_body_grants_the_complaint_itself_within_30_days(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	law_action_input_t in = act(LAW_ACT_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-05");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AT_COURT);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_COURT_ANSWER)->calc.due, "2025-05-20");
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_SELF_REVIEW_WINDOW)->calc.due,
		    "2025-06-04");
	assert_int_equal(law_terms[LAW_TERM_SELF_REVIEW_WINDOW].side, LAW_SIDE_REQUESTER);

	c = new_case(PI, LAW_STATE_AT_COURT);
	add_term(&c, LAW_TERM_COURT_ANSWER, "2025-05-05", "2025-05-20");
	add_term(&c, LAW_TERM_SELF_REVIEW_WINDOW, "2025-05-05", "2025-06-04");
	in = act(LAW_ACT_GRANT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-26");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_SELF_REVIEW_WINDOW)->met);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_SELF_REVIEW_ACT);
	assert_date(e->calc.from, "2025-05-05");
	assert_date(e->calc.due, "2025-06-04");
	assert_int_equal(law_terms[LAW_TERM_SELF_REVIEW_ACT].side, LAW_SIDE_BODY);
	/* The complaint still goes to the court with the files and the answer. */
	assert_null(effect(&o, LAW_TERM_CANCEL, LAW_TERM_COURT_ANSWER));
	assert_null(effect(&o, LAW_TERM_STOP, LAW_TERM_COURT_ANSWER));

	/* The act in the 30 days meets the term. */
	law_case_t back = new_case(PI, LAW_STATE_IN_PROGRESS);
	add_term(&back, LAW_TERM_SELF_REVIEW_ACT, "2025-05-05", "2025-06-04");
	in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-06-02");
	decide_ok(&back, &in, &o);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_SELF_REVIEW_ACT)->met);

	/* After the 30 days, or with no complaint, it is refused. */
	in = act(LAW_ACT_GRANT_COMPLAINT, LAW_ROLE_CLERK, "2025-06-05");
	expect_refused(&c, &in, "term_passed", "2025-06-04");
	c = new_case(PI, LAW_STATE_AT_COURT);
	expect_refused(&c, &in, "term_not_open", NULL);
	c = new_case(PI, LAW_STATE_REFUSED);
	expect_refused(&c, &in, "not_allowed_in_state", "art. 54 §3");
}

/* KPA art. 138 §2: after the court annulled the appeal body's decision, the
 * appeal body may refer the case back; a case closed_final returns to work. */
static void test_referral_back_reopens_a_case_closed_final(void **state)
{
	law_kind_t kinds[] = {PI, RU};
	for (int k = 0; k < 2; k++) {
		law_case_t c = new_case(kinds[k], LAW_STATE_CLOSED_FINAL);
		law_action_input_t in = act(LAW_ACT_APPEAL_REFERRED_BACK, LAW_ROLE_CLERK, "2025-10-06");
		law_outcome_t o;
		decide_ok(&c, &in, &o);
		assert_true(o.reopens);
		assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
		assert_date(must_effect(&o, LAW_TERM_START, answer_of(kinds[k]))->calc.due,
			    "2025-10-20");
		c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
		expect_refused(&c, &in, "remedy_policy", NULL);
	}
}

/* Issue 20 item 11: re-use decisions and inaction go to the administrative
 * court too, with the re-use citation (UOD art. 41) for the body's 15 days. */
static void test_reuse_complaints_go_to_court_with_their_own_citation(void **state)
{
	law_case_t c = answered_case(RU, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-05");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_COURT_ANSWER);
	assert_date(e->calc.due, "2025-05-20");
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_COURT_ANSWER));
	assert_non_null(strstr(law_terms[LAW_TERM_REUSE_COURT_ANSWER].basis, "UOD art. 41"));
	assert_null(strstr(law_terms[LAW_TERM_REUSE_COURT_ANSWER].basis, "UDIP"));

	add_term(&c, LAW_TERM_REUSE_COURT_ANSWER, "2025-05-05", "2025-05-20");
	in = act(LAW_ACT_ANSWER_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-19");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.document, LAW_DOC_COURT_ANSWER);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_REUSE_COURT_ANSWER)->met);
	assert_true(law_documents[LAW_DOC_COURT_ANSWER].kinds & RU);

	/* Against a refusal: the KPA remedy first, or straight to court where
	 * the remedy is reconsideration (PPSA art. 52 §3). */
	c = new_case(RU, LAW_STATE_REFUSED);
	in = act(LAW_ACT_COURT_COMPLAINT, LAW_ROLE_CLERK, "2025-05-05");
	expect_refused(&c, &in, "remedy_policy", NULL);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AT_COURT);
	must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_COURT_ANSWER);

	c = new_case(RU, LAW_STATE_AT_COURT);
	in = act(LAW_ACT_JUDGMENT_OBLIGES, LAW_ROLE_CLERK, "2025-10-06");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	in = act(LAW_ACT_JUDGMENT_DISMISSES, LAW_ROLE_CLERK, "2025-10-06");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
}

/* ---- Re-use (UOD) ------------------------------------------------------- */

static void test_reuse_offer_objection_and_decision_on_conditions(void **state)
{
	law_case_t c = answered_case(RU, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_OFFER, LAW_ROLE_CLERK, "2025-03-14");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_OFFER_SENT);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_REUSE_ANSWER)->met);

	c = new_case(RU, LAW_STATE_OFFER_SENT);
	add_term(&c, LAW_TERM_OFFER_WINDOW, "2025-03-17", "2025-03-31");
	in = act(LAW_ACT_OBJECT_TO_OFFER, LAW_ROLE_REQUESTER, "2025-03-31");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_OBJECTION_LODGED);
	in = act(LAW_ACT_ACCEPT_OFFER, LAW_ROLE_REQUESTER, "2025-04-02");
	in.sent = D("2025-04-01");
	expect_refused(&c, &in, "requester_term_passed", NULL);
	in = act(LAW_ACT_OFFER_WINDOW_EXPIRED, LAW_ROLE_SYSTEM, "2025-04-01");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_DEEMED_WITHDRAWN);

	c = new_case(RU, LAW_STATE_OBJECTION_LODGED);
	in = act(LAW_ACT_DECIDE_CONDITIONS, LAW_ROLE_CLERK, "2025-04-10");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CONDITIONS_DECIDED);
	assert_true(law_documents[o.document].decision);
}

/* Issue 20 item 11: a request for standing and direct re-use in real time
 * (UOD art. 39 ust. 2). The offer allows no objection (art. 42 ust. 1 pkt
 * 1): its delivery starts only the 14 days to accept it (ust. 2); without
 * the acceptance the request counts as withdrawn (ust. 2 with art. 41
 * ust. 2 second sentence). */
static void test_standing_access_offer_allows_no_objection_only_acceptance(void **state)
{
	law_case_t c = answered_case(RU, "2025-03-03", "2025-03-17");
	c.standing = true;
	law_action_input_t in = act(LAW_ACT_OFFER, LAW_ROLE_CLERK, "2025-03-14");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_OFFER_SENT);
	assert_int_equal(o.document, LAW_DOC_REUSE_OFFER);
	assert_non_null(strstr(o.row->note, "art. 42 ust. 1 pkt 1"));
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_REUSE_ANSWER)->met);

	/* The delivery starts the window to accept, not the one to object. */
	c = new_case(RU, LAW_STATE_OFFER_SENT);
	c.standing = true;
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-03-17");
	decide_ok(&c, &in, &o);
	const law_term_effect_t *w = must_effect(&o, LAW_TERM_START, LAW_TERM_STANDING_OFFER_WINDOW);
	assert_date(w->calc.due, "2025-03-31");
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_OFFER_WINDOW));
	assert_string_equal(law_terms[LAW_TERM_STANDING_OFFER_WINDOW].basis, "UOD art. 42 ust. 2");
	assert_int_equal(law_terms[LAW_TERM_STANDING_OFFER_WINDOW].side, LAW_SIDE_REQUESTER);
	assert_null(strstr(law_terms[LAW_TERM_STANDING_OFFER_WINDOW].label, "wniesienie sprzeciwu"));

	add_term(&c, LAW_TERM_STANDING_OFFER_WINDOW, "2025-03-17", "2025-03-31");
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_CLERK, "2025-03-18");
	expect_refused(&c, &in, "already_delivered", NULL);
	/* Neither the requester nor the clerk records an objection. */
	in = act(LAW_ACT_OBJECT_TO_OFFER, LAW_ROLE_REQUESTER, "2025-03-20");
	expect_refused(&c, &in, "no_objection", "art. 42 ust. 1 pkt 1");
	in.role = LAW_ROLE_CLERK;
	expect_refused(&c, &in, "no_objection", "nie przysługuje sprzeciw");
	/* Accepted in time: the window is met, the body goes on to transfer. */
	in = act(LAW_ACT_ACCEPT_OFFER, LAW_ROLE_REQUESTER, "2025-03-31");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_STANDING_OFFER_WINDOW)->met);
	assert_non_null(strstr(o.row->note, "art. 42 ust. 2"));
	/* Posted after the 14 days: too late. */
	in = act(LAW_ACT_ACCEPT_OFFER, LAW_ROLE_CLERK, "2025-04-02");
	in.sent = D("2025-04-01");
	expect_refused(&c, &in, "requester_term_passed", NULL);
	/* The window passing: withdrawn, not before the day after it. */
	in = act(LAW_ACT_OFFER_WINDOW_EXPIRED, LAW_ROLE_SYSTEM, "2025-03-31");
	expect_refused(&c, &in, "window_not_passed", NULL);
	in = act(LAW_ACT_OFFER_WINDOW_EXPIRED, LAW_ROLE_SYSTEM, "2025-04-01");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_DEEMED_WITHDRAWN);
	assert_non_null(effect(&o, LAW_TERM_EXPIRE, LAW_TERM_STANDING_OFFER_WINDOW));
	assert_non_null(strstr(o.row->note, "art. 41 ust. 2 zdanie drugie"));

	/* The clerk's list of steps leaves the objection out for such a
	 * request only. */
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (r->action != LAW_ACT_OBJECT_TO_OFFER)
			continue;
		assert_false(law_row_fits_case(r, &c));
		c.standing = false;
		assert_true(law_row_fits_case(r, &c));
		c.standing = true;
	}

	/* A request of art. 41 keeps its objection and its own window. */
	c = new_case(RU, LAW_STATE_OFFER_SENT);
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-03-17");
	decide_ok(&c, &in, &o);
	assert_non_null(effect(&o, LAW_TERM_START, LAW_TERM_OFFER_WINDOW));
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_STANDING_OFFER_WINDOW));
}

/* Issue 20 item 11: re-use in the manner or form asked for is not
 * possible. For a request of UOD art. 41 it is the offer's variant of ust. 1
 * pkt 4 (with art. 10 ust. 4): the request waits for the acceptance or the
 * objection as after an offer. For standing access it is the answer of art.
 * 42 ust. 1 pkt 2 and closes the request, meeting the answer term. */
static void test_reuse_not_possible_in_the_manner_asked_is_an_offer_or_closes(void **state)
{
	law_case_t c = answered_case(RU, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_FORM_NOTICE, LAW_ROLE_CLERK, "2025-03-12");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_OFFER_SENT);
	assert_int_equal(o.document, LAW_DOC_REUSE_FORM_NOTICE);
	assert_false(o.closes);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_REUSE_ANSWER)->met);
	assert_non_null(strstr(o.row->note, "art. 41 ust. 1 pkt 4"));
	assert_non_null(strstr(law_documents[LAW_DOC_REUSE_FORM_NOTICE].basis, "art. 10 ust. 4"));
	assert_false(law_documents[LAW_DOC_REUSE_FORM_NOTICE].decision);

	c.standing = true;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_REUSE_NOT_POSSIBLE);
	assert_int_equal(o.document, LAW_DOC_REUSE_FORM_NOTICE);
	assert_true(o.closes);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_REUSE_ANSWER)->met);
	assert_non_null(strstr(o.row->note, "art. 42 ust. 1 pkt 2"));
	assert_true(law_states[LAW_STATE_REUSE_NOT_POSSIBLE].closed);
	assert_int_equal(law_states[LAW_STATE_REUSE_NOT_POSSIBLE].kinds, RU);

	/* Public information keeps UDIP art. 14 ust. 2. */
	c = answered_case(PI, "2025-03-03", "2025-03-17");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_FORM_NOTIFIED);
	assert_int_equal(o.document, LAW_DOC_FORM_NOTICE);
}

/* Issue 20 item 11 (UOD art. 41 ust. 3): the objection, recorded on the
 * day the body received it, starts the body's 14 days for the decision on
 * the conditions; the decision stops it, met or missed; a withdrawal
 * cancels it. */
static void test_objection_starts_the_14_days_for_the_conditions_decision(void **state)
{
	law_case_t c = new_case(RU, LAW_STATE_OFFER_SENT);
	add_term(&c, LAW_TERM_OFFER_WINDOW, "2025-03-17", "2025-03-31");
	law_action_input_t in = act(LAW_ACT_OBJECT_TO_OFFER, LAW_ROLE_CLERK, "2025-03-20");
	in.sent = D("2025-03-19");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_OBJECTION_LODGED);
	const law_term_effect_t *t = must_effect(&o, LAW_TERM_START, LAW_TERM_CONDITIONS_DECISION);
	assert_date(t->calc.from, "2025-03-20");
	assert_date(t->calc.due, "2025-04-03");
	assert_true(t->calc.nsteps > 0);
	assert_non_null(strstr(t->calc.steps[0], "sprzeciwu"));
	assert_int_equal(law_terms[LAW_TERM_CONDITIONS_DECISION].side, LAW_SIDE_BODY);
	assert_string_equal(law_terms[LAW_TERM_CONDITIONS_DECISION].basis, "UOD art. 41 ust. 3");

	c = new_case(RU, LAW_STATE_OBJECTION_LODGED);
	add_term(&c, LAW_TERM_CONDITIONS_DECISION, "2025-03-20", "2025-04-03");
	in = act(LAW_ACT_DECIDE_CONDITIONS, LAW_ROLE_CLERK, "2025-04-03");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CONDITIONS_DECIDED);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_CONDITIONS_DECISION)->met);
	in = act(LAW_ACT_DECIDE_CONDITIONS, LAW_ROLE_CLERK, "2025-04-04");
	decide_ok(&c, &in, &o);
	assert_false(must_effect(&o, LAW_TERM_STOP, LAW_TERM_CONDITIONS_DECISION)->met);
	in = act(LAW_ACT_WITHDRAW, LAW_ROLE_REQUESTER, "2025-03-25");
	decide_ok(&c, &in, &o);
	assert_non_null(effect(&o, LAW_TERM_CANCEL, LAW_TERM_CONDITIONS_DECISION));
}

/* UOD art. 39 ust. 4: a re-use request missing an element of ust. 3 gets a
 * call to complete within 7 days with the warning that it will otherwise be
 * left unprocessed. Statutory, not a policy: there is no setting, and the
 * request is never left unprocessed without the call. */
static void test_reuse_defects_always_called_never_left_unprocessed_at_once(void **state)
{
	law_case_t c = answered_case(RU, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_CALL_TO_COMPLETE, LAW_ROLE_CLERK, "2025-03-05");
	law_action_input_t leave = act(LAW_ACT_LEAVE_UNPROCESSED, LAW_ROLE_CLERK, "2025-03-05");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_AWAITING_COMPLETION);
	assert_int_equal(o.document, LAW_DOC_COMPLETION_CALL);
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_REUSE_ANSWER);
	/* From any state of a re-use request but awaiting_completion (after
	 * its window) it cannot be left unprocessed: the reason says why. */
	law_state_t st[] = {LAW_STATE_RECEIVED, LAW_STATE_IN_PROGRESS, LAW_STATE_EXTENDED};
	for (size_t k = 0; k < sizeof st / sizeof st[0]; k++) {
		c.state = st[k];
		expect_refused(&c, &leave, "not_allowed_in_state", "UOD art. 39 ust. 4");
	}
	for (int r = 0; law_refusal_codes[r]; r++)
		assert_string_not_equal(law_refusal_codes[r], "defects_policy");
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *t = &law_transitions[i];
		if (t->action == LAW_ACT_LEAVE_UNPROCESSED && (t->kinds & RU))
			assert_true(t->from == (UINT64_C(1) << LAW_STATE_AWAITING_COMPLETION) ||
				    t->from == (UINT64_C(1) << LAW_STATE_SIGNATURE_CALLED));
		if (t->action == LAW_ACT_CALL_TO_COMPLETE)
			assert_int_equal(t->guards[0].guard, LAW_GUARD_NONE);
	}

	c = new_case(RU, LAW_STATE_AWAITING_COMPLETION);
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-03-06");
	decide_ok(&c, &in, &o);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_COMPLETION_WINDOW);
	assert_date(e->calc.due, "2025-03-13");
	assert_non_null(strstr(law_terms[LAW_TERM_COMPLETION_WINDOW].basis, "UOD art. 39 ust. 4"));
	add_term(&c, LAW_TERM_COMPLETION_WINDOW, "2025-03-06", "2025-03-13");
	leave.date = D("2025-03-14");
	decide_ok(&c, &leave, &o);
	assert_int_equal(o.state, LAW_STATE_LEFT_UNPROCESSED);
	in = act(LAW_ACT_RECORD_COMPLETION, LAW_ROLE_REQUESTER, "2025-03-10");
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_REUSE_ANSWER)->calc.due, "2025-03-24");
}

/* ---- Issue 20 item 9: KPA steps ------------------------------------------ */

/* KPA art. 127a: before the window ends (after the decision's delivery)
 * the requester may waive the appeal; the decision is final and binding on
 * the day the statement reaches the organ; the window stops. For the
 * request for reconsideration too (art. 127 §3 applies the appeal's
 * provisions). Not where the body is no organ of public authority. */
static void test_waiver_of_the_appeal_makes_the_decision_final_on_receipt_kpa_127a(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	law_action_input_t in = act(LAW_ACT_WAIVE_APPEAL, LAW_ROLE_CLERK, "2025-04-15");
	law_outcome_t o;
	/* Before delivery there is no window to waive in. */
	expect_refused(&c, &in, "window_not_started", "doręczenie decyzji");
	add_term(&c, LAW_TERM_APPEAL_WINDOW, "2025-04-10", "2025-04-24");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
	assert_int_equal(o.document, LAW_DOC_NONE);
	assert_false(o.closes); /* closed already, by the decision */
	assert_null(o.warning.code);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_APPEAL_WINDOW);
	assert_date(e->calc.due, "2025-04-24");
	assert_non_null(strstr(o.row->note, "KPA art. 127a"));
	/* On the window's last day still; the day after, too late. */
	in.date = D("2025-04-24");
	decide_ok(&c, &in, &o);
	in.date = D("2025-04-25");
	expect_refused(&c, &in, "term_passed", "2025-04-24");
	/* The clerk records the statement; the requester files nothing here. */
	in = act(LAW_ACT_WAIVE_APPEAL, LAW_ROLE_REQUESTER, "2025-04-15");
	expect_refused(&c, &in, "role_not_allowed", NULL);
	/* Only once a decision was issued. */
	law_case_t open = answered_case(PI, "2025-03-03", "2025-03-17");
	in = act(LAW_ACT_WAIVE_APPEAL, LAW_ROLE_CLERK, "2025-03-10");
	expect_refused(&open, &in, "not_allowed_in_state", "art. 127a");

	/* The request for reconsideration (KPA art. 127 §3). */
	c = new_case(RU, LAW_STATE_CONDITIONS_DECIDED);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	add_term(&c, LAW_TERM_RECONSIDERATION_WINDOW, "2025-04-10", "2025-04-24");
	in = act(LAW_ACT_WAIVE_APPEAL, LAW_ROLE_CLERK, "2025-04-11");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
	must_effect(&o, LAW_TERM_CANCEL, LAW_TERM_RECONSIDERATION_WINDOW);
	assert_non_null(strstr(o.row->note, "art. 127 §3"));

	/* No KPA, no appeal to waive (UDIP art. 17 ust. 1). */
	c = new_case(PI, LAW_STATE_REFUSED);
	c.policy.remedy = LAW_REMEDY_COURT_COMPLAINT;
	add_term(&c, LAW_TERM_COURT_COMPLAINT_WINDOW, "2025-04-10", "2025-05-12");
	expect_refused(&c, &in, "remedy_policy", "art. 17 ust. 1");
}

/* The waiver cannot be taken back: no row leads from closed_final back to
 * a decided state, and an appeal after it is only sent on for the appeal
 * body to declare inadmissible (KPA art. 127a §2, art. 134), with no term
 * to restore. */
static void test_waiver_cannot_be_withdrawn_an_appeal_after_it_goes_on_as_inadmissible(void **state)
{
	const uint64_t decided = (UINT64_C(1) << LAW_STATE_REFUSED) |
				 (UINT64_C(1) << LAW_STATE_PARTLY_REFUSED) |
				 (UINT64_C(1) << LAW_STATE_DISCONTINUED) |
				 (UINT64_C(1) << LAW_STATE_CONDITIONS_DECIDED) |
				 (UINT64_C(1) << LAW_STATE_APPEAL_GRANTED);
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		if (r->from & (UINT64_C(1) << LAW_STATE_CLOSED_FINAL))
			assert_false(r->next != LAW_STATE_SAME &&
				     (decided & (UINT64_C(1) << r->next)));
	}
	law_case_t c = new_case(PI, LAW_STATE_CLOSED_FINAL);
	c.remedy_waived = D("2025-04-15");
	law_action_input_t in = act(LAW_ACT_APPEAL, LAW_ROLE_CLERK, "2025-04-22");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);
	assert_string_equal(o.warning.code, "remedy_waived");
	assert_non_null(strstr(o.warning.message, "2025-04-15"));
	assert_non_null(strstr(o.warning.message, "art. 134"));
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_APPEAL)->calc.due,
		    "2025-04-29");
	in.restore_request = true;
	expect_refused(&c, &in, "restore_not_late", "zrzekła się");
}

/* KPA art. 133, 134, 58-59: an appeal lodged after the decision became
 * final by the window's passing is recorded and sent on within the 7 days;
 * the appeal body declares it late or restores the term. */
static void test_appeal_after_the_window_is_recorded_and_sent_on_kpa_134(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_CLOSED_FINAL);
	c.remedy_lapsed = D("2025-04-24");
	law_action_input_t in = act(LAW_ACT_APPEAL, LAW_ROLE_CLERK, "2025-05-02");
	in.sent = D("2025-04-30");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);
	assert_true(o.reopens);
	assert_string_equal(o.warning.code, "requester_late");
	assert_non_null(strstr(o.warning.message, "2025-04-24"));
	assert_non_null(strstr(o.warning.message, "art. 134"));
	assert_non_null(strstr(o.warning.message, "art. 59 §2"));
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_APPEAL)->calc.due,
		    "2025-05-09");
	/* With the request to restore the term (art. 58 §2). */
	in.restore_request = true;
	decide_ok(&c, &in, &o);
	assert_string_equal(o.warning.code, "requester_late");
	/* The clerk records it; reconsideration is the organ's own matter. */
	in.role = LAW_ROLE_REQUESTER;
	expect_refused(&c, &in, "role_not_allowed", NULL);
	in.role = LAW_ROLE_CLERK;
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	expect_refused(&c, &in, "remedy_policy", NULL);
	/* After the appeal body's decision there is nothing to appeal. */
	c = new_case(PI, LAW_STATE_CLOSED_FINAL);
	expect_refused(&c, &in, "remedy_not_final", "organu odwoławczego");

	/* Recorded while the window is still on record: the same warning, and
	 * a request to restore only with a late appeal. */
	c = new_case(PI, LAW_STATE_REFUSED);
	add_term(&c, LAW_TERM_APPEAL_WINDOW, "2025-04-10", "2025-04-24");
	in = act(LAW_ACT_APPEAL, LAW_ROLE_CLERK, "2025-04-28");
	in.restore_request = true;
	decide_ok(&c, &in, &o);
	assert_string_equal(o.warning.code, "requester_late");
	in.sent = D("2025-04-24");
	expect_refused(&c, &in, "restore_not_late", "w terminie");
}

/* KPA art. 132 §1, §3, art. 133: within the 7 days to send the appeal on,
 * the organ grants it in full by a new decision that cancels the one
 * appealed and releases the information; the new decision is open to
 * appeal again. */
static void test_organ_grants_the_appeal_itself_within_7_days_kpa_132(void **state)
{
	law_case_t c = new_case(PI, LAW_STATE_APPEAL_PENDING);
	add_term(&c, LAW_TERM_FORWARD_APPEAL, "2025-04-28", "2025-05-05");
	law_action_input_t in = act(LAW_ACT_GRANT_APPEAL, LAW_ROLE_CLERK, "2025-05-05");
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_GRANTED);
	assert_int_equal(o.document, LAW_DOC_APPEAL_GRANTED_DECISION);
	assert_true(law_documents[o.document].decision);
	assert_true(o.closes);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_FORWARD_APPEAL)->met);
	assert_non_null(strstr(o.row->note, "art. 132"));
	/* After the 7 days only the appeal body may decide. */
	in.date = D("2025-05-06");
	expect_refused(&c, &in, "term_passed", "2025-05-05");
	/* Already sent on: the term is closed. */
	c.nterms = 0;
	in.date = D("2025-05-05");
	expect_refused(&c, &in, "term_not_open", NULL);
	/* No higher body: no art. 132, the organ reconsiders anyway. */
	c = new_case(PI, LAW_STATE_APPEAL_PENDING);
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	add_term(&c, LAW_TERM_RECONSIDERATION, "2025-04-28", "2025-05-12");
	expect_refused(&c, &in, "remedy_policy", NULL);

	/* The new decision: delivered, it starts the appeal window (§3); it
	 * can be appealed, waived or become final. */
	c = new_case(RU, LAW_STATE_APPEAL_GRANTED);
	in = act(LAW_ACT_RECORD_DELIVERY, LAW_ROLE_SYSTEM, "2025-05-07");
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_APPEAL_WINDOW)->calc.due,
		    "2025-05-21");
	add_term(&c, LAW_TERM_APPEAL_WINDOW, "2025-05-07", "2025-05-21");
	in = act(LAW_ACT_APPEAL, LAW_ROLE_REQUESTER, "2025-05-12");
	c.policy.accepts_unsigned_pleadings = true;
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_APPEAL_PENDING);
	in = act(LAW_ACT_WAIVE_APPEAL, LAW_ROLE_CLERK, "2025-05-12");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
	in = act(LAW_ACT_REMEDY_WINDOW_EXPIRED, LAW_ROLE_SYSTEM, "2025-05-22");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_CLOSED_FINAL);
	assert_true(law_states[LAW_STATE_APPEAL_GRANTED].closed);
}

/* KPA art. 37 §3 pkt 1, §4: the ponaglenie lodged through the organ goes
 * to the higher body within 7 days with the organ's position; the case
 * keeps running, and settling it meanwhile does not lift the duty. Lodged
 * before the answer term passed, it is left unprocessed (§3a). Where there
 * is no higher body the organ considers it itself (§3 pkt 2, §5-6). */
static void test_ponaglenie_is_sent_on_within_7_days_kpa_37(void **state)
{
	law_case_t c = answered_case(PI, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_RECORD_PONAGLENIE, LAW_ROLE_CLERK, "2025-03-17");
	law_outcome_t o;
	expect_refused(&c, &in, "ponaglenie_premature", "art. 37 §3a");
	in.date = D("2025-03-18");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);
	assert_int_equal(o.document, LAW_DOC_NONE);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_PONAGLENIE);
	assert_date(e->calc.due, "2025-03-25");
	assert_null(effect(&o, LAW_TERM_STOP, LAW_TERM_ANSWER));

	add_term(&c, LAW_TERM_FORWARD_PONAGLENIE, "2025-03-18", "2025-03-25");
	/* The case is settled meanwhile: the ponaglenie's term stays open. */
	in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-03-20");
	decide_ok(&c, &in, &o);
	assert_true(o.closes);
	assert_null(effect(&o, LAW_TERM_CANCEL, LAW_TERM_FORWARD_PONAGLENIE));
	assert_null(effect(&o, LAW_TERM_STOP, LAW_TERM_FORWARD_PONAGLENIE));
	law_case_t closed = c;
	closed.state = LAW_STATE_PROVIDED;
	closed.nterms = 0;
	add_term(&closed, LAW_TERM_FORWARD_PONAGLENIE, "2025-03-18", "2025-03-25");
	in = act(LAW_ACT_FORWARD_PONAGLENIE, LAW_ROLE_CLERK, "2025-03-25");
	decide_ok(&closed, &in, &o);
	assert_int_equal(o.state, LAW_STATE_PROVIDED);
	assert_int_equal(o.document, LAW_DOC_PONAGLENIE_FORWARDING);
	assert_int_equal(law_documents[o.document].addressee, LAW_TO_APPEAL_BODY);
	assert_true(must_effect(&o, LAW_TERM_STOP, LAW_TERM_FORWARD_PONAGLENIE)->met);
	in.date = D("2025-03-26");
	decide_ok(&closed, &in, &o);
	assert_false(must_effect(&o, LAW_TERM_STOP, LAW_TERM_FORWARD_PONAGLENIE)->met);
	/* Sent on: nothing left to send. */
	closed.nterms = 0;
	expect_refused(&closed, &in, "term_not_open", NULL);
	/* A ponaglenie is about a case still being dealt with. */
	in = act(LAW_ACT_RECORD_PONAGLENIE, LAW_ROLE_CLERK, "2025-03-26");
	expect_refused(&closed, &in, "not_allowed_in_state", "art. 37 §1");

	/* No higher body (a minister): the organ decides it within 7 days. */
	c = answered_case(RU, "2025-03-03", "2025-03-17");
	c.policy.remedy = LAW_REMEDY_RECONSIDERATION;
	in = act(LAW_ACT_RECORD_PONAGLENIE, LAW_ROLE_CLERK, "2025-03-19");
	decide_ok(&c, &in, &o);
	assert_date(must_effect(&o, LAW_TERM_START, LAW_TERM_CONSIDER_PONAGLENIE)->calc.due,
		    "2025-03-26");
	assert_null(effect(&o, LAW_TERM_START, LAW_TERM_FORWARD_PONAGLENIE));
	add_term(&c, LAW_TERM_CONSIDER_PONAGLENIE, "2025-03-19", "2025-03-26");
	in = act(LAW_ACT_FORWARD_PONAGLENIE, LAW_ROLE_CLERK, "2025-03-20");
	expect_refused(&c, &in, "term_not_open", NULL);
	in = act(LAW_ACT_DECIDE_PONAGLENIE, LAW_ROLE_CLERK, "2025-03-20");
	decide_ok(&c, &in, &o);
	assert_int_equal(o.document, LAW_DOC_PONAGLENIE_ORDER);
	assert_false(law_documents[o.document].decision);
	assert_int_equal(o.state, LAW_STATE_IN_PROGRESS);

	/* No KPA for a body that is not an organ of public authority. */
	c = answered_case(PI, "2025-03-03", "2025-03-17");
	c.policy.remedy = LAW_REMEDY_COURT_COMPLAINT;
	in = act(LAW_ACT_RECORD_PONAGLENIE, LAW_ROLE_CLERK, "2025-03-19");
	expect_refused(&c, &in, "remedy_policy", "art. 17 ust. 1");
}

/* KPA art. 44 §4: a registered letter not collected after two notices is
 * deemed delivered on the last day of the 14 days from the first notice
 * (law_dispatch_deemed_kpa44(), recorded by cases/dispatch.c); that date is
 * the decision's delivery and starts the appeal window. */
static void test_deemed_delivery_kpa_44_starts_the_appeal_window(void **state)
{
	law_date_t deemed = law_dispatch_deemed_kpa44(D("2025-04-01"));
	assert_date(deemed, "2025-04-15");
	law_case_t c = new_case(PI, LAW_STATE_REFUSED);
	law_action_input_t in = {.action = LAW_ACT_RECORD_DELIVERY, .role = LAW_ROLE_SYSTEM,
				 .date = deemed};
	law_outcome_t o;
	decide_ok(&c, &in, &o);
	const law_term_effect_t *e = must_effect(&o, LAW_TERM_START, LAW_TERM_APPEAL_WINDOW);
	assert_date(e->calc.from, "2025-04-15");
	assert_date(e->calc.due, "2025-04-29");
	assert_true(law_delivery_rule("deemed_kpa44")->deemed);
	assert_string_equal(law_delivery_rule("deemed_kpa44")->basis, "KPA art. 44 §4");
}

/* ---- Input checks ------------------------------------------------------- */

static void test_bad_input_is_refused_not_crashed(void **state)
{
	law_case_t c = answered_case(PI, "2025-03-03", "2025-03-17");
	law_action_input_t in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-03-05");
	in.date = (law_date_t){2025, 2, 30};
	expect_refused(&c, &in, "invalid_date", NULL);
	in.date = LAW_DATE_NONE;
	expect_refused(&c, &in, "invalid_date", NULL);
	in.date = (law_date_t){2101, 1, 1};
	expect_refused(&c, &in, "date_out_of_range", NULL);
	in.date = D("2025-03-01");
	expect_refused(&c, &in, "date_before_receipt", "2025-03-03");
	in = act(LAW_ACT_WITHDRAW, LAW_ROLE_REQUESTER, "2025-03-05");
	in.sent = D("2025-03-06");
	expect_refused(&c, &in, "sent_after_received", NULL);
	in.sent = (law_date_t){2025, 13, 1};
	expect_refused(&c, &in, "invalid_date", NULL);
	in = act((law_action_t)999, LAW_ROLE_CLERK, "2025-03-05");
	expect_refused(&c, &in, "unknown_action", NULL);
	in = act(LAW_ACT_PROVIDE, LAW_ROLE_CLERK, "2025-03-05");
	law_case_t bad = c;
	bad.kind = (law_kind_t)3;
	expect_refused(&bad, &in, "invalid_case", NULL);
	bad = new_case(RU, LAW_STATE_FEE_NOTIFIED); /* a state of the other kind */
	expect_refused(&bad, &in, "invalid_case", NULL);
	bad = c;
	bad.state = (law_state_t)77;
	law_outcome_t o;
	assert_false(law_decide(&bad, &in, &o));
	assert_string_equal(o.refusal.code, "invalid_case");
	bad = c;
	bad.nterms = LAW_OPEN_TERMS_MAX + 1;
	assert_false(law_decide(&bad, &in, &o));
	assert_string_equal(o.refusal.code, "invalid_case");
	bad = c;
	bad.terms[0].due = (law_date_t){2025, 2, 31};
	expect_refused(&bad, &in, "invalid_case", NULL);
	/* A year near the end of the calendar: no term past 2100. */
	c = new_case(PI, LAW_STATE_NONE);
	in = act(LAW_ACT_REGISTER, LAW_ROLE_CLERK, "2100-12-25");
	expect_refused(&c, &in, "date_out_of_range", NULL);
}

static void test_refusal_codes_are_unique(void **state)
{
	for (int i = 0; law_refusal_codes[i]; i++)
		for (int j = i + 1; law_refusal_codes[j]; j++)
			assert_string_not_equal(law_refusal_codes[i], law_refusal_codes[j]);
}

/* ---- The tables themselves ---------------------------------------------- */

static void test_identifiers_are_unique_and_found_by_lookup(void **state)
{
	for (int i = 0; i < LAW_STATE_COUNT; i++) {
		law_state_t s;
		assert_true(law_state_from_id(law_states[i].id, &s));
		assert_int_equal(s, i);
	}
	for (int i = 0; i < LAW_ACT_COUNT; i++) {
		law_action_t a;
		assert_non_null(law_actions[i].id);
		assert_non_null(law_actions[i].event);
		assert_true(law_action_from_id(law_actions[i].id, &a));
		assert_int_equal(a, i);
	}
	for (int i = 1; i < LAW_TERM_COUNT; i++) {
		law_term_kind_t k;
		assert_true(law_term_kind_from_id(law_terms[i].id, &k));
		assert_int_equal(k, i);
	}
	for (int i = 1; i < LAW_DOC_COUNT; i++)
		for (int j = i + 1; j < LAW_DOC_COUNT; j++)
			assert_string_not_equal(law_documents[i].id, law_documents[j].id);
	law_state_t s;
	assert_false(law_state_from_id("nope", &s));
	assert_false(law_state_from_id(NULL, &s));
	assert_string_equal(law_role_id(LAW_ROLE_MANAGER), "manager");
	assert_string_equal(law_role_label(LAW_ROLE_REQUESTER), "wnioskodawca");
}

/* Every action has a row, every state but `none` is reached, every document
 * is produced and every term started somewhere: nothing in the tables is dead. */
static void test_every_action_state_document_and_term_is_used(void **state)
{
	bool action[LAW_ACT_COUNT] = {0}, doc[LAW_DOC_COUNT] = {0}, term[LAW_TERM_COUNT] = {0};
	uint64_t reached = UINT64_C(1) << LAW_STATE_NONE;
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		action[r->action] = true;
		doc[r->document] = true;
		if (r->next != LAW_STATE_SAME)
			reached |= UINT64_C(1) << r->next;
		for (int e = 0; e < LAW_ROW_EFFECTS; e++)
			if (r->effects[e].op == LAW_TERM_START)
				term[r->effects[e].term] = true;
		assert_true(r->roles != 0);
		assert_true(r->from != 0);
	}
	for (int i = 0; i < LAW_ACT_COUNT; i++)
		if (!action[i])
			fail_msg("action %s has no row", law_actions[i].id);
	for (int i = 0; i < LAW_STATE_COUNT; i++)
		if (!(reached & (UINT64_C(1) << i)))
			fail_msg("state %s is never reached", law_states[i].id);
	for (int i = 1; i < LAW_DOC_COUNT; i++)
		if (!doc[i])
			fail_msg("document %s is never produced", law_documents[i].id);
	for (int i = 1; i < LAW_TERM_COUNT; i++)
		if (!term[i])
			fail_msg("term %s is never started", law_terms[i].id);
}

/* ---- Generated documentation ------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	strbuf_t sb;
	sb_init(&sb, NULL);
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(&sb, buf, n);
	fclose(f);
	*len = sb.len;
	return sb.data ? sb.data : calloc(1, 1);
}

static void test_docs_lifecycle_md_is_generated_from_the_table(void **state)
{
	strbuf_t want;
	sb_init(&want, NULL);
	law_lifecycle_markdown(&want, LAW_KIND_ALL);
	size_t len = 0;
	char *have = read_file("docs/lifecycle.md", &len);
	bool same = have && len == want.len && memcmp(have, want.data, len) == 0;
	free(have);
	sb_free(&want);
	if (!same)
		fail_msg("docs/lifecycle.md is stale: run `make docs`");
}

static void test_markdown_and_dot_show_every_row(void **state)
{
	strbuf_t md, dot;
	sb_init(&md, NULL);
	sb_init(&dot, NULL);
	law_lifecycle_markdown(&md, LAW_KIND_ALL);
	law_lifecycle_dot(&dot, LAW_KIND_ALL);
	size_t rows = 0;
	for (const char *p = md.data; (p = strstr(p, "\n| `")); p++)
		rows++;
	/* States, actions, terms, documents, policies and the transitions. */
	assert_true(rows >= law_transition_count + LAW_ACT_COUNT + LAW_STATE_COUNT);
	assert_non_null(strstr(md.data, "`extension_notice`"));
	assert_non_null(strstr(md.data, "UDIP art. 13 ust. 2"));
	assert_non_null(strstr(dot.data, "digraph lifecycle {"));
	assert_non_null(strstr(dot.data, "received -> extended [label=\"extend\"]"));
	assert_non_null(strstr(dot.data, "none -> received [label=\"register\"]"));
	sb_free(&md);
	sb_free(&dot);

	sb_init(&md, NULL);
	law_lifecycle_markdown(&md, LAW_KIND_REUSE);
	assert_null(strstr(md.data, "`fee_notice`"));
	assert_non_null(strstr(md.data, "`object_to_offer`"));
	sb_free(&md);
	sb_init(&dot, NULL);
	law_lifecycle_dot(&dot, LAW_KIND_PUBLIC_INFORMATION);
	assert_null(strstr(dot.data, "offer_sent"));
	sb_free(&dot);
}

static void test_guard_descriptions_are_polish_text(void **state)
{
	for (int g = 1; g < LAW_GUARD_COUNT; g++) {
		strbuf_t sb;
		sb_init(&sb, NULL);
		law_guard_spec_t spec = {(law_guard_t)g, LAW_TERM_FEE_WINDOW};
		law_guard_describe(&spec, &sb);
		assert_true(sb.len > 5);
		sb_free(&sb);
	}
}

/* Issue 20: every row of the table cites what it rests on — an article,
 * or the organisation's policy where the law leaves it open — and
 * docs/lifecycle.md prints it beside the row. */
static void test_every_row_cites_its_basis(void **state)
{
	int bad = 0;
	for (size_t i = 0; i < law_transition_count; i++) {
		const law_transition_t *r = &law_transitions[i];
		const char *n = r->note;
		if (!n || (!strstr(n, "art.") && !strstr(n, "polityka"))) {
			print_error("row %zu (%s) cites nothing: %s\n", i, law_actions[r->action].id,
				    n ? n : "(none)");
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* The clerk's list of steps offers the body's own remedy only: the appeal,
 * the request for reconsideration or the complaint straight to court, as
 * the decision would refuse the others (guard_policy()); and it names a
 * rozstrzygnięcie where the body is not an organ of public authority. */
static void test_steps_offered_follow_the_bodys_remedy(void **state)
{
	(void)state;
	static const struct {
		law_remedy_t remedy;
		law_action_t offered, not_offered;
	} cases[] = {
	    {LAW_REMEDY_APPEAL, LAW_ACT_APPEAL, LAW_ACT_REQUEST_RECONSIDERATION},
	    {LAW_REMEDY_RECONSIDERATION, LAW_ACT_REQUEST_RECONSIDERATION, LAW_ACT_APPEAL},
	    {LAW_REMEDY_COURT_COMPLAINT, LAW_ACT_COURT_COMPLAINT, LAW_ACT_APPEAL},
	};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		law_case_t c = new_case(PI, LAW_STATE_REFUSED);
		c.policy.remedy = cases[k].remedy;
		bool offered = false, other = false;
		for (size_t i = 0; i < law_transition_count; i++) {
			const law_transition_t *r = &law_transitions[i];
			if (!(r->from & (1ULL << LAW_STATE_REFUSED)) || !(r->kinds & PI) ||
			    !law_row_fits_case(r, &c))
				continue;
			offered = offered || r->action == cases[k].offered;
			other = other || r->action == cases[k].not_offered ||
			        (cases[k].remedy == LAW_REMEDY_COURT_COMPLAINT &&
			         r->action == LAW_ACT_REQUEST_RECONSIDERATION);
		}
		assert_true(offered);
		assert_false(other);
		assert_int_equal(law_case_no_kpa(&c), cases[k].remedy == LAW_REMEDY_COURT_COMPLAINT);
		c.kind = RU;
		assert_false(law_case_no_kpa(&c));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_transition_is_allowed_when_its_guards_hold),
	    cmocka_unit_test(test_every_action_is_refused_in_states_without_a_row),
	    cmocka_unit_test(test_refusal_names_the_state_in_polish),
	    cmocka_unit_test(test_roles_are_enforced_and_manager_may_do_what_clerk_may),
	    cmocka_unit_test(test_register_starts_14_day_answer_term_with_reasoning),
	    cmocka_unit_test(test_closing_in_time_meets_the_answer_term),
	    cmocka_unit_test(test_withdrawal_cancels_every_open_term),
	    cmocka_unit_test(test_extension_starts_extended_term_and_explains_the_cap),
	    cmocka_unit_test(test_extension_must_be_sent_within_the_14_day_term),
	    cmocka_unit_test(test_extension_beyond_two_months_from_receipt_is_refused),
	    cmocka_unit_test(test_extension_needs_a_later_date),
	    cmocka_unit_test(test_second_extension_is_refused),
	    cmocka_unit_test(test_clarification_restarts_term_and_keeps_old_due_date_at_risk),
	    cmocka_unit_test(test_clarification_policy_off_keeps_the_answer_term),
	    cmocka_unit_test(test_late_clarification_is_accepted_with_a_warning),
	    cmocka_unit_test(test_no_clarification_in_the_window_leaves_request_unprocessed),
	    cmocka_unit_test(test_delivery_recorded_twice_is_refused),
	    cmocka_unit_test(test_invalid_policy_window_length_is_refused),
	    cmocka_unit_test(test_interest_call_keeps_or_pauses_the_term_by_policy),
	    cmocka_unit_test(test_fee_notice_must_come_within_14_days_of_receipt),
	    cmocka_unit_test(test_fee_window_releases_only_after_14_days_unless_form_changed),
	    cmocka_unit_test(test_form_window_expiry_discontinues_by_decision),
	    cmocka_unit_test(test_discontinuance_only_after_the_form_window_udip_14_2),
	    cmocka_unit_test(
		test_decision_delivery_starts_appeal_window_and_appeal_starts_forwarding),
	    cmocka_unit_test(test_remedy_window_expiry_makes_the_decision_final),
	    cmocka_unit_test(test_reconsideration_replaces_appeal_where_there_is_no_higher_body),
	    cmocka_unit_test(test_no_kpa_remedy_where_the_body_is_not_a_public_authority),
	    cmocka_unit_test(test_court_complaint_window_where_the_body_is_not_a_public_authority),
	    cmocka_unit_test(test_decision_needs_an_identified_party_kpa_107),
	    cmocka_unit_test(test_unsigned_appeal_from_the_tracking_page_waits_for_a_signature),
	    cmocka_unit_test(test_unsigned_appeal_accepted_by_policy_goes_straight_to_pending),
	    cmocka_unit_test(test_form_window_expired_is_a_clerks_decision_not_the_systems),
	    cmocka_unit_test(test_reuse_reconsideration_term_is_the_kpa_month_not_udip),
	    cmocka_unit_test(test_court_complaint_on_inaction_keeps_state_and_gives_15_days),
	    cmocka_unit_test(test_judgment_obliging_the_body_reopens_with_the_courts_term),
	    cmocka_unit_test(test_judgment_annulling_the_decision_returns_the_case_to_the_body),
	    cmocka_unit_test(test_judgment_counts_only_when_final_after_the_cassation_window),
	    cmocka_unit_test(test_body_grants_the_complaint_itself_within_30_days),
	    cmocka_unit_test(test_referral_back_reopens_a_case_closed_final),
	    cmocka_unit_test(test_reuse_complaints_go_to_court_with_their_own_citation),
	    cmocka_unit_test(test_reuse_offer_objection_and_decision_on_conditions),
	    cmocka_unit_test(test_reuse_defects_always_called_never_left_unprocessed_at_once),
	    cmocka_unit_test(test_waiver_of_the_appeal_makes_the_decision_final_on_receipt_kpa_127a),
	    cmocka_unit_test(
		test_waiver_cannot_be_withdrawn_an_appeal_after_it_goes_on_as_inadmissible),
	    cmocka_unit_test(test_appeal_after_the_window_is_recorded_and_sent_on_kpa_134),
	    cmocka_unit_test(test_organ_grants_the_appeal_itself_within_7_days_kpa_132),
	    cmocka_unit_test(test_ponaglenie_is_sent_on_within_7_days_kpa_37),
	    cmocka_unit_test(test_deemed_delivery_kpa_44_starts_the_appeal_window),
	    cmocka_unit_test(test_standing_access_offer_allows_no_objection_only_acceptance),
	    cmocka_unit_test(test_reuse_not_possible_in_the_manner_asked_is_an_offer_or_closes),
	    cmocka_unit_test(test_objection_starts_the_14_days_for_the_conditions_decision),
	    cmocka_unit_test(test_bad_input_is_refused_not_crashed),
	    cmocka_unit_test(test_refusal_codes_are_unique),
	    cmocka_unit_test(test_identifiers_are_unique_and_found_by_lookup),
	    cmocka_unit_test(test_every_action_state_document_and_term_is_used),
	    cmocka_unit_test(test_docs_lifecycle_md_is_generated_from_the_table),
	    cmocka_unit_test(test_markdown_and_dot_show_every_row),
	    cmocka_unit_test(test_guard_descriptions_are_polish_text),
	    cmocka_unit_test(test_every_row_cites_its_basis),
	    cmocka_unit_test(test_steps_offered_follow_the_bodys_remedy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
