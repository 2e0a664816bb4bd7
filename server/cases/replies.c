/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/replies.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/action.h"
#include "cases/caseview.h"
#include "cases/service.h"
#include "db/changes.h"
#include "law/answer.h"

/* The message's text shown on the case page, at most this many characters
 * (the whole message is in the incoming mail's page). */
#define TEXT_SHOWN "6000"

static char *ids(arena_t *a, long long v)
{
	return arena_printf(a, "%lld", v);
}

static const char *status_label(const char *status)
{
	static const struct {
		const char *status, *label;
	} labels[] = {
	    {"reply", "odpowiedź w sprawie"},
	    {"attached", "dołączona do sprawy przez urzędnika"},
	    {"registered", "wniosek zarejestrowany z tej wiadomości"},
	    {"auto_reply", "odpowiedź automatyczna — nie jest odpowiedzią wnioskodawcy"},
	    {"bounce", "zwrot: nasza wiadomość nie została doręczona"},
	};
	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (!strcmp(labels[i].status, status))
			return labels[i].label;
	return status;
}

static enum db_status add_mail(PGconn *c, arena_t *a, long long id, json_t *view)
{
	const char *p[] = {ids(a, id)};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT m.id, m.received_on::text, "
	    "to_char(m.received_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD HH24:MI'), "
	    "m.from_address, m.from_name, m.subject, left(m.body_text, " TEXT_SHOWN "), m.status, "
	    "coalesce(q.email <> '' AND lower(q.email) = lower(m.from_address), false), "
	    "(SELECT count(*) FROM inbound_parts p WHERE p.message_id = m.id AND p.readable "
	    "AND NOT p.inline) "
	    "FROM inbound_messages m LEFT JOIN requesters q ON q.request_id = m.request_id "
	    "WHERE m.request_id = $1 ORDER BY m.received_at, m.id",
	    1, p);
	json_t *list = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
#define V(k) PQgetvalue(r, i, k)
		json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i}", "id",
		                      (json_int_t)atoll(V(0)), "received_on", V(1), "received_at", V(2),
		                      "from", V(3), "from_name", V(4), "subject", V(5), "text", V(6),
		                      "status", V(7), "status_label", status_label(V(7)),
		                      "from_requester", V(8)[0] == 't', "attachments", atoi(V(9)));
		json_object_set_new(o, "auto_reply", json_boolean(!strcmp(V(7), "auto_reply")));
		json_object_set_new(o, "bounce", json_boolean(!strcmp(V(7), "bounce")));
#undef V
		json_array_append_new(list, o);
	}
	PQclear(r);
	json_object_set_new(view, "has_mail", json_boolean(json_array_size(list) > 0));
	json_object_set_new(view, "mail", list);
	return st;
}

/* Our messages that came back, and whether the dispatch they carried
 * failed with them. */
static enum db_status add_bounces(PGconn *c, arena_t *a, long long id, json_t *view)
{
	const char *p[] = {ids(a, id)};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT o.subject, coalesce(to_char(o.sent_at AT TIME ZONE 'Europe/Warsaw', "
	    "'YYYY-MM-DD'), ''), m.received_on::text, EXISTS (SELECT 1 FROM dispatches s "
	    "WHERE s.request_id = o.request_id AND s.document_id = o.attachment_document_id "
	    "AND s.channel = 'email' AND s.state = 'failed') "
	    "FROM inbound_messages m JOIN outbox o ON o.message_id = btrim(m.bounce_of, '<> ') "
	    "AND o.request_id = m.request_id "
	    "WHERE m.request_id = $1 AND m.status = 'bounce' ORDER BY m.received_at, m.id",
	    1, p);
	json_t *list = json_array();
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++)
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "subject",
		                                      PQgetvalue(r, i, 0), "sent_on", PQgetvalue(r, i, 1),
		                                      "received_on", PQgetvalue(r, i, 2), "dispatch_failed",
		                                      PQgetvalue(r, i, 3)[0] == 't'));
	PQclear(r);
	json_object_set_new(view, "bounces", list);
	return st;
}

