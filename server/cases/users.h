/* Staff accounts as `jawnosc user` manages them: add, change the password,
 * disable (which also ends every session of the account), enable, list.
 * Passwords arrive here already hashed (auth_password_hash). */
#ifndef JAWNOSC_CASES_USERS_H
#define JAWNOSC_CASES_USERS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

enum users_result {
	USERS_OK,
	USERS_NOT_FOUND, /* no account with that e-mail */
	USERS_NO_ORG,    /* no organisation with that slug */
	USERS_NO_UNIT,   /* no unit with that symbol in the organisation */
	USERS_DUPLICATE, /* an account with that e-mail (in any case) exists */
	USERS_UNAVAILABLE,
	USERS_ERROR,
};

struct users_new {
	const char *email;
	const char *org_slug;
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

/* "clerk", "manager" or "admin". */
bool users_role_valid(const char *role);
/* A plausible address: one '@' with text on both sides, no spaces or
 * control characters, at most AUTH_EMAIL_MAX bytes. */
bool users_email_valid(const char *email);

enum users_result users_add(PGconn *c, const struct users_new *u);
/* Sets a new password hash and ends the account's sessions. */
enum users_result users_set_password(PGconn *c, const char *email, const char *password_hash);
/* Disabling ends every session of the account at once. */
enum users_result users_set_disabled(PGconn *c, const char *email, bool disabled);
/* Every account (of one organisation when org_slug is not NULL), by
 * organisation and e-mail; rows in `a`. USERS_NO_ORG for an unknown slug. */
enum users_result users_list(PGconn *c, arena_t *a, const char *org_slug, struct users_row **rows,
                             size_t *n);

#endif
