/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/pending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/store.h"
#include "core/log.h"

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

/* The law's inputs of a step beyond its date: what deciding it again on
 * another day needs. */
static json_t *input_json(const law_action_input_t *in)
{
	json_t *o = json_object();
	char d[LAW_DATE_STRLEN];
	if (law_date_is_set(in->new_due))
		json_object_set_new(o, "new_due", json_string(store_date(in->new_due, d)));
	if (law_date_is_set(in->sent) && law_date_cmp(in->sent, in->date) != 0)
		json_object_set_new(o, "sent", json_string(store_date(in->sent, d)));
	if (in->term_days > 0)
		json_object_set_new(o, "term_days", json_integer(in->term_days));
	if (in->restore_request)
		json_object_set_new(o, "restore_request", json_true());
	return o;
}

static law_date_t date_of(json_t *o, const char *key)
{
	law_date_t d = LAW_DATE_NONE;
	const char *s = json_string_value(json_object_get(o, key));
	if (s)
		law_date_parse(s, &d);
	return d;
}

/* A step waiting for its letter, as kept. */
struct pending {
	long long request_id, org_id, user_id;
	int seq;
	const char *title, *actor;
	law_action_input_t in; /* without its date */
	json_t *data;          /* owned */
	const char *asked_on;
};

static enum db_status load(PGconn *c, arena_t *a, long long document_id, struct pending *pd,
                           bool *found)
{
	memset(pd, 0, sizeof *pd);
	const char *p[1] = {ids(a, document_id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT p.request_id, p.org_id, p.action, p.role, p.actor, "
	                      "coalesce(p.user_id, 0), p.input::text, p.data::text, p.asked_on::text, "
	                      "d.seq, d.title FROM pending_steps p JOIN documents d ON d.id = p.document_id "
	                      "WHERE p.document_id = $1 FOR UPDATE OF p",
	                      1, p);
	*found = false;
	if (st == DB_OK && PQntuples(r) == 1 &&
	    law_action_from_id(PQgetvalue(r, 0, 2), &pd->in.action)) {
		*found = true;
		pd->request_id = atoll(PQgetvalue(r, 0, 0));
		pd->org_id = atoll(PQgetvalue(r, 0, 1));
		pd->in.role = !strcmp(PQgetvalue(r, 0, 3), "manager") ? LAW_ROLE_MANAGER : LAW_ROLE_CLERK;
		pd->actor = arena_strdup(a, PQgetvalue(r, 0, 4));
		pd->user_id = atoll(PQgetvalue(r, 0, 5));
		json_t *input = json_loads(PQgetvalue(r, 0, 6), 0, NULL);
		pd->in.new_due = date_of(input, "new_due");
		pd->in.sent = date_of(input, "sent");
		pd->in.term_days = (int)json_integer_value(json_object_get(input, "term_days"));
		pd->in.restore_request = json_is_true(json_object_get(input, "restore_request"));
		json_decref(input);
		pd->data = json_loads(PQgetvalue(r, 0, 7), 0, NULL);
		if (!pd->data)
			pd->data = json_object();
		pd->asked_on = arena_strdup(a, PQgetvalue(r, 0, 8));
		pd->seq = atoi(PQgetvalue(r, 0, 9));
		pd->title = arena_strdup(a, PQgetvalue(r, 0, 10));
	} else if (st == DB_OK && PQntuples(r) == 1) {
		log_error("pending step of document %lld: unknown action %s", document_id,
		          PQgetvalue(r, 0, 2));
	}
	PQclear(r);
	return st;
}

enum db_status pending_prepare(PGconn *c, arena_t *a, const struct case_ref *f,
                               const law_action_input_t *in, const law_outcome_t *oc,
                               const char *actor, long long user_id, json_t *data, int *seq,
                               const char **busy)
{
	*seq = 0;
	*busy = NULL;
	const char *rq[1] = {ids(a, f->id)};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT d.seq, d.title, p.action, d.status FROM pending_steps p "
	                      "JOIN documents d ON d.id = p.document_id WHERE p.request_id = $1",
	                      1, rq);
	if (st == DB_OK && PQntuples(r) == 1) {
		law_action_t act;
		const char *label = law_action_from_id(PQgetvalue(r, 0, 2), &act) ? law_actions[act].label
		                                                                  : PQgetvalue(r, 0, 2);
		bool draft = !strcmp(PQgetvalue(r, 0, 3), "draft");
		*busy = arena_printf(
		    a,
		    "W tej sprawie czeka już czynność „%s” z pismem „%s” (nr %s), %s. Jedna czynność "
		    "z pismem czeka naraz: %s, zanim podejmiesz następną.",
		    label, PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 0),
		    draft ? "którego projekt nie został wystawiony" : "które nie zostało jeszcze wysłane",
		    draft ? "wystaw i wyślij to pismo albo usuń jego projekt"
		          : "wyślij to pismo (np. zapisz nadanie listu)");
	}
	PQclear(r);
	if (st != DB_OK || *busy)
		return st;
	char day[LAW_DATE_STRLEN];
	store_date(in->date, day);
	json_t *inputs = data ? json_deep_copy(data) : json_object();
	json_object_set_new(inputs, "date", json_string(day));
	long long doc_id = 0;
	st = case_draft_document(c, f, oc->document, inputs, seq, &doc_id);
	json_decref(inputs);
	if (st != DB_OK)
		return st;
	json_t *input = input_json(in);
	char *input_s = json_dumps(input, JSON_COMPACT);
	char *data_s = data ? json_dumps(data, JSON_COMPACT) : NULL;
	json_decref(input);
	const char *q[10] = {rq[0],
	                     ids(a, f->org.id),
	                     ids(a, doc_id),
	                     law_actions[in->action].id,
	                     in->role == LAW_ROLE_MANAGER ? "manager" : "clerk",
	                     actor,
	                     user_id ? ids(a, user_id) : NULL,
	                     input_s ? input_s : "{}",
	                     data_s ? data_s : "{}",
	                     day};
	st = db_run(c,
	            "INSERT INTO pending_steps (request_id, org_id, document_id, action, role, actor, "
	            "user_id, input, data, asked_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, "
	            "$9::jsonb, $10::date)",
	            10, q);
	free(input_s);
	free(data_s);
	if (st == DB_OK)
		st = db_run(c,
		            "UPDATE requests SET version = version + 1, updated_at = now() WHERE id = $1",
		            1, rq);
	if (st == DB_OK) {
		json_t *ev = json_pack("{s:s, s:i, s:s}", "step", law_actions[in->action].id, "seq", *seq,
		                       "document", law_documents[oc->document].id);
		st = store_event(c, f->org.id, f->id, actor, user_id, "letter_prepared", NULL, NULL, ev);
		json_decref(ev);
	}
	return st;
}

