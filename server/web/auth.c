/* SPDX-License-Identifier: EUPL-1.2 */
/* Staff sign-in and sign-out, the account page, and the authorize hook that
 * guards every route above ROLE_ANY: the session from the jw_session cookie,
 * the role, and the session's CSRF token on every request that changes
 * something. */
#include <sodium.h>
#include <string.h>

#include "cases/auth.h"
#include "core/cache.h"
#include "core/clock.h"
#include "http/cookie.h"
#include "web/outcome.h"
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
    {"iod", ROLE_IOD},
};

/* The route level of a user's role; ROLE_ANY (no staff access) when unknown. */
static int role_level(const char *role)
{
	for (size_t i = 0; i < sizeof role_levels / sizeof role_levels[0]; i++)
		if (role && !strcmp(role, role_levels[i].role))
			return role_levels[i].level;
	return ROLE_ANY;
}

/* Where a staff member lands after signing in: a manager on the dashboard
 * (what is due and who carries what), the data protection officer on their
 * own page (the queue is not theirs), everyone else on the queue. */
static const char *home_of(int level)
{
	return level == ROLE_IOD ? "/panel/iod" : level == ROLE_MANAGER ? "/panel/pulpit" : "/panel";
}

/* The context of a service called before anyone is known to be signed in. */
static struct svc_ctx public_ctx(http_req_t *req)
{
	return (struct svc_ctx){.arena = req->arena, .now = clock_now()};
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
	w->member = *u;
	w->level = role_level(u->role);
	return w;
}

const struct web_user *web_user(const http_req_t *req)
{
	return req->user;
}

/* Answers with `o` and `message` (NULL: the table's); returns false. */
static bool refuse(http_req_t *req, enum outcome o, const char *message)
{
	struct problem p;
	problem_set(&p, o, message, NULL);
	web_fail(req, &p);
	return false;
}

const struct svc_ctx *web_staff(http_req_t *req)
{
	const struct web_user *u = web_user(req);
	if (!u) {
		refuse(req, OUT_DENIED, NULL);
		return NULL;
	}
	struct actor *who = arena_calloc(req->arena, 1, sizeof *who);
	struct svc_ctx *ctx = arena_calloc(req->arena, 1, sizeof *ctx);
	web_ctx(req, ctx, who);
	return ctx;
}

void web_begin(http_req_t *req)
{
	(void)req;
	auth_request_begin();
	/* A new request has read nothing from a replica yet. */
	cache_reading_replica(false, 0);
}

bool web_authorize(http_req_t *req, const route_t *route)
{
	if (route->role <= ROLE_CITIZEN)
		return true;
	/* Staff pages are personal: never kept by a browser or proxy cache. */
	http_add_header(req, "Cache-Control", "no-store");
	const char *token = http_cookie(req, SESSION_COOKIE);
	struct svc_ctx ctx = public_ctx(req);
	struct auth_user u;
	struct problem p;
	enum outcome o = auth_session_find(&ctx, token, &u, &p);
	if (o != OUT_OK && o != OUT_DENIED) {
		web_fail(req, &p);
		return false;
	}
	/* Signed out: a page asks for sign-in and comes back; a step cannot. */
	if (o == OUT_DENIED) {
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
	if (!route_role_allows(route->role, w->level))
		return refuse(req, OUT_DENIED, "Twoja rola nie pozwala otworzyć tej strony.");
	if (!is_safe_method(req->method)) {
		const form_t *f;
		enum form_error fe = http_form(req, &f);
		const char *posted = fe == FORM_OK ? form_get(f, "csrf") : NULL;
		if (!posted)
			posted = http_header(req, "X-CSRF-Token");
		if (!csrf_matches(posted, w->member.csrf)) {
			/* A form that does not parse (bytes that are not UTF-8, a
			 * NUL, a broken multipart body) says so, not that it
			 * expired; refusing it changes nothing either way. */
			if (fe != FORM_OK && fe != FORM_UNSUPPORTED_TYPE)
				return refuse(req, OUT_MALFORMED, form_error_text_pl(fe));
			return refuse(req, OUT_DENIED,
			              "Formularz wygasł albo nie został wysłany z tej strony. Wróć, "
			              "odśwież stronę i spróbuj ponownie.");
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

/* The status of a sign-in form shown again: the table's, except that wrong
 * credentials are 401 (RFC 9110 §15.5.2: the request lacks valid
 * authentication), where the table's 403 means a right the user lacks. */
static int sign_in_status(enum outcome o)
{
	return o == OUT_DENIED ? 401 : web_outcome_status(o);
}

void web_login(http_req_t *req)
{
	const form_t *f;
	enum form_error fe = http_form(req, &f);
	if (fe != FORM_OK) {
		login_page(req, web_outcome_status(fe == FORM_UNSUPPORTED_TYPE ? OUT_UNSUPPORTED : OUT_MALFORMED),
		           NULL, NULL, form_error_text_pl(fe));
		return;
	}
	const char *email = trim(req->arena, form_get(f, "email"));
	const char *next = safe_next(form_get(f, "next"));
	if (!web_csrf_ok(req, form_get(f, "csrf"))) {
		login_page(req, web_outcome_status(OUT_DENIED), email, next,
		           "Formularz logowania wygasł albo został otwarty w innej przeglądarce. "
		           "Zaloguj się ponownie.");
		return;
	}
	struct auth_attempt in = {
	    .email = email,
	    .password = form_get(f, "password"),
	    .ip = http_client_ip(req),
	    .user_agent = http_header(req, "User-Agent"),
	    .old_token = http_cookie(req, SESSION_COOKIE),
	};
	struct svc_ctx ctx = public_ctx(req);
	char token[TOKEN_LEN + 1];
	struct auth_user u;
	struct problem p;
	int retry_after = AUTH_FAILURE_WINDOW;
	enum outcome o = auth_sign_in(&ctx, &in, token, &u, &retry_after, &p);
	if (o == OUT_OK) {
		set_session_cookie(req, token);
		sodium_memzero(token, sizeof token);
		http_redirect(req, 303, next ? next : home_of(role_level(u.role)));
		return;
	}
	/* How long to wait before trying again: until the limit that refused
	 * the attempt lifts. */
	if (o == OUT_RATE_LIMITED)
		http_add_header(req, "Retry-After", arena_printf(req->arena, "%d", retry_after));
	else if (o == OUT_UNAVAILABLE)
		http_add_header(req, "Retry-After", "5");
	login_page(req, sign_in_status(o), email, next, web_problem_text(&p));
}

void web_logout(http_req_t *req)
{
	struct svc_ctx ctx = public_ctx(req);
	struct problem p;
	if (auth_sign_out(&ctx, http_cookie(req, SESSION_COOKIE), &p) != OUT_OK) {
		web_fail(req, &p);
		return;
	}
	set_session_cookie(req, "");
	http_redirect(req, 303, "/panel/logowanie");
}

void web_account(http_req_t *req)
{
	const struct auth_user *u = &web_user(req)->member;
	json_t *ctx = json_pack("{s:s, s:s?, s:s?, s:s?, s:s}", "title", "Moje konto — Jawność",
	                        "name", u->name, "email", u->email, "position", u->position,
	                        "role_label", auth_role_label(u->role));
	web_render(req, 200, "account", ctx);
}
