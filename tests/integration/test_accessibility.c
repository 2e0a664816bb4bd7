/* SPDX-License-Identifier: EUPL-1.2 */
/* The accessibility declaration (issue 23 part 3): /deklaracja-dostepnosci
 * over real HTTP shows every element the digital accessibility act asks
 * for, with the element ids automated monitoring looks for, filled from
 * the body's settings with defaults for a fresh body; a change of the
 * settings shows at once (a new tag, no 304 on the old one); the settings
 * page checks the declaration's values (dates, the status from its list,
 * the e-mail, who examined the site) and keeps what was typed; what an
 * administrator types is escaped. The home page and the filing form carry
 * the BIP metadata of the body, and every page the footer link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"
#define PAGE "/deklaracja-dostepnosci"

static struct u_staff admin;

/* ---- Helpers ---- */

/* A form body from NULL-terminated name, value pairs. */
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

/* The settings form as the demo has it (the declaration's fields empty:
 * their defaults), with `over` (name, value pairs) instead. */
static void post_settings(const char *const *over, struct hresp *r)
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
	    "a11y_url", "",
	    "a11y_published_on", "",
	    "a11y_updated_on", "",
	    "a11y_status", "czesciowo_zgodna",
	    "a11y_nonaccessible", "",
	    "a11y_exemption", "",
	    "a11y_burden_url", "",
	    "a11y_prepared_on", "",
	    "a11y_reviewed_on", "",
	    "a11y_method", "samoocena",
	    "a11y_auditor", "",
	    "a11y_contact_name", "",
	    "a11y_contact_email", "",
	    "a11y_contact_phone", "",
	    "a11y_architecture", "",
	    "a11y_apps", "",
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
	u_staff_post(&admin, "/panel/admin/ustawienia", body, r);
}

static void expect_saved(struct hresp *r)
{
	if (r->status != 303)
		fprintf(stderr, "expected 303, got %ld: %.3000s\n", r->status, r->body);
	assert_int_equal(r->status, 303);
	h_free(r);
}

/* A 422 that names `message` beside the field and keeps `kept`. */
static void expect_refused(struct hresp *r, const char *message, const char *kept)
{
	if (r->status != 422 || !strstr(r->body, message) || (kept && !strstr(r->body, kept)))
		fprintf(stderr, "expected 422 with \"%s\" and \"%s\", got %ld: %.3000s\n", message,
		        kept ? kept : "", r->status, r->body);
	assert_int_equal(r->status, 422);
	assert_non_null(strstr(r->body, message));
	if (kept)
		assert_non_null(strstr(r->body, kept));
	assert_non_null(strstr(r->body, "aria-invalid=\"true\""));
	h_free(r);
}

/* The declaration page, 200. */
static void get_page(struct hresp *r)
{
	h_get(PAGE, r);
	if (r->status != 200)
		fprintf(stderr, "GET %s: %ld %.2000s\n", PAGE, r->status, r->body);
	assert_int_equal(r->status, 200);
}

/* The text of the element with id `id` (its first 200 bytes up to the
 * next tag), into out. */
static void element_text(const char *html, const char *id, char *out, size_t len)
{
	char key[64];
	snprintf(key, sizeof key, "id=\"%s\"", id);
	const char *at = strstr(html, key);
	if (!at)
		fail_msg("no element with id %s", id);
	const char *gt = strchr(at, '>');
	assert_non_null(gt);
	size_t n = strcspn(gt + 1, "<");
	if (n >= len)
		n = len - 1;
	memcpy(out, gt + 1, n);
	out[n] = '\0';
}

static void expect_element(const char *html, const char *id, const char *text)
{
	char got[512];
	element_text(html, id, got, sizeof got);
	if (strcmp(got, text) != 0)
		fail_msg("#%s reads \"%s\", expected \"%s\"", id, got, text);
}

/* ---- Setup ---- */

static int setup(void **state)
{
	(void)state;
	static const char *env[] = {"JAWNOSC_DEFAULT_ORG=mon", "JAWNOSC_BASE_URL=https://wnioski.mon.example",
	                            NULL};
	h_server_start(env);
	u_login("admin%40mon.example", DEMO_PW, &admin);
	return 0;
}

/* ---- Tests ---- */

/* Every element the act asks for (art. 10), by the ids of the technical
 * conditions of the declaration's publication, for a body that set none
 * of them: the defaults make a complete page. */
