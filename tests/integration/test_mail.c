/* SPDX-License-Identifier: EUPL-1.2 */
/* The mail outbox job against the real server process, the real PostgreSQL
 * and a real SMTP server (tests/smtp_sink.py on python3-aiosmtpd): delivery
 * of Polish mail, retries while the SMTP server is down, .eml files without
 * SMTP, two instances sharing one outbox, refused and malicious recipients,
 * a prompt stop in the middle of a stalled transfer. */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

#include "cases/outbox.h"
#include "core/strbuf.h"
#include "integration/cases_util.h"
#include "integration/harness.h"

static long long org_id;
static char sink_dir[256];
static pid_t sink_pid;
static unsigned sink_port;
static char smtp_env[64];
static int run; /* makes subjects unique per test */

/* --- small helpers ------------------------------------------------------- */

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One value of a one-row query (malloc'd; NULL for SQL NULL or no row). */
static char *sql_value(const char *sql, int n, const char *const *params)
{
	PGconn *c = h_db();
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	char *v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	PQfinish(c);
	return v;
}

static long long sql_int(const char *sql, int n, const char *const *params)
{
	char *v = sql_value(sql, n, params);
	long long x = v ? atoll(v) : -1;
	free(v);
	return x;
}

/* Queues one message through the module's own API; returns its id. */
static long long enqueue(const char *to, const char *subject, const char *body)
{
	PGconn *c = h_db();
	assert_true(outbox_enqueue(c, org_id, 0, to, subject, body, 0));
	PQfinish(c);
	const char *p[] = {subject};
	return sql_int("SELECT max(id) FROM outbox WHERE subject = $1", 1, p);
}

static char *row_field(long long id, const char *field)
{
	char sql[160], ids[24];
	snprintf(sql, sizeof sql, "SELECT (%s)::text FROM outbox WHERE id = $1", field);
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[] = {ids};
	return sql_value(sql, 1, p);
}

/* Polls until the row has `status` (at most `seconds`). */
static bool wait_status(long long id, const char *status, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(50000)) {
		char *s = row_field(id, "status");
		bool ok = s && strcmp(s, status) == 0;
		free(s);
		if (ok)
			return true;
	}
	return false;
}

static bool wait_attempts(long long id, int at_least, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(50000)) {
		char *s = row_field(id, "attempts");
		bool ok = s && atoi(s) >= at_least;
		free(s);
		if (ok)
			return true;
	}
	return false;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	strbuf_t sb;
	sb_init(&sb, NULL);
	sb_puts(&sb, "");
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_append(&sb, buf, n);
	fclose(f);
	return sb.data;
}

/* --- reading the messages back (RFC 2047, base64) -------------------------- */

static int b64_value(char ch)
{
	const char *a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char *p = ch ? strchr(a, ch) : NULL;
	return p ? (int)(p - a) : -1;
}

static void b64_decode_into(strbuf_t *out, const char *s, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_value(s[i]);
		if (v < 0)
			continue; /* CR, LF, padding */
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			sb_putc(out, (char)((acc >> bits) & 0xFF));
		}
	}
}

/* The unfolded, decoded value of a header of the top-level block. */
static char *decoded_header(const char *msg, const char *name)
{
	const char *end = strstr(msg, "\r\n\r\n");
	size_t nl = strlen(name);
	for (const char *line = msg; end && line < end; line = strstr(line, "\r\n") + 2) {
		if (strncasecmp(line, name, nl) != 0 || line[nl] != ':')
			continue;
		strbuf_t out;
		sb_init(&out, NULL);
		sb_puts(&out, "");
		const char *p = line + nl + 1;
		p += strspn(p, " ");
		bool prev_word = false;
		while (!(p[0] == '\r' && p[1] == '\n' && p[2] != ' ')) {
			if (strncmp(p, "=?UTF-8?B?", 10) == 0) {
				const char *q = strstr(p + 10, "?=");
				b64_decode_into(&out, p + 10, (size_t)(q - p - 10));
				p = q + 2;
				prev_word = true;
			} else if (*p == '\r' || *p == '\n') {
				p++;
			} else if (*p == ' ' && prev_word && strstr(p, "=?") == p + strspn(p, " ")) {
				p++;
			} else {
				sb_putc(&out, *p++);
				prev_word = false;
			}
		}
		return out.data;
	}
	return NULL;
}

