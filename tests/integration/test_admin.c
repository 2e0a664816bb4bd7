/* SPDX-License-Identifier: EUPL-1.2 */
/* The administrator's pages over real HTTP with real sessions: only an
 * administrator reaches them; accounts (add, change, disable, new password),
 * units and the organisation's settings, each bad input answered with the
 * form again (422), a message and what was typed; each change an audit
 * event without passwords; settings used at once by the public form and
 * the law core. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"

static struct u_staff admin, manager, clerk;

/* ---- Helpers ---- */

static void sql(const char *statement)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, statement);
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
		fprintf(stderr, "%s: %s", statement, PQerrorMessage(c));
	PQclear(r);
	PQfinish(c);
}

/* One text value of a query; "" when none (malloc'd). */
static char *sql_text(const char *query)
{
	PGconn *c = h_db();
	PGresult *r = PQexec(c, query);
	char *v = strdup(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) ? PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	PQfinish(c);
	return v;
}

static long long user_id(const char *email)
{
	char q[256];
	snprintf(q, sizeof q, "SELECT id FROM users WHERE email = '%s'", email);
	return u_count(q);
}

static long events(const char *action)
{
	char q[256];
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM events WHERE action = '%s' AND request_id IS NULL AND actor = 'admin' "
	         "AND actor_user_id = (SELECT id FROM users WHERE email = 'admin@mon.example')",
	         action);
	return u_count(q);
}

/* A form body from NULL-terminated name, value pairs. */
static void form(char *out, size_t len, const char *const *pairs)
{
	size_t n = 0;
	out[0] = '\0';
	for (size_t i = 0; pairs[i]; i += 2) {
		char v[2048];
		u_urlencode(pairs[i + 1], v, sizeof v);
		n += (size_t)snprintf(out + n, len - n, "%s%s=%s", i ? "&" : "", pairs[i], v);
		assert_true(n < len);
	}
}

/* The settings form as the demo has it, with `over` (name, value pairs,
 * NULL-terminated; may be NULL) instead of the defaults. */
static void settings_body(char *out, size_t len, const char *const *over)
{
	const char *pairs[] = {
	    "name", "Ministerstwo Obrony Narodowej",
	    "address", "Al. Niepodległości 218, 00-911 Warszawa",
	    "place", "Warszawa",
	    "email", "bip@mon.example",
	    "phone", "+48 261 871 205",
	    "bip_url", "https://mon.example/bip",
	    "hosts", "localhost:8080\r\n127.0.0.1:8080",
	    "class_public", "1431",
	    "class_reuse", "1432",
	    "policy_clarification_restarts", "true",
	    "policy_remedy", "appeal",
	    "appeal_body", "",
	    "appeal_body_address", "",
	    "public_authority", "true",
	    "policy_clarification_days", "7",
	    "policy_interest_days", "7",
	    "policy_interest_keeps_running", "true",
	    "policy_unsigned_pleadings", "false",
	    "policy_unsigned_note", "",
	    "letterhead", "",
	    "signer_name", "",
	    "signer_position", "",
	    "staff_unit_only", "false",
	    "dpo_contact", "",
	    "privacy_recipients", "",
	    NULL,
	};
	for (size_t i = 0; over && over[i]; i += 2)
		for (size_t k = 0; pairs[k]; k += 2)
			if (!strcmp(pairs[k], over[i]))
				pairs[k + 1] = over[i + 1];
	form(out, len, pairs);
}

static void post_settings(const char *const *over, struct hresp *r)
{
	char body[8192];
	settings_body(body, sizeof body, over);
	u_staff_post(&admin, "/panel/admin/ustawienia", body, r);
}

static void post_pairs(const struct u_staff *s, const char *path, const char *const *pairs,
                       struct hresp *r)
{
	char body[8192];
	form(body, sizeof body, pairs);
	u_staff_post(s, path, body, r);
}

static void expect_saved(struct hresp *r, const char *location)
{
	if (r->status != 303)
		fprintf(stderr, "expected 303, got %ld: %.2000s\n", r->status, r->body);
	assert_int_equal(r->status, 303);
	assert_string_equal(h_header(r, "Location"), location);
	h_free(r);
}

/* A 422 naming `message`, keeping `kept` (a piece of the page, e.g.
 * value="..."), marking the field invalid. */
static void expect_refused(struct hresp *r, const char *message, const char *kept, bool field)
{
	if (r->status != 422 || !strstr(r->body, message) || (kept && !strstr(r->body, kept)))
		fprintf(stderr, "expected 422 with \"%s\" and \"%s\", got %ld: %.3000s\n", message,
		        kept ? kept : "", r->status, r->body);
	assert_int_equal(r->status, 422);
	assert_non_null(strstr(r->body, message));
	if (kept)
		assert_non_null(strstr(r->body, kept));
	if (field)
		assert_non_null(strstr(r->body, "aria-invalid=\"true\""));
	assert_non_null(strstr(r->body, "class=\"error-summary\""));
	h_free(r);
}

static void expect_invalid(struct hresp *r, const char *message, const char *kept)
{
	expect_refused(r, message, kept, true);
}

/* ---- Setup ---- */

