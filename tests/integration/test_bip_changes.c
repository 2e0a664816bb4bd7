/* SPDX-License-Identifier: EUPL-1.2 */
/* The BIP change register ("Rejestr zmian") of the pages composed from the
 * body's settings (issue 23 part 3), over real HTTP: the home page, the
 * filing form, the procedure, the accessibility declaration, the
 * register's list and statistics each list their first publication (the
 * body's creation); a change of a setting made in /panel/admin/ustawienia
 * is listed, with its date and the administrator's name, on the pages that
 * show that setting and only there, and "Ostatnia zmiana" follows it; the
 * old tag of a page gets the new page; the command line's change names
 * "administrator systemu"; no setting's value reaches a change register,
 * nor the view the public role reads (migration 0052). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"
#define ADMIN_NAME "Magdalena Czerwińska"
/* The server's clock is frozen: the register's dates are those of the
 * audit events, which the database stamps. */
#define NOW "2026-03-10T09:00:00Z"

static struct u_staff admin;

enum { HOME, FORM, PROCEDURE, DECLARATION, LIST, STATS, NPAGES };
static const char *const pages[NPAGES] = {"/",
                                          "/wniosek",
                                          "/jak-uzyskac-informacje",
                                          "/deklaracja-dostepnosci",
                                          "/rejestr",
                                          "/rejestr/statystyki"};

/* ---- Helpers ---- */

static void form(char *out, size_t len, const char *const *pairs)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; pairs[i]; i += 2) {
		char v[4096];
		u_urlencode(pairs[i + 1], v, sizeof v);
		n += (size_t)snprintf(out + n, len - n, "%s%s=%s", i ? "&" : "", pairs[i], v);
		assert_true(n < len);
	}
}

/* The settings form with the demo's values, `over` (name, value pairs)
 * instead; the test fails unless it is saved. */
