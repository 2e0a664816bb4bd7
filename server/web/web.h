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

/* Handlers (one file per audience). */
void web_home(http_req_t *req);
void web_healthz(http_req_t *req);
void web_readyz(http_req_t *req);

#endif
