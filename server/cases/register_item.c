/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/register_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/register.h"
#include "cases/store.h"
#include "law/lifecycle.h"

/* The preview's statement: $1 the request, $2 the documents' seqs, $3 the
 * copies' ids. */
static const char preview_sql[] =
    "SELECT " ITEM_JSON("publishable", "request_id", "$1", "seq = ANY ($2::int[])",
                        "id = ANY ($3::bigint[])", "array_position($3::bigint[], id)");

const char *item_col(const json_t *row, size_t i)
{
	const char *s = json_string_value(json_array_get(row, i));
	return s ? s : "";
}

static json_t *timeline_of(const json_t *rows, bool no_kpa)
{
	json_t *list = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r) {
		law_action_t act;
		/* Only the lifecycle's steps: anything else is internal. */
		if (!law_action_from_id(item_col(r, 1), &act))
			continue;
		const char *to = item_col(r, 2);
		json_t *e = json_pack("{s:s, s:s}", "on", item_col(r, 0), "label", law_action_label(act, no_kpa));
		/* Every key set, even empty: a missing one would be looked up in
		 * the enclosing context by the template. */
		json_object_set_new(e, "state_label",
		                    json_string(*to ? caseview_state_label(to, no_kpa) : ""));
		json_array_append_new(list, e);
	}
	return list;
}

static json_t *terms_of(const json_t *rows)
{
	json_t *list = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r) {
		const char *state = item_col(r, 4);
		json_t *t = json_pack(
		    "{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "label", item_col(r, 0), "basis", item_col(r, 1),
		    "start_on", item_col(r, 2), "due_on", item_col(r, 3), "state_label",
		    store_term_state_label(state, true), "met", !strcmp(state, "met"), "missed",
		    !strcmp(state, "missed"), "open", !strcmp(state, "open"));
		json_object_set_new(t, "closed_on", json_string(item_col(r, 5)));
		json_array_append_new(list, t);
	}
	return list;
}

static json_t *documents_of(const json_t *rows, const char *path, bool linked)
{
	json_t *list = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r) {
		int seq = (int)json_integer_value(json_array_get(r, 0));
		json_t *d = json_pack("{s:i, s:s, s:s}", "seq", seq, "title", item_col(r, 1), "issued_on",
		                      item_col(r, 2));
		char url[512] = "";
		if (linked && json_is_true(json_array_get(r, 3)))
			snprintf(url, sizeof url, "%s/dokument/%d", path, seq);
		json_object_set_new(d, "url", json_string(url));
		json_array_append_new(list, d);
	}
	return list;
}

/* The public copies of attachments: never the original, never its file
 * name (it may name a person), so each is "Załącznik nr N". */
static json_t *attachments_of(const json_t *rows, const char *path, bool linked)
{
	json_t *list = json_array();
	size_t i;
	const json_t *r;
	json_array_foreach(rows, i, r) {
		char title[64], url[512] = "";
		snprintf(title, sizeof title, "Załącznik nr %zu", i + 1);
		if (linked)
			snprintf(url, sizeof url, "%s/zalacznik/%lld", path,
			         (long long)json_integer_value(json_array_get(r, 0)));
		json_array_append_new(
		    list, json_pack("{s:s, s:s, s:i}", "title", title, "url", url, "pages",
		                    (int)json_integer_value(json_array_get(r, 1))));
	}
	return list;
}

json_t *item_from_rows(const json_t *rows, const struct item_content *c, bool docs_linked)
{
	const json_t *facts = json_array_get(rows, 0);
	if (!json_is_array(facts))
		return NULL;
#define F(i) item_col(facts, i)
	char path[400];
	snprintf(path, sizeof path, "/rejestr/%s", F(0));
	const char *outcome = c->outcome ? c->outcome : "";
	json_t *it = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b}",
	    "case_number", F(0), "path", path, "subject", c->subject ? c->subject : "", "kind",
	    F(1), "kind_label", register_kind_label(F(1)), "unit", F(2), "unit_name", F(3),
	    "received_on", F(4), "state", F(5), "state_label", caseview_state_label(F(5), c->no_kpa),
	    "outcome", outcome, "outcome_label", register_outcome_label(outcome, c->no_kpa), "legal_basis",
	    c->legal_basis ? c->legal_basis : "", "has_legal_basis",
	    c->legal_basis && *c->legal_basis, "answer", c->answer ? c->answer : "", "has_answer",
	    c->answer && *c->answer);
	json_object_set_new(it, "closed_on", json_string(F(6)));
#undef F
	json_t *d = documents_of(json_array_get(rows, 3), path, docs_linked);
	json_t *at = attachments_of(json_array_get(rows, 4), path, docs_linked);
	json_object_set_new(it, "has_documents", json_boolean(json_array_size(d) > 0));
	json_object_set_new(it, "has_attachments", json_boolean(json_array_size(at) > 0));
	json_object_set_new(it, "has_any_documents",
	                    json_boolean(json_array_size(d) + json_array_size(at) > 0));
	json_object_set_new(it, "documents", d);
	json_object_set_new(it, "attachments", at);
	json_t *t = terms_of(json_array_get(rows, 2));
	json_object_set_new(it, "has_terms", json_boolean(json_array_size(t) > 0));
	json_object_set_new(it, "terms", t);
	json_object_set_new(it, "timeline", timeline_of(json_array_get(rows, 1), c->no_kpa));
	return it;
}

enum db_status item_read(PGconn *c, const char *request_id, const char *docs, const char *atts,
                         const struct item_content *content, bool docs_linked, json_t **item)
{
	const char *p[3] = {request_id, docs, atts};
	enum db_status st;
	*item = NULL;
	PGresult *r = db_exec(c, &st, preview_sql, 3, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		json_t *rows = json_loadb(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), 0, NULL);
		if (rows)
			*item = item_from_rows(rows, content, docs_linked);
		else
			st = DB_ERROR;
		json_decref(rows);
	}
	PQclear(r);
	return st;
}
