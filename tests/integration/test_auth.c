/* SPDX-License-Identifier: EUPL-1.2 */
/* Staff sign-in over real HTTP: the session cookie and how it is stored,
 * a new session id on every sign-in, CSRF on the sign-in form and on every
 * staff form, throttling of password guessing, expiry, sign-out, the `next`
 * address, and the `jawnosc user` command. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmocka.h>

#include "cases/auth.h"
#include "integration/cases_util.h"

#define DEMO_PW "jawnosc-demo"
#define WRONG_MESSAGE "Nieprawidłowy adres e-mail lub hasło."

/* ---- Helpers ---- */

/* "name=value" of the Set-Cookie header for cookie `name`; false if none. */
static bool set_cookie(const struct hresp *r, const char *name, char *pair, size_t len,
                       char *attrs, size_t alen)
{
	size_t nl = strlen(name);
	for (const char *line = r->headers; line && *line;) {
		const char *end = strstr(line, "\r\n");
		size_t ll = end ? (size_t)(end - line) : strlen(line);
		if (ll > 12 && strncasecmp(line, "Set-Cookie: ", 12) == 0 &&
		    strncmp(line + 12, name, nl) == 0 && line[12 + nl] == '=') {
			const char *v = line + 12;
			size_t vl = ll - 12;
			const char *semi = memchr(v, ';', vl);
			size_t pl = semi ? (size_t)(semi - v) : vl;
			snprintf(pair, len, "%.*s", (int)pl, v);
			if (attrs)
				snprintf(attrs, alen, "%.*s", (int)(vl - pl), v + pl);
			return true;
		}
		if (!end)
			break;
		line = end + 2;
	}
	return false;
}

struct signin_form {
	char cookie[160]; /* "jw_form=..." */
	char csrf[96];
};

static void open_signin_form(struct signin_form *f)
{
	struct hresp r;
	h_get("/panel/logowanie", &r);
	assert_int_equal(r.status, 200);
	assert_true(set_cookie(&r, "jw_form", f->cookie, sizeof f->cookie, NULL, 0));
	u_attr(r.body, "csrf", f->csrf, sizeof f->csrf);
	assert_int_equal(strlen(f->csrf), 64);
	h_free(&r);
}

/* Posts the sign-in form. `email` is url-encoded already; `next` may be
 * NULL; `old_session` ("jw_session=...") is sent along when not NULL. */
static void sign_in_as(const char *email, const char *password, const char *next,
                       const char *old_session, struct hresp *r)
{
	struct signin_form f;
	open_signin_form(&f);
	char body[1024], cookie[400];
	snprintf(body, sizeof body, "csrf=%s&email=%s&password=%s&next=%s", f.csrf, email, password,
	         next ? next : "");
	snprintf(cookie, sizeof cookie, "Cookie: %s%s%s", f.cookie, old_session ? "; " : "",
	         old_session ? old_session : "");
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", cookie, NULL};
	h_request("POST", "/panel/logowanie", hdr, body, strlen(body), r);
}

/* Signs in and returns the session cookie pair ("jw_session=TOKEN"). */
static void session_for(const char *email, char *pair, size_t len)
{
	struct hresp r;
	sign_in_as(email, DEMO_PW, NULL, NULL, &r);
	if (r.status != 303)
		fprintf(stderr, "sign-in of %s: %ld %.300s\n", email, r.status, r.body);
	assert_int_equal(r.status, 303);
	assert_true(set_cookie(&r, "jw_session", pair, len, NULL, 0));
	h_free(&r);
}

static void get_with(const char *session, const char *path, struct hresp *r)
{
	char cookie[300];
	snprintf(cookie, sizeof cookie, "Cookie: %s", session);
	const char *hdr[] = {cookie, NULL};
	h_request("GET", path, hdr, NULL, 0, r);
}

