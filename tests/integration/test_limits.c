/* SPDX-License-Identifier: EUPL-1.2 */
/* What one client can hold of the server (http/server.h): a body larger
 * than its route takes, memory for bodies, connections from one address,
 * and time for a request's head. Raw sockets on loopback against the real
 * server, started with small limits. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "integration/harness.h"

#define PER_IP 8
#define UPLOAD (600 * 1000) /* two of them do not fit in JAWNOSC_BODY_MEMORY */

static const char *const server_env[] = {
    "JAWNOSC_BODY_MEMORY=1M", "JAWNOSC_MAX_CONNECTIONS_PER_IP=8", "JAWNOSC_HEADER_TIMEOUT=2",
    NULL};

static int setup(void **state)
{
	(void)state;
	h_server_start(server_env);
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int conn_open(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)h_port())};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

static void send_str(int fd, const char *s)
{
	assert_int_equal(send(fd, s, strlen(s), MSG_NOSIGNAL), (ssize_t)strlen(s));
}

/* Reads until the server closes (true) or `timeout_ms` passes (false). */
static bool read_to_eof(int fd, char *out, size_t outlen, int timeout_ms)
{
	size_t n = 0;
	double end = now_s() + timeout_ms / 1000.0;
	out[0] = '\0';
	for (;;) {
		int left = (int)((end - now_s()) * 1000);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return false;
		char scratch[4096];
		char *dst = n < outlen - 1 ? out + n : scratch;
		size_t room = n < outlen - 1 ? outlen - 1 - n : sizeof scratch;
		ssize_t r = recv(fd, dst, room, 0);
		if (r == 0 || (r < 0 && errno == ECONNRESET))
			return true;
		if (r < 0)
			return false;
		if (dst != scratch) {
			n += (size_t)r;
			out[n] = '\0';
		}
	}
}

/* Reads until `needle` has arrived (a response head that leaves the
 * connection open). */
static bool read_until(int fd, const char *needle, char *out, size_t outlen, int timeout_ms)
{
	size_t n = 0;
	double end = now_s() + timeout_ms / 1000.0;
	out[0] = '\0';
	while (!strstr(out, needle) && n < outlen - 1) {
		int left = (int)((end - now_s()) * 1000);
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&pfd, 1, left) <= 0)
			return false;
		ssize_t r = recv(fd, out + n, outlen - 1 - n, 0);
		if (r <= 0)
			return false;
		n += (size_t)r;
		out[n] = '\0';
	}
	return strstr(out, needle) != NULL;
}

/* A sample of /metrics (the first with these labels), -1 when absent. */
static double metric(const char *sample)
{
	struct hresp r;
	h_get("/metrics", &r);
	char key[256];
	snprintf(key, sizeof key, "\n%s ", sample);
	const char *p = r.status == 200 && r.body ? strstr(r.body, key) : NULL;
	double v = p ? atof(p + strlen(key)) : -1;
	h_free(&r);
	return v;
}

/* Waits (at most 10 s) until a metric satisfies `ok`; its last value. */
static double metric_until(const char *sample, bool (*ok)(double), double *last)
{
	double end = now_s() + 10;
	do {
		*last = metric(sample);
		if (ok(*last))
			return *last;
		usleep(50000);
	} while (now_s() < end);
	return *last;
}

static bool holds_an_upload(double v)
{
	return v >= UPLOAD;
}

static bool is_zero(double v)
{
	return v == 0;
}

static const char *header_end(const char *resp)
{
	const char *e = strstr(resp, "\r\n\r\n");
	return e ? e + 4 : resp + strlen(resp);
}

/* ---- Bodies: each route reads only what it takes -------------------------- */

/* A form of 65 KB: the sign-in form takes 64 KB. The answer comes before
 * the body is sent, and the server closes although the client has not
 * sent what it declared. */
static void test_65k_form_is_413_with_polish_message_before_the_body(void **state)
{
	int fd = conn_open();
	send_str(fd, "POST /panel/logowanie HTTP/1.1\r\nHost: localhost\r\n"
	             "Content-Type: application/x-www-form-urlencoded\r\n"
	             "Content-Length: 66560\r\n\r\nemail=a");
	char out[65536];
	assert_true(read_to_eof(fd, out, sizeof out, 5000));
	close(fd);
	assert_non_null(strstr(out, "HTTP/1.1 413"));
	assert_non_null(strcasestr(out, "\r\nConnection: close\r\n"));
	assert_non_null(strstr(out, "Treść żądania jest za duża: ten adres przyjmuje najwyżej 64 KB."));
}

