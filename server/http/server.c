#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "http/internal.h"
#include "http/metrics.h"

static struct http_server_opts opts;
static struct MHD_Daemon *daemon_handle;
static atomic_int active_requests;
static int access_fd = -1;
static unsigned bound_port;

/* Marks a connection whose response is queued and whose arena is freed:
 * later calls for the same request only discard upload data. */
static char queued_marker;

static http_req_t *req_new(const char *uri)
{
	arena_t *a = arena_new(16 * 1024);
	http_req_t *req = arena_calloc(a, 1, sizeof *req);
	req->arena = a;
	req->uri = arena_strdup(a, uri ? uri : "");
	clock_gettime(CLOCK_MONOTONIC, &req->t0);
	unsigned char rnd[8];
	randombytes_buf(rnd, sizeof rnd);
	char *id = arena_alloc(a, 17);
	sodium_bin2hex(id, 17, rnd, sizeof rnd);
	req->id = id;
	sb_init(&req->body, a);
	atomic_fetch_add(&active_requests, 1);
	return req;
}

static void req_free(http_req_t *req)
{
	if (opts.release)
		opts.release(req);
	if (req->json)
		json_decref(req->json);
	arena_free(req->arena);
}

/* MHD_OPTION_URI_LOG_CALLBACK: the first thing MHD tells us of a request,
 * with the raw request target, before any unescaping. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	return req_new(uri);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	void *p = *con_cls;
	if (!p)
		return;
	if (p != &queued_marker)
		req_free(p);
	*con_cls = NULL;
	atomic_fetch_sub(&active_requests, 1);
}

/* We route on the raw path and decode each segment ourselves, so that %2F
 * stays inside a segment: tell MHD not to unescape anything. */
static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_debug("microhttpd: %s", msg);
}

const char *http_log_path(http_req_t *req)
{
	return router_redact(opts.routes, opts.nroutes, req->path ? req->path : req->uri,
	                     req->arena);
}

static void access_log(http_req_t *req)
{
	if (access_fd < 0)
		return;
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - req->t0.tv_sec) * 1e3 +
	            (double)(t1.tv_nsec - req->t0.tv_nsec) / 1e6;
	char ts[32];
	log_timestamp(ts, sizeof ts);
	strbuf_t sb;
	sb_init(&sb, req->arena);
	/* Never a tracking token, never the query (router_redact()). */
	const char *path = http_log_path(req);
	size_t plen = strlen(path);
	sb_printf(&sb, "{\"ts\":\"%s\",\"id\":\"%s\",\"ip\":\"%s\",\"method\":\"", ts, req->id,
	          req->conn ? http_client_ip(req) : "");
	sb_json_escape(&sb, req->method ? req->method : "", req->method ? strlen(req->method) : 0);
	sb_puts(&sb, "\",\"path\":\"");
	sb_json_escape(&sb, path, plen > 512 ? 512 : plen);
	sb_printf(&sb, "\",\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f}\n",
	          req->match.route ? req->match.route->name : "", req->status, req->resp_bytes, ms);
	ssize_t w = write(access_fd, sb.data, sb.len);
	(void)w; /* a full disk must not take the server down */
}

/* The response is queued: log it and free the request's memory. */
static enum MHD_Result finish(http_req_t *req, void **con_cls)
{
	if (!req->responded) {
		log_error("handler for %s %s answered nothing", req->method, http_log_path(req));
		http_respond_error(req, 500, NULL);
	}
	access_log(req);
	metrics_observe_request(req);
	req_free(req);
	*con_cls = &queued_marker;
	return MHD_YES;
}

static void split_target(http_req_t *req)
{
	const char *q = strchr(req->uri, '?');
	if (q) {
		req->path = arena_strndup(req->arena, req->uri, (size_t)(q - req->uri));
		req->query = q + 1;
	} else {
		req->path = req->uri;
		req->query = "";
	}
}

static void dispatch(http_req_t *req)
{
	char allow[128] = "";
	enum route_result rr = router_match(opts.routes, opts.nroutes, req->method, req->path,
	                                    req->arena, &req->match, allow, sizeof allow);
	switch (rr) {
	case ROUTE_FOUND:
		break;
	case ROUTE_METHOD_NOT_ALLOWED:
		http_add_header(req, "Allow", allow);
		http_respond_error(req, 405, NULL);
		return;
	case ROUTE_BAD_PATH:
		http_respond_error(req, 400, "Adres strony jest nieprawidłowy.");
		return;
	case ROUTE_NOT_FOUND:
	default:
		http_respond_error(req, 404, NULL);
		return;
	}
	const route_t *route = req->match.route;
	if (opts.begin)
		opts.begin(req);
	if (route->role > ROLE_ANY && opts.authorize && !opts.authorize(req, route))
		return;
	route->handler(req);
}