static void save_settings(const char *const *over)
{
	const char *pairs[] = {
	    "name", "Ministerstwo Obrony Narodowej",
	    "address", "Al. Niepodległości 218, 00-911 Warszawa",
	    "place", "Warszawa",
	    "email", "bip@mon.example",
	    "phone", "+48 261 871 205",
	    "bip_url", "https://mon.example/bip",
	    "hosts", "localhost\r\n127.0.0.1",
	    "class_public", "1431",
	    "class_reuse", "1432",
	    "policy_clarification_restarts", "true",
	    "policy_remedy", "appeal",
	    "public_authority", "true",
	    "policy_clarification_days", "7",
	    "policy_interest_days", "7",
	    "policy_interest_keeps_running", "true",
	    "policy_unsigned_pleadings", "false",
	    "staff_unit_only", "false",
	    "dpo_contact", "",
	    "privacy_recipients", "",
	    "retention_years", "",
	    "a11y_status", "czesciowo_zgodna",
	    "a11y_method", "samoocena",
	    "a11y_contact_email", "",
	    NULL,
	};
	for (size_t i = 0; over && over[i]; i += 2) {
		bool found = false;
		for (size_t k = 0; pairs[k]; k += 2)
			if (!strcmp(pairs[k], over[i])) {
				pairs[k + 1] = over[i + 1];
				found = true;
			}
		assert_true(found);
	}
	char body[16384];
	form(body, sizeof body, pairs);
	struct hresp r;
	u_staff_post(&admin, "/panel/admin/ustawienia", body, &r);
	if (r.status != 303)
		fprintf(stderr, "settings not saved: %ld %.3000s\n", r.status, r.body);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

/* Page `i`, 200, malloc'd; its ETag into `etag` (when not NULL). */
static char *page(int i, char *etag, size_t len)
{
	struct hresp r;
	h_get(pages[i], &r);
	if (r.status != 200)
		fprintf(stderr, "GET %s: %ld %.2000s\n", pages[i], r.status, r.body);
	assert_int_equal(r.status, 200);
	if (etag) {
		const char *e = h_header(&r, "ETag");
		snprintf(etag, len, "%s", e ? e : "");
	}
	char *body = strdup(r.body);
	h_free(&r);
	return body;
}

/* The change register's table of a page, malloc'd; the test fails when
 * there is none. */
static char *change_register(int i, const char *html)
{
	const char *at = strstr(html, "<caption>Rejestr zmian</caption>");
	if (!at)
		fail_msg("%s has no change register: %.4000s", pages[i], html);
	const char *end = strstr(at, "</table>");
	assert_non_null(end);
	return strndup(at, (size_t)(end - at));
}

static int rows_of(const char *table)
{
	int n = 0;
	for (const char *s = strstr(table, "<tbody>"); s && (s = strstr(s, "<tr")); s++)
		n++;
	return n;
}

/* A row as bip_meta.html draws it. */
static void row(char *out, size_t len, const char *title, const char *version, const char *date,
                const char *who)
{
	snprintf(out, len,
	         "<tr><td>%s</td><td data-label=\"Wersja\">%s</td>"
	         "<td data-label=\"Data zmiany lub publikacji\">%s</td>"
	         "<td data-label=\"Kto\">%s</td></tr>",
	         title, version, date, who);
}

/* When the body was set up, as the metadata shows dates. */
static void created(char *out, size_t len)
{
	u_valuef(out, len,
	         "SELECT to_char(created_at AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI') "
	         "FROM organisations WHERE slug = 'mon'");
}

/* The newest settings change's time, as the metadata shows dates. */
static void newest_change(char *out, size_t len)
{
	u_valuef(out, len,
	         "SELECT to_char(at AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI') FROM events "
	         "WHERE action = 'org_settings' ORDER BY id DESC LIMIT 1");
}

static long changes_count(void)
{
	return u_count("SELECT count(*) FROM events WHERE action = 'org_settings'");
}

/* ---- Setup ---- */

static int setup(void **state)
{
	(void)state;
	setenv("JAWNOSC_FAKE_NOW", NOW, 1);
	static const char *env[] = {"JAWNOSC_DEFAULT_ORG=mon", "JAWNOSC_FAKE_NOW=" NOW,
	                            "JAWNOSC_SECURITY_CONTACT=mailto:csirt@mon.example", NULL};
	h_server_start(env);
	u_login("admin%40mon.example", DEMO_PW, &admin);
	return 0;
}

/* ---- Tests ---- */

/* Before any change: each page's register has one row, its first
 * publication, the body's creation, version 1, by the operator; the pages
 * without a register of their own say no last change. */
static void test_each_composed_page_lists_its_first_publication(void **state)
{
	(void)state;
	assert_int_equal(changes_count(), 0);
	char when[32], first[512];
	created(when, sizeof when);
	row(first, sizeof first, "Pierwsza publikacja", "1", when, "administrator systemu");
	for (int i = 0; i < NPAGES; i++) {
		char *html = page(i, NULL, 0);
		char *reg = change_register(i, html);
		if (!strstr(reg, first) || rows_of(reg) != 1)
			fail_msg("%s: expected only %s in %s", pages[i], first, reg);
		if (i == HOME || i == FORM || i == PROCEDURE)
			assert_null(strstr(html, "<dt>Ostatnia zmiana</dt>"));
		free(reg);
		free(html);
	}
}

/* The phone, changed by the administrator: listed as version 2 with the
 * date and the administrator's name, above the first publication, and as
 * the last change, by the pages that show it (the form's information on
 * personal data, the procedure, the declaration's default contact), and
 * not by those that do not; the old tags get the new pages. */
static void test_a_phone_change_is_listed_where_the_phone_is_shown(void **state)
{
	(void)state;
	char etags[NPAGES][128];
	for (int i = 0; i < NPAGES; i++)
		free(page(i, etags[i], sizeof etags[i]));
	long before = changes_count();
	const char *over[] = {"phone", "+48 22 555 01 02", NULL};
	save_settings(over);
	assert_int_equal(changes_count(), before + 1);

	char when[32], first_at[32], change[512], first[512], last[128];
	newest_change(when, sizeof when);
	created(first_at, sizeof first_at);
	row(change, sizeof change, "Zmiana ustawień: telefon", "2", when, ADMIN_NAME);
	row(first, sizeof first, "Pierwsza publikacja", "1", first_at, "administrator systemu");
	snprintf(last, sizeof last, "<dt>Ostatnia zmiana</dt><dd>%s</dd>", when);
	static const int showing[] = {FORM, PROCEDURE, DECLARATION};
	for (size_t k = 0; k < 3; k++) {
		int i = showing[k];
		char *html = page(i, NULL, 0);
		assert_non_null(strstr(html, "+48 22 555 01 02"));
		char *reg = change_register(i, html);
		const char *c = strstr(reg, change), *f = strstr(reg, first);
		if (!c || !f || c > f || rows_of(reg) != 2)
			fail_msg("%s: expected %s then %s in %s", pages[i], change, first, reg);
		if (!strstr(html, last))
			fail_msg("%s: no \"%s\"", pages[i], last);
		free(reg);
		free(html);
		/* The tag the client kept is not the page's any more. */
		char inm[160];
		snprintf(inm, sizeof inm, "If-None-Match: %s", etags[i]);
		const char *headers[] = {inm, NULL};
		struct hresp r;
		h_request("GET", pages[i], headers, NULL, 0, &r);
		if (etags[i][0]) {
			assert_int_equal(r.status, 200);
			assert_string_not_equal(h_header(&r, "ETag"), etags[i]);
		}
		h_free(&r);
	}
	static const int not_showing[] = {HOME, LIST, STATS};
	for (size_t k = 0; k < 3; k++) {
		int i = not_showing[k];
		char *html = page(i, NULL, 0);
		char *reg = change_register(i, html);
		if (strstr(reg, "telefon") || !strstr(reg, first) || rows_of(reg) != 1)
			fail_msg("%s lists a change it does not show: %s", pages[i], reg);
		free(reg);
		free(html);
	}
}

/* The body's name shows on every page: every register lists its change;
 * the register's list, kept whole in memory with its tag, answers the old
 * tag with the new page. */
static void test_a_name_change_is_listed_on_every_page(void **state)
{
	(void)state;
	char etags[NPAGES][128];
	for (int i = 0; i < NPAGES; i++)
		free(page(i, etags[i], sizeof etags[i]));
	const char *over[] = {"name", "Ministerstwo Obrony Narodowej RP", "phone",
	                      "+48 22 555 01 02", NULL};
	save_settings(over);
	char when[32];
	newest_change(when, sizeof when);
	for (int i = 0; i < NPAGES; i++) {
		char *html = page(i, NULL, 0);
		char *reg = change_register(i, html);
		/* The procedure's, the form's and the declaration's third version,
		 * the others' second. */
		const char *version = i == HOME || i == LIST || i == STATS ? "2" : "3";
		char change[512];
		row(change, sizeof change, "Zmiana ustawień: nazwa urzędu", version, when, ADMIN_NAME);
		if (!strstr(reg, change))
			fail_msg("%s: no %s in %s", pages[i], change, reg);
		free(reg);
		free(html);
		if (etags[i][0]) {
			char inm[160];
			snprintf(inm, sizeof inm, "If-None-Match: %s", etags[i]);
			const char *headers[] = {inm, NULL};
			struct hresp r;
			h_request("GET", pages[i], headers, NULL, 0, &r);
			if (r.status != 200)
				fail_msg("%s answers the old tag %s with %ld", pages[i], etags[i], r.status);
			h_free(&r);
		}
	}
	const char *back[] = {"phone", "+48 22 555 01 02", NULL};
	save_settings(back);
}

/* The data protection officer's contact and the declaration's contact
 * e-mail are personal data: the form lists that its information changed,
 * and no change register nor the public role's view holds the values,
 * which the audit trail does. */
static void test_no_setting_value_reaches_a_change_register(void **state)
{
	(void)state;
	const char *over[] = {"dpo_contact", "Jan Prywatny, iod.prywatny@mon.example",
	                      "a11y_contact_email", "dostepnosc.prywatna@mon.example", "phone",
	                      "+48 22 555 01 02", NULL};
	save_settings(over);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings' "
	                         "AND data::text LIKE '%iod.prywatny@mon.example%'"),
	                 1);
	char *form_html = page(FORM, NULL, 0);
	/* The form shows the contact itself, in the information on personal data. */
	assert_non_null(strstr(form_html, "iod.prywatny@mon.example"));
	char *reg = change_register(FORM, form_html);
	assert_non_null(strstr(reg, "kontakt z inspektorem ochrony danych</td>"));
	free(reg);
	free(form_html);
	char *decl = page(DECLARATION, NULL, 0);
	reg = change_register(DECLARATION, decl);
	assert_non_null(strstr(reg, "e-mail w sprawie dostępności</td>"));
	free(reg);
	free(decl);
	for (int i = 0; i < NPAGES; i++) {
		char *html = page(i, NULL, 0);
		reg = change_register(i, html);
		if (strstr(reg, "prywatn") || strstr(reg, "@") || strstr(reg, "+48"))
			fail_msg("%s: a value in the change register: %s", pages[i], reg);
		free(reg);
		free(html);
	}
	/* What the public role reads: no value, old or new. */
	assert_int_equal(u_count("BEGIN; SET LOCAL ROLE jawnosc_public; "
	                         "SELECT count(*) FROM register_settings_changes r "
	                         "WHERE r::text LIKE '%prywatn%' OR r::text LIKE '%+48%'"),
	                 0);
	assert_true(u_count("BEGIN; SET LOCAL ROLE jawnosc_public; "
	                    "SELECT count(*) FROM register_settings_changes "
	                    "WHERE 'dpo_contact' = ANY (keys)") == 1);
	/* And it may not read the events themselves (-1: refused). */
	assert_int_equal(u_count("BEGIN; SET LOCAL ROLE jawnosc_public; "
	                         "SELECT count(*) FROM events"),
	                 -1);
}

