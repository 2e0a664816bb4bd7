#include "cases/register_item.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/caseview.h"
#include "cases/register.h"
#include "cases/store.h"
#include "law/lifecycle.h"

/* One row: the request's facts. */
#define ITEM_FACTS_COLS                                                                            \
	"case_number, kind, unit_symbol, unit_name, received_on::text, state, "                    \
	"coalesce(closed_on::text, '')"
/* The public steps, oldest first (ORDER BY id). */
#define ITEM_TIMELINE_COLS "on_date, action, to_state"
/* The body's terms (ORDER BY id). */
#define ITEM_TERMS_COLS                                                                            \
	"label, basis, start_on::text, due_on::text, state, coalesce(closed_on::text, '')"
/* Documents (ORDER BY seq): the last column says whether the PDF may be
 * downloaded from the item's page. */
#define ITEM_DOCS_COLS "seq, title, coalesce(issued_on, ''), has_pdf"

/* Public copies of attachments, in the version's order: the copy's id and
 * its pages. */
#define ITEM_ATTS_COLS "id, pages"

/* The five statements over the views named `prefix`_facts, ... whose rows
 * `key` ($1) selects; `docs` is the documents' own condition on $2, `atts`
 * the attachments' on $2 and their order. */
#define ITEM_SQL(prefix, key, docs, atts)                                                          \
	{                                                                                          \
	    "SELECT " ITEM_FACTS_COLS " FROM " prefix "_facts WHERE " key " = $1",                 \
	    "SELECT " ITEM_TIMELINE_COLS " FROM " prefix "_timeline WHERE " key " = $1 "           \
	    "ORDER BY id",                                                                         \
	    "SELECT " ITEM_TERMS_COLS " FROM " prefix "_terms WHERE " key " = $1 ORDER BY id",     \
	    "SELECT " ITEM_DOCS_COLS " FROM " prefix "_documents WHERE " key " = $1 AND " docs    \
	    " ORDER BY seq",                                                                       \
	    "SELECT " ITEM_ATTS_COLS " FROM " prefix "_attachments WHERE " key " = $1 AND " atts  \
	}

enum { Q_FACTS, Q_TIMELINE, Q_TERMS, Q_DOCS, Q_ATTS, Q_COUNT };

static const char *const item_sql[][Q_COUNT] = {
    [ITEM_REGISTER] = ITEM_SQL("register", "publication_id", "version_id = $2",
                               "version_id = $2 ORDER BY position"),
    [ITEM_PUBLISHABLE] = ITEM_SQL("publishable", "request_id", "seq = ANY ($2::int[])",
                                  "id = ANY ($2::bigint[]) "
                                  "ORDER BY array_position($2::bigint[], id)"),
};

static json_t *timeline_of(const PGresult *r)
{
	json_t *list = json_array();
	for (int i = 0; r && i < PQntuples(r); i++) {
		law_action_t act;
		/* Only the lifecycle's steps: anything else is internal. */
		if (!law_action_from_id(PQgetvalue(r, i, 1), &act))
			continue;
		const char *to = PQgetvalue(r, i, 2);
		json_t *e = json_pack("{s:s, s:s}", "on", PQgetvalue(r, i, 0), "label",
		                      law_actions[act].label);
		/* Every key set, even empty: a missing one would be looked up in
		 * the enclosing context by the template. */
		json_object_set_new(e, "state_label",
		                    json_string(*to ? caseview_state_label(to) : ""));
		json_array_append_new(list, e);
	}
	return list;
}

static json_t *terms_of(const PGresult *r)
{
	json_t *list = json_array();
	for (int i = 0; r && i < PQntuples(r); i++) {
		const char *state = PQgetvalue(r, i, 4);
		json_t *t =
		    json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "label",
		              PQgetvalue(r, i, 0), "basis", PQgetvalue(r, i, 1), "start_on",
		              PQgetvalue(r, i, 2), "due_on", PQgetvalue(r, i, 3), "state_label",
		              store_term_state_label(state, true), "met", !strcmp(state, "met"), "missed",
		              !strcmp(state, "missed"), "open", !strcmp(state, "open"));
		json_object_set_new(t, "closed_on", json_string(PQgetvalue(r, i, 5)));
		json_array_append_new(list, t);
	}
	return list;
}