/* The replies that came since the case began to wait on the requester
 * (the legal date of the step that brought it into `state`), with the
 * steps each may complete. */
static enum db_status add_answers(PGconn *c, arena_t *a, long long id, law_kind_t kind,
                                  law_state_t state, json_t *view)
{
	law_action_t acts[LAW_ANSWER_MAX];
	size_t nacts = law_answer_actions(kind, state, acts);
	json_t *list = json_array();
	json_object_set_new(view, "answers", list);
	if (!nacts)
		return DB_OK;
	const char *p[] = {ids(a, id), law_states[state].id};
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT m.id, m.received_on::text, m.from_address, m.subject, "
	    "coalesce(q.email <> '' AND lower(q.email) = lower(m.from_address), false) "
	    "FROM inbound_messages m LEFT JOIN requesters q ON q.request_id = m.request_id "
	    "WHERE m.request_id = $1 AND m.status = 'reply' AND m.received_on >= coalesce(("
	    "SELECT max((event_data(e)->>'date')::date) FROM events e WHERE e.request_id = $1 "
	    "AND e.to_state = $2 AND e.from_state IS DISTINCT FROM e.to_state), '-infinity') "
	    "ORDER BY m.received_at, m.id",
	    2, p);
	for (int i = 0; st == DB_OK && i < PQntuples(r); i++) {
		json_t *steps = json_array();
		for (size_t k = 0; k < nacts; k++)
			json_array_append_new(steps, json_pack("{s:s, s:s, s:I}", "action",
			                                       law_actions[acts[k]].id, "label",
			                                       law_actions[acts[k]].label, "inbound_id",
			                                       (json_int_t)atoll(PQgetvalue(r, i, 0))));
		json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:s, s:b, s:o}", "id",
		                                      (json_int_t)atoll(PQgetvalue(r, i, 0)),
		                                      "received_on", PQgetvalue(r, i, 1), "from",
		                                      PQgetvalue(r, i, 2), "subject", PQgetvalue(r, i, 3),
		                                      "from_requester", PQgetvalue(r, i, 4)[0] == 't',
		                                      "steps", steps));
	}
	PQclear(r);
	return st;
}

enum db_status replies_view(PGconn *c, arena_t *a, long long id, law_kind_t kind,
                            law_state_t state, json_t *view)
{
	enum db_status st = add_mail(c, a, id, view);
	if (st == DB_OK)
		st = add_bounces(c, a, id, view);
	if (st == DB_OK)
		st = add_answers(c, a, id, kind, state, view);
	return st;
}

/* ---- The one click --------------------------------------------------------- */

struct confirm_tx {
	const struct svc_ctx *ctx;
	long long case_id, inbound_id;
	law_action_t action;
	long version;
	struct problem *p;
	enum outcome result;
};

