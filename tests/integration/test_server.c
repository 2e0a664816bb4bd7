/* SPDX-License-Identifier: EUPL-1.2 */
/* The HTTP core against the real server process and the real PostgreSQL. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/harness.h"

static int setup(void **state)
{
	(void)state;
	h_server_start(NULL);
	return 0;
}

static void test_healthz_answers_200_json(void **state)
{
	struct hresp r;
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"status\":\"ok\""));
	assert_string_equal(h_header(&r, "Content-Type"), "application/json");
	h_free(&r);
}

static void test_readyz_is_200_when_database_is_current(void **state)
{
	struct hresp r;
	h_get("/readyz", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "\"database\":\"ok\""));
	h_free(&r);
}

static void test_home_page_is_polish_html_with_security_headers(void **state)
{
	struct hresp r;
	h_get("/", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "<html lang=\"pl\">"));
	assert_non_null(strstr(r.body, "informacji publicznej"));
	assert_string_equal(h_header(&r, "Content-Type"), "text/html; charset=utf-8");
	assert_non_null(strstr(h_header(&r, "Content-Security-Policy"), "frame-ancestors 'none'"));
	assert_string_equal(h_header(&r, "X-Content-Type-Options"), "nosniff");
	assert_string_equal(h_header(&r, "Referrer-Policy"), "no-referrer");
	assert_non_null(h_header(&r, "X-Request-Id"));
	h_free(&r);
}

static void test_unknown_page_is_404_html_with_a_way_back(void **state)
{
	struct hresp r;
	h_get("/nie-ma-takiej-strony", &r);
	assert_int_equal(r.status, 404);
	assert_non_null(strstr(r.body, "Nie znaleziono strony"));
	assert_non_null(strstr(r.body, "href=\"/\""));
	h_free(&r);
}

static void test_unknown_api_path_is_404_problem_json(void **state)
{
	struct hresp r;
	h_get("/api/v1/nothing", &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
	assert_non_null(strstr(r.body, "\"status\":404"));
	h_free(&r);
}

static void test_wrong_method_is_405_with_allow(void **state)
{
	struct hresp r;
	h_request("DELETE", "/healthz", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 405);
	assert_non_null(strstr(h_header(&r, "Allow"), "GET"));
	assert_non_null(strstr(r.body, "Niedozwolona metoda"));
	h_free(&r);
}

static void test_head_is_answered_like_get_without_body(void **state)
{
	struct hresp r;
	h_request("HEAD", "/", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 0);
	h_free(&r);
}

static void test_dotdot_in_path_is_400(void **state)
{
	struct hresp r;
	h_get("/static/%2e%2e/%2e%2e/etc/passwd", &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	h_get("/static/../Makefile", &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
}

static void test_static_file_has_etag_and_answers_304(void **state)
{
	struct hresp r;
	h_get("/static/style.css", &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "text/css; charset=utf-8");
	assert_non_null(strstr(h_header(&r, "Cache-Control"), "max-age"));
	char inm[200];
	snprintf(inm, sizeof inm, "If-None-Match: %s", h_header(&r, "ETag"));
	h_free(&r);
	const char *hdr[] = {inm, NULL};
	h_request("GET", "/static/style.css", hdr, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	assert_int_equal(r.len, 0);
	h_free(&r);
}

/* A 10 MB Content-Length is refused as soon as the headers arrive, on every
 * path: 413 where the route takes a body (its limit is smaller), and where
 * none is taken the answer the path would have had (405, 404). */
