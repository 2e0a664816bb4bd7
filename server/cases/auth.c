#include "cases/auth.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/service.h"
#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"
#include "db/db.h"

#define PWHASH_OPS crypto_pwhash_OPSLIMIT_INTERACTIVE
#define PWHASH_MEM crypto_pwhash_MEMLIMIT_INTERACTIVE

void auth_request_begin(void)
{
	changes_writer(0);
}

bool auth_password_hash(const char *password, char out[AUTH_HASH_LEN])
{
	return crypto_pwhash_str(out, password, strlen(password), PWHASH_OPS, PWHASH_MEM) == 0;
}

const char *auth_role_label(const char *role)
{
	if (!role)
		return "";
	if (!strcmp(role, "clerk"))
		return "urzędnik";
	if (!strcmp(role, "manager"))
		return "kierownik";
	if (!strcmp(role, "admin"))
		return "administrator";
	return role;
}

/* A hash of a random password with the same limits as real ones: checked
 * when the e-mail is unknown, so that an unknown account costs as long as a
 * known one. */
static char dummy_hash[AUTH_HASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
	unsigned char b[18];
	char pw[40];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(pw, sizeof pw, b, sizeof b);
	if (!auth_password_hash(pw, dummy_hash))
		dummy_hash[0] = '\0';
}

static bool password_matches(const char *hash, const char *password)
{
	if (!hash) {
		pthread_once(&dummy_once, make_dummy_hash);
		/* The result is ignored; only the time it takes matters. */
		volatile int sink = dummy_hash[0] ? crypto_pwhash_str_verify(dummy_hash, password,
		                                                             strlen(password))
		                                  : 0;
		(void)sink;
		return false;
	}
	return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

static void hash_hex(const char *token, char hex[65])
{
	unsigned char h[32];
	token_hash(token, h);
	sodium_bin2hex(hex, 65, h, sizeof h);
}

/* The user agent as kept with a session: printable ASCII, at most 300 bytes
 * (the column is text and the header may hold any byte). */
static char *clean_agent(arena_t *a, const char *ua)
{
	size_t n = ua ? strlen(ua) : 0;
	if (n > 300)
		n = 300;
	char *s = arena_alloc(a, n + 1);
	for (size_t i = 0; i < n; i++)
		s[i] = (ua[i] >= 0x20 && ua[i] < 0x7f) ? ua[i] : '?';
	s[n] = '\0';
	return s;
}

/* ---- Throttling ---- */

struct gate_ctx {
	const char *email;
	const char *ip; /* NULL when unknown */
	bool throttled;
};

/* Counts the recent failures and, unless there are too many, records this
 * attempt as one before the password is checked: parallel guesses then see
 * each other. Advisory locks (e-mail first, then address, always in that
 * order) serialize the count-and-insert of attempts that share either. */
static enum db_status gate_tx(PGconn *c, void *vctx)
{
	struct gate_ctx *x = vctx;
	const char *p[3] = {x->email, x->ip, NULL};
	enum db_status st = db_run(c,
	                           "SELECT pg_advisory_xact_lock(hashtextextended('jawnosc-login-email:' "
	                           "|| lower($1), 0))",
	                           1, p);
	if (st == DB_OK && x->ip)
		st = db_run(c,
		            "SELECT pg_advisory_xact_lock(hashtextextended('jawnosc-login-ip:' || "
		            "$1::inet::text, 0))",
		            1, p + 1);
	if (st != DB_OK)
		return st;
	char window[16], max_email[16], max_ip[16];
	snprintf(window, sizeof window, "%d", AUTH_FAILURE_WINDOW);
	snprintf(max_email, sizeof max_email, "%d", AUTH_MAX_FAILURES_EMAIL);
	snprintf(max_ip, sizeof max_ip, "%d", AUTH_MAX_FAILURES_IP);
	const char *q[5] = {x->email, x->ip, window, max_email, max_ip};
	PGresult *r = db_exec(c, &st,
	                      "SELECT (SELECT count(*) FROM login_failures WHERE email_lower = lower($1) "
	                      "        AND at > now() - make_interval(secs => $3::int)) >= $4::int "
	                      "    OR (SELECT count(*) FROM login_failures WHERE ip = $2::inet "
	                      "        AND at > now() - make_interval(secs => $3::int)) >= $5::int",
	                      5, q);
	if (st == DB_OK)
		x->throttled = PQntuples(r) == 1 && PQgetvalue(r, 0, 0)[0] == 't';
	PQclear(r);
	if (st != DB_OK || x->throttled)
		return st;
	return db_run(c, "INSERT INTO login_failures (email_lower, ip) VALUES (lower($1), $2::inet)",
	              2, p);
}

/* ---- Sign-in ---- */

#define USER_COLUMNS                                                                               \
	"u.id, u.org_id, coalesce(u.unit_id, 0), u.email, u.name, u.position, u.role"

static void user_from_row(const PGresult *r, int row, arena_t *a, struct auth_user *out)
{
	out->id = atoll(PQgetvalue(r, row, 0));
	out->org_id = atoll(PQgetvalue(r, row, 1));
	out->unit_id = atoll(PQgetvalue(r, row, 2));
	out->email = arena_strdup(a, PQgetvalue(r, row, 3));
	out->name = arena_strdup(a, PQgetvalue(r, row, 4));
	out->position = arena_strdup(a, PQgetvalue(r, row, 5));
	out->role = arena_strdup(a, PQgetvalue(r, row, 6));
}

/* The account for an e-mail: *hash NULL when there is none that may sign in
 * (unknown, disabled, without a password). Which organisation's site the
 * form was on does not matter: the account's own organisation scopes
 * everything it sees. */
static enum db_status find_account(PGconn *c, arena_t *a, const struct auth_attempt *in,
                                   struct auth_user *user, char **hash)
{
	*hash = NULL;
	const char *p[1] = {in->email};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT " USER_COLUMNS ", u.password_hash FROM users u "
	                      "WHERE lower(u.email) = lower($1) "
	                      "AND NOT u.disabled AND u.password_hash IS NOT NULL",
	                      1, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		user_from_row(r, 0, a, user);
		*hash = arena_strdup(a, PQgetvalue(r, 0, 7));
	}
	PQclear(r);
	return st;
}