/* Decides the waiting step `pd` on its case with `date`: *allowed, or
 * `why` naming the step. */
static enum db_status decide(PGconn *c, arena_t *a, struct pending *pd, law_date_t date,
                             struct case_ref *f, law_action_input_t *in, law_outcome_t *oc,
                             bool *allowed, law_error_t *why)
{
	bool found = false;
	enum db_status st = case_lock(c, a, pd->request_id, pd->org_id, f, &found);
	if (st != DB_OK)
		return st;
	if (!found) {
		log_error("pending step of case %lld: no such case", pd->request_id);
		return DB_ERROR;
	}
	*in = pd->in;
	in->date = date;
	if (!law_date_is_set(in->sent))
		in->sent = date;
	st = case_decide_locked(c, f, in, oc, allowed);
	if (st == DB_OK && !*allowed)
		law_fail(why, oc->refusal.code ? oc->refusal.code : "refused",
		         "Czynność „%s” nie jest już możliwa: %s", law_actions[in->action].label,
		         oc->refusal.message);
	return st;
}

enum db_status pending_check(PGconn *c, arena_t *a, long long document_id, law_date_t date,
                             bool *has, bool *allowed, law_error_t *why)
{
	*allowed = true;
	law_error_clear(why);
	struct pending pd;
	enum db_status st = load(c, a, document_id, &pd, has);
	if (st != DB_OK || !*has)
		return st;
	struct case_ref f;
	law_action_input_t in;
	law_outcome_t *oc = arena_alloc(a, sizeof *oc);
	st = decide(c, a, &pd, date, &f, &in, oc, allowed, why);
	json_decref(pd.data);
	return st;
}