static void post_with(const char *session, const char *path, const char *body, struct hresp *r)
{
	char cookie[300];
	snprintf(cookie, sizeof cookie, "Cookie: %s", session);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", cookie, NULL};
	h_request("POST", path, hdr, body, strlen(body), r);
}

/* The status of the account page with this session. */
static long account_status(const char *session)
{
	struct hresp r;
	get_with(session, "/panel/konto", &r);
	long st = r.status;
	h_free(&r);
	return st;
}

/* The session's CSRF token, from the sign-out form of the account page. */
static void csrf_of(const char *session, char *out, size_t len)
{
	struct hresp r;
	get_with(session, "/panel/konto", &r);
	assert_int_equal(r.status, 200);
	u_attr(r.body, "csrf", out, len);
	assert_true(strlen(out) >= 32);
	h_free(&r);
}

static const char *token_of(const char *pair)
{
	return strchr(pair, '=') + 1;
}

static long sessions_with_token(const char *pair)
{
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to('%s', 'UTF8'))",
	         token_of(pair));
	return u_count(sql);
}

/* ---- Setup ---- */

static int group_setup(void **state)
{
	(void)state;
	h_server_start(NULL);
	return 0;
}

/* Every test starts with no failures on record: all of them come from
 * 127.0.0.1, which would otherwise reach the per-address limit. */
static int clean_failures(void **state)
{
	(void)state;
	h_sql("DELETE FROM login_failures");
	return 0;
}

/* ---- Sign-in and the session cookie ---- */

static void test_sign_in_page_is_a_form_with_email_password_and_csrf(void **state)
{
	struct hresp r;
	h_get("/panel/logowanie", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "action=\"/panel/logowanie\""));
	assert_non_null(strstr(r.body, "name=\"email\""));
	assert_non_null(strstr(r.body, "type=\"password\" id=\"password\" name=\"password\""));
	assert_non_null(strstr(r.body, "type=\"hidden\" name=\"csrf\" value=\""));
	assert_non_null(strstr(r.body, "<label for=\"email\">"));
	assert_non_null(strstr(r.body, "<label for=\"password\">"));
	assert_string_equal(h_header(&r, "Cache-Control"), "no-store");
	/* No staff menu for someone signed out. */
	assert_null(strstr(r.body, "Wyloguj"));
	h_free(&r);
}

static void test_sign_in_sets_httponly_samesite_cookie_and_redirects_to_panel(void **state)
{
	struct hresp r;
	sign_in_as("urzednik%40mon.example", DEMO_PW, NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(h_header(&r, "Location"), "/panel");
	char pair[200], attrs[200];
	assert_true(set_cookie(&r, "jw_session", pair, sizeof pair, attrs, sizeof attrs));
	assert_int_equal(strlen(token_of(pair)), 43);
	assert_non_null(strstr(attrs, "HttpOnly"));
	assert_non_null(strstr(attrs, "SameSite=Lax"));
	assert_non_null(strstr(attrs, "Path=/"));
	assert_null(strstr(attrs, "Secure")); /* plain http in tests */
	h_free(&r);
	get_with(pair, "/panel/konto", &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "Zalogowano jako <strong>Tomasz Zieliński</strong> (urzędnik)"));
	/* The header of every page offers the panel and sign-out. */
	assert_non_null(strstr(r.body, "<a href=\"/panel\">Panel</a>"));
	assert_non_null(strstr(r.body, "action=\"/panel/wyloguj\""));
	assert_non_null(strstr(r.body, "Wyloguj"));
	assert_string_equal(h_header(&r, "Cache-Control"), "no-store");
	h_free(&r);
}

