/* Organisations (public bodies, the tenants) as the services see them. */
#ifndef JAWNOSC_CASES_ORG_H
#define JAWNOSC_CASES_ORG_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "core/arena.h"
#include "db/db.h"
#include "law/lifecycle.h"

struct org {
	long long id;
	const char *slug;
	const char *name;
	const char *address;
	const char *place;
	const char *email;
	const char *phone;
	const char *bip_url;
	long long web_unit_id;
	const char *class_public;
	const char *class_reuse;
	law_policy_t policy;
};

/* The organisation whose hosts include `host` (the Host header, port
 * included or not), else the first one created: a deployment for a single
 * body needs no host configuration. DB_OK with *found false when there is
 * no organisation at all. Answered from memory while the settings have not
 * changed since (see org.c). */
enum db_status org_for_host(PGconn *c, arena_t *a, const char *host, struct org *out, bool *found);
enum db_status org_by_id(PGconn *c, arena_t *a, long long id, struct org *out, bool *found);

/* The columns org_from_row() expects, for joins. */
#define ORG_COLUMNS                                                                                \
	"o.id, o.slug, o.name, o.address, o.place, o.email, o.phone, o.bip_url, "                  \
	"coalesce(o.web_unit_id, 0), o.class_public, o.class_reuse, "                              \
	"o.policy_clarification_restarts, o.policy_remedy, o.policy_reuse_defects_call, "          \
	"o.policy_clarification_days, o.policy_interest_days, o.policy_interest_keeps_running"
#define ORG_NCOLUMNS 17

void org_from_row(const PGresult *r, int row, int col, arena_t *a, struct org *out);

#endif
