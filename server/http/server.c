/* SPDX-License-Identifier: EUPL-1.2 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
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
#include <time.h>
#include <unistd.h>

#include "core/cache.h"
#include "core/log.h"
#include "http/internal.h"
#include "http/metrics.h"
#include "http/proxy.h"
#include "http/upload_scan.h"

static struct http_server_opts opts;
static struct MHD_Daemon *daemon_handle;
static atomic_int active_requests;
static int access_fd = -1;
static unsigned bound_port;

/* Marks a connection whose response is queued and whose arena is freed:
 * later calls for the same request only discard upload data. */
static char queued_marker;

/* ---- Request bodies ------------------------------------------------------ */

static atomic_size_t body_memory;    /* bytes of bodies held, all requests */
static atomic_ullong bodies_refused; /* 503s for want of body_memory */
static atomic_ullong uploads_over;   /* forms over their limit read and given back */
/* The most body_memory held since the heap was last trimmed after bodies. */
static atomic_size_t body_high;
static atomic_llong body_trimmed_at; /* CLOCK_MONOTONIC seconds */

/* Past this much held at once, the heap is trimmed when the last body goes. */
#define BODY_TRIM_AFTER (8u * 1024 * 1024)

size_t http_body_limit(const route_t *route, size_t max_body)
{
	size_t lim;
	switch (route ? route->body : ROUTE_BODY_NONE) {
	case ROUTE_BODY_FORM: lim = HTTP_FORM_BODY_MAX; break;
	case ROUTE_BODY_TEXT: lim = HTTP_TEXT_BODY_MAX; break;
	case ROUTE_BODY_JSON: lim = HTTP_JSON_BODY_MAX; break;
	case ROUTE_BODY_UPLOAD:
	case ROUTE_BODY_UPLOAD_FORM: lim = max_body; break;
	case ROUTE_BODY_JSON_UPLOAD: return HTTP_JSON_UPLOAD_MAX(max_body);
	default: return 0;
	}
	return lim < max_body ? lim : max_body;
}

/* Takes n bytes of opts.body_memory; false when they do not fit. */
static bool budget_take(size_t n)
{
	size_t used = atomic_load(&body_memory);
	do {
		if (n > opts.body_memory || used > opts.body_memory - n)
			return false;
	} while (!atomic_compare_exchange_weak(&body_memory, &used, used + n));
	size_t high = atomic_load(&body_high);
	while (used + n > high && !atomic_compare_exchange_weak(&body_high, &high, used + n))
		;
	return true;
}

/* Room for `need` bytes and a NUL, counted before it is taken: exactly that
 * for a declared length, else doubling up to the route's limit. From malloc,
 * not the arena, whose doubling buffers leave every earlier copy behind;
 * glibc maps large blocks (http_server_start()), so a block grows with
 * mremap, without a copy, and goes back to the system when freed. */
static bool body_room(http_req_t *req, size_t need, bool exact)
{
	http_body_t *b = &req->body;
	if (need < b->cap)
		return true;
	size_t cap = need + 1;
	if (!exact) {
		cap = b->cap ? b->cap : 16 * 1024;
		while (cap < need + 1)
			cap *= 2;
		if (cap > req->body_limit + 1)
			cap = req->body_limit + 1;
	}
	if (!budget_take(cap - b->cap)) {
		atomic_fetch_add(&bodies_refused, 1);
		return false;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return true;
}

/* After a burst of bodies (BODY_TRIM_AFTER held at once), once the last
 * one goes, the heap gives back what they left in it: the small ones
 * (under the mapping bound) and the connections' buffers come from the
 * heap, which otherwise keeps them until the minute's cache_trim(), so
 * the next burst would start from the last one's high mark. At most
 * every 2 seconds: the trim walks every arena holding its lock. */
static void body_trim_after_burst(void)
{
	if (atomic_load(&body_high) < BODY_TRIM_AFTER)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	long long last = atomic_load(&body_trimmed_at);
	if (ts.tv_sec - last < 2 ||
	    !atomic_compare_exchange_strong(&body_trimmed_at, &last, (long long)ts.tv_sec))
		return;
	atomic_store(&body_high, 0);
	cache_trim();
}

static void body_release(http_body_t *b)
{
	free(b->data);
	size_t cap = b->cap;
	*b = (http_body_t){0};
	if (cap && atomic_fetch_sub(&body_memory, cap) == cap)
		body_trim_after_burst();
}

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
	atomic_fetch_add(&active_requests, 1);
	return req;
}

