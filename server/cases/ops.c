/* SPDX-License-Identifier: EUPL-1.2 */
#include "cases/ops.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cases/search.h"
#include "cases/secret.h"
#include "core/log.h"
#include "db/db.h"
#include "db/migrate.h"
#include "law/date.h"
#include "law/warsaw.h"

struct gauge_ctx {
	arena_t *a;
	const char *today, *now;
	struct ops_gauges *out;
};

static enum db_status read_all(PGconn *c, void *vctx)
{
	struct gauge_ctx *x = vctx;
	struct ops_gauges *g = x->out;
	enum db_status st = db_run(c, "SET TRANSACTION READ ONLY", 0, NULL);
	if (st != DB_OK)
		return st;
	/* The pending rows through the partial index; failed ones are few but
	 * have no index: a scan of the outbox, once per scrape. */
	const char *p1[] = {x->now};
	PGresult *r = db_exec(c, &st,
	                      "SELECT (SELECT count(*) FROM outbox WHERE status = 'pending'),"
	                      " (SELECT coalesce(extract(epoch FROM to_timestamp($1::double precision)"
	                      "   - min(created_at)), 0) FROM outbox WHERE status = 'pending'),"
	                      " (SELECT count(*) FROM outbox WHERE status = 'failed'),"
	                      " (SELECT count(*) FROM pg_stat_activity WHERE datname = current_database())",
	                      1, p1);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	g->outbox_pending = atoll(PQgetvalue(r, 0, 0));
	g->outbox_oldest_pending_seconds = strtod(PQgetvalue(r, 0, 1), NULL);
	if (g->outbox_oldest_pending_seconds < 0)
		g->outbox_oldest_pending_seconds = 0;
	g->outbox_failed = atoll(PQgetvalue(r, 0, 2));
	g->db_backends = atoll(PQgetvalue(r, 0, 3));
	PQclear(r);
	/* The due-dispatch index covers the waiting states; rejected ones are
	 * few. The age is the database's clock, as created_at is (a technical
	 * age, not a legal date). */
	r = db_exec(c, &st,
	            "SELECT count(*) FILTER (WHERE state = 'queued'), "
	            " count(*) FILTER (WHERE state = 'sending'), count(*) FILTER (WHERE state = 'sent'), "
	            " count(*) FILTER (WHERE state = 'rejected'), "
	            " coalesce(extract(epoch FROM now() - "
	            "   min(created_at) FILTER (WHERE state IN ('queued', 'sending'))), 0) "
	            "FROM dispatches WHERE channel IN ('edoreczenia', 'hybrid_post') "
	            "AND state IN ('queued', 'sending', 'sent', 'rejected')",
	            0, NULL);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	g->edor_queued = atoll(PQgetvalue(r, 0, 0));
	g->edor_sending = atoll(PQgetvalue(r, 0, 1));
	g->edor_sent = atoll(PQgetvalue(r, 0, 2));
	g->edor_rejected = atoll(PQgetvalue(r, 0, 3));
	g->edor_oldest_waiting_seconds = strtod(PQgetvalue(r, 0, 4), NULL);
	if (g->edor_oldest_waiting_seconds < 0)
		g->edor_oldest_waiting_seconds = 0;
	PQclear(r);
	/* Open cases and, of those, overdue ones: the clerk queue's own
	 * definition (requests.due_on, kept by trigger, before today). */
	const char *p2[] = {x->today};
	r = db_exec(c, &st,
	            "SELECT o.slug, count(r.id), count(r.id) FILTER (WHERE r.due_on < $1::date) "
	            "FROM organisations o LEFT JOIN requests r "
	            "  ON r.org_id = o.id AND r.closed_on IS NULL "
	            "GROUP BY o.slug ORDER BY o.slug",
	            1, p2);
	if (st != DB_OK) {
		PQclear(r);
		return st;
	}
	int n = PQntuples(r);
	g->norgs = (size_t)n;
	g->orgs = arena_calloc(x->a, n ? (size_t)n : 1, sizeof *g->orgs);
	for (int i = 0; i < n; i++) {
		g->orgs[i].slug = arena_strdup(x->a, PQgetvalue(r, i, 0));
		g->orgs[i].open = atoll(PQgetvalue(r, i, 1));
		g->orgs[i].overdue = atoll(PQgetvalue(r, i, 2));
	}
	PQclear(r);
	return DB_OK;
}

