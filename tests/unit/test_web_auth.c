/* The pure parts of staff sign-in (server/web/auth.c, included to reach its
 * static helpers): which `next` addresses are followed after sign-in, the
 * order of roles, and the CSRF comparison. */
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
	/* Anything else reaches no staff route. */
	assert_int_equal(role_level("Admin"), ROLE_ANY);
	assert_int_equal(role_level(""), ROLE_ANY);
	assert_int_equal(role_level(NULL), ROLE_ANY);
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
	    cmocka_unit_test(test_csrf_must_match_the_session_token_exactly),
	};
	return cmocka_run_group_tests_name("web_auth", tests, NULL, NULL);
}
