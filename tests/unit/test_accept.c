/* SPDX-License-Identifier: EUPL-1.2 */
/* Content negotiation (server/http/accept.c): which Accept headers name a
 * media type, as browsers and feed readers send them, and which
 * Accept-Encoding headers take gzip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "http/accept.h"

static void test_browsers_name_html_and_feed_readers_do_not(void **state)
{
	(void)state;
	/* Chromium's and Firefox's navigations. */
	assert_true(http_accept_names("text/html,application/xhtml+xml,application/xml;q=0.9,"
	                              "image/avif,image/webp,image/apng,*/*;q=0.8,"
	                              "application/signed-exchange;v=b3;q=0.7",
	                              "text/html"));
	assert_true(http_accept_names("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
	                              "text/html"));
	/* feedparser's, and a reader that takes anything. */
	assert_false(http_accept_names("application/atom+xml,application/rdf+xml,application/rss+xml,"
	                               "application/x-netcdf,application/xml;q=0.9,text/xml;q=0.2,*/*;q=0.1",
	                               "text/html"));
	assert_false(http_accept_names("*/*", "text/html"));
	assert_false(http_accept_names("text/*", "text/html"));
	assert_false(http_accept_names(NULL, "text/html"));
	assert_false(http_accept_names("", "text/html"));
}

static void test_weights_spaces_and_case(void **state)
{
	(void)state;
	assert_true(http_accept_names("application/atom+xml, TEXT/HTML ; level=1 ; q=0.5", "text/html"));
	assert_true(http_accept_names("text/html;q=1.000", "text/html"));
	assert_true(http_accept_names("text/html;q=0.001", "text/html"));
	/* Refused by weight 0, or a weight that is not one. */
	assert_false(http_accept_names("text/html;q=0", "text/html"));
	assert_false(http_accept_names("text/html; q=0.000 , */*", "text/html"));
	assert_false(http_accept_names("text/html;q=1.5", "text/html"));
	assert_false(http_accept_names("text/html;q=0.0001", "text/html"));
	assert_false(http_accept_names("text/html;q=abc", "text/html"));
	assert_false(http_accept_names("text/html;q=", "text/html"));
	/* A longer or shorter name is another type. */
	assert_false(http_accept_names("text/htmlx", "text/html"));
	assert_false(http_accept_names("text/htm", "text/html"));
	assert_false(http_accept_names(",,;,", "text/html"));
}

static void test_browsers_take_gzip_and_a_client_that_says_nothing_does_not(void **state)
{
	(void)state;
	assert_true(http_accepts_gzip("gzip, deflate, br, zstd")); /* Chromium */
	assert_true(http_accepts_gzip("gzip, deflate, br"));       /* Firefox, Safari */
	assert_true(http_accepts_gzip("deflate, gzip"));           /* curl --compressed */
	assert_true(http_accepts_gzip("x-gzip"));
	assert_true(http_accepts_gzip(" GZIP ;q=0.5"));
	assert_true(http_accepts_gzip("br;q=1.0, *;q=0.1"));
	/* No header, or nothing but the identity. */
	assert_false(http_accepts_gzip(NULL));
	assert_false(http_accepts_gzip(""));
	assert_false(http_accepts_gzip("identity"));
	assert_false(http_accepts_gzip("br, deflate"));
	assert_false(http_accepts_gzip("gzipx, xgzip"));
}

static void test_gzip_refused_by_weight_0_even_beside_a_star(void **state)
{
	(void)state;
	assert_false(http_accepts_gzip("gzip;q=0"));
	assert_false(http_accepts_gzip("gzip;q=0.000, br"));
	assert_false(http_accepts_gzip("*;q=1, gzip;q=0"));
	assert_false(http_accepts_gzip("*;q=0"));
	assert_false(http_accepts_gzip("gzip;q=2"));
	assert_true(http_accepts_gzip("gzip;q=0, x-gzip"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_browsers_name_html_and_feed_readers_do_not),
	    cmocka_unit_test(test_weights_spaces_and_case),
	    cmocka_unit_test(test_browsers_take_gzip_and_a_client_that_says_nothing_does_not),
	    cmocka_unit_test(test_gzip_refused_by_weight_0_even_beside_a_star),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
