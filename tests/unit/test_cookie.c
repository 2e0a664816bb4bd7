/* SPDX-License-Identifier: EUPL-1.2 */
/* Cookie header parsing and Set-Cookie formatting (server/http/cookie.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/cookie.h"

static int setup(void **state)
{
	*state = arena_new(0);
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static const char *get(void **state, const char *header, const char *name)
{
	return cookie_get(*state, header, name);
}

static void test_cookie_get_finds_one_among_several(void **state)
{
	const char *h = "lang=pl; sid=abc123; theme=dark";
	assert_string_equal(get(state, h, "lang"), "pl");
	assert_string_equal(get(state, h, "sid"), "abc123");
	assert_string_equal(get(state, h, "theme"), "dark");
}

static void test_cookie_get_unquotes_quoted_value(void **state)
{
	assert_string_equal(get(state, "a=1; sid=\"abc\"", "sid"), "abc");
	assert_string_equal(get(state, "sid=\"\"", "sid"), "");
}

static void test_cookie_get_absent_is_null(void **state)
{
	assert_null(get(state, "lang=pl; theme=dark", "sid"));
	assert_null(get(state, "", "sid"));
}

static void test_cookie_get_null_arguments_are_null(void **state)
{
	assert_null(get(state, NULL, "sid"));
	assert_null(get(state, "sid=1", NULL));
}

static void test_cookie_get_invalid_name_is_null(void **state)
{
	assert_null(get(state, "sid=1", ""));
	assert_null(get(state, "a b=1", "a b"));
	assert_null(get(state, "a;b=1", "a;b"));
}

static void test_cookie_get_name_is_case_sensitive(void **state)
{
	assert_null(get(state, "SID=abc", "sid"));
}

static void test_cookie_get_does_not_match_name_prefix_or_suffix(void **state)
{
	assert_null(get(state, "sidx=1; xsid=2", "sid"));
	assert_string_equal(get(state, "sidx=1; xsid=2; sid=3", "sid"), "3");
}

static void test_cookie_get_empty_value_is_empty_string(void **state)
{
	assert_string_equal(get(state, "sid=; a=1", "sid"), "");
}

static void test_cookie_get_malformed_value_is_null(void **state)
{
	assert_null(get(state, "sid=a b", "sid"));
	assert_null(get(state, "sid=a,b", "sid"));
	assert_null(get(state, "sid=a\\b", "sid"));
	assert_null(get(state, "sid=\"abc", "sid"));
	assert_null(get(state, "sid=a\"b\"", "sid"));
	assert_null(get(state, "sid=\xC5\xBC", "sid"));
	assert_null(get(state, "sid=a\x01", "sid"));
}

static void test_cookie_get_skips_other_malformed_pairs(void **state)
{
	const char *h = "junk; tracker=a b,c; =x; ;; sid=ok";
	assert_string_equal(get(state, h, "sid"), "ok");
}

static void test_cookie_get_ignores_a_lone_quote_anywhere(void **state)
{
	/* What a script may leave behind: a lone '"' as a pair, as a value,
	 * as a name; the cookie asked for is found or absent, never a failure. */
	assert_null(get(state, "\"", "sid"));
	assert_null(get(state, "\"\"\"", "sid"));
	assert_null(get(state, "a=\"", "sid"));
	assert_null(get(state, "=\"", "sid"));
	assert_null(get(state, "sid=\"", "sid"));
	assert_null(get(state, "sid=\"\"\"", "sid"));
	assert_string_equal(get(state, "\"; sid=ok", "sid"), "ok");
	assert_string_equal(get(state, "sid=ok; a=\"", "sid"), "ok");
	assert_string_equal(get(state, "a=\"x; sid=ok; b=\"", "sid"), "ok");
	assert_string_equal(get(state, "\"=\"; sid=ok", "sid"), "ok");
	assert_string_equal(get(state, "a=\\\"; sid=ok", "sid"), "ok");
}

static void test_cookie_get_first_occurrence_decides(void **state)
{
	assert_string_equal(get(state, "sid=first; sid=second", "sid"), "first");
	assert_null(get(state, "sid=bad value; sid=good", "sid"));
}

