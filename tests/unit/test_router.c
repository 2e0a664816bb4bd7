/* SPDX-License-Identifier: EUPL-1.2 */
/* Route matching and path decoding (server/http/router.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/router.h"

static void h_dummy(struct http_req *req)
{
	(void)req;
}

static const route_t routes[] = {
    {"GET", "/", h_dummy, ROLE_ANY, "home", ROUTE_BODY_NONE},
    {"GET", "/sprawa/{token}", h_dummy, ROLE_ANY, "case.show", ROUTE_BODY_NONE},
    {"POST", "/sprawa/{token}", h_dummy, ROLE_CITIZEN, "case.update", ROUTE_BODY_FORM},
    {"GET", "/rejestr", h_dummy, ROLE_ANY, "register.index", ROUTE_BODY_NONE},
    {"GET", "/rejestr/nowy", h_dummy, ROLE_CLERK, "register.new", ROUTE_BODY_NONE},
    {"POST", "/rejestr/nowy", h_dummy, ROLE_CLERK, "register.create", ROUTE_BODY_FORM},
    {"GET", "/rejestr/{number}", h_dummy, ROLE_ANY, "register.show", ROUTE_BODY_NONE},
    {"GET", "/rejestr/{number}/wersja/{version}", h_dummy, ROLE_ANY, "register.version", ROUTE_BODY_NONE},
    {"DELETE", "/admin/uzytkownik/{id}", h_dummy, ROLE_ADMIN, "admin.user.delete", ROUTE_BODY_NONE},
    {"GET", "/static/{*path}", h_dummy, ROLE_ANY, "static", ROUTE_BODY_NONE},
};
#define NROUTES (sizeof routes / sizeof routes[0])

static char allow[128];
static route_match_t m;

static int setup(void **state)
{
	*state = arena_new(0);
	memset(&m, 0, sizeof m);
	memset(allow, 'x', sizeof allow);
	return 0;
}

static int teardown(void **state)
{
	arena_free(*state);
	return 0;
}

static enum route_result route(void **state, const char *method, const char *path)
{
	return router_match(routes, NROUTES, method, path, *state, &m, allow, sizeof allow);
}

static void assert_found(void **state, const char *method, const char *path, const char *name)
{
	assert_int_equal(route(state, method, path), ROUTE_FOUND);
	assert_non_null(m.route);
	assert_string_equal(m.route->name, name);
}

static void test_root_path_matches_root_route(void **state)
{
	assert_found(state, "GET", "/", "home");
	assert_int_equal(m.nparams, 0);
}

static void test_literal_route_matches_exactly(void **state)
{
	assert_found(state, "GET", "/rejestr", "register.index");
}

static void test_param_is_captured_and_named(void **state)
{
	assert_found(state, "GET", "/sprawa/Ab3xYz", "case.show");
	assert_int_equal(m.nparams, 1);
	assert_string_equal(m.names[0], "token");
	assert_string_equal(route_param(&m, "token"), "Ab3xYz");
}

static void test_two_params_in_one_route(void **state)
{
	assert_found(state, "GET", "/rejestr/RPO-12/wersja/3", "register.version");
	assert_string_equal(route_param(&m, "number"), "RPO-12");
	assert_string_equal(route_param(&m, "version"), "3");
}

static void test_first_matching_route_in_table_order_wins(void **state)
{
	assert_found(state, "GET", "/rejestr/nowy", "register.new");
	assert_found(state, "GET", "/rejestr/stary", "register.show");
}

static void test_method_selects_between_routes_with_same_pattern(void **state)
{
	assert_found(state, "POST", "/sprawa/abc", "case.update");
	assert_found(state, "GET", "/sprawa/abc", "case.show");
}

static void test_param_does_not_match_empty_segment(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/"), ROUTE_NOT_FOUND);
}

static void test_trailing_slash_does_not_match(void **state)
{
	assert_int_equal(route(state, "GET", "/rejestr/"), ROUTE_NOT_FOUND);
}

static void test_double_slash_is_not_found(void **state)
{
	assert_int_equal(route(state, "GET", "//"), ROUTE_NOT_FOUND);
	assert_int_equal(route(state, "GET", "/sprawa//x"), ROUTE_NOT_FOUND);
}

static void test_unknown_path_is_not_found(void **state)
{
	assert_int_equal(route(state, "GET", "/nie-ma-takiej"), ROUTE_NOT_FOUND);
	assert_null(m.route);
	assert_string_equal(allow, "");
}

static void test_wrong_method_is_405_with_sorted_allow(void **state)
{
	assert_int_equal(route(state, "DELETE", "/sprawa/abc"), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "GET, HEAD, POST");
	assert_null(m.route);
}

static void test_allow_lists_each_method_once(void **state)
{
	/* /rejestr/nowy matches register.new, register.create and register.show */
	assert_int_equal(route(state, "PUT", "/rejestr/nowy"), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "GET, HEAD, POST");
}