static int setup(void **state)
{
	(void)state;
	/* The settings test lists hosts without 127.0.0.1, the tests' Host:
	 * the demo body is the default one (test_sec_hosts has none). */
	static const char *env[] = {"JAWNOSC_FILING_RATE=100000", "JAWNOSC_DEFAULT_ORG=mon", NULL};
	h_server_start(env);
	u_login("admin%40mon.example", DEMO_PW, &admin);
	u_login("kierownik%40mon.example", DEMO_PW, &manager);
	u_login("urzednik%40mon.example", DEMO_PW, &clerk);
	return 0;
}

static int clean_failures(void **state)
{
	(void)state;
	sql("DELETE FROM login_failures");
	return 0;
}

/* ---- Who may enter ---- */

static void test_clerk_and_manager_get_403_on_every_admin_route(void **state)
{
	char user_path[64];
	snprintf(user_path, sizeof user_path, "/panel/admin/uzytkownicy/%lld",
	         user_id("urzedniczka@mon.example"));
	const char *gets[] = {"/panel/admin", "/panel/admin/uzytkownicy", user_path,
	                      "/panel/admin/komorki", "/panel/admin/ustawienia"};
	const struct {
		const char *path, *body;
	} posts[] = {
	    {"/panel/admin/uzytkownicy", "email=x%40mon.example&name=X&role=admin&unit=&password=dlugie-haslo-123"},
	    {user_path, "op=update&name=X&position=&role=admin&unit="},
	    {user_path, "op=disable"},
	    {user_path, "op=password&password=dlugie-haslo-123"},
	    {"/panel/admin/komorki", "op=add&symbol=ZZ&name=Z"},
	    {"/panel/admin/ustawienia", "name=Przej%C4%99ty"},
	};
	const struct u_staff *who[] = {&clerk, &manager};
	long before = u_count("SELECT count(*) FROM events WHERE actor = 'admin'");
	for (size_t w = 0; w < 2; w++) {
		for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
			struct hresp r;
			u_staff_get(who[w], gets[i], &r);
			if (r.status != 403)
				fprintf(stderr, "GET %s: %ld\n", gets[i], r.status);
			assert_int_equal(r.status, 403);
			h_free(&r);
		}
		for (size_t i = 0; i < sizeof posts / sizeof posts[0]; i++) {
			struct hresp r;
			u_staff_post(who[w], posts[i].path, posts[i].body, &r);
			if (r.status != 403)
				fprintf(stderr, "POST %s: %ld\n", posts[i].path, r.status);
			assert_int_equal(r.status, 403);
			h_free(&r);
		}
		/* Their menu has no link to the administration. */
		struct hresp r;
		u_staff_get(who[w], "/panel", &r);
		assert_null(strstr(r.body, "href=\"/panel/admin\""));
		h_free(&r);
	}
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE actor = 'admin'"), before);
	assert_int_equal(u_count("SELECT count(*) FROM users WHERE email = 'x@mon.example'"), 0);
	assert_int_equal(u_count("SELECT count(*) FROM units WHERE symbol = 'ZZ'"), 0);
	assert_int_equal(u_count("SELECT count(*) FROM users WHERE disabled"), 0);
}

static void test_admin_sees_the_pages_and_the_menu_link(void **state)
{
	const char *gets[] = {"/panel/admin", "/panel/admin/uzytkownicy", "/panel/admin/komorki",
	                      "/panel/admin/ustawienia"};
	for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
		struct hresp r;
		u_staff_get(&admin, gets[i], &r);
		assert_int_equal(r.status, 200);
		assert_non_null(strstr(r.body, "<a href=\"/panel/admin\">Administracja</a>"));
		assert_non_null(strstr(h_header(&r, "Cache-Control"), "no-store"));
		h_free(&r);
	}
	struct hresp r;
	/* UOD art. 39 ust. 4: the call to complete a re-use request is statutory,
	 * not a setting (issue 20 item 2). */
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_null(strstr(r.body, "policy_reuse_defects_call"));
	assert_non_null(strstr(r.body, "policy_remedy"));
	h_free(&r);
	u_staff_get(&admin, "/panel/admin/uzytkownicy", &r);
	assert_non_null(strstr(r.body, "urzedniczka@mon.example"));
	assert_non_null(strstr(r.body, "Katarzyna Lewandowska"));
	h_free(&r);
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_non_null(strstr(r.body, "value=\"Ministerstwo Obrony Narodowej\""));
	assert_non_null(strstr(r.body, "value=\"appeal\" checked"));
	assert_non_null(strstr(r.body, "value=\"1431\""));
	h_free(&r);
	u_staff_get(&admin, "/panel/admin/komorki", &r);
	assert_non_null(strstr(r.body, "COMON"));
	assert_non_null(strstr(r.body, "Departament Infrastruktury"));
	h_free(&r);
}

static void test_forged_post_without_csrf_is_refused(void **state)
{
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", admin.cookie, NULL};
	const char *bodies[] = {"op=add&symbol=FORGED&name=Podrobiona",
	                        "csrf=0000000000000000000000000000000000000000000000000000000000000000"
	                        "&op=add&symbol=FORGED&name=Podrobiona"};
	for (size_t i = 0; i < 2; i++) {
		struct hresp r;
		h_request("POST", "/panel/admin/komorki", hdr, bodies[i], strlen(bodies[i]), &r);
		assert_int_equal(r.status, 403);
		h_free(&r);
	}
	char body[256];
	snprintf(body, sizeof body, "op=disable");
	struct hresp r;
	char path[64];
	snprintf(path, sizeof path, "/panel/admin/uzytkownicy/%lld", user_id("urzednik@mon.example"));
	h_request("POST", path, hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 403);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM units WHERE symbol = 'FORGED'"), 0);
	assert_int_equal(u_count("SELECT count(*) FROM users WHERE disabled"), 0);
}

