/* SPDX-License-Identifier: EUPL-1.2 */
/* The e-Doręczenia inbox (cases/edor_inbox.c, docs/inbound.md "IMAP and
 * the e-Doręczenia inbox") against the stand-in (tests/edor_standin.py),
 * which checks every request against the User Agent API yaml and its own
 * answers against the yaml's schemas: a message put into the stand-in's
 * inbox is stored once as an RFC 5322 message that Python's own e-mail
 * parser reads back (sender, subject, date, text, both attachments byte
 * for byte, one of them only from the attachment endpoint), across two
 * job runs (a restarted server) and two instances at once; the service
 * down loses nothing.
 *
 * The yaml is read from JAWNOSC_UAAPI_YAML, by default
 * ../shared/specs/edoreczenia/uaapi_3.0.8.1.yaml; without it every test is
 * skipped with a loud message. */
#include <arpa/inet.h>
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
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "integration/cases_util.h"

#define DIR "build/test-logs/edor-inbox"
#define THEIR_ADE "AE:PL-55555-44444-XYZWV-01"
#define NOW "2026-03-02T09:00:00Z"

#include "integration/edor_util.h"

static char env_url[128], env_token[128];

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *sql_value(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *sql_value(const char *fmt, ...)
{
	char sql[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(sql, sizeof sql, fmt, ap);
	va_end(ap);
	PGconn *c = h_db();
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQerrorMessage(c));
	char *v = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ? strdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	PQfinish(c);
	return v;
}

static long long stored(void)
{
	char *v = sql_value("SELECT count(*) FROM inbound_messages WHERE source = 'edoreczenia'");
	long long n = v ? atoll(v) : -1;
	free(v);
	return n;
}

static bool wait_stored(long long want, double seconds)
{
	for (double end = now_s() + seconds; now_s() < end; usleep(100000))
		if (stored() >= want)
			return true;
	fprintf(stderr, "stored %lld, wanted %lld\n", stored(), want);
	return false;
}

/* --- the stand-in (integration/edor_util.h starts it) ------------------------- */

/* POSTs a control command; the answer's "received" (malloc'd) or NULL. */
static char *control(const char *json)
{
	const char *hdr[] = {"Content-Type: application/json", NULL};
	struct hresp r;
	h_request_port(ctl_port, "POST", "/control", hdr, json, strlen(json), &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	const char *id = u_str(j, "received");
	char *out = id ? strdup(id) : NULL;
	json_decref(j);
	h_free(&r);
	return out;
}

static const char *const *server_env(void)
{
	static const char *env[16];
	size_t i = 0;
	env[i++] = "JAWNOSC_FAKE_NOW=" NOW;
	env[i++] = env_url;
	env[i++] = env_token;
	env[i++] = "JAWNOSC_EDORECZENIA_ADDRESS=" OUR_ADE;
	env[i++] = "JAWNOSC_EDORECZENIA_SYSTEM_NAME=" SYSTEM;
	env[i++] = "JAWNOSC_EDORECZENIA_KEY=" DIR "/client.key";
	env[i++] = "JAWNOSC_EDORECZENIA_CERT=" DIR "/client.pem";
	env[i++] = "JAWNOSC_EDORECZENIA_CA=" DIR "/ca.pem";
	env[i++] = "JAWNOSC_EDORECZENIA_INBOX_POLL_MS=100";
	env[i++] = "JAWNOSC_DEFAULT_ORG=mon";
	env[i] = NULL;
	return env;
}

static int setup(void **state)
{
	(void)state;
	standin_up("test_edor_inbox");
	if (!have_yaml)
		return 0;
	free(control("{\"now\": \"" NOW "\"}"));
	snprintf(env_url, sizeof env_url, "JAWNOSC_EDORECZENIA_URL=https://127.0.0.1:%u/api/v1",
	         api_port);
	snprintf(env_token, sizeof env_token,
	         "JAWNOSC_EDORECZENIA_TOKEN_URL=https://127.0.0.1:%u/token", api_port);
	h_server_start(server_env());
	return 0;
}

static int teardown(void **state)
{
	int rc = have_yaml ? h_stop_server(state) : 0;
	standin_stop();
	return rc;
}

#define NEED_YAML()                                                                            \
	do {                                                                                   \
		if (!have_yaml)                                                                \
			skip();                                                                \
	} while (0)

/* --- reading the stored message back, with Python's e-mail parser -------------- */

static const char reader[] =
    "import sys, json, hashlib, email, email.policy\n"
    "m = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=email.policy.default)\n"
    "f = m['From'].addresses[0]\n"
    "atts = [{'name': p.get_filename(), 'type': p.get_content_type(),\n"
    "         'sha': hashlib.sha256(p.get_payload(decode=True)).hexdigest(),\n"
    "         'hash': p['X-Edoreczenia-Hash'], 'description': p['Content-Description']}\n"
    "        for p in m.iter_attachments()]\n"
    "text = m.get_body(('plain',)).get_content().replace('\\r\\n', '\\n')\n"
    "print(json.dumps({'from_name': f.display_name, 'from_addr': f.addr_spec,\n"
    "  'subject': m['Subject'], 'date': m['Date'], 'text': text, 'attachments': atts,\n"
    "  'ade': m['X-Edoreczenia-From'], 'id': m['X-Edoreczenia-Message-Id'],\n"
    "  'defects': len(m.defects)}))\n";

static json_t *read_back(long long row)
{
	char path[256], cmd[512];
	snprintf(path, sizeof path, DIR "/message-%lld.eml", row);
	PGconn *c = h_db();
	char ids[24];
	snprintf(ids, sizeof ids, "%lld", row);
	const char *p[] = {ids};
	PGresult *r = PQexecParams(c, "SELECT raw FROM inbound_messages WHERE id = $1", 1, NULL, p,
	                           NULL, NULL, 1);
	assert_int_equal(PQntuples(r), 1);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fwrite(PQgetvalue(r, 0, 0), 1, (size_t)PQgetlength(r, 0, 0), f);
	fclose(f);
	PQclear(r);
	PQfinish(c);
	f = fopen(DIR "/reader.py", "w");
	assert_non_null(f);
	fputs(reader, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "python3 " DIR "/reader.py %s", path);
	FILE *pp = popen(cmd, "r");
	assert_non_null(pp);
	strbuf_t out;
	sb_init(&out, NULL);
	sb_puts(&out, "");
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, pp)) > 0)
		sb_append(&out, buf, n);
	assert_int_equal(pclose(pp), 0);
	json_error_t e;
	json_t *j = json_loads(out.data, 0, &e);
	if (!j)
		fail_msg("reader: %s", out.data);
	sb_free(&out);
	return j;
}