static bool too_large(const char *content_length)
{
	if (!content_length)
		return false;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(content_length, &end, 10);
	return errno == ERANGE || (end != content_length && n > opts.max_body);
}

/* RFC 9112 §6.1: "chunked" is the only transfer coding libmicrohttpd
 * decodes; with any other it neither answers nor ends the body, and the
 * connection hangs until the idle timeout. */
static bool unknown_transfer_coding(const char *te)
{
	return te && strcasecmp(te, "chunked") != 0;
}

/* The fields that frame a request's body (RFC 9112 §6), and whether every
 * field name is a token. */
struct framing {
	int content_length, transfer_encoding;
	bool bad_name;
};

static enum MHD_Result framing_field(void *cls, enum MHD_ValueKind kind, const char *name,
                                     const char *value)
{
	(void)kind;
	(void)value;
	struct framing *f = cls;
	if (strcasecmp(name, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->content_length++;
	else if (strcasecmp(name, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		f->transfer_encoding++;
	const unsigned char *p = (const unsigned char *)name;
	if (!*p)
		f->bad_name = true;
	for (; *p; p++)
		if (!http_tchar(*p))
			f->bad_name = true;
	return MHD_YES;
}

/* Why the request's framing is ambiguous, or NULL. Each of these lets a
 * proxy in front and this server disagree on where the request ends
 * (request smuggling), so the answer is 400 and the connection is closed
 * (RFC 9112 §6.1, §6.3, §5.1). */
static const char *framing_problem(struct MHD_Connection *conn, const char *version)
{
	struct framing f = {0};
	MHD_get_connection_values(conn, MHD_HEADER_KIND, framing_field, &f);
	if (f.bad_name)
		/* §5.1: no whitespace between a field name and the colon. */
		return "Nieprawidłowa nazwa pola nagłówka (np. spacja przed dwukropkiem).";
	if (f.transfer_encoding && f.content_length)
		return "Żądanie podaje jednocześnie Content-Length i Transfer-Encoding.";
	if (f.content_length > 1)
		return "Żądanie podaje więcej niż jedną długość treści (Content-Length).";
	if (f.transfer_encoding > 1)
		return "Żądanie podaje więcej niż jedno pole Transfer-Encoding.";
	if (f.transfer_encoding && version && strcmp(version, MHD_HTTP_VERSION_1_0) == 0)
		return "Transfer-Encoding nie istnieje w HTTP/1.0.";
	/* §6.3: when chunked is not the final coding the body's length cannot
	 * be known; libmicrohttpd decodes chunked only, and with any other
	 * coding neither answers nor ends the body. */
	if (unknown_transfer_coding(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                                        MHD_HTTP_HEADER_TRANSFER_ENCODING)))
		return "Nieobsługiwane kodowanie przesyłania treści (Transfer-Encoding).";
	return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **con_cls)
{
	(void)cls;
	if (*con_cls == &queued_marker) {
		*upload_data_size = 0; /* the rest of a refused body */
		return MHD_YES;
	}
	http_req_t *req = *con_cls;
	if (!req)
		*con_cls = req = req_new(url);
	if (!req->started) {
		req->started = true;
		req->conn = conn;
		req->method = arena_strdup(req->arena, method);
		split_target(req);
		/* Where this request ends is unclear, so where the next one
		 * starts is too: answer, then close the connection. */
		const char *bad = framing_problem(conn, version);
		if (bad) {
			http_add_header(req, MHD_HTTP_HEADER_CONNECTION, "close");
			http_respond_error(req, 400, bad);
			return finish(req, con_cls);
		}
		/* The body limit applies before routing, to every path. */
		if (too_large(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		                                          MHD_HTTP_HEADER_CONTENT_LENGTH))) {
			http_respond_error(req, 413, NULL);
			return finish(req, con_cls);
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		size_t n = *upload_data_size;
		*upload_data_size = 0;
		if (req->body_too_large || req->body.len + n > opts.max_body) {
			/* A body without Content-Length (chunked) that outgrows the
			 * limit: libmicrohttpd lets us answer only once the request
			 * is complete, so the rest is read and dropped; a client
			 * that sends more than twice the limit is cut off. */
			req->body_too_large = true;
			req->discarded += n;
			return req->discarded > 2 * opts.max_body ? MHD_NO : MHD_YES;
		}
		sb_append(&req->body, upload_data, n);
		return MHD_YES;
	}
	if (req->body_too_large)
		http_respond_error(req, 413, NULL);
	else
		dispatch(req);
	return finish(req, con_cls);
}

/* "host:port" or "[v6]:port". */
static bool parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *sl)
{
	char host[128];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host)
		return false;
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || end == colon + 1 || port < 0 || port > 65535)
		return false;
	memset(ss, 0, sizeof *ss);
	if (host[0] == '[') {
		size_t hl = strlen(host);
		if (hl < 3 || host[hl - 1] != ']')
			return false;
		host[hl - 1] = '\0';
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*sl = sizeof *s6;
		return inet_pton(AF_INET6, host + 1, &s6->sin6_addr) == 1;
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	*sl = sizeof *s4;
	if (strcmp(host, "localhost") == 0)
		strcpy(host, "127.0.0.1");
	return inet_pton(AF_INET, host, &s4->sin_addr) == 1;
}

static bool open_access_log(char *err, size_t errlen)
{
	if (!opts.access_log || !opts.access_log[0])
		return true;
	if (strcmp(opts.access_log, "-") == 0) {
		access_fd = STDOUT_FILENO;
		return true;
	}
	access_fd = open(opts.access_log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (access_fd < 0) {
		snprintf(err, errlen, "cannot open access log %s: %s", opts.access_log,
		         strerror(errno));
		return false;
	}
	return true;
}

bool http_server_start(const struct http_server_opts *o, char *err, size_t errlen)
{
	opts = *o;
	http_error_page_hook = opts.error_page;
	struct sockaddr_storage ss;
	socklen_t sl;
	if (!parse_listen(opts.listen, &ss, &sl)) {
		snprintf(err, errlen, "JAWNOSC_LISTEN=\"%s\" is not host:port", opts.listen);
		return false;
	}
	if (!open_access_log(err, errlen))
		return false;
	unsigned threads = opts.threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 ? (unsigned)n : 1;
	}
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	daemon_handle = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)opts.max_header,
	    MHD_OPTION_CONNECTION_TIMEOUT, opts.timeout,
	    MHD_OPTION_CONNECTION_LIMIT, opts.max_connections,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
	    /* libmicrohttpd 0.9.75 then answers 400 to an HTTP/1.1 request
	     * without Host and to spaces inside the request target. It keeps
	     * whitespace before a header's colon as part of the name (RFC
	     * 9112 §5.1 asks for a 400): framing_problem() refuses that. */
	    MHD_OPTION_STRICT_FOR_CLIENT, 1,
	    MHD_OPTION_END);
	if (!daemon_handle) {
		snprintf(err, errlen, "cannot listen on %s (address in use or not available)",
		         opts.listen);
		return false;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon_handle, MHD_DAEMON_INFO_BIND_PORT);
	bound_port = info ? info->port : 0;
	return true;
}