static void test_cookie_get_tolerates_missing_space_and_tabs(void **state)
{
	assert_string_equal(get(state, "a=1;sid=2", "sid"), "2");
	assert_string_equal(get(state, "a=1;\t sid = 2 \t", "sid"), "2");
}

static void test_cookie_get_keeps_equals_inside_value(void **state)
{
	assert_string_equal(get(state, "sid=YWJj==; a=1", "sid"), "YWJj==");
}

static void test_cookie_format_session_cookie(void **state)
{
	assert_string_equal(cookie_format(*state, "sid", "abc", -1, true),
			    "sid=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
}

static void test_cookie_format_with_max_age(void **state)
{
	assert_string_equal(cookie_format(*state, "sid", "abc", 3600, false),
			    "sid=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600");
}

static void test_cookie_format_max_age_zero_expires_now(void **state)
{
	assert_string_equal(cookie_format(*state, "sid", "", 0, true),
			    "sid=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure");
}

static void test_cookie_format_rejects_semicolon_in_value(void **state)
{
	assert_null(cookie_format(*state, "sid", "a;Domain=evil", -1, true));
	assert_null(cookie_format(*state, "sid", "a b", -1, true));
	assert_null(cookie_format(*state, "sid", "a\r\nX: y", -1, true));
	assert_null(cookie_format(*state, "sid", "\"q\"", -1, true));
	assert_null(cookie_format(*state, "sid", "a,b", -1, true));
}

static void test_cookie_format_rejects_bad_name(void **state)
{
	assert_null(cookie_format(*state, "", "v", -1, true));
	assert_null(cookie_format(*state, "s=id", "v", -1, true));
	assert_null(cookie_format(*state, "s id", "v", -1, true));
	assert_null(cookie_format(*state, NULL, "v", -1, true));
	assert_null(cookie_format(*state, "sid", NULL, -1, true));
}

static void test_cookie_format_secure_prefixes_require_secure(void **state)
{
	assert_null(cookie_format(*state, "__Host-sid", "v", -1, false));
	assert_null(cookie_format(*state, "__secure-sid", "v", -1, false));
	assert_non_null(cookie_format(*state, "__Host-sid", "v", -1, true));
}

static void test_cookie_round_trips_through_header(void **state)
{
	const char *v = "Zm9v-YmFy_.~!#$%&'()*+/:<=>?@[]^`{|}";
	const char *set = cookie_format(*state, "sid", v, -1, true);
	assert_non_null(set);
	/* the browser echoes back the part before the first "; " */
	const char *semi = strstr(set, "; ");
	char *pair = arena_strndup(*state, set, (size_t)(semi - set));
	assert_string_equal(get(state, pair, "sid"), v);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_cookie_get_finds_one_among_several),
	    T(test_cookie_get_unquotes_quoted_value),
	    T(test_cookie_get_absent_is_null),
	    T(test_cookie_get_null_arguments_are_null),
	    T(test_cookie_get_invalid_name_is_null),
	    T(test_cookie_get_name_is_case_sensitive),
	    T(test_cookie_get_does_not_match_name_prefix_or_suffix),
	    T(test_cookie_get_empty_value_is_empty_string),
	    T(test_cookie_get_malformed_value_is_null),
	    T(test_cookie_get_skips_other_malformed_pairs),
	    T(test_cookie_get_ignores_a_lone_quote_anywhere),
	    T(test_cookie_get_first_occurrence_decides),
	    T(test_cookie_get_tolerates_missing_space_and_tabs),
	    T(test_cookie_get_keeps_equals_inside_value),
	    T(test_cookie_format_session_cookie),
	    T(test_cookie_format_with_max_age),
	    T(test_cookie_format_max_age_zero_expires_now),
	    T(test_cookie_format_rejects_semicolon_in_value),
	    T(test_cookie_format_rejects_bad_name),
	    T(test_cookie_format_secure_prefixes_require_secure),
	    T(test_cookie_round_trips_through_header),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
