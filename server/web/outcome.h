/* SPDX-License-Identifier: EUPL-1.2 */
/* The one table that turns a service's outcome into HTTP (web/outcome.c):
 * a status, a problem+json type and title for the API, and the Polish
 * message of the HTML error page. Handlers call web_fail() for anything a
 * service returned that is not OUT_OK (or web_outcome_status() when they
 * show the form again with the problem's field messages). */
#ifndef JAWNOSC_WEB_OUTCOME_H
#define JAWNOSC_WEB_OUTCOME_H

#include <jansson.h>
#include <stdbool.h>

#include "core/outcome.h"
#include "http/http.h"

struct outcome_http {
	int status;
	const char *type;    /* the problem document's "type" (a URN per outcome) */
	const char *title;   /* its "title", Polish */
	const char *message; /* the page's message when the service gave none, Polish */
};

/* Indexed by enum outcome. */
extern const struct outcome_http web_outcomes[OUTCOME_COUNT];

int web_outcome_status(enum outcome o);
/* Answers with `p`: under /api/ an RFC 9457 problem document (type, title,
 * status, detail, "code" when the service gave one, "errors" as
 * [{field, message}] for OUT_INVALID), elsewhere the HTML error page with
 * the message. OUT_UNAVAILABLE adds Retry-After. */
void web_fail(http_req_t *req, const struct problem *p);
/* The Polish text a page shows for `p` when it draws its form again: the
 * problem's message, else its first field's message, else the table's
 * message for its outcome. */
const char *web_problem_text(const struct problem *p);

/* Puts the field messages of `p` into a form's template context: "errors"
 * (the summary at the top, [{field, message}], linking to each field) and
 * "err" (the first message of each field, shown next to it). Nothing when
 * `p` names no field; true when it named some. */
bool web_form_errors(json_t *ctx, const struct problem *p);

#endif