/* Up to the limit, the form reaches its handler (which refuses it for its
 * own reasons, never 413). */
static void test_64k_form_reaches_its_handler(void **state)
{
	size_t n = 64 * 1024;
	char *body = malloc(n + 1);
	memcpy(body, "email=", 6);
	memset(body + 6, 'a', n - 6);
	body[n] = '\0';
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	struct hresp r;
	h_request("POST", "/panel/logowanie", hdr, body, n, &r);
	free(body);
	assert_true(r.status >= 200 && r.status < 500);
	assert_int_not_equal(r.status, 413);
	h_free(&r);
}

/* The JSON API takes 256 KB: 257 KB is a problem document. */
static void test_257k_json_is_413_problem_json(void **state)
{
	int fd = conn_open();
	send_str(fd, "POST /api/v1/requests HTTP/1.1\r\nHost: localhost\r\n"
	             "Content-Type: application/json\r\nContent-Length: 263168\r\n\r\n{\"a\":");
	char out[65536];
	assert_true(read_to_eof(fd, out, sizeof out, 5000));
	close(fd);
	assert_non_null(strstr(out, "HTTP/1.1 413"));
	assert_non_null(strcasestr(out, "\r\nContent-Type: application/problem+json"));
	assert_non_null(strstr(header_end(out), "najwyżej 256 KB"));
}

/* A body on a route that takes none (GET), on an unknown path and with a
 * method the path does not take: answered and closed at once, unread. */
