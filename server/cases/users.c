/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/users.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/auth.h"
#include "cases/service.h"
#include "db/db.h"

/* The outcome of a database status. */
static enum outcome of_db(enum db_status st, struct problem *p)
{
	if (st == DB_CONFLICT)
		return problem_set(p, OUT_CONFLICT, "Konto z tym adresem e-mail już istnieje.",
		                   "duplicate_email");
	return svc_outcome(st, p);
}

bool users_role_valid(const char *role)
{
	return role && (!strcmp(role, "clerk") || !strcmp(role, "manager") || !strcmp(role, "admin") ||
	                !strcmp(role, "iod"));
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

enum db_status users_insert(PGconn *c, long long org_id, const struct users_new *u,
                            long long *id, bool *no_unit)
{
	char org[24], unit[24] = "", idtext[24];
	snprintf(org, sizeof org, "%lld", org_id);
	*no_unit = false;
	*id = 0;
	enum db_status st;
	if (u->unit_symbol) {
		const char *p1[2] = {org, u->unit_symbol};
		st = first_id(c, "SELECT id FROM units WHERE org_id = $1::bigint AND symbol = $2", 2, p1,
		              unit, sizeof unit);
		if (st != DB_OK)
			return st;
		if (!unit[0]) {
			*no_unit = true;
			return DB_OK;
		}
	}
	const char *p[7] = {org,
	                    unit[0] ? unit : NULL,
	                    u->email,
	                    u->name && *u->name ? u->name : u->email,
	                    u->position ? u->position : "",
	                    u->role,
	                    u->password_hash};
	st = first_id(c,
	              "INSERT INTO users (org_id, unit_id, email, name, position, role, "
	              "password_hash) VALUES ($1::bigint, $2::bigint, $3, $4, $5, $6, $7) RETURNING id",
	              7, p, idtext, sizeof idtext);
	if (st == DB_OK)
		*id = atoll(idtext);
	return st;
}

/* The id of the organisation `slug` into org ("" when there is none). */
static enum db_status org_of(PGconn *c, const char *slug, char org[24])
{
	const char *p[1] = {slug};
	return first_id(c, "SELECT id FROM organisations WHERE slug = $1", 1, p, org, 24);
}

struct add_ctx {
	const struct users_new *u;
	bool no_org, no_unit;
};

static enum db_status add_tx(PGconn *c, void *vctx)
{
	struct add_ctx *x = vctx;
	char org[24];
	long long id;
	enum db_status st = org_of(c, x->u->org_slug, org);
	x->no_org = st == DB_OK && !org[0];
	if (st != DB_OK || x->no_org)
		return st;
	return users_insert(c, atoll(org), x->u, &id, &x->no_unit);
}

enum outcome users_add(const struct svc_ctx *ctx, const struct users_new *u, struct problem *p)
{
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct add_ctx x = {u, false, false};
	enum db_status st = db_transaction(c, add_tx, &x);
	if (st == DB_OK && x.no_org)
		return problem_field(p, "org", "Nie ma urzędu o tym identyfikatorze.");
	if (st == DB_OK && x.no_unit)
		return problem_field(p, "unit", "Urząd nie ma komórki o tym symbolu.");
	return of_db(st, p);
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

static enum outcome change(const char *sql, int n, const char *const *q, struct problem *p)
{
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct change_ctx x = {sql, n, q, false};
	enum db_status st = db_transaction(c, change_tx, &x);
	if (st != DB_OK)
		return of_db(st, p);
	return x.found ? OUT_OK : problem_set(p, OUT_NOT_FOUND, NULL, NULL);
}

enum outcome users_set_password(const struct svc_ctx *ctx, const char *email,
                                const char *password_hash, struct problem *p)
{
	const char *q[2] = {email, password_hash};
	return change("UPDATE users SET password_hash = $2 WHERE lower(email) = lower($1) RETURNING id",
	              2, q, p);
}

enum outcome users_set_disabled(const struct svc_ctx *ctx, const char *email, bool disabled,
                                struct problem *p)
{
	const char *q[2] = {email, disabled ? "true" : "false"};
	return change("UPDATE users SET disabled = $2::boolean WHERE lower(email) = lower($1) RETURNING id",
	              2, q, p);
}

enum outcome users_list(const struct svc_ctx *ctx, const char *org_slug, struct users_row **rows,
                        size_t *n, struct problem *pr)
{
	*rows = NULL;
	*n = 0;
	arena_t *a = ctx->arena;
	PGconn *c = svc_conn(pr);
	if (!c)
		return OUT_UNAVAILABLE;
	enum db_status st;
	if (org_slug) {
		char org[24];
		st = org_of(c, org_slug, org);
		if (st != DB_OK)
			return of_db(st, pr);
		if (!org[0])
			return problem_field(pr, "org", "Nie ma urzędu o tym identyfikatorze.");
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
		return of_db(st, pr);
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
	return OUT_OK;
}
