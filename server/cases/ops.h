/* SPDX-License-Identifier: EUPL-1.2 */
/* Operations: the figures read at scrape time for /metrics (the outbox
 * queue, open and overdue cases per organisation, the database's
 * connections, what the cache keeps), readiness for /readyz, and the
 * start-up read of the application secret. The SQL lives here so that the
 * HTTP and web layers stay free of it. */
#ifndef JAWNOSC_CASES_OPS_H
#define JAWNOSC_CASES_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cases/context.h"
#include "core/arena.h"
#include "core/jobs.h"
#include "core/cache.h"
#include "core/outcome.h"

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
	/* Dispatches by e-Doręczenia and its hybrid service (cases/edoreczenia.h):
	 * waiting to be posted (queued), posted and not yet sent (sending),
	 * sent and waiting for the evidence of delivery (sent), rejected. */
	long long edor_queued, edor_sending, edor_sent, edor_rejected;
	double edor_oldest_waiting_seconds; /* oldest queued or sending; 0 when none */
	struct ops_org *orgs;                 /* in the arena */
	size_t norgs;
};

/* ---- Services of the operations pages ---- */

/* Everything /metrics shows besides the HTTP layer's own counters. */
struct ops_metrics {
	bool database_up;        /* the gauges below were read now */
	struct ops_gauges gauges;
	int connections_primary; /* per-thread connections this process holds */
	int connections_replica;
	long long replica_fallbacks; /* register reads the primary served, no replica reachable */
	bool cache_on;           /* what is kept between requests (core/cache.h) */
	struct cache_stats cache;
};
/* The gauges are read in one read-only transaction; ctx->now fixes
 * "today" in Warsaw for overdue cases. Always OUT_OK: a database that does
 * not answer is database_up false. */
enum outcome ops_metrics(const struct svc_ctx *ctx, struct ops_metrics *out, struct problem *p);

/* The primary's replication as the "replication" job last read it
 * (ops_replication_job(), every OPS_REPLICATION_PERIOD_MS on the job's own
 * connection to DATABASE_URL): /metrics shows these cached figures, so a
 * scrape or a request adds no query. */
#define OPS_REPLICATION_PERIOD_MS 5000
struct ops_replication {
	bool known;             /* the last round read them (else the database did not answer) */
	long long standbys;     /* standbys streaming from the primary (pg_stat_replication rows) */
	bool synchronous;       /* the primary names a synchronous standby (synchronous_standby_names):
	                         * a commit waits until a standby has it */
	bool in_recovery;       /* DATABASE_URL reached a standby, not a primary */
};
void ops_replication(struct ops_replication *out);
/* The job's round: one statement; a change is logged (a warning when a
 * standby went away or commits stopped waiting for one). */
enum job_result ops_replication_job(void);

/* /readyz: whether the database answers and has every migration of `set`. */
struct ops_readiness {
	bool ready;
	const char *database; /* "ok", "unreachable", "error", "behind" */
	long pending;         /* migrations not applied ("behind") */
	/* The search's dictionary when ready: "polish", or "simple" (no
	 * Polish dictionary: the search works without inflection; still
	 * ready), cases/search.h. */
	const char *search;
};
/* Always OUT_OK: not being ready is an answer, not a failure. */
struct migration_set;
enum outcome ops_ready(const struct svc_ctx *ctx, const struct migration_set *set,
                       struct ops_readiness *out, struct problem *p);

/* Reads the application secret (cases/secret.h) once at start-up, on a
 * connection closed afterwards. False with `err` filled. */
bool ops_load_secret(char *err, size_t errlen);

#endif
