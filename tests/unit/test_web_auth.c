/* SPDX-License-Identifier: EUPL-1.2 */
/* The pure parts of staff sign-in (server/web/auth.c, included to reach its
 * static helpers): which `next` addresses are followed after sign-in, the
 * order of roles and the officer beside them, and the CSRF comparison. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "web/auth.c"

static void test_next_accepts_local_paths_with_query(void **state)
{
	assert_string_equal(safe_next("/panel"), "/panel");
	assert_string_equal(safe_next("/panel/sprawy/12"), "/panel/sprawy/12");
	assert_string_equal(safe_next("/panel?stan=nowe&strona=2"), "/panel?stan=nowe&strona=2");
	assert_string_equal(safe_next("/"), "/");
}

static void test_next_refuses_other_sites_and_header_splitting(void **state)
{
	static const char *const bad[] = {
	    "//evil.example",         "/\\evil.example",     "https://evil.example",
	    "evil.example",           "",                    "/panel\r\nSet-Cookie: x=1",
	    "/panel\nx",              "/pa nel",             "/panel\\..\\x",
	    "/panel\x7f",             "/zażółć",             "javascript:alert(1)",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_null(safe_next(bad[i]));
	assert_null(safe_next(NULL));
	char longpath[NEXT_MAX + 2];
	memset(longpath, 'a', sizeof longpath - 1);
	longpath[0] = '/';
	longpath[sizeof longpath - 1] = '\0';
	assert_null(safe_next(longpath));
}

static void test_roles_are_ordered_clerk_manager_admin(void **state)
{
	assert_int_equal(role_level("clerk"), ROLE_CLERK);
	assert_int_equal(role_level("manager"), ROLE_MANAGER);
	assert_int_equal(role_level("admin"), ROLE_ADMIN);
	assert_true(ROLE_CLERK < ROLE_MANAGER && ROLE_MANAGER < ROLE_ADMIN);
	assert_int_equal(role_level("iod"), ROLE_IOD);
	/* Anything else reaches no staff route. */
	assert_int_equal(role_level("Admin"), ROLE_ANY);
	assert_int_equal(role_level(""), ROLE_ANY);
	assert_int_equal(role_level(NULL), ROLE_ANY);
}

/* The data protection officer is not a clerk: beside the ordered roles,
 * it reaches the routes of any staff member and its own, which the
 * administrator reaches too, and nothing of cases, dashboards or settings. */
static void test_the_officer_stands_beside_the_ordered_roles(void **state)
{
	static const int users[] = {ROLE_ANY, ROLE_IOD, ROLE_CLERK, ROLE_MANAGER, ROLE_ADMIN};
	static const int routes[] = {ROLE_ANY, ROLE_STAFF, ROLE_IOD, ROLE_CLERK, ROLE_MANAGER,
	                             ROLE_ADMIN};
	/* [user][route] */
	static const bool want[5][6] = {
	    {true, false, false, false, false, false}, /* signed out */
	    {true, true, true, false, false, false},   /* officer */
	    {true, true, false, true, false, false},   /* clerk */
	    {true, true, false, true, true, false},    /* manager */
	    {true, true, true, true, true, true},      /* admin */
	};
	for (size_t u = 0; u < 5; u++)
		for (size_t r = 0; r < 6; r++)
			if (route_role_allows(routes[r], users[u]) != want[u][r])
				fail_msg("user %d, route %d: %s", users[u], routes[r],
				         want[u][r] ? "refused" : "allowed");
	assert_true(route_role_allows(ROLE_CITIZEN, ROLE_ANY));
	/* Where each lands after signing in: the officer on its own page. */
	assert_string_equal(home_of(ROLE_IOD), "/panel/iod");
	assert_string_equal(home_of(ROLE_CLERK), "/panel");
	assert_string_equal(home_of(ROLE_ADMIN), "/panel");
}

static void test_csrf_must_match_the_session_token_exactly(void **state)
{
	const char *tok = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde";
	assert_true(csrf_matches(tok, tok));
	assert_false(csrf_matches(NULL, tok));
	assert_false(csrf_matches("", tok));
	assert_false(csrf_matches("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdE", tok));
	assert_false(csrf_matches("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd", tok));
	assert_false(csrf_matches("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcdef", tok));
	/* A session without a token matches nothing, not even an empty field. */
	assert_false(csrf_matches("", ""));
	assert_false(csrf_matches(NULL, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_next_accepts_local_paths_with_query),
	    cmocka_unit_test(test_next_refuses_other_sites_and_header_splitting),
	    cmocka_unit_test(test_roles_are_ordered_clerk_manager_admin),
	    cmocka_unit_test(test_the_officer_stands_beside_the_ordered_roles),
	    cmocka_unit_test(test_csrf_must_match_the_session_token_exactly),
	};
	return cmocka_run_group_tests_name("web_auth", tests, NULL, NULL);
}
