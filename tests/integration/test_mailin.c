/* SPDX-License-Identifier: EUPL-1.2 */
/* Mail in, nothing lost (issue 19 §1, docs/inbound.md): `jawnosc mailin`
 * run directly and behind an MTA stand-in (tests/mta_pipe.py on
 * python3-aiosmtpd, which pipes each message to mailin once per recipient
 * as Postfix's pipe(8) does and answers the SMTP client by mailin's exit
 * status), the real PostgreSQL, the parse job (`jawnosc mail parse`, and
 * the server's own job), the clock frozen.
 *
 * A request e-mailed to the office is stored at its arrival time and
 * parsed; an unreadable message is kept with its raw bytes intact; mailin
 * with the database unreachable or stopped exits 75 (the MTA answers 451)
 * and the same message delivered again afterwards is stored once; the same
 * message twice is one row (by its bytes, by its Message-ID); an
 * auto-reply and a bounce are classified; a message over the limit is
 * refused with 65; a 20 MB attachment arrives whole; Postfix's
 * environment and mbox "From " line are understood; a message for no known
 * address waits in `jawnosc mail unrouted` until assigned. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "cases/inbound.h"
#include "integration/harness.h"
#include "integration/mta_util.h"

#define CORPUS "tests/mail/corpus/"
#define LOGS "build/test-logs"
/* A Monday, 9:30 in Warsaw: the arrival of everything here. */
#define NOW "2090-03-03T08:30:00Z"
#define OURS "20900301101500.4f2a9c@bip.urzad.example.org"

static unsigned mta_port, broken_port;
static pid_t mta_pid, broken_pid;
static long long org_gmina, org_powiat;

/* ---- helpers ------------------------------------------------------------------ */

