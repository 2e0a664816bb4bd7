/* SPDX-License-Identifier: EUPL-1.2 */
/* Route table and request-path decoding.
 *
 * The route table is a static array of route_t rows built at start-up and
 * read-only afterwards, so worker threads share it without locks. The router
 * receives the RAW request path (libmicrohttpd's own unescaping is disabled)
 * and splits it on '/' BEFORE percent-decoding, so "%2F" stays inside its
 * segment. Everything it returns lives in the caller's per-request arena.
 *
 * Pure code: no I/O, no libmicrohttpd calls. */
#ifndef JAWNOSC_HTTP_ROUTER_H
#define JAWNOSC_HTTP_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/utf8.h" /* utf8_valid() is part of this contract too */

struct http_req; /* defined elsewhere */
typedef void (*route_handler_fn)(struct http_req *req);

/* Who may open a route (route_t.role), and, in the same values, who a
 * signed-in staff member is. The roles that work cases are ordered, each
 * reaching what those below it reach: clerk < manager < admin. The data
 * protection officer (ROLE_IOD, "inspektor ochrony danych", GDPR art. 37-39)
 * stands beside them: not a clerk, so it reaches no case, queue or letter;
 * only the routes of any staff member (ROLE_STAFF: the account page,
 * signing out) and its own (ROLE_IOD), which the administrator reaches
 * too. Compare with route_role_allows(), never with < or >=. */
enum route_role {
	ROLE_ANY = 0,
	ROLE_CITIZEN,
	ROLE_STAFF,   /* a route: any signed-in staff member */
	ROLE_IOD,     /* a route: the officer or the administrator; a user: the officer */
	ROLE_CLERK,
	ROLE_MANAGER,
	ROLE_ADMIN,
};

/* Whether a user of role `user` (ROLE_ANY when not signed in) may open a
 * route of role `route`. */
bool route_role_allows(int route, int user);

/* What body a route takes, and so how large a one the server reads for it
 * (the byte limits are the server's: http/server.h). A route that takes none
 * refuses a body as soon as the request's headers arrive. */
enum route_body {
	ROUTE_BODY_NONE = 0, /* GET, HEAD and actions without input */
	ROUTE_BODY_FORM,     /* a form of short fields (sign-in, settings, a date) */
	ROUTE_BODY_TEXT,     /* a form carrying a long text (a letter, an answer, a note) */
	ROUTE_BODY_JSON,     /* the JSON API */
	ROUTE_BODY_UPLOAD,   /* multipart with attachments: up to JAWNOSC_MAX_BODY */
	/* The same, for a form given back when its files are too large (the
	 * citizen's filing, issue 21 item 11): a multipart body over
	 * JAWNOSC_MAX_BODY, up to HTTP_UPLOAD_READ_FACTOR times it, is read
	 * and scanned, not kept (http/upload_scan.h); its handler sees only
	 * the text fields and must ask http_upload_over() first. */
	ROUTE_BODY_UPLOAD_FORM,
	/* JSON carrying files as base64 (the staff API's registration and
	 * documents): what JAWNOSC_MAX_BODY takes as a form, grown by base64's
	 * third, and the JSON around it (http/server.h). */
	ROUTE_BODY_JSON_UPLOAD,
};

typedef struct route {
	const char *method;  /* "GET", "POST", ...; compared case-sensitively (RFC 9110 §9.1) */
	const char *pattern; /* "/sprawa/{token}", "/rejestr/{number}/wersja/{version}",
				"/static/{*path}": a final {*name} captures the rest */
	route_handler_fn handler;
	int role;	  /* who may, enum route_role (route_role_allows); checked by the caller */
	const char *name; /* stable name for logs/metrics, e.g. "case.show" */
	int body;	  /* enum route_body */
} route_t;

#define ROUTE_MAX_PARAMS 8
/* Longest raw path accepted (the part before any '?'). */
#define ROUTE_PATH_MAX 2048

