/* SPDX-License-Identifier: EUPL-1.2 */
/* The client address behind a trusted reverse proxy (server/http/proxy.c,
 * JAWNOSC_TRUSTED_PROXY). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "http/proxy.h"

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

static const char *client(void **state, const char *peer, const char *xff, const char *trusted)
{
	return proxy_client_ip(*state, peer, xff, trusted);
}

static void test_without_trusted_proxy_the_header_is_ignored(void **state)
{
	assert_string_equal(client(state, "127.0.0.1", "203.0.113.7", NULL), "127.0.0.1");
	assert_string_equal(client(state, "127.0.0.1", "203.0.113.7", ""), "127.0.0.1");
}

static void test_from_the_trusted_proxy_the_last_entry_counts(void **state)
{
	assert_string_equal(client(state, "127.0.0.1", "203.0.113.7", "127.0.0.1"), "203.0.113.7");
	/* Earlier entries were written by the client: never believed. */
	assert_string_equal(client(state, "127.0.0.1", "198.51.100.1, 203.0.113.7", "127.0.0.1"),
	                    "203.0.113.7");
	assert_string_equal(client(state, "127.0.0.1", "198.51.100.1,203.0.113.7 ", "127.0.0.1"),
	                    "203.0.113.7");
}

static void test_from_anyone_else_the_header_is_ignored(void **state)
{
	assert_string_equal(client(state, "192.0.2.10", "203.0.113.7", "127.0.0.1"), "192.0.2.10");
	assert_string_equal(client(state, "192.0.2.10", "203.0.113.7", "10.0.0.0/8"), "192.0.2.10");
}

static void test_without_header_the_peer_counts(void **state)
{
	assert_string_equal(client(state, "127.0.0.1", NULL, "127.0.0.1"), "127.0.0.1");
}

static void test_a_malformed_last_entry_falls_back_to_the_peer(void **state)
{
	const char *t = "127.0.0.1";
	assert_string_equal(client(state, t, "", t), t);
	assert_string_equal(client(state, t, "unknown", t), t);
	assert_string_equal(client(state, t, "203.0.113.7:4711", t), t);
	assert_string_equal(client(state, t, "203.0.113.7, ", t), t);
	assert_string_equal(client(state, t, "[2001:db8::1]", t), t);
	assert_string_equal(client(state, t, "999.1.1.1", t), t);
	assert_string_equal(client(state, t, "1.2.3.4\r\nX: y", t), t);
}

static void test_addresses_are_normalised(void **state)
{
	const char *t = "127.0.0.1";
	assert_string_equal(client(state, t, "2001:DB8:0:0::0001", t), "2001:db8::1");
	assert_string_equal(client(state, t, "::ffff:198.51.100.1", t), "198.51.100.1");
}

static void test_trusted_list_with_ranges_and_ipv6(void **state)
{
	const char *list = "10.0.0.0/8, 192.168.1.5 ,2001:db8::/32,::1";
	assert_true(proxy_addr_in_list("10.1.2.3", list));
	assert_true(proxy_addr_in_list("10.255.255.255", list));
	assert_false(proxy_addr_in_list("11.0.0.1", list));
	assert_true(proxy_addr_in_list("192.168.1.5", list));
	assert_false(proxy_addr_in_list("192.168.1.6", list));
	assert_true(proxy_addr_in_list("2001:db8:1::5", list));
	assert_false(proxy_addr_in_list("2001:db9::5", list));
	assert_true(proxy_addr_in_list("::1", list));
	/* An IPv4-mapped peer (dual-stack socket) matches its IPv4 entry. */
	assert_true(proxy_addr_in_list("::ffff:10.9.8.7", list));
	assert_true(proxy_addr_in_list("172.16.5.4", "172.16.0.0/12"));
	assert_false(proxy_addr_in_list("172.32.0.1", "172.16.0.0/12"));
	assert_true(proxy_addr_in_list("8.8.8.8", "0.0.0.0/0"));
	assert_false(proxy_addr_in_list("::1", "0.0.0.0/0")); /* families do not mix */
	assert_string_equal(client(state, "10.0.3.2", "203.0.113.9", list), "203.0.113.9");
}

static void test_malformed_list_entries_match_nothing(void **state)
{
	assert_false(proxy_addr_in_list("10.0.0.1", "10.0.0.0/33"));
	assert_false(proxy_addr_in_list("10.0.0.1", "10.0.0.0/"));
	assert_false(proxy_addr_in_list("10.0.0.1", "10.0.0.0/8x"));
	assert_false(proxy_addr_in_list("10.0.0.1", "proxy.local"));
	assert_false(proxy_addr_in_list("10.0.0.1", ","));
	assert_false(proxy_addr_in_list("not-an-ip", "0.0.0.0/0"));
	assert_false(proxy_addr_in_list(NULL, "0.0.0.0/0"));
	assert_false(proxy_addr_in_list("::1", "::/129"));
	/* A good entry after a bad one still counts. */
	assert_true(proxy_addr_in_list("10.0.0.1", "junk,10.0.0.1"));
}

static void test_loopback(void **state)
{
	assert_true(proxy_is_loopback("127.0.0.1"));
	assert_true(proxy_is_loopback("127.8.9.10"));
	assert_true(proxy_is_loopback("::1"));
	assert_true(proxy_is_loopback("::ffff:127.0.0.1"));
	assert_false(proxy_is_loopback("128.0.0.1"));
	assert_false(proxy_is_loopback("::2"));
	assert_false(proxy_is_loopback(""));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_without_trusted_proxy_the_header_is_ignored),
	    T(test_from_the_trusted_proxy_the_last_entry_counts),
	    T(test_from_anyone_else_the_header_is_ignored),
	    T(test_without_header_the_peer_counts),
	    T(test_a_malformed_last_entry_falls_back_to_the_peer),
	    T(test_addresses_are_normalised),
	    T(test_trusted_list_with_ranges_and_ipv6),
	    T(test_malformed_list_entries_match_nothing),
	    T(test_loopback),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
