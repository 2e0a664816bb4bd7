/* SPDX-License-Identifier: EUPL-1.2 */
/* Personal data found, not just matched (issue 17 §2; docs/privacy.md,
 * "The detector in publication"): the clerk's publication page runs the
 * personal-data detector on every public field with the case's known
 * persons. A PESEL, or a person the refusal named (in another case of the
 * name), blocks publishing with the kind and the text found shown under
 * the field and the form kept as posted; the clerk may accept a finding as
 * public with a reason, which publishing records as an audit event (and
 * `jawnosc audit verify` still holds); the requester's own name can never
 * be accepted. Everything through the real page over HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define NOW "2026-11-06T09:00:00Z"

static const char REQUESTER[] = "Zenobia Pióro-Kwiatkowska";
static const char PESEL[] = "44051401359";

static struct u_staff clerk;
static char number[64];
static long long req_id;
static char path[96];

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FAKE_NOW=" NOW, "JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", "jawnosc-demo", &clerk);
	return 0;
}

/* ---- Helpers ------------------------------------------------------------------ */

/* Posts the publication form of `page` with `answer` and the extra fields
 * (each "&name=value", url-encoded); the page answered. */
static void post(const char *page, const char *action, const char *answer, const char *extra,
                 struct hresp *r)
{
	char *fields = u_publication_fields(page, action, NULL, answer, extra);
	u_staff_post(&clerk, path, fields, r);
	free(fields);
}

static char *page_now(void)
{
	struct hresp r;
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	char *b = strdup(r.body);
	h_free(&r);
	return b;
}

/* The finding n's hidden fields and the answer to it, url-encoded. */
static char *accept_fields(const char *page, int n, bool tick, const char *reason)
{
	char name[32];
	snprintf(name, sizeof name, "pd%d_field", n);
	char *field = u_input(page, name);
	snprintf(name, sizeof name, "pd%d_text", n);
	char *text = u_input(page, name);
	assert_true(*field && *text);
	char *ef = u_enc(field), *et = u_enc(text), *er = u_enc(reason ? reason : "");
	size_t len = strlen(ef) + strlen(et) + strlen(er) + 96;
	char *out = malloc(len), ticked[24] = "";
	if (tick)
		snprintf(ticked, sizeof ticked, "&pd%d=1", n);
	snprintf(out, len, "&pd%d_field=%s&pd%d_text=%s%s&pd%d_reason=%s", n, ef, n, et, ticked, n,
	         er);
	char *all[] = {field, text, ef, et, er};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		free(all[i]);
	return out;
}

/* ---- Tests ---------------------------------------------------------------------- */

/* A request from a natural person, refused in the interest of a third
 * person the decision names (UDIP art. 16 ust. 2). */
