/* SPDX-License-Identifier: EUPL-1.2 */
/* The JSON API and the requester's actions, against the real server and
 * the real PostgreSQL: filing, validation, idempotency, every requester
 * action where the law allows it and refused where it does not, gap-free
 * case numbers under concurrent filing, and the audit chain. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "integration/cases_util.h"

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	return 0;
}

static void test_filing_answers_201_with_case_number_due_date_and_link(void **state)
{
	struct hresp r;
	u_post_json("/api/v1/requests",
	            "{\"kind\":\"public_information\",\"subject\":\"Budżet na 2026 r.\","
	            "\"content\":\"Proszę o budżet jednostki na 2026 r.\",\"delivery\":\"email\","
	            "\"requester\":{\"name\":\"Zofia Test\",\"email\":\"zofia@example.pl\"}}",
	            &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	char number[64], token[64];
	assert_non_null(u_str(j, "case_number"));
	snprintf(number, sizeof number, "%s", u_str(j, "case_number"));
	snprintf(token, sizeof token, "%s", u_str(j, "tracking_token"));
	assert_non_null(strstr(number, "COMON.1431."));
	assert_int_equal(strlen(token), 43);
	assert_non_null(strstr(u_str(j, "tracking_url"), token));
	assert_non_null(u_str(j, "due_date"));
	assert_true(json_array_size(json_object_get(j, "due_explanation")) >= 2);
	char loc[128];
	snprintf(loc, sizeof loc, "/api/v1/requests/%s", token);
	assert_string_equal(h_header(&r, "Location"), loc);
	/* Stored: the request, the requester apart, the answer term, the first
	 * event and the acknowledgement with the case number in the outbox. */
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM requests r JOIN requesters q ON q.request_id = r.id "
	         "JOIN terms t ON t.request_id = r.id AND t.kind = 'answer' "
	         "JOIN events e ON e.request_id = r.id AND e.action = 'register' "
	         "JOIN outbox o ON o.request_id = r.id AND o.subject LIKE '%%%s%%' "
	         "WHERE r.case_number = '%s' AND q.email = 'zofia@example.pl' AND r.channel = 'api'",
	         number, number);
	assert_int_equal(u_count(sql), 1);
	json_decref(j);
	h_free(&r);
	/* And the case reads back. */
	h_get(loc, &r);
	assert_int_equal(r.status, 200);
	j = u_json(&r);
	assert_string_equal(u_str(j, "case_number"), number);
	assert_string_equal(u_str(j, "state"), "received");
	json_t *terms = json_object_get(j, "terms");
	assert_int_equal(json_array_size(terms), 1);
	assert_string_equal(u_str(json_array_get(terms, 0), "basis"), "UDIP art. 13 ust. 1");
	json_decref(j);
	h_free(&r);
}

/* Each invalid body, and the field the problem document must name. */
static const struct {
	const char *body;
	const char *field;
} invalid[] = {
    {"{\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\"}", "kind"},
    {"{\"kind\":\"x\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\"}", "kind"},
    {"{\"kind\":\"public_information\",\"subject\":\"T\",\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\"}", "subject"},
    {"{\"kind\":\"public_information\",\"subject\":\"Temat\",\"content\":\"krótko\",\"delivery\":\"tracking_page\"}", "content"},
    {"{\"kind\":\"public_information\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"fax\"}", "delivery"},
    {"{\"kind\":\"public_information\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"email\"}", "requester.email"},
    {"{\"kind\":\"public_information\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"email\",\"requester\":{\"email\":\"a@b\"}}", "requester.email"},
    {"{\"kind\":\"public_information\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"post\"}", "requester.postal_address"},
    {"{\"kind\":\"public_information\",\"subject\":\"Te\\u0007mat\",\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\"}", "subject"},
    {"{\"kind\":\"public_information\",\"subject\":42,\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\"}", "subject"},
    {"{\"kind\":\"public_information\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\",\"requester\":\"me\"}", "requester"},
    {"{\"kind\":\"reuse\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\",\"requester\":{\"name\":\"Jan\",\"postal_address\":\"ul. Długa 1\"}}", "purpose"},
    {"{\"kind\":\"reuse\",\"subject\":\"Temat\",\"content\":\"Treść wniosku.\",\"delivery\":\"tracking_page\",\"purpose\":\"cel\",\"format\":\"CSV\",\"manner\":\"mail\"}", "requester.name"},
};

