/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/action.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/scope.h"
#include "cases/store.h"

void case_ref_from_row(const PGresult *r, int row, arena_t *a, struct case_ref *f)
{
	f->id = atoll(PQgetvalue(r, row, 0));
	f->kind = arena_strdup(a, PQgetvalue(r, row, 1));
	f->state = arena_strdup(a, PQgetvalue(r, row, 2));
	f->received_on = arena_strdup(a, PQgetvalue(r, row, 3));
	f->case_number = arena_strdup(a, PQgetvalue(r, row, 4));
	f->version = atol(PQgetvalue(r, row, 5));
	org_from_row(r, row, 6, a, &f->org);
}

static enum db_status lock_case(PGconn *c, arena_t *a, long long id, long long org_id,
                                long long unit_id, struct case_ref *out, bool *found)
{
	char ids[24], orgs[24], units[24];
	snprintf(ids, sizeof ids, "%lld", id);
	snprintf(orgs, sizeof orgs, "%lld", org_id);
	snprintf(units, sizeof units, "%lld", unit_id);
	const char *p[3] = {ids, orgs, units};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT " CASE_REF_COLUMNS ORG_COLUMNS
	                      " FROM requests r JOIN organisations o ON o.id = r.org_id "
	                      "WHERE r.id = $1 AND ($2::bigint = 0 OR r.org_id = $2) "
	                      "AND " SCOPE_CASES("r", "$2", "$3") " FOR UPDATE OF r",
	                      3, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found)
		case_ref_from_row(r, 0, a, out);
	PQclear(r);
	return st;
}

enum db_status case_lock(PGconn *c, arena_t *a, long long id, long long org_id,
                         struct case_ref *out, bool *found)
{
	return lock_case(c, a, id, org_id, 0, out, found);
}

enum db_status case_lock_staff(PGconn *c, arena_t *a, long long id, const struct actor *who,
                               struct case_ref *out, bool *found)
{
	return lock_case(c, a, id, who->org_id, scope_unit(who), out, found);
}

enum db_status case_draft_document(PGconn *c, const struct case_ref *f, law_document_t doc,
                                   json_t *inputs, int *seq, long long *doc_id)
{
	char org[24], req[24];
	snprintf(org, sizeof org, "%lld", f->org.id);
	snprintf(req, sizeof req, "%lld", f->id);
	char *json = json_dumps(inputs, JSON_COMPACT);
	/* A body that is not an organ of public authority issues a
	 * rozstrzygnięcie (UDIP art. 17 ust. 1): its title says so. */
	const char *p[6] = {org, req, law_documents[doc].id, law_document_title(doc, false),
	                    json ? json : "{}", law_document_title(doc, true)};
	enum db_status st;
	PGresult *r = db_exec_row(
	    c, &st,
	    "INSERT INTO documents (org_id, request_id, seq, type, title, inputs) "
	    "SELECT $1, $2, coalesce(max(seq), 0) + 1, $3, "
	    "(SELECT CASE WHEN " STORE_NO_KPA_SQL("o", "q.kind") " THEN $6 ELSE $4 END "
	    "FROM requests q JOIN organisations o ON o.id = q.org_id WHERE q.id = $2), "
	    "$5::jsonb FROM documents WHERE request_id = $2 RETURNING seq, id",
	    6, p);
	free(json);
	if (!r)
		return st;
	if (seq)
		*seq = atoi(PQgetvalue(r, 0, 0));
	if (doc_id)
		*doc_id = atoll(PQgetvalue(r, 0, 1));
	PQclear(r);
	return DB_OK;
}

enum db_status case_decide_locked(PGconn *c, const struct case_ref *f, const law_action_input_t *in,
                                  law_outcome_t *oc, bool *allowed)
{
	law_date_t received = LAW_DATE_NONE;
	law_date_parse(f->received_on, &received);
	law_case_t lc;
	enum db_status st = store_law_case(c, f->id, &f->org, f->kind, f->state, received, &lc);
	*allowed = st == DB_OK && law_decide(&lc, in, oc);
	return st;
}