/* ---- Accounts ---- */

static void test_admin_adds_a_user_who_can_then_sign_in(void **state)
{
	const char *pairs[] = {"email", "Nowa.Osoba@mon.example", "name", "Nowa Osoba", "position",
	                       "Specjalista", "role", "manager", "unit", "BDG", "password",
	                       "bardzo-tajne-haslo-1", NULL};
	struct hresp r;
	post_pairs(&admin, "/panel/admin/uzytkownicy", pairs, &r);
	expect_saved(&r, "/panel/admin/uzytkownicy?zapisano=1");
	u_staff_get(&admin, "/panel/admin/uzytkownicy?zapisano=1", &r);
	assert_non_null(strstr(r.body, "Zapisano."));
	assert_non_null(strstr(r.body, "Nowa.Osoba@mon.example"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM users u JOIN units n ON n.id = u.unit_id "
	                         "WHERE u.email = 'Nowa.Osoba@mon.example' AND u.role = 'manager' "
	                         "AND n.symbol = 'BDG' AND u.position = 'Specjalista' AND NOT u.disabled"),
	                 1);
	struct u_staff fresh;
	u_login("nowa.osoba%40mon.example", "bardzo-tajne-haslo-1", &fresh);
	u_staff_get(&fresh, "/panel/konto", &r);
	assert_non_null(strstr(r.body, "Nowa Osoba"));
	assert_non_null(strstr(r.body, "kierownik"));
	h_free(&r);
	assert_true(events("user_add") >= 1);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'user_add' "
	                         "AND data->>'email' = 'Nowa.Osoba@mon.example' AND data->>'role' = 'manager' "
	                         "AND data->>'unit' = 'BDG' AND NOT data ? 'password' "
	                         "AND NOT data ? 'password_hash'"),
	                 1);
}

/* The data protection officer's account (issue 17 §3): offered in the
 * form, and its holder lands on the officer's page, not the queue. */
static void test_admin_adds_a_data_protection_officer(void **state)
{
	struct hresp r;
	u_staff_get(&admin, "/panel/admin/uzytkownicy", &r);
	assert_non_null(strstr(r.body, "<option value=\"iod\" >inspektor ochrony danych</option>"));
	h_free(&r);
	const char *pairs[] = {"email", "inspektor@mon.example", "name", "Inspektor Ochrony", "position",
	                       "Inspektor ochrony danych", "role", "iod", "unit", "", "password",
	                       "bardzo-tajne-haslo-7", NULL};
	post_pairs(&admin, "/panel/admin/uzytkownicy", pairs, &r);
	expect_saved(&r, "/panel/admin/uzytkownicy?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM users WHERE email = 'inspektor@mon.example' "
	                         "AND role = 'iod'"),
	                 1);
	struct u_staff officer;
	u_login("inspektor%40mon.example", "bardzo-tajne-haslo-7", &officer);
	u_staff_get(&officer, "/panel/konto", &r);
	assert_non_null(strstr(r.body, "inspektor ochrony danych"));
	h_free(&r);
	u_staff_get(&officer, "/panel", &r);
	assert_int_equal(r.status, 403);
	h_free(&r);
}

static void test_bad_account_input_is_refused_with_the_input_kept(void **state)
{
	long before = u_count("SELECT count(*) FROM users");
	struct hresp r;
	/* An e-mail that has an account already, whatever its case. */
	const char *dup[] = {"email", "URZEDNIK@mon.example", "name", "Drugi Urzędnik", "position", "",
	                     "role", "clerk", "unit", "", "password", "bardzo-tajne-haslo-2", NULL};
	post_pairs(&admin, "/panel/admin/uzytkownicy", dup, &r);
	assert_null(strstr(r.body, "bardzo-tajne-haslo-2")); /* never sent back */
	expect_invalid(&r, "Konto z tym adresem e-mail już istnieje.", "value=\"Drugi Urzędnik\"");

	const char *shortpw[] = {"email", "krotkie@mon.example", "name", "Krótkie Hasło", "position",
	                         "Referent", "role", "clerk", "unit", "DI", "password", "krotkie", NULL};
	post_pairs(&admin, "/panel/admin/uzytkownicy", shortpw, &r);
	assert_non_null(strstr(r.body, "value=\"krotkie@mon.example\""));
	assert_non_null(strstr(r.body, "value=\"Referent\""));
	assert_non_null(strstr(r.body, "<option value=\"DI\" selected>"));
	expect_invalid(&r, "Hasło musi mieć co najmniej 12 znaków.", "aria-describedby=\"password-hint password-error\"");

	const char *badrole[] = {"email", "rola@mon.example", "name", "Zła Rola", "position", "",
	                         "role", "root", "unit", "", "password", "bardzo-tajne-haslo-3", NULL};
	post_pairs(&admin, "/panel/admin/uzytkownicy", badrole, &r);
	expect_invalid(&r, "Wybierz rolę: urzędnik, kierownik, administrator albo inspektor ochrony danych.",
	               "value=\"rola@mon.example\"");

	const char *badunit[] = {"email", "komorka@mon.example", "name", "Zła Komórka", "position", "",
	                         "role", "clerk", "unit", "NIEMA", "password", "bardzo-tajne-haslo-4", NULL};
	post_pairs(&admin, "/panel/admin/uzytkownicy", badunit, &r);
	expect_invalid(&r, "Wybierz komórkę organizacyjną z listy.", "value=\"komorka@mon.example\"");

	const char *badmail[] = {"email", "bez-malpy", "name", "", "position", "", "role", "clerk",
	                         "unit", "", "password", "bardzo-tajne-haslo-5", NULL};
	post_pairs(&admin, "/panel/admin/uzytkownicy", badmail, &r);
	assert_non_null(strstr(r.body, "Pole „Imię i nazwisko” jest wymagane."));
	assert_non_null(strstr(r.body, "href=\"#email\""));
	expect_invalid(&r, "Podaj poprawny adres e-mail", "value=\"bez-malpy\"");

	assert_int_equal(u_count("SELECT count(*) FROM users"), before);
}

