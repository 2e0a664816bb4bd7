/* SPDX-License-Identifier: EUPL-1.2 */
/* Idempotency keys and tracking tokens (issue 16, item 1), over real HTTP
 * against the real PostgreSQL, with a frozen clock and client addresses
 * set by a trusted proxy (JAWNOSC_TRUSTED_PROXY=127.0.0.1 and
 * X-Forwarded-For):
 * - a key belongs to the client that used it: another address sending
 *   the same key (even with the same body) files a case of its own and
 *   never sees the first one's number or token;
 * - the same key with the same body from the same client answers the
 *   first case (200, duplicate); with another body it is a 422 problem;
 *   while the first request still holds the key, 409 (the test holds the
 *   key's lock itself from a database connection: deterministic);
 * - a key is kept 24 hours by the server's clock, then forgotten (a
 *   reuse files anew, and the job removes old rows);
 * - an address over its filing limit gets the same 429 whether or not
 *   another client used the key;
 * - tracking tokens are random: two filings of one content with one key
 *   from two clients differ, and neither is the HMAC of the key that the
 *   server used to derive them from;
 * - the filing form's one-time id follows the same rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "integration/cases_util.h"

#define T0 "2026-03-02T10:00:00Z"
#define T0_PLUS_DAY_MINUS_1 "2026-03-03T09:59:59Z"
#define T0_PLUS_DAY "2026-03-03T10:00:00Z"

#define BODY_V                                                                                   \
	"{\"kind\":\"public_information\",\"subject\":\"Umowy ofiary\",\"content\":\"Proszę o "  \
	"kopie umów zawartych w 2025 r.\",\"delivery\":\"email\",\"requester\":{\"name\":"        \
	"\"Ofiara Testowa\",\"email\":\"ofiara@example.pl\"}}"
#define BODY_W                                                                                   \
	"{\"kind\":\"public_information\",\"subject\":\"Inny wniosek\",\"content\":\"Proszę o "   \
	"rejestr faktur za 2025 r.\",\"delivery\":\"tracking_page\"}"

/* The server with the clock at `now` and `rate` filings an hour per
 * address, trusting loopback as its proxy. */
static void start(const char *now, const char *rate)
{
	char fake[64], limit[64];
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%s", now);
	snprintf(limit, sizeof limit, "JAWNOSC_FILING_RATE=%s", rate);
	const char *env[] = {"JAWNOSC_TRUSTED_PROXY=127.0.0.1", fake, limit, NULL};
	h_server_start(env);
}

static void stop(void)
{
	assert_int_equal(h_server_stop(), 0);
}

/* POST /api/v1/requests from `client` with `key` (NULL: none). */
static void file_as(const char *client, const char *key, const char *body, struct hresp *r)
{
	char xff[96], k[128];
	snprintf(xff, sizeof xff, "X-Forwarded-For: %s", client);
	snprintf(k, sizeof k, "Idempotency-Key: %s", key ? key : "");
	const char *hdr[] = {"Content-Type: application/json", xff, key ? k : NULL, NULL};
	h_request("POST", "/api/v1/requests", hdr, body, strlen(body), r);
}

struct receipt {
	long status;
	char number[64], token[64];
	bool duplicate;
	char body[4096];
};

static void file_rc(const char *client, const char *key, const char *body, struct receipt *rc)
{
	struct hresp r;
	file_as(client, key, body, &r);
	memset(rc, 0, sizeof *rc);
	rc->status = r.status;
	snprintf(rc->body, sizeof rc->body, "%.*s", (int)r.len, r.body ? r.body : "");
	if (r.status == 200 || r.status == 201) {
		json_t *j = u_json(&r);
		snprintf(rc->number, sizeof rc->number, "%s", u_str(j, "case_number"));
		snprintf(rc->token, sizeof rc->token, "%s", u_str(j, "tracking_token"));
		rc->duplicate = json_is_true(json_object_get(j, "duplicate"));
		json_decref(j);
	}
	h_free(&r);
}

/* The token the server used to derive from a submission id:
 * base64url(HMAC-SHA256(SHA-256(app secret), "track:" id)). */