static void test_allow_without_get_has_no_head(void **state)
{
	assert_int_equal(route(state, "GET", "/admin/uzytkownik/7"), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "DELETE");
}

static void test_allow_is_truncated_at_method_boundary(void **state)
{
	char small[10];
	enum route_result r =
	    router_match(routes, NROUTES, "DELETE", "/sprawa/abc", *state, &m, small, sizeof small);
	assert_int_equal(r, ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(small, "GET, HEAD");
	r = router_match(routes, NROUTES, "DELETE", "/sprawa/abc", *state, &m, NULL, 0);
	assert_int_equal(r, ROUTE_METHOD_NOT_ALLOWED);
}

static void test_head_matches_get_route(void **state)
{
	assert_found(state, "HEAD", "/sprawa/abc", "case.show");
	assert_string_equal(route_param(&m, "token"), "abc");
}

static void test_head_on_route_without_get_is_405(void **state)
{
	assert_int_equal(route(state, "HEAD", "/admin/uzytkownik/7"), ROUTE_METHOD_NOT_ALLOWED);
	assert_string_equal(allow, "DELETE");
}

static void test_method_is_case_sensitive(void **state)
{
	assert_int_equal(route(state, "get", "/rejestr"), ROUTE_METHOD_NOT_ALLOWED);
}

static void test_query_string_is_stripped(void **state)
{
	assert_found(state, "GET", "/sprawa/ab%20c?x=1&y=/..", "case.show");
	assert_string_equal(route_param(&m, "token"), "ab c");
	assert_found(state, "GET", "/rejestr?", "register.index");
}

static void test_percent_decoding_of_param(void **state)
{
	assert_found(state, "GET", "/sprawa/%41%62%2d%7E", "case.show");
	assert_string_equal(route_param(&m, "token"), "Ab-~");
}

static void test_encoded_slash_stays_inside_param(void **state)
{
	assert_found(state, "GET", "/sprawa/RPO%2F2024%2F17", "case.show");
	assert_string_equal(route_param(&m, "token"), "RPO/2024/17");
}

static void test_utf8_param_is_decoded(void **state)
{
	assert_found(state, "GET", "/sprawa/%C5%BC%C3%B3%C5%82w", "case.show");
	assert_string_equal(route_param(&m, "token"), "\xC5\xBC\xC3\xB3\xC5\x82w"); /* żółw */
}

static void test_literal_segment_matches_after_decoding(void **state)
{
	assert_found(state, "GET", "/rej%65str", "register.index");
}

static void test_plus_is_literal_in_path(void **state)
{
	assert_found(state, "GET", "/sprawa/a+b", "case.show");
	assert_string_equal(route_param(&m, "token"), "a+b");
}

static void test_dotdot_segment_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/.."), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/../etc/passwd"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/static/css/../../x"), ROUTE_BAD_PATH);
}

static void test_dot_segment_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "/./rejestr"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/rejestr/."), ROUTE_BAD_PATH);
}

static void test_dotdot_segment_is_bad_path_even_when_encoded(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/%2e%2E"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/.%2e"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/%2E"), ROUTE_BAD_PATH);
}

static void test_dotdot_behind_encoded_slash_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/a%2F..%2Fb"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/static/..%2Fetc%2Fpasswd"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/static/..%5Cwin.ini"), ROUTE_BAD_PATH);
}

static void test_dots_inside_a_name_are_fine(void **state)
{
	assert_found(state, "GET", "/static/css/app.min.css", "static");
	assert_found(state, "GET", "/sprawa/...", "case.show");
	assert_string_equal(route_param(&m, "token"), "...");
}

static void test_bad_escape_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/%zz"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/%4"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/%"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/%4?x"), ROUTE_BAD_PATH);
}

static void test_encoded_nul_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/a%00b"), ROUTE_BAD_PATH);
}

