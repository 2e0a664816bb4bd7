/* SPDX-License-Identifier: EUPL-1.2 */
/* `jawnosc org add | list | set` (issue 23 part 5), running the binary
 * against the test's database while the server runs: a body and the unit
 * that receives its online requests are made in one go and answer at once
 * on their host (the accessibility declaration of a fresh body complete
 * too); every refusal names the option and the reason and writes nothing,
 * with an exit status other than 0; `org set` checks values as the
 * settings page does and records the same audit event; the list counts
 * units and cases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define HOST "jawnosc.przykladowo.example"

static int setup(void **state)
{
	(void)state;
	h_server_start(NULL);
	return 0;
}

/* Runs `jawnosc ARGS...` (NULL-terminated); its exit status, its output
 * (stdout and stderr) in *out (malloc'd). */
static int org(char **out, const char *const *args)
{
	int rc = h_cli(out, args);
	if (getenv("ORG_DEBUG"))
		fprintf(stderr, "jawnosc %s %s -> %d\n%s", args[0], args[1], rc, *out);
	return rc;
}

static void expect_out(const char *out, const char *text)
{
	if (!strstr(out, text))
		fail_msg("expected \"%s\" in:\n%s", text, out);
}

/* GET `path` with Host `host`, until it answers `status` (the server hears
 * of a new body from the database's notification: within a second). */
static void get_on(const char *host, const char *path, long status, struct hresp *r)
{
	char h[128];
	snprintf(h, sizeof h, "Host: %s", host);
	const char *headers[] = {h, NULL};
	for (int i = 0; i < 50; i++) {
		h_request("GET", path, headers, NULL, 0, r);
		if (r->status == status)
			return;
		h_free(r);
		usleep(100 * 1000);
	}
	h_request("GET", path, headers, NULL, 0, r);
	fail_msg("GET %s on %s: %ld, expected %ld", path, host, r->status, status);
}

/* The hash chain of the events holds with the commands' events in it. */
static void audit_verifies(void)
{
	const char *args[] = {"audit", "verify", NULL};
	char *out;
	int rc = h_cli(&out, args);
	if (rc != 0)
		fail_msg("audit verify: %d\n%s", rc, out);
	free(out);
}

/* The last two blank-separated words of the line of `out` that starts with
 * `first` followed by a blank. */
static void last_two(const char *out, const char *first, long *a, long *b)
{
	char key[64];
	snprintf(key, sizeof key, "\n%s ", first);
	const char *at = strstr(out, key);
	if (!at)
		fail_msg("no line for %s in:\n%s", first, out);
	const char *end = strchr(at + 1, '\n');
	assert_non_null(end);
	const char *p = end;
	while (p > at && p[-1] == ' ')
		p--;
	while (p > at && p[-1] != ' ')
		p--;
	*b = atol(p);
	while (p > at && p[-1] == ' ')
		p--;
	while (p > at && p[-1] != ' ')
		p--;
	*a = atol(p);
}

static long orgs(void)
{
	return u_count("SELECT count(*) FROM organisations");
}

static void test_add_makes_the_body_and_its_online_unit_in_one_go(void **state)
{
	struct hresp r;
	/* Nobody lists the host yet: 421. */
	get_on(HOST, "/wniosek", 421, &r);
	h_free(&r);
	const char *args[] = {"org", "add", "urzad", "--name", "Urząd Gminy Przykładowo",
	                      "--address", "ul. Główna 1, 00-001 Przykładowo", "--place", "Przykładowo",
	                      "--email", "bip@przykladowo.example", "--phone", "+48 22 000 00 00",
	                      "--bip-url", "https://bip.przykladowo.example", "--host", HOST,
	                      "--host", "Wnioski.Przykladowo.Example:8443", "--unit", "OR",
	                      "--unit-name", "Referat Organizacyjny", NULL};
	char *out;
	assert_int_equal(org(&out, args), 0);
	expect_out(out, "organisation urzad added");
	expect_out(out, "unit OR (Referat Organizacyjny) receives its online requests");
	free(out);
	/* Host names as the settings page stores them: lower case, no port. */
	assert_int_equal(u_count("SELECT count(*) FROM organisations o JOIN units u ON u.id = "
	                         "o.web_unit_id AND u.org_id = o.id WHERE o.slug = 'urzad' "
	                         "AND o.name = 'Urząd Gminy Przykładowo' AND o.place = 'Przykładowo' "
	                         "AND o.email = 'bip@przykladowo.example' AND u.symbol = 'OR' "
	                         "AND u.name = 'Referat Organizacyjny' AND o.hosts = "
	                         "ARRAY['" HOST "', 'wnioski.przykladowo.example']"),
	                 1);
	assert_int_equal(u_count("SELECT count(*) FROM events e JOIN organisations o ON o.id = "
	                         "e.org_id WHERE o.slug = 'urzad' AND e.action = 'org_add' AND "
	                         "e.actor = 'admin' AND e.actor_user_id IS NULL AND "
	                         "e.request_id IS NULL AND e.data->>'unit' = 'OR'"),
	                 1);
	/* The body answers on its host at once: the form, and a complete
	 * accessibility declaration from the defaults. */
	get_on(HOST, "/wniosek", 200, &r);
	expect_out(r.body, "Urząd Gminy Przykładowo");
	h_free(&r);
	get_on(HOST, "/deklaracja-dostepnosci", 200, &r);
	expect_out(r.body, "<span id=\"a11y-podmiot\">Urząd Gminy Przykładowo</span>");
	expect_out(r.body, "<strong id=\"a11y-status\">częściowo zgodna</strong>");
	expect_out(r.body, "mailto:bip@przykladowo.example");
	expect_out(r.body, "id=\"a11y-procedura\"");
	h_free(&r);
	audit_verifies();
}

