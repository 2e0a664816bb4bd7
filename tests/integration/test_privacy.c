/* SPDX-License-Identifier: EUPL-1.2 */
/* Retention and erasure of requesters' personal data (issue 17 §3,
 * docs/privacy.md "Retention and erasure"). A requester with a
 * distinctive identity files online (with an attachment), the clerk
 * refuses in a decision whose reasons name her, issues it (mailed to her)
 * and publishes the case with the letter's public copy; the case is
 * closed. With the clock frozen past its retention period (5 years of
 * class 1431, counted from 1 January after the closing) the retention job
 * erases it: the requester row holds no name, e-mail, address, phone or IP,
 * the tracking link is dead, no table holds any of her data (text or
 * bytes) but the public copies, which never did, and `audit verify`
 * passes. A case of another class kept 10 years is left alone. Refusals:
 * an open case, a period still running; forced erasure; erased twice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "cases/privacy.h"
#include "cases/register.h"
#include "core/clock.h"
#include "integration/cases_util.h"

#define NOW "2026-11-06T09:00:00Z"
/* The last day of the period of a case closed in 2026 with 5 years, and
 * the day after it (Warsaw dates). */
#define LAST_DAY "2031-12-31T12:00:00Z"
#define LATER "2032-01-02T09:00:00Z"

static const char NAME[] = "Zenobia Pióro-Kwiatkowska";
static const char EMAIL[] = "zenobia.tajna@przyklad.example";
static const char ADDRESS[] = "ul. Sekretna 13/7, 61-234 Poznań";
static const char PHONE[] = "601 234 567";
/* What no table may hold after the erasure, in any case of the name. */
static const char *const NEVER[] = {"Zenobi", "Pióro-Kwiatkowsk", "zenobia.tajna",
                                    "Sekretna", "61-234", "601 234 567", "Tajny załącznik",
                                    "Pi=C3=B3ro"};

static struct u_staff clerk;
static char number[64], token[128], reuse_number[64];
static long long req_id, reuse_id, org_id;
static int seq;

static void start_at(const char *instant)
{
	setenv("JAWNOSC_FAKE_NOW", instant, 1); /* this process's services too */
	char fake[64];
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[] = {fake, "JAWNOSC_FILING_RATE=100000", "JAWNOSC_RETENTION_POLL_MS=100",
	                     NULL};
	h_server_start(env);
}

static int setup(void **state)
{
	(void)state;
	start_at(NOW);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	org_id = u_count("SELECT id FROM organisations WHERE slug = 'mon'");
	return 0;
}

static void part(char *body, size_t cap, int *n, const char *name, const char *value)
{
	*n += snprintf(body + *n, cap - (size_t)*n,
	               "--XyZ\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n", name, value);
	assert_true((size_t)*n < cap);
}

/* Files through the form (no consent box: none is asked), with an
 * attachment that names the requester; the tracking token into `token`. */
