/* SPDX-License-Identifier: EUPL-1.2 */
/* Who hears the requester's remedy (issue 20 items 8 and 7): the appeal
 * body of the organisation and of each unit in the administrator's pages
 * (saved, checked with Polish messages, the form kept on error), the
 * letters naming the case's unit's body, else the organisation's, and a
 * body that is not an organ of public authority (UDIP art. 17) instructing
 * a complaint straight to the administrative court. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"

static struct u_staff admin, clerk;
static long long web_unit;

static void sql(const char *statement)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, statement);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", statement, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* One text value of a query; "" when none (malloc'd). */
static char *sql_text(const char *query)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, query);
	char *v = strdup(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return v;
}

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_DEFAULT_ORG=mon", NULL};
	h_server_start(env);
	u_login("admin%40mon.example", DEMO_PW, &admin);
	u_login("urzednik%40mon.example", DEMO_PW, &clerk);
	web_unit = u_count("SELECT web_unit_id FROM organisations WHERE slug = 'mon'");
	assert_true(web_unit > 0);
	return 0;
}

/* The settings form with the demo's values and `extra` (already encoded)
 * appended. */
static void post_settings(const char *extra, struct hresp *r)
{
	char body[4096];
	snprintf(body, sizeof body,
	         "name=Ministerstwo+Obrony+Narodowej&address=Al.+Niepodleg%%C5%%82o%%C5%%9Bci+218"
	         "&place=Warszawa&email=bip%%40mon.example&phone=&bip_url=&hosts="
	         "&class_public=1431&class_reuse=1432&policy_clarification_restarts=true"
	         "&policy_remedy=appeal&policy_clarification_days=7"
	         "&policy_interest_days=7&policy_interest_keeps_running=true&letterhead="
	         "&signer_name=&signer_position=&staff_unit_only=false%s",
	         extra);
	u_staff_post(&admin, "/panel/admin/ustawienia", body, r);
}

static void expect_status(struct hresp *r, long status)
{
	if (r->status != status)
		fprintf(stderr, "expected %ld, got %ld: %.3000s\n", status, r->status, r->body);
	assert_int_equal(r->status, status);
}

static void test_settings_page_saves_and_checks_the_appeal_body(void **state)
{
	(void)state;
	struct hresp r;
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "name=\"appeal_body\""));
	assert_non_null(strstr(r.body, "name=\"public_authority\""));
	h_free(&r);
	/* Two lines where one is asked for: refused, what was typed kept. */
	post_settings("&appeal_body=Samorz%C4%85dowe+Kolegium%0AOdwo%C5%82awcze&appeal_body_address="
	              "&public_authority=true",
	              &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "Pole „Organ odwoławczy” musi mieścić się w jednym wierszu."));
	assert_non_null(strstr(r.body, "Samorządowe Kolegium"));
	assert_non_null(strstr(r.body, "aria-invalid=\"true\""));
	h_free(&r);
	/* No choice of the yes/no: refused. */
	post_settings("&appeal_body=&appeal_body_address=", &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "Organ władzy publicznej: wybierz jedną z możliwości."));
	h_free(&r);
	post_settings("&appeal_body=Samorz%C4%85dowe+Kolegium+Odwo%C5%82awcze+w+Warszawie"
	              "&appeal_body_address=ul.+Kolegialna+1%0D%0A00-950+Warszawa&public_authority=true",
	              &r);
	expect_status(&r, 303);
	h_free(&r);
	char *v = sql_text("SELECT appeal_body || '|' || appeal_body_address || '|' || public_authority "
	                   "FROM organisations WHERE slug = 'mon'");
	assert_string_equal(v, "Samorządowe Kolegium Odwoławcze w Warszawie|ul. Kolegialna 1\n"
	                       "00-950 Warszawa|true");
	free(v);
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_non_null(strstr(r.body, "value=\"Samorządowe Kolegium Odwoławcze w Warszawie\""));
	h_free(&r);
}