static void derived_token(const char *submission_id, char out[64])
{
	PGconn *c = h_db();
	PGresult *r = PQexecParams(c, "SELECT value FROM app_secrets WHERE name = 'hmac'", 0, NULL,
	                           NULL, NULL, NULL, 1);
	assert_int_equal(PQntuples(r), 1);
	unsigned char key[32], h[32];
	crypto_hash_sha256(key, (const unsigned char *)PQgetvalue(r, 0, 0),
	                   (size_t)PQgetlength(r, 0, 0));
	PQclear(r);
	PQfinish(c);
	crypto_auth_hmacsha256_state st;
	crypto_auth_hmacsha256_init(&st, key, sizeof key);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)"track:", 6);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)submission_id, strlen(submission_id));
	crypto_auth_hmacsha256_final(&st, h);
	sodium_bin2base64(out, 64, h, sizeof h, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static long cases_with_subject(const char *subject)
{
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE subject = '%s'", subject);
	return u_count(sql);
}

/* GET of the case's API document: its status. */
static long show(const char *token)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/requests/%s", token);
	struct hresp r;
	h_get(path, &r);
	long st = r.status;
	h_free(&r);
	return st;
}

static void test_another_client_with_the_victims_key_gets_a_case_of_its_own(void **state)
{
	start(T0, "100");
	struct receipt victim, same_body, other_body;
	file_rc("192.0.2.10", "victim-key-0001", BODY_V, &victim);
	assert_int_equal(victim.status, 201);
	/* The attacker replays the key from another address, with exactly the
	 * victim's body and then with another: a new case each time. */
	file_rc("192.0.2.66", "victim-key-0001", BODY_V, &same_body);
	file_rc("192.0.2.67", "victim-key-0001", BODY_W, &other_body);
	const struct receipt *att[] = {&same_body, &other_body};
	for (int i = 0; i < 2; i++) {
		if (att[i]->status != 201)
			fprintf(stderr, "attacker %d: %ld %s\n", i, att[i]->status, att[i]->body);
		assert_int_equal(att[i]->status, 201);
		assert_false(att[i]->duplicate);
		assert_string_not_equal(att[i]->token, victim.token);
		assert_string_not_equal(att[i]->number, victim.number);
		assert_null(strstr(att[i]->body, victim.token));
		assert_null(strstr(att[i]->body, victim.number));
	}
	assert_string_not_equal(same_body.token, other_body.token);
	assert_int_equal(cases_with_subject("Umowy ofiary"), 2);
	/* The victim's case is untouched and still the victim's. */
	assert_int_equal(show(victim.token), 200);
	char sql[256];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requests WHERE case_number = '%s' AND state = 'received'",
	         victim.number);
	assert_int_equal(u_count(sql), 1);
	/* The victim's repeat still answers the victim's case. */
	struct receipt again;
	file_rc("192.0.2.10", "victim-key-0001", BODY_V, &again);
	assert_int_equal(again.status, 200);
	assert_string_equal(again.token, victim.token);
	stop();
}

static void test_same_key_same_body_same_client_replays_the_first_answer(void **state)
{
	start(T0, "100");
	struct receipt a, b;
	file_rc("192.0.2.11", "replay-key-0001", BODY_W, &a);
	file_rc("192.0.2.11", "replay-key-0001", BODY_W, &b);
	assert_int_equal(a.status, 201);
	assert_int_equal(b.status, 200);
	assert_false(a.duplicate);
	assert_true(b.duplicate);
	assert_string_equal(a.number, b.number);
	assert_string_equal(a.token, b.token);
	assert_int_equal(show(b.token), 200);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM requests WHERE case_number = '%s'", a.number);
	assert_int_equal(u_count(sql), 1);
	/* The token is kept sealed, never as it is. */
	char tok[256];
	snprintf(tok, sizeof tok,
	         "SELECT count(*) FROM idempotency_keys WHERE position(convert_to('%s', 'UTF8') "
	         "IN token_box) > 0",
	         a.token);
	assert_int_equal(u_count(tok), 0);
	assert_int_equal(u_count("SELECT count(*) FROM idempotency_keys WHERE client = '192.0.2.11'"),
	                 1);
	stop();
}