/* A change made by the operator's command line (no account) names
 * "administrator systemu", on the other process's pages too. */
static void test_a_command_line_change_names_the_system_administrator(void **state)
{
	(void)state;
	char *out = NULL;
	const char *args[] = {"org", "set", "mon", "bip_url=https://bip.mon.example", NULL};
	int rc = h_cli(&out, args);
	if (rc)
		fprintf(stderr, "org set: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
	char when[32], change[512];
	newest_change(when, sizeof when);
	row(change, sizeof change, "Zmiana ustawień: adres strony BIP", "5", when,
	    "administrator systemu");
	/* The server hears of the change from the database (moments later). */
	char *html = NULL;
	for (int tries = 0; tries < 100; tries++) {
		free(html);
		html = page(PROCEDURE, NULL, 0);
		if (strstr(html, change))
			break;
		usleep(50000);
	}
	char *reg = change_register(PROCEDURE, html);
	if (!strstr(reg, change))
		fail_msg("no %s in %s", change, reg);
	free(reg);
	free(html);
}

/* What a page's register holds is kept: while nothing changes, the home
 * page and the form find the body and their registers in memory (no
 * lookup misses), and a change shows at once (the tag dropped). */
static void test_the_register_is_kept_in_memory(void **state)
{
	(void)state;
	assert_true(h_metric(h_port(), "jawnosc_page_cache_on") == 1);
	for (int i = HOME; i <= FORM; i++) {
		free(page(i, NULL, 0));
		double misses = h_metric(h_port(), "jawnosc_page_cache_lookups_total{result=\"miss\"}");
		double hits = h_metric(h_port(), "jawnosc_page_cache_lookups_total{result=\"hit\"}");
		free(page(i, NULL, 0));
		assert_true(h_metric(h_port(), "jawnosc_page_cache_lookups_total{result=\"miss\"}") ==
		            misses);
		assert_true(h_metric(h_port(), "jawnosc_page_cache_lookups_total{result=\"hit\"}") >
		            hits);
	}
	const char *over[] = {"name", "Ministerstwo Obrony Narodowej — zmiana",
	                      "phone", "+48 22 555 01 02", NULL};
	save_settings(over);
	char *html = page(HOME, NULL, 0);
	char *reg = change_register(HOME, html);
	assert_non_null(strstr(reg, "<td>Zmiana ustawień: nazwa urzędu</td><td data-label=\"Wersja\">4</td>"));
	free(reg);
	free(html);
}

/* /.well-known/security.txt (RFC 9116): the configured contact, valid a
 * year from the server's day (NOW: 2026-03-10), on the body's address. */
static void test_security_txt_names_the_contact_for_a_year(void **state)
{
	struct hresp r;
	h_get("/.well-known/security.txt", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(h_header(&r, "Content-Type"), "text/plain"));
	assert_non_null(strstr(r.body, "Contact: mailto:csirt@mon.example\n"));
	assert_non_null(strstr(r.body, "Expires: 2027-03-10T00:00:00Z\n"));
	assert_non_null(strstr(r.body, "Preferred-Languages: pl, en\n"));
	assert_non_null(strstr(r.body, "/.well-known/security.txt\n"));
	assert_non_null(strstr(r.body, "Canonical: http"));
	/* Every host the body answers is named (RFC 9116 2.5.2). */
	assert_non_null(strstr(r.body, "Canonical: http://localhost:"));
	assert_non_null(strstr(r.body, "Canonical: http://127.0.0.1:"));
	h_free(&r);
}

int main(void)
{
	h_setup_db("bip_changes");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_each_composed_page_lists_its_first_publication),
	    cmocka_unit_test(test_a_phone_change_is_listed_where_the_phone_is_shown),
	    cmocka_unit_test(test_a_name_change_is_listed_on_every_page),
	    cmocka_unit_test(test_no_setting_value_reaches_a_change_register),
	    cmocka_unit_test(test_a_command_line_change_names_the_system_administrator),
	    cmocka_unit_test(test_the_register_is_kept_in_memory),
	    cmocka_unit_test(test_security_txt_names_the_contact_for_a_year),
	};
	int failed = cmocka_run_group_tests(tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