/* The first text/plain part, decoded. */
static char *decoded_body(const char *msg)
{
	const char *ct = strstr(msg, "Content-Type: text/plain; charset=utf-8\r\n");
	assert_non_null(ct);
	const char *start = strstr(ct, "\r\n\r\n");
	assert_non_null(start);
	start += 4;
	size_t n = strspn(start, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=\r\n");
	strbuf_t out;
	sb_init(&out, NULL);
	sb_puts(&out, "");
	b64_decode_into(&out, start, n);
	return out.data;
}

/* --- the SMTP sink ---------------------------------------------------------- */

static unsigned free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof sa;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

static void sink_start(void)
{
	int pipefd[2];
	assert_int_equal(pipe(pipefd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int logfd = open("build/test-logs/smtp_sink.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
		dup2(pipefd[1], STDOUT_FILENO);
		if (logfd >= 0)
			dup2(logfd, STDERR_FILENO);
		close(pipefd[0]);
		char port[16];
		snprintf(port, sizeof port, "%u", sink_port);
		execl("/usr/bin/python3", "python3", "tests/smtp_sink.py", port, sink_dir, (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	sink_pid = pid;
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
		fail_msg("smtp_sink.py did not start: see build/test-logs/smtp_sink.log");
}

/* The SMTP server dies without a word, as a crashed one would. */
static void sink_kill(void)
{
	if (!sink_pid)
		return;
	kill(sink_pid, SIGKILL);
	waitpid(sink_pid, NULL, 0);
	sink_pid = 0;
}

struct received {
	char *raw, *envelope, *subject;
};

/* Every message at the sink whose decoded subject contains `needle`. */
static int sink_find(const char *needle, struct received *out, int max)
{
	DIR *d = opendir(sink_dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || strcmp(e->d_name + len - 4, ".eml") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof path, "%s/%s", sink_dir, e->d_name);
		char *raw = read_file(path);
		char *subject = raw ? decoded_header(raw, "Subject") : NULL;
		if (subject && strstr(subject, needle) && n < max) {
			snprintf(path, sizeof path, "%s/%.*s.env", sink_dir, (int)(len - 4), e->d_name);
			out[n].raw = raw;
			out[n].subject = subject;
			out[n].envelope = read_file(path);
			n++;
			continue;
		}
		if (subject && strstr(subject, needle))
			n++;
		free(subject);
		free(raw);
	}
	closedir(d);
	return n;
}

static void received_free(struct received *r, int n)
{
	for (int i = 0; i < n; i++) {
		free(r[i].raw);
		free(r[i].envelope);
		free(r[i].subject);
	}
}

static int sink_count(const char *needle)
{
	struct received r[1];
	int n = sink_find(needle, r, 1);
	received_free(r, n < 1 ? n : 1);
	return n;
}

static bool wait_sink_count(const char *needle, int count, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(50000))
		if (sink_count(needle) >= count)
			return true;
	return false;
}

/* --- fixtures --------------------------------------------------------------- */

static void start_server_with_smtp(void)
{
	const char *env[] = {smtp_env, "JAWNOSC_MAIL_POLL_MS=100", "JAWNOSC_MAIL_RETRY_BASE=1",
	                     NULL};
	h_server_start(env);
}

static int setup(void **state)
{
	run++;
	/* Rows a previous test left behind must not reach this one's server. */
	free(sql_value("UPDATE outbox SET status = 'failed' WHERE status = 'pending'", 0, NULL));
	return 0;
}

static int teardown(void **state)
{
	sink_kill(); /* first: a failed check below must not leave it running */
	if (h_server_pid())
		assert_int_equal(h_server_stop(), 0);
	return 0;
}

/* --- (a) delivery ----------------------------------------------------------- */

static const char *const POLISH_BODY =
    "Szanowny Panie,\n\n"
    "potwierdzamy wpływ wniosku o udostępnienie informacji publicznej.\n"
    "Znak sprawy: COMON.1431.15.2026.\n"
    "Zażółć gęślą jaźń — ZAŻÓŁĆ GĘŚLĄ JAŹŃ.\n\n"
    "Z poważaniem\nUrząd Testowy\n";

static void test_polish_acknowledgement_reaches_the_smtp_server(void **state)
{
	sink_start();
	start_server_with_smtp();
	char subject[160];
	snprintf(subject, sizeof subject,
	         "Potwierdzenie wniosku COMON.1431.15.2026 — zażółć gęślą jaźń [%d]", run);
	long long id = enqueue("jan.kowalski@example.org", subject, POLISH_BODY);
	assert_true(id > 0);
	assert_true(wait_status(id, "sent", 15));

	struct received r[2];
	int n = sink_find(subject, r, 2);
	assert_int_equal(n, 1);
	assert_string_equal(r[0].subject, subject);
	assert_non_null(strstr(r[0].raw, "\r\nSubject: =?UTF-8?B?"));
	char *body = decoded_body(r[0].raw);
	assert_string_equal(body, POLISH_BODY);
	assert_non_null(strstr(body, "COMON.1431.15.2026"));
	char *to = decoded_header(r[0].raw, "To");
	assert_string_equal(to, "jan.kowalski@example.org");
	char *from = decoded_header(r[0].raw, "From");
	assert_string_equal(from, "Jawność <jawnosc@localhost>");
	/* The envelope: MAIL FROM the bare address, RCPT TO the recipient. */
	assert_string_equal(r[0].envelope, "jawnosc@localhost\njan.kowalski@example.org\n");

	char *attempts = row_field(id, "attempts"), *sent_at = row_field(id, "sent_at");
	char *err = row_field(id, "last_error");
	assert_string_equal(attempts, "1");
	assert_non_null(sent_at);
	assert_null(err);
	free(attempts), free(sent_at), free(err);
	free(from), free(to), free(body);
	received_free(r, n);
}

/* The whole way: a request filed through the API is acknowledged by mail,
 * and the SMTP server gets the case number in the subject and the body. */
static void test_acknowledgement_of_a_filed_request_reaches_smtp_with_case_number(void **state)
{
	sink_start();
	start_server_with_smtp();
	char number[64];
	char *token = u_file("public_information", number);
	assert_true(wait_sink_count(number, 1, 15));
	struct received r[2];
	assert_int_equal(sink_find(number, r, 2), 1);
	char expect[128];
	snprintf(expect, sizeof expect, "Potwierdzenie otrzymania wniosku, znak sprawy %s", number);
	assert_string_equal(r[0].subject, expect);
	char *body = decoded_body(r[0].raw);
	snprintf(expect, sizeof expect, "Znak sprawy: %s\n", number);
	assert_non_null(strstr(body, expect));
	assert_non_null(strstr(body, token)); /* the private tracking link */
	assert_non_null(strstr(r[0].envelope, "\njan@example.pl\n"));
	free(body);
	received_free(r, 1);
	free(token);
}

/* A document with a PDF is attached (documents need a case: one row each). */
static void test_document_pdf_is_attached(void **state)
{
	sink_start();
	start_server_with_smtp();
	char org[24];
	snprintf(org, sizeof org, "%lld", org_id);
	const char *p[] = {org};
	long long unit = sql_int("INSERT INTO units (org_id, symbol, name) VALUES ($1, 'MAILTEST', "
	                         "'Sekretariat') ON CONFLICT (org_id, symbol) DO UPDATE SET "
	                         "name = excluded.name RETURNING id",
	                         1, p);
	char unit_s[24];
	snprintf(unit_s, sizeof unit_s, "%lld", unit);
	const char *q[] = {org, unit_s};
	long long req = sql_int(
	    "INSERT INTO requests (org_id, unit_id, case_number, case_class, case_seq, case_year, "
	    "kind, channel, received_at, received_on, subject, body, delivery, state, tracking_hash) "
	    "VALUES ($1, $2, 'MAILTEST.1431.1.2026', '1431', 1, 2026, 'public_information', 'web', "
	    "now(), current_date, 'Wniosek', 'Treść', 'email', 'registered', "
	    "sha256(random()::text::bytea)) RETURNING id",
	    2, q);
	char req_s[24];
	snprintf(req_s, sizeof req_s, "%lld", req);
	const char *d[] = {org, req_s};
	long long doc = sql_int("INSERT INTO documents (org_id, request_id, seq, type, title, pdf) "
	                        "VALUES ($1, $2, 1, 'answer', 'Odpowiedź na wniosek', "
	                        "convert_to('%PDF-1.4 zażółć', 'UTF8')) RETURNING id",
	                        2, d);
	char subject[64];
	snprintf(subject, sizeof subject, "Odpowiedź z załącznikiem [%d]", run);
	PGconn *c = h_db();
	assert_true(outbox_enqueue(c, org_id, req, "jan@example.org", subject, "W załączeniu.", doc));
	PQfinish(c);
	assert_true(wait_sink_count(subject, 1, 15));
	struct received r[1];
	assert_int_equal(sink_find(subject, r, 1), 1);
	assert_non_null(strstr(r[0].raw, "Content-Type: multipart/mixed; boundary="));
	assert_non_null(strstr(r[0].raw, "Content-Type: application/pdf;"));
	/* RFC 2231: "Odpowiedź na wniosek.pdf" */
	assert_non_null(strstr(r[0].raw, "filename*0*=UTF-8''Odpowied%C5%BA%20na%20wniosek.pdf"));
	/* base64("%PDF-1.4 zażółć") */
	assert_non_null(strstr(r[0].raw, "JVBERi0xLjQgemHFvMOzxYLEhw=="));
	char *body = decoded_body(r[0].raw);
	assert_string_equal(body, "W załączeniu.");
	free(body);
	received_free(r, 1);
}

/* --- (b) the SMTP server goes away ----------------------------------------- */

static void test_killed_smtp_server_delays_mail_without_losing_it(void **state)
{
	sink_start();
	start_server_with_smtp();
	sink_kill();
	char subject[80];
	snprintf(subject, sizeof subject, "Opóźniona wiadomość [%d]", run);
	long long id = enqueue("anna@example.org", subject, "Treść opóźnionej wiadomości.");
	/* Tried, failed, tried again after the backoff: still pending. */
	assert_true(wait_attempts(id, 2, 15));
	char *status = row_field(id, "status"), *err = row_field(id, "last_error");
	assert_string_equal(status, "pending");
	assert_non_null(err);
	assert_non_null(strstr(err, "SMTP"));
	free(status), free(err);
	/* The next attempt waits: it was pushed past the moment of queueing. */
	char *later = row_field(id, "next_attempt_at > created_at");
	assert_string_equal(later, "true");
	free(later);

	sink_start(); /* same port */
	assert_true(wait_status(id, "sent", 15));
	assert_int_equal(sink_count(subject), 1);
	usleep(500000); /* several more polls: never a second copy */
	assert_int_equal(sink_count(subject), 1);
	char *sent_err = row_field(id, "last_error");
	assert_null(sent_err);
	free(sent_err);
}

/* --- (c) no SMTP server configured ----------------------------------------- */

static void test_without_smtp_each_message_becomes_an_eml_file(void **state)
{
	char base[] = "/tmp/jawnosc-mail-XXXXXX";
	assert_non_null(mkdtemp(base));
	char dir[128], env_dir[160];
	snprintf(dir, sizeof dir, "%s/var/mail", base); /* created by the server */
	snprintf(env_dir, sizeof env_dir, "JAWNOSC_MAIL_DIR=%s", dir);
	const char *env[] = {"JAWNOSC_SMTP_URL=", env_dir, "JAWNOSC_MAIL_POLL_MS=100", NULL};
	h_server_start(env);
	char subject[80];
	snprintf(subject, sizeof subject, "Wiadomość do pliku — żółw [%d]", run);
	long long id = enqueue("piotr@example.org", subject, POLISH_BODY);
	assert_true(wait_status(id, "sent", 15));

	DIR *d = opendir(dir);
	assert_non_null(d);
	int files = 0;
	char path[512] = "";
	char prefix[32];
	snprintf(prefix, sizeof prefix, "%lld-", id);
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		files++; /* no temporary file left behind either */
		assert_true(strncmp(e->d_name, prefix, strlen(prefix)) == 0);
		assert_string_equal(e->d_name + strlen(e->d_name) - 4, ".eml");
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
	}
	closedir(d);
	assert_int_equal(files, 1);
	char *raw = read_file(path);
	char *subj = decoded_header(raw, "Subject"), *body = decoded_body(raw);
	assert_string_equal(subj, subject);
	assert_string_equal(body, POLISH_BODY);
	assert_non_null(strstr(raw, "\r\nMIME-Version: 1.0\r\n"));
	free(subj), free(body), free(raw);

	assert_int_equal(h_server_stop(), 0);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
	assert_int_equal(system(cmd), 0);
}

/* In a deployment for several bodies a body's message is under its own
 * name, from the configured address; a name with quotes and line breaks
 * (put in by SQL) slips no header in. Only the address of JAWNOSC_MAIL_FROM
 * stays, the one the mail server sends for. The second body is removed
 * afterwards: the tests before expect one. */
static void test_each_body_sends_under_its_own_name(void **state)
{
	long long other = sql_int("INSERT INTO organisations (slug, name) VALUES ('drugi', "
	                          "E'Urząd \\\"Drugi\\\"\\r\\nBcc: ukryty@example.org') RETURNING id",
	                          0, NULL);
	assert_true(other > 0);
	sink_start();
	start_server_with_smtp();
	char subject[120];
	snprintf(subject, sizeof subject, "Wiadomość drugiego urzędu [%d]", run);
	PGconn *c = h_db();
	assert_true(outbox_enqueue(c, other, 0, "ola@example.org", subject, POLISH_BODY, 0));
	PQfinish(c);
	const char *p[] = {subject};
	long long id = sql_int("SELECT max(id) FROM outbox WHERE subject = $1", 1, p);
	assert_true(wait_status(id, "sent", 15));
	struct received r[2];
	assert_int_equal(sink_find(subject, r, 2), 1);
	char *from = decoded_header(r[0].raw, "From");
	assert_string_equal(from, "Urząd \"Drugi\"  Bcc: ukryty@example.org <jawnosc@localhost>");
	const char *head_end = strstr(r[0].raw, "\r\n\r\n");
	const char *bcc = strstr(r[0].raw, "\r\nBcc:");
	assert_true(!bcc || bcc > head_end);
	/* The envelope is the configured address, whoever the body. */
	assert_string_equal(r[0].envelope, "jawnosc@localhost\nola@example.org\n");
	free(from);
	received_free(r, 1);
	/* A name of 300 characters (the column's limit; 2 bytes each) is cut
	 * at a character with "…", and the mail goes; an ASCII one is a quoted
	 * string with its quotes and backslashes escaped. */
	static const struct {
		const char *sql, *from_start, *from_end;
	} names[] = {
	    {"UPDATE organisations SET name = repeat('Łódź ', 60) WHERE slug = 'drugi'", "Łódź Łódź",
	     "Łód… <jawnosc@localhost>"},
	    {"UPDATE organisations SET name = E'Urzad \\\"A\\\\B\\\"' WHERE slug = 'drugi'",
	     "\"Urzad \\\"A\\\\B\\\"\" <jawnosc@localhost>", ""},
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		free(sql_value(names[i].sql, 0, NULL));
		snprintf(subject, sizeof subject, "Nazwa %zu drugiego urzędu [%d]", i, run);
		c = h_db();
		assert_true(outbox_enqueue(c, other, 0, "ola@example.org", subject, POLISH_BODY, 0));
		PQfinish(c);
		id = sql_int("SELECT max(id) FROM outbox WHERE subject = $1", 1, p);
		assert_true(wait_status(id, "sent", 15));
		assert_int_equal(sink_find(subject, r, 2), 1);
		from = decoded_header(r[0].raw, "From");
		if (strncmp(from, names[i].from_start, strlen(names[i].from_start)) != 0 ||
		    strlen(from) < strlen(names[i].from_end) ||
		    strcmp(from + strlen(from) - strlen(names[i].from_end), names[i].from_end) != 0)
			fprintf(stderr, "From: %s\n", from);
		assert_int_equal(strncmp(from, names[i].from_start, strlen(names[i].from_start)), 0);
		assert_string_equal(from + strlen(from) - strlen(names[i].from_end), names[i].from_end);
		free(from);
		received_free(r, 1);
	}
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", other);
	const char *q[] = {ids};
	free(sql_value("DELETE FROM outbox WHERE org_id = $1", 1, q));
	free(sql_value("DELETE FROM organisations WHERE id = $1", 1, q));
}

/* --- (d) two instances ------------------------------------------------------ */

static void test_two_instances_deliver_each_of_30_messages_exactly_once(void **state)
{
	sink_start();
	start_server_with_smtp();
	const char *env[] = {smtp_env, "JAWNOSC_MAIL_POLL_MS=100", "JAWNOSC_MAIL_RETRY_BASE=1",
	                     NULL};
	pid_t other = h_server_start_other(env, NULL);
	assert_true(other > 0);

	/* All 30 appear at once, in one transaction, as a busy moment would. */
	PGconn *c = h_db();
	PQclear(PQexec(c, "BEGIN"));
	char tag[40];
	snprintf(tag, sizeof tag, "Wiadomość zbiorcza %d/", run);
	for (int i = 0; i < 30; i++) {
		char subject[80];
		snprintf(subject, sizeof subject, "%s%02d", tag, i);
		assert_true(outbox_enqueue(c, org_id, 0, "urzad@example.org", subject, "x", 0));
	}
	PGresult *r = PQexec(c, "COMMIT");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	PQfinish(c);

	const char *p[] = {tag};
	for (double end = now_s() + 20; now_s() < end; usleep(100000))
		if (sql_int("SELECT count(*) FROM outbox WHERE status = 'sent' AND "
		            "starts_with(subject, $1)",
		            1, p) == 30)
			break;
	assert_int_equal(sql_int("SELECT count(*) FROM outbox WHERE status = 'sent' AND "
	                         "starts_with(subject, $1) AND attempts = 1",
	                         1, p),
	                 30);
	usleep(500000);
	struct received got[40];
	int n = sink_find(tag, got, 40);
	assert_int_equal(n, 30);
	/* Each subject once, each Message-ID once. */
	for (int i = 0; i < n; i++) {
		char *id_i = decoded_header(got[i].raw, "Message-ID");
		for (int j = i + 1; j < n; j++) {
			assert_string_not_equal(got[i].subject, got[j].subject);
			char *id_j = decoded_header(got[j].raw, "Message-ID");
			assert_string_not_equal(id_i, id_j);
			free(id_j);
		}
		free(id_i);
	}
	received_free(got, n);
	assert_int_equal(h_server_stop_other(other), 0);
}

/* --- (e) bad recipients ------------------------------------------------------ */

static void test_recipient_with_crlf_fails_at_once_and_injects_nothing(void **state)
{
	sink_start();
	start_server_with_smtp();
	char subject[80], subject2[120];
	snprintf(subject, sizeof subject, "Zły adresat [%d]", run);
	long long bad = enqueue("jan@example.org\r\nBcc: victim@example.org", subject, "x");
	long long junk = enqueue("to nie jest adres", subject, "y");
	snprintf(subject2, sizeof subject2, "Temat [%d]\r\nBcc: victim@example.org", run);
	long long ok = enqueue("jan@example.org", subject2, "z");
	assert_true(wait_status(bad, "failed", 15));
	assert_true(wait_status(junk, "failed", 15));
	assert_true(wait_status(ok, "sent", 15));

	char *err = row_field(bad, "last_error"), *attempts = row_field(bad, "attempts");
	assert_string_equal(err, "invalid recipient address: contains CR or LF");
	assert_string_equal(attempts, "1");
	char *err2 = row_field(junk, "last_error");
	assert_string_equal(err2, "invalid recipient address: is not an e-mail address");
	free(err), free(attempts), free(err2);

	/* Only the good one arrived, with no Bcc header and no CR/LF left in its
	 * subject; the victim is in no envelope. */
	char needle[32];
	snprintf(needle, sizeof needle, "[%d]", run);
	struct received r[4];
	int n = sink_find(needle, r, 4);
	assert_int_equal(n, 1);
	const char *hdr_end = strstr(r[0].raw, "\r\n\r\n");
	for (const char *line = r[0].raw; line < hdr_end; line = strstr(line, "\r\n") + 2)
		assert_true(strncasecmp(line, "Bcc:", 4) != 0);
	assert_null(strstr(r[0].envelope, "victim"));
	assert_null(strpbrk(r[0].subject, "\r\n"));
	assert_non_null(strstr(r[0].subject, " Bcc: victim@example.org"));
	received_free(r, n);
}

/* A mailbox the SMTP server refuses for good (550) is not retried 12 times. */
static void test_recipient_refused_by_smtp_server_fails_for_good(void **state)
{
	sink_start();
	start_server_with_smtp();
	char subject[64];
	snprintf(subject, sizeof subject, "Odrzucony [%d]", run);
	long long id = enqueue("nikt@reject.test", subject, "x");
	assert_true(wait_status(id, "failed", 15));
	char *err = row_field(id, "last_error"), *attempts = row_field(id, "attempts");
	assert_non_null(strstr(err, "550"));
	assert_string_equal(attempts, "1");
	free(err), free(attempts);
	assert_int_equal(sink_count(subject), 0);
}

/* --- shutdown and start-up --------------------------------------------------- */

/* An SMTP server that accepts the connection and never says a word: SIGTERM
 * still stops the server at once, and the message stays pending, untried. */
static void test_sigterm_during_a_stalled_transfer_exits_promptly(void **state)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	socklen_t sl = sizeof sa;
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	char env_url[64];
	snprintf(env_url, sizeof env_url, "JAWNOSC_SMTP_URL=smtp://127.0.0.1:%u", ntohs(sa.sin_port));
	const char *env[] = {env_url, "JAWNOSC_MAIL_POLL_MS=100", NULL};
	h_server_start(env);
	char subject[64];
	snprintf(subject, sizeof subject, "Zawieszony serwer [%d]", run);
	long long id = enqueue("jan@example.org", subject, "x");
	/* The kernel completes the handshake: the job now waits for a greeting. */
	usleep(1500000);
	double t0 = now_s();
	assert_int_equal(h_server_stop(), 0);
	double took = now_s() - t0;
	close(fd);
	if (took > 4.0)
		fail_msg("stopping took %.1f s", took);
	char *status = row_field(id, "status"), *attempts = row_field(id, "attempts");
	assert_string_equal(status, "pending");
	assert_string_equal(attempts, "0");
	free(status), free(attempts);
}

static void test_bad_mail_settings_stop_startup_with_a_clear_message(void **state)
{
	setenv("JAWNOSC_LISTEN", "127.0.0.1:0", 1);
	const char *args[] = {"serve", NULL};
	char *out = NULL;
	setenv("JAWNOSC_SMTP_URL", "http://mail.example.org", 1);
	int rc = h_cli(&out, args);
	bool said = strstr(out, "JAWNOSC_SMTP_URL must start with smtp:// or smtps://") != NULL;
	if (rc != 1 || !said)
		fprintf(stderr, "serve said (%d): %s\n", rc, out);
	free(out);
	assert_int_equal(rc, 1);
	assert_true(said);
	unsetenv("JAWNOSC_SMTP_URL");
	setenv("JAWNOSC_MAIL_FROM", "Jawność <nie adres>", 1);
	rc = h_cli(&out, args);
	said = strstr(out, "JAWNOSC_MAIL_FROM=\"Jawność <nie adres>\" holds no valid e-mail address");
	if (rc != 1 || !said)
		fprintf(stderr, "serve said (%d): %s\n", rc, out);
	free(out);
	assert_int_equal(rc, 1);
	assert_true(said);
	unsetenv("JAWNOSC_MAIL_FROM");
	unsetenv("JAWNOSC_LISTEN");
}

int main(void)
{
	h_setup_db("mail");
	u_seed_demo(); /* the organisation that the API files into */
	org_id = sql_int("SELECT min(id) FROM organisations", 0, NULL);
	if (org_id <= 0)
		return 1;

	snprintf(sink_dir, sizeof sink_dir, "/tmp/jawnosc-sink-%d-XXXXXX", (int)getpid());
	if (!mkdtemp(sink_dir))
		return 1;
	sink_port = free_port();
	snprintf(smtp_env, sizeof smtp_env, "JAWNOSC_SMTP_URL=smtp://127.0.0.1:%u", sink_port);

	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_polish_acknowledgement_reaches_the_smtp_server,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_acknowledgement_of_a_filed_request_reaches_smtp_with_case_number, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_document_pdf_is_attached, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_killed_smtp_server_delays_mail_without_losing_it,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_without_smtp_each_message_becomes_an_eml_file,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_two_instances_deliver_each_of_30_messages_exactly_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        test_recipient_with_crlf_fails_at_once_and_injects_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_recipient_refused_by_smtp_server_fails_for_good,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sigterm_during_a_stalled_transfer_exits_promptly,
	                                    setup, teardown),
	    cmocka_unit_test(test_bad_mail_settings_stop_startup_with_a_clear_message),
	    cmocka_unit_test_setup_teardown(test_each_body_sends_under_its_own_name, setup, teardown),
	};
	int failed = cmocka_run_group_tests_name("mail", tests, NULL, NULL);
	sink_kill();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", sink_dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", sink_dir);
	h_teardown();
	return failed;
}
