/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/auth.h"

#include <pthread.h>
#include <stdatomic.h>
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
	if (!strcmp(role, "iod"))
		return "inspektor ochrony danych";
	/* Not a user: a system calling the staff API (cases/integrations.h). */
	if (!strcmp(role, "integration"))
		return "integracja";
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

/* ---- Throttling ----
 *
 * What is counted: every attempt that gets its password checked leaves a
 * row (written before the check, so that parallel guesses see each other;
 * removed again when the password was right), keyed by the e-mail typed,
 * known or not, and the client's address (http_client_ip(): behind a
 * trusted proxy, the address it forwarded). IPv6 counts by /64 (login_net(),
 * migration 0017): one host can use any address of its network.
 *
 * Why not by account alone: a limit of N failures per e-mail lets anyone
 * who knows an e-mail keep its owner out for good with N guesses a window.
 * So the hard limits are per (e-mail, address), which stops one source from
 * guessing one password quickly, and per address, which stops one source
 * from spraying a common password over many accounts. Neither can be
 * reached by an attacker on another network.
 *
 * What remains is a distributed attack: many addresses, each under both
 * limits. Against it the account gets a growing delay, but only for the
 * addresses that have already failed for it: once the e-mail has
 * AUTH_ACCOUNT_FREE failures in AUTH_ACCOUNT_WINDOW, an address may try it
 * again only auth_account_delay() seconds after its own last failure for it
 * (2 s, doubling every AUTH_ACCOUNT_FREE failures, at most
 * AUTH_ACCOUNT_DELAY_MAX). Each attacking address is slowed from five
 * guesses a minute to one per delay, while an address that has not failed
 * for the e-mail (the owner at their desk, at home, on the phone) is never
 * refused because of the account: its right password always signs in. The
 * owner meets the delay only after a typo of their own during an attack,
 * and then for at most AUTH_ACCOUNT_DELAY_MAX.
 *
 * Why a "not before" instant rather than a slower answer: a request thread
 * that sleeps is a thread the attacker holds, and an attacker does not wait
 * for answers anyway. The instant is computed from the rows already there
 * (the address's last failure plus the delay), so it costs no new state,
 * and a refused attempt is answered at once, without the password check,
 * with Retry-After. Refused attempts are not counted: retrying early does
 * not lengthen the wait. Times are the request's instant (ctx->now). */

static const char *const refusal_names[AUTH_REFUSED_N] = {
    [AUTH_REFUSED_PAIR] = "pair",
    [AUTH_REFUSED_ADDRESS] = "address",
    [AUTH_REFUSED_ACCOUNT] = "account",
};

static atomic_ullong refused_count[AUTH_REFUSED_N];
static atomic_ullong wrong_count;

const char *auth_refusal_name(enum auth_refusal r)
{
	return r >= 0 && r < AUTH_REFUSED_N ? refusal_names[r] : "";
}

void auth_counts(struct auth_counts *out)
{
	for (int i = 0; i < AUTH_REFUSED_N; i++)
		out->refused[i] = atomic_load_explicit(&refused_count[i], memory_order_relaxed);
	out->wrong = atomic_load_explicit(&wrong_count, memory_order_relaxed);
}

int auth_account_delay(long failures)
{
	if (failures < AUTH_ACCOUNT_FREE)
		return 0;
	long steps = failures / AUTH_ACCOUNT_FREE;
	if (steps >= 16)
		return AUTH_ACCOUNT_DELAY_MAX;
	long d = 1L << steps;
	return d < AUTH_ACCOUNT_DELAY_MAX ? (int)d : AUTH_ACCOUNT_DELAY_MAX;
}

struct gate_ctx {
	const char *email;
	const char *ip;   /* NULL when unknown (counted under '::') */
	int64_t now;
	int retry_after;  /* > 0: refused for that many seconds */
	enum auth_refusal reason;
};

/* A refusal of `seconds` more for `why`: the longest one is told. (Rows
 * from a clock that has since gone back could ask for more than any limit
 * does: never more than AUTH_ACCOUNT_WINDOW.) */
static void refuse(struct gate_ctx *x, enum auth_refusal why, int64_t seconds)
{
	if (seconds > AUTH_ACCOUNT_WINDOW)
		seconds = AUTH_ACCOUNT_WINDOW;
	if (seconds > x->retry_after) {
		x->retry_after = (int)seconds;
		x->reason = why;
	}
}

