/* SPDX-License-Identifier: EUPL-1.2 */
/* The e-Doręczenia stand-in of the tests: tests/edor_standin.py over TLS
 * with client certificates made here with openssl, checking every request
 * against the User Agent API yaml. Include after <cmocka.h> and
 * "integration/cases_util.h", with DIR (the folder of its certificates and
 * logs) defined. */
#ifndef JAWNOSC_TESTS_EDOR_UTIL_H
#define JAWNOSC_TESTS_EDOR_UTIL_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "integration/mta_util.h"

#define OUR_ADE "AE:PL-12345-67890-ABCDE-12"
#define SYSTEM "jawnosc"

static char yaml[1024];
static bool have_yaml;
static pid_t standin_pid;
static unsigned api_port, ctl_port;

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "failed (%d): %s\n", rc, cmd);
	return rc;
}

/* A test CA, the service's certificate for 127.0.0.1, the system's own. */
static void make_certificates(void)
{
	assert_int_equal(run("rm -rf " DIR " && mkdir -p " DIR), 0);
	assert_int_equal(
	    run("cd " DIR " && "
	        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
	        "-subj '/CN=Jawnosc test CA' -days 2 2>/dev/null && "
	        "openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
	        "-subj '/CN=127.0.0.1' 2>/dev/null && "
	        "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext && "
	        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	        "-out server.pem -days 2 -extfile san.ext 2>/dev/null && "
	        "openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr "
	        "-subj '/CN=" OUR_ADE ".SYSTEM." SYSTEM "' 2>/dev/null && "
	        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
	        "-out client.pem -days 2 2>/dev/null && chmod 600 client.key"),
	    0);
}

static void standin_start(void)
{
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	char port[16], ctl[16];
	snprintf(port, sizeof port, "%u", api_port);
	snprintf(ctl, sizeof ctl, "%u", ctl_port);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int logfd = open(DIR "/standin.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(pipefd[1], STDOUT_FILENO);
		if (logfd >= 0)
			dup2(logfd, STDERR_FILENO);
		close(pipefd[0]);
		execl("/usr/bin/python3", "python3", "tests/edor_standin.py", "--port", port,
		      "--control-port", ctl, "--cert", DIR "/server.pem", "--key", DIR "/server.key",
		      "--ca", DIR "/ca.pem", "--client-cert", DIR "/client.pem", "--address", OUR_ADE,
		      "--system-name", SYSTEM, "--yaml", yaml, "--violations", DIR "/violations.log",
		      (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	standin_pid = pid;
	char buf[64] = "";
	size_t n = 0;
	struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
	while (n < sizeof buf - 1 && !strstr(buf, "ready\n") && poll(&pfd, 1, 15000) > 0) {
		ssize_t r = read(pipefd[0], buf + n, sizeof buf - 1 - n);
		if (r <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
	}
	close(pipefd[0]);
	if (!strstr(buf, "ready\n"))
		fail_msg("edor_standin.py did not start: see " DIR "/standin.log");
}

static void standin_stop(void)
{
	if (!standin_pid)
		return;
	kill(standin_pid, SIGTERM);
	waitpid(standin_pid, NULL, 0);
	standin_pid = 0;
}

/* A number of the stand-in's /stats. */
static long stat_of(const char *name)
{
	struct hresp r;
	h_request_port(ctl_port, "GET", "/stats", NULL, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	long v = (long)json_integer_value(json_object_get(j, name));
	json_decref(j);
	h_free(&r);
	return v;
}

/* The violation log: empty, or the test fails showing it. */
static void assert_no_violations(void)
{
	FILE *f = fopen(DIR "/violations.log", "r");
	assert_non_null(f);
	char line[2048];
	int n = 0;
	while (fgets(line, sizeof line, f)) {
		fprintf(stderr, "violation: %s", line);
		n++;
	}
	fclose(f);
	assert_int_equal(n, 0);
}

/* Finds the yaml (JAWNOSC_UAAPI_YAML, by default
 * ../shared/specs/edoreczenia/uaapi_3.0.8.1.yaml) and starts the stand-in
 * on two free ports with new certificates; without the yaml it says loudly
 * that `test` is skipped and starts nothing (have_yaml false). */
static void standin_up(const char *test)
{
	const char *y = getenv("JAWNOSC_UAAPI_YAML");
	snprintf(yaml, sizeof yaml, "%s", y && *y ? y : "../shared/specs/edoreczenia/uaapi_3.0.8.1.yaml");
	have_yaml = access(yaml, R_OK) == 0;
	if (!have_yaml) {
		fprintf(stderr,
		        "\n*** %s: SKIPPED: the User Agent API definition %s is absent.\n"
		        "*** Set JAWNOSC_UAAPI_YAML to uaapi_3.0.8.1.yaml (../shared/specs/README.md).\n\n",
		        test, yaml);
		return;
	}
	make_certificates();
	api_port = mta_free_port();
	ctl_port = mta_free_port();
	standin_start();
}

#endif
