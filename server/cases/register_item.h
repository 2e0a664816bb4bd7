/* The public view of a register item, built from the publishable columns
 * (migrations/0007_register.sql). Shared by the public page, which reads
 * them from the register_* views as jawnosc_public, and by the clerk's
 * preview, which reads the same columns from the publishable_* views for a
 * case not yet (or differently) published: one builder and one column list
 * make the preview exactly what the public will see. Internal to
 * server/cases/register*.c. */
#ifndef JAWNOSC_CASES_REGISTER_ITEM_H
#define JAWNOSC_CASES_REGISTER_ITEM_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

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

/* What a version says. */
struct item_content {
	const char *subject;
	const char *answer;
	const char *legal_basis;
	const char *outcome; /* a closing state id, "" for none */
};

/* The "item" object of register_item(): case_number, path, subject, kind,
 * kind_label, unit, unit_name, received_on, state, state_label, closed_on
 * ("" when open), outcome, outcome_label, legal_basis, answer,
 * documents [{seq, title, issued_on, url ("" when not downloadable)}],
 * has_documents, terms [{label, basis, start_on, due_on, state_label, met,
 * missed, open}], has_terms, timeline [{on, label, state_label}]. `docs_linked`
 * says whether the documents of `docs` link to their PDF. */
json_t *item_build(const PGresult *facts, const struct item_content *c, const PGresult *timeline,
                   const PGresult *terms, const PGresult *docs, bool docs_linked);

/* Label of a term's state, "dotrzymany", "przekroczony", ... */
const char *item_term_state_label(const char *state);

#endif