struct open_ctx {
	arena_t *a;
	const struct auth_attempt *in;
	const struct auth_user *user;
	char *token;
	const char *csrf;
};

/* The attempt succeeded: clear its failures, drop the old session and the
 * expired ones, and open the new session. */
static enum db_status open_tx(PGconn *c, void *vctx)
{
	struct open_ctx *x = vctx;
	const struct auth_attempt *in = x->in;
	/* This attempt's own row goes with the other failures of its e-mail. */
	const char *p1[1] = {in->email};
	enum db_status st = db_run(c,
	                           "DELETE FROM login_failures WHERE email_lower = lower($1) "
	                           "OR at < now() - interval '1 day'",
	                           1, p1);
	char idle[24];
	snprintf(idle, sizeof idle, "%ld", cfg.session_idle);
	const char *p2[1] = {idle};
	if (st == DB_OK)
		st = db_run(c,
		            "DELETE FROM sessions WHERE expires_at <= now() "
		            "OR last_seen_at <= now() - make_interval(mins => $1::int)",
		            1, p2);
	if (st == DB_OK && in->old_token && token_well_formed(in->old_token)) {
		char old[65];
		hash_hex(in->old_token, old);
		const char *p3[1] = {old};
		st = db_run(c, "DELETE FROM sessions WHERE token_hash = decode($1, 'hex')", 1, p3);
	}
	if (st != DB_OK)
		return st;
	/* A retried transaction gets a fresh token too. */
	token_random(x->token);
	char csrf[TOKEN_LEN + 1], hash[65], user[24], org[24], hours[24];
	token_random(csrf);
	hash_hex(x->token, hash);
	snprintf(user, sizeof user, "%lld", x->user->id);
	snprintf(org, sizeof org, "%lld", x->user->org_id);
	snprintf(hours, sizeof hours, "%ld", cfg.session_max);
	const char *p4[7] = {hash,  user, org, csrf, hours, in->ip && *in->ip ? in->ip : NULL,
	                     clean_agent(x->a, in->user_agent)};
	st = db_run(c,
	            "INSERT INTO sessions (token_hash, user_id, org_id, csrf, expires_at, ip, user_agent) "
	            "VALUES (decode($1, 'hex'), $2::bigint, $3::bigint, $4, "
	            "now() + make_interval(hours => $5::int), $6::inet, $7)",
	            7, p4);
	if (st == DB_OK)
		x->csrf = arena_strdup(x->a, csrf);
	sodium_memzero(hash, sizeof hash);
	return st;
}

/* The messages of the sign-in form. */
static const char *const wrong_credentials = "Nieprawidłowy adres e-mail lub hasło.";

static enum outcome sign_in_failed(enum db_status st, struct problem *p)
{
	return problem_set(p, st == DB_UNAVAILABLE ? OUT_UNAVAILABLE : OUT_ERROR,
	                   st == DB_UNAVAILABLE
	                       ? "Chwilowo nie można się zalogować. Spróbuj ponownie za kilka chwil."
	                       : "Wystąpił błąd i logowanie się nie udało. Spróbuj ponownie za chwilę.",
	                   NULL);
}