static void test_same_key_other_body_same_client_is_a_422_problem(void **state)
{
	start(T0, "100");
	struct receipt a;
	file_rc("192.0.2.12", "reuse-key-0001", BODY_V, &a);
	assert_int_equal(a.status, 201);
	long before = u_count("SELECT count(*) FROM requests");
	struct hresp r;
	file_as("192.0.2.12", "reuse-key-0001", BODY_W, &r);
	assert_int_equal(r.status, 422);
	assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
	json_t *j = u_json(&r);
	assert_non_null(strstr(u_str(j, "detail"), "został już użyty dla innego wniosku"));
	assert_string_equal(u_str(j, "code"), "idempotency_key_reused");
	assert_null(strstr(r.body, a.token));
	assert_null(strstr(r.body, a.number));
	json_decref(j);
	h_free(&r);
	/* A body that differs only in its spacing is another body. */
	const char *spaced = " " BODY_V;
	file_as("192.0.2.12", "reuse-key-0001", spaced, &r);
	assert_int_equal(r.status, 422);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
	stop();
}

static void test_key_still_being_filed_is_a_409(void **state)
{
	start(T0, "100");
	struct receipt first;
	file_rc("192.0.2.13", "warmup-key-0001", BODY_W, &first);
	assert_int_equal(first.status, 201);
	char sql[256];
	snprintf(sql, sizeof sql, "SELECT org_id FROM requests WHERE case_number = '%s'", first.number);
	long org = u_count(sql);
	/* The test holds the key as a request being filed would. */
	PGconn *c = h_db();
	char q[512];
	snprintf(q, sizeof q,
	         "BEGIN; SELECT pg_advisory_xact_lock(idempotency_lock(%ld, '192.0.2.13', "
	         "sha256(convert_to('api:busy-key-0001', 'UTF8'))))",
	         org);
	PGresult *res = PQexec(c, q);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	PQclear(res);
	long before = u_count("SELECT count(*) FROM requests");
	struct hresp r;
	file_as("192.0.2.13", "busy-key-0001", BODY_V, &r);
	if (r.status != 409)
		fprintf(stderr, "busy key: %ld %s\n", r.status, r.body);
	assert_int_equal(r.status, 409);
	assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
	json_t *j = u_json(&r);
	assert_string_equal(u_str(j, "code"), "idempotency_key_in_use");
	json_decref(j);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
	/* Another client's use of the same key is not held up. */
	struct receipt other;
	file_rc("192.0.2.14", "busy-key-0001", BODY_V, &other);
	assert_int_equal(other.status, 201);
	PQclear(PQexec(c, "ROLLBACK"));
	PQfinish(c);
	/* Released: the key files. */
	struct receipt after;
	file_rc("192.0.2.13", "busy-key-0001", BODY_V, &after);
	assert_int_equal(after.status, 201);
	stop();
}

