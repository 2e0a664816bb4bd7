/* SPDX-License-Identifier: EUPL-1.2 */
#include "db/db.h"

#include <inttypes.h>
#include <libpq-events.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/cache.h"
#include "core/config.h"
#include "core/hash.h"
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
	db_prepare_attach(c);
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

/* No replica reachable: reads that may use one go to the primary. An
 * outage starts with the first failed connection (logged once, at warn)
 * and ends with the next that succeeds (logged at info); in between a
 * thread without a replica connection tries a new one at most every
 * DB_REPLICA_RETRY_MS, not on every request. */
#define DB_REPLICA_RETRY_MS 5000
static atomic_llong replica_fallbacks;  /* reads the primary served instead */
static atomic_llong replica_retry_at;   /* CLOCK_MONOTONIC ms: no new attempt before */
static atomic_bool replica_out;         /* an outage was logged and has not ended */
static atomic_llong replica_out_since;  /* replica_fallbacks when it started */

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static PGconn *replica_fallback(void)
{
	PGconn *c = db_conn();
	if (c)
		atomic_fetch_add(&replica_fallbacks, 1);
	return c;
}

long long db_replica_fallbacks(void)
{
	return atomic_load(&replica_fallbacks);
}

uint64_t db_parse_lsn(const char *s)
{
	unsigned hi, lo;
	char end;
	if (!s || sscanf(s, "%X/%X%c", &hi, &lo, &end) != 2)
		return 0;
	return (uint64_t)hi << 32 | lo;
}

/* What the replica behind this thread's connection had replayed, asked
 * when a change was bound to a later point of the primary's WAL than it
 * had replayed when last asked; told to the cache, so that what this
 * request reads there is kept only when it shows every change of its tag
 * (core/cache.h). A server not in recovery (a URL that reaches a primary,
 * a replica promoted meanwhile) is told as a primary for as long as the
 * connection lasts. Forgotten whenever the thread's replica connection is
 * made or closed (position_reset()). */
static _Thread_local uint64_t position_replayed;
static _Thread_local bool position_primary;

static _Thread_local int position_pid; /* the backend: a PQreset() gives another */

static void position_reset(void)
{
	position_replayed = 0;
	position_primary = false;
	position_pid = 0;
}

static void replica_position(PGconn *c)
{
	/* The same connection reset (pipeline_send()) may reach another server. */
	if (PQbackendPID(c) != position_pid) {
		position_reset();
		position_pid = PQbackendPID(c);
	}
	if (!position_primary && position_replayed < cache_changes_lsn()) {
		PGresult *r = PQexec(c, "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()");
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			if (PQgetvalue(r, 0, 0)[0] != 't')
				position_primary = true;
			else if (!PQgetisnull(r, 0, 1))
				position_replayed = db_parse_lsn(PQgetvalue(r, 0, 1));
		}
		PQclear(r);
	}
	cache_reading_replica(!position_primary, position_replayed);
}

PGconn *db_conn_replica(void)
{
	if (!db_has_replica())
		return db_conn();
	pthread_once(&replica_key_once, make_replica_key);
	PGconn *c = pthread_getspecific(replica_key);
	/* As db_conn(): a connection cut while idle (a replica stopped, or
	 * promoted and taken out of HAProxy's replica port, which then closes
	 * its sessions) is found now and replaced, not failed on. */
	if (c && PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) == PQTRANS_IDLE)
		PQconsumeInput(c);
	if (c && PQstatus(c) != CONNECTION_OK) {
		PQfinish(c);
		atomic_fetch_sub(&open_replica, 1);
		c = NULL;
		pthread_setspecific(replica_key, NULL);
	}
	if (!c) {
		if (mono_ms() < atomic_load(&replica_retry_at))
			return replica_fallback();
		char err[512];
		c = db_connect(cfg.database_url_replica, err, sizeof err);
		if (!c) {
			atomic_store(&replica_retry_at, mono_ms() + DB_REPLICA_RETRY_MS);
			if (!atomic_exchange(&replica_out, true)) {
				atomic_store(&replica_out_since, atomic_load(&replica_fallbacks));
				log_warn("replica database unavailable, reading from the primary until it is "
				         "back: %s",
				         err);
			}
			return replica_fallback();
		}
		if (atomic_exchange(&replica_out, false))
			log_info("replica database reachable again; the primary served %lld reads meanwhile",
			         atomic_load(&replica_fallbacks) - atomic_load(&replica_out_since));
		pthread_setspecific(replica_key, c);
		atomic_fetch_add(&open_replica, 1);
		position_reset();
	}
	PGTransactionStatusType ts = PQtransactionStatus(c);
	if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
		PQclear(PQexec(c, "ROLLBACK"));
	replica_position(c);
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
	position_reset();
}