static void test_fresh_body_publishes_a_complete_declaration(void **state)
{
	struct hresp r;
	get_page(&r);
	static const char *const ids[] = {
	    "a11y-wstep",        "a11y-podmiot",           "a11y-url",
	    "a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-status",
	    "a11y-tresci-niedostepne", "a11y-wylaczenia",  "a11y-data-sporzadzenie",
	    "a11y-data-przeglad", "a11y-kontakt",          "a11y-osoba",
	    "a11y-email",        "a11y-telefon",           "a11y-procedura",
	    "a11y-architektura", "a11y-aplikacje"};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		char key[64];
		snprintf(key, sizeof key, "id=\"%s\"", ids[i]);
		if (!strstr(r.body, key))
			fail_msg("the declaration has no element %s", ids[i]);
	}
	expect_element(r.body, "a11y-podmiot", "Ministerstwo Obrony Narodowej");
	expect_element(r.body, "a11y-url", "https://wnioski.mon.example");
	expect_element(r.body, "a11y-status", "częściowo zgodna");
	expect_element(r.body, "a11y-osoba", "koordynator do spraw dostępności");
	expect_element(r.body, "a11y-telefon", "+48 261 871 205");
	assert_non_null(strstr(r.body, "<a href=\"mailto:bip@mon.example\">bip@mon.example</a>"));
	/* Every date defaults to the day the body was set up. */
	char created[16], time_el[128];
	u_valuef(created, sizeof created,
	         "SELECT to_char(created_at AT TIME ZONE 'Europe/Warsaw', 'YYYY-MM-DD') "
	         "FROM organisations WHERE slug = 'mon'");
	static const char *const dates[] = {"a11y-data-publikacja", "a11y-data-aktualizacja",
	                                    "a11y-data-sporzadzenie", "a11y-data-przeglad"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(time_el, sizeof time_el, "<time id=\"%s\" datetime=\"%s\">%s</time>", dates[i],
		         created, created);
		if (!strstr(r.body, time_el))
			fail_msg("no %s", time_el);
	}
	/* The procedure: the request, its terms, the complaint, the RPO. */
	static const char *const texts[] = {
	    "<h1>Deklaracja dostępności</h1>",
	    "ustawą z dnia 4 kwietnia 2019 r. o dostępności cyfrowej",
	    "żądaniem zapewnienia dostępności cyfrowej",
	    "<strong>7 dni</strong>",
	    "<strong>2 miesiące</strong>",
	    "<strong>skargę</strong>",
	    "<strong>Rzecznika Praw Obywatelskich</strong>",
	    "Deklarację sporządzono na podstawie samooceny przeprowadzonej przez podmiot publiczny.",
	    "Al. Niepodległości 218, 00-911 Warszawa",
	    "standardowych skrótów klawiaturowych przeglądarki",
	    "Urząd nie udostępnia aplikacji mobilnych",
	    "art. 3 ust. 2 pkt 5 ustawy",
	    /* The BIP metadata and the footer's link. */
	    "Informacje o publikacji dokumentu",
	    "<dt>Podmiot udostępniający</dt><dd>Ministerstwo Obrony Narodowej</dd>",
	    "<a href=\"/deklaracja-dostepnosci\">Deklaracja dostępności</a>",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!strstr(r.body, texts[i]))
			fail_msg("the declaration lacks \"%s\"", texts[i]);
	assert_non_null(h_header(&r, "ETag"));
	h_free(&r);
}

/* The values an administrator saves are the page's at once: the old tag
 * gets the new page, not 304. */