static void file_by_form(void)
{
	struct u_form fp;
	u_open_form(&fp);
	char body[16384], subject[256], content[512];
	snprintf(subject, sizeof subject, "Protokoły kontroli — wniosek Zenobii Pióro-Kwiatkowskiej");
	snprintf(content, sizeof content,
	         "Ja, %s, proszę o protokoły kontroli sanitarnych. Odpowiedź proszę na %s.", NAME,
	         EMAIL);
	int n = 0;
	part(body, sizeof body, &n, "csrf", fp.csrf);
	part(body, sizeof body, &n, "submission_id", fp.sid);
	part(body, sizeof body, &n, "kind", "public_information");
	part(body, sizeof body, &n, "subject", subject);
	part(body, sizeof body, &n, "content", content);
	part(body, sizeof body, &n, "delivery", "email");
	part(body, sizeof body, &n, "name", NAME);
	part(body, sizeof body, &n, "email", EMAIL);
	part(body, sizeof body, &n, "postal_address", ADDRESS);
	part(body, sizeof body, &n, "phone", PHONE);
	part(body, sizeof body, &n, "ade_address", "ae:pl-51234-67890-zenob-07");
	n += snprintf(body + n, sizeof body - (size_t)n,
	              "--XyZ\r\nContent-Disposition: form-data; name=\"attachment\"; "
	              "filename=\"Zenobia-wniosek.txt\"\r\nContent-Type: text/plain\r\n\r\n"
	              "Tajny załącznik: Zenobia Pióro-Kwiatkowska, ul. Sekretna 13/7.\r\n--XyZ--\r\n");
	const char *hdr[] = {"Content-Type: multipart/form-data; boundary=XyZ", fp.cookie, NULL};
	struct hresp r;
	h_request("POST", "/wniosek", hdr, body, (size_t)n, &r);
	if (r.status != 303)
		fprintf(stderr, "filing: %ld %.500s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	const char *loc = h_header(&r, "Location");
	const char *t = strstr(loc, "/sprawa/") + strlen("/sprawa/");
	snprintf(token, sizeof token, "%.*s", (int)strcspn(t, "/"), t);
	h_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT id FROM requests WHERE subject LIKE 'Protokoły kontroli%%'");
	req_id = u_count(sql);
	PGconn *c = h_db();
	snprintf(sql, sizeof sql, "SELECT case_number FROM requests WHERE id = %lld", req_id);
	PGresult *res = PQexec(c, sql);
	snprintf(number, sizeof number, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	PQfinish(c);
}

/* privacy_erase_request() as the data protection officer's page calls it:
 * in a transaction of its own, in this process (its clock is the
 * server's). */
struct erase {
	long long org, id;
	bool force;
	privacy_refusal_t refusal;
};

static enum db_status erase_tx(PGconn *c, void *vctx)
{
	struct erase *e = vctx;
	arena_t *a = arena_new(4096);
	enum db_status st = privacy_erase_request(c, a, e->org, e->id, "system",
	                                          "Żądanie usunięcia danych (art. 17 ust. 1 lit. a RODO).",
	                                          e->force, &e->refusal);
	arena_free(a);
	return st;
}

static privacy_refusal_t erase(long long org, long long id, bool force)
{
	PGconn *c = h_db();
	struct erase e = {org, id, force, PRIVACY_ERASE_OK};
	assert_int_equal(db_transaction(c, erase_tx, &e), DB_OK);
	PQfinish(c);
	return e.refusal;
}

static long requester_has_data(long long id)
{
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requesters WHERE request_id = %lld AND (email <> '' OR "
	         "postal_address <> '' OR phone <> '' OR ip IS NOT NULL OR name LIKE '%%Zenobi%%' OR "
	         "ade_address IS NOT NULL OR ade_source IS NOT NULL OR bae_checked_at IS NOT NULL OR "
	         "bae_failed_at IS NOT NULL)",
	         id);
	return u_count(sql);
}

static void test_open_case_is_never_erased(void **state)
{
	file_by_form();
	assert_true(req_id > 0);
	/* Her e-Doręczenia address, as the BAE writes it. */
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requesters WHERE request_id = %lld AND "
	         "ade_address = 'AE:PL-51234-67890-ZENOB-07' AND ade_source = 'requester'",
	         req_id);
	assert_int_equal(u_count(sql), 1);
	/* And the times the BAE was asked about her (cases/bae.h). */
	snprintf(sql, sizeof sql,
	         "UPDATE requesters SET bae_checked_at = now() - interval '1 hour', "
	         "bae_failed_at = now() WHERE request_id = %lld",
	         req_id);
	h_sql(sql);
	assert_int_equal(erase(org_id, req_id, false), PRIVACY_CASE_OPEN);
	assert_int_equal(erase(org_id, req_id, true), PRIVACY_CASE_OPEN);
	assert_int_equal(requester_has_data(req_id), 1);
	assert_int_equal(erase(org_id, 987654321, true), PRIVACY_NOT_FOUND);
	/* Another organisation's case is not found either. */
	assert_int_equal(erase(org_id + 1000, req_id, true), PRIVACY_NOT_FOUND);
}

/* The clerk refuses in a decision naming the requester, issues it (it is
 * mailed to her) and publishes the case with the letter's public copy. */
/* She also wrote by e-mail, with a file: the message arrives through
 * `jawnosc mailin`, is parsed, and the clerk attaches it to her case (the
 * incoming queue's "attach" sets these columns). */
static void she_writes_by_mail(void)
{
	char raw[2048];
	snprintf(raw, sizeof raw,
	         "From: Zenobia =?UTF-8?Q?Pi=C3=B3ro-Kwiatkowska?= <%s>\r\n"
	         "To: bip@mon.example\r\nSubject: Uzupełnienie od Zenobii\r\n"
	         "Message-ID: <zenobia-1@przyklad.example>\r\nMIME-Version: 1.0\r\n"
	         "Content-Type: multipart/mixed; boundary=b1\r\n\r\n"
	         "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	         "Piszę z ul. Sekretna 13/7, telefon 601 234 567.\r\n"
	         "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n"
	         "Content-Disposition: attachment; filename=\"Zenobia-skan.txt\"\r\n\r\n"
	         "Tajny załącznik drugi.\r\n--b1--\r\n",
	         EMAIL);
	const char *args[] = {"mailin", "--org", "mon", "--from", EMAIL, NULL};
	char *out = NULL;
	int rc = h_cli_stdin(&out, raw, args);
	if (rc != 0)
		fprintf(stderr, "mailin: %d %s\n", rc, out);
	assert_int_equal(rc, 0);
	free(out);
	u_wait_countf(1, "SELECT count(*) FROM inbound_messages WHERE parsed_at IS NOT NULL AND "
	                 "from_name LIKE 'Zenobia%%'");
	char sql[256];
	snprintf(sql, sizeof sql,
	         "UPDATE inbound_messages SET request_id = %lld, status = 'attached', "
	         "handled_at = now() WHERE message_id = 'zenobia-1@przyklad.example'",
	         req_id);
	h_sql(sql);
	assert_int_equal(u_countf("SELECT count(*) FROM inbound_parts WHERE filename = "
	                          "'Zenobia-skan.txt' AND data IS NOT NULL"),
	                 1);
}

static void test_case_is_decided_issued_and_published(void **state)
{
	char path[128];
	struct hresp r;
	she_writes_by_mail();
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", req_id);
	u_staff_post(&clerk, path,
	             "action=refuse&version=1&legal_basis=privacy"
	             "&text=Wniosek+Pani+Zenobii+Pi%C3%B3ro-Kwiatkowskiej+%28zenobia.tajna%40przyklad."
	             "example%29+dotyczy+protoko%C5%82%C3%B3w+z+danymi+os%C3%B3b+prywatnych."
	             "&persons=Zenobia+Pi%C3%B3ro-Kwiatkowska",
	             &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'",
	         req_id);
	seq = (int)u_count(sql);
	assert_true(seq >= 1);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%d", req_id, seq);
	/* Handed over in person: the decision leaves the body today and the
	 * refusal takes effect (issue 21 item 1); the requester's e-Doręczenia
	 * address would wait for that service's job. */
	u_send_letter_by(&clerk, path, "in_person");
	/* The step's texts are not in the hash-chained payload. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'refuse' AND "
	         "NOT data ? 'text' AND NOT data ? 'persons' AND data ? 'details_sha256'",
	         req_id);
	assert_int_equal(u_count(sql), 1);
	/* Published with a neutral subject and the letter's public copy. */
	struct actor who = {u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'"),
	                    org_id, 0, "clerk", "Urzędnik"};
	arena_t *a = arena_new(4096);
	struct svc_ctx ctx = {a, NULL, &who, clock_now()};
	struct register_draft d;
	assert_int_equal(register_proposal(&ctx, req_id, &d, NULL), OUT_OK);
	d.public_subject = "Protokoły kontroli sanitarnych";
	d.answer = "Odmówiono udostępnienia protokołów: zawierają dane osób prywatnych.";
	d.doc_seqs[d.ndocs++] = seq;
	const char *version;
	struct problem p = {0};
	assert_int_equal(register_publish(&ctx, req_id, &d, 0, &version, &p), OUT_OK);
	arena_free(a);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE id = %lld AND closed_on IS NOT NULL",
	         req_id);
	assert_int_equal(u_count(sql), 1);
}

