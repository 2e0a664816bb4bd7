/* SPDX-License-Identifier: EUPL-1.2 */
/* The HTTP server on libmicrohttpd: internal thread pool (one thread per CPU)
 * with epoll, limits on headers, bodies and time, JSON-lines access log,
 * security headers, and graceful shutdown on SIGTERM/SIGINT.
 *
 * What one client can hold, and where it is refused:
 * - connections: at most max_connections in all and max_per_ip from one
 *   IPv4 address or IPv6 /64 (trusted_proxy addresses exempt); one more is
 *   closed as soon as it is accepted;
 * - time: a connection's request line and headers must be complete within
 *   header_timeout seconds of its opening (or of the end of its previous
 *   request), however often it sends; it is closed otherwise (not one from
 *   trusted_proxy, which forwards whole heads). `timeout` bounds idleness at
 *   any stage;
 * - bodies: the route is matched as soon as the headers arrive, and a body
 *   larger than the route's limit (below) is answered 413 with
 *   "Connection: close" before it is read; an unknown path (404), a method
 *   the path does not take (405) or a bad path (400) is answered then too.
 *   A body being received is held in memory counted against body_memory,
 *   for all requests together: the whole declared length is reserved when
 *   the headers arrive (a chunked body as it grows), and a body that does
 *   not fit gets 503 with Retry-After. The memory is released when the
 *   response is queued or the connection ends (abort, timeout). */
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
	size_t max_body;       /* ROUTE_BODY_UPLOAD routes; the others' limits are below */
	size_t body_memory;    /* bytes of bodies held at once, all requests */
	size_t max_header;
	unsigned timeout;      /* idle seconds per connection */
	unsigned max_connections;
	unsigned max_per_ip;     /* 0: no limit */
	unsigned header_timeout; /* seconds for a whole request head */
	const char *trusted_proxy; /* exempt from max_per_ip (http/proxy.h's list) */
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

/* Body limits of the route kinds (enum route_body), each at most max_body:
 * short forms; forms with a long text (a letter of 200 000 bytes takes up
 * to three times that url-encoded); the JSON API. */
#define HTTP_FORM_BODY_MAX (64 * 1024)
#define HTTP_TEXT_BODY_MAX (1024 * 1024)
#define HTTP_JSON_BODY_MAX (256 * 1024)
/* A JSON body with files in base64 (ROUTE_BODY_JSON_UPLOAD): max_body's
 * bytes as base64 (4 characters for 3 bytes) and HTTP_JSON_BODY_MAX for
 * the rest; the only limit that may pass max_body. */
#define HTTP_JSON_UPLOAD_MAX(max_body) ((max_body) / 3 * 4 + 4 + HTTP_JSON_BODY_MAX)
/* A ROUTE_BODY_UPLOAD_FORM body over its limit is still read, scanned and
 * dropped up to this many times the limit (declared larger: 413 unread),
 * and its text fields are kept up to HTTP_TEXT_BODY_MAX. */
#define HTTP_UPLOAD_READ_FACTOR 4
/* Seconds a client is told to wait (Retry-After) when bodies fill memory. */
#define HTTP_BODY_RETRY_AFTER 10

/* The limit for a body on `route` (NULL: none matched), with `max_body`. */
size_t http_body_limit(const route_t *route, size_t max_body);

/* Why connections were closed as soon as they were accepted, or later. */
enum http_refusal {
	HTTP_REFUSED_PER_IP,       /* max_per_ip from that address */
	HTTP_REFUSED_TOTAL,        /* max_connections */
	HTTP_REFUSED_HEAD_TIMEOUT, /* head not complete within header_timeout */
	HTTP_REFUSED_N
};
const char *http_refusal_name(enum http_refusal r); /* "per_ip", "total", "head_timeout" */

/* What the server counted since it started (for /metrics). */
struct http_server_counts {
	unsigned long long refused[HTTP_REFUSED_N];
	unsigned long long bodies_refused; /* 503: body_memory was full */
	unsigned long long uploads_over;   /* forms over their limit given back (scanned) */
	size_t body_memory;                /* bytes held by bodies now */
	unsigned connections;              /* open now */
};
void http_server_counts(struct http_server_counts *out);

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
