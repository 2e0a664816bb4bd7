/* SPDX-License-Identifier: EUPL-1.2 */
/* The public view of a register item, read from the publishable columns
 * (migrations/0007_register.sql) and built into the JSON the template
 * partial renders. Shared by the public page, which reads them from the
 * register_* views as jawnosc_public, and by the clerk's preview, which
 * reads the same columns from the publishable_* views for a case not yet
 * (or differently) published: one SQL expression, told which views by its
 * arguments, and one builder make the preview exactly what the public will
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
	/* The case ends by a rozstrzygnięcie, not a decision (org_no_kpa()):
	 * the labels of states and steps say so. */
	bool no_kpa;
};

/* The item's rows as one JSON array, an expression for a statement's
 * select list: [facts, timeline, terms, documents, attachments], each a
 * row or a list of rows as arrays (NULL when there are none):
 *   facts       [case_number, kind, unit_symbol, unit_name, received_on,
 *                state, closed_on ("" when open)]
 *   timeline    [[on, action, to_state], ...] (the steps, oldest first)
 *   terms       [[label, basis, start_on, due_on, state, closed_on], ...]
 *   documents   [[seq, title, issued_on, has_pdf], ...] by seq
 *   attachments [[copy id, pages], ...] in `atts_order`
 * read from the views `prefix`_facts, _timeline, _terms, _documents and
 * _attachments where `keycol` = `key`; `docs` is the documents' own
 * condition, `atts` the attachments'. */
#define ITEM_JSON(prefix, keycol, key, docs, atts, atts_order)                                     \
	"json_build_array("                                                                        \
	"(SELECT json_build_array(case_number, kind, unit_symbol, unit_name, received_on::text, "  \
	"state, coalesce(closed_on::text, '')) FROM " prefix "_facts WHERE " keycol " = " key "), " \
	"(SELECT json_agg(json_build_array(on_date, action, to_state) ORDER BY id) FROM " prefix   \
	"_timeline WHERE " keycol " = " key "), "                                                  \
	"(SELECT json_agg(json_build_array(label, basis, start_on::text, due_on::text, state, "    \
	"coalesce(closed_on::text, '')) ORDER BY id) FROM " prefix "_terms WHERE " keycol " = " key \
	"), "                                                                                      \
	"(SELECT json_agg(json_build_array(seq, title, coalesce(issued_on, ''), has_pdf) "         \
	"ORDER BY seq) FROM " prefix "_documents WHERE " keycol " = " key " AND " docs "), "       \
	"(SELECT json_agg(json_build_array(id, pages) ORDER BY " atts_order ") FROM " prefix       \
	"_attachments WHERE " keycol " = " key " AND " atts "))"

/* Builds the "item" object of register_item() from `rows` (ITEM_JSON's
 * value): case_number, path, subject, kind, kind_label, unit, unit_name,
 * received_on, state, state_label, closed_on ("" when open), outcome,
 * outcome_label, legal_basis, answer, documents [{seq, title, issued_on,
 * url ("" when not downloadable)}], has_documents, terms [{label, basis,
 * start_on, due_on, state_label, met, missed, open}], has_terms, timeline
 * [{on, label, state_label}], and the public copies of attachments:
 * attachments [{title ("Załącznik nr N"), url, pages}], has_attachments,
 * has_any_documents. `docs_linked` says whether the documents and copies
 * link to their PDF. NULL when `rows` has no facts (a new reference
 * otherwise). */
json_t *item_from_rows(const json_t *rows, const struct item_content *content, bool docs_linked);

/* Column `i` of a row of such a statement as text: "" for a null or a
 * missing one. */
const char *item_col(const json_t *row, size_t i);

/* The clerk's preview: ITEM_JSON over the publishable_* views for the
 * request `request_id`, the documents whose seqs are in the int[] `docs`
 * ("{1,3}") and the copies whose ids are in the bigint[] `atts` ("{7,9}",
 * in that order), in one statement, built by item_from_rows(). *item is
 * NULL when there are no facts or on an error. */
enum db_status item_read(PGconn *c, const char *request_id, const char *docs, const char *atts,
                         const struct item_content *content, bool docs_linked, json_t **item);

#endif
