/* SPDX-License-Identifier: EUPL-1.2 */
/* Sign-in throttling against password guessing without locking owners out
 * (issue 16, item 7), over real HTTP with a frozen clock that the tests
 * move by restarting the server. Clients get their addresses from
 * X-Forwarded-For, which the server believes from 127.0.0.1
 * (JAWNOSC_TRUSTED_PROXY). What is shown: failures from many addresses do
 * not stop the right password from a new one; one address failing for one
 * account is refused for that account (even with the right password) until
 * the window passes; one address failing across accounts is refused for all
 * of them; an address that failed for an account under attack waits a
 * growing, capped delay; a success resets its own count; IPv6 counts by
 * /64; refusals are logged without the password and counted in /metrics. */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cases/auth.h"
#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"
#define WRONG_PW "zgadywane-haslo-1"
/* 2026-03-02 10:00:00 UTC, a Monday. */
#define T0 1772445600LL

/* ---- The frozen clock ---- */

static long long clock_at = -1;

/* Moves the server's clock to T0 + `seconds` (a restart with a new
 * JAWNOSC_FAKE_NOW); nothing happens when it is there already. */
static void clock_set(long long seconds)
{
	if (clock_at == T0 + seconds && h_server_pid())
		return;
	if (h_server_pid())
		assert_int_equal(h_server_stop(), 0);
	clock_at = T0 + seconds;
	char fake[64];
	snprintf(fake, sizeof fake, "JAWNOSC_FAKE_NOW=%lld", clock_at);
	const char *env[] = {fake, "JAWNOSC_TRUSTED_PROXY=127.0.0.1", NULL};
	h_server_start(env);
}

/* ---- Helpers ---- */

/* Posts the sign-in form for `email` (url-encoded) as the client `ip`,
 * forwarded by the trusted proxy. The first entry of X-Forwarded-For is
 * the client's own claim and must not count. */
static void sign_in_from(const char *ip, const char *email, const char *password,
                         struct hresp *r)
{
	struct hresp form;
	h_get("/panel/logowanie", &form);
	assert_int_equal(form.status, 200);
	char form_cookie[160], csrf[96];
	u_cookie_pair(h_header(&form, "Set-Cookie"), form_cookie, sizeof form_cookie);
	u_attr(form.body, "csrf", csrf, sizeof csrf);
	h_free(&form);
	char cookie[200], xff[128], body[512];
	snprintf(cookie, sizeof cookie, "Cookie: %s", form_cookie);
	snprintf(xff, sizeof xff, "X-Forwarded-For: 10.9.9.9, %s", ip);
	snprintf(body, sizeof body, "csrf=%s&next=&email=%s&password=%s", csrf, email, password);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", cookie, xff, NULL};
	h_request("POST", "/panel/logowanie", hdr, body, strlen(body), r);
}

/* The status of one attempt; the response is dropped. */
static long attempt(const char *ip, const char *email, const char *password)
{
	struct hresp r;
	sign_in_from(ip, email, password, &r);
	long st = r.status;
	if (st != 303 && st != 401 && st != 429)
		fprintf(stderr, "sign-in from %s: %ld %.300s\n", ip, st, r.body);
	h_free(&r);
	return st;
}

/* True when the response sets a non-empty session cookie. */
static bool has_session_cookie(const struct hresp *r)
{
	static const char want[] = "\r\nSet-Cookie: jw_session=";
	for (const char *p = r->headers; p && (p = strcasestr(p, want)); p += sizeof want - 1)
		if (p[sizeof want - 1] != ';')
			return true;
	return false;
}

/* Asserts a refusal: 429, Retry-After `retry`, the Polish message
 * `message` on the form, the e-mail typed kept, no session. */
