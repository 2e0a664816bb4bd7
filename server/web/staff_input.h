/* SPDX-License-Identifier: EUPL-1.2 */
/* Reading the staff API's input (/api/v1/staff, web/staff_api.c) into the
 * services' inputs: the bearer token of the Authorization header, the list's
 * query parameters and its page cursor, and the JSON bodies of a
 * registration and of a document, with their files in base64. Pure
 * functions over strings and already parsed jansson values: no connection,
 * no I/O, so that tests/fuzz/fuzz_staff.c feeds them arbitrary bytes.
 *
 * Messages are Polish and name the API's fields ("received_on",
 * "attachments[1].content_base64", "cursor"). Everything returned lives in
 * the arena `a`. */
#ifndef JAWNOSC_WEB_STAFF_INPUT_H
#define JAWNOSC_WEB_STAFF_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/filing.h"
#include "cases/queue.h"
#include "core/arena.h"
#include "core/outcome.h"

/* The token of an Authorization header's value "Bearer <token68>" (the
 * scheme without regard to case, RFC 9110 §11.1; one or more spaces; the
 * token68 characters of RFC 9110 §11.2, at most 512 of them; nothing after
 * it). NULL when the header is absent or of another shape. */
const char *staff_bearer(arena_t *a, const char *authorization);

/* The query of GET /api/v1/staff/cases as sent (NULL: absent). */
struct staff_list_query {
	const char *state;         /* a state of the lifecycle (law_states[].id) */
	const char *open;          /* "true": open cases only; "false": closed only */
	const char *kind;          /* "public_information" | "reuse" */
	const char *channel;       /* law/channel.h's ids */
	const char *received_from; /* YYYY-MM-DD */
	const char *received_to;   /* YYYY-MM-DD, not before received_from */
	const char *updated_since; /* RFC 3339 date-time with its offset */
	const char *cursor;        /* the "next_cursor" of the page before */
};

/* Into the queue's filter (cases/queue.h; `f` is cleared first: every case
 * of the organisation, the queue's order). OUT_INVALID naming each bad
 * parameter; `p` may be NULL. */
enum outcome staff_list_decode(arena_t *a, const struct staff_list_query *q,
                               struct queue_filter *f, struct problem *p);
/* GET /api/v1/staff/queue: the clerk's queue (open cases, the nearest due
 * date first); "overdue" ("true": only those past their due date; "false"),
 * "due_within" (0..60: due within that many working days from today) and
 * the cursor, as above. OUT_INVALID naming each bad parameter. With
 * p NULL the outcome still tells. */
enum outcome staff_queue_decode(arena_t *a, const char *cursor, const char *overdue,
                                const char *due_within, struct queue_filter *f, struct problem *p);
/* The cursor of the page after one whose last row had due date `due`
 * ("YYYY-MM-DD", or "none") and id `id` (as queue_list() gives "next"):
 * "<due>_<id>"; NULL when they are not of that shape. */
const char *staff_cursor(arena_t *a, const char *due, const char *id);

/* RFC 3339 date-time ("2026-11-04T09:00:00Z", "2026-11-04T10:00:00.5+01:00";
 * "t" and "z" too), a real date and time of years 1970..9999 and an offset
 * within ±23:59. */
bool staff_instant_valid(const char *s);

/* The bytes of a file sent in base64 (RFC 4648 §4, padding optional, line
 * breaks and spaces ignored): into *out (NUL-terminated, in `a`) with its
 * length. False for anything that is not base64, and without decoding for
 * a text whose bytes would exceed `max` (then *len is the size it would
 * have, at least max + 1). */
bool staff_base64(arena_t *a, const char *text, size_t text_len, size_t max, const char **out,
                  size_t *len);

/* POST /api/v1/staff/requests: the filing's members (web/api_input.h,
 * api_filing_members()), "channel" and "received_on" (strings, validated by
 * clerk_register()) and "attachments": an array of at most
 * FILING_MAX_ATTACHMENTS objects {"filename", "content_base64"}, each file
 * at most `max_attachment` bytes (its type and content are filing_validate()'s
 * to check). OUT_INVALID for members of the wrong type, a file name that is
 * not one (empty, over 255 bytes, a path, control characters), base64 that
 * does not decode or too large a file; the rest is left to the service. */
enum outcome staff_register_decode(arena_t *a, json_t *body, struct filing_input *in,
                                   const char **channel, const char **received_on,
                                   size_t max_attachment, struct problem *p);

/* POST /api/v1/staff/cases/{id}/documents: {"filename", "content_base64"},
 * both required, the file at most `max` bytes (that it is a readable PDF is
 * attach_add()'s to check). */
enum outcome staff_document_decode(arena_t *a, json_t *body, size_t max, const char **filename,
                                   const char **data, size_t *len, struct problem *p);

/* The problem of a service that named the forms' fields, with the API's
 * names (api_field_name(); attach_add()'s "plik" is "content_base64"). */
void staff_problem_fields(struct problem *p);

#endif
