/* The HTTP server on libmicrohttpd: internal thread pool (one thread per CPU)
 * with epoll, limits on headers, bodies and time, JSON-lines access log,
 * security headers, and graceful shutdown on SIGTERM/SIGINT. */
#ifndef JAWNOSC_HTTP_SERVER_H
#define JAWNOSC_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "http/router.h"

struct http_server_opts {
	const route_t *routes;
	size_t nroutes;
	const char *listen;    /* "127.0.0.1:8080"; port 0 picks one */
	unsigned threads;      /* 0: one per CPU */
	size_t max_body;
	size_t max_header;
	unsigned timeout;      /* idle seconds per connection */
	unsigned max_connections;
	unsigned shutdown_grace;
	const char *access_log; /* "-", a path, or "" */
	/* Renders the error page for a status (404, 405, 413, 500, ...). */
	void (*error_page)(http_req_t *req, int status, const char *detail);
	/* Called before the handler of a route whose role is above ROLE_ANY;
	 * returns false after answering (redirect to sign-in, 403, 404). */
	bool (*authorize)(http_req_t *req, const route_t *route);
	/* Called before each routed request, before authorize (may be NULL). */
	void (*begin)(http_req_t *req);
	/* Called when a worker thread finishes with a request, to release
	 * per-request state of the layers above (may be NULL). */
	void (*release)(http_req_t *req);
};

/* Starts serving; false with `err` filled when the address cannot be bound. */
bool http_server_start(const struct http_server_opts *opts, char *err, size_t errlen);
/* The port actually bound (useful with port 0). */
unsigned http_server_port(void);
/* Requests whose request line has arrived and that are not finished yet
 * (the ones SIGTERM waits for). */
int http_server_in_flight(void);
/* Blocks until SIGTERM or SIGINT, then stops accepting, lets requests in
 * flight finish (up to the grace time) and stops. Returns true when every
 * request finished in time. The caller must have called
 * http_block_signals() before starting any thread. */
bool http_server_wait(void);
void http_block_signals(void);

#endif
