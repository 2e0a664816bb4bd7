/* SPDX-License-Identifier: EUPL-1.2 */
#include "sim.h"

#include <string.h>

#include "cases/store.h"
#include "law/warsaw.h"
#include "rng.h"
#include "when.h"

static bool closing_state(law_state_t s)
{
	return law_states[s].closed && s != LAW_STATE_CLOSED_FINAL;
}

/* The closing states a body publishes in the register (not a withdrawal
 * or a request left unprocessed). */
static bool publishable(law_state_t s)
{
	switch (s) {
	case LAW_STATE_PROVIDED:
	case LAW_STATE_PARTLY_REFUSED:
	case LAW_STATE_REFUSED:
	case LAW_STATE_DISCONTINUED:
	case LAW_STATE_CONDITIONS_DECIDED:
	case LAW_STATE_NOT_PUBLIC_INFORMATION:
	case LAW_STATE_NOT_HELD:
	case LAW_STATE_PUBLISHED_ELSEWHERE:
	case LAW_STATE_OTHER_STATUTE: return true;
	default: return false;
	}
}

/* The actions that record a window's end: a window that ends later than
 * planned (days off at its end) is recorded a week later. */
static bool window_action(law_action_t a)
{
	return a == LAW_ACT_REMEDY_WINDOW_EXPIRED || a == LAW_ACT_LEAVE_UNPROCESSED ||
	       a == LAW_ACT_RELEASE_AFTER_FEE || a == LAW_ACT_OFFER_WINDOW_EXPIRED ||
	       a == LAW_ACT_DISCONTINUE || a == LAW_ACT_FORM_WINDOW_EXPIRED;
}

static void start_term(struct sim *x, const law_term_effect_t *e, int64_t at_us)
{
	if (x->nterms == SIM_TERMS)
		return;
	struct term_row *t = &x->terms[x->nterms++];
	t->kind = e->term;
	t->start = day_of(e->calc.from);
	t->unshifted = day_of(e->calc.unshifted);
	t->due = day_of(e->calc.due);
	t->closed_on = NO_DAY;
	t->at_us = at_us;
	t->open = true;
	t->state = "open";
	t->at_risk = false;
	t->nsteps = e->calc.nsteps;
	for (int k = 0; k < e->calc.nsteps; k++)
		memcpy(t->steps[k], e->calc.steps[k], LAW_STEP_MAX);
}

/* What store_apply_effects() and the service do with the law core's
 * answer, in memory: terms started or ended, the new state. */
static void apply_outcome(struct sim *x, int32_t date, int64_t at_us)
{
	const law_outcome_t *oc = &x->oc;
	for (int i = 0; i < oc->neffects; i++) {
		const law_term_effect_t *e = &oc->effects[i];
		if (e->op == LAW_TERM_START) {
			start_term(x, e, at_us);
			continue;
		}
		for (int k = 0; k < x->nterms; k++) {
			struct term_row *t = &x->terms[k];
			if (t->kind == e->term && t->open) {
				t->open = false;
				t->state = store_term_end_state(e);
				t->closed_on = date;
				t->at_risk = e->at_risk;
			}
		}
	}
	if (oc->state != LAW_STATE_SAME)
		x->state = oc->state;
	if (oc->closes)
		x->closed_on = date;
	else if (oc->reopens)
		x->closed_on = NO_DAY;
}

/* The law core's view of the case, as store_law_case() reads it. */
static void law_case_of(const struct sim *x, law_case_t *lc)
{
	memset(lc, 0, sizeof *lc);
	lc->kind = x->c->kind ? LAW_KIND_REUSE : LAW_KIND_PUBLIC_INFORMATION;
	lc->state = x->state;
	lc->received = x->received;
	lc->policy = x->o->policy;
	for (int k = 0; k < x->nterms && lc->nterms < LAW_OPEN_TERMS_MAX; k++)
		if (x->terms[k].open) {
			lc->terms[lc->nterms].kind = x->terms[k].kind;
			lc->terms[lc->nterms].start = law_date_from_days(x->terms[k].start);
			lc->terms[lc->nterms].due = law_date_from_days(x->terms[k].due);
			lc->nterms++;
		}
}

static void sim_reset(struct sim *x, struct model *m, size_t i)
{
	x->i = i;
	x->c = &m->cases[i];
	x->o = &m->orgs[x->c->org];
	x->un = &x->o->units[x->c->unit];
	x->r = x->c->seed ^ 0x73696dULL;
	x->request_id = m->first_request + (long long)i;
	law_warsaw_date(x->c->received_at, &x->received);
	x->rday = day_of(x->received);
	x->ord = 0;
	x->state = x->outcome_state = LAW_STATE_NONE;
	x->closed_on = NO_DAY;
	x->steps = 0;
	x->last_us = 0;
	x->basis = 0;
	x->closing_doc = 0;
	x->nterms = x->ndocs = x->ndeliveries = 0;
}