/* A re-use request (class 1432) the organisation keeps 10 years,
 * withdrawn by its requester (closed). */
static void test_reuse_case_of_a_longer_class_is_filed_and_withdrawn(void **state)
{
	h_sql("UPDATE organisations SET retention_years = '{\"1432\": 10}' WHERE slug = 'mon'");
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"reuse\",\"subject\":\"Dane o kontrolach\","
	         "\"content\":\"Proszę o zbiór danych w CSV.\",\"delivery\":\"email\","
	         "\"purpose\":\"analiza\",\"format\":\"CSV\",\"manner\":\"e-mail\","
	         "\"requester\":{\"name\":\"Bogumiła Długotrwała\",\"email\":\"bogumila@przyklad.example\","
	         "\"postal_address\":\"ul. Stała 1, 00-001 Warszawa\"}}");
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	snprintf(reuse_number, sizeof reuse_number, "%s", u_str(j, "case_number"));
	char path[256];
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/withdraw", u_str(j, "tracking_token"));
	json_decref(j);
	h_free(&r);
	assert_non_null(strstr(reuse_number, ".1432."));
	u_post_json(path, "{}", &r);
	if (r.status != 200)
		fprintf(stderr, "withdraw: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 200);
	h_free(&r);
	reuse_id = u_request_id(reuse_number);
}

