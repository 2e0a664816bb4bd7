/* SPDX-License-Identifier: EUPL-1.2 */
/* Authorization over the whole route table: every route, as anonymous, as
 * a citizen with a tracking link, as a clerk of this organisation and of
 * another, as managers, as an admin and as the data protection officer
 * (who is not a clerk: ROLE_IOD). The expectations come from each route's
 * role (route_role_allows()), so a new route is covered the day it is
 * added.
 *
 * Unit scoping (issue 16, cases/scope.h): the table runs twice, with the
 * organisation's setting "staff see only their unit's cases" off and on.
 * The case is unit COMON's; a clerk and a manager of unit BDG see it as
 * the COMON clerk does while the setting is off, and get 404 for each of
 * its routes (page, steps, letters, PDF, publication) while it is on, as
 * another organisation's clerk always does, and write nothing. An
 * organisation-wide manager and the administrator always see it. The
 * second table is of the lists: the queue, its search, the register of
 * outgoing letters and its CSV, and the dashboard's figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "web/web.h"

/* A Wednesday: the steps and the registration below take their dates from it. */
#define NOW "2026-11-04T09:00:00Z"
#define TODAY "2026-11-04"

enum who { ANON, CITIZEN, CLERK, OTHER_CLERK, MANAGER, ADMIN, UNIT_CLERK, UNIT_MANAGER, ORG_MANAGER,
           IOD, NWHO };
static const char *who_name[NWHO] = {"anonymous", "citizen", "clerk", "other clerk", "manager", "admin",
                                     "clerk of another unit", "manager of another unit",
                                     "manager of the whole organisation", "data protection officer"};
static const int who_level[NWHO] = {ROLE_ANY,   ROLE_ANY,     ROLE_CLERK,   ROLE_CLERK,  ROLE_MANAGER,
                                    ROLE_ADMIN, ROLE_CLERK,   ROLE_MANAGER, ROLE_MANAGER, ROLE_IOD};
static const char *who_email[NWHO] = {NULL, NULL, "urzednik%40mon.example", "obcy%40inny.example",
                                      "kierownik%40mon.example", "admin%40mon.example",
                                      "bdg.urzednik%40mon.example", "bdg.kierownik%40mon.example",
                                      "naczelnik%40mon.example", "iod%40mon.example"};
/* Staff of unit BDG, and the case is COMON's. */
static const bool who_other_unit[NWHO] = {[UNIT_CLERK] = true, [UNIT_MANAGER] = true};
static struct u_staff staff[NWHO];
static char token[64], case_id[24], number[64], act_body[96];

/* The case is hidden from `w`: another organisation's clerk always, the
 * staff of another unit while the organisation confines them to theirs. */
static bool hidden(enum who w, bool unit_only)
{
	return w == OTHER_CLERK || (unit_only && who_other_unit[w]);
}

static void unit_only(bool on)
{
	h_sql(on ? "UPDATE organisations SET staff_unit_only = true WHERE slug = 'mon'"
	       : "UPDATE organisations SET staff_unit_only = false WHERE slug = 'mon'");
}

static void login(enum who w)
{
	if (who_email[w])
		u_login(who_email[w], "jawnosc-demo", &staff[w]);
}

/* The case gets an issued letter (document 1, with its PDF): the clerk
 * takes it on, calls to clarify, and issues the call. */