static void req_free(http_req_t *req)
{
	if (opts.release)
		opts.release(req);
	if (req->json)
		json_decref(req->json);
	body_release(&req->body);
	body_release(&req->scan_body);
	arena_free(req->arena);
}

/* ---- Connections ---------------------------------------------------------- */

/* An open connection, or one the accept policy has just let in. */
struct conn {
	struct conn *prev, *next;
	unsigned char key[17]; /* what max_per_ip counts by: 4 or 6, then the address */
	bool exempt;           /* a trusted proxy: neither max_per_ip nor the head deadline */
	int fd;                /* -1 until libmicrohttpd has set the connection up */
	bool in_head;          /* waiting for a request line and headers ... */
	struct timespec head_since; /* ... since then */
	bool cut;              /* closed for its head's deadline */
};

static pthread_mutex_t conns_mu = PTHREAD_MUTEX_INITIALIZER;
static struct conn *conns;
static unsigned nconns;
/* The connection this thread's accept policy let in last, until
 * libmicrohttpd says it started: both happen on the thread that accepted
 * it, one after the other. Still set at the next accept, it never started
 * (libmicrohttpd gave up on it) and is dropped. */
static _Thread_local struct conn *pending;
static atomic_ullong refused[HTTP_REFUSED_N];

static const char *const refusal_names[HTTP_REFUSED_N] = {"per_ip", "total", "head_timeout"};

const char *http_refusal_name(enum http_refusal r)
{
	return r < HTTP_REFUSED_N ? refusal_names[r] : "";
}

/* One IPv4 address, or one IPv6 /64: a subscriber's network, which holds
 * more addresses than anyone could count. */
static void addr_key(const struct sockaddr *sa, unsigned char key[17])
{
	memset(key, 0, 17);
	if (sa->sa_family == AF_INET) {
		key[0] = 4;
		memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			key[0] = 4;
			memcpy(key + 1, a6->s6_addr + 12, 4);
		} else {
			key[0] = 6;
			memcpy(key + 1, a6->s6_addr, 8);
		}
	}
}

static const char *addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a = sa->sa_family == AF_INET6
	                    ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
	                    : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;
	if ((sa->sa_family != AF_INET && sa->sa_family != AF_INET6) ||
	    !inet_ntop(sa->sa_family, a, buf, (socklen_t)len))
		snprintf(buf, len, "?");
	return buf;
}

static void conn_unlink(struct conn *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	nconns--;
	free(c);
}

/* Counts `n` refusals; a warning at most every 10 s for each reason, so
 * that an attack does not flood the log. */
static void refusal(enum http_refusal why, unsigned n, const char *ip)
{
	static atomic_llong logged[HTTP_REFUSED_N];
	unsigned long long total = atomic_fetch_add(&refused[why], n) + n;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long last = atomic_load(&logged[why]);
	if ((last && now.tv_sec - last < 10) ||
	    !atomic_compare_exchange_strong(&logged[why], &last, (long long)now.tv_sec))
		return;
	switch (why) {
	case HTTP_REFUSED_PER_IP:
		log_warn("closed a connection from %s: %u open from that address "
		         "(JAWNOSC_MAX_CONNECTIONS_PER_IP); %llu so far",
		         ip, opts.max_per_ip, total);
		break;
	case HTTP_REFUSED_TOTAL:
		log_warn("closed a connection from %s: %u open (JAWNOSC_MAX_CONNECTIONS); %llu so far",
		         ip, opts.max_connections, total);
		break;
	default:
		log_warn("closed %u connection(s) whose request head took over %u s "
		         "(JAWNOSC_HEADER_TIMEOUT); %llu so far",
		         n, opts.header_timeout, total);
		break;
	}
}