static void test_body_where_none_is_taken_is_refused_unread(void **state)
{
	const struct {
		const char *head, *status, *text;
	} cases[] = {
	    {"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789",
	     "HTTP/1.1 413", "nie przyjmuje treści"},
	    {"GET /rejestr HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n",
	     "HTTP/1.1 413", "nie przyjmuje treści"},
	    {"POST /nie/ma/takiej HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789",
	     "HTTP/1.1 404", NULL},
	    {"POST /rejestr HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n0123456789",
	     "HTTP/1.1 405", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int fd = conn_open();
		send_str(fd, cases[i].head);
		char out[65536];
		double t0 = now_s();
		/* The client sends nothing more: only the server can end this. */
		assert_true(read_to_eof(fd, out, sizeof out, 5000));
		assert_true(now_s() - t0 < 5);
		close(fd);
		assert_non_null(strstr(out, cases[i].status));
		assert_non_null(strcasestr(out, "\r\nConnection: close\r\n"));
		if (cases[i].text)
			assert_non_null(strstr(out, cases[i].text));
	}
}

/* ---- Memory for bodies: JAWNOSC_BODY_MEMORY=1M ---------------------------- */

/* Starts an upload of UPLOAD bytes and sends part of it; returns once the
 * server holds it (its memory is counted). */
static int upload_begin(void)
{
	int fd = conn_open();
	char head[512];
	snprintf(head, sizeof head,
	         "POST /wniosek HTTP/1.1\r\nHost: localhost\r\n"
	         "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: %d\r\n\r\n"
	         "--XyZ\r\n",
	         UPLOAD);
	send_str(fd, head);
	double held;
	metric_until("jawnosc_http_body_memory_bytes", holds_an_upload, &held);
	assert_true(held >= UPLOAD);
	return fd;
}

/* The rest of the upload; its answer (the handler's). */
static void upload_finish(int fd, char *out, size_t outlen)
{
	size_t left = UPLOAD - strlen("--XyZ\r\n");
	char *rest = malloc(left);
	memset(rest, 'a', left);
	size_t sent = 0;
	while (sent < left) {
		ssize_t w = send(fd, rest + sent, left - sent, MSG_NOSIGNAL);
		assert_true(w > 0);
		sent += (size_t)w;
	}
	free(rest);
	read_to_eof(fd, out, outlen, 10000);
	close(fd);
}

/* A second upload while the first holds the memory: 503 with Retry-After
 * and a Polish message at once, before its body. */
static char *second_upload(void)
{
	int fd = conn_open();
	char head[256];
	snprintf(head, sizeof head,
	         "POST /wniosek HTTP/1.1\r\nHost: localhost\r\n"
	         "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: %d\r\n\r\n",
	         UPLOAD);
	send_str(fd, head);
	static char out[65536];
	bool eof = read_to_eof(fd, out, sizeof out, 5000);
	close(fd);
	assert_true(eof);
	return out;
}

static void test_overlapping_uploads_get_503_until_the_first_completes(void **state)
{
	int first = upload_begin();
	char *out = second_upload();
	assert_non_null(strstr(out, "HTTP/1.1 503"));
	assert_non_null(strcasestr(out, "\r\nRetry-After: 10\r\n"));
	assert_non_null(strstr(out, "zbyt wiele danych naraz"));
	assert_true(metric("jawnosc_http_bodies_refused_total") >= 1);

	/* The first finishes: its memory is released with its answer. */
	char done[65536];
	upload_finish(first, done, sizeof done);
	assert_non_null(strstr(done, "HTTP/1.1 "));
	assert_null(strstr(done, "HTTP/1.1 503"));
	double held;
	assert_true(metric_until("jawnosc_http_body_memory_bytes", is_zero, &held) == 0);
	int again = upload_begin();
	upload_finish(again, done, sizeof done);
	assert_null(strstr(done, "HTTP/1.1 503"));
}

static void test_an_aborted_upload_gives_its_memory_back(void **state)
{
	int first = upload_begin();
	char *out = second_upload();
	assert_non_null(strstr(out, "HTTP/1.1 503"));
	close(first); /* the client goes away mid-body */
	double held;
	assert_true(metric_until("jawnosc_http_body_memory_bytes", is_zero, &held) == 0);
	int again = upload_begin();
	char done[65536];
	upload_finish(again, done, sizeof done);
	assert_non_null(strstr(done, "HTTP/1.1 "));
	assert_null(strstr(done, "HTTP/1.1 503"));
}

/* ---- Connections from one address: JAWNOSC_MAX_CONNECTIONS_PER_IP=8 ------- */

/* A connection the server has surely taken in: it has the headers of a
 * request and waits for its body (100 Continue), so no head deadline runs. */
static int conn_held(void)
{
	int fd = conn_open();
	send_str(fd, "POST /panel/logowanie HTTP/1.1\r\nHost: x\r\n"
	             "Content-Type: application/x-www-form-urlencoded\r\n"
	             "Content-Length: 10\r\nExpect: 100-continue\r\n\r\n");
	char out[256];
	assert_true(read_until(fd, "HTTP/1.1 100", out, sizeof out, 5000));
	return fd;
}

/* True when a new connection is served (a request gets its answer). */
static bool conn_served(void)
{
	int fd = conn_open();
	send_str(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	char out[8192];
	read_to_eof(fd, out, sizeof out, 5000);
	close(fd);
	return strstr(out, "HTTP/1.1 200") != NULL;
}

static void test_connections_over_the_per_ip_limit_are_closed_at_once(void **state)
{
	double before = metric("jawnosc_http_connections_refused_total{reason=\"per_ip\"}");
	int held[PER_IP];
	for (int i = 0; i < PER_IP; i++)
		held[i] = conn_held();
	/* One more from the same address: closed as soon as it is accepted,
	 * without a byte of answer. */
	int extra = conn_open();
	send(extra, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 34, MSG_NOSIGNAL);
	char out[4096];
	double t0 = now_s();
	assert_true(read_to_eof(extra, out, sizeof out, 5000));
	assert_true(now_s() - t0 < 5);
	assert_string_equal(out, "");
	close(extra);
	/* One of them goes: a new one is served (once the server has seen the
	 * close, which it is told of asynchronously). */
	close(held[0]);
	double end = now_s() + 10;
	bool served = false;
	while (!(served = conn_served()) && now_s() < end)
		usleep(50000);
	assert_true(served);
	for (int i = 1; i < PER_IP; i++)
		close(held[i]);
	assert_true(before >= 0);
	assert_true(metric("jawnosc_http_connections_refused_total{reason=\"per_ip\"}") >=
	            before + 1);
}

/* ---- Time for a request's head: JAWNOSC_HEADER_TIMEOUT=2 ------------------ */

/* A header line every 200 ms: never idle for long, so the idle timeout
 * (JAWNOSC_TIMEOUT, 30 s) never ends it; the head's deadline does. */
static void test_trickled_head_is_closed_at_its_deadline(void **state)
{
	double before = metric("jawnosc_http_connections_refused_total{reason=\"head_timeout\"}");
	int fd = conn_open();
	double t0 = now_s();
	send_str(fd, "GET /healthz HTTP/1.1\r\n");
	bool closed = false, served_meanwhile = false;
	char out[4096] = "";
	while (!closed && now_s() - t0 < 15) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 200) > 0) {
			ssize_t r = recv(fd, out, sizeof out - 1, 0);
			closed = r == 0 || (r < 0 && errno == ECONNRESET);
			if (r > 0)
				out[r] = '\0';
			if (r > 0 && strstr(out, "HTTP/1.1 "))
				break; /* an answer: the head was taken as complete */
			continue;
		}
		send(fd, "X-Trickle: 1\r\n", 14, MSG_NOSIGNAL);
		/* Meanwhile the server answers everyone else. */
		if (!served_meanwhile && now_s() - t0 > 1)
			served_meanwhile = conn_served();
	}
	double took = now_s() - t0;
	close(fd);
	assert_true(closed);
	assert_true(took >= 1.9);
	assert_true(took < 10);
	assert_true(served_meanwhile);
	assert_true(metric("jawnosc_http_connections_refused_total{reason=\"head_timeout\"}") >=
	            before + 1);
}