static void test_admin_changes_role_unit_name_and_position(void **state)
{
	long long id = user_id("urzedniczka@mon.example");
	char path[64], loc[96];
	snprintf(path, sizeof path, "/panel/admin/uzytkownicy/%lld", id);
	snprintf(loc, sizeof loc, "%s?zapisano=1", path);
	const char *pairs[] = {"op", "update", "name", "Katarzyna Lewandowska-Nowak", "position",
	                       "Kierownik zespołu", "role", "manager", "unit", "DI", NULL};
	struct hresp r;
	post_pairs(&admin, path, pairs, &r);
	expect_saved(&r, loc);
	u_staff_get(&admin, loc, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Zapisano."));
	assert_non_null(strstr(r.body, "value=\"Katarzyna Lewandowska-Nowak\""));
	h_free(&r);
	char q[256];
	snprintf(q, sizeof q, "SELECT count(*) FROM users u JOIN units n ON n.id = u.unit_id WHERE u.id = %lld "
	         "AND u.role = 'manager' AND n.symbol = 'DI' AND u.position = 'Kierownik zespołu'", id);
	assert_int_equal(u_count(q), 1);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'user_update' "
	                         "AND data->'changed'->'role'->>'from' = 'clerk' "
	                         "AND data->'changed'->'role'->>'to' = 'manager' "
	                         "AND data->'changed'->'unit'->>'to' = 'DI'"),
	                 1);
	/* A bad role keeps what was typed. */
	const char *bad[] = {"op", "update", "name", "Wpisane Imię", "position", "", "role", "szef",
	                     "unit", "DI", NULL};
	post_pairs(&admin, path, bad, &r);
	expect_invalid(&r, "Wybierz rolę", "value=\"Wpisane Imię\"");
	/* Back as it was. */
	const char *back[] = {"op", "update", "name", "Katarzyna Lewandowska", "position",
	                      "Starszy specjalista", "role", "clerk", "unit", "COMON", NULL};
	post_pairs(&admin, path, back, &r);
	expect_saved(&r, loc);
}

static void test_admin_cannot_disable_or_demote_themselves(void **state)
{
	long long id = user_id("admin@mon.example");
	char path[64];
	snprintf(path, sizeof path, "/panel/admin/uzytkownicy/%lld", id);
	struct hresp r;
	const char *off[] = {"op", "disable", NULL};
	post_pairs(&admin, path, off, &r);
	assert_non_null(strstr(r.body, "href=\"#disabled\""));
	expect_refused(&r, "Nie możesz zablokować własnego konta.", NULL, false);
	const char *demote[] = {"op", "update", "name", "Magdalena Czerwińska", "position", "Redaktor BIP",
	                        "role", "clerk", "unit", "COMON", NULL};
	post_pairs(&admin, path, demote, &r);
	expect_invalid(&r, "Nie możesz odebrać sobie roli administratora.", "value=\"Magdalena Czerwińska\"");
	assert_int_equal(u_count("SELECT count(*) FROM users WHERE email = 'admin@mon.example' "
	                         "AND role = 'admin' AND NOT disabled"),
	                 1);
	u_staff_get(&admin, "/panel/admin", &r);
	assert_int_equal(r.status, 200); /* still signed in */
	h_free(&r);
}

static void test_disabling_a_user_ends_their_session_until_enabled(void **state)
{
	struct u_staff victim;
	u_login("urzedniczka%40mon.example", DEMO_PW, &victim);
	long long id = user_id("urzedniczka@mon.example");
	char path[64], loc[96];
	snprintf(path, sizeof path, "/panel/admin/uzytkownicy/%lld", id);
	snprintf(loc, sizeof loc, "%s?zapisano=1", path);
	struct hresp r;
	const char *off[] = {"op", "disable", NULL};
	post_pairs(&admin, path, off, &r);
	expect_saved(&r, loc);
	char q[128];
	snprintf(q, sizeof q, "SELECT count(*) FROM sessions WHERE user_id = %lld", id);
	assert_int_equal(u_count(q), 0);
	u_staff_get(&victim, "/panel", &r);
	assert_int_equal(r.status, 303);
	assert_non_null(strstr(h_header(&r, "Location"), "/panel/logowanie"));
	h_free(&r);
	u_staff_get(&admin, path, &r);
	assert_non_null(strstr(r.body, "Odblokuj konto"));
	h_free(&r);
	assert_int_equal(events("user_disable"), 1);
	const char *on[] = {"op", "enable", NULL};
	post_pairs(&admin, path, on, &r);
	expect_saved(&r, loc);
	assert_int_equal(events("user_enable"), 1);
	u_login("urzedniczka%40mon.example", DEMO_PW, &victim);
}

