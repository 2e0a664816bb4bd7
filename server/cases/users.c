#include "cases/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/auth.h"
#include "db/db.h"

static enum users_result of_db(enum db_status st)
{
	switch (st) {
	case DB_OK:
		return USERS_OK;
	case DB_CONFLICT:
		return USERS_DUPLICATE;
	case DB_UNAVAILABLE:
		return USERS_UNAVAILABLE;
	default:
		return USERS_ERROR;
	}
}

bool users_role_valid(const char *role)
{
	return role && (!strcmp(role, "clerk") || !strcmp(role, "manager") || !strcmp(role, "admin"));
}

bool users_email_valid(const char *email)
{
	if (!email)
		return false;
	size_t n = strlen(email);
	const char *at = strchr(email, '@');
	if (!n || n > AUTH_EMAIL_MAX || !at || at == email || !at[1] || strchr(at + 1, '@'))
		return false;
	for (const unsigned char *p = (const unsigned char *)email; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return false;
	return true;
}

/* The id (text) of the first row's first column into out, or "" when no row. */
static enum db_status first_id(PGconn *c, const char *sql, int n, const char *const *p, char *out,
                               size_t outlen)
{
	enum db_status st;
	PGresult *r = db_exec(c, &st, sql, n, p);
	out[0] = '\0';
	if (st == DB_OK && PQntuples(r) > 0)
		snprintf(out, outlen, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return st;
}

enum users_result users_add(PGconn *c, const struct users_new *u)
{
	char org[24], unit[24] = "";
	const char *p0[1] = {u->org_slug};
	enum db_status st =
	    first_id(c, "SELECT id FROM organisations WHERE slug = $1", 1, p0, org, sizeof org);
	if (st != DB_OK)
		return of_db(st);
	if (!org[0])
		return USERS_NO_ORG;
	if (u->unit_symbol) {
		const char *p1[2] = {org, u->unit_symbol};
		st = first_id(c, "SELECT id FROM units WHERE org_id = $1::bigint AND symbol = $2", 2, p1,
		              unit, sizeof unit);
		if (st != DB_OK)
			return of_db(st);
		if (!unit[0])
			return USERS_NO_UNIT;
	}
	const char *p[7] = {org,
	                    unit[0] ? unit : NULL,
	                    u->email,
	                    u->name && *u->name ? u->name : u->email,
	                    u->position ? u->position : "",
	                    u->role,
	                    u->password_hash};
	return of_db(db_run(c,
	                    "INSERT INTO users (org_id, unit_id, email, name, position, role, "
	                    "password_hash) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7)",
	                    7, p));
}

/* Runs an UPDATE ... RETURNING id that names one account by e-mail, then
 * ends that account's sessions, in one transaction. */
struct change_ctx {
	const char *sql;
	int n;
	const char *const *p;
	bool found;
};

static enum db_status change_tx(PGconn *c, void *vctx)
{
	struct change_ctx *x = vctx;
	char id[24];
	enum db_status st = first_id(c, x->sql, x->n, x->p, id, sizeof id);
	x->found = id[0] != '\0';
	if (st != DB_OK || !x->found)
		return st;
	const char *p[1] = {id};
	return db_run(c, "DELETE FROM sessions WHERE user_id = $1::bigint", 1, p);
}

static enum users_result change(PGconn *c, const char *sql, int n, const char *const *p)
{
	struct change_ctx x = {sql, n, p, false};
	enum db_status st = db_transaction(c, change_tx, &x);
	if (st != DB_OK)
		return of_db(st);
	return x.found ? USERS_OK : USERS_NOT_FOUND;
}

enum users_result users_set_password(PGconn *c, const char *email, const char *password_hash)
{
	const char *p[2] = {email, password_hash};
	return change(c, "UPDATE users SET password_hash = $2 WHERE lower(email) = lower($1) RETURNING id",
	              2, p);
}

enum users_result users_set_disabled(PGconn *c, const char *email, bool disabled)
{
	const char *p[2] = {email, disabled ? "true" : "false"};
	return change(c, "UPDATE users SET disabled = $2::boolean WHERE lower(email) = lower($1) RETURNING id",
	              2, p);
}

enum users_result users_list(PGconn *c, arena_t *a, const char *org_slug, struct users_row **rows,
                             size_t *n)
{
	*rows = NULL;
	*n = 0;
	enum db_status st;
	if (org_slug) {
		char org[24];
		const char *p0[1] = {org_slug};
		st = first_id(c, "SELECT id FROM organisations WHERE slug = $1", 1, p0, org, sizeof org);
		if (st != DB_OK)
			return of_db(st);
		if (!org[0])
			return USERS_NO_ORG;
	}
	const char *p[1] = {org_slug};
	PGresult *r = db_exec(c, &st,
	                      "SELECT u.email, u.name, u.position, u.role, o.slug, coalesce(n.symbol, ''), "
	                      "u.disabled FROM users u JOIN organisations o ON o.id = u.org_id "
	                      "LEFT JOIN units n ON n.id = u.unit_id "
	                      "WHERE $1::text IS NULL OR o.slug = $1 ORDER BY o.slug, lower(u.email)",
	                      1, p);
	if (st != DB_OK) {
		PQclear(r);
		return of_db(st);
	}
	size_t count = (size_t)PQntuples(r);
	struct users_row *out = arena_calloc(a, count ? count : 1, sizeof *out);
	for (size_t i = 0; i < count; i++) {
		int row = (int)i;
		out[i].email = arena_strdup(a, PQgetvalue(r, row, 0));
		out[i].name = arena_strdup(a, PQgetvalue(r, row, 1));
		out[i].position = arena_strdup(a, PQgetvalue(r, row, 2));
		out[i].role = arena_strdup(a, PQgetvalue(r, row, 3));
		out[i].org_slug = arena_strdup(a, PQgetvalue(r, row, 4));
		out[i].unit_symbol = arena_strdup(a, PQgetvalue(r, row, 5));
		out[i].disabled = PQgetvalue(r, row, 6)[0] == 't';
	}
	PQclear(r);
	*rows = out;
	*n = count;
	return USERS_OK;
}