/* MHD's accept policy: the connection limits, counted here (not with
 * MHD_OPTION_PER_IP_CONNECTION_LIMIT) so that trusted proxies are exempt
 * and each refusal is counted. */
static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)cls;
	(void)addrlen;
	char ip[INET6_ADDRSTRLEN];
	struct conn *c = xcalloc(1, sizeof *c);
	addr_key(addr, c->key);
	c->exempt = opts.trusted_proxy && *opts.trusted_proxy &&
	            proxy_addr_in_list(addr_text(addr, ip, sizeof ip), opts.trusted_proxy);
	c->fd = -1;
	enum http_refusal why = HTTP_REFUSED_N;
	pthread_mutex_lock(&conns_mu);
	if (pending)
		conn_unlink(pending);
	pending = NULL;
	unsigned same = 0;
	if (!c->exempt && opts.max_per_ip)
		for (const struct conn *o = conns; o && same < opts.max_per_ip; o = o->next)
			same += memcmp(o->key, c->key, sizeof c->key) == 0;
	if (nconns >= opts.max_connections) {
		why = HTTP_REFUSED_TOTAL;
	} else if (!c->exempt && opts.max_per_ip && same >= opts.max_per_ip) {
		why = HTTP_REFUSED_PER_IP;
	} else {
		c->next = conns;
		if (conns)
			conns->prev = c;
		conns = c;
		nconns++;
		pending = c;
	}
	pthread_mutex_unlock(&conns_mu);
	if (why == HTTP_REFUSED_N)
		return MHD_YES;
	free(c);
	refusal(why, 1, addr_text(addr, ip, sizeof ip));
	return MHD_NO;
}

static void on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *fd =
		    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_CONNECTION_FD);
		pthread_mutex_lock(&conns_mu);
		struct conn *c = pending;
		pending = NULL;
		if (c) {
			c->fd = fd ? fd->connect_fd : -1;
			c->in_head = true;
			clock_gettime(CLOCK_MONOTONIC, &c->head_since);
		}
		*socket_context = c;
		pthread_mutex_unlock(&conns_mu);
		if (!c)
			log_warn("a connection started that the accept policy did not see");
		return;
	}
	/* Closed: libmicrohttpd closes the descriptor after this, so the sweep
	 * (under the same lock) never touches a number reused since. */
	pthread_mutex_lock(&conns_mu);
	if (*socket_context)
		conn_unlink(*socket_context);
	*socket_context = NULL;
	pthread_mutex_unlock(&conns_mu);
}

/* A request's head is complete (in_head false), or the connection waits
 * for the next one's from now (true). */
static void conn_in_head(struct MHD_Connection *mc, bool in_head)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct conn *c = ci ? ci->socket_context : NULL;
	if (!c)
		return;
	pthread_mutex_lock(&conns_mu);
	c->in_head = in_head;
	if (in_head)
		clock_gettime(CLOCK_MONOTONIC, &c->head_since);
	pthread_mutex_unlock(&conns_mu);
}

/* Closes the connections whose head is late. libmicrohttpd's own timeout
 * counts idleness only, so one byte every few seconds would hold a
 * connection for ever. shutdown() both ways: the client reads end of file,
 * and libmicrohttpd, woken by it, closes the connection on its own thread. */
static void sweep(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	unsigned cut = 0;
	pthread_mutex_lock(&conns_mu);
	for (struct conn *c = conns; c; c = c->next) {
		/* A trusted proxy forwards whole heads only (nginx's own
		 * client_header_timeout bounds its clients), and its idle
		 * kept-alive connections are its pool, not an attack. */
		if (c->fd < 0 || !c->in_head || c->cut || c->exempt)
			continue;
		long long ms = (long long)(now.tv_sec - c->head_since.tv_sec) * 1000 +
		               (now.tv_nsec - c->head_since.tv_nsec) / 1000000;
		if (ms < (long long)opts.header_timeout * 1000)
			continue;
		shutdown(c->fd, SHUT_RDWR);
		c->cut = true;
		cut++;
	}
	pthread_mutex_unlock(&conns_mu);
	if (cut)
		refusal(HTTP_REFUSED_HEAD_TIMEOUT, cut, NULL);
}