static void test_key_is_forgotten_after_24_hours_by_the_clock(void **state)
{
	const char *kept2 = "SELECT count(*) FROM idempotency_keys WHERE client = '192.0.2.15' AND "
	                    "key_sha256 = sha256(convert_to('api:day-key-0002', 'UTF8'))";
	start(T0, "100");
	struct receipt a, other;
	file_rc("192.0.2.15", "day-key-0001", BODY_W, &a);
	assert_int_equal(a.status, 201);
	file_rc("192.0.2.15", "day-key-0002", BODY_W, &other);
	assert_int_equal(other.status, 201);
	stop();
	/* A second before the day is over: still the first case, and the job
	 * (a round at the start) forgot nothing. */
	start(T0_PLUS_DAY_MINUS_1, "100");
	struct receipt b;
	file_rc("192.0.2.15", "day-key-0001", BODY_W, &b);
	assert_int_equal(b.status, 200);
	assert_string_equal(b.token, a.token);
	assert_int_equal(u_count(kept2), 1);
	stop();
	/* A day later: a new case, with a new token ... */
	start(T0_PLUS_DAY, "100");
	struct receipt c;
	file_rc("192.0.2.15", "day-key-0001", BODY_W, &c);
	assert_int_equal(c.status, 201);
	assert_false(c.duplicate);
	assert_string_not_equal(c.token, a.token);
	assert_string_not_equal(c.number, a.number);
	/* ... which the key now answers. */
	struct receipt d;
	file_rc("192.0.2.15", "day-key-0001", BODY_W, &d);
	assert_int_equal(d.status, 200);
	assert_string_equal(d.token, c.token);
	assert_int_equal(u_count("SELECT count(*) FROM idempotency_keys WHERE client = '192.0.2.15' "
	                         "AND key_sha256 = sha256(convert_to('api:day-key-0001', 'UTF8'))"),
	                 1);
	/* The job forgot day-key-0002 (its round at the start). */
	for (int i = 0; i < 100 && u_count(kept2) != 0; i++)
		usleep(50000);
	assert_int_equal(u_count(kept2), 0);
	/* A key that ages while the server runs (the job's next round is
	 * minutes away) is forgotten by its next use. */
	struct receipt e, f;
	file_rc("192.0.2.15", "day-key-0003", BODY_V, &e);
	assert_int_equal(e.status, 201);
	assert_int_equal(u_count("WITH x AS (UPDATE idempotency_keys SET created_at = created_at - "
	                         "interval '24 hours' WHERE key_sha256 = "
	                         "sha256(convert_to('api:day-key-0003', 'UTF8')) RETURNING 1) "
	                         "SELECT count(*) FROM x"),
	                 1);
	file_rc("192.0.2.15", "day-key-0003", BODY_V, &f);
	assert_int_equal(f.status, 201);
	assert_string_not_equal(f.token, e.token);
	stop();
}

static void test_over_the_limit_nothing_tells_whether_another_client_used_a_key(void **state)
{
	start(T0, "1");
	struct receipt victim, own, own_again, used, unused;
	file_rc("192.0.2.30", "probe-victim-0001", BODY_V, &victim);
	assert_int_equal(victim.status, 201);
	/* The prober uses its one filing of the hour, with a key. */
	file_rc("192.0.2.31", "probe-own-0001", BODY_W, &own);
	assert_int_equal(own.status, 201);
	/* Over its limit: the victim's key and a key nobody used answer alike. */
	file_rc("192.0.2.31", "probe-victim-0001", BODY_V, &used);
	file_rc("192.0.2.31", "probe-never-0001", BODY_V, &unused);
	assert_int_equal(used.status, 429);
	assert_int_equal(unused.status, 429);
	assert_string_equal(used.body, unused.body);
	assert_null(strstr(used.body, victim.token));
	/* Its own key still answers its own case (a retry after a lost
	 * answer must find it), and takes no slot. */
	file_rc("192.0.2.31", "probe-own-0001", BODY_W, &own_again);
	assert_int_equal(own_again.status, 200);
	assert_string_equal(own_again.token, own.token);
	stop();
}

static void test_tracking_tokens_are_random_never_derived_from_the_key(void **state)
{
	start(T0, "100");
	struct receipt a, b, c, d;
	file_rc("192.0.2.40", "derive-key-0001", BODY_W, &a);
	file_rc("192.0.2.41", "derive-key-0001", BODY_W, &b);
	file_rc("192.0.2.42", NULL, BODY_W, &c);
	file_rc("192.0.2.42", NULL, BODY_W, &d);
	const struct receipt *all[] = {&a, &b, &c, &d};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(all[i]->status, 201);
		assert_int_equal(strlen(all[i]->token), 43);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(all[i]->token, all[k]->token);
	}
	/* Not what the server derived before: HMAC of "api:<key>". */
	char derived[64];
	derived_token("api:derive-key-0001", derived);
	assert_string_not_equal(a.token, derived);
	assert_string_not_equal(b.token, derived);
	stop();
}

/* ---- The filing form --------------------------------------------------------- */

static void submit_as(const char *client, const struct u_form *fp, const char *fields,
                      struct hresp *r)
{
	char body[2048], xff[96];
	snprintf(body, sizeof body, "csrf=%s&submission_id=%s&%s", fp->csrf, fp->sid, fields);
	snprintf(xff, sizeof xff, "X-Forwarded-For: %s", client);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", fp->cookie, xff, NULL};
	h_request("POST", "/wniosek", hdr, body, strlen(body), r);
}

