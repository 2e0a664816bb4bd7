#include "db/db.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/log.h"
#include "db/changes.h"

static const char *db_url = "";
static pthread_key_t conn_key;
static pthread_once_t conn_key_once = PTHREAD_ONCE_INIT;

/* Connections open in this process (for /metrics). */
static atomic_int open_primary, open_replica;

static void conn_destroy(void *p)
{
	PQfinish(p);
	atomic_fetch_sub(&open_primary, 1);
}

static void make_key(void)
{
	pthread_key_create(&conn_key, conn_destroy);
}

void db_set_url(const char *url)
{
	db_url = url ? url : "";
}

static void quiet_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgres: %s", message);
}

PGconn *db_connect(const char *url, char *err, size_t errlen)
{
	PGconn *c = PQconnectdb(url);
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		snprintf(err, errlen, "%s", PQerrorMessage(c));
		size_t n = strlen(err);
		while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
			err[--n] = '\0';
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, quiet_notice, NULL);
	return c;
}

PGconn *db_conn(void)
{
	pthread_once(&conn_key_once, make_key);
	PGconn *c = pthread_getspecific(conn_key);
	/* Read what the server may have sent while the connection was idle: a
	 * restarted server's goodbye marks it bad now, not on the next query. */
	if (c && PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE)
		PQconsumeInput(c);
	if (c && PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		atomic_fetch_sub(&open_primary, 1);
		c = NULL;
		pthread_setspecific(conn_key, NULL);
	}
	if (!c) {
		char err[512];
		c = db_connect(db_url, err, sizeof err);
		if (!c) {
			log_warn("database unavailable: %s", err);
			return NULL;
		}
		pthread_setspecific(conn_key, c);
		atomic_fetch_add(&open_primary, 1);
	}
	/* A handler that failed half-way may have left a transaction open. */
	PGTransactionStatusType ts = PQtransactionStatus(c);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(c, "ROLLBACK"));
	return c;
}

void db_close(void)
{
	pthread_once(&conn_key_once, make_key);
	PGconn *c = pthread_getspecific(conn_key);
	if (c) {
		PQfinish(c);
		atomic_fetch_sub(&open_primary, 1);
		pthread_setspecific(conn_key, NULL);
	}
	db_close_replica();
}

/* ---- The read-only replica (DATABASE_URL_REPLICA) ---- */

static pthread_key_t replica_key;
static pthread_once_t replica_key_once = PTHREAD_ONCE_INIT;

static void replica_destroy(void *p)
{
	PQfinish(p);
	atomic_fetch_sub(&open_replica, 1);
}

static void make_replica_key(void)
{
	pthread_key_create(&replica_key, replica_destroy);
}

bool db_has_replica(void)
{
	return cfg.database_url_replica && cfg.database_url_replica[0];
}

PGconn *db_conn_replica(void)
{
	if (!db_has_replica())
		return db_conn();
	pthread_once(&replica_key_once, make_replica_key);
	PGconn *c = pthread_getspecific(replica_key);
	if (c && PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		atomic_fetch_sub(&open_replica, 1);
		c = NULL;
		pthread_setspecific(replica_key, NULL);
	}
	if (!c) {
		char err[512];
		c = db_connect(cfg.database_url_replica, err, sizeof err);
		if (!c) {
			log_warn("replica database unavailable: %s", err);
			return NULL;
		}
		pthread_setspecific(replica_key, c);
		atomic_fetch_add(&open_replica, 1);
	}
	PGTransactionStatusType ts = PQtransactionStatus(c);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(c, "ROLLBACK"));
	return c;
}

void db_close_replica(void)
{
	pthread_once(&replica_key_once, make_replica_key);
	PGconn *c = pthread_getspecific(replica_key);
	if (c) {
		PQfinish(c);
		atomic_fetch_sub(&open_replica, 1);
		pthread_setspecific(replica_key, NULL);
	}
}

int db_connections_open(bool replica)
{
	return atomic_load(replica ? &open_replica : &open_primary);
}

enum db_status db_status_of(PGconn *c, const PGresult *r)
{
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
		return DB_OK;
	if (!c || PQstatus(c) != CONNECTION_OK)
		return DB_UNAVAILABLE;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (!state)
		return DB_UNAVAILABLE; /* libpq-side failure: no SQLSTATE */
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0)
		return DB_RETRY;
	if (strcmp(state, "23505") == 0 || strcmp(state, "23P01") == 0)
		return DB_CONFLICT;
	/* Class 08 (connection exception), 57P01-03 (admin shutdown, crash,
	 * cannot connect now): the server is going away. */
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return DB_UNAVAILABLE;
	/* Class 53 (insufficient resources: 53100 disk full, 53200 out of
	 * memory, 53300 too many connections): nothing is wrong with the
	 * request, the database cannot take it now. The transaction rolls
	 * back like any other failure, the user gets 503 with Retry-After and
	 * their input kept, and the operator a log line to act on. */
	if (strncmp(state, "53", 2) == 0) {
		log_error("database out of resources (SQLSTATE %s): %s", state, PQresultErrorMessage(r));
		return DB_UNAVAILABLE;
	}
	return DB_ERROR;
}

PGresult *db_exec(PGconn *c, enum db_status *status, const char *sql, int nparams,
                  const char *const *params)
{
	PGresult *r = PQexecParams(c, sql, nparams, NULL, params, NULL, NULL, 0);
	enum db_status s = db_status_of(c, r);
	if (s == DB_ERROR)
		log_error("query failed: %s -- %s", PQresultErrorMessage(r), sql);
	if (!r)
		r = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
	if (status)
		*status = s;
	return r;
}

enum db_status db_run(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	enum db_status s;
	PQclear(db_exec(c, &s, sql, nparams, params));
	return s;
}

static enum db_status transaction(PGconn *c, db_tx_fn fn, void *ctx, bool writes)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		enum db_status s = db_run(c, writes ? "BEGIN" : "BEGIN READ ONLY", 0, NULL);
		if (s != DB_OK)
			return s;
		s = fn(c, ctx);
		if (s == DB_OK)
			s = db_run(c, "COMMIT", 0, NULL);
		if (s == DB_OK) {
			/* The pages this process keeps may show what just changed. */
			if (writes)
				changes_local_write();
			return DB_OK;
		}
		if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
			db_run(c, "ROLLBACK", 0, NULL);
		/* A step that failed because the server went away (whatever it
		 * reported) is an outage for the caller: 503, not 500. */
		if (s == DB_ERROR && PQstatus(c) != CONNECTION_OK)
			return DB_UNAVAILABLE;
		if (s != DB_RETRY)
			return s;
	}
	return DB_RETRY;
}

enum db_status db_transaction(PGconn *c, db_tx_fn fn, void *ctx)
{
	return transaction(c, fn, ctx, true);
}

enum db_status db_read_transaction(PGconn *c, db_tx_fn fn, void *ctx)
{
	return transaction(c, fn, ctx, false);
}
