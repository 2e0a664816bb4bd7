/* SPDX-License-Identifier: EUPL-1.2 */
/* Taking a step on a case: ask the law core, then write everything it
 * decided in the caller's transaction — the new state and version, the
 * terms, a placeholder document for the letter or decision the step needs,
 * and the audit event. Used by the citizen's actions, the clerk's panel and
 * the demo data. */
#ifndef JAWNOSC_CASES_ACTION_H
#define JAWNOSC_CASES_ACTION_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "cases/context.h"
#include "cases/org.h"
#include "core/arena.h"
#include "db/db.h"
#include "law/lifecycle.h"

struct case_ref {
	long long id;
	struct org org;
	const char *kind;
	const char *state;
	const char *received_on;
	const char *case_number;
	long version;
};

/* The columns case_ref_from_row() reads, then ORG_COLUMNS. */
#define CASE_REF_COLUMNS "r.id, r.kind, r.state, r.received_on, r.case_number, r.version, "
void case_ref_from_row(const PGresult *r, int row, arena_t *a, struct case_ref *out);

/* Locks and loads the request `id` (FOR UPDATE). DB_OK with *found false
 * when there is no such request in organisation `org_id` (0: any). */
enum db_status case_lock(PGconn *c, arena_t *a, long long id, long long org_id,
                         struct case_ref *out, bool *found);
/* The same for a staff member: only a case of their organisation that
 * they see (cases/scope.h); *found false for any other. */
enum db_status case_lock_staff(PGconn *c, arena_t *a, long long id, const struct actor *who,
                               struct case_ref *out, bool *found);

/* Decides `in` on the locked case `f` (its facts read from the database):
 * *allowed false with oc->refusal when the law refuses. Writes nothing. */
enum db_status case_decide_locked(PGconn *c, const struct case_ref *f, const law_action_input_t *in,
                                  law_outcome_t *oc, bool *allowed);
/* Writes what `oc` (allowed) decided for `in` on the locked case `f`: the
 * state, version and closing date, the terms, and the event with `data`
 * (borrowed, may be NULL), the step's date and its document's type; with
 * `draft`, also the draft of the document the step needs. */
enum db_status case_apply_locked(PGconn *c, const struct case_ref *f, const law_action_input_t *in,
                                 const law_outcome_t *oc, const char *actor, long long user_id,
                                 json_t *data, bool draft);
/* A draft of document `doc` for case `f` with the step's `inputs`, numbered
 * next in the case: its number in *seq and id in *doc_id (either may be
 * NULL). */
enum db_status case_draft_document(PGconn *c, const struct case_ref *f, law_document_t doc,
                                   json_t *inputs, int *seq, long long *doc_id);

/* Decides and applies `in` on the locked case `f` at once (the demo data,
 * the requester's and the system's steps, deliveries): the step's letter,
 * if any, is left as a draft. The clerk's steps that need a letter wait for
 * it instead (cases/pending.h). *allowed false (and
 * oc->refusal set) when the law refuses: nothing is written then. `data`
 * (borrowed, may be NULL) goes into the event. */
enum db_status case_act_locked(PGconn *c, arena_t *a, const struct case_ref *f,
                               const law_action_input_t *in, const char *actor,
                               long long user_id, json_t *data, law_outcome_t *oc, bool *allowed);
/* The same for a step that gives the requester's name and postal address
 * (issue 20 item 12; checked by filing_identity_validate()): they go into
 * the requester's row first, the law core deciding on them (KPA art. 107
 * §1 pkt 3), and a refusal rolls them back. They are personal data: `data`
 * should hold no copy. `name` NULL: case_act_locked() alone. */
enum db_status case_act_identity_locked(PGconn *c, arena_t *a, const struct case_ref *f,
                                        const law_action_input_t *in, const char *actor,
                                        long long user_id, json_t *data, const char *name,
                                        const char *postal_address, law_outcome_t *oc,
                                        bool *allowed);
/* Its two halves, for a step taken otherwise (the clerk's, which may wait
 * for its letter): the name and address stored under a savepoint before
 * the law core decides, and undone when the step is refused. `name` NULL:
 * nothing. */
enum db_status case_identity_store(PGconn *c, const struct case_ref *f, const char *name,
                                   const char *postal_address);
enum db_status case_identity_undo(PGconn *c, const char *name);

#endif