static void test_settings_show_at_once_under_a_new_tag(void **state)
{
	struct hresp r;
	get_page(&r);
	char etag[128];
	snprintf(etag, sizeof etag, "%s", h_header(&r, "ETag"));
	h_free(&r);
	char inm[160];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	const char *headers[] = {inm, NULL};
	h_request("GET", PAGE, headers, NULL, 0, &r);
	assert_int_equal(r.status, 304);
	h_free(&r);

	const char *over[] = {"a11y_url", "https://bip.mon.example/wnioski",
	                      "a11y_published_on", "2020-09-23",
	                      "a11y_updated_on", "15.01.2026",
	                      "a11y_status", "zgodna",
	                      "a11y_prepared_on", "2026-01-20",
	                      "a11y_reviewed_on", "2026-03-02",
	                      "a11y_method", "podmiot_zewnetrzny",
	                      "a11y_auditor", "Fundacja Dostępny Urząd",
	                      "a11y_contact_name", "Anna Dostępna",
	                      "a11y_contact_email", "dostepnosc@mon.example",
	                      "a11y_contact_phone", "+48 261 000 111",
	                      "a11y_architecture", "Wejście od ul. Głównej, bez progów.\r\nWinda do 3. piętra.",
	                      "a11y_apps", "Aplikacja mObywatel nie dotyczy tej strony.",
	                      NULL};
	post_settings(over, &r);
	expect_saved(&r);
	h_request("GET", PAGE, headers, NULL, 0, &r);
	assert_int_equal(r.status, 200);
	assert_string_not_equal(h_header(&r, "ETag"), etag);
	expect_element(r.body, "a11y-url", "https://bip.mon.example/wnioski");
	expect_element(r.body, "a11y-status", "zgodna");
	expect_element(r.body, "a11y-osoba", "Anna Dostępna");
	expect_element(r.body, "a11y-telefon", "+48 261 000 111");
	expect_element(r.body, "a11y-audytor", "Fundacja Dostępny Urząd");
	static const char *const texts[] = {
	    "<time id=\"a11y-data-publikacja\" datetime=\"2020-09-23\">2020-09-23</time>",
	    /* Typed as DD.MM.RRRR, stored and shown as RRRR-MM-DD. */
	    "<time id=\"a11y-data-aktualizacja\" datetime=\"2026-01-15\">2026-01-15</time>",
	    "<time id=\"a11y-data-sporzadzenie\" datetime=\"2026-01-20\">2026-01-20</time>",
	    "<time id=\"a11y-data-przeglad\" datetime=\"2026-03-02\">2026-03-02</time>",
	    "<a href=\"mailto:dostepnosc@mon.example\">dostepnosc@mon.example</a>",
	    "Wejście od ul. Głównej, bez progów.\nWinda do 3. piętra.",
	    "Aplikacja mObywatel nie dotyczy tej strony.",
	    "badania przeprowadzonego przez podmiot zewnętrzny",
	    /* The BIP metadata: produced when prepared. */
	    "<dt>Data wytworzenia</dt><dd>20.01.2026</dd>",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!strstr(r.body, texts[i]))
			fail_msg("the declaration lacks \"%s\"", texts[i]);
	/* Published since the body was set up, last changed by this change of
	 * its settings, as its change register lists them (test_bip_changes). */
	char published[64], changed[64], expect[160];
	u_valuef(published, sizeof published,
	         "SELECT to_char(created_at AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI') "
	         "FROM organisations WHERE slug = 'mon'");
	u_valuef(changed, sizeof changed,
	         "SELECT to_char(at AT TIME ZONE 'Europe/Warsaw', 'DD.MM.YYYY HH24:MI') FROM events "
	         "WHERE action = 'org_settings' ORDER BY id DESC LIMIT 1");
	snprintf(expect, sizeof expect, "<dt>Pierwsza publikacja</dt><dd>%s</dd>", published);
	if (!strstr(r.body, expect))
		fail_msg("the declaration lacks \"%s\"", expect);
	snprintf(expect, sizeof expect, "<dt>Ostatnia zmiana</dt><dd>%s</dd>", changed);
	if (!strstr(r.body, expect))
		fail_msg("the declaration lacks \"%s\"", expect);
	/* Compliant, with nothing said to be inaccessible: no such part. */
	assert_null(strstr(r.body, "Treści niedostępne"));
	assert_null(strstr(r.body, "samooceny"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings' "
	                         "AND data->'changed'->'a11y_status'->>'to' = 'zgodna' "
	                         "AND data->'changed'->'a11y_updated_on'->>'to' = '2026-01-15'"),
	                 1);
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' "
	                         "AND a11y_updated_on = '2026-01-15'"),
	                 1);
	/* Back to the defaults; the page follows. */
	const char *back[] = {"a11y_status", "niezgodna", "a11y_nonaccessible",
	                      "Rejestr nie ma wersji w języku migowym.", NULL};
	post_settings(back, &r);
	expect_saved(&r);
	get_page(&r);
	expect_element(r.body, "a11y-status", "niezgodna");
	expect_element(r.body, "a11y-tresci-niedostepne", "Rejestr nie ma wersji w języku migowym.");
	expect_element(r.body, "a11y-osoba", "koordynator do spraw dostępności");
	assert_non_null(strstr(r.body, "z powodu niezgodności lub wyłączeń wymienionych poniżej"));
	h_free(&r);
}

/* Each wrong value is refused with its reason in Polish beside the field
 * and the form keeps what was typed; nothing is stored. */