static enum db_status ops_gauges(PGconn *c, arena_t *a, int64_t now, struct ops_gauges *out)
{
	memset(out, 0, sizeof *out);
	law_date_t d;
	if (!law_warsaw_date(now, &d))
		return DB_ERROR;
	char today[LAW_DATE_STRLEN];
	law_date_format(d, today);
	struct gauge_ctx x = {a, today, arena_printf(a, "%lld", (long long)now), out};
	return db_read_transaction(c, read_all, &x);
}

enum outcome ops_metrics(const struct svc_ctx *ctx, struct ops_metrics *out, struct problem *p)
{
	(void)p;
	memset(out, 0, sizeof *out);
	PGconn *c = db_conn();
	out->database_up = c && ops_gauges(c, ctx->arena, ctx->now, &out->gauges) == DB_OK;
	out->connections_primary = db_connections_open(false);
	out->connections_replica = db_connections_open(true);
	out->replica_fallbacks = db_replica_fallbacks();
	out->cache_on = cache_on();
	cache_stats(&out->cache);
	return OUT_OK;
}

/* ---- Replication, read by a job and kept ---- */

static pthread_mutex_t repl_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ops_replication repl; /* under repl_lock */
static bool repl_logged;            /* a state was logged: changes are logged from now on */

void ops_replication(struct ops_replication *out)
{
	pthread_mutex_lock(&repl_lock);
	*out = repl;
	pthread_mutex_unlock(&repl_lock);
}

/* pg_stat_replication shows every walsender's row to any role (the
 * details only to pg_read_all_stats), so the count needs no privilege;
 * synchronous_standby_names is what Patroni sets while a synchronous
 * standby is attached, and empties when none is left
 * (synchronous_mode_strict off). On a standby both are about its own
 * downstream: in_recovery says so. */
enum job_result ops_replication_job(void)
{
	PGconn *c = db_conn();
	enum db_status st = DB_UNAVAILABLE;
	PGresult *r = c ? db_exec(c, &st,
	                          "SELECT (SELECT count(*) FROM pg_stat_replication), "
	                          " current_setting('synchronous_standby_names') <> '', "
	                          " pg_is_in_recovery()",
	                          0, NULL)
	                : NULL;
	struct ops_replication now = {0};
	if (st == DB_OK) {
		now = (struct ops_replication){true, atoll(PQgetvalue(r, 0, 0)),
		                               PQgetvalue(r, 0, 1)[0] == 't',
		                               PQgetvalue(r, 0, 2)[0] == 't'};
	}
	PQclear(r);
	pthread_mutex_lock(&repl_lock);
	struct ops_replication was = repl;
	bool first = !repl_logged;
	repl = now;
	if (now.known)
		repl_logged = true;
	pthread_mutex_unlock(&repl_lock);
	if (!now.known)
		return JOB_FAILED;
	if (first || (was.known && (was.standbys != now.standbys ||
	                            was.synchronous != now.synchronous ||
	                            was.in_recovery != now.in_recovery))) {
		bool worse = !first && (now.standbys < was.standbys || (was.synchronous && !now.synchronous));
		log_msg(worse ? LOG_WARN : LOG_INFO,
		        "replication: %lld standby(s) streaming from the %s, synchronous standby: %s",
		        now.standbys, now.in_recovery ? "standby" : "primary",
		        now.synchronous ? "yes" : "no");
	}
	return JOB_DONE;
}

/* A lost connection is re-opened by db_conn() on the next call, so /readyz
 * turns ready again by itself once PostgreSQL is back. */
enum outcome ops_ready(const struct svc_ctx *ctx, const struct migration_set *set,
                       struct ops_readiness *out, struct problem *p)
{
	(void)ctx;
	(void)p;
	*out = (struct ops_readiness){false, "unreachable", 0, NULL};
	PGconn *c = db_conn();
	if (!c)
		return OUT_OK;
	char err[256];
	long pending = migrate_pending(c, set, err, sizeof err);
	if (pending < 0)
		out->database = "error";
	else if (pending > 0)
		*out = (struct ops_readiness){false, "behind", pending, NULL};
	else
		*out = (struct ops_readiness){true, "ok", 0, search_dictionary(c)};
	return OUT_OK;
}

bool ops_load_secret(char *err, size_t errlen)
{
	PGconn *c = db_conn();
	bool ok = c && secret_load(c, err, errlen);
	if (!c)
		snprintf(err, errlen, "cannot connect to the database to read the application secret");
	db_close();
	return ok;
}
