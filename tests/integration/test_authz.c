/* Authorization over the whole route table: every route, as anonymous, as
 * a citizen with a tracking link, as a clerk of this organisation and of
 * another, as a manager and as an admin. The expectations come from each
 * route's minimum role, so a new route is covered the day it is added. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"
#include "web/web.h"

enum who { ANON, CITIZEN, CLERK, OTHER_CLERK, MANAGER, ADMIN, NWHO };
static const char *who_name[NWHO] = {"anonymous", "citizen", "clerk", "other clerk", "manager", "admin"};
static const int who_level[NWHO] = {ROLE_ANY, ROLE_ANY, ROLE_CLERK, ROLE_CLERK, ROLE_MANAGER, ROLE_ADMIN};
static const char *who_email[NWHO] = {NULL, NULL, "urzednik%40mon.example", "obcy%40inny.example",
                                      "kierownik%40mon.example", "admin%40mon.example"};
static struct u_staff staff[NWHO];
static char token[64], case_id[24];

static void login(enum who w)
{
	if (who_email[w])
		u_login(who_email[w], "jawnosc-demo", &staff[w]);
}

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", NULL};
	h_server_start(env);
	PGconn *c = h_db();
	PQclear(PQexec(c, "INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	                  "INSERT INTO units (org_id, symbol, name) SELECT id, 'SEK', 'Sekretariat' FROM organisations WHERE slug = 'inny';"
	                  "UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'SEK') WHERE slug = 'inny';"
	                  "INSERT INTO users (org_id, email, name, role, password_hash) SELECT o.id, 'obcy@inny.example', 'Obcy', 'clerk', u.password_hash FROM organisations o, users u WHERE o.slug = 'inny' AND u.email = 'urzednik@mon.example'"));
	PQfinish(c);
	for (int w = 0; w < NWHO; w++)
		login((enum who)w);
	char number[64];
	char *t = u_file("public_information", number);
	snprintf(token, sizeof token, "%s", t);
	free(t);
	snprintf(case_id, sizeof case_id, "%lld", u_request_id(number));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (h_server_pid())
		assert_int_equal(h_server_stop(), 0);
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

static long call(enum who w, const route_t *rt, const char *path, struct hresp *r)
{
	if (!strcmp(rt->method, "GET")) {
		if (who_email[w])
			u_staff_get(&staff[w], path, r);
		else
			h_get(path, r);
	} else if (who_email[w]) {
		u_staff_post(&staff[w], path, "x=1", r);
	} else {
		h_post_form(path, "x=1", r);
	}
	return r->status;
}

static void test_every_route_as_every_kind_of_user(void **state)
{
	int checked = 0;
	for (size_t i = 0; i < web_nroutes; i++) {
		const route_t *rt = &web_routes[i];
		char path[256];
		fill(rt->pattern, path, sizeof path);
		for (int w = 0; w < NWHO; w++) {
			struct hresp r;
			long st = call((enum who)w, rt, path, &r);
			bool staff_route = rt->role > ROLE_ANY;
			const char *why = NULL;
			if (st >= 500 || st < 0)
				why = "a server error";
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
			} else if (staff_route && who_level[w] < rt->role && st != 403)
				why = "role too low but not 403";
			else if (staff_route && who_level[w] >= rt->role && (st == 401 || st == 403))
				why = "allowed role refused";
			else if (staff_route && w == OTHER_CLERK && strstr(rt->pattern, "{id}") &&
			         who_level[w] >= rt->role && st != 404)
				why = "another organisation's case not 404";
			if (why)
				fprintf(stderr, "%s %s as %s: %ld (%s)\n", rt->method, path, who_name[w], st, why);
			assert_null(why);
			h_free(&r);
			checked++;
			if (!strcmp(rt->name, "auth.logout") && who_email[w])
				login((enum who)w); /* that call signed out: sign in again */
		}
	}
	fprintf(stderr, "authorization: %d route × user combinations checked over %zu routes\n", checked,
	        web_nroutes);
	assert_true(checked >= 6 * 20);
}

int main(void)
{
	h_setup_db("authz");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_route_as_every_kind_of_user),
	};
	int failed = cmocka_run_group_tests_name("authz", tests, setup, teardown);
	h_teardown();
	return failed;
}
