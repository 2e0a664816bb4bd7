/* Staff sign-in and sign-out, the account page, and the authorize hook that
 * guards every route above ROLE_ANY: the session from the jw_session cookie,
 * the role, and the session's CSRF token on every request that changes
 * something. */
#include <sodium.h>
#include <string.h>

#include "cases/auth.h"
#include "core/config.h"
#include "db/changes.h"
#include "db/db.h"
#include "http/cookie.h"
#include "web/web.h"

#define SESSION_COOKIE "jw_session"
#define NEXT_MAX 1024

static const struct {
	const char *role;
	int level;
} role_levels[] = {
    {"clerk", ROLE_CLERK},
    {"manager", ROLE_MANAGER},
    {"admin", ROLE_ADMIN},
};

/* The route level of a user's role; ROLE_ANY (no staff access) when unknown. */
static int role_level(const char *role)
{
	for (size_t i = 0; i < sizeof role_levels / sizeof role_levels[0]; i++)
		if (role && !strcmp(role, role_levels[i].role))
			return role_levels[i].level;
	return ROLE_ANY;
}

static struct auth_limits limits(void)
{
	return (struct auth_limits){.idle_minutes = cfg.session_idle, .max_hours = cfg.session_max};
}

static bool is_safe_method(const char *method)
{
	return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

/* The session cookie: HttpOnly, SameSite=Lax, Path=/, Secure behind TLS,
 * and no Max-Age, so it ends with the browser session at the latest. An
 * empty token expires it. */
static void set_session_cookie(http_req_t *req, const char *token)
{
	const char *set = cookie_format(req->arena, SESSION_COOKIE, token, *token ? -1 : 0,
	                                strncmp(web_base_url(), "https:", 6) == 0);
	if (set)
		http_add_header(req, "Set-Cookie", set);
}

/* Where to go after sign-in: only a path on this site. "//host" and "/\host"
 * are other sites to a browser; anything outside printable ASCII could
 * split the Location header. NULL when not acceptable. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > NEXT_MAX)
		return NULL;
	for (const char *p = next; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '\\')
			return NULL;
	return next;
}

static bool csrf_matches(const char *posted, const char *expected)
{
	size_t n = expected ? strlen(expected) : 0;
	return posted && n && strlen(posted) == n && sodium_memcmp(posted, expected, n) == 0;
}

static struct web_user *to_web_user(arena_t *a, const struct auth_user *u)
{
	struct web_user *w = arena_calloc(a, 1, sizeof *w);
	w->id = u->id;
	w->org_id = u->org_id;
	w->unit_id = u->unit_id;
	w->email = u->email;
	w->name = u->name;
	w->position = u->position;
	w->role = u->role;
	w->level = role_level(u->role);
	w->csrf = u->csrf;
	return w;
}

const struct web_user *web_user(const http_req_t *req)
{
	return req->user;
}

void web_begin(http_req_t *req)
{
	(void)req;
	changes_writer(0);
}

bool web_authorize(http_req_t *req, const route_t *route)
{
	if (route->role <= ROLE_CITIZEN)
		return true;
	/* Staff pages are personal: never kept by a browser or proxy cache. */
	http_add_header(req, "Cache-Control", "no-store");
	const char *token = http_cookie(req, SESSION_COOKIE);
	struct auth_limits lim = limits();
	struct auth_user u;
	enum auth_result r = token ? auth_session_find(db_conn(), req->arena, token, &lim, &u)
	                           : AUTH_DENIED;
	if (r == AUTH_UNAVAILABLE) {
		http_respond_unavailable(req);
		return false;
	}
	if (r != AUTH_OK && r != AUTH_DENIED) {
		http_respond_error(req, 500, NULL);
		return false;
	}
	if (r == AUTH_DENIED) {
		if (token)
			set_session_cookie(req, "");
		if (is_safe_method(req->method)) {
			const char *next = safe_next(req->uri);
			http_redirect(req, 303,
			              next ? arena_printf(req->arena, "/panel/logowanie?next=%s",
			                                  web_url_encode(req, next))
			                   : "/panel/logowanie");
		} else {
			http_respond_error(req, 401,
			                   "Sesja wygasła albo nie jesteś zalogowany. Zaloguj się ponownie "
			                   "i powtórz czynność.");
		}
		return false;
	}
	struct web_user *w = to_web_user(req->arena, &u);
	req->user = w;
	/* Staff write only within their own organisation. */
	changes_writer(w->org_id);
	if (w->level < route->role) {
		http_respond_error(req, 403, "Twoja rola nie pozwala otworzyć tej strony.");
		return false;
	}
	if (!is_safe_method(req->method)) {
		const form_t *f;
		enum form_error fe = http_form(req, &f);
		const char *posted = fe == FORM_OK ? form_get(f, "csrf") : NULL;
		if (!posted)
			posted = http_header(req, "X-CSRF-Token");
		if (!csrf_matches(posted, w->csrf)) {
			/* A form that does not parse (bytes that are not UTF-8, a
			 * NUL, a broken multipart body) says so, not that it
			 * expired; refusing it changes nothing either way. */
			if (fe != FORM_OK && fe != FORM_UNSUPPORTED_TYPE) {
				http_respond_error(req, 400, form_error_text_pl(fe));
				return false;
			}
			http_respond_error(req, 403,
			                   "Formularz wygasł albo nie został wysłany z tej strony. Wróć, "
			                   "odśwież stronę i spróbuj ponownie.");
			return false;
		}
	}
	return true;
}