#define FORM_V                                                                                   \
	"kind=public_information&subject=Formularz+ofiary&content=Tre%C5%9B%C4%87+wniosku+ofiary."    \
	"&delivery=tracking_page"
#define FORM_W                                                                                   \
	"kind=public_information&subject=Formularz+inny&content=Tre%C5%9B%C4%87+innego+wniosku."      \
	"&delivery=tracking_page"

static void test_form_submission_id_gives_no_token_to_another_client(void **state)
{
	start(T0, "100");
	struct u_form fp;
	u_open_form(&fp);
	struct hresp a, b, c, d;
	submit_as("192.0.2.50", &fp, FORM_V, &a);
	assert_int_equal(a.status, 303);
	char la[256];
	snprintf(la, sizeof la, "%s", h_header(&a, "Location"));
	/* The same form (id, cookie, content) sent from another address: a
	 * case of its own, never the first one's link. */
	submit_as("192.0.2.51", &fp, FORM_V, &b);
	assert_int_equal(b.status, 303);
	assert_string_not_equal(h_header(&b, "Location"), la);
	/* Neither link is the one derived from the form's id before. */
	char derived[64];
	derived_token(fp.sid, derived);
	assert_null(strstr(la, derived));
	assert_null(strstr(h_header(&b, "Location"), derived));
	/* Sent again from the first address: the first case (a double click). */
	submit_as("192.0.2.50", &fp, FORM_V, &c);
	assert_int_equal(c.status, 303);
	assert_string_equal(h_header(&c, "Location"), la);
	assert_int_equal(cases_with_subject("Formularz ofiary"), 2);
	/* Other content with the spent id: the form again, with a new id. */
	submit_as("192.0.2.50", &fp, FORM_W, &d);
	assert_int_equal(d.status, 422);
	assert_non_null(strstr(d.body, "został już wysłany z inną treścią"));
	assert_non_null(strstr(d.body, "value=\"Formularz inny\""));
	char sid2[40];
	u_attr(d.body, "submission_id", sid2, sizeof sid2);
	assert_int_equal(strlen(sid2), 32);
	assert_string_not_equal(sid2, fp.sid);
	const char *first_token = strstr(la, "/sprawa/");
	assert_non_null(first_token);
	char tk[44];
	snprintf(tk, sizeof tk, "%.43s", first_token + 8);
	assert_null(strstr(d.body, tk));
	assert_int_equal(cases_with_subject("Formularz inny"), 0);
	h_free(&a);
	h_free(&b);
	h_free(&c);
	h_free(&d);
	/* With the new id it files. */
	strcpy(fp.sid, sid2);
	submit_as("192.0.2.50", &fp, FORM_W, &a);
	assert_int_equal(a.status, 303);
	assert_int_equal(cases_with_subject("Formularz inny"), 1);
	h_free(&a);
	stop();
}

/* A test that failed half-way leaves no server behind for the next. */
static int teardown(void **state)
{
	(void)state;
	if (h_server_pid())
		h_server_stop();
	return 0;
}

int main(void)
{
	h_setup_db("sec_idempotency");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_teardown(test_another_client_with_the_victims_key_gets_a_case_of_its_own, teardown),
	    cmocka_unit_test_teardown(test_same_key_same_body_same_client_replays_the_first_answer, teardown),
	    cmocka_unit_test_teardown(test_same_key_other_body_same_client_is_a_422_problem, teardown),
	    cmocka_unit_test_teardown(test_key_still_being_filed_is_a_409, teardown),
	    cmocka_unit_test_teardown(test_key_is_forgotten_after_24_hours_by_the_clock, teardown),
	    cmocka_unit_test_teardown(test_over_the_limit_nothing_tells_whether_another_client_used_a_key, teardown),
	    cmocka_unit_test_teardown(test_tracking_tokens_are_random_never_derived_from_the_key, teardown),
	    cmocka_unit_test_teardown(test_form_submission_id_gives_no_token_to_another_client, teardown),
	};
	int failed = cmocka_run_group_tests_name("sec_idempotency", tests, NULL, NULL);
	h_teardown();
	return failed;
}