static void test_every_invalid_field_is_a_422_naming_it(void **state)
{
	long before = u_count("SELECT count(*) FROM requests");
	for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
		struct hresp r;
		u_post_json("/api/v1/requests", invalid[i].body, &r);
		if (r.status != 422)
			fprintf(stderr, "case %zu: %ld %s\n", i, r.status, r.body);
		assert_int_equal(r.status, 422);
		assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
		json_t *j = u_json(&r);
		bool named = false;
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(j, "errors"), k, e)
		{
			if (!strcmp(u_str(e, "field"), invalid[i].field))
				named = true;
		}
		if (!named)
			fprintf(stderr, "case %zu: %s not named in %s\n", i, invalid[i].field, r.body);
		assert_true(named);
		json_decref(j);
		h_free(&r);
	}
	assert_int_equal(u_count("SELECT count(*) FROM requests"), before);
}

static void test_malformed_bodies_are_4xx_problems(void **state)
{
	struct hresp r;
	u_post_json("/api/v1/requests", "{\"kind\": [[[[", &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	u_post_json("/api/v1/requests", "[1,2,3]", &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	u_post_json("/api/v1/requests", "{\"a\":1,\"a\":2}", &r);
	assert_int_equal(r.status, 400);
	h_free(&r);
	/* Nesting far deeper than any real request. */
	char *deep = malloc(200002);
	memset(deep, '[', 100000);
	memset(deep + 100000, ']', 100000);
	deep[200000] = '\0';
	u_post_json("/api/v1/requests", deep, &r);
	free(deep);
	assert_int_equal(r.status, 400);
	h_free(&r);
	const char *form[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
	h_request("POST", "/api/v1/requests", form, "kind=x", 6, &r);
	assert_int_equal(r.status, 415);
	assert_string_equal(h_header(&r, "Content-Type"), "application/problem+json");
	h_free(&r);
	h_get("/healthz", &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
}

static void test_same_idempotency_key_files_once(void **state)
{
	const char *hdr[] = {"Content-Type: application/json", "Idempotency-Key: test-key-0001", NULL};
	const char *body = "{\"kind\":\"public_information\",\"subject\":\"Raz tylko\","
	                   "\"content\":\"Ten wniosek wysłano dwa razy.\",\"delivery\":\"tracking_page\"}";
	struct hresp a, b;
	h_request("POST", "/api/v1/requests", hdr, body, strlen(body), &a);
	h_request("POST", "/api/v1/requests", hdr, body, strlen(body), &b);
	assert_int_equal(a.status, 201);
	assert_int_equal(b.status, 200);
	json_t *ja = u_json(&a), *jb = u_json(&b);
	assert_string_equal(u_str(ja, "case_number"), u_str(jb, "case_number"));
	assert_string_equal(u_str(ja, "tracking_token"), u_str(jb, "tracking_token"));
	assert_true(json_is_true(json_object_get(jb, "duplicate")));
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE subject = 'Raz tylko'"), 1);
	assert_string_equal(u_str(ja, "due_date"), u_str(jb, "due_date"));
	/* The repeat took no number: the next case has the next one. */
	const char *plain[] = {"Content-Type: application/json", NULL};
	struct hresp c;
	h_request("POST", "/api/v1/requests", plain, body, strlen(body), &c);
	assert_int_equal(c.status, 201);
	json_t *jc = u_json(&c);
	const char *na = u_str(ja, "case_number"), *nc = u_str(jc, "case_number");
	const char *sa = strchr(strchr(na, '.') + 1, '.') + 1, *sc = strchr(strchr(nc, '.') + 1, '.') + 1;
	assert_int_equal(atoi(sc), atoi(sa) + 1);
	json_decref(jc);
	h_free(&c);
	json_decref(ja);
	json_decref(jb);
	h_free(&a);
	h_free(&b);
}

static void test_unknown_token_is_404_revealing_nothing(void **state)
{
	struct hresp r;
	h_get("/api/v1/requests/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &r);
	assert_int_equal(r.status, 404);
	assert_null(strstr(r.body, "COMON"));
	h_free(&r);
	h_get("/sprawa/nie-ma-takiej", &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
}

/* A requester's action through the API; returns the status, and the new
 * state (or the refusal code) in out. */
static long act(const char *token, const char *action, const char *body, char *out)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/requests/%s/actions/%s", token, action);
	struct hresp r;
	u_post_json(path, body ? body : "{\"text\":\"Uzasadnienie mojej czynności.\"}", &r);
	long st = r.status;
	json_t *j = u_json(&r);
	snprintf(out, 64, "%s", u_str(j, st == 200 ? "state" : "code") ? u_str(j, st == 200 ? "state" : "code") : "");
	json_decref(j);
	h_free(&r);
	return st;
}

/* For each requester action: the clerk steps that open it, and the state
 * the action leads to. */
static const struct {
	const char *kind;
	law_action_t setup[3];
	const char *action;
	const char *state_after;
} flows[] = {
    {"public_information", {LAW_ACT_CALL_TO_CLARIFY, LAW_ACT_RECORD_DELIVERY}, "record_clarification", "in_progress"},
    {"public_information", {LAW_ACT_CALL_FOR_INTEREST, LAW_ACT_RECORD_DELIVERY}, "record_interest", "in_progress"},
    {"public_information", {LAW_ACT_FEE_NOTICE, LAW_ACT_RECORD_DELIVERY}, "change_form", "in_progress"},
    {"public_information", {LAW_ACT_FORM_NOTICE, LAW_ACT_RECORD_DELIVERY}, "request_possible_form", "in_progress"},
    /* Unsigned from the API as from the page (KPA art. 63 §3): test_pleading. */
    {"public_information", {LAW_ACT_REFUSE, LAW_ACT_RECORD_DELIVERY}, "appeal", "pleading_unsigned"},
    {"public_information", {0}, "withdraw", "withdrawn"},
    {"reuse", {LAW_ACT_CALL_TO_COMPLETE, LAW_ACT_RECORD_DELIVERY}, "record_completion", "in_progress"},
    {"reuse", {LAW_ACT_OFFER, LAW_ACT_RECORD_DELIVERY}, "accept_offer", "in_progress"},
    {"reuse", {LAW_ACT_OFFER, LAW_ACT_RECORD_DELIVERY}, "object_to_offer", "objection_lodged"},
};

static void test_every_requester_action_where_allowed_and_refused_elsewhere(void **state)
{
	for (size_t i = 0; i < sizeof flows / sizeof flows[0]; i++) {
		char number[64], out[64];
		char *token = u_file(flows[i].kind, number);
		/* Refused while the case is only received (withdraw: once withdrawn). */
		if (strcmp(flows[i].action, "withdraw") != 0) {
			long st = act(token, flows[i].action, NULL, out);
			if (st != 409)
				fprintf(stderr, "%s on a received case: %ld %s\n", flows[i].action, st, out);
			assert_int_equal(st, 409);
			assert_string_equal(out, "not_allowed_in_state");
		}
		for (int k = 0; k < 3 && flows[i].setup[k]; k++)
			u_clerk(number, flows[i].setup[k]);
		long st = act(token, flows[i].action, NULL, out);
		if (st != 200)
			fprintf(stderr, "%s: %ld %s\n", flows[i].action, st, out);
		assert_int_equal(st, 200);
		assert_string_equal(out, flows[i].state_after);
		char sql[256];
		snprintf(sql, sizeof sql,
		         "SELECT count(*) FROM events e JOIN requests r ON r.id = e.request_id "
		         "WHERE r.case_number = '%s' AND e.action = '%s' AND e.actor = 'requester' "
		         "AND event_data(e)->>'text' IS NOT NULL",
		         number, flows[i].action);
		assert_int_equal(u_count(sql), 1);
		if (!strcmp(flows[i].action, "withdraw")) {
			assert_int_equal(act(token, "withdraw", "{}", out), 409);
			assert_string_equal(out, "not_allowed_in_state");
		}
		free(token);
	}
}

static void test_reconsideration_follows_the_organisation_policy(void **state)
{
	PGconn *c = h_db();
	PQclear(PQexec(c, "UPDATE organisations SET policy_remedy = 'reconsideration'"));
	char number[64], out[64];
	char *token = u_file("public_information", number);
	u_clerk(number, LAW_ACT_REFUSE);
	u_clerk(number, LAW_ACT_RECORD_DELIVERY);
	assert_int_equal(act(token, "appeal", NULL, out), 409);
	assert_int_equal(act(token, "request_reconsideration", NULL, out), 200);
	assert_string_equal(out, "pleading_unsigned"); /* KPA art. 63 §3: test_pleading */
	PQclear(PQexec(c, "UPDATE organisations SET policy_remedy = 'appeal'"));
	PQfinish(c);
	free(token);
}

static void test_action_with_stale_version_or_without_text_is_refused(void **state)
{
	char number[64], out[64];
	char *token = u_file("public_information", number);
	u_clerk(number, LAW_ACT_CALL_TO_CLARIFY);
	u_clerk(number, LAW_ACT_RECORD_DELIVERY);
	assert_int_equal(act(token, "record_clarification", "{}", out), 422);
	assert_string_equal(out, "text_required");
	assert_int_equal(act(token, "record_clarification", "{\"text\":\"x\",\"version\":1}", out), 409);
	assert_string_equal(out, "stale_version");
	assert_int_equal(act(token, "no_such_action", "{}", out), 422);
	free(token);
}

struct filer {
	char number[64];
	long status;
};

static void *file_one(void *arg)
{
	struct filer *f = arg;
	struct hresp r;
	u_post_json("/api/v1/requests",
	            "{\"kind\":\"public_information\",\"subject\":\"Równoległy wniosek\","
	            "\"content\":\"Wniosek złożony równocześnie z innymi.\",\"delivery\":\"tracking_page\"}",
	            &r);
	f->status = r.status;
	json_t *j = r.status == 201 ? json_loadb(r.body, r.len, 0, NULL) : NULL;
	snprintf(f->number, sizeof f->number, "%s", j && u_str(j, "case_number") ? u_str(j, "case_number") : "");
	json_decref(j);
	h_free(&r);
	return NULL;
}

/* 50 filings at once: every one gets a number, no number twice, and the
 * register has no gaps. */
static void test_case_numbers_are_gap_free_and_unique_under_50_concurrent_filings(void **state)
{
	enum { N = 50 };
	pthread_t th[N];
	struct filer f[N];
	for (int i = 0; i < N; i++)
		pthread_create(&th[i], NULL, file_one, &f[i]);
	for (int i = 0; i < N; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < N; i++) {
		assert_int_equal(f[i].status, 201);
		for (int k = 0; k < i; k++)
			assert_string_not_equal(f[i].number, f[k].number);
	}
	/* Numbers of the unit, class and year run 1..count with no hole. */
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE case_class = '1431' AND "
	                         "case_seq > (SELECT count(*) FROM requests r2 WHERE r2.unit_id = requests.unit_id "
	                         "AND r2.case_class = requests.case_class AND r2.case_year = requests.case_year)"),
	                 0);
	assert_int_equal(u_count("SELECT count(DISTINCT case_number) - count(*) FROM requests"), 0);
}

static void test_audit_chain_verifies_and_events_cannot_be_changed(void **state)
{
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	assert_int_equal(h_cli(&out, args), 0);
	assert_non_null(strstr(out, "chain intact"));
	free(out);
	PGconn *c = h_db();
	PGresult *r = PQexec(c, "UPDATE events SET action = 'forged' WHERE id = 1");
	assert_int_not_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	assert_non_null(strstr(PQresultErrorMessage(r), "append-only"));
	PQclear(r);
	r = PQexec(c, "DELETE FROM events WHERE id = 1");
	assert_int_not_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	/* Someone with the power to switch the trigger off: verify notices. */
	PQclear(PQexec(c, "ALTER TABLE events DISABLE TRIGGER events_append_only;"
	                  "UPDATE events SET data = '{\"forged\":true}' WHERE id = 3;"
	                  "ALTER TABLE events ENABLE TRIGGER events_append_only"));
	PQfinish(c);
	assert_int_equal(h_cli(&out, args), 1);
	assert_non_null(strstr(out, "event 3"));
	free(out);
}

/* requests.due_on is the nearest due date of the body's open terms: a new
 * open term of the body brings it nearer (migration 0013's keyed update),
 * a term of the requester or a later one leaves it, and a closed term
 * makes it recomputed from the others. */
static long due_in_days(long long id)
{
	char q[160];
	snprintf(q, sizeof q, "SELECT due_on - DATE '2026-01-01' FROM requests WHERE id = %lld", id);
	return u_count(q);
}

static void term(long long id, const char *side, const char *due)
{
	char q[600];
	snprintf(q, sizeof q,
	         "WITH x AS (INSERT INTO terms (org_id, request_id, kind, label, basis, side, "
	         "start_on, unshifted_on, due_on, steps) SELECT org_id, id, 'fee_window', 't', 'b', "
	         "'%s', DATE '2026-01-01', DATE '%s', DATE '%s', '[]' FROM requests WHERE id = %lld "
	         "RETURNING 1) SELECT count(*) FROM x",
	         side, due, due, id);
	assert_int_equal(u_count(q), 1);
}

static void test_due_date_follows_the_terms(void **state)
{
	const char *hdr[] = {"Content-Type: application/json", NULL};
	const char *body = "{\"kind\":\"public_information\",\"subject\":\"Terminy\","
	                   "\"content\":\"Wniosek do sprawdzenia terminów.\",\"delivery\":\"tracking_page\"}";
	struct hresp r;
	h_request("POST", "/api/v1/requests", hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 201);
	h_free(&r);
	long long id = u_count("SELECT max(id) FROM requests WHERE subject = 'Terminy'");
	long answer = due_in_days(id);
	assert_int_equal(answer, u_count("SELECT min(t.due_on) - DATE '2026-01-01' FROM terms t "
	                                 "JOIN requests r ON r.id = t.request_id "
	                                 "WHERE r.subject = 'Terminy' AND t.kind = 'answer'"));
	term(id, "requester", "2000-01-10"); /* the requester's: not the body's date */
	assert_int_equal(due_in_days(id), answer);
	term(id, "body", "2099-01-10"); /* later: the nearest stays */
	assert_int_equal(due_in_days(id), answer);
	term(id, "body", "2000-01-20"); /* nearer: it is the date now */
	assert_int_equal(due_in_days(id), u_count("SELECT DATE '2000-01-20' - DATE '2026-01-01'"));
	/* Closed: recomputed from the open ones, the answer term again. */
	assert_int_equal(u_count("WITH x AS (UPDATE terms SET state = 'cancelled' "
	                         "WHERE due_on = '2000-01-20' RETURNING 1) SELECT count(*) FROM x"),
	                 1);
	assert_int_equal(due_in_days(id), answer);
}

int main(void)
{
	h_setup_db("api");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_filing_answers_201_with_case_number_due_date_and_link),
	    cmocka_unit_test(test_every_invalid_field_is_a_422_naming_it),
	    cmocka_unit_test(test_malformed_bodies_are_4xx_problems),
	    cmocka_unit_test(test_same_idempotency_key_files_once),
	    cmocka_unit_test(test_unknown_token_is_404_revealing_nothing),
	    cmocka_unit_test(test_every_requester_action_where_allowed_and_refused_elsewhere),
	    cmocka_unit_test(test_reconsideration_follows_the_organisation_policy),
	    cmocka_unit_test(test_action_with_stale_version_or_without_text_is_refused),
	    cmocka_unit_test(test_case_numbers_are_gap_free_and_unique_under_50_concurrent_filings),
	    cmocka_unit_test(test_audit_chain_verifies_and_events_cannot_be_changed),
	    cmocka_unit_test(test_due_date_follows_the_terms),
	};
	int failed = cmocka_run_group_tests_name("api", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