unsigned http_server_port(void)
{
	return bound_port;
}

int http_server_in_flight(void)
{
	return atomic_load(&active_requests);
}

void http_block_signals(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool http_server_wait(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("signal %d: no new connections, finishing requests in flight", sig);
	/* The listening socket is closed only after MHD_stop_daemon(): the
	 * pool's threads take it out of their epoll sets on their own time,
	 * and a socket closed before that makes MHD abort ("Failed to remove
	 * listen FD from epoll set"). */
	MHD_socket fd = MHD_quiesce_daemon(daemon_handle);
	/* ... but it stops listening now: new clients are refused at once. */
	if (fd != MHD_INVALID_SOCKET)
		shutdown(fd, SHUT_RDWR);
	bool clean = true;
	struct timespec step = {0, 20 * 1000 * 1000};
	for (unsigned waited = 0; atomic_load(&active_requests) > 0; waited += 20) {
		if (waited >= opts.shutdown_grace * 1000u) {
			log_warn("%d requests still running after %u s: stopping anyway",
			         atomic_load(&active_requests), opts.shutdown_grace);
			clean = false;
			break;
		}
		nanosleep(&step, NULL);
	}
	MHD_stop_daemon(daemon_handle);
	daemon_handle = NULL;
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	if (access_fd > STDOUT_FILENO)
		close(access_fd);
	access_fd = -1;
	log_info("stopped");
	return clean;
}
