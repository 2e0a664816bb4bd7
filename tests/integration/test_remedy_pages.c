/* SPDX-License-Identifier: EUPL-1.2 */
/* Issue 20 item 13: the public procedure page and the tracking page of a
 * refused case name the same remedy (an appeal, a request for
 * reconsideration, or a complaint to the administrative court for a body
 * that is not an organ of public authority) and not the others, and a
 * change of the setting changes the procedure page at once (its tag too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"
#define PROCEDURE "/jak-uzyskac-informacje"

static struct u_staff admin, clerk;

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_DEFAULT_ORG=mon", NULL};
	h_server_start(env);
	u_login("admin%40mon.example", DEMO_PW, &admin);
	u_login("urzednik%40mon.example", DEMO_PW, &clerk);
	return 0;
}

static void expect_status(struct hresp *r, long status)
{
	if (r->status != status)
		fprintf(stderr, "expected %ld, got %ld: %.3000s\n", status, r->status, r->body);
	assert_int_equal(r->status, status);
}

/* The organisation's settings with the demo's values, the remedy `remedy`
 * and organ of public authority or not. */
static void set_remedy(const char *remedy, bool authority)
{
	char body[4096];
	snprintf(body, sizeof body,
	         "name=Ministerstwo+Obrony+Narodowej&address=Al.+Niepodleg%%C5%%82o%%C5%%9Bci+218"
	         "&place=Warszawa&email=bip%%40mon.example&phone=&bip_url=&hosts="
	         "&class_public=1431&class_reuse=1432&policy_clarification_restarts=true"
	         "&policy_remedy=%s&policy_clarification_days=7"
	         "&policy_interest_days=7&policy_interest_keeps_running=true&letterhead="
	         "&signer_name=&signer_position=&staff_unit_only=false&appeal_body="
	         "&appeal_body_address=&public_authority=%s",
	         remedy, authority ? "true" : "false");
	struct hresp r;
	u_staff_post(&admin, "/panel/admin/ustawienia", body, &r);
	expect_status(&r, 303);
	h_free(&r);
}

/* A case filed and refused (privacy): its tracking page. */
static void refused_case_page(struct hresp *r)
{
	char number[64];
	char *token = u_file("public_information", number);
	long long id = u_request_id(number);
	char path[160];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	struct hresp s;
	u_staff_post(&clerk, path,
	             "action=refuse&version=1&legal_basis=privacy&text=Dane+prywatne."
	             "&persons=Jan+Nowak%2C+dyrektor",
	             &s);
	expect_status(&s, 303);
	/* Sent, the refusal takes effect (issue 21 item 1). */
	u_send_prepared(&clerk, &s);
	h_free(&s);
	snprintf(path, sizeof path, "/sprawa/%s", token);
	free(token);
	h_get(path, r);
	expect_status(r, 200);
}

/* The words that name each remedy: an appeal ("odwołanie", "odwołania"),
 * a request for reconsideration, a complaint straight to the court. */
static const char *const names[] = {"odwołani", "ponowne rozpatrzenie sprawy",
                                    "organem władzy publicznej"};

static void names_only(const char *page, const char *what, int which)
{
	for (int i = 0; i < 3; i++) {
		bool has = strstr(page, names[i]) != NULL;
		if (has != (i == which))
			fprintf(stderr, "%s: „%s” %s\n", what, names[i],
			        has ? "named, but it is not the remedy" : "not named");
		assert_true(has == (i == which));
	}
}

static void check_remedy(const char *remedy, bool authority, int which, const char *action)
{
	set_remedy(remedy, authority);
	struct hresp r;
	h_get(PROCEDURE, &r);
	expect_status(&r, 200);
	names_only(r.body, "the procedure page", which);
	h_free(&r);
	refused_case_page(&r);
	names_only(r.body, "the tracking page", which);
	if (action)
		assert_non_null(strstr(r.body, action));
	else
		assert_non_null(strstr(r.body, "Skarga do sądu administracyjnego"));
	h_free(&r);
}

static void test_appeal(void **state)
{
	(void)state;
	check_remedy("appeal", true, 0, "Wnieś odwołanie");
}

static void test_reconsideration(void **state)
{
	(void)state;
	check_remedy("reconsideration", true, 1, "Złóż wniosek o ponowne rozpatrzenie sprawy");
}

static void test_court_complaint(void **state)
{
	(void)state;
	/* The policy says appeal, but the body is no organ of public
	 * authority: no KPA remedy at all (UDIP art. 17 ust. 1). */
	check_remedy("appeal", false, 2, NULL);
}

