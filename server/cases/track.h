/* The citizen's view of a case, found by the private tracking token, and the
 * steps the requester may take there. One JSON view model serves the HTML
 * page and the API alike. */
#ifndef JAWNOSC_CASES_TRACK_H
#define JAWNOSC_CASES_TRACK_H

#include <jansson.h>
#include <libpq-fe.h>
#include <stdint.h>

#include "core/arena.h"
#include "law/error.h"

enum track_result {
	TRACK_OK,
	TRACK_NOT_FOUND,   /* unknown or malformed token: reveal nothing */
	TRACK_REFUSED,     /* the law core refused: reason in *refusal */
	TRACK_STALE,       /* the case changed since the page was shown */
	TRACK_INVALID,     /* bad input (text too long, control characters) */
	TRACK_UNAVAILABLE, /* database unreachable */
	TRACK_ERROR,
};

/* Loads the case as a JSON object (owned by the caller): case number,
 * state and its Polish label, terms with their reasoning, timeline, issued
 * documents, and the actions open to the requester today. */
enum track_result track_load(PGconn *c, arena_t *a, const char *token, int64_t now, json_t **out);

/* Takes a requester's action (an id of law_actions, e.g. "withdraw") with
 * an optional text. `version` is the case version the page showed (-1: do
 * not check). */
enum track_result track_act(PGconn *c, arena_t *a, const char *token, const char *action,
                            const char *text, long version, int64_t now, law_error_t *refusal);

/* An issued document's PDF of the case behind `token`: TRACK_NOT_FOUND when
 * there is none (drafts are never shown). *pdf is in the arena. */
enum track_result track_document(PGconn *c, arena_t *a, const char *token, int seq,
                                 const char **pdf, size_t *len, const char **title);

/* Whether an action takes a text from the requester, and its label for
 * the field ("Treść wyjaśnień"); NULL when none. */
const char *track_text_label(const char *action);

#endif
