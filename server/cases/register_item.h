/* The public view of a register item, read from the publishable columns
 * (migrations/0007_register.sql) and built into the JSON the template
 * partial renders. Shared by the public page, which reads them from the
 * register_* views as jawnosc_public, and by the clerk's preview, which
 * reads the same columns from the publishable_* views for a case not yet
 * (or differently) published: one set of queries, told which views by a
 * table, and one builder make the preview exactly what the public will
 * see. Internal to server/cases/register*.c. */
#ifndef JAWNOSC_CASES_REGISTER_ITEM_H
#define JAWNOSC_CASES_REGISTER_ITEM_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "db/db.h"

/* What a version says. */
struct item_content {
	const char *subject;
	const char *answer;
	const char *legal_basis;
	const char *outcome; /* a closing state id, "" for none */
};

/* Which views an item is read from. */
enum item_views {
	/* register_facts, _timeline, _terms, _documents, _attachments: a
	 * publication, by its id; the documents and attachments' copies of
	 * one of its versions, by the version's id. */
	ITEM_REGISTER,
	/* publishable_facts, _timeline, _terms, _documents, _attachments: a
	 * request, by its id; the documents whose seqs are in an int[]
	 * ("{1,3}"), the copies whose ids are in a bigint[]. */
	ITEM_PUBLISHABLE,
};

/* Reads the facts, the public steps, the body's terms and the documents
 * from `views` for `key` (a publication or request id; `docs` the version
 * id or the seqs, as above) and builds the "item" object of
 * register_item(): case_number, path, subject, kind, kind_label, unit,
 * unit_name, received_on, state, state_label, closed_on ("" when open),
 * outcome, outcome_label, legal_basis, answer, documents [{seq, title,
 * issued_on, url ("" when not downloadable)}], has_documents, terms
 * [{label, basis, start_on, due_on, state_label, met, missed, open}],
 * has_terms, timeline [{on, label, state_label}], and the public copies
 * of attachments `atts` selects (the version id again, or the copies' ids
 * as a bigint[] "{7,9}", in that order): attachments [{title ("Załącznik
 * nr N"), url, pages}], has_attachments, has_any_documents. `docs_linked`
 * says whether the documents and copies link to their PDF. *item is NULL
 * when there are no facts or on an error (new reference otherwise). */
enum db_status item_read(PGconn *c, enum item_views views, const char *key, const char *docs,
                         const char *atts, const struct item_content *content, bool docs_linked,
                         json_t **item);

#endif