static void unit_remedy(long long unit, const char *fields, struct hresp *r)
{
	char body[1024];
	snprintf(body, sizeof body, "op=remedy&id=%lld&%s", unit, fields);
	u_staff_post(&admin, "/panel/admin/komorki", body, r);
}

static void test_units_page_saves_and_checks_a_units_appeal_body(void **state)
{
	(void)state;
	struct hresp r;
	unit_remedy(web_unit, "appeal_body=Wojew%C3%B3dzki+Inspektor&appeal_body_address=&remedy=sprzeciw",
	            &r);
	expect_status(&r, 422);
	assert_non_null(strstr(r.body, "Wybierz środek zaskarżenia: jak w ustawieniach urzędu"));
	assert_non_null(strstr(r.body, "value=\"Wojewódzki Inspektor\""));
	char anchor[64];
	snprintf(anchor, sizeof anchor, "href=\"#unit-%lld-remedy\"", web_unit);
	assert_non_null(strstr(r.body, anchor));
	h_free(&r);
	/* Bytes that are not UTF-8: the form parser refuses them, never a 500. */
	unit_remedy(web_unit, "appeal_body=%FF%FE&appeal_body_address=&remedy=", &r);
	expect_status(&r, 400);
	h_free(&r);
	unit_remedy(99999999, "appeal_body=X&appeal_body_address=&remedy=", &r);
	expect_status(&r, 404);
	h_free(&r);
	unit_remedy(web_unit,
	            "appeal_body=Mazowiecki+Wojew%C3%B3dzki+Inspektor+Nadzoru+Budowlanego"
	            "&appeal_body_address=ul.+Budowlana+2%2C+00-001+Warszawa&remedy=",
	            &r);
	expect_status(&r, 303);
	h_free(&r);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT appeal_body || '|' || appeal_body_address || '|' || coalesce(remedy, 'NULL') "
	         "FROM units WHERE id = %lld",
	         web_unit);
	char *v = sql_text(q);
	assert_string_equal(v, "Mazowiecki Wojewódzki Inspektor Nadzoru Budowlanego|"
	                       "ul. Budowlana 2, 00-001 Warszawa|NULL");
	free(v);
	assert_true(u_count("SELECT count(*) FROM events WHERE action = 'unit_remedy'") >= 1);
}

/* A refusal of a new case; the body of its draft decision (malloc'd);
 * the case's tracking token in `token` when not NULL, and then the
 * decision is sent. */
static char *refusal_draft_of(char token[64])
{
	char number[64];
	char *t = u_file("public_information", number);
	if (token)
		snprintf(token, 64, "%s", t);
	free(t);
	long long id = u_request_id(number);
	char path[128], body[512];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	snprintf(body, sizeof body, "action=refuse&version=1&legal_basis=privacy&text=Dane+prywatne."
	                            "&persons=Jan+Nowak%%2C+dyrektor");
	struct hresp r;
	u_staff_post(&clerk, path, body, &r);
	expect_status(&r, 303);
	h_free(&r);
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'", id);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", id, u_count(q));
	u_staff_get(&clerk, path, &r);
	expect_status(&r, 200);
	char *page = u_markdown_of(r.body);
	h_free(&r);
	/* The requester's side follows: the decision is sent, so the refusal
	 * takes effect (issue 21 item 1). */
	if (token)
		u_send_letter(&clerk, path);
	return page;
}

static char *refusal_draft(void)
{
	return refusal_draft_of(NULL);
}