/* ---- Sign-in ---- */

static void login_page(http_req_t *req, int status, const char *email, const char *next,
                       const char *error)
{
	json_t *ctx = json_pack("{s:s, s:s, s:s, s:s}", "title", "Logowanie — Jawność", "csrf",
	                        web_csrf_token(req), "email", email ? email : "", "next",
	                        next ? next : "");
	if (error) {
		json_object_set_new(ctx, "error", json_string(error));
		json_object_set_new(ctx, "title", json_string("Błąd logowania — Jawność"));
	}
	http_add_header(req, "Cache-Control", "no-store");
	web_render(req, status, "login", ctx);
}

void web_login_form(http_req_t *req)
{
	login_page(req, 200, NULL, safe_next(http_query(req, "next")), NULL);
}

/* Leading and trailing blanks of a typed e-mail address. */
static const char *trim(arena_t *a, const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_strndup(a, s, n);
}

void web_login(http_req_t *req)
{
	const form_t *f;
	enum form_error fe = http_form(req, &f);
	if (fe != FORM_OK) {
		login_page(req, fe == FORM_UNSUPPORTED_TYPE ? 415 : 400, NULL, NULL,
		           form_error_text_pl(fe));
		return;
	}
	const char *email = trim(req->arena, form_get(f, "email"));
	const char *password = form_get(f, "password");
	const char *next = safe_next(form_get(f, "next"));
	if (!web_csrf_ok(req, form_get(f, "csrf"))) {
		login_page(req, 403, email, next,
		           "Formularz logowania wygasł albo został otwarty w innej przeglądarce. "
		           "Zaloguj się ponownie.");
		return;
	}
	if (!email || !*email || !password || !*password) {
		login_page(req, 422, email, next, "Podaj adres e-mail i hasło.");
		return;
	}
	struct auth_attempt in = {
	    .email = email,
	    .password = password,
	    .ip = http_client_ip(req),
	    .user_agent = http_header(req, "User-Agent"),
	    .old_token = http_cookie(req, SESSION_COOKIE),
	};
	struct auth_limits lim = limits();
	char token[TOKEN_LEN + 1];
	struct auth_user u;
	switch (auth_sign_in(db_conn(), req->arena, &in, &lim, token, &u)) {
	case AUTH_OK:
		set_session_cookie(req, token);
		sodium_memzero(token, sizeof token);
		http_redirect(req, 303, next ? next : "/panel");
		return;
	case AUTH_DENIED:
		login_page(req, 401, email, next, "Nieprawidłowy adres e-mail lub hasło.");
		return;
	case AUTH_THROTTLED:
		http_add_header(req, "Retry-After", "60");
		login_page(req, 429, email, next,
		           "Zbyt wiele nieudanych prób logowania. Odczekaj minutę i spróbuj ponownie.");
		return;
	case AUTH_UNAVAILABLE:
		http_add_header(req, "Retry-After", "5");
		login_page(req, 503, email, next,
		           "Chwilowo nie można się zalogować. Spróbuj ponownie za kilka chwil.");
		return;
	case AUTH_ERROR:
	default:
		login_page(req, 500, email, next,
		           "Wystąpił błąd i logowanie się nie udało. Spróbuj ponownie za chwilę.");
		return;
	}
}

void web_logout(http_req_t *req)
{
	if (auth_sign_out(db_conn(), http_cookie(req, SESSION_COOKIE)) == AUTH_UNAVAILABLE) {
		http_respond_unavailable(req);
		return;
	}
	set_session_cookie(req, "");
	http_redirect(req, 303, "/panel/logowanie");
}

void web_account(http_req_t *req)
{
	const struct web_user *u = web_user(req);
	json_t *ctx = json_pack("{s:s, s:s?, s:s?, s:s?, s:s}", "title", "Moje konto — Jawność",
	                        "name", u->name, "email", u->email, "position", u->position,
	                        "role_label", auth_role_label(u->role));
	web_render(req, 200, "account", ctx);
}