static void assert_refused(const char *ip, const char *email, const char *typed,
                           const char *password, int retry, const char *message)
{
	struct hresp r;
	sign_in_from(ip, email, password, &r);
	if (r.status != 429)
		fprintf(stderr, "sign-in from %s: %ld %.300s\n", ip, r.status, r.body);
	assert_int_equal(r.status, 429);
	const char *ra = h_header(&r, "Retry-After");
	assert_non_null(ra);
	assert_int_equal(atoi(ra), retry);
	if (!strstr(r.body, message))
		fprintf(stderr, "expected \"%s\" in: %.2000s\n", message, r.body);
	assert_non_null(strstr(r.body, message));
	char kept[200];
	snprintf(kept, sizeof kept, "value=\"%s\"", typed);
	assert_non_null(strstr(r.body, kept));
	assert_null(strstr(r.body, password));
	assert_false(has_session_cookie(&r));
	h_free(&r);
}

static void assert_signs_in(const char *ip, const char *email)
{
	struct hresp r;
	sign_in_from(ip, email, DEMO_PW, &r);
	if (r.status != 303)
		fprintf(stderr, "sign-in from %s: %ld %.300s\n", ip, r.status, r.body);
	assert_int_equal(r.status, 303);
	assert_true(has_session_cookie(&r));
	h_free(&r);
}

/* ---- Setup ---- */

/* Every test starts at T0 with no failures on record. */
static int fresh(void **state)
{
	(void)state;
	h_sql("DELETE FROM login_failures");
	clock_set(0);
	return 0;
}

/* ---- Many addresses, one account ---- */

static void test_thirty_failures_from_six_addresses_leave_the_right_password_from_a_seventh_working(
    void **state)
{
	long failures = 0;
	for (int a = 1; a <= 6; a++) {
		char ip[32];
		snprintf(ip, sizeof ip, "198.51.100.%d", a);
		for (int i = 0; i < AUTH_MAX_FAILURES_PAIR; i++) {
			long st = attempt(ip, "admin%40mon.example", WRONG_PW);
			/* A first try from a new address is always checked. */
			if (i == 0)
				assert_int_equal(st, 401);
			else
				assert_true(st == 401 || st == 429);
			failures += st == 401;
		}
	}
	assert_true(failures >= 6);
	assert_signs_in("198.51.100.7", "admin%40mon.example");
}

static void test_an_address_that_failed_waits_a_growing_delay_while_the_account_is_attacked(
    void **state)
{
	char ip[32];
	/* Five addresses fail once each: the account's delay begins. */
	for (int a = 1; a <= AUTH_ACCOUNT_FREE; a++) {
		snprintf(ip, sizeof ip, "192.0.2.%d", a);
		assert_int_equal(attempt(ip, "urzedniczka%40mon.example", WRONG_PW), 401);
	}
	assert_refused("192.0.2.1", "urzedniczka%40mon.example", "urzedniczka@mon.example", DEMO_PW,
	               auth_account_delay(AUTH_ACCOUNT_FREE),
	               "Zbyt wiele nieudanych prób logowania na to konto. Spróbuj ponownie za 2 "
	               "sekundy.");
	/* Five more: the delay has doubled. */
	for (int a = AUTH_ACCOUNT_FREE + 1; a <= 2 * AUTH_ACCOUNT_FREE; a++) {
		snprintf(ip, sizeof ip, "192.0.2.%d", a);
		assert_int_equal(attempt(ip, "urzedniczka%40mon.example", WRONG_PW), 401);
	}
	assert_int_equal(auth_account_delay(2 * AUTH_ACCOUNT_FREE),
	                 2 * auth_account_delay(AUTH_ACCOUNT_FREE));
	assert_refused("192.0.2.2", "urzedniczka%40mon.example", "urzedniczka@mon.example", DEMO_PW,
	               auth_account_delay(2 * AUTH_ACCOUNT_FREE), "na to konto.");
	/* Meanwhile the owner, from an address that has not failed, signs in;
	 * that clears nothing of the attackers'. */
	assert_signs_in("192.0.2.200", "urzedniczka%40mon.example");
	assert_refused("192.0.2.3", "urzedniczka%40mon.example", "urzedniczka@mon.example", DEMO_PW,
	               auth_account_delay(2 * AUTH_ACCOUNT_FREE), "na to konto.");
	/* When the delay is over, an address that failed may try again. */
	clock_set(auth_account_delay(2 * AUTH_ACCOUNT_FREE));
	assert_signs_in("192.0.2.2", "urzedniczka%40mon.example");
	/* The delay grows no further than its cap. */
	int prev = 0;
	for (long n = 0; n <= 1000; n++) {
		int d = auth_account_delay(n);
		assert_true(d >= prev && d <= AUTH_ACCOUNT_DELAY_MAX);
		prev = d;
	}
	assert_int_equal(prev, AUTH_ACCOUNT_DELAY_MAX);
}