static void test_refusal_names_the_units_appeal_body_else_the_organisations(void **state)
{
	(void)state;
	/* The unit's own (set by the test before). */
	char *md = refusal_draft();
	assert_non_null(strstr(md, "Mazowieckiego Wojewódzkiego Inspektora Nadzoru Budowlanego"));
	assert_null(strstr(md, "Kolegium Odwoławcze"));
	assert_null(strstr(md, "DO UZUPEŁNIENIA: Organ odwoławczy"));
	assert_null(strstr(md, "DO UZUPEŁNIENIA: Adres organu odwoławczego"));
	free(md);
	/* The unit cleared: the organisation's. */
	struct hresp r;
	unit_remedy(web_unit, "appeal_body=&appeal_body_address=&remedy=", &r);
	expect_status(&r, 303);
	h_free(&r);
	md = refusal_draft();
	assert_non_null(strstr(md, "Samorządowego Kolegium Odwoławczego w Warszawie"));
	assert_null(strstr(md, "Inspektor"));
	free(md);
	/* The unit's remedy: no higher body for it, whatever the organisation's. */
	unit_remedy(web_unit, "appeal_body=&appeal_body_address=&remedy=reconsideration", &r);
	expect_status(&r, 303);
	h_free(&r);
	md = refusal_draft();
	assert_non_null(strstr(md, "wnioskiem o ponowne rozpatrzenie sprawy"));
	assert_null(strstr(md, "przysługuje odwołanie do"));
	free(md);
	unit_remedy(web_unit, "appeal_body=&appeal_body_address=&remedy=", &r);
	h_free(&r);
}