static void test_new_password_replaces_the_old_and_ends_sessions(void **state)
{
	struct u_staff victim;
	u_login("urzednik%40mon.example", DEMO_PW, &victim);
	long long id = user_id("urzednik@mon.example");
	char path[64], loc[96];
	snprintf(path, sizeof path, "/panel/admin/uzytkownicy/%lld", id);
	snprintf(loc, sizeof loc, "%s?zapisano=1", path);
	struct hresp r;
	const char *shortpw[] = {"op", "password", "password", "za-krotkie", NULL};
	post_pairs(&admin, path, shortpw, &r);
	assert_null(strstr(r.body, "za-krotkie"));
	expect_invalid(&r, "Hasło musi mieć co najmniej 12 znaków.", NULL);
	const char *pw[] = {"op", "password", "password", "nowe-haslo-urzednika", NULL};
	post_pairs(&admin, path, pw, &r);
	expect_saved(&r, loc);
	u_staff_get(&victim, "/panel", &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(events("user_password"), 1);
	u_login("urzednik%40mon.example", "nowe-haslo-urzednika", &clerk);
	/* Back to the demo password (the admin's hash) for the other tests. */
	sql("UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE email = 'admin@mon.example') "
	    "WHERE email = 'urzednik@mon.example'");
	u_login("urzednik%40mon.example", DEMO_PW, &clerk);
}

static void test_another_organisations_account_is_not_found(void **state)
{
	sql("INSERT INTO organisations (slug, name) VALUES ('inny', 'Inny Urząd');"
	    "INSERT INTO users (org_id, email, name, role) SELECT id, 'obcy@inny.example', 'Obcy', 'clerk' "
	    "FROM organisations WHERE slug = 'inny'");
	long long id = user_id("obcy@inny.example");
	char path[64];
	snprintf(path, sizeof path, "/panel/admin/uzytkownicy/%lld", id);
	struct hresp r;
	u_staff_get(&admin, path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	const char *off[] = {"op", "disable", NULL};
	post_pairs(&admin, path, off, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	u_staff_get(&admin, "/panel/admin/uzytkownicy", &r);
	assert_null(strstr(r.body, "obcy@inny.example"));
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM users WHERE email = 'obcy@inny.example' AND disabled"), 0);
}

/* ---- Units ---- */

static void test_units_add_rename_and_receive_online_requests(void **state)
{
	struct hresp r;
	const char *bad[] = {"op", "add", "symbol", "co mon", "name", "Komórka ze złym symbolem", NULL};
	post_pairs(&admin, "/panel/admin/komorki", bad, &r);
	expect_invalid(&r, "Symbol komórki może zawierać tylko wielkie litery", "value=\"co mon\"");
	const char *dup[] = {"op", "add", "symbol", "BDG", "name", "Drugie biuro", NULL};
	post_pairs(&admin, "/panel/admin/komorki", dup, &r);
	expect_invalid(&r, "Komórka o symbolu BDG już istnieje.", "value=\"Drugie biuro\"");

	const char *add[] = {"op", "add", "symbol", "DKS-WI", "name", "Wydział Informacji", NULL};
	post_pairs(&admin, "/panel/admin/komorki", add, &r);
	expect_saved(&r, "/panel/admin/komorki?zapisano=1");
	long long id = u_count("SELECT id FROM units WHERE symbol = 'DKS-WI'");
	assert_true(id > 0);
	assert_int_equal(events("unit_add"), 1);

	char ids[32];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *empty[] = {"op", "rename", "id", ids, "name", "  ", NULL};
	post_pairs(&admin, "/panel/admin/komorki", empty, &r);
	char field[64];
	snprintf(field, sizeof field, "href=\"#unit-%lld-name\"", id);
	assert_non_null(strstr(r.body, field));
	expect_invalid(&r, "Pole „Nazwa komórki” jest wymagane.", NULL);
	const char *rename[] = {"op", "rename", "id", ids, "name", "Wydział Informacji Publicznej", NULL};
	post_pairs(&admin, "/panel/admin/komorki", rename, &r);
	expect_saved(&r, "/panel/admin/komorki?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM units WHERE symbol = 'DKS-WI' "
	                         "AND name = 'Wydział Informacji Publicznej'"),
	                 1);
	assert_int_equal(events("unit_rename"), 1);

	/* Online requests now get the new unit's case numbers. */
	const char *web[] = {"op", "web", "web_unit", ids, NULL};
	post_pairs(&admin, "/panel/admin/komorki", web, &r);
	expect_saved(&r, "/panel/admin/komorki?zapisano=1");
	char number[64];
	free(u_file("public_information", number));
	assert_int_equal(strncmp(number, "DKS-WI.1431.", 12), 0);
	assert_int_equal(events("web_unit"), 1);
	const char *nonsense[] = {"op", "web", "web_unit", "999999", NULL};
	post_pairs(&admin, "/panel/admin/komorki", nonsense, &r);
	expect_invalid(&r, "Wybierz komórkę organizacyjną z listy.", NULL);
	sql("UPDATE organisations SET web_unit_id = (SELECT id FROM units WHERE symbol = 'COMON') "
	    "WHERE slug = 'mon'");
}

/* ---- Settings ---- */

static void test_bad_settings_are_refused_with_the_input_kept(void **state)
{
	char *before = sql_text("SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'mon'");
	struct hresp r;
	const char *cls[] = {"class_public", "14a1", "place", "Kraków", NULL};
	post_settings(cls, &r);
	assert_non_null(strstr(r.body, "value=\"Kraków\""));
	expect_invalid(&r, "podaj symbol klasyfikacyjny z wykazu akt, od 1 do 4 cyfr", "value=\"14a1\"");
	const char *cls5[] = {"class_reuse", "14321", NULL};
	post_settings(cls5, &r);
	expect_invalid(&r, "Klasa JRWA wniosków o ponowne wykorzystywanie", "value=\"14321\"");
	const char *host[] = {"hosts", "bip.mon.example\r\nzły host!", NULL};
	post_settings(host, &r);
	expect_invalid(&r, "Wiersz 2 („zły host!”) nie jest nazwą hosta.", "bip.mon.example\r\nzły host!</textarea>");
	const char *port[] = {"hosts", "bip.mon.example:99999", NULL};
	post_settings(port, &r);
	expect_invalid(&r, "nie jest nazwą hosta", NULL);
	const char *days[] = {"policy_interest_days", "61", "policy_remedy", "", "name", "", NULL};
	post_settings(days, &r);
	assert_non_null(strstr(r.body, "podaj liczbę dni od 1 do 60"));
	assert_non_null(strstr(r.body, "Wybierz środek zaskarżenia decyzji"));
	expect_invalid(&r, "Pole „Nazwa urzędu” jest wymagane.", "value=\"61\"");
	const char *url[] = {"bip_url", "javascript:alert(1)", "email", "nie-adres", NULL};
	post_settings(url, &r);
	assert_non_null(strstr(r.body, "Podaj poprawny adres e-mail urzędu"));
	expect_invalid(&r, "Adres strony BIP musi zaczynać się od https://", NULL);
	char *after = sql_text("SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'mon'");
	assert_string_equal(before, after);
	free(before);
	free(after);
}

static void test_settings_are_saved_and_the_public_form_shows_them_at_once(void **state)
{
	struct hresp r;
	const char *over[] = {"name", "Urząd Próbny Jawności", "hosts",
	                      "BIP.Mon.Example\r\n\r\nlocalhost:8080\r\nbip.mon.example\r\n[::1]:8080",
	                      "letterhead", "Departament Komunikacji\r\nul. Próbna 1",
	                      "signer_name", "Jan Podpisujący", "signer_position", "Dyrektor",
	                      "policy_clarification_days", "14", NULL};
	/* The form read once: the server keeps the organisation in memory. */
	h_get("/wniosek", &r);
	assert_non_null(strstr(r.body, "Ministerstwo Obrony Narodowej"));
	h_free(&r);
	post_settings(over, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	h_get("/wniosek", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Urząd Próbny Jawności"));
	h_free(&r);
	char *hosts = sql_text("SELECT array_to_string(hosts, '|') FROM organisations WHERE slug = 'mon'");
	/* Lower case, without the port, each once (org_hosts' form). */
	assert_string_equal(hosts, "bip.mon.example|localhost|[::1]");
	free(hosts);
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' "
	                         "AND letterhead = E'Departament Komunikacji\\nul. Próbna 1' "
	                         "AND signer_name = 'Jan Podpisujący' AND signer_position = 'Dyrektor' "
	                         "AND policy_clarification_days = 14"),
	                 1);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings' "
	                         "AND data->'changed'->'name'->>'to' = 'Urząd Próbny Jawności' "
	                         "AND data->'changed'->'name'->>'from' = 'Ministerstwo Obrony Narodowej' "
	                         "AND NOT data->'changed' ? 'class_public'"),
	                 1);
	u_staff_get(&admin, "/panel/admin/ustawienia?zapisano=1", &r);
	assert_non_null(strstr(r.body, "Zapisano."));
	assert_non_null(strstr(r.body, "value=\"Jan Podpisujący\""));
	h_free(&r);
	/* Saving again unchanged records nothing new. */
	long n = events("org_settings");
	post_settings(over, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	assert_int_equal(events("org_settings"), n);
	post_settings(NULL, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	h_get("/wniosek", &r);
	assert_non_null(strstr(r.body, "Ministerstwo Obrony Narodowej"));
	h_free(&r);
}

/* The settings with retention rows (`rows`: "&retention_class=..&retention_period=.." pairs). */
static void post_with_retention(const char *const *over, const char *rows, struct hresp *r)
{
	char body[8192];
	settings_body(body, sizeof body, over);
	strncat(body, rows, sizeof body - strlen(body) - 1);
	u_staff_post(&admin, "/panel/admin/ustawienia", body, r);
}

/* The art. 13 information's settings and the retention periods per JRWA
 * class: checked, stored, audited and shown on the public form at once. */
static void test_privacy_settings_are_checked_saved_and_shown_on_the_form(void **state)
{
	char *before = sql_text("SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'mon'");
	struct hresp r;
	post_with_retention(NULL, "&retention_class=14a1&retention_period=5", &r);
	expect_invalid(&r, "Okresy przechowywania, wiersz 1: podaj klasę JRWA", "value=\"14a1\"");
	post_with_retention(NULL, "&retention_class=1431&retention_period=0", &r);
	expect_invalid(&r, "liczbę lat od 1 do 100", NULL);
	post_with_retention(NULL, "&retention_class=1431&retention_period=", &r);
	expect_invalid(&r, "liczbę lat od 1 do 100", "value=\"1431\"");
	post_with_retention(NULL, "&retention_class=1431&retention_period=5&retention_class=1431"
	                          "&retention_period=6", &r);
	expect_invalid(&r, "klasa 1431 występuje więcej niż raz", NULL);
	post_with_retention(NULL, "&retention_class=1431&retention_period=5%0A1432+7", &r);
	expect_invalid(&r, "Okresy przechowywania", NULL);
	const char *longer[] = {"dpo_contact", "", NULL};
	char big[700];
	memset(big, 'x', 600);
	big[600] = '\0';
	longer[1] = big;
	post_with_retention(longer, "", &r);
	expect_invalid(&r, "Kontakt z inspektorem ochrony danych", NULL);
	char *after = sql_text("SELECT row_to_json(o)::text FROM organisations o WHERE slug = 'mon'");
	assert_string_equal(before, after);
	free(before);
	free(after);
	/* Saved: rows in any order, blank rows dropped. */
	const char *over[] = {"dpo_contact", "Inspektor Ochrony Danych MON\r\niod@mon.example",
	                      "privacy_recipients", "Operator pocztowy i dostawca chmury.", NULL};
	post_with_retention(over, "&retention_class=1432&retention_period=25&retention_class="
	                          "&retention_period=&retention_class=1431&retention_period=10", &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' AND "
	                         "retention_years = '{\"1431\": 10, \"1432\": 25}' AND "
	                         "dpo_contact = E'Inspektor Ochrony Danych MON\\niod@mon.example'"),
	                 1);
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings' AND "
	                         "data->'changed'->'retention_years'->>'to' = E'1431 10\\n1432 25'"),
	                 1);
	h_get("/wniosek", &r);
	assert_non_null(strstr(r.body, "iod@mon.example"));
	assert_non_null(strstr(r.body, "Operator pocztowy i dostawca chmury."));
	assert_non_null(strstr(r.body, "przez 10 lat"));
	assert_non_null(strstr(r.body, "albo 25 lat"));
	h_free(&r);
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_non_null(strstr(r.body, "name=\"retention_period\" value=\"25\""));
	assert_non_null(strstr(r.body, "name=\"retention_class\" value=\"1431\""));
	h_free(&r);
	/* Back to the defaults: the form says 5 years again. */
	post_with_retention(NULL, "", &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' AND "
	                         "retention_years = '{}' AND dpo_contact = ''"),
	                 1);
	h_get("/wniosek", &r);
	assert_non_null(strstr(r.body, "przez 5 lat"));
	assert_non_null(strstr(r.body, "z dopiskiem „Inspektor ochrony danych”"));
	h_free(&r);
}

