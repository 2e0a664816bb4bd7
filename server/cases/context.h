/* SPDX-License-Identifier: EUPL-1.2 */
/* What every service entry point takes instead of a database connection:
 * the request's arena, organisation, actor and instant. A service gets the
 * thread's connection itself (db_conn(), or db_conn_replica() for public
 * reads), runs its own transaction under the role it needs, and says which
 * organisation it wrote for; the caller never sees a PGconn, a transaction
 * or a thread (docs/design.md, "Layers"). */
#ifndef JAWNOSC_CASES_CONTEXT_H
#define JAWNOSC_CASES_CONTEXT_H

#include <stdint.h>

#include "core/arena.h"
#include "core/outcome.h"

struct org;

/* A signed-in staff member acting (NULL for the public, a requester known
 * by a tracking token, or the system). */
struct actor {
	long long user_id;
	long long org_id;
	long long unit_id; /* 0: the whole organisation */
	const char *role;  /* "clerk", "manager", "admin", "iod" */
	const char *name;
};

struct svc_ctx {
	arena_t *arena;          /* everything a service returns lives here */
	const struct org *org;   /* the organisation of the request (NULL: not known yet) */
	const struct actor *who; /* NULL: not a staff member */
	int64_t now;             /* clock_now() once per request: one instant for all it does */
};

#endif
