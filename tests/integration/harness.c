/* SPDX-License-Identifier: EUPL-1.2 */
#include "integration/harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

static char db_name[128];
static char db_url[512];
static pid_t server_pid;
static unsigned server_port;
static char log_path[512];
static int server_count;
/* Servers beside the main one (h_server_start_other). */
static struct other_server {
	pid_t pid;
	char log_path[512];
} others[8];

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fail_msg("harness failure");
}

static void silent(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static PGconn *admin_conn(void)
{
	PGconn *c = PQconnectdb("dbname=postgres");
	if (PQstatus(c) != CONNECTION_OK)
		die("harness: cannot connect to PostgreSQL: %s", PQerrorMessage(c));
	PQsetNoticeProcessor(c, silent, NULL);
	return c;
}

static void admin_exec(const char *sql)
{
	PGconn *c = admin_conn();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK)
		die("harness: %s: %s", sql, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

bool h_private_pg(void)
{
	const char *v = getenv("JAWNOSC_TEST_PRIVATE_PG");
	return v && strcmp(v, "1") == 0;
}

void h_pg_stop(void)
{
	if (system("deploy/pg.sh stop") != 0)
		die("harness: deploy/pg.sh stop failed");
}

void h_pg_start(void)
{
	if (system("deploy/pg.sh start >/dev/null") != 0)
		die("harness: deploy/pg.sh start failed");
}

int h_run(char **out, const char *prog, const char *const *args)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s", prog);
	for (int i = 0; args && args[i]; i++) {
		strncat(cmd, " '", sizeof cmd - strlen(cmd) - 1);
		strncat(cmd, args[i], sizeof cmd - strlen(cmd) - 1);
		strncat(cmd, "'", sizeof cmd - strlen(cmd) - 1);
	}
	strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
	FILE *p = popen(cmd, "r");
	if (!p)
		die("harness: popen failed");
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
		n += got;
		if (cap - n < 2)
			buf = realloc(buf, cap *= 2);
	}
	buf[n] = '\0';
	int st = pclose(p);
	if (out)
		*out = buf;
	else
		free(buf);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

int h_cli(char **out, const char *const *args)
{
	return h_run(out, "bin/jawnosc-asan", args);
}

int h_cli_stdin(char **out, const char *input, const char *const *args)
{
	/* The child of popen() inherits our standard input: point it at a
	 * pipe holding `input` (small, so it fits the pipe's buffer) for the
	 * duration of the call. */
	int fds[2];
	if (pipe(fds) != 0)
		die("harness: pipe failed");
	size_t len = strlen(input);
	if (write(fds[1], input, len) != (ssize_t)len)
		die("harness: writing the standard input failed");
	close(fds[1]);
	fflush(stdin);
	int saved = dup(STDIN_FILENO);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	int rc = h_cli(out, args);
	dup2(saved, STDIN_FILENO);
	close(saved);
	return rc;
}

void h_setup_db(const char *test_name)
{
	snprintf(db_name, sizeof db_name, "jawnosc_t_%s_%d", test_name, (int)getpid());
	char sql[256];
	snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s", db_name);
	admin_exec(sql);
	snprintf(sql, sizeof sql, "CREATE DATABASE %s", db_name);
	admin_exec(sql);
	snprintf(db_url, sizeof db_url, "dbname=%s", db_name);
	setenv("DATABASE_URL", db_url, 1);
	char *out = NULL;
	const char *args[] = {"migrate", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		die("harness: migrate failed (%d): %s", rc, out);
	free(out);
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

static void no_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int h_stop_server(void **state)
{
	(void)state;
	if (h_server_pid())
		assert_int_equal(h_server_stop(), 0);
	return 0;
}

void h_sql(const char *statement)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, statement);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", statement, PQerrorMessage(c));
	assert_true(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK);
	PQclear(r);
	PQfinish(c);
}

PGconn *h_db(void)
{
	PGconn *c = PQconnectdb(db_url);
	if (PQstatus(c) != CONNECTION_OK)
		die("harness: cannot connect to %s: %s", db_url, PQerrorMessage(c));
	PQsetNoticeProcessor(c, no_notices, NULL);
	return c;
}

pid_t h_server_pid(void)
{
	return server_pid;
}

unsigned h_port(void)
{
	return server_port;
}

const char *h_server_log(void)
{
	return log_path;
}

static void request_on(unsigned port, const char *method, const char *path,
                       const char *const *headers, const char *body, size_t len,
                       struct hresp *r);

/* Starts one server process logging to `logp` (*pid is set at once, so a
 * failure leaves it for teardown) and waits until /healthz answers. */
static void spawn_server(const char *const *env, char *logp, size_t loglen, pid_t *pidp,
                         unsigned *portp)
{
	mkdir("build/test-logs", 0755);
	snprintf(logp, loglen, "build/test-logs/%s-%d.log", db_name, ++server_count);
	char access_path[600];
	snprintf(access_path, sizeof access_path, "%s.access", logp);
	int pipefd[2];
	if (pipe(pipefd) != 0)
		die("harness: pipe failed");
	pid_t pid = fork();
	if (pid < 0)
		die("harness: fork failed");
	if (pid == 0) {
		int logfd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		close(pipefd[0]);
		setenv("JAWNOSC_LISTEN", "127.0.0.1:0", 1);
		setenv("JAWNOSC_ACCESS_LOG", access_path, 1);
		setenv("JAWNOSC_THREADS", "2", 0);
		/* Library caches that are never freed (tests/lsan.supp). */
		setenv("LSAN_OPTIONS", "suppressions=tests/lsan.supp:print_suppressions=0", 0);
		/* Mail written by tests stays in the build tree. */
		setenv("JAWNOSC_MAIL_DIR", "build/test-mail", 0);
		for (int i = 0; env && env[i]; i++)
			putenv((char *)env[i]);
		/* `make valgrind` runs the release binary under valgrind. */
		const char *bin = getenv("JAWNOSC_TEST_BIN");
		const char *wrapper = getenv("JAWNOSC_TEST_WRAPPER");
		if (!bin || !*bin)
			bin = "bin/jawnosc-asan";
		if (wrapper && *wrapper) {
			char cmd[2048];
			snprintf(cmd, sizeof cmd, "exec %s %s serve", wrapper, bin);
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		} else {
			execl(bin, "jawnosc", "serve", (char *)NULL);
		}
		_exit(127);
	}
	close(pipefd[1]);
	*pidp = pid;
	/* The server prints "... serving on http://127.0.0.1:PORT/" once ready. */
	char line[512];
	size_t n = 0;
	struct pollfd pfd = {.fd = pipefd[0], .events = POLLIN};
	while (n < sizeof line - 1) {
		if (poll(&pfd, 1, 120000) <= 0)
			break;
		ssize_t r = read(pipefd[0], line + n, 1);
		if (r <= 0)
			break;
		if (line[n++] == '\n')
			break;
	}
	line[n] = '\0';
	close(pipefd[0]);
	const char *p = strstr(line, "http://127.0.0.1:");
	if (!p)
		die("harness: server did not start; see %s (got '%s')", logp, line);
	unsigned port = (unsigned)atoi(p + strlen("http://127.0.0.1:"));
	*portp = port;
	struct hresp r;
	for (int i = 0; i < 600; i++) {
		request_on(port, "GET", "/healthz", NULL, NULL, 0, &r);
		long st = r.status;
		h_free(&r);
		if (st == 200)
			return;
		usleep(50000);
	}
	die("harness: /healthz never answered 200");
}

void h_server_start(const char *const *env)
{
	spawn_server(env, log_path, sizeof log_path, &server_pid, &server_port);
}

pid_t h_server_start_other(const char *const *env, unsigned *port)
{
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		if (others[i].pid)
			continue;
		unsigned p = 0;
		spawn_server(env, others[i].log_path, sizeof others[i].log_path, &others[i].pid, &p);
		if (port)
			*port = p;
		return others[i].pid;
	}
	die("harness: too many servers");
	return 0;
}