static enum db_status confirm_tx(PGconn *c, void *v)
{
	struct confirm_tx *x = v;
	arena_t *a = x->ctx->arena;
	x->result = OUT_OK;
	struct case_ref f;
	bool found;
	enum db_status st = case_lock_staff(c, a, x->case_id, x->ctx->who, &f, &found);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, NULL, NULL);
		return DB_OK;
	}
	if (x->version >= 0 && x->version != f.version) {
		x->result = problem_set(
		    x->p, OUT_STALE,
		    arena_printf(a,
		                 "Ktoś inny zmienił tę sprawę, zanim zapisałeś swoją czynność. Sprawa "
		                 "jest teraz w stanie „%s”. Sprawdź ją i spróbuj ponownie.",
		                 caseview_state_label(f.state, org_no_kpa(&f.org, f.kind))),
		    "stale_version");
		return DB_OK;
	}
	const char *p[] = {ids(a, x->inbound_id), ids(a, x->case_id)};
	PGresult *r = db_exec(c, &st,
	                      "SELECT received_on::text, subject FROM inbound_messages "
	                      "WHERE id = $1 AND request_id = $2 AND status = 'reply' FOR UPDATE",
	                      2, p);
	found = st == DB_OK && PQntuples(r) == 1;
	const char *received_on = found ? arena_strdup(a, PQgetvalue(r, 0, 0)) : NULL;
	const char *subject = found ? arena_strdup(a, PQgetvalue(r, 0, 1)) : NULL;
	PQclear(r);
	if (st != DB_OK)
		return st;
	if (!found) {
		x->result = problem_set(x->p, OUT_NOT_FOUND, NULL, NULL);
		return DB_OK;
	}
	/* Only an answer the case waits for now. */
	law_state_t state;
	law_action_t acts[LAW_ANSWER_MAX];
	size_t n = law_state_from_id(f.state, &state)
	               ? law_answer_actions(strcmp(f.kind, "reuse") ? LAW_KIND_PUBLIC_INFORMATION
	                                                            : LAW_KIND_REUSE,
	                                    state, acts)
	               : 0;
	bool waits = false;
	for (size_t i = 0; i < n; i++)
		waits = waits || acts[i] == x->action;
	if (!waits) {
		x->result = problem_set(x->p, OUT_REFUSED,
		                        arena_printf(a, "Sprawa nie oczekuje teraz na taką odpowiedź "
		                                        "wnioskodawcy (stan: „%s”).",
		                                     caseview_state_label(f.state, org_no_kpa(&f.org, f.kind))),
		                        "not_awaiting_answer");
		return DB_OK;
	}
	/* The step's date is the day the answer reached the body; by e-mail
	 * that is also the day it was sent (KPA art. 57 §5). */
	law_action_input_t in = {.action = x->action,
	                         .role = strcmp(x->ctx->who->role, "clerk") ? LAW_ROLE_MANAGER
	                                                                    : LAW_ROLE_CLERK};
	if (!law_date_parse(received_on, &in.date)) {
		x->result = problem_set(x->p, OUT_ERROR, NULL, NULL);
		return DB_OK;
	}
	in.sent = in.date;
	json_t *data = json_pack(
	    "{s:s, s:I, s:s}", "text",
	    arena_printf(a, "Odpowiedź otrzymana pocztą elektroniczną %s: „%s”.", received_on,
	                 *subject ? subject : "(bez tematu)"),
	    "inbound_id", (json_int_t)x->inbound_id, "received_on", received_on);
	law_outcome_t *oc = arena_alloc(a, sizeof *oc);
	bool allowed = false;
	st = case_act_locked(c, a, &f, &in, x->ctx->who->role, x->ctx->who->user_id, data, oc,
	                     &allowed);
	json_decref(data);
	if (st == DB_OK && !allowed)
		x->result = problem_set(x->p, OUT_REFUSED, arena_strdup(a, oc->refusal.message),
		                        oc->refusal.code);
	return st;
}

enum outcome replies_confirm(const struct svc_ctx *ctx, long long case_id, long long inbound_id,
                             const char *action, const char *version, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (case_id <= 0 || inbound_id <= 0)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	struct confirm_tx x = {ctx, case_id, inbound_id, 0, -1, p, OUT_OK};
	if (!action || !law_action_from_id(action, &x.action)) {
		problem_field(p, "action", "Nieznana czynność.");
		return OUT_INVALID;
	}
	if (version && *version) {
		char *end;
		errno = 0;
		x.version = strtol(version, &end, 10);
		if (*end || errno || x.version < 0) {
			problem_field(p, "version",
			              "Formularz jest uszkodzony (wersja sprawy). Odśwież stronę i spróbuj "
			              "ponownie.");
			return OUT_INVALID;
		}
	}
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	changes_writer(ctx->who->org_id);
	enum db_status st = db_transaction(c, confirm_tx, &x);
	if (st != DB_OK)
		return svc_outcome(st, p);
	return x.result;
}