static json_t *documents_of(const PGresult *r, const char *path, bool linked)
{
	json_t *list = json_array();
	for (int i = 0; r && i < PQntuples(r); i++) {
		int seq = atoi(PQgetvalue(r, i, 0));
		json_t *d = json_pack("{s:i, s:s, s:s}", "seq", seq, "title", PQgetvalue(r, i, 1),
		                      "issued_on", PQgetvalue(r, i, 2));
		char url[512] = "";
		if (linked && PQgetvalue(r, i, 3)[0] == 't')
			snprintf(url, sizeof url, "%s/dokument/%d", path, seq);
		json_object_set_new(d, "url", json_string(url));
		json_array_append_new(list, d);
	}
	return list;
}

/* The public copies of attachments: never the original, never its file
 * name (it may name a person), so each is "Załącznik nr N". */
static json_t *attachments_of(const PGresult *r, const char *path, bool linked)
{
	json_t *list = json_array();
	for (int i = 0; r && i < PQntuples(r); i++) {
		char title[64], url[512] = "";
		snprintf(title, sizeof title, "Załącznik nr %d", i + 1);
		if (linked)
			snprintf(url, sizeof url, "%s/zalacznik/%s", path, PQgetvalue(r, i, 0));
		json_array_append_new(list, json_pack("{s:s, s:s, s:i}", "title", title, "url", url,
		                                      "pages", atoi(PQgetvalue(r, i, 1))));
	}
	return list;
}

static json_t *item_build(const PGresult *facts, const struct item_content *c,
                          const PGresult *timeline, const PGresult *terms, const PGresult *docs,
                          const PGresult *atts, bool docs_linked)
{
#define F(i) PQgetvalue(facts, 0, i)
	char path[400];
	snprintf(path, sizeof path, "/rejestr/%s", F(0));
	const char *outcome = c->outcome ? c->outcome : "";
	json_t *it = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b}",
	    "case_number", F(0), "path", path, "subject", c->subject ? c->subject : "", "kind",
	    F(1), "kind_label", register_kind_label(F(1)), "unit", F(2), "unit_name", F(3),
	    "received_on", F(4), "state", F(5), "state_label", caseview_state_label(F(5)),
	    "outcome", outcome, "outcome_label", register_outcome_label(outcome), "legal_basis",
	    c->legal_basis ? c->legal_basis : "", "has_legal_basis",
	    c->legal_basis && *c->legal_basis, "answer", c->answer ? c->answer : "", "has_answer",
	    c->answer && *c->answer);
	json_object_set_new(it, "closed_on", json_string(F(6)));
#undef F
	json_t *d = documents_of(docs, path, docs_linked);
	json_t *at = attachments_of(atts, path, docs_linked);
	json_object_set_new(it, "has_documents", json_boolean(json_array_size(d) > 0));
	json_object_set_new(it, "has_attachments", json_boolean(json_array_size(at) > 0));
	json_object_set_new(it, "has_any_documents",
	                    json_boolean(json_array_size(d) + json_array_size(at) > 0));
	json_object_set_new(it, "documents", d);
	json_object_set_new(it, "attachments", at);
	json_t *t = terms_of(terms);
	json_object_set_new(it, "has_terms", json_boolean(json_array_size(t) > 0));
	json_object_set_new(it, "terms", t);
	json_object_set_new(it, "timeline", timeline_of(timeline));
	return it;
}

enum db_status item_read(PGconn *c, enum item_views views, const char *key, const char *docs,
                         const char *atts, const struct item_content *content, bool docs_linked,
                         json_t **item)
{
	const char *p[2] = {key, docs}, *pa[2] = {key, atts};
	PGresult *r[Q_COUNT] = {NULL};
	enum db_status st = DB_OK;
	*item = NULL;
	for (int q = 0; q < Q_COUNT && st == DB_OK; q++)
		r[q] = db_exec(c, &st, item_sql[views][q], q == Q_DOCS || q == Q_ATTS ? 2 : 1,
		               q == Q_ATTS ? pa : p);
	if (st == DB_OK && PQntuples(r[Q_FACTS]) == 1)
		*item = item_build(r[Q_FACTS], content, r[Q_TIMELINE], r[Q_TERMS], r[Q_DOCS],
		                   r[Q_ATTS], docs_linked);
	for (int q = 0; q < Q_COUNT; q++)
		PQclear(r[q]);
	return st;
}