int db_connections_open(bool replica)
{
	return atomic_load(replica ? &open_replica : &open_primary);
}

const char *db_value_copy(arena_t *a, const PGresult *r, int row, int col, size_t *len)
{
	*len = (size_t)PQgetlength(r, row, col);
	char *b = arena_alloc(a, *len + 1);
	memcpy(b, PQgetvalue(r, row, col), *len);
	b[*len] = '\0';
	return b;
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

/* ---- Prepared statements, per connection ----
 *
 * The first time a connection runs a statement text it is prepared under a
 * name made from a hash of the text; later calls only bind and execute it,
 * so PostgreSQL neither parses nor (after its first few custom plans, when
 * a generic plan is as good) plans it again. The cache lives on the PGconn
 * (libpq instance data), so a connection re-opened after a restart starts
 * empty, and PQreset() empties it. A statement built at run time (the
 * register's list and search: one text per combination of filters) is
 * prepared like any other. */

#define PREPARED_MAX 200

struct prepared {
	uint64_t hash;
	char *sql;     /* our copy, compared on every hit: a hash is not a proof */
	bool disabled; /* the server refused it once: always unnamed */
};

struct prepared_cache {
	int n;
	struct prepared e[PREPARED_MAX];
};

static void cache_clear(struct prepared_cache *pc)
{
	for (int i = 0; i < pc->n; i++)
		free(pc->e[i].sql);
	pc->n = 0;
}

static int cache_event(PGEventId id, void *info, void *pass)
{
	(void)pass;
	switch (id) {
	case PGEVT_REGISTER: {
		struct prepared_cache *pc = calloc(1, sizeof *pc);
		return pc && PQsetInstanceData(((PGEventRegister *)info)->conn, cache_event, pc);
	}
	case PGEVT_CONNRESET: {
		struct prepared_cache *pc = PQinstanceData(((PGEventConnReset *)info)->conn, cache_event);
		if (pc)
			cache_clear(pc);
		return 1;
	}
	case PGEVT_CONNDESTROY: {
		struct prepared_cache *pc = PQinstanceData(((PGEventConnDestroy *)info)->conn, cache_event);
		if (pc) {
			cache_clear(pc);
			free(pc);
		}
		return 1;
	}
	default:
		return 1;
	}
}

void db_prepare_attach(PGconn *c)
{
	if (c && !PQinstanceData(c, cache_event))
		PQregisterEventProc(c, cache_event, "jawnosc prepared statements", NULL);
}

int db_prepared_count(PGconn *c)
{
	struct prepared_cache *pc = c ? PQinstanceData(c, cache_event) : NULL;
	return pc ? pc->n : 0;
}

static bool has_state(const PGresult *r, const char *state)
{
	const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return s && strcmp(s, state) == 0;
}

/* The prepared statement for `sql` on `c`, prepared now if need be; NULL
 * when it is to run unnamed (switched off, cache full, a hash collision,
 * or the server would not prepare it: the unnamed run reports why). */
static const struct prepared *prepared_for(PGconn *c, const char *sql, int nparams, char *name,
                                           size_t namelen)
{
	if (!cfg.db_prepare)
		return NULL;
	struct prepared_cache *pc = PQinstanceData(c, cache_event);
	if (!pc) {
		db_prepare_attach(c);
		if (!(pc = PQinstanceData(c, cache_event)))
			return NULL;
	}
	uint64_t h = hash_str(sql);
	snprintf(name, namelen, "jw_%016" PRIx64, h);
	for (int i = 0; i < pc->n; i++)
		if (pc->e[i].hash == h)
			return !pc->e[i].disabled && strcmp(pc->e[i].sql, sql) == 0 ? &pc->e[i] : NULL;
	if (pc->n == PREPARED_MAX)
		return NULL;
	char *copy = strdup(sql);
	if (!copy)
		return NULL;
	PGresult *r = PQprepare(c, name, sql, nparams, NULL);
	if (has_state(r, "42P05")) {
		/* Left on the server by an earlier life of the cache (it forgot
		 * the name after an error): replace it. */
		PQclear(r);
		char drop[40];
		snprintf(drop, sizeof drop, "DEALLOCATE %s", name);
		PQclear(PQexec(c, drop));
		r = PQprepare(c, name, sql, nparams, NULL);
	}
	bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		free(copy);
		return NULL;
	}
	pc->e[pc->n] = (struct prepared){h, copy, false};
	return &pc->e[pc->n++];
}