/* The deadline is for the head only, counted from the connection's opening
 * or the end of its previous request: a kept-alive connection that sends
 * each head promptly lives longer than the deadline, and a body may take
 * longer than it (only JAWNOSC_TIMEOUT, idleness, bounds that). */
static void test_the_deadline_counts_for_each_head_only(void **state)
{
	int fd = conn_open();
	char out[8192];
	double t0 = now_s();
	for (int i = 0; i < 3; i++) {
		send_str(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
		assert_true(read_until(fd, "\"ok\"", out, sizeof out, 5000));
		assert_non_null(strstr(out, "HTTP/1.1 200"));
		usleep(1200000);
	}
	assert_true(now_s() - t0 > 3);
	/* A body 3 s after its head. */
	send_str(fd, "POST /panel/logowanie HTTP/1.1\r\nHost: x\r\n"
	             "Content-Type: application/x-www-form-urlencoded\r\n"
	             "Content-Length: 7\r\nConnection: close\r\n\r\n");
	sleep(3);
	send_str(fd, "email=a");
	assert_true(read_to_eof(fd, out, sizeof out, 10000));
	close(fd);
	assert_non_null(strstr(out, "HTTP/1.1 "));
	assert_non_null(strstr(out, "</html>"));
}

/* Behind nginx every connection comes from it: a trusted proxy is held to
 * neither limit (it forwards whole heads; its clients are limited there). */
static void test_a_trusted_proxy_is_exempt(void **state)
{
	assert_int_equal(h_server_stop(), 0);
	static const char *const env[] = {"JAWNOSC_MAX_CONNECTIONS_PER_IP=2",
	                                   "JAWNOSC_HEADER_TIMEOUT=1",
	                                   "JAWNOSC_TRUSTED_PROXY=127.0.0.1", NULL};
	h_server_start(env);
	int held[4];
	for (int i = 0; i < 4; i++)
		held[i] = conn_held();
	assert_true(conn_served());
	int slow = conn_open();
	send_str(slow, "GET /healthz HTTP/1.1\r\n");
	for (int i = 0; i < 12; i++) {
		usleep(200000);
		send_str(slow, "X-Trickle: 1\r\n");
	}
	send_str(slow, "Host: x\r\nConnection: close\r\n\r\n");
	char out[8192];
	assert_true(read_to_eof(slow, out, sizeof out, 5000));
	assert_non_null(strstr(out, "HTTP/1.1 200"));
	close(slow);
	for (int i = 0; i < 4; i++)
		close(held[i]);
}

int main(void)
{
	h_setup_db("limits");
	u_seed_demo(); /* a body to file with (Host: localhost) */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_65k_form_is_413_with_polish_message_before_the_body),
	    cmocka_unit_test(test_64k_form_reaches_its_handler),
	    cmocka_unit_test(test_257k_json_is_413_problem_json),
	    cmocka_unit_test(test_body_where_none_is_taken_is_refused_unread),
	    cmocka_unit_test(test_overlapping_uploads_get_503_until_the_first_completes),
	    cmocka_unit_test(test_an_aborted_upload_gives_its_memory_back),
	    cmocka_unit_test(test_connections_over_the_per_ip_limit_are_closed_at_once),
	    cmocka_unit_test(test_trickled_head_is_closed_at_its_deadline),
	    cmocka_unit_test(test_the_deadline_counts_for_each_head_only),
	    cmocka_unit_test(test_a_trusted_proxy_is_exempt), /* last: restarts the server */
	};
	int failed = cmocka_run_group_tests_name("limits", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