static void issue_first_letter(void)
{
	char path[160], body[256];
	struct hresp r;
	snprintf(path, sizeof path, "/panel/sprawy/%s/czynnosc", case_id);
	u_staff_post(&staff[CLERK], path, act_body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(body, sizeof body, "action=call_to_clarify&text=Kt%%C3%%B3rego+roku+dotyczy+wniosek%%3F");
	u_staff_post(&staff[CLERK], path, body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	snprintf(path, sizeof path, "/panel/sprawy/%s/pisma/1", case_id);
	u_send_letter(&staff[CLERK], path);
}

static int setup(void **state)
{
	(void)state;
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_FAKE_NOW=" NOW, NULL};
	h_server_start(env);
	h_sql("INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	    "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM organisations WHERE slug = 'inny';"
	    "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'SEK') WHERE slug = 'inny';"
	    "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, 'obcy@inny.example', 'Obcy', 'clerk', u.password_hash FROM organisations o, users u WHERE o.slug = 'inny' AND u.email = 'urzednik@mon.example';"
	    /* Staff of unit BDG, and a manager of the whole organisation. */
	    "INSERT INTO users (org_id, unit_id, email, name, role, password_hash) "
	    "SELECT o.id, b.id, x.email, x.name, x.role, u.password_hash "
	    "FROM organisations o JOIN units b ON b.org_id = o.id AND b.symbol = 'BDG', users u, "
	    "(VALUES ('bdg.urzednik@mon.example', 'Urzędnik BDG', 'clerk'), "
	    "        ('bdg.kierownik@mon.example', 'Kierownik BDG', 'manager')) x (email, name, role) "
	    "WHERE o.slug = 'mon' AND u.email = 'urzednik@mon.example';"
	    "INSERT INTO users (org_id, unit_id, email, name, role, password_hash) "
	    "SELECT o.id, NULL, 'naczelnik@mon.example', 'Naczelnik', 'manager', u.password_hash "
	    "FROM organisations o, users u WHERE o.slug = 'mon' AND u.email = 'urzednik@mon.example';"
	    /* The demo's data protection officer, put in unit BDG: it opens no
	     * case whatever its unit. */
	    "UPDATE users SET unit_id = (SELECT b.id FROM units b JOIN organisations o ON o.id = b.org_id "
	    "WHERE o.slug = 'mon' AND b.symbol = 'BDG') WHERE email = 'iod@mon.example'");
	for (int w = 0; w < NWHO; w++)
		login((enum who)w);
	char *t = u_file("public_information", number);
	snprintf(token, sizeof token, "%s", t);
	free(t);
	assert_int_equal(strncmp(number, "COMON.", 6), 0);
	snprintf(case_id, sizeof case_id, "%lld", u_request_id(number));
	/* The step the table's POST to the case takes: it goes through for
	 * anyone who sees the case. */
	snprintf(act_body, sizeof act_body, "action=assign&assignee=%ld",
	         u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'"));
	issue_first_letter();
	return 0;
}

/* The route's pattern with its parameters filled in for this case. */
static void fill(const char *pattern, char *out, size_t len)
{
	out[0] = '\0';
	for (const char *p = pattern; *p;) {
		if (*p == '{') {
			const char *end = strchr(p, '}');
			char name[32];
			snprintf(name, sizeof name, "%.*s", (int)(end - p - 1), p + 1);
			const char *v = !strcmp(name, "token")  ? token
			                : !strcmp(name, "id")   ? case_id
			                : !strcmp(name, "seq")  ? "1"
			                : !strcmp(name, "action") ? "withdraw"
			                : !strcmp(name, "*path") ? "style.css"
			                                         : "1";
			strncat(out, v, len - strlen(out) - 1);
			p = end + 1;
		} else {
			strncat(out, p, 1);
			p++;
		}
	}
}

/* What a POST sends: a step and a note that would be taken, anything else
 * a field the route does not know. */
static const char *post_body(const route_t *rt)
{
	if (!strcmp(rt->name, "panel.case.act"))
		return act_body;
	if (!strcmp(rt->name, "panel.case.note"))
		return "text=Notatka+z+tabeli+uprawnie%C5%84";
	return "x=1";
}

static long call(enum who w, const route_t *rt, const char *path, struct hresp *r)
{
	if (!strcmp(rt->method, "GET")) {
		if (who_email[w])
			u_staff_get(&staff[w], path, r);
		else
			h_get(path, r);
	} else if (who_email[w]) {
		u_staff_post(&staff[w], path, post_body(rt), r);
	} else {
		h_post_form(path, post_body(rt), r);
	}
	return r->status;
}

/* Events the staff of another unit wrote on the case. */
static long other_unit_events(void)
{
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events e JOIN users u ON u.id = e.actor_user_id "
	         "WHERE e.request_id = %s AND u.email LIKE 'bdg.%%'",
	         case_id);
	return u_count(q);
}

/* Every route as every kind of user, with the setting as given. */
static int every_route(bool on)
{
	unit_only(on);
	int checked = 0;
	for (size_t i = 0; i < web_nroutes; i++) {
		const route_t *rt = &web_routes[i];
		char path[256];
		fill(rt->pattern, path, sizeof path);
		bool of_case = !strncmp(rt->pattern, "/panel/sprawy/{id}", 18);
		long as_clerk = 0; /* the status the case's own clerk got */
		for (int w = 0; w < NWHO; w++) {
			struct hresp r;
			long st = call((enum who)w, rt, path, &r);
			bool staff_route = rt->role > ROLE_ANY;
			bool allows = route_role_allows(rt->role, who_level[w]);
			const char *why = NULL;
			/* The staff API answers to an integration's bearer token,
			 * never to a session (test_staff_api covers its tokens). */
			bool bearer = !strncmp(rt->pattern, "/api/v1/staff/", 14);
			if (st >= 500 || st < 0)
				why = "a server error";
			else if (bearer && st != 401)
				why = "the staff API without a token not 401";
			else if (bearer)
				;
			/* Public forms refuse a POST without their own CSRF token (403):
			 * that is the form's protection, not authorization. */
			else if (!staff_route && (st == 401 || (st == 403 && !strcmp(rt->method, "GET"))))
				why = "public route refused";
			else if (staff_route && who_level[w] == ROLE_ANY) {
				/* Signed out: GET goes to sign-in, anything else is 401. */
				if (!strcmp(rt->method, "GET") &&
				    !(st == 303 && strstr(h_header(&r, "Location"), "/panel/logowanie")))
					why = "signed-out GET not sent to sign-in";
				if (strcmp(rt->method, "GET") && st != 401)
					why = "signed-out POST not 401";
			} else if (staff_route && !allows && st != 403)
				why = "role not allowed but not 403";
			else if (staff_route && allows && (st == 401 || st == 403))
				why = "allowed role refused";
			else if (staff_route && of_case && hidden((enum who)w, on) && allows && st != 404)
				why = w == OTHER_CLERK ? "another organisation's case not 404"
				                       : "another unit's case not 404 with the setting on";
			else if (staff_route && of_case && !hidden((enum who)w, on) && w != CLERK &&
			         allows && st != as_clerk)
				why = "a case seen answered otherwise than to its own clerk";
			if (why)
				fprintf(stderr, "%s %s as %s (setting %s): %ld (%s)\n", rt->method, path,
				        who_name[w], on ? "on" : "off", st, why);
			assert_null(why);
			if (w == CLERK)
				as_clerk = st;
			h_free(&r);
			checked++;
			if (!strcmp(rt->name, "auth.logout") && who_email[w])
				login((enum who)w); /* that call signed out: sign in again */
		}
	}
	return checked;
}

static void test_every_route_as_every_kind_of_user(void **state)
{
	int checked = every_route(false);
	/* With the setting off the other unit's staff work on the case as today. */
	assert_true(other_unit_events() > 0);
	long before = other_unit_events();
	checked += every_route(true);
	/* With it on, nothing they sent reached the case. */
	assert_int_equal(other_unit_events(), before);
	unit_only(false);
	fprintf(stderr, "authorization: %d route × user combinations checked over %zu routes\n", checked,
	        web_nroutes);
	assert_true(checked >= 2 * NWHO * 20);
	/* The officer reached the routes of any staff member and its own, and
	 * no case: no event of theirs on it. */
	assert_int_equal(u_count("SELECT count(*) FROM events e JOIN users u ON u.id = e.actor_user_id "
	                         "WHERE u.email = 'iod@mon.example' AND e.request_id IS NOT NULL"),
	                 0);
}

/* ---- The lists ----------------------------------------------------------- */

/* A list and what shows the case in it ("%s": the case's id or number). */
static const struct list {
	const char *path; /* "%s": the case number */
	int level;
	bool by_id;        /* the needle has the id, else the number */
	const char *needle;
} lists[] = {
    {"/panel?stan=awaiting_clarification", ROLE_CLERK, true, "/panel/sprawy/%s\""},
    {"/panel?q=%s", ROLE_CLERK, true, "/panel/sprawy/%s\""},
    {"/panel?q=Wydatki+na+promocj%%C4%%99", ROLE_CLERK, true, "/panel/sprawy/%s\""},
    {"/panel/pisma", ROLE_CLERK, false, "%s"},
    {"/panel/pisma.csv", ROLE_CLERK, false, "%s"},
    /* The dashboard's workload by unit: the case is COMON's. */
    {"/panel/pulpit", ROLE_MANAGER, false, ">COMON — "},
};

static void test_every_list_as_every_kind_of_staff(void **state)
{
	int checked = 0;
	for (int on = 0; on <= 1; on++) {
		unit_only(on);
		for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
			const struct list *l = &lists[i];
			char path[160], needle[96];
			snprintf(path, sizeof path, l->path, number); /* a path without %s ignores it */
			snprintf(needle, sizeof needle, l->needle, l->by_id ? case_id : number);
			for (int w = 0; w < NWHO; w++) {
				if (!who_email[w] || w == OTHER_CLERK || !route_role_allows(l->level, who_level[w]))
					continue;
				/* The dashboard was always its manager's unit's. */
				bool dashboard = !strcmp(l->path, "/panel/pulpit");
				bool sees = dashboard ? !who_other_unit[w] : !hidden((enum who)w, on);
				struct hresp r;
				u_staff_get(&staff[w], path, &r);
				assert_int_equal(r.status, 200);
				bool shown = r.body && strstr(r.body, needle);
				if (shown != sees)
					fprintf(stderr, "%s as %s (setting %s): the case is %s\n", path, who_name[w],
					        on ? "on" : "off", shown ? "listed" : "missing");
				assert_true(shown == sees);
				h_free(&r);
				checked++;
			}
		}
	}
	unit_only(false);
	assert_true(checked >= 2 * 6 * 4);
}

/* With the setting on, a clerk of a unit registers a request into their
 * unit, and so sees it; the other unit's clerk does not. */
static void test_a_unit_clerk_registers_into_their_unit(void **state)
{
	unit_only(true);
	struct hresp r;
	u_staff_post(&staff[UNIT_CLERK], "/panel/rejestracja",
	             "channel=post&received_on=" TODAY "&kind=public_information"
	             "&subject=Wniosek+do+BDG&content=Tre%C5%9B%C4%87+wniosku.&delivery=post"
	             "&name=Jan+Nowak&postal_address=ul.+Lipowa+1%2C+00-001+Warszawa",
	             &r);
	assert_int_equal(r.status, 303);
	char path[128];
	snprintf(path, sizeof path, "%s", h_header(&r, "Location"));
	h_free(&r);
	*strchr(path, '?') = '\0';
	assert_int_equal(u_count("SELECT count(*) FROM requests r JOIN units u ON u.id = r.unit_id "
	                         "WHERE r.subject = 'Wniosek do BDG' AND u.symbol = 'BDG' "
	                         "AND r.case_number LIKE 'BDG.%'"),
	                 1);
	u_staff_get(&staff[UNIT_CLERK], path, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	u_staff_get(&staff[CLERK], path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	u_staff_get(&staff[ADMIN], path, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	unit_only(false);
	/* Off, a registration goes to the unit of online requests, as before. */
	u_staff_post(&staff[UNIT_CLERK], "/panel/rejestracja",
	             "channel=post&received_on=" TODAY "&kind=public_information"
	             "&subject=Drugi+wniosek+do+BDG&content=Tre%C5%9B%C4%87+wniosku.&delivery=post"
	             "&name=Jan+Nowak&postal_address=ul.+Lipowa+1%2C+00-001+Warszawa",
	             &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM requests WHERE subject = 'Drugi wniosek do BDG' "
	                         "AND case_number LIKE 'COMON.%'"),
	                 1);
}

/* Nobody is given a case they could not open: with the setting on, the
 * case page offers for assignment only staff who see the case, and an
 * assignment to anyone else is refused on the field; off, everyone but the
 * data protection officer, who opens no case either way. */
static void test_a_case_is_assigned_only_to_staff_who_see_it(void **state)
{
	long bdg = u_count("SELECT id FROM users WHERE email = 'bdg.urzednik@mon.example'");
	long own = u_count("SELECT id FROM users WHERE email = 'urzednik@mon.example'");
	long chief = u_count("SELECT id FROM users WHERE email = 'naczelnik@mon.example'");
	long iod = u_count("SELECT id FROM users WHERE email = 'iod@mon.example'");
	char page[96], act[96], bdg_opt[48], own_opt[48], chief_opt[48], iod_opt[48], body[96];
	snprintf(page, sizeof page, "/panel/sprawy/%s", case_id);
	snprintf(act, sizeof act, "/panel/sprawy/%s/czynnosc", case_id);
	snprintf(bdg_opt, sizeof bdg_opt, "<option value=\"%ld\">", bdg);
	snprintf(own_opt, sizeof own_opt, "<option value=\"%ld\">", own);
	snprintf(chief_opt, sizeof chief_opt, "<option value=\"%ld\">", chief);
	snprintf(iod_opt, sizeof iod_opt, "<option value=\"%ld\">", iod);
	for (int on = 1; on >= 0; on--) {
		unit_only(on);
		struct hresp r;
		u_staff_get(&staff[CLERK], page, &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, own_opt));
		assert_non_null(strstr(r.body, chief_opt)); /* no unit: sees every case */
		assert_true((strstr(r.body, bdg_opt) != NULL) == !on);
		assert_null(strstr(r.body, iod_opt)); /* the officer opens no case */
		h_free(&r);
		long assigned = u_count("SELECT count(*) FROM events WHERE action = 'assign'");
		snprintf(body, sizeof body, "action=assign&assignee=%ld", iod);
		u_staff_post(&staff[CLERK], act, body, &r);
		assert_int_equal(r.status, 422);
		assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'assign'"), assigned);
		h_free(&r);
		long before = u_count("SELECT count(*) FROM events WHERE action = 'assign'");
		snprintf(body, sizeof body, "action=assign&assignee=%ld", bdg);
		u_staff_post(&staff[CLERK], act, body, &r);
		if (on) {
			assert_int_equal(r.status, 422);
			assert_non_null(strstr(r.body, "nie widzi spraw tej kom"));
			assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'assign'"), before);
		} else {
			assert_int_equal(r.status, 303);
			assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'assign'"),
			                 before + 1);
		}
		h_free(&r);
	}
	/* The case goes back to its own clerk for the tests after this one. */
	struct hresp r;
	u_staff_post(&staff[CLERK], act, act_body, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

int main(void)
{
	h_setup_db("authz");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_route_as_every_kind_of_user),
	    cmocka_unit_test(test_every_list_as_every_kind_of_staff),
	    cmocka_unit_test(test_a_unit_clerk_registers_into_their_unit),
	    cmocka_unit_test(test_a_case_is_assigned_only_to_staff_who_see_it),
	};
	int failed = cmocka_run_group_tests_name("authz", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
