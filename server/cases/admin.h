/* The administrator's work on one organisation: staff accounts, units and
 * the organisation's settings (contact data, host names, JRWA classes, the
 * policies of LAW.md, the letterhead).
 *
 * Every query is scoped to the administrator's organisation: another body's
 * account or unit is ADMIN_NOT_FOUND. Every change runs in one transaction
 * with its audit event (actor "admin", no case), whose data names the
 * fields changed and never a password or its hash. An administrator cannot
 * disable or demote their own account, so an organisation always keeps one.
 *
 * Inputs are the form's text as typed; the functions validate it and answer
 * ADMIN_INVALID with a Polish message per field in *errs. Strings returned
 * live in the caller's arena. */
#ifndef JAWNOSC_CASES_ADMIN_H
#define JAWNOSC_CASES_ADMIN_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

enum admin_result {
	ADMIN_OK,
	ADMIN_INVALID,   /* a field is wrong: messages in *errs */
	ADMIN_NOT_FOUND, /* no such account or unit in the organisation */
	ADMIN_UNAVAILABLE,
	ADMIN_ERROR,
};

#define ADMIN_MAX_ERRORS 24

/* Field names are those of the input (and of the form): "email", "symbol",
 * "hosts", ...; messages are static or in the arena. */
struct admin_errors {
	int n;
	struct {
		const char *field;
		const char *message;
	} e[ADMIN_MAX_ERRORS];
};

/* Who acts: the signed-in administrator. */
struct admin_actor {
	long long user_id;
	long long org_id;
};

/* ---- Staff accounts ---- */

struct admin_user {
	long long id;
	const char *email, *name, *position, *role;
	const char *unit_symbol; /* "" for the whole organisation */
	bool disabled;
};

/* The organisation's accounts by e-mail. */
enum admin_result admin_users(PGconn *c, arena_t *a, long long org_id, struct admin_user **rows,
                              size_t *n);
enum admin_result admin_user_get(PGconn *c, arena_t *a, long long org_id, long long id,
                                 struct admin_user *out);

/* A new account. unit: a unit's symbol, or "" for the whole organisation;
 * password: at least AUTH_PASSWORD_MIN characters, stored as its Argon2id
 * hash. The new account's id in *id. */
struct admin_user_input {
	const char *email, *name, *position, *role, *unit, *password;
};
enum admin_result admin_user_add(PGconn *c, arena_t *a, const struct admin_actor *who,
                                 const struct admin_user_input *in, struct admin_errors *errs,
                                 long long *id);

/* Name, position, role and unit of an account (email and password of `in`
 * are ignored). Sessions stay: the role and unit are read at every request. */
enum admin_result admin_user_update(PGconn *c, arena_t *a, const struct admin_actor *who,
                                    long long id, const struct admin_user_input *in,
                                    struct admin_errors *errs);
/* Disabling ends every session of the account at once. */
enum admin_result admin_user_set_disabled(PGconn *c, arena_t *a, const struct admin_actor *who,
                                          long long id, bool disabled, struct admin_errors *errs);
/* A new password (field "password"); ends every session of the account. */
enum admin_result admin_user_set_password(PGconn *c, arena_t *a, const struct admin_actor *who,
                                          long long id, const char *password,
                                          struct admin_errors *errs);

/* ---- Units ---- */

struct admin_unit {
	long long id;
	const char *symbol, *name;
	bool web;    /* receives the requests filed online */
	long users;  /* accounts limited to it */
};

enum admin_result admin_units(PGconn *c, arena_t *a, long long org_id, struct admin_unit **rows,
                              size_t *n);
/* symbol: LAW.md §5 (law_casenum_unit_valid), unique in the organisation;
 * fields "symbol" and "name". A unit's symbol never changes afterwards: it
 * is part of the case numbers already given. */
enum admin_result admin_unit_add(PGconn *c, arena_t *a, const struct admin_actor *who,
                                 const char *symbol, const char *name, struct admin_errors *errs);
/* Field "name". */
enum admin_result admin_unit_rename(PGconn *c, arena_t *a, const struct admin_actor *who,
                                    long long id, const char *name, struct admin_errors *errs);
/* The unit that receives online requests (organisations.web_unit_id). */
enum admin_result admin_set_web_unit(PGconn *c, arena_t *a, const struct admin_actor *who,
                                     long long id, struct admin_errors *errs);

/* ---- Organisation settings ---- */

/* How a setting is typed, checked and stored. */
enum admin_kind {
	ADMIN_TEXT,   /* one line */
	ADMIN_LINES,  /* several lines (address, letterhead) */
	ADMIN_EMAIL,  /* users_email_valid(), or empty */
	ADMIN_URL,    /* http:// or https://, or empty */
	ADMIN_HOSTS,  /* host[:port], one a line, stored as text[] */
	ADMIN_CLASS,  /* JRWA class: law_casenum_class_valid() */
	ADMIN_BOOL,   /* "true" or "false" */
	ADMIN_DAYS,   /* 1..60 */
	ADMIN_REMEDY, /* "appeal" or "reconsideration" */
};

/* One row per setting: the form field is the column of organisations. */
struct admin_setting {
	const char *id;
	enum admin_kind kind;
	int max;       /* characters, for text kinds */
	bool required;
	const char *label; /* Polish, for messages */
};

#define ADMIN_NSETTINGS 18
extern const struct admin_setting admin_settings[ADMIN_NSETTINGS];

/* Values in the order of admin_settings[]; hosts as lines. */
struct admin_values {
	const char *v[ADMIN_NSETTINGS];
};

enum admin_result admin_settings_get(PGconn *c, arena_t *a, long long org_id,
                                     struct admin_values *out);
/* Validates every value (all messages at once) and stores them; the event
 * lists each changed setting with its old and new value. Hosts are stored
 * lower-case, without blank lines and repeats. */
enum admin_result admin_settings_save(PGconn *c, arena_t *a, const struct admin_actor *who,
                                      const struct admin_values *in, struct admin_errors *errs);

#endif