static void test_add_refuses_with_the_option_and_the_reason(void **state)
{
	long before = orgs();
	long events = u_count("SELECT count(*) FROM events WHERE action = 'org_add'");
	static const struct {
		const char *slug, *email, *host, *unit;
		int rc;
		const char *said;
	} cases[] = {
	    {"urzad", "a@b.example", "nowy.example", "OR", 1,
	     "SLUG: Urząd o identyfikatorze „urzad” już istnieje."},
	    {"drugi", "nie-adres", "nowy.example", "OR", 1, "--email: Podaj poprawny adres e-mail urzędu"},
	    {"drugi", "a@b.example", HOST, "OR", 1,
	     "--host: Nazwa „" HOST "” należy już do innego urzędu."},
	    {"Drugi Urząd", "a@b.example", "nowy.example", "OR", 1, "SLUG: Identyfikator urzędu"},
	    {"drugi", "a@b.example", "zły host!", "OR", 1, "--host: Wiersz 1"},
	    {"drugi", "a@b.example", "nowy.example", "or.1", 1, "--unit: "},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *args[] = {"org", "add", cases[i].slug, "--name", "Drugi Urząd",
		                      "--address", "ul. Boczna 2", "--place", "Gdzieś", "--email",
		                      cases[i].email, "--host", cases[i].host, "--unit", cases[i].unit,
		                      "--unit-name", "Sekretariat", NULL};
		char *out;
		int rc = org(&out, args);
		if (rc != cases[i].rc || !strstr(out, cases[i].said))
			fail_msg("case %zu: exit %d, expected %d with \"%s\":\n%s", i, rc, cases[i].rc,
			         cases[i].said, out);
		free(out);
	}
	/* Several refusals at once, each named. */
	const char *many[] = {"org", "add", "trzeci", "--name", "", "--address", "x", "--place", "y",
	                      "--email", "@", "--bip-url", "ftp://x", NULL};
	char *out;
	assert_int_equal(org(&out, many), 1);
	expect_out(out, "--name: Pole „Nazwa urzędu” jest wymagane.");
	expect_out(out, "--email: Podaj poprawny adres e-mail urzędu");
	expect_out(out, "--bip-url: Adres strony BIP musi zaczynać się od https://");
	free(out);
	/* Bad usage: 2. */
	const char *no_email[] = {"org", "add", "czwarty", "--name", "X", "--address", "x",
	                          "--place", "y", NULL};
	assert_int_equal(org(&out, no_email), 2);
	expect_out(out, "--email are needed");
	free(out);
	const char *half_unit[] = {"org", "add", "czwarty", "--name", "X", "--address", "x", "--place",
	                           "y", "--email", "a@b.example", "--unit", "AB", NULL};
	assert_int_equal(org(&out, half_unit), 2);
	expect_out(out, "--unit and --unit-name go together");
	free(out);
	assert_int_equal(orgs(), before);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_add'"), events);
}

static void test_list_shows_hosts_units_and_cases(void **state)
{
	u_seed_demo();
	const char *args[] = {"org", "list", NULL};
	char *out;
	assert_int_equal(org(&out, args), 0);
	assert_true(!strncmp(out, "SLUG ", 5));
	expect_out(out, "NAME");
	expect_out(out, "HOSTS");
	long cases = u_count("SELECT count(*) FROM requests r JOIN organisations o ON o.id = r.org_id "
	                     "WHERE o.slug = 'mon'");
	long units = u_count("SELECT count(*) FROM units u JOIN organisations o ON o.id = u.org_id "
	                     "WHERE o.slug = 'mon'");
	assert_true(cases > 0 && units > 1);
	long a, b;
	last_two(out, "mon", &a, &b);
	assert_int_equal(a, units);
	assert_int_equal(b, cases);
	expect_out(out, "Ministerstwo Obrony Narodowej");
	last_two(out, "urzad", &a, &b);
	assert_int_equal(a, 1);
	assert_int_equal(b, 0);
	expect_out(out, HOST ", wnioski.przykladowo.example");
	free(out);
}