static bool sim_register(struct model *m, struct sim *x)
{
	bool citizen = model_citizen(x->c);
	law_case_t lc;
	law_case_of(x, &lc);
	law_action_input_t in = {.action = LAW_ACT_REGISTER,
	                         .role = citizen ? LAW_ROLE_REQUESTER : LAW_ROLE_CLERK,
	                         .date = x->received};
	int64_t at = x->c->received_at * 1000000 + (int64_t)rnd(&x->r, 1000000);
	if (!law_decide(&lc, &in, &x->oc)) {
		m->refused_steps++;
		return false;
	}
	apply_outcome(x, x->rday, at);
	struct sevent *e = model_add_event(m);
	*e = (struct sevent){.at_us = at, .case_idx = (uint32_t)x->i, .action = LAW_ACT_REGISTER,
	                     .from = 0xff, .to = (uint8_t)x->state, .actor = citizen ? 0 : 1,
	                     .user = citizen ? NO_USER : x->registrar, .ord = x->ord++,
	                     .date = x->rday};
	x->last_us = at;
	return true;
}

/* Asks the law core for the step on day *date (moved a week on for a
 * window's end refused on the planned day). False when it refuses. */
static bool step_decide(struct model *m, struct sim *x, const struct pstep *ps, int32_t *date,
                        law_action_input_t *in)
{
	law_case_t lc;
	law_case_of(x, &lc);
	law_date_t d = law_date_from_days(*date);
	memset(in, 0, sizeof *in);
	in->action = ps->act;
	in->role = ps->who == BY_REQUESTER ? LAW_ROLE_REQUESTER : LAW_ROLE_CLERK;
	in->date = in->sent = d;
	if (ps->act == LAW_ACT_EXTEND) {
		law_date_t nd =
		    law_date_add_days(law_date_add_months(x->received, 1), rrange(&x->r, 0, 20));
		law_date_t cap = law_date_add_months(x->received, 2);
		in->new_due = law_date_cmp(nd, cap) > 0 ? cap : nd;
	}
	bool allowed = law_decide(&lc, in, &x->oc);
	if (!allowed && window_action(ps->act) && *date + 7 <= m->today) {
		*date += 7;
		in->date = in->sent = law_date_from_days(*date);
		allowed = law_decide(&lc, in, &x->oc);
	}
	if (!allowed) {
		m->refused_steps++;
		m->refused_by_action[ps->act]++;
	}
	return allowed;
}

/* Office hours on `day`, after whatever happened before. */
static int64_t office_time(struct sim *x, int32_t day)
{
	int secs = 8 * 3600 + (int)rnd(&x->r, 8 * 3600);
	int64_t us = (int64_t)rnd(&x->r, 1000000);
	int64_t at = warsaw_us(day, secs) + us;
	if (at <= x->last_us)
		at = x->last_us + (int64_t)rrange(&x->r, 60, 1800) * 1000000;
	return at;
}

/* Who takes the step: *actor 0 requester, 1 clerk, 2 manager; returns the
 * user (NO_USER for the requester). The manager's assignment gives the case
 * its clerk. */
static uint16_t step_actor(struct sim *x, const struct pstep *ps, uint8_t *actor)
{
	uint16_t user = NO_USER;
	*actor = 0;
	if (ps->who == BY_MANAGER) {
		*actor = 2;
		user = (uint16_t)x->un->manager;
	} else if (ps->who == BY_CLERK) {
		*actor = 1;
		user = x->c->assignee != NO_USER ? x->c->assignee : x->clerk;
	}
	if (ps->act == LAW_ACT_ASSIGN)
		x->c->assignee = x->clerk;
	return user;
}

/* The letter just delivered: the last one issued. */
static void record_delivery(struct model *m, struct sim *x, int32_t day, uint16_t by, int64_t at)
{
	for (int q = x->ndocs - 1; q >= 0; q--)
		if (x->docs[q].issued) {
			struct delivery_row *d = &x->deliveries[x->ndeliveries++];
			*d = (struct delivery_row){.id = m->first_delivery + m->ndeliveries++,
			                           .doc_id = x->docs[q].id, .day = day, .by = by,
			                           .at_us = at};
			return;
		}
}

static void add_letter(struct model *m, struct sim *x, int32_t day, uint16_t by, int64_t at)
{
	struct doc_row *dr = &x->docs[x->ndocs++];
	dr->id = m->first_doc + m->ndocs++;
	dr->seq = x->ndocs;
	dr->type = x->oc.document;
	dr->at_us = at;
	dr->date = day;
	dr->author = by;
	dr->issued = true;
	if (closing_state(x->state))
		x->closing_doc = dr->id;
}

/* One step of the plan; false when the plan stops here (dated after today,
 * or refused by the law core). */