static const char *jstr(json_t *j, const char *k)
{
	const char *s = json_string_value(json_object_get(j, k));
	return s ? s : "(none)";
}

/* --- the tests -------------------------------------------------------------------- */

static void test_a_received_message_is_stored_once_across_two_job_runs(void **state)
{
	NEED_YAML();
	(void)state;
	static const char pdf[] = "%PDF-1.4\n% skan wniosku\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	static const char txt[] = "Lista umów: 1/2025, 2/2025.\nŻółć.\n";
	char b64pdf[256], b64txt[256], cmd[2048];
	sodium_bin2base64(b64pdf, sizeof b64pdf, (const unsigned char *)pdf, sizeof pdf - 1,
	                  sodium_base64_VARIANT_ORIGINAL);
	sodium_bin2base64(b64txt, sizeof b64txt, (const unsigned char *)txt, sizeof txt - 1,
	                  sodium_base64_VARIANT_ORIGINAL);
	snprintf(cmd, sizeof cmd,
	         "{\"receive\": {\"from\": \"" THEIR_ADE "\", \"firstName\": \"Zofia\", "
	         "\"lastName\": \"Wiśniewska\", \"subject\": \"Wniosek o udostępnienie informacji "
	         "publicznej – umowy zawarte w 2025 roku, z aneksami i załącznikami\", "
	         "\"text\": \"Dzień dobry,\\nproszę o rejestr umów.\\n\\nZofia Wiśniewska\", "
	         "\"submitted\": \"2026-03-02T08:30:00Z\", "
	         "\"attachments\": [{\"filename\": \"wniosek skan.pdf\", \"contentType\": "
	         "\"application/pdf\", \"description\": \"Skan wniosku\", \"content\": \"%s\"}, "
	         "{\"filename\": \"załącznik ż.txt\", \"contentType\": \"text/plain\", "
	         "\"content\": \"%s\", \"inline\": false}]}}",
	         b64pdf, b64txt);
	char *id = control(cmd);
	assert_non_null(id);
	assert_true(wait_stored(1, 20));
	char *row = sql_value("SELECT id || ' ' || external_ref || ' ' || envelope_from || ' ' || "
	                      "envelope_to || ' ' || (org_id = (SELECT id FROM organisations WHERE "
	                      "slug = 'mon'))::text || ' ' || received_on FROM inbound_messages "
	                      "WHERE source = 'edoreczenia'");
	char want[512];
	long long rid = atoll(row);
	snprintf(want, sizeof want, "%lld %s " THEIR_ADE " " OUR_ADE " true 2026-03-02", rid, id);
	assert_string_equal(row, want);
	free(row);

	json_t *m = read_back(rid);
	assert_string_equal(jstr(m, "from_name"), "Zofia Wiśniewska");
	assert_string_equal(jstr(m, "from_addr"), "\"" THEIR_ADE "\"@e-doreczenia.invalid");
	assert_string_equal(jstr(m, "ade"), THEIR_ADE);
	assert_string_equal(jstr(m, "id"), id);
	assert_string_equal(jstr(m, "subject"),
	                    "Wniosek o udostępnienie informacji publicznej – umowy zawarte w 2025 "
	                    "roku, z aneksami i załącznikami");
	assert_string_equal(jstr(m, "date"), "Mon, 02 Mar 2026 08:30:00 +0000");
	assert_string_equal(jstr(m, "text"), "Dzień dobry,\nproszę o rejestr umów.\n\nZofia Wiśniewska");
	assert_int_equal(json_integer_value(json_object_get(m, "defects")), 0);
	json_t *atts = json_object_get(m, "attachments");
	assert_int_equal(json_array_size(atts), 2);
	unsigned char h[32];
	char hex[65];
	crypto_hash_sha256(h, (const unsigned char *)pdf, sizeof pdf - 1);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	json_t *a0 = json_array_get(atts, 0), *a1 = json_array_get(atts, 1);
	assert_string_equal(jstr(a0, "name"), "wniosek skan.pdf");
	assert_string_equal(jstr(a0, "type"), "application/pdf");
	assert_string_equal(jstr(a0, "sha"), hex);
	assert_string_equal(jstr(a0, "hash"), "verified");
	assert_string_equal(jstr(a0, "description"), "Skan wniosku");
	crypto_hash_sha256(h, (const unsigned char *)txt, sizeof txt - 1);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	assert_string_equal(jstr(a1, "name"), "załącznik ż.txt");
	assert_string_equal(jstr(a1, "sha"), hex);
	assert_string_equal(jstr(a1, "hash"), "verified");
	json_decref(m);

	/* More rounds, then a second run of the job in a new process: the
	 * message is not read again, nothing is stored twice. */
	usleep(800000);
	assert_int_equal(stat_of("inbox_reads"), 1);
	assert_int_equal(h_server_stop(), 0);
	h_server_start(server_env());
	usleep(1500000);
	assert_int_equal(stored(), 1);
	assert_int_equal(stat_of("inbox_reads"), 1);
	/* The new process's job does list the box: a message received now is
	 * read and stored, and only that one is read. */
	free(control("{\"receive\": {\"from\": \"" THEIR_ADE "\", \"firstName\": \"Zofia\", "
	             "\"lastName\": \"Wiśniewska\", \"subject\": \"Uzupełnienie\", "
	             "\"text\": \"Jeszcze jedno.\", \"submitted\": \"2026-03-02T08:31:00Z\"}}"));
	assert_true(wait_stored(2, 20));
	usleep(500000);
	assert_int_equal(stored(), 2);
	assert_int_equal(stat_of("inbox_reads"), 2);
	assert_true(h_metric(h_port(), "jawnosc_edoreczenia_inbox_failures_total") == 0);
	free(id);
	assert_no_violations();
}