static void test_set_checks_as_the_settings_page_and_is_audited(void **state)
{
	char before[8192];
	u_valuef(before, sizeof before,
	         "SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'urzad'");
	static const struct {
		const char *kv1, *kv2;
		int rc;
		const char *said;
	} bad[] = {
	    {"email=nie-adres", NULL, 1, "email: Podaj poprawny adres e-mail urzędu"},
	    {"a11y_status=prawie", NULL, 1, "a11y_status: Stan zgodności z ustawą: wybierz jedną z możliwości."},
	    {"a11y_published_on=2026-13-01", NULL, 1,
	     "a11y_published_on: Data publikacji strony internetowej: podaj datę"},
	    {"a11y_method=podmiot_zewnetrzny", NULL, 1, "a11y_auditor: Podaj nazwę podmiotu zewnętrznego"},
	    {"hosts=localhost", NULL, 1, "hosts: Nazwa „localhost” należy już do innego urzędu."},
	    {"policy_interest_days=99", "name=", 1, "name: Pole „Nazwa urzędu” jest wymagane."},
	    {"colour=blue", NULL, 2, "unknown setting 'colour'"},
	    {"name", NULL, 2, "'name' is not KEY=VALUE"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		const char *args[] = {"org", "set", "urzad", bad[i].kv1, bad[i].kv2, NULL};
		char *out;
		int rc = org(&out, args);
		if (rc != bad[i].rc || !strstr(out, bad[i].said))
			fail_msg("%s: exit %d, expected %d with \"%s\":\n%s", bad[i].kv1, rc, bad[i].rc,
			         bad[i].said, out);
		free(out);
	}
	const char *nobody[] = {"org", "set", "nikt", "phone=1", NULL};
	char *out;
	assert_int_equal(org(&out, nobody), 1);
	expect_out(out, "no organisation with slug 'nikt'");
	free(out);
	char after[8192];
	u_valuef(after, sizeof after,
	         "SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'urzad'");
	assert_string_equal(before, after);

	const char *good[] = {"org", "set", "urzad", "a11y_status=zgodna",
	                      "a11y_contact_name=Jan Koordynator", "a11y_updated_on=02.03.2026",
	                      "address=ul. Główna 1\n00-001 Przykładowo", NULL};
	assert_int_equal(org(&out, good), 0);
	expect_out(out, "organisation urzad: saved a11y_status, a11y_contact_name, a11y_updated_on, address");
	free(out);
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'urzad' AND "
	                         "a11y_status = 'zgodna' AND a11y_updated_on = '2026-03-02' AND "
	                         "address = E'ul. Główna 1\\n00-001 Przykładowo'"),
	                 1);
	/* The administrator's event, without an account. */
	assert_int_equal(u_count("SELECT count(*) FROM events e JOIN organisations o ON o.id = "
	                         "e.org_id WHERE o.slug = 'urzad' AND e.action = 'org_settings' AND "
	                         "e.actor = 'admin' AND e.actor_user_id IS NULL AND "
	                         "e.data->'changed'->'a11y_status'->>'to' = 'zgodna' AND "
	                         "e.data->'changed'->'a11y_contact_name'->>'to' = 'Jan Koordynator' "
	                         "AND NOT e.data->'changed' ? 'name'"),
	                 1);
	/* The running server shows it. */
	struct hresp r;
	for (int i = 0; i < 50; i++) {
		get_on(HOST, "/deklaracja-dostepnosci", 200, &r);
		if (strstr(r.body, "Jan Koordynator"))
			break;
		h_free(&r);
		r.body = NULL;
		usleep(100 * 1000);
	}
	assert_non_null(r.body);
	expect_out(r.body, "<span id=\"a11y-osoba\">Jan Koordynator</span>");
	expect_out(r.body, "<strong id=\"a11y-status\">zgodna</strong>");
	h_free(&r);
	audit_verifies();
}

static void test_help_lists_every_setting(void **state)
{
	const char *args[] = {"org", "set", "--help", NULL};
	char *out;
	assert_int_equal(org(&out, args), 0);
	expect_out(out, "a11y_status");
	expect_out(out, "czesciowo_zgodna, zgodna, niezgodna");
	expect_out(out, "retention_years");
	free(out);
	const char *top[] = {"--help", NULL};
	assert_int_equal(org(&out, top), 0);
	expect_out(out, "org ");
	free(out);
}

int main(void)
{
	h_setup_db("org_cli");
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_makes_the_body_and_its_online_unit_in_one_go),
	    cmocka_unit_test(test_add_refuses_with_the_option_and_the_reason),
	    cmocka_unit_test(test_list_shows_hosts_units_and_cases),
	    cmocka_unit_test(test_set_checks_as_the_settings_page_and_is_audited),
	    cmocka_unit_test(test_help_lists_every_setting),
	};
	int failed = cmocka_run_group_tests(tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
