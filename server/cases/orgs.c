/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/orgs.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/admin.h"
#include "cases/org.h"
#include "cases/service.h"
#include "cases/store.h"

/* organisations.slug's check (migration 0002): a-z, 0-9 and "-", 2 to 32,
 * not starting with "-". */
static bool slug_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 2 || n > 32 || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* The body's values, cleaned as the settings page cleans them. */
struct clean_org {
	const char *slug, *name, *address, *place, *email, *phone, *bip_url, *hosts;
	const char *unit, *unit_name;
};

static void clean(arena_t *a, const struct orgs_new *in, struct clean_org *out,
                  struct problem *p)
{
	out->slug = in->slug ? in->slug : "";
	if (!slug_valid(out->slug))
		problem_field(p, "slug", "Identyfikator urzędu (slug) ma od 2 do 32 znaków: małe litery "
		                         "bez polskich znaków, cyfry i łącznik, np. urzad-gminy.");
	out->name = admin_setting_clean(a, "name", in->name, p);
	out->address = admin_setting_clean(a, "address", in->address, p);
	out->place = admin_setting_clean(a, "place", in->place, p);
	out->email = admin_setting_clean(a, "email", in->email, p);
	out->phone = admin_setting_clean(a, "phone", in->phone, p);
	out->bip_url = admin_setting_clean(a, "bip_url", in->bip_url, p);
	out->hosts = admin_setting_clean(a, "hosts", in->hosts, p);
	/* The unit's messages under the fields of the unit. */
	struct problem u = {0};
	admin_unit_clean(a, in->unit, in->unit_name, &out->unit, &out->unit_name, &u);
	for (int i = 0; i < u.nfields; i++)
		problem_field(p, !strcmp(u.fields[i].field, "symbol") ? "unit" : "unit_name",
		              u.fields[i].message);
}

struct add_ctx {
	const struct clean_org *o;
	arena_t *a;
	long long id;
	const char *taken_field; /* "slug" or "hosts": a conflict found */
	const char *taken;
};

static const char *first(PGconn *c, arena_t *a, enum db_status *st, const char *sql, int n,
                         const char *const *p)
{
	PGresult *r = db_exec(c, st, sql, n, p);
	const char *v = *st == DB_OK && PQntuples(r) > 0 ? arena_strdup(a, PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	return v;
}

static enum db_status add_tx(PGconn *c, void *vctx)
{
	struct add_ctx *x = vctx;
	const struct clean_org *o = x->o;
	enum db_status st;
	const char *ps[1] = {o->slug};
	if (first(c, x->a, &st, "SELECT slug FROM organisations WHERE slug = $1", 1, ps)) {
		x->taken_field = "slug";
		x->taken = o->slug;
		return DB_CONFLICT;
	}
	const char *ph[1] = {o->hosts};
	const char *host = st == DB_OK ? first(c, x->a, &st,
	                                       "SELECT host FROM org_hosts WHERE host = ANY "
	                                       "(string_to_array(nullif($1, ''), E'\\n')) "
	                                       "ORDER BY host LIMIT 1",
	                                       1, ph)
	                               : NULL;
	if (host) {
		x->taken_field = "hosts";
		x->taken = host;
		return DB_CONFLICT;
	}
	if (st != DB_OK)
		return st;
	const char *pi[8] = {o->slug, o->name, o->address, o->place, o->email, o->phone, o->bip_url,
	                     o->hosts};
	const char *id = first(c, x->a, &st,
	                       "INSERT INTO organisations (slug, name, address, place, email, phone, "
	                       "bip_url, hosts) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	                       "coalesce(string_to_array(nullif($8, ''), E'\\n'), '{}')) RETURNING id",
	                       8, pi);
	if (st != DB_OK || !id)
		return st != DB_OK ? st : DB_ERROR;
	const char *pu[3] = {id, o->unit, o->unit_name};
	const char *unit = first(c, x->a, &st,
	                         "INSERT INTO units (org_id, symbol, name) VALUES ($1, $2, $3) "
	                         "RETURNING id",
	                         3, pu);
	if (st != DB_OK || !unit)
		return st != DB_OK ? st : DB_ERROR;
	const char *pw[2] = {id, unit};
	st = db_run(c, "UPDATE organisations SET web_unit_id = $2 WHERE id = $1", 2, pw);
	if (st != DB_OK)
		return st;
	x->id = atoll(id);
	json_t *data = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "slug", o->slug,
	                         "name", o->name, "address", o->address, "place", o->place, "email",
	                         o->email, "phone", o->phone, "bip_url", o->bip_url, "hosts", o->hosts,
	                         "unit", o->unit, "unit_name", o->unit_name);
	st = store_event(c, x->id, 0, "admin", 0, "org_add", NULL, NULL, data);
	json_decref(data);
	return st;
}

