/* SPDX-License-Identifier: EUPL-1.2 */
/* The public address of a body in a deployment for several
 * (org_url_with_host() and org_base_url() of server/cases/org.c, as
 * web_org_base_url() gives it): JAWNOSC_BASE_URL with its
 * host replaced by the body's first listed host, scheme, port and path
 * kept; hostile or empty hosts leave the address as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cases/org.h"
#include "core/arena.h"
#include "core/config.h"
#include "web/web.h"

static arena_t *A;

static const char *with(const char *base, const char *host)
{
	return org_url_with_host(A, base, host);
}

static void test_the_host_is_replaced_and_the_rest_kept(void **state)
{
	(void)state;
	assert_string_equal(with("https://bip.example.gov.pl", "bip.gmina.pl"),
			    "https://bip.gmina.pl");
	assert_string_equal(with("http://127.0.0.1:18080", "urzad-b.localhost"),
			    "http://urzad-b.localhost:18080");
	assert_string_equal(with("https://jawnosc.example.pl/bip", "bip.gmina.pl"),
			    "https://bip.gmina.pl/bip");
	assert_string_equal(with("https://ops@jawnosc.example.pl:8443/a?b#c", "x.pl"),
			    "https://ops@x.pl:8443/a?b#c");
	assert_string_equal(with("http://[::1]:8080", "bip.gmina.pl"), "http://bip.gmina.pl:8080");
	assert_string_equal(with("http://bip.gmina.pl", "[::1]"), "http://[::1]");
	assert_string_equal(with("http://bip.gmina.pl:81", "10.0.0.7"), "http://10.0.0.7:81");
}

static void test_no_host_or_a_hostile_one_leaves_the_base(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "",	    "evil.pl/path", "evil.pl:8080", "a b",	 "Evil.pl",  "x@evil.pl",
	    "[::1", "[::1]:80",	    "evil.pl\r\n",  "zażółć.pl", "evil.pl?", "evil.pl#",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_string_equal(with("https://bip.example.gov.pl:8443/p", bad[i]),
				    "https://bip.example.gov.pl:8443/p");
	assert_string_equal(with("https://bip.example.gov.pl", NULL), "https://bip.example.gov.pl");
	char longhost[300];
	memset(longhost, 'a', sizeof longhost - 1);
	longhost[sizeof longhost - 1] = '\0';
	assert_string_equal(with("https://b.pl", longhost), "https://b.pl");
	/* Not an absolute address: as it is. */
	assert_string_equal(with("bip.example.gov.pl", "x.pl"), "bip.example.gov.pl");
}

/* A body's own address: the base URL when the body lists its host, is the
 * default body or lists none; else the first listed host that makes an
 * address (one put in by SQL may not). */
static void test_a_body_gets_its_first_usable_host(void **state)
{
	(void)state;
	struct org o = {.slug = "gmina", .hosts = "bip.gmina.pl wnioski.gmina.pl"};
	assert_string_equal(web_org_base_url(A, &o), "https://bip.gmina.pl:8443/bip");
	o.hosts = "Zła.Nazwa bip.gmina.pl";
	assert_string_equal(web_org_base_url(A, &o), "https://bip.gmina.pl:8443/bip");
	o.hosts = "x.pl jawnosc.example.gov.pl";
	assert_string_equal(web_org_base_url(A, &o), "https://Jawnosc.example.gov.pl:8443/bip");
	o.hosts = "";
	assert_string_equal(web_org_base_url(A, &o), "https://Jawnosc.example.gov.pl:8443/bip");
	o.hosts = "zła.pl";
	assert_string_equal(web_org_base_url(A, &o), "https://Jawnosc.example.gov.pl:8443/bip");
	o.hosts = "x.pl";
	o.slug = "domyslny";
	assert_string_equal(web_org_base_url(A, &o), "https://Jawnosc.example.gov.pl:8443/bip");
}

int main(void)
{
	A = arena_new(4096);
	cfg.base_url = "https://Jawnosc.example.gov.pl:8443/bip/";
	cfg.default_org = "domyslny";
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_the_host_is_replaced_and_the_rest_kept),
	    cmocka_unit_test(test_no_host_or_a_hostile_one_leaves_the_base),
	    cmocka_unit_test(test_a_body_gets_its_first_usable_host),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	arena_free(A);
	return rc;
}