/* ---- One address, one account ---- */

static void test_five_failures_from_one_address_refuse_that_pair_until_the_window_passes(
    void **state)
{
	for (int i = 0; i < AUTH_MAX_FAILURES_PAIR; i++)
		assert_int_equal(attempt("203.0.113.5", "kierownik%40mon.example", WRONG_PW), 401);
	/* Even the right password, in any case of letters. */
	assert_refused("203.0.113.5", "kierownik%40mon.example", "kierownik@mon.example", DEMO_PW,
	               AUTH_FAILURE_WINDOW,
	               "Zbyt wiele nieudanych prób logowania na to konto z tego adresu. Spróbuj "
	               "ponownie za minutę.");
	assert_refused("203.0.113.5", "KIEROWNIK%40mon.example", "KIEROWNIK@mon.example", DEMO_PW,
	               AUTH_FAILURE_WINDOW, "na to konto z tego adresu");
	/* The owner elsewhere is not affected, nor another account here. */
	assert_signs_in("203.0.113.6", "kierownik%40mon.example");
	assert_signs_in("203.0.113.5", "urzednik%40mon.example");
	/* A second before the window ends: still refused. */
	clock_set(AUTH_FAILURE_WINDOW - 1);
	assert_refused("203.0.113.5", "kierownik%40mon.example", "kierownik@mon.example", DEMO_PW, 1,
	               "Spróbuj ponownie za sekundę.");
	clock_set(AUTH_FAILURE_WINDOW);
	assert_signs_in("203.0.113.5", "kierownik%40mon.example");
	assert_int_equal(u_count("SELECT count(*) FROM login_failures "
	                         "WHERE email_lower = 'kierownik@mon.example'"),
	                 0);
}

static void test_a_success_resets_the_count_of_its_own_address(void **state)
{
	for (int i = 0; i < AUTH_MAX_FAILURES_PAIR - 1; i++)
		assert_int_equal(attempt("203.0.113.30", "urzednik%40mon.example", WRONG_PW), 401);
	assert_signs_in("203.0.113.30", "urzednik%40mon.example");
	/* Without the reset the second of these would be the fifth failure's
	 * refusal. */
	for (int i = 0; i < AUTH_MAX_FAILURES_PAIR - 1; i++)
		assert_int_equal(attempt("203.0.113.30", "urzednik%40mon.example", WRONG_PW), 401);
	assert_signs_in("203.0.113.30", "urzednik%40mon.example");
}

/* ---- One address, many accounts ---- */

static void test_failures_across_many_accounts_from_one_address_refuse_that_address(void **state)
{
	for (int i = 0; i < AUTH_MAX_FAILURES_IP; i++) {
		char email[64];
		snprintf(email, sizeof email, "zgadywany%d%%40mon.example", i);
		assert_int_equal(attempt("203.0.113.20", email, WRONG_PW), 401);
	}
	assert_refused("203.0.113.20", "admin%40mon.example", "admin@mon.example", DEMO_PW,
	               AUTH_FAILURE_WINDOW,
	               "Zbyt wiele nieudanych prób logowania z tego adresu. Spróbuj ponownie za "
	               "minutę.");
	assert_signs_in("203.0.113.21", "admin%40mon.example");
	clock_set(AUTH_FAILURE_WINDOW);
	assert_signs_in("203.0.113.20", "admin%40mon.example");
}

/* ---- IPv6 ---- */

