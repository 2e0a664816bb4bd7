/* SPDX-License-Identifier: EUPL-1.2 */
/* Issue 20 item 14: the Dz. U. positions the letters cite are data (the
 * table `citations`): a letter cites, per act, the consolidated text in
 * force on its date. A newer row with a later applies_from: a letter dated
 * before that day cites the old text, one dated on or after it the new one
 * (frozen clock: the letter's date is the day its draft is drawn). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"
#define OLD_KPA "Kodeks postępowania administracyjnego (Dz. U. z 2024 r. poz. 572)"
#define NEW_KPA "Kodeks postępowania administracyjnego (Dz. U. z 2026 r. poz. 1234)"

static struct u_staff clerk;

static void expect_status(struct hresp *r, long status)
{
	if (r->status != status)
		fprintf(stderr, "expected %ld, got %ld: %.3000s\n", status, r->status, r->body);
	assert_int_equal(r->status, status);
}

static void start_at(const char *instant)
{
	char now[64];
	snprintf(now, sizeof now, "JAWNOSC_FAKE_NOW=%s", instant);
	const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_DEFAULT_ORG=mon", now, NULL};
	h_server_start(env);
	u_login("urzednik%40mon.example", DEMO_PW, &clerk);
}

/* A case filed and refused today: the Markdown of its refusal's draft,
 * written from the template on its first view (the letter of today). */
static char *refusal_draft(void)
{
	char number[64];
	free(u_file("public_information", number));
	long long id = u_request_id(number);
	char path[128];
	snprintf(path, sizeof path, "/panel/sprawy/%lld/czynnosc", id);
	struct hresp r;
	u_staff_post(&clerk, path,
	             "action=refuse&version=1&legal_basis=privacy&text=Dane+prywatne."
	             "&persons=Jan+Nowak%2C+dyrektor",
	             &r);
	expect_status(&r, 303);
	h_free(&r);
	char q[160];
	snprintf(q, sizeof q,
	         "SELECT seq FROM documents WHERE request_id = %lld AND type = 'refusal_decision'", id);
	snprintf(path, sizeof path, "/panel/sprawy/%lld/pisma/%ld", id, u_count(q));
	u_staff_get(&clerk, path, &r);
	expect_status(&r, 200);
	char *md = u_markdown_of(r.body);
	h_free(&r);
	return md;
}

static void expect_cites(const char *want, const char *not_want)
{
	char *md = refusal_draft();
	if (!strstr(md, want) || strstr(md, not_want))
		fprintf(stderr, "expected „%s”, not „%s”:\n%.3000s\n", want, not_want, md);
	bool ok = strstr(md, want) && !strstr(md, not_want);
	/* The other acts keep theirs. */
	ok = ok && strstr(md, "o dostępie do informacji publicznej (Dz. U. z 2022 r. poz. 902)");
	free(md);
	assert_true(ok);
}

static void test_letter_cites_the_text_in_force_on_its_date(void **state)
{
	(void)state;
	start_at("2026-11-10T09:00:00Z");
	/* Only the seeded text: it is cited. */
	expect_cites(OLD_KPA, NEW_KPA);
	/* A new consolidated text from 1 December 2026: one row. */
	h_sql("INSERT INTO citations (act, dz_u, applies_from) "
	      "VALUES ('kpa', 'Dz. U. z 2026 r. poz. 1234', '2026-12-01')");
	/* A letter dated before that day still cites the old one. */
	expect_cites(OLD_KPA, NEW_KPA);
	h_stop_server(NULL);
	/* Dated on the day it applies from, and after: the new one. */
	start_at("2026-12-01T09:00:00Z");
	expect_cites(NEW_KPA, OLD_KPA);
	h_stop_server(NULL);
	start_at("2026-12-15T09:00:00Z");
	expect_cites(NEW_KPA, OLD_KPA);
}

int main(void)
{
	h_setup_db("citations");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_letter_cites_the_text_in_force_on_its_date),
	};
	int failed = cmocka_run_group_tests_name("citations", tests, NULL, h_stop_server);
	h_teardown();
	return failed;
}
