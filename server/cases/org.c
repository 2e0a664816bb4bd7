#include "cases/org.h"

#include <stdlib.h>
#include <string.h>

static bool is_true(const char *v)
{
	return v && v[0] == 't';
}

void org_from_row(const PGresult *r, int row, int col, arena_t *a, struct org *o)
{
#define V(i) PQgetvalue(r, row, col + (i))
	o->id = atoll(V(0));
	o->slug = arena_strdup(a, V(1));
	o->name = arena_strdup(a, V(2));
	o->address = arena_strdup(a, V(3));
	o->place = arena_strdup(a, V(4));
	o->email = arena_strdup(a, V(5));
	o->phone = arena_strdup(a, V(6));
	o->bip_url = arena_strdup(a, V(7));
	o->web_unit_id = atoll(V(8));
	o->class_public = arena_strdup(a, V(9));
	o->class_reuse = arena_strdup(a, V(10));
	o->policy = law_policy_default();
	o->policy.clarification_restarts_term = is_true(V(11));
	o->policy.remedy = strcmp(V(12), "reconsideration") == 0 ? LAW_REMEDY_RECONSIDERATION
	                                                       : LAW_REMEDY_APPEAL;
	o->policy.reuse_defects_call = is_true(V(13));
	o->policy.clarification_window_days = atoi(V(14));
	o->policy.interest_window_days = atoi(V(15));
	o->policy.interest_call_keeps_term_running = is_true(V(16));
#undef V
}

enum db_status org_for_host(PGconn *c, arena_t *a, const char *host, struct org *out, bool *found)
{
	/* "example.gov.pl:8080" matches an entry with or without the port. */
	char bare[256] = "";
	if (host) {
		snprintf(bare, sizeof bare, "%s", host);
		char *colon = strrchr(bare, ':');
		if (colon && !strchr(bare, ']'))
			*colon = '\0';
	}
	const char *p[2] = {host ? host : "", bare};
	enum db_status st;
	/* The first body (by id) that lists the host, else the first body:
	 * one look-up in organisations_hosts_idx and one in the primary key,
	 * not a sort of every body. "o.id + 0": a generic plan (prepared
	 * statements) would otherwise walk the primary key filtering hosts. */
	PGresult *r = db_exec(c, &st,
	                      "(SELECT " ORG_COLUMNS ", 0 AS fallback FROM organisations o "
	                      "WHERE o.hosts && ARRAY[$1, $2]::text[] ORDER BY o.id + 0 LIMIT 1) "
	                      "UNION ALL (SELECT " ORG_COLUMNS ", 1 FROM organisations o ORDER BY o.id LIMIT 1) "
	                      "ORDER BY fallback LIMIT 1",
	                      2, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found)
		org_from_row(r, 0, 0, a, out);
	PQclear(r);
	return st;
}

enum db_status org_by_id(PGconn *c, arena_t *a, long long id, struct org *out, bool *found)
{
	char ids[32];
	snprintf(ids, sizeof ids, "%lld", id);
	const char *p[1] = {ids};
	enum db_status st;
	PGresult *r = db_exec(c, &st, "SELECT " ORG_COLUMNS " FROM organisations o WHERE o.id = $1",
	                      1, p);
	*found = st == DB_OK && PQntuples(r) == 1;
	if (*found)
		org_from_row(r, 0, 0, a, out);
	PQclear(r);
	return st;
}