/* The sweep's thread: it lives and dies with the daemon, so it is not a row
 * of the job runner (core/jobs.h), which serves the layers above. */
#define SWEEP_MS 250
static pthread_t sweeper;
static bool sweeper_started, sweeper_stop;
static pthread_mutex_t sweeper_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sweeper_cv;

static void *sweeper_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&sweeper_mu);
	while (!sweeper_stop) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		t.tv_nsec += SWEEP_MS * 1000000L;
		if (t.tv_nsec >= 1000000000L) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&sweeper_cv, &sweeper_mu, &t);
		if (sweeper_stop)
			break;
		pthread_mutex_unlock(&sweeper_mu);
		sweep();
		pthread_mutex_lock(&sweeper_mu);
	}
	pthread_mutex_unlock(&sweeper_mu);
	return NULL;
}

static bool sweeper_start(void)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sweeper_cv, &ca);
	pthread_condattr_destroy(&ca);
	sweeper_stop = false;
	sweeper_started = pthread_create(&sweeper, NULL, sweeper_main, NULL) == 0;
	return sweeper_started;
}

static void sweeper_end(void)
{
	if (!sweeper_started)
		return;
	pthread_mutex_lock(&sweeper_mu);
	sweeper_stop = true;
	pthread_cond_signal(&sweeper_cv);
	pthread_mutex_unlock(&sweeper_mu);
	pthread_join(sweeper, NULL);
	pthread_cond_destroy(&sweeper_cv);
	sweeper_started = false;
}

void http_server_counts(struct http_server_counts *out)
{
	memset(out, 0, sizeof *out);
	for (int i = 0; i < HTTP_REFUSED_N; i++)
		out->refused[i] = atomic_load(&refused[i]);
	out->bodies_refused = atomic_load(&bodies_refused);
	out->uploads_over = atomic_load(&uploads_over);
	out->body_memory = atomic_load(&body_memory);
	pthread_mutex_lock(&conns_mu);
	out->connections = nconns;
	pthread_mutex_unlock(&conns_mu);
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
	(void)toe;
	/* The next request's head has until the deadline from now on (if the
	 * connection stays open). */
	conn_in_head(conn, true);
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

/* The matched route's request, body read: the handler answers. */
static void dispatch(http_req_t *req)
{
	const route_t *route = req->match.route;
	if (opts.begin)
		opts.begin(req);
	if (route->role > ROLE_ANY && opts.authorize && !opts.authorize(req, route))
		return;
	route->handler(req);
}

/* "64 KB", "8 MB": a limit for a message. */
static const char *size_text(arena_t *a, size_t n)
{
	if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
		return arena_printf(a, "%zu MB", n / (1024 * 1024));
	if (n >= 1024 && n % 1024 == 0)
		return arena_printf(a, "%zu KB", n / 1024);
	return arena_printf(a, "%zu B", n);
}

static void respond_too_large(http_req_t *req)
{
	if (!req->body_limit)
		http_respond_error(req, 413, "Ten adres nie przyjmuje treści żądania.");
	else
		http_respond_error(req, 413,
		                   arena_printf(req->arena,
		                                "Treść żądania jest za duża: ten adres przyjmuje najwyżej %s.",
		                                size_text(req->arena, req->body_limit)));
}

static void respond_memory_full(http_req_t *req)
{
	http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", HTTP_BODY_RETRY_AFTER));
	http_respond_error(req, 503,
	                   "Serwer odbiera teraz zbyt wiele danych naraz. Spróbuj ponownie za kilka sekund.");
}

/* The body the request declares: its Content-Length, or chunked (the
 * framing is already known to be one or the other: framing_problem()). */
static bool declared_body(struct MHD_Connection *conn, unsigned long long *len)
{
	const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_CONTENT_LENGTH);
	bool chunked = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
	                                           MHD_HTTP_HEADER_TRANSFER_ENCODING) != NULL;
	*len = 0;
	if (cl) {
		char *end;
		errno = 0;
		*len = strtoull(cl, &end, 10);
		if (errno == ERANGE)
			*len = ULLONG_MAX;
	}
	return chunked || *len > 0;
}

