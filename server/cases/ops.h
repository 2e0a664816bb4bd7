/* Operational figures read at scrape time for /metrics: the outbox queue,
 * open and overdue cases per organisation, and the database's connections.
 * The SQL lives here so that the HTTP and web layers stay free of it. */
#ifndef JAWNOSC_CASES_OPS_H
#define JAWNOSC_CASES_OPS_H

#include <libpq-fe.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

struct ops_org {
	const char *slug;
	long long open;    /* cases not closed */
	long long overdue; /* of those, past their statutory due date (as in the queue) */
};

struct ops_gauges {
	long long outbox_pending;
	long long outbox_failed;
	double outbox_oldest_pending_seconds; /* 0 when none is pending */
	long long db_backends;                /* server processes on this database (pg_stat_activity) */
	struct ops_org *orgs;                 /* in the arena */
	size_t norgs;
};

/* Reads every figure in one read-only transaction; `now` (seconds since the
 * epoch: clock_now()) fixes "today" in Warsaw for overdue cases. */
enum db_status ops_gauges(PGconn *c, arena_t *a, int64_t now, struct ops_gauges *out);

#endif