static void check_log_clean(const char *logp)
{
	FILE *f = fopen(logp, "r");
	if (!f)
		return;
	char line[2048];
	bool bad = false;
	while (fgets(line, sizeof line, f)) {
		if (strstr(line, "AddressSanitizer") || strstr(line, "LeakSanitizer") ||
		    strstr(line, "runtime error:")) {
			fprintf(stderr, "%s", line);
			bad = true;
		}
	}
	fclose(f);
	if (bad)
		die("harness: sanitizer report in %s", logp);
}

/* SIGTERM, wait (SIGKILL after 30 s), check the log. */
static int stop_server(pid_t pid, const char *logp)
{
	kill(pid, SIGTERM);
	int st = 0;
	for (int i = 0; i < 600; i++) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			break;
		usleep(50000);
		if (i == 599) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
		}
	}
	check_log_clean(logp);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int h_server_stop(void)
{
	if (!server_pid)
		return -1;
	pid_t pid = server_pid;
	server_pid = 0;
	return stop_server(pid, log_path);
}

int h_server_stop_other(pid_t pid)
{
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
		if (pid && others[i].pid == pid) {
			others[i].pid = 0;
			return stop_server(pid, others[i].log_path);
		}
	}
	return -1;
}

void h_teardown(void)
{
	if (server_pid)
		h_server_stop();
	for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
		if (others[i].pid)
			h_server_stop_other(others[i].pid);
	if (db_name[0]) {
		char sql[256];
		snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", db_name);
		PGconn *c = PQconnectdb("dbname=postgres");
		if (PQstatus(c) == CONNECTION_OK)
			PQclear(PQexec(c, sql));
		PQfinish(c);
	}
	curl_global_cleanup();
}

struct buf {
	char *data;
	size_t len;
};