/* UDIP art. 17: a body that is not an organ of public authority. */
static void test_body_without_public_authority_instructs_a_court_complaint(void **state)
{
	(void)state;
	char token[64], path[128];
	struct hresp r;
	/* An organ of public authority: the tracking page offers the appeal. */
	char *md = refusal_draft_of(token);
	assert_non_null(strstr(md, "Od niniejszej decyzji przysługuje odwołanie do "));
	assert_non_null(strstr(md, "# DECYZJA\n"));
	assert_non_null(strstr(md, "**Organ:**"));
	assert_non_null(strstr(md, "art. 104 § 1 ustawy z dnia 14 czerwca 1960 r."));
	free(md);
	char *issued = sql_text("SELECT title || '|' || (position('# DECYZJA' in markdown) > 0) "
	                        "FROM documents WHERE type = 'refusal_decision' AND status = 'issued' "
	                        "ORDER BY id DESC LIMIT 1");
	assert_string_equal(issued, "Decyzja o odmowie udostępnienia informacji publicznej|true");
	free(issued);
	snprintf(path, sizeof path, "/sprawa/%s", token);
	h_get(path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Wnieś odwołanie"));
	assert_null(strstr(r.body, "Skarga do sądu administracyjnego"));
	assert_non_null(strstr(r.body, "odmówiono (decyzja)"));
	h_free(&r);
	post_settings("&appeal_body=&appeal_body_address=&public_authority=false"
	              "&court=Wojew%C3%B3dzki+S%C4%85d+Administracyjny+w+Gda%C5%84sku"
	              "&court_address=ul.+Karola+Chodkiewicza+2%2C+80-264+Gda%C5%84sk",
	              &r);
	expect_status(&r, 303);
	h_free(&r);
	md = refusal_draft_of(token);
	assert_non_null(strstr(md, "(Wojewódzki Sąd Administracyjny w Gdańsku)"));
	assert_null(strstr(md, "DO UZUPEŁNIENIA: Sąd administracyjny"));
	assert_null(strstr(md, "DO UZUPEŁNIENIA: Adres sądu administracyjnego"));
	assert_non_null(strstr(md, "nie stosuje się przepisów Kodeksu postępowania administracyjnego"));
	assert_non_null(strstr(md, "nie przysługuje odwołanie ani wniosek o ponowne rozpatrzenie"));
	assert_non_null(strstr(md, "w terminie 30 dni od dnia jego doręczenia"));
	assert_null(strstr(md, "odwołanie do organu odwoławczego"));
	assert_null(strstr(md, "DO UZUPEŁNIENIA: Organ odwoławczy"));
	assert_null(strstr(md, "DO UZUPEŁNIENIA: Adres organu odwoławczego"));
	/* UDIP art. 16 ust. 1, art. 17 ust. 1: a rozstrzygnięcie, not a
	 * decision under the KPA. */
	assert_non_null(strstr(md, "# ROZSTRZYGNIĘCIE\n"));
	assert_non_null(strstr(md, "**Podmiot:**"));
	assert_non_null(strstr(md, "Na podstawie art. 16 ust. 1 i art. 17 ust. 1 ustawy z dnia 6 "
	                           "września 2001 r."));
	assert_null(strstr(md, "decyzj"));
	assert_null(strstr(md, "DECYZJA"));
	assert_null(strstr(md, "KPA"));
	assert_null(strstr(md, "art. 104"));
	free(md);
	/* The letter as issued and sent. */
	issued = sql_text("SELECT title || '|' || (position('# ROZSTRZYGNIĘCIE' in markdown) > 0) || "
	                  "'|' || (markdown ~* 'decyzj') FROM documents WHERE type = 'refusal_decision' "
	                  "AND status = 'issued' ORDER BY id DESC LIMIT 1");
	assert_string_equal(issued, "Rozstrzygnięcie o odmowie udostępnienia informacji publicznej|true|false");
	free(issued);
	snprintf(path, sizeof path, "/sprawa/%s", token);
	h_get(path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "Skarga do sądu administracyjnego"));
	/* The tracking page names the act as the letter does. */
	assert_non_null(strstr(r.body, "Rozstrzygnięcie o odmowie udostępnienia informacji publicznej"));
	assert_non_null(strstr(r.body, "odmówiono (rozstrzygnięcie)"));
	assert_non_null(strstr(r.body, "odmowa (rozstrzygnięcie)"));
	assert_null(strstr(r.body, "Decyzja o odmowie"));
	assert_null(strstr(r.body, "(decyzja)"));
	assert_null(strstr(r.body, "odmówił udostępnienia informacji decyzją"));
	assert_null(strstr(r.body, "Wnieś odwołanie"));
	assert_null(strstr(r.body, "Złóż wniosek o ponowne rozpatrzenie"));
	h_free(&r);
	/* The staff's case page names them so too, and offers neither KPA
	 * remedy among its steps, only the court complaint. */
	char *id = sql_text("SELECT request_id FROM documents WHERE type = 'refusal_decision' "
	                    "AND status = 'issued' ORDER BY id DESC LIMIT 1");
	snprintf(path, sizeof path, "/panel/sprawy/%s", id);
	u_staff_get(&clerk, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "odmówiono (rozstrzygnięcie)"));
	assert_non_null(strstr(r.body, "odmowa (rozstrzygnięcie)"));
	assert_null(strstr(r.body, "(decyzja)"));
	assert_null(strstr(r.body, "name=\"action\" value=\"appeal\""));
	assert_null(strstr(r.body, "name=\"action\" value=\"request_reconsideration\""));
	assert_non_null(strstr(r.body, "name=\"action\" value=\"court_complaint\""));
	h_free(&r);
	post_settings("&appeal_body=&appeal_body_address=&public_authority=true", &r);
	h_free(&r);
	/* An organ again: a decision, and the appeal (the body's remedy), not
	 * the request for reconsideration nor the complaint straight to court. */
	u_staff_get(&clerk, path, &r);
	expect_status(&r, 200);
	assert_non_null(strstr(r.body, "odmówiono (decyzja)"));
	assert_null(strstr(r.body, "(rozstrzygnięcie)"));
	assert_non_null(strstr(r.body, "name=\"action\" value=\"appeal\""));
	assert_null(strstr(r.body, "name=\"action\" value=\"request_reconsideration\""));
	assert_null(strstr(r.body, "name=\"action\" value=\"court_complaint\""));
	h_free(&r);
	free(id);
}

int main(void)
{
	h_setup_db("remedy_bodies");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_settings_page_saves_and_checks_the_appeal_body),
	    cmocka_unit_test(test_units_page_saves_and_checks_a_units_appeal_body),
	    cmocka_unit_test(test_refusal_names_the_units_appeal_body_else_the_organisations),
	    cmocka_unit_test(test_body_without_public_authority_instructs_a_court_complaint),
	};
	int failed = cmocka_run_group_tests_name("remedy_bodies", tests, setup, h_stop_server);
	h_teardown();
	(void)sql;
	return failed;
}