/* The cursor lost (a restore, a new deployment on the same box) and two
 * instances at once: each message still one row. */
static void test_two_instances_and_a_lost_cursor_store_each_message_once(void **state)
{
	NEED_YAML();
	(void)state;
	long long before = stored();
	h_sql("DELETE FROM edor_inbox_cursors");
	unsigned other_port;
	pid_t other = h_server_start_other(server_env(), &other_port);
	for (int i = 0; i < 6; i++) {
		char cmd[512];
		snprintf(cmd, sizeof cmd,
		         "{\"receive\": {\"from\": \"" THEIR_ADE "\", \"companyName\": \"Fundacja "
		         "Jawności\", \"subject\": \"Pismo %d\", \"text\": \"Treść pisma %d.\", "
		         "\"submitted\": \"2026-03-02T08:4%d:00Z\"}}",
		         i, i, i);
		free(control(cmd));
	}
	assert_true(wait_stored(before + 6, 20));
	usleep(1000000);
	assert_int_equal(stored(), before + 6);
	char *n = sql_value("SELECT count(DISTINCT external_ref) FROM inbound_messages WHERE "
	                    "source = 'edoreczenia'");
	assert_int_equal(atoll(n), before + 6);
	free(n);
	char *cur = sql_value("SELECT seen_until::text FROM edor_inbox_cursors WHERE address = '" OUR_ADE
	                      "'");
	assert_non_null(cur);
	assert_string_equal(cur, "2026-03-02 08:45:00+00");
	free(cur);
	assert_int_equal(h_server_stop_other(other), 0);
	assert_no_violations();
}