/* Seconds since the epoch in a column that may be NULL (-1 then). */
static int64_t epoch_or_none(const PGresult *r, int col)
{
	return PQgetisnull(r, 0, col) ? -1 : atoll(PQgetvalue(r, 0, col));
}

/* Reads the counts above and, unless the attempt is refused, records it as
 * a failure before the password is checked. Advisory locks (e-mail first,
 * then the address's network, always in that order) serialize the
 * count-and-insert of attempts that share either. */
static enum db_status gate_tx(PGconn *c, void *vctx)
{
	struct gate_ctx *x = vctx;
	x->retry_after = 0;
	char now[24], window[16], max_pair[16], max_ip[16], account_window[16];
	snprintf(now, sizeof now, "%lld", (long long)x->now);
	snprintf(window, sizeof window, "%d", AUTH_FAILURE_WINDOW);
	snprintf(max_pair, sizeof max_pair, "%d", AUTH_MAX_FAILURES_PAIR);
	snprintf(max_ip, sizeof max_ip, "%d", AUTH_MAX_FAILURES_IP);
	snprintf(account_window, sizeof account_window, "%d", AUTH_ACCOUNT_WINDOW);
	/* Past this many the delay is at its cap: an account under a large
	 * attack costs no more to count than one under a small one. */
	char enough[16];
	snprintf(enough, sizeof enough, "%d", 16 * AUTH_ACCOUNT_FREE);
	const char *p[8] = {x->email, x->ip, now, window, max_pair, max_ip, account_window, enough};
	enum db_status st = db_run(c,
	                           "SELECT pg_advisory_xact_lock(hashtextextended('jawnosc-login-email:' "
	                           "|| lower($1), 0)), "
	                           "pg_advisory_xact_lock(hashtextextended('jawnosc-login-ip:' || "
	                           "login_net($2::inet)::text, 0))",
	                           2, p);
	if (st != DB_OK)
		return st;
	/* The pair's and the address's limit: the instant of the failure whose
	 * end of window lets the next attempt in (the max-th newest), NULL while
	 * under the limit. Then the e-mail's failures from anywhere (as many as
	 * matter), and this address's last failure for it. */
	PGresult *r = db_exec(c, &st,
	                      "WITH k AS (SELECT lower($1) AS e, login_net($2::inet) AS n, "
	                      "                  to_timestamp($3::bigint) AS t) "
	                      "SELECT (SELECT extract(epoch FROM f.at)::bigint FROM login_failures f "
	                      "        WHERE f.email_lower = k.e AND f.net = k.n "
	                      "        AND f.at > k.t - make_interval(secs => $4::int) "
	                      "        ORDER BY f.at DESC OFFSET $5::int - 1 LIMIT 1), "
	                      "       (SELECT extract(epoch FROM f.at)::bigint FROM login_failures f "
	                      "        WHERE f.net = k.n AND f.at > k.t - make_interval(secs => $4::int) "
	                      "        ORDER BY f.at DESC OFFSET $6::int - 1 LIMIT 1), "
	                      "       (SELECT count(*) FROM (SELECT FROM login_failures f "
	                      "        WHERE f.email_lower = k.e "
	                      "        AND f.at > k.t - make_interval(secs => $7::int) LIMIT $8::int) l), "
	                      "       (SELECT extract(epoch FROM max(f.at))::bigint FROM login_failures f "
	                      "        WHERE f.email_lower = k.e AND f.net = k.n "
	                      "        AND f.at > k.t - make_interval(secs => $7::int)) "
	                      "FROM k",
	                      8, p);
	if (st == DB_OK && PQntuples(r) == 1) {
		int64_t pair = epoch_or_none(r, 0), addr = epoch_or_none(r, 1);
		long account = atol(PQgetvalue(r, 0, 2));
		int64_t last = epoch_or_none(r, 3);
		if (pair >= 0)
			refuse(x, AUTH_REFUSED_PAIR, pair + AUTH_FAILURE_WINDOW - x->now);
		if (addr >= 0)
			refuse(x, AUTH_REFUSED_ADDRESS, addr + AUTH_FAILURE_WINDOW - x->now);
		if (last >= 0 && auth_account_delay(account) > 0)
			refuse(x, AUTH_REFUSED_ACCOUNT, last + auth_account_delay(account) - x->now);
	}
	PQclear(r);
	if (st != DB_OK || x->retry_after > 0)
		return st;
	return db_run(c,
	              "INSERT INTO login_failures (email_lower, ip, at) "
	              "VALUES (lower($1), $2::inet, to_timestamp($3::bigint))",
	              3, p);
}