static void test_email_is_matched_without_regard_to_case_and_blanks(void **state)
{
	struct hresp r;
	sign_in_as("+URZEDNIK%40Mon.Example+", DEMO_PW, NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static void test_session_token_is_stored_only_as_its_sha256(void **state)
{
	char pair[200];
	session_for("urzednik%40mon.example", pair, sizeof pair);
	assert_int_equal(sessions_with_token(pair), 1);
	char q[400];
	snprintf(q, sizeof q, "SELECT count(*) FROM sessions s WHERE strpos(s::text, '%s') > 0 "
	                      "OR strpos(encode(token_hash, 'escape'), '%s') > 0",
	         token_of(pair), token_of(pair));
	assert_int_equal(u_count(q), 0);
	assert_int_equal(u_count("SELECT count(*) FROM sessions WHERE length(token_hash) <> 32"), 0);
}

static void test_each_sign_in_gives_a_new_session_and_ends_the_one_presented(void **state)
{
	char first[200], second[200];
	session_for("urzednik%40mon.example", first, sizeof first);
	assert_int_equal(account_status(first), 200);
	struct hresp r;
	sign_in_as("urzednik%40mon.example", DEMO_PW, NULL, first, &r);
	assert_int_equal(r.status, 303);
	assert_true(set_cookie(&r, "jw_session", second, sizeof second, NULL, 0));
	h_free(&r);
	assert_string_not_equal(first, second);
	assert_int_equal(account_status(first), 303);
	assert_int_equal(sessions_with_token(first), 0);
	assert_int_equal(account_status(second), 200);
}

static void test_wrong_password_is_401_with_email_kept_and_password_not(void **state)
{
	struct hresp r;
	sign_in_as("urzednik%40mon.example", "zgadywane-haslo", NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, WRONG_MESSAGE));
	assert_non_null(strstr(r.body, "value=\"urzednik@mon.example\""));
	assert_null(strstr(r.body, "zgadywane-haslo"));
	char pair[200];
	assert_false(set_cookie(&r, "jw_session", pair, sizeof pair, NULL, 0));
	h_free(&r);
}

static void test_unknown_email_gets_the_same_answer_as_a_wrong_password(void **state)
{
	struct hresp wrong, unknown;
	sign_in_as("urzednik%40mon.example", "zle-haslo-123", NULL, NULL, &wrong);
	sign_in_as("nikt%40mon.example", "zle-haslo-123", NULL, NULL, &unknown);
	assert_int_equal(unknown.status, wrong.status);
	assert_non_null(strstr(unknown.body, WRONG_MESSAGE));
	/* The pages differ only by the address typed back. */
	assert_int_equal((long)unknown.len - (long)strlen("nikt@mon.example"),
	                 (long)wrong.len - (long)strlen("urzednik@mon.example"));
	h_free(&wrong);
	h_free(&unknown);
}

static void test_empty_fields_ask_for_email_and_password(void **state)
{
	struct hresp r;
	sign_in_as("", "", NULL, NULL, &r);
	assert_int_equal(r.status, 422);
	assert_non_null(strstr(r.body, "Podaj adres e-mail i hasło."));
	h_free(&r);
}

static void test_sign_in_form_without_its_csrf_token_is_refused(void **state)
{
	struct hresp r;
	const char *body = "email=urzednik%40mon.example&password=" DEMO_PW;
	h_post_form("/panel/logowanie", body, &r);
	assert_int_equal(r.status, 403);
	char pair[200];
	assert_false(set_cookie(&r, "jw_session", pair, sizeof pair, NULL, 0));
	assert_non_null(strstr(r.body, "value=\"urzednik@mon.example\""));
	h_free(&r);
}

/* ---- Throttling ---- */

static void test_sixth_wrong_password_in_a_minute_is_throttled_even_when_right(void **state)
{
	struct hresp r;
	for (int i = 0; i < AUTH_MAX_FAILURES_PAIR; i++) {
		sign_in_as("kierownik%40mon.example", "proba-zgadniecia", NULL, NULL, &r);
		assert_int_equal(r.status, 401);
		h_free(&r);
	}
	sign_in_as("kierownik%40mon.example", DEMO_PW, NULL, NULL, &r);
	assert_int_equal(r.status, 429);
	assert_non_null(strstr(r.body, "Zbyt wiele nieudanych prób logowania"));
	assert_non_null(strstr(r.body, "value=\"kierownik@mon.example\""));
	assert_non_null(h_header(&r, "Retry-After"));
	char pair[200];
	assert_false(set_cookie(&r, "jw_session", pair, sizeof pair, NULL, 0));
	h_free(&r);
	/* In any case of letters. */
	sign_in_as("KIEROWNIK%40mon.example", DEMO_PW, NULL, NULL, &r);
	assert_int_equal(r.status, 429);
	h_free(&r);
	/* Another account from the same address is not affected. */
	sign_in_as("admin%40mon.example", DEMO_PW, NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	/* A minute later the right password works again. */
	h_sql("UPDATE login_failures SET at = at - interval '61 seconds'");
	sign_in_as("kierownik%40mon.example", DEMO_PW, NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
	assert_int_equal(u_count("SELECT count(*) FROM login_failures WHERE email_lower = "
	                         "'kierownik@mon.example'"),
	                 0);
}

static void test_twenty_failures_from_one_address_throttle_every_account(void **state)
{
	struct hresp r;
	for (int i = 0; i < AUTH_MAX_FAILURES_IP; i++) {
		char email[64];
		snprintf(email, sizeof email, "zgadywany%d%%40mon.example", i);
		sign_in_as(email, "jakies-haslo-123", NULL, NULL, &r);
		assert_int_equal(r.status, 401);
		h_free(&r);
	}
	sign_in_as("admin%40mon.example", DEMO_PW, NULL, NULL, &r);
	assert_int_equal(r.status, 429);
	h_free(&r);
}

/* ---- CSRF on staff forms ---- */

static void test_forged_sign_out_without_the_session_token_is_refused(void **state)
{
	char mine[200], other[200], other_csrf[96], form_csrf[96];
	session_for("urzednik%40mon.example", mine, sizeof mine);
	session_for("urzedniczka%40mon.example", other, sizeof other);
	csrf_of(other, other_csrf, sizeof other_csrf);
	struct hresp r;
	/* No token at all. */
	post_with(mine, "/panel/wyloguj", "", &r);
	assert_int_equal(r.status, 403);
	assert_non_null(strstr(r.body, "Formularz wygasł"));
	h_free(&r);
	/* Another session's token. */
	char body[200];
	snprintf(body, sizeof body, "csrf=%s", other_csrf);
	post_with(mine, "/panel/wyloguj", body, &r);
	assert_int_equal(r.status, 403);
	h_free(&r);
	/* The sign-in form's token is not the session's either. */
	struct signin_form f;
	open_signin_form(&f);
	snprintf(form_csrf, sizeof form_csrf, "%s", f.csrf);
	char cookie[400];
	snprintf(cookie, sizeof cookie, "Cookie: %s; %s", mine, f.cookie);
	snprintf(body, sizeof body, "csrf=%s", form_csrf);
	const char *hdr[] = {"Content-Type: application/x-www-form-urlencoded", cookie, NULL};
	h_request("POST", "/panel/wyloguj", hdr, body, strlen(body), &r);
	assert_int_equal(r.status, 403);
	h_free(&r);
	/* Still signed in, both of them. */
	assert_int_equal(account_status(mine), 200);
	assert_int_equal(account_status(other), 200);
}

static void test_sign_out_ends_the_session_and_expires_the_cookie(void **state)
{
	char pair[200], csrf[96];
	session_for("urzednik%40mon.example", pair, sizeof pair);
	csrf_of(pair, csrf, sizeof csrf);
	char body[200];
	snprintf(body, sizeof body, "csrf=%s", csrf);
	struct hresp r;
	post_with(pair, "/panel/wyloguj", body, &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(h_header(&r, "Location"), "/panel/logowanie");
	char cleared[200], attrs[200];
	assert_true(set_cookie(&r, "jw_session", cleared, sizeof cleared, attrs, sizeof attrs));
	assert_string_equal(cleared, "jw_session=");
	assert_non_null(strstr(attrs, "Max-Age=0"));
	h_free(&r);
	assert_int_equal(sessions_with_token(pair), 0);
	assert_int_equal(account_status(pair), 303);
	/* The old token posted again is refused, not an error. */
	post_with(pair, "/panel/wyloguj", body, &r);
	assert_int_equal(r.status, 401);
	h_free(&r);
}

/* ---- Expiry and redirects ---- */

static void test_signed_out_get_goes_to_sign_in_with_next_and_post_is_401(void **state)
{
	struct hresp r;
	h_get("/panel/konto", &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(h_header(&r, "Location"), "/panel/logowanie?next=%2Fpanel%2Fkonto");
	h_free(&r);
	h_post_form("/panel/wyloguj", "csrf=x", &r);
	assert_int_equal(r.status, 401);
	h_free(&r);
	/* A cookie that is not a session is cleared. */
	get_with("jw_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "/panel/konto", &r);
	assert_int_equal(r.status, 303);
	char cleared[200];
	assert_true(set_cookie(&r, "jw_session", cleared, sizeof cleared, NULL, 0));
	assert_string_equal(cleared, "jw_session=");
	h_free(&r);
}

static void test_expired_and_idle_sessions_redirect_to_sign_in(void **state)
{
	char pair[200], q[400];
	/* Past its absolute lifetime. */
	session_for("urzedniczka%40mon.example", pair, sizeof pair);
	snprintf(q, sizeof q,
	         "UPDATE sessions SET expires_at = now() - interval '1 second' "
	         "WHERE token_hash = sha256(convert_to('%s', 'UTF8'))",
	         token_of(pair));
	h_sql(q);
	struct hresp r;
	get_with(pair, "/panel/konto", &r);
	assert_int_equal(r.status, 303);
	assert_string_equal(h_header(&r, "Location"), "/panel/logowanie?next=%2Fpanel%2Fkonto");
	h_free(&r);
	/* Unused for longer than JAWNOSC_SESSION_IDLE (480 minutes). */
	session_for("urzedniczka%40mon.example", pair, sizeof pair);
	snprintf(q, sizeof q,
	         "UPDATE sessions SET last_seen_at = now() - interval '481 minutes' "
	         "WHERE token_hash = sha256(convert_to('%s', 'UTF8'))",
	         token_of(pair));
	h_sql(q);
	assert_int_equal(account_status(pair), 303);
	/* Used a while ago, within the limit: still valid and marked used now. */
	session_for("urzedniczka%40mon.example", pair, sizeof pair);
	snprintf(q, sizeof q,
	         "UPDATE sessions SET last_seen_at = now() - interval '10 minutes' "
	         "WHERE token_hash = sha256(convert_to('%s', 'UTF8'))",
	         token_of(pair));
	h_sql(q);
	assert_int_equal(account_status(pair), 200);
	snprintf(q, sizeof q,
	         "SELECT count(*) FROM sessions WHERE token_hash = sha256(convert_to('%s', 'UTF8')) "
	         "AND last_seen_at > now() - interval '1 minute'",
	         token_of(pair));
	assert_int_equal(u_count(q), 1);
}

static void test_expired_sessions_are_removed_at_the_next_sign_in(void **state)
{
	h_sql("UPDATE sessions SET expires_at = now() - interval '1 hour'");
	char pair[200];
	session_for("admin%40mon.example", pair, sizeof pair);
	assert_int_equal(u_count("SELECT count(*) FROM sessions"), 1);
}

static void test_next_is_followed_for_local_paths_only(void **state)
{
	static const struct {
		const char *next; /* url-encoded */
		const char *location;
	} cases[] = {
	    {"%2Fpanel%2Fkonto", "/panel/konto"},
	    {"%2Fpanel%3Fstan%3Dnowe", "/panel?stan=nowe"},
	    {"%2F%2Fevil.example", "/panel"},
	    {"https%3A%2F%2Fevil.example", "/panel"},
	    {"%2F%5Cevil.example", "/panel"},
	    {"%2Fpanel%0D%0ASet-Cookie%3A+x%3D1", "/panel"},
	    {"", "/panel"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct hresp r;
		sign_in_as("admin%40mon.example", DEMO_PW, cases[i].next, NULL, &r);
		assert_int_equal(r.status, 303);
		if (strcmp(h_header(&r, "Location"), cases[i].location) != 0)
			fprintf(stderr, "next=%s: Location %s\n", cases[i].next, h_header(&r, "Location"));
		assert_string_equal(h_header(&r, "Location"), cases[i].location);
		h_free(&r);
	}
	/* The form carries a local next and drops any other. */
	struct hresp r;
	h_get("/panel/logowanie?next=%2Fpanel%2Fkonto", &r);
	assert_non_null(strstr(r.body, "name=\"next\" value=\"/panel/konto\""));
	h_free(&r);
	h_get("/panel/logowanie?next=%2F%2Fevil.example", &r);
	assert_non_null(strstr(r.body, "name=\"next\" value=\"\""));
	h_free(&r);
}

/* ---- The user command ---- */

static void test_user_add_reads_the_password_from_stdin_and_the_account_signs_in(void **state)
{
	char *out = NULL;
	const char *args[] = {"user", "add", "Nowa.Osoba@mon.example", "--org", "mon", "--role",
	                      "manager", "--name", "Nowa Osoba", "--position", "Naczelnik",
	                      "--unit", "BDG", NULL};
	int rc = h_cli_stdin(&out, "bardzo-tajne-haslo\n", args);
	if (rc != 0)
		fprintf(stderr, "%s", out);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "bardzo-tajne-haslo"));
	free(out);
	assert_int_equal(u_count("SELECT count(*) FROM users u JOIN units n ON n.id = u.unit_id "
	                         "WHERE u.email = 'Nowa.Osoba@mon.example' AND u.role = 'manager' "
	                         "AND n.symbol = 'BDG' AND u.password_hash LIKE '$argon2id$%'"),
	                 1);
	struct hresp r;
	sign_in_as("nowa.osoba%40mon.example", "bardzo-tajne-haslo", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	char pair[200];
	assert_true(set_cookie(&r, "jw_session", pair, sizeof pair, NULL, 0));
	h_free(&r);
	get_with(pair, "/panel/konto", &r);
	assert_non_null(strstr(r.body, "Nowa Osoba</strong> (kierownik)"));
	h_free(&r);
}

static void test_user_list_shows_accounts_with_role_org_unit_and_state(void **state)
{
	char *out = NULL;
	const char *args[] = {"user", "list", "--org", "mon", NULL};
	assert_int_equal(h_cli(&out, args), 0);
	assert_non_null(strstr(out, "EMAIL"));
	assert_non_null(strstr(out, "urzednik@mon.example"));
	assert_non_null(strstr(out, "Katarzyna Lewandowska"));
	assert_non_null(strstr(out, "manager"));
	assert_non_null(strstr(out, "COMON"));
	assert_non_null(strstr(out, "active"));
	free(out);
	const char *all[] = {"user", "list", NULL};
	assert_int_equal(h_cli(&out, all), 0);
	assert_non_null(strstr(out, "admin@mon.example"));
	free(out);
}

static void test_user_passwd_changes_the_password_and_ends_sessions(void **state)
{
	char *out = NULL;
	const char *add[] = {"user", "add", "zmiana@mon.example", "--org", "mon", "--role", "clerk",
	                     NULL};
	assert_int_equal(h_cli_stdin(&out, "pierwsze-haslo-1\n", add), 0);
	free(out);
	struct hresp r;
	sign_in_as("zmiana%40mon.example", "pierwsze-haslo-1", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	char pair[200];
	assert_true(set_cookie(&r, "jw_session", pair, sizeof pair, NULL, 0));
	h_free(&r);
	const char *passwd[] = {"user", "passwd", "ZMIANA@mon.example", NULL};
	assert_int_equal(h_cli_stdin(&out, "drugie-haslo-22\r\n", passwd), 0);
	free(out);
	assert_int_equal(account_status(pair), 303);
	sign_in_as("zmiana%40mon.example", "pierwsze-haslo-1", NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	h_free(&r);
	sign_in_as("zmiana%40mon.example", "drugie-haslo-22", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static void test_user_disable_ends_sessions_and_blocks_sign_in_until_enabled(void **state)
{
	char *out = NULL;
	const char *add[] = {"user", "add", "wylaczany@mon.example", "--org", "mon", "--role",
	                     "clerk", "--name", "Wyłączany Pracownik", NULL};
	assert_int_equal(h_cli_stdin(&out, "haslo-wylaczanego\n", add), 0);
	free(out);
	struct hresp r;
	sign_in_as("wylaczany%40mon.example", "haslo-wylaczanego", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	char pair[200];
	assert_true(set_cookie(&r, "jw_session", pair, sizeof pair, NULL, 0));
	h_free(&r);
	assert_int_equal(account_status(pair), 200);
	const char *disable[] = {"user", "disable", "wylaczany@mon.example", NULL};
	assert_int_equal(h_cli(&out, disable), 0);
	free(out);
	assert_int_equal(u_count("SELECT count(*) FROM sessions s JOIN users u ON u.id = s.user_id "
	                         "WHERE u.email = 'wylaczany@mon.example'"),
	                 0);
	assert_int_equal(account_status(pair), 303);
	/* The right password of a disabled account: the usual answer. */
	sign_in_as("wylaczany%40mon.example", "haslo-wylaczanego", NULL, NULL, &r);
	assert_int_equal(r.status, 401);
	assert_non_null(strstr(r.body, WRONG_MESSAGE));
	h_free(&r);
	const char *list[] = {"user", "list", NULL};
	assert_int_equal(h_cli(&out, list), 0);
	assert_non_null(strstr(out, "disabled"));
	free(out);
	const char *enable[] = {"user", "enable", "wylaczany@mon.example", NULL};
	assert_int_equal(h_cli(&out, enable), 0);
	free(out);
	sign_in_as("wylaczany%40mon.example", "haslo-wylaczanego", NULL, NULL, &r);
	assert_int_equal(r.status, 303);
	h_free(&r);
}

static void test_user_command_errors_are_clear(void **state)
{
	static const struct {
		const char *input;
		const char *args[12];
		int rc;
		const char *message;
	} cases[] = {
	    {"dlugie-haslo-123\n", {"user", "add", "x@mon.example", "--org", "brak", "--role", "clerk"}, 1,
	     "no organisation with slug 'brak'"},
	    {"dlugie-haslo-123\n", {"user", "add", "URZEDNIK@mon.example", "--org", "mon", "--role", "clerk"}, 1,
	     "already exists"},
	    {"dlugie-haslo-123\n", {"user", "add", "y@mon.example", "--org", "mon", "--role", "boss"}, 2,
	     "unknown role 'boss'"},
	    {"dlugie-haslo-123\n", {"user", "add", "y@mon.example", "--org", "mon", "--role", "clerk", "--unit", "XYZ"}, 1,
	     "has no unit 'XYZ'"},
	    {"krotkie\n", {"user", "add", "y@mon.example", "--org", "mon", "--role", "clerk"}, 1,
	     "at least 12 characters"},
	    {"\n", {"user", "add", "y@mon.example", "--org", "mon", "--role", "clerk"}, 1,
	     "the password is empty"},
	    {"", {"user", "add", "y@mon.example", "--org", "mon", "--role", "clerk"}, 1,
	     "no password on standard input"},
	    {"dlugie-haslo-123\n", {"user", "add", "y@mon.example", "--role", "clerk"}, 2, "Usage"},
	    {"dlugie-haslo-123\n", {"user", "add", "nie-adres", "--org", "mon", "--role", "clerk"}, 2,
	     "is not an e-mail address"},
	    {"dlugie-haslo-123\n", {"user", "add", "y@mon.example", "--org", "mon", "--role", "clerk", "--kolor", "x"}, 2,
	     "unknown option '--kolor'"},
	    {"dlugie-haslo-123\n", {"user", "passwd", "nikt@mon.example"}, 1, "no user with e-mail"},
	    {"", {"user", "disable", "nikt@mon.example"}, 1, "no user with e-mail"},
	    {"", {"user", "list", "--org", "brak"}, 1, "no organisation with slug 'brak'"},
	    {"", {"user", "frob"}, 2, "unknown command 'frob'"},
	    {"", {"user"}, 2, "Usage: jawnosc user"},
	    {"", {"user", "--help"}, 0, "Usage: jawnosc user"},
	    {"", {"user", "add", "--help"}, 0, "Usage: jawnosc user add"},
	    {"", {"user", "passwd", "--help"}, 0, "Usage: jawnosc user passwd"},
	    {"", {"user", "disable", "--help"}, 0, "Usage: jawnosc user disable"},
	    {"", {"user", "enable", "--help"}, 0, "Usage: jawnosc user enable"},
	    {"", {"user", "list", "--help"}, 0, "Usage: jawnosc user list"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out = NULL;
		int rc = h_cli_stdin(&out, cases[i].input, cases[i].args);
		if (rc != cases[i].rc || !strstr(out, cases[i].message))
			fprintf(stderr, "case %zu: exit %d, output: %s\n", i, rc, out);
		assert_int_equal(rc, cases[i].rc);
		assert_non_null(strstr(out, cases[i].message));
		free(out);
	}
	assert_int_equal(u_count("SELECT count(*) FROM users WHERE email IN ('x@mon.example', "
	                         "'y@mon.example')"),
	                 0);
}

#define T(f) cmocka_unit_test_setup(f, clean_failures)

int main(void)
{
	h_setup_db("auth");
	u_seed_demo();
	const struct CMUnitTest tests[] = {
	    T(test_sign_in_page_is_a_form_with_email_password_and_csrf),
	    T(test_sign_in_sets_httponly_samesite_cookie_and_redirects_to_panel),
	    T(test_email_is_matched_without_regard_to_case_and_blanks),
	    T(test_session_token_is_stored_only_as_its_sha256),
	    T(test_each_sign_in_gives_a_new_session_and_ends_the_one_presented),
	    T(test_wrong_password_is_401_with_email_kept_and_password_not),
	    T(test_unknown_email_gets_the_same_answer_as_a_wrong_password),
	    T(test_empty_fields_ask_for_email_and_password),
	    T(test_sign_in_form_without_its_csrf_token_is_refused),
	    T(test_sixth_wrong_password_in_a_minute_is_throttled_even_when_right),
	    T(test_twenty_failures_from_one_address_throttle_every_account),
	    T(test_forged_sign_out_without_the_session_token_is_refused),
	    T(test_sign_out_ends_the_session_and_expires_the_cookie),
	    T(test_signed_out_get_goes_to_sign_in_with_next_and_post_is_401),
	    T(test_expired_and_idle_sessions_redirect_to_sign_in),
	    T(test_expired_sessions_are_removed_at_the_next_sign_in),
	    T(test_next_is_followed_for_local_paths_only),
	    T(test_user_add_reads_the_password_from_stdin_and_the_account_signs_in),
	    T(test_user_list_shows_accounts_with_role_org_unit_and_state),
	    T(test_user_passwd_changes_the_password_and_ends_sessions),
	    T(test_user_disable_ends_sessions_and_blocks_sign_in_until_enabled),
	    T(test_user_command_errors_are_clear),
	};
	int failed = cmocka_run_group_tests_name("auth", tests, group_setup, h_stop_server);
	h_teardown();
	return failed;
}