static void test_service_down_loses_nothing(void **state)
{
	NEED_YAML();
	(void)state;
	long long before = stored();
	double failures = h_metric(h_port(), "jawnosc_edoreczenia_inbox_failures_total");
	free(control("{\"mode\": \"fail\"}"));
	free(control("{\"receive\": {\"from\": \"" THEIR_ADE "\", \"firstName\": \"Jan\", "
	             "\"lastName\": \"Nowak\", \"subject\": \"Gdy usługa nie działa\", "
	             "\"text\": \"Proszę o informację.\", \"submitted\": \"2026-03-02T08:50:00Z\"}}"));
	bool failing = false;
	for (double end = now_s() + 10; now_s() < end && !failing; usleep(100000))
		failing = h_metric(h_port(), "jawnosc_edoreczenia_inbox_failures_total") >= failures + 2;
	assert_true(failing);
	assert_int_equal(stored(), before);
	free(control("{\"mode\": \"ok\"}"));
	assert_true(wait_stored(before + 1, 20));
	usleep(500000);
	assert_int_equal(stored(), before + 1);
	assert_no_violations();
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	h_setup_db("edor_inbox");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_a_received_message_is_stored_once_across_two_job_runs),
	    cmocka_unit_test(test_two_instances_and_a_lost_cursor_store_each_message_once),
	    cmocka_unit_test(test_service_down_loses_nothing),
	};
	int failed = cmocka_run_group_tests_name("edor_inbox", tests, setup, teardown);
	h_teardown();
	return failed;
}