static void test_retention_running_is_refused_unless_forced(void **state)
{
	h_server_stop();
	setenv("JAWNOSC_FAKE_NOW", LAST_DAY, 1);
	assert_int_equal(erase(org_id, req_id, false), PRIVACY_RETENTION_RUNNING);
	assert_int_equal(requester_has_data(req_id), 1);
	/* The job at that day erases nothing either. */
	start_at(LAST_DAY);
	usleep(500 * 1000);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'privacy_erase'"), 0);
	h_server_stop();
}

/* Waits up to 10 s for the erasure event of case `id`. */
static void wait_for_erasure(long long id)
{
	char sql[160];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE action = 'privacy_erase' AND request_id = %lld", id);
	for (int i = 0; i < 100 && u_count(sql) < 1; i++)
		usleep(100 * 1000);
	assert_int_equal(u_count(sql), 1);
}

/* Every base table, as text (rows with bytea shown as hex) and every
 * bytea column as bytes: the occurrences of `s`, case-insensitive. */
static long occurrences(const char *s)
{
	PGconn *c = h_db();
	PGresult *t = PQexec(c, "SELECT table_name, column_name, data_type FROM "
	                        "information_schema.columns WHERE table_schema = 'public' AND "
	                        "table_name IN (SELECT table_name FROM information_schema.tables "
	                        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE') "
	                        "ORDER BY table_name, ordinal_position");
	assert_int_equal(PQresultStatus(t), PGRES_TUPLES_OK);
	long total = 0;
	const char *last = "";
	for (int i = 0; i < PQntuples(t); i++) {
		const char *table = PQgetvalue(t, i, 0), *col = PQgetvalue(t, i, 1);
		char sql[512];
		const char *p[1] = {s};
		if (strcmp(table, last) != 0) {
			/* The public copies never held the data: they are kept. */
			snprintf(sql, sizeof sql,
			         "SELECT count(*) FROM %s x WHERE x::text ILIKE '%%' || $1 || '%%'", table);
			PGresult *r = PQexecParams(c, sql, 1, NULL, p, NULL, NULL, 0);
			assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
			long n = atol(PQgetvalue(r, 0, 0));
			if (n)
				fprintf(stderr, "%s: %ld row(s) hold \"%s\"\n", table, n, s);
			total += n;
			PQclear(r);
			last = table;
		}
		if (!strcmp(PQgetvalue(t, i, 2), "bytea")) {
			snprintf(sql, sizeof sql,
			         "SELECT count(*) FROM %s WHERE position(convert_to($1, 'UTF8') IN %s) > 0",
			         table, col);
			PGresult *r = PQexecParams(c, sql, 1, NULL, p, NULL, NULL, 0);
			assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
			long n = atol(PQgetvalue(r, 0, 0));
			if (n)
				fprintf(stderr, "%s.%s: %ld value(s) hold \"%s\"\n", table, col, n, s);
			total += n;
			PQclear(r);
		}
	}
	PQclear(t);
	PQfinish(c);
	return total;
}

static void test_held_data_is_found_before_the_erasure(void **state)
{
	/* The search below can find: before the erasure it does. */
	assert_true(occurrences("Zenobi") > 0);
	assert_true(occurrences("zenobia.tajna") > 0);
	assert_true(occurrences("Tajny załącznik") > 0);
}