static void test_invalid_utf8_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/%C0%AF"), ROUTE_BAD_PATH); /* overlong '/' */
	assert_int_equal(route(state, "GET", "/sprawa/%ED%A0%80"), ROUTE_BAD_PATH); /* surrogate */
	assert_int_equal(route(state, "GET", "/sprawa/%FF"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/%C5"), ROUTE_BAD_PATH); /* truncated */
	assert_int_equal(route(state, "GET", "/sprawa/\xC5"), ROUTE_BAD_PATH);
}

static void test_control_character_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "/sprawa/a%0D%0ASet-Cookie:x"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/a%7F"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "/sprawa/a\tb"), ROUTE_BAD_PATH);
}

static void test_path_without_leading_slash_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", "sprawa/x"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", ""), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "OPTIONS", "*"), ROUTE_BAD_PATH);
	assert_int_equal(route(state, "GET", "?/rejestr"), ROUTE_BAD_PATH);
}

static void test_null_path_is_bad_path(void **state)
{
	assert_int_equal(route(state, "GET", NULL), ROUTE_BAD_PATH);
}

static void test_overlong_path_is_bad_path(void **state)
{
	char path[ROUTE_PATH_MAX + 2];
	memset(path, 'a', sizeof path);
	path[0] = '/';
	path[ROUTE_PATH_MAX + 1] = '\0'; /* 2049 bytes */
	assert_int_equal(route(state, "GET", path), ROUTE_BAD_PATH);
	path[ROUTE_PATH_MAX] = '\0'; /* exactly 2048: allowed, just unknown */
	assert_int_equal(route(state, "GET", path), ROUTE_NOT_FOUND);
}

static void test_long_query_does_not_count_towards_path_limit(void **state)
{
	char path[4096];
	memset(path, 'q', sizeof path);
	memcpy(path, "/rejestr?", 9);
	path[sizeof path - 1] = '\0';
	assert_found(state, "GET", path, "register.index");
}

static void test_wildcard_captures_rest_joined_with_slash(void **state)
{
	assert_found(state, "GET", "/static/css/%C5%BC/app.css", "static");
	assert_string_equal(route_param(&m, "path"), "css/\xC5\xBC/app.css");
	assert_found(state, "GET", "/static/logo.svg", "static");
	assert_string_equal(route_param(&m, "path"), "logo.svg");
}

static void test_wildcard_needs_at_least_one_segment(void **state)
{
	assert_int_equal(route(state, "GET", "/static"), ROUTE_NOT_FOUND);
	assert_int_equal(route(state, "GET", "/static/"), ROUTE_NOT_FOUND);
}

static void test_wildcard_rejects_empty_inner_segment(void **state)
{
	assert_int_equal(route(state, "GET", "/static/css//app.css"), ROUTE_NOT_FOUND);
	assert_int_equal(route(state, "GET", "/static/css/"), ROUTE_NOT_FOUND);
}

static void test_wildcard_does_not_match_encoded_slash(void **state)
{
	assert_int_equal(route(state, "GET", "/static/css%2Fapp.css"), ROUTE_NOT_FOUND);
}

static void test_route_param_absent_is_null(void **state)
{
	assert_found(state, "GET", "/sprawa/abc", "case.show");
	assert_null(route_param(&m, "number"));
	assert_null(route_param(&m, NULL));
	assert_null(route_param(NULL, "token"));
}

static void test_match_is_cleared_when_not_found(void **state)
{
	assert_found(state, "GET", "/sprawa/abc", "case.show");
	assert_int_equal(route(state, "GET", "/sprawa/%zz"), ROUTE_BAD_PATH);
	assert_null(m.route);
	assert_int_equal(m.nparams, 0);
}

static void test_rows_with_bad_patterns_never_match(void **state)
{
	static const route_t bad[] = {
	    {"GET", "/a/{*rest}/b", h_dummy, ROLE_ANY, "rest.not.last", ROUTE_BODY_NONE},
	    {"GET", "/a/{x", h_dummy, ROLE_ANY, "unclosed", ROUTE_BODY_NONE},
	    {"GET", "/a/b", NULL, ROLE_ANY, "no.handler", ROUTE_BODY_NONE},
	    {"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}/{i}", h_dummy, ROLE_ANY, "nine", ROUTE_BODY_NONE},
	};
	assert_int_equal(router_match(bad, 4, "GET", "/a/x/b", *state, &m, NULL, 0),
			 ROUTE_NOT_FOUND);
	assert_int_equal(router_match(bad, 4, "GET", "/a/{x", *state, &m, NULL, 0),
			 ROUTE_NOT_FOUND);
	assert_int_equal(router_match(bad, 4, "GET", "/a/b", *state, &m, NULL, 0), ROUTE_NOT_FOUND);
	assert_int_equal(router_match(bad, 4, "GET", "/1/2/3/4/5/6/7/8/9", *state, &m, NULL, 0),
			 ROUTE_NOT_FOUND);
}