enum outcome auth_sign_in(const struct svc_ctx *ctx, const struct auth_attempt *in,
                          char token[TOKEN_LEN + 1], struct auth_user *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	token[0] = '\0';
	problem_set(p, OUT_OK, NULL, NULL);
	if (!in->email || !*in->email || !in->password || !*in->password) {
		problem_field(p, !in->email || !*in->email ? "email" : "password",
		              "Podaj adres e-mail i hasło.");
		if (p)
			p->message = "Podaj adres e-mail i hasło.";
		return OUT_INVALID;
	}
	if (strlen(in->email) > AUTH_EMAIL_MAX || strlen(in->password) > AUTH_PASSWORD_MAX)
		return problem_set(p, OUT_DENIED, wrong_credentials, NULL);
	PGconn *c = db_conn();
	if (!c)
		return sign_in_failed(DB_UNAVAILABLE, p);
	struct gate_ctx g = {.email = in->email, .ip = in->ip && *in->ip ? in->ip : NULL};
	/* Sessions and failed sign-ins: nothing any page keeps. */
	changes_writer(CHANGES_QUIET);
	enum db_status st = db_transaction(c, gate_tx, &g);
	if (st != DB_OK)
		return sign_in_failed(st, p);
	if (g.throttled) {
		log_warn("staff sign-in throttled (address %s)", g.ip ? g.ip : "unknown");
		return problem_set(p, OUT_RATE_LIMITED,
		                   "Zbyt wiele nieudanych prób logowania. Odczekaj minutę i spróbuj ponownie.",
		                   NULL);
	}
	struct auth_user user = {0};
	char *hash;
	st = find_account(c, ctx->arena, in, &user, &hash);
	if (st != DB_OK)
		return sign_in_failed(st, p);
	/* Always one Argon2id check, for a known account or not. */
	if (!password_matches(hash, in->password))
		return problem_set(p, OUT_DENIED, wrong_credentials, NULL);
	struct open_ctx x = {ctx->arena, in, &user, token, NULL};
	st = db_transaction(c, open_tx, &x);
	if (st != DB_OK) {
		token[0] = '\0';
		return sign_in_failed(st, p);
	}
	user.csrf = x.csrf;
	*out = user;
	log_info("staff sign-in: user %lld", user.id);
	return OUT_OK;
}

/* ---- Sessions ---- */

enum outcome auth_session_find(const struct svc_ctx *ctx, const char *token,
                               struct auth_user *out, struct problem *p)
{
	memset(out, 0, sizeof *out);
	problem_set(p, OUT_OK, NULL, NULL);
	if (!token || !token_well_formed(token))
		return problem_set(p, OUT_DENIED, NULL, NULL);
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	char hash[65], idle[24];
	hash_hex(token, hash);
	snprintf(idle, sizeof idle, "%ld", cfg.session_idle);
	const char *q[2] = {hash, idle};
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT " USER_COLUMNS ", s.csrf, "
	                      "s.last_seen_at < now() - interval '1 minute' "
	                      "FROM sessions s JOIN users u ON u.id = s.user_id "
	                      "WHERE s.token_hash = decode($1, 'hex') AND s.expires_at > now() "
	                      "AND s.last_seen_at > now() - make_interval(mins => $2::int) "
	                      "AND NOT u.disabled",
	                      2, q);
	if (st != DB_OK) {
		PQclear(r);
		return svc_outcome(st, p);
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		return problem_set(p, OUT_DENIED, NULL, NULL);
	}
	user_from_row(r, 0, ctx->arena, out);
	out->csrf = arena_strdup(ctx->arena, PQgetvalue(r, 0, 7));
	bool touch = PQgetvalue(r, 0, 8)[0] == 't';
	PQclear(r);
	/* A failed touch only shortens the idle time left: not worth a 500. */
	if (touch && db_run(c, "UPDATE sessions SET last_seen_at = now() "
	                       "WHERE token_hash = decode($1, 'hex')",
	                    1, q) != DB_OK)
		log_warn("could not mark a session used");
	/* Staff write only within their own organisation. */
	changes_writer(out->org_id);
	return OUT_OK;
}

enum outcome auth_sign_out(const struct svc_ctx *ctx, const char *token, struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	if (!token || !token_well_formed(token))
		return OUT_OK;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	char hash[65];
	hash_hex(token, hash);
	const char *q[1] = {hash};
	enum db_status st = db_run(c, "DELETE FROM sessions WHERE token_hash = decode($1, 'hex')", 1, q);
	return st == DB_OK ? OUT_OK : svc_outcome(st, p);
}