/* A ROUTE_BODY_UPLOAD_FORM body over the limit: scanned as it arrives, its
 * text fields kept in a buffer of HTTP_TEXT_BODY_MAX (counted like a
 * body), so that the form can be given back (http/upload_scan.h). False
 * when it cannot be: another route, a body more than
 * HTTP_UPLOAD_READ_FACTOR times the limit, not multipart/form-data, or no
 * memory for the buffer (*memory_full). */
static bool scan_instead(http_req_t *req, unsigned long long len, bool *memory_full)
{
	*memory_full = false;
	if (req->match.route->body != ROUTE_BODY_UPLOAD_FORM || req->scan ||
	    len > (unsigned long long)req->body_limit * HTTP_UPLOAD_READ_FACTOR)
		return false;
	struct upload_scan *s = arena_alloc(req->arena, sizeof *s);
	size_t cap = HTTP_TEXT_BODY_MAX + 1;
	const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND,
	                                             MHD_HTTP_HEADER_CONTENT_TYPE);
	char probe[256];
	if (!upload_scan_init(s, req->arena, ct ? ct : "", probe, sizeof probe))
		return false;
	if (!budget_take(cap)) {
		atomic_fetch_add(&bodies_refused, 1);
		*memory_full = true;
		return false;
	}
	req->scan_body = (http_body_t){xrealloc(NULL, cap), 0, cap};
	upload_scan_init(s, req->arena, ct, req->scan_body.data, cap);
	req->scan = s;
	return true;
}

/* The headers are in: route the request and decide on its body before a
 * byte of it is read. What is refused here is answered at once, with
 * "Connection: close" when a body follows (it is not read, so the next
 * request's start is unknown). */
static enum MHD_Result admit(http_req_t *req, void **con_cls)
{
	unsigned long long len;
	bool body = declared_body(req->conn, &len);
	char allow[128] = "";
	enum route_result rr = router_match(opts.routes, opts.nroutes, req->method, req->path,
	                                    req->arena, &req->match, allow, sizeof allow);
	if (rr == ROUTE_FOUND)
		req->body_limit = http_body_limit(req->match.route, opts.max_body);
	bool too_large = body && (len > req->body_limit || !req->body_limit);
	bool memory_full = false;
	if (rr == ROUTE_FOUND && too_large && req->body_limit && scan_instead(req, len, &memory_full))
		too_large = false;
	else if (memory_full)
		too_large = false;
	else
		memory_full = rr == ROUTE_FOUND && !too_large && len && !body_room(req, (size_t)len, true);
	if (body && (rr != ROUTE_FOUND || too_large || memory_full))
		http_add_header(req, MHD_HTTP_HEADER_CONNECTION, "close");
	switch (rr) {
	case ROUTE_FOUND:
		break;
	case ROUTE_METHOD_NOT_ALLOWED:
		http_add_header(req, "Allow", allow);
		http_respond_error(req, 405, NULL);
		return finish(req, con_cls);
	case ROUTE_BAD_PATH:
		http_respond_error(req, 400, "Adres strony jest nieprawidłowy.");
		return finish(req, con_cls);
	case ROUTE_NOT_FOUND:
	default:
		http_respond_error(req, 404, NULL);
		return finish(req, con_cls);
	}
	if (too_large)
		respond_too_large(req);
	else if (memory_full)
		respond_memory_full(req);
	else
		return MHD_YES;
	return finish(req, con_cls);
}

/* A piece of the body. A chunked one (no declared length) that outgrows
 * the route's limit or finds memory full is refused while it arrives:
 * libmicrohttpd lets us answer only once the request is complete, so the
 * rest is read and dropped, and a client that sends more than twice the
 * largest limit is cut off. */