static void test_eight_params_are_allowed(void **state)
{
	static const route_t eight[] = {
	    {"GET", "/{a}/{b}/{c}/{d}/{e}/{f}/{g}/{h}", h_dummy, ROLE_ANY, "eight", ROUTE_BODY_NONE},
	};
	assert_true(router_table_valid(eight, 1, NULL, NULL));
	assert_int_equal(router_match(eight, 1, "GET", "/1/2/3/4/5/6/7/8", *state, &m, NULL, 0),
			 ROUTE_FOUND);
	assert_int_equal(m.nparams, 8);
	assert_string_equal(route_param(&m, "h"), "8");
}

static void test_table_validation_names_the_bad_row(void **state)
{
	size_t row = 99;
	const char *why = NULL;
	assert_true(router_table_valid(routes, NROUTES, &row, &why));
	static const route_t bad[] = {
	    {"GET", "/ok", h_dummy, ROLE_ANY, "ok", ROUTE_BODY_NONE},
	    {"GET", "/a/{*rest}/b", h_dummy, ROLE_ANY, "rest.not.last", ROUTE_BODY_NONE},
	};
	assert_false(router_table_valid(bad, 2, &row, &why));
	assert_int_equal(row, 1);
	assert_non_null(why);
	static const route_t dup[] = {{"GET", "/{a}/{a}", h_dummy, ROLE_ANY, "dup", ROUTE_BODY_NONE}};
	assert_false(router_table_valid(dup, 1, &row, &why));
	static const route_t rel[] = {{"GET", "a", h_dummy, ROLE_ANY, "rel", ROUTE_BODY_NONE}};
	assert_false(router_table_valid(rel, 1, &row, &why));
	static const route_t empty[] = {{"GET", "/{}", h_dummy, ROLE_ANY, "empty", ROUTE_BODY_NONE}};
	assert_false(router_table_valid(empty, 1, &row, &why));
}

/* A route's body kind decides how much the server reads for it: a GET row
 * (HEAD matches it too) cannot take one, and the kind must be known. */
static void test_table_validation_refuses_a_body_on_get_and_unknown_kinds(void **state)
{
	size_t row = 99;
	const char *why = NULL;
	static const route_t get_body[] = {
	    {"POST", "/f", h_dummy, ROLE_ANY, "f", ROUTE_BODY_UPLOAD},
	    {"GET", "/f", h_dummy, ROLE_ANY, "f.get", ROUTE_BODY_FORM},
	};
	assert_true(router_table_valid(get_body, 1, &row, &why));
	assert_false(router_table_valid(get_body, 2, &row, &why));
	assert_int_equal(row, 1);
	assert_string_equal(why, "a GET route takes no body");
	static const route_t unknown[] = {{"POST", "/f", h_dummy, ROLE_ANY, "f", 42}};
	assert_false(router_table_valid(unknown, 1, &row, &why));
	assert_string_equal(why, "unknown body kind");
}

static void test_utf8_valid_accepts_boundary_code_points(void **state)
{
	assert_true(utf8_valid("", 0));
	assert_true(utf8_valid("\x7F", 1));
	assert_true(utf8_valid("\xC2\x80", 2));		/* U+0080 */
	assert_true(utf8_valid("\xE0\xA0\x80", 3));	/* U+0800 */
	assert_true(utf8_valid("\xED\x9F\xBF", 3));	/* U+D7FF */
	assert_true(utf8_valid("\xEE\x80\x80", 3));	/* U+E000 */
	assert_true(utf8_valid("\xF0\x90\x80\x80", 4)); /* U+10000 */
	assert_true(utf8_valid("\xF4\x8F\xBF\xBF", 4)); /* U+10FFFF */
}