typedef struct route_match {
	const route_t *route;
	int nparams;
	const char *names[ROUTE_MAX_PARAMS];
	const char *values[ROUTE_MAX_PARAMS]; /* percent-decoded, NUL-terminated, in the arena */
} route_match_t;

enum route_result { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_METHOD_NOT_ALLOWED, ROUTE_BAD_PATH };

/* Matches `method` + `raw_path` against table[0..n), first matching row wins.
 *
 * raw_path is cut at its first '?'. It must start with '/', be at most
 * ROUTE_PATH_MAX bytes, and every segment must percent-decode (no bad escape,
 * no NUL) to valid UTF-8 without control characters (U+0000..U+001F, U+007F)
 * and must not be, or contain as a '/'- or '\'-separated piece, "." or "..",
 * whether written plainly or encoded ("%2e%2E"); otherwise ROUTE_BAD_PATH.
 *
 * Patterns: literal segments compare byte-exact with the decoded segment;
 * {name} matches one non-empty segment; a final {*name} matches one or more
 * non-empty segments, joined with '/', none of which may contain a decoded
 * '/' (it would be indistinguishable from a separator after the join). The
 * path "/" has one empty segment; "/rejestr/" does not match "/rejestr".
 *
 * HEAD matches GET routes. When the path matches some row but none with this
 * method: ROUTE_METHOD_NOT_ALLOWED, and `allow` (if non-NULL and allowlen > 0)
 * receives the sorted, de-duplicated methods for the Allow header, e.g.
 * "GET, HEAD, POST" (HEAD is added wherever GET is; truncated at a method
 * boundary if allowlen is too small). `allow` is set to "" otherwise.
 *
 * `out` is always written; on anything but ROUTE_FOUND, out->route is NULL and
 * out->nparams 0. Parameter names and values are allocated in `a`. */
enum route_result router_match(const route_t *table, size_t n, const char *method,
			       const char *raw_path, arena_t *a, route_match_t *out, char *allow,
			       size_t allowlen);

/* Value of parameter `name` of a match, or NULL if absent. */
const char *route_param(const route_match_t *m, const char *name);

/* A parameter of this name holds a secret (a tracking link's token,
 * "/sprawa/{token}"): its value must never reach a log. */
#define ROUTE_SECRET_PARAM "token"

/* raw_path, cut at its first '?' (the query is never logged), for a log
 * line: every segment that stands where some row of the table takes its
 * {token} is written "{token}" instead. A row counts when each of its
 * pattern's earlier segments matches the path's (a literal equal to the
 * decoded segment, a parameter any non-empty one), whatever follows, so
 * the token is hidden also on a 404 ("/sprawa/<token>/x"), a 405 and a
 * path the router refuses. Allocated in `a`. */
const char *router_redact(const route_t *table, size_t n, const char *raw_path, arena_t *a);

/* Checks a route table at start-up (for fatal()): every row has a method, a
 * handler and a pattern starting with '/', braces are well formed and
 * non-empty, {*name} only as the final segment, at most ROUTE_MAX_PARAMS
 * parameters, a known body kind and none on a GET row. On failure *why (if non-NULL) names the problem and *bad_row
 * (if non-NULL) the offending index. router_match() itself skips rows without
 * a method, handler or pattern and rows whose pattern is malformed. */
bool router_table_valid(const route_t *table, size_t n, size_t *bad_row, const char **why);

/* Percent-decodes s[0..n) (RFC 3986 §2.1) into a new NUL-terminated string in
 * `a`; with plus_is_space, '+' becomes ' ' (application/x-www-form-urlencoded,
 * not paths). False on a bad escape ("%zz", a truncated "%4"), a NUL byte
 * (decoded or literal) or a result that is not valid UTF-8; *out is then NULL
 * and *outlen 0. */
bool http_percent_decode(arena_t *a, const char *s, size_t n, bool plus_is_space, char **out,
			 size_t *outlen);

#endif
