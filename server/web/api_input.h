/* SPDX-License-Identifier: EUPL-1.2 */
/* Decoding the JSON API's request bodies into the services' inputs. Pure
 * functions over an already parsed jansson value: no connection, no I/O, so
 * that tests/fuzz/fuzz_api.c can feed them arbitrary bytes (parsed with
 * json_loadb() and HTTP_JSON_FLAGS, as http_json_body() does). */
#ifndef JAWNOSC_WEB_API_INPUT_H
#define JAWNOSC_WEB_API_INPUT_H

#include <jansson.h>
#include <stdbool.h>

#include "cases/filing.h"
#include "cases/track.h"
#include "core/arena.h"
#include "core/outcome.h"

/* POST /api/v1/requests: reads the members of `body` (a JSON object) into
 * the text fields of `in` (kind, subject, content, form, delivery, purpose,
 * format, manner and requester.{name,email,postal_address,phone}; the other
 * fields are left as the caller set them) and checks them with
 * filing_validate(). True when there is nothing to report; otherwise the
 * problems are in `errs`, named with the API's member names
 * ("requester.email"), a member of the wrong type reported once, as such.
 * A string holding U+0000 counts as absent (http_json_body() refuses it
 * before this point). */
bool api_filing_decode(arena_t *a, json_t *body, struct filing_input *in,
                       struct filing_errors *errs);
/* Only the reading of those members: their values into `in` (absent or
 * null: NULL; "standing" as "1" or ""), a member of the wrong type into
 * `type_errs` under its API name; nothing is validated. */
void api_filing_members(json_t *body, struct filing_input *in, struct filing_errors *type_errs);
/* The API's name of a filing field (filing_validate()'s and the forms':
 * "email" is "requester.email", "attachment" is "attachments"); any other
 * name as it is. */
const char *api_field_name(const char *form_field);
/* The same as an outcome: OUT_OK, or OUT_INVALID with the problems as the
 * problem's fields. */
enum outcome api_filing_read(arena_t *a, json_t *body, struct filing_input *in, struct problem *p);

/* POST /api/v1/requests/{token}/actions/{action}: "text" (a string or
 * null, optional) and "version" (an integer, optional; -1 when absent).
 * OUT_INVALID naming the member (field "text" or "version") when one of
 * them has another type; `p` may be NULL. */
enum outcome api_action_decode(json_t *body, const char **text, long *version, struct problem *p);

/* The same into a requester's step, and "name" and "postal_address" (strings
 * or null, optional: record_identity needs them, track_act() checks that). */
enum outcome api_step_decode(json_t *body, struct track_step *step, struct problem *p);

#endif