static bool offers(const char *token, const char *action)
{
	char path[128];
	snprintf(path, sizeof path, "/api/v1/requests/%s", token);
	struct hresp r;
	h_get(path, &r);
	assert_int_equal(r.status, 200);
	json_t *j = u_json(&r);
	h_free(&r);
	bool found = false;
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(j, "actions"), i, a)
	{
		const char *id = json_string_value(json_object_get(a, "id"));
		found |= id && !strcmp(id, action);
	}
	json_decref(j);
	return found;
}

static void test_reconsideration_policy_is_stored_and_used(void **state)
{
	struct hresp r;
	const char *over[] = {"policy_remedy", "reconsideration", NULL};
	post_settings(over, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' "
	                         "AND policy_remedy = 'reconsideration'"),
	                 1);
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_non_null(strstr(r.body, "value=\"reconsideration\" checked"));
	h_free(&r);
	char number[64];
	char *token = u_file("public_information", number);
	u_clerk(number, LAW_ACT_REFUSE);
	u_clerk(number, LAW_ACT_RECORD_DELIVERY);
	assert_true(offers(token, "request_reconsideration"));
	assert_false(offers(token, "appeal"));
	free(token);
	post_settings(NULL, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	token = u_file("public_information", number);
	u_clerk(number, LAW_ACT_REFUSE);
	u_clerk(number, LAW_ACT_RECORD_DELIVERY);
	assert_true(offers(token, "appeal"));
	free(token);
}