/* The first value of a query's single row (malloc'd), NULL for NULL. */
static char *sql_value(const char *sql, int n, const char *const *params)
{
	PGconn *c = h_db();
	PGresult *r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		fail_msg("%s: %s (%d rows)", sql, PQerrorMessage(c), PQntuples(r));
	char *v = PQgetisnull(r, 0, 0) ? NULL : strdup(PQgetvalue(r, 0, 0));
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

static void assert_sql(const char *expected, const char *sql, int n, const char *const *params)
{
	char *v = sql_value(sql, n, params);
	bool same = v && !strcmp(v, expected);
	if (!same)
		print_error("%s\n  gave \"%s\", expected \"%s\"\n", sql, v ? v : "(null)", expected);
	free(v);
	if (!same)
		fail();
}

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void sha_hex(const unsigned char *data, size_t len, char out[65])
{
	unsigned char sha[32];
	crypto_hash_sha256(sha, data, len);
	sodium_bin2hex(out, 65, sha, 32);
}

/* `jawnosc mailin ARGS < path` (a shell prefix such as "SENDER=x " may
 * come before); its exit status, its output in *out when not NULL. */
static int mailin_file(char **out, const char *env, const char *path, const char *const *args)
{
	char prog[1024];
	snprintf(prog, sizeof prog, "%sbin/jawnosc-asan mailin <'%s'", env ? env : "", path);
	return h_run(out, prog, args);
}

static int mailin_to(const char *path, const char *to)
{
	const char *args[] = {"--from", "nadawca@example.com", "--to", to, NULL};
	char *out = NULL;
	int rc = mailin_file(&out, NULL, path, args);
	if (rc != 0)
		fprintf(stderr, "mailin %s: %d: %s\n", path, rc, out);
	free(out);
	return rc;
}

static void parse_now(void)
{
	char *out = NULL;
	const char *args[] = {"mail", "parse", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0 || !strstr(out, "message(s) parsed"))
		fail_msg("mail parse: %d: %s", rc, out);
	free(out);
}

/* ---- fixtures -------------------------------------------------------------------- */

static int group_setup(void **state)
{
	if (sodium_init() < 0)
		return -1;
	mkdir(LOGS, 0755);
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	h_setup_db("mailin");
	org_gmina = sql_int("INSERT INTO organisations (slug, name, email) VALUES "
	                    "('gmina', 'Urząd Gminy', 'urzad@urzad.example.org') RETURNING id",
	                    0, NULL);
	org_powiat = sql_int("INSERT INTO organisations (slug, name, email) VALUES "
	                     "('powiat', 'Starostwo', 'kancelaria@starostwo.example.org') "
	                     "RETURNING id",
	                     0, NULL);
	mta_port = mta_free_port();
	mta_pid = mta_start(mta_port, NULL, LOGS "/mta_pipe.log");
	/* The same MTA whose mailin finds no database: a socket directory
	 * that does not exist. */
	broken_port = mta_free_port();
	broken_pid = mta_start(broken_port, "host=/nonexistent/jawnosc dbname=jawnosc",
	                       LOGS "/mta_pipe_broken.log");
	return 0;
}

static int group_teardown(void **state)
{
	if (mta_pid)
		kill(mta_pid, SIGTERM), waitpid(mta_pid, NULL, 0);
	if (broken_pid)
		kill(broken_pid, SIGTERM), waitpid(broken_pid, NULL, 0);
	h_teardown();
	return 0;
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_request_by_smtp_is_stored_at_its_arrival_time_and_parsed(void **state)
{
	const char *file = CORPUS "02-thunderbird-pdf.eml";
	assert_int_equal(smtp_send(mta_port, "p.zielinski@example.com", "urzad@urzad.example.org", file),
	                 250);
	const char *mid[] = {"a81b2c3d-0001-4e5f-8a9b-0c1d2e3f4a5b@example.com"};
	static const char row[] =
	    "SELECT concat_ws('|', org_id, source, envelope_from, envelope_to, "
	    "to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), received_on, "
	    "parsed_at IS NULL, status) FROM inbound_messages WHERE message_id = $1";
	char want[256];
	snprintf(want, sizeof want, "%lld|mailin|p.zielinski@example.com|urzad@urzad.example.org|%s|"
	         "2090-03-03|t|new", org_gmina, NOW);
	assert_sql(want, row, 1, mid);
	/* The raw bytes as the MTA piped them (lines ending in LF). */
	size_t len;
	unsigned char *raw = mta_read_file(file, &len);
	size_t o = 0;
	for (size_t i = 0; i < len; i++)
		if (!(raw[i] == '\r' && i + 1 < len && raw[i + 1] == '\n'))
			raw[o++] = raw[i];
	char hex[65];
	sha_hex(raw, o, hex);
	free(raw);
	assert_sql(hex, "SELECT encode(sha256(raw), 'hex') FROM inbound_messages WHERE message_id = $1",
	           1, mid);

	parse_now();
	assert_sql("message|Wniosek - zamówienia publiczne|p.zielinski@example.com|Piotr Zieliński|t|"
	           "2090-03-03 08:30:00+00|new",
	           "SELECT concat_ws('|', kind, subject, from_address, from_name, "
	           "body_text LIKE '%w załączeniu przesyłam wniosek%', "
	           "parsed_at AT TIME ZONE 'UTC' || '+00', status) "
	           "FROM inbound_messages WHERE message_id = $1",
	           1, mid);
	assert_sql("1|wniosek.pdf|application/pdf|125|t|t|f",
	           "SELECT concat_ws('|', p.seq, p.filename, p.content_type, p.size, "
	           "p.sha256 = sha256(p.data), p.readable, p.inline) FROM inbound_parts p "
	           "JOIN inbound_messages m ON m.id = p.message_id WHERE m.message_id = $1",
	           1, mid);
}

static void test_server_job_parses_what_mailin_stored(void **state)
{
	h_server_start(NULL);
	assert_int_equal(mailin_to(CORPUS "10-iso-8859-2-qp.eml", "urzad@urzad.example.org"), 0);
	const char *mid[] = {"20900311090000.GA1234@example.org"};
	char *subject = NULL;
	for (int i = 0; i < 150 && !subject; i++) {
		subject = sql_value("SELECT CASE WHEN parsed_at IS NOT NULL THEN subject END "
		                    "FROM inbound_messages WHERE message_id = $1",
		                    1, mid);
		if (!subject)
			usleep(100000);
	}
	assert_non_null(subject);
	assert_string_equal(subject, "Zapytanie o żywność w szkołach");
	free(subject);
	assert_int_equal(h_server_stop(), 0);
}

static void test_unreadable_message_is_kept_with_its_raw_bytes(void **state)
{
	const char *files[] = {CORPUS "29-broken-binary-garbage.eml", CORPUS "28-broken-no-headers.eml"};
	for (int i = 0; i < 2; i++) {
		assert_int_equal(mailin_to(files[i], "urzad@urzad.example.org"), 0);
		parse_now();
		size_t len;
		unsigned char *raw = mta_read_file(files[i], &len);
		char hex[65], size[24];
		sha_hex(raw, len, hex);
		free(raw);
		snprintf(size, sizeof size, "%zu", len);
		const char *p[] = {hex, size};
		char want[64];
		snprintf(want, sizeof want, "%lld|unreadable|t|t|new", org_gmina);
		/* Found by the hash of the file's bytes, all of them. */
		assert_sql(want,
		           "SELECT concat_ws('|', org_id, kind, length(raw) = $2::int, "
		           "parse_error LIKE '%nagłówków%', status) "
		           "FROM inbound_messages WHERE sha256 = decode($1, 'hex')",
		           2, p);
	}
}

static void test_database_down_means_75_and_a_redelivery_is_stored_once(void **state)
{
	const char *file = CORPUS "03-gmail-alternative.eml";
	const char *mid[] = {"CAF3xQ+9bZpL1kM0vXyYz2w7J4nE5uR6tS8aB1cD2eF3gH4iJ5k@mail.gmail.com"};
	static const char count[] = "SELECT count(*) FROM inbound_messages WHERE message_id = $1";
	/* mailin alone, its database unreachable. */
	const char *args[] = {"--to", "urzad@urzad.example.org", NULL};
	char *out = NULL;
	assert_int_equal(mailin_file(&out, "DATABASE_URL='host=/nonexistent/jawnosc dbname=x' ", file,
	                             args),
	                 75);
	assert_non_null(strstr(out, "try again later"));
	free(out);
	/* Behind the MTA: the client is told to come back later. */
	assert_int_equal(smtp_send(broken_port, "k.wisniewska@example.com", "urzad@urzad.example.org",
	                           file),
	                 451);
	/* The database stopped (the private cluster). */
	if (h_private_pg()) {
		h_pg_stop();
		int rc = mailin_file(NULL, NULL, file, args);
		h_pg_start();
		assert_int_equal(rc, 75);
	}
	assert_int_equal(sql_int(count, 1, mid), 0);
	/* The MTA tries again and again: one row. */
	assert_int_equal(smtp_send(mta_port, "k.wisniewska@example.com", "urzad@urzad.example.org",
	                           file),
	                 250);
	assert_int_equal(smtp_send(mta_port, "k.wisniewska@example.com", "urzad@urzad.example.org",
	                           file),
	                 250);
	/* The same message with CR LF (other bytes, the same Message-ID). */
	assert_int_equal(mailin_file(NULL, NULL, file, args), 0);
	assert_int_equal(sql_int(count, 1, mid), 1);
}

static void test_same_message_twice_is_one_row(void **state)
{
	const char *file = CORPUS "07-iphone-plain.eml";
	const char *args[] = {"--to", "urzad@urzad.example.org", NULL};
	char *out = NULL;
	assert_int_equal(mailin_file(&out, NULL, file, args), 0);
	assert_null(strstr(out, "duplicate"));
	free(out);
	assert_int_equal(mailin_file(&out, NULL, file, args), 0);
	assert_non_null(strstr(out, "duplicate"));
	free(out);
	/* A relay added a header: other bytes, the same Message-ID. */
	size_t len;
	unsigned char *raw = mta_read_file(file, &len);
	static const char hop[] = "Received: from relay.example.net by mx.urzad.example.org;\r\n"
	                          " Mon, 3 Mar 2090 09:29:59 +0100\r\n";
	unsigned char *more = malloc(len + sizeof hop);
	memcpy(more, hop, sizeof hop - 1);
	memcpy(more + sizeof hop - 1, raw, len);
	write_file(LOGS "/mailin-relayed.eml", more, len + sizeof hop - 1);
	free(more);
	free(raw);
	assert_int_equal(mailin_file(NULL, NULL, LOGS "/mailin-relayed.eml", args), 0);
	const char *mid[] = {"5E6F7A8B-1C2D-4E3F-9A0B-1C2D3E4F5A6B@example.com"};
	assert_int_equal(sql_int("SELECT count(*) FROM inbound_messages WHERE message_id = $1", 1, mid),
	                 1);
	/* No Message-ID at all: the bytes decide. */
	static const char bare[] = "From: Bez Identyfikatora <bez@example.com>\r\nSubject: bez id\r\n"
	                           "\r\nTresc.\r\n";
	write_file(LOGS "/mailin-no-id.eml", bare, sizeof bare - 1);
	assert_int_equal(mailin_file(NULL, NULL, LOGS "/mailin-no-id.eml", args), 0);
	assert_int_equal(mailin_file(NULL, NULL, LOGS "/mailin-no-id.eml", args), 0);
	assert_int_equal(sql_int("SELECT count(*) FROM inbound_messages WHERE message_id IS NULL AND "
	                         "envelope_from = '' AND raw = convert_to($1, 'UTF8')",
	                         1, (const char *const[]){bare}),
	                 1);
}

static void test_auto_reply_and_bounce_are_classified(void **state)
{
	assert_int_equal(mailin_to(CORPUS "19-exchange-oof.eml", "urzad@urzad.example.org"), 0);
	assert_int_equal(smtp_send(mta_port, "", "urzad@urzad.example.org",
	                           CORPUS "16-dsn-postfix.eml"),
	                 250);
	parse_now();
	/* Classified; the status is the route job's to change. */
	assert_sql("auto_reply|new|" OURS,
	           "SELECT concat_ws('|', kind, status, in_reply_to) FROM inbound_messages "
	           "WHERE message_id = 'oof19@EXCH02.example.net'",
	           0, NULL);
	assert_sql("bounce|new|" OURS "|nieistniejacy@example.com|MAILER-DAEMON",
	           "SELECT concat_ws('|', kind, status, bounce_of, bounce_recipient, envelope_from) "
	           "FROM inbound_messages "
	           "WHERE message_id = '20900319090005.5F6A7B8C9D@mx.urzad.example.org'",
	           0, NULL);
}

static void test_message_over_the_limit_or_empty_is_refused_with_65(void **state)
{
	const char *args[] = {"--to", "urzad@urzad.example.org", NULL};
	long before = sql_int("SELECT count(*) FROM inbound_messages", 0, NULL);
	size_t n = (size_t)INBOUND_RAW_MAX + 1;
	char *big = malloc(n);
	static const char head[] = "From: a@example.com\r\nSubject: za duzo\r\n\r\n";
	memset(big, 'x', n);
	memcpy(big, head, sizeof head - 1);
	write_file(LOGS "/mailin-too-big.eml", big, n);
	free(big);
	char *out = NULL;
	assert_int_equal(mailin_file(&out, NULL, LOGS "/mailin-too-big.eml", args), 65);
	assert_non_null(strstr(out, "larger than"));
	free(out);
	unlink(LOGS "/mailin-too-big.eml");
	write_file(LOGS "/mailin-empty.eml", "", 0);
	assert_int_equal(mailin_file(NULL, NULL, LOGS "/mailin-empty.eml", args), 65);
	assert_int_equal(sql_int("SELECT count(*) FROM inbound_messages", 0, NULL), before);
}

static void test_20_mb_attachment_arrives_whole(void **state)
{
	const size_t size = 20u * 1024 * 1024;
	unsigned char *data = malloc(size);
	uint32_t x = 19;
	for (size_t i = 0; i < size; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (unsigned char)(x >> 24);
	}
	char hex[65];
	sha_hex(data, size, hex);
	size_t b64len = sodium_base64_encoded_len(size, sodium_base64_VARIANT_ORIGINAL);
	char *b64 = malloc(b64len);
	sodium_bin2base64(b64, b64len, data, size, sodium_base64_VARIANT_ORIGINAL);
	free(data);
	FILE *f = fopen(LOGS "/mailin-20mb.eml", "wb");
	assert_non_null(f);
	fputs("From: Anna Nowak <anna.nowak@example.com>\r\nTo: urzad@urzad.example.org\r\n"
	      "Subject: Skany\r\nMessage-ID: <twenty-mb@example.com>\r\nMIME-Version: 1.0\r\n"
	      "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n"
	      "\r\nSkany dokumentacji.\r\n--b\r\nContent-Type: application/pdf; name=\"skany.pdf\"\r\n"
	      "Content-Transfer-Encoding: base64\r\n\r\n",
	      f);
	for (size_t i = 0; i < b64len - 1; i += 76) {
		fwrite(b64 + i, 1, b64len - 1 - i < 76 ? b64len - 1 - i : 76, f);
		fputs("\r\n", f);
	}
	fputs("--b--\r\n", f);
	fclose(f);
	free(b64);
	assert_int_equal(mailin_to(LOGS "/mailin-20mb.eml", "urzad@urzad.example.org"), 0);
	unlink(LOGS "/mailin-20mb.eml");
	parse_now();
	char want[128];
	snprintf(want, sizeof want, "message|skany.pdf|%zu|%s", size, hex);
	assert_sql(want,
	           "SELECT concat_ws('|', m.kind, p.filename, p.size, encode(p.sha256, 'hex')) "
	           "FROM inbound_parts p JOIN inbound_messages m ON m.id = p.message_id "
	           "WHERE m.message_id = 'twenty-mb@example.com' AND encode(sha256(p.data), 'hex') = "
	           "encode(p.sha256, 'hex')",
	           0, NULL);
}

static void test_postfix_environment_and_unrouted_mail(void **state)
{
	/* local(8)-style environment, an mbox "From " line, an address no
	 * organisation has (there are two). */
	static const char msg[] = "From nadawca@example.net Mon Mar  3 09:30:00 2090\n"
	                          "From: Nadawca <nadawca@example.net>\nTo: ktos@nieznany.example.net\n"
	                          "Subject: Do kogo?\nMessage-ID: <unrouted@example.net>\n\nPytanie.\n";
	write_file(LOGS "/mailin-unrouted.eml", msg, sizeof msg - 1);
	char *out = NULL;
	assert_int_equal(mailin_file(&out,
	                             "SENDER=nadawca@example.net "
	                             "ORIGINAL_RECIPIENT=ktos@nieznany.example.net ",
	                             LOGS "/mailin-unrouted.eml", NULL),
	                 0);
	free(out);
	assert_sql("t|nadawca@example.net|ktos@nieznany.example.net|t",
	           "SELECT concat_ws('|', org_id IS NULL, envelope_from, envelope_to, "
	           "raw = convert_to($1, 'UTF8')) FROM inbound_messages "
	           "WHERE message_id = 'unrouted@example.net'",
	           1, (const char *const[]){strchr(msg, '\n') + 1});
	char *id = sql_value("SELECT id FROM inbound_messages WHERE message_id = 'unrouted@example.net'",
	                     0, NULL);
	const char *list[] = {"mail", "unrouted", NULL};
	assert_int_equal(h_cli(&out, list), 0);
	char line[64];
	snprintf(line, sizeof line, "%s\t2090-03-03 09:30\tto ktos@nieznany.example.net", id);
	if (!strstr(out, line))
		fail_msg("mail unrouted lacks \"%s\":\n%s", line, out);
	free(out);
	const char *assign[] = {"mail", "assign", id, "--org", "powiat", NULL};
	assert_int_equal(h_cli(&out, assign), 0);
	free(out);
	char want[32];
	snprintf(want, sizeof want, "%lld", org_powiat);
	assert_sql(want, "SELECT org_id FROM inbound_messages WHERE id = $1", 1,
	           (const char *const[]){id});
	assert_int_equal(h_cli(&out, list), 0);
	assert_null(strstr(out, line));
	free(out);
	free(id);
	/* The organisation named by --org, whatever the recipient. */
	const char *org[] = {"--org", "powiat", "--to", "ktos@nieznany.example.net", NULL};
	assert_int_equal(mailin_file(NULL, NULL, CORPUS "09-android-gmail.eml", org), 0);
	assert_sql(want, "SELECT org_id FROM inbound_messages WHERE message_id = $1", 1,
	           (const char *const[]){"CAB1c2D3e4F5g6H7i8J9k0L_mobile@mail.gmail.com"});
	/* An unknown --org is the operator's mistake: try again later. */
	const char *bad[] = {"--org", "nie-ma-takiej", NULL};
	assert_int_equal(mailin_file(NULL, NULL, CORPUS "01-thunderbird-plain.eml", bad), 75);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_request_by_smtp_is_stored_at_its_arrival_time_and_parsed),
	    cmocka_unit_test(test_server_job_parses_what_mailin_stored),
	    cmocka_unit_test(test_unreadable_message_is_kept_with_its_raw_bytes),
	    cmocka_unit_test(test_database_down_means_75_and_a_redelivery_is_stored_once),
	    cmocka_unit_test(test_same_message_twice_is_one_row),
	    cmocka_unit_test(test_auto_reply_and_bounce_are_classified),
	    cmocka_unit_test(test_message_over_the_limit_or_empty_is_refused_with_65),
	    cmocka_unit_test(test_20_mb_attachment_arrives_whole),
	    cmocka_unit_test(test_postfix_environment_and_unrouted_mail),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
