/* The web layer: route table, page rendering and the handlers of each
 * audience. A handler parses input, calls one service, renders. No SQL. */
#ifndef JAWNOSC_WEB_WEB_H
#define JAWNOSC_WEB_WEB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "db/migrate.h"
#include "http/http.h"
#include "http/router.h"

struct web_config {
	const char *templates_dir;
	const struct migration_set *migrations; /* what /readyz compares against */
};

/* Compiles the page templates and loads static files; a template syntax
 * error names file and line. */
bool web_init(const struct web_config *wc, char *err, size_t errlen);
void web_shutdown(void);
/* The migrations loaded at start-up, for /readyz. */
const struct migration_set *web_migrations(void);

extern const route_t web_routes[];
extern const size_t web_nroutes;

/* Renders templates/pages/<page>.html inside the layout and answers.
 * Steals `ctx`. Adds the common keys (site name, stylesheet URL). */
void web_render(http_req_t *req, int status, const char *page, json_t *ctx);
/* The error page hook for the HTTP server. */
void web_error_page(http_req_t *req, int status, const char *detail);

/* ---- Shared by the handlers (common.c) ---- */
struct org;
/* The organisation for this request's Host. False after answering (503 when
 * the database is unreachable or no organisation exists). */
bool web_org(http_req_t *req, struct org *out);
/* Base URL for links that leave the site (e-mail): JAWNOSC_BASE_URL, else
 * derived from the listen address. Never from the Host header. */
const char *web_base_url(void);
/* CSRF for forms without a session: a random cookie and, in the form, its
 * HMAC. web_csrf_token() sets the cookie when missing and returns the
 * field's value; web_csrf_ok() checks a posted form. */
const char *web_csrf_token(http_req_t *req);
bool web_csrf_ok(http_req_t *req, const char *posted);
/* A fresh random id (hex) for a form's one-time submission id. */
const char *web_random_id(http_req_t *req);

/* Handlers (one file per audience). */
void web_home(http_req_t *req);
void web_healthz(http_req_t *req);
void web_readyz(http_req_t *req);
void web_request_form(http_req_t *req);
void web_request_submit(http_req_t *req);
void web_case_show(http_req_t *req);
void web_case_confirmation(http_req_t *req);
void web_case_act(http_req_t *req);
void web_case_document(http_req_t *req);
void api_requests_create(http_req_t *req);
void api_request_show(http_req_t *req);
void api_request_act(http_req_t *req);
void api_openapi(http_req_t *req);

#endif