static void test_10mb_body_is_refused_at_once_on_any_path(void **state)
{
	const struct {
		const char *path, *status;
	} cases[] = {{"/", "HTTP/1.1 405"},
	             {"/healthz", "HTTP/1.1 405"},
	             {"/no/such/path", "HTTP/1.1 404"},
	             {"/api/v1/requests", "HTTP/1.1 413"},
	             {"/wniosek", "HTTP/1.1 413"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char req[512], out[8192];
		snprintf(req, sizeof req,
		         "POST %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
		         "Content-Length: 10000000\r\n\r\n",
		         cases[i].path);
		h_raw(req, strlen(req), out, sizeof out, 5000);
		assert_non_null(strstr(out, cases[i].status));
		assert_non_null(strcasestr(out, "\r\nConnection: close\r\n"));
	}
	struct hresp r;
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

/* Without Content-Length (chunked), the limit is applied while reading. */
static void test_10mb_chunked_body_is_413_and_server_keeps_serving(void **state)
{
	size_t n = 10 * 1000 * 1000;
	char *body = malloc(n);
	memset(body, 'a', n);
	const char *hdr[] = {"Transfer-Encoding: chunked", "Content-Type: text/plain", NULL};
	struct hresp r;
	h_request("POST", "/wniosek", hdr, body, n, &r);
	free(body);
	assert_int_equal(r.status, 413);
	h_free(&r);
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

static void test_oversized_headers_are_refused_not_crashing(void **state)
{
	size_t n = 64 * 1024;
	char *big = malloc(n + 64);
	strcpy(big, "X-Big: ");
	memset(big + 7, 'b', n);
	big[n + 7] = '\0';
	const char *hdr[] = {big, NULL};
	struct hresp r;
	h_request("GET", "/", hdr, NULL, 0, &r);
	assert_true(r.status == 431 || r.status == 413 || r.status == 400);
	h_free(&r);
	free(big);
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

static void test_malformed_requests_get_400_or_close_and_server_lives(void **state)
{
	char out[4096];
	const char *bad_header = "GET / HTTP/1.1\r\nHost: x\r\nX-No-Colon here\r\n\r\n";
	h_raw(bad_header, strlen(bad_header), out, sizeof out, 3000);
	assert_non_null(strstr(out, "HTTP/1.1 400"));
	const char *no_version = "GET /\r\n\r\n";
	h_raw(no_version, strlen(no_version), out, sizeof out, 3000);
	assert_non_null(strstr(out, "HTTP/1.1 400"));
	/* Not HTTP at all: libmicrohttpd closes the connection. */
	const char *garbage = "GARBAGE\r\n\r\n";
	h_raw(garbage, strlen(garbage), out, sizeof out, 3000);
	assert_null(strstr(out, "HTTP/1.1 200"));
	struct hresp r;
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

static void test_access_log_is_json_lines(void **state)
{
	struct hresp r;
	h_get("/healthz?probe=access-log", &r);
	h_free(&r);
	/* The access log is the server log path + ".access". */
	char cmd[256];
	snprintf(cmd, sizeof cmd,
	         "grep -h '\"path\":\"/healthz\"' build/test-logs/*_%d-*.log.access | "
	         "grep -c '\"status\":200'", (int)getpid());
	FILE *p = popen(cmd, "r");
	int count = 0;
	assert_int_equal(fscanf(p, "%d", &count), 1);
	pclose(p);
	assert_true(count >= 1);
}

static void test_readyz_follows_postgres_down_and_up_without_restart(void **state)
{
	if (!h_private_pg())
		skip();
	struct hresp r;
	h_get("/readyz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	h_pg_stop();
	h_get("/readyz", &r);
	assert_int_equal(r.status, 503);
	assert_string_equal(h_header(&r, "Retry-After"), "5");
	h_free(&r);
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200); /* alive, only not ready */
	h_free(&r);
	h_pg_start();
	long st = 0;
	for (int i = 0; i < 50 && st != 200; i++) {
		h_get("/readyz", &r);
		st = r.status;
		h_free(&r);
		if (st != 200)
			usleep(100000);
	}
	assert_int_equal(st, 200);
}

/* SIGTERM while a request is still being uploaded: the server stops
 * accepting, finishes that request, and exits 0. */
static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The server's jawnosc_http_requests_in_flight, -1 when /metrics lacks it. */
static int in_flight(void)
{
	struct hresp r;
	h_get("/metrics", &r);
	const char *name = "\njawnosc_http_requests_in_flight ";
	const char *p = r.status == 200 && r.body ? strstr(r.body, name) : NULL;
	int n = p ? atoi(p + strlen(name)) : -1;
	h_free(&r);
	return n;
}

static void test_sigterm_finishes_request_in_flight_and_exits_0(void **state)
{
	int sent[2], go[2];
	assert_int_equal(pipe(sent), 0);
	assert_int_equal(pipe(go), 0);
	pid_t child = fork();
	if (child == 0) {
		/* The slow client: half a body, then the rest once the test has
		 * sent SIGTERM; it must still get its full answer. */
		close(sent[0]), close(go[1]);
		const char *head = "POST /panel/logowanie HTTP/1.1\r\nHost: x\r\n"
		                   "Content-Type: application/x-www-form-urlencoded\r\n"
		                   "Content-Length: 10\r\nConnection: close\r\n\r\nhello";
		char out[65536];
		h_raw_slow(head, "world", sent[1], go[0], out, sizeof out);
		_exit(strstr(out, "HTTP/1.1 ") && strstr(out, "</html>") ? 0 : 1);
	}
	close(sent[1]), close(go[0]);
	char c;
	assert_int_equal(read(sent[0], &c, 1), 1); /* first half is sent */
	close(sent[0]);
	/* Sent is not received: SIGTERM only once the server has begun the
	 * request (in flight: it and this scrape), else a connection still in
	 * the backlog is refused and the test says nothing of shutdown. */
	double deadline = now_s() + 10;
	while (in_flight() < 2 && now_s() < deadline)
		usleep(10000);
	assert_true(in_flight() >= 2);
	kill(h_server_pid(), SIGTERM);
	/* The rest of the body goes once the server has stopped listening. */
	for (deadline = now_s() + 10; !h_refuses_connections() && now_s() < deadline;)
		usleep(10000);
	assert_true(h_refuses_connections());
	assert_int_equal(write(go[1], "x", 1), 1);
	close(go[1]);
	int st;
	waitpid(child, &st, 0);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_int_equal(h_server_stop(), 0);
	h_server_start(NULL);
}

int main(void)
{
	h_setup_db("server");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_healthz_answers_200_json),
	    cmocka_unit_test(test_readyz_is_200_when_database_is_current),
	    cmocka_unit_test(test_home_page_is_polish_html_with_security_headers),
	    cmocka_unit_test(test_unknown_page_is_404_html_with_a_way_back),
	    cmocka_unit_test(test_unknown_api_path_is_404_problem_json),
	    cmocka_unit_test(test_wrong_method_is_405_with_allow),
	    cmocka_unit_test(test_head_is_answered_like_get_without_body),
	    cmocka_unit_test(test_dotdot_in_path_is_400),
	    cmocka_unit_test(test_static_file_has_etag_and_answers_304),
	    cmocka_unit_test(test_10mb_body_is_refused_at_once_on_any_path),
	    cmocka_unit_test(test_10mb_chunked_body_is_413_and_server_keeps_serving),
	    cmocka_unit_test(test_oversized_headers_are_refused_not_crashing),
	    cmocka_unit_test(test_malformed_requests_get_400_or_close_and_server_lives),
	    cmocka_unit_test(test_access_log_is_json_lines),
	    cmocka_unit_test(test_readyz_follows_postgres_down_and_up_without_restart),
	    cmocka_unit_test(test_sigterm_finishes_request_in_flight_and_exits_0),
	};
	int failed = cmocka_run_group_tests_name("server", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
