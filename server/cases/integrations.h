/* SPDX-License-Identifier: EUPL-1.2 */
/* Integrations: the tokens with which a body's electronic document
 * management system (EZD RP, EZD PUW, a commercial one) uses the staff API
 * (/api/v1/staff, web/staff_api.c; migration 0051; docs/operations.md
 * §8.4).
 *
 * An administrator creates a token: a name and its scopes. The secret is
 * INTEGRATION_PREFIX and a random token (cases/secret.h, 32 random bytes),
 * given back once and stored only as its SHA-256 (token_hash(), as
 * sessions and tracking links are). A token belongs to the administrator's
 * organisation: the services it calls act as an actor of that organisation
 * with the role "integration" and no user or unit (cases/scope.h: the whole
 * organisation), so another body's case is not found. Revoking keeps the
 * row and refuses the token from then on.
 *
 * Every call of an integration is an event of the organisation's audit
 * chain (actor "integration", no case: action "integration_call", data: the
 * integration's id and name, the operation, the case when there is one,
 * the HTTP status), written by integration_record(); what it registers or
 * adds to a case is the case's own event with the actor "integration".
 *
 * The administrator's entry points take the administrator's context
 * (ctx->who) and are scoped to their organisation (another body's token is
 * OUT_NOT_FOUND); each change runs with its audit event (actor "admin").
 * Strings returned live in ctx->arena. */
#ifndef JAWNOSC_CASES_INTEGRATIONS_H
#define JAWNOSC_CASES_INTEGRATIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"
#include "cases/secret.h"

/* What a token may do (a set of these bits). */
enum integration_scope {
	INTEGRATION_READ = 1,      /* "read": list and read cases, the queue */
	INTEGRATION_REGISTER = 2,  /* "register": register a request received elsewhere */
	INTEGRATION_DOCUMENTS = 4, /* "documents": add a document to a case */
};
#define INTEGRATION_SCOPES_ALL 7

/* The scope's name as stored and in the API ("read", ...); NULL for a value
 * that is not one scope. */
const char *integration_scope_name(unsigned scope);
/* Its Polish description, for the administrator's page. */
const char *integration_scope_label(unsigned scope);

/* The secret: this prefix, then TOKEN_LEN base64url characters. The prefix
 * tells a person (and a secret scanner) what the string is. */
#define INTEGRATION_PREFIX "jwi_"
#define INTEGRATION_TOKEN_LEN (4 + TOKEN_LEN)
/* A string of that shape (nothing else is looked up). */
bool integration_token_well_formed(const char *token);

#define INTEGRATION_NAME_MAX 100

struct integration {
	long long id;
	long long org_id;
	const char *name;
	unsigned scopes;
	const char *created_by;   /* the administrator's name ("" when the account is gone) */
	const char *created_at;   /* "YYYY-MM-DD HH:MM", Warsaw */
	const char *last_used_at; /* the same, "" when never used */
	const char *revoked_at;   /* the same, "" while live */
	bool revoked;
};

/* A new token of the administrator's organisation: `name` (trimmed, 1 to
 * INTEGRATION_NAME_MAX characters, printable, unique among the live tokens
 * of the organisation; field "name") and `scopes` (at least one; field
 * "scopes"). The secret in token[] (shown once, never stored), the new
 * row's id in *id (may be NULL). */
enum outcome integration_create(const struct svc_ctx *ctx, const char *name, unsigned scopes,
                                char token[INTEGRATION_TOKEN_LEN + 1], long long *id,
                                struct problem *p);

/* Every token of the administrator's organisation, live ones first, the
 * newest first. */
enum outcome integration_list(const struct svc_ctx *ctx, struct integration **rows, size_t *n,
                              struct problem *p);

/* Revokes token `id` of the administrator's organisation (OUT_NOT_FOUND for
 * another's or none; revoking a revoked one changes nothing). */
enum outcome integration_revoke(const struct svc_ctx *ctx, long long id, struct problem *p);

/* A call of the staff API with `token` (the bearer token as sent):
 * - OUT_OK: *out is its live integration, and the call is counted against
 *   the token's limit (JAWNOSC_INTEGRATION_RATE a minute);
 * - OUT_DENIED: no live token (malformed, unknown or revoked); for a
 *   revoked one *out is filled (out->revoked) so the call can be recorded;
 * - OUT_RATE_LIMITED: over the limit, *retry_after the seconds until the
 *   minute is over;
 * - OUT_UNAVAILABLE, OUT_ERROR.
 * ctx needs only its arena and instant. */
enum outcome integration_authenticate(const struct svc_ctx *ctx, const char *token,
                                      struct integration *out, int *retry_after,
                                      struct problem *p);

/* The actor a call of `in` acts as (role "integration", its organisation,
 * no user, no unit), for the services it calls. */
void integration_actor(const struct integration *in, struct actor *who);

/* Records a call of `in`: the audit event (operation `op`, e.g.
 * "cases.list"; `case_id` 0 when none; the HTTP `status`) and the token's
 * last use, in one transaction that changes nothing a page shows. Counted
 * for /metrics by `status`. */
enum outcome integration_record(const struct svc_ctx *ctx, const struct integration *in,
                                const char *op, long long case_id, int status,
                                struct problem *p);
/* A call refused before any integration was known (no token, or one that
 * is not any body's): only counted. */
void integration_count_unknown(void);

/* Calls of this process since it started, by what they were answered (for
 * /metrics). */
enum integration_result {
	INTEGRATION_OK,              /* 2xx */
	INTEGRATION_UNAUTHENTICATED, /* 401: no token, unknown or revoked */
	INTEGRATION_FORBIDDEN,       /* 403: a scope the token lacks */
	INTEGRATION_NOT_FOUND,       /* 404 */
	INTEGRATION_REFUSED,         /* any other 4xx: invalid input, refused by the law, ... */
	INTEGRATION_RATE_LIMITED,    /* 429 */
	INTEGRATION_FAILED,          /* 5xx */
	INTEGRATION_RESULT_N
};
void integration_counts(unsigned long long out[INTEGRATION_RESULT_N]);
/* "ok", "unauthenticated", ...: the result as a metrics label. */
const char *integration_result_name(enum integration_result r);

#endif
