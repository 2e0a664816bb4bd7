/* SPDX-License-Identifier: EUPL-1.2 */
/* Staff accounts as `jawnosc user` manages them: add, change the password,
 * disable (which also ends every session of the account), enable, list.
 * Passwords arrive here already hashed (auth_password_hash).
 *
 * Each entry point gets the thread's connection itself (db_conn(): the
 * command sets the database's address first) and returns an outcome:
 *   OUT_INVALID    at field "org" (no organisation with that slug) or
 *                  "unit" (no unit with that symbol in the organisation);
 *   OUT_CONFLICT   an account with that e-mail (in any case) exists;
 *   OUT_NOT_FOUND  no account with that e-mail;
 *   OUT_UNAVAILABLE, OUT_ERROR. */
#ifndef JAWNOSC_CASES_USERS_H
#define JAWNOSC_CASES_USERS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"
#include "db/db.h"

struct users_new {
	const char *email;
	const char *org_slug;    /* users_add() only */
	const char *role;        /* users_role_valid() */
	const char *name;        /* NULL or "": the e-mail */
	const char *position;    /* may be NULL */
	const char *unit_symbol; /* NULL: the whole organisation */
	const char *password_hash;
};

struct users_row {
	const char *email, *name, *position, *role, *org_slug, *unit_symbol; /* unit "" when none */
	bool disabled;
};

/* "clerk", "manager", "admin" or "iod" (the data protection officer). */
bool users_role_valid(const char *role);
/* A plausible address: one '@' with text on both sides, no spaces or
 * control characters, at most AUTH_EMAIL_MAX bytes. */
bool users_email_valid(const char *email);

enum outcome users_add(const struct svc_ctx *ctx, const struct users_new *u, struct problem *p);
/* Sets a new password hash and ends the account's sessions. */
enum outcome users_set_password(const struct svc_ctx *ctx, const char *email,
                                const char *password_hash, struct problem *p);
/* Disabling ends every session of the account at once. */
enum outcome users_set_disabled(const struct svc_ctx *ctx, const char *email, bool disabled,
                                struct problem *p);
/* Every account (of one organisation when org_slug is not NULL), by
 * organisation and e-mail; rows in ctx->arena. */
enum outcome users_list(const struct svc_ctx *ctx, const char *org_slug, struct users_row **rows,
                        size_t *n, struct problem *p);

/* Inside a caller's transaction (the administrator's page): inserts account
 * `u` into organisation `org_id` (u->org_slug is not read), its id in *id.
 * DB_OK with *no_unit true, and nothing written, when the organisation has
 * no unit u->unit_symbol; DB_CONFLICT when the e-mail is taken. */
enum db_status users_insert(PGconn *c, long long org_id, const struct users_new *u,
                            long long *id, bool *no_unit);

#endif