enum outcome orgs_add(const struct svc_ctx *ctx, const struct orgs_new *in, long long *id,
                      struct problem *p)
{
	problem_set(p, OUT_OK, NULL, NULL);
	struct problem local;
	if (!p)
		p = &local;
	struct clean_org o;
	clean(ctx->arena, in, &o, p);
	if (p->nfields)
		return OUT_INVALID;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	struct add_ctx x = {&o, ctx->arena, 0, NULL, NULL};
	enum db_status st = db_transaction(c, add_tx, &x);
	if (st == DB_OK) {
		org_settings_changed();
		if (id)
			*id = x.id;
		return OUT_OK;
	}
	if (st == DB_CONFLICT) {
		/* Found before writing, or a body created at the same time. */
		problem_set(p, OUT_CONFLICT, NULL, NULL);
		bool hosts = x.taken_field && !strcmp(x.taken_field, "hosts");
		p->nfields = 1;
		p->fields[0].field = hosts ? "hosts" : "slug";
		p->fields[0].message =
		    hosts ? arena_printf(ctx->arena, "Nazwa „%s” należy już do innego urzędu.", x.taken)
		          : arena_printf(ctx->arena, "Urząd o identyfikatorze „%s” już istnieje.", o.slug);
		return OUT_CONFLICT;
	}
	return svc_outcome(st, p);
}

enum outcome orgs_list(const struct svc_ctx *ctx, struct orgs_row **rows, size_t *n,
                       struct problem *p)
{
	*rows = NULL;
	*n = 0;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	enum db_status st;
	PGresult *r = db_exec(c, &st,
	                      "SELECT o.slug, o.name, array_to_string(o.hosts, ', '), "
	                      "(SELECT count(*) FROM units u WHERE u.org_id = o.id), "
	                      "(SELECT count(*) FROM requests q WHERE q.org_id = o.id) "
	                      "FROM organisations o ORDER BY o.slug",
	                      0, NULL);
	if (st == DB_OK) {
		size_t count = (size_t)PQntuples(r);
		struct orgs_row *out = arena_calloc(ctx->arena, count ? count : 1, sizeof *out);
		for (size_t i = 0; i < count; i++) {
			int row = (int)i;
			out[i].slug = arena_strdup(ctx->arena, PQgetvalue(r, row, 0));
			out[i].name = arena_strdup(ctx->arena, PQgetvalue(r, row, 1));
			out[i].hosts = arena_strdup(ctx->arena, PQgetvalue(r, row, 2));
			out[i].units = atoll(PQgetvalue(r, row, 3));
			out[i].cases = atoll(PQgetvalue(r, row, 4));
		}
		*rows = out;
		*n = count;
	}
	PQclear(r);
	return svc_outcome(st, p);
}

enum outcome orgs_find(const struct svc_ctx *ctx, const char *slug, long long *id,
                       struct problem *p)
{
	*id = 0;
	PGconn *c = svc_conn(p);
	if (!c)
		return OUT_UNAVAILABLE;
	enum db_status st;
	const char *ps[1] = {slug ? slug : ""};
	const char *v = first(c, ctx->arena, &st, "SELECT id FROM organisations WHERE slug = $1", 1, ps);
	if (st != DB_OK)
		return svc_outcome(st, p);
	if (!v)
		return problem_set(p, OUT_NOT_FOUND, NULL, NULL);
	*id = atoll(v);
	return OUT_OK;
}