static void test_utf8_valid_rejects_overlongs_surrogates_and_beyond(void **state)
{
	assert_false(utf8_valid("\xC0\x80", 2)); /* overlong NUL */
	assert_false(utf8_valid("\xC1\xBF", 2));
	assert_false(utf8_valid("\xE0\x9F\xBF", 3));	 /* overlong */
	assert_false(utf8_valid("\xED\xA0\x80", 3));	 /* U+D800 */
	assert_false(utf8_valid("\xED\xBF\xBF", 3));	 /* U+DFFF */
	assert_false(utf8_valid("\xF0\x8F\xBF\xBF", 4)); /* overlong */
	assert_false(utf8_valid("\xF4\x90\x80\x80", 4)); /* U+110000 */
	assert_false(utf8_valid("\xF5\x80\x80\x80", 4));
	assert_false(utf8_valid("\x80", 1));	     /* lone continuation */
	assert_false(utf8_valid("\xE2\x82", 2));     /* truncated */
	assert_false(utf8_valid("\xE2\x28\xA1", 3)); /* bad continuation */
}

static void test_percent_decode_plus_is_space_only_when_asked(void **state)
{
	char *out;
	size_t len;
	assert_true(http_percent_decode(*state, "a+b%2B", 6, true, &out, &len));
	assert_string_equal(out, "a b+");
	assert_int_equal(len, 4);
	assert_true(http_percent_decode(*state, "a+b", 3, false, &out, &len));
	assert_string_equal(out, "a+b");
}

static void test_percent_decode_rejects_literal_nul_and_reports_null(void **state)
{
	char *out = (char *)"x";
	size_t len = 5;
	assert_false(http_percent_decode(*state, "a\0b", 3, false, &out, &len));
	assert_null(out);
	assert_int_equal(len, 0);
	assert_true(http_percent_decode(*state, NULL, 0, false, &out, &len));
	assert_string_equal(out, "");
}

/* ---- router_redact: no tracking token in a log line ---- */

static const route_t api_routes[] = {
    {"GET", "/api/v1/requests/{token}", h_dummy, ROLE_ANY, "api.show", ROUTE_BODY_NONE},
    {"POST", "/api/v1/requests/{token}/actions/{action}", h_dummy, ROLE_ANY, "api.act", ROUTE_BODY_FORM},
    {"GET", "/api/v1/requests/{id}/x", h_dummy, ROLE_ANY, "api.other", ROUTE_BODY_NONE},
    {"GET", "/rejestr/{number}", h_dummy, ROLE_ANY, "register.show", ROUTE_BODY_NONE},
};
#define NAPI (sizeof api_routes / sizeof api_routes[0])

static const char *redact(void **state, const char *path)
{
	return router_redact(routes, NROUTES, path, *state);
}

static const char *redact_api(void **state, const char *path)
{
	return router_redact(api_routes, NAPI, path, *state);
}

static void test_redact_hides_the_token_of_a_matching_path(void **state)
{
	assert_string_equal(redact(state, "/sprawa/Abc123-_xyz"), "/sprawa/{token}");
	assert_string_equal(redact_api(state, "/api/v1/requests/Abc123"), "/api/v1/requests/{token}");
	assert_string_equal(redact_api(state, "/api/v1/requests/Abc123/actions/withdraw"),
	                    "/api/v1/requests/{token}/actions/withdraw");
}

static void test_redact_drops_the_query(void **state)
{
	assert_string_equal(redact(state, "/sprawa/Abc123?token=Abc123&x=1"), "/sprawa/{token}");
	assert_string_equal(redact(state, "/rejestr?token=Abc123"), "/rejestr");
}

static void test_redact_hides_the_token_where_nothing_matches(void **state)
{
	/* 404: more segments than any route has */
	assert_string_equal(redact(state, "/sprawa/Abc123/nie/ma"), "/sprawa/{token}/nie/ma");
	/* a segment that does not decode, and an overlong path (400) */
	assert_string_equal(redact(state, "/sprawa/Abc%zz123"), "/sprawa/{token}");
	assert_string_equal(redact(state, "/sprawa/Abc123/%zz/x"), "/sprawa/{token}/%zz/x");
	/* a literal written with escapes is still that literal */
	assert_string_equal(redact(state, "/%73prawa/Abc123"), "/%73prawa/{token}");
	/* a parameter before the literal that leads to a token */
	assert_string_equal(redact_api(state, "/api/v1/requests/Abc123/actions"),
	                    "/api/v1/requests/{token}/actions");
}