static void test_an_ipv6_client_counts_by_its_64(void **state)
{
	for (int i = 1; i <= AUTH_MAX_FAILURES_PAIR; i++) {
		char ip[64];
		snprintf(ip, sizeof ip, "2001:db8:1:2::%x", i);
		assert_int_equal(attempt(ip, "kierownik%40mon.example", WRONG_PW), 401);
	}
	/* Another host of the same /64 is the same client. */
	assert_refused("2001:db8:1:2:ffff::99", "kierownik%40mon.example", "kierownik@mon.example",
	               DEMO_PW, AUTH_FAILURE_WINDOW, "na to konto z tego adresu");
	assert_signs_in("2001:db8:1:3::1", "kierownik%40mon.example");
}

/* ---- Logs and metrics ---- */

/* True when a log line of this program's servers holds `needle`. */
static bool logs_contain(const char *needle)
{
	char pattern[128];
	snprintf(pattern, sizeof pattern, "build/test-logs/jawnosc_t_sec_auth_%d-*.log",
	         (int)getpid());
	glob_t g;
	bool found = false;
	if (glob(pattern, 0, NULL, &g) != 0)
		return false;
	for (size_t i = 0; i < g.gl_pathc && !found; i++) {
		FILE *f = fopen(g.gl_pathv[i], "r");
		char line[4096];
		while (f && !found && fgets(line, sizeof line, f))
			found = strstr(line, needle) != NULL;
		if (f)
			fclose(f);
	}
	globfree(&g);
	return found;
}

/* The value of one sample of /metrics; -1 when it is absent. */
static double metric(const char *sample)
{
	struct hresp r;
	h_get("/metrics", &r);
	assert_int_equal(r.status, 200);
	char key[160];
	snprintf(key, sizeof key, "\n%s ", sample);
	const char *p = strstr(r.body, key);
	double v = p ? atof(p + strlen(key)) : -1;
	h_free(&r);
	return v;
}

#define REFUSED(reason) "jawnosc_sign_in_refused_total{reason=\"" reason "\"}"

static void test_refusals_are_logged_without_the_password_and_counted(void **state)
{
	for (int i = 0; i < AUTH_MAX_FAILURES_PAIR; i++)
		assert_int_equal(attempt("203.0.113.77", "admin%40mon.example", "tajne-zgadywane-77"),
		                 401);
	double pair = metric(REFUSED("pair")), address = metric(REFUSED("address")),
	       account = metric(REFUSED("account")),
	       wrong = metric("jawnosc_sign_in_failures_total");
	assert_true(pair >= 0 && address >= 0 && account >= 0 && wrong >= AUTH_MAX_FAILURES_PAIR);
	assert_int_equal(attempt("203.0.113.77", "admin%40mon.example", "tajne-zgadywane-78"), 429);
	assert_int_equal(attempt("203.0.113.77", "admin%40mon.example", "tajne-zgadywane-79"), 429);
	assert_int_equal(attempt("203.0.113.78", "admin%40mon.example", "tajne-zgadywane-80"), 401);
	assert_true(metric(REFUSED("pair")) == pair + 2);
	assert_true(metric(REFUSED("address")) == address);
	assert_true(metric(REFUSED("account")) == account);
	assert_true(metric("jawnosc_sign_in_failures_total") == wrong + 1);
	assert_true(logs_contain("staff sign-in refused: pair limit, address 203.0.113.77"));
	assert_false(logs_contain("tajne-zgadywane"));
}

#define T(f) cmocka_unit_test_setup(f, fresh)

int main(void)
{
	h_setup_db("sec_auth");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    T(test_thirty_failures_from_six_addresses_leave_the_right_password_from_a_seventh_working),
	    T(test_an_address_that_failed_waits_a_growing_delay_while_the_account_is_attacked),
	    T(test_five_failures_from_one_address_refuse_that_pair_until_the_window_passes),
	    T(test_a_success_resets_the_count_of_its_own_address),
	    T(test_failures_across_many_accounts_from_one_address_refuse_that_address),
	    T(test_an_ipv6_client_counts_by_its_64),
	    T(test_refusals_are_logged_without_the_password_and_counted),
	};
	int failed = cmocka_run_group_tests_name("sec_auth", tests, NULL, h_stop_server);
	h_teardown();
	return failed;
}