static enum MHD_Result body_piece(http_req_t *req, const char *data, size_t *size)
{
	size_t n = *size;
	*size = 0;
	if (req->scan) {
		upload_scan_feed(req->scan, data, n);
		return req->scan->seen > req->body_limit * HTTP_UPLOAD_READ_FACTOR ? MHD_NO : MHD_YES;
	}
	bool memory_full;
	if (!req->body_refused && n > req->body_limit - req->body.len &&
	    scan_instead(req, 0, &memory_full)) {
		/* A chunked form outgrew its limit: scan what came so far. */
		upload_scan_feed(req->scan, req->body.data ? req->body.data : "", req->body.len);
		body_release(&req->body);
		upload_scan_feed(req->scan, data, n);
		return MHD_YES;
	}
	if (!req->body_refused) {
		if (n > req->body_limit - req->body.len)
			req->body_refused = 413;
		else if (!body_room(req, req->body.len + n, false))
			req->body_refused = 503;
		if (req->body_refused)
			body_release(&req->body);
	}
	if (req->body_refused) {
		req->discarded += n;
		return req->discarded > 2 * opts.max_body ? MHD_NO : MHD_YES;
	}
	memcpy(req->body.data + req->body.len, data, n);
	req->body.len += n;
	req->body.data[req->body.len] = '\0';
	return MHD_YES;
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
		conn_in_head(conn, false);
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
		return admit(req, con_cls);
	}
	if (*upload_data_size)
		return body_piece(req, upload_data, upload_data_size);
	if (req->scan && !req->scan_done) {
		/* The scanned form's text fields become its body. */
		req->scan_body.len = upload_scan_finish(req->scan);
		body_release(&req->body);
		req->body = req->scan_body;
		req->scan_body = (http_body_t){0};
		req->scan_done = true;
		atomic_fetch_add(&uploads_over, 1);
	}
	if (req->body_refused == 413)
		respond_too_large(req);
	else if (req->body_refused)
		respond_memory_full(req);
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
	/* glibc maps blocks from 128 KB up, and by default raises that bound to
	 * the largest block freed so far: after one 8 MB upload, bodies would
	 * come from the heap, which keeps what was freed. A fixed bound keeps
	 * bodies mapped: grown with mremap, given back when freed. */
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	/* What a request frees (its arena, the copy of its response: a
	 * dashboard is 90 kB) stays in the heap for the next one, up to 8 MB:
	 * given back at each free, it was faulted in again at every request,
	 * a third of a dashboard's CPU (issue 22). The job memory-trim gives
	 * back what stays unused (core/cache.h, cache_trim()). */
	mallopt(M_TRIM_THRESHOLD, 8 * 1024 * 1024);
	if (opts.body_memory < opts.max_body)
		log_warn("JAWNOSC_BODY_MEMORY (%zu bytes) is below JAWNOSC_MAX_BODY (%zu): "
		         "larger uploads will always get 503",
		         opts.body_memory, opts.max_body);
	/* on_accept() enforces max_connections; libmicrohttpd splits its own
	 * limit between the pool's threads, so it gets room to spare. */
	unsigned mhd_limit = opts.max_connections > UINT_MAX / threads - 1
	                         ? UINT_MAX - 1
	                         : opts.max_connections * threads + threads;
	daemon_handle = MHD_start_daemon(
	    flags, 0, on_accept, NULL, on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, threads,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)opts.max_header,
	    MHD_OPTION_CONNECTION_TIMEOUT, opts.timeout,
	    MHD_OPTION_CONNECTION_LIMIT, mhd_limit,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
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
	if (!sweeper_start()) {
		MHD_stop_daemon(daemon_handle);
		daemon_handle = NULL;
		snprintf(err, errlen, "cannot start the thread that enforces JAWNOSC_HEADER_TIMEOUT");
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
	sweeper_end();
	/* Only accepts libmicrohttpd gave up on can be left. */
	pthread_mutex_lock(&conns_mu);
	while (conns)
		conn_unlink(conns);
	pthread_mutex_unlock(&conns_mu);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	if (access_fd > STDOUT_FILENO)
		close(access_fd);
	access_fd = -1;
	log_info("stopped");
	return clean;
}
