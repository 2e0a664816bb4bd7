/* SPDX-License-Identifier: EUPL-1.2 */
/* The request context and responses: what a handler sees of HTTP.
 * libmicrohttpd glue lives in server.c; this layer knows nothing of cases.
 *
 * Memory: everything reachable from an http_req_t lives in req->arena, but
 * the body (http_body_t below), and is freed in one go when the response has
 * been queued. A handler answers
 * exactly once with one of the http_respond* functions; a handler that
 * returns without answering gets a 500 (a bug, logged). */
#ifndef JAWNOSC_HTTP_HTTP_H
#define JAWNOSC_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/arena.h"
#include "core/outcome.h"
#include "core/strbuf.h"
#include "http/form.h"
#include "http/router.h"
#include "http/upload_scan.h"

struct MHD_Connection;

typedef struct http_header {
	const char *name;
	const char *value;
	struct http_header *next;
} http_header_t;

/* A request's body. Its memory is not the arena's (an arena keeps every
 * smaller copy of a buffer that doubles): it is allocated once when the
 * length is declared, grown in place otherwise, counted against the
 * process-wide JAWNOSC_BODY_MEMORY, and released with the request. */
typedef struct http_body {
	char *data; /* NUL-terminated; NULL when there is none */
	size_t len;
	size_t cap; /* bytes allocated, all of them counted */
} http_body_t;

typedef struct http_req {
	struct MHD_Connection *conn;
	arena_t *arena;
	const char *method;
	const char *uri;   /* raw request target as received: path?query */
	const char *path;  /* raw path, not decoded */
	const char *query; /* raw query without '?', "" when none */
	const char *id;    /* request id, also sent as X-Request-Id */
	route_match_t match;
	http_body_t body;
	size_t body_limit;  /* the route's (http/server.h) */
	int body_refused;   /* 413 or 503 while reading it, 0 */
	size_t discarded;   /* bytes of a refused body read and dropped */
	/* A ROUTE_BODY_UPLOAD_FORM body over the limit, read and scanned: its
	 * text fields go to `scan_body`, which becomes `body` at its end. */
	struct upload_scan *scan;
	http_body_t scan_body;
	bool scan_done;
	bool started; /* first access-handler call seen */
	struct timespec t0;

	form_t *query_form; /* parsed on first use */
	form_t *form;
	int form_error;
	json_t *json; /* parsed JSON body, released with the request */

	/* Response */
	bool responded;
	int status;
	size_t resp_bytes;
	http_header_t *resp_headers;

	void *user; /* the web layer's per-request state (session, organisation) */
	void *keep; /* the web layer's copy of this response to keep (web/pcache.c) */
} http_req_t;

/* Request headers (case-insensitive name); NULL when absent. */
const char *http_header(http_req_t *req, const char *name);
/* Query parameter (decoded), NULL when absent or the query is malformed. */
const char *http_query(http_req_t *req, const char *name);
/* On a ROUTE_BODY_UPLOAD_FORM route, a body over the route's limit that was
 * read and scanned instead of kept: its file parts (field, file name, size)
 * and the bytes it had (`seen`); the body (http_form()) then holds only its
 * text fields. NULL when the body was within the limit. */
const struct upload_scan *http_upload_over(const http_req_t *req);
/* The route's body limit (0: it takes none). */
size_t http_req_body_limit(const http_req_t *req);
/* Parses the body once as url-encoded or multipart per Content-Type.
 * FORM_OK and *out set, or an error (caller answers 400/415 with a message). */
enum form_error http_form(http_req_t *req, const form_t **out);
/* Field of the parsed form, NULL when absent or the form is not parsable. */
const char *http_form_get(http_req_t *req, const char *name);
/* Parses the body as JSON (application/json only). NULL with a message in
 * `err` (Polish, for the problem document) when it is not acceptable.
 * The returned value is owned by the request (freed with it). */
json_t *http_json_body(http_req_t *req, const char **err);
/* The jansson flags it parses with (tests/fuzz/fuzz_api.c uses the same). */
#define HTTP_JSON_FLAGS JSON_REJECT_DUPLICATES
/* The same two as outcomes, for a handler to answer with web_fail():
 * http_form() as OUT_UNSUPPORTED (not a form's type) or OUT_MALFORMED (the
 * form is broken), with form_error_text_pl() as the message;
 * http_json_object() as OUT_UNSUPPORTED (not application/json) or
 * OUT_MALFORMED (empty, not JSON, or JSON but not an object), with the
 * Polish message. `p` may be NULL. */
enum outcome http_form_read(http_req_t *req, const form_t **out, struct problem *p);
enum outcome http_json_object(http_req_t *req, json_t **out, struct problem *p);
/* Value of a cookie, NULL when absent. */
const char *http_cookie(http_req_t *req, const char *name);
/* The client's address as text. */
const char *http_client_ip(http_req_t *req);
/* A route parameter, decoded. */
const char *http_param(http_req_t *req, const char *name);

/* Adds a response header (copied). */
void http_add_header(http_req_t *req, const char *name, const char *value);

/* Answers with `len` bytes of `body` (copied). */
void http_respond(http_req_t *req, int status, const char *content_type, const char *body,
                  size_t len);
void http_respond_html(http_req_t *req, int status, const strbuf_t *html);
/* Answers with a JSON document; steals the reference to `doc`. */
void http_respond_json(http_req_t *req, int status, json_t *doc);
/* RFC 9457 problem document. `extra` (stolen, may be NULL) adds members. */
void http_respond_problem(http_req_t *req, int status, const char *title, const char *detail,
                          json_t *extra);
void http_redirect(http_req_t *req, int status, const char *location);
/* 304 Not Modified when the request's If-None-Match matches `etag`, which is
 * then also set on the response; true when the 304 was sent. */
bool http_not_modified(http_req_t *req, const char *etag);
/* The error page for a status: HTML for pages, problem+json under /api/.
 * Goes through the hook the web layer registers. */
void http_respond_error(http_req_t *req, int status, const char *detail);
/* 503 with Retry-After, for a database that cannot be reached. */
void http_respond_unavailable(http_req_t *req);

/* True for paths of the JSON API, whose errors are problem documents. */
bool http_is_api(const http_req_t *req);

const char *http_status_text(int status);

#endif