/* KPA art. 63 §3, art. 64 §2: accepting unsigned pleadings from the
 * tracking page needs the legal note; saved, both are stored and shown;
 * a form without the field (an older client) keeps the law's default. */
static void test_unsigned_pleadings_policy_needs_its_legal_note(void **state)
{
	struct hresp r;
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_non_null(strstr(r.body, "name=\"policy_unsigned_pleadings\" value=\"false\" checked"));
	assert_non_null(strstr(r.body, "name=\"policy_unsigned_note\""));
	h_free(&r);
	const char *bare[] = {"policy_unsigned_pleadings", "true", NULL};
	post_settings(bare, &r);
	expect_invalid(&r, "Podaj podstawę prawną przyjmowania odwołań bez podpisu", NULL);
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' "
	                         "AND policy_unsigned_pleadings"),
	                 0);
	const char *on[] = {"policy_unsigned_pleadings", "true", "policy_unsigned_note",
	                    "Strona sprawy identyfikuje wnoszącego <b>(uchwała nr 1)</b>.", NULL};
	post_settings(on, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' "
	                         "AND policy_unsigned_pleadings AND policy_unsigned_note LIKE "
	                         "'Strona sprawy identyfikuje%'"),
	                 1);
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_non_null(strstr(r.body, "value=\"true\" checked"));
	assert_non_null(strstr(r.body, "identyfikuje wnoszącego &lt;b&gt;"));
	h_free(&r);
	post_settings(NULL, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' "
	                         "AND NOT policy_unsigned_pleadings"),
	                 1);
}