enum db_status case_apply_locked(PGconn *c, const struct case_ref *f, const law_action_input_t *in,
                                 const law_outcome_t *oc, const char *actor, long long user_id,
                                 json_t *data, bool draft)
{
	law_state_t from = LAW_STATE_NONE;
	law_state_from_id(f->state, &from);
	const char *next = law_states[oc->state == LAW_STATE_SAME ? from : oc->state].id;
	char ids[24], day[LAW_DATE_STRLEN];
	snprintf(ids, sizeof ids, "%lld", f->id);
	store_date(in->date, day);
	const char *p[4] = {ids, next, oc->closes ? "close" : oc->reopens ? "reopen" : "", day};
	enum db_status st =
	    db_run(c,
	           "UPDATE requests SET state = $2, version = version + 1, updated_at = now(), "
	           "closed_on = CASE $3 WHEN 'close' THEN $4::date WHEN 'reopen' THEN NULL "
	           "ELSE closed_on END WHERE id = $1",
	           4, p);
	if (st == DB_OK)
		st = store_apply_effects(c, f->org.id, f->id, oc, in->date);
	json_t *ev = data ? json_deep_copy(data) : json_object();
	/* The step's legal date, for letters that cite it later. */
	json_object_set_new(ev, "date", json_string(day));
	if (st == DB_OK && draft && oc->document != LAW_DOC_NONE) {
		/* The letter is written from the step's inputs and date. */
		json_t *inputs = json_deep_copy(ev);
		st = case_draft_document(c, f, oc->document, inputs, NULL, NULL);
		json_decref(inputs);
	}
	if (oc->warning.code) {
		json_object_set_new(ev, "warning", json_string(oc->warning.message));
		/* Its code too: the appeal's forwarding letter says whether it came
		 * late or after a waiver (issue 20 item 9, KPA art. 134). */
		json_object_set_new(ev, "warning_code", json_string(oc->warning.code));
	}
	if (oc->document != LAW_DOC_NONE)
		json_object_set_new(ev, "document", json_string(law_documents[oc->document].id));
	if (st == DB_OK)
		st = store_event(c, f->org.id, f->id, actor, user_id, law_actions[in->action].id,
		                 f->state, next, ev);
	json_decref(ev);
	return st;
}

enum db_status case_act_locked(PGconn *c, arena_t *a, const struct case_ref *f,
                               const law_action_input_t *in, const char *actor,
                               long long user_id, json_t *data, law_outcome_t *oc, bool *allowed)
{
	(void)a;
	enum db_status st = case_decide_locked(c, f, in, oc, allowed);
	if (st != DB_OK || !*allowed)
		return st;
	return case_apply_locked(c, f, in, oc, actor, user_id, data, true);
}

enum db_status case_act_identity_locked(PGconn *c, arena_t *a, const struct case_ref *f,
                                        const law_action_input_t *in, const char *actor,
                                        long long user_id, json_t *data, const char *name,
                                        const char *postal_address, law_outcome_t *oc,
                                        bool *allowed)
{
	enum db_status st = case_identity_store(c, f, name, postal_address);
	if (st == DB_OK)
		st = case_act_locked(c, a, f, in, actor, user_id, data, oc, allowed);
	if (st == DB_OK && !*allowed)
		st = case_identity_undo(c, name);
	return st;
}

enum db_status case_identity_store(PGconn *c, const struct case_ref *f, const char *name,
                                   const char *postal_address)
{
	enum db_status st;
	if (!name || (st = db_run(c, "SAVEPOINT identity", 0, NULL)) != DB_OK)
		return name ? st : DB_OK;
	return store_requester_identity(c, f->org.id, f->id, name, postal_address);
}

enum db_status case_identity_undo(PGconn *c, const char *name)
{
	return name ? db_run(c, "ROLLBACK TO SAVEPOINT identity", 0, NULL) : DB_OK;
}