static void test_refused_case_names_a_third_person(void **state)
{
	char body[1024];
	snprintf(body, sizeof body,
	         "{\"kind\":\"public_information\",\"subject\":\"Opinie biegłych w sprawie drzew\","
	         "\"content\":\"Proszę o opinie.\",\"delivery\":\"email\",\"requester\":{\"name\":"
	         "\"%s\",\"email\":\"zenobia.pk@przyklad.example\",\"phone\":\"+48 501 234 567\","
	         "\"postal_address\":\"ul. Modrzewiowa 44/2, 30-001 Kraków\"}}",
	         REQUESTER);
	struct hresp r;
	u_post_json("/api/v1/requests", body, &r);
	assert_int_equal(r.status, 201);
	json_t *j = u_json(&r);
	const char *cn = u_str(j, "case_number");
	assert_non_null(cn);
	snprintf(number, sizeof number, "%s", cn ? cn : "");
	json_decref(j);
	h_free(&r);
	req_id = u_request_id(number);
	char act[96];
	snprintf(act, sizeof act, "/panel/sprawy/%lld/czynnosc", req_id);
	/* The person the refusal names, in whose interest it was refused. */
	char *persons = u_enc("Krzysztof Wróblewski – biegły, w którego interesie odmówiono");
	char fields[1024];
	snprintf(fields, sizeof fields,
	         "action=refuse&version=1&legal_basis=privacy&text=Opinie+zawieraj%%C4%%85+dane+"
	         "bieg%%C5%%82ego.&persons=%s",
	         persons);
	free(persons);
	u_staff_post(&clerk, act, fields, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/publikacja", req_id);
}

static void test_pesel_in_the_answer_blocks_publishing_in_place(void **state)
{
	char *page = page_now();
	char answer[256];
	snprintf(answer, sizeof answer, "Odmówiono. Sygnatura opinii biegłego: PESEL %s.", PESEL);
	struct hresp r;
	post(page, "preview", answer, NULL, &r);
	assert_int_equal(r.status, 422);
	/* The kind and the text found, under the field; nothing to publish. */
	assert_non_null(strstr(r.body, "zawiera dane osobowe (numer PESEL): „44051401359”"));
	const char *under = strstr(r.body, "<textarea id=\"answer\"");
	assert_non_null(under);
	assert_non_null(strstr(under, "name=\"pd0_text\" value=\"44051401359\""));
	assert_null(strstr(r.body, "name=\"preview_token\""));
	/* The form keeps what was posted. */
	char *kept = u_textarea(r.body, "answer");
	assert_string_equal(kept, answer);
	free(kept);
	h_free(&r);
	/* Publishing it anyway (a forged token) is refused by the service. */
	post(page, "publish", answer, NULL, &r);
	assert_true(r.status == 409 || r.status == 422);
	h_free(&r);
	free(page);
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM publications WHERE request_id = %lld",
	         req_id);
	assert_int_equal(u_count(sql), 0);
}

static void test_third_person_in_another_case_blocks_publishing(void **state)
{
	char *page = page_now();
	const char *answer = "Odmówiono udostępnienia opinii Krzysztofa Wróblewskiego.";
	struct hresp r;
	post(page, "preview", answer, NULL, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "zawiera dane osobowe (imię i nazwisko): „Krzysztofa "
	                               "Wróblewskiego”"));
	assert_non_null(strstr(r.body, "id=\"pd0\" name=\"pd0\""));
	h_free(&r);
	free(page);
}

static void test_accepting_without_a_reason_or_with_a_long_one_is_refused(void **state)
{
	char *page = page_now();
	const char *answer = "Odmówiono udostępnienia opinii Krzysztofa Wróblewskiego.";
	struct hresp r;
	post(page, "preview", answer, NULL, &r);
	assert_int_equal(r.status, 422);
	char *found = strdup(r.body);
	h_free(&r);
	char *acc = accept_fields(found, 0, true, "");
	post(found, "preview", answer, acc, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Podaj powód, dla którego „Krzysztofa Wróblewskiego” to dane "
	                               "publiczne."));
	assert_non_null(strstr(r.body, "name=\"pd0\" value=\"1\" checked"));
	h_free(&r);
	free(acc);
	char long_reason[620];
	memset(long_reason, 'x', 501);
	long_reason[501] = '\0';
	acc = accept_fields(found, 0, true, long_reason);
	post(found, "preview", answer, acc, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "najwyżej 500 znaków"));
	/* The reason as typed stays in the form. */
	assert_non_null(strstr(r.body, long_reason));
	h_free(&r);
	free(acc);
	free(found);
	free(page);
}

static void test_requester_name_can_never_be_accepted(void **state)
{
	char *page = page_now();
	const char *answer = "Decyzję doręczono Pani Zenobii Pióro-Kwiatkowskiej.";
	struct hresp r;
	post(page, "preview", answer, NULL, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "dane osobowe wnioskodawcy (imię i nazwisko): „Zenobii "
	                               "Pióro-Kwiatkowskiej”"));
	/* No box to tick for the requester's own data. */
	assert_null(strstr(r.body, "id=\"pd0\" name=\"pd0\""));
	char *found = strdup(r.body);
	h_free(&r);
	/* A forged tick with a reason changes nothing. */
	char *acc = accept_fields(found, 0, true, "Wnioskodawczyni jest radną");
	post(found, "preview", answer, acc, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Danych wnioskodawcy nie można uznać za publiczne"));
	assert_null(strstr(r.body, "name=\"preview_token\""));
	h_free(&r);
	free(acc);
	free(found);
	free(page);
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	                          "'accept_public_data'",
	         req_id);
	assert_int_equal(u_count(sql), 0);
}