/* A client's copy of the page is not current once the remedy changed. */
static void test_setting_change_is_not_served_stale(void **state)
{
	(void)state;
	set_remedy("appeal", true);
	struct hresp r;
	h_get(PROCEDURE, &r);
	expect_status(&r, 200);
	const char *tag = h_header(&r, "ETag");
	assert_non_null(tag);
	char inm[160];
	snprintf(inm, sizeof inm, "If-None-Match: %s", tag);
	h_free(&r);
	const char *headers[] = {inm, NULL};
	/* Unchanged: the copy is current. */
	h_request("GET", PROCEDURE, headers, NULL, 0, &r);
	expect_status(&r, 304);
	h_free(&r);
	set_remedy("reconsideration", true);
	h_request("GET", PROCEDURE, headers, NULL, 0, &r);
	expect_status(&r, 200);
	names_only(r.body, "the procedure page after the change", 1);
	h_free(&r);
	set_remedy("appeal", true);
}

static void unit_remedy(long long unit, const char *fields)
{
	char body[1024];
	snprintf(body, sizeof body, "op=remedy&id=%lld&%s", unit, fields);
	struct hresp r;
	u_staff_post(&admin, "/panel/admin/komorki", body, &r);
	expect_status(&r, 303);
	h_free(&r);
}

/* Issue 20 item 8: a unit with its own appeal body or remedy is named on
 * the procedure page with what applies to its cases, and a change of the
 * unit's setting changes the page and its tag at once. */
static void test_units_own_remedy_is_shown_and_a_change_is_not_served_stale(void **state)
{
	(void)state;
	set_remedy("appeal", true);
	long long unit = u_count("SELECT web_unit_id FROM organisations WHERE slug = 'mon'");
	assert_true(unit > 0);
	char name[256], symbol[64], says[400];
	u_valuef(name, sizeof name, "SELECT name FROM units WHERE id = %lld", unit);
	u_valuef(symbol, sizeof symbol, "SELECT symbol FROM units WHERE id = %lld", unit);
	snprintf(says, sizeof says, "W sprawach prowadzonych przez %s (%s): ", name, symbol);
	struct hresp r;
	/* No unit of its own: the organisation's remedy only. */
	h_get(PROCEDURE, &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, "W sprawach prowadzonych przez"));
	h_free(&r);
	unit_remedy(unit, "appeal_body=Mazowiecki+Wojew%C3%B3dzki+Inspektor+Nadzoru+Budowlanego"
	                  "&appeal_body_address=&remedy=");
	h_get(PROCEDURE, &r);
	expect_status(&r, 200);
	char *at = strstr(r.body, says);
	if (!at)
		fprintf(stderr, "no „%s” in %.6000s\n", says, r.body);
	assert_non_null(at);
	assert_non_null(strstr(at, "<strong>odwołanie</strong> do\n      Mazowiecki Wojewódzki Inspektor "
	                           "Nadzoru Budowlanego, wnoszone za naszym pośrednictwem"));
	names_only(r.body, "the procedure page with the unit's appeal body", 0);
	const char *tag = h_header(&r, "ETag");
	assert_non_null(tag);
	char inm[160];
	snprintf(inm, sizeof inm, "If-None-Match: %s", tag);
	h_free(&r);
	const char *headers[] = {inm, NULL};
	h_request("GET", PROCEDURE, headers, NULL, 0, &r);
	expect_status(&r, 304);
	h_free(&r);
	/* The unit's remedy changed: the client's copy is not current. */
	unit_remedy(unit, "appeal_body=&appeal_body_address=&remedy=reconsideration");
	h_request("GET", PROCEDURE, headers, NULL, 0, &r);
	expect_status(&r, 200);
	at = strstr(r.body, says);
	assert_non_null(at);
	assert_non_null(strstr(at, "<strong>wniosek\n      o ponowne rozpatrzenie sprawy</strong>"));
	assert_null(strstr(r.body, "Inspektor Nadzoru Budowlanego"));
	h_free(&r);
	/* A body that is not an organ of public authority: the court for every
	 * unit (UDIP art. 17 ust. 1), no unit named. */
	set_remedy("appeal", false);
	h_get(PROCEDURE, &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, "W sprawach prowadzonych przez"));
	names_only(r.body, "the procedure page of a body that is no organ", 2);
	h_free(&r);
	set_remedy("appeal", true);
	/* The unit back to the organisation's: gone from the page. */
	unit_remedy(unit, "appeal_body=&appeal_body_address=&remedy=");
	h_get(PROCEDURE, &r);
	expect_status(&r, 200);
	assert_null(strstr(r.body, "W sprawach prowadzonych przez"));
	names_only(r.body, "the procedure page after the unit's reset", 0);
	h_free(&r);
}

int main(void)
{
	h_setup_db("remedy_pages");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_appeal),
	    cmocka_unit_test(test_reconsideration),
	    cmocka_unit_test(test_court_complaint),
	    cmocka_unit_test(test_setting_change_is_not_served_stale),
	    cmocka_unit_test(test_units_own_remedy_is_shown_and_a_change_is_not_served_stale),
	};
	int failed = cmocka_run_group_tests_name("remedy_pages", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