static void test_retention_job_erases_the_case_when_its_period_ends(void **state)
{
	start_at(LATER);
	wait_for_erasure(req_id);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE action = 'privacy_erase' AND request_id = %lld "
	         "AND actor = 'system' AND data->>'reason' LIKE 'Upłynął okres przechowywania%%' "
	         "AND data->>'retention_years' = '5' AND data->>'retention_ends' = '2032-01-01' "
	         "AND (data->>'documents')::int >= 1 AND (data->>'attachments')::int = 1 "
	         "AND (data->>'mails')::int >= 1 AND (data->>'event_details')::int >= 1 "
	         "AND (data->>'inbound_messages')::int = 1 AND (data->>'inbound_parts')::int >= 1",
	         req_id);
	assert_int_equal(u_count(sql), 1);
	assert_int_equal(requester_has_data(req_id), 0);
	/* The decision left the body before the case closed (issue 21 item
	 * 1: handed over in person): where it went is gone, the fact stays. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM dispatches WHERE request_id = %lld AND channel = 'in_person' "
	         "AND address = '' AND state = 'delivered'",
	         req_id);
	assert_int_equal(u_count(sql), 1);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requesters WHERE request_id = %lld AND name = '[dane usunięte]'",
	         req_id);
	assert_int_equal(u_count(sql), 1);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM documents WHERE request_id = %lld AND (pdf IS NOT NULL OR "
	         "markdown <> '' OR html IS NOT NULL OR inputs <> '{}')",
	         req_id);
	assert_int_equal(u_count(sql), 0);
	/* The case's facts stay for the statistics and the register. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requests WHERE id = %lld AND case_number = '%s' AND "
	         "state = 'refused' AND erased_at IS NOT NULL AND subject LIKE 'Protokoły kontroli%%'",
	         req_id, number);
	assert_int_equal(u_count(sql), 1);
	/* The demo's cases closed long ago went too, all but those of the
	 * class kept 10 years. */
	assert_true(u_count("SELECT count(*) FROM events WHERE action = 'privacy_erase'") > 1);
	assert_int_equal(u_count("SELECT count(*) FROM requests r JOIN requesters q ON "
	                         "q.request_id = r.id WHERE r.erased_at IS NOT NULL AND "
	                         "(q.email <> '' OR r.case_class = '1432')"),
	                 0);
	/* The re-use case is kept 10 years: untouched. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requesters WHERE request_id = %lld AND name = 'Bogumiła Długotrwała'",
	         reuse_id);
	assert_int_equal(u_count(sql), 1);
}

static void test_tracking_link_is_dead(void **state)
{
	char path[256];
	snprintf(path, sizeof path, "/sprawa/%s", token);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "Zenobi"));
	h_free(&r);
	snprintf(path, sizeof path, "/sprawa/%s/pismo/%d", token, seq);
	h_get(path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	snprintf(path, sizeof path, "/api/v1/requests/%s", token);
	h_get(path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
}

static void test_no_table_holds_the_requesters_data(void **state)
{
	long found = 0;
	for (size_t k = 0; k < sizeof NEVER / sizeof NEVER[0]; k++)
		found += occurrences(NEVER[k]);
	assert_int_equal(found, 0);
	/* The public copy stays, and the register still serves it. */
	char path[256];
	snprintf(path, sizeof path, "/rejestr/%s/dokument/%d", number, seq);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(h_header(&r, "Content-Type"), "application/pdf");
	h_free(&r);
}

static void test_audit_chain_verifies_after_the_erasure(void **state)
{
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "chain intact"));
	free(out);
}

/* A case closed now, well within its period: refused, then erased when
 * forced (another legal ground, the officer's decision), then already. */
static void test_forced_erasure_within_the_period(void **state)
{
	char number2[64];
	char *tok = u_file("public_information", number2);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/withdraw", tok);
	struct hresp r;
	u_post_json(path, "{}", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	long long id = u_request_id(number2);
	assert_int_equal(erase(org_id, id, false), PRIVACY_RETENTION_RUNNING);
	assert_int_equal(erase(org_id, id, true), PRIVACY_ERASE_OK);
	assert_int_equal(erase(org_id, id, true), PRIVACY_ALREADY_ERASED);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requesters WHERE request_id = %lld AND email = ''", id);
	assert_int_equal(u_count(sql), 1);
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = 'privacy_erase' "
	         "AND data->>'force_retention' = 'true'",
	         id);
	assert_int_equal(u_count(sql), 1);
	snprintf(path, sizeof path, "/api/v1/requests/%s", tok);
	h_get(path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	free(tok);
	assert_non_null(strstr(privacy_refusal_text(PRIVACY_RETENTION_RUNNING), "art. 17 ust. 3"));
	test_audit_chain_verifies_after_the_erasure(state);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	h_setup_db("privacy");
	u_seed_demo();
	db_set_url(getenv("DATABASE_URL")); /* the services this process calls */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open_case_is_never_erased),
	    cmocka_unit_test(test_case_is_decided_issued_and_published),
	    cmocka_unit_test(test_reuse_case_of_a_longer_class_is_filed_and_withdrawn),
	    cmocka_unit_test(test_retention_running_is_refused_unless_forced),
	    cmocka_unit_test(test_held_data_is_found_before_the_erasure),
	    cmocka_unit_test(test_retention_job_erases_the_case_when_its_period_ends),
	    cmocka_unit_test(test_tracking_link_is_dead),
	    cmocka_unit_test(test_no_table_holds_the_requesters_data),
	    cmocka_unit_test(test_audit_chain_verifies_after_the_erasure),
	    cmocka_unit_test(test_forced_erasure_within_the_period),
	};
	int failed = cmocka_run_group_tests_name("privacy", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