static void test_accepted_finding_publishes_with_an_audit_event(void **state)
{
	char *page = page_now();
	const char *answer = "Odmówiono udostępnienia opinii Krzysztofa Wróblewskiego.";
	const char *reason = "Biegły wpisany na publiczną listę biegłych sądowych";
	struct hresp r;
	post(page, "preview", answer, NULL, &r);
	assert_int_equal(r.status, 422);
	char *found = strdup(r.body);
	h_free(&r);
	char *acc = accept_fields(found, 0, true, reason);
	post(found, "preview", answer, acc, &r);
	if (r.status != 200)
		fprintf(stderr, "preview: %ld %.800s\n", r.status, strstr(r.body, "<main"));
	assert_int_equal(r.status, 200);
	char *previewed = strdup(r.body);
	h_free(&r);
	post(previewed, "publish", answer, acc, &r);
	if (r.status != 303)
		fprintf(stderr, "publish: %ld %.800s\n", r.status, strstr(r.body, "<main"));
	assert_int_equal(r.status, 303);
	h_free(&r);
	free(acc);
	free(previewed);
	free(found);
	free(page);
	char sql[512];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND action = "
	         "'accept_public_data' AND actor = 'clerk' AND data->>'field' = 'answer' AND "
	         "data->>'kind' = 'name' AND data->>'reason' = '%s' AND data->>'accepted_text' = "
	         "'Krzysztofa Wróblewskiego' AND data->>'version' = '1.0'",
	         req_id, reason);
	assert_int_equal(u_count(sql), 1);
	/* No event holds anything of the requester's. */
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM events WHERE request_id = %lld AND (data::text ILIKE "
	         "'%%Pióro%%' OR data::text ILIKE '%%zenobia%%')",
	         req_id);
	assert_int_equal(u_count(sql), 0);
	/* The public page shows the accepted name. */
	char pub[128];
	snprintf(pub, sizeof pub, "/rejestr/%s", number);
	h_get(pub, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Krzysztofa Wróblewskiego"));
	h_free(&r);
	/* The hash chain holds with the new events. */
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

/* The organisation's own address and phone are no one's personal data. */
static void test_the_bodys_own_contact_data_does_not_block(void **state)
{
	PGconn *c = h_db();
	PGresult *res = PQexec(c, "SELECT address, phone FROM organisations WHERE slug = 'mon'");
	assert_int_equal(PQntuples(res), 1);
	char answer[512];
	snprintf(answer, sizeof answer,
	         "Odmówiono udostępnienia opinii Krzysztofa Wróblewskiego. Odwołanie można złożyć "
	         "w siedzibie: %s, tel. %s.",
	         PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
	bool has_address = strpbrk(PQgetvalue(res, 0, 0), "0123456789") != NULL;
	PQclear(res);
	PQfinish(c);
	if (!has_address)
		skip();
	char *page = page_now();
	struct hresp r;
	post(page, "preview", answer, NULL, &r);
	/* Only the third person is found (pd0), nothing of the body's. */
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "name=\"pd0_text\""));
	assert_null(strstr(r.body, "name=\"pd1_text\""));
	h_free(&r);
	free(page);
}

int main(void)
{
	h_setup_db("privacy_publish");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_refused_case_names_a_third_person),
	    cmocka_unit_test(test_pesel_in_the_answer_blocks_publishing_in_place),
	    cmocka_unit_test(test_third_person_in_another_case_blocks_publishing),
	    cmocka_unit_test(test_accepting_without_a_reason_or_with_a_long_one_is_refused),
	    cmocka_unit_test(test_requester_name_can_never_be_accepted),
	    cmocka_unit_test(test_the_bodys_own_contact_data_does_not_block),
	    cmocka_unit_test(test_accepted_finding_publishes_with_an_audit_event),
	};
	int failed = cmocka_run_group_tests_name("privacy_publish", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