/* "za 45 sekund", "za minutę", "za 5 minut": how long a refusal lasts. */
static const char *wait_text(arena_t *a, int seconds)
{
	bool minutes = seconds >= 60;
	int n = minutes ? (seconds + 59) / 60 : seconds;
	const char *noun;
	if (n == 1)
		return minutes ? "minutę" : "sekundę";
	if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14))
		noun = minutes ? "minuty" : "sekundy";
	else
		noun = minutes ? "minut" : "sekund";
	return arena_printf(a, "%d %s", n, noun);
}

/* What the sign-in form says for each refusal, before how long it lasts. */
static const char *const refusal_texts[AUTH_REFUSED_N] = {
    [AUTH_REFUSED_PAIR] = "Zbyt wiele nieudanych prób logowania na to konto z tego adresu.",
    [AUTH_REFUSED_ADDRESS] = "Zbyt wiele nieudanych prób logowania z tego adresu.",
    [AUTH_REFUSED_ACCOUNT] = "Zbyt wiele nieudanych prób logowania na to konto.",
};

static const char *refusal_message(arena_t *a, const struct gate_ctx *g)
{
	return arena_printf(a, "%s Spróbuj ponownie za %s.", refusal_texts[g->reason],
	                    wait_text(a, g->retry_after));
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
	int64_t now;
	char *token;
	const char *csrf;
};

/* The attempt succeeded: clear the failures of its e-mail from its address
 * (not the others': an attack from elsewhere keeps its delay), failures too
 * old to count anywhere, the old session and the expired ones, and open
 * the new session. */
static enum db_status open_tx(PGconn *c, void *vctx)
{
	struct open_ctx *x = vctx;
	const struct auth_attempt *in = x->in;
	/* This attempt's own row goes with the other failures of its pair. */
	char now[24];
	snprintf(now, sizeof now, "%lld", (long long)x->now);
	const char *p1[3] = {in->email, in->ip && *in->ip ? in->ip : NULL, now};
	enum db_status st = db_run(c,
	                           "DELETE FROM login_failures "
	                           "WHERE (email_lower = lower($1) AND net = login_net($2::inet)) "
	                           "OR at < to_timestamp($3::bigint) - interval '1 day'",
	                           3, p1);
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
                          char token[TOKEN_LEN + 1], struct auth_user *out, int *retry_after,
                          struct problem *p)
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
	struct gate_ctx g = {.email = in->email, .ip = in->ip && *in->ip ? in->ip : NULL,
	                     .now = ctx->now};
	/* Sessions and failed sign-ins: nothing any page keeps. */
	changes_writer(CHANGES_QUIET);
	enum db_status st = db_transaction(c, gate_tx, &g);
	if (st != DB_OK)
		return sign_in_failed(st, p);
	if (g.retry_after > 0) {
		atomic_fetch_add_explicit(&refused_count[g.reason], 1, memory_order_relaxed);
		log_warn("staff sign-in refused: %s limit, address %s, %d s to wait",
		         auth_refusal_name(g.reason), g.ip ? g.ip : "unknown", g.retry_after);
		if (retry_after)
			*retry_after = g.retry_after;
		return problem_set(p, OUT_RATE_LIMITED, refusal_message(ctx->arena, &g), NULL);
	}
	struct auth_user user = {0};
	char *hash;
	st = find_account(c, ctx->arena, in, &user, &hash);
	if (st != DB_OK)
		return sign_in_failed(st, p);
	/* Always one Argon2id check, for a known account or not. */
	if (!password_matches(hash, in->password)) {
		atomic_fetch_add_explicit(&wrong_count, 1, memory_order_relaxed);
		return problem_set(p, OUT_DENIED, wrong_credentials, NULL);
	}
	struct open_ctx x = {ctx->arena, in, &user, ctx->now, token, NULL};
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