static size_t collect(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;
	b->data = realloc(b->data, b->len + n + 1);
	memcpy(b->data + b->len, ptr, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

static size_t collect_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
	struct buf *b = userdata;
	size_t n = size * nmemb;
	/* A new status line starts the final response's header block. */
	if (n > 5 && strncmp(ptr, "HTTP/", 5) == 0)
		b->len = 0;
	return collect(ptr, size, nmemb, userdata);
}

void h_request(const char *method, const char *path, const char *const *headers,
               const char *body, size_t len, struct hresp *r)
{
	request_on(server_port, method, path, headers, body, len, r);
}

static void request_on(unsigned port, const char *method, const char *path,
                       const char *const *headers, const char *body, size_t len,
                       struct hresp *r)
{
	memset(r, 0, sizeof *r);
	CURL *c = curl_easy_init();
	char url[4096];
	snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
	struct buf b = {0}, h = {0};
	struct curl_slist *hl = NULL;
	for (int i = 0; headers && headers[i]; i++)
		hl = curl_slist_append(hl, headers[i]);
	hl = curl_slist_append(hl, "Expect:");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	if (strcmp(method, "HEAD") == 0)
		curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hl);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	CURLcode rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
	else
		r->status = -1;
	r->body = b.data ? b.data : strdup("");
	r->len = b.len;
	r->headers = h.data ? h.data : strdup("");
	curl_slist_free_all(hl);
	curl_easy_cleanup(c);
}

void h_request_port(unsigned port, const char *method, const char *path,
                    const char *const *headers, const char *body, size_t len, struct hresp *r)
{
	request_on(port, method, path, headers, body, len, r);
}

void h_get(const char *path, struct hresp *r)
{
	h_request("GET", path, NULL, NULL, 0, r);
}

void h_post_form(const char *path, const char *body, struct hresp *r)
{
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	h_request("POST", path, hdr, body, strlen(body), r);
}

const char *h_header(const struct hresp *r, const char *name)
{
	static char value[2048];
	size_t nl = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		size_t ll = end ? (size_t)(end - line) : strlen(line);
		if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
			const char *v = line + nl + 1;
			while (*v == ' ')
				v++;
			size_t vl = ll - (size_t)(v - line);
			if (vl >= sizeof value)
				vl = sizeof value - 1;
			memcpy(value, v, vl);
			value[vl] = '\0';
			return value;
		}
		if (!end)
			break;
		line = end + 2;
	}
	return NULL;
}

double h_metric(unsigned port, const char *name)
{
	struct hresp r;
	h_request_port(port, "GET", "/metrics", NULL, NULL, 0, &r);
	double v = -1;
	size_t n = strlen(name);
	for (const char *p = r.body; p && *p;) {
		if (!strncmp(p, name, n) && (p[n] == ' ' || p[n] == '{')) {
			const char *sp = strchr(p, ' ');
			if (sp)
				v = atof(sp + 1);
			break;
		}
		const char *nl = strchr(p, '\n');
		p = nl ? nl + 1 : NULL;
	}
	h_free(&r);
	return v;
}

void h_free(struct hresp *r)
{
	free(r->body);
	free(r->headers);
	memset(r, 0, sizeof *r);
}

static int connect_server(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)server_port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static size_t read_all(int fd, char *out, size_t outlen, int timeout_ms)
{
	size_t n = 0;
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	while (n < outlen - 1 && poll(&pfd, 1, timeout_ms) > 0) {
		ssize_t r = recv(fd, out + n, outlen - 1 - n, 0);
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	out[n] = '\0';
	return n;
}

size_t h_raw_slow(const char *first, const char *second, int signal_fd, int go_fd, char *out,
                  size_t outlen)
{
	out[0] = '\0';
	int fd = connect_server();
	if (fd < 0)
		return 0;
	ssize_t w = send(fd, first, strlen(first), MSG_NOSIGNAL);
	char go;
	if (write(signal_fd, "x", 1) != 1 || w < 0 || read(go_fd, &go, 1) != 1) {
		close(fd);
		return 0;
	}
	w = send(fd, second, strlen(second), MSG_NOSIGNAL);
	size_t n = w < 0 ? 0 : read_all(fd, out, outlen, 10000);
	close(fd);
	return n;
}

bool h_refuses_connections(void)
{
	int fd = connect_server();
	if (fd < 0)
		return true;
	close(fd);
	return false;
}

size_t h_raw(const char *data, size_t len, char *out, size_t outlen, int timeout_ms)
{
	out[0] = '\0';
	int fd = connect_server();
	if (fd < 0)
		return 0;
	size_t sent = 0;
	while (sent < len) {
		ssize_t w = send(fd, data + sent, len - sent, MSG_NOSIGNAL);
		if (w <= 0)
			break; /* the server may close early (413): read what it said */
		sent += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	size_t n = read_all(fd, out, outlen, timeout_ms);
	close(fd);
	return n;
}
