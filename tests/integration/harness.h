/* SPDX-License-Identifier: EUPL-1.2 */
/* Integration test harness: a fresh database on the real PostgreSQL, the
 * real server process (sanitizer build) on a free loopback port, and HTTP
 * over libcurl or raw sockets. */
#ifndef JAWNOSC_TESTS_HARNESS_H
#define JAWNOSC_TESTS_HARNESS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct hresp {
	long status;
	char *body;
	size_t len;
	char *headers; /* raw header block of the final response */
};

/* Creates a fresh database for this test program (dropped by h_teardown),
 * migrates it with bin/jawnosc-asan, and exports DATABASE_URL. */
void h_setup_db(const char *test_name);
/* Starts the server (extra "NAME=value" environment entries may be given,
 * NULL-terminated) and waits until /healthz answers. */
void h_server_start(const char *const *env);
/* SIGTERM and wait: returns the exit status (or 128+signal). Fails the test
 * if the server's log shows a sanitizer report. */
int h_server_stop(void);
pid_t h_server_pid(void);
unsigned h_port(void);
/* The log (standard error) of the server of h_server_start. */
const char *h_server_log(void);
/* Another server process on the same database, beside the one of
 * h_server_start (several instances side by side), started the same way
 * with its own log. Returns its pid; its port in *port (may be NULL).
 * h_teardown stops those still running. */
pid_t h_server_start_other(const char *const *env, unsigned *port);
/* Stops one of them like h_server_stop: its exit status, and the test fails
 * on a sanitizer report in its log. -1 for an unknown pid. */
int h_server_stop_other(pid_t pid);
/* Drops the database and stops a server still running. */
void h_teardown(void);
/* A cmocka teardown: stops the server of h_server_start if it runs, and
 * fails unless it exits 0. */
int h_stop_server(void **state);
/* Runs `statement` (several separated by ';' allowed) on a connection of
 * its own; the test fails when PostgreSQL reports an error. */
void h_sql(const char *statement);

/* Runs the program `prog` (a path from the top of the checkout) with args;
 * returns the exit status. Output and errors to `out` (malloc'd, may be
 * NULL). */
int h_run(char **out, const char *prog, const char *const *args);
/* h_run of bin/jawnosc-asan. */
int h_cli(char **out, const char *const *args);
/* The same with `input` as its standard input, through a pipe. */
int h_cli_stdin(char **out, const char *input, const char *const *args);

/* HTTP over loopback. headers: NULL-terminated "Name: value" list. */
void h_request(const char *method, const char *path, const char *const *headers,
               const char *body, size_t len, struct hresp *r);
/* The same against another server (h_server_start_other's port). Safe to
 * call from several threads at once (one curl handle per call). */
void h_request_port(unsigned port, const char *method, const char *path,
                    const char *const *headers, const char *body, size_t len, struct hresp *r);
void h_get(const char *path, struct hresp *r);
void h_post_form(const char *path, const char *body, struct hresp *r);
/* A response header (case-insensitive), copied into a static buffer; NULL
 * when absent. */
const char *h_header(const struct hresp *r, const char *name);
void h_free(struct hresp *r);
/* A sample of the server's /metrics on `port` (the first line starting with
 * `name`, which may carry its labels: "x_total{result=\"hit\"}"), -1 when
 * absent. */
double h_metric(unsigned port, const char *name);

/* Sends raw bytes, then reads until the server closes or `timeout_ms`
 * passes; returns the bytes read into out (NUL-terminated). */
size_t h_raw(const char *data, size_t len, char *out, size_t outlen, int timeout_ms);

/* Sends `first`, writes one byte to `signal_fd` (so another process can
 * act), waits for one byte on `go_fd` (it has acted), sends `second`, then
 * reads the answer. */
size_t h_raw_slow(const char *first, const char *second, int signal_fd, int go_fd, char *out,
                  size_t outlen);
/* True when a new connection to the server is refused (it stopped
 * listening). */
bool h_refuses_connections(void);

/* A connection to this test's database. */
PGconn *h_db(void);
/* True when the harness owns the PostgreSQL cluster (deploy/pg.sh). */
bool h_private_pg(void);
/* Stops / starts the private cluster. */
void h_pg_stop(void);
void h_pg_start(void);

#endif