/* True when `r`, the result of prepared statement `p`, says the statement
 * cannot be used: it is forgotten or switched off, and the caller runs it
 * again. */
static bool prepared_failed(PGconn *c, const struct prepared *p, const char *name,
                            const PGresult *r)
{
	bool gone = has_state(r, "26000");
	bool changed = has_state(r, "0A000") && strstr(PQresultErrorMessage(r), "cached plan");
	if (!gone && !changed)
		return false;
	struct prepared_cache *pc = PQinstanceData(c, cache_event);
	struct prepared *e = &pc->e[p - pc->e];
	if (gone) {
		free(e->sql);
		*e = pc->e[--pc->n];
	} else {
		e->disabled = true;
	}
	log_warn("prepared statement %s %s: running it unnamed", name,
	         gone ? "no longer exists" : "changed its result");
	return true;
}

static PGresult *run(PGconn *c, enum db_status *retry, const char *sql, int nparams,
                     const char *const *params, const int *lengths, const int *formats)
{
	char name[24];
	const struct prepared *p = prepared_for(c, sql, nparams, name, sizeof name);
	if (!p)
		return PQexecParams(c, sql, nparams, NULL, params, lengths, formats, 0);
	PGresult *r = PQexecPrepared(c, name, nparams, params, lengths, formats, 0);
	/* 26000: the session no longer has this statement (a pooler handed
	 * the connection to another session, or DEALLOCATE / DISCARD ALL):
	 * forget it, and prepare it again next time. 0A000 "cached plan must
	 * not change result type" (a migration changed a table under a
	 * SELECT *): run this one unnamed from now on. */
	if (!prepared_failed(c, p, name, r))
		return r;
	if (PQtransactionStatus(c) != PQTRANS_IDLE) {
		*retry = DB_RETRY; /* the transaction is aborted: run it again */
		return r;
	}
	PQclear(r);
	return PQexecParams(c, sql, nparams, NULL, params, lengths, formats, 0);
}

PGresult *db_exec_binary(PGconn *c, enum db_status *status, const char *sql, int nparams,
                         const char *const *params, const int *lengths, const int *formats)
{
	enum db_status retry = DB_OK;
	PGresult *r = run(c, &retry, sql, nparams, params, lengths, formats);
	enum db_status s = retry != DB_OK ? retry : db_status_of(c, r);
	if (s == DB_ERROR)
		log_error("query failed: %s -- %s", PQresultErrorMessage(r), sql);
	if (!r)
		r = PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
	if (status)
		*status = s;
	return r;
}

