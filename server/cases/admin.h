/* SPDX-License-Identifier: EUPL-1.2 */
/* The administrator's work on one organisation: staff accounts, units and
 * the organisation's settings (contact data, host names, JRWA classes, the
 * policies of LAW.md, the letterhead).
 *
 * Every entry point takes the administrator's context (ctx->who), gets the
 * thread's connection itself and returns an outcome. Every query is scoped
 * to the administrator's organisation: another body's account or unit is
 * OUT_NOT_FOUND. Every change runs in one transaction with its audit event
 * (actor "admin", no case), whose data names the fields changed and never a
 * password or its hash. An administrator cannot disable or demote their own
 * account, so an organisation always keeps one.
 *
 * Inputs are the form's text as typed; the functions validate it and answer
 * OUT_INVALID with a Polish message per field in the problem (field names
 * are those of the input and of the form: "email", "symbol", "hosts", ...);
 * OUT_MALFORMED for an unknown "op". Strings returned live in ctx->arena. */
#ifndef JAWNOSC_CASES_ADMIN_H
#define JAWNOSC_CASES_ADMIN_H

#include <stdbool.h>
#include <stddef.h>

#include "cases/context.h"

/* ---- Staff accounts ---- */

struct admin_user {
	long long id;
	const char *email, *name, *position, *role;
	const char *unit_symbol; /* "" for the whole organisation */
	bool disabled;
};

/* A new account. unit: a unit's symbol, or "" for the whole organisation;
 * password: at least AUTH_PASSWORD_MIN characters, stored as its Argon2id
 * hash. The new account's id in *id (may be NULL). */
struct admin_user_input {
	const char *email, *name, *position, *role, *unit, *password;
};
enum outcome admin_user_add(const struct svc_ctx *ctx, const struct admin_user_input *in,
                            long long *id, struct problem *p);

/* A change of account `id`, by op:
 *   "update"   name, position, role and unit of `in` (its email and password
 *              are ignored); sessions stay: the role and unit are read at
 *              every request;
 *   "password" a new password (field "password"); ends every session of
 *              the account;
 *   "disable", "enable": disabling ends every session of the account at
 *              once (field "disabled" when refused). */
enum outcome admin_user_change(const struct svc_ctx *ctx, long long id, const char *op,
                               const struct admin_user_input *in, struct problem *p);

/* ---- Units ---- */

struct admin_unit {
	long long id;
	const char *symbol, *name;
	bool web;    /* receives the requests filed online */
	long users;  /* accounts limited to it */
	/* Who hears the remedy against the unit's decisions (issue 20 item 8):
	 * "" where the unit takes the organisation's. */
	const char *appeal_body, *appeal_body_address;
	const char *remedy; /* "", "appeal" or "reconsideration" */
};

/* The organisation's units by symbol. */
enum outcome admin_units(const struct svc_ctx *ctx, struct admin_unit **rows, size_t *n,
                         struct problem *p);

/* A change of the units, by op:
 *   "add"    symbol (LAW.md §5, law_casenum_unit_valid, unique in the
 *            organisation) and name; fields "symbol" and "name". A unit's
 *            symbol never changes afterwards: it is part of the case
 *            numbers already given;
 *   "rename" unit `id` gets `name` (fields "id", "name");
 *   "web"    unit `id` receives the requests filed online
 *            (organisations.web_unit_id; field "web_unit");
 *   "remedy" unit `id`'s appeal body, its address and remedy (fields
 *            "appeal_body", "appeal_body_address", "remedy": "" for the
 *            organisation's, "appeal" or "reconsideration"). A unit that
 *            acts as another organ (a district office as starosta and as
 *            building inspector) has its own appeal body; the letters of
 *            its cases name it, else the organisation's. */
struct admin_unit_input {
	const char *op;
	const char *id; /* as typed */
	const char *symbol, *name;
	const char *appeal_body, *appeal_body_address, *remedy;
};
enum outcome admin_unit_change(const struct svc_ctx *ctx, const struct admin_unit_input *in,
                               struct problem *p);
/* A new unit's symbol and name as "add" checks them (trimmed into
 * *symbol_out and *name_out, in `a`; messages under "symbol" and "name"),
 * for a caller that writes the unit itself (`jawnosc org add`). */
void admin_unit_clean(arena_t *a, const char *symbol, const char *name, const char **symbol_out,
                      const char **name_out, struct problem *errs);

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
	ADMIN_RETENTION, /* "CLASS YEARS" a line (JRWA class, 1..100), stored as jsonb */
	ADMIN_LICENCE,   /* one of harvester_licences[] (render/harvester.h); empty: the default */
	ADMIN_DATE,   /* "RRRR-MM-DD" (or "DD.MM.RRRR", stored as the first), or empty: NULL */
	ADMIN_CHOICE, /* one of a fixed list (admin_setting_choices()); empty is its first */
};

/* One row per setting: the form field is the column of organisations. */
struct admin_setting {
	const char *id;
	enum admin_kind kind;
	int max;       /* characters, for text kinds */
	bool required;
	const char *label; /* Polish, for messages */
};

#define ADMIN_NSETTINGS 45
extern const struct admin_setting admin_settings[ADMIN_NSETTINGS];

/* Values in the order of admin_settings[]; hosts as lines; the retention
 * periods as lines "CLASS YEARS", sorted by class (a class not listed
 * keeps 5 years: cases/privacy.h). */
struct admin_values {
	const char *v[ADMIN_NSETTINGS];
};

enum outcome admin_settings_get(const struct svc_ctx *ctx, struct admin_values *out,
                                struct problem *p);
/* Validates every value (all messages at once) and stores them; the event
 * lists each changed setting with its old and new value. Hosts are stored
 * lower-case, without blank lines and repeats. The organisation's settings
 * kept in memory (cases/org.c) are stale at once. */
enum outcome admin_settings_save(const struct svc_ctx *ctx, const struct admin_values *in,
                                 struct problem *p);
/* The values an ADMIN_CHOICE setting takes (NULL-terminated, the first
 * its default); NULL for another. */
const char *const *admin_setting_choices(const char *id);
/* The index of setting `id` in admin_settings[], -1 when there is none. */
int admin_setting_index(const char *id);
/* Setting `id`'s typed value cleaned and checked as the settings page
 * does (admin_settings_save()), for a caller that writes it itself (the
 * operator's `jawnosc org add`): the value to store, in `a`, with a
 * message in `errs` under the field `id` when it is refused; NULL when
 * there is no such setting. */
const char *admin_setting_clean(arena_t *a, const char *id, const char *typed,
                                struct problem *errs);

/* ---- What the pages show, each read in one call ---- */

/* The overview: the organisation's name and how many accounts (active ones
 * among them) and units it has. */
struct admin_overview {
	const char *org_name;
	size_t users, active, units;
};
enum outcome admin_overview(const struct svc_ctx *ctx, struct admin_overview *out,
                            struct problem *p);

/* The accounts (every one by e-mail when `id` is 0, else account `id`
 * alone: OUT_NOT_FOUND when the organisation has none such) and the units,
 * for the form's list. */
struct admin_staff {
	struct admin_user *users;
	size_t nusers;
	struct admin_unit *units;
	size_t nunits;
};
enum outcome admin_staff(const struct svc_ctx *ctx, long long id, struct admin_staff *out,
                         struct problem *p);

#endif
