/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

law_remedy_t store_remedy(const char *id)
{
	if (id && !strcmp(id, "court_complaint"))
		return LAW_REMEDY_COURT_COMPLAINT;
	return id && !strcmp(id, "reconsideration") ? LAW_REMEDY_RECONSIDERATION : LAW_REMEDY_APPEAL;
}

const char *store_date(law_date_t d, char *buf)
{
	law_date_format(d, buf);
	return buf;
}

static void id_text(long long id, char *buf, size_t len)
{
	snprintf(buf, len, "%lld", id);
}

/* What a step may record that is personal (free text: the requester's
 * submissions, the clerk's reasons and notes; names of third persons):
 * kept in event_details, out of the hash chain, so that an erasure
 * (cases/privacy.c) can remove it without breaking `audit verify`. */
static const char *const private_keys[] = {"text", "persons"};

/* Moves the private members of `data` into a new object (NULL when none). */
static json_t *split_private(json_t *data)
{
	json_t *details = NULL;
	for (size_t i = 0; data && i < sizeof private_keys / sizeof private_keys[0]; i++) {
		json_t *v = json_object_get(data, private_keys[i]);
		if (!v)
			continue;
		if (!details)
			details = json_object();
		json_object_set(details, private_keys[i], v);
		json_object_del(data, private_keys[i]);
	}
	return details;
}

/* The event, and its details with the commitment the payload holds:
 * SHA-256(salt || details as jsonb text), the salt random (migration 0020). */
#define EVENT_SQL                                                                                  \
	"WITH e AS (INSERT INTO events (org_id, request_id, actor, actor_user_id, action, from_state, " \
	"to_state, data) VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $9::jsonb IS NULL THEN "        \
	"$8::jsonb ELSE $8::jsonb || jsonb_build_object('details_sha256', encode(sha256($10::bytea || " \
	"convert_to($9::jsonb::text, 'UTF8')), 'hex')) END) RETURNING id) "                         \
	"INSERT INTO event_details (event_id, org_id, request_id, salt, data) "                       \
	"SELECT e.id, $1, $2, $10, $9::jsonb FROM e WHERE $9::jsonb IS NOT NULL"