PGresult *db_exec(PGconn *c, enum db_status *status, const char *sql, int nparams,
                  const char *const *params)
{
	return db_exec_binary(c, status, sql, nparams, params, NULL, NULL);
}

/* ---- One statement under a time limit ---- */

#define LIMITED_SAVEPOINT "db_limited"

/* What db_exec_limited() learns of its statement's answer besides the
 * status: the time limit struck (57014, not an error to log), or the
 * prepared statement was lost by the session. */
struct limited_outcome {
	bool timed_out;
	bool lost;
};

static enum db_status pipeline_send(PGconn *c, const char *const *head, int nhead,
                                    struct db_stmt *s, int n, const char *const *tail,
                                    int ntail, struct limited_outcome *lim);

/* Undoes what the savepoint covers (the timeout's SET LOCAL too) and
 * drops it: the transaction goes on as before the statement. */
static enum db_status limited_undo(PGconn *c)
{
	PGresult *r =
	    PQexec(c, "ROLLBACK TO SAVEPOINT " LIMITED_SAVEPOINT "; RELEASE SAVEPOINT " LIMITED_SAVEPOINT);
	enum db_status st = db_status_of(c, r);
	PQclear(r);
	return st;
}

/* The statement's own result as db_exec_limited() gives it. */
static PGresult *limited_result(PGconn *c, enum db_status *status, PGresult *r, const char *sql,
                                bool *timed_out)
{
	if (has_state(r, "57014")) {
		PQclear(r);
		*timed_out = true;
		*status = limited_undo(c);
		return NULL;
	}
	*status = db_status_of(c, r);
	if (*status == DB_ERROR)
		log_error("query failed: %s -- %s", PQresultErrorMessage(r), sql);
	return r ? r : PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
}

/* Without a pipeline: the savepoint and the timeout, the statement, the
 * release and the reset, one round trip each. */
static PGresult *limited_in_order(PGconn *c, enum db_status *status, const char *sql,
                                  int nparams, const char *const *params, const char *set,
                                  bool *timed_out)
{
	char begin[96];
	snprintf(begin, sizeof begin, "SAVEPOINT " LIMITED_SAVEPOINT "; %s", set);
	PGresult *r = PQexec(c, begin);
	*status = db_status_of(c, r);
	PQclear(r);
	if (*status != DB_OK)
		return PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
	enum db_status retry = DB_OK;
	r = run(c, &retry, sql, nparams, params, NULL, NULL);
	if (retry != DB_OK) {
		/* A prepared statement the session lost: forgotten by run(),
		 * the savepoint undone, the statement run once more. */
		PQclear(r);
		if ((*status = limited_undo(c)) != DB_OK)
			return PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
		return limited_in_order(c, status, sql, nparams, params, set, timed_out);
	}
	r = limited_result(c, status, r, sql, timed_out);
	if (*status == DB_OK && r) {
		PGresult *end =
		    PQexec(c, "RELEASE SAVEPOINT " LIMITED_SAVEPOINT "; SET LOCAL statement_timeout TO DEFAULT");
		*status = db_status_of(c, end);
		PQclear(end);
	}
	return r;
}

PGresult *db_exec_limited(PGconn *c, enum db_status *status, const char *sql, int nparams,
                          const char *const *params, int timeout_ms, bool *timed_out)
{
	*timed_out = false;
	char set[64];
	snprintf(set, sizeof set, "SET LOCAL statement_timeout = %d", timeout_ms);
	if (cfg.db_prepare) {
		/* The savepoint, the timeout, the statement, the release and the
		 * reset as one pipeline. */
		const char *const head[] = {"SAVEPOINT " LIMITED_SAVEPOINT, set};
		const char *const tail[] = {"RELEASE SAVEPOINT " LIMITED_SAVEPOINT,
		                            "SET LOCAL statement_timeout TO DEFAULT"};
		struct db_stmt s = {sql, nparams, params, NULL, NULL, NULL};
		struct limited_outcome o = {false, false};
		*status = pipeline_send(c, head, 2, &s, 1, tail, 2, &o);
		if (*status == DB_UNAVAILABLE || !(o.timed_out || o.lost))
			return s.result ? s.result : PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
		PQclear(s.result);
		*timed_out = o.timed_out;
		if ((*status = limited_undo(c)) != DB_OK)
			return PQmakeEmptyPGresult(c, PGRES_FATAL_ERROR);
		if (o.timed_out)
			return NULL;
		/* Prepared no more (the session lost it): the same in order. */
	}
	return limited_in_order(c, status, sql, nparams, params, set, timed_out);
}