static void test_redact_keeps_paths_without_a_secret(void **state)
{
	assert_string_equal(redact(state, "/"), "/");
	assert_string_equal(redact(state, "/rejestr/COMON.1431.15.2026"),
	                    "/rejestr/COMON.1431.15.2026");
	assert_string_equal(redact(state, "/sprawa"), "/sprawa");
	assert_string_equal(redact(state, "/sprawa/"), "/sprawa/");
	assert_string_equal(redact(state, "/sprawy/Abc123"), "/sprawy/Abc123");
	assert_string_equal(redact(state, "/x/sprawa/Abc123"), "/x/sprawa/Abc123");
	assert_string_equal(redact(state, "*"), "*");
	assert_string_equal(redact(state, ""), "");
	assert_string_equal(redact(state, NULL), "");
}

static void test_redact_reads_a_long_path_without_harm(void **state)
{
	size_t n = ROUTE_PATH_MAX * 4;
	char *p = arena_alloc(*state, n + 32);
	strcpy(p, "/sprawa/Abc123/");
	size_t len = strlen(p);
	memset(p + len, 'a', n);
	p[len + n] = '\0';
	const char *r = redact(state, p);
	assert_true(!strncmp(r, "/sprawa/{token}/aaa", 19));
	assert_null(strstr(r, "Abc123"));
	assert_int_equal(strlen(r), strlen("/sprawa/{token}/") + n);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_root_path_matches_root_route),
	    T(test_literal_route_matches_exactly),
	    T(test_param_is_captured_and_named),
	    T(test_two_params_in_one_route),
	    T(test_first_matching_route_in_table_order_wins),
	    T(test_method_selects_between_routes_with_same_pattern),
	    T(test_param_does_not_match_empty_segment),
	    T(test_trailing_slash_does_not_match),
	    T(test_double_slash_is_not_found),
	    T(test_unknown_path_is_not_found),
	    T(test_wrong_method_is_405_with_sorted_allow),
	    T(test_allow_lists_each_method_once),
	    T(test_allow_without_get_has_no_head),
	    T(test_allow_is_truncated_at_method_boundary),
	    T(test_head_matches_get_route),
	    T(test_head_on_route_without_get_is_405),
	    T(test_method_is_case_sensitive),
	    T(test_query_string_is_stripped),
	    T(test_percent_decoding_of_param),
	    T(test_encoded_slash_stays_inside_param),
	    T(test_utf8_param_is_decoded),
	    T(test_literal_segment_matches_after_decoding),
	    T(test_plus_is_literal_in_path),
	    T(test_dotdot_segment_is_bad_path),
	    T(test_dot_segment_is_bad_path),
	    T(test_dotdot_segment_is_bad_path_even_when_encoded),
	    T(test_dotdot_behind_encoded_slash_is_bad_path),
	    T(test_dots_inside_a_name_are_fine),
	    T(test_bad_escape_is_bad_path),
	    T(test_encoded_nul_is_bad_path),
	    T(test_invalid_utf8_is_bad_path),
	    T(test_control_character_is_bad_path),
	    T(test_path_without_leading_slash_is_bad_path),
	    T(test_null_path_is_bad_path),
	    T(test_overlong_path_is_bad_path),
	    T(test_long_query_does_not_count_towards_path_limit),
	    T(test_wildcard_captures_rest_joined_with_slash),
	    T(test_wildcard_needs_at_least_one_segment),
	    T(test_wildcard_rejects_empty_inner_segment),
	    T(test_wildcard_does_not_match_encoded_slash),
	    T(test_route_param_absent_is_null),
	    T(test_match_is_cleared_when_not_found),
	    T(test_rows_with_bad_patterns_never_match),
	    T(test_eight_params_are_allowed),
	    T(test_table_validation_names_the_bad_row),
	    T(test_table_validation_refuses_a_body_on_get_and_unknown_kinds),
	    T(test_utf8_valid_accepts_boundary_code_points),
	    T(test_utf8_valid_rejects_overlongs_surrogates_and_beyond),
	    T(test_percent_decode_plus_is_space_only_when_asked),
	    T(test_percent_decode_rejects_literal_nul_and_reports_null),
	    T(test_redact_hides_the_token_of_a_matching_path),
	    T(test_redact_drops_the_query),
	    T(test_redact_hides_the_token_where_nothing_matches),
	    T(test_redact_keeps_paths_without_a_secret),
	    T(test_redact_reads_a_long_path_without_harm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