enum db_status store_event(PGconn *c, long long org_id, long long request_id, const char *actor,
                           long long user_id, const char *action, const char *from_state,
                           const char *to_state, json_t *data)
{
	char org[24], req[24], user[24];
	id_text(org_id, org, sizeof org);
	id_text(request_id, req, sizeof req);
	id_text(user_id, user, sizeof user);
	json_t *chained = data ? json_copy(data) : NULL;
	json_t *details = split_private(chained);
	char *json = chained ? json_dumps(chained, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *priv = details ? json_dumps(details, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	unsigned char salt[32];
	randombytes_buf(salt, sizeof salt);
	enum db_status st = DB_ERROR;
	if ((chained && !json) || (details && !priv))
		goto out;
	const char *p[10] = {org,       request_id ? req : NULL, actor, user_id ? user : NULL,
	                     action,    from_state,              to_state, json ? json : "{}",
	                     priv,      (const char *)salt};
	int lens[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, sizeof salt};
	int fmts[10] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	PQclear(db_exec_binary(c, &st, EVENT_SQL, 10, p, lens, fmts));
out:
	free(json);
	free(priv);
	json_decref(chained);
	json_decref(details);
	return st;
}

static enum db_status start_term(PGconn *c, const char *org, const char *req,
                                 const law_term_effect_t *e)
{
	const law_term_info_t *ti = &law_terms[e->term];
	json_t *steps = json_array();
	for (int i = 0; i < e->calc.nsteps; i++)
		json_array_append_new(steps, json_string(e->calc.steps[i]));
	char *steps_json = json_dumps(steps, JSON_COMPACT);
	json_decref(steps);
	char start[LAW_DATE_STRLEN], unshifted[LAW_DATE_STRLEN], due[LAW_DATE_STRLEN];
	const char *p[10] = {org, req, ti->id, ti->label, ti->basis,
	                     ti->side == LAW_SIDE_REQUESTER ? "requester" : "body",
	                     store_date(e->calc.from, start), store_date(e->calc.unshifted, unshifted),
	                     store_date(e->calc.due, due), steps_json ? steps_json : "[]"};
	enum db_status st = db_run(c,
	                           "INSERT INTO terms (org_id, request_id, kind, label, basis, side, start_on, "
	                           "unshifted_on, due_on, steps) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	                           "$10::jsonb)",
	                           10, p);
	free(steps_json);
	return st;
}

const char *store_term_end_state(const law_term_effect_t *e)
{
	return e->op == LAW_TERM_STOP     ? (e->met ? "met" : "missed")
	       : e->op == LAW_TERM_EXPIRE ? "passed"
	                                  : "cancelled";
}

static const struct {
	const char *state, *staff, *public;
} term_states[] = {
    {"open", "biegnie", "biegnie"},
    {"met", "dotrzymany", "dotrzymany"},
    {"missed", "przekroczony", "przekroczony"},
    {"cancelled", "nie obowiązuje", "nie dotyczy"},
    {"passed", "upłynął", "upłynął"},
};

const char *store_term_state_label(const char *state, bool public)
{
	for (size_t i = 0; i < sizeof term_states / sizeof term_states[0]; i++)
		if (strcmp(term_states[i].state, state) == 0)
			return public ? term_states[i].public : term_states[i].staff;
	return state;
}

enum db_status store_apply_effects(PGconn *c, long long org_id, long long request_id,
                                   const law_outcome_t *out, law_date_t date)
{
	char org[24], req[24], day[LAW_DATE_STRLEN];
	id_text(org_id, org, sizeof org);
	id_text(request_id, req, sizeof req);
	store_date(date, day);
	for (int i = 0; i < out->neffects; i++) {
		const law_term_effect_t *e = &out->effects[i];
		enum db_status st;
		if (e->op == LAW_TERM_START) {
			st = start_term(c, org, req, e);
		} else {
			const char *p[5] = {req, law_terms[e->term].id, store_term_end_state(e), day,
			                    e->at_risk ? "true" : "false"};
			st = db_run(c,
			            "UPDATE terms SET state = $3, closed_on = $4, at_risk = $5 "
			            "WHERE request_id = $1 AND kind = $2 AND state = 'open'",
			            5, p);
		}
		if (st != DB_OK)
			return st;
	}
	return DB_OK;
}

enum db_status store_requester_identity(PGconn *c, long long org_id, long long request_id,
                                        const char *name, const char *postal_address)
{
	char o[24], r[24];
	snprintf(o, sizeof o, "%lld", org_id);
	snprintf(r, sizeof r, "%lld", request_id);
	const char *p[4] = {r, o, name, postal_address};
	return db_run(c,
	              "INSERT INTO requesters (request_id, org_id, name, postal_address) "
	              "VALUES ($1, $2, $3, $4) ON CONFLICT (request_id) DO UPDATE "
	              "SET name = EXCLUDED.name, postal_address = EXCLUDED.postal_address",
	              4, p);
}

/* Issue 20 item 9: the step that made the case final (KPA art. 16 §1): the
 * remedy window passing unused (its last day) or the requester's waiver
 * reaching the organ (art. 127a §2; the step's date). A remedy lodged
 * after either is sent on for the appeal body to rule on (art. 134). */
static enum db_status final_by(PGconn *c, const char *const p[1], law_case_t *out)
{
	enum db_status st;
	PGresult *r = db_exec(
	    c, &st,
	    "SELECT e.action, coalesce(e.data->>'date', ''), coalesce((SELECT t.due_on::text "
	    "FROM terms t WHERE t.request_id = $1 AND t.state = 'passed' AND t.kind IN "
	    "('appeal_window', 'reconsideration_window') ORDER BY t.id DESC LIMIT 1), '') "
	    "FROM events e WHERE e.request_id = $1 AND e.to_state = 'closed_final' "
	    "AND e.from_state IS DISTINCT FROM 'closed_final' ORDER BY e.id DESC LIMIT 1",
	    1, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		const char *action = PQgetvalue(r, 0, 0);
		if (!strcmp(action, law_actions[LAW_ACT_REMEDY_WINDOW_EXPIRED].id))
			law_date_parse(PQgetvalue(r, 0, 2), &out->remedy_lapsed);
		else if (!strcmp(action, law_actions[LAW_ACT_WAIVE_APPEAL].id))
			law_date_parse(PQgetvalue(r, 0, 1), &out->remedy_waived);
	}
	PQclear(r);
	return st;
}

enum db_status store_law_case(PGconn *c, long long request_id, const struct org *org,
                              const char *kind, const char *state, law_date_t received,
                              law_case_t *out)
{
	memset(out, 0, sizeof *out);
	out->kind = strcmp(kind, "reuse") == 0 ? LAW_KIND_REUSE : LAW_KIND_PUBLIC_INFORMATION;
	if (!law_state_from_id(state, &out->state))
		out->state = LAW_STATE_NONE;
	out->received = received;
	out->policy = org->policy;
	char req[24];
	id_text(request_id, req, sizeof req);
	const char *p[1] = {req};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT kind, start_on, due_on FROM terms "
	                      "WHERE request_id = $1 AND state = 'open' ORDER BY id",
	                      1, p);
	for (int i = 0; st == DB_OK && i < PQntuples(r) && out->nterms < LAW_OPEN_TERMS_MAX; i++) {
		law_open_term_t *t = &out->terms[out->nterms];
		if (!law_term_kind_from_id(PQgetvalue(r, i, 0), &t->kind))
			continue;
		law_date_parse(PQgetvalue(r, i, 1), &t->start);
		law_date_parse(PQgetvalue(r, i, 2), &t->due);
		out->nterms++;
	}
	PQclear(r);
	if (st == DB_OK && out->state == LAW_STATE_CLOSED_FINAL)
		st = final_by(c, p, out);
	if (st != DB_OK)
		return st;
	/* Issue 20 items 7 and 8: a unit acting as another organ may have its
	 * own remedy (a higher body or none, KPA art. 127 §1 or §3); a body
	 * that is not an organ of public authority has neither (UDIP art. 17
	 * ust. 1). */
	r = db_exec(c, &st,
	            "SELECT " STORE_REMEDY_SQL("o", "un.remedy") ", "
	            "coalesce(rq.name <> '' AND (rq.postal_address <> '' OR "
	            "coalesce(rq.ade_address, '') <> ''), false), q.reuse_standing FROM requests q "
	            "JOIN units un ON un.id = q.unit_id JOIN organisations o ON o.id = q.org_id "
	            "LEFT JOIN requesters rq ON rq.request_id = q.id "
	            "WHERE q.id = $1",
	            1, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		out->policy.remedy = store_remedy(PQgetvalue(r, 0, 0));
		/* Issue 20 item 12: a decision names the party and its address
		 * (KPA art. 107 §1 pkt 3). */
		out->party_unidentified = PQgetvalue(r, 0, 1)[0] != 't';
		/* Issue 20 item 11: standing access (UOD art. 39 ust. 2, art. 42). */
		out->standing = PQgetvalue(r, 0, 2)[0] == 't';
	}
	PQclear(r);
	return st;
}