int db_param(struct db_params *p, const char *v)
{
	p->v[p->n] = v;
	return ++p->n;
}

int db_param_int(struct db_params *p, long long v)
{
	snprintf(p->buf[p->n], sizeof p->buf[p->n], "%lld", v);
	return db_param(p, p->buf[p->n]);
}

enum db_status db_run(PGconn *c, const char *sql, int nparams, const char *const *params)
{
	enum db_status s;
	PQclear(db_exec(c, &s, sql, nparams, params));
	return s;
}

PGresult *db_exec_row(PGconn *c, enum db_status *status, const char *sql, int nparams,
                      const char *const *params)
{
	PGresult *r = db_exec(c, status, sql, nparams, params);
	if (*status == DB_OK && PQntuples(r) == 1)
		return r;
	if (*status == DB_OK)
		*status = DB_ERROR;
	PQclear(r);
	return NULL;
}

enum db_status db_run_rows(PGconn *c, const char *sql, int nparams, const char *const *params,
                           int *rows)
{
	enum db_status s;
	PGresult *r = db_exec(c, &s, sql, nparams, params);
	*rows = s == DB_OK ? PQntuples(r) : 0;
	PQclear(r);
	return s;
}

/* After a failed attempt at a transaction: what is still open is rolled
 * back, and a step that failed because the server went away (whatever it
 * reported) is an outage for the caller: 503, not 500. DB_RETRY: try
 * again. */
static enum db_status after_failure(PGconn *c, enum db_status s)
{
	if (PQstatus(c) == CONNECTION_OK && PQtransactionStatus(c) != PQTRANS_IDLE)
		db_run(c, "ROLLBACK", 0, NULL);
	if (s == DB_ERROR && PQstatus(c) != CONNECTION_OK)
		return DB_UNAVAILABLE;
	return s;
}

