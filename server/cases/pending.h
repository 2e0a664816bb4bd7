/* SPDX-License-Identifier: EUPL-1.2 */
/* A step that waits for its letter (issue 21 item 1, docs/letters.md "A
 * step waits for its letter"). A clerk's step whose lifecycle row produces
 * a letter or decision is decided when the clerk asks (the law refuses at
 * once what it refuses), but it changes nothing yet: its draft is written,
 * the step waits beside it (table pending_steps, migration 0044) and the
 * case keeps its state, its terms running. The step takes effect when the
 * letter leaves the body (law_dispatch_channels[].leaves): decided again
 * with that day as its legal date and applied then — state, terms (an
 * answer term met or missed by that day), event. A letter to the appeal
 * body or the court leaves with the files: its step takes effect when it
 * is issued. One step waits per case.
 *
 * Every function works in the caller's transaction with the case locked
 * (case_lock()); the ones that take a document id find the waiting step by
 * it, and do nothing when there is none. */
#ifndef JAWNOSC_CASES_PENDING_H
#define JAWNOSC_CASES_PENDING_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

#include "cases/action.h"
#include "core/arena.h"
#include "db/db.h"
#include "law/error.h"
#include "law/lifecycle.h"

/* Makes the draft of the letter `oc` (allowed, with a document) needs and
 * leaves step `in` waiting beside it, with `data` (borrowed, may be NULL)
 * for its event, `actor`/`user_id`/`role` for when it takes effect; appends
 * "letter_prepared" to the timeline and bumps the case's version. The
 * draft's number in *seq. When another step already waits on the case,
 * nothing is written and *busy is the Polish reason (in `a`). */
enum db_status pending_prepare(PGconn *c, arena_t *a, const struct case_ref *f,
                               const law_action_input_t *in, const law_outcome_t *oc,
                               const char *actor, long long user_id, json_t *data, int *seq,
                               const char **busy);

/* Whether a step waits for document `document_id` (*has), and when it does,
 * whether the law would allow it with `date` as its legal date: *allowed
 * false with `why` (its code, and a Polish message naming the step) when
 * not. Writes nothing. */
enum db_status pending_check(PGconn *c, arena_t *a, long long document_id, law_date_t date,
                             bool *has, bool *allowed, law_error_t *why);

/* The step waiting for document `document_id` takes effect with `date` as
 * its legal date (the day the letter left the body): decided again and
 * applied, its event carrying the document's number, and no longer waits
 * (*taken). Refused by the law now: nothing applied, the step still
 * waits, `why` as pending_check() gives it. Nothing waits: *taken false,
 * `why` cleared. */
enum db_status pending_take(PGconn *c, arena_t *a, long long document_id, law_date_t date,
                            bool *taken, law_error_t *why);

/* The letter left but the law refused its step (`why`, from pending_take()):
 * the step no longer waits, and "step_lapsed" on the timeline says why. */
enum db_status pending_lapse(PGconn *c, arena_t *a, long long document_id, const law_error_t *why);

/* Takes the step when its letter left on `date`, or lets it lapse when the
 * law refuses it then, as a posted letter or an e-Doręczenia message
 * cannot be called back; *lapsed then holds the Polish message for the
 * clerk (in `a`), else NULL. */
enum db_status pending_take_or_lapse(PGconn *c, arena_t *a, long long document_id,
                                     law_date_t date, const char **lapsed);

/* What the clerk's pages show of the step waiting on case `request_id`:
 * under `key` of `out`, {"seq", "title", "status" ("draft", "issued"),
 * "draft", "action", "label"}, nothing when none waits. */
enum db_status pending_view(PGconn *c, long long request_id, const char *key, json_t *out);

/* Deletes the waiting step of document `document_id` with the draft. */
enum db_status pending_forget(PGconn *c, long long document_id);

#endif