static void test_declaration_settings_are_checked_and_kept_as_typed(void **state)
{
	char before[4096];
	u_valuef(before, sizeof before,
	         "SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'mon'");
	struct hresp r;
	const char *date[] = {"a11y_published_on", "2026-02-30", "a11y_contact_phone", "22 111 22 33",
	                      NULL};
	post_settings(date, &r);
	assert_non_null(strstr(r.body, "value=\"22 111 22 33\""));
	expect_refused(&r, "Data publikacji strony internetowej: podaj datę w postaci RRRR-MM-DD",
	               "value=\"2026-02-30\"");
	const char *status[] = {"a11y_status", "prawie_zgodna", NULL};
	post_settings(status, &r);
	/* A radio group: the message at its legend, in the summary. */
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "<a href=\"#a11y_status\">Stan zgodności z ustawą: wybierz "
	                                "jedną z możliwości.</a>"));
	assert_non_null(strstr(r.body, "id=\"a11y_status-error\""));
	h_free(&r);
	const char *email[] = {"a11y_contact_email", "nie-adres@", NULL};
	post_settings(email, &r);
	expect_refused(&r, "Podaj poprawny adres e-mail do spraw dostępności", "value=\"nie-adres@\"");
	const char *url[] = {"a11y_url", "javascript:alert(1)", NULL};
	post_settings(url, &r);
	expect_refused(&r, "Adres strony objętej deklaracją musi zaczynać się od https://",
	               "value=\"javascript:alert(1)\"");
	const char *order[] = {"a11y_published_on", "2026-03-01", "a11y_updated_on", "2026-02-01",
	                       "a11y_prepared_on", "2026-03-10", "a11y_reviewed_on", "2026-03-09",
	                       NULL};
	post_settings(order, &r);
	assert_non_null(strstr(r.body, "Data ostatniego przeglądu nie może być wcześniejsza"));
	expect_refused(&r, "Data ostatniej istotnej aktualizacji nie może być wcześniejsza",
	               "value=\"2026-02-01\"");
	const char *auditor[] = {"a11y_method", "podmiot_zewnetrzny", NULL};
	post_settings(auditor, &r);
	assert_non_null(strstr(r.body, "id=\"a11y_method-podmiot_zewnetrzny\" name=\"a11y_method\" "
	                                "value=\"podmiot_zewnetrzny\" checked"));
	expect_refused(&r, "Podaj nazwę podmiotu zewnętrznego", NULL);
	char after[4096];
	u_valuef(after, sizeof after,
	         "SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'mon'");
	assert_string_equal(before, after);
}

/* What an administrator types is text on the page, never markup. */
static void test_what_is_typed_is_escaped_on_the_declaration(void **state)
{
	struct hresp r;
	const char *over[] = {"a11y_contact_name", "<script>alert(1)</script>",
	                      "a11y_architecture", "\"><img src=x onerror=alert(2)>",
	                      "a11y_status", "niezgodna",
	                      "a11y_exemption", "<b onmouseover=alert(3)>x</b>",
	                      NULL};
	post_settings(over, &r);
	expect_saved(&r);
	get_page(&r);
	assert_null(strstr(r.body, "<script>alert(1)"));
	assert_null(strstr(r.body, "<img src=x"));
	assert_null(strstr(r.body, "<b onmouseover"));
	assert_non_null(strstr(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(r.body, "&lt;img src=x onerror=alert(2)&gt;"));
	assert_non_null(strstr(r.body, "&lt;b onmouseover=alert(3)&gt;x&lt;/b&gt;"));
	h_free(&r);
	post_settings(NULL, &r);
	expect_saved(&r);
}

/* The home page and the filing form say who publishes them (the BIP
 * metadata of the body), and link the declaration; a change of the body's
 * name shows on both at once. */
static void test_home_and_form_carry_the_bip_metadata(void **state)
{
	static const char *const pages[] = {"/", "/wniosek"};
	for (int round = 0; round < 2; round++) {
		const char *name = round ? "Urząd Próbny Deklaracji" : "Ministerstwo Obrony Narodowej";
		char publisher[160];
		snprintf(publisher, sizeof publisher, "<dt>Podmiot udostępniający</dt><dd>%s</dd>", name);
		for (size_t i = 0; i < 2; i++) {
			struct hresp r;
			h_get(pages[i], &r);
			assert_int_equal(r.status, 200);
			if (!strstr(r.body, publisher) || !strstr(r.body, "Informacje o publikacji dokumentu") ||
			    !strstr(r.body, "<dt>Pierwsza publikacja</dt>") ||
			    !strstr(r.body, "<a href=\"/deklaracja-dostepnosci\">Deklaracja dostępności</a>"))
				fail_msg("%s lacks the BIP metadata of %s: %.3000s", pages[i], name, r.body);
			h_free(&r);
		}
		if (!round) {
			struct hresp r;
			const char *over[] = {"name", "Urząd Próbny Deklaracji", NULL};
			post_settings(over, &r);
			expect_saved(&r);
		}
	}
	struct hresp r;
	post_settings(NULL, &r);
	expect_saved(&r);
	/* The home page is the body's: a shared cache must ask again. */
	h_get("/", &r);
	assert_string_equal(h_header(&r, "Cache-Control"), "no-cache");
	h_free(&r);
}

int main(void)
{
	h_setup_db("accessibility");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fresh_body_publishes_a_complete_declaration),
	    cmocka_unit_test(test_settings_show_at_once_under_a_new_tag),
	    cmocka_unit_test(test_declaration_settings_are_checked_and_kept_as_typed),
	    cmocka_unit_test(test_what_is_typed_is_escaped_on_the_declaration),
	    cmocka_unit_test(test_home_and_form_carry_the_bip_metadata),
	};
	int failed = cmocka_run_group_tests(tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