/* Staff see only their unit's cases (cases/scope.h): off by default,
 * switched on and off by the administrator, each change an event, a value
 * that is neither refused with the form again; the clerk's panel follows
 * at once (test_authz covers every route). */
static void test_unit_scope_setting_is_saved_audited_and_used(void **state)
{
	assert_int_equal(u_count("SELECT count(*) FROM organisations WHERE slug = 'mon' "
	                         "AND NOT staff_unit_only"),
	                 1);
	struct hresp r;
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Urzędnicy widzą tylko sprawy swojej komórki"));
	assert_non_null(strstr(r.body, "name=\"staff_unit_only\" value=\"false\" "
	                               "aria-describedby=\"staff_unit_only-hint\" checked"));
	h_free(&r);
	const char *bad[] = {"staff_unit_only", "może", NULL};
	post_settings(bad, &r);
	expect_refused(&r, "Urzędnicy widzą tylko sprawy swojej komórki: wybierz jedną z możliwości.",
	               NULL, false);
	/* A case of another unit, and the clerk's unit. */
	sql("UPDATE users SET unit_id = (SELECT id FROM units WHERE symbol = 'BDG') "
	    "WHERE email = 'urzednik@mon.example'");
	char number[64], path[64];
	free(u_file("public_information", number));
	snprintf(path, sizeof path, "/panel/sprawy/%lld", u_request_id(number));
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	const char *on[] = {"staff_unit_only", "true", NULL};
	post_settings(on, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE action = 'org_settings' "
	                         "AND data->'changed'->'staff_unit_only'->>'from' = 'false' "
	                         "AND data->'changed'->'staff_unit_only'->>'to' = 'true'"),
	                 1);
	u_staff_get(&admin, "/panel/admin/ustawienia", &r);
	assert_non_null(strstr(r.body, "name=\"staff_unit_only\" value=\"true\" "
	                               "aria-describedby=\"staff_unit_only-hint\" checked"));
	h_free(&r);
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 404);
	h_free(&r);
	u_staff_get(&admin, path, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	post_settings(NULL, &r);
	expect_saved(&r, "/panel/admin/ustawienia?zapisano=1");
	u_staff_get(&clerk, path, &r);
	assert_int_equal(r.status, 200);
	h_free(&r);
	sql("UPDATE users SET unit_id = (SELECT id FROM units WHERE symbol = 'COMON') "
	    "WHERE email = 'urzednik@mon.example'");
}

/* ---- The audit trail ---- */

static void test_every_change_is_an_event_without_passwords(void **state)
{
	const char *actions[] = {"user_add", "user_update", "user_disable", "user_enable",
	                         "user_password", "unit_add", "unit_rename", "web_unit",
	                         "org_settings"};
	for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++) {
		if (events(actions[i]) < 1)
			fprintf(stderr, "no event %s\n", actions[i]);
		assert_true(events(actions[i]) >= 1);
	}
	assert_int_equal(u_count("SELECT count(*) FROM events WHERE request_id IS NULL AND actor = 'admin' "
	                         "AND (data::text ILIKE '%argon2%' OR data::text LIKE '%haslo%' "
	                         "OR data::text LIKE '%password%')"),
	                 0);
	/* The chain still verifies with the new events in it. */
	char *out = NULL;
	const char *args[] = {"audit", "verify", NULL};
	int rc = h_cli(&out, args);
	if (rc != 0)
		fprintf(stderr, "audit verify: %s\n", out);
	assert_int_equal(rc, 0);
	free(out);
}

#define T(f) cmocka_unit_test_setup(f, clean_failures)

int main(void)
{
	h_setup_db("admin");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    T(test_clerk_and_manager_get_403_on_every_admin_route),
	    T(test_admin_sees_the_pages_and_the_menu_link),
	    T(test_forged_post_without_csrf_is_refused),
	    T(test_admin_adds_a_user_who_can_then_sign_in),
	    T(test_admin_adds_a_data_protection_officer),
	    T(test_bad_account_input_is_refused_with_the_input_kept),
	    T(test_admin_changes_role_unit_name_and_position),
	    T(test_admin_cannot_disable_or_demote_themselves),
	    T(test_disabling_a_user_ends_their_session_until_enabled),
	    T(test_new_password_replaces_the_old_and_ends_sessions),
	    T(test_another_organisations_account_is_not_found),
	    T(test_units_add_rename_and_receive_online_requests),
	    T(test_bad_settings_are_refused_with_the_input_kept),
	    T(test_settings_are_saved_and_the_public_form_shows_them_at_once),
	    T(test_privacy_settings_are_checked_saved_and_shown_on_the_form),
	    T(test_reconsideration_policy_is_stored_and_used),
	    T(test_unsigned_pleadings_policy_needs_its_legal_note),
	    T(test_unit_scope_setting_is_saved_audited_and_used),
	    T(test_every_change_is_an_event_without_passwords),
	};
	int failed = cmocka_run_group_tests_name("admin", tests, setup, h_stop_server);
	h_teardown();
	return failed;
}