static enum db_status transaction(PGconn *c, db_tx_fn fn, void *ctx, bool writes)
{
	for (int attempt = 0; attempt < 5; attempt++) {
		enum db_status s;
		if (writes && changes_by_app()) {
			/* The triggers leave the notification to this process
			 * (migration 0011, changes_committed()). */
			PGresult *r = PQexec(c, "BEGIN; SET LOCAL jawnosc.app = 'on'");
			s = db_status_of(c, r);
			PQclear(r);
		} else {
			s = db_run(c, writes ? "BEGIN" : "BEGIN READ ONLY", 0, NULL);
		}
		if (s != DB_OK)
			return s;
		s = fn(c, ctx);
		if (s == DB_OK)
			s = db_run(c, "COMMIT", 0, NULL);
		if (s == DB_OK) {
			/* The pages this process keeps may show what just changed. */
			if (writes)
				changes_committed();
			return DB_OK;
		}
		if ((s = after_failure(c, s)) != DB_RETRY)
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

/* ---- Pipelined transactions ---- */

/* The statements in order on an open transaction: the same work without a
 * pipeline (JAWNOSC_DB_PREPARE=0: a pooler may not follow a pipeline). */
struct in_order {
	struct db_stmt *s;
	int n;
	db_tx_fn then;
	void *ctx;
};

static enum db_status run_in_order(PGconn *c, void *vctx)
{
	struct in_order *x = vctx;
	for (int i = 0; i < x->n; i++) {
		enum db_status st;
		PQclear(x->s[i].result);
		x->s[i].result = db_exec_binary(c, &st, x->s[i].sql, x->s[i].nparams, x->s[i].params,
		                                x->s[i].lengths, x->s[i].formats);
		if (st != DB_OK)
			return st;
	}
	return x->then ? x->then(c, x->ctx) : DB_OK;
}

/* The status a pipelined command's result gives (`p`: its prepared
 * statement, if any). */
static enum db_status pipeline_status(PGconn *c, PGresult *r, const struct prepared *p,
                                      const char *name, const char *sql, bool *lost)
{
	if (p && r && prepared_failed(c, p, name, r)) {
		*lost = true;
		return DB_RETRY;
	}
	enum db_status st = db_status_of(c, r);
	if (st == DB_ERROR)
		log_error("query failed: %s -- %s", r ? PQresultErrorMessage(r) : "no result", sql);
	return st;
}

/* Says, for this transaction only, that the server itself tells the other
 * instances of its change (see transaction()); a statement, so that it can
 * be prepared and pipelined. */
static const char app_write_sql[] = "SELECT set_config('jawnosc.app', 'on', true)";

/* Sends `head` (statements of ours without parameters: BEGIN, SET ...),
 * the statements and `tail` (COMMIT ...) as one pipeline and reads every
 * answer: one round trip. With `lim` (one statement under a time limit),
 * its timeout and its lost prepared statement are told there. */
static enum db_status pipeline_send(PGconn *c, const char *const *head, int nhead,
                                    struct db_stmt *s, int n, const char *const *tail,
                                    int ntail, struct limited_outcome *lim)
{
	struct command {
		const char *sql;
		struct db_stmt *stmt; /* NULL: ours */
		const struct prepared *p;
		char name[24];
	} q[DB_PIPELINE_MAX + 5];
	int nq = 0;
	for (int k = 0; k < nhead && k < 3; k++)
		q[nq++] = (struct command){head[k], NULL, NULL, ""};
	for (int i = 0; i < n; i++)
		q[nq++] = (struct command){s[i].sql, &s[i], NULL, ""};
	for (int k = 0; k < ntail && k < 2; k++)
		q[nq++] = (struct command){tail[k], NULL, NULL, ""};
	/* Statements new to this connection are prepared first, one round
	 * trip each, once. */
	for (int k = 0; k < nq; k++)
		if (q[k].stmt || q[k].sql == app_write_sql)
			q[k].p = prepared_for(c, q[k].sql, q[k].stmt ? q[k].stmt->nparams : 0, q[k].name,
			                      sizeof q[k].name);
	if (!PQenterPipelineMode(c))
		return PQstatus(c) == CONNECTION_OK ? DB_ERROR : DB_UNAVAILABLE;
	bool ok = true;
	for (int k = 0; ok && k < nq; k++) {
		const struct db_stmt *t = q[k].stmt;
		int np = t ? t->nparams : 0;
		const char *const *pv = t ? t->params : NULL;
		const int *pl = t ? t->lengths : NULL, *pf = t ? t->formats : NULL;
		ok = (q[k].p ? PQsendQueryPrepared(c, q[k].name, np, pv, pl, pf, 0)
		             : PQsendQueryParams(c, q[k].sql, np, NULL, pv, pl, pf, 0)) == 1;
	}
	ok = ok && PQpipelineSync(c) == 1;
	enum db_status st = DB_OK;
	if (!ok) {
		log_warn("pipeline not sent: %s", PQerrorMessage(c));
		st = DB_UNAVAILABLE;
	}
	/* Each command's result, then NULL; a command after a failed one
	 * answers PGRES_PIPELINE_ABORTED. */
	for (int k = 0; ok && k < nq; k++) {
		PGresult *r = PQgetResult(c);
		if (!r) {
			st = DB_UNAVAILABLE; /* the connection went away */
			break;
		}
		for (PGresult *more; (more = PQgetResult(c));)
			PQclear(more);
		bool lost = false, answered = PQresultStatus(r) != PGRES_PIPELINE_ABORTED && st == DB_OK;
		if (answered && lim && q[k].stmt && has_state(r, "57014")) {
			lim->timed_out = true;
			st = DB_ERROR;
		} else if (answered) {
			st = pipeline_status(c, r, q[k].p, q[k].name, q[k].sql, &lost);
			if (lim && q[k].stmt)
				lim->lost = lost;
		}
		if (q[k].stmt)
			q[k].stmt->result = r;
		else
			PQclear(r);
	}
	/* The sync point: without an explicit BEGIN, where the transaction
	 * commits. */
	if (ok && st != DB_UNAVAILABLE) {
		PGresult *sync = PQgetResult(c);
		if (PQresultStatus(sync) != PGRES_PIPELINE_SYNC)
			st = db_status_of(c, sync) == DB_OK ? DB_UNAVAILABLE : db_status_of(c, sync);
		PQclear(sync);
	}
	if (!PQexitPipelineMode(c)) {
		/* Answers still owed on a broken connection: it is of no more use. */
		if (PQstatus(c) == CONNECTION_OK)
			PQreset(c);
		return DB_UNAVAILABLE;
	}
	return st;
}

/* One attempt. When `commit`, the statements run in the pipeline's own
 * transaction, which PostgreSQL commits at the pipeline's sync point (no
 * BEGIN or COMMIT to send, parse and run); otherwise BEGIN comes first and
 * the transaction stays open for the caller. */
static enum db_status pipeline_once(PGconn *c, struct db_stmt *s, int n, bool commit)
{
	const char *head[2];
	int nhead = 0;
	if (!commit)
		head[nhead++] = "BEGIN";
	if (changes_by_app())
		head[nhead++] = app_write_sql;
	return pipeline_send(c, head, nhead, s, n, NULL, 0, NULL);
}

enum db_status db_pipeline_read(PGconn *c, const char *const *head, int nhead, struct db_stmt *s,
                                int n, bool commit)
{
	for (int i = 0; i < n; i++)
		s[i].result = NULL;
	if (n < 0 || n > DB_PIPELINE_MAX || nhead < 0 || nhead > 3)
		return DB_ERROR;
	const char *const commit_tail[] = {"COMMIT"};
	if (cfg.db_prepare)
		return pipeline_send(c, head, nhead, s, n, commit_tail, commit ? 1 : 0, NULL);
	/* One by one: a pooler may not follow a pipeline. */
	enum db_status st = DB_OK;
	for (int k = 0; st == DB_OK && k < nhead; k++)
		st = db_run(c, head[k], 0, NULL);
	for (int i = 0; st == DB_OK && i < n; i++)
		s[i].result = db_exec_binary(c, &st, s[i].sql, s[i].nparams, s[i].params, s[i].lengths,
		                             s[i].formats);
	if (st == DB_OK && commit)
		st = db_run(c, "COMMIT", 0, NULL);
	return st;
}

enum db_status db_pipeline(PGconn *c, struct db_stmt *s, int n, db_tx_fn then, void *ctx)
{
	for (int i = 0; i < n; i++)
		s[i].result = NULL;
	if (n < 1 || n > DB_PIPELINE_MAX)
		return DB_ERROR;
	if (!cfg.db_prepare) {
		struct in_order x = {s, n, then, ctx};
		return db_transaction(c, run_in_order, &x);
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		for (int i = 0; i < n; i++) {
			PQclear(s[i].result);
			s[i].result = NULL;
		}
		enum db_status st = pipeline_once(c, s, n, !then);
		if (st == DB_OK && then) {
			st = then(c, ctx);
			if (st == DB_OK)
				st = db_run(c, "COMMIT", 0, NULL);
		}
		if (st == DB_OK) {
			changes_committed();
			return DB_OK;
		}
		if ((st = after_failure(c, st)) != DB_RETRY)
			return st;
	}
	return DB_RETRY;
}
