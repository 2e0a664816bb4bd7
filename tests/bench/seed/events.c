/* SPDX-License-Identifier: EUPL-1.2 */
#include "events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "copy.h"
#include "jsonb.h"
#include "trigger.h"
#include "when.h"

static const char *const actor_ids[] = {"requester", "clerk", "manager", "admin"};

static int cmp_event(const void *a, const void *b)
{
	const struct sevent *x = a, *y = b;
	if (x->at_us != y->at_us)
		return x->at_us < y->at_us ? -1 : 1;
	if (x->case_idx != y->case_idx)
		return x->case_idx < y->case_idx ? -1 : 1;
	return (int)x->ord - (int)y->ord;
}

/* The data of a step of the lifecycle, as the services write it. */
static int step_data(const struct sevent *e, const struct scase *cs, const struct sorg *o,
                     struct jpair *jp, char date[LAW_DATE_STRLEN], char aux[LAW_DATE_STRLEN])
{
	int n = 0;
	fmt_day(e->date, date);
	jp[n++] = (struct jpair){"date", date, 0};
	if (e->action == LAW_ACT_ASSIGN && cs->assignee != NO_USER)
		jp[n++] = (struct jpair){"assignee", o->users[cs->assignee].name, 0};
	if (e->action == LAW_ACT_EXTEND) {
		fmt_day(e->aux, aux);
		jp[n++] = (struct jpair){"new_due", aux, 0};
	}
	if (e->aux && model_decision_with_basis(e->action))
		jp[n++] = (struct jpair){"legal_basis", words_legal_bases.w[e->aux - 1], 0};
	if (e->doc)
		jp[n++] = (struct jpair){"document", law_documents[e->doc].id, 0};
	return n;
}

/* The event's action; its data, as jsonb prints it, into `jb`. */
static const char *event_data(const struct model *m, const struct sevent *e, struct jbuf *jb)
{
	const struct scase *cs = &m->cases[e->case_idx];
	char date[LAW_DATE_STRLEN], aux[LAW_DATE_STRLEN], cn[LAW_CASENUM_STRLEN], ver[8];
	struct jpair jp[6];
	int n = 0;
	const char *action;
	if (e->action == EV_ISSUE) {
		action = "issue_document";
		jp[n++] = (struct jpair){"seq", NULL, e->doc};
		jp[n++] = (struct jpair){"sha256", m->pdf_hex, 0};
		jp[n++] = (struct jpair){"document", law_documents[e->aux].id, 0};
		jp[n++] = (struct jpair){"delivery", model_letter_delivery(cs), 0};
	} else if (e->action == EV_PUBLISH) {
		action = "publish";
		snprintf(ver, sizeof ver, "1.%d", e->doc);
		jp[n++] = (struct jpair){"version", ver, 0};
	} else if (e->action == LAW_ACT_REGISTER) {
		action = "register";
		model_case_number(m, cs, cn);
		jp[n++] = (struct jpair){"channel", channel_ids[cs->channel], 0};
		jp[n++] = (struct jpair){"case_number", cn, 0};
	} else {
		action = law_actions[e->action].id;
		n = step_data(e, cs, &m->orgs[cs->org], jp, date, aux);
	}
	jb_object(jb, jp, n);
	return action;
}

/* Event k of the sorted list, chained to its body's event before it. */
static void event_row(struct model *m, struct sink *s, size_t k)
{
	const struct sevent *e = &m->events[k];
	struct sorg *o = &m->orgs[m->cases[e->case_idx].org];
	struct jbuf jb;
	const char *action = event_data(m, e, &jb);
	char user[24] = "";
	if (e->user != NO_USER)
		snprintf(user, sizeof user, "%lld", o->users[e->user].id);
	struct event_text t = {
	    .id = m->first_event + (long long)k,
	    .org_id = o->id,
	    .request_id = m->first_request + e->case_idx,
	    .at_us = e->at_us,
	    .actor = actor_ids[e->actor],
	    .user = user,
	    .action = action,
	    .from = e->from != 0xff ? law_states[e->from].id : "",
	    .to = e->to != 0xff ? law_states[e->to].id : "",
	    .data = jb.b,
	};
	unsigned char hash[32];
	trigger_events_chain(o->chain, o->last_event ? 32 : 0, &t, hash);
	col_i(s, t.id);
	col_i(s, t.org_id);
	col_i(s, t.request_id);
	col_ts(s, t.at_us);
	col_s(s, t.actor);
	col_s(s, *t.user ? t.user : NULL);
	col_s(s, t.action);
	col_s(s, *t.from ? t.from : NULL);
	col_s(s, *t.to ? t.to : NULL);
	col_s(s, t.data);
	col_bytea(s, o->chain, o->last_event ? 32 : 0);
	col_bytea(s, hash, 32);
	row_end(s);
	memcpy(o->chain, hash, 32);
	o->last_event = t.id;
}

/* Each body's chain head: its last hash and event. */
static bool chain_heads(PGconn *c, struct model *m, struct sink *s)
{
	if (!copy_begin(c, "COPY event_chain (org_id, last_hash, last_id) FROM STDIN", false))
		return false;
	for (int i = 0; i < m->norgs; i++) {
		struct sorg *o = &m->orgs[i];
		if (!o->last_event)
			continue;
		col_i(s, o->id);
		col_bytea(s, o->chain, 32);
		col_i(s, o->last_event);
		row_end(s);
	}
	return copy_end(s, "event_chain");
}

bool events_copy(PGconn *c, struct model *m, struct progress *p, bool freeze)
{
	progress_phase(p, "sorting events", 0);
	qsort(m->events, m->nevents, sizeof *m->events, cmp_event);
	progress_phase(p, "events", (long long)m->nevents);
	if (!copy_begin(c,
	                "COPY events (id, org_id, request_id, at, actor, actor_user_id, action, "
	                "from_state, to_state, data, prev_hash, hash) FROM STDIN",
	                freeze))
		return false;
	struct sink s;
	sk_init(&s, c, NULL, p);
	for (size_t k = 0; k < m->nevents; k++)
		event_row(m, &s, k);
	bool ok = copy_end(&s, "events") && chain_heads(c, m, &s);
	sk_free(&s);
	return ok;
}