enum db_status pending_take(PGconn *c, arena_t *a, long long document_id, law_date_t date,
                            bool *taken, law_error_t *why)
{
	*taken = false;
	law_error_clear(why);
	struct pending pd;
	bool has;
	enum db_status st = load(c, a, document_id, &pd, &has);
	if (st != DB_OK || !has)
		return st;
	struct case_ref f;
	law_action_input_t in;
	law_outcome_t *oc = arena_alloc(a, sizeof *oc);
	bool allowed = false;
	st = decide(c, a, &pd, date, &f, &in, oc, &allowed, why);
	if (st == DB_OK && allowed) {
		/* The event says which letter carried the step and when it was
		 * asked for; its date is the day the letter left. */
		json_object_set_new(pd.data, "seq", json_integer(pd.seq));
		json_object_set_new(pd.data, "prepared_on", json_string(pd.asked_on));
		st = case_apply_locked(c, &f, &in, oc, pd.actor, pd.user_id, pd.data, false);
		const char *p[1] = {ids(a, document_id)};
		if (st == DB_OK)
			st = db_run(c, "DELETE FROM pending_steps WHERE document_id = $1", 1, p);
		*taken = st == DB_OK;
	}
	json_decref(pd.data);
	return st;
}

enum db_status pending_lapse(PGconn *c, arena_t *a, long long document_id, const law_error_t *why)
{
	struct pending pd;
	bool has;
	enum db_status st = load(c, a, document_id, &pd, &has);
	if (st != DB_OK || !has)
		return st;
	json_decref(pd.data);
	const char *p[1] = {ids(a, document_id)};
	if ((st = db_run(c, "DELETE FROM pending_steps WHERE document_id = $1", 1, p)) != DB_OK)
		return st;
	json_t *ev = json_pack("{s:s, s:i, s:s, s:s}", "step", law_actions[pd.in.action].id, "seq",
	                       pd.seq, "reason", why->message, "code", why->code ? why->code : "");
	st = store_event(c, pd.org_id, pd.request_id, pd.actor, pd.user_id, "step_lapsed", NULL, NULL,
	                 ev);
	json_decref(ev);
	log_info("case %lld: the step %s of letter %d lapsed: %s", pd.request_id,
	         law_actions[pd.in.action].id, pd.seq, why->message);
	return st;
}

enum db_status pending_take_or_lapse(PGconn *c, arena_t *a, long long document_id,
                                     law_date_t date, const char **lapsed)
{
	*lapsed = NULL;
	bool taken = false;
	law_error_t why;
	enum db_status st = pending_take(c, a, document_id, date, &taken, &why);
	if (st != DB_OK || taken || !why.code)
		return st;
	*lapsed = arena_printf(a,
	                       "Zapisano. Pismo wyszło z urzędu, ale czynność nie weszła w życie. %s",
	                       why.message);
	return pending_lapse(c, a, document_id, &why);
}

enum db_status pending_view(PGconn *c, long long request_id, const char *key, json_t *out)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", request_id);
	const char *p[1] = {id};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT d.seq, d.title, d.status, p.action FROM pending_steps p "
	                      "JOIN documents d ON d.id = p.document_id WHERE p.request_id = $1",
	                      1, p);
	law_action_t act;
	if (st == DB_OK && PQntuples(r) == 1 && law_action_from_id(PQgetvalue(r, 0, 3), &act))
		json_object_set_new(out, key,
		                    json_pack("{s:i, s:s, s:s, s:b, s:s, s:s}", "seq",
		                              atoi(PQgetvalue(r, 0, 0)), "title", PQgetvalue(r, 0, 1),
		                              "status", PQgetvalue(r, 0, 2), "draft",
		                              !strcmp(PQgetvalue(r, 0, 2), "draft"), "action",
		                              law_actions[act].id, "label", law_actions[act].label));
	PQclear(r);
	return st;
}

enum db_status pending_forget(PGconn *c, long long document_id)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", document_id);
	const char *p[1] = {id};
	return db_run(c, "DELETE FROM pending_steps WHERE document_id = $1", 1, p);
}
