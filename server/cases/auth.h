/* SPDX-License-Identifier: EUPL-1.2 */
/* Staff sign-in and sessions: e-mail and password (Argon2id through
 * libsodium's crypto_pwhash_str), throttling of repeated failures, and
 * sessions kept in the database under the SHA-256 of a random token that only
 * the browser's cookie holds.
 *
 * Every answer that refuses a sign-in is the same OUT_DENIED whether the
 * e-mail is unknown, the password wrong or the account disabled, and an
 * unknown e-mail costs the same password check as a known one, so neither
 * the answer nor its timing tells which accounts exist.
 *
 * Strings returned live in ctx->arena. Session times come from the
 * database's clock (now()), shared by every server instance; throttling
 * counts with the request's instant (ctx->now, clock_now()), so that tests
 * can move it. How long a session lives comes from
 * JAWNOSC_SESSION_IDLE and JAWNOSC_SESSION_MAX (core/config.h). Each entry
 * point gets the thread's connection itself and returns an outcome:
 * OUT_DENIED for every refusal above, OUT_UNAVAILABLE (the database cannot
 * be reached), OUT_ERROR (a bug or schema problem, logged). */
#ifndef JAWNOSC_CASES_AUTH_H
#define JAWNOSC_CASES_AUTH_H

#include <sodium.h>
#include <stdbool.h>

#include "cases/context.h"
#include "cases/secret.h"

/* Throttling (the design and why: cases/auth.c, "Throttling"). Failures are
 * counted by address, an IPv6 client's /64 being one address:
 * - AUTH_MAX_FAILURES_PAIR failures for one e-mail from one address within
 *   AUTH_FAILURE_WINDOW seconds refuse that e-mail from that address;
 * - AUTH_MAX_FAILURES_IP failures from one address (any e-mails) within it
 *   refuse that address;
 * - once an e-mail has AUTH_ACCOUNT_FREE failures within AUTH_ACCOUNT_WINDOW
 *   seconds, from anywhere, an address that failed for it may try it again
 *   only auth_account_delay() seconds after its own last failure. An address
 *   without failures for the e-mail is never refused because of it: a
 *   distributed attack slows itself down but cannot lock the owner out.
 * A refused attempt is not checked and not counted. */
#define AUTH_MAX_FAILURES_PAIR 5
#define AUTH_MAX_FAILURES_IP 20
#define AUTH_FAILURE_WINDOW 60
#define AUTH_ACCOUNT_FREE 5
#define AUTH_ACCOUNT_WINDOW 900
#define AUTH_ACCOUNT_DELAY_MAX 300
/* Longest e-mail and password looked at; longer ones are simply wrong. */
#define AUTH_EMAIL_MAX 254
#define AUTH_PASSWORD_MAX 1024
/* Shortest password `jawnosc user` accepts. */
#define AUTH_PASSWORD_MIN 12
/* Size of a stored password hash, NUL included. */
#define AUTH_HASH_LEN crypto_pwhash_STRBYTES

/* The signed-in staff member behind a session. */
struct auth_user {
	long long id;
	long long org_id;
	long long unit_id; /* 0: the whole organisation */
	const char *email;
	const char *name;
	const char *position;
	const char *role; /* "clerk", "manager", "admin" or "iod" */
	const char *csrf; /* the session's CSRF token */
};

struct auth_attempt {
	const char *email;      /* compared without regard to case */
	const char *password;   /* never stored, never logged */
	const char *ip;         /* the client's address, or NULL/"" */
	const char *user_agent; /* may be NULL; kept (printable ASCII, shortened) with the session */
	const char *old_token;  /* the session cookie sent with the attempt, or NULL: deleted */
};

/* Why an attempt was refused without checking its password. */
enum auth_refusal {
	AUTH_REFUSED_PAIR,    /* this e-mail from this address */
	AUTH_REFUSED_ADDRESS, /* this address, whatever the e-mail */
	AUTH_REFUSED_ACCOUNT, /* the e-mail's growing delay, for an address that failed for it */
	AUTH_REFUSED_N
};

/* Checks an attempt and, when it succeeds, opens a new session: a fresh
 * random token every time (written to token[], for the cookie; the session
 * presented as old_token is deleted, so sign-in always gives a new session
 * id) and *out describes the user, csrf included. Failures are recorded for
 * throttling; a success clears those of its e-mail from its address and
 * removes expired sessions and old failures. OUT_INVALID (fields "email",
 * "password") when either is empty; OUT_RATE_LIMITED when a limit above
 * refuses the attempt (the password was not checked), with *retry_after the
 * seconds until it lifts (at least 1; untouched otherwise). The problem's
 * message is the one the sign-in form shows. */
enum outcome auth_sign_in(const struct svc_ctx *ctx, const struct auth_attempt *in,
                          char token[TOKEN_LEN + 1], struct auth_user *out, int *retry_after,
                          struct problem *p);

/* The seconds an address that failed for an e-mail waits after its last
 * failure once the e-mail has `failures` within AUTH_ACCOUNT_WINDOW: 0 below
 * AUTH_ACCOUNT_FREE, then doubling every AUTH_ACCOUNT_FREE failures from 2 s,
 * at most AUTH_ACCOUNT_DELAY_MAX. */
int auth_account_delay(long failures);

/* Sign-in attempts of this process since it started: refused by each
 * reason (indexed by enum auth_refusal) and answered as wrong credentials
 * (for /metrics). */
struct auth_counts {
	unsigned long long refused[AUTH_REFUSED_N];
	unsigned long long wrong;
};
void auth_counts(struct auth_counts *out);
/* "pair", "address", "account": the reason as a metrics label. */
const char *auth_refusal_name(enum auth_refusal r);

/* The live session for a cookie's token: OUT_OK and *out, or OUT_DENIED
 * when the token is missing, malformed, unknown, expired (idle or absolute)
 * or its user is disabled. Marks the session used (at most once a minute,
 * so most requests do not write). From then on this request writes for the
 * user's organisation (db/changes.h): staff write only within their own. */
enum outcome auth_session_find(const struct svc_ctx *ctx, const char *token,
                               struct auth_user *out, struct problem *p);

/* Ends the session of a token (sign-out). OUT_OK also when there was none. */
enum outcome auth_sign_out(const struct svc_ctx *ctx, const char *token, struct problem *p);

/* A request begins: its writes are for no known organisation (so they make
 * every organisation's pages stale) until a service says which. */
void auth_request_begin(void);

/* The hash to store for a password (Argon2id, crypto_pwhash_str with the
 * interactive limits). False when memory for it could not be had. */
bool auth_password_hash(const char *password, char out[AUTH_HASH_LEN]);

/* The Polish name of a role ("urzędnik", "kierownik", "administrator"), or
 * the role itself when unknown. */
const char *auth_role_label(const char *role);

#endif