static bool sim_step(struct model *m, struct sim *x, const struct pstep *ps, int32_t *date)
{
	*date += rrange(&x->r, ps->dmin, ps->dmax);
	law_action_input_t in;
	if (*date > m->today || !step_decide(m, x, ps, date, &in))
		return false;
	int32_t day = *date;
	int64_t at = office_time(x, day);
	law_state_t before = x->state;
	apply_outcome(x, day, at);
	x->steps++;
	uint8_t actor;
	uint16_t user = step_actor(x, ps, &actor);
	struct sevent *e = model_add_event(m);
	*e = (struct sevent){.at_us = at, .case_idx = (uint32_t)x->i, .action = (uint8_t)ps->act,
	                     .from = (uint8_t)before, .to = (uint8_t)x->state, .actor = actor,
	                     .user = user, .doc = (uint8_t)x->oc.document, .ord = x->ord++,
	                     .date = day};
	if (ps->act == LAW_ACT_EXTEND)
		e->aux = day_of(in.new_due);
	if (model_decision_with_basis(ps->act)) {
		x->basis = (uint8_t)(1 + rnd(&x->r, words_legal_bases.n));
		e->aux = x->basis;
	}
	if (closing_state(x->state))
		x->outcome_state = x->state;
	x->last_us = at;
	uint16_t by = user != NO_USER ? user : x->clerk;
	if (ps->act == LAW_ACT_RECORD_DELIVERY)
		record_delivery(m, x, day, by, at);
	if (x->oc.document != LAW_DOC_NONE && x->ndocs < SIM_DOCS)
		add_letter(m, x, day, by, at);
	return true;
}

/* The letters issued, each with its event; the last letter of a case still
 * open may be a draft. */
static void sim_letters(struct model *m, struct sim *x)
{
	if (x->ndocs && x->closed_on == NO_DAY && rnd(&x->r, 100) < 25 &&
	    x->docs[x->ndocs - 1].date >= m->today - 3)
		x->docs[x->ndocs - 1].issued = false;
	for (int q = 0; q < x->ndocs; q++) {
		const struct doc_row *dr = &x->docs[q];
		if (!dr->issued)
			continue;
		int64_t iat = dr->at_us + ISSUE_AFTER_US;
		struct sevent *e = model_add_event(m);
		*e = (struct sevent){.at_us = iat, .case_idx = (uint32_t)x->i, .action = EV_ISSUE,
		                     .from = 0xff, .to = 0xff, .actor = 1, .user = dr->author,
		                     .doc = (uint8_t)dr->seq, .ord = x->ord++, .date = dr->date,
		                     .aux = (int32_t)dr->type};
		if (iat > x->last_us)
			x->last_us = iat;
	}
}

static void publish_event(struct model *m, struct sim *x, int64_t at, uint8_t minor, int32_t day)
{
	struct sevent *e = model_add_event(m);
	*e = (struct sevent){.at_us = at, .case_idx = (uint32_t)x->i, .action = EV_PUBLISH,
	                     .from = 0xff, .to = 0xff, .actor = 3, .user = (uint16_t)x->o->admin,
	                     .doc = minor, .ord = x->ord++, .date = day};
}

/* The register: a share of the closed cases, a few days after closing;
 * a few get a second version. */
static void sim_publish(struct model *m, struct sim *x)
{
	if (x->closed_on == NO_DAY || !publishable(x->outcome_state) || rnd(&x->r, 100) >= 55)
		return;
	int32_t pday = x->closed_on + rrange(&x->r, 1, 10);
	if (pday > m->today)
		return;
	struct spub *p = model_add_pub(m);
	p->case_idx = (uint32_t)x->i;
	p->doc_id = x->closing_doc;
	p->at_us = warsaw_us(pday, 9 * 3600 + (int)rnd(&x->r, 7 * 3600));
	if (p->at_us <= x->last_us)
		p->at_us = x->last_us + 600 * 1000000LL;
	publish_event(m, x, p->at_us, 0, pday);
	int32_t v2 = pday + rrange(&x->r, 3, 60);
	if (rnd(&x->r, 100) < 5 && v2 <= m->today) {
		p->v2_us = warsaw_us(v2, 9 * 3600 + (int)rnd(&x->r, 7 * 3600));
		publish_event(m, x, p->v2_us, 1, v2);
	}
	int64_t last = p->v2_us ? p->v2_us : p->at_us;
	if (last > x->last_us)
		x->last_us = last;
}

bool sim_case(struct model *m, size_t i, struct sim *x)
{
	sim_reset(x, m, i);
	struct scase *c = x->c;
	c->plan = (uint8_t)plan_pick(&x->r, c->kind ? LAW_KIND_REUSE : LAW_KIND_PUBLIC_INFORMATION);
	x->registrar = (uint16_t)(x->un->clerk_first + (int)rnd(&x->r, (uint32_t)x->un->nclerks));
	x->clerk = (uint16_t)(x->un->clerk_first + (int)rnd(&x->r, (uint32_t)x->un->nclerks));
	model_case_number(m, c, x->cn);
	if (!sim_register(m, x))
		return false;
	const struct plan *p = &plans[c->plan];
	int32_t date = x->rday;
	for (int k = 0; k < PLAN_STEPS && p->s[k].act; k++)
		if (!sim_step(m, x, &p->s[k], &date))
			break;
	sim_letters(m, x);
	c->closed_on = x->closed_on;
	c->outcome = (uint8_t)x->outcome_state;
	c->basis = x->basis;
	sim_publish(m, x);
	c->last_event_us = x->last_us;
	model_details(c, i, &x->r, &x->details);
	return true;
}
