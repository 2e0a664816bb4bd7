/* SPDX-License-Identifier: EUPL-1.2 */
/* libFuzzer target: path decoding, route matching (server/http/router.c)
 * and the log's path (router_redact). Input: first byte picks the method,
 * the rest is the raw path. Besides crashes, aborts when a match breaks the
 * router's promises. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void h_dummy(struct http_req *req)
{
	(void)req;
}

static const route_t routes[] = {
    {"GET", "/", h_dummy, ROLE_ANY, "home", ROUTE_BODY_NONE},
    {"GET", "/sprawa/{token}", h_dummy, ROLE_ANY, "case.show", ROUTE_BODY_NONE},
    {"POST", "/sprawa/{token}", h_dummy, ROLE_CITIZEN, "case.update", ROUTE_BODY_FORM},
    {"GET", "/rejestr/nowy", h_dummy, ROLE_CLERK, "register.new", ROUTE_BODY_NONE},
    {"GET", "/rejestr/{number}/wersja/{version}", h_dummy, ROLE_ANY, "register.version", ROUTE_BODY_NONE},
    {"DELETE", "/admin/uzytkownik/{id}", h_dummy, ROLE_ADMIN, "admin.user.delete", ROUTE_BODY_NONE},
    {"GET", "/static/{*path}", h_dummy, ROLE_ANY, "static", ROUTE_BODY_NONE},
    {"PUT", "/a/{b}/{*c}", h_dummy, ROLE_ANY, "mixed", ROUTE_BODY_FORM},
};
static const char *const methods[] = {"GET", "HEAD", "POST", "DELETE", "PUT", "get"};

/* No piece between separators may be "." or "..", and no control bytes. */
static void check_value(const char *v)
{
	size_t n = strlen(v), start = 0;
	if (!utf8_valid(v, n))
		abort();
	for (size_t i = 0; i <= n; i++) {
		if (i < n && (unsigned char)v[i] < 0x20)
			abort();
		if (i < n && v[i] != '/' && v[i] != '\\')
			continue;
		size_t len = i - start;
		if ((len == 1 && v[start] == '.') ||
		    (len == 2 && v[start] == '.' && v[start + 1] == '.'))
			abort();
		start = i + 1;
	}
}

static void check_match(enum route_result r, const route_match_t *m, const char *allow)
{
	if (r != ROUTE_FOUND) {
		if (m->route || m->nparams)
			abort();
		if (r == ROUTE_METHOD_NOT_ALLOWED && allow[0] == '\0')
			abort();
		return;
	}
	if (!m->route || m->nparams < 0 || m->nparams > ROUTE_MAX_PARAMS)
		abort();
	for (int i = 0; i < m->nparams; i++) {
		check_value(m->values[i]);
		if (route_param(m, m->names[i]) != m->values[i])
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	arena_t *a = arena_new(0);
	/* malloc'd, exactly sized: AddressSanitizer sees any over-read */
	char *path = malloc(size);
	memcpy(path, data + 1, size - 1);
	path[size - 1] = '\0';
	route_match_t m;
	char allow[64];
	const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
	enum route_result r = router_match(routes, sizeof routes / sizeof routes[0], method, path,
					   a, &m, allow, sizeof allow);
	check_match(r, &m, allow);
	/* The log's path: never the query, and never a matched {token}. */
	const char *logged = router_redact(routes, sizeof routes / sizeof routes[0], path, a);
	if (strchr(logged, '?') || strlen(logged) > strlen(path) + 8 * (strlen(path) + 1))
		abort();
	if (r == ROUTE_FOUND && route_param(&m, "token") && !strstr(logged, "/{token}"))
		abort();

	char *out;
	size_t len;
	if (http_percent_decode(a, (const char *)data, size, data[0] & 1, &out, &len)) {
		if (len > size || strlen(out) != len || !utf8_valid(out, len))
			abort();
	}
	free(path);
	arena_free(a);
	return 0;
}
